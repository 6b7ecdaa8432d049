//! The scored table: data rows read and scored — each row's batch row from the core, where it
//! came from (its number, line and key) and its record, to explain it. The result files
//! (`output`) and the HTML report (`report`) both read it; it knows neither.
//!
//! Rows that failed before scoring (a ragged line, a JSON element that is no object) keep their
//! place in the core's batch with their errors (`Rulebook::score_rows`,
//! `Rulebook::score_table_rows`), as they do in every other binding.

use kaoping::{Batch, BatchOptions, Outcome, Record, RecordError, Row, Rulebook, Summary};

use crate::data::{Chunk, ColumnChunk, Streamed};
use crate::fail::Fail;

/// Data rows read and scored, one batch row each.
pub struct Scored {
    batch: Batch,
    /// Each row's record, or the error that kept it from becoming one; empty for rows streamed as
    /// typed columns (they have no record: nothing to explain).
    records: Vec<Result<Record, RecordError>>,
    lines: Vec<Option<usize>>,
    keys: Vec<Option<String>>,
    /// Each row's cells carried through (`--keep-columns`); empty when none are.
    kept: Vec<Vec<String>>,
    /// Data rows before these (when a file is scored a chunk at a time).
    offset: usize,
}

impl Scored {
    /// Score every row of `chunk` as one batch.
    pub fn new(rb: &Rulebook, chunk: Chunk, opts: &BatchOptions) -> Scored {
        Scored::records(rb, chunk, opts, 0)
    }

    /// Rows with their child tables (`--items`), joined and scored by the core; the child rows
    /// that matched no parent row are in the batch's summary.
    pub fn with_items(
        rb: &Rulebook,
        mut chunk: Chunk,
        children: Vec<kaoping::table::ChildTable>,
        opts: &BatchOptions,
    ) -> Result<Scored, Fail> {
        if children.is_empty() {
            return Ok(Scored::new(rb, chunk, opts));
        }
        let batch = rb
            .score_with_items(&mut chunk.records, children, opts)
            .map_err(|e| crate::data::join_fail(&e))?;
        Ok(Scored {
            batch,
            records: chunk.records,
            lines: chunk.lines,
            keys: chunk.keys,
            kept: chunk.kept,
            offset: 0,
        })
    }

    /// Score a chunk of a streamed file, `offset` data rows in.
    pub fn streamed(
        rb: &Rulebook,
        chunk: Streamed,
        opts: &BatchOptions,
        offset: usize,
    ) -> Result<Scored, Fail> {
        match chunk {
            Streamed::Columns(c) => Scored::columns(rb, c, opts, offset),
            Streamed::Records(c) => Ok(Scored::records(rb, c, opts, offset)),
        }
    }

    fn records(rb: &Rulebook, chunk: Chunk, opts: &BatchOptions, offset: usize) -> Scored {
        let batch = rb.score_rows(&chunk.records, opts);
        Scored {
            batch,
            records: chunk.records,
            lines: chunk.lines,
            keys: chunk.keys,
            kept: chunk.kept,
            offset,
        }
    }

    /// Table rows given as typed columns.
    fn columns(
        rb: &Rulebook,
        chunk: ColumnChunk,
        opts: &BatchOptions,
        offset: usize,
    ) -> Result<Scored, Fail> {
        let t = chunk.table;
        let batch = rb.score_table_rows(&t.columns, &t.slots, opts).map_err(|e| {
            Fail::unusable(format!("数据列无法评分：{e}"), format!("the columns cannot be scored: {e}"))
        })?;
        Ok(Scored {
            batch,
            records: Vec::new(),
            lines: t.lines.into_iter().map(Some).collect(),
            keys: chunk.keys,
            kept: chunk.kept,
            offset,
        })
    }

    /// Data rows.
    pub fn len(&self) -> usize {
        self.batch.len()
    }

    /// Row `i`'s 1-based number in the data file.
    pub fn number(&self, i: usize) -> usize {
        self.offset + i + 1
    }

    /// Row `i`'s line in the data file, if known.
    pub fn line(&self, i: usize) -> Option<usize> {
        self.lines[i]
    }

    /// Row `i`'s key: its key column, else its 1-based row number.
    pub fn key(&self, i: usize) -> String {
        self.keys[i].clone().unwrap_or_else(|| self.number(i).to_string())
    }

    /// Row `i`'s cells carried through (`--keep-columns`); empty when none are.
    pub fn kept(&self, i: usize) -> &[String] {
        self.kept.get(i).map_or(&[], Vec::as_slice)
    }

    /// Row `i` of the batch: its result, or its error.
    pub fn row(&self, i: usize) -> Row<'_> {
        self.batch.row(i)
    }

    /// What happened across these rows (the core's counts and totals).
    pub fn summary(&self) -> &Summary {
        self.batch.summary()
    }

    /// Row `i`'s record, when it became one.
    pub fn record(&self, i: usize) -> Option<&kaoping::Record> {
        self.records.get(i)?.as_ref().ok()
    }

    /// Row `i` explained in full, with the cohort it was scored in; `None` when it never became a
    /// record (or was streamed as columns).
    pub fn explain(&self, i: usize) -> Option<Result<Outcome, RecordError>> {
        let record = self.records.get(i)?.as_ref().ok()?;
        Some(self.batch.explain(i, record))
    }
}

/// A failed record's issues, for a person reading stderr: in the command's language.
pub fn issues_said(e: &RecordError) -> String {
    let lang = crate::fail::lang();
    let sep = if lang == kaoping::Lang::En { "; " } else { "；" };
    e.issues.iter().map(|i| i.to_string_in(lang)).collect::<Vec<_>>().join(sep)
}
