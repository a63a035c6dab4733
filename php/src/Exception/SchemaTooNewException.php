<?php

declare(strict_types=1);

namespace Racine\Exception;

/** The database file was written by a newer Racine. */
class SchemaTooNewException extends RacineException
{
    public readonly int $found;
    public readonly int $supported;

    /** @param array<string, mixed> $details */
    public function __construct(string $message, array $details = [], ?\Throwable $previous = null)
    {
        parent::__construct($message, $details, $previous);
        $this->found = (int) ($details['found'] ?? 0);
        $this->supported = (int) ($details['supported'] ?? 0);
    }
}
