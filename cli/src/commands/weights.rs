//! `kaoping weights`: designing weights (spec §15) — AHP from pairwise matrices, the entropy
//! method and the coefficient of variation over a cohort, and TOPSIS ranking. The numbers are the
//! core's (`kaoping::design`); this file reads the tables, prints the results and, with
//! `--rulebook`, writes them into a rulebook variant file with their provenance
//! (`kaoping::design::write`), which `kaoping check` then validates like any rulebook.
//!
//! Exit: 0 done; 1 a matrix is not consistent enough (CR ≥ 0.1, printed with its weights) and was
//! not accepted; 2 unusable arguments, files, tables or rulebook.

use std::path::Path;

use kaoping::design::write::{NodeWeights, WriteError, WriteOptions, WrittenAs};
use kaoping::design::{
    self, AhpOptions, CohortTable, DesignError, Direction, PairwiseMatrix, RiTable, Weighting,
};
use kaoping::table::{self, CsvRow, Encoding};
use kaoping::{Date, Rulebook};

use crate::fail::{Fail, SOME_FAILED};

/// `kaoping weights …`.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    method: Method,
}

#[derive(clap::Subcommand, Debug)]
enum Method {
    /// AHP (层次分析法): weights from a reciprocal pairwise matrix, with λmax, CI and CR.
    #[command(
        long_about = "AHP (层次分析法): weights from a reciprocal pairwise matrix (Saaty 1–9 and reciprocals; \
        1/3 or 0.333; cells below the diagonal may be left empty), with λmax, CI = (λmax − n)/(n − 1) and \
        CR = CI/RI. A matrix with CR ≥ 0.1 is printed and refused (exit 1) unless --accept-inconsistent.\n\n\
        MATRIX is a CSV or .xlsx table: a header row with the labels (first cell ignored), then one row per \
        label. Several matrices make a hierarchy: NODE=MATRIX weighs NODE's children, and the one matrix \
        without NODE= is the goal (the top level, or --node). Global weights are products down the tree.\n\n\
        With --rulebook R --out FILE the weights are written into a variant of R as its children's points \
        (or weights, under an aggregate = \"weighted\" node), with a provenance record (method, RI table, \
        matrix fingerprint, date); check it with `kaoping check FILE`."
    )]
    Ahp {
        /// Pairwise matrices: MATRIX (the goal) and NODE=MATRIX for a hierarchy.
        #[arg(required = true, value_name = "[NODE=]MATRIX")]
        matrices: Vec<String>,
        /// eigenvector (default), geometric-mean or column-normalisation.
        #[arg(long, default_value = "eigenvector")]
        method: String,
        /// RI table: saaty (default, n ≤ 15), saaty-2005 (n ≤ 15) or donegan-dodd (n ≤ 20).
        #[arg(long, default_value = "saaty")]
        ri: String,
        /// Accept a matrix whose CR is 0.1 or more (recorded in the output and the provenance).
        #[arg(long)]
        accept_inconsistent: bool,
        #[command(flatten)]
        write: WriteArgs,
        #[command(flatten)]
        read: ReadArgs,
    },
    /// The entropy method (熵权法) over a cohort's values (one row per unit, one column per indicator).
    Entropy {
        /// The cohort: .csv or .xlsx.
        data: String,
        #[command(flatten)]
        cohort: CohortArgs,
        #[command(flatten)]
        write: WriteArgs,
        #[command(flatten)]
        read: ReadArgs,
    },
    /// The coefficient of variation (变异系数法) over a cohort's values.
    Cv {
        /// The cohort: .csv or .xlsx.
        data: String,
        #[command(flatten)]
        cohort: CohortArgs,
        #[command(flatten)]
        write: WriteArgs,
        #[command(flatten)]
        read: ReadArgs,
    },
    /// TOPSIS: rank a cohort's units by closeness to the ideal (vector normalisation).
    Topsis {
        /// The cohort: .csv or .xlsx.
        data: String,
        #[command(flatten)]
        cohort: CohortArgs,
        /// Weights, one per indicator column in order (0.3,0.7) or by name (收入=0.3,发生率=0.7).
        #[arg(long, required = true, value_name = "W,W,…")]
        weights: String,
        /// Print JSON instead of CSV.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        read: ReadArgs,
    },
}

#[derive(clap::Args, Debug)]
struct ReadArgs {
    /// Sheet of an .xlsx file (default: the first).
    #[arg(long, value_name = "SHEET")]
    sheet: Option<String>,
    /// CSV encoding: utf-8 or gb18030 (gbk). Default: detected.
    #[arg(long, value_name = "ENC")]
    encoding: Option<String>,
}

#[derive(clap::Args, Debug)]
struct CohortArgs {
    /// The indicator columns, comma-separated (default: every numeric column but --key).
    #[arg(long, value_name = "A,B,…")]
    columns: Option<String>,
    /// The column naming each unit.
    #[arg(long, value_name = "COLUMN")]
    key: Option<String>,
    /// Cost indicators (less is better), comma-separated; the others are benefit indicators.
    #[arg(long, value_name = "A,B,…")]
    cost: Option<String>,
}

#[derive(clap::Args, Debug)]
struct WriteArgs {
    /// Write the weights into a variant of this rulebook (a file or builtin:<id>); needs --out.
    #[arg(long, value_name = "RULEBOOK", requires = "out")]
    rulebook: Option<String>,
    /// The indicator whose children the (goal) weights are for (default: the top level).
    #[arg(long, value_name = "ID", requires = "rulebook")]
    node: Option<String>,
    /// The variant file to write (.toml, or .json for a JSON rulebook).
    #[arg(long, value_name = "FILE", requires = "rulebook")]
    out: Option<String>,
    /// Write as points or weights (default: weights under a weighted node, points otherwise).
    #[arg(long = "as", value_name = "points|weights", requires = "rulebook")]
    written_as: Option<String>,
    /// Decimal places written (default 2 for points, 4 for weights); the sum is kept exact.
    #[arg(long, value_name = "N", requires = "rulebook")]
    places: Option<u32>,
    /// The date recorded in the provenance (default: today).
    #[arg(long, value_name = "YYYY-MM-DD", requires = "rulebook")]
    date: Option<String>,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
}

fn design_fail(e: DesignError) -> Fail {
    Fail::unusable(e.message.clone(), e.message)
}

/// Read a table file (CSV in any supported encoding, or a sheet) as header and rows.
fn read_table(path: &str, read: &ReadArgs) -> Result<(Vec<String>, Vec<CsvRow>), Fail> {
    match crate::data::Kind::of(path)? {
        crate::data::Kind::Xlsx => {
            crate::data::read_sheet(path, read.sheet.as_deref()).map(|s| (s.header, s.rows))
        }
        crate::data::Kind::Json => Err(Fail::unusable(
            format!("{path}：请用 .csv 或 .xlsx 表格"),
            format!("{path}: give a .csv or .xlsx table"),
        )),
        crate::data::Kind::Csv => {
            let bytes = std::fs::read(path).map_err(|e| Fail::file(path, "表格", "table", e))?;
            let encoding = read
                .encoding
                .as_deref()
                .map(|e| e.parse::<Encoding>())
                .transpose()
                .map_err(|m| Fail::unusable(format!("--encoding：{m}"), format!("--encoding: {m}")))?;
            let (text, _) = table::decode(&bytes, encoding).map_err(|e| crate::data::table_fail(path, &e))?;
            table::parse_csv(&text).map_err(|e| crate::data::table_fail(path, &e))
        }
    }
}

fn in_file(path: &str, e: DesignError) -> Fail {
    design_fail(DesignError { message: format!("{path}: {}", e.message) })
}

/// Columns a label takes in a terminal: CJK characters take two.
fn width(s: &str) -> usize {
    s.chars().map(|c| if ('\u{1100}'..='\u{FFDC}').contains(&c) && !c.is_ascii() { 2 } else { 1 }).sum()
}

fn pad(s: &str, to: usize) -> String {
    format!("{s}{}", " ".repeat(to.saturating_sub(width(s))))
}

fn list(s: &Option<String>) -> Option<Vec<String>> {
    s.as_ref().map(|s| s.split([',', '，']).map(|x| x.trim().to_owned()).filter(|x| !x.is_empty()).collect())
}

/// Run `kaoping weights …`.
pub fn run(args: Args) -> Result<u8, Fail> {
    match args.method {
        Method::Ahp { matrices, method, ri, accept_inconsistent, write, read } => {
            ahp(&matrices, &method, &ri, accept_inconsistent, &write, &read)
        }
        Method::Entropy { data, cohort, write, read } => by_cohort(&data, &cohort, &write, &read, false),
        Method::Cv { data, cohort, write, read } => by_cohort(&data, &cohort, &write, &read, true),
        Method::Topsis { data, cohort, weights, json, read } => topsis(&data, &cohort, &weights, json, &read),
    }
}

fn ahp(
    matrices: &[String],
    method: &str,
    ri: &str,
    accept: bool,
    write: &WriteArgs,
    read: &ReadArgs,
) -> Result<u8, Fail> {
    let weighting: Weighting = method.parse().map_err(design_fail)?;
    let ri: RiTable = ri.parse().map_err(design_fail)?;
    let mut nodes: Vec<(Option<String>, PairwiseMatrix)> = Vec::new();
    for arg in matrices {
        // NODE=FILE, unless the whole argument is a file (a file name may contain `=`).
        let (node, path) = match arg.split_once('=') {
            Some((n, p)) if !Path::new(arg).is_file() => (Some(n.trim().to_owned()), p),
            _ => (None, arg.as_str()),
        };
        let (header, rows) = read_table(path, read)?;
        let m = PairwiseMatrix::from_table(&header, &rows).map_err(|e| in_file(path, e))?;
        nodes.push((node, m));
    }
    // Weigh with the inconsistency accepted, so that a refused matrix is still shown.
    let shown = AhpOptions { weighting, ri, accept_inconsistent: true };
    let result = design::ahp_hierarchy(&nodes, &shown).map_err(design_fail)?;
    let refused: Vec<&(Option<String>, design::Ahp)> =
        result.local.iter().filter(|(_, r)| !r.consistent && !accept).collect();
    if write.json {
        let mut value = serde_json::to_value(&result).unwrap_or_default();
        if let Some(o) = value.as_object_mut() {
            o.insert("ri_source".into(), ri.source().into());
            o.insert("refused".into(), (!refused.is_empty()).into());
        }
        println!("{}", serde_json::to_string_pretty(&value).unwrap_or_default());
    } else {
        println!("AHP ({}), RI table {} ({})", weighting.name(), ri.name(), ri.source());
        for (node, r) in &result.local {
            let at = node.as_deref().or(write.node.as_deref()).unwrap_or("（目标 goal）");
            println!(
                "\n{at}: {} × {}, matrix {}",
                r.labels.len(),
                r.labels.len(),
                &r.matrix_fingerprint[..12]
            );
            let widest = r.labels.iter().map(|l| width(l)).max().unwrap_or(0);
            for (l, w) in r.labels.iter().zip(&r.weights) {
                println!("  {}  {w:.6}", pad(l, widest));
            }
            let verdict = if r.consistent {
                "consistent: CR < 0.1".to_owned()
            } else if accept {
                "NOT consistent (CR ≥ 0.1), accepted by --accept-inconsistent".to_owned()
            } else {
                "NOT consistent (CR ≥ 0.1): refused".to_owned()
            };
            println!(
                "  λmax = {:.6}, CI = {:.6}, RI({}) = {}, CR = {:.6} ({verdict})",
                r.lambda_max,
                r.ci,
                r.labels.len(),
                r.ri,
                r.cr
            );
        }
        if result.local.len() > 1 {
            println!("\nglobal weights (products down the hierarchy):");
            for g in &result.global {
                let depth = std::iter::successors(g.parent.as_deref(), |p| {
                    result.global.iter().find(|x| x.id == *p).and_then(|x| x.parent.as_deref())
                })
                .count();
                let mark = if g.is_leaf { "" } else { " ▸" };
                println!("  {}{}{mark}  {:.6}  (local {:.6})", "  ".repeat(depth), g.id, g.global, g.local);
            }
        }
    }
    if !refused.is_empty() {
        for (node, r) in refused {
            let at = node.as_deref().map_or("the goal's matrix".to_owned(), |n| format!("node {n}'s matrix"));
            eprintln!(
                "错误：判断矩阵一致性不足 {at}：CR = {:.4} ≥ 0.1 / error: {at} is not consistent enough: CR = {:.4} ≥ 0.1 \
                 (revise the judgements, or --accept-inconsistent)",
                r.cr, r.cr
            );
        }
        return Ok(SOME_FAILED);
    }
    if write.rulebook.is_some() {
        let goal = write.node.as_deref();
        let parts: Vec<NodeWeights> =
            result.local.iter().map(|(n, r)| NodeWeights::from_ahp(n.as_deref().or(goal), r)).collect();
        write_variant(write, &parts)?;
    }
    Ok(0)
}

fn cohort_of(path: &str, c: &CohortArgs, read: &ReadArgs) -> Result<(CohortTable, Vec<Direction>), Fail> {
    let (header, rows) = read_table(path, read)?;
    let columns = list(&c.columns);
    let (t, skipped) = CohortTable::from_table(&header, &rows, columns.as_deref(), c.key.as_deref())
        .map_err(|e| in_file(path, e))?;
    if !skipped.is_empty() {
        eprintln!("提示 note: {path}: not numeric, left out: {}", skipped.join(", "));
    }
    let cost = list(&c.cost).unwrap_or_default();
    for name in &cost {
        if !t.labels().contains(name) {
            return Err(design_fail(DesignError {
                message: format!(
                    "--cost {name}: no such indicator column (columns: {})",
                    t.labels().join(", ")
                ),
            }));
        }
    }
    let directions = t
        .labels()
        .iter()
        .map(|l| if cost.contains(l) { Direction::Cost } else { Direction::Benefit })
        .collect();
    Ok((t, directions))
}

fn by_cohort(path: &str, c: &CohortArgs, write: &WriteArgs, read: &ReadArgs, cv: bool) -> Result<u8, Fail> {
    let (t, directions) = cohort_of(path, c, read)?;
    let r = if cv { design::coefficient_of_variation(&t) } else { design::entropy(&t, &directions) }
        .map_err(design_fail)?;
    for w in &r.warnings {
        eprintln!("提示 note: {w}");
    }
    if write.json {
        println!("{}", serde_json::to_string_pretty(&r).unwrap_or_default());
    } else {
        let name = if cv { "coefficient of variation (变异系数法)" } else { "entropy (熵权法)" };
        println!("{name} over {} units, cohort {}", r.units, &r.cohort_fingerprint[..12]);
        let measure = if cv { "CV" } else { "e" };
        let widest = r.labels.iter().map(|l| width(l)).max().unwrap_or(0);
        for k in 0..r.labels.len() {
            let dir = if cv { String::new() } else { format!("  {:<7}", r.directions[k].to_string()) };
            println!(
                "  {}{dir}  {measure} = {:.6}  weight {:.6}",
                pad(&r.labels[k], widest),
                r.measure[k],
                r.weights[k]
            );
        }
    }
    if write.rulebook.is_some() {
        write_variant(write, &[NodeWeights::from_cohort(write.node.as_deref(), &r)])?;
    }
    Ok(0)
}

fn topsis(path: &str, c: &CohortArgs, weights: &str, json: bool, read: &ReadArgs) -> Result<u8, Fail> {
    let (t, directions) = cohort_of(path, c, read)?;
    let given: Vec<&str> = weights.split([',', '，']).map(str::trim).filter(|s| !s.is_empty()).collect();
    let parse = |s: &str| {
        s.parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .ok_or_else(|| design_fail(DesignError { message: format!("--weights: `{s}` is not a number") }))
    };
    let w: Vec<f64> = if given.iter().any(|g| g.contains('=')) {
        let mut w = vec![None; t.labels().len()];
        for g in &given {
            let (name, v) = g.split_once('=').unwrap_or((g, ""));
            let j = t.labels().iter().position(|l| l == name.trim()).ok_or_else(|| {
                design_fail(DesignError {
                    message: format!(
                        "--weights: no indicator column `{}` (columns: {})",
                        name.trim(),
                        t.labels().join(", ")
                    ),
                })
            })?;
            w[j] = Some(parse(v)?);
        }
        w.iter()
            .zip(t.labels())
            .map(|(x, l)| {
                x.ok_or_else(|| {
                    design_fail(DesignError { message: format!("--weights: no weight for `{l}`") })
                })
            })
            .collect::<Result<_, _>>()?
    } else {
        given.iter().map(|g| parse(g)).collect::<Result<_, _>>()?
    };
    let r = design::topsis(&t, &w, &directions).map_err(design_fail)?;
    for warning in &r.warnings {
        eprintln!("提示 note: {warning}");
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&r).unwrap_or_default());
    } else {
        println!("key,d_plus,d_minus,closeness,rank");
        for row in &r.rows {
            let key = if row.key.contains([',', '"', '\n']) {
                format!("\"{}\"", row.key.replace('"', "\"\""))
            } else {
                row.key.clone()
            };
            println!("{key},{},{},{},{}", row.d_plus, row.d_minus, row.closeness, row.rank);
        }
    }
    Ok(0)
}

/// Write `parts` into a variant of `--rulebook` at `--out`, and say what was written.
fn write_variant(write: &WriteArgs, parts: &[NodeWeights]) -> Result<(), Fail> {
    let (Some(arg), Some(out)) = (&write.rulebook, &write.out) else { return Ok(()) };
    let rb: Rulebook = crate::load::load(arg, &[])?;
    let date = match &write.date {
        Some(d) => d.trim().parse::<Date>().map_err(|_| {
            Fail::unusable(
                format!("--date 应为日期 YYYY-MM-DD，而不是“{d}”"),
                format!("--date must be a date YYYY-MM-DD, not \"{d}\""),
            )
        })?,
        None => design::today(),
    };
    let written_as =
        write.written_as.as_deref().map(str::parse::<WrittenAs>).transpose().map_err(design_fail)?;
    let opts = WriteOptions { written_as, places: write.places, date };
    let v = match design::write::variant(&rb, parts, &opts) {
        Ok(v) => v,
        Err(WriteError::Design(e)) => return Err(design_fail(e)),
        Err(WriteError::Load(e)) => return Err(Fail::rulebook(&e)),
    };
    std::fs::write(out, v.text().unwrap_or_default())
        .map_err(|e| Fail::unusable(format!("无法写入 {out}：{e}"), format!("cannot write {out}: {e}")))?;
    let of = v.variant_of().map(|o| o.changes.join(", ")).unwrap_or_default();
    eprintln!("{out}: {} {} — {of}", v.id(), v.version());
    Ok(())
}
