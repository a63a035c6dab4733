<?php

declare(strict_types=1);

namespace Racine\Laravel;

use Illuminate\Support\ServiceProvider;
use Racine\Database;

/**
 * Registers one Racine\Database per process (a singleton: the FFI object and
 * the SQLite connection are reused across requests of a worker), configured
 * from config/racine.php, under Racine\Database::class and 'racine'.
 */
class RacineServiceProvider extends ServiceProvider
{
    public function register(): void
    {
        $this->mergeConfigFrom(__DIR__ . '/../../config/racine.php', 'racine');

        $this->app->singleton(Database::class, static function ($app): Database {
            $config = $app['config']->get('racine');
            $database = (string) $config['database'];
            if ($database !== ':memory:' && !is_dir(dirname($database))) {
                mkdir(dirname($database), 0775, true);
            }
            return new Database(
                $database,
                array_filter([
                    'time_zone' => $config['time_zone'] ?? null,
                    'synchronous' => $config['synchronous'] ?? null,
                    'busy_timeout_ms' => isset($config['busy_timeout_ms']) ? (int) $config['busy_timeout_ms'] : null,
                ], static fn ($v) => $v !== null),
                $config['library'] ?? null,
                $config['header'] ?? null,
            );
        });
        $this->app->alias(Database::class, 'racine');
    }

    public function boot(): void
    {
        $this->publishes([
            __DIR__ . '/../../config/racine.php' => $this->app->configPath('racine.php'),
        ], 'racine-config');
    }
}
