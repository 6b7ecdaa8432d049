//! Checks that depend on profiles and dates (spec §7, §14): points that add up in every profile,
//! weights under weighted nodes, band order and linear x values and grade bounds on every date a
//! parameter changes, in every profile.

use rustc_hash::FxHashSet as HashSet;
use std::collections::BTreeSet;

use super::{Bound, Compiled, Operand};
use crate::date::Date;
use crate::error::ErrorKind;
use crate::model::{Aggregate, Doc};
use crate::num::Num;
use crate::read::Reader;
use crate::rules::{Rule, show};

/// Run every profile- and date-dependent check, fill in `max`, and record problems in `r`.
pub fn run(c: &mut Compiled, doc: &Doc, r: &mut Reader) {
    // Positions by id, found once (a search per indicator would be quadratic in their number).
    let positions: rustc_hash::FxHashMap<&str, crate::syntax::Pos> =
        doc.indicators.iter().rev().map(|i| (i.id.value.as_str(), i.pos)).collect();
    let pos_of = |id: &str| positions.get(id).copied();
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

    // Parameter-dependent checks on every date a parameter changes, in every profile — but each
    // set of operands only once per distinct setting of the parameters it reads: profiles that
    // give those parameters the same values are one case, and only the dates on which one of
    // them changes are visited. The work is then bounded by what the file writes down, not by
    // profiles × dates × rules.
    let dated = c.params.iter().any(|p| p.values.iter().any(|v| matches!(v, super::ParamValue::Dated(_))));
    let variants = variants(c);
    let mut seen: BTreeSet<(String, String)> = BTreeSet::new();
    let mut check = |operands: &[&Operand],
                     path: String,
                     pos,
                     run: &mut dyn FnMut(&Resolve<'_>) -> Vec<(ErrorKind, String)>| {
        for (p, date) in cases(c, &variants, operands) {
            let resolve = |op: &Operand| -> Option<Num> { c.operand_value(op, p, date) };
            if operands.iter().any(|o| resolve(o).is_none()) {
                continue; // a parameter has no value on this date: scoring would say NoDatedValue
            }
            for (kind, msg) in run(&resolve) {
                if seen.insert((path.clone(), msg.clone())) {
                    r.problem(kind, pos, &path, format!("{msg}{}", where_words(c, p, date, dated)));
                }
            }
        }
    };
    let mut rule_checks = |rule: &Rule, path: String, pos| {
        let operands = rule.operands();
        check(&operands, path, pos, &mut |resolve| {
            let mut problems = Vec::new();
            rule.check(&|o| resolve(o).unwrap_or(Num::ZERO), &mut problems);
            problems
        });
    };
    for node in &c.nodes {
        if let Some(rule) = &node.rule {
            // At the rule's line (`bands = …`), or at the threshold out of order — not at the
            // indicator's header.
            let written = doc.indicators.iter().find(|d| d.id.value == node.id).and_then(|d| d.rule.as_ref());
            let pos = match written {
                Some((crate::rules::RuleDoc::Bands(b), at)) => b.order_slip().or(Some(*at)),
                Some((_, at)) => Some(*at),
                None => pos_of(&node.id),
            };
            rule_checks(rule, format!("indicator \"{}\"", node.id), pos);
        }
    }
    for (items, key, docs) in [(&c.bonus, "bonus", &doc.bonus), (&c.penalty, "penalty", &doc.penalty)] {
        for it in items.iter() {
            let pos = docs.iter().find(|d| d.id.value == it.id).map(|d| d.pos);
            rule_checks(&it.rule, format!("{key} \"{}\"", it.id), pos);
        }
    }
    // A veto's score sets the total (§9), which is never below 0 (§8).
    for v in &c.vetoes {
        let Some(score) = &v.score else { continue };
        let d = doc.vetoes.iter().find(|d| d.id.value == v.id);
        let pos = d.and_then(|d| d.score.as_ref()).map(|s| s.pos());
        check(&[score], format!("veto \"{}\"", v.id), pos, &mut |resolve| match resolve(score) {
            Some(s) if s.is_negative() => vec![(
                ErrorKind::Schema,
                format!("a veto's score sets the total, which cannot be below 0; this one is {}", show(&s)),
            )],
            _ => Vec::new(),
        });
    }
    let bounds: Vec<(usize, &Operand)> = c
        .grades
        .iter()
        .enumerate()
        .filter_map(|(i, g)| g.bound.as_ref().map(|(Bound::AtLeast(o) | Bound::Above(o))| (i, o)))
        .collect();
    // The gap to the next grade publishes the bound (and, for `above`, the bound plus one unit at
    // the scale): a bound no decimal can hold there would fail every explained record that falls
    // short of it.
    let unit = Num::from_ratio(1, 10i128.pow(scale)).unwrap_or(Num::ONE);
    for &(i, b) in &bounds {
        let g = &c.grades[i];
        let pos = doc.grades.iter().find(|d| d.label.value == g.label).map(|d| d.pos);
        let above = matches!(g.bound, Some(Bound::Above(_)));
        check(&[b], format!("grade \"{}\"", g.label), pos, &mut |resolve| match resolve(b) {
            Some(b) if unpublishable(&b) || (above && unpublishable(&b.add(&unit))) => {
                vec![(ErrorKind::Schema, too_large("its bound", "is", &b, 0))]
            }
            _ => Vec::new(),
        });
    }
    // Grade bounds strictly decrease.
    for w in bounds.windows(2) {
        let ((_, a), (j, b)) = (w[0], w[1]);
        let label = &c.grades[j].label;
        // At the bound that does not decrease (`at_least = 5`), not at the `[[grade]]` header.
        let pos = doc.grades.iter().find(|g| g.label.value == *label).map(|g| match &g.bound {
            Some(crate::model::BoundDoc::AtLeast(o) | crate::model::BoundDoc::Above(o)) => o.pos(),
            None => g.pos,
        });
        check(&[a, b], format!("grade \"{label}\""), pos, &mut |resolve| match (resolve(a), resolve(b)) {
            (Some(a), Some(b)) if b >= a => vec![(
                ErrorKind::GradeOrder,
                format!(
                    "grade bounds must strictly decrease: \"{label}\" has {} after {}",
                    show(&b),
                    show(&a)
                ),
            )],
            _ => Vec::new(),
        });
    }
}

/// For each parameter, each profile's variant: profiles that give the parameter the same value
/// (dated or not) share a number, the base's being 0.
fn variants(c: &Compiled) -> Vec<Vec<u32>> {
    c.params
        .iter()
        .map(|par| {
            let mut distinct: Vec<&super::ParamValue> = Vec::new();
            par.values
                .iter()
                .map(|v| match distinct.iter().position(|d| *d == v) {
                    Some(i) => i as u32,
                    None => {
                        distinct.push(v);
                        (distinct.len() - 1) as u32
                    }
                })
                .collect()
        })
        .collect()
}

/// The (profile, date) cases in which `operands` must be checked: one profile for each distinct
/// setting of the parameters they read (the base first), and for each, every date on which one
/// of those parameters changes (or no date when none is dated).
fn cases(c: &Compiled, variants: &[Vec<u32>], operands: &[&Operand]) -> Vec<(usize, Option<Date>)> {
    let params: Vec<usize> = operands
        .iter()
        .filter_map(|o| match o {
            Operand::Param(slot) => Some((*slot - c.param_base()) as usize),
            Operand::Const(_) => None,
        })
        .filter(|&i| i < c.params.len())
        .collect();
    let mut out = Vec::new();
    let mut settings: HashSet<Vec<u32>> = HashSet::default();
    #[allow(clippy::needless_range_loop)] // `p` indexes every parameter's variants, not one slice
    for p in 0..c.profiles.len() {
        if !settings.insert(params.iter().map(|&i| variants[i][p]).collect()) {
            continue;
        }
        let mut dates: BTreeSet<Date> = BTreeSet::new();
        for &i in &params {
            if let super::ParamValue::Dated(list) = &c.params[i].values[p] {
                dates.extend(list.iter().map(|(d, _)| *d));
            }
        }
        if dates.is_empty() {
            out.push((p, None));
        } else {
            out.extend(dates.into_iter().map(|d| (p, Some(d))));
        }
    }
    out
}

/// An operand's value in the case being checked (`None`: a dated parameter with no value yet).
type Resolve<'a> = dyn Fn(&Operand) -> Option<Num> + 'a;

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
