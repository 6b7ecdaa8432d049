//! The batch path's plan for a rulebook, made once at load and kept beside the compiled rulebook:
//! which features it can run (every rule kind says so itself), points and caps as whole units of
//! 10^−scale, and the text constants it compares by id.

use rustc_hash::FxHashMap as HashMap;

use crate::compile::{Bound, Compiled};
use crate::expr::{CExpr, Const};
use crate::input::DefaultDoc;
use crate::num::{Fraction, units_of};
use crate::rules::Rule;
use crate::scope::Operand;

/// What the fast path needs beyond the compiled rulebook, prepared at load.
#[derive(Debug, Default)]
pub struct Plan {
    /// Why the fast path is not used for this rulebook (`None`: it is).
    pub unsupported: Option<String>,
    /// Interned text constants (expression strings, allowed values, profile names, lookup keys).
    pub(super) texts: HashMap<String, u32>,
    /// 10^scale.
    pub(super) pow: i64,
    /// Points per profile per node, in units of 10^−scale.
    pub(super) node_units: Vec<Vec<i64>>,
    /// Max per profile, in units.
    pub(super) max_units: Vec<i64>,
    /// Bonus/penalty item maxima and caps, in units.
    pub(super) bonus_units: Vec<i64>,
    pub(super) penalty_units: Vec<i64>,
    pub(super) bonus_cap: i64,
    pub(super) penalty_cap: i64,
    /// Whether a chunk is scored in one pass whatever its rows' profiles: points, maxima and
    /// weights are the same in every profile (parameters may differ: they are looked up per
    /// row). Otherwise rows are grouped by profile.
    pub(super) one_pass: bool,
}

impl Plan {
    /// The most points any node has in any profile, in units (0 when the plan has no nodes):
    /// no fast row's points at a node exceed this.
    pub fn most_node_units(&self) -> i64 {
        self.node_units.iter().flatten().copied().max().unwrap_or(0)
    }
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
    // Every rule kind says whether its batch kernel runs it.
    let rules = c
        .nodes
        .iter()
        .filter_map(|n| n.rule.as_ref())
        .chain(c.bonus.iter().chain(&c.penalty).map(|i| &i.rule));
    for rule in rules.clone() {
        if let Err(what) = rule.batch_support() {
            return why(what);
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
    let Some(node_units) = c
        .points
        .iter()
        .map(|row| row.iter().map(|n| units_of(n, p.pow)).collect::<Option<Vec<i64>>>())
        .collect()
    else {
        return why("points too large for fixed-point units");
    };
    p.node_units = node_units;
    let Some(max_units) = c.max.iter().map(|n| units_of(n, p.pow)).collect() else {
        return why("max too large for fixed-point units");
    };
    p.max_units = max_units;
    let items = |list: &[crate::compile::AdjustItem]| {
        list.iter().map(|i| units_of(&i.points, p.pow)).collect::<Option<Vec<_>>>()
    };
    let (Some(b), Some(pe), Some(bc), Some(pc)) =
        (items(&c.bonus), items(&c.penalty), units_of(&c.bonus_cap, p.pow), units_of(&c.penalty_cap, p.pow))
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
    exprs.extend(c.nodes.iter().flat_map(|n| n.applies.iter().map(|a| &a.expr)));
    for rule in rules {
        exprs.extend(rule.exprs());
        for t in rule.texts() {
            intern(t);
        }
    }
    exprs.extend(c.vetoes.iter().map(|v| &v.when.expr));
    exprs.extend(c.criteria.iter().map(|v| &v.when.expr));
    exprs.extend(c.grade_rules.iter().map(|v| &v.when.expr));
    let mut aggregates = false;
    for e in &exprs {
        e.for_each(|x| aggregates |= matches!(x, CExpr::Agg(_)));
    }
    if aggregates {
        return why("aggregates over lists");
    }
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

/// Whether every constant operand of a rule fits the fast path.
fn operand_ok(op: &Operand) -> bool {
    match op {
        Operand::Const(n) => Fraction::of(n).is_some(),
        Operand::Param(_) => true,
    }
}
