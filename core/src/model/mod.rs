//! The rulebook file as read (spec §0–§13), before names are resolved: every section as plain
//! structs that remember where each piece was written. [`read_document`] turns the document tree
//! into a [`Doc`], recording schema problems as it goes; `compile` then checks and resolves it.

pub mod change;
pub mod lineage;

use crate::date::Date;
use crate::input::{DefaultDoc, InputType};
use crate::num::Rounding;
use crate::read::{self, NumLit, OperandDoc, Reader, Table, Text, date_of, number_of, string_of};
use crate::rules::{self, RuleDoc};
use crate::syntax::{Node, Pos, Value};

/// An expression as written, with its position.
pub type Source = Text;

/// `[rulebook]`: identity and global settings.
#[derive(Clone, Debug, Default)]
pub struct MetaDoc {
    /// Stable id.
    pub id: String,
    /// Title shown in results.
    pub title: String,
    /// Version of the scheme.
    pub version: String,
    /// The document it implements.
    pub source: Option<String>,
    /// What the scheme is for.
    pub description: Option<String>,
    /// Free notes (e.g. which parts are official).
    pub notes: Option<String>,
    /// Whether the scheme is an illustrative example (示例方案) rather than an official table.
    pub illustrative: bool,
    /// Default scoring date.
    pub as_of: Option<Date>,
    /// Decimal places of published points.
    pub scale: u32,
    /// Rounding mode.
    pub rounding: Rounding,
    /// Round only the total (`round = "total_only"`).
    pub total_only: bool,
    /// The input naming a record's profile.
    pub profile_field: Option<Text>,
    /// The input naming a record.
    pub key_field: Option<Text>,
    /// The declared maximum, checked against the indicators.
    pub max: Option<NumLit>,
    /// `[rulebook.variant_of]`: the rulebook this one is a variant of.
    pub variant_of: Option<lineage::VariantOf>,
    /// `[[rulebook.provenance]]`: how values written into it were obtained.
    pub provenance: Vec<lineage::Provenance>,
}

/// `[profiles."X"]`.
#[derive(Clone, Debug)]
pub struct ProfileDoc {
    /// The profile's name.
    pub name: Text,
    /// Label, if different from the name.
    pub label: Option<String>,
    pub description: Option<String>,
    /// `[profiles."X".points]`: indicator id → points.
    pub points: Vec<(Text, NumLit)>,
    /// `[profiles."X".weights]`: indicator id → weight.
    pub weights: Vec<(Text, NumLit)>,
}

/// One entry of `[inputs]`.
#[derive(Clone, Debug)]
pub struct InputDoc {
    /// The input's name.
    pub name: Text,
    /// Declared type.
    pub ty: InputType,
    /// Label (e.g. the Chinese column name).
    pub label: Option<String>,
    pub unit: Option<String>,
    pub description: Option<String>,
    /// Inclusive lower bound (per mark for `numbers`).
    pub min: Option<NumLit>,
    /// Inclusive upper bound.
    pub max: Option<NumLit>,
    /// Allowed values (text inputs).
    pub values: Option<Vec<Text>>,
    /// Default when missing.
    pub default: Option<(DefaultDoc, Pos)>,
    /// Whether a missing value is an error (else: no data).
    pub required: bool,
    /// Declared fields of an `items` input, in order.
    pub fields: Vec<FieldDoc>,
    /// The rulebook that scores each item of an `items` input (spec §18.2).
    pub rulebook: Option<Text>,
    /// The child table's column holding the parent's key (spec §18.5).
    pub join: Option<Text>,
    /// The field that orders the items (spec §18.4).
    pub order_by: Option<Text>,
    /// Whether the unit can change it (`actionable = false`: population, region…): advice
    /// (整改建议) never suggests changing an input that is not.
    pub actionable: bool,
}

/// A declared field of an `items` input: `name = "type"` or `name = { type, label }`.
#[derive(Clone, Debug)]
pub struct FieldDoc {
    /// The field's name.
    pub name: Text,
    /// Its type (a scalar type).
    pub ty: InputType,
    /// Its label (a child table's column header).
    pub label: Option<String>,
}

/// A parameter value: fixed or dated.
#[derive(Clone, Debug)]
pub enum ParamValueDoc {
    /// One value.
    Fixed(NumLit),
    /// Values from dates on (sorted by date when compiled).
    Dated(Vec<(Date, Pos, NumLit)>),
}

/// One entry of `[params]`.
#[derive(Clone, Debug)]
pub struct ParamDoc {
    /// The parameter's name.
    pub name: Text,
    pub label: Option<String>,
    /// The base value.
    pub base: Option<ParamValueDoc>,
    /// Per-profile replacements.
    pub profiles: Vec<(Text, ParamValueDoc)>,
}

/// One entry of `[derived]`.
#[derive(Clone, Debug)]
pub struct DerivedDoc {
    /// The derived value's name.
    pub name: Text,
    /// Its expression.
    pub expr: Source,
    pub label: Option<String>,
}

/// How an inner indicator combines its children (§7).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Aggregate {
    /// 分值制: the children's points add up.
    #[default]
    Sum,
    /// 权重制: weighted mean of the children's shares.
    Weighted,
}

/// One `[[indicator]]`.
#[derive(Clone, Debug)]
pub struct IndicatorDoc {
    /// Dotted id.
    pub id: Text,
    pub label: String,
    /// Maximum points.
    pub points: Option<NumLit>,
    /// Weight under a weighted parent.
    pub weight: Option<NumLit>,
    /// How children combine.
    pub aggregate: Aggregate,
    /// Applicability condition.
    pub applies: Option<Source>,
    /// The clause it implements.
    pub source: Option<String>,
    pub description: Option<String>,
    /// The rule (leaves).
    pub rule: Option<(RuleDoc, Pos)>,
    /// Where the indicator starts.
    pub pos: Pos,
}

/// One `[[bonus]]` or `[[penalty]]` item.
#[derive(Clone, Debug)]
pub struct AdjustItemDoc {
    pub id: Text,
    pub label: String,
    /// Maximum points of this item.
    pub points: Option<NumLit>,
    /// The clause it implements.
    pub source: Option<String>,
    /// The rule.
    pub rule: Option<(RuleDoc, Pos)>,
    /// Where it starts.
    pub pos: Pos,
}

/// `[adjust]`.
#[derive(Clone, Debug, Default)]
pub struct AdjustDoc {
    /// Cap on the bonus sum.
    pub bonus_cap: Option<NumLit>,
    /// Cap on the penalty sum.
    pub penalty_cap: Option<NumLit>,
    /// Lift the upper clamp of the total.
    pub allow_above_max: bool,
}

/// One `[[veto]]`.
#[derive(Clone, Debug)]
pub struct VetoDoc {
    pub id: Text,
    pub label: String,
    pub when: Option<Source>,
    /// The total it sets.
    pub score: Option<OperandDoc>,
    /// The grade ceiling it sets.
    pub grade: Option<Text>,
    /// The clause it implements.
    pub source: Option<String>,
}

/// One `[[criterion]]`.
#[derive(Clone, Debug)]
pub struct CriterionDoc {
    pub id: Text,
    pub label: String,
    /// Condition that must hold.
    pub when: Option<Source>,
    /// The clause it implements.
    pub source: Option<String>,
}

/// A grade's lower bound.
#[derive(Clone, Debug)]
pub enum BoundDoc {
    /// total ≥ bound
    AtLeast(OperandDoc),
    /// total > bound
    Above(OperandDoc),
}

/// One `[[grade]]`.
#[derive(Clone, Debug)]
pub struct GradeDoc {
    /// The grade's label (好, 较好…).
    pub label: Text,
    /// Its bound (the last grade has none).
    pub bound: Option<BoundDoc>,
    pub description: Option<String>,
    /// Where it starts.
    pub pos: Pos,
}

/// One `[[grade_rule]]`.
#[derive(Clone, Debug)]
pub struct GradeRuleDoc {
    /// Optional label.
    pub label: Option<String>,
    pub when: Option<Source>,
    /// The ceiling it sets.
    pub grade_at_most: Option<Text>,
}

/// One `[[test]]`.
#[derive(Clone, Debug)]
pub struct TestDoc {
    pub name: String,
    /// The record (a table of field values).
    pub record: Node,
    /// Profile argument.
    pub profile: Option<String>,
    /// Scoring date.
    pub as_of: Option<Date>,
    /// Cohort figures: indicator id → best value.
    pub cohort: Vec<(Text, NumLit)>,
    /// The expected results.
    pub expect: Node,
    /// Where it starts.
    pub pos: Pos,
}

/// A whole rulebook as read.
#[derive(Clone, Debug, Default)]
pub struct Doc {
    /// `[rulebook]`.
    pub meta: MetaDoc,
    /// `[profiles]`.
    pub profiles: Vec<ProfileDoc>,
    /// `[inputs]`.
    pub inputs: Vec<InputDoc>,
    /// Inputs and parameters whose declaration did not read (a problem is reported there): their
    /// names are known, so a reference to one is not reported again as an unknown name — one slip,
    /// one problem.
    pub unread: Vec<String>,
    /// `[params]`.
    pub params: Vec<ParamDoc>,
    /// `[derived]`.
    pub derived: Vec<DerivedDoc>,
    /// `[[indicator]]`.
    pub indicators: Vec<IndicatorDoc>,
    /// `[[bonus]]`.
    pub bonus: Vec<AdjustItemDoc>,
    /// `[[penalty]]`.
    pub penalty: Vec<AdjustItemDoc>,
    /// `[adjust]`.
    pub adjust: AdjustDoc,
    /// `[[veto]]`.
    pub vetoes: Vec<VetoDoc>,
    /// `[[criterion]]`.
    pub criteria: Vec<CriterionDoc>,
    /// `[[grade]]`.
    pub grades: Vec<GradeDoc>,
    /// `[[grade_rule]]`.
    pub grade_rules: Vec<GradeRuleDoc>,
    /// `[[test]]`.
    pub tests: Vec<TestDoc>,
}

/// The top-level keys of a rulebook (the JSON Schema's top level is checked against them).
pub(crate) const TOP_KEYS: &[&str] = &[
    "rulebook",
    "profiles",
    "inputs",
    "params",
    "derived",
    "indicator",
    "bonus",
    "penalty",
    "adjust",
    "veto",
    "criterion",
    "grade",
    "grade_rule",
    "test",
];

/// Read a document tree into a [`Doc`], recording every schema problem in `r`.
pub fn read_document(root: &Node, r: &mut Reader) -> Doc {
    let mut doc = Doc::default();
    let Some(mut top) = Table::of(root, "", r) else {
        return doc;
    };
    match top.table(r, "rulebook") {
        Some(t) => doc.meta = read_meta(t, r),
        None if !top.has("rulebook") => {
            r.schema(Some(root.pos), "", "missing the [rulebook] table (id, title, version…)")
        }
        None => {}
    }
    if let Some(mut t) = top.table(r, "profiles") {
        for e in t.rest() {
            if let Some(p) = read_profile(e, r) {
                doc.profiles.push(p);
            }
        }
    }
    if let Some(mut t) = top.table(r, "inputs") {
        for e in t.rest() {
            match read_input(e, r) {
                Some(i) => doc.inputs.push(i),
                None => doc.unread.push(e.key.clone()),
            }
        }
    }
    if let Some(mut t) = top.table(r, "params") {
        for e in t.rest() {
            match read_param(e, r) {
                Some(p) => doc.params.push(p),
                None => doc.unread.push(e.key.clone()),
            }
        }
    }
    if let Some(mut t) = top.table(r, "derived") {
        for e in t.rest() {
            if let Some(d) = read_derived(e, r) {
                doc.derived.push(d);
            }
        }
    }
    for (node, i) in array_of_tables(&mut top, r, "indicator") {
        if let Some(ind) = read_indicator(node, i, r) {
            doc.indicators.push(ind);
        }
    }
    for (key, list) in [("bonus", &mut doc.bonus), ("penalty", &mut doc.penalty)] {
        for (node, i) in array_of_tables(&mut top, r, key) {
            if let Some(it) = read_adjust_item(node, key, i, r) {
                list.push(it);
            }
        }
    }
    if let Some(mut t) = top.table(r, "adjust") {
        doc.adjust.bonus_cap = t.number(r, "bonus_cap");
        doc.adjust.penalty_cap = t.number(r, "penalty_cap");
        doc.adjust.allow_above_max = t.boolean(r, "allow_above_max").unwrap_or(false);
        t.finish(r, &["bonus_cap", "penalty_cap", "allow_above_max"]);
    }
    for (node, i) in array_of_tables(&mut top, r, "veto") {
        let Some(mut t) = Table::of(node, format!("veto #{i}"), r) else { continue };
        let id = t.req_string(r, "id", "the veto's id");
        if let Some(id) = &id {
            t.path = format!("veto \"{}\"", id.value);
        }
        let v = VetoDoc {
            label: t.string(r, "label").map(|l| l.value).unwrap_or_default(),
            when: t.req_string(r, "when", "the condition under which the veto fires"),
            score: t.operand(r, "score"),
            grade: t.string(r, "grade"),
            source: t.string(r, "source").map(|s| s.value),
            id: id.clone().unwrap_or(Text { value: String::new(), pos: node.pos }),
        };
        // A veto with neither `score` nor `grade` still fires and is in the result (§9): it flags
        // the unit, and a parent reads it as `item.vetoed` (§18.2).
        t.finish(r, &["id", "label", "when", "score", "grade", "source", "description"]);
        if id.is_some() {
            doc.vetoes.push(v);
        }
    }
    for (node, i) in array_of_tables(&mut top, r, "criterion") {
        let Some(mut t) = Table::of(node, format!("criterion #{i}"), r) else { continue };
        let id = t.req_string(r, "id", "the criterion's id");
        if let Some(id) = &id {
            t.path = format!("criterion \"{}\"", id.value);
        }
        let c = CriterionDoc {
            label: t.string(r, "label").map(|l| l.value).unwrap_or_default(),
            when: t.req_string(r, "when", "the condition that must hold"),
            source: t.string(r, "source").map(|s| s.value),
            id: id.clone().unwrap_or(Text { value: String::new(), pos: node.pos }),
        };
        let _ = t.string(r, "description");
        t.finish(r, &["id", "label", "when", "source", "description"]);
        if id.is_some() {
            doc.criteria.push(c);
        }
    }
    for (node, i) in array_of_tables(&mut top, r, "grade") {
        let Some(mut t) = Table::of(node, format!("grade #{i}"), r) else { continue };
        let label = t.req_string(r, "label", "the grade's name");
        if let Some(l) = &label {
            t.path = format!("grade \"{}\"", l.value);
        }
        let at_least = t.operand(r, "at_least");
        let above = t.operand(r, "above");
        let bound = match (at_least, above) {
            (Some(a), None) => Some(BoundDoc::AtLeast(a)),
            (None, Some(a)) => Some(BoundDoc::Above(a)),
            (Some(_), Some(_)) => {
                r.problem(
                    crate::ErrorKind::GradeOrder,
                    Some(node.pos),
                    &t.path,
                    "a grade has `at_least` or `above`, not both",
                );
                None
            }
            (None, None) => None,
        };
        let g = GradeDoc {
            label: label.clone().unwrap_or(Text { value: String::new(), pos: node.pos }),
            bound,
            description: t.string(r, "description").map(|d| d.value),
            pos: node.pos,
        };
        t.finish(r, &["label", "at_least", "above", "description"]);
        if label.is_some() {
            doc.grades.push(g);
        }
    }
    for (node, i) in array_of_tables(&mut top, r, "grade_rule") {
        let Some(mut t) = Table::of(node, format!("grade_rule #{i}"), r) else { continue };
        let g = GradeRuleDoc {
            label: t.string(r, "label").map(|l| l.value),
            when: t.req_string(r, "when", "the condition"),
            grade_at_most: t.req_string(r, "grade_at_most", "the grade ceiling"),
        };
        let _ = t.string(r, "source");
        t.finish(r, &["label", "when", "grade_at_most", "source"]);
        doc.grade_rules.push(g);
    }
    for (node, i) in array_of_tables(&mut top, r, "test") {
        if let Some(t) = read_test(node, i, r) {
            doc.tests.push(t);
        }
    }
    top.finish(r, TOP_KEYS);
    doc
}

/// The tables of an array-of-tables key, with 1-based positions for paths.
fn array_of_tables<'n>(top: &mut Table<'n>, r: &mut Reader, key: &str) -> Vec<(&'n Node, usize)> {
    match top.array(r, key) {
        Some((items, _)) => items.iter().enumerate().map(|(i, n)| (n, i + 1)).collect(),
        None => Vec::new(),
    }
}

fn read_meta(mut t: Table<'_>, r: &mut Reader) -> MetaDoc {
    t.path = "[rulebook]".into();
    let mut m = MetaDoc { scale: 2, ..MetaDoc::default() };
    if let Some(id) = t.req_string(r, "id", "the rulebook's stable id") {
        if !read::is_rulebook_id(&id.value) {
            r.schema(Some(id.pos), &t.path, read::not_a_rulebook_id(&id.value));
        }
        m.id = id.value;
    }
    m.title = t.string(r, "title").map(|s| s.value).unwrap_or_else(|| m.id.clone());
    m.version = match t.take("version") {
        None => String::new(),
        Some(n) => match &n.value {
            Value::String(s) => s.clone(),
            Value::Integer(s) | Value::Float(s) => s.clone(),
            _ => {
                r.schema(
                    Some(n.pos),
                    &t.path,
                    format!("`version` must be a string, found {}", n.type_name()),
                );
                String::new()
            }
        },
    };
    m.source = t.string(r, "source").map(|s| s.value);
    m.description = t.string(r, "description").map(|s| s.value);
    m.notes = t.string(r, "notes").map(|s| s.value);
    m.illustrative = t.boolean(r, "illustrative").unwrap_or(false);
    m.as_of = t.date(r, "as_of").map(|(d, _)| d);
    if t.has("scale") {
        m.scale = t.count(r, "scale", 10).unwrap_or(2);
    }
    if let Some(s) = t.string(r, "rounding") {
        match s.value.parse::<Rounding>() {
            Ok(mode) => m.rounding = mode,
            Err(_) => r.schema(
                Some(s.pos),
                &t.path,
                format!(
                    "unknown rounding `{}`; expected one of: half_up, half_even, down, up, floor, ceiling",
                    s.value
                ),
            ),
        }
    }
    if let Some(s) = t.string(r, "round") {
        match s.value.as_str() {
            "total_only" => m.total_only = true,
            "each" => {}
            _ => r.schema(
                Some(s.pos),
                &t.path,
                format!(
                    "unknown `round` setting `{}`; expected \"each\" (the default) or \"total_only\"",
                    s.value
                ),
            ),
        }
    }
    m.profile_field = t.string(r, "profile_field");
    m.key_field = t.string(r, "key_field");
    m.max = t.number(r, "max");
    m.variant_of = lineage::read_variant_of(&mut t, r);
    m.provenance = lineage::read_provenance(&mut t, r);
    t.finish(
        r,
        &[
            "id",
            "title",
            "version",
            "source",
            "description",
            "notes",
            "illustrative",
            "as_of",
            "scale",
            "rounding",
            "round",
            "profile_field",
            "key_field",
            "max",
            "variant_of",
            "provenance",
        ],
    );
    m
}

fn read_profile(e: &crate::syntax::Entry, r: &mut Reader) -> Option<ProfileDoc> {
    let path = format!("profile \"{}\"", e.key);
    let mut t = Table::of(&e.value, path.clone(), r)?;
    let pairs = |t: &mut Table<'_>, key: &str, r: &mut Reader| -> Vec<(Text, NumLit)> {
        let mut out = Vec::new();
        if let Some(mut sub) = t.table(r, key) {
            for en in sub.rest() {
                if let Some(n) = number_of(&en.value, &format!("{path} {key} \"{}\"", en.key), r) {
                    out.push((Text { value: en.key.clone(), pos: en.key_pos }, n));
                }
            }
        }
        out
    };
    let points = pairs(&mut t, "points", r);
    let weights = pairs(&mut t, "weights", r);
    let p = ProfileDoc {
        name: Text { value: e.key.clone(), pos: e.key_pos },
        label: t.string(r, "label").map(|s| s.value),
        description: t.string(r, "description").map(|s| s.value),
        points,
        weights,
    };
    t.finish(r, &["label", "description", "points", "weights"]);
    Some(p)
}

fn read_input(e: &crate::syntax::Entry, r: &mut Reader) -> Option<InputDoc> {
    let path = format!("input \"{}\"", e.key);
    if !read::is_name(&e.key) {
        r.schema(
            Some(e.key_pos),
            &path,
            format!(
                "`{}` cannot be an input name: use letters, digits and _ (not starting with a digit)",
                e.key
            ),
        );
    }
    let mut t = Table::of(&e.value, path.clone(), r)?;
    let ty_text = t.req_string(r, "type", "one of decimal, integer, boolean, text, numbers, items");
    let ty = match &ty_text {
        Some(s) => match InputType::from_name(&s.value) {
            Some(ty) => ty,
            None => {
                r.schema(Some(s.pos), &path, format!("unknown input type `{}`; expected one of: decimal, integer, boolean, text, numbers, items", s.value));
                return None;
            }
        },
        None => return None,
    };
    let mut input = InputDoc {
        name: Text { value: e.key.clone(), pos: e.key_pos },
        ty,
        label: t.string(r, "label").map(|s| s.value),
        unit: t.string(r, "unit").map(|s| s.value),
        description: t.string(r, "description").map(|s| s.value),
        min: t.number(r, "min"),
        max: t.number(r, "max"),
        values: None,
        default: None,
        required: t.boolean(r, "required").unwrap_or(true),
        fields: Vec::new(),
        rulebook: t.string(r, "rulebook"),
        join: t.string(r, "join"),
        order_by: t.string(r, "order_by"),
        actionable: t.boolean(r, "actionable").unwrap_or(true),
    };
    if e.key == "item" {
        r.schema(
            Some(e.key_pos),
            &path,
            "`item` is reserved: inside an aggregate it names the item being visited",
        );
    }
    for (key, v) in [("join", &input.join), ("order_by", &input.order_by)] {
        if let Some(v) = v
            && ty != InputType::Items
        {
            r.schema(
                Some(v.pos),
                &path,
                format!("`{key}` belongs to items inputs, not to {} inputs", ty.name()),
            );
        }
    }
    if let Some(rb) = &input.rulebook {
        if ty != InputType::Items {
            r.schema(
                Some(rb.pos),
                &path,
                format!("`rulebook` belongs to items inputs, not to {} inputs", ty.name()),
            );
        } else if !read::is_rulebook_id(&rb.value) {
            r.schema(Some(rb.pos), &path, read::not_a_rulebook_id(&rb.value));
        }
    }
    if (input.min.is_some() || input.max.is_some())
        && !matches!(ty, InputType::Decimal | InputType::Integer | InputType::Numbers)
    {
        r.schema(
            Some(e.value.pos),
            &path,
            format!("`min`/`max` apply to numeric inputs, not to {}", ty.name()),
        );
    }
    if let (Some(lo), Some(hi)) = (&input.min, &input.max)
        && lo.value > hi.value
    {
        r.schema(Some(hi.pos), &path, "`min` is greater than `max`");
    }
    if let Some((items, _)) = t.array(r, "values") {
        if ty != InputType::Text {
            r.schema(Some(e.value.pos), &path, "`values` (the allowed values) applies to text inputs");
        }
        input.values =
            Some(items.iter().filter_map(|n| string_of(n, &format!("{path} values"), r)).collect());
    }
    if let Some(node) = t.take("default") {
        let d = match (&node.value, ty) {
            (Value::Bool(b), InputType::Boolean) => Some(DefaultDoc::Bool(*b)),
            (Value::String(s), InputType::Text) => Some(DefaultDoc::Text(s.clone())),
            (
                Value::Integer(_) | Value::Float(_) | Value::String(_),
                InputType::Decimal | InputType::Integer,
            ) => number_of(node, &format!("{path} default"), r).map(|n| DefaultDoc::Num(n.value)),
            (Value::Array(items), InputType::Items) if items.is_empty() => Some(DefaultDoc::List(Vec::new())),
            (Value::Array(marks), InputType::Numbers) => list_default(marks, &input, &path, r),
            (found, _) => {
                let found = match found {
                    Value::Array(a) if !a.is_empty() && ty == InputType::Items => {
                        "a list of items".to_owned()
                    }
                    _ => format!("{} {}", article(node.type_name()), node.type_name()),
                };
                r.schema(
                    Some(node.pos),
                    &path,
                    format!(
                        "the default of {} {} input {}, not {found}",
                        article(ty.name()),
                        ty.name(),
                        match ty {
                            InputType::Decimal => "must be a number",
                            InputType::Integer => "must be a whole number",
                            InputType::Boolean => "must be true or false",
                            InputType::Text => "must be a string",
                            InputType::Numbers => "must be a list of numbers",
                            InputType::Items => "can only be the empty list [] (no items)",
                        }
                    ),
                );
                None
            }
        };
        input.default = d.map(|d| (d, node.pos));
    }
    if let Some(mut f) = t.table(r, "fields") {
        if ty != InputType::Items {
            r.schema(Some(e.value.pos), &path, "`fields` belongs to items inputs");
        } else if let Some(rb) = &input.rulebook {
            r.schema(
                Some(f.pos),
                &path,
                format!(
                    "the fields of items scored by `{}` are that rulebook's inputs: drop `fields`",
                    rb.value
                ),
            );
        }
        for en in f.rest() {
            if let Some(field) = read_field(en, &path, r) {
                input.fields.push(field);
            }
        }
    } else if ty == InputType::Items && input.rulebook.is_none() {
        r.schema(
            Some(e.value.pos),
            &path,
            "an items input declares its `fields` (name = type), or the `rulebook` that scores each item",
        );
    }
    t.finish(
        r,
        &[
            "type",
            "label",
            "unit",
            "description",
            "min",
            "max",
            "values",
            "default",
            "required",
            "fields",
            "rulebook",
            "join",
            "order_by",
            "actionable",
        ],
    );
    Some(input)
}

/// One entry of `fields`: `name = "type"` or `name = { type = "…", label = "…" }`.
fn read_field(en: &crate::syntax::Entry, path: &str, r: &mut Reader) -> Option<FieldDoc> {
    let name = Text { value: en.key.clone(), pos: en.key_pos };
    if !read::is_name(&en.key) || en.key == "item" {
        r.schema(
            Some(en.key_pos),
            path,
            format!("`{}` cannot be a field name: use letters, digits and _ (not `item`)", en.key),
        );
    }
    let (ty_text, label) = match &en.value.value {
        Value::Table(_) => {
            let mut ft = Table::of(&en.value, format!("{path} field \"{}\"", en.key), r)?;
            let ty = ft.req_string(r, "type", "the field's type");
            let label = ft.string(r, "label").map(|s| s.value);
            ft.finish(r, &["type", "label"]);
            (ty?, label)
        }
        _ => (string_of(&en.value, &format!("{path} fields"), r)?, None),
    };
    match InputType::from_name(&ty_text.value).filter(|t| t.is_scalar()) {
        Some(ty) => Some(FieldDoc { name, ty, label }),
        None => {
            r.schema(
                Some(ty_text.pos),
                path,
                format!("unknown field type `{}`; expected decimal, integer, boolean or text", ty_text.value),
            );
            None
        }
    }
}

/// "a" or "an" before a word (for messages).
fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" }
}

/// The marks of a `numbers` input's default: each a number within the input's bounds.
fn list_default(marks: &[Node], input: &InputDoc, path: &str, r: &mut Reader) -> Option<DefaultDoc> {
    let mut out = Vec::with_capacity(marks.len());
    let mut ok = true;
    for (i, m) in marks.iter().enumerate() {
        let Some(n) = number_of(m, &format!("{path} default[{}]", i + 1), r) else {
            ok = false;
            continue;
        };
        let outside = match (&input.min, &input.max) {
            (Some(lo), _) if n.value < lo.value => Some(format!("below the minimum {}", lo.value)),
            (_, Some(hi)) if n.value > hi.value => Some(format!("above the maximum {}", hi.value)),
            _ => None,
        };
        match (outside, n.value.to_decimal()) {
            (Some(why), _) => {
                r.schema(Some(m.pos), path, format!("default mark {} = {} is {why}", i + 1, n.value));
                ok = false;
            }
            (None, Some(d)) => out.push(d),
            (None, None) => {
                r.schema(Some(m.pos), path, format!("default mark {} = {} is not a decimal", i + 1, n.value));
                ok = false;
            }
        }
    }
    ok.then_some(DefaultDoc::List(out))
}

fn read_param_value(node: &Node, path: &str, r: &mut Reader) -> Option<ParamValueDoc> {
    if !matches!(node.value, Value::Table(_)) {
        return number_of(node, path, r).map(ParamValueDoc::Fixed);
    }
    let mut t = Table::of(node, path, r)?;
    let value = t.number(r, "value");
    let dated = t.table(r, "dated").map(|mut d| {
        let mut out = Vec::new();
        for en in d.rest() {
            let key_node = Node { pos: en.key_pos, value: Value::String(en.key.clone()) };
            let date = date_of(&key_node, &format!("{path} dated"), r);
            let v = number_of(&en.value, &format!("{path} dated {}", en.key), r);
            if let (Some(date), Some(v)) = (date, v) {
                out.push((date, en.key_pos, v));
            }
        }
        out
    });
    t.finish(r, &["value", "dated"]);
    match (value, dated) {
        (Some(v), None) => Some(ParamValueDoc::Fixed(v)),
        (None, Some(d)) => Some(ParamValueDoc::Dated(d)),
        (Some(_), Some(_)) => {
            r.schema(Some(node.pos), path, "a parameter value has `value` or `dated`, not both");
            None
        }
        (None, None) => None,
    }
}

fn read_param(e: &crate::syntax::Entry, r: &mut Reader) -> Option<ParamDoc> {
    let path = format!("param \"{}\"", e.key);
    if !read::is_name(&e.key) {
        r.schema(
            Some(e.key_pos),
            &path,
            format!("`{}` cannot be a parameter name: use letters, digits and _", e.key),
        );
    }
    if e.key == "item" {
        r.schema(
            Some(e.key_pos),
            &path,
            "`item` is reserved: inside an aggregate it names the item being visited",
        );
    }
    let name = Text { value: e.key.clone(), pos: e.key_pos };
    if !matches!(e.value.value, Value::Table(_)) {
        let base = number_of(&e.value, &path, r).map(ParamValueDoc::Fixed);
        return Some(ParamDoc { name, label: None, base, profiles: Vec::new() });
    }
    let mut t = Table::of(&e.value, path.clone(), r)?;
    let label = t.string(r, "label").map(|s| s.value);
    // A unit documents the parameter in the file; scoring has no use for it.
    let _ = t.string(r, "unit");
    let _ = t.string(r, "description");
    let mut profiles = Vec::new();
    if let Some(mut pt) = t.table(r, "profiles") {
        for en in pt.rest() {
            if let Some(v) = read_param_value(&en.value, &format!("{path} profile \"{}\"", en.key), r) {
                profiles.push((Text { value: en.key.clone(), pos: en.key_pos }, v));
            }
        }
    }
    // What remains (value/dated) is the base value.
    let has_base = t.has("value") || t.has("dated");
    let base_node = Node {
        pos: e.value.pos,
        value: Value::Table(match &e.value.value {
            Value::Table(entries) => {
                entries.iter().filter(|en| en.key == "value" || en.key == "dated").cloned().collect()
            }
            _ => Vec::new(),
        }),
    };
    let _ = t.take("value");
    let _ = t.take("dated");
    t.finish(r, &["value", "dated", "profiles", "label", "unit", "description"]);
    let base = if has_base { read_param_value(&base_node, &path, r) } else { None };
    if !has_base {
        r.schema(
            Some(e.value.pos),
            &path,
            "a parameter needs a base `value` or `dated` table (profiles only replace it)",
        );
    }
    Some(ParamDoc { name, label, base, profiles })
}

fn read_derived(e: &crate::syntax::Entry, r: &mut Reader) -> Option<DerivedDoc> {
    let path = format!("derived \"{}\"", e.key);
    if !read::is_name(&e.key) {
        r.schema(
            Some(e.key_pos),
            &path,
            format!("`{}` cannot be a derived name: use letters, digits and _", e.key),
        );
    }
    if e.key == "item" {
        r.schema(
            Some(e.key_pos),
            &path,
            "`item` is reserved: inside an aggregate it names the item being visited",
        );
    }
    let name = Text { value: e.key.clone(), pos: e.key_pos };
    if let Value::String(s) = &e.value.value {
        return Some(DerivedDoc { name, expr: Text { value: s.clone(), pos: e.value.pos }, label: None });
    }
    let mut t = Table::of(&e.value, path, r)?;
    let expr = t.req_string(r, "expr", "the expression");
    let d = DerivedDoc { name, expr: expr?, label: t.string(r, "label").map(|s| s.value) };
    // A unit and a description document the value in the file; scoring has no use for them.
    let _ = (t.string(r, "unit"), t.string(r, "description"));
    t.finish(r, &["expr", "label", "unit", "description"]);
    Some(d)
}

/// An indicator's keys besides its rule (the JSON Schema's are checked against them).
pub(crate) const INDICATOR_KEYS: &[&str] =
    &["id", "label", "points", "weight", "aggregate", "applies", "source", "description"];

fn read_indicator(node: &Node, i: usize, r: &mut Reader) -> Option<IndicatorDoc> {
    let mut t = Table::of(node, format!("indicator #{i}"), r)?;
    let id = t.req_string(r, "id", "the indicator's dotted id")?;
    t.path = format!("indicator \"{}\"", id.value);
    let label = t.req_string(r, "label", "the indicator's name").map(|l| l.value).unwrap_or_default();
    let points = t.req_number(r, "points", "the indicator's maximum (分值)");
    let weight = t.number(r, "weight");
    let agg = t.string(r, "aggregate");
    let aggregate = match agg.as_ref().map(|a| a.value.as_str()) {
        None | Some("sum") => Aggregate::Sum,
        Some("weighted") => Aggregate::Weighted,
        Some(other) => {
            r.schema(
                agg.as_ref().map(|a| a.pos),
                &t.path,
                format!("unknown aggregate `{other}`; expected \"sum\" or \"weighted\""),
            );
            Aggregate::Sum
        }
    };
    let applies = t.string(r, "applies");
    let source = t.string(r, "source").map(|s| s.value);
    let description = t.string(r, "description").map(|s| s.value);
    let rule = rules::read_rule(&mut t, r);
    let known: Vec<&str> = INDICATOR_KEYS.iter().chain(rules::KINDS.iter()).copied().collect();
    t.finish(r, &known);
    Some(IndicatorDoc {
        id,
        label,
        points,
        weight,
        aggregate,
        applies,
        source,
        description,
        rule,
        pos: node.pos,
    })
}

fn read_adjust_item(node: &Node, key: &str, i: usize, r: &mut Reader) -> Option<AdjustItemDoc> {
    let mut t = Table::of(node, format!("{key} #{i}"), r)?;
    let id = t.req_string(r, "id", "the item's id")?;
    t.path = format!("{key} \"{}\"", id.value);
    let label = t.string(r, "label").map(|l| l.value).unwrap_or_default();
    let points = t.req_number(r, "points", "the item's maximum");
    let source = t.string(r, "source").map(|s| s.value);
    let _ = t.string(r, "description");
    let rule = rules::read_rule(&mut t, r);
    if rule.is_none() && !rules::KINDS.iter().any(|k| t.has(k)) {
        r.schema(Some(node.pos), &t.path, format!("a {key} item needs a rule ({})", rules::KINDS.join(", ")));
    }
    let known: Vec<&str> = ["id", "label", "points", "source", "description"]
        .iter()
        .chain(rules::KINDS.iter())
        .copied()
        .collect();
    t.finish(r, &known);
    Some(AdjustItemDoc { id, label, points, source, rule, pos: node.pos })
}

fn read_test(node: &Node, i: usize, r: &mut Reader) -> Option<TestDoc> {
    let mut t = Table::of(node, format!("test #{i}"), r)?;
    let name = t.string(r, "name").map(|n| n.value).unwrap_or_else(|| format!("test #{i}"));
    t.path = format!("test \"{name}\"");
    let record = t.req_node(r, "record", "the record to score");
    if let Some(rec) = record
        && !matches!(rec.value, Value::Table(_))
    {
        r.schema(Some(rec.pos), &t.path, "`record` must be a table of field values");
    }
    let profile = t.string(r, "profile").map(|p| p.value);
    let as_of = t.date(r, "as_of").map(|(d, _)| d);
    let mut cohort = Vec::new();
    if let Some(mut c) = t.table(r, "cohort") {
        for en in c.rest() {
            if let Some(n) = number_of(&en.value, &format!("{} cohort", t.path), r) {
                cohort.push((Text { value: en.key.clone(), pos: en.key_pos }, n));
            }
        }
    }
    let expect = t.req_node(r, "expect", "the expected results");
    if let Some(e) = expect
        && !matches!(e.value, Value::Table(_))
    {
        r.schema(Some(e.pos), &t.path, "`expect` must be a table");
    }
    t.finish(r, &["name", "record", "profile", "as_of", "cohort", "expect"]);
    Some(TestDoc {
        name,
        record: record?.clone(),
        profile,
        as_of,
        cohort,
        expect: expect?.clone(),
        pos: node.pos,
    })
}
