//! `kaoping check`: load rulebooks and print every problem as `file:line:column` (the form editors
//! and compilers use), or a line saying what loaded; exit 1 if any problem.

use crate::fail::{SOME_FAILED, problem_line};
use crate::load::{SET_HELP, load_quiet};

/// `kaoping check RULEBOOK… [--set NAME=VALUE…]`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Rulebook files or builtin:<id>.
    #[arg(required = true)]
    rulebooks: Vec<String>,
    #[arg(long = "set", value_name = "NAME=VALUE", help = SET_HELP)]
    set: Vec<String>,
}

/// Run `kaoping check`.
pub fn run(args: Args) -> u8 {
    let mut problems = 0usize;
    for arg in &args.rulebooks {
        match load_quiet(arg, &args.set) {
            Ok(rb) => {
                println!(
                    "{arg}: ok — {} {}（{} 个指标 indicators，满分 max {}）",
                    rb.id(),
                    rb.version(),
                    rb.indicators().len(),
                    rb.max(None).map_or_else(|| "—".to_owned(), |m| m.to_string())
                );
                // What to publish with the scores: every result carries it too.
                println!("  指纹 fingerprint: {}", rb.fingerprint());
                if let Some(of) = rb.variant_of() {
                    println!(
                        "  变体 variant of {} {} ({}…): {}",
                        of.id,
                        of.version,
                        &of.fingerprint[..of.fingerprint.len().min(12)],
                        of.changes.join(", ")
                    );
                }
                for p in rb.provenance() {
                    let node = p.node.as_deref().map(|n| format!(" of {n}")).unwrap_or_default();
                    let what = p.written_as.as_deref().unwrap_or("values");
                    let settings: Vec<String> = p.settings.iter().map(|(k, v)| format!("{k}={v}")).collect();
                    println!("  来源 provenance: {what}{node} by {} ({})", p.method, settings.join(", "));
                }
            }
            Err(e) => {
                problems += e.problems.len();
                for p in &e.problems {
                    let mut p = p.clone();
                    p.location.file.get_or_insert_with(|| arg.clone());
                    println!("{}", problem_line(&p));
                }
            }
        }
    }
    if problems > 0 {
        eprintln!(
            "{}",
            crate::fail::say(format_args!("{problems} 个问题"), format_args!("{problems} problem(s)"))
        );
        SOME_FAILED
    } else {
        0
    }
}
