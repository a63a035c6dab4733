<?php

declare(strict_types=1);

namespace Racine\Laravel\Console;

use Illuminate\Console\Command;
use Racine\Exception\ImportRefusedException;
use Racine\Exception\InvalidInputException;
use Racine\RacineInterface;

/**
 * Imports a shop's items, warehouses, suppliers, opening stock, contacts
 * or open purchase orders from a csv or xlsx file. Every row is checked
 * first: with any wrong row nothing is written and each problem is listed,
 * unless --skip-invalid.
 */
class ImportCommand extends Command
{
    protected $signature = 'racine:import
        {kind : items, warehouses, suppliers, opening_stock, contacts or purchase_orders}
        {file? : The csv or xlsx file to import, or where a template goes}
        {--template : Write a template of this kind (header and an example row) instead}
        {--skip-invalid : Write the valid rows and put the others in a rejects file}
        {--rejects= : Where the rejects go (beside the file by default: items.csv → items.rejects.csv)}
        {--dry-run : Check and count, write nothing}
        {--sheet= : The sheet of a workbook (its first one by default)}
        {--json : Print the report as JSON}';

    protected $description = 'Import items, warehouses, suppliers, opening stock, contacts or purchase orders from csv or xlsx';

    public function handle(RacineInterface $racine): int
    {
        $kind = (string) $this->argument('kind');
        $file = $this->argument('file');
        try {
            if ($this->option('template')) {
                $path = $file ?? "{$kind}.csv";
                $racine->writeImportTemplate($kind, $path);
                $this->info("Template of {$kind} written to {$path}.");
                return self::SUCCESS;
            }
            if ($file === null) {
                $this->error('give the file to import (or --template to write one)');
                return self::INVALID;
            }
            $options = array_filter([
                'skip_invalid' => $this->option('skip-invalid') ?: null,
                'rejects' => $this->option('rejects'),
                'dry_run' => $this->option('dry-run') ?: null,
                'sheet' => $this->option('sheet'),
            ], static fn ($v) => $v !== null);
            $report = $racine->importFile($kind, (string) $file, $options);
        } catch (ImportRefusedException $e) {
            $this->error($e->getMessage());
            $this->table(
                ['Row', 'Column', 'Value', 'Error'],
                array_map(static fn (array $p) => [$p['row'], $p['column'], $p['value'], $p['message']], $e->problems),
            );
            return self::FAILURE;
        } catch (InvalidInputException $e) {
            $this->error($e->getMessage());
            return self::INVALID;
        }
        if ($this->option('json')) {
            $this->line(json_encode($report, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE));
            return self::SUCCESS;
        }
        $what = $report['dry_run'] ? 'Dry run, nothing written: ' : '';
        $this->info("{$what}{$report['rows']} rows: {$report['created']} created, {$report['existing']} existing, {$report['rejected']} rejected.");
        if ($report['rejects_path'] !== null) {
            $this->warn("Rejected rows, with why, in {$report['rejects_path']}.");
        }
        return self::SUCCESS;
    }
}
