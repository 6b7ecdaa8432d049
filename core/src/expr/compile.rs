//! Type checking and compilation of parsed expressions into [`CExpr`]: names resolved to value
//! slots, literals turned into exact numbers, every operation's operand types checked at load.

use super::aggregate::{AggCall, AggFn};
use super::{AddOp, CmpOp, Expr, ExprKind, MulOp, Span};
use crate::num::Num;

/// The type of an expression's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Type {
    /// A decimal or integer (integers take part in arithmetic as decimals).
    Num,
    /// true or false.
    Bool,
    /// A text (compared with `==` and `!=` only).
    Text,
}

impl Type {
    /// The name used in messages.
    pub fn name(self) -> &'static str {
        match self {
            Type::Num => "number",
            Type::Bool => "boolean",
            Type::Text => "text",
        }
    }
}

/// A literal value inside a compiled expression.
#[derive(Clone, Debug, PartialEq)]
pub enum Const {
    /// A number.
    Num(Num),
    /// A boolean.
    Bool(bool),
    /// A string.
    Text(Box<str>),
}

/// A compiled expression. Names are slot indices into the record's value array; children that
/// form left-associative runs stay flat (so long sums don't make deep trees).
#[derive(Clone, Debug, PartialEq)]
pub enum CExpr {
    /// A literal.
    Const(Const),
    /// The value in a slot (an input, parameter or derived value).
    Slot(u32),
    /// Unary minus.
    Neg(Box<CExpr>),
    /// Logical not.
    Not(Box<CExpr>),
    /// first ± rest…; `true` in the pair means subtract.
    Sum(Box<CExpr>, Vec<(bool, CExpr)>),
    /// first ×/÷ rest…; `true` in the pair means divide.
    Product(Box<CExpr>, Vec<(bool, CExpr)>),
    /// Short-circuit and.
    And(Vec<CExpr>),
    /// Short-circuit or.
    Or(Vec<CExpr>),
    /// A comparison of two numbers, texts or booleans.
    Cmp(CmpOp, Box<CExpr>, Box<CExpr>),
    /// Membership in a list of literals.
    In(Box<CExpr>, Vec<Const>),
    /// if c then a else b (only the taken branch is evaluated).
    If(Box<CExpr>, Box<CExpr>, Box<CExpr>),
    /// min(a, b, …)
    Min(Vec<CExpr>),
    /// max(a, b, …)
    Max(Vec<CExpr>),
    /// abs(a)
    Abs(Box<CExpr>),
    /// floor(a)
    Floor(Box<CExpr>),
    /// ceil(a)
    Ceil(Box<CExpr>),
    /// round(a, n) in the rulebook's rounding mode.
    Round(Box<CExpr>, u32),
    /// points("id"): the published points of an indicator (after scoring).
    Points(u32),
    /// max_points("id"): the indicator's maximum in the record's profile.
    MaxPoints(u32),
    /// An aggregate over a list input (spec §18.1).
    Agg(Box<AggCall>),
    /// Field `n` of the item being visited (`item.f`, or `item` for a mark), inside an
    /// aggregate's arguments.
    Field(u32),
    /// known(x): whether x has data.
    Known(Box<CExpr>),
}

/// What a name in an expression refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resolved {
    /// A scalar value in a slot, of a type.
    Slot(u32, Type),
    /// A list input (`numbers` or `items`): read only by rules, never in expressions.
    List,
    /// Nothing by that name.
    Unknown,
    /// A name whose own definition failed to compile (already reported: stay silent).
    Broken,
}

/// A list input as aggregate calls see it.
#[derive(Clone, Debug)]
pub struct ListScope {
    /// Its index among the rulebook's lists.
    pub index: u32,
    /// Whether it is a `numbers` input (its `item` is the mark itself).
    pub numbers: bool,
    /// The fields of its items and their types (an `items` input).
    pub fields: Vec<(String, Type)>,
}

/// An aggregate call as written, for its line in explanations.
#[derive(Clone, Debug, PartialEq)]
pub struct AggSite {
    /// The function.
    pub func: AggFn,
    /// The list (index among the rulebook's lists).
    pub list: u32,
    /// The whole call, printed.
    pub call: String,
    /// `x`, printed.
    pub x: Option<String>,
    /// `cond`, printed.
    pub cond: Option<String>,
    /// Where it is written (`derived "remaining_poor"`), filled in by the scope.
    pub place: String,
}

/// The names an expression can see, and what else it may use.
pub trait Scope {
    /// Resolve a name.
    fn resolve(&self, name: &str) -> Resolved;
    /// Resolve an indicator id for `points()`/`max_points()`; `None` when those calls aren't
    /// allowed here (they are only allowed in grade rules and vetoes, after scoring).
    fn indicator(&self, id: &str) -> Option<Option<u32>>;
    /// The list input named `name`, for aggregates.
    fn list(&self, name: &str) -> Option<ListScope> {
        let _ = name;
        None
    }
    /// The declared name closest to a misspelt `name`, for "did you mean" (`None` when nothing is
    /// close, or the scope does not say).
    fn suggest(&self, name: &str) -> Option<String> {
        let _ = name;
        None
    }
    /// The indicator id closest to a misspelt `id`, for "did you mean".
    fn suggest_indicator(&self, id: &str) -> Option<String> {
        let _ = id;
        None
    }
    /// Register an aggregate call; its site number.
    fn site(&self, site: AggSite) -> u32 {
        let _ = site;
        0
    }
}

/// ` (did you mean `x`?)`, or nothing.
fn did_you_mean(suggestion: Option<String>) -> String {
    suggestion.map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default()
}

/// A problem found while compiling an expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompileProblem {
    /// UnknownName or TypeMismatch.
    pub kind: crate::ErrorKind,
    /// Where in the expression.
    pub span: Span,
    /// What is wrong.
    pub message: String,
}

/// Compile `e`, checking it has the type `want` (when given). Returns the compiled expression
/// and its type, or every problem found.
pub fn compile(
    e: &Expr,
    scope: &dyn Scope,
    want: Option<Type>,
) -> Result<(CExpr, Type), Vec<CompileProblem>> {
    let mut c = Compiler { scope, problems: Vec::new(), item: None };
    let out = c.expr(e);
    if let (Some((_, got)), Some(want)) = (&out, want)
        && *got != want
    {
        c.problems.push(CompileProblem {
            kind: crate::ErrorKind::TypeMismatch,
            span: e.span,
            message: format!("expected a {} expression, found a {}", want.name(), got.name()),
        });
    }
    match out {
        Some(v) if c.problems.is_empty() => Ok(v),
        _ => Err(c.problems),
    }
}

struct Compiler<'s> {
    scope: &'s dyn Scope,
    problems: Vec<CompileProblem>,
    /// The list whose items the expression being compiled visits (inside an aggregate's
    /// arguments), with its name.
    item: Option<(ListScope, String)>,
}

impl Compiler<'_> {
    fn type_error(&mut self, span: Span, message: String) {
        self.problems.push(CompileProblem { kind: crate::ErrorKind::TypeMismatch, span, message });
    }

    fn unknown(&mut self, span: Span, message: String) {
        self.problems.push(CompileProblem { kind: crate::ErrorKind::UnknownName, span, message });
    }

    fn schema(&mut self, span: Span, message: String) {
        self.problems.push(CompileProblem { kind: crate::ErrorKind::Schema, span, message });
    }

    /// `item` or `item.f`: a field of the item being visited.
    fn item_name(&mut self, span: Span, name: &str) -> Option<(CExpr, Type)> {
        let field = name.strip_prefix("item.");
        let Some((list, list_name)) = &self.item else {
            self.unknown(
                span,
                format!("`{name}` is only defined inside an aggregate's arguments, e.g. count(households, item.poor)"),
            );
            return None;
        };
        match (list.numbers, field) {
            (true, None) => Some((CExpr::Field(0), Type::Num)),
            (true, Some(_)) => {
                let message = format!(
                    "`{list_name}` is a list of numbers: its item is the mark itself, written `item`"
                );
                self.unknown(span, message);
                None
            }
            (false, None) => {
                let message = format!(
                    "`item` alone is a whole item of `{list_name}`; name one of its fields: item.{}",
                    list.fields.first().map_or("field", |f| f.0.as_str())
                );
                self.type_error(span, message);
                None
            }
            (false, Some(f)) => match list.fields.iter().position(|(n, _)| n == f) {
                Some(i) => Some((CExpr::Field(i as u32), list.fields[i].1)),
                None => {
                    let names: Vec<&str> = list.fields.iter().map(|(n, _)| n.as_str()).collect();
                    let hint = crate::read::closest(f, names.iter().copied())
                        .map(|c| format!(" (did you mean item.{c}?)"))
                        .unwrap_or_default();
                    let message = format!(
                        "`{f}` is not a field of the items of `{list_name}`{hint}; fields: {}",
                        names.join(", ")
                    );
                    self.unknown(span, message);
                    None
                }
            },
        }
    }

    /// Compile and require a type; `what` names the place in messages.
    fn typed(&mut self, e: &Expr, want: Type, what: &str) -> Option<CExpr> {
        let (c, t) = self.expr(e)?;
        if t != want {
            self.type_error(e.span, format!("{what} must be a {}, found a {}", want.name(), t.name()));
            return None;
        }
        Some(c)
    }

    fn num_list(&mut self, es: &[Expr], what: &str) -> Option<Vec<CExpr>> {
        let mut out = Vec::with_capacity(es.len());
        let mut ok = true;
        for e in es {
            match self.typed(e, Type::Num, what) {
                Some(c) => out.push(c),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    fn expr(&mut self, e: &Expr) -> Option<(CExpr, Type)> {
        match &e.kind {
            ExprKind::Number(text) => match Num::parse_literal(text) {
                Ok(n) => Some((CExpr::Const(Const::Num(n)), Type::Num)),
                Err(err) => {
                    self.type_error(e.span, format!("bad number {text}: {err}"));
                    None
                }
            },
            ExprKind::Str(s) => Some((CExpr::Const(Const::Text(s.as_str().into())), Type::Text)),
            ExprKind::Bool(b) => Some((CExpr::Const(Const::Bool(*b)), Type::Bool)),
            ExprKind::Name(name) if name == "item" || name.starts_with("item.") => {
                self.item_name(e.span, name)
            }
            ExprKind::Name(name) => match self.scope.resolve(name) {
                Resolved::Slot(slot, t) => Some((CExpr::Slot(slot), t)),
                Resolved::List => {
                    self.type_error(
                        e.span,
                        format!(
                            "`{name}` is a list input (numbers or items): its rules (panel, items, count) read it, and aggregates such as count({name}), sum({name}, …), mean({name}, …)"
                        ),
                    );
                    None
                }
                Resolved::Unknown => {
                    let hint = did_you_mean(self.scope.suggest(name));
                    self.unknown(e.span, format!("unknown name `{name}`{hint}"));
                    None
                }
                Resolved::Broken => None,
            },
            ExprKind::Neg(inner) => {
                let c = self.typed(inner, Type::Num, "the operand of unary -")?;
                Some((CExpr::Neg(Box::new(c)), Type::Num))
            }
            ExprKind::Not(inner) => {
                let c = self.typed(inner, Type::Bool, "the operand of not")?;
                Some((CExpr::Not(Box::new(c)), Type::Bool))
            }
            ExprKind::Sum { first, rest } => {
                let f = self.typed(first, Type::Num, "an operand of + or -");
                let mut out = Vec::with_capacity(rest.len());
                let mut ok = f.is_some();
                for (op, r) in rest {
                    match self.typed(r, Type::Num, "an operand of + or -") {
                        Some(c) => out.push((matches!(op, AddOp::Sub), c)),
                        None => ok = false,
                    }
                }
                ok.then(|| (CExpr::Sum(Box::new(f.unwrap_or(CExpr::Slot(0))), out), Type::Num))
            }
            ExprKind::Product { first, rest } => {
                let f = self.typed(first, Type::Num, "an operand of * or /");
                let mut out = Vec::with_capacity(rest.len());
                let mut ok = f.is_some();
                for (op, r) in rest {
                    match self.typed(r, Type::Num, "an operand of * or /") {
                        Some(c) => out.push((matches!(op, MulOp::Div), c)),
                        None => ok = false,
                    }
                }
                ok.then(|| (CExpr::Product(Box::new(f.unwrap_or(CExpr::Slot(0))), out), Type::Num))
            }
            ExprKind::And(items) | ExprKind::Or(items) => {
                let word = if matches!(e.kind, ExprKind::And(_)) { "and" } else { "or" };
                let mut out = Vec::with_capacity(items.len());
                let mut ok = true;
                for it in items {
                    match self.typed(it, Type::Bool, &format!("an operand of {word}")) {
                        Some(c) => out.push(c),
                        None => ok = false,
                    }
                }
                if !ok {
                    return None;
                }
                let c = if word == "and" { CExpr::And(out) } else { CExpr::Or(out) };
                Some((c, Type::Bool))
            }
            ExprKind::Compare { op, left, right } => {
                let l = self.expr(left);
                let r = self.expr(right);
                let ((lc, lt), (rc, rt)) = (l?, r?);
                if lt != rt {
                    self.type_error(e.span, format!("cannot compare a {} with a {}", lt.name(), rt.name()));
                    return None;
                }
                if lt != Type::Num && !matches!(op, CmpOp::Eq | CmpOp::Ne) {
                    self.type_error(
                        e.span,
                        format!("only numbers can be ordered; {} values support == and != only", lt.name()),
                    );
                    return None;
                }
                Some((CExpr::Cmp(*op, Box::new(lc), Box::new(rc)), Type::Bool))
            }
            ExprKind::In { value, list } => {
                let (vc, vt) = self.expr(value)?;
                let mut consts = Vec::with_capacity(list.len());
                for item in list {
                    let (c, t) = self.expr(item)?;
                    let CExpr::Const(k) = c else {
                        self.type_error(item.span, "a list after `in` holds literals only".into());
                        return None;
                    };
                    if t != vt {
                        self.type_error(
                            item.span,
                            format!("a {} in a list compared with a {}", t.name(), vt.name()),
                        );
                        return None;
                    }
                    consts.push(k);
                }
                Some((CExpr::In(Box::new(vc), consts), Type::Bool))
            }
            ExprKind::If { cond, then, otherwise } => {
                let c = self.typed(cond, Type::Bool, "the condition of if");
                let a = self.expr(then);
                let b = self.expr(otherwise);
                let (c, (ac, at), (bc, bt)) = (c?, a?, b?);
                if at != bt {
                    self.type_error(
                        e.span,
                        format!("the branches of if have different types: {} and {}", at.name(), bt.name()),
                    );
                    return None;
                }
                Some((CExpr::If(Box::new(c), Box::new(ac), Box::new(bc)), at))
            }
            ExprKind::Call { name, name_span, args } => self.call(e, name, *name_span, args),
        }
    }

    fn call(&mut self, e: &Expr, name: &str, name_span: Span, args: &[Expr]) -> Option<(CExpr, Type)> {
        let first_is_list = match args.first().map(|a| &a.kind) {
            Some(ExprKind::Name(n)) => self.scope.list(n).is_some(),
            _ => false,
        };
        if let Some(func) = AggFn::from_name(name)
            && (first_is_list || !matches!(func, AggFn::Min | AggFn::Max))
        {
            return self.aggregate(e, func, args);
        }
        let arity = |c: &mut Self, want: usize| {
            if args.len() != want {
                c.type_error(
                    e.span,
                    format!(
                        "{name}() takes {want} argument{}, got {}",
                        if want == 1 { "" } else { "s" },
                        args.len()
                    ),
                );
                false
            } else {
                true
            }
        };
        match name {
            "min" | "max" => {
                if args.len() < 2 {
                    self.type_error(e.span, format!("{name}() takes two or more arguments"));
                    return None;
                }
                let list = self.num_list(args, &format!("an argument of {name}()"))?;
                let c = if name == "min" { CExpr::Min(list) } else { CExpr::Max(list) };
                Some((c, Type::Num))
            }
            "abs" | "floor" | "ceil" => {
                if !arity(self, 1) {
                    return None;
                }
                let a = Box::new(self.typed(&args[0], Type::Num, &format!("the argument of {name}()"))?);
                let c = match name {
                    "abs" => CExpr::Abs(a),
                    "floor" => CExpr::Floor(a),
                    _ => CExpr::Ceil(a),
                };
                Some((c, Type::Num))
            }
            "round" => {
                if !arity(self, 2) {
                    return None;
                }
                let x = self.typed(&args[0], Type::Num, "the first argument of round()");
                let places = match &args[1].kind {
                    ExprKind::Number(t) => t.parse::<u32>().ok().filter(|n| *n <= 28),
                    _ => None,
                };
                let Some(places) = places else {
                    self.type_error(
                        args[1].span,
                        "round(x, n) needs n as a whole-number literal from 0 to 28".into(),
                    );
                    return None;
                };
                Some((CExpr::Round(Box::new(x?), places), Type::Num))
            }
            "points" | "max_points" => {
                if !arity(self, 1) {
                    return None;
                }
                let ExprKind::Str(id) = &args[0].kind else {
                    self.type_error(
                        args[0].span,
                        format!("{name}() takes an indicator id in quotes, e.g. {name}(\"reduction\")"),
                    );
                    return None;
                };
                match self.scope.indicator(id) {
                    None => {
                        self.type_error(
                            name_span,
                            format!("{name}() is only available in grade rules and vetoes (after scoring)"),
                        );
                        None
                    }
                    Some(None) => {
                        let hint = did_you_mean(self.scope.suggest_indicator(id));
                        self.unknown(args[0].span, format!("unknown indicator \"{id}\"{hint}"));
                        None
                    }
                    Some(Some(node)) => {
                        let c = if name == "points" { CExpr::Points(node) } else { CExpr::MaxPoints(node) };
                        Some((c, Type::Num))
                    }
                }
            }
            "known" => {
                if !arity(self, 1) {
                    return None;
                }
                let (x, _) = self.expr(&args[0])?;
                Some((CExpr::Known(Box::new(x)), Type::Bool))
            }
            _ => {
                self.unknown(
                    name_span,
                    format!("unknown function {name}(); available: min, max, abs, round, floor, ceil, points, max_points, known, and over lists count, sum, mean, min, max, first, last, share"),
                );
                None
            }
        }
    }

    /// An aggregate call (spec §18.1): the list, then `x` and `cond` compiled with `item` bound.
    fn aggregate(&mut self, e: &Expr, func: AggFn, args: &[Expr]) -> Option<(CExpr, Type)> {
        let fname = func.name();
        if self.item.is_some() {
            self.schema(
                e.span,
                format!("{fname}() is inside another aggregate's arguments; aggregates do not nest"),
            );
            return None;
        }
        let list = match args.first() {
            // A name in parentheses has them in its span (the parser keeps them for this check).
            Some(Expr { kind: ExprKind::Name(n), span }) if span.end - span.start == n.chars().count() => {
                self.scope.list(n).map(|l| (l, n.clone()))
            }
            _ => None,
        };
        let Some((list, list_name)) = list else {
            let at = args.first().map_or(e.span, |a| a.span);
            self.type_error(
                at,
                format!("the first argument of {fname}() is a list input (items or numbers), written as its bare name"),
            );
            return None;
        };
        // (x, cond) positions by function and argument count.
        let rest = &args[1..];
        let (x, cond): (Option<&Expr>, Option<&Expr>) = match (func, rest.len()) {
            (AggFn::Count, 0) => (None, None),
            (AggFn::Count, 1) | (AggFn::Share, 1) => (None, Some(&rest[0])),
            (AggFn::Count | AggFn::Share, _) => {
                let want = if func == AggFn::Count {
                    "count(list) or count(list, cond)"
                } else {
                    "share(list, cond)"
                };
                self.type_error(e.span, format!("{fname}() takes {want}; got {} argument(s)", args.len()));
                return None;
            }
            (_, 0) if list.numbers => (None, None),
            (_, 0) => {
                self.type_error(
                    e.span,
                    format!(
                        "{fname}({list_name}, x): name the value to take from each item, e.g. item.{}",
                        list.fields.first().map_or("field", |f| f.0.as_str())
                    ),
                );
                return None;
            }
            (_, 1) => (Some(&rest[0]), None),
            (_, 2) => (Some(&rest[0]), Some(&rest[1])),
            _ => {
                self.type_error(
                    e.span,
                    format!("{fname}() takes (list, x) or (list, x, cond); got {} arguments", args.len()),
                );
                return None;
            }
        };
        let index = list.index;
        let numbers = list.numbers;
        self.item = Some((list, list_name.clone()));
        let xc = x.map(|x| self.expr(x).map(|c| (c, x)));
        let cc = cond.map(|c| self.typed(c, Type::Bool, &format!("the condition of {fname}()")));
        self.item = None;
        let (x_compiled, ty) = match xc {
            None if numbers && !matches!(func, AggFn::Count | AggFn::Share) => {
                (Some(CExpr::Field(0)), Type::Num)
            }
            None => (None, Type::Num),
            Some(None) => return None,
            Some(Some(((c, t), xe))) => {
                if t != Type::Num && !matches!(func, AggFn::First | AggFn::Last) {
                    self.type_error(
                        xe.span,
                        format!("the value of {fname}() must be a number, found a {}", t.name()),
                    );
                    return None;
                }
                (Some(c), t)
            }
        };
        let cond_compiled = match cc {
            None => None,
            Some(None) => return None,
            Some(Some(c)) => Some(c),
        };
        let site = self.scope.site(AggSite {
            func,
            list: index,
            call: e.to_string(),
            x: x.map(|x| x.to_string()),
            cond: cond.map(|c| c.to_string()),
            place: String::new(),
        });
        let ty = if matches!(func, AggFn::First | AggFn::Last) { ty } else { Type::Num };
        let call = AggCall {
            func,
            list: index,
            list_name: list_name.into(),
            x: x_compiled,
            cond: cond_compiled,
            site,
        };
        Some((CExpr::Agg(Box::new(call)), ty))
    }
}

impl CExpr {
    /// Visit this expression and every sub-expression. Iterative: long flat runs are fine, and
    /// nesting is bounded by the parser's depth limit anyway.
    pub fn for_each(&self, mut f: impl FnMut(&CExpr)) {
        // Children are pushed in reverse so they are visited in source order.
        let mut stack: Vec<&CExpr> = vec![self];
        while let Some(e) = stack.pop() {
            f(e);
            match e {
                CExpr::Const(_)
                | CExpr::Slot(_)
                | CExpr::Points(_)
                | CExpr::MaxPoints(_)
                | CExpr::Field(_) => {}
                CExpr::Agg(call) => stack.extend(call.cond.iter().chain(call.x.iter())),
                CExpr::Known(a)
                | CExpr::Neg(a)
                | CExpr::Not(a)
                | CExpr::Abs(a)
                | CExpr::Floor(a)
                | CExpr::Ceil(a)
                | CExpr::Round(a, _)
                | CExpr::In(a, _) => stack.push(a),
                CExpr::Sum(f, rest) | CExpr::Product(f, rest) => {
                    stack.extend(rest.iter().rev().map(|(_, e)| e));
                    stack.push(f);
                }
                CExpr::And(v) | CExpr::Or(v) | CExpr::Min(v) | CExpr::Max(v) => stack.extend(v.iter().rev()),
                CExpr::Cmp(_, a, b) => stack.extend([&**b, &**a]),
                CExpr::If(c, a, b) => stack.extend([&**b, &**a, &**c]),
            }
        }
    }

    /// Slots this expression reads (for dependency ordering of derived values).
    pub fn slots(&self, out: &mut Vec<u32>) {
        self.for_each(|e| {
            if let CExpr::Slot(s) = e {
                out.push(*s);
            }
        });
    }
}
