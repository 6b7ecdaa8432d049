//! Compare two rulebooks over the same units (a reform diff, issue #23): "if the village exit
//! limit moves from 3% to 2.5%, which units change, and why?".
//!
//! Both rulebooks score the same records, each as a batch (so relative rules see their cohort),
//! and each unit's two results are set side by side ([`UnitDiff`]): totals, grades, verdicts,
//! vetoes that start or stop firing, every indicator's points matched by id (indicators only one
//! rulebook has are added or removed), and the change in total split exactly into its causes
//! ([`Attribution`]: top-level indicators' published changes, rescaling, bonus, penalty, the
//! total's clamp and rounding, vetoes — they add up to the change, always). The [`Summary`]
//! counts the cohort: the transition matrix between states (grades, or verdicts; vetoed and
//! failed as states of their own), units up, down and unchanged, the change's distribution in
//! buckets, the same per profile, and the indicators that moved the most units. The biggest
//! movers keep both explanations ([`Mover`]).

mod summary;
mod table;
mod text;
mod unit;

use crate::par::*;
use rust_decimal::Decimal;
use serde::Serialize;

pub use summary::{Bucket, IndicatorMoves, ProfileStats, Stats, Summary, Transitions};
pub use table::{Cell, CellKind, Column};
pub use unit::{Attribution, CriterionChange, Side, State, UnitDiff};

use crate::batch::{Batch, BatchOptions};
use crate::date::Date;
use crate::error::RecordError;
use crate::input::{Columns, ColumnsError, Record};
use crate::outcome::{Outcome, RulebookRef};
use crate::rulebook::Rulebook;
use unit::Shape;

/// How to compare.
#[derive(Clone, Debug)]
pub struct CompareOptions {
    /// Score every unit in this profile (else each record's profile field).
    pub profile: Option<String>,
    /// Scoring date (else each rulebook's own `as_of`).
    pub as_of: Option<Date>,
    /// Use every core. The result is the same either way.
    pub parallel: bool,
    /// How many of the biggest movers keep both explanations.
    pub movers: usize,
}

impl Default for CompareOptions {
    fn default() -> CompareOptions {
        CompareOptions { profile: None, as_of: None, parallel: true, movers: 10 }
    }
}

impl CompareOptions {
    fn batch(&self) -> BatchOptions {
        BatchOptions {
            profile: self.profile.clone(),
            as_of: self.as_of,
            parallel: self.parallel,
            ..BatchOptions::default()
        }
    }
}

/// An indicator of either rulebook, matched by id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct IndicatorPair {
    /// Dotted id.
    pub id: String,
    /// Label (the new rulebook's, else the old's).
    pub label: String,
    /// Whether it is top-level (in the rulebook that has it; the new one's when both do).
    pub top_level: bool,
    /// Whether the old rulebook has it.
    pub in_old: bool,
    /// Whether the new rulebook has it.
    pub in_new: bool,
}

/// One of the biggest movers, with both explanations.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Mover {
    /// Its place in [`Comparison::units`].
    pub unit: usize,
    /// The old rulebook's result (or why it failed).
    pub old: Result<Outcome, String>,
    /// The new rulebook's result (or why it failed).
    pub new: Result<Outcome, String>,
}

/// Two rulebooks compared over the same units.
#[derive(Clone, Debug, Serialize)]
pub struct Comparison {
    /// The old rulebook.
    pub old: RulebookRef,
    /// The new rulebook.
    pub new: RulebookRef,
    /// Every indicator of either, the old one's in file order, then those only the new one has.
    pub indicators: Vec<IndicatorPair>,
    /// One per unit, in input order.
    pub units: Vec<UnitDiff>,
    /// The cohort in numbers.
    pub summary: Summary,
    /// The units that moved most (by the size of the change, then a change of state), with both
    /// explanations.
    pub movers: Vec<Mover>,
    /// Decimal places of totals and points (the larger of the two rulebooks').
    pub scale: u32,
    /// What either rulebook has: profiles, grades, criteria, vetoes (which columns and lines the
    /// table and the text have).
    #[serde(skip)]
    either: Either,
}

/// What either of the two rulebooks has.
#[derive(Clone, Copy, Debug, Default)]
struct Either {
    profiles: bool,
    grades: bool,
    criteria: bool,
    vetoes: bool,
}

/// Why two sets of rows cannot be compared.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct CompareError {
    /// What is wrong.
    pub message: String,
}

impl From<ColumnsError> for CompareError {
    fn from(e: ColumnsError) -> CompareError {
        CompareError { message: e.to_string() }
    }
}

fn reference(rb: &Rulebook) -> RulebookRef {
    RulebookRef {
        id: rb.id().to_owned(),
        title: rb.title().to_owned(),
        version: rb.version().to_owned(),
        fingerprint: rb.fingerprint().to_owned(),
        variant_of: rb.variant_of().cloned(),
    }
}

impl Comparison {
    /// Compare over `records`, each read by both rulebooks by input name (an input only one of
    /// them declares is missing for the other: read the rows once per rulebook and use
    /// [`Comparison::rows`] when that matters).
    pub fn records(old: &Rulebook, new: &Rulebook, records: &[Record], opts: &CompareOptions) -> Comparison {
        let bo = opts.batch();
        let (a, b) = (old.score_batch(records, &bo), new.score_batch(records, &bo));
        let explain_a = |i: usize| a.explain(i, &records[i]);
        let explain_b = |i: usize| b.explain(i, &records[i]);
        compare(old, new, (&a, &explain_a), (&b, &explain_b), opts)
    }

    /// Compare over rows read once for each rulebook (the same rows, in the same order: a table
    /// read twice, so that each rulebook reads the columns it declares). A row that could not be
    /// read keeps its error on that side.
    pub fn rows(
        old: &Rulebook,
        new: &Rulebook,
        old_rows: &[Result<Record, RecordError>],
        new_rows: &[Result<Record, RecordError>],
        opts: &CompareOptions,
    ) -> Result<Comparison, CompareError> {
        if old_rows.len() != new_rows.len() {
            return Err(CompareError {
                message: format!(
                    "{} rows for {} but {} for {}",
                    old_rows.len(),
                    old.id(),
                    new_rows.len(),
                    new.id()
                ),
            });
        }
        let bo = opts.batch();
        let (a, b) = (old.score_rows(old_rows, &bo), new.score_rows(new_rows, &bo));
        // Only rows without an error are explained (`result`), and those became records.
        let explain = |batch: &Batch, rows: &[Result<Record, RecordError>], i: usize| match &rows[i] {
            Ok(r) => batch.explain(i, r),
            Err(e) => Err(e.clone()),
        };
        let explain_a = |i: usize| explain(&a, old_rows, i);
        let explain_b = |i: usize| explain(&b, new_rows, i);
        Ok(compare(old, new, (&a, &explain_a), (&b, &explain_b), opts))
    }

    /// Compare over a table given as typed columns (each rulebook matches them to its inputs by
    /// name or label).
    pub fn columns(
        old: &Rulebook,
        new: &Rulebook,
        columns: &Columns,
        opts: &CompareOptions,
    ) -> Result<Comparison, CompareError> {
        let bo = opts.batch();
        let (a, b) = (old.score_columns(columns, &bo)?, new.score_columns(columns, &bo)?);
        let (bind_a, bind_b) = (old.bind_columns(columns)?, new.bind_columns(columns)?);
        let explain_a = |i: usize| a.explain(i, &old.record_of_row(columns, &bind_a, i));
        let explain_b = |i: usize| b.explain(i, &new.record_of_row(columns, &bind_b, i));
        Ok(compare(old, new, (&a, &explain_a), (&b, &explain_b), opts))
    }

    /// The indicators' ids, in [`Comparison::indicators`] order.
    pub fn indicator_ids(&self) -> Vec<&str> {
        self.indicators.iter().map(|i| i.id.as_str()).collect()
    }

    /// The comparison as JSON (schema `kaoping.compare/1`; decimals as strings).
    pub fn to_json(&self) -> String {
        let mut v = serde_json::to_value(self).unwrap_or_default();
        if let Some(o) = v.as_object_mut() {
            o.insert("schema".into(), "kaoping.compare/1".into());
        }
        v.to_string()
    }
}

type Explain<'a> = (&'a Batch, &'a (dyn Fn(usize) -> Result<Outcome, RecordError> + Sync));

/// Each row's result: its error from the batch, or its explanation.
fn result(side: &Explain<'_>, i: usize) -> Result<Outcome, RecordError> {
    match side.0.row(i).error() {
        Some(e) => Err(e.clone()),
        None => (side.1)(i),
    }
}

fn compare(
    old: &Rulebook,
    new: &Rulebook,
    a: Explain<'_>,
    b: Explain<'_>,
    opts: &CompareOptions,
) -> Comparison {
    let indicators = pairs(old, new);
    let order: Vec<String> = indicators.iter().map(|p| p.id.clone()).collect();
    let shape = |rb: &Rulebook| Shape {
        has_grades: !rb.grades().is_empty(),
        has_criteria: !rb.criteria().is_empty(),
        allow_above_max: rb.compiled().allow_above_max,
    };
    let (sa, sb) = (shape(old), shape(new));
    let n = a.0.len().min(b.0.len());
    let one = |i: usize| -> UnitDiff {
        let (ra, rb) = (result(&a, i), result(&b, i));
        diff(i, &ra, &rb, &sa, &sb, &order, a.0, b.0)
    };
    let units: Vec<UnitDiff> =
        if opts.parallel { (0..n).into_par_iter().map(one).collect() } else { (0..n).map(one).collect() };
    let states = states(old, new);
    let summary = summarise(old, new, &units, &indicators, &states);
    let movers = movers(&units, opts.movers)
        .into_iter()
        .map(|i| Mover {
            unit: i,
            old: result(&a, i).map_err(|e| e.to_string()),
            new: result(&b, i).map_err(|e| e.to_string()),
        })
        .collect();
    let has = |f: fn(&Rulebook) -> bool| f(old) || f(new);
    let either = Either {
        profiles: has(|r| !r.profiles().is_empty()),
        grades: has(|r| !r.grades().is_empty()),
        criteria: has(|r| !r.criteria().is_empty()),
        vetoes: has(|r| !r.vetoes().is_empty()),
    };
    let scale = old.scale().max(new.scale());
    Comparison { old: reference(old), new: reference(new), indicators, units, summary, movers, scale, either }
}

/// Every indicator of either rulebook: the old one's in file order, then the new one's others.
fn pairs(old: &Rulebook, new: &Rulebook) -> Vec<IndicatorPair> {
    let (a, b) = (old.indicators(), new.indicators());
    let mut out: Vec<IndicatorPair> = a
        .iter()
        .map(|i| {
            let there = b.iter().find(|j| j.id == i.id);
            IndicatorPair {
                id: i.id.clone(),
                label: there.map_or(&i.label, |j| &j.label).clone(),
                top_level: there.map_or(i.depth, |j| j.depth) == 0,
                in_old: true,
                in_new: there.is_some(),
            }
        })
        .collect();
    for j in &b {
        if !a.iter().any(|i| i.id == j.id) {
            out.push(IndicatorPair {
                id: j.id.clone(),
                label: j.label.clone(),
                top_level: j.depth == 0,
                in_old: false,
                in_new: true,
            });
        }
    }
    out
}

#[allow(clippy::too_many_arguments)] // both sides' results and shapes, the order, the batches
fn diff(
    i: usize,
    ra: &Result<Outcome, RecordError>,
    rb: &Result<Outcome, RecordError>,
    sa: &Shape,
    sb: &Shape,
    order: &[String],
    ba: &Batch,
    bb: &Batch,
) -> UnitDiff {
    let (old, new) = (unit::side(ra, sa), unit::side(rb, sb));
    let key = match (ra, rb) {
        (Ok(o), _) | (_, Ok(o)) => o.key.clone(),
        _ => bb.row(i).own_key().or(ba.row(i).own_key()).map_or_else(|| (i + 1).to_string(), str::to_owned),
    };
    let profile = match (rb, ra) {
        (Ok(o), _) | (_, Ok(o)) => o.profile.clone(),
        _ => None,
    };
    let points = order
        .iter()
        .map(|id| {
            let at = |r: &Result<Outcome, RecordError>| r.as_ref().ok().and_then(|o| o.points(id));
            (at(ra), at(rb))
        })
        .collect();
    let delta = match (old.total, new.total) {
        (Some(x), Some(y)) => Some(y - x),
        _ => None,
    };
    let attribution = match (ra, rb) {
        (Ok(x), Ok(y)) => unit::attribute(x, y, sa, sb, order),
        _ => None,
    };
    let both_scored = old.state != State::Failed && new.state != State::Failed;
    let started = if both_scored {
        new.vetoes.iter().filter(|v| !old.vetoes.contains(v)).cloned().collect()
    } else {
        Vec::new()
    };
    let stopped = if both_scored {
        old.vetoes.iter().filter(|v| !new.vetoes.contains(v)).cloned().collect()
    } else {
        Vec::new()
    };
    UnitDiff {
        row: i + 1,
        key,
        profile,
        old,
        new,
        delta,
        vetoes_started: started,
        vetoes_stopped: stopped,
        criteria_changed: match (ra, rb) {
            (Ok(x), Ok(y)) => unit::criteria_changed(x, y),
            _ => Vec::new(),
        },
        points,
        attribution,
    }
}

/// The states of the transition matrix: the grades of both (the old one's order, then the new
/// one's others), the verdicts where a rulebook has criteria and no grades, "scored" where one
/// has neither, vetoed where one has vetoes, and failed.
fn states(old: &Rulebook, new: &Rulebook) -> Vec<State> {
    let mut out: Vec<State> = Vec::new();
    let mut push = |s: State| {
        if !out.contains(&s) {
            out.push(s);
        }
    };
    for rb in [old, new] {
        for g in rb.grades() {
            push(State::Grade(g.to_owned()));
        }
    }
    for rb in [old, new] {
        if rb.grades().is_empty() && !rb.criteria().is_empty() {
            push(State::Passed);
            push(State::NotPassed);
        }
    }
    for rb in [old, new] {
        if rb.grades().is_empty() && rb.criteria().is_empty() {
            push(State::Scored);
        }
    }
    if !old.vetoes().is_empty() || !new.vetoes().is_empty() {
        push(State::Vetoed);
    }
    push(State::Failed);
    out
}

fn summarise(
    old: &Rulebook,
    new: &Rulebook,
    units: &[UnitDiff],
    indicators: &[IndicatorPair],
    states: &[State],
) -> Summary {
    let scale = old.scale().max(new.scale());
    let edges = summary::Edges::of(units.iter().filter_map(|u| u.delta), scale);
    let all = Stats::of(units.iter(), states, &edges);
    // Profiles: units in none first, then the new rulebook's order, then the old one's others.
    let mut names: Vec<Option<String>> = vec![None];
    for rb in [new, old] {
        for p in rb.profiles() {
            if !names.contains(&Some(p.to_owned())) {
                names.push(Some(p.to_owned()));
            }
        }
    }
    let profiles = names
        .into_iter()
        .filter(|p| units.iter().any(|u| u.profile == *p))
        .map(|p| {
            let stats = Stats::of(units.iter().filter(|u| u.profile == p), states, &edges);
            ProfileStats { profile: p, stats }
        })
        .collect();
    let mut moves: Vec<IndicatorMoves> = indicators
        .iter()
        .enumerate()
        .map(|(k, ind)| {
            let mut m = IndicatorMoves {
                id: ind.id.clone(),
                label: ind.label.clone(),
                added: !ind.in_old,
                removed: !ind.in_new,
                moved: 0,
                up: 0,
                down: 0,
                delta_sum: Decimal::ZERO,
            };
            for u in units.iter().filter(|u| u.old.state != State::Failed && u.new.state != State::Failed) {
                let (x, y) = u.points[k];
                let d = y.unwrap_or_default() - x.unwrap_or_default();
                if x != y {
                    m.moved += 1;
                    m.up += usize::from(d > Decimal::ZERO);
                    m.down += usize::from(d < Decimal::ZERO);
                    m.delta_sum += d;
                }
            }
            m
        })
        .collect();
    // Most units moved first; ties in file order (the sort is stable).
    moves.sort_by_key(|m| std::cmp::Reverse(m.moved));
    let order: Vec<String> = indicators.iter().map(|p| p.id.clone()).collect();
    Summary {
        all,
        profiles,
        indicators: moves,
        attribution: summary::sum_attribution(units.iter().filter_map(|u| u.attribution.as_ref()), &order),
        added: indicators.iter().filter(|p| !p.in_old).map(|p| p.id.clone()).collect(),
        removed: indicators.iter().filter(|p| !p.in_new).map(|p| p.id.clone()).collect(),
    }
}

/// The `n` units that moved most: by the size of the change in total, then a change of state,
/// then input order; units that did not move at all are not movers.
fn movers(units: &[UnitDiff], n: usize) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..units.len())
        .filter(|&i| units[i].delta.is_some_and(|d| !d.is_zero()) || units[i].state_changed())
        .collect();
    idx.sort_by(|&i, &j| {
        let size = |k: usize| units[k].delta.map_or(Decimal::ZERO, |d| d.abs());
        size(j).cmp(&size(i)).then(units[j].state_changed().cmp(&units[i].state_changed())).then(i.cmp(&j))
    });
    idx.truncate(n);
    idx
}
