<?php

declare(strict_types=1);

namespace Racine\Laravel;

/**
 * What an order model tells Racine about itself. Implement it on your
 * Eloquent Order, e.g. from its items relation:
 *
 *     public function stockLines(): array
 *     {
 *         return $this->items->map(fn ($i) => [
 *             'sku' => $i->product->sku,
 *             'quantity' => (string) $i->quantity,
 *             'unit_price' => (string) $i->unit_price,
 *         ])->all();
 *     }
 */
interface StockLines
{
    /** The order's id in the shop (stable: Racine keys the order and its events by it). */
    public function getKey();

    /** ISO 4217 currency of the order's prices (EUR). */
    public function stockCurrency(): string;

    /** @return list<array{sku: string, quantity: string|int, unit_price: string|int, warehouse?: int}> */
    public function stockLines(): array;
}
