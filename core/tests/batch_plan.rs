//! Every built-in says before scoring how its batches are scored (`Rulebook::batch_plan`), and
//! says it truly: a rulebook that plans the fast path scores its ordinary rows there, one that
//! does not says why.

use kaoping::{BatchOptions, Rulebook};

#[test]
fn every_builtin_says_how_its_batches_are_scored() {
    let mut fast = Vec::new();
    let mut slow = Vec::new();
    for id in Rulebook::builtin_ids() {
        let rb = Rulebook::builtin(id).unwrap();
        let plan = rb.batch_plan();
        assert_eq!(plan.fast, plan.reason.is_none(), "{id}: {plan:?}");
        match plan.reason {
            None => fast.push(id.to_string()),
            Some(r) => {
                assert!(!r.trim().is_empty(), "{id}: an empty reason");
                slow.push(format!("{id}: {r}"));
            }
        }
    }
    eprintln!("fast path: {fast:?}\ninterpreter: {slow:#?}");
    // The built-ins on the fast path today stay on it.
    for id in [
        "cn.poverty.household-exit",
        "sc.poverty.household-exit",
        "sc.poverty.village-exit",
        "sc.poverty.county-exit",
        "cn.poverty.third-party.household",
        "sc.poverty.county-assessment",
        "sc.poverty.county-combined.third-party",
        "sc.poverty.county-combined.departments",
        "cd.school.science-term",
        "cn.science-literacy",
    ] {
        assert!(fast.iter().any(|f| f == id), "{id} left the fast path: {slow:?}");
    }
}

#[test]
fn the_plan_is_what_the_batch_does() {
    let samples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rulebooks/samples");
    let opts = BatchOptions { parallel: false, ..BatchOptions::default() };
    let score = |id: &str, file: &str| {
        let rb = Rulebook::builtin(id).unwrap();
        let bytes = std::fs::read(samples.join(file)).unwrap();
        let t = kaoping::table::read_csv(&rb, &bytes, None).unwrap();
        (rb.batch_plan(), rb.score_rows(&t.records, &opts))
    };
    let (plan, batch) = score("sc.poverty.county-assessment", "counties.csv");
    assert!(plan.fast);
    assert!(batch.fast_rows() > batch.len() / 2, "{} of {} fast", batch.fast_rows(), batch.len());
    let (plan, batch) = score("sc.poverty.household-exit", "households.csv");
    assert!(plan.fast);
    assert!(batch.fast_rows() > batch.len() / 2, "{} of {} fast", batch.fast_rows(), batch.len());
    let (plan, batch) = score("sc.poverty.village-exit.households", "rollup/villages.csv");
    assert_eq!(plan.reason.as_deref(), Some("aggregates over lists"));
    assert_eq!(batch.fast_rows(), 0, "it said the interpreter");
}
