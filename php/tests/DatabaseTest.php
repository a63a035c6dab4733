<?php

declare(strict_types=1);

namespace Racine\Tests;

use DateTimeImmutable;
use DateTimeZone;
use PHPUnit\Framework\TestCase;
use Racine\Database;
use Racine\Decimal;

final class DatabaseTest extends TestCase
{
    private Database $db;

    protected function setUp(): void
    {
        $this->db = new Database(TestDatabase::fresh());
    }

    public function testInfo(): void
    {
        $info = $this->db->info();
        self::assertSame(\Racine\Generated\Catalogue::SCHEMA_VERSION, $info["schema_version"]);
        self::assertSame('UTC', $info['time_zone']);
        self::assertMatchesRegularExpression('/^\d+\.\d+\.\d+$/', $info['version']);
    }

    public function testWorkedValuationExamples(): void
    {
        $avg = $this->db->createItem('AVG', 'Average', ['valuation' => 'moving_average'])['id'];
        $this->db->receive($avg, '10', '100');
        $this->db->receive($avg, '10', '120');
        $out = $this->db->issue($avg, '5')['movements'][0];
        self::assertSame(['-550', '15', '1650'], [$out['value_change'], $out['balance_after'], $out['value_after']]);

        $fifo = $this->db->createItem('FIFO', 'First in')['id'];
        $this->db->receive($fifo, 68, 15);
        $this->db->receive($fifo, 140, '15.5');
        self::assertSame('-1423', $this->db->issue($fifo, 94)['movements'][0]['value_change']);
        self::assertSame(0, $this->db->verify()['drift_count']);
    }

    public function testDecimalsStayExact(): void
    {
        $item = $this->db->createItem('DEC', 'Decimals', ['valuation' => 'moving_average'])['id'];
        for ($i = 0; $i < 3; $i++) {
            $this->db->receive($item, '0.1', '0.1');
        }
        self::assertSame(['on_hand' => '0.3', 'reserved' => '0', 'available' => '0.3', 'value' => '0.03'], $this->db->stock($item));
        self::assertSame('-9223372036854.775808', Decimal::fromMillionths(PHP_INT_MIN));
        self::assertSame('0.000001', Decimal::fromMillionths(1));
        self::assertSame('-12.5', Decimal::fromMillionths(-12500000));
        foreach ([0 => '0', 5_000_000 => '5', -5_000_000 => '-5', -1 => '-0.000001', PHP_INT_MAX => '9223372036854.775807'] as $raw => $text) {
            self::assertSame($text, Decimal::fromMillionths($raw));
        }
        self::assertSame('-9223372036854', Decimal::fromMillionths(-9223372036854 * 1_000_000));
    }

    public function testInstantsOfResultsAreExactAndInUtc(): void
    {
        $item = $this->db->createItem('TIME', 'Time')['id'];
        foreach (['2025-11-01T08:00:00Z', '2025-11-01T08:00:00.25Z', '2025-11-01T09:00:00.000001+01:00', '0001-01-01T00:00:00Z'] as $at) {
            $posted = $this->db->receive($item, '1', '1', ['effective_at' => new DateTimeImmutable($at)]);
            $effective = $posted['movements'][0]['effective_at'];
            self::assertInstanceOf(DateTimeImmutable::class, $effective);
            self::assertSame('UTC', $effective->getTimezone()->getName());
            self::assertEquals(new DateTimeImmutable($at), $effective, $at);
            self::assertSame((new DateTimeImmutable($at))->format('U.u'), $effective->format('U.u'));
        }
    }

    public function testMasterData(): void
    {
        $item = $this->db->createItem('FLOUR', 'Flour', ['unit' => 'kg', 'kind' => 'product', 'reorder_point' => '2.5']);
        self::assertSame(['kg', 'product', '2.5', true], [$item['unit'], $item['kind'], $item['reorder_point'], $item['active']]);
        self::assertInstanceOf(DateTimeImmutable::class, $item['created_at']);
        $changed = $this->db->updateItem($item['id'], ['name' => 'Wheat flour', 'reorder_point' => null]);
        self::assertSame(['Wheat flour', null], [$changed['name'], $changed['reorder_point']]);
        self::assertSame($item['id'], $this->db->itemBySku('FLOUR')['id']);
        self::assertSame('Wheat flour', $this->db->item($item['id'])['name']);
        self::assertFalse($this->db->deactivateItem($item['id'])['active']);
        for ($i = 0; $i < 5; $i++) {
            $this->db->createItem("SKU-{$i}", "Item {$i}");
        }
        $first = $this->db->items(['limit' => 4]);
        $rest = $this->db->items(['limit' => 4, 'after' => $first['next']]);
        self::assertSame([4, 2, null], [count($first['items']), count($rest['items']), $rest['next']]);
        self::assertSame('SKU-3', $this->db->items(['search' => 'sku-3'])['items'][0]['sku']);

        $shop = $this->db->createWarehouse('SHOP', 'Shop floor');
        self::assertSame($shop['id'], $this->db->warehouseByCode('SHOP')['id']);
        self::assertSame('MAIN', $this->db->defaultWarehouse()['code']);
        $this->db->updateWarehouse($shop['id'], ['is_default' => true]);
        self::assertSame('SHOP', $this->db->defaultWarehouse()['code']);
        $main = $this->db->warehouseByCode('MAIN');
        self::assertFalse($this->db->deactivateWarehouse($main['id'])['active']);
        self::assertCount(1, $this->db->warehouses(['active' => true])['items']);
        self::assertSame('Main warehouse', $this->db->warehouse($main['id'])['name']);

        $s = $this->db->createSupplier('Moulin', ['email' => 'contact@moulin.fr', 'phone' => '0612345678']);
        self::assertSame('0612345678', $s['phone']);
        self::assertNull($this->db->updateSupplier($s['id'], ['phone' => ''])['phone']);
        self::assertFalse($this->db->deactivateSupplier($s['id'])['active']);
        self::assertSame('Moulin', $this->db->suppliers(['active' => false])['items'][0]['name']);
        self::assertSame('contact@moulin.fr', $this->db->supplier($s['id'])['email']);
    }

    public function testMovementsOfEveryKind(): void
    {
        $item = $this->db->createItem('CHAIR', 'Chair', ['valuation' => 'moving_average'])['id'];
        $main = $this->db->defaultWarehouse()['id'];
        $shop = $this->db->createWarehouse('SHOP', 'Shop')['id'];
        $this->db->receive($item, '10', '25', ['reference' => 'PO-1', 'actor' => 'marie', 'note' => 'first delivery']);
        $adj = $this->db->adjust($item, '-1', 'breakage', ['note' => 'dropped'])['movements'][0];
        self::assertSame(['breakage', '-1', 'dropped'], [$adj['reason'], $adj['quantity'], $adj['note']]);
        self::assertSame('-1', $this->db->count($item, '8')['movements'][0]['quantity']);
        self::assertSame([], $this->db->count($item, '8')['movements']);
        $legs = $this->db->transfer($item, $main, $shop, '3')['movements'];
        self::assertSame(['transfer_out', 'transfer_in'], array_column($legs, 'reason'));
        self::assertSame('75', $this->db->stock($item, $shop)['value']);
        self::assertCount(2, $this->db->stockByWarehouse($item));
        self::assertSame('25', $this->db->receive($item, '1', null, ['reason' => 'customer_return'])['movements'][0]['unit_cost']);
        self::assertSame('SHOP', $this->db->post(['kind' => 'issue', 'item' => $item, 'quantity' => '1', 'warehouse' => $shop])['movements'][0]['warehouse_code']);
        self::assertSame('200', $this->db->stockValue());
        self::assertSame('50', $this->db->stockValue($shop));
    }

    public function testBatchAndIdempotency(): void
    {
        $a = $this->db->createItem('A', 'A')['id'];
        $ok = $this->db->postBatch([
            ['kind' => 'receipt', 'item' => $a, 'quantity' => '5', 'unit_cost' => '2'],
            ['kind' => 'issue', 'item' => $a, 'quantity' => '1'],
        ], 'batch-1');
        self::assertSame(['count' => 2], $ok);
        $again = $this->db->postBatch([
            ['kind' => 'receipt', 'item' => $a, 'quantity' => '5', 'unit_cost' => '2'],
            ['kind' => 'issue', 'item' => $a, 'quantity' => '1'],
        ], 'batch-1', true);
        self::assertSame(2, $again['count']);
        self::assertSame(['receipt', 'issue'], array_map(static fn ($m) => $m['quantity'] > 0 ? 'receipt' : 'issue', $again['movements']));
        self::assertInstanceOf(DateTimeImmutable::class, $again['movements'][0]['recorded_at']);
        self::assertSame('4', $this->db->stock($a)['on_hand']);
        $first = $this->db->issue($a, '1', [], 'webhook-9');
        self::assertEquals($first, $this->db->issue($a, '1', [], 'webhook-9'));
        self::assertSame('3', $this->db->stock($a)['on_hand']);
    }

    public function testHistoryAsOfAndLowStock(): void
    {
        $a = $this->db->createItem('A', 'A', ['valuation' => 'moving_average', 'reorder_point' => '10'])['id'];
        $t0 = new DateTimeImmutable('2025-11-01T08:00:00Z');
        for ($i = 0; $i < 6; $i++) {
            $this->db->receive($a, '1', (string) (10 + $i), ['effective_at' => $t0->modify("+{$i} hours"), 'reference' => 'R' . ($i % 2)]);
        }
        $this->db->adjust($a, '-1', 'loss');
        self::assertCount(7, $this->db->movements(['item' => $a])['items']);
        self::assertCount(1, $this->db->movements(['reason' => 'loss'])['items']);
        self::assertCount(3, $this->db->movements(['reference' => 'R0'])['items']);
        $window = $this->db->movements(['from' => $t0->modify('+1 hour'), 'to' => $t0->modify('+3 hours'), 'order' => 'oldest_first']);
        self::assertSame([2, 3], array_column($window['items'], 'id'));
        self::assertEquals(new DateTimeImmutable('2025-11-01T09:00:00Z'), $window['items'][0]['effective_at']);
        $paris = new DateTimeImmutable('2025-11-01 11:00:00', new DateTimeZone('Europe/Paris'));
        $then = $this->db->stockAsOf($a, $paris);
        self::assertSame(['3', '33'], [$then['on_hand'], $then['value']]);
        self::assertSame(['A'], array_column($this->db->stockLevels(['low_stock_only' => true])['items'], 'sku'));
    }

    public function testCostLayersSupplierReturnsAndBackdatedIssues(): void
    {
        $oak = $this->db->createItem('OAK', 'Oak')['id'];
        $first = $this->db->receive($oak, '10', '10')['movements'][0]['id'];
        $dear = $this->db->receive($oak, '10', '12')['movements'][0]['id'];
        $back = $this->db->issue($oak, '4', ['reason' => 'supplier_return', 'against_receipt' => $dear]);
        self::assertSame('-48', $back['movements'][0]['value_change']);
        $layers = $this->db->costLayers($oak);
        self::assertSame('fifo', $layers['valuation']);
        self::assertSame(
            [['10', '10', $first], ['6', '12', $dear]],
            array_map(static fn ($l) => [$l['quantity'], $l['unit_cost'], $l['movement']], $layers['layers'])
        );
        try {
            $this->db->issue($oak, '8', ['effective_at' => new \DateTimeImmutable('2020-01-01T00:00:00Z')]);
            self::fail('expected a refusal');
        } catch (\Racine\Exception\NegativeStockException $e) {
            self::assertSame(['0', '2020-01-01T00:00:00Z'], [$e->available, $e->at]);
        }
        self::assertTrue($this->db->verify()['is_clean']);
    }

    public function testPurchases(): void
    {
        $wood = $this->db->createItem('WOOD', 'Wood')['id'];
        $sup = $this->db->createSupplier('Scierie')['id'];
        $po = $this->db->createPurchaseOrder($sup, 'PO-7', [
            ['item' => $wood, 'quantity' => '10', 'unit_cost' => '12.5'],
            ['item' => $wood, 'quantity' => 2, 'unit_cost' => '1'],
        ], ['note' => 'weekly']);
        self::assertSame(['open', '127'], [$po['status'], $po['total_ordered']]);
        $got = $this->db->receivePurchase($po['id'], ['lines' => [['line' => $po['lines'][0]['id'], 'quantity' => '6']], 'actor' => 'marie'], 'dn-1');
        self::assertSame('partially_received', $got['order']['status']);
        self::assertEquals($got, $this->db->receivePurchase($po['id'], ['lines' => [['line' => $po['lines'][0]['id'], 'quantity' => '6']], 'actor' => 'marie'], 'dn-1'));
        self::assertSame('closed', $this->db->cancelPurchaseRemainder($po['id'])['status']);
        self::assertSame('2', $this->db->purchaseOrder($po['id'])['lines'][1]['cancelled']);
        self::assertCount(1, $this->db->purchaseOrders(['status' => 'closed'])['items']);
        self::assertSame('6', $this->db->stock($wood)['on_hand']);
    }

    public function testFileDatabaseReopens(): void
    {
        $path = sys_get_temp_dir() . '/racine-php-' . bin2hex(random_bytes(4)) . '.db';
        $db = new Database($path, ['time_zone' => 'Europe/Paris', 'synchronous' => 'normal']);
        $id = $db->createItem('A', 'A')['id'];
        $db->receive($id, '2', '3');
        $db->close();
        self::assertTrue($db->isClosed());
        $again = new Database($path);
        self::assertSame('Europe/Paris', $again->info()['time_zone']);
        self::assertSame('6', $again->stock($id)['value']);
        $again->close();
        array_map('unlink', glob($path . '*') ?: []);
    }

    public function testALazyDatabaseOpensOnFirstUseAndRunsItsHook(): void
    {
        $opened = 0;
        $lazy = Database::lazy(':memory:', ['time_zone' => 'Europe/Paris'], '/nonexistent/libracine_ffi.so', null, function (Database $db) use (&$opened) {
            $opened++;
        });
        self::assertFalse($lazy->isClosed(), 'nothing loaded, nothing opened, nothing failed');
        $good = Database::lazy(':memory:', ['time_zone' => 'Europe/Paris'], null, null, function (Database $db) use (&$opened) {
            $opened++;
            $db->setStockPolicy('decrement_on_sale');
        });
        self::assertSame(0, $opened);
        self::assertSame('Europe/Paris', $good->info()['time_zone']);
        $good->info();
        self::assertSame([1, 'decrement_on_sale'], [$opened, $good->stockPolicy()]);
        $good->close();
        $this->expectException(\Racine\Exception\DatabaseClosedException::class);
        $good->info();
    }

    public function testSerialisedAsItsPathAndReopenedOnUse(): void
    {
        $path = sys_get_temp_dir() . '/racine-serial-' . bin2hex(random_bytes(4)) . '.db';
        $db = new Database($path, ['busy_timeout_ms' => 2000]);
        $id = $db->createItem('MUG', 'Mug')['id'];
        $text = serialize($db);
        self::assertStringNotContainsString('FFI', $text);
        $again = unserialize($text);
        $again->receive($id, '2', '3');
        self::assertSame('6', $db->stock($id)['value'], 'the same file, through its own connection');
        $copy = clone $db; // its own handle: closing one leaves the other open
        $db->close();
        self::assertSame('6', $copy->stock($id)['value']);
        $copy->close();
        $again->close();
        array_map('unlink', glob($path . '*') ?: []);
        try {
            serialize(new Database());
            self::fail('an in-memory database cannot travel');
        } catch (\Racine\Exception\RacineException $e) {
            self::assertSame('not_serialisable', $e->errorCode);
        }
    }

    public function testAForkedChildOpensItsOwnConnection(): void
    {
        if (!function_exists('pcntl_fork')) {
            self::markTestSkipped('pcntl is not loaded');
        }
        $path = sys_get_temp_dir() . '/racine-fork-' . bin2hex(random_bytes(4)) . '.db';
        $db = new Database($path);
        $id = $db->createItem('MUG', 'Mug')['id'];
        $pid = pcntl_fork();
        if ($pid === 0) {
            // The child must not use (or free) the parent's handle.
            $db->receive($id, '5', '1', [], 'child');
            exit(0);
        }
        pcntl_waitpid($pid, $status);
        self::assertSame(0, pcntl_wexitstatus($status));
        self::assertSame('5', $db->stock($id)['on_hand']);
        $db->receive($id, '1', '1');
        self::assertTrue($db->verify()['is_clean']);
        $db->close();
        array_map('unlink', glob($path . '*') ?: []);
    }
}
