//! Writing numbers: fixed places for published figures ([`Num::to_fixed`]),
//! exact-or-approximate text for explanations ([`Num::to_display`]), and the
//! `Display` / `Debug` impls.

use std::fmt;

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{One, Signed, Zero};

use super::rational::{Num, Repr, terminating_scale_u128};
use super::round::{Rounding, ScaledInt};
use super::wide::gcd_nd;

/// Decimal places `Display` prints exactly before it falls back to `n/d`.
const DISPLAY_PLACES: u32 = 28;

/// Writes the decimal digits of `v` into the end of `buf`, returning them.
fn u128_digits(mut v: u128, buf: &mut [u8; 40]) -> &[u8] {
    let mut i = buf.len();
    // Peel 64-bit chunks of 19 digits: u64 division is far cheaper than u128.
    while v > u64::MAX as u128 {
        const CHUNK: u128 = 10_000_000_000_000_000_000; // 10^19
        let mut low = (v % CHUNK) as u64;
        v /= CHUNK;
        for _ in 0..19 {
            i -= 1;
            buf[i] = b'0' + (low % 10) as u8;
            low /= 10;
        }
    }
    let mut v = v as u64;
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    &buf[i..]
}

/// `±digits` with a point `places` from the right, zero-padded on the left
/// ("5" at 2 places → "0.05"). `negative` must be false for zero.
fn fixed_string(negative: bool, digits: &[u8], places: usize) -> String {
    let mut out = Vec::with_capacity(digits.len() + places + 3);
    if negative {
        out.push(b'-');
    }
    if places == 0 {
        out.extend_from_slice(digits);
    } else if digits.len() > places {
        let (int, frac) = digits.split_at(digits.len() - places);
        out.extend_from_slice(int);
        out.push(b'.');
        out.extend_from_slice(frac);
    } else {
        out.extend_from_slice(b"0.");
        out.resize(out.len() + places - digits.len(), b'0');
        out.extend_from_slice(digits);
    }
    // Only ASCII digits, '-' and '.' were written.
    String::from_utf8(out).unwrap_or_default()
}

/// "00", "01", …, "99".
const PAIRS: [u8; 200] = {
    let mut t = [0u8; 200];
    let mut i = 0;
    while i < 100 {
        t[2 * i] = b'0' + (i / 10) as u8;
        t[2 * i + 1] = b'0' + (i % 10) as u8;
        i += 1;
    }
    t
};

/// [`fixed_string`] for a magnitude below 2^64 and at most 40 places: the
/// common case (published points), written right to left into a stack buffer
/// two digits at a time, with a single allocation for the result.
fn fixed_u64(negative: bool, mut v: u64, places: usize) -> String {
    debug_assert!(places <= 40);
    // ≤ 20 digits, a point, ≤ 40 places, a zero and a sign.
    let mut buf = [b'0'; 64];
    let mut i = buf.len();
    let mut frac_left = places;
    // Fraction digits, pairwise while two or more remain.
    while frac_left >= 2 {
        let r = (v % 100) as usize;
        v /= 100;
        i -= 2;
        buf[i..i + 2].copy_from_slice(&PAIRS[2 * r..2 * r + 2]);
        frac_left -= 2;
    }
    if frac_left == 1 {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
    }
    if places > 0 {
        i -= 1;
        buf[i] = b'.';
    }
    // Integer digits (at least one).
    while v >= 100 {
        let r = (v % 100) as usize;
        v /= 100;
        i -= 2;
        buf[i..i + 2].copy_from_slice(&PAIRS[2 * r..2 * r + 2]);
    }
    if v >= 10 {
        let r = v as usize;
        i -= 2;
        buf[i..i + 2].copy_from_slice(&PAIRS[2 * r..2 * r + 2]);
    } else {
        i -= 1;
        buf[i] = b'0' + v as u8;
    }
    if negative {
        i -= 1;
        buf[i] = b'-';
    }
    // Only ASCII was written.
    std::str::from_utf8(&buf[i..]).map(String::from).unwrap_or_default()
}

impl Num {
    /// The value rounded under `mode` and printed with exactly `places`
    /// decimals: `"30.00"`, `"-0.13"`, `"7"` (places = 0). A value that
    /// rounds to zero prints unsigned (`"0.00"`, never `"-0.00"`).
    pub fn to_fixed(&self, places: u32, mode: Rounding) -> String {
        match self.scaled_int(places, mode) {
            // q < 0 implies q ≠ 0, so a rounded zero is never signed.
            ScaledInt::Small(q) => match u64::try_from(q.unsigned_abs()) {
                Ok(v) if places <= 40 => fixed_u64(q < 0, v, places as usize),
                _ => fixed_string(q < 0, u128_digits(q.unsigned_abs(), &mut [0; 40]), places as usize),
            },
            ScaledInt::Big(q) => {
                fixed_string(q.is_negative(), q.magnitude().to_string().as_bytes(), places as usize)
            }
        }
    }

    /// Text for explanations. If the exact decimal expansion terminates
    /// within `max_places`, it is printed exactly without trailing zeros
    /// (`"83.125"`, `"3"`, `"0.5"`) with `true`; otherwise the value is
    /// rounded half-up to exactly `max_places` decimals (`"0.3333"`) with
    /// `false`, and the caller marks it as approximate ("≈").
    pub fn to_display(&self, max_places: u32) -> (String, bool) {
        match self.terminating_scale(max_places) {
            // Exact at k places: the rounding mode is irrelevant.
            Some(k) => (self.to_fixed(k, Rounding::Down), true),
            None => (self.to_fixed(max_places, Rounding::HalfUp), false),
        }
    }

    /// The smallest k ≤ `limit` such that value × 10^k is an integer.
    pub(super) fn terminating_scale(&self, limit: u32) -> Option<u32> {
        match &self.0 {
            &Repr::Small { n, d } => {
                if d == 1 {
                    return Some(0);
                }
                let d = d / gcd_nd(n, d);
                terminating_scale_u128(d as u128).filter(|&k| k <= limit)
            }
            Repr::Big(b) => {
                // Reduced, so only the denominator's 2s and 5s matter. The
                // loop over 5s stops once past `limit`, so a huge power of 5
                // costs no more than `limit` small divisions.
                let twos = u32::try_from(b.d.trailing_zeros().unwrap_or(0)).ok()?;
                if twos > limit {
                    return None;
                }
                let mut rest: BigInt = &b.d >> twos;
                let five = BigInt::from(5u32);
                let mut fives = 0u32;
                while !rest.is_one() {
                    let (q, r) = rest.div_rem(&five);
                    if !r.is_zero() || fives >= limit {
                        return None;
                    }
                    rest = q;
                    fives += 1;
                }
                Some(twos.max(fives))
            }
        }
    }

    /// The reduced fraction as `"n/d"` (or `"n"` for an integer).
    pub fn to_ratio_string(&self) -> String {
        let (n, d) = self.to_big_ratio();
        if d.is_one() { n.to_string() } else { format!("{n}/{d}") }
    }
}

impl fmt::Display for Num {
    /// Exact decimal text when the expansion terminates within 28 places
    /// (`83.125`, `-3`, `0.5`); otherwise the reduced ratio `n/d` (`1/3`),
    /// so that `Display` never loses information. With a precision
    /// (`{:.2}`) it prints [`Num::to_fixed`] at that many places, half-up.
    /// Width and alignment flags are honoured.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = if let Some(p) = f.precision() {
            self.to_fixed(u32::try_from(p).unwrap_or(u32::MAX), Rounding::HalfUp)
        } else {
            match self.terminating_scale(DISPLAY_PLACES) {
                Some(k) => self.to_fixed(k, Rounding::Down),
                None => self.to_ratio_string(),
            }
        };
        match s.strip_prefix('-') {
            Some(body) => f.pad_integral(false, "", body),
            None => f.pad_integral(true, "", &s),
        }
    }
}

impl fmt::Debug for Num {
    /// `Num(83.125)`, `Num(1/3)`; big values are marked `Num(big …)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::Small { .. } => write!(f, "Num({self})"),
            Repr::Big(_) => write!(f, "Num(big {self})"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn n(s: &str) -> Num {
        Num::parse_literal(s).unwrap()
    }

    fn q(a: i128, b: i128) -> Num {
        Num::from_ratio(a, b).unwrap()
    }

    #[test]
    fn digits() {
        for v in [
            0u128,
            1,
            9,
            10,
            u64::MAX as u128,
            u64::MAX as u128 + 1,
            10u128.pow(19),
            10u128.pow(38),
            u128::MAX,
        ] {
            assert_eq!(std::str::from_utf8(u128_digits(v, &mut [0; 40])).unwrap(), v.to_string());
        }
    }

    #[test]
    fn fixed_paths_agree() {
        for v in [0u64, 1, 5, 9, 10, 99, 100, 12345, 999_999, u64::MAX] {
            for places in [0usize, 1, 2, 3, 7, 19, 20, 21, 40] {
                for neg in [false, true] {
                    let neg = neg && v != 0;
                    let slow = fixed_string(neg, u128_digits(v.into(), &mut [0; 40]), places);
                    assert_eq!(fixed_u64(neg, v, places), slow, "{v} {places} {neg}");
                }
            }
        }
    }

    #[test]
    fn fixed() {
        let cases = [
            (Num::from_i64(30), 2, Rounding::HalfUp, "30.00"),
            (n("-0.125"), 2, Rounding::HalfUp, "-0.13"),
            (n("-0.125"), 2, Rounding::HalfEven, "-0.12"),
            (n("-0.001"), 2, Rounding::HalfUp, "0.00"),
            (n("-0.001"), 2, Rounding::Floor, "-0.01"),
            (n("-0.4"), 0, Rounding::HalfUp, "0"),
            (n("0.05"), 2, Rounding::HalfUp, "0.05"),
            (n("0.05"), 1, Rounding::HalfUp, "0.1"),
            (n("-0.05"), 1, Rounding::HalfUp, "-0.1"),
            (n("7.5"), 0, Rounding::HalfUp, "8"),
            (n("1234567.891"), 2, Rounding::Down, "1234567.89"),
            (q(1, 3), 5, Rounding::HalfUp, "0.33333"),
            (q(2, 3), 2, Rounding::Down, "0.66"),
            (q(1, 3).mul(&Num::from_i64(3)), 2, Rounding::Down, "1.00"),
            (Num::ZERO, 3, Rounding::Up, "0.000"),
            (Num::from_i128(i128::MIN), 2, Rounding::HalfUp, "-170141183460469231731687303715884105728.00"),
        ];
        for (x, p, m, want) in cases {
            assert_eq!(x.to_fixed(p, m), want, "{x:?} at {p} {m}");
        }
        let big = n("1e400");
        assert_eq!(big.to_fixed(2, Rounding::HalfUp), format!("1{}.00", "0".repeat(400)));
        assert_eq!(big.neg().to_fixed(0, Rounding::HalfUp), format!("-1{}", "0".repeat(400)));
    }

    #[test]
    fn display_text() {
        assert_eq!(q(1, 3).to_display(4), ("0.3333".to_owned(), false));
        assert_eq!(q(2, 3).to_display(2), ("0.67".to_owned(), false));
        assert_eq!(q(-2, 3).to_display(2), ("-0.67".to_owned(), false));
        assert_eq!(q(-1, 3000).to_display(2), ("0.00".to_owned(), false));
        let s = q(266, 320).mul(&Num::from_i64(100));
        assert_eq!(s.to_display(28), ("83.125".to_owned(), true));
        assert_eq!(s.to_display(3), ("83.125".to_owned(), true));
        assert_eq!(s.to_display(2), ("83.13".to_owned(), false));
        assert_eq!(Num::from_i64(3).to_display(2), ("3".to_owned(), true));
        assert_eq!(n("3.000").to_display(2), ("3".to_owned(), true));
        assert_eq!(n("0.5").to_display(2), ("0.5".to_owned(), true));
        assert_eq!(n("-0.5").to_display(0), ("-1".to_owned(), false));
        assert!(n("1e400").to_display(28).1);
        let tiny = Num::from_big_ratio(BigInt::from(1), BigInt::from(5).pow(500)).unwrap();
        assert_eq!(tiny.to_display(28), (format!("0.{}", "0".repeat(28)), false));
        assert!(tiny.to_display(500).1);
        assert!(!tiny.to_display(499).1);
        let half_pow = Num::from_big_ratio(BigInt::from(1), BigInt::from(2).pow(200)).unwrap();
        assert!(half_pow.to_display(200).1);
        assert!(!half_pow.to_display(199).1);
        let mixed = Num::from_big_ratio(BigInt::from(1), BigInt::from(2).pow(150) * BigInt::from(5).pow(160))
            .unwrap();
        assert!(mixed.to_display(160).1);
        assert!(!mixed.to_display(159).1);
        let not_terminating = Num::from_big_ratio(BigInt::from(1), BigInt::from(2).pow(150) * 3).unwrap();
        assert!(!not_terminating.to_display(1000).1);
        let third_big = Num::from_big_ratio(BigInt::from(10).pow(400), BigInt::from(3)).unwrap();
        let (t, exact) = third_big.to_display(2);
        assert!(!exact && t.ends_with("3.33") && t.len() == 403);
    }

    #[test]
    fn display_and_debug() {
        assert_eq!(n("83.125").to_string(), "83.125");
        assert_eq!(n("-12.50").to_string(), "-12.5");
        assert_eq!(q(1, 3).to_string(), "1/3");
        assert_eq!(q(-4, 6).to_string(), "-2/3");
        assert_eq!(Num::ZERO.to_string(), "0");
        assert_eq!(format!("{:.2}", n("0.125")), "0.13");
        assert_eq!(format!("{:.2}", q(-1, 3)), "-0.33");
        assert_eq!(format!("{:>8}", n("-1.5")), "    -1.5");
        assert_eq!(format!("{:<6}|", q(1, 3)), "1/3   |");
        assert_eq!(format!("{:?}", n("83.125")), "Num(83.125)");
        assert_eq!(format!("{:?}", q(1, 3)), "Num(1/3)");
        assert_eq!(format!("{:?}", n("1e40")), format!("Num(big 1{})", "0".repeat(40)));
        // 1/2^29 needs 29 places: printed as a ratio.
        assert_eq!(q(1, 1 << 29).to_string(), "1/536870912");
        assert_eq!(q(1, 1 << 28).to_string(), "0.0000000037252902984619140625");
        assert_eq!(n("1e400").to_string().len(), 401);
    }

    proptest! {
        #[test]
        fn fixed_agrees_with_round(a in any::<i64>(), b in 1i64..=i64::MAX, p in 0u32..8) {
            let x = Num::from_ratio(a.into(), b.into()).unwrap();
            for m in Rounding::ALL {
                let s = x.to_fixed(p, m);
                prop_assert_eq!(Num::parse_literal(&s).unwrap(), x.round(p, m));
                prop_assert_ne!(&s, &format!("-{}", Num::ZERO.to_fixed(p, m)));
                let frac = s.split('.').nth(1).map_or(0, str::len);
                prop_assert_eq!(frac, p as usize);
            }
        }

        #[test]
        fn display_parses_back(a in any::<i128>(), k in 0u32..30) {
            let x = Num::from_ratio(a, 1i128 << k.min(28)).unwrap();
            let s = x.to_string();
            prop_assert_eq!(Num::parse_literal(&s).unwrap(), x);
        }
    }
}
