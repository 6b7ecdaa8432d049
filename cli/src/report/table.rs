//! The units table (各单位得分): one row per unit (the first N), sortable by any column — key,
//! profile, total, grade, rank, criteria met, each first-level indicator's points, vetoes, error.

use std::fmt::Write as _;

use rust_decimal::Decimal;

use super::contents::Contents;
use super::html::{esc, opt};
use crate::output::ResultRow;

/// The units table section: every unit (`--report-units` limits the units explained, not this
/// table); in rank order in the compact report, which is read on paper.
pub fn section(h: &mut String, c: &Contents<'_>) {
    h.push_str("<section id=\"table\"><h2>各单位得分</h2>");
    if c.compact {
        h.push_str("<p class=\"hint\">按总分排名（未能评分的单位在最后）。</p>");
    } else {
        h.push_str("<p class=\"hint no-print\">点击表头排序。</p>");
    }
    h.push_str("<div class=\"scroll\"><table id=\"units\" class=\"sortable\"><thead><tr>");
    for (name, numeric) in &heads(c) {
        let id = if name == "总分" { " id=\"sort-total\"" } else { "" };
        let _ = write!(h, "<th{id} data-numeric=\"{numeric}\">{}</th>", esc(name));
    }
    h.push_str("</tr></thead><tbody>\n");
    let top = top_level(c);
    let order: Vec<usize> = if c.compact { c.ranked() } else { (0..c.rows.len()).collect() };
    for i in order {
        row(h, c, &top, i, &c.rows[i]);
    }
    h.push_str("</tbody></table></div></section>\n");
}

/// The first-level indicators (a column each).
fn top_level(c: &Contents<'_>) -> Vec<usize> {
    c.indicators.iter().enumerate().filter(|(_, i)| i.depth == 0).map(|(k, _)| k).collect()
}

/// The columns: name, and whether they sort as numbers.
fn heads(c: &Contents<'_>) -> Vec<(String, bool)> {
    let mut heads: Vec<(String, bool)> = vec![("序号".into(), true), ("单位".into(), false)];
    if c.layout.profile {
        heads.push(("片区/类别".into(), false));
    }
    if c.has_total {
        heads.extend([("总分".into(), true), ("满分".into(), true)]);
    }
    if !c.grades.is_empty() {
        heads.push(("等次".into(), false));
    }
    if c.has_total {
        heads.push(("排名".into(), true));
    }
    if c.layout.passed {
        heads.extend([("达标".into(), false), ("未达条件".into(), false)]);
    }
    for k in top_level(c) {
        heads.push((c.indicators[k].label.clone(), true));
    }
    heads.push(("一票否决".into(), false));
    heads.push(("说明".into(), false));
    heads
}

/// Unit `i`'s row of the table.
fn row(h: &mut String, c: &Contents<'_>, top: &[usize], i: usize, r: &ResultRow) {
    // Sort keys: a missing number sorts below every value.
    let num = |d: &Option<Decimal>| d.map_or_else(|| "-1".to_owned(), |d| d.to_string());
    let _ = write!(
        h,
        "<tr class=\"unit{}\" data-row=\"{}\" data-grade=\"{}\"><td data-v=\"{}\">{}</td>",
        if r.error.is_some() { " failed" } else { "" },
        r.row,
        esc(r.grade.as_deref().unwrap_or("")),
        r.row,
        r.row
    );
    let outcome = c.outcomes.get(&i);
    let key =
        if outcome.is_some() { format!("<a href=\"#u-{}\">{}</a>", r.row, esc(&r.key)) } else { esc(&r.key) };
    let _ = write!(h, "<td>{key}</td>");
    if c.layout.profile {
        let _ = write!(h, "<td>{}</td>", esc(r.profile.as_deref().unwrap_or("")));
    }
    if c.has_total {
        let _ = write!(h, "<td class=\"total\" data-v=\"{}\">{}</td>", num(&r.total), esc(&opt(&r.total)));
        let _ = write!(h, "<td data-v=\"{}\">{}</td>", num(&r.max), esc(&opt(&r.max)));
    }
    match &r.grade {
        _ if c.grades.is_empty() => {}
        Some(g) => {
            let _ = write!(
                h,
                "<td><span class=\"grade\" style=\"background:{}\">{}</span></td>",
                c.colors.get(g.as_str()).unwrap_or(&"#888"),
                esc(g)
            );
        }
        None => h.push_str("<td></td>"),
    }
    if c.has_total {
        let _ = write!(
            h,
            "<td data-v=\"{}\">{}</td>",
            r.rank.map_or(-1i64, i64::from),
            r.rank.map(|x| x.to_string()).unwrap_or_default()
        );
    }
    if c.layout.passed {
        let _ = write!(
            h,
            "<td class=\"passed\">{}</td>",
            match r.passed {
                Some(true) => "✓",
                Some(false) => "✗",
                None => "",
            }
        );
        // The criteria this unit did not meet.
        let _ = write!(h, "<td class=\"unmet\">{}</td>", esc(&c.unmet[i]));
    }
    for &k in top {
        let _ = write!(
            h,
            "<td data-v=\"{}\">{}</td>",
            num(&r.points[k]),
            esc(&r.points[k].map(|d| d.to_string()).unwrap_or_default())
        );
    }
    // A component's veto acts on that part only: named with the part it zeroed.
    let vetoes = match outcome {
        Some(o) => o
            .vetoes
            .iter()
            .map(|v| v.label.clone())
            .chain(o.component_vetoes.iter().map(|v| format!("{}（{}）", v.label, v.indicator_label)))
            .collect::<Vec<_>>()
            .join("、"),
        None => r.vetoes.iter().chain(&r.component_vetoes).cloned().collect::<Vec<_>>().join("、"),
    };
    let _ = write!(h, "<td>{}</td>", esc(&vetoes));
    // 说明: the error of a failed row, or why the grade is below the total's (a grade rule, a veto).
    let note = &c.notes[i];
    let class = if r.error.is_some() {
        "error"
    } else if note.is_empty() {
        "note"
    } else {
        "note capped"
    };
    let _ = writeln!(h, "<td class=\"{class}\">{}</td></tr>", esc(note));
}
