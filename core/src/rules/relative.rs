//! `relative`: points relative to the best of the cohort (以最高值为满分，其余按比例得分), spec §6, §12.
//!
//! `max`: v / cohort max × points; `min` (cost type): cohort min / v × points. The cohort is the
//! batch's rows without input errors, optionally per profile; scoring one record alone needs the
//! cohort figures passed in.

use std::cmp::Ordering;

use crate::num::Fraction;
use crate::vector::{all_slow, publish};
use serde::{Deserialize, Serialize};

use super::{ChunkEnv, Kind, RangeEnv, RecordEnv};
use super::{Leaf, put, show, value_or_no_data};
use crate::expr::Type;
use crate::expr::{CExpr, Fault};
use crate::lang::Lang;
use crate::num::Num;
use crate::range::{NumRange, RuleNote, Severity};
use crate::read::{Reader, Table, Text};
use crate::scope::{Expression, RuleCx};
use crate::syntax::Node;

/// Which end of the cohort is best.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Best {
    /// The largest value is best.
    Max,
    /// The smallest value is best (cost type).
    Min,
}

/// `relative` as read.
#[derive(Clone, Debug)]
pub struct Doc {
    input: Option<Text>,
    best: Best,
    per_profile: bool,
}

/// Read `relative = { input, best = "max"|"min", within = "all"|"profile" }`.
pub fn read(node: &Node, path: &str, r: &mut Reader) -> Option<Doc> {
    let mut t = Table::of(node, path, r)?;
    let input = t.req_string(r, "input", "the value compared across the cohort");
    let best = match t.string(r, "best") {
        None => Best::Max,
        Some(s) if s.value == "max" => Best::Max,
        Some(s) if s.value == "min" => Best::Min,
        Some(s) => {
            r.schema(Some(s.pos), path, format!("`best` is \"max\" or \"min\", not \"{}\"", s.value));
            Best::Max
        }
    };
    let per_profile = match t.string(r, "within") {
        None => false,
        Some(s) if s.value == "all" => false,
        Some(s) if s.value == "profile" => true,
        Some(s) => {
            r.schema(Some(s.pos), path, format!("`within` is \"all\" or \"profile\", not \"{}\"", s.value));
            false
        }
    };
    t.finish(r, &["input", "best", "within"]);
    Some(Doc { input, best, per_profile })
}

/// A compiled `relative` rule.
#[derive(Clone, Debug)]
pub struct Relative {
    /// The value compared.
    pub input: Expression,
    /// Which end is best.
    pub best: Best,
    /// Whether the cohort is the record's profile (else all rows).
    pub per_profile: bool,
    /// This rule's index among the rulebook's relative rules (its place in cohort figures).
    pub index: u32,
}

pub fn compile(d: &Doc, cx: &mut RuleCx<'_>) -> Option<Relative> {
    let input = cx.expression(d.input.as_ref()?, Type::Num, "the input of relative")?;
    let index = cx.relative_index(d.input.as_ref()?.pos)?;
    Some(Relative { input, best: d.best, per_profile: d.per_profile, index })
}

/// The value of `v` against the cohort's `best`, times `max` (before the leaf clamp).
pub fn against(best_kind: Best, v: &Num, best: &Num, max: &Num) -> Result<Num, Fault> {
    Ok(match best_kind {
        Best::Max if best.is_zero() => Num::ZERO,
        Best::Max => v.checked_div(best).ok_or_else(Fault::division_by_zero)?.mul(max),
        Best::Min if v == best => max.clone(),
        Best::Min => best.checked_div(v).ok_or_else(Fault::division_by_zero)?.mul(max),
    })
}

impl Kind for Relative {
    type Doc = Doc;
    const KEY: &'static str = "relative";

    fn read(node: &Node, path: &str, r: &mut Reader) -> Option<Doc> {
        read(node, path, r)
    }

    fn compile(d: &Doc, cx: &mut RuleCx<'_>) -> Option<Relative> {
        compile(d, cx)
    }

    fn eval<'r>(
        &'r self,
        run: &impl RecordEnv<'r>,
        max: &Num,
        note: Option<&mut super::Note>,
    ) -> Result<Leaf, Fault> {
        let v = value_or_no_data!(run.num(&self.input.expr)?);
        let best = run.cohort_best(self.index, self.per_profile)?;
        let value = against(self.best, &v, &best, max)?;
        put(note, || {
            super::Note::Relative(Note {
                input: self.input.text.clone(),
                value: show(&v),
                best_kind: self.best,
                best: show(&best),
                per_profile: self.per_profile,
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
        vec![&self.input.expr]
    }

    /// Any value: it depends on the cohort, which no rulebook bounds (the leaf clamp keeps it in
    /// [0, points]; the row holding the cohort's best gets them all). No data when its input
    /// has none.
    fn range(&self, env: &impl RangeEnv, _max: &Num, notes: &mut Vec<RuleNote>) -> NumRange {
        notes.push(RuleNote {
            code: "cohort-dependent",
            severity: Severity::Info,
            zh: "相对评价取决于整批数据中的最好值：可能得 0 至满分之间的任何分数".to_owned(),
            en: "relative to the cohort's best value: it may give anything from 0 to its full points"
                .to_owned(),
        });
        NumRange { no_data: env.num(&self.input.expr).no_data, ..NumRange::any() }
    }
}

impl Relative {
    /// The rule's exact value for every row (before the leaf clamp).
    fn values<'a>(&self, env: &impl ChunkEnv<'a>, slow: &mut [bool], max: i64) -> Vec<Fraction> {
        let r = self;
        let n = env.rows();
        let max_q = Fraction { n: max, d: env.pow() };
        let v = env.nums(slow, &r.input.expr);
        let best = env.cohort_best(r.index, r.per_profile);
        let Some(best) = best else {
            all_slow(slow);
            return vec![Fraction::ZERO; n];
        };
        let mut out = Vec::with_capacity(n);
        for (i, sl) in slow.iter_mut().enumerate().take(n) {
            let x = v.at(i);
            let value = match r.best {
                Best::Max if best.n == 0 => Some(Fraction::ZERO),
                Best::Max => Fraction::checked_div(x, best).and_then(|s| Fraction::checked_mul(s, max_q)),
                Best::Min if Fraction::cmp_value(x, best) == Ordering::Equal => Some(max_q),
                Best::Min => Fraction::checked_div(best, x).and_then(|s| Fraction::checked_mul(s, max_q)),
            };
            out.push(value.unwrap_or_else(|| {
                *sl = true;
                Fraction::ZERO
            }));
        }
        out
    }
}

/// How a relative value was computed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Note {
    /// The input expression.
    pub input: String,
    /// Its value.
    pub value: String,
    /// Which end is best.
    pub best_kind: Best,
    /// The cohort's best value.
    pub best: String,
    /// Whether the cohort was the record's profile.
    pub per_profile: bool,
    /// The value before the leaf clamp.
    pub result: String,
}

impl Note {
    /// In words.
    pub fn words(&self, lang: Lang) -> String {
        let (zh_best, en_best) = match self.best_kind {
            Best::Max => ("最高值", "cohort max"),
            Best::Min => ("最低值", "cohort min"),
        };
        let (zh_scope, en_scope) =
            if self.per_profile { ("同片区", " within the profile") } else { ("", "") };
        match lang {
            Lang::Zh => format!(
                "{} = {}，{zh_scope}{zh_best} {} → {}",
                self.input, self.value, self.best, self.result
            ),
            Lang::En => format!(
                "{} = {}, {en_best}{en_scope} {} → {}",
                self.input, self.value, self.best, self.result
            ),
        }
    }
}
