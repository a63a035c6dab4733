<?php

declare(strict_types=1);

namespace Racine\Exception;

/** A field is missing, malformed or out of range (also bad UTF-8 or JSON). */
class InvalidInputException extends RacineException
{
    public readonly string $field;
    public readonly string $reason;

    /** @param array<string, mixed> $details */
    public function __construct(string $message, array $details = [], ?\Throwable $previous = null)
    {
        parent::__construct($message, $details, $previous);
        $this->field = (string) ($details['field'] ?? '');
        $this->reason = (string) ($details['reason'] ?? '');
    }
}
