//! Record validation (spec §3, §16): every input's presence, type, range and allowed values,
//! turning a record's values into the slot values expressions read. All problems of a record are
//! collected, in declaration order.

use rust_decimal::Decimal;

use super::View;
use crate::error::{ErrorKind, Issue};
use crate::expr::Val;
use crate::input::{DefaultDoc, InputType};
use crate::input::{Input, InputSchema};
use crate::input::{Value, number_issue};
use crate::num::{self, Num};
use crate::rules::show;

/// Fill `slots[..inputs]` from the record (or item) of `schema`; push every problem to `issues`.
/// A list input is checked as a list here; its items are checked by `lists`.
pub fn inputs<'r>(schema: &'r InputSchema, view: &View<'r>, slots: &mut [Val<'r>], issues: &mut Vec<Issue>) {
    for (i, input) in schema.inputs.iter().enumerate() {
        if let Some(issue) = view.decode_issue(i as u32) {
            issues.push(issue.clone());
            continue;
        }
        slots[i] = match view.get(i as u32) {
            None => match &input.default {
                Some(DefaultDoc::Num(n)) => Val::Num(n.clone()),
                Some(DefaultDoc::Bool(b)) => Val::Bool(*b),
                Some(DefaultDoc::Text(t)) => Val::Text(t.as_str()),
                // Lists are read by their rules and aggregates, not through slots.
                Some(DefaultDoc::List(_)) => Val::NoData,
                None if input.required => {
                    issues.push(Issue::input(
                        ErrorKind::MissingInput,
                        &input.name,
                        None,
                        format!("{} is required but missing", describe(input)),
                    ));
                    Val::NoData
                }
                None => Val::NoData,
            },
            Some(v) => match one(input, v) {
                Ok(val) => val,
                Err(issue) => {
                    issues.push(issue);
                    Val::NoData
                }
            },
        };
    }
}

/// An issue whose message names the input by its label too (staff know the column headers).
fn labelled(input: &Input, mut issue: Issue) -> Issue {
    if let Some(l) = &input.label {
        issue.message = format!(
            "{} ({l}){}",
            input.name,
            issue.message.strip_prefix(input.name.as_str()).unwrap_or(&issue.message)
        );
    }
    issue
}

/// "population (户籍人口)"
fn describe(input: &Input) -> String {
    match &input.label {
        Some(l) => format!("{} ({l})", input.name),
        None => input.name.clone(),
    }
}

/// Whether an input is measured in percent (its `unit` is `%`).
pub fn is_percent(input: &Input) -> bool {
    matches!(input.unit.as_deref().map(str::trim), Some("%" | "％"))
}

/// A cell written as a percentage (`8.9%`): for an input measured in percent, the number shown
/// (8.9); for any other numeric input an error that says what it saw — a share typed as 8.9% read
/// as 8.9 would be a hundred times too large, and as 0.089 a hundred times too small.
fn percent_cell<'t>(input: &Input, t: &'t str) -> Result<&'t str, Issue> {
    match num::percent_text(t) {
        None => Ok(t),
        Some(number) if is_percent(input) => Ok(number),
        Some(_) => Err(Issue::input(
            ErrorKind::InputType,
            &input.name,
            Some(t.trim().to_owned()),
            format!(
                "{} = {:?} is a percentage, but this input is not measured in % ({}): give the number itself",
                describe(input),
                t.trim(),
                match input.unit.as_deref() {
                    Some(u) => format!("its unit is {u}"),
                    None => "it has no unit".to_owned(),
                }
            ),
        )),
    }
}

fn type_error(input: &Input, v: &Value, expected: &str) -> Issue {
    Issue::input(
        ErrorKind::InputType,
        &input.name,
        Some(v.to_string()),
        format!("{} must be {expected}, but is {} ({v})", describe(input), v.type_name()),
    )
}

/// Validate one present value.
pub(super) fn one<'r>(input: &'r Input, v: &'r Value) -> Result<Val<'r>, Issue> {
    match input.ty {
        InputType::Decimal => {
            let n = match v {
                Value::Decimal(d) => Num::from_decimal(*d),
                Value::Integer(i) => Num::from_i64(*i),
                Value::Text(t) => {
                    let t = percent_cell(input, t)?;
                    Num::from_decimal(
                        num::parse_decimal_text(t)
                            .map_err(|e| labelled(input, number_issue(&input.name, t, &e)))?,
                    )
                }
                _ => return Err(type_error(input, v, "a decimal number")),
            };
            range(input, &n, v)?;
            Ok(Val::Num(n))
        }
        InputType::Integer => {
            let n = match v {
                Value::Integer(i) => Num::from_i64(*i),
                Value::Decimal(d) => {
                    let n = Num::from_decimal(*d);
                    if !n.is_integer() || n.to_i64().is_none() {
                        return Err(Issue::input(
                            ErrorKind::InputType,
                            &input.name,
                            Some(v.to_string()),
                            format!("{} must be a whole number, not {d}", describe(input)),
                        ));
                    }
                    n
                }
                Value::Text(t) => {
                    let t = percent_cell(input, t)?;
                    Num::from_i64(
                        num::parse_integer_text(t)
                            .map_err(|e| labelled(input, number_issue(&input.name, t, &e)))?,
                    )
                }
                _ => return Err(type_error(input, v, "a whole number")),
            };
            range(input, &n, v)?;
            Ok(Val::Num(n))
        }
        InputType::Boolean => match v {
            Value::Bool(b) => Ok(Val::Bool(*b)),
            Value::Text(t) => num::parse_bool_text(t).map(Val::Bool).ok_or_else(|| {
                Issue::input(
                    ErrorKind::InputType,
                    &input.name,
                    Some(t.clone()),
                    format!("{} must be true/false (also 1/0, yes/no, 是/否), not {t:?}", describe(input)),
                )
            }),
            _ => Err(type_error(input, v, "true or false")),
        },
        InputType::Text => match v {
            Value::Text(t) => {
                let t = t.trim();
                if let Some(allowed) = &input.values
                    && !allowed.iter().any(|a| a == t)
                {
                    return Err(Issue::input(
                        ErrorKind::InputOutOfRange,
                        &input.name,
                        Some(t.to_owned()),
                        format!(
                            "{} = {t:?} is not one of the allowed values: {}",
                            describe(input),
                            allowed.join(", ")
                        ),
                    ));
                }
                Ok(Val::Text(t))
            }
            _ => Err(type_error(input, v, "text")),
        },
        InputType::Numbers => match v {
            Value::Numbers(marks) => {
                for (i, d) in marks.iter().enumerate() {
                    mark_range(input, i, d)?;
                }
                Ok(Val::NoData)
            }
            _ => Err(type_error(input, v, "a list of numbers")),
        },
        InputType::Items => match v {
            Value::Items(_) => Ok(Val::NoData),
            _ => Err(type_error(input, v, "a list of items")),
        },
    }
}

fn range(input: &Input, n: &Num, v: &Value) -> Result<(), Issue> {
    if let Some(lo) = &input.min
        && n < lo
    {
        return Err(Issue::input(
            ErrorKind::InputOutOfRange,
            &input.name,
            Some(v.to_string()),
            format!("{} = {} is below the minimum {}", describe(input), show(n), show(lo)),
        ));
    }
    if let Some(hi) = &input.max
        && n > hi
    {
        return Err(Issue::input(
            ErrorKind::InputOutOfRange,
            &input.name,
            Some(v.to_string()),
            format!("{} = {} is above the maximum {}", describe(input), show(n), show(hi)),
        ));
    }
    Ok(())
}

fn mark_range(input: &Input, i: usize, d: &Decimal) -> Result<(), Issue> {
    let n = Num::from_decimal(*d);
    let out = |bound: &str, b: &Num| {
        Issue::input(
            ErrorKind::InputOutOfRange,
            &input.name,
            Some(d.to_string()),
            format!("mark {} of {} = {d} is {bound} {}", i + 1, describe(input), show(b)),
        )
    };
    if let Some(lo) = &input.min
        && n < *lo
    {
        return Err(out("below the minimum", lo));
    }
    if let Some(hi) = &input.max
        && n > *hi
    {
        return Err(out("above the maximum", hi));
    }
    Ok(())
}
