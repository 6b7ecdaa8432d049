//! HTML views for Jupyter (`_repr_html_`): a batch (summary, grade bars, the lowest units), a
//! rulebook (the indicator tree with points) and a result (indicators, bonus and penalty items,
//! criteria, vetoes). Numbers are right-aligned; labels are escaped.

use kaoping::{Outcome, Rulebook, Status};
use rust_decimal::Decimal;

/// `s` with HTML's special characters escaped.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const LEFT: &str = "text-align:left";
const RIGHT: &str = "text-align:right;font-variant-numeric:tabular-nums";

fn dec(d: Option<Decimal>) -> String {
    d.map_or("—".to_owned(), |d| d.to_string())
}

/// A table row: `(text, numeric)` cells, numbers right-aligned; the text is already HTML.
fn row(cells: &[(String, bool)]) -> String {
    let mut s = String::from("<tr>");
    for (text, numeric) in cells {
        s.push_str(&format!("<td style=\"{}\">{text}</td>", if *numeric { RIGHT } else { LEFT }));
    }
    s.push_str("</tr>");
    s
}

fn head(cells: &[(&str, bool)]) -> String {
    let mut s = String::from("<thead><tr>");
    for (text, numeric) in cells {
        s.push_str(&format!("<th style=\"{}\">{text}</th>", if *numeric { RIGHT } else { LEFT }));
    }
    s.push_str("</tr></thead>");
    s
}

/// One unit among the lowest of a batch: its label in the frame's index, key, total, grade.
pub struct Low {
    /// Its label in `to_pandas()`'s index, as Python's `repr` shows it.
    pub label: String,
    /// Its key.
    pub key: String,
    /// Its total.
    pub total: Option<Decimal>,
    /// Its grade.
    pub grade: Option<String>,
}

/// A batch: rows, scored and failed, a bar per grade (count and share), the lowest units.
pub fn batch(rb: &Rulebook, summary: &kaoping::Summary, lowest: &[Low]) -> String {
    let mut s = String::from("<div class=\"kaoping-batch\">");
    s.push_str(&format!(
        "<p><b>{}</b> · {} 行 rows · {} 已评 scored · {} 失败 failed",
        esc(rb.title()),
        summary.rows,
        summary.ok,
        summary.failed
    ));
    if let Some(p) = summary.passed {
        s.push_str(&format!(" · {p} 达标 passed"));
    }
    s.push_str("</p>");
    if !summary.grades.is_empty() {
        let most = summary.grades.iter().map(|g| g.count).max().unwrap_or(0).max(1);
        s.push_str("<table>");
        s.push_str(&head(&[("等次 grade", false), ("个数 count", true), ("占比 share", true), ("", false)]));
        s.push_str("<tbody>");
        for g in &summary.grades {
            let width = 12.0 * g.count as f64 / most as f64;
            s.push_str(&row(&[
                (esc(&g.grade), false),
                (g.count.to_string(), true),
                (format!("{}%", (g.share * Decimal::ONE_HUNDRED).round_dp(1)), true),
                (
                    format!(
                        "<div class=\"kaoping-bar\" style=\"background:#4e79a7;height:0.9em;width:{width:.2}em\"></div>"
                    ),
                    false,
                ),
            ]));
        }
        s.push_str("</tbody></table>");
    }
    if !lowest.is_empty() {
        s.push_str(&format!("<p>最低的 {} 个 the lowest {}:</p><table>", lowest.len(), lowest.len()));
        s.push_str(&head(&[
            ("索引 index", false),
            ("单位 key", false),
            ("总分 total", true),
            ("等次 grade", false),
        ]));
        s.push_str("<tbody>");
        for l in lowest {
            s.push_str(&row(&[
                (esc(&l.label), false),
                (esc(&l.key), false),
                (dec(l.total), true),
                (esc(l.grade.as_deref().unwrap_or("")), false),
            ]));
        }
        s.push_str("</tbody></table>");
    }
    s.push_str("</div>");
    s
}

/// A rulebook: title, id and version, the indicator tree with points (the base profile's), bonus
/// and penalty caps aside, vetoes, criteria and grades.
pub fn rulebook(rb: &Rulebook) -> String {
    let mut s = String::from("<div class=\"kaoping-rulebook\">");
    s.push_str(&format!(
        "<p><b>{}</b> · <code>{}</code> · 版本 version {}",
        esc(rb.title()),
        esc(rb.id()),
        esc(rb.version())
    ));
    if let Some(max) = rb.max(None) {
        s.push_str(&format!(" · 满分 max {max}"));
    }
    s.push_str("</p>");
    let indicators = rb.indicators();
    if !indicators.is_empty() {
        s.push_str("<table>");
        s.push_str(&head(&[("指标 indicator", false), ("分值 points", true), ("规则 rule", false)]));
        s.push_str("<tbody>");
        for ind in &indicators {
            let label = if ind.depth == 0 { format!("<b>{}</b>", esc(&ind.label)) } else { esc(&ind.label) };
            s.push_str(&format!(
                "<tr><td style=\"{LEFT};padding-left:{}em\" title=\"{}\">{label}</td><td style=\"{RIGHT}\">{}</td><td style=\"{LEFT}\">{}</td></tr>",
                0.5 + 1.5 * f64::from(ind.depth),
                esc(&ind.id),
                ind.points,
                esc(ind.rule.as_deref().unwrap_or(""))
            ));
        }
        s.push_str("</tbody></table>");
    }
    let list = |title: &str, items: Vec<String>| -> String {
        if items.is_empty() {
            return String::new();
        }
        format!("<p>{title}: {}</p>", items.join("、"))
    };
    s.push_str(&list("一票否决 vetoes", rb.vetoes().iter().map(|(_, l)| esc(l)).collect()));
    s.push_str(&list("达标条件 criteria", rb.criteria().iter().map(|(_, l)| esc(l)).collect()));
    s.push_str(&list(
        "等次 grades",
        rb.grade_info()
            .iter()
            .map(|g| match g.bound {
                Some(b) => format!("{} {}{b}", esc(&g.label), if g.strict { "&gt;" } else { "≥" }),
                None => esc(&g.label),
            })
            .collect(),
    ));
    s.push_str("</div>");
    s
}

/// A result: the headline (total, grade, passed; base, bonus and penalty when they matter), every
/// indicator indented by depth, bonus and penalty items, criteria with whether each holds, vetoes.
pub fn result(o: &Outcome) -> String {
    let mut s = String::from("<div class=\"kaoping-result\">");
    s.push_str(&format!(
        "<p><b>{}</b> · {} · 总分 total <b>{}</b> / {}",
        esc(&o.rulebook.title),
        esc(&o.key),
        dec(o.total),
        dec(o.max)
    ));
    if let Some(g) = &o.grade {
        s.push_str(&format!(" · 等次 grade <b>{}</b>", esc(g)));
    }
    if let Some(p) = o.passed {
        s.push_str(if p { " · 达标 passed ✓" } else { " · 未达标 not passed ✗" });
    }
    s.push_str("</p>");
    let adjusted = o.bonus.is_some_and(|b| !b.is_zero()) || o.penalty.is_some_and(|p| !p.is_zero());
    if adjusted || o.total_before_vetoes.is_some() {
        s.push_str(&format!(
            "<p>基础分 base {} · 加分 bonus {} · 扣分 penalty {}",
            dec(o.base),
            dec(o.bonus),
            dec(o.penalty)
        ));
        if let Some(t) = o.total_before_vetoes {
            s.push_str(&format!(" · 否决前总分 total before vetoes {t}"));
        }
        s.push_str("</p>");
    }
    if !o.nodes.is_empty() {
        s.push_str("<table>");
        s.push_str(&head(&[("指标 indicator", false), ("得分 points", true), ("满分 max", true)]));
        s.push_str("<tbody>");
        for n in &o.nodes {
            let points = match n.status {
                Status::NotApplicable => "不适用 n/a".to_owned(),
                Status::NoData => format!("{} (无数据 no data)", dec(n.points)),
                _ => dec(n.points),
            };
            let label = if n.depth == 0 { format!("<b>{}</b>", esc(&n.label)) } else { esc(&n.label) };
            s.push_str(&format!(
                "<tr><td style=\"{LEFT};padding-left:{}em\" title=\"{}\">{label}</td><td style=\"{RIGHT}\">{}</td><td style=\"{RIGHT}\">{}</td></tr>",
                0.5 + 1.5 * f64::from(n.depth),
                esc(&n.id),
                esc(&points),
                n.max
            ));
        }
        s.push_str("</tbody></table>");
    }
    let adjustments = [("加分 bonus", &o.bonus_items, "+"), ("扣分 penalty", &o.penalty_items, "−")];
    for (title, items, sign) in adjustments {
        if items.is_empty() {
            continue;
        }
        s.push_str(&format!(
            "<table>{}<tbody>",
            head(&[(title, false), ("分 points", true), ("上限 max", true)])
        ));
        for a in items.iter() {
            s.push_str(&row(&[
                (esc(&a.label), false),
                (format!("{sign}{}", a.points), true),
                (a.max.to_string(), true),
            ]));
        }
        s.push_str("</tbody></table>");
    }
    if !o.criteria.is_empty() {
        s.push_str(&format!(
            "<table>{}<tbody>",
            head(&[("达标条件 criterion", false), ("结果 holds", false)])
        ));
        for c in &o.criteria {
            let verdict = match (c.holds, c.no_data) {
                (true, _) => "✓ 达标 holds",
                (false, true) => "✗ 无数据 no data",
                (false, false) => "✗ 未达标 fails",
            };
            let style = if c.holds { "" } else { ";color:#b00" };
            s.push_str(&format!(
                "<tr><td style=\"{LEFT}\" title=\"{}\">{}</td><td style=\"{LEFT}{style}\">{verdict}</td></tr>",
                esc(&c.when),
                esc(&c.label)
            ));
        }
        s.push_str("</tbody></table>");
    }
    if !o.vetoes.is_empty() {
        let v: Vec<String> = o.vetoes.iter().map(|v| esc(&v.label)).collect();
        s.push_str(&format!("<p>一票否决 vetoes: {}</p>", v.join("、")));
    }
    if !o.component_vetoes.is_empty() {
        let v: Vec<String> = o
            .component_vetoes
            .iter()
            .map(|v| format!("{}：{}", esc(&v.indicator_label), esc(&v.label)))
            .collect();
        s.push_str(&format!("<p>子方案一票否决 vetoes inside components: {}</p>", v.join("、")));
    }
    if !o.grade_rules.is_empty() {
        let g: Vec<String> = o
            .grade_rules
            .iter()
            .map(|g| format!("{} → ≤{}", esc(g.label.as_deref().unwrap_or(&g.when)), esc(&g.grade_at_most)))
            .collect();
        s.push_str(&format!("<p>等次规则 grade rules: {}</p>", g.join("、")));
    }
    s.push_str("</div>");
    s
}
