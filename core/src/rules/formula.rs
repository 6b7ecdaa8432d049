//! `formula`: the value of an expression (公式计分); the leaf clamp then keeps it in [0, points].

use crate::num::{Fraction, Num};
use crate::vector::{publish, to_vec};
use serde::{Deserialize, Serialize};

use super::{ChunkEnv, Kind, RangeEnv, RecordEnv};
use super::{Leaf, put, show, value_or_no_data};
use crate::expr::Type;
use crate::expr::{CExpr, Fault};
use crate::lang::Lang;
use crate::range::{NumRange, RuleNote};
use crate::read::{Reader, Text, string_of};
use crate::scope::{Expression, RuleCx};
use crate::syntax::Node;

/// `formula` as read.
#[derive(Clone, Debug)]
pub struct Doc {
    formula: Text,
}

/// Read `formula = "…"`.
pub fn read(node: &Node, path: &str, r: &mut Reader) -> Option<Doc> {
    Some(Doc { formula: string_of(node, path, r)? })
}

/// A compiled `formula` rule.
#[derive(Clone, Debug)]
pub struct Formula {
    /// The expression.
    pub formula: Expression,
}

pub fn compile(d: &Doc, cx: &mut RuleCx<'_>) -> Option<Formula> {
    Some(Formula { formula: cx.expression(&d.formula, Type::Num, "a formula")? })
}

impl Kind for Formula {
    type Doc = Doc;
    const KEY: &'static str = "formula";

    fn read(node: &Node, path: &str, r: &mut Reader) -> Option<Doc> {
        read(node, path, r)
    }

    fn compile(d: &Doc, cx: &mut RuleCx<'_>) -> Option<Formula> {
        compile(d, cx)
    }

    fn eval<'r>(
        &'r self,
        run: &impl RecordEnv<'r>,
        _max: &Num,
        note: Option<&mut super::Note>,
    ) -> Result<Leaf, Fault> {
        let v = value_or_no_data!(run.num(&self.formula.expr)?);
        put(note, || super::Note::Formula(Note { formula: self.formula.text.clone(), result: show(&v) }));
        Ok(Leaf::Value(v))
    }

    /// The batch kernel: this rule's published points (units of 10^−scale, clamped to
    /// [0, `max`]) for every row of a chunk; a row it cannot be sure of is flagged slow.
    fn units<'a>(&self, env: &impl ChunkEnv<'a>, slow: &mut [bool], max: i64) -> Vec<i64> {
        let raw = self.values(env, slow);
        publish(&raw, max, env.pow(), env.rounding())
    }
    fn exprs(&self) -> Vec<&CExpr> {
        vec![&self.formula.expr]
    }

    /// The expression's range.
    fn range(&self, env: &impl RangeEnv, _max: &Num, _notes: &mut Vec<RuleNote>) -> NumRange {
        env.num(&self.formula.expr)
    }
}

impl Formula {
    /// The rule's exact value for every row (before the leaf clamp).
    fn values<'a>(&self, env: &impl ChunkEnv<'a>, slow: &mut [bool]) -> Vec<Fraction> {
        let r = self;
        let n = env.rows();
        let v = env.nums(slow, &r.formula.expr);
        to_vec(v, n)
    }
}

/// The formula and its value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Note {
    /// The expression.
    pub formula: String,
    /// Its value.
    pub result: String,
}

impl Note {
    /// In words.
    pub fn words(&self, lang: Lang) -> String {
        match lang {
            Lang::Zh => format!("公式 {} = {}", self.formula, self.result),
            Lang::En => format!("formula {} = {}", self.formula, self.result),
        }
    }
}
