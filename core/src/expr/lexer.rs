//! Turns expression text into tokens, one at a time.
//!
//! Tokens are produced on demand (not all up front) so that the first error reported is the
//! first one in the text: a syntax error early on wins over an odd character further right.
//! Positions are character offsets, counted while scanning.

use super::ast::{CmpOp, Span};
use super::parser::ParseError;

/// What a token is.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Tok {
    /// A number literal, text as written.
    Number(String),
    /// A string literal, unescaped.
    Str(String),
    /// A name (not a keyword).
    Name(String),
    True,
    False,
    If,
    Then,
    Else,
    And,
    Or,
    Not,
    In,
    Plus,
    Minus,
    Star,
    Slash,
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Cmp(CmpOp),
    /// The end of the text; its span is empty and sits at the end.
    Eof,
}

/// A token and where it was written.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Token {
    pub tok: Tok,
    pub span: Span,
}

/// Scanner over the characters of one expression.
pub(super) struct Lexer {
    chars: Vec<char>,
    pos: usize,
}

impl Lexer {
    /// A lexer at the start of `src`.
    pub fn new(src: &str) -> Lexer {
        Lexer { chars: src.chars().collect(), pos: 0 }
    }

    /// The source text of `span`, shortened for quoting in messages (a 2,000-character string
    /// literal should not be repeated whole in an error).
    pub fn quote(&self, span: Span) -> String {
        const MAX: usize = 24;
        let end = span.end.min(self.chars.len());
        let start = span.start.min(end);
        if end - start <= MAX {
            self.chars[start..end].iter().collect()
        } else {
            let mut s: String = self.chars[start..start + MAX - 1].iter().collect();
            s.push('…');
            s
        }
    }

    fn peek_at(&self, i: usize) -> Option<char> {
        self.chars.get(i).copied()
    }

    /// The next token, or the first lexical error at or after the current position.
    pub fn next_token(&mut self) -> Result<Token, ParseError> {
        while self.peek_at(self.pos).is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
        let start = self.pos;
        let Some(c) = self.peek_at(start) else {
            return Ok(Token { tok: Tok::Eof, span: Span::new(start, start) });
        };
        let next = self.peek_at(start + 1);
        let single = |tok: Tok| (tok, 1);
        let (tok, len) = match c {
            '0'..='9' => return self.number(),
            '"' => return self.string(),
            c if c.is_alphabetic() || c == '_' => return self.word(),
            '+' => single(Tok::Plus),
            '-' => single(Tok::Minus),
            '*' => single(Tok::Star),
            '/' => single(Tok::Slash),
            '(' => single(Tok::LParen),
            ')' => single(Tok::RParen),
            '[' => single(Tok::LBracket),
            ']' => single(Tok::RBracket),
            ',' => single(Tok::Comma),
            '=' if next == Some('=') => (Tok::Cmp(CmpOp::Eq), 2),
            '!' if next == Some('=') => (Tok::Cmp(CmpOp::Ne), 2),
            '<' if next == Some('=') => (Tok::Cmp(CmpOp::Le), 2),
            '>' if next == Some('=') => (Tok::Cmp(CmpOp::Ge), 2),
            '<' => single(Tok::Cmp(CmpOp::Lt)),
            '>' => single(Tok::Cmp(CmpOp::Gt)),
            _ => return Err(self.bad_char(c, next)),
        };
        self.pos += len;
        Ok(Token { tok, span: Span::new(start, start + len) })
    }

    /// The error for a character that starts no token, with a hint for the usual mistakes
    /// (other languages' operators, full-width punctuation from a Chinese input method).
    fn bad_char(&self, c: char, next: Option<char>) -> ParseError {
        let start = self.pos;
        let one = Span::new(start, start + 1);
        let two = Span::new(start, start + 2);
        let err = |span: Span, message: String| ParseError::new(span, message);
        match c {
            '=' => err(one, "'=' is not an operator: use == to compare".into()),
            '&' if next == Some('&') => err(two, "'&&' is not an operator: use `and`".into()),
            '|' if next == Some('|') => err(two, "'||' is not an operator: use `or`".into()),
            '&' => err(one, "'&' is not an operator: use `and`".into()),
            '|' => err(one, "'|' is not an operator: use `or`".into()),
            '!' => err(one, "'!' is not an operator: use `not` to negate, or != to compare".into()),
            '\'' => err(one, "strings are written in double quotes: \"…\"".into()),
            '.' if next.is_some_and(|d| d.is_ascii_digit()) => {
                let digits = self.run_len(start + 1, |d| d.is_ascii_digit());
                let span = Span::new(start, start + 1 + digits);
                let text = self.quote(span);
                err(span, format!("a number needs a digit before the decimal point: write 0{text}"))
            }
            _ => {
                let hint = match c {
                    '（' => Some("("),
                    '）' => Some(")"),
                    '，' | '、' => Some(","),
                    '［' | '【' => Some("["),
                    '］' | '】' => Some("]"),
                    '“' | '”' | '＂' => Some("\""),
                    '＋' => Some("+"),
                    '－' | '−' => Some("-"),
                    '＊' | '×' => Some("*"),
                    '／' | '÷' => Some("/"),
                    '＝' => Some("=="),
                    '＜' => Some("<"),
                    '＞' => Some(">"),
                    '≤' => Some("<="),
                    '≥' => Some(">="),
                    '≠' => Some("!="),
                    '．' => Some("."),
                    '０'..='９' => Some("digits 0-9"),
                    _ => None,
                };
                match hint {
                    Some(h) => err(one, format!("unexpected character '{c}': use ASCII {h}")),
                    None if c.is_control() => {
                        err(one, format!("unexpected character {c:?} (a control character)"))
                    }
                    None => err(one, format!("unexpected character '{c}'")),
                }
            }
        }
    }

    /// How many characters from `from` on satisfy `f`.
    fn run_len(&self, from: usize, f: impl Fn(char) -> bool) -> usize {
        self.chars.get(from..).unwrap_or(&[]).iter().take_while(|c| f(**c)).count()
    }

    /// `[0-9]+ ('.' [0-9]+)?`, and nothing that could be read as more of a number right after.
    fn number(&mut self) -> Result<Token, ParseError> {
        let start = self.pos;
        let mut end = start + self.run_len(start, |c| c.is_ascii_digit());
        if self.peek_at(end) == Some('.') {
            let frac = self.run_len(end + 1, |c| c.is_ascii_digit());
            if frac == 0 {
                let span = Span::new(start, end + 1);
                let whole = self.quote(Span::new(start, end));
                return Err(ParseError::new(
                    span,
                    format!("a decimal point needs digits after it: write {whole} or {whole}.0"),
                ));
            }
            end += 1 + frac;
        }
        // A number running straight into letters, '_' or another '.' is one malformed word,
        // not a number followed by a name: report it whole.
        let after = self.peek_at(end);
        if after.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.') {
            let exp_digit_at = match self.peek_at(end + 1) {
                Some('+' | '-') => end + 2,
                _ => end + 1,
            };
            if matches!(after, Some('e' | 'E'))
                && self.peek_at(exp_digit_at).is_some_and(|c| c.is_ascii_digit())
            {
                let exp_end = exp_digit_at + self.run_len(exp_digit_at, |c| c.is_ascii_digit());
                let span = Span::new(start, exp_end);
                return Err(ParseError::new(
                    span,
                    format!(
                        "exponents are not supported in numbers ({}): write the number out in full",
                        self.quote(span)
                    ),
                ));
            }
            let run = self.run_len(end, |c| c.is_alphanumeric() || c == '_' || c == '.');
            let span = Span::new(start, end + run);
            return Err(ParseError::new(
                span,
                format!(
                    "malformed number {}: a number is digits with at most one decimal point, \
                     and a name can't start with a digit",
                    self.quote(span)
                ),
            ));
        }
        self.pos = end;
        let span = Span::new(start, end);
        Ok(Token { tok: Tok::Number(self.chars[start..end].iter().collect()), span })
    }

    /// A double-quoted string with the escapes `\"`, `\\`, `\n`, `\t`.
    fn string(&mut self) -> Result<Token, ParseError> {
        let start = self.pos;
        let mut i = start + 1;
        let mut value = String::new();
        loop {
            match self.peek_at(i) {
                None => {
                    return Err(ParseError::new(
                        Span::new(start, i),
                        "unclosed string: expected a closing '\"'".into(),
                    ));
                }
                Some('"') => {
                    self.pos = i + 1;
                    return Ok(Token { tok: Tok::Str(value), span: Span::new(start, i + 1) });
                }
                Some('\\') => {
                    let unescaped = match self.peek_at(i + 1) {
                        Some('"') => '"',
                        Some('\\') => '\\',
                        Some('n') => '\n',
                        Some('t') => '\t',
                        None => {
                            return Err(ParseError::new(
                                Span::new(start, i + 1),
                                "unclosed string: expected a closing '\"'".into(),
                            ));
                        }
                        Some(other) => {
                            return Err(ParseError::new(
                                Span::new(i, i + 2),
                                format!(
                                    "unknown escape '\\{other}' in a string: the escapes are \
                                     \\\", \\\\, \\n and \\t"
                                ),
                            ));
                        }
                    };
                    value.push(unescaped);
                    i += 2;
                }
                Some(c) => {
                    value.push(c);
                    i += 1;
                }
            }
        }
    }

    /// A name or a keyword.
    /// A name or keyword. `item.f` (spec §18.1: a field of the current item, inside an
    /// aggregate's arguments) is one name token, written without spaces.
    fn word(&mut self) -> Result<Token, ParseError> {
        let start = self.pos;
        let is_name_char = |c: char| c.is_alphanumeric() || c == '_';
        let mut end = start + 1 + self.run_len(start + 1, is_name_char);
        let word: String = self.chars[start..end].iter().collect();
        if word == "item" && self.peek_at(end) == Some('.') {
            match self.peek_at(end + 1) {
                Some(c) if c.is_alphabetic() || c == '_' => {
                    end += 2 + self.run_len(end + 2, is_name_char);
                }
                _ => {
                    return Err(ParseError::new(
                        Span::new(start, end + 1),
                        "`item.` needs a field name right after the dot, without spaces: item.members".into(),
                    ));
                }
            }
        } else if self.peek_at(end) == Some('.')
            && self.peek_at(end + 1).is_some_and(|c| c.is_alphabetic() || c == '_')
        {
            let field_end = end + 1 + self.run_len(end + 1, is_name_char);
            let span = Span::new(start, field_end);
            return Err(ParseError::new(
                span,
                format!(
                    "unexpected '.' in {}: only `item.field` reads a field (of the current item, inside count, sum, mean, min, max, first, last or share)",
                    self.quote(span)
                ),
            ));
        }
        self.pos = end;
        let text: String = self.chars[start..end].iter().collect();
        let tok = match text.as_str() {
            "true" => Tok::True,
            "false" => Tok::False,
            "if" => Tok::If,
            "then" => Tok::Then,
            "else" => Tok::Else,
            "and" => Tok::And,
            "or" => Tok::Or,
            "not" => Tok::Not,
            "in" => Tok::In,
            _ => Tok::Name(text),
        };
        Ok(Token { tok, span: Span::new(start, end) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_field_is_one_name() {
        let toks = lex("item.members + item + item.收入_2").unwrap();
        assert_eq!(toks[0], (Tok::Name("item.members".into()), Span::new(0, 12)));
        assert_eq!(toks[2].0, Tok::Name("item".into()));
        assert_eq!(toks[4].0, Tok::Name("item.收入_2".into()));
        // Spaces break it; other names have no fields.
        let e = lex("item. members").unwrap_err();
        assert!(e.message.contains("needs a field name"), "{}", e.message);
        let e = lex("a + x.f").unwrap_err();
        assert!(e.message.contains("only `item.field`"), "{}", e.message);
        assert_eq!(e.span, Span::new(4, 7));
        assert!(lex("item.1").is_err());
    }

    fn lex(src: &str) -> Result<Vec<(Tok, Span)>, ParseError> {
        let mut lx = Lexer::new(src);
        let mut out = Vec::new();
        loop {
            let t = lx.next_token()?;
            if t.tok == Tok::Eof {
                return Ok(out);
            }
            out.push((t.tok, t.span));
        }
    }

    fn toks(src: &str) -> Vec<Tok> {
        lex(src).unwrap().into_iter().map(|(t, _)| t).collect()
    }

    fn err(src: &str) -> ParseError {
        lex(src).unwrap_err()
    }

    #[test]
    fn operators_and_keywords() {
        use Tok::*;
        assert_eq!(
            toks("a<=b>=c<d>e==f!=g+-*/()[],"),
            vec![
                Name("a".into()),
                Cmp(CmpOp::Le),
                Name("b".into()),
                Cmp(CmpOp::Ge),
                Name("c".into()),
                Cmp(CmpOp::Lt),
                Name("d".into()),
                Cmp(CmpOp::Gt),
                Name("e".into()),
                Cmp(CmpOp::Eq),
                Name("f".into()),
                Cmp(CmpOp::Ne),
                Name("g".into()),
                Plus,
                Minus,
                Star,
                Slash,
                LParen,
                RParen,
                LBracket,
                RBracket,
                Comma
            ]
        );
        assert_eq!(
            toks("if then else and or not in true false True AND _x x_1"),
            vec![
                If,
                Then,
                Else,
                And,
                Or,
                Not,
                In,
                True,
                False,
                Name("True".into()),
                Name("AND".into()),
                Name("_x".into()),
                Name("x_1".into())
            ]
        );
    }

    #[test]
    fn numbers_keep_their_text() {
        assert_eq!(
            toks("12 0.5 12.50 007"),
            vec![
                Tok::Number("12".into()),
                Tok::Number("0.5".into()),
                Tok::Number("12.50".into()),
                Tok::Number("007".into())
            ]
        );
    }

    #[test]
    fn malformed_numbers() {
        let e = err("1.");
        assert_eq!(e.span, Span::new(0, 2));
        assert!(e.message.contains("write 1 or 1.0"), "{e}");
        let e = err("x + .5");
        assert_eq!(e.span, Span::new(4, 6));
        assert!(e.message.contains("write 0.5"), "{e}");
        let e = err("1e3");
        assert_eq!(e.span, Span::new(0, 3));
        assert!(e.message.contains("exponents"), "{e}");
        let e = err("2.5E-10 + 1");
        assert_eq!(e.span, Span::new(0, 7));
        assert!(e.message.contains("exponents"), "{e}");
        let e = err("1.2.3");
        assert_eq!(e.span, Span::new(0, 5));
        assert!(e.message.contains("malformed number 1.2.3"), "{e}");
        let e = err("3x");
        assert_eq!(e.span, Span::new(0, 2));
        assert!(e.message.contains("malformed number"), "{e}");
    }

    #[test]
    fn strings_and_escapes() {
        assert_eq!(
            toks(r#""a\"b\\c\nd\te" "凉山彝区""#),
            vec![Tok::Str("a\"b\\c\nd\te".into()), Tok::Str("凉山彝区".into())]
        );
        let e = err(r#""abc"#);
        assert_eq!(e.span, Span::new(0, 4));
        assert!(e.message.contains("unclosed string"), "{e}");
        let e = err(r#""ab\"#);
        assert!(e.message.contains("unclosed string"), "{e}");
        let e = err(r#"x == "a\qb""#);
        assert_eq!(e.span, Span::new(7, 9));
        assert!(e.message.contains("unknown escape '\\q'"), "{e}");
    }

    #[test]
    fn unicode_names_and_character_spans() {
        let v = lex("收入 > 2800").unwrap();
        assert_eq!(v[0], (Tok::Name("收入".into()), Span::new(0, 2)));
        assert_eq!(v[1].1, Span::new(3, 4));
        assert_eq!(v[2], (Tok::Number("2800".into()), Span::new(5, 9)));
        // The ideographic space is whitespace.
        assert_eq!(toks("a\u{3000}b").len(), 2);
    }

    #[test]
    fn hints_for_common_mistakes() {
        let cases = [
            ("a = b", "use == to compare", Span::new(2, 3)),
            ("a && b", "use `and`", Span::new(2, 4)),
            ("a || b", "use `or`", Span::new(2, 4)),
            ("a & b", "use `and`", Span::new(2, 3)),
            ("!a", "use `not`", Span::new(0, 1)),
            ("'a'", "double quotes", Span::new(0, 1)),
            ("f（x）", "use ASCII (", Span::new(1, 2)),
            ("a ≥ b", "use ASCII >=", Span::new(2, 3)),
            ("１２", "ASCII digits", Span::new(0, 1)),
            ("a # b", "unexpected character '#'", Span::new(2, 3)),
            ("a \u{7} b", "control character", Span::new(2, 3)),
            ("a . b", "unexpected character '.'", Span::new(2, 3)),
        ];
        for (src, needle, span) in cases {
            let e = err(src);
            assert!(e.message.contains(needle), "{src}: {e}");
            assert_eq!(e.span, span, "{src}");
            assert!(!e.too_deep);
        }
    }

    #[test]
    fn quote_shortens_long_text() {
        let lx = Lexer::new(&"x".repeat(100));
        let q = lx.quote(Span::new(0, 100));
        assert_eq!(q.chars().count(), 24);
        assert!(q.ends_with('…'));
        assert_eq!(lx.quote(Span::new(0, 3)), "xxx");
    }
}
