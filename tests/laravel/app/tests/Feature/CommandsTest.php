<?php

namespace Tests\Feature;

use App\Models\LedgerEvent;
use Illuminate\Support\Facades\Artisan;
use Symfony\Component\Console\Output\BufferedOutput;
use Tests\TestCase;

/** The racine:* artisan commands, and the outbox on Laravel's event bus. */
class CommandsTest extends TestCase
{
    private function command(string $command, array $args = []): array
    {
        $output = new BufferedOutput();
        $code = Artisan::call($command, $args, $output);
        return [$code, $output->fetch()];
    }

    public function testDoctorVerifyStockAndDashboard(): void
    {
        $this->racine()->createItem('MUG', 'Mug', ['reorder_point' => '5']);
        $this->racine()->receive('MUG', '3', '2');
        [$code, $out] = $this->command('racine:doctor');
        $this->assertSame(0, $code, $out);
        $this->assertStringContainsString('C ABI: version 2', $out);
        $this->assertStringContainsString('opcache.preload=', $out);

        [$code, $out] = $this->command('racine:verify');
        $this->assertSame([0, true], [$code, str_contains($out, 'The ledger is clean.')], $out);

        [$code, $out] = $this->command('racine:stock', ['--low' => true, '--json' => true]);
        $this->assertSame(0, $code);
        $this->assertSame([['SKU' => 'MUG', 'Warehouse' => 'all', 'On hand' => '3', 'Reserved' => '0', 'Available' => '3', 'Value' => '6', 'Reorder point' => '5']], json_decode($out, true));
        [, $out] = $this->command('racine:stock', ['sku' => 'MUG']);
        $this->assertMatchesRegularExpression('/\| MUG +\| 1 +\| 3 +\|/', $out);

        [$code, $out] = $this->command('racine:dashboard', ['which' => 'erp', '--period' => 'this_month']);
        $this->assertSame(0, $code, $out);
        $this->assertMatchesRegularExpression('/valuation\.total +\| 6 /', $out);
        [$code, $out] = $this->command('racine:dashboard', ['which' => 'crm', '--json' => true]);
        $this->assertSame(0, $code);
        $this->assertArrayHasKey('win_rate', json_decode($out, true));
        [$code] = $this->command('racine:dashboard', ['which' => 'hr']);
        $this->assertSame(2, $code);

        // A SKU of digits is a SKU, not an id.
        $this->racine()->createItem('007', 'Spy mug');
        $this->racine()->receive('007', '4', '1');
        [, $out] = $this->command('racine:stock', ['sku' => '007', '--json' => true]);
        $this->assertSame(['007', '4'], [json_decode($out, true)[0]['SKU'], json_decode($out, true)[0]['On hand']]);
        [, $out] = $this->command('racine:stock', ['--id' => '1', '--json' => true]);
        $this->assertSame('MUG', json_decode($out, true)[0]['SKU']);
    }

    public function testExportWritesXlsxAndCsv(): void
    {
        $this->racine()->createItem('MUG', 'Mug');
        $this->racine()->receive('MUG', '3', '2');
        $dir = sys_get_temp_dir() . '/racine-export-' . bin2hex(random_bytes(4));
        mkdir($dir);
        [$code, $out] = $this->command('racine:export', ['path' => "{$dir}/day.xlsx", '--dataset' => ['movements', 'stock']]);
        $this->assertSame(0, $code, $out);
        $this->assertStringContainsString('2 sheet(s)', $out);
        $this->assertSame('PK', substr((string) file_get_contents("{$dir}/day.xlsx"), 0, 2));
        [$code] = $this->command('racine:export', ['path' => "{$dir}/stock.csv", '--dataset' => ['stock']]);
        $this->assertSame(0, $code);
        $this->assertStringContainsString('MUG', (string) file_get_contents("{$dir}/stock.csv"));
        array_map('unlink', glob("{$dir}/*") ?: []);
        rmdir($dir);
    }

    public function testImportChecksEveryRowThenWritesOnceAndNotTwice(): void
    {
        $dir = sys_get_temp_dir() . '/racine-import-' . bin2hex(random_bytes(4));
        mkdir($dir);
        [$code, $out] = $this->command('racine:import', ['kind' => 'items', 'file' => "{$dir}/items.xlsx", '--template' => true]);
        $this->assertSame(0, $code, $out);
        $this->assertSame('PK', substr((string) file_get_contents("{$dir}/items.xlsx"), 0, 2));

        file_put_contents("{$dir}/bad.csv", "sku,name,reorder_point\n,No sku,1\nMUG,Mug,lots\nCUP,Cup,2\n");
        [$code, $out] = $this->command('racine:import', ['kind' => 'items', 'file' => "{$dir}/bad.csv"]);
        $this->assertSame(1, $code, $out);
        $this->assertStringContainsString('2 of 3 rows are wrong', $out);
        $this->assertMatchesRegularExpression('/\| 3 +\| reorder_point +\| lots +\|/', $out);
        $this->assertSame([], $this->racine()->items()['items']);

        [$code, $out] = $this->command('racine:import', ['kind' => 'items', 'file' => "{$dir}/bad.csv", '--skip-invalid' => true, '--dry-run' => true]);
        $this->assertSame([0, true], [$code, str_contains($out, 'Dry run, nothing written: 3 rows: 1 created, 0 existing, 2 rejected.')], $out);
        [$code, $out] = $this->command('racine:import', ['kind' => 'items', 'file' => "{$dir}/bad.csv", '--skip-invalid' => true, '--json' => true]);
        $report = json_decode($out, true);
        $this->assertSame([0, 1, 2], [$code, $report['created'], $report['rejected']], $out);
        $this->assertFileExists("{$dir}/bad.rejects.csv");
        $this->assertSame('Cup', $this->racine()->itemBySku('CUP')['name']);

        file_put_contents("{$dir}/opening.csv", "sku,quantity,unit_cost\nCUP,4,1.25\n");
        [$code] = $this->command('racine:import', ['kind' => 'opening_stock', 'file' => "{$dir}/opening.csv"]);
        [, $again] = $this->command('racine:import', ['kind' => 'opening_stock', 'file' => "{$dir}/opening.csv"]);
        $this->assertSame(0, $code);
        $this->assertStringContainsString('0 created, 1 existing', $again);
        $this->assertSame('5', $this->racine()->stockValue());

        [$code, $out] = $this->command('racine:import', ['kind' => 'inventory', 'file' => "{$dir}/opening.csv"]);
        $this->assertSame(2, $code, $out);
        array_map('unlink', glob("{$dir}/*") ?: []);
        rmdir($dir);
    }

    public function testTheOutboxIsDispatchedAsLaravelEventsOnce(): void
    {
        $this->racine()->createItem('MUG', 'Mug', ['reorder_point' => '2']);
        $this->racine()->receive('MUG', '3', '2');
        $this->racine()->issue('MUG', '2'); // below the reorder point: two events
        [$code] = $this->command('racine:outbox', ['--once' => true, '--from' => 'beginning']);
        $this->assertSame(0, $code);
        $this->assertSame(
            ['movement_recorded', 'movement_recorded', 'stock_below_reorder_point'],
            LedgerEvent::orderBy('outbox_id')->pluck('kind')->all(),
        );
        $this->assertSame('MUG', LedgerEvent::first()->data['sku']);
        // The queued listener got its event through the database queue.
        $this->assertSame(0, $this->artisan('queue:work', ['--stop-when-empty' => true]));
        $this->assertSame(['2', '1'], [LedgerEvent::where('kind', 'alert')->sole()->data['reorder_point'], LedgerEvent::where('kind', 'alert')->sole()->data['available']]);
        LedgerEvent::where('kind', 'alert')->delete();
        $this->racine()->issue('MUG', '1');
        $this->command('racine:outbox', ['--once' => true]);
        $this->command('racine:outbox', ['--once' => true]); // nothing new: nothing twice
        $this->assertSame(4, LedgerEvent::count());
        $this->assertSame(0, $this->racine()->outboxConsumers()[0]['pending']);
    }
}
