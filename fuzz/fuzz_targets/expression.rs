//! The expression parser (spec §5): any text either parses or gives a `ParseError` whose span
//! lies inside the text. A parsed expression prints as canonical text that parses back to an
//! expression printing the same way (the printer's promise), and its depth stays within
//! `MAX_TREE_DEPTH`.
#![no_main]

use kaoping::internals::{MAX_TREE_DEPTH, parse_expression as parse};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match parse(text) {
        Ok(e) => {
            assert!(e.depth() <= MAX_TREE_DEPTH, "depth {} beyond the bound", e.depth());
            let printed = e.to_string();
            let again =
                parse(&printed).unwrap_or_else(|err| panic!("`{printed}` does not parse back: {err}"));
            assert_eq!(again.to_string(), printed, "printing is canonical");
            let _ = e.names();
        }
        Err(err) => {
            let _ = err.to_string();
        }
    }
});
