//! A strict RFC 8259 JSON reader that produces the spanned tree.
//!
//! Hand-written because serde_json gives no positions and silently keeps the last of duplicate
//! keys. The parser is a loop over an explicit stack of open containers, so hostile nesting can
//! never overflow the call stack; [`MAX_DEPTH`] bounds the tree it builds. It works on bytes
//! (the input is valid UTF-8, so every delimiter is an ASCII byte) and tracks line and column as
//! it goes: each byte is looked at a small constant number of times, which matters because the
//! same reader decodes record batches.
//!
//! The first real syntax error stops the parse (JSON has no reliable resynchronisation point);
//! problems that do not derail parsing — duplicate keys, `null` — are collected along the way
//! and all reported.

use super::tree::{BOM, Entry, Node, Pos, Value, count_chars, saturate};
use super::{MAX_DEPTH, SyntaxProblem, SyntaxProblemKind};

/// Parses one JSON document (any JSON value at the top level).
pub(crate) fn parse_json(text: &str) -> Result<Node, Vec<SyntaxProblem>> {
    let mut parser = Parser::new(text);
    match parser.document() {
        Ok(node) if parser.problems.is_empty() => Ok(node),
        Ok(_) => Err(parser.problems),
        Err(fatal) => {
            parser.problems.push(fatal);
            Err(parser.problems)
        }
    }
}

/// A container whose closing bracket has not been reached yet.
enum Frame {
    Array {
        pos: Pos,
        items: Vec<Node>,
    },
    Object {
        pos: Pos,
        entries: Vec<Entry>,
        /// The key whose value is being parsed.
        key: String,
        key_pos: Pos,
    },
}

/// Objects up to this size are checked for duplicate keys pairwise (no allocation); larger ones
/// by sorting key indices, so a hostile 100,000-key object stays `O(n log n)`.
const PAIRWISE_DUPLICATE_CHECK: usize = 16;

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    /// Current byte offset.
    i: usize,
    /// 1-based line of `i`.
    line: usize,
    /// Byte offset where the current line starts.
    line_start: usize,
    /// A byte offset on the current line whose column is known (`col`), so that the next
    /// position only counts the characters since then.
    col_off: usize,
    col: usize,
    /// Non-fatal problems found so far.
    problems: Vec<SyntaxProblem>,
}

type Fatal = SyntaxProblem;

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Parser<'a> {
        // A BOM is not part of the document, and not a column.
        let start = if text.as_bytes().starts_with(BOM) { BOM.len() } else { 0 };
        Parser {
            text,
            bytes: text.as_bytes(),
            i: start,
            line: 1,
            line_start: start,
            col_off: start,
            col: 1,
            problems: Vec::new(),
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.i).copied()
    }

    /// The position of byte `off`, which must be on the current line for the fast path; any
    /// other offset is recomputed from the start (never happens in practice, kept for safety).
    fn pos_at(&mut self, off: usize) -> Pos {
        let off = off.min(self.bytes.len());
        if off < self.line_start {
            return super::tree::LineIndex::new(self.text).pos(off);
        }
        if off < self.col_off {
            self.col_off = self.line_start;
            self.col = 1;
        }
        self.col += count_chars(&self.bytes[self.col_off..off]);
        self.col_off = off;
        Pos { line: saturate(self.line), column: saturate(self.col) }
    }

    fn pos_here(&mut self) -> Pos {
        self.pos_at(self.i)
    }

    fn problem_at(&mut self, off: usize, message: impl Into<String>) -> Fatal {
        let pos = self.pos_at(off);
        SyntaxProblem::new(pos, SyntaxProblemKind::Syntax, message)
    }

    fn problem_here(&mut self, message: impl Into<String>) -> Fatal {
        self.problem_at(self.i, message)
    }

    /// Truncated input: reported at the end of the text.
    fn eof(&mut self, message: impl Into<String>) -> Fatal {
        self.problem_at(self.bytes.len(), message)
    }

    fn eof_in(&mut self, expected: &str, stack: &[Frame]) -> Fatal {
        let context = match stack.last() {
            Some(Frame::Array { pos, .. }) => format!(" (in the array that starts at {pos})"),
            Some(Frame::Object { pos, .. }) => format!(" (in the object that starts at {pos})"),
            None => String::new(),
        };
        self.eof(format!("unexpected end of input: expected {expected}{context}"))
    }

    fn skip_ws(&mut self) {
        while let Some(&b) = self.bytes.get(self.i) {
            match b {
                b' ' | b'\t' | b'\r' => self.i += 1,
                b'\n' => {
                    self.i += 1;
                    self.line += 1;
                    self.line_start = self.i;
                    self.col_off = self.i;
                    self.col = 1;
                }
                _ => break,
            }
        }
    }

    fn document(&mut self) -> Result<Node, Fatal> {
        self.skip_ws();
        if self.i >= self.bytes.len() {
            return Err(self.eof("empty document"));
        }
        let mut stack: Vec<Frame> = Vec::new();
        'value: loop {
            // At the start of a value, whitespace skipped.
            let pos = self.pos_here();
            let mut node = match self.peek() {
                None => return Err(self.eof_in("a value", &stack)),
                Some(open @ (b'{' | b'[')) => {
                    if stack.len() >= MAX_DEPTH {
                        return Err(SyntaxProblem::new(
                            pos,
                            SyntaxProblemKind::TooDeep,
                            format!("arrays and objects are nested deeper than {MAX_DEPTH} levels"),
                        ));
                    }
                    self.i += 1;
                    self.skip_ws();
                    if open == b'[' {
                        if self.peek() == Some(b']') {
                            self.i += 1;
                            Node { pos, value: Value::Array(Vec::new()) }
                        } else {
                            stack.push(Frame::Array { pos, items: Vec::new() });
                            continue 'value;
                        }
                    } else if self.peek() == Some(b'}') {
                        self.i += 1;
                        Node { pos, value: Value::Table(Vec::new()) }
                    } else {
                        stack.push(Frame::Object {
                            pos,
                            entries: Vec::new(),
                            key: String::new(),
                            key_pos: pos,
                        });
                        let (key, key_pos) = self.key(&stack)?;
                        if let Some(Frame::Object { key: k, key_pos: kp, .. }) = stack.last_mut() {
                            *k = key;
                            *kp = key_pos;
                        }
                        self.colon(&stack)?;
                        continue 'value;
                    }
                }
                Some(b'"') => Node { pos, value: Value::String(self.string(pos)?) },
                Some(b'-' | b'0'..=b'9') => self.number(pos)?,
                Some(_) => self.word(pos)?,
            };
            // A value is complete: hand it to the enclosing container, closing as many
            // containers as end here.
            loop {
                self.skip_ws();
                let Some(top) = stack.last_mut() else {
                    if self.i < self.bytes.len() {
                        return Err(self.unexpected("no more text may follow the JSON value"));
                    }
                    return Ok(node);
                };
                match top {
                    Frame::Array { items, .. } => {
                        items.push(node);
                        match self.peek() {
                            Some(b',') => {
                                let comma = self.i;
                                self.i += 1;
                                self.skip_ws();
                                if self.peek() == Some(b']') {
                                    return Err(self.problem_at(
                                        comma,
                                        "trailing comma before ']' is not allowed in JSON",
                                    ));
                                }
                                continue 'value;
                            }
                            Some(b']') => self.i += 1,
                            None => return Err(self.eof_in("',' or ']'", &stack)),
                            Some(_) => {
                                return Err(self.unexpected("expected ',' or ']' after an array element"));
                            }
                        }
                    }
                    Frame::Object { entries, key, key_pos, .. } => {
                        entries.push(Entry { key: std::mem::take(key), key_pos: *key_pos, value: node });
                        match self.peek() {
                            Some(b',') => {
                                let comma = self.i;
                                self.i += 1;
                                self.skip_ws();
                                if self.peek() == Some(b'}') {
                                    return Err(self.problem_at(
                                        comma,
                                        "trailing comma before '}' is not allowed in JSON",
                                    ));
                                }
                                let (new_key, new_pos) = self.key(&stack)?;
                                if let Some(Frame::Object { key, key_pos, .. }) = stack.last_mut() {
                                    *key = new_key;
                                    *key_pos = new_pos;
                                }
                                self.colon(&stack)?;
                                continue 'value;
                            }
                            Some(b'}') => self.i += 1,
                            None => return Err(self.eof_in("',' or '}'", &stack)),
                            Some(_) => {
                                return Err(self.unexpected("expected ',' or '}' after an object member"));
                            }
                        }
                    }
                }
                // The top container closed.
                node = match stack.pop() {
                    Some(Frame::Array { pos, items }) => Node { pos, value: Value::Array(items) },
                    Some(Frame::Object { pos, entries, .. }) => {
                        self.check_duplicates(&entries);
                        Node { pos, value: Value::Table(entries) }
                    }
                    None => return Err(self.problem_here("internal error: no open container")),
                };
            }
        }
    }

    /// An error for the unexpected character at the current offset, naming it and giving
    /// format-specific advice for the usual non-JSON habits.
    fn unexpected(&mut self, expected: &str) -> Fatal {
        let rest = &self.text[self.i..];
        let message = if rest.starts_with("//") || rest.starts_with("/*") {
            "comments are not allowed in JSON".to_owned()
        } else {
            match rest.chars().next() {
                Some(c) => format!("unexpected '{}': {expected}", c.escape_debug()),
                None => format!("unexpected end of input: {expected}"),
            }
        };
        self.problem_here(message)
    }

    /// An object key: a string in double quotes.
    fn key(&mut self, stack: &[Frame]) -> Result<(String, Pos), Fatal> {
        let pos = self.pos_here();
        match self.peek() {
            Some(b'"') => Ok((self.string(pos)?, pos)),
            Some(b'\'') => Err(self.problem_here("strings must be in double quotes, not single quotes")),
            Some(b'/') => Err(self.unexpected("expected an object key")),
            None => Err(self.eof_in("an object key", stack)),
            Some(_) => Err(self.unexpected("object keys must be strings in double quotes")),
        }
    }

    /// The `:` after a key, and the whitespace around it.
    fn colon(&mut self, stack: &[Frame]) -> Result<(), Fatal> {
        self.skip_ws();
        match self.peek() {
            Some(b':') => {
                self.i += 1;
                self.skip_ws();
                Ok(())
            }
            None => Err(self.eof_in("':'", stack)),
            Some(_) => Err(self.unexpected("expected ':' after the object key")),
        }
    }

    /// A string starting at the opening quote (at `pos`); returns it unescaped.
    fn string(&mut self, pos: Pos) -> Result<String, Fatal> {
        self.i += 1;
        let start = self.i;
        // Fast path: no escapes, the string is a slice of the input.
        loop {
            match self.peek() {
                None => return Err(self.eof(format!("unterminated string (it starts at {pos})"))),
                Some(b'"') => {
                    let s = self.text[start..self.i].to_owned();
                    self.i += 1;
                    return Ok(s);
                }
                Some(b'\\') => break,
                Some(b) if b < 0x20 => return Err(self.control_character(b)),
                Some(_) => self.i += 1,
            }
        }
        let mut out = String::with_capacity(self.i - start + 16);
        out.push_str(&self.text[start..self.i]);
        loop {
            match self.peek() {
                None => return Err(self.eof(format!("unterminated string (it starts at {pos})"))),
                Some(b'"') => {
                    self.i += 1;
                    return Ok(out);
                }
                Some(b'\\') => self.escape(&mut out, pos)?,
                Some(b) if b < 0x20 => return Err(self.control_character(b)),
                Some(_) => {
                    let run = self.i;
                    while let Some(&b) = self.bytes.get(self.i) {
                        if b == b'"' || b == b'\\' || b < 0x20 {
                            break;
                        }
                        self.i += 1;
                    }
                    out.push_str(&self.text[run..self.i]);
                }
            }
        }
    }

    fn control_character(&mut self, b: u8) -> Fatal {
        let what = match b {
            b'\n' => "a line break".to_owned(),
            b'\t' => "a tab".to_owned(),
            _ => format!("control character U+{b:04X}"),
        };
        self.problem_here(format!(
            "{what} must be escaped inside a string (JSON strings cannot contain raw control characters)"
        ))
    }

    /// One escape sequence at the backslash.
    fn escape(&mut self, out: &mut String, string_pos: Pos) -> Result<(), Fatal> {
        let at = self.i;
        let Some(&c) = self.bytes.get(at + 1) else {
            return Err(self.eof(format!("unterminated string (it starts at {string_pos})")));
        };
        let simple = match c {
            b'"' => Some('"'),
            b'\\' => Some('\\'),
            b'/' => Some('/'),
            b'b' => Some('\u{8}'),
            b'f' => Some('\u{c}'),
            b'n' => Some('\n'),
            b'r' => Some('\r'),
            b't' => Some('\t'),
            _ => None,
        };
        if let Some(ch) = simple {
            out.push(ch);
            self.i += 2;
            return Ok(());
        }
        if c != b'u' {
            let shown: String = self.text[at..].chars().take(2).collect();
            return Err(self.problem_at(
                at,
                format!(
                    "invalid escape '{}' (JSON allows \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)",
                    shown.escape_debug()
                ),
            ));
        }
        let high = self.hex4(at, string_pos)?;
        let code = if (0xD800..0xDC00).contains(&high) {
            // Must be followed by an escaped low surrogate.
            let next = at + 6;
            let low = if self.bytes.get(next) == Some(&b'\\') && self.bytes.get(next + 1) == Some(&b'u') {
                Some(self.hex4(next, string_pos)?)
            } else {
                None
            };
            match low {
                Some(low @ 0xDC00..=0xDFFF) => {
                    self.i = next + 6;
                    0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                }
                _ => {
                    return Err(self.problem_at(
                        at,
                        format!(
                            "lone surrogate \\u{high:04X}: a high surrogate must be followed by a \\uDC00-\\uDFFF escape"
                        ),
                    ));
                }
            }
        } else if (0xDC00..0xE000).contains(&high) {
            return Err(self.problem_at(
                at,
                format!("lone surrogate \\u{high:04X}: a low surrogate must follow a high one"),
            ));
        } else {
            self.i = at + 6;
            high
        };
        match char::from_u32(code) {
            Some(ch) => {
                out.push(ch);
                Ok(())
            }
            None => Err(self.problem_at(at, "invalid \\u escape")),
        }
    }

    /// The four hex digits of a `\u` escape whose backslash is at `at`.
    fn hex4(&mut self, at: usize, string_pos: Pos) -> Result<u32, Fatal> {
        let mut value = 0u32;
        for k in 0..4 {
            match self.bytes.get(at + 2 + k) {
                None => {
                    return Err(self.eof(format!("unterminated string (it starts at {string_pos})")));
                }
                Some(&b) => match (b as char).to_digit(16) {
                    Some(d) => value = value * 16 + d,
                    None => {
                        return Err(
                            self.problem_at(at, "invalid \\u escape: expected four hexadecimal digits")
                        );
                    }
                },
            }
        }
        Ok(value)
    }

    /// A number starting at `-` or a digit. The text is kept exactly; only the grammar is
    /// checked, not the range (the caller decides what it can represent).
    fn number(&mut self, pos: Pos) -> Result<Node, Fatal> {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
            if self.text[self.i..].starts_with("Infinity") {
                return Err(self.problem_at(start, "NaN and Infinity are not allowed in JSON"));
            }
        }
        match self.peek() {
            Some(b'0') => {
                self.i += 1;
                if self.peek().is_some_and(|b| b.is_ascii_digit()) {
                    return Err(self.problem_at(start, "leading zeros are not allowed in numbers"));
                }
            }
            Some(b'1'..=b'9') => self.digits(),
            None => return Err(self.eof("unexpected end of input: expected a digit after '-'")),
            Some(_) => return Err(self.unexpected("expected a digit after '-'")),
        }
        let mut float = false;
        if self.peek() == Some(b'.') {
            self.i += 1;
            float = true;
            self.require_digit("expected a digit after the decimal point")?;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.i += 1;
            float = true;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.i += 1;
            }
            self.require_digit("expected a digit in the exponent")?;
        }
        let text = self.text[start..self.i].to_owned();
        Ok(Node { pos, value: if float { Value::Float(text) } else { Value::Integer(text) } })
    }

    fn digits(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.i += 1;
        }
    }

    fn require_digit(&mut self, message: &str) -> Result<(), Fatal> {
        match self.peek() {
            Some(b'0'..=b'9') => {
                self.digits();
                Ok(())
            }
            None => Err(self.eof(format!("unexpected end of input: {message}"))),
            Some(_) => Err(self.unexpected(message)),
        }
    }

    /// `true`, `false`, `null`, or an error explaining what is wrong at a value's start.
    fn word(&mut self, pos: Pos) -> Result<Node, Fatal> {
        let start = self.i;
        let end = start
            + self.bytes[start..].iter().take_while(|b| b.is_ascii_alphanumeric() || **b == b'_').count();
        let word = &self.text[start..end];
        let value = match word {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            "null" => Value::Null,
            _ if end == self.bytes.len()
                && ["true", "false", "null"].iter().any(|w| w.len() > word.len() && w.starts_with(word)) =>
            {
                return Err(self.eof(format!("unexpected end of input: expected a value, found {word:?}")));
            }
            "NaN" | "Infinity" => {
                return Err(self.problem_here("NaN and Infinity are not allowed in JSON"));
            }
            "" => {
                return Err(match self.peek() {
                    Some(b'\'') => self.problem_here("strings must be in double quotes, not single quotes"),
                    Some(b'+') => self.problem_here("numbers must not start with '+'"),
                    Some(b'.') => self.problem_here("numbers must start with a digit (write 0.5, not .5)"),
                    _ => self.unexpected("expected a value"),
                });
            }
            _ => {
                return Err(self.problem_here(format!(
                    "unexpected '{word}': expected a value (strings must be in double quotes; true, false are lower case)"
                )));
            }
        };
        self.i = end;
        Ok(Node { pos, value })
    }

    /// Reports every key that repeats an earlier key of the same object, with both places.
    fn check_duplicates(&mut self, entries: &[Entry]) {
        let n = entries.len();
        if n < 2 {
            return;
        }
        let mut report = |first: &Entry, again: &Entry| {
            self.problems.push(SyntaxProblem::new(
                again.key_pos,
                SyntaxProblemKind::Syntax,
                format!(
                    "duplicate key {:?}: first at {}, again at {}",
                    again.key, first.key_pos, again.key_pos
                ),
            ));
        };
        if n <= PAIRWISE_DUPLICATE_CHECK {
            for (j, again) in entries.iter().enumerate().skip(1) {
                if let Some(first) = entries[..j].iter().find(|e| e.key == again.key) {
                    report(first, again);
                }
            }
        } else {
            let mut order: Vec<usize> = (0..n).collect();
            order.sort_by(|&a, &b| entries[a].key.cmp(&entries[b].key).then(a.cmp(&b)));
            let mut first = order[0];
            for &k in &order[1..] {
                if entries[k].key == entries[first].key {
                    report(&entries[first], &entries[k]);
                } else {
                    first = k;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn p(line: u32, column: u32) -> Pos {
        Pos { line, column }
    }

    /// The problems of a document that must fail.
    fn fail(text: &str) -> Vec<SyntaxProblem> {
        match crate::syntax::parse(text, crate::syntax::Format::Json) {
            Ok(node) => panic!("{text:?} parsed as {node:?}"),
            Err(problems) => problems,
        }
    }

    /// The only problem of a document that must fail, checked for kind, place and wording.
    #[track_caller]
    fn fail_one(text: &str, kind: SyntaxProblemKind, pos: Pos, words: &str) {
        let problems = fail(text);
        assert_eq!(problems.len(), 1, "{text:?}: {problems:?}");
        let problem = &problems[0];
        assert_eq!(problem.kind, kind, "{text:?}: {problem:?}");
        assert_eq!(problem.pos, Some(pos), "{text:?}: {problem:?}");
        assert!(problem.message.contains(words), "{text:?}: {:?} lacks {words:?}", problem.message);
    }

    fn ok(text: &str) -> Node {
        parse_json(text).unwrap_or_else(|e| panic!("{text:?}: {e:?}"))
    }

    #[test]
    fn positions_of_keys_and_elements() {
        let text =
            "{\n  \"标题\": \"县级考核\", \"id\": 7,\n  \"list\": [1,\n    {\"高原藏区\": [true, 2.5]}]\n}";
        let doc = ok(text);
        assert_eq!(doc.pos, p(1, 1));
        let Value::Table(entries) = &doc.value else { panic!() };
        assert_eq!(entries[0].key, "标题");
        assert_eq!(entries[0].key_pos, p(2, 3));
        assert_eq!(entries[0].value.pos, p(2, 9));
        // After Chinese text on the same line: columns count characters.
        assert_eq!(entries[1].key_pos, p(2, 17));
        assert_eq!(entries[1].value.pos, p(2, 23));
        let list = doc.get("list").unwrap();
        assert_eq!(list.pos, p(3, 11));
        let Value::Array(items) = &list.value else { panic!() };
        assert_eq!(items[0].pos, p(3, 12));
        assert_eq!(items[1].pos, p(4, 5));
        let Value::Table(inner) = &items[1].value else { panic!() };
        assert_eq!(inner[0].key_pos, p(4, 6));
        let Value::Array(flags) = &inner[0].value.value else { panic!() };
        assert_eq!(inner[0].value.pos, p(4, 14));
        assert_eq!(flags[1].pos, p(4, 21));
        assert_eq!(flags[1].value, Value::Float("2.5".into()));
    }

    #[test]
    fn bom_is_skipped_and_not_a_column() {
        let doc = ok("\u{feff}{\"a\": 1}");
        assert_eq!(doc.pos, p(1, 1));
        let Value::Table(e) = &doc.value else { panic!() };
        assert_eq!(e[0].key_pos, p(1, 2));
        // A BOM anywhere else is just an unexpected character.
        fail_one(" \u{feff}1", SyntaxProblemKind::Syntax, p(1, 2), "unexpected");
    }

    #[test]
    fn any_top_level_value() {
        assert_eq!(ok(" 12 ").value, Value::Integer("12".into()));
        assert_eq!(ok("\"x\"").value, Value::String("x".into()));
        assert_eq!(ok("[]").value, Value::Array(vec![]));
        assert_eq!(ok("{}").value, Value::Table(vec![]));
        assert_eq!(ok("true").value, Value::Bool(true));
        assert_eq!(ok("[{}, []]").type_name(), "array");
    }

    #[test]
    fn numbers_keep_their_text() {
        for (text, value) in [
            ("0", Value::Integer("0".into())),
            ("-0", Value::Integer("-0".into())),
            ("123456789012345678901234567890", Value::Integer("123456789012345678901234567890".into())),
            ("-12", Value::Integer("-12".into())),
            ("1.50", Value::Float("1.50".into())),
            ("1e400", Value::Float("1e400".into())),
            ("-0.0E-7", Value::Float("-0.0E-7".into())),
            ("2E+3", Value::Float("2E+3".into())),
        ] {
            assert_eq!(ok(text).value, value, "{text}");
        }
    }

    #[test]
    fn strings_and_escapes() {
        let doc = ok(r#""a\"b\\c\/d\b\f\n\r\t\u00e9\u4E2D\ud83d\ude00 高""#);
        assert_eq!(doc.value, Value::String("a\"b\\c/d\u{8}\u{c}\n\r\té中😀 高".into()));
        assert_eq!(ok(r#""\u0000""#).value, Value::String("\0".into()));
        assert_eq!(ok("\"\u{7f}\u{2028}\"").value, Value::String("\u{7f}\u{2028}".into()));
    }

    #[test]
    fn string_errors() {
        use SyntaxProblemKind::Syntax;
        fail_one("\"a\nb\"", Syntax, p(1, 3), "line break must be escaped");
        fail_one("\"a\tb\"", Syntax, p(1, 3), "tab must be escaped");
        fail_one("[\"高\u{1}\"]", Syntax, p(1, 4), "U+0001");
        fail_one(r#""\ud83d""#, Syntax, p(1, 2), "lone surrogate");
        fail_one(r#""\ud83dx""#, Syntax, p(1, 2), "lone surrogate");
        fail_one(r#""\ud83d\u0041""#, Syntax, p(1, 2), "lone surrogate");
        fail_one(r#""x\ude00""#, Syntax, p(1, 3), "lone surrogate");
        fail_one(r#""\x41""#, Syntax, p(1, 2), "invalid escape");
        fail_one(r#""\u12G4""#, Syntax, p(1, 2), "four hexadecimal digits");
        fail_one("'a'", Syntax, p(1, 1), "double quotes");
        fail_one("{'a': 1}", Syntax, p(1, 2), "double quotes");
        fail_one("{a: 1}", Syntax, p(1, 2), "keys must be strings");
    }

    #[test]
    fn number_errors() {
        use SyntaxProblemKind::Syntax;
        fail_one("[01]", Syntax, p(1, 2), "leading zeros");
        fail_one("-007", Syntax, p(1, 1), "leading zeros");
        fail_one("[+1]", Syntax, p(1, 2), "'+'");
        fail_one("[.5]", Syntax, p(1, 2), "start with a digit");
        fail_one("[1.]", Syntax, p(1, 4), "after the decimal point");
        fail_one("[1.e3]", Syntax, p(1, 4), "after the decimal point");
        fail_one("[1e]", Syntax, p(1, 4), "exponent");
        fail_one("[-]", Syntax, p(1, 3), "digit after '-'");
        fail_one("[NaN]", Syntax, p(1, 2), "NaN and Infinity");
        fail_one("[Infinity]", Syntax, p(1, 2), "NaN and Infinity");
        fail_one("{\"a\": -Infinity}", Syntax, p(1, 7), "NaN and Infinity");
        fail_one("[0x1F]", Syntax, p(1, 3), "expected ',' or ']'");
        fail_one("[1 2]", Syntax, p(1, 4), "expected ',' or ']'");
    }

    #[test]
    fn structure_errors() {
        use SyntaxProblemKind::Syntax;
        fail_one("", Syntax, p(1, 1), "empty document");
        fail_one(" \n\t\r\n ", Syntax, p(3, 2), "empty document");
        fail_one("\u{feff}", Syntax, p(1, 1), "empty document");
        fail_one("[1, 2,]", Syntax, p(1, 6), "trailing comma");
        fail_one("{\"a\": 1,\n}", Syntax, p(1, 8), "trailing comma");
        fail_one("[1] // note", Syntax, p(1, 5), "comments are not allowed");
        fail_one("{\"a\": 1 /* x */}", Syntax, p(1, 9), "comments are not allowed");
        fail_one("// c\n{}", Syntax, p(1, 1), "comments are not allowed");
        fail_one("{\"a\" 1}", Syntax, p(1, 6), "':'");
        fail_one("{\"a\": }", Syntax, p(1, 7), "expected a value");
        fail_one("[1] [2]", Syntax, p(1, 5), "no more text may follow");
        fail_one("{} x", Syntax, p(1, 4), "unexpected 'x': no more text may follow");
        fail_one("[True]", Syntax, p(1, 2), "'True'");
        fail_one("[nul]", Syntax, p(1, 2), "'nul'");
        fail_one("[truex]", Syntax, p(1, 2), "'truex'");
        fail_one("{\"a\": 1 \"b\": 2}", Syntax, p(1, 9), "expected ',' or '}'");
        fail_one("[,1]", Syntax, p(1, 2), "expected a value");
        fail_one("{,}", Syntax, p(1, 2), "keys must be strings");
        fail_one("[“a”]", Syntax, p(1, 2), "unexpected '“'");
    }

    #[test]
    fn null_is_a_value_and_duplicates_still_reported() {
        assert_eq!(ok("null").value, Value::Null);
        let problems = fail("{\"a\": null, \"b\": [null], \"a\": 1}");
        let kinds: Vec<_> = problems.iter().map(|p| (p.kind, p.pos.unwrap())).collect();
        assert_eq!(kinds, [(SyntaxProblemKind::Syntax, p(1, 26))]);
    }

    #[test]
    fn duplicate_keys_name_both_places() {
        use SyntaxProblemKind::Syntax;
        fail_one(
            "{\"a\": 1,\n \"a\": 2}",
            Syntax,
            p(2, 2),
            "duplicate key \"a\": first at 1:2, again at 2:2",
        );
        // Every repetition is reported, in nested objects too, also in large objects.
        let mut big = String::from("{");
        for i in 0..100 {
            big.push_str(&format!("\"k{i}\": {i}, "));
        }
        big.push_str("\"k5\": 0, \"k99\": {\"x\": 1, \"x\": 2, \"x\": 3}, \"k5\": 1}");
        let problems = fail(&big);
        let messages: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(problems.len(), 5, "{messages:?}");
        assert!(messages[0].starts_with("duplicate key \"k5\""));
        assert!(messages[1].starts_with("duplicate key \"k99\""));
        assert!(messages[2].starts_with("duplicate key \"x\""));
        assert!(messages[3].starts_with("duplicate key \"x\""));
        assert!(messages[4].starts_with("duplicate key \"k5\": first at 1:"));
        assert!(problems.windows(2).all(|w| w[0].pos < w[1].pos));
        // Same key in different objects is fine.
        ok("[{\"a\": 1}, {\"a\": 2, \"b\": {\"a\": 3}}]");
    }

    #[test]
    fn truncated_documents_fail_at_the_end() {
        let text = "{\"高原\": [1, -2.5e3, true, \"x\\u00e9\"], \"b\": {\"c\": false}}";
        for (cut, _) in text.char_indices().skip(1) {
            let prefix = &text[..cut];
            let problems = fail(prefix);
            let end = LineIndexProbe::end(prefix);
            assert!(
                problems.iter().any(|p| p.kind == SyntaxProblemKind::Syntax && p.pos == Some(end)),
                "{prefix:?}: {problems:?}"
            );
        }
        fail_one("[1, [2, 3]", SyntaxProblemKind::Syntax, p(1, 11), "array that starts at 1:1");
        fail_one("{\"a\": {\"b\": 1}", SyntaxProblemKind::Syntax, p(1, 15), "object that starts at 1:1");
        fail_one("\"abc", SyntaxProblemKind::Syntax, p(1, 5), "unterminated string");
    }

    struct LineIndexProbe;

    impl LineIndexProbe {
        fn end(text: &str) -> Pos {
            crate::syntax::tree::LineIndex::new(text).pos(text.len())
        }
    }

    #[test]
    fn depth_limit() {
        let nested = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        ok(&nested(MAX_DEPTH));
        fail_one(
            &nested(MAX_DEPTH + 1),
            SyntaxProblemKind::TooDeep,
            p(1, MAX_DEPTH as u32 + 1),
            "nested deeper than 128",
        );
        let objects = format!("{}1{}", "{\"a\":".repeat(MAX_DEPTH + 1), "}".repeat(MAX_DEPTH + 1));
        assert_eq!(fail(&objects)[0].kind, SyntaxProblemKind::TooDeep);
    }

    #[test]
    fn hostile_nesting_on_a_small_stack() {
        std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(|| {
                for text in [
                    "[".repeat(10_000),
                    format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)),
                    "{\"a\":".repeat(10_000),
                    "[{\"a\":".repeat(5_000),
                ] {
                    let problems = parse_json(&text).unwrap_err();
                    assert_eq!(problems.len(), 1);
                    assert_eq!(problems[0].kind, SyntaxProblemKind::TooDeep);
                }
                // The deepest accepted document is built and dropped without trouble.
                let deep = format!("{}1{}", "[{\"a\":".repeat(64), "}]".repeat(64));
                assert!(parse_json(&deep).is_ok());
            })
            .unwrap()
            .join()
            .unwrap();
    }

    #[test]
    fn long_single_line_positions() {
        // A batch of records on one line: positions stay right far along the line.
        let mut text = String::from("[");
        for i in 0..2000 {
            text.push_str(&format!("{{\"县\": \"第{i}县\", \"n\": {i}}},"));
        }
        text.push_str("{}]");
        let doc = ok(&text);
        let index = crate::syntax::tree::LineIndex::new(&text);
        let Value::Array(items) = &doc.value else { panic!() };
        let last = &items[1999];
        let offset = text.find("\"第1999县\"").unwrap();
        let Value::Table(e) = &last.value else { panic!() };
        assert_eq!(e[0].value.pos, index.pos(offset));
    }

    /// Whether a parsed tree holds exactly serde_json's value: same keys in the same order (a
    /// serde_json map is sorted and serialised in that order), numbers with the very text
    /// serde_json wrote.
    fn same(node: &Node, value: &serde_json::Value) -> bool {
        match (&node.value, value) {
            (Value::Table(entries), serde_json::Value::Object(map)) => {
                entries.len() == map.len()
                    && entries.iter().zip(map).all(|(e, (k, v))| e.key == *k && same(&e.value, v))
            }
            (Value::Array(items), serde_json::Value::Array(values)) => {
                items.len() == values.len() && items.iter().zip(values).all(|(n, v)| same(n, v))
            }
            (Value::String(s), serde_json::Value::String(t)) => s == t,
            (Value::Integer(n), serde_json::Value::Number(m)) => !m.is_f64() && *n == m.to_string(),
            (Value::Float(n), serde_json::Value::Number(m)) => m.is_f64() && *n == m.to_string(),
            (Value::Bool(b), serde_json::Value::Bool(c)) => b == c,
            _ => false,
        }
    }

    fn json_value() -> impl Strategy<Value = serde_json::Value> {
        let leaf = prop_oneof![
            any::<bool>().prop_map(serde_json::Value::Bool),
            any::<i64>().prop_map(|n| serde_json::json!(n)),
            any::<u64>().prop_map(|n| serde_json::json!(n)),
            any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(|f| serde_json::json!(f)),
            any::<String>().prop_map(serde_json::Value::String),
        ];
        leaf.prop_recursive(6, 64, 8, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..8).prop_map(serde_json::Value::Array),
                proptest::collection::vec((any::<String>(), inner), 0..8)
                    .prop_map(|kv| serde_json::Value::Object(kv.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn agrees_with_serde_json(value in json_value(), pretty in any::<bool>()) {
            let text = if pretty {
                serde_json::to_string_pretty(&value).unwrap()
            } else {
                serde_json::to_string(&value).unwrap()
            };
            let node = parse_json(&text).unwrap();
            prop_assert!(same(&node, &value), "{:?}\n{:?}", node, value);
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let text = String::from_utf8_lossy(&bytes);
            let _ = parse_json(&text);
        }

        #[test]
        fn json_like_garbage_never_panics(text in "[\\[\\]{}\"':,.0-9eE+\\-a-z\\\\ \n\u{feff}高]{0,200}") {
            let _ = parse_json(&text);
        }
    }
}
