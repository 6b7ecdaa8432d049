//! A design result written into a rulebook: never applied silently, always as a **variant**
//! (`Rulebook::variant`) whose changes are the new points or weights of a node's children, with a
//! `[[rulebook.provenance]]` record saying how they were obtained, and validated by the normal
//! load path like any rulebook (so `kaoping check` accepts the saved file, or says why not).
//!
//! - Points (分值制, a `sum` node or the top level): the node's points are shared among its
//!   children by [`apportion`] at the stated places (default 2), so they add up exactly. For a
//!   hierarchy, parents are done first and their children share the parent's *new* points.
//! - Weights (权重制, a `weighted` node): the weights themselves, sharing 1 at the stated places
//!   (default 4). A weight of 0 (an entropy weight of a constant column) is refused by the load
//!   path: weights are positive (spec §7).
//!
//! Each result's labels are matched to the node's children by id, by the last part of the id
//! (`incidence` for `reduction.incidence`) or by label (贫困发生率); every child must be matched
//! once.

use std::collections::HashMap;
use std::fmt;

use rust_decimal::Decimal;

use super::apportion::apportion;
use super::{Ahp, CohortWeights, DesignError};
use crate::date::Date;
use crate::model::lineage::Provenance;
use crate::syntax::{self, Value};
use crate::variant::Change;
use crate::{LoadError, Rulebook};

/// What the values are written as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WrittenAs {
    /// The children's points (分值).
    Points,
    /// The children's weights (权重), under a weighted node.
    Weights,
}

impl WrittenAs {
    /// `points` or `weights`.
    pub fn name(self) -> &'static str {
        match self {
            WrittenAs::Points => "points",
            WrittenAs::Weights => "weights",
        }
    }
}

impl std::str::FromStr for WrittenAs {
    type Err = DesignError;

    fn from_str(s: &str) -> Result<WrittenAs, DesignError> {
        match s.trim() {
            "points" => Ok(WrittenAs::Points),
            "weights" => Ok(WrittenAs::Weights),
            other => Err(DesignError::new(format!("write as \"points\" or \"weights\", not `{other}`"))),
        }
    }
}

/// One node's new values: the weights of its children, and how they were obtained.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeWeights {
    /// The indicator whose children get the values; `None`: the top-level indicators.
    pub node: Option<String>,
    /// The children, as the result names them (ids, last id parts or labels).
    pub labels: Vec<String>,
    /// Their weights (any positive scale).
    pub weights: Vec<f64>,
    /// The record to write with them (method, fingerprint, settings); `node`, `written_as` and
    /// `date` are filled in when written.
    pub provenance: Provenance,
}

impl NodeWeights {
    /// An AHP result for `node`'s children.
    pub fn from_ahp(node: Option<&str>, r: &Ahp) -> NodeWeights {
        let mut settings = std::collections::BTreeMap::new();
        settings.insert("weighting".to_owned(), r.weighting.name().to_owned());
        settings.insert("ri_table".to_owned(), r.ri_table.to_owned());
        settings.insert("ri".to_owned(), r.ri.to_string());
        settings.insert("lambda_max".to_owned(), r.lambda_max.to_string());
        settings.insert("ci".to_owned(), r.ci.to_string());
        settings.insert("cr".to_owned(), r.cr.to_string());
        settings.insert("accepted_inconsistent".to_owned(), r.accepted_inconsistent.to_string());
        settings.insert("weights".to_owned(), joined(&r.labels, &r.weights));
        NodeWeights {
            node: node.map(str::to_owned),
            labels: r.labels.clone(),
            weights: r.weights.clone(),
            provenance: Provenance {
                method: "ahp".into(),
                node: None,
                written_as: None,
                date: None,
                input_fingerprint: Some(r.matrix_fingerprint.clone()),
                settings,
            },
        }
    }

    /// An entropy or CV result for `node`'s children.
    pub fn from_cohort(node: Option<&str>, r: &CohortWeights) -> NodeWeights {
        let mut settings = std::collections::BTreeMap::new();
        settings.insert("units".to_owned(), r.units.to_string());
        if r.method == "entropy" {
            let dirs: Vec<String> =
                r.labels.iter().zip(&r.directions).map(|(l, d)| format!("{l}: {d}")).collect();
            settings.insert("directions".to_owned(), dirs.join(", "));
            settings.insert("normalisation".to_owned(), "min-max".to_owned());
        }
        settings.insert("weights".to_owned(), joined(&r.labels, &r.weights));
        if !r.warnings.is_empty() {
            settings.insert("warnings".to_owned(), r.warnings.join("; "));
        }
        NodeWeights {
            node: node.map(str::to_owned),
            labels: r.labels.clone(),
            weights: r.weights.clone(),
            provenance: Provenance {
                method: r.method.into(),
                node: None,
                written_as: None,
                date: None,
                input_fingerprint: Some(r.cohort_fingerprint.clone()),
                settings,
            },
        }
    }
}

fn joined(labels: &[String], weights: &[f64]) -> String {
    labels.iter().zip(weights).map(|(l, w)| format!("{l}: {w}")).collect::<Vec<_>>().join(", ")
}

/// How to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WriteOptions {
    /// Points or weights; `None`: weights under a weighted node, points otherwise.
    pub written_as: Option<WrittenAs>,
    /// Decimal places; `None`: 2 for points, 4 for weights.
    pub places: Option<u32>,
    /// The date recorded in the provenance.
    pub date: Date,
}

/// Why a result could not be written: it does not fit the rulebook, or the variant does not load.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WriteError {
    /// The result does not fit the rulebook (unknown node, children not matched…).
    Design(DesignError),
    /// The variant did not load (e.g. a weight of 0).
    Load(LoadError),
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WriteError::Design(e) => write!(f, "{e}"),
            WriteError::Load(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for WriteError {}

impl From<DesignError> for WriteError {
    fn from(e: DesignError) -> WriteError {
        WriteError::Design(e)
    }
}

/// The variant of `rb` with every part's values written, parents before children.
pub fn variant(rb: &Rulebook, parts: &[NodeWeights], opts: &WriteOptions) -> Result<Rulebook, WriteError> {
    let indicators = rb.indicators();
    let weighted = weighted_nodes(rb);
    let mut order: Vec<&NodeWeights> = parts.iter().collect();
    let depth = |p: &&NodeWeights| p.node.as_deref().map_or(0, |n| 1 + n.matches('.').count());
    order.sort_by_key(depth);
    let mut new_points: HashMap<String, Decimal> = HashMap::new();
    let mut variant = rb.variant();
    for part in order {
        let node = part.node.as_deref();
        if let Some(id) = node
            && !indicators.iter().any(|i| i.id == id)
        {
            return Err(DesignError::new(format!("no indicator `{id}` in rulebook {}", rb.id())).into());
        }
        let children: Vec<_> = indicators.iter().filter(|i| i.parent.as_deref() == node).collect();
        if children.is_empty() {
            return Err(DesignError::new(format!(
                "indicator `{}` has no children to weigh",
                node.unwrap_or("")
            ))
            .into());
        }
        let at = node.map_or("the top level".to_owned(), |n| format!("indicator `{n}`"));
        if part.labels.len() != children.len() || part.weights.len() != children.len() {
            let ids: Vec<&str> = children.iter().map(|c| c.id.as_str()).collect();
            return Err(DesignError::new(format!(
                "{at} has {} children ({}), and the result weighs {}",
                children.len(),
                ids.join(", "),
                part.labels.len()
            ))
            .into());
        }
        // Result label → child, by id, last id part or label.
        let mut matched = vec![None; children.len()];
        for (k, label) in part.labels.iter().enumerate() {
            let l = label.trim();
            let hit =
                children.iter().position(|c| c.id == l || c.id.rsplit('.').next() == Some(l) || c.label == l);
            match hit {
                Some(c) if matched[c].is_none() => matched[c] = Some(k),
                Some(c) => {
                    return Err(DesignError::new(format!(
                        "`{label}` and another label both name `{}`",
                        children[c].id
                    ))
                    .into());
                }
                None => {
                    let ids: Vec<String> =
                        children.iter().map(|c| format!("{} ({})", c.id, c.label)).collect();
                    return Err(DesignError::new(format!(
                        "`{label}` is not a child of {at}; children: {}",
                        ids.join(", ")
                    ))
                    .into());
                }
            }
        }
        let is_weighted = node.is_some_and(|n| weighted.contains(&n.to_owned()));
        let written_as =
            opts.written_as.unwrap_or(if is_weighted { WrittenAs::Weights } else { WrittenAs::Points });
        if written_as == WrittenAs::Weights && !is_weighted {
            return Err(DesignError::new(format!(
                "{at} adds its children's points (aggregate = \"sum\"): write points, or make it aggregate = \"weighted\""
            ))
            .into());
        }
        let places = opts.places.unwrap_or(match written_as {
            WrittenAs::Points => 2,
            WrittenAs::Weights => 4,
        });
        let weights: Vec<f64> = (0..children.len()).map(|c| part.weights[matched[c].unwrap_or(0)]).collect();
        let total = match (written_as, node) {
            (WrittenAs::Weights, _) => Decimal::ONE,
            (WrittenAs::Points, Some(n)) => new_points
                .get(n)
                .copied()
                .or_else(|| indicators.iter().find(|i| i.id == n).map(|i| i.points))
                .unwrap_or_default(),
            (WrittenAs::Points, None) => rb.max(None).unwrap_or_default(),
        };
        let shares = apportion(&weights, total, places)?;
        for (child, share) in children.iter().zip(shares) {
            let change = match written_as {
                WrittenAs::Points => {
                    new_points.insert(child.id.clone(), share);
                    Change::points(&child.id, share)
                }
                WrittenAs::Weights => Change::weight(&child.id, share),
            };
            variant = variant.change(change);
        }
        let mut record = part.provenance.clone();
        record.node = part.node.clone();
        record.written_as = Some(written_as.name().to_owned());
        record.date = Some(opts.date);
        record.settings.insert("places".to_owned(), places.to_string());
        record.settings.insert("sum_fixed_by".to_owned(), "largest remainder".to_owned());
        variant = variant.provenance(record);
    }
    variant.build().map_err(WriteError::Load)
}

/// Ids of the indicators written with `aggregate = "weighted"`, read from the rulebook's text.
fn weighted_nodes(rb: &Rulebook) -> Vec<String> {
    let Some((text, format)) = &rb.compiled().text else { return Vec::new() };
    let Ok(tree) = syntax::parse(text, *format) else { return Vec::new() };
    let Some(Value::Array(items)) = tree.get("indicator").map(|n| &n.value) else { return Vec::new() };
    items
        .iter()
        .filter(|i| matches!(i.get("aggregate").map(|a| &a.value), Some(Value::String(s)) if s == "weighted"))
        .filter_map(|i| match i.get("id").map(|n| &n.value) {
            Some(Value::String(id)) => Some(id.clone()),
            _ => None,
        })
        .collect()
}
