//! `check`: fixed points when a condition holds (达标即得分), else the `else` points.

use serde::{Deserialize, Serialize};

use super::RecordEnv;
use super::{Leaf, put, show};
use crate::expr::Fault;
use crate::expr::Type;
use crate::lang::Lang;
use crate::num::Num;
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

/// Compile.
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

impl Check {
    /// Score.
    pub fn eval<'r>(
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
