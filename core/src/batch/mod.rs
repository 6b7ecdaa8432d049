//! Batches (spec §12): one result slot per input row, in input order, whatever the thread count.
//! A bad row's slot holds its error and never hides the others. Cohort figures for relative rules
//! come from a first pass over the rows; ranks and a summary (ok, failed, count and share of each
//! grade, the mean, lowest and highest total) come after scoring.
//!
//! Here the batch and its rows as callers read them; [`score`] how rows are scored (chunks, the
//! fast path, the interpreter for the rows it flags); [`summary`] and [`ranks`](mod@ranks) what
//! comes after; [`units`] and [`codes`] result columns read in bulk.

use rust_decimal::Decimal;

use crate::compile::Compiled;
use crate::date::Date;
use crate::error::{ErrorKind, RecordError};
use crate::eval::columnar::published::{Column, Published};
use crate::eval::columnar::{self, NONE};
use crate::eval::{self, Figures, ProfileChoice, Request, Trace, View};
use crate::num::Num;
use crate::outcome::Outcome;
use crate::{Record, Rulebook};

mod codes;
mod plan;
mod ranks;
mod rollup;
mod score;
mod summary;
mod units;
mod view;
use self::ranks::ranks;
pub use codes::Codes;
pub use plan::BatchPlan;
pub use summary::{GradeCount, Summary};
pub use units::Units;

/// How to score a batch.
#[derive(Clone, Debug)]
pub struct BatchOptions {
    /// Score every row in this profile (else each row's `profile_field`).
    pub profile: Option<String>,
    /// Scoring date (else the rulebook's `as_of`).
    pub as_of: Option<Date>,
    /// Build full explanations for every row (slower; see [`Batch::explain`] for a few rows).
    pub explain: bool,
    /// Use every core (rayon). Results are identical either way.
    pub parallel: bool,
    /// Columns or fields that are not inputs: reported (default), or refused — a table with such
    /// a column is not scored, a record with such a field fails.
    pub unknown: crate::input::Unknown,
    /// Keep the results of items scored by another rulebook in explanations (full outcomes and
    /// [`Batch::explain`]), each explaining itself (spec §18.6).
    pub items: bool,
}

impl Default for BatchOptions {
    fn default() -> BatchOptions {
        BatchOptions {
            profile: None,
            as_of: None,
            explain: false,
            parallel: true,
            unknown: crate::input::Unknown::Warn,
            items: false,
        }
    }
}

/// What the interpreter is asked for row `row` (1-based) of a batch scored with `opts`.
pub(super) fn request<'a>(
    opts: &'a BatchOptions,
    figures: Option<&'a Figures>,
    row: Option<usize>,
    joined: Option<&'a eval::Joined>,
) -> Request<'a> {
    Request {
        profile: opts.profile.as_deref().map_or(ProfileChoice::FromRecord, ProfileChoice::Named),
        as_of: opts.as_of,
        figures,
        row,
        items: opts.items,
        joined,
    }
}

/// A scored batch: one slot per input row, in input order.
///
/// Rows scored on the columnar fast path are stored as columns (published points as fixed-point
/// integers); rows that needed the per-record interpreter (and every row, when explanations were
/// asked for) keep their full compact result.
#[derive(Clone)]
pub struct Batch {
    book: Rulebook,
    n: usize,
    profile: Vec<u16>,
    total: Vec<i64>,
    grade: Vec<u16>,
    passed: Vec<u8>,
    vetoes: Vec<u64>,
    /// Published points of the fast rows, a column per node.
    points: Published,
    keys: Vec<Option<String>>,
    /// The rows the interpreter scored, and the failed rows.
    exceptions: Exceptions,
    /// Full explanations per row (empty unless the batch was scored with `explain`).
    outcomes: Vec<Option<Outcome>>,
    /// Overall and per-profile ranks, computed on first use (a count or a sort of the totals).
    ranks: std::sync::OnceLock<Ranks>,
    summary: Summary,
    figures: Option<Figures>,
    options: BatchOptions,
    /// Columns (of a table) or fields (of any record) that are not inputs.
    not_inputs: Vec<crate::input::NotAnInput>,
    /// The lists given already scored (child tables scored as batches), which the rows' records
    /// do not hold: explaining a row puts them back in its record.
    joined: Option<std::sync::Arc<eval::Joined>>,
}

/// Ranks per row: overall, and within the row's profile.
type Ranks = (Vec<Option<u32>>, Vec<Option<u32>>);

/// One row of a batch.
#[derive(Clone, Copy, Debug)]
pub struct Row<'a> {
    batch: &'a Batch,
    index: usize,
}

/// Without `explain` no outcome is built, so nothing publishes the row's values: the first one
/// that cannot be a decimal at the rulebook's scale is the Overflow the outcome would have given
/// (else the row would have neither a total nor an error).
fn unpublished(book: &Compiled, t: &Trace, row: usize) -> Option<RecordError> {
    let over = |n: &Num, at: &str| crate::eval::decimal(book, n, at).err();
    let points = book.points.get(t.profile)?;
    let issue = book
        .nodes
        .iter()
        .enumerate()
        .find_map(|(k, node)| {
            over(&points[k], &node.id).or_else(|| t.points[k].as_ref().and_then(|p| over(p, &node.id)))
        })
        .or_else(|| t.base.as_ref().and_then(|n| over(n, "base")))
        .or_else(|| over(&t.bonus, "bonus"))
        .or_else(|| over(&t.penalty, "penalty"))
        .or_else(|| t.total.as_ref().and_then(|n| over(n, "total")))
        .or_else(|| book.max.get(t.profile).and_then(|n| over(n, "max")))?;
    Some(RecordError { row: Some(row + 1), key: t.key.clone(), issues: vec![issue] })
}

impl Batch {
    /// Columns of the table, or fields of the records, that are no input of the rulebook (each
    /// once, in the order met), with the input each was probably meant for. They were ignored:
    /// a misspelt header leaves its input at its default, so show these to whoever gave the data.
    pub fn not_inputs(&self) -> &[crate::input::NotAnInput] {
        &self.not_inputs
    }

    /// Rows in the batch.
    pub fn len(&self) -> usize {
        self.n
    }

    /// Whether the batch has no rows.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// Row `index` (0-based).
    pub fn row(&self, index: usize) -> Row<'_> {
        Row { batch: self, index }
    }

    /// Every row, in input order.
    pub fn rows(&self) -> impl ExactSizeIterator<Item = Row<'_>> + '_ {
        (0..self.n).map(|index| Row { batch: self, index })
    }

    /// The failed rows with their errors.
    pub fn errors(&self) -> impl Iterator<Item = (usize, &RecordError)> + '_ {
        self.exceptions.iter().filter_map(|(i, r)| r.as_ref().err().map(|e| (i, e)))
    }

    /// The summary.
    pub fn summary(&self) -> &Summary {
        &self.summary
    }

    /// This batch with the child rows that matched no parent row in its summary (what
    /// [`crate::table::join_items`] returned for the rows scored): a table joined to child tables
    /// scores exactly as the same records with their lists (§18.7), and what it left out is said.
    pub fn with_unmatched(mut self, unmatched: Vec<crate::table::Unmatched>) -> Batch {
        self.summary.unmatched = unmatched;
        self
    }

    /// The rulebook that scored the batch.
    pub fn rulebook(&self) -> &Rulebook {
        &self.book
    }

    /// Decimal places of published points (a value `u` in the unit columns below means
    /// `u / 10^scale`).
    pub fn scale(&self) -> u32 {
        self.book.compiled().meta.scale
    }

    /// Every row's published total as a fixed-point integer (`total × 10^scale`; `None` for failed
    /// rows and criteria-only rulebooks). Cheaper than a `Decimal` per row for building columns
    /// (an Arrow decimal128 array takes these integers as they are).
    pub fn total_units(&self) -> Vec<Option<i64>> {
        self.total_units_iter().collect()
    }

    /// [`total_units`](Self::total_units) one row at a time, without a vector (for filling a
    /// column buffer directly).
    pub fn total_units_iter(&self) -> Units<'_> {
        Units::new(self, Some(Column::Wide(&self.total[..])), None)
    }

    /// Every row's published points of the indicator at `node` (file order) as fixed-point
    /// integers; `None` for failed rows and rows where the indicator was left out.
    pub fn points_units(&self, node: usize) -> Vec<Option<i64>> {
        self.points_units_iter(node).collect()
    }

    /// [`points_units`](Self::points_units) one row at a time, without a vector.
    pub fn points_units_iter(&self, node: usize) -> Units<'_> {
        let column = self.points.column(node).filter(|_| node < self.book.compiled().nodes.len());
        Units::new(self, column, Some(node))
    }

    /// The fast path's published points of row `i` at `node`.
    fn fast_points(&self, node: usize, i: usize) -> i64 {
        self.points.column(node).map_or(NONE, |c| c.at(i))
    }

    /// How many rows the columnar fast path scored (the rest went through the per-record
    /// interpreter: rows with missing optional inputs, errors, left-out indicators…).
    pub fn fast_rows(&self) -> usize {
        self.n - self.exceptions.len()
    }

    /// Every row's rank by total, in row order, as [`Row::rank`] gives them one at a time (for
    /// building a column without a call per row).
    pub fn rank_column(&self) -> &[Option<u32>] {
        &self.ranks().0
    }

    /// Every row's rank within its profile, in row order, as [`Row::profile_rank`] gives them.
    pub fn profile_rank_column(&self) -> &[Option<u32>] {
        &self.ranks().1
    }

    /// The full explanation of row `index`, given that row's record: scored again on its own with
    /// the batch's cohort figures (so relative rules give what they gave in the batch).
    pub fn explain(&self, index: usize, record: &Record) -> Result<Outcome, RecordError> {
        if let Some(Some(o)) = self.outcomes.get(index) {
            return Ok(o.clone());
        }
        let book = self.book.compiled();
        let mut record = self.book.bind(record);
        if let Some(j) = self.joined.as_ref().filter(|j| j.gives(index)) {
            let r = record.to_mut();
            for (list, items) in j.items_of(index) {
                r.set(&list, crate::input::Value::Items(items));
            }
        }
        let req = request(&self.options, self.figures.as_ref(), Some(index + 1), None);
        let (_, outcome) = eval::score(book, View::of(&record), &req, true)?;
        outcome.ok_or_else(|| {
            RecordError::one(crate::Issue::at(
                ErrorKind::Overflow,
                "outcome",
                "no explanation was built".into(),
            ))
        })
    }

    /// Ranks overall and within profiles, computed once on first use.
    fn ranks(&self) -> &Ranks {
        self.ranks.get_or_init(|| {
            let scored: Vec<(usize, i64, usize)> = (self.total_units_iter().enumerate())
                .filter_map(|(i, t)| Some((i, t?, self.profile_of(i).unwrap_or(0))))
                .collect();
            ranks(&scored, self.n, self.book.compiled().profiles.len())
        })
    }

    fn profile_of(&self, i: usize) -> Option<usize> {
        match self.exceptions.get(i) {
            Some(Ok(t)) => Some(t.profile),
            Some(Err(_)) => None,
            None => Some(self.profile[i] as usize),
        }
    }

    fn grade_of(&self, i: usize) -> Option<u16> {
        match self.exceptions.get(i) {
            Some(Ok(t)) => t.grade,
            Some(Err(_)) => None,
            None => fast_grade(self.grade[i]),
        }
    }

    fn passed_of(&self, i: usize) -> Option<bool> {
        match self.exceptions.get(i) {
            Some(Ok(t)) => t.passed,
            Some(Err(_)) => None,
            None => fast_passed(self.passed[i]),
        }
    }
}

/// The rows of a batch that are not read from its columns: those the interpreter scored (with
/// their results) and those that failed, in row order. Sparse, since on the fast path they are
/// few: an all-fast chunk adds nothing, and a million-row batch needs no million-slot vector.
#[derive(Clone, Debug, Default)]
struct Exceptions {
    rows: Vec<usize>,
    results: Vec<Result<Trace, RecordError>>,
}

impl Exceptions {
    fn push(&mut self, row: usize, result: Result<Trace, RecordError>) {
        debug_assert!(self.rows.last().is_none_or(|&last| last < row));
        self.rows.push(row);
        self.results.push(result);
    }

    fn append(&mut self, other: Exceptions) {
        self.rows.extend(other.rows);
        self.results.extend(other.results);
    }

    fn len(&self) -> usize {
        self.rows.len()
    }

    /// Row `i`'s result, if it is an exception.
    fn get(&self, i: usize) -> Option<&Result<Trace, RecordError>> {
        // Rows are strictly increasing, so `rows[i] == i` means the first i + 1 rows are all
        // exceptions (as when explanations were asked for): no search.
        let at = match self.rows.get(i) {
            Some(&r) if r == i => Ok(i),
            _ => self.rows.binary_search(&i),
        };
        at.ok().map(|k| &self.results[k])
    }

    /// The exceptions with their rows.
    fn iter(&self) -> impl Iterator<Item = (usize, &Result<Trace, RecordError>)> + '_ {
        self.rows.iter().copied().zip(&self.results)
    }
}

/// A published value in units of 10^−scale (exact: published values are multiples of it).
fn units_of(book: &Compiled, x: &Num) -> Option<i64> {
    let (n, d) = x.round(book.meta.scale, book.meta.rounding).parts_i128()?;
    let pow = 10i128.checked_pow(book.meta.scale)?;
    i64::try_from(n.checked_mul(pow)? / d).ok()
}

impl<'a> Row<'a> {
    fn book(&self) -> &'a Compiled {
        self.batch.book.compiled()
    }

    fn exception(&self) -> Option<&'a Result<Trace, RecordError>> {
        self.batch.exceptions.get(self.index)
    }

    fn dec(&self, n: &Num) -> Option<Decimal> {
        let m = &self.book().meta;
        n.to_decimal_at(m.scale, m.rounding)
    }

    fn units(&self, u: i64) -> Option<Decimal> {
        (u != NONE).then(|| Decimal::new(u, self.book().meta.scale))
    }

    /// 0-based position in the batch.
    pub fn index(&self) -> usize {
        self.index
    }

    /// Whether the row scored.
    pub fn is_ok(&self) -> bool {
        !matches!(self.exception(), Some(Err(_)))
    }

    /// The row's error, if it failed.
    pub fn error(&self) -> Option<&'a RecordError> {
        self.exception().and_then(|r| r.as_ref().err())
    }

    /// The record's key, or its 1-based row number.
    pub fn key(&self) -> String {
        self.own_key().map_or_else(|| (self.index + 1).to_string(), str::to_owned)
    }

    /// The record's own key (its `key_field`), without a copy; `None` where [`key`](Self::key)
    /// gives the row number instead.
    pub fn own_key(&self) -> Option<&'a str> {
        match self.exception() {
            Some(Ok(t)) => t.key.as_deref(),
            Some(Err(e)) => e.key.as_deref(),
            None => self.batch.keys.get(self.index).and_then(Option::as_deref),
        }
    }

    /// The profile the row was scored in.
    pub fn profile(&self) -> Option<&'a str> {
        let p = self.profile_index()?;
        (p > 0).then(|| self.book().profiles[p].name.as_str())
    }

    /// The position of the row's profile, counted from 1 in [`Rulebook::profiles`] (a code for a
    /// categorical column); 0 when the row was scored in no profile, `None` when it failed.
    pub fn profile_index(&self) -> Option<usize> {
        self.batch.profile_of(self.index)
    }

    /// Published total.
    pub fn total(&self) -> Option<Decimal> {
        match self.exception() {
            Some(r) => self.dec(r.as_ref().ok()?.total.as_ref()?),
            None => self.units(self.batch.total[self.index]),
        }
    }

    /// The row's maximum (its profile's).
    pub fn max(&self) -> Option<Decimal> {
        let p = self.batch.profile_of(self.index)?;
        let book = self.book();
        book.has_total().then(|| self.dec(&book.max[p])).flatten()
    }

    /// The grade's label (`None` for a failed row, or without grades or a total).
    pub fn grade(&self) -> Option<&'a str> {
        let g = self.batch.grade_of(self.index)?;
        Some(self.book().grades[g as usize].label.as_str())
    }

    /// The grade's position in [`Rulebook::grades`] (a code for a categorical column).
    pub fn grade_index(&self) -> Option<usize> {
        self.batch.grade_of(self.index).map(usize::from)
    }

    /// Whether every criterion holds.
    pub fn passed(&self) -> Option<bool> {
        self.batch.passed_of(self.index)
    }

    /// Published points of an indicator (`None`: failed row, unknown id or left out).
    pub fn points(&self, id: &str) -> Option<Decimal> {
        let i = *self.book().node_index.get(id)?;
        self.points_at(i as usize)
    }

    /// Published points of the indicator at `index` (file order).
    pub fn points_at(&self, index: usize) -> Option<Decimal> {
        match self.exception() {
            Some(r) => self.dec(r.as_ref().ok()?.points.get(index)?.as_ref()?),
            None => {
                let nodes = self.book().nodes.len();
                if index >= nodes {
                    return None;
                }
                self.units(self.batch.fast_points(index, self.index))
            }
        }
    }

    /// Ids of the vetoes that fired.
    pub fn vetoes(&self) -> Vec<&'a str> {
        let book = self.book();
        match self.exception() {
            Some(Ok(t)) => t.vetoes.iter().map(|&v| book.vetoes[v as usize].id.as_str()).collect(),
            Some(Err(_)) => Vec::new(),
            None => {
                let mask = self.batch.vetoes[self.index];
                book.vetoes
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| mask & (1 << i) != 0)
                    .map(|(_, v)| v.id.as_str())
                    .collect()
            }
        }
    }

    /// Vetoes that fired inside component rulebooks, as (component indicator id, component
    /// rulebook id, veto id). They scored that part as they say; the row itself is not vetoed.
    pub fn component_vetoes(&self) -> Vec<(&'a str, &'a str, &'a str)> {
        let book = self.book();
        match self.exception() {
            Some(Ok(t)) => t
                .component_vetoes
                .iter()
                .map(|hit| {
                    let inner: &Compiled = &hit.rulebook;
                    (
                        book.nodes[hit.node as usize].id.as_str(),
                        inner.meta.id.as_str(),
                        inner.vetoes[hit.veto as usize].id.as_str(),
                    )
                })
                .collect(),
            // The fast path scores no component rules.
            _ => Vec::new(),
        }
    }

    /// Rank among scored rows by total (1, 2, 2, 4).
    pub fn rank(&self) -> Option<u32> {
        self.batch.ranks().0[self.index]
    }

    /// Rank within the row's profile.
    pub fn profile_rank(&self) -> Option<u32> {
        self.batch.ranks().1[self.index]
    }

    /// The full explanation, when the batch was scored with `explain`.
    pub fn outcome(&self) -> Option<&'a Outcome> {
        self.batch.outcomes.get(self.index).and_then(Option::as_ref)
    }
}

/// A fast-path row's grade column value ([`columnar::NO_GRADE`]: none).
fn fast_grade(g: u16) -> Option<u16> {
    (g != columnar::NO_GRADE).then_some(g)
}

/// A fast-path row's criteria column value (0/1; [`columnar::NO_CRITERIA`]).
fn fast_passed(p: u8) -> Option<bool> {
    match p {
        0 => Some(false),
        1 => Some(true),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Exceptions at `rows` of a batch of `n` rows, each an error naming its row.
    fn at(rows: &[usize]) -> Exceptions {
        let mut e = Exceptions::default();
        for &r in rows {
            e.push(r, Err(RecordError { row: Some(r + 1), key: None, issues: Vec::new() }));
        }
        e
    }

    fn row_of(r: Option<&Result<Trace, RecordError>>) -> Option<usize> {
        r.map(|r| r.as_ref().err().and_then(|e| e.row).unwrap() - 1)
    }

    #[test]
    fn exceptions_found_by_row() {
        let n = 12;
        for rows in [vec![], (0..n).collect(), vec![0, 1, 2, 7], vec![3, 4, 11], vec![0, 5], vec![11]] {
            let e = at(&rows);
            let looked_up: Vec<Option<usize>> = (0..n).map(|i| row_of(e.get(i))).collect();
            let expected: Vec<Option<usize>> = (0..n).map(|i| rows.contains(&i).then_some(i)).collect();
            assert_eq!(looked_up, expected, "{rows:?}");
            assert_eq!(e.len(), rows.len());
            assert_eq!(e.iter().map(|(r, _)| r).collect::<Vec<_>>(), rows);
        }
    }

    #[test]
    fn exceptions_of_chunks_append_in_row_order() {
        let mut e = at(&[1, 3]);
        e.append(at(&[]));
        e.append(at(&[4096, 5000]));
        assert_eq!(e.iter().map(|(r, _)| r).collect::<Vec<_>>(), [1, 3, 4096, 5000]);
        assert_eq!(row_of(e.get(5000)), Some(5000));
        assert_eq!(row_of(e.get(4097)), None);
    }
}
