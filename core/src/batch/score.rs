//! Scoring a batch (spec §12): records, rows some of which failed before scoring, or typed
//! columns, in chunks of rows — on every core unless asked otherwise — each chunk on the columnar
//! fast path first and through the interpreter for the rows it flags; cohort figures for relative
//! rules from a first pass.

use crate::par::*;

use super::summary::{Counts, Summary};
use super::{Batch, BatchOptions, Exceptions, fast_grade, fast_passed, request, unpublished};
use crate::compile::Compiled;
use crate::error::RecordError;
use crate::eval::columnar;
use crate::eval::columnar::published::{Published, filled};
use crate::eval::{self, Figures, View};
use crate::num::Num;
use crate::outcome::Outcome;
use crate::rules::relative::Best;
use crate::{Columns, ColumnsError, Record, Rulebook};

/// The cohort's best value per relative rule and group, over rows without input errors.
fn cohort<'r>(
    book: &Compiled,
    n: usize,
    record: &(impl Fn(usize) -> std::borrow::Cow<'r, Record> + Sync),
    failed: &(impl Fn(usize) -> bool + Sync),
    opts: &BatchOptions,
    joined: Option<&eval::Joined>,
) -> Figures {
    let groups = book.profiles.len();
    let per_row = |i: usize| {
        if failed(i) {
            return None;
        }
        eval::cohort_values(book, &record(i), &request(opts, None, Some(i + 1), joined))
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
            self.score_source(&src, |i| std::borrow::Cow::Borrowed(bound[i].as_ref()), &failed, opts, None);
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
        self.score_rows_given(rows, opts, None)
    }

    /// [`Rulebook::score_rows`], with lists given already scored for the rows that `joined` gives.
    pub(super) fn score_rows_given(
        &self,
        rows: &[Result<Record, RecordError>],
        opts: &BatchOptions,
        joined: Option<&eval::Joined>,
    ) -> Batch {
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
            self.score_source(&src, |i| std::borrow::Cow::Borrowed(bound[i].as_ref()), &failed, opts, joined);
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
        let mut batch = self.score_source(&src, record, &failed, opts, None);
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
            None,
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
        joined: Option<&eval::Joined>,
    ) -> Batch {
        let book = self.compiled();
        let n = src.len();
        let failed_at = |i: usize| failed.get(i).and_then(Option::as_ref);
        let figures = (!book.relatives.is_empty())
            .then(|| cohort(book, n, &record, &|i| failed_at(i).is_some(), opts, joined));
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
                let req = request(opts, figures.as_ref(), Some(row + 1), joined);
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
            joined: None,
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
