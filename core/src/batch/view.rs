//! What an application reads off a whole batch beyond its rows: the lowest totals (those to
//! look at first), the batch through serde (each row's result, the summary), and a `Debug`
//! short enough for a log line.

use rust_decimal::Decimal;
use serde::ser::{Serialize, SerializeMap, SerializeStruct, Serializer};

use super::{Batch, Row};

impl Batch {
    /// The positions of the `n` lowest totals, lowest first (equal totals in input order); rows
    /// without a total (failed, vetoed to none) are left out. As Python's `Batch.lowest`.
    pub fn lowest(&self, n: usize) -> Vec<usize> {
        let scale = self.scale();
        let mut scored: Vec<(Decimal, usize)> = self
            .total_units()
            .iter()
            .enumerate()
            .filter_map(|(i, u)| match u {
                Some(u) => Some((Decimal::new(*u, scale), i)),
                None => self.row(i).total().map(|t| (t, i)),
            })
            .collect();
        let n = n.min(scored.len());
        if n == 0 {
            return Vec::new();
        }
        scored.select_nth_unstable(n - 1);
        scored.truncate(n);
        scored.sort_unstable();
        scored.into_iter().map(|(_, i)| i).collect()
    }
}

/// A row's result: position, key, profile, total and max (decimals as strings), grade, passed,
/// ranks, vetoes, each indicator's points by id, and the error of a failed row.
impl Serialize for Row<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("row", &self.index())?;
        m.serialize_entry("key", &self.key())?;
        if let Some(e) = self.error() {
            m.serialize_entry("error", e)?;
            return m.end();
        }
        m.serialize_entry("profile", &self.profile())?;
        m.serialize_entry("total", &self.total())?;
        m.serialize_entry("max", &self.max())?;
        m.serialize_entry("grade", &self.grade())?;
        m.serialize_entry("passed", &self.passed())?;
        m.serialize_entry("rank", &self.rank())?;
        m.serialize_entry("profile_rank", &self.profile_rank())?;
        m.serialize_entry("vetoes", &self.vetoes())?;
        m.serialize_entry("points", &Points(self))?;
        m.end()
    }
}

/// Each indicator's points by id, in the rulebook's order.
struct Points<'r, 'a>(&'r Row<'a>);

impl Serialize for Points<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let rb = self.0.batch.rulebook();
        let ids = rb.indicators();
        s.collect_map(ids.iter().map(|i| (&i.id, self.0.points(&i.id))))
    }
}

/// The batch: its rows (each as [`Row`] serialises) and its summary.
impl Serialize for Batch {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Batch", 3)?;
        st.serialize_field("rulebook", self.rulebook().id())?;
        st.serialize_field("rows", &Rows(self))?;
        st.serialize_field("summary", self.summary())?;
        st.end()
    }
}

struct Rows<'a>(&'a Batch);

impl Serialize for Rows<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.rows())
    }
}

/// Counts, not columns: the rulebook, rows, how many scored and failed, how many took the fast
/// path, how many columns were no input.
impl std::fmt::Debug for Batch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = self.summary();
        f.debug_struct("Batch")
            .field("rulebook", &self.rulebook().id())
            .field("rows", &self.len())
            .field("ok", &s.ok)
            .field("failed", &s.failed)
            .field("fast_rows", &self.fast_rows())
            .field("not_inputs", &self.not_inputs().len())
            .finish_non_exhaustive()
    }
}
