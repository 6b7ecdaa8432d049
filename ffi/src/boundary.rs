//! The edge between C and Rust: the panic boundary every exported function runs inside, the
//! internal failure type, and the checked conversions of C arguments (handles, strings, buffers,
//! out-parameters) and of Rust values going back out (owned C strings).
//!
//! Every exported function body runs in [`boundary`] (functions returning `kp_status`) or
//! [`guard`] (the few returning a value): a panic never unwinds into C. Fallible bodies return
//! `Result<(), Failure>`; [`boundary`] turns the failure into its status and, when the caller
//! passed `kp_error **err`, into a `kp_error`.

use std::borrow::Cow;
use std::ffi::{CStr, CString, c_char};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::ptr;

use kaoping_core::table::{Encoding, TableError};
use kaoping_core::{LoadError, RecordError};

use crate::error::{KpError, kp_error};
use crate::status::kp_status;

/// Why a call failed: its status and what the `kp_error` will say.
#[derive(Debug)]
pub struct Failure {
    /// The status returned to C.
    pub status: kp_status,
    /// The details.
    pub detail: Detail,
}

/// What a failure carries into its `kp_error`.
#[derive(Debug)]
pub enum Detail {
    /// A plain message (argument errors, panics).
    Message(String),
    /// A rulebook that did not load, with every problem.
    Load(LoadError),
    /// A record that could not be scored, with every issue.
    Record(RecordError),
    /// A table that could not be read.
    Table(TableError),
}

impl Failure {
    /// A failure with a plain message.
    pub fn new(status: kp_status, message: impl Into<String>) -> Failure {
        Failure { status, detail: Detail::Message(message.into()) }
    }

    /// A required pointer argument was NULL.
    pub fn null(arg: &str) -> Failure {
        Failure::new(kp_status::KP_NULL_ARGUMENT, format!("argument `{arg}` is NULL"))
    }

    /// An argument outside the function's domain.
    pub fn invalid(message: impl Into<String>) -> Failure {
        Failure::new(kp_status::KP_INVALID_ARGUMENT, message)
    }

    /// A rulebook that did not load.
    pub fn load(e: LoadError) -> Failure {
        Failure { status: kp_status::KP_LOAD_ERROR, detail: Detail::Load(e) }
    }

    /// A record that could not be scored.
    pub fn record(e: RecordError) -> Failure {
        Failure { status: kp_status::KP_RECORD_ERROR, detail: Detail::Record(e) }
    }

    /// A table that could not be read.
    pub fn table(e: TableError) -> Failure {
        Failure { status: kp_status::KP_TABLE_ERROR, detail: Detail::Table(e) }
    }

    fn panic(payload: Box<dyn std::any::Any + Send>) -> Failure {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic without a message".to_owned());
        Failure::new(kp_status::KP_PANIC, format!("kaoping panicked (a bug; please report it): {what}"))
    }
}

/// What a function that does not return `kp_status` returns when it panics (or gets a NULL
/// handle): NULL, 0, false or nothing, as its documentation says.
pub trait PanicDefault {
    /// The value.
    fn panic_default() -> Self;
}

impl PanicDefault for () {
    fn panic_default() {}
}

impl PanicDefault for usize {
    fn panic_default() -> usize {
        0
    }
}

impl PanicDefault for i32 {
    fn panic_default() -> i32 {
        0
    }
}

impl PanicDefault for kp_status {
    fn panic_default() -> kp_status {
        kp_status::KP_PANIC
    }
}

impl<T> PanicDefault for *const T {
    fn panic_default() -> *const T {
        ptr::null()
    }
}

/// Run the body of a function that returns a value (not a status); a panic gives the type's
/// [`PanicDefault`].
pub fn guard<T: PanicDefault>(body: impl FnOnce() -> T) -> T {
    // AssertUnwindSafe: after a panic nothing the closure touched is used again by this call, and
    // Rust values stay memory-safe after unwinding.
    catch_unwind(AssertUnwindSafe(body)).unwrap_or_else(|_| T::panic_default())
}

/// Run the body of a function that returns a status. On failure, write `*err` when `err` is not
/// NULL (outputs other than `*err` are the body's to write, and it writes them only on success).
pub fn boundary(err: *mut *mut kp_error, body: impl FnOnce() -> Result<(), Failure>) -> kp_status {
    let failure = match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => return kp_status::KP_OK,
        Ok(Err(f)) => f,
        Err(payload) => Failure::panic(payload),
    };
    let status = failure.status;
    if !err.is_null() {
        // Building the error allocates: keep a panic there on this side too.
        let _ = catch_unwind(AssertUnwindSafe(|| {
            let e = KpError::from_failure(failure);
            // SAFETY: `err` is not NULL and points to a `kp_error *` the caller owns.
            unsafe { *err = e.into_raw() };
        }));
    }
    status
}

/// [`boundary`] for functions without an `err` parameter.
pub fn status_only(body: impl FnOnce() -> Result<(), Failure>) -> kp_status {
    boundary(ptr::null_mut(), body)
}

/// A C handle type (`kp_rulebook`, `kp_record`…) and the Rust value its pointers point to. C sees
/// an opaque struct; the pointer is a `Box<Inner>` made by [`into_raw`] and freed by [`free`].
pub trait Handle {
    /// The Rust value behind the handle.
    type Inner;
}

/// Give a value to C as a handle.
pub fn into_raw<H: Handle>(inner: H::Inner) -> *mut H {
    Box::into_raw(Box::new(inner)).cast()
}

/// Borrow a handle's value; NULL is [`kp_status::KP_NULL_ARGUMENT`] naming `arg`.
pub fn borrow<'a, H: Handle>(p: *const H, arg: &str) -> Result<&'a H::Inner, Failure> {
    // SAFETY: a non-NULL handle pointer came from `into_raw` and is not yet freed (the contract
    // stated in the header).
    unsafe { p.cast::<H::Inner>().as_ref() }.ok_or_else(|| Failure::null(arg))
}

/// Borrow a handle's value mutably; NULL is [`kp_status::KP_NULL_ARGUMENT`] naming `arg`.
pub fn borrow_mut<'a, H: Handle>(p: *mut H, arg: &str) -> Result<&'a mut H::Inner, Failure> {
    // SAFETY: as for `borrow`; the caller does not use the handle from another thread meanwhile
    // (records, items and options are not to be shared while being changed, as documented).
    unsafe { p.cast::<H::Inner>().as_mut() }.ok_or_else(|| Failure::null(arg))
}

/// Free a handle; NULL is a no-op.
pub fn free<H: Handle>(p: *mut H) {
    if !p.is_null() {
        // SAFETY: `p` came from `into_raw` and is freed once (the header's contract).
        drop(unsafe { Box::from_raw(p.cast::<H::Inner>()) });
    }
}

/// An out-parameter, checked for NULL before any work is done; written with [`Out::set`] only
/// once the call has succeeded.
pub struct Out<T>(*mut T);

impl<T> Out<T> {
    /// Check an out-parameter; NULL is [`kp_status::KP_NULL_ARGUMENT`] naming `arg`.
    pub fn new(p: *mut T, arg: &str) -> Result<Out<T>, Failure> {
        if p.is_null() { Err(Failure::null(arg)) } else { Ok(Out(p)) }
    }

    /// Write the output.
    pub fn set(self, value: T) {
        // SAFETY: checked non-NULL in `new`; points to writable memory the caller owns.
        unsafe { self.0.write(value) }
    }
}

/// An optional out-parameter (`size_t *len` next to a string): written when not NULL.
pub fn set_optional<T>(p: *mut T, value: T) {
    if !p.is_null() {
        // SAFETY: not NULL; points to writable memory the caller owns.
        unsafe { p.write(value) }
    }
}

/// `count` pointers (none NULL) from an array of them.
pub fn pointer_array<'a>(
    p: *const *const c_char,
    count: usize,
    arg: &str,
) -> Result<&'a [*const c_char], Failure> {
    if count == 0 {
        return Ok(&[]);
    }
    if p.is_null() {
        return Err(Failure::null(arg));
    }
    if count > isize::MAX as usize / std::mem::size_of::<*const c_char>() {
        return Err(Failure::invalid(format!("`count` {count} is beyond the address space")));
    }
    // SAFETY: not NULL; the caller passes `count` pointers (the header's contract).
    let ptrs = unsafe { std::slice::from_raw_parts(p, count) };
    if let Some(i) = ptrs.iter().position(|q| q.is_null()) {
        return Err(Failure::null(&format!("{arg}[{i}]")));
    }
    Ok(ptrs)
}

/// A NUL-terminated UTF-8 string argument.
pub fn c_str<'a>(p: *const c_char, arg: &str) -> Result<&'a str, Failure> {
    if p.is_null() {
        return Err(Failure::null(arg));
    }
    // SAFETY: not NULL; the caller passes a NUL-terminated string (the header's contract).
    let bytes = unsafe { CStr::from_ptr(p) }.to_bytes();
    utf8(bytes, arg)
}

/// A NUL-terminated string argument in `encoding` (`None`: UTF-8 when the bytes are valid UTF-8,
/// else GB18030), as UTF-8. Text that is not valid in its encoding is `KP_INVALID_UTF8`.
pub fn c_str_in<'a>(
    p: *const c_char,
    arg: &str,
    encoding: Option<Encoding>,
) -> Result<Cow<'a, str>, Failure> {
    if p.is_null() {
        return Err(Failure::null(arg));
    }
    // SAFETY: not NULL; the caller passes a NUL-terminated string (the header's contract).
    let bytes = unsafe { CStr::from_ptr(p) }.to_bytes();
    match encoding {
        Some(Encoding::Utf8) => utf8(bytes, arg).map(Cow::Borrowed),
        _ if encoding.is_none() && std::str::from_utf8(bytes).is_ok() => utf8(bytes, arg).map(Cow::Borrowed),
        _ => {
            let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
            if had_errors {
                let at = text.find('\u{FFFD}').map_or(0, |i| text[..i].chars().count());
                return Err(Failure::new(
                    kp_status::KP_INVALID_UTF8,
                    format!("`{arg}` is not valid GB18030 (at character {at})"),
                ));
            }
            Ok(Cow::Owned(text.into_owned()))
        }
    }
}

/// An optional NUL-terminated UTF-8 string argument (NULL is `None`).
pub fn c_str_opt<'a>(p: *const c_char, arg: &str) -> Result<Option<&'a str>, Failure> {
    if p.is_null() { Ok(None) } else { c_str(p, arg).map(Some) }
}

/// A byte buffer argument of `len` bytes.
pub fn bytes<'a>(p: *const c_char, len: usize, arg: &str) -> Result<&'a [u8], Failure> {
    if p.is_null() {
        return Err(Failure::null(arg));
    }
    if len > isize::MAX as usize {
        return Err(Failure::invalid(format!("`{arg}` length {len} is beyond the address space")));
    }
    // SAFETY: not NULL; the caller passes `len` readable bytes (the header's contract).
    Ok(unsafe { std::slice::from_raw_parts(p.cast::<u8>(), len) })
}

/// A UTF-8 text buffer argument of `len` bytes (NUL bytes inside are kept as they are).
pub fn text_buf<'a>(p: *const c_char, len: usize, arg: &str) -> Result<&'a str, Failure> {
    utf8(bytes(p, len, arg)?, arg)
}

fn utf8<'a>(bytes: &'a [u8], arg: &str) -> Result<&'a str, Failure> {
    std::str::from_utf8(bytes).map_err(|e| {
        Failure::new(
            kp_status::KP_INVALID_UTF8,
            format!("`{arg}` is not valid UTF-8 (at byte {})", e.valid_up_to()),
        )
    })
}

/// A Rust string as a C string the caller frees with `kp_string_free`. A NUL inside (possible only
/// in text a rulebook or record put there) becomes U+FFFD, so C sees the whole string.
pub fn to_c_string(s: String) -> CString {
    match CString::new(s) {
        Ok(c) => c,
        Err(e) => {
            let s = String::from_utf8_lossy(&e.into_vec()).replace('\0', "\u{FFFD}");
            CString::new(s).unwrap_or_default()
        }
    }
}

/// A C string made from text (see [`to_c_string`]).
pub fn c_string(s: &str) -> CString {
    to_c_string(s.to_owned())
}

/// A pointer to a string the caller borrows, or NULL for none.
pub fn opt_ptr(s: &Option<CString>) -> *const c_char {
    s.as_ref().map_or(ptr::null(), |c| c.as_ptr())
}

/// Values holding pointers into strings their owner keeps (the arrays and structs lent to C by
/// the `*_at` accessors). Raw pointers are neither `Send` nor `Sync`; these may be shared.
#[derive(Debug, Default)]
pub struct Lent<T>(pub Vec<T>);

// SAFETY: a `Lent` is built once, next to the strings its pointers point into, and neither it nor
// those strings change until both are dropped together: reading it from any thread is safe.
unsafe impl<T> Send for Lent<T> {}
unsafe impl<T> Sync for Lent<T> {}

impl<T> Lent<T> {
    /// The pointer to the first element, as lent to C (valid while `self` lives, even when empty).
    pub fn as_ptr(&self) -> *const T {
        self.0.as_ptr()
    }
}

/// Write an owned string to `out` (and its length, without the NUL, to `len` when not NULL).
pub fn give_string(out: Out<*mut c_char>, len: *mut usize, s: String) {
    let c = to_c_string(s);
    set_optional(len, c.as_bytes().len());
    out.set(c.into_raw());
}

/// Free a string this library returned (through a `char **` out-parameter). NULL is a no-op.
/// Never pass a string that did not come from kaoping, and never free one twice.
#[unsafe(no_mangle)]
pub extern "C" fn kp_string_free(s: *mut c_char) {
    guard(|| {
        if !s.is_null() {
            // SAFETY: the string came from `CString::into_raw` in `give_string` (the contract).
            drop(unsafe { CString::from_raw(s) });
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_inside_a_string_is_replaced() {
        let c = to_c_string("a\0b".to_owned());
        assert_eq!(c.to_str().unwrap(), "a\u{FFFD}b");
    }

    #[test]
    fn a_panic_becomes_kp_panic_with_its_message() {
        let mut err: *mut kp_error = ptr::null_mut();
        let status = boundary(&mut err, || panic!("boom"));
        assert_eq!(status, kp_status::KP_PANIC);
        assert!(!err.is_null());
        let msg = unsafe { CStr::from_ptr(crate::error::kp_error_message(err)) };
        assert!(msg.to_str().unwrap().contains("boom"));
        crate::error::kp_error_free(err);
        assert_eq!(guard(|| -> usize { panic!("boom") }), 0);
    }

    #[test]
    fn invalid_utf8_is_refused_with_its_place() {
        let bad = b"ab\xffc";
        let e = text_buf(bad.as_ptr().cast(), bad.len(), "json").unwrap_err();
        assert_eq!(e.status, kp_status::KP_INVALID_UTF8);
        assert!(matches!(e.detail, Detail::Message(ref m) if m.contains("at byte 2")));
    }
}
