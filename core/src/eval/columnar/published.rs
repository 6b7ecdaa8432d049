//! The published points of a batch's fast rows: one column per indicator over all rows, in one
//! block the caller allocates and the columnar executor fills chunk by chunk (in parallel, each
//! chunk its own disjoint slices).
//!
//! Why one block, allocated up front: a batch keeps these points after scoring. Made per chunk by
//! the worker threads, they filled the workers' allocator arenas, and freeing a batch handed
//! those arenas' memory back to the kernel, so the next batch took a page fault per 4 KiB again
//! (14,000–37,000 per million CAB rows, on the workers: parallel scoring paid them and serial
//! scoring did not).
//!
//! Why narrow: a fast row's points at a node lie in [0, the node's points] (rules clamp; sums and
//! weighted means of clamped children stay inside), so the block holds the narrowest unsigned or
//! signed integers every node's points fit in: `u16` for a 100-point scheme at two places. That
//! is a quarter of the memory to clear, write, keep and read back out.

use crate::par::*;

use super::NONE;

/// `n` copies of `value`, written by every core when `parallel`.
///
/// A batch's result columns take tens of megabytes per million rows, and the allocator often
/// hands back the previous batch's memory, which `vec![0; n]` then clears on the calling thread
/// alone while the other cores wait.
pub fn filled<T: Copy + Send + Sync>(value: T, n: usize, parallel: bool) -> Vec<T> {
    if !parallel {
        return vec![value; n];
    }
    let mut v = Vec::with_capacity(n);
    v.par_extend(crate::par::repeat_n(value, n));
    v
}

/// An integer type a block of points can be held in.
pub trait Unit: Copy + Send + Sync + Default {
    /// The largest number of units it holds (all hold 0).
    const MOST: i64;
    /// `u` truncated to this type (exact for `u` in [0, `MOST`]).
    fn narrow(u: i64) -> Self;
    /// The units held.
    fn wide(self) -> i64;
}

macro_rules! unit {
    ($t:ty) => {
        impl Unit for $t {
            const MOST: i64 = <$t>::MAX as i64;
            #[inline]
            fn narrow(u: i64) -> Self {
                u as $t
            }
            #[inline]
            fn wide(self) -> i64 {
                self as i64
            }
        }
    };
}
unit!(u16);
unit!(i32);
unit!(i64);

/// Node-major columns of one unit type: node `k`'s column is `units[k·rows .. (k+1)·rows]`.
#[derive(Clone, Debug)]
pub struct Block<T> {
    rows: usize,
    units: Vec<T>,
}

/// Published points in units of 10^−scale, in the narrowest type that holds every node's.
#[derive(Clone, Debug)]
pub enum Published {
    Small(Block<u16>),
    Narrow(Block<i32>),
    Wide(Block<i64>),
}

/// One chunk's part of a [`Published`] block: per node, the slice of that node's column.
pub enum Chunk<'a> {
    Small(Vec<&'a mut [u16]>),
    Narrow(Vec<&'a mut [i32]>),
    Wide(Vec<&'a mut [i64]>),
}

/// One node's column, read-only.
#[derive(Clone, Copy)]
pub enum Column<'a> {
    Small(&'a [u16]),
    Narrow(&'a [i32]),
    Wide(&'a [i64]),
}

impl<T: Unit> Block<T> {
    fn new(nodes: usize, rows: usize, parallel: bool) -> Block<T> {
        Block { rows, units: filled(T::default(), nodes.saturating_mul(rows), parallel) }
    }

    /// Always `rows.div_ceil(size)` chunks (with no slices when the block has no columns).
    fn chunks(&mut self, size: usize) -> Vec<Vec<&mut [T]>> {
        let size = size.max(1);
        let mut chunks: Vec<Vec<&mut [T]>> = (0..self.rows.div_ceil(size)).map(|_| Vec::new()).collect();
        for column in self.units.chunks_mut(self.rows.max(1)) {
            for (chunk, part) in chunks.iter_mut().zip(column.chunks_mut(size)) {
                chunk.push(part);
            }
        }
        chunks
    }

    fn column(&self, node: usize) -> Option<&[T]> {
        self.units.get(node.checked_mul(self.rows)?..node.checked_add(1)?.checked_mul(self.rows)?)
    }
}

impl Published {
    /// Zeroed columns for `nodes` nodes of `rows` rows each, in the narrowest type that holds
    /// `most_units` (the most points of any node in any profile, in units); cleared by every core
    /// when `parallel` (see [`filled`]).
    pub fn new(nodes: usize, rows: usize, most_units: i64, parallel: bool) -> Published {
        match most_units {
            u if (0..=u16::MOST).contains(&u) => Published::Small(Block::new(nodes, rows, parallel)),
            u if (0..=i32::MOST).contains(&u) => Published::Narrow(Block::new(nodes, rows, parallel)),
            _ => Published::Wide(Block::new(nodes, rows, parallel)),
        }
    }

    /// No columns (a batch that has no fast rows).
    pub fn empty(rows: usize) -> Published {
        Published::Small(Block { rows, units: Vec::new() })
    }

    /// The block cut into chunks of `size` rows (the last may be shorter), each holding its
    /// slice of every node's column: always `rows.div_ceil(size)` chunks (with no slices when
    /// the block has no columns).
    pub fn chunks(&mut self, size: usize) -> Vec<Chunk<'_>> {
        match self {
            Published::Small(b) => b.chunks(size).into_iter().map(Chunk::Small).collect(),
            Published::Narrow(b) => b.chunks(size).into_iter().map(Chunk::Narrow).collect(),
            Published::Wide(b) => b.chunks(size).into_iter().map(Chunk::Wide).collect(),
        }
    }

    /// Node `node`'s column (`None`: no such column).
    pub fn column(&self, node: usize) -> Option<Column<'_>> {
        match self {
            Published::Small(b) => b.column(node).map(Column::Small),
            Published::Narrow(b) => b.column(node).map(Column::Narrow),
            Published::Wide(b) => b.column(node).map(Column::Wide),
        }
    }
}

impl Column<'_> {
    /// Units at row `i` ([`NONE`]: no such row).
    #[inline]
    pub fn at(&self, i: usize) -> i64 {
        match self {
            Column::Small(c) => c.get(i).map_or(NONE, |&u| u.wide()),
            Column::Narrow(c) => c.get(i).map_or(NONE, |&u| u.wide()),
            Column::Wide(c) => c.get(i).copied().unwrap_or(NONE),
        }
    }
}

/// Whether `u` is a fast row's points that a `T` holds exactly.
fn fits<T: Unit>(u: i64) -> bool {
    (0..=T::MOST).contains(&u)
}

/// Copy a group's units into a chunk's column: `units[j]` to row `at(j)`. Rows already flagged
/// slow (read from the interpreter's result, never from here) may hold anything; a fast row's
/// points fit, since the block's type holds every node's points.
fn put<T: Unit>(dst: &mut [T], units: &[i64], slow: &[bool], at: Option<&[usize]>) {
    match at {
        None => {
            debug_assert!(units.iter().zip(slow).all(|(&u, &s)| s || fits::<T>(u)));
            // A plain truncation, so that the loop vectorises.
            for (d, &u) in dst.iter_mut().zip(units) {
                *d = T::narrow(u);
            }
        }
        Some(at) => {
            for (&k, &u) in at.iter().zip(units) {
                debug_assert!(slow[k] || fits::<T>(u));
                dst[k] = T::narrow(u);
            }
        }
    }
}

impl Chunk<'_> {
    /// Store node `node`'s units for the chunk's rows `0..units.len()`.
    pub fn store(&mut self, node: usize, units: &[i64], slow: &[bool]) {
        self.put(node, units, slow, None);
    }

    /// Store node `node`'s units of a group of the chunk's rows: `units[j]` belongs to chunk row
    /// `at[j]`.
    pub fn scatter(&mut self, node: usize, at: &[usize], units: &[i64], slow: &[bool]) {
        self.put(node, units, slow, Some(at));
    }

    fn put(&mut self, node: usize, units: &[i64], slow: &[bool], at: Option<&[usize]>) {
        match self {
            Chunk::Small(cols) => cols.get_mut(node).map(|d| put(d, units, slow, at)),
            Chunk::Narrow(cols) => cols.get_mut(node).map(|d| put(d, units, slow, at)),
            Chunk::Wide(cols) => cols.get_mut(node).map(|d| put(d, units, slow, at)),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filled_alike_serial_and_parallel() {
        for n in [0, 1, 5000, 100_003] {
            assert_eq!(filled(7u16, n, true), vec![7u16; n]);
            assert_eq!(filled(7u16, n, false), vec![7u16; n]);
        }
    }

    #[test]
    fn the_narrowest_type_that_holds_every_node() {
        let kind = |most| match Published::new(2, 3, most, false) {
            Published::Small(_) => "u16",
            Published::Narrow(_) => "i32",
            Published::Wide(_) => "i64",
        };
        assert_eq!(kind(0), "u16");
        assert_eq!(kind(10_000), "u16");
        assert_eq!(kind(65_535), "u16");
        assert_eq!(kind(65_536), "i32");
        assert_eq!(kind(i32::MAX as i64), "i32");
        assert_eq!(kind(i32::MAX as i64 + 1), "i64");
        assert_eq!(kind(-1), "i64");
    }

    #[test]
    fn chunks_cover_every_node_and_row_once() {
        for most in [100, 100_000, i64::MAX] {
            let (nodes, rows, size) = (3, 10, 4);
            let mut p = Published::new(nodes, rows, most, most == 100);
            let mut chunks = p.chunks(size);
            assert_eq!(chunks.len(), 3);
            for (c, chunk) in chunks.iter_mut().enumerate() {
                let len = size.min(rows - c * size);
                let slow = vec![false; len];
                for node in 0..nodes {
                    let units: Vec<i64> = (0..len).map(|k| (node * 100 + c * size + k) as i64).collect();
                    chunk.store(node, &units, &slow);
                }
            }
            for node in 0..nodes {
                let col = p.column(node).unwrap();
                for i in 0..rows {
                    assert_eq!(col.at(i), (node * 100 + i) as i64);
                }
                assert_eq!(col.at(rows), NONE);
            }
            assert!(p.column(nodes).is_none());
        }
        let mut none = Published::empty(10);
        assert_eq!(none.chunks(4).len(), 3);
        assert!(none.column(0).is_none());
    }

    #[test]
    fn scatter_puts_each_value_at_its_row() {
        for most in [100, 100_000, i64::MAX] {
            let mut p = Published::new(1, 4, most, false);
            {
                let mut chunks = p.chunks(8);
                chunks[0].store(0, &[7, 7, 7, 7], &[false; 4]);
                chunks[0].scatter(0, &[3, 1], &[0, 100], &[false; 4]);
            }
            let col = p.column(0).unwrap();
            assert_eq!((0..4).map(|i| col.at(i)).collect::<Vec<_>>(), [7, 100, 7, 0]);
        }
    }

    /// A slow row's value is never read back, so it may be anything; a fast row's must fit.
    #[test]
    fn only_slow_rows_may_hold_what_does_not_fit() {
        let mut p = Published::new(1, 2, 100, false);
        p.chunks(8)[0].store(0, &[1, 70_000], &[false, true]);
        assert_eq!(p.column(0).unwrap().at(0), 1);
    }

    #[test]
    #[cfg(debug_assertions)]
    #[should_panic]
    fn a_fast_row_that_does_not_fit_is_a_bug() {
        let mut p = Published::new(1, 2, 100, false);
        p.chunks(8)[0].store(0, &[1, 70_000], &[false, false]);
    }
}
