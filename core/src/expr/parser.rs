//! The expression parser: operator precedence with an explicit stack.
//!
//! The parser never recurses. Everything that is still open — a parenthesis, a call, an `if`,
//! a unary operator, a run of `+`/`-` waiting for its next operand — is a [`Frame`] on a
//! vector, and the nesting constructs among them are counted against [`MAX_DEPTH`]. This is
//! what makes "nested 10,000 deep" an ordinary error on any thread, whatever its stack size,
//! and it keeps flat runs (`a + b + …`, `a and b and …`) flat and linear-time.
//!
//! The parser alternates between two states: *expecting an operand* (a literal, a name, a call,
//! or a prefix `-`, `not`, `if`, `(` that opens a frame) and *after an operand* (a binary
//! operator, `in`, or a token that closes something: `)`, `,`, `then`, `else`, end). A binary
//! operator first completes ("reduces") the open frames that bind tighter than it, then either
//! extends a run of its own level or opens a new one.

use std::fmt;

use super::MAX_DEPTH;
use super::ast::{AddOp, CmpOp, Expr, ExprKind, MulOp, Span};
use super::lexer::{Lexer, Tok, Token};

/// Why an expression could not be parsed, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// Where the problem is (character offsets into the expression). At the end of the text
    /// this is the empty span at its length.
    pub span: Span,
    /// What is wrong, and what was expected instead.
    pub message: String,
    /// The expression nests deeper than [`MAX_DEPTH`]: the rulebook loader reports this as
    /// `TooDeep` rather than `Syntax` (spec §17).
    pub too_deep: bool,
}

impl ParseError {
    /// A syntax error at `span`.
    pub(super) fn new(span: Span, message: String) -> ParseError {
        ParseError { span, message, too_deep: false }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at characters {})", self.message, self.span)
    }
}

impl std::error::Error for ParseError {}

/// Parses one expression (spec §5).
///
/// The whole text must be one expression; leading and trailing whitespace are fine. Returns
/// the first problem found, left to right.
pub fn parse(src: &str) -> Result<Expr, ParseError> {
    Parser { lexer: Lexer::new(src), peeked: None, prev: None, stack: Vec::new(), nesting: 0 }.run()
}

/// Precedence levels, lowest first. The printer uses the same scale to decide parentheses.
pub(super) mod prec {
    /// `if … then … else …`: only where an expression is delimited (top, parentheses,
    /// arguments, `if` parts).
    pub const IF: u8 = 1;
    /// `or`.
    pub const OR: u8 = 2;
    /// `and`.
    pub const AND: u8 = 3;
    /// Prefix `not`.
    pub const NOT: u8 = 4;
    /// Comparisons and `in`.
    pub const CMP: u8 = 5;
    /// `+ -`.
    pub const SUM: u8 = 6;
    /// `* /`.
    pub const PRODUCT: u8 = 7;
    /// Prefix `-`.
    pub const NEG: u8 = 8;
    /// Literals, names, calls.
    pub const ATOM: u8 = 9;
}

/// Something opened and not yet complete.
enum Frame {
    /// `(` — nesting.
    Paren { open: Span },
    /// `name(` with the arguments so far — nesting.
    Call { name: String, name_span: Span, open: Span, args: Vec<Expr> },
    /// Prefix `-` waiting for its operand — nesting.
    Neg { start: usize },
    /// Prefix `not` waiting for its operand — nesting.
    Not { start: usize },
    /// `if` waiting for its condition and `then` — nesting.
    IfCond { if_span: Span },
    /// `if cond then` waiting for its value and `else` — nesting.
    IfThen { if_span: Span, cond: Expr },
    /// `if cond then x else` waiting for the rest of the text it extends over — nesting.
    IfElse { if_span: Span, cond: Expr, then: Expr },
    /// A run of `+`/`-` waiting for the operand of `op`.
    Sum { start: usize, first: Expr, rest: Vec<(AddOp, Expr)>, op: AddOp },
    /// A run of `*`/`/` waiting for the operand of `op`.
    Product { start: usize, first: Expr, rest: Vec<(MulOp, Expr)>, op: MulOp },
    /// `a and b and` waiting for the next operand.
    And { start: usize, operands: Vec<Expr> },
    /// `a or b or` waiting for the next operand.
    Or { start: usize, operands: Vec<Expr> },
    /// `left op` waiting for the right operand.
    Compare { start: usize, op: CmpOp, left: Expr },
}

impl Frame {
    /// The level of the operator this frame completes, or `None` for the frames that only a
    /// closing token ends (parenthesis, call, `if` before its `else`): operators never
    /// reduce across those.
    fn level(&self) -> Option<u8> {
        match self {
            Frame::Paren { .. } | Frame::Call { .. } | Frame::IfCond { .. } => None,
            Frame::IfThen { .. } => None,
            Frame::IfElse { .. } => Some(prec::IF),
            Frame::Or { .. } => Some(prec::OR),
            Frame::And { .. } => Some(prec::AND),
            Frame::Not { .. } => Some(prec::NOT),
            Frame::Compare { .. } => Some(prec::CMP),
            Frame::Sum { .. } => Some(prec::SUM),
            Frame::Product { .. } => Some(prec::PRODUCT),
            Frame::Neg { .. } => Some(prec::NEG),
        }
    }

    /// The lowest level an operand may have here without parentheses.
    fn operand_level(&self) -> u8 {
        match self {
            Frame::Paren { .. }
            | Frame::Call { .. }
            | Frame::IfCond { .. }
            | Frame::IfThen { .. }
            | Frame::IfElse { .. } => prec::IF,
            Frame::Or { .. } => prec::AND,
            Frame::And { .. } | Frame::Not { .. } => prec::NOT,
            Frame::Compare { .. } => prec::SUM,
            Frame::Sum { .. } => prec::PRODUCT,
            Frame::Product { .. } | Frame::Neg { .. } => prec::NEG,
        }
    }

    /// Whether this frame counts against [`MAX_DEPTH`].
    fn nests(&self) -> bool {
        matches!(
            self,
            Frame::Paren { .. }
                | Frame::Call { .. }
                | Frame::Neg { .. }
                | Frame::Not { .. }
                | Frame::IfCond { .. }
                | Frame::IfThen { .. }
                | Frame::IfElse { .. }
        )
    }
}

/// A complete operand waiting for what follows it.
struct Operand {
    expr: Expr,
    /// The operand's extent including parentheses written around it; a parent's span is
    /// built from these.
    outer: Span,
    /// The operand is a comparison or `in` not yet inside anything: another comparison right
    /// after it would be a chain, which is refused.
    is_cmp: bool,
}

impl Operand {
    fn new(expr: Expr) -> Operand {
        Operand { outer: expr.span, expr, is_cmp: false }
    }
}

/// What the main loop does next.
enum Step {
    /// An operand is complete: look for an operator or a closing token.
    Have(Operand),
    /// An operand is expected.
    Need,
    /// The whole expression is complete.
    Done(Expr),
}

/// The state of one parse: the token source and the stack of open frames.
struct Parser {
    lexer: Lexer,
    /// One token of lookahead, needed to tell a call `f(` from a name.
    peeked: Option<Token>,
    /// Span of the last token taken, for "expected … after 'x'".
    prev: Option<Span>,
    stack: Vec<Frame>,
    /// How many frames on the stack (plus an `in` list being read) count against `MAX_DEPTH`.
    nesting: usize,
}

impl Parser {
    /// Alternates between the two states until the end of the text closes everything.
    fn run(mut self) -> Result<Expr, ParseError> {
        let mut step = Step::Need;
        loop {
            step = match step {
                Step::Need => self.operand()?,
                Step::Have(cur) => self.after_operand(cur)?,
                Step::Done(e) => return Ok(e),
            };
        }
    }

    /// The next token, without taking it.
    fn peek(&mut self) -> Result<&Token, ParseError> {
        let t = match self.peeked.take() {
            Some(t) => t,
            None => self.lexer.next_token()?,
        };
        Ok(self.peeked.insert(t))
    }

    /// Takes the next token.
    fn next(&mut self) -> Result<Token, ParseError> {
        let t = match self.peeked.take() {
            Some(t) => t,
            None => self.lexer.next_token()?,
        };
        self.prev = Some(t.span);
        Ok(t)
    }

    /// Pushes a frame, counting it against the depth limit when it nests; `at` is the token
    /// that opened it, where a too-deep error points.
    fn push(&mut self, frame: Frame, at: Span) -> Result<(), ParseError> {
        if frame.nests() {
            self.enter(at)?;
        }
        self.stack.push(frame);
        Ok(())
    }

    /// Opens one nesting level, or refuses the expression as too deep.
    fn enter(&mut self, at: Span) -> Result<(), ParseError> {
        if self.nesting >= MAX_DEPTH {
            return Err(ParseError {
                span: at,
                message: format!(
                    "expression nested too deeply: more than {MAX_DEPTH} levels of parentheses, \
                     unary operators, `if`s, calls and lists"
                ),
                too_deep: true,
            });
        }
        self.nesting += 1;
        Ok(())
    }

    /// How a token is named in a message ("'+'", "`and`", "name `x`", "the end").
    fn describe(&self, t: &Token) -> String {
        let text = self.lexer.quote(t.span);
        match &t.tok {
            Tok::Eof => "the end".into(),
            Tok::Number(_) => format!("number {text}"),
            Tok::Str(_) => format!("string {text}"),
            Tok::Name(_) => format!("name `{text}`"),
            Tok::True
            | Tok::False
            | Tok::If
            | Tok::Then
            | Tok::Else
            | Tok::And
            | Tok::Or
            | Tok::Not
            | Tok::In => format!("`{text}`"),
            _ => format!("'{text}'"),
        }
    }

    /// " after 'x'" for the token at `before`, or "" at the start of the text.
    fn after(&self, before: Option<Span>) -> String {
        match before {
            Some(span) => format!(" after '{}'", self.lexer.quote(span)),
            None => String::new(),
        }
    }

    /// The lowest operand level allowed where an operand is expected now.
    fn context_level(&self) -> u8 {
        self.stack.last().map_or(prec::IF, Frame::operand_level)
    }

    /// State "expecting an operand": reads a literal, name or call start, or opens a frame.
    fn operand(&mut self) -> Result<Step, ParseError> {
        let before = self.prev;
        let t = self.next()?;
        let span = t.span;
        let leaf = |kind: ExprKind| Ok(Step::Have(Operand::new(Expr::new(kind, span))));
        match t.tok {
            Tok::Number(text) => leaf(ExprKind::Number(text)),
            Tok::Str(s) => leaf(ExprKind::Str(s)),
            Tok::True => leaf(ExprKind::Bool(true)),
            Tok::False => leaf(ExprKind::Bool(false)),
            Tok::Name(name) => {
                if self.peek()?.tok != Tok::LParen {
                    return leaf(ExprKind::Name(name));
                }
                let open = self.next()?.span;
                if self.peek()?.tok == Tok::RParen {
                    let close = self.next()?.span;
                    let call = ExprKind::Call { name, name_span: span, args: Vec::new() };
                    return leaf_at(call, span.to(close));
                }
                let frame = Frame::Call { name, name_span: span, open, args: Vec::new() };
                self.push(frame, open)?;
                Ok(Step::Need)
            }
            Tok::Minus => {
                self.push(Frame::Neg { start: span.start }, span)?;
                Ok(Step::Need)
            }
            Tok::LParen => {
                self.push(Frame::Paren { open: span }, span)?;
                Ok(Step::Need)
            }
            Tok::Not => {
                if self.context_level() > prec::NOT {
                    let op = before.map(|s| self.lexer.quote(s)).unwrap_or_default();
                    return Err(ParseError::new(
                        span,
                        format!("`not` binds less tightly than '{op}': put the `not …` in parentheses"),
                    ));
                }
                self.push(Frame::Not { start: span.start }, span)?;
                Ok(Step::Need)
            }
            Tok::If => {
                if self.context_level() > prec::IF {
                    return Err(ParseError::new(
                        span,
                        "an `if … then … else …` inside a larger expression must be in \
                         parentheses"
                            .into(),
                    ));
                }
                self.push(Frame::IfCond { if_span: span }, span)?;
                Ok(Step::Need)
            }
            _ => Err(self.expected_operand(&t, before)),
        }
    }

    /// The error for a token that cannot start an operand.
    fn expected_operand(&self, t: &Token, before: Option<Span>) -> ParseError {
        if before.is_none() && t.tok == Tok::Eof {
            return ParseError::new(t.span, "empty expression: expected an expression".into());
        }
        let after = self.after(before);
        let hint = match t.tok {
            Tok::Plus => ": a number has no leading '+'",
            Tok::LBracket => ": a list can only follow `in`",
            _ => "",
        };
        ParseError::new(t.span, format!("expected an expression{after}, found {}{hint}", self.describe(t)))
    }

    /// Completes every open frame that binds tighter than `level` around `cur`.
    fn reduce_above(&mut self, level: u8, mut cur: Operand) -> Operand {
        while self.stack.last().and_then(Frame::level).is_some_and(|l| l > level) {
            match self.stack.pop() {
                Some(frame) => cur = self.complete(frame, cur),
                None => break,
            }
        }
        cur
    }

    /// Completes one operator frame with its last operand.
    fn complete(&mut self, frame: Frame, cur: Operand) -> Operand {
        if frame.nests() {
            self.nesting -= 1;
        }
        let end = cur.outer.end;
        let (kind, start, is_cmp) = match frame {
            Frame::Neg { start } => (ExprKind::Neg(Box::new(cur.expr)), start, false),
            Frame::Not { start } => (ExprKind::Not(Box::new(cur.expr)), start, false),
            Frame::Sum { start, first, mut rest, op } => {
                rest.push((op, cur.expr));
                let first = Box::new(first);
                (ExprKind::Sum { first, rest }, start, false)
            }
            Frame::Product { start, first, mut rest, op } => {
                rest.push((op, cur.expr));
                let first = Box::new(first);
                (ExprKind::Product { first, rest }, start, false)
            }
            Frame::And { start, mut operands } => {
                operands.push(cur.expr);
                (ExprKind::And(operands), start, false)
            }
            Frame::Or { start, mut operands } => {
                operands.push(cur.expr);
                (ExprKind::Or(operands), start, false)
            }
            Frame::Compare { start, op, left } => {
                let (left, right) = (Box::new(left), Box::new(cur.expr));
                (ExprKind::Compare { op, left, right }, start, true)
            }
            Frame::IfElse { if_span, cond, then } => {
                let kind = ExprKind::If {
                    cond: Box::new(cond),
                    then: Box::new(then),
                    otherwise: Box::new(cur.expr),
                };
                (kind, if_span.start, false)
            }
            Frame::Paren { .. } | Frame::Call { .. } | Frame::IfCond { .. } => {
                unreachable!("closed only by their closing token")
            }
            Frame::IfThen { .. } => unreachable!("closed only by `else`"),
        };
        let mut done = Operand::new(Expr::new(kind, Span::new(start, end)));
        done.is_cmp = is_cmp;
        done
    }

    /// State "after an operand": an operator, `in`, or a closing token.
    fn after_operand(&mut self, cur: Operand) -> Result<Step, ParseError> {
        let before = self.prev;
        let t = self.next()?;
        match t.tok {
            // `x in [..] - y`: arithmetic binds tighter than `in` (§5), so no reading of the text
            // makes the `in` test an operand of `-`; refused here rather than read as
            // `(x in [..]) - y`, which the printer would then have to parenthesise.
            Tok::Plus | Tok::Minus | Tok::Star | Tok::Slash if cur.is_cmp => Err(ParseError::new(
                t.span,
                format!(
                    "{} cannot follow an `in` list: arithmetic binds tighter than `in`; \
                     write `(x in [..])` in parentheses to use the test's value",
                    self.describe(&t)
                ),
            )),
            Tok::Plus => self.sum_op(cur, AddOp::Add),
            Tok::Minus => self.sum_op(cur, AddOp::Sub),
            Tok::Star => self.product_op(cur, MulOp::Mul),
            Tok::Slash => self.product_op(cur, MulOp::Div),
            Tok::And => {
                let cur = self.reduce_above(prec::AND, cur);
                if let Some(Frame::And { operands, .. }) = self.stack.last_mut() {
                    operands.push(cur.expr);
                } else {
                    let start = cur.outer.start;
                    let operands = vec![cur.expr];
                    self.stack.push(Frame::And { start, operands });
                }
                Ok(Step::Need)
            }
            Tok::Or => {
                let cur = self.reduce_above(prec::OR, cur);
                if let Some(Frame::Or { operands, .. }) = self.stack.last_mut() {
                    operands.push(cur.expr);
                } else {
                    let start = cur.outer.start;
                    let operands = vec![cur.expr];
                    self.stack.push(Frame::Or { start, operands });
                }
                Ok(Step::Need)
            }
            Tok::Cmp(op) => {
                let cur = self.comparison_operand(cur, t.span)?;
                let start = cur.outer.start;
                let left = cur.expr;
                self.stack.push(Frame::Compare { start, op, left });
                Ok(Step::Need)
            }
            Tok::In => {
                let cur = self.comparison_operand(cur, t.span)?;
                self.in_list(cur)
            }
            Tok::RParen | Tok::Comma | Tok::Then | Tok::Else | Tok::Eof => {
                let cur = self.reduce_above(0, cur);
                self.close(cur, t)
            }
            _ => Err(self.expected_operator(&t, before)),
        }
    }

    /// `+` or `-` after an operand: extends the open run of its level or starts one.
    fn sum_op(&mut self, cur: Operand, new_op: AddOp) -> Result<Step, ParseError> {
        let cur = self.reduce_above(prec::SUM, cur);
        if let Some(Frame::Sum { rest, op, .. }) = self.stack.last_mut() {
            rest.push((*op, cur.expr));
            *op = new_op;
        } else {
            self.stack.push(Frame::Sum {
                start: cur.outer.start,
                first: cur.expr,
                rest: Vec::new(),
                op: new_op,
            });
        }
        Ok(Step::Need)
    }

    /// `*` or `/` after an operand: extends the open run of its level or starts one.
    fn product_op(&mut self, cur: Operand, new_op: MulOp) -> Result<Step, ParseError> {
        let cur = self.reduce_above(prec::PRODUCT, cur);
        if let Some(Frame::Product { rest, op, .. }) = self.stack.last_mut() {
            rest.push((*op, cur.expr));
            *op = new_op;
        } else {
            self.stack.push(Frame::Product {
                start: cur.outer.start,
                first: cur.expr,
                rest: Vec::new(),
                op: new_op,
            });
        }
        Ok(Step::Need)
    }

    /// The left operand of a comparison or `in` at `op_span`, refusing a chain.
    fn comparison_operand(&mut self, cur: Operand, op_span: Span) -> Result<Operand, ParseError> {
        let cur = self.reduce_above(prec::CMP, cur);
        if cur.is_cmp || matches!(self.stack.last(), Some(Frame::Compare { .. })) {
            return Err(ParseError::new(
                op_span,
                "comparisons don't chain: use `and`, as in `a < b and b < c`".into(),
            ));
        }
        Ok(cur)
    }

    /// `[literal, …]` after `in`; the list itself counts as one nesting level.
    fn in_list(&mut self, value: Operand) -> Result<Step, ParseError> {
        let open = self.next()?;
        if open.tok != Tok::LBracket {
            return Err(ParseError::new(
                open.span,
                format!(
                    "expected '[' after `in`, found {}: write `x in [\"a\", \"b\"]`",
                    self.describe(&open)
                ),
            ));
        }
        self.enter(open.span)?;
        let mut list = Vec::new();
        let close = loop {
            let t = self.next()?;
            let item = match t.tok {
                Tok::Number(text) => Expr::new(ExprKind::Number(text), t.span),
                Tok::Str(s) => Expr::new(ExprKind::Str(s), t.span),
                Tok::True => Expr::new(ExprKind::Bool(true), t.span),
                Tok::False => Expr::new(ExprKind::Bool(false), t.span),
                Tok::Minus => {
                    let n = self.next()?;
                    match n.tok {
                        Tok::Number(text) => {
                            Expr::new(ExprKind::Number(format!("-{text}")), t.span.to(n.span))
                        }
                        _ => {
                            return Err(ParseError::new(
                                n.span,
                                format!(
                                    "expected a number after '-' in the list, found {}",
                                    self.describe(&n)
                                ),
                            ));
                        }
                    }
                }
                Tok::RBracket if list.is_empty() => {
                    return Err(ParseError::new(
                        open.span.to(t.span),
                        "empty list: `in` needs at least one value".into(),
                    ));
                }
                Tok::Eof => return Err(unclosed_list(open.span)),
                _ => {
                    return Err(ParseError::new(
                        t.span,
                        format!(
                            "a list holds only literals (numbers, strings, true, false), \
                             found {}",
                            self.describe(&t)
                        ),
                    ));
                }
            };
            list.push(item);
            let sep = self.next()?;
            match sep.tok {
                Tok::Comma => {}
                Tok::RBracket => break sep.span,
                Tok::Eof => return Err(unclosed_list(open.span)),
                _ => {
                    return Err(ParseError::new(
                        sep.span,
                        format!("expected ',' or ']' in the list, found {}", self.describe(&sep)),
                    ));
                }
            }
        };
        self.nesting -= 1;
        let span = Span::new(value.outer.start, close.end);
        let value = Box::new(value.expr);
        let mut done = Operand::new(Expr::new(ExprKind::In { value, list }, span));
        done.is_cmp = true;
        Ok(Step::Have(done))
    }

    /// A closing token (`)`, `,`, `then`, `else`, end) after every operator frame above the
    /// innermost bracket-like frame has been completed.
    fn close(&mut self, mut cur: Operand, t: Token) -> Result<Step, ParseError> {
        if t.tok == Tok::Comma
            && let Some(Frame::Call { args, .. }) = self.stack.last_mut()
        {
            args.push(call_arg(cur));
            return Ok(Step::Need);
        }
        let top = self.stack.pop();
        match (t.tok, top) {
            (Tok::Eof, None) => Ok(Step::Done(cur.expr)),
            (Tok::RParen, Some(Frame::Paren { open })) => {
                self.nesting -= 1;
                cur.outer = open.to(t.span);
                cur.is_cmp = false;
                Ok(Step::Have(cur))
            }
            (Tok::RParen, Some(Frame::Call { name, name_span, mut args, .. })) => {
                self.nesting -= 1;
                args.push(call_arg(cur));
                let call = ExprKind::Call { name, name_span, args };
                leaf_at(call, name_span.to(t.span))
            }
            (Tok::Then, Some(Frame::IfCond { if_span })) => {
                let cond = cur.expr;
                self.stack.push(Frame::IfThen { if_span, cond });
                Ok(Step::Need)
            }
            (Tok::Else, Some(Frame::IfThen { if_span, cond })) => {
                let then = cur.expr;
                self.stack.push(Frame::IfElse { if_span, cond, then });
                Ok(Step::Need)
            }
            (tok, top) => Err(self.misplaced_closer(&Token { tok, span: t.span }, top)),
        }
    }

    /// The error for a closing token that doesn't match what is open.
    fn misplaced_closer(&self, t: &Token, top: Option<Frame>) -> ParseError {
        let found = self.describe(t);
        let at = t.span;
        let is_end = t.tok == Tok::Eof;
        match top {
            None => {
                let message = match t.tok {
                    Tok::RParen => "unmatched ')': no '(' is open".to_string(),
                    Tok::Comma => "unexpected ',': only a call's arguments are separated by commas".into(),
                    Tok::Then => "`then` without `if`".into(),
                    Tok::Else => "`else` without `if … then`".into(),
                    _ => format!("unexpected {found}"),
                };
                ParseError::new(at, message)
            }
            Some(Frame::Paren { open }) if is_end => {
                ParseError::new(open, "unclosed '(': expected ')' before the end".into())
            }
            Some(Frame::Paren { .. }) if t.tok == Tok::Comma => ParseError::new(
                at,
                "',' inside parentheses: only a call's arguments are separated by commas".into(),
            ),
            Some(Frame::Paren { .. }) => {
                ParseError::new(at, format!("expected ')' (a '(' is still open), found {found}"))
            }
            Some(Frame::Call { name, open, .. }) if is_end => ParseError::new(
                open,
                format!("unclosed '(' of the call to `{name}`: expected ')' before the end"),
            ),
            Some(Frame::Call { name, .. }) => {
                ParseError::new(at, format!("expected ',' or ')' in the call to `{name}`, found {found}"))
            }
            Some(Frame::IfCond { if_span }) => ParseError::new(
                if is_end { if_span } else { at },
                format!("`if` without `then`: expected `then`, found {found}"),
            ),
            Some(Frame::IfThen { if_span, .. }) => ParseError::new(
                if is_end { if_span } else { at },
                format!("`if … then` without `else`: expected `else`, found {found}"),
            ),
            Some(_) => unreachable!("operator frames were completed before closing"),
        }
    }

    /// The error for a token where an operator or a closing token was expected.
    fn expected_operator(&mut self, t: &Token, before: Option<Span>) -> ParseError {
        let found = self.describe(t);
        let after = self.after(before);
        let wanted = self.closers_wanted();
        let hint = match &t.tok {
            Tok::Name(n) if is_keyword(&n.to_lowercase()) => {
                format!(": keywords are lower-case (`{}`)", n.to_lowercase())
            }
            Tok::Not if self.peek().is_ok_and(|n| n.tok == Tok::In) => {
                ": `not in` is not an operator: write `not (x in [...])`".into()
            }
            Tok::LParen => ": only a name can be called".into(),
            Tok::RBracket => ": no '[' is open".into(),
            _ => String::new(),
        };
        ParseError::new(t.span, format!("expected an operator or {wanted}{after}, found {found}{hint}"))
    }

    /// What may close the innermost open construct, for messages.
    fn closers_wanted(&self) -> &'static str {
        let innermost = self.stack.iter().rev().find(|f| f.level().is_none());
        match innermost {
            None => "the end",
            Some(Frame::Paren { .. }) => "')'",
            Some(Frame::Call { .. }) => "',' or ')'",
            Some(Frame::IfCond { .. }) => "`then`",
            Some(Frame::IfThen { .. }) => "`else`",
            Some(_) => "the end",
        }
    }
}

fn leaf_at(kind: ExprKind, span: Span) -> Result<Step, ParseError> {
    Ok(Step::Have(Operand::new(Expr::new(kind, span))))
}

fn unclosed_list(open: Span) -> ParseError {
    ParseError::new(open, "unclosed '[': expected ']' before the end".into())
}

fn is_keyword(word: &str) -> bool {
    matches!(word, "if" | "then" | "else" | "and" | "or" | "not" | "in" | "true" | "false")
}

/// A call's argument. A bare name written in parentheses keeps them in its span, so that an
/// aggregate can refuse `count((households))`: its first argument must be the list's bare name
/// (§18.1), and a name's span is otherwise exactly the name.
fn call_arg(cur: Operand) -> Expr {
    let mut expr = cur.expr;
    if matches!(expr.kind, ExprKind::Name(_)) && cur.outer != expr.span {
        expr.span = cur.outer;
    }
    expr
}

#[cfg(test)]
pub(super) mod tests {
    use super::super::{MAX_TREE_DEPTH, ast::Span};
    use super::*;
    use proptest::prelude::*;

    /// A compact, span-free rendering of the tree, for readable assertions.
    pub(in super::super) fn sx(e: &Expr) -> String {
        fn list(head: &str, xs: &[&Expr]) -> String {
            let parts: Vec<String> = xs.iter().map(|x| sx(x)).collect();
            format!("({head} {})", parts.join(" "))
        }
        match &e.kind {
            ExprKind::Number(n) => n.clone(),
            ExprKind::Str(s) => format!("{s:?}"),
            ExprKind::Bool(b) => b.to_string(),
            ExprKind::Name(n) => n.clone(),
            ExprKind::Neg(x) => list("neg", &[x]),
            ExprKind::Not(x) => list("not", &[x]),
            ExprKind::Sum { first, rest } => {
                let mut s = format!("(sum {}", sx(first));
                for (op, x) in rest {
                    s += &format!(" {} {}", op.as_str(), sx(x));
                }
                s + ")"
            }
            ExprKind::Product { first, rest } => {
                let mut s = format!("(prod {}", sx(first));
                for (op, x) in rest {
                    s += &format!(" {} {}", op.as_str(), sx(x));
                }
                s + ")"
            }
            ExprKind::And(xs) => list("and", &xs.iter().collect::<Vec<_>>()),
            ExprKind::Or(xs) => list("or", &xs.iter().collect::<Vec<_>>()),
            ExprKind::Compare { op, left, right } => list(op.as_str(), &[left, right]),
            ExprKind::In { value, list: l } => {
                let items: Vec<String> = l.iter().map(sx).collect();
                format!("(in {} [{}])", sx(value), items.join(" "))
            }
            ExprKind::If { cond, then, otherwise } => list("if", &[cond, then, otherwise]),
            ExprKind::Call { name, args, .. } => {
                let parts: Vec<String> = args.iter().map(sx).collect();
                if parts.is_empty() {
                    format!("(call {name})")
                } else {
                    format!("(call {name} {})", parts.join(" "))
                }
            }
        }
    }

    /// The same tree with every span zeroed, to compare shapes.
    pub(in super::super) fn strip(e: &Expr) -> Expr {
        let b = |x: &Expr| Box::new(strip(x));
        let v = |xs: &[Expr]| xs.iter().map(strip).collect::<Vec<_>>();
        let kind = match &e.kind {
            ExprKind::Neg(x) => ExprKind::Neg(b(x)),
            ExprKind::Not(x) => ExprKind::Not(b(x)),
            ExprKind::Sum { first, rest } => {
                ExprKind::Sum { first: b(first), rest: rest.iter().map(|(o, x)| (*o, strip(x))).collect() }
            }
            ExprKind::Product { first, rest } => ExprKind::Product {
                first: b(first),
                rest: rest.iter().map(|(o, x)| (*o, strip(x))).collect(),
            },
            ExprKind::And(xs) => ExprKind::And(v(xs)),
            ExprKind::Or(xs) => ExprKind::Or(v(xs)),
            ExprKind::Compare { op, left, right } => {
                ExprKind::Compare { op: *op, left: b(left), right: b(right) }
            }
            ExprKind::In { value, list } => ExprKind::In { value: b(value), list: v(list) },
            ExprKind::If { cond, then, otherwise } => {
                ExprKind::If { cond: b(cond), then: b(then), otherwise: b(otherwise) }
            }
            ExprKind::Call { name, args, .. } => {
                ExprKind::Call { name: name.clone(), name_span: Span::default(), args: v(args) }
            }
            leaf => leaf.clone(),
        };
        Expr::new(kind, Span::default())
    }

    fn p(src: &str) -> String {
        match parse(src) {
            Ok(e) => sx(&e),
            Err(e) => panic!("{src:?} failed: {e}"),
        }
    }

    fn err(src: &str) -> ParseError {
        match parse(src) {
            Ok(e) => panic!("{src:?} parsed as {}", sx(&e)),
            Err(e) => e,
        }
    }

    /// Asserts that `src` fails at `span` with a message containing `needle`.
    fn fails(src: &str, needle: &str, span: (usize, usize)) {
        let e = err(src);
        assert!(e.message.contains(needle), "{src:?}: {e}");
        assert_eq!(e.span, Span::new(span.0, span.1), "{src:?}: {e}");
        assert!(!e.too_deep, "{src:?}");
    }

    /// Runs `f` on a thread with a 256 KiB stack: anything that recurses with the input's
    /// depth overflows there and aborts the test binary.
    fn on_small_stack(f: impl FnOnce() + Send + 'static) {
        std::thread::Builder::new().stack_size(256 * 1024).spawn(f).unwrap().join().unwrap();
    }

    #[test]
    fn examples_from_the_spec_and_rulebooks() {
        let cases = [
            ("poor_population / population * 100", "(prod poor_population / population * 100)"),
            (
                "if sampled == 0 then 0 else satisfied / sampled * 100",
                "(if (== sampled 0) 0 (prod satisfied / sampled * 100))",
            ),
            ("incidence < exit_limit", "(< incidence exit_limit)"),
            (
                r#"points("reduction") < 0.6 * max_points("reduction")"#,
                r#"(< (call points "reduction") (prod 0.6 * (call max_points "reduction")))"#,
            ),
            (r#"region in ["高原藏区", "凉山彝区"]"#, r#"(in region ["高原藏区" "凉山彝区"])"#),
            ("round(x / 3, 2)", "(call round (prod x / 3) 2)"),
            ("min(a, b, 3)", "(call min a b 3)"),
            ("not falsified and (has_water or has_power)", "(and (not falsified) (or has_water has_power))"),
            ("-x + -(-2)", "(sum (neg x) + (neg (neg 2)))"),
            ("收入 > 2800", "(> 收入 2800)"),
            ("has_housing", "has_housing"),
            ("12.50", "12.50"),
        ];
        for (src, want) in cases {
            assert_eq!(p(src), want, "{src}");
        }
    }

    #[test]
    fn precedence_and_associativity() {
        let cases = [
            ("a - b + c", "(sum a - b + c)"),
            ("a * (b + c)", "(prod a * (sum b + c))"),
            ("-a * b", "(prod (neg a) * b)"),
            ("a * -b", "(prod a * (neg b))"),
            ("not a and b", "(and (not a) b)"),
            ("if c then x else y + 1", "(if c x (sum y + 1))"),
            ("a or b and c", "(or a (and b c))"),
            ("a and b or c", "(or (and a b) c)"),
            ("a or b or c", "(or a b c)"),
            ("a and b and c and d", "(and a b c d)"),
            ("a + b * c - d / e", "(sum a + (prod b * c) - (prod d / e))"),
            ("a / b / c", "(prod a / b / c)"),
            ("(a + b) + c", "(sum (sum a + b) + c)"),
            ("a + (b + c)", "(sum a + (sum b + c))"),
            ("not a == b", "(not (== a b))"),
            ("not not a", "(not (not a))"),
            ("a + b < c * d", "(< (sum a + b) (prod c * d))"),
            ("a < b and c >= d", "(and (< a b) (>= c d))"),
            ("not a + b <= c", "(not (<= (sum a + b) c))"),
            ("x + 1 in [1, 2]", "(in (sum x + 1) [1 2])"),
            ("not x in [true]", "(not (in x [true]))"),
            ("x in [-3, 0.5, \"a\", false]", "(in x [-3 0.5 \"a\" false])"),
            ("- - x", "(neg (neg x))"),
            ("--x", "(neg (neg x))"),
            ("-f(x)", "(neg (call f x))"),
            ("f()", "(call f)"),
            ("f(g(x), -1)", "(call f (call g x) (neg 1))"),
            ("f (x)", "(call f x)"),
            ("if a then b else if c then d else e", "(if a b (if c d e))"),
            ("if a then if b then c else d else e", "(if a (if b c d) e)"),
            ("if if a then b else c then d else e", "(if (if a b c) d e)"),
            ("if a then b else c or d", "(if a b (or c d))"),
            ("(if a then b else c) + 1", "(sum (if a b c) + 1)"),
            ("f(if a then 1 else 2, 3)", "(call f (if a 1 2) 3)"),
            ("a == (b == c)", "(== a (== b c))"),
            ("(a < b) == c", "(== (< a b) c)"),
            ("((x))", "x"),
            ("true and false", "(and true false)"),
            ("\"a\\\"b\" != \"\"", "(!= \"a\\\"b\" \"\")"),
            ("  x  ", "x"),
            ("a-1", "(sum a - 1)"),
            ("a - -1", "(sum a - (neg 1))"),
            ("not (a and b)", "(not (and a b))"),
            ("-(a + b) * c", "(prod (neg (sum a + b)) * c)"),
            ("_x1 + x_2", "(sum _x1 + x_2)"),
        ];
        for (src, want) in cases {
            assert_eq!(p(src), want, "{src}");
        }
    }

    #[test]
    fn spans_are_character_offsets() {
        let e = parse("(a + b) * 收入").unwrap();
        assert_eq!(e.span, Span::new(0, 12));
        let ExprKind::Product { first, rest } = &e.kind else { panic!("{e:?}") };
        // Parentheses belong to the parent's span, not the node's own.
        assert_eq!(first.span, Span::new(1, 6));
        assert_eq!(rest[0].1.span, Span::new(10, 12));

        let e = parse("if a then b else (c)").unwrap();
        assert_eq!(e.span, Span::new(0, 20));

        let e = parse("-(x)").unwrap();
        assert_eq!(e.span, Span::new(0, 4));

        let e = parse(r#"  f( "收入" , x ) "#).unwrap();
        assert_eq!(e.span, Span::new(2, 15));
        let ExprKind::Call { name_span, args, .. } = &e.kind else { panic!() };
        assert_eq!(*name_span, Span::new(2, 3));
        assert_eq!(args[0].span, Span::new(5, 9));
        assert_eq!(args[1].span, Span::new(12, 13));

        let e = parse("x in [ - 3, 4 ]").unwrap();
        assert_eq!(e.span, Span::new(0, 15));
        let ExprKind::In { list, .. } = &e.kind else { panic!() };
        assert_eq!(list[0].kind, ExprKind::Number("-3".into()));
        assert_eq!(list[0].span, Span::new(7, 10));

        let e = parse("a < (b)").unwrap();
        assert_eq!(e.span, Span::new(0, 7));
        let e = parse("(a) and b or c").unwrap();
        assert_eq!(e.span, Span::new(0, 14));
        let ExprKind::Or(xs) = &e.kind else { panic!() };
        assert_eq!(xs[0].span, Span::new(0, 9));
    }

    #[test]
    fn error_messages_name_the_place_and_what_was_expected() {
        fails("", "empty expression", (0, 0));
        fails("   ", "empty expression", (3, 3));
        fails("a +", "expected an expression after '+', found the end", (3, 3));
        fails("a + * b", "expected an expression after '+', found '*'", (4, 5));
        fails("(a + b", "unclosed '('", (0, 1));
        fails("f(a, b", "unclosed '(' of the call to `f`", (1, 2));
        fails("a + b)", "unmatched ')'", (5, 6));
        fails("\"abc", "unclosed string", (0, 4));
        fails("a # b", "unexpected character '#'", (2, 3));
        fails("a < b < c", "comparisons don't chain: use `and`", (6, 7));
        fails("a == b == c", "comparisons don't chain", (7, 9));
        fails("a < b + 1 >= c", "comparisons don't chain", (10, 12));
        fails("a in [1] == b", "comparisons don't chain", (9, 11));
        fails("a == b in [1]", "comparisons don't chain", (7, 9));
        fails("a in [1] in [2]", "comparisons don't chain", (9, 11));
        fails("a = b", "use == to compare", (2, 3));
        fails("a && b", "use `and`", (2, 4));
        fails("a || b", "use `or`", (2, 4));
        fails("x in []", "empty list", (5, 7));
        fails("x in [y]", "only literals", (6, 7));
        fails("x in [1, f(2)]", "only literals", (9, 10));
        fails("x in [1, -y]", "expected a number after '-'", (10, 11));
        fails("x in [-\"a\"]", "expected a number after '-'", (7, 10));
        fails("x in [1 2]", "expected ',' or ']'", (8, 9));
        fails("x in [1,]", "only literals", (8, 9));
        fails("x in [1, 2", "unclosed '['", (5, 6));
        fails("x in 1", "expected '[' after `in`", (5, 6));
        fails("if a", "`if` without `then`", (0, 2));
        fails("if a else b", "`if` without `then`", (5, 9));
        fails("if a then b", "`if … then` without `else`", (0, 2));
        fails("if a then b)", "`if … then` without `else`", (11, 12));
        fails("a then b", "`then` without `if`", (2, 6));
        fails("a else b", "`else` without `if … then`", (2, 6));
        fails("a b", "expected an operator or the end after 'a', found name `b`", (2, 3));
        fails("f(a) g", "found name `g`", (5, 6));
        fails("(a b)", "expected an operator or ')'", (3, 4));
        fails("f(a b)", "expected an operator or ',' or ')'", (4, 5));
        fails("1.", "decimal point needs digits", (0, 2));
        fails(".5", "write 0.5", (0, 2));
        fails("1e3", "exponents", (0, 3));
        fails("+1", "no leading '+'", (0, 1));
        fails("a + +1", "no leading '+'", (4, 5));
        fails("a == not b", "`not` binds less tightly than '=='", (5, 8));
        fails("-not a", "`not` binds less tightly than '-'", (1, 4));
        fails("1 + if a then 1 else 2", "must be in parentheses", (4, 6));
        fails("a AND b", "keywords are lower-case (`and`)", (2, 5));
        fails("a not in [1]", "`not in` is not an operator", (2, 5));
        fails("2(3)", "only a name can be called", (1, 2));
        fails("(a, b)", "only a call's arguments are separated by commas", (2, 3));
        fails("a, b", "unexpected ','", (1, 2));
        fails("()", "expected an expression after '(', found ')'", (1, 2));
        fails("f(a,)", "expected an expression after ',', found ')'", (4, 5));
        fails("[1]", "a list can only follow `in`", (0, 1));
        fails("x ]", "found ']': no '[' is open", (2, 3));
        fails("(a then b)", "expected ')' (a '(' is still open), found `then`", (3, 7));
        fails("f(a then", "expected ',' or ')' in the call to `f`", (4, 8));
        fails("if a then b else", "expected an expression after 'else'", (16, 16));
        fails("a + 收入 *", "after '*', found the end", (8, 8));
        // The first problem from the left wins, lexical or not.
        fails("a b @", "found name `b`", (2, 3));
        fails("a @ b c", "unexpected character '@'", (2, 3));
    }

    #[test]
    fn display_of_errors_shows_the_position() {
        let e = err("a +");
        assert_eq!(e.to_string(), "expected an expression after '+', found the end (at characters 3..3)");
        let boxed: Box<dyn std::error::Error> = Box::new(e);
        assert!(boxed.to_string().contains("3..3"));
    }

    fn nested(open: &str, inner: &str, close: &str, n: usize) -> String {
        format!("{}{inner}{}", open.repeat(n), close.repeat(n))
    }

    #[test]
    fn depth_limit_counts_each_nesting_construct() {
        type Build = fn(usize) -> String;
        let builders: [(&str, Build); 7] = [
            ("parens", |n| nested("(", "1", ")", n)),
            ("neg", |n| nested("-", "1", "", n)),
            ("not", |n| nested("not ", "true", "", n)),
            ("calls", |n| nested("f(", "1", ")", n)),
            ("if cond", |n| nested("if ", "a", " then b else c", n)),
            ("if else", |n| nested("if a then b else ", "c", "", n)),
            ("if then", |n| nested("if a then ", "b", " else c", n)),
        ];
        for (what, build) in builders {
            assert!(parse(&build(MAX_DEPTH)).is_ok(), "{what} at the limit");
            let e = err(&build(MAX_DEPTH + 1));
            assert!(e.too_deep, "{what}: {e}");
            assert!(e.message.contains("64"), "{e}");
        }
        // A list is one more level.
        let ok = nested("(", "x in [1]", ")", MAX_DEPTH - 1);
        assert!(parse(&ok).is_ok());
        let deep = nested("(", "x in [1]", ")", MAX_DEPTH);
        let e = err(&deep);
        assert!(e.too_deep);
        assert_eq!(e.span, Span::new(MAX_DEPTH + 5, MAX_DEPTH + 6));
        // Mixed constructs add up; binary operators don't count.
        let mixed = "-(".repeat(32) + "a + b * c" + &")".repeat(32);
        assert!(parse(&mixed).is_ok());
        let mixed = "-(".repeat(32) + "-a" + &")".repeat(32);
        assert!(err(&mixed).too_deep);
        // Closed levels are given back.
        let wide = vec![nested("(", "1", ")", MAX_DEPTH); 50].join(" + ");
        assert!(parse(&wide).is_ok());
        let chain = vec!["-(-(-x))"; 100].join(" * ");
        assert!(parse(&chain).is_ok());
    }

    /// The tallest tree the limit allows: each nesting level carries one node of every binary
    /// precedence level plus a call.
    fn tallest(levels: usize) -> String {
        "a or b and c == d + e * f(".repeat(levels) + "a or b and c == d + e * g" + &")".repeat(levels)
    }

    #[test]
    fn tree_height_is_bounded() {
        let e = parse(&tallest(MAX_DEPTH)).unwrap();
        assert_eq!(e.depth(), MAX_TREE_DEPTH);
        assert!(err(&tallest(MAX_DEPTH + 1)).too_deep);
    }

    #[test]
    fn pathological_nesting_is_refused_on_a_small_stack() {
        on_small_stack(|| {
            let n = 10_000;
            let inputs = [
                nested("(", "1", ")", n),
                nested("-", "1", "", n),
                nested("not ", "true", "", n),
                nested("f(", "1", ")", n),
                nested("if ", "a", " then b else c", n),
                nested("if a then b else ", "c", "", n),
                nested("if a then ", "b", " else c", n),
                nested("-(", "x", ")", n),
                nested("(", "", "", n),
                nested("a + (", "1", ")", n),
                nested("x * f(y, ", "1", ")", n),
                nested("[", "1", "]", n),
            ];
            for src in &inputs {
                match parse(src) {
                    Err(e) => assert!(e.too_deep || src.starts_with('['), "{e}"),
                    Ok(_) => panic!("accepted"),
                }
            }
        });
    }

    #[test]
    fn the_deepest_accepted_tree_is_safe_on_a_small_stack() {
        on_small_stack(|| {
            for src in [
                tallest(MAX_DEPTH),
                nested("-", "x", "", MAX_DEPTH),
                nested("if a then b else ", "c", "", MAX_DEPTH),
                nested("f(x, ", "1", ")", MAX_DEPTH),
            ] {
                let e = parse(&src).unwrap();
                let text = e.to_string();
                assert!(e.depth() <= MAX_TREE_DEPTH);
                assert!(!e.names().is_empty());
                let again = parse(&text).unwrap();
                assert_eq!(again.to_string(), text);
                drop(again);
                drop(e);
            }
        });
    }

    #[test]
    fn long_flat_expressions_parse_fast_on_a_small_stack() {
        on_small_stack(|| {
            let started = std::time::Instant::now();
            let src = vec!["a"; 100_000].join(" + ");
            let e = parse(&src).unwrap();
            let ExprKind::Sum { rest, .. } = &e.kind else { panic!() };
            assert_eq!(rest.len(), 99_999);
            assert_eq!(e.depth(), 2);
            assert_eq!(e.names().len(), 100_000);
            assert_eq!(e.to_string(), src);

            let src: Vec<String> = (1..=10_000).map(|i| format!("x{i}")).collect();
            let src = src.join(" and ");
            let e = parse(&src).unwrap();
            let ExprKind::And(xs) = &e.kind else { panic!() };
            assert_eq!(xs.len(), 10_000);
            assert_eq!(e.to_string(), src);

            let src = vec!["a * b - c / d"; 20_000].join(" + ");
            let e = parse(&src).unwrap();
            assert_eq!(e.depth(), 3);
            assert_eq!(e.to_string(), src);

            let src = format!("x in [{}]", vec!["-1"; 50_000].join(", "));
            assert_eq!(parse(&src).unwrap().to_string(), src);

            let src = format!("f({})", vec!["1"; 50_000].join(", "));
            assert_eq!(parse(&src).unwrap().to_string(), src);

            // Quadratic behaviour would take minutes here, not seconds.
            assert!(started.elapsed().as_secs() < 30, "{:?}", started.elapsed());
        });
    }

    /// Pieces that, glued in random order, make mostly-almost-valid expressions.
    fn token_soup() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            "a", "b", "收入", "f", "min", "1", "0.5", "12.50", "\"s\"", "\"\\\"\"", "true", "false", "+",
            "-", "*", "/", "==", "!=", "<", "<=", ">", ">=", "and", "or", "not", "in", "if", "then", "else",
            "(", ")", "[", "]", ",", " ", "=", "&&", ".", "1.", "\"", "\\", "e3", "（",
        ]);
        prop::collection::vec(pieces, 0..40).prop_map(|v| v.join(" "))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn never_panics_on_arbitrary_text(src in any::<String>()) {
            let _ = parse(&src);
        }

        #[test]
        fn never_panics_on_token_soup(src in token_soup()) {
            match parse(&src) {
                Ok(e) => {
                    let n = src.chars().count();
                    prop_assert!(e.span.end <= n);
                    prop_assert!(e.depth() <= MAX_TREE_DEPTH);
                    let again = parse(&e.to_string());
                    prop_assert!(again.is_ok(), "{} -> {}", src, e);
                    prop_assert_eq!(strip(&again.unwrap()), strip(&e));
                }
                Err(err) => {
                    prop_assert!(err.span.start <= err.span.end);
                    prop_assert!(err.span.end <= src.chars().count());
                    prop_assert!(!err.message.is_empty());
                }
            }
        }

        #[test]
        fn never_panics_on_glued_tokens(src in token_soup().prop_map(|s| s.replace(' ', ""))) {
            let _ = parse(&src);
        }
    }
}
