//! Where a rulebook's values came from: `[rulebook.variant_of]` (a variant made from another
//! rulebook by changes, without a file of its own) and `[[rulebook.provenance]]` (how values
//! written into it were obtained, e.g. weights derived by AHP or the entropy method, spec §15).
//!
//! Both are records for people and for tracing a published score back to its rules: they take
//! no part in scoring, but they are part of the document, so they are in the fingerprint.
//!
//! ```toml
//! [rulebook.variant_of]
//! id = "sc.poverty.village-exit"
//! version = "2019.1"
//! fingerprint = "3f2a…"              # the base rulebook's, 64 hex digits
//! changes = ["exit_limit=2.5"]
//!
//! [[rulebook.provenance]]
//! method = "ahp"                     # how the values were obtained
//! node = "reduction"                 # whose children received them (absent: the top level)
//! written_as = "points"              # or "weights"
//! date = 2026-12-01
//! input_fingerprint = "…"            # SHA-256 of the pairwise matrix or the cohort
//! settings = { weighting = "eigenvector", ri_table = "saaty", cr = "0.0158" }
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::read::{Reader, Table, date_of, string_of};
use crate::syntax::{Node, Value};

/// The rulebook a variant was made from, and the changes that made it (`[rulebook.variant_of]`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VariantOf {
    /// The base rulebook's id.
    pub id: String,
    /// The base rulebook's version.
    pub version: String,
    /// The base rulebook's fingerprint (SHA-256 of its canonical form).
    pub fingerprint: String,
    /// The changes, in the order applied, each in its text form (`exit_limit=2.5`,
    /// `inc_good@高原藏区=3`, `points.reduction.income=25`).
    pub changes: Vec<String>,
}

/// How values written into a rulebook were obtained (`[[rulebook.provenance]]`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// The method: `ahp`, `entropy`, `cv` (coefficient of variation), or any name a person gives.
    pub method: String,
    /// The indicator whose children received the values; `None` for the top level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node: Option<String>,
    /// `points` or `weights`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub written_as: Option<String>,
    /// When the values were derived.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<Date>,
    /// SHA-256 of what they were derived from (the pairwise matrix, the cohort).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_fingerprint: Option<String>,
    /// The method's settings and figures as text (`ri_table = "saaty"`, `cr = "0.0158"`…).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub settings: BTreeMap<String, String>,
}

fn is_fingerprint(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Read `variant_of` from the `[rulebook]` table, if present.
pub fn read_variant_of(meta: &mut Table<'_>, r: &mut Reader) -> Option<VariantOf> {
    let mut t = meta.table(r, "variant_of")?;
    t.path = "[rulebook] variant_of".into();
    let id = t.req_string(r, "id", "the base rulebook's id");
    let version = t.req_string(r, "version", "the base rulebook's version");
    let fingerprint = t.req_string(r, "fingerprint", "the base rulebook's fingerprint");
    if let Some(f) = &fingerprint
        && !is_fingerprint(&f.value)
    {
        r.schema(Some(f.pos), &t.path, "`fingerprint` is a SHA-256: 64 lowercase hex digits");
    }
    let mut changes = Vec::new();
    if let Some((items, _)) = t.array(r, "changes") {
        for n in items {
            let Some(text) = string_of(n, "[rulebook] variant_of changes", r) else { continue };
            match text.value.parse::<super::change::Change>() {
                Ok(c) => changes.push(c.to_string()),
                Err(e) => r.schema(Some(text.pos), "[rulebook] variant_of changes", e.to_string()),
            }
        }
    } else if !t.has("changes") {
        r.schema(Some(t.pos), &t.path, "missing key `changes` (the changes that made the variant)");
    }
    t.finish(r, &["id", "version", "fingerprint", "changes"]);
    Some(VariantOf { id: id?.value, version: version?.value, fingerprint: fingerprint?.value, changes })
}

/// Read `provenance` (an array of tables) from the `[rulebook]` table.
pub fn read_provenance(meta: &mut Table<'_>, r: &mut Reader) -> Vec<Provenance> {
    let Some((items, _)) = meta.array(r, "provenance") else { return Vec::new() };
    let mut out = Vec::new();
    for (i, node) in items.iter().enumerate() {
        let Some(mut t) = Table::of(node, format!("[rulebook] provenance #{}", i + 1), r) else { continue };
        let method = t.req_string(r, "method", "how the values were obtained, e.g. \"ahp\"");
        if let Some(m) = &method
            && m.value.trim().is_empty()
        {
            r.schema(Some(m.pos), &t.path, "`method` must not be empty");
        }
        let node_id = t.string(r, "node").map(|s| s.value);
        let written_as = t.string(r, "written_as");
        if let Some(w) = &written_as
            && !matches!(w.value.as_str(), "points" | "weights")
        {
            r.schema(
                Some(w.pos),
                &t.path,
                format!("`written_as` is \"points\" or \"weights\", not `{}`", w.value),
            );
        }
        let date = t.take("date").and_then(|n| date_of(n, &t.path, r));
        let input_fingerprint = t.string(r, "input_fingerprint");
        if let Some(f) = &input_fingerprint
            && !is_fingerprint(&f.value)
        {
            r.schema(Some(f.pos), &t.path, "`input_fingerprint` is a SHA-256: 64 lowercase hex digits");
        }
        let mut settings = BTreeMap::new();
        if let Some(mut s) = t.table(r, "settings") {
            for e in s.rest() {
                match scalar_text(&e.value) {
                    Some(text) => {
                        settings.insert(e.key.clone(), text);
                    }
                    None => r.schema(
                        Some(e.value.pos),
                        &format!("{} settings", t.path),
                        format!(
                            "setting `{}` must be a string, number, boolean or date, not {}",
                            e.key,
                            e.value.type_name()
                        ),
                    ),
                }
            }
        }
        t.finish(r, &["method", "node", "written_as", "date", "input_fingerprint", "settings"]);
        if let Some(method) = method {
            out.push(Provenance {
                method: method.value,
                node: node_id,
                written_as: written_as.map(|w| w.value),
                date,
                input_fingerprint: input_fingerprint.map(|f| f.value),
                settings,
            });
        }
    }
    out
}

/// A setting's value as text.
fn scalar_text(node: &Node) -> Option<String> {
    match &node.value {
        Value::String(s) => Some(s.clone()),
        Value::Integer(n) | Value::Float(n) => Some(n.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Date(d) => Some(d.to_string()),
        _ => None,
    }
}
