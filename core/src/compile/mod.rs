//! Compilation: a read [`Doc`] becomes an immutable [`Compiled`] rulebook. Names are resolved to
//! slots and indices, expressions parsed and type-checked, the indicator tree built, and every
//! check of spec §14 run — per profile, and on every date a parameter changes — collecting all
//! problems instead of stopping at the first.

mod checks;
mod lists;

pub use lists::{ItemField, ListDef, ListShape};

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::sync::Arc;

pub use crate::scope::{Expression, Operand, RelativeSite, RuleCx};
use crate::scope::{Sym, Symbols};

use crate::date::Date;
use crate::error::ErrorKind;
use crate::expr::{self, Type};
use crate::input::{DefaultDoc, Input, InputSchema, InputType};
use crate::model::{Aggregate, Doc, ParamValueDoc};
use crate::num::{Num, Rounding};
use crate::read::{NumLit, OperandDoc, Reader, Text};
use crate::rules::{self, Rule};
use crate::syntax::Pos;

/// Identity and global settings of a compiled rulebook.
#[derive(Clone, Debug)]
pub struct Meta {
    /// Stable id.
    pub id: String,
    pub title: String,
    pub version: String,
    /// The document it implements.
    pub source: Option<String>,
    pub description: Option<String>,
    /// Notes (e.g. which parts are official).
    pub notes: Option<String>,
    /// Whether it is an illustrative example (示例方案).
    pub illustrative: bool,
    /// Default scoring date.
    pub as_of: Option<Date>,
    /// Decimal places of published points.
    pub scale: u32,
    /// Rounding mode.
    pub rounding: Rounding,
    /// Round the total only.
    pub total_only: bool,
    /// The rulebook this one is a variant of (`[rulebook.variant_of]`).
    pub variant_of: Option<crate::model::lineage::VariantOf>,
    /// How values written into it were obtained (`[[rulebook.provenance]]`).
    pub provenance: Vec<crate::model::lineage::Provenance>,
}

/// A parameter value: fixed or dated (sorted by date).
#[derive(Clone, Debug, PartialEq)]
pub enum ParamValue {
    /// One value.
    Fixed(Num),
    /// (from date, value), dates increasing.
    Dated(Vec<(Date, Num)>),
}

impl ParamValue {
    /// The value on `as_of`; `None` if no dated value applies.
    pub fn at(&self, as_of: Option<Date>) -> Option<&Num> {
        match self {
            ParamValue::Fixed(n) => Some(n),
            ParamValue::Dated(list) => {
                let d = as_of?;
                // Latest date ≤ as_of.
                let i = list.partition_point(|(from, _)| *from <= d);
                (i > 0).then(|| &list[i - 1].1)
            }
        }
    }
}

/// A parameter.
#[derive(Clone, Debug)]
pub struct Param {
    pub name: String,
    pub label: Option<String>,
    /// Value per profile index (0 = base; other entries are the base unless overridden).
    pub values: Vec<ParamValue>,
}

/// A derived value.
#[derive(Clone, Debug)]
pub struct Derived {
    pub name: String,
    pub label: Option<String>,
    /// The expression.
    pub expr: Expression,
    /// Its slot.
    pub slot: u32,
    /// The type of its value.
    pub ty: Type,
}

/// A profile (index 0 is the base, named "").
#[derive(Clone, Debug)]
pub struct Profile {
    pub name: String,
    pub label: Option<String>,
    pub description: Option<String>,
}

/// An indicator in the tree.
#[derive(Clone, Debug)]
pub struct NodeDef {
    /// Dotted id.
    pub id: String,
    pub label: String,
    /// Parent node, or none for a top-level indicator.
    pub parent: Option<u32>,
    /// Children in file order.
    pub children: Vec<u32>,
    /// 0 for top level.
    pub depth: u32,
    /// How children combine.
    pub aggregate: Aggregate,
    /// Applicability condition.
    pub applies: Option<Expression>,
    /// The clause it implements.
    pub source: Option<String>,
    pub description: Option<String>,
    /// The rule (leaves).
    pub rule: Option<Rule>,
    /// Slots the rule reads (for explanations), in first-read order.
    pub reads: Vec<u32>,
}

/// A bonus or penalty item.
#[derive(Clone, Debug)]
pub struct AdjustItem {
    pub id: String,
    pub label: String,
    /// Its maximum.
    pub points: Num,
    /// The clause it implements.
    pub source: Option<String>,
    /// The rule.
    pub rule: Rule,
}

/// A veto.
#[derive(Clone, Debug)]
pub struct Veto {
    pub id: String,
    pub label: String,
    pub when: Expression,
    /// The total it sets.
    pub score: Option<Operand>,
    /// The grade ceiling (index into grades).
    pub grade: Option<u16>,
    /// The clause it implements.
    pub source: Option<String>,
}

/// A criterion.
#[derive(Clone, Debug)]
pub struct Criterion {
    pub id: String,
    pub label: String,
    pub when: Expression,
    /// The clause it implements.
    pub source: Option<String>,
    /// Slots read.
    pub reads: Vec<u32>,
}

/// A grade bound.
#[derive(Clone, Debug)]
pub enum Bound {
    /// total ≥ bound
    AtLeast(Operand),
    /// total > bound
    Above(Operand),
}

/// A grade.
#[derive(Clone, Debug)]
pub struct Grade {
    pub label: String,
    /// Bound (none for the last).
    pub bound: Option<Bound>,
    pub description: Option<String>,
}

/// A grade rule.
#[derive(Clone, Debug)]
pub struct GradeRule {
    pub label: Option<String>,
    pub when: Expression,
    /// Ceiling (index into grades).
    pub at_most: u16,
}

/// A component rulebook and how the parent's record and profiles map onto it.
#[derive(Clone, Debug)]
pub struct ComponentLink {
    /// The component.
    pub book: Arc<Compiled>,
    /// Component input index → parent input index.
    pub input_map: Vec<u32>,
    /// Parent profile index → component profile index.
    pub profile_map: Vec<u32>,
}

/// A compiled rulebook: immutable, `Send + Sync`, shared through [`Rulebook`](crate::Rulebook).
#[derive(Debug)]
pub struct Compiled {
    /// Identity and settings.
    pub meta: Meta,
    /// SHA-256 of the canonical form.
    pub fingerprint: String,
    /// The text it was loaded from (for `show`), and its format.
    pub text: Option<(String, crate::syntax::Format)>,
    pub schema: Arc<InputSchema>,
    /// Parameters (slots after the inputs).
    pub params: Vec<Param>,
    /// Derived values in evaluation order.
    pub derived: Vec<Derived>,
    /// Number of value slots (inputs + params + derived).
    pub slot_count: usize,
    /// Profiles; index 0 is the base.
    pub profiles: Vec<Profile>,
    /// Profile name → index.
    pub profile_index: HashMap<String, u32>,
    /// The input naming the profile.
    pub profile_field: Option<u32>,
    /// The input naming the record.
    pub key_field: Option<u32>,
    /// Indicators in file order.
    pub nodes: Vec<NodeDef>,
    /// Indicator id → index.
    pub node_index: HashMap<String, u32>,
    /// Top-level indicators.
    pub top: Vec<u32>,
    /// Every indicator in tree pre-order (parents before children, siblings in file order).
    pub preorder: Vec<u32>,
    /// Points per profile per node.
    pub points: Vec<Vec<Num>>,
    /// Weights per profile per node.
    pub weights: Vec<Vec<Option<Num>>>,
    /// Max per profile (Σ top-level points).
    pub max: Vec<Num>,
    /// Bonus items.
    pub bonus: Vec<AdjustItem>,
    /// Penalty items.
    pub penalty: Vec<AdjustItem>,
    /// Cap on the bonus sum.
    pub bonus_cap: Num,
    /// Cap on the penalty sum.
    pub penalty_cap: Num,
    /// Lift the upper clamp.
    pub allow_above_max: bool,
    pub vetoes: Vec<Veto>,
    pub criteria: Vec<Criterion>,
    pub grades: Vec<Grade>,
    /// Grade rules.
    pub grade_rules: Vec<GradeRule>,
    /// Embedded tests, as read.
    pub tests: Vec<crate::model::TestDoc>,
    /// Component links.
    pub components: Vec<ComponentLink>,
    /// Relative rules.
    pub relatives: Vec<RelativeSite>,
    /// List inputs (`numbers` and `items`), in declaration order.
    pub lists: Vec<ListDef>,
    /// Aggregate calls, wherever written, for explanations.
    pub aggregates: Vec<expr::AggSite>,
}

impl Compiled {
    /// Whether the rulebook has indicators (and so a total).
    pub fn has_total(&self) -> bool {
        !self.nodes.is_empty()
    }

    /// The name of a slot.
    pub fn slot_name(&self, slot: u32) -> &str {
        let s = slot as usize;
        let ni = self.schema.inputs.len();
        let np = self.params.len();
        if s < ni {
            &self.schema.inputs[s].name
        } else if s < ni + np {
            &self.params[s - ni].name
        } else {
            self.derived.iter().find(|d| d.slot == slot).map_or("", |d| d.name.as_str())
        }
    }

    /// The label of a slot, if it has one.
    pub fn slot_label(&self, slot: u32) -> Option<&str> {
        let s = slot as usize;
        let ni = self.schema.inputs.len();
        let np = self.params.len();
        if s < ni {
            self.schema.inputs[s].label.as_deref()
        } else if s < ni + np {
            self.params[s - ni].label.as_deref()
        } else {
            self.derived.iter().find(|d| d.slot == slot).and_then(|d| d.label.as_deref())
        }
    }

    /// An operand's value in a profile on a date, outside a record's evaluation (`None`: a dated
    /// parameter with no value then).
    pub fn operand_value(&self, op: &Operand, profile: usize, as_of: Option<Date>) -> Option<Num> {
        match op {
            Operand::Const(n) => Some(n.clone()),
            Operand::Param(slot) => {
                let param = self.params.get((*slot - self.param_base()) as usize)?;
                param.values.get(profile)?.at(as_of).cloned()
            }
        }
    }

    /// The first slot of parameters.
    pub fn param_base(&self) -> u32 {
        self.schema.inputs.len() as u32
    }

    /// Round a value as published points are rounded (identity under `total_only`).
    pub fn publish(&self, x: &Num) -> Num {
        if self.meta.total_only { x.clone() } else { x.round(self.meta.scale, self.meta.rounding) }
    }

    /// Round a value at the rulebook's scale and mode (the total, always).
    pub fn round(&self, x: &Num) -> Num {
        x.round(self.meta.scale, self.meta.rounding)
    }
}

/// Where to find component rulebooks by id while compiling.
pub trait ComponentSource {
    /// The rulebook with this id.
    fn find(&self, id: &str) -> Result<Arc<Compiled>, NotFound>;
    /// The ids this source knows without searching folders (loaded alongside, built in), for
    /// "did you mean" when an id is not found.
    fn known(&self) -> Vec<String> {
        Vec::new()
    }
}

/// Why a component rulebook could not be had.
#[derive(Debug)]
pub enum NotFound {
    /// No rulebook has the id.
    Missing,
    /// One was found but may not be used (a link out of the caller's folders, a cycle).
    Refused(ErrorKind, String),
    /// Its file was found but did not load: its own problems, at their own places.
    Broken(Vec<crate::error::Problem>),
}

/// The most profiles, grades, vetoes or grade rules one rulebook declares. A batch names a row's
/// profile and grade, and a result each firing veto and grade rule, in 16 bits with one code kept
/// for "none" (and, for profiles, one for the base): a rulebook with more is refused at load
/// rather than scored under a wrong name.
pub(crate) const MOST_NAMED: usize = 65_534;

/// Compile a read document. `root` is the document tree (for the fingerprint).
pub fn compile(
    doc: &Doc,
    root: &crate::syntax::Node,
    components: &dyn ComponentSource,
    r: &mut Reader,
) -> Option<Compiled> {
    let mut c = Compiler { r, doc };
    c.run(root, components)
}

struct Compiler<'a> {
    r: &'a mut Reader,
    doc: &'a Doc,
}

/// Whether `name` is declared for the first time (kept in `seen`); else a `DuplicateId` problem
/// at `path`: "{what} "name" is declared twice". A set rather than a search of what was compiled
/// so far, so that 65,534 grades or vetoes load in linear time.
fn declared_once<'d>(
    r: &mut Reader,
    seen: &mut HashSet<&'d str>,
    name: &'d Text,
    path: &str,
    what: &str,
) -> bool {
    let first = seen.insert(name.value.as_str());
    if !first {
        r.problem(
            ErrorKind::DuplicateId,
            Some(name.pos),
            path,
            format!("{what} \"{}\" is declared twice", name.value),
        );
    }
    first
}

impl Compiler<'_> {
    fn problem(&mut self, kind: ErrorKind, pos: Option<Pos>, path: &str, msg: impl Into<String>) {
        self.r.problem(kind, pos, path, msg);
    }

    /// Refuse more profiles, grades, vetoes or grade rules than results can name
    /// ([`MOST_NAMED`]), at the first one too many.
    fn counts(&mut self) {
        let doc = self.doc;
        let sections = [
            ("[profiles]", doc.profiles.len(), doc.profiles.get(MOST_NAMED).map(|p| p.name.pos)),
            ("[[grade]]", doc.grades.len(), doc.grades.get(MOST_NAMED).map(|g| g.pos)),
            ("[[veto]]", doc.vetoes.len(), doc.vetoes.get(MOST_NAMED).map(|v| v.id.pos)),
            (
                "[[grade_rule]]",
                doc.grade_rules.len(),
                doc.grade_rules.get(MOST_NAMED).and_then(|g| g.when.as_ref()).map(|w| w.pos),
            ),
        ];
        for (section, count, pos) in sections {
            if count > MOST_NAMED {
                self.problem(
                    ErrorKind::Schema,
                    pos,
                    section,
                    format!("{count} are declared; a rulebook declares at most 65,534"),
                );
            }
        }
    }

    fn run(&mut self, root: &crate::syntax::Node, components: &dyn ComponentSource) -> Option<Compiled> {
        let doc = self.doc;
        self.counts();
        let meta = Meta {
            id: doc.meta.id.clone(),
            title: doc.meta.title.clone(),
            version: doc.meta.version.clone(),
            source: doc.meta.source.clone(),
            description: doc.meta.description.clone(),
            notes: doc.meta.notes.clone(),
            illustrative: doc.meta.illustrative,
            as_of: doc.meta.as_of,
            scale: doc.meta.scale,
            rounding: doc.meta.rounding,
            total_only: doc.meta.total_only,
            variant_of: doc.meta.variant_of.clone(),
            provenance: doc.meta.provenance.clone(),
        };

        // Profiles (index 0 = base).
        let mut profiles = vec![Profile { name: String::new(), label: None, description: None }];
        let mut profile_index = HashMap::default();
        for p in &doc.profiles {
            if profile_index.contains_key(&p.name.value) {
                self.problem(
                    ErrorKind::DuplicateId,
                    Some(p.name.pos),
                    "[profiles]",
                    format!("profile \"{}\" is declared twice", p.name.value),
                );
                continue;
            }
            profile_index.insert(p.name.value.clone(), profiles.len() as u32);
            profiles.push(Profile {
                name: p.name.value.clone(),
                label: p.label.clone(),
                description: p.description.clone(),
            });
        }
        let np = profiles.len();

        // Inputs, then the inputs only components declare.
        let mut inputs: Vec<Input> = Vec::new();
        let mut input_index: HashMap<String, u32> = HashMap::default();
        for i in &doc.inputs {
            if input_index.contains_key(&i.name.value) {
                self.problem(
                    ErrorKind::DuplicateId,
                    Some(i.name.pos),
                    "[inputs]",
                    format!("input `{}` is declared twice", i.name.value),
                );
                continue;
            }
            if let Some(vals) = &i.values
                && let Some((DefaultDoc::Text(d), pos)) = &i.default
                && !vals.iter().any(|v| v.value == *d)
            {
                self.problem(
                    ErrorKind::Schema,
                    Some(*pos),
                    &format!("input \"{}\"", i.name.value),
                    format!("the default `{d}` is not one of the allowed values"),
                );
            }
            input_index.insert(i.name.value.clone(), inputs.len() as u32);
            inputs.push(Input {
                name: i.name.value.clone(),
                ty: i.ty,
                label: i.label.clone(),
                unit: i.unit.clone(),
                description: i.description.clone(),
                min: i.min.as_ref().map(|n| n.value.clone()),
                max: i.max.as_ref().map(|n| n.value.clone()),
                values: i.values.as_ref().map(|v| v.iter().map(|t| t.value.clone()).collect()),
                default: i.default.as_ref().map(|(d, _)| d.clone()),
                list_default: match (&i.default, i.ty) {
                    (Some((DefaultDoc::List(marks), _)), InputType::Numbers) => {
                        Some(crate::input::Value::Numbers(marks.clone()))
                    }
                    (Some((DefaultDoc::List(_), _)), _) => Some(crate::input::Value::Items(Vec::new())),
                    _ => None,
                },
                required: i.required,
                items: (i.ty == InputType::Items && i.rulebook.is_none()).then(|| {
                    Arc::new(InputSchema::of(
                        i.fields.iter().map(|f| Input::field(&f.name.value, f.ty, f.label.clone())).collect(),
                    ))
                }),
                rulebook: i.rulebook.as_ref().map(|t| t.value.clone()),
                join: i.join.as_ref().map(|t| t.value.clone()),
                order_by: i.order_by.as_ref().map(|t| t.value.clone()),
                from_component: None,
                actionable: i.actionable,
            });
        }
        let links = self.link_components(components, &profiles, &mut inputs, &mut input_index);
        let lists = self.lists(components, &mut inputs, &links);

        let profile_field = self.field_slot(doc.meta.profile_field.as_ref(), &input_index, &inputs, true);
        let key_field = self.field_slot(doc.meta.key_field.as_ref(), &input_index, &inputs, false);

        // Parameters.
        let n_inputs = inputs.len() as u32;
        let mut names: HashMap<String, Sym> = HashMap::default();
        for (i, inp) in inputs.iter().enumerate() {
            names.insert(inp.name.clone(), Sym::Input { slot: i as u32, ty: inp.ty });
        }
        let mut params: Vec<Param> = Vec::new();
        for p in &doc.params {
            if names.contains_key(&p.name.value) {
                self.problem(
                    ErrorKind::DuplicateId,
                    Some(p.name.pos),
                    &format!("param \"{}\"", p.name.value),
                    format!("`{}` is already declared as an input or parameter", p.name.value),
                );
                continue;
            }
            let path = format!("param \"{}\"", p.name.value);
            let Some(base) = p.base.as_ref().map(|b| self.param_value(b, &path)) else { continue };
            let mut values = vec![base; np];
            for (prof, v) in &p.profiles {
                match profile_index.get(&prof.value) {
                    Some(&ix) => values[ix as usize] = self.param_value(v, &path),
                    None => self.problem(
                        ErrorKind::UnknownProfile,
                        Some(prof.pos),
                        &path,
                        format!(
                            "profile \"{}\" is not declared in [profiles]{}",
                            prof.value,
                            crate::read::did_you_mean(&prof.value, profile_index.keys().map(String::as_str))
                        ),
                    ),
                }
            }
            let slot = n_inputs + params.len() as u32;
            names.insert(p.name.value.clone(), Sym::Param { slot, index: params.len() as u32 });
            params.push(Param { name: p.name.value.clone(), label: p.label.clone(), values });
        }
        // A name whose declaration did not read was reported there; its uses are not reported again.
        for name in &doc.unread {
            names.entry(name.clone()).or_insert(Sym::Broken);
        }

        // Derived values, compiled in dependency order.
        let mut symbols =
            Symbols::new(names, lists.iter().enumerate().map(|(i, l)| (l.name.clone(), l.scope(i as u32))));
        let derived = self.derived(&mut symbols, n_inputs + params.len() as u32);
        let slot_count = (n_inputs as usize) + params.len() + derived.len();

        // Indicators.
        let mut tree = self.tree(&profile_index, np);
        let mut relatives = Vec::new();
        let link_ids: Vec<String> = links.iter().map(|l| l.book.meta.id.clone()).collect();
        for (ni, ind) in doc.indicators.iter().enumerate() {
            if ni >= tree.nodes.len() || tree.nodes[ni].id != ind.id.value {
                continue; // dropped as a duplicate
            }
            let path = format!("indicator \"{}\"", ind.id.value);
            if let Some(src) = &ind.applies {
                tree.nodes[ni].applies =
                    symbols.expression(self.r, &path, src, Type::Bool, "`applies`", None);
            }
            let is_leaf = tree.nodes[ni].children.is_empty();
            match (&ind.rule, is_leaf) {
                (Some((rule, _)), true) => {
                    let mut cx =
                        RuleCx::new(self.r, &symbols, path.clone(), &mut relatives, ni as u32, &link_ids);
                    if let Some(compiled) = rules::compile(rule, &mut cx) {
                        tree.nodes[ni].reads = reads_of(&compiled);
                        tree.nodes[ni].rule = Some(compiled);
                    }
                }
                (None, true) => self.problem(
                    ErrorKind::Schema,
                    Some(ind.pos),
                    &path,
                    format!("a leaf indicator needs a rule ({})", rules::KINDS.join(", ")),
                ),
                (Some((_, pos)), false) => self.problem(
                    ErrorKind::Schema,
                    Some(*pos),
                    &path,
                    "an indicator with children adds them up; it cannot also have a rule",
                ),
                (None, false) => {}
            }
        }

        // Bonus and penalty items.
        let bonus = self.adjust_items(&doc.bonus, "bonus", &symbols);
        let penalty = self.adjust_items(&doc.penalty, "penalty", &symbols);
        let sum_points = |items: &[AdjustItem]| items.iter().fold(Num::ZERO, |a, i| a.add(&i.points));
        let bonus_cap = doc.adjust.bonus_cap.as_ref().map_or_else(|| sum_points(&bonus), |n| n.value.clone());
        let penalty_cap =
            doc.adjust.penalty_cap.as_ref().map_or_else(|| sum_points(&penalty), |n| n.value.clone());
        for (cap, what) in [(&doc.adjust.bonus_cap, "bonus_cap"), (&doc.adjust.penalty_cap, "penalty_cap")] {
            if let Some(c) = cap
                && c.value.is_negative()
            {
                self.problem(
                    ErrorKind::Schema,
                    Some(c.pos),
                    "[adjust]",
                    format!("`{what}` cannot be negative"),
                );
            }
        }

        // Grades, vetoes, criteria, grade rules.
        let grades = self.grades(&symbols);
        let grade_index: HashMap<&str, u16> =
            grades.iter().enumerate().map(|(i, g)| (g.label.as_str(), i as u16)).collect();
        let mut node_ids: HashMap<String, u32> = HashMap::default();
        for (i, n) in tree.nodes.iter().enumerate() {
            node_ids.insert(n.id.clone(), i as u32);
        }
        let vetoes = self.vetoes(&symbols, &node_ids, &grade_index);
        let criteria = self.criteria(&symbols);
        let grade_rules = self.grade_rules(&symbols, &node_ids, &grade_index);

        let schema = Arc::new(InputSchema { inputs, index: input_index });
        let aggregates = symbols.take_sites();
        let fingerprint = reach_fingerprint(root, &links, &lists);
        let mut compiled = Compiled {
            meta,
            fingerprint,
            text: None,
            schema,
            params,
            derived,
            slot_count,
            profiles,
            profile_index,
            profile_field,
            key_field,
            node_index: node_ids,
            preorder: preorder(&tree.nodes, &tree.top),
            top: tree.top,
            points: tree.points,
            weights: tree.weights,
            max: Vec::new(),
            nodes: tree.nodes,
            bonus,
            penalty,
            bonus_cap,
            penalty_cap,
            allow_above_max: doc.adjust.allow_above_max,
            vetoes,
            criteria,
            grades,
            grade_rules,
            tests: doc.tests.clone(),
            components: links,
            relatives,
            lists,
            aggregates,
        };
        checks::run(&mut compiled, doc, self.r);
        if self.r.problems.is_empty() { Some(compiled) } else { None }
    }

    fn field_slot(
        &mut self,
        field: Option<&Text>,
        index: &HashMap<String, u32>,
        inputs: &[Input],
        profile: bool,
    ) -> Option<u32> {
        let f = field?;
        let what = if profile { "profile_field" } else { "key_field" };
        match index.get(&f.value) {
            None => {
                self.problem(
                    ErrorKind::UnknownName,
                    Some(f.pos),
                    "[rulebook]",
                    format!(
                        "{what} `{}` is not a declared input{}",
                        f.value,
                        crate::read::did_you_mean(&f.value, index.keys().map(|k| k.as_ref()))
                    ),
                );
                None
            }
            Some(&slot) => {
                let ty = inputs[slot as usize].ty;
                let ok = if profile {
                    ty == InputType::Text
                } else {
                    matches!(ty, InputType::Text | InputType::Integer)
                };
                if !ok {
                    let need = if profile { "a text input" } else { "a text or integer input" };
                    self.problem(
                        ErrorKind::TypeMismatch,
                        Some(f.pos),
                        "[rulebook]",
                        format!("{what} `{}` must be {need}, not {}", f.value, ty.name()),
                    );
                    return None;
                }
                Some(slot)
            }
        }
    }

    fn param_value(&mut self, v: &ParamValueDoc, path: &str) -> ParamValue {
        match v {
            ParamValueDoc::Fixed(n) => ParamValue::Fixed(n.value.clone()),
            ParamValueDoc::Dated(list) => {
                let mut out: Vec<(Date, Num)> = list.iter().map(|(d, _, n)| (*d, n.value.clone())).collect();
                out.sort_by_key(|(d, _)| *d);
                for w in list.windows(2) {
                    if w[0].0 == w[1].0 {
                        self.problem(
                            ErrorKind::DuplicateId,
                            Some(w[1].1),
                            path,
                            format!("date {} appears twice", w[1].0),
                        );
                    }
                }
                if out.is_empty() {
                    self.problem(ErrorKind::Schema, None, path, "a dated parameter needs at least one date");
                }
                ParamValue::Dated(out)
            }
        }
    }

    /// Link every component rulebook named by a `component` rule, merging their inputs.
    fn link_components(
        &mut self,
        source: &dyn ComponentSource,
        profiles: &[Profile],
        inputs: &mut Vec<Input>,
        index: &mut HashMap<String, u32>,
    ) -> Vec<ComponentLink> {
        let mut links: Vec<ComponentLink> = Vec::new();
        let mut seen: HashSet<&str> = HashSet::default();
        let doc = self.doc;
        for ind in &doc.indicators {
            let Some((rules::RuleDoc::Component(c), pos)) = &ind.rule else { continue };
            let Some(id) = c.rulebook_id() else { continue };
            if !seen.insert(id.value.as_str()) {
                continue;
            }
            let path = format!("indicator \"{}\" component", ind.id.value);
            if !crate::read::is_rulebook_id(&id.value) {
                let why = crate::read::not_a_rulebook_id(&id.value);
                self.problem(ErrorKind::Schema, Some(id.pos), &path, why);
                continue;
            }
            let book = match source.find(&id.value) {
                Ok(book) => book,
                Err(NotFound::Missing) => {
                    self.problem(
                        ErrorKind::UnknownName,
                        Some(id.pos),
                        &path,
                        format!(
                            "no rulebook with id `{}` is available (built-in, or loaded alongside){}",
                            id.value,
                            crate::read::did_you_mean(&id.value, source.known().iter().map(String::as_str))
                        ),
                    );
                    continue;
                }
                Err(NotFound::Refused(kind, why)) => {
                    self.problem(kind, Some(id.pos), &path, why);
                    continue;
                }
                Err(NotFound::Broken(problems)) => {
                    let n = problems.len();
                    self.problem(
                        ErrorKind::Schema,
                        Some(id.pos),
                        &path,
                        format!(
                            "component `{}` did not load ({n} problem(s), listed after this one)",
                            id.value
                        ),
                    );
                    self.r.problems.extend(problems);
                    continue;
                }
            };
            let inner: &Compiled = &book;
            if !inner.has_total() {
                self.problem(
                    ErrorKind::Schema,
                    Some(*pos),
                    &path,
                    format!("component `{}` has no indicators, so no total to use", id.value),
                );
                continue;
            }
            if !inner.relatives.is_empty() {
                self.problem(
                    ErrorKind::Schema,
                    Some(*pos),
                    &path,
                    format!(
                        "component `{}` has relative rules; cohorts are not carried into components",
                        id.value
                    ),
                );
                continue;
            }
            let mut profile_map = vec![0u32];
            let mut ok = true;
            for p in &profiles[1..] {
                match inner.profile_index.get(&p.name) {
                    Some(&ix) => profile_map.push(ix),
                    None => {
                        self.problem(
                            ErrorKind::UnknownProfile,
                            Some(id.pos),
                            &path,
                            format!(
                                "component `{}` does not declare profile \"{}\" of this rulebook",
                                id.value, p.name
                            ),
                        );
                        ok = false;
                    }
                }
            }
            let mut input_map = Vec::with_capacity(inner.schema.inputs.len());
            for ci in &inner.schema.inputs {
                match index.get(&ci.name) {
                    Some(&slot) => {
                        let mine = &inputs[slot as usize];
                        if mine.ty != ci.ty {
                            self.problem(
                                ErrorKind::TypeMismatch,
                                Some(id.pos),
                                &path,
                                format!(
                                    "input `{}` is {} here but {} in component `{}`",
                                    ci.name,
                                    mine.ty.name(),
                                    ci.ty.name(),
                                    id.value
                                ),
                            );
                            ok = false;
                        }
                        input_map.push(slot);
                    }
                    None => {
                        let slot = inputs.len() as u32;
                        index.insert(ci.name.clone(), slot);
                        let mut added = ci.clone();
                        added.from_component = Some(id.value.clone());
                        inputs.push(added);
                        input_map.push(slot);
                    }
                }
            }
            if ok {
                links.push(ComponentLink { book, input_map, profile_map });
            }
        }
        links
    }

    fn derived(&mut self, symbols: &mut Symbols, first_slot: u32) -> Vec<Derived> {
        let doc = self.doc;
        // Parse all, register names, then order by dependencies.
        let mut parsed: Vec<(usize, expr::Expr)> = Vec::new();
        for (i, d) in doc.derived.iter().enumerate() {
            if symbols.has(&d.name.value) {
                self.problem(
                    ErrorKind::DuplicateId,
                    Some(d.name.pos),
                    &format!("derived \"{}\"", d.name.value),
                    format!("`{}` is already declared as an input, parameter or derived value", d.name.value),
                );
                continue;
            }
            let path = format!("derived \"{}\"", d.name.value);
            match crate::scope::parse_expr(self.r, &path, &d.expr) {
                Some(e) => {
                    symbols.declare_derived(&d.name.value, first_slot + parsed.len() as u32);
                    parsed.push((i, e));
                }
                None => symbols.declare_broken(&d.name.value),
            }
        }
        let order = self.derived_order(symbols, &parsed);
        let mut out = Vec::with_capacity(order.len());
        for pi in order {
            let (i, e) = &parsed[pi];
            let d = &doc.derived[*i];
            let path = format!("derived \"{}\"", d.name.value);
            let slot = first_slot + pi as u32;
            match symbols.compile_parsed(self.r, &path, &d.expr, e, None, None) {
                Some((c, ty)) => {
                    symbols.set_derived_type(&d.name.value, ty);
                    out.push(Derived {
                        name: d.name.value.clone(),
                        label: d.label.clone(),
                        expr: Expression { expr: c, text: d.expr.value.clone() },
                        slot,
                        ty,
                    });
                }
                None => symbols.declare_broken(&d.name.value),
            }
        }
        out
    }

    /// Topological order of the parsed derived values (indices into `parsed`); cycles reported.
    fn derived_order(&mut self, symbols: &Symbols, parsed: &[(usize, expr::Expr)]) -> Vec<usize> {
        let n = parsed.len();
        let slot_to_ix = |slot: u32| -> Option<usize> { symbols.derived_index(slot) };
        let mut deps: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (k, (_, e)) in parsed.iter().enumerate() {
            for (name, _) in e.names() {
                if let Some(Sym::Derived { slot, .. }) = symbols.get(name)
                    && let Some(j) = slot_to_ix(slot)
                    && !deps[k].contains(&j)
                {
                    deps[k].push(j);
                }
            }
        }
        // Declaration order, each dependency evaluated on first use (a depth-first post-order),
        // so the first failing derived value in a record is the one a reader expects. Iterative:
        // chains of 10,000 derived values are fine. A value met again while still open is a cycle.
        #[derive(Clone, Copy, PartialEq)]
        enum Mark {
            New,
            Open,
            Done,
        }
        let mut mark = vec![Mark::New; n];
        let mut order = Vec::with_capacity(n);
        let mut in_cycle = vec![false; n];
        for root in 0..n {
            if mark[root] != Mark::New {
                continue;
            }
            // (node, next dependency to visit)
            let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
            mark[root] = Mark::Open;
            while let Some(&mut (k, ref mut next)) = stack.last_mut() {
                if let Some(&j) = deps[k].get(*next) {
                    *next += 1;
                    match mark[j] {
                        Mark::New => {
                            mark[j] = Mark::Open;
                            stack.push((j, 0));
                        }
                        Mark::Open => {
                            // A cycle: the open nodes from j up to k.
                            let at = stack.iter().position(|&(x, _)| x == j).unwrap_or(0);
                            let cycle: Vec<usize> = stack[at..].iter().map(|&(x, _)| x).collect();
                            if cycle.iter().all(|&x| !in_cycle[x]) {
                                for &x in &cycle {
                                    in_cycle[x] = true;
                                }
                                let names: Vec<&str> = cycle
                                    .iter()
                                    .map(|&x| self.doc.derived[parsed[x].0].name.value.as_str())
                                    .collect();
                                let first = &self.doc.derived[parsed[cycle[0]].0];
                                self.problem(
                                    ErrorKind::Cycle,
                                    Some(first.expr.pos),
                                    &format!("derived \"{}\"", first.name.value),
                                    format!(
                                        "derived values depend on each other: {} → {}",
                                        names.join(" → "),
                                        names[0]
                                    ),
                                );
                            }
                            for &(x, _) in &stack[at..] {
                                in_cycle[x] = true;
                            }
                        }
                        Mark::Done => {}
                    }
                } else {
                    mark[k] = Mark::Done;
                    stack.pop();
                    if !in_cycle[k] && deps[k].iter().all(|&j| !in_cycle[j]) {
                        order.push(k);
                    } else {
                        in_cycle[k] = true;
                    }
                }
            }
        }
        order
    }

    fn adjust_items(
        &mut self,
        docs: &[crate::model::AdjustItemDoc],
        key: &str,
        symbols: &Symbols,
    ) -> Vec<AdjustItem> {
        let mut out: Vec<AdjustItem> = Vec::new();
        let mut seen = HashSet::default();
        let what = format!("{key} item");
        for d in docs {
            let path = format!("{key} \"{}\"", d.id.value);
            if !declared_once(self.r, &mut seen, &d.id, &path, &what) {
                continue;
            }
            let (Some((rule, pos)), Some(points)) = (&d.rule, &d.points) else { continue };
            if matches!(rule, rules::RuleDoc::Relative(_) | rules::RuleDoc::Component(_)) {
                self.problem(
                    ErrorKind::Schema,
                    Some(*pos),
                    &path,
                    format!("{key} items cannot use a {} rule", rule.kind()),
                );
                continue;
            }
            if points.value.is_negative() {
                self.problem(ErrorKind::Schema, Some(points.pos), &path, "points cannot be negative");
            }
            let mut no_relatives = Vec::new();
            let mut cx = RuleCx::new(self.r, symbols, path.clone(), &mut no_relatives, u32::MAX, &[]);
            if let Some(rule) = rules::compile(rule, &mut cx) {
                out.push(AdjustItem {
                    id: d.id.value.clone(),
                    label: d.label.clone(),
                    points: points.value.clone(),
                    source: d.source.clone(),
                    rule,
                });
            }
        }
        out
    }

    fn grades(&mut self, symbols: &Symbols) -> Vec<Grade> {
        let mut out: Vec<Grade> = Vec::new();
        let doc = self.doc;
        let n = doc.grades.len();
        let mut seen = HashSet::default();
        for (i, g) in doc.grades.iter().enumerate() {
            let path = format!("grade \"{}\"", g.label.value);
            if !declared_once(self.r, &mut seen, &g.label, &path, "grade") {
                continue;
            }
            let last = i + 1 == n;
            let bound = match &g.bound {
                Some(crate::model::BoundDoc::AtLeast(op)) => {
                    self.operand(symbols, op, &path).map(Bound::AtLeast)
                }
                Some(crate::model::BoundDoc::Above(op)) => self.operand(symbols, op, &path).map(Bound::Above),
                None => None,
            };
            if g.bound.is_none() && !last {
                self.problem(
                    ErrorKind::GradeOrder,
                    Some(g.pos),
                    &path,
                    "only the last grade may have no bound (`at_least` or `above`)",
                );
            }
            if g.bound.is_some() && last {
                // A bounded last grade leaves totals below it without a grade: refuse it.
                self.problem(
                    ErrorKind::GradeOrder,
                    Some(g.pos),
                    &path,
                    "the last grade has no bound: it catches every total below the others",
                );
            }
            out.push(Grade { label: g.label.value.clone(), bound, description: g.description.clone() });
        }
        out
    }

    fn operand(&mut self, symbols: &Symbols, op: &OperandDoc, path: &str) -> Option<Operand> {
        symbols.operand(self.r, path, op)
    }

    fn vetoes(
        &mut self,
        symbols: &Symbols,
        nodes: &HashMap<String, u32>,
        grades: &HashMap<&str, u16>,
    ) -> Vec<Veto> {
        let mut out: Vec<Veto> = Vec::new();
        let doc = self.doc;
        let mut seen = HashSet::default();
        for v in &doc.vetoes {
            let path = format!("veto \"{}\"", v.id.value);
            if !declared_once(self.r, &mut seen, &v.id, &path, "veto") {
                continue;
            }
            let when = v
                .when
                .as_ref()
                .and_then(|w| symbols.expression(self.r, &path, w, Type::Bool, "`when`", Some(nodes)));
            let score = v.score.as_ref().and_then(|s| self.operand(symbols, s, &path));
            let grade = match &v.grade {
                Some(g) => match grades.get(g.value.as_str()) {
                    Some(&ix) => Some(ix),
                    None => {
                        self.problem(
                            ErrorKind::UnknownGrade,
                            Some(g.pos),
                            &path,
                            format!(
                                "grade \"{}\" is not declared in [[grade]]{}",
                                g.value,
                                crate::read::did_you_mean(&g.value, grades.keys().copied())
                            ),
                        );
                        None
                    }
                },
                None => None,
            };
            if let Some(when) = when {
                out.push(Veto {
                    id: v.id.value.clone(),
                    label: v.label.clone(),
                    when,
                    score,
                    grade,
                    source: v.source.clone(),
                });
            }
        }
        out
    }

    fn criteria(&mut self, symbols: &Symbols) -> Vec<Criterion> {
        let mut out: Vec<Criterion> = Vec::new();
        let doc = self.doc;
        let mut seen = HashSet::default();
        for c in &doc.criteria {
            let path = format!("criterion \"{}\"", c.id.value);
            if !declared_once(self.r, &mut seen, &c.id, &path, "criterion") {
                continue;
            }
            if let Some(when) =
                c.when.as_ref().and_then(|w| symbols.expression(self.r, &path, w, Type::Bool, "`when`", None))
            {
                let mut reads = Vec::new();
                when.expr.slots(&mut reads);
                dedup_in_order(&mut reads);
                out.push(Criterion {
                    id: c.id.value.clone(),
                    label: c.label.clone(),
                    when,
                    source: c.source.clone(),
                    reads,
                });
            }
        }
        out
    }

    fn grade_rules(
        &mut self,
        symbols: &Symbols,
        nodes: &HashMap<String, u32>,
        grades: &HashMap<&str, u16>,
    ) -> Vec<GradeRule> {
        let mut out = Vec::new();
        for (i, g) in self.doc.grade_rules.iter().enumerate() {
            let path = format!("grade_rule #{}", i + 1);
            let when = g
                .when
                .as_ref()
                .and_then(|w| symbols.expression(self.r, &path, w, Type::Bool, "`when`", Some(nodes)));
            let at_most = g.grade_at_most.as_ref().and_then(|t| match grades.get(t.value.as_str()) {
                Some(&ix) => Some(ix),
                None => {
                    self.problem(
                        ErrorKind::UnknownGrade,
                        Some(t.pos),
                        &path,
                        format!(
                            "grade \"{}\" is not declared in [[grade]]{}",
                            t.value,
                            crate::read::did_you_mean(&t.value, grades.keys().copied())
                        ),
                    );
                    None
                }
            });
            if let (Some(when), Some(at_most)) = (when, at_most) {
                out.push(GradeRule { label: g.label.clone(), when, at_most });
            }
        }
        out
    }
}

/// Tree pre-order, computed without recursion (trees may be deep).
/// The fingerprint of a rulebook: its own canonical form's, or — when it reaches other rulebooks
/// through components or items — a digest of that and of each reached rulebook's fingerprint, in
/// the order they are named, so that a changed component changes every rulebook using it.
fn reach_fingerprint(root: &crate::syntax::Node, links: &[ComponentLink], lists: &[ListDef]) -> String {
    let own = crate::syntax::fingerprint(root);
    let reached: Vec<(&str, &str)> = links
        .iter()
        .map(|l| &l.book)
        .chain(lists.iter().filter_map(|l| match &l.shape {
            ListShape::Scored { book, .. } => Some(book),
            _ => None,
        }))
        .map(|b| (b.meta.id.as_str(), b.fingerprint.as_str()))
        .collect();
    if reached.is_empty() {
        return own;
    }
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    h.update(own.as_bytes());
    for (id, fp) in reached {
        h.update(b"\n");
        h.update(id.as_bytes());
        h.update(b"=");
        h.update(fp.as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

fn preorder(nodes: &[NodeDef], top: &[u32]) -> Vec<u32> {
    let mut out = Vec::with_capacity(nodes.len());
    let mut stack: Vec<u32> = top.iter().rev().copied().collect();
    while let Some(i) = stack.pop() {
        out.push(i);
        stack.extend(nodes[i as usize].children.iter().rev());
    }
    out
}

/// The slots a rule reads, each once, in first-read order.
fn reads_of(rule: &Rule) -> Vec<u32> {
    let mut reads = Vec::new();
    for e in rule.exprs() {
        e.slots(&mut reads);
    }
    if let Some(s) = rule.list_slot() {
        reads.push(s);
    }
    dedup_in_order(&mut reads);
    reads
}

fn dedup_in_order(v: &mut Vec<u32>) {
    let mut seen = std::collections::HashSet::new();
    v.retain(|s| seen.insert(*s));
}

/// The indicator tree as built from the document.
struct Tree {
    nodes: Vec<NodeDef>,
    top: Vec<u32>,
    points: Vec<Vec<Num>>,
    weights: Vec<Vec<Option<Num>>>,
}

impl Compiler<'_> {
    /// Build the tree: ids, parents, points and weights per profile.
    fn tree(&mut self, profiles: &HashMap<String, u32>, np: usize) -> Tree {
        let doc = self.doc;
        let mut nodes: Vec<NodeDef> = Vec::with_capacity(doc.indicators.len());
        let mut index: HashMap<&str, u32> = HashMap::default();
        let mut top = Vec::new();
        let mut base_points: Vec<Num> = Vec::new();
        let mut base_weights: Vec<Option<Num>> = Vec::new();
        for ind in &doc.indicators {
            let id = ind.id.value.as_str();
            let path = format!("indicator \"{id}\"");
            if id.is_empty() || id.split('.').any(str::is_empty) {
                self.problem(
                    ErrorKind::Schema,
                    Some(ind.id.pos),
                    &path,
                    "an indicator id is non-empty dotted parts, like `reduction.incidence`",
                );
                continue;
            }
            if index.contains_key(id) {
                self.problem(
                    ErrorKind::DuplicateId,
                    Some(ind.id.pos),
                    &path,
                    format!("indicator \"{id}\" is declared twice"),
                );
                continue;
            }
            let parent = match id.rfind('.') {
                None => None,
                Some(dot) => match index.get(&id[..dot]) {
                    Some(&p) => Some(p),
                    None => {
                        self.problem(
                            ErrorKind::OrphanIndicator,
                            Some(ind.id.pos),
                            &path,
                            format!("its parent \"{}\" is not declared before it", &id[..dot]),
                        );
                        continue;
                    }
                },
            };
            let ix = nodes.len() as u32;
            index.insert(id, ix);
            let depth = parent.map_or(0, |p| nodes[p as usize].depth + 1);
            match parent {
                Some(p) => nodes[p as usize].children.push(ix),
                None => top.push(ix),
            }
            let points = match &ind.points {
                Some(p) => {
                    self.check_points(p, &path);
                    p.value.clone()
                }
                None => Num::ZERO,
            };
            if let Some(w) = &ind.weight
                && !w.value.is_positive()
            {
                self.problem(ErrorKind::Schema, Some(w.pos), &path, "weights must be positive");
            }
            base_points.push(points);
            base_weights.push(ind.weight.as_ref().map(|w| w.value.clone()));
            nodes.push(NodeDef {
                id: id.to_owned(),
                label: ind.label.clone(),
                parent,
                children: Vec::new(),
                depth,
                aggregate: ind.aggregate,
                applies: None,
                source: ind.source.clone(),
                description: ind.description.clone(),
                rule: None,
                reads: Vec::new(),
            });
        }
        // Keep doc order aligned: the caller walks doc.indicators by index, so rebuild a list with
        // the same length where dropped indicators are absent (ids compared by the caller).
        let mut points = vec![base_points.clone(); np];
        let mut weights = vec![base_weights.clone(); np];
        for p in &doc.profiles {
            let Some(&pi) = profiles.get(&p.name.value) else { continue };
            let path = format!("profile \"{}\"", p.name.value);
            for (id, n) in &p.points {
                match index.get(id.value.as_str()) {
                    Some(&ix) => {
                        self.check_points(n, &path);
                        points[pi as usize][ix as usize] = n.value.clone();
                    }
                    None => self.problem(
                        ErrorKind::UnknownName,
                        Some(id.pos),
                        &path,
                        format!("points override for unknown indicator \"{}\"", id.value),
                    ),
                }
            }
            for (id, n) in &p.weights {
                match index.get(id.value.as_str()) {
                    Some(&ix) => {
                        if !n.value.is_positive() {
                            self.problem(ErrorKind::Schema, Some(n.pos), &path, "weights must be positive");
                        }
                        weights[pi as usize][ix as usize] = Some(n.value.clone());
                    }
                    None => self.problem(
                        ErrorKind::UnknownName,
                        Some(id.pos),
                        &path,
                        format!("weight override for unknown indicator \"{}\"", id.value),
                    ),
                }
            }
        }
        // Indicators refused above are left out: the caller matches nodes to the file's
        // indicators by id.
        Tree { nodes, top, points, weights }
    }

    fn check_points(&mut self, p: &NumLit, path: &str) {
        if p.value.is_negative() {
            self.problem(ErrorKind::Schema, Some(p.pos), path, "points cannot be negative");
        }
        if p.value.round(self.doc.meta.scale, Rounding::Down) != p.value {
            self.problem(
                ErrorKind::Schema,
                Some(p.pos),
                path,
                format!(
                    "points {} have more decimal places than the rulebook's scale ({})",
                    rules::show(&p.value),
                    self.doc.meta.scale
                ),
            );
        }
    }
}
