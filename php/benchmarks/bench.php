<?php

// W1, W3/W12, W4 and W7 of shared/docs/PERF.md from PHP: the same workloads
// through Racine and through the plain PHP + PDO stock service a Laravel
// shop writes (per movement: SELECT the stock, check it, INSERT the
// movement, UPDATE the stock), side by side in one run.
//
// Two PDO services: the decrement-only one of the seed, and one writing the
// same rows as Racine (movement with its history columns and two ledger
// indexes, balance with its value; orders with their lines and event).
//
//   cargo build --release -p racine-ffi
//   RACINE_LIB=$PWD/target/release/libracine_ffi.so php -d ffi.enable=1 php/benchmarks/bench.php [items] [seconds]
//
// scripts/bench runs it with RACINE_BENCH_JSON (one JSON line per figure)
// and, under callgrind, with RACINE_BENCH_OPS=<op>:<n> (post, pdo-post,
// batch of 1,000, stock, pdo-stock): the set-up, then n operations, nothing else.

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

/** The same rows as Racine writes, by hand with PDO. */
final class PdoLedgerService
{
    private PDO $pdo;
    /** @var array<string, PDOStatement> */
    private array $st = [];
    private int $clock = 0;

    public function __construct(string $path, string $synchronous)
    {
        $this->pdo = new PDO("sqlite:{$path}", null, null, [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
        $this->pdo->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous={$synchronous}; PRAGMA busy_timeout=10000;");
        $this->pdo->exec('CREATE TABLE balances (item_id INTEGER NOT NULL, warehouse_id INTEGER NOT NULL, on_hand INTEGER NOT NULL, value INTEGER NOT NULL, PRIMARY KEY (item_id, warehouse_id)) WITHOUT ROWID');
        $this->pdo->exec('CREATE TABLE movements (id INTEGER PRIMARY KEY, item_id INTEGER NOT NULL, warehouse_id INTEGER NOT NULL, quantity INTEGER NOT NULL, reason TEXT NOT NULL, unit_cost INTEGER, value_change INTEGER NOT NULL, balance_after INTEGER NOT NULL, value_after INTEGER NOT NULL, effective_at INTEGER NOT NULL, recorded_at INTEGER NOT NULL, actor TEXT, reference TEXT, note TEXT, idempotency_key TEXT, order_id INTEGER)');
        $this->pdo->exec('CREATE INDEX movements_by_stock ON movements(item_id, warehouse_id, effective_at)');
        $this->pdo->exec('CREATE INDEX movements_by_time ON movements(effective_at, item_id, warehouse_id, quantity, value_change, reason)');
        $this->pdo->exec('CREATE TABLE orders (id INTEGER PRIMARY KEY, external_id TEXT NOT NULL UNIQUE, currency TEXT NOT NULL, status TEXT NOT NULL, total INTEGER NOT NULL, placed_at INTEGER NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL)');
        $this->pdo->exec('CREATE TABLE order_lines (order_id INTEGER NOT NULL, line_no INTEGER NOT NULL, item_id INTEGER NOT NULL, warehouse_id INTEGER NOT NULL, quantity INTEGER NOT NULL, unit_price INTEGER NOT NULL, PRIMARY KEY (order_id, line_no)) WITHOUT ROWID');
        $this->pdo->exec('CREATE TABLE order_events (id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL, kind TEXT NOT NULL, at INTEGER NOT NULL)');
        foreach ([
            'select' => 'SELECT on_hand, value FROM balances WHERE item_id = ? AND warehouse_id = ?',
            'insert' => 'INSERT INTO movements (item_id, warehouse_id, quantity, reason, unit_cost, value_change, balance_after, value_after, effective_at, recorded_at, order_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
            'update' => 'UPDATE balances SET on_hand = ?, value = ? WHERE item_id = ? AND warehouse_id = ?',
            'order' => "INSERT INTO orders (external_id, currency, status, total, placed_at, created_at, updated_at) VALUES (?, 'EUR', 'fulfilled', ?, ?, ?, ?)",
            'line' => 'INSERT INTO order_lines VALUES (?, ?, ?, ?, 1000000, 10000000)',
            'event' => "INSERT INTO order_events (order_id, kind, at) VALUES (?, 'placed', ?)",
        ] as $name => $sql) {
            $this->st[$name] = $this->pdo->prepare($sql);
        }
    }

    public function seed(int $items): void
    {
        $this->pdo->beginTransaction();
        $ins = $this->pdo->prepare('INSERT INTO balances VALUES (?, ?, ?, ?)');
        for ($i = 1; $i <= $items; $i++) {
            foreach ([1, 2] as $w) {
                $ins->execute([$i, $w, 1_000_000 * 1_000_000, 5 * 1_000_000 * 1_000_000]);
            }
        }
        $this->pdo->commit();
    }

    /** @param array{item: int, warehouse: int, quantity: string, kind: string, unit_cost?: string} $m */
    private function apply(array $m, ?int $order = null): void
    {
        $this->st['select']->execute([$m['item'], $m['warehouse']]);
        [$onHand, $value] = array_map('intval', $this->st['select']->fetch(PDO::FETCH_NUM));
        $this->st['select']->closeCursor();
        $q = (int) $m['quantity'] * 1_000_000;
        if ($m['kind'] === 'receipt') {
            $cost = (int) $m['unit_cost'] * 1_000_000;
            [$delta, $change] = [$q, intdiv($q * (int) $m['unit_cost'], 1)];
        } else {
            if ($onHand < $q) {
                throw new RuntimeException('negative stock');
            }
            $cost = intdiv($value, intdiv($onHand, 1_000_000));
            [$delta, $change] = [-$q, -intdiv($q * $cost, 1_000_000)];
        }
        $now = ++$this->clock;
        $this->st['insert']->execute([$m['item'], $m['warehouse'], $delta, $delta > 0 ? 'purchase_receipt' : 'sale', $cost, $change, $onHand + $delta, $value + $change, $now, $now, $order]);
        $this->st['update']->execute([$onHand + $delta, $value + $change, $m['item'], $m['warehouse']]);
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

    /** @return array{0: string, 1: string} on hand and value, in millionths */
    public function stock(int $item, int $warehouse): array
    {
        $this->st['select']->execute([$item, $warehouse]);
        $row = $this->st['select']->fetch(PDO::FETCH_NUM);
        $this->st['select']->closeCursor();
        return [(string) $row[0], (string) $row[1]];
    }

    /** @param list<array<string, mixed>> $lines */
    public function order(string $externalId, array $lines): void
    {
        $this->pdo->exec('BEGIN IMMEDIATE');
        $now = ++$this->clock;
        $this->st['order']->execute([$externalId, count($lines) * 10_000_000, $now, $now, $now]);
        $order = (int) $this->pdo->lastInsertId();
        foreach ($lines as $n => $l) {
            $this->st['line']->execute([$order, $n + 1, $l['item'], $l['warehouse']]);
            $this->apply($l, $order);
        }
        $this->st['event']->execute([$order, $now]);
        $this->pdo->exec('COMMIT');
    }
}

/** One figure for scripts/bench, when RACINE_BENCH_JSON names a file. */
function emit(string $w, string $subject, array $fields): void
{
    $path = getenv('RACINE_BENCH_JSON');
    if ($path) {
        $line = ['w' => $w, 'subject' => $subject, 'from' => 'php', 'rev' => (string) getenv('RACINE_BENCH_REV')] + $fields;
        file_put_contents($path, json_encode($line) . "\n", FILE_APPEND);
    }
}

function movement(int $items): array
{
    $m = ['item' => mt_rand(1, $items), 'warehouse' => mt_rand(1, 2), 'quantity' => (string) mt_rand(1, 5)];
    if (mt_rand(0, 1) === 0) {
        return $m + ['kind' => 'receipt', 'unit_cost' => (string) mt_rand(4, 6)];
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

if ($spec = getenv('RACINE_BENCH_OPS')) {
    // For callgrind: the set-up, then n operations of one kind.
    [$op, $n] = explode(':', $spec);
    mt_srand(7);
    $rdb = racine("{$dir}/ops.db", 'normal', $items);
    $pdo = new PdoLedgerService("{$dir}/ops-pdo.db", 'NORMAL');
    $pdo->seed($items);
    for ($k = 0; $k < (int) $n; $k++) {
        match ($op) {
            'post' => $rdb->post(movement($items)),
            'batch' => $rdb->postBatch(array_map(fn () => movement($items), range(1, 1000))),
            'pdo-post' => $pdo->one(movement($items)),
            'stock' => $rdb->stock(1 + $k % $items, 1),
            'pdo-stock' => $pdo->stock(1 + $k % $items, 1),
        };
    }
    $rdb->close();
    array_map('unlink', glob("{$dir}/*") ?: []);
    rmdir($dir);
    exit(0);
}

printf("PHP %s, FFI, Racine %s; %d items x 2 warehouses; %.0f s per workload\n", PHP_VERSION, (new Database())->info()['version'], $items, $seconds);
$ratio = static fn (float $a, float $b) => sprintf('%.2f', $a / $b);

// W1: one movement per commit, synchronous=FULL.
$rdb = racine("{$dir}/w1.db", 'full', $items);
$pdo = new PdoStockService("{$dir}/w1-pdo.db", 'FULL');
$pdo->seed($items);
$same = new PdoLedgerService("{$dir}/w1-same.db", 'FULL');
$same->seed($items);
[$pr, $pp50, $pp99] = timed(fn () => $pdo->one(movement($items)), $seconds);
[$sr, $sp50, $sp99] = timed(fn () => $same->one(movement($items)), $seconds);
[$rr, $rp50, $rp99] = timed(fn () => $rdb->post(movement($items)), $seconds);
printf("\nW1  one movement per commit, FULL\n    PDO decrement-only: %8.0f /s p50 %6.1f µs p99 %7.1f µs\n    PDO same rows:      %8.0f /s p50 %6.1f µs p99 %7.1f µs\n    Racine:             %8.0f /s p50 %6.1f µs p99 %7.1f µs\n    ratio Racine/PDO: %s\n", $pr, $pp50, $pp99, $sr, $sp50, $sp99, $rr, $rp50, $rp99, $ratio($rr, $pr));
emit('W1', 'pdo decrement-only', ['per_s' => $pr, 'p50_us' => $pp50, 'p99_us' => $pp99]);
emit('W1', 'pdo same rows', ['per_s' => $sr, 'p50_us' => $sp50, 'p99_us' => $sp99]);
emit('W1', 'racine from php', ['per_s' => $rr, 'p50_us' => $rp50, 'p99_us' => $rp99]);
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
$same = new PdoLedgerService("{$dir}/w3-same.db", 'NORMAL');
$same->seed($items);
$t = hrtime(true);
foreach ($batches as $batch) {
    $same->batch($batch);
}
$sameRate = 20000 / ((hrtime(true) - $t) / 1e9);
$t = hrtime(true);
foreach ($batches as $batch) {
    $rdb->postBatch($batch);
}
$racineRate = 20000 / ((hrtime(true) - $t) / 1e9);
printf("\nW3/W12 batches of 1,000 movements, NORMAL\n    PDO service: %8.0f movements/s\n    Racine:      %8.0f movements/s\n    ratio Racine/PDO: %s\n", $pdoRate, $racineRate, $ratio($racineRate, $pdoRate));
emit('W3', 'pdo decrement-only', ['per_s' => $pdoRate]);
emit('W3', 'pdo same rows', ['per_s' => $sameRate]);
emit('W12 PHP', 'racine', ['per_s' => $racineRate]);

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
            $lines[] = ['item' => mt_rand(1, $items), 'warehouse' => 1, 'quantity' => '1', 'kind' => 'issue'];
        }
        return $lines;
    };
    $n = 0;
    $osame = new PdoLedgerService("{$dir}/w4-same-{$sync}.db", $pragma);
    $osame->seed($items);
    [$pr, $pp50] = timed(fn () => $opdo->batch($order()), $seconds);
    [$sr, $sp50] = timed(function () use ($osame, $order, &$n): void {
        $osame->order('S' . $n++, $order());
    }, $seconds);
    [$rr, $rp50] = timed(function () use ($odb, $order, &$n): void {
        $lines = array_map(static fn ($l) => ['sku' => sprintf('SKU-%05d', $l['item']), 'quantity' => '1', 'unit_price' => '10'], $order());
        $odb->placeOrder('B' . $n++, $lines, ['currency' => 'EUR']);
    }, $seconds);
    printf("\nW4  order of 5 lines, %s\n    PDO service: %7.0f orders/s p50 %6.1f µs\n    Racine:      %7.0f orders/s p50 %6.1f µs\n    ratio Racine/PDO: %s\n", $pragma, $pr, $pp50, $rr, $rp50, $ratio($rr, $pr));
    emit("W4 {$pragma}", 'pdo decrement-only', ['per_s' => $pr, 'p50_us' => $pp50]);
    emit("W4 {$pragma}", 'pdo same rows', ['per_s' => $sr, 'p50_us' => $sp50]);
    emit("W4 {$pragma}", 'racine from php', ['per_s' => $rr, 'p50_us' => $rp50]);
    $odb->close();
}

// W7: stock read.
[$pr, $pp50, $pp99] = timed(fn () => $pdo->onHand(mt_rand(1, $items), mt_rand(1, 2)), $seconds);
[$rr, $rp50, $rp99] = timed(fn () => $rdb->stock(mt_rand(1, $items), mt_rand(1, 2)), $seconds);
printf("\nW7  stock read\n    PDO SELECT:     p50 %5.2f µs p99 %6.2f µs\n    Racine stock(): p50 %5.2f µs p99 %6.2f µs\n", $pp50, $pp99, $rp50, $rp99);
emit('W7 PHP', 'pdo select', ['p50_us' => $pp50, 'p99_us' => $pp99]);
emit('W7 PHP', 'racine stock', ['p50_us' => $rp50, 'p99_us' => $rp99]);
if ($rdb->verify()['drift_count'] !== 0) {
    throw new RuntimeException('verify found drift');
}
$rdb->close();
array_map('unlink', glob("{$dir}/*") ?: []);
rmdir($dir);
