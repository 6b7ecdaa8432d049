//! What a compiled expression can evaluate to, over every record a lint considers: the numbers
//! (an exact [`Interval`]), the truth values, the texts, and whether it can be no data (spec
//! §16). The analysis follows the evaluator (`expr::eval`) form by form: only the branch of an
//! `if` its condition can take is looked at, and inside a branch the slots the condition tests
//! are narrowed (`if sampled == 0 then 0 else satisfied / sampled` divides by a non-zero
//! `sampled`). A division by a divisor that can only be 0 is a fault, which gives no value.
//!
//! List aggregates (spec §18.1) are bounded only where their function bounds them whatever the
//! items hold — a count is at least 0, a share lies in [0, 100], a mean, min, max, first or last
//! lies within what its `x` can be, a sum of values that are all ≥ 0 is ≥ 0 — and every aggregate
//! may be no data (a missing list, an item's no data). An item's field reaches anything unless the
//! environment knows it (a `numbers` input's marks lie within its declared range). The analysis
//! then says "may", never a wrong "never".

use std::collections::BTreeSet;

use super::interval::End;
use super::interval::Interval;
use crate::expr::{AggCall, AggFn, CExpr, CmpOp, Const};
use crate::num::{Num, Rounding};

/// What a lint knows of a number: the values it can take, and whether it can be no data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NumRange {
    /// Every value it can take (empty: it is never a number).
    pub values: Interval,
    /// Whether it can be no data.
    pub no_data: bool,
}

impl NumRange {
    /// Any number, or no data: what is not known.
    pub fn any() -> NumRange {
        NumRange { values: Interval::everything(), no_data: true }
    }

    /// Exactly one value.
    pub fn exactly(n: Num) -> NumRange {
        NumRange { values: Interval::point(n), no_data: false }
    }

    /// Values, never no data.
    pub fn of(values: Interval) -> NumRange {
        NumRange { values, no_data: false }
    }

    /// Either.
    pub fn join(&self, o: &NumRange) -> NumRange {
        NumRange { values: self.values.hull(&o.values), no_data: self.no_data || o.no_data }
    }

    /// The same values through `f`, no data staying no data.
    pub fn map(&self, f: impl FnOnce(&Interval) -> Interval) -> NumRange {
        NumRange { values: f(&self.values), no_data: self.no_data }
    }

    /// Two operands combined by `f`: no data if either can be.
    pub fn zip(&self, o: &NumRange, f: impl FnOnce(&Interval, &Interval) -> Interval) -> NumRange {
        NumRange { values: f(&self.values, &o.values), no_data: self.no_data || o.no_data }
    }
}

/// What a lint knows of a condition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Truth {
    /// Whether it can be true.
    pub can_hold: bool,
    /// Whether it can be false.
    pub can_fail: bool,
    /// Whether it can be no data.
    pub no_data: bool,
}

impl Truth {
    /// True, false or no data: what is not known.
    pub const ANY: Truth = Truth { can_hold: true, can_fail: true, no_data: true };

    /// Exactly `b`.
    pub fn exactly(b: bool) -> Truth {
        Truth { can_hold: b, can_fail: !b, no_data: false }
    }

    /// Either.
    pub fn join(self, o: Truth) -> Truth {
        Truth {
            can_hold: self.can_hold || o.can_hold,
            can_fail: self.can_fail || o.can_fail,
            no_data: self.no_data || o.no_data,
        }
    }

    /// Whether it is true for every record that has a value (and is ever true).
    pub fn always(self) -> bool {
        self.can_hold && !self.can_fail && !self.no_data
    }

    /// Whether it is never true.
    pub fn never(self) -> bool {
        !self.can_hold
    }
}

/// What a lint knows of a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextRange {
    /// Every text it can be (`None`: any text).
    pub values: Option<BTreeSet<String>>,
    /// Whether it can be no data.
    pub no_data: bool,
}

impl TextRange {
    /// Either.
    pub fn join(&self, o: &TextRange) -> TextRange {
        let values = match (&self.values, &o.values) {
            (Some(a), Some(b)) => Some(a.union(b).cloned().collect()),
            _ => None,
        };
        TextRange { values, no_data: self.no_data || o.no_data }
    }

    /// Whether it can be `t`.
    pub fn may_be(&self, t: &str) -> bool {
        self.values.as_ref().is_none_or(|v| v.contains(t))
    }

    /// The one text it can be, if there is exactly one.
    pub fn single(&self) -> Option<&str> {
        match &self.values {
            Some(v) if v.len() == 1 => v.iter().next().map(String::as_str),
            _ => None,
        }
    }
}

/// What a lint knows of a value of any type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reach {
    /// A number.
    Num(NumRange),
    /// A condition.
    Bool(Truth),
    /// A text.
    Text(TextRange),
    /// Not known: any value of any type, or no data.
    Any,
}

impl Reach {
    /// As a number (anything when not one).
    pub fn num(&self) -> NumRange {
        match self {
            Reach::Num(n) => n.clone(),
            _ => NumRange::any(),
        }
    }

    /// As a condition.
    pub fn truth(&self) -> Truth {
        match self {
            Reach::Bool(t) => *t,
            _ => Truth::ANY,
        }
    }

    /// Either.
    pub fn join(&self, o: &Reach) -> Reach {
        match (self, o) {
            (Reach::Num(a), Reach::Num(b)) => Reach::Num(a.join(b)),
            (Reach::Bool(a), Reach::Bool(b)) => Reach::Bool(a.join(*b)),
            (Reach::Text(a), Reach::Text(b)) => Reach::Text(a.join(b)),
            _ => Reach::Any,
        }
    }

    /// Whether it can be no data.
    pub fn no_data(&self) -> bool {
        match self {
            Reach::Num(n) => n.no_data,
            Reach::Bool(t) => t.no_data,
            Reach::Text(t) => t.no_data,
            Reach::Any => true,
        }
    }
}

/// What an expression reads, as a lint knows it.
pub trait ReachEnv {
    /// The value in a slot (an input, a parameter in the case analysed, a derived value).
    fn slot(&self, slot: u32) -> Reach;
    /// An indicator's published points (no data: left out).
    fn points(&self, node: u32) -> NumRange;
    /// An indicator's maximum in the case analysed.
    fn max_points(&self, node: u32) -> Num;
    /// The rulebook's rounding mode (for `round(x, n)`).
    fn rounding(&self) -> Rounding;
    /// Field `field` of an item of list `list` (an index among the rulebook's lists), as an
    /// aggregate's arguments read it. Not known unless the environment says.
    fn list_field(&self, list: u32, field: u32) -> Reach {
        let _ = (list, field);
        Reach::Any
    }
    /// Field `field` of the item being visited (inside an aggregate's arguments only).
    fn item(&self, field: u32) -> Reach {
        let _ = field;
        Reach::Any
    }
    /// Whether list `list` can be missing (no data), so that every aggregate over it is.
    fn list_missing(&self, list: u32) -> bool {
        let _ = list;
        true
    }
}

/// What `e` can evaluate to.
pub fn reach(e: &CExpr, env: &dyn ReachEnv) -> Reach {
    let num = |x: &CExpr| reach(x, env).num();
    let truth = |x: &CExpr| reach(x, env).truth();
    match e {
        CExpr::Const(Const::Num(n)) => Reach::Num(NumRange::exactly(n.clone())),
        CExpr::Const(Const::Bool(b)) => Reach::Bool(Truth::exactly(*b)),
        CExpr::Const(Const::Text(t)) => {
            Reach::Text(TextRange { values: Some(BTreeSet::from([t.to_string()])), no_data: false })
        }
        CExpr::Slot(s) => env.slot(*s),
        CExpr::Neg(a) => Reach::Num(num(a).map(Interval::neg)),
        CExpr::Not(a) => {
            let t = truth(a);
            Reach::Bool(Truth { can_hold: t.can_fail, can_fail: t.can_hold, no_data: t.no_data })
        }
        CExpr::Sum(first, rest) => {
            let mut acc = num(first);
            for (sub, term) in rest {
                let t = num(term);
                acc = acc.zip(&t, |a, b| if *sub { a.sub(b) } else { a.add(b) });
            }
            Reach::Num(acc)
        }
        CExpr::Product(first, rest) => {
            let mut acc = num(first);
            for (div, term) in rest {
                let t = num(term);
                acc = acc.zip(&t, |a, b| if *div { a.div(b) } else { a.mul(b) });
            }
            Reach::Num(acc)
        }
        CExpr::And(items) => Reach::Bool(connective(items, true, env)),
        CExpr::Or(items) => Reach::Bool(connective(items, false, env)),
        CExpr::Cmp(op, a, b) => Reach::Bool(compare(*op, &reach(a, env), &reach(b, env))),
        CExpr::In(v, list) => Reach::Bool(member(&reach(v, env), list)),
        CExpr::If(c, a, b) => {
            let t = truth(c);
            let taken: Vec<Reach> = [(t.can_hold, a, true), (t.can_fail, b, false)]
                .into_iter()
                .filter(|(possible, _, _)| *possible)
                .map(|(_, branch, holds)| reach(branch, &Narrowed::of(c, holds, env)))
                .collect();
            let joined = match taken.as_slice() {
                [] => None,
                [one] => Some(one.clone()),
                [x, y] => Some(x.join(y)),
                _ => Some(Reach::Any),
            };
            match joined {
                // Only no data (the condition never has a value): no data of the branches' type.
                None => never_a_value(a, env),
                Some(r) if t.no_data => with_no_data(r),
                Some(r) => r,
            }
        }
        CExpr::Min(items) | CExpr::Max(items) => {
            let is_min = matches!(e, CExpr::Min(_));
            let mut acc: Option<NumRange> = None;
            for it in items {
                let v = num(it);
                acc = Some(match acc {
                    None => v,
                    Some(a) => a.zip(&v, |x, y| if is_min { x.min(y) } else { x.max(y) }),
                });
            }
            Reach::Num(acc.unwrap_or_else(NumRange::any))
        }
        CExpr::Abs(a) => Reach::Num(num(a).map(Interval::abs)),
        CExpr::Floor(a) => Reach::Num(num(a).map(Interval::floor)),
        CExpr::Ceil(a) => Reach::Num(num(a).map(Interval::ceil)),
        CExpr::Round(a, places) => {
            let mode = env.rounding();
            Reach::Num(num(a).map(|v| v.round(*places, mode)))
        }
        CExpr::Points(node) => Reach::Num(env.points(*node)),
        CExpr::MaxPoints(node) => Reach::Num(NumRange::exactly(env.max_points(*node))),
        CExpr::Agg(call) => aggregate(call, env),
        CExpr::Field(f) => env.item(*f),
        CExpr::Known(x) => {
            let r = reach(x, env);
            Reach::Bool(Truth { can_hold: has_value(&r), can_fail: r.no_data(), no_data: false })
        }
    }
}

/// Whether `r` can be a value (not only no data).
fn has_value(r: &Reach) -> bool {
    match r {
        Reach::Num(n) => !n.values.is_empty(),
        Reach::Bool(t) => t.can_hold || t.can_fail,
        Reach::Text(t) => t.values.as_ref().is_none_or(|v| !v.is_empty()),
        Reach::Any => true,
    }
}

/// What an aggregate over a list can be (spec §18.1): bounded only where the function bounds
/// it whatever the items hold. It is no data when the list can be missing, or a `cond` or `x`
/// can be no data for an item; a mean, min, max, first, last or share also when no item is
/// selected (a list can always be empty).
fn aggregate(call: &AggCall, env: &dyn ReachEnv) -> Reach {
    let item = InItem { base: env, list: call.list };
    let x = call.x.as_ref().map(|x| reach(x, &item));
    let cond = call.cond.as_ref().map(|c| reach(c, &item).truth());
    let no_data = env.list_missing(call.list)
        || cond.is_some_and(|c| c.no_data)
        || x.as_ref().is_some_and(Reach::no_data);
    let num = |values: Interval, no_data: bool| Reach::Num(NumRange { values, no_data });
    let zero = Num::ZERO;
    match call.func {
        AggFn::Count => num(Interval::between(Some(&zero), None), no_data),
        AggFn::Share => num(Interval::closed(zero, Num::from_i64(100)), true),
        AggFn::Sum => {
            // Σ over any number of items (none gives 0): below 0 only if an x can be, above
            // only if an x can be.
            let v = x.map_or_else(NumRange::any, |r| r.num()).values;
            let lo = match v.inf() {
                _ if v.is_empty() => End::Closed(zero.clone()),
                Some(a) if !a.is_negative() => End::Closed(zero.clone()),
                _ => End::Unbounded,
            };
            let hi = match v.sup() {
                _ if v.is_empty() => End::Closed(zero.clone()),
                Some(b) if !b.is_positive() => End::Closed(zero.clone()),
                _ => End::Unbounded,
            };
            num(Interval::new(lo, hi), no_data)
        }
        // A mean lies between the smallest and the largest x; the others are one of the x.
        AggFn::Mean => num(x.map_or_else(NumRange::any, |r| r.num()).values, true),
        AggFn::Min | AggFn::Max | AggFn::First | AggFn::Last => with_no_data(x.unwrap_or(Reach::Any)),
    }
}

/// The names an aggregate's arguments see: the record's, and the fields of an item of `list`.
struct InItem<'a> {
    base: &'a dyn ReachEnv,
    list: u32,
}

impl ReachEnv for InItem<'_> {
    fn slot(&self, slot: u32) -> Reach {
        self.base.slot(slot)
    }

    fn points(&self, node: u32) -> NumRange {
        self.base.points(node)
    }

    fn max_points(&self, node: u32) -> Num {
        self.base.max_points(node)
    }

    fn rounding(&self) -> Rounding {
        self.base.rounding()
    }

    fn list_field(&self, list: u32, field: u32) -> Reach {
        self.base.list_field(list, field)
    }

    fn item(&self, field: u32) -> Reach {
        self.base.list_field(self.list, field)
    }

    fn list_missing(&self, list: u32) -> bool {
        self.base.list_missing(list)
    }
}

/// The same value, which may also be no data.
fn with_no_data(r: Reach) -> Reach {
    match r {
        Reach::Num(mut n) => {
            n.no_data = true;
            Reach::Num(n)
        }
        Reach::Bool(mut t) => {
            t.no_data = true;
            Reach::Bool(t)
        }
        Reach::Text(mut t) => {
            t.no_data = true;
            Reach::Text(t)
        }
        Reach::Any => Reach::Any,
    }
}

/// No data, as a value of the type `typed` has.
fn never_a_value(typed: &CExpr, env: &dyn ReachEnv) -> Reach {
    match reach(typed, env) {
        Reach::Num(_) => Reach::Num(NumRange { values: Interval::EMPTY, no_data: true }),
        Reach::Bool(_) => Reach::Bool(Truth { can_hold: false, can_fail: false, no_data: true }),
        Reach::Text(_) => Reach::Text(TextRange { values: Some(BTreeSet::new()), no_data: true }),
        Reach::Any => Reach::Any,
    }
}

/// `and` (`all`) or `or`, short-circuiting left to right as the evaluator does: an item is
/// reached only when every item before it let evaluation go on, and is analysed with what they
/// proved (after `x > 0 and`, x is above 0).
fn connective(items: &[CExpr], all: bool, env: &dyn ReachEnv) -> Truth {
    // For `and`, going on means the items so far held; for `or`, that they failed.
    let mut out = Truth { can_hold: false, can_fail: false, no_data: false };
    let mut facts: Vec<(u32, Reach)> = Vec::new();
    for it in items {
        let here = Narrowed { base: env, slots: facts.clone() };
        let t = reach(it, &here).truth();
        // This item decides the result when it gives the short-circuit value.
        if all {
            out.can_fail |= t.can_fail;
        } else {
            out.can_hold |= t.can_hold;
        }
        out.no_data |= t.no_data;
        let goes_on = if all { t.can_hold } else { t.can_fail };
        if !goes_on {
            return out;
        }
        facts.extend(narrowing(it, all, &here));
    }
    // Every item let evaluation go on: the result is the non-short-circuit value.
    if all {
        out.can_hold = true;
    } else {
        out.can_fail = true;
    }
    out
}

/// The negation of a comparison.
fn negated(op: CmpOp) -> CmpOp {
    match op {
        CmpOp::Eq => CmpOp::Ne,
        CmpOp::Ne => CmpOp::Eq,
        CmpOp::Lt => CmpOp::Ge,
        CmpOp::Le => CmpOp::Gt,
        CmpOp::Gt => CmpOp::Le,
        CmpOp::Ge => CmpOp::Lt,
    }
}

/// `b op a` written as `a op' b`.
fn mirrored(op: CmpOp) -> CmpOp {
    match op {
        CmpOp::Lt => CmpOp::Gt,
        CmpOp::Le => CmpOp::Ge,
        CmpOp::Gt => CmpOp::Lt,
        CmpOp::Ge => CmpOp::Le,
        other => other,
    }
}

/// What `a op b` can be.
fn compare(op: CmpOp, a: &Reach, b: &Reach) -> Truth {
    let no_data = a.no_data() || b.no_data();
    match (a, b) {
        (Reach::Num(x), Reach::Num(y)) => Truth {
            can_hold: x.values.may(op, &y.values),
            can_fail: x.values.may(negated(op), &y.values),
            no_data,
        },
        (Reach::Text(x), Reach::Text(y)) => {
            let both = |t: &str| x.may_be(t) && y.may_be(t);
            let overlap = match (&x.values, &y.values) {
                (Some(xs), _) => xs.iter().any(|t| both(t)),
                (None, Some(ys)) => !ys.is_empty(),
                (None, None) => true,
            };
            let nonempty = |r: &TextRange| r.values.as_ref().is_none_or(|v| !v.is_empty());
            let differ = nonempty(x) && nonempty(y) && !(x.single().is_some() && x.single() == y.single());
            let (eq, ne) = (overlap, differ);
            match op {
                CmpOp::Eq => Truth { can_hold: eq, can_fail: ne, no_data },
                _ => Truth { can_hold: ne, can_fail: eq, no_data },
            }
        }
        (Reach::Bool(x), Reach::Bool(y)) => {
            let eq = (x.can_hold && y.can_hold) || (x.can_fail && y.can_fail);
            let ne = (x.can_hold && y.can_fail) || (x.can_fail && y.can_hold);
            match op {
                CmpOp::Eq => Truth { can_hold: eq, can_fail: ne, no_data },
                _ => Truth { can_hold: ne, can_fail: eq, no_data },
            }
        }
        _ => Truth::ANY,
    }
}

/// What `v in [list]` can be.
fn member(v: &Reach, list: &[Const]) -> Truth {
    let no_data = v.no_data();
    match v {
        Reach::Num(x) => {
            let listed: Vec<&Num> =
                list.iter().filter_map(|c| if let Const::Num(n) = c { Some(n) } else { None }).collect();
            let can_hold = listed.iter().any(|n| x.values.contains(n));
            // More than one value is infinitely many: some are not listed.
            let can_fail = match x.values.single() {
                Some(n) => !listed.contains(&n),
                None => !x.values.is_empty(),
            };
            Truth { can_hold, can_fail, no_data }
        }
        Reach::Text(x) => {
            let listed: BTreeSet<&str> =
                list.iter().filter_map(|c| if let Const::Text(t) = c { Some(&**t) } else { None }).collect();
            let (can_hold, can_fail) = match &x.values {
                Some(vs) => (
                    vs.iter().any(|t| listed.contains(t.as_str())),
                    vs.iter().any(|t| !listed.contains(t.as_str())),
                ),
                None => (!listed.is_empty(), true),
            };
            Truth { can_hold, can_fail, no_data }
        }
        Reach::Bool(x) => {
            let has = |b: bool| list.iter().any(|c| matches!(c, Const::Bool(y) if *y == b));
            Truth {
                can_hold: (x.can_hold && has(true)) || (x.can_fail && has(false)),
                can_fail: (x.can_hold && !has(true)) || (x.can_fail && !has(false)),
                no_data,
            }
        }
        Reach::Any => Truth::ANY,
    }
}

/// The slots a condition narrows when it is known to be `holds` (true or false): comparisons
/// of a slot with a value known exactly, `not`, and `and` (holding) or `or` (failing) of them.
fn narrowing(cond: &CExpr, holds: bool, env: &dyn ReachEnv) -> Vec<(u32, Reach)> {
    match cond {
        CExpr::Not(inner) => narrowing(inner, !holds, env),
        CExpr::And(items) if holds => conjunction(items, true, env),
        CExpr::Or(items) if !holds => conjunction(items, false, env),
        CExpr::Cmp(op, a, b) => {
            let op = if holds { *op } else { negated(*op) };
            let (slot, op, other) = match (&**a, &**b) {
                (CExpr::Slot(s), other) => (*s, op, other),
                (other, CExpr::Slot(s)) => (*s, mirrored(op), other),
                _ => return Vec::new(),
            };
            match (env.slot(slot), reach(other, env)) {
                (Reach::Num(v), Reach::Num(k)) => match k.values.single() {
                    Some(k) => {
                        vec![(slot, Reach::Num(NumRange { values: v.values.cut(op, k), no_data: false }))]
                    }
                    None => Vec::new(),
                },
                (Reach::Text(v), Reach::Text(k)) => match (k.single(), op) {
                    (Some(k), CmpOp::Eq) => vec![(
                        slot,
                        Reach::Text(TextRange {
                            values: Some(
                                BTreeSet::from([k.to_owned()]).into_iter().filter(|t| v.may_be(t)).collect(),
                            ),
                            no_data: false,
                        }),
                    )],
                    (Some(k), CmpOp::Ne) => match v.values {
                        Some(vs) => vec![(
                            slot,
                            Reach::Text(TextRange {
                                values: Some(vs.into_iter().filter(|t| t != k).collect()),
                                no_data: false,
                            }),
                        )],
                        None => Vec::new(),
                    },
                    _ => Vec::new(),
                },
                _ => Vec::new(),
            }
        }
        _ => Vec::new(),
    }
}

/// What every item of an `and` that holds (`holding`) or an `or` that fails proves, in order.
fn conjunction(items: &[CExpr], holding: bool, env: &dyn ReachEnv) -> Vec<(u32, Reach)> {
    let mut facts: Vec<(u32, Reach)> = Vec::new();
    for it in items {
        let here = Narrowed { base: env, slots: facts.clone() };
        facts.extend(narrowing(it, holding, &here));
    }
    facts
}

/// An environment in which some slots are known more narrowly (inside a branch).
struct Narrowed<'a> {
    base: &'a dyn ReachEnv,
    slots: Vec<(u32, Reach)>,
}

impl<'a> Narrowed<'a> {
    fn of(cond: &CExpr, holds: bool, base: &'a dyn ReachEnv) -> Narrowed<'a> {
        Narrowed { base, slots: narrowing(cond, holds, base) }
    }
}

impl ReachEnv for Narrowed<'_> {
    fn slot(&self, slot: u32) -> Reach {
        // The latest fact about a slot is the narrowest (each was made in the light of those
        // before it).
        match self.slots.iter().rev().find(|(s, _)| *s == slot) {
            Some((_, r)) => r.clone(),
            None => self.base.slot(slot),
        }
    }

    fn points(&self, node: u32) -> NumRange {
        self.base.points(node)
    }

    fn max_points(&self, node: u32) -> Num {
        self.base.max_points(node)
    }

    fn rounding(&self) -> Rounding {
        self.base.rounding()
    }

    fn list_field(&self, list: u32, field: u32) -> Reach {
        self.base.list_field(list, field)
    }

    fn item(&self, field: u32) -> Reach {
        self.base.item(field)
    }

    fn list_missing(&self, list: u32) -> bool {
        self.base.list_missing(list)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::{ListScope, Resolved, Scope, Type, compile, parse};

    /// Slots: x (0) ∈ [0, +∞), n (1) ∈ [1, 10], t (2) a text from {a, b}, f (3) a boolean, o (4)
    /// an optional number in [0, 5], p (5) a parameter 3.
    struct Env;

    impl ReachEnv for Env {
        fn slot(&self, slot: u32) -> Reach {
            let n = |s: &str| Num::parse_literal(s).unwrap();
            match slot {
                0 => Reach::Num(NumRange::of(Interval::between(Some(&n("0")), None))),
                1 => Reach::Num(NumRange::of(Interval::closed(n("1"), n("10")))),
                2 => Reach::Text(TextRange {
                    values: Some(["a".to_owned(), "b".to_owned()].into()),
                    no_data: false,
                }),
                3 => Reach::Bool(Truth { can_hold: true, can_fail: true, no_data: false }),
                4 => Reach::Num(NumRange { values: Interval::closed(n("0"), n("5")), no_data: true }),
                _ => Reach::Num(NumRange::exactly(n("3"))),
            }
        }
        fn points(&self, _: u32) -> NumRange {
            NumRange::any()
        }
        fn max_points(&self, _: u32) -> Num {
            Num::ZERO
        }
        fn rounding(&self) -> Rounding {
            Rounding::HalfUp
        }
        /// hh (0): items, fields not known; marks (1): numbers in [0, 10].
        fn list_field(&self, list: u32, _: u32) -> Reach {
            let n = |s: &str| Num::parse_literal(s).unwrap();
            match list {
                1 => Reach::Num(NumRange::of(Interval::closed(n("0"), n("10")))),
                _ => Reach::Any,
            }
        }
        /// hh is required, marks optional.
        fn list_missing(&self, list: u32) -> bool {
            list == 1
        }
    }

    struct Names;
    impl Scope for Names {
        fn resolve(&self, name: &str) -> Resolved {
            match name {
                "x" => Resolved::Slot(0, Type::Num),
                "n" => Resolved::Slot(1, Type::Num),
                "t" => Resolved::Slot(2, Type::Text),
                "f" => Resolved::Slot(3, Type::Bool),
                "o" => Resolved::Slot(4, Type::Num),
                "p" => Resolved::Slot(5, Type::Num),
                _ => Resolved::Unknown,
            }
        }
        fn indicator(&self, _: &str) -> Option<Option<u32>> {
            None
        }
        fn list(&self, name: &str) -> Option<ListScope> {
            match name {
                "hh" => Some(ListScope {
                    index: 0,
                    numbers: false,
                    fields: vec![("poor".to_owned(), Type::Bool), ("members".to_owned(), Type::Num)],
                }),
                "marks" => {
                    Some(ListScope { index: 1, numbers: true, fields: vec![("item".to_owned(), Type::Num)] })
                }
                _ => None,
            }
        }
    }

    fn of(src: &str) -> Reach {
        let (e, _) = compile(&parse(src).unwrap(), &Names, None).unwrap();
        reach(&e, &Env)
    }

    #[test]
    fn numbers() {
        assert_eq!(of("x / n * 100").num().values.text(), "[0, +∞)");
        assert_eq!(of("n / 10 * 100").num().values.text(), "[10, 100]");
        assert_eq!(of("1 / 3 * 3").num().values.text(), "1");
        assert_eq!(of("round(n / 3, 2)").num().values.text(), "[0.33, 3.33]");
        assert_eq!(of("min(n, p) - max(n, p)").num().values.text(), "[-9, 0]");
        assert!(of("o + n").num().no_data);
        assert!(!of("n + 1").num().no_data);
    }

    #[test]
    fn branches_narrow_what_their_condition_tests() {
        // The else branch divides by an n that is not 1 … and the then branch by an x above 0.
        assert_eq!(of("if x > 0 then 5 / x else 0").num().values.text(), "[0, +∞)");
        assert_eq!(of("if n >= 5 then n else 0").num().values.text(), "[0, 10]");
        assert_eq!(of("if n > 10 then 100 else n").num().values.text(), "[1, 10]");
        assert_eq!(of("if t == \"a\" then 1 else 2").num().values.text(), "[1, 2]");
        assert_eq!(of("if n < 5 and n > 3 then n else 0").num().values.text(), "[0, 5)");
        assert_eq!(of("if not (n <= 9) then n else 0").num().values.text(), "[0, 10]");
    }

    #[test]
    fn conditions() {
        assert!(of("n > 10").truth().never());
        assert!(of("n >= 1").truth().always());
        assert!(!of("n > 5").truth().always() && !of("n > 5").truth().never());
        assert!(of("t == \"c\"").truth().never());
        assert!(of("t in [\"a\", \"b\"]").truth().always());
        assert!(of("n in [1, 2]").truth().can_fail);
        assert!(of("x > 0 and x < 0").truth().never());
        assert!(of("n < 3 or n > 2").truth().always());
        assert!(of("o > 1").truth().no_data);
        assert!(of("f == f").truth().can_fail, "two reads are not known to be the same record's");
    }

    #[test]
    fn aggregates_are_bounded_only_where_their_function_bounds_them() {
        let count = of("count(hh, item.poor)").num();
        assert_eq!(count.values.text(), "[0, +∞)");
        assert!(count.no_data, "an item's poor may be no data");
        assert!(!of("count(hh)").num().no_data, "hh is required, and counting reads no field");
        assert_eq!(of("share(hh, item.poor)").num().values.text(), "[0, 100]");
        assert!(of("share(hh, item.poor)").num().no_data, "an empty list has no share");
        assert_eq!(of("sum(hh, item.members)").num().values.text(), "(−∞, +∞)");
        // Marks lie in [0, 10]: their sum is ≥ 0, their mean, min and last within [0, 10].
        assert_eq!(of("sum(marks)").num().values.text(), "[0, +∞)");
        assert_eq!(of("sum(marks, item - 10)").num().values.text(), "(−∞, 0]");
        assert_eq!(of("mean(marks)").num().values.text(), "[0, 10]");
        assert_eq!(of("min(marks, item * 2, item > 3)").num().values.text(), "[0, 20]");
        assert!(of("last(marks)").num().no_data && of("sum(marks)").num().no_data, "marks may be missing");
        assert!(of("count(hh) < 0").truth().never());
        assert!(of("share(hh, item.poor) <= 100").truth().can_hold);
        assert!(of("known(count(hh))").truth().always());
        assert!(!of("known(mean(marks))").truth().always() && of("known(mean(marks))").truth().can_hold);
        assert_eq!(of("first(hh, item.poor)"), Reach::Any);
    }
}
