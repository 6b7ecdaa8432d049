//! Batches (spec §12): many records scored at once, on every core, one slot per input row in
//! input order. A row that fails (a bad value, a JSON element that is not an object, a ragged CSV
//! line) holds its error in its slot and never stops the others. In: typed records
//! (`kp_score_batch`), a JSON array (`kp_score_batch_json`) or a CSV table (`kp_score_csv`). Out:
//! `kp_batch`, read row by row, or as a JSON array of result-or-error.

use std::ffi::c_char;
use std::sync::Arc;

use kaoping_core::table::{self, ColumnMatch, Encoding};
use kaoping_core::{Batch, Outcome, Record, RecordError};
use serde_json::{Value as J, json};

use crate::boundary::{
    Failure, Handle, Out, borrow, boundary, bytes, c_str, free, give_string, guard, into_raw, status_only,
    text_buf,
};
use crate::error::{KpError, kp_error};
use crate::options::{KpOptions, kp_options, options_or_default};
use crate::record::kp_record;
use crate::result::{give_result, kp_result};
use crate::rulebook::{Book, kp_rulebook};
use crate::status::kp_status;

/// A scored batch: one row per input record, in input order, each a result or an error; ranks
/// and a summary. Owned by the caller (free it with `kp_batch_free`); reading it from several
/// threads at once is safe.
pub struct kp_batch {
    _private: [u8; 0],
}

/// Where a table came from, for the summary.
#[derive(Debug)]
struct TableInfo {
    lines: Vec<usize>,
    columns: ColumnMatch,
    encoding: Option<Encoding>,
}

/// The value behind a `kp_batch`.
#[derive(Debug)]
pub struct KpBatch {
    book: Arc<Book>,
    /// One row per input row. Rows that failed before they could be scored (not a JSON object, a
    /// ragged CSV line) hold their errors in place, as the core's `score_rows` keeps them.
    batch: Batch,
    /// Each row's record (kept to explain a row on demand), or the error it failed with early.
    rows: Vec<Result<Record, RecordError>>,
    table: Option<TableInfo>,
}

impl Handle for kp_batch {
    type Inner = KpBatch;
}

impl KpBatch {
    fn score(
        book: &Arc<Book>,
        rows: Vec<Result<Record, RecordError>>,
        opts: &KpOptions,
        table: Option<TableInfo>,
    ) -> KpBatch {
        let batch = crate::shutdown::run(opts.parallel, || book.rb.score_rows(&rows, &opts.batch()));
        KpBatch { book: book.clone(), batch, rows, table }
    }

    fn check(&self, index: usize) -> Result<(), Failure> {
        if index < self.rows.len() {
            Ok(())
        } else {
            Err(Failure::new(
                kp_status::KP_NOT_FOUND,
                format!("row {index} of a batch of {} row(s)", self.rows.len()),
            ))
        }
    }

    /// Row `index`'s error, if it failed.
    fn error(&self, index: usize) -> Option<&RecordError> {
        self.batch.row(index).error()
    }

    /// Fail with the row's error when it failed.
    fn scored(&self, index: usize) -> Result<kaoping_core::Row<'_>, Failure> {
        self.check(index)?;
        match self.error(index) {
            Some(e) => Err(Failure::record(e.clone())),
            None => Ok(self.batch.row(index)),
        }
    }

    /// Row `index`'s full explanation (built while scoring, or now, with the batch's cohort).
    fn outcome(&self, index: usize) -> Result<Outcome, Failure> {
        let row = self.scored(index)?;
        match (row.outcome(), &self.rows[index]) {
            (Some(o), _) => Ok(o.clone()),
            (None, Ok(record)) => self.batch.explain(index, record).map_err(Failure::record),
            // (A row without a record failed: `scored` said so.)
            (None, Err(e)) => Err(Failure::record(e.clone())),
        }
    }

    fn summary_json(&self) -> J {
        let mut s = serde_json::to_value(self.batch.summary()).unwrap_or(J::Null);
        if let (J::Object(m), Some(t)) = (&mut s, &self.table) {
            m.insert(
                "table".into(),
                json!({
                    "encoding": t.encoding.map(|e| e.to_string()),
                    "ignored_columns": t.columns.unknown.iter().map(|c| &c.name).collect::<Vec<_>>(),
                    // What a misspelt or decorated header probably meant (its input's name or label).
                    "did_you_mean": t
                        .columns
                        .unknown
                        .iter()
                        .filter_map(|c| Some((c.name.clone(), J::from(c.suggestion.as_ref()?.1.clone()))))
                        .collect::<serde_json::Map<_, _>>(),
                    "unfilled_inputs": t.columns.missing,
                }),
            );
        }
        s
    }

    fn row_json(&self, index: usize) -> J {
        let mut m = serde_json::Map::new();
        m.insert("row".into(), J::from(index + 1));
        if let Some(t) = &self.table {
            m.insert("line".into(), J::from(t.lines[index]));
        }
        match self.outcome(index) {
            Ok(o) => {
                let row = self.batch.row(index);
                m.insert("ok".into(), J::Bool(true));
                m.insert("rank".into(), row.rank().map_or(J::Null, J::from));
                m.insert("profile_rank".into(), row.profile_rank().map_or(J::Null, J::from));
                m.insert("result".into(), serde_json::to_value(&o).unwrap_or(J::Null));
            }
            Err(f) => {
                m.insert("ok".into(), J::Bool(false));
                m.insert("error".into(), KpError::from_failure(f).json());
            }
        }
        J::Object(m)
    }
}

fn give_batch(out: Out<*mut kp_batch>, b: KpBatch) {
    out.set(into_raw::<kp_batch>(b));
}

/// Score `count` typed records as one batch. `records` is an array of `count` record pointers (none
/// NULL); the batch keeps its own copies, so the records stay the caller's. `options` may be NULL
/// (profile, as_of, parallel, explain apply; batches work out cohort figures themselves).
///
/// Rows that cannot be scored hold their errors; this function fails only on its arguments:
/// `KP_RECORD_ERROR` (kind `KP_KIND_UNKNOWN_PROFILE`, no batch made) when the options name a
/// profile the rulebook does not declare.
#[unsafe(no_mangle)]
pub extern "C" fn kp_score_batch(
    rb: *const kp_rulebook,
    records: *const *const kp_record,
    count: usize,
    options: *const kp_options,
    out: *mut *mut kp_batch,
    err: *mut *mut kp_error,
) -> kp_status {
    boundary(err, || {
        let book = borrow::<kp_rulebook>(rb, "rb")?;
        let out = Out::new(out, "out")?;
        let opts = options_or_default(options);
        if records.is_null() {
            return Err(Failure::null("records"));
        }
        if count > isize::MAX as usize / std::mem::size_of::<*const kp_record>() {
            return Err(Failure::invalid(format!("`count` {count} is beyond the address space")));
        }
        // SAFETY: not NULL; the caller passes `count` record pointers (the header's contract).
        let ptrs = unsafe { std::slice::from_raw_parts(records, count) };
        let mut rows = Vec::with_capacity(count);
        for (i, p) in ptrs.iter().enumerate() {
            if p.is_null() {
                return Err(Failure::null(&format!("records[{i}]")));
            }
            rows.push(Ok(borrow::<kp_record>(*p, "records")?.record.clone()));
        }
        opts.check_profile(book)?;
        give_batch(out, KpBatch::score(book, rows, opts, None));
        Ok(())
    })
}

/// Score a JSON array of record objects (`len` bytes of UTF-8) as one batch. An element that is
/// not an object fails its own row. `options` may be NULL.
///
/// `KP_TABLE_ERROR` when the text is not JSON or not an array (nothing is scored);
/// `KP_RECORD_ERROR` (kind `KP_KIND_UNKNOWN_PROFILE`) when the options name a profile the
/// rulebook does not declare (checked first, nothing is read or scored).
#[unsafe(no_mangle)]
pub extern "C" fn kp_score_batch_json(
    rb: *const kp_rulebook,
    json: *const c_char,
    len: usize,
    options: *const kp_options,
    out: *mut *mut kp_batch,
    err: *mut *mut kp_error,
) -> kp_status {
    boundary(err, || {
        let book = borrow::<kp_rulebook>(rb, "rb")?;
        let out = Out::new(out, "out")?;
        let json = text_buf(json, len, "json")?;
        let opts = options_or_default(options);
        opts.check_profile(book)?;
        let rows = book.rb.records_from_json(json).map_err(|e| Failure {
            status: kp_status::KP_TABLE_ERROR,
            detail: crate::boundary::Detail::Record(e),
        })?;
        give_batch(out, KpBatch::score(book, rows, opts, None));
        Ok(())
    })
}

/// Score a CSV table (`len` bytes, UTF-8 or GB18030: see `kp_options_set_encoding`) as one batch.
/// The header names inputs by name or by label (户籍人口); cells are read by each input's type
/// (full-width digits, 是/否…); a numbers cell holds marks separated by `;`. A ragged line fails its
/// own row. `options` may be NULL.
///
/// `KP_TABLE_ERROR` when the table cannot be read at all (bad encoding, an unterminated quote, two
/// columns for one input); `KP_RECORD_ERROR` (kind `KP_KIND_UNKNOWN_PROFILE`) when the options
/// name a profile the rulebook does not declare (checked first, nothing is read or scored).
#[unsafe(no_mangle)]
pub extern "C" fn kp_score_csv(
    rb: *const kp_rulebook,
    csv: *const c_char,
    len: usize,
    options: *const kp_options,
    out: *mut *mut kp_batch,
    err: *mut *mut kp_error,
) -> kp_status {
    boundary(err, || {
        let book = borrow::<kp_rulebook>(rb, "rb")?;
        let out = Out::new(out, "out")?;
        let csv = bytes(csv, len, "csv")?;
        let opts = options_or_default(options);
        opts.check_profile(book)?;
        let t = table::read_csv(&book.rb, csv, opts.encoding).map_err(Failure::table)?;
        let info = TableInfo { lines: t.lines, columns: t.columns, encoding: t.encoding };
        give_batch(out, KpBatch::score(book, t.records, opts, Some(info)));
        Ok(())
    })
}

/// Score a CSV table with its child tables (sub-units: households joined to their village, a
/// school's term records): `count` child tables, `lists[i]` naming the list whose rows
/// `tables[i]` holds (`lens[i]` bytes, encoded as the parent table: see `kp_options_set_encoding`)
/// — `"households"`, or `"villages.households"` for the households of a list's own items. A child
/// row joins the parent row whose key its join column holds (the list's `join` column, else the
/// column named like the parent's key field or its label); one slot per parent row, as
/// `kp_score_csv` gives. Child rows matching no parent are counted in `kp_batch_summary_json`'s
/// `unmatched` (never dropped silently); parent rows sharing a key fail with
/// `KP_KIND_DUPLICATE_KEY`. A child table read by one level is scored as one batch, not a row at a
/// time. `count` may be 0 (then `lists`, `tables` and `lens` may be NULL). `options` may be NULL.
///
/// `KP_TABLE_ERROR` when the parent or a child table cannot be read or joined (a list the rulebook
/// does not declare, no join column, a ragged child row, a list given twice); `KP_RECORD_ERROR`
/// (kind `KP_KIND_UNKNOWN_PROFILE`) as `kp_score_csv`.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)] // the C signature: a table, its child tables, options, out, err
pub extern "C" fn kp_score_csv_items(
    rb: *const kp_rulebook,
    csv: *const c_char,
    len: usize,
    lists: *const *const c_char,
    tables: *const *const c_char,
    lens: *const usize,
    count: usize,
    options: *const kp_options,
    out: *mut *mut kp_batch,
    err: *mut *mut kp_error,
) -> kp_status {
    boundary(err, || {
        let book = borrow::<kp_rulebook>(rb, "rb")?;
        let out = Out::new(out, "out")?;
        let csv = bytes(csv, len, "csv")?;
        let names = crate::rulebook::string_array(lists, count, "lists")?;
        let texts = crate::boundary::pointer_array(tables, count, "tables")?;
        let sizes: &[usize] = if count == 0 {
            &[]
        } else if lens.is_null() {
            return Err(Failure::null("lens"));
        } else {
            // SAFETY: not NULL; the caller passes `count` lengths (the header's contract), and
            // `count` pointers fit the address space (checked by `pointer_array`).
            unsafe { std::slice::from_raw_parts(lens, count) }
        };
        let opts = options_or_default(options);
        opts.check_profile(book)?;
        let mut children = Vec::with_capacity(count);
        for (i, (name, (text, size))) in names.iter().zip(texts.iter().zip(sizes)).enumerate() {
            let child = bytes(*text, *size, &format!("tables[{i}]"))?;
            children.push(table::ChildTable::from_csv(*name, child, opts.encoding).map_err(Failure::table)?);
        }
        let t = table::read_csv(&book.rb, csv, opts.encoding).map_err(Failure::table)?;
        let info = TableInfo { lines: t.lines, columns: t.columns, encoding: t.encoding };
        let mut rows = t.records;
        let batch = crate::shutdown::run(opts.parallel, || {
            book.rb.score_with_items(&mut rows, children, &opts.batch())
        })
        .map_err(Failure::table)?;
        give_batch(out, KpBatch { book: book.clone(), batch, rows, table: Some(info) });
        Ok(())
    })
}

/// The number of rows (0 for NULL).
#[unsafe(no_mangle)]
pub extern "C" fn kp_batch_len(batch: *const kp_batch) -> usize {
    guard(|| borrow::<kp_batch>(batch, "batch").map_or(0, |b| b.rows.len()))
}

/// How many rows scored (`*ok`) and how many failed (`*failed`).
#[unsafe(no_mangle)]
pub extern "C" fn kp_batch_counts(batch: *const kp_batch, ok: *mut usize, failed: *mut usize) -> kp_status {
    status_only(|| {
        let b = borrow::<kp_batch>(batch, "batch")?;
        let ok = Out::new(ok, "ok")?;
        let failed = Out::new(failed, "failed")?;
        ok.set(b.batch.summary().ok);
        failed.set(b.batch.summary().failed);
        Ok(())
    })
}

/// Row `index` (0-based; its row is index + 1): `KP_OK` and its full result in `*result` (freed
/// with `kp_result_free`), or `KP_RECORD_ERROR` and, when `err` is not NULL, its error in `*err`.
/// `KP_NOT_FOUND` when `index` is not below `kp_batch_len`.
#[unsafe(no_mangle)]
pub extern "C" fn kp_batch_row(
    batch: *const kp_batch,
    index: usize,
    result: *mut *mut kp_result,
    err: *mut *mut kp_error,
) -> kp_status {
    boundary(err, || {
        let b = borrow::<kp_batch>(batch, "batch")?;
        let out = Out::new(result, "result")?;
        give_result(out, b.outcome(index)?);
        Ok(())
    })
}

fn row_string(
    batch: *const kp_batch,
    index: usize,
    out: *mut *mut c_char,
    get: impl FnOnce(kaoping_core::Row<'_>) -> Result<String, Failure>,
) -> kp_status {
    status_only(|| {
        let b = borrow::<kp_batch>(batch, "batch")?;
        let out = Out::new(out, "out")?;
        let row = b.scored(index)?;
        give_string(out, std::ptr::null_mut(), get(row)?);
        Ok(())
    })
}

fn no_value(what: &str, index: usize) -> Failure {
    Failure::new(kp_status::KP_NO_VALUE, format!("row {index} has no {what}"))
}

/// Row `index`'s published total as decimal text. `KP_RECORD_ERROR` when the row failed (get the
/// error with `kp_batch_row`), `KP_NO_VALUE` for a criteria-only rulebook, `KP_NOT_FOUND` for an
/// index beyond the batch. `*out` is freed with `kp_string_free`.
#[unsafe(no_mangle)]
pub extern "C" fn kp_batch_row_total(
    batch: *const kp_batch,
    index: usize,
    out: *mut *mut c_char,
) -> kp_status {
    row_string(batch, index, out, |row| {
        row.total().map(|d| d.to_string()).ok_or_else(|| no_value("total", index))
    })
}

/// Row `index`'s grade, as `kp_batch_row_total`.
#[unsafe(no_mangle)]
pub extern "C" fn kp_batch_row_grade(
    batch: *const kp_batch,
    index: usize,
    out: *mut *mut c_char,
) -> kp_status {
    row_string(batch, index, out, |row| {
        row.grade().map(str::to_owned).ok_or_else(|| no_value("grade", index))
    })
}

/// Row `index`'s published points of indicator `id`, as `kp_batch_row_total`; `KP_NOT_FOUND` when
/// the rulebook has no such indicator, `KP_NO_VALUE` when it was left out for this row.
#[unsafe(no_mangle)]
pub extern "C" fn kp_batch_row_points(
    batch: *const kp_batch,
    index: usize,
    id: *const c_char,
    out: *mut *mut c_char,
) -> kp_status {
    status_only(|| {
        let b = borrow::<kp_batch>(batch, "batch")?;
        let id = c_str(id, "id")?;
        let out = Out::new(out, "out")?;
        let row = b.scored(index)?;
        let i = b.book.indicator_index(id).ok_or_else(|| {
            Failure::new(kp_status::KP_NOT_FOUND, format!("no indicator `{id}` in the rulebook"))
        })?;
        let points = row.points_at(i).ok_or_else(|| no_value(&format!("points for `{id}`"), index))?;
        give_string(out, std::ptr::null_mut(), points.to_string());
        Ok(())
    })
}

/// Row `index`'s key: its `key_field` value, else its row (index + 1; also for failed rows).
/// `*out` is freed with `kp_string_free`.
#[unsafe(no_mangle)]
pub extern "C" fn kp_batch_row_key(batch: *const kp_batch, index: usize, out: *mut *mut c_char) -> kp_status {
    status_only(|| {
        let b = borrow::<kp_batch>(batch, "batch")?;
        let out = Out::new(out, "out")?;
        b.check(index)?;
        give_string(out, std::ptr::null_mut(), b.batch.row(index).key());
        Ok(())
    })
}

/// Whether row `index` passed every criterion, as `kp_batch_row_total`.
#[unsafe(no_mangle)]
pub extern "C" fn kp_batch_row_passed(batch: *const kp_batch, index: usize, out: *mut bool) -> kp_status {
    status_only(|| {
        let b = borrow::<kp_batch>(batch, "batch")?;
        let out = Out::new(out, "out")?;
        out.set(b.scored(index)?.passed().ok_or_else(|| no_value("criteria", index))?);
        Ok(())
    })
}

/// Row `index`'s rank among scored rows by total (competition ranks: 1, 2, 2, 4), as
/// `kp_batch_row_total`.
#[unsafe(no_mangle)]
pub extern "C" fn kp_batch_row_rank(batch: *const kp_batch, index: usize, out: *mut u32) -> kp_status {
    status_only(|| {
        let b = borrow::<kp_batch>(batch, "batch")?;
        let out = Out::new(out, "out")?;
        out.set(b.scored(index)?.rank().ok_or_else(|| no_value("rank", index))?);
        Ok(())
    })
}

/// Row `index`'s rank within its profile, as `kp_batch_row_rank`; `KP_NO_VALUE` without a profile.
#[unsafe(no_mangle)]
pub extern "C" fn kp_batch_row_profile_rank(
    batch: *const kp_batch,
    index: usize,
    out: *mut u32,
) -> kp_status {
    status_only(|| {
        let b = borrow::<kp_batch>(batch, "batch")?;
        let out = Out::new(out, "out")?;
        out.set(b.scored(index)?.profile_rank().ok_or_else(|| no_value("profile rank", index))?);
        Ok(())
    })
}

/// Row `index`'s line: the 1-based line of its CSV source where it starts (failed rows too; see
/// Rows at the top). `KP_NO_VALUE` for batches not read from CSV.
#[unsafe(no_mangle)]
pub extern "C" fn kp_batch_row_line(batch: *const kp_batch, index: usize, out: *mut usize) -> kp_status {
    status_only(|| {
        let b = borrow::<kp_batch>(batch, "batch")?;
        let out = Out::new(out, "out")?;
        b.check(index)?;
        let t = b.table.as_ref().ok_or_else(|| no_value("source line (not a CSV batch)", index))?;
        out.set(t.lines[index]);
        Ok(())
    })
}

/// The batch summary as JSON: `{"rows", "ok", "failed", "grades": [{"grade", "count", "share"}],
/// "passed", "errors": [["InputType", 3], …], "mean_total", "lowest_total", "highest_total"}`
/// (shares are decimal text, count / scored rows at 4 places; the mean of the scored rows'
/// published totals is exact, rounded once half-up at the rulebook's scale; the three totals are
/// decimal text, null without a scored total); CSV batches add `"table": {"encoding", "ignored_columns", "did_you_mean", "unfilled_inputs"}`.
/// `*out` is freed with `kp_string_free`; `out_len` (may be NULL) gets its length.
#[unsafe(no_mangle)]
pub extern "C" fn kp_batch_summary_json(
    batch: *const kp_batch,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> kp_status {
    status_only(|| {
        let b = borrow::<kp_batch>(batch, "batch")?;
        let out = Out::new(out, "out")?;
        give_string(out, out_len, b.summary_json().to_string());
        Ok(())
    })
}

/// The batch as a JSON array, one element per row in order: `{"row": 1, "ok": true, "rank": 1,
/// "profile_rank": null, "result": {…kaoping.result/2…}}` or `{"row": 2, "ok": false, "error":
/// {…as kp_error_to_json…}}`; CSV rows also carry `"line"`. Builds every row's explanation.
/// `*out` is freed with `kp_string_free`; `out_len` (may be NULL) gets its length.
#[unsafe(no_mangle)]
pub extern "C" fn kp_batch_to_json(
    batch: *const kp_batch,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> kp_status {
    status_only(|| {
        let b = borrow::<kp_batch>(batch, "batch")?;
        let out = Out::new(out, "out")?;
        let rows: Vec<J> = (0..b.rows.len()).map(|i| b.row_json(i)).collect();
        give_string(out, out_len, J::Array(rows).to_string());
        Ok(())
    })
}

/// Free a batch. NULL is a no-op.
#[unsafe(no_mangle)]
pub extern "C" fn kp_batch_free(batch: *mut kp_batch) {
    guard(|| free(batch))
}

#[cfg(test)]
mod tests {
    use super::*;
    use kaoping_core::{ErrorKind, Format, Issue, Rulebook};

    /// A row that failed before scoring keeps its place and its own error, whatever the type of
    /// the rulebook's first input, and does not count as scored, take a rank or change the others'
    /// row numbers.
    #[test]
    fn rows_that_failed_early_keep_their_place_and_error() {
        for first in [
            r#"{ type = "decimal", required = false }"#,
            r#"{ type = "integer", required = false }"#,
            r#"{ type = "boolean", required = false }"#,
            r#"{ type = "text", required = false }"#,
            r#"{ type = "numbers", required = false }"#,
            r#"{ type = "items", fields = { a = "text" }, required = false }"#,
        ] {
            let text = format!(
                "[rulebook]\nid = \"t\"\nversion = \"1\"\n[inputs]\nfirst = {first}\nx = {{ type = \"decimal\", required = false }}\n\
                 [[indicator]]\nid = \"x\"\nlabel = \"x\"\npoints = 10\nformula = \"x\"\n"
            );
            let rb = Rulebook::from_str(&text, Format::Toml).unwrap();
            let book = Book::new(rb.clone());
            let mut good = rb.record();
            good.set("x", 5);
            let early = RecordError::one(Issue::at(ErrorKind::Syntax, "line 2", "ragged".into()));
            let rows = vec![Err(early), Ok(good.clone()), Ok(good)];
            let b = KpBatch::score(&book, rows, &KpOptions::default(), None);
            let s = b.batch.summary();
            assert_eq!((s.rows, s.ok, s.failed), (3, 2, 1), "{first}");
            assert_eq!(s.errors, vec![(ErrorKind::Syntax, 1)], "{first}");
            let e = b.error(0).unwrap();
            assert_eq!((e.kind(), e.row), (ErrorKind::Syntax, Some(1)), "{first}");
            assert!(b.batch.row(0).rank().is_none());
            assert_eq!(b.batch.row(1).rank(), Some(1));
            assert_eq!(b.batch.row(2).rank(), Some(1));
            assert_eq!(b.outcome(2).unwrap().key, "3", "{first}");
            assert!(b.outcome(0).is_err(), "{first}");
        }
    }
}
