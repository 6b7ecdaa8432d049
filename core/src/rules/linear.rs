//! `linear`: points along the line through (x0, p0) and (x1, p1), clamped between p0 and p1
//! (线性插值计分).

use crate::num::{Fraction, Rounding, round_div_i64};
use crate::vector::{each_row, not_fixed, publish_one, uniform};
use serde::{Deserialize, Serialize};

use super::{ChunkEnv, Kind, RangeEnv, RecordEnv};
use super::{Leaf, put, show, value_or_no_data};
use crate::ErrorKind;
use crate::expr::Type;
use crate::expr::{CExpr, Fault};
use crate::lang::Lang;
use crate::num::Num;
use crate::range::{End, Interval, NumRange, RuleNote, Severity};
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

impl Kind for Linear {
    type Doc = Doc;
    const KEY: &'static str = "linear";

    fn read(node: &Node, path: &str, r: &mut Reader) -> Option<Doc> {
        read(node, path, r)
    }

    fn compile(d: &Doc, cx: &mut RuleCx<'_>) -> Option<Linear> {
        compile(d, cx)
    }

    fn eval<'r>(
        &'r self,
        run: &impl RecordEnv<'r>,
        _max: &Num,
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
    fn check(&self, get: &dyn Fn(&Operand) -> Num, problems: &mut Vec<(ErrorKind, String)>) {
        let (x0, x1) = (get(&self.x0), get(&self.x1));
        if x0 == x1 {
            problems.push((
                ErrorKind::DegenerateLinear,
                format!("linear needs two different x values; both are {}", show(&x0)),
            ));
        }
    }

    /// The batch kernel: this rule's published points (units of 10^−scale, clamped to
    /// [0, `max`]) for every row of a chunk; a row it cannot be sure of is flagged slow.
    fn units<'a>(&self, env: &impl ChunkEnv<'a>, slow: &mut [bool], max: i64) -> Vec<i64> {
        let r = self;
        let n = env.rows();
        let (pow, mode) = (env.pow(), env.rounding());
        let profiles = 0..env.profile_count();
        let (x0, p0, x1, p1) =
            (env.operand(&r.x0), env.operand(&r.p0), env.operand(&r.x1), env.operand(&r.p1));
        let line = |k: usize| {
            Some(Line::new(x0.fixed(k)?, p0.fixed(k)?, x1.fixed(k)?, p1.fixed(k)?, pow, max, mode))
        };
        let Some(table) = profiles.map(line).collect::<Option<Vec<_>>>() else {
            return not_fixed(slow, n);
        };
        let v = env.nums(slow, &r.input.expr);
        // One loop per rounding mode, so that rounding is straight-line code for its mode
        // rather than a choice of mode in every row.
        macro_rules! rows_rounding {
            ($mode:expr) => {{
                // (By reference: a `Line` is eleven words, too many to copy in every row.)
                #[inline(always)]
                fn at(line: &Option<Line>, x: Fraction, sl: &mut bool) -> i64 {
                    match line.as_ref().and_then(|l| l.units(x, $mode)) {
                        Some(u) => u,
                        None => {
                            *sl = true;
                            0
                        }
                    }
                }
                match uniform(&table) {
                    Some(line) => each_row(&v, n, slow, |_, x, sl| at(line, x, sl)),
                    None => {
                        each_row(&v, n, slow, |i, x, sl| at(&table[env.row_profiles()[i] as usize], x, sl))
                    }
                }
            }};
        }
        match mode {
            Rounding::HalfUp => rows_rounding!(Rounding::HalfUp),
            Rounding::HalfEven => rows_rounding!(Rounding::HalfEven),
            Rounding::Down => rows_rounding!(Rounding::Down),
            Rounding::Up => rows_rounding!(Rounding::Up),
            Rounding::Floor => rows_rounding!(Rounding::Floor),
            Rounding::Ceiling => rows_rounding!(Rounding::Ceiling),
        }
    }
    fn exprs(&self) -> Vec<&CExpr> {
        vec![&self.input.expr]
    }

    fn operands(&self) -> Vec<&Operand> {
        vec![&self.x0, &self.p0, &self.x1, &self.p1]
    }

    /// The line is monotone: its values over the input's range lie between its values at the
    /// range's ends (at an unbounded end, the clamp's end on that side). A range that meets the
    /// open span between x0 and x1 nowhere never uses the line: every record gets p0 or p1.
    fn range(&self, env: &impl RangeEnv, _max: &Num, notes: &mut Vec<RuleNote>) -> NumRange {
        let v = env.num(&self.input.expr);
        let (x0, p0, x1, p1) =
            (env.operand(&self.x0), env.operand(&self.p0), env.operand(&self.x1), env.operand(&self.p1));
        if x0 == x1 || v.values.is_empty() {
            // x0 = x1 is refused at load; no value: nothing to say.
            return NumRange { values: Interval::EMPTY, no_data: v.no_data };
        }
        // The value far out on each side: the end point the clamp reaches there.
        let rising_x = x1 > x0;
        let (far_left, far_right) = if rising_x { (&p0, &p1) } else { (&p1, &p0) };
        let at = |e: Option<&End>, far: &Num| match e.and_then(End::value) {
            Some(x) => along(x, &x0, &p0, &x1, &p1).unwrap_or_else(|| far.clone()),
            None => far.clone(),
        };
        let (a, b) = (at(v.values.lo(), far_left), at(v.values.hi(), far_right));
        let values = Interval::closed(a.clone().min(b.clone()), a.max(b));
        let (lo, hi) = if rising_x { (&x0, &x1) } else { (&x1, &x0) };
        let span = Interval::new(End::Open(lo.clone()), End::Open(hi.clone()));
        if v.values.intersect(&span).is_empty() {
            let (input, range) = (&self.input.text, v.values.text());
            let (from, to) = (show(&x0), show(&x1));
            let got = values.text();
            notes.push(RuleNote {
                code: "linear-outside-range",
                severity: Severity::Warning,
                zh: format!(
                    "线性区间 {from} 至 {to} 在 {input} 的取值范围 {range} 之外：每条记录都得 {got} 分，不经过插值"
                ),
                en: format!(
                    "the line from {from} to {to} lies outside the range {range} of {input}: every record gets {got}, never a value on the line"
                ),
            });
        }
        NumRange { values, no_data: v.no_data }
    }
}

/// A linear rule's line in one profile, prepared to publish a value with one rounding division:
/// published points = clamp(round((c1·d + c2·n) / (c3·d))) for x = n/d, where the line is
/// p = a + s·x, c1 = 10^scale·a.n·s.d, c2 = 10^scale·s.n·a.d, c3 = a.d·s.d. Rounding is monotone,
/// so rounding the line extended beyond [x0, x1] and clamping between the published end points
/// equals publishing the clamped value.
#[derive(Clone, Copy, PartialEq)]
struct Line {
    /// The published end points, lower first.
    lo: i64,
    hi: i64,
    /// `None` when a constant does not fit 64 bits (every row takes the exact rational path).
    c: Option<(i64, i64, i64)>,
    /// The line as rationals, for that path: start, value there, slope.
    x0: Fraction,
    p0: Fraction,
    slope: Fraction,
    pow: i64,
    max: i64,
}

impl Line {
    /// `None`: a line the interpreter must judge (x0 = x1, or an overflow).
    fn new(
        x0: Fraction,
        p0: Fraction,
        x1: Fraction,
        p1: Fraction,
        pow: i64,
        max: i64,
        mode: Rounding,
    ) -> Option<Line> {
        let slope =
            Fraction::checked_div(Fraction::checked_sub(p1, p0)?, Fraction::checked_sub(x1, x0)?)?.reduce();
        let a = Fraction::checked_sub(p0, Fraction::checked_mul(x0, slope)?)?.reduce();
        let (u0, u1) = (publish_one(&p0, max, pow, mode), publish_one(&p1, max, pow, mode));
        let c = (|| {
            let c1 = pow.checked_mul(a.n)?.checked_mul(slope.d)?;
            let c2 = pow.checked_mul(slope.n)?.checked_mul(a.d)?;
            Some((c1, c2, a.d.checked_mul(slope.d)?))
        })();
        Some(Line { lo: u0.min(u1), hi: u0.max(u1), c, x0, p0, slope, pow, max })
    }

    /// Published points at `x` (`None`: an overflow; the interpreter decides). Inlined into
    /// the row loop, where the rounding mode becomes loop-invariant.
    #[inline(always)]
    fn units(&self, x: Fraction, mode: Rounding) -> Option<i64> {
        if let Some((c1, c2, c3)) = self.c
            && let Some(num) = c1.checked_mul(x.d).and_then(|t| t.checked_add(c2.checked_mul(x.n)?))
            && let Some(den) = c3.checked_mul(x.d)
        {
            return Some((round_div_i64(num, den, mode) as i64).clamp(self.lo, self.hi));
        }
        let v = Fraction::checked_add(
            self.p0,
            Fraction::checked_mul(Fraction::checked_sub(x, self.x0)?, self.slope)?,
        )?;
        Some(publish_one(&v, self.max, self.pow, mode).clamp(self.lo, self.hi))
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
