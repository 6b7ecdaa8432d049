//! The RULEBOOK argument of every command: a rulebook file (.toml, .json) or `builtin:<id>`,
//! loaded, and made a variant by `--set NAME=VALUE` (on `score`, `explain`, `check` and `show`):
//! the rulebook with those changes, made and validated by the core (`Rulebook::variant`). Notes
//! the core has about the changes (profiles a base-value change does not reach) go to stderr.

use kaoping::{LoadError, Loader, Rulebook};

use crate::fail::Fail;

/// The help text of `--set`.
pub const SET_HELP: &str = "Change the rulebook for this run (a variant, validated like any rulebook): \
    NAME=VALUE (a parameter), NAME@PROFILE=VALUE (its value in a profile), NAME:DATE=VALUE (a dated \
    parameter from DATE on), points.ID=VALUE or weight.ID=VALUE (an indicator's points or weight, \
    @PROFILE too). Repeatable.";

/// Load a rulebook from a path or `builtin:<id>`, as a variant when `--set` changes are given
/// (exit 2 with every problem if it does not load).
pub fn load(arg: &str, sets: &[String]) -> Result<Rulebook, Fail> {
    load_quiet(arg, sets).map_err(|e| Fail::rulebook(&located(e, arg)))
}

/// [`load`], with the problems returned rather than made a failure (for `check` and `test`,
/// which go on to the next rulebook).
pub fn load_quiet(arg: &str, sets: &[String]) -> Result<Rulebook, LoadError> {
    let rb = match arg.strip_prefix("builtin:") {
        Some(id) => Rulebook::builtin(id),
        None => Loader::new().load_file(arg),
    }?;
    with_sets(rb, sets)
}

/// A variant's problems are placed in the base rulebook's text: name its file.
pub fn located(mut e: LoadError, arg: &str) -> LoadError {
    for p in &mut e.problems {
        if p.location.line.is_some() {
            p.location.file.get_or_insert_with(|| arg.to_owned());
        }
    }
    e
}

/// `rb` with the `--set` changes, or `rb` itself when there are none.
pub fn with_sets(rb: Rulebook, sets: &[String]) -> Result<Rulebook, LoadError> {
    if sets.is_empty() {
        return Ok(rb);
    }
    let variant = sets.iter().fold(rb.variant(), |v, s| v.change_text(s));
    for note in variant.notes() {
        eprintln!("{}", crate::fail::say(format_args!("提示：{note}"), format_args!("note: {note}")));
    }
    variant.build()
}
