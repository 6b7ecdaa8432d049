//! Reading the document tree: typed access to table keys that records every schema problem
//! (wrong type, missing key, unknown key) with its position, instead of stopping at the first.

use crate::date::Date;
use crate::error::{ErrorKind, Location, Problem};
use crate::num::Num;
use crate::syntax::{Entry, Node, Pos, Value};

/// A string from the document, with where it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Text {
    /// The string.
    pub value: String,
    /// Where it starts.
    pub pos: Pos,
}

/// A number from the document (a TOML/JSON number, or a string holding one).
#[derive(Clone, Debug, PartialEq)]
pub struct NumLit {
    /// The exact value.
    pub value: Num,
    /// Where it was written.
    pub pos: Pos,
}

/// A threshold, target or points value: a number, or the name of a parameter.
#[derive(Clone, Debug, PartialEq)]
pub enum OperandDoc {
    /// A literal number.
    Num(NumLit),
    /// A parameter name.
    Param(Text),
}

impl OperandDoc {
    /// Where it was written.
    pub fn pos(&self) -> Pos {
        match self {
            OperandDoc::Num(n) => n.pos,
            OperandDoc::Param(t) => t.pos,
        }
    }
}

/// Collects problems while a rulebook is read and compiled.
#[derive(Debug, Default)]
pub struct Reader {
    /// The file name for locations, if the rulebook came from a file.
    pub file: Option<String>,
    /// Problems so far.
    pub problems: Vec<Problem>,
}

impl Reader {
    /// A reader for a rulebook from `file` (if any).
    pub fn new(file: Option<String>) -> Reader {
        Reader { file, problems: Vec::new() }
    }

    /// Record a problem at `pos` (if known) and `path`.
    pub fn problem(&mut self, kind: ErrorKind, pos: Option<Pos>, path: &str, message: impl Into<String>) {
        self.problems.push(Problem {
            kind,
            location: Location {
                file: self.file.clone(),
                line: pos.map(|p| p.line),
                column: pos.map(|p| p.column),
                path: (!path.is_empty()).then(|| path.to_owned()),
            },
            message: message.into(),
        });
    }

    /// A schema problem (unknown key, wrong type of value, missing key).
    pub fn schema(&mut self, pos: Option<Pos>, path: &str, message: impl Into<String>) {
        self.problem(ErrorKind::Schema, pos, path, message);
    }
}

/// The name of a value's type in messages.
fn type_of(node: &Node) -> &'static str {
    node.type_name()
}

/// A table being read: remembers which keys were taken so that the rest can be reported as unknown.
pub struct Table<'n> {
    /// Where the table starts.
    pub pos: Pos,
    /// The path used in problem locations.
    pub path: String,
    entries: &'n [Entry],
    used: Vec<bool>,
}

impl<'n> Table<'n> {
    /// Read `node` as a table; a problem if it is something else.
    pub fn of(node: &'n Node, path: impl Into<String>, r: &mut Reader) -> Option<Table<'n>> {
        let path = path.into();
        match &node.value {
            Value::Table(entries) => {
                Some(Table { pos: node.pos, path, used: vec![false; entries.len()], entries })
            }
            _ => {
                r.schema(Some(node.pos), &path, format!("expected a table, found {}", type_of(node)));
                None
            }
        }
    }

    /// Whether the table has `key` (without taking it).
    pub fn has(&self, key: &str) -> bool {
        self.entries.iter().any(|e| e.key == key)
    }

    /// Take the value of `key`, if present.
    pub fn take(&mut self, key: &str) -> Option<&'n Node> {
        let i = self.entries.iter().position(|e| e.key == key)?;
        self.used[i] = true;
        Some(&self.entries[i].value)
    }

    /// Take every entry not yet taken, in order (for tables whose keys are names).
    pub fn rest(&mut self) -> Vec<&'n Entry> {
        let mut out = Vec::new();
        for (i, e) in self.entries.iter().enumerate() {
            if !self.used[i] {
                self.used[i] = true;
                out.push(e);
            }
        }
        out
    }

    fn key_path(&self, key: &str) -> String {
        if self.path.is_empty() { key.to_owned() } else { format!("{} {key}", self.path) }
    }

    fn missing(&self, r: &mut Reader, key: &str, what: &str) {
        r.schema(Some(self.pos), &self.path, format!("missing key `{key}` ({what})"));
    }

    /// A string value.
    pub fn string(&mut self, r: &mut Reader, key: &str) -> Option<Text> {
        let node = self.take(key)?;
        match &node.value {
            Value::String(s) => Some(Text { value: s.clone(), pos: node.pos }),
            _ => {
                r.schema(
                    Some(node.pos),
                    &self.key_path(key),
                    format!("`{key}` must be a string, found {}", type_of(node)),
                );
                None
            }
        }
    }

    /// A required string value.
    pub fn req_string(&mut self, r: &mut Reader, key: &str, what: &str) -> Option<Text> {
        if !self.has(key) {
            self.missing(r, key, what);
            return None;
        }
        self.string(r, key)
    }

    /// A number (TOML/JSON number, or a string holding a decimal).
    pub fn number(&mut self, r: &mut Reader, key: &str) -> Option<NumLit> {
        let node = self.take(key)?;
        let path = self.key_path(key);
        number_of(node, &path, r)
    }

    /// A required number.
    pub fn req_number(&mut self, r: &mut Reader, key: &str, what: &str) -> Option<NumLit> {
        if !self.has(key) {
            self.missing(r, key, what);
            return None;
        }
        self.number(r, key)
    }

    /// A number or a parameter name.
    pub fn operand(&mut self, r: &mut Reader, key: &str) -> Option<OperandDoc> {
        let node = self.take(key)?;
        let path = self.key_path(key);
        operand_of(node, &path, r)
    }

    /// A boolean.
    pub fn boolean(&mut self, r: &mut Reader, key: &str) -> Option<bool> {
        let node = self.take(key)?;
        match node.value {
            Value::Bool(b) => Some(b),
            _ => {
                r.schema(
                    Some(node.pos),
                    &self.key_path(key),
                    format!("`{key}` must be true or false, found {}", type_of(node)),
                );
                None
            }
        }
    }

    /// A non-negative whole number.
    pub fn count(&mut self, r: &mut Reader, key: &str, max: u32) -> Option<u32> {
        let lit = self.number(r, key)?;
        match lit.value.to_i64() {
            Some(v) if (0..=max as i64).contains(&v) => Some(v as u32),
            _ => {
                r.schema(
                    Some(lit.pos),
                    &self.key_path(key),
                    format!("`{key}` must be a whole number from 0 to {max}"),
                );
                None
            }
        }
    }

    /// A date (TOML date, or a "YYYY-MM-DD" string).
    pub fn date(&mut self, r: &mut Reader, key: &str) -> Option<(Date, Pos)> {
        let node = self.take(key)?;
        let path = self.key_path(key);
        date_of(node, &path, r).map(|d| (d, node.pos))
    }

    /// A sub-table.
    pub fn table(&mut self, r: &mut Reader, key: &str) -> Option<Table<'n>> {
        let node = self.take(key)?;
        let path = self.key_path(key);
        Table::of(node, path, r)
    }

    /// An array.
    pub fn array(&mut self, r: &mut Reader, key: &str) -> Option<(&'n [Node], Pos)> {
        let node = self.take(key)?;
        match &node.value {
            Value::Array(items) => Some((items, node.pos)),
            _ => {
                r.schema(
                    Some(node.pos),
                    &self.key_path(key),
                    format!("`{key}` must be an array, found {}", type_of(node)),
                );
                None
            }
        }
    }

    /// The raw node of `key`, required.
    pub fn req_node(&mut self, r: &mut Reader, key: &str, what: &str) -> Option<&'n Node> {
        if !self.has(key) {
            self.missing(r, key, what);
            return None;
        }
        self.take(key)
    }

    /// Report every key that was not taken as unknown; `known` lists the keys this table accepts.
    pub fn finish(self, r: &mut Reader, known: &[&str]) {
        for (i, e) in self.entries.iter().enumerate() {
            if self.used[i] {
                continue;
            }
            let hint = suggest(&e.key, known).map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default();
            let list = if known.is_empty() {
                String::new()
            } else {
                format!("; expected one of: {}", known.join(", "))
            };
            r.schema(Some(e.key_pos), &self.path, format!("unknown key `{}`{hint}{list}", e.key));
        }
    }
}

/// A number from a node.
pub fn number_of(node: &Node, path: &str, r: &mut Reader) -> Option<NumLit> {
    let text = match &node.value {
        Value::Integer(t) | Value::Float(t) => t.as_str(),
        Value::String(s) => s.trim(),
        _ => {
            r.schema(Some(node.pos), path, format!("expected a number, found {}", type_of(node)));
            return None;
        }
    };
    match Num::parse_literal(text) {
        Ok(value) => Some(NumLit { value, pos: node.pos }),
        Err(e) => {
            r.schema(Some(node.pos), path, format!("`{text}` is not a number: {e}"));
            None
        }
    }
}

/// A number or parameter name from a node.
pub fn operand_of(node: &Node, path: &str, r: &mut Reader) -> Option<OperandDoc> {
    if let Value::String(s) = &node.value
        && Num::parse_literal(s.trim()).is_err()
    {
        if is_name(s) {
            return Some(OperandDoc::Param(Text { value: s.clone(), pos: node.pos }));
        }
        r.schema(Some(node.pos), path, format!("`{s}` is neither a number nor a parameter name"));
        return None;
    }
    number_of(node, path, r).map(OperandDoc::Num)
}

/// A date from a node (TOML date or "YYYY-MM-DD").
pub fn date_of(node: &Node, path: &str, r: &mut Reader) -> Option<Date> {
    match &node.value {
        Value::Date(d) => Some(*d),
        Value::String(s) => match s.parse::<Date>() {
            Ok(d) => Some(d),
            Err(_) => {
                r.schema(Some(node.pos), path, format!("`{s}` is not a date (YYYY-MM-DD)"));
                None
            }
        },
        _ => {
            r.schema(Some(node.pos), path, format!("expected a date (YYYY-MM-DD), found {}", type_of(node)));
            None
        }
    }
}

/// A string from a node.
pub fn string_of(node: &Node, path: &str, r: &mut Reader) -> Option<Text> {
    match &node.value {
        Value::String(s) => Some(Text { value: s.clone(), pos: node.pos }),
        _ => {
            r.schema(Some(node.pos), path, format!("expected a string, found {}", type_of(node)));
            None
        }
    }
}

/// Whether `s` can be a name in expressions (input, parameter, derived value).
pub fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_')
}

/// Whether `s` is a rulebook id: a name, never a path. Letters (any script) and digits, with `.`,
/// `_` and `-` between them; it starts with a letter or digit, has no `..`, and at most 128
/// characters. Components and items rulebooks are looked for as `<id>.toml` inside the folders a
/// caller names, so an id must not be able to say "another folder".
pub fn is_rulebook_id(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_alphanumeric())
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-'))
        && !s.contains("..")
        && s.chars().count() <= 128
}

/// The message for an id that [`is_rulebook_id`] refuses.
pub fn not_a_rulebook_id(s: &str) -> String {
    format!(
        "`{s}` is not a rulebook id: an id is a name (letters and digits, with `.`, `_` or `-` between \
         them, starting with a letter or digit, no `..`, at most 128 characters), never a path"
    )
}

/// ` (did you mean `x`?)` for the candidate closest to a misspelt `name` (ties go to the first in
/// sorted order, so the hint does not depend on a hash map's order), or nothing.
pub fn did_you_mean<'k>(name: &str, candidates: impl IntoIterator<Item = &'k str>) -> String {
    let mut sorted: Vec<&str> = candidates.into_iter().collect();
    sorted.sort_unstable();
    sorted.dedup();
    closest(name, sorted).map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default()
}

/// The known key closest to `key`, for "did you mean" hints.
fn suggest<'k>(key: &str, known: &[&'k str]) -> Option<&'k str> {
    known
        .iter()
        .map(|k| (edit_distance(key, k), *k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 4) && *d > 0)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// The candidate a misspelt or decorated name most likely meant: the nearest by edit distance
/// (within a third of the longer length, at least 1, never every character), or one the name
/// contains or is contained in (a header `是否弄虚作假` for the label `弄虚作假`,
/// `audit_issues_count` for `audit_issues`).
/// Case and surrounding spaces are ignored. `None` when nothing is close.
pub fn closest<'k>(name: &str, candidates: impl IntoIterator<Item = &'k str>) -> Option<&'k str> {
    let name = name.trim().to_lowercase();
    let len = name.chars().count();
    candidates
        .into_iter()
        .filter_map(|c| {
            let lower = c.to_lowercase();
            let clen = lower.chars().count();
            if lower == name || clen == 0 {
                return None;
            }
            let d = edit_distance(&name, &lower);
            // Near: a few edits for the length, and never every character replaced (`备注` is
            // not a misspelling of `县名`).
            let near = d <= 1.max(clen.max(len) / 3) && d < clen.min(len);
            let contained = clen >= 2 && len >= 2 && (name.contains(&lower) || lower.contains(&name));
            (near || contained).then_some((d, c))
        })
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb)).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// A string list from a node (e.g. `keys = ["level", "prize"]`).
pub fn string_list(node: &Node, path: &str, r: &mut Reader) -> Option<Vec<Text>> {
    match &node.value {
        Value::Array(items) => Some(items.iter().filter_map(|n| string_of(n, path, r)).collect()),
        _ => {
            r.schema(
                Some(node.pos),
                path,
                format!("expected an array of strings, found {}", node.type_name()),
            );
            None
        }
    }
}

/// A pair `[a, b]` of operands (e.g. `from = [80, 0]`).
pub fn operand_pair(node: &Node, path: &str, r: &mut Reader) -> Option<(OperandDoc, OperandDoc)> {
    match &node.value {
        Value::Array(items) if items.len() == 2 => {
            let a = operand_of(&items[0], path, r);
            let b = operand_of(&items[1], path, r);
            Some((a?, b?))
        }
        _ => {
            r.schema(Some(node.pos), path, "expected a pair [x, points]");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_names_and_labels() {
        let known = ["falsified", "弄虚作假", "audit_issues", "审计发现问题数"];
        assert_eq!(closest("是否弄虚作假", known), Some("弄虚作假"));
        assert_eq!(closest("audit_isues", known), Some("audit_issues"));
        assert_eq!(closest("Audit_Issues ", known), None, "the same name is no suggestion");
        assert_eq!(closest("审计问题数", known), Some("审计发现问题数"));
        assert_eq!(closest("备注", known), None);
        assert_eq!(closest("备注", ["县名"]), None, "two characters replaced of two is no misspelling");
        assert_eq!(closest("x", known), None);
    }

    #[test]
    fn suggests_near_keys() {
        assert_eq!(suggest("band", &["bands", "linear"]), Some("bands"));
        assert_eq!(suggest("zzzzzz", &["bands", "linear"]), None);
    }

    #[test]
    fn names() {
        assert!(is_name("poor_population"));
        assert!(is_name("收入"));
        assert!(!is_name("1x"));
        assert!(!is_name("a-b"));
        assert!(!is_name(""));
    }
}
