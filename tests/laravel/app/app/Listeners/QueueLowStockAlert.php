<?php

namespace App\Listeners;

use App\Models\LedgerEvent;
use Illuminate\Contracts\Queue\ShouldQueue;
use Racine\Laravel\Events\OutboxEvent;

/** A queued listener: the outbox event travels through the queue as plain data. */
class QueueLowStockAlert implements ShouldQueue
{
    public function handle(OutboxEvent $event): void
    {
        if ($event->kind === 'stock_below_reorder_point') {
            LedgerEvent::firstOrCreate(['outbox_id' => -$event->id], ['kind' => 'alert', 'data' => $event->data]);
        }
    }
}
