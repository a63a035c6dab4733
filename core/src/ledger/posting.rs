//! Posting movements inside one write transaction.
//!
//! A [`Posting`] loads each item × warehouse state once, applies every
//! movement of the request to it in memory (checks, valuation), appends the
//! movement rows as it goes, and writes the balances and cost layers back
//! once at the end. The caller's transaction makes all of it atomic.

use std::collections::HashMap;

use rusqlite::{params, Connection, OptionalExtension};

use crate::db::now_micros;
use crate::decimal::Decimal;
use crate::error::{Error, Result};
use crate::items::{self, ItemRules};
use crate::ledger::movement::{Movement, MovementKind, MovementRecord, Reason};
use crate::valuation::{decode_layers, encode_layers, CostState, ValuationMethod};
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
    dirty: bool,
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
    transfer_id: Option<i64>,
}

pub(crate) struct Posting<'t> {
    tx: &'t Connection,
    key: Option<&'t str>,
    now: i64,
    next_id: i64,
    items: HashMap<i64, ItemRules>,
    warehouses: HashMap<i64, WarehouseInfo>,
    default_warehouse: Option<i64>,
    states: HashMap<(i64, i64), StockState>,
}

impl<'t> Posting<'t> {
    pub fn new(tx: &'t Connection, key: Option<&'t str>) -> Result<Posting<'t>> {
        // We hold the write lock, so ids can be assigned here: a transfer's
        // legs can then name each other without updating a ledger row.
        let last: i64 = tx
            .prepare_cached("SELECT COALESCE(MAX(id), 0) FROM movements")?
            .query_row([], |r| r.get(0))?;
        Ok(Posting {
            tx,
            key,
            now: now_micros(),
            next_id: last + 1,
            items: HashMap::new(),
            warehouses: HashMap::new(),
            default_warehouse: None,
            states: HashMap::new(),
        })
    }

    /// Applies one movement request; returns the rows it appended.
    pub fn apply(&mut self, m: &Movement, origin: &Origin) -> Result<Vec<MovementRecord>> {
        let reason = m.checked_reason()?;
        self.item(m.item)?;
        let warehouse = match m.warehouse {
            Some(w) => w,
            None => self.default_warehouse()?,
        };
        self.warehouse(warehouse)?;
        let line = |quantity, reason, warehouse, transfer_id| Line {
            item: m.item,
            warehouse,
            quantity,
            reason,
            meta: m,
            origin,
            transfer_id,
        };
        match m.kind {
            MovementKind::Receipt => {
                let value = self.inbound_value(m, warehouse, m.quantity)?;
                Ok(vec![self.inbound(
                    line(m.quantity, reason, warehouse, None),
                    value,
                )?])
            }
            MovementKind::Issue => Ok(vec![
                self.outbound(line(m.quantity, reason, warehouse, None))?
            ]),
            MovementKind::Adjustment if m.quantity.is_positive() => {
                let value = self.inbound_value(m, warehouse, m.quantity)?;
                Ok(vec![self.inbound(
                    line(m.quantity, reason, warehouse, None),
                    value,
                )?])
            }
            MovementKind::Adjustment => {
                let q = m.quantity.checked_neg()?;
                Ok(vec![self.outbound(line(q, reason, warehouse, None))?])
            }
            MovementKind::Count => {
                let on_hand = self.state(m.item, warehouse)?.cost.on_hand;
                let diff = m.quantity.checked_sub(on_hand)?;
                if diff.is_positive() {
                    let value = self.inbound_value(m, warehouse, diff)?;
                    Ok(vec![
                        self.inbound(line(diff, reason, warehouse, None), value)?
                    ])
                } else if diff.is_negative() {
                    Ok(vec![self.outbound(line(
                        diff.checked_neg()?,
                        reason,
                        warehouse,
                        None,
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
                let transfer_id = Some(self.next_id);
                let out = self.outbound(line(
                    m.quantity,
                    Reason::TransferOut,
                    warehouse,
                    transfer_id,
                ))?;
                let carried = out.value_change.checked_neg()?;
                let inn = self.inbound(
                    line(m.quantity, Reason::TransferIn, to, transfer_id),
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
        warehouse: i64,
        quantity: Decimal,
    ) -> Result<Decimal> {
        match m.unit_cost {
            Some(cost) => quantity.checked_mul(cost),
            None => self
                .state(m.item, warehouse)?
                .cost
                .rate
                .checked_mul(quantity),
        }
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
        let state = self.state(l.item, l.warehouse)?;
        let change = state.cost.receive(rules.valuation, l.quantity, value)?;
        state.dirty = true;
        let unit_cost = value.checked_div(l.quantity)?;
        self.append(&l, l.quantity, unit_cost, change, Some(value))
    }

    fn outbound(&mut self, l: Line) -> Result<MovementRecord> {
        let rules = self.item(l.item)?.clone();
        let state = self.state(l.item, l.warehouse)?;
        let available = state.cost.on_hand.checked_sub(state.reserved)?;
        if !rules.allow_negative && l.quantity > available {
            let warehouse = self.warehouse(l.warehouse)?.code.clone();
            return Err(Error::NegativeStock {
                item: l.item,
                sku: rules.sku,
                warehouse,
                available,
                requested: l.quantity,
            });
        }
        let change = state.cost.issue(rules.valuation, l.quantity)?;
        state.dirty = true;
        let unit_cost = change.abs().checked_div(l.quantity)?;
        self.append(&l, l.quantity.checked_neg()?, unit_cost, change, None)
    }

    fn append(
        &mut self,
        l: &Line,
        quantity: Decimal,
        unit_cost: Decimal,
        value_change: Decimal,
        inbound_value: Option<Decimal>,
    ) -> Result<MovementRecord> {
        let (balance_after, value_after) = {
            let s = &self.states[&(l.item, l.warehouse)].cost;
            (s.on_hand, s.value)
        };
        let effective_at = l
            .meta
            .effective_at
            .map(|t| t.as_microsecond())
            .unwrap_or(self.now);
        let id = self.next_id;
        self.tx
            .prepare_cached(
                "INSERT INTO movements(id, item_id, warehouse_id, quantity, reason, unit_cost,
                     value_change, inbound_value, balance_after, value_after, effective_at,
                     recorded_at, actor, reference, note, idempotency_key, transfer_id,
                     purchase_line_id, order_id, order_event_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,
                         ?16, ?17, ?18, ?19, ?20)",
            )?
            .execute(params![
                id,
                l.item,
                l.warehouse,
                quantity.raw(),
                l.reason.as_str(),
                unit_cost.raw(),
                value_change.raw(),
                inbound_value.map(Decimal::raw),
                balance_after.raw(),
                value_after.raw(),
                effective_at,
                self.now,
                l.meta.actor,
                l.meta.reference,
                l.meta.note,
                self.key,
                l.transfer_id,
                l.origin.purchase_line_id,
                l.origin.order_id,
                l.origin.order_event_id,
            ])?;
        self.next_id += 1;
        Ok(MovementRecord {
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
            effective_at: crate::db::from_micros(effective_at),
            recorded_at: crate::db::from_micros(self.now),
            actor: l.meta.actor.clone(),
            reference: l.meta.reference.clone(),
            note: l.meta.note.clone(),
            idempotency_key: self.key.map(str::to_owned),
            transfer_id: l.transfer_id,
            purchase_line_id: l.origin.purchase_line_id,
            order_id: l.origin.order_id,
            order_event_id: l.origin.order_event_id,
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
            let info = self
                .tx
                .prepare_cached("SELECT code, active FROM warehouses WHERE id = ?1")?
                .query_row([id], |r| {
                    Ok(WarehouseInfo {
                        code: r.get(0)?,
                        active: r.get(1)?,
                    })
                })
                .optional()?
                .ok_or_else(|| Error::not_found("warehouse", id))?;
            self.warehouses.insert(id, info);
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
            transfer_id: None,
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
                transfer_id: None,
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

    /// Whether `item` may go below zero, and its SKU.
    pub fn item_rules(&mut self, item: i64) -> Result<(bool, String)> {
        let r = self.item(item)?;
        Ok((r.allow_negative, r.sku.clone()))
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
            let layered = self.item(item)?.valuation != ValuationMethod::MovingAverage;
            let state = load_state(self.tx, item, warehouse, layered)?;
            self.states.insert((item, warehouse), state);
        }
        Ok(self
            .states
            .get_mut(&(item, warehouse))
            .expect("state was just inserted"))
    }

    /// Writes every changed balance and its cost layers.
    pub fn finish(self) -> Result<()> {
        for ((item, warehouse), state) in &self.states {
            if state.dirty {
                store_state(self.tx, *item, *warehouse, state)?;
            }
        }
        Ok(())
    }
}

pub(crate) fn load_state(
    conn: &Connection,
    item: i64,
    warehouse: i64,
    layered: bool,
) -> Result<StockState> {
    let row: Option<(i64, i64, i64, i64)> = conn
        .prepare_cached(
            "SELECT on_hand, reserved, value, rate FROM balances
             WHERE item_id = ?1 AND warehouse_id = ?2",
        )?
        .query_row([item, warehouse], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .optional()?;
    let (on_hand, reserved, value, rate) = row.unwrap_or_default();
    let layers = if layered && on_hand > 0 {
        let blob: Option<Vec<u8>> = conn
            .prepare_cached(
                "SELECT layers FROM cost_layers WHERE item_id = ?1 AND warehouse_id = ?2",
            )?
            .query_row([item, warehouse], |r| r.get(0))
            .optional()?;
        decode_layers(&blob.unwrap_or_default())?
    } else {
        Default::default()
    };
    Ok(StockState {
        cost: CostState {
            on_hand: Decimal::from_raw(on_hand),
            value: Decimal::from_raw(value),
            rate: Decimal::from_raw(rate),
            layers,
        },
        reserved: Decimal::from_raw(reserved),
        dirty: false,
        layered,
    })
}

fn store_state(conn: &Connection, item: i64, warehouse: i64, s: &StockState) -> Result<()> {
    let c = &s.cost;
    conn.prepare_cached(
        "INSERT INTO balances(item_id, warehouse_id, on_hand, reserved, value, rate)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT(item_id, warehouse_id) DO UPDATE SET
             on_hand = excluded.on_hand, reserved = excluded.reserved,
             value = excluded.value, rate = excluded.rate",
    )?
    .execute(params![
        item,
        warehouse,
        c.on_hand.raw(),
        s.reserved.raw(),
        c.value.raw(),
        c.rate.raw()
    ])?;
    if s.layered {
        if c.layers.is_empty() {
            conn.prepare_cached(
                "DELETE FROM cost_layers WHERE item_id = ?1 AND warehouse_id = ?2",
            )?
            .execute([item, warehouse])?;
        } else {
            conn.prepare_cached(
                "INSERT INTO cost_layers(item_id, warehouse_id, layers) VALUES (?1, ?2, ?3)
                 ON CONFLICT(item_id, warehouse_id) DO UPDATE SET layers = excluded.layers",
            )?
            .execute(params![item, warehouse, encode_layers(&c.layers)])?;
        }
    }
    Ok(())
}
