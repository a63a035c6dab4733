<?php

declare(strict_types=1);

namespace Racine\Laravel\Events;

/**
 * One event of Racine's outbox (movement_recorded, order_event_applied,
 * stock_below_reorder_point, purchase_received, opportunity_stage_changed,
 * contact_merged), dispatched on Laravel's event bus by
 * `php artisan racine:outbox` in id order, at least once: a listener
 * keys its work by `$id`. A queued listener (ShouldQueue) receives it
 * serialised: it holds plain data only.
 */
final class OutboxEvent
{
    /** @param array<string, mixed> $data */
    public function __construct(
        public readonly int $id,
        public readonly string $kind,
        public readonly \DateTimeImmutable $recordedAt,
        public readonly array $data,
    ) {
    }
}
