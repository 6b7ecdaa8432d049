//! What if the rules change (issue #23): two rulebooks compared over the same rows
//! (`kp_compare_json`, `kp_compare_csv`) and a rulebook's lint (`kp_rulebook_lint_json`), each
//! handed back as the core's JSON. A variant to compare with is made by `kp_rulebook_with_params`.

use std::ffi::c_char;

use kaoping_core::{CompareOptions, Comparison, Record, RecordError};

use crate::boundary::{Failure, Out, borrow, boundary, bytes, give_string, status_only, text_buf};
use crate::error::kp_error;
use crate::options::{KpOptions, kp_options, options_or_default};
use crate::rulebook::{Book, kp_rulebook};
use crate::status::kp_status;

/// The comparison options of a `kp_options`: its profile, scoring date and threads.
fn compare_options(opts: &KpOptions) -> CompareOptions {
    CompareOptions {
        profile: opts.score.profile.clone(),
        as_of: opts.score.as_of,
        parallel: opts.parallel,
        ..CompareOptions::default()
    }
}

/// Compare rows read once by each rulebook, on the library's threads.
fn compare(
    old: &Book,
    new: &Book,
    a: Vec<Result<Record, RecordError>>,
    b: Vec<Result<Record, RecordError>>,
    opts: &KpOptions,
) -> Result<String, Failure> {
    let co = compare_options(opts);
    let c = crate::shutdown::run(opts.parallel, || Comparison::rows(&old.rb, &new.rb, &a, &b, &co))
        .map_err(|e| Failure::invalid(e.message))?;
    Ok(c.to_json())
}

/// Compare two rulebooks over a JSON array of record objects (`len` bytes of UTF-8), each
/// rulebook reading every object by its own inputs: which units change total, grade or verdict,
/// and why. `*out` gets the comparison as JSON (schema `kaoping.compare/1`: both rulebooks, every
/// unit's two results side by side with the change, each indicator's points and the exact
/// attribution of the change, the summary — transition matrix, ups and downs, buckets, each
/// profile, the indicators that moved most — and the biggest movers with both results; decimals
/// as strings), freed with `kp_string_free`; `out_len` (may be NULL) gets its length. `options`
/// (may be NULL) gives the profile, scoring date and threads.
///
/// `KP_TABLE_ERROR` when the text is not a JSON array (nothing is compared); `KP_RECORD_ERROR`
/// (kind `KP_KIND_UNKNOWN_PROFILE`) when the options name a profile either rulebook does not
/// declare (checked first).
#[unsafe(no_mangle)]
pub extern "C" fn kp_compare_json(
    old_rb: *const kp_rulebook,
    new_rb: *const kp_rulebook,
    json: *const c_char,
    len: usize,
    options: *const kp_options,
    out: *mut *mut c_char,
    out_len: *mut usize,
    err: *mut *mut kp_error,
) -> kp_status {
    boundary(err, || {
        let (a_book, b_book) =
            (borrow::<kp_rulebook>(old_rb, "old_rb")?, borrow::<kp_rulebook>(new_rb, "new_rb")?);
        let out = Out::new(out, "out")?;
        let json = text_buf(json, len, "json")?;
        let opts = options_or_default(options);
        opts.check_profile(a_book)?;
        opts.check_profile(b_book)?;
        let rows = |book: &Book| {
            book.rb.records_from_json(json).map_err(|e| Failure {
                status: kp_status::KP_TABLE_ERROR,
                detail: crate::boundary::Detail::Record(e),
            })
        };
        let text = compare(a_book, b_book, rows(a_book)?, rows(b_book)?, opts)?;
        give_string(out, out_len, text);
        Ok(())
    })
}

/// `kp_compare_json` over a CSV table (`len` bytes; the encoding as `kp_options_set_encoding`
/// says, else detected), each rulebook matching the header to its own inputs by name or label. A
/// ragged line fails its own row under both.
///
/// `KP_TABLE_ERROR` when the table cannot be read at all by either rulebook; `KP_RECORD_ERROR`
/// (kind `KP_KIND_UNKNOWN_PROFILE`) as `kp_compare_json`.
#[unsafe(no_mangle)]
pub extern "C" fn kp_compare_csv(
    old_rb: *const kp_rulebook,
    new_rb: *const kp_rulebook,
    csv: *const c_char,
    len: usize,
    options: *const kp_options,
    out: *mut *mut c_char,
    out_len: *mut usize,
    err: *mut *mut kp_error,
) -> kp_status {
    boundary(err, || {
        let (a_book, b_book) =
            (borrow::<kp_rulebook>(old_rb, "old_rb")?, borrow::<kp_rulebook>(new_rb, "new_rb")?);
        let out = Out::new(out, "out")?;
        let csv = bytes(csv, len, "csv")?;
        let opts = options_or_default(options);
        opts.check_profile(a_book)?;
        opts.check_profile(b_book)?;
        let rows = |book: &Book| {
            kaoping_core::table::read_csv(&book.rb, csv, opts.encoding)
                .map(|t| t.records)
                .map_err(Failure::table)
        };
        let text = compare(a_book, b_book, rows(a_book)?, rows(b_book)?, opts)?;
        give_string(out, out_len, text);
        Ok(())
    })
}

/// What the rulebook can and cannot do, proven from the rulebook alone, as JSON (schema
/// `kaoping.lint/1`): `findings` (each with `code`, `severity` "info", "warning" or "error",
/// `location` {file, line, column, path} and the words `zh` and `en`) and `ranges` (per profile
/// and period: the reachable range of the total and of every indicator, `{"min", "max", "text"}`
/// with decimals as strings, the grades a record can get, the verdicts possible). `*out` is
/// freed with `kp_string_free`; `out_len` (may be NULL) gets its length.
#[unsafe(no_mangle)]
pub extern "C" fn kp_rulebook_lint_json(
    rb: *const kp_rulebook,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> kp_status {
    status_only(|| {
        let book = borrow::<kp_rulebook>(rb, "rb")?;
        let out = Out::new(out, "out")?;
        give_string(out, out_len, book.rb.lint().to_json());
        Ok(())
    })
}
