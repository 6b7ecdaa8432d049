//! `linear`: points along the line through (x0, p0) and (x1, p1), clamped between p0 and p1
//! (线性插值计分).

use serde::{Deserialize, Serialize};

use super::RecordEnv;
use super::{Leaf, put, show, value_or_no_data};
use crate::ErrorKind;
use crate::expr::Fault;
use crate::expr::Type;
use crate::lang::Lang;
use crate::num::Num;
use crate::read::operand_pair;
use crate::read::{OperandDoc, Reader, Table, Text};
use crate::scope::{Expression, Operand, RuleCx};
use crate::syntax::Node;

/// `linear` as read.
#[derive(Clone, Debug)]
pub struct Doc {
    input: Option<Text>,
    from: Option<(OperandDoc, OperandDoc)>,
    to: Option<(OperandDoc, OperandDoc)>,
}

/// Read `linear = { input, from = [x0, p0], to = [x1, p1] }`.
pub fn read(node: &Node, path: &str, r: &mut Reader) -> Option<Doc> {
    let mut t = Table::of(node, path, r)?;
    let input = t.req_string(r, "input", "the value on the x axis");
    let from = t.req_node(r, "from", "the start point [x0, p0]").and_then(|n| operand_pair(n, path, r));
    let to = t.req_node(r, "to", "the end point [x1, p1]").and_then(|n| operand_pair(n, path, r));
    t.finish(r, &["input", "from", "to"]);
    Some(Doc { input, from, to })
}

/// A compiled `linear` rule.
#[derive(Clone, Debug)]
pub struct Linear {
    /// The value on the x axis.
    pub input: Expression,
    /// x0
    pub x0: Operand,
    /// p0
    pub p0: Operand,
    /// x1
    pub x1: Operand,
    /// p1
    pub p1: Operand,
}

/// Compile.
pub fn compile(d: &Doc, cx: &mut RuleCx<'_>) -> Option<Linear> {
    let input = cx.expression(d.input.as_ref()?, Type::Num, "the input of linear");
    let (from, to) = (d.from.as_ref()?, d.to.as_ref()?);
    let (x0, p0, x1, p1) = (cx.operand(&from.0), cx.operand(&from.1), cx.operand(&to.0), cx.operand(&to.1));
    Some(Linear { input: input?, x0: x0?, p0: p0?, x1: x1?, p1: p1? })
}

/// The line's value at `v`, clamped between p0 and p1. `None` when x0 = x1.
pub fn along(v: &Num, x0: &Num, p0: &Num, x1: &Num, p1: &Num) -> Option<Num> {
    // One division of exact values: p0 + (v − x0)(p1 − p0) / (x1 − x0).
    let raw = p0.add(&v.sub(x0).mul(&p1.sub(p0)).checked_div(&x1.sub(x0))?);
    let (lo, hi) = if p0 <= p1 { (p0, p1) } else { (p1, p0) };
    Some(if raw < *lo {
        lo.clone()
    } else if raw > *hi {
        hi.clone()
    } else {
        raw
    })
}

impl Linear {
    /// Score.
    pub fn eval<'r>(
        &'r self,
        run: &impl RecordEnv<'r>,
        note: Option<&mut super::Note>,
    ) -> Result<Leaf, Fault> {
        let v = value_or_no_data!(run.num(&self.input.expr)?);
        let (x0, p0, x1, p1) =
            (run.operand(&self.x0), run.operand(&self.p0), run.operand(&self.x1), run.operand(&self.p1));
        let value = along(&v, &x0, &p0, &x1, &p1).ok_or_else(Fault::division_by_zero)?;
        put(note, || {
            super::Note::Linear(Note {
                input: self.input.text.clone(),
                value: show(&v),
                from: [show(&x0), show(&p0)],
                to: [show(&x1), show(&p1)],
                result: show(&value),
            })
        });
        Ok(Leaf::Value(value))
    }

    /// x0 ≠ x1.
    pub fn check(&self, get: &dyn Fn(&Operand) -> Num, problems: &mut Vec<(ErrorKind, String)>) {
        let (x0, x1) = (get(&self.x0), get(&self.x1));
        if x0 == x1 {
            problems.push((
                ErrorKind::DegenerateLinear,
                format!("linear needs two different x values; both are {}", show(&x0)),
            ));
        }
    }
}

/// How a linear value was computed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Note {
    /// The input expression.
    pub input: String,
    /// Its value.
    pub value: String,
    /// [x0, p0]
    pub from: [String; 2],
    /// [x1, p1]
    pub to: [String; 2],
    /// The value on the line, clamped between p0 and p1.
    pub result: String,
}

impl Note {
    /// In words.
    pub fn words(&self, lang: Lang) -> String {
        match lang {
            Lang::Zh => format!(
                "{} = {}，按 ({}, {}) 至 ({}, {}) 线性计分 → {}",
                self.input, self.value, self.from[0], self.from[1], self.to[0], self.to[1], self.result
            ),
            Lang::En => format!(
                "{} = {}, linear from ({}, {}) to ({}, {}) → {}",
                self.input, self.value, self.from[0], self.from[1], self.to[0], self.to[1], self.result
            ),
        }
    }
}
