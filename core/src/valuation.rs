//! Exact stock valuation per item × warehouse: FIFO, LIFO, moving average.
//!
//! This module is pure arithmetic over a [`CostState`]; the ledger loads the
//! state from the store, applies movements here, and stores the result in
//! the same transaction. [`crate::Database::verify`] replays the ledger
//! through the same code, so posting and checking can never disagree on a
//! rule. How layers are laid out on disk is the store's business.
//!
//! Rules:
//! - A layer (FIFO/LIFO) or the single pool (moving average) keeps its exact
//!   remaining *value*, not a rounded unit cost. Taking part of it takes
//!   `value × taken / quantity`, rounded half away from zero; taking all of it
//!   takes all its value, so quantity 0 always means value exactly 0.
//! - With negative stock allowed (ERPNext's rule), the part of an issue not
//!   covered by stock leaves at the prevailing rate, and the next receipt
//!   absorbs the gap: after it, the stock is valued at the receipt's rate.
//!   A deficit that left at rate 0 (nothing had come in yet) and that a
//!   receipt only partly covers takes the receipt's rate (ERPNext's rule:
//!   −10 at 0, then +5 at 10, leaves −5 worth −50, not 0).

use std::collections::VecDeque;

use crate::closed_set::closed_set;
use crate::decimal::Decimal;
use crate::error::{Error, Result};

closed_set! {
    /// How an item's stock is valued; chosen per item.
    pub enum ValuationMethod as "valuation", default Fifo {
        /// First in, first out: issues consume the oldest receipts first.
        Fifo = "fifo",
        /// Last in, first out: issues consume the newest receipts first.
        Lifo = "lifo",
        /// Weighted moving average: one pool whose rate moves with each receipt.
        MovingAverage = "moving_average",
    }
}

impl ValuationMethod {
    /// Whether its stock is kept as receipt layers (FIFO, LIFO).
    pub(crate) fn is_layered(self) -> bool {
        self != ValuationMethod::MovingAverage
    }
}

/// One open receipt layer: what is left of it, its exact value, and the
/// movement that opened it (0 for layers opened before schema version 5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Layer {
    pub quantity: Decimal,
    pub value: Decimal,
    pub movement: i64,
}

/// Quantity, value and open layers of one item in one warehouse.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct CostState {
    pub on_hand: Decimal,
    pub value: Decimal,
    /// The prevailing valuation rate: what an uncovered issue leaves at.
    pub rate: Decimal,
    /// Open layers, oldest first (FIFO / LIFO only; empty for moving average
    /// and whenever `on_hand <= 0`).
    pub layers: VecDeque<Layer>,
}

impl CostState {
    /// Brings `quantity > 0` in, worth `value` in total, by movement
    /// `movement` (which opens a layer under FIFO / LIFO). Returns the
    /// change of stock value (equal to `value` unless a negative gap is
    /// absorbed).
    pub fn receive(
        &mut self,
        method: ValuationMethod,
        quantity: Decimal,
        value: Decimal,
        movement: i64,
    ) -> Result<Decimal> {
        debug_assert!(quantity.is_positive());
        let new_on_hand = self.on_hand.checked_add(quantity)?;
        let old_value = self.value;
        if !self.on_hand.is_negative() {
            self.on_hand = new_on_hand;
            self.value = self.value.checked_add(value)?;
            if method != ValuationMethod::MovingAverage {
                self.layers.push_back(Layer {
                    quantity,
                    value,
                    movement,
                });
            }
        } else if new_on_hand.is_positive() {
            // Covers the deficit: what remains is valued at the receipt's rate.
            let remaining_value = value.mul_div(new_on_hand, quantity)?;
            self.on_hand = new_on_hand;
            self.value = remaining_value;
            if method != ValuationMethod::MovingAverage {
                self.layers.push_back(Layer {
                    quantity: new_on_hand,
                    value: remaining_value,
                    movement,
                });
            }
        } else if new_on_hand.is_zero() {
            self.value = Decimal::ZERO;
            self.on_hand = new_on_hand;
        } else if self.value.is_zero() {
            // Still short, and the deficit left at no cost (nothing ever
            // came in): it takes the incoming rate (ERPNext's rule; Odoo
            // fixed the same case), rather than staying worth nothing.
            self.value = value.mul_div(new_on_hand, quantity)?;
            self.rate = value.checked_div(quantity)?;
            self.on_hand = new_on_hand;
        } else {
            // Still short: the deficit keeps its rate.
            self.value = self.value.mul_div(new_on_hand, self.on_hand)?;
            self.on_hand = new_on_hand;
        }
        if self.on_hand.is_positive() {
            self.rate = self.value.checked_div(self.on_hand)?;
        }
        Ok(self.value.checked_sub(old_value)?)
    }

    /// Takes `quantity > 0` out, at the valuation cost or, when `rate` is
    /// named, at that rate (a return to the supplier at the cost it came in
    /// with). Returns the change of stock value (≤ 0 for a positive rate).
    /// Refusing negative stock is the caller's job.
    ///
    /// With a named rate (ERPNext's `remove_stock(qty, outgoing_rate)`):
    /// FIFO takes first from the oldest layer at that rate, LIFO from the
    /// newest; when no layer is at that rate, the rest leaves at it and the
    /// open layers merge into one that keeps the remaining value. Under
    /// moving average the value leaves at that rate and what stays is
    /// re-averaged. An issue that empties the stock still takes all of its
    /// value (quantity 0 means value 0); one that would leave positive stock
    /// worth less than nothing is refused.
    pub fn issue(
        &mut self,
        method: ValuationMethod,
        quantity: Decimal,
        rate: Option<Decimal>,
    ) -> Result<Decimal> {
        debug_assert!(quantity.is_positive());
        let covered = if self.on_hand.is_positive() {
            quantity.min(self.on_hand)
        } else {
            Decimal::ZERO
        };
        let mut out = Decimal::ZERO;
        if covered == self.on_hand && covered.is_positive() {
            // Everything in stock leaves: all of its value leaves with it.
            out = self.value;
            self.layers.clear();
        } else if covered.is_positive() {
            out = match (method, rate) {
                (ValuationMethod::MovingAverage, None) => {
                    self.value.mul_div(covered, self.on_hand)?
                }
                (ValuationMethod::MovingAverage, Some(r)) => r.checked_mul(covered)?,
                (ValuationMethod::Fifo, None) => self.consume(covered, true)?,
                (ValuationMethod::Lifo, None) => self.consume(covered, false)?,
                (_, Some(r)) => self.consume_at(covered, r, method == ValuationMethod::Fifo)?,
            };
            if out > self.value {
                return Err(Error::invalid(
                    "unit_cost",
                    format!(
                        "issuing {covered} at {} would leave {} units worth {}: more value than the stock holds",
                        rate.unwrap_or_default(),
                        self.on_hand.checked_sub(covered)?,
                        self.value.checked_sub(out)?
                    ),
                ));
            }
        }
        let uncovered = quantity.checked_sub(covered)?;
        if uncovered.is_positive() {
            let at = rate.unwrap_or(self.rate);
            out = out.checked_add(at.checked_mul(uncovered)?)?;
        }
        self.on_hand = self.on_hand.checked_sub(quantity)?;
        self.value = if self.on_hand.is_zero() {
            Decimal::ZERO
        } else {
            self.value.checked_sub(out)?
        };
        if self.on_hand.is_positive() {
            self.rate = self.value.checked_div(self.on_hand)?;
        }
        Ok(out.checked_neg()?)
    }

    /// Consumes `quantity` (less than on hand) at the named `rate`: from
    /// layers at that rate first (oldest first when `fifo`), then, when none
    /// is left at it, from all layers merged into one.
    fn consume_at(&mut self, mut quantity: Decimal, rate: Decimal, fifo: bool) -> Result<Decimal> {
        let mut out = Decimal::ZERO;
        while quantity.is_positive() {
            let at_rate = |l: &Layer| l.value.checked_div(l.quantity).ok() == Some(rate);
            let found = if fifo {
                self.layers.iter().position(at_rate)
            } else {
                self.layers.iter().rposition(at_rate)
            };
            let Some(i) = found else {
                // No layer at that rate: the rest leaves at it, and what
                // stays becomes one layer (opened by the oldest receipt).
                let part = rate.checked_mul(quantity)?;
                let left = self.on_hand.checked_sub(quantity)?;
                let kept = self.value.checked_sub(out)?.checked_sub(part)?;
                if kept.is_negative() {
                    return Err(Error::invalid(
                        "unit_cost",
                        format!(
                            "issuing {quantity} at {rate} would leave {left} units worth {kept}: more value than the stock holds"
                        ),
                    ));
                }
                let movement = self.layers.front().map_or(0, |l| l.movement);
                self.layers.clear();
                self.layers.push_back(Layer {
                    quantity: left,
                    value: kept,
                    movement,
                });
                return Ok(out.checked_add(part)?);
            };
            let layer = &mut self.layers[i];
            if quantity >= layer.quantity {
                out = out.checked_add(layer.value)?;
                quantity = quantity.checked_sub(layer.quantity)?;
                self.layers.remove(i);
            } else {
                let part = layer.value.mul_div(quantity, layer.quantity)?;
                layer.quantity = layer.quantity.checked_sub(quantity)?;
                layer.value = layer.value.checked_sub(part)?;
                out = out.checked_add(part)?;
                quantity = Decimal::ZERO;
            }
        }
        Ok(out)
    }

    /// Consumes `quantity` from the layers, oldest first when `fifo`.
    fn consume(&mut self, mut quantity: Decimal, fifo: bool) -> Result<Decimal> {
        let mut out = Decimal::ZERO;
        while quantity.is_positive() {
            let layer = if fifo {
                self.layers.front_mut()
            } else {
                self.layers.back_mut()
            };
            let Some(layer) = layer else {
                return Err(Error::Storage {
                    reason: "stored cost layers do not cover the stock on hand (run verify)".into(),
                    source: None,
                });
            };
            if quantity >= layer.quantity {
                out = out.checked_add(layer.value)?;
                quantity = quantity.checked_sub(layer.quantity)?;
                if fifo {
                    self.layers.pop_front();
                } else {
                    self.layers.pop_back();
                }
            } else {
                let part = layer.value.mul_div(quantity, layer.quantity)?;
                layer.quantity = layer.quantity.checked_sub(quantity)?;
                layer.value = layer.value.checked_sub(part)?;
                out = out.checked_add(part)?;
                quantity = Decimal::ZERO;
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ValuationMethod::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn receive(s: &mut CostState, m: ValuationMethod, q: &str, cost: &str) -> Decimal {
        let value = d(q).checked_mul(d(cost)).unwrap();
        s.receive(m, d(q), value, 1).unwrap()
    }

    #[test]
    fn moving_average_worked_example() {
        let mut s = CostState::default();
        receive(&mut s, MovingAverage, "10", "100");
        receive(&mut s, MovingAverage, "10", "120");
        assert_eq!((s.rate, s.value), (d("110"), d("2200")));
        assert_eq!(s.issue(MovingAverage, d("5"), None).unwrap(), d("-550"));
        assert_eq!((s.on_hand, s.value), (d("15"), d("1650")));
    }

    #[test]
    fn fifo_worked_example() {
        let mut s = CostState::default();
        receive(&mut s, Fifo, "68", "15");
        receive(&mut s, Fifo, "140", "15.5");
        assert_eq!(s.issue(Fifo, d("94"), None).unwrap(), d("-1423"));
        assert_eq!((s.on_hand, s.value), (d("114"), d("1767")));
    }

    #[test]
    fn lifo_takes_newest_first() {
        let mut s = CostState::default();
        receive(&mut s, Lifo, "68", "15");
        receive(&mut s, Lifo, "140", "15.5");
        assert_eq!(s.issue(Lifo, d("150"), None).unwrap(), d("-2320"));
        assert_eq!((s.on_hand, s.value), (d("58"), d("870")));
    }

    #[test]
    fn last_unit_takes_all_remaining_value() {
        for m in [Fifo, Lifo, MovingAverage] {
            let mut s = CostState::default();
            receive(&mut s, m, "3", "1");
            s.receive(m, d("3"), d("1"), 2).unwrap(); // rate 0.333333…
            s.issue(m, d("1"), None).unwrap();
            s.issue(m, d("1"), None).unwrap();
            s.issue(m, d("4"), None).unwrap();
            assert_eq!(
                (s.on_hand, s.value),
                (Decimal::ZERO, Decimal::ZERO),
                "{m:?}"
            );
            assert!(s.layers.is_empty());
        }
    }

    #[test]
    fn negative_stock_issue_at_prevailing_rate_next_receipt_absorbs_gap() {
        for m in [Fifo, Lifo, MovingAverage] {
            let mut s = CostState::default();
            receive(&mut s, m, "10", "100");
            // 15 out of 10: 10 at 100 (1000) + 5 uncovered at 100.
            assert_eq!(s.issue(m, d("15"), None).unwrap(), d("-1500"), "{m:?}");
            assert_eq!((s.on_hand, s.value), (d("-5"), d("-500")));
            // 20 in at 120: 15 remain, valued at 120 → 1800; change absorbs the gap.
            assert_eq!(receive(&mut s, m, "20", "120"), d("2300"));
            assert_eq!((s.on_hand, s.value, s.rate), (d("15"), d("1800"), d("120")));
            // A receipt that only partly covers the deficit keeps its rate.
            s.issue(m, d("20"), None).unwrap();
            assert_eq!((s.on_hand, s.value), (d("-5"), d("-600")));
            assert_eq!(receive(&mut s, m, "2", "50"), d("240"));
            assert_eq!((s.on_hand, s.value), (d("-3"), d("-360")));
            assert_eq!(receive(&mut s, m, "3", "50"), d("360"));
            assert_eq!((s.on_hand, s.value), (Decimal::ZERO, Decimal::ZERO));
        }
    }

    /// ERPNext's remove_stock with an outgoing rate: FIFO takes from the
    /// layer at that rate first; without one, the rest leaves at the rate
    /// and the layers merge.
    #[test]
    fn an_issue_at_a_named_rate_takes_the_layer_at_that_rate() {
        let mut s = CostState::default();
        receive(&mut s, Fifo, "10", "10");
        receive(&mut s, Fifo, "10", "20");
        receive(&mut s, Fifo, "10", "10");
        // 10 at 20: the second layer, though the first is older.
        assert_eq!(s.issue(Fifo, d("10"), Some(d("20"))).unwrap(), d("-200"));
        assert_eq!(s.layers.len(), 2);
        assert_eq!((s.on_hand, s.value), (d("20"), d("200")));
        assert_eq!(s.issue(Fifo, d("2"), Some(d("15"))).unwrap(), d("-30"));
        assert_eq!(s.layers.len(), 1);
        assert_eq!(
            (s.layers[0].quantity, s.layers[0].value),
            (d("18"), d("170"))
        );
        // LIFO takes the newest layer at the rate.
        let mut l = CostState::default();
        receive(&mut l, Lifo, "5", "3");
        l.receive(Lifo, d("5"), d("35"), 2).unwrap();
        receive(&mut l, Lifo, "5", "3");
        assert_eq!(l.issue(Lifo, d("4"), Some(d("3"))).unwrap(), d("-12"));
        assert_eq!(
            l.layers.iter().map(|x| x.quantity).collect::<Vec<_>>(),
            [d("5"), d("5"), d("1")]
        );
        // Moving average: leaves at the rate, what stays re-averaged.
        let mut m = CostState::default();
        receive(&mut m, MovingAverage, "10", "10");
        receive(&mut m, MovingAverage, "10", "20");
        assert_eq!(
            m.issue(MovingAverage, d("10"), Some(d("10"))).unwrap(),
            d("-100")
        );
        assert_eq!((m.on_hand, m.value, m.rate), (d("10"), d("200"), d("20")));
        // Leaving positive stock worth less than nothing is refused.
        assert!(m.issue(MovingAverage, d("9"), Some(d("30"))).is_err());
        assert!(s.issue(Fifo, d("17"), Some(d("100"))).is_err());
        // Emptying the stock takes all its value, whatever the rate.
        assert_eq!(
            m.issue(MovingAverage, d("10"), Some(d("1"))).unwrap(),
            d("-200")
        );
        assert_eq!((m.on_hand, m.value), (Decimal::ZERO, Decimal::ZERO));
    }

    /// ERPNext's test_negative_stock_zero_rate, in every method: a deficit
    /// that never had a cost takes the rate of the receipt that partly
    /// covers it; the one that covers it values what is left at its rate.
    #[test]
    fn a_zero_rate_deficit_takes_the_incoming_rate() {
        for m in [Fifo, Lifo, MovingAverage] {
            let mut s = CostState::default();
            assert_eq!(s.issue(m, d("10"), None).unwrap(), Decimal::ZERO);
            assert_eq!((s.on_hand, s.value), (d("-10"), Decimal::ZERO));
            assert_eq!(receive(&mut s, m, "5", "10"), d("-50"), "{m:?}");
            assert_eq!((s.on_hand, s.value), (d("-5"), d("-50")));
            // The next issue leaves at that rate too.
            assert_eq!(s.issue(m, d("1"), None).unwrap(), d("-10"));
            assert_eq!(receive(&mut s, m, "10", "12"), d("108"));
            assert_eq!((s.on_hand, s.value), (d("4"), d("48")));
        }
    }
}
