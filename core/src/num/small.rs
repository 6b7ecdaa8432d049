//! Small exact rationals for the batch path: `n/d` with `i64` parts, products and comparisons in
//! `i128`. Every operation either gives the exact rational or `None` (an overflow the caller
//! turns into "let the interpreter take this row"), never a rounded or wrapped value.
//!
//! Each operation first tries plain `i64` arithmetic with overflow checks (a multiply and a jump
//! on overflow, the common case), and only on overflow redoes it in `i128` and reduces. Both give
//! the same rational; the unreduced `i64` result is what [`Fraction::fit`] would return anyway.

use std::cmp::Ordering;

use super::Num;
use super::round::{Rounding, round_div_i128};
use super::wide::{POW10, gcd_u128};

/// A small exact rational `n/d` with `d > 0` (not necessarily reduced).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fraction {
    /// Numerator, carrying the sign.
    pub n: i64,
    /// Denominator, positive.
    pub d: i64,
}

/// 10^k for k in 0..=18, as `i64`.
pub const POW10_I64: [i64; 19] = {
    let mut t = [1i64; 19];
    let mut i = 0;
    while i < 19 {
        t[i] = POW10[i] as i64;
        i += 1;
    }
    t
};

impl Fraction {
    /// 0.
    pub const ZERO: Fraction = Fraction { n: 0, d: 1 };
    /// 1.
    pub const ONE: Fraction = Fraction { n: 1, d: 1 };

    /// The whole number `n`.
    #[inline]
    #[cfg(test)]
    pub const fn whole(n: i64) -> Fraction {
        Fraction { n, d: 1 }
    }

    /// `x`, when its parts fit.
    pub fn of(x: &Num) -> Option<Fraction> {
        let (n, d) = x.parts_i128()?;
        Fraction::fit(n, d)
    }

    /// A decimal, when its mantissa fits `i64` and its scale is at most 18.
    #[inline]
    pub fn of_decimal(x: &rust_decimal::Decimal) -> Option<Fraction> {
        let n = i64::try_from(x.mantissa()).ok()?;
        Some(Fraction { n, d: *POW10_I64.get(x.scale() as usize)? })
    }

    /// Fit an `i128` ratio (`d > 0`) into `i64` parts, reducing by the gcd if needed.
    #[inline]
    pub fn fit(n: i128, d: i128) -> Option<Fraction> {
        // One test for both parts: each fits when it survives the round trip through i64.
        let (n64, d64) = (n as i64, d as i64);
        if (n64 as i128 == n) & (d64 as i128 == d) {
            return Some(Fraction { n: n64, d: d64 });
        }
        Fraction::fit_reduced(n, d)
    }

    /// The rare path of [`Fraction::fit`]: reduce by the gcd, then try again.
    #[cold]
    fn fit_reduced(n: i128, d: i128) -> Option<Fraction> {
        let g = gcd_u128(n.unsigned_abs(), d.unsigned_abs());
        if g <= 1 {
            return None;
        }
        let g = g as i128;
        Some(Fraction { n: i64::try_from(n / g).ok()?, d: i64::try_from(d / g).ok()? })
    }

    /// `self + b`.
    #[inline]
    pub fn checked_add(self, b: Fraction) -> Option<Fraction> {
        let a = self;
        if a.d == b.d {
            return match a.n.checked_add(b.n) {
                Some(n) => Some(Fraction { n, d: a.d }),
                None => Fraction::fit(a.n as i128 + b.n as i128, a.d as i128),
            };
        }
        let quick = (|| {
            let n = a.n.checked_mul(b.d)?.checked_add(b.n.checked_mul(a.d)?)?;
            Some(Fraction { n, d: a.d.checked_mul(b.d)? })
        })();
        quick.or_else(|| {
            Fraction::fit(a.n as i128 * b.d as i128 + b.n as i128 * a.d as i128, a.d as i128 * b.d as i128)
        })
    }

    /// `self − b`.
    #[inline]
    pub fn checked_sub(self, b: Fraction) -> Option<Fraction> {
        self.checked_add(Fraction { n: b.n.checked_neg()?, d: b.d })
    }

    /// `self × b`.
    #[inline]
    pub fn checked_mul(self, b: Fraction) -> Option<Fraction> {
        let a = self;
        match (a.n.checked_mul(b.n), a.d.checked_mul(b.d)) {
            (Some(n), Some(d)) => Some(Fraction { n, d }),
            _ => Fraction::fit(a.n as i128 * b.n as i128, a.d as i128 * b.d as i128),
        }
    }

    /// `self ÷ b` (`None` also for a division by zero).
    #[inline]
    pub fn checked_div(self, b: Fraction) -> Option<Fraction> {
        let a = self;
        if b.n == 0 {
            return None;
        }
        if b.n > 0
            && let (Some(n), Some(d)) = (a.n.checked_mul(b.d), a.d.checked_mul(b.n))
        {
            return Some(Fraction { n, d });
        }
        let (n, d) = (a.n as i128 * b.d as i128, a.d as i128 * b.n as i128);
        if d < 0 { Fraction::fit(-n, -d) } else { Fraction::fit(n, d) }
    }

    /// The order of two rationals by value (by cross-multiplication, which cannot overflow
    /// `i128`); the derived `==` compares parts, so 1/2 and 2/4 differ there.
    #[inline]
    pub fn cmp_value(self, b: Fraction) -> Ordering {
        let a = self;
        if a.d == b.d { a.n.cmp(&b.n) } else { (a.n as i128 * b.d as i128).cmp(&(b.n as i128 * a.d as i128)) }
    }

    /// Rounded to `places` decimal places in `mode`.
    pub fn round(self, places: u32, mode: Rounding) -> Option<Fraction> {
        let pow = 10i128.checked_pow(places)?;
        let u = round_div_i128(self.n as i128 * pow, self.d as i128, mode);
        Fraction::fit(u, pow)
    }

    /// The greatest whole number not above it.
    pub fn floor(self) -> Option<Fraction> {
        Some(Fraction { n: self.n.div_euclid(self.d), d: 1 })
    }

    /// The least whole number not below it.
    pub fn ceil(self) -> Option<Fraction> {
        let f = self.n.div_euclid(self.d);
        Some(Fraction { n: if self.n.rem_euclid(self.d) == 0 { f } else { f.checked_add(1)? }, d: 1 })
    }

    /// In lowest terms.
    pub fn reduce(self) -> Fraction {
        let g = gcd_u128(self.n.unsigned_abs() as u128, self.d as u128) as i64;
        if g > 1 { Fraction { n: self.n / g, d: self.d / g } } else { self }
    }

    /// In units of 10^−scale (`pow` = 10^scale), when that is a whole number.
    pub fn units(self, pow: i64) -> Option<i64> {
        let m = self.n.checked_mul(pow)?;
        (m % self.d == 0).then_some(m / self.d)
    }
}

/// Units of 10^−scale (`pow` = 10^scale) for a number with at most `scale` places.
pub fn units_of(x: &Num, pow: i64) -> Option<i64> {
    let q = Fraction::of(x)?;
    let num = q.n as i128 * pow as i128;
    (num % q.d as i128 == 0).then(|| i64::try_from(num / q.d as i128).ok()).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overflow_falls_back_to_reduced_i128_or_none() {
        let big = Fraction { n: i64::MAX, d: 2 };
        assert_eq!(big.checked_mul(Fraction { n: 2, d: 1 }), Some(Fraction { n: i64::MAX, d: 1 }));
        assert_eq!(big.checked_add(big), Some(Fraction { n: i64::MAX, d: 1 }));
        assert_eq!(Fraction::whole(i64::MAX).checked_add(Fraction::ONE), None);
        assert_eq!(Fraction::ONE.checked_div(Fraction::ZERO), None);
        assert_eq!(Fraction::ONE.checked_div(Fraction::whole(-2)), Some(Fraction { n: -1, d: 2 }));
    }

    #[test]
    fn rounding_floor_ceil_and_units() {
        let x = Fraction { n: 1, d: 8 }; // 0.125
        assert_eq!(x.round(2, Rounding::HalfUp), Some(Fraction { n: 13, d: 100 }));
        assert_eq!(x.round(2, Rounding::HalfEven), Some(Fraction { n: 12, d: 100 }));
        assert_eq!(Fraction { n: -7, d: 2 }.floor(), Some(Fraction::whole(-4)));
        assert_eq!(Fraction { n: -7, d: 2 }.ceil(), Some(Fraction::whole(-3)));
        assert_eq!(Fraction { n: 3, d: 4 }.units(100), Some(75));
        assert_eq!(Fraction { n: 1, d: 3 }.units(100), None);
        assert_eq!(POW10_I64[18], 1_000_000_000_000_000_000);
    }
}
