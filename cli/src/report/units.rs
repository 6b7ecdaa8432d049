//! Each unit explained (逐个单位说明): for the first N units, a card with its total, grade and rank,
//! a chart of its first-level indicators' shares (a radar from three axes up) and its explanation
//! in words; a unit that failed shows its error.

use std::fmt::Write as _;

use kaoping::{Lang, Outcome};

use super::contents::Contents;
use super::html::{esc, opt, share};
use super::svg::{self, Bar};
use crate::output::ResultRow;

/// The section of unit cards.
pub fn section(h: &mut String, c: &Contents<'_>) {
    h.push_str("<section id=\"units-explained\"><h2>逐个单位说明</h2>");
    for (i, r) in c.rows.iter().enumerate().take(c.units) {
        let _ = write!(
            h,
            "<article class=\"unit-card\" id=\"u-{}\"><h3>{} <small>第 {} 行</small></h3>",
            r.row,
            esc(&r.key),
            r.row
        );
        match c.outcomes.get(&i) {
            Some(o) => {
                explained(h, c, r, o);
                super::advice::write(h, c.advice.get(&i));
            }
            None => {
                let _ =
                    write!(h, "<p class=\"error\">未能评分：{}</p>", esc(r.error.as_deref().unwrap_or("")));
            }
        }
        h.push_str("</article>\n");
    }
    if c.rows.len() > c.units {
        let _ = write!(
            h,
            "<p class=\"notice\">其余 {} 个单位的说明未列出（可用 --report-units 调整，或用 kaoping explain 查看单个单位）。</p>",
            c.rows.len() - c.units
        );
    }
    h.push_str("</section>\n");
}

/// A scored unit's card body: score line, chart, explanation.
fn explained(h: &mut String, c: &Contents<'_>, r: &ResultRow, o: &Outcome) {
    let color = o.grade.as_deref().and_then(|g| c.colors.get(g)).copied().unwrap_or("#4575b4");
    h.push_str("<p class=\"score\">");
    if c.has_total {
        let _ = write!(h, "总分 <b>{}</b> / {}", esc(&opt(&o.total)), esc(&opt(&o.max)));
    } else if let Some(p) = o.passed {
        h.push_str(if p { "<b>达标</b>" } else { "<b>未达标</b>" });
    }
    if let Some(g) = &o.grade {
        let _ = write!(h, " · 等次 <span class=\"grade\" style=\"background:{color}\">{}</span>", esc(g));
    }
    if let Some(rank) = r.rank {
        let _ = write!(h, " · 排名 {rank}");
    }
    h.push_str("</p><div class=\"unit-body\">");
    let axes: Vec<(String, Option<f64>)> = o
        .nodes
        .iter()
        .filter(|n| n.depth == 0)
        .map(|n| (n.label.clone(), n.points.and_then(|p| share(p, n.max))))
        .collect();
    let chart_title = format!("{} 一级指标得分率", r.key);
    if axes.is_empty() {
        // No indicators (criteria only): the explanation says it all.
    } else if axes.len() >= 3 {
        h.push_str(&svg::radar(&axes, color, &chart_title));
    } else {
        let bars: Vec<Bar> = axes
            .iter()
            .map(|(l, f)| Bar {
                label: l.clone(),
                value: f.unwrap_or(0.0) * 100.0,
                text: f.map_or_else(|| "不适用".to_owned(), |f| format!("{:.0}%", f * 100.0)),
                color: color.to_owned(),
                attrs: "class=\"share-bar\"".into(),
            })
            .collect();
        h.push_str(&svg::hbars(&bars, &chart_title, 120.0));
    }
    let _ = write!(h, "<pre class=\"explain\">{}</pre></div>", esc(&kaoping::explain(o, Lang::Zh)));
}
