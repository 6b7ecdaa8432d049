//! CSV tables: bytes are decoded (detected, or forced to UTF-8 or GB18030 by the first byte),
//! split into rows and matched to a built-in rulebook's inputs by name or label. The table is
//! refused with a `TableError`, or each row gets a slot holding a record or its own error; every
//! record then scores or fails with a typed error. Nothing panics.
#![no_main]

use std::sync::LazyLock;

use kaoping::table::{Encoding, read_csv};
use kaoping::{BatchOptions, Rulebook};
use libfuzzer_sys::fuzz_target;

static RULEBOOKS: LazyLock<Vec<Rulebook>> = LazyLock::new(|| {
    ["example.county-assessment", "cd.school.science-education"]
        .iter()
        .map(|id| Rulebook::builtin(id).expect("built-in loads"))
        .collect()
});

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else { return };
    let rb = &RULEBOOKS[usize::from(pick & 1)];
    let enc = match (pick >> 1) % 3 {
        0 => None,
        1 => Some(Encoding::Utf8),
        _ => Some(Encoding::Gb18030),
    };
    let Ok(table) = read_csv(rb, bytes, enc) else { return };
    assert_eq!(table.records.len(), table.lines.len(), "one line per row");
    let records: Vec<_> = table.records.into_iter().flatten().collect();
    kaoping_fuzz::score_all(rb, &records[..records.len().min(16)]);
    let batch = rb.score_batch(&records, &BatchOptions::default());
    assert_eq!(batch.len(), records.len());
});
