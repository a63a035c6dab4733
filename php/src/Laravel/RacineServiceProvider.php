<?php

declare(strict_types=1);

namespace Racine\Laravel;

use Illuminate\Contracts\Debug\ExceptionHandler;
use Illuminate\Support\ServiceProvider;
use Racine\Database;
use Racine\Exception\RacineException;
use Racine\RacineInterface;

/**
 * Racine in a Laravel application, configured from config/racine.php:
 *
 * - binds Racine\RacineInterface (also as Racine\Database and 'racine') to
 *   one database per process, opened on first use: booting, package
 *   discovery, config:cache and every artisan command that does not touch
 *   it need neither the library nor the database file;
 * - registers the order observer on racine.orders.model;
 * - renders refusals as 409/422/404 (JSON when asked) and keeps them out
 *   of the error log;
 * - adds the racine:* artisan commands.
 */
class RacineServiceProvider extends ServiceProvider
{
    public function register(): void
    {
        $this->mergeConfigFrom(__DIR__ . '/../../config/racine.php', 'racine');

        $this->app->singleton(RacineInterface::class, static function ($app): RacineInterface {
            $config = $app['config']->get('racine');
            $database = (string) $config['database'];
            $policy = $config['stock_policy'] ?? null;
            return Database::lazy(
                $database,
                array_filter([
                    // The default lives under storage/, whose racine/ folder a new app lacks.
                    'create_folders' => true,
                    'time_zone' => $config['time_zone'] ?? null,
                    'synchronous' => $config['synchronous'] ?? null,
                    'busy_timeout_ms' => isset($config['busy_timeout_ms']) ? (int) $config['busy_timeout_ms'] : null,
                ], static fn ($v) => $v !== null),
                $config['library'] ?? null,
                $config['header'] ?? null,
                static function (Database $db) use ($policy): void {
                    // The configured policy becomes the database's (a write only when it changes).
                    if ($policy !== null && $db->stockPolicy() !== $policy) {
                        $db->setStockPolicy($policy);
                    }
                },
            );
        });
        $this->app->alias(RacineInterface::class, Database::class);
        $this->app->alias(RacineInterface::class, 'racine');

        $this->app->bind(OrderStock::class, static fn ($app) => new OrderStock(
            $app->make(RacineInterface::class),
            $app['events'],
            (array) $app['config']->get('racine.orders', []),
        ));
        $this->app->bind(OrderStockGuard::class, static fn ($app) => new OrderStockGuard(
            $app->make(OrderStock::class),
            (array) $app['config']->get('racine.orders', []),
        ));
    }

    public function boot(): void
    {
        $this->publishes([
            __DIR__ . '/../../config/racine.php' => $this->app->configPath('racine.php'),
        ], 'racine-config');

        $model = $this->app['config']->get('racine.orders.model');
        if (is_string($model) && $model !== '') {
            $model::observe(OrderStockGuard::class);
            $model::observe(OrderStockObserver::class);
        }

        $this->callAfterResolving(ExceptionHandler::class, static function ($handler): void {
            if (!$handler instanceof \Illuminate\Foundation\Exceptions\Handler) {
                return;
            }
            $handler->renderable(static fn (RacineException $e, $request) => ErrorResponse::render($e, $request));
            // A refusal is the client's business, not a fault to log.
            $handler->reportable(static fn (RacineException $e) => ErrorResponse::isRefusal($e) ? false : null);
        });

        if ($this->app->runningInConsole()) {
            $this->commands([
                Console\DoctorCommand::class,
                Console\VerifyCommand::class,
                Console\StockCommand::class,
                Console\DashboardCommand::class,
                Console\ExportCommand::class,
                Console\ImportCommand::class,
                Console\OutboxCommand::class,
            ]);
        }
    }
}
