//! Names while compiling: what each input, parameter and derived value is, and the helpers rules
//! use to compile their expressions and operands with problems reported at the right place.

use rustc_hash::FxHashMap as HashMap;

use crate::error::ErrorKind;
use std::cell::RefCell;

use crate::expr::{self, AggSite, CExpr, ListScope, Resolved, Scope, Type};
use crate::input::InputType;
use crate::num::Num;
use crate::read::{OperandDoc, Reader, Text};
use crate::syntax::Pos;

/// Where a relative rule sits (its index is its position in the compiled rulebook's `relatives`).
#[derive(Clone, Debug)]
pub struct RelativeSite {
    /// The indicator.
    pub node: u32,
}

/// Position of character `offset` inside an expression written at `pos`: exact for one-line
/// expressions (the opening quote is one column before the text), else the string's start.
pub fn expr_pos(src: &Text, offset: usize) -> Pos {
    if src.value.contains('\n') {
        src.pos
    } else {
        Pos { line: src.pos.line, column: src.pos.column + 1 + offset as u32 }
    }
}

/// A compiled expression and the text it was written as (for explanations).
#[derive(Clone, Debug)]
pub struct Expression {
    /// The compiled form.
    pub expr: CExpr,
    /// The text as written.
    pub text: String,
}

/// A threshold, target or points value: a literal, or a parameter read from its slot.
#[derive(Clone, Debug, PartialEq)]
pub enum Operand {
    /// A number.
    Const(Num),
    /// A parameter's slot.
    Param(u32),
}

/// What a name is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sym {
    /// An input.
    Input {
        /// Its slot.
        slot: u32,
        /// Its type.
        ty: InputType,
    },
    /// A parameter.
    Param {
        /// Its slot.
        slot: u32,
        /// Its index.
        index: u32,
    },
    /// A derived value (type known once compiled).
    Derived {
        /// Its slot.
        slot: u32,
        /// Its type.
        ty: Option<Type>,
    },
    /// A name whose definition failed (already reported).
    Broken,
}

/// The names visible to expressions.
#[derive(Debug)]
pub struct Symbols {
    names: HashMap<String, Sym>,
    /// List inputs by name, as aggregates see them.
    lists: HashMap<String, ListScope>,
    derived_base: u32,
    /// Aggregate calls compiled so far (each gets the next site number).
    sites: RefCell<Vec<AggSite>>,
}

impl Symbols {
    /// The declared name (of the kind `keep` accepts) closest to a misspelt `name`.
    pub fn suggest(&self, name: &str, keep: impl Fn(&Sym) -> bool) -> Option<String> {
        closest_sorted(name, self.names.iter().filter(|(_, s)| keep(s)).map(|(n, _)| n))
    }

    /// Symbols for inputs and parameters, with the rulebook's list inputs by name.
    pub fn new(names: HashMap<String, Sym>, lists: impl IntoIterator<Item = (String, ListScope)>) -> Symbols {
        let lists = lists.into_iter().collect();
        Symbols { names, lists, derived_base: u32::MAX, sites: RefCell::new(Vec::new()) }
    }

    /// The aggregate calls compiled, in site order.
    pub fn take_sites(&self) -> Vec<AggSite> {
        std::mem::take(&mut *self.sites.borrow_mut())
    }

    /// Whether a name is taken.
    pub fn has(&self, name: &str) -> bool {
        self.names.contains_key(name)
    }

    /// Look a name up.
    pub fn get(&self, name: &str) -> Option<Sym> {
        self.names.get(name).copied()
    }

    /// Declare a derived value at a slot (its type comes when it is compiled).
    pub fn declare_derived(&mut self, name: &str, slot: u32) {
        self.derived_base = self.derived_base.min(slot);
        self.names.insert(name.to_owned(), Sym::Derived { slot, ty: None });
    }

    /// Mark a name as broken: references to it are not reported again.
    pub fn declare_broken(&mut self, name: &str) {
        self.names.insert(name.to_owned(), Sym::Broken);
    }

    /// Record a derived value's type.
    pub fn set_derived_type(&mut self, name: &str, ty: Type) {
        if let Some(Sym::Derived { ty: t, .. }) = self.names.get_mut(name) {
            *t = Some(ty);
        }
    }

    /// The position among derived values of a derived slot.
    pub fn derived_index(&self, slot: u32) -> Option<usize> {
        slot.checked_sub(self.derived_base).map(|i| i as usize)
    }

    /// Parse and compile an expression written at `src`, requiring type `want`.
    pub fn expression(
        &self,
        r: &mut Reader,
        path: &str,
        src: &Text,
        want: Type,
        what: &str,
        nodes: Option<&HashMap<String, u32>>,
    ) -> Option<Expression> {
        let parsed = parse_expr(r, path, src)?;
        let (expr, got) = self.compile_parsed(r, path, src, &parsed, None, nodes)?;
        if got != want {
            r.problem(
                ErrorKind::TypeMismatch,
                Some(src.pos),
                path,
                format!("{what} must be a {} expression; `{}` is a {}", want.name(), src.value, got.name()),
            );
            return None;
        }
        Some(Expression { expr, text: src.value.clone() })
    }

    /// Compile a parsed expression.
    pub fn compile_parsed(
        &self,
        r: &mut Reader,
        path: &str,
        src: &Text,
        parsed: &expr::Expr,
        want: Option<Type>,
        nodes: Option<&HashMap<String, u32>>,
    ) -> Option<(CExpr, Type)> {
        let scope = ScopeView { symbols: self, nodes, path };
        match expr::compile(parsed, &scope, want) {
            Ok(v) => Some(v),
            Err(problems) => {
                for p in problems {
                    r.problem(
                        p.kind,
                        Some(expr_pos(src, p.span.start)),
                        path,
                        format!("{} (in `{}`)", p.message, src.value),
                    );
                }
                None
            }
        }
    }

    /// Compile an operand: a number, or a parameter name.
    pub fn operand(&self, r: &mut Reader, path: &str, op: &OperandDoc) -> Option<Operand> {
        match op {
            OperandDoc::Num(n) => Some(Operand::Const(n.value.clone())),
            OperandDoc::Param(name) => match self.get(&name.value) {
                Some(Sym::Param { slot, .. }) => Some(Operand::Param(slot)),
                Some(Sym::Broken) => None,
                Some(_) => {
                    r.problem(ErrorKind::TypeMismatch, Some(name.pos), path, format!("`{}` is not a parameter: thresholds, targets and points are numbers or [params] names", name.value));
                    None
                }
                None => {
                    r.problem(
                        ErrorKind::UnknownName,
                        Some(name.pos),
                        path,
                        format!(
                            "unknown parameter `{}`{}",
                            name.value,
                            self.suggest(&name.value, |s| matches!(s, Sym::Param { .. }))
                                .map(|s| format!(" (did you mean `{s}`?)"))
                                .unwrap_or_default()
                        ),
                    );
                    None
                }
            },
        }
    }
}

/// Parse an expression, reporting a syntax problem (or TooDeep) at its position.
pub fn parse_expr(r: &mut Reader, path: &str, src: &Text) -> Option<expr::Expr> {
    match expr::parse(&src.value) {
        Ok(e) => Some(e),
        Err(e) => {
            let kind = if e.too_deep { ErrorKind::TooDeep } else { ErrorKind::Syntax };
            let shown: String = src.value.chars().take(80).collect();
            let ellipsis = if src.value.chars().count() > 80 { "…" } else { "" };
            r.problem(
                kind,
                Some(expr_pos(src, e.span.start)),
                path,
                format!("{} (in `{shown}{ellipsis}`)", e.message),
            );
            None
        }
    }
}

struct ScopeView<'s> {
    symbols: &'s Symbols,
    nodes: Option<&'s HashMap<String, u32>>,
    /// Where the expression is written.
    path: &'s str,
}

impl Scope for ScopeView<'_> {
    fn resolve(&self, name: &str) -> Resolved {
        match self.symbols.get(name) {
            Some(Sym::Input { slot, ty }) => match ty {
                InputType::Decimal | InputType::Integer => Resolved::Slot(slot, Type::Num),
                InputType::Boolean => Resolved::Slot(slot, Type::Bool),
                InputType::Text => Resolved::Slot(slot, Type::Text),
                InputType::Numbers | InputType::Items => Resolved::List,
            },
            Some(Sym::Param { slot, .. }) => Resolved::Slot(slot, Type::Num),
            Some(Sym::Derived { slot, ty: Some(t) }) => Resolved::Slot(slot, t),
            Some(Sym::Derived { ty: None, .. }) | Some(Sym::Broken) => Resolved::Broken,
            None => Resolved::Unknown,
        }
    }

    fn indicator(&self, id: &str) -> Option<Option<u32>> {
        self.nodes.map(|n| n.get(id).copied())
    }

    fn suggest(&self, name: &str) -> Option<String> {
        self.symbols.suggest(name, |_| true)
    }

    fn suggest_indicator(&self, id: &str) -> Option<String> {
        closest_sorted(id, self.nodes?.keys())
    }

    fn list(&self, name: &str) -> Option<ListScope> {
        self.symbols.lists.get(name).cloned()
    }

    fn site(&self, mut site: AggSite) -> u32 {
        let mut sites = self.symbols.sites.borrow_mut();
        site.place = self.path.to_owned();
        sites.push(site);
        sites.len() as u32 - 1
    }
}

/// What a rule compiler can use: the symbols, the problem list at the rule's path, and the
/// rulebook-wide registries (relative rules, component links).
pub struct RuleCx<'a> {
    r: &'a mut Reader,
    symbols: &'a Symbols,
    /// The rule's path for problem locations.
    pub path: String,
    relatives: &'a mut Vec<RelativeSite>,
    node: u32,
    /// The ids of the linked component rulebooks, in link order.
    components: &'a [String],
}

impl<'a> RuleCx<'a> {
    /// A context for the rule of indicator `node` (`u32::MAX` for bonus/penalty items).
    pub fn new(
        r: &'a mut Reader,
        symbols: &'a Symbols,
        path: String,
        relatives: &'a mut Vec<RelativeSite>,
        node: u32,
        components: &'a [String],
    ) -> RuleCx<'a> {
        RuleCx { r, symbols, path, relatives, node, components }
    }

    /// Report a problem at the rule.
    pub fn problem(&mut self, kind: ErrorKind, pos: Option<Pos>, msg: impl Into<String>) {
        self.r.problem(kind, pos, &self.path, msg);
    }

    /// Compile an expression of type `want`.
    pub fn expression(&mut self, src: &Text, want: Type, what: &str) -> Option<Expression> {
        self.symbols.expression(self.r, &self.path, src, want, what, None)
    }

    /// Compile an expression of any type.
    pub fn expression_any(&mut self, src: &Text, _what: &str) -> Option<(Expression, Type)> {
        let parsed = parse_expr(self.r, &self.path, src)?;
        let (expr, ty) = self.symbols.compile_parsed(self.r, &self.path, src, &parsed, None, None)?;
        Some((Expression { expr, text: src.value.clone() }, ty))
    }

    /// Compile an operand.
    pub fn operand(&mut self, op: &OperandDoc) -> Option<Operand> {
        self.symbols.operand(self.r, &self.path, op)
    }

    /// If `name` is an input, its slot and type.
    pub fn list_input_kind(&self, name: &str) -> Option<(u32, InputType)> {
        match self.symbols.get(name) {
            Some(Sym::Input { slot, ty }) => Some((slot, ty)),
            _ => None,
        }
    }

    /// The list input named `name`: its index among the lists and its items' fields.
    pub fn list(&self, name: &str) -> Option<ListScope> {
        self.symbols.lists.get(name).cloned()
    }

    /// Register a relative rule; its index in the cohort figures.
    pub fn relative_index(&mut self, pos: Pos) -> Option<u32> {
        if self.node == u32::MAX {
            self.problem(ErrorKind::Schema, Some(pos), "bonus and penalty items cannot use relative rules");
            return None;
        }
        self.relatives.push(RelativeSite { node: self.node });
        Some(self.relatives.len() as u32 - 1)
    }

    /// The index of the linked component rulebook `id` (linking already reported failures).
    pub fn component(&mut self, id: &Text) -> Option<u32> {
        self.components.iter().position(|c| *c == id.value).map(|i| i as u32)
    }
}

/// The candidate closest to `name` (ties to the first in sorted order, so a hint does not depend on
/// a hash map's order).
fn closest_sorted<'a>(name: &str, candidates: impl Iterator<Item = &'a String>) -> Option<String> {
    let mut sorted: Vec<&str> = candidates.map(String::as_str).collect();
    sorted.sort_unstable();
    crate::read::closest(name, sorted).map(str::to_owned)
}
