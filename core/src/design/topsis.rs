//! TOPSIS (逼近理想解排序法, Hwang & Yoon 1981): rank a cohort's units by their closeness to an
//! ideal unit. The choices, stated because implementations differ (pymcdm, for one, defaults to
//! min-max normalisation):
//! 1. vector normalisation: rᵢⱼ = xᵢⱼ / √(Σᵢ xᵢⱼ²) (a column of zeros stays 0, with a warning);
//! 2. weighting: vᵢⱼ = wⱼ rᵢⱼ, with the weights divided by their sum (closeness does not depend on
//!    the weights' scale); weights must be finite and not negative, and not all 0;
//! 3. ideal A⁺ⱼ = maxᵢ vᵢⱼ for a benefit indicator, minᵢ for a cost one; anti-ideal A⁻ the other;
//! 4. Euclidean distances D⁺ᵢ = ‖vᵢ − A⁺‖, D⁻ᵢ = ‖vᵢ − A⁻‖;
//! 5. closeness Cᵢ = D⁻ᵢ / (D⁺ᵢ + D⁻ᵢ), in [0, 1];
//! 6. rank by closeness, largest first; equal closeness (exactly equal as computed) shares a rank
//!    (1, 2, 2, 4), as ranks of totals do (spec §12); units keep their input order within a rank.
//!
//! When D⁺ + D⁻ = 0 for a unit, every weighted column is constant: no ranking exists, refused.

use serde::Serialize;

use super::{CohortTable, DesignError, Direction};

/// One unit's TOPSIS figures.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TopsisRow {
    /// The unit.
    pub key: String,
    /// Distance to the ideal.
    pub d_plus: f64,
    /// Distance to the anti-ideal.
    pub d_minus: f64,
    /// D⁻ / (D⁺ + D⁻).
    pub closeness: f64,
    /// Competition rank by closeness (1 = closest to the ideal).
    pub rank: usize,
}

/// The result of [`topsis`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Topsis {
    /// The indicators, in column order.
    pub labels: Vec<String>,
    /// The weights used (divided by their sum).
    pub weights: Vec<f64>,
    /// Each indicator's direction.
    pub directions: Vec<Direction>,
    /// The ideal unit A⁺ (weighted, normalised values).
    pub ideal: Vec<f64>,
    /// The anti-ideal unit A⁻.
    pub anti_ideal: Vec<f64>,
    /// One row per unit, in input order.
    pub rows: Vec<TopsisRow>,
    /// Warnings (columns of zeros), each naming the column.
    pub warnings: Vec<String>,
    /// The cohort's fingerprint.
    pub cohort_fingerprint: String,
}

/// TOPSIS over `t` with `weights` (one per column) and `directions` (one per column; empty: all
/// benefit).
pub fn topsis(t: &CohortTable, weights: &[f64], directions: &[Direction]) -> Result<Topsis, DesignError> {
    let n = t.labels().len();
    let m = t.rows().len();
    if m == 0 {
        return Err(DesignError::new("the cohort has no units"));
    }
    if weights.len() != n {
        return Err(DesignError::new(format!("{} weights for {n} indicators", weights.len())));
    }
    let directions: Vec<Direction> =
        if directions.is_empty() { vec![Direction::Benefit; n] } else { directions.to_vec() };
    if directions.len() != n {
        return Err(DesignError::new(format!("{} directions for {n} indicators", directions.len())));
    }
    for (j, w) in weights.iter().enumerate() {
        if !w.is_finite() || *w < 0.0 {
            return Err(DesignError::new(format!(
                "the weight of `{}` is {w}: weights are finite and not negative",
                t.labels()[j]
            )));
        }
    }
    let total: f64 = weights.iter().sum();
    if total <= 0.0 {
        return Err(DesignError::new("every weight is 0"));
    }
    let weights: Vec<f64> = weights.iter().map(|w| w / total).collect();
    let mut warnings = Vec::new();
    let norms: Vec<f64> = (0..n)
        .map(|j| {
            let norm = t.rows().iter().map(|r| r[j] * r[j]).sum::<f64>().sqrt();
            if norm == 0.0 {
                warnings
                    .push(format!("indicator `{}` is 0 for every unit: it does not count", t.labels()[j]));
            }
            norm
        })
        .collect();
    let v: Vec<Vec<f64>> = t
        .rows()
        .iter()
        .map(|r| (0..n).map(|j| if norms[j] == 0.0 { 0.0 } else { weights[j] * r[j] / norms[j] }).collect())
        .collect();
    let column = |j: usize| v.iter().map(move |r| r[j]);
    let (mut ideal, mut anti) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for (j, direction) in directions.iter().enumerate() {
        let hi = column(j).fold(f64::NEG_INFINITY, f64::max);
        let lo = column(j).fold(f64::INFINITY, f64::min);
        let (best, worst) = match direction {
            Direction::Benefit => (hi, lo),
            Direction::Cost => (lo, hi),
        };
        ideal.push(best);
        anti.push(worst);
    }
    let distance =
        |row: &[f64], to: &[f64]| row.iter().zip(to).map(|(a, b)| (a - b) * (a - b)).sum::<f64>().sqrt();
    let mut rows = Vec::with_capacity(m);
    for (i, row) in v.iter().enumerate() {
        let (d_plus, d_minus) = (distance(row, &ideal), distance(row, &anti));
        if d_plus + d_minus == 0.0 {
            return Err(DesignError::new(
                "every unit has the same weighted values: TOPSIS has nothing to rank them by",
            ));
        }
        rows.push(TopsisRow {
            key: t.keys()[i].clone(),
            d_plus,
            d_minus,
            closeness: d_minus / (d_plus + d_minus),
            rank: 0,
        });
    }
    // Competition ranks: closest first; a unit's rank is 1 + the number of units strictly closer.
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| rows[b].closeness.total_cmp(&rows[a].closeness));
    for (k, &i) in order.iter().enumerate() {
        let tied_with_previous = k > 0 && rows[order[k - 1]].closeness == rows[i].closeness;
        rows[i].rank = if tied_with_previous { rows[order[k - 1]].rank } else { k + 1 };
    }
    Ok(Topsis {
        labels: t.labels().to_vec(),
        weights,
        directions,
        ideal,
        anti_ideal: anti,
        rows,
        warnings,
        cohort_fingerprint: t.fingerprint(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of the R package MCDA's `TOPSIS` (Bigaret, Meyer et al.): three cars, price
    /// (cost) and three benefit criteria, weights 0.35, 0.25, 0.25, 0.15; the package documents
    /// the ideal and anti-ideal to 9 digits, which we meet to 5e-10.
    #[test]
    fn the_mcda_package_example() {
        let t = CohortTable::new(
            ["Purchase Price", "Economy", "Aesthetics", "Boot Capacity"].map(String::from).to_vec(),
            ["Corsa", "Clio", "Fiesta"].map(String::from).to_vec(),
            vec![
                vec![5490.0, 51.4, 8.5, 285.0],
                vec![6500.0, 70.6, 7.0, 288.0],
                vec![6489.0, 54.3, 7.5, 290.0],
            ],
        )
        .unwrap();
        let dirs = [Direction::Cost, Direction::Benefit, Direction::Benefit, Direction::Benefit];
        let r = topsis(&t, &[0.35, 0.25, 0.25, 0.15], &dirs).unwrap();
        let pis = [0.179573776, 0.171636015, 0.159499658, 0.087302767];
        let nis = [0.212610118, 0.124958799, 0.131352659, 0.085797547];
        for j in 0..4 {
            assert!((r.ideal[j] - pis[j]).abs() < 5e-10, "{:?}", r.ideal);
            assert!((r.anti_ideal[j] - nis[j]).abs() < 5e-10, "{:?}", r.anti_ideal);
        }
        for row in &r.rows {
            assert!((row.closeness - row.d_minus / (row.d_plus + row.d_minus)).abs() < 1e-15);
        }
        let ranks: Vec<usize> = r.rows.iter().map(|x| x.rank).collect();
        let mut by_closeness: Vec<(f64, usize)> = r.rows.iter().map(|x| x.closeness).zip(0..).collect();
        by_closeness.sort_by(|a, b| b.0.total_cmp(&a.0));
        assert_eq!(ranks[by_closeness[0].1], 1);
    }

    #[test]
    fn ties_share_a_rank_and_refusals() {
        let t = CohortTable::new(
            vec!["a".into(), "b".into()],
            Vec::new(),
            vec![vec![1.0, 2.0], vec![2.0, 1.0], vec![2.0, 1.0], vec![0.0, 0.0]],
        )
        .unwrap();
        let r = topsis(&t, &[1.0, 1.0], &[]).unwrap();
        let ranks: Vec<usize> = r.rows.iter().map(|x| x.rank).collect();
        assert_eq!(ranks, [1, 2, 2, 4]);
        assert!(topsis(&t, &[1.0], &[]).unwrap_err().message.contains("1 weights for 2"));
        assert!(topsis(&t, &[-1.0, 1.0], &[]).unwrap_err().message.contains("not negative"));
        assert!(topsis(&t, &[0.0, 0.0], &[]).unwrap_err().message.contains("every weight is 0"));
        let same = CohortTable::new(vec!["a".into()], Vec::new(), vec![vec![3.0], vec![3.0]]).unwrap();
        assert!(topsis(&same, &[1.0], &[]).unwrap_err().message.contains("nothing to rank"));
    }
}
