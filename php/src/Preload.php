<?php

declare(strict_types=1);

namespace Racine;

/**
 * The optional half of the php-fpm recipe: a scoped header, so that the
 * FPM master parses Racine's declarations once instead of each worker at
 * its first request.
 *
 * Under php-fpm and the built-in server, ffi.enable=preload allows FFI
 * only in code compiled by opcache.preload, whatever ffi.preload loaded:
 * the package's preload.php is what makes Racine work there. This adds to
 * it. At deploy time, write the scoped header once:
 *
 *     php -r 'require "vendor/autoload.php";
 *             Racine\Preload::writeScopedHeader("/var/www/shop/vendor/racine/racine/lib/linux-x86_64-gnu/libracine_ffi.so", "/var/www/racine.h");'
 *
 * then in FPM's php.ini, beside opcache.preload:
 *
 *     ffi.preload=/var/www/racine.h
 *
 * PHP loads it at start-up as the scope "RACINE"; {@see Native::ffi()} takes
 * the scope, and no request reads the header.
 */
final class Preload
{
    /**
     * Writes racine_php.h with the FFI_SCOPE and absolute FFI_LIB lines that
     * ffi.preload needs, atomically; returns the path written.
     */
    public static function writeScopedHeader(string $library, string $target, ?string $header = null): string
    {
        $library = Native::libraryPath($library);
        $header = Native::headerPath($header);
        $declarations = file_get_contents($header);
        if ($declarations === false) {
            throw new Exception\RacineException("cannot read the Racine header {$header}", ['code' => 'header_missing']);
        }
        $text = sprintf("#define FFI_SCOPE \"%s\"\n#define FFI_LIB \"%s\"\n", Native::SCOPE, addslashes($library)) . $declarations;
        $tmp = $target . '.' . getmypid() . '.tmp';
        if (file_put_contents($tmp, $text) === false || !rename($tmp, $target)) {
            throw new Exception\RacineException("cannot write {$target}", ['code' => 'storage']);
        }
        return $target;
    }
}
