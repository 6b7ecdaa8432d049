//! A record's lists (spec §18): every list input's items checked (after the record's own inputs,
//! in declaration order, items in input order, nested lists depth-first), then the items a
//! rulebook scores are scored — once per record, whatever reads them — and every list is laid
//! out as rows of field values, sorted by `order_by`, for aggregates and the `items` rule.

use rust_decimal::Decimal;

use super::{Checked, ProfileChoice, View, check, finish, key_of};
use crate::compile::{Compiled, ItemField, ListDef, ListShape};
use crate::date::Date;
use crate::error::Issue;
use crate::expr::{ItemRows, Val};
use crate::input::Value;
use crate::num::Num;
use crate::outcome::{ItemResult, ItemResults};

/// A list after checking.
pub(super) enum ListState<'r> {
    /// Missing (or not a list: its input error is reported already).
    Missing,
    /// Rows ready to read (marks, or items with declared fields).
    Rows(ItemRows<'r>),
    /// Items checked and waiting to be scored by their rulebook.
    Scored(Vec<ScoredItem<'r>>),
}

/// One item of a scored list, checked.
pub(super) struct ScoredItem<'r> {
    /// 0-based position in the input.
    position: u32,
    /// `households[17] (5100000017)`.
    path: String,
    /// The item's key (its rulebook's `key_field` value).
    key: Option<String>,
    checked: Checked<'r>,
}

/// The value of list input `def` in `view`: the record's, else the input's default.
fn list_value<'r>(book: &'r Compiled, view: &View<'r>, def: &ListDef) -> Option<&'r Value> {
    view.get(def.slot).or_else(|| book.schema.inputs.get(def.slot as usize)?.list_default.as_ref())
}

/// `households[17]`, with ` (key)` when the item has one.
fn item_path(list: &str, position: usize, key: Option<&str>) -> String {
    match key {
        Some(k) if !k.is_empty() => format!("{list}[{}] ({k})", position + 1),
        _ => format!("{list}[{}]", position + 1),
    }
}

/// Check every list of a record whose own inputs were checked; problems go to `issues`, each
/// naming its item.
pub(super) fn check_lists<'r>(
    book: &'r Compiled,
    view: &View<'r>,
    as_of: Option<Date>,
    given: Option<(&'r super::Joined, usize)>,
    issues: &mut Vec<Issue>,
) -> Vec<ListState<'r>> {
    let mut out = Vec::with_capacity(book.lists.len());
    for (k, def) in book.lists.iter().enumerate() {
        // A list given already scored (a child table scored as a batch): its rows as they are.
        if let Some(rows) = given.and_then(|(j, row)| j.rows(k, row)) {
            out.push(ListState::Rows(rows));
            continue;
        }
        let value = list_value(book, view, def);
        let state = match (&def.shape, value) {
            (ListShape::Numbers, Some(Value::Numbers(marks))) => {
                let mut rows = ItemRows::new(1);
                for (i, m) in marks.iter().enumerate() {
                    rows.push(i as u32, [Val::Num(Num::from_decimal(*m))]);
                }
                ListState::Rows(rows)
            }
            (ListShape::Fields, Some(Value::Items(items))) => {
                let schema = book.schema.inputs[def.slot as usize].items.as_deref();
                let Some(schema) = schema else {
                    out.push(ListState::Missing);
                    continue;
                };
                let mut rows = ItemRows::new(schema.inputs.len());
                let mut values = vec![Val::NoData; schema.inputs.len()];
                for (i, item) in items.iter().enumerate() {
                    let path = item_path(&def.name, i, None);
                    let iv = View::of_item(item, schema);
                    let mut mine = Vec::new();
                    values.iter_mut().for_each(|v| *v = Val::NoData);
                    super::validate::inputs(schema, &iv, &mut values, &mut mine);
                    issues.extend(mine.into_iter().map(|m| m.in_item(&path)));
                    rows.push(i as u32, values.iter().cloned());
                }
                ListState::Rows(rows)
            }
            (ListShape::Scored { book: sub, .. }, Some(Value::Items(items))) => {
                let sub: &'r Compiled = sub;
                let mut scored = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    let iv = View::of_item(item, &sub.schema);
                    let key = key_of(sub, &iv);
                    let path = item_path(&def.name, i, key.as_deref());
                    if let Some(issue) = &item.refused {
                        issues.push((**issue).clone().in_item(&path));
                        continue;
                    }
                    let slots = vec![Val::NoData; sub.slot_count];
                    let mut mine = Vec::new();
                    if let Some(checked) = check(
                        sub,
                        iv,
                        ProfileChoice::FromRecord,
                        as_of.or(sub.meta.as_of),
                        slots,
                        None,
                        &mut mine,
                    ) {
                        scored.push(ScoredItem { position: i as u32, path: path.clone(), key, checked });
                    }
                    issues.extend(mine.into_iter().map(|m| m.in_item(&path)));
                }
                ListState::Scored(scored)
            }
            _ => ListState::Missing,
        };
        out.push(state);
    }
    out
}

/// The scored lists of a record: every list as rows, and (when `keep`) each scored item's result.
pub(super) struct Scored<'r> {
    /// Per list: its rows (`None`: missing).
    pub rows: Vec<Option<ItemRows<'r>>>,
    /// Per scored list kept: the items' own results.
    pub results: Vec<ItemResults>,
}

/// Score the items of every scored list (in declaration order, items in input order: the first
/// evaluation fault fails the record, naming the item), then sort every list by its `order_by`.
pub(super) fn score_lists<'r>(
    book: &'r Compiled,
    lists: Vec<ListState<'r>>,
    keep: bool,
) -> Result<Scored<'r>, Vec<Issue>> {
    let mut rows = Vec::with_capacity(lists.len());
    let mut results = Vec::new();
    for (def, state) in book.lists.iter().zip(lists) {
        let mut r = match state {
            ListState::Missing => {
                rows.push(None);
                continue;
            }
            ListState::Rows(r) => r,
            ListState::Scored(items) => {
                let ListShape::Scored { book: sub, fields } = &def.shape else {
                    rows.push(None);
                    continue;
                };
                let sub: &'r Compiled = sub;
                let mut r = ItemRows::new(fields.len());
                let mut kept = Vec::new();
                // Positions run over the whole input list (failed items included).
                let items_len = items.iter().map(|i| i.position as usize + 1).max().unwrap_or(0);
                for item in items {
                    let profile = item.checked.profile;
                    let (trace, outcome, slots) =
                        finish(item.checked, None, None, keep, keep, item.key.clone()).map_err(|issues| {
                            issues.into_iter().map(|i| i.in_item(&item.path)).collect::<Vec<_>>()
                        })?;
                    let row = fields.iter().map(|f| match f {
                        ItemField::Slot(s) => slots.get(*s as usize).cloned().unwrap_or(Val::NoData),
                        ItemField::Total => trace.total.clone().map_or(Val::NoData, Val::Num),
                        ItemField::Max => {
                            if sub.has_total() {
                                Val::Num(sub.round(&sub.max[profile]))
                            } else {
                                Val::NoData
                            }
                        }
                        ItemField::Grade => trace
                            .grade
                            .and_then(|g| sub.grades.get(g as usize))
                            .map_or(Val::NoData, |g| Val::Text(g.label.as_str())),
                        ItemField::Passed => trace.passed.map_or(Val::NoData, Val::Bool),
                        ItemField::Vetoed => Val::Bool(!trace.vetoes.is_empty()),
                    });
                    r.push(item.position, row);
                    if let Some(o) = outcome {
                        kept.push(ItemResult {
                            position: item.position as usize + 1,
                            key: item.key,
                            result: o,
                        });
                    }
                }
                if let Some(f) = def.order_by {
                    r.sort_by_field(f as usize);
                }
                if keep {
                    // In list order (after order_by, §18.6), each with its input position.
                    let mut by_position: Vec<Option<ItemResult>> = vec![None; items_len];
                    for k in kept {
                        let at = k.position - 1;
                        by_position[at] = Some(k);
                    }
                    let kept = r.position.iter().filter_map(|&p| by_position[p as usize].take()).collect();
                    results.push(ItemResults { input: def.name.clone(), items: kept });
                }
                rows.push(Some(r));
                continue;
            }
        };
        if let Some(f) = def.order_by {
            r.sort_by_field(f as usize);
        }
        rows.push(Some(r));
    }
    Ok(Scored { rows, results })
}

/// The marks of a numbers list in `view` (for the panel rule), from the record or the default.
pub(super) fn marks<'r>(book: &'r Compiled, view: &View<'r>, slot: u32) -> Option<&'r [Decimal]> {
    let value = view.get(slot).or_else(|| book.schema.inputs.get(slot as usize)?.list_default.as_ref())?;
    match value {
        Value::Numbers(v) => Some(v),
        _ => None,
    }
}
