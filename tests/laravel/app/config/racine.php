<?php

// The shop's published config/racine.php (php artisan vendor:publish --tag=racine-config), edited.
return [
    'database' => env('RACINE_DATABASE', storage_path('racine/stock.db')),
    'library' => env('RACINE_LIB'),
    'header' => env('RACINE_HEADER'),
    'time_zone' => env('RACINE_TIME_ZONE', 'Europe/Paris'),
    'synchronous' => env('RACINE_SYNCHRONOUS'),
    'busy_timeout_ms' => env('RACINE_BUSY_TIMEOUT_MS'),
    'stock_policy' => env('RACINE_STOCK_POLICY'),
    'orders' => [
        'model' => App\Models\Order::class,
        'status_attribute' => 'status',
        'statuses' => ['paid' => 'paid', 'shipped' => 'shipped', 'cancelled' => 'cancelled', 'returned' => 'returned'],
        'stock_status_attribute' => 'stock_status',
        'refused_status' => null,
        'reference_attribute' => 'stock_reference',
        'key_prefix' => 'shop:',
        'throw' => true,
    ],
    'outbox' => ['consumer' => 'shop'],
];
