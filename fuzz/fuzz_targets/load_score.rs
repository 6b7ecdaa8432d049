//! Load-then-score with structured random rulebooks (`arbitrary`): a `RulebookSpec` becomes
//! TOML that is mostly well formed, so the compiler's checks (§14) and the evaluator are reached;
//! with the component rulebooks it may use (nested, with optional inputs, derived values, lists).
//! A rulebook that loads "cannot fail for reasons of its own" (§14): records score or fail with a
//! typed error, points stay within [0, max], JSON round-trips, and a batch (parallel or not)
//! gives every row what scoring it alone gives (§12, rulebooks without relative rules).
#![no_main]

use kaoping_fuzz::{RecordSpec, RulebookSpec};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (RulebookSpec, Vec<RecordSpec>)| {
    let (spec, records) = input;
    // `KAOPING_FUZZ_SHOW=1 fuzz/target/…/load_score ARTIFACT` prints what an input builds, to
    // write its regression test from.
    if std::env::var_os("KAOPING_FUZZ_SHOW").is_some() {
        for j in 0..spec.component_ids().len() {
            eprintln!("--- component {j}\n{}", spec.component_toml(j));
        }
        eprintln!("--- rulebook\n{}\n--- records\n{records:#?}", spec.toml());
    }
    let rb = match spec.load() {
        Ok(rb) => rb,
        Err(e) => {
            assert!(!e.problems.is_empty());
            return;
        }
    };
    kaoping_fuzz::exercise(&rb);
    let records: Vec<_> = records.iter().take(8).map(|r| r.record(&rb)).collect();
    kaoping_fuzz::score_all(&rb, &records);
});
