//! One case analysed: from the inputs' declared ranges, through parameters and derived values,
//! every indicator's rule (each kind says what it gives, `Rule::range`), the leaf clamp and
//! rounding, aggregation with its rescaling, bonus and penalty with their caps, the total's clamp
//! and rounding, vetoes, criteria, grade rules and grades — in the evaluator's order
//! (`eval::run_stages`), so that each step sees what it would see while scoring.

use crate::compile::{Bound, Compiled, ListShape, Operand};
use crate::date::Date;
use crate::input::{DefaultDoc, Input, InputType, Value};
use crate::model::Aggregate;
use crate::num::{Num, Rounding};
use crate::range::{End, Interval, NumRange, Reach, ReachEnv, RuleNote, TextRange, Truth, reach};
use crate::rules::RangeEnv;

use super::cases::{self, Case};

/// What an indicator can publish in a case.
#[derive(Clone, Debug)]
pub(super) struct NodeReach {
    /// Its published points when it applies.
    pub points: Interval,
    /// Whether it can apply.
    pub may_apply: bool,
    /// Whether it can be left out (`applies` false, or every child left out).
    pub may_skip: bool,
}

/// Where a rule note was made.
#[derive(Clone, Debug)]
pub(super) enum Site {
    /// An indicator's rule.
    Node(u32),
    /// A bonus item's rule.
    Bonus(usize),
    /// A penalty item's rule.
    Penalty(usize),
}

/// Everything a case proves.
#[derive(Clone, Debug)]
pub(super) struct CaseReach {
    /// Per indicator.
    pub nodes: Vec<NodeReach>,
    /// The published total after vetoes (`None`: criteria only).
    pub total: Option<Interval>,
    /// Per veto: whether it can fire, can stay quiet.
    pub vetoes: Vec<Truth>,
    /// Per criterion.
    pub criteria: Vec<Truth>,
    /// Per grade rule.
    pub grade_rules: Vec<Truth>,
    /// Per grade: whether some record can get it.
    pub grades: Vec<bool>,
    /// What rules found about themselves.
    pub notes: Vec<(Site, RuleNote)>,
}

/// What a case's records can hold, as the rule kinds and expressions read it.
struct CaseEnv<'a> {
    book: &'a Compiled,
    profile: usize,
    date: Option<Date>,
    slots: Vec<Reach>,
    nodes: Vec<NodeReach>,
    /// Each component's published total, in the profile this case maps to.
    components: Vec<NumRange>,
}

impl ReachEnv for CaseEnv<'_> {
    fn slot(&self, slot: u32) -> Reach {
        self.slots.get(slot as usize).cloned().unwrap_or(Reach::Any)
    }

    fn points(&self, node: u32) -> NumRange {
        match self.nodes.get(node as usize) {
            Some(n) => NumRange { values: n.points.clone(), no_data: n.may_skip },
            None => NumRange::any(),
        }
    }

    fn max_points(&self, node: u32) -> Num {
        self.book.points[self.profile][node as usize].clone()
    }

    fn rounding(&self) -> Rounding {
        self.book.meta.rounding
    }

    /// A `numbers` input's marks lie within its declared range (and its default marks); the
    /// fields of other items are not analysed.
    fn list_field(&self, list: u32, _field: u32) -> Reach {
        match self.book.lists.get(list as usize) {
            Some(def) if matches!(def.shape, ListShape::Numbers) => {
                Reach::Num(NumRange { no_data: false, ..self.marks(def.slot) })
            }
            _ => Reach::Any,
        }
    }

    fn list_missing(&self, list: u32) -> bool {
        self.book
            .lists
            .get(list as usize)
            .is_none_or(|def| missing_is_no_data(&self.book.schema.inputs[def.slot as usize]))
    }
}

impl RangeEnv for CaseEnv<'_> {
    fn value(&self, e: &crate::expr::CExpr) -> Reach {
        reach(e, self)
    }

    fn operand(&self, op: &Operand) -> Num {
        // Cases where a parameter has no value are not analysed.
        self.book.operand_value(op, self.profile, self.date).unwrap_or(Num::ZERO)
    }

    fn list_len(&self, slot: u32) -> NumRange {
        let Some(input) = self.book.schema.inputs.get(slot as usize) else { return NumRange::any() };
        let count = Interval::between(Some(&Num::ZERO), None);
        NumRange { values: count, no_data: missing_is_no_data(input) }
    }

    fn marks(&self, slot: u32) -> NumRange {
        let Some(input) = self.book.schema.inputs.get(slot as usize) else { return NumRange::any() };
        let mut values = Interval::between(input.min.as_ref(), input.max.as_ref());
        if let Some(Value::Numbers(marks)) = &input.list_default {
            for m in marks {
                values = values.hull(&Interval::point(Num::from_decimal(*m)));
            }
        }
        NumRange { values, no_data: missing_is_no_data(input) }
    }

    fn component(&self, index: u32) -> (NumRange, Num) {
        let link = &self.book.components[index as usize];
        let profile = link.profile_map.get(self.profile).copied().unwrap_or(0) as usize;
        let max = link.book.max.get(profile).cloned().unwrap_or(Num::ZERO);
        (self.components.get(index as usize).cloned().unwrap_or_else(NumRange::any), max)
    }
}

/// Whether a missing input is no data (optional, without a default) rather than its default or
/// an error.
fn missing_is_no_data(input: &Input) -> bool {
    !input.required && input.default.is_none() && input.list_default.is_none()
}

/// What an input can hold in a scored record: its declared range (an integer's bounds rounded
/// inward), its declared values, its default.
fn input_reach(input: &Input) -> Reach {
    let no_data = missing_is_no_data(input);
    match input.ty {
        InputType::Decimal | InputType::Integer => {
            let (mut lo, mut hi) = (input.min.clone(), input.max.clone());
            if input.ty == InputType::Integer {
                lo = lo.map(|n| n.ceil());
                hi = hi.map(|n| n.floor());
            }
            let mut values = Interval::between(lo.as_ref(), hi.as_ref());
            if let Some(DefaultDoc::Num(d)) = &input.default {
                values = values.hull(&Interval::point(d.clone()));
            }
            Reach::Num(NumRange { values, no_data })
        }
        InputType::Boolean => Reach::Bool(Truth { can_hold: true, can_fail: true, no_data }),
        InputType::Text => Reach::Text(TextRange {
            values: input.values.as_ref().map(|v| v.iter().map(|t| t.trim().to_owned()).collect()),
            no_data,
        }),
        InputType::Numbers | InputType::Items => Reach::Any,
    }
}

/// The published total of `book` in `profile` over every case of that profile (components are
/// scored on their parent's date, which may fall in any of their periods).
pub(super) fn total_in(book: &Compiled, profile: usize) -> NumRange {
    if !book.has_total() {
        // A criteria-only component's total reads as 0.
        return NumRange::exactly(Num::ZERO);
    }
    let mut values = Interval::EMPTY;
    for case in cases::cases(book).iter().filter(|c| c.profile == profile) {
        if let Some(t) = analyse(book, case).total {
            values = values.hull(&t);
        }
    }
    // A profile no case covers (the base of a rulebook whose records always name one) reaches
    // components only through a parent: analyse it as such.
    if values.is_empty() {
        let case = Case { profile, from: None, until: None };
        if let Some(t) = analyse(book, &case).total {
            values = t;
        }
    }
    NumRange::of(values)
}

/// Analyse one case.
pub(super) fn analyse(book: &Compiled, case: &Case) -> CaseReach {
    let profile = case.profile;
    let components = book
        .components
        .iter()
        .map(|link| total_in(&link.book, link.profile_map.get(profile).copied().unwrap_or(0) as usize))
        .collect();
    let mut env = CaseEnv {
        book,
        profile,
        date: case.date(),
        slots: vec![Reach::Any; book.slot_count],
        nodes: Vec::new(),
        components,
    };
    for (i, input) in book.schema.inputs.iter().enumerate() {
        env.slots[i] = input_reach(input);
    }
    let base = book.param_base() as usize;
    for (i, p) in book.params.iter().enumerate() {
        env.slots[base + i] = match p.values[profile].at(case.date()) {
            Some(v) => Reach::Num(NumRange::exactly(v.clone())),
            None => Reach::Any,
        };
    }
    for d in &book.derived {
        let r = reach(&d.expr.expr, &env);
        env.slots[d.slot as usize] = r;
    }

    let mut notes = Vec::new();
    let (scale, mode) = (book.meta.scale, book.meta.rounding);
    let publish = |v: &Interval| if book.meta.total_only { v.clone() } else { v.round(scale, mode) };
    let n = book.nodes.len();
    let mut nodes = vec![NodeReach { points: Interval::EMPTY, may_apply: false, may_skip: true }; n];
    // Applicability and leaves, parents first.
    for &i in &book.preorder {
        let i = i as usize;
        let node = &book.nodes[i];
        let (parent_apply, parent_skip) = match node.parent {
            Some(p) => (nodes[p as usize].may_apply, nodes[p as usize].may_skip),
            None => (true, false),
        };
        let applies = node.applies.as_ref().map(|a| reach(&a.expr, &env).truth());
        let may_apply = parent_apply && applies.is_none_or(|t| t.can_hold);
        let may_skip = parent_skip || applies.is_some_and(|t| t.can_fail || t.no_data);
        nodes[i].may_apply = may_apply;
        nodes[i].may_skip = may_skip || !may_apply;
        let Some(rule) = &node.rule else { continue };
        if !may_apply {
            continue;
        }
        let max = &book.points[profile][i];
        let mut found = Vec::new();
        let raw = rule.range(&env, max, &mut found);
        notes.extend(found.into_iter().map(|f| (Site::Node(i as u32), f)));
        let mut points = publish(&raw.values.clamp(Some(&Num::ZERO), Some(max)));
        if raw.no_data {
            points = points.hull(&Interval::point(Num::ZERO));
        }
        nodes[i].points = points;
    }
    // Inner nodes, children first.
    for &i in book.preorder.iter().rev() {
        let i = i as usize;
        let node = &book.nodes[i];
        if node.rule.is_some() || !nodes[i].may_apply {
            continue;
        }
        let max = &book.points[profile][i];
        let combined = combine(book, profile, &node.children, &nodes, max, node.aggregate, &publish);
        nodes[i].points = combined.points;
        nodes[i].may_skip |= combined.all_may_skip;
        nodes[i].may_apply = combined.some_may_apply;
    }
    env.nodes = nodes;

    // Root, bonus, penalty, total (spec §8).
    let total = book.has_total().then(|| {
        let max = &book.max[profile];
        let root = combine(book, profile, &book.top, &env.nodes, max, Aggregate::Sum, &publish);
        let mut base_points = root.points;
        if root.all_may_skip {
            base_points = base_points.hull(&Interval::point(Num::ZERO));
        }
        let mut adjust = |items: &[crate::compile::AdjustItem], cap: &Num, site: fn(usize) -> Site| {
            let mut sum = Interval::point(Num::ZERO);
            for (k, it) in items.iter().enumerate() {
                let mut found = Vec::new();
                let raw = it.rule.range(&env, &it.points, &mut found);
                notes.extend(found.into_iter().map(|f| (site(k), f)));
                let mut p = publish(&raw.values.clamp(Some(&Num::ZERO), Some(&it.points)));
                if raw.no_data {
                    p = p.hull(&Interval::point(Num::ZERO));
                }
                sum = sum.add(&p);
            }
            sum.clamp(None, Some(cap))
        };
        let bonus = adjust(&book.bonus, &book.bonus_cap, Site::Bonus);
        let penalty = adjust(&book.penalty, &book.penalty_cap, Site::Penalty);
        let upper = (!book.allow_above_max).then_some(max);
        base_points.add(&bonus).sub(&penalty).clamp(Some(&Num::ZERO), upper).round(scale, mode)
    });

    // Vetoes: the lowest firing score sets the total.
    let vetoes: Vec<Truth> = book.vetoes.iter().map(|v| reach(&v.when.expr, &env).truth()).collect();
    let score = |op: &Operand| book.round(&env.operand(op));
    let total = total.map(|before| {
        let certain = book
            .vetoes
            .iter()
            .zip(&vetoes)
            .filter(|(v, t)| v.score.is_some() && t.always())
            .filter_map(|(v, _)| v.score.as_ref().map(score))
            .min();
        let possible = book.vetoes.iter().zip(&vetoes).filter(|(v, t)| v.score.is_some() && t.can_hold);
        let mut total = if certain.is_some() { Interval::EMPTY } else { before };
        for (v, _) in possible {
            let Some(s) = v.score.as_ref().map(score) else { continue };
            if certain.as_ref().is_none_or(|c| s <= *c) {
                total = total.hull(&Interval::point(s));
            }
        }
        total
    });
    let criteria: Vec<Truth> = book.criteria.iter().map(|c| reach(&c.when.expr, &env).truth()).collect();
    let grade_rules: Vec<Truth> =
        book.grade_rules.iter().map(|g| reach(&g.when.expr, &env).truth()).collect();
    let grades = reachable_grades(book, &env, total.as_ref(), &vetoes, &grade_rules);
    CaseReach { nodes: env.nodes, total, vetoes, criteria, grade_rules, grades, notes }
}

/// What combining some children can give.
struct Combined {
    points: Interval,
    all_may_skip: bool,
    some_may_apply: bool,
}

/// Children's published points combined as `eval::combine` does: a sum (no rounding when every
/// child applies), or a weighted mean, rescaled over the applicable children when some are
/// left out (a mean of their shares, so between the smallest and the largest share).
fn combine(
    book: &Compiled,
    profile: usize,
    children: &[u32],
    nodes: &[NodeReach],
    max: &Num,
    aggregate: Aggregate,
    publish: &dyn Fn(&Interval) -> Interval,
) -> Combined {
    let kids: Vec<(&NodeReach, &Num, Num)> = children
        .iter()
        .map(|&c| {
            let c = c as usize;
            let w = book.weights[profile][c].clone().unwrap_or(Num::ONE);
            (&nodes[c], &book.points[profile][c], w)
        })
        .collect();
    let some_may_apply = kids.iter().any(|(k, _, _)| k.may_apply);
    let all_may_skip = kids.iter().all(|(k, _, _)| k.may_skip);
    if !some_may_apply {
        return Combined { points: Interval::EMPTY, all_may_skip: true, some_may_apply: false };
    }
    let every_may_apply = kids.iter().all(|(k, _, _)| k.may_apply);
    let some_may_skip = kids.iter().any(|(k, _, _)| k.may_skip);
    let max_i = Interval::point(max.clone());
    let mut points = Interval::EMPTY;
    if every_may_apply {
        let full = match aggregate {
            Aggregate::Sum => kids.iter().fold(Interval::point(Num::ZERO), |a, (k, _, _)| a.add(&k.points)),
            Aggregate::Weighted => {
                let total_w = kids.iter().fold(Num::ZERO, |a, (_, _, w)| a.add(w));
                let acc = kids.iter().fold(Interval::point(Num::ZERO), |a, (k, m, w)| {
                    a.add(&k.points.div(&Interval::point((*m).clone())).mul(&Interval::point(w.clone())))
                });
                publish(&acc.div(&Interval::point(total_w)).mul(&max_i))
            }
        };
        points = points.hull(&full);
    }
    if some_may_skip {
        // A mean of the applicable children's shares (children worth 0 add nothing to either
        // side of the ratio, and all of them applicable alone is a division by zero).
        let shares = kids
            .iter()
            .filter(|(k, m, _)| k.may_apply && m.is_positive())
            .fold(Interval::EMPTY, |a, (k, m, _)| a.hull(&k.points.div(&Interval::point((*m).clone()))));
        points = points.hull(&publish(&shares.mul(&max_i)));
    }
    Combined { points, all_may_skip, some_may_apply }
}

/// Which grades a record can end with: the grade its total meets, then ceilings from vetoes and
/// grade rules that can fire (those that always fire set a floor on how bad it gets).
fn reachable_grades(
    book: &Compiled,
    env: &CaseEnv<'_>,
    total: Option<&Interval>,
    vetoes: &[Truth],
    grade_rules: &[Truth],
) -> Vec<bool> {
    let k = book.grades.len();
    let Some(total) = total else { return vec![false; k] };
    // The grade each part of the total's range meets: the first bound met.
    let mut from_total = vec![false; k];
    let mut left = total.clone();
    for (i, g) in book.grades.iter().enumerate() {
        let (meets, misses) = match &g.bound {
            None => (left.clone(), Interval::EMPTY),
            Some(Bound::AtLeast(op)) => {
                let b = env.operand(op);
                (left.cut(crate::expr::CmpOp::Ge, &b), left.cut(crate::expr::CmpOp::Lt, &b))
            }
            Some(Bound::Above(op)) => {
                let b = env.operand(op);
                (left.cut(crate::expr::CmpOp::Gt, &b), left.cut(crate::expr::CmpOp::Le, &b))
            }
        };
        from_total[i] = !meets.is_empty();
        left = misses;
    }
    let mut ceilings: Vec<(usize, Truth)> = Vec::new();
    for (v, t) in book.vetoes.iter().zip(vetoes) {
        if let Some(g) = v.grade {
            ceilings.push((g as usize, *t));
        }
    }
    for (g, t) in book.grade_rules.iter().zip(grade_rules) {
        ceilings.push((g.at_most as usize, *t));
    }
    // Every record is at least as bad as a ceiling that always fires.
    let floor = ceilings.iter().filter(|(_, t)| t.always()).map(|(g, _)| *g).max().unwrap_or(0);
    (0..k)
        .map(|g| {
            if g < floor {
                return false;
            }
            let by_total = from_total[g];
            let by_ceiling =
                ceilings.iter().any(|(c, t)| *c == g && t.can_hold) && from_total[..=g].iter().any(|b| *b);
            by_total || by_ceiling
        })
        .collect()
}

/// The lowest and highest value of `i` (`None`: unbounded or empty), for messages.
pub(super) fn ends(i: &Interval) -> (Option<Num>, Option<Num>) {
    (i.lo().and_then(End::value).cloned(), i.hi().and_then(End::value).cloned())
}
