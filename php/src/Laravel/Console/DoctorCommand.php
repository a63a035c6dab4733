<?php

declare(strict_types=1);

namespace Racine\Laravel\Console;

use Illuminate\Console\Command;
use Racine\Native;
use Racine\RacineInterface;

/** Checks what Racine needs, in the order it needs it, and says what to fix. */
class DoctorCommand extends Command
{
    protected $signature = 'racine:doctor';

    protected $description = 'Check FFI settings, the Racine library and header, the ABI version and the database, and say what to fix';

    public function handle(RacineInterface $racine): int
    {
        $config = (array) $this->laravel['config']->get('racine', []);
        $failed = false;
        $check = function (string $what, callable $probe) use (&$failed): bool {
            try {
                $detail = $probe();
                $this->line("<info>ok</info>    {$what}" . ($detail === null ? '' : ": {$detail}"));
                return true;
            } catch (\Throwable $e) {
                $failed = true;
                $this->line("<error>fail</error>  {$what}: " . $e->getMessage());
                return false;
            }
        };

        $check('FFI extension', static function (): string {
            if (!extension_loaded('ffi')) {
                throw new \RuntimeException('not loaded: install php-ffi / enable extension=ffi in php.ini');
            }
            return 'loaded';
        });
        $check('ffi.enable', static function (): string {
            $mode = (string) ini_get('ffi.enable');
            if (in_array(strtolower($mode), ['', '0', 'false', 'off'], true)) {
                throw new \RuntimeException(trim(Native::iniHint(), ' ()'));
            }
            return "{$mode} here (" . PHP_SAPI . ', ' . (php_ini_loaded_file() ?: 'php.ini') . ')';
        });
        $library = $check('library', static fn (): string => Native::libraryPath($config['library'] ?? null));
        $check('header', static fn (): string => Native::headerPath($config['header'] ?? null));
        if ($library) {
            $check('C ABI', static function () use ($config): string {
                Native::ffi($config['library'] ?? null, $config['header'] ?? null);
                return 'version ' . Native::ABI_VERSION . ', as this package expects';
            });
            $check('database', static function () use ($racine): string {
                $info = $racine->info();
                return "{$info['version']}, schema {$info['schema_version']}, SQLite {$info['sqlite_version']}, time zone {$info['time_zone']}";
            });
        }

        $this->newLine();
        $this->line('Web requests run under php-fpm or the built-in server, where PHP\'s default ffi.enable=preload');
        $this->line('allows FFI only in preloaded code. In FPM\'s php.ini either set ffi.enable=1, or keep it and add:');
        $this->line('    opcache.preload=' . Native::preloadScript());
        $this->line('    opcache.preload_user=www-data   ; when the master starts as root');
        $this->line('and restart php-fpm.');
        return $failed ? self::FAILURE : self::SUCCESS;
    }
}
