//! Child tables joined to their parents (spec §18.5): households to villages, villages to
//! counties, quarterly reports to schools.
//!
//! Each child table is given for a list path (`households`, or `villages.households` for a list
//! of a list's items). Its rows become items of the parent row whose key they hold, in the child
//! table's order; a child row whose key matches no parent row is counted, never dropped silently;
//! parent keys a child table joins on must be unique. A table so joined scores exactly as the same
//! records with their lists would (§18.7).

use std::collections::HashMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::{CsvRow, Encoding, TableError, decode, parse_csv};
use crate::Rulebook;
use crate::compile::{Compiled, ListShape};
use crate::error::{ErrorKind, Issue, RecordError};
use crate::input::{ColumnMatch, InputSchema, InputType, Item, Record, Value};

/// A table of child rows for one list path, e.g. `households` or `villages.households`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChildTable {
    /// The list path: the parent rulebook's list input (name or label), then, for a nested level,
    /// the list input of that list's rulebook, joined by `.`.
    pub path: String,
    /// Column headers.
    pub header: Vec<String>,
    /// Data rows.
    pub rows: Vec<CsvRow>,
}

impl ChildTable {
    /// A child table from its header and rows.
    pub fn new(path: impl Into<String>, header: Vec<String>, rows: Vec<CsvRow>) -> ChildTable {
        ChildTable { path: path.into(), header, rows }
    }

    /// A child table read from CSV bytes (UTF-8 or GB18030, as [`super::read_csv`] reads).
    pub fn from_csv(
        path: impl Into<String>,
        bytes: &[u8],
        encoding: Option<Encoding>,
    ) -> Result<ChildTable, TableError> {
        let (text, _) = decode(bytes, encoding)?;
        let (header, rows) = parse_csv(&text)?;
        Ok(ChildTable::new(path, header, rows))
    }
}

/// Child rows whose key matched no parent row, for one list path.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Unmatched {
    /// The list path, as the child table was given.
    pub list: String,
    /// How many child rows matched no parent.
    pub count: usize,
    /// The first of their keys, in child-table order (`""` for an empty key).
    pub first: String,
}

impl fmt::Display for Unmatched {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} child row(s) match no parent row (first key \"{}\")",
            self.list, self.count, self.first
        )
    }
}

/// A join key as §18.5 compares keys: trimmed, full-width forms read as ASCII, and a cell that
/// holds an integral number in integer form (`5100000017.0` and `５１００００００１７` are
/// `5100000017`).
pub fn join_key(cell: &str) -> String {
    key_of_cell(cell).into_owned()
}

/// [`join_key`] without a copy when the cell is already in normal form.
fn key_of_cell(cell: &str) -> std::borrow::Cow<'_, str> {
    // The usual key — up to 18 ASCII digits, no leading zero — is its own normal form (an
    // integer that a decimal holds exactly).
    let b = cell.as_bytes();
    if (1..=18).contains(&b.len()) && b[0] != b'0' && b.iter().all(u8::is_ascii_digit) {
        return std::borrow::Cow::Borrowed(cell);
    }
    let ascii: String = cell
        .chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            c => c,
        })
        .collect();
    let t = ascii.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    std::borrow::Cow::Owned(match crate::num::parse_decimal_text(t) {
        Ok(d) if d.fract().is_zero() && !t.is_empty() => d.trunc().normalize().to_string(),
        _ => t.to_owned(),
    })
}

/// What the rows of one level are: a `fields` list's items or a scored list's records.
struct Level<'c> {
    /// The path as given.
    path: String,
    /// The list input's name in its parent's rulebook.
    list: String,
    /// Index of the parent level in `levels` (`None`: the parent table).
    parent: Option<usize>,
    /// The schema the child columns are read by.
    schema: &'c InputSchema,
    /// The rulebook scoring the items (scored lists), for their own key and nested lists.
    book: Option<&'c Compiled>,
    /// The child column holding the parent's key.
    join_column: usize,
    /// Each child column's field (`None`: not a field, or the join column).
    fields: Vec<Option<usize>>,
}

/// Join child tables to the rows of a table read for `rb` (§18.5): each given list becomes
/// present in every parent row (`[]` where no child row matches), rows sharing a key a child
/// table joins on fail with `DuplicateKey`, and the child rows matching no parent are returned,
/// per list path in the order given (for the batch's summary: [`crate::Batch::with_unmatched`]).
///
/// ```
/// use kaoping::table::{self, ChildTable};
/// let rb = kaoping::Loader::new()
///     .load_str(
///         r#"
///         [rulebook]
///         id = "demo.school"
///         version = "1"
///         key_field = "school"
///         [inputs]
///         school = { type = "text", label = "学校" }
///         awards = { type = "items", fields = { level = "text" }, join = "学校" }
///         [[indicator]]
///         id = "awards"
///         label = "获奖"
///         points = 10
///         formula = "count(awards)"
///         "#,
///         kaoping::Format::Toml,
///     )
///     .unwrap();
/// let mut t = table::read_csv(&rb, "学校\n一中\n二中\n".as_bytes(), None).unwrap();
/// let awards = ChildTable::from_csv("awards", "学校,level\n一中,市级\n一中,省级\n三中,区级\n".as_bytes(), None).unwrap();
/// let unmatched = table::join_items(&rb, &mut t.records, vec![awards]).unwrap();
/// assert_eq!((unmatched[0].count, unmatched[0].first.as_str()), (1, "三中"));
/// let batch = rb.score_rows(&t.records, &Default::default()).with_unmatched(unmatched);
/// assert_eq!(batch.row(0).total().unwrap().to_string(), "2.00");
/// assert_eq!(batch.row(1).total().unwrap().to_string(), "0.00");
/// assert_eq!(batch.summary().unmatched[0].list, "awards");
/// ```
pub fn join_items(
    rb: &Rulebook,
    records: &mut [Result<Record, RecordError>],
    children: Vec<ChildTable>,
) -> Result<Vec<Unmatched>, TableError> {
    let root = rb.compiled();
    let levels = levels(root, &children)?;
    // Items of every level, one per child row, in child order (duplicates resolved below).
    let mut items: Vec<Vec<Item>> = Vec::with_capacity(levels.len());
    let mut keys: Vec<Vec<String>> = Vec::with_capacity(levels.len());
    for (level, child) in levels.iter().zip(&children) {
        let (its, ks) = level_items(level, child)?;
        items.push(its);
        keys.push(ks);
    }
    let mut unmatched = Vec::new();
    // Deepest levels first: a level's rows receive their children before they are given away.
    let mut order: Vec<usize> = (0..levels.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(levels[i].path.matches('.').count()));
    for &l in &order {
        let level = &levels[l];
        let child_items = std::mem::take(&mut items[l]);
        let child_keys = std::mem::take(&mut keys[l]);
        let groups = group(child_items, &child_keys);
        match level.parent {
            Some(p) => {
                let parent = &levels[p];
                let book = parent.book.expect("a nested level's parent is a scored list");
                let own_keys = own_keys(book, &items[p]);
                let dup = duplicates(&own_keys);
                let mut groups = groups;
                for (item, key) in items[p].iter_mut().zip(&own_keys) {
                    if let Some(key) = key.as_deref().filter(|k| dup.contains_key(*k)) {
                        item.refuse(duplicate_issue(book, key, &dup[key], &parent.path));
                        continue;
                    }
                    let mine = key.as_deref().and_then(|k| groups.by_key.remove(k)).unwrap_or_default();
                    item.set(&level.list, Value::Items(mine));
                }
                unmatched.extend(groups.unmatched(&level.path, &dup));
            }
            None => {
                let key_field = root.key_field.expect("checked by levels()") as usize;
                let key_name = root.schema.inputs[key_field].name.as_str();
                let own_keys: Vec<Option<String>> = records
                    .iter()
                    .map(|r| r.as_ref().ok().and_then(|r| r.get(key_name)).map(|v| join_key(&v.key_text())))
                    .collect();
                let dup = duplicates(&own_keys);
                let mut groups = groups;
                for (n, (slot, key)) in records.iter_mut().zip(&own_keys).enumerate() {
                    let Ok(record) = slot else { continue };
                    if let Some(key) = key.as_deref().filter(|k| dup.contains_key(*k)) {
                        *slot = Err(duplicate_parent(root, key_field, key, &dup[key], n));
                        continue;
                    }
                    let mine = key.as_deref().and_then(|k| groups.by_key.remove(k)).unwrap_or_default();
                    record.set(&level.list, Value::Items(mine));
                }
                unmatched.extend(groups.unmatched(&level.path, &dup));
            }
        }
    }
    // Reported in the order the child tables were given.
    unmatched.sort_by_key(|u: &Unmatched| children.iter().position(|c| c.path == u.list));
    Ok(unmatched)
}

/// One child table joined to the rows of the table itself, its rows not made items: for scoring
/// the child table as one batch (`Rulebook::score_with_items`).
pub(crate) struct RootJoin {
    /// The list's index in the parent rulebook's lists.
    pub list: usize,
    /// The header, the join column blanked (it is no field of the items, as `join_items` reads).
    pub header: Vec<String>,
    /// The child rows that are items (blank rows dropped).
    pub rows: Vec<CsvRow>,
    /// Each row's parent row (`None`: unmatched, or its parent's key is shared).
    pub parent: Vec<Option<u32>>,
}

/// Join one-level child tables (paths without `.`) to `records` as [`join_items`] does —
/// the same errors, the same rows refused for a shared key, the same unmatched rows, every
/// given list present (`[]`) — but leave the child rows as rows, each with its parent.
pub(crate) fn join_root(
    rb: &Rulebook,
    records: &mut [Result<Record, RecordError>],
    children: Vec<ChildTable>,
) -> Result<(Vec<RootJoin>, Vec<Unmatched>), TableError> {
    let root = rb.compiled();
    let levels = levels(root, &children)?;
    debug_assert!(levels.iter().all(|l| l.parent.is_none()));
    let key_field = root.key_field.expect("checked by levels()") as usize;
    let key_name = root.schema.inputs[key_field].name.as_str();
    let own_keys: Vec<Option<String>> = records
        .iter()
        .map(|r| r.as_ref().ok().and_then(|r| r.get(key_name)).map(|v| join_key(&v.key_text())))
        .collect();
    let dup = duplicates(&own_keys);
    let mut parent_of: rustc_hash::FxHashMap<&str, u32> =
        rustc_hash::FxHashMap::with_capacity_and_hasher(records.len(), Default::default());
    for (n, (slot, key)) in records.iter_mut().zip(&own_keys).enumerate() {
        let Ok(record) = slot else { continue };
        if let Some(key) = key.as_deref().filter(|k| dup.contains_key(*k)) {
            *slot = Err(duplicate_parent(root, key_field, key, &dup[key], n));
            continue;
        }
        for level in &levels {
            record.set(&level.list, Value::Items(Vec::new()));
        }
        if let Some(k) = key.as_deref().filter(|k| !k.is_empty()) {
            parent_of.entry(k).or_insert(n as u32);
        }
    }
    let mut joins = Vec::with_capacity(children.len());
    let mut unmatched = Vec::new();
    for (level, child) in levels.iter().zip(children) {
        let width = child.header.len();
        let mut rows = Vec::with_capacity(child.rows.len());
        let mut parent = Vec::with_capacity(child.rows.len());
        let (mut count, mut first) = (0usize, None);
        for row in child.rows {
            if row.cells.iter().all(|c| crate::input::blank_cell(c)) {
                continue;
            }
            if row.cells.len() != width {
                return Err(ragged_child(&level.path, &row, width));
            }
            let key = key_of_cell(&row.cells[level.join_column]);
            let p = (!key.is_empty()).then(|| parent_of.get(&*key).copied()).flatten();
            if p.is_none() && !dup.contains_key(&*key) {
                count += 1;
                first.get_or_insert_with(|| key.into_owned());
            }
            parent.push(p);
            rows.push(row);
        }
        if let Some(first) = first {
            unmatched.push(Unmatched { list: level.path.clone(), count, first });
        }
        let mut header = child.header;
        header[level.join_column] = String::new();
        let list = root.lists.iter().position(|l| l.name == level.list).expect("levels() found it");
        joins.push(RootJoin { list, header, rows, parent });
    }
    Ok((joins, unmatched))
}

/// The error of a parent row whose key another row shares.
fn duplicate_parent(root: &Compiled, key_field: usize, key: &str, rows: &[usize], n: usize) -> RecordError {
    let issue = Issue {
        kind: ErrorKind::DuplicateKey,
        field: Some(root.schema.inputs[key_field].name.clone()),
        at: None,
        value: Some(key.to_owned()),
        message: duplicate_message(key, rows, "table"),
        item: None,
    };
    RecordError { row: Some(n + 1), key: Some(key.to_owned()), issues: vec![issue] }
}

/// The error of a child row with the wrong number of cells.
fn ragged_child(path: &str, row: &CsvRow, width: usize) -> TableError {
    TableError::new(
        ErrorKind::Syntax,
        Some(row.line),
        format!("{path}: line {}: {} cells, but the header has {width}", row.line, row.cells.len()),
    )
}

/// Resolve every child table's path to its level, checking what a join needs.
fn levels<'c>(root: &'c Compiled, children: &[ChildTable]) -> Result<Vec<Level<'c>>, TableError> {
    let mut out: Vec<Level<'c>> = Vec::with_capacity(children.len());
    for (i, child) in children.iter().enumerate() {
        if children[..i].iter().any(|c| c.path == child.path) {
            return Err(schema_error(format!("the child table for `{}` is given twice", child.path)));
        }
        let (parent_path, last) = match child.path.rsplit_once('.') {
            Some((p, l)) => (Some(p), l),
            None => (None, child.path.as_str()),
        };
        let (parent, book) = match parent_path {
            None => (None, root),
            Some(pp) => {
                let p = children.iter().position(|c| c.path == pp).ok_or_else(|| {
                    schema_error(format!(
                        "the child table for `{}` joins to the rows of `{pp}`, but no table is given for `{pp}`",
                        child.path
                    ))
                })?;
                // Resolved in path order: a parent path is shorter, so resolve it first if needed.
                let pb = resolve_book(root, pp)?;
                (Some(p), pb)
            }
        };
        let index = book.schema.by_name_or_label(last).filter(|&ix| {
            book.lists.iter().any(|l| l.slot as usize == ix && !matches!(l.shape, ListShape::Numbers))
        });
        let Some(index) = index else {
            return Err(schema_error(format!(
                "`{last}` (in `{}`) is not an items input of rulebook {}",
                child.path, book.meta.id
            )));
        };
        let input = &book.schema.inputs[index];
        let def = book.lists.iter().find(|l| l.slot as usize == index).expect("filtered above");
        let (schema, item_book): (&'c InputSchema, Option<&'c Compiled>) = match &def.shape {
            ListShape::Scored { book: sub, .. } => (&sub.schema, Some(sub)),
            _ => (input.items.as_deref().expect("a fields list has its schema"), None),
        };
        let Some(key_field) = book.key_field else {
            return Err(schema_error(format!(
                "joining the child table `{}` needs the key of its parent rows, but rulebook {} has no key_field",
                child.path, book.meta.id
            )));
        };
        let key_input = &book.schema.inputs[key_field as usize];
        let header: Vec<&str> = child.header.iter().map(|h| h.trim()).collect();
        let join_column = match &input.join {
            Some(j) => header.iter().position(|h| *h == j.as_str()),
            None => header
                .iter()
                .position(|h| *h == key_input.name)
                .or_else(|| header.iter().position(|h| Some(*h) == key_input.label.as_deref())),
        };
        let Some(join_column) = join_column else {
            let want = input.join.clone().unwrap_or_else(|| match &key_input.label {
                Some(l) => format!("{}\" or \"{l}", key_input.name),
                None => key_input.name.clone(),
            });
            return Err(TableError::new(
                ErrorKind::Schema,
                Some(1),
                format!(
                    "the child table for `{}` has no column \"{want}\" holding its parent's key (columns: {})",
                    child.path,
                    header.join(", ")
                ),
            ));
        };
        let trimmed: Vec<String> = header.iter().map(|h| (*h).to_owned()).collect();
        let mut fields = ColumnMatch::of(schema, &trimmed)
            .map_err(|e| TableError::new(ErrorKind::Schema, Some(1), format!("{}: {e}", child.path)))?
            .inputs;
        fields[join_column] = None;
        // A column named like an item's own items list is not a cell: that level comes as its
        // own child table (`villages.households`).
        for f in fields.iter_mut() {
            if f.is_some_and(|ix| schema.inputs[ix].ty == InputType::Items) {
                *f = None;
            }
        }
        out.push(Level {
            path: child.path.clone(),
            list: input.name.clone(),
            parent,
            schema,
            book: item_book,
            join_column,
            fields,
        });
    }
    Ok(out)
}

/// The rulebook whose rows a path's table holds (for `villages`: the villages' rulebook).
fn resolve_book<'c>(root: &'c Compiled, path: &str) -> Result<&'c Compiled, TableError> {
    let mut book = root;
    for segment in path.split('.') {
        let sub = book.schema.by_name_or_label(segment).and_then(|ix| {
            book.lists.iter().find(|l| l.slot as usize == ix).and_then(|l| match &l.shape {
                ListShape::Scored { book, .. } => Some(&**book),
                _ => None,
            })
        });
        book = sub.ok_or_else(|| {
            schema_error(format!(
                "`{segment}` (in `{path}`) is not a list of items scored by a rulebook in {}, so it has no nested lists",
                book.meta.id
            ))
        })?;
    }
    Ok(book)
}

/// One item per child row (blank cells missing), and each row's join key.
fn level_items(level: &Level<'_>, child: &ChildTable) -> Result<(Vec<Item>, Vec<String>), TableError> {
    let width = child.header.len();
    let mut items = Vec::with_capacity(child.rows.len());
    let mut keys = Vec::with_capacity(child.rows.len());
    for row in &child.rows {
        if row.cells.iter().all(|c| crate::input::blank_cell(c)) {
            continue;
        }
        if row.cells.len() != width {
            return Err(ragged_child(&level.path, row, width));
        }
        let mut item = Item::new();
        for (cell, field) in row.cells.iter().zip(&level.fields) {
            if let Some(f) = field
                && !crate::input::blank_cell(cell)
            {
                let input = &level.schema.inputs[*f];
                item.set_cell(input, cell);
            }
        }
        keys.push(join_key(&row.cells[level.join_column]));
        items.push(item);
    }
    Ok((items, keys))
}

/// Child items grouped by key, remembering the unkeyed (empty-key) rows and the order keys came in.
struct Groups {
    by_key: HashMap<String, Vec<Item>>,
    /// Every key in child order, with how many rows it had (for the unmatched count and first).
    order: Vec<(String, usize)>,
}

fn group(items: Vec<Item>, keys: &[String]) -> Groups {
    let mut by_key: HashMap<String, Vec<Item>> = HashMap::new();
    let mut order: Vec<(String, usize)> = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (item, key) in items.into_iter().zip(keys) {
        match seen.get(key) {
            Some(&i) => order[i].1 += 1,
            None => {
                seen.insert(key.clone(), order.len());
                order.push((key.clone(), 1));
            }
        }
        if !key.is_empty() {
            by_key.entry(key.clone()).or_default().push(item);
        }
    }
    Groups { by_key, order }
}

impl Groups {
    /// The rows left after every parent took its own: unmatched, except those of a duplicated
    /// parent key (given to no one, but they did match).
    fn unmatched(self, path: &str, dup: &HashMap<String, Vec<usize>>) -> Option<Unmatched> {
        let left: Vec<(String, usize)> = self
            .order
            .into_iter()
            .filter(|(k, _)| k.is_empty() || (self.by_key.contains_key(k) && !dup.contains_key(k)))
            .collect();
        let count = left.iter().map(|(_, n)| n).sum();
        let first = left.into_iter().next()?.0;
        Some(Unmatched { list: path.to_owned(), count, first })
    }
}

/// Each item's own key (its rulebook's `key_field`), normalised.
fn own_keys(book: &Compiled, items: &[Item]) -> Vec<Option<String>> {
    let Some(kf) = book.key_field else { return vec![None; items.len()] };
    let name = &book.schema.inputs[kf as usize].name;
    items.iter().map(|it| it.field(name).map(|v| join_key(&v.key_text())).filter(|k| !k.is_empty())).collect()
}

/// Keys held by more than one row, with those rows' 1-based positions.
fn duplicates(keys: &[Option<String>]) -> HashMap<String, Vec<usize>> {
    let mut rows: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, k) in keys.iter().enumerate() {
        if let Some(k) = k.as_deref().filter(|k| !k.is_empty()) {
            rows.entry(k).or_default().push(i + 1);
        }
    }
    rows.into_iter().filter(|(_, r)| r.len() > 1).map(|(k, r)| (k.to_owned(), r)).collect()
}

fn duplicate_message(key: &str, rows: &[usize], table: &str) -> String {
    let rows: Vec<String> = rows.iter().map(usize::to_string).collect();
    format!("key {key} is shared by rows {} of the {table}; their items are given to no one", rows.join(", "))
}

fn duplicate_issue(book: &Compiled, key: &str, rows: &[usize], path: &str) -> Issue {
    let field = book.key_field.map(|k| book.schema.inputs[k as usize].name.clone());
    Issue {
        kind: ErrorKind::DuplicateKey,
        field,
        at: None,
        value: Some(key.to_owned()),
        message: duplicate_message(key, rows, &format!("`{path}` table")),
        item: None,
    }
}

fn schema_error(message: String) -> TableError {
    TableError::new(ErrorKind::Schema, None, message)
}
