//! The HTML report of `kaoping diff`: one self-contained page (the scored report's style; no
//! script) showing what changed between two rulebooks over the same units — the counts, the
//! transition matrix as a heat table, the change's histogram, each profile's ups and downs as
//! stacked bars, the attribution summed over the units, the indicators that moved the most units,
//! and the biggest movers with both explanations side by side.
//!
//! Elements carry classes and `data-*` attributes (`#transitions td.cell[data-count]`,
//! `rect.delta-bar`, `rect.profile-up`, `.mover`) so that the headless-browser check can count
//! what was rendered.

use std::fmt::Write as _;

use kaoping::compare::{State, Stats};
use kaoping::{Comparison, Date, Lang};
use rust_decimal::Decimal;

use super::html::{esc, grade_color};
use super::page::CSS;
use super::svg::{self, Bar};

/// Render the comparison of the units read from `data_path`.
pub fn render(c: &Comparison, data_path: &str, as_of: Option<Date>) -> String {
    let mut h = String::with_capacity(64 * 1024);
    header(&mut h, c, data_path, as_of);
    counts(&mut h, c);
    transitions(&mut h, c);
    changes(&mut h, c);
    indicators(&mut h, c);
    movers(&mut h, c);
    let _ = writeln!(h, "<footer>kaoping {} 生成</footer></body></html>", env!("CARGO_PKG_VERSION"));
    h
}

fn rulebook_line(r: &kaoping::RulebookRef) -> String {
    let mut s = format!(
        "<code>{}</code> 版本 {} · 指纹 <code title=\"{}\">{}</code>",
        esc(&r.id),
        esc(&r.version),
        esc(&r.fingerprint),
        esc(&r.fingerprint[..r.fingerprint.len().min(12)])
    );
    if let Some(v) = &r.variant_of {
        let _ = write!(s, " · 变体：<code>{}</code>", esc(&v.changes.join(", ")));
    }
    s
}

fn header(h: &mut String, c: &Comparison, data_path: &str, as_of: Option<Date>) {
    let title = format!("{} — 规则变动比较", c.new.title);
    let _ = write!(
        h,
        r#"<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{}</title>
<script>window.addEventListener('error', function (e) {{ var d = document.documentElement; d.setAttribute('data-errors', (d.getAttribute('data-errors') || '') + e.message + ';'); }});</script>
<style>{CSS}{EXTRA}</style></head><body>
"#,
        esc(&title)
    );
    let _ = write!(h, "<header><h1>{}</h1>", esc(&title));
    let _ = write!(h, "<p class=\"meta\">旧方案 {}</p>", rulebook_line(&c.old));
    let _ = write!(h, "<p class=\"meta\">新方案 {}</p>", rulebook_line(&c.new));
    let _ = write!(h, "<p class=\"meta\">数据 <code>{}</code>", esc(data_path));
    if let Some(d) = as_of {
        let _ = write!(h, " · 评分日期 {d}");
    }
    h.push_str("</p></header>\n");
}

const EXTRA: &str = r#"
td.cell { text-align: right; min-width: 48px; font-variant-numeric: tabular-nums; }
td.cell.same { outline: 2px solid #4575b4; outline-offset: -2px; }
.movers { display: flex; flex-direction: column; gap: 8px; }
.side-by-side { display: flex; flex-wrap: wrap; gap: 16px; }
.side-by-side > div { flex: 1; min-width: 320px; }
.side-by-side h4 { margin: 4px 0; }
.up { color: #1a9850; } .down { color: #d73027; }
"#;

fn card(h: &mut String, label: &str, value: &str, id: &str) {
    let _ = write!(
        h,
        "<div class=\"card\" id=\"{id}\"><div class=\"v\">{}</div><div class=\"k\">{}</div></div>",
        esc(value),
        esc(label)
    );
}

fn signed(d: Decimal) -> String {
    if d > Decimal::ZERO { format!("+{d}") } else { d.to_string() }
}

fn counts(h: &mut String, c: &Comparison) {
    let s = &c.summary.all;
    h.push_str("<section id=\"summary\"><h2>概况</h2><div class=\"cards\">");
    card(h, "单位数", &s.units.to_string(), "n-units");
    // Totals are compared only where both results have one (not under criteria-only rulebooks).
    if s.compared > 0 {
        card(h, "两边都有总分", &s.compared.to_string(), "n-compared");
        card(h, "上升", &s.up.to_string(), "n-up");
        card(h, "下降", &s.down.to_string(), "n-down");
        card(h, "不变", &s.unchanged.to_string(), "n-unchanged");
    }
    card(h, "状态改变", &s.state_changed.to_string(), "n-changed");
    card(h, "未能评分（旧/新）", &format!("{} / {}", s.failed_old, s.failed_new), "n-failed");
    if let (Some(lo), Some(hi)) = (s.delta_min, s.delta_max) {
        card(h, "变化范围", &format!("{} … {}", signed(lo), signed(hi)), "delta-range");
        card(h, "变化合计", &signed(s.delta_sum), "delta-sum");
    }
    h.push_str("</div>");
    // The attribution summed over the units: where the cohort's change in total came from.
    let a = &c.summary.attribution;
    let parts: Vec<(String, Decimal)> = a
        .indicators
        .iter()
        .map(|(id, d)| (format!("指标 {id}"), *d))
        .chain([
            ("缺项折算".to_owned(), a.rescale),
            ("加分".to_owned(), a.bonus),
            ("扣分".to_owned(), a.penalty),
            ("总分上下限".to_owned(), a.clamp),
            ("舍入".to_owned(), a.rounding),
            ("否决".to_owned(), a.vetoes),
        ])
        .filter(|(_, d)| !d.is_zero())
        .collect();
    if !parts.is_empty() {
        h.push_str("<h3>总分变化的来源（各单位之和，精确相加等于变化合计）</h3><table id=\"attribution\"><thead><tr><th>来源</th><th>合计</th></tr></thead><tbody>");
        for (k, d) in parts {
            let _ = write!(h, "<tr><td>{}</td><td data-v=\"{d}\">{}</td></tr>", esc(&k), signed(d));
        }
        h.push_str("</tbody></table>");
    }
    h.push_str("</section>\n");
}

/// The colour of a state: grades by their place, verdicts, vetoed and failed by meaning.
fn state_color(states: &[State], s: &State) -> &'static str {
    let grades: Vec<&State> = states.iter().filter(|x| matches!(x, State::Grade(_))).collect();
    match s {
        State::Grade(_) => {
            let i = grades.iter().position(|g| *g == s).unwrap_or(0);
            grade_color(i, grades.len())
        }
        State::Passed | State::Scored => "#1a9850",
        State::NotPassed => "#f46d43",
        State::Vetoed => "#7b3294",
        State::Failed => "#777777",
    }
}

fn transitions(h: &mut String, c: &Comparison) {
    let t = &c.summary.all.transitions;
    let max = t.counts.iter().flatten().copied().max().unwrap_or(0).max(1);
    h.push_str("<section id=\"transitions-section\"><h2>状态转移</h2><p class=\"hint\">行：旧方案下的等次或状态；列：新方案下。对角线（框出）为未变。</p><div class=\"scroll\"><table id=\"transitions\"><thead><tr><th>旧 \\ 新</th>");
    for s in &t.states {
        let _ = write!(
            h,
            "<th><span class=\"grade\" style=\"background:{}\">{}</span></th>",
            state_color(&t.states, s),
            esc(&s.label_in(Lang::Zh))
        );
    }
    h.push_str("<th>合计</th></tr></thead><tbody>");
    for (i, s) in t.states.iter().enumerate() {
        let _ = write!(
            h,
            "<tr><th><span class=\"grade\" style=\"background:{}\">{}</span></th>",
            state_color(&t.states, s),
            esc(&s.label_in(Lang::Zh))
        );
        for (j, n) in t.counts[i].iter().enumerate() {
            // Heat: the share of the largest cell, as the blue's opacity.
            let alpha = (*n as f64 / max as f64 * 0.85 * 100.0).round() / 100.0;
            let ink = if alpha > 0.5 { "#fff" } else { "#222" };
            let same = if i == j { " same" } else { "" };
            let _ = write!(
                h,
                "<td class=\"cell{same}\" data-from=\"{i}\" data-to=\"{j}\" data-count=\"{n}\" style=\"background:rgba(69,117,180,{alpha});color:{ink}\">{n}</td>"
            );
        }
        let _ = write!(h, "<td data-v=\"{0}\">{0}</td></tr>", t.counts[i].iter().sum::<usize>());
    }
    h.push_str("</tbody></table></div></section>\n");
}

fn changes(h: &mut String, c: &Comparison) {
    let s = &c.summary.all;
    h.push_str("<section id=\"changes\"><h2>总分变化</h2><div class=\"charts\">");
    if s.compared > 0 {
        let bars: Vec<Bar> = s
            .buckets
            .iter()
            .map(|b| Bar {
                label: b.label.clone(),
                value: b.count as f64,
                text: b.count.to_string(),
                color: if b.hi <= Decimal::ZERO && !b.lo.is_zero() {
                    "#d73027"
                } else if b.lo.is_zero() && b.hi.is_zero() {
                    "#999999"
                } else {
                    "#1a9850"
                }
                .to_owned(),
                attrs: format!("class=\"delta-bar\" data-count=\"{}\"", b.count),
            })
            .collect();
        h.push_str("<figure><figcaption>总分变化分布（新 − 旧）</figcaption>");
        h.push_str(&svg::histogram(&bars, "总分变化分布"));
        h.push_str("</figure>");
    } else {
        h.push_str(
            "<p class=\"hint\">两个方案没有都给出总分的单位（例如只有达标条件的方案）：见状态转移。</p>",
        );
    }
    if !c.summary.profiles.is_empty() && c.summary.profiles.iter().any(|p| p.profile.is_some()) {
        h.push_str("<figure><figcaption>各片区/类别：上升、不变、下降</figcaption>");
        h.push_str(&profile_bars(c));
        h.push_str("</figure>");
    }
    h.push_str("</div></section>\n");
}

/// One stacked bar per profile: units up, unchanged (or only their state compared), down, failed.
fn profile_bars(c: &Comparison) -> String {
    let rows: Vec<(String, &Stats)> = c
        .summary
        .profiles
        .iter()
        .map(|p| (p.profile.clone().unwrap_or_else(|| "（无）".to_owned()), &p.stats))
        .collect();
    let (w, label_w, row) = (640.0, 120.0, 26.0);
    let height = row * rows.len() as f64 + 30.0;
    let max = rows.iter().map(|(_, s)| s.units).max().unwrap_or(1).max(1) as f64;
    let room = w - label_w - 60.0;
    let mut s = format!(
        r#"<svg class="chart profiles" viewBox="0 0 {w} {height}" width="{w}" height="{height}" role="img" aria-label="各片区/类别">"#
    );
    for (k, (name, st)) in rows.iter().enumerate() {
        let y = 4.0 + row * k as f64;
        let _ = write!(
            s,
            r#"<text x="{}" y="{:.1}" class="label" text-anchor="end">{}</text>"#,
            label_w - 6.0,
            y + row * 0.6,
            esc(name)
        );
        let same = st.units - st.up - st.down;
        let mut x = label_w;
        for (class, n, color, word) in [
            ("profile-up", st.up, "#1a9850", "上升"),
            ("profile-same", same, "#bbbbbb", "不变或未比较"),
            ("profile-down", st.down, "#d73027", "下降"),
        ] {
            let len = room * n as f64 / max;
            let _ = write!(
                s,
                r#"<rect class="{class}" data-count="{n}" x="{x:.1}" y="{:.1}" width="{len:.1}" height="{:.1}" fill="{color}"><title>{}</title></rect>"#,
                y + 3.0,
                row - 8.0,
                esc(&format!("{name} {word} {n}"))
            );
            x += len;
        }
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{:.1}" class="value">↑{} ↓{}</text>"#,
            x + 6.0,
            y + row * 0.6,
            st.up,
            st.down
        );
    }
    let _ = write!(
        s,
        r##"<text x="{label_w}" y="{:.1}" class="axis">绿：上升 · 灰：不变或未比较 · 红：下降</text></svg>"##,
        height - 6.0
    );
    s
}

fn indicators(h: &mut String, c: &Comparison) {
    let moved: Vec<_> = c.summary.indicators.iter().filter(|m| m.moved > 0 || m.added || m.removed).collect();
    if moved.is_empty() {
        return;
    }
    h.push_str("<section id=\"indicators\"><h2>影响单位最多的指标</h2><table><thead><tr><th>指标</th><th>名称</th><th>单位数</th><th>上升</th><th>下降</th><th>变化合计</th><th></th></tr></thead><tbody>");
    for m in moved {
        let tag = match (m.added, m.removed) {
            (true, _) => "新增",
            (_, true) => "删除",
            _ => "",
        };
        let _ = write!(
            h,
            "<tr class=\"indicator-moves\"><td><code>{}</code></td><td>{}</td><td data-v=\"{}\">{}</td><td data-v=\"{}\">{}</td><td data-v=\"{}\">{}</td><td data-v=\"{}\">{}</td><td>{tag}</td></tr>",
            esc(&m.id),
            esc(&m.label),
            m.moved,
            m.moved,
            m.up,
            m.up,
            m.down,
            m.down,
            m.delta_sum,
            signed(m.delta_sum)
        );
    }
    h.push_str("</tbody></table></section>\n");
}

fn movers(h: &mut String, c: &Comparison) {
    if c.movers.is_empty() {
        return;
    }
    h.push_str("<section id=\"movers\"><h2>变动最大的单位</h2><p class=\"hint\">按总分变化的大小，其次按状态是否改变；左为旧方案的说明，右为新方案的。</p><div class=\"movers\">");
    for m in &c.movers {
        let u = &c.units[m.unit];
        let total = |t: Option<Decimal>| t.map_or_else(|| "—".to_owned(), |t| t.to_string());
        let delta = u.delta.map(|d| {
            let class = if d > Decimal::ZERO { "up" } else { "down" };
            format!(" <span class=\"{class}\">{}</span>", signed(d))
        });
        let totals = if u.old.total.is_none() && u.new.total.is_none() {
            String::new()
        } else {
            format!(" · {} → {}{}", total(u.old.total), total(u.new.total), delta.unwrap_or_default())
        };
        let why = u.why(Lang::Zh);
        let why = if why.is_empty() { String::new() } else { format!("（{}）", esc(&why.join("；"))) };
        let _ = write!(
            h,
            "<div class=\"unit-card mover\" data-row=\"{}\"><h3>{} <small>第 {} 行{totals} · {} → {}{why}</small></h3><div class=\"side-by-side\">",
            u.row,
            esc(&u.key),
            u.row,
            esc(&u.old.state.label_in(Lang::Zh)),
            esc(&u.new.state.label_in(Lang::Zh))
        );
        for (word, side) in [("旧方案", &m.old), ("新方案", &m.new)] {
            let text = match side {
                Ok(o) => kaoping::explain(o, Lang::Zh),
                Err(e) => format!("未能评分：{e}"),
            };
            let _ = write!(h, "<div><h4>{word}</h4><pre class=\"explain\">{}</pre></div>", esc(&text));
        }
        h.push_str("</div></div>");
    }
    h.push_str("</div></section>\n");
}
