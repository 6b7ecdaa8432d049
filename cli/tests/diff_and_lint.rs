//! End-to-end tests of `kaoping diff` (two rulebooks, or one and its `--set` variant, over the
//! same data: the summary, the per-unit table, the JSON and .xlsx files, the report) and of
//! `kaoping lint` (every built-in, findings with their places, exit codes). The units that move
//! are worked out here independently of the core, with integers from the sample table.
//!
//! Golden files live in `cli/tests/golden/diff/` and `cli/tests/golden/lint/`. After a deliberate
//! change, regenerate them with `KAOPING_BLESS=1 cargo test -p kaoping-cli --test diff_and_lint`,
//! read the diff, and commit.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn tmp(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("kaoping-cli-diff");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn kaoping(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_kaoping")).args(args).current_dir(root()).output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// Compare `got` with a golden file (or write it under KAOPING_BLESS=1).
fn golden(name: &str, got: &str) {
    let path = root().join("cli/tests/golden").join(name);
    if std::env::var_os("KAOPING_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "no golden file {}: run KAOPING_BLESS=1 cargo test -p kaoping-cli --test diff_and_lint, review it, commit it",
            path.display()
        )
    });
    assert_eq!(got, want, "output differs from {}", path.display());
}

fn table(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let (header, rows) = kaoping::table::parse_csv(text.trim_start_matches('\u{feff}')).unwrap();
    (header, rows.into_iter().map(|r| r.cells).collect())
}

/// The sample villages meeting every criterion under exit limit `tenths`/10 %, with integers:
/// poor / rural × 100 < limit ⇔ poor × 1000 < tenths × rural.
fn villages_passing(tenths: i64) -> Vec<String> {
    let text = std::fs::read_to_string(root().join("core/rulebooks/samples/villages.csv")).unwrap();
    let (header, rows) = table(&text);
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (rural, poor, income) = (col("农业户籍人口"), col("剩余贫困人口"), col("村集体经济收入"));
    let yes = ["通硬化路", "有卫生室", "有文化室", "有通信网络"].map(col);
    rows.iter()
        .filter(|r| {
            let (Ok(rural), Ok(poor)) = (r[rural].parse::<i64>(), r[poor].parse::<i64>()) else {
                return false;
            };
            let income_ok = r[income].parse::<f64>().is_ok_and(|x| x > 0.0);
            poor * 1000 < tenths * rural && income_ok && yes.iter().all(|&c| r[c] == "是")
        })
        .map(|r| r[0].clone())
        .collect()
}

const VILLAGES: &str = "core/rulebooks/samples/villages.csv";
const COUNTIES: &str = "core/rulebooks/samples/counties.csv";

#[test]
fn the_village_exit_limit_from_3_to_2_5_percent() {
    let out = tmp("villages.csv");
    let r = kaoping(&[
        "diff",
        "builtin:sc.poverty.village-exit",
        VILLAGES,
        "--set",
        "exit_limit=2.5",
        "--out",
        out.to_str().unwrap(),
    ]);
    // Three sample rows are bad on purpose: they fail under both, so the exit is 1.
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("提示：旧方案 3 行、新方案 3 行未能评分"), "{}", r.stderr);
    golden("diff/village-exit.exit_limit=2.5.txt", &r.stdout);
    let csv = std::fs::read_to_string(&out).unwrap();
    golden("diff/village-exit.exit_limit=2.5.csv", &csv);
    // The villages that stop passing are exactly those between 2.5% and 3%, counted here.
    let (at_3, at_2_5) = (villages_passing(30), villages_passing(25));
    let want: Vec<&String> = at_3.iter().filter(|k| !at_2_5.contains(k)).collect();
    assert!(!want.is_empty());
    let (header, rows) = table(&csv);
    let col = |n: &str| header.iter().position(|h| h == n).unwrap();
    let moved: Vec<&String> = rows
        .iter()
        .filter(|r| r[col("old_passed")] == "true" && r[col("new_passed")] == "false")
        .map(|r| &r[col("key")])
        .collect();
    assert_eq!(moved, want);
    assert!(rows.iter().all(|r| r[col("new_passed")] != "true" || r[col("old_passed")] == "true"));
    // Each row keeps its line in the data file.
    assert_eq!(rows[0][col("line")], "2");
    // --exit-zero: the same, exit 0.
    let r = kaoping(&[
        "diff",
        "builtin:sc.poverty.village-exit",
        VILLAGES,
        "--set",
        "exit_limit=2.5",
        "--exit-zero",
    ]);
    assert_eq!(r.code, 0);
}

#[test]
fn county_thresholds_moved_in_english_with_json_xlsx_and_report() {
    let (json, xlsx, html) = (tmp("counties.json"), tmp("counties.xlsx"), tmp("counties.html"));
    let args = [
        "diff",
        "builtin:sc.poverty.county-assessment",
        COUNTIES,
        "--set",
        "income_target@高原藏区=8",
        "--set",
        "inc_1=2.5",
        "--lang",
        "en",
        "--movers",
        "5",
        "--exit-zero",
    ];
    let r = kaoping(&args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    golden("diff/county-assessment.en.txt", &r.stdout);
    let mut with_files = args.to_vec();
    with_files.extend(["--out", json.to_str().unwrap(), "--report", html.to_str().unwrap()]);
    assert_eq!(kaoping(&with_files).code, 0);
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(v["schema"], "kaoping.compare/1");
    assert_eq!(
        v["new"]["variant_of"]["changes"],
        serde_json::json!(["income_target@高原藏区=8", "inc_1=2.5"])
    );
    // The attribution of every unit adds up to its change, exactly (decimals as strings).
    for u in v["units"].as_array().unwrap() {
        let Some(delta) = u["delta"].as_str() else { continue };
        let a = &u["attribution"];
        let mut sum: rust_decimal::Decimal = a["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p[1].as_str().unwrap().parse::<rust_decimal::Decimal>().unwrap())
            .sum();
        for part in ["rescale", "bonus", "penalty", "clamp", "rounding", "vetoes"] {
            sum += a[part].as_str().unwrap().parse::<rust_decimal::Decimal>().unwrap();
        }
        assert_eq!(sum, delta.parse().unwrap(), "{}", u["key"]);
    }
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("id=\"transitions\"") && page.contains("class=\"unit-card mover\""));
    assert_eq!(page.matches("class=\"unit-card mover\"").count(), 5);
    with_files.truncate(args.len());
    with_files.extend(["--out", xlsx.to_str().unwrap()]);
    assert_eq!(kaoping(&with_files).code, 0);
    let bytes = std::fs::read(&xlsx).unwrap();
    assert_eq!(&bytes[..2], b"PK", "an .xlsx is a zip");
}

#[test]
fn two_whole_rulebooks_with_an_items_table() {
    let out = tmp("schools.csv");
    let r = kaoping(&[
        "diff",
        "builtin:cd.school.science-education",
        "core/rulebooks/samples/schools.csv",
        "--with",
        "builtin:cd.school.target",
        "--items",
        "awards=core/rulebooks/samples/awards.csv",
        "--movers",
        "3",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 1, "rows bad on purpose fail: {}", r.stderr);
    golden("diff/school.science-education.target.txt", &r.stdout);
    // Matched by indicator id: the target scheme's own indicators are added, the science
    // education scheme's (folded into target.science) removed.
    assert!(r.stdout.contains("新增指标：target, target.party"), "{}", r.stdout);
    assert!(r.stdout.contains("删除指标：management,"), "{}", r.stdout);
    let (header, rows) = table(&std::fs::read_to_string(&out).unwrap());
    assert!(
        header.contains(&"delta.target.science".to_owned())
            && header.contains(&"delta.effect.awards".to_owned())
    );
    assert_eq!(rows.len(), 253);
    // Without the awards table every school fails under both, and a note says what to give.
    let r = kaoping(&[
        "diff",
        "builtin:cd.school.science-education",
        "builtin:cd.school.target",
        "core/rulebooks/samples/schools.csv",
    ]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("请用 --items awards=文件"), "{}", r.stderr);
}

#[test]
fn arguments_that_cannot_be_compared() {
    let nothing = kaoping(&["--lang", "en", "diff", "builtin:sc.poverty.village-exit", VILLAGES]);
    assert_eq!(nothing.code, 2);
    assert!(nothing.stderr.contains("nothing to compare"), "{}", nothing.stderr);
    let twice = kaoping(&[
        "--lang",
        "en",
        "diff",
        "builtin:sc.poverty.village-exit",
        "builtin:sc.poverty.village-exit",
        VILLAGES,
        "--with",
        "builtin:sc.poverty.village-exit",
    ]);
    assert_eq!(twice.code, 2);
    assert!(twice.stderr.contains("given twice"), "{}", twice.stderr);
    let bad_set =
        kaoping(&["--lang", "en", "diff", "builtin:sc.poverty.village-exit", VILLAGES, "--set", "nope=1"]);
    assert_eq!(bad_set.code, 2);
    assert!(bad_set.stderr.contains("nope"), "{}", bad_set.stderr);
    let bad_items = kaoping(&[
        "--lang",
        "en",
        "diff",
        "builtin:sc.poverty.village-exit",
        VILLAGES,
        "--set",
        "exit_limit=2.5",
        "--items",
        "nope=x.csv",
    ]);
    assert_eq!(bad_items.code, 2);
    assert!(bad_items.stderr.contains("not an items input of either rulebook"), "{}", bad_items.stderr);
    let bad_out = kaoping(&[
        "--lang",
        "en",
        "diff",
        "builtin:sc.poverty.village-exit",
        VILLAGES,
        "--set",
        "exit_limit=2.5",
        "--out",
        "x.txt",
    ]);
    assert_eq!(bad_out.code, 2);
    // `compare` is the same command.
    let alias = kaoping(&["compare", "builtin:sc.poverty.village-exit", VILLAGES, "--set", "exit_limit=2.5"]);
    assert_eq!(alias.code, 1);
    assert!(alias.stdout.starts_with("比较 sc.poverty.village-exit"));
}

#[test]
fn every_builtin_lints_without_an_error() {
    let list = kaoping(&["builtins"]);
    let ids: Vec<&str> = list.stdout.lines().filter_map(|l| l.split_whitespace().next()).collect();
    assert!(ids.len() >= 13, "{}", list.stdout);
    for arg in ids {
        let r = kaoping(&["lint", arg]);
        assert_eq!(r.code, 0, "{arg}: {}{}", r.stdout, r.stderr);
        golden(&format!("lint/{}.txt", arg.trim_start_matches("builtin:")), &r.stdout);
    }
    let en = kaoping(&["lint", "builtin:example.county-assessment", "--lang", "en"]);
    golden("lint/example.county-assessment.en.txt", &en.stdout);
    // The one warning among the built-ins (explained in docs/rulebooks.md) fails with --deny-warnings.
    let strict = kaoping(&["lint", "builtin:example.county-assessment", "--deny-warnings"]);
    assert_eq!(strict.code, 1);
}

#[test]
fn lint_places_findings_in_the_file_and_fails_on_errors() {
    let path = tmp("flawed.toml");
    std::fs::write(
        &path,
        r#"[rulebook]
id = "flawed"
title = "体检"
version = "1"
as_of = 2014-06-30

[inputs]
rate = { type = "decimal", min = 0, max = 100 }

[params]
limit = { dated = { 2015-01-01 = 4 } }

[[indicator]]
id = "a"
label = "档次"
points = 30
bands = { input = "rate", at_least = [[150, 30], [80, 12]], else = 0 }

[[criterion]]
id = "lim"
when = "rate < limit"
"#,
    )
    .unwrap();
    let file = path.to_str().unwrap();
    let r = kaoping(&["lint", file, "--lang", "en"]);
    // A dated parameter without a value on the rulebook's own date is an error: exit 1.
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stdout.contains(&format!("{file}:11:1: error[dated-param-misses-as-of]")), "{}", r.stdout);
    assert!(
        r.stdout.contains(&format!("{file}:17:9: warning[band-never-taken]: band 1 (≥ 150)")),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("[0.00, 12.00] / 30.00"), "{}", r.stdout);
    // JSON: one object per rulebook, the file named in each placed finding.
    let j = kaoping(&["lint", file, "--json"]);
    let v: serde_json::Value = serde_json::from_str(j.stdout.trim()).unwrap();
    assert_eq!(v["schema"], "kaoping.lint/1");
    assert!(v["findings"].as_array().unwrap().iter().all(|f| f["location"]["file"] == file));
    // A rulebook that does not load: exit 2, as `check` says it.
    std::fs::write(tmp("broken.toml"), "[rulebook]\nid = 1\n").unwrap();
    let broken = kaoping(&["lint", tmp("broken.toml").to_str().unwrap()]);
    assert_eq!(broken.code, 2);
}
