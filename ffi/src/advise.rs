//! Advice (整改建议, issue #24) for C: the least changes of a record's actionable inputs that
//! reach a goal, each verified by scoring the changed record, handed back as the core's JSON
//! (schema `kaoping.advice/1`).

use std::ffi::c_char;

use kaoping_core::Record;
use kaoping_core::advise::{AdviseError, AdviseOptions, parse_goal};

use crate::boundary::{Failure, Out, borrow, boundary, c_str, give_string, text_buf};
use crate::error::kp_error;
use crate::options::{KpOptions, kp_options, options_or_default};
use crate::record::kp_record;
use crate::rulebook::{Book, kp_rulebook};
use crate::status::kp_status;

/// Advise `record` towards the goal text, as JSON.
fn advise(book: &Book, record: &Record, goal: &str, opts: &KpOptions) -> Result<String, Failure> {
    let goal = parse_goal(&book.rb, goal).map_err(|e| Failure::invalid(e.to_string()))?;
    let opts = AdviseOptions { score: opts.score.clone(), ..AdviseOptions::default() };
    match book.rb.advise(record, &goal, &opts) {
        Ok(a) => Ok(a.to_json()),
        Err(AdviseError::Record(e)) => Err(Failure::record(e)),
        Err(e) => Err(Failure::invalid(e.to_string())),
    }
}

/// Advice for a typed record: the least changes of its actionable inputs (not those declared
/// `actionable = false`, nor its key or profile) that reach `goal` — a grade's label ("较好"),
/// "passed" (or "达标"), or a total ("85") — as JSON (schema `kaoping.advice/1`): where it stands,
/// `blockers` (vetoes, grade rules, criteria in the way, each with the single changes that clear
/// it), `alternatives` best first (each: `changes` {input, label, unit, from, to, delta},
/// `effects` on the indicators, the `total`, `grade` and `passed` of the changed record, and the
/// words `zh` and `en`; every one verified by scoring the changed record), or `unreachable`
/// {reason, zh, en}; decimals as strings. The search is bounded: at most 3 inputs together, 5
/// alternatives, 20,000 records scored. `*out` is freed with `kp_string_free`; `out_len` (may be
/// NULL) gets its length. `options` (may be NULL) gives the profile and scoring date.
///
/// `KP_INVALID_ARGUMENT` when `goal` is no grade of the rulebook, not "passed" and not a number
/// (or the rulebook has nothing such a goal could read); `KP_RECORD_ERROR` when the record
/// itself cannot be scored.
#[unsafe(no_mangle)]
pub extern "C" fn kp_advise_json(
    rb: *const kp_rulebook,
    rec: *const kp_record,
    goal: *const c_char,
    options: *const kp_options,
    out: *mut *mut c_char,
    out_len: *mut usize,
    err: *mut *mut kp_error,
) -> kp_status {
    boundary(err, || {
        let book = borrow::<kp_rulebook>(rb, "rb")?;
        let rec = borrow::<kp_record>(rec, "rec")?;
        let goal = c_str(goal, "goal")?;
        let out = Out::new(out, "out")?;
        let opts = options_or_default(options);
        opts.check_profile(book)?;
        let text = advise(book, &rec.record, goal, opts)?;
        give_string(out, out_len, text);
        Ok(())
    })
}

/// `kp_advise_json` for a record given as a JSON object of `len` bytes of UTF-8 (as
/// `kp_score_json` reads it).
///
/// `KP_RECORD_ERROR` also when the JSON does not parse (kind `KP_KIND_SYNTAX`).
#[unsafe(no_mangle)]
pub extern "C" fn kp_advise_record_json(
    rb: *const kp_rulebook,
    json: *const c_char,
    len: usize,
    goal: *const c_char,
    options: *const kp_options,
    out: *mut *mut c_char,
    out_len: *mut usize,
    err: *mut *mut kp_error,
) -> kp_status {
    boundary(err, || {
        let book = borrow::<kp_rulebook>(rb, "rb")?;
        let json = text_buf(json, len, "json")?;
        let goal = c_str(goal, "goal")?;
        let out = Out::new(out, "out")?;
        let opts = options_or_default(options);
        opts.check_profile(book)?;
        let record = book.rb.record_from_json(json).map_err(Failure::record)?;
        let text = advise(book, &record, goal, opts)?;
        give_string(out, out_len, text);
        Ok(())
    })
}
