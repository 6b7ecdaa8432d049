//! Lists given already scored (spec §18.5, §18.7): a child table scored as one batch, its rows
//! grouped by parent row, each parent's list read by its aggregates as the list of its items
//! would be — without scoring the items again one by one.
//!
//! Only ordinary rows come this way: a parent whose child rows did not all score on the batch's
//! fast path (an error, a row the interpreter had to score) is marked to be scored from its items,
//! which the caller puts in its record ([`Joined::items_of`]). So a table joined here scores
//! exactly as the same records with their lists.

use std::sync::Arc;

use crate::compile::{Compiled, ItemField};
use crate::expr::{ItemRows, Val};
use crate::input::{ColumnData, Columns, DefaultDoc, InputType, Item, Value};
use crate::num::Num;

/// One value of a child row, as an item's field reads it.
#[derive(Clone, Debug)]
pub(crate) enum Cell {
    Num(Num),
    Bool(bool),
    /// Index into [`JoinedList::texts`].
    Text(u32),
    /// A grade of the items' rulebook (its label).
    Grade(u16),
    NoData,
}

/// The child table of one list, scored and grouped by parent row.
#[derive(Debug)]
pub(crate) struct JoinedList {
    /// The list input's name in the parent rulebook.
    pub name: String,
    /// Values in an item's row (the list's fields, as `ItemField`s say).
    pub width: usize,
    /// The fields the parent reads (the others are no data): their cells are kept.
    pub stored: Vec<u32>,
    /// Parent `p`'s child rows are `members[start[p]..start[p + 1]]`, in child-table order.
    pub start: Vec<u32>,
    pub members: Vec<u32>,
    /// `stored.len()` cells per child row that a parent takes, at `cell_at[row]`.
    pub cells: Vec<Cell>,
    /// Where child row `r`'s cells start in `cells` (`u32::MAX`: none).
    pub cell_at: Vec<u32>,
    /// Distinct texts of the cells.
    pub texts: Vec<String>,
    /// The child rows as typed columns, for building a parent's items when asked.
    pub columns: Columns,
    /// For each input of the items' rulebook, its column in `columns`.
    pub binding: Vec<Option<usize>>,
    /// The rulebook scoring the items.
    pub book: Arc<Compiled>,
}

/// The lists of a table's rows given already scored, by the parent rulebook's list index.
#[derive(Debug, Default)]
pub struct Joined {
    pub(crate) lists: Vec<Option<JoinedList>>,
    /// Parents scored from their items (put in their records), not from these rows.
    pub(crate) from_items: Vec<bool>,
}

impl Joined {
    /// List `list`'s rows for parent row `parent` (0-based), or `None` when that parent is scored
    /// from its record's items (or the list is not given here).
    pub(crate) fn rows(&self, list: usize, parent: usize) -> Option<ItemRows<'_>> {
        if self.from_items.get(parent).copied().unwrap_or(true) {
            return None;
        }
        let l = self.lists.get(list)?.as_ref()?;
        let (a, b) = (l.start[parent] as usize, l.start[parent + 1] as usize);
        let mut rows = ItemRows::new(l.width);
        rows.cells.resize((b - a) * l.width, Val::NoData);
        rows.position.extend(0..(b - a) as u32);
        let k = l.stored.len();
        for (i, &m) in l.members[a..b].iter().enumerate() {
            let at = l.cell_at[m as usize] as usize;
            let row = &mut rows.cells[i * l.width..(i + 1) * l.width];
            for (&f, c) in l.stored.iter().zip(&l.cells[at..at + k]) {
                row[f as usize] = match c {
                    Cell::Num(n) => Val::Num(n.clone()),
                    Cell::Bool(b) => Val::Bool(*b),
                    Cell::Text(t) => Val::Text(l.texts[*t as usize].as_str()),
                    Cell::Grade(g) => Val::Text(l.book.grades[*g as usize].label.as_str()),
                    Cell::NoData => Val::NoData,
                };
            }
        }
        Some(rows)
    }

    /// Whether parent row `parent` reads its lists from here (else from its record's items).
    pub(crate) fn gives(&self, parent: usize) -> bool {
        !self.from_items.get(parent).copied().unwrap_or(true)
    }

    /// Parent row `parent`'s lists as items (list name, items), each child row an item with the
    /// values its columns hold: what the record would hold had its items been joined to it.
    pub(crate) fn items_of(&self, parent: usize) -> Vec<(String, Vec<Item>)> {
        self.lists
            .iter()
            .flatten()
            .map(|l| {
                let (a, b) = (l.start[parent] as usize, l.start[parent + 1] as usize);
                let items = l.members[a..b].iter().map(|&m| l.item(m as usize)).collect();
                (l.name.clone(), items)
            })
            .collect()
    }
}

impl JoinedList {
    /// Child row `r` as an item.
    fn item(&self, r: usize) -> Item {
        let mut item = Item::new();
        for (input, col) in self.book.schema.inputs.iter().zip(&self.binding) {
            if let Some(v) = col.and_then(|c| self.columns.columns()[c].1.value(r)) {
                item.set(&input.name, v);
            }
        }
        item
    }

    /// Keep the cells of child row `r` (a row the batch's fast path scored) for the stored
    /// fields, as the interpreter would read them from the row scored on its own: inputs as
    /// validation turns them into values, results from the batch's row (`result`). `false` when
    /// a value does not read that way (the row then goes to the interpreter with its parent).
    pub(crate) fn keep_row(
        &mut self,
        r: usize,
        fields: &[ItemField],
        result: &dyn Fn(ItemField) -> Option<Cell>,
        texts: &mut rustc_hash::FxHashMap<String, u32>,
    ) -> bool {
        let at = self.cells.len();
        for k in 0..self.stored.len() {
            let cell = match fields[self.stored[k] as usize] {
                ItemField::Slot(s) => self.input_cell(s as usize, r, texts),
                other => result(other),
            };
            match cell {
                Some(c) => self.cells.push(c),
                None => {
                    self.cells.truncate(at);
                    return false;
                }
            }
        }
        self.cell_at[r] = at as u32;
        true
    }

    /// Input `s` of child row `r` as validation reads it (its default when the cell is blank).
    fn input_cell(
        &mut self,
        s: usize,
        r: usize,
        texts: &mut rustc_hash::FxHashMap<String, u32>,
    ) -> Option<Cell> {
        let input = self.book.schema.inputs.get(s)?;
        if matches!(input.ty, InputType::Numbers | InputType::Items) {
            return None;
        }
        let column = self.binding[s].map(|c| &self.columns.columns()[c].1).filter(|c| !c.is_null(r));
        // A fast row's typed cells are valid values of their input (in range, allowed): read
        // them as they are; anything else through validation.
        let direct = match column.map(|c| &c.data) {
            Some(ColumnData::Int(v)) if input.ty != InputType::Boolean => {
                v.get(r).map(|i| Cell::Num(Num::from_i64(*i)))
            }
            Some(ColumnData::Bool(v)) if input.ty == InputType::Boolean => v.get(r).map(|b| Cell::Bool(*b)),
            _ => None,
        };
        if direct.is_some() {
            return direct;
        }
        let value: Option<Value> = column.and_then(|c| c.value(r));
        let val = match &value {
            Some(v) => super::validate::one(input, v).ok()?,
            None => match &input.default {
                Some(DefaultDoc::Num(n)) => Val::Num(n.clone()),
                Some(DefaultDoc::Bool(b)) => Val::Bool(*b),
                Some(DefaultDoc::Text(t)) => Val::Text(t.as_str()),
                Some(DefaultDoc::List(_)) => Val::NoData,
                None if input.required => return None,
                None => Val::NoData,
            },
        };
        Some(match val {
            Val::Num(n) => Cell::Num(n),
            Val::Bool(b) => Cell::Bool(b),
            Val::Text(t) => Cell::Text(match texts.get(t) {
                Some(&at) => at,
                None => {
                    let at = self.texts.len() as u32;
                    texts.insert(t.to_owned(), at);
                    self.texts.push(t.to_owned());
                    at
                }
            }),
            Val::NoData => Cell::NoData,
        })
    }
}
