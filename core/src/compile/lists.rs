//! List inputs (spec §18): what each item holds, the rulebook that scores items, the order they
//! are read in, and the row of values per item that aggregates and the `items` rule read.

use std::sync::Arc;

use super::{Compiled, Compiler, ComponentLink, ComponentSource, NotFound};
use crate::error::ErrorKind;
use crate::expr::{ListScope, Type};
use crate::input::{Input, InputType};

/// The fields a scored item has beyond its rulebook's inputs and derived values (spec §18.2).
pub const RESULT_FIELDS: [&str; 5] = ["total", "max", "grade", "passed", "vetoed"];

/// A list input as scoring reads it.
#[derive(Clone, Debug)]
pub struct ListDef {
    /// The input's slot.
    pub slot: u32,
    /// The input's name.
    pub name: String,
    /// The values of each item's row, by name, with their types (a `numbers` list: one, the mark).
    pub fields: Vec<(String, Type)>,
    /// What the items are.
    pub shape: ListShape,
    /// The field (index into `fields`) the items are sorted by.
    pub order_by: Option<u32>,
}

impl ListDef {
    /// The list as aggregate calls see it (`index`: its place among the rulebook's lists).
    pub fn scope(&self, index: u32) -> ListScope {
        ListScope { index, numbers: matches!(self.shape, ListShape::Numbers), fields: self.fields.clone() }
    }
}

/// What the items of a list are.
#[derive(Clone, Debug)]
pub enum ListShape {
    /// Marks of a `numbers` input.
    Numbers,
    /// Items with declared `fields`: the row is the fields, in declaration order.
    Fields,
    /// Items scored by a rulebook: the row is its scalar inputs, its derived values and its result.
    Scored {
        /// The rulebook.
        book: Arc<Compiled>,
        /// Where each field of the row comes from.
        fields: Vec<ItemField>,
    },
}

/// Where a field of a scored item's row comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemField {
    /// A slot of the item's rulebook (an input or a derived value).
    Slot(u32),
    /// Its published total.
    Total,
    /// Its max in the item's profile.
    Max,
    /// Its grade.
    Grade,
    /// Whether all its criteria hold.
    Passed,
    /// Whether a veto fired.
    Vetoed,
}

/// The type of a scalar input's values in expressions.
pub fn value_type(ty: InputType) -> Option<Type> {
    match ty {
        InputType::Decimal | InputType::Integer => Some(Type::Num),
        InputType::Boolean => Some(Type::Bool),
        InputType::Text => Some(Type::Text),
        InputType::Numbers | InputType::Items => None,
    }
}

/// The fields of items scored by `book`: its scalar inputs, its derived values, its result.
fn scored_fields(book: &Compiled) -> (Vec<(String, Type)>, Vec<ItemField>) {
    let mut names = Vec::new();
    let mut fields = Vec::new();
    for (i, input) in book.schema.inputs.iter().enumerate() {
        if let Some(t) = value_type(input.ty) {
            names.push((input.name.clone(), t));
            fields.push(ItemField::Slot(i as u32));
        }
    }
    for d in &book.derived {
        names.push((d.name.clone(), d.ty));
        fields.push(ItemField::Slot(d.slot));
    }
    let result = [
        (ItemField::Total, Type::Num),
        (ItemField::Max, Type::Num),
        (ItemField::Grade, Type::Text),
        (ItemField::Passed, Type::Bool),
        (ItemField::Vetoed, Type::Bool),
    ];
    for ((f, t), name) in result.into_iter().zip(RESULT_FIELDS) {
        names.push((name.to_owned(), t));
        fields.push(f);
    }
    (names, fields)
}

impl Compiler<'_> {
    /// Define every list input: find the rulebooks that score items (refusing those with relative
    /// rules, or with names that would hide the result fields), set each item's inputs, and
    /// resolve `order_by`.
    pub(super) fn lists(
        &mut self,
        source: &dyn ComponentSource,
        inputs: &mut [Input],
        links: &[ComponentLink],
    ) -> Vec<ListDef> {
        let doc = self.doc;
        let mut out = Vec::new();
        #[allow(clippy::needless_range_loop)] // `inputs[slot]` is written to below
        for slot in 0..inputs.len() {
            let input = &inputs[slot];
            let name = input.name.clone();
            let path = format!("input \"{name}\"");
            let idoc = doc.inputs.iter().find(|d| d.name.value == name && input.from_component.is_none());
            let def = match input.ty {
                InputType::Numbers => ListDef {
                    slot: slot as u32,
                    name,
                    fields: vec![("item".to_owned(), Type::Num)],
                    shape: ListShape::Numbers,
                    order_by: None,
                },
                InputType::Items if input.from_component.is_some() => {
                    // Declared by a component: the component defined it already.
                    let found = links.iter().find_map(|l| l.book.lists.iter().find(|d| d.name == name));
                    match found {
                        Some(d) => ListDef { slot: slot as u32, ..d.clone() },
                        None => continue,
                    }
                }
                InputType::Items => match &input.rulebook {
                    None => {
                        let fields = input
                            .item_fields()
                            .filter_map(|(n, t)| Some((n.to_owned(), value_type(t)?)))
                            .collect();
                        ListDef { slot: slot as u32, name, fields, shape: ListShape::Fields, order_by: None }
                    }
                    Some(id) => {
                        let pos = idoc.and_then(|d| d.rulebook.as_ref()).map(|t| t.pos);
                        let Some(book) = self.item_book(source, id, pos, &path) else { continue };
                        inputs[slot].items = Some(book.schema.clone());
                        let (fields, sources) = scored_fields(&book);
                        ListDef {
                            slot: slot as u32,
                            name,
                            fields,
                            shape: ListShape::Scored { book, fields: sources },
                            order_by: None,
                        }
                    }
                },
                _ => continue,
            };
            let mut def = def;
            if let Some(o) = idoc.and_then(|d| d.order_by.as_ref()) {
                match def.fields.iter().position(|(n, _)| *n == o.value) {
                    None => {
                        let names: Vec<&str> = def.fields.iter().map(|(n, _)| n.as_str()).collect();
                        self.problem(
                            ErrorKind::UnknownName,
                            Some(o.pos),
                            &path,
                            format!(
                                "order_by `{}` is not a field of its items; fields: {}",
                                o.value,
                                names.join(", ")
                            ),
                        );
                    }
                    Some(i) if def.fields[i].1 == Type::Bool => self.problem(
                        ErrorKind::TypeMismatch,
                        Some(o.pos),
                        &path,
                        format!(
                            "order_by `{}` is a boolean field: items are ordered by a text or number field",
                            o.value
                        ),
                    ),
                    Some(i) => def.order_by = Some(i as u32),
                }
            }
            out.push(def);
        }
        out
    }

    /// The rulebook scoring the items of an input, checked for use there.
    fn item_book(
        &mut self,
        source: &dyn ComponentSource,
        id: &str,
        pos: Option<crate::syntax::Pos>,
        path: &str,
    ) -> Option<Arc<Compiled>> {
        let book = match source.find(id) {
            Ok(book) => book,
            Err(NotFound::Missing) => {
                self.problem(
                    ErrorKind::UnknownName,
                    pos,
                    path,
                    format!(
                        "no rulebook with id `{id}` is available to score these items (built-in, given to the loader, or {id}.toml beside this file){}",
                        crate::read::did_you_mean(id, source.known().iter().map(String::as_str))
                    ),
                );
                return None;
            }
            Err(NotFound::Refused(kind, why)) => {
                self.problem(kind, pos, path, why);
                return None;
            }
            Err(NotFound::Broken(problems)) => {
                let n = problems.len();
                self.problem(
                    ErrorKind::Schema,
                    pos,
                    path,
                    format!("rulebook `{id}` did not load ({n} problem(s), listed after this one)"),
                );
                self.r.problems.extend(problems);
                return None;
            }
        };
        let mut ok = true;
        if !book.relatives.is_empty() {
            self.problem(
                ErrorKind::Schema,
                pos,
                path,
                format!(
                    "rulebook `{id}` has relative rules, and items have no cohort: it cannot score items"
                ),
            );
            ok = false;
        }
        let taken: Vec<&str> = book
            .schema
            .inputs
            .iter()
            .map(|i| i.name.as_str())
            .chain(book.derived.iter().map(|d| d.name.as_str()))
            .filter(|n| RESULT_FIELDS.contains(n))
            .collect();
        if !taken.is_empty() {
            self.problem(
                ErrorKind::Schema,
                pos,
                path,
                format!(
                    "rulebook `{id}` declares {}, a name its items' results use (total, max, grade, passed, vetoed): rename it there",
                    taken.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
                ),
            );
            ok = false;
        }
        ok.then_some(book)
    }
}
