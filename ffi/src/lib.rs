//! # libkaoping — the C ABI of kaoping
//!
//! This crate builds `libkaoping.a` and `libkaoping.so`; `include/kaoping.h` is generated from it
//! by cbindgen (see `cbindgen.toml`, whose header text states the conventions C callers rely on).
//! It holds conversion and ownership code only: every rule of scoring is the core's (`kaoping_core`,
//! the `kaoping` crate), so a result from C is the result from Rust, byte for byte.
//!
//! How the code is laid out:
//! - [`boundary`]: the panic boundary every exported function runs inside, the internal
//!   [`boundary::Failure`] type and the conversions of C arguments (NULL checks, UTF-8, buffers).
//! - [`status`]: `kp_status`, the stable return codes, and `kp_status_str`.
//! - [`error`]: `kp_error`, the optional rich error with every load problem or record issue.
//! - [`rulebook`], [`options`], [`record`], [`result`], [`batch`]: one module per handle type.
//! - [`declared`]: what a rulebook declares (inputs, indicators, profiles, grades, criteria,
//!   vetoes) and [`detail`]: what a result holds (every indicator's points, vetoes that fired,
//!   criteria, grade rules, warnings), listed by counted, indexed accessors, without JSON.
//! - [`compare`]: two rulebooks compared over the same rows, and a rulebook's lint, as JSON.
//! - [`shutdown`]: the batch threads (a pool of the library's own) and `kp_shutdown`, which ends
//!   them and drops the core's cache of built-in rulebooks.
//!
//! The exported functions are safe `extern "C"` functions taking raw pointers, as in rustls-ffi:
//! Rust cannot check a C caller's pointers, so each function checks what it can (NULL, UTF-8,
//! lengths) and the header states the rest (pointers come from this library, are not used after
//! they are freed, buffers hold `len` bytes).

#![allow(non_camel_case_types)]
// The C caller's pointers cannot be checked by the type system; see the crate docs.
#![allow(clippy::not_unsafe_ptr_arg_deref)]
#![warn(missing_docs)]

// The modules are declared in the order the header presents them (cbindgen follows it); the
// blank lines keep rustfmt from sorting them.
pub mod status;

pub mod error;

pub mod rulebook;

pub mod declared;

pub mod options;

pub mod record;

pub mod result;

pub mod detail;

pub mod batch;

/// Advice (整改建议): the least changes that reach a goal, as JSON.
pub mod advise;
pub mod compare;

pub mod shutdown;

pub mod boundary;

#[cfg(feature = "test-panic")]
pub mod testing;

use std::ffi::c_char;

/// The major version (Cargo.toml's), as the header's `KAOPING_VERSION_MAJOR` macro.
pub const KAOPING_VERSION_MAJOR: u32 = 0;
/// The minor version, as the header's `KAOPING_VERSION_MINOR` macro.
pub const KAOPING_VERSION_MINOR: u32 = 1;
/// The patch version, as the header's `KAOPING_VERSION_PATCH` macro.
pub const KAOPING_VERSION_PATCH: u32 = 0;

/// The version of the library, e.g. `"0.1.0"`: a static string, never freed. Compare it with the
/// header's `KAOPING_VERSION` macro to check that the header and the library match.
#[unsafe(no_mangle)]
pub extern "C" fn kp_version() -> *const c_char {
    static VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "\0");
    boundary::guard(|| VERSION.as_ptr().cast())
}

#[cfg(test)]
mod tests {
    use std::ffi::CStr;

    #[test]
    fn version_macros_match_cargo_toml() {
        // cbindgen cannot emit a string constant, so `KAOPING_VERSION` is written in cbindgen.toml;
        // the numbers come from the constants above. Both must follow Cargo.toml.
        let config = include_str!("../cbindgen.toml");
        let define = format!("#define KAOPING_VERSION \\\"{}\\\"", env!("CARGO_PKG_VERSION"));
        assert!(config.contains(&define), "cbindgen.toml lacks {define}");
        let parts =
            [super::KAOPING_VERSION_MAJOR, super::KAOPING_VERSION_MINOR, super::KAOPING_VERSION_PATCH];
        let numbers = parts.map(|n| n.to_string()).join(".");
        assert_eq!(numbers, env!("CARGO_PKG_VERSION"));
        let v = unsafe { CStr::from_ptr(super::kp_version()) };
        assert_eq!(v.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
        assert_eq!(kaoping_core::VERSION, env!("CARGO_PKG_VERSION"));
    }
}
