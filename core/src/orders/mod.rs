//! Order-to-stock linkage: orders keyed by the host application's id, whose
//! events (placed, paid, fulfilled, cancelled, returned, expired) move stock
//! exactly once.
//!
//! Every event is one transaction and may carry an idempotency key (a
//! retried webhook returns the first result); an event impossible from the
//! order's state is [`Error::InvalidTransition`] and writes nothing.
//!
//! ```
//! use racine::{Database, Movement, NewItem, NewOrder, NewOrderLine, OrderStatus};
//! let db = Database::open_in_memory()?;
//! let mug = db.create_item(&NewItem::new("MUG", "Mug"))?.id;
//! db.post(&Movement::receipt(mug, "5".parse()?, "4".parse()?))?;
//! let order = NewOrder {
//!     external_id: "1042".into(), customer: Default::default(), currency: "EUR".into(),
//!     lines: vec![NewOrderLine { sku: "MUG".into(), quantity: "2".parse()?, unit_price: "9.9".parse()?, warehouse: None }],
//!     placed_at: None, expires_at: None,
//! };
//! db.place_order(&order, Some("shop:1042:placed"))?;
//! assert_eq!(db.stock(mug, None)?.available.to_string(), "3"); // reserved, not yet issued
//! let shipped = db.fulfil_order("1042", &[], Some("shop:1042:shipped"))?;
//! assert_eq!(shipped.status, OrderStatus::Fulfilled);
//! assert_eq!(db.stock(mug, None)?.on_hand.to_string(), "3");
//! # Ok::<(), racine::Error>(())
//! ```

mod model;
mod store;

use std::collections::HashMap;

use jiff::Timestamp;
use rusqlite::{params, Connection, OptionalExtension};

pub use model::{
    Customer, FulfilLine, NewOrder, NewOrderLine, Order, OrderEvent, OrderLine, OrderStatus,
    Reservation, ReturnLine, StockPolicy,
};

use crate::db::{now_micros, Database};
use crate::decimal::Decimal;
use crate::error::{Error, Result, ShortLine};
use crate::ledger::posting::{Origin, Posting};
use crate::ledger::{Movement, Reason};
use crate::text;
use model::positive;
use store::{Head, LineRow};

fn transition(head: &Head, action: impl Into<String>) -> Error {
    Error::InvalidTransition {
        entity: "order",
        key: head.external_id.clone(),
        state: head.status.as_str().into(),
        action: action.into(),
    }
}

fn policy(conn: &Connection) -> Result<StockPolicy> {
    let v: Option<String> = conn
        .prepare_cached("SELECT value FROM settings WHERE key = 'stock_policy'")?
        .query_row([], |r| r.get(0))
        .optional()?;
    Ok(v.map(|s| StockPolicy::parse(&s)).unwrap_or_default())
}

/// The movement fields (reference, time) shared by an event's movements.
fn meta(external_id: &str, at: Option<Timestamp>) -> Movement {
    let mut m = Movement::issue(0, Decimal::ONE).reference(format!("order:{external_id}"));
    m.effective_at = at;
    m
}

/// Share of the value still out with the customer that `quantity` carries.
fn value_back(line: &LineRow, quantity: Decimal) -> Result<Decimal> {
    if quantity == line.out_quantity {
        Ok(line.out_value)
    } else {
        line.out_value.mul_div(quantity, line.out_quantity)
    }
}

/// Puts `quantity` of `line` back into stock at the cost it left with.
fn restock(
    posting: &mut Posting,
    line: &mut LineRow,
    quantity: Decimal,
    meta: &Movement,
    origin: &Origin,
) -> Result<()> {
    let value = value_back(line, quantity)?;
    posting.receive_line(
        line.item,
        line.warehouse,
        quantity,
        value,
        Reason::CustomerReturn,
        meta,
        origin,
    )?;
    line.out_quantity = line.out_quantity.checked_sub(quantity)?;
    line.out_value = line.out_value.checked_sub(value)?;
    line.restocked = line.restocked.checked_add(quantity)?;
    Ok(())
}

/// Releases (or expires) every pending reservation and brings back every
/// issued quantity still out: what cancelling and expiring share.
fn unwind(
    conn: &Connection,
    posting: &mut Posting,
    head: &Head,
    resolved: &str,
    meta: &Movement,
    origin: &Origin,
) -> Result<()> {
    for r in store::pending_reservations(conn, head.id)? {
        posting.change_reserved(r.item, r.warehouse, r.pending.checked_neg()?)?;
        store::resolve_reservation(conn, r.id, Decimal::ZERO, resolved)?;
    }
    for mut line in store::lines(conn, head.id)? {
        if line.out_quantity.is_positive() {
            let q = line.out_quantity;
            restock(posting, &mut line, q, meta, origin)?;
            store::save_line(conn, &line)?;
        }
    }
    Ok(())
}

/// Index of line number `line` in `rows`, or NotFound.
fn line_index(rows: &[LineRow], external_id: &str, line: u32) -> Result<usize> {
    rows.iter()
        .position(|r| r.line_no == line)
        .ok_or_else(|| Error::not_found("order line", format!("{external_id}#{line}")))
}

/// Links the movements of an event to its order and to the event itself.
fn origin(order_id: i64, event: i64) -> Origin {
    Origin {
        order_id: Some(order_id),
        order_event_id: Some(event),
        ..Origin::default()
    }
}

fn status_of(lines: &[LineRow]) -> OrderStatus {
    if lines.iter().all(|l| l.fulfilled == l.quantity) {
        OrderStatus::Fulfilled
    } else if lines.iter().any(|l| l.fulfilled.is_positive()) {
        OrderStatus::PartiallyFulfilled
    } else {
        OrderStatus::Placed
    }
}

fn validate_order(o: &NewOrder) -> Result<()> {
    text::required("external_id", &o.external_id, 100)?;
    if o.currency.len() != 3 || !o.currency.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(Error::invalid(
            "currency",
            format!("{:?} is not an ISO 4217 code such as EUR", o.currency),
        ));
    }
    text::optional(
        "customer.external_id",
        o.customer.external_id.as_deref(),
        100,
    )?;
    text::optional("customer.email", o.customer.email.as_deref(), 254)?;
    text::optional("customer.name", o.customer.name.as_deref(), 200)?;
    if o.lines.is_empty() {
        return Err(Error::invalid("lines", "an order needs at least one line"));
    }
    if o.lines.len() > 10_000 {
        return Err(Error::invalid("lines", "an order has at most 10000 lines"));
    }
    let mut total = Decimal::ZERO;
    for (i, l) in o.lines.iter().enumerate() {
        positive(format!("lines[{i}].quantity"), l.quantity)?;
        if l.unit_price.is_negative() {
            return Err(Error::invalid(
                format!("lines[{i}].unit_price"),
                format!("{} is negative", l.unit_price),
            ));
        }
        total = total.checked_add(l.quantity.checked_mul(l.unit_price)?)?;
    }
    if let (Some(placed), Some(expires)) = (o.placed_at, o.expires_at) {
        if expires <= placed {
            return Err(Error::invalid("expires_at", "must be after placed_at"));
        }
    }
    Ok(())
}

impl Database {
    /// How placing an order touches stock in this database.
    pub fn stock_policy(&self) -> Result<StockPolicy> {
        policy(&self.lock())
    }

    /// Chooses how placing an order touches stock from now on (orders
    /// already placed keep what they did).
    pub fn set_stock_policy(&self, p: StockPolicy) -> Result<StockPolicy> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO settings(key, value) VALUES ('stock_policy', ?1)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [p.as_str()],
            )?;
            Ok(p)
        })
    }

    /// Places an order: with the `reserve` policy every line is reserved,
    /// with `decrement_on_sale` every line is issued. All lines or none: a
    /// short line fails with [`Error::ShortLines`] listing every short line.
    pub fn place_order(&self, order: &NewOrder, idempotency_key: Option<&str>) -> Result<Order> {
        validate_order(order)?;
        self.write_once("place_order", idempotency_key, order, |tx| {
            if store::exists(tx, &order.external_id)? {
                return Err(Error::AlreadyExists {
                    entity: "order",
                    key: order.external_id.clone(),
                });
            }
            let policy = policy(tx)?;
            let mut posting = Posting::new(tx, idempotency_key)?;
            let default_wh = posting.default_warehouse_id()?;

            // Resolve every line, then check them all before writing anything.
            let mut resolved = Vec::with_capacity(order.lines.len());
            let mut needed: HashMap<(i64, i64), Decimal> = HashMap::new();
            let mut short = Vec::new();
            for (i, l) in order.lines.iter().enumerate() {
                let item: i64 = tx
                    .prepare_cached("SELECT id FROM items WHERE sku = ?1")?
                    .query_row([&l.sku], |r| r.get(0))
                    .optional()?
                    .ok_or_else(|| Error::not_found("item", &l.sku))?;
                let wh = l.warehouse.unwrap_or(default_wh);
                let code = posting.warehouse_code(wh)?;
                let (allow_negative, sku) = posting.item_rules(item)?;
                let state = posting.state(item, wh)?;
                let available = state.cost.on_hand.checked_sub(state.reserved)?;
                let need = needed.entry((item, wh)).or_insert(Decimal::ZERO);
                *need = need.checked_add(l.quantity)?;
                if !allow_negative && *need > available {
                    short.push(ShortLine {
                        line: i as u32 + 1,
                        item,
                        sku,
                        warehouse: code,
                        available: available
                            .checked_sub(need.checked_sub(l.quantity)?)?
                            .max(Decimal::ZERO),
                        requested: l.quantity,
                    });
                }
                resolved.push((item, wh));
            }
            if !short.is_empty() {
                return Err(Error::ShortLines { lines: short });
            }

            let now = now_micros();
            let placed_at = order.placed_at.map_or(now, |t| t.as_microsecond());
            let expires_at = order.expires_at.map(|t| t.as_microsecond());
            let total = order.lines.iter().try_fold(Decimal::ZERO, |acc, l| {
                acc.checked_add(l.quantity.checked_mul(l.unit_price)?)
            })?;
            tx.prepare_cached(
                "INSERT INTO orders(external_id, customer_external_id, customer_email, customer_name,
                     currency, status, paid, total, placed_at, expires_at, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, 'placed', 0, ?6, ?7, ?8, ?9, ?9)",
            )?
            .execute(params![
                    order.external_id,
                    order.customer.external_id,
                    order.customer.email,
                    order.customer.name,
                    order.currency,
                    total.raw(),
                    placed_at,
                    expires_at,
                    now
                ])?;
            let order_id = tx.last_insert_rowid();
            let detail = serde_json::to_string(order).unwrap_or_default();
            let event = store::insert_event(tx, order_id, "placed", OrderStatus::Placed, idempotency_key, &detail)?;
            let origin = origin(order_id, event);
            let meta = meta(&order.external_id, order.placed_at);
            for (i, (l, (item, wh))) in order.lines.iter().zip(&resolved).enumerate() {
                let (mut out_q, mut out_v) = (Decimal::ZERO, Decimal::ZERO);
                if policy == StockPolicy::DecrementOnSale {
                    let m = posting.issue_line(*item, *wh, l.quantity, Reason::Sale, &meta, &origin)?;
                    out_q = l.quantity;
                    out_v = m.value_change.checked_neg()?;
                }
                tx.prepare_cached(
                    "INSERT INTO order_lines(order_id, line_no, item_id, warehouse_id, quantity,
                                             unit_price, out_quantity, out_value)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                )?
                .execute(params![
                    order_id,
                    i as u32 + 1,
                    item,
                    wh,
                    l.quantity.raw(),
                    l.unit_price.raw(),
                    out_q.raw(),
                    out_v.raw()
                ])?;
                if policy == StockPolicy::Reserve {
                    let line_id = tx.last_insert_rowid();
                    posting.change_reserved(*item, *wh, l.quantity)?;
                    store::insert_reservation(tx, line_id, *item, *wh, l.quantity, expires_at)?;
                }
            }
            posting.finish()?;
            store::load(tx, &order.external_id)
        })
    }

    /// Records payment. A paid order no longer expires.
    pub fn pay_order(&self, external_id: &str, idempotency_key: Option<&str>) -> Result<Order> {
        self.write_once("pay_order", idempotency_key, external_id, |tx| {
            let head = store::head(tx, external_id)?;
            if !head.status.is_open() {
                return Err(transition(&head, "pay"));
            }
            if head.paid {
                return Err(Error::InvalidTransition {
                    entity: "order",
                    key: head.external_id,
                    state: "paid".into(),
                    action: "pay again".into(),
                });
            }
            store::set_status(tx, head.id, head.status, true)?;
            store::insert_event(tx, head.id, "paid", head.status, idempotency_key, "{}")?;
            store::load(tx, external_id)
        })
    }

    /// Records shipment of `lines` (everything not yet shipped when empty).
    /// With the `reserve` policy, reservations become sale movements.
    pub fn fulfil_order(
        &self,
        external_id: &str,
        lines: &[FulfilLine],
        idempotency_key: Option<&str>,
    ) -> Result<Order> {
        for (i, l) in lines.iter().enumerate() {
            positive(format!("lines[{i}].quantity"), l.quantity)?;
        }
        let request = (external_id, lines);
        self.write_once("fulfil_order", idempotency_key, &request, |tx| {
            let head = store::head(tx, external_id)?;
            if !matches!(
                head.status,
                OrderStatus::Placed | OrderStatus::PartiallyFulfilled
            ) {
                return Err(transition(&head, "fulfil"));
            }
            let mut rows = store::lines(tx, head.id)?;
            let mut ship: Vec<(usize, Decimal)> = Vec::new();
            if lines.is_empty() {
                for (i, r) in rows.iter().enumerate() {
                    let left = r.quantity.checked_sub(r.fulfilled)?;
                    if left.is_positive() {
                        ship.push((i, left));
                    }
                }
            } else {
                for l in lines {
                    let i = line_index(&rows, external_id, l.line)?;
                    ship.push((i, l.quantity));
                }
            }
            // Check every line first: an impossible quantity writes nothing.
            let mut after: Vec<Decimal> = rows.iter().map(|r| r.fulfilled).collect();
            for (i, q) in &ship {
                after[*i] = after[*i].checked_add(*q)?;
                if after[*i] > rows[*i].quantity {
                    return Err(Error::InvalidTransition {
                        entity: "order line",
                        key: format!("{external_id}#{}", rows[*i].line_no),
                        state: format!("{} of {} fulfilled", rows[*i].fulfilled, rows[*i].quantity),
                        action: format!("fulfil {q} more"),
                    });
                }
            }
            for (row, f) in rows.iter_mut().zip(&after) {
                row.fulfilled = *f;
            }
            let status = status_of(&rows);
            let detail = serde_json::to_string(lines).unwrap_or_default();
            let event =
                store::insert_event(tx, head.id, "fulfilled", status, idempotency_key, &detail)?;
            let origin = origin(head.id, event);
            let meta = meta(external_id, None);
            let mut posting = Posting::new(tx, idempotency_key)?;
            // A line ships from stock only what was not issued yet: reserved
            // lines issue now (their reservation shrinks), lines issued at
            // placing (decrement_on_sale) issue nothing more.
            let mut pending = store::pending_reservations(tx, head.id)?;
            for (i, _) in &ship {
                let row = &mut rows[*i];
                let issued = row.out_quantity.checked_add(row.returned)?;
                let to_issue = row.fulfilled.checked_sub(issued)?;
                if !to_issue.is_positive() {
                    continue;
                }
                if let Some(r) = pending.iter_mut().find(|r| r.line_id == row.id) {
                    let take = to_issue.min(r.pending);
                    r.pending = r.pending.checked_sub(take)?;
                    posting.change_reserved(row.item, row.warehouse, take.checked_neg()?)?;
                    store::resolve_reservation(tx, r.id, r.pending, "fulfilled")?;
                }
                let m = posting.issue_line(
                    row.item,
                    row.warehouse,
                    to_issue,
                    Reason::Sale,
                    &meta,
                    &origin,
                )?;
                row.out_quantity = row.out_quantity.checked_add(to_issue)?;
                row.out_value = row.out_value.checked_add(m.value_change.checked_neg()?)?;
            }
            for row in &rows {
                store::save_line(tx, row)?;
            }
            posting.finish()?;
            store::set_status(tx, head.id, status, head.paid)?;
            store::load(tx, external_id)
        })
    }

    /// Cancels an order: pending reservations are released, and whatever
    /// was issued comes back as customer-return movements at the cost it
    /// left with.
    pub fn cancel_order(&self, external_id: &str, idempotency_key: Option<&str>) -> Result<Order> {
        self.write_once("cancel_order", idempotency_key, external_id, |tx| {
            let head = store::head(tx, external_id)?;
            if !head.status.is_open() {
                return Err(transition(&head, "cancel"));
            }
            let event = store::insert_event(
                tx,
                head.id,
                "cancelled",
                OrderStatus::Cancelled,
                idempotency_key,
                "{}",
            )?;
            let origin = origin(head.id, event);
            let mut posting = Posting::new(tx, idempotency_key)?;
            unwind(
                tx,
                &mut posting,
                &head,
                "released",
                &meta(external_id, None),
                &origin,
            )?;
            posting.finish()?;
            store::set_status(tx, head.id, OrderStatus::Cancelled, head.paid)?;
            store::load(tx, external_id)
        })
    }

    /// Records goods coming back: restocked lines return at the cost they
    /// left with; scrapped ones move no stock.
    pub fn return_order(
        &self,
        external_id: &str,
        lines: &[ReturnLine],
        idempotency_key: Option<&str>,
    ) -> Result<Order> {
        if lines.is_empty() {
            return Err(Error::invalid("lines", "a return needs at least one line"));
        }
        for (i, l) in lines.iter().enumerate() {
            positive(format!("lines[{i}].quantity"), l.quantity)?;
        }
        let request = (external_id, lines);
        self.write_once("return_order", idempotency_key, &request, |tx| {
            let head = store::head(tx, external_id)?;
            if !matches!(
                head.status,
                OrderStatus::PartiallyFulfilled | OrderStatus::Fulfilled
            ) {
                return Err(transition(&head, "take a return"));
            }
            let mut rows = store::lines(tx, head.id)?;
            let mut back: Vec<Decimal> = vec![Decimal::ZERO; rows.len()];
            let mut plan = Vec::with_capacity(lines.len());
            for l in lines {
                let i = line_index(&rows, external_id, l.line)?;
                back[i] = back[i].checked_add(l.quantity)?;
                let returnable = rows[i].fulfilled.checked_sub(rows[i].returned)?;
                if back[i] > returnable || back[i] > rows[i].out_quantity {
                    return Err(Error::InvalidTransition {
                        entity: "order line",
                        key: format!("{external_id}#{}", rows[i].line_no),
                        state: format!("{returnable} shipped and not returned"),
                        action: format!("return {}", back[i]),
                    });
                }
                plan.push((i, l));
            }
            let detail = serde_json::to_string(lines).unwrap_or_default();
            let event = store::insert_event(
                tx,
                head.id,
                "returned",
                head.status,
                idempotency_key,
                &detail,
            )?;
            let origin = origin(head.id, event);
            let meta = meta(external_id, None);
            let mut posting = Posting::new(tx, idempotency_key)?;
            for (i, l) in plan {
                let row = &mut rows[i];
                if l.restock {
                    restock(&mut posting, row, l.quantity, &meta, &origin)?;
                } else {
                    // Scrapped: it stays out of stock; its value already left at the sale.
                    let value = value_back(row, l.quantity)?;
                    row.out_quantity = row.out_quantity.checked_sub(l.quantity)?;
                    row.out_value = row.out_value.checked_sub(value)?;
                }
                row.returned = row.returned.checked_add(l.quantity)?;
            }
            for row in &rows {
                store::save_line(tx, row)?;
            }
            posting.finish()?;
            store::load(tx, external_id)
        })
    }

    /// Expires unpaid, unshipped orders whose hold ended at or before `now`:
    /// their reservations are released (and, under `decrement_on_sale`,
    /// their stock comes back). Returns the external ids expired.
    pub fn expire_reservations(&self, now: Timestamp) -> Result<Vec<String>> {
        self.write(|tx| {
            let due: Vec<String> = tx
                .prepare_cached(
                    "SELECT external_id FROM orders
                     WHERE status = 'placed' AND paid = 0 AND expires_at IS NOT NULL
                       AND expires_at <= ?1 ORDER BY id",
                )?
                .query_map([now.as_microsecond()], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            let mut posting = Posting::new(tx, None)?;
            for external_id in &due {
                let head = store::head(tx, external_id)?;
                let event =
                    store::insert_event(tx, head.id, "expired", OrderStatus::Expired, None, "{}")?;
                let origin = origin(head.id, event);
                unwind(
                    tx,
                    &mut posting,
                    &head,
                    "expired",
                    &meta(external_id, None),
                    &origin,
                )?;
                store::set_status(tx, head.id, OrderStatus::Expired, false)?;
            }
            posting.finish()?;
            Ok(due)
        })
    }

    /// The order with this external id, with its lines, reservations,
    /// movements and history.
    pub fn order(&self, external_id: &str) -> Result<Order> {
        store::load(&self.lock(), external_id)
    }
}
