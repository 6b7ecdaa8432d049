//! `kp_options`: how to score (profile, scoring date, cohort figures) and, for batches, whether to
//! use every core, build every explanation up front, and which encoding a CSV is in. Every scoring
//! function takes it as an optional argument: NULL means the defaults.

use std::ffi::c_char;

use kaoping_core::table::Encoding;
use kaoping_core::{BatchOptions, Cohort, Date, ScoreOptions, num};

use crate::boundary::{
    Failure, Handle, Out, borrow_mut, c_str, c_str_opt, free, guard, into_raw, status_only,
};
use crate::rulebook::Book;
use crate::status::kp_status;

/// Scoring options. Made with `kp_options_new` (the defaults), changed with the `kp_options_set_*`
/// functions, freed with `kp_options_free`. May be shared by threads that score with it, as long as
/// none changes it meanwhile.
pub struct kp_options {
    _private: [u8; 0],
}

/// A text encoding, of a CSV table (`kp_options_set_encoding`) or of the strings given to a
/// record's or item's setters (`kp_record_set_encoding`, `kp_item_set_encoding`):
/// `KP_ENCODING_AUTO`, `KP_ENCODING_UTF8` or `KP_ENCODING_GB18030`.
pub type kp_encoding = i32;
/// Detect: a UTF-8 BOM or valid UTF-8 is UTF-8, anything else GB18030 (the default for CSV).
pub const KP_ENCODING_AUTO: kp_encoding = 0;
/// UTF-8 (the default for records and items; a CSV's leading BOM is skipped).
pub const KP_ENCODING_UTF8: kp_encoding = 1;
/// GB18030 (a superset of GBK and GB2312), as Chinese spreadsheets often save CSV and legacy
/// databases hold text.
pub const KP_ENCODING_GB18030: kp_encoding = 2;

/// The encoding a `KP_ENCODING_*` code names (`None`: detect); `KP_INVALID_ARGUMENT` for another
/// code.
pub fn encoding_of(code: kp_encoding) -> Result<Option<Encoding>, Failure> {
    match code {
        KP_ENCODING_AUTO => Ok(None),
        KP_ENCODING_UTF8 => Ok(Some(Encoding::Utf8)),
        KP_ENCODING_GB18030 => Ok(Some(Encoding::Gb18030)),
        other => Err(Failure::invalid(format!("encoding {other} is not a KP_ENCODING_* code"))),
    }
}

/// The value behind a `kp_options`.
#[derive(Clone, Debug)]
pub struct KpOptions {
    /// Profile, scoring date and cohort for single records.
    pub score: ScoreOptions,
    /// Batches: use every core.
    pub parallel: bool,
    /// Batches: build every row's full explanation while scoring.
    pub explain: bool,
    /// CSV: the encoding, or detect.
    pub encoding: Option<Encoding>,
}

impl Default for KpOptions {
    fn default() -> KpOptions {
        KpOptions { score: ScoreOptions::default(), parallel: true, explain: false, encoding: None }
    }
}

impl KpOptions {
    /// The call's profile, checked by the core (`Rulebook::check_profile`) before any row is read
    /// or scored: an undeclared one refuses the call with `KP_RECORD_ERROR`, kind
    /// `KP_KIND_UNKNOWN_PROFILE`, as Python and the command refuse it.
    pub fn check_profile(&self, book: &Book) -> Result<(), Failure> {
        book.rb.check_profile(self.score.profile.as_deref()).map_err(Failure::record)
    }

    /// The options for a batch.
    pub fn batch(&self) -> BatchOptions {
        BatchOptions {
            profile: self.score.profile.clone(),
            as_of: self.score.as_of,
            explain: self.explain,
            parallel: self.parallel,
            items: self.score.items,
            ..BatchOptions::default()
        }
    }
}

impl Handle for kp_options {
    type Inner = KpOptions;
}

/// Borrow optional options: NULL is the defaults.
pub fn options_or_default<'a>(p: *const kp_options) -> &'a KpOptions {
    static DEFAULT: std::sync::OnceLock<KpOptions> = std::sync::OnceLock::new();
    // SAFETY: a non-NULL pointer came from `kp_options_new` and is not yet freed (the contract).
    unsafe { p.cast::<KpOptions>().as_ref() }.unwrap_or_else(|| DEFAULT.get_or_init(KpOptions::default))
}

/// New options with the defaults: the record's own profile, the rulebook's `as_of`, no cohort
/// figures, batches on every core without up-front explanations, CSV encoding detected.
#[unsafe(no_mangle)]
pub extern "C" fn kp_options_new(out: *mut *mut kp_options) -> kp_status {
    status_only(|| {
        let out = Out::new(out, "out")?;
        out.set(into_raw::<kp_options>(KpOptions::default()));
        Ok(())
    })
}

/// Score in profile `profile` (NUL-terminated), whatever the record's `profile_field` says. NULL
/// goes back to the default: the record's own profile, else the base values. The name is read as
/// scoring reads it (surrounding spaces ignored; an empty name: the base values for every row).
///
/// A profile the rulebook does not declare refuses each call made with these options before any
/// row is read or scored: `kp_score`, `kp_score_json`, `kp_score_batch`, `kp_score_batch_json` and
/// `kp_score_csv` return `KP_RECORD_ERROR`, the error of kind `KP_KIND_UNKNOWN_PROFILE` naming the
/// profile and the declared ones (no batch is made) — as Python raises and the command exits 2.
#[unsafe(no_mangle)]
pub extern "C" fn kp_options_set_profile(options: *mut kp_options, profile: *const c_char) -> kp_status {
    status_only(|| {
        let o = borrow_mut::<kp_options>(options, "options")?;
        o.score.profile = c_str_opt(profile, "profile")?.map(str::to_owned);
        Ok(())
    })
}

/// Score as of date `date` ("YYYY-MM-DD", NUL-terminated) for dated parameters. NULL goes back to
/// the rulebook's own `as_of`. `KP_INVALID_ARGUMENT` for a date that does not read.
#[unsafe(no_mangle)]
pub extern "C" fn kp_options_set_as_of(options: *mut kp_options, date: *const c_char) -> kp_status {
    status_only(|| {
        let o = borrow_mut::<kp_options>(options, "options")?;
        o.score.as_of = match c_str_opt(date, "date")? {
            None => None,
            Some(text) => Some(
                text.parse::<Date>()
                    .map_err(|e| Failure::invalid(format!("date {text:?} is not YYYY-MM-DD: {e}")))?,
            ),
        };
        Ok(())
    })
}

/// For scoring one record alone: the cohort's best value (a decimal as text, e.g. "98.5") of the
/// input of relative indicator `indicator`, overall (`profile` NULL) or within `profile` (for rules
/// `within = "profile"`). Batches work their cohort out themselves and ignore this.
#[unsafe(no_mangle)]
pub extern "C" fn kp_options_set_cohort_best(
    options: *mut kp_options,
    indicator: *const c_char,
    profile: *const c_char,
    best: *const c_char,
) -> kp_status {
    status_only(|| {
        let o = borrow_mut::<kp_options>(options, "options")?;
        let indicator = c_str(indicator, "indicator")?;
        let profile = c_str_opt(profile, "profile")?;
        let text = c_str(best, "best")?;
        let best = num::parse_decimal_text(text)
            .map_err(|e| Failure::new(kp_status::KP_INVALID_NUMBER, format!("cohort best {text:?}: {e}")))?;
        o.score.cohort.get_or_insert_with(Cohort::new).set(indicator, profile, best);
        Ok(())
    })
}

/// Batches: score on every core (`true`, the default) or on the calling thread only. The results
/// are the same either way.
#[unsafe(no_mangle)]
pub extern "C" fn kp_options_set_parallel(options: *mut kp_options, parallel: bool) -> kp_status {
    status_only(|| {
        borrow_mut::<kp_options>(options, "options")?.parallel = parallel;
        Ok(())
    })
}

/// Batches: build every row's full explanation while scoring (`false` by default: `kp_batch_row`
/// then works a row's explanation out when asked, with the batch's cohort figures).
#[unsafe(no_mangle)]
pub extern "C" fn kp_options_set_explain(options: *mut kp_options, explain: bool) -> kp_status {
    status_only(|| {
        borrow_mut::<kp_options>(options, "options")?.explain = explain;
        Ok(())
    })
}

/// Keep the items' own results (`true`; `false` by default): each item of a list input scored by
/// another rulebook (spec §18.2: a village's households), explained, in the result of `kp_score`
/// and `kp_score_json` and in each batch row's (`kp_batch_row`), read with `kp_result_item_count`,
/// `kp_result_item_at` and `kp_result_item_result`.
#[unsafe(no_mangle)]
pub extern "C" fn kp_options_set_keep_items(options: *mut kp_options, keep: bool) -> kp_status {
    status_only(|| {
        borrow_mut::<kp_options>(options, "options")?.score.items = keep;
        Ok(())
    })
}

/// CSV: the encoding of the bytes (`KP_ENCODING_*`). `KP_INVALID_ARGUMENT` for another code.
#[unsafe(no_mangle)]
pub extern "C" fn kp_options_set_encoding(options: *mut kp_options, encoding: kp_encoding) -> kp_status {
    status_only(|| {
        let o = borrow_mut::<kp_options>(options, "options")?;
        o.encoding = encoding_of(encoding)?;
        Ok(())
    })
}

/// Free options. NULL is a no-op.
#[unsafe(no_mangle)]
pub extern "C" fn kp_options_free(options: *mut kp_options) {
    guard(|| free(options))
}
