//! `kaoping test`: run rulebooks' embedded `[[test]]` cases and print `N passed, M failed`; exit 1
//! if any failed, 2 if a rulebook did not load.

use crate::fail::{Fail, SOME_FAILED, UNUSABLE};
use crate::load::load_quiet;

/// `kaoping test RULEBOOK…`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Rulebook files or builtin:<id>.
    #[arg(required = true)]
    rulebooks: Vec<String>,
}

/// Run `kaoping test`.
pub fn run(args: Args) -> u8 {
    let (mut passed, mut failed, mut unusable) = (0usize, 0usize, false);
    for arg in &args.rulebooks {
        let rb = match load_quiet(arg, &[]) {
            Ok(rb) => rb,
            Err(e) => {
                Fail::rulebook(&e).eprint();
                unusable = true;
                continue;
            }
        };
        let report = rb.run_tests();
        for f in &report.failures {
            println!("FAIL {}: {f}", rb.id());
        }
        println!("{}: {}/{} tests passed", rb.id(), report.passed, report.run);
        passed += report.passed;
        failed += report.run - report.passed;
    }
    println!("{passed} passed, {failed} failed");
    if unusable {
        UNUSABLE
    } else if failed > 0 {
        SOME_FAILED
    } else {
        0
    }
}
