//! `items`: each item of a list (a school's awards) is looked up in a nested table by its key
//! fields; per `best_per` group only the highest-valued item counts (one work counted once, at its
//! highest level); each `cap_per` group's sum is capped; the leaf's value is the sum.

use rustc_hash::FxHashMap as HashMap;
use serde::{Deserialize, Serialize};
use std::collections::hash_map::Entry;

use super::{Kind, RangeEnv, RecordEnv};
use super::{Leaf, put, show};
use crate::ErrorKind;
use crate::expr::{Fault, Type, Val};
use crate::input::InputType;
use crate::lang::Lang;
use crate::num::Num;
use crate::range::{End, Interval, NumRange, RuleNote};
use crate::read::string_list;
use crate::read::{OperandDoc, Reader, Table, Text, operand_of};
use crate::scope::{Operand, RuleCx};
use crate::syntax::{Node, Value};

/// `items` as read.
#[derive(Clone, Debug)]
pub struct Doc {
    input: Option<Text>,
    keys: Vec<Text>,
    table: Vec<(Vec<Text>, OperandDoc)>,
    otherwise: Option<OperandDoc>,
    best_per: Option<Text>,
    cap_per: Option<(Text, OperandDoc)>,
}

/// Read `items = { input, keys = [...], table = {...}, else, best_per, cap_per = { field, cap } }`.
pub fn read(node: &Node, path: &str, r: &mut Reader) -> Option<Doc> {
    let mut t = Table::of(node, path, r)?;
    let input = t.req_string(r, "input", "the items input");
    let keys = t
        .req_node(r, "keys", "the item fields that index the table")
        .and_then(|n| string_list(n, path, r))
        .unwrap_or_default();
    let mut table = Vec::new();
    match t.req_node(r, "table", "the points table") {
        Some(n) if !keys.is_empty() => flatten(n, keys.len(), &mut Vec::new(), &mut table, path, r),
        _ => {}
    }
    let otherwise = t.operand(r, "else");
    let best_per = t.string(r, "best_per");
    let cap_per = t.table(r, "cap_per").and_then(|mut c| {
        let field = c.req_string(r, "field", "the field that groups items");
        let cap = if c.has("cap") {
            c.operand(r, "cap")
        } else {
            r.schema(Some(c.pos), &c.path, "missing key `cap`");
            None
        };
        c.finish(r, &["field", "cap"]);
        Some((field?, cap?))
    });
    t.finish(r, &["input", "keys", "table", "else", "best_per", "cap_per"]);
    Some(Doc { input, keys, table, otherwise, best_per, cap_per })
}

/// Walk a nested table `depth` levels deep, collecting (key path, points) leaves.
fn flatten(
    node: &Node,
    depth: usize,
    prefix: &mut Vec<Text>,
    out: &mut Vec<(Vec<Text>, OperandDoc)>,
    path: &str,
    r: &mut Reader,
) {
    if depth == 0 {
        if let Some(v) = operand_of(node, path, r) {
            out.push((prefix.clone(), v));
        }
        return;
    }
    let Value::Table(entries) = &node.value else {
        r.schema(
            Some(node.pos),
            path,
            format!("the table is indexed by {depth} more key(s) here; found {}", node.type_name()),
        );
        return;
    };
    for e in entries {
        prefix.push(Text { value: e.key.clone(), pos: e.key_pos });
        flatten(&e.value, depth - 1, prefix, out, path, r);
        prefix.pop();
    }
}

/// A compiled `items` rule.
#[derive(Clone, Debug)]
pub struct Items {
    /// The items input's slot.
    pub slot: u32,
    /// The input's name.
    pub name: String,
    /// The key fields, in table order.
    pub keys: Vec<String>,
    /// Their positions in an item's row.
    key_fields: Vec<u32>,
    /// (key values, points).
    pub table: Vec<(Vec<String>, Operand)>,
    /// Key values → position in `table` (the first, when a key is written twice).
    lookup: HashMap<Vec<String>, usize>,
    /// Points of an item not in the table; without it, `LookupMiss`.
    pub otherwise: Option<Operand>,
    /// Keep only the best item per value of this field (its position in an item's row).
    pub best_per: Option<u32>,
    /// Cap each group's sum: (field position, cap).
    pub cap_per: Option<(u32, Operand)>,
}

pub fn compile(d: &Doc, cx: &mut RuleCx<'_>) -> Option<Items> {
    let input = d.input.as_ref()?;
    let slot = match cx.list_input_kind(&input.value) {
        Some((slot, InputType::Items)) => slot,
        Some(_) => {
            cx.problem(
                ErrorKind::TypeMismatch,
                Some(input.pos),
                format!("an items rule reads an `items` input; `{}` is not one", input.value),
            );
            return None;
        }
        None => {
            cx.problem(ErrorKind::UnknownName, Some(input.pos), format!("unknown input `{}`", input.value));
            return None;
        }
    };
    let fields = cx.list(&input.value).map(|l| l.fields).unwrap_or_default();
    let mut ok = true;
    let mut field = |cx: &mut RuleCx<'_>, f: &Text| -> Option<(u32, Type)> {
        let found = fields.iter().position(|(n, _)| *n == f.value).map(|i| (i as u32, fields[i].1));
        if found.is_none() {
            cx.problem(
                ErrorKind::UnknownName,
                Some(f.pos),
                format!("`{}` is not a field of {}", f.value, input.value),
            );
            ok = false;
        }
        found
    };
    let key_fields: Vec<Option<(u32, Type)>> = d.keys.iter().map(|k| field(cx, k)).collect();
    let key_types: Vec<Option<Type>> = key_fields.iter().map(|k| k.map(|(_, t)| t)).collect();
    let best_per = d.best_per.as_ref().and_then(|b| field(cx, b)).map(|(i, _)| i);
    let cap_field = d.cap_per.as_ref().and_then(|(f, _)| field(cx, f)).map(|(i, _)| i);
    let mut table = Vec::with_capacity(d.table.len());
    for (path, v) in &d.table {
        let key: Vec<String> = path
            .iter()
            .zip(&key_types)
            .map(|(k, ty)| match ty {
                Some(Type::Num) => match Num::parse_literal(k.value.trim()) {
                    Ok(n) => show(&n),
                    Err(_) => {
                        cx.problem(
                            ErrorKind::TypeMismatch,
                            Some(k.pos),
                            format!("key `{}` should be a number", k.value),
                        );
                        k.value.clone()
                    }
                },
                _ => k.value.clone(),
            })
            .collect();
        match cx.operand(v) {
            Some(op) => table.push((key, op)),
            None => ok = false,
        }
    }
    let otherwise = match &d.otherwise {
        Some(o) => Some(cx.operand(o)?),
        None => None,
    };
    let cap_per = match (&d.cap_per, cap_field) {
        (Some((_, c)), Some(f)) => Some((f, cx.operand(c)?)),
        _ => None,
    };
    let mut lookup = HashMap::default();
    for (i, (k, _)) in table.iter().enumerate() {
        lookup.entry(k.clone()).or_insert(i);
    }
    ok.then(|| Items {
        slot,
        lookup,
        name: input.value.clone(),
        keys: d.keys.iter().map(|k| k.value.clone()).collect(),
        key_fields: key_fields.iter().flatten().map(|(i, _)| *i).collect(),
        table,
        otherwise,
        best_per,
        cap_per,
    })
}

impl Kind for Items {
    type Doc = Doc;
    const KEY: &'static str = "items";

    fn read(node: &Node, path: &str, r: &mut Reader) -> Option<Doc> {
        read(node, path, r)
    }

    fn compile(d: &Doc, cx: &mut RuleCx<'_>) -> Option<Items> {
        compile(d, cx)
    }

    /// Score. Every pass over the list is linear in its length: lookups, `best_per` and
    /// `cap_per` go through hash maps keyed by the item's key text.
    fn eval<'r>(
        &'r self,
        run: &impl RecordEnv<'r>,
        _max: &Num,
        note: Option<&mut super::Note>,
    ) -> Result<Leaf, Fault> {
        let Some(items) = run.items(self.slot) else {
            return Ok(Leaf::NoData);
        };
        let explain = note.is_some();
        // 1. Look every item up.
        let mut values: Vec<Num> = Vec::with_capacity(items.len());
        let mut looked: Vec<ItemNote> = Vec::with_capacity(if explain { items.len() } else { 0 });
        let mut key: Vec<String> = Vec::with_capacity(self.keys.len());
        for i in 0..items.len() {
            let item = items.row(i);
            key.clear();
            key.extend(self.key_fields.iter().map(|&k| key_text(&item[k as usize])));
            let (hit, v) = match self.lookup.get(&key[..]) {
                Some(&at) => (true, run.operand(&self.table[at].1)),
                None => match &self.otherwise {
                    Some(op) => (false, run.operand(op)),
                    None => {
                        return Err(Fault::new(
                            ErrorKind::LookupMiss,
                            format!(
                                "item {} of {} ({}) is not in the table and there is no `else`",
                                items.position[i] + 1,
                                self.name,
                                key.join(" / ")
                            ),
                        ));
                    }
                },
            };
            if explain {
                looked.push(ItemNote { key: key.clone(), value: show(&v), hit, kept: true, group: None });
            }
            values.push(v);
        }
        // 2. Per best_per group keep only the highest-valued item (ties: the first in list order).
        let mut kept = vec![true; items.len()];
        if let Some(field) = self.best_per {
            let mut best: HashMap<String, usize> = HashMap::default();
            for i in 0..items.len() {
                match best.entry(key_text(&items.row(i)[field as usize])) {
                    Entry::Vacant(e) => {
                        e.insert(i);
                    }
                    Entry::Occupied(mut e) => {
                        let b = *e.get();
                        if values[i] > values[b] {
                            kept[b] = false;
                            e.insert(i);
                        } else {
                            kept[i] = false;
                        }
                    }
                }
            }
        }
        // 3. Cap each cap_per group's sum (groups in order of their first kept item); 4. add up.
        let mut caps: Vec<GroupNote> = Vec::new();
        let mut total = Num::ZERO;
        match &self.cap_per {
            None => {
                for (v, _) in values.iter().zip(&kept).filter(|(_, k)| **k) {
                    total = total.add(v);
                }
            }
            Some((field, cap)) => {
                let cap = run.operand(cap);
                let mut order: Vec<(String, Num)> = Vec::new();
                let mut index: HashMap<String, usize> = HashMap::default();
                for i in 0..items.len() {
                    let g = key_text(&items.row(i)[*field as usize]);
                    if kept[i] {
                        let at = match index.get(&g) {
                            Some(&at) => at,
                            None => {
                                index.insert(g.clone(), order.len());
                                order.push((g.clone(), Num::ZERO));
                                order.len() - 1
                            }
                        };
                        order[at].1 = order[at].1.add(&values[i]);
                    }
                    if explain {
                        looked[i].group = Some(g);
                    }
                }
                for (g, sum) in order {
                    let capped = sum > cap;
                    total = total.add(if capped { &cap } else { &sum });
                    if explain {
                        caps.push(GroupNote { group: g, sum: show(&sum), cap: show(&cap), capped });
                    }
                }
            }
        }
        put(note, || {
            for (n, k) in looked.iter_mut().zip(&kept) {
                n.kept = *k;
            }
            super::Note::Items(Note {
                input: self.name.clone(),
                items: looked,
                groups: caps,
                result: show(&total),
            })
        });
        Ok(Leaf::Value(total))
    }
    fn operands(&self) -> Vec<&Operand> {
        self.table
            .iter()
            .map(|(_, v)| v)
            .chain(self.otherwise.iter())
            .chain(self.cap_per.iter().map(|(_, c)| c))
            .collect()
    }

    fn list_slot(&self) -> Option<u32> {
        Some(self.slot)
    }

    fn batch_support(&self) -> Result<(), &'static str> {
        Err("items rules")
    }

    /// A sum over any number of items (no list has a declared length): from 0 (no items) up
    /// without bound when an item can be worth more than 0, down without bound when one can be
    /// worth less. Caps are per group, and groups are as many as the items.
    fn range(&self, env: &impl RangeEnv, _max: &Num, _notes: &mut Vec<RuleNote>) -> NumRange {
        let worth: Vec<Num> =
            self.table.iter().map(|(_, p)| p).chain(&self.otherwise).map(|p| env.operand(p)).collect();
        let lo = if worth.iter().any(Num::is_negative) { End::Unbounded } else { End::Closed(Num::ZERO) };
        let hi = if worth.iter().any(Num::is_positive) { End::Unbounded } else { End::Closed(Num::ZERO) };
        NumRange { values: Interval::new(lo, hi), no_data: env.list_len(self.slot).no_data }
    }
}

/// A field's value as a lookup key (numbers by value, so 1 and 1.0 match; no data is "").
fn key_text(v: &Val<'_>) -> String {
    match v {
        Val::Num(n) => show(n),
        Val::Text(t) => (*t).to_owned(),
        Val::Bool(b) => b.to_string(),
        Val::NoData => String::new(),
    }
}

/// One item's lookup.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ItemNote {
    /// Its key field values.
    pub key: Vec<String>,
    /// Its value from the table.
    pub value: String,
    /// Whether the key was in the table (else `else`).
    pub hit: bool,
    /// Whether it counted (false: a better item of the same `best_per` group counted).
    pub kept: bool,
    /// Its `cap_per` group.
    pub group: Option<String>,
}

/// One capped group.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupNote {
    /// The group's field value.
    pub group: String,
    /// The sum of its kept items.
    pub sum: String,
    /// The cap.
    pub cap: String,
    /// Whether the cap applied.
    pub capped: bool,
}

/// How the items added up.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Note {
    /// The items input.
    pub input: String,
    /// Every item.
    pub items: Vec<ItemNote>,
    /// Capped groups.
    pub groups: Vec<GroupNote>,
    /// The sum.
    pub result: String,
}

impl Note {
    /// In words.
    pub fn words(&self, lang: Lang) -> String {
        let kept = self.items.iter().filter(|i| i.kept).count();
        let mut parts: Vec<String> = self
            .items
            .iter()
            .map(|i| {
                let mark = if i.kept {
                    ""
                } else {
                    match lang {
                        Lang::Zh => "（不重复计）",
                        Lang::En => " (not counted twice)",
                    }
                };
                format!("{} = {}{mark}", i.key.join("/"), i.value)
            })
            .collect();
        for g in self.groups.iter().filter(|g| g.capped) {
            parts.push(match lang {
                Lang::Zh => format!("{} 类合计 {} 封顶 {}", g.group, g.sum, g.cap),
                Lang::En => format!("group {} sum {} capped at {}", g.group, g.sum, g.cap),
            });
        }
        match lang {
            Lang::Zh => format!(
                "{} 共 {} 项（计 {} 项）：{} → {}",
                self.input,
                self.items.len(),
                kept,
                parts.join("；"),
                self.result
            ),
            Lang::En => format!(
                "{}: {} item(s), {} counted: {} → {}",
                self.input,
                self.items.len(),
                kept,
                parts.join("; "),
                self.result
            ),
        }
    }
}
