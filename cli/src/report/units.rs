//! Each unit explained (逐个单位说明): for the first N units, a card with its total, grade and rank,
//! a chart of its first-level indicators' shares (a radar from three axes up), a table 指标 / 得分 /
//! 满分 / 依据 (every indicator, bonus and penalty item, the total and its make-up), then vetoes,
//! criteria, grade rules and the full explanation folded away; a unit that failed shows its error.

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
    h.push_str("</div>");
    points_table(h, o);
    verdicts(h, o);
    let _ = write!(
        h,
        "<details class=\"no-print\"><summary>全文说明</summary><pre class=\"explain\">{}</pre></details>",
        esc(&kaoping::explain(o, Lang::Zh))
    );
}

/// The table 指标 / 得分 / 满分 / 依据: every indicator (indented by depth), each bonus and penalty
/// item, and the total with what it is made of.
fn points_table(h: &mut String, o: &Outcome) {
    if o.nodes.is_empty() && o.bonus_items.is_empty() && o.penalty_items.is_empty() {
        return;
    }
    h.push_str("<table class=\"unit-points\"><thead><tr><th>指标</th><th>得分</th><th>满分</th><th>依据</th></tr></thead><tbody>");
    for n in &o.nodes {
        let mut basis = esc(&kaoping::explain_node(n, Lang::Zh));
        if let Some(src) = &n.source {
            let _ = write!(basis, "<span class=\"source\">〔依据 {}〕</span>", esc(src));
        }
        let _ = write!(
            h,
            "<tr class=\"node depth-{}\" data-id=\"{}\"><td class=\"label\" style=\"padding-left:{:.1}em\">{}</td><td data-v=\"{}\">{}</td><td data-v=\"{}\">{}</td><td class=\"basis\">{basis}</td></tr>",
            n.depth,
            esc(&n.id),
            0.5 + 1.2 * f64::from(n.depth),
            esc(&n.label),
            n.points.map(|p| p.to_string()).unwrap_or_default(),
            esc(&opt(&n.points)),
            n.max,
            n.max
        );
    }
    for (kind, sign, items) in [("加分", "+", &o.bonus_items), ("扣分", "−", &o.penalty_items)] {
        for it in items {
            let words = it.note.as_ref().map(|n| n.words(Lang::Zh)).unwrap_or_default();
            let _ = write!(
                h,
                "<tr class=\"adjust\" data-id=\"{}\"><td class=\"label\">{kind}：{}</td><td data-v=\"{}\">{sign}{}</td><td data-v=\"{}\">{}</td><td class=\"basis\">{}</td></tr>",
                esc(&it.id),
                esc(&it.label),
                it.points,
                it.points,
                it.max,
                it.max,
                esc(&words)
            );
        }
    }
    if o.total.is_some() {
        let mut made_of = Vec::new();
        if !o.bonus_items.is_empty() || !o.penalty_items.is_empty() {
            made_of.push(format!(
                "指标得分 {} + 加分 {} − 扣分 {}",
                opt(&o.base),
                opt(&o.bonus),
                opt(&o.penalty)
            ));
        }
        if let Some(before) = &o.total_before_vetoes {
            made_of.push(format!("否决前总分 {before}"));
        }
        let _ = write!(
            h,
            "<tr class=\"total-row\"><td class=\"label\"><b>总分</b></td><td data-v=\"{}\"><b>{}</b></td><td data-v=\"{}\">{}</td><td class=\"basis\">{}</td></tr>",
            o.total.map(|t| t.to_string()).unwrap_or_default(),
            esc(&opt(&o.total)),
            o.max.map(|m| m.to_string()).unwrap_or_default(),
            esc(&opt(&o.max)),
            esc(&made_of.join("；"))
        );
    }
    h.push_str("</tbody></table>");
}

/// Vetoes, criteria, grade rules and the next grade, as short lists under the table.
fn verdicts(h: &mut String, o: &Outcome) {
    let mut items: Vec<String> = Vec::new();
    for v in &o.vetoes {
        let mut t = format!("一票否决：{}", v.label);
        if let Some(sc) = &v.score {
            t.push_str(&format!(" → 总分 {sc}"));
        }
        if let Some(g) = &v.grade {
            t.push_str(&format!("，等次不高于「{g}」"));
        }
        items.push(t);
    }
    for v in &o.component_vetoes {
        items.push(format!("子方案一票否决：{}（{}，仅作用于该部分）", v.label, v.indicator_label));
    }
    for c in &o.criteria {
        let mark = if c.holds { "✓" } else { "✗" };
        let no_data = if c.no_data { "（缺数据）" } else { "" };
        items.push(format!("达标条件 {mark} {}{no_data}", c.label));
    }
    if let Some(g) = &o.grade_from_total {
        items.push(format!("按总分应为「{g}」"));
    }
    for g in &o.grade_rules {
        items.push(format!("等次规则：{}", kaoping::explain_grade_rule(g, Lang::Zh)));
    }
    if let Some(n) = &o.next_grade {
        items.push(match n.gap {
            Some(gap) => format!("距「{}」还差 {gap} 分", n.grade),
            None => {
                let holds: Vec<&str> = n.blocked_by.iter().map(|b| b.label.as_str()).collect();
                format!("受「{}」限制，得分再高也达不到「{}」", holds.join("」「"), n.grade)
            }
        });
    }
    if items.is_empty() {
        return;
    }
    h.push_str("<ul class=\"verdicts\">");
    for t in items {
        let _ = write!(h, "<li>{}</li>", esc(&t));
    }
    h.push_str("</ul>");
}
