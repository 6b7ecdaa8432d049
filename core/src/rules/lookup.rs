//! `lookup`: points from a table keyed by the input's value (对照表计分), e.g. an award level.

use std::cmp::Ordering;

use crate::num::Fraction;
use crate::vector::{AnyCol, NumCol, publish};
use serde::{Deserialize, Serialize};

use super::{ChunkEnv, Kind, RangeEnv, RecordEnv};
use super::{Leaf, put, show};
use crate::ErrorKind;
use crate::expr::Type;
use crate::expr::{CExpr, Fault, Val};
use crate::lang::Lang;
use crate::num::Num;
use crate::range::{Interval, NumRange, Reach, RuleNote, Severity};
use crate::read::{OperandDoc, Reader, Table, Text, operand_of};
use crate::scope::{Expression, Operand, RuleCx};
use crate::syntax::Node;

/// `lookup` as read.
#[derive(Clone, Debug)]
pub struct Doc {
    input: Option<Text>,
    table: Vec<(Text, OperandDoc)>,
    otherwise: Option<OperandDoc>,
}

/// Read `lookup = { input, table = { key = points, … }, else }`.
pub fn read(node: &Node, path: &str, r: &mut Reader) -> Option<Doc> {
    let mut t = Table::of(node, path, r)?;
    let input = t.req_string(r, "input", "the key to look up");
    let mut table = Vec::new();
    if !t.has("table") {
        r.schema(Some(node.pos), path, "missing key `table` (key = points)");
    }
    if let Some(mut tt) = t.table(r, "table") {
        for e in tt.rest() {
            if let Some(v) = operand_of(&e.value, &format!("{path} table \"{}\"", e.key), r) {
                table.push((Text { value: e.key.clone(), pos: e.key_pos }, v));
            }
        }
    }
    let otherwise = t.operand(r, "else");
    t.finish(r, &["input", "table", "else"]);
    Some(Doc { input, table, otherwise })
}

/// A key of a lookup table: text, or a number matched by value.
#[derive(Clone, Debug, PartialEq)]
pub enum Key {
    /// A text key.
    Text(String),
    /// A numeric key.
    Num(Num),
}

impl Key {
    fn matches(&self, v: &Val<'_>) -> bool {
        match (self, v) {
            (Key::Text(k), Val::Text(t)) => k == t,
            (Key::Num(k), Val::Num(n)) => k == n,
            _ => false,
        }
    }
}

/// A compiled `lookup` rule.
#[derive(Clone, Debug)]
pub struct Lookup {
    /// The key expression.
    pub input: Expression,
    /// Entries in file order.
    pub table: Vec<(Key, Operand)>,
    /// Points for an unknown key; without it an unknown key is `LookupMiss`.
    pub otherwise: Option<Operand>,
}

pub fn compile(d: &Doc, cx: &mut RuleCx<'_>) -> Option<Lookup> {
    let src = d.input.as_ref()?;
    let (input, ty) = cx.expression_any(src, "the input of lookup")?;
    if ty == Type::Bool {
        cx.problem(
            ErrorKind::TypeMismatch,
            Some(src.pos),
            "a lookup key must be text or a number, not a boolean",
        );
        return None;
    }
    let mut table = Vec::with_capacity(d.table.len());
    let mut ok = true;
    for (k, v) in &d.table {
        let key = if ty == Type::Num {
            match Num::parse_literal(k.value.trim()) {
                Ok(n) => Key::Num(n),
                Err(_) => {
                    cx.problem(
                        ErrorKind::TypeMismatch,
                        Some(k.pos),
                        format!("the input is a number but key `{}` is not", k.value),
                    );
                    ok = false;
                    continue;
                }
            }
        } else {
            Key::Text(k.value.clone())
        };
        match cx.operand(v) {
            Some(op) => table.push((key, op)),
            None => ok = false,
        }
    }
    let otherwise = match &d.otherwise {
        Some(o) => Some(cx.operand(o)?),
        None => None,
    };
    ok.then_some(Lookup { input, table, otherwise })
}

impl Kind for Lookup {
    type Doc = Doc;
    const KEY: &'static str = "lookup";

    fn read(node: &Node, path: &str, r: &mut Reader) -> Option<Doc> {
        read(node, path, r)
    }

    fn compile(d: &Doc, cx: &mut RuleCx<'_>) -> Option<Lookup> {
        compile(d, cx)
    }

    fn eval<'r>(
        &'r self,
        run: &impl RecordEnv<'r>,
        _max: &Num,
        note: Option<&mut super::Note>,
    ) -> Result<Leaf, Fault> {
        let v = run.eval(&self.input.expr)?;
        if v == Val::NoData {
            return Ok(Leaf::NoData);
        }
        let key = match &v {
            Val::Text(t) => (*t).to_owned(),
            Val::Num(n) => show(n),
            _ => String::new(),
        };
        let (hit, p) = match self.table.iter().find(|(k, _)| k.matches(&v)) {
            Some((_, p)) => (true, run.operand(p)),
            None => match &self.otherwise {
                Some(p) => (false, run.operand(p)),
                None => {
                    return Err(Fault::new(
                        ErrorKind::LookupMiss,
                        format!(
                            "`{key}` is not in the lookup table of {} and there is no `else`",
                            self.input.text
                        ),
                    ));
                }
            },
        };
        put(note, || {
            super::Note::Lookup(Note { input: self.input.text.clone(), key, hit, points: show(&p) })
        });
        Ok(Leaf::Value(p))
    }

    /// The batch kernel: this rule's published points (units of 10^−scale, clamped to
    /// [0, `max`]) for every row of a chunk; a row it cannot be sure of is flagged slow.
    fn units<'a>(&self, env: &impl ChunkEnv<'a>, slow: &mut [bool], max: i64) -> Vec<i64> {
        let raw = self.values(env, slow);
        publish(&raw, max, env.pow(), env.rounding())
    }
    fn exprs(&self) -> Vec<&CExpr> {
        vec![&self.input.expr]
    }

    fn operands(&self) -> Vec<&Operand> {
        self.table.iter().map(|(_, v)| v).chain(self.otherwise.iter()).collect()
    }

    fn texts(&self) -> Vec<&str> {
        self.table
            .iter()
            .filter_map(|(k, _)| match k {
                Key::Text(t) => Some(t.as_str()),
                Key::Num(_) => None,
            })
            .collect()
    }

    /// The entries whose key the input can be, and `else` when it can be something the table
    /// does not list (without `else` that is a `LookupMiss`, no value). A text input with declared
    /// `values` that the table leaves out is a finding.
    fn range(&self, env: &impl RangeEnv, _max: &Num, notes: &mut Vec<RuleNote>) -> NumRange {
        let v = env.value(&self.input.expr);
        let listed = |hit: &dyn Fn(&Key) -> bool| -> Interval {
            self.table
                .iter()
                .filter(|(k, _)| hit(k))
                .fold(Interval::EMPTY, |acc, (_, p)| acc.hull(&Interval::point(env.operand(p))))
        };
        let (mut values, unlisted) = match &v {
            Reach::Text(t) => {
                match &t.values {
                    Some(can_be) => {
                        let missing: Vec<&str> = can_be
                            .iter()
                            .map(String::as_str)
                            .filter(|x| !self.table.iter().any(|(k, _)| matches!(k, Key::Text(k) if k == x)))
                            .collect();
                        if !missing.is_empty() {
                            let (input, list) = (&self.input.text, missing.join("、"));
                            let list_en = missing.join(", ");
                            let (zh_then, en_then, severity) = match &self.otherwise {
                                Some(o) => {
                                    let p = show(&env.operand(o));
                                    (
                                        format!("这些记录按 else 得 {p} 分"),
                                        format!("those records get the else points, {p}"),
                                        Severity::Info,
                                    )
                                }
                                None => (
                                    "没有 else，这些记录评分时出错（LookupMiss）".to_owned(),
                                    "there is no else: those records fail (LookupMiss)".to_owned(),
                                    Severity::Warning,
                                ),
                            };
                            notes.push(RuleNote {
                            code: "lookup-missing-value",
                            severity,
                            zh: format!("查找表没有列出 {input} 可取的值 {list}：{zh_then}"),
                            en: format!("the lookup table does not list {list_en}, which {input} can be: {en_then}"),
                        });
                        }
                        (listed(&|k| matches!(k, Key::Text(k) if can_be.contains(k))), !missing.is_empty())
                    }
                    None => (listed(&|k| matches!(k, Key::Text(_))), true),
                }
            }
            Reach::Num(n) => {
                let all_listed = n
                    .values
                    .single()
                    .is_some_and(|x| self.table.iter().any(|(k, _)| *k == Key::Num(x.clone())));
                (
                    listed(&|k| matches!(k, Key::Num(x) if n.values.contains(x))),
                    !n.values.is_empty() && !all_listed,
                )
            }
            _ => return NumRange::any(),
        };
        if unlisted && let Some(o) = &self.otherwise {
            values = values.hull(&Interval::point(env.operand(o)));
        }
        NumRange { values, no_data: v.no_data() }
    }
}

impl Lookup {
    /// The rule's exact value for every row (before the leaf clamp).
    fn values<'a>(&self, env: &impl ChunkEnv<'a>, slow: &mut [bool]) -> Vec<Fraction> {
        let r = self;
        let n = env.rows();
        let key = env.values(slow, &r.input.expr);
        let table: Vec<(&crate::rules::lookup::Key, NumCol<'_>)> =
            r.table.iter().map(|(k, v)| (k, env.operand(v))).collect();
        let otherwise = r.otherwise.as_ref().map(|o| env.operand(o));
        let mut out = Vec::with_capacity(n);
        for (i, sl) in slow.iter_mut().enumerate().take(n) {
            let hit = table.iter().find(|(k, _)| match (k, &key) {
                (crate::rules::lookup::Key::Text(t), AnyCol::Text(col)) => {
                    env.text_id(t).is_some_and(|id| id == col.at(i))
                }
                (crate::rules::lookup::Key::Num(x), AnyCol::Num(col)) => {
                    Fraction::of(x).is_some_and(|x| Fraction::cmp_value(x, col.at(i)) == Ordering::Equal)
                }
                _ => false,
            });
            out.push(match (hit, &otherwise) {
                (Some((_, v)), _) => v.at(i),
                (None, Some(o)) => o.at(i),
                (None, None) => {
                    *sl = true;
                    Fraction::ZERO
                }
            });
        }
        out
    }
}

/// Which entry was used.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Note {
    /// The input expression.
    pub input: String,
    /// The key looked up.
    pub key: String,
    /// Whether the key was in the table (else: `else`).
    pub hit: bool,
    /// Points given.
    pub points: String,
}

impl Note {
    /// In words.
    pub fn words(&self, lang: Lang) -> String {
        match (lang, self.hit) {
            (Lang::Zh, true) => format!("{} = {}，查表 → {} 分", self.input, self.key, self.points),
            (Lang::Zh, false) => format!("{} = {}，不在表中 → {} 分", self.input, self.key, self.points),
            (Lang::En, true) => {
                format!("{} = {}, from the table → {} points", self.input, self.key, self.points)
            }
            (Lang::En, false) => {
                format!("{} = {} is not in the table → {} points (else)", self.input, self.key, self.points)
            }
        }
    }
}
