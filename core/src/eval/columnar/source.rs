//! Where the batch path reads input values — records or columns ([`RowSource`]) — and how a group
//! of rows' inputs become slot columns: typed columns with a loop per storage type, everything
//! else cell by cell. Type, range and allowed values are checked on the way; a cell the fast path
//! cannot take leaves a placeholder and flags its row for the interpreter, which says why.

use std::borrow::Cow;
use std::cmp::Ordering;

use super::expr::Slot;
use super::plan::Plan;
use crate::compile::Compiled;
use crate::input::{DefaultDoc, InputType, Record, Value, Values};
use crate::num::{self, Fraction, Num, POW10_I64};
use crate::vector::UNKNOWN_TEXT;

/// One input value of one row, as a source holds it.
pub enum Cell<'a> {
    /// No value.
    Missing,
    /// A whole number.
    Int(i64),
    /// A fixed-point decimal `mantissa / 10^scale`.
    Fixed(i128, u32),
    /// A decimal.
    Decimal(&'a rust_decimal::Decimal),
    /// A float (converted by its shortest round-trip text).
    Float(f64),
    /// A boolean.
    Bool(bool),
    /// Text (for non-text inputs: a cell read by the input's type).
    Text(&'a str),
    /// Anything else (a list): only the interpreter reads it.
    Other,
}

/// Where the fast path reads input values: typed records, or columns.
pub trait RowSource: Sync {
    /// Rows in the source.
    fn len(&self) -> usize;
    /// Input `ix` of row `row`.
    fn cell(&self, ix: usize, row: usize) -> Cell<'_>;
    /// Whether input `ix` of row `row` had a decoding problem (the interpreter reports it).
    fn broken(&self, ix: usize, row: usize) -> bool;
    /// The whole column of input `ix`, when the source holds columns (loaded with typed loops).
    fn column(&self, _ix: usize) -> Option<Option<&crate::input::Column>> {
        None
    }
}

/// Records as a source.
pub struct Records<'a>(pub &'a [std::borrow::Cow<'a, Record>]);

impl RowSource for Records<'_> {
    fn len(&self) -> usize {
        self.0.len()
    }

    #[inline]
    fn cell(&self, ix: usize, row: usize) -> Cell<'_> {
        match &self.0[row].values[ix] {
            None => Cell::Missing,
            Some(Value::Integer(v)) => Cell::Int(*v),
            Some(Value::Decimal(d)) => Cell::Decimal(d),
            Some(Value::Bool(b)) => Cell::Bool(*b),
            Some(Value::Text(t)) => Cell::Text(t),
            Some(_) => Cell::Other,
        }
    }

    #[inline]
    fn broken(&self, ix: usize, row: usize) -> bool {
        decode_issue(&self.0[row], ix)
    }
}

/// Columns bound to a rulebook's inputs, as a source.
pub struct ColumnSource<'a> {
    /// The columns.
    pub columns: &'a crate::input::Columns,
    /// For each input, the column that fills it.
    pub binding: &'a [Option<usize>],
}

impl RowSource for ColumnSource<'_> {
    fn len(&self) -> usize {
        self.columns.len()
    }

    #[inline]
    fn cell(&self, ix: usize, row: usize) -> Cell<'_> {
        use crate::input::ColumnData as D;
        let Some(ci) = self.binding[ix] else { return Cell::Missing };
        let col = &self.columns.columns()[ci].1;
        if col.is_null(row) {
            return Cell::Missing;
        }
        match &col.data {
            D::Int(v) => Cell::Int(v[row]),
            D::Int32(v) => Cell::Int(v[row].into()),
            D::Fixed { mantissa, scale } => Cell::Fixed(mantissa[row], *scale),
            D::Decimal(v) => Cell::Decimal(&v[row]),
            D::Float(v) => Cell::Float(v[row]),
            D::Bool(v) => Cell::Bool(v[row]),
            D::Text(v) => Cell::Text(&v[row]),
            D::Dict { codes, dict } => Cell::Text(&dict[codes[row] as usize]),
        }
    }

    fn broken(&self, _ix: usize, _row: usize) -> bool {
        false
    }

    fn column(&self, ix: usize) -> Option<Option<&crate::input::Column>> {
        Some(self.binding[ix].map(|ci| &self.columns.columns()[ci].1))
    }
}

/// Load a typed column with a loop per storage type; `None` when the storage needs the per-cell
/// path (text read as numbers, mixed types…).
pub(super) fn load_typed<'s>(
    plan: &Plan,
    input: &crate::input::Input,
    col: &'s crate::input::Column,
    rows: &[usize],
    slow: &mut [bool],
) -> Option<Slot<'s>> {
    use crate::input::ColumnData as D;
    let null = |row: usize| col.nulls.as_ref().is_some_and(|m| m[row]);
    // A missing value needs the default or the interpreter: leave those to the per-cell path.
    if col.nulls.is_some() && rows.iter().any(|&r| null(r)) {
        return None;
    }
    // Bounds must fit the fast path; a value outside them goes to the interpreter.
    let bound = |b: &Option<Num>| b.as_ref().map(|m| Fraction::of(m).ok_or(()));
    let (lo, hi) = (bound(&input.min), bound(&input.max));
    if matches!(lo, Some(Err(()))) || matches!(hi, Some(Err(()))) {
        return None;
    }
    let in_range = |q: Fraction| within(lo, hi, q);
    match (&col.data, input.ty) {
        (D::Int(v), InputType::Integer | InputType::Decimal) => {
            let (lo, hi) = whole_bounds(lo, hi, 1)?;
            let values = pick_values(v, rows);
            flag_outside(values.iter().copied(), lo, hi, &mut slow[..rows.len()]);
            Some(Slot::Whole(values))
        }
        (D::Int32(v), InputType::Integer | InputType::Decimal) => {
            // Widened here, a chunk at a time, while the chunk is in cache.
            let (lo, hi) = whole_bounds(lo, hi, 1)?;
            let values: Vec<i64> = pick_values(v, rows).iter().map(|&x| i64::from(x)).collect();
            flag_outside(values.iter().copied(), lo, hi, &mut slow[..rows.len()]);
            Some(Slot::Whole(Cow::Owned(values)))
        }
        (D::Float(v), InputType::Decimal | InputType::Integer) => {
            // Floats as their shortest text says (the usual few places without formatting); a
            // float that has none of those, a fraction for an integer, NaN: the interpreter.
            let integer = input.ty == InputType::Integer;
            let mut out = Vec::with_capacity(rows.len());
            for (k, f) in num::floats_fixed(&pick_values(v, rows)).into_iter().enumerate() {
                let q = f.and_then(|(m, s)| Some(Fraction { n: m, d: *POW10_I64.get(s as usize)? }));
                out.push(match q {
                    Some(q) if (!integer || q.d == 1) && in_range(q) => q,
                    _ => {
                        slow[k] = true;
                        Fraction::ZERO
                    }
                });
            }
            Some(Slot::Nums(out))
        }
        (D::Decimal(v), InputType::Decimal) => {
            let mut out = Vec::with_capacity(rows.len());
            for (k, &r) in rows.iter().enumerate() {
                out.push(match Fraction::of_decimal(&v[r]) {
                    Some(q) if in_range(q) => q,
                    _ => {
                        slow[k] = true;
                        Fraction::ZERO
                    }
                });
            }
            Some(Slot::Nums(out))
        }
        (D::Fixed { mantissa, scale: 0 }, InputType::Integer) => {
            let mut out = Vec::with_capacity(rows.len());
            for (k, &m) in pick_values(mantissa, rows).iter().enumerate() {
                out.push(match i64::try_from(m) {
                    Ok(n) if in_range(Fraction { n, d: 1 }) => n,
                    _ => {
                        slow[k] = true;
                        0
                    }
                });
            }
            Some(Slot::Whole(Cow::Owned(out)))
        }
        (D::Fixed { mantissa, scale }, InputType::Decimal) => {
            // Bounds on the mantissa (whole numbers of 10^−scale), tested as for integers.
            let d = *POW10_I64.get(*scale as usize)?;
            let (lo, hi) = whole_bounds(lo, hi, d)?;
            let mantissa = pick_values(mantissa, rows);
            let mut wide = false;
            let out: Vec<Fraction> = mantissa
                .iter()
                .map(|&m| {
                    let n = m as i64;
                    wide |= i128::from(n) != m;
                    Fraction { n, d }
                })
                .collect();
            let slow = &mut slow[..rows.len()];
            if wide {
                for (sl, &m) in slow.iter_mut().zip(mantissa.iter()) {
                    *sl |= i64::try_from(m).is_err();
                }
            }
            flag_outside(out.iter().map(|q| q.n), lo, hi, slow);
            Some(Slot::Nums(out))
        }
        (D::Bool(v), InputType::Boolean) => Some(Slot::Bools(pick(v, rows))),
        (D::Dict { codes, dict }, InputType::Text) => {
            // Decide each distinct value once: allowed, and its id among the rulebook's texts.
            let ids: Vec<Option<u32>> = dict
                .iter()
                .map(|t| {
                    let t = t.trim();
                    input
                        .values
                        .as_ref()
                        .is_none_or(|vs| vs.iter().any(|v| v == t))
                        .then(|| plan.texts.get(t).copied().unwrap_or(UNKNOWN_TEXT))
                })
                .collect();
            let mut out = Vec::with_capacity(rows.len());
            for (k, &r) in rows.iter().enumerate() {
                out.push(match ids.get(codes[r] as usize).copied().flatten() {
                    Some(id) => id,
                    None => {
                        slow[k] = true;
                        UNKNOWN_TEXT
                    }
                });
            }
            Some(Slot::Texts(out))
        }
        _ => None,
    }
}

/// An input's bounds as bounds on whole numbers of 1/`d`: n ≥ ⌈lo·d⌉ and n ≤ ⌊hi·d⌋ (`None`:
/// no `i64` can pass, and the interpreter says why).
pub(super) fn whole_bounds(
    lo: Option<Result<Fraction, ()>>,
    hi: Option<Result<Fraction, ()>>,
    d: i64,
) -> Option<(i64, i64)> {
    let scaled = |q: Fraction| (i128::from(q.n) * i128::from(d), i128::from(q.d));
    // A lower bound below i64::MIN or an upper one above i64::MAX bounds nothing.
    let lo = match lo {
        None => i64::MIN,
        Some(b) => {
            let (m, e) = scaled(b.ok()?);
            let least = m.div_euclid(e) + i128::from(m.rem_euclid(e) != 0);
            i64::try_from(least.max(i128::from(i64::MIN))).ok()?
        }
    };
    let hi = match hi {
        None => i64::MAX,
        Some(b) => {
            let (m, e) = scaled(b.ok()?);
            i64::try_from(m.div_euclid(e).min(i128::from(i64::MAX))).ok()?
        }
    };
    (lo <= hi).then_some((lo, hi))
}

/// Flag the values outside [lo, hi] (lo ≤ hi).
pub(super) fn flag_outside(values: impl Iterator<Item = i64> + Clone, lo: i64, hi: i64, slow: &mut [bool]) {
    // Usually every value is within, and one test on the whole column says so: n − lo and
    // hi − n non-negative for every n (wrapping), which vectorises where a 64-bit comparison
    // per row does not (baseline x86-64 has none). A value outside cannot pass: above hi,
    // hi − n is negative unless it wraps, which takes n − hi > 2^63, and then n − lo ≥ n − hi
    // wraps to a negative instead; below lo the same with the roles swapped.
    let signs = values.clone().fold(0i64, |acc, n| acc | n.wrapping_sub(lo) | hi.wrapping_sub(n));
    if signs >= 0 {
        return;
    }
    // lo ≤ n ≤ hi as one unsigned comparison: n − lo wraps to a large number below lo.
    let span = hi.wrapping_sub(lo) as u64;
    for (sl, n) in slow.iter_mut().zip(values) {
        *sl |= n.wrapping_sub(lo) as u64 > span;
    }
}

/// A column's values at `rows`: borrowed as they are when the rows are one consecutive run (a
/// chunk scored in one pass), else gathered.
pub(super) fn pick<'s, T: Copy>(v: &'s [T], rows: &[usize]) -> Cow<'s, [T]> {
    match consecutive(rows) {
        Some(run) => Cow::Borrowed(&v[run]),
        None => Cow::Owned(rows.iter().map(|&r| v[r]).collect()),
    }
}

/// [`pick`] for numbers that may live in shared pieces (an Arrow table's chunks): a run that
/// crosses from one piece into the next is gathered.
pub(super) fn pick_values<'s, T: Copy>(v: &'s Values<T>, rows: &[usize]) -> Cow<'s, [T]> {
    match consecutive(rows) {
        Some(run) => v.run(run),
        None => Cow::Owned(rows.iter().map(|&r| v[r]).collect()),
    }
}

/// `rows` (increasing, as every caller builds them) as a range when they have no gaps.
pub(super) fn consecutive(rows: &[usize]) -> Option<std::ops::Range<usize>> {
    match (rows.first(), rows.last()) {
        (Some(&a), Some(&b)) if b.checked_sub(a) == Some(rows.len() - 1) => Some(a..b + 1),
        _ => None,
    }
}

/// Whether the record has a decoding problem on input `ix`.
#[inline]
pub(super) fn decode_issue(r: &Record, ix: usize) -> bool {
    !r.decode.is_empty() && r.decode.iter().any(|(s, _)| *s as usize == ix)
}

/// A numeric cell as a small rational (`None`: not a number the fast path can hold).
#[inline]
pub(super) fn cell_q(cell: &Cell<'_>, integer: bool) -> Option<Option<Fraction>> {
    let q = match cell {
        Cell::Missing => return Some(None),
        Cell::Int(v) => Some(Fraction { n: *v, d: 1 }),
        Cell::Fixed(m, s) => {
            i64::try_from(*m).ok().and_then(|m| Some(Fraction { n: m, d: *POW10_I64.get(*s as usize)? }))
        }
        Cell::Decimal(d) => Fraction::of_decimal(d),
        Cell::Float(x) => num::decimal_from_f64(*x).ok().as_ref().and_then(Fraction::of_decimal),
        Cell::Text(t) => {
            if integer {
                num::parse_integer_text(t).ok().map(|v| Fraction { n: v, d: 1 })
            } else {
                num::parse_decimal_text(t).ok().as_ref().and_then(Fraction::of_decimal)
            }
        }
        Cell::Bool(_) | Cell::Other => None,
    };
    // An integer input takes integral values only (the interpreter names a fraction).
    Some(Some(q.filter(|q| !integer || q.d == 1 || q.n % q.d == 0)?))
}

/// Loads one input's values cell by cell into a column, checking type, range and allowed
/// values; a cell it cannot take leaves a placeholder and says so (the row goes slow).
pub(super) struct CellLoader<'a> {
    input: &'a crate::input::Input,
    plan: &'a Plan,
    integer: bool,
    default_q: Option<Fraction>,
    /// Bounds: `Some(Err(()))` when a bound does not fit the fast path (every value goes slow).
    lo: Option<Result<Fraction, ()>>,
    hi: Option<Result<Fraction, ()>>,
    sink: Slot<'static>,
}

impl<'a> CellLoader<'a> {
    fn new(plan: &'a Plan, input: &'a crate::input::Input, cap: usize) -> CellLoader<'a> {
        let bound = |b: &Option<Num>| b.as_ref().map(|m| Fraction::of(m).ok_or(()));
        let sink = match input.ty {
            InputType::Decimal | InputType::Integer => Slot::Nums(Vec::with_capacity(cap)),
            InputType::Boolean => Slot::Bools(Cow::Owned(Vec::with_capacity(cap))),
            InputType::Text => Slot::Texts(Vec::with_capacity(cap)),
            InputType::Numbers | InputType::Items => Slot::Absent,
        };
        CellLoader {
            input,
            plan,
            integer: input.ty == InputType::Integer,
            default_q: match &input.default {
                Some(DefaultDoc::Num(d)) => Fraction::of(d),
                _ => None,
            },
            lo: bound(&input.min),
            hi: bound(&input.max),
            sink,
        }
    }

    /// Take one cell (`None`: the source marked it broken). Returns whether it was good.
    #[inline]
    fn take(&mut self, cell: Option<Cell<'_>>) -> bool {
        let input = self.input;
        match &mut self.sink {
            Slot::Nums(v) => {
                let q = match cell {
                    None => None,
                    Some(c) => match cell_q(&c, self.integer) {
                        Some(None) => self.default_q,
                        Some(q) => q,
                        None => None,
                    },
                };
                let q = q.filter(|q| within(self.lo, self.hi, *q));
                v.push(q.unwrap_or(Fraction::ZERO));
                q.is_some()
            }
            Slot::Bools(v) => {
                let b = match cell {
                    None => None,
                    Some(Cell::Missing) => match &input.default {
                        Some(DefaultDoc::Bool(b)) => Some(*b),
                        _ => None,
                    },
                    Some(Cell::Bool(b)) => Some(b),
                    Some(Cell::Text(t)) => num::parse_bool_text(t),
                    Some(_) => None,
                };
                v.to_mut().push(b.unwrap_or(false));
                b.is_some()
            }
            Slot::Texts(v) => {
                let t = match cell {
                    Some(Cell::Missing) => match &input.default {
                        Some(DefaultDoc::Text(t)) => Some(t.as_str()),
                        _ => None,
                    },
                    Some(Cell::Text(t)) => Some(t.trim()),
                    _ => None,
                };
                let ok = t.filter(|t| input.values.as_ref().is_none_or(|vs| vs.iter().any(|v| v == t)));
                v.push(ok.map_or(UNKNOWN_TEXT, |t| self.plan.texts.get(t).copied().unwrap_or(UNKNOWN_TEXT)));
                ok.is_some()
            }
            // Lists are read only by rules the fast path does not run: a list input matters for
            // its presence alone, and only an allowed absence stays on the fast path.
            _ => matches!(cell, Some(Cell::Missing)) && (!input.required || input.default.is_some()),
        }
    }
}

/// Load every input of a group of rows into slot columns: typed columns with a loop per storage
/// type, everything else row by row (so each record is read once, while it is in cache).
pub(super) fn load_inputs<'s, S: RowSource>(
    plan: &Plan,
    book: &Compiled,
    src: &'s S,
    rows: &[usize],
    slots: &mut [Slot<'s>],
    slow: &mut [bool],
) {
    let mut loaders: Vec<(usize, CellLoader<'_>)> = Vec::new();
    for (ix, input) in book.schema.inputs.iter().enumerate() {
        if let Some(Some(col)) = src.column(ix)
            && let Some(loaded) = load_typed(plan, input, col, rows, slow)
        {
            slots[ix] = loaded;
            continue;
        }
        loaders.push((ix, CellLoader::new(plan, input, rows.len())));
    }
    if loaders.is_empty() {
        return;
    }
    for (k, &row) in rows.iter().enumerate() {
        for (ix, l) in loaders.iter_mut() {
            let cell = if src.broken(*ix, row) { None } else { Some(src.cell(*ix, row)) };
            if !l.take(cell) {
                slow[k] = true;
            }
        }
    }
    for (ix, l) in loaders {
        slots[ix] = l.sink;
    }
}

/// Whether `q` lies within optional bounds (a bound the fast path cannot hold fails every value).
#[inline]
pub(super) fn within(
    lo: Option<Result<Fraction, ()>>,
    hi: Option<Result<Fraction, ()>>,
    q: Fraction,
) -> bool {
    let above = match lo {
        None => true,
        Some(Ok(m)) => Fraction::cmp_value(q, m) != Ordering::Less,
        Some(Err(())) => false,
    };
    let below = match hi {
        None => true,
        Some(Ok(m)) => Fraction::cmp_value(q, m) != Ordering::Greater,
        Some(Err(())) => false,
    };
    above && below
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The whole-column test and the per-row test flag exactly the values outside the bounds,
    /// at the edges of both and of `i64`.
    #[test]
    fn flag_outside_flags_exactly_the_values_outside() {
        let edges = [i64::MIN, i64::MIN + 1, -5, -1, 0, 1, 5, 1 << 40, i64::MAX - 1, i64::MAX];
        for (lo, hi) in
            edges.iter().flat_map(|&lo| edges.iter().map(move |&hi| (lo, hi))).filter(|(lo, hi)| lo <= hi)
        {
            let mut values = vec![i64::MIN, i64::MIN + 1, -(1 << 40), -1, 0, 1, i64::MAX - 1, i64::MAX];
            for b in [lo, hi] {
                values.extend([
                    b.wrapping_sub(1),
                    b,
                    b.wrapping_add(1),
                    i64::MIN.wrapping_add(b),
                    b.wrapping_sub(i64::MAX),
                ]);
            }
            for v in &values {
                // Each value alone (a column of one), and all of them together.
                let mut slow = [false];
                flag_outside([*v].into_iter(), lo, hi, &mut slow);
                assert_eq!(slow[0], !(lo..=hi).contains(v), "{v} in [{lo}, {hi}]");
            }
            let mut slow = vec![false; values.len()];
            flag_outside(values.iter().copied(), lo, hi, &mut slow);
            for (v, sl) in values.iter().zip(&slow) {
                assert_eq!(*sl, !(lo..=hi).contains(v), "{v} in [{lo}, {hi}] among others");
            }
        }
    }
}
