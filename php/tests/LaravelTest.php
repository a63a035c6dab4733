<?php

declare(strict_types=1);

namespace Racine\Tests;

use Illuminate\Support\ServiceProvider;
use PHPUnit\Framework\TestCase;
use Racine\Database;
use Racine\Exception\InsufficientAvailableException;
use Racine\Laravel\Facades\Racine;
use Racine\Laravel\OrderStockObserver;
use Racine\Laravel\RacineServiceProvider;
use Racine\Tests\Stubs\Config;
use Racine\Tests\Stubs\Container;
use Racine\Tests\Stubs\Order;

/** The Laravel pieces against stand-ins for the container, config, facade base and model. */
final class LaravelTest extends TestCase
{
    private function app(array $racine = []): Container
    {
        $app = new Container(new Config(['racine' => $racine + ['database' => ':memory:']]));
        $provider = new RacineServiceProvider($app);
        $provider->register();
        $provider->boot();
        return $app;
    }

    public function testProviderRegistersOneConfiguredDatabase(): void
    {
        $app = $this->app(['time_zone' => 'Europe/Paris']);
        $db = $app->make(Database::class);
        self::assertSame($db, $app->make('racine'), 'a singleton, also under its alias');
        self::assertSame('Europe/Paris', $db->info()['time_zone']);
        // What the app did not set is left to Racine's own defaults.
        self::assertNull($app['config']->get('racine')['synchronous']);
        self::assertSame(
            ['/app/config/racine.php'],
            array_values(ServiceProvider::$publishes['racine-config']),
        );
    }

    public function testProviderCreatesTheDatabaseDirectory(): void
    {
        $dir = sys_get_temp_dir() . '/racine-laravel-' . bin2hex(random_bytes(4));
        $db = $this->app(['database' => "{$dir}/stock.db"])->make(Database::class);
        $db->createItem('A', 'A');
        self::assertFileExists("{$dir}/stock.db");
        $db->close();
        array_map('unlink', glob("{$dir}/*") ?: []);
        rmdir($dir);
    }

    public function testFacadeReachesTheContainerDatabase(): void
    {
        Racine::$app = $this->app();
        $item = Racine::createItem('MUG', 'Mug');
        Racine::receive($item['id'], '3', '4');
        self::assertSame('12', Racine::stock($item['id'])['value']);
    }

    public function testObserverSellsOncePerOrderAndRestocksExactlyOnce(): void
    {
        $db = $this->app()->make(Database::class);
        $db->setStockPolicy('decrement_on_sale'); // the back office's behaviour
        $mug = $db->createItem('MUG', 'Mug', ['valuation' => 'moving_average'])['id'];
        $cup = $db->createItem('CUP', 'Cup')['id'];
        $db->receive($mug, '10', '4');
        $db->receive($cup, '5', '2');
        $observer = new OrderStockObserver($db);

        $order = new Order(1042, 'pending', [['sku' => 'MUG', 'quantity' => '3'], ['sku' => 'CUP', 'quantity' => 1]]);
        $observer->created($order);
        self::assertSame('10', $db->stock($mug)['on_hand'], 'nothing moves before payment');

        $order->status = 'paid';
        $observer->updated($order);
        $observer->updated($order); // a second save, a retried webhook
        self::assertSame(['7', '4'], [$db->stock($mug)['on_hand'], $db->stock($cup)['on_hand']]);
        self::assertTrue($db->order('1042')['paid']);

        $db->receive($mug, '10', '10'); // the rate moves on after the sale
        $order->status = 'cancelled';
        $observer->updated($order);
        $observer->deleted($order); // cancel then delete: no double restock
        self::assertSame(['20', '5'], [$db->stock($mug)['on_hand'], $db->stock($cup)['on_hand']]);
        $back = $db->movements(['reason' => 'customer_return', 'order' => 'oldest_first']);
        self::assertSame(['12', '2'], array_column($back['items'], 'value_change'), 'at the cost they left with');
        self::assertSame(0, $db->verify()['drift_count']);
    }

    public function testObserverReservesThenShipsWithTheReservePolicy(): void
    {
        $db = $this->app()->make(Database::class);
        $mug = $db->createItem('MUG', 'Mug')['id'];
        $db->receive($mug, '10', '4');
        $observer = new OrderStockObserver($db);
        $order = new Order(7, 'paid', [['sku' => 'MUG', 'quantity' => '2']]);
        $observer->created($order);
        self::assertSame(['10', '2', '8'], [$db->stock($mug)['on_hand'], $db->stock($mug)['reserved'], $db->stock($mug)['available']]);
        $order->status = 'shipped';
        $observer->updated($order);
        $observer->updated($order);
        self::assertSame(['8', '0'], [$db->stock($mug)['on_hand'], $db->stock($mug)['reserved']]);
        self::assertSame('fulfilled', $db->order('7')['status']);
    }

    public function testObserverRefusesAShortOrderWhole(): void
    {
        $db = $this->app()->make(Database::class);
        $mug = $db->createItem('MUG', 'Mug')['id'];
        $cup = $db->createItem('CUP', 'Cup')['id'];
        $db->receive($mug, '10', '4');
        $db->receive($cup, '1', '2');
        $observer = new OrderStockObserver($db);
        try {
            $observer->created(new Order(7, 'paid', [['sku' => 'MUG', 'quantity' => '2'], ['sku' => 'CUP', 'quantity' => '2']]));
            self::fail('expected InsufficientAvailableException');
        } catch (InsufficientAvailableException $e) {
            self::assertSame([2, 'CUP', '1', '2'], [$e->lines[0]['line'], $e->sku, $e->available, $e->requested]);
        }
        self::assertSame(['10', '1', '0'], [$db->stock($mug)['on_hand'], $db->stock($cup)['on_hand'], $db->stock($mug)['reserved']]);
        // Cancelling an order that never got placed puts nothing back.
        $observer->deleted(new Order(7, 'cancelled', [['sku' => 'MUG', 'quantity' => '2']]));
        self::assertSame('10', $db->stock($mug)['on_hand']);
    }
}
