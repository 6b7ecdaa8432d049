//! Lint: what a rulebook can and cannot do, proven from the rulebook alone (issue #23).
//!
//! Every record is scored in one *case* — a profile, and a period over which no dated parameter
//! changes — so the lint analyses each case: the inputs' declared ranges (`min`/`max`, `values`,
//! booleans, optional inputs as no data) go through parameters and derived values (exact
//! rational intervals, `crate::range`), every rule (each kind says what it gives,
//! `rules::Kind::range`), the leaf clamp and rounding, aggregation and rescaling, bonus and
//! penalty caps, the total's clamp and rounding, vetoes, criteria, grade rules and grades.
//!
//! What comes out is sound: a range contains every value a scored record can have (its ends need
//! not be reached: the lint says "within"), and a finding is made only when it is proven — a band
//! no value takes, a grade no record reaches, a veto that never fires. Where the analysis cannot
//! follow (a rule relative to the cohort, the fields of items), it assumes anything, and says
//! "may"; a list aggregate is bounded only by its function (a count ≥ 0, a share in [0, 100], a
//! mean of marks within their declared range). Findings carry the place (`file:line:column` and
//! path), a severity and a message in Chinese and English; `docs/compare-and-lint.md` lists every
//! code.

mod analyse;
mod cases;
mod places;
mod reads;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::compile::{Compiled, ParamValue};
use crate::date::Date;
use crate::error::Location;
use crate::lang::Lang;
/// How much a finding matters.
pub use crate::range::Severity;
use crate::range::{Interval, RuleNote, Truth};
use crate::render::pad;
use crate::rulebook::Rulebook;

use analyse::{CaseReach, Site};
use cases::Case;
use places::{Part, Places};

/// A lint's result: every finding, and the reachable ranges in every case.
#[derive(Clone, Debug, Serialize)]
#[non_exhaustive]
pub struct Lint {
    /// The rulebook's id.
    pub rulebook: String,
    /// Its version.
    pub version: String,
    /// Its fingerprint.
    pub fingerprint: String,
    /// Findings, in the order of their places in the file.
    pub findings: Vec<Finding>,
    /// The reachable ranges, per profile and period (identical periods of a profile merged).
    pub ranges: Vec<Ranges>,
}

/// One proven finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Finding {
    /// A stable code (`band-shadowed`, `grade-unreachable`, …).
    pub code: String,
    /// How much it matters.
    pub severity: Severity,
    /// Where (file, line, column and path; the file is the caller's to fill in).
    pub location: Location,
    /// The finding in Chinese.
    pub zh: String,
    /// The finding in English.
    pub en: String,
}

impl Finding {
    /// `file:line:column: severity[code]: message [path]`, as compilers print.
    pub fn line(&self, lang: Lang) -> String {
        let l = &self.location;
        let mut place = l.file.clone().unwrap_or_else(|| "<rulebook>".into());
        if let Some(line) = l.line {
            place.push_str(&format!(":{line}"));
            if let Some(col) = l.column {
                place.push_str(&format!(":{col}"));
            }
        }
        let at = l.path.as_ref().map(|p| format!(" [{p}]")).unwrap_or_default();
        let msg = match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        };
        format!("{place}: {}[{}]: {msg}{at}", self.severity.name(), self.code)
    }
}

/// The reachable ranges in one case, or in several periods of one profile that give the same.
#[derive(Clone, Debug, Serialize)]
#[non_exhaustive]
pub struct Ranges {
    /// The profile (`None`: the base values).
    pub profile: Option<String>,
    /// The first day of the period (`None`: nothing is dated in this profile).
    pub from: Option<Date>,
    /// The day the period ends (exclusive; `None`: open-ended).
    pub until: Option<Date>,
    /// Whether the rulebook's own date (`as_of`) falls in the period.
    pub as_of: bool,
    /// The published total's range (`None`: criteria only).
    pub total: Option<Span>,
    /// Each indicator's published points, in file order.
    pub indicators: Vec<IndicatorRange>,
    /// The grades a record can get, best first (`None`: the rulebook has no grades).
    pub grades: Option<Vec<String>>,
    /// The values `passed` can take (empty: no criteria).
    pub passed: Vec<bool>,
}

/// A range's ends as text: exact, or "≈" where the exact value does not terminate (under
/// `round = "total_only"`); `None` on a side: no bound there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Span {
    /// The lowest value.
    pub min: Option<String>,
    /// The highest value.
    pub max: Option<String>,
    /// `[min, max]` as text.
    pub text: String,
    /// The exact interval.
    #[serde(skip)]
    pub(crate) interval: Interval,
}

impl Span {
    fn of(book: &Compiled, i: &Interval) -> Span {
        let (lo, hi) = analyse::ends(i);
        let show = |n: &crate::num::Num| points_text(book, n);
        Span {
            min: lo.as_ref().map(show),
            max: hi.as_ref().map(show),
            text: i.text_by(show),
            interval: i.clone(),
        }
    }

    /// Whether `d` lies in the range.
    pub fn contains(&self, d: Decimal) -> bool {
        self.interval.contains(&crate::num::Num::from_decimal(d))
    }
}

/// One indicator's range in a case.
#[derive(Clone, Debug, Serialize)]
#[non_exhaustive]
pub struct IndicatorRange {
    /// Dotted id.
    pub id: String,
    /// Its points (maximum) in the case.
    pub points: String,
    /// Its published points when it applies (`None`: it never applies).
    pub range: Option<Span>,
    /// Whether it can be left out (`applies` false).
    pub may_be_left_out: bool,
}

impl Lint {
    /// No warning and no error (information only).
    pub fn is_clean(&self) -> bool {
        self.findings.iter().all(|f| f.severity == Severity::Info)
    }

    /// The result as JSON (schema `kaoping.lint/1`).
    pub fn to_json(&self) -> String {
        let mut v = serde_json::to_value(self).unwrap_or_default();
        if let Some(o) = v.as_object_mut() {
            o.insert("schema".into(), "kaoping.lint/1".into());
        }
        v.to_string()
    }

    /// The findings and the ranges as text, one language, every finding a line.
    pub fn text(&self, lang: Lang) -> String {
        let mut s = String::new();
        for f in &self.findings {
            s.push_str(&f.line(lang));
            s.push('\n');
        }
        let zh = lang == Lang::Zh;
        // The first column fits the longest indicator id.
        let col = self.ranges.iter().flat_map(|r| &r.indicators).map(|i| crate::render::width(&i.id)).max();
        let col = col.unwrap_or(0).max(12) + 1;
        // Profiles whose ranges are the same over the same period are printed once.
        let mut groups: Vec<Vec<&Ranges>> = Vec::new();
        for r in &self.ranges {
            let alike = |g: &Vec<&Ranges>| {
                let first = g[0];
                (first.from, first.until, first.as_of) == (r.from, r.until, r.as_of) && same(first, r)
            };
            match groups.iter_mut().find(|g| alike(g)) {
                Some(g) => g.push(r),
                None => groups.push(vec![r]),
            }
        }
        for g in &groups {
            let r = g[0];
            s.push_str(&if zh {
                format!("可达范围 {}：", case_words(g, lang))
            } else {
                format!("reachable in {}:", case_words(g, lang))
            });
            s.push('\n');
            if let Some(t) = &r.total {
                let word = if zh { "总分" } else { "total" };
                s.push_str(&format!("  {} {}\n", pad(word, col, true), span_text(Some(t))));
            }
            for i in &r.indicators {
                let skip = match (i.may_be_left_out, zh) {
                    (false, _) => "",
                    (true, true) => "  （可能缺项）",
                    (true, false) => "  (may be left out)",
                };
                s.push_str(&format!(
                    "  {} {} / {}{skip}\n",
                    pad(&i.id, col, true),
                    span_text(i.range.as_ref()),
                    i.points
                ));
            }
            if let Some(grades) = &r.grades {
                let grades = if grades.is_empty() { "—".to_owned() } else { grades.join(", ") };
                let word = if zh { "可能的等次" } else { "grades" };
                s.push_str(&format!("  {} {grades}\n", pad(word, col, true)));
            }
            if !r.passed.is_empty() {
                let word = if zh { "达标" } else { "passed" };
                let v: Vec<&str> = r.passed.iter().map(|b| if *b { "true" } else { "false" }).collect();
                s.push_str(&format!("  {} {}\n", pad(word, col, true), v.join(", ")));
            }
        }
        s
    }
}

fn span_text(s: Option<&Span>) -> String {
    match s {
        None => "∅".to_owned(),
        Some(s) => s.text.clone(),
    }
}

/// Points as results publish them (`24.00` at scale 2), or exactly (≈ when they do not
/// terminate: under `round = "total_only"`).
fn points_text(book: &Compiled, n: &crate::num::Num) -> String {
    let scale = book.meta.scale;
    if n.round(scale, crate::num::Rounding::Down) == *n {
        n.to_fixed(scale, crate::num::Rounding::Down)
    } else {
        crate::range::interval::show(n)
    }
}

/// "profile X, from D until E" in words, for cases of one period that give the same ranges
/// (several profiles, or one).
fn case_words(g: &[&Ranges], lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let r = g[0];
    let named: Vec<&str> = g.iter().filter_map(|r| r.profile.as_deref()).collect();
    let base = g.iter().any(|r| r.profile.is_none());
    let mut parts: Vec<String> = Vec::new();
    if base {
        parts.push((if zh { "基准（无片区）" } else { "the base profile" }).to_owned());
    }
    if !named.is_empty() {
        parts.push(match (zh, named.len()) {
            (true, _) => format!("片区/类别 {}", named.join("、")),
            (false, 1) => format!("profile {}", named[0]),
            (false, _) => format!("profiles {}", named.join(", ")),
        });
    }
    let mut s = parts.join(if zh { "，" } else { ", " });
    match (r.from, r.until, zh) {
        (Some(f), Some(u), true) => s.push_str(&format!("，{f} 起至 {u} 前")),
        (Some(f), None, true) => s.push_str(&format!("，{f} 起")),
        (Some(f), Some(u), false) => s.push_str(&format!(", from {f} until {u}")),
        (Some(f), None, false) => s.push_str(&format!(", from {f}")),
        _ => {}
    }
    if r.as_of {
        s.push_str(if zh { "（方案日期所在期）" } else { " (the rulebook's as_of)" });
    }
    s
}

impl Rulebook {
    /// Lint the rulebook: reachable ranges of every indicator and of the total per profile and
    /// period, and every finding that the rulebook alone proves (see the [`lint`](crate::lint)
    /// module).
    ///
    /// ```
    /// let rb = kaoping::Rulebook::builtin("example.county-assessment").unwrap();
    /// let lint = rb.lint();
    /// // `poverty_line` is declared and never read.
    /// assert!(lint.findings.iter().any(|f| f.code == "param-unread" && f.en.contains("poverty_line")));
    /// let total = lint.ranges[0].total.as_ref().unwrap();
    /// assert_eq!((total.min.as_deref(), total.max.as_deref()), (Some("0.00"), Some("100.00")));
    /// ```
    pub fn lint(&self) -> Lint {
        lint(self.compiled())
    }
}

/// A finding being gathered across cases.
struct Pending {
    part: Part,
    code: &'static str,
    severity: Severity,
    zh: String,
    en: String,
    /// The cases it holds in (`None`: it does not depend on the case).
    cases: Option<Vec<usize>>,
}

/// Findings keyed by what they say, with the cases each holds in.
#[derive(Default)]
struct Gather {
    pending: Vec<Pending>,
}

impl Gather {
    fn add(
        &mut self,
        case: Option<usize>,
        part: Part,
        code: &'static str,
        severity: Severity,
        zh: String,
        en: String,
    ) {
        if let Some(p) =
            self.pending.iter_mut().find(|p| p.part == part && p.code == code && p.zh == zh && p.en == en)
        {
            if let (Some(cases), Some(c)) = (&mut p.cases, case)
                && !cases.contains(&c)
            {
                cases.push(c);
            }
            return;
        }
        self.pending.push(Pending { part, code, severity, zh, en, cases: case.map(|c| vec![c]) });
    }

    fn note(&mut self, case: usize, part: Part, note: RuleNote) {
        self.add(Some(case), part, note.code, note.severity, note.zh, note.en);
    }
}

fn lint(book: &Compiled) -> Lint {
    let places = Places::of(book);
    let cases = cases::cases(book);
    let reached: Vec<CaseReach> = cases.iter().map(|c| analyse::analyse(book, c)).collect();
    let mut g = Gather::default();
    for (ci, (case, r)) in cases.iter().zip(&reached).enumerate() {
        case_findings(book, case, r, ci, &mut g);
    }
    global_findings(book, &cases, &mut g);

    let mut findings: Vec<Finding> = g
        .pending
        .into_iter()
        .map(|p| {
            let (zh_where, en_where) = match &p.cases {
                Some(held) if held.len() < cases.len() => where_words(book, &cases, held),
                _ => (String::new(), String::new()),
            };
            let pos = places.pos(&p.part);
            Finding {
                code: p.code.to_owned(),
                severity: p.severity,
                location: Location {
                    file: None,
                    line: pos.map(|p| p.line),
                    column: pos.map(|p| p.column),
                    path: Some(p.part.path()),
                },
                zh: format!("{}{zh_where}", p.zh),
                en: format!("{}{en_where}", p.en),
            }
        })
        .collect();
    findings.sort_by(|a, b| {
        (a.location.line.unwrap_or(u32::MAX), a.location.column, std::cmp::Reverse(a.severity)).cmp(&(
            b.location.line.unwrap_or(u32::MAX),
            b.location.column,
            std::cmp::Reverse(b.severity),
        ))
    });
    Lint {
        rulebook: book.meta.id.clone(),
        version: book.meta.version.clone(),
        fingerprint: book.fingerprint.clone(),
        findings,
        ranges: ranges(book, &cases, &reached),
    }
}

/// "(only in: profile X; profile Y from D)" for a finding that holds in some cases only.
fn where_words(book: &Compiled, cases: &[Case], held: &[usize]) -> (String, String) {
    let (mut zh, mut en) = (Vec::new(), Vec::new());
    for profile in 0..book.profiles.len() {
        let of_profile: Vec<usize> = (0..cases.len()).filter(|&i| cases[i].profile == profile).collect();
        let here: Vec<usize> = of_profile.iter().copied().filter(|i| held.contains(i)).collect();
        if here.is_empty() {
            continue;
        }
        let (pz, pe) = match profile {
            0 => ("基准".to_owned(), "the base profile".to_owned()),
            p => {
                (format!("片区/类别 {}", book.profiles[p].name), format!("profile {}", book.profiles[p].name))
            }
        };
        if here.len() == of_profile.len() {
            zh.push(pz);
            en.push(pe);
            continue;
        }
        for i in here {
            let c = &cases[i];
            let (dz, de) = match (c.from, c.until) {
                (Some(f), Some(u)) => (format!("{f} 起至 {u} 前"), format!("from {f} until {u}")),
                (Some(f), None) => (format!("{f} 起"), format!("from {f}")),
                _ => (String::new(), String::new()),
            };
            zh.push(format!("{pz} {dz}").trim().to_owned());
            en.push(format!("{pe} {de}").trim().to_owned());
        }
    }
    (format!("（仅在：{}）", zh.join("；")), format!(" (only in {})", en.join("; ")))
}

fn part_of(book: &Compiled, site: &Site) -> Part {
    match site {
        Site::Node(i) => Part::Rule(book.nodes[*i as usize].id.clone()),
        Site::Bonus(k) => Part::Bonus(book.bonus[*k].id.clone()),
        Site::Penalty(k) => Part::Penalty(book.penalty[*k].id.clone()),
    }
}

/// What one case proves.
fn case_findings(book: &Compiled, case: &Case, r: &CaseReach, ci: usize, g: &mut Gather) {
    for (site, note) in &r.notes {
        g.note(ci, part_of(book, site), note.clone());
    }
    let show = |n: &crate::num::Num| points_text(book, n);
    for (i, node) in book.nodes.iter().enumerate() {
        let reach = &r.nodes[i];
        let parent_may_apply = node.parent.is_none_or(|p| r.nodes[p as usize].may_apply);
        let id = &node.id;
        if parent_may_apply && !reach.may_apply {
            g.add(
                Some(ci),
                Part::Indicator(id.clone()),
                "never-applies",
                Severity::Warning,
                format!("指标 {id} 永远不适用（applies 从不成立），总按缺项折算"),
                format!("indicator {id} never applies (its applies never holds): it is always left out"),
            );
        }
        let max = &book.points[case.profile][i];
        if node.rule.is_some()
            && reach.may_apply
            && max.is_positive()
            && let Some(top) = reach.points.sup()
            && top < max
        {
            g.add(
                Some(ci),
                Part::Indicator(id.clone()),
                "never-full-points",
                Severity::Warning,
                format!("指标 {id} 永远拿不到满分 {}：最多 {}", show(max), show(top)),
                format!("indicator {id} can never give its full {} points: at most {}", show(max), show(top)),
            );
        }
    }
    let truths = |g: &mut Gather,
                  truths: &[Truth],
                  parts: Vec<Part>,
                  codes: [(&'static str, Severity, &str, &str); 2]| {
        for (t, part) in truths.iter().zip(parts) {
            let which = if t.never() && (t.can_fail || t.no_data) {
                Some(&codes[0])
            } else if t.always() {
                Some(&codes[1])
            } else {
                None
            };
            if let Some((code, severity, zh, en)) = which {
                let name = match &part {
                    Part::GradeRule(i) => format!("#{}", i + 1),
                    Part::Veto(n) | Part::Criterion(n) => n.clone(),
                    other => other.path(),
                };
                g.add(Some(ci), part, code, *severity, zh.replace("{}", &name), en.replace("{}", &name));
            }
        }
    };
    truths(
        g,
        &r.vetoes,
        book.vetoes.iter().map(|v| Part::Veto(v.id.clone())).collect(),
        [
            (
                "veto-never-fires",
                Severity::Warning,
                "一票否决 {} 永远不会触发：条件从不成立",
                "veto {} never fires: its condition never holds",
            ),
            (
                "veto-always-fires",
                Severity::Warning,
                "一票否决 {} 总会触发：每条记录都被否决",
                "veto {} always fires: every record is vetoed",
            ),
        ],
    );
    truths(
        g,
        &r.grade_rules,
        (0..book.grade_rules.len()).map(Part::GradeRule).collect(),
        [
            (
                "grade-rule-never-fires",
                Severity::Warning,
                "等次规则 {} 永远不会触发：条件从不成立",
                "grade rule {} never fires: its condition never holds",
            ),
            (
                "grade-rule-always-fires",
                Severity::Warning,
                "等次规则 {} 总会触发：每条记录的等次都被封顶",
                "grade rule {} always fires: every record's grade is capped",
            ),
        ],
    );
    truths(
        g,
        &r.criteria,
        book.criteria.iter().map(|c| Part::Criterion(c.id.clone())).collect(),
        [
            (
                "criterion-never-holds",
                Severity::Warning,
                "达标条件 {} 永远不成立：没有记录能达标",
                "criterion {} never holds: no record can pass",
            ),
            ("criterion-always-holds", Severity::Info, "达标条件 {} 总是成立", "criterion {} always holds"),
        ],
    );
    if let Some(total) = &r.total {
        for (gi, grade) in book.grades.iter().enumerate() {
            if !r.grades[gi] {
                let label = &grade.label;
                g.add(
                    Some(ci),
                    Part::Grade(label.clone()),
                    "grade-unreachable",
                    Severity::Warning,
                    format!("没有记录能评为“{label}”：总分在 {} 之内", total.text_by(show)),
                    format!("no record can get grade {label}: the total lies within {}", total.text_by(show)),
                );
            }
        }
    }
}

/// What does not depend on the case: values nothing reads, dated parameters and the rulebook's
/// date.
fn global_findings(book: &Compiled, cases: &[Case], g: &mut Gather) {
    let read = reads::read_slots(book);
    for (i, input) in book.schema.inputs.iter().enumerate() {
        if read[i] || input.from_component.is_some() {
            continue;
        }
        let name = &input.name;
        let required = input.required && input.default.is_none() && input.list_default.is_none();
        let (severity, zh, en) = if required {
            (
                Severity::Warning,
                format!("输入 {name} 没有被任何规则读取，却是必填项：缺少它的记录会出错（MissingInput）"),
                format!(
                    "nothing reads input {name}, yet it is required: a record without it fails (MissingInput)"
                ),
            )
        } else {
            (Severity::Info, format!("输入 {name} 没有被任何规则读取"), format!("nothing reads input {name}"))
        };
        g.add(None, Part::Input(name.clone()), "input-unread", severity, zh, en);
    }
    let base = book.param_base() as usize;
    for (k, p) in book.params.iter().enumerate() {
        if !read[base + k] {
            let name = &p.name;
            g.add(
                None,
                Part::Param(name.clone()),
                "param-unread",
                Severity::Warning,
                format!("参数 {name} 没有被任何规则读取"),
                format!("nothing reads parameter {name}"),
            );
        }
    }
    for d in &book.derived {
        if !read[d.slot as usize] {
            let name = &d.name;
            g.add(
                None,
                Part::Derived(name.clone()),
                "derived-unread",
                Severity::Info,
                format!("派生值 {name} 没有被任何规则读取（仍会计算并出现在说明中）"),
                format!(
                    "nothing reads derived value {name} (it is still computed, and shown in explanations)"
                ),
            );
        }
    }
    // Dated parameters and the rulebook's date: a record scored on that date needs every
    // parameter to have a value then (all are read for every record, spec §16).
    let profiles: Vec<usize> = {
        let mut p: Vec<usize> = cases.iter().map(|c| c.profile).collect();
        p.dedup();
        if p.is_empty() {
            (usize::from(!cases::base_reachable(book))..book.profiles.len()).collect()
        } else {
            p
        }
    };
    let dated = |v: &ParamValue| matches!(v, ParamValue::Dated(_));
    for p in &book.params {
        let name = &p.name;
        match book.meta.as_of {
            Some(as_of) => {
                let missing: Vec<usize> =
                    profiles.iter().copied().filter(|&k| p.values[k].at(Some(as_of)).is_none()).collect();
                if missing.is_empty() {
                    continue;
                }
                let first = match &p.values[missing[0]] {
                    ParamValue::Dated(list) => list.first().map(|(d, _)| d.to_string()).unwrap_or_default(),
                    ParamValue::Fixed(_) => String::new(),
                };
                let (wz, we) = if missing.len() == profiles.len() {
                    (String::new(), String::new())
                } else {
                    let names: Vec<String> = missing
                        .iter()
                        .map(|&k| if k == 0 { "base".to_owned() } else { book.profiles[k].name.clone() })
                        .collect();
                    (format!("（片区/类别 {}）", names.join("、")), format!(" (in {})", names.join(", ")))
                };
                g.add(
                    None,
                    Part::Param(name.clone()),
                    "dated-param-misses-as-of",
                    Severity::Error,
                    format!("参数 {name} 在方案日期 {as_of} 没有取值（最早自 {first} 起）{wz}：按方案日期评分的记录都会出错（NoDatedValue）"),
                    format!("parameter {name} has no value on the rulebook's date {as_of} (its first is from {first}){we}: every record scored on that date fails (NoDatedValue)"),
                );
            }
            None if p.values.iter().any(dated) => {
                g.add(
                    None,
                    Part::Param(name.clone()),
                    "dated-param-without-as-of",
                    Severity::Warning,
                    format!("参数 {name} 按日期取值，但方案没有 as_of：每次评分都必须给出评分日期"),
                    format!("parameter {name} is dated but the rulebook has no as_of: every call must give a scoring date"),
                );
            }
            None => {}
        }
    }
}

/// The ranges per case, periods of one profile that give the same merged.
fn ranges(book: &Compiled, cases: &[Case], reached: &[CaseReach]) -> Vec<Ranges> {
    let mut out: Vec<Ranges> = Vec::new();
    let in_period = |c: &Case| match book.meta.as_of {
        Some(d) => c.from.is_none_or(|f| f <= d) && c.until.is_none_or(|u| d < u),
        None => c.from.is_none(),
    };
    for (case, r) in cases.iter().zip(reached) {
        let p = case.profile;
        let indicators: Vec<IndicatorRange> = book
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| IndicatorRange {
                id: n.id.clone(),
                points: points_text(book, &book.points[p][i]),
                range: r.nodes[i].may_apply.then(|| Span::of(book, &r.nodes[i].points)),
                may_be_left_out: r.nodes[i].may_skip,
            })
            .collect();
        let grades: Option<Vec<String>> = (!book.grades.is_empty()).then(|| {
            book.grades
                .iter()
                .zip(&r.grades)
                .filter(|(_, reached)| **reached)
                .map(|(g, _)| g.label.clone())
                .collect()
        });
        let passed = if book.criteria.is_empty() {
            Vec::new()
        } else {
            let can_pass = r.criteria.iter().all(|t| t.can_hold);
            let can_fail = r.criteria.iter().any(|t| t.can_fail || t.no_data);
            [(can_pass, true), (can_fail, false)].into_iter().filter(|(c, _)| *c).map(|(_, v)| v).collect()
        };
        let row = Ranges {
            profile: (p > 0).then(|| book.profiles[p].name.clone()),
            from: case.from,
            until: case.until,
            as_of: in_period(case),
            total: r.total.as_ref().map(|t| Span::of(book, t)),
            indicators,
            grades,
            passed,
        };
        // The same as the previous period of this profile: one row, the period widened.
        if let Some(prev) = out.last_mut()
            && prev.profile == row.profile
            && prev.until == row.from
            && same(prev, &row)
        {
            prev.until = row.until;
            prev.as_of |= row.as_of;
            continue;
        }
        out.push(row);
    }
    out
}

fn same(a: &Ranges, b: &Ranges) -> bool {
    a.total == b.total
        && a.grades == b.grades
        && a.passed == b.passed
        && a.indicators.len() == b.indicators.len()
        && a.indicators.iter().zip(&b.indicators).all(|(x, y)| {
            x.points == y.points && x.range == y.range && x.may_be_left_out == y.may_be_left_out
        })
}
