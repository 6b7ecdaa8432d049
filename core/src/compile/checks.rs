//! Checks that depend on profiles and dates (spec §7, §14): points that add up in every profile,
//! weights under weighted nodes, band order and linear x values and grade bounds on every date a
//! parameter changes, in every profile.

use std::collections::BTreeSet;

use super::{Bound, Compiled, Operand};
use crate::date::Date;
use crate::error::ErrorKind;
use crate::model::read::Reader;
use crate::model::{Aggregate, Doc};
use crate::num::Num;
use crate::rules::{Rule, show};

/// Run every profile- and date-dependent check, fill in `max`, and record problems in `r`.
pub fn run(c: &mut Compiled, doc: &Doc, r: &mut Reader) {
    let pos_of = |id: &str| doc.indicators.iter().find(|i| i.id.value == id).map(|i| i.pos);
    let np = c.profiles.len();

    // The max per profile.
    c.max = (0..np).map(|p| c.top.iter().fold(Num::ZERO, |a, &n| a.add(&c.points[p][n as usize]))).collect();
    // The declared max describes the base profile: profiles may override top-level points.
    if let Some(declared) = &doc.meta.max
        && c.max[0] != declared.value
    {
        r.problem(
            ErrorKind::PointsMismatch,
            Some(declared.pos),
            "[rulebook] max",
            format!(
                "the top-level indicators add up to {}, not the declared max {}",
                show(&c.max[0]),
                show(&declared.value)
            ),
        );
    }

    // Points that no decimal can hold at the rulebook's scale would make every record fail when
    // its result is published: refused here, so that a rulebook that loads can score (§14).
    // The max is checked too: each indicator may fit while their sum does not.
    let (scale, rounding) = (c.meta.scale, c.meta.rounding);
    let unpublishable = |n: &Num| n.to_decimal_at(scale, rounding).is_none();
    let too_large = |what: &str, verb: &str, n: &Num, p: usize| {
        format!(
            "{what} {}{} {verb} too large to publish at {scale} decimal places (a result holds at most 28 digits)",
            show(n),
            profile_words(c, p)
        )
    };
    let mut every_node_fits = true;
    for (ni, node) in c.nodes.iter().enumerate() {
        if let Some(p) = (0..np).find(|&p| unpublishable(&c.points[p][ni])) {
            every_node_fits = false;
            r.problem(
                ErrorKind::Schema,
                pos_of(&node.id),
                &format!("indicator \"{}\"", node.id),
                too_large("its points", "are", &c.points[p][ni], p),
            );
        }
    }
    if every_node_fits && let Some(p) = (0..np).find(|&p| unpublishable(&c.max[p])) {
        let first_top = c.top.first().and_then(|&t| pos_of(&c.nodes[t as usize].id));
        r.problem(
            ErrorKind::Schema,
            doc.meta.max.as_ref().map(|m| m.pos).or(first_top),
            "[rulebook] max",
            too_large("the max (the top-level indicators' points added up)", "is", &c.max[p], p),
        );
    }

    // Sums and weights, per profile.
    for (ni, node) in c.nodes.iter().enumerate() {
        let path = format!("indicator \"{}\"", node.id);
        if node.children.is_empty() {
            if node.aggregate == Aggregate::Weighted {
                r.problem(
                    ErrorKind::Schema,
                    pos_of(&node.id),
                    &path,
                    "`aggregate = \"weighted\"` applies to an indicator with children",
                );
            }
            continue;
        }
        match node.aggregate {
            Aggregate::Sum => {
                for p in 0..np {
                    let sum = node.children.iter().fold(Num::ZERO, |a, &ch| a.add(&c.points[p][ch as usize]));
                    let own = &c.points[p][ni];
                    let differs_from_base = p == 0
                        || c.points[p][ni] != c.points[0][ni]
                        || node
                            .children
                            .iter()
                            .any(|&ch| c.points[p][ch as usize] != c.points[0][ch as usize]);
                    if sum != *own && differs_from_base {
                        r.problem(
                            ErrorKind::PointsMismatch,
                            pos_of(&node.id),
                            &path,
                            format!(
                                "its children's points add up to {}{}, not its {} points",
                                show(&sum),
                                profile_words(c, p),
                                show(own)
                            ),
                        );
                    }
                }
                for &ch in &node.children {
                    let child = &c.nodes[ch as usize];
                    if c.weights[0][ch as usize].is_some() {
                        r.problem(
                            ErrorKind::Schema,
                            pos_of(&child.id),
                            &format!("indicator \"{}\"", child.id),
                            format!(
                                "`weight` only applies under a weighted parent; \"{}\" adds its children up",
                                node.id
                            ),
                        );
                    }
                }
            }
            Aggregate::Weighted => {
                for &ch in &node.children {
                    let child = &c.nodes[ch as usize];
                    let cpath = format!("indicator \"{}\"", child.id);
                    if c.weights[0][ch as usize].is_none() {
                        r.problem(
                            ErrorKind::Schema,
                            pos_of(&child.id),
                            &cpath,
                            format!("a child of weighted \"{}\" needs a `weight`", node.id),
                        );
                    }
                    for p in 0..np {
                        if !c.points[p][ch as usize].is_positive()
                            && (p == 0 || c.points[p][ch as usize] != c.points[0][ch as usize])
                        {
                            r.problem(
                                ErrorKind::Schema,
                                pos_of(&child.id),
                                &cpath,
                                format!(
                                    "a child of a weighted node needs positive points{}",
                                    profile_words(c, p)
                                ),
                            );
                        }
                    }
                }
            }
        }
    }

    // Parameter-dependent checks on every date a parameter changes, in every profile.
    let dates: Vec<Option<Date>> = {
        let mut set = BTreeSet::new();
        for p in &c.params {
            for v in &p.values {
                if let super::ParamValue::Dated(list) = v {
                    set.extend(list.iter().map(|(d, _)| *d));
                }
            }
        }
        if set.is_empty() { vec![None] } else { set.into_iter().map(Some).collect() }
    };
    let mut seen: BTreeSet<(String, String)> = BTreeSet::new();
    for p in 0..np {
        for &date in &dates {
            let resolve = |op: &Operand| -> Option<Num> {
                match op {
                    Operand::Const(n) => Some(n.clone()),
                    Operand::Param(slot) => {
                        let ix = (*slot - c.param_base()) as usize;
                        c.params.get(ix)?.values[p].at(date).cloned()
                    }
                }
            };
            let mut check_rule = |rule: &Rule, path: String, pos| {
                if rule.operands().iter().any(|o| resolve(o).is_none()) {
                    return; // a parameter has no value on this date: scoring would say NoDatedValue
                }
                let mut problems = Vec::new();
                rule.check(&|o| resolve(o).unwrap_or(Num::ZERO), &mut problems);
                for (kind, msg) in problems {
                    if seen.insert((path.clone(), msg.clone())) {
                        r.problem(
                            kind,
                            pos,
                            &path,
                            format!("{msg}{}", where_words(c, p, date, dates.len() > 1)),
                        );
                    }
                }
            };
            for node in &c.nodes {
                if let Some(rule) = &node.rule {
                    check_rule(rule, format!("indicator \"{}\"", node.id), pos_of(&node.id));
                }
            }
            for (items, key, docs) in [(&c.bonus, "bonus", &doc.bonus), (&c.penalty, "penalty", &doc.penalty)]
            {
                for it in items.iter() {
                    let pos = docs.iter().find(|d| d.id.value == it.id).map(|d| d.pos);
                    check_rule(&it.rule, format!("{key} \"{}\"", it.id), pos);
                }
            }
            // A veto's score sets the total (§9), which is never below 0 (§8).
            for v in &c.vetoes {
                if let Some(score) = v.score.as_ref().and_then(&resolve)
                    && score.is_negative()
                {
                    let msg = format!(
                        "a veto's score sets the total, which cannot be below 0; this one is {}",
                        show(&score)
                    );
                    let path = format!("veto \"{}\"", v.id);
                    if seen.insert((path.clone(), msg.clone())) {
                        let doc = doc.vetoes.iter().find(|d| d.id.value == v.id);
                        let pos = doc.and_then(|d| d.score.as_ref()).map(|s| s.pos());
                        let whence = where_words(c, p, date, dates.len() > 1);
                        r.problem(ErrorKind::Schema, pos, &path, format!("{msg}{whence}"));
                    }
                }
            }
            // Grade bounds strictly decrease.
            let bounds: Vec<(usize, Option<Num>)> = c
                .grades
                .iter()
                .enumerate()
                .filter_map(|(i, g)| {
                    g.bound.as_ref().map(|b| match b {
                        Bound::AtLeast(o) | Bound::Above(o) => (i, resolve(o)),
                    })
                })
                .collect();
            // The gap to the next grade publishes the bound (and, for `above`, the bound plus
            // one unit at the scale): a bound no decimal can hold there would fail every
            // explained record that falls short of it.
            let unit = Num::from_ratio(1, 10i128.pow(scale)).unwrap_or(Num::ONE);
            for (i, b) in &bounds {
                let g = &c.grades[*i];
                let Some(b) = b else { continue };
                let above = matches!(g.bound, Some(Bound::Above(_)));
                if unpublishable(b) || (above && unpublishable(&b.add(&unit))) {
                    let msg = too_large("its bound", "is", b, 0);
                    if seen.insert((format!("grade \"{}\"", g.label), msg.clone())) {
                        let pos = doc.grades.iter().find(|d| d.label.value == g.label).map(|d| d.pos);
                        let whence = where_words(c, p, date, dates.len() > 1);
                        r.problem(
                            ErrorKind::Schema,
                            pos,
                            &format!("grade \"{}\"", g.label),
                            format!("{msg}{whence}"),
                        );
                    }
                }
            }
            for w in bounds.windows(2) {
                if let ((_, Some(a)), (j, Some(b))) = (&w[0], &w[1])
                    && b >= a
                {
                    let label = &c.grades[*j].label;
                    let msg = format!(
                        "grade bounds must strictly decrease: \"{label}\" has {} after {}",
                        show(b),
                        show(a)
                    );
                    if seen.insert(("[[grade]]".into(), msg.clone())) {
                        let pos = doc.grades.iter().find(|g| g.label.value == *label).map(|g| g.pos);
                        r.problem(
                            ErrorKind::GradeOrder,
                            pos,
                            &format!("grade \"{label}\""),
                            format!("{msg}{}", where_words(c, p, date, dates.len() > 1)),
                        );
                    }
                }
            }
        }
    }
}

fn profile_words(c: &Compiled, p: usize) -> String {
    if p == 0 { String::new() } else { format!(" in profile \"{}\"", c.profiles[p].name) }
}

fn where_words(c: &Compiled, p: usize, date: Option<Date>, dated: bool) -> String {
    let mut s = profile_words(c, p);
    if dated && let Some(d) = date {
        s.push_str(&format!(" from {d}"));
    }
    s
}
