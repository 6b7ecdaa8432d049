//! The built-in rulebooks that read sub-units (spec §18): a village from its households, a county
//! from its villages and its third-party sample, a district from its respondents, a school's
//! process from its terms. Their sample tables (a parent table with child tables) score with no
//! error except on the rows made bad on purpose, and every roll-up equals what scoring the
//! sub-units alone and adding them up by hand gives.
//!
//! The child tables are joined here, in the test, as §18.5 says (each child row to the parent
//! whose key its join column holds; a list present, maybe empty, for every parent; unmatched rows
//! counted): the records then carry their lists inline, which is what a table join must give.
//! When the core joins tables itself, the golden vectors' table cases (made by the reference from
//! these same samples) check that join in every binding.

use std::collections::{BTreeMap, HashMap};

use kaoping::table::{self, CsvRow};
use kaoping::{BatchOptions, Date, Item, Outcome, Record, Rulebook, ScoreOptions, Value};
use rust_decimal::Decimal;

mod common;
use common::{ROLLUPS, Rollup, sample};

fn builtin(id: &str) -> Rulebook {
    Rulebook::builtin(id).unwrap_or_else(|e| panic!("built-in {id} does not load: {e}"))
}

fn d(s: &str) -> Decimal {
    s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn csv(name: &str) -> (Vec<String>, Vec<CsvRow>) {
    table::parse_csv(std::str::from_utf8(&sample(name)).unwrap()).unwrap()
}

/// What the 备注 cell of a row expects from `rulebook` (as core/tests/builtins.rs reads it).
fn expected_error(note: &str, rulebook: &str) -> Option<String> {
    note.split('；').find_map(|part| {
        let rest = part.trim().strip_prefix("期望错误")?.trim();
        let (who, kind) = rest.split_once('=')?;
        (who == "*" || who == rulebook).then(|| kind.trim().to_owned())
    })
}

/// A rulebook's key_field (and its label) and each items input's (join, sub-rulebook): from
/// `Rulebook::inputs`, and `join` from the text that declares the input (the rulebook's own, or a
/// component's, whose inputs the rulebook takes on), so the join follows what the rulebooks say.
struct Shape {
    key_field: String,
    key_label: Option<String>,
    lists: BTreeMap<String, (Option<String>, Option<String>)>,
}

fn shape(rb: &Rulebook) -> Shape {
    let key_field = rb.key_field_name().expect("a roll-up level has a key_field");
    let inputs = rb.inputs();
    let key_label = inputs.iter().find(|i| i.name == key_field).and_then(|i| i.label.clone());
    let texts: Vec<toml::Table> = std::iter::once(rb.clone())
        .chain(rb.components())
        .map(|r| r.text().unwrap().parse().unwrap())
        .collect();
    let join_of = |name: &str| {
        texts.iter().find_map(|doc| doc.get("inputs")?.get(name)?.get("join")?.as_str().map(str::to_owned))
    };
    let lists = inputs
        .iter()
        .filter(|i| i.ty == "items")
        .map(|i| (i.name.clone(), (join_of(&i.name), i.rulebook.clone())))
        .collect();
    Shape { key_field, key_label, lists }
}

/// The column of `header` holding a level's key (its key_field by name, else its label).
fn key_column(header: &[String], s: &Shape) -> Option<usize> {
    header
        .iter()
        .position(|h| h == &s.key_field)
        .or_else(|| header.iter().position(|h| Some(h) == s.key_label.as_ref()))
}

/// Child rows of one list, grouped by the parent key in their join column, each row an item
/// (its own lists joined below it when their tables are given). Rows whose key is not in
/// `parents` are counted in `unmatched` under the list's path.
fn child_items(
    level: &Shape,
    list: &str,
    path: &str,
    children: &[(&str, &str)],
    parents: &[String],
    unmatched: &mut BTreeMap<String, usize>,
) -> HashMap<String, Vec<Item>> {
    let Some(&(_, file)) = children.iter().find(|(p, _)| *p == path) else { return HashMap::new() };
    let (header, rows) = csv(file);
    let (join, sub) = &level.lists[list];
    let join_at = match join {
        Some(j) => header.iter().position(|h| h == j),
        None => key_column(&header, level),
    }
    .unwrap_or_else(|| panic!("{file}: no join column for {path}"));
    let sub = sub.as_deref().map(|id| shape(&builtin(id)));
    // The sub-level's own lists, keyed by this table's rows.
    let mut nested: Vec<(String, HashMap<String, Vec<Item>>)> = Vec::new();
    let mut sub_key_at = None;
    if let Some(s) = &sub {
        sub_key_at = key_column(&header, s);
        let keys: Vec<String> =
            rows.iter().filter_map(|r| Some(r.cells[sub_key_at?].trim().to_owned())).collect();
        for name in s.lists.keys() {
            let inner = format!("{path}.{name}");
            if children.iter().any(|(p, _)| *p == inner) {
                nested.push((name.clone(), child_items(s, name, &inner, children, &keys, unmatched)));
            }
        }
    }
    let mut groups: HashMap<String, Vec<Item>> = HashMap::new();
    for row in &rows {
        let mut item = Item::new();
        for (at, (h, cell)) in header.iter().zip(&row.cells).enumerate() {
            if at != join_at && !cell.trim().is_empty() {
                item.set(h, cell.as_str());
            }
        }
        if let Some(k) = sub_key_at {
            let key = row.cells[k].trim();
            for (name, by_key) in &nested {
                item.set(name, Value::Items(by_key.get(key).cloned().unwrap_or_default()));
            }
        }
        let key = row.cells[join_at].trim().to_owned();
        if !parents.contains(&key) {
            *unmatched.entry(path.to_owned()).or_default() += 1;
        }
        groups.entry(key).or_default().push(item);
    }
    groups
}

/// A sample's parent table with its child tables joined: records, their 备注, the unmatched
/// child rows per list path.
struct Joined {
    records: Vec<Record>,
    keys: Vec<String>,
    notes: Vec<String>,
    unmatched: BTreeMap<String, usize>,
}

fn join(rb: &Rulebook, parent: &str, children: &[(&str, &str)]) -> Joined {
    let s = shape(rb);
    let t = table::read_csv(rb, &sample(parent), None).unwrap();
    let (header, raw) = csv(parent);
    let note_at = header.iter().position(|h| h == "备注").expect("a 备注 column");
    let key_at = key_column(&header, &s).unwrap();
    let keys: Vec<String> = raw.iter().map(|r| r.cells[key_at].trim().to_owned()).collect();
    let mut unmatched = BTreeMap::new();
    let mut records: Vec<Record> = t.records.into_iter().map(Result::unwrap).collect();
    for list in s.lists.keys() {
        if !children.iter().any(|(p, _)| p == list) {
            continue;
        }
        let mut groups = child_items(&s, list, list, children, &keys, &mut unmatched);
        for (rec, key) in records.iter_mut().zip(&keys) {
            assert!(rec.set(list, Value::Items(groups.remove(key).unwrap_or_default())));
        }
    }
    Joined { records, keys, notes: raw.iter().map(|r| r.cells[note_at].clone()).collect(), unmatched }
}

fn joined(r: &Rollup) -> (Rulebook, Joined) {
    let rb = builtin(r.id);
    let j = join(&rb, r.parent, r.children);
    (rb, j)
}

fn explained() -> BatchOptions {
    BatchOptions { explain: true, ..BatchOptions::default() }
}

/// A derived value of a result, as published (exact, or "≈…" when it does not terminate).
fn derived<'a>(o: &'a Outcome, name: &str) -> Option<&'a str> {
    o.derived.iter().find(|r| r.name == name).unwrap_or_else(|| panic!("no derived {name}")).value.as_deref()
}

fn derived_int(o: &Outcome, name: &str) -> i64 {
    derived(o, name)
        .unwrap_or_else(|| panic!("{name} has no data"))
        .parse()
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn criterion(o: &Outcome, id: &str) -> bool {
    o.criteria.iter().find(|c| c.id == id).unwrap_or_else(|| panic!("no criterion {id}")).holds
}

/// The child rows marked `不匹配` in a sample table (their parent is missing on purpose); a table
/// without a 备注 column (awards.csv) has none.
fn marked_unmatched(file: &str) -> usize {
    let (header, rows) = csv(file);
    let Some(note_at) = header.iter().position(|h| h == "备注") else { return 0 };
    rows.iter().filter(|r| r.cells[note_at].starts_with("不匹配")).count()
}

#[test]
fn rollup_samples_fail_exactly_where_marked_and_no_child_row_is_lost() {
    for r in ROLLUPS {
        let (rb, j) = joined(r);
        let batch = rb.score_batch(&j.records, &BatchOptions::default());
        let mut problems = Vec::new();
        let mut marked = 0;
        for (row, note) in batch.rows().zip(&j.notes) {
            match (expected_error(note, r.id), row.error()) {
                (None, None) => {}
                (Some(kind), Some(e)) if e.kind().name() == kind => marked += 1,
                (want, got) => problems.push(format!("{}: expected {want:?}, got {got:?}", row.key())),
            }
        }
        assert!(problems.is_empty(), "{} on {}:\n{}", r.id, r.parent, problems.join("\n"));
        assert!(marked >= 1, "{}: no parent row is bad on purpose", r.id);
        let s = batch.summary();
        assert_eq!(s.failed, marked, "{}", r.id);
        if let Some(p) = s.passed {
            assert!(p > 0 && p < s.ok, "{}: {p} of {} pass every criterion", r.id, s.ok);
        }
        // Every child row matched a parent but those left without one on purpose (§18.5: they are
        // reported, never dropped silently).
        for (path, file) in r.children {
            let want = marked_unmatched(file);
            assert_eq!(
                j.unmatched.get(*path).copied().unwrap_or(0),
                want,
                "{}: unmatched rows of {path}",
                r.id
            );
        }
        eprintln!(
            "{} · {}: {} rows, {} ok, passed {:?}, unmatched {:?}",
            r.id, r.parent, s.rows, s.ok, s.passed, j.unmatched
        );
    }
}

fn rollup(id: &str) -> &'static Rollup {
    ROLLUPS.iter().find(|r| r.id == id).unwrap()
}

fn as_of_2018() -> Option<Date> {
    Some("2018-12-31".parse().unwrap())
}

/// The households of rollup/households.csv scored alone by sc.poverty.household-exit at the
/// roll-ups' date: (village, members, passed) per household that scored.
fn households_alone() -> Vec<(String, i64, bool)> {
    let rb = builtin("sc.poverty.household-exit");
    let t = table::read_csv(&rb, &sample("rollup/households.csv"), None).unwrap();
    let (header, raw) = csv("rollup/households.csv");
    let village_at = header.iter().position(|h| h == "所在村").unwrap();
    let records: Vec<Record> = t.records.into_iter().map(Result::unwrap).collect();
    let batch = rb.score_batch(&records, &BatchOptions { as_of: as_of_2018(), ..BatchOptions::default() });
    let mut out = Vec::new();
    for ((row, rec), line) in batch.rows().zip(&records).zip(&raw) {
        if row.error().is_some() {
            continue;
        }
        let Some(Value::Text(m)) = rec.get("members") else { panic!("members as a cell") };
        out.push((line.cells[village_at].clone(), m.parse().unwrap(), row.passed().unwrap()));
    }
    out
}

/// A village's remaining poor are exactly the members of its households that fail 一超六有 when
/// scored alone; and the flat sc.poverty.village-exit, given that number, decides as the roll-up.
#[test]
fn a_village_counts_the_members_of_the_households_that_fail_alone() {
    let alone = households_alone();
    let (rb, j) = joined(rollup("sc.poverty.village-exit.households"));
    let batch = rb.score_batch(&j.records, &explained());
    let flat = builtin("sc.poverty.village-exit");
    let mut compared = 0;
    let mut both_ways = [0, 0];
    for (row, (key, rec)) in batch.rows().zip(j.keys.iter().zip(&j.records)) {
        let Some(o) = row.outcome() else { continue };
        let (mut registered, mut exited, mut remaining) = (0, 0, 0);
        for (_, members, passed) in alone.iter().filter(|(v, _, _)| v == key) {
            registered += members;
            if *passed {
                exited += members;
            } else {
                remaining += members;
            }
        }
        assert_eq!(derived_int(o, "registered_population"), registered, "{key}");
        assert_eq!(derived_int(o, "exited_population"), exited, "{key}");
        assert_eq!(derived_int(o, "poor_remaining"), remaining, "{key}");
        // The flat rulebook on the same village with the counted number typed in.
        let mut typed = flat.record();
        for input in flat.inputs() {
            if let Some(v) = rec.get(&input.name) {
                typed.set(&input.name, v.clone());
            }
        }
        typed.set("poor_remaining", remaining);
        let f = flat.score(&typed, &ScoreOptions { as_of: as_of_2018(), ..ScoreOptions::default() }).unwrap();
        assert_eq!(f.passed, o.passed, "{key}");
        for c in &f.criteria {
            assert_eq!(criterion(o, &c.id), c.holds, "{key}: {}", c.id);
        }
        both_ways[usize::from(criterion(o, "incidence"))] += 1;
        compared += 1;
    }
    assert!(compared >= 30, "{compared}");
    assert!(both_ways[0] >= 3 && both_ways[1] >= 3, "一低 both ways: {both_ways:?}");
}

/// The sampled households of rollup/survey.csv scored alone: (county, type, members, passed,
/// approval answer) per household that scored.
fn survey_alone() -> Vec<(String, String, i64, bool, Option<bool>)> {
    let rb = builtin("cn.poverty.third-party.household");
    let national = builtin("cn.poverty.household-exit");
    let bytes = sample("rollup/survey.csv");
    let t = table::read_csv(&rb, &bytes, None).unwrap();
    let tn = table::read_csv(&national, &bytes, None).unwrap();
    let (header, raw) = csv("rollup/survey.csv");
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (county_at, kind_at, members_at, approves_at) =
        (col("所属县"), col("户类型"), col("家庭人口"), col("认可脱贫结果"));
    let records: Vec<Record> = t.records.into_iter().map(Result::unwrap).collect();
    let national_records: Vec<Record> = tn.records.into_iter().map(Result::unwrap).collect();
    let opts = BatchOptions { as_of: as_of_2018(), ..BatchOptions::default() };
    let batch = rb.score_batch(&records, &opts);
    let national_batch = national.score_batch(&national_records, &opts);
    let mut out = Vec::new();
    for ((row, nat), line) in batch.rows().zip(national_batch.rows()).zip(&raw) {
        if row.error().is_some() {
            continue;
        }
        // The sample is judged by the national household standard, criterion by criterion.
        assert_eq!(row.passed(), nat.passed(), "{}: third-party vs cn.poverty.household-exit", row.key());
        let approves = match line.cells[approves_at].as_str() {
            "" => None,
            "是" => Some(true),
            "否" => Some(false),
            other => panic!("{other}"),
        };
        out.push((
            line.cells[county_at].clone(),
            line.cells[kind_at].clone(),
            line.cells[members_at].parse().unwrap(),
            row.passed().unwrap(),
            approves,
        ));
    }
    out
}

/// A county's figures are the sums of its villages' (each village scored alone, with its
/// households) and of its sampled households (each scored alone); its criteria follow from them by
/// integer arithmetic (cross-multiplied, so no division and no rounding stands between).
#[test]
fn a_county_adds_up_its_villages_and_its_sample() {
    let village_rb = builtin("sc.poverty.village-exit.households");
    let vj = join(&village_rb, "rollup/villages.csv", &[("households", "rollup/households.csv")]);
    let villages = village_rb.score_batch(&vj.records, &BatchOptions { as_of: as_of_2018(), ..explained() });
    let (header, raw) = csv("rollup/villages.csv");
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (county_at, pop_at, poor_at) = (col("所属县"), col("农业户籍人口"), col("贫困村"));
    let survey = survey_alone();

    let (rb, j) = joined(rollup("sc.poverty.county-exit.villages"));
    let batch = rb.score_batch(&j.records, &explained());
    let mut compared = 0;
    for (row, key) in batch.rows().zip(&j.keys) {
        let Some(o) = row.outcome() else { continue };
        // This county's villages: (rural population, poor village, result scored alone).
        let mine: Vec<(i64, bool, &Outcome)> = villages
            .rows()
            .zip(&raw)
            .filter(|(_, line)| &line.cells[county_at] == key)
            .map(|(v, line)| {
                let o = v.outcome().expect("the villages of a scored county score");
                (line.cells[pop_at].parse().unwrap(), line.cells[poor_at] == "是", o)
            })
            .collect();
        let sum = |name: &str| mine.iter().map(|(_, _, v)| derived_int(v, name)).sum::<i64>();
        let (rural, registered, exited, remaining) = (
            mine.iter().map(|(p, _, _)| p).sum::<i64>(),
            sum("registered_population"),
            sum("exited_population"),
            sum("poor_remaining"),
        );
        assert_eq!(derived_int(o, "rural_population"), rural, "{key}");
        assert_eq!(derived_int(o, "registered_population"), registered, "{key}");
        assert_eq!(derived_int(o, "exited_population"), exited, "{key}");
        assert_eq!(derived_int(o, "poor_remaining"), remaining, "{key}");
        // Poor villages and those of them that exit (the share is only shown, never a criterion).
        let poor = mine.iter().filter(|(_, p, _)| *p).count() as i64;
        let out = mine.iter().filter(|(_, p, v)| *p && v.passed == Some(true)).count() as i64;
        assert_eq!(derived_int(o, "poor_villages"), poor, "{key}");
        assert_eq!(derived_int(o, "exited_poor_villages"), out, "{key}");
        let share = derived(o, "poor_village_exit_share").map(|s| d(s.trim_start_matches('≈')).round_dp(4));
        assert_eq!(
            share,
            (poor > 0).then(|| (Decimal::from(out * 100) / Decimal::from(poor)).round_dp(4)),
            "{key}"
        );

        let people = |kind: &str, failing: bool| -> i64 {
            survey
                .iter()
                .filter(|(c, k, _, passed, _)| c == key && k == kind && (!failing || !passed))
                .map(|(_, _, m, _, _)| m)
                .sum()
        };
        let (s_exited, s_wrong) = (people("已脱贫户", false), people("已脱贫户", true));
        let (s_nonreg, s_missed) = (people("非建档立卡户", false), people("非建档立卡户", true));
        let answered = survey.iter().filter(|(c, _, _, _, a)| c == key && a.is_some()).count() as i64;
        let approving = survey.iter().filter(|(c, _, _, _, a)| c == key && *a == Some(true)).count() as i64;
        assert_eq!(derived_int(o, "sampled_exited"), s_exited, "{key}");
        assert_eq!(derived_int(o, "sampled_wrongly_exited"), s_wrong, "{key}");
        assert_eq!(derived_int(o, "sampled_non_registered"), s_nonreg, "{key}");
        assert_eq!(derived_int(o, "sampled_missed"), s_missed, "{key}");
        assert_eq!(derived_int(o, "surveyed_households"), answered, "{key}");
        assert_eq!(derived_int(o, "approving_households"), approving, "{key}");

        // The criteria, cross-multiplied in integers.
        let (rural, registered, exited, remaining) =
            (rural as i128, registered as i128, exited as i128, remaining as i128);
        let (s_exited, s_wrong, s_nonreg, s_missed) =
            (s_exited as i128, s_wrong as i128, s_nonreg as i128, s_missed as i128);
        assert_eq!(criterion(o, "incidence"), 100 * remaining < 3 * rural, "{key}");
        assert_eq!(criterion(o, "wrong_exit_rate"), 100 * s_wrong < 2 * s_exited, "{key}");
        assert_eq!(criterion(o, "missed_rate"), 100 * s_missed < 2 * s_nonreg, "{key}");
        assert_eq!(criterion(o, "approval"), 100 * approving as i128 >= 90 * answered as i128, "{key}");
        // (remaining + s_missed/s_nonreg × (rural − registered) + s_wrong/s_exited × exited) / rural < 3%
        let lhs = 100
            * (remaining * s_nonreg * s_exited
                + s_missed * (rural - registered) * s_exited
                + s_wrong * exited * s_nonreg);
        assert_eq!(criterion(o, "comprehensive_incidence"), lhs < 3 * rural * s_nonreg * s_exited, "{key}");
        compared += 1;
    }
    assert!(compared >= 6, "{compared}");
}

/// `n / m` rounded half up to 2 places, in integers (m > 0).
fn half_up_2(n: i128, m: i128) -> Decimal {
    let hundredths = (200 * n + m) / (2 * m); // floor(100 n / m + 1/2), n, m ≥ 0
    Decimal::from_i128_with_scale(hundredths, 2)
}

/// A district's share is Σ weight of its qualified respondents ÷ Σ weight × 100 over its respondents
/// scored alone by cn.science-literacy, published half up at 2 places; the target compares that.
#[test]
fn a_district_share_weighs_its_respondents_scored_alone() {
    let person = builtin("cn.science-literacy");
    let bytes = sample("respondents.csv");
    let t = table::read_csv(&person, &bytes, None).unwrap();
    let (header, raw) = csv("respondents.csv");
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (district_at, weight_at) = (col("区（市）县"), col("抽样权重"));
    let records: Vec<Record> = t.records.into_iter().map(Result::unwrap).collect();
    let people = person.score_batch(&records, &BatchOptions::default());
    // Per district: Σ weight (hundredths) and Σ weight of the qualified.
    let mut sums: BTreeMap<String, (i128, i128, usize)> = BTreeMap::new();
    for (row, line) in people.rows().zip(&raw) {
        if row.error().is_some() {
            continue;
        }
        // Weights are written with two places: hundredths as an integer.
        let text = &line.cells[weight_at];
        assert_eq!(text.split_once('.').map(|(_, f)| f.len()), Some(2), "{text}");
        let w: i128 = text.replace('.', "").parse().unwrap();
        let e = sums.entry(line.cells[district_at].clone()).or_default();
        e.0 += w;
        e.1 += if row.passed() == Some(true) { w } else { 0 };
        e.2 += 1;
    }
    let (rb, j) = joined(rollup("cn.science-literacy.district"));
    let batch = rb.score_batch(&j.records, &explained());
    let mut compared = 0;
    for (row, key) in batch.rows().zip(&j.keys) {
        let Some(o) = row.outcome() else { continue };
        let (all, qualified, n) = sums[key];
        let share = half_up_2(100 * qualified, all);
        assert_eq!(o.total, Some(share), "{key}");
        assert_eq!(o.passed, Some(share > d("15")), "{key}");
        assert_eq!(derived_int(o, "respondent_count"), n as i64, "{key}");
        compared += 1;
    }
    assert!(compared >= 5, "{compared}");
}

fn respondent(key: &str, total80: bool, weight: &str, group: Option<&str>) -> Item {
    let (k, m) = if total80 { (32, 16) } else { (24, 12) };
    let mut it = Item::new()
        .with("respondent", key)
        .with("knowledge", k)
        .with("method", m)
        .with("spirit", m)
        .with("application", m)
        .with("weight", d(weight));
    if let Some(g) = group {
        it.set("group", g);
    }
    it
}

/// Each group's share is weighted within the group; a group nobody belongs to is no data (not 0,
/// not an error); respondents without a group count only in the whole district's share.
#[test]
fn group_shares_are_weighted_within_each_group() {
    let rb = builtin("cn.science-literacy.district");
    let mut r = rb.record();
    r.set("district", "示例区");
    r.set(
        "respondents",
        vec![
            respondent("F1", true, "3", Some("农民")), // farmers: 3 of 3 + 1 qualify → 75%
            respondent("F2", false, "1", Some("农民")),
            respondent("O1", true, "0.5", Some("领导干部和公务员")), // officials: 0.5 of 0.5 + 2.5 → 16.67%
            respondent("O2", false, "2.5", Some("领导干部和公务员")),
            respondent("S1", false, "1", Some("老年人")), // seniors: 0%
            respondent("X1", true, "2", None),            // no group: the whole district only
            respondent("Y1", false, "1", Some("其他")),
        ],
    );
    let o = rb.score(&r, &ScoreOptions::default()).unwrap();
    // Whole district: (3 + 0.5 + 2) / (3 + 1 + 0.5 + 2.5 + 1 + 2 + 1) = 5.5 / 11 = 50%.
    assert_eq!(o.total, Some(d("50.00")));
    assert_eq!(derived(&o, "qualified_share"), Some("50"));
    assert_eq!(derived(&o, "weight_total"), Some("11"));
    assert_eq!(derived(&o, "share_farmers"), Some("75"));
    assert_eq!(derived(&o, "share_officials"), Some("≈16.666667"));
    assert_eq!(derived(&o, "share_seniors"), Some("0"));
    assert_eq!(derived(&o, "share_youth"), None);
    assert_eq!(derived(&o, "share_workers"), None);
    // Unweighted: 3 of 7.
    assert_eq!(derived(&o, "unweighted_share"), Some("≈42.857143"));
    // Weighted mean score: (80 × 5.5 + 60 × 5.5) / 11 = 70.
    assert_eq!(derived(&o, "mean_score"), Some("70"));
    // The explanation names the list and the group each share selected.
    let text = kaoping::explain(&o, kaoping::Lang::Zh);
    assert!(text.contains(r#"item.group == "农民""#), "{text}");
}

/// The school's process part: the panel alone without term records; with them, half the panel
/// and half the terms, whose mean, latest term (by 学期, whatever the row order) and progress come
/// from the terms scored alone by cd.school.science-term.
#[test]
fn a_school_process_folds_in_its_terms_scored_alone() {
    let term_rb = builtin("cd.school.science-term");
    let tt = table::read_csv(&term_rb, &sample("terms.csv"), None).unwrap();
    let (header, raw) = csv("terms.csv");
    let (school_at, term_at) =
        (header.iter().position(|h| h == "学校").unwrap(), header.iter().position(|h| h == "学期").unwrap());
    let records: Vec<Record> = tt.records.into_iter().map(Result::unwrap).collect();
    let terms = term_rb.score_batch(&records, &BatchOptions::default());
    let mut by_school: BTreeMap<String, Vec<(String, Decimal)>> = BTreeMap::new();
    for (row, line) in terms.rows().zip(&raw) {
        if let Some(total) = row.total() {
            by_school
                .entry(line.cells[school_at].clone())
                .or_default()
                .push((line.cells[term_at].clone(), total));
        }
    }
    let (rb, j) = joined(rollup("cd.school.science-education"));
    let batch = rb.score_batch(&j.records, &explained());
    let (mut with, mut without, mut reordered) = (0, 0, 0);
    let half = |x: Decimal| x.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    for (row, key) in batch.rows().zip(&j.keys) {
        let Some(o) = row.outcome() else { continue };
        let panel = o.points("process.panel").unwrap();
        let Some(mine) = by_school.get(key) else {
            assert_eq!(o.points("process"), Some(panel), "{key}: no terms, the panel alone");
            assert_eq!(o.node("process.terms").unwrap().status, kaoping::Status::NotApplicable);
            without += 1;
            continue;
        };
        let mut sorted = mine.clone();
        sorted.sort_by(|a, b| a.0.cmp(&b.0));
        reordered += usize::from(&sorted != mine);
        let n = Decimal::from(sorted.len() as i64);
        let mean = half(sorted.iter().map(|(_, t)| t).sum::<Decimal>() / n / Decimal::from(10));
        let (first, last) = (sorted[0].1, sorted[sorted.len() - 1].1);
        assert_eq!(o.points("process.terms.mean"), Some(mean), "{key}");
        assert_eq!(o.points("process.terms.latest"), Some(half(last / Decimal::from(20))), "{key}");
        let progress = if last >= Decimal::from(90) { Decimal::from(10) } else { last - first };
        let band = [(10, "5"), (5, "4"), (0, "2")]
            .iter()
            .find(|(at, _)| progress >= Decimal::from(*at))
            .map_or(d("0"), |(_, p)| d(p));
        let terms_points = if sorted.len() >= 2 {
            assert_eq!(o.points("process.terms.progress"), Some(band), "{key}");
            mean + half(last / Decimal::from(20)) + band
        } else {
            half((mean + half(last / Decimal::from(20))) / Decimal::from(15) * Decimal::from(20))
        };
        assert_eq!(o.points("process.terms"), Some(terms_points), "{key}");
        assert_eq!(o.points("process"), Some(half((panel + terms_points) / Decimal::from(2))), "{key}");
        with += 1;
    }
    assert!(
        with >= 100 && without >= 50 && reordered >= 10,
        "with {with}, without {without}, reordered {reordered}"
    );
}

/// cd.school.target scores science education as a component on the same record: the terms joined
/// to a school reach it there, so the target's science part is the science evaluation's total.
#[test]
fn the_target_assessment_sees_the_terms_through_its_component() {
    let (target, j) = joined(rollup("cd.school.target"));
    let science = builtin("cd.school.science-education");
    let js = join(&science, "schools.csv", rollup("cd.school.science-education").children);
    let opts = ScoreOptions::default();
    let mut compared = 0;
    for (p, c) in j.records.iter().zip(&js.records) {
        let (Ok(po), Ok(co)) = (target.score(p, &opts), science.score(c, &opts)) else { continue };
        assert_eq!(po.points("target.science"), co.total, "{}", po.key);
        compared += usize::from(co.node("process.terms").unwrap().status == kaoping::Status::Scored);
    }
    assert!(compared > 100, "{compared}");
}

/// A village's own result keeps its households' results on request: the household exactly on the
/// line is named with the criterion it missed, and the explanation says how many households the
/// remaining poor came from.
#[test]
fn a_village_result_opens_onto_its_households() {
    let (rb, j) = joined(rollup("sc.poverty.village-exit.households"));
    let at = j.keys.iter().position(|k| k == "边界村1").unwrap();
    let o = rb.score(&j.records[at], &ScoreOptions { items: true, ..ScoreOptions::default() }).unwrap();
    assert_eq!(derived(&o, "poor_remaining"), Some("30"));
    assert_eq!(derived(&o, "incidence"), Some("3"));
    assert!(!criterion(&o, "incidence"));
    let households = o.items_of("households").unwrap();
    assert_eq!(households.len(), 9);
    let on_the_line: Vec<_> = households
        .iter()
        .filter(|h| h.result.criteria.iter().any(|c| c.id == "income" && !c.holds))
        .map(|h| h.key.clone().unwrap())
        .collect();
    assert!(!on_the_line.is_empty());
    let line = o.aggregates.iter().find(|a| a.place == "derived \"poor_remaining\"").unwrap();
    assert_eq!((line.selected, line.of, line.value.as_deref()), (6, Some(9), Some("30")));
    assert_eq!(line.list_label.as_deref(), Some("建档立卡贫困户"));
}
