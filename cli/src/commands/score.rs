//! `kaoping score`: every row of a data file scored, results written as they come.
//!
//! Two plans. **Streaming** (bounded memory): a table's rows are read a chunk at a time into typed
//! columns (`kaoping::table::ColumnReader`), scored with `score_table_rows` and written, while a
//! reader thread prepares the next chunk; used when the rulebook has no relative rules and neither
//! ranks, an HTML report nor items tables are asked for. **Gathered**: every row is read into
//! records first, then scored as one batch — relative rules need the whole cohort (spec §12),
//! ranks need every total, the report explains units from their records, and items join onto
//! records.

use std::collections::HashMap;

use kaoping::table::Encoding;
use kaoping::{BatchOptions, Date, Lang, Rulebook, Summary};

use crate::fail::say;

use crate::args::TableArgs;
use crate::data::{Data, DataOptions, Streamed, child_tables, unmatched_warning};
use crate::fail::{Fail, SOME_FAILED};
use crate::load::{SET_HELP, load};
use crate::output::{self, Headers, Layout, ResultRow, Sink};
use crate::progress::Progress;
use crate::scored::Scored;

/// Rows per chunk when streaming. Small chunks keep memory low (a chunk's raw cells are the
/// largest thing in flight) and were also the fastest measured: 4096 rows, the core's own
/// columnar chunk, against 8192 and 16384 on CAB and the county samples.
const CHUNK: usize = 1 << 12;
/// Failed rows described on stderr before the rest are only counted.
const SHOWN_ERRORS: usize = 10;

/// `kaoping score RULEBOOK DATA [options]`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// A rulebook file (.toml, .json) or builtin:<id>.
    rulebook: String,
    /// The data: .xlsx, .csv or .json (an array of records).
    data: String,
    #[command(flatten)]
    table: TableArgs,
    /// Result file: .csv (UTF-8 with BOM), .json or .xlsx. Default: CSV on stdout.
    #[arg(long, value_name = "FILE")]
    out: Option<String>,
    /// Header rows of the result file: labels (总分, 等次, each indicator's 中文名), ids (total,
    /// grade, reduction.incidence: what programs read) or both (labels, then ids in a second row).
    /// Default: both for .xlsx, ids for .csv and stdout.
    #[arg(long, value_enum, value_name = "WHICH", default_value = "auto")]
    headers: Headers,
    /// Carry input columns through to the result file, after the result's columns: the named
    /// ones (comma-separated headers), or every column of the table when given without a value.
    #[arg(long, value_name = "COLUMNS", num_args = 0..=1, default_missing_value = "", value_delimiter = ',')]
    keep_columns: Option<Vec<String>>,
    /// Write a self-contained HTML report (summary, sortable table, lost points, each unit explained). Gathers every row.
    #[arg(long, value_name = "FILE")]
    report: Option<String>,
    /// Units explained in full in the report (the first N rows); the summary, the charts and the
    /// table cover every row.
    #[arg(long, value_name = "N", default_value_t = 2000)]
    report_units: usize,
    /// A compact report: the summary, the profiles compared and the ranking table only, to print
    /// on a few pages (no unit explained in full).
    #[arg(long, requires = "report")]
    report_compact: bool,
    /// Add rank and profile_rank columns (competition ranks by total). Gathers every row.
    #[arg(long)]
    ranks: bool,
    /// Worker threads for scoring (default: every core).
    #[arg(long, value_name = "N")]
    jobs: Option<usize>,
    /// Exit 0 even when some rows failed: they are still in the output, on stderr and in the
    /// report with their errors (for scripts that read the results rather than the status).
    #[arg(long)]
    exit_zero: bool,
    /// Refuse a table with a column that is no input of the rulebook (exit 2, naming what each
    /// column probably meant) instead of ignoring it: a misspelt header leaves its input at its
    /// default, which can turn a veto off.
    #[arg(long)]
    strict: bool,
    #[arg(long = "set", value_name = "NAME=VALUE", help = SET_HELP)]
    set: Vec<String>,
}

/// Run `kaoping score`; returns the exit code.
pub fn run(args: Args) -> Result<u8, Fail> {
    if let Some(n) = args.jobs {
        set_jobs(n)?;
    }
    // The result file and report can be written: checked before the rulebook and the data are read.
    if let Some(out) = &args.out {
        output::out_kind(out)?;
        output::check_writable(out, "--out")?;
    }
    if let Some(report) = &args.report {
        output::check_writable(report, "--report")?;
    }
    let rb = load(&args.rulebook, &args.set)?;
    let mut data_options = args.table.data_options()?;
    data_options.keep = args
        .keep_columns
        .map(|k| k.into_iter().map(|c| c.trim().to_owned()).filter(|c| !c.is_empty()).collect());
    let req = Request {
        headers: args.headers,
        data: args.data,
        data_options,
        encoding: args.table.encoding()?,
        items: args.table.items.clone(),
        profile: args.table.profile(&rb)?,
        as_of: args.table.as_of()?,
        out: args.out,
        report: args.report,
        ranks: args.ranks,
        report_units: args.report_units,
        report_compact: args.report_compact,
        strict: args.strict,
    };
    let code = score(&rb, &req)?;
    Ok(if args.exit_zero && code == SOME_FAILED { 0 } else { code })
}

fn set_jobs(n: usize) -> Result<(), Fail> {
    if n == 0 {
        return Err(Fail::unusable("--jobs 至少为 1", "--jobs must be at least 1"));
    }
    rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .build_global()
        .map_err(|e| Fail::unusable(format!("--jobs：{e}"), format!("--jobs: {e}")))
}

/// What `kaoping score` was asked to do, its arguments read.
#[derive(Debug, Default)]
struct Request {
    /// The data file.
    data: String,
    /// How to read it.
    data_options: DataOptions,
    /// `NAME=FILE` items tables.
    items: Vec<String>,
    /// Score every row in this profile.
    profile: Option<String>,
    /// Scoring date.
    as_of: Option<Date>,
    /// Result file.
    out: Option<String>,
    /// HTML report file.
    report: Option<String>,
    /// Write ranks.
    ranks: bool,
    /// Units explained in the report (the first N).
    report_units: usize,
    /// The compact report.
    report_compact: bool,
    /// CSV encoding of items tables.
    encoding: Option<Encoding>,
    /// Refuse columns that are no input (exit 2) instead of ignoring them.
    strict: bool,
    /// Header rows of the result file.
    headers: Headers,
}

impl Request {
    /// Whether every row must be read before scoring: relative rules need the cohort, ranks every
    /// total, the report the records, items tables join onto records.
    fn gathers(&self, rb: &Rulebook) -> bool {
        rb.has_relative_rules() || self.ranks || self.report.is_some() || !self.items.is_empty()
    }
}

/// Score the file as `req` says; returns the exit code.
fn score(rb: &Rulebook, req: &Request) -> Result<u8, Fail> {
    let mut data = Data::open(rb, &req.data, &req.data_options)?;
    notes_on_the_table(rb, &data, req)?;
    let mut layout = Layout::of(rb, req.ranks);
    layout.kept = data.kept_header();
    layout.headers = req.headers;
    let mut sink = output::open(req.out.as_deref(), layout.clone())?;
    let opts = BatchOptions {
        profile: req.profile.clone(),
        as_of: req.as_of,
        parallel: true,
        // The report's units explained in full list their items (which household failed what).
        items: true,
        ..BatchOptions::default()
    };
    let mut tally = Tally::new(rb, &data);
    let mut out = Written { layout: &layout, sink: &mut *sink, tally: &mut tally };
    if req.gathers(rb) {
        gathered(rb, req, &mut data, &opts, &mut out)?;
    } else {
        streamed(rb, &mut data, &opts, &mut out)?;
    }
    sink.finish()?;
    tally.summary(rb);
    Ok(if tally.failed > 0 { SOME_FAILED } else { 0 })
}

/// Notes on stderr about how the table was read — columns that are no input (refused with
/// `--strict`), required inputs without a column, items inputs without `--items`, percent cells,
/// the encoding.
fn notes_on_the_table(rb: &Rulebook, data: &Data, req: &Request) -> Result<(), Fail> {
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
            let path = &data.path;
            eprintln!(
                "{}",
                say(
                    format_args!("提示：{path} 的列 {} 不是考核方案的输入，已忽略", names.join("，")),
                    format_args!("note: column(s) {} of {path} are not inputs (ignored)", names.join(", "))
                )
            );
            // A header close to an input's name or label is most likely a misspelling of it.
            for c in cols.unknown.iter().filter(|c| c.suggestion.is_some()) {
                let lang = crate::fail::lang();
                eprintln!("{}{}", say("警告：", "warning: "), c.column_warning(lang));
            }
        }
        if !missing.is_empty() {
            let path = &data.path;
            eprintln!(
                "{}",
                say(
                    format_args!("提示：{path} 缺少必填输入列 {}（这些行将报错）", missing.join("，")),
                    format_args!("note: {path} has no column for required input(s) {}", missing.join(", "))
                )
            );
        }
    }
    for (k, input) in rb.inputs().iter().enumerate().filter(|(k, _)| rb.input_is_items(*k)) {
        let given = req.items.iter().any(|spec| {
            let name = spec.split_once('=').map_or(spec.as_str(), |(n, _)| n);
            rb.input_by_name_or_label(name) == Some(k)
        });
        if !given && data.columns.is_some() {
            let name = &input.name;
            eprintln!(
                "{}",
                say(
                    format_args!("提示：明细输入 {name} 来自单独的明细表，请用 --items {name}=文件"),
                    format_args!(
                        "note: items input {name} comes from a separate table: give --items {name}=FILE"
                    )
                )
            );
        }
    }
    for column in &data.percent_columns {
        eprintln!(
            "{}",
            say(
                format_args!(
                    "提示：列「{column}」含百分比格式的单元格，按显示的百分数读取（存为 0.089 的单元格读作 8.9%）"
                ),
                format_args!(
                    "note: column \"{column}\" has cells formatted as percentages, read as the percentage shown \
                     (a cell holding 0.089 reads as 8.9%)"
                )
            )
        );
    }
    if data.encoding == Some(Encoding::Gb18030) {
        let path = &data.path;
        eprintln!(
            "{}",
            say(
                format_args!("提示：{path} 按 GB18030/GBK 编码读取"),
                format_args!("note: reading {path} as GB18030/GBK")
            )
        );
    }
    Ok(())
}

/// Where scored rows go: the result file, and the tally for stderr.
struct Written<'a> {
    layout: &'a Layout,
    sink: &'a mut dyn Sink,
    tally: &'a mut Tally,
}

impl Written<'_> {
    /// Write every row of `scored`, and count them.
    fn rows(&mut self, scored: &Scored) -> Result<(), Fail> {
        use rayon::prelude::*;
        self.tally.add(scored.summary());
        // A block of rows at a time, built (and formatted, by sinks that can) on every core.
        const BLOCK: usize = 1 << 16;
        for start in (0..scored.len()).step_by(BLOCK) {
            let end = (start + BLOCK).min(scored.len());
            let rows: Vec<ResultRow> = (start..end)
                .into_par_iter()
                .map(|i| crate::output::result_row(scored, i, self.layout))
                .collect();
            rows.iter().for_each(|row| self.tally.note(row));
            self.sink.rows(&rows)?;
        }
        Ok(())
    }
}

/// Every row read first, then scored as one batch (and the report written).
fn gathered(
    rb: &Rulebook,
    req: &Request,
    data: &mut Data,
    opts: &BatchOptions,
    out: &mut Written<'_>,
) -> Result<(), Fail> {
    let mut progress = Progress::new();
    let all = data.read_all(rb, |n, p| progress.update(n, p))?;
    let children = child_tables(&req.items, req.encoding)?;
    progress.phase("评分 scoring");
    // Child tables are joined and scored by the core: each as one batch where it can.
    let scored = Scored::with_items(rb, all, children, opts)?;
    for u in &scored.summary().unmatched {
        eprintln!("{}", unmatched_warning(u));
    }
    progress.finish();
    out.rows(&scored)?;
    if let Some(path) = &req.report {
        let ignored = data.columns.as_ref().map_or(&[][..], |c| &c.unknown[..]);
        let html = crate::report::render(
            rb,
            &scored,
            &data.path,
            req.report_units,
            req.as_of,
            ignored,
            req.report_compact,
        );
        std::fs::write(path, html).map_err(|e| {
            Fail::unusable(
                format!("无法写入报告 {path}：{e}"),
                format!("cannot write the report {path}: {e}"),
            )
        })?;
    }
    Ok(())
}

/// A chunk at a time: a reader thread decodes, parses and types the next chunk while this one is
/// scored and written. Table rows travel as typed columns: a few bytes a cell, not a record a row.
fn streamed(rb: &Rulebook, data: &mut Data, opts: &BatchOptions, out: &mut Written<'_>) -> Result<(), Fail> {
    let mut progress = Progress::new();
    let (tx, rx) = std::sync::mpsc::sync_channel::<Result<(Streamed, Option<(u64, u64)>), Fail>>(1);
    std::thread::scope(|scope| -> Result<(), Fail> {
        scope.spawn(move || {
            loop {
                let next = data.next_streamed(CHUNK).map(|c| c.map(|c| (c, data.progress())));
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
            let scored = Scored::streamed(rb, chunk, opts, offset)?;
            out.rows(&scored)?;
            offset += scored.len();
            progress.update(offset, done);
        }
        Ok(())
    })?;
    progress.finish();
    Ok(())
}

/// Counts across the whole run for the closing line (added up from the core's summaries), and
/// the first failed rows described with their place.
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

impl Tally {
    fn new(rb: &Rulebook, data: &Data) -> Tally {
        Tally {
            path: data.path.clone(),
            columns: rb
                .inputs()
                .iter()
                .filter_map(|i| Some((i.name.clone(), data.column_of(rb, &i.name)?)))
                .collect(),
            ..Tally::default()
        }
    }

    /// A chunk's summary.
    fn add(&mut self, s: &Summary) {
        self.rows += s.rows;
        self.failed += s.failed;
        for g in &s.grades {
            *self.grades.entry(g.grade.clone()).or_default() += g.count;
        }
        if let Some(n) = s.passed {
            *self.passed.get_or_insert(0) += n;
        }
    }

    /// A failed row is described on stderr, the first few of them.
    fn note(&mut self, row: &ResultRow) {
        let Some(err) = row.error_said.as_ref().or(row.error.as_ref()) else { return };
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
        let (n, key) = (row.row, &row.key);
        eprintln!(
            "{place}: {}",
            say(
                format_args!("第 {n} 行（{key}）未能评分：{err}"),
                format_args!("row {n} ({key}) not scored: {err}")
            )
        );
    }

    fn summary(&self, rb: &Rulebook) {
        if self.shown < self.failed {
            let more = self.failed - self.shown;
            eprintln!(
                "{}",
                say(
                    format_args!("…… 另有 {more} 行未能评分，见结果的 error 列"),
                    format_args!("… and {more} more rows not scored: see the error column")
                )
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
            en.push_str(&format!("; {}", grades.join(", ")));
        }
        let passed = match self.passed {
            Some(n) => Some(n),
            // An empty file still says how many met the criteria: none.
            None => (!rb.criteria().is_empty()).then_some(0),
        };
        if let Some(n) = passed {
            zh.push_str(&format!("；达标 {n} 行"));
            en.push_str(&format!("; {n} met every criterion"));
        }
        let (id, rows, failed) = (rb.id(), self.rows, self.failed);
        let scored = rows - failed;
        eprintln!(
            "{}",
            say(
                format_args!("{id}：{rows} 行，评分 {scored} 行，失败 {failed} 行{zh}"),
                format_args!("{id}: {rows} rows, {scored} scored, {failed} failed{en}")
            )
        );
    }
}
