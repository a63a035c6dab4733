<?php

// opcache.preload script for PHP-FPM and the built-in server (php -S,
// artisan serve), where PHP's default ffi.enable=preload allows FFI only in
// code compiled at preload time. In php.ini (FPM's, e.g.
// /etc/php/8.2/fpm/php.ini):
//
//     opcache.enable=1
//     opcache.preload=/var/www/shop/vendor/racine/racine/preload.php
//     opcache.preload_user=www-data   ; required when the master starts as root
//     ffi.enable=preload              ; PHP's default; ffi.enable=1 needs no preload
//
// then restart php-fpm (preloaded code changes only on restart, so do it
// after every deploy of a new version of this package). Racine's classes that
// call FFI are compiled here; the Laravel classes, which do not, are left to
// Composer's autoloader. The library and header are found at the first
// request, as without preloading (RACINE_LIB, or the package's own).

declare(strict_types=1);

require_once __DIR__ . '/autoload.php';

$src = __DIR__ . '/src';
$files = new RecursiveIteratorIterator(new RecursiveDirectoryIterator($src, FilesystemIterator::SKIP_DOTS));
foreach ($files as $file) {
    $relative = substr($file->getPathname(), strlen($src) + 1);
    if (!str_ends_with($relative, '.php') || str_starts_with($relative, 'Laravel/')) {
        continue;
    }
    $name = 'Racine\\' . str_replace('/', '\\', substr($relative, 0, -4));
    // Loading through the autoloader links each class with its parents,
    // interfaces and traits, which opcache needs to keep it preloaded.
    class_exists($name) || interface_exists($name) || trait_exists($name);
}
