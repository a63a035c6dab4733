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
//!     placed_at: None, expires_at: None, create_contact: false,
//! };
//! db.place_order(&order, Some("shop:1042:placed"))?;
//! assert_eq!(db.stock(mug, None)?.available.to_string(), "3"); // reserved, not yet issued
//! let shipped = db.fulfil_order("1042", None, Some("shop:1042:shipped"))?;
//! assert_eq!(shipped.status, OrderStatus::Fulfilled);
//! assert_eq!(db.stock(mug, None)?.on_hand.to_string(), "3");
//! # Ok::<(), racine::Error>(())
//! ```

mod model;

use std::collections::HashMap;

use jiff::Timestamp;

use crate::instant::stored;
use crate::outbox::{self, EventKind};

pub use model::{
    Customer, FulfilLine, NewOrder, NewOrderLine, Order, OrderEvent, OrderEventKind, OrderFilter,
    OrderLine, OrderStatus, Reservation, ReservationStatus, ReturnLine, StockPolicy,
};

use crate::database::Database;
use crate::decimal::Decimal;
use crate::error::{Error, Result, ShortLine};
use crate::ledger::posting::{Origin, Posting, Shortfall};
use crate::ledger::{Movement, Reason};
use crate::page::Page;
use crate::store::{
    LineState, Lock, NewLine, NewOrderEvent, NewOrderRow, OrderHead, PlacedIds, Reads, Writes,
};
use crate::text;
pub(crate) use model::{currency, positive};

fn transition(head: &OrderHead, action: impl Into<String>) -> Error {
    Error::InvalidTransition {
        entity: "order",
        key: head.external_id.clone(),
        state: head.status.as_str().into(),
        action: action.into(),
    }
}

fn head(r: &(impl Reads + ?Sized), external_id: &str) -> Result<OrderHead> {
    r.order_head(external_id)?
        .ok_or_else(|| Error::not_found("order", external_id))
}

fn lines(r: &(impl Reads + ?Sized), order_id: i64) -> Result<Vec<LineState>> {
    Ok(r.order_lines(order_id)?
        .into_iter()
        .map(|(l, _)| l)
        .collect())
}

fn policy(r: &(impl Reads + ?Sized)) -> Result<StockPolicy> {
    match r.setting("stock_policy")? {
        Some(name) => StockPolicy::from_stored(&name),
        None => Ok(StockPolicy::default()),
    }
}

/// The reference of an order's movements.
fn reference(external_id: &str) -> String {
    format!("order:{external_id}")
}

/// The movement fields (reference, time) shared by an event's movements.
fn meta(external_id: &str, at: Option<Timestamp>) -> Movement {
    let mut m = Movement::issue(0, Decimal::ONE).reference(reference(external_id));
    m.effective_at = at;
    m
}

/// Share of the value still out with the customer that `quantity` carries.
fn value_back(line: &LineState, quantity: Decimal) -> Result<Decimal> {
    if quantity == line.out_quantity {
        Ok(line.out_value)
    } else {
        Ok(line.out_value.mul_div(quantity, line.out_quantity)?)
    }
}

/// Puts `quantity` of `line` back into stock at the cost it left with.
fn restock(
    posting: &mut Posting,
    line: &mut LineState,
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
    tx: &dyn Writes,
    posting: &mut Posting,
    head: &OrderHead,
    resolved: ReservationStatus,
    meta: &Movement,
    origin: &Origin,
) -> Result<()> {
    let now = tx.now()?;
    for r in tx.pending_reservations(head.id)? {
        posting.change_reserved(r.item, r.warehouse, r.pending.checked_neg()?)?;
        tx.update_reservation(r.id, Decimal::ZERO, resolved, now)?;
    }
    for mut line in lines(tx, head.id)? {
        if line.out_quantity.is_positive() {
            let q = line.out_quantity;
            restock(posting, &mut line, q, meta, origin)?;
            tx.save_order_line(&line)?;
        }
    }
    Ok(())
}

/// Locks the order `external_id` and the stock of its lines before either
/// is read (a stock write: see `Writes::lock`); returns its head.
fn locked(tx: &dyn Writes, external_id: &str) -> Result<OrderHead> {
    tx.lock(&[Lock::OrderStock(external_id)])?;
    head(tx, external_id)
}

/// Places an order linked to its customer's contact (found, or created
/// when the order asks): what placing and replacing an order share.
fn place_for_customer(tx: &dyn Writes, order: &NewOrder, key: Option<&str>) -> Result<Order> {
    let contact = crate::crm::link_customer(tx, &order.customer, order.create_contact, key)?;
    if let (Some(c), Some(key)) = (contact, key) {
        // The stored request and result carry the customer's data.
        tx.link_personal_key(c, key)?;
    }
    place(tx, order, key, contact)
}

/// Records the payment of an open, unpaid order: its kept value becomes
/// revenue (what paying and replacing a paid order share).
fn pay(tx: &dyn Writes, head: &OrderHead, key: Option<&str>) -> Result<()> {
    let now = tx.now()?;
    let kept = kept_value(&lines(tx, head.id)?)?;
    tx.set_order_status(head.id, head.status, true, now)?;
    tx.insert_order_event(&NewOrderEvent {
        order_id: head.id,
        kind: OrderEventKind::Paid,
        status_after: head.status,
        key,
        detail: "{}",
        revenue_change: kept,
        at: now,
    })?;
    Ok(())
}

/// Cancels an open order: pending reservations released, whatever was
/// issued back as customer returns at the cost it left with, a paid
/// order's revenue reversed (what cancelling and replacing share).
fn cancel(tx: &dyn Writes, head: &OrderHead, key: Option<&str>) -> Result<()> {
    let now = tx.now()?;
    let reversed = if head.paid {
        kept_value(&lines(tx, head.id)?)?.checked_neg()?
    } else {
        Decimal::ZERO
    };
    let event = tx.insert_order_event(&NewOrderEvent {
        order_id: head.id,
        kind: OrderEventKind::Cancelled,
        status_after: OrderStatus::Cancelled,
        key,
        detail: "{}",
        revenue_change: reversed,
        at: now,
    })?;
    let origin = origin(head.id, event);
    let mut posting = Posting::new(tx, key)?;
    unwind(
        tx,
        &mut posting,
        head,
        ReservationStatus::Released,
        &meta(&head.external_id, None),
        &origin,
    )?;
    posting.finish()?;
    tx.set_order_status(head.id, OrderStatus::Cancelled, head.paid, now)
}

/// Index of line number `line` in `rows`, or NotFound.
fn line_index(rows: &[LineState], external_id: &str, line: u32) -> Result<usize> {
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

/// What the customer keeps, at the order's prices: every line's value less
/// the value of what came back. Payment recognises this as revenue, and the
/// cancellation of a paid order reverses it (`OrderEvent::revenue_change`,
/// which the top-clients KPI sums).
fn kept_value(lines: &[LineState]) -> Result<Decimal> {
    lines.iter().try_fold(Decimal::ZERO, |acc, l| {
        let kept = l
            .quantity
            .checked_mul(l.unit_price)?
            .checked_sub(l.returned.checked_mul(l.unit_price)?)?;
        Ok(acc.checked_add(kept)?)
    })
}

fn status_of(lines: &[LineState]) -> OrderStatus {
    if lines.iter().all(|l| l.fulfilled == l.quantity) {
        OrderStatus::Fulfilled
    } else if lines.iter().any(|l| l.fulfilled.is_positive()) {
        OrderStatus::PartiallyFulfilled
    } else {
        OrderStatus::Placed
    }
}

/// The whole order, as results show it.
pub(crate) fn load(r: &(impl Reads + ?Sized), external_id: &str) -> Result<Order> {
    let row = r
        .order_row(external_id)?
        .ok_or_else(|| Error::not_found("order", external_id))?;
    let mut reserved: HashMap<i64, Decimal> = HashMap::new();
    let mut reservations = Vec::new();
    for (line_id, res) in r.reservations(row.id)? {
        reserved.insert(line_id, res.pending);
        reservations.push(res);
    }
    let lines = r
        .order_lines(row.id)?
        .into_iter()
        .map(|(l, sku)| OrderLine {
            line: l.line_no,
            item: l.item,
            sku,
            warehouse: l.warehouse,
            quantity: l.quantity,
            unit_price: l.unit_price,
            reserved: reserved.get(&l.id).copied().unwrap_or_default(),
            out: l.out_quantity,
            fulfilled: l.fulfilled,
            returned: l.returned,
            restocked: l.restocked,
        })
        .collect();
    Ok(Order {
        id: row.id,
        external_id: external_id.to_string(),
        customer: row.customer,
        contact: row.contact,
        currency: row.currency,
        status: row.status,
        paid: row.paid,
        total: row.total,
        placed_at: row.placed_at,
        expires_at: row.expires_at,
        lines,
        reservations,
        movements: r.order_movement_ids(row.id, &reference(external_id))?,
        events: r.order_events(row.id)?,
    })
}

/// Places a validated order inside a write, linked to `contact`: what
/// placing an order and winning an opportunity share.
pub(crate) fn place(
    tx: &dyn Writes,
    order: &NewOrder,
    idempotency_key: Option<&str>,
    contact: Option<i64>,
) -> Result<Order> {
    validate_order(order)?;
    // The order and its items are locked before anything about them is
    // read (a stock write: see `Writes::lock`).
    let items = order
        .lines
        .iter()
        .map(|l| tx.item_id_by_sku(&l.sku))
        .collect::<Result<Vec<Option<i64>>>>()?;
    let known: Vec<i64> = items.iter().flatten().copied().collect();
    tx.lock(&[Lock::Order(&order.external_id), Lock::Items(&known)])?;
    let now = tx.now()?;
    let total = order.lines.iter().try_fold(Decimal::ZERO, |acc, l| {
        acc.checked_add(l.quantity.checked_mul(l.unit_price)?)
    })?;
    // The order's row and its event first: a taken external id is
    // refused by the store before any line is looked at.
    let placed_at = order.placed_at.map(stored).unwrap_or(now);
    let expires_at = order.expires_at.map(stored);
    let detail = serde_json::to_string(order).map_err(Error::storage)?;
    let PlacedIds {
        order: order_id,
        event,
    } = tx.insert_order(&NewOrderRow {
        external_id: &order.external_id,
        customer: &order.customer,
        contact,
        currency: &order.currency,
        total,
        placed_at,
        expires_at,
        at: now,
        key: idempotency_key,
        detail: &detail,
    })?;
    let policy = policy(tx)?;
    let mut posting = Posting::new(tx, idempotency_key)?;
    let default_wh = posting.default_warehouse_id()?;

    // Resolve every line, then check them all before writing anything.
    let mut resolved = Vec::with_capacity(order.lines.len());
    let mut needed: HashMap<(i64, i64), Decimal> = HashMap::new();
    let mut short = Vec::new();
    for (i, (l, item)) in order.lines.iter().zip(&items).enumerate() {
        let item = item.ok_or_else(|| Error::not_found("item", &l.sku))?;
        let wh = l.warehouse.unwrap_or(default_wh);
        let code = posting.warehouse_code(wh)?;
        let sku = posting.sku(item)?;
        let need = needed.entry((item, wh)).or_insert(Decimal::ZERO);
        let before = *need;
        *need = need.checked_add(l.quantity)?;
        let need = *need;
        if let Shortfall::Short { available } = posting.available(item, wh, need)? {
            short.push(ShortLine {
                line: i as u32 + 1,
                item,
                sku,
                warehouse: code,
                available: available.checked_sub(before)?.max(Decimal::ZERO),
                requested: l.quantity,
            });
        }
        resolved.push((item, wh));
    }
    if !short.is_empty() {
        return Err(Error::short(short));
    }

    let origin = origin(order_id, event);
    let meta = meta(&order.external_id, order.placed_at);
    // The result is built from what is written here, not read back.
    let mut placed = Order {
        id: order_id,
        external_id: order.external_id.clone(),
        customer: order.customer.clone(),
        contact,
        currency: order.currency.clone(),
        status: OrderStatus::Placed,
        paid: false,
        total,
        placed_at,
        expires_at,
        lines: Vec::with_capacity(order.lines.len()),
        reservations: Vec::new(),
        movements: Vec::new(),
        events: vec![OrderEvent {
            id: event,
            kind: OrderEventKind::Placed,
            status_after: OrderStatus::Placed,
            idempotency_key: idempotency_key.map(str::to_owned),
            at: now,
            revenue_change: Decimal::ZERO,
        }],
    };
    let reserve = policy == StockPolicy::Reserve;
    let mut states = Vec::with_capacity(order.lines.len());
    for (i, (l, (item, wh))) in order.lines.iter().zip(&resolved).enumerate() {
        let mut line = LineState {
            id: 0,
            line_no: i as u32 + 1,
            item: *item,
            warehouse: *wh,
            quantity: l.quantity,
            unit_price: l.unit_price,
            out_quantity: Decimal::ZERO,
            out_value: Decimal::ZERO,
            fulfilled: Decimal::ZERO,
            returned: Decimal::ZERO,
            restocked: Decimal::ZERO,
        };
        if policy == StockPolicy::DecrementOnSale {
            let m = posting.issue_line(*item, *wh, l.quantity, Reason::Sale, &meta, &origin)?;
            line.out_quantity = l.quantity;
            line.out_value = m.value_change.checked_neg()?;
            placed.movements.push(m.id);
        }
        if reserve {
            posting.change_reserved(*item, *wh, l.quantity)?;
        }
        states.push(line);
    }
    let new_lines: Vec<NewLine> = states
        .iter()
        .map(|line| NewLine { line, reserve })
        .collect();
    let reservations = tx.insert_order_lines(order_id, &new_lines, expires_at, now)?;
    for (line, reservation) in states.iter().zip(reservations) {
        if let Some(id) = reservation {
            placed.reservations.push(Reservation {
                id,
                line: line.line_no,
                quantity: line.quantity,
                pending: line.quantity,
                status: ReservationStatus::Pending,
                expires_at,
            });
        }
        placed.lines.push(OrderLine {
            line: line.line_no,
            item: line.item,
            sku: posting.sku(line.item)?,
            warehouse: line.warehouse,
            quantity: line.quantity,
            unit_price: line.unit_price,
            reserved: if reservation.is_some() {
                line.quantity
            } else {
                Decimal::ZERO
            },
            out: line.out_quantity,
            fulfilled: Decimal::ZERO,
            returned: Decimal::ZERO,
            restocked: Decimal::ZERO,
        });
    }
    posting.finish()?;
    // Debug builds (every test) check the result against the stored order.
    debug_assert_eq!(placed, load(tx, &order.external_id)?);
    applied(tx, placed)
}

/// The order as an event left it, that event written to the outbox (with
/// the lines and their warehouses' codes, for a validator to judge).
fn applied(tx: &dyn Writes, order: Order) -> Result<Order> {
    let Some(event) = order.events.last() else {
        return Ok(order);
    };
    let mut codes: Vec<(i64, String)> = Vec::new();
    let mut lines = Vec::with_capacity(order.lines.len());
    for l in &order.lines {
        let code = match codes.iter().find(|(w, _)| *w == l.warehouse) {
            Some((_, c)) => c.clone(),
            None => {
                let c = crate::warehouses::get(tx, l.warehouse)?.code;
                codes.push((l.warehouse, c.clone()));
                c
            }
        };
        lines.push(outbox::OrderEventLine {
            line: l.line,
            item: l.item,
            sku: &l.sku,
            warehouse: l.warehouse,
            warehouse_code: code,
            quantity: l.quantity,
            reserved: l.reserved,
            out: l.out,
            fulfilled: l.fulfilled,
            returned: l.returned,
        });
    }
    outbox::emit(
        tx,
        EventKind::OrderEventApplied,
        &outbox::OrderEventApplied {
            order: order.id,
            external_id: &order.external_id,
            status: order.status,
            paid: order.paid,
            event,
            lines,
        },
    )?;
    Ok(order)
}

fn validate_order(o: &NewOrder) -> Result<()> {
    text::required("external_id", &o.external_id, 100)?;
    currency("currency", &o.currency)?;
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
        self.read(|r| policy(r))
    }

    /// Chooses how placing an order touches stock from now on (orders
    /// already placed keep what they did).
    pub fn set_stock_policy(&self, p: StockPolicy) -> Result<StockPolicy> {
        self.write(|tx| {
            tx.put_setting("stock_policy", p.as_str())?;
            Ok(p)
        })
    }

    /// Places an order: with the `reserve` policy every line is reserved,
    /// with `decrement_on_sale` every line is issued. All lines or none: a
    /// short line fails with [`Error::InsufficientAvailable`] listing every
    /// short line.
    pub fn place_order(&self, order: &NewOrder, idempotency_key: Option<&str>) -> Result<Order> {
        validate_order(order)?;
        self.write_stock_once("place_order", idempotency_key, order, |tx| {
            place_for_customer(tx, order, idempotency_key)
        })
    }

    /// Records payment. A paid order no longer expires.
    pub fn pay_order(&self, external_id: &str, idempotency_key: Option<&str>) -> Result<Order> {
        self.write_stock_once("pay_order", idempotency_key, external_id, |tx| {
            tx.lock(&[Lock::Order(external_id)])?;
            let head = head(tx, external_id)?;
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
            pay(tx, &head, idempotency_key)?;
            applied(tx, load(tx, external_id)?)
        })
    }

    /// Records shipment of `lines`, or of everything not yet shipped when
    /// `lines` is `None`. An empty list is refused: it never means "all".
    /// With the `reserve` policy, reservations become sale movements.
    pub fn fulfil_order(
        &self,
        external_id: &str,
        lines: Option<&[FulfilLine]>,
        idempotency_key: Option<&str>,
    ) -> Result<Order> {
        if lines.is_some_and(<[_]>::is_empty) {
            return Err(Error::invalid(
                "lines",
                "is empty: list the lines to ship, or leave `lines` out to ship everything not yet shipped",
            ));
        }
        for (i, l) in lines.unwrap_or_default().iter().enumerate() {
            positive(format!("lines[{i}].quantity"), l.quantity)?;
        }
        let request = (external_id, lines);
        self.write_stock_once("fulfil_order", idempotency_key, &request, |tx| {
            let head = locked(tx, external_id)?;
            if !matches!(
                head.status,
                OrderStatus::Placed | OrderStatus::PartiallyFulfilled
            ) {
                return Err(transition(&head, "fulfil"));
            }
            let mut rows = self::lines(tx, head.id)?;
            let mut ship: Vec<(usize, Decimal)> = Vec::new();
            match lines {
                None => {
                    for (i, r) in rows.iter().enumerate() {
                        let left = r.quantity.checked_sub(r.fulfilled)?;
                        if left.is_positive() {
                            ship.push((i, left));
                        }
                    }
                }
                Some(lines) => {
                    for l in lines {
                        let i = line_index(&rows, external_id, l.line)?;
                        ship.push((i, l.quantity));
                    }
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
            let now = tx.now()?;
            // The event records what shipped, also when "everything" was asked.
            let shipped: Vec<FulfilLine> = ship
                .iter()
                .map(|(i, q)| FulfilLine {
                    line: rows[*i].line_no,
                    quantity: *q,
                })
                .collect();
            let detail = serde_json::to_string(&shipped).map_err(Error::storage)?;
            let event = tx.insert_order_event(&NewOrderEvent {
                order_id: head.id,
                kind: OrderEventKind::Fulfilled,
                status_after: status,
                key: idempotency_key,
                detail: &detail,
                revenue_change: Decimal::ZERO,
                at: now,
            })?;
            let origin = origin(head.id, event);
            let meta = meta(external_id, None);
            let mut posting = Posting::new(tx, idempotency_key)?;
            // A line ships from stock only what was not issued yet: reserved
            // lines issue now (their reservation shrinks), lines issued at
            // placing (decrement_on_sale) issue nothing more.
            let mut pending = tx.pending_reservations(head.id)?;
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
                    let status = if r.pending.is_zero() {
                        ReservationStatus::Fulfilled
                    } else {
                        ReservationStatus::Pending
                    };
                    tx.update_reservation(r.id, r.pending, status, now)?;
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
                tx.save_order_line(row)?;
            }
            posting.finish()?;
            tx.set_order_status(head.id, status, head.paid, now)?;
            applied(tx, load(tx, external_id)?)
        })
    }

    /// Cancels an order: pending reservations are released, and whatever
    /// was issued comes back as customer-return movements at the cost it
    /// left with.
    pub fn cancel_order(&self, external_id: &str, idempotency_key: Option<&str>) -> Result<Order> {
        self.write_stock_once("cancel_order", idempotency_key, external_id, |tx| {
            let head = locked(tx, external_id)?;
            if !head.status.is_open() {
                return Err(transition(&head, "cancel"));
            }
            cancel(tx, &head, idempotency_key)?;
            applied(tx, load(tx, external_id)?)
        })
    }

    /// Replaces an order nothing of which has shipped by a new one, in one
    /// transaction: the old order is cancelled (its reservations released,
    /// or with `decrement_on_sale` its goods back at the cost they left
    /// with) and `order` is placed under its own external id, its lines
    /// checked against the stock the old one freed. A paid order's
    /// replacement is paid. A short replacement refuses the whole: the old
    /// order stays as it was. Returns the replacement.
    ///
    /// What an application calls when a customer edits an order after
    /// placing it.
    pub fn replace_order(
        &self,
        external_id: &str,
        order: &NewOrder,
        idempotency_key: Option<&str>,
    ) -> Result<Order> {
        validate_order(order)?;
        let request = (external_id, order);
        self.write_once("replace_order", idempotency_key, &request, |tx| {
            let old = head(tx, external_id)?;
            // Placed is the only state with nothing shipped or returned:
            // what shipped is a return or a new order, not an edit.
            if old.status != OrderStatus::Placed {
                return Err(transition(&old, "replace"));
            }
            // The key names the replacement, as the result shows it: the
            // old order's cancellation is written without it (the key's
            // record still stops a replay of both).
            cancel(tx, &old, None)?;
            applied(tx, load(tx, external_id)?)?;
            let placed = place_for_customer(tx, order, idempotency_key)?;
            if !old.paid {
                return Ok(placed);
            }
            let new = head(tx, &order.external_id)?;
            pay(tx, &new, idempotency_key)?;
            applied(tx, load(tx, &order.external_id)?)
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
        self.write_stock_once("return_order", idempotency_key, &request, |tx| {
            let head = locked(tx, external_id)?;
            if !matches!(
                head.status,
                OrderStatus::PartiallyFulfilled | OrderStatus::Fulfilled
            ) {
                return Err(transition(&head, "take a return"));
            }
            let mut rows = self::lines(tx, head.id)?;
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
            let detail = serde_json::to_string(lines).map_err(Error::storage)?;
            let mut reversed = Decimal::ZERO;
            if head.paid {
                for (i, l) in &plan {
                    reversed =
                        reversed.checked_sub(l.quantity.checked_mul(rows[*i].unit_price)?)?;
                }
            }
            let event = tx.insert_order_event(&NewOrderEvent {
                order_id: head.id,
                kind: OrderEventKind::Returned,
                status_after: head.status,
                key: idempotency_key,
                detail: &detail,
                revenue_change: reversed,
                at: tx.now()?,
            })?;
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
                tx.save_order_line(row)?;
            }
            posting.finish()?;
            applied(tx, load(tx, external_id)?)
        })
    }

    /// Expires unpaid, unshipped orders whose hold ended at or before `now`:
    /// their reservations are released (and, under `decrement_on_sale`,
    /// their stock comes back). Returns the external ids expired.
    pub fn expire_reservations(&self, now: Timestamp) -> Result<Vec<String>> {
        self.write(|tx| {
            let due = tx.expired_order_ids(now)?;
            let mut posting = Posting::new(tx, None)?;
            let at = tx.now()?;
            for external_id in &due {
                let head = head(tx, external_id)?;
                // Only unpaid orders expire: no revenue was recognised.
                let event = tx.insert_order_event(&NewOrderEvent {
                    order_id: head.id,
                    kind: OrderEventKind::Expired,
                    status_after: OrderStatus::Expired,
                    key: None,
                    detail: "{}",
                    revenue_change: Decimal::ZERO,
                    at,
                })?;
                let origin = origin(head.id, event);
                unwind(
                    tx,
                    &mut posting,
                    &head,
                    ReservationStatus::Expired,
                    &meta(external_id, None),
                    &origin,
                )?;
                tx.set_order_status(head.id, OrderStatus::Expired, false, at)?;
            }
            posting.finish()?;
            for external_id in &due {
                applied(tx, load(tx, external_id)?)?;
            }
            Ok(due)
        })
    }

    /// The order with this external id, with its lines, reservations,
    /// movements and history.
    pub fn order(&self, external_id: &str) -> Result<Order> {
        self.read(|r| load(r, external_id))
    }

    /// Orders matching the filter, by Racine's id, one page at a time.
    pub fn orders(&self, filter: &OrderFilter) -> Result<Page<Order>> {
        self.read(|r| list(r, filter))
    }
}

/// One page of [`Database::orders`], read on `r`.
pub(crate) fn list(r: &dyn Reads, filter: &OrderFilter) -> Result<Page<Order>> {
    let limit = filter.page.limit()?;
    let rows = r
        .order_external_ids(filter, limit + 1)?
        .iter()
        .map(|id| load(r, id))
        .collect::<Result<Vec<_>>>()?;
    Ok(Page::from_rows(rows, limit, |o| o.id))
}
