//! What a comparison says about the cohort: the transition matrix between states, units up,
//! down and unchanged, the change's distribution in buckets — overall and per profile — and the
//! indicators that moved the most units.

use rust_decimal::Decimal;
use serde::Serialize;

use super::unit::{Attribution, State, UnitDiff};

/// Units moving from each state (rows: under the old rulebook) to each state (columns: under the
/// new one).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Transitions {
    /// The states, best grade first, then verdicts, vetoed and failed.
    pub states: Vec<State>,
    /// `counts[from][to]`.
    pub counts: Vec<Vec<usize>>,
}

impl Transitions {
    fn new(states: &[State]) -> Transitions {
        Transitions { states: states.to_vec(), counts: vec![vec![0; states.len()]; states.len()] }
    }

    fn add(&mut self, from: &State, to: &State) {
        let at = |s: &State| self.states.iter().position(|x| x == s);
        if let (Some(i), Some(j)) = (at(from), at(to)) {
            self.counts[i][j] += 1;
        }
    }

    /// The units whose state changed.
    pub fn changed(&self) -> usize {
        let n = self.states.len();
        (0..n)
            .flat_map(|i| (0..n).map(move |j| (i, j)))
            .filter(|(i, j)| i != j)
            .map(|(i, j)| self.counts[i][j])
            .sum()
    }
}

/// A range of changes and how many units fall in it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Bucket {
    /// The range in words: `[-2, 0)`, `0`, `(0, 2]`.
    pub label: String,
    /// Its lower end.
    pub lo: Decimal,
    /// Its upper end.
    pub hi: Decimal,
    /// Units in it.
    pub count: usize,
}

/// The change's buckets: 0 on its own, then steps of a round width (1, 2 or 5 × 10ᵏ) away from
/// it on each side, as many as the largest change needs (at most 5 a side).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Edges {
    width: Decimal,
    below: usize,
    above: usize,
}

impl Edges {
    pub(super) fn of(deltas: impl Iterator<Item = Decimal>, scale: u32) -> Edges {
        let (mut lo, mut hi) = (Decimal::ZERO, Decimal::ZERO);
        for d in deltas {
            lo = lo.min(d);
            hi = hi.max(d);
        }
        let far = hi.max(-lo);
        // The smallest round width that covers the farthest change in 5 steps, never below one
        // unit of the last published place.
        let places = scale.min(20);
        let mut width = Decimal::new(1, places);
        'search: for exp in -(places as i32)..=20 {
            for m in [1i128, 2, 5] {
                width = if exp < 0 {
                    Decimal::from_i128_with_scale(m, (-exp) as u32)
                } else {
                    Decimal::from_i128_with_scale(m * 10i128.pow(exp as u32), 0)
                };
                if width * Decimal::from(5) >= far {
                    break 'search;
                }
            }
        }
        let steps = |x: Decimal| -> usize {
            use rust_decimal::prelude::ToPrimitive;
            if x.is_zero() { 0 } else { (x / width).ceil().to_usize().unwrap_or(5).clamp(1, 5) }
        };
        Edges { width, below: steps(-lo), above: steps(hi) }
    }

    fn buckets(&self) -> Vec<Bucket> {
        let w = self.width;
        let mut out = Vec::new();
        for k in (0..self.below).rev() {
            let (lo, hi) = (-w * Decimal::from(k + 1), -w * Decimal::from(k));
            out.push(Bucket { label: format!("[{}, {})", lo.normalize(), hi.normalize()), lo, hi, count: 0 });
        }
        out.push(Bucket { label: "0".to_owned(), lo: Decimal::ZERO, hi: Decimal::ZERO, count: 0 });
        for k in 0..self.above {
            let (lo, hi) = (w * Decimal::from(k), w * Decimal::from(k + 1));
            out.push(Bucket { label: format!("({}, {}]", lo.normalize(), hi.normalize()), lo, hi, count: 0 });
        }
        out
    }

    fn place(&self, buckets: &mut [Bucket], d: Decimal) {
        let i = if d.is_zero() {
            self.below
        } else if d.is_sign_negative() {
            // [-(k+1)w, -kw): k = ⌈-d / w⌉ - 1, the far bucket taking anything beyond.
            let k = buckets[..self.below].iter().rposition(|b| d >= b.lo).unwrap_or(0);
            k.min(self.below.saturating_sub(1))
        } else {
            let k = buckets[self.below + 1..]
                .iter()
                .position(|b| d <= b.hi)
                .unwrap_or(self.above.saturating_sub(1));
            self.below + 1 + k
        };
        if let Some(b) = buckets.get_mut(i) {
            b.count += 1;
        }
    }
}

/// Counts over a set of units (all, or one profile's).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Stats {
    /// Units.
    pub units: usize,
    /// Units with a total under both rulebooks.
    pub compared: usize,
    /// Units whose total went up.
    pub up: usize,
    /// Units whose total went down.
    pub down: usize,
    /// Units whose total did not change.
    pub unchanged: usize,
    /// Units that failed under the old rulebook.
    pub failed_old: usize,
    /// Units that failed under the new rulebook.
    pub failed_new: usize,
    /// Units whose state (grade, verdict, veto, failure) changed.
    pub state_changed: usize,
    /// The sum of the changes (exact).
    pub delta_sum: Decimal,
    /// The smallest change.
    pub delta_min: Option<Decimal>,
    /// The largest change.
    pub delta_max: Option<Decimal>,
    /// The transition matrix.
    pub transitions: Transitions,
    /// The change's distribution.
    pub buckets: Vec<Bucket>,
}

impl Stats {
    pub(super) fn of<'a>(
        units: impl Iterator<Item = &'a UnitDiff>,
        states: &[State],
        edges: &Edges,
    ) -> Stats {
        let mut s = Stats {
            units: 0,
            compared: 0,
            up: 0,
            down: 0,
            unchanged: 0,
            failed_old: 0,
            failed_new: 0,
            state_changed: 0,
            delta_sum: Decimal::ZERO,
            delta_min: None,
            delta_max: None,
            transitions: Transitions::new(states),
            buckets: edges.buckets(),
        };
        for u in units {
            s.units += 1;
            s.failed_old += usize::from(u.old.state == State::Failed);
            s.failed_new += usize::from(u.new.state == State::Failed);
            s.state_changed += usize::from(u.state_changed());
            s.transitions.add(&u.old.state, &u.new.state);
            let Some(d) = u.delta else { continue };
            s.compared += 1;
            match d.cmp(&Decimal::ZERO) {
                std::cmp::Ordering::Greater => s.up += 1,
                std::cmp::Ordering::Less => s.down += 1,
                std::cmp::Ordering::Equal => s.unchanged += 1,
            }
            s.delta_sum += d;
            s.delta_min = Some(s.delta_min.map_or(d, |m| m.min(d)));
            s.delta_max = Some(s.delta_max.map_or(d, |m| m.max(d)));
            edges.place(&mut s.buckets, d);
        }
        s
    }

    /// The mean change, rounded half-up to `places` (`None`: nothing compared).
    pub fn delta_mean(&self, places: u32) -> Option<Decimal> {
        (self.compared > 0).then(|| {
            (self.delta_sum / Decimal::from(self.compared))
                .round_dp_with_strategy(places, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
        })
    }
}

/// One profile's counts.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProfileStats {
    /// The profile (`None`: units scored in none).
    pub profile: Option<String>,
    /// Its counts.
    #[serde(flatten)]
    pub stats: Stats,
}

/// How one indicator moved units.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct IndicatorMoves {
    /// Its id.
    pub id: String,
    /// Its label (the new rulebook's, else the old's).
    pub label: String,
    /// Whether only the new rulebook has it.
    pub added: bool,
    /// Whether only the old rulebook has it.
    pub removed: bool,
    /// Units whose points for it changed (both scored).
    pub moved: usize,
    /// … up.
    pub up: usize,
    /// … down.
    pub down: usize,
    /// The sum of its changes (exact).
    pub delta_sum: Decimal,
}

/// The whole comparison in numbers.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Summary {
    /// Every unit.
    #[serde(flatten)]
    pub all: Stats,
    /// Per profile, in the new rulebook's profile order (then the old's), units in no profile
    /// first.
    pub profiles: Vec<ProfileStats>,
    /// Indicators by the units they moved, most first.
    pub indicators: Vec<IndicatorMoves>,
    /// The attribution summed over the units (exact): what moved the cohort's totals.
    pub attribution: Attribution,
    /// Ids of indicators only the new rulebook has.
    pub added: Vec<String>,
    /// Ids of indicators only the old rulebook has.
    pub removed: Vec<String>,
}

/// The attribution's parts summed over units.
pub(super) fn sum_attribution<'a>(
    units: impl Iterator<Item = &'a Attribution>,
    order: &[String],
) -> Attribution {
    let mut total = Attribution::default();
    let mut by_id: Vec<Decimal> = vec![Decimal::ZERO; order.len()];
    for a in units {
        for (id, d) in &a.indicators {
            if let Some(i) = order.iter().position(|o| o == id) {
                by_id[i] += *d;
            }
        }
        total.rescale += a.rescale;
        total.bonus += a.bonus;
        total.penalty += a.penalty;
        total.clamp += a.clamp;
        total.rounding += a.rounding;
        total.vetoes += a.vetoes;
    }
    total.indicators = order.iter().cloned().zip(by_id).filter(|(_, d)| !d.is_zero()).collect();
    total
}
