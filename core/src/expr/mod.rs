//! Rulebook expressions (spec §5): lexer, parser, syntax tree and printer.
//!
//! [`parse`] turns the text of a derived value, condition or formula into an [`Expr`] whose
//! nodes carry character spans, so that later passes (name resolution, type checking,
//! evaluation) can report problems at the place they were written. Nothing here knows which
//! names or functions exist: that is checked later, against the rulebook.
//!
//! Robustness is part of the contract, because rulebooks are data written by people:
//! - no input makes [`parse`] panic;
//! - nesting is limited to [`MAX_DEPTH`] levels, so a pathological expression is refused with
//!   an error ([`ParseError::too_deep`]) instead of overflowing a stack, and every parsed tree
//!   is at most [`MAX_TREE_DEPTH`] high;
//! - long flat expressions (`a + a + …` with 100,000 terms) parse in linear time into flat
//!   nodes ([`ExprKind::Sum`], [`ExprKind::And`] …), so passes that recurse over the tree stay
//!   shallow;
//! - the parser, the printer and the walks ([`Expr::names`], [`Expr::depth`]) use explicit
//!   stacks, not recursion, so they work on threads with small stacks.
//!
//! [`Expr`]'s `Display` prints canonical text with the fewest parentheses that parse back to
//! the same tree.

mod aggregate;
mod ast;
mod compile;
mod eval;
mod lexer;
mod parser;
mod print;

pub use self::aggregate::{AggCall, AggFn, ItemRows, Tally};
pub use self::ast::{AddOp, CmpOp, Expr, ExprKind, MulOp, Span};
pub use self::compile::{AggSite, CExpr, Const, ListScope, Resolved, Scope, Type, compile};
pub use self::eval::{Bindings, Fault, Val, cmp_holds, eval};
pub use self::parser::parse;

/// How deeply constructs may nest before an expression is refused as too deep.
///
/// Each of these opens one level for what is inside it: a parenthesis, a unary `-` or `not`,
/// an `if` (for each of its three parts), a call's argument list, and an `in` list. So
/// `((1))` nests 2 deep, `- - x` 2, `f(g(x))` 2, `if a then b else c` 1 and `1 + 2 * 3` 0;
/// 64 levels are accepted and the 65th is an error. Binary operators don't count: they are
/// bounded by the precedence levels between two nesting constructs (see [`MAX_TREE_DEPTH`]).
/// Real rulebooks nest a handful of levels; the limit exists so that an expression nested
/// 10,000 deep is an error rather than a stack overflow anywhere downstream.
pub const MAX_DEPTH: usize = 64;

/// The greatest `Expr::depth` (tree height) of any expression that `parse` accepts.
///
/// Between two nesting levels there can be at most one node of each binary precedence level
/// (`or`, `and`, comparison, `+ -`, `* /`: five), and each nesting construct adds at most one
/// node (parentheses add none), so a tree is at most 6 × `MAX_DEPTH` + 5 nodes high above its
/// leaves, plus the leaf. Passes that recurse over a parsed tree (type checking, evaluation,
/// `Clone`, `PartialEq`, `Drop`) recurse at most this deep.
pub const MAX_TREE_DEPTH: usize = 6 * MAX_DEPTH + 6;
