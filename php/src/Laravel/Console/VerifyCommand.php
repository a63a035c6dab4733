<?php

declare(strict_types=1);

namespace Racine\Laravel\Console;

use Illuminate\Console\Command;
use Racine\RacineInterface;

/** Proves the ledger: balances equal the sum of movements, every key applied once. */
class VerifyCommand extends Command
{
    protected $signature = 'racine:verify {--json : Print the whole report as JSON}';

    protected $description = 'Check that every balance equals its movements and every idempotency key was applied once (exit 1 on drift)';

    public function handle(RacineInterface $racine): int
    {
        $report = $racine->verify();
        if ($this->option('json')) {
            $this->line(json_encode($report, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE));
        } else {
            $this->line("{$report['movements_checked']} movements, {$report['balances_checked']} balances, {$report['records_checked']} idempotency records, {$report['opportunities_checked']} opportunities checked.");
            $this->line($report['is_clean'] ? 'The ledger is clean.' : "{$report['drift_count']} drift(s): run with --json for the details.");
        }
        return $report['is_clean'] ? self::SUCCESS : self::FAILURE;
    }
}
