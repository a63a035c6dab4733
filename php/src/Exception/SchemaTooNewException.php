<?php

// Generated from schema/racine.json by `cargo run -p racine-codegen`: do not edit.

declare(strict_types=1);

namespace Racine\Exception;

/** The database file was written by a newer Racine. (`schema_too_new`, status 10) */
class SchemaTooNewException extends RacineException
{
    /** Highest version this library knows. */
    public readonly int $supported;
    /** Version found in the file. */
    public readonly int $found;

    /** @param array<string, mixed> $details */
    public function __construct(string $message, array $details = [], ?\Throwable $previous = null)
    {
        parent::__construct($message, $details, $previous);
        $this->supported = (int) ($details['supported'] ?? 0);
        $this->found = (int) ($details['found'] ?? 0);
    }
}
