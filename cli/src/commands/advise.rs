//! `kaoping advise`: advice (整改建议) for one unit — the least changes of its actionable inputs
//! that reach a goal (a grade, `passed`, or a total), each verified by scoring the changed
//! record; the vetoes and grade rules in the way named first. The unit is read as `kaoping
//! explain` reads it: a record given as JSON, or a row of a data file by its key or row number.

use kaoping::advise::{AdviseOptions, parse_goal};
use kaoping::{Lang, Record, Rulebook, ScoreOptions};

use crate::args::TableArgs;
use crate::data::{Data, join_items, unmatched_warning};
use crate::fail::{Fail, SOME_FAILED};
use crate::load::{SET_HELP, load};

/// `kaoping advise RULEBOOK (--record JSON | DATA --row KEY) --goal GOAL`.
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
    /// The goal: a grade (较好), `passed` (达标), or a total (85).
    #[arg(long)]
    goal: String,
    /// At most this many inputs change together.
    #[arg(long, value_name = "N", default_value_t = 3)]
    max_inputs: usize,
    /// At most this many alternatives.
    #[arg(long, value_name = "N", default_value_t = 5)]
    alternatives: usize,
    /// Language of the advice: zh (default) or en.
    #[arg(long, default_value = "zh")]
    lang: String,
    /// Print the advice as JSON (schema kaoping.advice/1) instead of text.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    table: TableArgs,
    #[arg(long = "set", value_name = "NAME=VALUE", help = SET_HELP)]
    set: Vec<String>,
}

/// Run `kaoping advise`.
pub fn run(args: Args) -> Result<u8, Fail> {
    let rb = load(&args.rulebook, &args.set)?;
    let lang: Lang =
        args.lang.parse().map_err(|e| Fail::unusable(format!("--lang：{e}"), format!("--lang: {e}")))?;
    if rb.has_relative_rules() {
        return Err(Fail::unusable(
            "该方案有相对评价（以最高值为满分）规则：改变一个单位的数据会改变整个群体的满分，暂不提供整改建议",
            "this rulebook has relative rules: changing one unit changes the cohort's best, so advice is not given",
        ));
    }
    let goal = parse_goal(&rb, &args.goal)
        .map_err(|e| Fail::unusable(format!("--goal：{e}"), format!("--goal: {e}")))?;
    let table = &args.table;
    let score =
        ScoreOptions { profile: table.profile(&rb)?, as_of: table.as_of()?, ..ScoreOptions::default() };
    let record = match (args.data, args.record) {
        (None, Some(record)) => of_record(&rb, record)?,
        (Some(path), None) => {
            let Some(key) = args.row else {
                return Err(Fail::unusable(
                    "请用 --row 指定单位（名称或行号）",
                    "give the unit with --row KEY (its key or row number)",
                ));
            };
            match of_row(&rb, &path, &key, table)? {
                Some(r) => r,
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
    let opts = AdviseOptions {
        score,
        max_inputs: args.max_inputs.max(1),
        alternatives: args.alternatives.max(1),
        ..AdviseOptions::default()
    };
    match rb.advise(&record, &goal, &opts) {
        Ok(a) => {
            if args.json {
                println!("{}", a.to_json_pretty());
            } else {
                print!("{}", a.text(lang));
            }
            Ok(0)
        }
        Err(e) => {
            eprintln!("未能评分 / not scored: {e}");
            Ok(SOME_FAILED)
        }
    }
}

/// A record given as JSON (or `@FILE`).
fn of_record(rb: &Rulebook, record: String) -> Result<Record, Fail> {
    let text = match record.strip_prefix('@') {
        Some(path) => {
            std::fs::read_to_string(path).map_err(|e| Fail::file(path, "记录文件", "record file", e))?
        }
        None => record,
    };
    rb.record_from_json(&text).map_err(|e| {
        Fail::unusable(
            format!("--record 不是有效的记录：{e}"),
            format!("--record is not a valid record: {e}"),
        )
    })
}

/// The record of the unit of a data file with key (or 1-based row number) `key`, its child
/// tables joined; `None` when its row could not be read (said on stderr with its place).
fn of_row(rb: &Rulebook, path: &str, key: &str, table: &TableArgs) -> Result<Option<Record>, Fail> {
    let mut data = Data::open(rb, path, &table.data_options()?)?;
    let mut all = data.read_all(rb, |_, _| {})?;
    for u in join_items(rb, &mut all.records, &table.items, table.encoding()?)? {
        eprintln!("提示 note: {}", unmatched_warning(&u));
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
    match all.records.swap_remove(at) {
        Ok(r) => Ok(Some(r)),
        Err(e) => {
            let place = all
                .lines
                .get(at)
                .copied()
                .flatten()
                .map(|l| format!("{path}:{l}"))
                .unwrap_or(path.to_owned());
            eprintln!("{place}: 未能评分 / not scored: {e}");
            Ok(None)
        }
    }
}
