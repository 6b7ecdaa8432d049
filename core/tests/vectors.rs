//! The golden vectors in `tests/vectors/` (worked out by an independent exact reference, never by
//! this engine) reproduced exactly: through typed records built from native values, and through
//! the JSON record path; single records and batches.

use std::path::PathBuf;

use kaoping::{
    BatchOptions, Date, Format, Item, Loader, Outcome, RecordError, Rulebook, ScoreOptions, Value,
};
use rust_decimal::Decimal;
use serde_json::Value as J;

fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors")
}

/// The vector's rulebook with its components, which are listed innermost first: each is loaded
/// with the ones before it (a component of a component). Components that reach one another (a
/// cycle through items, which must be refused) cannot load one at a time: those are written as
/// `<id>.toml` files into one folder, where the loader finds them beside the top rulebook.
fn load(v: &J) -> Result<Rulebook, kaoping::LoadError> {
    let components: Vec<&str> =
        v["components"].as_array().into_iter().flatten().map(|c| c.as_str().unwrap()).collect();
    let top = v["rulebook"].as_str().unwrap();
    let mut loader = Loader::new();
    for c in &components {
        match loader.load_str(c, Format::Toml) {
            Ok(rb) => loader = loader.with(rb),
            Err(_) => return load_from_folder(&components, top),
        }
    }
    loader.load_str(top, Format::Toml)
}

fn load_from_folder(components: &[&str], top: &str) -> Result<Rulebook, kaoping::LoadError> {
    let id_line = regex::Regex::new(r#"(?m)^id\s*=\s*"([^"]+)""#).unwrap();
    let dir = std::env::temp_dir().join(format!("kaoping-vector-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for text in components.iter().chain([&top]) {
        let id = &id_line.captures(text).expect("a rulebook id")[1];
        std::fs::write(dir.join(format!("{id}.toml")), text).unwrap();
    }
    let id = id_line.captures(top).unwrap()[1].to_owned();
    let result = Loader::new().load_file(dir.join(format!("{id}.toml")));
    std::fs::remove_dir_all(&dir).unwrap();
    result
}

/// A record from native values, typed by the rulebook's declared inputs (not a JSON pass-through).
fn typed_record(rb: &Rulebook, rec: &J) -> kaoping::Record {
    let mut r = rb.record();
    let inputs = rb.inputs();
    for (k, v) in rec.as_object().unwrap() {
        let ty = inputs.iter().find(|i| &i.name == k).map(|i| i.ty.as_str()).unwrap_or("text");
        let fields: Vec<(String, String)> =
            inputs.iter().find(|i| &i.name == k).map(|i| i.fields.clone()).unwrap_or_default();
        if let Some(value) = native(v, ty, &fields) {
            r.set(k, value);
        } else if !v.is_null() {
            r.set(k, Value::Bool(false)); // unknown field of a type we don't map: still reported as unknown
        }
    }
    r
}

fn native(v: &J, ty: &str, fields: &[(String, String)]) -> Option<Value> {
    Some(match v {
        J::Null => return None,
        J::Bool(b) => Value::Bool(*b),
        J::Number(n) => {
            let text = n.to_string();
            match (ty, n.as_i64()) {
                ("decimal", _) => Value::Decimal(Decimal::from_str_exact(&text).ok()?),
                (_, Some(i)) => Value::Integer(i),
                _ => Value::Decimal(Decimal::from_str_exact(&text).ok()?),
            }
        }
        J::String(s) => match ty {
            "decimal" => {
                Decimal::from_str_exact(s).map(Value::Decimal).unwrap_or_else(|_| Value::Text(s.clone()))
            }
            _ => Value::Text(s.clone()),
        },
        J::Array(items) if ty == "numbers" => {
            let mut out = Vec::new();
            for it in items {
                match native(it, "decimal", &[])? {
                    Value::Decimal(d) => out.push(d),
                    _ => return None,
                }
            }
            Value::Numbers(out)
        }
        J::Array(items) if ty == "items" => {
            let mut out = Vec::new();
            for it in items {
                let mut item = Item::new();
                for (fk, fv) in it.as_object()? {
                    let fty = fields.iter().find(|(n, _)| n == fk).map(|(_, t)| t.as_str()).unwrap_or("text");
                    if let Some(x) = native(fv, fty, &[]) {
                        item.set(fk, x);
                    }
                }
                out.push(item);
            }
            Value::Items(out)
        }
        _ => return None,
    })
}

fn opt_str(v: &J) -> Option<String> {
    v.as_str().map(str::to_owned)
}

fn dec_str(d: Option<Decimal>) -> J {
    d.map_or(J::Null, |d| J::String(d.to_string()))
}

/// Compare one expected result with an outcome; returns mismatches.
fn compare_outcome(expect: &J, o: &Outcome) -> Vec<String> {
    let mut bad = Vec::new();
    let mut eq = |what: &str, want: &J, got: J| {
        if *want != got {
            bad.push(format!("{what}: expected {want}, got {got}"));
        }
    };
    let e = expect.as_object().unwrap();
    if let Some(k) = e.get("key") {
        eq("key", k, J::String(o.key.clone()));
    }
    if let Some(p) = e.get("profile") {
        eq("profile", p, o.profile.clone().map_or(J::Null, J::String));
    }
    if let Some(a) = e.get("as_of") {
        eq("as_of", a, o.as_of.map_or(J::Null, |d| J::String(d.to_string())));
    }
    eq("total", &e["total"], dec_str(o.total));
    eq("max", &e["max"], dec_str(o.max));
    eq("grade", &e["grade"], o.grade.clone().map_or(J::Null, J::String));
    eq("passed", &e["passed"], o.passed.map_or(J::Null, J::Bool));
    for (k, got) in [("base", o.base), ("bonus", o.bonus), ("penalty", o.penalty)] {
        if let Some(w) = e.get(k) {
            eq(k, w, dec_str(got));
        }
    }
    for (id, want) in e["points"].as_object().unwrap() {
        match o.node(id) {
            Some(n) => eq(&format!("points.{id}"), want, dec_str(n.points)),
            None => eq(&format!("points.{id}"), want, J::String("no such node".into())),
        }
    }
    let status: serde_json::Map<String, J> = o
        .nodes
        .iter()
        .filter(|n| n.status != kaoping::Status::Scored)
        .map(|n| (n.id.clone(), serde_json::to_value(n.status).unwrap()))
        .collect();
    if let Some(w) = e.get("status") {
        eq("status", w, J::Object(status));
    }
    for (key, items) in [("bonus_items", &o.bonus_items), ("penalty_items", &o.penalty_items)] {
        if let Some(w) = e.get(key) {
            let got: serde_json::Map<String, J> =
                items.iter().map(|i| (i.id.clone(), J::String(i.points.to_string()))).collect();
            eq(key, w, J::Object(got));
        }
    }
    if let Some(w) = e.get("vetoes") {
        eq("vetoes", w, J::Array(o.vetoes.iter().map(|v| J::String(v.id.clone())).collect()));
    }
    if let Some(w) = e.get("grade_rules") {
        eq("grade_rules", w, J::Array(o.grade_rules.iter().map(|g| J::from(g.index)).collect()));
    }
    if let Some(w) = e.get("criteria") {
        eq("criteria", w, J::Object(o.criteria.iter().map(|c| (c.id.clone(), J::Bool(c.holds))).collect()));
    }
    if let Some(w) = e.get("flags") {
        let flags: Vec<J> = o
            .nodes
            .iter()
            .filter(|n| matches!(&n.note, Some(kaoping::Note::Panel(p)) if p.flagged))
            .map(|n| J::String(n.id.clone()))
            .collect();
        eq("flags", w, J::Array(flags));
    }
    if let Some(w) = e.get("lost") {
        let got: Vec<J> = o
            .lost
            .iter()
            .map(|l| J::Array(vec![J::String(l.id.clone()), J::String(l.lost.to_string())]))
            .collect();
        eq("lost", w, J::Array(got));
    }
    if let Some(w) = e.get("next_grade") {
        let got = o.next_grade.as_ref().map_or(J::Null, |n| match n.gap {
            Some(gap) => serde_json::json!({"grade": n.grade, "gap": gap.to_string()}),
            None => serde_json::json!({
                "grade": n.grade,
                "blocked_by": n.blocked_by.iter().map(|h| h.id.clone()).collect::<Vec<_>>(),
            }),
        });
        eq("next_grade", w, got);
    }
    bad
}

/// The records as typed columns: integers, decimals, booleans and dictionary-encoded text where
/// every value fits, text cells otherwise (as a CSV would give them). Missing values are nulls.
fn columns_of(rb: &Rulebook, records: &[&J]) -> kaoping::Columns {
    use kaoping::{Column, ColumnData};
    let n = records.len();
    let mut cols = kaoping::Columns::new(n);
    for input in rb.inputs() {
        if input.ty == "numbers" || input.ty == "items" {
            continue; // lists don't travel as columns; those rows go through records
        }
        let vals: Vec<&J> = records.iter().map(|r| r.get(&input.name).unwrap_or(&J::Null)).collect();
        if vals.iter().all(|v| v.is_null()) {
            continue;
        }
        let nulls: Vec<bool> = vals.iter().map(|v| v.is_null()).collect();
        let present = || vals.iter().filter(|v| !v.is_null());
        let data = match input.ty.as_str() {
            "integer" if present().all(|v| v.is_i64()) => {
                ColumnData::Int(vals.iter().map(|v| v.as_i64().unwrap_or(0)).collect())
            }
            "decimal"
                if present().all(|v| {
                    v.as_str().is_some_and(|s| Decimal::from_str_exact(s).is_ok()) || v.is_i64()
                }) =>
            {
                ColumnData::Decimal(
                    vals.iter()
                        .map(|v| match v {
                            J::String(s) => Decimal::from_str_exact(s).unwrap(),
                            J::Number(n) => Decimal::from(n.as_i64().unwrap()),
                            _ => Decimal::ZERO,
                        })
                        .collect(),
                )
            }
            "boolean" if present().all(|v| v.is_boolean()) => {
                ColumnData::Bool(vals.iter().map(|v| v.as_bool().unwrap_or(false)).collect())
            }
            "text" if present().all(|v| v.is_string()) => {
                let mut dict: Vec<String> = Vec::new();
                let codes = vals
                    .iter()
                    .map(|v| {
                        let s = v.as_str().unwrap_or("").to_owned();
                        match dict.iter().position(|d| *d == s) {
                            Some(i) => i as u32,
                            None => {
                                dict.push(s);
                                dict.len() as u32 - 1
                            }
                        }
                    })
                    .collect();
                ColumnData::Dict { codes, dict }
            }
            _ => ColumnData::Text(
                vals.iter()
                    .map(|v| match v {
                        J::String(s) => s.clone(),
                        J::Null => String::new(),
                        other => other.to_string(),
                    })
                    .collect(),
            ),
        };
        cols.push(input.name.clone(), Column::with_nulls(data, nulls)).unwrap();
    }
    cols
}

/// Compare the compact fields of a batch row (the columnar path's output) with an expectation.
fn compare_row(expect: &J, row: &kaoping::Row<'_>) -> Vec<String> {
    let mut bad = Vec::new();
    let mut eq = |what: &str, want: &J, got: J| {
        if *want != got {
            bad.push(format!("compact {what}: expected {want}, got {got}"));
        }
    };
    let e = expect.as_object().unwrap();
    if let Some(k) = e.get("key") {
        eq("key", k, J::String(row.key()));
    }
    if let Some(p) = e.get("profile") {
        eq("profile", p, row.profile().map_or(J::Null, |p| J::String(p.into())));
    }
    eq("total", &e["total"], dec_str(row.total()));
    eq("max", &e["max"], dec_str(row.max()));
    eq("grade", &e["grade"], row.grade().map_or(J::Null, |g| J::String(g.into())));
    eq("passed", &e["passed"], row.passed().map_or(J::Null, J::Bool));
    for (id, want) in e["points"].as_object().unwrap() {
        eq(&format!("points.{id}"), want, dec_str(row.points(id)));
    }
    if let Some(w) = e.get("vetoes") {
        eq("vetoes", w, J::Array(row.vetoes().into_iter().map(|v| J::String(v.into())).collect()));
    }
    bad
}

fn compare_error(expect: &J, err: &RecordError) -> Vec<String> {
    let mut bad = Vec::new();
    let want = &expect["error"];
    let first = err.first();
    if want["kind"].as_str() != Some(first.kind.name()) {
        bad.push(format!("error kind: expected {}, got {} ({err})", want["kind"], first.kind));
    }
    if let Some(f) = want.get("field")
        && opt_str(f) != first.field
    {
        bad.push(format!("error field: expected {f}, got {:?} ({err})", first.field));
    }
    if let Some(a) = want.get("at")
        && opt_str(a) != first.at
    {
        bad.push(format!("error at: expected {a}, got {:?} ({err})", first.at));
    }
    if let Some(item) = want.get("item")
        && opt_str(item).as_deref() != first.item.as_deref()
    {
        bad.push(format!("error item: expected {item}, got {:?} ({err})", first.item));
    }
    if let Some(all) = want.get("all") {
        let got: Vec<J> = err
            .issues
            .iter()
            .map(|i| {
                let mut entry =
                    vec![J::String(i.kind.name().into()), i.field.clone().map_or(J::Null, J::String)];
                if let Some(path) = &i.item {
                    entry.push(J::String(path.to_string()));
                }
                J::Array(entry)
            })
            .collect();
        if *all != J::Array(got.clone()) {
            bad.push(format!("error all: expected {all}, got {}", J::Array(got)));
        }
    }
    if let Some(k) = expect.get("key")
        && opt_str(k) != err.key
        && err.key.is_some()
    {
        bad.push(format!("error key: expected {k}, got {:?}", err.key));
    }
    bad
}

fn run_vector(path: &PathBuf) -> Vec<String> {
    let name = path.file_stem().unwrap().to_string_lossy().to_string();
    let v: J = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut bad: Vec<String> = Vec::new();
    let rb = match (load(&v), v.get("load_error")) {
        (Err(e), Some(kind)) => {
            if !e.problems.iter().any(|p| Some(p.kind.name()) == kind.as_str()) {
                bad.push(format!("{name}: expected a {kind} load problem, got {e}"));
            }
            for p in &e.problems {
                if p.location.line.is_none() && p.location.path.is_none() {
                    bad.push(format!("{name}: problem without a location: {p}"));
                }
            }
            return bad;
        }
        (Ok(_), Some(kind)) => return vec![format!("{name}: expected load error {kind}, but it loaded")],
        (Err(e), None) => return vec![format!("{name}: did not load: {e}")],
        (Ok(rb), None) => rb,
    };
    for t in v["tables"].as_array().into_iter().flatten() {
        bad.extend(run_table(&name, &rb, t));
    }
    let cases = v["cases"].as_array().unwrap();
    if v["batch"].as_bool() == Some(true) {
        for (path_name, records) in [
            ("typed", cases.iter().map(|c| typed_record(&rb, &c["record"])).collect::<Vec<_>>()),
            (
                "json",
                cases
                    .iter()
                    .map(|c| rb.record_from_json(&c["record"].to_string()).expect("record JSON decodes"))
                    .collect::<Vec<_>>(),
            ),
        ] {
            for parallel in [false, true] {
                let batch = rb.score_batch(
                    &records,
                    &BatchOptions { explain: true, parallel, ..BatchOptions::default() },
                );
                for (i, c) in cases.iter().enumerate() {
                    let row = batch.row(i);
                    let e = &c["expect"];
                    let mut mism = match (row.error(), e.get("error")) {
                        (Some(err), Some(_)) => compare_error(e, err),
                        (Some(err), None) => vec![format!("unexpected error {err}")],
                        (None, Some(_)) => vec![format!("expected an error, scored {:?}", row.total())],
                        (None, None) => {
                            let mut m = compare_outcome(e, row.outcome().unwrap());
                            // The compact row agrees with the explained one.
                            if row.total() != row.outcome().unwrap().total
                                || row.grade() != row.outcome().unwrap().grade.as_deref()
                            {
                                m.push("compact row differs from its outcome".into());
                            }
                            m
                        }
                    };
                    for (k, got) in [("rank", row.rank()), ("profile_rank", row.profile_rank())] {
                        if let Some(w) = e.get(k)
                            && *w != got.map_or(J::Null, J::from)
                        {
                            mism.push(format!("{k}: expected {w}, got {got:?}"));
                        }
                    }
                    for m in mism {
                        bad.push(format!(
                            "{name} [{path_name}, parallel={parallel}] row {} ({}): {m}",
                            i + 1,
                            c["name"]
                        ));
                    }
                }
                // The compact rows of a batch scored without explanations (the columnar path).
                let compact = rb.score_batch(
                    &records,
                    &BatchOptions { explain: false, parallel, ..BatchOptions::default() },
                );
                FAST_ROWS.fetch_add(compact.fast_rows(), std::sync::atomic::Ordering::Relaxed);
                for (i, c) in cases.iter().enumerate() {
                    let row = compact.row(i);
                    let e = &c["expect"];
                    let mut mism = match (row.error(), e.get("error")) {
                        (Some(err), Some(_)) => compare_error(e, err),
                        (Some(err), None) => vec![format!("compact: unexpected error {err}")],
                        (None, Some(_)) => {
                            vec![format!("compact: expected an error, scored {:?}", row.total())]
                        }
                        (None, None) => compare_row(e, &row),
                    };
                    for (k, got) in [("rank", row.rank()), ("profile_rank", row.profile_rank())] {
                        if let Some(w) = e.get(k)
                            && *w != got.map_or(J::Null, J::from)
                        {
                            mism.push(format!("compact {k}: expected {w}, got {got:?}"));
                        }
                    }
                    for m in mism {
                        bad.push(format!(
                            "{name} [{path_name}, compact, parallel={parallel}] row {} ({}): {m}",
                            i + 1,
                            c["name"]
                        ));
                    }
                }
                // The same batch from columns (lists excepted): compact rows must agree.
                if path_name == "typed"
                    && !v["rulebook"].as_str().unwrap().contains("\"items\"")
                    && !v["rulebook"].as_str().unwrap().contains("\"numbers\"")
                {
                    let recs: Vec<&J> = cases.iter().map(|c| &c["record"]).collect();
                    let table = columns_of(&rb, &recs);
                    let from_cols = rb
                        .score_columns(&table, &BatchOptions { parallel, ..BatchOptions::default() })
                        .unwrap();
                    FAST_ROWS.fetch_add(from_cols.fast_rows(), std::sync::atomic::Ordering::Relaxed);
                    for (i, c) in cases.iter().enumerate() {
                        let row = from_cols.row(i);
                        let e = &c["expect"];
                        let mism = match (row.error(), e.get("error")) {
                            (Some(err), Some(_)) => compare_error(e, err),
                            (Some(err), None) => vec![format!("columns: unexpected error {err}")],
                            (None, Some(_)) => {
                                vec![format!("columns: expected an error, scored {:?}", row.total())]
                            }
                            (None, None) => compare_row(e, &row),
                        };
                        for m in mism {
                            bad.push(format!(
                                "{name} [columns, parallel={parallel}] row {} ({}): {m}",
                                i + 1,
                                c["name"]
                            ));
                        }
                    }
                }
                if let Some(s) = v.get("summary") {
                    let sum = batch.summary();
                    let grades: serde_json::Map<String, J> = sum
                        .grades
                        .iter()
                        .filter(|g| g.count > 0)
                        .map(|g| (g.grade.clone(), J::from(g.count)))
                        .collect();
                    let got = serde_json::json!({"ok": sum.ok, "failed": sum.failed, "grades": grades});
                    if *s != got {
                        bad.push(format!("{name} [{path_name}]: summary expected {s}, got {got}"));
                    }
                }
            }
        }
    } else {
        for c in cases {
            let opts = ScoreOptions {
                profile: opt_str(&c["profile"]),
                as_of: c["as_of"].as_str().map(|d| d.parse::<Date>().unwrap()),
                cohort: None,
                ..ScoreOptions::default()
            };
            let e = &c["expect"];
            let typed = rb.score(&typed_record(&rb, &c["record"]), &opts);
            let via_json = rb.score_json(&c["record"].to_string(), &opts);
            // The same record as a batch of one, without explanations (the columnar path):
            // relative rules get their cohort from the batch, so those vectors are skipped here.
            let relative = v["rulebook"].as_str().unwrap().contains("relative");
            if opts.profile.is_none() && opts.as_of.is_none() && !relative {
                let batch = rb.score_batch(&[typed_record(&rb, &c["record"])], &BatchOptions::default());
                FAST_ROWS.fetch_add(batch.fast_rows(), std::sync::atomic::Ordering::Relaxed);
                let row = batch.row(0);
                let mism = match (row.error(), e.get("error")) {
                    (Some(err), Some(_)) => compare_error(e, err),
                    (Some(err), None) => vec![format!("compact: unexpected error {err}")],
                    (None, Some(_)) => vec![format!("compact: expected an error, scored {:?}", row.total())],
                    (None, None) => {
                        let mut e = e.clone();
                        e.as_object_mut().unwrap().remove("key"); // a batch row is named by its row number
                        compare_row(&e, &row)
                    }
                };
                for m in mism {
                    bad.push(format!("{name} [batch of one] ({}): {m}", c["name"]));
                }
            }
            for (path_name, result) in [("typed", typed), ("json", via_json)] {
                let mism = match (result, e.get("error")) {
                    (Err(err), Some(_)) => compare_error(e, &err),
                    (Err(err), None) => vec![format!("unexpected error {err}")],
                    (Ok(o), Some(_)) => vec![format!("expected an error, scored {:?}", o.total)],
                    (Ok(o), None) => compare_outcome(e, &o),
                };
                for m in mism {
                    bad.push(format!("{name} [{path_name}] ({}): {m}", c["name"]));
                }
            }
        }
    }
    bad
}

/// A table case (§18.5): the parent CSV joined to its child CSVs, scored as one batch, with and
/// without explanations, alone and in parallel.
fn run_table(name: &str, rb: &Rulebook, t: &J) -> Vec<String> {
    let mut bad = Vec::new();
    let tname = t["name"].as_str().unwrap_or("?");
    let mut table =
        kaoping::table::read_csv(rb, t["parent"].as_str().unwrap().as_bytes(), None).expect("parent CSV");
    let children: Vec<kaoping::table::ChildTable> = t["children"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(path, csv)| {
            kaoping::table::ChildTable::from_csv(path, csv.as_str().unwrap().as_bytes(), None).unwrap()
        })
        .collect();
    let joined = kaoping::table::join_items(rb, &mut table.records, children).expect("child tables join");
    let expect = &t["expect"];
    let unmatched: serde_json::Map<String, J> = joined
        .iter()
        .map(|u| (u.list.clone(), serde_json::json!({"count": u.count, "first": u.first})))
        .collect();
    let want_unmatched = expect.get("unmatched").cloned().unwrap_or(J::Object(Default::default()));
    if want_unmatched != J::Object(unmatched.clone()) {
        bad.push(format!(
            "{name} table {tname}: unmatched expected {want_unmatched}, got {}",
            J::Object(unmatched)
        ));
    }
    for explain in [true, false] {
        for parallel in [false, true] {
            let opts = BatchOptions {
                explain,
                parallel,
                profile: opt_str(&t["profile"]),
                as_of: t["as_of"].as_str().map(|d| d.parse::<Date>().unwrap()),
                ..BatchOptions::default()
            };
            // Joined as items then scored, and scored with the child tables as batches (the
            // roll-up path): the same rows.
            for via in ["join", "roll-up"] {
                let mut records = table.records.clone();
                let batch = match via {
                    "join" => rb.score_rows(&table.records, &opts).with_unmatched(joined.clone()),
                    _ => {
                        let mut fresh =
                            kaoping::table::read_csv(rb, t["parent"].as_str().unwrap().as_bytes(), None)
                                .expect("parent CSV");
                        let b = rb
                            .score_with_items(&mut fresh.records, children_of(t), &opts)
                            .expect("child tables join");
                        records = fresh.records;
                        b
                    }
                };
                let rows = expect["rows"].as_array().unwrap();
                if batch.len() != rows.len() {
                    bad.push(format!("{name} table {tname}: {} rows, expected {}", batch.len(), rows.len()));
                    continue;
                }
                for (i, e) in rows.iter().enumerate() {
                    let row = batch.row(i);
                    let mut mism = match (row.error(), e.get("error")) {
                        (Some(err), Some(_)) => compare_error(e, err),
                        (Some(err), None) => vec![format!("unexpected error {err}")],
                        (None, Some(_)) => vec![format!("expected an error, scored {:?}", row.total())],
                        (None, None) if explain => compare_outcome(e, row.outcome().unwrap()),
                        (None, None) => {
                            let mut m = compare_row(e, &row);
                            // A row explained afterwards, from its record, is the row scored.
                            match batch.explain(i, records[i].as_ref().unwrap()) {
                                Ok(o) => m.extend(compare_outcome(e, &o)),
                                Err(err) => m.push(format!("explained afterwards: {err}")),
                            }
                            m
                        }
                    };
                    for (k, got) in [("rank", row.rank()), ("profile_rank", row.profile_rank())] {
                        if let Some(w) = e.get(k)
                            && *w != got.map_or(J::Null, J::from)
                        {
                            mism.push(format!("{k}: expected {w}, got {got:?}"));
                        }
                    }
                    for m in mism {
                        bad.push(format!(
                        "{name} table {tname} [{via}, explain={explain}, parallel={parallel}] row {}: {m}",
                        i + 1
                    ));
                    }
                }
                if let Some(s) = expect.get("summary") {
                    let sum = batch.summary();
                    let grades: serde_json::Map<String, J> = sum
                        .grades
                        .iter()
                        .filter(|g| g.count > 0)
                        .map(|g| (g.grade.clone(), J::from(g.count)))
                        .collect();
                    let got = serde_json::json!({"ok": sum.ok, "failed": sum.failed, "grades": grades});
                    if *s != got {
                        bad.push(format!("{name} table {tname}: summary expected {s}, got {got}"));
                    }
                    if sum.unmatched != joined {
                        bad.push(format!(
                            "{name} table {tname} [{via}]: the summary's unmatched differ from the join's"
                        ));
                    }
                }
            }
        }
    }
    bad
}

/// The child tables of a table case.
fn children_of(t: &J) -> Vec<kaoping::table::ChildTable> {
    t["children"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(path, csv)| {
            kaoping::table::ChildTable::from_csv(path, csv.as_str().unwrap().as_bytes(), None).unwrap()
        })
        .collect()
}

static FAST_ROWS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

#[test]
fn golden_vectors() {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(vectors_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 40, "expected the golden vectors, found {}", paths.len());
    let mut bad = Vec::new();
    for p in &paths {
        bad.extend(run_vector(p));
    }
    assert!(bad.is_empty(), "{} mismatch(es):\n{}", bad.len(), bad.join("\n"));
    // The columnar fast path really ran on most of them (the rest went through the interpreter).
    let fast = FAST_ROWS.load(std::sync::atomic::Ordering::Relaxed);
    eprintln!("fast rows: {fast}");
    assert!(fast > 300, "only {fast} rows took the fast path");
}
