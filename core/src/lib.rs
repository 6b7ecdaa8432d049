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
//! // Every point explained, in Chinese (default) or English, and as versioned JSON.
//! println!("{}", kaoping::explain(&outcome, Lang::Zh));
//! assert!(outcome.to_json().contains(r#""total":"3.13""#));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Batches
//! [`Rulebook::score_batch`] scores many records on every core; each row gets a slot in input
//! order, a bad row's slot holds its error, and [`Batch::summary`] counts grades. See its example.
//!
//! ## Errors
//! Loading returns a [`LoadError`] listing every [`Problem`] with its [`Location`]; scoring returns
//! a [`RecordError`] listing every [`Issue`] of the record. Both carry [`ErrorKind`]s from the
//! specification's list, the same in every binding. Nothing panics on bad input.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod batch;
mod builtin;
pub mod compare;
mod compile;
pub mod date;
pub mod design;
mod error;
mod eval;
pub mod expr;
mod input;
mod lang;
pub mod lint;
mod model;
pub mod num;
mod outcome;
pub mod range;
mod read;
mod render;
mod rulebook;
mod rules;
pub mod schema;
mod scope;
pub mod syntax;
pub mod table;
mod testcases;
pub mod variant;
mod vector;

pub use batch::{Batch, BatchOptions, Codes, GradeCount, Row, Summary, Units};
pub use compare::{CompareOptions, Comparison};
pub use date::Date;
pub use error::{ErrorKind, Issue, LoadError, Location, Problem, RecordError};
pub use input::{
    Column, ColumnData, Columns, ColumnsError, Item, NotAnInput, Piece, Record, Unknown, Value, Values,
};
pub use lang::{Lang, ParseLangError};
pub use lint::{Finding, Lint};
pub use model::lineage::{Provenance, VariantOf};
pub use num::Rounding;
pub use outcome::Status;
pub use outcome::{
    AdjustOutcome, AggregateLine, Clamp, ComponentVeto, CriterionOutcome, GradeRuleOutcome, Hold, HoldKind,
    ItemResult, ItemResults, Lost, NextGrade, NodeOutcome, Outcome, Read, Rescale, RulebookRef, SCHEMA,
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
pub use syntax::Format;
pub use testcases::{TestFailure, TestReport};
pub use variant::{Change, Variant};

/// How each rule kind explains itself: the types inside [`Note`]'s variants, for consumers of
/// [`Outcome`] that read a rule's working (`Note::Bands(n)` holds a [`notes::Bands`]).
pub mod notes {
    pub use crate::rules::bands::Note as Bands;
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
    pub use crate::rules::relative::Note as Relative;
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
