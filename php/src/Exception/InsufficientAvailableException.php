<?php

// Generated from schema/racine.json by `cargo run -p racine-codegen`: do not edit.

declare(strict_types=1);

namespace Racine\Exception;

/** Not enough available (unreserved) stock for an order's lines. (`insufficient_available`, status 4) */
class InsufficientAvailableException extends StockRefusalException
{
    /** @var list<array<string, mixed>> Every short line, with what is available. */
    public readonly array $lines;

    /** @param array<string, mixed> $details */
    public function __construct(string $message, array $details = [], ?\Throwable $previous = null)
    {
        parent::__construct($message, $details, $previous);
        $this->lines = $details['lines'] ?? [];
    }
}
