//! `count`: n × each, where n is a number or the length of a list input (计次得分); `each`
//! defaults to 1.

use crate::num::{Fraction, Num};
use crate::vector::{NumCol, each_row, not_fixed, publish_one, uniform};
use serde::{Deserialize, Serialize};

use super::{ChunkEnv, Kind, RangeEnv, RecordEnv};
use super::{Leaf, Quantity, put, show, value_or_no_data};
use crate::expr::{CExpr, Fault};
use crate::lang::Lang;
use crate::range::{Interval, NumRange, RuleNote};
use crate::read::{OperandDoc, Reader, Table, Text};
use crate::scope::{Operand, RuleCx};
use crate::syntax::Node;

/// `count` as read.
#[derive(Clone, Debug)]
pub struct Doc {
    input: Option<Text>,
    each: Option<OperandDoc>,
}

/// Read `count = { input, each }`.
pub fn read(node: &Node, path: &str, r: &mut Reader) -> Option<Doc> {
    let mut t = Table::of(node, path, r)?;
    let d = Doc { input: t.req_string(r, "input", "what is counted"), each: t.operand(r, "each") };
    t.finish(r, &["input", "each"]);
    Some(d)
}

/// A compiled `count` rule.
#[derive(Clone, Debug)]
pub struct Count {
    /// What is counted.
    pub input: Quantity,
    /// Points per unit.
    pub each: Operand,
}

pub fn compile(d: &Doc, cx: &mut RuleCx<'_>) -> Option<Count> {
    let input = Quantity::compile(d.input.as_ref()?, cx, "the input of count")?;
    let each = match &d.each {
        Some(e) => cx.operand(e)?,
        None => Operand::Const(crate::num::Num::ONE),
    };
    Some(Count { input, each })
}

impl Kind for Count {
    type Doc = Doc;
    const KEY: &'static str = "count";

    fn read(node: &Node, path: &str, r: &mut Reader) -> Option<Doc> {
        read(node, path, r)
    }

    fn compile(d: &Doc, cx: &mut RuleCx<'_>) -> Option<Count> {
        compile(d, cx)
    }

    fn eval<'r>(
        &'r self,
        run: &impl RecordEnv<'r>,
        _max: &Num,
        note: Option<&mut super::Note>,
    ) -> Result<Leaf, Fault> {
        let n = value_or_no_data!(self.input.eval(run)?);
        let input = self.input.text();
        let each = run.operand(&self.each);
        let value = n.mul(&each);
        put(note, || {
            super::Note::Count(Note {
                input: input.to_owned(),
                n: show(&n),
                each: show(&each),
                result: show(&value),
            })
        });
        Ok(Leaf::Value(value))
    }

    /// The batch kernel: this rule's published points (units of 10^−scale, clamped to
    /// [0, `max`]) for every row of a chunk; a row it cannot be sure of is flagged slow.
    fn units<'a>(&self, env: &impl ChunkEnv<'a>, slow: &mut [bool], max: i64) -> Vec<i64> {
        let r = self;
        let n = env.rows();
        let (pow, mode) = (env.pow(), env.rounding());
        let profiles = 0..env.profile_count();
        let units = |q: Fraction| publish_one(&q, max, pow, mode);
        let each = env.operand(&r.each);
        let table = profiles.map(|k| each.fixed(k)).collect::<Option<Vec<_>>>();
        let (Some(e), Some(table)) = (r.input.expr(), table) else {
            return not_fixed(slow, n);
        };
        let v = env.nums(slow, e);
        // As in `Deduct`: whole numbers times an `each` whole in units.
        if let (NumCol::Whole(xs), Some(&each)) = (&v, uniform(&table))
            && let Some(each) = each.units(pow)
        {
            return xs[..n].iter().map(|&x| x.saturating_mul(each).clamp(0, max)).collect();
        }
        each_row(&v, n, slow, |i, x, sl| {
            match Fraction::checked_mul(x, table[env.row_profiles()[i] as usize]) {
                Some(q) => units(q),
                None => {
                    *sl = true;
                    0
                }
            }
        })
    }
    fn exprs(&self) -> Vec<&CExpr> {
        self.input.expr().into_iter().collect()
    }

    fn operands(&self) -> Vec<&Operand> {
        vec![&self.each]
    }

    fn list_slot(&self) -> Option<u32> {
        self.input.list_slot()
    }

    fn batch_support(&self) -> Result<(), &'static str> {
        if self.input.list_slot().is_some() { Err("count of a list") } else { Ok(()) }
    }

    /// n × each over n's range.
    fn range(&self, env: &impl RangeEnv, _max: &Num, _notes: &mut Vec<RuleNote>) -> NumRange {
        let each = Interval::point(env.operand(&self.each));
        self.input.range(env).map(|n| n.mul(&each))
    }
}

/// How a count was computed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Note {
    /// What was counted.
    pub input: String,
    /// How many.
    pub n: String,
    /// Points each.
    pub each: String,
    /// n × each.
    pub result: String,
}

impl Note {
    /// In words.
    pub fn words(&self, lang: Lang) -> String {
        match lang {
            Lang::Zh => format!("{} = {}，每个 {} 分 → {}", self.input, self.n, self.each, self.result),
            Lang::En => {
                let unit = if self.each == "1" { "point" } else { "points" };
                format!("{} = {}, {} {unit} each → {}", self.input, self.n, self.each, self.result)
            }
        }
    }
}
