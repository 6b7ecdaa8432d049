//! Batches (spec §12): one result slot per input row, in input order, whatever the thread count.
//! A bad row's slot holds its error and never hides the others. Cohort figures for relative rules
//! come from a first pass over the rows; ranks and a summary (ok, failed, count and share of each
//! grade) come after scoring.

use rayon::prelude::*;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::compile::Compiled;
use crate::date::Date;
use crate::error::{ErrorKind, RecordError};
use crate::eval::{self, Figures, ProfileChoice, Request, Trace, View};
use crate::num::{Num, Rounding};
use crate::outcome::Outcome;
use crate::rules::relative::Best;
use crate::{Record, Rulebook};

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
}

impl Default for BatchOptions {
    fn default() -> BatchOptions {
        BatchOptions { profile: None, as_of: None, explain: false, parallel: true }
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
}

/// A scored batch.
#[derive(Clone, Debug)]
pub struct Batch {
    book: Rulebook,
    rows: Vec<Result<Trace, RecordError>>,
    outcomes: Vec<Option<Outcome>>,
    ranks: Vec<Option<u32>>,
    profile_ranks: Vec<Option<u32>>,
    summary: Summary,
    figures: Option<Figures>,
    options: BatchOptions,
}

/// One row of a batch.
#[derive(Clone, Copy, Debug)]
pub struct Row<'a> {
    batch: &'a Batch,
    index: usize,
}

impl Batch {
    /// Rows in the batch.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether the batch has no rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Row `index` (0-based).
    pub fn row(&self, index: usize) -> Row<'_> {
        Row { batch: self, index }
    }

    /// Every row, in input order.
    pub fn rows(&self) -> impl ExactSizeIterator<Item = Row<'_>> + '_ {
        (0..self.rows.len()).map(|index| Row { batch: self, index })
    }

    /// The failed rows with their errors.
    pub fn errors(&self) -> impl Iterator<Item = (usize, &RecordError)> + '_ {
        self.rows.iter().enumerate().filter_map(|(i, r)| r.as_ref().err().map(|e| (i, e)))
    }

    /// The summary.
    pub fn summary(&self) -> &Summary {
        &self.summary
    }

    /// The rulebook that scored the batch.
    pub fn rulebook(&self) -> &Rulebook {
        &self.book
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
}

impl<'a> Row<'a> {
    fn book(&self) -> &'a Compiled {
        self.batch.book.compiled()
    }

    fn trace(&self) -> Option<&'a Trace> {
        self.batch.rows[self.index].as_ref().ok()
    }

    fn dec(&self, n: &Num) -> Option<Decimal> {
        let m = &self.book().meta;
        n.to_decimal_at(m.scale, m.rounding)
    }

    /// 0-based position in the batch.
    pub fn index(&self) -> usize {
        self.index
    }

    /// Whether the row scored.
    pub fn is_ok(&self) -> bool {
        self.batch.rows[self.index].is_ok()
    }

    /// The row's error, if it failed.
    pub fn error(&self) -> Option<&'a RecordError> {
        self.batch.rows[self.index].as_ref().err()
    }

    /// The record's key, or its 1-based row number.
    pub fn key(&self) -> String {
        let key = match &self.batch.rows[self.index] {
            Ok(t) => t.key.clone(),
            Err(e) => e.key.clone(),
        };
        key.unwrap_or_else(|| (self.index + 1).to_string())
    }

    /// The profile the row was scored in.
    pub fn profile(&self) -> Option<&'a str> {
        let p = self.trace()?.profile;
        (p > 0).then(|| self.book().profiles[p].name.as_str())
    }

    /// Published total.
    pub fn total(&self) -> Option<Decimal> {
        self.dec(self.trace()?.total.as_ref()?)
    }

    /// The row's maximum (its profile's).
    pub fn max(&self) -> Option<Decimal> {
        let t = self.trace()?;
        let book = self.book();
        book.has_total().then(|| self.dec(&book.max[t.profile])).flatten()
    }

    /// Grade.
    pub fn grade(&self) -> Option<&'a str> {
        let g = self.trace()?.grade?;
        Some(self.book().grades[g as usize].label.as_str())
    }

    /// Whether every criterion holds.
    pub fn passed(&self) -> Option<bool> {
        self.trace()?.passed
    }

    /// Published points of an indicator (`None`: failed row, unknown id or left out).
    pub fn points(&self, id: &str) -> Option<Decimal> {
        let i = *self.book().node_index.get(id)?;
        self.points_at(i as usize)
    }

    /// Published points of the indicator at `index` (file order).
    pub fn points_at(&self, index: usize) -> Option<Decimal> {
        self.dec(self.trace()?.points.get(index)?.as_ref()?)
    }

    /// Ids of the vetoes that fired.
    pub fn vetoes(&self) -> Vec<&'a str> {
        let book = self.book();
        self.trace().map_or_else(Vec::new, |t| {
            t.vetoes.iter().map(|&v| book.vetoes[v as usize].id.as_str()).collect()
        })
    }

    /// Rank among scored rows by total (1, 2, 2, 4).
    pub fn rank(&self) -> Option<u32> {
        self.batch.ranks[self.index]
    }

    /// Rank within the row's profile.
    pub fn profile_rank(&self) -> Option<u32> {
        self.batch.profile_ranks[self.index]
    }

    /// The full explanation, when the batch was scored with `explain`.
    pub fn outcome(&self) -> Option<&'a Outcome> {
        self.batch.outcomes[self.index].as_ref()
    }
}

fn request<'a>(opts: &'a BatchOptions, figures: Option<&'a Figures>, row: Option<usize>) -> Request<'a> {
    Request {
        profile: opts.profile.as_deref().map_or(ProfileChoice::FromRecord, ProfileChoice::Named),
        as_of: opts.as_of,
        figures,
        row,
    }
}

/// The cohort's best value per relative rule and group, over rows without input errors.
fn cohort(book: &Compiled, records: &[Record], opts: &BatchOptions, rb: &Rulebook) -> Figures {
    let groups = book.profiles.len();
    let per_row = |(i, r): (usize, &Record)| {
        let bound = rb.bind(r);
        eval::cohort_values(book, &bound, &request(opts, None, Some(i + 1)))
    };
    let values: Vec<_> = if opts.parallel {
        records.par_iter().enumerate().map(per_row).collect()
    } else {
        records.iter().enumerate().map(per_row).collect()
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

/// Competition ranks (1, 2, 2, 4) of the scored rows by published total, descending; equal totals
/// share a rank.
fn ranks<'a>(rows: impl Iterator<Item = (usize, &'a Num)>, n: usize) -> Vec<Option<u32>> {
    let mut order: Vec<(usize, &Num)> = rows.collect();
    // Stable sort keeps input order among equal totals.
    order.sort_by(|a, b| b.1.cmp(a.1));
    let mut out = vec![None; n];
    let mut rank = 0u32;
    let mut prev: Option<&Num> = None;
    for (pos, (i, t)) in order.iter().enumerate() {
        if prev != Some(*t) {
            rank = pos as u32 + 1;
            prev = Some(*t);
        }
        out[*i] = Some(rank);
    }
    out
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
        let book = self.compiled();
        let figures = (!book.relatives.is_empty()).then(|| cohort(book, records, opts, self));
        let score_one = |(i, r): (usize, &Record)| {
            let bound = self.bind(r);
            let req = request(opts, figures.as_ref(), Some(i + 1));
            match eval::score(book, View::of(&bound), &req, opts.explain) {
                Ok((t, o)) => (Ok(t), o),
                Err(e) => (Err(e), None),
            }
        };
        let scored: Vec<(Result<Trace, RecordError>, Option<Outcome>)> = if opts.parallel {
            records.par_iter().enumerate().map(score_one).collect()
        } else {
            records.iter().enumerate().map(score_one).collect()
        };
        let (rows, outcomes): (Vec<_>, Vec<_>) = scored.into_iter().unzip();
        let n = rows.len();
        let totals = || {
            rows.iter()
                .enumerate()
                .filter_map(|(i, r)| r.as_ref().ok().and_then(|t| t.total.as_ref().map(|x| (i, x))))
        };
        let overall = ranks(totals(), n);
        let mut profile_ranks = vec![None; n];
        for p in 1..book.profiles.len() {
            let within = ranks(totals().filter(|(i, _)| rows[*i].as_ref().is_ok_and(|t| t.profile == p)), n);
            for (i, r) in within.into_iter().enumerate() {
                if r.is_some() {
                    profile_ranks[i] = r;
                }
            }
        }
        let summary = summarize(book, &rows);
        Batch {
            book: self.clone(),
            rows,
            outcomes,
            ranks: overall,
            profile_ranks,
            summary,
            figures,
            options: opts.clone(),
        }
    }
}

fn summarize(book: &Compiled, rows: &[Result<Trace, RecordError>]) -> Summary {
    let ok = rows.iter().filter(|r| r.is_ok()).count();
    let mut counts = vec![0usize; book.grades.len()];
    let mut passed = 0usize;
    let mut errors: Vec<(ErrorKind, usize)> = Vec::new();
    for r in rows {
        match r {
            Ok(t) => {
                if let Some(g) = t.grade {
                    counts[g as usize] += 1;
                }
                if t.passed == Some(true) {
                    passed += 1;
                }
            }
            Err(e) => match errors.iter_mut().find(|(k, _)| *k == e.kind()) {
                Some((_, c)) => *c += 1,
                None => errors.push((e.kind(), 1)),
            },
        }
    }
    errors.sort();
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
        rows: rows.len(),
        ok,
        failed: rows.len() - ok,
        grades: book
            .grades
            .iter()
            .zip(&counts)
            .map(|(g, &c)| GradeCount { grade: g.label.clone(), count: c, share: share(c) })
            .collect(),
        passed: (!book.criteria.is_empty()).then_some(passed),
        errors,
    }
}
