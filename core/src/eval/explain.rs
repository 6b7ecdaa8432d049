//! Explaining a scored record: the interpreter's trace and what it noted on the way become an
//! [`Outcome`] — every node's points with its rule in words and the values it read, bonus and
//! penalty items, vetoes (the record's own and its components'), criteria, lost points and the
//! gap to the next grade (or what holds the grade). Values are published here, at the
//! rulebook's scale: one that cannot be is an `Overflow` naming its place.

use rust_decimal::Decimal;

use super::{ComponentVetoHit, Run, Trace, Why};
use crate::compile::{Bound, Compiled};
use crate::error::{ErrorKind, Issue};
use crate::expr::Val;
use crate::num::Num;
use crate::outcome::*;
use crate::rules::{Note, RecordEnv, show};

/// Convert a published value to a decimal at the rulebook's scale.
pub(crate) fn decimal(book: &Compiled, n: &Num, at: &str) -> Result<Decimal, Issue> {
    n.to_decimal_at(book.meta.scale, book.meta.rounding).ok_or_else(|| {
        Issue::at(ErrorKind::Overflow, at, format!("{} at {at} cannot be represented as a decimal", show(n)))
    })
}

fn read_of(book: &Compiled, run: &Run<'_>, slot: u32) -> ValueRead {
    let value = match &run.slots[slot as usize] {
        Val::Num(n) => Some(show(n)),
        Val::Bool(b) => Some(b.to_string()),
        Val::Text(t) => Some((*t).to_owned()),
        // List inputs are read by their rules: show the marks, or how many items. (Only an
        // input's slot is in the record; a parameter or derived value with no data shows none.)
        Val::NoData if (slot as usize) < book.schema.inputs.len() => match run.view.get(slot) {
            Some(crate::input::Value::Numbers(v)) => Some(format!(
                "[{}]",
                v.iter().map(|d| d.normalize().to_string()).collect::<Vec<_>>().join(", ")
            )),
            Some(crate::input::Value::Items(v)) => Some(format!("×{}", v.len())),
            _ => None,
        },
        Val::NoData => None,
    };
    ValueRead {
        name: book.slot_name(slot).to_owned(),
        label: book.slot_label(slot).map(str::to_owned),
        value,
    }
}

/// The parts of a condition that held, as written: of `a or b or c` those that are true; the
/// whole text when it is no `or` (it held: it is only asked of conditions that fired).
fn held_parts<'r>(run: &Run<'r>, when: &'r crate::scope::Expression) -> Vec<String> {
    let crate::expr::CExpr::Or(parts) = &when.expr else { return vec![when.text.clone()] };
    // The written text of each part: the compiled `or` keeps the parsed one's parts, in order.
    let Ok(crate::expr::Expr { kind: crate::expr::ExprKind::Or(written), .. }) =
        crate::expr::parse(&when.text)
    else {
        return vec![when.text.clone()];
    };
    if written.len() != parts.len() {
        return vec![when.text.clone()];
    }
    let chars: Vec<char> = when.text.chars().collect();
    parts
        .iter()
        .zip(&written)
        .filter(|(p, _)| matches!(run.truth(p), Ok(Some(true))))
        .map(|(_, w)| {
            let (a, b) = (w.span.start.min(chars.len()), w.span.end.min(chars.len()));
            chars[a..b].iter().collect::<String>().trim().to_owned()
        })
        .collect()
}

/// Build the full outcome of a scored record.
pub(crate) fn build(run: &Run<'_>, t: &Trace, why: Why) -> Result<Outcome, Issue> {
    let book = run.book;
    let profile = t.profile;
    // One unit of the last published place: the smallest step above a strict (`above`) bound.
    let scale_unit = Num::from_ratio(1, 10i128.pow(book.meta.scale)).unwrap_or(Num::ONE);
    let mut nodes = Vec::with_capacity(book.nodes.len());
    for (i, (node, w)) in book.nodes.iter().zip(why.nodes).enumerate() {
        let max = &book.points[profile][i];
        let points = match &t.points[i] {
            Some(p) => Some(decimal(book, p, &node.id)?),
            None => None,
        };
        let clamp = match (&w.raw, &w.clamped) {
            (Some(r), Some(c)) if r != c => Some(Clamp { from: show(r), to: show(c) }),
            _ => None,
        };
        let exact = match (&w.clamped, points) {
            (Some(c), Some(p)) if Num::from_decimal(p) != *c => Some(show(c)),
            _ => None,
        };
        nodes.push(NodeOutcome {
            id: node.id.clone(),
            label: node.label.clone(),
            depth: node.depth,
            points,
            max: decimal(book, max, &node.id)?,
            status: t.status[i],
            note: w.note,
            reads: node.reads.iter().map(|&s| read_of(book, run, s)).collect(),
            clamp,
            exact,
            rescale: w.rescale.map(|(o, m, left)| Rescale {
                obtained: show(&o),
                out_of: show(&m),
                left_out: left.iter().map(|&c| book.nodes[c as usize].id.clone()).collect(),
            }),
            weighted: node.aggregate == crate::model::Aggregate::Weighted && !node.children.is_empty(),
            source: node.source.clone(),
            component: w.component,
        });
    }
    let adjust = |items: &[crate::compile::AdjustItem],
                  got: Vec<(Num, Option<Note>)>|
     -> Result<Vec<AdjustOutcome>, Issue> {
        items
            .iter()
            .zip(got)
            .map(|(it, (p, note))| {
                Ok(AdjustOutcome {
                    id: it.id.clone(),
                    label: it.label.clone(),
                    points: decimal(book, &p, &it.id)?,
                    max: decimal(book, &it.points, &it.id)?,
                    note,
                    source: it.source.clone(),
                })
            })
            .collect()
    };
    let bonus_items = adjust(&book.bonus, why.bonus)?;
    let penalty_items = adjust(&book.penalty, why.penalty)?;
    let vetoes = t
        .vetoes
        .iter()
        .map(|&v| {
            let v = &book.vetoes[v as usize];
            Ok(VetoOutcome {
                id: v.id.clone(),
                label: v.label.clone(),
                when: v.when.text.clone(),
                score: match &v.score {
                    Some(s) => Some(decimal(book, &book.round(&run.operand(s)), &v.id)?),
                    None => None,
                },
                grade: v.grade.map(|g| book.grades[g as usize].label.clone()),
                source: v.source.clone(),
            })
        })
        .collect::<Result<Vec<_>, Issue>>()?;
    let criteria = book
        .criteria
        .iter()
        .enumerate()
        .map(|(i, c)| CriterionOutcome {
            id: c.id.clone(),
            label: c.label.clone(),
            when: c.when.text.clone(),
            holds: t.criteria[i],
            no_data: why.criteria_no_data.get(i).copied().unwrap_or(false),
            reads: c.reads.iter().map(|&s| read_of(book, run, s)).collect(),
            source: c.source.clone(),
        })
        .collect();
    let grade_rules = t
        .grade_rules
        .iter()
        .map(|&g| {
            let r = &book.grade_rules[g as usize];
            let mut slots = Vec::new();
            r.when.expr.slots(&mut slots);
            let mut seen = Vec::new();
            slots.retain(|s| {
                !seen.contains(s) && {
                    seen.push(*s);
                    true
                }
            });
            GradeRuleOutcome {
                index: g as usize,
                label: r.label.clone(),
                when: r.when.text.clone(),
                grade_at_most: book.grades[r.at_most as usize].label.clone(),
                held: held_parts(run, &r.when),
                reads: slots.iter().map(|&s| read_of(book, run, s)).collect(),
            }
        })
        .collect();

    // Points lost on scored leaves, largest first (ties in file order).
    let mut lost: Vec<Lost> = Vec::new();
    for (i, node) in book.nodes.iter().enumerate() {
        if node.rule.is_none() || t.status[i] == Status::NotApplicable {
            continue;
        }
        let published = nodes[i].points.unwrap_or_default();
        let l = nodes[i].max - published;
        if l > Decimal::ZERO {
            lost.push(Lost { id: node.id.clone(), label: node.label.clone(), lost: l });
        }
    }
    lost.sort_by_key(|l| std::cmp::Reverse(l.lost)); // stable: ties stay in file order

    let total = match &t.total {
        Some(x) => Some(decimal(book, x, "total")?),
        None => None,
    };
    let next_grade = match (t.grade, &t.total) {
        (Some(g), Some(total)) if g > 0 => {
            let better = &book.grades[g as usize - 1];
            // Vetoes that set the total, and ceilings at this grade or worse, hold it here.
            let mut blocked_by: Vec<Hold> = t
                .vetoes
                .iter()
                .map(|&v| &book.vetoes[v as usize])
                .filter(|v| v.score.is_some() || v.grade.is_some_and(|c| c >= g))
                .map(|v| Hold { kind: HoldKind::Veto, id: v.id.clone(), label: v.label.clone() })
                .collect();
            blocked_by.extend(
                t.grade_rules.iter().filter(|&&r| book.grade_rules[r as usize].at_most >= g).map(|&r| {
                    let rule = &book.grade_rules[r as usize];
                    Hold {
                        kind: HoldKind::GradeRule,
                        id: format!("#{}", r + 1),
                        label: rule.label.clone().unwrap_or_else(|| rule.when.text.clone()),
                    }
                }),
            );
            // Only the last grade has no bound, and a better grade is never the last.
            let bound = match &better.bound {
                Some(Bound::AtLeast(op)) => Some((run.operand(op), false)),
                Some(Bound::Above(op)) => Some((run.operand(op), true)),
                None => None,
            };
            match bound {
                Some((b, strict)) => {
                    let need = if strict { b.add(&scale_unit).sub(total) } else { b.sub(total) };
                    let gap = if blocked_by.is_empty() { Some(decimal(book, &need, "grade")?) } else { None };
                    let bound = decimal(book, &b, "grade")?;
                    Some(NextGrade { grade: better.label.clone(), bound, strict, gap, blocked_by })
                }
                None => None,
            }
        }
        _ => None,
    };
    let opt = |n: &Option<Num>, at: &str| -> Result<Option<Decimal>, Issue> {
        match n {
            Some(x) => Ok(Some(decimal(book, x, at)?)),
            None => Ok(None),
        }
    };
    let has_total = book.has_total();
    let total_before_vetoes = match (&why.total_before_vetoes, &t.total) {
        (Some(b), Some(a)) if b != a => Some(decimal(book, b, "total")?),
        _ => None,
    };
    let grade_from_total = match (why.grade_from_total, t.capped) {
        (Some(g), true) => Some(book.grades[g as usize].label.clone()),
        _ => None,
    };
    Ok(Outcome {
        schema: SCHEMA.to_owned(),
        rulebook: RulebookRef {
            id: book.meta.id.clone(),
            title: book.meta.title.clone(),
            version: book.meta.version.clone(),
            fingerprint: book.fingerprint.clone(),
            variant_of: book.meta.variant_of.clone(),
        },
        key: t.key.clone().unwrap_or_else(|| run.row.unwrap_or(1).to_string()),
        profile: (profile > 0).then(|| book.profiles[profile].name.clone()),
        as_of: t.as_of,
        total,
        max: if has_total { Some(decimal(book, &book.max[profile], "max")?) } else { None },
        grade: t.grade.map(|g| book.grades[g as usize].label.clone()),
        passed: t.passed,
        base: opt(&t.base, "base")?,
        bonus: if has_total { Some(decimal(book, &t.bonus, "bonus")?) } else { None },
        penalty: if has_total { Some(decimal(book, &t.penalty, "penalty")?) } else { None },
        total_before_vetoes,
        grade_from_total,
        rescale: why.root_rescale.map(|(o, m, left)| Rescale {
            obtained: show(&o),
            out_of: show(&m),
            left_out: left.iter().map(|&c| book.nodes[c as usize].id.clone()).collect(),
        }),
        nodes,
        bonus_items,
        penalty_items,
        vetoes,
        component_vetoes: t
            .component_vetoes
            .iter()
            .map(|hit| component_veto(book, hit))
            .collect::<Result<Vec<_>, Issue>>()?,
        criteria,
        grade_rules,
        lost,
        next_grade,
        derived: book.derived.iter().map(|d| read_of(book, run, d.slot)).collect(),
        aggregates: aggregate_lines(run),
        items: run.item_results.clone(),
        warnings: run
            .view
            .unknown
            .iter()
            .map(|u| crate::input::NotAnInput::of(&book.schema, u).field_warning(crate::Lang::En))
            .collect(),
    })
}

/// One line per aggregate call: what it read and found (spec §18.6).
fn aggregate_lines(run: &Run<'_>) -> Vec<AggregateLine> {
    let book = run.book;
    let tallies = run.tallies.borrow();
    book.aggregates
        .iter()
        .zip(tallies.iter())
        .map(|(site, tally)| {
            let def = &book.lists[site.list as usize];
            let input = &book.schema.inputs[def.slot as usize];
            let (selected, of, value, no_data_item) = match tally {
                // A call never evaluated (in a branch not taken, or under an indicator left out).
                None => (0, None, None, None),
                Some(t) => (
                    t.selected,
                    run.lists.get(site.list as usize).and_then(Option::as_ref).map(|_| t.of),
                    value_text(&t.value),
                    t.no_data_at.map(|p| p as usize + 1),
                ),
            };
            AggregateLine {
                place: site.place.clone(),
                call: site.call.clone(),
                function: site.func.name().to_owned(),
                list: def.name.clone(),
                list_label: input.label.clone(),
                x: site.x.clone(),
                cond: site.cond.clone(),
                selected,
                of,
                value,
                no_data_item,
            }
        })
        .collect()
}

/// A value as explanations show it (`None`: no data).
fn value_text(v: &Val<'_>) -> Option<String> {
    match v {
        Val::Num(n) => Some(show(n)),
        Val::Bool(b) => Some(b.to_string()),
        Val::Text(t) => Some((*t).to_owned()),
        Val::NoData => None,
    }
}

/// Describe a carried-up veto hit of `book`'s record.
fn component_veto(book: &Compiled, hit: &ComponentVetoHit) -> Result<ComponentVeto, Issue> {
    let node = &book.nodes[hit.node as usize];
    let inner: &Compiled = &hit.rulebook;
    let v = &inner.vetoes[hit.veto as usize];
    Ok(ComponentVeto {
        indicator: node.id.clone(),
        indicator_label: node.label.clone(),
        rulebook: inner.meta.id.clone(),
        rulebook_title: inner.meta.title.clone(),
        id: v.id.clone(),
        label: v.label.clone(),
        when: v.when.text.clone(),
        score: match &hit.score {
            Some(n) => Some(decimal(inner, n, &v.id)?),
            None => None,
        },
        grade: v.grade.map(|g| inner.grades[g as usize].label.clone()),
        source: v.source.clone(),
    })
}
