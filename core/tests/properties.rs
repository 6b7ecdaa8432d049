//! Property tests over random rulebooks and records, with generators aimed at the hard places:
//! values exactly on band thresholds, leaves landing on rounding midpoints, products near and
//! beyond the machine-integer limits, zeros under divisions, missing optional inputs.
//!
//! Properties: points within [0, max] at every node; a batch (the columnar fast path) equals
//! scoring each record alone (the interpreter); parallel equals serial; typed columns equal
//! records; results survive a JSON round trip.
//!
//! A second generator builds families of rulebooks — a top rulebook over a component that may use
//! a component of its own, each with optional inputs, derived values and rules over lists — and
//! records that leave inputs and lists out (see "Families" below).

use std::fmt::Write as _;
use std::sync::Arc;

use kaoping::{
    BatchOptions, Column, ColumnData, Columns, Format, Outcome, Piece, Rulebook, ScoreOptions, Value, Values,
};
use proptest::prelude::*;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

/// Numbers that sit on the places where arithmetic goes wrong.
fn hard_number() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        // thresholds and their neighbours
        4 => prop::sample::select(vec![0i64, 1, 2, 3, 5, 10, 60, 80, 95, 100]).prop_map(Decimal::from),
        4 => (-300i64..300).prop_map(|k| Decimal::new(k, 2)),
        // rounding midpoints at 2 and 3 places: k + 0.5 units
        2 => (-2000i64..2000).prop_map(|k| Decimal::new(k * 10 + 5, 3)),
        2 => (-2000i64..2000).prop_map(|k| Decimal::new(k * 10 + 5, 4)),
        // 83.125 and friends (266/320 satisfaction)
        1 => Just(Decimal::new(83125, 3)),
        // big values whose products overflow i64 and i128
        1 => prop::sample::select(vec![i64::MAX, i64::MAX - 1, i64::MIN + 1, 3_037_000_499, 4_294_967_296]).prop_map(Decimal::from),
        1 => Just(Decimal::MAX),
        // long fractions
        1 => (1i64..1_000_000_000).prop_map(|k| Decimal::new(k, 9)),
    ]
}

#[derive(Clone, Debug)]
struct Leaf {
    rule: String,
    points: u32,
    applies: Option<String>,
}

#[derive(Clone, Debug)]
struct Book {
    scale: u32,
    rounding: &'static str,
    derived: Vec<String>,
    groups: Vec<(u32, bool, Vec<Leaf>)>, // (weight, weighted children?, leaves)
    /// The bonus item's rule, if any.
    bonus: Option<String>,
    /// `allow_above_max` (a bonus may lift the total above the max).
    above_max: bool,
    veto: Option<String>,
    criterion: Option<String>,
    grade_bounds: (u32, u32),
    /// Optional `min`/`max` of the integer input n1 and the decimal input x1 (fractional bounds
    /// included: an integer between 0.5 and 2.5 is 1 or 2).
    limits: [(Option<Decimal>, Option<Decimal>); 2],
}

fn limit() -> impl Strategy<Value = Option<Decimal>> {
    prop::option::weighted(
        0.4,
        prop::sample::select(vec![-3i64, 0, 5, 10, 25, 500, 1500]).prop_map(|k| Decimal::new(k, 1)),
    )
}

fn limits() -> impl Strategy<Value = (Option<Decimal>, Option<Decimal>)> {
    (limit(), limit()).prop_map(|(a, b)| match (a, b) {
        (Some(a), Some(b)) => (Some(a.min(b)), Some(a.max(b))),
        other => other,
    })
}

/// `, min = …, max = …` for an input declaration.
fn limit_text((lo, hi): &(Option<Decimal>, Option<Decimal>)) -> String {
    let mut s = String::new();
    if let Some(lo) = lo {
        let _ = write!(s, ", min = {lo}");
    }
    if let Some(hi) = hi {
        let _ = write!(s, ", max = {hi}");
    }
    s
}

fn expr() -> impl Strategy<Value = String> {
    let atom = prop_oneof![
        prop::sample::select(vec!["x1", "x2", "x3", "n1", "n2", "d0", "d1", "p1"]).prop_map(str::to_owned),
        hard_number().prop_map(|d| d.abs().round_dp(4).normalize().to_string()),
    ];
    atom.prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            (inner.clone(), prop::sample::select(vec!["+", "-", "*", "/"]), inner.clone())
                .prop_map(|(a, op, b)| format!("({a} {op} {b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("min({a}, {b})")),
            (inner.clone(), 0u32..4).prop_map(|(a, n)| format!("round({a}, {n})")),
            // A rate as rulebooks write it, unparenthesised (the executor fuses whole a / b * k).
            (
                prop::sample::select(vec!["n1", "n2", "x1"]),
                prop::sample::select(vec!["n1", "n2", "x2"]),
                prop_oneof![0i64..200, Just(i64::MAX / 3), Just(1 << 40)]
            )
                .prop_map(|(a, b, k)| format!("({a} / {b} * {k})")),
            (inner.clone(), inner.clone(), inner.clone())
                .prop_map(|(c, a, b)| format!("(if {c} > 1 then {a} else {b})")),
        ]
    })
}

/// What a count or a deduction reads: an input straight, or an expression.
fn count_input() -> impl Strategy<Value = String> {
    prop_oneof![3 => prop::sample::select(vec!["n1", "n2", "x1"]).prop_map(str::to_owned), 1 => expr()]
}

/// Points per unit of a count or deduction.
fn each() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["1", "3", "0.5", "0.125", "\"p1\""])
}

fn leaf() -> impl Strategy<Value = Leaf> {
    let rule = prop_oneof![
        // Thresholds whole, fractional, or a parameter (2.5 or 4 by profile).
        (
            expr(),
            prop::sample::select(vec!["at_most", "below", "at_least", "above"]),
            prop::sample::select(vec![("2", "3"), ("1.5", "2.25"), ("\"p1\"", "5")]),
        )
            .prop_map(|(e, cmp, (lo, hi))| {
                let (a, b) = if cmp == "at_most" || cmp == "below" { (lo, hi) } else { (hi, lo) };
                format!("bands = {{ input = \"{e}\", {cmp} = [[{a}, \"p1\"], [{b}, 1]], else = 0 }}")
            }),
        // Short lines near zero, where the inputs' values fall, so that most values land on
        // the line (with slopes like 10/7, where rounding matters) rather than beyond its ends;
        // some end at the parameter p1 (2.5 or 4 by profile).
        (expr(), -3i32..2, 1i32..8, prop::bool::ANY, prop::bool::weighted(0.3)).prop_map(
            |(e, x0, span, rising, to_param)| {
                let (p0, p1) = if rising { (0, 10) } else { (10, 0) };
                let x1 = if to_param { "\"p1\"".to_owned() } else { (x0 + span).to_string() };
                format!("linear = {{ input = \"{e}\", from = [{x0}, {p0}], to = [{x1}, {p1}] }}")
            },
        ),
        expr().prop_map(|e| format!("check = {{ when = \"{e} > 1\", else = 1 }}")),
        expr().prop_map(|e| format!("deduct = {{ input = \"{e}\", each = 0.5 }}")),
        // Counts and deductions of an input as it is (often a whole number), with `each` and
        // `floor` whole in units or not at the rulebook's scale.
        (count_input(), each()).prop_map(|(e, each)| format!("count = {{ input = \"{e}\", each = {each} }}")),
        (count_input(), each(), prop::sample::select(vec!["0", "1", "2.5", "-1"])).prop_map(
            |(e, each, floor)| { format!("deduct = {{ input = \"{e}\", each = {each}, floor = {floor} }}") }
        ),
        (expr(), expr()).prop_map(|(a, b)| format!("ratio = {{ input = \"{a}\", target = \"{b}\" }}")),
        expr().prop_map(|e| format!("formula = \"{e}\"")),
        Just("lookup = { input = \"area\", table = { \"东\" = 7, \"西\" = \"p1\" }, else = 2 }".to_owned()),
        Just("formula = \"opt * 2\"".to_owned()),
        Just("formula = \"n1 / 3 * 3\"".to_owned()),
        // Relative to the cohort's best (以最高值为满分), overall or within the row's profile.
        (expr(), prop::sample::select(vec!["max", "min"]), prop::sample::select(vec!["all", "profile"]))
            .prop_map(|(e, best, within)| format!(
                "relative = {{ input = \"{e}\", best = \"{best}\", within = \"{within}\" }}"
            )),
    ];
    (rule, 1u32..20, prop::option::weighted(0.15, expr())).prop_map(|(rule, points, applies)| Leaf {
        rule,
        points,
        applies: applies.map(|a| format!("{a} > 0")),
    })
}

fn book() -> impl Strategy<Value = Book> {
    (
        0u32..4,
        prop::sample::select(vec!["half_up", "half_even", "down", "up", "floor", "ceiling"]),
        prop::collection::vec(expr(), 2),
        prop::collection::vec(
            (1u32..5, prop::bool::weighted(0.3), prop::collection::vec(leaf(), 1..4)),
            1..4,
        ),
        prop::option::of(prop_oneof![
            expr().prop_map(|b| format!("formula = \"{b}\"")),
            (count_input(), each())
                .prop_map(|(e, each)| format!("count = {{ input = \"{e}\", each = {each} }}")),
        ]),
        prop::bool::weighted(0.3),
        prop::option::weighted(0.3, expr()),
        prop::option::weighted(0.5, expr()),
        (0u32..60, 0u32..30),
        [limits(), limits()],
    )
        .prop_map(
            |(scale, rounding, derived, groups, bonus, above_max, veto, criterion, grade_bounds, limits)| {
                Book {
                    scale,
                    rounding,
                    derived,
                    groups,
                    bonus,
                    above_max,
                    veto,
                    criterion,
                    grade_bounds,
                    limits,
                }
            },
        )
}

impl Book {
    fn toml(&self) -> String {
        let mut s = String::new();
        let _ = write!(
            s,
            "[rulebook]\nid = \"prop\"\ntitle = \"prop\"\nversion = \"1\"\nscale = {}\nrounding = \"{}\"\nprofile_field = \"area\"\n",
            self.scale, self.rounding
        );
        s.push_str("[profiles.\"东\"]\n[profiles.\"西\"]\n[profiles.\"西\".points]\n\"g0\" = 999\n");
        let _ = write!(
            s,
            "[inputs]\narea = {{ type = \"text\", required = false }}\nx1 = {{ type = \"decimal\"{} }}\nx2 = {{ type = \"decimal\" }}\nx3 = {{ type = \"decimal\" }}\nn1 = {{ type = \"integer\"{} }}\nn2 = {{ type = \"integer\" }}\nopt = {{ type = \"decimal\", required = false }}\nflag = {{ type = \"boolean\", default = false }}\n",
            limit_text(&self.limits[1]),
            limit_text(&self.limits[0])
        );
        s.push_str("[params]\np1 = { value = 2.5, profiles = { \"西\" = 4 } }\n[derived]\n");
        for (i, d) in self.derived.iter().enumerate() {
            // Each derived value may read the ones before it.
            let d = if i == 0 { d.replace("d0", "x1").replace("d1", "x2") } else { d.replace("d1", "d0") };
            let _ = writeln!(s, "d{i} = \"{d}\"");
        }
        let mut group_points = Vec::new();
        for (g, (_, weighted, leaves)) in self.groups.iter().enumerate() {
            let sum: u32 = leaves.iter().map(|l| l.points).sum();
            let pts = if *weighted { 50 } else { sum };
            group_points.push(pts);
            let _ = write!(s, "[[indicator]]\nid = \"g{g}\"\nlabel = \"组{g}\"\npoints = {pts}\n");
            if *weighted {
                s.push_str("aggregate = \"weighted\"\n");
            }
            for (k, l) in leaves.iter().enumerate() {
                let _ = write!(
                    s,
                    "[[indicator]]\nid = \"g{g}.l{k}\"\nlabel = \"项{g}.{k}\"\npoints = {}\n{}\n",
                    l.points, l.rule
                );
                if *weighted {
                    let _ = writeln!(s, "weight = {}", k + 1);
                }
                if let Some(a) = &l.applies {
                    let _ = writeln!(s, "applies = \"{a}\"");
                }
            }
        }
        // The 西 profile overrides g0's points only when g0 is weighted (else the sum must hold).
        if !self.groups[0].1 {
            s = s.replace("[profiles.\"西\".points]\n\"g0\" = 999\n", "");
        }
        if let Some(b) = &self.bonus {
            let _ = write!(s, "[[bonus]]\nid = \"b\"\nlabel = \"加分\"\npoints = 3\n{b}\n");
        }
        if self.above_max {
            s.push_str("[adjust]\nallow_above_max = true\n");
        }
        s.push_str("[[penalty]]\nid = \"pen\"\nlabel = \"扣分\"\npoints = 2\ncheck = { when = \"flag\" }\n");
        if let Some(v) = &self.veto {
            let _ = write!(s, "[[veto]]\nid = \"v\"\nwhen = \"{v} > 5\"\nscore = 1.5\ngrade = \"差\"\n");
        }
        if let Some(c) = &self.criterion {
            let _ = write!(s, "[[criterion]]\nid = \"c\"\nwhen = \"{c} < 3\"\n");
        }
        let (a, b) = self.grade_bounds;
        let _ = write!(
            s,
            "[[grade]]\nlabel = \"好\"\nat_least = {}\n[[grade]]\nlabel = \"中\"\nabove = {}\n[[grade]]\nlabel = \"差\"\n",
            a + b + 1,
            b
        );
        s.push_str(
            "[[grade_rule]]\nwhen = 'points(\"g0\") < 0.5 * max_points(\"g0\")'\ngrade_at_most = \"中\"\n",
        );
        s
    }
}

#[derive(Clone, Debug)]
struct Rec {
    area: Option<&'static str>,
    x: [Decimal; 3],
    n: [i64; 2],
    opt: Option<Decimal>,
    flag: Option<bool>,
}

fn rec() -> impl Strategy<Value = Rec> {
    (
        prop::option::weighted(0.95, prop::sample::select(vec!["东", "西", "东", "西", "东", "西", "北"])),
        [hard_number(), hard_number(), hard_number()],
        [
            prop_oneof![8 => -5i64..200, 1 => prop::sample::select(vec![0i64, i64::MAX, i64::MIN, 3_037_000_500])],
            prop_oneof![8 => -5i64..200, 1 => prop::sample::select(vec![0i64, i64::MAX - 7])],
        ],
        prop::option::weighted(0.9, hard_number()),
        prop::option::weighted(0.9, prop::bool::ANY),
    )
        .prop_map(|(area, x, n, opt, flag)| Rec { area, x, n, opt, flag })
}

/// Ordinary records: every input present, values of everyday size with few places (midpoints
/// included), so that nearly every row takes the fast path and its arithmetic is what is tested.
fn ordinary_rec() -> impl Strategy<Value = Rec> {
    let value = prop_oneof![
        3 => (-50i64..250).prop_map(Decimal::from),
        3 => (-5000i64..25000).prop_map(|k| Decimal::new(k, 2)),
        2 => (-20000i64..20000).prop_map(|k| Decimal::new(k * 10 + 5, 3)),
        1 => prop::sample::select(vec![0i64, 1, 2, 3, 5, 10, 60, 80, 95, 100]).prop_map(Decimal::from),
    ];
    (
        prop::sample::select(vec!["东", "西"]),
        [value.clone(), value.clone(), value.clone()],
        [1i64..300, 0i64..300],
        value,
        prop::bool::ANY,
    )
        .prop_map(|(area, x, n, opt, flag)| Rec {
            area: Some(area),
            x,
            n,
            opt: Some(opt),
            flag: Some(flag),
        })
}

impl Rec {
    fn record(&self, rb: &Rulebook) -> kaoping::Record {
        let mut r = rb.record();
        if let Some(a) = self.area {
            r.set("area", a);
        }
        for (i, x) in self.x.iter().enumerate() {
            r.set(&format!("x{}", i + 1), *x);
        }
        r.set("n1", self.n[0]);
        r.set("n2", self.n[1]);
        if let Some(o) = self.opt {
            r.set("opt", o);
        }
        if let Some(f) = self.flag {
            r.set("flag", Value::Bool(f));
        }
        r
    }
}

/// The records as typed columns; with `float_x` the decimal inputs x1..x3 as float columns (what
/// a pandas DataFrame read from CSV holds).
fn columns(recs: &[Rec], float_x: bool) -> Columns {
    let n = recs.len();
    let mut c = Columns::new(n);
    let dict = vec!["东".to_owned(), "西".to_owned(), "北".to_owned()];
    let code = |a: &str| dict.iter().position(|d| d == a).unwrap_or(0) as u32;
    c.push(
        "area",
        Column::with_nulls(
            ColumnData::Dict {
                codes: recs.iter().map(|r| r.area.map_or(0, code)).collect(),
                dict: dict.clone(),
            },
            recs.iter().map(|r| r.area.is_none()).collect(),
        ),
    )
    .unwrap();
    for i in 0..3 {
        let data = if float_x {
            ColumnData::Float(recs.iter().map(|r| r.x[i].to_f64().unwrap_or(f64::NAN)).collect())
        } else {
            ColumnData::Decimal(recs.iter().map(|r| r.x[i]).collect())
        };
        c.push(format!("x{}", i + 1), Column::new(data)).unwrap();
    }
    for i in 0..2 {
        let n: Vec<i64> = recs.iter().map(|r| r.n[i]).collect();
        // 32-bit integers where every value fits (Arrow int32), else 64-bit.
        let data = match n.iter().map(|&v| i32::try_from(v)).collect::<Result<Vec<i32>, _>>() {
            Ok(narrow) => ColumnData::Int32(narrow.into()),
            Err(_) => ColumnData::Int(n.into()),
        };
        c.push(format!("n{}", i + 1), Column::new(data)).unwrap();
    }
    c.push(
        "opt",
        Column::with_nulls(
            ColumnData::Decimal(recs.iter().map(|r| r.opt.unwrap_or_default()).collect()),
            recs.iter().map(|r| r.opt.is_none()).collect(),
        ),
    )
    .unwrap();
    c.push(
        "flag",
        Column::with_nulls(
            ColumnData::Bool(recs.iter().map(|r| r.flag.unwrap_or(false)).collect()),
            recs.iter().map(|r| r.flag.is_none()).collect(),
        ),
    )
    .unwrap();
    c
}

/// The same columns as memory shared in pieces (as an Arrow table's chunks are read): numbers
/// cut into runs of 2, 1, 4 and 3 rows after an empty one, so that a chunk of rows is read across
/// pieces; decimals as fixed point at their widest scale (Arrow's decimal128) where they fit.
fn in_pieces(table: &Columns) -> Columns {
    fn cut<T: Clone + Send + Sync + 'static>(v: &Values<T>) -> Values<T> {
        let all: Vec<T> = v.iter().cloned().collect();
        let mut pieces: Vec<Piece<T>> = vec![Arc::new(Vec::<T>::new())];
        let mut at = 0;
        for size in [2, 1, 4, 3].into_iter().cycle() {
            if at >= all.len() {
                break;
            }
            let end = (at + size).min(all.len());
            pieces.push(Arc::new(all[at..end].to_vec()));
            at = end;
        }
        Values::shared(pieces)
    }
    let mut out = Columns::new(table.len());
    for (name, col) in table.columns() {
        let data = match &col.data {
            ColumnData::Int(v) => ColumnData::Int(cut(v)),
            ColumnData::Int32(v) => ColumnData::Int32(cut(v)),
            ColumnData::Float(v) => ColumnData::Float(cut(v)),
            ColumnData::Fixed { mantissa, scale } => {
                ColumnData::Fixed { mantissa: cut(mantissa), scale: *scale }
            }
            ColumnData::Decimal(v) => {
                let scale = v.iter().map(|d| d.scale()).max().unwrap_or(0);
                let fixed: Option<Vec<i128>> = v
                    .iter()
                    .map(|d| d.mantissa().checked_mul(10i128.checked_pow(scale - d.scale())?))
                    .collect();
                match fixed {
                    Some(m) => ColumnData::Fixed { mantissa: cut(&m.into()), scale },
                    None => ColumnData::Decimal(v.clone()),
                }
            }
            other => other.clone(),
        };
        out.push(name.clone(), Column { data, nulls: col.nulls.clone() }).unwrap();
    }
    out
}

/// `above`: how far a total may exceed the max (the bonus item's points, with `allow_above_max`).
fn check_bounds(o: &Outcome, above: Decimal) -> Result<(), TestCaseError> {
    for n in &o.nodes {
        if let Some(p) = n.points {
            prop_assert!(p >= Decimal::ZERO && p <= n.max, "{} = {p} outside [0, {}]", n.id, n.max);
        }
    }
    // A firing veto's `score` sets the total as written (spec §9), even above a small max.
    if let (Some(t), Some(m), true) = (o.total, o.max, o.vetoes.is_empty()) {
        prop_assert!(t >= Decimal::ZERO && t <= m + above, "total {t} outside [0, {m} + {above}]");
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, max_shrink_iters: 2000, ..ProptestConfig::default() })]

    #[test]
    fn batch_equals_one_by_one_and_points_stay_in_range(b in book(), recs in prop::collection::vec(rec(), 1..24)) {
        check_batch(&b, &recs, false)?;
    }

    #[test]
    fn fast_path_equals_interpreter_on_ordinary_records(b in book(), mut recs in prop::collection::vec(ordinary_rec(), 1..40)) {
        // Within the inputs' bounds, so the rows score rather than fail.
        let within = |v: Decimal, (lo, hi): &(Option<Decimal>, Option<Decimal>)| {
            let v = lo.map_or(v, |lo| v.max(lo));
            hi.map_or(v, |hi| v.min(hi))
        };
        for r in &mut recs {
            r.x[0] = within(r.x[0], &b.limits[1]);
            let (lo, hi) = &b.limits[0];
            let n = within(Decimal::from(r.n[0]), &(lo.map(|l| l.ceil()), hi.map(|h| h.floor())));
            r.n[0] = i64::try_from(n).unwrap_or(r.n[0]);
        }
        check_batch(&b, &recs, false)?;
        // The same values as floats (each the float nearest the decimal, whose shortest text is
        // that decimal again for these everyday values): float columns score like decimals.
        let floats: Vec<Rec> = recs
            .iter()
            .cloned()
            .map(|mut r| {
                for x in &mut r.x {
                    *x = format!("{}", x.to_f64().unwrap()).parse().unwrap();
                }
                r
            })
            .collect();
        check_batch(&b, &floats, true)?;
    }
}

/// A batch (serial, parallel, from typed columns) equals scoring each record alone; points stay
/// in range; unit columns and the summary agree with the rows.
fn check_batch(b: &Book, recs: &[Rec], float_x: bool) -> Result<(), TestCaseError> {
    {
        let text = b.toml();
        let rb = match Rulebook::from_str(&text, Format::Toml) {
            Ok(rb) => rb,
            // Random band thresholds from parameters may be out of order: that is a load error,
            // reported, not a panic; nothing to score then.
            Err(e) => {
                if std::env::var_os("KAOPING_PROP_STATS").is_some() {
                    eprintln!("load error: {}", e.problems[0].kind);
                }
                prop_assert!(
                    e.problems.iter().all(|p| p.kind == kaoping::ErrorKind::BandOrder
                        || p.kind == kaoping::ErrorKind::DegenerateLinear),
                    "{e}\n{text}"
                );
                return Ok(());
            }
        };
        let records: Vec<_> = recs.iter().map(|r| r.record(&rb)).collect();
        let serial = rb.score_batch(&records, &BatchOptions { parallel: false, ..BatchOptions::default() });
        let parallel = rb.score_batch(&records, &BatchOptions::default());
        let table = columns(recs, float_x);
        let from_columns = rb.score_columns(&table, &BatchOptions::default()).unwrap();
        let from_pieces = rb.score_columns(&in_pieces(&table), &BatchOptions::default()).unwrap();
        // Each record alone; with relative rules a record needs the cohort, so "alone" is then
        // the interpreter on every row of the batch (explained batches never take the fast
        // path), with the same cohort figures.
        let interpreted = rb.has_relative_rules().then(|| {
            rb.score_batch(
                &records,
                &BatchOptions { explain: true, parallel: false, ..BatchOptions::default() },
            )
        });
        let score_alone = |i: usize| match &interpreted {
            Some(b) => match b.row(i).error() {
                Some(e) => Err(e.clone()),
                None => Ok(b.row(i).outcome().cloned().expect("an explained batch keeps outcomes")),
            },
            None => rb.score(&records[i], &ScoreOptions::default()),
        };
        for i in 0..records.len() {
            let alone = score_alone(i);
            for (name, batch) in [
                ("serial", &serial),
                ("parallel", &parallel),
                ("columns", &from_columns),
                ("pieces", &from_pieces),
            ] {
                let row = batch.row(i);
                match &alone {
                    Err(e) => {
                        let got =
                            row.error().map(|e| (e.kind(), e.first().field.clone(), e.first().at.clone()));
                        prop_assert_eq!(
                            got,
                            Some((e.kind(), e.first().field.clone(), e.first().at.clone())),
                            "{} row {}\n{}",
                            name,
                            i,
                            text
                        );
                    }
                    Ok(o) => {
                        prop_assert!(
                            row.error().is_none(),
                            "{} row {}: {:?}\n{}",
                            name,
                            i,
                            row.error(),
                            text
                        );
                        prop_assert_eq!(row.total(), o.total, "{} total row {}\n{}", name, i, text);
                        prop_assert_eq!(row.grade(), o.grade.as_deref(), "{} grade row {}", name, i);
                        prop_assert_eq!(row.grade_index().map(|k| rb.grades()[k]), o.grade.as_deref());
                        prop_assert_eq!(row.passed(), o.passed, "{} passed row {}", name, i);
                        prop_assert_eq!(row.profile(), o.profile.as_deref(), "{} profile row {}", name, i);
                        for n in &o.nodes {
                            prop_assert_eq!(
                                row.points(&n.id),
                                n.points,
                                "{} {} row {}\n{}",
                                name,
                                &n.id,
                                i,
                                text
                            );
                        }
                        let vetoes: Vec<&str> = o.vetoes.iter().map(|v| v.id.as_str()).collect();
                        prop_assert_eq!(row.vetoes(), vetoes, "{} vetoes row {}", name, i);
                    }
                }
            }
            if let Ok(o) = &alone {
                check_bounds(o, if b.above_max { Decimal::from(3) } else { Decimal::ZERO })?;
                // The JSON round trip gives the same result back.
                let back = Outcome::from_json(&o.to_json()).unwrap();
                prop_assert_eq!(&back, o);
            }
        }
        if std::env::var_os("KAOPING_PROP_STATS").is_some() {
            eprintln!(
                "rows {} ok {} fast {} / columns fast {} errors {:?}",
                records.len(),
                serial.summary().ok,
                serial.fast_rows(),
                from_columns.fast_rows(),
                serial.summary().errors
            );
        }
        // The fixed-point unit columns say the same as the rows.
        let scale = serial.scale();
        let as_dec = |u: Option<i64>| u.map(|u| Decimal::new(u, scale));
        let totals = serial.total_units();
        for (i, t) in totals.iter().enumerate() {
            prop_assert_eq!(as_dec(*t), serial.row(i).total());
        }
        for node in 0..rb.indicators().len() {
            for (i, u) in serial.points_units(node).into_iter().enumerate() {
                prop_assert_eq!(as_dec(u), serial.row(i).points_at(node));
            }
        }
        prop_assert_eq!(serial.summary(), parallel.summary());
        prop_assert_eq!(serial.summary(), from_columns.summary());
        // The summary counts what scoring each record alone says.
        let alone: Vec<_> = (0..records.len()).map(score_alone).collect();
        let s = serial.summary();
        prop_assert_eq!(s.ok, alone.iter().filter(|a| a.is_ok()).count());
        prop_assert_eq!(s.failed, alone.iter().filter(|a| a.is_err()).count());
        for g in &s.grades {
            let want = alone
                .iter()
                .filter(|a| a.as_ref().is_ok_and(|o| o.grade.as_deref() == Some(g.grade.as_str())))
                .count();
            prop_assert_eq!(g.count, want, "grade {}", g.grade);
        }
        let passed = alone.iter().filter(|a| a.as_ref().is_ok_and(|o| o.passed == Some(true))).count();
        prop_assert_eq!(s.passed.unwrap_or(0), passed);
        prop_assert_eq!(serial.rank_column().len(), records.len());
        for i in 0..records.len() {
            prop_assert_eq!(serial.row(i).rank(), parallel.row(i).rank());
            prop_assert_eq!(serial.rank_column()[i], serial.row(i).rank());
            prop_assert_eq!(serial.profile_rank_column()[i], serial.row(i).profile_rank());
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Families of rulebooks: a top rulebook over a component rulebook (spec §6, §16), which may itself
// use another (a component of a component), each with its own optional inputs, derived
// values reading them, and rules over lists (`panel` over marks, `items`, `count` and `deduct`
// over awards). Records leave optional inputs and lists out, or give empty lists.
//
// Properties: every record scores or fails with a typed error (never a panic); points stay in
// [0, max] in the result and in every component's result inside it; batches (serial, parallel,
// explained or not) equal scoring each record alone; a component's result inside its parent's
// equals scoring the component alone on the same values in the parent's profile (its view of the
// parent's record reads what the record holds, and no data where it holds nothing).

/// The inputs every rulebook of a family may declare, each with the same type everywhere (merged
/// inputs must agree on it): name, type and the rest of the declaration.
const POOL: [(&str, &str); 5] = [
    ("x", "type = \"decimal\""),
    ("o1", "type = \"decimal\""),
    ("o2", "type = \"integer\", min = 0"),
    ("marks", "type = \"numbers\", min = 0, max = 10"),
    ("awards", "type = \"items\", fields = { level = \"text\", work = \"text\" }"),
];

/// One rulebook of a family.
#[derive(Clone, Debug)]
struct Part {
    scale: u32,
    rounding: &'static str,
    /// Per input of `POOL`: `required = false`?
    optional: [bool; 5],
    /// `d0` (over inputs and the parameter `t`) and `d1` (also over `d0`).
    derived: [String; 2],
    /// Top-level indicators: points and rule. `COMPONENT` stands for the component rule.
    leaves: Vec<(u32, String)>,
    bonus: Option<String>,
    veto: Option<String>,
}

/// In a leaf's rule: replaced by the rule naming the part's component, if it has one.
const COMPONENT: &str = "@component";

/// A scalar expression over a part's names, and aggregates over its lists (spec §18.1).
fn part_expr() -> impl Strategy<Value = String> {
    let atom = prop_oneof![
        4 => prop::sample::select(vec!["x", "o1", "o2", "t", "d0", "d1"]).prop_map(str::to_owned),
        2 => prop::sample::select(vec!["0", "1", "2", "3", "5", "0.5", "10", "100"]).prop_map(str::to_owned),
        1 => prop::sample::select(vec![
            "count(awards)",
            "count(awards, item.level == \\\"国家级\\\")",
            "share(awards, item.level == \\\"省级\\\")",
            "sum(awards, if item.level == \\\"国家级\\\" then x else 1)",
            "sum(marks)",
            "mean(marks)",
            "max(marks, item, item > t)",
            "min(marks, item - 5)",
            "first(marks)",
            "last(marks, item * 2)",
        ])
        .prop_map(str::to_owned),
    ];
    atom.prop_recursive(2, 6, 2, |inner| {
        prop_oneof![
            (inner.clone(), prop::sample::select(vec!["+", "-", "*", "/"]), inner.clone())
                .prop_map(|(a, op, b)| format!("({a} {op} {b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("max({a}, {b})")),
            (inner.clone(), inner.clone(), inner.clone())
                .prop_map(|(c, a, b)| format!("(if {c} > 2 then {a} else {b})")),
        ]
    })
}

/// A leaf's rule: over expressions (derived values among them), over the lists, or the component.
fn part_rule(with_component: bool) -> impl Strategy<Value = String> {
    let rules = prop_oneof![
        2 => (part_expr(), -2i32..2, 1i32..12).prop_map(|(e, x0, span)| {
            format!("linear = {{ input = \"{e}\", from = [{x0}, 0], to = [{}, 10] }}", x0 + span)
        }),
        1 => part_expr().prop_map(|e| format!("bands = {{ input = \"{e}\", at_least = [[5, 10], [1, 4]], else = 0 }}")),
        1 => part_expr().prop_map(|e| format!("check = {{ when = \"{e} > 1\", else = 1 }}")),
        1 => part_expr().prop_map(|e| format!("formula = \"{e}\"")),
        1 => (part_expr(), part_expr()).prop_map(|(a, b)| format!("ratio = {{ input = \"{a}\", target = \"{b}\" }}")),
        2 => (prop::sample::select(vec!["mean", "median", "trimmed_mean"]), prop::bool::ANY).prop_map(|(m, spread)| {
            let spread = if spread { ", max_spread = 3" } else { "" };
            format!("panel = {{ input = \"marks\", method = \"{m}\", scale_max = 10{spread} }}")
        }),
        2 => (prop::bool::ANY, prop::bool::ANY, prop::bool::ANY).prop_map(|(els, best, cap)| {
            let mut s = "items = { input = \"awards\", keys = [\"level\"], table = { \"国家级\" = 6, \"省级\" = \"t\" }".to_owned();
            if els {
                s.push_str(", else = 1");
            }
            if best {
                s.push_str(", best_per = \"work\"");
            }
            if cap {
                s.push_str(", cap_per = { field = \"level\", cap = 7 }");
            }
            s + " }"
        }),
        1 => prop::sample::select(vec!["awards", "marks"]).prop_map(|l| format!("count = {{ input = \"{l}\", each = 2 }}")),
        1 => Just("deduct = { input = \"awards\", each = 1.5 }".to_owned()),
    ];
    let component = if with_component { 3 } else { 0 };
    prop_oneof![6 => rules, component => Just(COMPONENT.to_owned())]
}

fn part(with_component: bool) -> impl Strategy<Value = Part> {
    (
        0u32..4,
        prop::sample::select(vec!["half_up", "half_even", "down", "up", "floor", "ceiling"]),
        // `x` mostly required, the others mostly optional (what a component reads as no data).
        (prop::bool::weighted(0.3), prop::array::uniform4(prop::bool::weighted(0.9)))
            .prop_map(|(x, rest)| [x, rest[0], rest[1], rest[2], rest[3]]),
        [part_expr(), part_expr()],
        prop::collection::vec((1u32..15, part_rule(with_component)), 1..5),
        prop::option::weighted(0.3, part_rule(false)),
        prop::option::weighted(0.3, part_expr()),
    )
        .prop_map(|(scale, rounding, optional, derived, leaves, bonus, veto)| Part {
            scale,
            rounding,
            optional,
            derived,
            leaves,
            bonus,
            veto,
        })
}

/// A top rulebook, the component it uses, and possibly a component of that component.
#[derive(Clone, Debug)]
struct Family {
    top: Part,
    middle: Part,
    inner: Option<Part>,
}

fn family() -> impl Strategy<Value = Family> {
    (part(true), part(true), prop::option::weighted(0.6, part(false)))
        .prop_map(|(top, middle, inner)| Family { top, middle, inner })
}

impl Part {
    /// The rulebook's text. `component`: the id its component rules name (none: those leaves
    /// read `x` instead); a rulebook with a component uses it at least once. Every rulebook declares the profiles 东 and 西 (a component must declare
    /// its parent's), and the parameter `t`, whose value differs by profile.
    fn toml(&self, id: &str, component: Option<&str>, top: bool) -> String {
        let mut s = format!(
            "[rulebook]\nid = \"{id}\"\ntitle = \"{id}\"\nversion = \"1\"\nscale = {}\nrounding = \"{}\"\n",
            self.scale, self.rounding
        );
        if top {
            s.push_str("profile_field = \"area\"\n");
        }
        s.push_str("[profiles.\"东\"]\n[profiles.\"西\"]\n[inputs]\n");
        if top {
            s.push_str("area = { type = \"text\", required = false }\n");
        }
        for ((name, decl), optional) in POOL.iter().zip(self.optional) {
            let required = if optional { ", required = false" } else { "" };
            let _ = writeln!(s, "{name} = {{ {decl}{required} }}");
        }
        s.push_str("flag = { type = \"boolean\", default = false }\n");
        s.push_str("[params]\nt = { value = 3, profiles = { \"西\" = 4 } }\n");
        let _ = write!(
            s,
            "[derived]\nd0 = \"{}\"\nd1 = \"{}\"\n",
            self.derived[0].replace("d0", "x").replace("d1", "t"),
            self.derived[1].replace("d1", "d0")
        );
        for (k, (points, rule)) in self.leaves.iter().enumerate() {
            let rule = match (rule.as_str(), component) {
                (COMPONENT, Some(c)) => format!("component = {{ rulebook = \"{c}\" }}"),
                (COMPONENT, None) => "formula = \"x\"".to_owned(),
                (r, _) => r.to_owned(),
            };
            let _ = write!(s, "[[indicator]]\nid = \"l{k}\"\nlabel = \"项{k}\"\npoints = {points}\n{rule}\n");
        }
        if let (Some(c), false) = (component, self.leaves.iter().any(|(_, r)| r == COMPONENT)) {
            let _ = write!(
                s,
                "[[indicator]]\nid = \"lc\"\nlabel = \"部件\"\npoints = 10\ncomponent = {{ rulebook = \"{c}\" }}\n"
            );
        }
        if let Some(b) = &self.bonus {
            let _ = write!(s, "[[bonus]]\nid = \"b\"\nlabel = \"加分\"\npoints = 2\n{b}\n");
        }
        if let Some(v) = &self.veto {
            let _ =
                write!(s, "[[veto]]\nid = \"v\"\nlabel = \"否决\"\nwhen = \"flag or {v} > 50\"\nscore = 1\n");
        }
        if top {
            s.push_str("[[grade]]\nlabel = \"好\"\nat_least = 20\n[[grade]]\nlabel = \"中\"\nabove = 5\n[[grade]]\nlabel = \"差\"\n");
        }
        s
    }
}

impl Family {
    /// The rulebooks, innermost first, each loaded with the ones before it; the last is the top.
    fn load(&self) -> Result<Vec<Rulebook>, String> {
        let mut texts = Vec::new();
        if let Some(inner) = &self.inner {
            texts.push(inner.toml("fam.inner", None, false));
        }
        let inner_id = self.inner.as_ref().map(|_| "fam.inner");
        texts.push(self.middle.toml("fam.middle", inner_id, false));
        texts.push(self.top.toml("fam.top", Some("fam.middle"), true));
        let mut loader = kaoping::Loader::new();
        let mut books = Vec::new();
        for text in &texts {
            let rb = loader.load_str(text, Format::Toml).map_err(|e| format!("{e}\n{text}"))?;
            loader = loader.with(rb.clone());
            books.push(rb);
        }
        Ok(books)
    }
}

/// A record's values: each scalar present or not; marks and awards absent, empty or given.
#[derive(Clone, Debug)]
struct FamilyRec {
    area: Option<&'static str>,
    x: Option<Decimal>,
    o1: Option<Decimal>,
    o2: Option<i64>,
    marks: Option<Vec<Decimal>>,
    awards: Option<Vec<(&'static str, &'static str)>>,
    flag: bool,
}

fn family_rec() -> impl Strategy<Value = FamilyRec> {
    let dec = prop_oneof![
        (-20i64..200).prop_map(Decimal::from),
        (-2000i64..20000).prop_map(|k| Decimal::new(k, 2)),
        (-2000i64..2000).prop_map(|k| Decimal::new(k * 10 + 5, 3)),
    ];
    let awards = prop::collection::vec(
        (prop::sample::select(vec!["国家级", "省级", "市级"]), prop::sample::select(vec!["w1", "w2", "w3"])),
        0..6,
    );
    (
        prop::option::weighted(0.8, prop::sample::select(vec!["东", "西"])),
        prop::option::weighted(0.95, dec.clone()),
        prop::option::weighted(0.7, dec),
        prop::option::weighted(0.7, prop_oneof![0i64..4, 0i64..300]),
        prop::option::weighted(
            0.7,
            prop::collection::vec((0i64..=100).prop_map(|k| Decimal::new(k, 1)), 0..7),
        ),
        prop::option::weighted(0.7, awards),
        prop::bool::weighted(0.1),
    )
        .prop_map(|(area, x, o1, o2, marks, awards, flag)| FamilyRec {
            area,
            x,
            o1,
            o2,
            marks,
            awards,
            flag,
        })
}

impl FamilyRec {
    /// The record for any rulebook of the family (a name it does not declare is ignored).
    fn record(&self, rb: &Rulebook) -> kaoping::Record {
        let mut r = rb.record();
        if let Some(a) = self.area {
            r.set("area", a);
        }
        if let Some(x) = self.x {
            r.set("x", x);
        }
        if let Some(o) = self.o1 {
            r.set("o1", o);
        }
        if let Some(o) = self.o2 {
            r.set("o2", o);
        }
        if let Some(m) = &self.marks {
            r.set("marks", m.clone());
        }
        if let Some(a) = &self.awards {
            let items: Vec<kaoping::Item> = a
                .iter()
                .map(|(level, work)| kaoping::Item::new().with("level", *level).with("work", *work))
                .collect();
            r.set("awards", Value::Items(items));
        }
        r.set("flag", Value::Bool(self.flag));
        r
    }
}

/// Points within [0, max] at every node, in the outcome and in every component's outcome in it.
fn check_family_bounds(o: &Outcome) -> Result<(), TestCaseError> {
    for n in &o.nodes {
        if let Some(p) = n.points {
            prop_assert!(p >= Decimal::ZERO && p <= n.max, "{} = {p} outside [0, {}]", n.id, n.max);
        }
        if let Some(inner) = n.component.as_deref() {
            check_family_bounds(inner)?;
        }
    }
    Ok(())
}

/// Each component's result inside `o` equals scoring that component alone on the same values in
/// the same profile, at every depth. `books` are the family's rulebooks by id.
fn check_components_alone(o: &Outcome, rec: &FamilyRec, books: &[Rulebook]) -> Result<(), TestCaseError> {
    for n in &o.nodes {
        let Some(inner) = n.component.as_deref() else { continue };
        let rb = books.iter().find(|b| b.id() == inner.rulebook.id).expect("a component of the family");
        let opts = ScoreOptions { profile: o.profile.clone(), as_of: o.as_of, ..ScoreOptions::default() };
        let alone = rb.score(&rec.record(rb), &opts);
        prop_assert!(alone.is_ok(), "{} alone: {:?}", rb.id(), alone.as_ref().err());
        let alone = alone.unwrap();
        prop_assert_eq!(alone.total, inner.total, "{} total", rb.id());
        prop_assert_eq!(alone.max, inner.max, "{} max", rb.id());
        for (a, b) in alone.nodes.iter().zip(&inner.nodes) {
            prop_assert_eq!((&a.id, a.points, a.status), (&b.id, b.points, b.status), "{} node", rb.id());
        }
        let vetoes = |o: &Outcome| o.vetoes.iter().map(|v| v.id.clone()).collect::<Vec<_>>();
        prop_assert_eq!(vetoes(&alone), vetoes(inner), "{} vetoes", rb.id());
        check_components_alone(inner, rec, books)?;
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, max_shrink_iters: 2000, ..ProptestConfig::default() })]

    #[test]
    fn families_with_components_and_lists_score_alike_every_way(f in family(), recs in prop::collection::vec(family_rec(), 1..12)) {
        let books = match f.load() {
            Ok(b) => b,
            Err(e) => return Err(TestCaseError::fail(format!("a family's rulebook does not load: {e}"))),
        };
        let top = books.last().unwrap();
        let records: Vec<_> = recs.iter().map(|r| r.record(top)).collect();
        let alone: Vec<_> = records.iter().map(|r| top.score(r, &ScoreOptions::default())).collect();
        for (i, a) in alone.iter().enumerate() {
            if let Ok(o) = a {
                check_family_bounds(o)?;
                check_components_alone(o, &recs[i], &books)?;
                prop_assert_eq!(&Outcome::from_json(&o.to_json()).unwrap(), o);
            }
        }
        if std::env::var_os("KAOPING_PROP_STATS").is_some() {
            let no_data_inside = |o: &Outcome| {
                o.nodes.iter().filter_map(|n| n.component.as_deref()).any(|c| {
                    c.nodes.iter().any(|n| n.status == kaoping::Status::NoData)
                })
            };
            let kinds: Vec<String> = alone.iter().filter_map(|a| a.as_ref().err()).map(|e| e.kind().to_string()).collect();
            eprintln!(
                "family: {} books, rows {} ok {} no data inside a component {} errors {:?}",
                books.len(),
                alone.len(),
                alone.iter().filter(|a| a.is_ok()).count(),
                alone.iter().filter(|a| a.as_ref().is_ok_and(no_data_inside)).count(),
                kinds
            );
        }
        for (parallel, explain) in [(false, false), (true, false), (false, true), (true, true)] {
            let batch = top.score_batch(&records, &BatchOptions { parallel, explain, ..BatchOptions::default() });
            prop_assert_eq!(batch.len(), records.len());
            for (i, a) in alone.iter().enumerate() {
                let row = batch.row(i);
                match a {
                    Ok(o) => {
                        prop_assert!(row.error().is_none(), "row {} (explain {}): {:?}", i, explain, row.error());
                        prop_assert_eq!(row.total(), o.total, "row {} total", i);
                        prop_assert_eq!(row.grade(), o.grade.as_deref(), "row {} grade", i);
                        for n in &o.nodes {
                            prop_assert_eq!(row.points(&n.id), n.points, "row {} {}", i, &n.id);
                        }
                        if let Some(explained) = row.outcome() {
                            // A batch names a record without a key by its row number.
                            let mut explained = explained.clone();
                            explained.key = o.key.clone();
                            prop_assert_eq!(&explained, o, "row {} explained", i);
                        }
                    }
                    Err(e) => {
                        let got = row.error().map(|e| (e.kind(), e.first().field.clone(), e.first().at.clone()));
                        prop_assert_eq!(got, Some((e.kind(), e.first().field.clone(), e.first().at.clone())), "row {}", i);
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Lint (issue #23): its reachable ranges are proven from the rulebook alone, so no record may
// fall outside them, and what it says never (or always) happens must not (or must) happen.

/// The lint case a scored record was scored in: its profile, and the period holding its date.
fn lint_case<'a>(lint: &'a kaoping::Lint, o: &Outcome) -> Option<&'a kaoping::lint::Ranges> {
    lint.ranges.iter().find(|r| {
        r.profile == o.profile
            && r.from.is_none_or(|f| o.as_of.is_some_and(|d| f <= d))
            && r.until.is_none_or(|u| o.as_of.is_some_and(|d| d < u))
    })
}

/// Whether a finding holds for a record in `profile` (it holds everywhere unless it names where).
fn finding_here(f: &kaoping::Finding, profile: Option<&str>) -> bool {
    let words = match profile {
        Some(p) => format!("profile {p}"),
        None => "the base profile".to_owned(),
    };
    !f.en.contains(" (only in ") || f.en.split(" (only in ").nth(1).is_some_and(|w| w.contains(&words))
}

/// The name in a finding's path: `veto "v"` → `v`; `grade_rule #2` → `#2`.
fn path_name(f: &kaoping::Finding) -> String {
    let path = f.location.path.clone().unwrap_or_default();
    match path.split_once('"') {
        Some((_, rest)) => rest.trim_end_matches('"').to_owned(),
        None => path.rsplit(' ').next().unwrap_or_default().to_owned(),
    }
}

/// A scored record lies within the lint's ranges for its case, and the lint's nevers and
/// always hold for it.
fn check_lint(lint: &kaoping::Lint, o: &Outcome, text: &str) -> Result<(), TestCaseError> {
    let case = lint_case(lint, o);
    prop_assert!(case.is_some(), "no lint case for profile {:?} on {:?}\n{}", o.profile, o.as_of, text);
    let case = case.unwrap();
    match (o.total, &case.total) {
        (Some(t), Some(span)) => {
            prop_assert!(span.contains(t), "total {} outside {}\n{}", t, span.text, text)
        }
        (Some(t), None) => prop_assert!(false, "total {} but the lint says there is none\n{}", t, text),
        _ => {}
    }
    for (n, r) in o.nodes.iter().zip(&case.indicators) {
        prop_assert_eq!(&n.id, &r.id);
        match (n.points, &r.range) {
            (Some(p), Some(span)) => {
                prop_assert!(span.contains(p), "{} = {} outside {}\n{}", n.id, p, span.text, text)
            }
            (Some(p), None) => {
                prop_assert!(false, "{} = {} but the lint says it never applies\n{}", n.id, p, text)
            }
            (None, _) => {
                prop_assert!(r.may_be_left_out, "{} left out, the lint says it cannot be\n{}", n.id, text)
            }
        }
    }
    if let Some(g) = &o.grade {
        let grades = case.grades.as_ref();
        prop_assert!(grades.is_some_and(|gs| gs.contains(g)), "grade {} not among {:?}\n{}", g, grades, text);
    }
    if let Some(p) = o.passed {
        prop_assert!(case.passed.contains(&p), "passed {} not among {:?}\n{}", p, case.passed, text);
    }
    let fired: Vec<&str> = o.vetoes.iter().map(|v| v.id.as_str()).collect();
    let rules: Vec<String> = o.grade_rules.iter().map(|g| format!("#{}", g.index + 1)).collect();
    for f in lint.findings.iter().filter(|f| finding_here(f, o.profile.as_deref())) {
        let name = path_name(f);
        let holds = match f.code.as_str() {
            "veto-never-fires" => !fired.contains(&name.as_str()),
            "veto-always-fires" => fired.contains(&name.as_str()),
            "grade-rule-never-fires" => !rules.contains(&name),
            "grade-rule-always-fires" => rules.contains(&name),
            "criterion-never-holds" => o.criteria.iter().any(|c| c.id == name && !c.holds),
            "criterion-always-holds" => o.criteria.iter().any(|c| c.id == name && c.holds),
            "never-applies" => o.nodes.iter().any(|n| n.id == name && n.points.is_none()),
            _ => true,
        };
        prop_assert!(holds, "the lint says `{}` but the record shows otherwise\n{:?}\n{}", f.en, o.key, text);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, max_shrink_iters: 2000, ..ProptestConfig::default() })]

    #[test]
    fn lint_ranges_contain_every_scored_record(
        b in book(),
        recs in prop::collection::vec(rec(), 1..16),
        ordinary in prop::collection::vec(ordinary_rec(), 1..16),
    ) {
        let text = b.toml();
        let Ok(rb) = Rulebook::from_str(&text, Format::Toml) else { return Ok(()) };
        let lint = rb.lint();
        let mut scored = 0;
        for r in recs.iter().chain(&ordinary) {
            if let Ok(o) = rb.score(&r.record(&rb), &ScoreOptions::default()) {
                check_lint(&lint, &o, &text)?;
                scored += 1;
            }
        }
        if std::env::var_os("KAOPING_PROP_STATS").is_some() {
            let codes: Vec<&str> = lint.findings.iter().map(|f| f.code.as_str()).collect();
            eprintln!("lint: {} of {} scored; findings {:?}", scored, recs.len() + ordinary.len(), codes);
        }
    }

    #[test]
    fn lint_ranges_contain_every_scored_record_of_a_family(f in family(), recs in prop::collection::vec(family_rec(), 1..12)) {
        let books = f.load().map_err(TestCaseError::fail)?;
        let top = books.last().unwrap();
        let text = top.text().unwrap_or_default().to_owned();
        let lint = top.lint();
        for r in &recs {
            if let Ok(o) = top.score(&r.record(top), &ScoreOptions::default()) {
                check_lint(&lint, &o, &text)?;
            }
        }
    }
}

/// An aggregate over the lists of [`AggBook`] (spec §18.1), numeric.
fn agg_expr() -> impl Strategy<Value = String> {
    let atom = prop::sample::select(vec![
        "count(awards)",
        "count(awards, item.level == \"国家级\")",
        "count(awards, item.n > 2)",
        "share(awards, item.n >= 1)",
        "sum(awards, item.n)",
        "sum(awards, item.n, item.level != \"市级\")",
        "sum(marks)",
        "sum(marks, item - 5)",
        "mean(marks)",
        "mean(awards, item.n)",
        "max(marks)",
        "min(marks, item, item > 3)",
        "first(marks)",
        "last(marks, item * 2)",
        "first(awards, item.n)",
        "max(awards, item.n, item.level == \"省级\")",
    ])
    .prop_map(str::to_owned);
    prop_oneof![
        3 => atom.clone(),
        1 => (atom.clone(), atom.clone()).prop_map(|(a, b)| format!("({a} + {b})")),
        1 => atom.clone().prop_map(|a| format!("({a} * 2 - 3)")),
        1 => (atom.clone(), atom).prop_map(|(a, b)| format!("(if known({a}) then {a} else {b})")),
    ]
}

/// A rulebook whose indicators, criterion and veto read aggregates over a `numbers` and an
/// `items` list, each required or optional. A leaf is `formula = "<aggregate> + 500"` worth 1000,
/// so that the aggregate's own range shows through the leaf clamp.
#[derive(Clone, Debug)]
struct AggBook {
    marks_optional: bool,
    awards_optional: bool,
    leaves: Vec<String>,
    criterion: Option<(String, i32)>,
    veto: Option<(String, i32)>,
}

fn agg_book() -> impl Strategy<Value = AggBook> {
    (
        prop::bool::ANY,
        prop::bool::ANY,
        prop::collection::vec(agg_expr(), 1..4),
        prop::option::of((agg_expr(), -3i32..12)),
        prop::option::of((agg_expr(), -3i32..12)),
    )
        .prop_map(|(marks_optional, awards_optional, leaves, criterion, veto)| AggBook {
            marks_optional,
            awards_optional,
            leaves,
            criterion,
            veto,
        })
}

impl AggBook {
    fn toml(&self) -> String {
        let quoted = |e: &str| e.replace('"', "\\\"");
        let opt = |o: bool| if o { ", required = false" } else { "" };
        let mut s = String::from("[rulebook]\nid = \"agg\"\ntitle = \"汇总\"\nversion = \"1\"\n[inputs]\n");
        let _ =
            writeln!(s, "marks = {{ type = \"numbers\", min = 0, max = 10{} }}", opt(self.marks_optional));
        let _ = writeln!(
            s,
            "awards = {{ type = \"items\", fields = {{ level = \"text\", n = \"integer\" }}{} }}",
            opt(self.awards_optional)
        );
        for (k, e) in self.leaves.iter().enumerate() {
            let _ = write!(
                s,
                "[[indicator]]\nid = \"a{k}\"\nlabel = \"汇总{k}\"\npoints = 1000\nformula = \"{} + 500\"\n",
                quoted(e)
            );
        }
        if let Some((e, k)) = &self.criterion {
            let _ = write!(s, "[[criterion]]\nid = \"c\"\nwhen = \"{} > {k}\"\n", quoted(e));
        }
        if let Some((e, k)) = &self.veto {
            let _ = write!(s, "[[veto]]\nid = \"v\"\nwhen = \"{} < {k}\"\nscore = 0\n", quoted(e));
        }
        s
    }
}

/// Lists present or not, empty or not, with marks in [0, 10] and items' `n` of either sign.
#[derive(Clone, Debug)]
struct AggRec {
    marks: Option<Vec<Decimal>>,
    awards: Option<Vec<(&'static str, i64)>>,
}

fn agg_rec() -> impl Strategy<Value = AggRec> {
    (
        prop::option::weighted(
            0.8,
            prop::collection::vec((0i64..=100).prop_map(|k| Decimal::new(k, 1)), 0..5),
        ),
        prop::option::weighted(
            0.8,
            prop::collection::vec((prop::sample::select(vec!["国家级", "省级", "市级"]), -3i64..6), 0..5),
        ),
    )
        .prop_map(|(marks, awards)| AggRec { marks, awards })
}

impl AggRec {
    fn record(&self, rb: &Rulebook) -> kaoping::Record {
        let mut r = rb.record();
        if let Some(m) = &self.marks {
            r.set("marks", m.clone());
        }
        if let Some(a) = &self.awards {
            let items =
                a.iter().map(|(level, n)| kaoping::Item::new().with("level", *level).with("n", *n)).collect();
            r.set("awards", Value::Items(items));
        }
        r
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, max_shrink_iters: 2000, ..ProptestConfig::default() })]

    #[test]
    fn lint_ranges_contain_every_aggregate(b in agg_book(), recs in prop::collection::vec(agg_rec(), 1..16)) {
        let text = b.toml();
        let rb = Rulebook::from_str(&text, Format::Toml).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        let lint = rb.lint();
        for r in &recs {
            if let Ok(o) = rb.score(&r.record(&rb), &ScoreOptions::default()) {
                check_lint(&lint, &o, &text)?;
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Compare (issue #23): over any two rulebooks and any records, each unit's change in total splits
// exactly into its attribution, each side is what scoring the record alone gives, and the
// summary counts every unit once.

fn check_comparison(
    old: &Rulebook,
    new: &Rulebook,
    records: &[kaoping::Record],
    text: &str,
) -> Result<(), TestCaseError> {
    let c = kaoping::Comparison::records(old, new, records, &kaoping::CompareOptions::default());
    prop_assert_eq!(c.units.len(), records.len());
    let ids = c.indicator_ids();
    // Each side is what scoring the record alone gives, or, for a rulebook with relative rules,
    // what scoring it in the cohort gives (alone, it is its own cohort).
    let (batch_a, batch_b) = (
        old.score_batch(records, &BatchOptions::default()),
        new.score_batch(records, &BatchOptions::default()),
    );
    let expect = |rb: &Rulebook, batch: &kaoping::Batch, i: usize| {
        if !rb.has_relative_rules() {
            return rb.score(&records[i], &ScoreOptions::default());
        }
        match batch.row(i).error() {
            Some(e) => Err(e.clone()),
            None => batch.explain(i, &records[i]),
        }
    };
    for (i, u) in c.units.iter().enumerate() {
        let (a, b) = (expect(old, &batch_a, i), expect(new, &batch_b, i));
        prop_assert_eq!(u.old.total, a.as_ref().ok().and_then(|o| o.total), "old total, row {}", i);
        prop_assert_eq!(u.new.total, b.as_ref().ok().and_then(|o| o.total), "new total, row {}", i);
        prop_assert_eq!(u.old.grade.as_deref(), a.as_ref().ok().and_then(|o| o.grade.as_deref()));
        prop_assert_eq!(u.new.grade.as_deref(), b.as_ref().ok().and_then(|o| o.grade.as_deref()));
        match (u.delta, &u.attribution) {
            (Some(d), Some(at)) => {
                // The parts add up to the change exactly.
                prop_assert_eq!(at.sum(), d, "row {}: {:?}\n{}", i, at, text);
                let parts: Decimal = at.parts().iter().map(|(_, v)| *v).sum();
                prop_assert_eq!(parts, d);
                // Each indicator's part is its published change, top-level indicators only.
                for (id, part) in &at.indicators {
                    let k = ids.iter().position(|x| x == id).unwrap();
                    prop_assert!(c.indicators[k].top_level, "{} is not top-level", id);
                    let (x, y) = u.points[k];
                    prop_assert_eq!(*part, y.unwrap_or_default() - x.unwrap_or_default(), "row {} {}", i, id);
                }
                let (oa, ob) = (a.as_ref().unwrap(), b.as_ref().unwrap());
                prop_assert_eq!(at.bonus, ob.bonus.unwrap_or_default() - oa.bonus.unwrap_or_default());
                prop_assert_eq!(at.penalty, oa.penalty.unwrap_or_default() - ob.penalty.unwrap_or_default());
                if oa.vetoes.is_empty() && ob.vetoes.is_empty() {
                    prop_assert_eq!(at.vetoes, Decimal::ZERO);
                }
            }
            (None, None) => prop_assert!(u.old.total.is_none() || u.new.total.is_none()),
            other => prop_assert!(false, "row {}: delta and attribution disagree: {:?}", i, other),
        }
    }
    // Every unit is counted once, in the matrix and in the buckets.
    let s = &c.summary.all;
    let cells: usize = s.transitions.counts.iter().flatten().sum();
    prop_assert_eq!(cells, c.units.len());
    prop_assert_eq!(s.buckets.iter().map(|b| b.count).sum::<usize>(), s.compared);
    prop_assert_eq!(s.up + s.down + s.unchanged, s.compared);
    let per_profile: usize = c.summary.profiles.iter().map(|p| p.stats.units).sum();
    prop_assert_eq!(per_profile, c.units.len());
    let deltas: Decimal = c.units.iter().filter_map(|u| u.delta).sum();
    prop_assert_eq!(c.summary.attribution.sum(), deltas);
    prop_assert_eq!(s.delta_sum, deltas);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, max_shrink_iters: 2000, ..ProptestConfig::default() })]

    #[test]
    fn attribution_adds_up_to_the_change_exactly(
        a in book(),
        b in book(),
        recs in prop::collection::vec(rec(), 1..12),
        ordinary in prop::collection::vec(ordinary_rec(), 1..12),
    ) {
        let (ta, tb) = (a.toml(), b.toml());
        let (Ok(old), Ok(new)) = (Rulebook::from_str(&ta, Format::Toml), Rulebook::from_str(&tb, Format::Toml)) else {
            return Ok(());
        };
        let records: Vec<_> = recs.iter().chain(&ordinary).map(|r| r.record(&old)).collect();
        check_comparison(&old, &new, &records, &format!("{ta}\n----\n{tb}"))?;
        // A variant of one rulebook (a parameter moved) against its base.
        if let Ok(v) = old.with_params(&[("p1", "3")]) {
            check_comparison(&old, &v, &records, &ta)?;
        }
    }

    #[test]
    fn attribution_adds_up_over_families(f in family(), g in family(), recs in prop::collection::vec(family_rec(), 1..10)) {
        let (Ok(a), Ok(b)) = (f.load(), g.load()) else { return Ok(()) };
        let (old, new) = (a.last().unwrap(), b.last().unwrap());
        let records: Vec<_> = recs.iter().map(|r| r.record(old)).collect();
        check_comparison(old, new, &records, "")?;
    }
}
