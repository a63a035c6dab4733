<?php

declare(strict_types=1);

namespace Racine;

use FFI;
use Racine\Exception\RacineException;

/**
 * The FFI binding to libracine, built once per process.
 *
 * Parsing the header costs far more than a call, so the FFI object is kept
 * in a static. Under PHP-FPM, preload it instead (see {@see Preload}): web
 * requests then take the preloaded scope and never parse the header.
 */
final class Native
{
    /** The C ABI version this package was written for. */
    public const ABI_VERSION = 2;

    /** Scope name used when the library is preloaded. */
    public const SCOPE = 'RACINE';

    private static ?FFI $ffi = null;

    /**
     * The FFI object: the preloaded scope if there is one, otherwise the
     * header parsed once with the library at an absolute path.
     *
     * @param string|null $library absolute path to libracine_ffi.so; defaults to
     *                             RACINE_LIB, then the package's bundled library
     * @param string|null $header  path to racine_php.h; defaults to RACINE_HEADER,
     *                             then the package's include/racine_php.h
     */
    public static function ffi(?string $library = null, ?string $header = null): FFI
    {
        if (self::$ffi !== null) {
            return self::$ffi;
        }
        if (!extension_loaded('ffi')) {
            throw new RacineException('the FFI extension is not loaded: install/enable ext-ffi (php.ini: extension=ffi)', ['code' => 'ffi_unavailable']);
        }
        $ffi = self::preloaded() ?? self::load(self::libraryPath($library), self::headerPath($header));
        self::checkAbi($ffi);
        return self::$ffi = $ffi;
    }

    /** Forgets the cached FFI object (tests). */
    public static function reset(): void
    {
        self::$ffi = null;
    }

    /**
     * The library: the argument (Laravel: config racine.library), else
     * RACINE_LIB, else the one a dist archive of this package carries for
     * this platform ({@see Native::bundledLibrary()}); checked to exist and
     * made absolute.
     */
    public static function libraryPath(?string $library): string
    {
        $library ??= getenv('RACINE_LIB') ?: null;
        if ($library === null || $library === '') {
            $bundled = self::bundledLibrary();
            if ($bundled === null || !is_file($bundled)) {
                $where = $bundled === null ? 'this package carries none for ' . PHP_OS_FAMILY . ' ' . php_uname('m') : "{$bundled} is missing";
                throw new RacineException(
                    "no Racine library: {$where}. Set RACINE_LIB (Laravel: racine.library) to the absolute path of libracine_ffi.so, "
                    . 'or install the package from a dist archive built by scripts/package-php',
                    ['code' => 'library_missing', 'path' => $bundled],
                );
            }
            $library = $bundled;
        }
        // FFI resolves a relative path against the current directory, which
        // differs between CLI, FPM and queue workers: insist on an absolute one.
        $real = realpath($library);
        if ($real === false || !is_file($real)) {
            throw new RacineException("the Racine library {$library} does not exist", ['code' => 'library_missing', 'path' => $library]);
        }
        return $real;
    }

    /**
     * Where a dist archive of this package keeps the library for this
     * platform: lib/<os>-<arch>-<libc>/libracine_ffi.so (linux-x86_64-gnu,
     * linux-aarch64-gnu); null on a platform it is never built for.
     */
    public static function bundledLibrary(): ?string
    {
        if (PHP_OS_FAMILY !== 'Linux') {
            return null;
        }
        $arch = match (php_uname('m')) {
            'x86_64', 'amd64' => 'x86_64',
            'aarch64', 'arm64' => 'aarch64',
            default => null,
        };
        if ($arch === null) {
            return null;
        }
        // musl (Alpine) cannot load a glibc build.
        $libc = glob('/lib/ld-musl-*') ? 'musl' : 'gnu';
        return dirname(__DIR__) . "/lib/linux-{$arch}-{$libc}/libracine_ffi.so";
    }

    /** The header path from the argument, RACINE_HEADER or the package's own copy. */
    public static function headerPath(?string $header): string
    {
        $header ??= getenv('RACINE_HEADER') ?: (dirname(__DIR__) . '/include/racine_php.h');
        if (!is_file($header)) {
            throw new RacineException("the Racine header {$header} does not exist", ['code' => 'header_missing', 'path' => $header]);
        }
        return $header;
    }

    private static function load(string $library, string $header): FFI
    {
        $declarations = file_get_contents($header);
        if ($declarations === false) {
            throw new RacineException("cannot read the Racine header {$header}", ['code' => 'header_missing']);
        }
        try {
            return FFI::cdef($declarations, $library);
        } catch (\FFI\Exception $e) {
            throw new RacineException('cannot load the Racine library: ' . $e->getMessage() . self::iniHint(), ['code' => 'ffi_unavailable'], $e);
        }
    }

    /** The package's opcache.preload script (see php/preload.php). */
    public static function preloadScript(): string
    {
        return dirname(__DIR__) . '/preload.php';
    }

    /**
     * What to change in php.ini when FFI is restricted: the line, the file
     * it lives in and the alternative (preloading), for this SAPI.
     */
    public static function iniHint(): string
    {
        $mode = strtolower((string) ini_get('ffi.enable'));
        $ini = php_ini_loaded_file() ?: 'php.ini';
        $sapi = PHP_SAPI;
        $preload = self::preloadScript();
        return match ($mode) {
            'preload' => " (ffi.enable=preload in {$ini}: under the {$sapi} SAPI, FFI is allowed only in code compiled by opcache.preload."
                . " Either add opcache.preload={$preload} (with opcache.preload_user=www-data when the master runs as root) and restart,"
                . ' or set ffi.enable=1)',
            '0', 'false', 'off', '' => " (ffi.enable={$mode} in {$ini}: set ffi.enable=1, or ffi.enable=preload with opcache.preload={$preload})",
            default => '',
        };
    }

    private static function preloaded(): ?FFI
    {
        try {
            return FFI::scope(self::SCOPE);
        } catch (\FFI\Exception) {
            return null;
        }
    }

    private static function checkAbi(FFI $ffi): void
    {
        $abi = $ffi->racine_abi_version();
        if ($abi !== self::ABI_VERSION) {
            throw new RacineException(
                "the Racine library speaks C ABI {$abi}, this PHP package expects " . self::ABI_VERSION . ': install matching versions',
                ['code' => 'abi_mismatch', 'found' => $abi, 'expected' => self::ABI_VERSION],
            );
        }
    }
}
