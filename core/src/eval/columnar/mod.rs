//! The columnar batch executor: a rulebook evaluated over a chunk of rows at a time, each compiled
//! expression and rule running as a tight loop over typed columns.
//!
//! Values on this path are small exact rationals ([`Fraction`]: `i64` numerator and denominator,
//! products and comparisons in `i128`), and published points are fixed-point integers (units of
//! 10^−scale), so sums of points are integer additions and every comparison is a
//! cross-multiplication. No float, no allocation per row.
//!
//! The fast path only has to be right for ordinary rows. Any row where something unusual happens —
//! an arithmetic overflow, a division by zero (even in a branch `if` would not take), a missing
//! optional input, an input error, an indicator left out, a lookup miss, an undeclared profile —
//! is flagged *slow* and scored again by the per-record interpreter, which defines the semantics
//! and produces the exact result or error. Rule kinds the fast path does not run say so
//! ([`Rule::batch_support`](crate::rules::Rule::batch_support)), and such rulebooks score every row through the interpreter. A
//! property test checks that both paths agree.
//!
//! The files, each with one job: this one the stage pipeline ([`run_chunk`], in the interpreter's
//! order: profile, inputs, parameters, derived values, indicators leaves first then inner nodes,
//! root, bonus and penalty, total, vetoes, criteria, grade rules, grade); [`plan`](mod@plan) what is
//! prepared at load; [`source`] reading inputs; [`expr`] expressions over columns; [`publish`]
//! adding points up; [`published`] the batch's block of points. Each rule kind's kernel is in its
//! own file under `rules/`.

mod expr;
pub mod plan;
mod publish;
pub mod published;
mod source;

use crate::compile::{Bound, Compiled};
use crate::date::Date;
use crate::model::Aggregate;
use crate::num::{Fraction, round_div_i128};
use crate::vector::{all_slow, uniform};

use self::expr::{Chunk, Slot, eval, eval_b, into_col, operand_q};
pub use self::plan::{Plan, plan};
use self::publish::{adjust, sum_units, weighted};
use self::source::load_inputs;
pub use self::source::{Cell, ColumnSource, Records, RowSource};
use super::Figures;

/// "No value" in a column of published points (a left-out indicator, a criteria-only total).
pub const NONE: i64 = i64::MIN;

/// The grade column's value for "no grade".
pub const NO_GRADE: u16 = u16::MAX;

/// The criteria column's value for "no criteria" (else 0: some criterion fails, 1: all hold).
pub const NO_CRITERIA: u8 = 2;

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
    pub points: published::Chunk<'a>,
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

/// Score rows `rows` of `src` on the fast path, writing into `out` (indexed by position in
/// `rows`; `out.slow` must start all false). When points, maxima and weights are the same in
/// every profile (the usual case: profiles differ in parameters) the chunk is one pass, each
/// parameter a value per profile looked up by the row's; otherwise rows are grouped by profile
/// so that all of them are constants within a group.
pub fn run_chunk<S: RowSource>(s: &Setup<'_>, src: &S, rows: std::ops::Range<usize>, out: &mut Out<'_>) {
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
fn run_group<S: RowSource>(
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
    let mut slots: Vec<Slot<'_>> = (0..book.slot_count).map(|_| Slot::Absent).collect();
    load_inputs(plan, book, src, rows, &mut slots, &mut slow);
    let base = book.param_base() as usize;
    for (pi, param) in book.params.iter().enumerate() {
        let value = |p: usize| param.values[p].at(s.as_of).and_then(Fraction::of);
        slots[base + pi] = match one {
            Some(p) => match value(p) {
                Some(q) => Slot::ConstNum(q),
                None => {
                    // No dated value, or too large for the fast path: the interpreter decides.
                    all_slow(&mut slow);
                    Slot::ConstNum(Fraction::ZERO)
                }
            },
            None => {
                let table: Vec<Option<Fraction>> = (0..book.profiles.len()).map(value).collect();
                for (sl, &p) in slow.iter_mut().zip(prof) {
                    *sl |= table[p as usize].is_none();
                }
                match table.split_first() {
                    Some((first, rest)) if rest.iter().all(|q| q == first) => {
                        Slot::ConstNum(first.unwrap_or(Fraction::ZERO))
                    }
                    _ => Slot::PerProfile(table.into_iter().map(|q| q.unwrap_or(Fraction::ZERO)).collect()),
                }
            }
        };
    }
    // Each node's column is made when the node is scored; until then it is empty (read as none).
    let mut node_points: Vec<Vec<i64>> = vec![Vec::new(); book.nodes.len()];
    for d in &book.derived {
        let v = {
            let env = Chunk {
                book,
                plan,
                n,
                profile,
                prof,
                slots: &slots,
                points: &node_points,
                figures: s.figures,
            };
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
            let env = Chunk {
                book,
                plan,
                n,
                profile,
                prof,
                slots: &slots,
                points: &node_points,
                figures: s.figures,
            };
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
            let env = Chunk {
                book,
                plan,
                n,
                profile,
                prof,
                slots: &slots,
                points: &node_points,
                figures: s.figures,
            };
            rule.units(&env, &mut slow, max)
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
        let env =
            Chunk { book, plan, n, profile, prof, slots: &slots, points: &node_points, figures: s.figures };
        let bonus = adjust(&env, &book.bonus, &plan.bonus_units, plan.bonus_cap, &mut slow);
        let penalty = adjust(&env, &book.penalty, &plan.penalty_units, plan.penalty_cap, &mut slow);
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
    let env = Chunk { book, plan, n, profile, prof, slots: &slots, points: &node_points, figures: s.figures };
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
