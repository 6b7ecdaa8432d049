//! What a rulebook reads: the inputs, parameters and derived values that something scoring
//! depends on — a rule, an `applies`, a veto, a criterion, a grade rule or bound, the key or
//! profile field, a component, an aggregate over a list — directly or through derived values
//! that are read.

use crate::compile::{Bound, Compiled, Operand};
use crate::expr::CExpr;

/// For every slot (inputs, then parameters, then derived values), whether something reads it.
pub(super) fn read_slots(book: &Compiled) -> Vec<bool> {
    let mut read = vec![false; book.slot_count];
    let mut todo: Vec<u32> = Vec::new();
    // An expression reads its slots, and the list inputs its aggregates go over (spec §18.1).
    let expr = |e: &CExpr, todo: &mut Vec<u32>| {
        e.slots(todo);
        e.for_each(|sub| {
            if let CExpr::Agg(call) = sub
                && let Some(list) = book.lists.get(call.list as usize)
            {
                todo.push(list.slot);
            }
        });
    };
    let operand = |op: &Operand, todo: &mut Vec<u32>| {
        if let Operand::Param(s) = op {
            todo.push(*s);
        }
    };
    for node in &book.nodes {
        if let Some(a) = &node.applies {
            expr(&a.expr, &mut todo);
        }
        if let Some(rule) = &node.rule {
            for e in rule.exprs() {
                expr(e, &mut todo);
            }
            for op in rule.operands() {
                operand(op, &mut todo);
            }
            todo.extend(rule.list_slot());
        }
    }
    for item in book.bonus.iter().chain(&book.penalty) {
        for e in item.rule.exprs() {
            expr(e, &mut todo);
        }
        for op in item.rule.operands() {
            operand(op, &mut todo);
        }
        todo.extend(item.rule.list_slot());
    }
    for v in &book.vetoes {
        expr(&v.when.expr, &mut todo);
        if let Some(s) = &v.score {
            operand(s, &mut todo);
        }
    }
    for c in &book.criteria {
        expr(&c.when.expr, &mut todo);
    }
    for g in &book.grade_rules {
        expr(&g.when.expr, &mut todo);
    }
    for g in &book.grades {
        if let Some(Bound::AtLeast(op) | Bound::Above(op)) = &g.bound {
            operand(op, &mut todo);
        }
    }
    todo.extend(book.key_field);
    todo.extend(book.profile_field);
    // A component reads the parent's inputs it declares and uses.
    for link in &book.components {
        let inner = read_slots(&link.book);
        for (i, &parent) in link.input_map.iter().enumerate() {
            if inner.get(i).copied().unwrap_or(false) {
                todo.push(parent);
            }
        }
    }
    // Close over derived values: one that is read reads what its expression reads.
    let derived: rustc_hash::FxHashMap<u32, &CExpr> =
        book.derived.iter().map(|d| (d.slot, &d.expr.expr)).collect();
    while let Some(s) = todo.pop() {
        let Some(slot) = read.get_mut(s as usize) else { continue };
        if *slot {
            continue;
        }
        *slot = true;
        if let Some(e) = derived.get(&s) {
            expr(e, &mut todo);
        }
    }
    read
}
