<?php

// Generated from schema/racine.json by `cargo run -p racine-codegen`: do not edit.

declare(strict_types=1);

namespace Racine\Exception;

/** A field is missing, malformed or out of range. (`invalid_input`, status 2) */
class InvalidInputException extends RacineException
{
    /** Why it was rejected, naming the value. */
    public readonly string $reason;
    /** The offending field, as a path in the request (`item.valuation`). */
    public readonly string $field;

    /** @param array<string, mixed> $details */
    public function __construct(string $message, array $details = [], ?\Throwable $previous = null)
    {
        parent::__construct($message, $details, $previous);
        $this->reason = (string) ($details['reason'] ?? '');
        $this->field = (string) ($details['field'] ?? '');
    }
}
