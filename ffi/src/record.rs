//! `kp_record` (the values one assessed unit reports, typed, for scoring without JSON) and
//! `kp_item` (one item of a list-of-items input). Setters store values the way the core's
//! `Record::set` does: whether a value suits its input's declared type is checked when the record
//! is scored, and every problem of the record is reported together then.

use std::ffi::c_char;
use std::sync::Arc;

use kaoping_core::{Item, Record, Value, num};
use rust_decimal::Decimal;

use crate::boundary::{Failure, Handle, Out, borrow, borrow_mut, c_str, free, guard, into_raw, status_only};
use crate::rulebook::{Book, KP_INPUT_ITEMS, KP_INPUT_NUMBERS, kp_rulebook};
use crate::status::kp_status;

/// A record: one slot per input of the rulebook it was made for. Owned by the caller; one thread
/// at a time. It stays valid after its rulebook is freed. Reuse it with `kp_record_clear`.
pub struct kp_record {
    _private: [u8; 0],
}

/// One item of an items input (e.g. one award of a school): named fields. Owned by the caller.
pub struct kp_item {
    _private: [u8; 0],
}

/// The value behind a `kp_record`.
#[derive(Clone, Debug)]
pub struct KpRecord {
    /// The rulebook it was made for (kept alive by the record).
    pub book: Arc<Book>,
    /// The values.
    pub record: Record,
}

impl Handle for kp_record {
    type Inner = KpRecord;
}

impl Handle for kp_item {
    type Inner = Item;
}

/// Read a decimal given as text, the way the core reads record cells: "12.5", "-3", "1e2",
/// full-width digits; never through a double.
fn decimal(text: &str, arg: &str) -> Result<Decimal, Failure> {
    num::parse_decimal_text(text)
        .map_err(|e| Failure::new(kp_status::KP_INVALID_NUMBER, format!("`{arg}` = {text:?}: {e}")))
}

fn unknown_field(field: &str) -> Failure {
    Failure::new(
        kp_status::KP_UNKNOWN_FIELD,
        format!("`{field}` is not an input of the rulebook (ignored; the result warns about it)"),
    )
}

/// Set `field` on `rec`; an unknown field is remembered by the record (a warning in the result).
fn set(
    rec: *mut kp_record,
    field: *const c_char,
    value: impl FnOnce() -> Result<Value, Failure>,
) -> kp_status {
    status_only(|| {
        let rec = borrow_mut::<kp_record>(rec, "rec")?;
        let field = c_str(field, "field")?;
        let value = value()?;
        if rec.record.set(field, value) { Ok(()) } else { Err(unknown_field(field)) }
    })
}

/// A new, empty record for `rb`. Free it with `kp_record_free`.
#[unsafe(no_mangle)]
pub extern "C" fn kp_record_new(rb: *const kp_rulebook, out: *mut *mut kp_record) -> kp_status {
    status_only(|| {
        let book = borrow::<kp_rulebook>(rb, "rb")?;
        let out = Out::new(out, "out")?;
        out.set(into_raw::<kp_record>(KpRecord { book: book.clone(), record: book.rb.record() }));
        Ok(())
    })
}

/// Set a decimal input from its text (NUL-terminated, e.g. "12.5"): exact, never through a double.
/// `KP_INVALID_NUMBER` when the text is not a decimal kaoping can hold (nothing is set);
/// `KP_UNKNOWN_FIELD` when `field` is not an input.
#[unsafe(no_mangle)]
pub extern "C" fn kp_record_set_decimal(
    rec: *mut kp_record,
    field: *const c_char,
    value: *const c_char,
) -> kp_status {
    set(rec, field, || Ok(Value::Decimal(decimal(c_str(value, "value")?, "value")?)))
}

/// Set a decimal input from a double, read through its shortest round-trip text (0.1 is 0.1, not
/// 0.1000000000000000055…). `KP_INVALID_NUMBER` for NaN, infinities and values a decimal cannot
/// hold (nothing is set). Prefer `kp_record_set_decimal` when the value exists as text.
#[unsafe(no_mangle)]
pub extern "C" fn kp_record_set_double(rec: *mut kp_record, field: *const c_char, value: f64) -> kp_status {
    set(rec, field, || {
        num::decimal_from_f64(value)
            .map(Value::Decimal)
            .map_err(|e| Failure::new(kp_status::KP_INVALID_NUMBER, format!("`value` = {value}: {e}")))
    })
}

/// Set an integer input (or a decimal one: whole numbers are decimals too).
#[unsafe(no_mangle)]
pub extern "C" fn kp_record_set_int(rec: *mut kp_record, field: *const c_char, value: i64) -> kp_status {
    set(rec, field, || Ok(Value::Integer(value)))
}

/// Set a boolean input.
#[unsafe(no_mangle)]
pub extern "C" fn kp_record_set_bool(rec: *mut kp_record, field: *const c_char, value: bool) -> kp_status {
    set(rec, field, || Ok(Value::Bool(value)))
}

/// Set an input to text (NUL-terminated, UTF-8). For a text input this is its value; for a
/// number or boolean input the text is read by the input's type when the record is scored, as a
/// spreadsheet cell would be ("１２．５", "是").
#[unsafe(no_mangle)]
pub extern "C" fn kp_record_set_text(
    rec: *mut kp_record,
    field: *const c_char,
    value: *const c_char,
) -> kp_status {
    set(rec, field, || Ok(Value::Text(c_str(value, "value")?.to_owned())))
}

/// Set an input from a spreadsheet cell (NUL-terminated, UTF-8), as CSV import does: a blank cell
/// is missing; a numbers cell holds several marks separated by `;`, `；`, `、`, `|` or spaces; other
/// cells are read by the input's type when the record is scored.
#[unsafe(no_mangle)]
pub extern "C" fn kp_record_set_cell(
    rec: *mut kp_record,
    field: *const c_char,
    cell: *const c_char,
) -> kp_status {
    status_only(|| {
        let rec = borrow_mut::<kp_record>(rec, "rec")?;
        let field = c_str(field, "field")?;
        let cell = c_str(cell, "cell")?;
        if rec.record.set_cell(field, cell) { Ok(()) } else { Err(unknown_field(field)) }
    })
}

/// Set a list input (numbers or items) to the empty list, replacing what it held: a panel that
/// sat with no marks is not the same as marks that were not reported (missing).
/// `kp_record_add_number` and `kp_record_add_item` then append. `KP_WRONG_TYPE` when the input is
/// not a list.
#[unsafe(no_mangle)]
pub extern "C" fn kp_record_start_list(rec: *mut kp_record, field: *const c_char) -> kp_status {
    status_only(|| {
        let rec = borrow_mut::<kp_record>(rec, "rec")?;
        let field = c_str(field, "field")?;
        let Some(index) = rec.book.rb.input_index(field) else {
            rec.record.set(field, Value::Numbers(Vec::new()));
            return Err(unknown_field(field));
        };
        let empty = match rec.book.input_type(index) {
            KP_INPUT_NUMBERS => Value::Numbers(Vec::new()),
            KP_INPUT_ITEMS => Value::Items(Vec::new()),
            _ => {
                return Err(Failure::new(kp_status::KP_WRONG_TYPE, format!("input `{field}` is not a list")));
            }
        };
        rec.record.set_at(index, empty);
        Ok(())
    })
}

/// Append a mark (a decimal as text, NUL-terminated) to a numbers input such as a panel's marks;
/// the first call starts the list. `KP_WRONG_TYPE` when the input is not a list of numbers,
/// `KP_INVALID_NUMBER` when the text is not a decimal (nothing is added).
#[unsafe(no_mangle)]
pub extern "C" fn kp_record_add_number(
    rec: *mut kp_record,
    field: *const c_char,
    value: *const c_char,
) -> kp_status {
    status_only(|| {
        let rec = borrow_mut::<kp_record>(rec, "rec")?;
        let field = c_str(field, "field")?;
        let mark = decimal(c_str(value, "value")?, "value")?;
        let Some(index) = rec.book.rb.input_index(field) else {
            rec.record.set(field, Value::Numbers(vec![mark]));
            return Err(unknown_field(field));
        };
        if rec.book.input_type(index) != KP_INPUT_NUMBERS {
            return Err(Failure::new(
                kp_status::KP_WRONG_TYPE,
                format!("input `{field}` is not a list of numbers"),
            ));
        }
        let marks = match rec.record.get(field) {
            Some(Value::Numbers(marks)) => {
                let mut marks = marks.clone();
                marks.push(mark);
                marks
            }
            _ => vec![mark],
        };
        rec.record.set_at(index, Value::Numbers(marks));
        Ok(())
    })
}

/// Append a copy of `item` to an items input; the first call starts the list. `item` stays the
/// caller's (free it, or reuse it). `KP_WRONG_TYPE` when the input is not a list of items.
#[unsafe(no_mangle)]
pub extern "C" fn kp_record_add_item(
    rec: *mut kp_record,
    field: *const c_char,
    item: *const kp_item,
) -> kp_status {
    status_only(|| {
        let rec = borrow_mut::<kp_record>(rec, "rec")?;
        let field = c_str(field, "field")?;
        let item = borrow::<kp_item>(item, "item")?;
        let Some(index) = rec.book.rb.input_index(field) else {
            rec.record.push_item(field, item.clone());
            return Err(unknown_field(field));
        };
        if rec.book.input_type(index) != KP_INPUT_ITEMS {
            return Err(Failure::new(
                kp_status::KP_WRONG_TYPE,
                format!("input `{field}` is not a list of items"),
            ));
        }
        rec.record.push_item(field, item.clone());
        Ok(())
    })
}

/// Remove an input's value: it becomes missing. `KP_UNKNOWN_FIELD` when `field` is not an input.
#[unsafe(no_mangle)]
pub extern "C" fn kp_record_unset(rec: *mut kp_record, field: *const c_char) -> kp_status {
    status_only(|| {
        let rec = borrow_mut::<kp_record>(rec, "rec")?;
        let field = c_str(field, "field")?;
        if rec.book.rb.input_index(field).is_none() {
            return Err(unknown_field(field));
        }
        rec.record.unset(field);
        Ok(())
    })
}

/// Remove every value (and remembered unknown field), so the record can be filled again for the
/// next unit without a new allocation per record.
#[unsafe(no_mangle)]
pub extern "C" fn kp_record_clear(rec: *mut kp_record) -> kp_status {
    status_only(|| {
        let rec = borrow_mut::<kp_record>(rec, "rec")?;
        rec.record = rec.book.rb.record();
        Ok(())
    })
}

/// Free a record. NULL is a no-op.
#[unsafe(no_mangle)]
pub extern "C" fn kp_record_free(rec: *mut kp_record) {
    guard(|| free(rec))
}

/// A new, empty item. Free it with `kp_item_free`.
#[unsafe(no_mangle)]
pub extern "C" fn kp_item_new(out: *mut *mut kp_item) -> kp_status {
    status_only(|| {
        let out = Out::new(out, "out")?;
        out.set(into_raw::<kp_item>(Item::new()));
        Ok(())
    })
}

fn item_set(
    item: *mut kp_item,
    field: *const c_char,
    value: impl FnOnce() -> Result<Value, Failure>,
) -> kp_status {
    status_only(|| {
        let item = borrow_mut::<kp_item>(item, "item")?;
        let field = c_str(field, "field")?;
        let value = value()?;
        item.set(field, value);
        Ok(())
    })
}

/// Set an item field to a decimal given as text. `KP_INVALID_NUMBER` when it does not read.
#[unsafe(no_mangle)]
pub extern "C" fn kp_item_set_decimal(
    item: *mut kp_item,
    field: *const c_char,
    value: *const c_char,
) -> kp_status {
    item_set(item, field, || Ok(Value::Decimal(decimal(c_str(value, "value")?, "value")?)))
}

/// Set an item field to an integer.
#[unsafe(no_mangle)]
pub extern "C" fn kp_item_set_int(item: *mut kp_item, field: *const c_char, value: i64) -> kp_status {
    item_set(item, field, || Ok(Value::Integer(value)))
}

/// Set an item field to a boolean.
#[unsafe(no_mangle)]
pub extern "C" fn kp_item_set_bool(item: *mut kp_item, field: *const c_char, value: bool) -> kp_status {
    item_set(item, field, || Ok(Value::Bool(value)))
}

/// Set an item field to text (read by the field's type when scored, like `kp_record_set_text`).
#[unsafe(no_mangle)]
pub extern "C" fn kp_item_set_text(
    item: *mut kp_item,
    field: *const c_char,
    value: *const c_char,
) -> kp_status {
    item_set(item, field, || Ok(Value::Text(c_str(value, "value")?.to_owned())))
}

/// Free an item. NULL is a no-op.
#[unsafe(no_mangle)]
pub extern "C" fn kp_item_free(item: *mut kp_item) {
    guard(|| free(item))
}
