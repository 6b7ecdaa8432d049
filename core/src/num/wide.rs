//! Word-level helpers for the small case: powers of ten, gcd, and an exact
//! 128 × 128 → 256-bit product used to compare fractions without overflow.

use std::cmp::Ordering;

/// 10^k for k in 0..=38. 10^38 < 2^127 − 1, so every entry fits an `i128`.
pub(super) const POW10: [u128; 39] = {
    let mut t = [1u128; 39];
    let mut i = 1;
    while i < 39 {
        t[i] = t[i - 1] * 10;
        i += 1;
    }
    t
};

/// 10^k as an `i128`, if it fits (k ≤ 38).
#[inline]
pub(super) fn pow10_i128(k: u32) -> Option<i128> {
    POW10.get(k as usize).map(|&p| p as i128)
}

/// If `d` (> 0) is exactly 10^k, returns k.
///
/// 10^k has exactly k trailing zero bits, so one table look-up decides it.
#[inline]
pub(super) fn pow10_exponent(d: i128) -> Option<u32> {
    let k = d.trailing_zeros();
    match POW10.get(k as usize) {
        Some(&p) if p as i128 == d => Some(k),
        _ => None,
    }
}

/// Whether `x` fits in an `i64`.
#[inline(always)]
pub(super) fn fits64(x: i128) -> bool {
    x as i64 as i128 == x
}

/// Binary gcd of two `u64`s (gcd(0, b) = b).
pub(super) fn gcd_u64(mut a: u64, mut b: u64) -> u64 {
    if a == 0 {
        return b;
    }
    if b == 0 {
        return a;
    }
    let shift = (a | b).trailing_zeros();
    a >>= a.trailing_zeros();
    loop {
        b >>= b.trailing_zeros();
        if a > b {
            std::mem::swap(&mut a, &mut b);
        }
        b -= a;
        if b == 0 {
            return a << shift;
        }
    }
}

/// Binary gcd of two `u128`s (gcd(0, b) = b). Drops to 64-bit words as soon
/// as both operands fit, which is where most of the work ends up.
pub(super) fn gcd_u128(mut a: u128, mut b: u128) -> u128 {
    if a == 0 {
        return b;
    }
    if b == 0 {
        return a;
    }
    let shift = (a | b).trailing_zeros();
    a >>= a.trailing_zeros();
    loop {
        if (a | b) >> 64 == 0 {
            // `a` is odd here, so the 2-part of `b` does not matter.
            return (gcd_u64(a as u64, b as u64) as u128) << shift;
        }
        b >>= b.trailing_zeros();
        if a > b {
            std::mem::swap(&mut a, &mut b);
        }
        b -= a;
        if b == 0 {
            return a << shift;
        }
    }
}

/// gcd of an `i128` numerator and a positive `i128` denominator, as an `i128`
/// (≥ 1, and ≤ d, so it always fits).
#[inline]
pub(super) fn gcd_nd(n: i128, d: i128) -> i128 {
    debug_assert!(d > 0);
    gcd_u128(n.unsigned_abs(), d as u128) as i128
}

/// The exact 256-bit product of two `u128`s as (high, low) words.
#[inline]
pub(super) fn mul_wide(a: u128, b: u128) -> (u128, u128) {
    const M: u128 = u64::MAX as u128;
    let (a1, a0) = (a >> 64, a & M);
    let (b1, b0) = (b >> 64, b & M);
    let p00 = a0 * b0;
    let p01 = a0 * b1;
    let p10 = a1 * b0;
    let p11 = a1 * b1;
    // At most 3 × (2^64 − 1): no overflow.
    let mid = (p00 >> 64) + (p01 & M) + (p10 & M);
    let lo = (p00 & M) | (mid << 64);
    let hi = p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64);
    (hi, lo)
}

/// Compares n1/d1 with n2/d2 (d1, d2 > 0) exactly, for any `i128` parts.
///
/// Signs decide first; otherwise |n1|·d2 and |n2|·d1 are compared as 256-bit
/// products, so this never overflows and never divides.
pub(super) fn cmp_fractions(n1: i128, d1: i128, n2: i128, d2: i128) -> Ordering {
    let (s1, s2) = (n1.signum(), n2.signum());
    if s1 != s2 {
        return s1.cmp(&s2);
    }
    if s1 == 0 {
        return Ordering::Equal;
    }
    let l = mul_wide(n1.unsigned_abs(), d2 as u128);
    let r = mul_wide(n2.unsigned_abs(), d1 as u128);
    let c = l.cmp(&r);
    if s1 < 0 { c.reverse() } else { c }
}

#[cfg(test)]
mod tests {
    use super::*;
    use num_bigint::BigInt;
    use num_integer::Integer;
    use proptest::prelude::*;

    #[test]
    fn pow10_table() {
        assert_eq!(POW10[0], 1);
        assert_eq!(POW10[38], 10u128.pow(38));
        assert!(POW10[38] < i128::MAX as u128);
        assert_eq!(pow10_exponent(1), Some(0));
        assert_eq!(pow10_exponent(1000), Some(3));
        assert_eq!(pow10_exponent(10i128.pow(38)), Some(38));
        assert_eq!(pow10_exponent(1024), None);
        assert_eq!(pow10_exponent(20), None);
        assert_eq!(pow10_exponent(i128::MAX), None);
    }

    #[test]
    fn gcd_edges() {
        assert_eq!(gcd_u128(0, 0), 0);
        assert_eq!(gcd_u128(0, 7), 7);
        assert_eq!(gcd_u128(1 << 127, 1 << 100), 1 << 100);
        assert_eq!(gcd_u128(u128::MAX, u128::MAX), u128::MAX);
        assert_eq!(gcd_nd(i128::MIN, 1 << 126), 1 << 126);
        assert_eq!(gcd_nd(i128::MIN, i128::MAX), 1);
    }

    proptest! {
        #[test]
        fn gcd_matches_bigint(a in any::<u128>(), b in any::<u128>(), s in 0u32..64) {
            let (a, b) = (a >> (s % 70).min(127), b >> (s / 2));
            let want = BigInt::from(a).gcd(&BigInt::from(b));
            prop_assert_eq!(BigInt::from(gcd_u128(a, b)), want);
        }

        #[test]
        fn mul_wide_matches_bigint(a in any::<u128>(), b in any::<u128>()) {
            let (hi, lo) = mul_wide(a, b);
            let got = (BigInt::from(hi) << 128) + BigInt::from(lo);
            prop_assert_eq!(got, BigInt::from(a) * BigInt::from(b));
        }

        #[test]
        fn cmp_fractions_matches_bigint(n1 in any::<i128>(), d1 in 1..=i128::MAX, n2 in any::<i128>(), d2 in 1..=i128::MAX) {
            let want = (BigInt::from(n1) * BigInt::from(d2)).cmp(&(BigInt::from(n2) * BigInt::from(d1)));
            prop_assert_eq!(cmp_fractions(n1, d1, n2, d2), want);
        }
    }
}
