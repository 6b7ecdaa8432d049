//! What a rulebook declares, listed for C programs that build forms and reports without parsing
//! JSON: counted, indexed accessors (`kp_rulebook_input_count` and `kp_rulebook_input_at`, and so
//! on for indicators, profiles, grades, criteria and vetoes) filling structs of borrowed strings.
//! The strings live in the rulebook handle (made the first time one is asked for) and stay valid
//! until `kp_rulebook_free`.

use std::collections::HashMap;
use std::ffi::{CString, c_char};
use std::ptr;
use std::sync::OnceLock;

use kaoping_core::Rulebook;

use crate::boundary::{Failure, Lent, Out, borrow, c_str_opt, c_string, guard, opt_ptr, status_only};
use crate::rulebook::{Book, input_type_code, kp_input_type, kp_rulebook};
use crate::status::kp_status;

/// One field of an items input (an award's `level`, `year`…): its name and declared type.
/// Borrowed from the rulebook.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct kp_item_field {
    /// The field's name.
    pub name: *const c_char,
    /// Its declared type (a `KP_INPUT_*` code).
    pub ty: kp_input_type,
}

/// One input of a rulebook, as `kp_rulebook_input_at` fills it in. Every pointer is borrowed from
/// the rulebook and stays valid until `kp_rulebook_free`; fields that do not apply are NULL or 0.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct kp_input_info {
    /// The input's name (`population`), what records and JSON use.
    pub name: *const c_char,
    /// Its label (`户籍人口`), what CSV headers and the setters may use instead, or NULL.
    pub label: *const c_char,
    /// Its declared type (a `KP_INPUT_*` code).
    pub ty: kp_input_type,
    /// Its unit (`%`, `元`), or NULL.
    pub unit: *const c_char,
    /// Whether a record must give it (false when it is optional or has a default).
    pub required: bool,
    /// The smallest value allowed, as decimal text, or NULL.
    pub min: *const c_char,
    /// The largest value allowed, as decimal text, or NULL.
    pub max: *const c_char,
    /// Text inputs with a closed list: the `value_count` values allowed; NULL when any text is.
    pub values: *const *const c_char,
    /// The number of allowed values (0 when any text is).
    pub value_count: usize,
    /// Items inputs: the `field_count` fields of each item; NULL for other inputs.
    pub fields: *const kp_item_field,
    /// The number of item fields (0 for other inputs).
    pub field_count: usize,
}

/// One indicator (指标) of a rulebook, in file order, as `kp_rulebook_indicator_at` fills it in.
/// Borrowed from the rulebook; fields that do not apply are NULL.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct kp_indicator_info {
    /// The dotted id (`reduction.income`).
    pub id: *const c_char,
    /// The label (`收入增幅`).
    pub label: *const c_char,
    /// The parent's id, or NULL at the top level.
    pub parent: *const c_char,
    /// 0 at the top level, 1 below it, and so on.
    pub depth: u32,
    /// Whether it is a leaf (scored by a rule) rather than the sum of its children.
    pub is_leaf: bool,
    /// Its points (maximum) with the base values, as decimal text. A profile may give other
    /// points: see `kp_rulebook_indicator_points`.
    pub points: *const c_char,
    /// A leaf's rule kind (`bands`, `linear`, `ratio`…), or NULL for an inner indicator.
    pub rule: *const c_char,
    /// The clause of the source document it implements, or NULL.
    pub source: *const c_char,
}

/// A criterion (达标条件) or a veto (一票否决) of a rulebook, as `kp_rulebook_criterion_at` and
/// `kp_rulebook_veto_at` fill it in. Borrowed from the rulebook.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct kp_check_info {
    /// The id.
    pub id: *const c_char,
    /// The label.
    pub label: *const c_char,
}

/// One input's strings.
#[derive(Debug)]
struct InputText {
    name: CString,
    label: Option<CString>,
    ty: kp_input_type,
    unit: Option<CString>,
    required: bool,
    min: Option<CString>,
    max: Option<CString>,
    values: Option<(Vec<CString>, Lent<*const c_char>)>,
    _field_names: Vec<CString>,
    fields: Lent<kp_item_field>,
}

/// One indicator's strings (its points are in [`Declared::points`]).
#[derive(Debug)]
struct IndicatorText {
    id: CString,
    label: CString,
    parent: Option<CString>,
    depth: u32,
    is_leaf: bool,
    rule: Option<CString>,
    source: Option<CString>,
}

/// Everything a rulebook declares, as C strings.
#[derive(Debug)]
pub struct Declared {
    inputs: Vec<InputText>,
    indicators: Vec<IndicatorText>,
    /// The declared profiles' names, as C gets them and as the rulebook has them (the same but
    /// for a NUL, which C gets as U+FFFD), and their columns (below) by the name C gets.
    profiles: Vec<CString>,
    profile_names: Vec<String>,
    columns: HashMap<String, usize>,
    /// Each indicator's points: column 0 with the base values, column `p + 1` in profile `p`.
    /// Each column is made when first asked for: a rulebook may declare 65,534 profiles.
    points: Vec<OnceLock<Vec<CString>>>,
    /// The maximum total, by column (`None` for a criteria-only rulebook).
    max: Vec<Option<CString>>,
    grades: Vec<CString>,
    criteria: Vec<(CString, CString)>,
    vetoes: Vec<(CString, CString)>,
}

fn opt(s: &Option<String>) -> Option<CString> {
    s.as_deref().map(c_string)
}

impl Declared {
    /// The strings of `rb`.
    pub fn new(rb: &Rulebook) -> Declared {
        let inputs = rb
            .inputs()
            .into_iter()
            .map(|i| {
                let values = i.values.as_ref().map(|v| {
                    let texts: Vec<CString> = v.iter().map(|t| c_string(t)).collect();
                    let ptrs = Lent(texts.iter().map(|c| c.as_ptr()).collect());
                    (texts, ptrs)
                });
                let field_names: Vec<CString> = i.fields.iter().map(|(n, _)| c_string(n)).collect();
                let fields = Lent(
                    field_names
                        .iter()
                        .zip(&i.fields)
                        .map(|(n, (_, t))| kp_item_field { name: n.as_ptr(), ty: input_type_code(t) })
                        .collect(),
                );
                InputText {
                    name: c_string(&i.name),
                    label: opt(&i.label),
                    ty: input_type_code(&i.ty),
                    unit: opt(&i.unit),
                    required: i.required,
                    min: opt(&i.min),
                    max: opt(&i.max),
                    values,
                    _field_names: field_names,
                    fields,
                }
            })
            .collect();
        let indicators = rb
            .indicators()
            .into_iter()
            .map(|n| IndicatorText {
                id: c_string(&n.id),
                label: c_string(&n.label),
                parent: opt(&n.parent),
                depth: n.depth,
                is_leaf: n.is_leaf,
                rule: opt(&n.rule),
                source: opt(&n.source),
            })
            .collect();
        let names = rb.profiles();
        let each = std::iter::once(None).chain(names.iter().map(|p| Some(*p)));
        let profiles: Vec<CString> = names.iter().map(|p| c_string(p)).collect();
        let max: Vec<Option<CString>> = each.map(|p| rb.max(p).map(|d| c_string(&d.to_string()))).collect();
        let pairs =
            |v: Vec<(&str, &str)>| v.into_iter().map(|(id, label)| (c_string(id), c_string(label))).collect();
        Declared {
            inputs,
            indicators,
            profiles: profiles.clone(),
            profile_names: names.iter().map(|p| (*p).to_owned()).collect(),
            columns: profiles
                .iter()
                .enumerate()
                .map(|(i, p)| (p.to_string_lossy().into_owned(), i + 1))
                .collect(),
            points: (0..max.len()).map(|_| OnceLock::new()).collect(),
            max,
            grades: rb.grades().into_iter().map(c_string).collect(),
            criteria: pairs(rb.criteria()),
            vetoes: pairs(rb.vetoes()),
        }
    }

    /// The column of [`Declared::points`] and [`Declared::max`] for `profile` (NULL: the base).
    fn column(&self, profile: Option<&str>) -> Result<usize, Failure> {
        let Some(name) = profile else { return Ok(0) };
        self.columns.get(name).copied().ok_or_else(|| {
            Failure::new(kp_status::KP_NOT_FOUND, format!("the rulebook declares no profile `{name}`"))
        })
    }

    /// Every indicator's points in `column`, as text (made on first use).
    fn points(&self, rb: &Rulebook, column: usize) -> &[CString] {
        self.points[column].get_or_init(|| {
            let profile = column.checked_sub(1).map(|p| self.profile_names[p].as_str());
            let points = rb.indicator_points(profile).unwrap_or_default();
            points.iter().map(|d| c_string(&d.to_string())).collect()
        })
    }
}

/// `KP_NOT_FOUND` for an index beyond a list of `len`.
fn at<'a, T>(list: &'a [T], index: usize, what: &str) -> Result<&'a T, Failure> {
    list.get(index).ok_or_else(|| {
        Failure::new(
            kp_status::KP_NOT_FOUND,
            format!("{what} {index} of a rulebook with {} of them", list.len()),
        )
    })
}

/// Fill `out` from element `index` of a list of the rulebook's declarations.
fn lend<T, U>(
    rb: *const kp_rulebook,
    index: usize,
    out: *mut U,
    what: &str,
    list: impl FnOnce(&Declared) -> &[T],
    fill: impl FnOnce(&Book, &T) -> U,
) -> kp_status {
    status_only(|| {
        let book = borrow::<kp_rulebook>(rb, "rb")?;
        let out = Out::new(out, "out")?;
        let item = at(list(book.declared()), index, what)?;
        out.set(fill(book, item));
        Ok(())
    })
}

/// The length of a list of the rulebook's declarations (0 for NULL).
fn count(rb: *const kp_rulebook, list: impl FnOnce(&Book) -> usize) -> usize {
    guard(|| borrow::<kp_rulebook>(rb, "rb").map_or(0, |b| list(b)))
}

/// The number of inputs (0 for NULL), including those only component rulebooks declare.
#[unsafe(no_mangle)]
pub extern "C" fn kp_rulebook_input_count(rb: *const kp_rulebook) -> usize {
    count(rb, Book::input_count)
}

/// Input `index` (0-based, below `kp_rulebook_input_count`, in declaration order). Its strings
/// and arrays are borrowed from `rb`. `KP_NOT_FOUND` for an index beyond the inputs.
#[unsafe(no_mangle)]
pub extern "C" fn kp_rulebook_input_at(
    rb: *const kp_rulebook,
    index: usize,
    out: *mut kp_input_info,
) -> kp_status {
    lend(
        rb,
        index,
        out,
        "input",
        |d| &d.inputs,
        |_, i| kp_input_info {
            name: i.name.as_ptr(),
            label: opt_ptr(&i.label),
            ty: i.ty,
            unit: opt_ptr(&i.unit),
            required: i.required,
            min: opt_ptr(&i.min),
            max: opt_ptr(&i.max),
            values: i.values.as_ref().map_or(ptr::null(), |(_, p)| p.as_ptr()),
            value_count: i.values.as_ref().map_or(0, |(v, _)| v.len()),
            fields: if i.fields.0.is_empty() { ptr::null() } else { i.fields.as_ptr() },
            field_count: i.fields.0.len(),
        },
    )
}

/// The number of indicators, at every level (0 for NULL).
#[unsafe(no_mangle)]
pub extern "C" fn kp_rulebook_indicator_count(rb: *const kp_rulebook) -> usize {
    count(rb, |b| b.declared().indicators.len())
}

/// Indicator `index` (0-based, below `kp_rulebook_indicator_count`, in file order: a parent
/// before its children). Its strings are borrowed from `rb`. `KP_NOT_FOUND` for an index beyond
/// the indicators.
#[unsafe(no_mangle)]
pub extern "C" fn kp_rulebook_indicator_at(
    rb: *const kp_rulebook,
    index: usize,
    out: *mut kp_indicator_info,
) -> kp_status {
    lend(
        rb,
        index,
        out,
        "indicator",
        |d| &d.indicators,
        |b, n| kp_indicator_info {
            id: n.id.as_ptr(),
            label: n.label.as_ptr(),
            parent: opt_ptr(&n.parent),
            depth: n.depth,
            is_leaf: n.is_leaf,
            points: b.declared().points(&b.rb, 0).get(index).map_or(ptr::null(), |c| c.as_ptr()),
            rule: opt_ptr(&n.rule),
            source: opt_ptr(&n.source),
        },
    )
}

/// The points (maximum) of indicator `index` in profile `profile` (NUL-terminated; NULL for the
/// base values), as decimal text borrowed from `rb`. `KP_NOT_FOUND` for an index beyond the
/// indicators or a profile the rulebook does not declare.
#[unsafe(no_mangle)]
pub extern "C" fn kp_rulebook_indicator_points(
    rb: *const kp_rulebook,
    index: usize,
    profile: *const c_char,
    out: *mut *const c_char,
) -> kp_status {
    status_only(|| {
        let book = borrow::<kp_rulebook>(rb, "rb")?;
        let profile = c_str_opt(profile, "profile")?;
        let out = Out::new(out, "out")?;
        let d = book.declared();
        let column = d.points(&book.rb, d.column(profile)?);
        out.set(at(column, index, "indicator")?.as_ptr());
        Ok(())
    })
}

/// The maximum total in profile `profile` (NUL-terminated; NULL for the base values), as decimal
/// text borrowed from `rb` ("100.00"). `KP_NO_VALUE` for a criteria-only rulebook, `KP_NOT_FOUND`
/// for a profile the rulebook does not declare.
#[unsafe(no_mangle)]
pub extern "C" fn kp_rulebook_max(
    rb: *const kp_rulebook,
    profile: *const c_char,
    out: *mut *const c_char,
) -> kp_status {
    status_only(|| {
        let book = borrow::<kp_rulebook>(rb, "rb")?;
        let profile = c_str_opt(profile, "profile")?;
        let out = Out::new(out, "out")?;
        let d = book.declared();
        let max = d.max[d.column(profile)?].as_ref().ok_or_else(|| {
            Failure::new(kp_status::KP_NO_VALUE, "a criteria-only rulebook has no total, so no maximum")
        })?;
        out.set(max.as_ptr());
        Ok(())
    })
}

/// A borrowed string from a list of the rulebook's declarations.
fn lend_str(
    rb: *const kp_rulebook,
    index: usize,
    out: *mut *const c_char,
    what: &str,
    list: impl FnOnce(&Declared) -> &[CString],
) -> kp_status {
    lend(rb, index, out, what, list, |_, s| s.as_ptr())
}

/// The number of profiles (0 for NULL, and for a rulebook that declares none).
#[unsafe(no_mangle)]
pub extern "C" fn kp_rulebook_profile_count(rb: *const kp_rulebook) -> usize {
    count(rb, |b| b.declared().profiles.len())
}

/// The name of profile `index` (0-based, in declaration order), borrowed from `rb`.
/// `KP_NOT_FOUND` for an index beyond the profiles.
#[unsafe(no_mangle)]
pub extern "C" fn kp_rulebook_profile_at(
    rb: *const kp_rulebook,
    index: usize,
    out: *mut *const c_char,
) -> kp_status {
    lend_str(rb, index, out, "profile", |d| &d.profiles)
}

/// The number of grades (等次; 0 for NULL, and for a rulebook without grades).
#[unsafe(no_mangle)]
pub extern "C" fn kp_rulebook_grade_count(rb: *const kp_rulebook) -> usize {
    count(rb, |b| b.declared().grades.len())
}

/// The label of grade `index` (0-based, best first), borrowed from `rb`. `KP_NOT_FOUND` for an
/// index beyond the grades.
#[unsafe(no_mangle)]
pub extern "C" fn kp_rulebook_grade_at(
    rb: *const kp_rulebook,
    index: usize,
    out: *mut *const c_char,
) -> kp_status {
    lend_str(rb, index, out, "grade", |d| &d.grades)
}

/// The number of criteria (达标条件; 0 for NULL, and for a rulebook without criteria).
#[unsafe(no_mangle)]
pub extern "C" fn kp_rulebook_criterion_count(rb: *const kp_rulebook) -> usize {
    count(rb, |b| b.declared().criteria.len())
}

/// Criterion `index` (0-based, in file order). Its strings are borrowed from `rb`.
/// `KP_NOT_FOUND` for an index beyond the criteria.
#[unsafe(no_mangle)]
pub extern "C" fn kp_rulebook_criterion_at(
    rb: *const kp_rulebook,
    index: usize,
    out: *mut kp_check_info,
) -> kp_status {
    lend(
        rb,
        index,
        out,
        "criterion",
        |d| &d.criteria,
        |_, (id, label)| kp_check_info { id: id.as_ptr(), label: label.as_ptr() },
    )
}

/// The number of vetoes (一票否决; 0 for NULL, and for a rulebook without vetoes).
#[unsafe(no_mangle)]
pub extern "C" fn kp_rulebook_veto_count(rb: *const kp_rulebook) -> usize {
    count(rb, |b| b.declared().vetoes.len())
}

/// Veto `index` (0-based, in file order). Its strings are borrowed from `rb`. `KP_NOT_FOUND` for
/// an index beyond the vetoes.
#[unsafe(no_mangle)]
pub extern "C" fn kp_rulebook_veto_at(
    rb: *const kp_rulebook,
    index: usize,
    out: *mut kp_check_info,
) -> kp_status {
    lend(
        rb,
        index,
        out,
        "veto",
        |d| &d.vetoes,
        |_, (id, label)| kp_check_info { id: id.as_ptr(), label: label.as_ptr() },
    )
}
