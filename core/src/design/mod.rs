//! Designing weights (spec §15): analysis tools for the people who write indicator systems, not
//! part of scoring. Nothing here is read by `compile` or `eval`; a result reaches scoring only
//! when a person writes it into a rulebook variant ([`write`](mod@write)), where it is frozen, versioned and
//! validated like any rulebook, with a provenance record saying how it was obtained.
//!
//! - [`ahp`](mod@ahp): the analytic hierarchy process (层次分析法) — weights from a reciprocal pairwise
//!   matrix by the principal eigenvector (default), the geometric mean or column normalisation;
//!   λmax, CI, CR against a named table of random indices ([`RiTable`]); hierarchies.
//! - [`cohort`]: the entropy method (熵权法) and the coefficient of variation (变异系数法) over a
//!   cohort's values.
//! - [`topsis`](mod@topsis): ranking a cohort by closeness to the ideal.
//!
//! # Floating point, and what is exact
//!
//! These are numerical methods (eigenvectors, logarithms, square roots), computed in `f64`, unlike
//! scoring. What is exact: the inputs as read (a pairwise matrix's cells are exact rationals —
//! `1/3` is one third — and are checked exactly: unit diagonal, positive, reciprocal within 1%);
//! the fingerprints of the inputs; and what is written into a rulebook: decimals with a stated
//! number of places whose sum is fixed exactly ([`apportion`]). Tolerances:
//! - eigenvector: power iteration from the uniform vector until no weight moves by more than
//!   1e-15 between steps (at most 100,000 steps; a matrix that does not converge is refused).
//!   The tests check the weights and λmax against numpy's `linalg.eig` to 1e-9.
//! - CR is compared with 0.1 as computed; figures are reported in full `f64` (shortest text).
//! - entropy, CV and TOPSIS follow their formulas step by step; the tests check them against
//!   hand-worked examples from the literature to the digits those examples print.

pub mod ahp;
pub mod apportion;
pub mod cohort;
pub mod matrix;
pub mod ri;
pub mod topsis;
pub mod write;

use std::fmt;
use std::str::FromStr;

use num_traits::ToPrimitive;
use sha2::{Digest, Sha256};

use crate::date::Date;
use crate::num::Num;

pub use ahp::{Ahp, AhpOptions, Hierarchy, HierarchyResult, Weighting, ahp, ahp_hierarchy};
pub use cohort::{CohortTable, CohortWeights, coefficient_of_variation, entropy};
pub use matrix::PairwiseMatrix;
pub use ri::RiTable;
pub use topsis::{Topsis, TopsisRow, topsis};

/// Something the design tools cannot work with: what and where, in words.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct DesignError {
    /// What is wrong, naming the place (cell, row, column, indicator).
    pub message: String,
}

impl DesignError {
    pub(crate) fn new(message: impl Into<String>) -> DesignError {
        DesignError { message: message.into() }
    }
}

/// Whether more of an indicator is better (benefit, 正向) or worse (cost, 负向).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// More is better.
    #[default]
    Benefit,
    /// Less is better.
    Cost,
}

impl FromStr for Direction {
    type Err = DesignError;

    /// `benefit` / `cost` (also `正向` / `负向`, `max` / `min`).
    fn from_str(s: &str) -> Result<Direction, DesignError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "benefit" | "正向" | "max" | "+" => Ok(Direction::Benefit),
            "cost" | "负向" | "逆向" | "min" | "-" => Ok(Direction::Cost),
            other => Err(DesignError::new(format!("direction is \"benefit\" or \"cost\", not `{other}`"))),
        }
    }
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Direction::Benefit => "benefit",
            Direction::Cost => "cost",
        })
    }
}

/// An exact number as the nearest `f64` (both parts converted, then divided: within 1.5 ulp).
pub(crate) fn to_f64(n: &Num) -> f64 {
    let (num, den) = n.to_big_ratio();
    match (num.to_f64(), den.to_f64()) {
        (Some(a), Some(b)) if b != 0.0 => a / b,
        _ => f64::NAN,
    }
}

/// SHA-256 of `text` as 64 lowercase hex digits (the fingerprint of an input).
pub(crate) fn sha256_hex(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    digest.iter().fold(String::with_capacity(64), |mut s, b| {
        use std::fmt::Write as _;
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Today's date (UTC), for provenance records.
pub fn today() -> Date {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    date_from_days((secs / 86_400) as i64)
}

/// The civil date `days` after 1970-01-01 (H. Hinnant's `civil_from_days`).
fn date_from_days(days: i64) -> Date {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = yoe + era * 400 + i64::from(month <= 2);
    Date::new(year as i32, month, day).unwrap_or_else(|| Date::new(1970, 1, 1).expect("a valid date"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(date_from_days(0).to_string(), "1970-01-01");
        assert_eq!(date_from_days(11_016).to_string(), "2000-02-29");
        assert_eq!(date_from_days(20_819).to_string(), "2027-01-01");
        assert_eq!(date_from_days(-1).to_string(), "1969-12-31");
        assert!(today() > Date::new(2024, 1, 1).unwrap());
    }

    #[test]
    fn directions() {
        assert_eq!("Cost".parse::<Direction>().unwrap(), Direction::Cost);
        assert_eq!("正向".parse::<Direction>().unwrap(), Direction::Benefit);
        assert!("up".parse::<Direction>().is_err());
    }
}
