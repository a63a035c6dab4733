<?php

declare(strict_types=1);

namespace Racine\Laravel;

use Racine\Database;

/**
 * The replacement for the back office's OrderObserver + StockService: an
 * Eloquent observer that records an order's stock effect in Racine.
 *
 * - When an order becomes paid, its lines are issued (reason `sale`,
 *   reference `ORDER-{id}`) in one transaction: all lines or none; a short
 *   line throws NegativeStockException and nothing is issued.
 * - When a sold order is cancelled or deleted, exactly what was issued comes
 *   back (reason `customer_return`, at the unit cost it left with).
 *
 * Every effect carries an idempotency key built from the order id, so a
 * retried webhook, a second save, or cancel-then-delete never moves stock
 * twice.
 *
 *     Order::observe(new OrderStockObserver(app(Racine\Database::class)));
 */
class OrderStockObserver
{
    /** @var array<string, int> item ids by SKU, for this process */
    private array $items = [];

    public function __construct(
        private readonly Database $racine,
        private readonly string $paidStatus = 'paid',
        private readonly string $cancelledStatus = 'cancelled',
        private readonly string $statusAttribute = 'status',
    ) {
    }

    public function created(StockLines $order): void
    {
        $this->apply($order);
    }

    public function updated(StockLines $order): void
    {
        $this->apply($order);
    }

    public function deleted(StockLines $order): void
    {
        $this->restock($order);
    }

    private function apply(StockLines $order): void
    {
        $status = $order->{$this->statusAttribute} ?? null;
        if ($status === $this->paidStatus) {
            $this->sell($order);
        } elseif ($status === $this->cancelledStatus) {
            $this->restock($order);
        }
    }

    private function reference(StockLines $order): string
    {
        return 'ORDER-' . $order->getKey();
    }

    private function sell(StockLines $order): void
    {
        $movements = [];
        foreach ($order->stockLines() as $line) {
            $movements[] = array_filter([
                'kind' => 'issue',
                'item' => $this->itemId($line['sku']),
                'quantity' => $line['quantity'],
                'warehouse' => $line['warehouse'] ?? null,
                'reference' => $this->reference($order),
            ], static fn ($v) => $v !== null);
        }
        if ($movements !== []) {
            $this->racine->postBatch($movements, 'order:' . $order->getKey() . ':sold');
        }
    }

    private function restock(StockLines $order): void
    {
        // What this order really took out, from the ledger itself.
        $sold = $this->racine->movements(['reference' => $this->reference($order), 'reason' => 'sale', 'order' => 'oldest_first', 'limit' => 1000]);
        $returns = [];
        foreach ($sold['items'] as $m) {
            $returns[] = [
                'kind' => 'receipt',
                'reason' => 'customer_return',
                'item' => $m['item'],
                'warehouse' => $m['warehouse'],
                'quantity' => ltrim($m['quantity'], '-'),
                'unit_cost' => $m['unit_cost'],
                'reference' => $this->reference($order),
            ];
        }
        if ($returns !== []) {
            $this->racine->postBatch($returns, 'order:' . $order->getKey() . ':restocked');
        }
    }

    private function itemId(string $sku): int
    {
        return $this->items[$sku] ??= (int) $this->racine->itemBySku($sku)['id'];
    }
}
