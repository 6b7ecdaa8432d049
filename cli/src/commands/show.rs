//! `kaoping show`: a rulebook's text (a built-in's TOML, to copy and adapt), or with `--set` the
//! variant's text — with Chinese comments a non-programmer can follow: before each indicator its
//! place in the tree, its points and its rule in words (分档计分, 扣分制…), before each input what
//! it holds, before each veto, criterion and grade what it does. The comments are TOML comments:
//! the text loads as the same rulebook (same fingerprint). `--plain` prints the text as written;
//! JSON rulebooks, which have no comments, are always printed as written.

use std::collections::BTreeMap;
use std::path::Path;

use kaoping::internals::syntax::{self, Node, Value};
use kaoping::{Format, Rulebook};

use crate::fail::Fail;
use crate::load::{SET_HELP, load, located, with_sets};

/// `kaoping show RULEBOOK [--plain] [--set NAME=VALUE…]`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// builtin:<id> (or the bare id), or a rulebook file.
    rulebook: String,
    /// Print the text as written, without the Chinese comments.
    #[arg(long)]
    plain: bool,
    #[arg(long = "set", value_name = "NAME=VALUE", help = SET_HELP)]
    set: Vec<String>,
}

/// Run `kaoping show`.
pub fn run(args: Args) -> Result<u8, Fail> {
    let Args { rulebook, plain, set } = args;
    let rb = if !rulebook.starts_with("builtin:") && Path::new(&rulebook).is_file() {
        load(&rulebook, &set)?
    } else {
        // A bare id names a built-in.
        let id = rulebook.strip_prefix("builtin:").unwrap_or(&rulebook);
        let rb = Rulebook::builtin(id).map_err(|e| Fail::rulebook(&e))?;
        with_sets(rb, &set).map_err(|e| Fail::rulebook(&located(e, &rulebook)))?
    };
    let text = rb.text().unwrap_or_default();
    if plain || rb.text_format() != Some(Format::Toml) {
        print!("{text}");
    } else {
        print!("{}", annotated(&rb, text));
    }
    Ok(0)
}

/// The text with a comment block before the lines it explains.
pub fn annotated(rb: &Rulebook, text: &str) -> String {
    let Ok(doc) = syntax::parse(text, Format::Toml) else { return text.to_owned() };
    let words = Words::of(rb, &doc);
    let mut before: BTreeMap<u32, Vec<String>> = BTreeMap::new();
    let mut note = |line: u32, lines: Vec<String>| before.entry(line).or_default().extend(lines);
    note(1, words.heading(rb));
    for e in table(&doc, "inputs") {
        note(e.key_pos.line, vec![words.input(&e.key, &e.value)]);
    }
    for (k, e) in table(&doc, "params").iter().enumerate() {
        let mut line = words.param(&e.key, &e.value);
        if k == 0 {
            line.push_str("（规则里写参数名；改数值只改参数这一处）");
        }
        note(e.key_pos.line, vec![line]);
    }
    for e in table(&doc, "derived") {
        let label = words.label_of(&e.key);
        note(e.key_pos.line, vec![format!("# 计算值 {}：由公式算出（见等号右边），供下面的规则使用", label)]);
    }
    for n in array(&doc, "indicator") {
        note(n.pos.line, words.indicator(rb, n));
    }
    for (section, what) in [("bonus", "加分项"), ("penalty", "扣分项")] {
        for n in array(&doc, section) {
            note(n.pos.line, words.adjustment(n, what));
        }
    }
    if let Some(a) = doc.get("adjust") {
        note(a.pos.line, vec![words.adjust(a)]);
    }
    for n in array(&doc, "veto") {
        note(n.pos.line, vec![words.veto(n)]);
    }
    for n in array(&doc, "criterion") {
        note(
            n.pos.line,
            vec![format!(
                "# 达标条件「{}」：{} 必须成立；全部成立才算达标",
                s(n, "label"),
                words.cond(n, "when")
            )],
        );
    }
    for n in array(&doc, "grade") {
        note(n.pos.line, vec![words.grade(n)]);
    }
    for n in array(&doc, "grade_rule") {
        note(
            n.pos.line,
            vec![format!(
                "# 等次上限：当 {} 时，等次最高为「{}」",
                words.cond(n, "when"),
                s(n, "grade_at_most")
            )],
        );
    }
    if let Some(first) = array(&doc, "test").first() {
        note(
            first.pos.line,
            vec![
                "# ── 测试用例 ── 每个 [[test]] 给出一个单位的数据（record）和应得的结果（expect）；"
                    .to_owned(),
                "# kaoping test 逐一核对，改动规则后若结果变了会报出。".to_owned(),
            ],
        );
    }
    let mut out = String::with_capacity(text.len() * 2);
    for (i, line) in text.split_inclusive('\n').enumerate() {
        if let Some(comments) = before.get(&(i as u32 + 1)) {
            for c in comments {
                out.push_str(c);
                out.push('\n');
            }
        }
        out.push_str(line);
    }
    out
}

fn table<'a>(doc: &'a Node, key: &str) -> &'a [syntax::Entry] {
    match doc.get(key).map(|n| &n.value) {
        Some(Value::Table(entries)) => entries,
        _ => &[],
    }
}

fn array<'a>(doc: &'a Node, key: &str) -> &'a [Node] {
    match doc.get(key).map(|n| &n.value) {
        Some(Value::Array(items)) => items,
        _ => &[],
    }
}

/// A string value of a table, or "".
fn s<'a>(n: &'a Node, key: &str) -> &'a str {
    match n.get(key).map(|v| &v.value) {
        Some(Value::String(t)) => t,
        _ => "",
    }
}

/// A scalar as written (numbers, names, booleans).
fn scalar(n: &Node) -> String {
    match &n.value {
        Value::String(t) => t.clone(),
        Value::Integer(t) | Value::Float(t) => t.clone(),
        Value::Bool(b) => if *b { "是" } else { "否" }.to_owned(),
        Value::Date(d) => d.to_string(),
        Value::Array(items) => items.iter().map(scalar).collect::<Vec<_>>().join("、"),
        Value::Table(_) | Value::Null => String::new(),
    }
}

/// The rulebook's names with their labels, to say rules in its own words.
struct Words {
    labels: BTreeMap<String, String>,
    params: BTreeMap<String, String>,
}

impl Words {
    fn of(rb: &Rulebook, doc: &Node) -> Words {
        let mut labels = BTreeMap::new();
        for i in rb.inputs() {
            if let Some(l) = i.label {
                labels.insert(i.name, l);
            }
        }
        for e in table(doc, "derived") {
            if let Some(Value::String(l)) = e.value.get("label").map(|l| &l.value) {
                labels.insert(e.key.clone(), l.clone());
            }
        }
        let mut params = BTreeMap::new();
        for e in table(doc, "params") {
            let value = match &e.value.value {
                Value::Table(_) => e.value.get("value").map(scalar),
                _ => Some(scalar(&e.value)),
            };
            if let Some(v) = value {
                params.insert(e.key.clone(), v);
            }
        }
        Words { labels, params }
    }

    /// A name with its label: `incidence`, `户籍人口(population)`.
    fn label_of(&self, name: &str) -> String {
        match self.labels.get(name) {
            Some(l) => format!("{l}({name})"),
            None => name.to_owned(),
        }
    }

    /// What a rule reads: a name with its label, or the expression as written.
    fn input(&self, name: &str, spec: &Node) -> String {
        let ty = s(spec, "type");
        let mut parts = vec![match ty {
            "integer" => "整数".to_owned(),
            "decimal" => "数值".to_owned(),
            "boolean" => "是/否".to_owned(),
            "numbers" => "一组分数（如专家评分）".to_owned(),
            "items" => match spec.get("rulebook") {
                Some(r) => format!("明细表，每行按考核方案 {} 计分", scalar(r)),
                None => "明细表（每条一行）".to_owned(),
            },
            _ => "文字".to_owned(),
        }];
        if let Some(v) = spec.get("values") {
            parts.push(format!("只能是 {}", scalar(v)));
        }
        match (spec.get("min").map(scalar), spec.get("max").map(scalar)) {
            (Some(a), Some(b)) => parts.push(format!("{a} 至 {b}")),
            (Some(a), None) => parts.push(format!("不小于 {a}")),
            (None, Some(b)) => parts.push(format!("不大于 {b}")),
            (None, None) => {}
        }
        if let Some(u) = spec.get("unit") {
            parts.push(format!("单位 {}", scalar(u)));
        }
        match (spec.get("default"), spec.get("required").map(|r| r.value == Value::Bool(false))) {
            (Some(d), _) => parts
                .push(format!("不填按 {}", if scalar(d).is_empty() { "无".to_owned() } else { scalar(d) })),
            (None, Some(true)) => parts.push("可不填（不填即无数据，读它的规则得 0 分）".to_owned()),
            _ => parts.push("必填".to_owned()),
        }
        if let Some(j) = spec.get("join") {
            parts.push(format!("明细表中“{}”列写所属单位", scalar(j)))
        }
        format!("# 输入 {}：{}", self.label_of(name), parts.join("，"))
    }

    fn param(&self, name: &str, spec: &Node) -> String {
        let mut parts = Vec::new();
        match &spec.value {
            Value::Table(_) => {
                if let Some(v) = spec.get("value") {
                    parts.push(format!("取 {}", scalar(v)));
                }
                if let Some(Value::Table(dates)) = spec.get("dated").map(|d| &d.value) {
                    let d: Vec<String> =
                        dates.iter().map(|e| format!("{} 起为 {}", e.key, scalar(&e.value))).collect();
                    parts.push(format!("按日期：{}", d.join("，")));
                }
                if let Some(Value::Table(profiles)) = spec.get("profiles").map(|d| &d.value) {
                    let p: Vec<String> = profiles
                        .iter()
                        .map(|e| match &e.value.value {
                            Value::Table(_) => format!("{} 另定", e.key),
                            _ => format!("{} 为 {}", e.key, scalar(&e.value)),
                        })
                        .collect();
                    parts.push(format!("片区/类别不同：{}", p.join("，")));
                }
            }
            _ => parts.push(format!("取 {}", scalar(spec))),
        }
        format!("# 参数 {name}：{}", parts.join("；"))
    }

    /// An operand: a number, or a parameter name with its value.
    fn operand(&self, n: &Node) -> String {
        let v = scalar(n);
        match self.params.get(&v) {
            Some(p) => format!("{v}(={p})"),
            None => v,
        }
    }

    /// A condition or value as written, its names labelled where it is one name.
    fn cond(&self, n: &Node, key: &str) -> String {
        let c = s(n, key);
        if self.labels.contains_key(c) { self.label_of(c) } else { c.to_owned() }
    }

    fn heading(&self, rb: &Rulebook) -> Vec<String> {
        let max = rb.max(None).map(|m| format!("满分 {m} 分；")).unwrap_or_default();
        vec![
            format!(
                "# 【{}】版本 {}。{max}每段前的 # 注释由 kaoping show 加上，帮助阅读：",
                rb.title(),
                rb.version()
            ),
            "# 加载时注释被忽略，方案与指纹不变（kaoping show --plain 显示原文）。".to_owned(),
        ]
    }

    fn indicator(&self, rb: &Rulebook, n: &Node) -> Vec<String> {
        let id = s(n, "id");
        let points = n.get("points").map(scalar).unwrap_or_default();
        let path: Vec<String> = {
            let mut ids = Vec::new();
            let mut at = id;
            while !at.is_empty() {
                ids.push(at.to_owned());
                at = at.rsplit_once('.').map_or("", |(p, _)| p);
            }
            let infos = rb.indicators();
            ids.iter()
                .rev()
                .map(|i| infos.iter().find(|x| x.id == *i).map_or(i.clone(), |x| x.label.clone()))
                .collect()
        };
        let depth = id.matches('.').count();
        let mut out = vec![format!("# {}【{}】{points} 分", "  ".repeat(depth), path.join(" › "))];
        let rule = self.rule(n, &points);
        let pad = format!("# {}  ", "  ".repeat(depth));
        match rule {
            Some(r) => out.push(format!("{pad}{r}")),
            None => out.push(format!(
                "{pad}{}",
                if s(n, "aggregate") == "weighted" {
                    "下列各项加权：各项得分率 × 权重，再按本项分值折算".to_owned()
                } else {
                    "由下列各项得分相加".to_owned()
                }
            )),
        }
        if let Some(w) = n.get("weight") {
            out.push(format!("{pad}在上级中的权重 {}", scalar(w)));
        }
        if n.get("applies").is_some() {
            out.push(format!("{pad}仅当 {} 时参评；不参评时上级按实际分值折算（缺项折算）", s(n, "applies")));
        }
        out
    }

    fn adjustment(&self, n: &Node, what: &str) -> Vec<String> {
        let points = n.get("points").map(scalar).unwrap_or_default();
        let mut out = vec![format!("# {what}「{}」最多 {points} 分", s(n, "label"))];
        if let Some(r) = self.rule(n, &points) {
            out.push(format!("#   {r}"));
        }
        out
    }

    fn adjust(&self, a: &Node) -> String {
        let mut parts = Vec::new();
        if let Some(b) = a.get("bonus_cap") {
            parts.push(format!("加分合计最多 {} 分", scalar(b)));
        }
        if let Some(p) = a.get("penalty_cap") {
            parts.push(format!("扣分合计最多 {} 分", scalar(p)));
        }
        if a.get("allow_above_max").is_some_and(|v| v.value == Value::Bool(true)) {
            parts.push("总分可以超过满分".to_owned());
        }
        format!("# 加减分：{}", parts.join("，"))
    }

    fn veto(&self, n: &Node) -> String {
        let mut then = Vec::new();
        if let Some(sc) = n.get("score") {
            then.push(format!("总分记为 {}", self.operand(sc)));
        }
        if let Some(g) = n.get("grade") {
            then.push(format!("等次最高为「{}」", scalar(g)));
        }
        format!("# 一票否决「{}」：当 {} 时，{}", s(n, "label"), self.cond(n, "when"), then.join("，"))
    }

    fn grade(&self, n: &Node) -> String {
        match (n.get("at_least"), n.get("above")) {
            (Some(b), _) => format!("# 等次：总分 ≥ {} 为「{}」", self.operand(b), s(n, "label")),
            (_, Some(b)) => format!("# 等次：总分 > {} 为「{}」", self.operand(b), s(n, "label")),
            _ => format!("# 等次：其余为「{}」", s(n, "label")),
        }
    }

    /// The rule of a leaf (or a bonus or penalty item) in words; `None` for an inner node.
    fn rule(&self, n: &Node, points: &str) -> Option<String> {
        let input = |r: &Node| self.cond(r, "input");
        let pair = |p: Option<&Node>| match p.map(|p| &p.value) {
            Some(Value::Array(xy)) if xy.len() == 2 => (self.operand(&xy[0]), self.operand(&xy[1])),
            _ => (String::new(), String::new()),
        };
        let or =
            |r: &Node, key: &str, default: &str| r.get(key).map_or(default.to_owned(), |v| self.operand(v));
        if let Some(r) = n.get("bands") {
            let (key, sign) = [("at_most", "≤"), ("below", "<"), ("at_least", "≥"), ("above", ">")]
                .into_iter()
                .find(|(k, _)| r.get(k).is_some())?;
            let bands: Vec<String> = match &r.get(key)?.value {
                Value::Array(b) => b
                    .iter()
                    .map(|b| {
                        let (t, p) = pair(Some(b));
                        format!("{sign} {t} 得 {p} 分")
                    })
                    .collect(),
                _ => Vec::new(),
            };
            return Some(format!(
                "分档计分：{} {}；都不满足得 {} 分（从第一档起，满足即止）",
                input(r),
                bands.join("；"),
                or(r, "else", "0")
            ));
        }
        if let Some(r) = n.get("linear") {
            let ((x0, p0), (x1, p1)) = (pair(r.get("from")), pair(r.get("to")));
            return Some(format!(
                "按比例计分：{} 为 {x0} 得 {p0} 分，为 {x1} 得 {p1} 分，其间按线性比例，超出两端按端点计",
                input(r)
            ));
        }
        if let Some(r) = n.get("check") {
            return Some(format!(
                "条件计分：{} 成立得 {} 分，否则得 {} 分",
                self.cond(r, "when"),
                or(r, "points", points),
                or(r, "else", "0")
            ));
        }
        if let Some(r) = n.get("count") {
            return Some(format!(
                "计数计分：{} 每 1 个得 {} 分，最多 {points} 分",
                input(r),
                or(r, "each", "1")
            ));
        }
        if let Some(r) = n.get("deduct") {
            return Some(format!(
                "扣分制：从 {points} 分起，{} 每 1 个扣 {} 分，最低 {} 分（扣完为止）",
                input(r),
                or(r, "each", "1"),
                or(r, "floor", "0")
            ));
        }
        if let Some(r) = n.get("ratio") {
            return Some(format!(
                "按完成比例计分：{} ÷ {} × {points} 分，最多 {points} 分",
                input(r),
                r.get("target").map(|t| self.operand(t)).unwrap_or_default()
            ));
        }
        if let Some(r) = n.get("lookup") {
            let rows: Vec<String> = match r.get("table").map(|t| &t.value) {
                Some(Value::Table(e)) => {
                    e.iter().map(|e| format!("“{}”得 {} 分", e.key, self.operand(&e.value))).collect()
                }
                _ => Vec::new(),
            };
            let other = match r.get("else") {
                Some(v) => format!("其他得 {} 分", self.operand(v)),
                None => "表中没有的值报错（LookupMiss）".to_owned(),
            };
            return Some(format!("查表计分：{} 为 {}；{other}", input(r), rows.join("，")));
        }
        if let Some(r) = n.get("relative") {
            let within =
                if s(r, "within") == "profile" { "同一片区/类别内" } else { "全部参评单位中" };
            return Some(if s(r, "best") == "min" {
                format!("相对计分（越小越好）：{within}最小值 ÷ {} × {points} 分", input(r))
            } else {
                format!("相对计分：{} ÷ {within}最大值 × {points} 分（以最高值为满分，其余按比例）", input(r))
            });
        }
        if let Some(r) = n.get("formula") {
            return Some(format!("公式计分：{}（结果限制在 0 至 {points} 分）", scalar(r)));
        }
        if let Some(r) = n.get("component") {
            return Some(format!("引用考核方案 {} 的总分：其总分 ÷ 其满分 × {points} 分", s(r, "rulebook")));
        }
        if let Some(r) = n.get("panel") {
            let trim = or(r, "trim", "1");
            let how = match s(r, "method") {
                "median" => "取中位数".to_owned(),
                "trimmed_mean" => format!("去掉 {trim} 个最高分和 {trim} 个最低分后取平均"),
                _ => "取平均分".to_owned(),
            };
            let mut t = format!(
                "专家评分：{} {how}，按 0 至 {} 分折算为 0 至 {points} 分",
                input(r),
                or(r, "scale_max", points)
            );
            if let Some(m) = r.get("max_spread") {
                t.push_str(&format!("；最高与最低分相差超过 {} 时提示（不改分）", scalar(m)));
            }
            return Some(t);
        }
        if let Some(r) = n.get("items") {
            let keys = r.get("keys").map(scalar).unwrap_or_default();
            let mut t = format!("明细计分：{} 每条按 {keys} 查表得分", input(r));
            match r.get("else") {
                Some(v) => t.push_str(&format!("（表中没有的得 {} 分）", self.operand(v))),
                None => t.push_str("（表中没有的报错 LookupMiss）"),
            }
            if let Some(b) = r.get("best_per") {
                t.push_str(&format!("；同一 {} 只计最高一项", scalar(b)));
            }
            if let Some(c) = r.get("cap_per") {
                t.push_str(&format!(
                    "；每个 {} 合计最多 {} 分",
                    s(c, "field"),
                    c.get("cap").map(|v| self.operand(v)).unwrap_or_default()
                ));
            }
            t.push_str(&format!("；合计最多 {points} 分"));
            return Some(t);
        }
        None
    }
}
