//! What must not compile (issue 31): internals out of reach, results and enums that may grow
//! without breaking applications, floats that do not become values silently. Each case's
//! expected compiler output is beside it (`core/tests/ui/*.stderr`; regenerate with
//! `TRYBUILD=overwrite cargo test -p kaoping --test compile_fail` after reading the diff).

#[test]
fn compile_fail() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
