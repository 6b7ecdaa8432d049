//! Test-only exports (feature `test-panic`): a way for the C tests to reach `KP_PANIC`, which no
//! input can cause (nothing in kaoping panics on bad input).

use crate::boundary::boundary;
use crate::error::kp_error;
use crate::status::kp_status;

/// Test builds only: panics inside the panic boundary. Returns `KP_PANIC`, and writes a
/// `kp_error` saying so to `*err` when `err` is not NULL.
#[unsafe(no_mangle)]
pub extern "C" fn kp_test_panic(err: *mut *mut kp_error) -> kp_status {
    boundary(err, || panic!("kp_test_panic was called"))
}
