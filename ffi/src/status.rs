//! `kp_status`: what every fallible function returns. The numbers are part of the ABI: they never
//! change, and new codes get new numbers.

use std::ffi::c_char;

/// The status a fallible function returns. `KP_OK` (0) is success; anything else is a failure, and
/// the function's outputs were not written (except `*err`, when the caller passed one).
///
/// The numbers are stable: they never change between versions, and new codes get new numbers.
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum kp_status {
    /// Success.
    KP_OK = 0,
    /// A pointer argument that must not be NULL was NULL.
    KP_NULL_ARGUMENT = 1,
    /// A string argument is not valid UTF-8 (or not valid GB18030, given to a record or item set
    /// to `KP_ENCODING_GB18030`).
    KP_INVALID_UTF8 = 2,
    /// An argument is outside what the function accepts: an unknown format, language, input type
    /// or encoding code, a date that is not YYYY-MM-DD, a length beyond the address space.
    KP_INVALID_ARGUMENT = 3,
    /// A number given as text is not a decimal kaoping can hold exactly (or a double is NaN or
    /// infinite).
    KP_INVALID_NUMBER = 4,
    /// The field is neither the name nor the label of an input of the rulebook: the value was
    /// ignored, and the record remembers the name, so the result warns about it (spec §3), as in
    /// Rust and Python. Check for it to catch misspelt field names.
    KP_UNKNOWN_FIELD = 5,
    /// The input's declared type never takes this kind of value (a boolean for an integer input,
    /// 2.5 for an integer, a number for a text input, an item for an input that is not a list of
    /// items): nothing was set. Reported by the setter, not later when the record is scored.
    KP_WRONG_TYPE = 6,
    /// No such thing: an indicator id not in the result, an input or profile not in the rulebook,
    /// a row index beyond the batch, an index beyond a list (`kp_*_at`).
    KP_NOT_FOUND = 7,
    /// The value exists but is null in this result (a criteria-only rulebook has no total, a
    /// left-out indicator has no points, a rulebook without criteria has no `passed`).
    KP_NO_VALUE = 8,
    /// The rulebook did not load. The `kp_error` lists every problem with its location.
    KP_LOAD_ERROR = 9,
    /// The record could not be scored. The `kp_error` lists every issue of the record.
    KP_RECORD_ERROR = 10,
    /// The input of a batch could not be read at all: a CSV table (encoding, quoting, header) or a
    /// JSON text that is not an array. A bad row is not this: it is that row's error inside the
    /// batch.
    KP_TABLE_ERROR = 11,
    /// kaoping panicked: a bug in kaoping, caught before it reached C. Please report it.
    KP_PANIC = 12,
}

/// Every status, in code order.
///
/// cbindgen:ignore
const ALL: [kp_status; 13] = [
    kp_status::KP_OK,
    kp_status::KP_NULL_ARGUMENT,
    kp_status::KP_INVALID_UTF8,
    kp_status::KP_INVALID_ARGUMENT,
    kp_status::KP_INVALID_NUMBER,
    kp_status::KP_UNKNOWN_FIELD,
    kp_status::KP_WRONG_TYPE,
    kp_status::KP_NOT_FOUND,
    kp_status::KP_NO_VALUE,
    kp_status::KP_LOAD_ERROR,
    kp_status::KP_RECORD_ERROR,
    kp_status::KP_TABLE_ERROR,
    kp_status::KP_PANIC,
];

impl kp_status {
    /// The status's name and meaning, NUL-terminated.
    fn describe(self) -> &'static str {
        match self {
            kp_status::KP_OK => "KP_OK: success\0",
            kp_status::KP_NULL_ARGUMENT => "KP_NULL_ARGUMENT: a required pointer argument is NULL\0",
            kp_status::KP_INVALID_UTF8 => {
                "KP_INVALID_UTF8: a string argument is not valid UTF-8 (or not in its declared encoding)\0"
            }
            kp_status::KP_INVALID_ARGUMENT => {
                "KP_INVALID_ARGUMENT: an argument is outside what the function accepts\0"
            }
            kp_status::KP_INVALID_NUMBER => {
                "KP_INVALID_NUMBER: not a decimal number kaoping can hold exactly\0"
            }
            kp_status::KP_UNKNOWN_FIELD => {
                "KP_UNKNOWN_FIELD: the field is not an input (name or label) of the rulebook\0"
            }
            kp_status::KP_WRONG_TYPE => {
                "KP_WRONG_TYPE: the input's declared type never takes this kind of value\0"
            }
            kp_status::KP_NOT_FOUND => {
                "KP_NOT_FOUND: no such indicator, input, profile, row or list element\0"
            }
            kp_status::KP_NO_VALUE => "KP_NO_VALUE: the value is null in this result\0",
            kp_status::KP_LOAD_ERROR => "KP_LOAD_ERROR: the rulebook did not load\0",
            kp_status::KP_RECORD_ERROR => "KP_RECORD_ERROR: the record could not be scored\0",
            kp_status::KP_TABLE_ERROR => "KP_TABLE_ERROR: the table or array of records could not be read\0",
            kp_status::KP_PANIC => "KP_PANIC: internal error in kaoping (a bug; please report it)\0",
        }
    }

    /// The status with the given code.
    pub fn from_code(code: i32) -> Option<kp_status> {
        ALL.into_iter().find(|s| *s as i32 == code)
    }
}

/// A static, NUL-terminated description of a status code, starting with its name
/// (`"KP_NULL_ARGUMENT: …"`). An unknown code gives `"unknown kp_status"`. Never NULL, never freed.
#[unsafe(no_mangle)]
pub extern "C" fn kp_status_str(code: i32) -> *const c_char {
    crate::boundary::guard(|| {
        let text = kp_status::from_code(code).map_or("unknown kp_status\0", kp_status::describe);
        text.as_ptr().cast()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    #[test]
    fn codes_are_stable_and_described() {
        // The numbers are ABI: this list changes only by appending.
        let expected = [
            ("KP_OK", 0),
            ("KP_NULL_ARGUMENT", 1),
            ("KP_INVALID_UTF8", 2),
            ("KP_INVALID_ARGUMENT", 3),
            ("KP_INVALID_NUMBER", 4),
            ("KP_UNKNOWN_FIELD", 5),
            ("KP_WRONG_TYPE", 6),
            ("KP_NOT_FOUND", 7),
            ("KP_NO_VALUE", 8),
            ("KP_LOAD_ERROR", 9),
            ("KP_RECORD_ERROR", 10),
            ("KP_TABLE_ERROR", 11),
            ("KP_PANIC", 12),
        ];
        assert_eq!(expected.len(), ALL.len());
        for ((name, code), status) in expected.iter().zip(ALL) {
            assert_eq!(status as i32, *code);
            assert_eq!(format!("{status:?}"), *name);
            let text = unsafe { CStr::from_ptr(kp_status_str(*code)) }.to_str().unwrap();
            assert!(text.starts_with(&format!("{name}: ")), "{text}");
        }
        let unknown = unsafe { CStr::from_ptr(kp_status_str(999)) };
        assert_eq!(unknown.to_str().unwrap(), "unknown kp_status");
    }
}
