<?php

declare(strict_types=1);

namespace Racine\Laravel;

use Illuminate\Database\Eloquent\Model;
use Illuminate\Support\Str;

/**
 * Runs inside the app's save, before its INSERT or UPDATE (unlike
 * {@see OrderStockObserver}, which waits for the commit):
 *
 * - fills the never-reused reference column (racine.orders.reference_attribute)
 *   with a UUID when the app left it empty;
 * - marks the stock status `pending` in the same statement that makes the
 *   order paid, shipped, cancelled or returned, so the app never shows a
 *   status the ledger has not confirmed: the observer writes the outcome
 *   (reserved, sold, fulfilled, cancelled, returned, refused) after commit.
 */
class OrderStockGuard
{
    /** @param array<string, mixed> $config racine.orders */
    public function __construct(private readonly OrderStock $stock, private readonly array $config = [])
    {
    }

    public function creating(Model $order): void
    {
        $reference = $this->config['reference_attribute'] ?? null;
        if ($reference !== null && (string) $order->getAttribute($reference) === '') {
            $order->setAttribute($reference, (string) Str::uuid());
        }
    }

    public function saving(Model $order): void
    {
        $attribute = $this->config['stock_status_attribute'] ?? null;
        if ($attribute !== null && $this->stock->needsSync($order)) {
            $order->setAttribute($attribute, OrderStock::PENDING);
        }
    }
}
