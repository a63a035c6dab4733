<?php

declare(strict_types=1);

namespace Racine\Exception;

/**
 * Base of every Racine exception. A failed call has written nothing.
 *
 * getCode() is the stable status number of the C ABI; errorCode is its
 * stable name (`negative_stock`), the same in every binding; details holds
 * every structured field, also exposed as properties by the subclasses.
 */
class RacineException extends \RuntimeException
{
    /** The stable snake_case name of the error kind. */
    public readonly string $errorCode;

    /** @var array<string, mixed> every field of the error */
    public readonly array $details;

    /** Zero-based index of the failing entry when the error came from a batch. */
    public readonly ?int $index;

    /** @param array<string, mixed> $details */
    public function __construct(string $message, array $details = [], ?\Throwable $previous = null)
    {
        parent::__construct($message, (int) ($details['status'] ?? 0), $previous);
        $this->errorCode = (string) ($details['code'] ?? 'racine_error');
        $this->details = $details;
        $this->index = isset($details['index']) ? (int) $details['index'] : null;
    }

    /**
     * The exception for an error's JSON details (from racine_last_error_details).
     *
     * @param array<string, mixed> $details
     */
    public static function fromDetails(array $details): self
    {
        $class = Kinds::CLASSES[$details['code'] ?? ''] ?? self::class;
        return new $class((string) ($details['message'] ?? 'unknown Racine error'), $details);
    }
}
