//! Evaluation of compiled expressions for one record.
//!
//! Evaluation is lazy where the spec says so (§16): only the taken branch of `if` is evaluated and
//! `and`/`or` short-circuit. A fault (division by zero) propagates as an error; otherwise an
//! operand with no data makes the result no data.

use super::aggregate::{ItemRows, Tally, eval_agg};
use super::{CExpr, CmpOp, Const};
use crate::ErrorKind;
use crate::num::{Num, Rounding};

/// A value while scoring a record.
#[derive(Clone, Debug, PartialEq)]
pub enum Val<'a> {
    /// A number.
    Num(Num),
    /// A boolean.
    Bool(bool),
    /// Text, borrowed from the record or the rulebook.
    Text(&'a str),
    /// No data: a missing optional input, or anything computed from one.
    NoData,
}

impl<'a> Val<'a> {
    /// The number, if this is one.
    pub fn as_num(&self) -> Option<&Num> {
        match self {
            Val::Num(n) => Some(n),
            _ => None,
        }
    }

    fn from_const(c: &'a Const) -> Val<'a> {
        match c {
            Const::Num(n) => Val::Num(n.clone()),
            Const::Bool(b) => Val::Bool(*b),
            Const::Text(t) => Val::Text(t),
        }
    }
}

/// A fault while evaluating: the record fails with this kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    /// DivisionByZero, Overflow, LookupMiss, …
    pub kind: ErrorKind,
    /// What happened.
    pub message: String,
    /// The input concerned, when the fault is an input problem of a component rulebook.
    pub field: Option<String>,
}

impl Fault {
    /// A fault of a kind.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Fault {
        Fault { kind, message: message.into(), field: None }
    }

    /// A division by zero.
    pub fn division_by_zero() -> Fault {
        Fault::new(ErrorKind::DivisionByZero, "division by zero")
    }
}

/// What an expression can read while a record is scored.
pub trait Bindings<'a> {
    /// The value in a slot.
    fn slot(&self, slot: u32) -> &Val<'a>;
    /// The published points of an indicator (`None`: not applicable or not yet scored).
    fn points(&self, node: u32) -> Option<Num>;
    /// An indicator's maximum for the record's profile.
    fn max_points(&self, node: u32) -> Num;
    /// The rulebook's rounding mode (for `round(x, n)`).
    fn rounding(&self) -> Rounding;
    /// The items of list `list` (an index into the rulebook's lists); `None` when the list is
    /// missing (its aggregates are no data).
    fn list(&self, list: u32) -> Option<&ItemRows<'a>> {
        let _ = list;
        None
    }
    /// Field `field` of the item being visited (inside an aggregate's arguments).
    fn field(&self, field: u32) -> &Val<'a> {
        let _ = field;
        &Val::NoData
    }
    /// What aggregate call `site` found (kept when explaining).
    fn tally(&self, site: u32, tally: Tally<'a>) {
        let _ = (site, tally);
    }
}

/// Unwrap a number, or return no data (the type checker guarantees numbers otherwise).
macro_rules! num_or_return {
    ($v:expr) => {
        match $v {
            Val::Num(n) => n,
            _ => return Ok(Val::NoData),
        }
    };
}

/// Unwrap a boolean, or return no data.
macro_rules! bool_or_return {
    ($v:expr) => {
        match $v {
            Val::Bool(b) => b,
            _ => return Ok(Val::NoData),
        }
    };
}

/// Evaluate `e` against `env`.
pub fn eval<'a>(e: &'a CExpr, env: &dyn Bindings<'a>) -> Result<Val<'a>, Fault> {
    match e {
        CExpr::Const(c) => Ok(Val::from_const(c)),
        CExpr::Slot(s) => Ok(env.slot(*s).clone()),
        CExpr::Neg(a) => Ok(Val::Num(num_or_return!(eval(a, env)?).neg())),
        CExpr::Not(a) => Ok(Val::Bool(!bool_or_return!(eval(a, env)?))),
        CExpr::Sum(first, rest) => {
            // Evaluate every operand (faults win over no data), then combine.
            let mut acc = eval(first, env)?;
            for (sub, term) in rest {
                let v = eval(term, env)?;
                acc = match (acc, v) {
                    (Val::Num(a), Val::Num(b)) => Val::Num(if *sub { a.sub(&b) } else { a.add(&b) }),
                    _ => Val::NoData,
                };
            }
            Ok(acc)
        }
        CExpr::Product(first, rest) => {
            let mut acc = eval(first, env)?;
            for (div, term) in rest {
                let v = eval(term, env)?;
                acc = match (acc, v) {
                    (Val::Num(a), Val::Num(b)) => {
                        if *div {
                            match a.checked_div(&b) {
                                Some(q) => Val::Num(q),
                                None => return Err(Fault::division_by_zero()),
                            }
                        } else {
                            Val::Num(a.mul(&b))
                        }
                    }
                    _ => Val::NoData,
                };
            }
            Ok(acc)
        }
        CExpr::And(items) => {
            for it in items {
                match eval(it, env)? {
                    Val::Bool(true) => {}
                    Val::Bool(false) => return Ok(Val::Bool(false)),
                    _ => return Ok(Val::NoData),
                }
            }
            Ok(Val::Bool(true))
        }
        CExpr::Or(items) => {
            for it in items {
                match eval(it, env)? {
                    Val::Bool(false) => {}
                    Val::Bool(true) => return Ok(Val::Bool(true)),
                    _ => return Ok(Val::NoData),
                }
            }
            Ok(Val::Bool(false))
        }
        CExpr::Cmp(op, a, b) => {
            let a = eval(a, env)?;
            let b = eval(b, env)?;
            let ord = match (&a, &b) {
                (Val::Num(x), Val::Num(y)) => x.cmp(y),
                (Val::Text(x), Val::Text(y)) => {
                    return Ok(Val::Bool(match op {
                        CmpOp::Eq => x == y,
                        _ => x != y,
                    }));
                }
                (Val::Bool(x), Val::Bool(y)) => {
                    return Ok(Val::Bool(match op {
                        CmpOp::Eq => x == y,
                        _ => x != y,
                    }));
                }
                _ => return Ok(Val::NoData),
            };
            Ok(Val::Bool(cmp_holds(*op, ord)))
        }
        CExpr::In(v, list) => {
            let v = eval(v, env)?;
            let hit = match &v {
                Val::Num(x) => list.iter().any(|c| matches!(c, Const::Num(y) if x == y)),
                Val::Text(x) => list.iter().any(|c| matches!(c, Const::Text(y) if **y == **x)),
                Val::Bool(x) => list.iter().any(|c| matches!(c, Const::Bool(y) if x == y)),
                Val::NoData => return Ok(Val::NoData),
            };
            Ok(Val::Bool(hit))
        }
        CExpr::If(c, a, b) => match eval(c, env)? {
            Val::Bool(true) => eval(a, env),
            Val::Bool(false) => eval(b, env),
            _ => Ok(Val::NoData),
        },
        CExpr::Min(items) | CExpr::Max(items) => {
            let is_min = matches!(e, CExpr::Min(_));
            let mut best: Option<Num> = None;
            let mut no_data = false;
            for it in items {
                match eval(it, env)? {
                    Val::Num(n) => {
                        best = Some(match best {
                            None => n,
                            Some(b) => {
                                if (n < b) == is_min && n != b {
                                    n
                                } else {
                                    b
                                }
                            }
                        })
                    }
                    _ => no_data = true,
                }
            }
            match best {
                Some(b) if !no_data => Ok(Val::Num(b)),
                _ => Ok(Val::NoData),
            }
        }
        CExpr::Abs(a) => Ok(Val::Num(num_or_return!(eval(a, env)?).abs())),
        CExpr::Floor(a) => Ok(Val::Num(num_or_return!(eval(a, env)?).floor())),
        CExpr::Ceil(a) => Ok(Val::Num(num_or_return!(eval(a, env)?).ceil())),
        CExpr::Round(a, places) => Ok(Val::Num(num_or_return!(eval(a, env)?).round(*places, env.rounding()))),
        CExpr::Points(node) => Ok(env.points(*node).map_or(Val::NoData, Val::Num)),
        CExpr::Agg(call) => eval_agg(call, env),
        CExpr::Field(f) => Ok(env.field(*f).clone()),
        CExpr::Known(x) => Ok(Val::Bool(eval(x, env)? != Val::NoData)),
        CExpr::MaxPoints(node) => Ok(Val::Num(env.max_points(*node))),
    }
}

/// Whether `a op b` holds given the ordering of a against b.
pub fn cmp_holds(op: CmpOp, ord: std::cmp::Ordering) -> bool {
    use std::cmp::Ordering::*;
    match op {
        CmpOp::Eq => ord == Equal,
        CmpOp::Ne => ord != Equal,
        CmpOp::Lt => ord == Less,
        CmpOp::Le => ord != Greater,
        CmpOp::Gt => ord == Greater,
        CmpOp::Ge => ord != Less,
    }
}
