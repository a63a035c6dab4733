<?php

declare(strict_types=1);

// PSR-4 without Composer: Racine\ (src) and Racine\Tests\ (tests). The
// Laravel integration is tested in a real application: tests/laravel/.
spl_autoload_register(static function (string $class): void {
    $roots = [
        'Racine\\Tests\\' => __DIR__ . '/',
        'Racine\\' => __DIR__ . '/../src/',
    ];
    foreach ($roots as $prefix => $dir) {
        if (str_starts_with($class, $prefix)) {
            $file = $dir . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
            if (is_file($file)) {
                require $file;
            }
            return;
        }
    }
});

if (!getenv('RACINE_LIB')) {
    fwrite(STDERR, "set RACINE_LIB to the absolute path of libracine_ffi.so (cargo build -p racine-ffi)\n");
    exit(2);
}
