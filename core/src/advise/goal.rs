//! What a unit wants to reach ([`Goal`]), whether a result reaches it, what stands in its way
//! (vetoes, grade rules, failed criteria) and how far a result has come towards it
//! ([`Standing`], the order the search climbs).

use std::cmp::Reverse;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::outcome::Outcome;

/// What a unit wants to reach.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Goal {
    /// This grade or a better one (by its label, as results give it: `较好`).
    Grade(String),
    /// Every criterion holds (达标).
    Passed,
    /// A published total of at least this.
    Total(Decimal),
}

impl Goal {
    /// Read a goal as people write it: a grade's label (`较好`), `passed` (or `达标`), or a total
    /// (`85`). A grade's label is looked for first, so a grade named like a number is still a
    /// grade. `grades` are the rulebook's grades, best first.
    pub fn parse(text: &str, grades: &[&str]) -> Option<Goal> {
        let t = text.trim();
        if grades.contains(&t) {
            return Some(Goal::Grade(t.to_owned()));
        }
        if matches!(t.to_ascii_lowercase().as_str(), "passed" | "pass") || t == "达标" {
            return Some(Goal::Passed);
        }
        crate::num::parse_decimal_text(t).ok().map(Goal::Total)
    }

    /// The goal in words.
    pub fn words(&self, lang: crate::lang::Lang) -> String {
        let zh = lang == crate::lang::Lang::Zh;
        match (self, zh) {
            (Goal::Grade(g), true) => format!("等次“{g}”或更好"),
            (Goal::Grade(g), false) => format!("grade {g} or better"),
            (Goal::Passed, true) => "全部达标条件满足".to_owned(),
            (Goal::Passed, false) => "every criterion met".to_owned(),
            (Goal::Total(t), true) => format!("总分不低于 {t}"),
            (Goal::Total(t), false) => format!("a total of at least {t}"),
        }
    }
}

/// A goal with the rulebook's grades, best first: judges results against it.
pub(crate) struct Target<'g> {
    pub goal: &'g Goal,
    pub grades: Vec<String>,
}

/// A rule that holds a result away from the goal.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Hurdle {
    /// A veto that fired, by id.
    Veto(String),
    /// A grade rule that fired, by 0-based index.
    GradeRule(usize),
    /// A criterion that does not hold, by id.
    Criterion(String),
}

/// How far a result has come towards the goal: fewer hurdles first, then more criteria met,
/// then a better grade, then a higher total. The search climbs this order.
pub(crate) type Standing = (Reverse<usize>, usize, Reverse<usize>, Decimal);

impl Target<'_> {
    /// The rank of a grade (0 = best); unknown grades rank last.
    fn rank(&self, grade: &str) -> usize {
        self.grades.iter().position(|g| g == grade).unwrap_or(self.grades.len())
    }

    /// Whether a result reaches the goal.
    pub fn reached(&self, o: &Outcome) -> bool {
        match self.goal {
            Goal::Grade(g) => o.grade.as_deref().is_some_and(|x| self.rank(x) <= self.rank(g)),
            Goal::Passed => o.passed == Some(true),
            Goal::Total(t) => o.total.is_some_and(|x| x >= *t),
        }
    }

    /// The vetoes, grade rules and criteria that hold this result away from the goal.
    pub fn hurdles(&self, o: &Outcome) -> Vec<Hurdle> {
        let mut out = Vec::new();
        match self.goal {
            Goal::Grade(g) => {
                let goal = self.rank(g);
                for v in &o.vetoes {
                    // A ceiling below the goal blocks it; a set total blocks it while it is short.
                    let capped = v.grade.as_deref().is_some_and(|c| self.rank(c) > goal);
                    let set = v.score.is_some() && !self.reached(o);
                    if capped || set {
                        out.push(Hurdle::Veto(v.id.clone()));
                    }
                }
                for r in &o.grade_rules {
                    if self.rank(&r.grade_at_most) > goal {
                        out.push(Hurdle::GradeRule(r.index));
                    }
                }
            }
            Goal::Total(t) => {
                for v in &o.vetoes {
                    if v.score.is_some_and(|s| s < *t) {
                        out.push(Hurdle::Veto(v.id.clone()));
                    }
                }
            }
            Goal::Passed => {
                for c in &o.criteria {
                    if !c.holds {
                        out.push(Hurdle::Criterion(c.id.clone()));
                    }
                }
            }
        }
        out
    }

    /// Where a result stands on the way to the goal.
    pub fn standing(&self, o: &Outcome) -> Standing {
        let criteria = match self.goal {
            Goal::Passed => o.criteria.iter().filter(|c| c.holds).count(),
            _ => 0,
        };
        let grade = o.grade.as_deref().map_or(self.grades.len(), |g| self.rank(g));
        (Reverse(self.hurdles(o).len()), criteria, Reverse(grade), o.total.unwrap_or_default())
    }
}
