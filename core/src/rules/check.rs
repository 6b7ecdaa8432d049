//! `check`: fixed points when a condition holds (达标即得分), else the `else` points.

use crate::num::Fraction;
use crate::vector::{BoolCol, NumCol, not_fixed, publish_one, uniform};
use serde::{Deserialize, Serialize};

use super::{ChunkEnv, Kind, RangeEnv, RecordEnv};
use super::{Leaf, put, show};
use crate::expr::Type;
use crate::expr::{CExpr, Fault};
use crate::lang::Lang;
use crate::num::Num;
use crate::range::{Interval, NumRange, RuleNote, Severity};
use crate::read::{OperandDoc, Reader, Table, Text};
use crate::scope::{Expression, Operand, RuleCx};
use crate::syntax::Node;

/// `check` as read.
#[derive(Clone, Debug)]
pub struct Doc {
    when: Option<Text>,
    points: Option<OperandDoc>,
    otherwise: Option<OperandDoc>,
}

/// Read `check = { when, points, else }`.
pub fn read(node: &Node, path: &str, r: &mut Reader) -> Option<Doc> {
    let mut t = Table::of(node, path, r)?;
    let d = Doc {
        when: t.req_string(r, "when", "the condition"),
        points: t.operand(r, "points"),
        otherwise: t.operand(r, "else"),
    };
    t.finish(r, &["when", "points", "else"]);
    Some(d)
}

/// A compiled `check` rule.
#[derive(Clone, Debug)]
pub struct Check {
    /// The condition.
    pub when: Expression,
    /// Points when it holds; `None` means the indicator's points (after a profile override).
    pub points: Option<Operand>,
    /// Points when it does not hold.
    pub otherwise: Operand,
}

pub fn compile(d: &Doc, cx: &mut RuleCx<'_>) -> Option<Check> {
    let when = cx.expression(d.when.as_ref()?, Type::Bool, "the condition of check");
    let points = match &d.points {
        Some(p) => Some(cx.operand(p)?),
        None => None,
    };
    let otherwise = match &d.otherwise {
        Some(p) => cx.operand(p)?,
        None => Operand::Const(Num::ZERO),
    };
    Some(Check { when: when?, points, otherwise })
}

impl Kind for Check {
    type Doc = Doc;
    const KEY: &'static str = "check";

    fn read(node: &Node, path: &str, r: &mut Reader) -> Option<Doc> {
        read(node, path, r)
    }

    fn compile(d: &Doc, cx: &mut RuleCx<'_>) -> Option<Check> {
        compile(d, cx)
    }

    fn eval<'r>(
        &'r self,
        run: &impl RecordEnv<'r>,
        max: &Num,
        note: Option<&mut super::Note>,
    ) -> Result<Leaf, Fault> {
        let Some(holds) = run.truth(&self.when.expr)? else {
            return Ok(Leaf::NoData);
        };
        let p = if holds {
            self.points.as_ref().map_or_else(|| max.clone(), |p| run.operand(p))
        } else {
            run.operand(&self.otherwise)
        };
        put(note, || super::Note::Check(Note { when: self.when.text.clone(), holds, points: show(&p) }));
        Ok(Leaf::Value(p))
    }

    /// The batch kernel: this rule's published points (units of 10^−scale, clamped to
    /// [0, `max`]) for every row of a chunk; a row it cannot be sure of is flagged slow.
    fn units<'a>(&self, env: &impl ChunkEnv<'a>, slow: &mut [bool], max: i64) -> Vec<i64> {
        let r = self;
        let n = env.rows();
        let (pow, mode) = (env.pow(), env.rounding());
        let profiles = 0..env.profile_count();
        let units = |q: Fraction| publish_one(&q, max, pow, mode);
        let max_q = Fraction { n: max, d: pow };
        let pts = r.points.as_ref().map_or(NumCol::Const(max_q), |p| env.operand(p));
        let otherwise = env.operand(&r.otherwise);
        let table: Option<Vec<(i64, i64)>> =
            profiles.map(|k| Some((units(pts.fixed(k)?), units(otherwise.fixed(k)?)))).collect();
        let Some(table) = table else {
            return not_fixed(slow, n);
        };
        let c = env.bools(slow, &r.when.expr);
        let pick = |i: usize, c: bool| {
            let (yes, no) = table[env.row_profiles()[i] as usize];
            if c { yes } else { no }
        };
        match (&c, uniform(&table)) {
            // The same points in every profile (the usual case): a select that vectorises.
            (BoolCol::Column(c), Some(&(yes, no))) => {
                c[..n].iter().map(|&c| if c { yes } else { no }).collect()
            }
            (BoolCol::Column(c), None) => c[..n].iter().enumerate().map(|(i, &c)| pick(i, c)).collect(),
            (BoolCol::Const(c), _) => (0..n).map(|i| pick(i, *c)).collect(),
        }
    }
    fn exprs(&self) -> Vec<&CExpr> {
        vec![&self.when.expr]
    }

    fn operands(&self) -> Vec<&Operand> {
        self.points.iter().chain([&self.otherwise]).collect()
    }

    /// The points when the condition can hold, `else` when it can fail. A condition that never
    /// holds, or always does, is a finding: the rule then gives everyone the same points.
    fn range(&self, env: &impl RangeEnv, max: &Num, notes: &mut Vec<RuleNote>) -> NumRange {
        let t = env.truth(&self.when.expr);
        let yes = self.points.as_ref().map_or_else(|| max.clone(), |p| env.operand(p));
        let no = env.operand(&self.otherwise);
        let mut values = Interval::EMPTY;
        if t.can_hold {
            values = values.hull(&Interval::point(yes.clone()));
        }
        if t.can_fail {
            values = values.hull(&Interval::point(no.clone()));
        }
        let when = &self.when.text;
        if t.never() && (t.can_fail || t.no_data) {
            notes.push(RuleNote {
                code: "check-never-holds",
                severity: Severity::Warning,
                zh: format!("条件 {when} 永远不成立：每条记录都得 else 的 {} 分", show(&no)),
                en: format!(
                    "the condition {when} never holds: every record gets the else points, {}",
                    show(&no)
                ),
            });
        } else if t.always() {
            notes.push(RuleNote {
                code: "check-always-holds",
                severity: Severity::Warning,
                zh: format!("条件 {when} 总是成立：每条记录都得 {} 分", show(&yes)),
                en: format!("the condition {when} always holds: every record gets {} points", show(&yes)),
            });
        }
        NumRange { values, no_data: t.no_data }
    }
}

/// Whether the condition held.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Note {
    /// The condition.
    pub when: String,
    /// Whether it held.
    pub holds: bool,
    /// Points given.
    pub points: String,
}

impl Note {
    /// In words.
    pub fn words(&self, lang: Lang) -> String {
        match (lang, self.holds) {
            (Lang::Zh, true) => format!("{} 成立 → {} 分", self.when, self.points),
            (Lang::Zh, false) => format!("{} 不成立 → {} 分", self.when, self.points),
            (Lang::En, true) => format!("{} holds → {} points", self.when, self.points),
            (Lang::En, false) => format!("{} does not hold → {} points", self.when, self.points),
        }
    }
}
