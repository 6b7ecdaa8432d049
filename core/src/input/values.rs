//! A column's values: a vector the column owns, or memory it shares with whoever filled it — an
//! Arrow array's buffers handed over from Python, in as many pieces as the table has chunks —
//! so that scoring a table does not first copy every number in it.

use std::borrow::Cow;
use std::fmt;
use std::ops::{Index, Range};
use std::sync::Arc;

/// One run of values in memory that someone else filled and that lives as long as it is shared
/// (an Arrow `ScalarBuffer`, a NumPy array's buffer…).
pub type Piece<T> = Arc<dyn AsRef<[T]> + Send + Sync>;

/// The values of one column, in row order: owned (`Vec<T>`, from `vec.into()`) or shared
/// ([`Values::shared`]). Read by row ([`get`](Values::get), indexing), by run of rows
/// ([`run`](Values::run): borrowed unless the run crosses pieces) or all at once
/// ([`iter`](Values::iter)).
#[derive(Clone)]
pub struct Values<T: 'static>(Repr<T>);

#[derive(Clone)]
enum Repr<T: 'static> {
    Owned(Vec<T>),
    /// Non-empty pieces in row order and the row each starts at (`starts[0] == 0`, increasing).
    Shared {
        pieces: Vec<Piece<T>>,
        starts: Vec<usize>,
        len: usize,
    },
}

impl<T: 'static> Values<T> {
    /// Values in pieces shared with their owner, read as one column in the pieces' order.
    pub fn shared(pieces: impl IntoIterator<Item = Piece<T>>) -> Values<T> {
        let (mut kept, mut starts, mut len) = (Vec::new(), Vec::new(), 0);
        for p in pieces {
            let n = (*p).as_ref().len();
            if n > 0 {
                starts.push(len);
                kept.push(p);
                len += n;
            }
        }
        Values(Repr::Shared { pieces: kept, starts, len })
    }

    /// How many values.
    pub fn len(&self) -> usize {
        match &self.0 {
            Repr::Owned(v) => v.len(),
            Repr::Shared { len, .. } => *len,
        }
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The value of row `i`, if there is one.
    #[inline]
    pub fn get(&self, i: usize) -> Option<&T> {
        match &self.0 {
            Repr::Owned(v) => v.get(i),
            Repr::Shared { pieces, starts, len } if i < *len => {
                // The last piece starting at or before i (starts[0] == 0, so there is one).
                let k = starts.partition_point(|&s| s <= i) - 1;
                (*pieces[k]).as_ref().get(i - starts[k])
            }
            Repr::Shared { .. } => None,
        }
    }

    /// The values as runs of memory, in row order (one for an owned column).
    pub fn pieces(&self) -> impl Iterator<Item = &[T]> + '_ {
        let (owned, shared) = match &self.0 {
            Repr::Owned(v) => (Some(v.as_slice()), None),
            Repr::Shared { pieces, .. } => (None, Some(pieces.iter().map(|p| (**p).as_ref()))),
        };
        owned.into_iter().chain(shared.into_iter().flatten())
    }

    /// Every value in row order.
    pub fn iter(&self) -> impl Iterator<Item = &T> + '_ {
        self.pieces().flatten()
    }
}

impl<T: Clone + 'static> Values<T> {
    /// Rows `rows` as one slice: borrowed when they lie in one piece (always, for an owned
    /// column), gathered when they cross from one piece into the next.
    ///
    /// # Panics
    /// When `rows` reaches past the last row, as slicing does.
    pub fn run(&self, rows: Range<usize>) -> Cow<'_, [T]> {
        match &self.0 {
            Repr::Owned(v) => Cow::Borrowed(&v[rows]),
            Repr::Shared { pieces, starts, len } => {
                assert!(rows.start <= rows.end && rows.end <= *len, "rows {rows:?} of {len}");
                if rows.is_empty() {
                    return Cow::Borrowed(&[]);
                }
                let k = starts.partition_point(|&s| s <= rows.start) - 1;
                let piece = (*pieces[k]).as_ref();
                let from = rows.start - starts[k];
                if from + rows.len() <= piece.len() {
                    return Cow::Borrowed(&piece[from..from + rows.len()]);
                }
                let mut out = Vec::with_capacity(rows.len());
                out.extend_from_slice(&piece[from..]);
                for p in &pieces[k + 1..] {
                    let p = (**p).as_ref();
                    let want = rows.len() - out.len();
                    out.extend_from_slice(&p[..want.min(p.len())]);
                    if out.len() == rows.len() {
                        break;
                    }
                }
                Cow::Owned(out)
            }
        }
    }

    /// The values as one vector the caller owns (a copy, unless owned already and `self` is
    /// given up).
    pub fn into_vec(self) -> Vec<T> {
        match self.0 {
            Repr::Owned(v) => v,
            Repr::Shared { .. } => self.iter().cloned().collect(),
        }
    }
}

impl<T: 'static> From<Vec<T>> for Values<T> {
    fn from(v: Vec<T>) -> Values<T> {
        Values(Repr::Owned(v))
    }
}

impl<T: 'static> FromIterator<T> for Values<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Values<T> {
        Values(Repr::Owned(iter.into_iter().collect()))
    }
}

impl<T: 'static> Index<usize> for Values<T> {
    type Output = T;

    /// # Panics
    /// When row `i` is past the last, as slices do.
    #[inline]
    fn index(&self, i: usize) -> &T {
        match &self.0 {
            Repr::Owned(v) => &v[i],
            Repr::Shared { len, .. } => self.get(i).unwrap_or_else(|| panic!("row {i} of a column of {len}")),
        }
    }
}

/// Equal when the values are, however each side holds them.
impl<T: PartialEq + 'static> PartialEq for Values<T> {
    fn eq(&self, other: &Values<T>) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl<T: fmt::Debug + 'static> fmt::Debug for Values<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(parts: &[&[i64]]) -> Values<i64> {
        Values::shared(parts.iter().map(|p| Arc::new(p.to_vec()) as Piece<i64>))
    }

    #[test]
    fn shared_pieces_read_as_one_column() {
        let v = pieces(&[&[1, 2, 3], &[], &[4], &[5, 6]]);
        let owned: Values<i64> = vec![1, 2, 3, 4, 5, 6].into();
        assert_eq!(v.len(), 6);
        assert_eq!((0..6).map(|i| v[i]).collect::<Vec<_>>(), [1, 2, 3, 4, 5, 6]);
        assert_eq!(v.get(6), None);
        assert_eq!(v, owned);
        assert_eq!(v.pieces().count(), 3, "the empty piece is dropped");
        assert_eq!(format!("{v:?}"), "[1, 2, 3, 4, 5, 6]");
        assert_eq!(v.clone().into_vec(), [1, 2, 3, 4, 5, 6]);
    }

    #[test]
    fn a_run_is_borrowed_inside_a_piece_and_gathered_across() {
        let v = pieces(&[&[1, 2, 3], &[4], &[5, 6]]);
        assert!(matches!(v.run(1..3), Cow::Borrowed([2, 3])));
        assert!(matches!(v.run(3..4), Cow::Borrowed([4])));
        assert!(matches!(v.run(4..6), Cow::Borrowed([5, 6])));
        assert!(matches!(v.run(6..6), Cow::Borrowed([])));
        for a in 0..6 {
            for b in a..=6 {
                assert_eq!(*v.run(a..b), [1, 2, 3, 4, 5, 6][a..b], "rows {a}..{b}");
            }
        }
        assert!(matches!(v.run(2..5), Cow::Owned(_)));
    }

    #[test]
    #[should_panic(expected = "rows 5..7 of 6")]
    fn a_run_past_the_end_panics_like_a_slice() {
        let _ = pieces(&[&[1, 2, 3], &[4, 5, 6]]).run(5..7);
    }

    #[test]
    fn no_pieces_is_an_empty_column() {
        let v = pieces(&[]);
        assert!(v.is_empty());
        assert_eq!(v.get(0), None);
        assert_eq!(v, Values::from(Vec::new()));
    }
}
