//! Advice in words, Chinese and English: each change, what it does to the points, the result it
//! gives; the blockers; why a goal is out of reach.

use rust_decimal::Decimal;

use super::goal::{Goal, Hurdle};
use super::{
    Advice, AdviseOptions, Blocker, BlockerKind, Change, Effect, EffectKind, Unreachable, UnreachableReason,
};
use crate::input::Value;
use crate::lang::Lang;
use crate::outcome::Outcome;
use crate::rulebook::{Rulebook, ScoreOptions};

/// A value as text: decimals as written (`85.00`), text as is.
pub(super) fn value(v: &Value) -> String {
    match v {
        Value::Text(t) => t.clone(),
        other => other.to_string(),
    }
}

fn number(v: &Value) -> Option<Decimal> {
    match v {
        Value::Integer(i) => Some(Decimal::from(*i)),
        Value::Decimal(d) => Some(*d),
        _ => None,
    }
}

/// `to − from` for numbers.
pub(super) fn delta(from: &Value, to: &Value) -> Option<Decimal> {
    number(to)?.checked_sub(number(from)?)
}

fn signed(d: Decimal) -> String {
    if d.is_sign_negative() { format!("{d}") } else { format!("+{d}") }
}

fn opt(d: Option<Decimal>) -> String {
    d.map_or_else(|| "—".to_owned(), |d| d.to_string())
}

/// The indicators and bonus and penalty items whose points differ, in the result's order:
/// leaves only (their parents' sums would repeat them).
pub(super) fn effects(before: &Outcome, after: &Outcome) -> Vec<Effect> {
    let mut out = Vec::new();
    let nodes = &after.nodes;
    for (i, n) in nodes.iter().enumerate() {
        let leaf = nodes.get(i + 1).is_none_or(|next| next.depth <= n.depth);
        let was = before.nodes.iter().find(|b| b.id == n.id).and_then(|b| b.points);
        if leaf && was != n.points {
            let delta = n.points.unwrap_or_default() - was.unwrap_or_default();
            let (id, label) = (n.id.clone(), n.label.clone());
            out.push(Effect { kind: EffectKind::Indicator, id, label, from: was, to: n.points, delta });
        }
    }
    for (kind, items, was_items) in [
        (EffectKind::Bonus, &after.bonus_items, &before.bonus_items),
        (EffectKind::Penalty, &after.penalty_items, &before.penalty_items),
    ] {
        for a in items {
            let was = was_items.iter().find(|b| b.id == a.id).map(|b| b.points);
            if was != Some(a.points) {
                let delta = a.points - was.unwrap_or_default();
                let (id, label) = (a.id.clone(), a.label.clone());
                out.push(Effect { kind, id, label, from: was, to: Some(a.points), delta });
            }
        }
    }
    out
}

fn input_name(c: &Change, lang: Lang) -> String {
    match (&c.label, lang) {
        (Some(l), Lang::Zh) => l.clone(),
        (Some(l), _) => format!("{l} ({})", c.input),
        (None, _) => c.input.clone(),
    }
}

fn change_words(c: &Change, lang: Lang) -> String {
    let name = input_name(c, lang);
    let (from, to) = (value(&c.from), value(&c.to));
    let unit = c.unit.as_deref().unwrap_or("");
    let d = c.delta.map(|d| format!("{}{unit}", signed(d)));
    match (lang, d) {
        (Lang::Zh, Some(d)) => format!("{name} 由 {from}{unit} 改为 {to}{unit}（{d}）"),
        (Lang::Zh, None) => format!("{name} 由 {from} 改为 {to}"),
        (_, Some(d)) => format!("{name} from {from}{unit} to {to}{unit} ({d})"),
        (_, None) => format!("{name} from {from} to {to}"),
    }
}

fn effect_words(e: &Effect, lang: Lang) -> String {
    if e.kind == EffectKind::Penalty {
        // A penalty that shrinks is points regained: say it as a penalty, not as points lost.
        return match lang {
            Lang::Zh => format!("扣分“{}” {} → {}", e.label, opt(e.from), opt(e.to)),
            _ => format!("penalty {} {} → {}", e.label, opt(e.from), opt(e.to)),
        };
    }
    match lang {
        Lang::Zh => format!("{} {} → {}（{} 分）", e.label, opt(e.from), opt(e.to), signed(e.delta)),
        _ => format!("{} points on {} ({} → {})", signed(e.delta), e.label, opt(e.from), opt(e.to)),
    }
}

/// Derived values that differ: "satisfaction 83.125 → 85".
fn derived_words(before: &Outcome, after: &Outcome) -> Vec<String> {
    after
        .derived
        .iter()
        .filter_map(|d| {
            let was = before.derived.iter().find(|b| b.name == d.name)?;
            (was.value != d.value).then(|| {
                let name = d.label.clone().unwrap_or_else(|| d.name.clone());
                let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".to_owned());
                format!("{name} {} → {}", show(&was.value), show(&d.value))
            })
        })
        .collect()
}

/// Where a result stands: "总分 80.13 → 90.00，等次 较好 → 好".
fn result_words(before: &Outcome, after: &Outcome, lang: Lang) -> String {
    let mut parts = Vec::new();
    let zh = lang == Lang::Zh;
    if after.total.is_some() {
        parts.push(format!(
            "{} {} → {}",
            if zh { "总分" } else { "total" },
            opt(before.total),
            opt(after.total)
        ));
    }
    if after.grade.is_some() {
        let g = |g: &Option<String>| g.clone().unwrap_or_else(|| "—".to_owned());
        parts.push(format!(
            "{} {} → {}",
            if zh { "等次" } else { "grade" },
            g(&before.grade),
            g(&after.grade)
        ));
    }
    if before.passed != after.passed
        && let Some(p) = after.passed
    {
        parts.push(match (zh, p) {
            (true, true) => "全部达标".to_owned(),
            (true, false) => "未全部达标".to_owned(),
            (false, true) => "every criterion met".to_owned(),
            (false, false) => "not every criterion met".to_owned(),
        });
    }
    parts.join(if zh { "，" } else { ", " })
}

/// One alternative in words.
pub(super) fn alternative(
    changes: &[Change],
    effects: &[Effect],
    before: &Outcome,
    after: &Outcome,
    lang: Lang,
) -> String {
    let zh = lang == Lang::Zh;
    let sep = if zh { "；" } else { "; " };
    let mut parts: Vec<String> = changes.iter().map(|c| change_words(c, lang)).collect();
    let derived = derived_words(before, after);
    if !derived.is_empty() {
        parts.push(derived.join(if zh { "，" } else { ", " }));
    }
    if !effects.is_empty() {
        parts.push(effects.iter().map(|e| effect_words(e, lang)).collect::<Vec<_>>().join(if zh {
            "，"
        } else {
            ", "
        }));
    }
    let mut s = parts.join(sep);
    s.push_str(if zh { "。" } else { ": " });
    if zh {
        s = format!("{}：{}", s.trim_end_matches('。'), result_words(before, after, lang));
    } else {
        s.push_str(&result_words(before, after, lang));
    }
    s
}

/// A blocker with what clears it.
pub(super) fn blocker(o: &Outcome, h: &Hurdle, cleared_by: Vec<Change>) -> Blocker {
    let (kind, id, label, when) = match h {
        Hurdle::Veto(id) => {
            let v = o.vetoes.iter().find(|v| &v.id == id);
            let label = v.map_or_else(|| id.clone(), |v| v.label.clone());
            (BlockerKind::Veto, id.clone(), label, v.map(|v| v.when.clone()).unwrap_or_default())
        }
        Hurdle::GradeRule(i) => {
            let r = o.grade_rules.iter().find(|r| r.index == *i);
            let when = r.map(|r| r.when.clone()).unwrap_or_default();
            let label = r.and_then(|r| r.label.clone()).unwrap_or_else(|| when.clone());
            (BlockerKind::GradeRule, format!("#{}", i + 1), label, when)
        }
        Hurdle::Criterion(id) => {
            let c = o.criteria.iter().find(|c| &c.id == id);
            let label = c.map_or_else(|| id.clone(), |c| c.label.clone());
            (BlockerKind::Criterion, id.clone(), label, c.map(|c| c.when.clone()).unwrap_or_default())
        }
    };
    let ways = |lang: Lang| -> String {
        let w: Vec<String> = cleared_by.iter().map(|c| change_words(c, lang)).collect();
        match (lang, w.is_empty()) {
            (Lang::Zh, true) => "可调整的指标数据均无法单独消除".to_owned(),
            (Lang::Zh, false) => format!("可通过以下任一调整消除：{}", w.join("；")),
            (_, true) => "no actionable input alone clears it".to_owned(),
            (_, false) => format!("cleared by any one of: {}", w.join("; ")),
        }
    };
    let (zh_kind, en_kind) = match kind {
        BlockerKind::Veto => ("一票否决", "veto"),
        BlockerKind::GradeRule => ("等次限制", "grade rule"),
        BlockerKind::Criterion => ("未满足的达标条件", "criterion not met"),
    };
    let zh = format!("须先消除{zh_kind}“{label}”（{when}）：{}", ways(Lang::Zh));
    let en = format!("first clear the {en_kind} “{label}” ({when}): {}", ways(Lang::En));
    Blocker { kind, id, label, when, cleared_by, zh, en }
}

/// Advice as lines of text.
pub(super) fn advice(a: &Advice, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let mut s = String::new();
    let now = {
        let mut p = Vec::new();
        if let Some(t) = a.total {
            p.push(format!("{} {t}", if zh { "总分" } else { "total" }));
        }
        if let Some(g) = &a.grade {
            p.push(format!("{} {g}", if zh { "等次" } else { "grade" }));
        }
        if let Some(ok) = a.passed {
            p.push(match (zh, ok) {
                (true, true) => "全部达标".into(),
                (true, false) => "未全部达标".into(),
                (false, true) => "every criterion met".into(),
                (false, false) => "not every criterion met".into(),
            });
        }
        p.join(if zh { "，" } else { ", " })
    };
    if zh {
        s.push_str(&format!("{}：{now}；目标：{}\n", a.key, a.goal.words(lang)));
    } else {
        s.push_str(&format!("{}: {now}; goal: {}\n", a.key, a.goal.words(lang)));
    }
    if a.reached {
        s.push_str(if zh {
            "已达到目标，无需调整。\n"
        } else {
            "The goal is reached already: nothing to change.\n"
        });
        return s;
    }
    for b in &a.blockers {
        s.push_str(&format!("  ! {}\n", b.text(lang)));
    }
    for (i, alt) in a.alternatives.iter().enumerate() {
        s.push_str(&format!("  {}. {}\n", i + 1, alt.text(lang)));
    }
    if let Some(u) = &a.unreachable {
        s.push_str(&format!("  {}\n", u.text(lang)));
    }
    s
}

/// The best alternative in one line, or why there is none.
pub(super) fn headline(a: &Advice, lang: Lang) -> Option<String> {
    if a.reached {
        return None;
    }
    let goal = a.goal.words(lang);
    Some(match (a.alternatives.first(), &a.unreachable, lang) {
        (Some(alt), _, Lang::Zh) => format!("达到{goal}：{}", alt.text(lang)),
        (Some(alt), _, _) => format!("to reach {goal}: {}", alt.text(lang)),
        (None, Some(u), _) => u.text(lang).to_owned(),
        (None, None, _) => String::new(),
    })
}

/// Proven from the lint's reachable ranges for the record's profile and date: the goal is
/// beyond what any record there reaches.
pub(super) fn beyond_profile(
    rb: &Rulebook,
    goal: &Goal,
    o: &Outcome,
    _opts: &ScoreOptions,
) -> Option<Unreachable> {
    let lint = rb.lint();
    let r = lint.ranges.iter().find(|r| {
        r.profile == o.profile
            && match o.as_of {
                Some(d) => r.from.is_none_or(|f| f <= d) && r.until.is_none_or(|u| d < u),
                None => r.as_of,
            }
    })?;
    let profile = o.profile.clone().unwrap_or_else(|| "—".to_owned());
    let (zh, en) = match goal {
        Goal::Total(t) => {
            let max = r.total.as_ref()?.max.as_ref()?;
            let m = crate::num::parse_decimal_text(max).ok()?;
            if m >= *t {
                return None;
            }
            (
                format!("无法达到：片区/类别“{profile}”可达的最高总分为 {max}，低于目标 {t}"),
                format!(
                    "unreachable: the most any record of profile {profile} can get is {max}, below the goal {t}"
                ),
            )
        }
        Goal::Grade(g) => {
            let grades = r.grades.as_ref()?;
            let all = rb.grades();
            let goal_rank = all.iter().position(|x| x == g)?;
            if grades.iter().any(|x| all.iter().position(|y| y == x).is_some_and(|k| k <= goal_rank)) {
                return None;
            }
            let list = grades.join("、");
            (
                format!("无法达到：片区/类别“{profile}”的记录最多只能得到 {list}，达不到“{g}”"),
                format!(
                    "unreachable: records of profile {profile} can only get {}, not {g}",
                    grades.join(", ")
                ),
            )
        }
        Goal::Passed => {
            if r.passed.contains(&true) {
                return None;
            }
            (
                format!("无法达到：片区/类别“{profile}”的记录不可能全部达标"),
                format!("unreachable: no record of profile {profile} can meet every criterion"),
            )
        }
    };
    Some(Unreachable { reason: UnreachableReason::BeyondProfile, zh, en })
}

/// The other reasons in words.
pub(super) fn unreachable(reason: UnreachableReason, a: &Advice, opts: &AdviseOptions) -> Unreachable {
    let blocked: Vec<&str> =
        a.blockers.iter().filter(|b| b.cleared_by.is_empty()).map(|b| b.label.as_str()).collect();
    let (zh, en) = match reason {
        UnreachableReason::NothingActionable => (
            "无法达到：该记录没有可调整的指标数据（均为 actionable = false、缺失或列表）".to_owned(),
            "unreachable: the record has no input it can change (each is actionable = false, missing, or a list)"
                .to_owned(),
        ),
        UnreachableReason::Blocked => (
            format!("无法达到：{} 无法通过调整可调整的指标数据消除", blocked.join("、")),
            format!("unreachable: no change of actionable inputs clears {}", blocked.join(", ")),
        ),
        _ => (
            format!(
                "在搜索范围内未找到（最多同时调整 {} 项，已计分 {} 次）：目标可能无法达到",
                opts.max_inputs, a.scored
            ),
            format!(
                "none found within the search's bound (at most {} inputs together, {} records scored): the goal may be out of reach",
                opts.max_inputs, a.scored
            ),
        ),
    };
    Unreachable { reason, zh, en }
}
