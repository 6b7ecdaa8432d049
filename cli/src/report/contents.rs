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
    /// Each row's 说明 for the table: its error, or why its grade is below its total's (the grade
    /// rule or veto that capped it, and the part of the condition that held); empty otherwise.
    pub notes: Vec<String>,
    /// Each row's criteria not met ("住房安全有保障、…（缺数据）"), empty when it met them all or failed.
    pub unmet: Vec<String>,
    /// Whether the criteria were counted over the units explained in full only (a huge table).
    pub criteria_partial: bool,
    /// The compact report (summary, profiles and the ranking table only; the table in rank order).
    pub compact: bool,
}

/// Rows up to which every row is explained for its 说明 (a capped grade's reason); above it only
/// the units explained in full have one, so a huge report does not score every row twice.
const NOTED_ROWS: usize = 100_000;

impl<'a> Contents<'a> {
    /// Work out what the report shows; `units` rows are explained in full.
    pub fn new(rb: &'a Rulebook, scored: &'a Scored, units: usize) -> Contents<'a> {
        let layout = Layout::of(rb, true);
        let rows: Vec<ResultRow> =
            (0..scored.len()).map(|i| crate::output::result_row(scored, i, &layout)).collect();
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
        // Every row's 说明 and unmet criteria, and the criteria counted over every scored row
        // (over the units explained in full only, above NOTED_ROWS).
        let mut notes = Vec::with_capacity(rows.len());
        let mut unmet = Vec::with_capacity(rows.len());
        let mut counted: Vec<Vec<kaoping::CriterionOutcome>> = Vec::new();
        for (i, r) in rows.iter().enumerate() {
            if let Some(e) = &r.error {
                notes.push(e.clone());
                unmet.push(String::new());
                continue;
            }
            let own;
            let o = match outcomes.get(&i) {
                Some(o) => Some(o),
                None if rows.len() <= NOTED_ROWS => match scored.explain(i) {
                    Some(Ok(o)) => {
                        own = o;
                        Some(&own)
                    }
                    _ => None,
                },
                None => None,
            };
            notes.push(o.map(capped_note).unwrap_or_default());
            unmet.push(o.map(unmet_text).unwrap_or_default());
            if let Some(o) = o {
                counted.push(o.criteria.clone());
            }
        }
        let criteria_partial = counted.len() < scored.summary().ok;
        let criteria = criteria_counts(&counted);
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
            notes,
            unmet,
            criteria_partial,
            compact: false,
        }
    }

    /// Rows in ranking order: by rank (best first, ties in input order), unscored rows last.
    pub fn ranked(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.rows.len()).collect();
        order.sort_by_key(|&i| (self.rows[i].rank.is_none(), self.rows[i].rank, i));
        order
    }

    /// Scored rows with grade `g` (the core's count).
    pub fn grade_count(&self, g: &str) -> usize {
        self.summary.grades.iter().find(|c| c.grade == g).map_or(0, |c| c.count)
    }
}

/// Why a unit's grade is below the one its total gives ("按总分应为「好」；识别退出准确率或帮扶满意度
/// 较低：帮扶工作群众满意度 < 90 → 等次不高于「一般」"); empty when nothing capped it.
fn capped_note(o: &Outcome) -> String {
    let Some(from_total) = &o.grade_from_total else { return String::new() };
    let mut parts = vec![format!("按总分应为「{from_total}」")];
    parts.extend(o.grade_rules.iter().map(|g| kaoping::grade_rule_reason(g, kaoping::Lang::Zh)));
    parts.extend(o.vetoes.iter().filter_map(|v| {
        let g = v.grade.as_ref()?;
        Some(format!("一票否决「{}」→ 等次不高于「{g}」", v.label))
    }));
    parts.join("；")
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

/// The criteria a unit did not meet, by label ("住房安全有保障、义务教育有保障（缺数据）").
fn unmet_text(o: &Outcome) -> String {
    o.criteria
        .iter()
        .filter(|c| !c.holds)
        .map(|c| if c.no_data { format!("{}（缺数据）", c.label) } else { c.label.clone() })
        .collect::<Vec<_>>()
        .join("、")
}

/// Criteria in the rulebook's order, counted over the units given (each unit's verdicts).
fn criteria_counts(units: &[Vec<kaoping::CriterionOutcome>]) -> Vec<CriterionCount> {
    let mut out: Vec<CriterionCount> = Vec::new();
    for o in units {
        for c in o {
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
