//! `kaoping explain`: one unit explained in full — every indicator's points, the rule in words,
//! the values read, vetoes, criteria, lost points — as text (zh or en) or JSON
//! (`kaoping.result/2`). The unit is a record given as JSON, or a row of a data file found by its
//! key or row number (scored with the whole file, so relative rules see their cohort).

use kaoping::{BatchOptions, Lang, Outcome, RecordError, Rulebook, ScoreOptions};

use crate::args::TableArgs;
use crate::data::{Data, join_items, unmatched_warning};
use crate::fail::{Fail, SOME_FAILED};
use crate::load::{SET_HELP, load};
use crate::scored::{Scored, issues_said};

/// `kaoping explain RULEBOOK (--record JSON | DATA --row KEY)`.
#[derive(clap::Args, Debug)]
pub struct Args {
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
    /// Print the result as JSON (schema kaoping.result/2) instead of text.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    table: TableArgs,
    #[arg(long = "set", value_name = "NAME=VALUE", help = SET_HELP)]
    set: Vec<String>,
}

/// Run `kaoping explain`.
pub fn run(args: Args) -> Result<u8, Fail> {
    let rb = load(&args.rulebook, &args.set)?;
    let lang: Lang = crate::fail::lang();
    let table = &args.table;
    let opts =
        // The items of each list scored by another rulebook explain themselves too (§18.6).
        ScoreOptions { profile: table.profile(&rb)?, as_of: table.as_of()?, items: true, ..ScoreOptions::default() };
    let outcome = match (args.data, args.record) {
        (None, Some(record)) => of_record(&rb, record, &opts)?,
        (Some(path), None) => {
            let Some(key) = args.row else {
                return Err(Fail::unusable(
                    "请用 --row 指定单位（名称或行号）",
                    "give the unit with --row KEY (its key or row number)",
                ));
            };
            match of_row(&rb, &path, &key, &opts, table)? {
                Some(outcome) => outcome,
                None => return Ok(SOME_FAILED),
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
            if args.json {
                println!("{}", o.to_json_pretty());
            } else {
                print!("{}", kaoping::explain(&o, lang));
            }
            Ok(0)
        }
        Err(e) => {
            eprintln!(
                "{}",
                crate::fail::say(
                    format_args!("未能评分：{}", e.to_string_in(lang)),
                    format_args!("not scored: {e}")
                )
            );
            Ok(SOME_FAILED)
        }
    }
}

/// A record given as JSON (or `@FILE`), scored alone.
fn of_record(
    rb: &Rulebook,
    record: String,
    opts: &ScoreOptions,
) -> Result<Result<Outcome, RecordError>, Fail> {
    if rb.has_relative_rules() {
        return Err(Fail::unusable(
            "该方案有相对评价（以最高值为满分）规则，需要整个数据表：请用 DATA --row KEY",
            "this rulebook has relative rules, which need the whole cohort: use DATA --row KEY",
        ));
    }
    let text = match record.strip_prefix('@') {
        Some(path) => {
            std::fs::read_to_string(path).map_err(|e| Fail::file(path, "记录文件", "record file", e))?
        }
        None => record,
    };
    let record = rb.record_from_json(&text).map_err(|e| {
        Fail::unusable(
            format!("--record 不是有效的记录：{e}"),
            format!("--record is not a valid record: {e}"),
        )
    })?;
    Ok(rb.score(&record, opts))
}

/// The unit of a data file with key (or 1-based row number) `key`, scored with the whole file;
/// `None` when its row failed (said on stderr with its place).
fn of_row(
    rb: &Rulebook,
    path: &str,
    key: &str,
    opts: &ScoreOptions,
    table: &TableArgs,
) -> Result<Option<Result<Outcome, RecordError>>, Fail> {
    let mut data = Data::open(rb, path, &table.data_options()?)?;
    let mut all = data.read_all(rb, |_, _| {})?;
    for u in join_items(rb, &mut all.records, &table.items, table.encoding()?)? {
        eprintln!("{}", unmatched_warning(&u));
    }
    let at = all
        .keys
        .iter()
        .position(|k| k.as_deref() == Some(key.trim()))
        .or_else(|| {
            key.trim().parse::<usize>().ok().filter(|n| (1..=all.records.len()).contains(n)).map(|n| n - 1)
        })
        .ok_or_else(|| {
            Fail::unusable(
                format!("{path} 中没有名称或行号为“{key}”的单位"),
                format!("{path} has no unit with key or row number \"{key}\""),
            )
        })?;
    let batch_opts = BatchOptions {
        profile: opts.profile.clone(),
        as_of: opts.as_of,
        explain: false,
        parallel: true,
        items: true,
        ..Default::default()
    };
    let scored = Scored::new(rb, all, &batch_opts);
    if let Some(e) = scored.row(at).error() {
        let place = scored.line(at).map(|l| format!("{path}:{l}")).unwrap_or(path.to_owned());
        eprintln!(
            "{place}: {}",
            crate::fail::say(
                format_args!("未能评分：{}", issues_said(e)),
                format_args!("not scored: {}", issues_said(e))
            )
        );
        return Ok(None);
    }
    // (A row that scored became a record: it has an explanation.)
    Ok(scored.explain(at))
}
