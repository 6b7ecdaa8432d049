//! The core's modules import one another one way only: no module (as `lib.rs` declares them:
//! `compile`, `eval`, `rules`, `input`…) names one that names it back, directly or round a longer
//! loop, so that data flows one way (syntax → model → compile → eval → outcome → render) and each
//! layer can be read without the ones after it. Read from the source: every `crate::…` path (a
//! name the crate root re-exports, `crate::Rulebook`, counts as its module) and every `super::…`
//! path that leaves its module is an edge. Test modules at the end of a file are not read: tests
//! may reach anywhere. Files inside one module may use each other both ways (a parent and its
//! parts; an expression's evaluator and its aggregates, which call each other).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Each file's module path (`eval::columnar::plan`; `crate` for lib.rs) and its source, with
/// comments and a trailing `#[cfg(test)] mod … { … }` removed.
fn files(src: &Path) -> Vec<(Vec<String>, String)> {
    let mut out = Vec::new();
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
            if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
                parts.pop();
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let code: String =
                text.lines().map(|l| l.split("//").next().unwrap_or("")).collect::<Vec<_>>().join("\n");
            out.push((parts, without_tests(&code)));
        }
    }
    out
}

/// `code` up to its test module (`#[cfg(test)]` then `mod name {`), which ends the file.
fn without_tests(code: &str) -> String {
    let mut at = 0;
    while let Some(i) = code[at..].find("#[cfg(test)]") {
        let start = at + i;
        let rest = code[start + "#[cfg(test)]".len()..].trim_start();
        let block = rest.strip_prefix("mod ").is_some_and(|r| {
            let name_end = r.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(r.len());
            r[name_end..].trim_start().starts_with('{')
        });
        if block {
            return code[..start].to_owned();
        }
        at = start + 1;
    }
    code.to_owned()
}

/// The path segments starting at each `word::` in `code` (`crate::a::{b, c}` gives `crate::a::b`
/// and `crate::a::c`; `$crate::rules::Leaf` gives `crate::rules::Leaf`).
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

/// The names the crate root re-exports (`pub use rulebook::{Rulebook, …}`) → their module.
fn reexports(lib: &str, modules: &BTreeSet<String>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for item in lib.split(';') {
        let Some(rest) = item.trim().strip_prefix("pub use ") else { continue };
        let module = rest.split("::").next().unwrap_or("").trim().to_owned();
        if !modules.contains(&module) {
            continue;
        }
        let names = match (rest.find('{'), rest.rfind('}')) {
            (Some(a), Some(b)) => rest[a + 1..b].to_owned(),
            _ => rest.rsplit("::").next().unwrap_or("").to_owned(),
        };
        for name in names.split(',') {
            let name = name.split(" as ").last().unwrap_or("").trim();
            if !name.is_empty() {
                out.insert(name.to_owned(), module.clone());
            }
        }
    }
    out
}

/// The core's module a path written in module `here` names, if not `here`'s own.
fn target(
    path: &[String],
    here: &[String],
    modules: &BTreeSet<String>,
    reexported: &BTreeMap<String, String>,
) -> Option<String> {
    let full: Vec<String> = match path[0].as_str() {
        "crate" => path[1..].to_vec(),
        "super" => {
            let ups = path.iter().take_while(|s| *s == "super").count();
            let base = here.len().saturating_sub(ups);
            here[..base].iter().chain(&path[ups..]).cloned().collect()
        }
        // `self::…` and paths through a child stay inside the module; `std::…` names none.
        _ => return None,
    };
    let first = full.first()?;
    let module = if modules.contains(first) { first.clone() } else { reexported.get(first)?.clone() };
    (here.first() != Some(&module)).then_some(module)
}

#[test]
fn no_module_of_the_core_imports_one_that_imports_it_back() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let files = files(&src);
    let modules: BTreeSet<String> = files.iter().filter_map(|(m, _)| m.first().cloned()).collect();
    let lib = &files.iter().find(|(m, _)| m.is_empty()).expect("lib.rs").1;
    let reexported = reexports(lib, &modules);
    assert_eq!(reexported.get("Rulebook").map(String::as_str), Some("rulebook"), "{reexported:?}");
    let mut edges: BTreeMap<String, BTreeSet<String>> =
        modules.iter().map(|m| (m.clone(), BTreeSet::new())).collect();
    for (here, code) in files.iter().filter(|(m, _)| !m.is_empty()) {
        let found =
            paths(code).iter().filter_map(|p| target(p, here, &modules, &reexported)).collect::<Vec<_>>();
        edges.get_mut(&here[0]).unwrap().extend(found);
    }
    // The walk sees the layers: the evaluator reads the compiled rulebook, the rulebook runs the
    // evaluator, and the compiler does not reach into the evaluator (the rulebook holds both).
    assert!(edges["eval"].contains("compile") && edges["rulebook"].contains("eval"), "{edges:#?}");
    assert!(!edges["compile"].contains("eval"), "{edges:#?}");
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
        if seen.contains(start.as_str()) {
            loops.push(start.as_str());
        }
    }
    assert!(loops.is_empty(), "modules on an import loop: {loops:?}\nedges: {edges:#?}");
}
