//! The built-in rulebooks (`core/rulebooks/`): each loads, passes its embedded tests, has a
//! golden vector built from exactly its text, and scores its sample tables
//! (`core/rulebooks/samples/`) with no error except on the rows made bad on purpose, which must
//! fail with the kind their 备注 cell names.

use std::collections::{BTreeMap, BTreeSet};

use kaoping::table::{self, Encoding};
use kaoping::{BatchOptions, Rulebook};

mod common;
use common::{ROLLUPS, TABLES, repo, sample};

/// The spec's running example ships as a built-in too; it has no sample table of its own.
const SPEC_EXAMPLE: &str = "example.county-assessment";

fn builtin(id: &str) -> Rulebook {
    Rulebook::builtin(id).unwrap_or_else(|e| panic!("built-in {id} does not load: {e}"))
}

#[test]
fn every_builtin_loads_and_passes_its_embedded_tests() {
    let ids = Rulebook::builtin_ids();
    assert!(ids.len() >= 13, "{ids:?}");
    for id in ids {
        let rb = builtin(id);
        assert_eq!(rb.id(), id);
        let report = rb.run_tests();
        assert!(report.run >= 4, "{id}: only {} embedded tests", report.run);
        let failures: Vec<String> = report.failures.iter().map(ToString::to_string).collect();
        assert!(
            report.ok(),
            "{id}: {} of {} tests failed:\n{}",
            failures.len(),
            report.run,
            failures.join("\n")
        );
    }
}

#[test]
fn every_rulebook_file_is_built_in() {
    // core/rulebooks/<id>.toml: a file left out of BUILTINS would ship in no binding.
    let mut files: Vec<String> = std::fs::read_dir(repo().join("core/rulebooks"))
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter_map(|n| n.strip_suffix(".toml").map(str::to_owned))
        .collect();
    files.sort();
    let mut ids: Vec<String> = Rulebook::builtin_ids().into_iter().map(str::to_owned).collect();
    ids.sort();
    assert_eq!(files, ids);
}

#[test]
fn every_builtin_says_what_it_implements_and_what_is_illustrative() {
    for id in Rulebook::builtin_ids() {
        let rb = builtin(id);
        assert!(rb.source().is_some_and(|s| !s.is_empty()), "{id}: no source");
        let (description, notes) = rb.description();
        assert!(description.is_some_and(|d| !d.is_empty()), "{id}: no description");
        let notes = notes.unwrap_or_else(|| panic!("{id}: no notes"));
        // An illustrative scheme says so in its title and notes; an official one still says
        // which of its numbers are unverified or chosen, so its notes name what is official.
        if rb.is_illustrative() {
            assert!(rb.title().contains("示例"), "{id}: illustrative but the title does not say 示例");
            assert!(notes.contains("示例"), "{id}: illustrative but the notes do not say 示例");
        } else {
            assert!(notes.contains("官方"), "{id}: the notes do not say what is official");
        }
    }
}

/// Every `source` a built-in's text gives, with where it stands: `rulebook` for the header,
/// else the table it is in and the element's id (`indicator reduction.poor`, `veto falsified`).
fn sources(rb: &Rulebook) -> Vec<(String, String)> {
    let text = rb.text().expect("a built-in keeps its text");
    let doc: toml::Table = text.parse().unwrap_or_else(|e| panic!("{}: {e}", rb.id()));
    let mut out = Vec::new();
    for (key, value) in &doc {
        let tables: Vec<&toml::Table> = match value {
            toml::Value::Table(t) => vec![t],
            toml::Value::Array(a) => a.iter().filter_map(toml::Value::as_table).collect(),
            _ => continue,
        };
        for t in tables {
            if let Some(source) = t.get("source").and_then(toml::Value::as_str) {
                let id = t.get("id").or_else(|| t.get("label")).and_then(toml::Value::as_str).unwrap_or("");
                out.push((format!("{key} {id}").trim_end().to_owned(), source.to_owned()));
            }
        }
    }
    out
}

/// Clause numbers read in a public text of their document (docs/rulebooks.md, “依据与核实”).
/// A `source` may give a clause number (第…条) only as one of these, right after the document's
/// name; a clause that could not be checked is cited without its number, “（条款号未核实）”.
/// Add an entry only after reading the clause.
const CHECKED_CLAUSES: &[(&str, &str)] = &[
    // 第五条: 考核内容 — 减贫成效, 精准识别, 精准帮扶, 扶贫资金 (第四条 is who assesses and when).
    ("厅字〔2016〕6号", "第五条"),
    // 第六条: 考核内容 with Sichuan's weights 65 / 10 / 10 (and the “五个一”).
    ("《四川省市（州）、贫困县党委和政府脱贫攻坚工作年度考核办法》", "第六条"),
];

/// The clause numbers (第…条) in `text`, each with the text before it.
fn clause_numbers(text: &str) -> Vec<(&str, &str)> {
    const NUMERALS: &str = "一二三四五六七八九十百零〇0123456789";
    let mut out = Vec::new();
    for (at, _) in text.match_indices('第') {
        let after = &text[at + '第'.len_utf8()..];
        let digits: usize = after.chars().take_while(|c| NUMERALS.contains(*c)).map(char::len_utf8).sum();
        if digits > 0 && after[digits..].starts_with('条') {
            out.push((&text[..at], &text[at..at + '第'.len_utf8() + digits + '条'.len_utf8()]));
        }
    }
    out
}

#[test]
fn clause_numbers_are_found_with_what_precedes_them() {
    let s = "参照厅字〔2016〕6号第五条（一）：…；《办法》 第十二条；第十四次调查；第3条";
    let found = clause_numbers(s);
    let clauses: Vec<&str> = found.iter().map(|(_, c)| *c).collect();
    assert_eq!(clauses, ["第五条", "第十二条", "第3条"]);
    assert!(found[0].0.ends_with("厅字〔2016〕6号") && found[1].0.trim_end().ends_with("《办法》"));
}

/// A clause number in a citation looks checked, so it must be one that was: the built-ins once
/// cited 厅字〔2016〕6号 第四条 for its assessment content (第五条) and 第六条 for its 约谈 cases
/// (第六条 is the assessment's steps).
#[test]
fn every_cited_clause_number_was_checked() {
    let mut wrong = Vec::new();
    for id in Rulebook::builtin_ids() {
        for (place, source) in sources(&builtin(id)) {
            for (before, clause) in clause_numbers(&source) {
                let checked = CHECKED_CLAUSES
                    .iter()
                    .any(|(document, c)| *c == clause && before.trim_end().ends_with(document));
                if !checked {
                    wrong.push(format!("{id} · {place}: {clause} in “{source}”"));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "clause numbers not in CHECKED_CLAUSES (check the document, or write （条款号未核实） instead):\n{}",
        wrong.join("\n")
    );
}

/// The part of docs/rulebooks.md that records each cited document and how it was checked.
fn verification_record() -> String {
    let docs = std::fs::read_to_string(repo().join("docs/rulebooks.md")).unwrap();
    let start = docs.find("\n## 依据与核实").expect("docs/rulebooks.md has a section “## 依据与核实”");
    let rest = &docs[start + 1..];
    let end = rest[2..].find("\n## ").map_or(rest.len(), |e| e + 2);
    rest[..end].to_owned()
}

/// The documents (《…》) a text names.
fn titles(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('《') {
        let Some(len) = rest[open..].find('》') else { break };
        let end = open + len + '》'.len_utf8();
        out.push(&rest[open..end]);
        rest = &rest[end..];
    }
    out
}

/// The convention of docs/rulebooks.md (“依据的写法”): in a built-in marked `illustrative`, every
/// `source` — the header's and each indicator's, bonus's, penalty's, criterion's, veto's and
/// grade rule's — begins with
/// - `示例` when nothing official stands behind it: the numbers are this library's;
/// - `参照` when it takes what to assess from the document named next, but its numbers (points,
///   bands, targets, a veto's score) are the scheme's own choice; or
/// - `《` when it quotes a number of the document it names unchanged, a clause checked against
///   a public text.
///
/// A veto, penalty or grade rule is never the document's own number here, so it says 示例 or 参照;
/// one whose official consequence is a 约谈 (with 限期整改), not a score, says that its score is
/// an illustrative choice (示例) in every built-in. Every document named in any `source` is in the
/// verification record of docs/rulebooks.md.
#[test]
fn sources_say_which_numbers_are_official() {
    let record = verification_record();
    let mut wrong = Vec::new();
    for id in Rulebook::builtin_ids() {
        let rb = builtin(id);
        for (place, source) in sources(&rb) {
            let mut say = |why: &str| wrong.push(format!("{id} · {place}: {why}: “{source}”"));
            if rb.is_illustrative() {
                let consequence = ["veto", "penalty", "grade_rule"].iter().any(|k| place.starts_with(k));
                if consequence && !(source.starts_with("示例") || source.starts_with("参照")) {
                    say("a veto, penalty or grade rule of an illustrative scheme begins with 示例 or 参照");
                } else if !["示例", "参照", "《"].iter().any(|m| source.starts_with(m)) {
                    say("an illustrative scheme's source begins with 示例, 参照 or 《");
                }
            }
            if source.contains("约谈") && !source.contains("示例") {
                say(
                    "its official consequence is a 约谈: say that the score is an illustrative choice (示例)",
                );
            }
            for title in titles(&source) {
                if !record.contains(title) {
                    say(&format!("{title} is not in the verification record of docs/rulebooks.md"));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn inputs_shared_across_builtins_mean_the_same_thing() {
    // One table row feeds several rulebooks of a family (and components share the parent's
    // record), so an input name must have one type, label and unit everywhere.
    let mut seen: BTreeMap<String, (String, String, Option<String>, &str)> = BTreeMap::new();
    let mut clashes = Vec::new();
    for id in Rulebook::builtin_ids().into_iter().filter(|id| *id != SPEC_EXAMPLE) {
        for input in builtin(id).inputs() {
            // Tables match columns by label: every input has one.
            let label =
                input.label.clone().unwrap_or_else(|| panic!("{id}: input {} has no label", input.name));
            let this = (input.ty.clone(), label, input.unit.clone());
            match seen.get(&input.name) {
                Some((ty, label, unit, first)) => {
                    if (ty, label, unit) != (&this.0, &this.1, &this.2) {
                        clashes.push(format!(
                            "{}: {first} says {ty} {label} {unit:?}, {id} says {this:?}",
                            input.name
                        ));
                    }
                }
                None => {
                    seen.insert(input.name.clone(), (this.0, this.1, this.2, id));
                }
            }
        }
    }
    assert!(clashes.is_empty(), "{}", clashes.join("\n"));
}

/// Golden vectors (tests/vectors/<id>.json, from tests/reference/cases/<id>.py) carry the
/// built-in's text verbatim, so C and Python reproduce the rulebook that actually ships.
#[test]
fn every_builtin_has_a_golden_vector_of_its_exact_text() {
    for id in Rulebook::builtin_ids().into_iter().filter(|id| *id != SPEC_EXAMPLE) {
        let path = repo().join("tests/vectors").join(format!("{id}.json"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        let rb = builtin(id);
        assert_eq!(
            v["rulebook"].as_str(),
            rb.text(),
            "{id}: the vector's rulebook is not the built-in's text"
        );
        for c in v["components"].as_array().into_iter().flatten() {
            let c = c.as_str().unwrap();
            let found = Rulebook::builtin_ids().into_iter().any(|other| builtin(other).text() == Some(c));
            assert!(found, "{id}: a component in the vector is not a built-in's text; regenerate the vector");
        }
        let cases = v["cases"].as_array().map_or(0, Vec::len);
        assert!(cases >= 3, "{id}: the vector has {cases} cases");
    }
}

/// What the 备注 cell of a row expects from `rulebook`: `Some(kind)` when the row is bad on
/// purpose for it (`期望错误 <id>=<Kind>` or `期望错误 *=<Kind>`).
fn expected_error(note: &str, rulebook: &str) -> Option<String> {
    note.split('；').find_map(|part| {
        let rest = part.trim().strip_prefix("期望错误")?.trim();
        let (who, kind) = rest.split_once('=')?;
        (who == "*" || who == rulebook).then(|| kind.trim().to_owned())
    })
}

#[test]
fn the_note_convention_reads_as_documented() {
    let note = "故意错误：x；期望错误 a.b=InputType；期望错误 c=MissingInput";
    assert_eq!(expected_error(note, "a.b").as_deref(), Some("InputType"));
    assert_eq!(expected_error(note, "c").as_deref(), Some("MissingInput"));
    assert_eq!(expected_error(note, "d"), None);
    assert_eq!(expected_error("故意错误；期望错误 *=LookupMiss", "d").as_deref(), Some("LookupMiss"));
    assert_eq!(expected_error("边界：恰为3%", "d"), None);
}

struct Scored {
    rows: usize,
    ok: usize,
    bad_on_purpose: usize,
    grades: BTreeSet<String>,
    passed: Option<usize>,
}

/// Score one sample table with one rulebook; panic on any row whose result contradicts its note.
fn score_table(table_name: &str, id: &str) -> Scored {
    let rb = builtin(id);
    let bytes = sample(table_name);
    let mut t = table::read_csv(&rb, &bytes, None).unwrap_or_else(|e| panic!("{table_name} for {id}: {e:?}"));
    assert_eq!(t.encoding, Some(Encoding::Utf8));
    if table_name == "schools.csv" {
        let awards = table::ChildTable::from_csv("awards", &sample("awards.csv"), None).unwrap();
        let unmatched = table::join_items(&rb, &mut t.records, vec![awards])
            .unwrap_or_else(|e| panic!("awards.csv for {id}: {e:?}"));
        assert_eq!(unmatched, [], "award rows whose school is not in schools.csv");
    }
    // The 备注 column is not an input of any rulebook: read it from the raw table.
    let (header, raw) = table::parse_csv(std::str::from_utf8(&bytes).unwrap()).unwrap();
    let note_col = header.iter().position(|h| h == "备注").expect("a 备注 column");
    assert!(t.columns.unknown.iter().any(|c| c.name == "备注"), "{id} reads 备注 as an input");
    let notes: Vec<&str> = raw.iter().map(|r| r.cells[note_col].as_str()).collect();
    assert_eq!(notes.len(), t.records.len());

    let records: Vec<_> = t
        .records
        .into_iter()
        .enumerate()
        .map(|(i, r)| r.unwrap_or_else(|e| panic!("{table_name} row {}: {e}", i + 1)))
        .collect();
    let batch = rb.score_batch(&records, &BatchOptions::default());
    let mut problems = Vec::new();
    let mut bad_on_purpose = 0;
    let mut grades = BTreeSet::new();
    for (row, note) in batch.rows().zip(&notes) {
        let line = t.lines[row.index()];
        match (expected_error(note, id), row.error()) {
            (None, None) => {
                if let Some(g) = row.grade() {
                    grades.insert(g.to_owned());
                }
            }
            (None, Some(e)) => problems.push(format!("line {line} ({}): unexpected error {e}", row.key())),
            (Some(kind), Some(e)) if e.kind().name() == kind => bad_on_purpose += 1,
            (Some(kind), Some(e)) => {
                problems.push(format!("line {line} ({}): expected {kind}, got {e}", row.key()))
            }
            (Some(kind), None) => {
                problems.push(format!("line {line} ({}): expected {kind}, but it scored", row.key()))
            }
        }
    }
    assert!(problems.is_empty(), "{table_name} scored with {id}:\n{}", problems.join("\n"));
    let s = batch.summary();
    let counts: Vec<String> = s.grades.iter().map(|g| format!("{} {}", g.grade, g.count)).collect();
    eprintln!(
        "{table_name} · {id}: {} rows, {} ok, passed {:?}, grades [{}]",
        s.rows,
        s.ok,
        s.passed,
        counts.join(", ")
    );
    assert_eq!(s.failed, bad_on_purpose, "{id}: failed rows that are not marked");
    Scored { rows: s.rows, ok: s.ok, bad_on_purpose, grades, passed: s.passed }
}

#[test]
fn sample_tables_score_with_no_error_but_the_rows_made_bad_on_purpose() {
    let mut covered = BTreeSet::new();
    for (table_name, ids) in TABLES {
        for id in *ids {
            let s = score_table(table_name, id);
            covered.insert(*id);
            assert!(s.rows >= 150, "{table_name}: only {} rows", s.rows);
            assert!(s.bad_on_purpose >= 1, "{table_name} has no row that {id} must refuse");
            // The samples are realistic: every grade occurs, and criteria go both ways.
            let rb = builtin(id);
            let missing: Vec<&str> = rb.grades().into_iter().filter(|g| !s.grades.contains(*g)).collect();
            assert!(missing.is_empty(), "{table_name} with {id}: no row gets {missing:?}");
            if let Some(p) = s.passed {
                assert!(p > 0 && p < s.ok, "{table_name} with {id}: {p} of {} pass every criterion", s.ok);
            }
        }
    }
    // The roll-ups' samples (a parent table with child tables) are scored in builtins_rollups.rs.
    covered.extend(ROLLUPS.iter().map(|r| r.id));
    let all: BTreeSet<&str> = Rulebook::builtin_ids().into_iter().filter(|id| *id != SPEC_EXAMPLE).collect();
    let uncovered: Vec<_> = all.difference(&covered).collect();
    assert!(uncovered.is_empty(), "built-ins without a sample table: {uncovered:?}");
}

/// The `qualified` criterion restates the 合格 bound on the published total: over the whole
/// sample, the rows that pass it are exactly those graded 高级 or 合格, so the summary's
/// `passed` is the qualified share's numerator.
#[test]
fn science_literacy_qualified_count_agrees_with_the_grades() {
    let rb = builtin("cn.science-literacy");
    let t = table::read_csv(&rb, &sample("respondents.csv"), None).unwrap();
    let records: Vec<_> = t.records.into_iter().filter_map(Result::ok).collect();
    let batch = rb.score_batch(&records, &BatchOptions::default());
    let mut qualified_by_grade = 0;
    for row in batch.rows().filter(|r| r.is_ok()) {
        let by_grade = matches!(row.grade(), Some("高级" | "合格"));
        assert_eq!(row.passed(), Some(by_grade), "{}: total {:?}", row.key(), row.total());
        qualified_by_grade += usize::from(by_grade);
    }
    let s = batch.summary();
    assert_eq!(s.passed, Some(qualified_by_grade));
    let share = |g: &str| s.grades.iter().find(|c| c.grade == g).map_or(0, |c| c.count);
    assert_eq!(share("高级") + share("合格"), qualified_by_grade);
}

/// A component rulebook sees the parent's profile: the school's stage reaches the science
/// evaluation inside the target assessment, as the embedded tests pin for one record; here
/// for the whole sample, each school's component score equals scoring it alone.
#[test]
fn components_score_as_their_own_rulebooks_do() {
    let parent = builtin("cd.school.target");
    let child = builtin("cd.school.science-education");
    let bytes = sample("schools.csv");
    let awards = sample("awards.csv");
    let mut tp = table::read_csv(&parent, &bytes, None).unwrap();
    let mut tc = table::read_csv(&child, &bytes, None).unwrap();
    for (rb, t) in [(&parent, &mut tp), (&child, &mut tc)] {
        let child_table = table::ChildTable::from_csv("awards", &awards, None).unwrap();
        assert_eq!(table::join_items(rb, &mut t.records, vec![child_table]).unwrap(), []);
    }
    let opts = kaoping::ScoreOptions::default();
    let mut compared = 0;
    for (p, c) in tp.records.iter().zip(&tc.records) {
        let (Ok(p), Ok(c)) = (p, c) else { continue };
        let (Ok(po), Ok(co)) = (parent.score(p, &opts), child.score(c, &opts)) else { continue };
        // target.science = the component's total / 100 × 100 points.
        assert_eq!(po.points("target.science"), co.total, "{}", po.key);
        compared += 1;
    }
    assert!(compared > 200, "{compared}");
}

/// Spreadsheets saved as CSV on Chinese Windows are GB18030 (GBK): the same table in that
/// encoding is detected and scores exactly as the UTF-8 file does.
#[test]
fn a_gb18030_sample_scores_like_the_utf8_one() {
    let rb = builtin("sc.poverty.household-exit");
    let utf8 = sample("households.csv");
    let (gb, _, lossy) = encoding_rs::GB18030.encode(std::str::from_utf8(&utf8).unwrap());
    assert!(!lossy);
    let score = |bytes: &[u8], enc: Encoding| {
        let t = table::read_csv(&rb, bytes, None).unwrap();
        assert_eq!(t.encoding, Some(enc));
        let records: Vec<_> = t.records.into_iter().map(Result::unwrap).collect();
        let batch = rb.score_batch(&records, &BatchOptions::default());
        batch.rows().map(|r| (r.key(), r.passed(), r.error().map(|e| e.kind()))).collect::<Vec<_>>()
    };
    let a = score(&utf8, Encoding::Utf8);
    let b = score(&gb, Encoding::Gb18030);
    assert!(a.len() > 300);
    assert_eq!(a, b);
}

/// What another process needs to rebuild a rulebook (the Python module's pickling): its text, its
/// format and its component rulebooks, each rebuilt the same way, give the same rulebook.
#[test]
fn every_builtin_rebuilds_from_its_text_and_components() {
    fn rebuild(rb: &Rulebook) -> Rulebook {
        let mut loader = kaoping::Loader::new();
        for c in rb.components() {
            loader = loader.with(rebuild(&c));
        }
        let (text, format) = (rb.text().expect("text kept"), rb.text_format().expect("format kept"));
        loader.load_str(text, format).unwrap_or_else(|e| panic!("{} does not rebuild: {e}", rb.id()))
    }
    for id in Rulebook::builtin_ids() {
        let rb = builtin(id);
        let again = rebuild(&rb);
        assert_eq!(again.fingerprint(), rb.fingerprint(), "{id}");
        let ids = |r: &Rulebook| r.components().iter().map(|c| c.id().to_owned()).collect::<Vec<_>>();
        assert_eq!(ids(&again), ids(&rb), "{id}");
    }
    let ids = |id: &str| builtin(id).components().iter().map(|c| c.id().to_owned()).collect::<Vec<_>>();
    assert_eq!(ids("cd.school.target"), ["cd.school.science-education"]);
    assert_eq!(
        ids("sc.poverty.county-combined"),
        [
            "sc.poverty.county-combined.departments",
            "sc.poverty.county-combined.acceptance",
            "sc.poverty.county-combined.third-party"
        ]
    );
    assert!(ids("example.county-assessment").is_empty());
    let json = Rulebook::from_str(r#"{"rulebook": {"id": "j", "title": "t", "version": "1"}, "inputs": {"x": {"type": "decimal"}}, "indicator": [{"id": "a", "label": "A", "points": 10, "linear": {"input": "x", "from": [0, 0], "to": [1, 10]}}]}"#, kaoping::Format::Json).unwrap();
    assert_eq!(json.text_format(), Some(kaoping::Format::Json));
}
