//! Scoring one record (`kp_score` for typed records, `kp_score_json` for JSON) and `kp_result`, the
//! fully explained result: typed accessors for the figures a caller stores (total, grade, points
//! of an indicator…), the versioned JSON (`kaoping.result/2`), and the explanation in words.
//! Decimals leave as text exactly as the core publishes them ("93.50"), never as doubles.

use std::ffi::c_char;
use std::sync::OnceLock;

use kaoping_core::{Lang, Outcome};
use rust_decimal::Decimal;

use crate::boundary::{
    Failure, Handle, Out, borrow, boundary, c_str, free, give_string, guard, into_raw, status_only, text_buf,
};
use crate::detail::Details;
use crate::error::kp_error;
use crate::options::{kp_options, options_or_default};
use crate::record::kp_record;
use crate::rulebook::kp_rulebook;
use crate::status::kp_status;

/// A scored record with its full explanation. Owned by the caller; free it with
/// `kp_result_free`. Reading it from several threads at once is safe.
pub struct kp_result {
    _private: [u8; 0],
}

/// The value behind a `kp_result`: the outcome, and its strings for the `kp_result_*_at`
/// accessors once one is asked for.
#[derive(Debug)]
pub struct KpResult {
    /// The scored record, explained.
    pub outcome: Outcome,
    details: OnceLock<Details>,
}

impl KpResult {
    /// The result's lists as C strings (made on first use; safe from several threads at once).
    pub fn details(&self) -> &Details {
        self.details.get_or_init(|| Details::new(&self.outcome))
    }
}

impl Handle for kp_result {
    type Inner = KpResult;
}

/// The language of an explanation or an error message: `KP_LANG_ZH` or `KP_LANG_EN`.
pub type kp_lang = i32;
/// 中文.
pub const KP_LANG_ZH: kp_lang = 1;
/// English.
pub const KP_LANG_EN: kp_lang = 2;

/// Give an outcome to C.
pub fn give_result(out: Out<*mut kp_result>, outcome: Outcome) {
    out.set(into_raw::<kp_result>(KpResult { outcome, details: OnceLock::new() }));
}

/// Score a typed record with `rb` (the record may have been made for another rulebook: its
/// values are then matched by input name). `options` may be NULL (the defaults).
///
/// `KP_RECORD_ERROR` when the record cannot be scored: `*err` lists every issue (all input
/// problems together, in declaration order, or the evaluation fault and where it happened).
#[unsafe(no_mangle)]
pub extern "C" fn kp_score(
    rb: *const kp_rulebook,
    rec: *const kp_record,
    options: *const kp_options,
    out: *mut *mut kp_result,
    err: *mut *mut kp_error,
) -> kp_status {
    boundary(err, || {
        let book = borrow::<kp_rulebook>(rb, "rb")?;
        let rec = borrow::<kp_record>(rec, "rec")?;
        let out = Out::new(out, "out")?;
        let opts = options_or_default(options);
        opts.check_profile(book)?;
        let outcome = book.rb.score(&rec.record, &opts.score).map_err(Failure::record)?;
        give_result(out, outcome);
        Ok(())
    })
}

/// Score a record given as a JSON object of `len` bytes of UTF-8 (not necessarily NUL-terminated):
/// `{"county": "甲县", "income_growth": "9.5", "sampled": 320, …}`. Decimals may be JSON numbers
/// (read from their text, never through a double) or strings; `null` is missing. `options` may be
/// NULL.
///
/// `KP_RECORD_ERROR` when the record cannot be scored (including JSON that does not parse, kind
/// `KP_KIND_SYNTAX`, and a profile in the options that the rulebook does not declare, kind
/// `KP_KIND_UNKNOWN_PROFILE`, checked first).
#[unsafe(no_mangle)]
pub extern "C" fn kp_score_json(
    rb: *const kp_rulebook,
    json: *const c_char,
    len: usize,
    options: *const kp_options,
    out: *mut *mut kp_result,
    err: *mut *mut kp_error,
) -> kp_status {
    boundary(err, || {
        let book = borrow::<kp_rulebook>(rb, "rb")?;
        let out = Out::new(out, "out")?;
        let json = text_buf(json, len, "json")?;
        let opts = options_or_default(options);
        opts.check_profile(book)?;
        let outcome = book.rb.score_json(json, &opts.score).map_err(Failure::record)?;
        give_result(out, outcome);
        Ok(())
    })
}

fn no_value(what: &str) -> Failure {
    Failure::new(kp_status::KP_NO_VALUE, format!("the result has no {what}"))
}

/// Write an optional decimal as text, or fail with `KP_NO_VALUE`.
fn give_decimal(
    out: *mut *mut c_char,
    value: impl FnOnce(&Outcome) -> Option<Decimal>,
    r: *const kp_result,
    what: &str,
) -> kp_status {
    status_only(|| {
        let o = &borrow::<kp_result>(r, "result")?.outcome;
        let out = Out::new(out, "out")?;
        let d = value(o).ok_or_else(|| no_value(what))?;
        give_string(out, std::ptr::null_mut(), d.to_string());
        Ok(())
    })
}

/// The published total as decimal text at the rulebook's scale ("93.50"). `KP_NO_VALUE` for a
/// criteria-only rulebook. `*out` is freed with `kp_string_free`.
#[unsafe(no_mangle)]
pub extern "C" fn kp_result_total(result: *const kp_result, out: *mut *mut c_char) -> kp_status {
    give_decimal(out, |o| o.total, result, "total")
}

/// The maximum total in the record's profile ("100.00"). `KP_NO_VALUE` for a criteria-only
/// rulebook. `*out` is freed with `kp_string_free`.
#[unsafe(no_mangle)]
pub extern "C" fn kp_result_max(result: *const kp_result, out: *mut *mut c_char) -> kp_status {
    give_decimal(out, |o| o.max, result, "max")
}

/// The grade (等次) label, e.g. "较好". `KP_NO_VALUE` when the rulebook has no grades. `*out` is
/// freed with `kp_string_free`.
#[unsafe(no_mangle)]
pub extern "C" fn kp_result_grade(result: *const kp_result, out: *mut *mut c_char) -> kp_status {
    status_only(|| {
        let o = &borrow::<kp_result>(result, "result")?.outcome;
        let out = Out::new(out, "out")?;
        let grade = o.grade.clone().ok_or_else(|| no_value("grade"))?;
        give_string(out, std::ptr::null_mut(), grade);
        Ok(())
    })
}

/// Whether every criterion (达标条件) holds. `KP_NO_VALUE` when the rulebook has no criteria.
#[unsafe(no_mangle)]
pub extern "C" fn kp_result_passed(result: *const kp_result, out: *mut bool) -> kp_status {
    status_only(|| {
        let o = &borrow::<kp_result>(result, "result")?.outcome;
        let out = Out::new(out, "out")?;
        out.set(o.passed.ok_or_else(|| no_value("criteria"))?);
        Ok(())
    })
}

/// The record's key: its `key_field` value, or else its 1-based row number (in a batch; "1" for a
/// record scored alone), as the core gives it. `*out` is freed with `kp_string_free`.
#[unsafe(no_mangle)]
pub extern "C" fn kp_result_key(result: *const kp_result, out: *mut *mut c_char) -> kp_status {
    status_only(|| {
        let o = &borrow::<kp_result>(result, "result")?.outcome;
        let out = Out::new(out, "out")?;
        give_string(out, std::ptr::null_mut(), o.key.clone());
        Ok(())
    })
}

/// The profile the record was scored in. `KP_NO_VALUE` when it was scored with the base values.
/// `*out` is freed with `kp_string_free`.
#[unsafe(no_mangle)]
pub extern "C" fn kp_result_profile(result: *const kp_result, out: *mut *mut c_char) -> kp_status {
    status_only(|| {
        let o = &borrow::<kp_result>(result, "result")?.outcome;
        let out = Out::new(out, "out")?;
        let p = o.profile.clone().ok_or_else(|| no_value("profile"))?;
        give_string(out, std::ptr::null_mut(), p);
        Ok(())
    })
}

/// The published points of indicator `id` (dotted, NUL-terminated, e.g. "reduction.income") as
/// decimal text. `KP_NOT_FOUND` when the rulebook has no such indicator; `KP_NO_VALUE` when it was
/// left out for this record (not applicable). `*out` is freed with `kp_string_free`.
#[unsafe(no_mangle)]
pub extern "C" fn kp_result_points(
    result: *const kp_result,
    id: *const c_char,
    out: *mut *mut c_char,
) -> kp_status {
    status_only(|| {
        let o = &borrow::<kp_result>(result, "result")?.outcome;
        let id = c_str(id, "id")?;
        let out = Out::new(out, "out")?;
        let node = o.node(id).ok_or_else(|| {
            Failure::new(kp_status::KP_NOT_FOUND, format!("no indicator `{id}` in the result"))
        })?;
        let points = node.points.ok_or_else(|| no_value(&format!("points for `{id}` (left out)")))?;
        give_string(out, std::ptr::null_mut(), points.to_string());
        Ok(())
    })
}

/// The result as JSON (schema `kaoping.result/2`: every node's points and how they were reached,
/// vetoes, criteria, lost points, the next grade; decimals as strings). `*out` is freed with
/// `kp_string_free`; `out_len` (may be NULL) gets its length in bytes.
#[unsafe(no_mangle)]
pub extern "C" fn kp_result_to_json(
    result: *const kp_result,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> kp_status {
    status_only(|| {
        let o = &borrow::<kp_result>(result, "result")?.outcome;
        let out = Out::new(out, "out")?;
        give_string(out, out_len, o.to_json());
        Ok(())
    })
}

/// The result explained in words, in `lang` (`KP_LANG_ZH` or `KP_LANG_EN`): every indicator's
/// points and the rule that gave them, vetoes, criteria, lost points, the gap to the next grade.
/// `KP_INVALID_ARGUMENT` for another language code. `*out` is freed with `kp_string_free`;
/// `out_len` (may be NULL) gets its length in bytes.
#[unsafe(no_mangle)]
pub extern "C" fn kp_result_explain(
    result: *const kp_result,
    lang: kp_lang,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> kp_status {
    status_only(|| {
        let o = &borrow::<kp_result>(result, "result")?.outcome;
        let out = Out::new(out, "out")?;
        let lang = match lang {
            KP_LANG_ZH => Lang::Zh,
            KP_LANG_EN => Lang::En,
            other => {
                return Err(Failure::invalid(format!("language {other} is not KP_LANG_ZH or KP_LANG_EN")));
            }
        };
        give_string(out, out_len, kaoping_core::explain(o, lang));
        Ok(())
    })
}

/// Free a result. NULL is a no-op.
#[unsafe(no_mangle)]
pub extern "C" fn kp_result_free(result: *mut kp_result) {
    guard(|| free(result))
}
