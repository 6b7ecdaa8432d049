//! `kaoping diff`: what changes if the rules change — two rulebooks (or one and its variant by
//! `--set`) score the same data file, and every unit's two results are set side by side by the
//! core (`kaoping::Comparison`): the summary in words on stdout, the per-unit table or the whole
//! comparison in a file (`--out`), and an HTML report (`--report`).
//!
//! The data file is read once per rulebook, so that each matches the columns to its own inputs
//! (a new rulebook may read a column the old one did not); items tables are joined for each
//! rulebook that declares the list.

use kaoping::{CompareOptions, Comparison, Lang, Record, RecordError, Rulebook};

use crate::args::TableArgs;
use crate::data::{Data, join_items, unmatched_warning};
use crate::fail::{Fail, SOME_FAILED};
use crate::load::{SET_HELP, load};

/// `kaoping diff OLD [NEW] DATA [--with NEW] [--set NAME=VALUE…] [options]`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// OLD [NEW] DATA: the rulebook as it is (file or builtin:<id>), the changed one (or give it
    /// with --with, or make it from OLD with --set), and the data (.xlsx, .csv or .json).
    #[arg(required = true, num_args = 2..=3, value_name = "OLD [NEW] DATA")]
    files: Vec<String>,
    /// The changed rulebook (instead of the second of three arguments).
    #[arg(long = "with", value_name = "NEW")]
    with: Option<String>,
    #[command(flatten)]
    table: TableArgs,
    /// Write the comparison: .csv (one row per unit), .json (everything, kaoping.compare/1) or
    /// .xlsx (units, transitions, profiles, buckets, indicators, summary).
    #[arg(long, value_name = "FILE")]
    out: Option<String>,
    /// Write a self-contained HTML report: the transition matrix as a heat table, the change's
    /// histogram, each profile's ups and downs, the biggest movers explained side by side.
    #[arg(long, value_name = "FILE")]
    report: Option<String>,
    /// How many of the biggest movers are listed and explained.
    #[arg(long, value_name = "N", default_value_t = 10)]
    movers: usize,
    /// Exit 0 even when some rows could not be scored under either rulebook.
    #[arg(long)]
    exit_zero: bool,
    #[arg(long = "set", value_name = "NAME=VALUE", help = SET_HELP)]
    set: Vec<String>,
}

/// Run `kaoping diff`; returns the exit code.
pub fn run(args: Args) -> Result<u8, Fail> {
    let lang: Lang = crate::fail::lang();
    let (old_arg, new_arg, data) = match (args.files.as_slice(), &args.with) {
        ([old, new, data], None) => (old, Some(new), data),
        ([_, _, _], Some(_)) => {
            return Err(Fail::unusable(
                "新方案给了两次：第二个参数和 --with 只能用一个",
                "the new rulebook is given twice: use either the second argument or --with",
            ));
        }
        ([old, data], with) => (old, with.as_ref(), data),
        _ => unreachable!("clap takes 2 or 3 arguments"),
    };
    if new_arg.is_none() && args.set.is_empty() {
        return Err(Fail::unusable(
            "没有可比较的：请给出新方案（第二个参数或 --with），或用 --set 修改旧方案",
            "nothing to compare: give the new rulebook (a second argument or --with), or changes with --set",
        ));
    }
    let old = load(old_arg, &[])?;
    // --set changes the new rulebook: OLD itself when no other is given.
    let new = load(new_arg.unwrap_or(old_arg), &args.set)?;
    let profile = args.table.profile(&old)?;
    args.table.profile(&new)?;
    let opts = CompareOptions { profile, as_of: args.table.as_of()?, parallel: true, movers: args.movers };
    given_items(&old, &new, &args.table.items)?;
    let (old_rows, lines) = read(&old, data, &args.table)?;
    let (new_rows, _) = read(&new, data, &args.table)?;
    let c = Comparison::rows(&old, &new, &old_rows, &new_rows, &opts)
        .map_err(|e| Fail::unusable(format!("无法比较：{e}"), format!("cannot compare: {e}")))?;
    print!("{}", c.text(lang));
    if let Some(path) = &args.out {
        crate::compared::write(path, &c, &lines)?;
    }
    if let Some(path) = &args.report {
        let html = crate::report::render_comparison(&c, data, opts.as_of);
        std::fs::write(path, html).map_err(|e| {
            Fail::unusable(
                format!("无法写入报告 {path}：{e}"),
                format!("cannot write the report {path}: {e}"),
            )
        })?;
    }
    let failed = c.summary.all.failed_old + c.summary.all.failed_new;
    if failed > 0 {
        let (old, new) = (c.summary.all.failed_old, c.summary.all.failed_new);
        eprintln!(
            "{}",
            crate::fail::say(
                format_args!("提示：旧方案 {old} 行、新方案 {new} 行未能评分（状态“未能评分”）"),
                format_args!("note: {old} row(s) not scored under the old rulebook, {new} under the new"),
            )
        );
    }
    Ok(if failed > 0 && !args.exit_zero { SOME_FAILED } else { 0 })
}

/// The data file's rows read for `rb` (with the items tables it declares), and their lines.
type Rows = (Vec<Result<Record, RecordError>>, Vec<Option<usize>>);

fn read(rb: &Rulebook, path: &str, table: &TableArgs) -> Result<Rows, Fail> {
    let mut data = Data::open(rb, path, &table.data_options()?)?;
    for (k, input) in rb.inputs().iter().enumerate().filter(|(k, _)| rb.input_is_items(*k)) {
        let given = table.items.iter().any(|spec| {
            let name = spec.split_once('=').map_or(spec.as_str(), |(n, _)| n);
            rb.input_by_name_or_label(name) == Some(k)
        });
        if !given && data.columns.is_some() {
            let (id, name) = (rb.id(), &input.name);
            eprintln!(
                "{}",
                crate::fail::say(
                    format_args!("提示：{id} 的明细输入 {name} 来自单独的明细表，请用 --items {name}=文件"),
                    format_args!(
                        "note: items input {name} of {id} comes from a separate table: give --items {name}=FILE"
                    ),
                )
            );
        }
    }
    let mut all = data.read_all(rb, |_, _| {})?;
    // The child tables of the lists this rulebook declares (a path's first part names the list).
    let mine: Vec<String> = table.items.iter().filter(|spec| lists(rb, spec)).cloned().collect();
    if !mine.is_empty() {
        for u in join_items(rb, &mut all.records, &mine, table.encoding()?)? {
            eprintln!("{}", unmatched_warning(&u));
        }
    }
    Ok((all.records, all.lines))
}

/// Whether `--items LIST=FILE` (LIST a list input or a dotted path from one) names a list of `rb`.
fn lists(rb: &Rulebook, spec: &str) -> bool {
    let path = spec.split_once('=').map_or(spec, |(n, _)| n);
    let first = path.split('.').next().unwrap_or(path).trim();
    rb.input_by_name_or_label(first).is_some_and(|k| rb.input_is_items(k))
}

/// Every `--items LIST=FILE` names a list of at least one of the two rulebooks.
fn given_items(old: &Rulebook, new: &Rulebook, items: &[String]) -> Result<(), Fail> {
    for spec in items {
        if !lists(old, spec) && !lists(new, spec) {
            let name = spec.split_once('=').map_or(spec.as_str(), |(n, _)| n);
            return Err(Fail::unusable(
                format!("“{name}”不是两个考核方案中任何一个的明细（items）输入"),
                format!("\"{name}\" is not an items input of either rulebook"),
            ));
        }
    }
    Ok(())
}
