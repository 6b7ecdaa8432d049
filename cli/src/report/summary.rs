//! The summary section (概况): cards with the core's counts and totals, the criteria met, the
//! grades' counts and shares, and charts of the grades and of the totals.

use std::fmt::Write as _;

use rust_decimal::prelude::ToPrimitive;

use super::contents::{Contents, CriterionCount};
use super::html::{esc, opt, share};
use super::svg::{self, Bar};

/// The summary section.
pub fn section(h: &mut String, c: &Contents<'_>) {
    h.push_str("<section id=\"summary\"><h2>概况</h2><div class=\"cards\">");
    cards(h, c);
    h.push_str("</div>\n");
    unmatched(h, &c.summary.unmatched);
    if !c.criteria.is_empty() {
        criteria(h, &c.criteria, c.criteria_partial);
    }
    if !c.grades.is_empty() {
        grades(h, c);
    }
    h.push_str("<div class=\"charts\">");
    if !c.grades.is_empty() {
        h.push_str("<figure><figcaption>各等次单位数</figcaption>");
        h.push_str(&svg::hbars(&grade_bars(c), "各等次单位数", 90.0));
        h.push_str("</figure>");
    }
    if c.has_total {
        h.push_str("<figure><figcaption>总分分布</figcaption>");
        h.push_str(&svg::histogram(&histogram(c), "总分分布"));
        h.push_str("</figure>");
    }
    h.push_str("</div></section>\n");
}

/// Child rows that matched no unit (spec §18.5): said, never dropped silently.
fn unmatched(h: &mut String, unmatched: &[kaoping::table::Unmatched]) {
    for u in unmatched {
        let _ = writeln!(
            h,
            "<p class=\"warning unmatched\" data-list=\"{}\" data-count=\"{}\">明细“{}”有 {} 行不对应任何单位（第一个键“{}”），未计入。</p>",
            esc(&u.list),
            u.count,
            esc(&u.list),
            u.count,
            esc(&u.first)
        );
    }
}

/// One card: a figure and what it counts.
fn card(h: &mut String, label: &str, value: &str, attrs: &str) {
    let _ = write!(
        h,
        "<div class=\"card\" {attrs}><div class=\"v\">{}</div><div class=\"k\">{}</div></div>",
        esc(value),
        esc(label)
    );
}

/// Units, scored and failed; the mean, highest and lowest total; how many met the criteria.
fn cards(h: &mut String, c: &Contents<'_>) {
    let s = c.summary;
    card(h, "单位数", &s.rows.to_string(), "id=\"n-units\"");
    card(h, "已评分", &s.ok.to_string(), "id=\"n-ok\"");
    card(h, "未能评分", &s.failed.to_string(), "id=\"n-failed\"");
    if c.has_total {
        card(h, "平均分", &opt(&s.mean_total), "id=\"mean\"");
        card(h, "最高分", &opt(&s.highest_total), "");
        card(h, "最低分", &opt(&s.lowest_total), "");
    }
    if c.layout.passed {
        let passed = s.passed.unwrap_or(0);
        card(h, "达标", &passed.to_string(), "id=\"n-passed\"");
        card(h, "未达标", &(s.ok - passed).to_string(), "id=\"n-not-passed\"");
    }
}

/// The criteria table and a chart of the units not meeting each (`partial`: counted over the
/// units explained in full only).
fn criteria(h: &mut String, criteria: &[CriterionCount], partial: bool) {
    h.push_str("<h3>达标条件</h3>");
    if partial {
        h.push_str("<p class=\"hint\">按逐个说明的单位统计（见 --report-units）。</p>");
    }
    h.push_str("<table class=\"criteria\"><thead><tr><th>条件</th><th>达到</th><th>未达到</th><th>缺数据</th></tr></thead><tbody>");
    for c in criteria {
        let _ = write!(
            h,
            "<tr class=\"criterion-count\" data-id=\"{}\" data-met=\"{}\" data-unmet=\"{}\"><td>{}</td><td data-v=\"{}\">{}</td><td data-v=\"{}\">{}</td><td data-v=\"{}\">{}</td></tr>",
            esc(&c.id),
            c.met,
            c.unmet + c.no_data,
            esc(&c.label),
            c.met,
            c.met,
            c.unmet,
            c.unmet,
            c.no_data,
            c.no_data
        );
    }
    h.push_str("</tbody></table>\n");
    let bars: Vec<Bar> = criteria
        .iter()
        .map(|c| Bar {
            label: c.label.clone(),
            value: (c.unmet + c.no_data) as f64,
            text: (c.unmet + c.no_data).to_string(),
            color: "#d73027".into(),
            attrs: format!("class=\"unmet-bar\" data-id=\"{}\"", esc(&c.id)),
        })
        .collect();
    let widest = bars.iter().map(|b| b.label.chars().count()).max().unwrap_or(4) as f64;
    h.push_str("<figure><figcaption>各条件未达到的单位数</figcaption>");
    h.push_str(&svg::hbars(&bars, "各条件未达到的单位数", (widest * 14.0 + 12.0).clamp(80.0, 320.0)));
    h.push_str("</figure>\n");
}

/// Each grade's count and share of the scored units.
fn grades(h: &mut String, c: &Contents<'_>) {
    let ok = c.summary.ok;
    h.push_str(
        "<table class=\"grades\"><thead><tr><th>等次</th><th>单位数</th><th>占比</th></tr></thead><tbody>",
    );
    for g in &c.grades {
        let n = c.grade_count(g);
        let pct = if ok == 0 { 0.0 } else { n as f64 * 100.0 / ok as f64 };
        let _ = write!(
            h,
            "<tr><td><span class=\"grade\" style=\"background:{}\">{}</span></td><td class=\"grade-count\" data-grade=\"{}\" data-count=\"{n}\">{n}</td><td>{pct:.1}%</td></tr>",
            c.colors[g],
            esc(g),
            esc(g)
        );
    }
    h.push_str("</tbody></table>\n");
}

/// A bar per grade: its count.
fn grade_bars(c: &Contents<'_>) -> Vec<Bar> {
    c.grades
        .iter()
        .map(|g| {
            let n = c.grade_count(g);
            Bar {
                label: (*g).to_owned(),
                value: n as f64,
                text: format!("{n}"),
                color: c.colors[g].to_owned(),
                attrs: format!("class=\"grade-bar\" data-grade=\"{}\"", esc(g)),
            }
        })
        .collect()
}

/// Ten bins of the totals as a share of each row's maximum (labelled in points when every row
/// has the same maximum).
fn histogram(c: &Contents<'_>) -> Vec<Bar> {
    let totals: Vec<_> =
        c.rows.iter().filter(|r| r.error.is_none()).filter_map(|r| Some((r.total?, r.max?))).collect();
    let uniform_max = totals.first().map(|(_, m)| *m).filter(|m| totals.iter().all(|(_, x)| x == m));
    let mut bins = [0usize; 10];
    for (t, m) in &totals {
        if let Some(f) = share(*t, *m) {
            bins[((f * 10.0).floor() as usize).min(9)] += 1;
        }
    }
    bins.iter()
        .enumerate()
        .map(|(k, &n)| {
            let label = match uniform_max.and_then(|m| m.to_f64()) {
                Some(m) => format!("{}–{}", svg_num(m * k as f64 / 10.0), svg_num(m * (k + 1) as f64 / 10.0)),
                None => format!("{}–{}%", k * 10, (k + 1) * 10),
            };
            Bar {
                label,
                value: n as f64,
                text: n.to_string(),
                color: "#4575b4".into(),
                attrs: "class=\"hist-bar\"".into(),
            }
        })
        .collect()
}

/// A bin's bound, at most two places.
fn svg_num(x: f64) -> String {
    let v = (x * 100.0).round() / 100.0;
    if v == v.trunc() { format!("{}", v as i64) } else { format!("{v}") }
}
