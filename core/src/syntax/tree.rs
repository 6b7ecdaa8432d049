//! The spanned document tree shared by the TOML and JSON readers, and byte-offset → line:column
//! conversion.

use std::fmt;

use crate::date::Date;

/// A place in the source text: 1-based line and column.
///
/// The column counts Unicode scalar values (characters), not bytes, because rulebooks are full
/// of Chinese text and an editor's "column 12" is the 12th character, not the 12th byte. A
/// leading UTF-8 byte-order mark is not counted.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct Pos {
    /// 1-based line number; lines are separated by `\n` (so `\r\n` works too).
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
}

impl fmt::Display for Pos {
    /// `line:column`, the form editors and compilers use, so messages are clickable.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// A value together with where it starts in the source.
///
/// Every node carries a position so that any later check (the rulebook loader's schema and
/// semantic validation) can name the exact place of a problem.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// Where the value starts: a table's `[header]` or `{`, an array's `[`, a scalar's first
    /// character. An implicit TOML table (one only named as part of a longer key or header,
    /// like `profiles` in `[profiles."高原藏区"]`) starts at its first mention.
    pub pos: Pos,
    /// The value itself.
    pub value: Value,
}

/// The format-independent value of a node.
///
/// Numbers stay text so that nothing is lost before the caller decides how to read them (the
/// spec needs exact decimals; `0.1` must never become a binary float).
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A table / JSON object: entries in source order, keys unique.
    Table(Vec<Entry>),
    /// An array, in source order.
    Array(Vec<Node>),
    /// A string, with escapes resolved.
    String(String),
    /// An integer as exact decimal text with an optional leading `-` (e.g. `"-12"`). TOML
    /// `0xff`, `0o17`, `0b11` are converted to decimal; underscores and `+` are removed. There
    /// is no range limit here: the caller decides what fits.
    Integer(String),
    /// A number with a fraction or exponent, as written minus underscores and `+` signs
    /// (`"12.5"`, `"1e3"`, `"-0.125"`, `"1E-3"`). Never NaN or infinite.
    Float(String),
    /// `true` or `false`.
    Bool(bool),
    /// A TOML local date. JSON has no date type: there dates are strings and the caller
    /// converts them where the schema expects a date.
    Date(Date),
    /// JSON `null` (TOML has none). In records it means "missing"; in a rulebook it is a
    /// schema problem reported by the reader, like any value of the wrong type.
    Null,
}

/// One key of a table with the key's own position (for "unknown key" and "duplicate key"
/// messages, which should point at the key rather than at its value).
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// The key, unescaped. For a dotted TOML key `a.b = 1` this is one segment: `a` holds a
    /// table whose entry `b` holds the value.
    pub key: String,
    /// Where the key starts (at its opening quote if it is quoted).
    pub key_pos: Pos,
    /// The value.
    pub value: Node,
}

impl Node {
    /// The type's name as rulebook authors know it, for messages like "expected a table, found
    /// an array".
    pub fn type_name(&self) -> &'static str {
        match self.value {
            Value::Table(_) => "table",
            Value::Array(_) => "array",
            Value::String(_) => "string",
            Value::Integer(_) => "integer",
            Value::Float(_) => "float",
            Value::Bool(_) => "boolean",
            Value::Date(_) => "date",
            Value::Null => "null",
        }
    }

    /// The value under `key` if this node is a table that has it.
    ///
    /// A linear search: tables in rulebooks and records are small, and keeping entries in a
    /// `Vec` preserves source order without a second index.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Table(entries) => entries.iter().find(|e| e.key == key).map(|e| &e.value),
            _ => None,
        }
    }
}

/// Bytes per block of the precomputed character counts: a position query counts at most this
/// many bytes, whatever the length of the line.
const BLOCK: usize = 256;

/// Converts byte offsets into [`Pos`] for one text.
///
/// Line starts are found once, so a lookup is a binary search; columns are counted from
/// precomputed per-block character totals, so a query costs at most one block of bytes even on
/// a single 10 MB line (a minified document).
#[derive(Clone, Debug)]
pub struct LineIndex<'a> {
    text: &'a str,
    /// Byte offset of the first character of each line (line 1 starts after a BOM, if any).
    line_starts: Vec<usize>,
    /// `block_chars[k]` = number of characters starting in `text[..k * BLOCK]`; empty when the
    /// text is ASCII, where a column is just a byte difference.
    block_chars: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    /// Indexes `text` in one pass.
    pub fn new(text: &'a str) -> LineIndex<'a> {
        let bytes = text.as_bytes();
        let first = if bytes.starts_with(BOM) { BOM.len() } else { 0 };
        let mut line_starts = vec![first];
        line_starts.extend(bytes.iter().enumerate().filter(|&(_, &b)| b == b'\n').map(|(i, _)| i + 1));
        let block_chars = if text.is_ascii() {
            Vec::new()
        } else {
            let mut total = 0;
            let mut counts = Vec::with_capacity(bytes.len() / BLOCK + 1);
            counts.push(0);
            for chunk in bytes.chunks(BLOCK) {
                total += count_chars(chunk);
                counts.push(total);
            }
            counts
        };
        LineIndex { text, line_starts, block_chars }
    }

    /// The position of the character at `offset` (clamped to the text's length; an offset at
    /// the end gives the position just after the last character, which is where "unexpected
    /// end of input" is reported).
    pub fn pos(&self, offset: usize) -> Pos {
        let offset = offset.min(self.text.len());
        // Index of the last line start <= offset; line_starts[0] <= 3 so a BOM offset maps to
        // line 1 column 1.
        let line = self.line_starts.partition_point(|&s| s <= offset).saturating_sub(1);
        let start = self.line_starts[line];
        let chars = if offset <= start {
            0
        } else if self.block_chars.is_empty() {
            offset - start
        } else {
            self.chars_before(offset) - self.chars_before(start)
        };
        Pos { line: saturate(line + 1), column: saturate(chars + 1) }
    }

    /// Number of characters starting in `text[..offset]`.
    fn chars_before(&self, offset: usize) -> usize {
        let block = offset / BLOCK;
        self.block_chars[block] + count_chars(&self.text.as_bytes()[block * BLOCK..offset])
    }
}

pub(crate) const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Characters starting in `bytes`: every byte that is not a UTF-8 continuation byte. Valid on
/// any slice of valid UTF-8, even one cut inside a character, which the block table relies on.
pub(crate) fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count()
}

/// Line and column numbers beyond `u32` (a 4 GiB line) are clamped rather than wrapped: a
/// wrong but large number is better than a small misleading one.
pub(crate) fn saturate(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slow_pos(text: &str, offset: usize) -> Pos {
        let before = &text[..offset];
        let before = before.strip_prefix('\u{feff}').unwrap_or(before);
        let line = before.matches('\n').count() + 1;
        let last = before.rfind('\n').map(|i| &before[i + 1..]).unwrap_or(before);
        Pos { line: line as u32, column: last.chars().count() as u32 + 1 }
    }

    #[test]
    fn ascii_and_chinese_columns() {
        let text = "a = 1\n标题 = \"县级\" # x\n\n  b = 2";
        let idx = LineIndex::new(text);
        assert_eq!(idx.pos(0), Pos { line: 1, column: 1 });
        assert_eq!(idx.pos(4), Pos { line: 1, column: 5 });
        let eq = text.find('=').unwrap();
        assert_eq!(idx.pos(eq), Pos { line: 1, column: 3 });
        let second_eq = text[6..].find('=').unwrap() + 6;
        // "标题 " is three characters but seven bytes.
        assert_eq!(idx.pos(second_eq), Pos { line: 2, column: 4 });
        let b = text.find('b').unwrap();
        assert_eq!(idx.pos(b), Pos { line: 4, column: 3 });
        assert_eq!(idx.pos(text.len()), Pos { line: 4, column: 8 });
        assert_eq!(idx.pos(text.len() + 100), Pos { line: 4, column: 8 });
        assert_eq!(Pos { line: 12, column: 5 }.to_string(), "12:5");
    }

    #[test]
    fn long_lines_match_slow_count() {
        let mut text = String::from("\u{feff}");
        for i in 0..2000 {
            text.push_str(if i % 3 == 0 { "高原藏区" } else { "ab" });
            if i % 500 == 499 {
                text.push('\n');
            }
        }
        let idx = LineIndex::new(&text);
        for (offset, _) in text.char_indices().step_by(7) {
            assert_eq!(idx.pos(offset), slow_pos(&text, offset), "offset {offset}");
        }
        assert_eq!(idx.pos(text.len()), slow_pos(&text, text.len()));
        assert_eq!(idx.pos(0), Pos { line: 1, column: 1 });
    }

    #[test]
    fn node_helpers() {
        let p = Pos { line: 1, column: 1 };
        let leaf = |v| Node { pos: p, value: v };
        let t =
            leaf(Value::Table(vec![Entry { key: "a".into(), key_pos: p, value: leaf(Value::Bool(true)) }]));
        assert_eq!(t.type_name(), "table");
        assert_eq!(t.get("a").unwrap().type_name(), "boolean");
        assert!(t.get("b").is_none());
        assert!(leaf(Value::Array(vec![])).get("a").is_none());
        let names: Vec<_> = [
            Value::Array(vec![]),
            Value::String(String::new()),
            Value::Integer("1".into()),
            Value::Float("1.5".into()),
            Value::Date(Date::new(2019, 1, 1).unwrap()),
        ]
        .into_iter()
        .map(|v| leaf(v).type_name())
        .collect();
        assert_eq!(names, ["array", "string", "integer", "float", "date"]);
    }
}
