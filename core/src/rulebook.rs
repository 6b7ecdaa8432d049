//! The public face of a loaded rulebook: loading (text, file, built-in), introspection, records,
//! and scoring one record.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use rust_decimal::Decimal;

use crate::compile::{self, Compiled, ComponentSource, NotFound};
use crate::date::Date;
use crate::error::{ErrorKind, Issue, LoadError, Location, Problem, RecordError};
use crate::eval::columnar::Plan;
use crate::eval::{self, Figures, ProfileChoice, Request, View};
use crate::input::InputType;
use crate::input::Record;
use crate::model;
use crate::num::Num;
use crate::outcome::Outcome;
use crate::read::Reader;
use crate::syntax::{self, Format};

/// A loaded, validated, compiled rulebook. Cheap to clone (shared), immutable, `Send + Sync`:
/// one rulebook can score on many threads at once.
///
/// It holds the compiled rulebook and, beside it, the batch executor's plan for it (made once,
/// at load): the compiled form knows nothing of how batches are run.
#[derive(Clone)]
pub struct Rulebook {
    compiled: Arc<Compiled>,
    plan: Arc<Plan>,
}

impl std::fmt::Debug for Rulebook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Short enough for a log line: what it is, not its 28 KB of compiled tables.
        f.debug_struct("Rulebook")
            .field("id", &self.id())
            .field("version", &self.version())
            .field("fingerprint", &&self.fingerprint()[..self.fingerprint().len().min(12)])
            .finish_non_exhaustive()
    }
}

/// Options for scoring one record.
#[derive(Clone, Debug, Default)]
pub struct ScoreOptions {
    /// Score in this profile (else the record's `profile_field`, else the base values).
    pub profile: Option<String>,
    /// Scoring date for dated parameters (else the rulebook's `as_of`).
    pub as_of: Option<Date>,
    /// Cohort figures for relative rules (needed when scoring one record alone).
    pub cohort: Option<Cohort>,
    /// Fields that are not inputs: reported as warnings (default), or refused.
    pub unknown: crate::input::Unknown,
    /// Keep the results of items scored by another rulebook in the outcome
    /// ([`Outcome::items_of`], spec §18.6).
    pub items: bool,
}

/// Cohort figures for relative rules when a record is scored alone: the best value of each
/// relative indicator's input, overall or per profile.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Cohort {
    entries: Vec<(String, Option<String>, Decimal)>,
}

impl Cohort {
    /// No figures yet.
    pub fn new() -> Cohort {
        Cohort::default()
    }

    /// Set the cohort best of `indicator`'s input, for `profile` (for rules `within = "profile"`)
    /// or for all rows (`None`).
    pub fn set(&mut self, indicator: &str, profile: Option<&str>, best: Decimal) -> &mut Cohort {
        self.entries.retain(|(i, p, _)| !(i == indicator && p.as_deref() == profile));
        self.entries.push((indicator.to_owned(), profile.map(str::to_owned), best));
        self
    }

    fn figures(&self, book: &Compiled) -> Figures {
        let groups = book.profiles.len();
        let mut best = vec![vec![None; groups]; book.relatives.len()];
        for (k, site) in book.relatives.iter().enumerate() {
            let id = &book.nodes[site.node as usize].id;
            for (ind, profile, v) in &self.entries {
                if ind != id {
                    continue;
                }
                let n = Num::from_decimal(*v);
                match profile {
                    // An overall figure serves every group unless a group has its own.
                    None => {
                        for g in best[k].iter_mut() {
                            if g.is_none() {
                                *g = Some(n.clone());
                            }
                        }
                        best[k][0] = Some(n);
                    }
                    Some(p) => {
                        if let Some(&ix) = book.profile_index.get(p) {
                            best[k][ix as usize] = Some(n);
                        }
                    }
                }
            }
        }
        Figures { best }
    }
}

/// A description of one indicator, for building forms and reports.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct IndicatorInfo {
    /// Dotted id.
    pub id: String,
    /// Its label, as reports show it.
    pub label: String,
    /// 0 for top level.
    pub depth: u32,
    /// Parent id.
    pub parent: Option<String>,
    /// Maximum (base profile).
    pub points: Decimal,
    /// The rule kind (leaves).
    pub rule: Option<String>,
    /// The clause it implements.
    pub source: Option<String>,
    /// Whether it has children.
    pub is_leaf: bool,
    /// What it measures, in the rulebook's words.
    pub description: Option<String>,
}

/// A declared profile (片区/类别).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct ProfileInfo {
    /// Name (as records give it).
    pub name: String,
    /// Label, if any.
    pub label: Option<String>,
    /// Description, if any.
    pub description: Option<String>,
}

/// A grade (等次) and the bound a total must meet for it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct GradeInfo {
    /// The grade's label (优秀, 较好…), as results give it.
    pub label: String,
    /// The bound in the base profile (`None`: the last grade, which catches the rest; or a
    /// parameter with no value on the rulebook's date).
    pub bound: Option<Decimal>,
    /// Whether the total must be above the bound (`above`) rather than at least it.
    pub strict: bool,
    /// Description, if any.
    pub description: Option<String>,
}

/// A description of one input.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct InputInfo {
    /// The name records use for it.
    pub name: String,
    /// Type name (decimal, integer, boolean, text, numbers, items).
    pub ty: String,
    /// Its label, if declared (a column may be headed by it instead of the name).
    pub label: Option<String>,
    /// The unit its values are in (万元, %…), if declared.
    pub unit: Option<String>,
    /// Whether required.
    pub required: bool,
    /// Allowed values (text).
    pub values: Option<Vec<String>>,
    /// Lower bound.
    pub min: Option<String>,
    /// Upper bound.
    pub max: Option<String>,
    /// Item fields (name, type): an `items` input's declared fields, or the inputs of the
    /// rulebook scoring its items.
    pub fields: Vec<(String, String)>,
    /// The rulebook scoring each item of an `items` input.
    pub rulebook: Option<String>,
    /// Whether the unit can change it (`actionable = false` in the rulebook: advice never
    /// suggests changing it).
    pub actionable: bool,
}

/// Loads rulebooks, resolving `component` references against built-ins and any rulebooks given.
///
/// A referenced id is a name (see the format reference), never a path: it is looked for among
/// the rulebooks given with [`Loader::with`], then as `<id>.toml` / `<id>.json` inside the folders
/// named with [`Loader::search`] and the folder of a file loaded with [`Loader::load_file`] (a link
/// there that leads out of that folder is refused), then among the built-ins.
/// [`Loader::file_lookup`]`(false)` turns the file lookup off, for rulebooks uploaded by users.
#[derive(Clone, Debug)]
pub struct Loader {
    extra: Vec<Rulebook>,
    search: Vec<PathBuf>,
    file_lookup: bool,
    /// Ids of the rulebooks whose loading led to this one (a cycle through files is refused).
    loading: Vec<String>,
}

impl Default for Loader {
    fn default() -> Loader {
        Loader { extra: Vec::new(), search: Vec::new(), file_lookup: true, loading: Vec::new() }
    }
}

impl Loader {
    /// A loader that knows the built-in rulebooks.
    pub fn new() -> Loader {
        Loader::default()
    }

    /// Whether components may be looked for in files (default: yes). Off, only the rulebooks
    /// given with [`Loader::with`] and the built-ins are used, and no file is opened but the one
    /// loaded.
    pub fn file_lookup(mut self, on: bool) -> Loader {
        self.file_lookup = on;
        self
    }

    /// Make `rb` available as a component by its id.
    pub fn with(mut self, rb: Rulebook) -> Loader {
        self.extra.push(rb);
        self
    }

    /// Look for component rulebooks in `dir` as `<id>.toml` or `<id>.json`.
    pub fn search(mut self, dir: impl Into<PathBuf>) -> Loader {
        self.search.push(dir.into());
        self
    }

    /// Load a rulebook from text.
    pub fn load_str(&self, text: &str, format: Format) -> Result<Rulebook, LoadError> {
        self.load(text, format, None)
    }

    /// Load a rulebook from text that came from `source` (an uploaded file's name, a URL, a
    /// database key): problems name it as their file, as [`load_file`](Loader::load_file)'s
    /// name the path. Nothing is read from `source`.
    pub fn load_named(&self, source: &str, text: &str, format: Format) -> Result<Rulebook, LoadError> {
        self.load(text, format, Some(source.to_owned()))
    }

    /// Load a rulebook from a file (format from its extension; `.json` is JSON, anything else
    /// TOML). Components are also looked for next to it.
    pub fn load_file(&self, path: impl AsRef<Path>) -> Result<Rulebook, LoadError> {
        let path = path.as_ref();
        let shown = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|e| io_error(&shown, e))?;
        let text = String::from_utf8(bytes).map_err(|e| {
            LoadError::new(
                None,
                vec![Problem {
                    kind: ErrorKind::Syntax,
                    location: Location { file: Some(shown.clone()), ..Location::default() },
                    message: format!(
                        "the file is not valid UTF-8 (at byte {}); save it as UTF-8",
                        e.utf8_error().valid_up_to()
                    ),
                }],
            )
        })?;
        let format = Format::from_path_extension(path).unwrap_or(Format::Toml);
        let mut me = self.clone();
        if let Some(dir) = path.parent()
            && me.file_lookup
        {
            me.search.push(if dir.as_os_str().is_empty() { PathBuf::from(".") } else { dir.to_path_buf() });
        }
        me.load(&text, format, Some(shown))
    }

    fn load(&self, text: &str, format: Format, file: Option<String>) -> Result<Rulebook, LoadError> {
        let mut r = Reader::new(file.clone());
        let root = match syntax::parse(text, format) {
            Ok(root) => root,
            Err(problems) => {
                for p in problems {
                    let kind = match p.kind {
                        syntax::SyntaxProblemKind::Syntax => ErrorKind::Syntax,
                        syntax::SyntaxProblemKind::TooDeep => ErrorKind::TooDeep,
                        syntax::SyntaxProblemKind::Schema => ErrorKind::Schema,
                    };
                    r.problem(kind, p.pos, "", p.message);
                }
                return Err(LoadError::new(None, r.problems));
            }
        };
        let doc = model::read_document(&root, &mut r);
        let id = (!doc.meta.id.is_empty()).then(|| doc.meta.id.clone());
        let source = Components { loader: self, own_id: id.clone() };
        match compile::compile(&doc, &root, &source, &mut r) {
            Some(mut c) if r.problems.is_empty() => {
                c.text = Some((text.to_owned(), format));
                Ok(Rulebook::of(Arc::new(c)))
            }
            _ => {
                if r.problems.is_empty() {
                    r.problem(ErrorKind::Schema, None, "", "the rulebook did not compile");
                }
                Err(LoadError::new(id, r.problems))
            }
        }
    }
}

/// The file at `path` could not be read: the problem names it, the error keeps `e` as its source.
fn io_error(path: &str, e: std::io::Error) -> LoadError {
    let mut error = LoadError::new(
        None,
        vec![Problem {
            kind: ErrorKind::Io,
            location: Location { file: Some(path.to_owned()), ..Location::default() },
            message: format!("cannot read {path}: {e}"),
        }],
    );
    error.io = crate::error::IoSource::of(e);
    error
}

struct Components<'a> {
    loader: &'a Loader,
    own_id: Option<String>,
}

impl ComponentSource for Components<'_> {
    fn find(&self, id: &str) -> Result<Arc<Compiled>, NotFound> {
        if self.own_id.as_deref() == Some(id) || self.loader.loading.iter().any(|l| l == id) {
            let mut chain: Vec<&str> = self.loader.loading.iter().map(String::as_str).collect();
            chain.extend(self.own_id.as_deref());
            chain.push(id);
            return Err(NotFound::Refused(
                ErrorKind::Cycle,
                format!("rulebook `{id}` reaches itself through components: {}", chain.join(" → ")),
            ));
        }
        if let Some(rb) = self.loader.extra.iter().find(|r| r.id() == id) {
            return Ok(rb.compiled.clone());
        }
        if self.loader.file_lookup {
            for dir in &self.loader.search {
                if let Some(found) = self.file(dir, id)? {
                    return Ok(found.compiled);
                }
            }
        }
        Rulebook::builtin(id).map(|rb| rb.compiled).map_err(|_| NotFound::Missing)
    }

    fn known(&self) -> Vec<String> {
        let extra = self.loader.extra.iter().map(|r| r.id().to_owned());
        extra.chain(Rulebook::builtin_ids().into_iter().map(str::to_owned)).collect()
    }
}

impl Components<'_> {
    /// `<id>.toml` or `<id>.json` in `dir`, loaded; a file that resolves (through links) to a place
    /// outside `dir` is refused rather than read.
    fn file(&self, dir: &Path, id: &str) -> Result<Option<Rulebook>, NotFound> {
        for ext in ["toml", "json"] {
            let candidate = dir.join(format!("{id}.{ext}"));
            if !candidate.is_file() {
                continue;
            }
            let (Ok(folder), Ok(real)) = (dir.canonicalize(), candidate.canonicalize()) else { continue };
            if real.parent() != Some(folder.as_path()) {
                return Err(NotFound::Refused(
                    ErrorKind::Schema,
                    format!(
                        "component `{id}`: {} leads outside {} (a link); it is not read",
                        candidate.display(),
                        dir.display()
                    ),
                ));
            }
            let mut inner = self.loader.clone();
            inner.loading.extend(self.own_id.clone());
            let rb = inner.load_file(&candidate).map_err(|e| {
                match e.problems.iter().find(|p| p.kind == ErrorKind::Cycle) {
                    // A cycle found deeper is this reference's problem too.
                    Some(cycle) => NotFound::Refused(ErrorKind::Cycle, cycle.message.clone()),
                    None => NotFound::Broken(e.problems),
                }
            })?;
            if rb.id() != id {
                return Err(NotFound::Refused(
                    ErrorKind::Schema,
                    format!("{} declares the id `{}`, not `{id}`", candidate.display(), rb.id()),
                ));
            }
            return Ok(Some(rb));
        }
        Ok(None)
    }
}

use crate::builtin::BUILTINS;

fn builtin_cache() -> &'static Mutex<HashMap<&'static str, Rulebook>> {
    static CACHE: OnceLock<Mutex<HashMap<&'static str, Rulebook>>> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

impl Rulebook {
    /// Load a rulebook from text.
    ///
    /// ```
    /// use kaoping::{Format, Rulebook};
    /// let rb = Rulebook::from_str(r#"
    /// [rulebook]
    /// id = "demo"
    /// title = "示例"
    /// version = "1"
    /// [inputs]
    /// rate = { type = "decimal" }
    /// [[indicator]]
    /// id = "rate"
    /// label = "达标率"
    /// points = 10
    /// linear = { input = "rate", from = [60, 0], to = [100, 10] }
    /// "#, Format::Toml).unwrap();
    /// assert_eq!(rb.id(), "demo");
    /// ```
    pub fn from_str(text: &str, format: Format) -> Result<Rulebook, LoadError> {
        Loader::new().load_str(text, format)
    }

    /// Load a rulebook from a TOML or JSON file (by extension).
    pub fn from_file(path: impl AsRef<Path>) -> Result<Rulebook, LoadError> {
        Loader::new().load_file(path)
    }

    /// A built-in rulebook by id.
    pub fn builtin(id: &str) -> Result<Rulebook, LoadError> {
        let Some(&(key, text)) = BUILTINS.iter().find(|(k, _)| *k == id) else {
            return Err(LoadError::new(
                Some(id.to_owned()),
                vec![Problem {
                    kind: ErrorKind::UnknownName,
                    location: Location::default(),
                    message: format!(
                        "no built-in rulebook `{id}`; available: {}",
                        Rulebook::builtin_ids().join(", ")
                    ),
                }],
            ));
        };
        if let Some(rb) = builtin_cache().lock().ok().and_then(|c| c.get(key).cloned()) {
            return Ok(rb);
        }
        // Compile outside the lock: a built-in may load other built-ins as components.
        let rb = Loader::new().load(text, Format::Toml, Some(format!("builtin:{key}")))?;
        if let Ok(mut c) = builtin_cache().lock() {
            c.insert(key, rb.clone());
        }
        Ok(rb)
    }

    /// Drop the compiled built-in rulebooks [`Rulebook::builtin`] keeps for reuse. Rulebooks
    /// already handed out stay valid; the next `builtin` call compiles its rulebook again. For a
    /// long-running process that wants the memory back, and for leak checkers (valgrind): the cache
    /// otherwise lives until the process exits.
    pub fn clear_builtin_cache() {
        let mut cache = builtin_cache().lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        // A new map, not `clear()`: `clear` keeps the table's allocation.
        *cache = HashMap::new();
    }

    /// The ids of the built-in rulebooks.
    pub fn builtin_ids() -> Vec<&'static str> {
        BUILTINS.iter().map(|(k, _)| *k).collect()
    }

    /// A rulebook of a compiled one, with its batch plan made now.
    pub(crate) fn of(compiled: Arc<Compiled>) -> Rulebook {
        let plan = Arc::new(crate::eval::columnar::plan(&compiled));
        Rulebook { compiled, plan }
    }

    pub(crate) fn compiled(&self) -> &Compiled {
        &self.compiled
    }

    /// The batch executor's plan.
    pub(crate) fn plan(&self) -> &Plan {
        &self.plan
    }

    /// The rulebook's `id` (`sc.poverty.county-assessment`).
    pub fn id(&self) -> &str {
        &self.compiled.meta.id
    }

    /// Its `title`, as published.
    pub fn title(&self) -> &str {
        &self.compiled.meta.title
    }

    /// Its `version`, as written in the file.
    pub fn version(&self) -> &str {
        &self.compiled.meta.version
    }

    /// SHA-256 of the canonical form (independent of whitespace, comments and key order).
    pub fn fingerprint(&self) -> &str {
        &self.compiled.fingerprint
    }

    /// Decimal places of published points.
    pub fn scale(&self) -> u32 {
        self.compiled.meta.scale
    }

    /// Whether the rulebook says it is an illustrative example (示例方案).
    pub fn is_illustrative(&self) -> bool {
        self.compiled.meta.illustrative
    }

    /// The rulebook's description and notes.
    pub fn description(&self) -> (Option<&str>, Option<&str>) {
        (self.compiled.meta.description.as_deref(), self.compiled.meta.notes.as_deref())
    }

    /// The document it implements.
    pub fn source(&self) -> Option<&str> {
        self.compiled.meta.source.as_deref()
    }

    /// The text it was loaded from.
    pub fn text(&self) -> Option<&str> {
        self.compiled.text.as_ref().map(|(t, _)| t.as_str())
    }

    /// The format of the text it was loaded from ([`text`](Self::text)).
    pub fn text_format(&self) -> Option<Format> {
        self.compiled.text.as_ref().map(|(_, f)| *f)
    }

    /// The rulebooks its `component` rules name, each once, in the order they are first named.
    /// With [`text`](Self::text) and [`text_format`](Self::text_format) this is what loading the
    /// same rulebook again elsewhere needs (another process, another machine): a [`Loader`]
    /// `with` each of them (each rebuilt the same way), then `load_str`.
    pub fn components(&self) -> Vec<Rulebook> {
        self.compiled.components.iter().map(|link| Rulebook::of(link.book.clone())).collect()
    }

    /// The rulebook that scores each item of list input `input` (`rulebook = "id"`, spec §18.2),
    /// or `None` when `input` is not such a list. Bindings read its inputs to convert items, and
    /// with [`components`](Self::components) it is what loading this rulebook again elsewhere
    /// needs.
    ///
    /// ```
    /// use kaoping::{Format, Loader, Rulebook};
    /// let household = "[rulebook]\nid = \"t.hh\"\nversion = \"1\"\n[inputs]\nmembers = { type = \"integer\" }\n";
    /// let village = "[rulebook]\nid = \"t.v\"\nversion = \"1\"\n[inputs]\n\
    ///                households = { type = \"items\", rulebook = \"t.hh\" }\nmarks = { type = \"numbers\" }\n";
    /// let rb = Loader::new().with(Rulebook::from_str(household, Format::Toml)?).load_str(village, Format::Toml)?;
    /// assert_eq!(rb.item_rulebook("households").map(|r| r.id().to_owned()).as_deref(), Some("t.hh"));
    /// assert!(rb.item_rulebook("marks").is_none() && rb.item_rulebook("nope").is_none());
    /// # Ok::<(), kaoping::LoadError>(())
    /// ```
    pub fn item_rulebook(&self, input: &str) -> Option<Rulebook> {
        self.compiled.lists.iter().find(|l| l.name == input).and_then(|l| match &l.shape {
            compile::ListShape::Scored { book, .. } => Some(Rulebook::of(book.clone())),
            _ => None,
        })
    }

    /// Maximum total in a profile (`None`: base), `None` for a criteria-only rulebook or a profile
    /// it does not declare. The profile is named as for scoring (see [`Rulebook::check_profile`]).
    pub fn max(&self, profile: Option<&str>) -> Option<Decimal> {
        let c = &self.compiled;
        if !c.has_total() {
            return None;
        }
        let p = self.profile_position(profile)?;
        c.max[p].to_decimal_at(c.meta.scale, c.meta.rounding)
    }

    /// The position of a profile named for a call (0: the base values), read as scoring reads it:
    /// surrounding spaces ignored, an empty name is no profile. `None`: not declared.
    fn profile_position(&self, profile: Option<&str>) -> Option<usize> {
        match profile.map(str::trim) {
            None | Some("") => Some(0),
            Some(name) => self.compiled.profile_index.get(name).map(|&p| p as usize),
        }
    }

    /// Declared profiles.
    pub fn profiles(&self) -> Vec<&str> {
        self.compiled.profiles[1..].iter().map(|p| p.name.as_str()).collect()
    }

    /// Whether the rulebook has relative rules (a batch then gathers the cohort first; one record
    /// alone needs cohort figures).
    pub fn has_relative_rules(&self) -> bool {
        !self.compiled.relatives.is_empty()
    }

    /// Whether the rulebook has `component` rules (results then carry the vetoes that fired inside
    /// components).
    pub fn has_component_rules(&self) -> bool {
        !self.compiled.components.is_empty()
    }

    /// Whether the rulebook has a total (it has indicators), or only criteria.
    pub fn has_total(&self) -> bool {
        self.compiled.has_total()
    }

    /// Criteria as (id, label), in file order.
    pub fn criteria(&self) -> Vec<(&str, &str)> {
        self.compiled.criteria.iter().map(|c| (c.id.as_str(), c.label.as_str())).collect()
    }

    /// Vetoes as (id, label), in file order.
    pub fn vetoes(&self) -> Vec<(&str, &str)> {
        self.compiled.vetoes.iter().map(|v| (v.id.as_str(), v.label.as_str())).collect()
    }

    /// Grade labels, best first.
    pub fn grades(&self) -> Vec<&str> {
        self.compiled.grades.iter().map(|g| g.label.as_str()).collect()
    }

    /// Indicators in file order.
    pub fn indicators(&self) -> Vec<IndicatorInfo> {
        let c = &self.compiled;
        c.nodes
            .iter()
            .enumerate()
            .map(|(i, n)| IndicatorInfo {
                id: n.id.clone(),
                label: n.label.clone(),
                depth: n.depth,
                parent: n.parent.map(|p| c.nodes[p as usize].id.clone()),
                points: c.points[0][i].to_decimal_at(c.meta.scale, c.meta.rounding).unwrap_or_default(),
                rule: n.rule.as_ref().map(|r| r.kind().to_owned()),
                source: n.source.clone(),
                is_leaf: n.children.is_empty(),
                description: n.description.clone(),
            })
            .collect()
    }

    /// `name` as a column or field that is no input of this rulebook, with the input it probably
    /// meant (a misspelling of its name or label), for warnings.
    pub fn not_an_input(&self, name: &str) -> crate::input::NotAnInput {
        crate::input::NotAnInput::of(&self.compiled.schema, name)
    }

    /// Profiles with their labels and descriptions, in file order.
    pub fn profile_info(&self) -> Vec<ProfileInfo> {
        self.compiled.profiles[1..]
            .iter()
            .map(|p| ProfileInfo {
                name: p.name.clone(),
                label: p.label.clone(),
                description: p.description.clone(),
            })
            .collect()
    }

    /// Grades, best first, with the bound each needs (in the base profile, on the rulebook's date).
    pub fn grade_info(&self) -> Vec<GradeInfo> {
        let c = &self.compiled;
        c.grades
            .iter()
            .map(|g| {
                let (op, strict) = match &g.bound {
                    Some(crate::compile::Bound::AtLeast(op)) => (Some(op), false),
                    Some(crate::compile::Bound::Above(op)) => (Some(op), true),
                    None => (None, false),
                };
                let bound = op
                    .and_then(|op| c.operand_value(op, 0, c.meta.as_of))
                    .and_then(|n| n.to_decimal_at(c.meta.scale, c.meta.rounding));
                GradeInfo { label: g.label.clone(), bound, strict, description: g.description.clone() }
            })
            .collect()
    }

    /// Every indicator's points (its maximum) in `profile` (`None`: the base values), in file
    /// order as [`Rulebook::indicators`] lists them; `None` for a profile the rulebook does not
    /// declare. Profiles may give an indicator other points than the base (`[profiles."X".points]`).
    pub fn indicator_points(&self, profile: Option<&str>) -> Option<Vec<Decimal>> {
        let c = &self.compiled;
        let p = self.profile_position(profile)?;
        Some(
            c.points[p]
                .iter()
                .map(|n| n.to_decimal_at(c.meta.scale, c.meta.rounding).unwrap_or_default())
                .collect(),
        )
    }

    /// Every indicator's weight in `profile` (`None`: the base values), in file order as
    /// [`Rulebook::indicators`] lists them: `Some` for the children of a weighted indicator
    /// (`aggregate = "weighted"`), `None` elsewhere; `None` for a profile the rulebook does not
    /// declare. With the points, what it takes to tell how much of a total each leaf contributes.
    pub fn indicator_weights(&self, profile: Option<&str>) -> Option<Vec<Option<Decimal>>> {
        let c = &self.compiled;
        let p = self.profile_position(profile)?;
        // Weights are written in the rulebook as decimals (a few places), so 12 places keep them
        // whole.
        let exact = |n: &crate::num::Num| n.to_decimal_at(12, c.meta.rounding).map(|d| d.normalize());
        Some(c.weights[p].iter().map(|w| w.as_ref().and_then(exact)).collect())
    }

    /// Inputs in declaration order (including those only components declare).
    pub fn inputs(&self) -> Vec<InputInfo> {
        self.compiled
            .schema
            .inputs
            .iter()
            .map(|i| InputInfo {
                name: i.name.clone(),
                ty: i.ty.name().to_owned(),
                label: i.label.clone(),
                unit: i.unit.clone(),
                required: i.required && i.default.is_none(),
                values: i.values.clone(),
                min: i.min.as_ref().map(crate::rules::show),
                max: i.max.as_ref().map(crate::rules::show),
                fields: i.item_fields().map(|(n, t)| (n.to_owned(), t.name().to_owned())).collect(),
                rulebook: i.rulebook.clone(),
                actionable: i.actionable,
            })
            .collect()
    }

    /// The index of an input (for [`Record::set_at`]).
    pub fn input_index(&self, name: &str) -> Option<usize> {
        self.compiled.schema.index.get(name).map(|&i| i as usize)
    }

    /// The index of an input by its name or its label (e.g. a Chinese column header).
    pub fn input_by_name_or_label(&self, name: &str) -> Option<usize> {
        let name = name.trim();
        self.input_index(name)
            .or_else(|| self.compiled.schema.inputs.iter().position(|i| i.label.as_deref() == Some(name)))
    }

    /// Whether an input is a list (`numbers` or `items`).
    pub fn input_is_list(&self, index: usize) -> bool {
        self.compiled
            .schema
            .inputs
            .get(index)
            .is_some_and(|i| matches!(i.ty, InputType::Numbers | InputType::Items))
    }

    /// Whether an input is an `items` list (filled from a separate table joined on the key).
    pub fn input_is_items(&self, index: usize) -> bool {
        self.compiled.schema.inputs.get(index).is_some_and(|i| i.ty == InputType::Items)
    }

    /// The name of the input that names records (`key_field`), if any.
    pub fn key_field_name(&self) -> Option<String> {
        self.compiled.key_field.map(|k| self.compiled.schema.inputs[k as usize].name.clone())
    }

    /// The name of the input that names a record's profile (`profile_field`), if any.
    pub fn profile_field_name(&self) -> Option<String> {
        self.compiled.profile_field.map(|k| self.compiled.schema.inputs[k as usize].name.clone())
    }

    /// An empty record for this rulebook.
    pub fn record(&self) -> Record {
        Record::new(self.compiled.schema.clone())
    }

    /// A record from a JSON object (`null` = missing). Decimals may be JSON numbers (read from
    /// their text, never through a float) or strings.
    pub fn record_from_json(&self, json: &str) -> Result<Record, RecordError> {
        let node = syntax::parse(json, Format::Json).map_err(|problems| {
            let p = &problems[0];
            let at = p.pos.map(|p| format!(" at {p}")).unwrap_or_default();
            RecordError::one(Issue {
                kind: ErrorKind::Syntax,
                field: None,
                at: None,
                item: None,
                value: None,
                message: format!("the record is not valid JSON{at}: {}", p.message),
            })
        })?;
        self.record_from_node(&node)
    }

    /// A record from a JSON value a web framework already parsed (`null` = missing), read as
    /// [`record_from_json`](Rulebook::record_from_json) reads its text. serde_json keeps numbers
    /// as `i64`/`u64`/`f64`: a float is read from its shortest round-trip text; send decimals as
    /// strings to keep every digit.
    pub fn record_from_value(&self, value: &serde_json::Value) -> Result<Record, RecordError> {
        self.record_from_json(&value.to_string())
    }

    /// A record from any value that serialises to a JSON object (a struct with
    /// `#[derive(Serialize)]`, a map), its fields named as the inputs. A value that does not
    /// serialise is an `InputType` error.
    ///
    /// ```
    /// #[derive(serde::Serialize)]
    /// struct Survey { sampled: u32, satisfied: u32 }
    /// let rb = kaoping::Rulebook::builtin("example.county-assessment")?;
    /// let r = rb.record_from_serialize(&Survey { sampled: 320, satisfied: 266 })?;
    /// assert_eq!(r.get("sampled"), Some(&kaoping::Value::Integer(320)));
    /// # Ok::<(), kaoping::Error>(())
    /// ```
    pub fn record_from_serialize<T: serde::Serialize + ?Sized>(
        &self,
        value: &T,
    ) -> Result<Record, RecordError> {
        let text = serde_json::to_string(value).map_err(|e| {
            RecordError::one(Issue {
                kind: ErrorKind::InputType,
                field: None,
                at: None,
                item: None,
                value: None,
                message: format!("the value does not serialise to JSON: {e}"),
            })
        })?;
        self.record_from_json(&text)
    }

    pub(crate) fn record_from_node(&self, node: &syntax::Node) -> Result<Record, RecordError> {
        let mut rec = self.record();
        rec.fill_from_node(node).map_err(RecordError::one)?;
        Ok(rec)
    }

    /// Records from a JSON array of objects. A row that is not an object gets an error in its slot.
    pub fn records_from_json(&self, json: &str) -> Result<Vec<Result<Record, RecordError>>, RecordError> {
        let node = syntax::parse(json, Format::Json).map_err(|problems| {
            let p = &problems[0];
            let at = p.pos.map(|p| format!(" at {p}")).unwrap_or_default();
            RecordError::one(Issue {
                kind: ErrorKind::Syntax,
                field: None,
                at: None,
                item: None,
                value: None,
                message: format!("not valid JSON{at}: {}", p.message),
            })
        })?;
        let syntax::Value::Array(items) = &node.value else {
            return Err(RecordError::one(Issue {
                kind: ErrorKind::InputType,
                field: None,
                at: None,
                item: None,
                value: None,
                message: "expected a JSON array of records".into(),
            }));
        };
        Ok(items
            .iter()
            .enumerate()
            .map(|(i, n)| {
                self.record_from_node(n).map_err(|mut e| {
                    e.row = Some(i + 1);
                    e
                })
            })
            .collect())
    }

    /// The record as this rulebook sees it: itself, or re-bound by name if it was made for
    /// another rulebook.
    pub(crate) fn bind<'a>(&self, record: &'a Record) -> Cow<'a, Record> {
        if Arc::ptr_eq(&record.schema, &self.compiled.schema) {
            return Cow::Borrowed(record);
        }
        let mut out = self.record();
        for (i, input) in record.schema.inputs.iter().enumerate() {
            if let Some(v) = &record.values[i] {
                out.set(&input.name, v.clone());
            }
        }
        for u in record.unknown_fields() {
            out.set(u, crate::Value::Bool(false));
        }
        for (slot, issue) in &record.decode {
            if let Some(&mine) = self.compiled.schema.index.get(&record.schema.inputs[*slot as usize].name) {
                out.decode.push((mine, issue.clone()));
            }
        }
        Cow::Owned(out)
    }

    /// Check a profile given for a whole call (Python `profile=`, the command's `--profile`, C
    /// options' profile): `Ok` when it is `None` or names a declared profile, else the call's
    /// `UnknownProfile` error, naming the profile and the declared ones.
    ///
    /// This is the meaning every surface gives an undeclared profile for a whole call: **the call
    /// is refused before any row is scored** (a single record and a batch alike), rather than
    /// every row failing with the same error. The name is read exactly as scoring reads it
    /// (surrounding spaces ignored; an empty name is no profile: the base values, for every row),
    /// so a profile this accepts never fails a row, and one it refuses would fail every row.
    /// [`Rulebook::score`] and the batch functions still fail the rows of such a call one by one;
    /// a surface refuses the call first.
    ///
    /// ```
    /// use kaoping::{ErrorKind, Rulebook};
    /// let rb = Rulebook::builtin("example.county-assessment").unwrap();
    /// assert!(rb.check_profile(None).is_ok());
    /// assert!(rb.check_profile(Some("片区外")).is_ok());
    /// let e = rb.check_profile(Some("火星")).unwrap_err();
    /// assert_eq!(e.kind(), ErrorKind::UnknownProfile);
    /// assert_eq!(e.first().value.as_deref(), Some("火星"));
    /// assert!(e.first().message.contains("declared: 乌蒙山区, 凉山彝区"), "{e}");
    /// ```
    pub fn check_profile(&self, profile: Option<&str>) -> Result<(), RecordError> {
        let Some(name) = profile else { return Ok(()) };
        let empty = self.record();
        eval::resolve_profile(&self.compiled, &View::of(&empty), ProfileChoice::Named(name))
            .map(|_| ())
            .map_err(RecordError::one)
    }

    /// Score one record, with its full explanation.
    ///
    /// ```
    /// use kaoping::{Rulebook, ScoreOptions};
    /// let rb = Rulebook::builtin("example.county-assessment").unwrap();
    /// let mut r = rb.record();
    /// r.set("county", "示例县");
    /// r.set("region", "凉山彝区");
    /// r.set("population", 100_000);
    /// r.set("poor_population", 3_000);
    /// r.set("income_growth", 6);
    /// r.set("sampled", 320);
    /// r.set("satisfied", 266);
    /// r.set("expert_marks", vec![7.into(), 8.into(), 9.into(), 6.into(), 10.into()] as Vec<rust_decimal::Decimal>);
    /// let out = rb.score(&r, &ScoreOptions::default()).unwrap();
    /// assert_eq!(out.total.unwrap().to_string(), "80.13");   // 266/320 satisfaction: 3.125 → 3.13
    /// assert_eq!(out.grade.as_deref(), Some("较好"));
    /// let text = kaoping::explain(&out, kaoping::Lang::Zh);
    /// assert!(text.contains("群众认可度 3.13"));
    /// ```
    pub fn score(&self, record: &Record, opts: &ScoreOptions) -> Result<Outcome, RecordError> {
        let c = &self.compiled;
        let figures = opts.cohort.as_ref().map(|k| k.figures(c));
        let record = self.bind(record);
        if let Some(e) = self.refused_fields(&record, opts.unknown, None) {
            return Err(e);
        }
        let req = Request {
            profile: opts.profile.as_deref().map_or(ProfileChoice::FromRecord, ProfileChoice::Named),
            as_of: opts.as_of,
            figures: figures.as_ref(),
            row: None,
            items: opts.items,
            joined: None,
        };
        let (_, outcome) = eval::score(c, View::of(&record), &req, true)?;
        outcome.ok_or_else(|| {
            RecordError::one(Issue::at(ErrorKind::Overflow, "outcome", "no explanation was built".into()))
        })
    }

    /// Under [`Unknown::Error`](crate::input::Unknown::Error), the error of a record with fields
    /// that are not inputs (one `UnknownName` issue each, with what was probably meant).
    pub(crate) fn refused_fields(
        &self,
        record: &Record,
        unknown: crate::input::Unknown,
        row: Option<usize>,
    ) -> Option<RecordError> {
        if unknown != crate::input::Unknown::Error || record.unknown_fields().is_empty() {
            return None;
        }
        let issues = record
            .unknown_fields()
            .iter()
            .map(|f| crate::input::NotAnInput::of(&self.compiled.schema, f).field_issue())
            .collect();
        Some(RecordError { row, key: eval::key_of(&self.compiled, &View::of(record)), issues })
    }

    /// Score a record given as JSON.
    pub fn score_json(&self, json: &str, opts: &ScoreOptions) -> Result<Outcome, RecordError> {
        self.score(&self.record_from_json(json)?, opts)
    }
}
