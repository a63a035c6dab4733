//! Typed functions for the hot paths: one movement, a batch of movements,
//! stock on hand. Decimals are `int64_t` millionths (scale 6).

use std::ffi::c_char;

use racine_core::{Decimal, Movement, MovementKind, Reason};

use crate::boundary::{guard, non_null, optional_text, text, write_out};
use crate::db::RacineDb;
use crate::error::Failure;
use crate::status::RacineStatus;

/// Kinds of movement, for `RacineMovement.kind`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub enum RacineMovementKind {
    /// Stock in: quantity > 0 at unit_cost.
    Receipt = 1,
    /// Stock out: quantity > 0.
    Issue = 2,
    /// Signed quantity with a reason that fits its sign.
    Adjustment = 3,
    /// quantity = the counted quantity; the difference is posted.
    Count = 4,
    /// quantity > 0 from warehouse to to_warehouse.
    Transfer = 5,
}

/// Reasons, for `RacineMovement.reason` (0 = the kind's default).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub enum RacineReason {
    /// The default of the movement's kind.
    Default = 0,
    /// Goods received from a supplier.
    PurchaseReceipt = 1,
    /// Goods sold.
    Sale = 2,
    /// Goods a customer sent back.
    CustomerReturn = 3,
    /// Goods sent back to a supplier.
    SupplierReturn = 4,
    /// Difference found by counting.
    InventoryCount = 5,
    /// Broken goods.
    Breakage = 6,
    /// Lost or stolen goods.
    Loss = 7,
    /// Stock present when the ledger started.
    OpeningBalance = 8,
    /// Any other correction, explained in the note.
    ManualCorrection = 9,
}

/// One movement request. Zero-initialise it, then set what applies.
/// Text fields are UTF-8 pointer + length (NULL, 0 when absent) and are
/// only read during the call.
#[repr(C)]
pub struct RacineMovement {
    /// A `RacineMovementKind` value.
    pub kind: u32,
    /// A `RacineReason` value; 0 for the kind's default.
    pub reason: u32,
    /// Item id.
    pub item: i64,
    /// Warehouse id (the source of a transfer); 0 for the default warehouse.
    pub warehouse: i64,
    /// Destination of a transfer; 0 otherwise.
    pub to_warehouse: i64,
    /// Quantity in millionths (1 unit = 1000000).
    pub quantity: i64,
    /// Unit cost in millionths; read only when `has_unit_cost` is non-zero.
    pub unit_cost: i64,
    /// Non-zero when `unit_cost` is given.
    pub has_unit_cost: u8,
    /// Non-zero when `effective_at_us` is given (otherwise: now).
    pub has_effective_at: u8,
    /// When it happened, in microseconds since 1970-01-01 UTC.
    pub effective_at_us: i64,
    /// External reference (order number…), or NULL.
    pub reference: *const c_char,
    /// Length of `reference` in bytes.
    pub reference_len: usize,
    /// Free-text note, or NULL.
    pub note: *const c_char,
    /// Length of `note` in bytes.
    pub note_len: usize,
    /// Who did it, or NULL.
    pub actor: *const c_char,
    /// Length of `actor` in bytes.
    pub actor_len: usize,
}

/// What `racine_post` wrote: the number of movements (0 for a count that
/// matched, 2 for a transfer) and the figures of the first one (the
/// outgoing leg of a transfer), all in millionths.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct RacinePostResult {
    /// Ledger id of the first movement written (0 when none).
    pub first_movement_id: i64,
    /// How many movements were written.
    pub movement_count: u32,
    /// Signed change of stock value of the first movement.
    pub value_change: i64,
    /// On hand in its warehouse right after.
    pub balance_after: i64,
    /// Stock value in its warehouse right after.
    pub value_after: i64,
}

/// Stock of one item, in millionths.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct RacineStock {
    /// Physically present.
    pub on_hand: i64,
    /// Promised to pending reservations.
    pub reserved: i64,
    /// on_hand - reserved.
    pub available: i64,
    /// Stock value.
    pub value: i64,
}

fn kind(raw: u32) -> Result<MovementKind, Failure> {
    Ok(match raw {
        1 => MovementKind::Receipt,
        2 => MovementKind::Issue,
        3 => MovementKind::Adjustment,
        4 => MovementKind::Count,
        5 => MovementKind::Transfer,
        other => {
            return Err(invalid(
                "kind",
                format!("{other} is not a RacineMovementKind"),
            ))
        }
    })
}

fn reason(raw: u32) -> Result<Option<Reason>, Failure> {
    Ok(Some(match raw {
        0 => return Ok(None),
        1 => Reason::PurchaseReceipt,
        2 => Reason::Sale,
        3 => Reason::CustomerReturn,
        4 => Reason::SupplierReturn,
        5 => Reason::InventoryCount,
        6 => Reason::Breakage,
        7 => Reason::Loss,
        8 => Reason::OpeningBalance,
        9 => Reason::ManualCorrection,
        other => return Err(invalid("reason", format!("{other} is not a RacineReason"))),
    }))
}

fn invalid(field: &str, message: String) -> Failure {
    Failure::Core(racine_core::Error::InvalidInput {
        field: field.into(),
        message,
    })
}

fn id(raw: i64) -> Option<i64> {
    (raw != 0).then_some(raw)
}

/// Converts the C form to the core request.
///
/// # Safety
/// The text pointers of `m` follow the `RacineMovement` contract.
unsafe fn movement(m: &RacineMovement) -> Result<Movement, Failure> {
    let owned = |s: Option<&str>| s.map(str::to_owned);
    let effective_at = if m.has_effective_at != 0 {
        Some(
            racine_core::jiff::Timestamp::from_microsecond(m.effective_at_us)
                .map_err(|e| invalid("effective_at_us", e.to_string()))?,
        )
    } else {
        None
    };
    Ok(Movement {
        kind: kind(m.kind)?,
        item: m.item.into(),
        warehouse: id(m.warehouse),
        to_warehouse: id(m.to_warehouse),
        quantity: Decimal::from_raw(m.quantity),
        unit_cost: (m.has_unit_cost != 0).then_some(Decimal::from_raw(m.unit_cost)),
        // Not in the typed struct (its layout is ABI version 2): a supplier
        // return against a receipt goes through racine_call.
        against_receipt: None,
        reason: reason(m.reason)?,
        // SAFETY (three calls): the struct's text contract is the caller's.
        reference: owned(unsafe { optional_text(m.reference, m.reference_len, "reference")? }),
        note: owned(unsafe { optional_text(m.note, m.note_len, "note")? }),
        actor: owned(unsafe { optional_text(m.actor, m.actor_len, "actor")? }),
        effective_at,
    })
}

/// Posts one movement in its own transaction; refuses negative stock unless
/// the item allows it.
///
/// - `m`: the movement (required).
/// - `key`, `key_len`: optional idempotency key (NULL, 0 for none): the
///   same movement under the same key returns the first result and writes
///   nothing; another movement under it fails with
///   `RACINE_STATUS_IDEMPOTENCY_CONFLICT`.
/// - `out`: optional (NULL to ignore); written on success only.
///
/// Thread-safe.
///
/// # Safety
/// `db` NULL or live; `m` NULL or a valid `RacineMovement` whose text
/// pointers follow its contract; `key` NULL or `key_len` readable bytes;
/// `out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn racine_post(
    db: *const RacineDb,
    m: *const RacineMovement,
    key: *const c_char,
    key_len: usize,
    out: *mut RacinePostResult,
) -> RacineStatus {
    guard(|| {
        let m = non_null(m, "m")?;
        // SAFETY: non-NULL and valid per the contract above.
        let request = unsafe { movement(&*m)? };
        // SAFETY: forwarded caller contract.
        let key = unsafe { optional_text(key, key_len, "key")? };
        let posted = RacineDb::with(db, |d| Ok(d.post_with_key(&request, key)?))?;
        if !out.is_null() {
            let result = posted
                .movements
                .first()
                .map_or_else(RacinePostResult::default, |f| RacinePostResult {
                    first_movement_id: f.id,
                    movement_count: posted.movements.len() as u32,
                    value_change: f.value_change.raw(),
                    balance_after: f.balance_after.raw(),
                    value_after: f.value_after.raw(),
                });
            // SAFETY: non-NULL; writable per the contract.
            unsafe { write_out(out, result) };
        }
        Ok(())
    })
}

/// Posts `count` movements in one transaction: all of them or none. On a
/// refusal, `racine_last_error_batch_index()` names the failing entry.
///
/// - `ms`: array of `count` movements (`count` ≥ 1, ≤ 100000).
/// - `key`, `key_len`: optional idempotency key for the whole batch.
/// - `out_written`: optional; receives the number of movements written.
///
/// Thread-safe.
///
/// # Safety
/// `ms` NULL or `count` valid `RacineMovement`s; otherwise as `racine_post`.
#[no_mangle]
pub unsafe extern "C" fn racine_post_batch(
    db: *const RacineDb,
    ms: *const RacineMovement,
    count: usize,
    key: *const c_char,
    key_len: usize,
    out_written: *mut usize,
) -> RacineStatus {
    guard(|| {
        let ms = non_null(ms, "ms")?;
        if count == 0 || count > racine_core::MAX_BATCH {
            return Err(invalid(
                "count",
                format!("{count} is not between 1 and {}", racine_core::MAX_BATCH),
            ));
        }
        // SAFETY: `count` valid movements at `ms` per the contract.
        let raw = unsafe { std::slice::from_raw_parts(ms, count) };
        let mut requests = Vec::with_capacity(count);
        for (index, m) in raw.iter().enumerate() {
            // SAFETY: as above.
            let request = unsafe { movement(m) }.map_err(|f| match f {
                Failure::Core(e) => Failure::Core(racine_core::Error::InBatch {
                    index,
                    source: Box::new(e),
                }),
                other => other,
            })?;
            requests.push(request);
        }
        // SAFETY: forwarded caller contract.
        let key = unsafe { optional_text(key, key_len, "key")? };
        let posted = RacineDb::with(db, |d| Ok(d.post_batch_with_key(&requests, key)?))?;
        if !out_written.is_null() {
            // SAFETY: non-NULL; writable per the contract.
            unsafe { write_out(out_written, posted.movements.len()) };
        }
        Ok(())
    })
}

/// Stock of `item` in `warehouse` (0: across all warehouses), read from the
/// balance table (one indexed read). `out` is required. Thread-safe.
///
/// # Safety
/// `db` NULL or live; `out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn racine_stock(
    db: *const RacineDb,
    item: i64,
    warehouse: i64,
    out: *mut RacineStock,
) -> RacineStatus {
    guard(|| {
        non_null(out, "out")?;
        let level = RacineDb::with(db, |d| Ok(d.stock(item, id(warehouse))?))?;
        let stock = RacineStock {
            on_hand: level.on_hand.raw(),
            reserved: level.reserved.raw(),
            available: level.available.raw(),
            value: level.value.raw(),
        };
        // SAFETY: non-NULL; writable per the contract.
        unsafe { write_out(out, stock) };
        Ok(())
    })
}

/// Parses decimal text (`"12.5"`, `"-0.000001"`; at most 6 fractional
/// digits, no exponent) into millionths. Thread-safe.
///
/// # Safety
/// `text` NULL or `len` readable bytes; `out` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn racine_decimal_parse(
    text_ptr: *const c_char,
    len: usize,
    out: *mut i64,
) -> RacineStatus {
    guard(|| {
        non_null(out, "out")?;
        // SAFETY: forwarded caller contract.
        let s = unsafe { text(text_ptr, len, "text")? };
        let d: Decimal = s.parse().map_err(racine_core::Error::from)?;
        // SAFETY: non-NULL; writable per the contract.
        unsafe { write_out(out, d.raw()) };
        Ok(())
    })
}

/// Writes millionths as the shortest exact decimal text (`12.5`) into
/// `buf`, NUL-terminated. 32 bytes always suffice; a smaller buffer that
/// cannot hold the text fails with `RACINE_STATUS_INVALID_INPUT` and
/// writes nothing. `out_len` (optional) receives the length without the NUL.
///
/// # Safety
/// `buf` NULL or `buf_len` writable bytes; `out_len` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn racine_decimal_format(
    value: i64,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> RacineStatus {
    guard(|| {
        non_null(buf, "buf")?;
        let s = Decimal::from_raw(value).to_string();
        if s.len() + 1 > buf_len {
            return Err(invalid(
                "buf_len",
                format!("{buf_len} bytes cannot hold {} and its NUL", s.len()),
            ));
        }
        // SAFETY: `buf` has `buf_len` ≥ len + 1 writable bytes per the contract.
        unsafe {
            std::ptr::copy_nonoverlapping(s.as_ptr(), buf.cast::<u8>(), s.len());
            buf.add(s.len()).write(0);
        }
        if !out_len.is_null() {
            // SAFETY: non-NULL; writable per the contract.
            unsafe { write_out(out_len, s.len()) };
        }
        Ok(())
    })
}
