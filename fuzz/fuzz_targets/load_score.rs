//! Load-then-score with structured random rulebooks (`arbitrary`): a `RulebookSpec` becomes
//! TOML that is mostly well formed, so the compiler's checks (§14) and the evaluator are reached.
//! A rulebook that loads "cannot fail for reasons of its own" (§14): records score or fail with a
//! typed error, points stay within [0, max], JSON round-trips, and a batch (parallel or not)
//! gives every row what scoring it alone gives (§12, rulebooks without relative rules).
#![no_main]

use kaoping::{Format, Rulebook};
use kaoping_fuzz::{RecordSpec, RulebookSpec};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (RulebookSpec, Vec<RecordSpec>)| {
    let (spec, records) = input;
    let text = spec.toml();
    let rb = match Rulebook::from_str(&text, Format::Toml) {
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
