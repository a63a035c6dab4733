<?php

// W1, W3/W12, W4 and W7 of shared/docs/PERF.md from PHP: the same workloads
// through Racine and through the plain PHP + PDO stock service a Laravel
// shop writes (per movement: SELECT the stock, check it, INSERT the
// movement, UPDATE the stock), side by side in one run.
//
//   cargo build --release -p racine-ffi
//   RACINE_LIB=$PWD/target/release/libracine_ffi.so php -d ffi.enable=1 php/benchmarks/bench.php [items] [seconds]

declare(strict_types=1);

require __DIR__ . '/../autoload.php';

use Racine\Database;

$items = (int) ($argv[1] ?? 2000);
$seconds = (float) ($argv[2] ?? 2);
$dir = sys_get_temp_dir() . '/racine-php-bench-' . bin2hex(random_bytes(4));
mkdir($dir);

/** The hand-written service, as in the seed's StockService. */
final class PdoStockService
{
    private PDO $pdo;
    private PDOStatement $select;
    private PDOStatement $insert;
    private PDOStatement $update;

    public function __construct(string $path, string $synchronous)
    {
        $this->pdo = new PDO("sqlite:{$path}", null, null, [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
        $this->pdo->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous={$synchronous}; PRAGMA busy_timeout=10000;");
        $this->pdo->exec('CREATE TABLE IF NOT EXISTS stock (item_id INTEGER, warehouse_id INTEGER, quantity INTEGER NOT NULL, PRIMARY KEY (item_id, warehouse_id))');
        $this->pdo->exec('CREATE TABLE IF NOT EXISTS movements (id INTEGER PRIMARY KEY, item_id INTEGER, warehouse_id INTEGER, quantity INTEGER, reason TEXT, unit_cost INTEGER, created_at TEXT)');
        $this->pdo->exec('CREATE INDEX IF NOT EXISTS movements_by_stock ON movements(item_id, warehouse_id, created_at)');
        $this->select = $this->pdo->prepare('SELECT quantity FROM stock WHERE item_id = ? AND warehouse_id = ?');
        $this->insert = $this->pdo->prepare('INSERT INTO movements (item_id, warehouse_id, quantity, reason, unit_cost, created_at) VALUES (?, ?, ?, ?, ?, ?)');
        $this->update = $this->pdo->prepare('UPDATE stock SET quantity = ? WHERE item_id = ? AND warehouse_id = ?');
    }

    public function seed(int $items): void
    {
        $this->pdo->beginTransaction();
        $ins = $this->pdo->prepare('INSERT INTO stock VALUES (?, ?, ?)');
        for ($i = 1; $i <= $items; $i++) {
            $ins->execute([$i, 1, 1_000_000 * 1_000_000]);
            $ins->execute([$i, 2, 1_000_000 * 1_000_000]);
        }
        $this->pdo->commit();
    }

    /** @param array{item: int, warehouse: int, quantity: string, kind: string, unit_cost?: string} $m */
    private function apply(array $m): void
    {
        $this->select->execute([$m['item'], $m['warehouse']]);
        $have = (int) $this->select->fetchColumn();
        $this->select->closeCursor();
        // Integers of millionths: the careful way to keep quantities exact in PHP.
        $delta = (int) $m['quantity'] * 1_000_000 * ($m['kind'] === 'receipt' ? 1 : -1);
        $new = $have + $delta;
        if ($new < 0) {
            throw new RuntimeException('negative stock');
        }
        $cost = isset($m['unit_cost']) ? (int) $m['unit_cost'] * 1_000_000 : null;
        $this->insert->execute([$m['item'], $m['warehouse'], $delta, $m['kind'], $cost, date('c')]);
        $this->update->execute([$new, $m['item'], $m['warehouse']]);
    }

    public function one(array $m): void
    {
        $this->pdo->exec('BEGIN IMMEDIATE');
        $this->apply($m);
        $this->pdo->exec('COMMIT');
    }

    /** @param list<array<string, mixed>> $ms */
    public function batch(array $ms): void
    {
        $this->pdo->exec('BEGIN IMMEDIATE');
        foreach ($ms as $m) {
            $this->apply($m);
        }
        $this->pdo->exec('COMMIT');
    }

    public function onHand(int $item, int $warehouse): string
    {
        $this->select->execute([$item, $warehouse]);
        $q = (string) $this->select->fetchColumn();
        $this->select->closeCursor();
        return $q;
    }
}

function movement(int $items): array
{
    $m = ['item' => random_int(1, $items), 'warehouse' => random_int(1, 2), 'quantity' => (string) random_int(1, 5)];
    if (random_int(0, 1) === 0) {
        return $m + ['kind' => 'receipt', 'unit_cost' => (string) random_int(4, 6)];
    }
    return $m + ['kind' => 'issue'];
}

function racine(string $path, string $sync, int $items): Database
{
    $db = new Database($path, ['synchronous' => $sync]);
    $db->createWarehouse('W2', 'Second');
    $opening = [];
    for ($i = 1; $i <= $items; $i++) {
        $db->createItem(sprintf('SKU-%05d', $i), 'bench', ['valuation' => $i % 2 ? 'fifo' : 'moving_average']);
        $opening[] = ['kind' => 'receipt', 'item' => $i, 'warehouse' => 1, 'quantity' => '1000000', 'unit_cost' => '5'];
        $opening[] = ['kind' => 'receipt', 'item' => $i, 'warehouse' => 2, 'quantity' => '1000000', 'unit_cost' => '5'];
    }
    foreach (array_chunk($opening, 5000) as $chunk) {
        $db->postBatch($chunk);
    }
    return $db;
}

/** @return array{0: float, 1: float, 2: float} rate/s, p50 µs, p99 µs */
function timed(callable $step, float $seconds): array
{
    $lat = [];
    $start = hrtime(true);
    $end = $start + (int) ($seconds * 1e9);
    while (($t = hrtime(true)) < $end) {
        $step();
        $lat[] = hrtime(true) - $t;
    }
    $elapsed = (hrtime(true) - $start) / 1e9;
    sort($lat);
    $n = count($lat);
    return [$n / $elapsed, $lat[intdiv($n, 2)] / 1000, $lat[(int) floor(($n - 1) * 0.99)] / 1000];
}

printf("PHP %s, FFI, Racine %s; %d items x 2 warehouses; %.0f s per workload\n", PHP_VERSION, (new Database())->info()['version'], $items, $seconds);
$ratio = static fn (float $a, float $b) => sprintf('%.2f', $a / $b);

// W1: one movement per commit, synchronous=FULL.
$rdb = racine("{$dir}/w1.db", 'full', $items);
$pdo = new PdoStockService("{$dir}/w1-pdo.db", 'FULL');
$pdo->seed($items);
[$pr, $pp50, $pp99] = timed(fn () => $pdo->one(movement($items)), $seconds);
[$rr, $rp50, $rp99] = timed(fn () => $rdb->post(movement($items)), $seconds);
printf("\nW1  one movement per commit, FULL\n    PDO service: %8.0f /s p50 %6.1f µs p99 %7.1f µs\n    Racine:      %8.0f /s p50 %6.1f µs p99 %7.1f µs\n    ratio Racine/PDO: %s\n", $pr, $pp50, $pp99, $rr, $rp50, $rp99, $ratio($rr, $pr));
$rdb->close();

// W3 / W12: batches of 1,000, synchronous=NORMAL.
$rdb = racine("{$dir}/w3.db", 'normal', $items);
$pdo = new PdoStockService("{$dir}/w3-pdo.db", 'NORMAL');
$pdo->seed($items);
$batches = [];
for ($b = 0; $b < 20; $b++) {
    $batches[] = array_map(fn () => movement($items), range(1, 1000));
}
$t = hrtime(true);
foreach ($batches as $batch) {
    $pdo->batch($batch);
}
$pdoRate = 20000 / ((hrtime(true) - $t) / 1e9);
$t = hrtime(true);
foreach ($batches as $batch) {
    $rdb->postBatch($batch);
}
$racineRate = 20000 / ((hrtime(true) - $t) / 1e9);
printf("\nW3/W12 batches of 1,000 movements, NORMAL\n    PDO service: %8.0f movements/s\n    Racine:      %8.0f movements/s\n    ratio Racine/PDO: %s\n", $pdoRate, $racineRate, $ratio($racineRate, $pdoRate));

// W4: an order of 5 lines in one transaction, all or nothing: the seed's
// OrderObserver + StockService (decrement on sale) against Racine's
// place_order, FULL and NORMAL.
foreach (['full' => 'FULL', 'normal' => 'NORMAL'] as $sync => $pragma) {
    $odb = racine("{$dir}/w4-{$sync}.db", $sync, $items);
    $odb->setStockPolicy('decrement_on_sale');
    $opdo = new PdoStockService("{$dir}/w4-pdo-{$sync}.db", $pragma);
    $opdo->seed($items);
    $order = static function () use ($items): array {
        $lines = [];
        for ($l = 0; $l < 5; $l++) {
            $lines[] = ['item' => random_int(1, $items), 'warehouse' => 1, 'quantity' => '1', 'kind' => 'issue'];
        }
        return $lines;
    };
    $n = 0;
    [$pr, $pp50] = timed(fn () => $opdo->batch($order()), $seconds);
    [$rr, $rp50] = timed(function () use ($odb, $order, &$n): void {
        $lines = array_map(static fn ($l) => ['sku' => sprintf('SKU-%05d', $l['item']), 'quantity' => '1', 'unit_price' => '10'], $order());
        $odb->placeOrder('B' . $n++, $lines, ['currency' => 'EUR']);
    }, $seconds);
    printf("\nW4  order of 5 lines, %s\n    PDO service: %7.0f orders/s p50 %6.1f µs\n    Racine:      %7.0f orders/s p50 %6.1f µs\n    ratio Racine/PDO: %s\n", $pragma, $pr, $pp50, $rr, $rp50, $ratio($rr, $pr));
    $odb->close();
}

// W7: stock read.
[$pr, $pp50, $pp99] = timed(fn () => $pdo->onHand(random_int(1, $items), random_int(1, 2)), $seconds);
[$rr, $rp50, $rp99] = timed(fn () => $rdb->stock(random_int(1, $items), random_int(1, 2)), $seconds);
printf("\nW7  stock read\n    PDO SELECT:     p50 %5.2f µs p99 %6.2f µs\n    Racine stock(): p50 %5.2f µs p99 %6.2f µs\n", $pp50, $pp99, $rp50, $rp99);
if ($rdb->verify()['drift_count'] !== 0) {
    throw new RuntimeException('verify found drift');
}
$rdb->close();
array_map('unlink', glob("{$dir}/*") ?: []);
rmdir($dir);
