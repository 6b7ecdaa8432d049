//! Exact numbers for scoring (spec §1–§3).
//!
//! Scoring must equal exact rational arithmetic, with rounding only where the
//! rulebook says. A 28-digit decimal is not enough: with s = 83.125,
//! `(s − 80) / 15 × 15` in `rust_decimal` is 3.1249999999999999999999999995
//! and rounds half-up to 3.12 instead of 3.13. So values inside the engine
//! are `Num`, an exact rational; `rust_decimal::Decimal` is only the format
//! at the edges (inputs and published results).
//!
//! # Representation
//!
//! A `Num` is either *small*, `n / d` with `i128` parts and `d > 0`, or
//! *big*, a boxed pair of `num_bigint::BigInt`s. `size_of::<Num>()` is 48
//! bytes, and the small case never allocates.
//!
//! * A big value is always reduced and never fits the small case: every
//!   result of big arithmetic is reduced by its gcd and returned to the small
//!   case when both parts fit `i128`. (So a big value never equals a small
//!   one; equality and hashing nevertheless work by value whatever the form.)
//! * A small value is **not** reduced on the hot path (gcd costs more than
//!   the arithmetic it would save). Policy: a small result is reduced by its
//!   gcd exactly when its numerator or denominator leaves the `i64` range.
//!   That keeps the parts of typical values (decimals with a few places,
//!   integers, ratios of counts) within `i64`, where the fast paths live, and
//!   stops unreduced parts from growing without bound.
//!
//! # Fast paths (small case)
//!
//! * Both operands' parts within `i64`: every product of two parts and every
//!   sum of two such products fits `i128`, so add, sub, mul, div and compare
//!   run with no overflow checks.
//! * Same denominator (sums of published points, integers): add and sub skip
//!   the multiplications.
//! * Otherwise checked `i128` arithmetic; on overflow, retry with the
//!   denominators' (add/sub) or the cross (mul/div) gcds divided out; if it
//!   still overflows, big integers.
//! * Comparison never divides: cross-multiplication, with an exact 256-bit
//!   product when the `i128` one could overflow, so comparing small values
//!   never allocates.
//! * Rounding divides once, in 64-bit words when the scaled numerator fits.
//!
//! # Rounding and text
//!
//! [`Rounding`] has the six modes of spec §2. `Num::round` rounds the exact
//! value (never a `Decimal` approximation); `Num::to_fixed` prints a
//! published figure (`"93.50"`), `Num::to_display` an explanation value
//! (exact if it terminates, otherwise rounded and flagged). Record cells are
//! read by [`parse_decimal_text`], `parse_integer_text` and
//! `parse_bool_text` (spec §3); rulebook literals by `Num::parse_literal`;
//! floats through their shortest round-trip text (`Num::from_f64`,
//! [`decimal_from_f64`]).
//!
//! This module refers only to `self`/`super`, std and external crates, so it
//! can be moved between crates as a folder.

mod big;
mod format;
mod rational;
mod round;
mod small;
mod text;
mod wide;

#[cfg(test)]
mod reference;

// The public part (issue 31): rounding rules and reading numbers as the bindings do. The exact
// arithmetic itself stays inside the crate.
pub use round::{ParseRoundingError, Rounding};
pub use text::{TextNumberError, decimal_from_f64, parse_decimal_text};

pub(crate) use rational::Num;
pub(crate) use round::{round_div_i64, round_div_i128};
pub(crate) use small::{Fraction, POW10_I64, units_of};
pub(crate) use text::{floats_fixed, parse_bool_text, parse_integer_text, percent_text};
