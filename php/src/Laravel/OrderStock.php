<?php

declare(strict_types=1);

namespace Racine\Laravel;

use Illuminate\Contracts\Events\Dispatcher;
use Illuminate\Database\Eloquent\Model;
use Racine\Decimal;
use Racine\Exception\NotFoundException;
use Racine\Exception\RacineException;
use Racine\Laravel\Events\OrderStockRefused;
use Racine\Laravel\Events\OrderStockSynced;
use Racine\RacineInterface;

/**
 * Keeps an Eloquent order and its Racine order in step: what the observer
 * calls after each committed save and delete. Every stock rule is Racine's;
 * this class maps the app's statuses (config racine.orders) to order events.
 *
 * - The Racine order's external id is the app's id followed by something
 *   the app never reuses (the reference column, or the creation instant),
 *   so a row id SQLite hands out again after a rollback or a delete starts
 *   a new Racine order instead of replaying an old one. Idempotency keys
 *   derive from it: a retried job or a second save changes nothing.
 * - Lines edited while nothing has shipped: the Racine order is replaced,
 *   in one transaction, by a revision with the new lines (`1042-…~2`);
 *   once something shipped, Racine refuses the edit (invalid_transition).
 * - A refusal is written to the stock status column before it is thrown
 *   (and dispatched as {@see OrderStockRefused}), so the app sees it.
 */
class OrderStock
{
    /** The stock status values written to racine.orders.stock_status_attribute. */
    public const PENDING = 'pending';
    public const AWAITING_LINES = 'awaiting_lines';
    public const RESERVED = 'reserved';
    public const SOLD = 'sold';
    public const FULFILLED = 'fulfilled';
    public const RETURNED = 'returned';
    public const CANCELLED = 'cancelled';
    public const REFUSED = 'refused';

    /** @var array<string, mixed> */
    private array $config;

    /** @param array<string, mixed> $config racine.orders */
    public function __construct(
        private readonly RacineInterface $racine,
        private readonly Dispatcher $events,
        array $config = [],
    ) {
        $this->config = $config + [
            'status_attribute' => 'status',
            'statuses' => [],
            'refused_status' => null,
            'stock_status_attribute' => null,
            'reference_attribute' => null,
            'key_prefix' => 'laravel:',
            'throw' => true,
        ];
        $this->config['statuses'] += ['paid' => 'paid', 'shipped' => 'shipped', 'cancelled' => 'cancelled', 'returned' => 'returned'];
    }

    /** What the app's status asks of the ledger: paid, shipped, cancelled, returned, or null (nothing yet). */
    public function target(Model $order): ?string
    {
        $status = $order->getAttribute($this->config['status_attribute']);
        $found = array_search($status, $this->config['statuses'], true);
        return $found === false ? null : (string) $found;
    }

    /** Whether saving $order changes what the ledger must do (the guard marks it pending). */
    public function needsSync(Model $order): bool
    {
        return $this->target($order) !== null
            && ($order->isDirty($this->config['status_attribute']) || !$order->exists);
    }

    /**
     * Brings the Racine order to what the app's order says; returns the
     * Racine order (null when there is nothing to do yet).
     *
     * @return array<string, mixed>|null
     */
    public function sync(Model&StockLines $order): ?array
    {
        $target = $this->target($order);
        if ($target === null) {
            return null;
        }
        [$external, $current] = $this->current($order);
        if ($target === 'cancelled') {
            return $this->cancel($order, $external, $current);
        }
        $lines = $order->stockLines();
        if ($lines === []) {
            // Created paid before its lines: placed once they exist (a line
            // model with `$touches = ['order']` saves the order again).
            $this->mark($order, self::AWAITING_LINES);
            return null;
        }
        if ($current !== null && in_array($current['status'], ['cancelled', 'expired'], true)) {
            // Paid again after a cancellation (or an expired cart): a new revision.
            [$external, $current] = [$this->revision($order, $external), null];
        }
        try {
            if ($current !== null && !$this->sameLines($lines, $current['lines'])) {
                // One transaction in Racine; refused (invalid_transition) once something shipped.
                $next = $this->revision($order, $external);
                $current = $this->racine->replaceOrder($external, ['external_id' => $next, 'lines' => $lines, 'currency' => $order->stockCurrency()], $this->key($next, 'placed'));
                $external = $next;
            }
            if ($current === null) {
                $current = $this->racine->placeOrder($external, $lines, ['currency' => $order->stockCurrency()], $this->key($external, 'placed'));
            }
            if (!$current['paid']) {
                $current = $this->racine->payOrder($external, $this->key($external, 'paid'));
            }
            if ($target === 'shipped' && $current['status'] !== 'fulfilled') {
                $current = $this->racine->fulfilOrder($external, null, $this->key($external, 'shipped'));
            }
            if ($target === 'returned') {
                $current = $this->returnAll($external, $current);
            }
        } catch (RacineException $e) {
            if (!ErrorResponse::isRefusal($e)) {
                throw $e; // a fault (busy, storage): the status stays pending, a retry syncs
            }
            $this->refused($order, $e);
            return null;
        }
        return $this->synced($order, $current);
    }

    /** After a delete: releases what the order holds and brings back what left (once). */
    public function release(Model&StockLines $order): ?array
    {
        [$external, $current] = $this->current($order);
        return $this->cancel($order, $external, $current);
    }

    /**
     * The Racine external id of the order's first placement: the app's id
     * and a part the app never reuses.
     */
    public function externalId(Model $order): string
    {
        $reference = $this->config['reference_attribute'];
        if ($reference !== null) {
            $token = (string) $order->getAttribute($reference);
        } else {
            $created = $order->usesTimestamps() ? $order->getAttribute($order->getCreatedAtColumn()) : null;
            $token = $created instanceof \DateTimeInterface ? $created->format('YmdHis') : '';
        }
        if ($token === '') {
            throw new \LogicException(sprintf(
                'order %s has nothing the app never reuses to key its stock by: set racine.orders.reference_attribute to a column filled on creation (a UUID), or keep timestamps on %s',
                (string) $order->getKey(),
                $order::class,
            ));
        }
        return $order->getKey() . '-' . $token;
    }

    /**
     * The Racine order currently standing for $order, and its external id
     * (the next revision's when there is none).
     *
     * @return array{0: string, 1: array<string, mixed>|null}
     */
    private function current(Model $order): array
    {
        $base = $this->externalId($order);
        $external = $base;
        for ($n = 2; ; $n++) {
            $found = $this->find($external);
            if ($found === null) {
                return [$external, null];
            }
            // A cancelled or expired order may have been superseded by a revision.
            if (!in_array($found['status'], ['cancelled', 'expired'], true)) {
                return [$external, $found];
            }
            $next = "{$base}~{$n}";
            if ($this->find($next) === null) {
                return [$external, $found];
            }
            $external = $next;
        }
    }

    private function revision(Model $order, string $external): string
    {
        $base = $this->externalId($order);
        $n = $external === $base ? 2 : ((int) substr($external, strrpos($external, '~') + 1)) + 1;
        return "{$base}~{$n}";
    }

    /** @return array<string, mixed>|null */
    private function find(string $external): ?array
    {
        try {
            return $this->racine->order($external);
        } catch (NotFoundException) {
            return null;
        }
    }

    /** @param array<string, mixed>|null $current */
    private function cancel(Model $order, string $external, ?array $current): ?array
    {
        if ($current === null || in_array($current['status'], ['cancelled', 'expired'], true)) {
            $this->mark($order, self::CANCELLED);
            return $current; // never placed, or already released: nothing to put back
        }
        try {
            $current = $this->racine->cancelOrder($external, $this->key($external, 'cancelled'));
        } catch (RacineException $e) {
            if (!ErrorResponse::isRefusal($e)) {
                throw $e;
            }
            $this->refused($order, $e);
            return null;
        }
        $this->mark($order, self::CANCELLED);
        $this->events->dispatch(new OrderStockSynced($order, self::CANCELLED, $current));
        return $current;
    }

    /**
     * @param array<string, mixed> $current
     * @return array<string, mixed>
     */
    private function returnAll(string $external, array $current): array
    {
        $back = [];
        foreach ($current['lines'] as $line) {
            if (Decimal::canonical($line['out']) !== '0') {
                $back[] = ['line' => $line['line'], 'quantity' => $line['out'], 'restock' => true];
            }
        }
        return $back === [] ? $current : $this->racine->returnOrder($external, $back, $this->key($external, 'returned'));
    }

    /**
     * @param list<array<string, mixed>> $app
     * @param list<array<string, mixed>> $racine
     */
    private function sameLines(array $app, array $racine): bool
    {
        if (count($app) !== count($racine)) {
            return false;
        }
        foreach (array_values($app) as $i => $line) {
            $theirs = $racine[$i];
            if ((string) $line['sku'] !== $theirs['sku']
                || Decimal::canonical($line['quantity']) !== Decimal::canonical($theirs['quantity'])
                || Decimal::canonical($line['unit_price'] ?? '0') !== Decimal::canonical($theirs['unit_price'])
                || (isset($line['warehouse']) && (int) $line['warehouse'] !== $theirs['warehouse'])) {
                return false;
            }
        }
        return true;
    }

    /**
     * @param array<string, mixed> $current
     * @return array<string, mixed>
     */
    private function synced(Model $order, array $current): array
    {
        $status = match (true) {
            $this->target($order) === 'returned' => self::RETURNED,
            $current['status'] === 'fulfilled' => self::FULFILLED,
            default => $this->anyOut($current) ? self::SOLD : self::RESERVED,
        };
        $this->mark($order, $status);
        $this->events->dispatch(new OrderStockSynced($order, $status, $current));
        return $current;
    }

    /** @param array<string, mixed> $current */
    private function anyOut(array $current): bool
    {
        foreach ($current['lines'] as $line) {
            if (Decimal::canonical($line['out']) !== '0') {
                return true;
            }
        }
        return false;
    }

    private function refused(Model $order, RacineException $e): void
    {
        $changes = [];
        if ($this->config['stock_status_attribute'] !== null) {
            $changes[$this->config['stock_status_attribute']] = self::REFUSED;
        }
        if ($this->config['refused_status'] !== null) {
            $changes[$this->config['status_attribute']] = $this->config['refused_status'];
        }
        $this->write($order, $changes);
        $this->events->dispatch(new OrderStockRefused($order, $e));
        if ($this->config['throw']) {
            throw $e;
        }
    }

    private function mark(Model $order, string $status): void
    {
        if ($this->config['stock_status_attribute'] !== null) {
            $this->write($order, [$this->config['stock_status_attribute'] => $status]);
        }
    }

    /**
     * Writes columns of the order's row without events or timestamps (this
     * runs from the order's own events), and into the model in memory.
     *
     * @param array<string, mixed> $changes
     */
    private function write(Model $order, array $changes): void
    {
        if ($changes === []) {
            return;
        }
        if ($order->exists) {
            $order->newQueryWithoutScopes()->whereKey($order->getKey())->toBase()->update($changes);
        }
        foreach ($changes as $attribute => $value) {
            $order->setAttribute($attribute, $value);
            $order->syncOriginalAttribute($attribute);
        }
    }

    private function key(string $external, string $event): string
    {
        return $this->config['key_prefix'] . 'order:' . $external . ':' . $event;
    }
}
