//! `--set NAME=VALUE` (on `score`, `explain`, `check` and `show`): the rulebook as a variant
//! with those changes, made and validated by the core (`Rulebook::variant`). Notes the core has
//! about the changes (profiles a base-value change does not reach) go to stderr.

use kaoping::{LoadError, Rulebook};

/// The help text of `--set`.
pub const SET_HELP: &str = "Change the rulebook for this run (a variant, validated like any rulebook): \
    NAME=VALUE (a parameter), NAME@PROFILE=VALUE (its value in a profile), NAME:DATE=VALUE (a dated \
    parameter from DATE on), points.ID=VALUE or weight.ID=VALUE (an indicator's points or weight, \
    @PROFILE too). Repeatable.";

/// `rb` with the `--set` changes, or `rb` itself when there are none.
pub fn with_sets(rb: Rulebook, sets: &[String]) -> Result<Rulebook, LoadError> {
    if sets.is_empty() {
        return Ok(rb);
    }
    let variant = sets.iter().fold(rb.variant(), |v, s| v.change_text(s));
    for note in variant.notes() {
        eprintln!("提示 note: {note}");
    }
    variant.build()
}
