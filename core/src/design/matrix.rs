//! A pairwise comparison matrix (判断矩阵) for AHP: read exactly and validated before any float
//! is computed.
//!
//! Cells hold Saaty's 1–9 scale and reciprocals: `3`, `1/3`, `0.333`, `１／５`. A cell below the
//! diagonal may be left empty when its mirror is given (it is then the exact reciprocal), so a
//! matrix can be written as its upper triangle. Checks, each naming the cell:
//! - square, with the same labels on rows and columns (when rows carry labels), n ≥ 1;
//! - every cell a positive number, the diagonal exactly 1;
//! - reciprocal: a_ij × a_ji within 1% of 1, so `1/3` written as `0.33` or `0.333` passes (the
//!   matrix is used as written, not corrected);
//! - on the scale: from 1/9 to 9, with the same 1% allowance (`0.11` for 1/9).

use crate::num::Num;

use super::{DesignError, sha256_hex, to_f64};

/// A validated reciprocal pairwise matrix with its labels.
#[derive(Clone, Debug, PartialEq)]
pub struct PairwiseMatrix {
    labels: Vec<String>,
    cells: Vec<Vec<Num>>,
}

fn one_percent() -> Num {
    Num::from_ratio(1, 100).expect("1/100")
}

/// An exact cell: a decimal (full-width forms read as ASCII) or a fraction `a/b`.
fn parse_cell(text: &str) -> Option<Num> {
    let t = text.trim().replace('／', "/");
    match t.split_once('/') {
        Some((a, b)) => {
            let a = Num::from_decimal(crate::num::parse_decimal_text(a).ok()?);
            let b = Num::from_decimal(crate::num::parse_decimal_text(b).ok()?);
            a.checked_div(&b)
        }
        None => crate::num::parse_decimal_text(&t).ok().map(Num::from_decimal),
    }
}

impl PairwiseMatrix {
    /// A matrix from text cells (`None` or an empty cell: the reciprocal of its mirror).
    /// `labels` name the rows and columns in order.
    pub fn from_text(
        labels: Vec<String>,
        rows: &[Vec<Option<String>>],
    ) -> Result<PairwiseMatrix, DesignError> {
        let n = labels.len();
        Self::check_shape(&labels, rows.len(), rows.iter().map(Vec::len))?;
        let mut cells: Vec<Vec<Option<Num>>> = vec![vec![None; n]; n];
        for (i, row) in rows.iter().enumerate() {
            for (j, cell) in row.iter().enumerate() {
                let Some(text) = cell.as_deref().filter(|t| !t.trim().is_empty()) else { continue };
                let v = parse_cell(text).ok_or_else(|| {
                    DesignError::new(format!(
                        "cell ({}, {}) is `{}`, not a number or a fraction like 1/3",
                        labels[i],
                        labels[j],
                        text.trim()
                    ))
                })?;
                cells[i][j] = Some(v);
            }
        }
        Self::complete(labels, cells)
    }

    /// A matrix from numbers (floats convert through their shortest text: 0.2 is 1/5 exactly;
    /// NaN and infinities are refused). `None` cells: the reciprocal of their mirror.
    pub fn from_values(
        labels: Vec<String>,
        rows: &[Vec<Option<f64>>],
    ) -> Result<PairwiseMatrix, DesignError> {
        Self::check_shape(&labels, rows.len(), rows.iter().map(Vec::len))?;
        let mut cells = Vec::with_capacity(rows.len());
        for (i, row) in rows.iter().enumerate() {
            let mut out = Vec::with_capacity(row.len());
            for (j, v) in row.iter().enumerate() {
                out.push(match v {
                    None => None,
                    Some(x) => Some(Num::from_f64(*x).map_err(|_| {
                        DesignError::new(format!(
                            "cell ({}, {}) is {x}, not a finite number",
                            labels[i], labels[j]
                        ))
                    })?),
                });
            }
            cells.push(out);
        }
        Self::complete(labels, cells)
    }

    /// A matrix from CSV text: see [`PairwiseMatrix::from_table`].
    pub fn from_csv(text: &str) -> Result<PairwiseMatrix, DesignError> {
        let (header, rows) = crate::table::parse_csv(text)
            .map_err(|e| DesignError::new(format!("the matrix is not CSV: {e}")))?;
        Self::from_table(&header, &rows)
    }

    /// A matrix from a table (a CSV file or a sheet): a header row (its first cell ignored) with
    /// the labels, then one row per label: the label, then the cells. Row labels must repeat the
    /// header's, in order; problems name the row's line.
    pub fn from_table(
        header: &[String],
        rows: &[crate::table::CsvRow],
    ) -> Result<PairwiseMatrix, DesignError> {
        let labels: Vec<String> = header.iter().skip(1).map(|h| h.trim().to_owned()).collect();
        let mut cells = Vec::with_capacity(rows.len());
        for (i, row) in rows.iter().enumerate() {
            let name = row.cells.first().map(|c| c.trim()).unwrap_or("");
            match labels.get(i) {
                Some(l) if l == name => {}
                Some(l) => {
                    return Err(DesignError::new(format!(
                        "line {}: row {} is labelled `{name}`, but column {} is `{l}` (rows and columns in the same order)",
                        row.line,
                        i + 1,
                        i + 1
                    )));
                }
                None => {
                    return Err(DesignError::new(format!(
                        "line {}: more rows than the {} labels of the header",
                        row.line,
                        labels.len()
                    )));
                }
            }
            let mut cs: Vec<Option<String>> = row.cells.iter().skip(1).map(|c| Some(c.clone())).collect();
            // A short row (trailing empty cells left out by the exporter) is padded.
            while cs.len() < labels.len() {
                cs.push(None);
            }
            cells.push(cs);
        }
        Self::from_text(labels, &cells)
    }

    fn check_shape(
        labels: &[String],
        n_rows: usize,
        widths: impl Iterator<Item = usize>,
    ) -> Result<(), DesignError> {
        let n = labels.len();
        if n == 0 {
            return Err(DesignError::new("the matrix is empty"));
        }
        if n_rows != n {
            return Err(DesignError::new(format!(
                "{n} labels but {n_rows} rows: a pairwise matrix is square"
            )));
        }
        for (i, w) in widths.enumerate() {
            if w != n {
                return Err(DesignError::new(format!(
                    "row {} ({}) has {w} cells, not {n}: a pairwise matrix is square",
                    i + 1,
                    labels[i]
                )));
            }
        }
        let mut seen = std::collections::HashSet::new();
        for l in labels {
            if l.trim().is_empty() {
                return Err(DesignError::new("a label is empty"));
            }
            if !seen.insert(l.as_str()) {
                return Err(DesignError::new(format!("label `{l}` appears twice")));
            }
        }
        Ok(())
    }

    /// Fill empty cells from their mirrors, then check every rule.
    // Cells are read with their mirrors (cells[i][j] and cells[j][i]): indices say that best.
    #[allow(clippy::needless_range_loop)]
    fn complete(
        labels: Vec<String>,
        mut cells: Vec<Vec<Option<Num>>>,
    ) -> Result<PairwiseMatrix, DesignError> {
        let n = labels.len();
        let at = |i: usize, j: usize| format!("cell ({}, {})", labels[i], labels[j]);
        for i in 0..n {
            for j in 0..n {
                if cells[i][j].is_none() {
                    let mirror = cells[j][i].clone();
                    cells[i][j] = match (i == j, mirror) {
                        (true, _) => Some(Num::from(1)),
                        (false, Some(m)) if m.is_positive() => m.recip(),
                        (false, Some(_)) => None, // reported below, at the mirror
                        (false, None) => {
                            return Err(DesignError::new(format!(
                                "{} and its mirror are both empty",
                                at(i, j)
                            )));
                        }
                    };
                }
            }
        }
        let (lo, hi) = (
            Num::from_ratio(1, 9).expect("1/9").mul(&Num::from(1).sub(&one_percent())),
            Num::from(9).mul(&Num::from(1).add(&one_percent())),
        );
        let mut out = Vec::with_capacity(n);
        for i in 0..n {
            let mut row = Vec::with_capacity(n);
            for j in 0..n {
                let Some(v) = cells[i][j].clone() else {
                    return Err(DesignError::new(format!("{} must be positive", at(j, i))));
                };
                if !v.is_positive() {
                    return Err(DesignError::new(format!(
                        "{} is {v}; every cell must be positive",
                        at(i, j)
                    )));
                }
                if i == j && v != Num::from(1) {
                    return Err(DesignError::new(format!("{} is {v}; the diagonal must be 1", at(i, j))));
                }
                if v < lo || v > hi {
                    return Err(DesignError::new(format!(
                        "{} is {v}, off Saaty's scale (1/9 to 9, and their reciprocals)",
                        at(i, j)
                    )));
                }
                row.push(v);
            }
            out.push(row);
        }
        for i in 0..n {
            for j in i + 1..n {
                let product = out[i][j].mul(&out[j][i]);
                if product.sub(&Num::from(1)).abs() > one_percent() {
                    return Err(DesignError::new(format!(
                        "{} is {} and {} is {}: not reciprocal (their product is {}, should be 1 within 1%)",
                        at(i, j),
                        out[i][j],
                        at(j, i),
                        out[j][i],
                        product
                    )));
                }
            }
        }
        Ok(PairwiseMatrix { labels, cells: out })
    }

    /// The order n.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether the matrix is empty (never, once built).
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// The labels, in order.
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// The exact cells.
    #[cfg(test)]
    pub(crate) fn cells(&self) -> &[Vec<Num>] {
        &self.cells
    }

    /// The cells as `f64`.
    pub fn to_f64(&self) -> Vec<Vec<f64>> {
        self.cells.iter().map(|r| r.iter().map(to_f64).collect()).collect()
    }

    /// SHA-256 of the matrix's canonical text: the labels and the exact cells as reduced
    /// fractions (`{"labels":["a","b"],"cells":[["1","3"],["1/3","1"]]}`), so `0.5` and `1/2`
    /// give one fingerprint.
    pub fn fingerprint(&self) -> String {
        let quoted = |items: &[String]| serde_json::to_string(items).unwrap_or_default();
        let cells: Vec<String> = self
            .cells
            .iter()
            .map(|r| quoted(&r.iter().map(Num::to_ratio_string).collect::<Vec<_>>()))
            .collect();
        // Written directly, so the key order does not depend on serde_json's features.
        sha256_hex(&format!("{{\"labels\":{},\"cells\":[{}]}}", quoted(&self.labels), cells.join(",")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("c{i}")).collect()
    }

    fn text(rows: &[&[&str]]) -> Vec<Vec<Option<String>>> {
        rows.iter().map(|r| r.iter().map(|c| Some((*c).to_owned())).collect()).collect()
    }

    #[test]
    fn upper_triangle_and_fractions() {
        let m = PairwiseMatrix::from_text(
            labels(3),
            &text(&[&["1", "3", "5"], &["", "1", "２"], &["", "", "1"]]),
        )
        .unwrap();
        assert_eq!(m.cells()[1][0], Num::from_ratio(1, 3).unwrap());
        assert_eq!(m.cells()[2][1], Num::from_ratio(1, 2).unwrap());
        let same = PairwiseMatrix::from_text(
            labels(3),
            &text(&[&["1", "3", "5"], &["1/3", "1", "2"], &["0.2", "0.5", "1"]]),
        )
        .unwrap();
        assert_eq!(m.fingerprint(), same.fingerprint());
        let other = PairwiseMatrix::from_text(
            labels(3),
            &text(&[&["1", "3", "5"], &["0.333", "1", "2"], &["0.2", "0.5", "1"]]),
        )
        .unwrap();
        assert_ne!(m.fingerprint(), other.fingerprint());
        assert!((other.to_f64()[1][0] - 0.333).abs() < 1e-15);
        let two = PairwiseMatrix::from_text(vec!["a".into(), "高".into()], &text(&[&["1", "3"], &["", "1"]]))
            .unwrap();
        assert_eq!(two.fingerprint(), sha256_hex(r#"{"labels":["a","高"],"cells":[["1","3"],["1/3","1"]]}"#));
    }

    #[test]
    fn refusals_name_the_cell() {
        for (rows, needle) in [
            (text(&[&["1", "3"], &["1/3", "2"]]), "cell (c1, c1) is 2; the diagonal must be 1"),
            (text(&[&["1", "-3"], &["1/3", "1"]]), "cell (c0, c1) is -3"),
            (text(&[&["1", "3"], &["0.3", "1"]]), "not reciprocal"),
            (text(&[&["1", "10"], &["0.1", "1"]]), "off Saaty's scale"),
            (text(&[&["1", "x"], &["1", "1"]]), "cell (c0, c1) is `x`"),
            (text(&[&["1", ""], &["", "1"]]), "both empty"),
            (text(&[&["1", "0"], &["", "1"]]), "positive"),
            (text(&[&["1", "3", "1"], &["1/3", "1"]]), "row 1 (c0) has 3 cells"),
        ] {
            let e = PairwiseMatrix::from_text(labels(2), &rows).unwrap_err();
            assert!(e.message.contains(needle), "{needle}: {e}");
        }
        // 1/3 written with two places is within 1%; 1/9 as 0.11 too.
        assert!(PairwiseMatrix::from_text(labels(2), &text(&[&["1", "3"], &["0.33", "1"]])).is_ok());
        assert!(PairwiseMatrix::from_text(labels(2), &text(&[&["1", "9"], &["0.11", "1"]])).is_ok());
        assert!(
            PairwiseMatrix::from_values(labels(2), &[vec![Some(1.0), Some(f64::NAN)], vec![None, Some(1.0)]])
                .is_err()
        );
        assert!(
            PairwiseMatrix::from_text(vec!["a".into(), "a".into()], &text(&[&["1", "1"], &["1", "1"]]))
                .is_err()
        );
    }

    #[test]
    fn csv_with_labels() {
        let m = PairwiseMatrix::from_csv(",贫困发生率,收入增幅\n贫困发生率,1,3\n收入增幅,,1\n").unwrap();
        assert_eq!(m.labels(), ["贫困发生率", "收入增幅"]);
        assert_eq!(m.cells()[1][0], Num::from_ratio(1, 3).unwrap());
        let e = PairwiseMatrix::from_csv(",a,b\nb,1,3\na,,1\n").unwrap_err();
        assert!(e.message.contains("line 2: row 1 is labelled `b`, but column 1 is `a`"), "{e}");
    }
}
