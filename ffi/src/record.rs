//! `kp_record` (the values one assessed unit reports, typed, for scoring without JSON) and
//! `kp_item` (one item of a list-of-items input; for items scored by another rulebook, spec
//! §18.2, an item may hold lists itself: a village's households).
//!
//! Setters are as forgiving as the CSV reader about names and as strict as the scorer about types:
//! a field is an input's name or its label (the CSV header 户籍人口 names `population`); a value the
//! input's declared type can never take (a boolean for an integer input, 2.5 for an integer, a
//! number for a text input) is refused at once with `KP_WRONG_TYPE` and nothing is set. Text set on
//! a number or boolean input is read by the input's type when scored, as a CSV cell is; ranges and
//! allowed values are checked then too, with every problem of the record reported together.
//! Strings arrive as UTF-8 unless the record (or item) was given another encoding (GB18030).

use std::borrow::Cow;
use std::ffi::c_char;
use std::sync::Arc;

use kaoping_core::table::Encoding;
use kaoping_core::{Item, Record, Value, num};
use rust_decimal::Decimal;

use crate::boundary::{
    Failure, Handle, Out, borrow, borrow_mut, c_str_in, free, guard, into_raw, status_only,
};
use crate::options::{encoding_of, kp_encoding};
use crate::rulebook::{
    Book, InputSlot, KP_INPUT_BOOLEAN, KP_INPUT_DECIMAL, KP_INPUT_INTEGER, KP_INPUT_ITEMS, KP_INPUT_NUMBERS,
    KP_INPUT_TEXT, kp_input_type, kp_rulebook,
};
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
    /// How the setters' strings are encoded (`None`: detected per string).
    encoding: Option<Encoding>,
}

/// The value behind a `kp_item`.
#[derive(Clone, Debug)]
pub struct KpItem {
    /// The fields.
    data: ItemData,
    /// How the setters' strings are encoded (`None`: detected per string).
    encoding: Option<Encoding>,
}

/// How deep items may hold items (a county's villages' households is 2): deeper is refused, so
/// that building, copying and freeing an item never recurses without bound.
const MAX_ITEM_DEPTH: usize = 32;

/// An item's fields as the setters leave them; made into the core's [`Item`] when the item is
/// added to a record, where the field types are known.
#[derive(Clone, Debug, Default)]
struct ItemData {
    fields: Vec<(String, Field)>,
    /// The levels of items inside it (0: none).
    depth: usize,
}

/// One field of an item being built.
#[derive(Clone, Debug)]
enum Field {
    /// A value.
    Value(Value),
    /// A list started with `kp_item_start_list` and given nothing yet: marks or items, as the
    /// field is declared.
    Empty,
    /// Marks of a numbers field.
    Marks(Vec<Decimal>),
    /// Items of an items field.
    Items(Vec<ItemData>),
}

impl ItemData {
    fn set(&mut self, name: &str, field: Field) {
        match self.fields.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = field,
            None => self.fields.push((name.to_owned(), field)),
        }
    }

    fn field_mut(&mut self, name: &str) -> &mut Field {
        let at = match self.fields.iter().position(|(n, _)| n == name) {
            Some(at) => at,
            None => {
                self.fields.push((name.to_owned(), Field::Empty));
                self.fields.len() - 1
            }
        };
        &mut self.fields[at].1
    }

    /// The core's item, typed by `fields` (the declared fields of its list; empty when unknown):
    /// a started list is the field's kind, and a value a known field's type never takes is
    /// refused (`what` names the item in the message: `villages.households`).
    fn build(&self, fields: &[InputSlot], what: &str) -> Result<Item, Failure> {
        let mut item = Item::new();
        for (name, field) in &self.fields {
            let slot = InputSlot::find(fields, name);
            let value = match field {
                Field::Value(v) => v.clone(),
                Field::Marks(marks) => Value::Numbers(marks.clone()),
                Field::Empty if slot.is_some_and(|s| s.ty == KP_INPUT_NUMBERS) => Value::Numbers(Vec::new()),
                Field::Empty => Value::Items(Vec::new()),
                Field::Items(items) => {
                    let inner = slot.map_or(&[][..], |s| s.fields.as_slice());
                    let here = format!("{what}.{name}");
                    Value::Items(items.iter().map(|i| i.build(inner, &here)).collect::<Result<_, _>>()?)
                }
            };
            if let Some(slot) = slot
                && !accepts(slot.ty, &value)
            {
                return Err(wrong_type(&format!("item field `{what}.{name}`"), slot.ty, &value));
            }
            item.set(name, value);
        }
        Ok(item)
    }
}

impl Handle for kp_record {
    type Inner = KpRecord;
}

impl Handle for kp_item {
    type Inner = KpItem;
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

/// What an input of declared type `ty` is, in words.
fn type_words(ty: kp_input_type) -> &'static str {
    match ty {
        KP_INPUT_DECIMAL => "a decimal number",
        KP_INPUT_INTEGER => "a whole number",
        KP_INPUT_BOOLEAN => "true or false",
        KP_INPUT_TEXT => "text",
        KP_INPUT_NUMBERS => "a list of numbers",
        KP_INPUT_ITEMS => "a list of items",
        _ => "of an unknown type",
    }
}

/// Whether an input of declared type `ty` can take `v`: the kinds of value the scorer accepts
/// for each type (text for numbers and booleans is read when scored, like a CSV cell). A unit
/// test holds this to the scorer's own validation.
fn accepts(ty: kp_input_type, v: &Value) -> bool {
    match (ty, v) {
        (KP_INPUT_DECIMAL, Value::Decimal(_) | Value::Integer(_) | Value::Text(_))
        | (KP_INPUT_INTEGER, Value::Integer(_) | Value::Text(_))
        | (KP_INPUT_BOOLEAN, Value::Bool(_) | Value::Text(_))
        | (KP_INPUT_TEXT, Value::Text(_))
        | (KP_INPUT_NUMBERS, Value::Numbers(_))
        | (KP_INPUT_ITEMS, Value::Items(_)) => true,
        (KP_INPUT_INTEGER, Value::Decimal(d)) => {
            d.fract().is_zero() && *d >= Decimal::from(i64::MIN) && *d <= Decimal::from(i64::MAX)
        }
        _ => false,
    }
}

fn wrong_type(what: &str, ty: kp_input_type, v: &Value) -> Failure {
    let value = match v {
        Value::Numbers(_) | Value::Items(_) => String::new(),
        other => format!(" ({other})"),
    };
    Failure::new(
        kp_status::KP_WRONG_TYPE,
        format!("{what} must be {}, not {}{value}: nothing was set", type_words(ty), v.type_name()),
    )
}

impl KpRecord {
    /// A string argument, decoded by the record's encoding.
    fn text<'a>(&self, p: *const c_char, arg: &str) -> Result<Cow<'a, str>, Failure> {
        c_str_in(p, arg, self.encoding)
    }

    /// The input `field` names, by its name or its label.
    fn input(&self, field: &str) -> Option<usize> {
        self.book.rb.input_by_name_or_label(field)
    }

    /// `input `rate` (比率)`, for messages.
    fn describe(&self, index: usize) -> String {
        format!("input `{}`", self.book.input_name(index))
    }

    /// Refuse a value input `index` can never take.
    fn check(&self, index: usize, v: &Value) -> Result<(), Failure> {
        let ty = self.book.input_type(index);
        if accepts(ty, v) { Ok(()) } else { Err(wrong_type(&self.describe(index), ty, v)) }
    }
}

/// Set `field` (an input's name or label) on `rec`, after checking the value suits the input's
/// type; an unknown field is remembered by the record (a warning in the result).
fn set(
    rec: *mut kp_record,
    field: *const c_char,
    value: impl FnOnce(&KpRecord) -> Result<Value, Failure>,
) -> kp_status {
    status_only(|| {
        let rec = borrow_mut::<kp_record>(rec, "rec")?;
        let field = rec.text(field, "field")?;
        let value = value(rec)?;
        let Some(index) = rec.input(&field) else {
            rec.record.set(&field, value);
            return Err(unknown_field(&field));
        };
        rec.check(index, &value)?;
        rec.record.set_at(index, value);
        Ok(())
    })
}

/// A new, empty record for `rb`. Free it with `kp_record_free`.
#[unsafe(no_mangle)]
pub extern "C" fn kp_record_new(rb: *const kp_rulebook, out: *mut *mut kp_record) -> kp_status {
    status_only(|| {
        let book = borrow::<kp_rulebook>(rb, "rb")?;
        let out = Out::new(out, "out")?;
        let record = book.rb.record();
        out.set(into_raw::<kp_record>(KpRecord {
            book: book.clone(),
            record,
            encoding: Some(Encoding::Utf8),
        }));
        Ok(())
    })
}

/// How the strings given to this record's setters are encoded, field names and values alike:
/// `KP_ENCODING_UTF8` (the default), `KP_ENCODING_GB18030` (GBK and GB2312 text is GB18030 too:
/// what legacy Chinese databases hold), or `KP_ENCODING_AUTO` (each string read as UTF-8 when it
/// is valid UTF-8, else as GB18030; a short GBK string can happen to be valid UTF-8, so name the
/// encoding when it is known). Text that is not valid in the encoding is `KP_INVALID_UTF8`.
/// `kp_record_clear` keeps the encoding. Everything kaoping gives back is UTF-8.
/// `KP_INVALID_ARGUMENT` for another code.
#[unsafe(no_mangle)]
pub extern "C" fn kp_record_set_encoding(rec: *mut kp_record, encoding: kp_encoding) -> kp_status {
    status_only(|| {
        let enc = encoding_of(encoding)?;
        borrow_mut::<kp_record>(rec, "rec")?.encoding = enc;
        Ok(())
    })
}

/// Set a decimal input from its text (NUL-terminated, e.g. "12.5"): exact, never through a double.
/// `KP_INVALID_NUMBER` when the text is not a decimal kaoping can hold, `KP_WRONG_TYPE` when the
/// input does not take it (a boolean or text input, or 2.5 for an integer input): nothing is set.
/// `KP_UNKNOWN_FIELD` when `field` is not an input.
///
/// Every setter takes an input's name or its label as `field` (`"population"` or `"户籍人口"`),
/// as CSV headers do, and refuses a value the input's declared type can never take with
/// `KP_WRONG_TYPE`, leaving the record as it was.
#[unsafe(no_mangle)]
pub extern "C" fn kp_record_set_decimal(
    rec: *mut kp_record,
    field: *const c_char,
    value: *const c_char,
) -> kp_status {
    set(rec, field, |r| Ok(Value::Decimal(decimal(&r.text(value, "value")?, "value")?)))
}

/// Set a decimal input from a double, read through its shortest round-trip text (0.1 is 0.1, not
/// 0.1000000000000000055…). `KP_INVALID_NUMBER` for NaN, infinities and values a decimal cannot
/// hold (nothing is set). Prefer `kp_record_set_decimal` when the value exists as text.
#[unsafe(no_mangle)]
pub extern "C" fn kp_record_set_double(rec: *mut kp_record, field: *const c_char, value: f64) -> kp_status {
    set(rec, field, |_| {
        num::decimal_from_f64(value)
            .map(Value::Decimal)
            .map_err(|e| Failure::new(kp_status::KP_INVALID_NUMBER, format!("`value` = {value}: {e}")))
    })
}

/// Set an integer input (or a decimal one: whole numbers are decimals too). `KP_WRONG_TYPE` for
/// a boolean, text or list input.
#[unsafe(no_mangle)]
pub extern "C" fn kp_record_set_int(rec: *mut kp_record, field: *const c_char, value: i64) -> kp_status {
    set(rec, field, |_| Ok(Value::Integer(value)))
}

/// Set a boolean input. `KP_WRONG_TYPE` for any other input.
#[unsafe(no_mangle)]
pub extern "C" fn kp_record_set_bool(rec: *mut kp_record, field: *const c_char, value: bool) -> kp_status {
    set(rec, field, |_| Ok(Value::Bool(value)))
}

/// Set an input to text (NUL-terminated). For a text input this is its value; for a number or
/// boolean input the text is read by the input's type when the record is scored, as a
/// spreadsheet cell would be ("１２．５", "是"). `KP_WRONG_TYPE` for a list input (use
/// `kp_record_set_cell` for marks written in one cell).
#[unsafe(no_mangle)]
pub extern "C" fn kp_record_set_text(
    rec: *mut kp_record,
    field: *const c_char,
    value: *const c_char,
) -> kp_status {
    set(rec, field, |r| Ok(Value::Text(r.text(value, "value")?.into_owned())))
}

/// Set an input from a spreadsheet cell (NUL-terminated), as CSV import does: a blank cell is
/// missing; a numbers cell holds several marks separated by `;`, `；`, `、`, `|` or spaces; other
/// cells are read by the input's type when the record is scored. `KP_WRONG_TYPE` for an items
/// input (items come from `kp_record_add_item`).
#[unsafe(no_mangle)]
pub extern "C" fn kp_record_set_cell(
    rec: *mut kp_record,
    field: *const c_char,
    cell: *const c_char,
) -> kp_status {
    status_only(|| {
        let rec = borrow_mut::<kp_record>(rec, "rec")?;
        let field = rec.text(field, "field")?;
        let cell = rec.text(cell, "cell")?;
        let Some(index) = rec.input(&field) else {
            rec.record.set_cell(&field, &cell);
            return Err(unknown_field(&field));
        };
        if rec.book.input_type(index) == KP_INPUT_ITEMS {
            return Err(Failure::new(
                kp_status::KP_WRONG_TYPE,
                format!("{} is a list of items: add them with kp_record_add_item", rec.describe(index)),
            ));
        }
        rec.record.set_cell_at(index, &cell);
        Ok(())
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
        let field = rec.text(field, "field")?;
        let Some(index) = rec.input(&field) else {
            rec.record.set(&field, Value::Numbers(Vec::new()));
            return Err(unknown_field(&field));
        };
        let empty = match rec.book.input_type(index) {
            KP_INPUT_NUMBERS => Value::Numbers(Vec::new()),
            KP_INPUT_ITEMS => Value::Items(Vec::new()),
            _ => {
                return Err(Failure::new(
                    kp_status::KP_WRONG_TYPE,
                    format!("{} is not a list", rec.describe(index)),
                ));
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
        let field = rec.text(field, "field")?;
        let mark = decimal(&rec.text(value, "value")?, "value")?;
        let Some(index) = rec.input(&field) else {
            rec.record.set(&field, Value::Numbers(vec![mark]));
            return Err(unknown_field(&field));
        };
        if rec.book.input_type(index) != KP_INPUT_NUMBERS {
            return Err(Failure::new(
                kp_status::KP_WRONG_TYPE,
                format!("{} is not a list of numbers", rec.describe(index)),
            ));
        }
        let name = rec.book.input_name(index).to_owned();
        rec.record.push_number(&name, mark);
        Ok(())
    })
}

/// Append a copy of `item` to an items input; the first call starts the list. `item` stays the
/// caller's (free it, or reuse it). `KP_WRONG_TYPE` when the input is not a list of items, or when
/// one of the item's fields — at any level, for items holding items — holds a value its declared
/// type can never take (nothing is added).
#[unsafe(no_mangle)]
pub extern "C" fn kp_record_add_item(
    rec: *mut kp_record,
    field: *const c_char,
    item: *const kp_item,
) -> kp_status {
    status_only(|| {
        let rec = borrow_mut::<kp_record>(rec, "rec")?;
        let field = rec.text(field, "field")?;
        let item = &borrow::<kp_item>(item, "item")?.data;
        let Some(index) = rec.input(&field) else {
            let built = item.build(&[], &field)?;
            rec.record.push_item(&field, built);
            return Err(unknown_field(&field));
        };
        if rec.book.input_type(index) != KP_INPUT_ITEMS {
            return Err(Failure::new(
                kp_status::KP_WRONG_TYPE,
                format!("{} is not a list of items", rec.describe(index)),
            ));
        }
        let name = rec.book.input_name(index).to_owned();
        let built = item.build(rec.book.item_fields(index), &name)?;
        rec.record.push_item(&name, built);
        Ok(())
    })
}

/// Remove an input's value (by name or label): it becomes missing. `KP_UNKNOWN_FIELD` when `field`
/// is not an input.
#[unsafe(no_mangle)]
pub extern "C" fn kp_record_unset(rec: *mut kp_record, field: *const c_char) -> kp_status {
    status_only(|| {
        let rec = borrow_mut::<kp_record>(rec, "rec")?;
        let field = rec.text(field, "field")?;
        let index = rec.input(&field).ok_or_else(|| unknown_field(&field))?;
        let name = rec.book.input_name(index).to_owned();
        rec.record.unset(&name);
        Ok(())
    })
}

/// Remove every value (and remembered unknown field), so the record can be filled again for the
/// next unit without a new allocation per record. The record keeps its encoding.
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
        out.set(into_raw::<kp_item>(KpItem { data: ItemData::default(), encoding: Some(Encoding::Utf8) }));
        Ok(())
    })
}

/// How the strings given to this item's setters are encoded, as `kp_record_set_encoding`.
#[unsafe(no_mangle)]
pub extern "C" fn kp_item_set_encoding(item: *mut kp_item, encoding: kp_encoding) -> kp_status {
    status_only(|| {
        let enc = encoding_of(encoding)?;
        borrow_mut::<kp_item>(item, "item")?.encoding = enc;
        Ok(())
    })
}

fn item_set(
    item: *mut kp_item,
    field: *const c_char,
    value: impl FnOnce(&KpItem) -> Result<Value, Failure>,
) -> kp_status {
    status_only(|| {
        let item = borrow_mut::<kp_item>(item, "item")?;
        let field = c_str_in(field, "field", item.encoding)?;
        let value = value(item)?;
        item.data.set(&field, Field::Value(value));
        Ok(())
    })
}

/// Set an item field to a decimal given as text. `KP_INVALID_NUMBER` when it does not read. An
/// item does not know its input, so its fields' types are checked by `kp_record_add_item`.
#[unsafe(no_mangle)]
pub extern "C" fn kp_item_set_decimal(
    item: *mut kp_item,
    field: *const c_char,
    value: *const c_char,
) -> kp_status {
    item_set(item, field, |i| Ok(Value::Decimal(decimal(&c_str_in(value, "value", i.encoding)?, "value")?)))
}

/// Set an item field to an integer.
#[unsafe(no_mangle)]
pub extern "C" fn kp_item_set_int(item: *mut kp_item, field: *const c_char, value: i64) -> kp_status {
    item_set(item, field, |_| Ok(Value::Integer(value)))
}

/// Set an item field to a boolean.
#[unsafe(no_mangle)]
pub extern "C" fn kp_item_set_bool(item: *mut kp_item, field: *const c_char, value: bool) -> kp_status {
    item_set(item, field, |_| Ok(Value::Bool(value)))
}

/// Set an item field to text (read by the field's type when scored, like `kp_record_set_text`).
#[unsafe(no_mangle)]
pub extern "C" fn kp_item_set_text(
    item: *mut kp_item,
    field: *const c_char,
    value: *const c_char,
) -> kp_status {
    item_set(item, field, |i| Ok(Value::Text(c_str_in(value, "value", i.encoding)?.into_owned())))
}

/// Set a list field of an item (numbers or items: an item scored by a rulebook whose inputs
/// include lists, such as a village holding its households) to the empty list, replacing what it
/// held; `kp_item_add_number` and `kp_item_add_item` then append. Which kind of list it is comes
/// from the field's declared type when the item is added to a record.
#[unsafe(no_mangle)]
pub extern "C" fn kp_item_start_list(item: *mut kp_item, field: *const c_char) -> kp_status {
    status_only(|| {
        let item = borrow_mut::<kp_item>(item, "item")?;
        let field = c_str_in(field, "field", item.encoding)?;
        item.data.set(&field, Field::Empty);
        Ok(())
    })
}

/// Append a mark (a decimal as text, NUL-terminated) to a numbers field of an item; the first
/// call starts the list. `KP_INVALID_NUMBER` when the text is not a decimal (nothing is added).
#[unsafe(no_mangle)]
pub extern "C" fn kp_item_add_number(
    item: *mut kp_item,
    field: *const c_char,
    value: *const c_char,
) -> kp_status {
    status_only(|| {
        let item = borrow_mut::<kp_item>(item, "item")?;
        let field = c_str_in(field, "field", item.encoding)?;
        let mark = decimal(&c_str_in(value, "value", item.encoding)?, "value")?;
        let slot = item.data.field_mut(&field);
        match slot {
            Field::Marks(marks) => marks.push(mark),
            _ => *slot = Field::Marks(vec![mark]),
        }
        Ok(())
    })
}

/// Append a copy of `sub` to an items field of `item` (a household to a village); the first call
/// starts the list. `sub` stays the caller's (free it, or reuse it; adding an item to itself adds
/// a copy of what it held). Field types are checked, at every level, when `item` is added to a
/// record. `KP_INVALID_ARGUMENT` when items would nest more than 32 levels deep.
#[unsafe(no_mangle)]
pub extern "C" fn kp_item_add_item(
    item: *mut kp_item,
    field: *const c_char,
    sub: *const kp_item,
) -> kp_status {
    status_only(|| {
        // A copy first: `sub` may be `item` itself.
        let sub = borrow::<kp_item>(sub, "sub")?.data.clone();
        if sub.depth + 1 > MAX_ITEM_DEPTH {
            return Err(Failure::invalid(format!("items nested more than {MAX_ITEM_DEPTH} levels deep")));
        }
        let item = borrow_mut::<kp_item>(item, "item")?;
        let field = c_str_in(field, "field", item.encoding)?;
        item.data.depth = item.data.depth.max(sub.depth + 1);
        let slot = item.data.field_mut(&field);
        match slot {
            Field::Items(items) => items.push(sub),
            _ => *slot = Field::Items(vec![sub]),
        }
        Ok(())
    })
}

/// Free an item. NULL is a no-op.
#[unsafe(no_mangle)]
pub extern "C" fn kp_item_free(item: *mut kp_item) {
    guard(|| free(item))
}

#[cfg(test)]
mod tests {
    use super::*;
    use kaoping_core::{ErrorKind, Format, Rulebook, ScoreOptions};

    /// `accepts` is the scorer's own type check, decided at set time: for every declared type and
    /// every kind of value, the setters refuse exactly what scoring would fail with `InputType`.
    #[test]
    fn accepts_agrees_with_the_scorers_type_check() {
        let types = [
            ("decimal", KP_INPUT_DECIMAL, "3"),
            ("integer", KP_INPUT_INTEGER, "3"),
            ("boolean", KP_INPUT_BOOLEAN, "是"),
            ("text", KP_INPUT_TEXT, "3"),
            ("numbers", KP_INPUT_NUMBERS, "3"),
            ("items", KP_INPUT_ITEMS, "3"),
        ];
        for (name, code, readable) in types {
            let fields = if name == "items" { r#", fields = { a = "text" }"# } else { "" };
            let text = format!(
                "[rulebook]\nid = \"t\"\nversion = \"1\"\n\
                 [inputs]\nx = {{ type = \"{name}\", required = false{fields} }}\n\
                 [[criterion]]\nid = \"c\"\nlabel = \"c\"\nwhen = \"true\"\n"
            );
            let rb = Rulebook::from_str(&text, Format::Toml).unwrap();
            let values = [
                Value::Decimal(Decimal::new(25, 1)),
                Value::Decimal(Decimal::new(3, 0)),
                Value::Decimal(Decimal::MAX),
                Value::Integer(3),
                Value::Bool(true),
                Value::Text(readable.to_owned()),
                Value::Numbers(vec![Decimal::ONE]),
                Value::Items(vec![Item::new().with("a", "x")]),
            ];
            for v in values {
                let mut r = rb.record();
                r.set("x", v.clone());
                let refused = match rb.score(&r, &ScoreOptions::default()) {
                    Ok(_) => false,
                    Err(e) => e.issues.iter().any(|i| i.kind == ErrorKind::InputType),
                };
                assert_eq!(accepts(code, &v), !refused, "{name} input, value {v:?}");
            }
        }
    }
}
