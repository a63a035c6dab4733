<?php

namespace Tests\Feature;

use App\Jobs\CountStock;
use App\Jobs\ReceiveStock;
use Illuminate\Support\Facades\DB;
use Racine\Database;
use Racine\Exception\RacineException;
use Racine\Laravel\Facades\Racine;
use Racine\RacineInterface;
use Tests\Ledger;
use Tests\TestCase;

/** The binding, the facade in tests, queues and a long-running worker. */
class ContainerTest extends TestCase
{
    /** A ledger another process can open too: a file, or a schema on PostgreSQL. */
    private function fileDatabase(): string
    {
        $path = Ledger::fresh(sys_get_temp_dir() . '/racine-shop-' . bin2hex(random_bytes(4)) . '.db');
        config()->set('racine.database', $path);
        $this->beforeApplicationDestroyed(function () use ($path) {
            $this->app->make(RacineInterface::class)->close();
            array_map('unlink', glob("{$path}*") ?: []);
        });
        return $path;
    }

    /**
     * In a process of its own: the library is loaded once per process.
     *
     * @runInSeparateProcess
     * @preserveGlobalState disabled
     */
    public function testNothingOpensUntilFirstUse(): void
    {
        config()->set('racine.library', '/nonexistent/libracine_ffi.so');
        $racine = $this->app->make(RacineInterface::class);
        $this->assertSame($racine, $this->app->make(Database::class));
        $this->assertSame($racine, $this->app->make('racine'));
        try {
            $racine->info();
            $this->fail('expected the library to be missing');
        } catch (RacineException $e) {
            $this->assertSame('library_missing', $e->errorCode);
            $this->assertStringContainsString('/nonexistent/libracine_ffi.so', $e->getMessage());
        }
    }

    public function testFakeSwapsInARealInMemoryRacine(): void
    {
        $fake = Racine::fake(['time_zone' => 'America/New_York']);
        $this->assertSame($fake, $this->app->make(RacineInterface::class), 'observers and controllers get it too');
        Racine::createItem('MUG', 'Mug');
        Racine::receive('MUG', '4', '2');
        $this->getJson('/api/stock/MUG')->assertOk()->assertJson(['on_hand' => '4', 'value' => '8']);
        $this->assertSame('America/New_York', Racine::info()['time_zone']);
    }

    public function testTheFacadeCanBeMocked(): void
    {
        Racine::shouldReceive('stock')->once()->with('MUG')
            ->andReturn(['on_hand' => '42', 'reserved' => '0', 'available' => '42', 'value' => '0']);
        $this->getJson('/api/stock/MUG')->assertOk()->assertJson(['on_hand' => '42']);
    }

    public function testQueuedJobsSerialiseAndResolveRacineInTheWorker(): void
    {
        $this->fileDatabase();
        $this->racine()->createItem('MUG', 'Mug');
        ReceiveStock::dispatch('MUG', '5', 'receipt-1');
        CountStock::dispatch($this->racine(), 'MUG', '3'); // holds the database: serialised as its path
        $this->assertSame(2, DB::table('jobs')->count());
        $this->assertStringNotContainsString('FFI', DB::table('jobs')->pluck('payload')->implode(''));
        $this->assertSame(0, $this->artisan('queue:work', ['--stop-when-empty' => true]));
        $this->assertSame(0, DB::table('jobs')->count());
        $this->assertSame(0, DB::table('failed_jobs')->count());
        $this->assertSame('3', $this->racine()->stock('MUG')['on_hand']);
    }

    public function testAnInMemoryDatabaseRefusesToBeSerialised(): void
    {
        config()->set('racine.database', ':memory:');
        $this->expectException(RacineException::class);
        $this->expectExceptionMessage('resolve Racine inside the job');
        serialize($this->racine());
    }

    public function testALongRunningWorkerKeepsOneHandleAcrossJobsAndRequests(): void
    {
        $this->fileDatabase();
        $this->racine()->createItem('MUG', 'Mug');
        for ($i = 1; $i <= 30; $i++) {
            ReceiveStock::dispatch('MUG', '1', "receipt-{$i}");
        }
        ReceiveStock::dispatch('MUG', '1', 'receipt-1'); // a retried job: applied once
        $this->assertSame(0, $this->artisan('queue:work', ['--stop-when-empty' => true, '--max-jobs' => 100]));
        $this->assertSame('30', $this->racine()->stock('MUG')['on_hand']);
        // Many requests through one application, as Octane serves them: the same handle, still open.
        $first = spl_object_id($this->racine());
        for ($i = 0; $i < 20; $i++) {
            $this->getJson('/api/stock/MUG')->assertOk()->assertJson(['on_hand' => '30']);
        }
        $this->assertSame($first, spl_object_id($this->racine()));
        $this->assertFalse($this->racine()->isClosed());
    }
}
