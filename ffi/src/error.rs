//! `kp_error`: the optional rich error behind a failed status. It carries the status, the core's
//! error kind (spec §17, the same codes as Rust's `ErrorKind::code()` and Python's exception
//! classes) and every problem: each load problem with its file, line, column and path, or each
//! issue of a record with its field, place and value. There is no global or thread-local "last
//! error": the caller gets the error through `kp_error **err` and frees it.

use std::ffi::{CString, c_char};
use std::ptr;

use kaoping_core::{ErrorKind, Lang};
use serde_json::Value as J;

use crate::boundary::{Detail, Failure, Handle, Out, borrow, free, give_string, guard, opt_ptr, to_c_string};
use crate::result::{KP_LANG_EN, KP_LANG_ZH, kp_lang};
use crate::status::kp_status;

/// A rich error: a status, the core's error kind, a message and every problem. Made by the
/// library when a call fails and the caller passed `kp_error **err`; freed with `kp_error_free`.
/// Strings borrowed from it stay valid until it is freed.
pub struct kp_error {
    _private: [u8; 0],
}

impl Handle for kp_error {
    type Inner = KpError;
}

/// One problem of an error (a load problem, a record issue, a table error, or the one message of
/// an argument error), as `kp_error_problem` fills it in. The strings are borrowed from the
/// `kp_error` and stay valid until it is freed; fields that do not apply are NULL or 0.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct kp_problem {
    /// The core's error kind (a `KP_KIND_*` code), or 0 for argument errors and panics.
    pub kind: i32,
    /// What is wrong, in words (without the location, which the fields below give).
    pub message: *const c_char,
    /// Load problems: the file the rulebook came from (`builtin:<id>` for built-ins), or NULL.
    pub file: *const c_char,
    /// Load problems and table errors: the 1-based line, or 0 when unknown.
    pub line: u32,
    /// Load problems: the 1-based column (in characters), or 0 when unknown.
    pub column: u32,
    /// Load problems: the place inside the rulebook (`indicator "a.b" bands`), or NULL.
    pub path: *const c_char,
    /// Record issues: the input field concerned, or NULL.
    pub field: *const c_char,
    /// Record issues: the indicator, derived value, parameter, veto or criterion being evaluated,
    /// or NULL.
    pub at: *const c_char,
    /// Record issues: the offending value as text, or NULL.
    pub value: *const c_char,
    /// Record issues: the item of a list input the problem is in (spec §18.2) — the list, the
    /// item's 1-based position as given and its key, `households[17] (5100000017)`, nested levels
    /// joined by `.` (`villages[3] (510003).households[1] (5100000020)`) — `field` then naming the
    /// item's field; NULL for a problem of the record itself.
    pub item: *const c_char,
}

/// The C-side copy of one problem: owned strings, so `kp_problem` can borrow them.
#[derive(Debug)]
struct ProblemText {
    kind: i32,
    message: CString,
    file: Option<CString>,
    line: u32,
    column: u32,
    path: Option<CString>,
    field: Option<CString>,
    at: Option<CString>,
    value: Option<CString>,
    item: Option<CString>,
}

impl ProblemText {
    fn plain(kind: i32, message: &str) -> ProblemText {
        ProblemText {
            kind,
            message: to_c_string(message.to_owned()),
            file: None,
            line: 0,
            column: 0,
            path: None,
            field: None,
            at: None,
            value: None,
            item: None,
        }
    }

    fn json(&self) -> J {
        let mut m = serde_json::Map::new();
        m.insert("kind".into(), kind_name(self.kind).map_or(J::Null, J::from));
        m.insert("message".into(), J::from(self.message.to_string_lossy()));
        let strings = [("file", &self.file), ("path", &self.path), ("field", &self.field), ("at", &self.at)];
        for (k, v) in strings.into_iter().chain([("value", &self.value), ("item", &self.item)]) {
            if let Some(v) = v {
                m.insert(k.into(), J::from(v.to_string_lossy()));
            }
        }
        for (k, v) in [("line", self.line), ("column", self.column)] {
            if v > 0 {
                m.insert(k.into(), J::from(v));
            }
        }
        J::Object(m)
    }
}

/// The value behind a `kp_error`.
#[derive(Debug)]
pub struct KpError {
    status: kp_status,
    kind: i32,
    message: CString,
    /// The same message in Chinese (the core's catalogue), for `kp_error_message_lang`.
    message_zh: CString,
    rulebook: Option<CString>,
    row: usize,
    key: Option<CString>,
    problems: Vec<ProblemText>,
}

fn opt(s: &Option<String>) -> Option<CString> {
    s.clone().map(to_c_string)
}

fn line_number(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl KpError {
    /// The error for a failure.
    pub fn from_failure(f: Failure) -> KpError {
        let status = f.status;
        match f.detail {
            Detail::Message(m) => KpError {
                status,
                kind: 0,
                message_zh: to_c_string(kaoping_core::message::translate(&m, Lang::Zh).into_owned()),
                message: to_c_string(m.clone()),
                rulebook: None,
                row: 0,
                key: None,
                problems: vec![ProblemText::plain(0, &m)],
            },
            Detail::Load(e) => KpError {
                status,
                kind: e.kind().code(),
                message: to_c_string(e.to_string()),
                message_zh: to_c_string(e.to_string_in(Lang::Zh)),
                rulebook: opt(&e.rulebook),
                row: 0,
                key: None,
                problems: e
                    .problems
                    .iter()
                    .map(|p| ProblemText {
                        kind: p.kind.code(),
                        message: to_c_string(p.message.clone()),
                        file: opt(&p.location.file),
                        line: p.location.line.unwrap_or(0),
                        column: p.location.column.unwrap_or(0),
                        path: opt(&p.location.path),
                        field: None,
                        at: None,
                        value: None,
                        item: None,
                    })
                    .collect(),
            },
            Detail::Record(e) => KpError {
                status,
                kind: e.kind().code(),
                message: to_c_string(e.to_string()),
                message_zh: to_c_string(e.to_string_in(Lang::Zh)),
                rulebook: None,
                row: e.row.unwrap_or(0),
                key: opt(&e.key),
                problems: e
                    .issues
                    .iter()
                    .map(|i| ProblemText {
                        kind: i.kind.code(),
                        message: to_c_string(i.message.clone()),
                        file: None,
                        line: 0,
                        column: 0,
                        path: None,
                        field: opt(&i.field),
                        at: opt(&i.at),
                        value: opt(&i.value),
                        item: i.item.as_deref().map(|p| to_c_string(p.to_owned())),
                    })
                    .collect(),
            },
            Detail::Table(e) => {
                let message = match e.line {
                    Some(line) if !e.message.starts_with("line ") => format!("line {line}: {}", e.message),
                    _ => e.message.clone(),
                };
                let zh = kaoping_core::message::translate(&message, Lang::Zh).into_owned();
                let mut p = ProblemText::plain(e.kind.code(), &e.message);
                p.line = e.line.map_or(0, line_number);
                KpError {
                    status,
                    kind: e.kind.code(),
                    message: to_c_string(message),
                    message_zh: to_c_string(zh),
                    rulebook: None,
                    row: 0,
                    key: None,
                    problems: vec![p],
                }
            }
        }
    }

    /// Give the error to C.
    pub fn into_raw(self) -> *mut kp_error {
        crate::boundary::into_raw::<kp_error>(self)
    }

    /// The error as a JSON value (the shape `kp_error_to_json` documents).
    pub fn json(&self) -> J {
        let mut m = serde_json::Map::new();
        m.insert("status".into(), J::from(self.status as i32));
        m.insert("status_name".into(), J::from(format!("{:?}", self.status)));
        m.insert("kind".into(), kind_name(self.kind).map_or(J::Null, J::from));
        m.insert("message".into(), J::from(self.message.to_string_lossy()));
        if let Some(r) = &self.rulebook {
            m.insert("rulebook".into(), J::from(r.to_string_lossy()));
        }
        if self.row > 0 {
            m.insert("row".into(), J::from(self.row));
        }
        if let Some(k) = &self.key {
            m.insert("key".into(), J::from(k.to_string_lossy()));
        }
        m.insert("problems".into(), J::Array(self.problems.iter().map(ProblemText::json).collect()));
        J::Object(m)
    }
}

fn kind_name(code: i32) -> Option<&'static str> {
    ErrorKind::ALL.into_iter().find(|k| k.code() == code).map(ErrorKind::name)
}

// The core's error kinds (spec §17), as `kp_error_kind` and `kp_problem.kind` give them. The codes
// are the core's `ErrorKind::code()`: stable, and the same in every binding. Each comment is the
// core's `ErrorKind::doc()`, word for word (a test reads this file to hold them equal).

/// The text is not valid TOML or JSON.
pub const KP_KIND_SYNTAX: i32 = 1;
/// A key is unknown, missing or has the wrong type of value.
pub const KP_KIND_SCHEMA: i32 = 2;
/// Two items share an id (indicators, inputs, parameters, derived values, vetoes…).
pub const KP_KIND_DUPLICATE_ID: i32 = 3;
/// A dotted indicator id whose parent is not declared before it.
pub const KP_KIND_ORPHAN_INDICATOR: i32 = 4;
/// Children's points do not add up to their parent's (or to the declared max).
pub const KP_KIND_POINTS_MISMATCH: i32 = 5;
/// Band thresholds are not strictly monotonic in the direction their comparator needs.
pub const KP_KIND_BAND_ORDER: i32 = 6;
/// A `bands` rule without `else`.
pub const KP_KIND_MISSING_ELSE: i32 = 7;
/// A `linear` rule whose two x values are equal.
pub const KP_KIND_DEGENERATE_LINEAR: i32 = 8;
/// A name (input, parameter, derived value, indicator, profile, rulebook) that is not declared.
pub const KP_KIND_UNKNOWN_NAME: i32 = 9;
/// An expression or value of the wrong type.
pub const KP_KIND_TYPE_MISMATCH: i32 = 10;
/// Derived values that depend on each other.
pub const KP_KIND_CYCLE: i32 = 11;
/// A profile that is not declared (in a rulebook override, named by a record, or given for a whole call).
pub const KP_KIND_UNKNOWN_PROFILE: i32 = 12;
/// Grade bounds that do not strictly decrease.
pub const KP_KIND_GRADE_ORDER: i32 = 13;
/// A grade label used by a veto or grade rule that no `[[grade]]` declares.
pub const KP_KIND_UNKNOWN_GRADE: i32 = 14;
/// Nesting beyond what the loader accepts (an expression or document nested too deep).
pub const KP_KIND_TOO_DEEP: i32 = 15;
/// A required input is missing from a record.
pub const KP_KIND_MISSING_INPUT: i32 = 16;
/// An input value of the wrong type (text where a number belongs, NaN, a non-integral integer…).
pub const KP_KIND_INPUT_TYPE: i32 = 17;
/// An input outside its declared `min`/`max`/`values`, or outside the decimal range.
pub const KP_KIND_INPUT_OUT_OF_RANGE: i32 = 18;
/// A dated parameter has no value on or before the scoring date.
pub const KP_KIND_NO_DATED_VALUE: i32 = 19;
/// A division by zero while scoring.
pub const KP_KIND_DIVISION_BY_ZERO: i32 = 20;
/// A published value that cannot be represented as a decimal.
pub const KP_KIND_OVERFLOW: i32 = 21;
/// A `lookup` or `items` key not in the table, where the rule has no `else`.
pub const KP_KIND_LOOKUP_MISS: i32 = 22;
/// A panel with too few marks for its method.
pub const KP_KIND_PANEL_TOO_SMALL: i32 = 23;
/// A relative rule scored without cohort figures.
pub const KP_KIND_COHORT_REQUIRED: i32 = 24;
/// A file that could not be read.
pub const KP_KIND_IO: i32 = 25;
/// Rows of a table that a child table joins on share a key (§18.5): they fail, and their items are given to no one.
pub const KP_KIND_DUPLICATE_KEY: i32 = 26;

/// The status of the call that made the error. NULL gives `KP_NULL_ARGUMENT`.
#[unsafe(no_mangle)]
pub extern "C" fn kp_error_status(err: *const kp_error) -> kp_status {
    guard(|| borrow::<kp_error>(err, "err").map_or(kp_status::KP_NULL_ARGUMENT, |e| e.status))
}

/// The core's error kind of the (first) problem: a `KP_KIND_*` code, or 0 when the error is not
/// one of the core's (an argument error, a panic) or `err` is NULL.
#[unsafe(no_mangle)]
pub extern "C" fn kp_error_kind(err: *const kp_error) -> i32 {
    guard(|| borrow::<kp_error>(err, "err").map_or(0, |e| e.kind))
}

/// The spec's name of an error kind code (`"MissingInput"` for `KP_KIND_MISSING_INPUT`): a static
/// string, never freed. NULL for a code that is not a kind.
#[unsafe(no_mangle)]
pub extern "C" fn kp_error_kind_name(kind: i32) -> *const c_char {
    guard(|| {
        static NAMES: std::sync::OnceLock<Vec<CString>> = std::sync::OnceLock::new();
        let names =
            NAMES.get_or_init(|| ErrorKind::ALL.iter().map(|k| to_c_string(k.name().to_owned())).collect());
        ErrorKind::ALL.iter().position(|k| k.code() == kind).map_or(ptr::null(), |i| names[i].as_ptr())
    })
}

/// The whole message: for a load error, every problem with its location, one per line; for a
/// record error, every issue. Borrowed from `err` (valid until `kp_error_free`); NULL for NULL.
#[unsafe(no_mangle)]
pub extern "C" fn kp_error_message(err: *const kp_error) -> *const c_char {
    guard(|| borrow::<kp_error>(err, "err").map_or(ptr::null(), |e| e.message.as_ptr()))
}

/// The whole message (as `kp_error_message`) in `lang`: `KP_LANG_ZH` (中文, the words county
/// users read) or `KP_LANG_EN` (the same text as `kp_error_message`). The words come from the
/// core's message catalogue, the same Chinese the command and Python give; a message the catalogue
/// does not know keeps its English words. Borrowed from `err` (valid until `kp_error_free`); NULL
/// for NULL or for another language code.
#[unsafe(no_mangle)]
pub extern "C" fn kp_error_message_lang(err: *const kp_error, lang: kp_lang) -> *const c_char {
    guard(|| {
        borrow::<kp_error>(err, "err").map_or(ptr::null(), |e| match lang {
            KP_LANG_ZH => e.message_zh.as_ptr(),
            KP_LANG_EN => e.message.as_ptr(),
            _ => ptr::null(),
        })
    })
}

/// The number of problems (at least 1 for any error made by the library; 0 for NULL).
#[unsafe(no_mangle)]
pub extern "C" fn kp_error_count(err: *const kp_error) -> usize {
    guard(|| borrow::<kp_error>(err, "err").map_or(0, |e| e.problems.len()))
}

/// Problem `index` (0-based, below `kp_error_count`) of an error. Its strings are borrowed from
/// `err`. `KP_NOT_FOUND` when `index` is out of range.
#[unsafe(no_mangle)]
pub extern "C" fn kp_error_problem(err: *const kp_error, index: usize, out: *mut kp_problem) -> kp_status {
    crate::boundary::status_only(|| {
        let e = borrow::<kp_error>(err, "err")?;
        let out = Out::new(out, "out")?;
        let p = e.problems.get(index).ok_or_else(|| {
            Failure::new(
                kp_status::KP_NOT_FOUND,
                format!("problem {index} of an error with {} problem(s)", e.problems.len()),
            )
        })?;
        out.set(kp_problem {
            kind: p.kind,
            message: p.message.as_ptr(),
            file: opt_ptr(&p.file),
            line: p.line,
            column: p.column,
            path: opt_ptr(&p.path),
            field: opt_ptr(&p.field),
            at: opt_ptr(&p.at),
            value: opt_ptr(&p.value),
            item: opt_ptr(&p.item),
        });
        Ok(())
    })
}

/// A record error's row: 1-based, its batch index + 1 (see Rows at the top), or 0 when it has none
/// (a record scored alone) or `err` is NULL.
#[unsafe(no_mangle)]
pub extern "C" fn kp_error_row(err: *const kp_error) -> usize {
    guard(|| borrow::<kp_error>(err, "err").map_or(0, |e| e.row))
}

/// A record error's record key (its `key_field` value), or NULL when it has none. Borrowed from
/// `err`.
#[unsafe(no_mangle)]
pub extern "C" fn kp_error_key(err: *const kp_error) -> *const c_char {
    guard(|| borrow::<kp_error>(err, "err").map_or(ptr::null(), |e| opt_ptr(&e.key)))
}

/// A load error's rulebook id, when the rulebook got far enough to have one; else NULL. Borrowed
/// from `err`.
#[unsafe(no_mangle)]
pub extern "C" fn kp_error_rulebook(err: *const kp_error) -> *const c_char {
    guard(|| borrow::<kp_error>(err, "err").map_or(ptr::null(), |e| opt_ptr(&e.rulebook)))
}

/// The error as JSON: `{"status": 10, "status_name": "KP_RECORD_ERROR", "kind": "InputType",
/// "message": "…", "row": 3, "key": "…", "rulebook": "…", "problems": [{"kind", "message", "file",
/// "line", "column", "path", "field", "at", "value", "item"}]}` (absent fields left out; `kind`
/// null for argument errors). `*out` is freed with `kp_string_free`; `out_len` (may be NULL) gets
/// its length.
#[unsafe(no_mangle)]
pub extern "C" fn kp_error_to_json(
    err: *const kp_error,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> kp_status {
    crate::boundary::status_only(|| {
        let e = borrow::<kp_error>(err, "err")?;
        let out = Out::new(out, "out")?;
        give_string(out, out_len, e.json().to_string());
        Ok(())
    })
}

/// Free an error. NULL is a no-op.
#[unsafe(no_mangle)]
pub extern "C" fn kp_error_free(err: *mut kp_error) {
    guard(|| free(err))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_core_kind_has_its_constant() {
        // Exhaustive: ErrorKind::ALL is the core's list; a new kind fails this test until it gets
        // its KP_KIND_* constant (and the header is regenerated).
        let constants = [
            (KP_KIND_SYNTAX, "Syntax"),
            (KP_KIND_SCHEMA, "Schema"),
            (KP_KIND_DUPLICATE_ID, "DuplicateId"),
            (KP_KIND_ORPHAN_INDICATOR, "OrphanIndicator"),
            (KP_KIND_POINTS_MISMATCH, "PointsMismatch"),
            (KP_KIND_BAND_ORDER, "BandOrder"),
            (KP_KIND_MISSING_ELSE, "MissingElse"),
            (KP_KIND_DEGENERATE_LINEAR, "DegenerateLinear"),
            (KP_KIND_UNKNOWN_NAME, "UnknownName"),
            (KP_KIND_TYPE_MISMATCH, "TypeMismatch"),
            (KP_KIND_CYCLE, "Cycle"),
            (KP_KIND_UNKNOWN_PROFILE, "UnknownProfile"),
            (KP_KIND_GRADE_ORDER, "GradeOrder"),
            (KP_KIND_UNKNOWN_GRADE, "UnknownGrade"),
            (KP_KIND_TOO_DEEP, "TooDeep"),
            (KP_KIND_MISSING_INPUT, "MissingInput"),
            (KP_KIND_INPUT_TYPE, "InputType"),
            (KP_KIND_INPUT_OUT_OF_RANGE, "InputOutOfRange"),
            (KP_KIND_NO_DATED_VALUE, "NoDatedValue"),
            (KP_KIND_DIVISION_BY_ZERO, "DivisionByZero"),
            (KP_KIND_OVERFLOW, "Overflow"),
            (KP_KIND_LOOKUP_MISS, "LookupMiss"),
            (KP_KIND_PANEL_TOO_SMALL, "PanelTooSmall"),
            (KP_KIND_COHORT_REQUIRED, "CohortRequired"),
            (KP_KIND_IO, "Io"),
            (KP_KIND_DUPLICATE_KEY, "DuplicateKey"),
        ];
        assert_eq!(constants.len(), ErrorKind::ALL.len());
        for ((code, name), kind) in constants.iter().zip(ErrorKind::ALL) {
            assert_eq!(*code, kind.code(), "{name}");
            assert_eq!(*name, kind.name());
            let c = unsafe { std::ffi::CStr::from_ptr(kp_error_kind_name(*code)) };
            assert_eq!(c.to_str().unwrap(), *name);
        }
        assert!(kp_error_kind_name(0).is_null());
        assert!(kp_error_kind_name(27).is_null());
    }

    /// The header's comment on each `KP_KIND_*` is the core's `ErrorKind::doc()`: one text, read
    /// here from this file (whose comments cbindgen copies into the header).
    #[test]
    fn every_kinds_comment_is_the_cores_doc() {
        let source = include_str!("error.rs");
        for kind in ErrorKind::ALL {
            let snake: String = kind
                .name()
                .chars()
                .enumerate()
                .flat_map(|(i, c)| {
                    let sep = (i > 0 && c.is_uppercase()).then_some('_');
                    sep.into_iter().chain(c.to_uppercase())
                })
                .collect();
            let declared = format!("\npub const KP_KIND_{snake}: i32 = {};", kind.code());
            let at = source.find(&declared).unwrap_or_else(|| panic!("no constant for {kind}"));
            let comment = source[..at].rsplit('\n').next().unwrap();
            assert_eq!(comment, format!("/// {}", kind.doc()), "{kind}");
        }
    }
}
