//! `deduct`: start from the indicator's points and take `each` off per unit, down to `floor`
//! (扣分制). `each` defaults to 1; n may be the length of a list input (findings).

use std::cmp::Ordering;

use crate::num::Fraction;
use crate::vector::{NumCol, each_row, not_fixed, publish_one, uniform};
use serde::{Deserialize, Serialize};

use super::{ChunkEnv, Kind, RangeEnv, RecordEnv};
use super::{Leaf, Quantity, put, show, value_or_no_data};
use crate::expr::{CExpr, Fault};
use crate::lang::Lang;
use crate::num::Num;
use crate::range::{Interval, NumRange, RuleNote};
use crate::read::{OperandDoc, Reader, Table, Text};
use crate::scope::{Operand, RuleCx};
use crate::syntax::Node;

/// `deduct` as read.
#[derive(Clone, Debug)]
pub struct Doc {
    input: Option<Text>,
    each: Option<OperandDoc>,
    floor: Option<OperandDoc>,
}

/// Read `deduct = { input, each, floor }`.
pub fn read(node: &Node, path: &str, r: &mut Reader) -> Option<Doc> {
    let mut t = Table::of(node, path, r)?;
    let input = t.req_string(r, "input", "the number of faults");
    let d = Doc { input, each: t.operand(r, "each"), floor: t.operand(r, "floor") };
    t.finish(r, &["input", "each", "floor"]);
    Some(d)
}

/// A compiled `deduct` rule.
#[derive(Clone, Debug)]
pub struct Deduct {
    /// How many units (a number, or the length of a list input).
    pub input: Quantity,
    /// Points taken per unit.
    pub each: Operand,
    /// Lowest value.
    pub floor: Operand,
}

pub fn compile(d: &Doc, cx: &mut RuleCx<'_>) -> Option<Deduct> {
    let input = Quantity::compile(d.input.as_ref()?, cx, "the input of deduct");
    let each = match &d.each {
        Some(e) => cx.operand(e),
        None => Some(Operand::Const(Num::ONE)),
    };
    let floor = match &d.floor {
        Some(f) => cx.operand(f),
        None => Some(Operand::Const(Num::ZERO)),
    };
    Some(Deduct { input: input?, each: each?, floor: floor? })
}

impl Kind for Deduct {
    type Doc = Doc;
    const KEY: &'static str = "deduct";

    fn read(node: &Node, path: &str, r: &mut Reader) -> Option<Doc> {
        read(node, path, r)
    }

    fn compile(d: &Doc, cx: &mut RuleCx<'_>) -> Option<Deduct> {
        compile(d, cx)
    }

    fn eval<'r>(
        &'r self,
        run: &impl RecordEnv<'r>,
        max: &Num,
        note: Option<&mut super::Note>,
    ) -> Result<Leaf, Fault> {
        let n = value_or_no_data!(self.input.eval(run)?);
        let (each, floor) = (run.operand(&self.each), run.operand(&self.floor));
        let left = max.sub(&n.mul(&each));
        let value = if left < floor { floor.clone() } else { left };
        put(note, || {
            super::Note::Deduct(Note {
                input: self.input.text().to_owned(),
                n: show(&n),
                each: show(&each),
                from: show(max),
                floor: show(&floor),
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
        let (each, floor) = (env.operand(&r.each), env.operand(&r.floor));
        let table = profiles.map(|k| Some((each.fixed(k)?, floor.fixed(k)?))).collect::<Option<Vec<_>>>();
        let (Some(e), Some(table)) = (r.input.expr(), table) else {
            return not_fixed(slow, n);
        };
        let max_q = Fraction { n: max, d: pow };
        let v = env.nums(slow, e);
        // Whole numbers with `each` and `floor` whole in units (the usual case): integers
        // only. Saturating where the exact value is far outside [0, max] anyway: the clamp
        // gives what rounding the exact value would.
        if let (NumCol::Whole(xs), Some(&(each, floor))) = (&v, uniform(&table))
            && let (Some(each), Some(floor)) = (each.units(pow), floor.units(pow))
        {
            return xs[..n]
                .iter()
                .map(|&x| max.saturating_sub(x.saturating_mul(each)).max(floor).clamp(0, max))
                .collect();
        }
        each_row(&v, n, slow, |i, x, sl| {
            let (each, floor) = &table[env.row_profiles()[i] as usize];
            match Fraction::checked_mul(x, *each).and_then(|t| Fraction::checked_sub(max_q, t)) {
                Some(left) => {
                    units(if Fraction::cmp_value(left, *floor) == Ordering::Less { *floor } else { left })
                }
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
        vec![&self.each, &self.floor]
    }

    fn list_slot(&self) -> Option<u32> {
        self.input.list_slot()
    }

    fn batch_support(&self) -> Result<(), &'static str> {
        if self.input.list_slot().is_some() { Err("deduct over a list") } else { Ok(()) }
    }

    /// max(points − n × each, floor) over n's range.
    fn range(&self, env: &impl RangeEnv, max: &Num, _notes: &mut Vec<RuleNote>) -> NumRange {
        let each = Interval::point(env.operand(&self.each));
        let floor = Interval::point(env.operand(&self.floor));
        let from = Interval::point(max.clone());
        self.input.range(env).map(|n| from.sub(&n.mul(&each)).max(&floor))
    }
}

/// How a deduction was computed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Note {
    /// What was counted.
    pub input: String,
    /// How many.
    pub n: String,
    /// Points taken each.
    pub each: String,
    /// The starting points.
    pub from: String,
    /// The lowest value.
    pub floor: String,
    /// max(from − n × each, floor).
    pub result: String,
}

impl Note {
    /// In words.
    pub fn words(&self, lang: Lang) -> String {
        match lang {
            Lang::Zh => format!(
                "{} = {}，每个扣 {} 分：{} − {} × {} → {}（不低于 {}）",
                self.input, self.n, self.each, self.from, self.n, self.each, self.result, self.floor
            ),
            Lang::En => format!(
                "{} = {}, {} off each: {} − {} × {} → {} (floor {})",
                self.input, self.n, self.each, self.from, self.n, self.each, self.result, self.floor
            ),
        }
    }
}
