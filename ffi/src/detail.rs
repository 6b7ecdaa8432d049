//! What a result holds, walked without parsing JSON: every indicator's points (`kp_result_node_*`),
//! the vetoes that fired, every criterion's verdict, the grade rules that capped the grade, the
//! warnings, the next grade, every aggregate call (spec §18.6) and the items' own results (§18.2).
//! Counted, indexed accessors fill structs of strings borrowed from the result (made the first
//! time one is asked for), valid until `kp_result_free`.

use std::ffi::{CString, c_char};

use kaoping_core::{Outcome, Status};

use crate::boundary::{Failure, Lent, Out, borrow, c_str, c_string, guard, status_only};
use crate::result::kp_result;
use crate::status::kp_status;

/// How an indicator was scored: one of the `KP_NODE_*` codes.
pub type kp_node_status = i32;
/// Scored by its rule (or, for an inner indicator, from its children).
pub const KP_NODE_SCORED: kp_node_status = 1;
/// Its rule read no data: 0 points.
pub const KP_NODE_NO_DATA: kp_node_status = 2;
/// Left out for this record (`applies` was false): no points; its parent is scored out of the
/// applicable maximum.
pub const KP_NODE_NOT_APPLICABLE: kp_node_status = 3;

/// One indicator of a result, in file order, as `kp_result_node_at` fills it in. Borrowed from
/// the result; fields that do not apply are NULL.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct kp_result_node {
    /// The dotted id.
    pub id: *const c_char,
    /// The label.
    pub label: *const c_char,
    /// The parent's id, or NULL at the top level.
    pub parent: *const c_char,
    /// 0 at the top level.
    pub depth: u32,
    /// The published points as decimal text ("18.75"), or NULL when the indicator was left out.
    pub points: *const c_char,
    /// The maximum in the record's profile, as decimal text.
    pub max: *const c_char,
    /// How it was scored (a `KP_NODE_*` code).
    pub status: kp_node_status,
    /// The exact value before rounding, when rounding changed it ("18.745"; "≈13.333333" when it
    /// has more than 6 places, the explanation's form); else NULL.
    pub exact: *const c_char,
    /// The clause of the source document it implements, or NULL.
    pub source: *const c_char,
}

/// A veto (一票否决) that fired, as `kp_result_veto_at` fills it in. Borrowed from the result.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct kp_result_veto {
    /// The id.
    pub id: *const c_char,
    /// The label.
    pub label: *const c_char,
    /// Its condition, as written in the rulebook.
    pub when: *const c_char,
    /// The total it sets, as decimal text, or NULL when it sets none.
    pub score: *const c_char,
    /// The best grade it allows, or NULL when it caps none.
    pub grade: *const c_char,
    /// The clause of the source document it implements, or NULL.
    pub source: *const c_char,
}

/// A criterion's (达标条件) verdict, as `kp_result_criterion_at` fills it in. Borrowed from the
/// result.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct kp_result_criterion {
    /// The id.
    pub id: *const c_char,
    /// The label.
    pub label: *const c_char,
    /// Its condition, as written in the rulebook.
    pub when: *const c_char,
    /// Whether it holds.
    pub holds: bool,
    /// Whether it failed for lack of data (a value it reads was missing).
    pub no_data: bool,
    /// The clause of the source document it implements, or NULL.
    pub source: *const c_char,
}

/// A grade rule (`[[grade_rule]]`) that fired and capped the grade, as `kp_result_grade_rule_at`
/// fills it in. Borrowed from the result.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct kp_result_grade_rule {
    /// Its 0-based position among the rulebook's grade rules.
    pub index: usize,
    /// Its label, or NULL.
    pub label: *const c_char,
    /// Its condition, as written in the rulebook.
    pub when: *const c_char,
    /// The best grade it allows.
    pub grade_at_most: *const c_char,
}

/// The next better grade and the points needed to reach it, as `kp_result_next_grade` fills it
/// in. Borrowed from the result.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct kp_next_grade {
    /// The grade.
    pub grade: *const c_char,
    /// Its bound, as decimal text at the rulebook's scale ("30.00").
    pub bound: *const c_char,
    /// Whether the bound is strict (the total must be above it, not at least it).
    pub strict: bool,
    /// The points the total lacks, as decimal text; NULL when the grade is held whatever the
    /// points (see `blocked_by`).
    pub gap: *const c_char,
    /// What holds the grade where it is, whatever the points — the labels of the vetoes that set
    /// the total or cap the grade, and of the grade rules that cap it, joined by "、" — or NULL
    /// when points alone decide.
    pub blocked_by: *const c_char,
}

/// One aggregate call of a result (`sum(households, item.members, not item.passed)`…), wherever
/// the rulebook writes it, with what it read and found (spec §18.6), as
/// `kp_result_aggregate_at` fills it in. Borrowed from the result; fields that do not apply are
/// NULL.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct kp_result_aggregate {
    /// Where it is written: `derived "remaining_poor"`, `indicator "exit.rate"`…
    pub place: *const c_char,
    /// The call as written.
    pub call: *const c_char,
    /// The function: "count", "sum", "mean", "min", "max", "first", "last" or "share".
    pub function: *const c_char,
    /// The list input it reads.
    pub list: *const c_char,
    /// The list input's label, or NULL.
    pub list_label: *const c_char,
    /// The value taken per item, as written (`item.members`), or NULL.
    pub x: *const c_char,
    /// The condition selecting items, as written (`not item.passed`), or NULL.
    pub cond: *const c_char,
    /// How many items were selected.
    pub selected: u32,
    /// How many items the list has (0 when `list_missing`).
    pub of: u32,
    /// Whether the list was missing (or the call never evaluated, in a branch not taken).
    pub list_missing: bool,
    /// The value as the explanation shows it (exact decimal text, "≈" and 6 places for a repeating
    /// decimal; text, or "true"/"false", for `first`/`last` of such fields); NULL: no data.
    pub value: *const c_char,
    /// The first item (1-based position as given) whose condition or value had no data, or 0.
    pub no_data_item: usize,
}

/// One item of a list input scored by another rulebook (spec §18.2), as `kp_result_item_at`
/// fills it in; its own result is `kp_result_item_result`. Borrowed from the result.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct kp_result_item {
    /// Its 1-based position in the list as given (before `order_by`), as error paths name it
    /// (`households[17]`).
    pub position: usize,
    /// Its key (the `key_field` value of the rulebook scoring it), or NULL.
    pub key: *const c_char,
}

/// A result's strings, and the structs that borrow them.
#[derive(Debug)]
pub struct Details {
    _strings: Vec<CString>,
    nodes: Lent<kp_result_node>,
    vetoes: Lent<kp_result_veto>,
    criteria: Lent<kp_result_criterion>,
    grade_rules: Lent<kp_result_grade_rule>,
    warnings: Lent<*const c_char>,
    next_grade: Option<Lent<kp_next_grade>>,
    aggregates: Lent<kp_result_aggregate>,
    /// Per list input whose items' results were kept: its name and its items.
    items: Vec<(String, Lent<kp_result_item>)>,
}

/// Owns the strings the structs point into (a CString's bytes stay put when the vector grows).
#[derive(Default)]
struct Strings(Vec<CString>);

impl Strings {
    fn put(&mut self, s: &str) -> *const c_char {
        let c = c_string(s);
        let p = c.as_ptr();
        self.0.push(c);
        p
    }

    fn opt(&mut self, s: Option<&str>) -> *const c_char {
        s.map_or(std::ptr::null(), |s| self.put(s))
    }
}

fn status_code(s: Status) -> kp_node_status {
    match s {
        Status::Scored => KP_NODE_SCORED,
        Status::NoData => KP_NODE_NO_DATA,
        Status::NotApplicable => KP_NODE_NOT_APPLICABLE,
        // The core's Status is non_exhaustive: a status added there before this library names it
        // reads as "no data" (its points are absent either way) until it gets its own code.
        _ => KP_NODE_NO_DATA,
    }
}

impl Details {
    /// The strings of `o`.
    pub fn new(o: &Outcome) -> Details {
        let mut s = Strings::default();
        // Nodes come in file order, each after its parent: the parent of a node at depth d is the
        // last node seen at depth d - 1.
        let mut path: Vec<*const c_char> = Vec::new();
        let mut nodes = Vec::with_capacity(o.nodes.len());
        for n in &o.nodes {
            let id = s.put(&n.id);
            let depth = n.depth as usize;
            path.truncate(depth);
            let parent =
                if depth == 0 { std::ptr::null() } else { path.last().copied().unwrap_or(std::ptr::null()) };
            path.push(id);
            nodes.push(kp_result_node {
                id,
                label: s.put(&n.label),
                parent,
                depth: n.depth,
                points: s.opt(n.points.map(|d| d.to_string()).as_deref()),
                max: s.put(&n.max.to_string()),
                status: status_code(n.status),
                exact: s.opt(n.exact.as_deref()),
                source: s.opt(n.source.as_deref()),
            });
        }
        let vetoes = o
            .vetoes
            .iter()
            .map(|v| kp_result_veto {
                id: s.put(&v.id),
                label: s.put(&v.label),
                when: s.put(&v.when),
                score: s.opt(v.score.map(|d| d.to_string()).as_deref()),
                grade: s.opt(v.grade.as_deref()),
                source: s.opt(v.source.as_deref()),
            })
            .collect();
        let criteria = o
            .criteria
            .iter()
            .map(|c| kp_result_criterion {
                id: s.put(&c.id),
                label: s.put(&c.label),
                when: s.put(&c.when),
                holds: c.holds,
                no_data: c.no_data,
                source: s.opt(c.source.as_deref()),
            })
            .collect();
        let grade_rules = o
            .grade_rules
            .iter()
            .map(|g| kp_result_grade_rule {
                index: g.index,
                label: s.opt(g.label.as_deref()),
                when: s.put(&g.when),
                grade_at_most: s.put(&g.grade_at_most),
            })
            .collect();
        let warnings = o.warnings.iter().map(|w| s.put(w)).collect();
        let next_grade = o.next_grade.as_ref().map(|g| {
            Lent(vec![kp_next_grade {
                grade: s.put(&g.grade),
                bound: s.put(&g.bound.to_string()),
                strict: g.strict,
                gap: s.opt(g.gap.map(|d| d.to_string()).as_deref()),
                blocked_by: s.opt(
                    (!g.blocked_by.is_empty())
                        .then(|| g.blocked_by.iter().map(|h| h.label.as_str()).collect::<Vec<_>>().join("、"))
                        .as_deref(),
                ),
            }])
        });
        let aggregates = o
            .aggregates
            .iter()
            .map(|a| kp_result_aggregate {
                place: s.put(&a.place),
                call: s.put(&a.call),
                function: s.put(&a.function),
                list: s.put(&a.list),
                list_label: s.opt(a.list_label.as_deref()),
                x: s.opt(a.x.as_deref()),
                cond: s.opt(a.cond.as_deref()),
                selected: a.selected,
                of: a.of.unwrap_or(0),
                list_missing: a.of.is_none(),
                value: s.opt(a.value.as_deref()),
                no_data_item: a.no_data_item.unwrap_or(0),
            })
            .collect();
        let items = o
            .items
            .iter()
            .map(|list| {
                let items = list
                    .items
                    .iter()
                    .map(|it| kp_result_item { position: it.position, key: s.opt(it.key.as_deref()) })
                    .collect();
                (list.input.clone(), Lent(items))
            })
            .collect();
        Details {
            _strings: s.0,
            nodes: Lent(nodes),
            vetoes: Lent(vetoes),
            criteria: Lent(criteria),
            grade_rules: Lent(grade_rules),
            warnings: Lent(warnings),
            next_grade,
            aggregates: Lent(aggregates),
            items,
        }
    }
}

/// The length of one of a result's lists (0 for NULL).
fn count(result: *const kp_result, list: impl FnOnce(&Details) -> usize) -> usize {
    guard(|| borrow::<kp_result>(result, "result").map_or(0, |r| list(r.details())))
}

/// Copy element `index` of one of a result's lists to `out`.
fn lend<T: Copy>(
    result: *const kp_result,
    index: usize,
    out: *mut T,
    what: &str,
    list: impl FnOnce(&Details) -> &Lent<T>,
) -> kp_status {
    status_only(|| {
        let r = borrow::<kp_result>(result, "result")?;
        let out = Out::new(out, "out")?;
        let items = &list(r.details()).0;
        let item = items.get(index).ok_or_else(|| {
            Failure::new(
                kp_status::KP_NOT_FOUND,
                format!("{what} {index} of a result with {} of them", items.len()),
            )
        })?;
        out.set(*item);
        Ok(())
    })
}

/// The number of indicators in the result, at every level (0 for NULL): the rulebook's, in
/// file order.
#[unsafe(no_mangle)]
pub extern "C" fn kp_result_node_count(result: *const kp_result) -> usize {
    count(result, |d| d.nodes.0.len())
}

/// Indicator `index` of the result (0-based, below `kp_result_node_count`, in file order: a parent
/// before its children). Its strings are borrowed from `result`. `KP_NOT_FOUND` for an index
/// beyond the indicators.
#[unsafe(no_mangle)]
pub extern "C" fn kp_result_node_at(
    result: *const kp_result,
    index: usize,
    out: *mut kp_result_node,
) -> kp_status {
    lend(result, index, out, "indicator", |d| &d.nodes)
}

/// The number of vetoes that fired (0 for NULL, and when none did).
#[unsafe(no_mangle)]
pub extern "C" fn kp_result_veto_count(result: *const kp_result) -> usize {
    count(result, |d| d.vetoes.0.len())
}

/// Veto `index` of those that fired (0-based, in file order). Its strings are borrowed from
/// `result`. `KP_NOT_FOUND` for an index beyond them.
#[unsafe(no_mangle)]
pub extern "C" fn kp_result_veto_at(
    result: *const kp_result,
    index: usize,
    out: *mut kp_result_veto,
) -> kp_status {
    lend(result, index, out, "veto", |d| &d.vetoes)
}

/// The number of criteria judged: every criterion of the rulebook (0 for NULL, and for a
/// rulebook without criteria).
#[unsafe(no_mangle)]
pub extern "C" fn kp_result_criterion_count(result: *const kp_result) -> usize {
    count(result, |d| d.criteria.0.len())
}

/// Criterion `index`'s verdict (0-based, in file order). Its strings are borrowed from `result`.
/// `KP_NOT_FOUND` for an index beyond the criteria.
#[unsafe(no_mangle)]
pub extern "C" fn kp_result_criterion_at(
    result: *const kp_result,
    index: usize,
    out: *mut kp_result_criterion,
) -> kp_status {
    lend(result, index, out, "criterion", |d| &d.criteria)
}

/// The number of grade rules that fired (0 for NULL, and when none did).
#[unsafe(no_mangle)]
pub extern "C" fn kp_result_grade_rule_count(result: *const kp_result) -> usize {
    count(result, |d| d.grade_rules.0.len())
}

/// Grade rule `index` of those that fired (0-based). Its strings are borrowed from `result`.
/// `KP_NOT_FOUND` for an index beyond them.
#[unsafe(no_mangle)]
pub extern "C" fn kp_result_grade_rule_at(
    result: *const kp_result,
    index: usize,
    out: *mut kp_result_grade_rule,
) -> kp_status {
    lend(result, index, out, "grade rule", |d| &d.grade_rules)
}

/// The number of warnings (0 for NULL, and when there are none): fields the record set that are
/// not inputs of the rulebook, and the like.
#[unsafe(no_mangle)]
pub extern "C" fn kp_result_warning_count(result: *const kp_result) -> usize {
    count(result, |d| d.warnings.0.len())
}

/// Warning `index` (0-based), borrowed from `result`. `KP_NOT_FOUND` for an index beyond them.
#[unsafe(no_mangle)]
pub extern "C" fn kp_result_warning_at(
    result: *const kp_result,
    index: usize,
    out: *mut *const c_char,
) -> kp_status {
    lend(result, index, out, "warning", |d| &d.warnings)
}

/// The next better grade and the points needed to reach it. Its strings are borrowed from
/// `result`. `KP_NO_VALUE` when there is none (the best grade already, no grades, or no total).
#[unsafe(no_mangle)]
pub extern "C" fn kp_result_next_grade(result: *const kp_result, out: *mut kp_next_grade) -> kp_status {
    status_only(|| {
        let r = borrow::<kp_result>(result, "result")?;
        let out = Out::new(out, "out")?;
        let next = r
            .details()
            .next_grade
            .as_ref()
            .and_then(|l| l.0.first())
            .ok_or_else(|| Failure::new(kp_status::KP_NO_VALUE, "the result has no next grade"))?;
        out.set(*next);
        Ok(())
    })
}

/// The number of aggregate calls of the rulebook (0 for NULL, and for a rulebook without
/// aggregates): one each, wherever written, even in a branch not taken (`list_missing`, nothing
/// selected).
#[unsafe(no_mangle)]
pub extern "C" fn kp_result_aggregate_count(result: *const kp_result) -> usize {
    count(result, |d| d.aggregates.0.len())
}

/// Aggregate call `index` (0-based, in the rulebook's order: its derived values, then where its
/// indicators, vetoes, criteria and grade rules write them). Its strings are borrowed from
/// `result`. `KP_NOT_FOUND` for an index beyond them.
#[unsafe(no_mangle)]
pub extern "C" fn kp_result_aggregate_at(
    result: *const kp_result,
    index: usize,
    out: *mut kp_result_aggregate,
) -> kp_status {
    lend(result, index, out, "aggregate", |d| &d.aggregates)
}

/// The items of list input `list` (NUL-terminated name) whose own results the result kept: only
/// when it was scored with `kp_options_set_keep_items(options, true)` and the list's items are
/// scored by another rulebook (spec §18.2). 0 for NULL arguments, for a list the record left out,
/// and for any other name.
#[unsafe(no_mangle)]
pub extern "C" fn kp_result_item_count(result: *const kp_result, list: *const c_char) -> usize {
    guard(|| {
        let (Ok(r), Ok(list)) = (borrow::<kp_result>(result, "result"), c_str(list, "list")) else {
            return 0;
        };
        r.details().items.iter().find(|(name, _)| name == list).map_or(0, |(_, items)| items.0.len())
    })
}

/// Item `index` of list input `list` (0-based, below `kp_result_item_count`, in list order after
/// `order_by`): its position as given and its key, borrowed from `result`. `KP_NOT_FOUND` for an
/// index beyond them (or a list whose items were not kept).
#[unsafe(no_mangle)]
pub extern "C" fn kp_result_item_at(
    result: *const kp_result,
    list: *const c_char,
    index: usize,
    out: *mut kp_result_item,
) -> kp_status {
    status_only(|| {
        let r = borrow::<kp_result>(result, "result")?;
        let list = c_str(list, "list")?;
        let out = Out::new(out, "out")?;
        let items = r.details().items.iter().find(|(name, _)| name == list).ok_or_else(|| not_kept(list))?;
        out.set(*items.1.0.get(index).ok_or_else(|| beyond(list, index, items.1.0.len()))?);
        Ok(())
    })
}

/// Item `index` of list input `list` (as `kp_result_item_at`), whose own result, explained, goes to
/// `*out`: a new result (free it with `kp_result_free`) read with every `kp_result_*` accessor —
/// its total, grade, criteria, explanation, JSON, and the results of its own items a level down.
#[unsafe(no_mangle)]
pub extern "C" fn kp_result_item_result(
    result: *const kp_result,
    list: *const c_char,
    index: usize,
    out: *mut *mut kp_result,
) -> kp_status {
    status_only(|| {
        let r = borrow::<kp_result>(result, "result")?;
        let list = c_str(list, "list")?;
        let out = Out::new(out, "out")?;
        let items = r.outcome.items_of(list).ok_or_else(|| not_kept(list))?;
        let item = items.get(index).ok_or_else(|| beyond(list, index, items.len()))?;
        crate::result::give_result(out, item.result.clone());
        Ok(())
    })
}

fn not_kept(list: &str) -> Failure {
    Failure::new(
        kp_status::KP_NOT_FOUND,
        format!(
            "no kept items of list `{list}` (only lists scored by another rulebook keep them, when scored \
             with kp_options_set_keep_items(options, true))"
        ),
    )
}

fn beyond(list: &str, index: usize, len: usize) -> Failure {
    Failure::new(kp_status::KP_NOT_FOUND, format!("item {index} of `{list}`, which has {len} kept"))
}
