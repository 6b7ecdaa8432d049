//! Roll-ups (spec §18.5, §18.7): a table scored with its child tables — households into
//! villages — the child table scored as one batch on the columnar path, its rows grouped by the
//! join key, then the parents scored reading their lists from those rows. Never one interpreter
//! call per child row where the batch can take it; the same results as joining the child rows to
//! the parents as items ([`crate::table::join_items`]) and scoring those records.

use std::sync::Arc;

use super::{Batch, BatchOptions};
use crate::compile::{Compiled, ItemField, ListShape};
use crate::error::{ErrorKind, RecordError};
use crate::eval::{Cell, Joined, JoinedList};
use crate::expr::CExpr;
use crate::input::{Unknown, Value};
use crate::num::Num;
use crate::rules::Rule;
use crate::table::{self, ChildTable, RootJoin, TableError};
use crate::{Record, Rulebook};

impl Rulebook {
    /// Join child tables to the rows of a table and score them: what
    /// [`join_items`](crate::table::join_items) then [`score_rows`](Rulebook::score_rows) give,
    /// with the unmatched child rows in the summary, but faster: a child table read by one level
    /// (`households`, not `villages.households`) is scored as one batch and grouped by parent,
    /// instead of becoming an item per row scored one by one.
    ///
    /// The parents' records get their lists as `join_items` gives them (rows sharing a key fail
    /// with `DuplicateKey`; every given list present), except that a list read from a child batch
    /// is left empty in the record: [`Batch::explain`] puts it back when a row is explained.
    ///
    /// ```
    /// use kaoping::table::{self, ChildTable};
    /// let household = kaoping::Rulebook::from_str(
    ///     "[rulebook]\nid = \"demo.household\"\nversion = \"1\"\nkey_field = \"hh\"\n\
    ///      [inputs]\nhh = { type = \"text\" }\nmembers = { type = \"integer\", min = 1 }\nsafe = { type = \"boolean\" }\n\
    ///      [[criterion]]\nid = \"safe\"\nlabel = \"住房安全\"\nwhen = \"safe\"\n",
    ///     kaoping::Format::Toml,
    /// )?;
    /// let village = kaoping::Loader::new().with(household).load_str(
    ///     "[rulebook]\nid = \"demo.village\"\nversion = \"1\"\nkey_field = \"village\"\n\
    ///      [inputs]\nvillage = { type = \"text\" }\n\
    ///      households = { type = \"items\", rulebook = \"demo.household\", join = \"村\" }\n\
    ///      [derived]\nunsafe = \"sum(households, item.members, not item.passed)\"\n\
    ///      [[indicator]]\nid = \"safety\"\nlabel = \"住房\"\npoints = 10\n\
    ///      bands = { input = \"unsafe\", at_most = [[0, 10]], else = 0 }\n",
    ///     kaoping::Format::Toml,
    /// )?;
    /// let mut t = table::read_csv(&village, "village\n甲村\n乙村\n".as_bytes(), None)?;
    /// let households = ChildTable::from_csv(
    ///     "households",
    ///     "hh,村,members,safe\n1,甲村,3,是\n2,乙村,4,否\n3,丙村,2,是\n".as_bytes(),
    ///     None,
    /// )?;
    /// let batch = village.score_with_items(&mut t.records, vec![households], &Default::default())?;
    /// assert_eq!(batch.row(0).total().unwrap().to_string(), "10.00");
    /// assert_eq!(batch.row(1).total().unwrap().to_string(), "0.00");
    /// assert_eq!(batch.summary().unmatched[0].first, "丙村");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn score_with_items(
        &self,
        rows: &mut [Result<Record, RecordError>],
        children: Vec<ChildTable>,
        opts: &BatchOptions,
    ) -> Result<Batch, TableError> {
        if !self.rolls_up(&children, opts) {
            let unmatched = table::join_items(self, rows, children)?;
            return Ok(self.score_rows(rows, opts).with_unmatched(unmatched));
        }
        let book = self.compiled();
        let (joins, unmatched) = table::join_root(self, rows, children)?;
        let mut joined = Joined {
            lists: (0..book.lists.len()).map(|_| None).collect(),
            from_items: vec![false; rows.len()],
        };
        for join in joins {
            let k = join.list;
            let list = child_batch(book, join, rows.len(), opts, &mut joined.from_items)?;
            joined.lists[k] = Some(list);
        }
        // Parents some of whose child rows did not score on the fast path are scored from their
        // items, as `join_items` would have given them.
        for (p, row) in rows.iter_mut().enumerate() {
            match row {
                Ok(record) if joined.from_items[p] => {
                    for (list, items) in joined.items_of(p) {
                        record.set(&list, Value::Items(items));
                    }
                }
                Ok(_) => {}
                Err(_) => joined.from_items[p] = true,
            }
        }
        let mut batch = self.score_rows_given(rows, opts, Some(&joined)).with_unmatched(unmatched);
        batch.joined = Some(Arc::new(joined));
        Ok(batch)
    }

    /// Whether the child tables can be scored as batches: one level each, lists of items scored
    /// by a rulebook that has no lists of its own and no relative rule (whose cohort would be the
    /// child table, not the item alone), fields that are its inputs or results (not derived
    /// values), and no explanation asked for (items are then explained one by one).
    fn rolls_up(&self, children: &[ChildTable], opts: &BatchOptions) -> bool {
        let book = self.compiled();
        if opts.explain || opts.items || children.is_empty() {
            return false;
        }
        // A component reads the record's lists through its own definitions.
        if book.components.iter().any(|c| !c.book.lists.is_empty()) {
            return false;
        }
        children.iter().all(|child| {
            if child.path.contains('.') {
                return false;
            }
            let Some(ix) = book.schema.by_name_or_label(child.path.trim()) else { return false };
            let Some(def) = book.lists.iter().find(|l| l.slot as usize == ix) else { return false };
            let k = book.lists.iter().position(|l| l.slot as usize == ix).unwrap_or(usize::MAX);
            match (&def.shape, fields_read(book, k)) {
                (ListShape::Scored { book: sub, fields }, Some(read)) => {
                    sub.lists.is_empty()
                        && sub.relatives.is_empty()
                        && fields.iter().zip(&read).all(|(f, read)| match f {
                            ItemField::Slot(s) => !read || (*s as usize) < sub.schema.inputs.len(),
                            _ => true,
                        })
                }
                _ => false,
            }
        })
    }
}

/// Which fields of list `k`'s items the rulebook reads (its aggregates' arguments, its
/// `order_by`); `None` when a rule reads the list itself (the `items` rule) or anything else than
/// expressions might. Fields nobody reads need no value.
fn fields_read(book: &Compiled, k: usize) -> Option<Vec<bool>> {
    let def = book.lists.get(k)?;
    let mut read = vec![false; def.fields.len()];
    if let Some(o) = def.order_by {
        read[o as usize] = true;
    }
    let rules: Vec<&Rule> = book
        .nodes
        .iter()
        .filter_map(|n| n.rule.as_ref())
        .chain(book.bonus.iter().chain(&book.penalty).map(|i| &i.rule))
        .collect();
    if rules.iter().any(|r| matches!(r, Rule::Items(i) if i.slot == def.slot)) {
        return None;
    }
    let mut exprs: Vec<&CExpr> = book.derived.iter().map(|d| &d.expr.expr).collect();
    exprs.extend(book.nodes.iter().flat_map(|n| n.applies.iter().map(|a| &a.expr)));
    exprs.extend(rules.iter().flat_map(|r| r.exprs()));
    exprs.extend(book.vetoes.iter().map(|v| &v.when.expr));
    exprs.extend(book.criteria.iter().map(|v| &v.when.expr));
    exprs.extend(book.grade_rules.iter().map(|v| &v.when.expr));
    for e in exprs {
        e.for_each(|x| {
            let CExpr::Agg(call) = x else { return };
            if call.list as usize != k {
                return;
            }
            // (A nested aggregate's fields are counted too: more than needed, never fewer.)
            for arg in call.x.iter().chain(call.cond.iter()) {
                arg.for_each(|y| {
                    if let CExpr::Field(f) = y
                        && let Some(r) = read.get_mut(*f as usize)
                    {
                        *r = true;
                    }
                });
            }
        });
    }
    Some(read)
}

/// Score one joined child table as a batch and group its rows by parent; parents with a child
/// row that did not score on the fast path are marked in `from_items`.
fn child_batch(
    book: &Compiled,
    join: RootJoin,
    parents: usize,
    opts: &BatchOptions,
    from_items: &mut [bool],
) -> Result<JoinedList, TableError> {
    let def = &book.lists[join.list];
    let ListShape::Scored { book: sub, fields } = &def.shape else {
        unreachable!("rolls_up() takes scored lists only")
    };
    let wanted = fields_read(book, join.list).unwrap_or_else(|| vec![true; fields.len()]);
    let sub_rb = Rulebook::of(sub.clone());
    let read = table::ColumnReader::new(&sub_rb, &join.header)?.read_in(join.rows, opts.parallel);
    // Items are scored in the record's profile choice (their own profile field), on the parent's
    // date, else their rulebook's; never with a cohort, never strict about columns.
    let child_opts = BatchOptions {
        profile: None,
        as_of: opts.as_of.or(book.meta.as_of),
        explain: false,
        parallel: opts.parallel,
        unknown: Unknown::Warn,
        items: false,
    };
    let columns_error = |e: crate::ColumnsError| {
        TableError::new(ErrorKind::Schema, Some(1), format!("{}: {}", def.name, e.message))
    };
    let batch = sub_rb.score_columns(&read.columns, &child_opts).map_err(columns_error)?;
    let binding = sub_rb.bind_columns(&read.columns).map_err(columns_error)?;
    // Group child rows by parent: counts, then offsets, then members in child order.
    let mut start = vec![0u32; parents + 1];
    for p in join.parent.iter().flatten() {
        start[*p as usize + 1] += 1;
    }
    for i in 0..parents {
        start[i + 1] += start[i];
    }
    let mut next = start.clone();
    let mut members = vec![0u32; start[parents] as usize];
    for (r, p) in join.parent.iter().enumerate() {
        if let Some(p) = p {
            members[next[*p as usize] as usize] = r as u32;
            next[*p as usize] += 1;
        }
    }
    let mut list = JoinedList {
        name: def.name.clone(),
        width: fields.len(),
        stored: (0..fields.len() as u32).filter(|&f| wanted[f as usize]).collect(),
        start,
        members: Vec::new(),
        cells: Vec::with_capacity(members.len() * wanted.iter().filter(|w| **w).count()),
        cell_at: vec![u32::MAX; join.parent.len()],
        texts: Vec::new(),
        columns: read.columns,
        binding,
        book: sub.clone(),
    };
    let mut texts = rustc_hash::FxHashMap::default();
    for (r, p) in join.parent.iter().enumerate() {
        let Some(p) = p else { continue };
        let p = *p as usize;
        if from_items[p] {
            continue;
        }
        let row = batch.row(r);
        // Only rows the fast path scored: the others (errors, rows the interpreter scored) are
        // scored again, with their parent, from the items.
        if batch.exceptions.get(r).is_some() {
            from_items[p] = true;
            continue;
        }
        let result = |f: ItemField| -> Option<Cell> {
            Some(match f {
                ItemField::Total => match row.total() {
                    Some(t) => Cell::Num(Num::from_decimal(t)),
                    None => Cell::NoData,
                },
                ItemField::Max => match (sub.has_total(), row.profile_index()) {
                    (true, Some(pi)) => Cell::Num(sub.round(&sub.max[pi])),
                    _ => Cell::NoData,
                },
                ItemField::Grade => match row.grade_index() {
                    Some(g) => Cell::Grade(g as u16),
                    None => Cell::NoData,
                },
                ItemField::Passed => row.passed().map_or(Cell::NoData, Cell::Bool),
                ItemField::Vetoed => Cell::Bool(batch.vetoes[r] != 0),
                ItemField::Slot(_) => return None,
            })
        };
        if !list.keep_row(r, fields, &result, &mut texts) {
            from_items[p] = true;
        }
    }
    list.members = members;
    Ok(list)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUSEHOLD: &str = r#"
        [rulebook]
        id = "t.household"
        version = "1"
        key_field = "hh"
        [inputs]
        hh = { type = "text", label = "户编号" }
        members = { type = "integer", min = 1, label = "家庭人口" }
        income = { type = "decimal", min = 0, label = "收入" }
        [derived]
        per_capita = "income / members"
        [[criterion]]
        id = "income"
        label = "收入达标"
        when = "per_capita > 4000"
    "#;

    const VILLAGE: &str = r#"
        [rulebook]
        id = "t.village"
        version = "1"
        key_field = "village"
        [inputs]
        village = { type = "text", label = "村" }
        households = { type = "items", rulebook = "t.household", join = "村" }
        [derived]
        poor = "sum(households, item.members, not item.passed)"
        [[indicator]]
        id = "poor"
        label = "贫困人口"
        points = 10
        bands = { input = "poor", at_most = [[0, 10], [5, 5]], else = 0 }
    "#;

    fn village() -> Rulebook {
        let hh = Rulebook::from_str(HOUSEHOLD, crate::Format::Toml).unwrap();
        crate::Loader::new().with(hh).load_str(VILLAGE, crate::Format::Toml).unwrap()
    }

    /// Both ways: joined as items then scored, and with the child table as a batch.
    fn both(households: &str) -> (Batch, Batch, Vec<Result<Record, RecordError>>) {
        let rb = village();
        let parent = "村\n甲\n乙\n丙\n";
        let mut a = table::read_csv(&rb, parent.as_bytes(), None).unwrap().records;
        let child = || ChildTable::from_csv("households", households.as_bytes(), None).unwrap();
        let unmatched = table::join_items(&rb, &mut a, vec![child()]).unwrap();
        let opts = BatchOptions { parallel: false, ..BatchOptions::default() };
        let joined = rb.score_rows(&a, &opts).with_unmatched(unmatched);
        let mut b = table::read_csv(&rb, parent.as_bytes(), None).unwrap().records;
        let rolled = rb.score_with_items(&mut b, vec![child()], &opts).unwrap();
        (joined, rolled, b)
    }

    fn rows(b: &Batch) -> Vec<String> {
        b.rows()
            .map(|r| match r.error() {
                Some(e) => format!("error {e}"),
                None => format!("{:?} {:?}", r.total(), r.passed()),
            })
            .collect()
    }

    #[test]
    fn the_child_table_is_scored_as_a_batch_and_reads_as_joined_items() {
        let hh = "户编号,村,家庭人口,收入\n1,甲,3,30000\n2,甲,4,8000\n3,乙,2,9000\n4,丁,1,1\n";
        let (joined, rolled, records) = both(hh);
        assert_eq!(rows(&rolled), rows(&joined));
        assert_eq!(rolled.summary().unmatched, joined.summary().unmatched);
        let given = rolled.joined.as_ref().expect("rolled up");
        assert!((0..3).all(|p| given.gives(p)), "every village read its households from the batch");
        // Explained afterwards, a row has its items back.
        let o = rolled.explain(0, records[0].as_ref().unwrap()).unwrap();
        assert_eq!(o.total, joined.row(0).total());
        assert_eq!(o.total.unwrap().to_string(), "5.00", "甲 has 4 poor members");
    }

    #[test]
    fn a_bad_child_row_sends_its_parent_to_the_interpreter_with_the_same_error() {
        let hh = "户编号,村,家庭人口,收入\n1,甲,3,30000\n2,甲,0,8000\n3,乙,2,abc\n";
        let (joined, rolled, _) = both(hh);
        assert_eq!(rows(&rolled), rows(&joined));
        let given = rolled.joined.as_ref().unwrap();
        assert!(!given.gives(0) && !given.gives(1) && given.gives(2));
        assert!(rows(&rolled)[0].contains("households[2] (2)"), "{:?}", rows(&rolled));
    }
}
