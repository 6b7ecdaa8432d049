//! Profiles compared (各片区比较): the differentiated assessment is the point of profiles (片区,
//! 类别), so the report sets them side by side — per profile the units scored, the mean, highest
//! and lowest total, and each grade's count and share, with a bar of the shares.

use std::fmt::Write as _;

use rust_decimal::{Decimal, RoundingStrategy};

use super::contents::Contents;
use super::html::esc;

/// One profile's figures over its scored units.
struct Stats<'a> {
    profile: &'a str,
    count: usize,
    sum: Decimal,
    highest: Option<Decimal>,
    lowest: Option<Decimal>,
    grades: Vec<usize>,
}

/// The section, when the rulebook has profiles and some unit scored in one.
pub fn section(h: &mut String, c: &Contents<'_>) {
    if !c.layout.profile {
        return;
    }
    let mut stats: Vec<Stats<'_>> = Vec::new();
    for r in c.rows.iter().filter(|r| r.error.is_none()) {
        let Some(p) = r.profile.as_deref() else { continue };
        let at = match stats.iter().position(|s| s.profile == p) {
            Some(at) => at,
            None => {
                stats.push(Stats {
                    profile: p,
                    count: 0,
                    sum: Decimal::ZERO,
                    highest: None,
                    lowest: None,
                    grades: vec![0; c.grades.len()],
                });
                stats.len() - 1
            }
        };
        let s = &mut stats[at];
        s.count += 1;
        if let Some(t) = r.total {
            s.sum += t;
            s.highest = Some(s.highest.map_or(t, |x| x.max(t)));
            s.lowest = Some(s.lowest.map_or(t, |x| x.min(t)));
        }
        if let Some(k) = r.grade.as_deref().and_then(|g| c.grades.iter().position(|x| *x == g)) {
            s.grades[k] += 1;
        }
    }
    if stats.is_empty() {
        return;
    }
    // In the rulebook's order of profiles.
    let order = c.rb.profiles();
    stats.sort_by_key(|s| order.iter().position(|p| *p == s.profile).unwrap_or(usize::MAX));
    h.push_str("<section id=\"profiles\"><h2>各片区比较</h2>");
    h.push_str("<table class=\"profiles\"><thead><tr><th>片区/类别</th><th>单位数</th>");
    if c.has_total {
        h.push_str("<th>平均分</th><th>最高分</th><th>最低分</th>");
    }
    for g in &c.grades {
        let _ = write!(h, "<th>{}</th>", esc(g));
    }
    if !c.grades.is_empty() {
        h.push_str("<th>等次构成</th>");
    }
    h.push_str("</tr></thead><tbody>");
    for s in &stats {
        let mean = (c.has_total && s.count > 0).then(|| {
            let mut m = (s.sum / Decimal::from(s.count))
                .round_dp_with_strategy(c.layout.scale, RoundingStrategy::MidpointAwayFromZero);
            m.rescale(c.layout.scale); // 0.00, not 0: as every total is shown
            m
        });
        let shown = |d: Option<Decimal>| d.map(|d| d.to_string()).unwrap_or_default();
        let _ = write!(
            h,
            "<tr class=\"profile-stats\" data-profile=\"{}\" data-count=\"{}\" data-mean=\"{}\"><td>{}</td><td data-v=\"{}\">{}</td>",
            esc(s.profile),
            s.count,
            shown(mean),
            esc(s.profile),
            s.count,
            s.count
        );
        if c.has_total {
            for d in [mean, s.highest, s.lowest] {
                let _ = write!(h, "<td data-v=\"{}\">{}</td>", shown(d), shown(d));
            }
        }
        for (k, g) in c.grades.iter().enumerate() {
            let n = s.grades[k];
            let pct = n as f64 * 100.0 / s.count as f64;
            let _ = write!(
                h,
                "<td class=\"profile-grade\" data-profile=\"{}\" data-grade=\"{}\" data-count=\"{n}\" data-v=\"{n}\">{n}（{pct:.0}%）</td>",
                esc(s.profile),
                esc(g)
            );
        }
        if !c.grades.is_empty() {
            h.push_str("<td><div class=\"share-bar\">");
            for (k, g) in c.grades.iter().enumerate() {
                let n = s.grades[k];
                if n > 0 {
                    let _ = write!(
                        h,
                        "<span style=\"width:{:.2}%;background:{}\" title=\"{} {n}\"></span>",
                        n as f64 * 100.0 / s.count as f64,
                        c.colors[g],
                        esc(g)
                    );
                }
            }
            h.push_str("</div></td>");
        }
        h.push_str("</tr>");
    }
    h.push_str("</tbody></table></section>\n");
}
