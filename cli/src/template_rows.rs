//! The rows `kaoping template` writes under a table's header, and how every reader of tables
//! (`score`, `explain`, `diff`, items tables) knows them: a notes row (说明行) whose first cell
//! begins with 【说明】 and an example row (示例行) whose first cell begins with 【示例】, directly
//! below the header. They are skipped, so a filled template is scored unchanged; a marked row
//! anywhere else is data (and fails as data would), so nothing is dropped silently.

use kaoping::table::CsvRow;

/// The first cell of a template's notes row begins with this.
pub const NOTES: &str = "【说明】";
/// The first cell of a template's example row begins with this.
pub const EXAMPLE: &str = "【示例】";

/// Whether a row is a template's notes or example row (its first cell begins with a marker).
pub fn is_marked(cells: &[String]) -> bool {
    cells.first().is_some_and(|c| {
        let c = c.trim_start();
        c.starts_with(NOTES) || c.starts_with(EXAMPLE)
    })
}

/// The rows with the template's notes and example rows left out: only those directly below the
/// header (the first rows given), as the template writes them.
pub fn skip_leading(mut rows: Vec<CsvRow>) -> Vec<CsvRow> {
    let n = rows.iter().take_while(|r| is_marked(&r.cells)).count();
    rows.drain(..n);
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(line: usize, first: &str) -> CsvRow {
        CsvRow { line, cells: vec![first.to_owned(), "1".to_owned()] }
    }

    #[test]
    fn only_the_leading_marked_rows_are_skipped() {
        let rows =
            vec![row(2, "【说明】县名"), row(3, " 【示例】甲县"), row(4, "乙县"), row(5, "【示例】丙县")];
        let kept = skip_leading(rows);
        assert_eq!(kept.iter().map(|r| r.line).collect::<Vec<_>>(), [4, 5]);
        assert!(!is_marked(&[]));
        assert!(!is_marked(&["说明".to_owned()]));
    }
}
