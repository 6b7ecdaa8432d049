//! Aggregate functions over list inputs (spec §18.1): `count`, `sum`, `mean`, `min`, `max`,
//! `first`, `last` and `share`, each reading the items of one `items` or `numbers` input, with
//! `item.f` naming a field of the item being visited.
//!
//! Items are visited in list order (after `order_by`). `cond` is evaluated for every item and `x`
//! for every selected one, so an evaluation fault anywhere fails the record and wins over no data,
//! whatever the function and wherever the fault sits in the list.

use super::{Bindings, CExpr, Fault, Val, eval};
use crate::num::{Num, Rounding};

/// Which aggregate function.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AggFn {
    /// The number of (selected) items.
    Count,
    /// Σ x over the selected items.
    Sum,
    /// Σ x / n over the selected items.
    Mean,
    /// The smallest x.
    Min,
    /// The largest x.
    Max,
    /// x of the first selected item.
    First,
    /// x of the last selected item.
    Last,
    /// count(cond) / count × 100.
    Share,
}

impl AggFn {
    /// The function by its name in expressions (`min` and `max` are aggregates only when their
    /// first argument is a list input; the caller decides that).
    pub fn from_name(name: &str) -> Option<AggFn> {
        Some(match name {
            "count" => AggFn::Count,
            "sum" => AggFn::Sum,
            "mean" => AggFn::Mean,
            "min" => AggFn::Min,
            "max" => AggFn::Max,
            "first" => AggFn::First,
            "last" => AggFn::Last,
            "share" => AggFn::Share,
            _ => return None,
        })
    }

    /// The name in expressions.
    pub fn name(self) -> &'static str {
        match self {
            AggFn::Count => "count",
            AggFn::Sum => "sum",
            AggFn::Mean => "mean",
            AggFn::Min => "min",
            AggFn::Max => "max",
            AggFn::First => "first",
            AggFn::Last => "last",
            AggFn::Share => "share",
        }
    }
}

/// A compiled aggregate call.
#[derive(Clone, Debug, PartialEq)]
pub struct AggCall {
    /// The function.
    pub func: AggFn,
    /// The list it reads: an index into the rulebook's lists.
    pub list: u32,
    /// The list input's name (for messages).
    pub list_name: Box<str>,
    /// The value per item (`None` for `count` and `share`).
    pub x: Option<CExpr>,
    /// Which items are selected (`None`: all).
    pub cond: Option<CExpr>,
    /// This call's place among the rulebook's aggregate calls (for explanations).
    pub site: u32,
}

/// One list's items as expressions read them: a row of field values per item, in list order
/// (after `order_by`), with each item's position in the input (for messages and explanations).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ItemRows<'a> {
    /// Values per item.
    pub width: usize,
    /// Row-major values, `width` per item.
    pub cells: Vec<Val<'a>>,
    /// 0-based position in the input of each row.
    pub position: Vec<u32>,
}

impl<'a> ItemRows<'a> {
    /// Rows of `width` values each.
    pub fn new(width: usize) -> ItemRows<'a> {
        ItemRows { width, cells: Vec::new(), position: Vec::new() }
    }

    /// The number of items.
    pub fn len(&self) -> usize {
        self.position.len()
    }

    /// The values of row `i`.
    pub fn row(&self, i: usize) -> &[Val<'a>] {
        &self.cells[i * self.width..(i + 1) * self.width]
    }

    /// Append an item at input position `position`.
    pub fn push(&mut self, position: u32, values: impl IntoIterator<Item = Val<'a>>) {
        self.cells.extend(values);
        self.position.push(position);
        debug_assert_eq!(self.cells.len(), self.position.len() * self.width);
    }

    /// Sort rows by the value of field `f`, ascending and stable: numbers by value, text by code
    /// point, rows without a value last (spec §18.4).
    pub fn sort_by_field(&mut self, f: usize) {
        let n = self.len();
        let mut order: Vec<usize> = (0..n).collect();
        let key = |i: usize| &self.cells[i * self.width + f];
        order.sort_by(|&a, &b| {
            use std::cmp::Ordering::*;
            match (key(a), key(b)) {
                (Val::Num(x), Val::Num(y)) => x.cmp(y),
                (Val::Text(x), Val::Text(y)) => x.cmp(y),
                (Val::NoData, Val::NoData) => Equal,
                (Val::NoData, _) => Greater,
                (_, Val::NoData) => Less,
                _ => Equal,
            }
        });
        if order.iter().enumerate().all(|(i, &o)| i == o) {
            return;
        }
        let mut cells = Vec::with_capacity(self.cells.len());
        let mut position = Vec::with_capacity(n);
        for &o in &order {
            cells.extend_from_slice(self.row(o));
            position.push(self.position[o]);
        }
        self.cells = cells;
        self.position = position;
    }
}

/// What an aggregate call found, for its line in an explanation.
#[derive(Clone, Debug, PartialEq)]
pub struct Tally<'a> {
    /// Items selected by `cond` (all items without one).
    pub selected: u32,
    /// Items in the list.
    pub of: u32,
    /// The value.
    pub value: Val<'a>,
    /// The input position (0-based) of the first item whose `cond` or `x` had no data.
    pub no_data_at: Option<u32>,
}

/// The names an expression sees while one item is visited: the record's, and the item's fields.
struct ItemBindings<'e, 'a> {
    outer: &'e dyn Bindings<'a>,
    row: &'e [Val<'a>],
}

impl<'a> Bindings<'a> for ItemBindings<'_, 'a> {
    fn slot(&self, slot: u32) -> &Val<'a> {
        self.outer.slot(slot)
    }
    fn points(&self, node: u32) -> Option<Num> {
        self.outer.points(node)
    }
    fn max_points(&self, node: u32) -> Num {
        self.outer.max_points(node)
    }
    fn rounding(&self) -> Rounding {
        self.outer.rounding()
    }
    fn field(&self, field: u32) -> &Val<'a> {
        self.row.get(field as usize).unwrap_or(&Val::NoData)
    }
}

/// Evaluate an aggregate call (spec §18.1).
pub fn eval_agg<'a>(call: &'a AggCall, env: &dyn Bindings<'a>) -> Result<Val<'a>, Fault> {
    let Some(rows) = env.list(call.list) else {
        // A missing list: every aggregate over it is no data.
        env.tally(call.site, Tally { selected: 0, of: 0, value: Val::NoData, no_data_at: None });
        return Ok(Val::NoData);
    };
    let mut selected = 0u32;
    let mut no_data_at: Option<u32> = None;
    let mut sum = Num::ZERO;
    let mut best: Option<Val<'a>> = None;
    for i in 0..rows.len() {
        let at = rows.position[i];
        let item = ItemBindings { outer: env, row: rows.row(i) };
        let here =
            |f: Fault| Fault { message: format!("{}[{}]: {}", call.list_name, at + 1, f.message), ..f };
        if let Some(cond) = &call.cond {
            match eval(cond, &item).map_err(here)? {
                Val::Bool(true) => {}
                Val::Bool(false) => continue,
                _ => {
                    no_data_at.get_or_insert(at);
                    continue;
                }
            }
        }
        selected += 1;
        let Some(x) = &call.x else { continue };
        let v = eval(x, &item).map_err(here)?;
        if v == Val::NoData {
            no_data_at.get_or_insert(at);
            continue;
        }
        match call.func {
            AggFn::Sum | AggFn::Mean => {
                if let Val::Num(n) = &v {
                    sum = sum.add(n);
                }
            }
            AggFn::Min | AggFn::Max => {
                let better = match (&best, &v) {
                    (None, _) => true,
                    (Some(Val::Num(b)), Val::Num(n)) => {
                        if call.func == AggFn::Min {
                            n < b
                        } else {
                            n > b
                        }
                    }
                    _ => false,
                };
                if better {
                    best = Some(v);
                }
            }
            AggFn::First => {
                if best.is_none() {
                    best = Some(v);
                }
            }
            AggFn::Last => best = Some(v),
            AggFn::Count | AggFn::Share => {}
        }
    }
    let n = rows.len() as u32;
    let value = if no_data_at.is_some() {
        Val::NoData
    } else {
        match call.func {
            AggFn::Count => Val::Num(Num::from_i64(i64::from(selected))),
            AggFn::Sum => Val::Num(sum),
            AggFn::Mean => match sum.checked_div(&Num::from_i64(i64::from(selected))) {
                Some(m) if selected > 0 => Val::Num(m),
                _ => Val::NoData,
            },
            AggFn::Min | AggFn::Max | AggFn::First | AggFn::Last => best.unwrap_or(Val::NoData),
            AggFn::Share => {
                if n == 0 {
                    Val::NoData
                } else {
                    let share = Num::from_i64(i64::from(selected)).mul(&Num::from_i64(100));
                    share.checked_div(&Num::from_i64(i64::from(n))).map_or(Val::NoData, Val::Num)
                }
            }
        }
    };
    env.tally(call.site, Tally { selected, of: n, value: value.clone(), no_data_at });
    Ok(value)
}
