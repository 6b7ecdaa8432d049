//! A batch's categorical results as plain columns (profile, grade, passed), for building output
//! tables in bulk: a copy of the fast path's columns with the exceptions written over them, where
//! asking each [`Row`](super::Row) would search the exceptions once per row and column.

use super::Batch;
use crate::eval::columnar::{NO_CRITERIA, NO_GRADE};

/// Each row's profile, grade and criteria as small codes, one slot per row in input order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Codes {
    /// [`Row::profile_index`](super::Row::profile_index): 0 for no profile, `p` for the rulebook's
    /// `p`-th profile; [`Codes::NONE`] for a failed row.
    pub profile: Vec<u16>,
    /// [`Row::grade_index`](super::Row::grade_index); [`Codes::NONE`] where the row has no grade
    /// (a failed row, or a rulebook without grades).
    pub grade: Vec<u16>,
    /// [`Row::passed`](super::Row::passed): 0 false, 1 true, [`Codes::NO_CRITERIA`] none (a
    /// failed row, or a rulebook without criteria).
    pub passed: Vec<u8>,
}

impl Codes {
    /// The code of "none" in [`profile`](Codes::profile) and [`grade`](Codes::grade).
    pub const NONE: u16 = NO_GRADE;

    /// The code of "none" in [`passed`](Codes::passed).
    pub const NO_CRITERIA: u8 = NO_CRITERIA;
}

impl Batch {
    /// Every row's profile, grade and criteria as [`Codes`]: the same as each [`Row`](super::Row)
    /// says, in three plain columns.
    pub fn codes(&self) -> Codes {
        // The fast path keeps exactly these encodings (its own constants, `NO_GRADE` and
        // `NO_CRITERIA`); only the exceptions' slots need writing.
        let mut codes =
            Codes { profile: self.profile.clone(), grade: self.grade.clone(), passed: self.passed.clone() };
        for (i, result) in self.exceptions.iter() {
            let (profile, grade, passed) = match result {
                // A rulebook that loads has at most `MOST_NAMED` profiles: the index fits.
                Ok(t) => (u16::try_from(t.profile).unwrap_or(Codes::NONE), t.grade, t.passed),
                Err(_) => (Codes::NONE, None, None),
            };
            codes.profile[i] = profile;
            codes.grade[i] = grade.unwrap_or(Codes::NONE);
            codes.passed[i] = passed.map_or(NO_CRITERIA, u8::from);
        }
        codes
    }
}
