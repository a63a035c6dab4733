<?php

namespace App\Listeners;

use App\Models\LedgerEvent;
use Racine\Laravel\Events\OutboxEvent;

/** Keeps every outbox event once (delivery is at least once: keyed by its id). */
class RecordOutboxEvent
{
    public function handle(OutboxEvent $event): void
    {
        LedgerEvent::firstOrCreate(['outbox_id' => $event->id], ['kind' => $event->kind, 'data' => $event->data]);
    }
}
