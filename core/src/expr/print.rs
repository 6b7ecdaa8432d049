//! Canonical text for expressions: `Display` for [`Expr`].
//!
//! The text uses the fewest parentheses that make it parse back to the same tree (spans
//! aside): a child is parenthesised only when its precedence is below what its position
//! accepts. Flat runs keep their shape, so `(a + b) + c` — a `Sum` inside a `Sum` — prints
//! with its parentheses, while `a + b + c` prints without. Printing uses an explicit stack, so
//! it works on small thread stacks whatever the tree's height.

use std::fmt;

use super::ast::{AddOp, Expr, ExprKind, MulOp};
use super::parser::prec;

/// The precedence level of a node, on the parser's scale.
fn level(e: &Expr) -> u8 {
    match &e.kind {
        ExprKind::If { .. } => prec::IF,
        ExprKind::Or(_) => prec::OR,
        ExprKind::And(_) => prec::AND,
        ExprKind::Not(_) => prec::NOT,
        ExprKind::Compare { .. } | ExprKind::In { .. } => prec::CMP,
        ExprKind::Sum { .. } => prec::SUM,
        ExprKind::Product { .. } => prec::PRODUCT,
        ExprKind::Neg(_) => prec::NEG,
        ExprKind::Number(_)
        | ExprKind::Str(_)
        | ExprKind::Bool(_)
        | ExprKind::Name(_)
        | ExprKind::Call { .. } => prec::ATOM,
    }
}

/// Work still to print: a node in a position that accepts levels from `.1` up, or fixed text.
enum Item<'a> {
    Node(&'a Expr, u8),
    Text(&'static str),
}

/// Pushes `items` separated by `sep`, each accepting `min`, so that they pop left to right.
fn push_list<'a>(stack: &mut Vec<Item<'a>>, items: &'a [Expr], sep: &'static str, min: u8) {
    for (i, e) in items.iter().enumerate().rev() {
        stack.push(Item::Node(e, min));
        if i > 0 {
            stack.push(Item::Text(sep));
        }
    }
}

/// Writes a string literal with the escapes the lexer reads back.
fn write_str_literal(f: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
    f.write_str("\"")?;
    for c in s.chars() {
        match c {
            '"' => f.write_str("\\\"")?,
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            '\t' => f.write_str("\\t")?,
            c => write!(f, "{c}")?,
        }
    }
    f.write_str("\"")
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut stack = vec![Item::Node(self, prec::IF)];
        while let Some(item) = stack.pop() {
            let (e, min) = match item {
                Item::Text(t) => {
                    f.write_str(t)?;
                    continue;
                }
                Item::Node(e, min) => (e, min),
            };
            if level(e) < min {
                f.write_str("(")?;
                stack.push(Item::Text(")"));
                stack.push(Item::Node(e, prec::IF));
                continue;
            }
            match &e.kind {
                ExprKind::Number(text) => f.write_str(text)?,
                ExprKind::Str(s) => write_str_literal(f, s)?,
                ExprKind::Bool(b) => f.write_str(if *b { "true" } else { "false" })?,
                ExprKind::Name(n) => f.write_str(n)?,
                ExprKind::Neg(x) => {
                    // `- -x`, not `--x`: both parse, but the space reads as two operators.
                    let nested = matches!(x.kind, ExprKind::Neg(_))
                        || matches!(&x.kind, ExprKind::Number(t) if t.starts_with('-'));
                    f.write_str(if nested { "- " } else { "-" })?;
                    stack.push(Item::Node(x, prec::NEG));
                }
                ExprKind::Not(x) => {
                    f.write_str("not ")?;
                    stack.push(Item::Node(x, prec::NOT));
                }
                ExprKind::Sum { first, rest } => {
                    for (op, x) in rest.iter().rev() {
                        stack.push(Item::Node(x, prec::PRODUCT));
                        stack.push(Item::Text(match op {
                            AddOp::Add => " + ",
                            AddOp::Sub => " - ",
                        }));
                    }
                    stack.push(Item::Node(first, prec::PRODUCT));
                }
                ExprKind::Product { first, rest } => {
                    for (op, x) in rest.iter().rev() {
                        stack.push(Item::Node(x, prec::NEG));
                        stack.push(Item::Text(match op {
                            MulOp::Mul => " * ",
                            MulOp::Div => " / ",
                        }));
                    }
                    stack.push(Item::Node(first, prec::NEG));
                }
                ExprKind::And(xs) => {
                    push_list(&mut stack, xs, " and ", prec::NOT);
                }
                ExprKind::Or(xs) => {
                    push_list(&mut stack, xs, " or ", prec::AND);
                }
                ExprKind::Compare { op, left, right } => {
                    stack.push(Item::Node(right, prec::SUM));
                    stack.push(Item::Text(" "));
                    stack.push(Item::Text(op.as_str()));
                    stack.push(Item::Text(" "));
                    stack.push(Item::Node(left, prec::SUM));
                }
                ExprKind::In { value, list } => {
                    stack.push(Item::Text("]"));
                    push_list(&mut stack, list, ", ", prec::ATOM);
                    stack.push(Item::Text(" in ["));
                    stack.push(Item::Node(value, prec::SUM));
                }
                ExprKind::If { cond, then, otherwise } => {
                    f.write_str("if ")?;
                    stack.push(Item::Node(otherwise, prec::IF));
                    stack.push(Item::Text(" else "));
                    stack.push(Item::Node(then, prec::IF));
                    stack.push(Item::Text(" then "));
                    stack.push(Item::Node(cond, prec::IF));
                }
                ExprKind::Call { name, args, .. } => {
                    f.write_str(name)?;
                    f.write_str("(")?;
                    stack.push(Item::Text(")"));
                    push_list(&mut stack, args, ", ", prec::IF);
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::ast::{CmpOp, Span};
    use super::super::parse;
    use super::super::parser::tests::strip;
    use super::*;
    use proptest::prelude::*;

    fn canon(src: &str) -> String {
        parse(src).unwrap().to_string()
    }

    #[test]
    fn minimal_parentheses() {
        let cases = [
            ("poor_population/population*100", "poor_population / population * 100"),
            (
                "if sampled==0 then 0 else satisfied/sampled*100",
                "if sampled == 0 then 0 else satisfied / sampled * 100",
            ),
            ("((a + b)) * c", "(a + b) * c"),
            ("(a + b) + c", "(a + b) + c"),
            ("a + (b + c)", "a + (b + c)"),
            ("a - (b - c)", "a - (b - c)"),
            ("(a * b) + c", "a * b + c"),
            ("-x + -(-2)", "-x + - -2"),
            ("-(a + b)", "-(a + b)"),
            ("(-a) * b", "-a * b"),
            ("not (a and b)", "not (a and b)"),
            ("(not a) and b", "not a and b"),
            ("not (a == b)", "not a == b"),
            ("(not a) == b", "(not a) == b"),
            ("a or (b and c)", "a or b and c"),
            ("(a or b) and c", "(a or b) and c"),
            ("(a < b) == c", "(a < b) == c"),
            ("a == (b < c)", "a == (b < c)"),
            ("(x + 1) in [1, -2, \"高原藏区\", true]", "x + 1 in [1, -2, \"高原藏区\", true]"),
            ("(x in [1]) == true", "(x in [1]) == true"),
            (
                "if (if a then b else c) then (d) else (if e then f else g)",
                "if if a then b else c then d else if e then f else g",
            ),
            ("(if a then b else c) + 1", "(if a then b else c) + 1"),
            ("f((if a then 1 else 2), (x))", "f(if a then 1 else 2, x)"),
            ("min( a ,b,3 )", "min(a, b, 3)"),
            ("f()", "f()"),
            ("\"a\\\"b\\\\c\\nd\\te\"", "\"a\\\"b\\\\c\\nd\\te\""),
            ("12.50 + 007", "12.50 + 007"),
            ("收入>2800", "收入 > 2800"),
            ("- - - x", "- - -x"),
            ("-f(x)", "-f(x)"),
            ("(-1) * 2", "-1 * 2"),
            ("a / (b * c)", "a / (b * c)"),
            ("not not a", "not not a"),
            ("a and (b and c)", "a and (b and c)"),
        ];
        for (src, want) in cases {
            assert_eq!(canon(src), want, "{src}");
            assert_eq!(canon(want), want, "{want} is not a fixed point");
        }
    }

    #[test]
    fn prints_built_trees() {
        let s = Span::default();
        let name = |n: &str| Expr::new(ExprKind::Name(n.into()), s);
        let e = Expr::new(
            ExprKind::Compare {
                op: CmpOp::Ge,
                left: Box::new(name("a")),
                right: Box::new(Expr::new(ExprKind::Not(Box::new(name("b"))), s)),
            },
            s,
        );
        assert_eq!(e.to_string(), "a >= (not b)");
        let neg_lit = Expr::new(ExprKind::Neg(Box::new(Expr::new(ExprKind::Number("-3".into()), s))), s);
        assert_eq!(neg_lit.to_string(), "- -3");
    }

    /// Expression trees of the shapes the parser produces (flat runs have at least one
    /// operator, `and`/`or` at least two operands, lists hold literals), nested runs included.
    fn arb_expr() -> impl Strategy<Value = Expr> {
        let s = Span::default();
        let lit = prop_oneof![
            prop::sample::select(vec!["0", "1", "12.50", "007", "0.5"])
                .prop_map(move |n| Expr::new(ExprKind::Number(n.into()), s)),
            prop::sample::select(vec!["", "凉山彝区", "a\"b", "\\", "x\ny\tz"])
                .prop_map(move |t| Expr::new(ExprKind::Str(t.into()), s)),
            any::<bool>().prop_map(move |b| Expr::new(ExprKind::Bool(b), s)),
        ];
        let list_item = prop_oneof![
            lit.clone(),
            prop::sample::select(vec!["-1", "-0.5", "-007"])
                .prop_map(move |n| Expr::new(ExprKind::Number(n.into()), s)),
        ];
        let leaf = prop_oneof![
            lit,
            prop::sample::select(vec!["a", "b", "收入", "_x", "x1"])
                .prop_map(move |n| Expr::new(ExprKind::Name(n.into()), s)),
        ];
        let add = prop::sample::select(vec![AddOp::Add, AddOp::Sub]);
        let mul = prop::sample::select(vec![MulOp::Mul, MulOp::Div]);
        let cmp =
            prop::sample::select(vec![CmpOp::Eq, CmpOp::Ne, CmpOp::Lt, CmpOp::Le, CmpOp::Gt, CmpOp::Ge]);
        leaf.prop_recursive(6, 64, 4, move |inner| {
            let b = |x: Expr| Box::new(x);
            let mk = move |k: ExprKind| Expr::new(k, s);
            prop_oneof![
                inner.clone().prop_map(move |x| mk(ExprKind::Neg(b(x)))),
                inner.clone().prop_map(move |x| mk(ExprKind::Not(b(x)))),
                (inner.clone(), prop::collection::vec((add.clone(), inner.clone()), 1..3))
                    .prop_map(move |(f, rest)| mk(ExprKind::Sum { first: b(f), rest })),
                (inner.clone(), prop::collection::vec((mul.clone(), inner.clone()), 1..3))
                    .prop_map(move |(f, rest)| mk(ExprKind::Product { first: b(f), rest })),
                prop::collection::vec(inner.clone(), 2..4).prop_map(move |xs| mk(ExprKind::And(xs))),
                prop::collection::vec(inner.clone(), 2..4).prop_map(move |xs| mk(ExprKind::Or(xs))),
                (cmp.clone(), inner.clone(), inner.clone())
                    .prop_map(move |(op, l, r)| mk(ExprKind::Compare { op, left: b(l), right: b(r) })),
                (inner.clone(), prop::collection::vec(list_item.clone(), 1..3))
                    .prop_map(move |(v, list)| mk(ExprKind::In { value: b(v), list })),
                (inner.clone(), inner.clone(), inner.clone()).prop_map(move |(c, t, o)| mk(ExprKind::If {
                    cond: b(c),
                    then: b(t),
                    otherwise: b(o)
                })),
                (
                    prop::sample::select(vec!["f", "round", "points"]),
                    prop::collection::vec(inner.clone(), 0..3)
                )
                    .prop_map(move |(n, args)| mk(ExprKind::Call {
                        name: n.into(),
                        name_span: s,
                        args
                    })),
            ]
        })
    }

    /// Text with a parenthesis around every compound operand: an independent way to write a
    /// tree down, to check the parser against.
    fn full_parens(e: &Expr) -> String {
        fn sub(e: &Expr) -> String {
            match &e.kind {
                ExprKind::Number(_)
                | ExprKind::Str(_)
                | ExprKind::Bool(_)
                | ExprKind::Name(_)
                | ExprKind::Call { .. } => full_parens(e),
                _ => format!("( {} )", full_parens(e)),
            }
        }
        let join = |xs: &[Expr], sep: &str| xs.iter().map(sub).collect::<Vec<_>>().join(sep);
        match &e.kind {
            ExprKind::Neg(x) => format!("-{}", sub(x)),
            ExprKind::Not(x) => format!("not {}", sub(x)),
            ExprKind::Sum { first, rest } => {
                let mut t = sub(first);
                for (op, x) in rest {
                    t += &format!("{}{}", op.as_str(), sub(x));
                }
                t
            }
            ExprKind::Product { first, rest } => {
                let mut t = sub(first);
                for (op, x) in rest {
                    t += &format!("{}{}", op.as_str(), sub(x));
                }
                t
            }
            ExprKind::And(xs) => join(xs, " and "),
            ExprKind::Or(xs) => join(xs, " or "),
            ExprKind::Compare { op, left, right } => {
                format!("{}{}{}", sub(left), op.as_str(), sub(right))
            }
            ExprKind::In { value, list } => {
                let items: Vec<String> = list.iter().map(|x| x.to_string()).collect();
                format!("{} in[{}]", sub(value), items.join(","))
            }
            ExprKind::If { cond, then, otherwise } => {
                format!("if {} then {} else {}", sub(cond), sub(then), sub(otherwise))
            }
            ExprKind::Call { name, args, .. } => format!("{name}({})", join(args, ",")),
            _ => e.to_string(),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        #[test]
        fn printed_trees_parse_back_to_themselves(e in arb_expr()) {
            let text = e.to_string();
            let back = parse(&text);
            prop_assert!(back.is_ok(), "{:?} -> {}: {}", e, text, back.unwrap_err());
            let back = back.unwrap();
            prop_assert_eq!(strip(&back), e.clone(), "{}", text);
            prop_assert_eq!(back.to_string(), text);
        }

        #[test]
        fn fully_parenthesised_text_parses_to_its_tree(e in arb_expr()) {
            let text = full_parens(&e);
            let parsed = parse(&text);
            prop_assert!(parsed.is_ok(), "{}: {}", text, parsed.unwrap_err());
            let parsed = parsed.unwrap();
            prop_assert_eq!(strip(&parsed), e.clone(), "{}", text);
            // Minimal printing never has more parentheses than full parenthesisation.
            let printed = e.to_string();
            prop_assert!(printed.matches('(').count() <= text.matches('(').count());
        }

        #[test]
        fn spans_nest_and_names_point_at_themselves(e in arb_expr()) {
            let text = full_parens(&e);
            let parsed = parse(&text).unwrap();
            let chars: Vec<char> = text.chars().collect();
            for (name, span) in parsed.names() {
                let at: String = chars[span.start..span.end].iter().collect();
                prop_assert_eq!(at, name);
            }
            let mut stack = vec![&parsed];
            while let Some(node) = stack.pop() {
                prop_assert!(node.span.end <= chars.len());
                for child in node.children() {
                    prop_assert!(node.span.start <= child.span.start);
                    prop_assert!(child.span.end <= node.span.end);
                    stack.push(child);
                }
            }
        }
    }
}
