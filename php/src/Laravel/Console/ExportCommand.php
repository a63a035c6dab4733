<?php

declare(strict_types=1);

namespace Racine\Laravel\Console;

use Illuminate\Console\Command;
use Racine\RacineInterface;

/** Exports datasets to an xlsx or csv file from one snapshot, with progress. */
class ExportCommand extends Command
{
    protected $signature = 'racine:export
        {path : File to write (renamed into place once complete)}
        {--dataset=* : Datasets, one sheet each (movements, stock, orders, contacts…); default: movements}
        {--format= : xlsx or csv (default: from the file name, else xlsx)}';

    protected $description = 'Export datasets (movements, stock, orders, contacts…) to xlsx or csv';

    public function handle(RacineInterface $racine): int
    {
        $path = (string) $this->argument('path');
        $datasets = $this->option('dataset') ?: ['movements'];
        $format = $this->option('format') ?? (str_ends_with(strtolower($path), '.csv') ? 'csv' : 'xlsx');
        $bar = null;
        $summary = $racine->export(
            array_map(static fn (string $d) => ['dataset' => $d], $datasets),
            $path,
            ['format' => $format],
            function (array $p) use (&$bar): bool {
                if ($p['sheet_total'] !== null && $bar === null) {
                    $bar = $this->output->createProgressBar($p['sheet_total']);
                }
                $bar?->setProgress($p['sheet_rows']);
                return true;
            },
        );
        $bar?->finish();
        $this->newLine();
        $this->info("{$summary['rows']} rows in " . count($summary['sheets']) . " sheet(s), {$summary['bytes']} bytes: {$path}");
        return self::SUCCESS;
    }
}
