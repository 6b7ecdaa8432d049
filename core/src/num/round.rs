//! [`Rounding`] modes and rounding of exact values to a number of decimal
//! places (`round`, `floor`, `ceil`, `to_decimal_at`).

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{Signed, ToPrimitive, Zero};
use rust_decimal::Decimal;

use super::rational::{Num, Repr};
use super::wide::{fits64, pow10_i128};

/// How a value is rounded to a number of decimal places (spec §2).
///
/// The modes act on the **exact** value: `rust_decimal::Decimal::round_dp` is
/// half-even and would round an already-inexact quotient, so it is never
/// used for published figures.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Rounding {
    /// 四舍五入: to nearest, a midpoint away from zero (0.125 → 0.13,
    /// −0.125 → −0.13). The default.
    #[default]
    HalfUp,
    /// Banker's rounding: to nearest, a midpoint to the even neighbour
    /// (0.125 → 0.12, 0.135 → 0.14).
    HalfEven,
    /// Toward zero (截尾).
    Down,
    /// Away from zero.
    Up,
    /// Toward −∞.
    Floor,
    /// Toward +∞.
    Ceiling,
}

impl Rounding {
    /// Every mode, in declaration order.
    pub const ALL: [Rounding; 6] = [
        Rounding::HalfUp,
        Rounding::HalfEven,
        Rounding::Down,
        Rounding::Up,
        Rounding::Floor,
        Rounding::Ceiling,
    ];

    /// The rulebook spelling: `half_up`, `half_even`, `down`, `up`, `floor`,
    /// `ceiling`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Rounding::HalfUp => "half_up",
            Rounding::HalfEven => "half_even",
            Rounding::Down => "down",
            Rounding::Up => "up",
            Rounding::Floor => "floor",
            Rounding::Ceiling => "ceiling",
        }
    }

    /// Whether a truncated quotient with a non-zero remainder moves one unit
    /// away from zero.
    ///
    /// `negative` is the sign of the exact value; `half` compares the
    /// remainder's magnitude with the distance to the next unit (`Equal` is
    /// an exact midpoint); `q_odd` is the parity of the truncated quotient.
    #[inline]
    pub(super) fn away(self, negative: bool, half: Ordering, q_odd: bool) -> bool {
        match self {
            Rounding::Down => false,
            Rounding::Up => true,
            Rounding::Floor => negative,
            Rounding::Ceiling => !negative,
            Rounding::HalfUp => half != Ordering::Less,
            Rounding::HalfEven => half == Ordering::Greater || (half == Ordering::Equal && q_odd),
        }
    }
}

impl fmt::Display for Rounding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An unknown rounding-mode name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseRoundingError(pub String);

impl fmt::Display for ParseRoundingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown rounding mode {:?} (expected one of half_up, half_even, down, up, floor, ceiling)",
            self.0
        )
    }
}

impl std::error::Error for ParseRoundingError {}

impl FromStr for Rounding {
    type Err = ParseRoundingError;

    /// Parses the exact spellings of [`Rounding::as_str`].
    fn from_str(s: &str) -> Result<Rounding, ParseRoundingError> {
        Rounding::ALL.into_iter().find(|m| m.as_str() == s).ok_or_else(|| ParseRoundingError(s.to_owned()))
    }
}

/// An integer that is usually small: the rounded value times 10^scale.
pub(super) enum ScaledInt {
    Small(i128),
    Big(BigInt),
}

impl ScaledInt {
    fn from_big(v: BigInt) -> ScaledInt {
        match v.to_i128() {
            Some(v) => ScaledInt::Small(v),
            None => ScaledInt::Big(v),
        }
    }
}

/// 10^k for k in 0..=18, as `i64`.
const POW10_I64: [i64; 19] = {
    let mut t = [1i64; 19];
    let mut i = 1;
    while i < 19 {
        t[i] = t[i - 1] * 10;
        i += 1;
    }
    t
};

/// `m / d` (`d > 0`) rounded to an integer under `mode`, in 64-bit words. The result always
/// fits: it is q or q ± 1 with |q| ≤ |m| / 2 when there is a remainder. Public for the columnar
/// batch executor, which publishes points with it.
#[inline]
pub fn round_div_i64(m: i64, d: i64, mode: Rounding) -> i128 {
    let (q, r) = (m / d, m % d);
    let ar = r.abs(); // |r| < d
    let half = ar.cmp(&(d - ar));
    // Without jumps on the remainder (random in a batch): a step of 0 or ±1 away from zero.
    let away = (r != 0) & mode.away(m < 0, half, q & 1 != 0);
    let step = if m < 0 { -i64::from(away) } else { i64::from(away) };
    i128::from(q) + i128::from(step)
}

/// `m / d` (`d > 0`) rounded to an integer under `mode`. Public for the columnar batch
/// executor, which rounds fixed-point values with it.
#[inline]
pub fn round_div_i128(m: i128, d: i128, mode: Rounding) -> i128 {
    let (q, r) = if fits64(m) && d <= i64::MAX as i128 {
        // 64-bit division is several times faster than the i128 routine.
        let (m, d) = (m as i64, d as i64);
        ((m / d) as i128, (m % d) as i128)
    } else {
        (m / d, m % d)
    };
    if r == 0 {
        return q;
    }
    let ar = r.abs(); // |r| < d ≤ i128::MAX
    // Compare |r| with d − |r| rather than 2|r| with d: no overflow.
    let half = ar.cmp(&(d - ar));
    // r ≠ 0 implies d ≥ 2, so |q| ≤ 2^126 and q ± 1 cannot overflow.
    if mode.away(m < 0, half, q & 1 != 0) { if m < 0 { q - 1 } else { q + 1 } } else { q }
}

impl Num {
    /// The value times 10^scale, rounded to an integer under `mode`.
    #[inline]
    pub(super) fn scaled_int(&self, scale: u32, mode: Rounding) -> ScaledInt {
        if let (&Repr::Small { n, d }, Some(&p)) = (&self.0, POW10_I64.get(scale as usize))
            && fits64(n)
            && d <= i64::MAX as i128
        {
            if d == p as i128 {
                // Already at this scale (re-rounding published points).
                return ScaledInt::Small(n);
            }
            if let Some(m) = (n as i64).checked_mul(p) {
                return ScaledInt::Small(round_div_i64(m, d as i64, mode));
            }
        }
        if let (&Repr::Small { n, d }, Some(p)) = (&self.0, pow10_i128(scale))
            && let Some(m) = n.checked_mul(p)
        {
            return ScaledInt::Small(if d == 1 { m } else { round_div_i128(m, d, mode) });
        }
        self.scaled_int_big(scale, mode)
    }

    #[cold]
    fn scaled_int_big(&self, scale: u32, mode: Rounding) -> ScaledInt {
        let (n, d) = self.big_parts();
        let m = &*n * BigInt::from(10u32).pow(scale);
        let (q, r) = m.div_rem(&*d); // truncating, remainder has m's sign
        if r.is_zero() {
            return ScaledInt::from_big(q);
        }
        let ar = r.abs();
        let half = ar.cmp(&(&*d - &ar));
        let negative = m.is_negative();
        let q = if mode.away(negative, half, q.is_odd()) { if negative { q - 1 } else { q + 1 } } else { q };
        ScaledInt::from_big(q)
    }

    /// The exact value rounded to `scale` decimal places under `mode`.
    ///
    /// The result's denominator is 10^scale (not reduced while it fits
    /// `i64`), so sums of values rounded to the same scale take the
    /// same-denominator fast path. The cost grows with `scale`; rulebook
    /// scales are small.
    #[inline]
    pub fn round(&self, scale: u32, mode: Rounding) -> Num {
        let q = self.scaled_int(scale, mode);
        match (q, pow10_i128(scale)) {
            (ScaledInt::Small(q), Some(p)) => Num::small(q, p),
            (ScaledInt::Small(q), None) => Num::from_big(BigInt::from(q), BigInt::from(10u32).pow(scale)),
            (ScaledInt::Big(q), _) => Num::from_big(q, BigInt::from(10u32).pow(scale)),
        }
    }

    /// The largest integer ≤ the value.
    #[inline]
    pub fn floor(&self) -> Num {
        self.round(0, Rounding::Floor)
    }

    /// The smallest integer ≥ the value.
    #[inline]
    pub fn ceil(&self) -> Num {
        self.round(0, Rounding::Ceiling)
    }

    /// The integer part (rounding toward zero).
    #[inline]
    #[cfg(test)] // used by the tests only, since the type is the crate's own
    pub fn trunc(&self) -> Num {
        self.round(0, Rounding::Down)
    }

    /// The value rounded to `scale` places as a `Decimal` with **exactly**
    /// that scale (30 at scale 2 is `30.00`); `None` if `scale > 28` or the
    /// rounded mantissa does not fit (|mantissa| ≥ 2^96).
    #[inline]
    pub fn to_decimal_at(&self, scale: u32, mode: Rounding) -> Option<Decimal> {
        if scale > Decimal::MAX_SCALE {
            return None;
        }
        match self.scaled_int(scale, mode) {
            ScaledInt::Small(q) => Decimal::try_from_i128_with_scale(q, scale).ok(),
            ScaledInt::Big(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::reference::{R, num_strategy};
    use super::*;
    use proptest::prelude::*;

    fn n(s: &str) -> Num {
        Num::parse_literal(s).unwrap()
    }

    fn q(a: i128, b: i128) -> Num {
        Num::from_ratio(a, b).unwrap()
    }

    #[test]
    fn names_round_trip() {
        for m in Rounding::ALL {
            assert_eq!(m.as_str().parse::<Rounding>().unwrap(), m);
            assert_eq!(m.to_string(), m.as_str());
        }
        assert_eq!(Rounding::default(), Rounding::HalfUp);
        assert!("HALF_UP".parse::<Rounding>().is_err());
        assert!("half-up".parse::<Rounding>().is_err());
        let e = "nearest".parse::<Rounding>().unwrap_err();
        assert!(e.to_string().contains("nearest"));
    }

    /// (value, scale, [half_up, half_even, down, up, floor, ceiling])
    #[test]
    fn table() {
        let cases: &[(Num, u32, [&str; 6])] = &[
            (n("0.125"), 2, ["0.13", "0.12", "0.12", "0.13", "0.12", "0.13"]),
            (n("-0.125"), 2, ["-0.13", "-0.12", "-0.12", "-0.13", "-0.13", "-0.12"]),
            (n("0.135"), 2, ["0.14", "0.14", "0.13", "0.14", "0.13", "0.14"]),
            (n("-0.135"), 2, ["-0.14", "-0.14", "-0.13", "-0.14", "-0.14", "-0.13"]),
            (n("0.1251"), 2, ["0.13", "0.13", "0.12", "0.13", "0.12", "0.13"]),
            (n("-0.1251"), 2, ["-0.13", "-0.13", "-0.12", "-0.13", "-0.13", "-0.12"]),
            (n("0.1249"), 2, ["0.12", "0.12", "0.12", "0.13", "0.12", "0.13"]),
            (n("2.5"), 0, ["3", "2", "2", "3", "2", "3"]),
            (n("-2.5"), 0, ["-3", "-2", "-2", "-3", "-3", "-2"]),
            (n("3.5"), 0, ["4", "4", "3", "4", "3", "4"]),
            (n("-3.5"), 0, ["-4", "-4", "-3", "-4", "-4", "-3"]),
            (n("0.5"), 0, ["1", "0", "0", "1", "0", "1"]),
            (n("-0.5"), 0, ["-1", "0", "0", "-1", "-1", "0"]),
            (q(1, 3), 2, ["0.33", "0.33", "0.33", "0.34", "0.33", "0.34"]),
            (q(-1, 3), 2, ["-0.33", "-0.33", "-0.33", "-0.34", "-0.34", "-0.33"]),
            (q(2, 3), 2, ["0.67", "0.67", "0.66", "0.67", "0.66", "0.67"]),
            (q(-2, 3), 2, ["-0.67", "-0.67", "-0.66", "-0.67", "-0.67", "-0.66"]),
            (q(1, 3).mul(&Num::from_i64(3)), 2, ["1", "1", "1", "1", "1", "1"]),
            // 266/320 × 100 = 83.125 exactly.
            (q(266, 320).mul(&Num::from_i64(100)), 2, ["83.13", "83.12", "83.12", "83.13", "83.12", "83.13"]),
            (n("7"), 2, ["7", "7", "7", "7", "7", "7"]),
            (n("-7"), 0, ["-7", "-7", "-7", "-7", "-7", "-7"]),
            (Num::ZERO, 2, ["0", "0", "0", "0", "0", "0"]),
            (n("0.001"), 2, ["0", "0", "0", "0.01", "0", "0.01"]),
            (n("-0.001"), 2, ["0", "0", "0", "-0.01", "-0.01", "0"]),
            (n("0.005"), 2, ["0.01", "0", "0", "0.01", "0", "0.01"]),
            (n("-0.005"), 2, ["-0.01", "0", "0", "-0.01", "-0.01", "0"]),
            (n("0.015"), 2, ["0.02", "0.02", "0.01", "0.02", "0.01", "0.02"]),
            (n("1234.5678"), 3, ["1234.568", "1234.568", "1234.567", "1234.568", "1234.567", "1234.568"]),
        ];
        for (x, scale, want) in cases {
            for (mode, w) in Rounding::ALL.into_iter().zip(want) {
                let got = x.round(*scale, mode);
                assert_eq!(got, n(w), "{x} at {scale} under {mode}: got {got}");
            }
        }
    }

    #[test]
    fn bench_readme_case() {
        // (266/320 × 100 − 80) / 15 × 15 rounds half-up to 3.13 (not 3.12).
        let s = q(266, 320).mul(&Num::from_i64(100));
        assert_eq!(s, n("83.125"));
        let fifteen = Num::from_i64(15);
        let v = s.sub(&Num::from_i64(80)).checked_div(&fifteen).unwrap().mul(&fifteen);
        assert_eq!(v, n("3.125"));
        assert_eq!(v.round(2, Rounding::HalfUp), n("3.13"));
        assert_eq!(v.to_fixed(2, Rounding::HalfUp), "3.13");
        assert_eq!(v.to_decimal_at(2, Rounding::HalfUp).unwrap().to_string(), "3.13");
        assert_eq!(v.round(2, Rounding::Down), n("3.12"));
    }

    #[test]
    fn down_of_one_third_times_three() {
        let v = q(1, 3).mul(&Num::from_i64(3));
        assert_eq!(v, Num::ONE);
        assert_eq!(v.to_fixed(2, Rounding::Down), "1.00");
    }

    #[test]
    fn floor_ceil() {
        let cases = [
            ("2.5", "2", "3", "2"),
            ("-2.5", "-3", "-2", "-2"),
            ("-2", "-2", "-2", "-2"),
            ("-0.1", "-1", "0", "0"),
            ("0.1", "0", "1", "0"),
            ("0", "0", "0", "0"),
            ("-7.999", "-8", "-7", "-7"),
        ];
        for (x, f, c, t) in cases {
            assert_eq!(n(x).floor(), n(f), "floor {x}");
            assert_eq!(n(x).ceil(), n(c), "ceil {x}");
            assert_eq!(n(x).trunc(), n(t), "trunc {x}");
        }
        assert_eq!(q(-1, 3).floor(), Num::NEG_ONE);
        assert_eq!(
            q(i128::MIN, 3).floor(),
            Num::from_big_ratio(BigInt::from(i128::MIN).div_floor(&BigInt::from(3)), BigInt::from(1))
                .unwrap()
        );
    }

    #[test]
    fn to_decimal_at_scale() {
        let d = Num::from_i64(30).to_decimal_at(2, Rounding::HalfUp).unwrap();
        assert_eq!(d.to_string(), "30.00");
        assert_eq!(d.scale(), 2);
        let d = n("-0.001").to_decimal_at(2, Rounding::HalfUp).unwrap();
        assert_eq!(d.to_string(), "0.00");
        assert_eq!(
            q(2, 3).to_decimal_at(28, Rounding::HalfUp).unwrap().to_string(),
            "0.6666666666666666666666666667"
        );
        assert_eq!(q(2, 3).to_decimal_at(29, Rounding::HalfUp), None);
        assert_eq!(n("1e29").to_decimal_at(0, Rounding::HalfUp), None);
        assert_eq!(n("79228162514264337593543950335").to_decimal_at(0, Rounding::HalfUp), Some(Decimal::MAX));
        assert_eq!(n("79228162514264337593543950335.5").to_decimal_at(0, Rounding::HalfUp), None);
        assert_eq!(n("79228162514264337593543950335.5").to_decimal_at(0, Rounding::Down), Some(Decimal::MAX));
        // A big value rounding into range.
        let tiny = Num::from_big_ratio(BigInt::from(1), BigInt::from(3).pow(200)).unwrap();
        assert!(tiny.is_big());
        assert_eq!(tiny.to_decimal_at(2, Rounding::Up).unwrap().to_string(), "0.01");
        assert_eq!(tiny.round(2, Rounding::Down), Num::ZERO);
        assert!(!tiny.round(2, Rounding::Down).is_big());
    }

    #[test]
    fn round_beyond_table_scales() {
        let x = q(1, 7);
        let r = x.round(50, Rounding::HalfUp);
        assert_eq!(R::of(&r), R::of(&x).round(50, Rounding::HalfUp));
        assert_eq!(Num::from_i64(5).round(60, Rounding::Floor), Num::from_i64(5));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn round_matches_reference(x in num_strategy(), scale in prop_oneof![0u32..=6, Just(18u32), Just(28u32), Just(40u32)]) {
            let rx = R::of(&x);
            for mode in Rounding::ALL {
                let got = x.round(scale, mode);
                prop_assert_eq!(R::of(&got), rx.round(scale, mode), "{:?} {} {:?}", x, scale, mode);
                got.check_invariants();
                if let Some(d) = x.to_decimal_at(scale.min(28), mode) {
                    prop_assert_eq!(Num::from_decimal(d), x.round(scale.min(28), mode));
                    prop_assert_eq!(d.scale(), scale.min(28));
                }
            }
        }

        /// `round_div_i64` over the whole `i64` range: extremes, quotients beyond 2^50 (where a
        /// double no longer holds a quotient and its fraction), divisors from 1 to `i64::MAX`.
        #[test]
        fn round_div_i64_matches_reference(
            m in prop_oneof![
                any::<i64>(),
                -(1i64 << 20)..(1i64 << 20),
                Just(i64::MIN), Just(i64::MAX), Just(i64::MIN + 1),
                (1i64..=12, -3i64..=3).prop_map(|(k, e)| (1i64 << (k + 50)) + e),
                (1i64..=12, -3i64..=3).prop_map(|(k, e)| -(1i64 << (k + 50)) + e),
            ],
            d in prop_oneof![1i64..=1000, 1i64..=i64::MAX, Just(i64::MAX), (1u32..=62).prop_map(|k| 1i64 << k)],
        ) {
            check_round_div_i64(m, d)?;
        }

        /// Exact multiples and their neighbours, with large quotients: where a quotient's
        /// estimate lands just below or above a whole number.
        #[test]
        fn round_div_i64_near_whole_quotients(q in (1i64 << 30)..(1i64 << 51), d in 3i64..(1 << 12), e in -1i64..=1) {
            if let Some(m) = q.checked_mul(d).and_then(|m| m.checked_add(e)) {
                check_round_div_i64(m, d)?;
                check_round_div_i64(-m, d)?;
            }
        }
    }

    fn check_round_div_i64(m: i64, d: i64) -> Result<(), TestCaseError> {
        let exact = R::new(BigInt::from(m), BigInt::from(d));
        for mode in Rounding::ALL {
            let want = exact.round(0, mode);
            prop_assert_eq!(
                R::int(BigInt::from(round_div_i64(m, d, mode))),
                want,
                "{} / {} {:?}",
                m,
                d,
                mode
            );
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn floor_ceil_match_reference(x in num_strategy()) {
            let rx = R::of(&x);
            prop_assert_eq!(R::of(&x.floor()), rx.floor());
            prop_assert_eq!(R::of(&x.ceil()), rx.ceil());
            prop_assert!(x.floor() <= x && x <= x.ceil());
            prop_assert!(x.floor().is_integer() && x.ceil().is_integer());
        }
    }
}
