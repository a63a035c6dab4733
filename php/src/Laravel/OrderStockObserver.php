<?php

declare(strict_types=1);

namespace Racine\Laravel;

use Racine\Database;
use Racine\Exception\NotFoundException;

/**
 * The replacement for the back office's OrderObserver + StockService: an
 * Eloquent observer that turns an order's status changes into Racine order
 * events. Every stock rule lives in Racine's core; this class only maps.
 *
 * - paid: the order is placed in Racine (every line reserved, or issued
 *   with the `decrement_on_sale` policy: the back office's behaviour) and
 *   its payment recorded; a short line throws InsufficientAvailableException
 *   listing every short line, and nothing moves.
 * - shipped: what is left is fulfilled (reservations become sales).
 * - cancelled, or deleted: reservations are released and whatever left
 *   the shelf comes back at the cost it left with.
 *
 * Each event carries an idempotency key built from the order id, so a
 * retried webhook, a second save, or cancel-then-delete never moves stock
 * twice.
 *
 *     Order::observe(OrderStockObserver::class); // built from the container per event
 */
class OrderStockObserver
{
    public function __construct(
        private readonly Database $racine,
        private readonly string $paidStatus = 'paid',
        private readonly string $shippedStatus = 'shipped',
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
        $this->cancel($order);
    }

    private function apply(StockLines $order): void
    {
        match ($order->{$this->statusAttribute} ?? null) {
            $this->paidStatus => $this->pay($order),
            $this->shippedStatus => $this->ship($order),
            $this->cancelledStatus => $this->cancel($order),
            default => null,
        };
    }

    private function key(StockLines $order, string $event): string
    {
        return 'laravel:order:' . $order->getKey() . ':' . $event;
    }

    private function pay(StockLines $order): void
    {
        $id = (string) $order->getKey();
        $this->racine->placeOrder($id, $order->stockLines(), ['currency' => $order->stockCurrency()], $this->key($order, 'placed'));
        $this->racine->payOrder($id, $this->key($order, 'paid'));
    }

    private function ship(StockLines $order): void
    {
        $this->pay($order); // replays if already paid; places it if it skipped "paid"
        $this->racine->fulfilOrder((string) $order->getKey(), null, $this->key($order, 'shipped'));
    }

    private function cancel(StockLines $order): void
    {
        try {
            $this->racine->cancelOrder((string) $order->getKey(), $this->key($order, 'cancelled'));
        } catch (NotFoundException) {
            // Never paid, so never placed in Racine: no stock to put back.
        }
    }
}
