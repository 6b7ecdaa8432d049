//! Competition ranks of a batch's rows by published total, overall and within each profile.

use super::Ranks;

/// Competition ranks (1, 2, 2, 4) by published total (in units), descending — overall and within
/// each profile — from one count of the totals (or one sort, when they span a wide range). Equal
/// totals share a rank; rows without a total are unranked, and rows without a profile have no
/// profile rank.
pub(super) fn ranks(rows: &[(usize, i64, usize)], n: usize, profiles: usize) -> Ranks {
    let groups = profiles.max(1);
    let (lo, hi) = rows.iter().fold((i64::MAX, i64::MIN), |(lo, hi), &(_, t, _)| (lo.min(t), hi.max(t)));
    let span = (hi as i128 - lo as i128 + 1).max(0) as u128;
    // Totals are whole numbers of units in a narrow range (0..=10,000 for a 100-point scheme at
    // two places): count them instead of sorting, when the counts take no more room than the rows.
    if span * groups as u128 > 4 * rows.len().max(1 << 12) as u128 {
        return ranks_by_sort(rows, n, profiles);
    }
    let span = span as usize;
    // `above[g·span + v]`: rows of group g (0 = all rows, p = profile p) whose total is above lo + v.
    let mut above = vec![0u32; groups * span];
    let at = |t: i64| (t - lo) as usize;
    for &(_, t, p) in rows {
        above[at(t)] += 1;
        if p > 0 {
            above[p * span + at(t)] += 1;
        }
    }
    for group in above.chunks_mut(span.max(1)) {
        let mut higher = 0u32;
        for c in group.iter_mut().rev() {
            (*c, higher) = (higher, higher + *c);
        }
    }
    let mut overall = vec![None; n];
    let mut within = vec![None; n];
    for &(i, t, p) in rows {
        overall[i] = Some(above[at(t)] + 1);
        if p > 0 {
            within[i] = Some(above[p * span + at(t)] + 1);
        }
    }
    (overall, within)
}

/// [`ranks`] by sorting the totals (any range of totals).
fn ranks_by_sort(rows: &[(usize, i64, usize)], n: usize, profiles: usize) -> Ranks {
    let mut order: Vec<(i64, usize, usize)> = rows.iter().map(|&(i, t, p)| (t, i, p)).collect();
    order.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut overall = vec![None; n];
    let mut within = vec![None; n];
    // Per group (0 = all rows, p = profile p): (rows seen, current rank, previous total).
    let mut state: Vec<(u32, u32, Option<i64>)> = vec![(0, 0, None); profiles.max(1)];
    let mut bump = |g: usize, t: i64| {
        let (seen, rank, prev) = &mut state[g];
        *seen += 1;
        if *prev != Some(t) {
            *rank = *seen;
            *prev = Some(t);
        }
        *rank
    };
    for &(t, i, p) in &order {
        overall[i] = Some(bump(0, t));
        if p > 0 {
            within[i] = Some(bump(p, t));
        }
    }
    (overall, within)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ranks by counting equal ranks by sorting: ties share the better rank ("1224"), per profile
    /// too, for narrow and wide ranges of totals (the wide ones are sorted either way).
    #[test]
    fn ranks_by_counting_equal_ranks_by_sorting() {
        let mut seed = 42u64;
        let mut next = move |m: u64| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) % m
        };
        // Counted (span × groups within 4 × max(rows, 4096)), then sorted (too wide).
        for (rows, spread, profiles) in
            [(0, 10, 1), (1, 1, 1), (50, 5, 3), (20_000, 10_001, 6), (3000, 1 << 40, 4)]
        {
            let n = rows + rows / 10;
            let mut scored: Vec<(usize, i64, usize)> = Vec::new();
            for i in 0..n {
                if next(11) != 0 {
                    let t = next(spread) as i64 - (spread / 3) as i64;
                    scored.push((i, t, next(profiles as u64) as usize));
                }
            }
            let (a, b) = (ranks(&scored, n, profiles), ranks_by_sort(&scored, n, profiles));
            assert_eq!(a, b, "{rows} rows over {spread}");
        }
        let tied = [(0, 5, 1), (1, 7, 1), (2, 5, 2), (3, 7, 0), (4, 1, 1)];
        let (overall, within) = ranks(&tied, 6, 3);
        assert_eq!(overall, [Some(3), Some(1), Some(3), Some(1), Some(5), None]);
        assert_eq!(within, [Some(2), Some(1), Some(1), None, Some(3), None]);
    }
}
