//! Parallel iteration: rayon's with the `rayon` feature (the default), the same calls run
//! sequentially without it, so that the rest of the crate is written once. Results are
//! identical either way (every parallel step collects in input order).
//!
//! With rayon, work runs on the current rayon pool: inside `pool.install(|| …)` an
//! application's own pool, else rayon's global one.

#[cfg(feature = "rayon")]
pub(crate) use rayon::iter::repeat_n;
#[cfg(feature = "rayon")]
pub(crate) use rayon::prelude::*;

#[cfg(not(feature = "rayon"))]
pub(crate) use sequential::*;

#[cfg(not(feature = "rayon"))]
mod sequential {
    /// `into_par_iter()` as plain iteration.
    pub(crate) trait IntoParallelIterator: IntoIterator + Sized {
        fn into_par_iter(self) -> Self::IntoIter {
            self.into_iter()
        }
    }

    impl<T: IntoIterator> IntoParallelIterator for T {}

    /// `par_extend` as `extend`.
    pub(crate) trait ParallelExtend<T> {
        fn par_extend<I: IntoIterator<Item = T>>(&mut self, items: I);
    }

    impl<T> ParallelExtend<T> for Vec<T> {
        fn par_extend<I: IntoIterator<Item = T>>(&mut self, items: I) {
            self.extend(items);
        }
    }

    pub(crate) fn repeat_n<T: Clone>(value: T, n: usize) -> std::iter::RepeatN<T> {
        std::iter::repeat_n(value, n)
    }
}
