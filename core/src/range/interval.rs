//! Intervals of exact rationals: the sets of values a lint proves an expression, a rule or a total
//! can take. Ends are [`Num`]s (never floats), open, closed or unbounded; the empty set is its own
//! value.
//!
//! Every operation over-approximates: the interval it returns contains every value the operation
//! can give on members of its operands. Addition, negation and cuts by a comparison keep open
//! ends (a cut is how `v > t` makes a band start just above t); multiplication, division and the
//! monotone maps (rounding, clamping) return closed ends, a superset of the exact answer that is
//! never wrong.

use std::cmp::Ordering;

use crate::expr::CmpOp;
use crate::num::{Num, Rounding};

/// One end of an interval.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum End {
    /// No bound: −∞ below, +∞ above.
    Unbounded,
    /// The value is a member.
    Closed(Num),
    /// The value is not a member, values beyond it on the inside are.
    Open(Num),
}

impl End {
    /// The end's value (`None`: unbounded).
    pub fn value(&self) -> Option<&Num> {
        match self {
            End::Unbounded => None,
            End::Closed(n) | End::Open(n) => Some(n),
        }
    }

    fn is_closed(&self) -> bool {
        matches!(self, End::Closed(_))
    }
}

/// A value of the extended reals, for the ends of products and quotients.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Ext {
    NegInf,
    Fin(Num),
    PosInf,
}

impl Ext {
    fn sign(&self) -> Ordering {
        match self {
            Ext::NegInf => Ordering::Less,
            Ext::PosInf => Ordering::Greater,
            Ext::Fin(n) => n.cmp_zero(),
        }
    }

    /// The product, with 0 × ∞ = 0: an end that is 0 makes every product with it 0, whatever
    /// the other factor grows to (the factor's members are finite).
    fn mul(&self, o: &Ext) -> Ext {
        match (self, o) {
            (Ext::Fin(a), Ext::Fin(b)) => Ext::Fin(a.mul(b)),
            _ => {
                let (s, t) = (self.sign(), o.sign());
                if s == Ordering::Equal || t == Ordering::Equal {
                    Ext::Fin(Num::ZERO)
                } else if s == t {
                    Ext::PosInf
                } else {
                    Ext::NegInf
                }
            }
        }
    }
}

impl PartialOrd for Ext {
    fn partial_cmp(&self, o: &Ext) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

impl Ord for Ext {
    fn cmp(&self, o: &Ext) -> Ordering {
        match (self, o) {
            (Ext::NegInf, Ext::NegInf) | (Ext::PosInf, Ext::PosInf) => Ordering::Equal,
            (Ext::NegInf, _) | (_, Ext::PosInf) => Ordering::Less,
            (_, Ext::NegInf) | (Ext::PosInf, _) => Ordering::Greater,
            (Ext::Fin(a), Ext::Fin(b)) => a.cmp(b),
        }
    }
}

/// A set of numbers between two ends, or the empty set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interval {
    /// `None`: empty. Otherwise (lower end, upper end), lower ≤ upper and a single value closed.
    ends: Option<(End, End)>,
}

impl Interval {
    /// No value at all.
    pub const EMPTY: Interval = Interval { ends: None };

    /// Every number.
    pub fn everything() -> Interval {
        Interval { ends: Some((End::Unbounded, End::Unbounded)) }
    }

    /// The interval between two ends (empty when they cross).
    pub fn new(lo: End, hi: End) -> Interval {
        let empty = match (lo.value(), hi.value()) {
            (Some(a), Some(b)) => match a.cmp(b) {
                Ordering::Greater => true,
                Ordering::Equal => !(lo.is_closed() && hi.is_closed()),
                Ordering::Less => false,
            },
            _ => false,
        };
        Interval { ends: (!empty).then_some((lo, hi)) }
    }

    /// One value.
    pub fn point(n: Num) -> Interval {
        Interval::new(End::Closed(n.clone()), End::Closed(n))
    }

    /// [lo, hi], both members.
    pub fn closed(lo: Num, hi: Num) -> Interval {
        Interval::new(End::Closed(lo), End::Closed(hi))
    }

    /// `min`…`max` where each bound may be absent (unbounded), both inclusive: an input's
    /// declared range.
    pub fn between(min: Option<&Num>, max: Option<&Num>) -> Interval {
        let end = |b: Option<&Num>| b.map_or(End::Unbounded, |n| End::Closed(n.clone()));
        Interval::new(end(min), end(max))
    }

    /// Whether it has no member.
    pub fn is_empty(&self) -> bool {
        self.ends.is_none()
    }

    /// The lower end (`None`: empty).
    pub fn lo(&self) -> Option<&End> {
        self.ends.as_ref().map(|(l, _)| l)
    }

    /// The upper end (`None`: empty).
    pub fn hi(&self) -> Option<&End> {
        self.ends.as_ref().map(|(_, h)| h)
    }

    /// The greatest lower bound's value (`None`: empty or unbounded below).
    pub fn inf(&self) -> Option<&Num> {
        self.lo()?.value()
    }

    /// The least upper bound's value (`None`: empty or unbounded above).
    pub fn sup(&self) -> Option<&Num> {
        self.hi()?.value()
    }

    /// The only member, when there is exactly one.
    pub fn single(&self) -> Option<&Num> {
        match &self.ends {
            Some((End::Closed(a), End::Closed(b))) if a == b => Some(a),
            _ => None,
        }
    }

    /// Whether `n` is a member.
    pub fn contains(&self, n: &Num) -> bool {
        let Some((lo, hi)) = &self.ends else { return false };
        let above = match lo {
            End::Unbounded => true,
            End::Closed(a) => n >= a,
            End::Open(a) => n > a,
        };
        let below = match hi {
            End::Unbounded => true,
            End::Closed(b) => n <= b,
            End::Open(b) => n < b,
        };
        above && below
    }

    #[cfg(test)]
    /// Whether every member of `self` is a member of `other`.
    pub fn within(&self, other: &Interval) -> bool {
        self.is_empty() || self.intersect(other) == *self
    }

    /// The members of both.
    pub fn intersect(&self, o: &Interval) -> Interval {
        let (Some((a_lo, a_hi)), Some((b_lo, b_hi))) = (&self.ends, &o.ends) else {
            return Interval::EMPTY;
        };
        Interval::new(tighter_lo(a_lo, b_lo).clone(), tighter_hi(a_hi, b_hi).clone())
    }

    /// The smallest interval holding both.
    pub fn hull(&self, o: &Interval) -> Interval {
        match (&self.ends, &o.ends) {
            (None, _) => o.clone(),
            (_, None) => self.clone(),
            (Some((a_lo, a_hi)), Some((b_lo, b_hi))) => {
                let lo = if tighter_lo(a_lo, b_lo) == a_lo { b_lo } else { a_lo };
                let hi = if tighter_hi(a_hi, b_hi) == a_hi { b_hi } else { a_hi };
                Interval::new(lo.clone(), hi.clone())
            }
        }
    }

    /// The members `v` for which `v op t` holds. `!=` removes `t` only at an end (an interval
    /// has no holes): elsewhere the whole interval stays, a superset.
    pub fn cut(&self, op: CmpOp, t: &Num) -> Interval {
        let t = t.clone();
        let half = match op {
            CmpOp::Lt => Interval::new(End::Unbounded, End::Open(t)),
            CmpOp::Le => Interval::new(End::Unbounded, End::Closed(t)),
            CmpOp::Gt => Interval::new(End::Open(t), End::Unbounded),
            CmpOp::Ge => Interval::new(End::Closed(t), End::Unbounded),
            CmpOp::Eq => Interval::point(t),
            CmpOp::Ne => {
                let Some((lo, hi)) = &self.ends else { return Interval::EMPTY };
                let lo = match lo {
                    End::Closed(a) if *a == t => End::Open(t.clone()),
                    other => other.clone(),
                };
                let hi = match hi {
                    End::Closed(b) if *b == t => End::Open(t),
                    other => other.clone(),
                };
                return Interval::new(lo, hi);
            }
        };
        self.intersect(&half)
    }

    /// Whether some member `a` of `self` and some member `b` of `o` satisfy `a op b`.
    pub fn may(&self, op: CmpOp, o: &Interval) -> bool {
        let (Some((a_lo, a_hi)), Some((b_lo, b_hi))) = (&self.ends, &o.ends) else {
            return false;
        };
        match op {
            // a < b for some pair: the smallest a below the largest b.
            CmpOp::Lt => lt_possible(a_lo, b_hi, true),
            CmpOp::Le => lt_possible(a_lo, b_hi, false),
            CmpOp::Gt => lt_possible(b_lo, a_hi, true),
            CmpOp::Ge => lt_possible(b_lo, a_hi, false),
            CmpOp::Eq => !self.intersect(o).is_empty(),
            CmpOp::Ne => !(self.single().is_some() && self.single() == o.single()),
        }
    }

    /// −v for every member.
    pub fn neg(&self) -> Interval {
        let Some((lo, hi)) = &self.ends else { return Interval::EMPTY };
        let flip = |e: &End| match e {
            End::Unbounded => End::Unbounded,
            End::Closed(n) => End::Closed(n.neg()),
            End::Open(n) => End::Open(n.neg()),
        };
        Interval::new(flip(hi), flip(lo))
    }

    /// a + b for every pair of members.
    pub fn add(&self, o: &Interval) -> Interval {
        let (Some((a_lo, a_hi)), Some((b_lo, b_hi))) = (&self.ends, &o.ends) else {
            return Interval::EMPTY;
        };
        Interval::new(add_ends(a_lo, b_lo), add_ends(a_hi, b_hi))
    }

    /// a − b for every pair of members.
    pub fn sub(&self, o: &Interval) -> Interval {
        self.add(&o.neg())
    }

    /// a × b for every pair of members (closed ends).
    pub fn mul(&self, o: &Interval) -> Interval {
        let (Some((a_lo, a_hi)), Some((b_lo, b_hi))) = (&self.ends, &o.ends) else {
            return Interval::EMPTY;
        };
        let (a_lo, a_hi) = (ext_lo(a_lo), ext_hi(a_hi));
        let (b_lo, b_hi) = (ext_lo(b_lo), ext_hi(b_hi));
        let products = [a_lo.mul(&b_lo), a_lo.mul(&b_hi), a_hi.mul(&b_lo), a_hi.mul(&b_hi)];
        let lo = products.iter().min().cloned().unwrap_or(Ext::NegInf);
        let hi = products.iter().max().cloned().unwrap_or(Ext::PosInf);
        Interval::new(from_ext(lo), from_ext(hi))
    }

    /// a / b for every pair of members with b ≠ 0 (a zero divisor is a fault, not a value).
    /// Empty when `o` is {0}.
    pub fn div(&self, o: &Interval) -> Interval {
        // 1/b over the negative and the positive members of `o`, separately: 1/b is monotone on
        // each side of 0, and near 0 it is unbounded.
        let negative = o.cut(CmpOp::Lt, &Num::ZERO);
        let positive = o.cut(CmpOp::Gt, &Num::ZERO);
        self.mul(&recip_one_side(&negative)).hull(&self.mul(&recip_one_side(&positive)))
    }

    /// f(v) for every member, f monotone non-decreasing (closed ends; an unbounded end maps to
    /// `at_inf` of that side, `None` keeping it unbounded).
    fn map_monotone(&self, f: impl Fn(&Num) -> Num, below: Option<Num>, above: Option<Num>) -> Interval {
        let Some((lo, hi)) = &self.ends else { return Interval::EMPTY };
        let end = |e: &End, inf: &Option<Num>| match e.value() {
            Some(n) => End::Closed(f(n)),
            None => inf.clone().map_or(End::Unbounded, End::Closed),
        };
        Interval::new(end(lo, &below), end(hi, &above))
    }

    /// Each member rounded to `scale` places under `mode` (every mode is monotone).
    pub fn round(&self, scale: u32, mode: Rounding) -> Interval {
        self.map_monotone(|n| n.round(scale, mode), None, None)
    }

    /// ⌊v⌋ of every member.
    pub fn floor(&self) -> Interval {
        self.map_monotone(Num::floor, None, None)
    }

    /// ⌈v⌉ of every member.
    pub fn ceil(&self) -> Interval {
        self.map_monotone(Num::ceil, None, None)
    }

    /// Every member clamped into [lo, hi] (`None`: no bound on that side).
    pub fn clamp(&self, lo: Option<&Num>, hi: Option<&Num>) -> Interval {
        let f = |n: &Num| {
            let n = match lo {
                Some(l) if n < l => l.clone(),
                _ => n.clone(),
            };
            match hi {
                Some(h) if n > *h => h.clone(),
                _ => n,
            }
        };
        // An unbounded end is pulled to the clamp's bound on that side (or to the other bound
        // when only that one is given: a clamp with only an upper bound keeps −∞).
        let below = lo.cloned();
        let above = hi.cloned();
        self.map_monotone(f, below, above)
    }

    /// |v| of every member.
    pub fn abs(&self) -> Interval {
        let Some((lo, hi)) = &self.ends else { return Interval::EMPTY };
        let nonneg = lo.value().is_some_and(|l| !l.is_negative());
        let nonpos = hi.value().is_some_and(|h| !h.is_positive());
        if nonneg {
            self.clone()
        } else if nonpos {
            self.neg()
        } else {
            // 0 is a member (the interval crosses it); the far end is the larger magnitude.
            let far = match (lo.value(), hi.value()) {
                (Some(l), Some(h)) => End::Closed(l.neg().max(h.clone())),
                _ => End::Unbounded,
            };
            Interval::new(End::Closed(Num::ZERO), far)
        }
    }

    /// min(a, b) for every pair of members.
    pub fn min(&self, o: &Interval) -> Interval {
        let (Some((a_lo, a_hi)), Some((b_lo, b_hi))) = (&self.ends, &o.ends) else {
            return Interval::EMPTY;
        };
        let lo = if tighter_lo(a_lo, b_lo) == a_lo { b_lo } else { a_lo };
        Interval::new(lo.clone(), tighter_hi(a_hi, b_hi).clone())
    }

    /// max(a, b) for every pair of members.
    pub fn max(&self, o: &Interval) -> Interval {
        self.neg().min(&o.neg()).neg()
    }

    /// `[lo, hi]` in words, each end exact where it terminates (≈ otherwise); `∅` when empty.
    pub fn text(&self) -> String {
        self.text_by(show)
    }

    /// `[lo, hi]` in words, each end written by `show`.
    pub fn text_by(&self, show: impl Fn(&Num) -> String) -> String {
        let Some((lo, hi)) = &self.ends else { return "∅".to_owned() };
        if let Some(n) = self.single() {
            return show(n);
        }
        let (open, l) = match lo {
            End::Unbounded => ("(", "−∞".to_owned()),
            End::Closed(n) => ("[", show(n)),
            End::Open(n) => ("(", show(n)),
        };
        let (close, h) = match hi {
            End::Unbounded => (")", "+∞".to_owned()),
            End::Closed(n) => ("]", show(n)),
            End::Open(n) => (")", show(n)),
        };
        format!("{open}{l}, {h}{close}")
    }
}

/// Of two lower ends, the one that admits less.
fn tighter_lo<'a>(a: &'a End, b: &'a End) -> &'a End {
    match (a.value(), b.value()) {
        (None, _) => b,
        (_, None) => a,
        (Some(x), Some(y)) => match x.cmp(y) {
            Ordering::Greater => a,
            Ordering::Less => b,
            Ordering::Equal => {
                if a.is_closed() {
                    b
                } else {
                    a
                }
            }
        },
    }
}

/// Of two upper ends, the one that admits less.
fn tighter_hi<'a>(a: &'a End, b: &'a End) -> &'a End {
    match (a.value(), b.value()) {
        (None, _) => b,
        (_, None) => a,
        (Some(x), Some(y)) => match x.cmp(y) {
            Ordering::Less => a,
            Ordering::Greater => b,
            Ordering::Equal => {
                if a.is_closed() {
                    b
                } else {
                    a
                }
            }
        },
    }
}

/// Whether some x above lower end `lo` and some y below upper end `hi` have x < y (`strict`) or
/// x ≤ y.
fn lt_possible(lo: &End, hi: &End, strict: bool) -> bool {
    match (lo.value(), hi.value()) {
        (None, _) | (_, None) => true,
        (Some(a), Some(b)) => match a.cmp(b) {
            Ordering::Less => true,
            Ordering::Greater => false,
            Ordering::Equal => !strict && lo.is_closed() && hi.is_closed(),
        },
    }
}

fn add_ends(a: &End, b: &End) -> End {
    match (a, b) {
        (End::Unbounded, _) | (_, End::Unbounded) => End::Unbounded,
        (End::Closed(x), End::Closed(y)) => End::Closed(x.add(y)),
        (End::Closed(x) | End::Open(x), End::Closed(y) | End::Open(y)) => End::Open(x.add(y)),
    }
}

fn ext_lo(e: &End) -> Ext {
    e.value().map_or(Ext::NegInf, |n| Ext::Fin(n.clone()))
}

fn ext_hi(e: &End) -> Ext {
    e.value().map_or(Ext::PosInf, |n| Ext::Fin(n.clone()))
}

fn from_ext(e: Ext) -> End {
    match e {
        Ext::Fin(n) => End::Closed(n),
        _ => End::Unbounded,
    }
}

/// {1/b} for the members of `side`, all of one sign (none 0): monotone decreasing, so the ends
/// swap; an end at 0 maps to ±∞ (unbounded) and an unbounded end to 0.
fn recip_one_side(side: &Interval) -> Interval {
    let Some((lo, hi)) = &side.ends else { return Interval::EMPTY };
    let inv = |e: &End| match e.value() {
        None => End::Closed(Num::ZERO),
        Some(n) if n.is_zero() => End::Unbounded,
        Some(n) => End::Closed(n.recip().unwrap_or(Num::ZERO)),
    };
    Interval::new(inv(hi), inv(lo))
}

/// A number for messages: exact when it terminates within 6 places, else "≈" and rounded.
pub fn show(n: &Num) -> String {
    let (text, exact) = n.to_display(6);
    if exact { text } else { format!("≈{text}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> Num {
        Num::parse_literal(s).unwrap()
    }

    fn c(a: &str, b: &str) -> Interval {
        Interval::closed(n(a), n(b))
    }

    #[test]
    fn empty_when_ends_cross_or_meet_open() {
        assert!(Interval::new(End::Closed(n("2")), End::Closed(n("1"))).is_empty());
        assert!(Interval::new(End::Open(n("1")), End::Closed(n("1"))).is_empty());
        assert!(!Interval::new(End::Closed(n("1")), End::Closed(n("1"))).is_empty());
    }

    #[test]
    fn cuts_keep_open_ends_so_a_band_above_a_threshold_excludes_it() {
        let v = c("0", "2");
        // at_most [[2, …], [3, …]]: the second band takes (2, 3].
        let second = v.cut(CmpOp::Gt, &n("2")).cut(CmpOp::Le, &n("3"));
        assert!(second.is_empty());
        assert!(!v.cut(CmpOp::Le, &n("2")).is_empty());
        assert_eq!(v.cut(CmpOp::Ne, &n("0")).text(), "(0, 2]");
    }

    #[test]
    fn comparisons_decide_only_what_holds_for_some_pair() {
        assert!(c("0", "2").may(CmpOp::Lt, &c("2", "5")));
        assert!(!c("2", "3").may(CmpOp::Lt, &c("0", "2")));
        assert!(c("2", "3").may(CmpOp::Le, &c("0", "2")));
        assert!(!Interval::new(End::Open(n("2")), End::Closed(n("3"))).may(CmpOp::Le, &c("0", "2")));
        assert!(!Interval::point(n("1")).may(CmpOp::Ne, &Interval::point(n("1"))));
        assert!(c("1", "2").may(CmpOp::Ne, &Interval::point(n("1"))));
    }

    #[test]
    fn arithmetic_contains_every_result() {
        assert_eq!(c("1", "2").add(&c("-1", "3")).text(), "[0, 5]");
        assert_eq!(c("1", "2").sub(&c("-1", "3")).text(), "[-2, 3]");
        assert_eq!(c("-1", "2").mul(&c("-3", "4")).text(), "[-6, 8]");
        assert_eq!(Interval::between(Some(&n("0")), None).mul(&c("2", "3")).text(), "[0, +∞)");
        assert_eq!(Interval::between(Some(&n("1")), None).mul(&c("-1", "1")).text(), "(−∞, +∞)");
        // 1/3 exactly, not a float.
        assert_eq!(c("1", "1").div(&c("3", "3")).single(), Some(&n("1").checked_div(&n("3")).unwrap()));
        // A divisor that may be 0: its members away from 0 make the quotient unbounded.
        assert_eq!(c("1", "2").div(&c("0", "4")).text(), "[0.25, +∞)");
        assert_eq!(c("0", "0").div(&c("-1", "4")).text(), "0");
        assert!(c("1", "2").div(&c("0", "0")).is_empty());
        assert_eq!(c("1", "2").div(&c("-2", "4")).text(), "(−∞, +∞)");
        assert_eq!(
            Interval::between(Some(&n("0")), None).div(&Interval::between(Some(&n("1")), None)).text(),
            "[0, +∞)"
        );
    }

    #[test]
    fn maps_and_clamps() {
        assert_eq!(c("-1.5", "2.25").abs().text(), "[0, 2.25]");
        assert_eq!(c("-3", "-1").abs().text(), "[1, 3]");
        assert_eq!(Interval::everything().clamp(Some(&n("0")), Some(&n("30"))).text(), "[0, 30]");
        assert_eq!(c("0.125", "0.135").round(2, Rounding::HalfUp).text(), "[0.13, 0.14]");
        assert_eq!(c("1", "5").min(&c("2", "3")).text(), "[1, 3]");
        assert_eq!(c("1", "5").max(&c("2", "3")).text(), "[2, 5]");
        assert_eq!(c("0", "1").hull(&c("3", "4")).text(), "[0, 4]");
        assert!(c("0", "1").within(&c("0", "4")));
        assert!(!c("0", "5").within(&c("0", "4")));
    }
}
