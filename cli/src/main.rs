//! `kaoping` — score a spreadsheet against a rulebook, explain a unit, check, test and lint
//! rulebooks, compare two rulebooks over the same data, write HTML reports and input templates. Thin: parses arguments and files, calls the `kaoping` core, prints.
//!
//! This file only parses the command line and dispatches: each subcommand is a file of
//! `commands/` (its arguments and what it does). Below them: `load` (the RULEBOOK argument and
//! `--set`), `args` (options of the commands that read data), `data` (data files read for a
//! rulebook), `scored` (rows read and scored), `output` (result files) and `report` (the HTML
//! report), both of which read `scored`; `fail` (messages and exit codes) under all.
//!
//! Exit codes: 0 all rows scored (or all checks and tests passed); 1 some rows failed (they are in
//! the output with their error), or a check or test failed; 2 unusable arguments, files or
//! rulebook.

mod args;
mod cell_formats;
mod commands;
mod compared;
mod csv_text;
mod data;
mod fail;
mod load;
mod output;
mod progress;
mod report;
mod scored;
mod template_rows;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::commands::{
    advise, builtins, check, diff, explain, lint, schema, score, show, template, test, weights,
};
use crate::fail::Fail;

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
    /// Language of every message, explanation and summary: zh (中文, default) or en.
    #[arg(long, global = true, default_value = "zh", value_name = "zh|en")]
    lang: String,
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
    Score(score::Args),
    /// Explain one unit in full: every indicator's points, the rule in words, the values read, vetoes, criteria, lost points.
    #[command(long_about = "Explain one unit in full. Either give the record as JSON \
        (--record '{\"county\": \"甲县\", …}' or --record @file.json), or a data file and the unit's \
        key (or 1-based row number) with --row.\n\nExit: 0 explained, 1 the unit could not be scored, 2 unusable arguments.")]
    Explain(explain::Args),
    /// Advice (整改建议) for one unit: the least changes of its actionable inputs that reach a goal (a grade, passed, or a total), each verified by scoring.
    #[command(long_about = "Advice (整改建议) for one unit: the least changes of its actionable inputs \
        (not those declared actionable = false) that reach --goal (a grade, `passed`, or a total), \
        each verified by scoring the changed record, ranked by the number of inputs changed then the \
        size of the changes; vetoes and grade rules in the way are named first. The unit is read as \
        `kaoping explain` reads it.\n\nExit: 0 advised (also when the goal is out of reach: the \
        advice says why), 1 the unit could not be scored, 2 unusable arguments.")]
    Advise(advise::Args),
    /// Load rulebooks and print every problem as file:line:column; exit 1 if any.
    Check(check::Args),
    /// Run rulebooks' embedded tests and print `N passed, M failed`; exit 1 if any failed.
    Test(test::Args),
    /// List the built-in rulebooks with their titles.
    Builtins,
    /// Print a rulebook's TOML with Chinese comments (each rule in words), to copy and adapt; --plain as written; with --set the variant's text.
    Show(show::Args),
    /// Print the JSON Schema of the rulebook format (for editors).
    Schema,
    /// Derive weights (AHP, entropy, coefficient of variation) or rank by TOPSIS; write them into a rulebook variant.
    Weights(weights::Args),
    /// Compare two rulebooks (or one and its variant by --set) over the same data: which units change, and why.
    #[command(
        visible_alias = "compare",
        long_about = "Compare two rulebooks over the same data: `kaoping diff OLD NEW DATA`, \
        `kaoping diff OLD DATA --with NEW`, or `kaoping diff OLD DATA --set exit_limit=2.5` (the new \
        rulebook is OLD with the changes; --set also changes a NEW given). Each rulebook reads the data \
        by its own inputs; units are matched by row.\n\nPrints the summary: units up, down and \
        unchanged, the transition matrix between grades (or verdicts; vetoed and failed are states), \
        the change's distribution, the exact attribution of the change summed over the units, each \
        profile, the indicators that moved the most units, the biggest movers. --out writes one row \
        per unit (.csv) or everything (.json, .xlsx); --report an HTML report.\n\nExit: 0 compared, \
        1 some rows could not be scored under either rulebook (0 with --exit-zero), 2 unusable \
        arguments, files or rulebooks."
    )]
    Diff(diff::Args),
    /// Prove from each rulebook what it can and cannot do: reachable ranges per profile, dead bands, unreachable grades, unread inputs…
    #[command(long_about = "Lint rulebooks: findings proven from the rulebook alone (interval \
        arithmetic over the declared input ranges through every rule, clamp, cap and veto, per \
        profile and per period of dated parameters), as file:line:column: severity[code]: message \
        [path], then the reachable range of every indicator and of the total in each profile and \
        period. Where the analysis cannot decide it says \"may\", never a guess.\n\nExit: 0 no \
        error (warnings printed), 1 an error (or a warning with --deny-warnings), 2 a rulebook does \
        not load.")]
    Lint(lint::Args),
    /// Write an input template to fill in: .xlsx (a sheet per table, drop-downs and ranges) or .csv (UTF-8 with BOM).
    #[command(
        long_about = "Write an input template for RULEBOOK: `kaoping template RULEBOOK --out 模板.xlsx` \
        (one workbook, a sheet per table: the units, then each items list, e.g. 竞赛获奖, with the column \
        joining it to its unit) or `--out 模板.csv` (UTF-8 with BOM, one file per table: the units in \
        模板.csv, each list in 模板.<list>.csv, e.g. 模板.awards.csv).\n\nEach table: the header (the \
        inputs' labels), a notes row whose first cell begins with 【说明】 (type, unit, range, allowed \
        values, default, description) and an example row beginning with 【示例】 (from the rulebook's \
        tests). Readers skip those two rows, so the filled template is scored unchanged: \
        `kaoping score RULEBOOK 模板.xlsx --items 竞赛获奖=模板.xlsx#竞赛获奖`."
    )]
    Template(template::Args),
}

fn main() -> ExitCode {
    // A reader that closes the pipe early (`kaoping builtins | head`) ends the command quietly, as
    // it ends any Unix tool; Rust ignores SIGPIPE by default, so every print would panic instead.
    #[cfg(unix)]
    // SAFETY: restores one signal's default disposition before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    match cli.lang.parse::<kaoping::Lang>() {
        Ok(lang) => fail::set_lang(lang),
        Err(e) => {
            Fail::unusable(format!("--lang：{e}"), format!("--lang: {e}")).eprint();
            return ExitCode::from(fail::UNUSABLE);
        }
    }
    match run(cli.command) {
        Ok(code) => ExitCode::from(code),
        Err(f) => {
            f.eprint();
            ExitCode::from(f.code)
        }
    }
}

/// Hand the subcommand its arguments; its exit code.
fn run(command: Command) -> Result<u8, Fail> {
    match command {
        Command::Score(args) => score::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Advise(args) => advise::run(args),
        Command::Check(args) => Ok(check::run(args)),
        Command::Test(args) => Ok(test::run(args)),
        Command::Builtins => builtins::run(),
        Command::Show(args) => show::run(args),
        Command::Schema => Ok(schema::run()),
        Command::Weights(args) => weights::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Lint(args) => lint::run(args),
        Command::Template(args) => template::run(args),
    }
}
