<?php

namespace Tests;

use Illuminate\Contracts\Console\Kernel;
use Illuminate\Foundation\Testing\DatabaseMigrations;
use Illuminate\Foundation\Testing\TestCase as BaseTestCase;
use Racine\RacineInterface;

abstract class TestCase extends BaseTestCase
{
    // Migrations rather than RefreshDatabase: Laravel 8's test transaction
    // would hold back every after-commit observer.
    use DatabaseMigrations;

    // Real console output: a mocked one stays bound after migrate:fresh and
    // swallows what later commands print.
    public $mockConsoleOutput = false;

    public function createApplication()
    {
        $app = require __DIR__ . '/../bootstrap/app.php';
        $app->make(Kernel::class)->bootstrap();
        return $app;
    }

    protected function racine(): RacineInterface
    {
        return $this->app->make(RacineInterface::class);
    }

    /** An item with stock, through the contract the app type-hints. */
    protected function shelf(string $sku, string $quantity, string $cost = '4'): int
    {
        $id = $this->racine()->createItem($sku, $sku)['id'];
        $this->racine()->receive($id, $quantity, $cost, ['reference' => 'PO-1']);
        return $id;
    }

    protected function logged(): string
    {
        $log = storage_path('logs/laravel.log');
        return is_file($log) ? (string) file_get_contents($log) : '';
    }

    protected function setUp(): void
    {
        Ledger::use(Ledger::fresh());
        parent::setUp();
        @unlink(storage_path('logs/laravel.log'));
    }
}
