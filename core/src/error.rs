//! Errors: the kinds of spec §17, load problems with their locations (§14), and per-record errors.
//!
//! Loading collects every problem it finds ([`LoadError`] holds a list); scoring reports every
//! input problem of a record together ([`RecordError`] holds a list of [`Issue`]s). Each carries an
//! [`ErrorKind`] that is the same in Rust, C (`kp_error_kind`) and Python (exception subclasses).

use std::fmt;

use serde::{Deserialize, Serialize};

/// Declares [`ErrorKind`] from one list: each kind's code, and the sentence that is at once its
/// Rust documentation and what [`ErrorKind::doc`] gives the bindings (Python exception docstrings,
/// the C header's `KP_KIND_*` comments), so the words are written once.
macro_rules! error_kinds {
    ($($kind:ident = $code:literal: $doc:literal,)+) => {
        /// The kind of an error, as listed in spec §17 (plus [`ErrorKind::Io`] for files that can't
        /// be read).
        ///
        /// The numbering is stable: the C ABI and the Python module expose these codes.
        #[non_exhaustive]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum ErrorKind {
            $(#[doc = $doc] $kind = $code,)+
        }

        impl ErrorKind {
            /// Every kind, in code order.
            pub const ALL: [ErrorKind; [$($code),+].len()] = [$(ErrorKind::$kind),+];

            /// The spec's name of the kind, e.g. `"MissingInput"`.
            pub fn name(self) -> &'static str {
                match self {
                    $(ErrorKind::$kind => stringify!($kind),)+
                }
            }

            /// What the kind means, in one sentence (the kind's documentation): the one text the
            /// bindings show for it.
            ///
            /// ```
            /// use kaoping::ErrorKind;
            /// assert_eq!(ErrorKind::MissingElse.doc(), "A `bands` rule without `else`.");
            /// ```
            pub fn doc(self) -> &'static str {
                match self {
                    $(ErrorKind::$kind => $doc,)+
                }
            }
        }
    };
}

error_kinds! {
    Syntax = 1: "The text is not valid TOML or JSON.",
    Schema = 2: "A key is unknown, missing or has the wrong type of value.",
    DuplicateId = 3: "Two items share an id (indicators, inputs, parameters, derived values, vetoes…).",
    OrphanIndicator = 4: "A dotted indicator id whose parent is not declared before it.",
    PointsMismatch = 5: "Children's points do not add up to their parent's (or to the declared max).",
    BandOrder = 6: "Band thresholds are not strictly monotonic in the direction their comparator needs.",
    MissingElse = 7: "A `bands` rule without `else`.",
    DegenerateLinear = 8: "A `linear` rule whose two x values are equal.",
    UnknownName = 9: "A name (input, parameter, derived value, indicator, profile, rulebook) that is not declared.",
    TypeMismatch = 10: "An expression or value of the wrong type.",
    Cycle = 11: "Derived values that depend on each other.",
    UnknownProfile = 12: "A profile that is not declared (in a rulebook override, named by a record, or given for a whole call).",
    GradeOrder = 13: "Grade bounds that do not strictly decrease.",
    UnknownGrade = 14: "A grade label used by a veto or grade rule that no `[[grade]]` declares.",
    TooDeep = 15: "Nesting beyond what the loader accepts (an expression or document nested too deep).",
    MissingInput = 16: "A required input is missing from a record.",
    InputType = 17: "An input value of the wrong type (text where a number belongs, NaN, a non-integral integer…).",
    InputOutOfRange = 18: "An input outside its declared `min`/`max`/`values`, or outside the decimal range.",
    NoDatedValue = 19: "A dated parameter has no value on or before the scoring date.",
    DivisionByZero = 20: "A division by zero while scoring.",
    Overflow = 21: "A published value that cannot be represented as a decimal.",
    LookupMiss = 22: "A `lookup` or `items` key not in the table, where the rule has no `else`.",
    PanelTooSmall = 23: "A panel with too few marks for its method.",
    CohortRequired = 24: "A relative rule scored without cohort figures.",
    Io = 25: "A file that could not be read.",
    DuplicateKey = 26: "Rows of a table that a child table joins on share a key (§18.5): they fail, and their items are given to no one.",
}

impl ErrorKind {
    /// The stable numeric code (used by the C ABI).
    pub fn code(self) -> i32 {
        self as i32
    }

    /// The kind with the given spec name.
    pub fn from_name(name: &str) -> Option<ErrorKind> {
        ErrorKind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// Whether this kind is raised while loading a rulebook (as opposed to scoring a record).
    pub fn is_load_kind(self) -> bool {
        (self as i32) <= ErrorKind::TooDeep as i32 || self == ErrorKind::Io
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Where a load problem is: the file, line and column where the format gives them, and the path
/// inside the rulebook (`indicator reduction.incidence`, `params.exit_limit`…).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    /// The file the rulebook came from, if it came from a file.
    pub file: Option<String>,
    /// 1-based line.
    pub line: Option<u32>,
    /// 1-based column, in characters.
    pub column: Option<u32>,
    /// The place inside the rulebook, e.g. `indicator "reduction.incidence" bands`.
    pub path: Option<String>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut wrote = false;
        if let Some(file) = &self.file {
            f.write_str(file)?;
            wrote = true;
        }
        if let Some(line) = self.line {
            if wrote {
                f.write_str(":")?;
            }
            write!(f, "{line}")?;
            if let Some(col) = self.column {
                write!(f, ":{col}")?;
            }
            wrote = true;
        }
        if let Some(path) = &self.path {
            if wrote {
                f.write_str(" ")?;
            }
            write!(f, "({path})")?;
        }
        Ok(())
    }
}

/// One problem found while loading a rulebook.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Problem {
    /// What kind of problem.
    pub kind: ErrorKind,
    /// Where it is.
    pub location: Location,
    /// What is wrong, in words.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let loc = self.location.to_string();
        if loc.is_empty() {
            write!(f, "{}: {}", self.kind, self.message)
        } else {
            write!(f, "{loc}: {}: {}", self.kind, self.message)
        }
    }
}

/// A rulebook that did not load, with every problem found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoadError {
    /// The rulebook's id, when it could be read.
    pub rulebook: Option<String>,
    /// Every problem, in the order of their places: by file (the rulebook's own first), then
    /// line and column; problems without a place last, in the order found. Never empty.
    pub problems: Vec<Problem>,
    /// The I/O error behind an `Io` problem, given as [`source`](std::error::Error::source).
    #[serde(skip)]
    pub(crate) io: Option<IoSource>,
}

/// An I/O error kept as the `source()` of the error it caused (shared, so that the error stays
/// `Clone`; equal when the kinds are).
#[derive(Clone, Debug)]
pub(crate) struct IoSource(pub(crate) std::sync::Arc<std::io::Error>);

impl PartialEq for IoSource {
    fn eq(&self, other: &IoSource) -> bool {
        self.0.kind() == other.0.kind()
    }
}

impl Eq for IoSource {}

impl IoSource {
    pub(crate) fn of(e: std::io::Error) -> Option<IoSource> {
        Some(IoSource(std::sync::Arc::new(e)))
    }

    pub(crate) fn as_source(this: &Option<IoSource>) -> Option<&(dyn std::error::Error + 'static)> {
        this.as_ref().map(|e| &*e.0 as &(dyn std::error::Error + 'static))
    }
}

impl std::error::Error for LoadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        IoSource::as_source(&self.io)
    }
}

impl LoadError {
    /// A load error of these problems, put in the order of their places (see `problems`).
    pub(crate) fn new(rulebook: Option<String>, problems: Vec<Problem>) -> LoadError {
        let mut files: Vec<Option<String>> = Vec::new();
        let mut keyed: Vec<((usize, u32, u32), Problem)> = problems
            .into_iter()
            .map(|p| {
                let l = &p.location;
                let f = files.iter().position(|x| *x == l.file).unwrap_or_else(|| {
                    files.push(l.file.clone());
                    files.len() - 1
                });
                ((f, l.line.unwrap_or(u32::MAX), l.column.unwrap_or(u32::MAX)), p)
            })
            .collect();
        keyed.sort_by_key(|(k, _)| *k); // stable: problems at one place keep the order found
        LoadError { rulebook, problems: keyed.into_iter().map(|(_, p)| p).collect(), io: None }
    }

    /// The [`std::io::ErrorKind`] when the rulebook could not be read at all (its
    /// [`source`](std::error::Error::source) is then the [`std::io::Error`]).
    pub fn io_kind(&self) -> Option<std::io::ErrorKind> {
        self.io.as_ref().map(|e| e.0.kind())
    }

    /// The kind of the first problem.
    pub fn kind(&self) -> ErrorKind {
        self.problems.first().map_or(ErrorKind::Schema, |p| p.kind)
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.rulebook {
            Some(id) => write!(f, "rulebook {id} did not load")?,
            None => write!(f, "rulebook did not load")?,
        }
        let n = self.problems.len();
        write!(f, " ({n} problem{}):", if n == 1 { "" } else { "s" })?;
        for p in &self.problems {
            write!(f, "\n  {p}")?;
        }
        Ok(())
    }
}

/// One problem with a record: a bad input, or a fault while evaluating it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Issue {
    /// What kind of problem.
    pub kind: ErrorKind,
    /// The input field concerned (for input errors).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The indicator, derived value, parameter, veto or criterion being evaluated (for evaluation errors).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
    /// The offending value as text, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// What is wrong, in words.
    pub message: String,
    /// The item of a list input the problem is in (spec §18.2): the list, the item's 1-based
    /// position in input order and its key — `households[17] (5100000017)`, nested
    /// `villages[3] (新村).households[17] (5100000017)`. `field` then names the item's field.
    /// (Boxed: an issue is passed by value in many `Result`s, and most have no item.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<Box<str>>,
}

impl Issue {
    /// An input problem on `field`.
    pub fn input(kind: ErrorKind, field: &str, value: Option<String>, message: String) -> Issue {
        Issue { kind, field: Some(field.to_owned()), at: None, value, message, item: None }
    }

    /// An evaluation problem at `at` (an indicator id, or a derived/parameter name).
    pub fn at(kind: ErrorKind, at: &str, message: String) -> Issue {
        Issue { kind, field: None, at: Some(at.to_owned()), value: None, message, item: None }
    }

    /// The same problem, inside item `item` of a list (`households[17] (5100000017)`): the path
    /// grows outwards as the problem is passed up through nested lists.
    pub fn in_item(mut self, item: &str) -> Issue {
        self.item = Some(
            match self.item.take() {
                Some(inner) => format!("{item}.{inner}"),
                None => item.to_owned(),
            }
            .into(),
        );
        self
    }
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(item) = &self.item {
            write!(f, "{item}: ")?;
        }
        write!(f, "{}", self.kind)?;
        if let Some(field) = &self.field {
            write!(f, " [field {field}]")?;
        }
        if let Some(at) = &self.at {
            write!(f, " [at {at}]")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// A record that could not be scored: every input problem of the record, or the evaluation fault.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub struct RecordError {
    /// 1-based row number in a batch (or the record's position), if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row: Option<usize>,
    /// The record's key (its `key_field` value), if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// The problems; never empty. Input problems come in input declaration order.
    #[serde(deserialize_with = "non_empty_issues")]
    pub issues: Vec<Issue>,
}

/// A `RecordError` read back from JSON has at least one issue, so that [`RecordError::first`] and
/// [`RecordError::kind`] cannot fail on it: an empty list is refused while deserialising.
fn non_empty_issues<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Issue>, D::Error> {
    let issues = Vec::<Issue>::deserialize(d)?;
    if issues.is_empty() {
        return Err(serde::de::Error::invalid_length(0, &"at least one issue"));
    }
    Ok(issues)
}

impl RecordError {
    /// An error with one issue.
    pub fn one(issue: Issue) -> RecordError {
        RecordError { row: None, key: None, issues: vec![issue] }
    }

    /// The kind of the first issue.
    pub fn kind(&self) -> ErrorKind {
        self.issues[0].kind
    }

    /// The first issue.
    pub fn first(&self) -> &Issue {
        &self.issues[0]
    }
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("record")?;
        if let Some(row) = self.row {
            write!(f, " row {row}")?;
        }
        if let Some(key) = &self.key {
            write!(f, " ({key})")?;
        }
        f.write_str(":")?;
        if self.issues.len() == 1 {
            write!(f, " {}", self.issues[0])
        } else {
            for i in &self.issues {
                write!(f, "\n  {i}")?;
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A record error read back from JSON without issues is refused, not a panic later in
    /// `first()` or `kind()`.
    #[test]
    fn a_record_error_without_issues_does_not_deserialise() {
        let e = serde_json::from_str::<RecordError>(r#"{"row": 3, "issues": []}"#).unwrap_err();
        assert!(e.to_string().contains("at least one issue"), "{e}");
        let ok: RecordError = serde_json::from_str(
            r#"{"issues": [{"kind": "MissingInput", "field": "x", "message": "x is required but missing"}]}"#,
        )
        .unwrap();
        assert_eq!(ok.kind(), ErrorKind::MissingInput);
    }

    /// The list declares codes 1, 2, 3… in order (the C ABI and Python expose them), each kind
    /// named by its identifier and documented by one sentence.
    #[test]
    fn kinds_are_numbered_in_order_and_documented() {
        for (i, k) in ErrorKind::ALL.into_iter().enumerate() {
            assert_eq!(k.code(), i as i32 + 1, "{k}");
            assert_eq!(ErrorKind::from_name(k.name()), Some(k));
            assert_eq!(format!("{k:?}"), k.name());
            let doc = k.doc();
            assert!(doc.ends_with('.') && doc.starts_with(char::is_uppercase), "{k}: {doc}");
        }
        assert_eq!(
            ErrorKind::UnknownProfile.doc(),
            "A profile that is not declared (in a rulebook override, named by a record, or given for a whole call)."
        );
    }
}
