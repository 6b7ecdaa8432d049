//! A comparison in words, one language at a time: what the command prints and Python's `str()`
//! shows — the two rulebooks, the counts, the transition matrix, the change's distribution, the
//! attribution summed over the units, each profile, the indicators that moved the most units,
//! and the biggest movers.

use std::fmt::Write as _;

use rust_decimal::Decimal;

use super::summary::Stats;
use super::{Comparison, State};
use crate::lang::Lang;
use crate::render::{pad, width};

impl State {
    /// The state in one language (a grade is its label).
    pub fn label_in(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        match self {
            State::Grade(g) => g.clone(),
            State::Passed => (if zh { "达标" } else { "passed" }).to_owned(),
            State::NotPassed => (if zh { "未达标" } else { "not passed" }).to_owned(),
            State::Scored => (if zh { "已评分" } else { "scored" }).to_owned(),
            State::Vetoed => (if zh { "否决" } else { "vetoed" }).to_owned(),
            State::Failed => (if zh { "未能评分" } else { "failed" }).to_owned(),
        }
    }
}

/// A change with its sign: `+1.50`, `-0.25`, `0`.
fn signed(d: Decimal) -> String {
    if d > Decimal::ZERO { format!("+{d}") } else { d.to_string() }
}

impl Comparison {
    /// The comparison in words: one language, the summary and the biggest movers (each unit's
    /// figures are in [`Comparison::table`] and the JSON).
    pub fn text(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        let mut s = String::new();
        let name = |r: &crate::outcome::RulebookRef| {
            let changes = r.variant_of.as_ref().map(|v| v.changes.join(", ")).unwrap_or_default();
            if changes.is_empty() {
                format!("{} {}", r.id, r.version)
            } else if zh {
                format!("{} {}（{changes}）", r.id, r.version)
            } else {
                format!("{} {} ({changes})", r.id, r.version)
            }
        };
        let (old, new) = (name(&self.old), name(&self.new));
        let _ = writeln!(s, "{} {old} → {new}", if zh { "比较" } else { "compared" });
        stats_lines(&mut s, &self.summary.all, lang, "");
        // The transition matrix, rows the old states, columns the new ones; states no unit is in
        // on either side are left out.
        let t = &self.summary.all.transitions;
        let n = t.states.len();
        let used: Vec<usize> =
            (0..n).filter(|&i| (0..n).any(|j| t.counts[i][j] > 0 || t.counts[j][i] > 0)).collect();
        if !used.is_empty() {
            let _ = writeln!(
                s,
                "{}",
                if zh {
                    "状态转移（行：旧方案，列：新方案）："
                } else {
                    "transitions (rows: old, columns: new):"
                }
            );
            let labels: Vec<String> = t.states.iter().map(|st| st.label_in(lang)).collect();
            let first = used.iter().map(|&i| width(&labels[i])).max().unwrap_or(0) + 2;
            let cols: Vec<usize> = used.iter().map(|&j| width(&labels[j]).max(4) + 2).collect();
            let mut head = pad("", first + 2, true);
            for (k, &j) in used.iter().enumerate() {
                head.push_str(&pad(&labels[j], cols[k], false));
            }
            let _ = writeln!(s, "{}", head.trim_end());
            for &i in &used {
                let mut line = format!("  {}", pad(&labels[i], first, true));
                for (k, &j) in used.iter().enumerate() {
                    line.push_str(&pad(&t.counts[i][j].to_string(), cols[k], false));
                }
                let _ = writeln!(s, "{line}");
            }
        }
        let all = &self.summary.all;
        if all.compared > 0 {
            let _ = writeln!(s, "{}", if zh { "总分变化分布：" } else { "change in total:" });
            let w = all.buckets.iter().map(|b| width(&b.label)).max().unwrap_or(0) + 2;
            for b in &all.buckets {
                let _ = writeln!(s, "  {}{}", pad(&b.label, w, true), b.count);
            }
            let a = &self.summary.attribution;
            let named = [
                (if zh { "缺项折算" } else { "rescaling" }, a.rescale),
                (if zh { "加分" } else { "bonus" }, a.bonus),
                (if zh { "扣分" } else { "penalty" }, a.penalty),
                (if zh { "总分上下限" } else { "clamp" }, a.clamp),
                (if zh { "舍入" } else { "rounding" }, a.rounding),
                (if zh { "否决" } else { "vetoes" }, a.vetoes),
            ];
            let parts: Vec<String> = a
                .indicators
                .iter()
                .map(|(id, d)| (id.as_str(), *d))
                .chain(named)
                .filter(|(_, d)| !d.is_zero())
                .map(|(k, d)| format!("{k} {}", signed(d)))
                .collect();
            if !parts.is_empty() {
                let _ = writeln!(
                    s,
                    "{}{}",
                    if zh { "归因（各单位之和）：" } else { "attribution (summed over units): " },
                    parts.join(if zh { "；" } else { "; " })
                );
            }
        }
        if self.summary.profiles.len() > 1 || self.summary.profiles.iter().any(|p| p.profile.is_some()) {
            let _ = writeln!(s, "{}", if zh { "按片区/类别：" } else { "per profile:" });
            for p in &self.summary.profiles {
                let name = match (&p.profile, zh) {
                    (Some(p), _) => p.clone(),
                    (None, true) => "（无片区）".to_owned(),
                    (None, false) => "(none)".to_owned(),
                };
                stats_lines(&mut s, &p.stats, lang, &format!("  {name}{}", if zh { "：" } else { ": " }));
            }
        }
        let moved: Vec<&super::IndicatorMoves> =
            self.summary.indicators.iter().filter(|m| m.moved > 0).collect();
        if !moved.is_empty() {
            let _ = writeln!(
                s,
                "{}",
                if zh { "影响单位最多的指标：" } else { "indicators that moved the most units:" }
            );
            for m in moved.iter().take(10) {
                let _ = writeln!(
                    s,
                    "  {}{}{}",
                    m.id,
                    if zh { format!("（{}）", m.label) } else { format!(" ({})", m.label) },
                    if zh {
                        format!(
                            "：{} 个单位（升 {}，降 {}），合计 {}",
                            m.moved,
                            m.up,
                            m.down,
                            signed(m.delta_sum)
                        )
                    } else {
                        format!(
                            ": {} units ({} up, {} down), sum {}",
                            m.moved,
                            m.up,
                            m.down,
                            signed(m.delta_sum)
                        )
                    }
                );
            }
        }
        let ids = |v: &[String]| v.join(", ");
        if !self.summary.added.is_empty() {
            let _ = writeln!(
                s,
                "{}{}",
                if zh { "新增指标：" } else { "added indicators: " },
                ids(&self.summary.added)
            );
        }
        if !self.summary.removed.is_empty() {
            let _ = writeln!(
                s,
                "{}{}",
                if zh { "删除指标：" } else { "removed indicators: " },
                ids(&self.summary.removed)
            );
        }
        if !self.movers.is_empty() {
            let _ = writeln!(s, "{}", if zh { "变动最大的单位：" } else { "biggest movers:" });
            for m in &self.movers {
                let u = &self.units[m.unit];
                let total = |t: Option<Decimal>| t.map_or_else(|| "—".to_owned(), |t| t.to_string());
                let (from, to) = (u.old.state.label_in(lang), u.new.state.label_in(lang));
                let totals = if u.old.total.is_none() && u.new.total.is_none() {
                    String::new()
                } else if zh {
                    format!(
                        "{} → {}{}；",
                        total(u.old.total),
                        total(u.new.total),
                        u.delta.map(|d| format!("（{}）", signed(d))).unwrap_or_default()
                    )
                } else {
                    format!(
                        "{} → {}{}; ",
                        total(u.old.total),
                        total(u.new.total),
                        u.delta.map(|d| format!(" ({})", signed(d))).unwrap_or_default()
                    )
                };
                let why = why(u, lang);
                let _ = if zh {
                    writeln!(s, "  第 {} 行 {}：{totals}{from} → {to}{why}", u.row, u.key)
                } else {
                    writeln!(s, "  row {} {}: {totals}{from} → {to}{why}", u.row, u.key)
                };
            }
        }
        s
    }
}

/// The counts of a set of units on one line (after `lead`).
fn stats_lines(s: &mut String, st: &Stats, lang: Lang, lead: &str) {
    let zh = lang == Lang::Zh;
    let range = match (st.delta_min, st.delta_max) {
        (Some(lo), Some(hi)) if zh => {
            format!("，变化 {} 至 {}，合计 {}", signed(lo), signed(hi), signed(st.delta_sum))
        }
        (Some(lo), Some(hi)) => {
            format!(", change {} to {}, sum {}", signed(lo), signed(hi), signed(st.delta_sum))
        }
        _ => String::new(),
    };
    // Totals are compared only where both results have one (not under criteria-only rulebooks).
    let compared = match (st.compared, zh) {
        (0, _) => String::new(),
        (n, true) => format!(
            "，两边都有总分的 {n} 个（上升 {}，下降 {}，不变 {}{range}）",
            st.up, st.down, st.unchanged
        ),
        (n, false) => {
            format!(": {n} compared ({} up, {} down, {} unchanged{range})", st.up, st.down, st.unchanged)
        }
    };
    let (units, old, new, changed) = (st.units, st.failed_old, st.failed_new, st.state_changed);
    let _ = if zh {
        writeln!(s, "{lead}{units} 个单位{compared}；未能评分：旧 {old}，新 {new}；状态改变 {changed} 个")
    } else {
        writeln!(s, "{lead}{units} units{compared}; failed: {old} old, {new} new; state changed: {changed}")
    };
}

impl super::UnitDiff {
    /// Why its state changed, in words, one part each: criteria whose verdict changed, vetoes
    /// that started or stopped firing (empty when none did).
    pub fn why(&self, lang: Lang) -> Vec<String> {
        let zh = lang == Lang::Zh;
        let verdict = |v: Option<bool>| match (v, zh) {
            (Some(true), true) => "成立",
            (Some(false), true) => "不成立",
            (None, true) => "无此条件",
            (Some(true), false) => "holds",
            (Some(false), false) => "fails",
            (None, false) => "absent",
        };
        let mut parts: Vec<String> = Vec::new();
        for c in &self.criteria_changed {
            parts.push(if zh {
                format!("条件 {}：{} → {}", c.id, verdict(c.old), verdict(c.new))
            } else {
                format!("criterion {}: {} → {}", c.id, verdict(c.old), verdict(c.new))
            });
        }
        for v in &self.vetoes_started {
            parts.push(if zh { format!("否决 {v} 开始触发") } else { format!("veto {v} now fires") });
        }
        for v in &self.vetoes_stopped {
            parts.push(if zh {
                format!("否决 {v} 不再触发")
            } else {
                format!("veto {v} no longer fires")
            });
        }
        parts
    }
}

/// [`UnitDiff::why`](super::UnitDiff::why) in brackets after a line (empty when nothing to say).
fn why(u: &super::UnitDiff, lang: Lang) -> String {
    let parts = u.why(lang);
    match (parts.is_empty(), lang == Lang::Zh) {
        (true, _) => String::new(),
        (false, true) => format!("（{}）", parts.join("；")),
        (false, false) => format!(" ({})", parts.join("; ")),
    }
}
