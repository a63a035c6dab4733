//! The JSON form of every operation: one request in, one result out.
//!
//! This is the common ground of the bindings that speak C (the C ABI, PHP's
//! FFI): they pass a request string, Racine runs it with exactly the same
//! rules as the Rust API, and hands back the result as JSON. Requests are
//! strict: an unknown operation or field, a wrong type, or a JSON float for
//! a decimal is refused before anything runs.
//!
//! ```
//! use racine::{api, Database};
//! let db = Database::open_in_memory()?;
//! let item = api::call(&db, r#"{"op":"create_item","item":{"sku":"MUG","name":"Mug"}}"#)?;
//! let id = item["id"].as_i64().unwrap();
//! api::call(&db, &format!(
//!     r#"{{"op":"post","movement":{{"kind":"receipt","item":{id},"quantity":"3","unit_cost":"4.5"}}}}"#
//! ))?;
//! let stock = api::call(&db, &format!(r#"{{"op":"stock","item":{id}}}"#))?;
//! assert_eq!(stock["value"], "13.5");
//! # Ok::<(), racine::Error>(())
//! ```

use jiff::Timestamp;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::db::{Database, SCHEMA_VERSION};
use crate::error::{Error, Result};
use crate::items::{ItemChanges, ItemFilter, NewItem};
use crate::ledger::{Movement, MovementFilter, StockFilter};
use crate::orders::{FulfilLine, NewOrder, ReturnLine, StockPolicy};
use crate::purchases::{NewPurchaseOrder, PurchaseFilter, PurchaseReceipt};
use crate::suppliers::{NewSupplier, SupplierChanges, SupplierFilter};
use crate::warehouses::{NewWarehouse, WarehouseChanges, WarehouseFilter};

/// One operation and its arguments, tagged by `"op"`.
#[derive(Clone, Debug, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
#[allow(missing_docs)] // each variant mirrors the `Database` method of the same name
pub enum Request {
    /// Library, schema and SQLite versions, and the business time zone.
    Info,
    CreateItem {
        item: NewItem,
    },
    UpdateItem {
        id: i64,
        changes: ItemChanges,
    },
    DeactivateItem {
        id: i64,
    },
    Item {
        id: i64,
    },
    ItemBySku {
        sku: String,
    },
    Items {
        #[serde(default)]
        filter: ItemFilter,
    },
    CreateWarehouse {
        warehouse: NewWarehouse,
    },
    UpdateWarehouse {
        id: i64,
        changes: WarehouseChanges,
    },
    DeactivateWarehouse {
        id: i64,
    },
    Warehouse {
        id: i64,
    },
    WarehouseByCode {
        code: String,
    },
    DefaultWarehouse,
    Warehouses {
        #[serde(default)]
        filter: WarehouseFilter,
    },
    CreateSupplier {
        supplier: NewSupplier,
    },
    UpdateSupplier {
        id: i64,
        changes: SupplierChanges,
    },
    DeactivateSupplier {
        id: i64,
    },
    Supplier {
        id: i64,
    },
    Suppliers {
        #[serde(default)]
        filter: SupplierFilter,
    },
    Post {
        movement: Movement,
        #[serde(default)]
        idempotency_key: Option<String>,
    },
    PostBatch {
        movements: Vec<Movement>,
        #[serde(default)]
        idempotency_key: Option<String>,
        /// Answer `{"count", "first_id", "last_id"}` instead of every record:
        /// a batch's ids are consecutive, so callers can read the records
        /// back later if they need them.
        #[serde(default)]
        summary: bool,
    },
    Stock {
        item: i64,
        #[serde(default)]
        warehouse: Option<i64>,
    },
    StockByWarehouse {
        item: i64,
    },
    StockLevels {
        #[serde(default)]
        filter: StockFilter,
    },
    StockValue {
        #[serde(default)]
        warehouse: Option<i64>,
    },
    StockAsOf {
        item: i64,
        #[serde(default)]
        warehouse: Option<i64>,
        at: Timestamp,
    },
    Movements {
        #[serde(default)]
        filter: MovementFilter,
    },
    CreatePurchaseOrder {
        order: NewPurchaseOrder,
    },
    PurchaseOrder {
        id: i64,
    },
    PurchaseOrders {
        #[serde(default)]
        filter: PurchaseFilter,
    },
    ReceivePurchase {
        order: i64,
        #[serde(default)]
        receipt: PurchaseReceipt,
        #[serde(default)]
        idempotency_key: Option<String>,
    },
    CancelPurchaseRemainder {
        order: i64,
    },
    Verify,
    StockPolicy,
    SetStockPolicy {
        policy: StockPolicy,
    },
    PlaceOrder {
        order: NewOrder,
        #[serde(default)]
        idempotency_key: Option<String>,
    },
    PayOrder {
        external_id: String,
        #[serde(default)]
        idempotency_key: Option<String>,
    },
    FulfilOrder {
        external_id: String,
        #[serde(default)]
        lines: Vec<FulfilLine>,
        #[serde(default)]
        idempotency_key: Option<String>,
    },
    CancelOrder {
        external_id: String,
        #[serde(default)]
        idempotency_key: Option<String>,
    },
    ReturnOrder {
        external_id: String,
        lines: Vec<ReturnLine>,
        #[serde(default)]
        idempotency_key: Option<String>,
    },
    ExpireReservations {
        now: Timestamp,
    },
    Order {
        external_id: String,
    },
}

impl Request {
    /// Parses a request. Malformed JSON, an unknown `op` or field, and a
    /// wrong-typed value are [`Error::InvalidInput`] on field `request`.
    pub fn parse(json: &str) -> Result<Request> {
        serde_json::from_str(json).map_err(|e| Error::invalid("request", e.to_string()))
    }
}

fn to_value<T: serde::Serialize>(v: T) -> Result<Value> {
    serde_json::to_value(v).map_err(|e| Error::invalid("result", e.to_string()))
}

/// Runs `request` on `db` and returns its result as JSON.
pub fn execute(db: &Database, request: Request) -> Result<Value> {
    use Request as R;
    match request {
        R::Info => Ok(json!({
            "version": crate::VERSION,
            "schema_version": SCHEMA_VERSION,
            "sqlite_version": Database::sqlite_version(),
            "time_zone": db.time_zone().iana_name().unwrap_or("UTC"),
        })),
        R::CreateItem { item } => to_value(db.create_item(&item)?),
        R::UpdateItem { id, changes } => to_value(db.update_item(id, &changes)?),
        R::DeactivateItem { id } => to_value(db.deactivate_item(id)?),
        R::Item { id } => to_value(db.item(id)?),
        R::ItemBySku { sku } => to_value(db.item_by_sku(&sku)?),
        R::Items { filter } => to_value(db.items(&filter)?),
        R::CreateWarehouse { warehouse } => to_value(db.create_warehouse(&warehouse)?),
        R::UpdateWarehouse { id, changes } => to_value(db.update_warehouse(id, &changes)?),
        R::DeactivateWarehouse { id } => to_value(db.deactivate_warehouse(id)?),
        R::Warehouse { id } => to_value(db.warehouse(id)?),
        R::WarehouseByCode { code } => to_value(db.warehouse_by_code(&code)?),
        R::DefaultWarehouse => to_value(db.default_warehouse()?),
        R::Warehouses { filter } => to_value(db.warehouses(&filter)?),
        R::CreateSupplier { supplier } => to_value(db.create_supplier(&supplier)?),
        R::UpdateSupplier { id, changes } => to_value(db.update_supplier(id, &changes)?),
        R::DeactivateSupplier { id } => to_value(db.deactivate_supplier(id)?),
        R::Supplier { id } => to_value(db.supplier(id)?),
        R::Suppliers { filter } => to_value(db.suppliers(&filter)?),
        R::Post {
            movement,
            idempotency_key,
        } => to_value(db.post_with_key(&movement, idempotency_key.as_deref())?),
        R::PostBatch {
            movements,
            idempotency_key,
            summary,
        } => {
            let posted = db.post_batch_with_key(&movements, idempotency_key.as_deref())?;
            if summary {
                Ok(json!({
                    "count": posted.movements.len(),
                    "first_id": posted.movements.first().map(|m| m.id),
                    "last_id": posted.movements.last().map(|m| m.id),
                }))
            } else {
                to_value(posted)
            }
        }
        R::Stock { item, warehouse } => to_value(db.stock(item, warehouse)?),
        R::StockByWarehouse { item } => to_value(db.stock_by_warehouse(item)?),
        R::StockLevels { filter } => to_value(db.stock_levels(&filter)?),
        R::StockValue { warehouse } => to_value(db.stock_value(warehouse)?),
        R::StockAsOf {
            item,
            warehouse,
            at,
        } => to_value(db.stock_as_of(item, warehouse, at)?),
        R::Movements { filter } => to_value(db.movements(&filter)?),
        R::CreatePurchaseOrder { order } => to_value(db.create_purchase_order(&order)?),
        R::PurchaseOrder { id } => to_value(db.purchase_order(id)?),
        R::PurchaseOrders { filter } => to_value(db.purchase_orders(&filter)?),
        R::ReceivePurchase {
            order,
            receipt,
            idempotency_key,
        } => to_value(db.receive_purchase(order, &receipt, idempotency_key.as_deref())?),
        R::CancelPurchaseRemainder { order } => to_value(db.cancel_purchase_remainder(order)?),
        R::Verify => to_value(db.verify()?),
        R::StockPolicy => to_value(db.stock_policy()?),
        R::SetStockPolicy { policy } => to_value(db.set_stock_policy(policy)?),
        R::PlaceOrder {
            order,
            idempotency_key,
        } => to_value(db.place_order(&order, idempotency_key.as_deref())?),
        R::PayOrder {
            external_id,
            idempotency_key,
        } => to_value(db.pay_order(&external_id, idempotency_key.as_deref())?),
        R::FulfilOrder {
            external_id,
            lines,
            idempotency_key,
        } => to_value(db.fulfil_order(&external_id, &lines, idempotency_key.as_deref())?),
        R::CancelOrder {
            external_id,
            idempotency_key,
        } => to_value(db.cancel_order(&external_id, idempotency_key.as_deref())?),
        R::ReturnOrder {
            external_id,
            lines,
            idempotency_key,
        } => to_value(db.return_order(&external_id, &lines, idempotency_key.as_deref())?),
        R::ExpireReservations { now } => to_value(db.expire_reservations(now)?),
        R::Order { external_id } => to_value(db.order(&external_id)?),
    }
}

/// Parses and runs one JSON request.
pub fn call(db: &Database, request: &str) -> Result<Value> {
    execute(db, Request::parse(request)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_requests() {
        let db = Database::open_in_memory().unwrap();
        for bad in [
            "",
            "{",
            "[]",
            r#"{"op":"teleport"}"#,
            r#"{"op":"item"}"#,
            r#"{"op":"item","id":"1"}"#,
            r#"{"op":"item","id":1,"extra":true}"#,
            r#"{"op":"create_item","item":{"sku":"A","name":"A","colour":"red"}}"#,
            r#"{"op":"post","movement":{"kind":"receipt","item":1,"quantity":1.5,"unit_cost":"1"}}"#,
        ] {
            let err = call(&db, bad).unwrap_err();
            assert!(
                matches!(&err, Error::InvalidInput { field, .. } if field == "request"),
                "{bad}: {err}"
            );
        }
        let info = call(&db, r#"{"op":"info"}"#).unwrap();
        assert_eq!(info["schema_version"], SCHEMA_VERSION);
        assert_eq!(
            call(&db, r#"{"op":"item","id":9}"#).unwrap_err().code(),
            crate::ErrorCode::NotFound
        );
    }
}
