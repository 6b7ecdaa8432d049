//! Tree → text: a document tree written back as TOML or JSON that reads back to the same tree
//! (same canonical form, so the same fingerprint).
//!
//! Used for rulebooks that exist only as a tree — a variant of a loaded rulebook (spec §15, and
//! the reform comparisons of issue #23) — so that `kaoping show` can print them and a variant can
//! be saved, reviewed and loaded like any rulebook. Comments and the original layout are not
//! kept: the text is generated, in one fixed style.
//!
//! TOML style: top-level tables as `[section]`s and arrays of tables as `[[section]]`s, everything
//! below them inline (`bands = { input = "x", at_most = [[2, 20]], else = 0 }`), which is how the
//! built-in rulebooks are written. Strings are basic strings with escapes; numbers keep their
//! written text. The writers do not check that the text reads back (a hand-built tree may hold a
//! number that TOML cannot spell): callers that need the guarantee re-read it ([`written_reads_back`]).

use std::fmt::Write as _;

use super::tree::{Node, Value};
use super::{Format, canonical, parse};

/// The document as text in `format`.
pub fn write(node: &Node, format: Format) -> String {
    match format {
        Format::Toml => to_toml(node),
        Format::Json => to_json(node),
    }
}

/// Whether `text` (written from `node`) reads back as a tree with the same canonical form.
pub fn written_reads_back(node: &Node, text: &str, format: Format) -> bool {
    parse(text, format).is_ok_and(|back| canonical(&back) == canonical(node))
}

/// The document as TOML. The top level must be a table (any other node is written as the value
/// of a key `value`, which no rulebook has, so that the output is still TOML).
pub fn to_toml(node: &Node) -> String {
    let Value::Table(entries) = &node.value else {
        let mut out = String::from("value = ");
        inline(&mut out, node);
        out.push('\n');
        return out;
    };
    let mut out = String::new();
    // Plain keys must come before the first header.
    for e in entries.iter().filter(|e| !is_section(&e.value) && !is_table_array(&e.value)) {
        key(&mut out, &e.key);
        out.push_str(" = ");
        inline(&mut out, &e.value);
        out.push('\n');
    }
    for e in entries {
        match &e.value.value {
            Value::Table(fields) if is_section(&e.value) => {
                if !out.is_empty() {
                    out.push('\n');
                }
                out.push('[');
                key(&mut out, &e.key);
                out.push_str("]\n");
                body(&mut out, fields);
            }
            Value::Array(items) if is_table_array(&e.value) => {
                for item in items {
                    if let Value::Table(fields) = &item.value {
                        if !out.is_empty() {
                            out.push('\n');
                        }
                        out.push_str("[[");
                        key(&mut out, &e.key);
                        out.push_str("]]\n");
                        body(&mut out, fields);
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// A top-level table written as a `[section]`.
fn is_section(node: &Node) -> bool {
    matches!(node.value, Value::Table(_))
}

/// A non-empty top-level array whose items are all tables, written as `[[section]]`s.
fn is_table_array(node: &Node) -> bool {
    matches!(&node.value, Value::Array(items)
        if !items.is_empty() && items.iter().all(|i| matches!(i.value, Value::Table(_))))
}

fn body(out: &mut String, fields: &[super::tree::Entry]) {
    for f in fields {
        key(out, &f.key);
        out.push_str(" = ");
        inline(out, &f.value);
        out.push('\n');
    }
}

/// A TOML key: bare when TOML 1.0 allows it (`A-Za-z0-9_-`), else a quoted basic string.
fn key(out: &mut String, k: &str) {
    if !k.is_empty() && k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') {
        out.push_str(k);
    } else {
        basic_string(out, k);
    }
}

/// A value written inline. Recursive: a document tree is at most [`super::MAX_DEPTH`] deep.
fn inline(out: &mut String, node: &Node) {
    match &node.value {
        Value::Table(entries) => {
            if entries.is_empty() {
                out.push_str("{}");
                return;
            }
            out.push_str("{ ");
            for (i, e) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                key(out, &e.key);
                out.push_str(" = ");
                inline(out, &e.value);
            }
            out.push_str(" }");
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                inline(out, item);
            }
            out.push(']');
        }
        Value::String(s) => basic_string(out, s),
        Value::Integer(n) | Value::Float(n) => out.push_str(n),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Date(d) => {
            let _ = write!(out, "{d}");
        }
        // TOML has no null; a rulebook tree never holds one (the JSON reader refuses it there).
        Value::Null => out.push_str("\"\""),
    }
}

/// A TOML basic string (also valid JSON): `"`, `\` and control characters escaped.
fn basic_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// The document as JSON, two-space indented, keys in tree order, numbers as written, dates as
/// `"YYYY-MM-DD"` strings (JSON rulebooks write dates as strings).
pub fn to_json(node: &Node) -> String {
    let mut out = String::new();
    json_value(&mut out, node, 0);
    out.push('\n');
    out
}

fn json_value(out: &mut String, node: &Node, indent: usize) {
    let pad = |out: &mut String, n: usize| out.extend(std::iter::repeat_n(' ', 2 * n));
    match &node.value {
        Value::Table(entries) if entries.is_empty() => out.push_str("{}"),
        Value::Table(entries) => {
            out.push_str("{\n");
            for (i, e) in entries.iter().enumerate() {
                pad(out, indent + 1);
                json_string(out, &e.key);
                out.push_str(": ");
                json_value(out, &e.value, indent + 1);
                out.push_str(if i + 1 < entries.len() { ",\n" } else { "\n" });
            }
            pad(out, indent);
            out.push('}');
        }
        Value::Array(items) if items.is_empty() => out.push_str("[]"),
        Value::Array(items) => {
            // Short arrays of scalars (band pairs, value lists) stay on one line.
            let flat = items.iter().all(|i| !matches!(&i.value, Value::Table(t) if !t.is_empty()))
                && items.len() <= 16;
            if flat {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    json_value(out, item, indent);
                }
                out.push(']');
            } else {
                out.push_str("[\n");
                for (i, item) in items.iter().enumerate() {
                    pad(out, indent + 1);
                    json_value(out, item, indent + 1);
                    out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
                }
                pad(out, indent);
                out.push(']');
            }
        }
        Value::String(s) => json_string(out, s),
        Value::Integer(n) | Value::Float(n) => out.push_str(n),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Date(d) => {
            let _ = write!(out, "\"{d}\"");
        }
        Value::Null => out.push_str("null"),
    }
}

fn json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::fingerprint;

    fn round_trip(text: &str, from: Format) {
        let tree = parse(text, from).unwrap();
        for to in [Format::Toml, Format::Json] {
            let written = write(&tree, to);
            let back = parse(&written, to).unwrap_or_else(|p| panic!("{to}: {p:?}\n{written}"));
            assert_eq!(canonical(&back), canonical(&tree), "{to}:\n{written}");
            assert_eq!(fingerprint(&back), fingerprint(&tree));
            assert!(written_reads_back(&tree, &written, to));
        }
    }

    #[test]
    fn every_builtin_reads_back_from_both_formats() {
        for (_, text) in crate::builtin::BUILTINS {
            let tree = parse(text, Format::Toml).unwrap();
            round_trip(text, Format::Toml);
            round_trip(&to_json(&tree), Format::Json);
        }
        round_trip(include_str!("testdata/cab.toml"), Format::Toml);
    }

    #[test]
    fn awkward_keys_strings_and_values() {
        let text = r#"
top = 1
list = []
[s]
"a.b" = "x\"y\\z\n\t\u0001\u007f高"
"" = 1
"高原藏区" = { points = { "reduction.income" = 20 } }
empty = {}
d = 2019-12-31
f = -0.125
e = 1e3
nested = [[1, "a"], [{ x = true }]]
[[arr]]
k = 1
[[arr]]
"#;
        round_trip(text, Format::Toml);
        let toml = to_toml(&parse(text, Format::Toml).unwrap());
        assert!(toml.starts_with("top = 1\nlist = []\n\n[s]\n"), "{toml}");
        assert!(toml.contains("\"高原藏区\" = { points = { \"reduction.income\" = 20 } }"), "{toml}");
        assert!(toml.contains("[[arr]]\nk = 1\n\n[[arr]]\n"), "{toml}");
    }

    #[test]
    fn a_number_toml_cannot_spell_is_caught_by_the_check() {
        // TOML has no null.
        let json = "{\"a\": null, \"b\": 123456789012345678901234567890}";
        let tree = parse(json, Format::Json).unwrap();
        let toml = to_toml(&tree);
        assert!(!written_reads_back(&tree, &toml, Format::Toml));
        assert!(written_reads_back(&tree, &to_json(&tree), Format::Json));
    }
}
