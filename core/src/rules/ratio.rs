//! `ratio`: the share of a target reached, capped at 1, times the indicator's points (完成率计分).

use std::cmp::Ordering;

use crate::num::Fraction;
use crate::vector::publish;
use serde::{Deserialize, Serialize};

use super::{ChunkEnv, Kind, RangeEnv, RecordEnv};
use super::{Leaf, put, show, value_or_no_data};
use crate::expr::Type;
use crate::expr::{CExpr, Fault};
use crate::lang::Lang;
use crate::num::Num;
use crate::range::{Interval, NumRange, RuleNote};
use crate::read::{Reader, Table, Text};
use crate::scope::{Expression, RuleCx};
use crate::syntax::{Node, Value};

/// `ratio` as read.
#[derive(Clone, Debug)]
pub struct Doc {
    input: Option<Text>,
    target: Option<Text>,
}

/// Read `ratio = { input, target }` (target: a name, an expression, or a number).
pub fn read(node: &Node, path: &str, r: &mut Reader) -> Option<Doc> {
    let mut t = Table::of(node, path, r)?;
    let input = t.req_string(r, "input", "the value reached");
    let target = match t.req_node(r, "target", "the target") {
        Some(n) => match &n.value {
            Value::String(s) => Some(Text { value: s.clone(), pos: n.pos }),
            Value::Integer(s) | Value::Float(s) => Some(Text { value: s.clone(), pos: n.pos }),
            _ => {
                r.schema(
                    Some(n.pos),
                    path,
                    format!("`target` must be a number, a name or an expression, found {}", n.type_name()),
                );
                None
            }
        },
        None => None,
    };
    t.finish(r, &["input", "target"]);
    Some(Doc { input, target })
}

/// A compiled `ratio` rule.
#[derive(Clone, Debug)]
pub struct Ratio {
    /// The value reached.
    pub input: Expression,
    /// The target.
    pub target: Expression,
}

pub fn compile(d: &Doc, cx: &mut RuleCx<'_>) -> Option<Ratio> {
    let input = cx.expression(d.input.as_ref()?, Type::Num, "the input of ratio");
    let target = cx.expression(d.target.as_ref()?, Type::Num, "the target of ratio");
    Some(Ratio { input: input?, target: target? })
}

impl Kind for Ratio {
    type Doc = Doc;
    const KEY: &'static str = "ratio";

    fn read(node: &Node, path: &str, r: &mut Reader) -> Option<Doc> {
        read(node, path, r)
    }

    fn compile(d: &Doc, cx: &mut RuleCx<'_>) -> Option<Ratio> {
        compile(d, cx)
    }

    fn eval<'r>(
        &'r self,
        run: &impl RecordEnv<'r>,
        max: &Num,
        note: Option<&mut super::Note>,
    ) -> Result<Leaf, Fault> {
        let v = run.num(&self.input.expr)?;
        let target = run.num(&self.target.expr)?;
        let (v, target) = (value_or_no_data!(v), value_or_no_data!(target));
        let share = v.checked_div(&target).ok_or_else(Fault::division_by_zero)?;
        let share = if share.is_negative() {
            Num::ZERO
        } else if share > Num::ONE {
            Num::ONE
        } else {
            share
        };
        let value = share.mul(max);
        put(note, || {
            super::Note::Ratio(Note {
                input: self.input.text.clone(),
                value: show(&v),
                target: show(&target),
                share: show(&share),
                result: show(&value),
            })
        });
        Ok(Leaf::Value(value))
    }

    /// The batch kernel: this rule's published points (units of 10^−scale, clamped to
    /// [0, `max`]) for every row of a chunk; a row it cannot be sure of is flagged slow.
    fn units<'a>(&self, env: &impl ChunkEnv<'a>, slow: &mut [bool], max: i64) -> Vec<i64> {
        let raw = self.values(env, slow, max);
        publish(&raw, max, env.pow(), env.rounding())
    }
    fn exprs(&self) -> Vec<&CExpr> {
        vec![&self.input.expr, &self.target.expr]
    }

    /// The share v / target (a zero target is a fault) clamped to [0, 1], times the points.
    fn range(&self, env: &impl RangeEnv, max: &Num, _notes: &mut Vec<RuleNote>) -> NumRange {
        let (v, target) = (env.num(&self.input.expr), env.num(&self.target.expr));
        v.zip(&target, |v, t| {
            v.div(t).clamp(Some(&Num::ZERO), Some(&Num::ONE)).mul(&Interval::point(max.clone()))
        })
    }
}

impl Ratio {
    /// The rule's exact value for every row (before the leaf clamp).
    fn values<'a>(&self, env: &impl ChunkEnv<'a>, slow: &mut [bool], max: i64) -> Vec<Fraction> {
        let r = self;
        let n = env.rows();
        let max_q = Fraction { n: max, d: env.pow() };
        let v = env.nums(slow, &r.input.expr);
        let t = env.nums(slow, &r.target.expr);
        let mut out = Vec::with_capacity(n);
        for (i, sl) in slow.iter_mut().enumerate().take(n) {
            let value = Fraction::checked_div(v.at(i), t.at(i)).and_then(|share| {
                let share = if share.n < 0 {
                    Fraction::ZERO
                } else if Fraction::cmp_value(share, Fraction::ONE) == Ordering::Greater {
                    Fraction::ONE
                } else {
                    share
                };
                Fraction::checked_mul(share, max_q)
            });
            out.push(value.unwrap_or_else(|| {
                *sl = true;
                Fraction::ZERO
            }));
        }
        out
    }
}

/// How a ratio was computed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Note {
    /// The input expression.
    pub input: String,
    /// Its value.
    pub value: String,
    /// The target.
    pub target: String,
    /// value / target, within [0, 1].
    pub share: String,
    /// share × points.
    pub result: String,
}

impl Note {
    /// In words.
    pub fn words(&self, lang: Lang) -> String {
        match lang {
            Lang::Zh => format!(
                "{} = {}，目标 {}，完成比例 {} → {}",
                self.input, self.value, self.target, self.share, self.result
            ),
            Lang::En => format!(
                "{} = {} of target {}, share {} → {}",
                self.input, self.value, self.target, self.share, self.result
            ),
        }
    }
}
