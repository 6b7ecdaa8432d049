//! The bounded search for the least changes that reach a goal.
//!
//! Every candidate is the record with some inputs changed, scored by the rulebook's normal
//! scoring; nothing is inferred from the rules' text. On a lever's line of values (a grid up or
//! down, see `levers`) the least change that reaches the goal is found by galloping away from the
//! current value (1, 2, 4, … grid steps, then the far end) to the nearest point that reaches it,
//! then by bisection back towards the last point that did not: the exact grid value where a band
//! bound is crossed or a linear target met. (Where a rule turns back between two probes the
//! point found still reaches the goal — every point is scored — but a nearer one may exist.) Several inputs together: each but one is first set to
//! the least change that gives all it can give (its saturation), the last is bisected, then each
//! of the others is bisected back towards its current value while the goal still holds.
//!
//! Bounded: at most `max_inputs` inputs change together, only the `COMBINE` most helpful levers
//! are combined, and scoring stops after `budget` records. Deterministic: levers in declaration
//! order, combinations in a fixed order, no randomness, no threads.

use rust_decimal::Decimal;

use super::goal::{Hurdle, Standing, Target};
use super::levers::{Lever, Line, size};
use crate::input::{Record, Value};
use crate::outcome::Outcome;
use crate::rulebook::{Rulebook, ScoreOptions};

/// Only this many of the most helpful levers are combined (by what each gives alone).
pub(crate) const COMBINE: usize = 8;

/// Scores changed records, counting them against the budget.
pub(crate) struct Scorer<'a> {
    pub rb: &'a Rulebook,
    pub opts: &'a ScoreOptions,
    pub record: &'a Record,
    pub target: Target<'a>,
    pub scored: usize,
    pub budget: usize,
}

/// A set of changes: (lever index, value), in lever order.
pub(crate) type Moves = Vec<(usize, Value)>;

/// A found way to the goal.
#[derive(Clone, Debug)]
pub(crate) struct Found {
    pub moves: Moves,
    pub size: Decimal,
}

impl Scorer<'_> {
    /// Whether the budget is spent.
    pub fn exhausted(&self) -> bool {
        self.scored >= self.budget
    }

    /// The record with these changes, scored (`None`: it does not score, or the budget is spent).
    pub fn score(&mut self, levers: &[Lever], moves: &[(usize, Value)]) -> Option<Outcome> {
        if self.exhausted() {
            return None;
        }
        self.scored += 1;
        let mut r = self.record.clone();
        for (l, v) in moves {
            r.set_at(levers[*l].slot, v.clone());
        }
        self.rb.score(&r, self.opts).ok()
    }

    /// The nearest position on `line` of lever `l` where `ok` holds, the other `moves` fixed:
    /// bisection on an ordered line (the far end must hold), a scan on choices.
    fn least(
        &mut self,
        levers: &[Lever],
        moves: &[(usize, Value)],
        l: usize,
        line: &Line,
        ok: &dyn Fn(&Target<'_>, &Outcome) -> bool,
    ) -> Option<(u64, Value, Outcome)> {
        let at = |s: &mut Self, t: u64| -> Option<(Value, Outcome)> {
            let v = line.at(t)?;
            let mut m: Moves = moves.iter().filter(|(i, _)| *i != l).cloned().collect();
            m.push((l, v.clone()));
            m.sort_by_key(|(i, _)| *i);
            let o = s.score(levers, &m)?;
            ok(&s.target, &o).then_some((v, o))
        };
        if !line.ordered() {
            for t in 1..=line.len() {
                if let Some((v, o)) = at(self, t) {
                    return Some((t, v, o));
                }
            }
            return None;
        }
        // Galloping from the current value (1, 2, 4, … steps, then the far end): the nearest
        // stretch where the goal holds is found even when the far end does not hold (a rule that
        // turns back, as a share whose sample shrinks to 0); then bisection within it.
        let n = line.len();
        let (mut lo, mut p) = (0u64, 1u64.min(n));
        let (mut hi, mut v, mut o) = loop {
            if p == 0 {
                return None;
            }
            if let Some((v, o)) = at(self, p) {
                break (p, v, o);
            }
            if p == n || self.exhausted() {
                return None;
            }
            lo = p;
            p = p.saturating_mul(2).min(n);
        };
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            match at(self, mid) {
                Some((mv, mo)) => {
                    (v, o) = (mv, mo);
                    hi = mid;
                }
                None => lo = mid,
            }
        }
        Some((hi, v, o))
    }

    /// For each lever, its most helpful line and the least change on it that gives all the line
    /// gives (what the lever can do alone), if that is better than where the record stands.
    ///
    /// `fixed` are moves made first (the blockers' clearing changes): what a lever gives is
    /// judged on top of them, so that an input whose points a veto hides still counts.
    pub fn saturations(
        &mut self,
        levers: &[Lever],
        base: &Standing,
        fixed: &[(usize, Value)],
    ) -> Vec<Option<(usize, Value, Standing)>> {
        let mut out = Vec::with_capacity(levers.len());
        for (l, lever) in levers.iter().enumerate() {
            let mut best: Option<(usize, Value, Standing)> = None;
            if fixed.iter().any(|(i, _)| *i == l) {
                out.push(None);
                continue;
            }
            let with = |v: &Value| -> Moves {
                let mut m: Moves = fixed.to_vec();
                m.push((l, v.clone()));
                m.sort_by_key(|(i, _)| *i);
                m
            };
            for (k, line) in lever.lines.iter().enumerate() {
                let far = if line.ordered() {
                    line.at(line.len()).and_then(|v| self.score(levers, &with(&v)).map(|o| (v, o)))
                } else {
                    // Choices: the best of them, the first on ties.
                    let mut top: Option<(Value, Outcome)> = None;
                    for t in 1..=line.len() {
                        let Some(v) = line.at(t) else { continue };
                        if let Some(o) = self.score(levers, &with(&v))
                            && top
                                .as_ref()
                                .is_none_or(|(_, b)| self.target.standing(&o) > self.target.standing(b))
                        {
                            top = Some((v, o));
                        }
                    }
                    top
                };
                let Some((far_v, far_o)) = far else { continue };
                let s = self.target.standing(&far_o);
                if s <= *base || best.as_ref().is_some_and(|(_, _, b)| s <= *b) {
                    continue;
                }
                let v = if line.ordered() {
                    let want = s;
                    let ok = move |t: &Target<'_>, o: &Outcome| t.standing(o) >= want;
                    self.least(levers, fixed, l, line, &ok).map_or(far_v, |(_, v, _)| v)
                } else {
                    far_v
                };
                best = Some((k, v, s));
            }
            out.push(best);
        }
        out
    }

    /// The least change of one lever alone that reaches the goal, over its lines.
    pub fn single(&mut self, levers: &[Lever], l: usize) -> Option<Found> {
        let mut best: Option<Found> = None;
        for line in &levers[l].lines {
            let ok = |t: &Target<'_>, o: &Outcome| t.reached(o);
            if let Some((_, v, _)) = self.least(levers, &[], l, line, &ok) {
                let size = size(&levers[l], &v);
                if best.as_ref().is_none_or(|b| size < b.size) {
                    best = Some(Found { moves: vec![(l, v)], size });
                }
            }
        }
        best
    }

    /// The least change of one lever alone that clears a hurdle (it no longer holds the result).
    pub fn clearing(&mut self, levers: &[Lever], l: usize, hurdle: &Hurdle) -> Option<Found> {
        let mut best: Option<Found> = None;
        for line in &levers[l].lines {
            let h = hurdle.clone();
            let ok = move |t: &Target<'_>, o: &Outcome| !t.hurdles(o).contains(&h) && !fires(o, &h);
            if let Some((_, v, _)) = self.least(levers, &[], l, line, &ok) {
                let size = size(&levers[l], &v);
                if best.as_ref().is_none_or(|b| size < b.size) {
                    best = Some(Found { moves: vec![(l, v)], size });
                }
            }
        }
        best
    }

    /// Levers `set` together: every order of which lever is bisected last, the others at their
    /// saturation; then each is brought back towards its value while the goal holds. The
    /// smallest found.
    pub fn together(
        &mut self,
        levers: &[Lever],
        set: &[usize],
        sat: &[Option<(usize, Value, Standing)>],
        fixed: &[(usize, Value)],
    ) -> Option<Found> {
        let mut best: Option<Found> = None;
        let reach = |t: &Target<'_>, o: &Outcome| t.reached(o);
        for &last in set {
            let mut moves: Moves = fixed.to_vec();
            for &l in set.iter().filter(|&&l| l != last) {
                moves.push((l, sat[l].as_ref()?.1.clone()));
            }
            let (k, _, _) = sat[last].as_ref()?;
            let line = &levers[last].lines[*k];
            let Some((_, v, _)) = self.least(levers, &moves, last, line, &reach) else { continue };
            moves.push((last, v));
            moves.sort_by_key(|(i, _)| *i);
            // Bring each of the others back as far as the goal allows.
            for &l in set.iter().filter(|&&l| l != last) {
                let Some((k, _, _)) = sat[l].as_ref() else { continue };
                let line = &levers[l].lines[*k];
                let cur = moves.iter().find(|(i, _)| *i == l).map(|(_, v)| v.clone());
                let Some(pos) = cur.as_ref().and_then(|c| position(line, c)) else { continue };
                if pos <= 1 {
                    continue;
                }
                if let Some((_, v, _)) = self.least(levers, &moves, l, &line.upto(pos), &reach) {
                    for m in moves.iter_mut().filter(|(i, _)| *i == l) {
                        m.1 = v.clone();
                    }
                }
            }
            let size = moves.iter().fold(Decimal::ZERO, |a, (l, v)| a.saturating_add(size(&levers[*l], v)));
            if best.as_ref().is_none_or(|b| size < b.size) {
                best = Some(Found { moves, size });
            }
        }
        best
    }
}

/// Whether a hurdle still fires in a result (a veto, grade rule or failed criterion), whatever
/// the goal: clearing it means it no longer fires.
fn fires(o: &Outcome, h: &Hurdle) -> bool {
    match h {
        Hurdle::Veto(id) => o.vetoes.iter().any(|v| &v.id == id),
        Hurdle::GradeRule(i) => o.grade_rules.iter().any(|r| r.index == *i),
        Hurdle::Criterion(id) => o.criteria.iter().any(|c| &c.id == id && !c.holds),
    }
}

/// The position of a value on a line.
fn position(line: &Line, v: &Value) -> Option<u64> {
    match line {
        Line::Grid { from, step, .. } => {
            let x = match v {
                Value::Integer(i) => Decimal::from(*i),
                Value::Decimal(d) => *d,
                _ => return None,
            };
            x.checked_sub(*from)?.abs().checked_div(*step)?.floor().try_into().ok()
        }
        Line::Choices(c) => c.iter().position(|x| x == v).map(|i| i as u64 + 1),
    }
}
