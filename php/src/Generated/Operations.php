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
     * @return array{movements_checked: int, balances_checked: int, records_checked: int, drift_count: int, drifts: list<array<string, mixed>>, key_drifts: list<array<string, mixed>>, opportunities_checked: int, opportunity_drifts: list<array<string, mixed>>, reference_drifts: list<array<string, mixed>>, is_clean: bool}
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
     * @param array{customer?: array{external_id?: string|null, email?: string|null, name?: string|null}, currency?: string, placed_at?: \DateTimeInterface, expires_at?: \DateTimeInterface, create_contact?: bool} $options customer, currency, placed_at, expires_at, create_contact
     * @param string|null $idempotencyKey
     * @return array{id: int, external_id: string, customer: array{external_id: string|null, email: string|null, name: string|null}, contact: int|null, currency: string, status: 'placed'|'partially_fulfilled'|'fulfilled'|'cancelled'|'expired', paid: bool, total: string, placed_at: \DateTimeImmutable, expires_at: \DateTimeImmutable|null, lines: list<array<string, mixed>>, reservations: list<array<string, mixed>>, movements: list<int>, events: list<array<string, mixed>>}
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
     * @return array{id: int, external_id: string, customer: array{external_id: string|null, email: string|null, name: string|null}, contact: int|null, currency: string, status: 'placed'|'partially_fulfilled'|'fulfilled'|'cancelled'|'expired', paid: bool, total: string, placed_at: \DateTimeImmutable, expires_at: \DateTimeImmutable|null, lines: list<array<string, mixed>>, reservations: list<array<string, mixed>>, movements: list<int>, events: list<array<string, mixed>>}
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
     * @return array{id: int, external_id: string, customer: array{external_id: string|null, email: string|null, name: string|null}, contact: int|null, currency: string, status: 'placed'|'partially_fulfilled'|'fulfilled'|'cancelled'|'expired', paid: bool, total: string, placed_at: \DateTimeImmutable, expires_at: \DateTimeImmutable|null, lines: list<array<string, mixed>>, reservations: list<array<string, mixed>>, movements: list<int>, events: list<array<string, mixed>>}
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
     * @return array{id: int, external_id: string, customer: array{external_id: string|null, email: string|null, name: string|null}, contact: int|null, currency: string, status: 'placed'|'partially_fulfilled'|'fulfilled'|'cancelled'|'expired', paid: bool, total: string, placed_at: \DateTimeImmutable, expires_at: \DateTimeImmutable|null, lines: list<array<string, mixed>>, reservations: list<array<string, mixed>>, movements: list<int>, events: list<array<string, mixed>>}
     */
    public function cancelOrder(string $externalId, ?string $idempotencyKey = null): array
    {
        return $this->call('cancel_order', ['external_id' => $externalId, 'idempotency_key' => $idempotencyKey]);
    }

    /**
     * Replaces an order nothing of which has shipped by a new one in one transaction: the old one cancelled, the new one placed (and paid when the old one was); a short replacement leaves the old order as it was.
     * With $idempotencyKey, the same request again returns the first result and writes nothing.
     *
     * @param string $externalId
     * @param array{external_id: string, customer?: array{external_id?: string|null, email?: string|null, name?: string|null}, currency?: string, lines: list<array<string, mixed>>, placed_at?: \DateTimeInterface|null, expires_at?: \DateTimeInterface|null, create_contact?: bool} $order
     * @param string|null $idempotencyKey
     * @return array{id: int, external_id: string, customer: array{external_id: string|null, email: string|null, name: string|null}, contact: int|null, currency: string, status: 'placed'|'partially_fulfilled'|'fulfilled'|'cancelled'|'expired', paid: bool, total: string, placed_at: \DateTimeImmutable, expires_at: \DateTimeImmutable|null, lines: list<array<string, mixed>>, reservations: list<array<string, mixed>>, movements: list<int>, events: list<array<string, mixed>>}
     */
    public function replaceOrder(string $externalId, array $order, ?string $idempotencyKey = null): array
    {
        return $this->call('replace_order', ['external_id' => $externalId, 'order' => $order, 'idempotency_key' => $idempotencyKey]);
    }

    /**
     * Records goods coming back: restocked at the cost they left with, or scrapped.
     * With $idempotencyKey, the same request again returns the first result and writes nothing.
     *
     * @param string $externalId
     * @param list<array{line: int, quantity: string|int, restock: bool}> $lines
     * @param string|null $idempotencyKey
     * @return array{id: int, external_id: string, customer: array{external_id: string|null, email: string|null, name: string|null}, contact: int|null, currency: string, status: 'placed'|'partially_fulfilled'|'fulfilled'|'cancelled'|'expired', paid: bool, total: string, placed_at: \DateTimeImmutable, expires_at: \DateTimeImmutable|null, lines: list<array<string, mixed>>, reservations: list<array<string, mixed>>, movements: list<int>, events: list<array<string, mixed>>}
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
     * @return array{id: int, external_id: string, customer: array{external_id: string|null, email: string|null, name: string|null}, contact: int|null, currency: string, status: 'placed'|'partially_fulfilled'|'fulfilled'|'cancelled'|'expired', paid: bool, total: string, placed_at: \DateTimeImmutable, expires_at: \DateTimeImmutable|null, lines: list<array<string, mixed>>, reservations: list<array<string, mixed>>, movements: list<int>, events: list<array<string, mixed>>}
     */
    public function order(string $externalId): array
    {
        return $this->call('order', ['external_id' => $externalId]);
    }

    /**
     * Orders matching the filter (status, contact, placing time), by id, one page at a time.
     *
     * @param array{status?: 'placed'|'partially_fulfilled'|'fulfilled'|'cancelled'|'expired', contact?: int, from?: \DateTimeInterface, to?: \DateTimeInterface, limit?: int, after?: int} $filter status, contact, from, to, limit, after
     * @return array{items: list<array{id: int, external_id: string, customer: array<string, mixed>, contact: int|null, currency: string, status: 'placed'|'partially_fulfilled'|'fulfilled'|'cancelled'|'expired', paid: bool, total: string, placed_at: \DateTimeImmutable, expires_at: \DateTimeImmutable|null, lines: list<array<string, mixed>>, reservations: list<array<string, mixed>>, movements: list<int>, events: list<array<string, mixed>>}>, next: int|null}
     */
    public function orders(array $filter = []): array
    {
        return $this->call('orders', ['filter' => (object) $filter]);
    }

    /**
     * The CRM's settings: the default country of phone numbers and the lost reasons.
     *
     * @return array{default_country: string|null, lost_reasons: list<array<string, mixed>>}
     */
    public function crmSettings(): array
    {
        return $this->call('crm_settings', []);
    }

    /**
     * Sets the country (ISO 3166 alpha-2, `FR`) that phone numbers without a country code are read in; `null` clears it.
     * With $idempotencyKey, the same request again returns the first result and writes nothing.
     *
     * @param string|null $country
     * @param string|null $idempotencyKey
     * @return array{default_country: string|null, lost_reasons: list<array<string, mixed>>}
     */
    public function setDefaultCountry(?string $country = null, ?string $idempotencyKey = null): array
    {
        return $this->call('set_default_country', ['country' => $country, 'idempotency_key' => $idempotencyKey]);
    }

    /**
     * Creates a contact (a person or a company); a taken external id is `already_exists`.
     * With $idempotencyKey, the same request again returns the first result and writes nothing.
     *
     * @param string $name Full name (a person) or company name.
     * @param array{kind?: 'person'|'company', company?: int, emails?: list<string>, phones?: list<string>, tags?: list<string>, source?: string, owner?: string, external_id?: string, notes?: string, custom?: array<string, mixed>} $options kind, company, emails, phones, tags, source, owner, external_id, notes, custom
     * @param string|null $idempotencyKey
     * @return array{id: int, kind: 'person'|'company', name: string, company: int|null, emails: list<array<string, mixed>>, phones: list<array<string, mixed>>, tags: list<string>, source: string|null, owner: string|null, external_id: string|null, notes: string|null, custom: array<string, mixed>, status: 'active'|'archived'|'merged'|'erased', merged_into: int|null, created_at: \DateTimeImmutable, updated_at: \DateTimeImmutable}
     */
    public function createContact(string $name, array $options = [], ?string $idempotencyKey = null): array
    {
        return $this->call('create_contact', ['contact' => ['name' => $name] + $options, 'idempotency_key' => $idempotencyKey]);
    }

    /**
     * Changes the given fields of a contact; a list given replaces the list.
     * With $idempotencyKey, the same request again returns the first result and writes nothing.
     *
     * @param int $id
     * @param array{name?: string, company?: int, emails?: list<string>, phones?: list<string>, tags?: list<string>, source?: string, owner?: string, external_id?: string, notes?: string, custom?: array<string, mixed>} $changes name, company, emails, phones, tags, source, owner, external_id, notes, custom
     * @param string|null $idempotencyKey
     * @return array{id: int, kind: 'person'|'company', name: string, company: int|null, emails: list<array<string, mixed>>, phones: list<array<string, mixed>>, tags: list<string>, source: string|null, owner: string|null, external_id: string|null, notes: string|null, custom: array<string, mixed>, status: 'active'|'archived'|'merged'|'erased', merged_into: int|null, created_at: \DateTimeImmutable, updated_at: \DateTimeImmutable}
     */
    public function updateContact(int $id, array $changes = [], ?string $idempotencyKey = null): array
    {
        return $this->call('update_contact', ['id' => $id, 'changes' => (object) $changes, 'idempotency_key' => $idempotencyKey]);
    }

    /**
     * Archives a contact: it keeps its history and leaves the default lists.
     * With $idempotencyKey, the same request again returns the first result and writes nothing.
     *
     * @param int $id
     * @param string|null $idempotencyKey
     * @return array{id: int, kind: 'person'|'company', name: string, company: int|null, emails: list<array<string, mixed>>, phones: list<array<string, mixed>>, tags: list<string>, source: string|null, owner: string|null, external_id: string|null, notes: string|null, custom: array<string, mixed>, status: 'active'|'archived'|'merged'|'erased', merged_into: int|null, created_at: \DateTimeImmutable, updated_at: \DateTimeImmutable}
     */
    public function archiveContact(int $id, ?string $idempotencyKey = null): array
    {
        return $this->call('archive_contact', ['id' => $id, 'idempotency_key' => $idempotencyKey]);
    }

    /**
     * Brings an archived contact back.
     * With $idempotencyKey, the same request again returns the first result and writes nothing.
     *
     * @param int $id
     * @param string|null $idempotencyKey
     * @return array{id: int, kind: 'person'|'company', name: string, company: int|null, emails: list<array<string, mixed>>, phones: list<array<string, mixed>>, tags: list<string>, source: string|null, owner: string|null, external_id: string|null, notes: string|null, custom: array<string, mixed>, status: 'active'|'archived'|'merged'|'erased', merged_into: int|null, created_at: \DateTimeImmutable, updated_at: \DateTimeImmutable}
     */
    public function restoreContact(int $id, ?string $idempotencyKey = null): array
    {
        return $this->call('restore_contact', ['id' => $id, 'idempotency_key' => $idempotencyKey]);
    }

    /**
     * The contact with this id (a merged one names its survivor in `merged_into`).
     *
     * @param int $id
     * @return array{id: int, kind: 'person'|'company', name: string, company: int|null, emails: list<array<string, mixed>>, phones: list<array<string, mixed>>, tags: list<string>, source: string|null, owner: string|null, external_id: string|null, notes: string|null, custom: array<string, mixed>, status: 'active'|'archived'|'merged'|'erased', merged_into: int|null, created_at: \DateTimeImmutable, updated_at: \DateTimeImmutable}
     */
    public function contact(int $id): array
    {
        return $this->call('contact', ['id' => $id]);
    }

    /**
     * The contact with this external id.
     *
     * @param string $externalId
     * @return array{id: int, kind: 'person'|'company', name: string, company: int|null, emails: list<array<string, mixed>>, phones: list<array<string, mixed>>, tags: list<string>, source: string|null, owner: string|null, external_id: string|null, notes: string|null, custom: array<string, mixed>, status: 'active'|'archived'|'merged'|'erased', merged_into: int|null, created_at: \DateTimeImmutable, updated_at: \DateTimeImmutable}
     */
    public function contactByExternalId(string $externalId): array
    {
        return $this->call('contact_by_external_id', ['external_id' => $externalId]);
    }

    /**
     * Contacts matching the filter (free search on name, email, phone and tag, or exact fields), by id, one page at a time.
     *
     * @param array{search?: string, kind?: 'person'|'company', status?: 'active'|'archived'|'merged'|'erased', company?: int, owner?: string, tag?: string, email?: string, phone?: string, source?: string, limit?: int, after?: int} $filter search, kind, status, company, owner, tag, email, phone, source, limit, after
     * @return array{items: list<array{id: int, kind: 'person'|'company', name: string, company: int|null, emails: list<array<string, mixed>>, phones: list<array<string, mixed>>, tags: list<string>, source: string|null, owner: string|null, external_id: string|null, notes: string|null, custom: array<string, mixed>, status: 'active'|'archived'|'merged'|'erased', merged_into: int|null, created_at: \DateTimeImmutable, updated_at: \DateTimeImmutable}>, next: int|null}
     */
    public function contacts(array $filter = []): array
    {
        return $this->call('contacts', ['filter' => (object) $filter]);
    }

    /**
     * The orders linked to a contact, by id, one page at a time.
     *
     * @param int $contact
     * @param array{limit?: int, after?: int} $page limit, after
     * @return array{items: list<array{id: int, external_id: string, customer: array<string, mixed>, contact: int|null, currency: string, status: 'placed'|'partially_fulfilled'|'fulfilled'|'cancelled'|'expired', paid: bool, total: string, placed_at: \DateTimeImmutable, expires_at: \DateTimeImmutable|null, lines: list<array<string, mixed>>, reservations: list<array<string, mixed>>, movements: list<int>, events: list<array<string, mixed>>}>, next: int|null}
     */
    public function contactOrders(int $contact, array $page = []): array
    {
        return $this->call('contact_orders', ['contact' => $contact, 'page' => (object) $page]);
    }

    /**
     * Candidate duplicate contacts, best first, with a score and the reasons.
     *
     * @param array{contact?: int, min_score?: int, limit?: int} $filter contact, min_score, limit
     * @return list<array{contact: int, other: int, score: int, reasons: list<array<string, mixed>>}>
     */
    public function duplicateContacts(array $filter = []): array
    {
        return $this->call('duplicate_contacts', ['filter' => (object) $filter]);
    }

    /**
     * Merges contact `merged` into `into`: interactions, opportunities and orders move to the survivor; the merge records what moved.
     * With $idempotencyKey, the same request again returns the first result and writes nothing.
     *
     * @param int $merged
     * @param int $into
     * @param string|null $actor
     * @param string|null $idempotencyKey
     * @return array{id: int, merged: int, into: int, interactions: list<int>, opportunities: list<int>, orders: list<string>, people: list<int>, emails: list<string>, phones: list<string>, tags: list<string>, actor: string|null, at: \DateTimeImmutable}
     */
    public function mergeContacts(int $merged, int $into, ?string $actor = null, ?string $idempotencyKey = null): array
    {
        return $this->call('merge_contacts', ['merged' => $merged, 'into' => $into, 'actor' => $actor, 'idempotency_key' => $idempotencyKey]);
    }

    /**
     * Erases a contact's personal data; its orders, movements and opportunity history stay, and the erasure is recorded.
     * With $idempotencyKey, the same request again returns the first result and writes nothing.
     *
     * @param int $id
     * @param string|null $actor
     * @param string|null $reason
     * @param string|null $idempotencyKey
     * @return array{contact: int, also: list<int>, fields: list<string>, orders: list<string>, requests: int, interactions: int, actor: string|null, reason: string|null, at: \DateTimeImmutable}
     */
    public function eraseContact(int $id, ?string $actor = null, ?string $reason = null, ?string $idempotencyKey = null): array
    {
        return $this->call('erase_contact', ['id' => $id, 'actor' => $actor, 'reason' => $reason, 'idempotency_key' => $idempotencyKey]);
    }

    /**
     * The merges into or of a contact, and its erasure.
     *
     * @param int $id
     * @return array{merges: list<array<string, mixed>>, erasure: array{contact: int, also: list<int>, fields: list<string>, orders: list<string>, requests: int, interactions: int, actor: string|null, reason: string|null, at: \DateTimeImmutable}|null}
     */
    public function contactHistory(int $id): array
    {
        return $this->call('contact_history', ['id' => $id]);
    }

    /**
     * Logs a call, email, meeting, note or task with a contact.
     * With $idempotencyKey, the same request again returns the first result and writes nothing.
     *
     * @param 'call'|'email'|'meeting'|'note'|'task' $kind Call, email, meeting, note or task.
     * @param int $contact The contact it is with.
     * @param string $summary What it was about.
     * @param array{opportunity?: int, author?: string, at?: \DateTimeInterface, due?: string, done?: bool} $options opportunity, author, at, due, done
     * @param string|null $idempotencyKey
     * @return array{id: int, kind: 'call'|'email'|'meeting'|'note'|'task', contact: int, opportunity: int|null, author: string|null, summary: string, at: \DateTimeImmutable, due: string|null, done: bool, done_at: \DateTimeImmutable|null, created_at: \DateTimeImmutable}
     */
    public function logInteraction(string $kind, int $contact, string $summary, array $options = [], ?string $idempotencyKey = null): array
    {
        return $this->call('log_interaction', ['interaction' => ['kind' => $kind, 'contact' => $contact, 'summary' => $summary] + $options, 'idempotency_key' => $idempotencyKey]);
    }

    /**
     * Marks a task done.
     * With $idempotencyKey, the same request again returns the first result and writes nothing.
     *
     * @param int $id
     * @param string|null $idempotencyKey
     * @return array{id: int, kind: 'call'|'email'|'meeting'|'note'|'task', contact: int, opportunity: int|null, author: string|null, summary: string, at: \DateTimeImmutable, due: string|null, done: bool, done_at: \DateTimeImmutable|null, created_at: \DateTimeImmutable}
     */
    public function completeTask(int $id, ?string $idempotencyKey = null): array
    {
        return $this->call('complete_task', ['id' => $id, 'idempotency_key' => $idempotencyKey]);
    }

    /**
     * The interaction with this id.
     *
     * @param int $id
     * @return array{id: int, kind: 'call'|'email'|'meeting'|'note'|'task', contact: int, opportunity: int|null, author: string|null, summary: string, at: \DateTimeImmutable, due: string|null, done: bool, done_at: \DateTimeImmutable|null, created_at: \DateTimeImmutable}
     */
    public function interaction(int $id): array
    {
        return $this->call('interaction', ['id' => $id]);
    }

    /**
     * Recent or planned interactions per contact, opportunity or owner, one page at a time.
     *
     * @param array{when?: 'recent'|'planned'|'all', contact?: int, opportunity?: int, owner?: string, kind?: 'call'|'email'|'meeting'|'note'|'task', now?: \DateTimeInterface, limit?: int, after?: int} $filter when, contact, opportunity, owner, kind, now, limit, after
     * @return array{items: list<array{id: int, kind: 'call'|'email'|'meeting'|'note'|'task', contact: int, opportunity: int|null, author: string|null, summary: string, at: \DateTimeImmutable, due: string|null, done: bool, done_at: \DateTimeImmutable|null, created_at: \DateTimeImmutable}>, next: int|null}
     */
    public function interactions(array $filter = []): array
    {
        return $this->call('interactions', ['filter' => (object) $filter]);
    }

    /**
     * Creates a pipeline with its stages in order (at least one open stage).
     * With $idempotencyKey, the same request again returns the first result and writes nothing.
     *
     * @param string $name Its name (unique).
     * @param list<array{name: string, kind?: 'open'|'won'|'lost', probability?: string|int|null}> $stages Its stages in order; at least one open stage.
     * @param string|null $idempotencyKey
     * @return array{id: int, name: string, stages: list<array<string, mixed>>, created_at: \DateTimeImmutable}
     */
    public function createPipeline(string $name, array $stages, ?string $idempotencyKey = null): array
    {
        return $this->call('create_pipeline', ['pipeline' => ['name' => $name, 'stages' => $stages], 'idempotency_key' => $idempotencyKey]);
    }

    /**
     * Adds a stage at a position (1-based; at the end when left out).
     * With $idempotencyKey, the same request again returns the first result and writes nothing.
     *
     * @param int $pipeline
     * @param array{name: string, kind?: 'open'|'won'|'lost', probability?: string|int|null} $stage
     * @param int|null $position
     * @param string|null $idempotencyKey
     * @return array{id: int, name: string, stages: list<array<string, mixed>>, created_at: \DateTimeImmutable}
     */
    public function addStage(int $pipeline, array $stage, ?int $position = null, ?string $idempotencyKey = null): array
    {
        return $this->call('add_stage', ['pipeline' => $pipeline, 'stage' => $stage, 'position' => $position, 'idempotency_key' => $idempotencyKey]);
    }

    /**
     * Renames a stage or changes its default probability; history keeps its ids.
     * With $idempotencyKey, the same request again returns the first result and writes nothing.
     *
     * @param int $id
     * @param array{name?: string, probability?: string|int} $changes name, probability
     * @param string|null $idempotencyKey
     * @return array{id: int, name: string, stages: list<array<string, mixed>>, created_at: \DateTimeImmutable}
     */
    public function updateStage(int $id, array $changes = [], ?string $idempotencyKey = null): array
    {
        return $this->call('update_stage', ['id' => $id, 'changes' => (object) $changes, 'idempotency_key' => $idempotencyKey]);
    }

    /**
     * Puts a pipeline's stages in a new order (every stage id once).
     * With $idempotencyKey, the same request again returns the first result and writes nothing.
     *
     * @param int $pipeline
     * @param list<int> $stages
     * @param string|null $idempotencyKey
     * @return array{id: int, name: string, stages: list<array<string, mixed>>, created_at: \DateTimeImmutable}
     */
    public function reorderStages(int $pipeline, array $stages, ?string $idempotencyKey = null): array
    {
        return $this->call('reorder_stages', ['pipeline' => $pipeline, 'stages' => $stages, 'idempotency_key' => $idempotencyKey]);
    }

    /**
     * The pipeline with this id, with its stages in order.
     *
     * @param int $id
     * @return array{id: int, name: string, stages: list<array<string, mixed>>, created_at: \DateTimeImmutable}
     */
    public function pipeline(int $id): array
    {
        return $this->call('pipeline', ['id' => $id]);
    }

    /**
     * Every pipeline, by id.
     *
     * @return list<array{id: int, name: string, stages: list<array<string, mixed>>, created_at: \DateTimeImmutable}>
     */
    public function pipelines(): array
    {
        return $this->call('pipelines', []);
    }

    /**
     * Adds a reason opportunities may be lost for (or brings a retired one back).
     * With $idempotencyKey, the same request again returns the first result and writes nothing.
     *
     * @param string $code
     * @param string $label
     * @param string|null $idempotencyKey
     * @return list<array{code: string, label: string, active: bool}>
     */
    public function addLostReason(string $code, string $label, ?string $idempotencyKey = null): array
    {
        return $this->call('add_lost_reason', ['code' => $code, 'label' => $label, 'idempotency_key' => $idempotencyKey]);
    }

    /**
     * Retires a lost reason: history keeps it, new losses cannot use it.
     * With $idempotencyKey, the same request again returns the first result and writes nothing.
     *
     * @param string $code
     * @param string|null $idempotencyKey
     * @return list<array{code: string, label: string, active: bool}>
     */
    public function retireLostReason(string $code, ?string $idempotencyKey = null): array
    {
        return $this->call('retire_lost_reason', ['code' => $code, 'idempotency_key' => $idempotencyKey]);
    }

    /**
     * Creates an opportunity in an open stage (the pipeline's first unless given).
     * With $idempotencyKey, the same request again returns the first result and writes nothing.
     *
     * @param string $title What it is.
     * @param int $contact The contact it is with.
     * @param int $pipeline Its pipeline.
     * @param array{stage?: int, amount?: string|int, currency?: string, probability?: string|int, expected_close?: string, owner?: string, lines?: list<array<string, mixed>>, actor?: string, at?: \DateTimeInterface} $options stage, amount, currency, probability, expected_close, owner, lines, actor, at
     * @param string|null $idempotencyKey
     * @return array{id: int, title: string, contact: int, amount: string|null, currency: string|null, pipeline: int, stage: int, stage_name: string, probability: string, probability_override: string|null, expected_close: string|null, owner: string|null, status: 'open'|'won'|'lost', lost_reason: string|null, order: string|null, lines: list<array<string, mixed>>, created_at: \DateTimeImmutable, updated_at: \DateTimeImmutable, closed_at: \DateTimeImmutable|null, history: list<array<string, mixed>>}
     */
    public function createOpportunity(string $title, int $contact, int $pipeline, array $options = [], ?string $idempotencyKey = null): array
    {
        return $this->call('create_opportunity', ['opportunity' => ['title' => $title, 'contact' => $contact, 'pipeline' => $pipeline] + $options, 'idempotency_key' => $idempotencyKey]);
    }

    /**
     * Changes the given fields of an opportunity (not its stage).
     * With $idempotencyKey, the same request again returns the first result and writes nothing.
     *
     * @param int $id
     * @param array{title?: string, contact?: int, amount?: string|int, currency?: string, probability?: string|int, expected_close?: string, owner?: string, lines?: list<array<string, mixed>>} $changes title, contact, amount, currency, probability, expected_close, owner, lines
     * @param string|null $idempotencyKey
     * @return array{id: int, title: string, contact: int, amount: string|null, currency: string|null, pipeline: int, stage: int, stage_name: string, probability: string, probability_override: string|null, expected_close: string|null, owner: string|null, status: 'open'|'won'|'lost', lost_reason: string|null, order: string|null, lines: list<array<string, mixed>>, created_at: \DateTimeImmutable, updated_at: \DateTimeImmutable, closed_at: \DateTimeImmutable|null, history: list<array<string, mixed>>}
     */
    public function updateOpportunity(int $id, array $changes = [], ?string $idempotencyKey = null): array
    {
        return $this->call('update_opportunity', ['id' => $id, 'changes' => (object) $changes, 'idempotency_key' => $idempotencyKey]);
    }

    /**
     * Moves an open opportunity to another open stage of its pipeline.
     * With $idempotencyKey, the same request again returns the first result and writes nothing.
     *
     * @param int $id
     * @param int $stage
     * @param array{actor?: string, note?: string, at?: \DateTimeInterface} $meta actor, note, at
     * @param string|null $idempotencyKey
     * @return array{id: int, title: string, contact: int, amount: string|null, currency: string|null, pipeline: int, stage: int, stage_name: string, probability: string, probability_override: string|null, expected_close: string|null, owner: string|null, status: 'open'|'won'|'lost', lost_reason: string|null, order: string|null, lines: list<array<string, mixed>>, created_at: \DateTimeImmutable, updated_at: \DateTimeImmutable, closed_at: \DateTimeImmutable|null, history: list<array<string, mixed>>}
     */
    public function moveOpportunity(int $id, int $stage, array $meta = [], ?string $idempotencyKey = null): array
    {
        return $this->call('move_opportunity', ['id' => $id, 'stage' => $stage, 'meta' => (object) $meta, 'idempotency_key' => $idempotencyKey]);
    }

    /**
     * Wins an open opportunity (to the pipeline's first won stage unless given); with `order`, places an order for its lines in the same transaction.
     * With $idempotencyKey, the same request again returns the first result and writes nothing.
     *
     * @param int $id
     * @param int|null $stage
     * @param array{external_id: string, warehouse?: int|null}|null $order
     * @param array{actor?: string, note?: string, at?: \DateTimeInterface} $meta actor, note, at
     * @param string|null $idempotencyKey
     * @return array{opportunity: array{id: int, title: string, contact: int, amount: string|null, currency: string|null, pipeline: int, stage: int, stage_name: string, probability: string, probability_override: string|null, expected_close: string|null, owner: string|null, status: 'open'|'won'|'lost', lost_reason: string|null, order: string|null, lines: list<array<string, mixed>>, created_at: \DateTimeImmutable, updated_at: \DateTimeImmutable, closed_at: \DateTimeImmutable|null, history: list<array<string, mixed>>}, order: array{id: int, external_id: string, customer: array<string, mixed>, contact: int|null, currency: string, status: 'placed'|'partially_fulfilled'|'fulfilled'|'cancelled'|'expired', paid: bool, total: string, placed_at: \DateTimeImmutable, expires_at: \DateTimeImmutable|null, lines: list<array<string, mixed>>, reservations: list<array<string, mixed>>, movements: list<int>, events: list<array<string, mixed>>}|null}
     */
    public function winOpportunity(int $id, ?int $stage = null, ?array $order = null, array $meta = [], ?string $idempotencyKey = null): array
    {
        return $this->call('win_opportunity', ['id' => $id, 'stage' => $stage, 'order' => $order, 'meta' => (object) $meta, 'idempotency_key' => $idempotencyKey]);
    }

    /**
     * Loses an open opportunity for one of the database's lost reasons.
     * With $idempotencyKey, the same request again returns the first result and writes nothing.
     *
     * @param int $id
     * @param string $reason
     * @param int|null $stage
     * @param array{actor?: string, note?: string, at?: \DateTimeInterface} $meta actor, note, at
     * @param string|null $idempotencyKey
     * @return array{id: int, title: string, contact: int, amount: string|null, currency: string|null, pipeline: int, stage: int, stage_name: string, probability: string, probability_override: string|null, expected_close: string|null, owner: string|null, status: 'open'|'won'|'lost', lost_reason: string|null, order: string|null, lines: list<array<string, mixed>>, created_at: \DateTimeImmutable, updated_at: \DateTimeImmutable, closed_at: \DateTimeImmutable|null, history: list<array<string, mixed>>}
     */
    public function loseOpportunity(int $id, string $reason, ?int $stage = null, array $meta = [], ?string $idempotencyKey = null): array
    {
        return $this->call('lose_opportunity', ['id' => $id, 'reason' => $reason, 'stage' => $stage, 'meta' => (object) $meta, 'idempotency_key' => $idempotencyKey]);
    }

    /**
     * Opens a won or lost opportunity again (in the stage it was closed from unless given).
     * With $idempotencyKey, the same request again returns the first result and writes nothing.
     *
     * @param int $id
     * @param int|null $stage
     * @param array{actor?: string, note?: string, at?: \DateTimeInterface} $meta actor, note, at
     * @param string|null $idempotencyKey
     * @return array{id: int, title: string, contact: int, amount: string|null, currency: string|null, pipeline: int, stage: int, stage_name: string, probability: string, probability_override: string|null, expected_close: string|null, owner: string|null, status: 'open'|'won'|'lost', lost_reason: string|null, order: string|null, lines: list<array<string, mixed>>, created_at: \DateTimeImmutable, updated_at: \DateTimeImmutable, closed_at: \DateTimeImmutable|null, history: list<array<string, mixed>>}
     */
    public function reopenOpportunity(int $id, ?int $stage = null, array $meta = [], ?string $idempotencyKey = null): array
    {
        return $this->call('reopen_opportunity', ['id' => $id, 'stage' => $stage, 'meta' => (object) $meta, 'idempotency_key' => $idempotencyKey]);
    }

    /**
     * The opportunity with this id, with its lines and its transition log.
     *
     * @param int $id
     * @return array{id: int, title: string, contact: int, amount: string|null, currency: string|null, pipeline: int, stage: int, stage_name: string, probability: string, probability_override: string|null, expected_close: string|null, owner: string|null, status: 'open'|'won'|'lost', lost_reason: string|null, order: string|null, lines: list<array<string, mixed>>, created_at: \DateTimeImmutable, updated_at: \DateTimeImmutable, closed_at: \DateTimeImmutable|null, history: list<array<string, mixed>>}
     */
    public function opportunity(int $id): array
    {
        return $this->call('opportunity', ['id' => $id]);
    }

    /**
     * Opportunities matching the filter, by id, one page at a time.
     *
     * @param array{pipeline?: int, stage?: int, status?: 'open'|'won'|'lost', owner?: string, contact?: int, limit?: int, after?: int} $filter pipeline, stage, status, owner, contact, limit, after
     * @return array{items: list<array{id: int, title: string, contact: int, amount: string|null, currency: string|null, pipeline: int, stage: int, stage_name: string, probability: string, probability_override: string|null, expected_close: string|null, owner: string|null, status: 'open'|'won'|'lost', lost_reason: string|null, order: string|null, lines: list<array<string, mixed>>, created_at: \DateTimeImmutable, updated_at: \DateTimeImmutable, closed_at: \DateTimeImmutable|null, history: list<array<string, mixed>>}>, next: int|null}
     */
    public function opportunities(array $filter = []): array
    {
        return $this->call('opportunities', ['filter' => (object) $filter]);
    }

    /**
     * A period resolved to instants in the business time zone: `2026-03`, `2026-Q1`, `this_month`, `last_7_days`… (relative ones from `now`).
     *
     * @param string $period
     * @param \DateTimeInterface|null $now
     * @return array{label: string, start: \DateTimeImmutable, end: \DateTimeImmutable, first_day: string, last_day: string, days: string, time_zone: string}
     */
    public function resolvePeriod(string $period, ?\DateTimeInterface $now = null): array
    {
        return $this->call('resolve_period', ['period' => $period, 'now' => $now]);
    }

    /**
     * The ERP dashboard for a period, in one snapshot: stock valuation, purchases, daily flows, top movers, low stock, turnover, stockout rate.
     *
     * @param array{period?: string, as_of?: \DateTimeInterface, warehouse?: int, kind?: 'material'|'product', limit?: int} $query period, as_of, warehouse, kind, limit
     * @return array{period: array{label: string, start: \DateTimeImmutable, end: \DateTimeImmutable, first_day: string, last_day: string, days: string, time_zone: string}, valuation: array{at: \DateTimeImmutable, total: string, by_warehouse: list<array<string, mixed>>, by_item: list<array<string, mixed>>, items_in_stock: int, definition: array<string, mixed>}, purchases: array{received: string, ordered: string, still_ordered: string, by_supplier: list<array<string, mixed>>, by_item: list<array<string, mixed>>, definition: array<string, mixed>}, daily_flows: array{days: list<array<string, mixed>>, total: array<string, mixed>, definition: array<string, mixed>}, top_movers: array{by_quantity: list<array<string, mixed>>, by_cost: list<array<string, mixed>>, items_issued: int, definition: array<string, mixed>}, low_stock: array{items: list<array<string, mixed>>, count: int, definition: array<string, mixed>}, turnover: array{cost_of_goods_issued: string, opening_value: string, closing_value: string, turnover: array<string, mixed>, days_of_inventory: array<string, mixed>, definition: array<string, mixed>}, stockout_rate: array{rate: array<string, mixed>, definition: array<string, mixed>}}
     */
    public function erpDashboard(array $query = []): array
    {
        return $this->call('erp_dashboard', ['query' => (object) $query]);
    }

    /**
     * Stock value at an instant: total, per warehouse, the items of most value.
     *
     * @param array{period?: string, as_of?: \DateTimeInterface, warehouse?: int, kind?: 'material'|'product', limit?: int} $query period, as_of, warehouse, kind, limit
     * @return array{at: \DateTimeImmutable, total: string, by_warehouse: list<array<string, mixed>>, by_item: list<array<string, mixed>>, items_in_stock: int, definition: array{kpi: string, formula: string, numerator: string|null, denominator: string|null, period: array<string, mixed>|null, at: \DateTimeImmutable|null, time_zone: string, currency_rule: string, rows_counted: int}}
     */
    public function stockValuation(array $query = []): array
    {
        return $this->call('stock_valuation', ['query' => (object) $query]);
    }

    /**
     * Purchases of the period: received, ordered, still on order; per supplier and item.
     *
     * @param array{period?: string, as_of?: \DateTimeInterface, warehouse?: int, kind?: 'material'|'product', limit?: int} $query period, as_of, warehouse, kind, limit
     * @return array{received: string, ordered: string, still_ordered: string, by_supplier: list<array<string, mixed>>, by_item: list<array<string, mixed>>, definition: array{kpi: string, formula: string, numerator: string|null, denominator: string|null, period: array<string, mixed>|null, at: \DateTimeImmutable|null, time_zone: string, currency_rule: string, rows_counted: int}}
     */
    public function purchasesSummary(array $query = []): array
    {
        return $this->call('purchases_summary', ['query' => (object) $query]);
    }

    /**
     * Stock in and out per business day, transfers apart.
     *
     * @param array{period?: string, as_of?: \DateTimeInterface, warehouse?: int, kind?: 'material'|'product', limit?: int} $query period, as_of, warehouse, kind, limit
     * @return array{days: list<array<string, mixed>>, total: array{day: string, in_quantity: string, in_value: string, out_quantity: string, out_value: string, transfer_in_quantity: string, transfer_in_value: string, transfer_out_quantity: string, transfer_out_value: string, movements: int}, definition: array{kpi: string, formula: string, numerator: string|null, denominator: string|null, period: array<string, mixed>|null, at: \DateTimeImmutable|null, time_zone: string, currency_rule: string, rows_counted: int}}
     */
    public function dailyFlows(array $query = []): array
    {
        return $this->call('daily_flows', ['query' => (object) $query]);
    }

    /**
     * The items issued most in the period, by quantity and by cost.
     *
     * @param array{period?: string, as_of?: \DateTimeInterface, warehouse?: int, kind?: 'material'|'product', limit?: int} $query period, as_of, warehouse, kind, limit
     * @return array{by_quantity: list<array<string, mixed>>, by_cost: list<array<string, mixed>>, items_issued: int, definition: array{kpi: string, formula: string, numerator: string|null, denominator: string|null, period: array<string, mixed>|null, at: \DateTimeImmutable|null, time_zone: string, currency_rule: string, rows_counted: int}}
     */
    public function topMovers(array $query = []): array
    {
        return $this->call('top_movers', ['query' => (object) $query]);
    }

    /**
     * Items at or below their reorder point, furthest below first.
     *
     * @param array{period?: string, as_of?: \DateTimeInterface, warehouse?: int, kind?: 'material'|'product', limit?: int} $query period, as_of, warehouse, kind, limit
     * @return array{items: list<array<string, mixed>>, count: int, definition: array{kpi: string, formula: string, numerator: string|null, denominator: string|null, period: array<string, mixed>|null, at: \DateTimeImmutable|null, time_zone: string, currency_rule: string, rows_counted: int}}
     */
    public function lowStock(array $query = []): array
    {
        return $this->call('low_stock', ['query' => (object) $query]);
    }

    /**
     * Inventory turnover and days of inventory over the period.
     *
     * @param array{period?: string, as_of?: \DateTimeInterface, warehouse?: int, kind?: 'material'|'product', limit?: int} $query period, as_of, warehouse, kind, limit
     * @return array{cost_of_goods_issued: string, opening_value: string, closing_value: string, turnover: array{numerator: string, denominator: string, value: string|null}, days_of_inventory: array{numerator: string, denominator: string, value: string|null}, definition: array{kpi: string, formula: string, numerator: string|null, denominator: string|null, period: array<string, mixed>|null, at: \DateTimeImmutable|null, time_zone: string, currency_rule: string, rows_counted: int}}
     */
    public function inventoryTurnover(array $query = []): array
    {
        return $this->call('inventory_turnover', ['query' => (object) $query]);
    }

    /**
     * The share of active items out of stock.
     *
     * @param array{period?: string, as_of?: \DateTimeInterface, warehouse?: int, kind?: 'material'|'product', limit?: int} $query period, as_of, warehouse, kind, limit
     * @return array{rate: array{numerator: string, denominator: string, value: string|null}, definition: array{kpi: string, formula: string, numerator: string|null, denominator: string|null, period: array<string, mixed>|null, at: \DateTimeImmutable|null, time_zone: string, currency_rule: string, rows_counted: int}}
     */
    public function stockoutRate(array $query = []): array
    {
        return $this->call('stockout_rate', ['query' => (object) $query]);
    }

    /**
     * The CRM dashboard for a period, in one snapshot: pipeline, win rate, deal size, sales cycle, velocity, stage conversion, time in stage, owners, top clients, activities.
     *
     * @param array{period?: string, as_of?: \DateTimeInterface, pipeline?: int, owner?: string, rates?: array{name: string, currency: string, rates: list<array<string, mixed>>}, limit?: int} $query period, as_of, pipeline, owner, rates, limit
     * @return array{period: array{label: string, start: \DateTimeImmutable, end: \DateTimeImmutable, first_day: string, last_day: string, days: string, time_zone: string}, pipeline: array{at: \DateTimeImmutable, pipelines: list<array<string, mixed>>, definition: array<string, mixed>}, win_rate: array{won: int, lost: int, by_count: array<string, mixed>, by_value: list<array<string, mixed>>, definition: array<string, mixed>}, deal_size: array{won: int, won_value: list<array<string, mixed>>, average: list<array<string, mixed>>, definition: array<string, mixed>}, sales_cycle: array{days: array<string, mixed>, definition: array<string, mixed>}, velocity: array{open: int, win_rate: string|null, cycle_days: string|null, per_day: list<array<string, mixed>>, definition: array<string, mixed>}, stage_conversion: array{pipelines: list<array<string, mixed>>, definition: array<string, mixed>}, time_in_stage: array{pipelines: list<array<string, mixed>>, definition: array<string, mixed>}, owners: array{owners: list<array<string, mixed>>, definition: array<string, mixed>}, top_clients: array{rankings: list<array<string, mixed>>, without_contact: list<array<string, mixed>>, definition: array<string, mixed>}, activities: array{recent: list<array<string, mixed>>, planned: list<array<string, mixed>>, definition: array<string, mixed>}}
     */
    public function crmDashboard(array $query = []): array
    {
        return $this->call('crm_dashboard', ['query' => (object) $query]);
    }

    /**
     * The open pipeline per stage, now or replayed as of `as_of`.
     *
     * @param array{period?: string, as_of?: \DateTimeInterface, pipeline?: int, owner?: string, rates?: array{name: string, currency: string, rates: list<array<string, mixed>>}, limit?: int} $query period, as_of, pipeline, owner, rates, limit
     * @return array{at: \DateTimeImmutable, pipelines: list<array<string, mixed>>, definition: array{kpi: string, formula: string, numerator: string|null, denominator: string|null, period: array<string, mixed>|null, at: \DateTimeImmutable|null, time_zone: string, currency_rule: string, rows_counted: int}}
     */
    public function pipelineByStage(array $query = []): array
    {
        return $this->call('pipeline_by_stage', ['query' => (object) $query]);
    }

    /**
     * Won / (won + lost) among deals closed in the period, by count and value.
     *
     * @param array{period?: string, as_of?: \DateTimeInterface, pipeline?: int, owner?: string, rates?: array{name: string, currency: string, rates: list<array<string, mixed>>}, limit?: int} $query period, as_of, pipeline, owner, rates, limit
     * @return array{won: int, lost: int, by_count: array{numerator: string, denominator: string, value: string|null}, by_value: list<array<string, mixed>>, definition: array{kpi: string, formula: string, numerator: string|null, denominator: string|null, period: array<string, mixed>|null, at: \DateTimeImmutable|null, time_zone: string, currency_rule: string, rows_counted: int}}
     */
    public function winRate(array $query = []): array
    {
        return $this->call('win_rate', ['query' => (object) $query]);
    }

    /**
     * The average deal won in the period.
     *
     * @param array{period?: string, as_of?: \DateTimeInterface, pipeline?: int, owner?: string, rates?: array{name: string, currency: string, rates: list<array<string, mixed>>}, limit?: int} $query period, as_of, pipeline, owner, rates, limit
     * @return array{won: int, won_value: list<array<string, mixed>>, average: list<array<string, mixed>>, definition: array{kpi: string, formula: string, numerator: string|null, denominator: string|null, period: array<string, mixed>|null, at: \DateTimeImmutable|null, time_zone: string, currency_rule: string, rows_counted: int}}
     */
    public function averageDealSize(array $query = []): array
    {
        return $this->call('average_deal_size', ['query' => (object) $query]);
    }

    /**
     * Mean days from creation to the win, over deals won in the period.
     *
     * @param array{period?: string, as_of?: \DateTimeInterface, pipeline?: int, owner?: string, rates?: array{name: string, currency: string, rates: list<array<string, mixed>>}, limit?: int} $query period, as_of, pipeline, owner, rates, limit
     * @return array{days: array{numerator: string, denominator: string, value: string|null}, definition: array{kpi: string, formula: string, numerator: string|null, denominator: string|null, period: array<string, mixed>|null, at: \DateTimeImmutable|null, time_zone: string, currency_rule: string, rows_counted: int}}
     */
    public function salesCycle(array $query = []): array
    {
        return $this->call('sales_cycle', ['query' => (object) $query]);
    }

    /**
     * (open × win rate × average deal) / sales cycle days.
     *
     * @param array{period?: string, as_of?: \DateTimeInterface, pipeline?: int, owner?: string, rates?: array{name: string, currency: string, rates: list<array<string, mixed>>}, limit?: int} $query period, as_of, pipeline, owner, rates, limit
     * @return array{open: int, win_rate: string|null, cycle_days: string|null, per_day: list<array<string, mixed>>, definition: array{kpi: string, formula: string, numerator: string|null, denominator: string|null, period: array<string, mixed>|null, at: \DateTimeImmutable|null, time_zone: string, currency_rule: string, rows_counted: int}}
     */
    public function pipelineVelocity(array $query = []): array
    {
        return $this->call('pipeline_velocity', ['query' => (object) $query]);
    }

    /**
     * The funnel of the opportunities created in the period.
     *
     * @param array{period?: string, as_of?: \DateTimeInterface, pipeline?: int, owner?: string, rates?: array{name: string, currency: string, rates: list<array<string, mixed>>}, limit?: int} $query period, as_of, pipeline, owner, rates, limit
     * @return array{pipelines: list<array<string, mixed>>, definition: array{kpi: string, formula: string, numerator: string|null, denominator: string|null, period: array<string, mixed>|null, at: \DateTimeImmutable|null, time_zone: string, currency_rule: string, rows_counted: int}}
     */
    public function stageConversion(array $query = []): array
    {
        return $this->call('stage_conversion', ['query' => (object) $query]);
    }

    /**
     * Time spent in each stage (latest visit, cumulative) by deals closed in the period.
     *
     * @param array{period?: string, as_of?: \DateTimeInterface, pipeline?: int, owner?: string, rates?: array{name: string, currency: string, rates: list<array<string, mixed>>}, limit?: int} $query period, as_of, pipeline, owner, rates, limit
     * @return array{pipelines: list<array<string, mixed>>, definition: array{kpi: string, formula: string, numerator: string|null, denominator: string|null, period: array<string, mixed>|null, at: \DateTimeImmutable|null, time_zone: string, currency_rule: string, rows_counted: int}}
     */
    public function timeInStage(array $query = []): array
    {
        return $this->call('time_in_stage', ['query' => (object) $query]);
    }

    /**
     * Won, lost, win rate and weighted pipeline per owner.
     *
     * @param array{period?: string, as_of?: \DateTimeInterface, pipeline?: int, owner?: string, rates?: array{name: string, currency: string, rates: list<array<string, mixed>>}, limit?: int} $query period, as_of, pipeline, owner, rates, limit
     * @return array{owners: list<array<string, mixed>>, definition: array{kpi: string, formula: string, numerator: string|null, denominator: string|null, period: array<string, mixed>|null, at: \DateTimeImmutable|null, time_zone: string, currency_rule: string, rows_counted: int}}
     */
    public function ownerPerformance(array $query = []): array
    {
        return $this->call('owner_performance', ['query' => (object) $query]);
    }

    /**
     * The contacts bringing the most revenue in the period, each source shown.
     *
     * @param array{period?: string, as_of?: \DateTimeInterface, pipeline?: int, owner?: string, rates?: array{name: string, currency: string, rates: list<array<string, mixed>>}, limit?: int} $query period, as_of, pipeline, owner, rates, limit
     * @return array{rankings: list<array<string, mixed>>, without_contact: list<array<string, mixed>>, definition: array{kpi: string, formula: string, numerator: string|null, denominator: string|null, period: array<string, mixed>|null, at: \DateTimeImmutable|null, time_zone: string, currency_rule: string, rows_counted: int}}
     */
    public function topClients(array $query = []): array
    {
        return $this->call('top_clients', ['query' => (object) $query]);
    }

    /**
     * The latest and the coming interactions.
     *
     * @param array{period?: string, as_of?: \DateTimeInterface, pipeline?: int, owner?: string, rates?: array{name: string, currency: string, rates: list<array<string, mixed>>}, limit?: int} $query period, as_of, pipeline, owner, rates, limit
     * @return array{recent: list<array<string, mixed>>, planned: list<array<string, mixed>>, definition: array{kpi: string, formula: string, numerator: string|null, denominator: string|null, period: array<string, mixed>|null, at: \DateTimeImmutable|null, time_zone: string, currency_rule: string, rows_counted: int}}
     */
    public function activities(array $query = []): array
    {
        return $this->call('activities', ['query' => (object) $query]);
    }

    /**
     * Exports datasets (movements, stock, orders, contacts, KPIs…) to an xlsx or csv file at `path`, all read in one snapshot; written under a temporary name and renamed once complete. Bindings also stream to a writer and report progress.
     *
     * @param list<array{name?: string|null}> $sheets The sheets, in order: several in an xlsx workbook, exactly one in csv.
     * @param array{format?: 'xlsx'|'csv'|'plugin', csv?: array{preset?: 'plain'|'excel', delimiter?: string|null, quote_all?: bool|null, line_ending?: 'lf'|'crlf'|null, bom?: bool|null, decimal_separator?: string|null, neutralise_formulas?: bool|null}, xlsx?: array{max_rows_per_sheet?: int|null, long_text?: 'cut'|'refuse'}, plugin?: string, options?: array<string, mixed>} $options format, csv, xlsx, plugin, options
     * @param string $path
     * @return array{format: 'xlsx'|'csv'|'plugin', sheets: list<array<string, mixed>>, rows: int, bytes: int, cut_cells: int}
     */
    public function export(array $sheets, string $path, array $options = []): array
    {
        return $this->call('export', ['export' => ['sheets' => $sheets] + $options, 'path' => $path]);
    }

    /**
     * Imports items, warehouses, suppliers, opening stock, contacts or open purchase orders from the csv or xlsx file at `path`: every row checked first, then all written in one transaction. Any wrong row refuses the file (`import_refused`, listing row, column, value and why) unless `skip_invalid`, which writes the valid rows and puts the others in a rejects file. Rows whose key exists are left as they are.
     *
     * @param 'items'|'warehouses'|'suppliers'|'opening_stock'|'contacts'|'purchase_orders' $kind What the file holds.
     * @param array{format?: 'csv'|'xlsx', sheet?: string, delimiter?: string, skip_invalid?: bool, rejects?: string, dry_run?: bool} $options format, sheet, delimiter, skip_invalid, rejects, dry_run
     * @param string $path
     * @return array{kind: 'items'|'warehouses'|'suppliers'|'opening_stock'|'contacts'|'purchase_orders', rows: int, created: int, existing: int, rejected: int, problems: list<array<string, mixed>>, rejects_path: string|null, dry_run: bool}
     */
    public function importFile(string $kind, string $path, array $options = []): array
    {
        return $this->call('import_file', ['import' => ['kind' => $kind] + $options, 'path' => $path]);
    }

    /**
     * The columns of a file to import of this kind: name, whether required, what it holds, an example.
     *
     * @param 'items'|'warehouses'|'suppliers'|'opening_stock'|'contacts'|'purchase_orders' $kind
     * @return list<array{name: string, required: bool, description: string, example: string}>
     */
    public function importColumns(string $kind): array
    {
        return $this->call('import_columns', ['kind' => $kind]);
    }

    /**
     * Writes a template of a file to import at `path` (csv or xlsx, by its extension): the header and one example row. Returns its columns.
     *
     * @param 'items'|'warehouses'|'suppliers'|'opening_stock'|'contacts'|'purchase_orders' $kind
     * @param string $path
     * @return list<array{name: string, required: bool, description: string, example: string}>
     */
    public function writeImportTemplate(string $kind, string $path): array
    {
        return $this->call('write_import_template', ['kind' => $kind, 'path' => $path]);
    }

    /**
     * Outbox events in id order, one page at a time, from any position (`after`), without a cursor of one's own.
     *
     * @param array{kinds?: list<'movement_recorded'|'order_event_applied'|'stock_below_reorder_point'|'purchase_received'|'opportunity_stage_changed'|'contact_merged'>, limit?: int, after?: int} $filter kinds, limit, after
     * @return array{items: list<array{id: int, kind: 'movement_recorded'|'order_event_applied'|'stock_below_reorder_point'|'purchase_received'|'opportunity_stage_changed'|'contact_merged', recorded_at: \DateTimeImmutable, data: array<string, mixed>}>, next: int|null}
     */
    public function outboxEvents(array $filter = []): array
    {
        return $this->call('outbox_events', ['filter' => (object) $filter]);
    }

    /**
     * Registers a consumer of the outbox, its cursor at the oldest event kept (`beginning`) or after the newest (`end`); an existing consumer keeps its position.
     *
     * @param string $consumer
     * @param 'beginning'|'end'|null $from
     * @return array{name: string, position: int, pending: int, created_at: \DateTimeImmutable, updated_at: \DateTimeImmutable}
     */
    public function outboxSubscribe(string $consumer, ?string $from = null): array
    {
        return $this->call('outbox_subscribe', ['consumer' => $consumer, 'from' => $from]);
    }

    /**
     * The next events after a consumer's position (at least once: they come again until acknowledged).
     *
     * @param string $consumer
     * @param int|null $limit
     * @return array{consumer: array{name: string, position: int, pending: int, created_at: \DateTimeImmutable, updated_at: \DateTimeImmutable}, events: list<array<string, mixed>>}
     */
    public function outboxPoll(string $consumer, ?int $limit = null): array
    {
        return $this->call('outbox_poll', ['consumer' => $consumer, 'limit' => $limit]);
    }

    /**
     * Moves a consumer's position to event `through`: everything up to it is handled. An event already passed changes nothing.
     *
     * @param string $consumer
     * @param int $through
     * @return array{name: string, position: int, pending: int, created_at: \DateTimeImmutable, updated_at: \DateTimeImmutable}
     */
    public function outboxAck(string $consumer, int $through): array
    {
        return $this->call('outbox_ack', ['consumer' => $consumer, 'through' => $through]);
    }

    /**
     * Every consumer of the outbox (plugins' cursors included) and how far behind it is.
     *
     * @return list<array{name: string, position: int, pending: int, created_at: \DateTimeImmutable, updated_at: \DateTimeImmutable}>
     */
    public function outboxConsumers(): array
    {
        return $this->call('outbox_consumers', []);
    }

    /**
     * Removes a consumer, so that it no longer holds events back from pruning.
     *
     * @param string $consumer
     * @return array{name: string, position: int, pending: int, created_at: \DateTimeImmutable, updated_at: \DateTimeImmutable}
     */
    public function outboxUnsubscribe(string $consumer): array
    {
        return $this->call('outbox_unsubscribe', ['consumer' => $consumer]);
    }

    /**
     * Removes the events every consumer has acknowledged (up to `through` at most).
     *
     * @param int|null $through
     * @return array{removed: int, through: int, held_by: string|null}
     */
    public function outboxPrune(?int $through = null): array
    {
        return $this->call('outbox_prune', ['through' => $through]);
    }

    /**
     * Loads a plugin (a shared library, by absolute path) on this handle: validators, event sinks, export formats. A failure is a `plugin` error and lists the plugin as failed.
     *
     * @param string $path
     * @param array{config?: array<string, mixed>, start?: 'beginning'|'end'} $options config, start
     * @return array{name: string, version: string|null, path: string, capabilities: list<'validator'|'event_sink'|'exporter'>, export_format: string|null, state: 'active'|'failed', error: string|null, cursor: int|null, delivered: int, vetoes: int, log: list<array<string, mixed>>}
     */
    public function loadPlugin(string $path, array $options = []): array
    {
        return $this->call('load_plugin', ['path' => $path, 'options' => (object) $options]);
    }

    /**
     * The plugins of this handle with their versions and state.
     *
     * @return list<array{name: string, version: string|null, path: string, capabilities: list<'validator'|'event_sink'|'exporter'>, export_format: string|null, state: 'active'|'failed', error: string|null, cursor: int|null, delivered: int, vetoes: int, log: list<array<string, mixed>>}>
     */
    public function plugins(): array
    {
        return $this->call('plugins', []);
    }

    /**
     * Unloads a plugin from this handle (its library stays mapped).
     *
     * @param string $name
     * @return array{name: string, version: string|null, path: string, capabilities: list<'validator'|'event_sink'|'exporter'>, export_format: string|null, state: 'active'|'failed', error: string|null, cursor: int|null, delivered: int, vetoes: int, log: list<array<string, mixed>>}
     */
    public function unloadPlugin(string $name): array
    {
        return $this->call('unload_plugin', ['name' => $name]);
    }

    /**
     * Delivers pending outbox events to the loaded event sinks now (also done after each write of this handle).
     *
     * @return array{plugins: list<array<string, mixed>>}
     */
    public function deliverEvents(): array
    {
        return $this->call('deliver_events', []);
    }
}
