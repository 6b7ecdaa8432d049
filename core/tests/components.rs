//! Component rulebooks (spec §6, §16): a component scores the parent's record through its own view
//! of it. Regressions for records that leave out what a component reads.

use kaoping::{Format, Loader, Rulebook, ScoreOptions, Status};

const COMPONENT: &str = r#"
[rulebook]
id = "c"
title = "C"
version = "1"
[inputs]
a = { type = "integer", min = 0, required = false }
b = { type = "integer", min = 1, required = false }
[derived]
r = "a / b * 100"
[[indicator]]
id = "x"
label = "X"
points = 10
linear = { input = "r", from = [0, 0], to = [100, 10] }
"#;

const PARENT: &str = r#"
[rulebook]
id = "p"
title = "P"
version = "1"
[inputs]
z = { type = "integer", min = 0 }
[[indicator]]
id = "m"
label = "M"
points = 5
linear = { input = "z", from = [0, 0], to = [10, 5] }
[[indicator]]
id = "k"
label = "K"
points = 10
component = { rulebook = "c" }
"#;

fn parent() -> Rulebook {
    let comp = Rulebook::from_str(COMPONENT, Format::Toml).unwrap();
    Loader::new().with(comp).load_str(PARENT, Format::Toml).unwrap()
}

/// The issue's repro: a derived value of the component reads optional inputs the record leaves
/// out. No data (§16): the component's indicator gives 0 with status `no_data`, so the component's
/// total is 0 and so is the parent's part.
#[test]
fn a_component_reading_no_data_scores_instead_of_panicking() {
    let p = parent();
    let mut full = p.record();
    full.set("z", 3);
    full.set("a", 5);
    full.set("b", 10);
    assert_eq!(p.score(&full, &ScoreOptions::default()).unwrap().total.unwrap().to_string(), "6.50");

    let mut sparse = p.record();
    sparse.set("z", 3);
    let out = p.score(&sparse, &ScoreOptions::default()).unwrap();
    assert_eq!(out.total.unwrap().to_string(), "1.50");
    let k = out.nodes.iter().find(|n| n.id == "k").unwrap();
    assert_eq!(k.points.unwrap().to_string(), "0.00");
    let inner = k.note.as_ref().and_then(|n| n.component_outcome()).expect("the component's result");
    let x = inner.nodes.iter().find(|n| n.id == "x").unwrap();
    assert_eq!(x.status, Status::NoData);

    // A batch scores it the same, with or without explanations.
    for explain in [false, true] {
        let opts = kaoping::BatchOptions { explain, ..Default::default() };
        let b = p.score_batch(&[sparse.clone(), full.clone()], &opts);
        assert_eq!(b.row(0).total().unwrap().to_string(), "1.50", "explain {explain}");
        assert_eq!(b.row(0).points("k").unwrap().to_string(), "0.00");
        assert_eq!(b.row(1).total().unwrap().to_string(), "6.50");
    }
}

/// The same through two levels of components, each with its own optional inputs and derived
/// values, so that a view of a view is exercised.
#[test]
fn nested_components_reading_no_data_score() {
    let inner = Rulebook::from_str(COMPONENT, Format::Toml).unwrap();
    let middle_text = r#"
[rulebook]
id = "mid"
title = "Mid"
version = "1"
[inputs]
q = { type = "decimal", required = false }
[derived]
half = "q / 2"
[[indicator]]
id = "h"
label = "H"
points = 4
linear = { input = "half", from = [0, 0], to = [2, 4] }
[[indicator]]
id = "c"
label = "C"
points = 6
component = { rulebook = "c" }
"#;
    let middle = Loader::new().with(inner.clone()).load_str(middle_text, Format::Toml).unwrap();
    let top_text = PARENT.replace("component = { rulebook = \"c\" }", "component = { rulebook = \"mid\" }");
    let top = Loader::new().with(inner).with(middle).load_str(&top_text, Format::Toml).unwrap();
    let mut r = top.record();
    r.set("z", 10);
    let out = top.score(&r, &ScoreOptions::default()).unwrap();
    assert_eq!(out.total.unwrap().to_string(), "5.00");
    r.set("q", 2);
    r.set("a", 1);
    r.set("b", 2);
    // mid: h = 1 → 2 points of 4; c: r = 50 → 5 of 10 → 3 of 6; mid total 5 of 10 → 5 of 10 here.
    let out = top.score(&r, &ScoreOptions::default()).unwrap();
    assert_eq!(out.total.unwrap().to_string(), "10.00");
}

/// A component's firing veto is carried up to its parent's result (spec issue: "a component's
/// veto disappears at the parent"): which component indicator, which rulebook, which veto — in
/// the result, both explanations, the JSON and a batch row. The parent itself is not vetoed.
#[test]
fn a_components_veto_is_carried_up_to_the_parent() {
    let rb = Rulebook::builtin("cd.school.target").unwrap();
    let record = r#"{"school": "一小", "stage": "小学", "party_score": 100, "teaching_score": 100, "staff_score": 100,
        "safety_score": 100, "students": 1000, "classes": 24, "has_body": true, "in_network": true, "has_plan": true,
        "has_summary": true, "has_incentives": true, "has_archives": true, "funds_budgeted": true, "special_funds": 20000,
        "science_rooms": 3, "open_hours": 4, "counsellors": 2, "backbone_teachers": 3, "training_sessions": 3,
        "science_festival": true, "clubs": 4, "participants": 800, "expert_marks": [10, 10, 10],
        "awards": [{"level": "国家级", "prize": "一等奖", "category": "科技创新", "work": "w1"}],
        "falsified_awards": true}"#;
    let out = rb.score_json(record, &ScoreOptions::default()).unwrap();
    assert_eq!(out.total.unwrap().to_string(), "85.00");
    assert!(out.vetoes.is_empty(), "the school itself is not vetoed");
    let [v] = &out.component_vetoes[..] else { panic!("one component veto: {:?}", out.component_vetoes) };
    assert_eq!(
        (v.indicator.as_str(), v.rulebook.as_str(), v.id.as_str(), v.label.as_str()),
        ("target.science", "cd.school.science-education", "falsified_awards", "获奖或申报材料弄虚作假")
    );
    assert_eq!(v.score.unwrap().to_string(), "0.00");
    assert_eq!(v.grade.as_deref(), Some("不合格"));
    let zh = kaoping::explain(&out, kaoping::Lang::Zh);
    assert!(zh.contains("子方案一票否决") && zh.contains("获奖或申报材料弄虚作假"), "{zh}");
    let en = kaoping::explain(&out, kaoping::Lang::En);
    assert!(en.contains("vetoes inside components") && en.contains("falsified_awards"), "{en}");
    assert!(out.to_json().contains(r#""component_vetoes":[{"indicator":"target.science""#));
    let back = kaoping::Outcome::from_json(&out.to_json()).unwrap();
    assert_eq!(back, out);

    let r = rb.record_from_json(record).unwrap();
    let b = rb.score_batch(&[r], &Default::default());
    assert_eq!(
        b.row(0).component_vetoes(),
        vec![("target.science", "cd.school.science-education", "falsified_awards")]
    );
    assert!(b.row(0).vetoes().is_empty());
}

mod ids_are_names_not_paths {
    //! A rulebook id is a name (letters, digits, `.`, `_`, `-`), never a path: a component is looked
    //! for only as `<id>.toml` / `<id>.json` inside the folders the caller named, links that lead
    //! out of them are refused, and callers can turn file lookup off.

    use kaoping::{ErrorKind, Format, LoadError, Loader, Rulebook};
    use std::path::{Path, PathBuf};

    fn folder(name: &str) -> PathBuf {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("kaoping-ids").join(name);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn rulebook(id: &str, component: Option<&str>) -> String {
        let rule = match component {
            Some(c) => format!("component = {{ rulebook = {c:?} }}"),
            None => "check = { when = \"true\" }".to_owned(),
        };
        format!(
            "[rulebook]\nid = {id:?}\ntitle = \"SECRET TITLE of {id}\"\nversion = \"1\"\n\
             [[indicator]]\nid = \"k\"\nlabel = \"K\"\npoints = 10\n{rule}\n"
        )
    }

    fn refused(err: &LoadError, id: &str) {
        let text = err.to_string();
        assert!(text.contains(id), "the refusal names the id `{id}`: {text}");
        assert!(!text.contains("SECRET TITLE"), "nothing of the outside file leaks: {text}");
    }

    #[test]
    fn a_rulebook_id_that_is_not_a_name_is_refused() {
        for id in ["../x", "a/b", "a\\b", "/etc/passwd", "..", ".hidden", "-x", "a..b", "", "a b"] {
            let err = Rulebook::from_str(&rulebook(id, None), Format::Toml).unwrap_err();
            assert_eq!(err.problems[0].kind, ErrorKind::Schema, "{id}: {err}");
            assert!(err.to_string().contains("not a rulebook id"), "{id}: {err}");
        }
        for id in ["sc.poverty.county-combined.acceptance", "a_1", "村级-2024", "X"] {
            Rulebook::from_str(&rulebook(id, None), Format::Toml).unwrap_or_else(|e| panic!("{id}: {e}"));
        }
    }

    #[test]
    fn a_component_id_that_is_a_path_is_refused() {
        let root = folder("paths");
        std::fs::create_dir_all(root.join("a")).unwrap();
        std::fs::write(root.join("secret.toml"), rulebook("secret", None)).unwrap();
        for id in ["../secret", "../../secret", root.join("secret").to_str().unwrap()] {
            std::fs::write(root.join("a/p.toml"), rulebook("p", Some(id))).unwrap();
            let err = Rulebook::from_file(root.join("a/p.toml")).unwrap_err();
            assert_eq!(err.problems[0].kind, ErrorKind::Schema, "{err}");
            refused(&err, id);
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_link_that_leads_outside_the_folder_is_refused() {
        let root = folder("links");
        std::fs::create_dir_all(root.join("a")).unwrap();
        std::fs::create_dir_all(root.join("outside")).unwrap();
        std::fs::write(root.join("outside/secret.toml"), rulebook("secret", None)).unwrap();
        std::os::unix::fs::symlink(root.join("outside/secret.toml"), root.join("a/secret.toml")).unwrap();
        std::fs::write(root.join("a/p.toml"), rulebook("p", Some("secret"))).unwrap();
        let err = Rulebook::from_file(root.join("a/p.toml")).unwrap_err();
        refused(&err, "secret");
        assert!(err.to_string().contains("outside"), "{err}");
        // A link inside the folder is fine.
        std::fs::write(root.join("a/real.toml"), rulebook("inside", None)).unwrap();
        std::os::unix::fs::symlink(root.join("a/real.toml"), root.join("a/inside.toml")).unwrap();
        std::fs::write(root.join("a/q.toml"), rulebook("q", Some("inside"))).unwrap();
        Rulebook::from_file(root.join("a/q.toml")).unwrap();
    }

    #[test]
    fn file_lookup_can_be_turned_off() {
        let root = folder("off");
        std::fs::write(root.join("c.toml"), rulebook("c", None)).unwrap();
        std::fs::write(root.join("p.toml"), rulebook("p", Some("c"))).unwrap();
        Rulebook::from_file(root.join("p.toml")).unwrap();
        let err = Loader::new().file_lookup(false).load_file(root.join("p.toml")).unwrap_err();
        assert_eq!(err.problems[0].kind, ErrorKind::UnknownName, "{err}");
        // Rulebooks the caller passes, and built-ins, are still found.
        let c = Rulebook::from_file(root.join("c.toml")).unwrap();
        Loader::new().file_lookup(false).with(c).load_file(root.join("p.toml")).unwrap();
        let text = rulebook("p2", Some("sc.poverty.county-combined.acceptance"));
        let p2 = Loader::new().file_lookup(false).load_str(&text, Format::Toml).unwrap();
        assert_eq!(p2.indicators()[0].rule.as_deref(), Some("component"));
    }

    #[test]
    fn components_that_reach_each_other_through_files_are_a_cycle() {
        let root = folder("cycle");
        std::fs::write(root.join("a.toml"), rulebook("a", Some("b"))).unwrap();
        std::fs::write(root.join("b.toml"), rulebook("b", Some("a"))).unwrap();
        let err = Rulebook::from_file(root.join("a.toml")).unwrap_err();
        assert!(err.problems.iter().any(|p| p.kind == ErrorKind::Cycle), "{err}");
    }
}
