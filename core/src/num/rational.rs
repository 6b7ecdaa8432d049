//! [`Num`]: the exact rational number, its arithmetic, comparison, hashing and
//! conversions to and from integers and `rust_decimal::Decimal`.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::hash::{Hash, Hasher};
use std::iter::{Product, Sum};
use std::ops::{Add, AddAssign, Mul, MulAssign, Neg, Sub, SubAssign};

use num_bigint::{BigInt, Sign};
use num_integer::Integer;
use num_traits::{One, Signed, ToPrimitive, Zero};
use rust_decimal::Decimal;

use super::big::BigRat;
use super::wide::{POW10, cmp_fractions, fits64, gcd_nd, pow10_exponent};

/// An exact rational number.
///
/// Every operation is exact for any magnitude: nothing overflows, wraps,
/// saturates or panics. See the [module docs](super) for the representation
/// and the reduction policy.
///
/// Equality, ordering and hashing are by **value**: `1/2 == 2/4`, and equal
/// values hash alike whatever their internal form.
///
/// The arithmetic methods take `&self`; the operator traits are implemented
/// for owned and borrowed operands alike. Note that on an *owned* `x`,
/// method syntax `x.add(&y)` resolves to `Add::add` and consumes `x` (same
/// value); write `&x + &y` or `Num::add(&x, &y)` to keep it.
#[derive(Clone)]
pub(crate) struct Num(pub(super) Repr);

/// The two internal forms of a [`Num`].
#[derive(Clone)]
pub(super) enum Repr {
    /// `n / d` with `d > 0`. Not necessarily reduced, but reduced whenever
    /// `n` or `d` is outside the `i64` range (see the module docs).
    Small { n: i128, d: i128 },
    /// A value whose reduced form does not fit `i128` parts.
    Big(Box<BigRat>),
}

// ---------------------------------------------------------------------------
// Construction
// ---------------------------------------------------------------------------

impl Num {
    /// Zero.
    pub const ZERO: Num = Num(Repr::Small { n: 0, d: 1 });
    /// One.
    pub const ONE: Num = Num(Repr::Small { n: 1, d: 1 });
    /// Minus one.
    #[cfg(test)] // used by the tests only, since the type is the crate's own
    pub const NEG_ONE: Num = Num(Repr::Small { n: -1, d: 1 });

    /// The integer `v`.
    #[inline]
    pub const fn from_i64(v: i64) -> Num {
        Num(Repr::Small { n: v as i128, d: 1 })
    }

    /// The integer `v`.
    #[inline]
    pub const fn from_i128(v: i128) -> Num {
        // An integer over 1 is reduced, so the small-case invariant holds.
        Num(Repr::Small { n: v, d: 1 })
    }

    /// The fraction `n / d`, or `None` when `d == 0`. Any sign of `d` is fine.
    #[inline]
    pub fn from_ratio(n: i128, d: i128) -> Option<Num> {
        match d.cmp(&0) {
            Ordering::Greater => Some(Num::small(n, d)),
            Ordering::Equal => None,
            Ordering::Less => Some(match (n.checked_neg(), d.checked_neg()) {
                (Some(n), Some(d)) => Num::small(n, d),
                // i128::MIN cannot be negated: do it in big integers.
                _ => Num::from_big(-BigInt::from(n), -BigInt::from(d)),
            }),
        }
    }

    /// The exact value of a `Decimal` (mantissa / 10^scale).
    #[inline]
    pub fn from_decimal(x: Decimal) -> Num {
        // scale ≤ 28, so 10^scale fits; the mantissa is below 2^96.
        Num::small(x.mantissa(), POW10[x.scale() as usize] as i128)
    }

    /// A small value `n / d` (`d > 0`), reduced if a part is outside `i64`.
    ///
    /// This is the single gate through which arithmetic results enter the
    /// small case, so it is where the reduction policy lives.
    #[inline]
    pub(super) fn small(n: i128, d: i128) -> Num {
        debug_assert!(d > 0);
        if fits64(n) && d <= i64::MAX as i128 { Num(Repr::Small { n, d }) } else { Num::small_reduced(n, d) }
    }

    /// `n / d` (`d > 0`) reduced by its gcd. Cold: only reached when parts
    /// outgrow `i64`.
    #[cold]
    #[inline(never)]
    fn small_reduced(n: i128, d: i128) -> Num {
        let g = gcd_nd(n, d);
        Num(Repr::Small { n: n / g, d: d / g })
    }

    /// `n / d` from big integers (`d != 0`): normalised (sign, gcd) and
    /// returned to the small case when it fits.
    pub(super) fn from_big(n: BigInt, d: BigInt) -> Num {
        debug_assert!(!d.is_zero());
        let (mut n, mut d) = if d.is_negative() { (-n, -d) } else { (n, d) };
        let g = n.gcd(&d);
        if !g.is_one() {
            n /= &g;
            d /= &g;
        }
        Num::from_big_reduced(n, d)
    }

    /// Like [`Num::from_big`] for a pair already known to be reduced with
    /// `d > 0` (e.g. the negation of a reduced big value).
    pub(super) fn from_big_reduced(n: BigInt, d: BigInt) -> Num {
        match (n.to_i128(), d.to_i128()) {
            (Some(n), Some(d)) => Num::small(n, d),
            _ => Num(Repr::Big(Box::new(BigRat { n, d }))),
        }
    }

    /// The value's parts as big integers (borrowed when already big).
    pub(super) fn big_parts(&self) -> (Cow<'_, BigInt>, Cow<'_, BigInt>) {
        match &self.0 {
            Repr::Small { n, d } => (Cow::Owned(BigInt::from(*n)), Cow::Owned(BigInt::from(*d))),
            Repr::Big(b) => (Cow::Borrowed(&b.n), Cow::Borrowed(&b.d)),
        }
    }

    /// The reduced parts `(n, d)`, `d > 0`, as big integers.
    pub fn to_big_ratio(&self) -> (BigInt, BigInt) {
        match &self.0 {
            Repr::Small { n, d } => {
                let g = gcd_nd(*n, *d);
                (BigInt::from(*n / g), BigInt::from(*d / g))
            }
            Repr::Big(b) => (b.n.clone(), b.d.clone()),
        }
    }

    /// The fraction `n / d` of big integers, or `None` when `d == 0`.
    #[cfg(test)] // used by the tests only, since the type is the crate's own
    pub fn from_big_ratio(n: BigInt, d: BigInt) -> Option<Num> {
        if d.is_zero() { None } else { Some(Num::from_big(n, d)) }
    }

    /// Whether the big fallback is in use (for diagnostics and tests; the
    /// value is the same either way).
    #[cfg(test)] // used by the tests only, since the type is the crate's own
    pub fn is_big(&self) -> bool {
        matches!(self.0, Repr::Big(_))
    }

    /// Test helper: the same value forced into the big form (which the
    /// constructors never produce for values that fit the small case).
    #[cfg(test)]
    pub(super) fn force_big(&self) -> Num {
        let (n, d) = self.to_big_ratio();
        Num(Repr::Big(Box::new(BigRat { n, d })))
    }

    /// Test helper: asserts the representation invariants.
    #[cfg(test)]
    pub(super) fn check_invariants(&self) {
        match &self.0 {
            &Repr::Small { n, d } => {
                assert!(d > 0, "denominator {d}");
                if !(fits64(n) && d <= i64::MAX as i128) {
                    assert_eq!(gcd_nd(n, d), 1, "unreduced {n}/{d}");
                }
            }
            Repr::Big(b) => {
                assert!(b.d.is_positive());
                assert!(b.n.gcd(&b.d).is_one());
                assert!(b.n.to_i128().is_none() || b.d.to_i128().is_none(), "big value fits small");
            }
        }
    }
}

impl Default for Num {
    /// Zero.
    fn default() -> Num {
        Num::ZERO
    }
}

impl From<i64> for Num {
    fn from(v: i64) -> Num {
        Num::from_i64(v)
    }
}

impl From<i32> for Num {
    fn from(v: i32) -> Num {
        Num::from_i64(v.into())
    }
}

impl From<u32> for Num {
    fn from(v: u32) -> Num {
        Num::from_i64(v.into())
    }
}

impl From<u64> for Num {
    fn from(v: u64) -> Num {
        Num::from_i128(v.into())
    }
}

impl From<i128> for Num {
    fn from(v: i128) -> Num {
        Num::from_i128(v)
    }
}

impl From<Decimal> for Num {
    fn from(v: Decimal) -> Num {
        Num::from_decimal(v)
    }
}

impl From<&Decimal> for Num {
    fn from(v: &Decimal) -> Num {
        Num::from_decimal(*v)
    }
}

// ---------------------------------------------------------------------------
// Arithmetic
// ---------------------------------------------------------------------------

/// Whether all four small parts fit `i64` (denominators are positive), so that
/// every product of two parts fits `i128`, and so does a sum or difference of
/// two such products: |n·d| ≤ 2^63·(2^63 − 1) < 2^126.
#[inline(always)]
fn fast2(a: i128, b: i128, c: i128, d: i128) -> bool {
    fits64(a) & fits64(c) & ((b | d) >> 63 == 0)
}

/// The product of two values known to fit `i64` (cannot overflow `i128`).
#[inline(always)]
fn mul64(x: i128, y: i128) -> i128 {
    debug_assert!(fits64(x) && fits64(y));
    (x as i64 as i128) * (y as i64 as i128)
}

/// a/b ± c/d for small parts.
#[inline]
fn addsub_small<const SUB: bool>(a: i128, b: i128, c: i128, d: i128) -> Num {
    if b == d {
        // Same denominator (sums of published points, integers): no products.
        let n = if SUB { a.checked_sub(c) } else { a.checked_add(c) };
        if let Some(n) = n {
            return Num::small(n, b);
        }
    } else if fast2(a, b, c, d) {
        let (x, y) = (mul64(a, d), mul64(c, b));
        let n = if SUB { x - y } else { x + y };
        return Num::small(n, mul64(b, d));
    }
    addsub_small_slow::<SUB>(a, b, c, d)
}

/// a/b ± c/d when the fast path does not apply: checked `i128`, then with the
/// denominators divided by their gcd, then big integers.
#[cold]
#[inline(never)]
fn addsub_small_slow<const SUB: bool>(a: i128, b: i128, c: i128, d: i128) -> Num {
    let try_with = |b1: i128, d1: i128| -> Option<Num> {
        // a/b ± c/d = (a·d1 ± c·b1) / (b·d1) where b/b1 = d/d1.
        let x = a.checked_mul(d1)?;
        let y = c.checked_mul(b1)?;
        let n = if SUB { x.checked_sub(y) } else { x.checked_add(y) }?;
        Some(Num::small(n, b.checked_mul(d1)?))
    };
    if let Some(r) = try_with(b, d) {
        return r;
    }
    let g = gcd_nd(b, d);
    if g > 1
        && let Some(r) = try_with(b / g, d / g)
    {
        return r;
    }
    let (a, b, c, d) = (BigInt::from(a), BigInt::from(b), BigInt::from(c), BigInt::from(d));
    let (x, y) = (&a * &d, &c * &b);
    Num::from_big(if SUB { x - y } else { x + y }, b * d)
}

/// a/b × c/d for small parts.
#[inline]
fn mul_small(a: i128, b: i128, c: i128, d: i128) -> Num {
    if fast2(a, b, c, d) {
        return Num::small(mul64(a, c), mul64(b, d));
    }
    mul_small_slow(a, b, c, d)
}

/// a/b × c/d off the fast path: checked, then cross-reduced, then big.
#[cold]
#[inline(never)]
fn mul_small_slow(a: i128, b: i128, c: i128, d: i128) -> Num {
    let try_with = |a: i128, b: i128, c: i128, d: i128| -> Option<Num> {
        Some(Num::small(a.checked_mul(c)?, b.checked_mul(d)?))
    };
    if let Some(r) = try_with(a, b, c, d) {
        return r;
    }
    // Cross-reduce: gcd(a, d) and gcd(c, b). With reduced inputs (the policy
    // guarantees that for parts beyond i64) the result is then reduced too.
    let g1 = gcd_nd(a, d);
    let g2 = gcd_nd(c, b);
    let (a, d, c, b) = (a / g1, d / g1, c / g2, b / g2);
    if let Some(r) = try_with(a, b, c, d) {
        return r;
    }
    Num::from_big(BigInt::from(a) * BigInt::from(c), BigInt::from(b) * BigInt::from(d))
}

/// (a/b) ÷ (c/d) for small parts, `c != 0`.
#[inline]
fn div_small(a: i128, b: i128, c: i128, d: i128) -> Num {
    if fast2(a, b, c, d) {
        // Neither product can be i128::MIN, so the negations are safe.
        let (n, den) = (mul64(a, d), mul64(b, c));
        return if den < 0 { Num::small(-n, -den) } else { Num::small(n, den) };
    }
    div_small_slow(a, b, c, d)
}

/// (a/b) ÷ (c/d) off the fast path: checked, then cross-reduced, then big.
#[cold]
#[inline(never)]
fn div_small_slow(a: i128, b: i128, c: i128, d: i128) -> Num {
    let try_with = |a: i128, b: i128, c: i128, d: i128| -> Option<Num> {
        let (n, den) = (a.checked_mul(d)?, b.checked_mul(c)?);
        if den < 0 {
            Some(Num::small(n.checked_neg()?, den.checked_neg()?))
        } else {
            Some(Num::small(n, den))
        }
    };
    if let Some(r) = try_with(a, b, c, d) {
        return r;
    }
    let g1 = gcd_u128_pair(a, c);
    let g2 = gcd_nd(d, b);
    let (a, c, b, d) = (a / g1, c / g1, b / g2, d / g2);
    if let Some(r) = try_with(a, b, c, d) {
        return r;
    }
    Num::from_big(BigInt::from(a) * BigInt::from(d), BigInt::from(b) * BigInt::from(c))
}

/// A common divisor of two numerators (`c != 0`) as an `i128` (≥ 1): their
/// gcd, except that a gcd of 2^127 (only for `c == i128::MIN` and `a` 0 or
/// `i128::MIN`), which does not fit, is replaced by 2^126, still a common
/// divisor, so the divisions stay exact.
#[inline]
fn gcd_u128_pair(a: i128, c: i128) -> i128 {
    let g = super::wide::gcd_u128(a.unsigned_abs(), c.unsigned_abs());
    if g > i128::MAX as u128 { 1 << 126 } else { g as i128 }
}

impl Num {
    /// `self + o`, exact.
    #[inline]
    pub fn add(&self, o: &Num) -> Num {
        match (&self.0, &o.0) {
            (&Repr::Small { n: a, d: b }, &Repr::Small { n: c, d }) => addsub_small::<false>(a, b, c, d),
            _ => self.big_addsub(o, false),
        }
    }

    /// `self − o`, exact.
    #[inline]
    pub fn sub(&self, o: &Num) -> Num {
        match (&self.0, &o.0) {
            (&Repr::Small { n: a, d: b }, &Repr::Small { n: c, d }) => addsub_small::<true>(a, b, c, d),
            _ => self.big_addsub(o, true),
        }
    }

    /// `self × o`, exact.
    #[inline]
    pub fn mul(&self, o: &Num) -> Num {
        match (&self.0, &o.0) {
            (&Repr::Small { n: a, d: b }, &Repr::Small { n: c, d }) => mul_small(a, b, c, d),
            _ => {
                let ((a, b), (c, d)) = (self.big_parts(), o.big_parts());
                Num::from_big(&*a * &*c, &*b * &*d)
            }
        }
    }

    /// `self ÷ o`, exact; `None` when `o` is zero.
    #[inline]
    pub fn checked_div(&self, o: &Num) -> Option<Num> {
        match (&self.0, &o.0) {
            (&Repr::Small { n: a, d: b }, &Repr::Small { n: c, d }) => {
                if c == 0 {
                    None
                } else {
                    Some(div_small(a, b, c, d))
                }
            }
            _ => {
                if o.is_zero() {
                    return None;
                }
                let ((a, b), (c, d)) = (self.big_parts(), o.big_parts());
                Some(Num::from_big(&*a * &*d, &*b * &*c))
            }
        }
    }

    /// `1 / self`; `None` for zero.
    pub fn recip(&self) -> Option<Num> {
        Num::ONE.checked_div(self)
    }

    /// `−self`.
    #[inline]
    pub fn neg(&self) -> Num {
        match &self.0 {
            &Repr::Small { n, d } => match n.checked_neg() {
                Some(m) => Num::small(m, d),
                None => Num::from_big(-BigInt::from(n), BigInt::from(d)),
            },
            // Negation keeps the pair reduced, but may bring it into i128
            // range (−(2^127) fits), hence the demotion check.
            Repr::Big(b) => Num::from_big_reduced(-&b.n, b.d.clone()),
        }
    }

    /// `|self|`.
    #[inline]
    pub fn abs(&self) -> Num {
        if self.is_negative() { self.neg() } else { self.clone() }
    }

    fn big_addsub(&self, o: &Num, sub: bool) -> Num {
        let ((a, b), (c, d)) = (self.big_parts(), o.big_parts());
        if b == d {
            let n = if sub { &*a - &*c } else { &*a + &*c };
            return Num::from_big(n, b.into_owned());
        }
        let (x, y) = (&*a * &*d, &*c * &*b);
        Num::from_big(if sub { x - y } else { x + y }, &*b * &*d)
    }
}

// ---------------------------------------------------------------------------
// Sign and simple predicates
// ---------------------------------------------------------------------------

impl Num {
    /// Whether the value is 0.
    #[inline]
    pub fn is_zero(&self) -> bool {
        match &self.0 {
            Repr::Small { n, .. } => *n == 0,
            Repr::Big(b) => b.n.is_zero(),
        }
    }

    /// Whether the value is < 0.
    #[inline]
    pub fn is_negative(&self) -> bool {
        match &self.0 {
            Repr::Small { n, .. } => *n < 0,
            Repr::Big(b) => b.n.sign() == Sign::Minus,
        }
    }

    /// Whether the value is > 0.
    #[inline]
    pub fn is_positive(&self) -> bool {
        match &self.0 {
            Repr::Small { n, .. } => *n > 0,
            Repr::Big(b) => b.n.sign() == Sign::Plus,
        }
    }

    /// −1, 0 or 1 (as a `Num`, like the standard integer types' `signum`).
    #[inline]
    #[cfg(test)] // used by the tests only, since the type is the crate's own
    pub fn signum(&self) -> Num {
        Num::from_i64(self.sign_i32().into())
    }

    /// The sign as an ordering against zero.
    #[inline]
    pub fn cmp_zero(&self) -> Ordering {
        self.sign_i32().cmp(&0)
    }

    #[inline]
    fn sign_i32(&self) -> i32 {
        match &self.0 {
            Repr::Small { n, .. } => n.signum() as i32,
            Repr::Big(b) => match b.n.sign() {
                Sign::Minus => -1,
                Sign::NoSign => 0,
                Sign::Plus => 1,
            },
        }
    }

    /// Whether the value is an integer.
    #[inline]
    pub fn is_integer(&self) -> bool {
        match &self.0 {
            Repr::Small { n, d } => *d == 1 || n % d == 0,
            // Reduced, so integral exactly when the denominator is 1.
            Repr::Big(b) => b.d.is_one(),
        }
    }

    /// The value as an `i64`, only if it is an integer in range.
    #[inline]
    pub fn to_i64(&self) -> Option<i64> {
        match &self.0 {
            &Repr::Small { n, d } => {
                if d == 1 {
                    i64::try_from(n).ok()
                } else if n % d == 0 {
                    i64::try_from(n / d).ok()
                } else {
                    None
                }
            }
            Repr::Big(b) => {
                if b.d.is_one() {
                    b.n.to_i64()
                } else {
                    None
                }
            }
        }
    }

    /// The raw small-case parts `(n, d)`, `d > 0`, **not necessarily
    /// reduced**; `None` for a big value.
    #[inline]
    pub fn parts_i128(&self) -> Option<(i128, i128)> {
        match self.0 {
            Repr::Small { n, d } => Some((n, d)),
            Repr::Big(_) => None,
        }
    }
}

// ---------------------------------------------------------------------------
// Decimal conversion
// ---------------------------------------------------------------------------

impl Num {
    /// The value as a `Decimal`, exactly, or `None` if `rust_decimal` cannot
    /// hold it (a non-terminating expansion such as 1/3, more than 28
    /// decimal places, or a mantissa of 2^96 or more).
    ///
    /// The scale is the denominator's own when that is a power of ten
    /// (`from_decimal` round-trips the scale, and `round(2, …)` results come
    /// back at scale 2); otherwise the smallest scale that is exact.
    pub fn to_decimal(&self) -> Option<Decimal> {
        // A big value never converts: either |n| ≥ 2^127 with d ≥ 1 (mantissa
        // too large), or d ≥ 2^127, which needs a scale ≥ 38 > 28.
        let Repr::Small { n, d } = self.0 else {
            return None;
        };
        if let Some(k) = pow10_exponent(d)
            && k <= Decimal::MAX_SCALE
            && let Ok(x) = Decimal::try_from_i128_with_scale(n, k)
        {
            return Some(x);
        }
        let g = gcd_nd(n, d);
        let (n, d) = (n / g, d / g);
        let k = terminating_scale_u128(d as u128)?;
        if k > Decimal::MAX_SCALE {
            return None;
        }
        // d divides 10^k exactly.
        let m = n.checked_mul((POW10[k as usize] / d as u128) as i128)?;
        Decimal::try_from_i128_with_scale(m, k).ok()
    }
}

/// For a positive reduced denominator `d`, the smallest k with d | 10^k, or
/// `None` if `d` has a prime factor other than 2 and 5.
pub(super) fn terminating_scale_u128(d: u128) -> Option<u32> {
    let twos = d.trailing_zeros();
    let mut rest = d >> twos;
    let mut fives = 0;
    while rest.is_multiple_of(5) {
        rest /= 5;
        fives += 1;
    }
    (rest == 1).then_some(twos.max(fives))
}

// ---------------------------------------------------------------------------
// Comparison and hashing
// ---------------------------------------------------------------------------

#[inline]
fn cmp_small(a: i128, b: i128, c: i128, d: i128) -> Ordering {
    if b == d {
        return a.cmp(&c);
    }
    if fast2(a, b, c, d) {
        return mul64(a, d).cmp(&mul64(c, b));
    }
    cmp_fractions(a, b, c, d)
}

impl Num {
    fn cmp_general(&self, o: &Num) -> Ordering {
        let (s1, s2) = (self.sign_i32(), o.sign_i32());
        if s1 != s2 || s1 == 0 {
            return s1.cmp(&s2);
        }
        let ((a, b), (c, d)) = (self.big_parts(), o.big_parts());
        (&*a * &*d).cmp(&(&*c * &*b))
    }
}

impl Ord for Num {
    /// By value, via cross-multiplication (never divides).
    #[inline]
    fn cmp(&self, o: &Num) -> Ordering {
        match (&self.0, &o.0) {
            (&Repr::Small { n: a, d: b }, &Repr::Small { n: c, d }) => cmp_small(a, b, c, d),
            _ => self.cmp_general(o),
        }
    }
}

impl PartialOrd for Num {
    #[inline]
    fn partial_cmp(&self, o: &Num) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

impl PartialEq for Num {
    #[inline]
    fn eq(&self, o: &Num) -> bool {
        self.cmp(o) == Ordering::Equal
    }
}

impl Eq for Num {}

impl Hash for Num {
    /// Hashes the reduced form, so that equal values hash alike (1/2, 2/4,
    /// and a big-form copy of the same value).
    fn hash<H: Hasher>(&self, h: &mut H) {
        match &self.0 {
            &Repr::Small { n, d } => {
                let g = if d == 1 { 1 } else { gcd_nd(n, d) };
                (n / g).hash(h);
                (d / g).hash(h);
            }
            // Big pairs are reduced; one that fits i128 (never produced by
            // the constructors, but harmless) hashes like the small form.
            Repr::Big(b) => match (b.n.to_i128(), b.d.to_i128()) {
                (Some(n), Some(d)) => {
                    n.hash(h);
                    d.hash(h);
                }
                _ => {
                    b.n.hash(h);
                    b.d.hash(h);
                }
            },
        }
    }
}

// ---------------------------------------------------------------------------
// Operator traits
// ---------------------------------------------------------------------------

macro_rules! binop {
    ($Tr:ident, $m:ident, $TrA:ident, $ma:ident) => {
        impl $Tr<&Num> for &Num {
            type Output = Num;
            #[inline]
            fn $m(self, rhs: &Num) -> Num {
                Num::$m(self, rhs)
            }
        }
        impl $Tr<Num> for Num {
            type Output = Num;
            #[inline]
            fn $m(self, rhs: Num) -> Num {
                Num::$m(&self, &rhs)
            }
        }
        impl $Tr<&Num> for Num {
            type Output = Num;
            #[inline]
            fn $m(self, rhs: &Num) -> Num {
                Num::$m(&self, rhs)
            }
        }
        impl $Tr<Num> for &Num {
            type Output = Num;
            #[inline]
            fn $m(self, rhs: Num) -> Num {
                Num::$m(self, &rhs)
            }
        }
        impl $TrA<&Num> for Num {
            #[inline]
            fn $ma(&mut self, rhs: &Num) {
                *self = Num::$m(self, rhs);
            }
        }
        impl $TrA<Num> for Num {
            #[inline]
            fn $ma(&mut self, rhs: Num) {
                *self = Num::$m(self, &rhs);
            }
        }
    };
}

binop!(Add, add, AddAssign, add_assign);
binop!(Sub, sub, SubAssign, sub_assign);
binop!(Mul, mul, MulAssign, mul_assign);

impl Neg for Num {
    type Output = Num;
    #[inline]
    fn neg(self) -> Num {
        Num::neg(&self)
    }
}

impl Neg for &Num {
    type Output = Num;
    #[inline]
    fn neg(self) -> Num {
        Num::neg(self)
    }
}

impl Sum for Num {
    fn sum<I: Iterator<Item = Num>>(iter: I) -> Num {
        iter.fold(Num::ZERO, |acc, x| acc.add(&x))
    }
}

impl<'a> Sum<&'a Num> for Num {
    fn sum<I: Iterator<Item = &'a Num>>(iter: I) -> Num {
        iter.fold(Num::ZERO, |acc, x| acc.add(x))
    }
}

impl Product for Num {
    fn product<I: Iterator<Item = Num>>(iter: I) -> Num {
        iter.fold(Num::ONE, |acc, x| acc.mul(&x))
    }
}

impl<'a> Product<&'a Num> for Num {
    fn product<I: Iterator<Item = &'a Num>>(iter: I) -> Num {
        iter.fold(Num::ONE, |acc, x| acc.mul(x))
    }
}

#[cfg(test)]
mod tests {
    use super::super::Rounding;
    use super::super::reference::{R, denominator, num_strategy, numerator};
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashSet;
    use std::collections::hash_map::DefaultHasher;

    fn n(s: &str) -> Num {
        Num::parse_literal(s).unwrap()
    }

    fn q(a: i128, b: i128) -> Num {
        Num::from_ratio(a, b).unwrap()
    }

    fn hash_of(x: &Num) -> u64 {
        let mut h = DefaultHasher::new();
        x.hash(&mut h);
        h.finish()
    }

    #[test]
    fn size_and_constants() {
        assert!(std::mem::size_of::<Num>() <= 48, "{}", std::mem::size_of::<Num>());
        assert!(Num::ZERO.is_zero() && !Num::ZERO.is_negative() && !Num::ZERO.is_positive());
        assert_eq!(Num::ONE, q(7, 7));
        assert_eq!(Num::NEG_ONE, q(3, -3));
        assert_eq!(Num::default(), Num::ZERO);
        assert_eq!(Num::from(5i32), Num::from_i64(5));
        assert_eq!(Num::from(u64::MAX), Num::from_i128(u64::MAX as i128));
    }

    #[test]
    fn exactness() {
        let third = q(1, 3);
        assert_eq!(third.mul(&Num::from_i64(3)), Num::ONE);
        assert_eq!(n("0.1").add(&n("0.2")), n("0.3"));
        assert_eq!(n("0.1") + n("0.2"), n("0.3"));
        assert_ne!(n("0.1").add(&n("0.2")), n("0.30000000000000004"));
        let s = q(266, 320) * Num::from_i64(100);
        assert_eq!(s, n("83.125"));
        let fifteen = Num::from_i64(15);
        let v = (&s - &Num::from_i64(80)).checked_div(&fifteen).unwrap() * &fifteen;
        assert_eq!(v.round(2, Rounding::HalfUp), n("3.13"));
    }

    #[test]
    fn ratio_and_sign() {
        assert_eq!(Num::from_ratio(1, 0), None);
        assert_eq!(q(1, 2), q(2, 4));
        assert_eq!(q(1, -2), q(-1, 2));
        assert_eq!(q(i128::MIN, -1).to_big_ratio(), (-BigInt::from(i128::MIN), BigInt::from(1)));
        assert!(q(i128::MIN, -1).is_big());
        assert_eq!(q(i128::MIN, i128::MIN), Num::ONE);
        assert!(!q(i128::MIN, i128::MIN).is_big());
        assert_eq!(q(i128::MIN, -2), Num::from_i128(1 << 126));
        assert_eq!(q(-3, 4).signum(), Num::NEG_ONE);
        assert_eq!(q(3, 4).signum(), Num::ONE);
        assert_eq!(Num::ZERO.signum(), Num::ZERO);
        assert_eq!(q(-3, 4).abs(), q(3, 4));
        assert_eq!(-q(-3, 4), q(3, 4));
        assert_eq!(Num::from_i128(i128::MIN).neg().neg(), Num::from_i128(i128::MIN));
        assert!(!Num::from_i128(i128::MIN).neg().neg().is_big());
        assert_eq!(q(-3, 4).cmp_zero(), Ordering::Less);
        assert_eq!(q(2, 1).recip(), Some(q(1, 2)));
        assert_eq!(Num::ZERO.recip(), None);
    }

    #[test]
    fn division_by_zero() {
        assert_eq!(Num::ONE.checked_div(&Num::ZERO), None);
        assert_eq!(n("1e50").checked_div(&Num::ZERO), None);
        assert_eq!(Num::ZERO.checked_div(&n("1e50")), Some(Num::ZERO));
    }

    #[test]
    fn integers() {
        assert_eq!(q(10, 5).to_i64(), Some(2));
        assert_eq!(q(10, 4).to_i64(), None);
        assert!(q(10, 5).is_integer());
        assert!(!q(10, 4).is_integer());
        assert_eq!(Num::from_i128(i64::MAX as i128 + 1).to_i64(), None);
        assert_eq!(Num::from_i64(i64::MIN).to_i64(), Some(i64::MIN));
        assert_eq!(n("1e30").to_i64(), None);
        assert!(n("1e40").is_integer());
        assert!(!n("1e40").add(&q(1, 2)).is_integer());
        assert_eq!(q(6, 4).parts_i128(), Some((6, 4)));
        assert_eq!(n("1e40").parts_i128(), None);
    }

    #[test]
    fn decimal_conversion() {
        let d: Decimal = "12.50".parse().unwrap();
        let x = Num::from_decimal(d);
        assert_eq!(x, q(25, 2));
        assert_eq!(x.to_decimal().unwrap().to_string(), "12.50");
        assert_eq!(q(1, 8).to_decimal().unwrap().to_string(), "0.125");
        assert_eq!(q(1, 3).to_decimal(), None);
        assert_eq!(q(1, 1 << 28).to_decimal().unwrap().to_string(), "0.0000000037252902984619140625");
        assert_eq!(q(1, 1 << 29).to_decimal(), None);
        assert_eq!(Num::from_decimal(Decimal::MAX).to_decimal(), Some(Decimal::MAX));
        assert_eq!(Num::from_decimal(Decimal::MIN).to_decimal(), Some(Decimal::MIN));
        assert_eq!(Num::from_decimal(Decimal::MAX).add(&Num::ONE).to_decimal(), None);
        assert_eq!(n("1e40").to_decimal(), None);
        // Reducible past 2^96: 10^30 / 10^5 = 10^25.
        assert_eq!(
            q(10i128.pow(30), 10i128.pow(5)).to_decimal().unwrap(),
            Decimal::from_i128_with_scale(10i128.pow(25), 0)
        );
        let s = q(266, 320) * Num::from_i64(100);
        assert_eq!(s.to_decimal().unwrap().to_string(), "83.125");
        assert_eq!(s.round(2, Rounding::HalfUp).to_decimal().unwrap().to_string(), "83.13");
    }

    #[test]
    fn hash_agrees_across_forms() {
        let forms = [
            (q(1, 2), q(2, 4)),
            (q(1, 2), q(1i128 << 100, 1i128 << 101)),
            (q(-3, 7), q(-3 * 1_000_000_007, 7 * 1_000_000_007)),
            (Num::from_i64(5), q(5 * (1i128 << 80), 1i128 << 80)),
            (q(1, 3), q(1, 3).force_big()),
            (Num::from_i128(i128::MIN), Num::from_i128(i128::MIN).force_big()),
            (q(22, 7).force_big(), q(44, 14)),
        ];
        for (a, b) in forms {
            assert_eq!(a, b);
            assert_eq!(a.cmp(&b), Ordering::Equal);
            assert_eq!(hash_of(&a), hash_of(&b), "{a:?} vs {b:?}");
        }
        // Big arithmetic coming back into range returns to the small case.
        let big = Num::from_i128(i128::MAX).mul(&Num::from_i64(3));
        assert!(big.is_big());
        let back = big.checked_div(&Num::from_i64(3)).unwrap();
        assert!(!back.is_big());
        assert_eq!(back, Num::from_i128(i128::MAX));
        assert_eq!(hash_of(&back), hash_of(&Num::from_i128(i128::MAX)));
        let set: HashSet<Num> = [q(1, 2), q(2, 4), q(3, 6).force_big(), q(1, 3)].into_iter().collect();
        assert_eq!(set.len(), 2);
    }

    #[test]
    fn mixed_forms_compare() {
        let small = q(7, 3);
        let forced = small.force_big();
        assert_eq!(Num::add(&small, &forced), q(14, 3));
        assert!(!(&small + &forced).is_big());
        assert!(q(7, 4) < forced && forced < q(5, 2));
        assert!(n("-1e50") < Num::from_i128(i128::MIN) && Num::from_i128(i128::MAX) < n("1e50"));
        assert_eq!(n("1e50").max(Num::ONE), n("1e50"));
        assert_eq!(n("1e50").min(Num::ONE), Num::ONE);
    }

    #[test]
    fn sums_and_products() {
        let v = [n("0.1"), n("0.2"), n("0.3")];
        assert_eq!(v.iter().sum::<Num>(), n("0.6"));
        assert_eq!(v.iter().cloned().product::<Num>(), n("0.006"));
        let mut acc = Num::ZERO;
        for _ in 0..10 {
            acc += n("0.1");
        }
        assert_eq!(acc, Num::ONE);
        acc -= Num::ONE;
        acc *= n("5");
        assert!(acc.is_zero());
    }

    #[test]
    fn long_chains_stay_bounded() {
        // Repeated × 1/3 then × 3 must not let parts grow without bound.
        let mut x = n("83.125");
        for _ in 0..200 {
            x = x.mul(&q(1, 3)).mul(&Num::from_i64(3)).add(&q(1, 7)).sub(&q(1, 7));
            x.check_invariants();
        }
        assert_eq!(x, n("83.125"));
        assert!(!x.is_big());
        // Huge exact values.
        let mut y = Num::ONE;
        for _ in 0..100 {
            y = y.mul(&Num::from_i128(i128::MAX));
        }
        assert!(y.is_big());
        for _ in 0..100 {
            y = y.checked_div(&Num::from_i128(i128::MAX)).unwrap();
        }
        assert_eq!(y, Num::ONE);
        assert!(!y.is_big());
    }

    fn check_op(x: &Num, y: &Num) -> Result<(), TestCaseError> {
        let (rx, ry) = (R::of(x), R::of(y));
        let ops: [(&str, Num, R); 3] =
            [("add", x.add(y), rx.add(&ry)), ("sub", x.sub(y), rx.sub(&ry)), ("mul", x.mul(y), rx.mul(&ry))];
        for (name, got, want) in ops {
            got.check_invariants();
            prop_assert_eq!(R::of(&got), want, "{} {:?} {:?}", name, x, y);
        }
        match (x.checked_div(y), rx.div(&ry)) {
            (Some(got), Some(want)) => {
                got.check_invariants();
                prop_assert_eq!(R::of(&got), want, "div {:?} {:?}", x, y);
            }
            (None, None) => {}
            (got, want) => prop_assert!(false, "div {:?} {:?}: {:?} vs {:?}", x, y, got, want),
        }
        prop_assert_eq!(x.cmp(y), rx.cmp(&ry), "cmp {:?} {:?}", x, y);
        prop_assert_eq!(x == y, rx == ry);
        if x == y {
            prop_assert_eq!(hash_of(x), hash_of(y));
        }
        let neg = x.neg();
        neg.check_invariants();
        prop_assert_eq!(R::of(&neg), R::int(BigInt::zero()).sub(&rx));
        prop_assert_eq!(x.is_negative(), rx.cmp(&R::int(BigInt::zero())) == Ordering::Less);
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        #[test]
        fn arithmetic_matches_reference(x in num_strategy(), y in num_strategy()) {
            x.check_invariants();
            y.check_invariants();
            check_op(&x, &y)?;
            check_op(&x, &x)?;
        }

        #[test]
        fn same_value_different_parts(a in numerator(), b in denominator(), k in numerator()) {
            // a/b and (a·k)/(b·k) agree on everything, whichever forms they take.
            prop_assume!(k != 0);
            let x = Num::from_ratio(a, b).unwrap();
            let y = Num::from_big_ratio(BigInt::from(a) * BigInt::from(k), BigInt::from(b) * BigInt::from(k)).unwrap();
            prop_assert_eq!(&x, &y);
            prop_assert_eq!(hash_of(&x), hash_of(&y));
            prop_assert_eq!(hash_of(&x), hash_of(&x.force_big()));
            prop_assert_eq!(x.cmp(&x.force_big()), Ordering::Equal);
            prop_assert_eq!(x.is_big(), y.is_big());
        }

        #[test]
        fn decimal_round_trip(m in -((1i128 << 96) - 1)..(1i128 << 96), scale in 0u32..=28) {
            let d = Decimal::from_i128_with_scale(m, scale);
            let x = Num::from_decimal(d);
            prop_assert_eq!(x.to_decimal(), Some(d));
            if i64::try_from(m).is_ok() {
                // Unreduced, so the scale comes back too.
                prop_assert_eq!(x.to_decimal().unwrap().scale(), scale);
            }
        }

        #[test]
        fn to_decimal_is_exact(x in num_strategy()) {
            if let Some(d) = x.to_decimal() {
                prop_assert_eq!(Num::from_decimal(d), x);
            }
        }
    }
}
