<?php

declare(strict_types=1);

namespace Racine\Tests;

use PHPUnit\Framework\TestCase;
use Racine\Database;
use Racine\Exception\InvalidInputException;
use Racine\Exception\NotFoundException;
use Racine\Exception\PluginException;

/**
 * Plugins and the outbox through PHP: the Rust validator's veto as a
 * PluginException, its accounting export, the C low-stock sink, load
 * failures, and a queue worker following the outbox with its own cursor.
 */
final class PluginTest extends TestCase
{
    private static string $plugins;

    public static function setUpBeforeClass(): void
    {
        $root = dirname(__DIR__, 2);
        self::$plugins = $root . '/target/plugins';
        exec(escapeshellarg($root . '/scripts/build-plugins') . ' ' . escapeshellarg(self::$plugins), $output, $status);
        self::assertSame(0, $status, 'scripts/build-plugins failed');
    }

    private static function lib(string $name): string
    {
        return self::$plugins . '/lib' . $name . '.so';
    }

    public function testTheRustValidatorVetoesSalesFromQuarantineAndNothingIsWritten(): void
    {
        $db = new Database(TestDatabase::fresh());
        $info = $db->loadPlugin(self::lib('racine_shop_rules'), ['config' => ['quarantined' => ['QUAR']]]);
        self::assertSame(['shop-rules', 'active', ['validator', 'exporter']], [$info['name'], $info['state'], $info['capabilities']]);
        $quar = $db->createWarehouse('QUAR', 'Quarantine')['id'];
        $mug = $db->createItem('MUG', 'Mug')['id'];
        $db->receive($mug, '4', '2', ['warehouse' => $quar]);
        try {
            $db->issue($mug, '1', ['warehouse' => $quar]);
            self::fail('the sale went through');
        } catch (PluginException $e) {
            self::assertSame('shop-rules', $e->plugin);
            self::assertStringContainsString('QUAR is quarantined', $e->reason);
            self::assertSame(11, $e->getCode());
        }
        self::assertSame('4', (string) $db->stock($mug, $quar)['on_hand']);
        self::assertSame(1, $db->plugins()[0]['vetoes']);
    }

    public function testTheRustExporterWritesTheAccountingJournal(): void
    {
        $db = new Database(TestDatabase::fresh());
        $db->loadPlugin(self::lib('racine_shop_rules'));
        $mug = $db->createItem('MUG', 'Mug')['id'];
        $db->receive($mug, '10', '2.5');
        $db->issue($mug, '4', ['reference' => 'INV-9']);
        $journal = $db->exportBytes([['dataset' => 'movements']], ['format' => 'plugin', 'plugin' => 'accounting-csv', 'options' => ['journal' => 'VT']]);
        $lines = explode("\r\n", trim($journal));
        self::assertSame('date;journal;account;label;debit;credit;reference;movement', $lines[0]);
        $sale = array_values(array_filter($lines, fn (string $l) => str_contains($l, ';sale MUG x 4;')));
        self::assertCount(2, $sale);
        self::assertStringContainsString(';VT;310000;sale MUG x 4;;10;INV-9;2', $sale[0]);
        $this->expectException(InvalidInputException::class);
        $db->exportBytes([['dataset' => 'movements']], ['format' => 'plugin', 'plugin' => 'nope']);
    }

    public function testTheCSinkWritesLowStockAlerts(): void
    {
        $alerts = sys_get_temp_dir() . '/racine-php-alerts-' . bin2hex(random_bytes(4)) . '.jsonl';
        $db = new Database(TestDatabase::fresh());
        $db->loadPlugin(self::lib('low_stock_alerts'), ['config' => ['path' => $alerts]]);
        $mug = $db->createItem('MUG', 'Blue mug', ['reorder_point' => '2'])['id'];
        $db->receive($mug, '3', '1');
        $db->issue($mug, '1');
        $line = json_decode((string) file_get_contents($alerts), true, 512, JSON_THROW_ON_ERROR);
        unlink($alerts);
        self::assertSame('stock_below_reorder_point', $line['event']['kind']);
        self::assertSame('Blue mug', $line['item']['name']);
    }

    public function testLoadFailuresArePluginExceptionsAndTheHandleWorksOn(): void
    {
        $db = new Database(TestDatabase::fresh());
        foreach ([
            [self::lib('no_entry'), [], 'exports no racine_plugin_init'],
            [self::lib('racine_faulty_plugin'), ['config' => ['mode' => 'wrong_abi']], 'built for plugin ABI 99'],
            [self::lib('racine_faulty_plugin'), ['config' => ['mode' => 'validate_panic']], null],
        ] as [$path, $options, $expected]) {
            if ($expected === null) {
                $db->loadPlugin($path, $options);
                try {
                    $db->receive($db->createItem('PAN', 'x')['id'], '1', '1');
                    self::fail('the panicking validator let the write through');
                } catch (PluginException $e) {
                    self::assertStringContainsString('panicked', $e->reason);
                }
                continue;
            }
            try {
                $db->loadPlugin($path, $options);
                self::fail("$path loaded");
            } catch (PluginException $e) {
                self::assertStringContainsString($expected, $e->reason);
            }
        }
        self::assertSame(['failed', 'failed', 'failed'], array_column($db->plugins(), 'state'));
        $db->unloadPlugin('faulty');
        $db->receive($db->createItem('MUG', 'Mug')['id'], '1', '1');
        self::assertSame(0, $db->verify()['drift_count']);
        $this->expectException(InvalidInputException::class);
        $db->loadPlugin('relative/libx.so');
    }

    public function testAQueueWorkerFollowsTheOutboxWithItsOwnCursor(): void
    {
        $path = sys_get_temp_dir() . '/racine-php-outbox-' . bin2hex(random_bytes(4)) . '.db';
        $shop = new Database($path);
        $worker = new Database($path);
        $worker->outboxSubscribe('laravel-queue');
        $mug = $shop->createItem('MUG', 'Mug')['id'];
        $shop->receive($mug, '3', '1');
        $shop->placeOrder('W-1', [['sku' => 'MUG', 'quantity' => '1', 'unit_price' => '5']]);
        $batch = $worker->outboxPoll('laravel-queue', 10);
        self::assertSame(['movement_recorded', 'order_event_applied'], array_column($batch['events'], 'kind'));
        self::assertSame('W-1', $batch['events'][1]['data']['external_id']);
        self::assertInstanceOf(\DateTimeImmutable::class, $batch['events'][0]['recorded_at']);
        $last = end($batch['events'])['id'];
        self::assertSame(0, $worker->outboxAck('laravel-queue', $last)['pending']);
        self::assertSame([], $worker->outboxPoll('laravel-queue')['events']);
        try {
            $worker->outboxPoll('nobody');
            self::fail('an unknown consumer was polled');
        } catch (NotFoundException $e) {
            self::assertSame(1, $e->getCode());
        }
        unset($shop, $worker);
        foreach (['', '-wal', '-shm'] as $suffix) {
            @unlink($path . $suffix);
        }
    }
}
