//! Column values of the batch path and the kernels over them: a chunk of rows' numbers, booleans
//! or texts, each either a column, one value for every row (`Const`), or one value per profile
//! (`PerProfile`: a parameter in a chunk of mixed profiles, looked up by each row's profile).
//! Kernels run a closure over one or two operands with one loop per combination of shapes, so
//! that each loop is monomorphic (after arrow-rs' `arity.rs`: `unary`, `binary`, `try_binary`).
//! A closure that gives `None` (an overflow, a division by zero) flags its row *slow*: the
//! per-record interpreter scores it instead, and says why.
//!
//! Numbers are [`Fraction`]s (small exact rationals); published points are whole numbers of
//! 10^−scale ("units"), so sums of points are integer additions.

use std::borrow::Cow;
use std::cmp::Ordering;

use crate::num::{Fraction, Rounding, round_div_i64, round_div_i128};

/// Text id for a value that is not one of the rulebook's text constants.
pub const UNKNOWN_TEXT: u32 = u32::MAX;

/// A numeric column (owned or borrowed), or one value for every row, or one per profile.
pub enum NumCol<'a> {
    /// A value per row.
    Column(Cow<'a, [Fraction]>),
    /// Whole numbers (an integer input, often borrowed straight from the source's column):
    /// half the memory of `Column`, and operations on them are specialised on the known
    /// denominator.
    Whole(Cow<'a, [i64]>),
    /// One value for every row.
    Const(Fraction),
    /// One value per profile (a parameter in a chunk of mixed profiles), with each row's profile.
    PerProfile(Cow<'a, [Fraction]>, &'a [u16]),
}

impl NumCol<'_> {
    /// Row `i`'s value.
    #[inline]
    pub fn at(&self, i: usize) -> Fraction {
        match self {
            NumCol::Column(v) => v[i],
            NumCol::Whole(v) => Fraction { n: v[i], d: 1 },
            NumCol::Const(q) => *q,
            NumCol::PerProfile(t, prof) => t[prof[i] as usize],
        }
    }

    /// The value for every row of profile `k`, when it depends on the profile alone.
    #[inline]
    pub fn fixed(&self, k: usize) -> Option<Fraction> {
        match self {
            NumCol::Column(_) | NumCol::Whole(_) => None,
            NumCol::Const(q) => Some(*q),
            NumCol::PerProfile(t, _) => t.get(k).copied(),
        }
    }
}

/// A boolean column or one value.
pub enum BoolCol<'a> {
    /// A value per row.
    Column(Cow<'a, [bool]>),
    /// One value for every row.
    Const(bool),
}

impl BoolCol<'_> {
    /// Row `i`'s value.
    #[inline]
    pub fn at(&self, i: usize) -> bool {
        match self {
            BoolCol::Column(v) => v[i],
            BoolCol::Const(b) => *b,
        }
    }
}

/// A text column of interned ids (the rulebook's text constants; [`UNKNOWN_TEXT`] for any other
/// text), or one id.
pub enum TextCol<'a> {
    /// A value per row.
    Column(Cow<'a, [u32]>),
    /// One value for every row.
    Const(u32),
}

impl TextCol<'_> {
    /// Row `i`'s value.
    #[inline]
    pub fn at(&self, i: usize) -> u32 {
        match self {
            TextCol::Column(v) => v[i],
            TextCol::Const(t) => *t,
        }
    }

    /// Whether it is one value for every row.
    pub fn is_const(&self) -> bool {
        matches!(self, TextCol::Const(_))
    }
}

/// Run `f` over two numeric operands, specialised on which are constants so each loop is
/// monomorphic (no per-element dispatch). A `None` from `f` flags the row slow.
#[inline(always)]
pub fn zip<'a>(
    n: usize,
    a: &NumCol<'a>,
    b: &NumCol<'a>,
    slow: &mut [bool],
    f: impl Fn(Fraction, Fraction) -> Option<Fraction>,
) -> NumCol<'a> {
    // Collecting from a slice iterator (exact length) writes without per-element capacity checks.
    macro_rules! go {
        ($x:expr, $y:expr) => {{
            let out: Vec<Fraction> = slow[..n]
                .iter_mut()
                .enumerate()
                .map(|(i, sl)| match f($x(i), $y(i)) {
                    Some(q) => q,
                    None => {
                        *sl = true;
                        Fraction::ONE
                    }
                })
                .collect();
            NumCol::Column(Cow::Owned(out))
        }};
    }
    match (a, b) {
        (NumCol::Const(x), NumCol::Const(y)) => match f(*x, *y) {
            Some(q) => NumCol::Const(q),
            None => go!(|_| *x, |_| *y),
        },
        // A value per profile stays one: computed once per profile (rows of a profile where it
        // fails go slow through the row loop).
        (NumCol::PerProfile(t, prof), _) | (_, NumCol::PerProfile(t, prof))
            if a.fixed(0).is_some() && b.fixed(0).is_some() =>
        {
            let table: Option<Vec<Fraction>> = (0..t.len()).map(|k| f(a.fixed(k)?, b.fixed(k)?)).collect();
            match table {
                Some(t) => NumCol::PerProfile(Cow::Owned(t), prof),
                None => go!(|i: usize| a.at(i), |i: usize| b.at(i)),
            }
        }
        (NumCol::PerProfile(..), _) | (_, NumCol::PerProfile(..)) => {
            go!(|i: usize| a.at(i), |i: usize| b.at(i))
        }
        (NumCol::Const(x), NumCol::Column(ys)) => {
            let ys = &ys[..n];
            go!(|_| *x, |i: usize| ys[i])
        }
        (NumCol::Column(xs), NumCol::Const(y)) => {
            let xs = &xs[..n];
            go!(|i: usize| xs[i], |_| *y)
        }
        (NumCol::Column(xs), NumCol::Column(ys)) => {
            let (xs, ys) = (&xs[..n], &ys[..n]);
            go!(|i: usize| xs[i], |i: usize| ys[i])
        }
        // Whole numbers: the closures build Fraction { n, d: 1 }, so the compiler drops the work on
        // denominators (a multiply by 1 cannot overflow).
        (NumCol::Whole(xs), NumCol::Const(y)) => {
            let xs = &xs[..n];
            go!(|i: usize| Fraction { n: xs[i], d: 1 }, |_| *y)
        }
        (NumCol::Const(x), NumCol::Whole(ys)) => {
            let ys = &ys[..n];
            go!(|_| *x, |i: usize| Fraction { n: ys[i], d: 1 })
        }
        (NumCol::Whole(xs), NumCol::Whole(ys)) => {
            let (xs, ys) = (&xs[..n], &ys[..n]);
            go!(|i: usize| Fraction { n: xs[i], d: 1 }, |i: usize| Fraction { n: ys[i], d: 1 })
        }
        (NumCol::Whole(xs), NumCol::Column(ys)) => {
            let (xs, ys) = (&xs[..n], &ys[..n]);
            go!(|i: usize| Fraction { n: xs[i], d: 1 }, |i: usize| ys[i])
        }
        (NumCol::Column(xs), NumCol::Whole(ys)) => {
            let (xs, ys) = (&xs[..n], &ys[..n]);
            go!(|i: usize| xs[i], |i: usize| Fraction { n: ys[i], d: 1 })
        }
    }
}

/// Run `f` over one numeric operand.
#[inline(always)]
pub fn map<'a>(
    n: usize,
    a: &NumCol<'a>,
    slow: &mut [bool],
    f: impl Fn(Fraction) -> Option<Fraction>,
) -> NumCol<'a> {
    match a {
        NumCol::PerProfile(t, prof) => match t.iter().map(|x| f(*x)).collect::<Option<Vec<Fraction>>>() {
            Some(t) => NumCol::PerProfile(Cow::Owned(t), prof),
            None => {
                let out: Vec<Fraction> = slow[..n]
                    .iter_mut()
                    .enumerate()
                    .map(|(i, sl)| {
                        f(a.at(i)).unwrap_or_else(|| {
                            *sl = true;
                            Fraction::ONE
                        })
                    })
                    .collect();
                NumCol::Column(Cow::Owned(out))
            }
        },
        NumCol::Const(x) => match f(*x) {
            Some(q) => NumCol::Const(q),
            None => {
                slow.iter_mut().for_each(|s| *s = true);
                NumCol::Const(Fraction::ONE)
            }
        },
        NumCol::Whole(xs) => {
            let out: Vec<Fraction> = slow[..n]
                .iter_mut()
                .zip(&xs[..n])
                .map(|(sl, x)| match f(Fraction { n: *x, d: 1 }) {
                    Some(q) => q,
                    None => {
                        *sl = true;
                        Fraction::ONE
                    }
                })
                .collect();
            NumCol::Column(Cow::Owned(out))
        }
        NumCol::Column(xs) => {
            let out: Vec<Fraction> = slow[..n]
                .iter_mut()
                .zip(&xs[..n])
                .map(|(sl, x)| match f(*x) {
                    Some(q) => q,
                    None => {
                        *sl = true;
                        Fraction::ONE
                    }
                })
                .collect();
            NumCol::Column(Cow::Owned(out))
        }
    }
}

/// Compare two numeric operands row by row.
#[inline(always)]
pub fn compare(
    n: usize,
    a: &NumCol<'_>,
    b: &NumCol<'_>,
    holds: impl Fn(Ordering) -> bool,
) -> BoolCol<'static> {
    match (a, b) {
        (NumCol::Const(x), NumCol::Const(y)) => BoolCol::Const(holds(Fraction::cmp_value(*x, *y))),
        (NumCol::Const(x), NumCol::Column(ys)) => {
            BoolCol::Column(Cow::Owned(ys[..n].iter().map(|y| holds(Fraction::cmp_value(*x, *y))).collect()))
        }
        (NumCol::Column(xs), NumCol::Const(y)) => {
            BoolCol::Column(Cow::Owned(xs[..n].iter().map(|x| holds(Fraction::cmp_value(*x, *y))).collect()))
        }
        (NumCol::Column(xs), NumCol::Column(ys)) => BoolCol::Column(Cow::Owned(
            xs[..n].iter().zip(&ys[..n]).map(|(x, y)| holds(Fraction::cmp_value(*x, *y))).collect(),
        )),
        (NumCol::Whole(xs), NumCol::Const(y)) => BoolCol::Column(Cow::Owned(
            xs[..n].iter().map(|x| holds(Fraction::cmp_value(Fraction { n: *x, d: 1 }, *y))).collect(),
        )),
        (NumCol::Const(x), NumCol::Whole(ys)) => BoolCol::Column(Cow::Owned(
            ys[..n].iter().map(|y| holds(Fraction::cmp_value(*x, Fraction { n: *y, d: 1 }))).collect(),
        )),
        _ => BoolCol::Column(Cow::Owned(
            (0..n).map(|i| holds(Fraction::cmp_value(a.at(i), b.at(i)))).collect(),
        )),
    }
}

/// A column of any type.
pub enum AnyCol<'a> {
    Num(NumCol<'a>),
    Bool(BoolCol<'a>),
    Text(TextCol<'a>),
}

/// Flag every row slow.
pub fn all_slow(slow: &mut [bool]) {
    slow.iter_mut().for_each(|s| *s = true);
}

/// A boolean column of `f` over the rows.
pub fn bools_from(n: usize, f: impl Fn(usize) -> bool) -> BoolCol<'static> {
    BoolCol::Column(Cow::Owned((0..n).map(f).collect()))
}

/// The one entry of a per-profile table whose profiles all agree (the rule's row loop then
/// needs no profile lookup).
pub fn uniform<T: PartialEq>(table: &[T]) -> Option<&T> {
    let (first, rest) = table.split_first()?;
    rest.iter().all(|t| t == first).then_some(first)
}

/// A rule whose operands are not constants per profile: the interpreter scores its rows.
/// (Operands are constants or parameters, which are: not reached, but never a wrong answer.)
pub fn not_fixed(slow: &mut [bool], n: usize) -> Vec<i64> {
    all_slow(slow);
    vec![0; n]
}

/// `f(row, value, slow flag)` for every row of a numeric column, with one loop per kind of
/// column so that reading a value is a plain load (no dispatch per row).
#[inline(always)]
pub fn each_row(
    v: &NumCol<'_>,
    n: usize,
    slow: &mut [bool],
    mut f: impl FnMut(usize, Fraction, &mut bool) -> i64,
) -> Vec<i64> {
    let slow = &mut slow[..n];
    match v {
        NumCol::Column(xs) => {
            slow.iter_mut().zip(&xs[..n]).enumerate().map(|(i, (sl, x))| f(i, *x, sl)).collect()
        }
        NumCol::Whole(xs) => slow
            .iter_mut()
            .zip(&xs[..n])
            .enumerate()
            .map(|(i, (sl, x))| f(i, Fraction { n: *x, d: 1 }, sl))
            .collect(),
        NumCol::Const(_) | NumCol::PerProfile(..) => {
            slow.iter_mut().enumerate().map(|(i, sl)| f(i, v.at(i), sl)).collect()
        }
    }
}

/// The values of every row as a column.
pub fn to_vec(v: NumCol<'_>, n: usize) -> Vec<Fraction> {
    match v {
        NumCol::Column(c) => c.into_owned(),
        NumCol::Const(q) => vec![q; n],
        v @ (NumCol::PerProfile(..) | NumCol::Whole(_)) => (0..n).map(|i| v.at(i)).collect(),
    }
}

/// Clamp raw values to [0, max] and round them to published units. Rounding is monotone and
/// 0 and max lie on the grid of units, so rounding first and clamping after gives the same.
pub fn publish(raw: &[Fraction], max: i64, pow: i64, mode: Rounding) -> Vec<i64> {
    raw.iter().map(|v| publish_one(v, max, pow, mode)).collect()
}

/// One value of [`publish`].
#[inline]
pub fn publish_one(v: &Fraction, max: i64, pow: i64, mode: Rounding) -> i64 {
    let u = if v.d == pow {
        v.n // already in units
    } else if v.d == 1 {
        // A whole number (band points, check points): no division.
        v.n.saturating_mul(pow)
    } else if let Some(m) = v.n.checked_mul(pow) {
        round_div_i64(m, v.d, mode) as i64 // fits: see round_div_i64
    } else {
        match i64::try_from(round_div_i128(v.n as i128 * pow as i128, v.d as i128, mode)) {
            Ok(u) => u,
            // Far outside [0, max] either way: the clamp decides.
            Err(_) => {
                if v.n < 0 {
                    0
                } else {
                    max
                }
            }
        }
    };
    u.clamp(0, max)
}
