//! Weights (floats) written as decimals that add up exactly: how a design result becomes points
//! or weights in a rulebook, where children's points must add up to their parent's exactly
//! (spec §7).
//!
//! [`apportion`] gives each weight its share of a total at a stated number of decimal places,
//! fixing the sum exactly by the largest-remainder (Hamilton) method: each share is its quota
//! (weight / Σ weights × total) cut down to the last place, and the units of the last place left
//! over go one each to the largest cut-off remainders (ties: the earlier indicator). So every
//! share is its quota rounded down or up by less than one unit of the last place, and the shares
//! sum to the total exactly. The quotas are computed in `f64`: a remainder within float rounding
//! (~1e-15 relative) of another may be ordered either way.

use rust_decimal::Decimal;

use super::DesignError;

/// `total` shared among `weights` as decimals with `places` places that sum to `total` exactly.
///
/// ```
/// use kaoping::design::apportion::apportion;
/// use rust_decimal::Decimal;
/// let shares = apportion(&[1.0, 1.0, 1.0], Decimal::from(50), 2).unwrap();
/// assert_eq!(shares.iter().map(|d| d.to_string()).collect::<Vec<_>>(), ["16.67", "16.67", "16.66"]);
/// ```
pub fn apportion(weights: &[f64], total: Decimal, places: u32) -> Result<Vec<Decimal>, DesignError> {
    if weights.is_empty() {
        return Err(DesignError::new("nothing to share"));
    }
    if places > 10 {
        return Err(DesignError::new(format!("{places} decimal places: at most 10")));
    }
    if total.is_sign_negative() && !total.is_zero() {
        return Err(DesignError::new(format!("cannot share a negative total ({total})")));
    }
    if total.normalize().scale() > places {
        return Err(DesignError::new(format!(
            "the total {total} has more decimal places than the {places} asked for: give more places"
        )));
    }
    for w in weights {
        if !w.is_finite() || *w < 0.0 {
            return Err(DesignError::new(format!("weight {w}: weights are finite and not negative")));
        }
    }
    let sum: f64 = weights.iter().sum();
    if sum <= 0.0 {
        return Err(DesignError::new("every weight is 0"));
    }
    if !sum.is_finite() {
        return Err(DesignError::new("the weights are too large to add up"));
    }
    let too_large =
        || DesignError::new(format!("the total {total} is too large to share at {places} places"));
    let units = total.checked_mul(Decimal::from(10i64.pow(places))).ok_or_else(too_large)?.trunc();
    // Below 2^53 every unit count is exact as an f64, so the quotas are within rounding of it.
    let units: i64 = units.to_string().parse().ok().filter(|u: &i64| *u < 1 << 53).ok_or_else(too_large)?;
    let quotas: Vec<f64> = weights.iter().map(|w| w / sum * units as f64).collect();
    let mut shares: Vec<i64> = quotas.iter().map(|q| q.floor() as i64).collect();
    let mut left = units - shares.iter().sum::<i64>();
    // The floors lose less than one unit each; more means the quotas were not what they seem.
    if left.unsigned_abs() > weights.len() as u64 {
        return Err(DesignError::new("the shares could not be fixed: the weights are not usable numbers"));
    }
    let mut order: Vec<usize> = (0..weights.len()).collect();
    let remainder = |i: usize| quotas[i] - quotas[i].floor();
    // Largest remainders first; stable, so ties go to the earlier indicator.
    order.sort_by(|&a, &b| remainder(b).total_cmp(&remainder(a)));
    let mut k = 0;
    while left > 0 {
        shares[order[k % order.len()]] += 1;
        left -= 1;
        k += 1;
    }
    // Float rounding can push a floored quota one unit too high: take it back from the smallest
    // remainders among the shares that have one to give.
    let mut k = order.len();
    while left < 0 && k > 0 {
        k -= 1;
        let i = order[k];
        if shares[i] > 0 {
            shares[i] -= 1;
            left += 1;
        }
        if k == 0 && left < 0 {
            k = order.len();
        }
    }
    Ok(shares.into_iter().map(|s| Decimal::new(s, places)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn texts(v: &[Decimal]) -> Vec<String> {
        v.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn shares_add_up_exactly() {
        // Quotas 63.7, 25.83, 10.47 at one place: 63.7 + 25.8 + 10.4 leaves 0.1, which goes to the
        // largest remainder (0.07 of 10.47).
        assert_eq!(
            texts(&apportion(&[0.6370, 0.2583, 0.1047], d("100"), 1).unwrap()),
            ["63.7", "25.8", "10.5"]
        );
        assert_eq!(texts(&apportion(&[2.0, 1.0, 0.0], d("1"), 4).unwrap()), ["0.6667", "0.3333", "0.0000"]);
        assert_eq!(texts(&apportion(&[1.0, 1.0], d("0.01"), 2).unwrap()), ["0.01", "0.00"]);
        assert!(apportion(&[1.0], d("33.333"), 2).unwrap_err().message.contains("more decimal places"));
        assert!(apportion(&[f64::NAN], d("1"), 2).is_err());
        assert!(apportion(&[0.0, 0.0], d("1"), 2).is_err());
        assert!(apportion(&[f64::MAX, f64::MAX], d("1"), 2).unwrap_err().message.contains("too large"));
        assert!(apportion(&[1.0], Decimal::MAX, 10).unwrap_err().message.contains("too large"));
    }

    proptest::proptest! {
        #[test]
        fn every_share_is_within_one_unit_of_its_quota_and_the_sum_is_exact(
            weights in proptest::collection::vec(0.0f64..1000.0, 1..12),
            cents in 0i64..1_000_000,
            places in 0u32..5,
        ) {
            proptest::prop_assume!(weights.iter().sum::<f64>() > 0.0);
            let total = Decimal::new(cents, 2).round_dp(places);
            let shares = apportion(&weights, total, places).unwrap();
            proptest::prop_assert_eq!(shares.iter().sum::<Decimal>(), total);
            let sum: f64 = weights.iter().sum();
            let unit = 10f64.powi(-(places as i32));
            let total_f: f64 = total.to_string().parse().unwrap();
            for (s, w) in shares.iter().zip(&weights) {
                let s: f64 = s.to_string().parse().unwrap();
                proptest::prop_assert!((s - w / sum * total_f).abs() < unit * (1.0 + 1e-9));
                proptest::prop_assert!(s >= 0.0);
            }
        }
    }
}
