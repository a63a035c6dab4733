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
     *                             the RACINE_LIB environment variable
     * @param string|null $header  path to racine_php.h; defaults to RACINE_HEADER,
     *                             then the header shipped beside this package
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

    /** The absolute library path from the argument or RACINE_LIB, checked. */
    public static function libraryPath(?string $library): string
    {
        $library ??= getenv('RACINE_LIB') ?: null;
        if ($library === null || $library === '') {
            throw new RacineException('no Racine library given: pass its absolute path or set RACINE_LIB (e.g. /var/www/vendor/racine/lib/libracine_ffi.so)', ['code' => 'library_missing']);
        }
        // FFI resolves a relative path against the current directory, which
        // differs between CLI, FPM and queue workers: insist on an absolute one.
        $real = realpath($library);
        if ($real === false || !is_file($real)) {
            throw new RacineException("the Racine library {$library} does not exist", ['code' => 'library_missing', 'path' => $library]);
        }
        return $real;
    }

    /** The header path from the argument, RACINE_HEADER or the package's default. */
    public static function headerPath(?string $header): string
    {
        $header ??= getenv('RACINE_HEADER') ?: (__DIR__ . '/../../include/racine_php.h');
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
            $mode = (string) ini_get('ffi.enable');
            $hint = $mode === 'preload'
                ? ' (ffi.enable=preload allows FFI only in preloaded code: preload Racine, see Racine\\Preload, or set ffi.enable=true)'
                : '';
            throw new RacineException('cannot load the Racine library: ' . $e->getMessage() . $hint, ['code' => 'ffi_unavailable'], $e);
        }
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
