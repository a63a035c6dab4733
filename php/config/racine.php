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
];
