<?php

// Generated from schema/racine.json by `cargo run -p racine-codegen`: do not edit.

declare(strict_types=1);

namespace Racine\Exception;

/** The movement would take available stock below zero. (`negative_stock`, status 3) */
class NegativeStockException extends StockRefusalException
{
    /** For a backdated movement: the first later instant whose stock it would take below zero. */
    public readonly string $at;

    /** @param array<string, mixed> $details */
    public function __construct(string $message, array $details = [], ?\Throwable $previous = null)
    {
        parent::__construct($message, $details, $previous);
        $this->at = (string) ($details['at'] ?? '');
    }
}
