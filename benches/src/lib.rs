//! Shared pieces of the CAB benchmarks: loading the generator's CSV into typed records, exactly
//! as an application holding typed data would hand them to kaoping.

use std::path::{Path, PathBuf};

use kaoping::{Column, ColumnData, Columns, Record, Rulebook, Value};
use rust_decimal::Decimal;

/// The allocator the `kaoping` command and the Python module ship with, for every benchmark that
/// links this crate (`cab-compare`, `cab-quick`, the criterion benches). Under glibc's malloc each
/// batch's result columns (tens of MB) were mapped and faulted in afresh on every run, which cost
/// the all-cores run most (746,363 minor faults in one run of `cab-compare`): an A/B of
/// `python/benches/core_cab` measured all cores over one 1.63× under glibc and 1.83× under
/// mimalloc (decimal128, medians of 5 alternating runs), one core alike.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The median of `times` (the upper middle one of an even count), as every benchmark here
/// reports its runs.
pub fn median(mut times: Vec<f64>) -> f64 {
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

/// `shared/bench/` next to the repository.
pub fn shared_bench() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.join("../../shared/bench")
}

/// The CAB rulebook.
pub fn cab_rulebook() -> Rulebook {
    Rulebook::from_file(shared_bench().join("cab.toml")).expect("cab.toml loads")
}

/// Parse a CAB CSV (from `gen.py`) into typed records: integers, exact decimals, booleans, text.
pub fn load_cab(rb: &Rulebook, path: &Path) -> Vec<Record> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let index: Vec<usize> = header.iter().map(|h| rb.input_index(h).expect("a CAB column")).collect();
    let types: Vec<String> = rb.inputs().into_iter().map(|i| i.ty).collect();
    lines
        .map(|line| {
            let mut r = rb.record();
            for (k, cell) in line.split(',').enumerate() {
                let i = index[k];
                let v = match types[i].as_str() {
                    "integer" => Value::Integer(cell.parse().expect("integer")),
                    "decimal" => Value::Decimal(Decimal::from_str_exact(cell).expect("decimal")),
                    "boolean" => Value::Bool(cell == "true"),
                    _ => Value::Text(cell.to_owned()),
                };
                r.set_at(i, v);
            }
            r
        })
        .collect()
}

/// Parse a CAB CSV into typed columns (what a DataFrame or an Arrow table holds): integers,
/// fixed-point cents, booleans, and the region as dictionary-encoded text.
pub fn load_cab_columns(path: &Path) -> Columns {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let mut cols = Columns::new(rows.len());
    for (k, name) in header.iter().enumerate() {
        let cells = rows.iter().map(|r| r[k]);
        let data = match *name {
            "region" => {
                let mut dict: Vec<String> = Vec::new();
                let codes = cells
                    .map(|c| match dict.iter().position(|d| d == c) {
                        Some(i) => i as u32,
                        None => {
                            dict.push(c.to_owned());
                            dict.len() as u32 - 1
                        }
                    })
                    .collect();
                ColumnData::Dict { codes, dict }
            }
            "income_growth" | "funds_allocated" | "funds_spent" => ColumnData::Fixed {
                mantissa: cells.map(|c| Decimal::from_str_exact(c).expect("decimal").mantissa()).collect(),
                scale: 2,
            },
            "falsified" | "has_housing" | "has_education" | "has_medical" | "has_water" | "has_power"
            | "has_broadcast" => ColumnData::Bool(cells.map(|c| c == "true").collect()),
            _ => ColumnData::Int(cells.map(|c| c.parse().expect("integer")).collect()),
        };
        cols.push(*name, Column::new(data)).expect("column fits");
    }
    cols
}
