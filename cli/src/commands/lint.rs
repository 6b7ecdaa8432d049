//! `kaoping lint`: what each rulebook can and cannot do, proven from the rulebook alone by the
//! core (`Rulebook::lint`) — findings as `file:line:column: severity[code]: message [path]`, then
//! the reachable range of every indicator and of the total in every profile and period, which
//! authors want to see even when nothing is wrong. `--json` prints the core's JSON instead
//! (`kaoping.lint/1`, one object per rulebook, one per line).
//!
//! Exit: 0 when no finding is an error (warnings are printed, and fail only with
//! `--deny-warnings`), 1 otherwise, 2 when a rulebook does not load.

use kaoping::Lang;
use kaoping::lint::Severity;

use crate::fail::{Fail, SOME_FAILED};
use crate::load::{SET_HELP, load};

/// `kaoping lint RULEBOOK… [--set NAME=VALUE…] [--lang en] [--json] [--deny-warnings]`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Rulebook files or builtin:<id>.
    #[arg(required = true)]
    rulebooks: Vec<String>,
    /// Print each rulebook's lint as JSON (kaoping.lint/1), one line each.
    #[arg(long)]
    json: bool,
    /// Exit 1 on warnings too, not only on errors.
    #[arg(long)]
    deny_warnings: bool,
    #[arg(long = "set", value_name = "NAME=VALUE", help = SET_HELP)]
    set: Vec<String>,
}

/// Run `kaoping lint`; returns the exit code.
pub fn run(args: Args) -> Result<u8, Fail> {
    let lang: Lang = crate::fail::lang();
    let worst = if args.deny_warnings { Severity::Warning } else { Severity::Error };
    let mut failing = 0usize;
    for (k, arg) in args.rulebooks.iter().enumerate() {
        let rb = load(arg, &args.set)?;
        let mut lint = rb.lint();
        // Findings are placed in the rulebook's text: name the file it came from.
        for f in &mut lint.findings {
            if f.location.line.is_some() {
                f.location.file.get_or_insert_with(|| arg.clone());
            }
        }
        failing += lint.findings.iter().filter(|f| f.severity >= worst).count();
        if args.json {
            println!("{}", lint.to_json());
            continue;
        }
        if k > 0 {
            println!();
        }
        let counts = |s: Severity| lint.findings.iter().filter(|f| f.severity == s).count();
        let (e, w, i) = (counts(Severity::Error), counts(Severity::Warning), counts(Severity::Info));
        println!(
            "{}",
            if lang == Lang::Zh {
                format!("{arg}：{} {}，错误 {e}，警告 {w}，提示 {i}", lint.rulebook, lint.version)
            } else {
                format!(
                    "{arg}: {} {}, {e} error(s), {w} warning(s), {i} note(s)",
                    lint.rulebook, lint.version
                )
            }
        );
        print!("{}", lint.text(lang));
    }
    Ok(if failing > 0 { SOME_FAILED } else { 0 })
}
