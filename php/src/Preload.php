<?php

declare(strict_types=1);

namespace Racine;

/**
 * Preloading for PHP-FPM, so that web requests never parse the header and
 * FFI can stay restricted to preloaded code (ffi.enable=preload, PHP's
 * default).
 *
 * At deploy time, write Racine's scoped header once:
 *
 *     php -r 'require "vendor/autoload.php";
 *             Racine\Preload::writeScopedHeader("/var/www/lib/libracine_ffi.so", "/var/www/racine.h");'
 *
 * then in php.ini (FPM):
 *
 *     ffi.enable=preload
 *     ffi.preload=/var/www/racine.h
 *
 * PHP loads it at start-up as the scope "RACINE"; {@see Native::ffi()} finds
 * the scope and every request skips the header. (FFI::load() from an
 * opcache.preload script is refused by PHP when opcache.preload_user is
 * set, as it must be when FPM starts as root: ffi.preload has no such limit.)
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
