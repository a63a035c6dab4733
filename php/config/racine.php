<?php

// Racine configuration for Laravel (publish it with
// `php artisan vendor:publish --tag=racine-config`).
return [
    // The ledger's SQLite file. Every PHP-FPM worker opens the same file.
    'database' => env('RACINE_DATABASE', storage_path('racine/stock.db')),

    // Absolute path to libracine_ffi.so (FFI resolves relative paths against the
    // working directory, which differs between FPM, CLI and queue workers).
    'library' => env('RACINE_LIB'),

    // racine_php.h; null for the header shipped with the package.
    'header' => env('RACINE_HEADER'),

    // Business time zone (IANA) used for days and months in reports, given
    // to a database when it is created.
    'time_zone' => env('RACINE_TIME_ZONE', 'UTC'),

    // 'full' (a confirmed sale survives a power cut) or 'normal' (faster).
    'synchronous' => env('RACINE_SYNCHRONOUS', 'full'),

    // How long a write waits for other workers' writes, in milliseconds.
    'busy_timeout_ms' => (int) env('RACINE_BUSY_TIMEOUT_MS', 10000),
];
