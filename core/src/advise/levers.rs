//! The inputs a unit can change (levers) and the values each may take: a line of values from
//! its current one, up or down on a grid, within its declared `min`/`max`; or the other allowed
//! values of a boolean or text input.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::input::{DefaultDoc, Input, InputType, Record, Value};
use crate::num::Num;

/// Decimal inputs are searched on a grid of this many decimals at most.
pub(crate) const MAX_DECIMALS: u32 = 6;
/// An input with no declared bound on a side is searched up to this many times its magnitude
/// (at least this many units) away from its value.
pub(crate) const UNBOUNDED_REACH: i64 = 100;

/// One actionable input and the values it may take.
#[derive(Clone, Debug)]
pub(crate) struct Lever {
    /// The input's slot in the record.
    pub slot: usize,
    /// Its current value (the record's, else its default).
    pub from: Value,
    /// Its lines of other values.
    pub lines: Vec<Line>,
    /// What one unit of change weighs when alternatives are compared (its declared span, else
    /// its magnitude, at least 1).
    pub span: Decimal,
}

/// Values of a lever in one direction, position 1 the nearest, or the other choices.
#[derive(Clone, Debug)]
pub(crate) enum Line {
    /// `from + sign × t × step` for t in 1..=steps; the goal's side is found by bisection.
    Grid { from: Decimal, step: Decimal, sign: i8, steps: u64, integer: bool },
    /// The other values, in declared order; scanned one by one.
    Choices(Vec<Value>),
}

impl Line {
    /// How many positions the line has.
    pub fn len(&self) -> u64 {
        match self {
            Line::Grid { steps, .. } => *steps,
            Line::Choices(v) => v.len() as u64,
        }
    }

    /// Whether its values are ordered, so that bisection applies.
    pub fn ordered(&self) -> bool {
        matches!(self, Line::Grid { .. })
    }

    /// The value at position `t` (1-based; 0 is the current value, for grids).
    pub fn at(&self, t: u64) -> Option<Value> {
        match self {
            Line::Grid { from, step, sign, integer, .. } => {
                let d = Decimal::from(t).checked_mul(*step)?;
                let v = if *sign > 0 { from.checked_add(d)? } else { from.checked_sub(d)? };
                Some(if *integer { Value::Integer(v.to_i64()?) } else { Value::Decimal(v) })
            }
            Line::Choices(v) => v.get(usize::try_from(t).ok()?.checked_sub(1)?).cloned(),
        }
    }

    /// The same line, cut at position `t`: bisection within it looks nearer.
    pub fn upto(&self, t: u64) -> Line {
        match self {
            Line::Grid { from, step, sign, integer, .. } => {
                Line::Grid { from: *from, step: *step, sign: *sign, steps: t, integer: *integer }
            }
            Line::Choices(v) => Line::Choices(v[..(t as usize).min(v.len())].to_vec()),
        }
    }
}

/// The input's current value as a number (the record's, else its default), read as scoring
/// reads it; `None` when it has none or it does not read.
fn number(input: &Input, v: Option<&Value>) -> Option<Decimal> {
    match v {
        None => match &input.default {
            Some(DefaultDoc::Num(n)) => n.to_decimal(),
            _ => None,
        },
        Some(Value::Decimal(d)) => Some(*d),
        Some(Value::Integer(i)) => Some(Decimal::from(*i)),
        Some(Value::Text(t)) => {
            let t = if crate::eval::validate::is_percent(input) {
                crate::num::percent_text(t).unwrap_or(t)
            } else {
                t
            };
            crate::num::parse_decimal_text(t).ok()
        }
        Some(_) => None,
    }
}

fn decimal(n: &Option<Num>) -> Option<Decimal> {
    n.as_ref().and_then(Num::to_decimal)
}

/// The lever of one input, if the unit can change it: an actionable scalar input with a value
/// (or a default), not the record's key or profile.
pub(crate) fn lever(input: &Input, slot: usize, record: &Record, fixed: bool) -> Option<Lever> {
    if !input.actionable || fixed {
        return None;
    }
    let current = record.values.get(slot).and_then(Option::as_ref);
    match input.ty {
        InputType::Decimal | InputType::Integer => {
            let x0 = number(input, current)?;
            let integer = input.ty == InputType::Integer;
            if integer && !x0.fract().is_zero() {
                return None;
            }
            let (lo, hi) = (decimal(&input.min), decimal(&input.max));
            let scale = if integer {
                0
            } else {
                [Some(x0), lo, hi]
                    .iter()
                    .flatten()
                    .map(|d| d.normalize().scale())
                    .max()
                    .unwrap_or(0)
                    .clamp(2, MAX_DECIMALS)
            };
            if x0.normalize().scale() > scale {
                return None;
            }
            let step = Decimal::new(1, scale);
            let reach = x0.abs().max(Decimal::ONE).checked_mul(Decimal::from(UNBOUNDED_REACH));
            let up_to = hi.or_else(|| x0.checked_add(reach?));
            let down_to = lo.or_else(|| x0.checked_sub(reach?));
            // Checked throughout: bounds near the decimal's limits give no line, never a panic.
            let steps = |room: Option<Decimal>| -> u64 {
                match room.and_then(|r| r.checked_div(step)) {
                    Some(n) if n > Decimal::ZERO => n.floor().try_into().unwrap_or(0),
                    _ => 0,
                }
            };
            let mut lines = Vec::new();
            let rooms = [
                (1i8, up_to.and_then(|u| u.checked_sub(x0))),
                (-1i8, down_to.and_then(|d| x0.checked_sub(d))),
            ];
            for (sign, room) in rooms {
                let n = steps(room);
                if n > 0 {
                    lines.push(Line::Grid { from: x0, step, sign, steps: n, integer });
                }
            }
            let span = match (lo, hi) {
                (Some(l), Some(h)) if h > l => h.checked_sub(l).unwrap_or(Decimal::MAX),
                _ => x0.abs().max(Decimal::ONE),
            };
            let from = if integer { Value::Integer(x0.to_i64()?) } else { Value::Decimal(x0) };
            (!lines.is_empty()).then_some(Lever { slot, from, lines, span })
        }
        InputType::Boolean => {
            let b = match current {
                None => match &input.default {
                    Some(DefaultDoc::Bool(b)) => *b,
                    _ => return None,
                },
                Some(Value::Bool(b)) => *b,
                Some(Value::Text(t)) => crate::num::parse_bool_text(t)?,
                Some(_) => return None,
            };
            let lines = vec![Line::Choices(vec![Value::Bool(!b)])];
            Some(Lever { slot, from: Value::Bool(b), lines, span: Decimal::ONE })
        }
        InputType::Text => {
            let allowed = input.values.as_ref()?;
            let t = match current {
                None => match &input.default {
                    Some(DefaultDoc::Text(t)) => t.clone(),
                    _ => return None,
                },
                Some(Value::Text(t)) => t.trim().to_owned(),
                Some(_) => return None,
            };
            let others: Vec<Value> =
                allowed.iter().filter(|a| **a != t).map(|a| Value::Text(a.clone())).collect();
            (!others.is_empty()).then(|| Lever {
                slot,
                from: Value::Text(t),
                lines: vec![Line::Choices(others)],
                span: Decimal::ONE,
            })
        }
        InputType::Numbers | InputType::Items => None,
    }
}

/// How large a change is, in units of the lever's span (a choice counts 1).
pub(crate) fn size(lever: &Lever, to: &Value) -> Decimal {
    let n = |v: &Value| match v {
        Value::Integer(i) => Some(Decimal::from(*i)),
        Value::Decimal(d) => Some(*d),
        _ => None,
    };
    match (n(&lever.from), n(to)) {
        (Some(a), Some(b)) => {
            b.checked_sub(a).and_then(|d| d.abs().checked_div(lever.span)).unwrap_or(Decimal::MAX)
        }
        _ => Decimal::ONE,
    }
}
