<?php

// Generated from schema/racine.json by `cargo run -p racine-codegen`: do not edit.

declare(strict_types=1);

namespace Racine\Laravel\Facades;

use Illuminate\Support\Facades\Facade;
use Racine\Database;
use Racine\RacineInterface;

/**
 * Racine::issue($item, '2', ['reference' => 'ORDER-1042']) and so on: static
 * access to the container's Racine\RacineInterface (a Racine\Database opened
 * on first use), one method per operation of the catalogue.
 *
 * In tests, Racine::fake() swaps in a real in-memory database and
 * Racine::shouldReceive() a Mockery mock of the interface.
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
 * @method static array replaceOrder(string $externalId, array $order, ?string $idempotencyKey = null)
 * @method static array returnOrder(string $externalId, array $lines, ?string $idempotencyKey = null)
 * @method static array expireReservations(\DateTimeInterface $now)
 * @method static array order(string $externalId)
 * @method static array orders(array $filter = [])
 * @method static array crmSettings()
 * @method static array setDefaultCountry(?string $country = null, ?string $idempotencyKey = null)
 * @method static array createContact(string $name, array $options = [], ?string $idempotencyKey = null)
 * @method static array updateContact(int $id, array $changes = [], ?string $idempotencyKey = null)
 * @method static array archiveContact(int $id, ?string $idempotencyKey = null)
 * @method static array restoreContact(int $id, ?string $idempotencyKey = null)
 * @method static array contact(int $id)
 * @method static array contactByExternalId(string $externalId)
 * @method static array contacts(array $filter = [])
 * @method static array contactOrders(int $contact, array $page = [])
 * @method static array duplicateContacts(array $filter = [])
 * @method static array mergeContacts(int $merged, int $into, ?string $actor = null, ?string $idempotencyKey = null)
 * @method static array eraseContact(int $id, ?string $actor = null, ?string $reason = null, ?string $idempotencyKey = null)
 * @method static array contactHistory(int $id)
 * @method static array logInteraction(string $kind, int $contact, string $summary, array $options = [], ?string $idempotencyKey = null)
 * @method static array completeTask(int $id, ?string $idempotencyKey = null)
 * @method static array interaction(int $id)
 * @method static array interactions(array $filter = [])
 * @method static array createPipeline(string $name, array $stages, ?string $idempotencyKey = null)
 * @method static array addStage(int $pipeline, array $stage, ?int $position = null, ?string $idempotencyKey = null)
 * @method static array updateStage(int $id, array $changes = [], ?string $idempotencyKey = null)
 * @method static array reorderStages(int $pipeline, array $stages, ?string $idempotencyKey = null)
 * @method static array pipeline(int $id)
 * @method static array pipelines()
 * @method static array addLostReason(string $code, string $label, ?string $idempotencyKey = null)
 * @method static array retireLostReason(string $code, ?string $idempotencyKey = null)
 * @method static array createOpportunity(string $title, int $contact, int $pipeline, array $options = [], ?string $idempotencyKey = null)
 * @method static array updateOpportunity(int $id, array $changes = [], ?string $idempotencyKey = null)
 * @method static array moveOpportunity(int $id, int $stage, array $meta = [], ?string $idempotencyKey = null)
 * @method static array winOpportunity(int $id, ?int $stage = null, ?array $order = null, array $meta = [], ?string $idempotencyKey = null)
 * @method static array loseOpportunity(int $id, string $reason, ?int $stage = null, array $meta = [], ?string $idempotencyKey = null)
 * @method static array reopenOpportunity(int $id, ?int $stage = null, array $meta = [], ?string $idempotencyKey = null)
 * @method static array opportunity(int $id)
 * @method static array opportunities(array $filter = [])
 * @method static array resolvePeriod(string $period, ?\DateTimeInterface $now = null)
 * @method static array erpDashboard(array $query = [])
 * @method static array stockValuation(array $query = [])
 * @method static array purchasesSummary(array $query = [])
 * @method static array dailyFlows(array $query = [])
 * @method static array topMovers(array $query = [])
 * @method static array lowStock(array $query = [])
 * @method static array inventoryTurnover(array $query = [])
 * @method static array stockoutRate(array $query = [])
 * @method static array crmDashboard(array $query = [])
 * @method static array pipelineByStage(array $query = [])
 * @method static array winRate(array $query = [])
 * @method static array averageDealSize(array $query = [])
 * @method static array salesCycle(array $query = [])
 * @method static array pipelineVelocity(array $query = [])
 * @method static array stageConversion(array $query = [])
 * @method static array timeInStage(array $query = [])
 * @method static array ownerPerformance(array $query = [])
 * @method static array topClients(array $query = [])
 * @method static array activities(array $query = [])
 * @method static array importFile(string $kind, string $path, array $options = [])
 * @method static array importColumns(string $kind)
 * @method static array writeImportTemplate(string $kind, string $path)
 * @method static array outboxEvents(array $filter = [])
 * @method static array outboxSubscribe(string $consumer, ?string $from = null)
 * @method static array outboxPoll(string $consumer, ?int $limit = null)
 * @method static array outboxAck(string $consumer, int $through)
 * @method static array outboxConsumers()
 * @method static array outboxUnsubscribe(string $consumer)
 * @method static array outboxPrune(?int $through = null)
 * @method static array loadPlugin(string $path, array $options = [])
 * @method static array plugins()
 * @method static array unloadPlugin(string $name)
 * @method static array deliverEvents()
 * @method static array stock(int|string $item, ?int $warehouse = null)
 * @method static array receive(int|string $item, string|int|float $quantity, string|int|float|null $unitCost, array $options = [], ?string $idempotencyKey = null)
 * @method static array issue(int|string $item, string|int|float $quantity, array $options = [], ?string $idempotencyKey = null)
 * @method static array adjust(int|string $item, string|int|float $quantity, string $reason, array $options = [], ?string $idempotencyKey = null)
 * @method static array count(int|string $item, string|int|float $counted, array $options = [], ?string $idempotencyKey = null)
 * @method static array transfer(int|string $item, int $from, int $to, string|int|float $quantity, array $options = [], ?string $idempotencyKey = null)
 * @method static array postBatch(array $movements, ?string $idempotencyKey = null, bool $withMovements = false)
 * @method static array export(array $sheets, string $path, array $options = [], ?callable $progress = null)
 * @method static array exportTo(callable $write, array $sheets, array $options = [], ?callable $progress = null)
 * @method static string exportBytes(array $sheets, array $options = [])
 * @method static mixed call(string $op, array $args = [])
 * @method static void close()
 * @method static bool isClosed()
 *
 * @see \Racine\RacineInterface
 * @see \Racine\Database
 */
class Racine extends Facade
{
    /**
     * Swaps in a real, empty in-memory Racine for the rest of the test (the
     * container's binding too, so observers and commands get it); returns it.
     *
     * @param array<string, mixed> $options open options (time_zone, default_warehouse…)
     */
    public static function fake(array $options = []): Database
    {
        $fake = Database::lazy(':memory:', $options);
        static::swap($fake);
        return $fake;
    }

    protected static function getFacadeAccessor(): string
    {
        return RacineInterface::class;
    }

    /** Mocks the contract: the bound class is final, and resolving it would open it. */
    protected static function getMockableClass(): string
    {
        return RacineInterface::class;
    }
}
