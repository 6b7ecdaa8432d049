//! # kaoping 考评 — scoring rules as code for government assessments
//!
//! A **rulebook** (考核方案) is a TOML or JSON file that defines an assessment scheme: the inputs
//! each assessed unit reports, how each indicator turns them into points, how points add up,
//! vetoes (一票否决), criteria (达标条件) and grades (等次). kaoping loads a rulebook, validates it
//! completely (every problem, with line and column), and scores records **exactly**: every result
//! equals exact rational arithmetic, rounded only where the rulebook says (四舍五入 by default,
//! never banker's rounding by accident), and every point is explained.
//!
//! The normative meaning is the rulebook specification; this crate is its reference engine. The
//! C ABI (`libkaoping`), the Python module (`import kaoping`) and the `kaoping` command convert
//! and call into it.
//!
//! ## Load → score → explain
//! ```
//! use kaoping::{Format, Lang, Rulebook, ScoreOptions};
//!
//! let rb = Rulebook::from_str(r#"
//! [rulebook]
//! id = "demo.satisfaction"
//! title = "群众认可度（示例）"
//! version = "1"
//!
//! [inputs]
//! sampled   = { type = "integer", min = 1, label = "抽样户数" }
//! satisfied = { type = "integer", min = 0, label = "认可户数" }
//!
//! [derived]
//! satisfaction = "satisfied / sampled * 100"
//!
//! [[indicator]]
//! id = "satisfaction"
//! label = "群众认可度"
//! points = 15
//! linear = { input = "satisfaction", from = [80, 0], to = [95, 15] }
//!
//! [[grade]]
//! label = "达标"
//! at_least = 3
//! [[grade]]
//! label = "未达标"
//! "#, Format::Toml)?;
//!
//! let mut record = rb.record();
//! record.set("sampled", 320);
//! record.set("satisfied", 266);           // 83.125%: 3.125 points, half-up → 3.13
//! let outcome = rb.score(&record, &ScoreOptions::default())?;
//! assert_eq!(outcome.total.unwrap().to_string(), "3.13");
//! assert_eq!(outcome.grade.as_deref(), Some("达标"));
//!
//! // Every point explained, in Chinese (default, also `{outcome}`) or English, and as versioned JSON.
//! println!("{}", outcome.explain(Lang::Zh));
//! assert!(outcome.to_json().contains(r#""total":"3.13""#));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Batches
//! [`Rulebook::score_batch`] scores many records on every core; each row gets a slot in input
//! order, a bad row's slot holds its error, and [`Batch::summary`] counts grades. See its example.
//!
//! ## Errors
//! Loading returns a [`LoadError`] listing every [`Problem`] with its [`Location`] (in the order of
//! their places; [`Loader::load_named`] names text's source); scoring returns a [`RecordError`]
//! listing every [`Issue`] of the record. Both carry [`ErrorKind`]s from the specification's list,
//! the same in every binding. Every error of the API converts into [`Error`] with `?`; a file or
//! stream that cannot be read keeps its [`std::io::Error`] as `source()`. Nothing panics on bad
//! input.
//!
//! ## For applications
//! Records come from typed values ([`Record::set`], or [`Record::try_set`], which refuses a name
//! that is no input), from JSON text, a [`serde_json::Value`] ([`Rulebook::record_from_value`]) or
//! any `Serialize` value ([`Rulebook::record_from_serialize`]); tables as typed [`Columns`]
//! ([`Columns::builder`]). [`Record`], [`Outcome`] and [`Batch`] serialise with serde; `Debug` of a
//! record, a rulebook or a batch fits a log line. Every type a result holds is nameable from this
//! root (or [`notes`], [`table`]); result structs and enums are `#[non_exhaustive]`, so that they
//! can grow without breaking callers.
//!
//! ## Features and threads
//! - `rayon` (default): batches and comparisons use every core. They run on the current rayon
//!   pool, so an application that keeps its own runs them there with `pool.install(|| …)`:
//!   ```
//!   # #[cfg(feature = "rayon")] {
//!   # let rb = kaoping::Rulebook::builtin("example.county-assessment").unwrap();
//!   # let records = vec![rb.record()];
//!   let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
//!   let batch = pool.install(|| rb.score_batch(&records, &kaoping::BatchOptions::default()));
//!   # assert_eq!(batch.len(), 1);
//!   # }
//!   ```
//!   Without the feature (`default-features = false`) the same calls run on the calling thread,
//!   with the same results; [`BatchOptions`]' `parallel` chooses per call.
//! - `gbk` (default): tables in GBK/GB18030 (detected, or asked for by [`table::Encoding`]).
//!   Without it such a table is refused with an error that says so.
//!
//! The minimum supported Rust version is 1.88 (`rust-version` in Cargo.toml, checked in CI).

#![forbid(unsafe_code)]
#![warn(missing_docs)]
// Every type a public signature or field reaches can be named from outside (issue 31): a type
// that leaks without a public path is a warning, and clippy runs with `-D warnings`.
#![warn(unnameable_types)]

pub mod advise;
mod batch;
mod builtin;
pub mod compare;
mod compile;
pub mod date;
pub mod design;
mod error;
mod eval;
mod expr;
mod input;
mod lang;
pub mod lint;
pub mod message;
mod model;
pub mod num;
mod outcome;
mod par;
mod range;
mod read;
mod render;
mod rulebook;
mod rules;
pub mod schema;
mod scope;
mod syntax;
pub mod table;
mod testcases;
pub mod variant;
mod vector;

pub use batch::{Batch, BatchOptions, BatchPlan, Codes, GradeCount, Row, Summary, Units};
pub use compare::{CompareOptions, Comparison};
pub use date::Date;
pub use error::{ErrorKind, Issue, LoadError, Location, Problem, RecordError};
pub use input::{
    Column, ColumnData, Columns, ColumnsBuilder, ColumnsError, Item, NotAnInput, Piece, Record, Unknown,
    Value, Values,
};
pub use lang::{Lang, ParseLangError};
pub use lint::{Finding, Lint};
pub use model::lineage::{Provenance, VariantOf};
pub use num::Rounding;
pub use outcome::Status;
pub use outcome::{
    AdjustOutcome, AggregateLine, Clamp, ComponentVeto, CriterionOutcome, GradeRuleOutcome, Hold, HoldKind,
    ItemResult, ItemResults, Lost, NextGrade, NodeOutcome, Outcome, Rescale, RulebookRef, SCHEMA, ValueRead,
    VetoOutcome,
};
pub use render::{explain, explain_grade_rule, explain_node, grade_rule_reason};
pub use rulebook::{
    Cohort, GradeInfo, IndicatorInfo, InputInfo, Loader, ProfileInfo, Rulebook, ScoreOptions,
};
pub use rules::Note;
/// The exact decimal every published value is (re-exported, so that applications name the same
/// version the crate was built with).
pub use rust_decimal::Decimal;
pub use syntax::{Format, UnknownFormat};
pub use testcases::{TestFailure, TestReport};
pub use variant::{Change, Variant};

/// How each rule kind explains itself: the types inside [`Note`]'s variants, for consumers of
/// [`Outcome`] that read a rule's working (`Note::Bands(n)` holds a [`notes::Bands`]).
pub mod notes {
    pub use crate::rules::bands::{Cmp as BandsCmp, Note as Bands};
    pub use crate::rules::check::Note as Check;
    pub use crate::rules::component::Note as Component;
    pub use crate::rules::count::Note as Count;
    pub use crate::rules::deduct::Note as Deduct;
    pub use crate::rules::formula::Note as Formula;
    pub use crate::rules::items::{GroupNote as ItemGroup, ItemNote as Item, Note as Items};
    pub use crate::rules::linear::Note as Linear;
    pub use crate::rules::lookup::Note as Lookup;
    pub use crate::rules::panel::{Method as PanelMethod, Note as Panel};
    pub use crate::rules::ratio::Note as Ratio;
    pub use crate::rules::relative::{Best as RelativeBest, Note as Relative};
}

/// Any error of the library's public API. It lives here, above the modules whose errors it
/// gathers (`error` holds the kinds and the load and record errors every module uses).
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A rulebook did not load.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// A record could not be scored.
    #[error(transparent)]
    Record(#[from] RecordError),
    /// A table (CSV, a sheet, child tables) could not be read or joined at all.
    #[error(transparent)]
    Table(#[from] table::TableError),
    /// Typed columns that do not fit their table or the rulebook.
    #[error(transparent)]
    Columns(#[from] ColumnsError),
}

impl Error {
    /// The kind of the (first) problem. Columns that do not fit are `Schema`.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Load(e) => e.kind(),
            Error::Record(e) => e.kind(),
            Error::Table(e) => e.kind,
            Error::Columns(_) => ErrorKind::Schema,
        }
    }
}

/// Internals that the fuzz targets (`fuzz/`) and the crate's own tests drive directly: the
/// expression parser and the document tree, behind wrappers so that none of their types becomes
/// public. Not part of the public API: no stability promise, hidden from the documentation.
#[doc(hidden)]
pub mod internals {
    use std::fmt;

    pub use crate::expr::MAX_TREE_DEPTH;
    /// The document tree with its places, for the command's `show` (comments beside each
    /// section) and `template` (each input's declaration), and for the docs' tests.
    pub mod syntax {
        pub use crate::syntax::{Entry, Node, Pos, SyntaxProblem, SyntaxProblemKind, Value, parse};
    }

    /// A parsed expression (spec §5).
    #[derive(Debug)]
    pub struct Expression(crate::expr::Expr);

    impl Expression {
        /// Depth of the tree.
        pub fn depth(&self) -> usize {
            self.0.depth()
        }
        /// The names it reads, in order of appearance.
        pub fn names(&self) -> Vec<String> {
            self.0.names().into_iter().map(|(n, _)| n.to_owned()).collect()
        }
    }

    impl fmt::Display for Expression {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            self.0.fmt(f)
        }
    }

    /// The parser's refusal: where (character offsets into the text) and what.
    #[derive(Debug)]
    pub struct ExpressionError {
        /// First character of the problem.
        pub start: usize,
        /// One past its last character.
        pub end: usize,
        text: String,
    }

    impl fmt::Display for ExpressionError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(&self.text)
        }
    }

    /// Parse an expression as a rulebook's would be.
    pub fn parse_expression(text: &str) -> Result<Expression, ExpressionError> {
        crate::expr::parse(text).map(Expression).map_err(|e| ExpressionError {
            start: e.span.start,
            end: e.span.end,
            text: e.to_string(),
        })
    }

    /// A TOML document as JSON (the canonical writer's), or `None` if it does not parse.
    pub fn toml_to_json(text: &str) -> Option<String> {
        crate::syntax::parse(text, crate::Format::Toml).ok().map(|doc| crate::syntax::to_json(&doc))
    }
}

/// The README's Rust example, compiled and run as a doc test so that it shows the API as it is.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeExamples;

/// The library's version (from Cargo.toml).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

#[cfg(test)]
mod tests {
    use super::*;

    /// Every error of the public API converts into `Error` with `?`, keeping its kind.
    #[test]
    fn errors_compose() {
        fn read(bytes: &[u8]) -> Result<usize, Error> {
            let rb = crate::Rulebook::builtin("example.county-assessment")?;
            let t = crate::table::read_csv(&rb, bytes, Some(crate::table::Encoding::Utf8))?;
            let mut c = crate::Columns::new(1);
            c.push("x", crate::Column::new(crate::ColumnData::Int(vec![1, 2].into())))?;
            Ok(t.records.len())
        }
        assert_eq!(read(b"a,b\n1,\"2\n").unwrap_err().kind(), ErrorKind::Syntax);
        assert_eq!(read("县名\n甲县\n".as_bytes()).unwrap_err().kind(), ErrorKind::Schema);
    }
}

#[cfg(test)]
mod send_sync {
    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn rulebook_is_send_and_sync() {
        assert_send_sync::<crate::Rulebook>();
        assert_send_sync::<crate::Outcome>();
        assert_send_sync::<crate::Batch>();
    }
}
