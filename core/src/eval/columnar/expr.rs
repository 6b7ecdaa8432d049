//! Expressions over a group of rows: every compiled expression node as a loop over columns
//! (through the kernels of [`crate::vector`]), and [`Chunk`], what rule kernels read (the
//! [`ChunkEnv`] the rules name).

use std::borrow::Cow;
use std::cmp::Ordering;

use super::plan::Plan;
use super::{Figures, NONE};
use crate::compile::Compiled;
use crate::expr::{CExpr, Const, cmp_holds};
use crate::num::{Fraction, Rounding};
use crate::rules::ChunkEnv;
use crate::scope::Operand;
use crate::vector::{
    AnyCol, BoolCol, NumCol, TextCol, UNKNOWN_TEXT, all_slow, bools_from, compare, map, zip,
};

/// A slot's column for one group of rows (`'s`: the source, which whole-number columns may
/// borrow).
pub(super) enum Slot<'s> {
    /// One number for every row (a parameter in a chunk of one profile, or the same in all).
    ConstNum(Fraction),
    /// One number per profile (a parameter in a chunk of mixed profiles).
    PerProfile(Vec<Fraction>),
    /// A number per row.
    Nums(Vec<Fraction>),
    /// A whole number per row (an integer input, borrowed from the source where it can be).
    Whole(Cow<'s, [i64]>),
    /// One boolean for every row.
    ConstBool(bool),
    /// A boolean per row.
    Bools(Cow<'s, [bool]>),
    /// One text for every row.
    ConstText(u32),
    /// A text id per row.
    Texts(Vec<u32>),
    /// A list input (read only by rules the batch path does not run) or an unset slot.
    Absent,
}

/// What expressions and rule kernels read while a group of rows is evaluated.
pub(super) struct Chunk<'a> {
    pub(super) book: &'a Compiled,
    pub(super) plan: &'a Plan,
    pub(super) n: usize,
    /// The profile whose points, maxima and weights apply (the same in every profile when the
    /// group mixes profiles).
    pub(super) profile: usize,
    /// Each row's profile.
    pub(super) prof: &'a [u16],
    pub(super) slots: &'a [Slot<'a>],
    /// Published node points (units) so far, for `points()`.
    pub(super) points: &'a [Vec<i64>],
    /// The cohort's figures, for relative rules.
    pub(super) figures: Option<&'a Figures>,
}

impl<'a> ChunkEnv<'a> for Chunk<'a> {
    fn rows(&self) -> usize {
        self.n
    }

    fn profile_count(&self) -> usize {
        self.book.profiles.len()
    }

    fn row_profiles(&self) -> &'a [u16] {
        self.prof
    }

    fn pow(&self) -> i64 {
        self.plan.pow
    }

    fn rounding(&self) -> Rounding {
        self.book.meta.rounding
    }

    #[inline]
    fn nums(&self, slow: &mut [bool], e: &CExpr) -> NumCol<'a> {
        eval_q(self, slow, e)
    }

    #[inline]
    fn bools(&self, slow: &mut [bool], e: &CExpr) -> BoolCol<'a> {
        eval_b(self, slow, e)
    }

    #[inline]
    fn values(&self, slow: &mut [bool], e: &CExpr) -> AnyCol<'a> {
        eval(self, slow, e)
    }

    #[inline]
    fn operand(&self, op: &Operand) -> NumCol<'a> {
        operand_q(self, op)
    }

    fn text_id(&self, text: &str) -> Option<u32> {
        self.plan.texts.get(text).copied()
    }

    fn cohort_best(&self, index: u32, per_profile: bool) -> Option<Fraction> {
        let group = if per_profile { self.profile } else { 0 };
        self.figures?.best.get(index as usize)?.get(group)?.as_ref().and_then(Fraction::of)
    }
}

pub(super) fn into_col(v: AnyCol<'_>) -> Slot<'static> {
    match v {
        AnyCol::Num(NumCol::Column(c)) => Slot::Nums(c.into_owned()),
        AnyCol::Num(NumCol::Whole(c)) => Slot::Whole(Cow::Owned(c.into_owned())),
        AnyCol::Num(NumCol::Const(q)) => Slot::ConstNum(q),
        AnyCol::Num(NumCol::PerProfile(t, _)) => Slot::PerProfile(t.into_owned()),
        AnyCol::Bool(BoolCol::Column(c)) => Slot::Bools(Cow::Owned(c.into_owned())),
        AnyCol::Bool(BoolCol::Const(b)) => Slot::ConstBool(b),
        AnyCol::Text(TextCol::Column(c)) => Slot::Texts(c.into_owned()),
        AnyCol::Text(TextCol::Const(t)) => Slot::ConstText(t),
    }
}

pub(super) fn eval_q<'a>(env: &Chunk<'a>, slow: &mut [bool], e: &CExpr) -> NumCol<'a> {
    match eval(env, slow, e) {
        AnyCol::Num(q) => q,
        // The type checker guarantees a number; anything else is a bug: fall back, never panic.
        _ => {
            all_slow(slow);
            NumCol::Const(Fraction::ZERO)
        }
    }
}

pub(super) fn eval_b<'a>(env: &Chunk<'a>, slow: &mut [bool], e: &CExpr) -> BoolCol<'a> {
    match eval(env, slow, e) {
        AnyCol::Bool(b) => b,
        _ => {
            all_slow(slow);
            BoolCol::Const(false)
        }
    }
}

/// Evaluate an expression over a group of rows.
pub(super) fn eval<'a>(env: &Chunk<'a>, slow: &mut [bool], e: &CExpr) -> AnyCol<'a> {
    let n = env.n;
    match e {
        CExpr::Const(Const::Num(x)) => match Fraction::of(x) {
            Some(q) => AnyCol::Num(NumCol::Const(q)),
            None => {
                all_slow(slow);
                AnyCol::Num(NumCol::Const(Fraction::ZERO))
            }
        },
        CExpr::Const(Const::Bool(b)) => AnyCol::Bool(BoolCol::Const(*b)),
        CExpr::Const(Const::Text(t)) => {
            AnyCol::Text(TextCol::Const(env.plan.texts.get(&**t).copied().unwrap_or(UNKNOWN_TEXT)))
        }
        CExpr::Slot(s) => match &env.slots[*s as usize] {
            Slot::Nums(c) => AnyCol::Num(NumCol::Column(Cow::Borrowed(c))),
            Slot::Whole(c) => AnyCol::Num(NumCol::Whole(Cow::Borrowed(c))),
            Slot::ConstNum(q) => AnyCol::Num(NumCol::Const(*q)),
            Slot::PerProfile(t) => AnyCol::Num(NumCol::PerProfile(Cow::Borrowed(t), env.prof)),
            Slot::Bools(c) => AnyCol::Bool(BoolCol::Column(Cow::Borrowed(c))),
            Slot::ConstBool(b) => AnyCol::Bool(BoolCol::Const(*b)),
            Slot::Texts(c) => AnyCol::Text(TextCol::Column(Cow::Borrowed(c))),
            Slot::ConstText(t) => AnyCol::Text(TextCol::Const(*t)),
            Slot::Absent => {
                all_slow(slow);
                AnyCol::Num(NumCol::Const(Fraction::ZERO))
            }
        },
        CExpr::Neg(a) => {
            let a = eval_q(env, slow, a);
            AnyCol::Num(map(n, &a, slow, |x| Some(Fraction { n: x.n.checked_neg()?, d: x.d })))
        }
        CExpr::Abs(a) => {
            let a = eval_q(env, slow, a);
            AnyCol::Num(map(n, &a, slow, |x| Some(Fraction { n: x.n.checked_abs()?, d: x.d })))
        }
        CExpr::Floor(a) => {
            let a = eval_q(env, slow, a);
            AnyCol::Num(map(n, &a, slow, Fraction::floor))
        }
        CExpr::Ceil(a) => {
            let a = eval_q(env, slow, a);
            AnyCol::Num(map(n, &a, slow, Fraction::ceil))
        }
        CExpr::Round(a, places) => {
            let a = eval_q(env, slow, a);
            let mode = env.book.meta.rounding;
            AnyCol::Num(map(n, &a, slow, |x| Fraction::round(x, *places, mode)))
        }
        CExpr::Sum(first, rest) => {
            let mut acc = eval_q(env, slow, first);
            for (neg, t) in rest {
                let b = eval_q(env, slow, t);
                acc = if *neg {
                    zip(n, &acc, &b, slow, Fraction::checked_sub)
                } else {
                    zip(n, &acc, &b, slow, Fraction::checked_add)
                };
            }
            AnyCol::Num(acc)
        }
        CExpr::Product(first, rest) => AnyCol::Num(product(env, slow, first, rest)),
        CExpr::Min(items) | CExpr::Max(items) => {
            let want = if matches!(e, CExpr::Min(_)) { Ordering::Less } else { Ordering::Greater };
            let mut acc = eval_q(env, slow, &items[0]);
            for it in &items[1..] {
                let b = eval_q(env, slow, it);
                acc = zip(n, &acc, &b, slow, |x, y| {
                    Some(if Fraction::cmp_value(y, x) == want { y } else { x })
                });
            }
            AnyCol::Num(acc)
        }
        CExpr::Not(a) => {
            let a = eval_b(env, slow, a);
            AnyCol::Bool(match a {
                BoolCol::Const(b) => BoolCol::Const(!b),
                other => bools_from(n, |i| !other.at(i)),
            })
        }
        CExpr::And(items) | CExpr::Or(items) => {
            // Eager: on rows where nothing faults and nothing is missing this equals
            // short-circuit evaluation; rows where a later operand faults are flagged slow.
            let is_and = matches!(e, CExpr::And(_));
            let mut acc: Vec<bool> = vec![is_and; n];
            for it in items {
                let b = eval_b(env, slow, it);
                for (i, a) in acc.iter_mut().enumerate() {
                    let v = b.at(i);
                    *a = if is_and { *a && v } else { *a || v };
                }
            }
            AnyCol::Bool(BoolCol::Column(Cow::Owned(acc)))
        }
        CExpr::Cmp(op, a, b) => {
            let a = eval(env, slow, a);
            let b = eval(env, slow, b);
            let op = *op;
            AnyCol::Bool(match (&a, &b) {
                (AnyCol::Num(x), AnyCol::Num(y)) => compare(n, x, y, |o| cmp_holds(op, o)),
                (AnyCol::Bool(x), AnyCol::Bool(y)) => bools_from(n, |i| cmp_holds(op, x.at(i).cmp(&y.at(i)))),
                (AnyCol::Text(x), AnyCol::Text(y)) => {
                    let both_free = !(x.is_const() && y.is_const());
                    let mut out = Vec::with_capacity(n);
                    for (i, sl) in slow.iter_mut().enumerate().take(n) {
                        let (p, q) = (x.at(i), y.at(i));
                        // Two values that are not rulebook constants may still be equal texts:
                        // only the interpreter can tell.
                        if p == UNKNOWN_TEXT && q == UNKNOWN_TEXT && both_free {
                            *sl = true;
                        }
                        out.push(cmp_holds(op, p.cmp(&q)));
                    }
                    BoolCol::Column(Cow::Owned(out))
                }
                _ => {
                    all_slow(slow);
                    BoolCol::Const(false)
                }
            })
        }
        CExpr::In(v, list) => {
            let v = eval(env, slow, v);
            AnyCol::Bool(match &v {
                AnyCol::Num(x) => {
                    let consts: Vec<Fraction> = list
                        .iter()
                        .filter_map(|c| match c {
                            Const::Num(n) => Fraction::of(n),
                            _ => None,
                        })
                        .collect();
                    bools_from(n, |i| {
                        consts.iter().any(|c| Fraction::cmp_value(*c, x.at(i)) == Ordering::Equal)
                    })
                }
                AnyCol::Text(x) => {
                    let ids: Vec<u32> = list
                        .iter()
                        .filter_map(|c| match c {
                            Const::Text(t) => env.plan.texts.get(&**t).copied(),
                            _ => None,
                        })
                        .collect();
                    bools_from(n, |i| ids.contains(&x.at(i)))
                }
                AnyCol::Bool(x) => {
                    let bs: Vec<bool> = list
                        .iter()
                        .filter_map(|c| if let Const::Bool(b) = c { Some(*b) } else { None })
                        .collect();
                    bools_from(n, |i| bs.contains(&x.at(i)))
                }
            })
        }
        CExpr::If(c, a, b) => {
            let c = eval_b(env, slow, c);
            let a = eval(env, slow, a);
            let b = eval(env, slow, b);
            match (a, b) {
                (AnyCol::Num(x), AnyCol::Num(y)) => AnyCol::Num(NumCol::Column(Cow::Owned(
                    (0..n).map(|i| if c.at(i) { x.at(i) } else { y.at(i) }).collect(),
                ))),
                (AnyCol::Bool(x), AnyCol::Bool(y)) => {
                    AnyCol::Bool(bools_from(n, |i| if c.at(i) { x.at(i) } else { y.at(i) }))
                }
                (AnyCol::Text(x), AnyCol::Text(y)) => AnyCol::Text(TextCol::Column(Cow::Owned(
                    (0..n).map(|i| if c.at(i) { x.at(i) } else { y.at(i) }).collect(),
                ))),
                _ => {
                    all_slow(slow);
                    AnyCol::Num(NumCol::Const(Fraction::ZERO))
                }
            }
        }
        CExpr::Points(node) => {
            let col = &env.points[*node as usize];
            let pow = env.plan.pow;
            let mut out = Vec::with_capacity(n);
            for (i, sl) in slow.iter_mut().enumerate().take(n) {
                let u = col.get(i).copied().unwrap_or(NONE);
                if u == NONE {
                    *sl = true;
                    out.push(Fraction::ZERO);
                } else {
                    out.push(Fraction { n: u, d: pow });
                }
            }
            AnyCol::Num(NumCol::Column(Cow::Owned(out)))
        }
        CExpr::MaxPoints(node) => AnyCol::Num(NumCol::Const(Fraction {
            n: env.plan.node_units[env.profile][*node as usize],
            d: env.plan.pow,
        })),
        // Every value on the fast path has data (a row with none is slow), so `known` holds
        // wherever its argument evaluates; the argument is still evaluated for its faults.
        CExpr::Known(x) => {
            let _ = eval(env, slow, x);
            AnyCol::Bool(BoolCol::Const(true))
        }
        // The plan keeps rulebooks with aggregates off this path (their lists are scored
        // first, then the rows); reaching one here is a bug: fall back, never panic.
        CExpr::Agg(_) | CExpr::Field(_) => {
            all_slow(slow);
            AnyCol::Num(NumCol::Const(Fraction::ZERO))
        }
    }
}

/// `first` ×/÷ `rest`…. The usual rate, `a / b * k` with a whole constant `k` over whole-number
/// or decimal columns, is one pass over the rows that makes (a·k)/b directly (exact rationals
/// commute); a row whose divisor is not positive or that overflows goes slow (the interpreter
/// decides it). Anything else runs step by step.
fn product<'a>(env: &Chunk<'a>, slow: &mut [bool], first: &CExpr, rest: &[(bool, CExpr)]) -> NumCol<'a> {
    let n = env.n;
    let mut acc = eval_q(env, slow, first);
    let operands: Vec<(bool, NumCol<'a>)> = rest.iter().map(|(d, t)| (*d, eval_q(env, slow, t))).collect();
    if let [(true, b), (false, NumCol::Const(k))] = &operands[..]
        && k.d == 1
    {
        let k = k.n;
        match (&acc, b) {
            (NumCol::Whole(xs), NumCol::Whole(ys)) => {
                return rate_rows(&xs[..n], &ys[..n], slow, |x, y| match x.checked_mul(k) {
                    Some(n) if y > 0 => Some(Fraction { n, d: y }),
                    _ => None,
                });
            }
            // (a.n·b.d·k) / (a.d·b.n): the same rational the two passes would make, unreduced.
            (NumCol::Column(xs), NumCol::Column(ys)) => {
                return rate_rows(&xs[..n], &ys[..n], slow, |x, y| {
                    match (x.n.checked_mul(y.d).and_then(|t| t.checked_mul(k)), x.d.checked_mul(y.n)) {
                        (Some(n), Some(d)) if y.n > 0 => Some(Fraction { n, d }),
                        _ => None,
                    }
                });
            }
            _ => {}
        }
    }
    for (is_div, b) in &operands {
        acc = if *is_div {
            zip(n, &acc, b, slow, Fraction::checked_div)
        } else {
            zip(n, &acc, b, slow, Fraction::checked_mul)
        };
    }
    acc
}

/// One pass of a fused rate over two columns: `f`'s value, or `None` and the row flagged slow.
#[inline(always)]
fn rate_rows<X: Copy, Y: Copy>(
    xs: &[X],
    ys: &[Y],
    slow: &mut [bool],
    f: impl Fn(X, Y) -> Option<Fraction>,
) -> NumCol<'static> {
    let out: Vec<Fraction> = slow[..xs.len()]
        .iter_mut()
        .zip(xs.iter().zip(ys))
        .map(|(sl, (&x, &y))| match f(x, y) {
            Some(q) => q,
            None => {
                *sl = true;
                Fraction::ONE
            }
        })
        .collect();
    NumCol::Column(Cow::Owned(out))
}

/// An operand: a constant, or a parameter (constant within a profile group).
pub(super) fn operand_q<'a>(env: &Chunk<'a>, op: &Operand) -> NumCol<'a> {
    match op {
        Operand::Const(n) => NumCol::Const(Fraction::of(n).unwrap_or(Fraction::ZERO)),
        Operand::Param(slot) => match &env.slots[*slot as usize] {
            Slot::ConstNum(q) => NumCol::Const(*q),
            Slot::PerProfile(t) => NumCol::PerProfile(Cow::Borrowed(t), env.prof),
            Slot::Nums(c) => NumCol::Column(Cow::Borrowed(c)),
            Slot::Whole(c) => NumCol::Whole(Cow::Borrowed(c)),
            _ => NumCol::Const(Fraction::ZERO),
        },
    }
}
