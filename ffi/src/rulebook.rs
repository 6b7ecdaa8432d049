//! `kp_rulebook` (a loaded, validated, immutable rulebook that many threads may share) and
//! `kp_loader` (resolves `component` rulebooks); loading from text, files and the built-ins;
//! introspection for building forms and reports.

use std::collections::HashMap;
use std::ffi::{CString, c_char};
use std::path::PathBuf;
use std::ptr;
use std::sync::{Arc, OnceLock};

use kaoping_core::{Format, Loader, Rulebook};
use serde_json::json;

use crate::boundary::{
    Failure, Handle, Out, borrow, borrow_mut, boundary, c_str, free, give_string, guard, into_raw,
    status_only, text_buf, to_c_string,
};
use crate::declared::Declared;
use crate::error::kp_error;
use crate::status::kp_status;

/// A loaded rulebook: validated, compiled and immutable. One rulebook may be used by many threads
/// at once (scoring only reads it); free it once, after the last use, with `kp_rulebook_free`.
/// Records and results made from it stay valid after it is freed.
pub struct kp_rulebook {
    _private: [u8; 0],
}

/// A loader: resolves `component` references against the rulebooks added to it, the directories
/// it searches, and the built-ins. Not to be changed by one thread while another uses it.
pub struct kp_loader {
    _private: [u8; 0],
}

/// The text format of a rulebook: `KP_FORMAT_TOML` or `KP_FORMAT_JSON`.
pub type kp_format = i32;
/// A rulebook written in TOML.
pub const KP_FORMAT_TOML: kp_format = 1;
/// A rulebook written in JSON.
pub const KP_FORMAT_JSON: kp_format = 2;

/// The declared type of an input (or of an item's field): one of the `KP_INPUT_*` codes.
pub type kp_input_type = i32;
/// A decimal number.
pub const KP_INPUT_DECIMAL: kp_input_type = 1;
/// A whole number.
pub const KP_INPUT_INTEGER: kp_input_type = 2;
/// true or false.
pub const KP_INPUT_BOOLEAN: kp_input_type = 3;
/// Text.
pub const KP_INPUT_TEXT: kp_input_type = 4;
/// A list of decimals (a panel's marks).
pub const KP_INPUT_NUMBERS: kp_input_type = 5;
/// A list of items, each with named fields.
pub const KP_INPUT_ITEMS: kp_input_type = 6;

/// The `KP_INPUT_*` code of a type name (`"decimal"`…), 0 for another name.
pub fn input_type_code(name: &str) -> kp_input_type {
    match name {
        "decimal" => KP_INPUT_DECIMAL,
        "integer" => KP_INPUT_INTEGER,
        "boolean" => KP_INPUT_BOOLEAN,
        "text" => KP_INPUT_TEXT,
        "numbers" => KP_INPUT_NUMBERS,
        "items" => KP_INPUT_ITEMS,
        _ => 0,
    }
}

/// What the C side keeps about a rulebook: the rulebook itself and its strings as C strings, so
/// accessors can lend them without allocating.
#[derive(Debug)]
pub struct Book {
    /// The rulebook.
    pub rb: Rulebook,
    id: CString,
    title: CString,
    version: CString,
    fingerprint: CString,
    /// Each input (by index): its name, type code, and item fields with theirs.
    inputs: Vec<InputSlot>,
    /// Indicator ids and their index in file order.
    indicators: HashMap<String, usize>,
    /// Everything the rulebook declares, as C strings: made the first time a `kp_rulebook_*_at`
    /// accessor asks (a rulebook only scored never pays for it).
    declared: OnceLock<Declared>,
}

/// One input (or item field) as the setters need it.
#[derive(Debug)]
pub struct InputSlot {
    /// Its name.
    pub name: String,
    /// Its label (an item field of a `fields` list has none).
    pub label: Option<String>,
    /// Its type code.
    pub ty: kp_input_type,
    /// An items input's fields: its declared fields, or the inputs of the rulebook that scores
    /// its items (spec §18.2), themselves lists for a level further down.
    pub fields: Vec<InputSlot>,
}

impl InputSlot {
    /// The field of these named `name` (by its name, else its label), as the scorer matches them.
    pub fn find<'s>(fields: &'s [InputSlot], name: &str) -> Option<&'s InputSlot> {
        let name = name.trim();
        fields
            .iter()
            .find(|f| f.name == name)
            .or_else(|| fields.iter().find(|f| f.label.as_deref() == Some(name)))
    }
}

/// The inputs of `rb` as the setters need them, the fields of items at every level.
fn slots(rb: &Rulebook) -> Vec<InputSlot> {
    rb.inputs()
        .into_iter()
        .map(|i| {
            let ty = input_type_code(&i.ty);
            let fields = match rb.item_rulebook(&i.name) {
                // Load refuses rulebooks that reach themselves through items: this ends.
                Some(sub) => slots(&sub),
                None => i
                    .fields
                    .iter()
                    .map(|(n, t)| InputSlot {
                        name: n.clone(),
                        label: None,
                        ty: input_type_code(t),
                        fields: Vec::new(),
                    })
                    .collect(),
            };
            InputSlot { name: i.name, label: i.label, ty, fields }
        })
        .collect()
}

impl Book {
    /// Wrap a loaded rulebook.
    pub fn new(rb: Rulebook) -> Arc<Book> {
        let inputs = slots(&rb);
        let indicators = rb.indicators().into_iter().enumerate().map(|(i, n)| (n.id, i)).collect();
        Arc::new(Book {
            indicators,
            id: to_c_string(rb.id().to_owned()),
            title: to_c_string(rb.title().to_owned()),
            version: to_c_string(rb.version().to_owned()),
            fingerprint: to_c_string(rb.fingerprint().to_owned()),
            inputs,
            declared: OnceLock::new(),
            rb,
        })
    }

    /// The type code of input `index`.
    pub fn input_type(&self, index: usize) -> kp_input_type {
        self.inputs.get(index).map_or(0, |i| i.ty)
    }

    /// The number of inputs.
    pub fn input_count(&self) -> usize {
        self.inputs.len()
    }

    /// The name of input `index`.
    pub fn input_name(&self, index: usize) -> &str {
        self.inputs.get(index).map_or("", |i| i.name.as_str())
    }

    /// The index (file order) of indicator `id`.
    pub fn indicator_index(&self, id: &str) -> Option<usize> {
        self.indicators.get(id).copied()
    }

    /// The type code of field `field` (its name or label) of items input `index`.
    pub fn item_field_type(&self, index: usize, field: &str) -> Option<kp_input_type> {
        InputSlot::find(self.item_fields(index), field).map(|f| f.ty)
    }

    /// The fields of the items of input `index` (empty for an input that is no items list).
    pub fn item_fields(&self, index: usize) -> &[InputSlot] {
        self.inputs.get(index).map_or(&[], |i| i.fields.as_slice())
    }

    /// What the rulebook declares, as C strings (made on first use).
    pub fn declared(&self) -> &Declared {
        self.declared.get_or_init(|| Declared::new(&self.rb))
    }
}

impl Handle for kp_rulebook {
    type Inner = Arc<Book>;
}

impl Handle for kp_loader {
    type Inner = Loader;
}

fn format_of(code: kp_format) -> Result<Format, Failure> {
    match code {
        KP_FORMAT_TOML => Ok(Format::Toml),
        KP_FORMAT_JSON => Ok(Format::Json),
        other => Err(Failure::invalid(format!(
            "format {other} is not KP_FORMAT_TOML ({KP_FORMAT_TOML}) or KP_FORMAT_JSON ({KP_FORMAT_JSON})"
        ))),
    }
}

/// A path argument: NUL-terminated bytes, taken as they are on Unix (paths need not be UTF-8).
pub fn path_arg(p: *const c_char, arg: &str) -> Result<PathBuf, Failure> {
    if p.is_null() {
        return Err(Failure::null(arg));
    }
    // SAFETY: not NULL; the caller passes a NUL-terminated string (the header's contract).
    let raw = unsafe { std::ffi::CStr::from_ptr(p) }.to_bytes();
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        Ok(PathBuf::from(std::ffi::OsStr::from_bytes(raw)))
    }
    #[cfg(not(unix))]
    {
        let _ = raw;
        c_str(p, arg).map(PathBuf::from)
    }
}

fn give_book(out: Out<*mut kp_rulebook>, rb: Rulebook) {
    out.set(into_raw::<kp_rulebook>(Book::new(rb)));
}

/// Load a rulebook from `len` bytes of UTF-8 text (not necessarily NUL-terminated) in `format`
/// (`KP_FORMAT_TOML` or `KP_FORMAT_JSON`). Built-in rulebooks are available as components.
///
/// `KP_LOAD_ERROR` when it does not load: `*err` lists every problem with its line, column and
/// path. `KP_INVALID_ARGUMENT` for an unknown format code, `KP_INVALID_UTF8` for text that is not
/// UTF-8.
#[unsafe(no_mangle)]
pub extern "C" fn kp_rulebook_from_str(
    text: *const c_char,
    len: usize,
    format: kp_format,
    out: *mut *mut kp_rulebook,
    err: *mut *mut kp_error,
) -> kp_status {
    boundary(err, || {
        let out = Out::new(out, "out")?;
        let format = format_of(format)?;
        let text = text_buf(text, len, "text")?;
        let rb = Rulebook::from_str(text, format).map_err(Failure::load)?;
        give_book(out, rb);
        Ok(())
    })
}

/// Load a rulebook from a file (`.json` is JSON, anything else TOML). `path` is NUL-terminated;
/// on Unix its bytes are used as they are. Components are also looked for next to the file, as
/// `<id>.toml` or `<id>.json`.
///
/// `KP_LOAD_ERROR` when it does not load (a file that cannot be read is a problem of kind
/// `KP_KIND_IO`).
#[unsafe(no_mangle)]
pub extern "C" fn kp_rulebook_from_file(
    path: *const c_char,
    out: *mut *mut kp_rulebook,
    err: *mut *mut kp_error,
) -> kp_status {
    boundary(err, || {
        let out = Out::new(out, "out")?;
        let path = path_arg(path, "path")?;
        let rb = Rulebook::from_file(&path).map_err(Failure::load)?;
        give_book(out, rb);
        Ok(())
    })
}

/// A built-in rulebook by id (see `kp_builtin_ids`). An unknown id is `KP_LOAD_ERROR` with one
/// problem of kind `KP_KIND_UNKNOWN_NAME` listing the ids there are.
#[unsafe(no_mangle)]
pub extern "C" fn kp_rulebook_builtin(
    id: *const c_char,
    out: *mut *mut kp_rulebook,
    err: *mut *mut kp_error,
) -> kp_status {
    boundary(err, || {
        let out = Out::new(out, "out")?;
        let id = c_str(id, "id")?;
        let rb = Rulebook::builtin(id).map_err(Failure::load)?;
        give_book(out, rb);
        Ok(())
    })
}

struct BuiltinIds {
    _names: Vec<CString>,
    ptrs: Vec<*const c_char>,
}

// SAFETY: the pointers point into the CStrings this struct owns; neither is ever changed or freed
// (it lives in a static).
unsafe impl Send for BuiltinIds {}
unsafe impl Sync for BuiltinIds {}

/// The ids of the built-in rulebooks: `*ids` gets a static array of `*count` static NUL-terminated
/// strings (never freed).
#[unsafe(no_mangle)]
pub extern "C" fn kp_builtin_ids(ids: *mut *const *const c_char, count: *mut usize) -> kp_status {
    status_only(|| {
        let ids = Out::new(ids, "ids")?;
        let count = Out::new(count, "count")?;
        static IDS: OnceLock<BuiltinIds> = OnceLock::new();
        let all = IDS.get_or_init(|| {
            let names: Vec<CString> =
                Rulebook::builtin_ids().into_iter().map(|s| to_c_string(s.to_owned())).collect();
            let ptrs = names.iter().map(|c| c.as_ptr()).collect();
            BuiltinIds { _names: names, ptrs }
        });
        ids.set(all.ptrs.as_ptr());
        count.set(all.ptrs.len());
        Ok(())
    })
}

/// A variant of `rb`: a new rulebook with `count` changes, validated like one loaded from a file
/// (spec §15; issue #23). `keys[i]` names what changes — `NAME` (a parameter's base value),
/// `NAME@PROFILE`, `NAME:YYYY-MM-DD` (a dated parameter from that date on), `points.ID`,
/// `weight.ID` (each with `@PROFILE` too) — and `values[i]` is its new value as decimal text
/// (`"2.5"`); both arrays hold `count` NUL-terminated UTF-8 strings. The variant's version ends in
/// `+variant`, and `kp_rulebook_describe_json` shows its `variant_of` (the base's id, version and
/// fingerprint, and the changes). `rb` stays as it was; free the variant with `kp_rulebook_free`.
///
/// `KP_LOAD_ERROR` when a change cannot be read or applied (an unknown parameter, profile or
/// indicator: the problem's path names the change) or the changed rulebook does not load (points
/// that no longer add up…): `*err` lists every problem.
#[unsafe(no_mangle)]
pub extern "C" fn kp_rulebook_with_params(
    rb: *const kp_rulebook,
    keys: *const *const c_char,
    values: *const *const c_char,
    count: usize,
    out: *mut *mut kp_rulebook,
    err: *mut *mut kp_error,
) -> kp_status {
    boundary(err, || {
        let book = borrow::<kp_rulebook>(rb, "rb")?;
        let out = Out::new(out, "out")?;
        let keys = string_array(keys, count, "keys")?;
        let values = string_array(values, count, "values")?;
        let variant = keys.iter().zip(&values).fold(book.rb.variant(), |v, (k, x)| v.set(k, x));
        give_book(out, variant.build().map_err(Failure::load)?);
        Ok(())
    })
}

/// `count` NUL-terminated UTF-8 strings from an array of pointers (none NULL).
pub(crate) fn string_array<'a>(
    p: *const *const c_char,
    count: usize,
    arg: &str,
) -> Result<Vec<&'a str>, Failure> {
    let ptrs = crate::boundary::pointer_array(p, count, arg)?;
    ptrs.iter().enumerate().map(|(i, s)| c_str(*s, &format!("{arg}[{i}]"))).collect()
}

/// Free a rulebook. NULL is a no-op. Records and results made from it stay valid.
#[unsafe(no_mangle)]
pub extern "C" fn kp_rulebook_free(rb: *mut kp_rulebook) {
    guard(|| free(rb))
}

/// The rulebook's id, borrowed from `rb` (valid until `kp_rulebook_free`); NULL for NULL.
#[unsafe(no_mangle)]
pub extern "C" fn kp_rulebook_id(rb: *const kp_rulebook) -> *const c_char {
    guard(|| borrow::<kp_rulebook>(rb, "rb").map_or(ptr::null(), |b| b.id.as_ptr()))
}

/// The rulebook's title, borrowed from `rb`; NULL for NULL.
#[unsafe(no_mangle)]
pub extern "C" fn kp_rulebook_title(rb: *const kp_rulebook) -> *const c_char {
    guard(|| borrow::<kp_rulebook>(rb, "rb").map_or(ptr::null(), |b| b.title.as_ptr()))
}

/// The rulebook's version, borrowed from `rb`; NULL for NULL.
#[unsafe(no_mangle)]
pub extern "C" fn kp_rulebook_version(rb: *const kp_rulebook) -> *const c_char {
    guard(|| borrow::<kp_rulebook>(rb, "rb").map_or(ptr::null(), |b| b.version.as_ptr()))
}

/// The SHA-256 fingerprint of the rulebook's canonical form (the same whatever its whitespace,
/// comments or key order), borrowed from `rb`; NULL for NULL. Results carry it too.
#[unsafe(no_mangle)]
pub extern "C" fn kp_rulebook_fingerprint(rb: *const kp_rulebook) -> *const c_char {
    guard(|| borrow::<kp_rulebook>(rb, "rb").map_or(ptr::null(), |b| b.fingerprint.as_ptr()))
}

/// The declared type of input `input` (its name or its label; a `KP_INPUT_*` code). `KP_NOT_FOUND`
/// when the rulebook has no such input.
#[unsafe(no_mangle)]
pub extern "C" fn kp_rulebook_input_type(
    rb: *const kp_rulebook,
    input: *const c_char,
    out: *mut kp_input_type,
) -> kp_status {
    status_only(|| {
        let book = borrow::<kp_rulebook>(rb, "rb")?;
        let input = c_str(input, "input")?;
        let out = Out::new(out, "out")?;
        let i = input_index(book, input)?;
        out.set(book.input_type(i));
        Ok(())
    })
}

/// The declared type of field `field` of the items input `input` (its name or its label).
/// `KP_NOT_FOUND` when there is no such input or field.
#[unsafe(no_mangle)]
pub extern "C" fn kp_rulebook_item_field_type(
    rb: *const kp_rulebook,
    input: *const c_char,
    field: *const c_char,
    out: *mut kp_input_type,
) -> kp_status {
    status_only(|| {
        let book = borrow::<kp_rulebook>(rb, "rb")?;
        let input = c_str(input, "input")?;
        let field = c_str(field, "field")?;
        let out = Out::new(out, "out")?;
        let i = input_index(book, input)?;
        let t = book.item_field_type(i, field).ok_or_else(|| {
            Failure::new(kp_status::KP_NOT_FOUND, format!("input `{input}` has no item field `{field}`"))
        })?;
        out.set(t);
        Ok(())
    })
}

/// Input `input` of the rulebook, by its name or its label.
fn input_index(book: &Book, input: &str) -> Result<usize, Failure> {
    book.rb.input_by_name_or_label(input).ok_or_else(|| {
        Failure::new(kp_status::KP_NOT_FOUND, format!("`{input}` is not an input of the rulebook"))
    })
}

/// The rulebook described as JSON, for building forms and reports: `{"id", "title", "version",
/// "fingerprint", "scale", "illustrative", "source", "key_field", "profile_field", "max",
/// "profiles": [..], "grades": [..], "inputs": [{"name", "ty", "label", "unit", "required",
/// "values", "min", "max", "fields"}], "indicators": [{"id", "label", "depth", "parent", "points",
/// "rule", "source", "is_leaf"}], "variant_of": null or {"id", "version", "fingerprint",
/// "changes": [..]}, "provenance": [{"method", "node", "written_as", "date", "input_fingerprint",
/// "settings"}]}`, decimals as strings. `*out` is freed with `kp_string_free`; `out_len` (may be
/// NULL) gets its length.
#[unsafe(no_mangle)]
pub extern "C" fn kp_rulebook_describe_json(
    rb: *const kp_rulebook,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> kp_status {
    status_only(|| {
        let book = borrow::<kp_rulebook>(rb, "rb")?;
        let out = Out::new(out, "out")?;
        let rb = &book.rb;
        let doc = json!({
            "id": rb.id(),
            "title": rb.title(),
            "version": rb.version(),
            "fingerprint": rb.fingerprint(),
            "scale": rb.scale(),
            "illustrative": rb.is_illustrative(),
            "source": rb.source(),
            "key_field": rb.key_field_name(),
            "profile_field": rb.profile_field_name(),
            "max": rb.max(None).map(|d| d.to_string()),
            "profiles": rb.profiles(),
            "grades": rb.grades(),
            "inputs": rb.inputs(),
            "indicators": rb.indicators(),
            "variant_of": rb.variant_of(),
            "provenance": rb.provenance(),
        });
        give_string(out, out_len, doc.to_string());
        Ok(())
    })
}

/// A new loader that knows the built-in rulebooks. Free it with `kp_loader_free`.
#[unsafe(no_mangle)]
pub extern "C" fn kp_loader_new(out: *mut *mut kp_loader) -> kp_status {
    status_only(|| {
        let out = Out::new(out, "out")?;
        out.set(into_raw::<kp_loader>(Loader::new()));
        Ok(())
    })
}

/// Make `component` available, by its id, to the rulebooks this loader loads. The loader keeps
/// its own reference: `component` may be freed afterwards.
#[unsafe(no_mangle)]
pub extern "C" fn kp_loader_add(loader: *mut kp_loader, component: *const kp_rulebook) -> kp_status {
    status_only(|| {
        let loader = borrow_mut::<kp_loader>(loader, "loader")?;
        let book = borrow::<kp_rulebook>(component, "component")?;
        *loader = std::mem::take(loader).with(book.rb.clone());
        Ok(())
    })
}

/// Look for component rulebooks in directory `dir` (NUL-terminated), as `<id>.toml` or `<id>.json`.
#[unsafe(no_mangle)]
pub extern "C" fn kp_loader_search(loader: *mut kp_loader, dir: *const c_char) -> kp_status {
    status_only(|| {
        let loader = borrow_mut::<kp_loader>(loader, "loader")?;
        let dir = path_arg(dir, "dir")?;
        *loader = std::mem::take(loader).search(dir);
        Ok(())
    })
}

/// Whether the loader may look for components in files (default: yes). With `false`, only the
/// rulebooks given with `kp_loader_add` and the built-ins are used, and `kp_loader_from_file`
/// reads no file but the one named (for rulebooks uploaded by users). Either way a component's
/// id is a name, never a path, and a file that is a link leading out of its folder is refused.
#[unsafe(no_mangle)]
pub extern "C" fn kp_loader_set_file_lookup(loader: *mut kp_loader, on: bool) -> kp_status {
    status_only(|| {
        let loader = borrow_mut::<kp_loader>(loader, "loader")?;
        *loader = std::mem::take(loader).file_lookup(on);
        Ok(())
    })
}

/// `kp_rulebook_from_str` through a loader (its components available).
#[unsafe(no_mangle)]
pub extern "C" fn kp_loader_from_str(
    loader: *const kp_loader,
    text: *const c_char,
    len: usize,
    format: kp_format,
    out: *mut *mut kp_rulebook,
    err: *mut *mut kp_error,
) -> kp_status {
    boundary(err, || {
        let loader = borrow::<kp_loader>(loader, "loader")?;
        let out = Out::new(out, "out")?;
        let format = format_of(format)?;
        let text = text_buf(text, len, "text")?;
        let rb = loader.load_str(text, format).map_err(Failure::load)?;
        give_book(out, rb);
        Ok(())
    })
}

/// `kp_rulebook_from_file` through a loader (its components available).
#[unsafe(no_mangle)]
pub extern "C" fn kp_loader_from_file(
    loader: *const kp_loader,
    path: *const c_char,
    out: *mut *mut kp_rulebook,
    err: *mut *mut kp_error,
) -> kp_status {
    boundary(err, || {
        let loader = borrow::<kp_loader>(loader, "loader")?;
        let out = Out::new(out, "out")?;
        let path = path_arg(path, "path")?;
        let rb = loader.load_file(&path).map_err(Failure::load)?;
        give_book(out, rb);
        Ok(())
    })
}

/// Free a loader. NULL is a no-op. Rulebooks it loaded stay valid.
#[unsafe(no_mangle)]
pub extern "C" fn kp_loader_free(loader: *mut kp_loader) {
    guard(|| free(loader))
}
