<?php

// Racine configuration for Laravel (publish it with
// `php artisan vendor:publish --tag=racine-config`). Nothing here opens the
// database: it opens on first use, in each process.
return [
    // The ledger's SQLite file (its missing folders are created on first
    // open), which every PHP-FPM worker opens; or, for a shop on several app
    // servers, a PostgreSQL connection string (postgres://user:password@host/db).
    'database' => env('RACINE_DATABASE', storage_path('racine/stock.db')),

    // Absolute path to libracine_ffi.so; null for the one the package carries
    // (a dist archive built by scripts/package-php). FFI resolves relative
    // paths against the working directory, which differs between FPM, CLI
    // and queue workers.
    'library' => env('RACINE_LIB'),

    // racine_php.h; null for the package's own include/racine_php.h.
    'header' => env('RACINE_HEADER'),

    // The options below are left to Racine's own defaults when unset (see
    // open_options in schema/racine.json): they are not restated here.

    // Business time zone (IANA) used for days and months in reports, given
    // to a database when it is created (Racine's default: UTC).
    'time_zone' => env('RACINE_TIME_ZONE'),

    // 'full' (a confirmed sale survives a power cut; Racine's default) or
    // 'normal' (faster).
    'synchronous' => env('RACINE_SYNCHRONOUS'),

    // How long a write waits for other workers' writes, in milliseconds
    // (Racine's default: 10000).
    'busy_timeout_ms' => env('RACINE_BUSY_TIMEOUT_MS'),

    // How placing an order touches stock: 'reserve' (Racine's default:
    // reserved when paid, issued when shipped) or 'decrement_on_sale' (issued
    // when paid, the back office's old behaviour). Set on the database at its
    // first open by each process when it differs; null leaves the database's.
    'stock_policy' => env('RACINE_STOCK_POLICY'),

    // The order observer (Racine\Laravel\OrderStockObserver), registered on
    // 'model' by the service provider. The model implements
    // Racine\Laravel\StockLines.
    'orders' => [
        // e.g. App\Models\Order::class; null registers nothing.
        'model' => null,

        // The attribute holding the order's status, and which of its values
        // mean paid (placed and paid in Racine: reserved, or issued with
        // decrement_on_sale), shipped (fulfilled), cancelled (released, what
        // left comes back at its cost) and returned (everything out comes back).
        'status_attribute' => 'status',
        'statuses' => [
            'paid' => 'paid',
            'shipped' => 'shipped',
            'cancelled' => 'cancelled',
            'returned' => 'returned',
        ],

        // A column the package keeps the ledger's answer in: pending (set in
        // the same UPDATE as the status), then reserved, sold, fulfilled,
        // cancelled, returned, awaiting_lines or refused. null: none.
        'stock_status_attribute' => null,

        // When the ledger refuses (short stock…), also set the status to this
        // value; null leaves the status as the app set it.
        'refused_status' => null,

        // A column the app never reuses (filled with a UUID on creation when
        // empty), which keys the order in Racine with its id. null: the
        // creation instant (to the second) stands in.
        'reference_attribute' => null,

        // Prefix of the idempotency keys the observer uses.
        'key_prefix' => 'laravel:',

        // Throw the refusal from the save (rendered as 409) after recording
        // it; false: only record it and dispatch OrderStockRefused.
        'throw' => true,
    ],

    // The cursor `php artisan racine:outbox` follows.
    'outbox' => [
        'consumer' => 'laravel',
    ],
];
