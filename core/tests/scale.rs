//! Work that grows with the input stays linear (or n log n where it sorts): every rule that reads a
//! list scores a 200,000-item record in well under a second, and a large, legal rulebook (1,000
//! profiles, a parameter dated 1,000 times, 500 indicators) loads in seconds. Timed, so these run
//! in release only (`cargo test --release --test scale`, in scripts/checks/10-rust.sh); a debug
//! build is an order of magnitude slower and says nothing about the shape.

use std::time::{Duration, Instant};

use kaoping::{Format, Item, Rulebook, ScoreOptions, Value};
use rust_decimal::Decimal;

const N: usize = 200_000;
// "Well under a second" on a quiet machine; quadratic passes took 53 s for this many items.
const LIMIT: Duration = Duration::from_secs(1);

fn rulebook(rule: &str, input: &str) -> Rulebook {
    let text = format!(
        "[rulebook]\nid = \"long\"\ntitle = \"long\"\nversion = \"1\"\n[inputs]\n{input}\n\
         [[indicator]]\nid = \"x\"\nlabel = \"X\"\npoints = 1000000000\n{rule}\n"
    );
    Rulebook::from_str(&text, Format::Toml).unwrap()
}

/// The time to score a record holding `list`, explained (every item's lookup noted) and not (as a
/// batch scores), and the total.
fn timed(rb: &Rulebook, list: Value) -> (Duration, Decimal) {
    let mut r = rb.record();
    r.set("xs", list);
    let start = Instant::now();
    let out = rb.score(&r, &ScoreOptions::default()).unwrap();
    let explained = start.elapsed();
    let records = [r];
    let start = Instant::now();
    let batch = rb.score_batch(&records, &Default::default());
    let plain = start.elapsed();
    assert_eq!(batch.row(0).total(), out.total);
    (explained.max(plain), out.total.unwrap())
}

fn awards() -> Value {
    let items = (0..N)
        .map(|i| {
            Item::new()
                .with("level", if i % 3 == 0 { "国家级" } else { "省级" })
                .with("prize", "一等奖")
                .with("work", format!("w{i}"))
                .with("category", format!("c{}", i % 1000))
        })
        .collect();
    Value::Items(items)
}

const ITEMS_INPUT: &str = "xs = { type = \"items\", fields = { level = \"text\", prize = \"text\", work = \"text\", category = \"text\" } }";

#[cfg_attr(debug_assertions, ignore = "timed: runs in release (scripts/checks/10-rust.sh)")]
#[test]
fn items_with_best_per_and_cap_per_are_linear() {
    let table = "table = { \"国家级\" = { \"一等奖\" = 3 }, \"省级\" = { \"一等奖\" = 1 } }, else = 0";
    for extra in [
        "",
        ", best_per = \"work\"",
        ", cap_per = { field = \"category\", cap = 1000 }",
        ", best_per = \"work\", cap_per = { field = \"category\", cap = 1000 }",
    ] {
        let rb = rulebook(
            &format!("items = {{ input = \"xs\", keys = [\"level\", \"prize\"], {table}{extra} }}"),
            ITEMS_INPUT,
        );
        let (took, total) = timed(&rb, awards());
        // 66,667 national at 3 + 133,333 provincial at 1 = 333,334; caps of 1000 per category (334 at most) never bind.
        assert_eq!(total, Decimal::from(333_334), "{extra}");
        assert!(took < LIMIT, "items{extra}: {took:?} for {N} items");
    }
}

#[cfg_attr(debug_assertions, ignore = "timed: runs in release (scripts/checks/10-rust.sh)")]
#[test]
fn counts_and_deductions_over_lists_are_linear() {
    for rule in ["count = { input = \"xs\", each = 1 }", "deduct = { input = \"xs\", each = 1, floor = 0 }"] {
        let rb = rulebook(rule, ITEMS_INPUT);
        let (took, _) = timed(&rb, awards());
        assert!(took < LIMIT, "{rule}: {took:?} for {N} items");
    }
}

/// Aggregates over a list (spec §18) are one pass each, and `order_by` one stable sort.
#[cfg_attr(debug_assertions, ignore = "timed: runs in release (scripts/checks/10-rust.sh)")]
#[test]
fn aggregates_and_order_by_are_n_log_n() {
    let input = "xs = { type = \"items\", fields = { level = \"text\", prize = \"text\", work = \"text\", \
                 category = \"text\" }, order_by = \"work\" }";
    let rb = rulebook(
        r#"formula = 'count(xs, item.level == "国家级") + share(xs, item.prize == "一等奖") + (if last(xs, item.work) == "w99999" then 1 else 0)'"#,
        input,
    );
    let (took, total) = timed(&rb, awards());
    // 66,667 national + 100 (% first prizes) + 1 (w99999 sorts last by code point).
    assert_eq!(total, Decimal::from(66_768));
    assert!(took < LIMIT, "aggregates: {took:?} for {N} items");
}

#[cfg_attr(debug_assertions, ignore = "timed: runs in release (scripts/checks/10-rust.sh)")]
#[test]
fn panels_are_n_log_n() {
    let marks: Vec<Decimal> = (0..N).map(|i| Decimal::new((i * 7919 % 1001) as i64, 2)).collect();
    for method in ["mean", "median", "trimmed_mean"] {
        let rb = rulebook(
            &format!("panel = {{ input = \"xs\", method = \"{method}\", trim = 1000, scale_max = 10 }}"),
            "xs = { type = \"numbers\", min = 0, max = 10 }",
        );
        let (took, _) = timed(&rb, Value::Numbers(marks.clone()));
        assert!(took < LIMIT, "panel {method}: {took:?} for {N} marks");
    }
}

#[cfg_attr(debug_assertions, ignore = "timed: runs in release (scripts/checks/10-rust.sh)")]
#[test]
fn a_large_legal_rulebook_loads_in_seconds() {
    // Checks that depend on parameters run once per distinct setting of the parameters a rule
    // reads, on the dates they change: not profiles × dates × rules (500 million here).
    let mut t = String::from(
        "[rulebook]\nid = \"big\"\ntitle = \"big\"\nversion = \"1\"\nas_of = 2100-01-01\nprofile_field = \"p\"\n",
    );
    for i in 0..1000 {
        t.push_str(&format!("[profiles.\"p{i}\"]\n"));
    }
    t.push_str("[inputs]\np = { type = \"text\" }\nx = { type = \"decimal\" }\n[params]\n");
    let dated: Vec<String> =
        (0..1000).map(|i| format!("{:04}-{:02}-01 = {}", 2000 + i / 12, i % 12 + 1, i + 1)).collect();
    t.push_str(&format!("t = {{ dated = {{ {} }}, profiles = {{ \"p7\" = 5 }} }}\n", dated.join(", ")));
    for i in 0..500 {
        t.push_str(&format!(
            "[[indicator]]\nid = \"i{i}\"\nlabel = \"I\"\npoints = 1\nbands = {{ input = \"x\", at_most = [[\"t\", 1]], else = 0 }}\n"
        ));
    }
    assert!(t.len() < 100_000, "a file under 100 KiB: {}", t.len());
    let start = Instant::now();
    let rb = Rulebook::from_str(&t, Format::Toml).unwrap();
    let took = start.elapsed();
    assert_eq!(rb.profiles().len(), 1000);
    assert!(took < Duration::from_secs(3), "loading took {took:?}");
}
