//! The analytic hierarchy process (层次分析法, Saaty): weights from a reciprocal pairwise matrix,
//! and its consistency.
//!
//! - Weights ([`Weighting`]): the principal eigenvector, normalised to sum 1 (Saaty's method, the
//!   default; by power iteration, see the tolerances in [`super`]); the geometric mean of each
//!   row, normalised (方根法); or each column normalised to sum 1, then the rows averaged (和积法).
//! - λmax = (1/n) Σᵢ (A w)ᵢ / wᵢ, Saaty's estimate (for the eigenvector it is the eigenvalue).
//! - CI = (λmax − n) / (n − 1); CR = CI / RI(n) from the chosen [`RiTable`]. For n ≤ 2 the matrix
//!   is consistent by definition: CI = CR = 0. λmax ≥ n for every positive reciprocal matrix, so
//!   a CI within 1e-12 below 0 is float noise and reported as 0.
//! - CR ≥ 0.1 is refused with the CR in the message, unless the caller accepts an inconsistent
//!   matrix explicitly; the result then says so (`accepted_inconsistent`), and so does the
//!   provenance written with it.
//! - Hierarchies ([`ahp_hierarchy`]): one matrix per inner node over its children; a node's
//!   global weight is the product of the local weights on its path from the goal.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use super::{DesignError, PairwiseMatrix, RiTable};

/// The consistency ratio from which a matrix is refused (Saaty's 10% rule).
pub const CR_LIMIT: f64 = 0.1;

/// How weights are obtained from the matrix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Weighting {
    /// The principal (Perron) eigenvector (特征向量法): the default.
    #[default]
    Eigenvector,
    /// Row geometric means, normalised (方根法/几何平均法).
    GeometricMean,
    /// Columns normalised, rows averaged (和积法/列归一化).
    ColumnNormalisation,
}

impl Weighting {
    /// Every method, default first.
    pub const ALL: [Weighting; 3] =
        [Weighting::Eigenvector, Weighting::GeometricMean, Weighting::ColumnNormalisation];

    /// The name used on the command line and in results.
    pub fn name(self) -> &'static str {
        match self {
            Weighting::Eigenvector => "eigenvector",
            Weighting::GeometricMean => "geometric-mean",
            Weighting::ColumnNormalisation => "column-normalisation",
        }
    }
}

impl FromStr for Weighting {
    type Err = DesignError;

    fn from_str(s: &str) -> Result<Weighting, DesignError> {
        let s = s.trim().to_ascii_lowercase().replace('_', "-");
        let s = if s == "column-normalization" { "column-normalisation".to_owned() } else { s };
        Weighting::ALL.into_iter().find(|w| w.name() == s).ok_or_else(|| {
            let names: Vec<&str> = Weighting::ALL.iter().map(|w| w.name()).collect();
            DesignError::new(format!("unknown AHP method `{s}`; methods: {}", names.join(", ")))
        })
    }
}

impl fmt::Display for Weighting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Choices for [`ahp`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AhpOptions {
    /// How weights are obtained.
    pub weighting: Weighting,
    /// The RI table for CR.
    pub ri: RiTable,
    /// Accept a matrix whose CR is 0.1 or more (recorded in the result).
    pub accept_inconsistent: bool,
}

/// The weights of one pairwise matrix, with its consistency.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Ahp {
    /// The matrix's labels.
    pub labels: Vec<String>,
    /// The weights, in label order, summing to 1 (within float rounding).
    pub weights: Vec<f64>,
    /// How they were obtained.
    pub weighting: Weighting,
    /// λmax.
    pub lambda_max: f64,
    /// CI = (λmax − n) / (n − 1).
    pub ci: f64,
    /// The RI table's name.
    pub ri_table: &'static str,
    /// RI(n) from that table.
    pub ri: f64,
    /// CR = CI / RI (0 for n ≤ 2).
    pub cr: f64,
    /// CR < 0.1.
    pub consistent: bool,
    /// The matrix is not consistent and the caller accepted it.
    pub accepted_inconsistent: bool,
    /// Power-iteration steps (eigenvector method; 0 otherwise).
    pub iterations: usize,
    /// The matrix's fingerprint ([`PairwiseMatrix::fingerprint`]).
    pub matrix_fingerprint: String,
}

/// Steps after which a power iteration that has not settled is given up.
const MAX_ITERATIONS: usize = 100_000;
/// A weight moving by no more than this between steps has settled.
const SETTLED: f64 = 1e-15;

/// AHP weights and consistency of `matrix`.
///
/// ```
/// use kaoping::design::{AhpOptions, PairwiseMatrix, ahp};
/// let m = PairwiseMatrix::from_csv(",a,b,c\na,1,3,5\nb,,1,3\nc,,,1\n").unwrap();
/// let r = ahp(&m, &AhpOptions::default()).unwrap();
/// assert!((r.weights[0] - 0.6370).abs() < 1e-4 && r.cr < 0.1);
/// ```
pub fn ahp(matrix: &PairwiseMatrix, opts: &AhpOptions) -> Result<Ahp, DesignError> {
    let n = matrix.len();
    let ri = opts.ri.ri(n)?;
    let a = matrix.to_f64();
    let (weights, iterations) = match opts.weighting {
        Weighting::Eigenvector => principal_eigenvector(&a)?,
        Weighting::GeometricMean => (geometric_mean(&a), 0),
        Weighting::ColumnNormalisation => (column_normalisation(&a), 0),
    };
    let lambda_max =
        (0..n).map(|i| (0..n).map(|j| a[i][j] * weights[j]).sum::<f64>() / weights[i]).sum::<f64>()
            / n as f64;
    let (ci, cr) = if n <= 2 {
        (0.0, 0.0)
    } else {
        let ci = (lambda_max - n as f64) / (n as f64 - 1.0);
        let ci = if (-1e-12..0.0).contains(&ci) { 0.0 } else { ci };
        (ci, ci / ri)
    };
    let consistent = cr < CR_LIMIT;
    if !consistent && !opts.accept_inconsistent {
        return Err(DesignError::new(format!(
            "the matrix ({}) is not consistent enough: CR = {cr:.4} (CI = {ci:.4}, RI({n}) = {ri} from the {} table), \
             and CR must be below 0.1; revise the judgements, or accept it explicitly (--accept-inconsistent)",
            matrix.labels().join(", "),
            opts.ri.name()
        )));
    }
    Ok(Ahp {
        labels: matrix.labels().to_vec(),
        weights,
        weighting: opts.weighting,
        lambda_max,
        ci,
        ri_table: opts.ri.name(),
        ri,
        cr,
        consistent,
        accepted_inconsistent: !consistent,
        iterations,
        matrix_fingerprint: matrix.fingerprint(),
    })
}

/// The Perron eigenvector of a positive matrix, normalised to sum 1, by power iteration from
/// the uniform vector (every iterate stays positive, and converges because a positive matrix's
/// other eigenvalues are smaller in modulus).
fn principal_eigenvector(a: &[Vec<f64>]) -> Result<(Vec<f64>, usize), DesignError> {
    let n = a.len();
    let mut w = vec![1.0 / n as f64; n];
    for step in 1..=MAX_ITERATIONS {
        let y: Vec<f64> = a.iter().map(|row| row.iter().zip(&w).map(|(x, v)| x * v).sum()).collect();
        let s: f64 = y.iter().sum();
        let next: Vec<f64> = y.iter().map(|v| v / s).collect();
        let moved = next.iter().zip(&w).map(|(x, y)| (x - y).abs()).fold(0.0, f64::max);
        w = next;
        if moved <= SETTLED {
            return Ok((w, step));
        }
    }
    Err(DesignError::new(format!(
        "the eigenvector did not settle within {MAX_ITERATIONS} steps; use --method geometric-mean"
    )))
}

fn geometric_mean(a: &[Vec<f64>]) -> Vec<f64> {
    let n = a.len() as f64;
    let g: Vec<f64> = a.iter().map(|row| (row.iter().map(|x| x.ln()).sum::<f64>() / n).exp()).collect();
    let s: f64 = g.iter().sum();
    g.iter().map(|x| x / s).collect()
}

fn column_normalisation(a: &[Vec<f64>]) -> Vec<f64> {
    let n = a.len();
    let col: Vec<f64> = (0..n).map(|j| (0..n).map(|i| a[i][j]).sum()).collect();
    (0..n).map(|i| (0..n).map(|j| a[i][j] / col[j]).sum::<f64>() / n as f64).collect()
}

/// A hierarchy: for each inner node, its matrix over its children. The goal's matrix has no
/// node (`None`); every other node is a label of exactly one matrix above it.
pub type Hierarchy = [(Option<String>, PairwiseMatrix)];

/// One node of a hierarchy's result.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GlobalWeight {
    /// The node (a label of its parent's matrix).
    pub id: String,
    /// Its parent (`None`: directly under the goal).
    pub parent: Option<String>,
    /// Its weight among its siblings.
    pub local: f64,
    /// The product of the local weights from the goal down to it.
    pub global: f64,
    /// Whether it has no matrix of its own.
    pub is_leaf: bool,
}

/// The result of a hierarchy.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HierarchyResult {
    /// Each matrix's result, in the order given.
    pub local: Vec<(Option<String>, Ahp)>,
    /// Every node, goal's children first, depth first in label order.
    pub global: Vec<GlobalWeight>,
}

/// AHP over a hierarchy: every matrix is weighed and checked (the first inconsistent one not
/// accepted is refused); global weights are products along each path.
pub fn ahp_hierarchy(nodes: &Hierarchy, opts: &AhpOptions) -> Result<HierarchyResult, DesignError> {
    let roots: Vec<usize> = (0..nodes.len()).filter(|&i| nodes[i].0.is_none()).collect();
    if roots.len() != 1 {
        return Err(DesignError::new(format!(
            "a hierarchy has one matrix for the goal (without a node); {} given",
            roots.len()
        )));
    }
    let mut seen = std::collections::HashSet::new();
    for (node, _) in nodes {
        if let Some(id) = node
            && !seen.insert(id.as_str())
        {
            return Err(DesignError::new(format!("node `{id}` has two matrices")));
        }
    }
    let local: Vec<(Option<String>, Ahp)> = nodes
        .iter()
        .map(|(node, m)| {
            ahp(m, opts).map(|r| (node.clone(), r)).map_err(|e| {
                let at = node.as_deref().map_or("the goal".to_owned(), |n| format!("node `{n}`"));
                DesignError::new(format!("{at}: {}", e.message))
            })
        })
        .collect::<Result<_, _>>()?;
    let matrix_of = |id: &str| local.iter().position(|(n, _)| n.as_deref() == Some(id));
    let mut global = Vec::new();
    let mut reached = vec![false; local.len()];
    reached[roots[0]] = true;
    // Depth first from the goal, with an explicit stack: (matrix, parent id, parent's global).
    let mut stack = vec![(roots[0], None::<String>, 1.0)];
    while let Some((k, parent, above)) = stack.pop() {
        let r = &local[k].1;
        let mut children = Vec::new();
        for (label, w) in r.labels.iter().zip(&r.weights) {
            let own = matrix_of(label);
            global.push(GlobalWeight {
                id: label.clone(),
                parent: parent.clone(),
                local: *w,
                global: above * w,
                is_leaf: own.is_none(),
            });
            if let Some(c) = own {
                if reached[c] {
                    return Err(DesignError::new(format!("node `{label}` appears twice in the hierarchy")));
                }
                reached[c] = true;
                children.push((c, Some(label.clone()), above * w));
            }
        }
        // Children's subtrees follow their parent in label order.
        for c in children.into_iter().rev() {
            stack.push(c);
        }
    }
    if let Some(k) = reached.iter().position(|r| !r) {
        return Err(DesignError::new(format!(
            "node `{}` has a matrix but is no label of any matrix above it",
            local[k].0.as_deref().unwrap_or("")
        )));
    }
    // Pre-order: a node's subtree right after it.
    let mut ordered = Vec::with_capacity(global.len());
    order(&global, None, &mut ordered);
    Ok(HierarchyResult { local, global: ordered })
}

fn order(all: &[GlobalWeight], parent: Option<&str>, out: &mut Vec<GlobalWeight>) {
    for g in all.iter().filter(|g| g.parent.as_deref() == parent) {
        out.push(g.clone());
        if !g.is_leaf {
            order(all, Some(&g.id), out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(labels: &[&str], rows: &[&[&str]]) -> PairwiseMatrix {
        let rows: Vec<Vec<Option<String>>> =
            rows.iter().map(|r| r.iter().map(|c| Some((*c).to_owned())).collect()).collect();
        PairwiseMatrix::from_text(labels.iter().map(|s| (*s).to_owned()).collect(), &rows).unwrap()
    }

    /// A consistent matrix (a_ij = w_i / w_j) gives back w exactly (to float rounding) by every
    /// method, with λmax = n and CR = 0.
    #[test]
    fn a_consistent_matrix_gives_its_weights_by_every_method() {
        let mat = m(
            &["a", "b", "c", "d"],
            &[&["1", "2", "4", "8"], &["", "1", "2", "4"], &["", "", "1", "2"], &["", "", "", "1"]],
        );
        let want = [8.0 / 15.0, 4.0 / 15.0, 2.0 / 15.0, 1.0 / 15.0];
        for weighting in Weighting::ALL {
            let r = ahp(&mat, &AhpOptions { weighting, ..AhpOptions::default() }).unwrap();
            for (w, x) in r.weights.iter().zip(want) {
                assert!((w - x).abs() < 1e-14, "{weighting}: {:?}", r.weights);
            }
            assert!((r.lambda_max - 4.0).abs() < 1e-12);
            assert_eq!((r.ci, r.cr, r.consistent), (0.0, 0.0, true));
        }
    }

    /// Saaty's textbook 3×3 (1, 3, 5 / 1/3, 1, 3 / 1/5, 1/3, 1): weights 0.6370, 0.2583, 0.1047,
    /// λmax 3.0385, CR 0.033 (Saaty 1980; widely reproduced). The tighter check against numpy is
    /// in the Python tests.
    #[test]
    fn saatys_three_by_three() {
        let mat = m(&["a", "b", "c"], &[&["1", "3", "5"], &["", "1", "3"], &["", "", "1"]]);
        let r = ahp(&mat, &AhpOptions::default()).unwrap();
        let want = [0.6370, 0.2583, 0.1047];
        for (w, x) in r.weights.iter().zip(want) {
            assert!((w - x).abs() < 5e-5, "{:?}", r.weights);
        }
        assert!((r.lambda_max - 3.0385).abs() < 5e-5, "{}", r.lambda_max);
        assert!((r.cr - 0.0332).abs() < 5e-4, "{}", r.cr);
        assert_eq!(r.ri, 0.58);
        assert!(r.iterations > 1);
    }

    #[test]
    fn an_inconsistent_matrix_is_refused_unless_accepted() {
        // a > b (9), b > c (9), but c > a (9): circular.
        let mat = m(&["a", "b", "c"], &[&["1", "9", "1/9"], &["", "1", "9"], &["", "", "1"]]);
        let e = ahp(&mat, &AhpOptions::default()).unwrap_err();
        assert!(
            e.message.contains("CR = ") && e.message.contains("saaty") && e.message.contains("accept"),
            "{e}"
        );
        let r = ahp(&mat, &AhpOptions { accept_inconsistent: true, ..AhpOptions::default() }).unwrap();
        assert!(r.cr >= 0.1 && !r.consistent && r.accepted_inconsistent);
        // Two items are consistent by definition.
        let two = m(&["a", "b"], &[&["1", "7"], &["", "1"]]);
        let r = ahp(&two, &AhpOptions::default()).unwrap();
        assert_eq!((r.cr, r.ri), (0.0, 0.0));
        assert!((r.weights[0] - 0.875).abs() < 1e-15);
        // The table decides CR: another table, another CR, recorded.
        let mat = m(&["a", "b", "c"], &[&["1", "3", "5"], &["", "1", "3"], &["", "", "1"]]);
        let r = ahp(&mat, &AhpOptions { ri: RiTable::DoneganDodd, ..AhpOptions::default() }).unwrap();
        assert_eq!((r.ri_table, r.ri), ("donegan-dodd", 0.4914));
    }

    #[test]
    fn a_hierarchy_multiplies_down_the_tree() {
        let top = m(&["reduction", "help"], &[&["1", "3"], &["", "1"]]);
        let red = m(&["inc", "income"], &[&["1", "1"], &["", "1"]]);
        let help = m(&["sat", "exp", "x"], &[&["1", "2", "4"], &["", "1", "2"], &["", "", "1"]]);
        let h = vec![(Some("help".to_owned()), help), (None, top), (Some("reduction".to_owned()), red)];
        let r = ahp_hierarchy(&h, &AhpOptions::default()).unwrap();
        let ids: Vec<&str> = r.global.iter().map(|g| g.id.as_str()).collect();
        assert_eq!(ids, ["reduction", "inc", "income", "help", "sat", "exp", "x"]);
        let g = |id: &str| r.global.iter().find(|g| g.id == id).unwrap().global;
        assert!((g("inc") - 0.375).abs() < 1e-12);
        assert!((g("sat") - 0.25 * 4.0 / 7.0).abs() < 1e-12);
        let leaves: f64 = r.global.iter().filter(|g| g.is_leaf).map(|g| g.global).sum();
        assert!((leaves - 1.0).abs() < 1e-12);
        // Shapes that are not a tree.
        let lone = m(&["p", "q"], &[&["1", "1"], &["", "1"]]);
        let mut bad = h.clone();
        bad.push((Some("nowhere".to_owned()), lone));
        assert!(ahp_hierarchy(&bad, &AhpOptions::default()).unwrap_err().message.contains("`nowhere`"));
        assert!(
            ahp_hierarchy(&h[..1], &AhpOptions::default())
                .unwrap_err()
                .message
                .contains("one matrix for the goal")
        );
    }
}
