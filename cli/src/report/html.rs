//! Small pieces of HTML the sections share: escaping, grade colours, and how a decimal or a share
//! is shown.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

/// Escape text for HTML and SVG.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Colours from best grade (green) to worst (red).
const PALETTE: [&str; 5] = ["#1a9850", "#66bd63", "#e6b400", "#f46d43", "#d73027"];

/// The colour of grade `i` of `n` (best first).
pub fn grade_color(i: usize, n: usize) -> &'static str {
    if n <= 1 {
        return PALETTE[0];
    }
    let pos = (i as f64 / (n - 1) as f64 * (PALETTE.len() - 1) as f64 + 1e-9).floor() as usize;
    PALETTE[pos.min(PALETTE.len() - 1)]
}

/// `part / whole` for a chart (`None` when the whole is zero).
pub fn share(part: Decimal, whole: Decimal) -> Option<f64> {
    if whole.is_zero() { None } else { (part / whole).to_f64() }
}

/// A decimal as shown, or a dash.
pub fn opt(d: &Option<Decimal>) -> String {
    d.map_or_else(|| "—".to_owned(), |d| d.to_string())
}
