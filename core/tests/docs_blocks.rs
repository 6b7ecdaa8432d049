//! The documentation cannot drift from the engine: every ```toml block of `docs/format.md` and
//! `docs/guide.zh.md` is loaded and its `[[test]]` cases run. A block's info string says what it
//! is:
//! - ```` ```toml ````: a whole rulebook; it must load and every test case in it must pass;
//! - ```` ```toml fragment ````: a piece of one (a section shown alone); it must parse as TOML;
//! - ```` ```toml refused=Kind ````: a rulebook the loader must refuse with a problem of that
//!   error kind (the error kinds' examples).
//!
//! And the reference covers the format: every key the JSON Schema (`kaoping schema`) knows and
//! every error kind is named in `docs/format.md`.

use std::path::{Path, PathBuf};

use kaoping::{ErrorKind, Format, Loader};

fn docs() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().join("docs")
}

/// A fenced block: its info string, first line (1-based) and text.
struct Block {
    info: String,
    line: usize,
    text: String,
}

fn toml_blocks(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut open: Option<Block> = None;
    for (i, line) in text.lines().enumerate() {
        match &mut open {
            None => {
                if let Some(info) = line.trim_start().strip_prefix("```") {
                    open = Some(Block { info: info.trim().to_owned(), line: i + 2, text: String::new() });
                }
            }
            Some(b) => {
                if line.trim_start().starts_with("```") {
                    let b = open.take().unwrap();
                    if b.info == "toml" || b.info.starts_with("toml ") {
                        blocks.push(b);
                    }
                } else {
                    b.text.push_str(line);
                    b.text.push('\n');
                }
            }
        }
    }
    assert!(open.is_none(), "an unclosed ``` block");
    blocks
}

fn check_file(name: &str) -> (usize, usize) {
    let path = docs().join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let blocks = toml_blocks(&text);
    assert!(!blocks.is_empty(), "{name} has toml blocks");
    let (mut rulebooks, mut tests) = (0, 0);
    for b in blocks {
        let at = format!("{name}:{}", b.line);
        let kind = b.info.strip_prefix("toml").unwrap().trim();
        if kind == "fragment" {
            kaoping::internals::syntax::parse(&b.text, Format::Toml)
                .unwrap_or_else(|e| panic!("{at}: a fragment that is not TOML: {e:?}"));
        } else if let Some(expected) = kind.strip_prefix("refused=") {
            let kind =
                ErrorKind::from_name(expected).unwrap_or_else(|| panic!("{at}: no error kind {expected}"));
            match Loader::new().load_str(&b.text, Format::Toml) {
                Ok(_) => panic!("{at}: loads, but is shown as refused with {expected}"),
                Err(e) => assert!(
                    e.problems.iter().any(|p| p.kind == kind),
                    "{at}: refused, but not with {expected}: {e}"
                ),
            }
        } else {
            assert_eq!(kind, "", "{at}: unknown block kind `{}`", b.info);
            let rb = Loader::new()
                .load_str(&b.text, Format::Toml)
                .unwrap_or_else(|e| panic!("{at}: does not load:\n{e}"));
            let report = rb.run_tests();
            assert!(report.ok(), "{at}: its tests fail: {:?}", report.failures);
            rulebooks += 1;
            tests += report.run;
        }
    }
    (rulebooks, tests)
}

#[test]
fn every_block_of_the_format_reference_loads_and_passes() {
    let (rulebooks, tests) = check_file("format.md");
    assert!(rulebooks >= 3 && tests >= 10, "{rulebooks} rulebooks, {tests} tests");
}

#[test]
fn every_block_of_the_guide_loads_and_passes() {
    let (rulebooks, tests) = check_file("guide.zh.md");
    assert!(rulebooks >= 2 && tests >= 5, "{rulebooks} rulebooks, {tests} tests");
}

/// Every property name the schema declares, at any depth (not the names of `$defs`).
fn schema_keys(v: &serde_json::Value, out: &mut std::collections::BTreeSet<String>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, sub) in m {
                if let (true, serde_json::Value::Object(props)) = (k == "properties", sub) {
                    out.extend(props.keys().cloned());
                }
                schema_keys(sub, out);
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|i| schema_keys(i, out)),
        _ => {}
    }
}

#[test]
fn the_reference_names_every_key_and_error_kind() {
    let text = std::fs::read_to_string(docs().join("format.md")).unwrap();
    let schema: serde_json::Value = serde_json::from_str(&kaoping::schema::rulebook_json_schema()).unwrap();
    let mut keys = std::collections::BTreeSet::new();
    schema_keys(&schema, &mut keys);
    assert!(keys.contains("best_per") && keys.contains("order_by") && keys.contains("grade_at_most"));
    // Named as a key (`key`, `key = …`) or as a section (`[key]`, `[[key]]`).
    let named = |k: &str| {
        ["`{k}`", "`{k} = ", "`[{k}]`", "`[[{k}]]`"].iter().any(|f| text.contains(&f.replace("{k}", k)))
    };
    let missing: Vec<&String> = keys.iter().filter(|k| !named(k)).collect();
    assert!(missing.is_empty(), "docs/format.md does not name these keys of the schema: {missing:?}");
    let kinds: Vec<&str> =
        ErrorKind::ALL.iter().map(|k| k.name()).filter(|k| !text.contains(&format!("`{k}`"))).collect();
    assert!(kinds.is_empty(), "docs/format.md does not name these error kinds: {kinds:?}");
}
