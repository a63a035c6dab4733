<?php

// Generated from schema/racine.json by `cargo run -p racine-codegen`: do not edit.

declare(strict_types=1);

namespace Racine\Laravel\Facades;

use Illuminate\Support\Facades\Facade;

/**
 * Racine::issue($item, '2', ['reference' => 'ORDER-1042']) and so on: static
 * access to the container's Racine\Database, one method per operation of
 * the catalogue.
 *
 * @method static array info()
 * @method static array createItem(string $sku, string $name, array $options = [])
 * @method static array updateItem(int|string $id, array $changes = [])
 * @method static array deactivateItem(int|string $id)
 * @method static array item(int|string $id)
 * @method static array itemBySku(string $sku)
 * @method static array items(array $filter = [])
 * @method static array createWarehouse(string $code, string $name, array $options = [])
 * @method static array updateWarehouse(int $id, array $changes = [])
 * @method static array deactivateWarehouse(int $id)
 * @method static array warehouse(int $id)
 * @method static array warehouseByCode(string $code)
 * @method static array defaultWarehouse()
 * @method static array warehouses(array $filter = [])
 * @method static array createSupplier(string $name, array $options = [])
 * @method static array updateSupplier(int $id, array $changes = [])
 * @method static array deactivateSupplier(int $id)
 * @method static array supplier(int $id)
 * @method static array suppliers(array $filter = [])
 * @method static array post(array $movement, ?string $idempotencyKey = null)
 * @method static array stockByWarehouse(int|string $item)
 * @method static array stockLevels(array $filter = [])
 * @method static string stockValue(?int $warehouse = null)
 * @method static array stockAsOf(int|string $item, \DateTimeInterface $at, ?int $warehouse = null)
 * @method static array costLayers(int|string $item, ?int $warehouse = null)
 * @method static array movements(array $filter = [])
 * @method static array createPurchaseOrder(int $supplier, string $reference, array $lines, array $options = [])
 * @method static array purchaseOrder(int $id)
 * @method static array purchaseOrders(array $filter = [])
 * @method static array receivePurchase(int $order, array $receipt = [], ?string $idempotencyKey = null)
 * @method static array cancelPurchaseRemainder(int $order)
 * @method static array verify()
 * @method static string stockPolicy()
 * @method static string setStockPolicy(string $policy)
 * @method static array placeOrder(string $externalId, array $lines, array $options = [], ?string $idempotencyKey = null)
 * @method static array payOrder(string $externalId, ?string $idempotencyKey = null)
 * @method static array fulfilOrder(string $externalId, ?array $lines = null, ?string $idempotencyKey = null)
 * @method static array cancelOrder(string $externalId, ?string $idempotencyKey = null)
 * @method static array returnOrder(string $externalId, array $lines, ?string $idempotencyKey = null)
 * @method static array expireReservations(\DateTimeInterface $now)
 * @method static array order(string $externalId)
 * @method static array stock(int|string $item, ?int $warehouse = null)
 * @method static array receive(int|string $item, string|int $quantity, string|int|null $unitCost, array $options = [], ?string $idempotencyKey = null)
 * @method static array issue(int|string $item, string|int $quantity, array $options = [], ?string $idempotencyKey = null)
 * @method static array adjust(int|string $item, string|int $quantity, string $reason, array $options = [], ?string $idempotencyKey = null)
 * @method static array count(int|string $item, string|int $counted, array $options = [], ?string $idempotencyKey = null)
 * @method static array transfer(int|string $item, int $from, int $to, string|int $quantity, array $options = [], ?string $idempotencyKey = null)
 * @method static array postBatch(array $movements, ?string $idempotencyKey = null, bool $withMovements = false)
 * @method static mixed call(string $op, array $args = [])
 *
 * @see \Racine\Database
 */
class Racine extends Facade
{
    protected static function getFacadeAccessor(): string
    {
        return \Racine\Database::class;
    }
}
