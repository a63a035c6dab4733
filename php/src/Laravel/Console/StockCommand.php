<?php

declare(strict_types=1);

namespace Racine\Laravel\Console;

use Illuminate\Console\Command;
use Racine\RacineInterface;

/** Stock levels as a table: one item, a warehouse, or what is at or below its reorder point. */
class StockCommand extends Command
{
    protected $signature = 'racine:stock
        {sku? : SKU of one item (every item when left out)}
        {--id= : Id of one item, instead of its SKU}
        {--warehouse= : Warehouse id}
        {--low : Only items at or below their reorder point}
        {--json : Print JSON}';

    protected $description = 'Show stock on hand, reserved, available and its value';

    public function handle(RacineInterface $racine): int
    {
        // A SKU may be all digits ("007"): only --id names an item by id.
        $item = $this->option('id') !== null ? (int) $this->option('id') : $this->argument('sku');
        if ($item !== null) {
            $levels = $racine->stockByWarehouse($item);
        } else {
            $filter = array_filter([
                'warehouse' => $this->option('warehouse') === null ? null : (int) $this->option('warehouse'),
                'low_stock_only' => $this->option('low') ? true : null,
                'limit' => 1000,
            ], static fn ($v) => $v !== null);
            $levels = [];
            do {
                $page = $racine->stockLevels($filter);
                array_push($levels, ...$page['items']);
                $filter['after'] = $page['next'];
            } while ($page['next'] !== null);
        }
        $rows = array_map(static fn (array $l) => [
            $l['sku'], $l['warehouse'] ?? 'all', $l['on_hand'], $l['reserved'], $l['available'], $l['value'], $l['reorder_point'] ?? '',
        ], $levels);
        return $this->show(['SKU', 'Warehouse', 'On hand', 'Reserved', 'Available', 'Value', 'Reorder point'], $rows);
    }

    /** @param list<list<mixed>> $rows */
    private function show(array $headers, array $rows): int
    {
        if ($this->option('json')) {
            $this->line(json_encode(array_map(static fn ($r) => array_combine($headers, $r), $rows), JSON_PRETTY_PRINT | JSON_UNESCAPED_UNICODE));
        } else {
            $this->table($headers, $rows);
        }
        return self::SUCCESS;
    }
}
