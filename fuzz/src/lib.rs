//! Shared pieces of the fuzz targets: what to do with a rulebook that loaded (use every read-only
//! entry point, score an empty and a filled record), the invariants every scored outcome keeps,
//! and `arbitrary` structures that become well-formed-looking rulebooks and records, so that the
//! fuzzer reaches the compiler and the evaluator instead of stopping at the TOML parser. A
//! generated rulebook may use generated component rulebooks (spec §6, §16), which may use earlier
//! ones (a component of a component); every rulebook of a family declares its inputs from one
//! pool of names, each with one type, so that their inputs merge (same name, same type) while
//! each may declare its own bounds, default and `required`.

use std::fmt::Write as _;

use arbitrary::Arbitrary;
use kaoping::{BatchOptions, Format, LoadError, Loader, Outcome, Record, Rulebook, ScoreOptions};

/// Use every read-only entry point of a loaded rulebook, and score an empty record. None may
/// panic; scoring an empty record may fail (inputs are missing) but only with a typed error.
pub fn exercise(rb: &Rulebook) {
    let _ = (rb.id(), rb.title(), rb.version(), rb.fingerprint(), rb.scale(), rb.text());
    let _ = (rb.description(), rb.source(), rb.grades(), rb.vetoes(), rb.criteria());
    for p in rb.profiles() {
        let _ = rb.max(Some(p));
    }
    let _ = rb.max(None);
    let _ = rb.indicators();
    let _ = rb.inputs();
    let _ = rb.run_tests();
    let empty = rb.record();
    if let Ok(out) = rb.score(&empty, &ScoreOptions::default()) {
        check_outcome(rb, &out);
    }
}

/// The invariants of spec §6–§8 that hold for every outcome, whatever the rulebook: every node's
/// published points lie in [0, its max]; the total is at least 0; and the outcome's JSON reads
/// back to the same outcome.
pub fn check_outcome(rb: &Rulebook, out: &Outcome) {
    check_points(out);
    let json = out.to_json();
    let back = Outcome::from_json(&json).expect("an outcome's JSON reads back");
    assert_eq!(back.to_json(), json, "JSON round trip of an outcome of {}", rb.id());
    let _ = kaoping::explain(out, kaoping::Lang::Zh);
    let _ = kaoping::explain(out, kaoping::Lang::En);
}

/// Every node's published points lie in [0, its max] and the total is at least 0, here and in
/// the result of every component the outcome explains (at any depth).
fn check_points(out: &Outcome) {
    for n in &out.nodes {
        if let Some(p) = n.points {
            assert!(p >= rust_decimal::Decimal::ZERO, "node {} below 0: {p}", n.id);
            assert!(p <= n.max, "node {} above its max {}: {p}", n.id, n.max);
        }
        if let Some(inner) = n.component.as_deref() {
            check_points(inner);
        }
    }
    if let Some(t) = out.total {
        assert!(t >= rust_decimal::Decimal::ZERO, "total below 0: {t}");
    }
}

/// Score `records` one by one and as a batch (in parallel and not): a rulebook without relative
/// rules gives every row exactly what scoring it alone gives (spec §12), and one slot per row.
pub fn score_all(rb: &Rulebook, records: &[Record]) {
    let alone: Vec<_> = records.iter().map(|r| rb.score(r, &ScoreOptions::default())).collect();
    for out in alone.iter().flatten() {
        check_outcome(rb, out);
    }
    // Without explanations (the compact rows, the columnar path where it applies) and with them.
    for (parallel, explain) in [(false, false), (true, false), (false, true)] {
        let batch = rb.score_batch(records, &BatchOptions { parallel, explain, ..BatchOptions::default() });
        assert_eq!(batch.len(), records.len(), "one slot per row");
        let _ = batch.summary();
        if rb.has_relative_rules() {
            continue;
        }
        for (i, one) in alone.iter().enumerate() {
            let row = batch.row(i);
            match one {
                Ok(o) => {
                    assert!(row.is_ok(), "row {i} failed in the batch only: {:?}", row.error());
                    assert_eq!(row.total(), o.total, "row {i} total");
                    assert_eq!(row.grade(), o.grade.as_deref(), "row {i} grade");
                    if let Some(explained) = row.outcome() {
                        assert_eq!(explained.total, o.total, "row {i} explained total");
                        check_points(explained);
                    }
                }
                Err(e) => {
                    let be = row.error().expect("row fails in the batch too");
                    assert_eq!(be.kind(), e.kind(), "row {i} error kind");
                }
            }
        }
    }
}

/// Text that becomes a plausible TOML value: numbers (some huge, some with many places), names
/// of the generated inputs and parameters, or junk.
#[derive(Arbitrary, Debug, Clone)]
pub enum Num {
    /// A small integer.
    Small(i8),
    /// An integer of any size.
    Int(i64),
    /// A decimal with a few places.
    Dec(i32, u8),
    /// A parameter or derived name, by index.
    Name(u8),
    /// Any string (quoted).
    Text(String),
}

impl Num {
    fn toml(&self) -> String {
        match self {
            Num::Small(v) => v.to_string(),
            Num::Int(v) => v.to_string(),
            Num::Dec(m, s) => {
                let s = u32::from(*s % 30);
                format!("\"{}\"", rust_decimal::Decimal::try_new(i64::from(*m), s).unwrap_or_default())
            }
            Num::Name(i) => format!("\"{}\"", NAMES[usize::from(*i) % NAMES.len()]),
            Num::Text(t) => quote(t),
        }
    }
}

const NAMES: [&str; 8] = ["a", "b", "c", "flag", "p", "q", "d1", "d2"];
const TYPES: [&str; 6] = ["decimal", "integer", "boolean", "text", "numbers", "items"];

fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A small expression grammar over the generated names (spec §5).
#[derive(Arbitrary, Debug, Clone)]
pub enum Ex {
    /// A literal.
    Lit(Num),
    /// A name.
    Name(u8),
    /// A binary operation, by operator index.
    Bin(u8, Box<Ex>, Box<Ex>),
    /// `not`, unary minus.
    Un(bool, Box<Ex>),
    /// `if … then … else …`.
    If(Box<Ex>, Box<Ex>, Box<Ex>),
    /// A function call, by function index.
    Call(u8, Vec<Ex>),
    /// `x in [...]`.
    In(Box<Ex>, Vec<String>),
}

const OPS: [&str; 13] = ["+", "-", "*", "/", "==", "!=", "<", "<=", ">", ">=", "and", "or", "+"];
const FUNCS: [&str; 8] = ["min", "max", "abs", "round", "floor", "ceil", "points", "max_points"];

impl Ex {
    fn text(&self, depth: usize) -> String {
        if depth > 12 {
            return "1".into();
        }
        match self {
            Ex::Lit(n) => match n {
                Num::Text(t) => quote(t).replace('\'', ""),
                Num::Name(i) => NAMES[usize::from(*i) % NAMES.len()].into(),
                other => other.toml().trim_matches('"').to_owned(),
            },
            Ex::Name(i) => NAMES[usize::from(*i) % NAMES.len()].into(),
            Ex::Bin(op, l, r) => {
                format!("({} {} {})", l.text(depth + 1), OPS[usize::from(*op) % OPS.len()], r.text(depth + 1))
            }
            Ex::Un(true, e) => format!("not {}", e.text(depth + 1)),
            Ex::Un(false, e) => format!("-{}", e.text(depth + 1)),
            Ex::If(c, t, e) => {
                format!("(if {} then {} else {})", c.text(depth + 1), t.text(depth + 1), e.text(depth + 1))
            }
            Ex::Call(f, args) => {
                let f = FUNCS[usize::from(*f) % FUNCS.len()];
                let args: Vec<String> = args.iter().take(4).map(|a| a.text(depth + 1)).collect();
                format!("{f}({})", args.join(", "))
            }
            Ex::In(x, opts) => {
                let opts: Vec<String> = opts.iter().take(4).map(|o| quote(o)).collect();
                format!("{} in [{}]", x.text(depth + 1), opts.join(", "))
            }
        }
    }

    /// The expression as a TOML string (single-quoted when it holds no single quote).
    fn toml(&self) -> String {
        let t = self.text(0);
        if t.contains('\'') || t.contains('\n') { quote(&t) } else { format!("'{t}'") }
    }
}

/// One rule of a leaf indicator.
#[derive(Arbitrary, Debug, Clone)]
pub enum RuleSpec {
    /// `bands` with a comparator index, bands and an optional `else`.
    Bands(u8, Ex, Vec<(Num, Num)>, Option<Num>),
    /// `linear`.
    Linear(Ex, (Num, Num), (Num, Num)),
    /// `check`.
    Check(Ex, Option<Num>, Option<Num>),
    /// `count`.
    Count(u8, Option<Num>),
    /// `deduct`.
    Deduct(u8, Option<Num>, Option<Num>),
    /// `ratio`.
    Ratio(Ex, Num),
    /// `lookup` with a table and an optional `else`.
    Lookup(Ex, Vec<(String, Num)>, Option<Num>),
    /// `formula`.
    Formula(Ex),
    /// `panel` with a method index.
    Panel(u8, u8, Option<u8>, Option<Num>, Option<Num>),
    /// `relative`.
    Relative(Ex, bool, bool),
    /// `items` over one key.
    Items(u8, Vec<(String, Num)>, Option<Num>, bool),
    /// `component`: one of the component rulebooks the rulebook may use, by index.
    Component(u8),
}

impl RuleSpec {
    /// The rule as a TOML line; `components` are the ids a `component` rule may name (none: it
    /// names a rulebook that does not exist, a load error).
    fn toml(&self, components: &[String]) -> String {
        let name = |i: &u8| NAMES[usize::from(*i) % NAMES.len()];
        match self {
            RuleSpec::Component(i) => {
                let id = match components.len() {
                    0 => "fz.none",
                    n => components[usize::from(*i) % n].as_str(),
                };
                format!("component = {{ rulebook = \"{id}\" }}")
            }
            RuleSpec::Bands(cmp, input, bands, els) => {
                let cmp = ["at_most", "below", "at_least", "above"][usize::from(*cmp) % 4];
                let bands: Vec<String> =
                    bands.iter().take(6).map(|(t, p)| format!("[{}, {}]", t.toml(), p.toml())).collect();
                let els = els.as_ref().map(|e| format!(", else = {}", e.toml())).unwrap_or_default();
                format!("bands = {{ input = {}, {cmp} = [{}]{els} }}", input.toml(), bands.join(", "))
            }
            RuleSpec::Linear(input, (x0, p0), (x1, p1)) => format!(
                "linear = {{ input = {}, from = [{}, {}], to = [{}, {}] }}",
                input.toml(),
                x0.toml(),
                p0.toml(),
                x1.toml(),
                p1.toml()
            ),
            RuleSpec::Check(when, pts, els) => {
                let mut s = format!("check = {{ when = {}", when.toml());
                if let Some(p) = pts {
                    let _ = write!(s, ", points = {}", p.toml());
                }
                if let Some(e) = els {
                    let _ = write!(s, ", else = {}", e.toml());
                }
                s + " }"
            }
            RuleSpec::Count(i, each) => {
                let each = each.as_ref().map(|e| format!(", each = {}", e.toml())).unwrap_or_default();
                format!("count = {{ input = \"{}\"{each} }}", name(i))
            }
            RuleSpec::Deduct(i, each, floor) => {
                let each = each.as_ref().map(|e| format!(", each = {}", e.toml())).unwrap_or_default();
                let floor = floor.as_ref().map(|e| format!(", floor = {}", e.toml())).unwrap_or_default();
                format!("deduct = {{ input = \"{}\"{each}{floor} }}", name(i))
            }
            RuleSpec::Ratio(input, target) => {
                format!("ratio = {{ input = {}, target = {} }}", input.toml(), target.toml())
            }
            RuleSpec::Lookup(input, table, els) => {
                let table: Vec<String> =
                    table.iter().take(6).map(|(k, v)| format!("{} = {}", quote(k), v.toml())).collect();
                let els = els.as_ref().map(|e| format!(", else = {}", e.toml())).unwrap_or_default();
                format!("lookup = {{ input = {}, table = {{ {} }}{els} }}", input.toml(), table.join(", "))
            }
            RuleSpec::Formula(e) => format!("formula = {}", e.toml()),
            RuleSpec::Panel(i, method, trim, scale_max, spread) => {
                let method = ["mean", "median", "trimmed_mean", "mode"][usize::from(*method) % 4];
                let mut s = format!("panel = {{ input = \"{}\", method = \"{method}\"", name(i));
                if let Some(t) = trim {
                    let _ = write!(s, ", trim = {}", t % 4);
                }
                if let Some(m) = scale_max {
                    let _ = write!(s, ", scale_max = {}", m.toml());
                }
                if let Some(m) = spread {
                    let _ = write!(s, ", max_spread = {}", m.toml());
                }
                s + " }"
            }
            RuleSpec::Relative(input, min, within) => format!(
                "relative = {{ input = {}, best = \"{}\"{} }}",
                input.toml(),
                if *min { "min" } else { "max" },
                if *within { ", within = \"profile\"" } else { "" }
            ),
            RuleSpec::Items(i, table, els, best) => {
                let table: Vec<String> =
                    table.iter().take(6).map(|(k, v)| format!("{} = {}", quote(k), v.toml())).collect();
                let els = els.as_ref().map(|e| format!(", else = {}", e.toml())).unwrap_or_default();
                let best = if *best { ", best_per = \"k\"" } else { "" };
                format!(
                    "items = {{ input = \"{}\", keys = [\"k\"], table = {{ {} }}{els}{best} }}",
                    name(i),
                    table.join(", ")
                )
            }
        }
    }
}

/// One indicator: its depth below the previous one (0 = sibling at the top), points, an
/// optional rule (an inner node has none), an optional `applies`, an optional weight.
#[derive(Arbitrary, Debug, Clone)]
pub struct IndicatorSpec {
    /// Nesting step: 0 top level, 1 child of the previous top-level node, 2 grandchild.
    pub level: u8,
    /// Points.
    pub points: Num,
    /// The rule of a leaf.
    pub rule: Option<RuleSpec>,
    /// `applies`.
    pub applies: Option<Ex>,
    /// `aggregate = "weighted"` and a weight.
    pub weight: Option<Num>,
}

/// An input: a type index per name slot, with optional min, max and default, and `required`.
pub type InputSpec = (u8, Option<Num>, Option<Num>, Option<Num>, bool);

/// A parameter: its value, a value for the first profile, or a dated value (a year picker, value).
pub type ParamSpec = (Num, Option<Num>, Option<(u16, Num)>);

/// A rulebook as a fuzzer builds it: inputs, parameters, derived values, indicators, bonus and
/// penalty items, vetoes, criteria and grades, each from a small grammar so most of it parses.
#[derive(Arbitrary, Debug, Clone)]
pub struct RulebookSpec {
    /// Scale (mod 6) and rounding mode (mod 7: 6 modes and an unknown one).
    pub scale: u8,
    /// Rounding mode index.
    pub rounding: u8,
    /// `round = "total_only"`.
    pub total_only: bool,
    /// Profiles declared (taken from a fixed list) and whether the first is the profile field.
    pub profiles: u8,
    /// Inputs: a type index per name slot, with optional min/max/default/required.
    pub inputs: Vec<InputSpec>,
    /// Component rulebooks (`fz.c0`, `fz.c1`, `fz.c2`) that a `component` rule may name; each
    /// may name the ones before it. (Early in the structure, so that short inputs have some.)
    pub components: Vec<ComponentSpec>,
    /// Parameters `p`, `q`: plain, per profile, dated.
    pub params: Vec<ParamSpec>,
    /// Derived values `d1`, `d2`.
    pub derived: Vec<Ex>,
    /// Indicators.
    pub indicators: Vec<IndicatorSpec>,
    /// Bonus and penalty items (rule, is-penalty).
    pub adjust: Vec<(RuleSpec, Num, bool)>,
    /// Vetoes: condition, optional score, optional grade index.
    pub vetoes: Vec<(Ex, Option<Num>, Option<u8>)>,
    /// Criteria conditions.
    pub criteria: Vec<Ex>,
    /// Grade bounds (`above` when the flag is set); a last grade without bound is added.
    pub grades: Vec<(Num, bool)>,
    /// Grade rules: condition and a grade index.
    pub grade_rules: Vec<(Ex, u8)>,
}

/// A component rulebook: a few top-level indicators over its own inputs (taken from the family's
/// names, with the family's types), derived values, and an optional bonus and veto.
#[derive(Arbitrary, Debug, Clone)]
pub struct ComponentSpec {
    /// Scale (mod 6).
    pub scale: u8,
    /// Rounding mode index (mod 6).
    pub rounding: u8,
    /// Its inputs: the first names of the family, each with min, default and `required = false`
    /// (optional inputs are what a component reads as no data, spec §16).
    pub inputs: Vec<(Option<Num>, Option<Num>, bool)>,
    /// Derived values `d1`, `d2`.
    pub derived: Vec<Ex>,
    /// Top-level indicators: points (1 to 20) and rule; a `component` rule names an earlier
    /// component (a component of a component).
    pub indicators: Vec<(u8, RuleSpec)>,
    /// A bonus item: rule and points.
    pub bonus: Option<(RuleSpec, Num)>,
    /// A veto: condition and optional score.
    pub veto: Option<(Ex, Option<Num>)>,
    /// Use the component before it (a component of a component) in an indicator of its own,
    /// beside any `component` rule among its indicators.
    pub nest: bool,
}

const PROFILES: [&str; 3] = ["甲区", "乙区", "片区外"];
const GRADES: [&str; 5] = ["好", "较好", "一般", "较差", "差"];
const MODES: [&str; 7] = ["half_up", "half_even", "down", "up", "floor", "ceiling", "bankers"];
/// The input names of a family of rulebooks (the first names of `NAMES`).
const INPUTS: usize = 3;
/// The type of input `k` when the top rulebook does not declare it.
const FALLBACK_TYPES: [usize; INPUTS] = [0, 4, 5];

/// An input declaration line.
fn input_line(name: &str, ty: &str, bounds: [(&str, &Option<Num>); 3], optional: bool) -> String {
    let mut line = format!("{name} = {{ type = \"{ty}\"");
    if ty == "items" {
        line.push_str(", fields = { k = \"text\" }");
    }
    for (key, v) in bounds {
        if let Some(v) = v {
            let _ = write!(line, ", {key} = {}", v.toml());
        }
    }
    if optional {
        line.push_str(", required = false");
    }
    line + " }\n"
}

impl RulebookSpec {
    /// The type of each input name in this family of rulebooks: the top rulebook's declaration,
    /// else a fixed one, so that a component's inputs merge with its parent's.
    fn types(&self) -> [&'static str; INPUTS] {
        std::array::from_fn(|k| match self.inputs.get(k) {
            Some((ty, ..)) => TYPES[usize::from(*ty) % TYPES.len()],
            None => TYPES[FALLBACK_TYPES[k]],
        })
    }

    /// The profiles declared (a prefix of `PROFILES`; with any, `region` is the profile field).
    fn profile_count(&self) -> usize {
        usize::from(self.profiles % 4)
    }

    /// The ids of the components, in order (at most three).
    pub fn component_ids(&self) -> Vec<String> {
        (0..self.components.len().min(3)).map(|j| format!("fz.c{j}")).collect()
    }

    /// The TOML text of component `j`: it declares every profile of the top rulebook (a component
    /// must, §16) and may name the components before it.
    pub fn component_toml(&self, j: usize) -> String {
        let c = &self.components[j];
        let earlier = &self.component_ids()[..j];
        let mut s = format!("[rulebook]\nid = \"fz.c{j}\"\ntitle = \"c{j}\"\nversion = \"1\"\n");
        let _ = writeln!(s, "scale = {}", c.scale % 6);
        let _ = writeln!(s, "rounding = \"{}\"", MODES[usize::from(c.rounding) % 6]);
        let nprof = self.profile_count();
        if nprof > 0 {
            s.push_str("profile_field = \"region\"\n");
        }
        for p in PROFILES.iter().take(nprof) {
            let _ = writeln!(s, "[profiles.\"{p}\"]");
        }
        s.push_str("[inputs]\n");
        if nprof > 0 {
            s.push_str("region = { type = \"text\" }\n");
        }
        let types = self.types();
        for (k, (min, default, optional)) in c.inputs.iter().take(INPUTS).enumerate() {
            s.push_str(&input_line(
                NAMES[k],
                types[k],
                [("min", min), ("default", default), ("max", &None)],
                *optional,
            ));
        }
        s.push_str("flag = { type = \"boolean\", default = false }\n");
        // The parameter names expressions may read, so that they load.
        s.push_str("[params]\np = { value = 3 }\nq = { value = \"0.5\" }\n");
        if !c.derived.is_empty() {
            s.push_str("[derived]\n");
        }
        for (k, d) in c.derived.iter().take(2).enumerate() {
            let _ = writeln!(s, "{} = {}", ["d1", "d2"][k], d.toml());
        }
        // At least one indicator: a component without a total is refused.
        let fallback = [(10u8, RuleSpec::Formula(Ex::Lit(Num::Small(5))))];
        let indicators = if c.indicators.is_empty() { &fallback[..] } else { &c.indicators[..] };
        for (k, (points, rule)) in indicators.iter().take(4).enumerate() {
            let _ = writeln!(
                s,
                "[[indicator]]\nid = \"x{k}\"\nlabel = \"x{k}\"\npoints = {}\n{}",
                points % 20 + 1,
                rule.toml(earlier)
            );
        }
        if let (true, Some(inner)) = (c.nest, earlier.last()) {
            let _ = writeln!(
                s,
                "[[indicator]]\nid = \"xc\"\nlabel = \"xc\"\npoints = 5\ncomponent = {{ rulebook = \"{inner}\" }}"
            );
        }
        if let Some((rule, points)) = &c.bonus {
            let _ = writeln!(
                s,
                "[[bonus]]\nid = \"b\"\nlabel = \"b\"\npoints = {}\n{}",
                points.toml(),
                rule.toml(earlier)
            );
        }
        if let Some((when, score)) = &c.veto {
            let _ = writeln!(s, "[[veto]]\nid = \"cv\"\nlabel = \"cv\"\nwhen = {}", when.toml());
            if let Some(sc) = score {
                let _ = writeln!(s, "score = {}", sc.toml());
            }
        }
        s
    }

    /// Load the family: each component with the ones before it, then the top rulebook with all
    /// that loaded. A component that does not load is left out (a rule naming it is then an
    /// unknown name). Every rulebook that loads is exercised.
    pub fn load(&self) -> Result<Rulebook, LoadError> {
        let mut loader = Loader::new();
        for j in 0..self.component_ids().len() {
            match loader.load_str(&self.component_toml(j), Format::Toml) {
                Ok(rb) => {
                    exercise(&rb);
                    loader = loader.with(rb);
                }
                Err(e) => assert!(!e.problems.is_empty(), "a load error lists its problems"),
            }
        }
        loader.load_str(&self.toml(), Format::Toml)
    }

    /// The TOML text of the rulebook.
    pub fn toml(&self) -> String {
        let mut s = String::from("[rulebook]\nid = \"fuzz\"\ntitle = \"fuzz\"\nversion = \"1\"\n");
        let _ = writeln!(s, "scale = {}", self.scale % 6);
        let _ = writeln!(s, "rounding = \"{}\"", MODES[usize::from(self.rounding) % MODES.len()]);
        if self.total_only {
            s.push_str("round = \"total_only\"\n");
        }
        let nprof = self.profile_count();
        let has_region = nprof > 0;
        if has_region {
            s.push_str("profile_field = \"region\"\n");
        }
        s.push_str("as_of = 2020-06-30\n");
        for p in PROFILES.iter().take(nprof) {
            let _ = writeln!(s, "[profiles.\"{p}\"]");
        }
        s.push_str("[inputs]\n");
        if has_region {
            s.push_str("region = { type = \"text\" }\n");
        }
        let types = self.types();
        for (k, (_, min, max, default, optional)) in self.inputs.iter().take(INPUTS).enumerate() {
            s.push_str(&input_line(
                NAMES[k],
                types[k],
                [("min", min), ("max", max), ("default", default)],
                *optional,
            ));
        }
        // A boolean everyone can use in conditions.
        s.push_str("flag = { type = \"boolean\", default = false }\n");
        if !self.params.is_empty() {
            s.push_str("[params]\n");
        }
        for (k, (value, per_profile, dated)) in self.params.iter().take(2).enumerate() {
            let name = ["p", "q"][k];
            match dated {
                Some((day, v)) => {
                    let date = 2019 + (day % 3);
                    let _ = writeln!(s, "{name} = {{ dated = {{ {date}-01-01 = {} }} }}", v.toml());
                }
                None => {
                    let prof = match (per_profile, has_region) {
                        (Some(v), true) => format!(", profiles = {{ \"{}\" = {} }}", PROFILES[0], v.toml()),
                        _ => String::new(),
                    };
                    let _ = writeln!(s, "{name} = {{ value = {}{prof} }}", value.toml());
                }
            }
        }
        if !self.derived.is_empty() {
            s.push_str("[derived]\n");
        }
        for (k, d) in self.derived.iter().take(2).enumerate() {
            let _ = writeln!(s, "{} = {}", ["d1", "d2"][k], d.toml());
        }
        let components = self.component_ids();
        let mut tops = 0usize;
        let mut last_top: Option<String> = None;
        let mut children = 0usize;
        for ind in self.indicators.iter().take(8) {
            let id = match (ind.level % 3, &last_top) {
                (0, _) | (_, None) => {
                    tops += 1;
                    children = 0;
                    let id = format!("i{tops}");
                    last_top = Some(id.clone());
                    id
                }
                (_, Some(top)) => {
                    children += 1;
                    format!("{top}.c{children}")
                }
            };
            let _ =
                writeln!(s, "[[indicator]]\nid = \"{id}\"\nlabel = \"{id}\"\npoints = {}", ind.points.toml());
            if let Some(a) = &ind.applies {
                let _ = writeln!(s, "applies = {}", a.toml());
            }
            if let Some(w) = &ind.weight {
                let _ = writeln!(s, "weight = {}", w.toml());
            }
            if let Some(r) = &ind.rule {
                let _ = writeln!(s, "{}", r.toml(&components));
            }
        }
        // A rulebook with components uses the last one (which may use the others) in an indicator
        // of its own, so that most families are scored through their components.
        if let Some(last) = components.last() {
            let _ = writeln!(
                s,
                "[[indicator]]\nid = \"ic\"\nlabel = \"ic\"\npoints = 10\ncomponent = {{ rulebook = \"{last}\" }}"
            );
        }
        for (k, (rule, pts, penalty)) in self.adjust.iter().take(3).enumerate() {
            let table = if *penalty { "penalty" } else { "bonus" };
            let _ = writeln!(
                s,
                "[[{table}]]\nid = \"adj{k}\"\nlabel = \"adj{k}\"\npoints = {}\n{}",
                pts.toml(),
                rule.toml(&components)
            );
        }
        for (k, (when, score, grade)) in self.vetoes.iter().take(2).enumerate() {
            let _ = writeln!(s, "[[veto]]\nid = \"v{k}\"\nlabel = \"v{k}\"\nwhen = {}", when.toml());
            if let Some(sc) = score {
                let _ = writeln!(s, "score = {}", sc.toml());
            }
            if let Some(g) = grade {
                let _ = writeln!(s, "grade = \"{}\"", GRADES[usize::from(*g) % GRADES.len()]);
            }
        }
        for (k, when) in self.criteria.iter().take(2).enumerate() {
            let _ = writeln!(s, "[[criterion]]\nid = \"k{k}\"\nlabel = \"k{k}\"\nwhen = {}", when.toml());
        }
        let ng = self.grades.len().min(4);
        for (k, (bound, above)) in self.grades.iter().take(ng).enumerate() {
            let key = if *above { "above" } else { "at_least" };
            let _ = writeln!(s, "[[grade]]\nlabel = \"{}\"\n{key} = {}", GRADES[k], bound.toml());
        }
        if ng > 0 {
            let _ = writeln!(s, "[[grade]]\nlabel = \"{}\"", GRADES[ng]);
        }
        for (when, g) in self.grade_rules.iter().take(2) {
            let _ = writeln!(
                s,
                "[[grade_rule]]\nwhen = {}\ngrade_at_most = \"{}\"",
                when.toml(),
                GRADES[usize::from(*g) % GRADES.len()]
            );
        }
        s
    }
}

/// One value of a generated record.
#[derive(Arbitrary, Debug, Clone)]
pub enum Val {
    /// Absent.
    Missing,
    /// A number (integer, decimal text or huge).
    Num(Num),
    /// A boolean.
    Bool(bool),
    /// A cell of text, read by the input's type.
    Cell(String),
    /// Marks.
    Marks(Vec<i16>),
    /// Items with a key field.
    Items(Vec<String>),
}

/// A record as a fuzzer builds it: one value per name slot, and a profile choice.
#[derive(Arbitrary, Debug, Clone)]
pub struct RecordSpec {
    /// Values by name slot.
    pub values: Vec<Val>,
    /// The region (profile) by index; beyond the list: an undeclared one.
    pub region: Option<u8>,
}

impl RecordSpec {
    /// The record for `rb`: values set by name where the name is an input.
    pub fn record(&self, rb: &Rulebook) -> Record {
        let mut r = rb.record();
        for (k, v) in self.values.iter().take(NAMES.len()).enumerate() {
            let name = NAMES[k];
            match v {
                Val::Missing => {}
                Val::Num(n) => {
                    r.set_cell(name, n.toml().trim_matches('"'));
                }
                Val::Bool(b) => {
                    r.set(name, *b);
                }
                Val::Cell(c) => {
                    r.set_cell(name, c);
                }
                Val::Marks(m) => {
                    let marks: Vec<rust_decimal::Decimal> =
                        m.iter().take(12).map(|&x| rust_decimal::Decimal::new(i64::from(x), 1)).collect();
                    r.set(name, marks);
                }
                Val::Items(keys) => {
                    for k in keys.iter().take(6) {
                        r.push_item(name, kaoping::Item::new().with("k", k.as_str()));
                    }
                }
            }
        }
        if let Some(i) = self.region {
            let p = PROFILES.get(usize::from(i % 4)).copied().unwrap_or("未声明");
            r.set("region", p);
        }
        r
    }
}
