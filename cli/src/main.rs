//! `kaoping` — score a spreadsheet against a rulebook, explain a unit, check and test rulebooks,
//! write an HTML report. Thin: parses arguments and files, calls the `kaoping` core, prints.
//!
//! Exit codes: 0 all rows scored (or all checks and tests passed); 1 some rows failed (they are in
//! the output with their error), or a check or test failed; 2 unusable arguments, files or
//! rulebook.

mod cell_formats;
mod data;
mod fail;
mod output;
mod progress;
mod report;
mod score;
mod variant;
mod weights;

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use kaoping::table::Encoding;
use kaoping::{Date, Lang, Loader, Rulebook, ScoreOptions};

use crate::data::{Data, DataOptions};
use crate::fail::{Fail, SOME_FAILED, UNUSABLE, problem_line};

// Half the time of a large run went to glibc malloc/free (per-cell strings, records, result rows).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser, Debug)]
#[command(
    name = "kaoping",
    version,
    about = "考评 kaoping — score units against a rulebook, exactly, and explain every point",
    long_about = "考评 kaoping — score units (counties, villages, schools…) against a rulebook, exactly, \
                  and explain every point.\n\nRULEBOOK is a .toml or .json file, or builtin:<id> \
                  (see `kaoping builtins`).\n\nExit codes: 0 all rows scored; 1 some rows failed \
                  (they are in the output with their error) or a check/test failed; 2 unusable \
                  arguments, files or rulebook."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Options shared by commands that read a data file.
#[derive(clap::Args, Debug, Clone)]
struct TableArgs {
    /// Sheet of an .xlsx file (default: the first sheet).
    #[arg(long, value_name = "SHEET")]
    sheet: Option<String>,
    /// CSV encoding: utf-8 or gb18030 (gbk). Default: detected (UTF-8 with or without BOM, else GB18030).
    #[arg(long, value_name = "ENC")]
    encoding: Option<String>,
    /// The column naming each unit (default: the rulebook's key_field, by id or label). Items tables join on it.
    #[arg(long, value_name = "COLUMN")]
    key: Option<String>,
    /// The column naming each row's profile (片区/类别), when it is not the rulebook's profile_field column.
    #[arg(long, value_name = "COLUMN")]
    profile_column: Option<String>,
    /// An items table (one row per item, e.g. a school's awards) joined on the key: NAME=FILE (.csv, or .xlsx[#SHEET]). Repeatable.
    #[arg(long = "items", value_name = "NAME=FILE")]
    items: Vec<String>,
    /// Score every row in this profile (instead of each row's profile column).
    #[arg(long, value_name = "NAME")]
    profile: Option<String>,
    /// Scoring date for dated parameters, YYYY-MM-DD (default: the rulebook's as_of).
    #[arg(long, value_name = "DATE")]
    as_of: Option<String>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Score every row of a spreadsheet (.xlsx, .csv, .json) and write one result row per data row.
    #[command(long_about = "Score every row of a spreadsheet (.xlsx, .csv or .json) against RULEBOOK and \
        write one result row per data row, in input order: row, line, key, profile, total, max, grade, \
        passed, [rank, profile_rank], vetoes, each indicator's points, error_kind, error.\n\n\
        Columns match the rulebook's inputs by id or by label (中文列名). A row that cannot be scored \
        is in the output with its error, and is described on stderr with file:line:column.\n\n\
        Memory: rows are streamed (read, scored and written a chunk at a time, bounded memory) when \
        the rulebook has no relative rules and none of --ranks, --report or --items is given. \
        Relative rules (the cohort), ranks (every total), the report and items tables need every \
        row first: then the whole file is gathered before scoring.\n\n\
        Exit: 0 all rows scored, 1 some rows failed (0 with --exit-zero), 2 unusable arguments, \
        files or rulebook.")]
    Score {
        /// A rulebook file (.toml, .json) or builtin:<id>.
        rulebook: String,
        /// The data: .xlsx, .csv or .json (an array of records).
        data: String,
        #[command(flatten)]
        table: TableArgs,
        /// Result file: .csv (UTF-8 with BOM), .json or .xlsx. Default: CSV on stdout.
        #[arg(long, value_name = "FILE")]
        out: Option<String>,
        /// Write a self-contained HTML report (summary, sortable table, lost points, each unit explained). Gathers every row.
        #[arg(long, value_name = "FILE")]
        report: Option<String>,
        /// Units explained in full in the report (the first N rows); the summary and charts cover every row.
        #[arg(long, value_name = "N", default_value_t = 2000)]
        report_units: usize,
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
        #[arg(long = "set", value_name = "NAME=VALUE", help = variant::SET_HELP)]
        set: Vec<String>,
    },
    /// Explain one unit in full: every indicator's points, the rule in words, the values read, vetoes, criteria, lost points.
    #[command(long_about = "Explain one unit in full. Either give the record as JSON \
        (--record '{\"county\": \"甲县\", …}' or --record @file.json), or a data file and the unit's \
        key (or 1-based row number) with --row.\n\nExit: 0 explained, 1 the unit could not be scored, 2 unusable arguments.")]
    Explain {
        /// A rulebook file (.toml, .json) or builtin:<id>.
        rulebook: String,
        /// A data file (.xlsx, .csv, .json) holding the unit.
        data: Option<String>,
        /// The record as a JSON object, or @FILE.
        #[arg(long, value_name = "JSON", conflicts_with = "data")]
        record: Option<String>,
        /// The unit in DATA: its key, or its 1-based row number.
        #[arg(long, value_name = "KEY", requires = "data")]
        row: Option<String>,
        /// Language of the explanation: zh (default) or en.
        #[arg(long, default_value = "zh")]
        lang: String,
        /// Print the result as JSON (schema kaoping.result/2) instead of text.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        table: TableArgs,
        #[arg(long = "set", value_name = "NAME=VALUE", help = variant::SET_HELP)]
        set: Vec<String>,
    },
    /// Load rulebooks and print every problem as file:line:column; exit 1 if any.
    Check {
        /// Rulebook files or builtin:<id>.
        #[arg(required = true)]
        rulebooks: Vec<String>,
        #[arg(long = "set", value_name = "NAME=VALUE", help = variant::SET_HELP)]
        set: Vec<String>,
    },
    /// Run rulebooks' embedded tests and print `N passed, M failed`; exit 1 if any failed.
    Test {
        /// Rulebook files or builtin:<id>.
        #[arg(required = true)]
        rulebooks: Vec<String>,
    },
    /// List the built-in rulebooks with their titles.
    Builtins,
    /// Print a built-in rulebook's TOML, to copy and adapt (with --set: the variant's text).
    Show {
        /// builtin:<id> (or the bare id), or a rulebook file.
        rulebook: String,
        #[arg(long = "set", value_name = "NAME=VALUE", help = variant::SET_HELP)]
        set: Vec<String>,
    },
    /// Print the JSON Schema of the rulebook format (for editors).
    Schema,
    /// Derive weights (AHP, entropy, coefficient of variation) or rank by TOPSIS; write them into a rulebook variant.
    Weights(weights::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(code) => ExitCode::from(code),
        Err(f) => {
            eprintln!("kaoping: {}", f.lines.join("\n         "));
            ExitCode::from(f.code)
        }
    }
}

fn run(command: Command) -> Result<u8, Fail> {
    match command {
        Command::Score {
            rulebook,
            data,
            table,
            out,
            report,
            report_units,
            ranks,
            jobs,
            exit_zero,
            strict,
            set,
        } => {
            if let Some(n) = jobs {
                set_jobs(n)?;
            }
            let rb = load(&rulebook, &set)?;
            let req = score::Request {
                data,
                data_options: data_options(&table)?,
                encoding: encoding(&table)?,
                items: table.items.clone(),
                profile: profile(&rb, &table)?,
                as_of: as_of(&table)?,
                out,
                report,
                ranks,
                report_units,
                strict,
            };
            let code = score::run(&rb, &req)?;
            Ok(if exit_zero && code == SOME_FAILED { 0 } else { code })
        }
        Command::Explain { rulebook, data, record, row, lang, json, table, set } => {
            let rb = load(&rulebook, &set)?;
            let lang: Lang =
                lang.parse().map_err(|e| Fail::unusable(format!("--lang：{e}"), format!("--lang: {e}")))?;
            explain(&rb, data, record, row, lang, json, &table)
        }
        Command::Check { rulebooks, set } => Ok(check(&rulebooks, &set)),
        Command::Test { rulebooks } => test(&rulebooks),
        Command::Builtins => {
            for id in Rulebook::builtin_ids() {
                let rb = Rulebook::builtin(id).map_err(|e| Fail::rulebook(&e))?;
                let mark = if rb.is_illustrative() { "  （示例 illustrative）" } else { "" };
                println!("builtin:{id}\t{}\t{}{mark}", rb.version(), rb.title());
            }
            Ok(0)
        }
        Command::Show { rulebook, set } => {
            let path = std::path::Path::new(&rulebook);
            let rb = if !rulebook.starts_with("builtin:") && path.is_file() {
                load(&rulebook, &set)?
            } else {
                let id = rulebook.strip_prefix("builtin:").unwrap_or(&rulebook);
                let rb = Rulebook::builtin(id).map_err(|e| Fail::rulebook(&e))?;
                variant::with_sets(rb, &set).map_err(|e| Fail::rulebook(&located(e, &rulebook)))?
            };
            print!("{}", rb.text().unwrap_or_default());
            Ok(0)
        }
        Command::Schema => {
            println!("{}", kaoping::schema::rulebook_json_schema());
            Ok(0)
        }
        Command::Weights(args) => weights::run(args),
    }
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

/// Load a rulebook from a path or `builtin:<id>`, as a variant when `--set` changes are given
/// (exit 2 with every problem if it does not load).
fn load(arg: &str, sets: &[String]) -> Result<Rulebook, Fail> {
    load_quiet(arg, sets).map_err(|e| Fail::rulebook(&located(e, arg)))
}

fn load_quiet(arg: &str, sets: &[String]) -> Result<Rulebook, kaoping::LoadError> {
    let rb = match arg.strip_prefix("builtin:") {
        Some(id) => Rulebook::builtin(id),
        None => Loader::new().load_file(arg),
    }?;
    variant::with_sets(rb, sets)
}

/// A variant's problems are placed in the base rulebook's text: name its file.
fn located(mut e: kaoping::LoadError, arg: &str) -> kaoping::LoadError {
    for p in &mut e.problems {
        if p.location.line.is_some() {
            p.location.file.get_or_insert_with(|| arg.to_owned());
        }
    }
    e
}

fn encoding(t: &TableArgs) -> Result<Option<Encoding>, Fail> {
    t.encoding
        .as_deref()
        .map(|e| {
            e.parse::<Encoding>()
                .map_err(|m| Fail::unusable(format!("--encoding：{m}"), format!("--encoding: {m}")))
        })
        .transpose()
}

fn data_options(t: &TableArgs) -> Result<DataOptions, Fail> {
    Ok(DataOptions {
        sheet: t.sheet.clone(),
        encoding: encoding(t)?,
        key: t.key.clone(),
        profile_column: t.profile_column.clone(),
    })
}

fn as_of(t: &TableArgs) -> Result<Option<Date>, Fail> {
    t.as_of
        .as_deref()
        .map(|d| {
            d.trim().parse::<Date>().map_err(|_| {
                Fail::unusable(
                    format!("--as-of 应为日期 YYYY-MM-DD，而不是“{d}”"),
                    format!("--as-of must be a date YYYY-MM-DD, not \"{d}\""),
                )
            })
        })
        .transpose()
}

fn profile(rb: &Rulebook, t: &TableArgs) -> Result<Option<String>, Fail> {
    match &t.profile {
        Some(p) if !rb.profiles().contains(&p.as_str()) => Err(Fail::unusable(
            format!("考核方案 {} 没有片区/类别“{p}”（有：{}）", rb.id(), rb.profiles().join("，")),
            format!("rulebook {} has no profile \"{p}\" (profiles: {})", rb.id(), rb.profiles().join(", ")),
        )),
        p => Ok(p.clone()),
    }
}

fn explain(
    rb: &Rulebook,
    data: Option<String>,
    record: Option<String>,
    row: Option<String>,
    lang: Lang,
    json: bool,
    table: &TableArgs,
) -> Result<u8, Fail> {
    let opts = ScoreOptions { profile: profile(rb, table)?, as_of: as_of(table)?, ..ScoreOptions::default() };
    let outcome = match (data, record) {
        (None, Some(rec)) => {
            if score::has_relative(rb) {
                return Err(Fail::unusable(
                    "该方案有相对评价（以最高值为满分）规则，需要整个数据表：请用 DATA --row KEY",
                    "this rulebook has relative rules, which need the whole cohort: use DATA --row KEY",
                ));
            }
            let text = match rec.strip_prefix('@') {
                Some(path) => std::fs::read_to_string(path)
                    .map_err(|e| Fail::file(path, "记录文件", "record file", e))?,
                None => rec,
            };
            let record = rb.record_from_json(&text).map_err(|e| {
                Fail::unusable(
                    format!("--record 不是有效的记录：{e}"),
                    format!("--record is not a valid record: {e}"),
                )
            })?;
            rb.score(&record, &opts)
        }
        (Some(path), None) => {
            let Some(key) = row else {
                return Err(Fail::unusable(
                    "请用 --row 指定单位（名称或行号）",
                    "give the unit with --row KEY (its key or row number)",
                ));
            };
            let mut data = Data::open(rb, &path, &data_options(table)?)?;
            let mut all = data.read_all(rb, |_, _| {})?;
            for spec in &table.items {
                for w in crate::data::attach_items(
                    rb,
                    &mut all.records,
                    spec,
                    table.key.as_deref(),
                    encoding(table)?,
                )? {
                    eprintln!("提示 note: {w}");
                }
            }
            let at = all
                .keys
                .iter()
                .position(|k| k.as_deref() == Some(key.trim()))
                .or_else(|| {
                    key.trim()
                        .parse::<usize>()
                        .ok()
                        .filter(|n| (1..=all.records.len()).contains(n))
                        .map(|n| n - 1)
                })
                .ok_or_else(|| {
                    Fail::unusable(
                        format!("{path} 中没有名称或行号为“{key}”的单位"),
                        format!("{path} has no unit with key or row number \"{key}\""),
                    )
                })?;
            let batch_opts = kaoping::BatchOptions {
                profile: opts.profile.clone(),
                as_of: opts.as_of,
                explain: false,
                parallel: true,
                ..Default::default()
            };
            let line = all.lines[at];
            let scored = score::Scored::new(rb, all, &batch_opts);
            let r = scored.result_row(at, &score::layout(rb, false));
            match (scored.slot(at), r.error) {
                (Some(b), None) => scored.batch.explain(b, &scored.records[b]),
                (_, error) => {
                    let place = line.map(|l| format!("{path}:{l}")).unwrap_or(path.clone());
                    eprintln!("{place}: 未能评分 / not scored: {}", error.unwrap_or_default());
                    return Ok(SOME_FAILED);
                }
            }
        }
        _ => {
            return Err(Fail::unusable(
                "请给出 --record JSON，或数据文件和 --row KEY",
                "give either --record JSON, or a data file and --row KEY",
            ));
        }
    };
    match outcome {
        Ok(o) => {
            if json {
                println!("{}", o.to_json_pretty());
            } else {
                print!("{}", kaoping::explain(&o, lang));
            }
            Ok(0)
        }
        Err(e) => {
            eprintln!("未能评分 / not scored: {e}");
            Ok(SOME_FAILED)
        }
    }
}

fn check(rulebooks: &[String], sets: &[String]) -> u8 {
    let mut problems = 0usize;
    for arg in rulebooks {
        match load_quiet(arg, sets) {
            Ok(rb) => {
                println!(
                    "{arg}: ok — {} {}（{} 个指标 indicators，满分 max {}）",
                    rb.id(),
                    rb.version(),
                    rb.indicators().len(),
                    rb.max(None).map_or_else(|| "—".to_owned(), |m| m.to_string())
                );
                if let Some(of) = rb.variant_of() {
                    println!(
                        "  变体 variant of {} {} ({}…): {}",
                        of.id,
                        of.version,
                        &of.fingerprint[..of.fingerprint.len().min(12)],
                        of.changes.join(", ")
                    );
                }
                for p in rb.provenance() {
                    let node = p.node.as_deref().map(|n| format!(" of {n}")).unwrap_or_default();
                    let what = p.written_as.as_deref().unwrap_or("values");
                    let settings: Vec<String> = p.settings.iter().map(|(k, v)| format!("{k}={v}")).collect();
                    println!("  来源 provenance: {what}{node} by {} ({})", p.method, settings.join(", "));
                }
            }
            Err(e) => {
                problems += e.problems.len();
                for p in &e.problems {
                    let mut p = p.clone();
                    p.location.file.get_or_insert_with(|| arg.clone());
                    println!("{}", problem_line(&p));
                }
            }
        }
    }
    if problems > 0 {
        eprintln!("{problems} 个问题 / {problems} problem(s)");
        SOME_FAILED
    } else {
        0
    }
}

fn test(rulebooks: &[String]) -> Result<u8, Fail> {
    let (mut passed, mut failed, mut unusable) = (0usize, 0usize, false);
    for arg in rulebooks {
        let rb = match load_quiet(arg, &[]) {
            Ok(rb) => rb,
            Err(e) => {
                eprintln!("kaoping: {}", Fail::rulebook(&e).lines.join("\n         "));
                unusable = true;
                continue;
            }
        };
        let report = rb.run_tests();
        for f in &report.failures {
            println!("FAIL {}: {f}", rb.id());
        }
        println!("{}: {}/{} tests passed", rb.id(), report.passed, report.run);
        passed += report.passed;
        failed += report.run - report.passed;
    }
    println!("{passed} passed, {failed} failed");
    Ok(if unusable {
        UNUSABLE
    } else if failed > 0 {
        SOME_FAILED
    } else {
        0
    })
}
