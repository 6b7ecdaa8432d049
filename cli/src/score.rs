//! `kaoping score`: every row of a data file scored, results written as they come.
//!
//! Two plans. **Streaming** (bounded memory): a table's rows are read a chunk at a time into typed
//! columns (`kaoping::table_columns`), scored with `score_columns` and written, while a reader
//! thread prepares the next chunk; used when the rulebook has no relative rules and neither ranks,
//! an HTML report nor items tables are asked for. **Gathered**: every row is read into records
//! first, then scored as one batch — relative rules need the whole cohort (spec §12), ranks need
//! every total, the report explains units from their records, and items join onto records.

use std::collections::HashMap;

use kaoping::table::Encoding;
use kaoping::{BatchOptions, Date, Lang, Record, RecordError, Rulebook};

use crate::data::{Chunk, ColumnChunk, Data, DataOptions, Streamed};
use crate::fail::{Fail, SOME_FAILED};
use crate::output::{self, Layout, ResultRow};
use crate::progress::Progress;

/// Rows per chunk when streaming. Small chunks keep memory low (a chunk's raw cells are the
/// largest thing in flight) and were also the fastest measured: 4096 rows, the core's own
/// columnar chunk, against 8192 and 16384 on CAB and the county samples.
const CHUNK: usize = 1 << 12;
/// Failed rows described on stderr before the rest are only counted.
const SHOWN_ERRORS: usize = 10;

/// What `kaoping score` was asked to do.
#[derive(Debug, Default)]
pub struct Request {
    /// The data file.
    pub data: String,
    /// How to read it.
    pub data_options: DataOptions,
    /// `NAME=FILE` items tables.
    pub items: Vec<String>,
    /// Score every row in this profile.
    pub profile: Option<String>,
    /// Scoring date.
    pub as_of: Option<Date>,
    /// Result file.
    pub out: Option<String>,
    /// HTML report file.
    pub report: Option<String>,
    /// Write ranks.
    pub ranks: bool,
    /// Units explained in the report (the first N).
    pub report_units: usize,
    /// CSV encoding of items tables.
    pub encoding: Option<Encoding>,
    /// Refuse columns that are no input (exit 2) instead of ignoring them.
    pub strict: bool,
}

/// Whether the rulebook has a relative rule (which needs the whole cohort).
pub fn has_relative(rb: &Rulebook) -> bool {
    rb.indicators().iter().any(|i| i.rule.as_deref() == Some("relative"))
}

/// The result file's columns for `rb`.
pub fn layout(rb: &Rulebook, ranks: bool) -> Layout {
    // An empty batch says whether the rulebook has criteria (its summary counts passes).
    let criteria = rb.score_batch(&[], &BatchOptions::default()).summary().passed.is_some();
    Layout {
        profile: !rb.profiles().is_empty(),
        passed: criteria,
        ranks,
        components: rb.indicators().iter().any(|i| i.rule.as_deref() == Some("component")),
        indicators: rb.indicators().into_iter().map(|i| i.id).collect(),
        scale: rb.scale(),
    }
}

/// Counts across the whole run, for the closing summary.
#[derive(Debug, Default)]
struct Tally {
    /// The data file, for messages.
    path: String,
    /// The 1-based column of each input in the table, for messages.
    columns: HashMap<String, usize>,
    rows: usize,
    failed: usize,
    grades: HashMap<String, usize>,
    /// Rows that met every criterion (`None`: the rulebook has no criteria).
    passed: Option<usize>,
    shown: usize,
}

/// Run `kaoping score`; returns the exit code.
pub fn run(rb: &Rulebook, req: &Request) -> Result<u8, Fail> {
    let mut data = Data::open(rb, &req.data, &req.data_options)?;
    if let Some(cols) = &data.columns {
        let missing: Vec<String> = cols
            .missing
            .iter()
            .filter(|m| rb.inputs().iter().any(|i| &i.name == *m && i.required))
            .cloned()
            .collect();
        if req.strict && !cols.unknown.is_empty() {
            let all = |lang| kaoping::NotAnInput::warning_for(&cols.unknown, false, lang);
            return Err(Fail::unusable(
                format!("{}：--strict 拒绝：{}", data.path, all(Lang::Zh).replace("已忽略", "已拒绝")),
                format!(
                    "{}: refused by --strict: {}",
                    data.path,
                    all(Lang::En).replace("(ignored)", "(refused)")
                ),
            ));
        }
        if !cols.unknown.is_empty() {
            let names: Vec<&str> = cols.unknown.iter().map(|c| c.name.as_str()).collect();
            eprintln!(
                "提示：{} 的列 {} 不是考核方案的输入，已忽略 / note: column(s) {} of {} are not inputs (ignored)",
                data.path,
                names.join("，"),
                names.join(", "),
                data.path
            );
            // A header close to an input's name or label is most likely a misspelling of it.
            for c in cols.unknown.iter().filter(|c| c.suggestion.is_some()) {
                eprintln!("警告：{} / warning: {}", c.column_warning(Lang::Zh), c.column_warning(Lang::En));
            }
        }
        if !missing.is_empty() {
            eprintln!(
                "提示：{} 缺少必填输入列 {}（这些行将报错） / note: {} has no column for required input(s) {}",
                data.path,
                missing.join("，"),
                data.path,
                missing.join(", ")
            );
        }
    }
    for input in rb.inputs().iter().filter(|i| i.ty == "items") {
        let given = req.items.iter().any(|spec| {
            let name = spec.split_once('=').map_or(spec.as_str(), |(n, _)| n);
            rb.input_by_name_or_label(name).is_some_and(|k| rb.inputs()[k].name == input.name)
        });
        if !given && data.columns.is_some() {
            eprintln!(
                "提示：明细输入 {} 来自单独的明细表，请用 --items {}=文件 / note: items input {} comes from a separate table: give --items {}=FILE",
                input.name, input.name, input.name, input.name
            );
        }
    }
    for column in &data.percent_columns {
        eprintln!(
            "提示：列「{column}」含百分比格式的单元格，按显示的百分数读取（存为 0.089 的单元格读作 8.9%） / \
             note: column \"{column}\" has cells formatted as percentages, read as the percentage shown \
             (a cell holding 0.089 reads as 8.9%)"
        );
    }
    if data.encoding == Some(Encoding::Gb18030) {
        eprintln!("提示：{} 按 GB18030/GBK 编码读取 / note: reading {} as GB18030/GBK", data.path, data.path);
    }
    let gather = has_relative(rb) || req.ranks || req.report.is_some() || !req.items.is_empty();
    let layout = layout(rb, req.ranks);
    let mut sink = output::open(req.out.as_deref(), layout.clone())?;
    let opts = BatchOptions {
        profile: req.profile.clone(),
        as_of: req.as_of,
        parallel: true,
        ..BatchOptions::default()
    };
    let mut tally = Tally {
        path: data.path.clone(),
        columns: rb
            .inputs()
            .iter()
            .filter_map(|i| Some((i.name.clone(), data.column_of(rb, &i.name)?)))
            .collect(),
        passed: layout.passed.then_some(0),
        ..Tally::default()
    };
    let mut progress = Progress::new();
    if gather {
        let mut all = data.read_all(rb, |n, p| progress.update(n, p))?;
        for spec in &req.items {
            for w in crate::data::attach_items(
                rb,
                &mut all.records,
                spec,
                req.data_options.key.as_deref(),
                req.encoding,
            )? {
                eprintln!("提示 note: {w}");
            }
        }
        progress.phase("评分 scoring");
        let scored = Scored::new(rb, all, &opts);
        progress.finish();
        for i in 0..scored.len() {
            let row = scored.result_row(i, &layout);
            tally.note(&row);
            sink.row(&row)?;
        }
        sink.finish()?;
        if let Some(path) = &req.report {
            let ignored = data.columns.as_ref().map_or(&[][..], |c| &c.unknown[..]);
            let html = crate::report::render(rb, &scored, &data.path, req.report_units, req.as_of, ignored);
            std::fs::write(path, html).map_err(|e| {
                Fail::unusable(
                    format!("无法写入报告 {path}：{e}"),
                    format!("cannot write the report {path}: {e}"),
                )
            })?;
        }
    } else {
        // A reader thread decodes, parses and types the next chunk while this one is scored and
        // written. Table rows travel as typed columns: a few bytes a cell, not a record a row.
        let (tx, rx) = std::sync::mpsc::sync_channel::<Result<(Streamed, Option<(u64, u64)>), Fail>>(1);
        let reader = &mut data;
        std::thread::scope(|scope| -> Result<(), Fail> {
            scope.spawn(move || {
                loop {
                    let next = reader.next_streamed(CHUNK).map(|c| c.map(|c| (c, reader.progress())));
                    let stop = !matches!(next, Ok(Some(_)));
                    let sent = match next {
                        Ok(Some(c)) => tx.send(Ok(c)),
                        Ok(None) => Ok(()),
                        Err(e) => tx.send(Err(e)),
                    };
                    if stop || sent.is_err() {
                        break;
                    }
                }
            });
            let mut offset = 0usize;
            for msg in rx {
                let (chunk, done) = msg?;
                let scored = match chunk {
                    Streamed::Columns(c) => Scored::from_columns(rb, c, &opts, offset)?,
                    Streamed::Records(c) => Scored::with_offset(rb, c, &opts, offset),
                };
                let n = scored.len();
                for i in 0..n {
                    let row = scored.result_row(i, &layout);
                    tally.note(&row);
                    sink.row(&row)?;
                }
                offset += n;
                progress.update(offset, done);
            }
            Ok(())
        })?;
        progress.finish();
        sink.finish()?;
    }
    tally.summary(rb);
    Ok(if tally.failed > 0 { SOME_FAILED } else { 0 })
}

impl Tally {
    fn note(&mut self, row: &ResultRow) {
        self.rows += 1;
        if let Some(g) = &row.grade {
            *self.grades.entry(g.clone()).or_default() += 1;
        }
        if let (Some(n), Some(true)) = (&mut self.passed, row.passed) {
            *n += 1;
        }
        let Some(err) = &row.error else { return };
        self.failed += 1;
        if self.shown >= SHOWN_ERRORS {
            return;
        }
        self.shown += 1;
        let mut place = self.path.clone();
        if let Some(line) = row.line {
            place.push_str(&format!(":{line}"));
            if let Some(col) = row.error_field.as_deref().and_then(|f| self.columns.get(f)) {
                place.push_str(&format!(":{col}"));
            }
        }
        eprintln!(
            "{place}: 第 {} 行（{}）未能评分 / row {} ({}) not scored: {err}",
            row.row, row.key, row.row, row.key
        );
    }

    fn summary(&self, rb: &Rulebook) {
        if self.shown < self.failed {
            eprintln!(
                "…… 另有 {} 行未能评分，见结果的 error 列 / … and {} more rows not scored: see the error column",
                self.failed - self.shown,
                self.failed - self.shown
            );
        }
        // Grades and, for rulebooks with criteria (达标条件), how many rows met them all.
        let mut zh = String::new();
        let mut en = String::new();
        if !rb.grades().is_empty() {
            let grades: Vec<String> = rb
                .grades()
                .iter()
                .map(|g| format!("{g} {}", self.grades.get(*g).copied().unwrap_or(0)))
                .collect();
            zh.push_str(&format!("；{}", grades.join("，")));
        }
        if let Some(n) = self.passed {
            zh.push_str(&format!("；达标 {n} 行"));
            en.push_str(&format!("; {n} met every criterion"));
        }
        eprintln!(
            "{}：{} 行，评分 {} 行，失败 {} 行{zh} / {} rows, {} scored, {} failed{en}",
            rb.id(),
            self.rows,
            self.rows - self.failed,
            self.failed,
            self.rows,
            self.rows - self.failed,
            self.failed
        );
    }
}

/// Rows read and scored: each row's record (or read error), where it came from, and its slot in
/// the batch.
pub struct Scored {
    /// The batch of the rows that could be read.
    pub batch: kaoping::Batch,
    /// The records that were scored, in batch order (for explanations).
    pub records: Vec<Record>,
    /// For each data row: its slot in the batch, or the error that kept it out.
    slots: Vec<Result<usize, RecordError>>,
    lines: Vec<Option<usize>>,
    keys: Vec<Option<String>>,
    offset: usize,
}

impl Scored {
    /// Score every row of `chunk` as one batch.
    pub fn new(rb: &Rulebook, chunk: Chunk, opts: &BatchOptions) -> Scored {
        Scored::with_offset(rb, chunk, opts, 0)
    }

    fn with_offset(rb: &Rulebook, chunk: Chunk, opts: &BatchOptions, offset: usize) -> Scored {
        let mut records = Vec::with_capacity(chunk.records.len());
        let slots = chunk
            .records
            .into_iter()
            .map(|r| {
                r.map(|rec| {
                    records.push(rec);
                    records.len() - 1
                })
            })
            .collect();
        let batch = rb.score_batch(&records, opts);
        Scored { batch, records, slots, lines: chunk.lines, keys: chunk.keys, offset }
    }

    /// Score a chunk of table rows given as typed columns (no records: nothing to explain).
    fn from_columns(
        rb: &Rulebook,
        chunk: ColumnChunk,
        opts: &BatchOptions,
        offset: usize,
    ) -> Result<Scored, Fail> {
        let t = chunk.table;
        let batch = rb.score_columns(&t.columns, opts).map_err(|e| {
            Fail::unusable(format!("数据列无法评分：{e}"), format!("the columns cannot be scored: {e}"))
        })?;
        Ok(Scored {
            batch,
            records: Vec::new(),
            slots: t.slots,
            lines: t.lines.into_iter().map(Some).collect(),
            keys: chunk.keys,
            offset,
        })
    }

    /// Data rows.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Row `i`'s slot in the batch, if it was read.
    pub fn slot(&self, i: usize) -> Option<usize> {
        self.slots[i].as_ref().ok().copied()
    }

    /// Row `i`'s key: its key column, else its 1-based row number.
    pub fn key(&self, i: usize) -> String {
        self.keys[i].clone().unwrap_or_else(|| (self.offset + i + 1).to_string())
    }

    /// Row `i` as a result row.
    pub fn result_row(&self, i: usize, layout: &Layout) -> ResultRow {
        let mut r = ResultRow {
            row: self.offset + i + 1,
            line: self.lines[i],
            key: self.key(i),
            points: vec![None; layout.indicators.len()],
            ..ResultRow::default()
        };
        let err = match &self.slots[i] {
            Err(e) => Some(e),
            Ok(b) => {
                let row = self.batch.row(*b);
                match row.error() {
                    Some(e) => Some(e),
                    None => {
                        r.profile = row.profile().map(str::to_owned);
                        r.total = row.total();
                        r.max = row.max();
                        r.grade = row.grade().map(str::to_owned);
                        r.passed = row.passed();
                        if layout.ranks {
                            r.rank = row.rank();
                            r.profile_rank = row.profile_rank();
                        }
                        r.vetoes = row.vetoes().into_iter().map(str::to_owned).collect();
                        r.component_vetoes = row
                            .component_vetoes()
                            .into_iter()
                            .map(|(indicator, _, veto)| format!("{indicator}/{veto}"))
                            .collect();
                        for (k, p) in r.points.iter_mut().enumerate() {
                            *p = row.points_at(k);
                        }
                        None
                    }
                }
            }
        };
        if let Some(e) = err {
            r.error_kind = Some(e.kind().to_string());
            r.error = Some(e.issues.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "));
            r.error_field = e.first().field.clone();
        }
        r
    }
}
