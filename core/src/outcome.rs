//! Results (spec §11): a scored record with every node's points, how each was reached, vetoes,
//! criteria, lost points and the gap to the next grade. [`Outcome`] is plain data that serialises
//! to a versioned JSON schema (decimals as strings) and renders as text (see `render`).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::compile::{Bound, Compiled};
use crate::date::Date;
use crate::error::{ErrorKind, Issue};
use crate::eval::{Run, Status, Trace, Why};
use crate::expr::Val;
use crate::num::Num;
use crate::rules::{Note, show};

/// The JSON schema identifier of results.
pub const SCHEMA: &str = "kaoping.result/1";

/// Which rulebook produced a result: enough to trace a published score to its exact rules.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RulebookRef {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Version.
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
pub struct Read {
    /// Name.
    pub name: String,
    /// Label, if declared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Value as text ("≈" when rounded for display); `None` when there is no data.
    pub value: Option<String>,
}

/// A clamp applied to a leaf (its rule gave a value outside [0, points]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clamp {
    /// The rule's value.
    pub from: String,
    /// The clamped value.
    pub to: String,
}

/// Rescaling of a node some of whose children were left out (缺项折算), or a weighted mean.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
pub struct NodeOutcome {
    /// Dotted id.
    pub id: String,
    /// Label.
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
    pub reads: Vec<Read>,
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
}

/// A bonus or penalty item.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdjustOutcome {
    /// Id.
    pub id: String,
    /// Label.
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
pub struct VetoOutcome {
    /// Id.
    pub id: String,
    /// Label.
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

impl ComponentVeto {
    /// Describe a carried-up veto hit of `book`'s record.
    pub(crate) fn of(book: &Compiled, hit: &crate::eval::ComponentVetoHit) -> Result<ComponentVeto, Issue> {
        let node = &book.nodes[hit.node as usize];
        let inner = hit.rulebook.compiled();
        let v = &inner.vetoes[hit.veto as usize];
        Ok(ComponentVeto {
            indicator: node.id.clone(),
            indicator_label: node.label.clone(),
            rulebook: inner.meta.id.clone(),
            rulebook_title: inner.meta.title.clone(),
            id: v.id.clone(),
            label: v.label.clone(),
            when: v.when.text.clone(),
            score: match &hit.score {
                Some(n) => Some(decimal(inner, n, &v.id)?),
                None => None,
            },
            grade: v.grade.map(|g| inner.grades[g as usize].label.clone()),
            source: v.source.clone(),
        })
    }
}

/// A criterion's verdict.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CriterionOutcome {
    /// Id.
    pub id: String,
    /// Label.
    pub label: String,
    /// The condition.
    pub when: String,
    /// Whether it holds.
    pub holds: bool,
    /// Whether it failed for lack of data.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub no_data: bool,
    /// Values it read.
    pub reads: Vec<Read>,
    /// The clause it implements.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// A grade rule that fired.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GradeRuleOutcome {
    /// 0-based index among the rulebook's grade rules.
    pub index: usize,
    /// Label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The condition.
    pub when: String,
    /// The ceiling.
    pub grade_at_most: String,
}

/// Points lost on a leaf.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lost {
    /// Indicator id.
    pub id: String,
    /// Label.
    pub label: String,
    /// max − points.
    pub lost: Decimal,
}

/// The next better grade and how far away it is — or what holds the grade where it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
pub enum HoldKind {
    /// A veto (一票否决).
    Veto,
    /// A grade rule.
    GradeRule,
}

/// A scored record, fully explained.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    /// Always [`SCHEMA`].
    pub schema: String,
    /// The rulebook.
    pub rulebook: RulebookRef,
    /// The record's key (or its 1-based row number).
    pub key: String,
    /// Profile.
    pub profile: Option<String>,
    /// Scoring date.
    pub as_of: Option<Date>,
    /// Published total (`null` for criteria-only rulebooks).
    pub total: Option<Decimal>,
    /// Maximum.
    pub max: Option<Decimal>,
    /// Grade.
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
    /// Criteria.
    pub criteria: Vec<CriterionOutcome>,
    /// Grade rules that fired.
    pub grade_rules: Vec<GradeRuleOutcome>,
    /// Points lost per leaf, largest first.
    pub lost: Vec<Lost>,
    /// The next grade and the gap.
    pub next_grade: Option<NextGrade>,
    /// Derived values.
    pub derived: Vec<Read>,
    /// Warnings (e.g. fields that are not inputs).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
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

/// Convert a published value to a decimal at the rulebook's scale.
pub(crate) fn decimal(book: &Compiled, n: &Num, at: &str) -> Result<Decimal, Issue> {
    n.to_decimal_at(book.meta.scale, book.meta.rounding).ok_or_else(|| {
        Issue::at(ErrorKind::Overflow, at, format!("{} at {at} cannot be represented as a decimal", show(n)))
    })
}

fn read_of(book: &Compiled, run: &Run<'_>, slot: u32) -> Read {
    let value = match &run.slots[slot as usize] {
        Val::Num(n) => Some(show(n)),
        Val::Bool(b) => Some(b.to_string()),
        Val::Text(t) => Some((*t).to_owned()),
        // List inputs are read by their rules: show the marks, or how many items. (Only an
        // input's slot is in the record; a parameter or derived value with no data shows none.)
        Val::NoData if (slot as usize) < book.schema.inputs.len() => match run.view.get(slot) {
            Some(crate::record::Value::Numbers(v)) => Some(format!(
                "[{}]",
                v.iter().map(|d| d.normalize().to_string()).collect::<Vec<_>>().join(", ")
            )),
            Some(crate::record::Value::Items(v)) => Some(format!("×{}", v.len())),
            _ => None,
        },
        Val::NoData => None,
    };
    Read { name: book.slot_name(slot).to_owned(), label: book.slot_label(slot).map(str::to_owned), value }
}

/// Build the full outcome of a scored record.
pub(crate) fn build(run: &Run<'_>, t: &Trace, why: Why) -> Result<Outcome, Issue> {
    let book = run.book;
    let profile = t.profile;
    // One unit of the last published place: the smallest step above a strict (`above`) bound.
    let scale_unit = Num::from_ratio(1, 10i128.pow(book.meta.scale)).unwrap_or(Num::ONE);
    let mut nodes = Vec::with_capacity(book.nodes.len());
    for (i, (node, w)) in book.nodes.iter().zip(why.nodes).enumerate() {
        let max = &book.points[profile][i];
        let points = match &t.points[i] {
            Some(p) => Some(decimal(book, p, &node.id)?),
            None => None,
        };
        let clamp = match (&w.raw, &w.clamped) {
            (Some(r), Some(c)) if r != c => Some(Clamp { from: show(r), to: show(c) }),
            _ => None,
        };
        let exact = match (&w.clamped, points) {
            (Some(c), Some(p)) if Num::from_decimal(p) != *c => Some(show(c)),
            _ => None,
        };
        nodes.push(NodeOutcome {
            id: node.id.clone(),
            label: node.label.clone(),
            depth: node.depth,
            points,
            max: decimal(book, max, &node.id)?,
            status: t.status[i],
            note: w.note,
            reads: node.reads.iter().map(|&s| read_of(book, run, s)).collect(),
            clamp,
            exact,
            rescale: w.rescale.map(|(o, m, left)| Rescale {
                obtained: show(&o),
                out_of: show(&m),
                left_out: left.iter().map(|&c| book.nodes[c as usize].id.clone()).collect(),
            }),
            weighted: node.aggregate == crate::model::Aggregate::Weighted && !node.children.is_empty(),
            source: node.source.clone(),
        });
    }
    let adjust = |items: &[crate::compile::AdjustItem],
                  got: Vec<(Num, Option<Note>)>|
     -> Result<Vec<AdjustOutcome>, Issue> {
        items
            .iter()
            .zip(got)
            .map(|(it, (p, note))| {
                Ok(AdjustOutcome {
                    id: it.id.clone(),
                    label: it.label.clone(),
                    points: decimal(book, &p, &it.id)?,
                    max: decimal(book, &it.points, &it.id)?,
                    note,
                    source: it.source.clone(),
                })
            })
            .collect()
    };
    let bonus_items = adjust(&book.bonus, why.bonus)?;
    let penalty_items = adjust(&book.penalty, why.penalty)?;
    let vetoes = t
        .vetoes
        .iter()
        .map(|&v| {
            let v = &book.vetoes[v as usize];
            Ok(VetoOutcome {
                id: v.id.clone(),
                label: v.label.clone(),
                when: v.when.text.clone(),
                score: match &v.score {
                    Some(s) => Some(decimal(book, &book.round(&run.operand(s)), &v.id)?),
                    None => None,
                },
                grade: v.grade.map(|g| book.grades[g as usize].label.clone()),
                source: v.source.clone(),
            })
        })
        .collect::<Result<Vec<_>, Issue>>()?;
    let criteria = book
        .criteria
        .iter()
        .enumerate()
        .map(|(i, c)| CriterionOutcome {
            id: c.id.clone(),
            label: c.label.clone(),
            when: c.when.text.clone(),
            holds: t.criteria[i],
            no_data: why.criteria_no_data.get(i).copied().unwrap_or(false),
            reads: c.reads.iter().map(|&s| read_of(book, run, s)).collect(),
            source: c.source.clone(),
        })
        .collect();
    let grade_rules = t
        .grade_rules
        .iter()
        .map(|&g| {
            let r = &book.grade_rules[g as usize];
            GradeRuleOutcome {
                index: g as usize,
                label: r.label.clone(),
                when: r.when.text.clone(),
                grade_at_most: book.grades[r.at_most as usize].label.clone(),
            }
        })
        .collect();

    // Points lost on scored leaves, largest first (ties in file order).
    let mut lost: Vec<Lost> = Vec::new();
    for (i, node) in book.nodes.iter().enumerate() {
        if node.rule.is_none() || t.status[i] == Status::NotApplicable {
            continue;
        }
        let published = nodes[i].points.unwrap_or_default();
        let l = nodes[i].max - published;
        if l > Decimal::ZERO {
            lost.push(Lost { id: node.id.clone(), label: node.label.clone(), lost: l });
        }
    }
    lost.sort_by_key(|l| std::cmp::Reverse(l.lost)); // stable: ties stay in file order

    let total = match &t.total {
        Some(x) => Some(decimal(book, x, "total")?),
        None => None,
    };
    let next_grade = match (t.grade, &t.total) {
        (Some(g), Some(total)) if g > 0 => {
            let better = &book.grades[g as usize - 1];
            // Vetoes that set the total, and ceilings at this grade or worse, hold it here.
            let mut blocked_by: Vec<Hold> = t
                .vetoes
                .iter()
                .map(|&v| &book.vetoes[v as usize])
                .filter(|v| v.score.is_some() || v.grade.is_some_and(|c| c >= g))
                .map(|v| Hold { kind: HoldKind::Veto, id: v.id.clone(), label: v.label.clone() })
                .collect();
            blocked_by.extend(
                t.grade_rules.iter().filter(|&&r| book.grade_rules[r as usize].at_most >= g).map(|&r| {
                    let rule = &book.grade_rules[r as usize];
                    Hold {
                        kind: HoldKind::GradeRule,
                        id: format!("#{}", r + 1),
                        label: rule.label.clone().unwrap_or_else(|| rule.when.text.clone()),
                    }
                }),
            );
            // Only the last grade has no bound, and a better grade is never the last.
            let bound = match &better.bound {
                Some(Bound::AtLeast(op)) => Some((run.operand(op), false)),
                Some(Bound::Above(op)) => Some((run.operand(op), true)),
                None => None,
            };
            match bound {
                Some((b, strict)) => {
                    let need = if strict { b.add(&scale_unit).sub(total) } else { b.sub(total) };
                    let gap = if blocked_by.is_empty() { Some(decimal(book, &need, "grade")?) } else { None };
                    let bound = decimal(book, &b, "grade")?;
                    Some(NextGrade { grade: better.label.clone(), bound, strict, gap, blocked_by })
                }
                None => None,
            }
        }
        _ => None,
    };
    let opt = |n: &Option<Num>, at: &str| -> Result<Option<Decimal>, Issue> {
        match n {
            Some(x) => Ok(Some(decimal(book, x, at)?)),
            None => Ok(None),
        }
    };
    let has_total = book.has_total();
    let total_before_vetoes = match (&why.total_before_vetoes, &t.total) {
        (Some(b), Some(a)) if b != a => Some(decimal(book, b, "total")?),
        _ => None,
    };
    let grade_from_total = match (why.grade_from_total, t.capped) {
        (Some(g), true) => Some(book.grades[g as usize].label.clone()),
        _ => None,
    };
    Ok(Outcome {
        schema: SCHEMA.to_owned(),
        rulebook: RulebookRef {
            id: book.meta.id.clone(),
            title: book.meta.title.clone(),
            version: book.meta.version.clone(),
            fingerprint: book.fingerprint.clone(),
            variant_of: book.meta.variant_of.clone(),
        },
        key: t.key.clone().unwrap_or_else(|| run.row.unwrap_or(1).to_string()),
        profile: (profile > 0).then(|| book.profiles[profile].name.clone()),
        as_of: t.as_of,
        total,
        max: if has_total { Some(decimal(book, &book.max[profile], "max")?) } else { None },
        grade: t.grade.map(|g| book.grades[g as usize].label.clone()),
        passed: t.passed,
        base: opt(&t.base, "base")?,
        bonus: if has_total { Some(decimal(book, &t.bonus, "bonus")?) } else { None },
        penalty: if has_total { Some(decimal(book, &t.penalty, "penalty")?) } else { None },
        total_before_vetoes,
        grade_from_total,
        rescale: why.root_rescale.map(|(o, m, left)| Rescale {
            obtained: show(&o),
            out_of: show(&m),
            left_out: left.iter().map(|&c| book.nodes[c as usize].id.clone()).collect(),
        }),
        nodes,
        bonus_items,
        penalty_items,
        vetoes,
        component_vetoes: t
            .component_vetoes
            .iter()
            .map(|hit| ComponentVeto::of(book, hit))
            .collect::<Result<Vec<_>, Issue>>()?,
        criteria,
        grade_rules,
        lost,
        next_grade,
        derived: book.derived.iter().map(|d| read_of(book, run, d.slot)).collect(),
        warnings: run
            .view
            .unknown
            .iter()
            .map(|u| crate::table::NotAnInput::in_book(book, u).field_warning(crate::Lang::En))
            .collect(),
    })
}
