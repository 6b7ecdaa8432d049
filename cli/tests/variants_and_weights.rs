//! End-to-end tests of `--set` (rulebook variants on `score`, `explain`, `check`, `show`) and of
//! `kaoping weights` (AHP, entropy, CV, TOPSIS, and writing a variant with provenance). Expected
//! figures are computed here independently of the core (integer arithmetic on the sample table,
//! closed forms), or are the published ones.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn tmp(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("kaoping-cli-variants");
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

fn write(name: &str, text: &str) -> String {
    let p = tmp(name);
    std::fs::write(&p, text).unwrap();
    p.to_string_lossy().into_owned()
}

/// The villages that meet every criterion with exit limit `limit_tenths`/10 %, worked out from
/// the sample table with integers: poor / rural × 100 < limit ⇔ poor × 1000 < limit_tenths × rural.
fn villages_passing(limit_tenths: i64) -> Vec<String> {
    let text = std::fs::read_to_string(root().join("core/rulebooks/samples/villages.csv")).unwrap();
    let (header, rows) = kaoping::table::parse_csv(text.trim_start_matches('\u{feff}')).unwrap();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (rural, poor, income) = (col("农业户籍人口"), col("剩余贫困人口"), col("村集体经济收入"));
    let yes = ["通硬化路", "有卫生室", "有文化室", "有通信网络"].map(col);
    rows.iter()
        .filter(|r| {
            let (Ok(rural), Ok(poor)) = (r.cells[rural].parse::<i64>(), r.cells[poor].parse::<i64>()) else {
                return false;
            };
            let income_ok = r.cells[income].parse::<f64>().is_ok_and(|x| x > 0.0);
            poor * 1000 < limit_tenths * rural && income_ok && yes.iter().all(|&c| r.cells[c] == "是")
        })
        .map(|r| r.cells[0].clone())
        .collect()
}

fn passed_keys(csv: &str) -> Vec<String> {
    let (header, rows) = kaoping::table::parse_csv(csv.trim_start_matches('\u{feff}')).unwrap();
    let (key, passed) =
        (header.iter().position(|h| h == "key").unwrap(), header.iter().position(|h| h == "passed").unwrap());
    rows.iter().filter(|r| r.cells[passed] == "true").map(|r| r.cells[key].clone()).collect()
}

#[test]
fn score_with_the_exit_limit_set_to_2_5() {
    let base = kaoping(&["score", "builtin:sc.poverty.village-exit", "core/rulebooks/samples/villages.csv"]);
    let v = kaoping(&[
        "score",
        "builtin:sc.poverty.village-exit",
        "core/rulebooks/samples/villages.csv",
        "--set",
        "exit_limit=2.5",
    ]);
    assert_eq!((base.code, v.code), (1, 1), "three rows are bad on purpose: {}", v.stderr);
    let (at_3, at_2_5) = (villages_passing(30), villages_passing(25));
    assert!(at_2_5.len() < at_3.len(), "the sample should have villages between 2.5% and 3%");
    assert_eq!(passed_keys(&base.stdout), at_3);
    assert_eq!(passed_keys(&v.stdout), at_2_5);
}

#[test]
fn explain_check_and_show_a_variant() {
    let record = r#"{"village": "甲村", "rural_population": 1000, "poor_remaining": 28, "collective_income": 1,
        "has_hardened_road": true, "has_clinic": true, "has_culture_room": true, "has_network": true}"#;
    let e = kaoping(&[
        "explain",
        "builtin:sc.poverty.village-exit",
        "--record",
        record,
        "--json",
        "--set",
        "exit_limit=2.5",
    ]);
    assert_eq!(e.code, 0, "{}", e.stderr);
    let o = kaoping::Outcome::from_json(&e.stdout).unwrap();
    assert_eq!(o.passed, Some(false));
    assert_eq!(o.rulebook.version, "2016.1+variant");
    assert_eq!(o.rulebook.variant_of.unwrap().changes, ["exit_limit=2.5"]);

    let ok = kaoping(&["check", "builtin:sc.poverty.village-exit", "--set", "exit_limit=2.5"]);
    assert_eq!(ok.code, 0, "{}", ok.stdout);
    assert!(
        ok.stdout.contains("2016.1+variant")
            && ok.stdout.contains("variant of sc.poverty.village-exit 2016.1")
    );
    // Problems the changes cause are placed in the base's text and name the change.
    let bad = kaoping(&["check", "builtin:example.county-assessment", "--set", "points.reduction.income=25"]);
    assert_eq!(bad.code, 1);
    assert!(
        bad.stdout.contains("builtin:example.county-assessment:50:1: PointsMismatch")
            && bad.stdout.contains("after change `points.reduction.income=25`"),
        "{}",
        bad.stdout
    );
    let unknown =
        kaoping(&["check", "builtin:example.county-assessment", "--set", "exit_limt=1", "--set", "x"]);
    assert_eq!(unknown.code, 1);
    assert!(unknown.stdout.contains("UnknownName: no parameter `exit_limt`"), "{}", unknown.stdout);
    assert!(
        unknown.stdout.contains("change `x`: no `=`") || unknown.stdout.contains("no `=`"),
        "{}",
        unknown.stdout
    );
    // A rulebook that does not load as a variant cannot be scored: exit 2.
    let s = kaoping(&[
        "score",
        "builtin:example.county-assessment",
        "cli/tests/data/example.county-assessment.csv",
        "--set",
        "nope=1",
    ]);
    assert_eq!(s.code, 2);
    assert!(s.stderr.contains("no parameter `nope`"), "{}", s.stderr);

    // `show --set` prints the variant's text, which loads as the same rulebook; a note names the
    // profiles a base-value change does not reach.
    let shown = kaoping(&["show", "builtin:example.county-assessment", "--set", "exit_limit=2.5"]);
    assert_eq!(shown.code, 0, "{}", shown.stderr);
    assert!(shown.stderr.contains("片区外"), "{}", shown.stderr);
    let file = write("variant.toml", &shown.stdout);
    let again = kaoping(&["check", &file]);
    assert_eq!(again.code, 0, "{}", again.stdout);
    let rb = kaoping::Rulebook::from_str(&shown.stdout, kaoping::Format::Toml).unwrap();
    let direct = kaoping::Rulebook::builtin("example.county-assessment")
        .unwrap()
        .with_params(&[("exit_limit", "2.5")])
        .unwrap();
    assert_eq!(rb.fingerprint(), direct.fingerprint());
    // `show` of a file, with changes.
    let twice = kaoping(&["show", &file, "--set", "inc_good=1.5"]);
    let rb2 = kaoping::Rulebook::from_str(&twice.stdout, kaoping::Format::Toml).unwrap();
    assert_eq!(rb2.variant_of().unwrap().changes, ["exit_limit=2.5", "inc_good=1.5"]);
}

#[test]
fn ahp_prints_refuses_accepts_and_writes() {
    let good = write("good.csv", ",a,b,c\na,1,3,5\nb,,1,3\nc,,,1\n");
    let r = kaoping(&["weights", "ahp", &good]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Saaty's 3×3: 0.6370, 0.2583, 0.1047; CR ≈ 0.033 with RI(3) = 0.58.
    for w in ["0.636986", "0.258285", "0.104729", "RI(3) = 0.58", "consistent: CR < 0.1"] {
        assert!(r.stdout.contains(w), "{w}: {}", r.stdout);
    }
    let json =
        kaoping(&["weights", "ahp", &good, "--json", "--ri", "donegan-dodd", "--method", "geometric-mean"]);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let a = &v["local"][0][1];
    assert_eq!(a["ri_table"], "donegan-dodd");
    assert_eq!(a["weighting"], "geometric-mean");
    assert_eq!(v["ri_source"], "Donegan & Dodd, Mathematical and Computer Modelling 15(10), 1991");

    let circular = write("circular.csv", ",a,b,c\na,1,9,1/9\nb,,1,9\nc,,,1\n");
    let r = kaoping(&["weights", "ahp", &circular]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("NOT consistent") && r.stderr.contains("CR = "), "{}\n{}", r.stdout, r.stderr);
    let r = kaoping(&["weights", "ahp", &circular, "--accept-inconsistent"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("accepted by --accept-inconsistent"), "{}", r.stdout);

    let bad = write("bad.csv", ",a,b\na,1,3\nb,0.2,1\n");
    let r = kaoping(&["weights", "ahp", &bad]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("bad.csv: cell (a, b) is 3 and cell (b, a) is 0.2: not reciprocal"),
        "{}",
        r.stderr
    );

    // Written into a variant of the spec's example: reduction's children get 3/4 and 1/4 of 50.
    let m = write("reduction.csv", ",贫困发生率,收入增幅\n贫困发生率,1,3\n收入增幅,,1\n");
    let out = tmp("ahp-variant.toml");
    let out = out.to_str().unwrap();
    let r = kaoping(&[
        "weights",
        "ahp",
        &m,
        "--rulebook",
        "builtin:example.county-assessment",
        "--node",
        "reduction",
        "--out",
        out,
        "--date",
        "2026-12-01",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let check = kaoping(&["check", out]);
    assert_eq!(check.code, 0, "{}", check.stdout);
    assert!(
        check.stdout.contains("points.reduction.incidence=37.50, points.reduction.income=12.50"),
        "{}",
        check.stdout
    );
    assert!(check.stdout.contains("provenance: points of reduction by ahp"), "{}", check.stdout);
    let rb = kaoping::Rulebook::from_file(out).unwrap();
    let p = &rb.provenance()[0];
    assert_eq!(p.date.unwrap().to_string(), "2026-12-01");
    assert_eq!(p.settings["ri_table"], "saaty");
    // --out without --rulebook is refused by the argument parser.
    assert_eq!(kaoping(&["weights", "ahp", &m, "--out", out]).code, 2);
}

#[test]
fn entropy_cv_and_topsis() {
    // The hand-worked example of the core's tests: weights 0.347531, 0.304939, 0, 0.347531.
    let data = write("cohort.csv", "单位,A,B,C,D,备注\n甲,1,5,4,10,x\n乙,2,7,4,20,\n丙,3,7,4,30,y\n");
    let r = kaoping(&["weights", "entropy", &data, "--key", "单位", "--cost", "D"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("`C` has the same value (4) for every unit: weight 0"), "{}", r.stderr);
    assert!(r.stderr.contains("left out: 备注"), "{}", r.stderr);
    for w in ["weight 0.347531", "weight 0.304939", "weight 0.000000", "cost"] {
        assert!(r.stdout.contains(w), "{w}: {}", r.stdout);
    }
    let cv = kaoping(&["weights", "cv", &data, "--key", "单位", "--columns", "A,B", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&cv.stdout).unwrap();
    assert_eq!(v["method"], "cv");
    assert_eq!(v["units"], 3);
    let one = write("one.csv", "a,b\n1,2\n");
    assert_eq!(kaoping(&["weights", "entropy", &one]).code, 2);

    // Entropy weights of reduction's two children, written as their points.
    let cohort = write("reduction-cohort.csv", "县,贫困发生率,收入增幅\n甲,1,8\n乙,2,10\n丙,4,9\n");
    let out = tmp("entropy-variant.toml");
    let out = out.to_str().unwrap();
    let r = kaoping(&[
        "weights",
        "entropy",
        &cohort,
        "--key",
        "县",
        "--cost",
        "贫困发生率",
        "--rulebook",
        "builtin:example.county-assessment",
        "--node",
        "reduction",
        "--out",
        out,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rb = kaoping::Rulebook::from_file(out).unwrap();
    let sum: rust_decimal::Decimal =
        rb.indicators().iter().filter(|i| i.parent.as_deref() == Some("reduction")).map(|i| i.points).sum();
    assert_eq!(sum.to_string(), "50.00");
    assert_eq!(rb.provenance()[0].method, "entropy");

    // TOPSIS on the MCDA package's example: the ideal and anti-ideal as documented there.
    let cars = write(
        "cars.csv",
        "car,Purchase Price,Economy,Aesthetics,Boot Capacity\nCorsa,5490,51.4,8.5,285\nClio,6500,70.6,7,288\nFiesta,6489,54.3,7.5,290\n",
    );
    let t = kaoping(&[
        "weights",
        "topsis",
        &cars,
        "--key",
        "car",
        "--cost",
        "Purchase Price",
        "--weights",
        "0.35,0.25,0.25,0.15",
        "--json",
    ]);
    assert_eq!(t.code, 0, "{}", t.stderr);
    let v: serde_json::Value = serde_json::from_str(&t.stdout).unwrap();
    let pis = [0.179573776, 0.171636015, 0.159499658, 0.087302767];
    for (j, x) in pis.iter().enumerate() {
        assert!((v["ideal"][j].as_f64().unwrap() - x).abs() < 5e-10, "{}", v["ideal"]);
    }
    let csv = kaoping(&[
        "weights",
        "topsis",
        &cars,
        "--key",
        "car",
        "--cost",
        "Purchase Price",
        "--weights",
        "Economy=0.25,Purchase Price=0.35,Aesthetics=0.25,Boot Capacity=0.15",
    ]);
    assert!(csv.stdout.starts_with("key,d_plus,d_minus,closeness,rank\nCorsa,"), "{}", csv.stdout);
    assert_eq!(csv.stdout.lines().count(), 4);
    let missing = kaoping(&["weights", "topsis", &cars, "--key", "car", "--weights", "Economy=1"]);
    assert_eq!(missing.code, 2);
    assert!(missing.stderr.contains("no weight for `Purchase Price`"), "{}", missing.stderr);
}
