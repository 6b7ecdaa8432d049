//! The record decoder on JSON text, against built-in rulebooks that between them have every
//! input type (text, integer, decimal, boolean, numbers, items) and profiles: the first byte picks
//! the rulebook, the rest is a record object or an array of them. A record either scores or fails
//! with a typed `RecordError`; a batch has one slot per element; nothing panics.
#![no_main]

use std::sync::LazyLock;

use kaoping::{BatchOptions, Rulebook, ScoreOptions};
use libfuzzer_sys::fuzz_target;

static RULEBOOKS: LazyLock<Vec<Rulebook>> = LazyLock::new(|| {
    ["example.county-assessment", "cd.school.science-education", "cn.poverty.household-exit"]
        .iter()
        .map(|id| Rulebook::builtin(id).expect("built-in loads"))
        .collect()
});

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let rb = &RULEBOOKS[usize::from(pick) % RULEBOOKS.len()];
    if pick & 0x80 == 0 {
        match rb.score_json(text, &ScoreOptions::default()) {
            Ok(out) => kaoping_fuzz::check_outcome(rb, &out),
            Err(e) => assert!(!e.issues.is_empty(), "a record error lists its issues"),
        }
    } else if let Ok(rows) = rb.records_from_json(text) {
        let records: Vec<_> = rows.into_iter().flatten().collect();
        let batch = rb.score_batch(&records, &BatchOptions::default());
        assert_eq!(batch.len(), records.len());
    }
});
