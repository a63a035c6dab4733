<?php

namespace Tests\Feature;

use PHPUnit\Framework\TestCase;

/**
 * Composer runs package:discover after every autoload dump, and deploys run
 * config:cache and route:cache: none of them may need the library. Each
 * runs as its own artisan process, as a deploy script runs it, with the
 * library path pointing nowhere and FFI off.
 */
class ArtisanWithoutLibraryTest extends TestCase
{
    private function artisan(string ...$args): array
    {
        $base = dirname(__DIR__, 2);
        $env = ['RACINE_LIB' => '/nonexistent/libracine_ffi.so', 'RACINE_DATABASE' => sys_get_temp_dir() . '/racine-artisan-' . getmypid() . '/stock.db'] + getenv();
        $proc = proc_open(array_merge([PHP_BINARY, '-d', 'ffi.enable=0', "{$base}/artisan"], $args), [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, $base, $env);
        $out = stream_get_contents($pipes[1]) . stream_get_contents($pipes[2]);
        return [proc_close($proc), $out];
    }

    public function testDeployCommandsWorkWithNoLibrary(): void
    {
        foreach (['package:discover', 'config:cache', 'config:clear', 'route:cache', 'route:clear', 'list', 'vendor:publish --tag=racine-config'] as $command) {
            [$code, $out] = $this->artisan(...explode(' ', $command));
            $this->assertSame(0, $code, "{$command}: {$out}");
        }
        [, $list] = $this->artisan('list', 'racine');
        foreach (['racine:doctor', 'racine:verify', 'racine:stock', 'racine:dashboard', 'racine:export', 'racine:outbox'] as $command) {
            $this->assertStringContainsString($command, $list);
        }
        // The doctor says what is wrong and how to fix it.
        [$code, $out] = $this->artisan('racine:doctor');
        $this->assertSame(1, $code);
        $this->assertStringContainsString('ffi.enable=0', $out);
        $this->assertStringContainsString('set ffi.enable=1', $out);
        $this->assertStringContainsString('/nonexistent/libracine_ffi.so does not exist', $out);
        @rmdir(sys_get_temp_dir() . '/racine-artisan-' . getmypid());
    }
}
