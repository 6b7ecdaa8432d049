//! Test support: a deliberately plain big-integer rational used as the
//! reference for property tests, and generators aimed at the hard places
//! (near ±i64::MAX and ±i128::MAX, powers of 10 and 2, large primes, exact
//! rounding midpoints, zero, big values).
//!
//! The reference always keeps its fraction reduced and rounds by a different
//! formulation (floor plus fractional part) than the module does
//! (truncation plus remainder), so the two do not share mistakes.

use std::cmp::Ordering;

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{One, Signed, Zero};
use proptest::prelude::*;

use super::{Num, Rounding};

/// A reduced big rational, `d > 0`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct R {
    n: BigInt,
    d: BigInt,
}

impl R {
    pub(super) fn new(n: BigInt, d: BigInt) -> R {
        assert!(!d.is_zero());
        let g = n.gcd(&d);
        let s = if d.is_negative() { -BigInt::one() } else { BigInt::one() };
        R { n: &n / &g * &s, d: &d / &g * &s }
    }

    pub(super) fn int(n: BigInt) -> R {
        R::new(n, BigInt::one())
    }

    /// The reference value of a `Num`, read through its raw parts.
    pub(super) fn of(x: &Num) -> R {
        match x.parts_i128() {
            Some((n, d)) => R::new(BigInt::from(n), BigInt::from(d)),
            None => {
                let (n, d) = x.to_big_ratio();
                R::new(n, d)
            }
        }
    }

    pub(super) fn add(&self, o: &R) -> R {
        R::new(&self.n * &o.d + &o.n * &self.d, &self.d * &o.d)
    }

    pub(super) fn sub(&self, o: &R) -> R {
        R::new(&self.n * &o.d - &o.n * &self.d, &self.d * &o.d)
    }

    pub(super) fn mul(&self, o: &R) -> R {
        R::new(&self.n * &o.n, &self.d * &o.d)
    }

    pub(super) fn div(&self, o: &R) -> Option<R> {
        (!o.n.is_zero()).then(|| R::new(&self.n * &o.d, &self.d * &o.n))
    }

    pub(super) fn cmp(&self, o: &R) -> Ordering {
        self.sub(o).n.sign().cmp(&num_bigint::Sign::NoSign)
    }

    pub(super) fn floor(&self) -> R {
        R::int(self.n.div_floor(&self.d))
    }

    pub(super) fn ceil(&self) -> R {
        R::int(-((-&self.n).div_floor(&self.d)))
    }

    /// Rounds to `scale` places via floor(x·10^s) and the fractional part.
    pub(super) fn round(&self, scale: u32, mode: Rounding) -> R {
        let p = BigInt::from(10).pow(scale);
        let x = self.mul(&R::int(p.clone()));
        let fl = x.n.div_floor(&x.d);
        let frac = x.sub(&R::int(fl.clone())); // in [0, 1)
        let half = frac.cmp(&R::new(BigInt::one(), BigInt::from(2)));
        let up = &fl + 1;
        let exact = frac.n.is_zero();
        let nonneg = !x.n.is_negative();
        let r = match mode {
            Rounding::Floor => fl,
            Rounding::Ceiling => {
                if exact {
                    fl
                } else {
                    up
                }
            }
            Rounding::Down => {
                if exact || nonneg {
                    fl
                } else {
                    up
                }
            }
            Rounding::Up => {
                if exact || !nonneg {
                    fl
                } else {
                    up
                }
            }
            Rounding::HalfUp => match half {
                Ordering::Less => fl,
                Ordering::Greater => up,
                Ordering::Equal => {
                    if nonneg {
                        up
                    } else {
                        fl
                    }
                }
            },
            Rounding::HalfEven => match half {
                Ordering::Less => fl,
                Ordering::Greater => up,
                Ordering::Equal => {
                    if fl.is_even() {
                        fl
                    } else {
                        up
                    }
                }
            },
        };
        R::new(r, p)
    }
}

/// Special magnitudes around which overflow handling changes.
fn edges() -> Vec<i128> {
    let mut v = vec![
        0,
        1,
        2,
        3,
        5,
        7,
        10,
        100,
        1_000_000_007,
        (1 << 61) - 1,             // Mersenne prime
        1_000_000_000_000_000_003, // prime near 10^18
        i64::MAX as i128,
        i64::MAX as i128 - 1,
        i64::MAX as i128 + 1,
        i64::MAX as i128 + 2,
        1 << 64,
        u64::MAX as i128,
        (1 << 89) - 1, // Mersenne prime
        i128::MAX,     // 2^127 − 1, a Mersenne prime
        i128::MAX - 1,
        i128::MAX / 2,
        i128::MAX / 3,
        1 << 126,
        (1 << 126) + 1,
        10i128.pow(18),
        10i128.pow(28),
        10i128.pow(38),
        2i128.pow(96) - 1,
        3i128.pow(79),
        5i128.pow(54),
    ];
    let neg: Vec<i128> = v.iter().map(|x| -x).collect();
    v.extend(neg);
    v.push(i128::MIN);
    v.push(i128::MIN + 1);
    v.push(i64::MIN as i128);
    v.push(i64::MIN as i128 - 1);
    v
}

/// Numerators: edges, small values, and uniformly random ones.
pub(super) fn numerator() -> impl Strategy<Value = i128> {
    prop_oneof![
        3 => proptest::sample::select(edges()),
        2 => -1000i128..1000,
        2 => any::<i64>().prop_map(i128::from),
        1 => (any::<i64>(), -3i128..3).prop_map(|(x, e)| i128::from(x) * i128::from(i64::MAX) + e),
        2 => any::<i128>(),
    ]
}

/// Positive denominators: 1, powers of 10 and 2, primes, edges, random.
pub(super) fn denominator() -> impl Strategy<Value = i128> {
    prop_oneof![
        2 => Just(1i128),
        2 => (0u32..=38).prop_map(|k| 10i128.pow(k)),
        2 => (0u32..=126).prop_map(|k| 1i128 << k),
        2 => proptest::sample::select(edges()).prop_map(|x| x.checked_abs().unwrap_or(i128::MAX).max(1)),
        1 => 1i128..1000,
        1 => (1i64..=i64::MAX).prop_map(i128::from),
        1 => 1..=i128::MAX,
    ]
}

/// Values aimed at the hard places, including big ones and exact midpoints.
pub(super) fn num_strategy() -> impl Strategy<Value = Num> {
    let ratio = (numerator(), denominator()).prop_map(|(n, d)| Num::from_ratio(n, d).unwrap());
    let midpoint = (any::<i64>(), 0u32..=8).prop_map(|(k, s)| {
        // (k + 1/2) × 10^−s = (2k + 1) / (2·10^s)
        Num::from_ratio(2 * i128::from(k) + 1, 2 * 10i128.pow(s)).unwrap()
    });
    let big = (numerator(), numerator(), denominator(), denominator()).prop_map(|(a, b, c, d)| {
        Num::from_big_ratio(
            BigInt::from(a) * BigInt::from(b) + BigInt::from(a),
            BigInt::from(c) * BigInt::from(d),
        )
        .unwrap()
    });
    prop_oneof![
        4 => ratio,
        2 => midpoint,
        2 => big,
        1 => Just(Num::ZERO),
    ]
}
