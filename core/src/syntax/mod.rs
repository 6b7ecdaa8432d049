//! The document layer: TOML and JSON text → one spanned [`Node`] tree, plus a canonical form and
//! fingerprint of that tree.
//!
//! Everything above this layer (rulebook schema, expressions, records) works on [`Node`] and never
//! sees the source format, so a rulebook behaves the same whether written in TOML or JSON and
//! every later error can still name `line:column`.
//!
//! Guarantees:
//! - **Every** problem is reported (as far as the format allows recovery), each with a position;
//!   a document with any problem is an `Err`, never a partial tree.
//! - No input makes the readers panic or overflow the stack: nesting is bounded
//!   ([`MAX_DEPTH`]) and checked without recursion before anything deep is built.

mod canon;
mod json;
mod toml;
mod tree;
mod write;

use std::fmt;
use std::path::Path;
use std::str::FromStr;

pub use canon::{canonical, fingerprint};
#[cfg(test)]
use tree::LineIndex;
pub use tree::{Entry, Node, Pos, Value};
pub use write::{to_json, write, written_reads_back};

/// Deepest allowed nesting of tables and arrays (the document's top-level table or array is
/// depth 1).
///
/// Real rulebooks need fewer than 10 levels; the limit exists so that hostile input is refused
/// with [`SyntaxProblemKind::TooDeep`] instead of exhausting the stack in code that walks the
/// tree recursively (derived `Drop`, `Clone`, `PartialEq`, the loader's own passes).
/// TOML inline arrays/tables are further limited to 80 levels by the toml crate.
pub const MAX_DEPTH: usize = 128;

/// The source format of a document.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
#[non_exhaustive]
pub enum Format {
    /// TOML 1.1 (the toml crate's dialect; TOML 1.0 documents are accepted unchanged).
    Toml,
    /// Strict JSON (RFC 8259), no comments or trailing commas.
    Json,
}

impl Format {
    /// The format implied by a file name's extension (`.toml`, `.json`, any letter case), or
    /// `None` so the caller can ask for an explicit format instead of guessing.
    pub fn from_path_extension(path: &Path) -> Option<Format> {
        path.extension()?.to_str()?.parse().ok()
    }
}

/// The error of `Format::from_str`: the text names no supported format.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownFormat(pub String);

impl fmt::Display for UnknownFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown document format {:?} (expected \"toml\" or \"json\")", self.0)
    }
}

impl std::error::Error for UnknownFormat {}

impl FromStr for Format {
    type Err = UnknownFormat;

    /// `"toml"` or `"json"`, ASCII case-insensitive (command-line flags, file extensions).
    fn from_str(s: &str) -> Result<Format, UnknownFormat> {
        if s.eq_ignore_ascii_case("toml") {
            Ok(Format::Toml)
        } else if s.eq_ignore_ascii_case("json") {
            Ok(Format::Json)
        } else {
            Err(UnknownFormat(s.to_owned()))
        }
    }
}

impl fmt::Display for Format {
    /// Lower case, the same spelling `from_str` accepts.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Toml => "toml",
            Format::Json => "json",
        })
    }
}

/// One thing wrong with a document's text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxProblem {
    /// Where it is. Always set by the readers in this module; optional so that callers can
    /// reuse the type for problems without a place.
    pub pos: Option<Pos>,
    /// What class of problem, for callers that react differently (e.g. tests, exit codes).
    pub kind: SyntaxProblemKind,
    /// A sentence for a person, without the position.
    pub message: String,
}

/// Classes of [`SyntaxProblem`].
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum SyntaxProblemKind {
    /// The text is not valid TOML / JSON (including duplicate keys and truncation).
    Syntax,
    /// Nesting deeper than the readers accept; refused before it can exhaust the stack.
    TooDeep,
    /// Valid in the format but outside what rulebooks allow: TOML times and datetimes, NaN and
    /// infinity, TOML floats with more than 15 significant digits, JSON `null`.
    Schema,
}

impl SyntaxProblem {
    pub(crate) fn new(pos: Pos, kind: SyntaxProblemKind, message: impl Into<String>) -> Self {
        SyntaxProblem { pos: Some(pos), kind, message: message.into() }
    }
}

impl fmt::Display for SyntaxProblem {
    /// `line:column: message`, or just the message without a position.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.pos {
            Some(pos) => write!(f, "{pos}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for SyntaxProblem {}

/// Parses `text` as `format` into a spanned tree.
///
/// On failure returns every problem found, sorted by position. The top level may be any value
/// for JSON (record batches are arrays); for TOML it is always a table. The text is already
/// UTF-8 (the caller decoded the file); a leading BOM is ignored.
pub fn parse(text: &str, format: Format) -> Result<Node, Vec<SyntaxProblem>> {
    let result = match format {
        Format::Toml => toml::parse_toml(text),
        Format::Json => json::parse_json(text),
    };
    result.map_err(|mut problems| {
        // Stable: problems at the same place keep the order the reader found them in; problems
        // without a place go last.
        problems.sort_by_key(|p| (p.pos.is_none(), p.pos));
        problems
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_names() {
        assert_eq!("toml".parse::<Format>().unwrap(), Format::Toml);
        assert_eq!("JSON".parse::<Format>().unwrap(), Format::Json);
        assert!("yaml".parse::<Format>().is_err());
        assert_eq!(Format::Toml.to_string(), "toml");
        assert_eq!(Format::Json.to_string(), "json");
        assert_eq!(Format::from_path_extension(Path::new("rules/cab.TOML")), Some(Format::Toml));
        assert_eq!(Format::from_path_extension(Path::new("a.json")), Some(Format::Json));
        assert_eq!(Format::from_path_extension(Path::new("a.yaml")), None);
        assert_eq!(Format::from_path_extension(Path::new("toml")), None);
    }

    #[test]
    fn problems_are_sorted_and_displayed() {
        let problems = parse("b = 1\nb = 2\na = 1\na = 2\n", Format::Toml).unwrap_err();
        let shown: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(shown.len(), 2, "{shown:?}");
        assert!(shown[0].starts_with("2:1: duplicate key"), "{shown:?}");
        assert!(shown[1].starts_with("4:1: duplicate key"), "{shown:?}");
    }

    /// A test-only JSON writer: keys in source order, two-space indentation, numbers as
    /// written, dates as strings. Recursive, fine for test documents.
    fn to_json(node: &Node, indent: usize, out: &mut String) {
        let pad = "  ".repeat(indent + 1);
        match &node.value {
            Value::Table(entries) => {
                out.push('{');
                for (k, e) in entries.iter().enumerate() {
                    out.push_str(if k == 0 { "\n" } else { ",\n" });
                    out.push_str(&pad);
                    out.push_str(&serde_json::to_string(&e.key).unwrap());
                    out.push_str(": ");
                    to_json(&e.value, indent + 1, out);
                }
                out.push_str(&format!("\n{}}}", "  ".repeat(indent)));
            }
            Value::Array(items) => {
                out.push('[');
                for (k, item) in items.iter().enumerate() {
                    out.push_str(if k == 0 { "" } else { ", " });
                    to_json(item, indent + 1, out);
                }
                out.push(']');
            }
            Value::String(s) => out.push_str(&serde_json::to_string(s).unwrap()),
            Value::Integer(n) | Value::Float(n) => out.push_str(n),
            Value::Bool(b) => out.push_str(&b.to_string()),
            Value::Date(d) => out.push_str(&format!("\"{d}\"")),
            Value::Null => out.push_str("null"),
        }
    }

    /// The tree with every position set to 0:0, to compare values only.
    fn without_positions(node: &Node) -> Node {
        let zero = Pos { line: 0, column: 0 };
        let value = match &node.value {
            Value::Table(entries) => Value::Table(
                entries
                    .iter()
                    .map(|e| Entry { key: e.key.clone(), key_pos: zero, value: without_positions(&e.value) })
                    .collect(),
            ),
            Value::Array(items) => Value::Array(items.iter().map(without_positions).collect()),
            other => other.clone(),
        };
        Node { pos: zero, value }
    }

    const CAB: &str = include_str!("testdata/cab.toml");

    #[test]
    fn cab_in_toml_and_json_is_the_same_rulebook() {
        let from_toml = parse(CAB, Format::Toml).unwrap();
        let mut json = String::new();
        to_json(&from_toml, 0, &mut json);
        // Independent check of the JSON text: the toml crate's own reading of the file and
        // serde_json's reading of the JSON agree.
        let crate_view: serde_json::Value = ::toml::from_str(CAB).unwrap();
        let serde_view: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(crate_view, serde_view);

        let from_json = parse(&json, Format::Json).unwrap();
        assert_ne!(from_toml, from_json, "positions differ");
        assert_eq!(without_positions(&from_toml), without_positions(&from_json));
        assert_eq!(fingerprint(&from_toml), fingerprint(&from_json));
        assert_eq!(canonical(&from_toml), canonical(&from_json));
        // Spot checks on the tree itself.
        let indicators = match &from_toml.get("indicator").unwrap().value {
            Value::Array(items) => items,
            _ => panic!("indicator is not an array"),
        };
        assert_eq!(indicators.len(), 17);
        assert_eq!(indicators[16].get("id").unwrap().value, Value::String("guarantees.broadcast".into()));
        assert_eq!(indicators[14].get("points").unwrap().value, Value::Float("1.5".into()));
        let plateau = from_toml.get("profiles").unwrap().get("高原藏区").unwrap();
        assert_eq!(plateau.pos, Pos { line: 14, column: 1 });
        let income = from_toml.get("params").unwrap().get("income_target").unwrap();
        let Value::Table(e) = &income.get("profiles").unwrap().value else { panic!() };
        // `income_target = { value = 10, profiles = { "高原藏区" = 8, "凉山彝区" = 8 } }`
        assert_eq!(e[1].key, "凉山彝区");
        assert_eq!(e[1].key_pos, Pos { line: 43, column: 56 });
        assert_eq!(e[1].value.pos, Pos { line: 43, column: 65 });
        // The JSON text positions point at the same keys.
        let json_index = LineIndex::new(&json);
        let json_plateau = from_json.get("profiles").unwrap().get("高原藏区").unwrap();
        let offset = json.find("\"高原藏区\": {").unwrap() + "\"高原藏区\": ".len();
        assert_eq!(json_plateau.pos, json_index.pos(offset));
    }

    #[test]
    fn fingerprint_ignores_form_but_not_content() {
        let base = "\
[rulebook]
id = \"x\"
as_of = 2019-12-31
scale = 2
[params]
a = { value = 2, profiles = { \"高原\" = 3.50 } }
[[indicator]]
id = \"i1\"
points = 10
[[indicator]]
id = \"i2\"
points = 1e1
";
        let fp = |text: &str, format: Format| fingerprint(&parse(text, format).unwrap());
        let reference = fp(base, Format::Toml);
        let same = [
            (
                "# comment\n[rulebook]\nscale = 2.0   # two\nas_of = 2019-12-31\nid = 'x'\n\n\
                 [[indicator]]\npoints = 10\nid = \"i1\"\n[[indicator]]\nid = \"i2\"\npoints = 10.000\n\
                 [params.a]\nprofiles.\"高原\" = 3.5\nvalue = 2\n",
                Format::Toml,
            ),
            (
                "{\"rulebook\": {\"scale\": 2, \"id\": \"x\", \"as_of\": \"2019-12-31\"},\n\
                 \"indicator\": [{\"id\": \"i1\", \"points\": 1E+1}, {\"points\": 100e-1, \"id\": \"i2\"}],\n\
                 \"params\": {\"a\": {\"profiles\": {\"\\u9ad8\\u539f\": 35e-1}, \"value\": 2}}}",
                Format::Json,
            ),
        ];
        for (text, format) in same {
            assert_eq!(fp(text, format), reference, "{text}");
        }
        let changed = [
            base.replace("id = \"x\"", "id = \"y\""),
            base.replace("2019-12-31", "2019-12-30"),
            base.replace("3.50", "3.51"),
            base.replace("points = 1e1", "points = 1e2"),
            base.replace("scale = 2", "scale = \"2\""),
            base.replace("id = \"i1\"", "id = \"i1 \""),
            base.replace("[[indicator]]\nid = \"i2\"", "[[indicator]]\nid = \"i0\""),
            base.replace("\"高原\"", "\"高 原\""),
        ];
        for text in &changed {
            assert_ne!(fp(text, Format::Toml), reference, "{text}");
        }
        // Array order is content.
        let swapped = base.replace("i1", "tmp").replace("i2", "i1").replace("tmp", "i2");
        assert_ne!(fp(&swapped, Format::Toml), reference);
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400)) {
            let text = String::from_utf8_lossy(&bytes);
            for format in [Format::Toml, Format::Json] {
                if let Ok(node) = parse(&text, format) {
                    let _ = fingerprint(&node);
                }
            }
        }

        #[test]
        fn toml_like_garbage_never_panics(text in "[\\[\\]{}\"'=,.#0-9a-z_+\\- :\n\t\\\\高\u{feff}]{0,300}") {
            for format in [Format::Toml, Format::Json] {
                match parse(&text, format) {
                    Ok(node) => {
                        let _ = fingerprint(&node);
                    }
                    Err(problems) => {
                        proptest::prop_assert!(!problems.is_empty());
                        proptest::prop_assert!(problems.iter().all(|p| p.pos.is_some()));
                    }
                }
            }
        }

        #[test]
        fn mutated_cab_never_panics(cut in 0usize..4000, insert in "[\\[\\]{}\"'=,.#\n]{0,5}") {
            let mut text = CAB.to_owned();
            let mut at = cut.min(text.len());
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            text.insert_str(at, &insert);
            let _ = parse(&text, Format::Toml);
            let _ = parse(&text[..at], Format::Toml);
        }
    }
}
