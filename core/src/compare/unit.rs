//! One unit compared: its two results side by side, each indicator's change, and the exact
//! attribution of the change in its total.

use rust_decimal::Decimal;
use serde::Serialize;

use crate::error::{ErrorKind, RecordError};
use crate::num::Num;
use crate::outcome::Outcome;

/// Where a unit stands under one rulebook, for the transition matrix.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "state", content = "label", rename_all = "snake_case")]
pub enum State {
    /// A grade (by label).
    Grade(String),
    /// Every criterion met (a rulebook with criteria and no grades).
    Passed,
    /// Some criterion not met.
    NotPassed,
    /// Scored (a rulebook with neither grades nor criteria).
    Scored,
    /// A veto fired (一票否决): its own state, whatever grade it left.
    Vetoed,
    /// The record could not be scored.
    Failed,
}

impl State {
    /// The state in words (a grade is its label).
    pub fn label(&self) -> String {
        match self {
            State::Grade(g) => g.clone(),
            State::Passed => "达标 passed".to_owned(),
            State::NotPassed => "未达标 not passed".to_owned(),
            State::Scored => "已评分 scored".to_owned(),
            State::Vetoed => "否决 vetoed".to_owned(),
            State::Failed => "未能评分 failed".to_owned(),
        }
    }
}

/// A unit's result under one rulebook.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Side {
    /// Published total.
    pub total: Option<Decimal>,
    /// Maximum in the unit's profile.
    pub max: Option<Decimal>,
    /// Grade.
    pub grade: Option<String>,
    /// Whether every criterion held.
    pub passed: Option<bool>,
    /// Vetoes that fired (ids).
    pub vetoes: Vec<String>,
    /// Where it stands.
    pub state: State,
    /// The error kind, when it could not be scored.
    pub error_kind: Option<ErrorKind>,
    /// The error, when it could not be scored.
    pub error: Option<String>,
}

/// How a unit's change in total splits, exactly: the sum of the parts is the change.
///
/// The parts are differences of published values: each top-level indicator's published points
/// (an indicator only one rulebook has counts in full, added or removed); the root's rescaling
/// when indicators are left out (缺项折算); bonus and penalty after their caps (the penalty's
/// part is minus its change); the total's clamp to [0, max]; the total's rounding; and a veto
/// setting the total. Each is new − old of that step's contribution, so they add up to the
/// change in total exactly, in every case.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Attribution {
    /// Top-level indicators whose published points changed: (id, change).
    pub indicators: Vec<(String, Decimal)>,
    /// The root's rescaling over applicable indicators.
    pub rescale: Decimal,
    /// The bonus after its cap.
    pub bonus: Decimal,
    /// The penalty after its cap (minus its change: more penalty is a negative part).
    pub penalty: Decimal,
    /// The clamp of the total to [0, max].
    pub clamp: Decimal,
    /// The rounding of the total.
    pub rounding: Decimal,
    /// A veto that set the total.
    pub vetoes: Decimal,
}

impl Attribution {
    /// The sum of every part: the change in total.
    pub fn sum(&self) -> Decimal {
        let parts = [self.rescale, self.bonus, self.penalty, self.clamp, self.rounding, self.vetoes];
        self.indicators.iter().map(|(_, d)| *d).chain(parts).fold(Decimal::ZERO, |a, b| a + b)
    }

    /// The parts as (name, change), indicators by id, then `rescale`, `bonus`, `penalty`,
    /// `clamp`, `rounding`, `vetoes`; zero parts left out.
    pub fn parts(&self) -> Vec<(String, Decimal)> {
        let named = [
            ("rescale", self.rescale),
            ("bonus", self.bonus),
            ("penalty", self.penalty),
            ("clamp", self.clamp),
            ("rounding", self.rounding),
            ("vetoes", self.vetoes),
        ];
        self.indicators
            .iter()
            .cloned()
            .chain(named.into_iter().map(|(k, v)| (k.to_owned(), v)))
            .filter(|(_, v)| !v.is_zero())
            .collect()
    }
}

/// One unit: both results, each indicator's points under each, and the change.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct UnitDiff {
    /// 1-based row.
    pub row: usize,
    /// The unit's key (its key field, or the row number).
    pub key: String,
    /// Its profile (under the new rulebook when it scored there, else the old).
    pub profile: Option<String>,
    /// Under the old rulebook.
    pub old: Side,
    /// Under the new rulebook.
    pub new: Side,
    /// new − old total, when both have one.
    pub delta: Option<Decimal>,
    /// Vetoes that fire under the new rulebook and did not under the old (by id).
    pub vetoes_started: Vec<String>,
    /// Vetoes that fired under the old rulebook and do not under the new.
    pub vetoes_stopped: Vec<String>,
    /// Criteria (达标条件) whose verdict differs, matched by id: why a verdict changed.
    pub criteria_changed: Vec<CriterionChange>,
    /// (old, new) published points of every indicator of either rulebook, in the comparison's
    /// indicator order (`None`: not in that rulebook, left out, or not scored).
    pub points: Vec<(Option<Decimal>, Option<Decimal>)>,
    /// How the change in total splits (when both have a total).
    pub attribution: Option<Attribution>,
}

/// A criterion whose verdict differs between the two results (`None`: that rulebook has no
/// criterion of this id).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CriterionChange {
    /// Its id.
    pub id: String,
    /// Its label (the new rulebook's, else the old's).
    pub label: String,
    /// Whether it held under the old rulebook.
    pub old: Option<bool>,
    /// Whether it holds under the new rulebook.
    pub new: Option<bool>,
}

/// The criteria whose verdicts differ, the old result's order first.
pub(super) fn criteria_changed(old: &Outcome, new: &Outcome) -> Vec<CriterionChange> {
    let find =
        |o: &Outcome, id: &str| o.criteria.iter().find(|c| c.id == id).map(|c| (c.holds, c.label.clone()));
    let mut out = Vec::new();
    let ids = old.criteria.iter().map(|c| &c.id).chain(new.criteria.iter().map(|c| &c.id));
    for id in ids {
        if out.iter().any(|c: &CriterionChange| &c.id == id) {
            continue;
        }
        let (a, b) = (find(old, id), find(new, id));
        let (x, y) = (a.as_ref().map(|c| c.0), b.as_ref().map(|c| c.0));
        if x != y {
            let label = b.or(a).map(|c| c.1).unwrap_or_default();
            out.push(CriterionChange { id: id.clone(), label, old: x, new: y });
        }
    }
    out
}

impl UnitDiff {
    /// Whether its state (grade, verdict, veto, failure) differs.
    pub fn state_changed(&self) -> bool {
        self.old.state != self.new.state
    }
}

/// What the comparison needs of a rulebook to read a result: its grades, whether it has
/// criteria, and its total's clamp.
pub(super) struct Shape {
    pub has_grades: bool,
    pub has_criteria: bool,
    pub allow_above_max: bool,
}

pub(super) fn side(result: &Result<Outcome, RecordError>, shape: &Shape) -> Side {
    match result {
        Ok(o) => {
            let vetoes: Vec<String> = o.vetoes.iter().map(|v| v.id.clone()).collect();
            let state = if !vetoes.is_empty() {
                State::Vetoed
            } else if shape.has_grades {
                o.grade.clone().map_or(State::Scored, State::Grade)
            } else if shape.has_criteria {
                if o.passed == Some(true) { State::Passed } else { State::NotPassed }
            } else {
                State::Scored
            };
            Side {
                total: o.total,
                max: o.max,
                grade: o.grade.clone(),
                passed: o.passed,
                vetoes,
                state,
                error_kind: None,
                error: None,
            }
        }
        Err(e) => Side {
            total: None,
            max: None,
            grade: None,
            passed: None,
            vetoes: Vec::new(),
            state: State::Failed,
            error_kind: Some(e.kind()),
            error: Some(e.issues.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")),
        },
    }
}

/// The steps from a result's top-level points to its total, as exact values: Σ top-level
/// points, the root (after rescaling), bonus, penalty, the sum clamped, the total before vetoes,
/// the total.
struct Steps {
    top: Vec<(String, Num)>,
    base: Num,
    bonus: Num,
    penalty: Num,
    clamped: Num,
    before_vetoes: Num,
    total: Num,
}

fn steps(o: &Outcome, allow_above_max: bool) -> Option<Steps> {
    let n = |d: Decimal| Num::from_decimal(d);
    let total = n(o.total?);
    let top: Vec<(String, Num)> = o
        .nodes
        .iter()
        .filter(|x| x.depth == 0)
        .map(|x| (x.id.clone(), x.points.map_or(Num::ZERO, n)))
        .collect();
    let (base, bonus, penalty) =
        (n(o.base?), n(o.bonus.unwrap_or_default()), n(o.penalty.unwrap_or_default()));
    let raw = base.add(&bonus).sub(&penalty);
    let max = n(o.max?);
    let clamped = if raw.is_negative() {
        Num::ZERO
    } else if !allow_above_max && raw > max {
        max
    } else {
        raw
    };
    let before_vetoes = o.total_before_vetoes.map_or_else(|| total.clone(), n);
    Some(Steps { top, base, bonus, penalty, clamped, before_vetoes, total })
}

/// The attribution of `new.total − old.total`. Each part is the change in one step's
/// contribution, so the parts telescope to the change exactly.
pub(super) fn attribute(
    old: &Outcome,
    new: &Outcome,
    old_shape: &Shape,
    new_shape: &Shape,
    order: &[String],
) -> Option<Attribution> {
    let (a, b) = (steps(old, old_shape.allow_above_max)?, steps(new, new_shape.allow_above_max)?);
    let d = |x: Num| x.to_decimal().unwrap_or_default();
    let sum = |s: &Steps| s.top.iter().fold(Num::ZERO, |acc, (_, p)| acc.add(p));
    let points =
        |s: &Steps, id: &str| s.top.iter().find(|(i, _)| i == id).map_or(Num::ZERO, |(_, p)| p.clone());
    let indicators = order
        .iter()
        .filter(|id| a.top.iter().any(|(i, _)| i == *id) || b.top.iter().any(|(i, _)| i == *id))
        .map(|id| (id.clone(), points(&b, id).sub(&points(&a, id))))
        .filter(|(_, v)| !v.is_zero())
        .map(|(id, v)| (id, d(v)))
        .collect();
    let raw = |s: &Steps| s.base.add(&s.bonus).sub(&s.penalty);
    Some(Attribution {
        indicators,
        rescale: d(b.base.sub(&sum(&b)).sub(&a.base.sub(&sum(&a)))),
        bonus: d(b.bonus.sub(&a.bonus)),
        penalty: d(a.penalty.sub(&b.penalty)),
        clamp: d(b.clamped.sub(&raw(&b)).sub(&a.clamped.sub(&raw(&a)))),
        rounding: d(b.before_vetoes.sub(&b.clamped).sub(&a.before_vetoes.sub(&a.clamped))),
        vetoes: d(b.total.sub(&b.before_vetoes).sub(&a.total.sub(&a.before_vetoes))),
    })
}
