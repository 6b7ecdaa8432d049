//! What a record is: the declared inputs of a rulebook ([`InputSchema`]), and the values one
//! assessed unit reports for them — a [`Record`] (one slot per input) or, for a batch, typed
//! [`Columns`]. Matching a table's headers to inputs ([`header`]) lives here too: it needs the
//! inputs alone. Nothing here knows about rules or scoring.

mod columns;
pub mod header;
mod record;
mod unreadable;
mod values;

use std::sync::Arc;

use rustc_hash::FxHashMap as HashMap;

use crate::num::Num;

pub use columns::{Column, ColumnData, Columns, ColumnsBuilder, ColumnsError};
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
    /// A text (`values` may list the allowed ones).
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
    /// A text.
    Text(String),
    /// A list: the marks of a `numbers` input, or no items (`[]`) for an `items` input.
    List(Vec<rust_decimal::Decimal>),
}

/// One declared input.
#[derive(Clone, Debug)]
pub struct Input {
    /// The name records and expressions use.
    pub name: String,
    /// Declared type.
    pub ty: InputType,
    /// Shown in forms and reports; a column may be headed by it instead of the name.
    pub label: Option<String>,
    /// The unit its values are in (万元, %…).
    pub unit: Option<String>,
    /// What it is, in the rulebook's words.
    // Not read inside the crate since the type stopped being public (issue 31); kept so that the
    // schema says everything a declaration does.
    #[allow(dead_code)]
    pub description: Option<String>,
    /// Inclusive lower bound.
    pub min: Option<Num>,
    /// Inclusive upper bound.
    pub max: Option<Num>,
    /// Allowed values (text).
    pub values: Option<Vec<String>>,
    /// Its value when a record leaves it out.
    pub default: Option<DefaultDoc>,
    /// A list input's default as a value (`numbers`: its marks; `items`: no items).
    pub list_default: Option<crate::input::Value>,
    /// Whether a missing value is an error.
    pub required: bool,
    /// What each item of an `items` input holds: its declared `fields` (each required), or the
    /// inputs of the rulebook that scores it (spec §18.2).
    pub items: Option<Arc<InputSchema>>,
    /// The rulebook scoring each item of an `items` input.
    pub rulebook: Option<String>,
    /// The child table's column holding the parent's key (an `items` input, spec §18.5).
    pub join: Option<String>,
    /// The field ordering the items (spec §18.4).
    #[allow(dead_code)] // as `description`
    pub order_by: Option<String>,
    /// The component rulebook that declared it, when the parent did not.
    pub from_component: Option<String>,
    /// Whether the unit can change it (`actionable = false`: population, region…); advice
    /// never changes an input that is not.
    pub actionable: bool,
}

impl Input {
    /// A required scalar input: a declared field of an `items` input.
    pub fn field(name: &str, ty: InputType, label: Option<String>) -> Input {
        Input {
            name: name.to_owned(),
            ty,
            label,
            unit: None,
            description: None,
            min: None,
            max: None,
            values: None,
            default: None,
            list_default: None,
            required: true,
            items: None,
            rulebook: None,
            join: None,
            order_by: None,
            from_component: None,
            actionable: true,
        }
    }

    /// The fields of an `items` input's items, in order, with their types.
    pub fn item_fields(&self) -> impl Iterator<Item = (&str, InputType)> {
        self.items.iter().flat_map(|s| s.inputs.iter().map(|i| (i.name.as_str(), i.ty)))
    }
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
    /// A schema of these inputs, in this order.
    pub fn of(inputs: Vec<Input>) -> InputSchema {
        let index = inputs.iter().enumerate().map(|(i, input)| (input.name.clone(), i as u32)).collect();
        InputSchema { inputs, index }
    }

    /// The input named `name` (by its id, or else by its label, as table headers name them).
    pub fn by_name_or_label(&self, name: &str) -> Option<usize> {
        let name = name.trim();
        self.index
            .get(name)
            .map(|&i| i as usize)
            .or_else(|| self.inputs.iter().position(|i| i.label.as_deref() == Some(name)))
    }
}
