<?php

declare(strict_types=1);

// PSR-4 without Composer: Racine\ (src), Racine\Tests\ (tests) and the
// Laravel stand-ins under Illuminate\ (Laravel itself is not installable here).
spl_autoload_register(static function (string $class): void {
    $roots = [
        'Racine\\Tests\\' => __DIR__ . '/',
        'Racine\\' => __DIR__ . '/../src/',
        'Illuminate\\' => __DIR__ . '/Stubs/Illuminate/',
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

// Laravel's helpers used by config/racine.php.
if (!function_exists('env')) {
    function env(string $key, mixed $default = null): mixed
    {
        $v = getenv($key);
        return $v === false ? $default : $v;
    }
}
if (!function_exists('storage_path')) {
    function storage_path(string $path = ''): string
    {
        return sys_get_temp_dir() . '/racine-storage/' . $path;
    }
}

if (!getenv('RACINE_LIB')) {
    fwrite(STDERR, "set RACINE_LIB to the absolute path of libracine_ffi.so (cargo build -p racine-ffi)\n");
    exit(2);
}
