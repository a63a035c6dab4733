<?php

// Generated from schema/racine.json by `cargo run -p racine-codegen`: do not edit.

declare(strict_types=1);

namespace Racine\Exception;

/** The caller cancelled a long operation (an export); it left nothing behind. (`cancelled`, status 12) */
class CancelledException extends RacineException
{
    /** Rows written before it stopped. */
    public readonly int $rows;
    /** What was cancelled (`export`). */
    public readonly string $operation;

    /** @param array<string, mixed> $details */
    public function __construct(string $message, array $details = [], ?\Throwable $previous = null)
    {
        parent::__construct($message, $details, $previous);
        $this->rows = (int) ($details['rows'] ?? 0);
        $this->operation = (string) ($details['operation'] ?? '');
    }
}
