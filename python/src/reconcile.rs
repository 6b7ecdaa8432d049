//! The columns that reconcile a total (`Batch.to_pandas(details=True)`, `to_arrow(details=True)`):
//! base, bonus, penalty, the total before vetoes, the vetoes that fired, the grade from the total
//! alone and what capped it, one column per criterion, and each leaf indicator's contribution to
//! the total.
//!
//! A leaf's points are marks on its own scale (a weighted part scored out of 100 counts 15 of the
//! total): its contribution is its share of the base, found by walking the tree from the root —
//! each node's share split among its applicable children in proportion to what each adds to it
//! (its points under a summing node; points ÷ max × weight under a weighted one). Clamps, rescaling
//! of left-out children (缺项折算) and rounding at inner nodes are spread the same way. The shares
//! are rounded to the rulebook's places by largest remainder, so that they add up to the base
//! exactly: base + bonus − penalty = total before vetoes, and the total where no veto set it.

use std::sync::Arc;

use arrow_array::builder::{BooleanBuilder, StringBuilder};
use arrow_array::{ArrayRef, Decimal128Array};
use kaoping::{Outcome, Rulebook, Status};
use rayon::prelude::*;
use rust_decimal::Decimal;

/// One detail column's name and values.
pub type DetailColumn = (String, ArrayRef);

/// The detail columns' names for `rb`, in order (they depend on the rulebook alone).
pub fn names(rb: &Rulebook) -> Vec<String> {
    let mut out: Vec<String> =
        ["base", "bonus", "penalty", "total_before_vetoes", "vetoes", "grade_from_total", "grade_capped_by"]
            .into_iter()
            .map(str::to_owned)
            .collect();
    out.extend(rb.criteria().into_iter().map(|(id, _)| format!("criterion.{id}")));
    out.extend(leaves(rb).into_iter().map(|i| format!("contribution.{}", rb.indicators()[i].id)));
    out
}

/// The positions (file order) of the leaf indicators.
fn leaves(rb: &Rulebook) -> Vec<usize> {
    rb.indicators().iter().enumerate().filter(|(_, i)| i.is_leaf).map(|(k, _)| k).collect()
}

/// What one row contributes to the detail columns.
#[derive(Default)]
struct RowDetail {
    base: Option<Decimal>,
    bonus: Option<Decimal>,
    penalty: Option<Decimal>,
    before_vetoes: Option<Decimal>,
    vetoes: Option<String>,
    grade_from_total: Option<String>,
    capped_by: Option<String>,
    criteria: Vec<Option<bool>>,
    contributions: Vec<Option<Decimal>>,
}

/// The detail columns of `n` rows, `outcome(i)` explaining row `i` (`None`: it failed). Rows
/// are explained on every core.
pub fn columns(
    rb: &Rulebook,
    n: usize,
    outcome: &(dyn Fn(usize) -> Option<Outcome> + Sync),
) -> Result<Vec<DetailColumn>, String> {
    let scale = rb.scale();
    let tree = Tree::of(rb);
    let criteria: Vec<String> = rb.criteria().into_iter().map(|(id, _)| id.to_owned()).collect();
    let rows: Vec<RowDetail> = (0..n)
        .into_par_iter()
        .map(|i| match outcome(i) {
            Some(o) => detail(rb, &tree, &criteria, &o),
            None => RowDetail {
                criteria: vec![None; criteria.len()],
                contributions: vec![None; tree.leaves.len()],
                ..RowDetail::default()
            },
        })
        .collect();
    let decimals = |get: &dyn Fn(&RowDetail) -> Option<Decimal>| -> Result<ArrayRef, String> {
        let values = rows.iter().map(|r| {
            get(r).map(|mut d| {
                d.rescale(scale);
                d.mantissa()
            })
        });
        let array = Decimal128Array::from_iter(values)
            .with_precision_and_scale(38, scale as i8)
            .map_err(|e| e.to_string())?;
        Ok(Arc::new(array))
    };
    let text = |get: &dyn Fn(&RowDetail) -> Option<&str>| -> ArrayRef {
        let mut b = StringBuilder::new();
        for r in &rows {
            b.append_option(get(r));
        }
        Arc::new(b.finish())
    };
    let names = names(rb);
    let mut cols: Vec<ArrayRef> = vec![
        decimals(&|r| r.base)?,
        decimals(&|r| r.bonus)?,
        decimals(&|r| r.penalty)?,
        decimals(&|r| r.before_vetoes)?,
        text(&|r| r.vetoes.as_deref()),
        text(&|r| r.grade_from_total.as_deref()),
        text(&|r| r.capped_by.as_deref()),
    ];
    for k in 0..criteria.len() {
        let mut b = BooleanBuilder::with_capacity(n);
        for r in &rows {
            b.append_option(r.criteria[k]);
        }
        cols.push(Arc::new(b.finish()));
    }
    for k in 0..tree.leaves.len() {
        cols.push(decimals(&|r| r.contributions[k])?);
    }
    Ok(names.into_iter().zip(cols).collect())
}

/// The indicator tree: parents, children and the leaves, in file order.
struct Tree {
    parent: Vec<Option<usize>>,
    children: Vec<Vec<usize>>,
    leaves: Vec<usize>,
}

impl Tree {
    fn of(rb: &Rulebook) -> Tree {
        let inds = rb.indicators();
        let at = |id: &str| inds.iter().position(|i| i.id == id);
        let parent: Vec<Option<usize>> = inds.iter().map(|i| i.parent.as_deref().and_then(at)).collect();
        let mut children = vec![Vec::new(); inds.len()];
        for (k, p) in parent.iter().enumerate() {
            if let Some(p) = p {
                children[*p].push(k);
            }
        }
        Tree { parent, children, leaves: leaves(rb) }
    }
}

fn detail(rb: &Rulebook, tree: &Tree, criteria: &[String], o: &Outcome) -> RowDetail {
    let joined = |items: Vec<&str>| (!items.is_empty()).then(|| items.join(";"));
    let holds = |id: &String| o.criteria.iter().find(|c| &c.id == id).map(|c| c.holds);
    RowDetail {
        base: o.base,
        bonus: o.bonus,
        penalty: o.penalty,
        // Where no veto set the total, the total is the one before vetoes.
        before_vetoes: o.total_before_vetoes.or(o.total),
        vetoes: joined(o.vetoes.iter().map(|v| v.id.as_str()).collect()),
        grade_from_total: o.grade_from_total.clone().or_else(|| o.grade.clone()),
        capped_by: capped_by(o),
        criteria: criteria.iter().map(holds).collect(),
        contributions: contributions(rb, tree, o),
    }
}

/// The labels of what set the grade below the total's grade: the vetoes and grade rules whose
/// ceiling is the grade given (the worst ceiling wins); `None` where the total decided it.
fn capped_by(o: &Outcome) -> Option<String> {
    o.grade_from_total.as_ref()?;
    let grade = o.grade.as_deref()?;
    let mut labels: Vec<String> = Vec::new();
    for v in &o.vetoes {
        if v.grade.as_deref() == Some(grade) {
            labels.push(v.label.clone());
        }
    }
    for g in &o.grade_rules {
        if g.grade_at_most == grade {
            labels.push(g.label.clone().unwrap_or_else(|| g.when.clone()));
        }
    }
    (!labels.is_empty()).then(|| labels.join(";"))
}

/// Each leaf's contribution to the base, rounded so that they add up to it exactly (see the
/// module's note); `None` for a leaf left out, and for all where the row has no base.
fn contributions(rb: &Rulebook, tree: &Tree, o: &Outcome) -> Vec<Option<Decimal>> {
    let none = || vec![None; tree.leaves.len()];
    let Some(base) = o.base else { return none() };
    let weights = rb.indicator_weights(o.profile.as_deref()).unwrap_or_default();
    let nodes = &o.nodes;
    if nodes.len() != tree.parent.len() {
        return none();
    }
    let applicable = |k: usize| nodes[k].status != Status::NotApplicable && nodes[k].points.is_some();
    // What node k adds to its parent's aggregate.
    let term = |k: usize| -> Decimal {
        let points = nodes[k].points.unwrap_or_default();
        match weights.get(k).copied().flatten() {
            Some(w) if !nodes[k].max.is_zero() => points / nodes[k].max * w,
            _ => points,
        }
    };
    // Split `amount` among `among` in proportion to their terms (by their maxima where the terms
    // add up to nothing, so that an amount is never lost).
    let split = |amount: Decimal, among: &[usize]| -> Vec<Decimal> {
        let terms: Vec<Decimal> = among.iter().map(|&k| term(k)).collect();
        let sum: Decimal = terms.iter().sum();
        if !sum.is_zero() {
            return terms.iter().map(|t| amount * (*t / sum)).collect();
        }
        let maxes: Vec<Decimal> = among.iter().map(|&k| nodes[k].max).collect();
        let all: Decimal = maxes.iter().sum();
        if all.is_zero() {
            let share = amount / Decimal::from(among.len().max(1));
            return vec![share; among.len()];
        }
        maxes.iter().map(|m| amount * (*m / all)).collect()
    };
    let mut share: Vec<Option<Decimal>> = vec![None; nodes.len()];
    let roots: Vec<usize> = (0..nodes.len()).filter(|&k| tree.parent[k].is_none() && applicable(k)).collect();
    for (k, s) in roots.iter().zip(split(base, &roots)) {
        share[*k] = Some(s);
    }
    // Parents come before their children in file order.
    for k in 0..nodes.len() {
        let Some(mine) = share[k] else { continue };
        let kids: Vec<usize> = tree.children[k].iter().copied().filter(|&c| applicable(c)).collect();
        for (c, s) in kids.iter().zip(split(mine, &kids)) {
            share[*c] = Some(s);
        }
    }
    let raw: Vec<Option<Decimal>> = tree.leaves.iter().map(|&k| share[k]).collect();
    apportion(base, &raw, rb.scale())
}

/// Round `raw` shares to `scale` places so that they add up to `total` exactly: each rounded
/// down, then the units left over go one each to the largest remainders (ties: file order).
fn apportion(total: Decimal, raw: &[Option<Decimal>], scale: u32) -> Vec<Option<Decimal>> {
    let unit = Decimal::new(1, scale);
    let mut out: Vec<Option<Decimal>> = Vec::with_capacity(raw.len());
    let mut rest: Vec<(Decimal, usize)> = Vec::new();
    let mut sum = Decimal::ZERO;
    for (k, r) in raw.iter().enumerate() {
        match r {
            Some(r) => {
                let down = (r / unit).floor() * unit;
                sum += down;
                rest.push((r - down, k));
                out.push(Some(down));
            }
            None => out.push(None),
        }
    }
    if rest.is_empty() {
        return out;
    }
    let mut left = ((total - sum) / unit).round();
    // Largest remainders first; equal ones in file order.
    rest.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut i = 0;
    while left > Decimal::ZERO {
        let k = rest[i % rest.len()].1;
        out[k] = out[k].map(|d| d + unit);
        left -= Decimal::ONE;
        i += 1;
    }
    // The rounding of the division may leave the raw shares a hair above the total: take the
    // surplus from the smallest remainders.
    let mut i = 0;
    while left < Decimal::ZERO {
        let k = rest[rest.len() - 1 - i % rest.len()].1;
        out[k] = out[k].map(|d| d - unit);
        left += Decimal::ONE;
        i += 1;
    }
    out.into_iter()
        .map(|d| {
            d.map(|mut d| {
                d.rescale(scale);
                d
            })
        })
        .collect()
}
