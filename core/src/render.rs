//! Explanations as text, in Chinese (the default) or English: every indicator with its points,
//! the rule in words and the values it read, then bonus, penalty, vetoes, criteria, the grade,
//! where points were lost and how far the next grade is.

use std::fmt::Write as _;

use rust_decimal::Decimal;

pub use crate::lang::Lang;
use crate::outcome::Status;
use crate::outcome::{NodeOutcome, Outcome, ValueRead};

struct Words {
    unit: &'static str,
    profile: &'static str,
    as_of: &'static str,
    total: &'static str,
    grade: &'static str,
    passed: &'static str,
    failed: &'static str,
    left_out: &'static str,
    no_data: &'static str,
    bonus: &'static str,
    penalty: &'static str,
    vetoes: &'static str,
    component_vetoes: &'static str,
    criteria: &'static str,
    grade_rules: &'static str,
    lost: &'static str,
    derived: &'static str,
    aggregates: &'static str,
    read: &'static str,
    clamped: &'static str,
    source: &'static str,
    warnings: &'static str,
    exact: &'static str,
}

const ZH: Words = Words {
    unit: "单位",
    profile: "片区/类别",
    as_of: "评分日期",
    total: "总分",
    grade: "等次",
    passed: "达标",
    failed: "未达标",
    left_out: "不适用（缺项折算）",
    no_data: "无数据",
    bonus: "加分",
    penalty: "扣分",
    vetoes: "一票否决",
    component_vetoes: "子方案一票否决（仅作用于该部分）",
    criteria: "达标条件",
    grade_rules: "等次规则",
    lost: "失分（从多到少）",
    derived: "计算值",
    aggregates: "汇总",
    read: "读取",
    clamped: "限定在分值范围内",
    source: "依据",
    warnings: "提示",
    exact: "精确值",
};

const EN: Words = Words {
    unit: "unit",
    profile: "profile",
    as_of: "as of",
    total: "total",
    grade: "grade",
    passed: "passed",
    failed: "not passed",
    left_out: "not applicable (rescaled)",
    no_data: "no data",
    bonus: "bonus",
    penalty: "penalty",
    vetoes: "vetoes",
    component_vetoes: "vetoes inside components (acting on that part only)",
    criteria: "criteria",
    grade_rules: "grade rules",
    lost: "points lost (largest first)",
    derived: "derived values",
    aggregates: "aggregates",
    read: "read",
    clamped: "clamped to the indicator's range",
    source: "source",
    warnings: "warnings",
    exact: "exact",
};

fn dec(d: &Option<Decimal>) -> String {
    d.map_or_else(|| "—".to_owned(), |d| d.to_string())
}

/// A label as a name in running text: its part before " = " (a derived value's label may go on
/// with its formula: "贫困发生率 = 剩余贫困人口 ÷ 农业户籍人口 × 100").
fn short_label(label: &str) -> &str {
    label.split(" = ").next().unwrap_or(label).trim()
}

/// A value as a reader says it: 是/否 for booleans in Chinese.
fn value_text(value: &str, lang: Lang) -> &str {
    match (lang, value) {
        (Lang::Zh, "true") => "是",
        (Lang::Zh, "false") => "否",
        _ => value,
    }
}

/// Values read, by their labels: "贫困发生率 = 3, 退出标准 = 3" (the id where there is no label).
fn reads_text(reads: &[ValueRead], w: &Words, lang: Lang) -> String {
    reads
        .iter()
        .map(|r| {
            let value = r.value.as_deref().map_or(w.no_data, |v| value_text(v, lang));
            match &r.label {
                Some(l) => format!("{} = {value}", short_label(l)),
                None => format!("{} = {value}", r.name),
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Derived values with their formulas: "贫困发生率（剩余贫困人口 ÷ 农业户籍人口 × 100）= ≈1.609891".
fn derived_text(reads: &[ValueRead], w: &Words, lang: Lang) -> String {
    reads
        .iter()
        .map(|r| {
            let value = r.value.as_deref().map_or(w.no_data, |v| value_text(v, lang));
            match r.label.as_deref().and_then(|l| l.split_once(" = ")) {
                Some((name, formula)) if lang == Lang::Zh => {
                    format!("{}（{}）= {value}", name.trim(), formula.trim())
                }
                Some((name, formula)) => format!("{} ({}) = {value}", name.trim(), formula.trim()),
                None => format!("{} = {value}", r.label.as_deref().unwrap_or(&r.name)),
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `text` (a rule's words, a condition as written) with the names in `reads` given by their
/// labels, and, in Chinese, `true`/`false` as 是/否. Quoted text is left as written.
fn with_labels(text: &str, reads: &[ValueRead], lang: Lang) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut chars = text.char_indices().peekable();
    let ident_start = |c: char| c.is_ascii_alphabetic() || c == '_';
    let ident_char = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '.';
    while let Some((i, c)) = chars.next() {
        if c == '\'' || c == '"' {
            // A quoted text: copied as it is, up to its closing quote.
            out.push(c);
            for (_, d) in chars.by_ref() {
                out.push(d);
                if d == c {
                    break;
                }
            }
        } else if ident_start(c) {
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = chars.peek() {
                if !ident_char(d) {
                    break;
                }
                end = j + d.len_utf8();
                chars.next();
            }
            let word = text[i..end].trim_end_matches('.');
            let rest = &text[i + word.len()..end];
            match reads.iter().find(|r| r.name == word).and_then(|r| r.label.as_deref()) {
                Some(l) => out.push_str(short_label(l)),
                None if lang == Lang::Zh && (word == "true" || word == "false") => {
                    out.push_str(value_text(word, lang))
                }
                None => out.push_str(word),
            }
            out.push_str(rest);
        } else {
            out.push(c);
        }
    }
    out
}

/// Whether `name` is a whole word of `text`.
fn names(text: &str, name: &str) -> bool {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '.';
    text.match_indices(name).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + name.len()..].chars().next();
        !before.is_some_and(ident) && !after.is_some_and(ident)
    })
}

/// Render an outcome as text.
pub fn explain(o: &Outcome, lang: Lang) -> String {
    let mut s = String::new();
    write_outcome(&mut s, o, lang, "");
    s
}

impl Outcome {
    /// Every point explained, as text in `lang`.
    pub fn explain(&self, lang: Lang) -> String {
        explain(self, lang)
    }
}

/// The explanation in the default language (Chinese); `{:#}` gives it in English.
impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&explain(self, if f.alternate() { Lang::En } else { Lang::default() }))
    }
}

fn write_outcome(s: &mut String, o: &Outcome, lang: Lang, indent: &str) {
    let w = if lang == Lang::Zh { &ZH } else { &EN };
    let sep = if lang == Lang::Zh { "：" } else { ": " };
    let _ = writeln!(
        s,
        "{indent}{} {} [{} {}]",
        o.rulebook.title,
        o.rulebook.version,
        o.rulebook.id,
        &o.rulebook.fingerprint[..o.rulebook.fingerprint.len().min(12)]
    );
    let mut head = format!("{indent}{} {}", w.unit, o.key);
    if let Some(p) = &o.profile {
        let _ = write!(head, " · {} {p}", w.profile);
    }
    if let Some(d) = &o.as_of {
        let _ = write!(head, " · {} {d}", w.as_of);
    }
    let _ = writeln!(s, "{head}");
    if o.total.is_some() {
        let mut line = format!("{indent}{} {} / {}", w.total, dec(&o.total), dec(&o.max));
        if let Some(g) = &o.grade {
            let _ = write!(line, " · {} {g}", w.grade);
        }
        if let Some(n) = &o.next_grade {
            let holds: Vec<&str> = n.blocked_by.iter().map(|h| h.label.as_str()).collect();
            let _ = match (lang, n.gap) {
                (Lang::Zh, Some(gap)) => write!(line, " · 距「{}」还差 {gap} 分", n.grade),
                (Lang::En, Some(gap)) => write!(line, " · {gap} points short of {}", n.grade),
                (Lang::Zh, None) => {
                    write!(line, " · 受「{}」限制，得分再高也达不到「{}」", holds.join("」「"), n.grade)
                }
                (Lang::En, None) => {
                    write!(
                        line,
                        " · {} is out of reach whatever the points: held by {}",
                        n.grade,
                        holds.join(", ")
                    )
                }
            };
        }
        let _ = writeln!(s, "{line}");
        // What the total is made of, when a bonus or a penalty took part in it.
        if !o.bonus_items.is_empty() || !o.penalty_items.is_empty() {
            let (base, bonus, penalty) = (dec(&o.base), dec(&o.bonus), dec(&o.penalty));
            let _ = match lang {
                Lang::Zh => writeln!(s, "{indent}（指标得分 {base} + 加分 {bonus} − 扣分 {penalty}）"),
                Lang::En => writeln!(s, "{indent}(indicators {base} + bonus {bonus} − penalty {penalty})"),
            };
        }
        if let Some(before) = &o.total_before_vetoes {
            let _ = match lang {
                Lang::Zh => writeln!(s, "{indent}（否决前总分 {before}）"),
                Lang::En => writeln!(s, "{indent}(total before vetoes {before})"),
            };
        }
        if let Some(g) = &o.grade_from_total {
            let _ = match lang {
                Lang::Zh => writeln!(s, "{indent}（按总分应为「{g}」，因否决或等次规则降低）"),
                Lang::En => {
                    writeln!(s, "{indent}(the total alone gives {g}; a veto or grade rule lowered it)")
                }
            };
        }
    }
    if let Some(p) = o.passed {
        let _ = writeln!(s, "{indent}{}{sep}{}", w.criteria, if p { w.passed } else { w.failed });
    }
    if let Some(r) = &o.rescale {
        let _ = match lang {
            Lang::Zh => writeln!(
                s,
                "{indent}缺项折算：适用项得分 {} / {}，不适用 {}",
                r.obtained,
                r.out_of,
                r.left_out.join(", ")
            ),
            Lang::En => writeln!(
                s,
                "{indent}rescaled: {} of {} over applicable items; left out {}",
                r.obtained,
                r.out_of,
                r.left_out.join(", ")
            ),
        };
    }
    for n in &o.nodes {
        write_node(s, n, lang, w, indent);
    }
    for (title, items) in [(w.bonus, &o.bonus_items), (w.penalty, &o.penalty_items)] {
        if items.is_empty() {
            continue;
        }
        let total = if std::ptr::eq(items, &o.bonus_items) { &o.bonus } else { &o.penalty };
        let _ = writeln!(s, "{indent}{title} {}", dec(total));
        for it in items {
            let words = it.note.as_ref().map(|n| n.words(lang)).unwrap_or_default();
            let _ = writeln!(s, "{indent}  {} {} / {}{sep}{words}", it.label, it.points, it.max);
        }
    }
    if !o.vetoes.is_empty() {
        let _ = writeln!(s, "{indent}{}", w.vetoes);
        for v in &o.vetoes {
            let mut line = format!("{indent}  {} ({})", v.label, v.when);
            if let Some(sc) = &v.score {
                let _ = match lang {
                    Lang::Zh => write!(line, " → 总分 {sc}"),
                    Lang::En => write!(line, " → total {sc}"),
                };
            }
            if let Some(g) = &v.grade {
                let _ = match lang {
                    Lang::Zh => write!(line, "，等次不高于「{g}」"),
                    Lang::En => write!(line, ", grade at most {g}"),
                };
            }
            if let Some(src) = &v.source {
                let _ = write!(line, " 〔{} {src}〕", w.source);
            }
            let _ = writeln!(s, "{line}");
        }
    }
    if !o.component_vetoes.is_empty() {
        let _ = writeln!(s, "{indent}{}", w.component_vetoes);
        for v in &o.component_vetoes {
            let (part, title, id) = (&v.indicator_label, &v.rulebook_title, &v.rulebook);
            let mut line = match lang {
                Lang::Zh => format!("{indent}  {part} ← {title}（{id}）：{} ({})", v.label, v.when),
                Lang::En => format!("{indent}  {part} ← {title} ({id}): {} ({})", v.label, v.when),
            };
            if let Some(sc) = &v.score {
                let _ = match lang {
                    Lang::Zh => write!(line, " → 该部分总分 {sc}"),
                    Lang::En => write!(line, " → that part's total {sc}"),
                };
            }
            if let Some(g) = &v.grade {
                let _ = match lang {
                    Lang::Zh => write!(line, "，该部分等次不高于「{g}」"),
                    Lang::En => write!(line, ", that part's grade at most {g}"),
                };
            }
            let _ = writeln!(s, "{line}");
        }
    }
    if !o.criteria.is_empty() {
        let _ = writeln!(s, "{indent}{}", w.criteria);
        for c in &o.criteria {
            let mark = if c.holds { "✓" } else { "✗" };
            // The condition by labels, unless it is only the label again ("不愁吃 (不愁吃)").
            let cond = with_labels(&c.when, &c.reads, lang);
            let mut line = if cond == c.label {
                format!("{indent}  {mark} {}", c.label)
            } else {
                format!("{indent}  {mark} {} ({cond})", c.label)
            };
            if !c.reads.is_empty() {
                let _ = write!(line, "{sep}{}", reads_text(&c.reads, w, lang));
            }
            if c.no_data {
                let _ = write!(line, " [{}]", w.no_data);
            }
            if let Some(src) = &c.source {
                let _ = write!(line, " 〔{} {src}〕", w.source);
            }
            let _ = writeln!(s, "{line}");
        }
    }
    if !o.grade_rules.is_empty() {
        let _ = writeln!(s, "{indent}{}", w.grade_rules);
        for g in &o.grade_rules {
            let _ = writeln!(s, "{indent}  {}", explain_grade_rule(g, lang));
        }
    }
    if !o.lost.is_empty() {
        let parts: Vec<String> = o.lost.iter().map(|l| format!("{} −{}", l.label, l.lost)).collect();
        let _ = writeln!(s, "{indent}{}{sep}{}", w.lost, parts.join(", "));
    }
    if !o.derived.is_empty() {
        let _ = writeln!(s, "{indent}{}{sep}{}", w.derived, derived_text(&o.derived, w, lang));
    }
    if !o.aggregates.is_empty() {
        let _ = writeln!(s, "{indent}{}", w.aggregates);
        for a in &o.aggregates {
            let _ = writeln!(s, "{indent}  {}", aggregate_text(a, lang));
        }
    }
    item_lines(s, o, &format!("{indent}  "), lang);
    if !o.warnings.is_empty() {
        let _ = writeln!(s, "{indent}{}{sep}{}", w.warnings, o.warnings.join("; "));
    }
}

/// A grade rule that fired: its label, the part of its condition that held (by labels), the
/// ceiling, and the values read — "识别退出准确率或帮扶满意度较低：帮扶工作群众满意度 < 90 →
/// 等次不高于「一般」（帮扶工作群众满意度 = ≈84.210526，…）".
pub fn explain_grade_rule(g: &crate::outcome::GradeRuleOutcome, lang: Lang) -> String {
    let w = if lang == Lang::Zh { &ZH } else { &EN };
    let reads = reads_text(&g.reads, w, lang);
    match lang {
        Lang::Zh => format!("{}（{reads}）", grade_rule_reason(g, lang)),
        Lang::En => format!("{} ({reads})", grade_rule_reason(g, lang)),
    }
}

/// As [`explain_grade_rule`] without the values read, for a table's cell: "识别退出准确率或帮扶满意度
/// 较低：帮扶工作群众满意度 < 90 → 等次不高于「一般」".
pub fn grade_rule_reason(g: &crate::outcome::GradeRuleOutcome, lang: Lang) -> String {
    let held: Vec<String> = g.held.iter().map(|h| with_labels(h, &g.reads, lang)).collect();
    let cond = if held.is_empty() {
        with_labels(&g.when, &g.reads, lang)
    } else {
        held.join(if lang == Lang::Zh { "；" } else { "; " })
    };
    match (lang, &g.label) {
        (Lang::Zh, Some(l)) => format!("{l}：{cond} → 等次不高于「{}」", g.grade_at_most),
        (Lang::Zh, None) => format!("{cond} → 等次不高于「{}」", g.grade_at_most),
        (Lang::En, Some(l)) => format!("{l}: {cond} → grade at most {}", g.grade_at_most),
        (Lang::En, None) => format!("{cond} → grade at most {}", g.grade_at_most),
    }
}

/// Each scored item in a line (its total, grade and verdict, the criteria it failed and the
/// vetoes that fired, so a reader sees which household failed what), its own items below it.
fn item_lines(s: &mut String, o: &Outcome, indent: &str, lang: Lang) {
    let w = if lang == Lang::Zh { &ZH } else { &EN };
    let (colon, comma, and) = if lang == Lang::Zh { ("：", "，", "、") } else { (": ", ", ", ", ") };
    for list in &o.items {
        for it in &list.items {
            let r = &it.result;
            let name = match &it.key {
                Some(k) => format!("{}[{}] ({k})", list.input, it.position),
                None => format!("{}[{}]", list.input, it.position),
            };
            let mut parts = Vec::new();
            if let Some(t) = &r.total {
                parts.push(format!("{} {t}", w.total));
            }
            if let Some(g) = &r.grade {
                parts.push(g.clone());
            }
            match r.passed {
                Some(true) => parts.push(w.passed.to_owned()),
                Some(false) => {
                    let failed: Vec<&str> =
                        r.criteria.iter().filter(|c| !c.holds).map(|c| c.label.as_str()).collect();
                    parts.push(format!("{}{colon}{}", w.failed, failed.join(and)));
                }
                None => {}
            }
            parts.extend(r.vetoes.iter().map(|v| v.label.clone()));
            let _ = writeln!(s, "{indent}{name}{colon}{}", parts.join(comma));
            item_lines(s, r, &format!("{indent}  "), lang);
        }
    }
}

/// One aggregate call in words: "remaining_poor = 87：建档立卡贫困户 311 项中 24 项满足
/// not item.passed，sum(item.members) = 87".
fn aggregate_text(a: &crate::outcome::AggregateLine, lang: Lang) -> String {
    let place = a
        .place
        .strip_prefix("derived \"")
        .and_then(|p| p.strip_suffix('"'))
        .map_or_else(|| a.place.clone(), str::to_owned);
    let list = a.list_label.clone().unwrap_or_else(|| a.list.clone());
    let value = a.value.as_deref();
    let of_x = match &a.x {
        Some(x) => format!("{}({x})", a.function),
        None => format!("{}()", a.function),
    };
    match (lang, a.of) {
        (Lang::Zh, None) => format!("{place}：{} —— {list}缺失，无数据", a.call),
        (Lang::En, None) => format!("{place}: {} — {list} is missing: no data", a.call),
        (Lang::Zh, Some(of)) => {
            let chosen = match &a.cond {
                Some(c) => format!("{list} {of} 项中 {} 项满足 {c}", a.selected),
                None => format!("{list} 共 {of} 项"),
            };
            match (value, a.no_data_item) {
                (Some(v), _) => format!("{place} = {v}：{chosen}，{of_x} = {v}"),
                (None, Some(k)) => format!("{place} 无数据：{chosen}，第 {k} 项无数据"),
                (None, None) => format!("{place} 无数据：{chosen}，没有可取的项"),
            }
        }
        (Lang::En, Some(of)) => {
            let chosen = match &a.cond {
                Some(c) => format!("{} of {of} {list} meet {c}", a.selected),
                None => format!("{of} {list}"),
            };
            match (value, a.no_data_item) {
                (Some(v), _) => format!("{place} = {v}: {chosen}, {of_x} = {v}"),
                (None, Some(k)) => format!("{place} has no data: {chosen}; item {k} has no data"),
                (None, None) => format!("{place} has no data: {chosen}; no item to take"),
            }
        }
    }
}

fn write_node(s: &mut String, n: &NodeOutcome, lang: Lang, w: &Words, indent: &str) {
    let sep = if lang == Lang::Zh { "：" } else { ": " };
    let pad = "  ".repeat(n.depth as usize + 1);
    let mut line = format!("{indent}{pad}{} {} / {}", n.label, dec(&n.points), n.max);
    let basis = explain_node(n, lang);
    if !basis.is_empty() {
        // The status and the rescaling follow the points directly; the rule's words after a colon.
        let words_first = n.status == Status::Scored && n.note.is_some();
        let _ = write!(line, "{}{basis}", if words_first { sep } else { " " });
    }
    if let Some(src) = &n.source {
        let _ = write!(line, " 〔{} {src}〕", w.source);
    }
    let _ = writeln!(s, "{line}");
    if let Some(inner) = n.component.as_deref() {
        let deeper = format!("{indent}{pad}    ");
        write_outcome(s, inner, lang, &deeper);
    }
}

/// How one indicator got its points, for a reader (the 依据 of a report's table): the rule in
/// words with the values by their labels, a clamp, the exact value where rounding changed it and
/// the words do not already say it, rescaling, and the values read that the words do not name.
/// Its source clause is not included (`n.source`).
pub fn explain_node(n: &NodeOutcome, lang: Lang) -> String {
    let w = if lang == Lang::Zh { &ZH } else { &EN };
    let mut line = String::new();
    match n.status {
        Status::NotApplicable => {
            let _ = write!(line, "[{}]", w.left_out);
        }
        Status::NoData => {
            let _ = write!(line, "[{}]", w.no_data);
        }
        Status::Scored => {}
    }
    let words = match &n.note {
        Some(note) if n.status == Status::Scored => note.words(lang),
        _ => String::new(),
    };
    if !words.is_empty() {
        line.push_str(&with_labels(&words, &n.reads, lang));
    }
    if let Some(c) = &n.clamp {
        let _ = write!(line, "（{} {} → {}）", w.clamped, c.from, c.to);
    }
    // The exact value, unless the rule's words end on it already.
    if let Some(e) = &n.exact
        && !words.contains(&format!("→ {e}"))
    {
        let _ = write!(line, " [{} {e}]", w.exact);
    }
    if let Some(r) = &n.rescale {
        let _ = match (lang, n.weighted) {
            (Lang::Zh, false) => {
                write!(line, "（缺项折算：{} / {}，不适用 {}）", r.obtained, r.out_of, r.left_out.join(", "))
            }
            (Lang::En, false) => write!(
                line,
                " (rescaled: {} of {}; left out {})",
                r.obtained,
                r.out_of,
                r.left_out.join(", ")
            ),
            (Lang::Zh, true) => write!(line, "（加权，不适用 {}）", r.left_out.join(", ")),
            (Lang::En, true) => write!(line, " (weighted; left out {})", r.left_out.join(", ")),
        };
    } else if n.weighted {
        let _ = write!(line, "{}", if lang == Lang::Zh { "（加权）" } else { " (weighted)" });
    }
    // Values read that the rule's words do not already name.
    let unsaid: Vec<ValueRead> = n.reads.iter().filter(|r| !names(&words, &r.name)).cloned().collect();
    if !unsaid.is_empty() && n.status != Status::NotApplicable {
        let _ = write!(line, " — {} {}", w.read, reads_text(&unsaid, w, lang));
    }
    line.trim_start().to_owned()
}

/// Columns a text takes in a terminal: CJK and full-width characters take two.
pub(crate) fn width(s: &str) -> usize {
    s.chars().map(|c| if c >= '\u{2e80}' { 2 } else { 1 }).sum()
}

/// `s` padded with spaces to `w` terminal columns, on the right (`left`: the text goes left) or on
/// the left.
pub(crate) fn pad(s: &str, w: usize, left: bool) -> String {
    let fill = " ".repeat(w.saturating_sub(width(s)));
    if left { format!("{s}{fill}") } else { format!("{fill}{s}") }
}
