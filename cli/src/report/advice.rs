//! "How to reach the next grade" (如何达到下一等级) for each unit explained in full that did not
//! reach the best grade: the core's advice (`Rulebook::advise`), its first alternative in one
//! line — each verified by scoring the changed record — or why there is none.
//!
//! The search is kept small here (one alternative, at most two inputs together, a budget of
//! 1,000 scored records per unit), so the report stays quick; `kaoping advise` gives the full
//! advice for one unit.

use std::collections::HashMap;
use std::fmt::Write as _;

use rayon::prelude::*;

use kaoping::advise::{AdviseOptions, Goal};
use kaoping::{Lang, Outcome, Rulebook, ScoreOptions};

use super::html::esc;
use crate::scored::Scored;

/// The advice line of each unit explained in full, by row index (units already at the best
/// grade, without grades, or of a rulebook with relative rules get none).
pub fn next_grades(
    rb: &Rulebook,
    scored: &Scored,
    outcomes: &HashMap<usize, Outcome>,
) -> HashMap<usize, String> {
    let grades = rb.grades();
    if grades.len() < 2 || rb.has_relative_rules() {
        return HashMap::new();
    }
    let mut rows: Vec<usize> = outcomes.keys().copied().collect();
    rows.sort_unstable();
    // Units are advised independently: on every core, each with its own bounded search.
    rows.par_iter()
        .filter_map(|&i| {
            let o = &outcomes[&i];
            let rank = o.grade.as_deref().and_then(|g| grades.iter().position(|x| *x == g))?;
            if rank == 0 {
                return None;
            }
            let record = scored.record(i)?;
            let goal = Goal::Grade(grades[rank - 1].to_owned());
            // Scored as the report scored it: in its profile, on its date.
            let score =
                ScoreOptions { profile: o.profile.clone(), as_of: o.as_of, ..ScoreOptions::default() };
            let advise = AdviseOptions { score, max_inputs: 2, alternatives: 1, budget: 1_000 };
            let a = rb.advise(record, &goal, &advise).ok()?;
            Some((i, a.headline(Lang::Zh)?))
        })
        .collect()
}

/// The line in a unit's card, if it has one.
pub fn write(h: &mut String, line: Option<&String>) {
    if let Some(line) = line {
        let _ = write!(h, "<p class=\"advice\"><b>如何达到下一等级：</b>{}</p>", esc(line));
    }
}
