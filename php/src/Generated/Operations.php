<?php

// Generated from schema/racine.json by `cargo run -p racine-codegen`: do not edit.

declare(strict_types=1);

namespace Racine\Generated;

/**
 * Every operation of Racine's catalogue as a typed method; Racine\Database
 * uses this trait and adds the connection and a few conveniences.
 *
 * Decimals are strings ("12.5") or ints; a float is refused by the core.
 * Defaults are the core's: an argument left null is left out of the request.
 * Every refusal is a Racine\Exception\RacineException subclass, and writes
 * nothing.
 */
trait Operations
{
    /**
     * Runs one request of the JSON entry point.
     *
     * @param array<string, mixed> $args
     */
    abstract public function call(string $op, array $args = []): mixed;

    /**
     * Library, schema and SQLite versions, and the business time zone.
     *
     * @return array{version: string, schema_version: int, sqlite_version: string, time_zone: string}
     */
    public function info(): array
    {
        return $this->call('info', []);
    }

    /**
     * Creates an item; its SKU must be new (`already_exists`).
     *
     * @param string $sku Unique SKU: 1–64 characters, no control characters.
     * @param string $name Display name, 1–200 characters.
     * @param array{unit?: string, kind?: 'material'|'product', valuation?: 'fifo'|'lifo'|'moving_average', reorder_point?: string|int, allow_negative?: bool} $options unit, kind, valuation, reorder_point, allow_negative
     * @return array{id: int, sku: string, name: string, unit: string, kind: 'material'|'product', valuation: 'fifo'|'lifo'|'moving_average', reorder_point: string|null, allow_negative: bool, active: bool, created_at: \DateTimeImmutable, updated_at: \DateTimeImmutable}
     */
    public function createItem(string $sku, string $name, array $options = []): array
    {
        return $this->call('create_item', ['item' => ['sku' => $sku, 'name' => $name] + $options]);
    }

    /**
     * Changes the given fields of an item (by id or SKU); `reorder_point: null` clears it. The valuation method can change only before the first movement.
     *
     * @param int|string $id
     * @param array{name?: string, unit?: string, kind?: 'material'|'product', valuation?: 'fifo'|'lifo'|'moving_average', reorder_point?: string|int, allow_negative?: bool, active?: bool} $changes name, unit, kind, valuation, reorder_point, allow_negative, active
     * @return array{id: int, sku: string, name: string, unit: string, kind: 'material'|'product', valuation: 'fifo'|'lifo'|'moving_average', reorder_point: string|null, allow_negative: bool, active: bool, created_at: \DateTimeImmutable, updated_at: \DateTimeImmutable}
     */
    public function updateItem(int|string $id, array $changes = []): array
    {
        return $this->call('update_item', ['id' => $id, 'changes' => (object) $changes]);
    }

    /**
     * Deactivates an item: it keeps its history and stock and receives nothing more.
     *
     * @param int|string $id
     * @return array{id: int, sku: string, name: string, unit: string, kind: 'material'|'product', valuation: 'fifo'|'lifo'|'moving_average', reorder_point: string|null, allow_negative: bool, active: bool, created_at: \DateTimeImmutable, updated_at: \DateTimeImmutable}
     */
    public function deactivateItem(int|string $id): array
    {
        return $this->call('deactivate_item', ['id' => $id]);
    }

    /**
     * The item with this id or SKU.
     *
     * @param int|string $id
     * @return array{id: int, sku: string, name: string, unit: string, kind: 'material'|'product', valuation: 'fifo'|'lifo'|'moving_average', reorder_point: string|null, allow_negative: bool, active: bool, created_at: \DateTimeImmutable, updated_at: \DateTimeImmutable}
     */
    public function item(int|string $id): array
    {
        return $this->call('item', ['id' => $id]);
    }

    /**
     * The item with this SKU.
     *
     * @param string $sku
     * @return array{id: int, sku: string, name: string, unit: string, kind: 'material'|'product', valuation: 'fifo'|'lifo'|'moving_average', reorder_point: string|null, allow_negative: bool, active: bool, created_at: \DateTimeImmutable, updated_at: \DateTimeImmutable}
     */
    public function itemBySku(string $sku): array
    {
        return $this->call('item_by_sku', ['sku' => $sku]);
    }

    /**
     * Items matching the filter, by id, one page at a time.
     *
     * @param array{active?: bool, kind?: 'material'|'product', search?: string, limit?: int, after?: int} $filter active, kind, search, limit, after
     * @return array{items: list<array{id: int, sku: string, name: string, unit: string, kind: 'material'|'product', valuation: 'fifo'|'lifo'|'moving_average', reorder_point: string|null, allow_negative: bool, active: bool, created_at: \DateTimeImmutable, updated_at: \DateTimeImmutable}>, next: int|null}
     */
    public function items(array $filter = []): array
    {
        return $this->call('items', ['filter' => (object) $filter]);
    }

    /**
     * Creates a warehouse; its code must be new.
     *
     * @param string $code Unique code: 1–32 characters, no spaces or control characters.
     * @param string $name Display name.
     * @param array{is_default?: bool} $options is_default
     * @return array{id: int, code: string, name: string, is_default: bool, active: bool, created_at: \DateTimeImmutable}
     */
    public function createWarehouse(string $code, string $name, array $options = []): array
    {
        return $this->call('create_warehouse', ['warehouse' => ['code' => $code, 'name' => $name] + $options]);
    }

    /**
     * Changes the given fields of a warehouse.
     *
     * @param int $id
     * @param array{name?: string, is_default?: bool, active?: bool} $changes name, is_default, active
     * @return array{id: int, code: string, name: string, is_default: bool, active: bool, created_at: \DateTimeImmutable}
     */
    public function updateWarehouse(int $id, array $changes = []): array
    {
        return $this->call('update_warehouse', ['id' => $id, 'changes' => (object) $changes]);
    }

    /**
     * Deactivates a warehouse (not the default one).
     *
     * @param int $id
     * @return array{id: int, code: string, name: string, is_default: bool, active: bool, created_at: \DateTimeImmutable}
     */
    public function deactivateWarehouse(int $id): array
    {
        return $this->call('deactivate_warehouse', ['id' => $id]);
    }

    /**
     * The warehouse with this id.
     *
     * @param int $id
     * @return array{id: int, code: string, name: string, is_default: bool, active: bool, created_at: \DateTimeImmutable}
     */
    public function warehouse(int $id): array
    {
        return $this->call('warehouse', ['id' => $id]);
    }

    /**
     * The warehouse with this code.
     *
     * @param string $code
     * @return array{id: int, code: string, name: string, is_default: bool, active: bool, created_at: \DateTimeImmutable}
     */
    public function warehouseByCode(string $code): array
    {
        return $this->call('warehouse_by_code', ['code' => $code]);
    }

    /**
     * The default warehouse (where movements without a warehouse go).
     *
     * @return array{id: int, code: string, name: string, is_default: bool, active: bool, created_at: \DateTimeImmutable}
     */
    public function defaultWarehouse(): array
    {
        return $this->call('default_warehouse', []);
    }

    /**
     * Warehouses matching the filter, by id.
     *
     * @param array{active?: bool, limit?: int, after?: int} $filter active, limit, after
     * @return array{items: list<array{id: int, code: string, name: string, is_default: bool, active: bool, created_at: \DateTimeImmutable}>, next: int|null}
     */
    public function warehouses(array $filter = []): array
    {
        return $this->call('warehouses', ['filter' => (object) $filter]);
    }

    /**
     * Creates a supplier.
     *
     * @param string $name Display name, 1–200 characters.
     * @param array{email?: string, phone?: string, notes?: string} $options email, phone, notes
     * @return array{id: int, name: string, email: string|null, phone: string|null, notes: string|null, active: bool, created_at: \DateTimeImmutable, updated_at: \DateTimeImmutable}
     */
    public function createSupplier(string $name, array $options = []): array
    {
        return $this->call('create_supplier', ['supplier' => ['name' => $name] + $options]);
    }

    /**
     * Changes the given fields of a supplier (`""` clears an optional one).
     *
     * @param int $id
     * @param array{name?: string, email?: string, phone?: string, notes?: string, active?: bool} $changes name, email, phone, notes, active
     * @return array{id: int, name: string, email: string|null, phone: string|null, notes: string|null, active: bool, created_at: \DateTimeImmutable, updated_at: \DateTimeImmutable}
     */
    public function updateSupplier(int $id, array $changes = []): array
    {
        return $this->call('update_supplier', ['id' => $id, 'changes' => (object) $changes]);
    }

    /**
     * Deactivates a supplier.
     *
     * @param int $id
     * @return array{id: int, name: string, email: string|null, phone: string|null, notes: string|null, active: bool, created_at: \DateTimeImmutable, updated_at: \DateTimeImmutable}
     */
    public function deactivateSupplier(int $id): array
    {
        return $this->call('deactivate_supplier', ['id' => $id]);
    }

    /**
     * The supplier with this id.
     *
     * @param int $id
     * @return array{id: int, name: string, email: string|null, phone: string|null, notes: string|null, active: bool, created_at: \DateTimeImmutable, updated_at: \DateTimeImmutable}
     */
    public function supplier(int $id): array
    {
        return $this->call('supplier', ['id' => $id]);
    }

    /**
     * Suppliers matching the filter, by id.
     *
     * @param array{active?: bool, search?: string, limit?: int, after?: int} $filter active, search, limit, after
     * @return array{items: list<array{id: int, name: string, email: string|null, phone: string|null, notes: string|null, active: bool, created_at: \DateTimeImmutable, updated_at: \DateTimeImmutable}>, next: int|null}
     */
    public function suppliers(array $filter = []): array
    {
        return $this->call('suppliers', ['filter' => (object) $filter]);
    }

    /**
     * Posts one movement in its own transaction; refuses negative stock unless the item allows it.
     * With $idempotencyKey, the same request again returns the first result and writes nothing.
     *
     * @param array{kind: 'receipt'|'issue'|'adjustment'|'count'|'transfer', item: int|string, warehouse?: int|null, to_warehouse?: int|null, quantity: string|int, unit_cost?: string|int|null, against_receipt?: int|null, reason?: 'purchase_receipt'|'sale'|'customer_return'|'supplier_return'|'inventory_count'|'breakage'|'loss'|'transfer_out'|'transfer_in'|'opening_balance'|'manual_correction'|null, note?: string|null, reference?: string|null, actor?: string|null, effective_at?: \DateTimeInterface|null} $movement
     * @param string|null $idempotencyKey
     * @return array{movements: list<array<string, mixed>>}
     */
    public function post(array $movement, ?string $idempotencyKey = null): array
    {
        return $this->call('post', ['movement' => $movement, 'idempotency_key' => $idempotencyKey]);
    }

    /**
     * Posts many movements in one transaction: all of them or none; a refusal names the failing entry (`index`). With `summary`, only the count and the ids come back.
     * With $idempotencyKey, the same request again returns the first result and writes nothing.
     *
     * @param list<array{kind: 'receipt'|'issue'|'adjustment'|'count'|'transfer', item: int|string, warehouse?: int|null, to_warehouse?: int|null, quantity: string|int, unit_cost?: string|int|null, against_receipt?: int|null, reason?: 'purchase_receipt'|'sale'|'customer_return'|'supplier_return'|'inventory_count'|'breakage'|'loss'|'transfer_out'|'transfer_in'|'opening_balance'|'manual_correction'|null, note?: string|null, reference?: string|null, actor?: string|null, effective_at?: \DateTimeInterface|null}> $movements
     * @param bool|null $summary
     * @param string|null $idempotencyKey
     * @return array{count: int, first_id: int|null, last_id: int|null, movements: list<array<string, mixed>>|null}
     */
    public function postBatch(array $movements, ?bool $summary = null, ?string $idempotencyKey = null): array
    {
        return $this->call('post_batch', ['movements' => $movements, 'idempotency_key' => $idempotencyKey, 'summary' => $summary]);
    }

    /**
     * Stock of an item (by id or SKU) in one warehouse, or across all.
     *
     * @param int|string $item
     * @param int|null $warehouse
     * @return array{item: int, sku: string, warehouse: int|null, on_hand: string, reserved: string, available: string, value: string, unit_value: string, reorder_point: string|null}
     */
    public function stock(int|string $item, ?int $warehouse = null): array
    {
        return $this->call('stock', ['item' => $item, 'warehouse' => $warehouse]);
    }

    /**
     * Stock of an item in each warehouse that ever held it.
     *
     * @param int|string $item
     * @return list<array{item: int, sku: string, warehouse: int|null, on_hand: string, reserved: string, available: string, value: string, unit_value: string, reorder_point: string|null}>
     */
    public function stockByWarehouse(int|string $item): array
    {
        return $this->call('stock_by_warehouse', ['item' => $item]);
    }

    /**
     * Stock of every item (totals, or in one warehouse), one page at a time.
     *
     * @param array{warehouse?: int, low_stock_only?: bool, active_only?: bool, limit?: int, after?: int} $filter warehouse, low_stock_only, active_only, limit, after
     * @return array{items: list<array{item: int, sku: string, warehouse: int|null, on_hand: string, reserved: string, available: string, value: string, unit_value: string, reorder_point: string|null}>, next: int|null}
     */
    public function stockLevels(array $filter = []): array
    {
        return $this->call('stock_levels', ['filter' => (object) $filter]);
    }

    /**
     * Total stock value, in one warehouse or all.
     *
     * @param int|null $warehouse
     * @return string
     */
    public function stockValue(?int $warehouse = null): string
    {
        return $this->call('stock_value', ['warehouse' => $warehouse]);
    }

    /**
     * Stock and value of an item as of an instant (movements effective at or before it).
     *
     * @param int|string $item
     * @param int|null $warehouse
     * @param \DateTimeInterface $at
     * @return array{item: int, warehouse: int|null, at: \DateTimeImmutable, on_hand: string, value: string}
     */
    public function stockAsOf(int|string $item, \DateTimeInterface $at, ?int $warehouse = null): array
    {
        return $this->call('stock_as_of', ['item' => $item, 'warehouse' => $warehouse, 'at' => $at]);
    }

    /**
     * The open FIFO / LIFO cost layers of an item in a warehouse (the default one when none is given), oldest first, each with the receipt that opened it.
     *
     * @param int|string $item
     * @param int|null $warehouse
     * @return array{item: int, sku: string, warehouse: int, valuation: 'fifo'|'lifo'|'moving_average', layers: list<array<string, mixed>>}
     */
    public function costLayers(int|string $item, ?int $warehouse = null): array
    {
        return $this->call('cost_layers', ['item' => $item, 'warehouse' => $warehouse]);
    }

    /**
     * Movement history matching the filter, one page at a time.
     *
     * @param array{item?: int|string, warehouse?: int, reason?: 'purchase_receipt'|'sale'|'customer_return'|'supplier_return'|'inventory_count'|'breakage'|'loss'|'transfer_out'|'transfer_in'|'opening_balance'|'manual_correction', from?: \DateTimeInterface, to?: \DateTimeInterface, reference?: string, order?: 'newest_first'|'oldest_first', limit?: int, after?: int} $filter item, warehouse, reason, from, to, reference, order, limit, after
     * @return array{items: list<array{id: int, item: int, sku: string, warehouse: int, warehouse_code: string, quantity: string, reason: 'purchase_receipt'|'sale'|'customer_return'|'supplier_return'|'inventory_count'|'breakage'|'loss'|'transfer_out'|'transfer_in'|'opening_balance'|'manual_correction', unit_cost: string, value_change: string, balance_after: string, value_after: string, effective_at: \DateTimeImmutable, recorded_at: \DateTimeImmutable, actor: string|null, reference: string|null, note: string|null, idempotency_key: string|null, transfer_id: int|null, purchase_line_id: int|null, order_id: int|null, order_event_id: int|null}>, next: int|null}
     */
    public function movements(array $filter = []): array
    {
        return $this->call('movements', ['filter' => (object) $filter]);
    }

    /**
     * Creates a purchase order with its lines (status `open`).
     *
     * @param int $supplier Supplier id (active).
     * @param string $reference Unique order reference (`PO-2025-0042`).
     * @param list<array{item: int|string, quantity: string|int, unit_cost: string|int, warehouse?: int|null}> $lines At least one line.
     * @param array{note?: string} $options note
     * @return array{id: int, supplier: int, reference: string, status: 'open'|'partially_received'|'received'|'closed'|'cancelled', note: string|null, lines: list<array<string, mixed>>, total_ordered: string, total_received: string, created_at: \DateTimeImmutable, updated_at: \DateTimeImmutable}
     */
    public function createPurchaseOrder(int $supplier, string $reference, array $lines, array $options = []): array
    {
        return $this->call('create_purchase_order', ['order' => ['supplier' => $supplier, 'reference' => $reference, 'lines' => $lines] + $options]);
    }

    /**
     * The purchase order with this id, with its lines.
     *
     * @param int $id
     * @return array{id: int, supplier: int, reference: string, status: 'open'|'partially_received'|'received'|'closed'|'cancelled', note: string|null, lines: list<array<string, mixed>>, total_ordered: string, total_received: string, created_at: \DateTimeImmutable, updated_at: \DateTimeImmutable}
     */
    public function purchaseOrder(int $id): array
    {
        return $this->call('purchase_order', ['id' => $id]);
    }

    /**
     * Purchase orders matching the filter, by id.
     *
     * @param array{supplier?: int, status?: 'open'|'partially_received'|'received'|'closed'|'cancelled', limit?: int, after?: int} $filter supplier, status, limit, after
     * @return array{items: list<array{id: int, supplier: int, reference: string, status: 'open'|'partially_received'|'received'|'closed'|'cancelled', note: string|null, lines: list<array<string, mixed>>, total_ordered: string, total_received: string, created_at: \DateTimeImmutable, updated_at: \DateTimeImmutable}>, next: int|null}
     */
    public function purchaseOrders(array $filter = []): array
    {
        return $this->call('purchase_orders', ['filter' => (object) $filter]);
    }

    /**
     * Receives lines of a purchase order, or all still expected when `lines` is left out (an empty list is refused), posting one receipt per line at the line's cost.
     * With $idempotencyKey, the same request again returns the first result and writes nothing.
     *
     * @param int $order
     * @param array{lines?: list<array<string, mixed>>, actor?: string, note?: string, effective_at?: \DateTimeInterface} $receipt lines, actor, note, effective_at
     * @param string|null $idempotencyKey
     * @return array{order: array{id: int, supplier: int, reference: string, status: 'open'|'partially_received'|'received'|'closed'|'cancelled', note: string|null, lines: list<array<string, mixed>>, total_ordered: string, total_received: string, created_at: \DateTimeImmutable, updated_at: \DateTimeImmutable}, movements: list<array<string, mixed>>}
     */
    public function receivePurchase(int $order, array $receipt = [], ?string $idempotencyKey = null): array
    {
        return $this->call('receive_purchase', ['order' => $order, 'receipt' => (object) $receipt, 'idempotency_key' => $idempotencyKey]);
    }

    /**
     * Cancels what is still expected on a purchase order.
     *
     * @param int $order
     * @return array{id: int, supplier: int, reference: string, status: 'open'|'partially_received'|'received'|'closed'|'cancelled', note: string|null, lines: list<array<string, mixed>>, total_ordered: string, total_received: string, created_at: \DateTimeImmutable, updated_at: \DateTimeImmutable}
     */
    public function cancelPurchaseRemainder(int $order): array
    {
        return $this->call('cancel_purchase_remainder', ['order' => $order]);
    }

    /**
     * Replays the ledger and reports every drift (none on a healthy database).
     *
     * @return array{movements_checked: int, balances_checked: int, records_checked: int, drift_count: int, drifts: list<array<string, mixed>>, key_drifts: list<array<string, mixed>>, is_clean: bool}
     */
    public function verify(): array
    {
        return $this->call('verify', []);
    }

    /**
     * How placing an order touches stock in this database.
     *
     * @return 'reserve'|'decrement_on_sale'
     */
    public function stockPolicy(): string
    {
        return $this->call('stock_policy', []);
    }

    /**
     * Chooses how placing an order touches stock from now on.
     *
     * @param 'reserve'|'decrement_on_sale' $policy
     * @return 'reserve'|'decrement_on_sale'
     */
    public function setStockPolicy(string $policy): string
    {
        return $this->call('set_stock_policy', ['policy' => $policy]);
    }

    /**
     * Places an order keyed by the shop's own id: every line reserved (or issued, with `decrement_on_sale`) or none; a short order lists every short line.
     * With $idempotencyKey, the same request again returns the first result and writes nothing.
     *
     * @param string $externalId The host application's order id (unique).
     * @param list<array{sku: string, quantity: string|int, unit_price?: string|int, warehouse?: int|null}> $lines At least one line.
     * @param array{customer?: array{external_id?: string|null, email?: string|null, name?: string|null}, currency?: string, placed_at?: \DateTimeInterface, expires_at?: \DateTimeInterface} $options customer, currency, placed_at, expires_at
     * @param string|null $idempotencyKey
     * @return array{id: int, external_id: string, customer: array{external_id: string|null, email: string|null, name: string|null}, currency: string, status: 'placed'|'partially_fulfilled'|'fulfilled'|'cancelled'|'expired', paid: bool, total: string, placed_at: \DateTimeImmutable, expires_at: \DateTimeImmutable|null, lines: list<array<string, mixed>>, reservations: list<array<string, mixed>>, movements: list<int>, events: list<array<string, mixed>>}
     */
    public function placeOrder(string $externalId, array $lines, array $options = [], ?string $idempotencyKey = null): array
    {
        return $this->call('place_order', ['order' => ['external_id' => $externalId, 'lines' => $lines] + $options, 'idempotency_key' => $idempotencyKey]);
    }

    /**
     * Records payment; a paid order no longer expires.
     * With $idempotencyKey, the same request again returns the first result and writes nothing.
     *
     * @param string $externalId
     * @param string|null $idempotencyKey
     * @return array{id: int, external_id: string, customer: array{external_id: string|null, email: string|null, name: string|null}, currency: string, status: 'placed'|'partially_fulfilled'|'fulfilled'|'cancelled'|'expired', paid: bool, total: string, placed_at: \DateTimeImmutable, expires_at: \DateTimeImmutable|null, lines: list<array<string, mixed>>, reservations: list<array<string, mixed>>, movements: list<int>, events: list<array<string, mixed>>}
     */
    public function payOrder(string $externalId, ?string $idempotencyKey = null): array
    {
        return $this->call('pay_order', ['external_id' => $externalId, 'idempotency_key' => $idempotencyKey]);
    }

    /**
     * Records shipment of lines, or of everything not yet shipped when `lines` is left out (an empty list is refused).
     * With $idempotencyKey, the same request again returns the first result and writes nothing.
     *
     * @param string $externalId
     * @param list<array{line: int, quantity: string|int}>|null $lines
     * @param string|null $idempotencyKey
     * @return array{id: int, external_id: string, customer: array{external_id: string|null, email: string|null, name: string|null}, currency: string, status: 'placed'|'partially_fulfilled'|'fulfilled'|'cancelled'|'expired', paid: bool, total: string, placed_at: \DateTimeImmutable, expires_at: \DateTimeImmutable|null, lines: list<array<string, mixed>>, reservations: list<array<string, mixed>>, movements: list<int>, events: list<array<string, mixed>>}
     */
    public function fulfilOrder(string $externalId, ?array $lines = null, ?string $idempotencyKey = null): array
    {
        return $this->call('fulfil_order', ['external_id' => $externalId, 'lines' => $lines, 'idempotency_key' => $idempotencyKey]);
    }

    /**
     * Cancels an order: reservations released, what shipped back at the cost it left with.
     * With $idempotencyKey, the same request again returns the first result and writes nothing.
     *
     * @param string $externalId
     * @param string|null $idempotencyKey
     * @return array{id: int, external_id: string, customer: array{external_id: string|null, email: string|null, name: string|null}, currency: string, status: 'placed'|'partially_fulfilled'|'fulfilled'|'cancelled'|'expired', paid: bool, total: string, placed_at: \DateTimeImmutable, expires_at: \DateTimeImmutable|null, lines: list<array<string, mixed>>, reservations: list<array<string, mixed>>, movements: list<int>, events: list<array<string, mixed>>}
     */
    public function cancelOrder(string $externalId, ?string $idempotencyKey = null): array
    {
        return $this->call('cancel_order', ['external_id' => $externalId, 'idempotency_key' => $idempotencyKey]);
    }

    /**
     * Records goods coming back: restocked at the cost they left with, or scrapped.
     * With $idempotencyKey, the same request again returns the first result and writes nothing.
     *
     * @param string $externalId
     * @param list<array{line: int, quantity: string|int, restock: bool}> $lines
     * @param string|null $idempotencyKey
     * @return array{id: int, external_id: string, customer: array{external_id: string|null, email: string|null, name: string|null}, currency: string, status: 'placed'|'partially_fulfilled'|'fulfilled'|'cancelled'|'expired', paid: bool, total: string, placed_at: \DateTimeImmutable, expires_at: \DateTimeImmutable|null, lines: list<array<string, mixed>>, reservations: list<array<string, mixed>>, movements: list<int>, events: list<array<string, mixed>>}
     */
    public function returnOrder(string $externalId, array $lines, ?string $idempotencyKey = null): array
    {
        return $this->call('return_order', ['external_id' => $externalId, 'lines' => $lines, 'idempotency_key' => $idempotencyKey]);
    }

    /**
     * Expires unpaid, unshipped orders whose hold ended at or before `now`; returns their external ids.
     *
     * @param \DateTimeInterface $now
     * @return list<string>
     */
    public function expireReservations(\DateTimeInterface $now): array
    {
        return $this->call('expire_reservations', ['now' => $now]);
    }

    /**
     * The order with this external id, with its lines, reservations, movements and history.
     *
     * @param string $externalId
     * @return array{id: int, external_id: string, customer: array{external_id: string|null, email: string|null, name: string|null}, currency: string, status: 'placed'|'partially_fulfilled'|'fulfilled'|'cancelled'|'expired', paid: bool, total: string, placed_at: \DateTimeImmutable, expires_at: \DateTimeImmutable|null, lines: list<array<string, mixed>>, reservations: list<array<string, mixed>>, movements: list<int>, events: list<array<string, mixed>>}
     */
    public function order(string $externalId): array
    {
        return $this->call('order', ['external_id' => $externalId]);
    }
}
