//! Objective weights from a cohort's values: the entropy method (熵权法) and the coefficient of
//! variation (变异系数法). A cohort is m units (rows) × n indicators (columns): a batch's inputs,
//! or the indicator points it scored.
//!
//! Entropy (spec §15), per indicator j:
//! 1. min-max normalise in the indicator's direction: benefit x' = (x − min) / (max − min), cost
//!    x' = (max − x) / (max − min) (no shift is added: the worst unit gets 0);
//! 2. pᵢⱼ = x'ᵢⱼ / Σᵢ x'ᵢⱼ;
//! 3. eⱼ = −Σᵢ pᵢⱼ ln pᵢⱼ / ln m, with 0 · ln 0 = 0;
//! 4. wⱼ = (1 − eⱼ) / Σₖ (1 − eₖ).
//!
//! A constant column (max = min) carries no information: weight 0, and a warning naming it. m = 1
//! is refused (ln 1 = 0); so is a cohort whose every column is constant.
//!
//! Coefficient of variation, per indicator: CVⱼ = σⱼ / μⱼ on the values as they are, with the
//! population σ (dividing by m; the sample σ would scale every CV by the same factor, which the
//! normalisation cancels); wⱼ = CVⱼ / Σₖ CVₖ. Direction does not enter (σ and μ do not depend on
//! which way is better). A column whose mean is not positive is refused (its CV means nothing); a
//! constant column has CV 0: weight 0 and a warning.

use serde::Serialize;

use super::{DesignError, Direction, sha256_hex};

/// A cohort's values: units (rows) × indicators (columns), every value finite.
#[derive(Clone, Debug, PartialEq)]
pub struct CohortTable {
    labels: Vec<String>,
    keys: Vec<String>,
    rows: Vec<Vec<f64>>,
}

impl CohortTable {
    /// A table from rows of values; `keys` name the units (empty: numbered from 1).
    pub fn new(
        labels: Vec<String>,
        keys: Vec<String>,
        rows: Vec<Vec<f64>>,
    ) -> Result<CohortTable, DesignError> {
        if labels.is_empty() {
            return Err(DesignError::new("the cohort has no indicator columns"));
        }
        let keys = if keys.is_empty() { (1..=rows.len()).map(|i| i.to_string()).collect() } else { keys };
        if keys.len() != rows.len() {
            return Err(DesignError::new(format!("{} unit keys for {} rows", keys.len(), rows.len())));
        }
        let mut seen = std::collections::HashSet::new();
        for l in &labels {
            if !seen.insert(l.as_str()) {
                return Err(DesignError::new(format!("column `{l}` appears twice")));
            }
        }
        for (r, row) in rows.iter().enumerate() {
            if row.len() != labels.len() {
                return Err(DesignError::new(format!(
                    "unit {} has {} values for {} indicators",
                    keys[r],
                    row.len(),
                    labels.len()
                )));
            }
            for (j, v) in row.iter().enumerate() {
                if !v.is_finite() {
                    return Err(DesignError::new(format!(
                        "unit {}, column {}: {v} is not a number",
                        keys[r], labels[j]
                    )));
                }
            }
        }
        Ok(CohortTable { labels, keys, rows })
    }

    /// A table from CSV text: see [`CohortTable::from_table`].
    pub fn from_csv(
        text: &str,
        columns: Option<&[String]>,
        key: Option<&str>,
    ) -> Result<(CohortTable, Vec<String>), DesignError> {
        let (header, rows) = crate::table::parse_csv(text)
            .map_err(|e| DesignError::new(format!("the table is not CSV: {e}")))?;
        Self::from_table(&header, &rows, columns, key)
    }

    /// A table from a table's header and rows (a CSV file or a sheet). `columns`: the indicator
    /// columns (by header name), else every column but `key` whose cells are all numbers; `key`:
    /// the column naming units (else rows are numbered). An empty or non-numeric cell in a chosen
    /// column is an error naming its line. Returns the table and the columns left out because
    /// they are not numeric.
    pub fn from_table(
        header: &[String],
        rows: &[crate::table::CsvRow],
        columns: Option<&[String]>,
        key: Option<&str>,
    ) -> Result<(CohortTable, Vec<String>), DesignError> {
        let header: Vec<String> = header.iter().map(|h| h.trim().to_owned()).collect();
        let find = |name: &str| {
            header.iter().position(|h| h == name.trim()).ok_or_else(|| {
                DesignError::new(format!("no column `{name}`; columns: {}", header.join(", ")))
            })
        };
        let key_col = key.map(find).transpose()?;
        fn cell(r: &crate::table::CsvRow, c: usize) -> &str {
            r.cells.get(c).map(|s| s.trim()).unwrap_or("")
        }
        let number =
            |s: &str| crate::num::parse_decimal_text(s).ok().and_then(|d| d.to_string().parse::<f64>().ok());
        let mut skipped = Vec::new();
        let chosen: Vec<usize> = match columns {
            Some(cols) => cols.iter().map(|c| find(c)).collect::<Result<_, _>>()?,
            None => (0..header.len())
                .filter(|&c| Some(c) != key_col)
                .filter(|&c| {
                    let numeric = !rows.is_empty() && rows.iter().all(|r| number(cell(r, c)).is_some());
                    if !numeric {
                        skipped.push(header[c].clone());
                    }
                    numeric
                })
                .collect(),
        };
        let mut values = Vec::with_capacity(rows.len());
        for r in rows {
            let mut row = Vec::with_capacity(chosen.len());
            for &c in &chosen {
                let text = cell(r, c);
                row.push(number(text).ok_or_else(|| {
                    DesignError::new(format!(
                        "line {}, column {}: `{text}` is not a number",
                        r.line, header[c]
                    ))
                })?);
            }
            values.push(row);
        }
        let keys = match key_col {
            Some(k) => rows.iter().map(|r| cell(r, k).to_owned()).collect(),
            None => Vec::new(),
        };
        let labels = chosen.iter().map(|&c| header[c].clone()).collect();
        Ok((CohortTable::new(labels, keys, values)?, skipped))
    }

    /// The indicator labels (columns).
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// The unit keys (rows).
    pub fn keys(&self) -> &[String] {
        &self.keys
    }

    /// The values, by row.
    pub fn rows(&self) -> &[Vec<f64>] {
        &self.rows
    }

    /// SHA-256 of the table's canonical text: compact JSON with the keys `keys`, `labels` and
    /// `values` in that order, each value the string of its `f64`'s shortest text.
    pub fn fingerprint(&self) -> String {
        use std::fmt::Write as _;
        // Written directly rather than through a JSON tree: a cohort has as many values as a
        // batch has cells, and a `Value` per cell cost more than the weights themselves (and a
        // tree's key order would depend on serde_json's features).
        let quoted = |items: &[String]| serde_json::to_string(items).unwrap_or_default();
        let mut text = String::with_capacity(self.rows.len() * self.labels.len() * 12 + 64);
        let _ = write!(
            text,
            "{{\"keys\":{},\"labels\":{},\"values\":[",
            quoted(&self.keys),
            quoted(&self.labels)
        );
        for (i, row) in self.rows.iter().enumerate() {
            text.push_str(if i == 0 { "[" } else { ",[" });
            for (j, v) in row.iter().enumerate() {
                let _ = write!(text, "{}\"{v}\"", if j == 0 { "" } else { "," });
            }
            text.push(']');
        }
        text.push_str("]}");
        sha256_hex(&text)
    }

    fn column(&self, j: usize) -> impl Iterator<Item = f64> + '_ {
        self.rows.iter().map(move |r| r[j])
    }
}

/// Objective weights of a cohort's indicators.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CohortWeights {
    /// `entropy` or `cv`.
    pub method: &'static str,
    /// The indicators, in column order.
    pub labels: Vec<String>,
    /// Each indicator's direction (entropy; all benefit for CV, where it does not enter).
    pub directions: Vec<Direction>,
    /// The weights, summing to 1 (within float rounding); 0 for constant columns.
    pub weights: Vec<f64>,
    /// Entropy: each eⱼ. CV: each CVⱼ.
    pub measure: Vec<f64>,
    /// Units in the cohort.
    pub units: usize,
    /// Warnings (constant columns), each naming the column.
    pub warnings: Vec<String>,
    /// The cohort's fingerprint ([`CohortTable::fingerprint`]).
    pub cohort_fingerprint: String,
}

fn at_least_two(t: &CohortTable) -> Result<usize, DesignError> {
    let m = t.rows.len();
    if m < 2 {
        return Err(DesignError::new(format!(
            "the cohort has {m} unit{}: weights from a cohort need at least 2 (ln 1 = 0)",
            if m == 1 { "" } else { "s" }
        )));
    }
    Ok(m)
}

/// Entropy weights. `directions` has one entry per column (empty: all benefit).
pub fn entropy(t: &CohortTable, directions: &[Direction]) -> Result<CohortWeights, DesignError> {
    let m = at_least_two(t)?;
    let n = t.labels.len();
    let directions: Vec<Direction> =
        if directions.is_empty() { vec![Direction::Benefit; n] } else { directions.to_vec() };
    if directions.len() != n {
        return Err(DesignError::new(format!("{} directions for {n} indicators", directions.len())));
    }
    let ln_m = (m as f64).ln();
    let mut e = Vec::with_capacity(n);
    let mut warnings = Vec::new();
    let mut divergence = Vec::with_capacity(n);
    for (j, direction) in directions.iter().enumerate() {
        let (lo, hi) = t.column(j).fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| (a.min(x), b.max(x)));
        if hi == lo {
            warnings.push(format!(
                "indicator `{}` has the same value ({lo}) for every unit: weight 0",
                t.labels[j]
            ));
            e.push(1.0);
            divergence.push(0.0);
            continue;
        }
        let norm: Vec<f64> = t
            .column(j)
            .map(|x| match direction {
                Direction::Benefit => (x - lo) / (hi - lo),
                Direction::Cost => (hi - x) / (hi - lo),
            })
            .collect();
        let total: f64 = norm.iter().sum();
        let h: f64 = norm.iter().map(|x| x / total).map(|p| if p > 0.0 { p * p.ln() } else { 0.0 }).sum();
        let ej = -h / ln_m;
        e.push(ej);
        divergence.push(1.0 - ej);
    }
    let sum: f64 = divergence.iter().sum();
    if sum <= 0.0 {
        return Err(DesignError::new(
            "every indicator is constant over the cohort: no weights can be derived",
        ));
    }
    Ok(CohortWeights {
        method: "entropy",
        labels: t.labels.clone(),
        directions,
        weights: divergence.iter().map(|d| d / sum).collect(),
        measure: e,
        units: m,
        warnings,
        cohort_fingerprint: t.fingerprint(),
    })
}

/// Coefficient-of-variation weights.
pub fn coefficient_of_variation(t: &CohortTable) -> Result<CohortWeights, DesignError> {
    let m = at_least_two(t)?;
    let n = t.labels.len();
    let mut cv = Vec::with_capacity(n);
    let mut warnings = Vec::new();
    for j in 0..n {
        let mean = t.column(j).sum::<f64>() / m as f64;
        if mean <= 0.0 {
            return Err(DesignError::new(format!(
                "indicator `{}` has mean {mean}: the coefficient of variation needs positive values",
                t.labels[j]
            )));
        }
        let var = t.column(j).map(|x| (x - mean) * (x - mean)).sum::<f64>() / m as f64;
        if var == 0.0 {
            warnings.push(format!(
                "indicator `{}` has the same value ({mean}) for every unit: weight 0",
                t.labels[j]
            ));
        }
        cv.push(var.sqrt() / mean);
    }
    let sum: f64 = cv.iter().sum();
    if sum <= 0.0 {
        return Err(DesignError::new(
            "every indicator is constant over the cohort: no weights can be derived",
        ));
    }
    Ok(CohortWeights {
        method: "cv",
        labels: t.labels.clone(),
        directions: vec![Direction::Benefit; n],
        weights: cv.iter().map(|c| c / sum).collect(),
        measure: cv,
        units: m,
        warnings,
        cohort_fingerprint: t.fingerprint(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(labels: &[&str], rows: &[&[f64]]) -> CohortTable {
        CohortTable::new(
            labels.iter().map(|s| (*s).to_owned()).collect(),
            Vec::new(),
            rows.iter().map(|r| r.to_vec()).collect(),
        )
        .unwrap()
    }

    /// Worked by hand. Three units; A benefit (1, 2, 3) → x' = (0, ½, 1) → p = (0, ⅓, ⅔);
    /// B benefit (5, 7, 7) → x' = (0, 1, 1) → p = (0, ½, ½); C constant; D cost (10, 20, 30) →
    /// x' = (1, ½, 0), p as A's in another order. With L = ln 2 / ln 3:
    /// e_A = e_D = (⅓ ln 3 + ⅔ ln 3/2) / ln 3 = 1 − ⅔L, e_B = ln 2 / ln 3 = L, so
    /// 1 − e = (⅔L, 1 − L, 0, ⅔L), summing to 1 + L/3:
    /// w_A = w_D = ⅔L / (1 + L/3) ≈ 0.347531, w_B = (1 − L) / (1 + L/3) ≈ 0.304939, w_C = 0.
    #[test]
    fn entropy_worked_by_hand() {
        let t = table(
            &["A", "B", "C", "D"],
            &[&[1.0, 5.0, 4.0, 10.0], &[2.0, 7.0, 4.0, 20.0], &[3.0, 7.0, 4.0, 30.0]],
        );
        let dirs = [Direction::Benefit, Direction::Benefit, Direction::Benefit, Direction::Cost];
        let r = entropy(&t, &dirs).unwrap();
        let l = 2f64.ln() / 3f64.ln();
        let want = [
            2.0 / 3.0 * l / (1.0 + l / 3.0),
            (1.0 - l) / (1.0 + l / 3.0),
            0.0,
            2.0 / 3.0 * l / (1.0 + l / 3.0),
        ];
        for (w, x) in r.weights.iter().zip(want) {
            assert!((w - x).abs() < 1e-15, "{:?} vs {want:?}", r.weights);
        }
        assert!((r.weights[0] - 0.347531).abs() < 1e-6 && (r.weights[1] - 0.304939).abs() < 1e-6);
        assert_eq!(r.measure[2], 1.0);
        assert_eq!(r.warnings.len(), 1);
        assert!(r.warnings[0].contains("`C`"), "{:?}", r.warnings);
        // The cost direction reverses the normalisation: D as a benefit gives the same weight
        // here (the p's are a permutation), but a skewed cost column does not.
        let skew = table(&["S"], &[&[1.0], &[1.0], &[4.0]]);
        let b = entropy(&skew, &[Direction::Benefit]).unwrap();
        let c = entropy(&skew, &[Direction::Cost]).unwrap();
        assert!((b.measure[0] - 0.0).abs() < 1e-15); // p = (0, 0, 1): e = 0
        assert!((c.measure[0] - l).abs() < 1e-15); // p = (½, ½, 0): e = ln 2 / ln 3
    }

    /// Worked by hand: (1, 2, 3): μ 2, σ √(2/3), CV √(2/3)/2 ≈ 0.408248; (2, 4, 6): the same
    /// (scale-free); (10, 10, 13): μ 11, σ √2, CV √2/11 ≈ 0.128565.
    #[test]
    fn coefficient_of_variation_worked_by_hand() {
        let t = table(&["a", "b", "c"], &[&[1.0, 2.0, 10.0], &[2.0, 4.0, 10.0], &[3.0, 6.0, 13.0]]);
        let r = coefficient_of_variation(&t).unwrap();
        let (a, c) = ((2.0f64 / 3.0).sqrt() / 2.0, 2f64.sqrt() / 11.0);
        let want = [a / (2.0 * a + c), a / (2.0 * a + c), c / (2.0 * a + c)];
        for (w, x) in r.weights.iter().zip(want) {
            assert!((w - x).abs() < 1e-15, "{:?}", r.weights);
        }
        assert!((r.measure[2] - 0.128565).abs() < 1e-6);
        let negative = table(&["x"], &[&[-1.0], &[-2.0]]);
        assert!(coefficient_of_variation(&negative).unwrap_err().message.contains("positive"));
    }

    #[test]
    fn refusals() {
        let one = table(&["a"], &[&[1.0]]);
        assert!(entropy(&one, &[]).unwrap_err().message.contains("at least 2"));
        assert!(coefficient_of_variation(&one).unwrap_err().message.contains("at least 2"));
        let flat = table(&["a", "b"], &[&[1.0, 2.0], &[1.0, 2.0]]);
        assert!(entropy(&flat, &[]).unwrap_err().message.contains("every indicator is constant"));
        assert!(CohortTable::new(vec!["a".into()], Vec::new(), vec![vec![f64::NAN]]).is_err());
        assert!(entropy(&flat, &[Direction::Cost]).unwrap_err().message.contains("1 directions for 2"));
    }

    /// The canonical text is the compact JSON of keys, labels and values as strings.
    #[test]
    fn fingerprint_of_the_canonical_json() {
        let t = table(&["a", "高"], &[&[1.5, 0.1], &[2.0, -3e-7]]);
        let want = r#"{"keys":["1","2"],"labels":["a","高"],"values":[["1.5","0.1"],["2","-0.0000003"]]}"#;
        assert_eq!(t.fingerprint(), sha256_hex(want));
        let other = table(&["a", "高"], &[&[1.5, 0.1], &[2.0, -3e-6]]);
        assert_ne!(other.fingerprint(), t.fingerprint());
    }

    #[test]
    fn from_csv_picks_numeric_columns() {
        let csv = "县名,片区,发生率,收入\n甲县,片区外,2.5,９\n乙县,高原,3,8.5\n";
        let (t, skipped) = CohortTable::from_csv(csv, None, Some("县名")).unwrap();
        assert_eq!(t.labels(), ["发生率", "收入"]);
        assert_eq!(skipped, ["片区"]);
        assert_eq!(t.keys(), ["甲县", "乙县"]);
        assert_eq!(t.rows()[0], [2.5, 9.0]);
        let e = CohortTable::from_csv("a,b\n1,\n2,3\n", Some(&["b".to_owned()]), None).unwrap_err();
        assert!(e.message.contains("line 2, column b: `` is not a number"), "{e}");
        assert!(
            CohortTable::from_csv("a\n1\n", Some(&["z".to_owned()]), None)
                .unwrap_err()
                .message
                .contains("no column `z`")
        );
    }
}
