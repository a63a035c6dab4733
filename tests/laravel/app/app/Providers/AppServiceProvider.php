<?php

namespace App\Providers;

use App\Listeners\QueueLowStockAlert;
use App\Listeners\RecordOutboxEvent;
use Illuminate\Support\Facades\Event;
use Illuminate\Support\ServiceProvider;
use Racine\Laravel\Events\OutboxEvent;

class AppServiceProvider extends ServiceProvider
{
    public function boot()
    {
        // The order observer is registered by Racine's provider from
        // config('racine.orders.model'); only the app's own listener here.
        Event::listen(OutboxEvent::class, RecordOutboxEvent::class);
        Event::listen(OutboxEvent::class, QueueLowStockAlert::class);
    }
}
