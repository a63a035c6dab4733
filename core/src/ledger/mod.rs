//! The append-only stock ledger: posting movements and reading them back.

pub(crate) mod movement;
pub(crate) mod posting;
pub(crate) mod stock;

pub use movement::{Movement, MovementKind, MovementRecord, Posted, Reason};
pub(crate) use stock::stock_on;
pub use stock::{
    CostLayer, CostLayers, MovementFilter, SortOrder, StockAt, StockFilter, StockLevel,
};

use crate::database::Database;
use crate::error::{Error, Result};
use crate::store::Lock;
use posting::{Origin, Posting};

/// Largest batch accepted by [`Database::post_batch`].
pub const MAX_BATCH: usize = 100_000;

impl Database {
    /// Posts one movement in its own transaction.
    ///
    /// Refuses, writing nothing, a movement that would take available stock
    /// below zero ([`Error::NegativeStock`]) unless the item allows it.
    ///
    /// ```
    /// use racine::{Database, Error, Movement, NewItem};
    /// let db = Database::open_in_memory()?;
    /// let item = db.create_item(&NewItem::new("MUG", "Mug"))?.id;
    /// let posted = db.post(&Movement::receipt(item, "3".parse()?, "4".parse()?))?;
    /// assert_eq!(posted.movements[0].value_after.to_string(), "12");
    /// let refused = db.post(&Movement::issue(item, "5".parse()?)).unwrap_err();
    /// assert!(matches!(refused, Error::NegativeStock { .. }));
    /// # Ok::<(), racine::Error>(())
    /// ```
    pub fn post(&self, movement: &Movement) -> Result<Posted> {
        self.post_with_key(movement, None)
    }

    /// Posts one movement under an idempotency key: the same movement under
    /// the same key returns the first result and writes nothing; another
    /// movement under that key is [`Error::IdempotencyConflict`].
    ///
    /// ```
    /// use racine::{Database, Error, Movement, NewItem};
    /// let db = Database::open_in_memory()?;
    /// let item = db.create_item(&NewItem::new("MUG", "Mug"))?.id;
    /// let paid = Movement::receipt(item, "2".parse()?, "4".parse()?);
    /// let first = db.post_once(&paid, "webhook:991")?;
    /// assert_eq!(db.post_once(&paid, "webhook:991")?, first); // retried webhook: nothing new
    /// assert_eq!(db.stock(item, None)?.on_hand.to_string(), "2");
    /// let other = Movement::receipt(item, "3".parse()?, "4".parse()?);
    /// assert!(matches!(db.post_once(&other, "webhook:991"), Err(Error::IdempotencyConflict { .. })));
    /// # Ok::<(), racine::Error>(())
    /// ```
    pub fn post_once(&self, movement: &Movement, key: &str) -> Result<Posted> {
        self.post_with_key(movement, Some(key))
    }

    /// [`Database::post`] or [`Database::post_once`], by whether `key` is given.
    pub fn post_with_key(&self, movement: &Movement, key: Option<&str>) -> Result<Posted> {
        movement.checked_reason()?;
        self.write_stock_once("post", key, movement, |tx| {
            tx.lock(&[Lock::Items(&[movement.item.resolve(tx)?])])?;
            let mut posting = Posting::new(tx, key)?;
            let movements = posting.apply(movement, &Origin::default())?;
            posting.finish()?;
            Ok(Posted { movements })
        })
    }

    /// Posts several movements in one transaction: all of them or none.
    /// A refusal is [`Error::InBatch`], naming the failing entry's index.
    ///
    /// ```
    /// use racine::{Database, Error, Movement, NewItem};
    /// let db = Database::open_in_memory()?;
    /// let a = db.create_item(&NewItem::new("A", "A"))?.id;
    /// let batch = [
    ///     Movement::receipt(a, "5".parse()?, "1".parse()?),
    ///     Movement::issue(a, "6".parse()?),
    /// ];
    /// let err = db.post_batch(&batch).unwrap_err();
    /// assert!(matches!(err, Error::InBatch { index: 1, .. }));
    /// assert!(db.stock(a, None)?.on_hand.is_zero()); // the receipt was not kept
    /// # Ok::<(), racine::Error>(())
    /// ```
    pub fn post_batch(&self, movements: &[Movement]) -> Result<Posted> {
        self.post_batch_with_key(movements, None)
    }

    /// [`Database::post_batch`] under an idempotency key.
    pub fn post_batch_once(&self, movements: &[Movement], key: &str) -> Result<Posted> {
        self.post_batch_with_key(movements, Some(key))
    }

    /// [`Database::post_batch`] or [`Database::post_batch_once`], by whether
    /// `key` is given.
    pub fn post_batch_with_key(&self, movements: &[Movement], key: Option<&str>) -> Result<Posted> {
        if movements.is_empty() {
            return Err(Error::invalid(
                "movements",
                "a batch needs at least one movement",
            ));
        }
        if movements.len() > MAX_BATCH {
            return Err(Error::invalid(
                "movements",
                format!(
                    "{} movements exceed the batch limit of {MAX_BATCH}",
                    movements.len()
                ),
            ));
        }
        for (i, m) in movements.iter().enumerate() {
            m.checked_reason().map_err(|e| e.in_batch(i))?;
        }
        self.write_stock_once("post_batch", key, movements, |tx| {
            // An item that cannot be found is refused below, in its turn.
            let items: Vec<i64> = movements
                .iter()
                .filter_map(|m| m.item.resolve(tx).ok())
                .collect();
            tx.lock(&[Lock::Items(&items)])?;
            let mut posting = Posting::new(tx, key)?;
            let mut out = Vec::with_capacity(movements.len());
            let origin = Origin::default();
            for (i, m) in movements.iter().enumerate() {
                out.extend(posting.apply(m, &origin).map_err(|e| e.in_batch(i))?);
            }
            posting.finish()?;
            Ok(Posted { movements: out })
        })
    }
}
