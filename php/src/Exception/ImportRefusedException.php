<?php

// Generated from schema/racine.json by `cargo run -p racine-codegen`: do not edit.

declare(strict_types=1);

namespace Racine\Exception;

/** Rows of a file to import are wrong; nothing was written. Every problem is listed with its row, column and value. (`import_refused`, status 13) */
class ImportRefusedException extends RacineException
{
    /** @var list<array<string, mixed>> The first problems found (at most 1000), in row then column order. */
    public readonly array $problems;
    /** What was imported (`items`, `opening_stock`…). */
    public readonly string $kind;
    /** Data rows read (the header aside). */
    public readonly int $rows;
    /** Rows with at least one problem (0 when only the header is wrong). */
    public readonly int $invalidRows;

    /** @param array<string, mixed> $details */
    public function __construct(string $message, array $details = [], ?\Throwable $previous = null)
    {
        parent::__construct($message, $details, $previous);
        $this->problems = $details['problems'] ?? [];
        $this->kind = (string) ($details['kind'] ?? '');
        $this->rows = (int) ($details['rows'] ?? 0);
        $this->invalidRows = (int) ($details['invalid_rows'] ?? 0);
    }
}
