//! Adding published points up over a group of rows: sum nodes, weighted nodes, and bonus and
//! penalty items with their caps. All in whole units of 10^−scale.

use super::NONE;
use super::expr::Chunk;
use super::plan::Plan;
use crate::compile::Compiled;
use crate::num::{Fraction, round_div_i128};
use crate::vector::all_slow;

/// Σ of unit columns.
///
/// Each child's published points lie in [0, its points] (rules clamp what they publish, and a
/// weighted node's points are a weighted mean of its children's shares of their points times
/// its own), and a sum node's children add up to its points in units exactly (checked at load,
/// as the top level adds up to the max; the plan takes points with no more places than the
/// scale). So the sum lies in [0, `max`]: plain adds, which vectorise, and no test per row.
pub(super) fn sum_units<'c>(
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
pub(super) fn weighted(
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
    let weights: Option<Vec<Fraction>> =
        node.children.iter().map(|&c| book.weights[p][c as usize].as_ref().and_then(Fraction::of)).collect();
    let Some(weights) = weights else {
        all_slow(slow);
        return vec![0; n];
    };
    let mut out = Vec::with_capacity(n);
    for (i, sl) in slow.iter_mut().enumerate().take(n) {
        let mut acc = Fraction::ZERO;
        let mut wsum = Fraction::ZERO;
        let mut ok = true;
        for (&c, &w) in node.children.iter().zip(&weights) {
            let c = c as usize;
            let (u, cm) = (points[c].get(i).copied().unwrap_or(NONE), plan.node_units[p][c]);
            let step = (u != NONE && cm != 0)
                .then(|| {
                    Fraction::checked_mul(Fraction { n: u, d: cm }, w)
                        .and_then(|x| Some((Fraction::checked_add(acc, x)?, Fraction::checked_add(wsum, w)?)))
                })
                .flatten();
            match step {
                Some((a, s)) => (acc, wsum) = (a, s),
                None => ok = false,
            }
        }
        let v = ok
            .then(|| {
                Fraction::checked_div(acc, wsum)
                    .and_then(|x| Fraction::checked_mul(x, Fraction { n: own, d: 1 }))
            })
            .flatten();
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
pub(super) fn adjust(
    env: &Chunk<'_>,
    items: &[crate::compile::AdjustItem],
    item_units: &[i64],
    cap: i64,
    slow: &mut [bool],
) -> Option<Vec<i64>> {
    let mut sum: Option<Vec<i64>> = None;
    for (k, it) in items.iter().enumerate() {
        let published = it.rule.units(env, slow, item_units[k]);
        match &mut sum {
            None => sum = Some(published),
            Some(sum) => sum.iter_mut().zip(published).for_each(|(a, p)| *a = a.saturating_add(p)),
        }
    }
    let mut sum = sum?;
    sum.iter_mut().for_each(|a| *a = (*a).min(cap));
    Some(sum)
}
