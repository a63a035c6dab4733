<?php

declare(strict_types=1);

namespace Racine;

use DateTimeImmutable;
use DateTimeInterface;
use DateTimeZone;
use FFI;
use FFI\CData;
use Racine\Exception\DatabaseClosedException;
use Racine\Exception\InvalidInputException;
use Racine\Exception\RacineException;

/**
 * An open Racine database: one SQLite file (or memory) and its rules.
 *
 * Opened in the constructor, closed in the destructor (or by close()).
 * Quantities and money are decimal strings ("12.5"); an int is accepted, a
 * float is refused (it cannot hold most amounts exactly). Instants are
 * DateTimeImmutable in results and any DateTimeInterface in arguments.
 * Every refusal is a {@see RacineException} subclass, and writes nothing.
 *
 * Several PHP-FPM workers may open the same file: every write is one
 * SQLite transaction taken with BEGIN IMMEDIATE, so there is no oversell
 * and no lost update.
 *
 *     $db = new Racine\Database('/var/lib/shop/stock.db');
 *     $oak = $db->createItem('OAK', 'Oak plank', ['valuation' => 'moving_average']);
 *     $db->receive($oak['id'], '10', '100');
 *     $db->issue($oak['id'], '2', ['reference' => 'ORDER-1042'], 'order-1042-paid');
 */
final class Database
{
    private FFI $ffi;
    private ?CData $handle;

    /**
     * @param string               $path    database file; ':memory:' for a private in-memory one
     * @param array<string, mixed> $options synchronous ('full'|'normal'), busy_timeout_ms,
     *                                      time_zone, default_warehouse, cache_size_kib
     * @param string|null          $library absolute path to libracine_ffi.so (default: RACINE_LIB)
     * @param string|null          $header  path to racine_php.h (default: RACINE_HEADER or the package's)
     */
    public function __construct(
        public readonly string $path = ':memory:',
        array $options = [],
        ?string $library = null,
        ?string $header = null,
    ) {
        $this->ffi = Native::ffi($library, $header);
        $handle = $this->ffi->new('RacineDb*');
        $json = $options === [] ? null : self::encode($options);
        $status = $this->ffi->racine_db_open($path, strlen($path), $json, $json === null ? 0 : strlen($json), FFI::addr($handle));
        $this->check($status);
        $this->handle = $handle;
    }

    public function __destruct()
    {
        $this->close();
    }

    /** Closes the database; later calls throw DatabaseClosedException. */
    public function close(): void
    {
        if ($this->handle !== null) {
            $this->ffi->racine_db_free($this->handle);
            $this->handle = null;
        }
    }

    public function isClosed(): bool
    {
        return $this->handle === null;
    }

    /**
     * Runs one request of the JSON entry point (see include/racine.h for the
     * list) and returns its result with instants as DateTimeImmutable.
     *
     * @param array<string, mixed> $args
     */
    public function call(string $op, array $args = []): mixed
    {
        return self::instants($this->callJson($op, $args));
    }

    /**
     * Runs one JSON request; the result as decoded JSON (instants as text).
     *
     * @param array<string, mixed> $args
     */
    private function callJson(string $op, array $args): mixed
    {
        $request = self::encode(['op' => $op] + array_filter($args, static fn ($v) => $v !== null));
        $out = $this->ffi->new('char*');
        $this->check($this->ffi->racine_call($this->handle(), $request, strlen($request), FFI::addr($out)));
        try {
            $json = FFI::string($out);
        } finally {
            $this->ffi->racine_string_free($out);
        }
        return json_decode($json, true, 512, JSON_THROW_ON_ERROR);
    }

    /** @return array<string, mixed> version, schema_version, sqlite_version, time_zone */
    public function info(): array
    {
        return $this->call('info');
    }

    // -- items ---------------------------------------------------------------

    /**
     * @param array<string, mixed> $options unit, kind, valuation, reorder_point, allow_negative
     * @return array<string, mixed>
     */
    public function createItem(string $sku, string $name, array $options = []): array
    {
        $item = ['sku' => $sku, 'name' => $name] + $options;
        if (isset($item['reorder_point'])) {
            $item['reorder_point'] = self::decimal($item['reorder_point'], 'reorder_point');
        }
        return $this->call('create_item', ['item' => $item]);
    }

    /**
     * @param array<string, mixed> $changes name, unit, kind, valuation, reorder_point (null clears), allow_negative, active
     * @return array<string, mixed>
     */
    public function updateItem(int $id, array $changes): array
    {
        if (isset($changes['reorder_point'])) {
            $changes['reorder_point'] = self::decimal($changes['reorder_point'], 'reorder_point');
        }
        return $this->call('update_item', ['id' => $id, 'changes' => (object) $changes]);
    }

    /** @return array<string, mixed> */
    public function deactivateItem(int $id): array
    {
        return $this->call('deactivate_item', ['id' => $id]);
    }

    /** @return array<string, mixed> */
    public function item(int $id): array
    {
        return $this->call('item', ['id' => $id]);
    }

    /** @return array<string, mixed> */
    public function itemBySku(string $sku): array
    {
        return $this->call('item_by_sku', ['sku' => $sku]);
    }

    /**
     * @param array<string, mixed> $filter active, kind, search, limit, after
     * @return array{items: list<array<string, mixed>>, next: int|null}
     */
    public function items(array $filter = []): array
    {
        return $this->call('items', ['filter' => (object) $filter]);
    }

    // -- warehouses ----------------------------------------------------------

    /** @return array<string, mixed> */
    public function createWarehouse(string $code, string $name, bool $isDefault = false): array
    {
        return $this->call('create_warehouse', ['warehouse' => ['code' => $code, 'name' => $name, 'is_default' => $isDefault]]);
    }

    /**
     * @param array<string, mixed> $changes name, is_default (true only), active
     * @return array<string, mixed>
     */
    public function updateWarehouse(int $id, array $changes): array
    {
        return $this->call('update_warehouse', ['id' => $id, 'changes' => (object) $changes]);
    }

    /** @return array<string, mixed> */
    public function deactivateWarehouse(int $id): array
    {
        return $this->call('deactivate_warehouse', ['id' => $id]);
    }

    /** @return array<string, mixed> */
    public function warehouse(int $id): array
    {
        return $this->call('warehouse', ['id' => $id]);
    }

    /** @return array<string, mixed> */
    public function warehouseByCode(string $code): array
    {
        return $this->call('warehouse_by_code', ['code' => $code]);
    }

    /** @return array<string, mixed> */
    public function defaultWarehouse(): array
    {
        return $this->call('default_warehouse');
    }

    /**
     * @param array<string, mixed> $filter active, limit, after
     * @return array{items: list<array<string, mixed>>, next: int|null}
     */
    public function warehouses(array $filter = []): array
    {
        return $this->call('warehouses', ['filter' => (object) $filter]);
    }

    // -- suppliers -----------------------------------------------------------

    /**
     * @param array<string, mixed> $contact email, phone (kept as text), notes
     * @return array<string, mixed>
     */
    public function createSupplier(string $name, array $contact = []): array
    {
        return $this->call('create_supplier', ['supplier' => ['name' => $name] + $contact]);
    }

    /**
     * @param array<string, mixed> $changes name, email, phone, notes ('' clears), active
     * @return array<string, mixed>
     */
    public function updateSupplier(int $id, array $changes): array
    {
        return $this->call('update_supplier', ['id' => $id, 'changes' => (object) $changes]);
    }

    /** @return array<string, mixed> */
    public function deactivateSupplier(int $id): array
    {
        return $this->call('deactivate_supplier', ['id' => $id]);
    }

    /** @return array<string, mixed> */
    public function supplier(int $id): array
    {
        return $this->call('supplier', ['id' => $id]);
    }

    /**
     * @param array<string, mixed> $filter active, search, limit, after
     * @return array{items: list<array<string, mixed>>, next: int|null}
     */
    public function suppliers(array $filter = []): array
    {
        return $this->call('suppliers', ['filter' => (object) $filter]);
    }

    // -- movements -----------------------------------------------------------

    /**
     * Posts one movement in its own transaction. With $idempotencyKey, the
     * same movement again returns the first result and writes nothing.
     *
     * @param array<string, mixed> $movement kind (receipt|issue|adjustment|count|transfer), item,
     *                                       quantity, warehouse, to_warehouse, unit_cost, reason,
     *                                       note, reference, actor, effective_at
     * @return array{movements: list<array<string, mixed>>}
     */
    public function post(array $movement, ?string $idempotencyKey = null): array
    {
        return $this->call('post', ['movement' => self::movement($movement), 'idempotency_key' => $idempotencyKey]);
    }

    /**
     * Posts many movements in one transaction: all or none. A refusal's
     * exception has the failing entry's $index.
     *
     * Returns ['count' => movements written]; with $withMovements, also
     * 'movements', the records (converting thousands of them to PHP arrays and
     * DateTimeImmutable costs more than posting them: ask only when needed).
     *
     * @param list<array<string, mixed>> $movements
     * @return array{count: int, movements?: list<array<string, mixed>>}
     */
    public function postBatch(array $movements, ?string $idempotencyKey = null, bool $withMovements = false): array
    {
        $requests = [];
        foreach ($movements as $i => $m) {
            try {
                $requests[] = self::movement($m);
            } catch (InvalidInputException $e) {
                throw new InvalidInputException($e->getMessage(), ['index' => $i] + $e->details);
            }
        }
        $args = ['movements' => $requests, 'idempotency_key' => $idempotencyKey];
        if ($withMovements) {
            $posted = $this->call('post_batch', $args);
            return ['count' => count($posted['movements'])] + $posted;
        }
        return ['count' => $this->callJson('post_batch', $args + ['summary' => true])['count']];
    }

    /**
     * Receives stock at $unitCost (a purchase receipt unless options['reason'] says otherwise).
     *
     * @param array<string, mixed> $options warehouse, reason, note, reference, actor, effective_at
     * @return array{movements: list<array<string, mixed>>}
     */
    public function receive(int $item, string|int|float $quantity, string|int|float|null $unitCost, array $options = [], ?string $idempotencyKey = null): array
    {
        return $this->post(['kind' => 'receipt', 'item' => $item, 'quantity' => $quantity, 'unit_cost' => $unitCost] + $options, $idempotencyKey);
    }

    /**
     * Issues stock (a sale unless options['reason'] says otherwise).
     *
     * @param array<string, mixed> $options warehouse, reason, note, reference, actor, effective_at
     * @return array{movements: list<array<string, mixed>>}
     */
    public function issue(int $item, string|int|float $quantity, array $options = [], ?string $idempotencyKey = null): array
    {
        return $this->post(['kind' => 'issue', 'item' => $item, 'quantity' => $quantity] + $options, $idempotencyKey);
    }

    /**
     * Adjusts by a signed quantity for $reason (breakage, loss, inventory_count…).
     *
     * @param array<string, mixed> $options
     * @return array{movements: list<array<string, mixed>>}
     */
    public function adjust(int $item, string|int|float $quantity, string $reason, array $options = [], ?string $idempotencyKey = null): array
    {
        return $this->post(['kind' => 'adjustment', 'item' => $item, 'quantity' => $quantity, 'reason' => $reason] + $options, $idempotencyKey);
    }

    /**
     * Records an inventory count; the ledger posts the difference (nothing when equal).
     *
     * @param array<string, mixed> $options
     * @return array{movements: list<array<string, mixed>>}
     */
    public function count(int $item, string|int|float $counted, array $options = [], ?string $idempotencyKey = null): array
    {
        return $this->post(['kind' => 'count', 'item' => $item, 'quantity' => $counted] + $options, $idempotencyKey);
    }

    /**
     * Moves stock between warehouses in one transaction, cost carried along.
     *
     * @param array<string, mixed> $options
     * @return array{movements: list<array<string, mixed>>}
     */
    public function transfer(int $item, int $from, int $to, string|int|float $quantity, array $options = [], ?string $idempotencyKey = null): array
    {
        return $this->post(['kind' => 'transfer', 'item' => $item, 'warehouse' => $from, 'to_warehouse' => $to, 'quantity' => $quantity] + $options, $idempotencyKey);
    }

    // -- reads ---------------------------------------------------------------

    /**
     * Stock of $item in $warehouse (all warehouses when null), through the
     * typed C function: the hot path, no JSON.
     *
     * @return array{on_hand: string, reserved: string, available: string, value: string}
     */
    public function stock(int $item, ?int $warehouse = null): array
    {
        $out = $this->ffi->new('RacineStock');
        $this->check($this->ffi->racine_stock($this->handle(), $item, $warehouse ?? 0, FFI::addr($out)));
        return [
            'on_hand' => Decimal::fromMillionths($out->on_hand),
            'reserved' => Decimal::fromMillionths($out->reserved),
            'available' => Decimal::fromMillionths($out->available),
            'value' => Decimal::fromMillionths($out->value),
        ];
    }

    /** @return list<array<string, mixed>> one level per warehouse that ever held the item */
    public function stockByWarehouse(int $item): array
    {
        return $this->call('stock_by_warehouse', ['item' => $item]);
    }

    /**
     * @param array<string, mixed> $filter warehouse, low_stock_only, active_only, limit, after
     * @return array{items: list<array<string, mixed>>, next: int|null}
     */
    public function stockLevels(array $filter = []): array
    {
        return $this->call('stock_levels', ['filter' => (object) $filter]);
    }

    /** Total stock value (decimal string), in one warehouse or all. */
    public function stockValue(?int $warehouse = null): string
    {
        return $this->call('stock_value', ['warehouse' => $warehouse]);
    }

    /** @return array<string, mixed> on_hand and value as of $at */
    public function stockAsOf(int $item, DateTimeInterface $at, ?int $warehouse = null): array
    {
        return $this->call('stock_as_of', ['item' => $item, 'at' => self::instant($at), 'warehouse' => $warehouse]);
    }

    /**
     * Movement history. $filter: item, warehouse, reason, from, to (DateTimeInterface,
     * half-open on the effective time), reference, order (newest_first|oldest_first),
     * limit, after.
     *
     * @param array<string, mixed> $filter
     * @return array{items: list<array<string, mixed>>, next: int|null}
     */
    public function movements(array $filter = []): array
    {
        foreach (['from', 'to'] as $k) {
            if (isset($filter[$k])) {
                $filter[$k] = self::instant($filter[$k]);
            }
        }
        return $this->call('movements', ['filter' => (object) $filter]);
    }

    // -- purchases -----------------------------------------------------------

    /**
     * @param list<array{item: int, quantity: string|int, unit_cost: string|int, warehouse?: int}> $lines
     * @return array<string, mixed>
     */
    public function createPurchaseOrder(int $supplier, string $reference, array $lines, ?string $note = null): array
    {
        $out = [];
        foreach ($lines as $line) {
            $line['quantity'] = self::decimal($line['quantity'] ?? null, 'quantity');
            $line['unit_cost'] = self::decimal($line['unit_cost'] ?? null, 'unit_cost');
            $out[] = $line;
        }
        return $this->call('create_purchase_order', ['order' => array_filter(
            ['supplier' => $supplier, 'reference' => $reference, 'note' => $note, 'lines' => $out],
            static fn ($v) => $v !== null,
        )]);
    }

    /** @return array<string, mixed> */
    public function purchaseOrder(int $id): array
    {
        return $this->call('purchase_order', ['id' => $id]);
    }

    /**
     * @param array<string, mixed> $filter supplier, status, limit, after
     * @return array{items: list<array<string, mixed>>, next: int|null}
     */
    public function purchaseOrders(array $filter = []): array
    {
        return $this->call('purchase_orders', ['filter' => (object) $filter]);
    }

    /**
     * Receives [line id => quantity] (everything still expected when empty),
     * posting receipts at the lines' costs.
     *
     * @param array<int, string|int>  $lines
     * @param array<string, mixed>    $options actor, note, effective_at
     * @return array{order: array<string, mixed>, movements: list<array<string, mixed>>}
     */
    public function receivePurchase(int $order, array $lines = [], array $options = [], ?string $idempotencyKey = null): array
    {
        $receipt = $options;
        if (isset($receipt['effective_at'])) {
            $receipt['effective_at'] = self::instant($receipt['effective_at']);
        }
        $receipt['lines'] = [];
        foreach ($lines as $line => $quantity) {
            $receipt['lines'][] = ['line' => $line, 'quantity' => self::decimal($quantity, 'quantity')];
        }
        return $this->call('receive_purchase', ['order' => $order, 'receipt' => $receipt, 'idempotency_key' => $idempotencyKey]);
    }

    /** @return array<string, mixed> */
    public function cancelPurchaseRemainder(int $order): array
    {
        return $this->call('cancel_purchase_remainder', ['order' => $order]);
    }

    // -- orders --------------------------------------------------------------

    /** 'reserve' (placing reserves) or 'decrement_on_sale' (placing issues). */
    public function stockPolicy(): string
    {
        return $this->call('stock_policy');
    }

    public function setStockPolicy(string $policy): string
    {
        return $this->call('set_stock_policy', ['policy' => $policy]);
    }

    /**
     * Places an order keyed by the shop's own id: all lines reserved (or
     * issued, with decrement_on_sale) or none; a short order throws
     * InsufficientAvailableException whose $lines lists every short line.
     *
     * @param list<array{sku: string, quantity: string|int, unit_price: string|int, warehouse?: int}> $lines
     * @param array<string, mixed> $options customer (external_id, email, name), placed_at, expires_at
     * @return array<string, mixed>
     */
    public function placeOrder(string $externalId, string $currency, array $lines, array $options = [], ?string $idempotencyKey = null): array
    {
        $out = [];
        foreach ($lines as $i => $line) {
            $line['quantity'] = self::decimal($line['quantity'] ?? null, "lines[{$i}].quantity");
            $line['unit_price'] = self::decimal($line['unit_price'] ?? null, "lines[{$i}].unit_price");
            $out[] = $line;
        }
        $order = ['external_id' => $externalId, 'currency' => $currency, 'lines' => $out];
        if (isset($options['customer'])) {
            $order['customer'] = (object) $options['customer'];
        }
        foreach (['placed_at', 'expires_at'] as $k) {
            if (isset($options[$k])) {
                $order[$k] = self::instant($options[$k]);
            }
        }
        return $this->call('place_order', ['order' => $order, 'idempotency_key' => $idempotencyKey]);
    }

    /** @return array<string, mixed> */
    public function payOrder(string $externalId, ?string $idempotencyKey = null): array
    {
        return $this->call('pay_order', ['external_id' => $externalId, 'idempotency_key' => $idempotencyKey]);
    }

    /**
     * Records shipment of [line number => quantity] (everything left when empty).
     *
     * @param array<int, string|int> $lines
     * @return array<string, mixed>
     */
    public function fulfilOrder(string $externalId, array $lines = [], ?string $idempotencyKey = null): array
    {
        $wanted = [];
        foreach ($lines as $line => $quantity) {
            $wanted[] = ['line' => $line, 'quantity' => self::decimal($quantity, 'quantity')];
        }
        return $this->call('fulfil_order', ['external_id' => $externalId, 'lines' => $wanted, 'idempotency_key' => $idempotencyKey]);
    }

    /** Releases reservations; what shipped comes back at the cost it left with. @return array<string, mixed> */
    public function cancelOrder(string $externalId, ?string $idempotencyKey = null): array
    {
        return $this->call('cancel_order', ['external_id' => $externalId, 'idempotency_key' => $idempotencyKey]);
    }

    /**
     * Goods coming back.
     *
     * @param list<array{line: int, quantity: string|int, restock: bool}> $lines
     * @return array<string, mixed>
     */
    public function returnOrder(string $externalId, array $lines, ?string $idempotencyKey = null): array
    {
        foreach ($lines as $i => $line) {
            $lines[$i]['quantity'] = self::decimal($line['quantity'] ?? null, 'quantity');
        }
        return $this->call('return_order', ['external_id' => $externalId, 'lines' => $lines, 'idempotency_key' => $idempotencyKey]);
    }

    /** Expires unpaid, unshipped orders whose hold ended; returns their ids. @return list<string> */
    public function expireReservations(?DateTimeInterface $now = null): array
    {
        return $this->call('expire_reservations', ['now' => self::instant($now ?? new DateTimeImmutable())]);
    }

    /** @return array<string, mixed> */
    public function order(string $externalId): array
    {
        return $this->call('order', ['external_id' => $externalId]);
    }

    /** @return array<string, mixed> movements_checked, balances_checked, drift_count, drifts */
    public function verify(): array
    {
        return $this->call('verify');
    }

    // -- conversions ---------------------------------------------------------

    private function handle(): CData
    {
        if ($this->handle === null) {
            throw new DatabaseClosedException('the database was closed', ['code' => 'closed']);
        }
        return $this->handle;
    }

    /** Throws the exception of the last error unless $status is OK (0). */
    private function check(int $status): void
    {
        if ($status === 0) {
            return;
        }
        $details = json_decode((string) $this->ffi->racine_last_error_details(), true) ?: [];
        throw RacineException::fromDetails($details + ['status' => $status]);
    }

    /** @param array<string, mixed> $value */
    private static function encode(array $value): string
    {
        return json_encode($value, JSON_THROW_ON_ERROR | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE);
    }

    /**
     * @param array<string, mixed> $m
     * @return array<string, mixed>
     */
    private static function movement(array $m): array
    {
        foreach (['quantity', 'unit_cost'] as $k) {
            if (array_key_exists($k, $m)) {
                $m[$k] = $m[$k] === null ? null : self::decimal($m[$k], $k);
            }
        }
        if (isset($m['effective_at'])) {
            $m['effective_at'] = self::instant($m['effective_at']);
        }
        return array_filter($m, static fn ($v) => $v !== null);
    }

    /** A quantity or amount for the core: decimal text; floats are refused. */
    public static function decimal(mixed $value, string $field): string
    {
        if (is_string($value)) {
            return $value;
        }
        if (is_int($value)) {
            return (string) $value;
        }
        $what = is_float($value) ? "the float {$value}" : get_debug_type($value);
        throw new InvalidInputException(
            "invalid {$field}: {$what} is not an exact decimal; pass a string such as \"12.5\" or an int",
            ['code' => 'invalid_input', 'status' => 2, 'field' => $field, 'reason' => 'not an exact decimal'],
        );
    }

    private static function instant(mixed $value): string
    {
        if (!$value instanceof DateTimeInterface) {
            throw new InvalidInputException(
                'invalid instant: expected a DateTimeInterface, got ' . get_debug_type($value),
                ['code' => 'invalid_input', 'status' => 2, 'field' => 'instant', 'reason' => 'not a DateTimeInterface'],
            );
        }
        return DateTimeImmutable::createFromInterface($value)
            ->setTimezone(new DateTimeZone('UTC'))
            ->format('Y-m-d\TH:i:s.u\Z');
    }

    private const INSTANT_KEYS = [
        'created_at' => true, 'updated_at' => true, 'effective_at' => true, 'recorded_at' => true,
        'at' => true, 'placed_at' => true, 'expires_at' => true,
    ];

    /** Turns the instants of a result into DateTimeImmutable (UTC). */
    private static function instants(mixed $value): mixed
    {
        if (!is_array($value)) {
            return $value;
        }
        foreach ($value as $k => $v) {
            if (is_array($v)) {
                $value[$k] = self::instants($v);
            } elseif (is_string($v) && isset(self::INSTANT_KEYS[$k])) {
                $value[$k] = new DateTimeImmutable($v);
            }
        }
        return $value;
    }
}
