//! Batches (spec §12): one result slot per input row, in input order, whatever the thread count.
//! A bad row's slot holds its error and never hides the others. Cohort figures for relative rules
//! come from a first pass over the rows; ranks and a summary (ok, failed, count and share of each
//! grade, the mean, lowest and highest total) come after scoring.

use rayon::prelude::*;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::compile::Compiled;
use crate::date::Date;
use crate::error::{ErrorKind, RecordError};
use crate::eval::columnar::published::{Column, Published, filled};
use crate::eval::columnar::{self, NONE};
use crate::eval::{self, Figures, ProfileChoice, Request, Trace, View};
use crate::num::{Num, Rounding};
use crate::outcome::Outcome;
use crate::rules::relative::Best;
use crate::{Columns, ColumnsError, Record, Rulebook};

mod codes;
mod units;
pub use codes::Codes;
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

/// The count and share of one grade among scored rows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GradeCount {
    /// The grade.
    pub grade: String,
    /// Rows with it.
    pub count: usize,
    /// count / scored rows, rounded half-up to 4 places (0.1537 = 15.37%).
    pub share: Decimal,
}

/// What happened across a batch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Rows in.
    pub rows: usize,
    /// Rows scored.
    pub ok: usize,
    /// Rows that failed.
    pub failed: usize,
    /// Every grade, in the rulebook's order, with its count and share.
    pub grades: Vec<GradeCount>,
    /// Rows that passed every criterion (when the rulebook has criteria).
    pub passed: Option<usize>,
    /// Failed rows per error kind.
    pub errors: Vec<(ErrorKind, usize)>,
    /// The mean of the scored rows' published totals, exact: their sum over their count, rounded
    /// once, half-up (四舍五入) at the rulebook's scale. `None` when no row has a total (none
    /// scored, or a criteria-only rulebook).
    #[serde(default)]
    pub mean_total: Option<Decimal>,
    /// The lowest published total among the scored rows (`None` as for the mean).
    #[serde(default)]
    pub lowest_total: Option<Decimal>,
    /// The highest published total among the scored rows (`None` as for the mean).
    #[serde(default)]
    pub highest_total: Option<Decimal>,
    /// Child rows that matched no parent row, per list path (a table joined with child tables,
    /// spec §18.5); empty otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unmatched: Vec<crate::table::Unmatched>,
}

/// A scored batch: one slot per input row, in input order.
///
/// Rows scored on the columnar fast path are stored as columns (published points as fixed-point
/// integers); rows that needed the per-record interpreter (and every row, when explanations were
/// asked for) keep their full compact result.
#[derive(Clone, Debug)]
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
        let record = self.book.bind(record);
        let req = request(&self.options, self.figures.as_ref(), Some(index + 1));
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

    /// Grade.
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

fn request<'a>(opts: &'a BatchOptions, figures: Option<&'a Figures>, row: Option<usize>) -> Request<'a> {
    Request {
        profile: opts.profile.as_deref().map_or(ProfileChoice::FromRecord, ProfileChoice::Named),
        as_of: opts.as_of,
        figures,
        row,
        items: opts.items,
    }
}

/// The cohort's best value per relative rule and group, over rows without input errors.
fn cohort<'r>(
    book: &Compiled,
    n: usize,
    record: &(impl Fn(usize) -> std::borrow::Cow<'r, Record> + Sync),
    failed: &(impl Fn(usize) -> bool + Sync),
    opts: &BatchOptions,
) -> Figures {
    let groups = book.profiles.len();
    let per_row = |i: usize| {
        if failed(i) {
            return None;
        }
        eval::cohort_values(book, &record(i), &request(opts, None, Some(i + 1)))
    };
    let values: Vec<_> = if opts.parallel {
        (0..n).into_par_iter().map(per_row).collect()
    } else {
        (0..n).map(per_row).collect()
    };
    let mut best: Vec<Vec<Option<Num>>> = vec![vec![None; groups]; book.relatives.len()];
    for (profile, vals) in values.into_iter().flatten() {
        for (k, v) in vals.into_iter().enumerate() {
            let Some(v) = v else { continue };
            let site = &book.relatives[k];
            let (per_profile, kind) = match &book.nodes[site.node as usize].rule {
                Some(crate::rules::Rule::Relative(r)) => (r.per_profile, r.best),
                _ => continue,
            };
            let g = if per_profile { profile } else { 0 };
            let slot = &mut best[k][g];
            let better = match (&*slot, kind) {
                (None, _) => true,
                (Some(cur), Best::Max) => v > *cur,
                (Some(cur), Best::Min) => v < *cur,
            };
            if better {
                *slot = Some(v);
            }
        }
    }
    Figures { best }
}

/// Competition ranks (1, 2, 2, 4) by published total (in units), descending — overall and within
/// each profile — from one count of the totals (or one sort, when they span a wide range). Equal
/// totals share a rank; rows without a total are unranked, and rows without a profile have no
/// profile rank.
fn ranks(rows: &[(usize, i64, usize)], n: usize, profiles: usize) -> Ranks {
    let groups = profiles.max(1);
    let (lo, hi) = rows.iter().fold((i64::MAX, i64::MIN), |(lo, hi), &(_, t, _)| (lo.min(t), hi.max(t)));
    let span = (hi as i128 - lo as i128 + 1).max(0) as u128;
    // Totals are whole numbers of units in a narrow range (0..=10,000 for a 100-point scheme at
    // two places): count them instead of sorting, when the counts take no more room than the rows.
    if span * groups as u128 > 4 * rows.len().max(1 << 12) as u128 {
        return ranks_by_sort(rows, n, profiles);
    }
    let span = span as usize;
    // `above[g·span + v]`: rows of group g (0 = all rows, p = profile p) whose total is above lo + v.
    let mut above = vec![0u32; groups * span];
    let at = |t: i64| (t - lo) as usize;
    for &(_, t, p) in rows {
        above[at(t)] += 1;
        if p > 0 {
            above[p * span + at(t)] += 1;
        }
    }
    for group in above.chunks_mut(span.max(1)) {
        let mut higher = 0u32;
        for c in group.iter_mut().rev() {
            (*c, higher) = (higher, higher + *c);
        }
    }
    let mut overall = vec![None; n];
    let mut within = vec![None; n];
    for &(i, t, p) in rows {
        overall[i] = Some(above[at(t)] + 1);
        if p > 0 {
            within[i] = Some(above[p * span + at(t)] + 1);
        }
    }
    (overall, within)
}

/// [`ranks`] by sorting the totals (any range of totals).
fn ranks_by_sort(rows: &[(usize, i64, usize)], n: usize, profiles: usize) -> Ranks {
    let mut order: Vec<(i64, usize, usize)> = rows.iter().map(|&(i, t, p)| (t, i, p)).collect();
    order.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut overall = vec![None; n];
    let mut within = vec![None; n];
    // Per group (0 = all rows, p = profile p): (rows seen, current rank, previous total).
    let mut state: Vec<(u32, u32, Option<i64>)> = vec![(0, 0, None); profiles.max(1)];
    let mut bump = |g: usize, t: i64| {
        let (seen, rank, prev) = &mut state[g];
        *seen += 1;
        if *prev != Some(t) {
            *rank = *seen;
            *prev = Some(t);
        }
        *rank
    };
    for &(t, i, p) in &order {
        overall[i] = Some(bump(0, t));
        if p > 0 {
            within[i] = Some(bump(p, t));
        }
    }
    (overall, within)
}

/// Rows per chunk of the columnar path: big enough to amortise per-column work, small enough
/// that a chunk's columns stay in cache.
const CHUNK: usize = 4096;

/// What a chunk leaves besides its slices of the result columns: the rows the interpreter scored.
struct Part {
    keys: Vec<Option<String>>,
    exceptions: Exceptions,
    outcomes: Vec<Option<Outcome>>,
    counts: Counts,
}

/// What a batch summary counts, tallied per chunk (in parallel) and then added up.
struct Counts {
    ok: usize,
    passed: usize,
    grades: Vec<usize>,
    errors: Vec<(ErrorKind, usize)>,
    /// The fast rows' published totals, in units.
    fast_totals: Totals<i128, i64>,
    /// The interpreter's rows' published totals, exact (they are few; one may not fit units).
    slow_totals: Totals<Num, Num>,
}

/// A count, sum, lowest and highest of published totals.
#[derive(Default)]
struct Totals<S, V> {
    count: usize,
    sum: S,
    lowest: Option<V>,
    highest: Option<V>,
}

impl<S: for<'a> std::ops::AddAssign<&'a S>, V: Ord + Clone> Totals<S, V> {
    /// One more total (`sum`: the same value as `value`, in the sum's type).
    fn add(&mut self, value: V, sum: &S) {
        self.count += 1;
        self.sum += sum;
        if self.lowest.as_ref().is_none_or(|l| value < *l) {
            self.lowest = Some(value.clone());
        }
        if self.highest.as_ref().is_none_or(|h| value > *h) {
            self.highest = Some(value);
        }
    }

    fn merge(&mut self, other: &Totals<S, V>) {
        self.count += other.count;
        self.sum += &other.sum;
        if let Some(v) = &other.lowest
            && self.lowest.as_ref().is_none_or(|l| v < l)
        {
            self.lowest = Some(v.clone());
        }
        if let Some(v) = &other.highest
            && self.highest.as_ref().is_none_or(|h| v > h)
        {
            self.highest = Some(v.clone());
        }
    }
}

impl Counts {
    fn new(grades: usize) -> Counts {
        Counts {
            ok: 0,
            passed: 0,
            grades: vec![0; grades],
            errors: Vec::new(),
            fast_totals: Totals::default(),
            slow_totals: Totals { count: 0, sum: Num::ZERO, lowest: None, highest: None },
        }
    }

    /// A fast row's published total in units ([`NONE`]: it has none).
    fn fast_total(&mut self, units: i64) {
        if units != NONE {
            self.fast_totals.add(units, &i128::from(units));
        }
    }

    /// An interpreter row's total, published at the rulebook's scale.
    fn slow_total(&mut self, book: &Compiled, total: Option<&Num>) {
        if let Some(t) = total {
            let published = t.round(book.meta.scale, book.meta.rounding);
            self.slow_totals.add(published.clone(), &published);
        }
    }

    fn row(&mut self, grade: Option<u16>, passed: Option<bool>) {
        self.ok += 1;
        if let Some(c) = grade.and_then(|g| self.grades.get_mut(g as usize)) {
            *c += 1;
        }
        self.passed += usize::from(passed == Some(true));
    }

    fn error(&mut self, kind: ErrorKind) {
        self.add_errors(kind, 1);
    }

    fn add_errors(&mut self, kind: ErrorKind, n: usize) {
        match self.errors.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, c)) => *c += n,
            None => self.errors.push((kind, n)),
        }
    }

    fn add(&mut self, other: &Counts) {
        self.ok += other.ok;
        self.passed += other.passed;
        for (a, b) in self.grades.iter_mut().zip(&other.grades) {
            *a += b;
        }
        for &(k, n) in &other.errors {
            self.add_errors(k, n);
        }
        self.fast_totals.merge(&other.fast_totals);
        self.slow_totals.merge(&other.slow_totals);
    }

    /// The mean, lowest and highest published total, fast and interpreter rows together.
    fn totals(&self, book: &Compiled) -> (Option<Decimal>, Option<Decimal>, Option<Decimal>) {
        let (fast, slow) = (&self.fast_totals, &self.slow_totals);
        let count = fast.count + slow.count;
        let scale = book.meta.scale;
        let Some(pow) = 10i128.checked_pow(scale) else { return (None, None, None) };
        let of_units = |u: i128| Num::from_ratio(u, pow).unwrap_or(Num::ZERO);
        let sum = of_units(fast.sum).add(&slow.sum);
        let at_scale = |n: &Num, mode| n.to_decimal_at(scale, mode);
        let mean = (count > 0)
            .then(|| sum.checked_div(&Num::from_i128(count as i128)))
            .flatten()
            .and_then(|m| at_scale(&m, Rounding::HalfUp));
        let pick = |a: Option<Num>, b: Option<&Num>, lower: bool| -> Option<Decimal> {
            let best = match (a, b) {
                (Some(a), Some(b)) => Some(if (a < *b) == lower { a } else { b.clone() }),
                (a, b) => a.or_else(|| b.cloned()),
            };
            best.and_then(|n| at_scale(&n, book.meta.rounding))
        };
        let lowest = pick(fast.lowest.map(|u| of_units(u.into())), slow.lowest.as_ref(), true);
        let highest = pick(fast.highest.map(|u| of_units(u.into())), slow.highest.as_ref(), false);
        (mean, lowest, highest)
    }

    fn summary(mut self, book: &Compiled, rows: usize) -> Summary {
        self.errors.sort();
        let (mean_total, lowest_total, highest_total) = self.totals(book);
        let ok = self.ok;
        let share = |c: usize| -> Decimal {
            if ok == 0 {
                return Decimal::ZERO;
            }
            Num::from_i64(c as i64)
                .checked_div(&Num::from_i64(ok as i64))
                .and_then(|s| s.to_decimal_at(4, Rounding::HalfUp))
                .unwrap_or_default()
        };
        Summary {
            rows,
            ok,
            failed: rows - ok,
            grades: book
                .grades
                .iter()
                .zip(&self.grades)
                .map(|(g, &c)| GradeCount { grade: g.label.clone(), count: c, share: share(c) })
                .collect(),
            passed: (!book.criteria.is_empty()).then_some(self.passed),
            errors: self.errors,
            mean_total,
            lowest_total,
            highest_total,
            unmatched: Vec::new(),
        }
    }
}

/// The data rows of a table whose good rows are columns: row `i` reads column row `at[i]`, and a
/// row that failed before scoring (`None`) reads as missing everywhere (it is never scored).
/// Cell by cell: the typed whole-column loads need the rows in the columns' order.
struct InPlace<'a> {
    columns: columnar::ColumnSource<'a>,
    at: &'a [Option<usize>],
}

impl columnar::RowSource for InPlace<'_> {
    fn len(&self) -> usize {
        self.at.len()
    }

    fn cell(&self, ix: usize, row: usize) -> columnar::Cell<'_> {
        match self.at[row] {
            Some(r) => self.columns.cell(ix, r),
            None => columnar::Cell::Missing,
        }
    }

    fn broken(&self, ix: usize, row: usize) -> bool {
        self.at[row].is_some_and(|r| self.columns.broken(ix, r))
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

impl Rulebook {
    /// Score many records: one slot per record, in order, using every core unless
    /// `opts.parallel` is false (the results are the same).
    ///
    /// ```
    /// # let rb = kaoping::Rulebook::builtin("example.county-assessment").unwrap();
    /// let mut records = Vec::new();
    /// for (county, poor) in [("甲县", 2000), ("乙县", 2500), ("丙县", -1)] {
    ///     let mut r = rb.record();
    ///     r.set("county", county);
    ///     r.set("region", "片区外");
    ///     r.set("population", 100_000);
    ///     r.set("poor_population", poor); // -1 is below the minimum: that row fails
    ///     r.set("income_growth", rust_decimal::Decimal::new(95, 1));
    ///     r.set("sampled", 300);
    ///     r.set("satisfied", 285);
    ///     records.push(r);
    /// }
    /// let batch = rb.score_batch(&records, &Default::default());
    /// assert_eq!(batch.summary().ok, 2);
    /// assert_eq!(batch.summary().failed, 1);
    /// assert_eq!(batch.row(2).error().unwrap().kind(), kaoping::ErrorKind::InputOutOfRange);
    /// assert_eq!(batch.row(0).rank(), Some(1));
    /// ```
    pub fn score_batch(&self, records: &[Record], opts: &BatchOptions) -> Batch {
        let bound: Vec<std::borrow::Cow<'_, Record>> = records.iter().map(|r| self.bind(r)).collect();
        let failed = self.refused_rows(bound.iter().map(|r| r.as_ref()), opts);
        let src = columnar::Records(&bound);
        let mut batch =
            self.score_source(&src, |i| std::borrow::Cow::Borrowed(bound[i].as_ref()), &failed, opts);
        batch.not_inputs = self.fields_not_inputs(bound.iter().map(|r| r.as_ref()));
        batch
    }

    /// Under [`Unknown::Error`](crate::input::Unknown::Error), each row's refusal for fields
    /// that are not inputs (empty: none refused).
    fn refused_rows<'a>(
        &self,
        records: impl Iterator<Item = &'a Record>,
        opts: &BatchOptions,
    ) -> Vec<Option<RecordError>> {
        if opts.unknown != crate::input::Unknown::Error {
            return Vec::new();
        }
        records.enumerate().map(|(i, r)| self.refused_fields(r, opts.unknown, Some(i + 1))).collect()
    }

    /// Every field of `records` that is not an input, once each, in the order met.
    fn fields_not_inputs<'a>(
        &self,
        records: impl Iterator<Item = &'a Record>,
    ) -> Vec<crate::input::NotAnInput> {
        let mut seen: rustc_hash::FxHashSet<&str> = Default::default();
        let mut out = Vec::new();
        for r in records {
            for f in r.unknown_fields() {
                if seen.insert(f.as_str()) {
                    out.push(crate::input::NotAnInput::of(&self.compiled().schema, f));
                }
            }
        }
        out
    }

    /// Score rows some of which already failed before scoring (a JSON array or a CSV file whose
    /// bad rows could not become records): every row keeps its place, failed rows keep their
    /// errors (with their row number, when they have none) and count in the summary; they join no
    /// cohort and take no rank. This is how every surface scores such rows (the command, the C
    /// library), so their results are those of the rows that did become records, in place.
    ///
    /// ```
    /// let rb = kaoping::Rulebook::builtin("example.county-assessment").unwrap();
    /// let rows = rb.records_from_json(r#"[{"county": "甲县"}, 7]"#).unwrap();
    /// let batch = rb.score_rows(&rows, &Default::default());
    /// assert_eq!(batch.len(), 2);
    /// assert_eq!(batch.row(0).error().unwrap().kind(), kaoping::ErrorKind::MissingInput);
    /// assert_eq!(batch.row(1).error().unwrap().row, Some(2));
    /// assert_eq!(batch.summary().failed, 2);
    /// ```
    pub fn score_rows(&self, rows: &[Result<Record, RecordError>], opts: &BatchOptions) -> Batch {
        // A failed row's slot holds an empty record that is never scored (nor read for a cohort).
        let blank = self.record();
        let mut failed: Vec<Option<RecordError>> = Vec::with_capacity(rows.len());
        let mut bound: Vec<std::borrow::Cow<'_, Record>> = Vec::with_capacity(rows.len());
        for (i, r) in rows.iter().enumerate() {
            match r {
                Ok(r) => {
                    failed.push(self.refused_fields(r, opts.unknown, Some(i + 1)));
                    bound.push(self.bind(r));
                }
                Err(e) => {
                    let mut e = e.clone();
                    e.row.get_or_insert(i + 1);
                    failed.push(Some(e));
                    bound.push(std::borrow::Cow::Borrowed(&blank));
                }
            }
        }
        let src = columnar::Records(&bound);
        let mut batch =
            self.score_source(&src, |i| std::borrow::Cow::Borrowed(bound[i].as_ref()), &failed, opts);
        batch.not_inputs = self.fields_not_inputs(bound.iter().map(|r| r.as_ref()));
        batch
    }

    /// Score the rows of a table read into typed columns, some of which failed before scoring
    /// (a ragged line): `rows` has one entry per data row, its row in `columns` or the error that
    /// kept it out — what [`TableColumns`](crate::table::TableColumns) gives as `slots`. Every
    /// data row keeps its place, as [`Rulebook::score_rows`] keeps it; the others score as
    /// [`Rulebook::score_columns`] scores them.
    ///
    /// ```
    /// use kaoping::table::{ColumnReader, parse_csv};
    /// let rb = kaoping::Rulebook::builtin("example.county-assessment").unwrap();
    /// let (header, rows) = parse_csv("县名,片区,户籍人口,建档立卡贫困人口,income_growth,抽样户数,认可户数,专家评分\n\
    ///     甲县,凉山彝区\n\
    ///     乙县,凉山彝区,100000,3000,6,320,266,7;8;9;6;10\n").unwrap();
    /// let t = ColumnReader::new(&rb, &header).unwrap().read(rows);
    /// let batch = rb.score_table_rows(&t.columns, &t.slots, &Default::default()).unwrap();
    /// assert_eq!(batch.len(), 2);
    /// assert_eq!(batch.row(0).error().unwrap().kind(), kaoping::ErrorKind::Syntax);
    /// assert_eq!(batch.row(1).total().unwrap().to_string(), "80.13");
    /// assert_eq!(batch.row(1).rank(), Some(1));
    /// ```
    pub fn score_table_rows(
        &self,
        columns: &Columns,
        rows: &[Result<usize, RecordError>],
        opts: &BatchOptions,
    ) -> Result<Batch, ColumnsError> {
        let in_place = rows.len() == columns.len() && rows.iter().enumerate().all(|(i, r)| r == &Ok(i));
        if in_place {
            return self.score_columns(columns, opts);
        }
        let schema = &self.compiled().schema;
        let binding = self.refuse_or_bind(columns, opts)?;
        let not_inputs = columns.not_inputs(schema, &binding);
        let at: Vec<Option<usize>> = rows.iter().map(|r| r.as_ref().ok().copied()).collect();
        if let Some(&r) = at.iter().flatten().find(|&&r| r >= columns.len()) {
            return Err(ColumnsError {
                message: format!("row {r} of {} column row(s) is beyond the columns", columns.len()),
            });
        }
        let failed: Vec<Option<RecordError>> = rows
            .iter()
            .enumerate()
            .map(|(i, r)| {
                r.as_ref().err().map(|e| {
                    let mut e = e.clone();
                    e.row.get_or_insert(i + 1);
                    e
                })
            })
            .collect();
        let blank = self.record();
        let src = InPlace { columns: columnar::ColumnSource { columns, binding: &binding }, at: &at };
        let record = |i: usize| match at[i] {
            Some(r) => std::borrow::Cow::Owned(columns.record(schema, &binding, r)),
            None => std::borrow::Cow::Borrowed(&blank),
        };
        let mut batch = self.score_source(&src, record, &failed, opts);
        batch.not_inputs = not_inputs;
        Ok(batch)
    }

    /// For each input, the column of `columns` that fills it (matched by name, then by label):
    /// what [`Rulebook::record_of_row`] reads. Two columns filling one input is an error.
    pub fn bind_columns(&self, columns: &Columns) -> Result<Vec<Option<usize>>, ColumnsError> {
        columns.bind(&self.compiled().schema)
    }

    /// Row `i` of `columns` as a record (for explaining a row of a scored table).
    pub fn record_of_row(&self, columns: &Columns, binding: &[Option<usize>], i: usize) -> Record {
        columns.record(&self.compiled().schema, binding, i)
    }

    /// Score a table given by columns (a DataFrame, an Arrow table, a CSV parsed into columns)
    /// without building a record per row: columns match inputs by name or label. Rows that need
    /// the per-record interpreter are turned into records one by one. Equal to scoring
    /// `columns.record(..)` of every row with [`Rulebook::score_batch`].
    ///
    /// ```
    /// use kaoping::{Column, ColumnData, Columns};
    /// let rb = kaoping::Rulebook::builtin("example.county-assessment").unwrap();
    /// let mut t = Columns::new(2);
    /// t.push("county", Column::new(ColumnData::Text(vec!["甲县".into(), "乙县".into()]))).unwrap();
    /// t.push("片区", Column::new(ColumnData::Dict { codes: vec![0, 1], dict: vec!["片区外".into(), "凉山彝区".into()] })).unwrap();
    /// t.push("population", Column::new(ColumnData::Int(vec![100_000, 100_000].into()))).unwrap();
    /// t.push("poor_population", Column::new(ColumnData::Int(vec![2_000, 3_000].into()))).unwrap();
    /// t.push("income_growth", Column::new(ColumnData::Fixed { mantissa: vec![950, 600].into(), scale: 2 })).unwrap();
    /// t.push("sampled", Column::new(ColumnData::Int(vec![300, 320].into()))).unwrap();
    /// t.push("satisfied", Column::new(ColumnData::Int(vec![285, 266].into()))).unwrap();
    /// let batch = rb.score_columns(&t, &Default::default()).unwrap();
    /// assert_eq!(batch.row(1).points("help.satisfaction").unwrap().to_string(), "3.13");
    /// ```
    pub fn score_columns(&self, columns: &Columns, opts: &BatchOptions) -> Result<Batch, ColumnsError> {
        let schema = &self.compiled().schema;
        let binding = self.refuse_or_bind(columns, opts)?;
        let not_inputs = columns.not_inputs(schema, &binding);
        let src = columnar::ColumnSource { columns, binding: &binding };
        let mut batch = self.score_source(
            &src,
            |i| std::borrow::Cow::Owned(columns.record(schema, &binding, i)),
            &[],
            opts,
        );
        batch.not_inputs = not_inputs;
        Ok(batch)
    }

    /// Bind `columns` to the inputs; under [`Unknown::Error`](crate::input::Unknown::Error), refuse
    /// a table with a column that is no input.
    fn refuse_or_bind(
        &self,
        columns: &Columns,
        opts: &BatchOptions,
    ) -> Result<Vec<Option<usize>>, ColumnsError> {
        let schema = &self.compiled().schema;
        let binding = columns.bind(schema)?;
        if opts.unknown == crate::input::Unknown::Error {
            let not_inputs = columns.not_inputs(schema, &binding);
            if !not_inputs.is_empty() {
                let all = crate::input::NotAnInput::warning_for(&not_inputs, false, crate::Lang::En);
                return Err(ColumnsError {
                    message: format!("refused (strict mode): {}", all.replace("(ignored)", "(refused)")),
                });
            }
        }
        Ok(binding)
    }

    /// Score every row of a source: the columnar fast path by chunks, the interpreter for the rows
    /// it flags (and for all rows when explanations are wanted or the rulebook needs it). Rows
    /// with an error in `failed` (empty: none) keep it and are not scored.
    fn score_source<'r, S: columnar::RowSource>(
        &self,
        src: &S,
        record: impl Fn(usize) -> std::borrow::Cow<'r, Record> + Sync,
        failed: &[Option<RecordError>],
        opts: &BatchOptions,
    ) -> Batch {
        let book = self.compiled();
        let n = src.len();
        let failed_at = |i: usize| failed.get(i).and_then(Option::as_ref);
        let figures =
            (!book.relatives.is_empty()).then(|| cohort(book, n, &record, &|i| failed_at(i).is_some(), opts));
        // (Every profile's max can be published: a rulebook whose max cannot does not load.)
        let fast = self.plan().unsupported.is_none() && !opts.explain;
        let setup = columnar::Setup {
            book,
            plan: self.plan(),
            profile: opts.profile.as_deref(),
            as_of: opts.as_of.or(book.meta.as_of),
            figures: figures.as_ref(),
        };
        // The result columns, filled in place chunk by chunk (in parallel: disjoint slices).
        // Zeroed first (by every core, when parallel): the fast path writes every column of every
        // row it scores, and the other rows are read from their exception slot, never from these.
        let par = opts.parallel;
        let mut slow = filled(!fast, n, par);
        let mut profile = filled(0u16, n, par);
        let mut total = filled(0i64, n, par);
        let mut grade = filled(0u16, n, par);
        let mut passed = filled(0u8, n, par);
        let mut vetoes = filled(0u64, n, par);
        let mut points = match fast {
            true => Published::new(book.nodes.len(), n, self.plan().most_node_units(), par),
            false => Published::empty(n),
        };
        let outs: Vec<(usize, columnar::Out<'_>)> = slow
            .chunks_mut(CHUNK)
            .zip(profile.chunks_mut(CHUNK))
            .zip(total.chunks_mut(CHUNK))
            .zip(grade.chunks_mut(CHUNK))
            .zip(passed.chunks_mut(CHUNK))
            .zip(vetoes.chunks_mut(CHUNK))
            .zip(points.chunks(CHUNK))
            .enumerate()
            .map(|(c, ((((((slow, profile), total), grade), passed), vetoes), points))| {
                (c * CHUNK, columnar::Out { slow, profile, total, grade, passed, vetoes, points })
            })
            .collect();
        let part = |(start, mut out): (usize, columnar::Out<'_>)| -> Part {
            let len = out.slow.len();
            let rows = start..start + len;
            if fast {
                columnar::run_chunk(&setup, src, rows.clone(), &mut out);
            }
            for (k, row) in rows.clone().enumerate() {
                if failed_at(row).is_some() {
                    out.slow[k] = true;
                }
            }
            let mut exceptions = Exceptions::default();
            let mut outcomes = Vec::with_capacity(if opts.explain { len } else { 0 });
            let mut keys = Vec::with_capacity(if book.key_field.is_some() { len } else { 0 });
            for (k, row) in rows.enumerate() {
                if !out.slow[k] {
                    if let Some(f) = book.key_field {
                        keys.push(match src.cell(f as usize, row) {
                            columnar::Cell::Text(t) => Some(t.trim().to_owned()),
                            columnar::Cell::Int(v) => Some(v.to_string()),
                            _ => Some(
                                record(row)
                                    .get(&book.schema.inputs[f as usize].name)
                                    .map(|v| v.key_text())
                                    .unwrap_or_default(),
                            ),
                        });
                    }
                    continue;
                }
                if book.key_field.is_some() {
                    keys.push(None);
                }
                if let Some(e) = failed_at(row) {
                    exceptions.push(row, Err(e.clone()));
                    if opts.explain {
                        outcomes.push(None);
                    }
                    continue;
                }
                let r = record(row);
                let req = request(opts, figures.as_ref(), Some(row + 1));
                match eval::score(book, View::of(&r), &req, opts.explain).and_then(|(t, o)| {
                    match opts.explain {
                        true => Ok((t, o)),
                        false => unpublished(book, &t, row).map_or(Ok((t, o)), Err),
                    }
                }) {
                    Ok((t, o)) => {
                        exceptions.push(row, Ok(t));
                        if opts.explain {
                            outcomes.push(o);
                        }
                    }
                    Err(e) => {
                        exceptions.push(row, Err(e));
                        if opts.explain {
                            outcomes.push(None);
                        }
                    }
                }
            }
            // The summary's counts for this chunk, while its rows are in cache.
            let mut counts = Counts::new(book.grades.len());
            // (Every slow row is an exception, and only those are.)
            for k in (0..len).filter(|&k| !out.slow[k]) {
                counts.row(fast_grade(out.grade[k]), fast_passed(out.passed[k]));
                counts.fast_total(out.total[k]);
            }
            for (_, e) in exceptions.iter() {
                match e {
                    Ok(t) => {
                        counts.row(t.grade, t.passed);
                        counts.slow_total(book, t.total.as_ref());
                    }
                    Err(e) => counts.error(e.kind()),
                }
            }
            Part { keys, exceptions, outcomes, counts }
        };
        let parts: Vec<Part> = if opts.parallel {
            outs.into_par_iter().map(part).collect()
        } else {
            outs.into_iter().map(part).collect()
        };

        let mut b = Batch {
            book: self.clone(),
            n,
            profile,
            total,
            grade,
            passed,
            vetoes,
            points,
            keys: Vec::new(),
            exceptions: Exceptions::default(),
            outcomes: Vec::new(),
            ranks: std::sync::OnceLock::new(),
            summary: Summary {
                rows: 0,
                ok: 0,
                failed: 0,
                grades: Vec::new(),
                passed: None,
                errors: Vec::new(),
                mean_total: None,
                lowest_total: None,
                highest_total: None,
                unmatched: Vec::new(),
            },
            figures,
            options: opts.clone(),
            not_inputs: Vec::new(),
        };
        let mut counts = Counts::new(book.grades.len());
        for p in parts {
            counts.add(&p.counts);
            b.keys.extend(p.keys);
            b.exceptions.append(p.exceptions);
            b.outcomes.extend(p.outcomes);
        }
        b.summary = counts.summary(book, n);
        b
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

    /// Ranks by counting equal ranks by sorting: ties share the better rank ("1224"), per profile
    /// too, for narrow and wide ranges of totals (the wide ones are sorted either way).
    #[test]
    fn ranks_by_counting_equal_ranks_by_sorting() {
        let mut seed = 42u64;
        let mut next = move |m: u64| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) % m
        };
        // Counted (span × groups within 4 × max(rows, 4096)), then sorted (too wide).
        for (rows, spread, profiles) in
            [(0, 10, 1), (1, 1, 1), (50, 5, 3), (20_000, 10_001, 6), (3000, 1 << 40, 4)]
        {
            let n = rows + rows / 10;
            let mut scored: Vec<(usize, i64, usize)> = Vec::new();
            for i in 0..n {
                if next(11) != 0 {
                    let t = next(spread) as i64 - (spread / 3) as i64;
                    scored.push((i, t, next(profiles as u64) as usize));
                }
            }
            let (a, b) = (ranks(&scored, n, profiles), ranks_by_sort(&scored, n, profiles));
            assert_eq!(a, b, "{rows} rows over {spread}");
        }
        let tied = [(0, 5, 1), (1, 7, 1), (2, 5, 2), (3, 7, 0), (4, 1, 1)];
        let (overall, within) = ranks(&tied, 6, 3);
        assert_eq!(overall, [Some(3), Some(1), Some(3), Some(1), Some(5), None]);
        assert_eq!(within, [Some(2), Some(1), Some(1), None, Some(3), None]);
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
