//! TOML text → spanned tree, through the toml crate's spanned `DeTable` parser.
//!
//! Three layers of protection against hostile nesting, because the crate's parser recurses and
//! its tree is dropped recursively:
//! 1. [`prescan_depth`] refuses, before the crate sees the text, any document whose tables and
//!    arrays (headers, dotted keys and inline values together) nest deeper than [`MAX_DEPTH`].
//!    It also limits inline arrays/tables to [`MAX_INLINE_DEPTH`] levels, because the crate's
//!    own limit (80) is too deep for small thread stacks, and keys to [`MAX_KEY_PARTS`] parts,
//!    the crate's limit, which the crate reports without a position.
//! 2. The crate's own guards (80 inline levels, 80 key parts), in case the scan misreads
//!    malformed input; their errors are reported as [`SyntaxProblemKind::TooDeep`].
//! 3. [`convert`] walks the crate's tree with an explicit stack, consuming it as it goes (so no
//!    deep recursive drop either), and refuses anything deeper than [`MAX_DEPTH`] that slipped
//!    through.

use toml::Spanned;
use toml::de::{DeString, DeTable, DeValue};

use super::tree::{Entry, LineIndex, Node, Pos, Value};
use super::{MAX_DEPTH, SyntaxProblem, SyntaxProblemKind};
use crate::date::Date;

/// How the toml crate words its recursion-limit error (toml_parser's `RecursionGuard`).
const CRATE_RECURSION_MESSAGE: &str = "max recursion depth";

/// Deepest nesting of inline arrays and tables (`a = [[[…]]]`, `{ b = { … } }`).
///
/// The toml crate parses these recursively and spends several KiB of stack per level in debug
/// builds (about 6 KiB for an inline table): its own limit of 80 needs ~470 KiB, more than a
/// small thread stack has. 32 levels need under 200 KiB in debug builds and ~50 KiB in release;
/// rulebooks use at most four or five.
pub(crate) const MAX_INLINE_DEPTH: usize = 32;

/// Most parts in one dotted key or table header: the toml crate refuses 81 or more, without a
/// position, so the scan refuses them first, with one.
pub(crate) const MAX_KEY_PARTS: usize = 80;

/// Floats with more significant digits than this do not survive a round trip through an IEEE
/// double, which is how most TOML readers (Python's tomllib, editors, linters) will see the
/// rulebook; the spec therefore wants such numbers written as strings.
const MAX_FLOAT_DIGITS: usize = 15;

/// Parses one TOML document.
pub(crate) fn parse_toml(text: &str) -> Result<Node, Vec<SyntaxProblem>> {
    let index = LineIndex::new(text);
    if let Some((offset, message)) = prescan_depth(text) {
        return Err(vec![SyntaxProblem::new(index.pos(offset), SyntaxProblemKind::TooDeep, message)]);
    }
    let (doc, errors) = DeTable::parse_recoverable(text);
    let mut problems: Vec<SyntaxProblem> = errors.iter().map(|e| crate_error(e, text, &index)).collect();
    // The crate recovers from a slip by reading on, and what follows on the same line then fails
    // too (a missing quote gives "missing comma", "invalid unquoted key", "invalid literal
    // string"…): one slip, one problem — the first of each line.
    let mut lines_seen = std::collections::HashSet::new();
    problems.retain(|p| {
        p.kind != SyntaxProblemKind::Syntax || p.pos.is_none_or(|pos| lines_seen.insert(pos.line))
    });
    let mut syntax_positions: Vec<Pos> = problems.iter().filter_map(|p| p.pos).collect();
    syntax_positions.sort_unstable();
    let mut own = Vec::new();
    let root = convert(doc, &index, &mut own);
    // A value the crate already complained about (e.g. `nan` misspelt) is not reported twice.
    own.retain(|p| {
        p.kind != SyntaxProblemKind::Schema
            || p.pos.is_none_or(|pos| syntax_positions.binary_search(&pos).is_err())
    });
    problems.extend(own);
    if problems.is_empty() { Ok(root) } else { Err(problems) }
}

/// Translates one of the crate's errors, keeping its span's start as the position.
fn crate_error(error: &toml::de::Error, text: &str, index: &LineIndex<'_>) -> SyntaxProblem {
    let span = error.span();
    let pos = span.as_ref().map(|s| index.pos(s.start));
    let message = error.message();
    let (kind, message) = if message.contains(CRATE_RECURSION_MESSAGE) {
        (
            SyntaxProblemKind::TooDeep,
            "inline arrays and tables are nested deeper than 80 levels (the TOML reader's limit)".to_owned(),
        )
    } else if message == "recursion limit" {
        (
            SyntaxProblemKind::TooDeep,
            format!("a dotted key or table header has more than {MAX_KEY_PARTS} parts"),
        )
    } else if message == "duplicate key" {
        // The crate names neither the key nor the first definition; at least name the key.
        let key = span.and_then(|s| text.get(s)).unwrap_or("");
        (SyntaxProblemKind::Syntax, format!("duplicate key `{key}`: a key or table can be defined only once"))
    } else {
        (SyntaxProblemKind::Syntax, message.to_owned())
    };
    SyntaxProblem { pos, kind, message }
}

/// A table or array of the crate's tree being converted: the rest of its children are still in
/// the crate's container (owned by `rest`), the converted ones are in `done`.
enum Frame<'i> {
    Table {
        pos: Pos,
        /// Where the converted node goes in its parent: the key, or `None` for an array element
        /// or the root.
        slot: Option<(String, Pos)>,
        /// `false` below a depth error: children are only drained, not converted.
        keep: bool,
        done: Vec<Entry>,
        rest: toml::map::IntoIter<Spanned<DeString<'i>>, Spanned<DeValue<'i>>>,
    },
    Array {
        pos: Pos,
        slot: Option<(String, Pos)>,
        keep: bool,
        done: Vec<Node>,
        rest: std::vec::IntoIter<Spanned<DeValue<'i>>>,
    },
}

impl<'i> Frame<'i> {
    fn keep(&self) -> bool {
        match self {
            Frame::Table { keep, .. } | Frame::Array { keep, .. } => *keep,
        }
    }

    fn attach(&mut self, slot: Option<(String, Pos)>, value: Node) {
        match (self, slot) {
            (Frame::Table { done, .. }, Some((key, key_pos))) => done.push(Entry { key, key_pos, value }),
            (Frame::Array { done, .. }, _) => done.push(value),
            // A table child always has a key; nothing else can happen.
            (Frame::Table { .. }, None) => {}
        }
    }
}

/// Converts the crate's tree without recursion, collecting schema and depth problems.
fn convert(doc: Spanned<DeTable<'_>>, index: &LineIndex<'_>, problems: &mut Vec<SyntaxProblem>) -> Node {
    let root_pos = index.pos(doc.span().start);
    let mut stack = vec![Frame::Table {
        pos: root_pos,
        slot: None,
        keep: true,
        done: Vec::new(),
        rest: doc.into_inner().into_iter(),
    }];
    let mut root = Node { pos: root_pos, value: Value::Table(Vec::new()) };
    while let Some(top) = stack.last_mut() {
        let keep = top.keep();
        let next = match top {
            Frame::Table { rest, .. } => rest.next().map(|(key, value)| {
                let key_pos = index.pos(key.span().start);
                (Some((key.into_inner().into_owned(), key_pos)), value)
            }),
            Frame::Array { rest, .. } => rest.next().map(|value| (None, value)),
        };
        let Some((slot, value)) = next else {
            // All children done: close this container.
            let (slot, keep, node) = match stack.pop() {
                Some(Frame::Table { pos, slot, keep, done, .. }) => {
                    (slot, keep, Node { pos, value: Value::Table(done) })
                }
                Some(Frame::Array { pos, slot, keep, done, .. }) => {
                    (slot, keep, Node { pos, value: Value::Array(done) })
                }
                None => break,
            };
            match stack.last_mut() {
                Some(parent) if keep => parent.attach(slot, node),
                Some(_) => {}
                None => root = node,
            }
            continue;
        };
        let pos = index.pos(value.span().start);
        let depth = stack.len() + 1;
        let child_keep = keep && depth <= MAX_DEPTH;
        if keep && !child_keep && matches!(value.get_ref(), DeValue::Table(_) | DeValue::Array(_)) {
            problems.push(SyntaxProblem::new(
                pos,
                SyntaxProblemKind::TooDeep,
                format!("tables and arrays are nested deeper than {MAX_DEPTH} levels"),
            ));
        }
        match value.into_inner() {
            DeValue::Table(table) => stack.push(Frame::Table {
                pos,
                slot,
                keep: child_keep,
                done: Vec::new(),
                rest: table.into_iter(),
            }),
            DeValue::Array(array) => stack.push(Frame::Array {
                pos,
                slot,
                keep: child_keep,
                done: Vec::new(),
                rest: array.into_iter(),
            }),
            scalar if keep => {
                let node = Node { pos, value: scalar_value(scalar, pos, problems) };
                if let Some(parent) = stack.last_mut() {
                    parent.attach(slot, node);
                }
            }
            _ => {}
        }
    }
    root
}

/// Converts a scalar, reporting what rulebooks do not allow. After a problem a placeholder is
/// returned: the document is rejected anyway, but conversion goes on to find further problems.
fn scalar_value(value: DeValue<'_>, pos: Pos, problems: &mut Vec<SyntaxProblem>) -> Value {
    let mut schema = |message: String| {
        problems.push(SyntaxProblem::new(pos, SyntaxProblemKind::Schema, message));
        Value::Bool(false)
    };
    match value {
        DeValue::String(s) => Value::String(s.into_owned()),
        DeValue::Boolean(b) => Value::Bool(b),
        DeValue::Integer(i) if i.radix() == 10 => {
            Value::Integer(i.as_str().trim_start_matches('+').to_owned())
        }
        DeValue::Integer(i) => match u128::from_str_radix(i.as_str(), i.radix()) {
            Ok(n) => Value::Integer(n.to_string()),
            Err(e) if *e.kind() == std::num::IntErrorKind::PosOverflow => schema(
                "hexadecimal, octal and binary integers must fit in 128 bits; write large numbers in decimal"
                    .to_owned(),
            ),
            // Malformed digits: the crate has already reported them.
            Err(_) => Value::Bool(false),
        },
        DeValue::Float(f) => {
            let text = f.as_str();
            if text.contains("nan") || text.contains("inf") {
                return schema("nan and inf are not allowed in rulebooks".to_owned());
            }
            let text = text.replace('+', "");
            if significant_digits(&text) > MAX_FLOAT_DIGITS {
                return schema(format!(
                    "write numbers with more than {MAX_FLOAT_DIGITS} significant digits as strings (\"{text}\"), so no TOML reader rounds them"
                ));
            }
            Value::Float(text)
        }
        DeValue::Datetime(dt) => match (dt.date, dt.time, dt.offset) {
            // An unparsable datetime, already reported by the crate.
            (None, None, _) => Value::Bool(false),
            (Some(d), None, None) => match Date::new(i32::from(d.year), d.month, d.day) {
                Some(date) => Value::Date(date),
                None => schema(format!("{d} is not a supported date (years run from 0001 to 9999)")),
            },
            _ => schema(format!("only dates (YYYY-MM-DD) are supported, not times or date-times: {dt}")),
        },
        // Containers are handled by the caller.
        DeValue::Table(_) | DeValue::Array(_) => Value::Bool(false),
    }
}

/// Significant digits of a decimal float's mantissa: from the first to the last non-zero
/// digit. Leading and trailing zeros do not count because they never cost precision in a
/// double (`1000000000000000000.0` and `0.000001` are exact enough).
fn significant_digits(text: &str) -> usize {
    let mantissa = text.split(['e', 'E']).next().unwrap_or("");
    let digits = mantissa.bytes().filter(u8::is_ascii_digit);
    let trimmed: Vec<u8> = digits.skip_while(|&d| d == b'0').collect();
    let trailing = trimmed.iter().rev().take_while(|&&d| d == b'0').count();
    trimmed.len() - trailing
}

/// What the scanner is doing outside all inline arrays and tables.
#[derive(Clone, Copy)]
enum Top {
    /// Reading a key (`segs` segments so far, the first at `start`); `segs == 0` at the start
    /// of a line, where `[` opens a table header.
    Key { start: usize, segs: usize },
    /// Inside a `[header]` or `[[header]]` that starts at `start`.
    Header { start: usize, segs: usize, array: bool },
    /// After `=`: the next token is the value, at this depth if it is a container.
    Value { depth: usize },
    /// The rest of the line after a value or header.
    Rest,
}

/// An open inline array or table.
struct Open {
    table: bool,
    depth: usize,
    /// Inside an inline table: reading a key (before `=`), its segments so far and where it
    /// starts.
    in_key: bool,
    segs: usize,
    key_start: usize,
}

/// Where and why the scan refuses a document.
type Refusal = (usize, String);

fn too_deep(offset: usize) -> Option<Refusal> {
    Some((offset, format!("tables and arrays are nested deeper than {MAX_DEPTH} levels")))
}

fn too_many_parts(offset: usize) -> Option<Refusal> {
    Some((offset, format!("a dotted key or table header has more than {MAX_KEY_PARTS} parts")))
}

/// The first place at which the document would nest deeper than [`MAX_DEPTH`], nest inline
/// values deeper than [`MAX_INLINE_DEPTH`], or have a key longer than [`MAX_KEY_PARTS`]; and
/// what is wrong there.
///
/// A small TOML tokenizer that understands just enough (strings, comments, headers, dotted keys,
/// brackets) to compute the depth of everything the toml crate would build, without recursion
/// and in one pass. Depth counts like the converted tree: root table 1, `a.b = 1` makes tables
/// at 2 and 3... One approximation: `[a.b]` is counted as depth 3 even when `a` is an array of
/// tables (really 4), so the true depth can exceed the estimate; [`convert`] checks it exactly.
/// For malformed input the scan may differ from the crate's recovery; it stays linear and only
/// errs towards refusing absurdly deep documents.
fn prescan_depth(text: &str) -> Option<Refusal> {
    let b = text.as_bytes();
    let mut i = 0;
    let mut base = 1; // depth of the current [section] table
    let mut top = Top::Key { start: 0, segs: 0 };
    let mut top_value_depth = base + 1;
    let mut open: Vec<Open> = Vec::new();
    while i < b.len() {
        let start = i;
        match b[i] {
            b' ' | b'\t' | b'\r' | b'.' => i += 1,
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'\n' => {
                i += 1;
                if open.is_empty() {
                    top = Top::Key { start: i, segs: 0 };
                }
            }
            b'=' => {
                i += 1;
                if let Some(o) = open.last_mut() {
                    o.in_key = false;
                } else if let Top::Key { segs, .. } = top {
                    top_value_depth = base + segs.max(1);
                    top = Top::Value { depth: top_value_depth };
                }
            }
            b',' => {
                i += 1;
                if let Some(o) = open.last_mut()
                    && o.table
                {
                    o.in_key = true;
                    o.segs = 0;
                }
            }
            c @ (b'[' | b'{') => {
                i += 1;
                let depth = match (open.last(), top) {
                    (Some(o), _) if o.table => o.depth + o.segs.max(1),
                    (Some(o), _) => o.depth + 1,
                    (None, Top::Key { segs: 0, .. }) if c == b'[' => {
                        let array = b.get(i) == Some(&b'[');
                        if array {
                            i += 1;
                        }
                        top = Top::Header { start, segs: 0, array };
                        continue;
                    }
                    (None, Top::Header { .. }) => continue,
                    (None, Top::Value { depth }) => depth,
                    (None, _) => top_value_depth,
                };
                if depth > MAX_DEPTH {
                    return too_deep(start);
                }
                if open.len() >= MAX_INLINE_DEPTH {
                    return Some((
                        start,
                        format!("inline arrays and tables are nested deeper than {MAX_INLINE_DEPTH} levels"),
                    ));
                }
                if open.is_empty() {
                    top = Top::Rest;
                }
                open.push(Open { table: c == b'{', depth, in_key: c == b'{', segs: 0, key_start: i });
            }
            b']' | b'}' => {
                i += 1;
                if open.pop().is_none()
                    && let Top::Header { segs, array, .. } = top
                {
                    base = 1 + segs + usize::from(array);
                    top_value_depth = base + 1;
                    top = Top::Rest;
                }
            }
            q @ (b'"' | b'\'') => {
                i = skip_string(b, i, q);
                if let Err(refusal) = key_segment(&mut open, &mut top, base, start) {
                    return Some(refusal);
                }
            }
            _ => {
                while i < b.len() && !is_delimiter(b[i]) {
                    i += 1;
                }
                if let Err(refusal) = key_segment(&mut open, &mut top, base, start) {
                    return Some(refusal);
                }
            }
        }
    }
    None
}

/// A bare word or string was read at `at`: a key segment if a key is being read (checked
/// against the limits at once, so that even an unterminated key is refused with a position),
/// else a scalar value. `Err` carries the refusal.
fn key_segment(open: &mut [Open], top: &mut Top, base: usize, at: usize) -> Result<(), Refusal> {
    let refuse = |r: Option<Refusal>| r.map_or(Ok(()), Err);
    if let Some(o) = open.last_mut() {
        if o.table && o.in_key {
            if o.segs == 0 {
                o.key_start = at;
            }
            o.segs += 1;
            if o.segs > MAX_KEY_PARTS {
                return refuse(too_many_parts(o.key_start));
            }
            // Intermediate tables of `a.b.c = …` are at depth+1 ..= depth+segs-1.
            if o.depth + o.segs - 1 > MAX_DEPTH {
                return refuse(too_deep(o.key_start));
            }
        }
        return Ok(());
    }
    match top {
        Top::Key { start, segs } => {
            if *segs == 0 {
                *start = at;
            }
            *segs += 1;
            if *segs > MAX_KEY_PARTS {
                return refuse(too_many_parts(*start));
            }
            if base + *segs - 1 > MAX_DEPTH {
                return refuse(too_deep(*start));
            }
        }
        Top::Header { start, segs, array } => {
            *segs += 1;
            if *segs > MAX_KEY_PARTS {
                return refuse(too_many_parts(*start));
            }
            if 1 + *segs + usize::from(*array) > MAX_DEPTH {
                return refuse(too_deep(*start));
            }
        }
        Top::Value { .. } => *top = Top::Rest,
        Top::Rest => {}
    }
    Ok(())
}

fn is_delimiter(c: u8) -> bool {
    matches!(
        c,
        b' ' | b'\t' | b'\r' | b'\n' | b'#' | b'"' | b'\'' | b'.' | b'=' | b',' | b'[' | b']' | b'{' | b'}'
    )
}

/// The offset just after the string that starts at `i` with quote `q` (basic or literal,
/// single- or multi-line). An unterminated single-line string ends at the line break, like in
/// the toml crate's lexer; an unterminated multi-line one at the end of the text.
fn skip_string(b: &[u8], i: usize, q: u8) -> usize {
    let escapes = q == b'"';
    if b[i..].starts_with(&[q, q, q]) {
        let mut j = i + 3;
        while j < b.len() {
            if escapes && b[j] == b'\\' {
                j += 2;
            } else if b[j..].starts_with(&[q, q, q]) {
                j += 3;
                // Up to two more quotes belong to the content (`""""` ends with a quote).
                let mut extra = 0;
                while extra < 2 && b.get(j) == Some(&q) {
                    j += 1;
                    extra += 1;
                }
                return j;
            } else {
                j += 1;
            }
        }
        b.len()
    } else {
        let mut j = i + 1;
        while j < b.len() {
            match b[j] {
                c if c == q => return j + 1,
                b'\\' if escapes => j += 2,
                b'\n' => return j,
                _ => j += 1,
            }
        }
        b.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::{Format, parse};

    fn p(line: u32, column: u32) -> Pos {
        Pos { line, column }
    }

    fn ok(text: &str) -> Node {
        parse(text, Format::Toml).unwrap_or_else(|e| panic!("{text:?}: {e:?}"))
    }

    fn fail(text: &str) -> Vec<SyntaxProblem> {
        match parse(text, Format::Toml) {
            Ok(node) => panic!("{text:?} parsed as {node:?}"),
            Err(problems) => problems,
        }
    }

    #[track_caller]
    fn fail_one(text: &str, kind: SyntaxProblemKind, pos: Pos, words: &str) {
        let problems = fail(text);
        assert_eq!(problems.len(), 1, "{text:?}: {problems:?}");
        let problem = &problems[0];
        assert_eq!((problem.kind, problem.pos), (kind, Some(pos)), "{text:?}: {problem:?}");
        assert!(problem.message.contains(words), "{text:?}: {:?} lacks {words:?}", problem.message);
    }

    fn entries(node: &Node) -> &[Entry] {
        match &node.value {
            Value::Table(e) => e,
            other => panic!("not a table: {other:?}"),
        }
    }

    fn items(node: &Node) -> &[Node] {
        match &node.value {
            Value::Array(a) => a,
            other => panic!("not an array: {other:?}"),
        }
    }

    fn keys(node: &Node) -> Vec<&str> {
        entries(node).iter().map(|e| e.key.as_str()).collect()
    }

    const PROFILES: &str = "\
[rulebook]
title = \"县级考核\" ; id = 1
[profiles.\"高原藏区\".points]
\"reduction\" = 8
[profiles.\"秦巴山区\"]

[params]
inc = { value = 2, profiles = { \"高原藏区\" = 3, \"凉山彝区\" = 4 } }
list = [
  1,
    [2.5, \"高\"], { a.b = true },
]
[[indicator]]
id = \"b\"
[[indicator]]
id = \"a\"
bands.at_most = [[2, 20], [3, 16]]
[[indicator]]
id = \"c\"
";

    #[test]
    fn tables_headers_and_dotted_keys() {
        // `;` is not TOML; use the document without that line's tail.
        let text = PROFILES.replace(" ; id = 1", "");
        let doc = ok(&text);
        assert_eq!(doc.pos, p(1, 1));
        assert_eq!(keys(&doc), ["rulebook", "profiles", "params", "indicator"]);
        let profiles = doc.get("profiles").unwrap();
        // An implicit table starts at its first mention (inside the header).
        assert_eq!(profiles.pos, p(3, 2));
        assert_eq!(keys(profiles), ["高原藏区", "秦巴山区"]);
        let plateau = &entries(profiles)[0];
        assert_eq!(plateau.key_pos, p(3, 11));
        let points = plateau.value.get("points").unwrap();
        assert_eq!(points.pos, p(3, 1), "a header table starts at its '['");
        assert_eq!(entries(points)[0].key_pos, p(4, 1));
        assert_eq!(points.get("reduction").unwrap().value, Value::Integer("8".into()));
        assert_eq!(entries(profiles)[1].value.pos, p(5, 1));
        assert_eq!(entries(&entries(profiles)[1].value).len(), 0);

        let params = doc.get("params").unwrap();
        let inc = params.get("inc").unwrap();
        assert_eq!(inc.pos, p(8, 7));
        let inner = inc.get("profiles").unwrap();
        assert_eq!(inner.pos, p(8, 31));
        let e = entries(inner);
        // Columns count characters: "高原藏区" is 4 characters, 12 bytes.
        assert_eq!((e[0].key_pos, e[0].value.pos), (p(8, 33), (p(8, 42))));
        assert_eq!((e[1].key_pos, e[1].value.pos), (p(8, 45), (p(8, 54))));

        let list = items(params.get("list").unwrap());
        assert_eq!(list[0].pos, p(10, 3));
        assert_eq!(list[1].pos, p(11, 5));
        assert_eq!(items(&list[1])[1].pos, p(11, 11));
        assert_eq!(list[2].pos, p(11, 17));
        let dotted = list[2].get("a").unwrap();
        assert_eq!(dotted.pos, p(11, 19));
        assert_eq!(entries(dotted)[0].key_pos, p(11, 21));
        assert_eq!(dotted.get("b").unwrap().pos, p(11, 25));

        // Arrays of tables keep their order; each element starts at its header.
        let indicators = items(doc.get("indicator").unwrap());
        let ids: Vec<_> = indicators.iter().map(|t| t.get("id").unwrap().value.clone()).collect();
        assert_eq!(ids, ["b", "a", "c"].map(|s| Value::String(s.into())));
        assert_eq!(doc.get("indicator").unwrap().pos, p(13, 1));
        assert_eq!(indicators.iter().map(|t| t.pos).collect::<Vec<_>>(), [p(13, 1), p(15, 1), p(18, 1)]);
        let bands = indicators[1].get("bands").unwrap();
        let at_most = bands.get("at_most").unwrap();
        assert_eq!(at_most.pos, p(17, 17));
        assert_eq!(items(&items(at_most)[1])[1].pos, p(17, 31));
    }

    #[test]
    fn later_header_for_implicit_table() {
        let doc = ok("[a.b]\nx = 1\n[a]\ny = 2\n[c]\n");
        assert_eq!(keys(&doc), ["a", "c"]);
        let a = doc.get("a").unwrap();
        assert_eq!(a.pos, p(3, 1));
        assert_eq!(keys(a), ["b", "y"]);
    }

    #[test]
    fn scalars() {
        let doc = ok(
            "h = 0xff\no = 0o17\nb = 0b11\nd = +1_000\nn = -12\nz = -0\nf = +1_0.5e+1_0\ng = 1E-5\n\
             s = 'lit\\n'\nm = \"\"\"\nx\"\"\"\"\"\nt = true\nd2 = 2019-12-31\nbig = 123456789012345678901234567890\n",
        );
        let get = |k: &str| doc.get(k).unwrap().value.clone();
        assert_eq!(get("h"), Value::Integer("255".into()));
        assert_eq!(get("o"), Value::Integer("15".into()));
        assert_eq!(get("b"), Value::Integer("3".into()));
        assert_eq!(get("d"), Value::Integer("1000".into()));
        assert_eq!(get("n"), Value::Integer("-12".into()));
        assert_eq!(get("z"), Value::Integer("-0".into()));
        assert_eq!(get("f"), Value::Float("10.5e10".into()));
        assert_eq!(get("g"), Value::Float("1E-5".into()));
        assert_eq!(get("s"), Value::String("lit\\n".into()));
        assert_eq!(get("m"), Value::String("x\"\"".into()));
        assert_eq!(get("t"), Value::Bool(true));
        assert_eq!(get("d2"), Value::Date(Date::new(2019, 12, 31).unwrap()));
        assert_eq!(get("big"), Value::Integer("123456789012345678901234567890".into()));
    }

    #[test]
    fn schema_problems() {
        use SyntaxProblemKind::Schema;
        fail_one("a = 1979-05-27T07:32:00Z", Schema, p(1, 5), "only dates (YYYY-MM-DD)");
        fail_one("a = 1979-05-27T07:32:00", Schema, p(1, 5), "only dates (YYYY-MM-DD)");
        fail_one("a = 1979-05-27 07:32:00+08:00", Schema, p(1, 5), "only dates");
        fail_one("[t]\n\"高\" = 07:32:00", Schema, p(2, 7), "only dates");
        fail_one("a = 0000-01-01", Schema, p(1, 5), "0001 to 9999");
        fail_one("a = nan", Schema, p(1, 5), "nan and inf");
        fail_one("a = [-inf]", Schema, p(1, 6), "nan and inf");
        fail_one("a = +inf", Schema, p(1, 5), "nan and inf");
        fail_one("a = 0.1234567890123456", Schema, p(1, 5), "more than 15 significant digits");
        fail_one("a = 1234567890.123456e3", Schema, p(1, 5), "15 significant digits");
        fail_one("a = 0xffffffffffffffffffffffffffffffffff", Schema, p(1, 5), "128 bits");
        ok("a = 0.123456789012345\nb = 1000000000000000000000.0\nc = 0.000000000000001e-5\n\
            d = 1.2345678901234500000\ne = 12345678901234567890");
    }

    #[test]
    fn all_problems_are_reported() {
        let problems =
            fail("a = 1\na = 2\nb = nan\n[t]\nx = [1,,2]\nd = 2019-02-30\ne = 07:00:00\nf = 1 2\n");
        let found: Vec<(SyntaxProblemKind, u32)> =
            problems.iter().map(|p| (p.kind, p.pos.unwrap().line)).collect();
        use SyntaxProblemKind::{Schema, Syntax};
        assert_eq!(
            found,
            [(Syntax, 2), (Schema, 3), (Syntax, 5), (Syntax, 6), (Schema, 7), (Syntax, 8)],
            "{problems:?}"
        );
        assert!(problems[0].message.contains("duplicate key `a`"));
        assert!(problems[3].message.contains("day"), "{:?}", problems[3]);
    }

    #[test]
    fn misspelt_nan_is_reported_once() {
        let problems = fail("a = nann");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].kind, SyntaxProblemKind::Syntax);
    }

    #[test]
    fn duplicate_keys_and_tables() {
        use SyntaxProblemKind::Syntax;
        fail_one("a = 1\n\"a\" = 2", Syntax, p(2, 1), "duplicate key `\"a\"`");
        fail_one("[t]\nx = 1\n[t]\ny = 2", Syntax, p(3, 2), "duplicate key `t`");
        fail_one("t = { x = 1, x = 2 }", Syntax, p(1, 14), "duplicate key `x`");
        fail_one("[p.\"高原\"]\n[p.\"高原\"]", Syntax, p(2, 4), "duplicate key `\"高原\"`");
        fail_one("a.b = 1\na.b = 2", Syntax, p(2, 3), "duplicate key `b`");
        fail_one("x = 1\n[[x]]", Syntax, p(2, 3), "duplicate key `x`");
    }

    #[test]
    fn truncated_documents() {
        for (text, pos) in [
            ("a = [1, 2", p(1, 10)),
            ("a = {x = 1", p(1, 11)),
            ("a = \"abc", p(1, 9)),
            ("[table", p(1, 7)),
            ("a =", p(1, 4)),
            ("a = \"\"\"abc\n", p(2, 1)),
        ] {
            let problems = fail(text);
            assert!(
                problems.iter().all(|q| q.kind == SyntaxProblemKind::Syntax && q.pos.is_some()),
                "{text:?}: {problems:?}"
            );
            assert!(problems.iter().any(|q| q.pos == Some(pos)), "{text:?}: {problems:?}");
        }
    }

    #[test]
    fn bom_and_crlf() {
        let doc = ok("\u{feff}a = 1\r\n[t]\r\n\"高\" = 2\r\n");
        assert_eq!(entries(&doc)[0].key_pos, p(1, 1));
        let t = doc.get("t").unwrap();
        assert_eq!(t.pos, p(2, 1));
        assert_eq!(entries(t)[0].value.pos, p(3, 7));
    }

    #[test]
    fn depth_boundaries() {
        use SyntaxProblemKind::TooDeep;
        let key = |n: usize| vec!["k"; n].join(".");
        // Keys and headers: at most 80 parts (the toml crate's limit, reported with a place).
        ok(&format!("{} = 1", key(MAX_KEY_PARTS)));
        fail_one(&format!("x = 1\n{} = 1", key(81)), TooDeep, p(2, 1), "80 parts");
        fail_one(&format!("t = {{ a = 1, {} = 1 }}", key(81)), TooDeep, p(1, 14), "80 parts");
        ok(&format!("[{}]\nx = 1", key(MAX_KEY_PARTS)));
        fail_one(&format!("[{}]\nx = 1", key(81)), TooDeep, p(1, 1), "80 parts");
        fail_one(&format!("[[{}", key(81)), TooDeep, p(1, 1), "80 parts");
        // Depth 128 in total: a header at 81, then a dotted key.
        let deep_key = |n: usize| format!("[{}]\n{} = 1", key(80), key(n));
        ok(&deep_key(48)); // tables at 82..=128
        fail_one(&deep_key(49), TooDeep, p(2, 1), "128 levels");
        let deep_array =
            |n: usize| format!("[{}]\n{} = {}{}", key(80), key(40), "[".repeat(n), "]".repeat(n));
        ok(&deep_array(8)); // arrays at 121..=128
        fail_one(&deep_array(9), TooDeep, p(2, 91), "128 levels");
        let deep_inline = |n: usize| format!("[{}]\nt = {{ {} = 1 }}", key(80), key(n));
        ok(&deep_inline(47)); // `t` at 82, then tables at 83..=128
        fail_one(&deep_inline(48), TooDeep, p(2, 7), "128 levels");
        // Inline nesting is limited to 32.
        let arrays = |n: usize| format!("a = {}{}", "[".repeat(n), "]".repeat(n));
        ok(&arrays(MAX_INLINE_DEPTH));
        fail_one(&arrays(33), TooDeep, p(1, 37), "32 levels");
        let inline = |n: usize| format!("a = {}1{}", "{b = ".repeat(n), "}".repeat(n));
        ok(&inline(MAX_INLINE_DEPTH));
        fail_one(&inline(33), TooDeep, p(1, 165), "32 levels");
        let mixed = |n: usize| format!("a = [{}1{}]", "{b = [".repeat(n), "]}".repeat(n));
        ok(&mixed(15));
        fail_one(&mixed(16), TooDeep, p(1, 101), "32 levels");
    }

    #[test]
    fn arrays_of_tables_are_checked_exactly() {
        // `[[k.k]]` under `[[k]]`: each level is an array and a table, deeper than the scan's
        // estimate; the conversion still refuses it.
        let mut text = String::new();
        for n in 1..=70 {
            text.push_str(&format!("[[{}]]\n", vec!["k"; n].join(".")));
        }
        assert!(prescan_depth(&text).is_none());
        let problems = fail(&text);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].kind, SyntaxProblemKind::TooDeep);
        assert_eq!(problems[0].pos, Some(p(64, 1)));
    }

    #[test]
    fn hostile_nesting_on_a_small_stack() {
        std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(|| {
                let n = 10_000;
                for text in [
                    format!("a = {}{}", "[".repeat(n), "]".repeat(n)),
                    format!("a = {}", "[".repeat(n)),
                    format!("a = {}1{}", "{b = ".repeat(n), "}".repeat(n)),
                    format!("a = {}", "{b = ".repeat(n)),
                    format!("{} = 1", vec!["k"; n].join(".")),
                    format!("[{}]", vec!["k"; n].join(".")),
                    format!("a = {{ {} = 1 }}", vec!["k"; n].join(".")),
                    format!("a = [{}]", "{b = [".repeat(n)),
                    format!("x = 1\n[[x]]\n{} = 1", vec!["k"; n].join(".")),
                ] {
                    let problems = parse(&text, Format::Toml).unwrap_err();
                    assert!(problems.iter().any(|p| p.kind == SyntaxProblemKind::TooDeep), "{problems:?}");
                }
                // Accepted extremes are parsed and dropped on the small stack too.
                let deep = format!(
                    "[{}]\n{} = 1\nx = {}{}\ny = {}1{}",
                    vec!["k"; 80].join("."),
                    vec!["k"; 48].join("."),
                    "[".repeat(MAX_INLINE_DEPTH),
                    "]".repeat(MAX_INLINE_DEPTH),
                    "{b = ".repeat(MAX_INLINE_DEPTH),
                    "}".repeat(MAX_INLINE_DEPTH)
                );
                assert!(parse(&deep, Format::Toml).is_ok());
            })
            .unwrap()
            .join()
            .unwrap();
    }

    #[test]
    fn prescan_understands_strings_and_comments() {
        let many = "[".repeat(200);
        let text = format!(
            "a = \"{many}\"\nb = '{many}'\nc = \"\"\"\n{many}\n\\\"\"\"\n{many}\"\"\"\n\
             d = '''{many}''''\n# {many}\ne = 1 # {many}\n[t] # {many}\nf = \"\\\"{many}\"\n"
        );
        assert_eq!(prescan_depth(&text), None);
        ok(&text);
        // Floats in arrays are not dotted keys.
        let floats = format!("a = [{}]", vec!["1.5"; 500].join(", "));
        assert_eq!(prescan_depth(&floats), None);
        ok(&floats);
    }
}
