//! The syntax tree of a rulebook expression, with spans, and the walks over it that other
//! passes need (`names`, `depth`).
//!
//! The walks here use explicit stacks rather than recursion: they run on whatever thread loads
//! a rulebook, possibly one with a small stack, and they should never be the reason it overflows.

use std::fmt;

/// A range of the expression text, in **character** (not byte) offsets, end exclusive.
///
/// Characters rather than bytes because expressions are full of Chinese names and strings,
/// and a caller pointing at "the 3rd character" is what a person counting can check; byte
/// offsets into UTF-8 would put carets in the wrong place.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// Offset of the first character.
    pub start: usize,
    /// Offset one past the last character.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end` (exclusive).
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// The smallest span covering both `self` and `other`.
    pub fn to(self, other: Span) -> Span {
        Span { start: self.start.min(other.start), end: self.end.max(other.end) }
    }

    #[cfg(test)]
    /// Number of characters covered.
    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }

    #[cfg(test)]
    /// Whether the span covers no character (only the end of input has such a span).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

/// An expression node: what it is, and where it was written.
///
/// The span runs from the first to the last token of the node. Parentheses written directly
/// around a node are *not* part of its own span (so a name's span is exactly the name), but
/// they are part of its parent's span, since the parent starts or ends at them.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    /// Where the node was written (character offsets).
    pub span: Span,
    /// What the node is.
    pub kind: ExprKind,
}

/// `+` or `-` inside a [`ExprKind::Sum`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AddOp {
    /// `+`
    Add,
    /// `-`
    Sub,
}

/// `*` or `/` inside a [`ExprKind::Product`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MulOp {
    /// `*`
    Mul,
    /// `/`
    Div,
}

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CmpOp {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl AddOp {
    #[cfg(test)]
    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            AddOp::Add => "+",
            AddOp::Sub => "-",
        }
    }
}

impl MulOp {
    #[cfg(test)]
    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            MulOp::Mul => "*",
            MulOp::Div => "/",
        }
    }
}

impl CmpOp {
    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
}

/// What an expression node is.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// A number literal, kept as written (`12.50` stays `12.50`) so that the evaluator can take
    /// it at its written value and explanations can quote it. Never negative and never with an
    /// exponent, except inside [`ExprKind::In`] lists, where `-3` is `Number("-3")`.
    Number(String),
    /// A string literal, escapes already resolved.
    Str(String),
    /// `true` or `false`.
    Bool(bool),
    /// A name of an input, parameter or derived value (resolved later, not here).
    Name(String),
    /// Unary minus.
    Neg(Box<Expr>),
    /// `not`.
    Not(Box<Expr>),
    /// A left-associative run of `+`/`-`, kept flat so that `a + b + …` with 10,000 terms is
    /// not a 10,000-deep tree (later passes recurse over the tree). `a - b + c` is
    /// `first: a, rest: [(Sub, b), (Add, c)]`; `rest` is never empty. A parenthesised run
    /// stays a separate node: `a + (b + c)` has a `Sum` as its second operand.
    Sum {
        /// The leftmost operand.
        first: Box<Expr>,
        /// Each following operator with its right operand, in source order.
        rest: Vec<(AddOp, Expr)>,
    },
    /// A left-associative run of `*`/`/`, flat for the same reason as [`ExprKind::Sum`].
    Product {
        /// The leftmost operand.
        first: Box<Expr>,
        /// Each following operator with its right operand, in source order.
        rest: Vec<(MulOp, Expr)>,
    },
    /// `a and b and …`, flattened, at least two operands.
    And(Vec<Expr>),
    /// `a or b or …`, flattened, at least two operands.
    Or(Vec<Expr>),
    /// A comparison. Comparisons don't chain, so this is always a single operator.
    Compare {
        /// The operator.
        op: CmpOp,
        /// The left operand.
        left: Box<Expr>,
        /// The right operand.
        right: Box<Expr>,
    },
    /// `value in [a, b, …]`. The list holds only literals — `Number`, `Str` or `Bool` nodes,
    /// at least one; a negative number is a single `Number("-3")` whose span covers the `-`.
    In {
        /// The tested value.
        value: Box<Expr>,
        /// The literals of the list, in source order.
        list: Vec<Expr>,
    },
    /// `if cond then then else otherwise`.
    If {
        /// The condition.
        cond: Box<Expr>,
        /// The value when the condition holds.
        then: Box<Expr>,
        /// The value otherwise.
        otherwise: Box<Expr>,
    },
    /// `name(args…)`. Any name and any number of arguments are accepted here; which functions
    /// exist and what they take is checked later, which can then point at `name_span`.
    Call {
        /// The function name.
        name: String,
        /// Where the function name was written.
        name_span: Span,
        /// The arguments, in source order.
        args: Vec<Expr>,
    },
}

impl Expr {
    /// A node of `kind` written at `span`.
    pub fn new(kind: ExprKind, span: Span) -> Expr {
        Expr { span, kind }
    }

    /// Every `Name` in the expression, in source order (duplicates kept), with its span.
    ///
    /// Function names of calls are not included: they are not references to values.
    pub fn names(&self) -> Vec<(&str, Span)> {
        let mut out = Vec::new();
        // Children are pushed in reverse so that they pop in source order; all names are
        // leaves, so a pre-order walk yields them left to right.
        let mut stack: Vec<&Expr> = vec![self];
        while let Some(e) = stack.pop() {
            match &e.kind {
                ExprKind::Name(n) => out.push((n.as_str(), e.span)),
                _ => push_children_reversed(e, &mut stack),
            }
        }
        out
    }

    /// Height of the tree: 1 for a literal or a name, 1 + the deepest child otherwise.
    ///
    /// A parsed expression never exceeds [`super::MAX_TREE_DEPTH`], so a pass that recurses once
    /// per level knows its worst case.
    pub fn depth(&self) -> usize {
        let mut deepest = 0;
        let mut stack: Vec<(&Expr, usize)> = vec![(self, 1)];
        let mut children = Vec::new();
        while let Some((e, d)) = stack.pop() {
            deepest = deepest.max(d);
            children.clear();
            push_children_reversed(e, &mut children);
            stack.extend(children.iter().map(|c| (*c, d + 1)));
        }
        deepest
    }

    #[cfg(test)]
    /// The direct children of this node, in source order.
    pub fn children(&self) -> Vec<&Expr> {
        let mut out = Vec::new();
        push_children_reversed(self, &mut out);
        out.reverse();
        out
    }
}

/// Pushes the direct children of `e` onto `stack`, last child first, so that popping visits
/// them in source order.
fn push_children_reversed<'a>(e: &'a Expr, stack: &mut Vec<&'a Expr>) {
    match &e.kind {
        ExprKind::Number(_) | ExprKind::Str(_) | ExprKind::Bool(_) | ExprKind::Name(_) => {}
        ExprKind::Neg(x) | ExprKind::Not(x) => stack.push(x),
        ExprKind::Sum { first, rest } => {
            stack.extend(rest.iter().rev().map(|(_, x)| x));
            stack.push(first);
        }
        ExprKind::Product { first, rest } => {
            stack.extend(rest.iter().rev().map(|(_, x)| x));
            stack.push(first);
        }
        ExprKind::And(xs) | ExprKind::Or(xs) => stack.extend(xs.iter().rev()),
        ExprKind::Compare { left, right, .. } => {
            stack.push(right);
            stack.push(left);
        }
        ExprKind::In { value, list } => {
            stack.extend(list.iter().rev());
            stack.push(value);
        }
        ExprKind::If { cond, then, otherwise } => {
            stack.push(otherwise);
            stack.push(then);
            stack.push(cond);
        }
        ExprKind::Call { args, .. } => stack.extend(args.iter().rev()),
    }
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::*;

    #[test]
    fn names_in_source_order_without_function_names() {
        let e = parse("if a > min(b, 收入) then c else a + x in [1]").unwrap();
        let names: Vec<(&str, usize)> = e.names().into_iter().map(|(n, s)| (n, s.start)).collect();
        assert_eq!(names, vec![("a", 3), ("b", 11), ("收入", 14), ("c", 23), ("a", 30), ("x", 34)]);
    }

    #[test]
    fn name_spans_are_character_offsets_and_exclude_parentheses() {
        let src = "(x) + 收入 * ((y))";
        let e = parse(src).unwrap();
        let chars: Vec<char> = src.chars().collect();
        for (n, s) in e.names() {
            let text: String = chars[s.start..s.end].iter().collect();
            assert_eq!(text, n);
        }
        assert_eq!(e.names()[1].1, Span::new(6, 8));
    }

    #[test]
    fn depth_is_tree_height() {
        assert_eq!(parse("x").unwrap().depth(), 1);
        assert_eq!(parse("a + b + c").unwrap().depth(), 2);
        assert_eq!(parse("a + b * c").unwrap().depth(), 3);
        assert_eq!(parse("-(-(a))").unwrap().depth(), 3);
        assert_eq!(parse("f()").unwrap().depth(), 1);
        assert_eq!(parse("x in [1, -2]").unwrap().depth(), 2);
    }

    #[test]
    fn children_in_source_order() {
        let e = parse("if a then b else c").unwrap();
        let kids: Vec<String> = e.children().iter().map(|c| c.to_string()).collect();
        assert_eq!(kids, ["a", "b", "c"]);
    }

    #[test]
    fn span_helpers() {
        let s = Span::new(3, 5).to(Span::new(1, 4));
        assert_eq!(s, Span::new(1, 5));
        assert_eq!(s.len(), 4);
        assert!(!s.is_empty());
        assert!(Span::new(2, 2).is_empty());
        assert_eq!(s.to_string(), "1..5");
    }
}
