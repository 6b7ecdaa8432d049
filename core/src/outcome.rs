//! Results (spec §11): a scored record with every node's points, how each was reached, vetoes,
//! criteria, lost points and the gap to the next grade. [`Outcome`] is plain data that serialises
//! to a versioned JSON schema (decimals as strings) and renders as text (see `render`).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::rules::Note;

/// The JSON schema identifier of results.
pub const SCHEMA: &str = "kaoping.result/2";

/// A node's status in a result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Status {
    /// Scored normally.
    Scored,
    /// A rule read no data: 0 points.
    NoData,
    /// Left out (`applies` false): scored out of the applicable maximum.
    NotApplicable,
}

/// Which rulebook produced a result: enough to trace a published score to its exact rules.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RulebookRef {
    /// The rulebook's `id` (`sc.poverty.county-assessment`).
    pub id: String,
    /// Its `title`, as published.
    pub title: String,
    /// Its `version`, as written in the file.
    pub version: String,
    /// SHA-256 of the rulebook's canonical form.
    pub fingerprint: String,
    /// When the rulebook is a variant of another (made by changes, spec §15 and issue #23): the
    /// base rulebook's id, version and fingerprint, and the changes. Absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant_of: Option<crate::model::lineage::VariantOf>,
}

/// A value an indicator, criterion or derived value read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ValueRead {
    /// The input's, parameter's or derived value's name as the rulebook declares it.
    pub name: String,
    /// Label, if declared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Value as text ("≈" when rounded for display); `None` when there is no data.
    pub value: Option<String>,
}

/// A clamp applied to a leaf (its rule gave a value outside [0, points]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Clamp {
    /// The rule's value.
    pub from: String,
    /// The clamped value.
    pub to: String,
}

/// Rescaling of a node some of whose children were left out (缺项折算), or a weighted mean.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Rescale {
    /// Points obtained by the applicable children (weighted: Σ share × weight).
    pub obtained: String,
    /// Their maximum (weighted: Σ weight).
    pub out_of: String,
    /// The children left out.
    pub left_out: Vec<String>,
}

/// One indicator in a result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NodeOutcome {
    /// Dotted id.
    pub id: String,
    /// The indicator's label, as reports show it.
    pub label: String,
    /// 0 for top level.
    pub depth: u32,
    /// Published points (`null` when left out).
    pub points: Option<Decimal>,
    /// Maximum in the record's profile.
    pub max: Decimal,
    /// scored / no_data / not_applicable.
    pub status: Status,
    /// How a leaf's rule reached its value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Note>,
    /// Values the rule read.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reads: Vec<ValueRead>,
    /// The clamp, if one applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clamp: Option<Clamp>,
    /// The exact value before rounding, when rounding changed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exact: Option<String>,
    /// Rescaling (inner nodes with left-out children).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rescale: Option<Rescale>,
    /// Weighted aggregation.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub weighted: bool,
    /// The clause it implements.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// A component indicator's full result: the other rulebook's own explanation, from its
    /// total down to its leaves (one tree from the top to the last point).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub component: Option<Box<Outcome>>,
}

/// A bonus or penalty item.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AdjustOutcome {
    /// The item's id.
    pub id: String,
    /// The item's label, as reports show it.
    pub label: String,
    /// Published points.
    pub points: Decimal,
    /// The item's maximum.
    pub max: Decimal,
    /// How it was reached.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Note>,
    /// The clause it implements.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// A veto that fired.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct VetoOutcome {
    /// The veto's id.
    pub id: String,
    /// The veto's label, as reports show it.
    pub label: String,
    /// The condition.
    pub when: String,
    /// The total it sets.
    pub score: Option<Decimal>,
    /// The grade ceiling.
    pub grade: Option<String>,
    /// The clause it implements.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// A veto that fired inside a component rulebook: that part is scored as the component's veto
/// says (its total set, its grade capped), while the parent's own total and grade are not vetoed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ComponentVeto {
    /// The parent's component indicator.
    pub indicator: String,
    /// Its label.
    pub indicator_label: String,
    /// The rulebook whose veto fired (the innermost, through nested components).
    pub rulebook: String,
    /// That rulebook's title.
    pub rulebook_title: String,
    /// The veto's id.
    pub id: String,
    /// Its label.
    pub label: String,
    /// The condition.
    pub when: String,
    /// The component's total it set.
    pub score: Option<Decimal>,
    /// The component's grade ceiling.
    pub grade: Option<String>,
    /// The clause it implements.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// A criterion's verdict.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CriterionOutcome {
    /// The criterion's id.
    pub id: String,
    /// The criterion's label, as reports show it.
    pub label: String,
    /// The condition.
    pub when: String,
    /// Whether it holds.
    pub holds: bool,
    /// Whether it failed for lack of data.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub no_data: bool,
    /// Values it read.
    pub reads: Vec<ValueRead>,
    /// The clause it implements.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// A grade rule that fired.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GradeRuleOutcome {
    /// 0-based index among the rulebook's grade rules.
    pub index: usize,
    /// The grade rule's label, if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The condition.
    pub when: String,
    /// The ceiling.
    pub grade_at_most: String,
    /// The parts of the condition that held, as written: of `a or b or c`, those that were true
    /// (so a reader sees which one capped the grade); the whole condition when it is no `or`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub held: Vec<String>,
    /// Values the condition read.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reads: Vec<ValueRead>,
}

/// Points lost on a leaf.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Lost {
    /// Indicator id.
    pub id: String,
    /// The indicator's label.
    pub label: String,
    /// max − points.
    pub lost: Decimal,
}

/// The next better grade and how far away it is — or what holds the grade where it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NextGrade {
    /// The grade.
    pub grade: String,
    /// Its bound.
    pub bound: Decimal,
    /// Whether the bound is strict (`above`).
    pub strict: bool,
    /// Points needed (`None` when the grade is held: no number of points reaches it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gap: Option<Decimal>,
    /// What holds the grade where it is whatever the points: vetoes that fired with a score (the
    /// total is set) or a grade ceiling, and grade rules that fired, capping at this grade or worse.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub blocked_by: Vec<Hold>,
}

/// A veto or grade rule that holds a result's grade.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Hold {
    /// `veto` or `grade_rule`.
    pub kind: HoldKind,
    /// The veto's id, or the grade rule's 1-based number (`#2`).
    pub id: String,
    /// The label (a grade rule without one: its condition).
    pub label: String,
}

/// What kind of rule holds a grade.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum HoldKind {
    /// A veto (一票否决).
    Veto,
    /// A grade rule.
    GradeRule,
}

impl HoldKind {
    /// The name results use (`veto`, `grade_rule`), as the JSON spells it.
    pub fn name(self) -> &'static str {
        match self {
            HoldKind::Veto => "veto",
            HoldKind::GradeRule => "grade_rule",
        }
    }
}

/// A scored record, fully explained.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Outcome {
    /// Always [`SCHEMA`].
    pub schema: String,
    /// The rulebook.
    pub rulebook: RulebookRef,
    /// The record's key (or its 1-based row number).
    pub key: String,
    /// The profile the record was scored in (`None`: the base profile).
    pub profile: Option<String>,
    /// Scoring date.
    pub as_of: Option<Date>,
    /// Published total (`null` for criteria-only rulebooks).
    pub total: Option<Decimal>,
    /// The most the total can be in the record's profile (`null` for criteria-only rulebooks).
    pub max: Option<Decimal>,
    /// The grade's label (`null` without grades or without a total).
    pub grade: Option<String>,
    /// Whether every criterion holds (`null` without criteria).
    pub passed: Option<bool>,
    /// The root's points.
    pub base: Option<Decimal>,
    /// Bonus after its cap.
    pub bonus: Option<Decimal>,
    /// Penalty after its cap.
    pub penalty: Option<Decimal>,
    /// The total before vetoes, when a veto set it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_before_vetoes: Option<Decimal>,
    /// The grade from the total alone, when a ceiling lowered it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grade_from_total: Option<String>,
    /// Root rescaling.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rescale: Option<Rescale>,
    /// Every indicator, in file order.
    pub nodes: Vec<NodeOutcome>,
    /// Bonus items.
    pub bonus_items: Vec<AdjustOutcome>,
    /// Penalty items.
    pub penalty_items: Vec<AdjustOutcome>,
    /// Vetoes that fired.
    pub vetoes: Vec<VetoOutcome>,
    /// Vetoes that fired inside component rulebooks (the parent is not vetoed by them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub component_vetoes: Vec<ComponentVeto>,
    /// Every criterion's verdict, in file order.
    pub criteria: Vec<CriterionOutcome>,
    /// Grade rules that fired.
    pub grade_rules: Vec<GradeRuleOutcome>,
    /// Points lost per leaf, largest first.
    pub lost: Vec<Lost>,
    /// The next grade and the gap.
    pub next_grade: Option<NextGrade>,
    /// Derived values.
    pub derived: Vec<ValueRead>,
    /// Every aggregate call, wherever written: what it read and found (spec §18.6).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aggregates: Vec<AggregateLine>,
    /// The items' own results, per scored list, when asked for (spec §18.6).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<ItemResults>,
    /// Warnings (e.g. fields that are not inputs).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// One aggregate call in an explanation: "remaining_poor = 87: 24 of 311 建档立卡贫困户 meet
/// not item.passed, sum(item.members) = 87".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AggregateLine {
    /// Where it is written (`derived "remaining_poor"`, `indicator "exit.rate"`, …).
    pub place: String,
    /// The call as written.
    pub call: String,
    /// The function (`count`, `sum`, …).
    pub function: String,
    /// The list input.
    pub list: String,
    /// Its label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list_label: Option<String>,
    /// The value taken per item, as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x: Option<String>,
    /// The condition selecting items, as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cond: Option<String>,
    /// Items selected.
    pub selected: u32,
    /// Items in the list (`null`: the list is missing).
    pub of: Option<u32>,
    /// The value (`null`: no data).
    pub value: Option<String>,
    /// The first item (1-based position in input order) whose condition or value had no data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_data_item: Option<usize>,
}

/// The results of the items of one list scored by a rulebook.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ItemResults {
    /// The list input.
    pub input: String,
    /// Each item's result, in list order (after `order_by`).
    pub items: Vec<ItemResult>,
}

/// One item's own result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ItemResult {
    /// Its 1-based position in the input.
    pub position: usize,
    /// Its key, when its rulebook has a `key_field`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Its result, explained.
    pub result: Outcome,
}

impl Outcome {
    /// A node by id.
    pub fn node(&self, id: &str) -> Option<&NodeOutcome> {
        self.nodes.iter().find(|n| n.id == id)
    }

    /// Published points of an indicator (`None`: unknown id or left out).
    pub fn points(&self, id: &str) -> Option<Decimal> {
        self.node(id)?.points
    }

    /// The results of the items of list input `input`, when they were kept.
    pub fn items_of(&self, input: &str) -> Option<&[ItemResult]> {
        self.items.iter().find(|l| l.input == input).map(|l| l.items.as_slice())
    }

    /// The result as JSON (decimals as strings).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The result as indented JSON.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Read a result back from its JSON.
    pub fn from_json(text: &str) -> Result<Outcome, serde_json::Error> {
        serde_json::from_str(text)
    }
}
