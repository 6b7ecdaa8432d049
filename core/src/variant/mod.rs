//! Variants: a new, fully validated rulebook made from a loaded one by changes, without a file
//! of its own ("what if the village exit limit were 2.5% rather than 3%?", issue #23; weights
//! derived by the design tools, spec §15).
//!
//! The changes are data ([`Change`]: `exit_limit=2.5`, `inc_good@高原藏区=3`,
//! `points.reduction.income=25`), as in PolicyEngine's `Reform.from_dict`. They are applied to the
//! base rulebook's **document tree** (`syntax`), and the edited tree then takes the normal load
//! path — read, compiled, every check of spec §14 — so a variant is exactly as validated as a
//! rulebook loaded from a file. A change to an unknown parameter, indicator or profile is a load
//! error naming the change; a problem the changes cause (points that no longer add up, bands out
//! of order) is a load error at the place in the base where it shows, naming the changes.
//!
//! The variant says what it is, in its own document (so in its fingerprint, and in every result):
//! its version is the base's with `+variant` (`2019.1+variant`), and `[rulebook.variant_of]`
//! records the base's id, version and fingerprint and the changes. A variant of a variant
//! records the first base and all the changes in order. Components (`component` rules) are
//! those the base was compiled with. The base's embedded `[[test]]` cases are kept unchanged:
//! `kaoping test` on a variant shows which of the base's expectations the changes move.
//!
//! The variant's text ([`Rulebook::text`]) is its document written out in the base's format
//! (`crate::syntax::write`): it reads back to the same tree, so saving it and loading the file
//! gives the same rulebook with the same fingerprint.
//!
//! ```
//! use kaoping::Rulebook;
//! let base = Rulebook::builtin("sc.poverty.village-exit")?;
//! let v = base.with_params(&[("exit_limit", "2.5")])?;
//! assert_eq!(v.version(), format!("{}+variant", base.version()));
//! let of = v.variant_of().unwrap();
//! assert_eq!((of.fingerprint.as_str(), of.changes[0].as_str()), (base.fingerprint(), "exit_limit=2.5"));
//! assert_ne!(v.fingerprint(), base.fingerprint());
//! # Ok::<(), kaoping::LoadError>(())
//! ```

mod edit;

use std::collections::HashSet;
use std::sync::Arc;

pub use crate::model::change::{Change, ChangeError, Target};

use crate::Rulebook;
use crate::compile::{self, ComponentSource};
use crate::error::{ErrorKind, LoadError, Location, Problem};
use crate::model;
use crate::model::lineage::{Provenance, VariantOf};
use crate::read::Reader;
use crate::syntax::{self, Entry, Node, Value};

/// The suffix a variant's version carries.
pub const VARIANT_SUFFIX: &str = "+variant";

/// A variant being described: changes and provenance records, then [`Variant::build`].
///
/// ```
/// use kaoping::{Rulebook, variant::Change};
/// use rust_decimal::Decimal;
/// let base = Rulebook::builtin("example.county-assessment")?;
/// let v = base
///     .variant()
///     .set("inc_good@高原藏区", "3.5")
///     .change(Change::points("reduction.incidence", Decimal::from(25)))
///     .change(Change::points("reduction.income", Decimal::from(25)))
///     .build()?;
/// assert_eq!(v.variant_of().unwrap().changes.len(), 3);
/// # Ok::<(), kaoping::LoadError>(())
/// ```
#[derive(Clone, Debug)]
pub struct Variant {
    base: Rulebook,
    changes: Vec<Change>,
    unreadable: Vec<ChangeError>,
    provenance: Vec<Provenance>,
}

impl Variant {
    /// Add a change from its key and value as text (`("inc_good@高原藏区", "3")`); a key or value
    /// that cannot be read is reported by [`Variant::build`], with every other problem.
    pub fn set(mut self, key: &str, value: &str) -> Variant {
        match Change::from_key_value(key, value) {
            Ok(c) => self.changes.push(c),
            Err(e) => self.unreadable.push(e),
        }
        self
    }

    /// Add a change from its whole text (`"inc_good@高原藏区=3"`, as `--set` takes it); one that
    /// cannot be read is reported by [`Variant::build`].
    pub fn change_text(mut self, text: &str) -> Variant {
        match text.parse::<Change>() {
            Ok(c) => self.changes.push(c),
            Err(e) => self.unreadable.push(e),
        }
        self
    }

    /// Add a change.
    pub fn change(mut self, change: Change) -> Variant {
        self.changes.push(change);
        self
    }

    /// Record how values written by the changes were obtained (`[[rulebook.provenance]]`).
    pub fn provenance(mut self, record: Provenance) -> Variant {
        self.provenance.push(record);
        self
    }

    /// The changes so far, in order.
    pub fn changes(&self) -> &[Change] {
        &self.changes
    }

    /// Things a person should know about the changes that are not errors: a change of a
    /// parameter's base value that profiles with their own value do not see.
    pub fn notes(&self) -> Vec<String> {
        match base_tree(&self.base) {
            Ok(mut tree) => edit::apply(&mut tree, &self.changes).1,
            Err(_) => Vec::new(),
        }
    }

    /// The variant, validated like any rulebook. Every problem is reported: changes that cannot
    /// be read or applied, then what the load path finds in the changed rulebook.
    pub fn build(self) -> Result<Rulebook, LoadError> {
        let base = &self.base;
        let id = base.id().to_owned();
        let load_error = |problems: Vec<Problem>| LoadError::new(Some(id.clone()), problems);
        let mut problems: Vec<Problem> = self
            .unreadable
            .iter()
            .map(|e| change_problem(ErrorKind::Schema, &e.change, e.message.clone()))
            .collect();
        let mut seen = HashSet::new();
        for c in &self.changes {
            if !seen.insert(c.key()) {
                problems.push(change_problem(
                    ErrorKind::DuplicateId,
                    &c.to_string(),
                    format!("`{}` is changed twice in one variant", c.key()),
                ));
            }
        }
        let mut tree = base_tree(base).map_err(|p| load_error(vec![p]))?;
        let (refusals, _) = edit::apply(&mut tree, &self.changes);
        for r in refusals {
            problems.push(change_problem(r.kind, &self.changes[r.change].to_string(), r.message));
        }
        if !problems.is_empty() {
            return Err(load_error(problems));
        }
        record_lineage(&mut tree, base, &self.changes, &self.provenance);

        let format = base.compiled().text.as_ref().map_or(syntax::Format::Toml, |(_, f)| *f);
        let text = syntax::write(&tree, format);
        if !syntax::written_reads_back(&tree, &text, format) {
            return Err(load_error(vec![Problem {
                kind: ErrorKind::Schema,
                location: Location::default(),
                message: format!("the variant cannot be written as {format} that reads back the same"),
            }]));
        }
        let mut r = Reader::new(None);
        let doc = model::read_document(&tree, &mut r);
        let components = BaseComponents(base);
        let compiled = compile::compile(&doc, &tree, &components, &mut r);
        match compiled {
            Some(mut c) if r.problems.is_empty() => {
                c.text = Some((text, format));
                Ok(Rulebook::of(Arc::new(c)))
            }
            _ => {
                if r.problems.is_empty() {
                    r.problem(ErrorKind::Schema, None, "", "the variant did not compile");
                }
                Err(load_error(r.problems.into_iter().map(|p| blame(p, &self.changes)).collect()))
            }
        }
    }
}

impl Rulebook {
    /// A variant of this rulebook, to describe with changes and build.
    pub fn variant(&self) -> Variant {
        Variant { base: self.clone(), changes: Vec::new(), unreadable: Vec::new(), provenance: Vec::new() }
    }

    /// This rulebook with parameters (and indicator points or weights) changed: keys as in
    /// [`Change`] (`exit_limit`, `inc_good@高原藏区`, `exit_limit:2020-01-01`, `points.funds`,
    /// `weight.help.experts@高原藏区`), values as decimal text. See the [module docs](crate::variant).
    pub fn with_params(&self, params: &[(&str, &str)]) -> Result<Rulebook, LoadError> {
        params.iter().fold(self.variant(), |v, (k, x)| v.set(k, x)).build()
    }

    /// This rulebook with `changes` applied.
    pub fn with_changes(&self, changes: &[Change]) -> Result<Rulebook, LoadError> {
        changes.iter().cloned().fold(self.variant(), Variant::change).build()
    }

    /// The rulebook this one is a variant of, and the changes (`[rulebook.variant_of]`).
    pub fn variant_of(&self) -> Option<&VariantOf> {
        self.compiled().meta.variant_of.as_ref()
    }

    /// How values written into this rulebook were obtained (`[[rulebook.provenance]]`).
    pub fn provenance(&self) -> &[Provenance] {
        &self.compiled().meta.provenance
    }
}

/// The base's document tree, read again from its text.
fn base_tree(base: &Rulebook) -> Result<Node, Problem> {
    let Some((text, format)) = &base.compiled().text else {
        return Err(Problem {
            kind: ErrorKind::Schema,
            location: Location::default(),
            message: format!("rulebook {} has no text to make a variant from", base.id()),
        });
    };
    syntax::parse(text, *format).map_err(|mut p| Problem {
        kind: ErrorKind::Syntax,
        location: Location::default(),
        message: p.pop().map_or_else(String::new, |p| p.to_string()),
    })
}

fn change_problem(kind: ErrorKind, change: &str, message: String) -> Problem {
    Problem {
        kind,
        location: Location { path: Some(format!("change `{change}`")), ..Location::default() },
        message,
    }
}

/// The components the base was compiled with, found by id.
struct BaseComponents<'a>(&'a Rulebook);

impl ComponentSource for BaseComponents<'_> {
    /// The rulebooks the base reached: through its component rules, and through the lists its
    /// items are scored by (spec §18.2).
    fn find(&self, id: &str) -> Result<Arc<compile::Compiled>, compile::NotFound> {
        let base = self.0.compiled();
        let linked = base.components.iter().map(|l| &l.book);
        let scoring_items = base.lists.iter().filter_map(|l| match &l.shape {
            compile::ListShape::Scored { book, .. } => Some(book),
            _ => None,
        });
        linked.chain(scoring_items).find(|b| b.meta.id == id).cloned().ok_or(compile::NotFound::Missing)
    }
}

/// Write the version, `variant_of` and provenance into the tree's `[rulebook]` table.
fn record_lineage(tree: &mut Node, base: &Rulebook, changes: &[Change], provenance: &[Provenance]) {
    let (of_id, of_version, of_fingerprint, mut all) = match base.variant_of() {
        Some(v) => (v.id.clone(), v.version.clone(), v.fingerprint.clone(), v.changes.clone()),
        None => (base.id().to_owned(), base.version().to_owned(), base.fingerprint().to_owned(), Vec::new()),
    };
    all.extend(changes.iter().map(Change::to_string));
    let Value::Table(top) = &mut tree.value else { return };
    let Some(meta) = top.iter_mut().find(|e| e.key == "rulebook") else { return };
    let pos = meta.value.pos;
    let Value::Table(fields) = &mut meta.value.value else { return };
    let text = |s: &str| Node { pos, value: Value::String(s.to_owned()) };
    let entry = |k: &str, value: Node| Entry { key: k.to_owned(), key_pos: pos, value };
    let version = format!("{of_version}{VARIANT_SUFFIX}");
    put(fields, entry("version", text(&version)));
    let record = Value::Table(vec![
        entry("id", text(&of_id)),
        entry("version", text(&of_version)),
        entry("fingerprint", text(&of_fingerprint)),
        entry("changes", Node { pos, value: Value::Array(all.iter().map(|c| text(c)).collect()) }),
    ]);
    put(fields, entry("variant_of", Node { pos, value: record }));
    if provenance.is_empty() {
        return;
    }
    let mut records: Vec<Node> = match fields.iter().find(|e| e.key == "provenance").map(|e| &e.value.value) {
        Some(Value::Array(items)) => items.clone(),
        _ => Vec::new(),
    };
    for p in provenance {
        let mut f = vec![entry("method", text(&p.method))];
        if let Some(n) = &p.node {
            f.push(entry("node", text(n)));
        }
        if let Some(w) = &p.written_as {
            f.push(entry("written_as", text(w)));
        }
        if let Some(d) = p.date {
            f.push(entry("date", Node { pos, value: Value::Date(d) }));
        }
        if let Some(fp) = &p.input_fingerprint {
            f.push(entry("input_fingerprint", text(fp)));
        }
        if !p.settings.is_empty() {
            let s = p.settings.iter().map(|(k, v)| entry(k, text(v))).collect();
            f.push(entry("settings", Node { pos, value: Value::Table(s) }));
        }
        records.push(Node { pos, value: Value::Table(f) });
    }
    put(fields, entry("provenance", Node { pos, value: Value::Array(records) }));
}

/// Replace the entry with the same key, or append.
fn put(fields: &mut Vec<Entry>, e: Entry) {
    match fields.iter_mut().find(|f| f.key == e.key) {
        Some(f) => f.value = e.value,
        None => fields.push(e),
    }
}

/// A load problem of the changed rulebook, naming the changes that touch what it is about (the
/// indicator or parameter in its path or message, or an ancestor of a changed indicator), or
/// every change when none does.
fn blame(mut p: Problem, changes: &[Change]) -> Problem {
    let place = format!("{} {}", p.location.path.as_deref().unwrap_or(""), p.message);
    let touches = |c: &Change| {
        let name = c.target.name();
        match &c.target {
            Target::Param(_) => {
                place.contains(&format!("`{name}`")) || place.contains(&format!("\"{name}\""))
            }
            Target::Points(_) | Target::Weight(_) => {
                let mut ancestors = vec![name];
                let mut rest = name;
                while let Some(dot) = rest.rfind('.') {
                    rest = &rest[..dot];
                    ancestors.push(rest);
                }
                place.contains("[rulebook] max")
                    || ancestors
                        .iter()
                        .any(|a| place.contains(&format!("\"{a}\"")) || place.contains(&format!("`{a}`")))
            }
        }
    };
    let mut named: Vec<String> = changes.iter().filter(|c| touches(c)).map(|c| format!("`{c}`")).collect();
    if named.is_empty() {
        named = changes.iter().map(|c| format!("`{c}`")).collect();
    }
    if !named.is_empty() {
        let s = if named.len() == 1 { "" } else { "s" };
        p.message = format!("{} (in the variant, after change{s} {})", p.message, named.join(", "));
    }
    p
}
