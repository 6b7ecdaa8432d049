//! A comparison as one table, one row per unit: the columns every surface writes (the command's
//! CSV and .xlsx, Python's `to_arrow`/`to_pandas`), decided here once so that they agree.

use rust_decimal::Decimal;
use serde::Serialize;

use super::Comparison;
use super::unit::UnitDiff;

/// What a column holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CellKind {
    /// Whole numbers (the row number).
    Integer,
    /// Exact decimals (totals, changes, points); at most [`Comparison::scale`] places.
    Decimal,
    /// Text.
    Text,
    /// true or false.
    Boolean,
}

/// One cell (`None` in a column: empty).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Cell {
    /// A whole number.
    Integer(u64),
    /// An exact decimal.
    Decimal(Decimal),
    /// Text.
    Text(String),
    /// A truth value.
    Boolean(bool),
}

/// One column of the per-unit table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Column {
    /// Its name (`old_total`, `delta.help.income`, …).
    pub name: String,
    /// What it holds.
    pub kind: CellKind,
    /// One cell per unit, in input order.
    pub cells: Vec<Option<Cell>>,
}

impl Comparison {
    /// The per-unit table: `row`, `key`, `profile` (when either rulebook has profiles),
    /// `old_total`, `new_total`, `delta`, `old_grade`, `new_grade` (with grades), `old_passed`,
    /// `new_passed`, `criteria_changed` (with criteria: the ids of those whose verdict changed,
    /// joined by `;`), `old_state`, `new_state`, `vetoes_started`,
    /// `vetoes_stopped` (with vetoes; ids joined by `;`), `delta.<id>` for every indicator of
    /// either rulebook (new − old published points, an indicator missing or left out counting
    /// 0; empty when either side failed), the parts of the attribution that are not indicators
    /// (`attribution.rescale`, `.bonus`, `.penalty`, `.clamp`, `.rounding`, `.vetoes`; a top-level
    /// indicator's part is its `delta.<id>`), and each side's `error_kind` and `error`.
    ///
    /// ```
    /// use kaoping::{CompareOptions, Comparison, Rulebook};
    /// let old = Rulebook::builtin("example.county-assessment").unwrap();
    /// let new = old.with_params(&[("income_target@凉山彝区", "6")]).unwrap(); // 6 of 8 → 6 of 6
    /// let mut r = old.record();
    /// for (k, v) in [("population", 100_000), ("poor_population", 3_000), ("sampled", 320), ("satisfied", 266)] {
    ///     r.set(k, v);
    /// }
    /// r.set("county", "示例县");
    /// r.set("region", "凉山彝区");
    /// r.set("income_growth", 6);
    /// let c = Comparison::records(&old, &new, &[r], &CompareOptions::default());
    /// let table = c.table();
    /// let delta = table.iter().find(|c| c.name == "delta").unwrap();
    /// assert_eq!(delta.cells[0], Some(kaoping::compare::Cell::Decimal("5.00".parse().unwrap())));
    /// ```
    pub fn table(&self) -> Vec<Column> {
        let u = &self.units;
        let mut out = Vec::new();
        let mut add = |name: &str, kind: CellKind, f: &dyn Fn(&UnitDiff) -> Option<Cell>| {
            out.push(Column { name: name.to_owned(), kind, cells: u.iter().map(f).collect() });
        };
        let dec = |d: Option<Decimal>| d.map(Cell::Decimal);
        let text = |t: Option<&String>| t.map(|t| Cell::Text(t.clone()));
        let list = |v: &[String]| (!v.is_empty()).then(|| Cell::Text(v.join(";")));
        let shape = &self.either;
        add("row", CellKind::Integer, &|x| Some(Cell::Integer(x.row as u64)));
        add("key", CellKind::Text, &|x| Some(Cell::Text(x.key.clone())));
        if shape.profiles {
            add("profile", CellKind::Text, &|x| text(x.profile.as_ref()));
        }
        add("old_total", CellKind::Decimal, &|x| dec(x.old.total));
        add("new_total", CellKind::Decimal, &|x| dec(x.new.total));
        add("delta", CellKind::Decimal, &|x| dec(x.delta));
        if shape.grades {
            add("old_grade", CellKind::Text, &|x| text(x.old.grade.as_ref()));
            add("new_grade", CellKind::Text, &|x| text(x.new.grade.as_ref()));
        }
        if shape.criteria {
            add("old_passed", CellKind::Boolean, &|x| x.old.passed.map(Cell::Boolean));
            add("new_passed", CellKind::Boolean, &|x| x.new.passed.map(Cell::Boolean));
            add("criteria_changed", CellKind::Text, &|x| {
                let ids: Vec<String> = x.criteria_changed.iter().map(|c| c.id.clone()).collect();
                list(&ids)
            });
        }
        add("old_state", CellKind::Text, &|x| Some(Cell::Text(x.old.state.label())));
        add("new_state", CellKind::Text, &|x| Some(Cell::Text(x.new.state.label())));
        if shape.vetoes {
            add("vetoes_started", CellKind::Text, &|x| list(&x.vetoes_started));
            add("vetoes_stopped", CellKind::Text, &|x| list(&x.vetoes_stopped));
        }
        for (k, ind) in self.indicators.iter().enumerate() {
            add(&format!("delta.{}", ind.id), CellKind::Decimal, &|x| dec(indicator_delta(x, k)));
        }
        type Part = fn(&super::Attribution) -> Decimal;
        let parts: [(&str, Part); 6] = [
            ("attribution.rescale", |a| a.rescale),
            ("attribution.bonus", |a| a.bonus),
            ("attribution.penalty", |a| a.penalty),
            ("attribution.clamp", |a| a.clamp),
            ("attribution.rounding", |a| a.rounding),
            ("attribution.vetoes", |a| a.vetoes),
        ];
        for (name, part) in parts {
            add(name, CellKind::Decimal, &|x| x.attribution.as_ref().map(|a| Cell::Decimal(part(a))));
        }
        let kind = |s: &super::Side| s.error_kind.map(|k| Cell::Text(k.name().to_owned()));
        add("old_error_kind", CellKind::Text, &|x| kind(&x.old));
        add("old_error", CellKind::Text, &|x| text(x.old.error.as_ref()));
        add("new_error_kind", CellKind::Text, &|x| kind(&x.new));
        add("new_error", CellKind::Text, &|x| text(x.new.error.as_ref()));
        out
    }
}

/// new − old published points of indicator `k` (missing or left out: 0), when both sides scored.
fn indicator_delta(u: &UnitDiff, k: usize) -> Option<Decimal> {
    use super::State;
    if u.old.state == State::Failed || u.new.state == State::Failed {
        return None;
    }
    let (x, y) = u.points[k];
    Some(y.unwrap_or_default() - x.unwrap_or_default())
}
