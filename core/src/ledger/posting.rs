//! Posting movements inside one write transaction.
//!
//! A [`Posting`] loads each item × warehouse state once, applies every
//! movement of the request to it in memory (checks, valuation), appends the
//! movement rows as it goes, and writes the balances and cost layers back
//! once at the end. The caller's transaction makes all of it atomic.
//!
//! The availability rule lives here once, in [`Posting::available`]: an
//! issue and an order's lines are checked by the same function.

use foldhash::HashMap;
use jiff::Timestamp;

use crate::decimal::Decimal;
use crate::error::{Error, Result};
use crate::items;
use crate::ledger::movement::{Movement, MovementKind, MovementRecord, Reason};
use crate::outbox::{self, EventKind};
use crate::store::{Balance, ItemRules, NewMovement, TransferLeg, ValueChange, Writes};
use crate::valuation::CostState;
use crate::warehouses;

/// Where a movement came from, beyond the caller's request.
#[derive(Clone, Debug, Default)]
pub(crate) struct Origin {
    pub purchase_line_id: Option<i64>,
    pub order_id: Option<i64>,
    pub order_event_id: Option<i64>,
}

/// Stock of one item in one warehouse, as loaded and changed in memory.
#[derive(Debug)]
pub(crate) struct StockState {
    pub cost: CostState,
    pub reserved: Decimal,
    /// The value when loaded: the warehouse's kept value moves by the
    /// difference.
    loaded_value: Decimal,
    /// Available (on hand − reserved) when loaded: the item's total before
    /// the write, for the reorder-point event.
    loaded_available: Decimal,
    dirty: bool,
    /// On hand or value moved (not only the reserved quantity): the cost
    /// layers are written back.
    cost_changed: bool,
    /// The open layers are in `cost.layers` (read only when stock comes in
    /// or goes out: a reservation never needs them).
    layers_loaded: bool,
    /// FIFO / LIFO: open layers live in `cost_layers`.
    layered: bool,
}

#[derive(Debug)]
struct WarehouseInfo {
    code: String,
    active: bool,
}

/// One incoming or outgoing line, resolved and checked.
struct Line<'a> {
    item: i64,
    warehouse: i64,
    quantity: Decimal,
    reason: Reason,
    meta: &'a Movement,
    origin: &'a Origin,
    transfer: TransferLeg,
}

pub(crate) struct Posting<'t> {
    tx: &'t dyn Writes,
    key: Option<&'t str>,
    now: Timestamp,
    items: HashMap<i64, ItemRules>,
    warehouses: HashMap<i64, WarehouseInfo>,
    default_warehouse: Option<i64>,
    states: HashMap<(i64, i64), StockState>,
}

/// What `verify` needs to value a movement again: the value that came in,
/// or the rate an issue was asked to leave at.
enum Valued {
    In { value: Decimal },
    Out { rate: Option<Decimal> },
}

impl<'t> Posting<'t> {
    pub fn new(tx: &'t dyn Writes, key: Option<&'t str>) -> Result<Posting<'t>> {
        Ok(Posting {
            tx,
            key,
            now: tx.now()?,
            items: HashMap::default(),
            warehouses: HashMap::default(),
            default_warehouse: None,
            states: HashMap::default(),
        })
    }

    /// Applies one movement request; returns the rows it appended.
    pub fn apply(&mut self, m: &Movement, origin: &Origin) -> Result<Vec<MovementRecord>> {
        let reason = m.checked_reason()?;
        let item = m.item.resolve(self.tx)?;
        self.item(item)?;
        let warehouse = match m.warehouse {
            Some(w) => w,
            None => self.default_warehouse()?,
        };
        self.warehouse(warehouse)?;
        let line = |quantity, reason, warehouse, transfer| Line {
            item,
            warehouse,
            quantity,
            reason,
            meta: m,
            origin,
            transfer,
        };
        let none = TransferLeg::None;
        match m.kind {
            MovementKind::Receipt => {
                let value = self.inbound_value(m, item, warehouse, m.quantity)?;
                Ok(vec![self.inbound(
                    line(m.quantity, reason, warehouse, none),
                    value,
                )?])
            }
            MovementKind::Issue => Ok(vec![
                self.outbound(line(m.quantity, reason, warehouse, none))?
            ]),
            MovementKind::Adjustment if m.quantity.is_positive() => {
                let value = self.inbound_value(m, item, warehouse, m.quantity)?;
                Ok(vec![self.inbound(
                    line(m.quantity, reason, warehouse, none),
                    value,
                )?])
            }
            MovementKind::Adjustment => {
                let q = m.quantity.checked_neg()?;
                Ok(vec![self.outbound(line(q, reason, warehouse, none))?])
            }
            MovementKind::Count => {
                let on_hand = self.state(item, warehouse)?.cost.on_hand;
                let diff = m.quantity.checked_sub(on_hand)?;
                if diff.is_positive() {
                    let value = self.inbound_value(m, item, warehouse, diff)?;
                    Ok(vec![
                        self.inbound(line(diff, reason, warehouse, none), value)?
                    ])
                } else if diff.is_negative() {
                    Ok(vec![self.outbound(line(
                        diff.checked_neg()?,
                        reason,
                        warehouse,
                        none,
                    ))?])
                } else {
                    Ok(vec![])
                }
            }
            MovementKind::Transfer => {
                let to = m.to_warehouse.unwrap_or_default();
                if to == warehouse {
                    return Err(Error::invalid(
                        "to_warehouse",
                        "source and destination are the same warehouse",
                    ));
                }
                self.warehouse(to)?;
                let out = self.outbound(line(
                    m.quantity,
                    Reason::TransferOut,
                    warehouse,
                    TransferLeg::Out,
                ))?;
                let carried = out.value_change.checked_neg()?;
                let inn = self.inbound(
                    line(m.quantity, Reason::TransferIn, to, TransferLeg::In(out.id)),
                    carried,
                )?;
                Ok(vec![out, inn])
            }
        }
    }

    /// Value of `quantity` coming in: at the given unit cost, or at the
    /// prevailing rate of the stock it joins.
    fn inbound_value(
        &mut self,
        m: &Movement,
        item: i64,
        warehouse: i64,
        quantity: Decimal,
    ) -> Result<Decimal> {
        Ok(match m.unit_cost {
            Some(cost) => quantity.checked_mul(cost)?,
            None => self
                .state(item, warehouse)?
                .cost
                .rate
                .checked_mul(quantity)?,
        })
    }

    fn inbound(&mut self, l: Line, value: Decimal) -> Result<MovementRecord> {
        let rules = self.item(l.item)?.clone();
        let wh_active = self.warehouse(l.warehouse)?.active;
        if l.reason != Reason::InventoryCount && (!rules.active || !wh_active) {
            let (entity, key) = if !rules.active {
                ("item", rules.sku.clone())
            } else {
                ("warehouse", self.warehouse(l.warehouse)?.code.clone())
            };
            return Err(Error::InvalidTransition {
                entity,
                key,
                state: "inactive".into(),
                action: "receive stock".into(),
            });
        }
        let id = self.tx.next_movement_id()?;
        let state = self.costed_state(l.item, l.warehouse)?;
        let change = state.cost.receive(rules.valuation, l.quantity, value, id)?;
        state.dirty = true;
        state.cost_changed = true;
        let unit_cost = value.checked_div(l.quantity)?;
        self.append(&l, l.quantity, unit_cost, change, Valued::In { value })
    }

    fn outbound(&mut self, l: Line) -> Result<MovementRecord> {
        let rules = self.item(l.item)?.clone();
        if let Shortfall::Short { available } = self.available(l.item, l.warehouse, l.quantity)? {
            let warehouse = self.warehouse(l.warehouse)?.code.clone();
            return Err(Error::NegativeStock {
                item: l.item,
                sku: rules.sku,
                warehouse,
                available,
                requested: l.quantity,
                at: None,
            });
        }
        let rate = match (l.meta.unit_cost, l.meta.against_receipt) {
            (Some(rate), _) => Some(rate),
            (None, Some(receipt)) => Some(self.receipt_rate(receipt, &l)?),
            (None, None) => None,
        };
        let state = self.costed_state(l.item, l.warehouse)?;
        let change = state.cost.issue(rules.valuation, l.quantity, rate)?;
        state.dirty = true;
        state.cost_changed = true;
        let unit_cost = change.abs().checked_div(l.quantity)?;
        let valued = Valued::Out { rate };
        let record = self.append(&l, l.quantity.checked_neg()?, unit_cost, change, valued)?;
        if l.meta.effective_at.is_some() && !rules.allow_negative {
            self.check_later_balances(&l, &record)?;
        }
        Ok(record)
    }

    /// A backdated issue must not take the stock of any later instant below
    /// zero (valuation still follows recording order: see the README).
    fn check_later_balances(&mut self, l: &Line, record: &MovementRecord) -> Result<()> {
        let Some((lowest, at)) =
            self.tx
                .lowest_balance_from(l.item, l.warehouse, record.effective_at)?
        else {
            return Ok(());
        };
        if !lowest.is_negative() {
            return Ok(());
        }
        Err(Error::NegativeStock {
            item: l.item,
            sku: self.items[&l.item].sku.clone(),
            warehouse: self.warehouses[&l.warehouse].code.clone(),
            available: lowest.checked_add(l.quantity)?,
            requested: l.quantity,
            at: Some(at),
        })
    }

    /// The unit cost that receipt movement `id` brought `l`'s item into
    /// `l`'s warehouse at: what a supplier return against it leaves at.
    fn receipt_rate(&mut self, id: i64, l: &Line) -> Result<Decimal> {
        let receipt = self
            .tx
            .movement(id)?
            .ok_or_else(|| Error::not_found("movement", id))?;
        if receipt.reason != Reason::PurchaseReceipt
            || receipt.item != l.item
            || receipt.warehouse != l.warehouse
        {
            return Err(Error::invalid(
                "against_receipt",
                format!(
                    "movement {id} is not a purchase receipt of {} into {}",
                    self.items[&l.item].sku, self.warehouses[&l.warehouse].code
                ),
            ));
        }
        Ok(receipt.unit_cost)
    }

    fn append(
        &mut self,
        l: &Line,
        quantity: Decimal,
        unit_cost: Decimal,
        value_change: Decimal,
        valued: Valued,
    ) -> Result<MovementRecord> {
        let (inbound_value, outgoing_rate) = match valued {
            Valued::In { value } => (Some(value), None),
            Valued::Out { rate } => (None, rate),
        };
        let (balance_after, value_after) = {
            let s = &self.states[&(l.item, l.warehouse)].cost;
            (s.on_hand, s.value)
        };
        let effective_at = l
            .meta
            .effective_at
            .map(crate::instant::stored)
            .unwrap_or(self.now);
        let id = self.tx.append_movement(&NewMovement {
            item: l.item,
            warehouse: l.warehouse,
            quantity,
            reason: l.reason,
            unit_cost,
            value_change,
            inbound_value,
            outgoing_rate,
            balance_after,
            value_after,
            effective_at,
            recorded_at: self.now,
            actor: l.meta.actor.as_deref(),
            reference: l.meta.reference.as_deref(),
            note: l.meta.note.as_deref(),
            idempotency_key: self.key,
            transfer: l.transfer,
            purchase_line_id: l.origin.purchase_line_id,
            order_id: l.origin.order_id,
            order_event_id: l.origin.order_event_id,
        })?;
        let transfer_id = match l.transfer {
            TransferLeg::None => None,
            TransferLeg::Out => Some(id),
            TransferLeg::In(out) => Some(out),
        };
        let record = MovementRecord {
            id,
            item: l.item,
            sku: self.items[&l.item].sku.clone(),
            warehouse: l.warehouse,
            warehouse_code: self.warehouses[&l.warehouse].code.clone(),
            quantity,
            reason: l.reason,
            unit_cost,
            value_change,
            balance_after,
            value_after,
            effective_at,
            recorded_at: self.now,
            actor: l.meta.actor.clone(),
            reference: l.meta.reference.clone(),
            note: l.meta.note.clone(),
            idempotency_key: self.key.map(str::to_owned),
            transfer_id,
            purchase_line_id: l.origin.purchase_line_id,
            order_id: l.origin.order_id,
            order_event_id: l.origin.order_event_id,
        };
        outbox::emit_movement(self.tx, &record)?;
        Ok(record)
    }

    /// Whether `quantity` more of `item` may leave `warehouse`: the one
    /// availability rule (available = on hand − reserved; refused below
    /// zero unless the item allows negative stock).
    pub fn available(&mut self, item: i64, warehouse: i64, quantity: Decimal) -> Result<Shortfall> {
        let allow_negative = self.item(item)?.allow_negative;
        let state = self.state(item, warehouse)?;
        let available = state.cost.on_hand.checked_sub(state.reserved)?;
        Ok(if !allow_negative && quantity > available {
            Shortfall::Short { available }
        } else {
            Shortfall::Enough
        })
    }

    fn item(&mut self, id: i64) -> Result<&ItemRules> {
        if !self.items.contains_key(&id) {
            let rules = items::rules(self.tx, id)?;
            self.items.insert(id, rules);
        }
        Ok(&self.items[&id])
    }

    fn warehouse(&mut self, id: i64) -> Result<&WarehouseInfo> {
        if !self.warehouses.contains_key(&id) {
            let w = warehouses::get(self.tx, id)?;
            self.warehouses.insert(
                id,
                WarehouseInfo {
                    code: w.code,
                    active: w.active,
                },
            );
        }
        Ok(&self.warehouses[&id])
    }

    fn default_warehouse(&mut self) -> Result<i64> {
        if self.default_warehouse.is_none() {
            self.default_warehouse = Some(warehouses::default_id(self.tx)?);
        }
        Ok(self.default_warehouse.unwrap_or_default())
    }

    /// Issues `quantity` of `item` from `warehouse` for `reason` (order
    /// fulfilment, sale at placing): the negative-stock rule applies.
    pub fn issue_line(
        &mut self,
        item: i64,
        warehouse: i64,
        quantity: Decimal,
        reason: Reason,
        meta: &Movement,
        origin: &Origin,
    ) -> Result<MovementRecord> {
        self.item(item)?;
        self.warehouse(warehouse)?;
        self.outbound(Line {
            item,
            warehouse,
            quantity,
            reason,
            meta,
            origin,
            transfer: TransferLeg::None,
        })
    }

    /// Brings `quantity` back in worth exactly `value` (a customer return at
    /// the cost the goods left with).
    #[allow(clippy::too_many_arguments)]
    pub fn receive_line(
        &mut self,
        item: i64,
        warehouse: i64,
        quantity: Decimal,
        value: Decimal,
        reason: Reason,
        meta: &Movement,
        origin: &Origin,
    ) -> Result<MovementRecord> {
        self.item(item)?;
        self.warehouse(warehouse)?;
        self.inbound(
            Line {
                item,
                warehouse,
                quantity,
                reason,
                meta,
                origin,
                transfer: TransferLeg::None,
            },
            value,
        )
    }

    /// Changes the reserved quantity of `item` in `warehouse` by `delta`.
    pub fn change_reserved(&mut self, item: i64, warehouse: i64, delta: Decimal) -> Result<()> {
        let state = self.state(item, warehouse)?;
        state.reserved = state.reserved.checked_add(delta)?;
        state.dirty = true;
        Ok(())
    }

    /// The SKU of `item` (checked to exist).
    pub fn sku(&mut self, item: i64) -> Result<String> {
        Ok(self.item(item)?.sku.clone())
    }

    /// Code of `warehouse` (checked to exist).
    pub fn warehouse_code(&mut self, warehouse: i64) -> Result<String> {
        Ok(self.warehouse(warehouse)?.code.clone())
    }

    /// The default warehouse's id.
    pub fn default_warehouse_id(&mut self) -> Result<i64> {
        self.default_warehouse()
    }

    /// The stock state of `item` in `warehouse`, loaded on first use.
    pub fn state(&mut self, item: i64, warehouse: i64) -> Result<&mut StockState> {
        if !self.states.contains_key(&(item, warehouse)) {
            let layered = self.item(item)?.valuation.is_layered();
            let state = load_state(self.tx, item, warehouse, layered)?;
            self.states.insert((item, warehouse), state);
        }
        Ok(self
            .states
            .get_mut(&(item, warehouse))
            .expect("state was just inserted"))
    }

    /// The stock state of `item` in `warehouse` with its open cost layers,
    /// for a movement that changes them.
    fn costed_state(&mut self, item: i64, warehouse: i64) -> Result<&mut StockState> {
        let tx = self.tx;
        let state = self.state(item, warehouse)?;
        if !state.layers_loaded {
            state.cost.layers = tx.cost_layers(item, warehouse)?;
            state.layers_loaded = true;
        }
        Ok(state)
    }

    /// Writes every changed balance and its cost layers, and the stock
    /// value of each warehouse they are in.
    ///
    /// Refuses the whole write when an item's total across warehouses, a
    /// warehouse's value or the shop's value would leave the decimal range:
    /// every later read of those totals must succeed.
    pub fn finish(self) -> Result<()> {
        let mut items = Vec::new();
        let mut value_changes: Vec<ValueChange> = Vec::new();
        for ((item, warehouse), state) in &self.states {
            if !state.dirty {
                continue;
            }
            store_state(self.tx, *item, *warehouse, state)?;
            items.push(*item);
            let change = i64::try_from(
                i128::from(state.cost.value.raw()) - i128::from(state.loaded_value.raw()),
            )
            .map_err(|_| out_of_range(format!("the value change of {}", self.items[item].sku)))?;
            if change != 0 {
                value_changes.push(ValueChange {
                    warehouse: *warehouse,
                    item: *item,
                    change,
                });
            }
        }
        items.sort_unstable();
        items.dedup();
        for item in items {
            let [on_hand, reserved, value] = self.tx.item_totals(item)?;
            for (what, total) in [
                ("on hand", on_hand),
                ("reserved", reserved),
                ("value", value),
            ] {
                if i64::try_from(total).is_err() {
                    return Err(out_of_range(format!(
                        "the {what} total of {} across its warehouses",
                        self.items[&item].sku
                    )));
                }
            }
            if let Some(point) = self.items[&item].reorder_point {
                self.reorder_alert(item, point, on_hand, reserved)?;
            }
        }
        if value_changes.is_empty() {
            return Ok(());
        }
        // Every warehouse's value and the shop's must stay in range.
        let mut kept: Vec<(i64, i128)> = self
            .tx
            .warehouse_values()?
            .into_iter()
            .map(|(w, v)| (w, i128::from(v.raw())))
            .collect();
        for c in &value_changes {
            match kept.iter_mut().find(|(w, _)| *w == c.warehouse) {
                Some((_, v)) => *v += i128::from(c.change),
                None => kept.push((c.warehouse, i128::from(c.change))),
            }
        }
        for (warehouse, after) in &kept {
            if i64::try_from(*after).is_err()
                && value_changes.iter().any(|c| c.warehouse == *warehouse)
            {
                return Err(out_of_range(format!(
                    "the stock value of warehouse {}",
                    self.warehouses[warehouse].code
                )));
            }
        }
        let shop: i128 = kept.iter().map(|(_, v)| v).sum();
        if i64::try_from(shop).is_err() {
            return Err(out_of_range("the stock value of all warehouses".into()));
        }
        self.tx.add_to_warehouse_values(&value_changes)
    }
}

impl Posting<'_> {
    /// Writes `stock_below_reorder_point` when this write took the item's
    /// available stock (all warehouses) from above `point` to at or below
    /// it: the low-stock KPI's rule, seen as it happens.
    fn reorder_alert(
        &self,
        item: i64,
        point: Decimal,
        on_hand: i128,
        reserved: i128,
    ) -> Result<()> {
        // Both fit: checked by the caller.
        let (on_hand, reserved) = (
            Decimal::from_raw(on_hand as i64),
            Decimal::from_raw(reserved as i64),
        );
        let available = on_hand.checked_sub(reserved)?;
        let mut before = available;
        for ((i, _), state) in &self.states {
            if *i == item && state.dirty {
                let now = state.cost.on_hand.checked_sub(state.reserved)?;
                before = before.checked_add(state.loaded_available.checked_sub(now)?)?;
            }
        }
        if before > point && available <= point {
            outbox::emit(
                self.tx,
                EventKind::StockBelowReorderPoint,
                &outbox::StockBelowReorderPoint {
                    item,
                    sku: &self.items[&item].sku,
                    reorder_point: point,
                    available_before: before,
                    available,
                    on_hand,
                    reserved,
                    shortfall: point.checked_sub(available)?,
                },
            )?;
        }
        Ok(())
    }
}

fn out_of_range(total: String) -> Error {
    Error::invalid(
        "quantity",
        format!(
            "this write would take {total} past {}, the largest amount Racine keeps: nothing was written",
            Decimal::MAX
        ),
    )
}

/// Whether an outgoing quantity fits what is available.
pub(crate) enum Shortfall {
    Enough,
    Short { available: Decimal },
}

fn load_state(tx: &dyn Writes, item: i64, warehouse: i64, layered: bool) -> Result<StockState> {
    let b = tx.balance(item, warehouse)?.unwrap_or_default();
    Ok(StockState {
        cost: CostState {
            on_hand: b.on_hand,
            value: b.value,
            rate: b.rate,
            layers: Default::default(),
        },
        reserved: b.reserved,
        loaded_value: b.value,
        loaded_available: b.on_hand.checked_sub(b.reserved)?,
        dirty: false,
        cost_changed: false,
        // Only FIFO / LIFO stock on hand has open layers.
        layers_loaded: !(layered && b.on_hand.is_positive()),
        layered,
    })
}

fn store_state(tx: &dyn Writes, item: i64, warehouse: i64, s: &StockState) -> Result<()> {
    let c = &s.cost;
    tx.put_balance(
        item,
        warehouse,
        &Balance {
            on_hand: c.on_hand,
            reserved: s.reserved,
            value: c.value,
            rate: c.rate,
        },
    )?;
    if s.layered && s.cost_changed {
        tx.put_cost_layers(item, warehouse, &c.layers)?;
    }
    Ok(())
}
