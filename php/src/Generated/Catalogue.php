<?php

// Generated from schema/racine.json by `cargo run -p racine-codegen`: do not edit.

declare(strict_types=1);

namespace Racine\Generated;

/** What the catalogue lists: operations, error codes, closed sets. */
final class Catalogue
{
    /** Fractional digits of every decimal (the typed C functions speak integers of this scale). */
    public const DECIMAL_SCALE = 6;

    /** Schema version of the database files this library writes. */
    public const SCHEMA_VERSION = 7;

    /** The core's refusals of a value that json_encode gives up on first, and the message of an invalid-input error. */
    public const TOO_DEEP = 'is nested more than 128 levels deep';
    public const NOT_UTF8 = 'is not valid UTF-8';
    public const INVALID_INPUT_MESSAGE = 'invalid {field}: {reason}';

    /** Every operation, by name => PHP method. */
    public const OPERATIONS = [
        'info' => 'info',
        'create_item' => 'createItem',
        'update_item' => 'updateItem',
        'deactivate_item' => 'deactivateItem',
        'item' => 'item',
        'item_by_sku' => 'itemBySku',
        'items' => 'items',
        'create_warehouse' => 'createWarehouse',
        'update_warehouse' => 'updateWarehouse',
        'deactivate_warehouse' => 'deactivateWarehouse',
        'warehouse' => 'warehouse',
        'warehouse_by_code' => 'warehouseByCode',
        'default_warehouse' => 'defaultWarehouse',
        'warehouses' => 'warehouses',
        'create_supplier' => 'createSupplier',
        'update_supplier' => 'updateSupplier',
        'deactivate_supplier' => 'deactivateSupplier',
        'supplier' => 'supplier',
        'suppliers' => 'suppliers',
        'post' => 'post',
        'post_batch' => 'postBatch',
        'stock' => 'stock',
        'stock_by_warehouse' => 'stockByWarehouse',
        'stock_levels' => 'stockLevels',
        'stock_value' => 'stockValue',
        'stock_as_of' => 'stockAsOf',
        'cost_layers' => 'costLayers',
        'movements' => 'movements',
        'create_purchase_order' => 'createPurchaseOrder',
        'purchase_order' => 'purchaseOrder',
        'purchase_orders' => 'purchaseOrders',
        'receive_purchase' => 'receivePurchase',
        'cancel_purchase_remainder' => 'cancelPurchaseRemainder',
        'verify' => 'verify',
        'stock_policy' => 'stockPolicy',
        'set_stock_policy' => 'setStockPolicy',
        'place_order' => 'placeOrder',
        'pay_order' => 'payOrder',
        'fulfil_order' => 'fulfilOrder',
        'cancel_order' => 'cancelOrder',
        'return_order' => 'returnOrder',
        'expire_reservations' => 'expireReservations',
        'order' => 'order',
        'orders' => 'orders',
        'crm_settings' => 'crmSettings',
        'set_default_country' => 'setDefaultCountry',
        'create_contact' => 'createContact',
        'update_contact' => 'updateContact',
        'archive_contact' => 'archiveContact',
        'restore_contact' => 'restoreContact',
        'contact' => 'contact',
        'contact_by_external_id' => 'contactByExternalId',
        'contacts' => 'contacts',
        'contact_orders' => 'contactOrders',
        'duplicate_contacts' => 'duplicateContacts',
        'merge_contacts' => 'mergeContacts',
        'erase_contact' => 'eraseContact',
        'contact_history' => 'contactHistory',
        'log_interaction' => 'logInteraction',
        'complete_task' => 'completeTask',
        'interaction' => 'interaction',
        'interactions' => 'interactions',
        'create_pipeline' => 'createPipeline',
        'add_stage' => 'addStage',
        'update_stage' => 'updateStage',
        'reorder_stages' => 'reorderStages',
        'pipeline' => 'pipeline',
        'pipelines' => 'pipelines',
        'add_lost_reason' => 'addLostReason',
        'retire_lost_reason' => 'retireLostReason',
        'create_opportunity' => 'createOpportunity',
        'update_opportunity' => 'updateOpportunity',
        'move_opportunity' => 'moveOpportunity',
        'win_opportunity' => 'winOpportunity',
        'lose_opportunity' => 'loseOpportunity',
        'reopen_opportunity' => 'reopenOpportunity',
        'opportunity' => 'opportunity',
        'opportunities' => 'opportunities',
        'resolve_period' => 'resolvePeriod',
        'erp_dashboard' => 'erpDashboard',
        'stock_valuation' => 'stockValuation',
        'purchases_summary' => 'purchasesSummary',
        'daily_flows' => 'dailyFlows',
        'top_movers' => 'topMovers',
        'low_stock' => 'lowStock',
        'inventory_turnover' => 'inventoryTurnover',
        'stockout_rate' => 'stockoutRate',
        'crm_dashboard' => 'crmDashboard',
        'pipeline_by_stage' => 'pipelineByStage',
        'win_rate' => 'winRate',
        'average_deal_size' => 'averageDealSize',
        'sales_cycle' => 'salesCycle',
        'pipeline_velocity' => 'pipelineVelocity',
        'stage_conversion' => 'stageConversion',
        'time_in_stage' => 'timeInStage',
        'owner_performance' => 'ownerPerformance',
        'top_clients' => 'topClients',
        'activities' => 'activities',
        'export' => 'export',
    ];

    /** Every error code => its stable number. */
    public const ERRORS = [
        'not_found' => 1,
        'invalid_input' => 2,
        'negative_stock' => 3,
        'insufficient_available' => 4,
        'idempotency_conflict' => 5,
        'invalid_transition' => 6,
        'already_exists' => 7,
        'busy' => 8,
        'storage' => 9,
        'schema_too_new' => 10,
        'cancelled' => 12,
    ];

    /** Every closed set => its names. */
    public const CLOSED_SETS = [
        'ItemKind' => ['material', 'product'],
        'ValuationMethod' => ['fifo', 'lifo', 'moving_average'],
        'Reason' => ['purchase_receipt', 'sale', 'customer_return', 'supplier_return', 'inventory_count', 'breakage', 'loss', 'transfer_out', 'transfer_in', 'opening_balance', 'manual_correction'],
        'MovementKind' => ['receipt', 'issue', 'adjustment', 'count', 'transfer'],
        'SortOrder' => ['newest_first', 'oldest_first'],
        'PurchaseStatus' => ['open', 'partially_received', 'received', 'closed', 'cancelled'],
        'StockPolicy' => ['reserve', 'decrement_on_sale'],
        'OrderStatus' => ['placed', 'partially_fulfilled', 'fulfilled', 'cancelled', 'expired'],
        'ReservationStatus' => ['pending', 'fulfilled', 'released', 'expired'],
        'OrderEventKind' => ['placed', 'paid', 'fulfilled', 'cancelled', 'returned', 'expired'],
        'ContactKind' => ['person', 'company'],
        'ContactStatus' => ['active', 'archived', 'merged', 'erased'],
        'MatchKind' => ['same_email', 'same_phone', 'similar_name'],
        'InteractionKind' => ['call', 'email', 'meeting', 'note', 'task'],
        'InteractionWhen' => ['recent', 'planned', 'all'],
        'StageKind' => ['open', 'won', 'lost'],
        'OpportunityStatus' => ['open', 'won', 'lost'],
        'TransitionKind' => ['created', 'moved', 'won', 'lost', 'reopened'],
        'LongText' => ['cut', 'refuse'],
        'ErpTable' => ['summary', 'valuation_by_warehouse', 'valuation_by_item', 'purchases_by_supplier', 'purchases_by_item', 'daily_flows', 'top_movers_by_quantity', 'top_movers_by_cost', 'low_stock'],
        'CrmTable' => ['summary', 'pipeline_by_stage', 'stage_conversion', 'time_in_stage', 'owner_performance', 'top_clients', 'activities'],
        'Format' => ['xlsx', 'csv'],
        'CsvPreset' => ['plain', 'excel'],
        'LineEnding' => ['lf', 'crlf'],
        'Synchronous' => ['full', 'normal'],
    ];

    /** Result fields that hold instants. */
    public const INSTANT_FIELDS = [
        'created_at' => true,
        'updated_at' => true,
        'effective_at' => true,
        'recorded_at' => true,
        'at' => true,
        'expires_at' => true,
        'placed_at' => true,
        'done_at' => true,
        'closed_at' => true,
        'start' => true,
        'end' => true,
    ];
}
