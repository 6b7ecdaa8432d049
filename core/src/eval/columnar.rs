//! The columnar batch executor: a rulebook evaluated over a chunk of rows at a time, each compiled
//! expression and rule running as a tight loop over typed columns.
//!
//! Values on this path are small exact rationals (`i64` numerator and denominator, products and
//! comparisons in `i128`), and published points are fixed-point integers (units of 10^−scale), so
//! sums of points are integer additions and every comparison is a cross-multiplication. No float,
//! no allocation per row.
//!
//! The fast path only has to be right for ordinary rows. Any row where something unusual happens —
//! an arithmetic overflow, a division by zero (even in a branch `if` would not take), a missing
//! optional input, an input error, an indicator left out, a lookup miss, an undeclared profile —
//! is flagged *slow* and scored again by the per-record interpreter, which defines the semantics
//! and produces the exact result or error. Rulebooks using features the fast path does not cover
//! (`total_only`, components, panels, items) score every row through the interpreter. A property
//! test checks that both paths agree.

use rustc_hash::FxHashMap as HashMap;
use std::borrow::Cow;
use std::cmp::Ordering;

use crate::compile::{Bound, Compiled, Operand};
use crate::date::Date;
use crate::expr::{CExpr, Const, cmp_holds};
use crate::input::Values;
use crate::input::{DefaultDoc, InputType};
use crate::input::{Record, Value};
use crate::model::Aggregate;
use crate::num::{self, Num, Rounding, round_div_i64, round_div_i128};

use crate::rules::{Rule, bands::Cmp as BandsCmp, relative::Best};

use super::Figures;

/// "No value" in a column of published points (a left-out indicator, a criteria-only total).
pub const NONE: i64 = i64::MIN;

/// The grade column's value for "no grade".
pub const NO_GRADE: u16 = u16::MAX;

/// The criteria column's value for "no criteria" (else 0: some criterion fails, 1: all hold).
pub const NO_CRITERIA: u8 = 2;

/// Text id for a value that is not one of the rulebook's text constants.
const UNKNOWN_TEXT: u32 = u32::MAX;

/// A small exact rational n/d with d > 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Q {
    n: i64,
    d: i64,
}

impl Q {
    const ZERO: Q = Q { n: 0, d: 1 };
    const ONE: Q = Q { n: 1, d: 1 };

    fn of(n: &Num) -> Option<Q> {
        let (n, d) = n.parts_i128()?;
        fit(n, d)
    }
}

/// Fit an i128 ratio (d > 0) into i64 parts, reducing by the gcd if needed.
#[inline]
fn fit(n: i128, d: i128) -> Option<Q> {
    // One test for both parts: each fits when it survives the round trip through i64.
    let (n64, d64) = (n as i64, d as i64);
    if (n64 as i128 == n) & (d64 as i128 == d) {
        return Some(Q { n: n64, d: d64 });
    }
    fit_reduced(n, d)
}

/// The rare path of [`fit`]: reduce by the gcd, then try again.
#[cold]
fn fit_reduced(n: i128, d: i128) -> Option<Q> {
    let g = gcd(n.unsigned_abs(), d.unsigned_abs());
    if g <= 1 {
        return None;
    }
    let g = g as i128;
    Some(Q { n: i64::try_from(n / g).ok()?, d: i64::try_from(d / g).ok()? })
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

// Each operation first tries plain `i64` arithmetic with overflow checks (a multiply and a jump
// on overflow, the common case), and only on overflow redoes it in `i128` and reduces. Both give
// the same rational; the unreduced `i64` result is what `fit` would return for it anyway.

#[inline]
fn add(a: Q, b: Q) -> Option<Q> {
    if a.d == b.d {
        return match a.n.checked_add(b.n) {
            Some(n) => Some(Q { n, d: a.d }),
            None => fit(a.n as i128 + b.n as i128, a.d as i128),
        };
    }
    let quick = (|| {
        let n = a.n.checked_mul(b.d)?.checked_add(b.n.checked_mul(a.d)?)?;
        Some(Q { n, d: a.d.checked_mul(b.d)? })
    })();
    quick.or_else(|| fit(a.n as i128 * b.d as i128 + b.n as i128 * a.d as i128, a.d as i128 * b.d as i128))
}

#[inline]
fn sub(a: Q, b: Q) -> Option<Q> {
    add(a, Q { n: b.n.checked_neg()?, d: b.d })
}

#[inline]
fn mul(a: Q, b: Q) -> Option<Q> {
    match (a.n.checked_mul(b.n), a.d.checked_mul(b.d)) {
        (Some(n), Some(d)) => Some(Q { n, d }),
        _ => fit(a.n as i128 * b.n as i128, a.d as i128 * b.d as i128),
    }
}

#[inline]
fn div(a: Q, b: Q) -> Option<Q> {
    if b.n == 0 {
        return None;
    }
    if b.n > 0
        && let (Some(n), Some(d)) = (a.n.checked_mul(b.d), a.d.checked_mul(b.n))
    {
        return Some(Q { n, d });
    }
    let (n, d) = (a.n as i128 * b.d as i128, a.d as i128 * b.n as i128);
    if d < 0 { fit(-n, -d) } else { fit(n, d) }
}

#[inline]
fn cmp(a: Q, b: Q) -> Ordering {
    if a.d == b.d { a.n.cmp(&b.n) } else { (a.n as i128 * b.d as i128).cmp(&(b.n as i128 * a.d as i128)) }
}

/// A numeric column (owned or borrowed), or one value for every row.
enum QV<'a> {
    S(Cow<'a, [Q]>),
    /// Whole numbers (an integer input, often borrowed straight from the source's column):
    /// half the memory of `S`, and operations on them are specialised on the known denominator.
    I(Cow<'a, [i64]>),
    C(Q),
    /// One value per profile (a parameter in a chunk of mixed profiles), with each row's profile.
    P(Cow<'a, [Q]>, &'a [u16]),
}

impl QV<'_> {
    #[inline]
    fn at(&self, i: usize) -> Q {
        match self {
            QV::S(v) => v[i],
            QV::I(v) => Q { n: v[i], d: 1 },
            QV::C(q) => *q,
            QV::P(t, prof) => t[prof[i] as usize],
        }
    }

    /// The value for every row of profile `k`, when it depends on the profile alone.
    #[inline]
    fn fixed(&self, k: usize) -> Option<Q> {
        match self {
            QV::S(_) | QV::I(_) => None,
            QV::C(q) => Some(*q),
            QV::P(t, _) => t.get(k).copied(),
        }
    }
}

/// A boolean column or one value.
enum BV<'a> {
    S(Cow<'a, [bool]>),
    C(bool),
}

impl BV<'_> {
    #[inline]
    fn at(&self, i: usize) -> bool {
        match self {
            BV::S(v) => v[i],
            BV::C(b) => *b,
        }
    }
}

/// A text column of interned ids, or one id.
enum TV<'a> {
    S(Cow<'a, [u32]>),
    C(u32),
}

impl TV<'_> {
    #[inline]
    fn at(&self, i: usize) -> u32 {
        match self {
            TV::S(v) => v[i],
            TV::C(t) => *t,
        }
    }

    fn is_const(&self) -> bool {
        matches!(self, TV::C(_))
    }
}

/// Run `f` over two numeric operands, specialised on which are constants so each loop is
/// monomorphic (no per-element dispatch). A `None` from `f` flags the row slow.
#[inline(always)]
fn zip_q<'a>(n: usize, a: &QV<'a>, b: &QV<'a>, slow: &mut [bool], f: impl Fn(Q, Q) -> Option<Q>) -> QV<'a> {
    // Collecting from a slice iterator (exact length) writes without per-element capacity checks.
    macro_rules! go {
        ($x:expr, $y:expr) => {{
            let out: Vec<Q> = slow[..n]
                .iter_mut()
                .enumerate()
                .map(|(i, sl)| match f($x(i), $y(i)) {
                    Some(q) => q,
                    None => {
                        *sl = true;
                        Q::ONE
                    }
                })
                .collect();
            QV::S(Cow::Owned(out))
        }};
    }
    match (a, b) {
        (QV::C(x), QV::C(y)) => match f(*x, *y) {
            Some(q) => QV::C(q),
            None => go!(|_| *x, |_| *y),
        },
        // A value per profile stays one: computed once per profile (rows of a profile where it
        // fails go slow through the row loop).
        (QV::P(t, prof), _) | (_, QV::P(t, prof)) if a.fixed(0).is_some() && b.fixed(0).is_some() => {
            let table: Option<Vec<Q>> = (0..t.len()).map(|k| f(a.fixed(k)?, b.fixed(k)?)).collect();
            match table {
                Some(t) => QV::P(Cow::Owned(t), prof),
                None => go!(|i: usize| a.at(i), |i: usize| b.at(i)),
            }
        }
        (QV::P(..), _) | (_, QV::P(..)) => go!(|i: usize| a.at(i), |i: usize| b.at(i)),
        (QV::C(x), QV::S(ys)) => {
            let ys = &ys[..n];
            go!(|_| *x, |i: usize| ys[i])
        }
        (QV::S(xs), QV::C(y)) => {
            let xs = &xs[..n];
            go!(|i: usize| xs[i], |_| *y)
        }
        (QV::S(xs), QV::S(ys)) => {
            let (xs, ys) = (&xs[..n], &ys[..n]);
            go!(|i: usize| xs[i], |i: usize| ys[i])
        }
        // Whole numbers: the closures build Q { n, d: 1 }, so the compiler drops the work on
        // denominators (a multiply by 1 cannot overflow).
        (QV::I(xs), QV::C(y)) => {
            let xs = &xs[..n];
            go!(|i: usize| Q { n: xs[i], d: 1 }, |_| *y)
        }
        (QV::C(x), QV::I(ys)) => {
            let ys = &ys[..n];
            go!(|_| *x, |i: usize| Q { n: ys[i], d: 1 })
        }
        (QV::I(xs), QV::I(ys)) => {
            let (xs, ys) = (&xs[..n], &ys[..n]);
            go!(|i: usize| Q { n: xs[i], d: 1 }, |i: usize| Q { n: ys[i], d: 1 })
        }
        (QV::I(xs), QV::S(ys)) => {
            let (xs, ys) = (&xs[..n], &ys[..n]);
            go!(|i: usize| Q { n: xs[i], d: 1 }, |i: usize| ys[i])
        }
        (QV::S(xs), QV::I(ys)) => {
            let (xs, ys) = (&xs[..n], &ys[..n]);
            go!(|i: usize| xs[i], |i: usize| Q { n: ys[i], d: 1 })
        }
    }
}

/// Run `f` over one numeric operand.
#[inline(always)]
fn map_q<'a>(n: usize, a: &QV<'a>, slow: &mut [bool], f: impl Fn(Q) -> Option<Q>) -> QV<'a> {
    match a {
        QV::P(t, prof) => match t.iter().map(|x| f(*x)).collect::<Option<Vec<Q>>>() {
            Some(t) => QV::P(Cow::Owned(t), prof),
            None => {
                let out: Vec<Q> = slow[..n]
                    .iter_mut()
                    .enumerate()
                    .map(|(i, sl)| {
                        f(a.at(i)).unwrap_or_else(|| {
                            *sl = true;
                            Q::ONE
                        })
                    })
                    .collect();
                QV::S(Cow::Owned(out))
            }
        },
        QV::C(x) => match f(*x) {
            Some(q) => QV::C(q),
            None => {
                slow.iter_mut().for_each(|s| *s = true);
                QV::C(Q::ONE)
            }
        },
        QV::I(xs) => {
            let out: Vec<Q> = slow[..n]
                .iter_mut()
                .zip(&xs[..n])
                .map(|(sl, x)| match f(Q { n: *x, d: 1 }) {
                    Some(q) => q,
                    None => {
                        *sl = true;
                        Q::ONE
                    }
                })
                .collect();
            QV::S(Cow::Owned(out))
        }
        QV::S(xs) => {
            let out: Vec<Q> = slow[..n]
                .iter_mut()
                .zip(&xs[..n])
                .map(|(sl, x)| match f(*x) {
                    Some(q) => q,
                    None => {
                        *sl = true;
                        Q::ONE
                    }
                })
                .collect();
            QV::S(Cow::Owned(out))
        }
    }
}

/// Compare two numeric operands row by row.
#[inline(always)]
fn cmp_q(n: usize, a: &QV<'_>, b: &QV<'_>, holds: impl Fn(Ordering) -> bool) -> BV<'static> {
    match (a, b) {
        (QV::C(x), QV::C(y)) => BV::C(holds(cmp(*x, *y))),
        (QV::C(x), QV::S(ys)) => BV::S(Cow::Owned(ys[..n].iter().map(|y| holds(cmp(*x, *y))).collect())),
        (QV::S(xs), QV::C(y)) => BV::S(Cow::Owned(xs[..n].iter().map(|x| holds(cmp(*x, *y))).collect())),
        (QV::S(xs), QV::S(ys)) => {
            BV::S(Cow::Owned(xs[..n].iter().zip(&ys[..n]).map(|(x, y)| holds(cmp(*x, *y))).collect()))
        }
        (QV::I(xs), QV::C(y)) => {
            BV::S(Cow::Owned(xs[..n].iter().map(|x| holds(cmp(Q { n: *x, d: 1 }, *y))).collect()))
        }
        (QV::C(x), QV::I(ys)) => {
            BV::S(Cow::Owned(ys[..n].iter().map(|y| holds(cmp(*x, Q { n: *y, d: 1 }))).collect()))
        }
        _ => BV::S(Cow::Owned((0..n).map(|i| holds(cmp(a.at(i), b.at(i)))).collect())),
    }
}

/// A column of any type.
enum V<'a> {
    Q(QV<'a>),
    B(BV<'a>),
    T(TV<'a>),
}

/// A slot's column for one group of rows (`'s`: the source, which whole-number columns may
/// borrow).
enum Col<'s> {
    /// One number for every row (a parameter in a chunk of one profile, or the same in all).
    ConstQ(Q),
    /// One number per profile (a parameter in a chunk of mixed profiles).
    ProfileQ(Vec<Q>),
    Q(Vec<Q>),
    I(Cow<'s, [i64]>),
    ConstB(bool),
    B(Cow<'s, [bool]>),
    ConstT(u32),
    T(Vec<u32>),
    /// A list input (read only by rules the fast path does not run) or an unset slot.
    None,
}

/// What the fast path needs beyond the compiled rulebook, prepared at load.
#[derive(Debug, Default)]
pub struct Plan {
    /// Why the fast path is not used for this rulebook (`None`: it is).
    pub unsupported: Option<String>,
    /// Interned text constants (expression strings, allowed values, profile names, lookup keys).
    texts: HashMap<String, u32>,
    /// 10^scale.
    pow: i64,
    /// Points per profile per node, in units of 10^−scale.
    node_units: Vec<Vec<i64>>,
    /// Max per profile, in units.
    max_units: Vec<i64>,
    /// Bonus/penalty item maxima and caps, in units.
    bonus_units: Vec<i64>,
    penalty_units: Vec<i64>,
    bonus_cap: i64,
    penalty_cap: i64,
    /// Whether a chunk is scored in one pass whatever its rows' profiles: points, maxima and
    /// weights are the same in every profile (parameters may differ: they are looked up per
    /// row). Otherwise rows are grouped by profile.
    one_pass: bool,
}

impl Plan {
    /// The most points any node has in any profile, in units (0 when the plan has no nodes):
    /// no fast row's points at a node exceed this.
    pub fn most_node_units(&self) -> i64 {
        self.node_units.iter().flatten().copied().max().unwrap_or(0)
    }
}

/// Units of 10^−scale for a number that has at most `scale` places.
fn units(n: &Num, pow: i64) -> Option<i64> {
    let q = Q::of(n)?;
    let num = q.n as i128 * pow as i128;
    (num % q.d as i128 == 0).then(|| i64::try_from(num / q.d as i128).ok()).flatten()
}

/// Prepare the fast path for a compiled rulebook.
pub fn plan(c: &Compiled) -> Plan {
    let mut p = Plan::default();
    let why = |s: &str| Plan { unsupported: Some(s.to_owned()), ..Plan::default() };
    if c.meta.total_only {
        return why("round = \"total_only\"");
    }
    if c.meta.scale > 9 {
        return why("scale above 9");
    }
    if c.vetoes.len() > 64 {
        return why("more than 64 vetoes");
    }
    p.pow = 10i64.pow(c.meta.scale);
    for node in &c.nodes {
        match &node.rule {
            Some(Rule::Component(_)) => return why("component rules"),
            Some(Rule::Panel(_)) => return why("panel rules"),
            Some(Rule::Items(_)) => return why("items rules"),
            Some(Rule::Count(r)) if r.input.list_slot().is_some() => return why("count of a list"),
            Some(Rule::Deduct(r)) if r.input.list_slot().is_some() => return why("deduct over a list"),
            _ => {}
        }
    }
    // Every constant operand must fit the fast path's small rationals.
    let mut operands: Vec<&Operand> =
        c.nodes.iter().filter_map(|n| n.rule.as_ref()).flat_map(Rule::operands).collect();
    operands.extend(c.bonus.iter().chain(&c.penalty).flat_map(|i| i.rule.operands()));
    operands.extend(c.vetoes.iter().filter_map(|v| v.score.as_ref()));
    operands.extend(c.grades.iter().filter_map(|g| match &g.bound {
        Some(Bound::AtLeast(o) | Bound::Above(o)) => Some(o),
        None => None,
    }));
    if !operands.iter().all(|o| operand_ok(o)) {
        return why("a constant too large for the fast path");
    }
    for it in c.bonus.iter().chain(&c.penalty) {
        if matches!(it.rule, Rule::Component(_) | Rule::Panel(_) | Rule::Items(_))
            || matches!(&it.rule, Rule::Count(r) if r.input.list_slot().is_some())
            || matches!(&it.rule, Rule::Deduct(r) if r.input.list_slot().is_some())
        {
            return why("a bonus or penalty item over a list");
        }
    }
    let Some(node_units) = c
        .points
        .iter()
        .map(|row| row.iter().map(|n| units(n, p.pow)).collect::<Option<Vec<i64>>>())
        .collect()
    else {
        return why("points too large for fixed-point units");
    };
    p.node_units = node_units;
    let Some(max_units) = c.max.iter().map(|n| units(n, p.pow)).collect() else {
        return why("max too large for fixed-point units");
    };
    p.max_units = max_units;
    let items = |list: &[crate::compile::AdjustItem]| {
        list.iter().map(|i| units(&i.points, p.pow)).collect::<Option<Vec<_>>>()
    };
    let (Some(b), Some(pe), Some(bc), Some(pc)) =
        (items(&c.bonus), items(&c.penalty), units(&c.bonus_cap, p.pow), units(&c.penalty_cap, p.pow))
    else {
        return why("bonus or penalty points with more places than the scale");
    };
    (p.bonus_units, p.penalty_units, p.bonus_cap, p.penalty_cap) = (b, pe, bc, pc);
    fn same<T: PartialEq>(rows: &[T]) -> bool {
        rows.windows(2).all(|w| w[0] == w[1])
    }
    let per_profile_relative = c
        .nodes
        .iter()
        .filter_map(|n| n.rule.as_ref())
        .chain(c.bonus.iter().chain(&c.penalty).map(|i| &i.rule))
        .any(|r| matches!(r, Rule::Relative(r) if r.per_profile));
    p.one_pass = same(&p.node_units) && same(&p.max_units) && same(&c.weights) && !per_profile_relative;
    // Intern every text constant the rulebook compares with.
    let mut intern = |s: &str| {
        let next = p.texts.len() as u32;
        p.texts.entry(s.to_owned()).or_insert(next);
    };
    for prof in &c.profiles {
        intern(&prof.name);
    }
    for i in &c.schema.inputs {
        for v in i.values.iter().flatten() {
            intern(v);
        }
        if let Some(DefaultDoc::Text(t)) = &i.default {
            intern(t);
        }
    }
    let mut exprs: Vec<&CExpr> = c.derived.iter().map(|d| &d.expr.expr).collect();
    for n in &c.nodes {
        exprs.extend(n.applies.iter().map(|a| &a.expr));
        if let Some(r) = &n.rule {
            exprs.extend(r.exprs());
            if let Rule::Lookup(l) = r {
                for (k, _) in &l.table {
                    if let crate::rules::lookup::Key::Text(t) = k {
                        intern(t);
                    }
                }
            }
        }
    }
    for it in c.bonus.iter().chain(&c.penalty) {
        exprs.extend(it.rule.exprs());
        if let Rule::Lookup(l) = &it.rule {
            for (k, _) in &l.table {
                if let crate::rules::lookup::Key::Text(t) = k {
                    intern(t);
                }
            }
        }
    }
    exprs.extend(c.vetoes.iter().map(|v| &v.when.expr));
    exprs.extend(c.criteria.iter().map(|v| &v.when.expr));
    exprs.extend(c.grade_rules.iter().map(|v| &v.when.expr));
    for e in exprs {
        e.for_each(|x| match x {
            CExpr::Const(Const::Text(t)) => intern(t),
            CExpr::In(_, list) => {
                for k in list {
                    if let Const::Text(t) = k {
                        intern(t);
                    }
                }
            }
            _ => {}
        });
    }
    p
}

/// Where a chunk's results go: the chunk's slices of the batch's result columns.
pub struct Out<'a> {
    /// Rows that must be scored by the interpreter.
    pub slow: &'a mut [bool],
    /// Profile index per row.
    pub profile: &'a mut [u16],
    /// Published total in units (`NONE` for criteria-only rulebooks).
    pub total: &'a mut [i64],
    /// Grade index ([`NO_GRADE`]: none).
    pub grade: &'a mut [u16],
    /// Whether every criterion holds (0/1; [`NO_CRITERIA`]).
    pub passed: &'a mut [u8],
    /// Firing vetoes as a bit mask.
    pub vetoes: &'a mut [u64],
    /// Published points per node (in file order) for this chunk's rows, in units: this chunk's
    /// part of the batch's block, filled by [`run_chunk`].
    pub points: super::published::Chunk<'a>,
}

/// One input value of one row, as a source holds it.
pub enum Cell<'a> {
    /// No value.
    Missing,
    /// A whole number.
    Int(i64),
    /// A fixed-point decimal `mantissa / 10^scale`.
    Fixed(i128, u32),
    /// A decimal.
    Decimal(&'a rust_decimal::Decimal),
    /// A float (converted by its shortest round-trip text).
    Float(f64),
    /// A boolean.
    Bool(bool),
    /// Text (for non-text inputs: a cell read by the input's type).
    Text(&'a str),
    /// Anything else (a list): only the interpreter reads it.
    Other,
}

/// Where the fast path reads input values: typed records, or columns.
pub trait Source: Sync {
    /// Rows in the source.
    fn len(&self) -> usize;
    /// Input `ix` of row `row`.
    fn cell(&self, ix: usize, row: usize) -> Cell<'_>;
    /// Whether input `ix` of row `row` had a decoding problem (the interpreter reports it).
    fn broken(&self, ix: usize, row: usize) -> bool;
    /// The whole column of input `ix`, when the source holds columns (loaded with typed loops).
    fn column(&self, _ix: usize) -> Option<Option<&crate::input::Column>> {
        None
    }
}

/// Records as a source.
pub struct Records<'a>(pub &'a [std::borrow::Cow<'a, Record>]);

impl Source for Records<'_> {
    fn len(&self) -> usize {
        self.0.len()
    }

    #[inline]
    fn cell(&self, ix: usize, row: usize) -> Cell<'_> {
        match &self.0[row].values[ix] {
            None => Cell::Missing,
            Some(Value::Integer(v)) => Cell::Int(*v),
            Some(Value::Decimal(d)) => Cell::Decimal(d),
            Some(Value::Bool(b)) => Cell::Bool(*b),
            Some(Value::Text(t)) => Cell::Text(t),
            Some(_) => Cell::Other,
        }
    }

    #[inline]
    fn broken(&self, ix: usize, row: usize) -> bool {
        decode_issue(&self.0[row], ix)
    }
}

/// Columns bound to a rulebook's inputs, as a source.
pub struct ColumnSource<'a> {
    /// The columns.
    pub columns: &'a crate::input::Columns,
    /// For each input, the column that fills it.
    pub binding: &'a [Option<usize>],
}

impl Source for ColumnSource<'_> {
    fn len(&self) -> usize {
        self.columns.len()
    }

    #[inline]
    fn cell(&self, ix: usize, row: usize) -> Cell<'_> {
        use crate::input::ColumnData as D;
        let Some(ci) = self.binding[ix] else { return Cell::Missing };
        let col = &self.columns.columns()[ci].1;
        if col.is_null(row) {
            return Cell::Missing;
        }
        match &col.data {
            D::Int(v) => Cell::Int(v[row]),
            D::Int32(v) => Cell::Int(v[row].into()),
            D::Fixed { mantissa, scale } => Cell::Fixed(mantissa[row], *scale),
            D::Decimal(v) => Cell::Decimal(&v[row]),
            D::Float(v) => Cell::Float(v[row]),
            D::Bool(v) => Cell::Bool(v[row]),
            D::Text(v) => Cell::Text(&v[row]),
            D::Dict { codes, dict } => Cell::Text(&dict[codes[row] as usize]),
        }
    }

    fn broken(&self, _ix: usize, _row: usize) -> bool {
        false
    }

    fn column(&self, ix: usize) -> Option<Option<&crate::input::Column>> {
        Some(self.binding[ix].map(|ci| &self.columns.columns()[ci].1))
    }
}

/// Load a typed column with a loop per storage type; `None` when the storage needs the per-cell
/// path (text read as numbers, mixed types…).
fn load_typed<'s>(
    plan: &Plan,
    input: &crate::input::Input,
    col: &'s crate::input::Column,
    rows: &[usize],
    slow: &mut [bool],
) -> Option<Col<'s>> {
    use crate::input::ColumnData as D;
    let null = |row: usize| col.nulls.as_ref().is_some_and(|m| m[row]);
    // A missing value needs the default or the interpreter: leave those to the per-cell path.
    if col.nulls.is_some() && rows.iter().any(|&r| null(r)) {
        return None;
    }
    // Bounds must fit the fast path; a value outside them goes to the interpreter.
    let bound = |b: &Option<Num>| b.as_ref().map(|m| Q::of(m).ok_or(()));
    let (lo, hi) = (bound(&input.min), bound(&input.max));
    if matches!(lo, Some(Err(()))) || matches!(hi, Some(Err(()))) {
        return None;
    }
    let in_range = |q: Q| within(lo, hi, q);
    match (&col.data, input.ty) {
        (D::Int(v), InputType::Integer | InputType::Decimal) => {
            let (lo, hi) = whole_bounds(lo, hi, 1)?;
            let values = pick_values(v, rows);
            flag_outside(values.iter().copied(), lo, hi, &mut slow[..rows.len()]);
            Some(Col::I(values))
        }
        (D::Int32(v), InputType::Integer | InputType::Decimal) => {
            // Widened here, a chunk at a time, while the chunk is in cache.
            let (lo, hi) = whole_bounds(lo, hi, 1)?;
            let values: Vec<i64> = pick_values(v, rows).iter().map(|&x| i64::from(x)).collect();
            flag_outside(values.iter().copied(), lo, hi, &mut slow[..rows.len()]);
            Some(Col::I(Cow::Owned(values)))
        }
        (D::Float(v), InputType::Decimal | InputType::Integer) => {
            // Floats as their shortest text says (the usual few places without formatting); a
            // float that has none of those, a fraction for an integer, NaN: the interpreter.
            let integer = input.ty == InputType::Integer;
            let mut out = Vec::with_capacity(rows.len());
            for (k, &x) in pick_values(v, rows).iter().enumerate() {
                let q = num::float_fixed(x).and_then(|(m, s)| Some(Q { n: m, d: *POW10.get(s as usize)? }));
                out.push(match q {
                    Some(q) if (!integer || q.d == 1) && in_range(q) => q,
                    _ => {
                        slow[k] = true;
                        Q::ZERO
                    }
                });
            }
            Some(Col::Q(out))
        }
        (D::Decimal(v), InputType::Decimal) => {
            let mut out = Vec::with_capacity(rows.len());
            for (k, &r) in rows.iter().enumerate() {
                out.push(match decimal_q(&v[r]) {
                    Some(q) if in_range(q) => q,
                    _ => {
                        slow[k] = true;
                        Q::ZERO
                    }
                });
            }
            Some(Col::Q(out))
        }
        (D::Fixed { mantissa, scale: 0 }, InputType::Integer) => {
            let mut out = Vec::with_capacity(rows.len());
            for (k, &m) in pick_values(mantissa, rows).iter().enumerate() {
                out.push(match i64::try_from(m) {
                    Ok(n) if in_range(Q { n, d: 1 }) => n,
                    _ => {
                        slow[k] = true;
                        0
                    }
                });
            }
            Some(Col::I(Cow::Owned(out)))
        }
        (D::Fixed { mantissa, scale }, InputType::Decimal) => {
            // Bounds on the mantissa (whole numbers of 10^−scale), tested as for integers.
            let d = *POW10.get(*scale as usize)?;
            let (lo, hi) = whole_bounds(lo, hi, d)?;
            let mantissa = pick_values(mantissa, rows);
            let mut wide = false;
            let out: Vec<Q> = mantissa
                .iter()
                .map(|&m| {
                    let n = m as i64;
                    wide |= i128::from(n) != m;
                    Q { n, d }
                })
                .collect();
            let slow = &mut slow[..rows.len()];
            if wide {
                for (sl, &m) in slow.iter_mut().zip(mantissa.iter()) {
                    *sl |= i64::try_from(m).is_err();
                }
            }
            flag_outside(out.iter().map(|q| q.n), lo, hi, slow);
            Some(Col::Q(out))
        }
        (D::Bool(v), InputType::Boolean) => Some(Col::B(pick(v, rows))),
        (D::Dict { codes, dict }, InputType::Text) => {
            // Decide each distinct value once: allowed, and its id among the rulebook's texts.
            let ids: Vec<Option<u32>> = dict
                .iter()
                .map(|t| {
                    let t = t.trim();
                    input
                        .values
                        .as_ref()
                        .is_none_or(|vs| vs.iter().any(|v| v == t))
                        .then(|| plan.texts.get(t).copied().unwrap_or(UNKNOWN_TEXT))
                })
                .collect();
            let mut out = Vec::with_capacity(rows.len());
            for (k, &r) in rows.iter().enumerate() {
                out.push(match ids.get(codes[r] as usize).copied().flatten() {
                    Some(id) => id,
                    None => {
                        slow[k] = true;
                        UNKNOWN_TEXT
                    }
                });
            }
            Some(Col::T(out))
        }
        _ => None,
    }
}

/// An input's bounds as bounds on whole numbers of 1/`d`: n ≥ ⌈lo·d⌉ and n ≤ ⌊hi·d⌋ (`None`:
/// no `i64` can pass, and the interpreter says why).
fn whole_bounds(lo: Option<Result<Q, ()>>, hi: Option<Result<Q, ()>>, d: i64) -> Option<(i64, i64)> {
    let scaled = |q: Q| (i128::from(q.n) * i128::from(d), i128::from(q.d));
    // A lower bound below i64::MIN or an upper one above i64::MAX bounds nothing.
    let lo = match lo {
        None => i64::MIN,
        Some(b) => {
            let (m, e) = scaled(b.ok()?);
            let least = m.div_euclid(e) + i128::from(m.rem_euclid(e) != 0);
            i64::try_from(least.max(i128::from(i64::MIN))).ok()?
        }
    };
    let hi = match hi {
        None => i64::MAX,
        Some(b) => {
            let (m, e) = scaled(b.ok()?);
            i64::try_from(m.div_euclid(e).min(i128::from(i64::MAX))).ok()?
        }
    };
    (lo <= hi).then_some((lo, hi))
}

/// Flag the values outside [lo, hi] (lo ≤ hi).
fn flag_outside(values: impl Iterator<Item = i64> + Clone, lo: i64, hi: i64, slow: &mut [bool]) {
    // Usually every value is within, and one test on the whole column says so: n − lo and
    // hi − n non-negative for every n (wrapping), which vectorises where a 64-bit comparison
    // per row does not (baseline x86-64 has none). A value outside cannot pass: above hi,
    // hi − n is negative unless it wraps, which takes n − hi > 2^63, and then n − lo ≥ n − hi
    // wraps to a negative instead; below lo the same with the roles swapped.
    let signs = values.clone().fold(0i64, |acc, n| acc | n.wrapping_sub(lo) | hi.wrapping_sub(n));
    if signs >= 0 {
        return;
    }
    // lo ≤ n ≤ hi as one unsigned comparison: n − lo wraps to a large number below lo.
    let span = hi.wrapping_sub(lo) as u64;
    for (sl, n) in slow.iter_mut().zip(values) {
        *sl |= n.wrapping_sub(lo) as u64 > span;
    }
}

/// A column's values at `rows`: borrowed as they are when the rows are one consecutive run (a
/// chunk scored in one pass), else gathered.
fn pick<'s, T: Copy>(v: &'s [T], rows: &[usize]) -> Cow<'s, [T]> {
    match consecutive(rows) {
        Some(run) => Cow::Borrowed(&v[run]),
        None => Cow::Owned(rows.iter().map(|&r| v[r]).collect()),
    }
}

/// [`pick`] for numbers that may live in shared pieces (an Arrow table's chunks): a run that
/// crosses from one piece into the next is gathered.
fn pick_values<'s, T: Copy>(v: &'s Values<T>, rows: &[usize]) -> Cow<'s, [T]> {
    match consecutive(rows) {
        Some(run) => v.run(run),
        None => Cow::Owned(rows.iter().map(|&r| v[r]).collect()),
    }
}

/// `rows` (increasing, as every caller builds them) as a range when they have no gaps.
fn consecutive(rows: &[usize]) -> Option<std::ops::Range<usize>> {
    match (rows.first(), rows.last()) {
        (Some(&a), Some(&b)) if b.checked_sub(a) == Some(rows.len() - 1) => Some(a..b + 1),
        _ => None,
    }
}

/// The batch-wide inputs of the fast path.
pub struct Setup<'a> {
    /// The rulebook.
    pub book: &'a Compiled,
    /// Its plan.
    pub plan: &'a Plan,
    /// A profile given for every row.
    pub profile: Option<&'a str>,
    /// Scoring date (resolved: call's, else the rulebook's).
    pub as_of: Option<Date>,
    /// Cohort figures.
    pub figures: Option<&'a Figures>,
}

/// What expressions read while a group of rows is evaluated.
struct Env<'a> {
    book: &'a Compiled,
    plan: &'a Plan,
    n: usize,
    /// The profile whose points, maxima and weights apply (the same in every profile when the
    /// group mixes profiles).
    profile: usize,
    /// Each row's profile.
    prof: &'a [u16],
    slots: &'a [Col<'a>],
    /// Published node points (units) so far, for `points()`.
    points: &'a [Vec<i64>],
}

/// Score rows `rows` of `src` on the fast path, writing into `out` (indexed by position in
/// `rows`; `out.slow` must start all false). When points, maxima and weights are the same in
/// every profile (the usual case: profiles differ in parameters) the chunk is one pass, each
/// parameter a value per profile looked up by the row's; otherwise rows are grouped by profile
/// so that all of them are constants within a group.
pub fn run_chunk<S: Source>(s: &Setup<'_>, src: &S, rows: std::ops::Range<usize>, out: &mut Out<'_>) {
    let book = s.book;
    let n = rows.len();
    let resolve = |name: &str| {
        let name = name.trim();
        if name.is_empty() { Some(0) } else { book.profile_index.get(name).map(|&p| p as u16) }
    };
    let call_profile = s.profile.map(resolve);
    // A dictionary-encoded profile column: resolve each distinct value once.
    let dict_profiles = match (call_profile, book.profile_field.and_then(|f| src.column(f as usize))) {
        (None, Some(Some(col))) if col.nulls.is_none() => match &col.data {
            crate::input::ColumnData::Dict { codes, dict } => {
                Some((codes, dict.iter().map(|d| resolve(d)).collect::<Vec<Option<u16>>>()))
            }
            _ => None,
        },
        _ => None,
    };
    if let Some((codes, map)) = &dict_profiles {
        for (k, row) in rows.clone().enumerate() {
            match map.get(codes[row] as usize).copied().flatten() {
                Some(p) => out.profile[k] = p,
                None => out.slow[k] = true,
            }
        }
    }
    for (k, row) in rows.clone().enumerate() {
        if dict_profiles.is_some() {
            break;
        }
        let p = match (call_profile, book.profile_field) {
            (Some(p), _) => p,
            (None, Some(f)) => match src.cell(f as usize, row) {
                Cell::Text(t) => resolve(t),
                _ => Some(0),
            },
            (None, None) => Some(0),
        };
        match p {
            Some(p) => out.profile[k] = p,
            None => out.slow[k] = true, // an undeclared profile: the interpreter says UnknownProfile
        }
    }
    if s.plan.one_pass {
        // One pass over the whole chunk, parameters looked up per row's profile: no gathering
        // of inputs and no scattering of results. (Rows already flagged are scored anyway and
        // their results ignored.)
        let group: Vec<usize> = rows.clone().collect();
        let g = run_group(s, src, &group, out.profile, None);
        for (k, sl) in out.slow.iter_mut().enumerate() {
            *sl |= g.slow[k];
        }
        out.total.copy_from_slice(&g.total);
        out.grade.copy_from_slice(&g.grade);
        out.passed.copy_from_slice(&g.passed);
        out.vetoes.copy_from_slice(&g.vetoes);
        for (node, units) in g.points.iter().enumerate() {
            out.points.store(node, units, out.slow);
        }
        return;
    }
    // Rows of no group (slow from the start) are never read from the points columns.
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); book.profiles.len()];
    for k in 0..n {
        if !out.slow[k] {
            members[out.profile[k] as usize].push(k);
        }
    }
    for (p, ks) in members.iter().enumerate() {
        if ks.is_empty() {
            continue;
        }
        let group: Vec<usize> = ks.iter().map(|&k| rows.start + k).collect();
        let prof = vec![p as u16; group.len()];
        let g = run_group(s, src, &group, &prof, Some(p));
        for (j, &k) in ks.iter().enumerate() {
            out.slow[k] = g.slow[j];
            out.total[k] = g.total[j];
            out.grade[k] = g.grade[j];
            out.passed[k] = g.passed[j];
            out.vetoes[k] = g.vetoes[j];
        }
        for (node, units) in g.points.iter().enumerate() {
            out.points.scatter(node, ks, units, out.slow);
        }
    }
}

/// A bands rule in one profile: each band's threshold and published points, and the points
/// otherwise.
type BandsTable = (Vec<(Q, i64)>, i64);

/// The results of a group of rows.
struct GroupOut {
    slow: Vec<bool>,
    total: Vec<i64>,
    grade: Vec<u16>,
    passed: Vec<u8>,
    vetoes: Vec<u64>,
    /// Per node, per row.
    points: Vec<Vec<i64>>,
}

/// Score a group of rows: all of one profile (`one`), or of mixed profiles when the plan allows
/// (`prof` gives each row's).
fn run_group<S: Source>(
    s: &Setup<'_>,
    src: &S,
    rows: &[usize],
    prof: &[u16],
    one: Option<usize>,
) -> GroupOut {
    let book = s.book;
    let plan = s.plan;
    let n = rows.len();
    let mut slow = vec![false; n];
    let profile = one.unwrap_or(0);

    // Inputs, parameters, derived values.
    let mut slots: Vec<Col<'_>> = (0..book.slot_count).map(|_| Col::None).collect();
    load_inputs(plan, book, src, rows, &mut slots, &mut slow);
    let base = book.param_base() as usize;
    for (pi, param) in book.params.iter().enumerate() {
        let value = |p: usize| param.values[p].at(s.as_of).and_then(Q::of);
        slots[base + pi] = match one {
            Some(p) => match value(p) {
                Some(q) => Col::ConstQ(q),
                None => {
                    // No dated value, or too large for the fast path: the interpreter decides.
                    all_slow(&mut slow);
                    Col::ConstQ(Q::ZERO)
                }
            },
            None => {
                let table: Vec<Option<Q>> = (0..book.profiles.len()).map(value).collect();
                for (sl, &p) in slow.iter_mut().zip(prof) {
                    *sl |= table[p as usize].is_none();
                }
                match table.split_first() {
                    Some((first, rest)) if rest.iter().all(|q| q == first) => {
                        Col::ConstQ(first.unwrap_or(Q::ZERO))
                    }
                    _ => Col::ProfileQ(table.into_iter().map(|q| q.unwrap_or(Q::ZERO)).collect()),
                }
            }
        };
    }
    // Each node's column is made when the node is scored; until then it is empty (read as none).
    let mut node_points: Vec<Vec<i64>> = vec![Vec::new(); book.nodes.len()];
    for d in &book.derived {
        let v = {
            let env = Env { book, plan, n, profile, prof, slots: &slots, points: &node_points };
            eval(&env, &mut slow, &d.expr.expr)
        };
        slots[d.slot as usize] = into_col(v);
    }

    // Indicators: leaves in tree order, then inner nodes bottom-up.
    let pow = plan.pow;
    let mode = book.meta.rounding;
    for &ni in &book.preorder {
        let ni = ni as usize;
        let node = &book.nodes[ni];
        if let Some(applies) = &node.applies {
            let env = Env { book, plan, n, profile, prof, slots: &slots, points: &node_points };
            let b = eval_b(&env, &mut slow, &applies.expr);
            for (i, sl) in slow.iter_mut().enumerate() {
                if !b.at(i) {
                    *sl = true; // left out: rescaling is the interpreter's job
                }
            }
        }
        let Some(rule) = &node.rule else { continue };
        let max = plan.node_units[profile][ni];
        let raw = {
            let env = Env { book, plan, n, profile, prof, slots: &slots, points: &node_points };
            rule_units(&env, &mut slow, rule, max, s.figures)
        };
        node_points[ni] = raw;
    }
    for &ni in book.preorder.iter().rev() {
        let ni = ni as usize;
        let node = &book.nodes[ni];
        if node.rule.is_some() {
            continue;
        }
        node_points[ni] = match node.aggregate {
            Aggregate::Sum => {
                let max = plan.node_units[profile][ni];
                sum_units(node.children.iter().map(|&c| &node_points[c as usize]), n, max, &mut slow)
            }
            Aggregate::Weighted => weighted(book, plan, ni, &node_points, profile, n, &mut slow),
        };
    }

    // Root, bonus, penalty, total.
    let has_total = book.has_total();
    let mut total: Vec<i64> = if has_total {
        sum_units(book.top.iter().map(|&t| &node_points[t as usize]), n, plan.max_units[profile], &mut slow)
    } else {
        vec![NONE; n]
    };
    if has_total {
        let env = Env { book, plan, n, profile, prof, slots: &slots, points: &node_points };
        let bonus = adjust(&env, s.figures, &book.bonus, &plan.bonus_units, plan.bonus_cap, &mut slow);
        let penalty =
            adjust(&env, s.figures, &book.penalty, &plan.penalty_units, plan.penalty_cap, &mut slow);
        let hi = if book.allow_above_max { i64::MAX } else { plan.max_units[profile] };
        // Without jumps: an overflow flags the row, the clamp is two selects.
        let mut settle = |items: &[i64], subtract: bool| {
            for ((t, &a), sl) in total.iter_mut().zip(items).zip(slow.iter_mut()) {
                let (v, over) = if subtract { t.overflowing_sub(a) } else { t.overflowing_add(a) };
                *sl |= over;
                *t = v;
            }
        };
        if let Some(b) = &bonus {
            settle(b, false);
        }
        if let Some(p) = &penalty {
            settle(p, true);
        }
        if bonus.is_some() || penalty.is_some() {
            total.iter_mut().for_each(|t| *t = (*t).clamp(0, hi));
        }
    }

    // Vetoes, criteria, grade rules, grades.
    let env = Env { book, plan, n, profile, prof, slots: &slots, points: &node_points };
    let mut vetoes = vec![0u64; n];
    // The worst grade a veto or grade rule allows, as an index; 0 (the best grade) when none
    // applies, so that the grade is the larger of this and the total's.
    let mut ceiling = vec![0u16; n];
    // The lowest veto score in units, `i64::MAX` for none (a score that large goes slow).
    let scored = book.vetoes.iter().any(|v| v.score.is_some());
    let mut veto_score: Vec<i64> = if scored { vec![i64::MAX; n] } else { Vec::new() };
    for (vi, v) in book.vetoes.iter().enumerate() {
        let fires = eval_b(&env, &mut slow, &v.when.expr);
        let score = v.score.as_ref().map(|s| operand_q(&env, s));
        for i in 0..n {
            if !fires.at(i) {
                continue;
            }
            vetoes[i] |= 1 << vi;
            if let Some(sc) = &score {
                let q = sc.at(i);
                let u = round_div_i128(q.n as i128 * pow as i128, q.d as i128, mode);
                match i64::try_from(u) {
                    Ok(u) if u != i64::MAX => veto_score[i] = veto_score[i].min(u),
                    _ => slow[i] = true,
                }
            }
            if let Some(g) = v.grade {
                ceiling[i] = ceiling[i].max(g);
            }
        }
    }
    if has_total && scored {
        for (t, &sc) in total.iter_mut().zip(&veto_score) {
            if sc != i64::MAX {
                *t = sc;
            }
        }
    }
    let mut passed = vec![if book.criteria.is_empty() { NO_CRITERIA } else { 1 }; n];
    for c in &book.criteria {
        let holds = eval_b(&env, &mut slow, &c.when.expr);
        for (i, p) in passed.iter_mut().enumerate() {
            if !holds.at(i) {
                *p = 0;
            }
        }
    }
    for g in &book.grade_rules {
        let fires = eval_b(&env, &mut slow, &g.when.expr);
        for (i, c) in ceiling.iter_mut().enumerate() {
            if fires.at(i) {
                *c = (*c).max(g.at_most);
            }
        }
    }
    let mut grade = vec![NO_GRADE; n];
    if has_total && !book.grades.is_empty() {
        // Bounds depend on the profile alone. Totals are whole numbers of units, so each bound
        // becomes the least total in units that meets it: ⌈b·10^scale⌉ for `at_least`,
        // ⌊b·10^scale⌋ + 1 for `above` (a grade without a bound: any total). Bounds beyond
        // i64 saturate: a total on the fast path lies far inside (it is at most the max, or
        // the max plus a capped bonus, in units).
        let least = |k: usize, g: &crate::compile::Grade| -> Option<i64> {
            let (strict, b) = match &g.bound {
                None => return Some(i64::MIN),
                Some(Bound::AtLeast(op)) => (false, operand_q(&env, op).fixed(k)?),
                Some(Bound::Above(op)) => (true, operand_q(&env, op).fixed(k)?),
            };
            let (m, d) = (b.n as i128 * pow as i128, b.d as i128);
            let floor = m.div_euclid(d);
            let least = if strict { floor + 1 } else { floor + i128::from(m.rem_euclid(d) != 0) };
            Some(least.clamp(i64::MIN as i128, i64::MAX as i128) as i64)
        };
        let table: Option<Vec<Vec<i64>>> =
            (0..book.profiles.len()).map(|k| book.grades.iter().map(|g| least(k, g)).collect()).collect();
        let table = table.unwrap_or_else(|| {
            all_slow(&mut slow); // (operands are constants or parameters: not reached)
            vec![vec![i64::MIN; book.grades.len()]; book.profiles.len()]
        });
        // The first grade whose bound the total meets (the last grade otherwise), found without
        // an early exit, as bands are; then no better than the ceiling.
        let last = (book.grades.len() - 1) as u16;
        let first = |t: i64, bounds: &[i64]| {
            bounds.iter().enumerate().rev().fold(last, |g, (k, &least)| if t >= least { k as u16 } else { g })
        };
        match uniform(&table) {
            Some(one) => {
                for ((g, &t), &c) in grade.iter_mut().zip(&total).zip(&ceiling) {
                    *g = first(t, one).max(c);
                }
            }
            None => {
                for (i, g) in grade.iter_mut().enumerate() {
                    *g = first(total[i], &table[prof[i] as usize]).max(ceiling[i]);
                }
            }
        }
    }
    for col in node_points.iter_mut().filter(|c| c.len() != n) {
        *col = vec![NONE; n]; // a node no rule or aggregation scored (the row is slow anyway)
    }
    GroupOut { slow, total, grade, passed, vetoes, points: node_points }
}

/// Whether the record has a decoding problem on input `ix`.
#[inline]
fn decode_issue(r: &Record, ix: usize) -> bool {
    !r.decode.is_empty() && r.decode.iter().any(|(s, _)| *s as usize == ix)
}

/// A numeric cell as a small rational (`None`: not a number the fast path can hold).
#[inline]
fn cell_q(cell: &Cell<'_>, integer: bool) -> Option<Option<Q>> {
    let q = match cell {
        Cell::Missing => return Some(None),
        Cell::Int(v) => Some(Q { n: *v, d: 1 }),
        Cell::Fixed(m, s) => {
            i64::try_from(*m).ok().and_then(|m| Some(Q { n: m, d: *POW10.get(*s as usize)? }))
        }
        Cell::Decimal(d) => decimal_q(d),
        Cell::Float(x) => num::decimal_from_f64(*x).ok().as_ref().and_then(decimal_q),
        Cell::Text(t) => {
            if integer {
                num::parse_integer_text(t).ok().map(|v| Q { n: v, d: 1 })
            } else {
                num::parse_decimal_text(t).ok().as_ref().and_then(decimal_q)
            }
        }
        Cell::Bool(_) | Cell::Other => None,
    };
    // An integer input takes integral values only (the interpreter names a fraction).
    Some(Some(q.filter(|q| !integer || q.d == 1 || q.n % q.d == 0)?))
}

/// Loads one input's values cell by cell into a column, checking type, range and allowed
/// values; a cell it cannot take leaves a placeholder and says so (the row goes slow).
struct Loader<'a> {
    input: &'a crate::input::Input,
    plan: &'a Plan,
    integer: bool,
    default_q: Option<Q>,
    /// Bounds: `Some(Err(()))` when a bound does not fit the fast path (every value goes slow).
    lo: Option<Result<Q, ()>>,
    hi: Option<Result<Q, ()>>,
    sink: Col<'static>,
}

impl<'a> Loader<'a> {
    fn new(plan: &'a Plan, input: &'a crate::input::Input, cap: usize) -> Loader<'a> {
        let bound = |b: &Option<Num>| b.as_ref().map(|m| Q::of(m).ok_or(()));
        let sink = match input.ty {
            InputType::Decimal | InputType::Integer => Col::Q(Vec::with_capacity(cap)),
            InputType::Boolean => Col::B(Cow::Owned(Vec::with_capacity(cap))),
            InputType::Text => Col::T(Vec::with_capacity(cap)),
            InputType::Numbers | InputType::Items => Col::None,
        };
        Loader {
            input,
            plan,
            integer: input.ty == InputType::Integer,
            default_q: match &input.default {
                Some(DefaultDoc::Num(d)) => Q::of(d),
                _ => None,
            },
            lo: bound(&input.min),
            hi: bound(&input.max),
            sink,
        }
    }

    /// Take one cell (`None`: the source marked it broken). Returns whether it was good.
    #[inline]
    fn take(&mut self, cell: Option<Cell<'_>>) -> bool {
        let input = self.input;
        match &mut self.sink {
            Col::Q(v) => {
                let q = match cell {
                    None => None,
                    Some(c) => match cell_q(&c, self.integer) {
                        Some(None) => self.default_q,
                        Some(q) => q,
                        None => None,
                    },
                };
                let q = q.filter(|q| within(self.lo, self.hi, *q));
                v.push(q.unwrap_or(Q::ZERO));
                q.is_some()
            }
            Col::B(v) => {
                let b = match cell {
                    None => None,
                    Some(Cell::Missing) => match &input.default {
                        Some(DefaultDoc::Bool(b)) => Some(*b),
                        _ => None,
                    },
                    Some(Cell::Bool(b)) => Some(b),
                    Some(Cell::Text(t)) => num::parse_bool_text(t),
                    Some(_) => None,
                };
                v.to_mut().push(b.unwrap_or(false));
                b.is_some()
            }
            Col::T(v) => {
                let t = match cell {
                    Some(Cell::Missing) => match &input.default {
                        Some(DefaultDoc::Text(t)) => Some(t.as_str()),
                        _ => None,
                    },
                    Some(Cell::Text(t)) => Some(t.trim()),
                    _ => None,
                };
                let ok = t.filter(|t| input.values.as_ref().is_none_or(|vs| vs.iter().any(|v| v == t)));
                v.push(ok.map_or(UNKNOWN_TEXT, |t| self.plan.texts.get(t).copied().unwrap_or(UNKNOWN_TEXT)));
                ok.is_some()
            }
            // Lists are read only by rules the fast path does not run: a list input matters for
            // its presence alone, and only an allowed absence stays on the fast path.
            _ => matches!(cell, Some(Cell::Missing)) && (!input.required || input.default.is_some()),
        }
    }
}

/// Load every input of a group of rows into slot columns: typed columns with a loop per storage
/// type, everything else row by row (so each record is read once, while it is in cache).
fn load_inputs<'s, S: Source>(
    plan: &Plan,
    book: &Compiled,
    src: &'s S,
    rows: &[usize],
    slots: &mut [Col<'s>],
    slow: &mut [bool],
) {
    let mut loaders: Vec<(usize, Loader<'_>)> = Vec::new();
    for (ix, input) in book.schema.inputs.iter().enumerate() {
        if let Some(Some(col)) = src.column(ix)
            && let Some(loaded) = load_typed(plan, input, col, rows, slow)
        {
            slots[ix] = loaded;
            continue;
        }
        loaders.push((ix, Loader::new(plan, input, rows.len())));
    }
    if loaders.is_empty() {
        return;
    }
    for (k, &row) in rows.iter().enumerate() {
        for (ix, l) in loaders.iter_mut() {
            let cell = if src.broken(*ix, row) { None } else { Some(src.cell(*ix, row)) };
            if !l.take(cell) {
                slow[k] = true;
            }
        }
    }
    for (ix, l) in loaders {
        slots[ix] = l.sink;
    }
}

/// Whether `q` lies within optional bounds (a bound the fast path cannot hold fails every value).
#[inline]
fn within(lo: Option<Result<Q, ()>>, hi: Option<Result<Q, ()>>, q: Q) -> bool {
    let above = match lo {
        None => true,
        Some(Ok(m)) => cmp(q, m) != Ordering::Less,
        Some(Err(())) => false,
    };
    let below = match hi {
        None => true,
        Some(Ok(m)) => cmp(q, m) != Ordering::Greater,
        Some(Err(())) => false,
    };
    above && below
}

/// 10^k for k in 0..=18.
const POW10: [i64; 19] = {
    let mut t = [1i64; 19];
    let mut i = 1;
    while i < 19 {
        t[i] = t[i - 1] * 10;
        i += 1;
    }
    t
};

#[inline]
fn decimal_q(d: &rust_decimal::Decimal) -> Option<Q> {
    let m = i64::try_from(d.mantissa()).ok()?;
    Some(Q { n: m, d: *POW10.get(d.scale() as usize)? })
}

fn into_col(v: V<'_>) -> Col<'static> {
    match v {
        V::Q(QV::S(c)) => Col::Q(c.into_owned()),
        V::Q(QV::I(c)) => Col::I(Cow::Owned(c.into_owned())),
        V::Q(QV::C(q)) => Col::ConstQ(q),
        V::Q(QV::P(t, _)) => Col::ProfileQ(t.into_owned()),
        V::B(BV::S(c)) => Col::B(Cow::Owned(c.into_owned())),
        V::B(BV::C(b)) => Col::ConstB(b),
        V::T(TV::S(c)) => Col::T(c.into_owned()),
        V::T(TV::C(t)) => Col::ConstT(t),
    }
}

fn all_slow(slow: &mut [bool]) {
    slow.iter_mut().for_each(|s| *s = true);
}

fn eval_q<'a>(env: &Env<'a>, slow: &mut [bool], e: &CExpr) -> QV<'a> {
    match eval(env, slow, e) {
        V::Q(q) => q,
        // The type checker guarantees a number; anything else is a bug: fall back, never panic.
        _ => {
            all_slow(slow);
            QV::C(Q::ZERO)
        }
    }
}

fn eval_b<'a>(env: &Env<'a>, slow: &mut [bool], e: &CExpr) -> BV<'a> {
    match eval(env, slow, e) {
        V::B(b) => b,
        _ => {
            all_slow(slow);
            BV::C(false)
        }
    }
}

fn round_q(q: Q, places: u32, mode: Rounding) -> Option<Q> {
    let pow = 10i128.checked_pow(places)?;
    let u = round_div_i128(q.n as i128 * pow, q.d as i128, mode);
    fit(u, pow)
}

fn floor_q(q: Q) -> Option<Q> {
    Some(Q { n: q.n.div_euclid(q.d), d: 1 })
}

fn ceil_q(q: Q) -> Option<Q> {
    let f = q.n.div_euclid(q.d);
    Some(Q { n: if q.n.rem_euclid(q.d) == 0 { f } else { f.checked_add(1)? }, d: 1 })
}

fn owned_b(n: usize, f: impl Fn(usize) -> bool) -> BV<'static> {
    BV::S(Cow::Owned((0..n).map(f).collect()))
}

/// Evaluate an expression over a group of rows.
fn eval<'a>(env: &Env<'a>, slow: &mut [bool], e: &CExpr) -> V<'a> {
    let n = env.n;
    match e {
        CExpr::Const(Const::Num(x)) => match Q::of(x) {
            Some(q) => V::Q(QV::C(q)),
            None => {
                all_slow(slow);
                V::Q(QV::C(Q::ZERO))
            }
        },
        CExpr::Const(Const::Bool(b)) => V::B(BV::C(*b)),
        CExpr::Const(Const::Text(t)) => {
            V::T(TV::C(env.plan.texts.get(&**t).copied().unwrap_or(UNKNOWN_TEXT)))
        }
        CExpr::Slot(s) => match &env.slots[*s as usize] {
            Col::Q(c) => V::Q(QV::S(Cow::Borrowed(c))),
            Col::I(c) => V::Q(QV::I(Cow::Borrowed(c))),
            Col::ConstQ(q) => V::Q(QV::C(*q)),
            Col::ProfileQ(t) => V::Q(QV::P(Cow::Borrowed(t), env.prof)),
            Col::B(c) => V::B(BV::S(Cow::Borrowed(c))),
            Col::ConstB(b) => V::B(BV::C(*b)),
            Col::T(c) => V::T(TV::S(Cow::Borrowed(c))),
            Col::ConstT(t) => V::T(TV::C(*t)),
            Col::None => {
                all_slow(slow);
                V::Q(QV::C(Q::ZERO))
            }
        },
        CExpr::Neg(a) => {
            let a = eval_q(env, slow, a);
            V::Q(map_q(n, &a, slow, |x| Some(Q { n: x.n.checked_neg()?, d: x.d })))
        }
        CExpr::Abs(a) => {
            let a = eval_q(env, slow, a);
            V::Q(map_q(n, &a, slow, |x| Some(Q { n: x.n.checked_abs()?, d: x.d })))
        }
        CExpr::Floor(a) => {
            let a = eval_q(env, slow, a);
            V::Q(map_q(n, &a, slow, floor_q))
        }
        CExpr::Ceil(a) => {
            let a = eval_q(env, slow, a);
            V::Q(map_q(n, &a, slow, ceil_q))
        }
        CExpr::Round(a, places) => {
            let a = eval_q(env, slow, a);
            let mode = env.book.meta.rounding;
            V::Q(map_q(n, &a, slow, |x| round_q(x, *places, mode)))
        }
        CExpr::Sum(first, rest) => {
            let mut acc = eval_q(env, slow, first);
            for (neg, t) in rest {
                let b = eval_q(env, slow, t);
                acc = if *neg { zip_q(n, &acc, &b, slow, sub) } else { zip_q(n, &acc, &b, slow, add) };
            }
            V::Q(acc)
        }
        CExpr::Product(first, rest) => V::Q(product(env, slow, first, rest)),
        CExpr::Min(items) | CExpr::Max(items) => {
            let want = if matches!(e, CExpr::Min(_)) { Ordering::Less } else { Ordering::Greater };
            let mut acc = eval_q(env, slow, &items[0]);
            for it in &items[1..] {
                let b = eval_q(env, slow, it);
                acc = zip_q(n, &acc, &b, slow, |x, y| Some(if cmp(y, x) == want { y } else { x }));
            }
            V::Q(acc)
        }
        CExpr::Not(a) => {
            let a = eval_b(env, slow, a);
            V::B(match a {
                BV::C(b) => BV::C(!b),
                other => owned_b(n, |i| !other.at(i)),
            })
        }
        CExpr::And(items) | CExpr::Or(items) => {
            // Eager: on rows where nothing faults and nothing is missing this equals
            // short-circuit evaluation; rows where a later operand faults are flagged slow.
            let is_and = matches!(e, CExpr::And(_));
            let mut acc: Vec<bool> = vec![is_and; n];
            for it in items {
                let b = eval_b(env, slow, it);
                for (i, a) in acc.iter_mut().enumerate() {
                    let v = b.at(i);
                    *a = if is_and { *a && v } else { *a || v };
                }
            }
            V::B(BV::S(Cow::Owned(acc)))
        }
        CExpr::Cmp(op, a, b) => {
            let a = eval(env, slow, a);
            let b = eval(env, slow, b);
            let op = *op;
            V::B(match (&a, &b) {
                (V::Q(x), V::Q(y)) => cmp_q(n, x, y, |o| cmp_holds(op, o)),
                (V::B(x), V::B(y)) => owned_b(n, |i| cmp_holds(op, x.at(i).cmp(&y.at(i)))),
                (V::T(x), V::T(y)) => {
                    let both_free = !(x.is_const() && y.is_const());
                    let mut out = Vec::with_capacity(n);
                    for (i, sl) in slow.iter_mut().enumerate().take(n) {
                        let (p, q) = (x.at(i), y.at(i));
                        // Two values that are not rulebook constants may still be equal texts:
                        // only the interpreter can tell.
                        if p == UNKNOWN_TEXT && q == UNKNOWN_TEXT && both_free {
                            *sl = true;
                        }
                        out.push(cmp_holds(op, p.cmp(&q)));
                    }
                    BV::S(Cow::Owned(out))
                }
                _ => {
                    all_slow(slow);
                    BV::C(false)
                }
            })
        }
        CExpr::In(v, list) => {
            let v = eval(env, slow, v);
            V::B(match &v {
                V::Q(x) => {
                    let consts: Vec<Q> = list
                        .iter()
                        .filter_map(|c| match c {
                            Const::Num(n) => Q::of(n),
                            _ => None,
                        })
                        .collect();
                    owned_b(n, |i| consts.iter().any(|c| cmp(*c, x.at(i)) == Ordering::Equal))
                }
                V::T(x) => {
                    let ids: Vec<u32> = list
                        .iter()
                        .filter_map(|c| match c {
                            Const::Text(t) => env.plan.texts.get(&**t).copied(),
                            _ => None,
                        })
                        .collect();
                    owned_b(n, |i| ids.contains(&x.at(i)))
                }
                V::B(x) => {
                    let bs: Vec<bool> = list
                        .iter()
                        .filter_map(|c| if let Const::Bool(b) = c { Some(*b) } else { None })
                        .collect();
                    owned_b(n, |i| bs.contains(&x.at(i)))
                }
            })
        }
        CExpr::If(c, a, b) => {
            let c = eval_b(env, slow, c);
            let a = eval(env, slow, a);
            let b = eval(env, slow, b);
            match (a, b) {
                (V::Q(x), V::Q(y)) => {
                    V::Q(QV::S(Cow::Owned((0..n).map(|i| if c.at(i) { x.at(i) } else { y.at(i) }).collect())))
                }
                (V::B(x), V::B(y)) => V::B(owned_b(n, |i| if c.at(i) { x.at(i) } else { y.at(i) })),
                (V::T(x), V::T(y)) => {
                    V::T(TV::S(Cow::Owned((0..n).map(|i| if c.at(i) { x.at(i) } else { y.at(i) }).collect())))
                }
                _ => {
                    all_slow(slow);
                    V::Q(QV::C(Q::ZERO))
                }
            }
        }
        CExpr::Points(node) => {
            let col = &env.points[*node as usize];
            let pow = env.plan.pow;
            let mut out = Vec::with_capacity(n);
            for (i, sl) in slow.iter_mut().enumerate().take(n) {
                let u = col.get(i).copied().unwrap_or(NONE);
                if u == NONE {
                    *sl = true;
                    out.push(Q::ZERO);
                } else {
                    out.push(Q { n: u, d: pow });
                }
            }
            V::Q(QV::S(Cow::Owned(out)))
        }
        CExpr::MaxPoints(node) => {
            V::Q(QV::C(Q { n: env.plan.node_units[env.profile][*node as usize], d: env.plan.pow }))
        }
    }
}

/// `first` ×/÷ `rest`…. The usual rate, `a / b * k` with a whole constant `k` over whole-number
/// or decimal columns, is one pass over the rows that makes (a·k)/b directly (exact rationals
/// commute); a row whose divisor is not positive or that overflows goes slow (the interpreter
/// decides it). Anything else runs step by step.
fn product<'a>(env: &Env<'a>, slow: &mut [bool], first: &CExpr, rest: &[(bool, CExpr)]) -> QV<'a> {
    let n = env.n;
    let mut acc = eval_q(env, slow, first);
    let operands: Vec<(bool, QV<'a>)> = rest.iter().map(|(d, t)| (*d, eval_q(env, slow, t))).collect();
    if let [(true, b), (false, QV::C(k))] = &operands[..]
        && k.d == 1
    {
        let k = k.n;
        match (&acc, b) {
            (QV::I(xs), QV::I(ys)) => {
                return rate_rows(&xs[..n], &ys[..n], slow, |x, y| match x.checked_mul(k) {
                    Some(n) if y > 0 => Some(Q { n, d: y }),
                    _ => None,
                });
            }
            // (a.n·b.d·k) / (a.d·b.n): the same rational the two passes would make, unreduced.
            (QV::S(xs), QV::S(ys)) => {
                return rate_rows(&xs[..n], &ys[..n], slow, |x, y| {
                    match (x.n.checked_mul(y.d).and_then(|t| t.checked_mul(k)), x.d.checked_mul(y.n)) {
                        (Some(n), Some(d)) if y.n > 0 => Some(Q { n, d }),
                        _ => None,
                    }
                });
            }
            _ => {}
        }
    }
    for (is_div, b) in &operands {
        acc = if *is_div { zip_q(n, &acc, b, slow, div) } else { zip_q(n, &acc, b, slow, mul) };
    }
    acc
}

/// One pass of a fused rate over two columns: `f`'s value, or `None` and the row flagged slow.
#[inline(always)]
fn rate_rows<X: Copy, Y: Copy>(
    xs: &[X],
    ys: &[Y],
    slow: &mut [bool],
    f: impl Fn(X, Y) -> Option<Q>,
) -> QV<'static> {
    let out: Vec<Q> = slow[..xs.len()]
        .iter_mut()
        .zip(xs.iter().zip(ys))
        .map(|(sl, (&x, &y))| match f(x, y) {
            Some(q) => q,
            None => {
                *sl = true;
                Q::ONE
            }
        })
        .collect();
    QV::S(Cow::Owned(out))
}

/// An operand: a constant, or a parameter (constant within a profile group).
fn operand_q<'a>(env: &Env<'a>, op: &Operand) -> QV<'a> {
    match op {
        Operand::Const(n) => QV::C(Q::of(n).unwrap_or(Q::ZERO)),
        Operand::Param(slot) => match &env.slots[*slot as usize] {
            Col::ConstQ(q) => QV::C(*q),
            Col::ProfileQ(t) => QV::P(Cow::Borrowed(t), env.prof),
            Col::Q(c) => QV::S(Cow::Borrowed(c)),
            Col::I(c) => QV::I(Cow::Borrowed(c)),
            _ => QV::C(Q::ZERO),
        },
    }
}

/// A rule's published points (units, clamped to [0, max]) for every row. The usual shapes —
/// bands and checks whose points depend on the profile alone, lines whose ends do — run as one
/// fused loop over a small per-profile table; everything else is [`rule_values`] then
/// [`publish`].
fn rule_units(
    env: &Env<'_>,
    slow: &mut [bool],
    rule: &Rule,
    max: i64,
    figures: Option<&Figures>,
) -> Vec<i64> {
    let n = env.n;
    let (pow, mode) = (env.plan.pow, env.book.meta.rounding);
    let profiles = 0..env.book.profiles.len();
    let units = |q: Q| publish_one(&q, max, pow, mode);
    match rule {
        Rule::Bands(r) => {
            let v = eval_q(env, slow, &r.input.expr);
            let bands: Vec<(QV<'_>, QV<'_>)> =
                r.bands.iter().map(|(t, p)| (operand_q(env, t), operand_q(env, p))).collect();
            let otherwise = operand_q(env, &r.otherwise);
            // Per profile: each band's threshold and published points, then the points otherwise.
            let table: Option<Vec<BandsTable>> = profiles
                .map(|k| {
                    let bands = bands
                        .iter()
                        .map(|(t, p)| Some((t.fixed(k)?, units(p.fixed(k)?))))
                        .collect::<Option<_>>()?;
                    Some((bands, units(otherwise.fixed(k)?)))
                })
                .collect();
            let Some(table) = table else {
                return not_fixed(slow, n);
            };
            // The first band that passes, found without an early exit: which band a row falls
            // in is data (a jump on it would be mispredicted about as often as not). Each test
            // x ? t (x = n/d, t = tn/td, both denominators positive) is decided on the cross
            // products n·td ? tn·d, which cannot overflow i128; the operator is a constant of
            // each loop.
            // Whole thresholds (the usual case) save a multiply per test: td = 1.
            let whole = table.iter().all(|(bands, _)| bands.iter().all(|(t, _)| t.d == 1));
            macro_rules! bands_by {
                ($op:tt, $whole:literal) => {{
                    let first = |x: Q, (bands, otherwise): &BandsTable| {
                        let (xn, xd) = (i128::from(x.n), i128::from(x.d));
                        bands.iter().rev().fold(*otherwise, |pts, &(t, p)| {
                            let lhs = if $whole { xn } else { xn * i128::from(t.d) };
                            if lhs $op i128::from(t.n) * xd { p } else { pts }
                        })
                    };
                    match uniform(&table) {
                        Some(one) => each_row(&v, n, slow, |_, x, _| first(x, one)),
                        None => each_row(&v, n, slow, |i, x, _| first(x, &table[env.prof[i] as usize])),
                    }
                }};
                ($op:tt) => {
                    if whole { bands_by!($op, true) } else { bands_by!($op, false) }
                };
            }
            match r.cmp {
                BandsCmp::AtMost => bands_by!(<=),
                BandsCmp::Below => bands_by!(<),
                BandsCmp::AtLeast => bands_by!(>=),
                BandsCmp::Above => bands_by!(>),
            }
        }
        Rule::Check(r) => {
            let max_q = Q { n: max, d: pow };
            let pts = r.points.as_ref().map_or(QV::C(max_q), |p| operand_q(env, p));
            let otherwise = operand_q(env, &r.otherwise);
            let table: Option<Vec<(i64, i64)>> =
                profiles.map(|k| Some((units(pts.fixed(k)?), units(otherwise.fixed(k)?)))).collect();
            let Some(table) = table else {
                return not_fixed(slow, n);
            };
            let c = eval_b(env, slow, &r.when.expr);
            let pick = |i: usize, c: bool| {
                let (yes, no) = table[env.prof[i] as usize];
                if c { yes } else { no }
            };
            match (&c, uniform(&table)) {
                // The same points in every profile (the usual case): a select that vectorises.
                (BV::S(c), Some(&(yes, no))) => c[..n].iter().map(|&c| if c { yes } else { no }).collect(),
                (BV::S(c), None) => c[..n].iter().enumerate().map(|(i, &c)| pick(i, c)).collect(),
                (BV::C(c), _) => (0..n).map(|i| pick(i, *c)).collect(),
            }
        }
        Rule::Linear(r) => {
            let (x0, p0, x1, p1) =
                (operand_q(env, &r.x0), operand_q(env, &r.p0), operand_q(env, &r.x1), operand_q(env, &r.p1));
            let line = |k: usize| {
                Some(Line::new(x0.fixed(k)?, p0.fixed(k)?, x1.fixed(k)?, p1.fixed(k)?, pow, max, mode))
            };
            let Some(table) = profiles.map(line).collect::<Option<Vec<_>>>() else {
                return not_fixed(slow, n);
            };
            let v = eval_q(env, slow, &r.input.expr);
            // One loop per rounding mode, so that rounding is straight-line code for its mode
            // rather than a choice of mode in every row.
            macro_rules! rows_rounding {
                ($mode:expr) => {{
                    // (By reference: a `Line` is eleven words, too many to copy in every row.)
                    #[inline(always)]
                    fn at(line: &Option<Line>, x: Q, sl: &mut bool) -> i64 {
                        match line.as_ref().and_then(|l| l.units(x, $mode)) {
                            Some(u) => u,
                            None => {
                                *sl = true;
                                0
                            }
                        }
                    }
                    match uniform(&table) {
                        Some(line) => each_row(&v, n, slow, |_, x, sl| at(line, x, sl)),
                        None => each_row(&v, n, slow, |i, x, sl| at(&table[env.prof[i] as usize], x, sl)),
                    }
                }};
            }
            match mode {
                Rounding::HalfUp => rows_rounding!(Rounding::HalfUp),
                Rounding::HalfEven => rows_rounding!(Rounding::HalfEven),
                Rounding::Down => rows_rounding!(Rounding::Down),
                Rounding::Up => rows_rounding!(Rounding::Up),
                Rounding::Floor => rows_rounding!(Rounding::Floor),
                Rounding::Ceiling => rows_rounding!(Rounding::Ceiling),
            }
        }
        Rule::Deduct(r) => {
            let (each, floor) = (operand_q(env, &r.each), operand_q(env, &r.floor));
            let table = profiles.map(|k| Some((each.fixed(k)?, floor.fixed(k)?))).collect::<Option<Vec<_>>>();
            let (Some(e), Some(table)) = (r.input.expr(), table) else {
                return not_fixed(slow, n);
            };
            let max_q = Q { n: max, d: pow };
            let v = eval_q(env, slow, e);
            // Whole numbers with `each` and `floor` whole in units (the usual case): integers
            // only. Saturating where the exact value is far outside [0, max] anyway: the clamp
            // gives what rounding the exact value would.
            if let (QV::I(xs), Some(&(each, floor))) = (&v, uniform(&table))
                && let (Some(each), Some(floor)) = (q_units(each, pow), q_units(floor, pow))
            {
                return xs[..n]
                    .iter()
                    .map(|&x| max.saturating_sub(x.saturating_mul(each)).max(floor).clamp(0, max))
                    .collect();
            }
            each_row(&v, n, slow, |i, x, sl| {
                let (each, floor) = &table[env.prof[i] as usize];
                match mul(x, *each).and_then(|t| sub(max_q, t)) {
                    Some(left) => units(if cmp(left, *floor) == Ordering::Less { *floor } else { left }),
                    None => {
                        *sl = true;
                        0
                    }
                }
            })
        }
        Rule::Count(r) => {
            let each = operand_q(env, &r.each);
            let table = profiles.map(|k| each.fixed(k)).collect::<Option<Vec<_>>>();
            let (Some(e), Some(table)) = (r.input.expr(), table) else {
                return not_fixed(slow, n);
            };
            let v = eval_q(env, slow, e);
            // As in `Deduct`: whole numbers times an `each` whole in units.
            if let (QV::I(xs), Some(&each)) = (&v, uniform(&table))
                && let Some(each) = q_units(each, pow)
            {
                return xs[..n].iter().map(|&x| x.saturating_mul(each).clamp(0, max)).collect();
            }
            each_row(&v, n, slow, |i, x, sl| match mul(x, table[env.prof[i] as usize]) {
                Some(q) => units(q),
                None => {
                    *sl = true;
                    0
                }
            })
        }
        _ => publish(&rule_values(env, slow, rule, max, figures), max, pow, mode),
    }
}

/// A linear rule's line in one profile, prepared to publish a value with one rounding division:
/// published points = clamp(round((c1·d + c2·n) / (c3·d))) for x = n/d, where the line is
/// p = a + s·x, c1 = 10^scale·a.n·s.d, c2 = 10^scale·s.n·a.d, c3 = a.d·s.d. Rounding is monotone,
/// so rounding the line extended beyond [x0, x1] and clamping between the published end points
/// equals publishing the clamped value.
#[derive(Clone, Copy, PartialEq)]
struct Line {
    /// The published end points, lower first.
    lo: i64,
    hi: i64,
    /// `None` when a constant does not fit 64 bits (every row takes the exact rational path).
    c: Option<(i64, i64, i64)>,
    /// The line as rationals, for that path: start, value there, slope.
    x0: Q,
    p0: Q,
    slope: Q,
    pow: i64,
    max: i64,
}

impl Line {
    /// `None`: a line the interpreter must judge (x0 = x1, or an overflow).
    fn new(x0: Q, p0: Q, x1: Q, p1: Q, pow: i64, max: i64, mode: Rounding) -> Option<Line> {
        let slope = reduce(div(sub(p1, p0)?, sub(x1, x0)?)?);
        let a = reduce(sub(p0, mul(x0, slope)?)?);
        let (u0, u1) = (publish_one(&p0, max, pow, mode), publish_one(&p1, max, pow, mode));
        let c = (|| {
            let c1 = pow.checked_mul(a.n)?.checked_mul(slope.d)?;
            let c2 = pow.checked_mul(slope.n)?.checked_mul(a.d)?;
            Some((c1, c2, a.d.checked_mul(slope.d)?))
        })();
        Some(Line { lo: u0.min(u1), hi: u0.max(u1), c, x0, p0, slope, pow, max })
    }

    /// Published points at `x` (`None`: an overflow; the interpreter decides). Inlined into
    /// the row loop, where the rounding mode becomes loop-invariant.
    #[inline(always)]
    fn units(&self, x: Q, mode: Rounding) -> Option<i64> {
        if let Some((c1, c2, c3)) = self.c
            && let Some(num) = c1.checked_mul(x.d).and_then(|t| t.checked_add(c2.checked_mul(x.n)?))
            && let Some(den) = c3.checked_mul(x.d)
        {
            return Some((round_div_i64(num, den, mode) as i64).clamp(self.lo, self.hi));
        }
        let v = add(self.p0, mul(sub(x, self.x0)?, self.slope)?)?;
        Some(publish_one(&v, self.max, self.pow, mode).clamp(self.lo, self.hi))
    }
}

/// The one entry of a per-profile table whose profiles all agree (the rule's row loop then
/// needs no profile lookup).
fn uniform<T: PartialEq>(table: &[T]) -> Option<&T> {
    let (first, rest) = table.split_first()?;
    rest.iter().all(|t| t == first).then_some(first)
}

/// `q` in units of 10^−scale (`pow` = 10^scale), when that is a whole number.
fn q_units(q: Q, pow: i64) -> Option<i64> {
    let m = q.n.checked_mul(pow)?;
    (m % q.d == 0).then_some(m / q.d)
}

/// `q` in lowest terms.
fn reduce(q: Q) -> Q {
    let g = gcd(q.n.unsigned_abs() as u128, q.d as u128) as i64;
    if g > 1 { Q { n: q.n / g, d: q.d / g } } else { q }
}

/// A rule whose operands are not constants per profile: the interpreter scores its rows.
/// (Operands are constants or parameters, which are: not reached, but never a wrong answer.)
fn not_fixed(slow: &mut [bool], n: usize) -> Vec<i64> {
    all_slow(slow);
    vec![0; n]
}

/// `f(row, value, slow flag)` for every row of a numeric column, with one loop per kind of
/// column so that reading a value is a plain load (no dispatch per row).
#[inline(always)]
fn each_row(
    v: &QV<'_>,
    n: usize,
    slow: &mut [bool],
    mut f: impl FnMut(usize, Q, &mut bool) -> i64,
) -> Vec<i64> {
    let slow = &mut slow[..n];
    match v {
        QV::S(xs) => slow.iter_mut().zip(&xs[..n]).enumerate().map(|(i, (sl, x))| f(i, *x, sl)).collect(),
        QV::I(xs) => slow
            .iter_mut()
            .zip(&xs[..n])
            .enumerate()
            .map(|(i, (sl, x))| f(i, Q { n: *x, d: 1 }, sl))
            .collect(),
        QV::C(_) | QV::P(..) => slow.iter_mut().enumerate().map(|(i, sl)| f(i, v.at(i), sl)).collect(),
    }
}

/// Whether every constant operand of a rule fits the fast path.
fn operand_ok(op: &Operand) -> bool {
    match op {
        Operand::Const(n) => Q::of(n).is_some(),
        Operand::Param(_) => true,
    }
}

/// The raw value of a rule for every row of a group (before the leaf clamp); `max` is the
/// indicator's points in units.
fn rule_values(env: &Env<'_>, slow: &mut [bool], rule: &Rule, max: i64, figures: Option<&Figures>) -> Vec<Q> {
    let n = env.n;
    let max_q = Q { n: max, d: env.plan.pow };
    match rule {
        Rule::Ratio(r) => {
            let v = eval_q(env, slow, &r.input.expr);
            let t = eval_q(env, slow, &r.target.expr);
            let mut out = Vec::with_capacity(n);
            for (i, sl) in slow.iter_mut().enumerate().take(n) {
                let value = div(v.at(i), t.at(i)).and_then(|share| {
                    let share = if share.n < 0 {
                        Q::ZERO
                    } else if cmp(share, Q::ONE) == Ordering::Greater {
                        Q::ONE
                    } else {
                        share
                    };
                    mul(share, max_q)
                });
                out.push(value.unwrap_or_else(|| {
                    *sl = true;
                    Q::ZERO
                }));
            }
            out
        }
        Rule::Lookup(r) => {
            let key = eval(env, slow, &r.input.expr);
            let table: Vec<(&crate::rules::lookup::Key, QV<'_>)> =
                r.table.iter().map(|(k, v)| (k, operand_q(env, v))).collect();
            let otherwise = r.otherwise.as_ref().map(|o| operand_q(env, o));
            let mut out = Vec::with_capacity(n);
            for (i, sl) in slow.iter_mut().enumerate().take(n) {
                let hit = table.iter().find(|(k, _)| match (k, &key) {
                    (crate::rules::lookup::Key::Text(t), V::T(col)) => {
                        env.plan.texts.get(t.as_str()).copied().is_some_and(|id| id == col.at(i))
                    }
                    (crate::rules::lookup::Key::Num(x), V::Q(col)) => {
                        Q::of(x).is_some_and(|x| cmp(x, col.at(i)) == Ordering::Equal)
                    }
                    _ => false,
                });
                out.push(match (hit, &otherwise) {
                    (Some((_, v)), _) => v.at(i),
                    (None, Some(o)) => o.at(i),
                    (None, None) => {
                        *sl = true;
                        Q::ZERO
                    }
                });
            }
            out
        }
        Rule::Relative(r) => {
            let v = eval_q(env, slow, &r.input.expr);
            let g = if r.per_profile { env.profile } else { 0 };
            let best = figures
                .and_then(|f| f.best.get(r.index as usize))
                .and_then(|b| b.get(g))
                .and_then(|b| b.as_ref())
                .and_then(Q::of);
            let Some(best) = best else {
                all_slow(slow);
                return vec![Q::ZERO; n];
            };
            let mut out = Vec::with_capacity(n);
            for (i, sl) in slow.iter_mut().enumerate().take(n) {
                let x = v.at(i);
                let value = match r.best {
                    Best::Max if best.n == 0 => Some(Q::ZERO),
                    Best::Max => div(x, best).and_then(|s| mul(s, max_q)),
                    Best::Min if cmp(x, best) == Ordering::Equal => Some(max_q),
                    Best::Min => div(best, x).and_then(|s| mul(s, max_q)),
                };
                out.push(value.unwrap_or_else(|| {
                    *sl = true;
                    Q::ZERO
                }));
            }
            out
        }
        Rule::Formula(r) => {
            let v = eval_q(env, slow, &r.formula.expr);
            to_vec(v, n)
        }
        // Bands, lines, checks, counts and deductions are rule_units' own; components, panels
        // and items are the interpreter's.
        _ => {
            all_slow(slow);
            vec![Q::ZERO; n]
        }
    }
}

fn to_vec(v: QV<'_>, n: usize) -> Vec<Q> {
    match v {
        QV::S(c) => c.into_owned(),
        QV::C(q) => vec![q; n],
        v @ (QV::P(..) | QV::I(_)) => (0..n).map(|i| v.at(i)).collect(),
    }
}

/// Clamp raw values to [0, max] and round them to published units. Rounding is monotone and
/// 0 and max lie on the grid of units, so rounding first and clamping after gives the same.
fn publish(raw: &[Q], max: i64, pow: i64, mode: Rounding) -> Vec<i64> {
    raw.iter().map(|v| publish_one(v, max, pow, mode)).collect()
}

/// One value of [`publish`].
#[inline]
fn publish_one(v: &Q, max: i64, pow: i64, mode: Rounding) -> i64 {
    let u = if v.d == pow {
        v.n // already in units
    } else if v.d == 1 {
        // A whole number (band points, check points): no division.
        v.n.saturating_mul(pow)
    } else if let Some(m) = v.n.checked_mul(pow) {
        round_div_i64(m, v.d, mode) as i64 // fits: see round_div_i64
    } else {
        match i64::try_from(round_div_i128(v.n as i128 * pow as i128, v.d as i128, mode)) {
            Ok(u) => u,
            // Far outside [0, max] either way: the clamp decides.
            Err(_) => {
                if v.n < 0 {
                    0
                } else {
                    max
                }
            }
        }
    };
    u.clamp(0, max)
}

/// Σ of unit columns.
///
/// Each child's published points lie in [0, its points] (rules clamp what they publish, and a
/// weighted node's points are a weighted mean of its children's shares of their points times
/// its own), and a sum node's children add up to its points in units exactly (checked at load,
/// as the top level adds up to the max; the plan takes points with no more places than the
/// scale). So the sum lies in [0, `max`]: plain adds, which vectorise, and no test per row.
fn sum_units<'c>(
    cols: impl Iterator<Item = &'c Vec<i64>>,
    n: usize,
    max: i64,
    slow: &mut [bool],
) -> Vec<i64> {
    let mut first: Option<&Vec<i64>> = None;
    let mut acc: Option<Vec<i64>> = None;
    for col in cols {
        if col.len() != n {
            all_slow(slow); // a child not scored on this path
            continue;
        }
        // The first two children make the sum's column in one pass (not a copy and an add).
        match (first, &mut acc) {
            (None, _) => first = Some(col),
            (Some(a), None) => acc = Some(a.iter().zip(col).map(|(&a, &b)| a.wrapping_add(b)).collect()),
            (Some(_), Some(acc)) => {
                for (a, &u) in acc.iter_mut().zip(col.iter()) {
                    *a = a.wrapping_add(u);
                }
            }
        }
    }
    let acc = acc.or_else(|| first.cloned()).unwrap_or_else(|| vec![0; n]);
    debug_assert!(
        acc.iter().zip(&slow[..n]).all(|(&a, &sl)| sl || (0..=max).contains(&a)),
        "a sum out of range"
    );
    acc
}

/// A weighted node: Σ(child / child max × weight) / Σ weight × points, rounded to units.
fn weighted(
    book: &Compiled,
    plan: &Plan,
    ni: usize,
    points: &[Vec<i64>],
    p: usize,
    n: usize,
    slow: &mut [bool],
) -> Vec<i64> {
    let node = &book.nodes[ni];
    let mode = book.meta.rounding;
    let own = plan.node_units[p][ni];
    let weights: Option<Vec<Q>> =
        node.children.iter().map(|&c| book.weights[p][c as usize].as_ref().and_then(Q::of)).collect();
    let Some(weights) = weights else {
        all_slow(slow);
        return vec![0; n];
    };
    let mut out = Vec::with_capacity(n);
    for (i, sl) in slow.iter_mut().enumerate().take(n) {
        let mut acc = Q::ZERO;
        let mut wsum = Q::ZERO;
        let mut ok = true;
        for (&c, &w) in node.children.iter().zip(&weights) {
            let c = c as usize;
            let (u, cm) = (points[c].get(i).copied().unwrap_or(NONE), plan.node_units[p][c]);
            let step = (u != NONE && cm != 0)
                .then(|| mul(Q { n: u, d: cm }, w).and_then(|x| Some((add(acc, x)?, add(wsum, w)?))))
                .flatten();
            match step {
                Some((a, s)) => (acc, wsum) = (a, s),
                None => ok = false,
            }
        }
        let v = ok.then(|| div(acc, wsum).and_then(|x| mul(x, Q { n: own, d: 1 }))).flatten();
        match v.map(|v| round_div_i128(v.n as i128, v.d as i128, mode)).and_then(|u| i64::try_from(u).ok()) {
            Some(u) => out.push(u),
            None => {
                *sl = true;
                out.push(0);
            }
        }
    }
    out
}

/// Bonus or penalty: each item clamped to its points and rounded, the sum capped (`None`: no
/// items).
fn adjust(
    env: &Env<'_>,
    figures: Option<&Figures>,
    items: &[crate::compile::AdjustItem],
    item_units: &[i64],
    cap: i64,
    slow: &mut [bool],
) -> Option<Vec<i64>> {
    let mut sum: Option<Vec<i64>> = None;
    for (k, it) in items.iter().enumerate() {
        let published = rule_units(env, slow, &it.rule, item_units[k], figures);
        match &mut sum {
            None => sum = Some(published),
            Some(sum) => sum.iter_mut().zip(published).for_each(|(a, p)| *a = a.saturating_add(p)),
        }
    }
    let mut sum = sum?;
    sum.iter_mut().for_each(|a| *a = (*a).min(cap));
    Some(sum)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The whole-column test and the per-row test flag exactly the values outside the bounds,
    /// at the edges of both and of `i64`.
    #[test]
    fn flag_outside_flags_exactly_the_values_outside() {
        let edges = [i64::MIN, i64::MIN + 1, -5, -1, 0, 1, 5, 1 << 40, i64::MAX - 1, i64::MAX];
        for (lo, hi) in
            edges.iter().flat_map(|&lo| edges.iter().map(move |&hi| (lo, hi))).filter(|(lo, hi)| lo <= hi)
        {
            let mut values = vec![i64::MIN, i64::MIN + 1, -(1 << 40), -1, 0, 1, i64::MAX - 1, i64::MAX];
            for b in [lo, hi] {
                values.extend([
                    b.wrapping_sub(1),
                    b,
                    b.wrapping_add(1),
                    i64::MIN.wrapping_add(b),
                    b.wrapping_sub(i64::MAX),
                ]);
            }
            for v in &values {
                // Each value alone (a column of one), and all of them together.
                let mut slow = [false];
                flag_outside([*v].into_iter(), lo, hi, &mut slow);
                assert_eq!(slow[0], !(lo..=hi).contains(v), "{v} in [{lo}, {hi}]");
            }
            let mut slow = vec![false; values.len()];
            flag_outside(values.iter().copied(), lo, hi, &mut slow);
            for (v, sl) in values.iter().zip(&slow) {
                assert_eq!(*sl, !(lo..=hi).contains(v), "{v} in [{lo}, {hi}] among others");
            }
        }
    }
}
