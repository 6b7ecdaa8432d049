//! Records: the values one assessed unit reports, typed by the rulebook's inputs (spec §3).
//!
//! A [`Record`] is built for a rulebook (`Rulebook::record`) and holds one slot per input, so
//! scoring does no name lookups. Values arrive typed ([`Value`]), from JSON, or as text cells from
//! spreadsheets; text is read by the input's declared type when the record is scored, so every
//! problem of a record is reported together, in declaration order.

use std::fmt;
use std::sync::Arc;

use rust_decimal::Decimal;

use crate::error::{ErrorKind, Issue};
use crate::input::InputSchema;
use crate::input::InputType;
use crate::num;
use crate::syntax::{Node, Value as NodeValue};

/// One value of a record.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A decimal.
    Decimal(Decimal),
    /// A whole number.
    Integer(i64),
    /// true/false.
    Bool(bool),
    /// Text. For a numeric or boolean input this is read as a spreadsheet cell would be (spec §3:
    /// full-width digits, 是/否, "120000.0" for an integer…).
    Text(String),
    /// A list of decimals (a panel's marks).
    Numbers(Vec<Decimal>),
    /// A list of sub-records (a school's awards).
    Items(Vec<Item>),
}

impl Value {
    /// The name of the value's type, for messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Decimal(_) => "a decimal",
            Value::Integer(_) => "an integer",
            Value::Bool(_) => "a boolean",
            Value::Text(_) => "text",
            Value::Numbers(_) => "a list of numbers",
            Value::Items(_) => "a list of items",
        }
    }

    /// The value as a lookup key: numbers by value (1 and 1.0 are the same key), text as is.
    pub(crate) fn key_text(&self) -> String {
        match self {
            Value::Decimal(d) => d.normalize().to_string(),
            Value::Integer(i) => i.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Text(t) => t.trim().to_owned(),
            Value::Numbers(_) | Value::Items(_) => String::new(),
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Decimal(d) => write!(f, "{d}"),
            Value::Integer(i) => write!(f, "{i}"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Text(t) => write!(f, "{t:?}"),
            Value::Numbers(v) => {
                let parts: Vec<String> = v.iter().map(|d| d.to_string()).collect();
                write!(f, "[{}]", parts.join(", "))
            }
            Value::Items(v) => write!(f, "[{} item(s)]", v.len()),
        }
    }
}

impl From<Decimal> for Value {
    fn from(d: Decimal) -> Value {
        Value::Decimal(d)
    }
}
impl From<i64> for Value {
    fn from(i: i64) -> Value {
        Value::Integer(i)
    }
}
impl From<i32> for Value {
    fn from(i: i32) -> Value {
        Value::Integer(i64::from(i))
    }
}
impl From<u32> for Value {
    fn from(i: u32) -> Value {
        Value::Integer(i64::from(i))
    }
}
/// Above `i64::MAX` the value is kept exactly as a [`Value::Decimal`] (whose 96 bits hold every
/// `u64`); the input's type decides, when scored, whether it fits.
impl From<u64> for Value {
    fn from(i: u64) -> Value {
        i64::try_from(i).map_or_else(|_| Value::Decimal(Decimal::from(i)), Value::Integer)
    }
}

/// As `u64` (a count, a length).
impl From<usize> for Value {
    fn from(i: usize) -> Value {
        Value::from(i as u64)
    }
}

/// Floats are converted as typed columns and the Python module convert them: by their shortest
/// round-trip text (`0.1` is 0.1, not 0.1000000000000000055…), exactly; NaN and the infinities
/// are refused. A conversion that can fail is `TryFrom`, not `From`, so that `record.set(name,
/// x)` with a float does not compile: write `record.set(name, Value::try_from(x)?)`.
impl TryFrom<f64> for Value {
    type Error = num::TextNumberError;
    fn try_from(x: f64) -> Result<Value, num::TextNumberError> {
        num::decimal_from_f64(x).map(Value::Decimal)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}
impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::Text(s.to_owned())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::Text(s)
    }
}
impl From<Vec<Decimal>> for Value {
    fn from(v: Vec<Decimal>) -> Value {
        Value::Numbers(v)
    }
}
impl From<Vec<Item>> for Value {
    fn from(v: Vec<Item>) -> Value {
        Value::Items(v)
    }
}

/// One item of an `items` input: named field values (scalars, and for items scored by a
/// rulebook that has lists, lists too).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Item {
    fields: Vec<(String, Value)>,
    /// Problems found while decoding a field (e.g. from JSON), reported when the item is checked.
    pub(crate) decode: Vec<(String, Issue)>,
    /// The item refused whole (a table row whose key another row shares, §18.5): reported in
    /// place of its own checks.
    pub(crate) refused: Option<Box<Issue>>,
}

impl Item {
    /// An empty item.
    pub fn new() -> Item {
        Item::default()
    }

    /// This item with a field set (builder style).
    pub fn with(mut self, name: &str, value: impl Into<Value>) -> Item {
        self.set(name, value);
        self
    }

    /// Set a field (clearing a mark left by [`Item::set_unreadable`]).
    pub fn set(&mut self, name: &str, value: impl Into<Value>) {
        let value = value.into();
        if !self.decode.is_empty() {
            self.decode.retain(|(n, _)| n != name);
        }
        match self.fields.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = value,
            None => self.fields.push((name.to_owned(), value)),
        }
    }

    /// Mark field `name` as holding a value a binding could not read (a Python `nan`, a dict
    /// where a number belongs), as [`Record::set_unreadable_at`] does for a record's input:
    /// checking the item reports an issue of `kind` on the field, with the item's path, together
    /// with every other problem of the record. `name` is the field's name (not its label).
    /// Setting the field again clears the mark.
    ///
    /// ```
    /// use kaoping::{ErrorKind, Format, Item, Rulebook, ScoreOptions};
    /// let rb = Rulebook::from_str(
    ///     "[rulebook]\nid = \"t\"\nversion = \"1\"\n[inputs]\n\
    ///      xs = { type = \"items\", fields = { a = \"decimal\" } }\n[derived]\nn = \"count(xs)\"\n",
    ///     Format::Toml,
    /// )?;
    /// let mut bad = Item::new();
    /// bad.set_unreadable("a", ErrorKind::InputType, Some("nan".into()), "a = nan: not a finite number".into());
    /// let mut r = rb.record();
    /// r.set("xs", vec![Item::new().with("a", 1), bad.clone()]);
    /// let e = rb.score(&r, &ScoreOptions::default()).unwrap_err();
    /// let first = e.first();
    /// assert_eq!((first.kind, first.field.as_deref(), first.item.as_deref()), (ErrorKind::InputType, Some("a"), Some("xs[2]")));
    /// bad.set("a", 2);
    /// r.set("xs", vec![bad]);
    /// assert!(rb.score(&r, &ScoreOptions::default()).is_ok());
    /// # Ok::<(), kaoping::LoadError>(())
    /// ```
    pub fn set_unreadable(&mut self, name: &str, kind: ErrorKind, value: Option<String>, message: String) {
        self.fields.retain(|(n, _)| n != name);
        self.decode.retain(|(n, _)| n != name);
        self.decode.push((name.to_owned(), Issue::input(kind, name, value, message)));
    }

    /// A field's value.
    pub fn field(&self, name: &str) -> Option<&Value> {
        self.fields.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    /// Every field, in the order set.
    pub fn fields(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.fields.iter().map(|(n, v)| (n.as_str(), v))
    }

    /// The value of the field at `index` (in the order set).
    pub(crate) fn field_at(&self, index: usize) -> Option<&Value> {
        self.fields.get(index).map(|(_, v)| v)
    }

    /// Set a field from a table cell: blank is missing, a `numbers` cell holds several marks, any
    /// other cell is read by the field's type when the item is checked.
    pub(crate) fn set_cell(&mut self, input: &crate::input::Input, cell: &str) {
        if blank_cell(cell) {
            return;
        }
        match input.ty {
            InputType::Numbers => match parse_marks(&input.name, cell) {
                Ok(marks) => self.set(&input.name, Value::Numbers(marks)),
                Err(issue) => self.decode.push((input.name.clone(), issue)),
            },
            _ => self.set(&input.name, Value::Text(cell.trim_matches(is_blank).to_owned())),
        }
    }

    /// Refuse the item whole with `issue` (its own inputs are then not checked).
    pub(crate) fn refuse(&mut self, issue: Issue) {
        self.refused = Some(Box::new(issue));
    }

    /// The position of the field for `input` among this item's fields: by its name, else its label.
    pub(crate) fn position_of(&self, input: &crate::input::Input) -> Option<usize> {
        self.fields.iter().position(|(n, _)| n == &input.name).or_else(|| {
            let label = input.label.as_deref()?;
            self.fields.iter().position(|(n, _)| n.trim() == label)
        })
    }
}

/// The values of one assessed unit, one slot per input of the rulebook it was made for.
#[derive(Clone)]
pub struct Record {
    pub(crate) schema: Arc<InputSchema>,
    pub(crate) values: Vec<Option<Value>>,
    /// Problems found while decoding (e.g. from JSON), by input slot; reported when scored.
    pub(crate) decode: Vec<(u32, Issue)>,
    unknown: Vec<String>,
    /// `unknown` as a set once it holds more than [`UNKNOWN_SCAN`] names: a hostile record with
    /// 100,000 unknown fields would otherwise take a quadratic number of comparisons.
    unknown_seen: Option<Box<rustc_hash::FxHashSet<String>>>,
}

/// Short enough for a log line: the inputs that are set (the first `DEBUG_FIELDS`, each value
/// cut at `DEBUG_VALUE` characters), how many inputs there are, unknown names and problems
/// counted — not the rulebook's input schema, which every record shares.
impl fmt::Debug for Record {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Set<'a>(&'a Record);
        impl fmt::Debug for Set<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let r = self.0;
                let set = r
                    .values
                    .iter()
                    .enumerate()
                    .filter_map(|(i, v)| Some((&r.schema.inputs[i].name, v.as_ref()?)));
                let mut m = f.debug_map();
                for (name, v) in set.clone().take(DEBUG_FIELDS) {
                    let text = v.to_string();
                    match text.char_indices().nth(DEBUG_VALUE) {
                        Some((cut, _)) => m.entry(name, &format_args!("{}…", &text[..cut])),
                        None => m.entry(name, &format_args!("{text}")),
                    };
                }
                let more = set.count().saturating_sub(DEBUG_FIELDS);
                if more > 0 {
                    m.entry(&format_args!("…"), &format_args!("{more} more"));
                }
                m.finish()
            }
        }
        let mut d = f.debug_struct("Record");
        d.field("inputs", &self.values.len()).field("set", &Set(self));
        if !self.unknown.is_empty() {
            d.field("unknown_fields", &self.unknown.len());
        }
        if !self.decode.is_empty() {
            d.field("unreadable", &self.decode.len());
        }
        d.finish()
    }
}

const DEBUG_FIELDS: usize = 12;
const DEBUG_VALUE: usize = 32;

/// Up to this many unknown field names, a new one is checked by a scan (real records have few).
const UNKNOWN_SCAN: usize = 16;

impl PartialEq for Record {
    fn eq(&self, other: &Record) -> bool {
        self.values == other.values && self.decode == other.decode && self.unknown == other.unknown
    }
}

impl Record {
    pub(crate) fn new(schema: Arc<InputSchema>) -> Record {
        let n = schema.inputs.len();
        Record { schema, values: vec![None; n], decode: Vec::new(), unknown: Vec::new(), unknown_seen: None }
    }

    /// Set an input by name. An unknown name is ignored and remembered as a warning (spec §3);
    /// returns whether the name is an input.
    pub fn set(&mut self, name: &str, value: impl Into<Value>) -> bool {
        match self.schema.index.get(name) {
            Some(&i) => {
                self.set_at(i as usize, value);
                true
            }
            None => {
                self.note_unknown(name);
                false
            }
        }
    }

    /// Set an input by name, refusing a name that is no input: the error says which input the
    /// name resembles (a misspelling of its name or label). The checked form of [`Record::set`].
    pub fn try_set(&mut self, name: &str, value: impl Into<Value>) -> Result<(), crate::input::NotAnInput> {
        match self.schema.index.get(name) {
            Some(&i) => {
                self.set_at(i as usize, value);
                Ok(())
            }
            None => Err(crate::input::NotAnInput::of(&self.schema, name)),
        }
    }

    /// Set an input by its index (see `Rulebook::input_index`): no name lookup.
    pub fn set_at(&mut self, index: usize, value: impl Into<Value>) {
        if let Some(slot) = self.values.get_mut(index) {
            *slot = Some(value.into());
            self.decode.retain(|(s, _)| *s as usize != index);
        }
    }

    /// Set an input from a spreadsheet cell: an empty (or blank) cell is missing, anything else is
    /// read by the input's type when the record is scored.
    pub fn set_cell(&mut self, name: &str, text: &str) -> bool {
        match self.schema.index.get(name) {
            Some(&i) => {
                self.set_cell_at(i as usize, text);
                true
            }
            None => {
                self.note_unknown(name);
                false
            }
        }
    }

    /// Set an input from a cell, by index. A `numbers` cell holds several marks separated by
    /// `;`, `；`, `、`, `|` or spaces.
    pub fn set_cell_at(&mut self, index: usize, text: &str) {
        if blank_cell(text) {
            self.unset_at(index);
            return;
        }
        let Some(input) = self.schema.inputs.get(index) else { return };
        match input.ty {
            InputType::Numbers => match super::record::parse_marks(&input.name, text) {
                Ok(marks) => self.set_at(index, Value::Numbers(marks)),
                Err(issue) => {
                    self.unset_at(index);
                    self.decode.push((index as u32, issue));
                }
            },
            InputType::Items => {
                let issue = Issue::input(
                    ErrorKind::InputType,
                    &input.name,
                    None,
                    format!(
                        "{} is a list of items: it comes from a separate table joined on the record key",
                        input.name
                    ),
                );
                self.unset_at(index);
                self.decode.push((index as u32, issue));
            }
            _ => self.set_at(index, Value::Text(text.to_owned())),
        }
    }

    /// Append an item to an `items` input (creating the list if it is missing). Returns whether
    /// `name` is an items input.
    pub fn push_item(&mut self, name: &str, item: Item) -> bool {
        let Some(&i) = self.schema.index.get(name) else {
            self.note_unknown(name);
            return false;
        };
        if self.schema.inputs[i as usize].ty != InputType::Items {
            return false;
        }
        match &mut self.values[i as usize] {
            Some(Value::Items(list)) => list.push(item),
            slot => *slot = Some(Value::Items(vec![item])),
        }
        true
    }

    /// Append a mark to a `numbers` input (creating the list if it is missing). Returns whether
    /// `name` is a numbers input.
    pub fn push_number(&mut self, name: &str, mark: Decimal) -> bool {
        let Some(&i) = self.schema.index.get(name) else {
            self.note_unknown(name);
            return false;
        };
        if self.schema.inputs[i as usize].ty != InputType::Numbers {
            return false;
        }
        match &mut self.values[i as usize] {
            Some(Value::Numbers(list)) => list.push(mark),
            slot => *slot = Some(Value::Numbers(vec![mark])),
        }
        true
    }

    /// Remove every value (and every problem and warning): an empty record again.
    pub fn clear(&mut self) {
        self.values.iter_mut().for_each(|v| *v = None);
        self.decode.clear();
        self.unknown.clear();
        self.unknown_seen = None;
    }

    /// Remove an input's value (it becomes missing).
    pub fn unset(&mut self, name: &str) {
        if let Some(&i) = self.schema.index.get(name) {
            self.unset_at(i as usize);
        }
    }

    fn unset_at(&mut self, index: usize) {
        if let Some(slot) = self.values.get_mut(index) {
            *slot = None;
        }
        self.decode.retain(|(s, _)| *s as usize != index);
    }

    /// An input's value, by name.
    pub fn get(&self, name: &str) -> Option<&Value> {
        let i = *self.schema.index.get(name)?;
        self.values[i as usize].as_ref()
    }

    /// Fields that are not inputs of the rulebook (ignored; reported as warnings).
    pub fn unknown_fields(&self) -> &[String] {
        &self.unknown
    }

    fn note_unknown(&mut self, name: &str) {
        if self.unknown.len() < UNKNOWN_SCAN {
            if !self.unknown.iter().any(|u| u == name) {
                self.unknown.push(name.to_owned());
            }
            return;
        }
        let seen = self.unknown_seen.get_or_insert_with(|| Box::new(self.unknown.iter().cloned().collect()));
        if seen.insert(name.to_owned()) {
            self.unknown.push(name.to_owned());
        }
    }

    /// Fill a record from a JSON object's document tree. Values are checked against the input
    /// types here; problems are kept and reported when the record is scored.
    pub(crate) fn fill_from_node(&mut self, node: &Node) -> Result<(), Issue> {
        let NodeValue::Table(entries) = &node.value else {
            return Err(Issue {
                kind: ErrorKind::InputType,
                field: None,
                at: None,
                item: None,
                value: None,
                message: format!("a record is a JSON object of field values, not {}", node.type_name()),
            });
        };
        for e in entries {
            let Some(&slot) = self.schema.index.get(&e.key) else {
                self.note_unknown(&e.key);
                continue;
            };
            let input = &self.schema.inputs[slot as usize];
            match decode_value(&e.value, input, &e.key) {
                Ok(v) => self.values[slot as usize] = v,
                Err(issue) => self.decode.push((slot, issue)),
            }
        }
        Ok(())
    }
}

fn is_blank(c: char) -> bool {
    c.is_whitespace() || c == '\u{3000}' || c == '\u{feff}'
}

/// Whether a cell is blank (spaces, ideographic spaces, a BOM): a blank cell is a missing value.
pub(crate) fn blank_cell(cell: &str) -> bool {
    // A cell starting with a visible ASCII character is not blank (nearly every cell of a large
    // table): no trimming to find that out.
    if cell.as_bytes().first().is_some_and(u8::is_ascii_graphic) {
        return false;
    }
    cell.trim_matches(is_blank).is_empty()
}

/// Decode a JSON value for `input` (`None`: null, i.e. missing). A problem inside an item of an
/// `items` list is kept in the item, at its field, so that checking the record reports every
/// item's problems with the item's position.
fn decode_value(node: &Node, input: &crate::input::Input, name: &str) -> Result<Option<Value>, Issue> {
    let ty = input.ty;
    if let (NodeValue::Array(items), InputType::Numbers) = (&node.value, ty) {
        let mut out = Vec::with_capacity(items.len());
        for (i, it) in items.iter().enumerate() {
            // Problems inside a list name the list input; the message says which element.
            let here = format!("{name}[{}]", i + 1);
            let mark = match &it.value {
                NodeValue::Integer(t) | NodeValue::Float(t) | NodeValue::String(t) => {
                    num::parse_decimal_text(t).map_err(|e| renamed(number_issue(&here, t, &e), name))?
                }
                _ => return Err(renamed(type_issue(&here, "a number", it), name)),
            };
            out.push(mark);
        }
        return Ok(Some(Value::Numbers(out)));
    }
    if let (NodeValue::Array(items), InputType::Items) = (&node.value, ty) {
        // An element that is not an object makes the whole list unreadable: one problem on the
        // list input, and none of its items checked (R34 of the reference).
        if let Some((i, it)) =
            items.iter().enumerate().find(|(_, it)| !matches!(it.value, NodeValue::Table(_)))
        {
            let here = format!("{name}[{}]", i + 1);
            return Err(renamed(type_issue(&here, "an object of item fields", it), name));
        }
        let mut out = Vec::with_capacity(items.len());
        for it in items {
            let mut item = Item::new();
            let NodeValue::Table(entries) = &it.value else { continue };
            let schema = input.items.as_deref();
            for e in entries {
                let field =
                    schema.and_then(|s| s.by_name_or_label(&e.key)).and_then(|f| schema?.inputs.get(f));
                let Some(field) = field else { continue };
                match decode_value(&e.value, field, &field.name) {
                    Ok(Some(v)) => item.set(&field.name, v),
                    Ok(None) => {}
                    Err(issue) => item.decode.push((field.name.clone(), issue)),
                }
            }
            out.push(item);
        }
        return Ok(Some(Value::Items(out)));
    }
    if matches!(node.value, NodeValue::Null) {
        return Ok(None);
    }
    if matches!(ty, InputType::Numbers | InputType::Items) {
        return Err(type_issue(name, expected_words(ty), node));
    }
    decode_scalar(node, ty, name)
}

/// Decode a scalar JSON value. Numbers keep their written text (no float on the way).
fn decode_scalar(node: &Node, ty: InputType, name: &str) -> Result<Option<Value>, Issue> {
    match (&node.value, ty) {
        (NodeValue::Null, _) => Ok(None),
        (NodeValue::Integer(t) | NodeValue::Float(t), InputType::Decimal) => {
            num::parse_decimal_text(t).map(|d| Some(Value::Decimal(d))).map_err(|e| number_issue(name, t, &e))
        }
        (NodeValue::Integer(t) | NodeValue::Float(t), InputType::Integer) => {
            num::parse_integer_text(t).map(|i| Some(Value::Integer(i))).map_err(|e| number_issue(name, t, &e))
        }
        (NodeValue::Bool(b), InputType::Boolean) => Ok(Some(Value::Bool(*b))),
        (NodeValue::String(s), _) => {
            // Strings are read by type when scored. A blank string is missing, except for a text
            // input, where JSON can say "the empty text" (a table's empty cell is still missing).
            match (blank_cell(s), ty) {
                (true, InputType::Text) => Ok(Some(Value::Text(String::new()))),
                (true, _) => Ok(None),
                (false, _) => Ok(Some(Value::Text(s.clone()))),
            }
        }
        (NodeValue::Date(d), InputType::Text) => Ok(Some(Value::Text(d.to_string()))),
        _ => Err(type_issue(name, expected_words(ty), node)),
    }
}

/// An issue inside a list, attributed to the list input itself.
fn renamed(mut issue: Issue, input: &str) -> Issue {
    issue.field = Some(input.to_owned());
    issue
}

fn expected_words(ty: InputType) -> &'static str {
    match ty {
        InputType::Decimal => "a decimal number",
        InputType::Integer => "a whole number",
        InputType::Boolean => "true or false",
        InputType::Text => "text",
        InputType::Numbers => "a list of numbers",
        InputType::Items => "a list of items",
    }
}

fn type_issue(name: &str, expected: &str, node: &Node) -> Issue {
    Issue::input(
        ErrorKind::InputType,
        name,
        None,
        format!("{name} must be {expected}, not {}", node.type_name()),
    )
}

/// The issue for a number that did not read.
pub(crate) fn number_issue(name: &str, text: &str, e: &num::TextNumberError) -> Issue {
    let kind = match e {
        num::TextNumberError::OutOfRange => ErrorKind::InputOutOfRange,
        _ => ErrorKind::InputType,
    };
    let shown: String = text.chars().take(60).collect();
    Issue::input(kind, name, Some(shown.clone()), format!("{name} = {shown:?}: {e}"))
}

/// Split a `numbers` cell into marks.
pub(crate) fn split_marks(cell: &str) -> impl Iterator<Item = &str> {
    cell.split(|c: char| matches!(c, ';' | '；' | '、' | '|') || c.is_whitespace() || c == '\u{3000}')
        .filter(|s| !s.is_empty())
}

/// Parse a `numbers` cell (used by `Record::set_cell`).
pub(crate) fn parse_marks(name: &str, cell: &str) -> Result<Vec<rust_decimal::Decimal>, Issue> {
    split_marks(cell)
        .map(|m| num::parse_decimal_text(m).map_err(|e| crate::input::number_issue(name, m, &e)))
        .collect()
}

/// A value as JSON that [`Rulebook::record_from_json`](crate::Rulebook::record_from_json) reads
/// back: decimals as strings (exact), integers and booleans as JSON's, lists as arrays, items as
/// objects.
impl serde::Serialize for Value {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Decimal(d) => s.serialize_str(&d.to_string()),
            Value::Integer(i) => s.serialize_i64(*i),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Text(t) => s.serialize_str(t),
            Value::Numbers(v) => s.collect_seq(v.iter().map(|d| d.to_string())),
            Value::Items(items) => s.collect_seq(items.iter().map(ItemFields)),
        }
    }
}

/// An item's fields as a JSON object.
struct ItemFields<'a>(&'a Item);

impl serde::Serialize for ItemFields<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.fields.iter().map(|(n, v)| (n, v)))
    }
}

/// A record as a JSON object of the inputs that are set, by name, in declaration order (what
/// [`Rulebook::record_from_json`](crate::Rulebook::record_from_json) reads back into an equal
/// record). Values that could not be read and names that are no input are not written.
impl serde::Serialize for Record {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let set = self
            .values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| Some((&self.schema.inputs[i].name, v.as_ref()?)));
        s.collect_map(set)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_split_on_common_separators() {
        let m: Vec<&str> = split_marks("7;8；9、6 10|5").collect();
        assert_eq!(m, ["7", "8", "9", "6", "10", "5"]);
    }
}
