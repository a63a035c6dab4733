<?php

declare(strict_types=1);

namespace Racine\Laravel;

use Illuminate\Database\Eloquent\Model;

/**
 * The replacement for the back office's OrderObserver + StockService: turns
 * an order's committed status changes into Racine order events (see
 * {@see OrderStock} for the mapping, configured by racine.orders).
 *
 * It runs after the app's transaction commits (`$afterCommit`): an order
 * rolled back never reaches the ledger. Register it by class, as Laravel
 * builds observers from the container (the service provider does it for
 * racine.orders.model):
 *
 *     Order::observe(OrderStockObserver::class);
 */
class OrderStockObserver
{
    /** Run after the surrounding database transaction commits. */
    public bool $afterCommit = true;

    public function __construct(private readonly OrderStock $stock)
    {
    }

    public function saved(Model&StockLines $order): void
    {
        $this->stock->sync($order);
    }

    public function deleted(Model&StockLines $order): void
    {
        $this->stock->release($order);
    }
}
