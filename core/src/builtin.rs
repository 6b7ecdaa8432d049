//! The built-in rulebooks, embedded in the library so every binding has them (`builtin:<id>`).
//! Each is a TOML file under `core/rulebooks/`; loading compiles it once and caches it.

/// (id, TOML text) of every built-in rulebook, in listing order.
pub(crate) const BUILTINS: &[(&str, &str)] =
    &[("example.county-assessment", include_str!("../rulebooks/example.county-assessment.toml"))];
