//! The HTML report of a scored file: one self-contained page (inline CSS, SVG and a few lines of
//! script for sorting; nothing fetched at view time). It shows a summary (count per grade, mean,
//! a histogram of totals), a table of units sortable by total with grade colours, the points
//! lost per indicator across the cohort, and each unit's explanation with a radar chart of its
//! first-level indicators.
//!
//! Elements carry classes and `data-*` attributes (`tr.unit`, `rect.lost-bar`, `.grade-count`)
//! so that the headless-browser check can count what was rendered.

pub mod svg;

use std::collections::HashMap;
use std::fmt::Write as _;

use kaoping::{Date, Lang, Outcome, Rulebook};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};

use crate::output::ResultRow;
use crate::score::{Scored, layout};
use svg::Bar;

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

fn share(part: Decimal, whole: Decimal) -> Option<f64> {
    if whole.is_zero() { None } else { (part / whole).to_f64() }
}

fn round_half_up(d: Decimal, scale: u32) -> Decimal {
    d.round_dp_with_strategy(scale, RoundingStrategy::MidpointAwayFromZero)
}

fn opt(d: &Option<Decimal>) -> String {
    d.map_or_else(|| "—".to_owned(), |d| d.to_string())
}

/// Render the report.
pub fn render(
    rb: &Rulebook,
    scored: &Scored,
    data_path: &str,
    units: usize,
    as_of: Option<Date>,
    ignored: &[kaoping::NotAnInput],
) -> String {
    let layout = layout(rb, true);
    let rows: Vec<ResultRow> = (0..scored.len()).map(|i| scored.result_row(i, &layout)).collect();
    let indicators = rb.indicators();
    let grades = rb.grades();
    let gcolor: HashMap<&str, &str> =
        grades.iter().enumerate().map(|(i, g)| (*g, grade_color(i, grades.len()))).collect();
    let scale = rb.scale();

    // Full explanations for the first `units` rows, and one row of each profile (for its maxima).
    let mut outcomes: HashMap<usize, Outcome> = HashMap::new();
    let mut profile_max: HashMap<Option<String>, Vec<Decimal>> = HashMap::new();
    for (i, row) in rows.iter().enumerate() {
        let want = i < units || (row.error.is_none() && !profile_max.contains_key(&row.profile));
        if !want {
            continue;
        }
        let Some(b) = scored.slot(i) else { continue };
        if let Ok(o) = scored.batch.explain(b, &scored.records[b]) {
            profile_max.entry(o.profile.clone()).or_insert_with(|| o.nodes.iter().map(|n| n.max).collect());
            if i < units {
                outcomes.insert(i, o);
            }
        }
    }

    // Summary figures.
    let ok: Vec<&ResultRow> = rows.iter().filter(|r| r.error.is_none()).collect();
    let failed = rows.len() - ok.len();
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for r in &ok {
        if let Some(g) = &r.grade {
            *counts.entry(g.as_str()).or_default() += 1;
        }
    }
    let totals: Vec<(Decimal, Decimal)> = ok.iter().filter_map(|r| Some((r.total?, r.max?))).collect();
    let mean = (!totals.is_empty()).then(|| {
        let sum: Decimal = totals.iter().map(|(t, _)| *t).sum();
        round_half_up(sum / Decimal::from(totals.len() as u64), scale)
    });
    let lowest = totals.iter().map(|(t, _)| *t).min();
    let highest = totals.iter().map(|(t, _)| *t).max();
    let passed = ok.iter().filter(|r| r.passed == Some(true)).count();
    // Criteria-only rulebooks (exit decisions) have no total, maximum or grades: the report then
    // shows what they decide — each criterion met or not — instead of empty score charts.
    let has_total = rows.iter().any(|r| r.total.is_some() || r.max.is_some());
    let criteria = criteria_counts(&outcomes);

    // Points lost per leaf across the cohort: Σ (profile max − points) over rows where it applies.
    let leaves: Vec<usize> =
        indicators.iter().enumerate().filter(|(_, i)| i.is_leaf).map(|(k, _)| k).collect();
    let mut lost = vec![(Decimal::ZERO, 0usize); indicators.len()];
    for r in &ok {
        let Some(maxes) = profile_max.get(&r.profile) else { continue };
        for &k in &leaves {
            if let (Some(p), Some(m)) = (r.points[k], maxes.get(k)) {
                lost[k].0 += *m - p;
                lost[k].1 += 1;
            }
        }
    }

    let mut h = String::with_capacity(64 * 1024 + rows.len() * 400);
    let title = format!("{} — 评分报告", rb.title());
    let _ = write!(
        h,
        r#"<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{}</title>
<script>window.addEventListener('error', function (e) {{ var d = document.documentElement; d.setAttribute('data-errors', (d.getAttribute('data-errors') || '') + e.message + ';'); }});</script>
<style>{CSS}</style></head><body>
"#,
        esc(&title)
    );
    let _ = write!(h, "<header><h1>{}</h1><p class=\"meta\">", esc(&title));
    let _ = write!(
        h,
        "方案 <code>{}</code> 版本 {} · 指纹 <code title=\"{}\">{}</code>",
        esc(rb.id()),
        esc(rb.version()),
        esc(rb.fingerprint()),
        esc(&rb.fingerprint()[..rb.fingerprint().len().min(12)])
    );
    if let Some(src) = rb.source() {
        let _ = write!(h, " · 依据 {}", esc(src));
    }
    let shown_as_of = as_of.or_else(|| outcomes.values().next().and_then(|o| o.as_of));
    if let Some(d) = shown_as_of {
        let _ = write!(h, " · 评分日期 {d}");
    }
    let _ = write!(h, " · 数据 <code>{}</code></p>", esc(data_path));
    if rb.is_illustrative() {
        h.push_str("<p class=\"notice\">示例方案：分值与阈值为说明用的示例数字，非官方分值表。</p>");
    }
    if !ignored.is_empty() {
        // A misspelt header leaves its input at its default: never hidden from the reader.
        h.push_str("<div class=\"notice\" id=\"ignored-columns\"><p>以下列不是考核方案的输入，评分时已忽略：</p><ul>");
        for c in ignored {
            let _ = write!(h, "<li>{}</li>", esc(&c.column_warning(kaoping::Lang::Zh)));
        }
        h.push_str("</ul></div>");
    }
    h.push_str("</header>\n");

    // Summary.
    h.push_str("<section id=\"summary\"><h2>概况</h2><div class=\"cards\">");
    let card = |h: &mut String, label: &str, value: &str, attrs: &str| {
        let _ = write!(
            h,
            "<div class=\"card\" {attrs}><div class=\"v\">{}</div><div class=\"k\">{}</div></div>",
            esc(value),
            esc(label)
        );
    };
    card(&mut h, "单位数", &rows.len().to_string(), "id=\"n-units\"");
    card(&mut h, "已评分", &ok.len().to_string(), "id=\"n-ok\"");
    card(&mut h, "未能评分", &failed.to_string(), "id=\"n-failed\"");
    if has_total {
        card(&mut h, "平均分", &opt(&mean), "id=\"mean\"");
        card(&mut h, "最高分", &opt(&highest), "");
        card(&mut h, "最低分", &opt(&lowest), "");
    }
    if layout.passed {
        card(&mut h, "达标", &passed.to_string(), "id=\"n-passed\"");
        card(&mut h, "未达标", &(ok.len() - passed).to_string(), "id=\"n-not-passed\"");
    }
    h.push_str("</div>\n");
    if !criteria.is_empty() {
        criteria_summary(&mut h, &criteria, outcomes.len() < ok.len());
    }
    if !grades.is_empty() {
        h.push_str("<table class=\"grades\"><thead><tr><th>等次</th><th>单位数</th><th>占比</th></tr></thead><tbody>");
        for g in &grades {
            let c = counts.get(g).copied().unwrap_or(0);
            let pct = if ok.is_empty() { 0.0 } else { c as f64 * 100.0 / ok.len() as f64 };
            let _ = write!(
                h,
                "<tr><td><span class=\"grade\" style=\"background:{}\">{}</span></td><td class=\"grade-count\" data-grade=\"{}\" data-count=\"{c}\">{c}</td><td>{pct:.1}%</td></tr>",
                gcolor[g],
                esc(g),
                esc(g)
            );
        }
        h.push_str("</tbody></table>\n");
    }
    let grade_bars: Vec<Bar> = grades
        .iter()
        .map(|g| {
            let c = counts.get(g).copied().unwrap_or(0);
            Bar {
                label: (*g).to_owned(),
                value: c as f64,
                text: format!("{c}"),
                color: gcolor[g].to_owned(),
                attrs: format!("class=\"grade-bar\" data-grade=\"{}\"", esc(g)),
            }
        })
        .collect();
    h.push_str("<div class=\"charts\">");
    if !grades.is_empty() {
        h.push_str("<figure><figcaption>各等次单位数</figcaption>");
        h.push_str(&svg::hbars(&grade_bars, "各等次单位数", 90.0));
        h.push_str("</figure>");
    }
    // Histogram of totals as a share of each row's maximum, ten bins.
    let uniform_max = totals.first().map(|(_, m)| *m).filter(|m| totals.iter().all(|(_, x)| x == m));
    let mut bins = [0usize; 10];
    for (t, m) in &totals {
        if let Some(f) = share(*t, *m) {
            bins[((f * 10.0).floor() as usize).min(9)] += 1;
        }
    }
    let hist: Vec<Bar> = bins
        .iter()
        .enumerate()
        .map(|(k, &c)| {
            let label = match uniform_max.and_then(|m| m.to_f64()) {
                Some(m) => format!("{}–{}", svg_num(m * k as f64 / 10.0), svg_num(m * (k + 1) as f64 / 10.0)),
                None => format!("{}–{}%", k * 10, (k + 1) * 10),
            };
            Bar {
                label,
                value: c as f64,
                text: c.to_string(),
                color: "#4575b4".into(),
                attrs: "class=\"hist-bar\"".into(),
            }
        })
        .collect();
    if has_total {
        h.push_str("<figure><figcaption>总分分布</figcaption>");
        h.push_str(&svg::histogram(&hist, "总分分布"));
        h.push_str("</figure>");
    }
    h.push_str("</div></section>\n");

    // Units table.
    let top: Vec<usize> =
        indicators.iter().enumerate().filter(|(_, i)| i.depth == 0).map(|(k, _)| k).collect();
    let listed = rows.len().min(units.max(1));
    h.push_str("<section id=\"table\"><h2>各单位得分</h2>");
    if listed < rows.len() {
        let _ = write!(
            h,
            "<p class=\"notice\">仅列出前 {listed} 个单位（共 {} 个）；概况与图表包含全部单位。</p>",
            rows.len()
        );
    }
    h.push_str("<p class=\"hint\">点击表头排序。</p><div class=\"scroll\"><table id=\"units\" class=\"sortable\"><thead><tr>");
    let mut heads: Vec<(String, bool)> = vec![("序号".into(), true), ("单位".into(), false)];
    if layout.profile {
        heads.push(("片区/类别".into(), false));
    }
    if has_total {
        heads.extend([("总分".into(), true), ("满分".into(), true)]);
    }
    if !grades.is_empty() {
        heads.push(("等次".into(), false));
    }
    if has_total {
        heads.push(("排名".into(), true));
    }
    if layout.passed {
        heads.extend([("达标".into(), false), ("未达条件".into(), false)]);
    }
    for &k in &top {
        heads.push((indicators[k].label.clone(), true));
    }
    heads.push(("一票否决".into(), false));
    heads.push(("说明".into(), false));
    for (name, numeric) in &heads {
        let id = if name == "总分" { " id=\"sort-total\"" } else { "" };
        let _ = write!(h, "<th{id} data-numeric=\"{numeric}\">{}</th>", esc(name));
    }
    h.push_str("</tr></thead><tbody>\n");
    for (i, r) in rows.iter().enumerate().take(listed) {
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
        let key = if outcomes.contains_key(&i) {
            format!("<a href=\"#u-{}\">{}</a>", r.row, esc(&r.key))
        } else {
            esc(&r.key)
        };
        let _ = write!(h, "<td>{key}</td>");
        if layout.profile {
            let _ = write!(h, "<td>{}</td>", esc(r.profile.as_deref().unwrap_or("")));
        }
        if has_total {
            let _ =
                write!(h, "<td class=\"total\" data-v=\"{}\">{}</td>", num(&r.total), esc(&opt(&r.total)));
            let _ = write!(h, "<td data-v=\"{}\">{}</td>", num(&r.max), esc(&opt(&r.max)));
        }
        match &r.grade {
            _ if grades.is_empty() => {}
            Some(g) => {
                let _ = write!(
                    h,
                    "<td><span class=\"grade\" style=\"background:{}\">{}</span></td>",
                    gcolor.get(g.as_str()).unwrap_or(&"#888"),
                    esc(g)
                );
            }
            None => h.push_str("<td></td>"),
        }
        if has_total {
            let _ = write!(
                h,
                "<td data-v=\"{}\">{}</td>",
                r.rank.map_or(-1i64, i64::from),
                r.rank.map(|x| x.to_string()).unwrap_or_default()
            );
        }
        if layout.passed {
            let _ = write!(
                h,
                "<td class=\"passed\">{}</td>",
                match r.passed {
                    Some(true) => "✓",
                    Some(false) => "✗",
                    None => "",
                }
            );
            // The criteria this unit did not meet (known for the units explained in full).
            let unmet = outcomes.get(&i).map_or_else(String::new, |o| {
                o.criteria
                    .iter()
                    .filter(|c| !c.holds)
                    .map(|c| if c.no_data { format!("{}（缺数据）", c.label) } else { c.label.clone() })
                    .collect::<Vec<_>>()
                    .join("、")
            });
            let _ = write!(h, "<td class=\"unmet\">{}</td>", esc(&unmet));
        }
        for &k in &top {
            let _ = write!(
                h,
                "<td data-v=\"{}\">{}</td>",
                num(&r.points[k]),
                esc(&r.points[k].map(|d| d.to_string()).unwrap_or_default())
            );
        }
        // A component's veto acts on that part only: named with the part it zeroed.
        let vetoes = match outcomes.get(&i) {
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
        let _ = writeln!(h, "<td class=\"error\">{}</td></tr>", esc(r.error.as_deref().unwrap_or("")));
    }
    h.push_str("</tbody></table></div></section>\n");

    // Points lost per indicator.
    let leaf_bars: Vec<Bar> = leaves
        .iter()
        .map(|&k| {
            let info = &indicators[k];
            let (sum, n) = lost[k];
            let mean_lost =
                if n == 0 { Decimal::ZERO } else { round_half_up(sum / Decimal::from(n as u64), scale) };
            let pct = share(mean_lost, info.points).map_or(0.0, |f| f * 100.0);
            Bar {
                label: info.label.clone(),
                value: mean_lost.to_f64().unwrap_or(0.0),
                text: format!("平均失分 {mean_lost} / {}（{pct:.0}%）", info.points),
                color: "#d73027".into(),
                attrs: format!("class=\"lost-bar\" data-id=\"{}\" data-lost=\"{mean_lost}\"", esc(&info.id)),
            }
        })
        .collect();
    if !leaf_bars.is_empty() {
        h.push_str("<section id=\"lost\"><h2>各指标失分（每个单位平均）</h2>");
        h.push_str("<p class=\"hint\">失分 = 该单位所在片区/类别的分值 − 得分；不适用的单位不计入。</p>");
        let widest = leaf_bars.iter().map(|b| b.label.chars().count()).max().unwrap_or(4) as f64;
        h.push_str(&svg::hbars(&leaf_bars, "各指标平均失分", (widest * 14.0 + 12.0).clamp(80.0, 320.0)));
        h.push_str("</section>\n");
    }

    // Each unit explained.
    h.push_str("<section id=\"units-explained\"><h2>逐个单位说明</h2>");
    for (i, r) in rows.iter().enumerate().take(units) {
        let _ = write!(
            h,
            "<article class=\"unit-card\" id=\"u-{}\"><h3>{} <small>第 {} 行</small></h3>",
            r.row,
            esc(&r.key),
            r.row
        );
        match outcomes.get(&i) {
            Some(o) => {
                let color = o.grade.as_deref().and_then(|g| gcolor.get(g)).copied().unwrap_or("#4575b4");
                h.push_str("<p class=\"score\">");
                if has_total {
                    let _ = write!(h, "总分 <b>{}</b> / {}", esc(&opt(&o.total)), esc(&opt(&o.max)));
                } else if let Some(p) = o.passed {
                    h.push_str(if p { "<b>达标</b>" } else { "<b>未达标</b>" });
                }
                if let Some(g) = &o.grade {
                    let _ = write!(
                        h,
                        " · 等次 <span class=\"grade\" style=\"background:{color}\">{}</span>",
                        esc(g)
                    );
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
                let _ =
                    write!(h, "<pre class=\"explain\">{}</pre></div>", esc(&kaoping::explain(o, Lang::Zh)));
            }
            None => {
                let _ =
                    write!(h, "<p class=\"error\">未能评分：{}</p>", esc(r.error.as_deref().unwrap_or("")));
            }
        }
        h.push_str("</article>\n");
    }
    if rows.len() > units {
        let _ = write!(
            h,
            "<p class=\"notice\">其余 {} 个单位的说明未列出（可用 --report-units 调整，或用 kaoping explain 查看单个单位）。</p>",
            rows.len() - units
        );
    }
    h.push_str("</section>\n");
    let _ = writeln!(
        h,
        "<footer>kaoping {} 生成</footer><script>{SCRIPT}</script></body></html>",
        env!("CARGO_PKG_VERSION")
    );
    h
}

/// How often each criterion was met among the units explained in full.
struct CriterionCount {
    id: String,
    label: String,
    met: usize,
    unmet: usize,
    no_data: usize,
}

/// Criteria in the rulebook's order, counted over the explained units (in row order).
fn criteria_counts(outcomes: &HashMap<usize, Outcome>) -> Vec<CriterionCount> {
    let mut keys: Vec<&usize> = outcomes.keys().collect();
    keys.sort();
    let mut out: Vec<CriterionCount> = Vec::new();
    for o in keys.into_iter().map(|k| &outcomes[k]) {
        for c in &o.criteria {
            let at = match out.iter().position(|x| x.id == c.id) {
                Some(at) => at,
                None => {
                    out.push(CriterionCount {
                        id: c.id.clone(),
                        label: if c.label.is_empty() { c.id.clone() } else { c.label.clone() },
                        met: 0,
                        unmet: 0,
                        no_data: 0,
                    });
                    out.len() - 1
                }
            };
            let n = &mut out[at];
            match (c.holds, c.no_data) {
                (true, _) => n.met += 1,
                (false, true) => n.no_data += 1,
                (false, false) => n.unmet += 1,
            }
        }
    }
    out
}

/// The criteria table and a chart of the units not meeting each.
fn criteria_summary(h: &mut String, criteria: &[CriterionCount], partial: bool) {
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

fn svg_num(x: f64) -> String {
    let v = (x * 100.0).round() / 100.0;
    if v == v.trunc() { format!("{}", v as i64) } else { format!("{v}") }
}

const CSS: &str = r#"
body { font-family: "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif; margin: 0 auto; max-width: 1200px; padding: 16px 24px; color: #222; }
h1 { font-size: 1.5em; margin: 0.3em 0; } h2 { border-bottom: 2px solid #4575b4; padding-bottom: 4px; margin-top: 1.6em; }
.meta { color: #555; font-size: 0.9em; } code { background: #f3f3f3; padding: 0 3px; }
.notice { background: #fff6d5; border-left: 4px solid #e6b400; padding: 6px 10px; }
.hint { color: #777; font-size: 0.85em; }
.cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 10px 0; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: 8px 14px; min-width: 90px; text-align: center; }
.card .v { font-size: 1.4em; font-weight: bold; } .card .k { color: #666; font-size: 0.85em; }
.grade { color: #fff; padding: 1px 8px; border-radius: 10px; white-space: nowrap; font-size: 0.9em; }
table { border-collapse: collapse; font-size: 0.9em; }
th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: left; white-space: nowrap; }
td.error { white-space: normal; min-width: 240px; }
.scroll { overflow-x: auto; }
th { background: #f0f4fa; }
table.sortable th { cursor: pointer; user-select: none; }
table.sortable th::after { content: " ⇅"; color: #aaa; }
table.sortable th.asc::after { content: " ▲"; color: #333; } table.sortable th.desc::after { content: " ▼"; color: #333; }
td[data-v] { text-align: right; font-variant-numeric: tabular-nums; }
tr.failed td { background: #fdecea; } td.error { color: #b00; font-size: 0.85em; }
.charts { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
figure { margin: 8px 0; } figcaption { font-weight: bold; margin-bottom: 4px; }
svg.chart text { font-size: 12px; fill: #333; } svg.chart text.axis { fill: #666; font-size: 11px; }
.unit-card { border: 1px solid #ddd; border-radius: 6px; padding: 8px 14px; margin: 12px 0; }
.unit-card h3 { margin: 4px 0; } .unit-card small { color: #888; font-weight: normal; }
.unit-body { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
pre.explain { white-space: pre-wrap; font-family: inherit; font-size: 0.85em; line-height: 1.5; flex: 1; min-width: 320px; margin: 0; }
footer { color: #999; font-size: 0.8em; margin: 2em 0 1em; }
"#;

const SCRIPT: &str = r#"
(function () {
  var table = document.getElementById('units');
  if (!table) return;
  var heads = table.tHead.rows[0].cells;
  Array.prototype.forEach.call(heads, function (th, col) {
    th.addEventListener('click', function () {
      var numeric = th.getAttribute('data-numeric') === 'true';
      var dir = th.classList.contains('desc') ? 'asc' : 'desc';
      Array.prototype.forEach.call(heads, function (h) { h.classList.remove('asc', 'desc'); });
      th.classList.add(dir);
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = a.cells[col], y = b.cells[col], c;
        if (numeric) { c = parseFloat(x.getAttribute('data-v')) - parseFloat(y.getAttribute('data-v')); }
        else { c = x.textContent.localeCompare(y.textContent, 'zh-CN'); }
        return dir === 'asc' ? c : -c;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
  // A link to report.html#sort=total opens the table sorted by total, best first.
  var byTotal = document.getElementById('sort-total');
  if (location.hash === '#sort=total' && byTotal) byTotal.click();
})();
"#;
