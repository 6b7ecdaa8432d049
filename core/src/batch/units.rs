//! A batch's values in fixed-point units, one per row, read column-wise: the fast rows from a
//! result column, the rows the interpreter scored (and the failed ones) from their exceptions.

use std::iter::repeat_n;
use std::ops::Range;

use super::{Batch, Exceptions, units_of};
use crate::compile::Compiled;
use crate::eval::columnar::NONE;
use crate::eval::columnar::published::Column;

/// One value per row of a batch in units (`u / 10^scale`): a row's total or its published points
/// at one indicator, `None` where the row has none (failed rows, indicators left out,
/// criteria-only totals). From [`Batch::total_units_iter`] and [`Batch::points_units_iter`].
///
/// Reading it whole (`fold`, and so `for_each`, `collect`, `extend`; or
/// [`append_to`](Units::append_to)) walks the runs of fast rows between exceptions as plain
/// slices, one loop per column type, rather than asking per row whether it is an exception and
/// which type its column is: building a million-row output column is a copy.
pub struct Units<'a> {
    column: Option<Column<'a>>,
    exceptions: &'a Exceptions,
    book: &'a Compiled,
    /// Which value an interpreter-scored row gives: its total (`None`) or its points at a node.
    node: Option<usize>,
    /// The next row, the row after the last, and the next exception's position in `exceptions`.
    row: usize,
    end: usize,
    next: usize,
}

/// A stretch of rows as [`Units::walk`] meets them.
enum Piece {
    /// Fast rows, read from the column.
    Run(Range<usize>),
    /// One exception: its row and its units.
    Exception(usize, Option<i64>),
}

impl<'a> Units<'a> {
    pub(super) fn new(batch: &'a Batch, column: Option<Column<'a>>, node: Option<usize>) -> Units<'a> {
        let book = batch.book.compiled();
        Units { column, exceptions: &batch.exceptions, book, node, row: 0, end: batch.n, next: 0 }
    }

    fn of_exception(&self, k: usize) -> Option<i64> {
        let trace = self.exceptions.results[k].as_ref().ok()?;
        let value = match self.node {
            None => trace.total.as_ref(),
            Some(node) => trace.points.get(node)?.as_ref(),
        };
        value.and_then(|x| units_of(self.book, x))
    }

    /// Folds `f` over the remaining rows in order, a run of fast rows or one exception at a time.
    fn walk<B>(&self, init: B, mut f: impl FnMut(B, Piece) -> B) -> B {
        let mut acc = init;
        let mut from = self.row;
        for k in self.next..self.exceptions.rows.len() {
            let row = self.exceptions.rows[k];
            if row >= self.end {
                break;
            }
            acc = f(acc, Piece::Run(from..row));
            acc = f(acc, Piece::Exception(row, self.of_exception(k)));
            from = row + 1;
        }
        f(acc, Piece::Run(from..self.end))
    }

    /// Appends the remaining rows' units to `out` as `T` (`missing` where a row has none) and
    /// returns the rows that have none, in order. Each run of fast rows is one widening copy
    /// (a loop with no per-row test or capacity check), for filling a buffer such as an Arrow
    /// decimal128 array's.
    pub fn append_to<T>(self, out: &mut Vec<T>, missing: T) -> Vec<usize>
    where
        T: From<u16> + From<i32> + From<i64> + Copy,
    {
        out.reserve(self.len());
        let mut gaps = Vec::new();
        self.walk((), |(), piece| match piece {
            Piece::Exception(_, Some(u)) => out.push(T::from(u)),
            Piece::Exception(row, None) => {
                gaps.push(row);
                out.push(missing);
            }
            Piece::Run(rows) => match self.column {
                Some(Column::Small(c)) if c.len() >= rows.end => {
                    out.extend(c[rows].iter().map(|&u| T::from(u)))
                }
                Some(Column::Narrow(c)) if c.len() >= rows.end => {
                    out.extend(c[rows].iter().map(|&u| T::from(u)))
                }
                Some(Column::Wide(c)) if c.len() >= rows.end => {
                    let run = &c[rows.clone()];
                    let at = out.len();
                    out.extend(run.iter().map(|&u| T::from(u)));
                    // Only a wide column holds `NONE` (see `fold_fast`); one scan finds whether
                    // any is there at all.
                    if run.contains(&NONE) {
                        for (k, _) in run.iter().enumerate().filter(|&(_, &u)| u == NONE) {
                            out[at + k] = missing;
                            gaps.push(rows.start + k);
                        }
                    }
                }
                _ => {
                    out.extend(repeat_n(missing, rows.len()));
                    gaps.extend(rows);
                }
            },
        });
        gaps
    }
}

/// Fold `f` over the fast rows `rows` of `column`.
#[inline]
fn fold_fast<B>(
    column: Option<Column<'_>>,
    rows: Range<usize>,
    acc: B,
    f: &mut impl FnMut(B, Option<i64>) -> B,
) -> B {
    // A fast row's points are never negative, so only a wide column can hold `NONE` (the total
    // of a criteria-only rulebook).
    match column {
        Some(Column::Small(c)) if c.len() >= rows.end => {
            c[rows].iter().fold(acc, |a, &u| f(a, Some(u.into())))
        }
        Some(Column::Narrow(c)) if c.len() >= rows.end => {
            c[rows].iter().fold(acc, |a, &u| f(a, Some(u.into())))
        }
        Some(Column::Wide(c)) if c.len() >= rows.end => {
            c[rows].iter().fold(acc, |a, &u| f(a, (u != NONE).then_some(u)))
        }
        _ => rows.fold(acc, |a, _| f(a, None)),
    }
}

impl Iterator for Units<'_> {
    type Item = Option<i64>;

    fn next(&mut self) -> Option<Option<i64>> {
        if self.row >= self.end {
            return None;
        }
        let i = self.row;
        self.row += 1;
        if self.exceptions.rows.get(self.next) == Some(&i) {
            self.next += 1;
            return Some(self.of_exception(self.next - 1));
        }
        let u = self.column.map_or(NONE, |c| c.at(i));
        Some((u != NONE).then_some(u))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.end - self.row;
        (left, Some(left))
    }

    fn fold<B, F: FnMut(B, Option<i64>) -> B>(self, init: B, mut f: F) -> B {
        let column = self.column;
        self.walk(init, |acc, piece| match piece {
            Piece::Run(rows) => fold_fast(column, rows, acc, &mut f),
            Piece::Exception(_, u) => f(acc, u),
        })
    }
}

impl ExactSizeIterator for Units<'_> {}
