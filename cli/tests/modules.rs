//! The command's modules import one another one way only: no module names one that names it
//! back, directly or round a longer loop (`main` → `commands::*` → `scored`, `output`, `report` →
//! …). Read from the source: every `crate::…`, `super::…` and `self::…` path, and every path
//! through a module's own child (`svg::hbars` in `report`), is an edge; declaring a child
//! (`mod svg;`) is not.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Module name (`report::svg`; `crate` for main.rs) → its source, comments removed.
fn modules(src: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut dirs = vec![src.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            if path.extension().and_then(|e| e.to_str()) != Some("rs") {
                continue;
            }
            let rel = path.strip_prefix(src).unwrap().with_extension("");
            let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
            if matches!(parts.last().map(String::as_str), Some("mod" | "main")) {
                parts.pop();
            }
            let name = if parts.is_empty() { "crate".to_owned() } else { parts.join("::") };
            let text = std::fs::read_to_string(&path).unwrap();
            let code: String =
                text.lines().map(|l| l.split("//").next().unwrap_or("")).collect::<Vec<_>>().join("\n");
            out.insert(name, code);
        }
    }
    out
}

/// The path segments starting at each `word::` in `code` (`crate::a::{b, c}` gives `crate::a`,
/// `crate::a::b` and `crate::a::c`).
fn paths(code: &str) -> Vec<Vec<String>> {
    let bytes = code.as_bytes();
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let starts = is_word(bytes[i]) && (i == 0 || !(is_word(bytes[i - 1]) || bytes[i - 1] == b':'));
        if !starts {
            i += 1;
            continue;
        }
        let mut segs = Vec::new();
        let mut j = i;
        loop {
            let k = (j..bytes.len()).find(|&k| !is_word(bytes[k])).unwrap_or(bytes.len());
            segs.push(code[j..k].to_owned());
            if code[k..].starts_with("::{") {
                let end = code[k..].find('}').map_or(bytes.len(), |e| k + e);
                for item in code[k + 3..end].split(',') {
                    let first = item.trim().split("::").next().unwrap_or("").trim();
                    if !first.is_empty() {
                        out.push(segs.iter().cloned().chain([first.to_owned()]).collect());
                    }
                }
                j = end;
                break;
            }
            if code[k..].starts_with("::") && k + 2 < bytes.len() && is_word(bytes[k + 2]) {
                j = k + 2;
            } else {
                j = k;
                break;
            }
        }
        if segs.len() > 1 {
            out.push(segs);
        }
        i = j.max(i + 1);
    }
    out
}

/// The module a path names from module `here`, if it names one of `known`.
fn target(path: &[String], here: &str, known: &BTreeMap<String, String>) -> Option<String> {
    let own: Vec<String> =
        if here == "crate" { Vec::new() } else { here.split("::").map(str::to_owned).collect() };
    let (segs, shortest): (Vec<String>, usize) = match path[0].as_str() {
        "crate" => (path[1..].to_vec(), 1),
        "self" => (own.iter().chain(&path[1..]).cloned().collect(), own.len() + 1),
        "super" => {
            let ups = path.iter().take_while(|s| *s == "super").count();
            let base = own.len().saturating_sub(ups);
            (own[..base].iter().chain(&path[ups..]).cloned().collect(), base.max(1))
        }
        // A path through one of the module's own children (`std::…`, `kaoping::…` name none).
        _ => (own.iter().chain(path).cloned().collect(), own.len() + 1),
    };
    (shortest..=segs.len())
        .rev()
        .map(|n| segs[..n].join("::"))
        .find(|name| known.contains_key(name) && name != here)
}

#[test]
fn no_module_of_the_command_imports_one_that_imports_it_back() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let known = modules(&src);
    assert!(known.contains_key("scored") && known.contains_key("report::summary"), "{:?}", known.keys());
    let edges: BTreeMap<&str, BTreeSet<String>> = known
        .iter()
        .map(|(m, code)| (m.as_str(), paths(code).iter().filter_map(|p| target(p, m, &known)).collect()))
        .collect();
    // The scored table is read by the result files and the report, and reads neither.
    assert!(edges["output"].contains("scored") && edges["report::contents"].contains("scored"));
    // Every module reachable from each one, by a walk; a loop is a module that reaches itself.
    let mut loops = Vec::new();
    for start in edges.keys() {
        let mut seen = BTreeSet::new();
        let mut todo: Vec<&str> = edges[start].iter().map(String::as_str).collect();
        while let Some(m) = todo.pop() {
            if seen.insert(m) {
                todo.extend(edges.get(m).into_iter().flatten().map(String::as_str));
            }
        }
        if seen.contains(start) {
            loops.push(*start);
        }
    }
    assert!(loops.is_empty(), "modules on an import loop: {loops:?}\nedges: {edges:#?}");
}
