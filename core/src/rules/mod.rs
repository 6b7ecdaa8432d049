//! The rule kinds of spec §6, one module each: how a rule is read from the file, compiled, scored,
//! checked for every profile, and said in words. Adding a kind touches its module and the enums here.

pub mod bands;
pub mod check;
pub mod component;
pub mod count;
pub mod deduct;
pub mod formula;
pub mod items;
pub mod linear;
pub mod lookup;
pub mod panel;
pub mod ratio;
pub mod relative;

use serde::{Deserialize, Serialize};

use rust_decimal::Decimal;

use crate::expr::{CExpr, Fault, Val};
use crate::input::Item;
use crate::lang::Lang;
use crate::num::Num;
use crate::num::{Fraction, Rounding};
use crate::read::{Reader, Table};
use crate::scope::{Operand, RuleCx};
use crate::syntax::Pos;
use crate::vector::{AnyCol, BoolCol, NumCol, not_fixed};

/// The keys that introduce a rule inside an indicator, bonus or penalty item.
pub const KINDS: [&str; 12] = [
    "bands",
    "linear",
    "check",
    "count",
    "deduct",
    "ratio",
    "lookup",
    "relative",
    "formula",
    "component",
    "panel",
    "items",
];

/// A rule as read from the file.
#[derive(Clone, Debug)]
pub enum RuleDoc {
    /// `bands = {…}`
    Bands(bands::Doc),
    /// `linear = {…}`
    Linear(linear::Doc),
    /// `check = {…}`
    Check(check::Doc),
    /// `count = {…}`
    Count(count::Doc),
    /// `deduct = {…}`
    Deduct(deduct::Doc),
    /// `ratio = {…}`
    Ratio(ratio::Doc),
    /// `lookup = {…}`
    Lookup(lookup::Doc),
    /// `relative = {…}`
    Relative(relative::Doc),
    /// `formula = "…"`
    Formula(formula::Doc),
    /// `component = {…}`
    Component(component::Doc),
    /// `panel = {…}`
    Panel(panel::Doc),
    /// `items = {…}`
    Items(items::Doc),
}

/// Read the one rule of an indicator or adjustment item, if it has one. Two rules are a problem.
pub fn read_rule(t: &mut Table<'_>, r: &mut Reader) -> Option<(RuleDoc, Pos)> {
    let present: Vec<&str> = KINDS.iter().copied().filter(|k| t.has(k)).collect();
    if present.len() > 1 {
        r.schema(
            Some(t.pos),
            &t.path,
            format!("a leaf has exactly one rule; found {}", present.join(" and ")),
        );
    }
    let kind = *present.first()?;
    let node = t.take(kind)?;
    let path = format!("{} {kind}", t.path);
    let doc = match kind {
        "bands" => RuleDoc::Bands(bands::read(node, &path, r)?),
        "linear" => RuleDoc::Linear(linear::read(node, &path, r)?),
        "check" => RuleDoc::Check(check::read(node, &path, r)?),
        "count" => RuleDoc::Count(count::read(node, &path, r)?),
        "deduct" => RuleDoc::Deduct(deduct::read(node, &path, r)?),
        "ratio" => RuleDoc::Ratio(ratio::read(node, &path, r)?),
        "lookup" => RuleDoc::Lookup(lookup::read(node, &path, r)?),
        "relative" => RuleDoc::Relative(relative::read(node, &path, r)?),
        "formula" => RuleDoc::Formula(formula::read(node, &path, r)?),
        "component" => RuleDoc::Component(component::read(node, &path, r)?),
        "panel" => RuleDoc::Panel(panel::read(node, &path, r)?),
        _ => RuleDoc::Items(items::read(node, &path, r)?),
    };
    Some((doc, node.pos))
}

impl RuleDoc {
    /// The rule's key.
    pub fn kind(&self) -> &'static str {
        match self {
            RuleDoc::Bands(_) => "bands",
            RuleDoc::Linear(_) => "linear",
            RuleDoc::Check(_) => "check",
            RuleDoc::Count(_) => "count",
            RuleDoc::Deduct(_) => "deduct",
            RuleDoc::Ratio(_) => "ratio",
            RuleDoc::Lookup(_) => "lookup",
            RuleDoc::Relative(_) => "relative",
            RuleDoc::Formula(_) => "formula",
            RuleDoc::Component(_) => "component",
            RuleDoc::Panel(_) => "panel",
            RuleDoc::Items(_) => "items",
        }
    }
}

/// A compiled rule.
#[derive(Clone, Debug)]
pub enum Rule {
    /// Bands.
    Bands(bands::Bands),
    /// Linear.
    Linear(linear::Linear),
    /// Check.
    Check(check::Check),
    /// Count.
    Count(count::Count),
    /// Deduct.
    Deduct(deduct::Deduct),
    /// Ratio.
    Ratio(ratio::Ratio),
    /// Lookup.
    Lookup(lookup::Lookup),
    /// Relative.
    Relative(relative::Relative),
    /// Formula.
    Formula(formula::Formula),
    /// Component.
    Component(component::Component),
    /// Panel.
    Panel(panel::Panel),
    /// Items.
    Items(items::Items),
}

/// Compile a rule.
pub fn compile(doc: &RuleDoc, cx: &mut RuleCx<'_>) -> Option<Rule> {
    Some(match doc {
        RuleDoc::Bands(d) => Rule::Bands(bands::compile(d, cx)?),
        RuleDoc::Linear(d) => Rule::Linear(linear::compile(d, cx)?),
        RuleDoc::Check(d) => Rule::Check(check::compile(d, cx)?),
        RuleDoc::Count(d) => Rule::Count(count::compile(d, cx)?),
        RuleDoc::Deduct(d) => Rule::Deduct(deduct::compile(d, cx)?),
        RuleDoc::Ratio(d) => Rule::Ratio(ratio::compile(d, cx)?),
        RuleDoc::Lookup(d) => Rule::Lookup(lookup::compile(d, cx)?),
        RuleDoc::Relative(d) => Rule::Relative(relative::compile(d, cx)?),
        RuleDoc::Formula(d) => Rule::Formula(formula::compile(d, cx)?),
        RuleDoc::Component(d) => Rule::Component(component::compile(d, cx)?),
        RuleDoc::Panel(d) => Rule::Panel(panel::compile(d, cx)?),
        RuleDoc::Items(d) => Rule::Items(items::compile(d, cx)?),
    })
}

/// What a rule reads while one record is scored. The per-record interpreter implements it; the
/// rules module only says what it needs, so that rules do not depend on the evaluator that runs
/// them. `'r` is the life of the record and the rulebook being scored.
pub trait RecordEnv<'r> {
    /// Evaluate an expression.
    fn eval(&self, e: &'r CExpr) -> Result<Val<'r>, Fault>;

    /// Evaluate a numeric expression (`None`: no data).
    fn num(&self, e: &'r CExpr) -> Result<Option<Num>, Fault> {
        Ok(match self.eval(e)? {
            Val::Num(n) => Some(n),
            _ => None,
        })
    }

    /// Evaluate a condition (`None`: no data).
    fn truth(&self, e: &'r CExpr) -> Result<Option<bool>, Fault> {
        Ok(match self.eval(e)? {
            Val::Bool(b) => Some(b),
            _ => None,
        })
    }

    /// An operand's value (a parameter in the record's profile, on its date).
    fn operand(&self, op: &Operand) -> Num;

    /// The parameter's name, if the operand is one.
    fn param_name(&self, op: &Operand) -> Option<String>;

    /// The marks of a `numbers` input (`None`: missing).
    fn numbers(&self, slot: u32) -> Option<&'r [Decimal]>;

    /// The items of an `items` input (`None`: missing).
    fn items(&self, slot: u32) -> Option<&'r [Item]>;

    /// The length of a list input (`None`: missing).
    fn list_len(&self, slot: u32) -> Option<Num>;

    /// The cohort's best value for relative rule `index` (in the record's profile group when
    /// `per_profile`).
    fn cohort_best(&self, index: u32, per_profile: bool) -> Result<Num, Fault>;

    /// Component `index` scored on the same record: its published total and its max.
    fn component(&self, index: u32) -> Result<ComponentTotal<'r>, Fault>;
}

/// What a rule's batch kernel reads while a chunk of rows is scored. The columnar executor
/// implements it; `'a` is the life of the chunk's columns.
pub trait ChunkEnv<'a> {
    /// Rows in the chunk.
    fn rows(&self) -> usize;
    /// How many profiles the rulebook has (the base included): operands are tabled per profile.
    fn profile_count(&self) -> usize;
    /// Each row's profile.
    fn row_profiles(&self) -> &'a [u16];
    /// 10^scale: published points are whole numbers of 10^−scale.
    fn pow(&self) -> i64;
    /// The rulebook's rounding mode.
    fn rounding(&self) -> Rounding;
    /// A numeric expression over the rows.
    fn nums(&self, slow: &mut [bool], e: &CExpr) -> NumCol<'a>;
    /// A condition over the rows.
    fn bools(&self, slow: &mut [bool], e: &CExpr) -> BoolCol<'a>;
    /// An expression of any type over the rows.
    fn values(&self, slow: &mut [bool], e: &CExpr) -> AnyCol<'a>;
    /// An operand (a constant, or a parameter: one value per profile).
    fn operand(&self, op: &Operand) -> NumCol<'a>;
    /// The id of a text constant (texts are compared by id on this path).
    fn text_id(&self, text: &str) -> Option<u32>;
    /// The cohort's best value for relative rule `index` in the chunk's profile group (`None`:
    /// not known, or too large for this path).
    fn cohort_best(&self, index: u32, per_profile: bool) -> Option<Fraction>;
}

/// A component rulebook's result as its parent's rule uses it.
#[derive(Clone, Debug)]
pub struct ComponentTotal<'r> {
    /// Its id.
    pub id: &'r str,
    /// Its title.
    pub title: &'r str,
    /// Its published total.
    pub total: Num,
    /// Its max in the profile used.
    pub max: Num,
}

/// What a rule gives before the leaf clamp: a value, or no data (0 points, status `no_data`).
#[derive(Clone, Debug, PartialEq)]
pub enum Leaf {
    /// The rule's value.
    Value(Num),
    /// An input the rule reads has no data.
    NoData,
}

/// Turn an optional value (None = no data) into a leaf result, for `?`-style early returns.
macro_rules! value_or_no_data {
    ($e:expr) => {
        match $e {
            Some(v) => v,
            None => return Ok($crate::rules::Leaf::NoData),
        }
    };
}
pub(crate) use value_or_no_data;

impl Rule {
    /// Score the rule for the record in `run`; `max` is the indicator's points in the record's
    /// profile. When `note` is given, the rule records how it reached its value.
    pub fn eval<'r>(
        &'r self,
        run: &impl RecordEnv<'r>,
        max: &Num,
        note: Option<&mut Note>,
    ) -> Result<Leaf, Fault> {
        match self {
            Rule::Bands(r) => r.eval(run, note),
            Rule::Linear(r) => r.eval(run, note),
            Rule::Check(r) => r.eval(run, max, note),
            Rule::Count(r) => r.eval(run, note),
            Rule::Deduct(r) => r.eval(run, max, note),
            Rule::Ratio(r) => r.eval(run, max, note),
            Rule::Lookup(r) => r.eval(run, note),
            Rule::Relative(r) => r.eval(run, max, note),
            Rule::Formula(r) => r.eval(run, note),
            Rule::Component(r) => r.eval(run, max, note),
            Rule::Panel(r) => r.eval(run, max, note),
            Rule::Items(r) => r.eval(run, note),
        }
    }

    /// The batch kernel: published points (units) of every row of a chunk, the rows it cannot be
    /// sure of flagged slow (the interpreter scores them). Kinds the batch path does not run
    /// ([`Rule::batch_support`]) flag every row.
    pub fn units<'a>(&self, env: &impl ChunkEnv<'a>, slow: &mut [bool], max: i64) -> Vec<i64> {
        match self {
            Rule::Bands(r) => r.units(env, slow, max),
            Rule::Linear(r) => r.units(env, slow, max),
            Rule::Check(r) => r.units(env, slow, max),
            Rule::Count(r) => r.units(env, slow, max),
            Rule::Deduct(r) => r.units(env, slow, max),
            Rule::Ratio(r) => r.units(env, slow, max),
            Rule::Lookup(r) => r.units(env, slow, max),
            Rule::Relative(r) => r.units(env, slow, max),
            Rule::Formula(r) => r.units(env, slow, max),
            Rule::Component(_) | Rule::Panel(_) | Rule::Items(_) => not_fixed(slow, env.rows()),
        }
    }

    /// Whether the batch path runs this rule (`Err`: why not, for [`Plan`](crate)'s report).
    pub fn batch_support(&self) -> Result<(), &'static str> {
        match self {
            Rule::Component(_) => Err("component rules"),
            Rule::Panel(_) => Err("panel rules"),
            Rule::Items(_) => Err("items rules"),
            Rule::Count(r) if r.input.list_slot().is_some() => Err("count of a list"),
            Rule::Deduct(r) if r.input.list_slot().is_some() => Err("deduct over a list"),
            _ => Ok(()),
        }
    }

    /// The text constants the rule compares with outside its expressions (lookup keys), which
    /// the batch path interns.
    pub fn texts(&self) -> Vec<&str> {
        match self {
            Rule::Lookup(l) => l
                .table
                .iter()
                .filter_map(|(k, _)| match k {
                    lookup::Key::Text(t) => Some(t.as_str()),
                    lookup::Key::Num(_) => None,
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Load-time checks that depend on parameter values: run for every profile and every date on
    /// which a parameter changes. `get` resolves an operand; problems are (kind, message).
    pub fn check(&self, get: &dyn Fn(&Operand) -> Num, problems: &mut Vec<(crate::ErrorKind, String)>) {
        match self {
            Rule::Bands(r) => r.check(get, problems),
            Rule::Linear(r) => r.check(get, problems),
            _ => {}
        }
    }

    /// The expressions the rule evaluates (to list the values it read in explanations).
    pub fn exprs(&self) -> Vec<&CExpr> {
        match self {
            Rule::Bands(r) => vec![&r.input.expr],
            Rule::Linear(r) => vec![&r.input.expr],
            Rule::Check(r) => vec![&r.when.expr],
            Rule::Count(r) => r.input.expr().into_iter().collect(),
            Rule::Deduct(r) => r.input.expr().into_iter().collect(),
            Rule::Ratio(r) => vec![&r.input.expr, &r.target.expr],
            Rule::Lookup(r) => vec![&r.input.expr],
            Rule::Relative(r) => vec![&r.input.expr],
            Rule::Formula(r) => vec![&r.formula.expr],
            Rule::Component(_) | Rule::Panel(_) | Rule::Items(_) => Vec::new(),
        }
    }

    /// Slots of list inputs the rule reads directly.
    pub fn list_slot(&self) -> Option<u32> {
        match self {
            Rule::Panel(r) => Some(r.slot),
            Rule::Items(r) => Some(r.slot),
            Rule::Count(r) => r.input.list_slot(),
            Rule::Deduct(r) => r.input.list_slot(),
            _ => None,
        }
    }

    /// Every threshold, target and points operand the rule uses (to know on which dates its
    /// checks must run, and whether the columnar path can hold its constants).
    pub fn operands(&self) -> Vec<&Operand> {
        match self {
            Rule::Bands(r) => r.bands.iter().flat_map(|(t, p)| [t, p]).chain([&r.otherwise]).collect(),
            Rule::Linear(r) => vec![&r.x0, &r.p0, &r.x1, &r.p1],
            Rule::Check(r) => r.points.iter().chain([&r.otherwise]).collect(),
            Rule::Count(r) => vec![&r.each],
            Rule::Deduct(r) => vec![&r.each, &r.floor],
            Rule::Lookup(r) => r.table.iter().map(|(_, v)| v).chain(r.otherwise.iter()).collect(),
            Rule::Items(r) => r
                .table
                .iter()
                .map(|(_, v)| v)
                .chain(r.otherwise.iter())
                .chain(r.cap_per.iter().map(|(_, c)| c))
                .collect(),
            Rule::Ratio(_) | Rule::Relative(_) | Rule::Formula(_) | Rule::Component(_) | Rule::Panel(_) => {
                Vec::new()
            }
        }
    }
}

/// How a rule reached its value, for explanations (serialised in results).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Note {
    /// Bands.
    Bands(bands::Note),
    /// Linear.
    Linear(linear::Note),
    /// Check.
    Check(check::Note),
    /// Count.
    Count(count::Note),
    /// Deduct.
    Deduct(deduct::Note),
    /// Ratio.
    Ratio(ratio::Note),
    /// Lookup.
    Lookup(lookup::Note),
    /// Relative.
    Relative(relative::Note),
    /// Formula.
    Formula(formula::Note),
    /// Component.
    Component(component::Note),
    /// Panel.
    Panel(panel::Note),
    /// Items.
    Items(items::Note),
    /// The rule's input had no data.
    NoData {
        /// The input read.
        input: String,
    },
}

impl Note {
    /// The note in words.
    pub fn words(&self, lang: Lang) -> String {
        match self {
            Note::Bands(n) => n.words(lang),
            Note::Linear(n) => n.words(lang),
            Note::Check(n) => n.words(lang),
            Note::Count(n) => n.words(lang),
            Note::Deduct(n) => n.words(lang),
            Note::Ratio(n) => n.words(lang),
            Note::Lookup(n) => n.words(lang),
            Note::Relative(n) => n.words(lang),
            Note::Formula(n) => n.words(lang),
            Note::Component(n) => n.words(lang),
            Note::Panel(n) => n.words(lang),
            Note::Items(n) => n.words(lang),
            Note::NoData { input } => match lang {
                Lang::Zh => format!("{input} 无数据 → 0 分"),
                Lang::En => format!("no data for {input} → 0 points"),
            },
        }
    }
}

/// A quantity a rule multiplies: a number (an expression), or the length of a `numbers` or
/// `items` input (count of awards, of audit findings…).
#[derive(Clone, Debug)]
pub enum Quantity {
    /// A number.
    Number(crate::scope::Expression),
    /// The length of a list input.
    Length {
        /// The input's slot.
        slot: u32,
        /// The input's name.
        name: String,
    },
}

impl Quantity {
    /// Compile `src`: a list input's name means its length, anything else is a numeric expression.
    pub fn compile(src: &crate::read::Text, cx: &mut RuleCx<'_>, what: &str) -> Option<Quantity> {
        match cx.list_input_kind(&src.value) {
            Some((slot, crate::input::InputType::Numbers | crate::input::InputType::Items)) => {
                Some(Quantity::Length { slot, name: src.value.clone() })
            }
            _ => Some(Quantity::Number(cx.expression(src, crate::expr::Type::Num, what)?)),
        }
    }

    /// The value (`None`: no data).
    pub fn eval<'r>(&'r self, run: &impl RecordEnv<'r>) -> Result<Option<Num>, Fault> {
        match self {
            Quantity::Number(e) => run.num(&e.expr),
            Quantity::Length { slot, .. } => Ok(run.list_len(*slot)),
        }
    }

    /// As written.
    pub fn text(&self) -> &str {
        match self {
            Quantity::Number(e) => &e.text,
            Quantity::Length { name, .. } => name,
        }
    }

    /// The expression, for a number.
    pub fn expr(&self) -> Option<&CExpr> {
        match self {
            Quantity::Number(e) => Some(&e.expr),
            Quantity::Length { .. } => None,
        }
    }

    /// The list slot, for a length.
    pub fn list_slot(&self) -> Option<u32> {
        match self {
            Quantity::Length { slot, .. } => Some(*slot),
            Quantity::Number(_) => None,
        }
    }
}

/// Store a note if one was asked for.
pub(crate) fn put(note: Option<&mut Note>, make: impl FnOnce() -> Note) {
    if let Some(slot) = note {
        *slot = make();
    }
}

/// A number for explanations: exact when it terminates within 6 places, else "≈" and rounded.
pub fn show(n: &Num) -> String {
    let (text, exact) = n.to_display(6);
    if exact { text } else { format!("≈{text}") }
}
