//! What a record is: the declared inputs of a rulebook ([`InputSchema`]), and the values one
//! assessed unit reports for them — a [`Record`] (one slot per input) or, for a batch, typed
//! [`Columns`]. Matching a table's headers to inputs ([`header`]) lives here too: it needs the
//! inputs alone. Nothing here knows about rules or scoring.

mod columns;
pub mod header;
mod record;
mod unreadable;
mod values;

use rustc_hash::FxHashMap as HashMap;

use crate::num::Num;

pub use columns::{Column, ColumnData, Columns, ColumnsError};
pub use header::{ColumnMatch, DuplicateColumn, NotAnInput, Unknown};
pub use record::{Item, Record, Value};
pub(crate) use record::{blank_cell, number_issue};
pub use values::{Piece, Values};

/// The declared type of an input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum InputType {
    /// A decimal.
    Decimal,
    /// A whole number (i64).
    Integer,
    /// true/false.
    Boolean,
    /// Text.
    Text,
    /// A list of decimals (a panel's marks).
    Numbers,
    /// A list of sub-records.
    Items,
}

impl InputType {
    /// The name used in rulebooks.
    pub fn name(self) -> &'static str {
        match self {
            InputType::Decimal => "decimal",
            InputType::Integer => "integer",
            InputType::Boolean => "boolean",
            InputType::Text => "text",
            InputType::Numbers => "numbers",
            InputType::Items => "items",
        }
    }

    /// Parse a rulebook type name.
    pub fn from_name(s: &str) -> Option<InputType> {
        Some(match s {
            "decimal" => InputType::Decimal,
            "integer" => InputType::Integer,
            "boolean" => InputType::Boolean,
            "text" => InputType::Text,
            "numbers" => InputType::Numbers,
            "items" => InputType::Items,
            _ => return None,
        })
    }

    /// Whether values of this type are scalars (usable in expressions).
    pub fn is_scalar(self) -> bool {
        !matches!(self, InputType::Numbers | InputType::Items)
    }
}

/// A literal default value of an input.
#[derive(Clone, Debug, PartialEq)]
pub enum DefaultDoc {
    /// A number.
    Num(Num),
    /// A boolean.
    Bool(bool),
    /// Text.
    Text(String),
    /// A list: the marks of a `numbers` input, or no items (`[]`) for an `items` input.
    List(Vec<rust_decimal::Decimal>),
}

/// One declared input.
#[derive(Clone, Debug)]
pub struct Input {
    /// Name.
    pub name: String,
    /// Declared type.
    pub ty: InputType,
    /// Label.
    pub label: Option<String>,
    /// Unit.
    pub unit: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Inclusive lower bound.
    pub min: Option<Num>,
    /// Inclusive upper bound.
    pub max: Option<Num>,
    /// Allowed values (text).
    pub values: Option<Vec<String>>,
    /// Default.
    pub default: Option<DefaultDoc>,
    /// A list input's default as a value (`numbers`: its marks; `items`: no items).
    pub list_default: Option<crate::input::Value>,
    /// Whether a missing value is an error.
    pub required: bool,
    /// Fields of an items input.
    pub fields: Vec<(String, InputType)>,
    /// The component rulebook that declared it, when the parent did not.
    pub from_component: Option<String>,
}

/// The inputs of a rulebook: shared by every [`crate::Record`] built for it.
#[derive(Debug)]
pub struct InputSchema {
    /// Inputs in declaration order (the rulebook's own, then those only its components declare).
    pub inputs: Vec<Input>,
    /// Name → index.
    pub index: HashMap<String, u32>,
}

impl InputSchema {
    /// The input named `name` (by its id, or else by its label, as table headers name them).
    pub fn by_name_or_label(&self, name: &str) -> Option<usize> {
        let name = name.trim();
        self.index
            .get(name)
            .map(|&i| i as usize)
            .or_else(|| self.inputs.iter().position(|i| i.label.as_deref() == Some(name)))
    }
}
