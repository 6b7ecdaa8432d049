//! `kaoping test`: run rulebooks' embedded `[[test]]` cases and print `N passed, M failed`; exit 1
//! if any failed, 2 if a rulebook did not load.

use crate::fail::{Fail, SOME_FAILED, UNUSABLE, say};
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
    let (mut passed, mut failed, mut unusable, mut loaded) = (0usize, 0usize, false, 0usize);
    for arg in &args.rulebooks {
        let rb = match load_quiet(arg, &[]) {
            Ok(rb) => rb,
            Err(e) => {
                Fail::rulebook(&e).eprint();
                unusable = true;
                continue;
            }
        };
        loaded += 1;
        let report = rb.run_tests();
        for f in &report.failures {
            let zh = format!("{}：{}：应为 {}，实为 {}", f.test, f.field, f.expected, f.got);
            println!(
                "{}",
                say(format_args!("未通过 {}：{zh}", rb.id()), format_args!("FAIL {}: {f}", rb.id()))
            );
        }
        let (id, ok, run) = (rb.id(), report.passed, report.run);
        println!(
            "{}",
            say(
                format_args!("{id}：{run} 个测试通过 {ok} 个"),
                format_args!("{id}: {ok}/{run} tests passed")
            )
        );
        passed += report.passed;
        failed += report.run - report.passed;
    }
    // A rulebook that does not load says only so: no "0 passed, 0 failed" for tests never run.
    if loaded > 0 {
        println!(
            "{}",
            say(
                format_args!("通过 {passed} 个，失败 {failed} 个"),
                format_args!("{passed} passed, {failed} failed")
            )
        );
    }
    if unusable {
        UNUSABLE
    } else if failed > 0 {
        SOME_FAILED
    } else {
        0
    }
}
