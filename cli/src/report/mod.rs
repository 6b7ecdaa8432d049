//! The HTML report of a scored file: one self-contained page (inline CSS, SVG and a few lines of
//! script for sorting; nothing fetched at view time). It shows a summary (count per grade, mean,
//! a histogram of totals), a table of units sortable by total with grade colours, the points
//! lost per indicator across the cohort, and each unit's explanation with a radar chart of its
//! first-level indicators.
//!
//! Elements carry classes and `data-*` attributes (`tr.unit`, `rect.lost-bar`, `.grade-count`)
//! so that the headless-browser check can count what was rendered.
//!
//! `contents` works out what is shown, once (the figures are the core's `Summary`); each section
//! of the page is a file that lays it out: `page` (head, header, footer), `summary`, `table`,
//! `lost`, `units`; `html` and `svg` are the pieces they share. `compare` is the report of
//! `kaoping diff`, made of the same pieces.

mod advice;
mod compare;
mod contents;
mod html;
mod lost;
mod page;
mod profiles;
mod summary;
mod svg;
mod table;
mod units;

use kaoping::{Date, NotAnInput, Rulebook};

pub use compare::render as render_comparison;

use crate::scored::Scored;
use contents::Contents;

/// Render the report of `scored` (read from `data_path`): every unit in the summary, the profile
/// comparison, the charts and the table, the first `units` explained in full. `compact`: the
/// summary, the profiles and the ranking table only (a few printed pages).
pub fn render(
    rb: &Rulebook,
    scored: &Scored,
    data_path: &str,
    units: usize,
    as_of: Option<Date>,
    ignored: &[NotAnInput],
    compact: bool,
) -> String {
    let units = if compact { 0 } else { units };
    let mut c = Contents::new(rb, scored, units);
    c.compact = compact;
    let mut h = String::with_capacity(64 * 1024 + c.rows.len() * 400);
    page::header(&mut h, &c, data_path, as_of, ignored);
    summary::section(&mut h, &c);
    profiles::section(&mut h, &c);
    table::section(&mut h, &c);
    if !compact {
        lost::section(&mut h, &c);
        units::section(&mut h, &c);
    }
    page::footer(&mut h);
    h
}
