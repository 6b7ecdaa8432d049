//! Large but valid rulebooks load and score (spec §14): 10,000 indicators, 100 levels deep,
//! long expressions — without recursion deep enough to overflow a small stack.

use std::fmt::Write as _;

use kaoping::{BatchOptions, Format, Rulebook, ScoreOptions};

/// A chain of `depth` nested indicators whose last level holds `leaves` one-point leaves.
fn deep_and_wide(depth: usize, leaves: usize) -> String {
    let mut s = String::from("[rulebook]\nid = \"large\"\ntitle = \"large\"\nversion = \"1\"\n");
    s.push_str("[inputs]\nx = { type = \"decimal\" }\n");
    // A long derived expression: x + x + … (5,000 terms) − 4,999x = x.
    let _ = writeln!(s, "[derived]\nlong = \"{} - 4999 * x\"", vec!["x"; 5000].join(" + "));
    let mut id = String::new();
    for level in 0..depth {
        if level > 0 {
            id.push('.');
        }
        let _ = write!(id, "l{level}");
        let _ = writeln!(s, "[[indicator]]\nid = \"{id}\"\nlabel = \"level {level}\"\npoints = {leaves}");
    }
    for k in 0..leaves {
        let _ = writeln!(
            s,
            "[[indicator]]\nid = \"{id}.k{k}\"\nlabel = \"leaf {k}\"\npoints = 1\ncheck = {{ when = \"long > {k}\" }}"
        );
    }
    s
}

#[test]
fn ten_thousand_indicators_a_hundred_levels_deep() {
    let text = deep_and_wide(100, 9_900);
    let run = move || {
        let rb = Rulebook::from_str(&text, Format::Toml).expect("loads");
        assert_eq!(rb.indicators().len(), 10_000);
        let mut r = rb.record();
        r.set("x", 4_321);
        // Leaves k < 4321 hold: 4,321 points at every level.
        let out = rb.score(&r, &ScoreOptions::default()).unwrap();
        assert_eq!(out.total.unwrap().to_string(), "4321.00");
        assert_eq!(out.points("l0").unwrap().to_string(), "4321.00");
        let batch = rb.score_batch(&[r.clone(), r], &BatchOptions::default());
        assert_eq!(batch.row(1).total().unwrap().to_string(), "4321.00");
    };
    // A modest stack: loading and scoring must not recurse per level or per term.
    std::thread::Builder::new().stack_size(1 << 20).spawn(run).unwrap().join().expect("no stack overflow");
}

#[test]
fn a_chain_a_thousand_levels_deep_on_a_small_stack() {
    // Dotted ids grow with depth (the deepest here is ~6,000 characters), so time grows with
    // depth squared through the ids themselves; 1,000 levels shows there is no recursion per level.
    let text = deep_and_wide(1_000, 3);
    let run = move || {
        let rb = Rulebook::from_str(&text, Format::Toml).expect("loads");
        let mut r = rb.record();
        r.set("x", 2);
        let out = rb.score(&r, &ScoreOptions::default()).unwrap();
        assert_eq!(out.total.unwrap().to_string(), "2.00");
        let text = kaoping::explain(&out, kaoping::Lang::En);
        assert!(text.contains("leaf 2 0.00 / 1.00"), "the deepest leaves are explained");
    };
    std::thread::Builder::new().stack_size(1 << 20).spawn(run).unwrap().join().expect("no stack overflow");
}

/// A rulebook with one indicator and `profiles` profiles, `grades` grades and `vetoes` vetoes.
fn many(profiles: usize, grades: usize, vetoes: usize) -> String {
    let mut s = String::from("[rulebook]\nid = \"many\"\ntitle = \"many\"\nversion = \"1\"\n");
    s.push_str("profile_field = \"area\"\n[inputs]\nx = { type = \"decimal\" }\narea = { type = \"text\", required = false }\n");
    s.push_str("[profiles]\n");
    for p in 0..profiles {
        let _ = writeln!(s, "p{p} = {{}}");
    }
    s.push_str("[[indicator]]\nid = \"a\"\nlabel = \"a\"\npoints = 100\ncheck = { when = \"x > 0\" }\n");
    for v in 0..vetoes {
        let _ = writeln!(s, "[[veto]]\nid = \"v{v}\"\nlabel = \"v\"\nwhen = \"x > {v}\"");
    }
    for g in 0..grades {
        let bound = if g + 1 < grades { format!("at_least = {}", grades - 1 - g) } else { String::new() };
        let _ = writeln!(s, "[[grade]]\nlabel = \"g{g}\"\n{bound}");
    }
    s
}

#[test]
fn more_profiles_grades_or_vetoes_than_results_can_name_are_refused() {
    // A batch names a row's profile and grade, and each firing veto, in 16 bits, one code kept
    // for "none": 65,534 of each at most. Beyond that a rulebook is refused at load (§14: one
    // that loads cannot fail for reasons of its own) rather than scored under the wrong name.
    const MOST: usize = 65_534;
    for (text, section) in [
        (many(MOST + 1, 2, 0), "[profiles]"),
        (many(0, MOST + 1, 0), "[[grade]]"),
        (many(0, 2, MOST + 1), "[[veto]]"),
    ] {
        let e = Rulebook::from_str(&text, Format::Toml).expect_err(section);
        assert_eq!(e.kind(), kaoping::ErrorKind::Schema, "{section}: {e}");
        let shown = e.to_string();
        assert!(shown.contains(section) && shown.contains("65,534"), "{section}: {shown}");
    }
    // At the limit, each loads and scores under its own name.
    let rb = Rulebook::from_str(&many(MOST, 2, 0), Format::Toml).expect("65,534 profiles load");
    let mut r = rb.record();
    r.set("x", 1);
    r.set("area", "p65533");
    let batch = rb.score_batch(&[r], &BatchOptions::default());
    assert_eq!(batch.row(0).profile(), Some("p65533"));
    let rb = Rulebook::from_str(&many(0, MOST, 0), Format::Toml).expect("65,534 grades load");
    let mut r = rb.record();
    r.set("x", 0);
    let batch = rb.score_batch(&[r], &BatchOptions::default());
    assert_eq!(batch.row(0).error().map(ToString::to_string), None);
    assert_eq!(batch.row(0).grade(), Some("g65533"));
}
