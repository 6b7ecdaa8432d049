//! The points lost per indicator (各指标失分): for each leaf indicator, the mean over the units
//! where it applies of its maximum in the unit's profile less the unit's points.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};

use super::contents::Contents;
use super::html::{esc, share};
use super::svg::{self, Bar};

/// The points-lost section (none when the rulebook has no leaf indicators).
pub fn section(h: &mut String, c: &Contents<'_>) {
    let bars = bars(c);
    if bars.is_empty() {
        return;
    }
    h.push_str("<section id=\"lost\"><h2>各指标失分（每个单位平均）</h2>");
    h.push_str("<p class=\"hint\">失分 = 该单位所在片区/类别的分值 − 得分；不适用的单位不计入。</p>");
    let widest = bars.iter().map(|b| b.label.chars().count()).max().unwrap_or(4) as f64;
    h.push_str(&svg::hbars(&bars, "各指标平均失分", (widest * 14.0 + 12.0).clamp(80.0, 320.0)));
    h.push_str("</section>\n");
}

/// A bar per leaf: the mean points lost, rounded half-up at the rulebook's scale.
fn bars(c: &Contents<'_>) -> Vec<Bar> {
    let leaves: Vec<usize> =
        c.indicators.iter().enumerate().filter(|(_, i)| i.is_leaf).map(|(k, _)| k).collect();
    // Σ (profile max − points) and the units counted, per indicator.
    let mut lost = vec![(Decimal::ZERO, 0usize); c.indicators.len()];
    for r in c.rows.iter().filter(|r| r.error.is_none()) {
        let Some(maxes) = c.profile_max.get(&r.profile) else { continue };
        for &k in &leaves {
            if let (Some(p), Some(m)) = (r.points[k], maxes.get(k)) {
                lost[k].0 += *m - p;
                lost[k].1 += 1;
            }
        }
    }
    let scale = c.rb.scale();
    leaves
        .iter()
        .map(|&k| {
            let info = &c.indicators[k];
            let (sum, n) = lost[k];
            let mean_lost = if n == 0 {
                Decimal::ZERO
            } else {
                (sum / Decimal::from(n as u64))
                    .round_dp_with_strategy(scale, RoundingStrategy::MidpointAwayFromZero)
            };
            let pct = share(mean_lost, info.points).map_or(0.0, |f| f * 100.0);
            Bar {
                label: info.label.clone(),
                value: mean_lost.to_f64().unwrap_or(0.0),
                text: format!("平均失分 {mean_lost} / {}（{pct:.0}%）", info.points),
                color: "#d73027".into(),
                attrs: format!("class=\"lost-bar\" data-id=\"{}\" data-lost=\"{mean_lost}\"", esc(&info.id)),
            }
        })
        .collect()
}
