//! Advice (整改建议): for a scored record and a goal — a grade, `passed`, or a total — the
//! smallest changes to its inputs that reach it (issue #24).
//!
//! - Only **actionable** inputs change (an input declared `actionable = false` — population,
//!   region — never does, nor the record's key or profile field, nor list inputs), each within
//!   its declared `min`/`max` or `values`, in the direction that helps.
//! - **Blockers first**: the vetoes, grade rules and criteria that hold the result away from the
//!   goal are named, each with the single changes that clear it (when its inputs are actionable).
//! - **Exact and verified**: a threshold is the exact value, on the input's grid (integers for
//!   integer inputs; for decimals the finer of the value's decimals and the bounds', at least 2,
//!   at most 6), where a band bound is crossed or a linear target met, found by bisection on the
//!   scored results; **every alternative is the record with its changes scored by
//!   [`Rulebook::score`], and none that does not reach the goal is returned**.
//! - **Ranked**: fewest inputs changed, then the smallest changes (each change measured in units
//!   of its input's declared span, else of its magnitude), then declaration order.
//! - **Bounded and deterministic**: at most [`AdviseOptions::max_inputs`] inputs together (3),
//!   only the 8 most helpful inputs combined, at most [`AdviseOptions::budget`] records scored
//!   (20,000); an input with no bound on a side is searched up to 100 times its magnitude.
//! - **Unreachable** with the reason when nothing is found: the lint's reachable range shows
//!   the goal is beyond the profile (proven), no input can change, a blocker no actionable input
//!   clears, or none within the bound.

mod goal;
mod levers;
mod search;
mod words;

use rust_decimal::Decimal;
use serde::{Serialize, Serializer};

use crate::error::{ErrorKind, RecordError};
use crate::input::{Record, Value};
use crate::lang::Lang;
use crate::outcome::Outcome;
use crate::rulebook::{Rulebook, ScoreOptions};

pub use goal::Goal;
use goal::Target;
use levers::Lever;
use search::{COMBINE, Found, Scorer};

/// The schema of advice as JSON.
pub const SCHEMA: &str = "kaoping.advice/1";

/// How far the search goes.
#[derive(Clone, Debug)]
pub struct AdviseOptions {
    /// How the record is scored (profile, date, cohort…), as for [`Rulebook::score`].
    pub score: ScoreOptions,
    /// At most this many inputs change together (default 3).
    pub max_inputs: usize,
    /// At most this many alternatives are returned (default 5).
    pub alternatives: usize,
    /// At most this many records are scored (default 20,000); the advice says when it ran out.
    pub budget: usize,
}

impl Default for AdviseOptions {
    fn default() -> AdviseOptions {
        AdviseOptions { score: ScoreOptions::default(), max_inputs: 3, alternatives: 5, budget: 20_000 }
    }
}

/// Why advice could not be given.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AdviseError {
    /// The goal names no grade of the rulebook and is neither `passed` nor a number, or the
    /// rulebook has nothing such a goal could read (no grades, no criteria, no total).
    #[error("{0}")]
    Goal(String),
    /// The record itself does not score.
    #[error(transparent)]
    Record(#[from] RecordError),
}

impl AdviseError {
    /// The error's kind: `UnknownGrade` for a goal, the record's kind otherwise.
    pub fn kind(&self) -> ErrorKind {
        match self {
            AdviseError::Goal(_) => ErrorKind::UnknownGrade,
            AdviseError::Record(e) => e.kind(),
        }
    }
}

/// Advice for one record: where it stands, what blocks the goal, the ranked alternatives that
/// reach it — or why none does.
#[derive(Clone, Debug, Serialize)]
pub struct Advice {
    /// Always [`SCHEMA`].
    pub schema: &'static str,
    /// The rulebook's id.
    pub rulebook: String,
    /// Its version.
    pub version: String,
    /// Its fingerprint.
    pub fingerprint: String,
    /// The record's key.
    pub key: String,
    /// The profile it is scored in.
    pub profile: Option<String>,
    /// The goal.
    pub goal: Goal,
    /// The record's total now.
    pub total: Option<Decimal>,
    /// Its grade now.
    pub grade: Option<String>,
    /// Whether it meets every criterion now.
    pub passed: Option<bool>,
    /// Whether it reaches the goal already (then there is nothing to change).
    pub reached: bool,
    /// The vetoes, grade rules and criteria that hold it away from the goal: they must be cleared.
    pub blockers: Vec<Blocker>,
    /// The ways to the goal, best first; each verified by scoring the changed record.
    pub alternatives: Vec<Alternative>,
    /// Why no way was found (`None` when there are alternatives or the goal is reached).
    pub unreachable: Option<Unreachable>,
    /// How many changed records were scored.
    pub scored: usize,
    /// Whether the search stopped at its budget (more might have been found).
    pub exhausted: bool,
}

/// What a blocker is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockerKind {
    /// A veto (一票否决) that fired.
    Veto,
    /// A grade rule that fired, capping the grade below the goal.
    GradeRule,
    /// A criterion (达标条件) that does not hold.
    Criterion,
}

/// A veto, grade rule or criterion that holds the record away from the goal.
#[derive(Clone, Debug, Serialize)]
pub struct Blocker {
    /// What it is.
    pub kind: BlockerKind,
    /// The veto's or criterion's id, or the grade rule's 1-based number (`#1`).
    pub id: String,
    /// Its label (a grade rule without one: its condition).
    pub label: String,
    /// Its condition.
    pub when: String,
    /// Single changes that clear it (it no longer fires), each verified by scoring; empty when
    /// no actionable input alone clears it.
    pub cleared_by: Vec<Change>,
    /// The blocker in Chinese.
    pub zh: String,
    /// The blocker in English.
    pub en: String,
}

/// One way to the goal: the changes, what they do, and the result they give.
#[derive(Clone, Debug, Serialize)]
pub struct Alternative {
    /// The inputs changed, in declaration order.
    pub changes: Vec<Change>,
    /// The indicators (and bonus and penalty items) whose points change.
    pub effects: Vec<Effect>,
    /// The total the changed record gets.
    pub total: Option<Decimal>,
    /// Its grade.
    pub grade: Option<String>,
    /// Whether it meets every criterion.
    pub passed: Option<bool>,
    /// How large the changes are together, each in units of its input's span (for ranking).
    pub size: Decimal,
    /// The alternative in Chinese.
    pub zh: String,
    /// The alternative in English.
    pub en: String,
}

/// One input changed.
#[derive(Clone, Debug, Serialize)]
pub struct Change {
    /// The input's name.
    pub input: String,
    /// Its label, if declared.
    pub label: Option<String>,
    /// Its unit, if declared.
    pub unit: Option<String>,
    /// Its value now.
    #[serde(serialize_with = "value_json")]
    pub from: Value,
    /// The value that reaches the goal.
    #[serde(serialize_with = "value_json")]
    pub to: Value,
    /// `to − from` for numbers.
    pub delta: Option<Decimal>,
}

/// What an effect is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EffectKind {
    /// An indicator's points.
    Indicator,
    /// A bonus item's points (加分).
    Bonus,
    /// A penalty item's points (扣分): lower is better.
    Penalty,
}

/// An indicator's (or bonus or penalty item's) points before and after.
#[derive(Clone, Debug, Serialize)]
pub struct Effect {
    /// What it is.
    pub kind: EffectKind,
    /// Its id.
    pub id: String,
    /// Its label.
    pub label: String,
    /// Points now.
    pub from: Option<Decimal>,
    /// Points after the changes.
    pub to: Option<Decimal>,
    /// `to − from`.
    pub delta: Decimal,
}

/// Why the goal cannot be reached, or was not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UnreachableReason {
    /// Proven from the rulebook (lint): no record of the profile reaches it, whatever its inputs.
    BeyondProfile,
    /// The record has no input it can change.
    NothingActionable,
    /// A blocker that no actionable input clears.
    Blocked,
    /// None found within the search's bound (not proven impossible).
    NotFound,
}

/// Why no alternative is given.
#[derive(Clone, Debug, Serialize)]
pub struct Unreachable {
    /// The reason.
    pub reason: UnreachableReason,
    /// In Chinese.
    pub zh: String,
    /// In English.
    pub en: String,
}

impl Unreachable {
    /// The reason in one language.
    pub fn text(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

impl Alternative {
    /// The alternative in one language.
    pub fn text(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

impl Blocker {
    /// The blocker in one language.
    pub fn text(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

fn value_json<S: Serializer>(v: &Value, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Value::Bool(b) => s.serialize_bool(*b),
        Value::Integer(i) => s.serialize_str(&i.to_string()),
        other => s.serialize_str(&words::value(other)),
    }
}

impl Advice {
    /// The advice as JSON (schema [`SCHEMA`]).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The advice as JSON, indented.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The advice as text: where the record stands, the blockers, the alternatives (or why
    /// there are none), one per line.
    pub fn text(&self, lang: Lang) -> String {
        words::advice(self, lang)
    }

    /// The first alternative in one line — "how to reach the goal" — or why there is none;
    /// `None` when the goal is already reached.
    pub fn headline(&self, lang: Lang) -> Option<String> {
        words::headline(self, lang)
    }
}

impl Rulebook {
    /// Advice for a record: the smallest changes of its actionable inputs that reach `goal`
    /// (see the [`advise`](crate::advise) module for the rules of the search).
    ///
    /// ```
    /// use kaoping::advise::{AdviseOptions, Goal};
    /// let rb = kaoping::Rulebook::builtin("example.county-assessment").unwrap();
    /// let r = rb.record_from_json(r#"{"county": "示例县", "region": "凉山彝区", "population": 100000,
    ///     "poor_population": 3000, "income_growth": 6, "sampled": 320, "satisfied": 266,
    ///     "expert_marks": [7, 8, 9, 6, 10]}"#).unwrap();
    /// let advice = rb.advise(&r, &Goal::Grade("好".into()), &AdviseOptions::default()).unwrap();
    /// let best = &advice.alternatives[0];
    /// assert_eq!(best.grade.as_deref(), Some("好"));
    /// // Verified: the changed record, scored, reaches 好.
    /// let mut changed = r.clone();
    /// for c in &best.changes { changed.set(&c.input, c.to.clone()); }
    /// assert_eq!(rb.score(&changed, &Default::default()).unwrap().grade.as_deref(), Some("好"));
    /// ```
    pub fn advise(&self, record: &Record, goal: &Goal, opts: &AdviseOptions) -> Result<Advice, AdviseError> {
        let grades: Vec<String> = self.grades().into_iter().map(str::to_owned).collect();
        check_goal(self, goal, &grades)?;
        let outcome = self.score(record, &opts.score)?;
        // Levers address the record by this rulebook's slots.
        let bound = self.bind(record);
        let record: &Record = &bound;
        let target = Target { goal, grades };
        let reached = target.reached(&outcome);
        let hurdles = target.hurdles(&outcome);
        let levers = self.levers(record);
        let mut sc = Scorer { rb: self, opts: &opts.score, record, target, scored: 0, budget: opts.budget };
        let mut advice = Advice {
            schema: SCHEMA,
            rulebook: self.id().to_owned(),
            version: self.version().to_owned(),
            fingerprint: self.fingerprint().to_owned(),
            key: outcome.key.clone(),
            profile: outcome.profile.clone(),
            goal: goal.clone(),
            total: outcome.total,
            grade: outcome.grade.clone(),
            passed: outcome.passed,
            reached,
            blockers: Vec::new(),
            alternatives: Vec::new(),
            unreachable: None,
            scored: 0,
            exhausted: false,
        };
        if reached {
            return Ok(advice);
        }
        // Blockers first, each with the single changes that clear it.
        let mut forced: Vec<(usize, Value)> = Vec::new();
        for h in &hurdles {
            let mut cleared_by = Vec::new();
            let mut first: Option<Found> = None;
            for l in 0..levers.len() {
                if let Some(f) = sc.clearing(&levers, l, h) {
                    cleared_by.extend(self.changes(&levers, &f.moves));
                    if first.as_ref().is_none_or(|b| f.size < b.size) {
                        first = Some(f);
                    }
                }
            }
            // The smallest clearing change of each blocker is made first when inputs are combined.
            if let Some(f) = first
                && !forced.iter().any(|m| m.0 == f.moves[0].0)
            {
                forced.extend(f.moves);
            }
            advice.blockers.push(words::blocker(&outcome, h, cleared_by));
        }
        forced.sort_by_key(|m| m.0);
        let found = find(&mut sc, &levers, &forced, opts);
        for f in found {
            if let Some(a) = self.verified(record, &levers, &f, &outcome, &sc.target, &opts.score) {
                advice.alternatives.push(a);
            }
        }
        advice.scored = sc.scored;
        advice.exhausted = sc.exhausted();
        if advice.alternatives.is_empty() {
            advice.unreachable = Some(self.why_not(&advice, &outcome, &levers, opts));
        }
        Ok(advice)
    }

    /// The levers of a record: its actionable scalar inputs with a value, in declaration order.
    fn levers(&self, record: &Record) -> Vec<Lever> {
        let c = self.compiled();
        let fixed = [c.key_field, c.profile_field];
        c.schema
            .inputs
            .iter()
            .enumerate()
            .filter_map(|(i, input)| levers::lever(input, i, record, fixed.contains(&Some(i as u32))))
            .collect()
    }

    /// Moves as changes of inputs.
    fn changes(&self, levers: &[Lever], moves: &[(usize, Value)]) -> Vec<Change> {
        let inputs = &self.compiled().schema.inputs;
        moves
            .iter()
            .map(|(l, to)| {
                let lever = &levers[*l];
                let input = &inputs[lever.slot];
                Change {
                    input: input.name.clone(),
                    label: input.label.clone(),
                    unit: input.unit.clone(),
                    from: lever.from.clone(),
                    to: to.clone(),
                    delta: words::delta(&lever.from, to),
                }
            })
            .collect()
    }

    /// An alternative, after scoring the changed record once more as any record is scored: only
    /// one that reaches the goal, changes only actionable inputs and stays in their declared
    /// ranges is returned.
    fn verified(
        &self,
        record: &Record,
        levers: &[Lever],
        f: &Found,
        before: &Outcome,
        target: &Target<'_>,
        opts: &ScoreOptions,
    ) -> Option<Alternative> {
        let inputs = &self.compiled().schema.inputs;
        let mut r = record.clone();
        for (l, v) in &f.moves {
            let input = &inputs[levers[*l].slot];
            if !input.actionable {
                return None;
            }
            r.set_at(levers[*l].slot, v.clone());
        }
        // Scoring validates every value against its declared min/max/values.
        let after = self.score(&r, opts).ok()?;
        if !target.reached(&after) {
            return None;
        }
        let changes = self.changes(levers, &f.moves);
        let effects = words::effects(before, &after);
        let (zh, en) = (
            words::alternative(&changes, &effects, before, &after, Lang::Zh),
            words::alternative(&changes, &effects, before, &after, Lang::En),
        );
        Some(Alternative {
            changes,
            effects,
            total: after.total,
            grade: after.grade.clone(),
            passed: after.passed,
            size: f.size.round_dp(6),
            zh,
            en,
        })
    }

    /// Why nothing was found: proven beyond the profile (lint), nothing to change, a blocker
    /// nothing clears, or none within the bound.
    fn why_not(
        &self,
        advice: &Advice,
        outcome: &Outcome,
        levers: &[Lever],
        opts: &AdviseOptions,
    ) -> Unreachable {
        if let Some(u) = words::beyond_profile(self, &advice.goal, outcome, &opts.score) {
            return u;
        }
        if levers.is_empty() {
            return words::unreachable(UnreachableReason::NothingActionable, advice, opts);
        }
        if advice.blockers.iter().any(|b| b.cleared_by.is_empty()) {
            return words::unreachable(UnreachableReason::Blocked, advice, opts);
        }
        words::unreachable(UnreachableReason::NotFound, advice, opts)
    }
}

/// The goal must be one the rulebook can judge.
fn check_goal(rb: &Rulebook, goal: &Goal, grades: &[String]) -> Result<(), AdviseError> {
    match goal {
        Goal::Grade(g) if !grades.contains(g) => Err(AdviseError::Goal(format!(
            "`{g}` is not a grade of {}; its grades are: {}",
            rb.id(),
            if grades.is_empty() { "none".to_owned() } else { grades.join(", ") }
        ))),
        Goal::Passed if rb.criteria().is_empty() => {
            Err(AdviseError::Goal(format!("{} has no criteria: `passed` cannot be a goal", rb.id())))
        }
        Goal::Total(_) if !rb.has_total() => Err(AdviseError::Goal(format!(
            "{} has no total (criteria only): a total cannot be a goal",
            rb.id()
        ))),
        _ => Ok(()),
    }
}

/// Parse a goal for a rulebook (a grade's label, `passed`/`达标`, or a total), with an error
/// that lists what it could be.
pub fn parse_goal(rb: &Rulebook, text: &str) -> Result<Goal, AdviseError> {
    let grades = rb.grades();
    Goal::parse(text, &grades).ok_or_else(|| {
        AdviseError::Goal(format!(
            "`{}` is not a goal for {}: give a grade ({}), `passed`, or a total",
            text.trim(),
            rb.id(),
            if grades.is_empty() { "none".to_owned() } else { grades.join(", ") }
        ))
    })
}

/// The bounded search: single inputs, then sets of the most helpful ones, up to
/// `max_inputs`, skipping any set that contains one already found; the best `alternatives`.
fn find(
    sc: &mut Scorer<'_>,
    levers: &[Lever],
    forced: &[(usize, Value)],
    opts: &AdviseOptions,
) -> Vec<Found> {
    let mut found: Vec<Found> = Vec::new();
    for l in 0..levers.len() {
        if let Some(f) = sc.single(levers, l) {
            found.push(f);
        }
    }
    // Sets of inputs, on top of the blockers' clearing changes (`forced`): an input whose
    // points a veto hides is judged with the veto cleared.
    let room = opts.max_inputs.saturating_sub(forced.len());
    let first = if forced.is_empty() { 2 } else { 1 };
    if room >= first && found.len() < opts.alternatives && !sc.exhausted() {
        let base = sc.score(levers, forced).map(|o| sc.target.standing(&o));
        if let Some(base) = base {
            let sat = sc.saturations(levers, &base, forced);
            // The most helpful levers, by what each gives alone; declaration order on ties.
            let mut helpful: Vec<usize> = (0..levers.len()).filter(|&l| sat[l].is_some()).collect();
            helpful.sort_by(|&a, &b| {
                let (sa, sb) = (&sat[a].as_ref().map(|s| &s.2), &sat[b].as_ref().map(|s| &s.2));
                sb.cmp(sa).then(a.cmp(&b))
            });
            helpful.truncate(COMBINE);
            helpful.sort_unstable();
            for k in first..=room.min(helpful.len()) {
                if found.len() >= opts.alternatives || sc.exhausted() {
                    break;
                }
                for set in combinations(&helpful, k) {
                    let all: Vec<usize> = set.iter().copied().chain(forced.iter().map(|m| m.0)).collect();
                    let known = found.iter().any(|f| f.moves.iter().all(|(l, _)| all.contains(l)));
                    if known {
                        continue;
                    }
                    if let Some(f) = sc.together(levers, &set, &sat, forced) {
                        found.push(f);
                    }
                    if sc.exhausted() {
                        break;
                    }
                }
            }
        }
    }
    found.sort_by(|a, b| {
        a.moves
            .len()
            .cmp(&b.moves.len())
            .then(a.size.cmp(&b.size))
            .then_with(|| a.moves.iter().map(|m| m.0).cmp(b.moves.iter().map(|m| m.0)))
    });
    found.truncate(opts.alternatives);
    found
}

/// The k-element subsets of `of`, in lexicographic order.
fn combinations(of: &[usize], k: usize) -> Vec<Vec<usize>> {
    let mut out = Vec::new();
    let mut idx: Vec<usize> = (0..k).collect();
    if k == 0 || k > of.len() {
        return out;
    }
    loop {
        out.push(idx.iter().map(|&i| of[i]).collect());
        let mut i = k;
        while i > 0 && idx[i - 1] == of.len() - k + i - 1 {
            i -= 1;
        }
        if i == 0 {
            return out;
        }
        idx[i - 1] += 1;
        for j in i..k {
            idx[j] = idx[j - 1] + 1;
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn combinations_in_order() {
        assert_eq!(super::combinations(&[1, 3, 5], 2), vec![vec![1, 3], vec![1, 5], vec![3, 5]]);
        assert_eq!(super::combinations(&[1, 3], 3), Vec::<Vec<usize>>::new());
    }
}
