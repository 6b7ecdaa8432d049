//! Reachable ranges: what values an expression, a rule or a total can take over every record a
//! rulebook admits, proven by interval arithmetic over exact rationals. [`interval`] is the
//! arithmetic; [`expr`] follows an expression form by form. The rule kinds say what they give
//! over such ranges (`rules::Kind::range`), and the lint (`crate::lint`) puts it all together.

pub mod expr;
pub mod interval;

pub use expr::{NumRange, Reach, ReachEnv, TextRange, Truth, reach};
pub use interval::{End, Interval};

/// How much a finding matters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Severity {
    /// Worth knowing; nothing is wrong (a reachable range, a value nothing reads that
    /// explanations still show).
    Info,
    /// Proven from the rulebook and most likely a mistake (a band no record can take, a grade no
    /// record can reach).
    Warning,
    /// Records fail because of it (scored on the rulebook's own date, a dated parameter has no
    /// value).
    Error,
}

impl Severity {
    /// The name used in output (`info`, `warning`, `error`).
    pub fn name(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// What a rule found about itself while its range was worked out: a band no value reaches, a
/// line outside its input's range. Said in Chinese and in English.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleNote {
    /// A stable code (`band-never-taken`, …), documented with the lint.
    pub code: &'static str,
    /// How much it matters.
    pub severity: Severity,
    /// In Chinese.
    pub zh: String,
    /// In English.
    pub en: String,
}
