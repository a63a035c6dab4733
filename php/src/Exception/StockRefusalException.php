<?php

// Generated from schema/racine.json by `cargo run -p racine-codegen`: do not edit.

declare(strict_types=1);

namespace Racine\Exception;

/** Every refusal of the stock_refusal family (negative_stock, insufficient_available); decimals are strings. */
abstract class StockRefusalException extends RacineException
{
    /** Item id. */
    public readonly int $item;
    /** Item SKU. */
    public readonly string $sku;
    /** Warehouse code. */
    public readonly string $warehouse;
    /** Available quantity before the movement (at `at` when given). */
    public readonly string $available;
    /** Quantity the movement wanted to take out. */
    public readonly string $requested;

    /** @param array<string, mixed> $details */
    public function __construct(string $message, array $details = [], ?\Throwable $previous = null)
    {
        parent::__construct($message, $details, $previous);
        $this->item = (int) ($details['item'] ?? 0);
        $this->sku = (string) ($details['sku'] ?? '');
        $this->warehouse = (string) ($details['warehouse'] ?? '');
        $this->available = (string) ($details['available'] ?? '');
        $this->requested = (string) ($details['requested'] ?? '');
    }
}
