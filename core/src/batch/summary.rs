//! A batch's summary (spec §12): how many rows scored and failed, the count and share of each
//! grade, the rows that passed every criterion, failures per error kind, and the mean, lowest
//! and highest published total — tallied per chunk while its rows are in cache, then added up.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::compile::Compiled;
use crate::error::ErrorKind;
use crate::eval::columnar::NONE;
use crate::num::{Num, Rounding};

/// The count and share of one grade among scored rows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GradeCount {
    /// The grade.
    pub grade: String,
    /// Rows with it.
    pub count: usize,
    /// count / scored rows, rounded half-up to 4 places (0.1537 = 15.37%).
    pub share: Decimal,
}

/// What happened across a batch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Summary {
    /// Rows in.
    pub rows: usize,
    /// Rows scored.
    pub ok: usize,
    /// Rows that failed.
    pub failed: usize,
    /// Every grade, in the rulebook's order, with its count and share.
    pub grades: Vec<GradeCount>,
    /// Rows that passed every criterion (when the rulebook has criteria).
    pub passed: Option<usize>,
    /// Failed rows per error kind.
    pub errors: Vec<(ErrorKind, usize)>,
    /// The mean of the scored rows' published totals, exact: their sum over their count, rounded
    /// once, half-up (四舍五入) at the rulebook's scale. `None` when no row has a total (none
    /// scored, or a criteria-only rulebook).
    #[serde(default)]
    pub mean_total: Option<Decimal>,
    /// The lowest published total among the scored rows (`None` as for the mean).
    #[serde(default)]
    pub lowest_total: Option<Decimal>,
    /// The highest published total among the scored rows (`None` as for the mean).
    #[serde(default)]
    pub highest_total: Option<Decimal>,
    /// Child rows that matched no parent row, per list path (a table joined with child tables,
    /// spec §18.5); empty otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unmatched: Vec<crate::table::Unmatched>,
}

/// What a batch summary counts, tallied per chunk (in parallel) and then added up.
pub(super) struct Counts {
    ok: usize,
    passed: usize,
    grades: Vec<usize>,
    errors: Vec<(ErrorKind, usize)>,
    /// The fast rows' published totals, in units.
    fast_totals: Totals<i128, i64>,
    /// The interpreter's rows' published totals, exact (they are few; one may not fit units).
    slow_totals: Totals<Num, Num>,
}

/// A count, sum, lowest and highest of published totals.
#[derive(Default)]
struct Totals<S, V> {
    count: usize,
    sum: S,
    lowest: Option<V>,
    highest: Option<V>,
}

impl<S: for<'a> std::ops::AddAssign<&'a S>, V: Ord + Clone> Totals<S, V> {
    /// One more total (`sum`: the same value as `value`, in the sum's type).
    fn add(&mut self, value: V, sum: &S) {
        self.count += 1;
        self.sum += sum;
        if self.lowest.as_ref().is_none_or(|l| value < *l) {
            self.lowest = Some(value.clone());
        }
        if self.highest.as_ref().is_none_or(|h| value > *h) {
            self.highest = Some(value);
        }
    }

    fn merge(&mut self, other: &Totals<S, V>) {
        self.count += other.count;
        self.sum += &other.sum;
        if let Some(v) = &other.lowest
            && self.lowest.as_ref().is_none_or(|l| v < l)
        {
            self.lowest = Some(v.clone());
        }
        if let Some(v) = &other.highest
            && self.highest.as_ref().is_none_or(|h| v > h)
        {
            self.highest = Some(v.clone());
        }
    }
}

impl Counts {
    pub(super) fn new(grades: usize) -> Counts {
        Counts {
            ok: 0,
            passed: 0,
            grades: vec![0; grades],
            errors: Vec::new(),
            fast_totals: Totals::default(),
            slow_totals: Totals { count: 0, sum: Num::ZERO, lowest: None, highest: None },
        }
    }

    /// A fast row's published total in units ([`NONE`]: it has none).
    pub(super) fn fast_total(&mut self, units: i64) {
        if units != NONE {
            self.fast_totals.add(units, &i128::from(units));
        }
    }

    /// An interpreter row's total, published at the rulebook's scale.
    pub(super) fn slow_total(&mut self, book: &Compiled, total: Option<&Num>) {
        if let Some(t) = total {
            let published = t.round(book.meta.scale, book.meta.rounding);
            self.slow_totals.add(published.clone(), &published);
        }
    }

    pub(super) fn row(&mut self, grade: Option<u16>, passed: Option<bool>) {
        self.ok += 1;
        if let Some(c) = grade.and_then(|g| self.grades.get_mut(g as usize)) {
            *c += 1;
        }
        self.passed += usize::from(passed == Some(true));
    }

    pub(super) fn error(&mut self, kind: ErrorKind) {
        self.add_errors(kind, 1);
    }

    fn add_errors(&mut self, kind: ErrorKind, n: usize) {
        match self.errors.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, c)) => *c += n,
            None => self.errors.push((kind, n)),
        }
    }

    pub(super) fn add(&mut self, other: &Counts) {
        self.ok += other.ok;
        self.passed += other.passed;
        for (a, b) in self.grades.iter_mut().zip(&other.grades) {
            *a += b;
        }
        for &(k, n) in &other.errors {
            self.add_errors(k, n);
        }
        self.fast_totals.merge(&other.fast_totals);
        self.slow_totals.merge(&other.slow_totals);
    }

    /// The mean, lowest and highest published total, fast and interpreter rows together.
    fn totals(&self, book: &Compiled) -> (Option<Decimal>, Option<Decimal>, Option<Decimal>) {
        let (fast, slow) = (&self.fast_totals, &self.slow_totals);
        let count = fast.count + slow.count;
        let scale = book.meta.scale;
        let Some(pow) = 10i128.checked_pow(scale) else { return (None, None, None) };
        let of_units = |u: i128| Num::from_ratio(u, pow).unwrap_or(Num::ZERO);
        let sum = of_units(fast.sum).add(&slow.sum);
        let at_scale = |n: &Num, mode| n.to_decimal_at(scale, mode);
        let mean = (count > 0)
            .then(|| sum.checked_div(&Num::from_i128(count as i128)))
            .flatten()
            .and_then(|m| at_scale(&m, Rounding::HalfUp));
        let pick = |a: Option<Num>, b: Option<&Num>, lower: bool| -> Option<Decimal> {
            let best = match (a, b) {
                (Some(a), Some(b)) => Some(if (a < *b) == lower { a } else { b.clone() }),
                (a, b) => a.or_else(|| b.cloned()),
            };
            best.and_then(|n| at_scale(&n, book.meta.rounding))
        };
        let lowest = pick(fast.lowest.map(|u| of_units(u.into())), slow.lowest.as_ref(), true);
        let highest = pick(fast.highest.map(|u| of_units(u.into())), slow.highest.as_ref(), false);
        (mean, lowest, highest)
    }

    pub(super) fn summary(mut self, book: &Compiled, rows: usize) -> Summary {
        self.errors.sort();
        let (mean_total, lowest_total, highest_total) = self.totals(book);
        let ok = self.ok;
        let share = |c: usize| -> Decimal {
            if ok == 0 {
                return Decimal::ZERO;
            }
            Num::from_i64(c as i64)
                .checked_div(&Num::from_i64(ok as i64))
                .and_then(|s| s.to_decimal_at(4, Rounding::HalfUp))
                .unwrap_or_default()
        };
        Summary {
            rows,
            ok,
            failed: rows - ok,
            grades: book
                .grades
                .iter()
                .zip(&self.grades)
                .map(|(g, &c)| GradeCount { grade: g.label.clone(), count: c, share: share(c) })
                .collect(),
            passed: (!book.criteria.is_empty()).then_some(self.passed),
            errors: self.errors,
            mean_total,
            lowest_total,
            highest_total,
            unmatched: Vec::new(),
        }
    }
}
