//! What the report shows, worked out once from the scored table: every row as a result row, the
//! units explained in full (the first N) with each profile's maxima, the core's summary, and the
//! criteria counts. The sections only lay these out.

use std::collections::HashMap;

use kaoping::{IndicatorInfo, Outcome, Rulebook, Summary};
use rust_decimal::Decimal;

use super::html::grade_color;
use crate::output::{Layout, ResultRow};
use crate::scored::Scored;

/// What the sections of the report read.
pub struct Contents<'a> {
    /// The rulebook.
    pub rb: &'a Rulebook,
    /// The result files' columns, with ranks.
    pub layout: Layout,
    /// Every data row as a result row, in input order.
    pub rows: Vec<ResultRow>,
    /// The core's counts and totals over every row.
    pub summary: &'a Summary,
    /// The rulebook's indicators, in file order.
    pub indicators: Vec<IndicatorInfo>,
    /// Grade labels, best first.
    pub grades: Vec<&'a str>,
    /// Each grade's colour.
    pub colors: HashMap<&'a str, &'static str>,
    /// Units explained in full: the first `units` rows.
    pub units: usize,
    /// The explanations of the units explained in full that scored, by row index.
    pub outcomes: HashMap<usize, Outcome>,
    /// Every indicator's maximum in each profile met (for the points lost).
    pub profile_max: HashMap<Option<String>, Vec<Decimal>>,
    /// Whether the report shows totals: criteria-only rulebooks (exit decisions) have no total,
    /// maximum or grades, and the report then shows what they decide — each criterion met or not —
    /// instead of empty score charts.
    pub has_total: bool,
    /// How often each criterion was met among the units explained in full.
    pub criteria: Vec<CriterionCount>,
    /// "How to reach the next grade" for the units explained in full, by row index.
    pub advice: HashMap<usize, String>,
}

impl<'a> Contents<'a> {
    /// Work out what the report shows; `units` rows are explained in full.
    pub fn new(rb: &'a Rulebook, scored: &'a Scored, units: usize) -> Contents<'a> {
        let layout = Layout::of(rb, true);
        let rows: Vec<ResultRow> = (0..scored.len()).map(|i| ResultRow::of(scored, i, &layout)).collect();
        let grades = rb.grades();
        let colors = grades.iter().enumerate().map(|(i, g)| (*g, grade_color(i, grades.len()))).collect();
        // Full explanations for the first `units` rows, and one row of each profile (its maxima).
        let mut outcomes: HashMap<usize, Outcome> = HashMap::new();
        let mut profile_max: HashMap<Option<String>, Vec<Decimal>> = HashMap::new();
        for (i, row) in rows.iter().enumerate() {
            let want = i < units || (row.error.is_none() && !profile_max.contains_key(&row.profile));
            if !want {
                continue;
            }
            if let Some(Ok(o)) = scored.explain(i) {
                profile_max
                    .entry(o.profile.clone())
                    .or_insert_with(|| o.nodes.iter().map(|n| n.max).collect());
                if i < units {
                    outcomes.insert(i, o);
                }
            }
        }
        let has_total = rows.iter().any(|r| r.total.is_some() || r.max.is_some());
        let criteria = criteria_counts(&outcomes);
        let advice = super::advice::next_grades(rb, scored, &outcomes);
        Contents {
            rb,
            layout,
            rows,
            summary: scored.summary(),
            indicators: rb.indicators(),
            grades,
            colors,
            units,
            outcomes,
            profile_max,
            advice,
            has_total,
            criteria,
        }
    }

    /// Scored rows with grade `g` (the core's count).
    pub fn grade_count(&self, g: &str) -> usize {
        self.summary.grades.iter().find(|c| c.grade == g).map_or(0, |c| c.count)
    }
}

/// How often one criterion was met among the units explained in full.
pub struct CriterionCount {
    /// The criterion's id.
    pub id: String,
    /// Its label (else its id).
    pub label: String,
    /// Units that met it.
    pub met: usize,
    /// Units that did not.
    pub unmet: usize,
    /// Units that did not for lack of data.
    pub no_data: usize,
}

/// Criteria in the rulebook's order, counted over the explained units (in row order).
fn criteria_counts(outcomes: &HashMap<usize, Outcome>) -> Vec<CriterionCount> {
    let mut keys: Vec<&usize> = outcomes.keys().collect();
    keys.sort();
    let mut out: Vec<CriterionCount> = Vec::new();
    for o in keys.into_iter().map(|k| &outcomes[k]) {
        for c in &o.criteria {
            let at = match out.iter().position(|x| x.id == c.id) {
                Some(at) => at,
                None => {
                    out.push(CriterionCount {
                        id: c.id.clone(),
                        label: if c.label.is_empty() { c.id.clone() } else { c.label.clone() },
                        met: 0,
                        unmet: 0,
                        no_data: 0,
                    });
                    out.len() - 1
                }
            };
            let n = &mut out[at];
            match (c.holds, c.no_data) {
                (true, _) => n.met += 1,
                (false, true) => n.no_data += 1,
                (false, false) => n.unmet += 1,
            }
        }
    }
    out
}
