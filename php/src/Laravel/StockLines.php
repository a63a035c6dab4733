<?php

declare(strict_types=1);

namespace Racine\Laravel;

/**
 * What an order model tells Racine about itself. Implement it on your
 * Eloquent Order, e.g. from its items relation:
 *
 *     public function stockLines(): array
 *     {
 *         return $this->items->map(fn ($i) => ['sku' => $i->product->sku, 'quantity' => (string) $i->quantity])->all();
 *     }
 */
interface StockLines
{
    /** The order's id in the shop (stable: idempotency keys are built from it). */
    public function getKey();

    /** @return list<array{sku: string, quantity: string|int, warehouse?: int}> */
    public function stockLines(): array;
}
