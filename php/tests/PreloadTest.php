<?php

declare(strict_types=1);

namespace Racine\Tests;

use PHPUnit\Framework\TestCase;

/**
 * ffi.enable=preload (PHP's default, and what PHP-FPM should keep): FFI only
 * in preloaded code. ffi.preload loads Racine's scoped header at start-up;
 * the "request" then opens a database without ever parsing the header.
 */
final class PreloadTest extends TestCase
{
    public function testPreloadedScopeServesRequests(): void
    {
        $dir = sys_get_temp_dir() . '/racine-preload-' . bin2hex(random_bytes(4));
        mkdir($dir);
        $scoped = \Racine\Preload::writeScopedHeader((string) getenv('RACINE_LIB'), "{$dir}/racine.h");
        $request = '
            require ' . var_export(realpath(__DIR__ . '/../autoload.php'), true) . ';
            putenv("RACINE_LIB"); putenv("RACINE_HEADER=/nonexistent.h"); // only the preloaded scope can work
            $db = new Racine\Database();
            $id = $db->createItem("A", "A")["id"];
            $db->receive($id, "2", "3");
            echo $db->stock($id)["value"], " ", ini_get("ffi.enable"), "\n";';
        $cmd = [PHP_BINARY, '-d', 'ffi.enable=preload', '-d', "ffi.preload={$scoped}", '-r', $request];
        $proc = proc_open($cmd, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
        $out = stream_get_contents($pipes[1]);
        $err = stream_get_contents($pipes[2]);
        $code = proc_close($proc);
        array_map('unlink', glob("{$dir}/*") ?: []);
        rmdir($dir);
        self::assertSame(0, $code, "stdout: {$out}\nstderr: {$err}");
        self::assertSame("6 preload\n", $out);
    }
}
