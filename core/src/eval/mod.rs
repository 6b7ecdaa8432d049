//! Scoring one record (spec §3–§11, §16): profile, inputs, parameters, derived values, the
//! indicator tree, bonus and penalty, total, vetoes, criteria and grade — in that order, each fault
//! naming its place. With `explain`, the same pass records how every number was reached.

pub mod columnar;
mod explain;
pub(crate) use explain::decimal;
mod joined;
mod lists;
pub use joined::Joined;
pub(crate) use joined::{Cell, JoinedList};
pub(crate) mod validate;

use std::borrow::Cow;
use std::cell::RefCell;

use rust_decimal::Decimal;

use crate::compile::{Bound, Compiled, Operand};
use crate::date::Date;
use crate::error::{ErrorKind, Issue, RecordError};
pub use crate::expr::{Bindings, Fault, Val};
use crate::expr::{CExpr, ItemRows, Tally, eval};
use crate::input::{Item, Value};
use crate::model::Aggregate;
use crate::num::{Num, Rounding};
use crate::outcome::ItemResults;
use crate::outcome::{Outcome, Status};
use crate::rules::{ComponentTotal, Leaf, Note, RecordEnv};

/// A record's values as a rulebook (or a component of it) sees them: a record's slots, or the
/// fields of an item scored by a rulebook (spec §18.2).
#[derive(Clone)]
pub struct View<'r> {
    source: Source<'r>,
    /// Fields of the record that are not inputs (warnings).
    pub unknown: &'r [String],
    /// This rulebook's input index → the record's slot (components), or identity.
    map: Option<Cow<'r, [u32]>>,
}

#[derive(Clone)]
enum Source<'r> {
    /// A record made for the rulebook (or for the parent a component is linked into).
    Record { values: &'r [Option<Value>], decode: &'r [(u32, Issue)] },
    /// An item: input `i` is the item's field `fields[i]` (`u32::MAX`: not given), with the
    /// problems found decoding its fields.
    Item { item: &'r Item, fields: std::sync::Arc<[u32]>, decode: std::sync::Arc<[(u32, &'r Issue)]> },
}

impl<'r> View<'r> {
    /// A record seen directly by the rulebook it was made for.
    pub fn of(record: &'r crate::Record) -> View<'r> {
        View {
            source: Source::Record { values: &record.values, decode: &record.decode },
            unknown: record.unknown_fields(),
            map: None,
        }
    }

    /// An item seen as a record of `schema` (the inputs of the rulebook scoring it, or the
    /// declared fields of its list): each input is the field of that name, else of its label.
    pub fn of_item(item: &'r Item, schema: &crate::input::InputSchema) -> View<'r> {
        let fields: Vec<u32> =
            schema.inputs.iter().map(|i| item.position_of(i).map_or(u32::MAX, |p| p as u32)).collect();
        let decode: Vec<(u32, &'r Issue)> =
            item.decode.iter().filter_map(|(name, issue)| Some((*schema.index.get(name)?, issue))).collect();
        View {
            source: Source::Item { item, fields: fields.into(), decode: decode.into() },
            unknown: &[],
            map: None,
        }
    }

    /// The record's slot holding this rulebook's input `i` (`None`: `i` is not one of its inputs —
    /// a parameter's or derived value's slot, which no record holds).
    fn slot(&self, i: u32) -> Option<u32> {
        match &self.map {
            Some(m) => m.get(i as usize).copied(),
            None => Some(i),
        }
    }

    /// The value of input `i` (`None`: missing, or `i` is not an input).
    pub fn get(&self, i: u32) -> Option<&'r Value> {
        let s = self.slot(i)? as usize;
        match &self.source {
            Source::Record { values, .. } => values.get(s)?.as_ref(),
            Source::Item { item, fields, .. } => item.field_at(*fields.get(s)? as usize),
        }
    }

    /// A problem found when input `i` was decoded.
    pub fn decode_issue(&self, i: u32) -> Option<&'r Issue> {
        let s = self.slot(i)?;
        match &self.source {
            Source::Record { decode, .. } => {
                decode.iter().find(|(slot, _)| *slot == s).map(|(_, issue)| issue)
            }
            Source::Item { decode, .. } => {
                decode.iter().find(|(slot, _)| *slot == s).map(|(_, issue)| *issue)
            }
        }
    }

    fn through(&self, map: &'r [u32]) -> View<'r> {
        let map = match &self.map {
            None => Cow::Borrowed(map),
            // A component's inputs are all the parent's (linked at load), so every index is in
            // the outer map; `u32::MAX` would only ever read as missing.
            Some(outer) => {
                Cow::Owned(map.iter().map(|&i| outer.get(i as usize).copied().unwrap_or(u32::MAX)).collect())
            }
        };
        View { source: self.source.clone(), unknown: &[], map: Some(map) }
    }
}

/// Which profile to score in.
#[derive(Clone, Copy, Debug)]
pub enum ProfileChoice<'a> {
    /// From the record's `profile_field` (or the base).
    FromRecord,
    /// By name (the call's `profile` argument).
    Named(&'a str),
    /// Already resolved (components get their parent's).
    Index(usize),
}

/// Cohort figures for relative rules: best value per relative rule per group.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Figures {
    /// `[relative rule][group]`: group 0 is "all rows" or "rows without a profile", else the profile index.
    pub best: Vec<Vec<Option<Num>>>,
}

/// What to score with.
#[derive(Clone, Copy, Debug)]
pub struct Request<'a> {
    /// Which profile to score in.
    pub profile: ProfileChoice<'a>,
    /// Scoring date (else the rulebook's).
    pub as_of: Option<Date>,
    /// Cohort figures for relative rules.
    pub figures: Option<&'a Figures>,
    /// 1-based row in a batch.
    pub row: Option<usize>,
    /// Keep the results of items scored by a rulebook (spec §18.6; with an explanation).
    pub items: bool,
    /// Lists given already scored for the rows of a batch (read for row `row`).
    pub joined: Option<&'a Joined>,
}

impl Request<'_> {
    /// The lists given already scored for this request's row, with the row's 0-based index.
    fn given(&self) -> Option<(&Joined, usize)> {
        let row = self.row?.checked_sub(1)?;
        self.joined.filter(|j| j.gives(row)).map(|j| (j, row))
    }
}

/// The compact result of scoring a record: what batches keep for every row.
#[derive(Clone, Debug, PartialEq)]
pub struct Trace {
    /// Profile index (0 = none).
    pub profile: usize,
    /// The date used.
    pub as_of: Option<Date>,
    /// The record's key (its key_field value), if any.
    pub key: Option<String>,
    /// Published points per indicator (`None`: left out).
    pub points: Vec<Option<Num>>,
    /// Status per indicator.
    pub status: Vec<Status>,
    /// The root's points (before bonus and penalty).
    pub base: Option<Num>,
    /// Bonus after its cap.
    pub bonus: Num,
    /// Penalty after its cap.
    pub penalty: Num,
    /// Published total (after vetoes).
    pub total: Option<Num>,
    /// Grade index.
    pub grade: Option<u16>,
    /// Whether a veto or grade rule lowered the grade.
    pub capped: bool,
    /// Whether every criterion holds.
    pub passed: Option<bool>,
    /// Firing vetoes.
    pub vetoes: Vec<u16>,
    /// Vetoes that fired inside component rulebooks (their part is scored as they say; the
    /// parent's total and grade are not vetoed by them).
    pub component_vetoes: Vec<ComponentVetoHit>,
    /// Firing grade rules.
    pub grade_rules: Vec<u16>,
    /// Whether each criterion holds.
    pub criteria: Vec<bool>,
}

/// A veto that fired inside a component rulebook (at any depth), as its parent carries it up.
#[derive(Clone, Debug)]
pub struct ComponentVetoHit {
    /// The parent's component indicator.
    pub node: u32,
    /// The rulebook whose veto fired (the innermost, through nested components).
    pub rulebook: std::sync::Arc<Compiled>,
    /// The veto's index in that rulebook.
    pub veto: u16,
    /// The total it set there, published.
    pub score: Option<Num>,
}

impl PartialEq for ComponentVetoHit {
    fn eq(&self, other: &Self) -> bool {
        (self.node, self.veto, &self.score) == (other.node, other.veto, &other.score)
            && self.rulebook.fingerprint == other.rulebook.fingerprint
    }
}

/// What the evaluation of one node recorded for explanations.
#[derive(Clone, Debug, Default)]
pub struct NodeWhy {
    /// The rule's note (leaves).
    pub note: Option<Note>,
    /// The exact value before the clamp.
    pub raw: Option<Num>,
    /// The exact value after the clamp, before rounding.
    pub clamped: Option<Num>,
    /// (obtained, applicable max, left-out children) when rescaled.
    pub rescale: Option<(Num, Num, Vec<u32>)>,
    /// A component indicator's full result.
    pub component: Option<Box<Outcome>>,
}

/// Explanation material gathered while scoring.
#[derive(Clone, Debug, Default)]
pub struct Why {
    /// Per indicator.
    pub nodes: Vec<NodeWhy>,
    /// Per bonus item: (published, note).
    pub bonus: Vec<(Num, Option<Note>)>,
    /// Per penalty item.
    pub penalty: Vec<(Num, Option<Note>)>,
    /// Root rescale: (obtained, applicable max, left-out top-level indicators).
    pub root_rescale: Option<(Num, Num, Vec<u32>)>,
    /// The total before vetoes.
    pub total_before_vetoes: Option<Num>,
    /// The grade the total alone would give.
    pub grade_from_total: Option<u16>,
    /// Criteria that read no data.
    pub criteria_no_data: Vec<bool>,
}

/// One record being scored.
pub struct Run<'r> {
    /// The rulebook.
    pub book: &'r Compiled,
    /// The record.
    pub view: View<'r>,
    /// Profile index.
    pub profile: usize,
    /// Scoring date.
    pub as_of: Option<Date>,
    /// Slot values.
    pub slots: Vec<Val<'r>>,
    /// Published points so far.
    pub points: Vec<Option<Num>>,
    figures: Option<&'r Figures>,
    /// 1-based row in a batch.
    pub row: Option<usize>,
    /// Whether explanations are built (components explain themselves too).
    explain: bool,
    /// Vetoes fired by components scored for the current indicator, not yet placed.
    component_vetoes: RefCell<Vec<ComponentVetoHit>>,
    /// The full result of the component scored for the current indicator (when explaining).
    component_outcome: RefCell<Option<Box<Outcome>>>,
    /// Every list as rows (`None`: missing), in the order of the rulebook's lists.
    lists: Vec<Option<ItemRows<'r>>>,
    /// The items' own results, when kept.
    item_results: Vec<ItemResults>,
    /// What each aggregate call found (when explaining).
    tallies: RefCell<Vec<Option<Tally<'r>>>>,
    /// Whether items' results are kept (components pass it on).
    keep_items: bool,
}

impl<'r> Bindings<'r> for Run<'r> {
    fn list(&self, list: u32) -> Option<&ItemRows<'r>> {
        self.lists.get(list as usize)?.as_ref()
    }

    fn tally(&self, site: u32, tally: Tally<'r>) {
        if self.explain
            && let Some(t) = self.tallies.borrow_mut().get_mut(site as usize)
        {
            *t = Some(tally);
        }
    }

    fn slot(&self, slot: u32) -> &Val<'r> {
        &self.slots[slot as usize]
    }

    fn points(&self, node: u32) -> Option<Num> {
        self.points.get(node as usize).cloned().flatten()
    }

    fn max_points(&self, node: u32) -> Num {
        self.book.points[self.profile][node as usize].clone()
    }

    fn rounding(&self) -> Rounding {
        self.book.meta.rounding
    }
}

impl<'r> Run<'r> {
    /// A list input's value: the record's, else the input's default (`None`: missing).
    fn list_value(&self, slot: u32) -> Option<&'r Value> {
        let book: &'r Compiled = self.book;
        self.view.get(slot).or_else(|| book.schema.inputs.get(slot as usize)?.list_default.as_ref())
    }
}

impl<'r> RecordEnv<'r> for Run<'r> {
    fn eval(&self, e: &'r CExpr) -> Result<Val<'r>, Fault> {
        eval(e, self)
    }

    fn operand(&self, op: &Operand) -> Num {
        match op {
            Operand::Const(n) => n.clone(),
            Operand::Param(slot) => self.slots[*slot as usize].as_num().cloned().unwrap_or(Num::ZERO),
        }
    }

    fn param_name(&self, op: &Operand) -> Option<String> {
        match op {
            Operand::Param(slot) => Some(self.book.slot_name(*slot).to_owned()),
            Operand::Const(_) => None,
        }
    }

    fn numbers(&self, slot: u32) -> Option<&'r [Decimal]> {
        lists::marks(self.book, &self.view, slot)
    }

    fn items(&self, slot: u32) -> Option<&ItemRows<'r>> {
        let list = self.book.lists.iter().position(|l| l.slot == slot)?;
        self.lists.get(list)?.as_ref()
    }

    fn list_len(&self, slot: u32) -> Option<Num> {
        match self.list_value(slot)? {
            Value::Numbers(v) => Some(Num::from_i64(v.len() as i64)),
            Value::Items(v) => Some(Num::from_i64(v.len() as i64)),
            _ => None,
        }
    }

    fn cohort_best(&self, index: u32, per_profile: bool) -> Result<Num, Fault> {
        let group = if per_profile { self.profile } else { 0 };
        self.figures
            .and_then(|f| f.best.get(index as usize))
            .and_then(|g| g.get(group))
            .cloned()
            .flatten()
            .ok_or_else(|| Fault::new(ErrorKind::CohortRequired, "a relative rule needs the cohort's best value: score the record in a batch, or pass cohort figures"))
    }

    /// Score component `index` on the same record. Its firing vetoes and (when explaining) its
    /// full result are kept for the indicator being scored.
    fn component(&self, index: u32) -> Result<ComponentTotal<'r>, Fault> {
        let link = &self.book.components[index as usize];
        let inner: &'r Compiled = &link.book;
        let view = self.view.through(&link.input_map);
        let profile = link.profile_map[self.profile] as usize;
        let req = Request {
            profile: ProfileChoice::Index(profile),
            as_of: self.as_of,
            figures: None,
            row: None,
            items: self.keep_items,
            joined: None,
        };
        match score(inner, view, &req, self.explain) {
            Ok((trace, outcome)) => {
                if !(trace.vetoes.is_empty() && trace.component_vetoes.is_empty()) {
                    let mut hits = self.component_vetoes.borrow_mut();
                    for &v in &trace.vetoes {
                        let score = inner.vetoes[v as usize]
                            .score
                            .as_ref()
                            .and_then(|op| inner.operand_value(op, profile, self.as_of))
                            .map(|n| inner.round(&n));
                        hits.push(ComponentVetoHit { node: 0, rulebook: link.book.clone(), veto: v, score });
                    }
                    hits.extend(trace.component_vetoes);
                }
                if let Some(o) = outcome {
                    *self.component_outcome.borrow_mut() = Some(Box::new(o));
                }
                Ok(ComponentTotal {
                    id: &inner.meta.id,
                    title: &inner.meta.title,
                    total: trace.total.unwrap_or(Num::ZERO),
                    max: inner.round(&inner.max[profile]),
                })
            }
            Err(e) => {
                let first = e.first();
                Err(Fault {
                    kind: first.kind,
                    message: format!("component {}: {first}", inner.meta.id),
                    field: first.field.clone(),
                })
            }
        }
    }
}

thread_local! {
    /// Reused slot storage: scoring a record allocates nothing for its values.
    static SCRATCH: RefCell<Vec<Val<'static>>> = const { RefCell::new(Vec::new()) };
}

/// Reuse a vector's allocation for values of another lifetime. The vector is emptied first, so
/// no value crosses lifetimes; `collect` into the same layout keeps the allocation in place.
#[allow(clippy::unnecessary_filter_map)] // the filter_map is the point: it changes the lifetime
fn recycle<'a, 'b>(mut v: Vec<Val<'a>>) -> Vec<Val<'b>> {
    v.clear();
    v.into_iter().filter_map(|_| None).collect()
}

/// An evaluation fault at a place, as a record error.
fn fault_at(fault: Fault, at: &str) -> Issue {
    // A component's input problem keeps its field and is not placed at an indicator.
    let at = if fault.field.is_some() { None } else { Some(at.to_owned()) };
    Issue { kind: fault.kind, field: fault.field, at, value: None, message: fault.message, item: None }
}

/// Resolve the profile (spec §16: the call's, else the record's `profile_field`, else base).
pub(crate) fn resolve_profile(
    book: &Compiled,
    view: &View<'_>,
    choice: ProfileChoice<'_>,
) -> Result<usize, Issue> {
    let name = match choice {
        ProfileChoice::Index(i) => return Ok(i),
        ProfileChoice::Named(n) => n.trim(),
        ProfileChoice::FromRecord => match book.profile_field.and_then(|s| view.get(s)) {
            Some(Value::Text(t)) => t.trim(),
            _ => return Ok(0),
        },
    };
    if name.is_empty() {
        return Ok(0);
    }
    match book.profile_index.get(name) {
        Some(&i) => Ok(i as usize),
        None => {
            let mut known: Vec<&str> = book.profiles[1..].iter().map(|p| p.name.as_str()).collect();
            known.sort_unstable();
            let field = match (choice, book.profile_field) {
                (ProfileChoice::FromRecord, Some(s)) => Some(book.schema.inputs[s as usize].name.clone()),
                _ => None,
            };
            Err(Issue {
                kind: ErrorKind::UnknownProfile,
                field,
                at: None,
                item: None,
                value: Some(name.to_owned()),
                message: if known.is_empty() {
                    format!("profile \"{name}\" is not declared: this rulebook has no profiles")
                } else {
                    format!(
                        "profile \"{name}\" is not declared{}; declared: {}",
                        crate::read::did_you_mean(name, known.iter().map(|k| k.as_ref())),
                        known.join(", ")
                    )
                },
            })
        }
    }
}

/// The record's key: its `key_field` value.
pub fn key_of(book: &Compiled, view: &View<'_>) -> Option<String> {
    let slot = book.key_field?;
    match view.get(slot)? {
        // An integer key written as a cell (`1002.0`, full-width digits) is the integer's text, so
        // that paths, results and joins name it one way (R36 of the reference).
        Value::Text(t) if book.schema.inputs[slot as usize].ty == crate::input::InputType::Integer => {
            Some(crate::num::parse_integer_text(t).map_or_else(|_| t.trim().to_owned(), |i| i.to_string()))
        }
        Value::Text(t) => Some(t.trim().to_owned()),
        Value::Integer(i) => Some(i.to_string()),
        other => Some(other.key_text()),
    }
}

/// Score a record. Returns the compact trace and, with `explain`, the full outcome.
pub fn score<'r>(
    book: &'r Compiled,
    view: View<'r>,
    req: &Request<'r>,
    explain: bool,
) -> Result<(Trace, Option<Outcome>), RecordError> {
    let key = key_of(book, &view);
    let fail = |issues: Vec<Issue>| RecordError { row: req.row, key: key.clone(), issues };
    let as_of = req.as_of.or(book.meta.as_of);
    let mut slots: Vec<Val<'r>> = recycle(SCRATCH.with(|s| std::mem::take(&mut *s.borrow_mut())));
    slots.resize(book.slot_count, Val::NoData);
    let mut issues = Vec::new();
    let checked = check(book, view, req.profile, as_of, slots, req.given(), &mut issues);
    let checked = match checked {
        Some(c) if issues.is_empty() => c,
        _ => return Err(fail(issues)),
    };
    let (trace, outcome, slots) =
        finish(checked, req.figures, req.row, explain, req.items, key.clone()).map_err(fail)?;
    SCRATCH.with(|s| *s.borrow_mut() = recycle(slots));
    Ok((trace, outcome))
}

/// A record checked and ready to score: its profile, its inputs' values in `slots`, and its
/// lists (checked; items a rulebook scores not yet scored).
pub(crate) struct Checked<'r> {
    book: &'r Compiled,
    view: View<'r>,
    profile: usize,
    as_of: Option<Date>,
    slots: Vec<Val<'r>>,
    lists: Vec<lists::ListState<'r>>,
}

/// Check a record (spec §16, §18.2): its profile — an undeclared one stops here, the only
/// problem reported — then its own inputs, then its lists' items. Every problem goes to `issues`;
/// `None` only for a profile problem.
fn check<'r>(
    book: &'r Compiled,
    view: View<'r>,
    choice: ProfileChoice<'_>,
    as_of: Option<Date>,
    mut slots: Vec<Val<'r>>,
    given: Option<(&'r Joined, usize)>,
    issues: &mut Vec<Issue>,
) -> Option<Checked<'r>> {
    let profile = match resolve_profile(book, &view, choice) {
        Ok(p) => p,
        Err(issue) => {
            issues.push(issue);
            return None;
        }
    };
    validate::inputs(&book.schema, &view, &mut slots, issues);
    let lists = lists::check_lists(book, &view, as_of, given, issues);
    Some(Checked { book, view, profile, as_of, slots, lists })
}

/// Score a checked record: its scored lists' items, then itself. Returns its slots too (a scored
/// item's fields are read from them).
fn finish<'r>(
    checked: Checked<'r>,
    figures: Option<&'r Figures>,
    row: Option<usize>,
    explain: bool,
    keep_items: bool,
    key: Option<String>,
) -> Result<(Trace, Option<Outcome>, Vec<Val<'r>>), Vec<Issue>> {
    let mut run = start(checked, figures, row, explain, keep_items)?;
    let result = run_stages(&mut run, key, explain);
    let slots = std::mem::take(&mut run.slots);
    result.map(|(t, o)| (t, o, slots))
}

/// The run of a checked record, its lists' items scored.
fn start<'r>(
    checked: Checked<'r>,
    figures: Option<&'r Figures>,
    row: Option<usize>,
    explain: bool,
    keep_items: bool,
) -> Result<Run<'r>, Vec<Issue>> {
    let Checked { book, view, profile, as_of, slots, lists } = checked;
    let scored = lists::score_lists(book, lists, keep_items && explain)?;
    Ok(Run {
        book,
        view,
        profile,
        as_of,
        slots,
        points: vec![None; book.nodes.len()],
        figures,
        row,
        explain,
        component_vetoes: RefCell::new(Vec::new()),
        component_outcome: RefCell::new(None),
        lists: scored.rows,
        item_results: scored.results,
        tallies: RefCell::new(if explain { vec![None; book.aggregates.len()] } else { Vec::new() }),
        keep_items,
    })
}

/// Parameters and derived values: what cohort figures and every later stage read.
fn prepare(run: &mut Run<'_>) -> Result<(), Vec<Issue>> {
    let book = run.book;
    let mut issues = Vec::new();
    let base = book.param_base() as usize;
    for (i, p) in book.params.iter().enumerate() {
        match p.values[run.profile].at(run.as_of) {
            Some(n) => run.slots[base + i] = Val::Num(n.clone()),
            None => issues.push(Issue::at(
                ErrorKind::NoDatedValue,
                &p.name,
                match run.as_of {
                    Some(d) => format!("parameter {} has no value on or before {d}", p.name),
                    None => format!("parameter {} is dated but no scoring date was given (as_of)", p.name),
                },
            )),
        }
    }
    if !issues.is_empty() {
        return Err(issues);
    }
    for d in &book.derived {
        match eval(&d.expr.expr, &*run) {
            Ok(v) => run.slots[d.slot as usize] = v,
            Err(f) => return Err(vec![fault_at(f, &d.name)]),
        }
    }
    Ok(())
}

/// The value of each relative rule's input for this record (for the batch's cohort pass).
/// `None` when the record has an input error or an undeclared profile.
pub fn cohort_values(
    book: &Compiled,
    record: &crate::Record,
    req: &Request<'_>,
) -> Option<(usize, Vec<Option<Num>>)> {
    let as_of = req.as_of.or(book.meta.as_of);
    let mut issues = Vec::new();
    let slots = vec![Val::NoData; book.slot_count];
    let checked = check(book, View::of(record), req.profile, as_of, slots, req.given(), &mut issues)?;
    if !issues.is_empty() {
        return None;
    }
    // Input errors exclude the row; other faults leave it out of the figures too.
    let mut run = start(checked, None, req.row, false, false).ok()?;
    prepare(&mut run).ok()?;
    let values = book
        .relatives
        .iter()
        .map(|site| match &book.nodes[site.node as usize].rule {
            Some(crate::rules::Rule::Relative(r)) => run.num(&r.input.expr).ok().flatten(),
            _ => None,
        })
        .collect();
    Some((run.profile, values))
}

fn run_stages<'r>(
    run: &mut Run<'r>,
    key: Option<String>,
    explain: bool,
) -> Result<(Trace, Option<Outcome>), Vec<Issue>> {
    let book = run.book;
    prepare(run)?;
    let profile = run.profile;
    let n = book.nodes.len();
    let mut why = explain.then(|| Why { nodes: vec![NodeWhy::default(); n], ..Why::default() });

    // Indicators depth-first in tree order: a node's `applies`, then (leaves) its rule. The first
    // fault stops the record, so this order decides which place an error names.
    let mut applicable = vec![false; n];
    let mut status = vec![Status::NotApplicable; n];
    let mut component_vetoes = Vec::new();
    for &i in &book.preorder {
        let i = i as usize;
        let node = &book.nodes[i];
        let parent_ok = node.parent.is_none_or(|p| applicable[p as usize]);
        applicable[i] = parent_ok
            && match &node.applies {
                None => true,
                Some(a) => run.truth(&a.expr).map_err(|f| vec![fault_at(f, &node.id)])? == Some(true),
            };
        if !applicable[i] {
            continue;
        }
        status[i] = Status::Scored;
        let Some(rule) = &node.rule else { continue };
        let max = &book.points[profile][i];
        let mut note = why.as_ref().map(|_| Note::NoData { input: String::new() });
        let leaf = rule.eval(run, max, note.as_mut()).map_err(|f| vec![fault_at(f, &node.id)])?;
        for mut hit in run.component_vetoes.get_mut().drain(..) {
            hit.node = i as u32;
            component_vetoes.push(hit);
        }
        let component = run.component_outcome.get_mut().take();
        let (raw, published) = match leaf {
            Leaf::Value(v) => {
                let p = book.publish(&clamp(&v, max));
                (Some(v), p)
            }
            Leaf::NoData => {
                status[i] = Status::NoData;
                if let Some(n) = note.as_mut() {
                    *n = Note::NoData { input: no_data_input(book, node) };
                }
                (None, Num::ZERO)
            }
        };
        if let Some(w) = why.as_mut() {
            let nw = &mut w.nodes[i];
            nw.clamped = raw.as_ref().map(|r| clamp(r, max));
            nw.raw = raw;
            nw.note = note;
            nw.component = component;
        }
        run.points[i] = Some(published);
    }
    // Inner nodes bottom-up (reverse pre-order visits every child before its parent).
    for &i in book.preorder.iter().rev() {
        let i = i as usize;
        let node = &book.nodes[i];
        if !applicable[i] || node.rule.is_some() {
            continue;
        }
        let max = &book.points[profile][i];
        match combine(run, &node.children, max, node.aggregate, &run.points)
            .map_err(|f| vec![fault_at(f, &node.id)])?
        {
            None => status[i] = Status::NotApplicable,
            Some((value, rescale)) => {
                if let (Some(w), Some(r)) = (why.as_mut(), rescale) {
                    w.nodes[i].rescale = Some(r);
                }
                run.points[i] = Some(value);
            }
        }
    }

    // The root, bonus, penalty and total.
    let has_total = book.has_total();
    let base = if has_total {
        let max = &book.max[profile];
        let base = match combine(run, &book.top, max, Aggregate::Sum, &run.points)
            .map_err(|f| vec![fault_at(f, "rulebook")])?
        {
            None => Num::ZERO,
            Some((v, rescale)) => {
                if let (Some(w), Some(r)) = (why.as_mut(), rescale) {
                    w.root_rescale = Some(r);
                }
                v
            }
        };
        Some(base)
    } else {
        None
    };
    let adjust = |items: &'r [crate::compile::AdjustItem],
                  cap: &Num,
                  out: Option<&mut Vec<(Num, Option<Note>)>>|
     -> Result<Num, Vec<Issue>> {
        let mut sum = Num::ZERO;
        let mut out = out;
        for it in items {
            let mut note = out.as_ref().map(|_| Note::NoData { input: String::new() });
            let leaf = it.rule.eval(run, &it.points, note.as_mut()).map_err(|f| vec![fault_at(f, &it.id)])?;
            let p = match leaf {
                Leaf::Value(v) => book.publish(&clamp(&v, &it.points)),
                Leaf::NoData => Num::ZERO,
            };
            sum = sum.add(&p);
            if let Some(o) = out.as_mut() {
                o.push((p, note));
            }
        }
        Ok(if sum > *cap { cap.clone() } else { sum })
    };
    let (bonus, penalty) = if has_total {
        let b = adjust(&book.bonus, &book.bonus_cap, why.as_mut().map(|w| &mut w.bonus))?;
        let p = adjust(&book.penalty, &book.penalty_cap, why.as_mut().map(|w| &mut w.penalty))?;
        (b, p)
    } else {
        (Num::ZERO, Num::ZERO)
    };
    let mut total = base.as_ref().map(|b| {
        let t = b.add(&bonus).sub(&penalty);
        let max = &book.max[profile];
        let t = if t.is_negative() {
            Num::ZERO
        } else if !book.allow_above_max && t > *max {
            max.clone()
        } else {
            t
        };
        book.round(&t)
    });
    if let Some(w) = why.as_mut() {
        w.total_before_vetoes = total.clone();
    }

    // Vetoes: the lowest firing score sets the total; grades act as ceilings.
    let mut vetoes = Vec::new();
    let mut ceiling: Option<u16> = None;
    let mut veto_score: Option<Num> = None;
    for (vi, v) in book.vetoes.iter().enumerate() {
        if run.truth(&v.when.expr).map_err(|f| vec![fault_at(f, &v.id)])? == Some(true) {
            vetoes.push(vi as u16);
            if let Some(s) = &v.score {
                let s = book.round(&run.operand(s));
                veto_score = Some(match veto_score {
                    Some(cur) if cur <= s => cur,
                    _ => s,
                });
            }
            if let Some(g) = v.grade {
                ceiling = Some(ceiling.map_or(g, |c| c.max(g)));
            }
        }
    }
    if let (Some(s), Some(_)) = (&veto_score, &total) {
        total = Some(s.clone());
    }

    // Criteria.
    let mut criteria = Vec::with_capacity(book.criteria.len());
    for c in &book.criteria {
        let holds = run.truth(&c.when.expr).map_err(|f| vec![fault_at(f, &c.id)])?;
        if let Some(w) = why.as_mut() {
            w.criteria_no_data.push(holds.is_none());
        }
        criteria.push(holds == Some(true));
    }
    let passed = (!book.criteria.is_empty()).then(|| criteria.iter().all(|h| *h));

    // Grade: the first bound the published total meets, then the worst ceiling.
    let mut grade_rules = Vec::new();
    for (gi, g) in book.grade_rules.iter().enumerate() {
        if run.truth(&g.when.expr).map_err(|f| vec![fault_at(f, &format!("grade_rule #{}", gi + 1))])?
            == Some(true)
        {
            grade_rules.push(gi as u16);
            ceiling = Some(ceiling.map_or(g.at_most, |c| c.max(g.at_most)));
        }
    }
    let from_total = match (&total, book.grades.is_empty()) {
        (Some(t), false) => Some(grade_of(run, t)),
        _ => None,
    };
    let (grade, capped) = match (from_total, ceiling) {
        (Some(g), Some(c)) if c > g => (Some(c), true),
        (g, _) => (g, false),
    };
    if let Some(w) = why.as_mut() {
        w.grade_from_total = from_total;
    }

    let trace = Trace {
        profile,
        as_of: run.as_of,
        key,
        points: std::mem::take(&mut run.points),
        status,
        base,
        bonus,
        penalty,
        total,
        grade,
        capped,
        passed,
        vetoes,
        component_vetoes,
        grade_rules,
        criteria,
    };
    let outcome = match why {
        Some(w) => Some(explain::build(run, &trace, w).map_err(|e| vec![e])?),
        None => None,
    };
    Ok((trace, outcome))
}

/// The grade a published total meets.
fn grade_of(run: &Run<'_>, total: &Num) -> u16 {
    for (i, g) in run.book.grades.iter().enumerate() {
        let meets = match &g.bound {
            None => true,
            Some(Bound::AtLeast(op)) => *total >= run.operand(op),
            Some(Bound::Above(op)) => *total > run.operand(op),
        };
        if meets {
            return i as u16;
        }
    }
    (run.book.grades.len() - 1) as u16
}

/// Clamp a leaf value to [0, max].
fn clamp(v: &Num, max: &Num) -> Num {
    if v.is_negative() {
        Num::ZERO
    } else if v > max {
        max.clone()
    } else {
        v.clone()
    }
}

/// Combine children's published points into a node's (sum or weighted), rescaling over the
/// applicable ones. `None` when every child is left out.
#[allow(clippy::type_complexity)]
fn combine(
    run: &Run<'_>,
    children: &[u32],
    max: &Num,
    aggregate: Aggregate,
    points: &[Option<Num>],
) -> Result<Option<(Num, Option<(Num, Num, Vec<u32>)>)>, Fault> {
    let book = run.book;
    let profile = run.profile;
    let left_out: Vec<u32> = children.iter().copied().filter(|&c| points[c as usize].is_none()).collect();
    if left_out.len() == children.len() {
        return Ok(None);
    }
    match aggregate {
        Aggregate::Sum => {
            let mut obtained = Num::ZERO;
            let mut applicable_max = Num::ZERO;
            for &c in children {
                if let Some(p) = &points[c as usize] {
                    obtained = obtained.add(p);
                    applicable_max = applicable_max.add(&book.points[profile][c as usize]);
                }
            }
            if left_out.is_empty() {
                return Ok(Some((obtained, None)));
            }
            let scaled = obtained.checked_div(&applicable_max).ok_or_else(Fault::division_by_zero)?.mul(max);
            Ok(Some((book.publish(&scaled), Some((obtained, applicable_max, left_out)))))
        }
        Aggregate::Weighted => {
            let mut acc = Num::ZERO;
            let mut weights = Num::ZERO;
            for &c in children {
                if let Some(p) = &points[c as usize] {
                    let w = book.weights[profile][c as usize].clone().unwrap_or(Num::ONE);
                    let share = p
                        .checked_div(&book.points[profile][c as usize])
                        .ok_or_else(Fault::division_by_zero)?;
                    acc = acc.add(&share.mul(&w));
                    weights = weights.add(&w);
                }
            }
            let value = acc.checked_div(&weights).ok_or_else(Fault::division_by_zero)?.mul(max);
            let rescale = (!left_out.is_empty()).then(|| (acc.clone(), weights.clone(), left_out));
            Ok(Some((book.publish(&value), rescale)))
        }
    }
}

/// The name read by a leaf whose rule had no data (for the explanation).
fn no_data_input(book: &Compiled, node: &crate::compile::NodeDef) -> String {
    node.reads.first().map(|&s| book.slot_name(s).to_owned()).unwrap_or_default()
}
