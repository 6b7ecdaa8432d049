//! The big fallback: an arbitrary-precision fraction over `num_bigint::BigInt`.
//!
//! (`num-rational` is not used because its releases track a different
//! `num-bigint` major version than the one this crate depends on.)

use num_bigint::BigInt;

/// An arbitrary-precision fraction `n / d`.
///
/// Invariants, kept by [`super::Num::from_big`], the only constructor used
/// outside tests: `d > 0`, `gcd(n, d) = 1`, and the pair does **not** fit the
/// small case (`n` or `d` is outside `i128`). So a value that can be small is
/// small, and a `Big` never equals a `Small`.
#[derive(Clone, PartialEq, Eq)]
pub(super) struct BigRat {
    /// Numerator (carries the sign).
    pub(super) n: BigInt,
    /// Denominator, positive.
    pub(super) d: BigInt,
}
