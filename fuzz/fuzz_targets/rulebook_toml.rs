//! The rulebook loader on TOML text: any bytes either load (and then every read-only entry point
//! and scoring an empty record work) or give a `LoadError` with at least one problem. Never a
//! panic, never a stack overflow.
#![no_main]

use kaoping::{Format, Rulebook};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match Rulebook::from_str(text, Format::Toml) {
        Ok(rb) => kaoping_fuzz::exercise(&rb),
        Err(e) => {
            assert!(!e.problems.is_empty(), "a load error lists its problems");
            let _ = e.to_string();
        }
    }
});
