//! The cases a lint analyses: each profile a record can be scored in, and in each, each period
//! over which no dated parameter changes (spec §4). Every record is scored in exactly one case,
//! so what holds in every case holds for every record.

use std::collections::BTreeSet;

use crate::compile::{Compiled, ParamValue};
use crate::date::Date;
use crate::input::DefaultDoc;

/// A profile and a period of dated parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Case {
    /// Profile index (0: the base values).
    pub profile: usize,
    /// The period's first day (`None`: no parameter is dated in this profile).
    pub from: Option<Date>,
    /// The day the next period starts (`None`: open-ended).
    pub until: Option<Date>,
}

impl Case {
    /// The scoring date the case's parameter values are read on.
    pub fn date(&self) -> Option<Date> {
        self.from
    }
}

/// Whether a record can be scored in the base profile: when the rulebook names no profile field,
/// or its profile field may be missing (an optional input without a default). A record names
/// a declared profile otherwise, and a call's `profile` argument always does.
pub(super) fn base_reachable(book: &Compiled) -> bool {
    let Some(field) = book.profile_field else { return true };
    let input = &book.schema.inputs[field as usize];
    book.profiles.len() == 1
        || (!input.required && input.default.is_none())
        || matches!(&input.default, Some(DefaultDoc::Text(t)) if t.trim().is_empty())
}

/// Every case, profiles in order (the base first when reachable), periods in date order. A
/// period in which some parameter has no value is left out: every record scored then fails
/// (`NoDatedValue`), parameters being read for every record.
pub(super) fn cases(book: &Compiled) -> Vec<Case> {
    let first = if base_reachable(book) { 0 } else { 1 };
    let mut out = Vec::new();
    for profile in first..book.profiles.len() {
        let mut dates: BTreeSet<Date> = BTreeSet::new();
        for p in &book.params {
            if let Some(ParamValue::Dated(list)) = p.values.get(profile) {
                dates.extend(list.iter().map(|(d, _)| *d));
            }
        }
        if dates.is_empty() {
            out.push(Case { profile, from: None, until: None });
            continue;
        }
        let dates: Vec<Date> = dates.into_iter().collect();
        for (i, &from) in dates.iter().enumerate() {
            let every_value = book.params.iter().all(|p| p.values[profile].at(Some(from)).is_some());
            if every_value {
                out.push(Case { profile, from: Some(from), until: dates.get(i + 1).copied() });
            }
        }
    }
    out
}
