//! Design results written into rulebooks (`kaoping::design::write`): as variants with provenance,
//! validated by the load path, the sums fixed exactly.

use kaoping::design::write::{NodeWeights, WriteError, WriteOptions, WrittenAs, variant};
use kaoping::design::{AhpOptions, CohortTable, Direction, PairwiseMatrix, ahp, ahp_hierarchy, entropy};
use kaoping::{Date, Format, Rulebook};
use rust_decimal::Decimal;

fn opts() -> WriteOptions {
    WriteOptions { written_as: None, places: None, date: Date::new(2026, 12, 1).unwrap() }
}

fn points(rb: &Rulebook, id: &str) -> String {
    rb.indicators().into_iter().find(|i| i.id == id).unwrap().points.to_string()
}

#[test]
fn ahp_points_for_a_nodes_children() {
    let base = Rulebook::builtin("example.county-assessment").unwrap();
    // 贫困发生率 three times as important as 收入增幅: 3/4 and 1/4 of reduction's 50 points.
    let m = PairwiseMatrix::from_csv(",贫困发生率,income\n贫困发生率,1,3\nincome,1/3,1\n").unwrap();
    let r = ahp(&m, &AhpOptions::default()).unwrap();
    let v = variant(&base, &[NodeWeights::from_ahp(Some("reduction"), &r)], &opts()).unwrap();
    assert_eq!(points(&v, "reduction.incidence"), "37.50");
    assert_eq!(points(&v, "reduction.income"), "12.50");
    assert_eq!(points(&v, "reduction"), "50.00");
    let of = v.variant_of().unwrap();
    assert_eq!(of.changes, ["points.reduction.incidence=37.50", "points.reduction.income=12.50"]);
    let p = &v.provenance()[0];
    assert_eq!(p.method, "ahp");
    assert_eq!((p.node.as_deref(), p.written_as.as_deref()), (Some("reduction"), Some("points")));
    assert_eq!(p.date, Date::new(2026, 12, 1));
    assert_eq!(p.input_fingerprint.as_deref(), Some(m.fingerprint().as_str()));
    for key in
        ["weighting", "ri_table", "cr", "lambda_max", "places", "sum_fixed_by", "accepted_inconsistent"]
    {
        assert!(p.settings.contains_key(key), "{key}: {:?}", p.settings);
    }
    assert_eq!(p.settings["ri_table"], "saaty");
    // What `kaoping check` does with the saved file: it loads, with the same fingerprint.
    let saved = Rulebook::from_str(v.text().unwrap(), Format::Toml).unwrap();
    assert_eq!(saved.fingerprint(), v.fingerprint());
    assert_eq!(saved.provenance(), v.provenance());
}

#[test]
fn a_hierarchy_shares_the_parents_new_points() {
    let base = Rulebook::builtin("example.county-assessment").unwrap();
    let top =
        PairwiseMatrix::from_csv(",reduction,help,funds\nreduction,1,2,4\nhelp,,1,2\nfunds,,,1\n").unwrap();
    let red = PairwiseMatrix::from_csv(",incidence,income\nincidence,1,1\nincome,,1\n").unwrap();
    let help = PairwiseMatrix::from_csv(",群众认可度,专家评议\n群众认可度,1,1\n专家评议,,1\n").unwrap();
    let h = vec![(None, top), (Some("reduction".to_owned()), red), (Some("help".to_owned()), help)];
    let r = ahp_hierarchy(&h, &AhpOptions::default()).unwrap();
    let parts: Vec<NodeWeights> =
        r.local.iter().map(|(n, a)| NodeWeights::from_ahp(n.as_deref(), a)).collect();
    // Children first in the list: the writer still does parents first.
    let parts = vec![parts[2].clone(), parts[1].clone(), parts[0].clone()];
    let v = variant(&base, &parts, &opts()).unwrap();
    // 4/7, 2/7, 1/7 of 100: 57.142…, 28.571…, 14.285… → 57.14, 28.57, 14.29 (largest remainder).
    assert_eq!(points(&v, "reduction"), "57.14");
    assert_eq!(points(&v, "help"), "28.57");
    assert_eq!(points(&v, "funds"), "14.29");
    // Each parent's new points shared: 57.14 halved, 28.57 halved (the odd cent to the first).
    assert_eq!(points(&v, "reduction.incidence"), "28.57");
    assert_eq!(points(&v, "reduction.income"), "28.57");
    assert_eq!(points(&v, "help.satisfaction"), "14.29");
    assert_eq!(points(&v, "help.experts"), "14.28");
    assert_eq!(v.max(None).unwrap().to_string(), "100.00");
    assert_eq!(v.provenance().len(), 3);
    // Without help's matrix, help's children keep 15 + 15, which no longer add up to help's
    // 28.57: the load path refuses it, naming the change.
    let e = variant(&base, &parts[1..], &opts()).unwrap_err();
    assert!(e.to_string().contains("points.help=28.57"), "{e}");
}

#[test]
fn weights_under_a_weighted_node_and_refusals() {
    let base = Rulebook::builtin("cd.school.target").unwrap();
    let m = PairwiseMatrix::from_csv(
        ",党建与思想政治工作,教育教学质量,教师队伍建设,安全稳定,科技教育\n\
         党建与思想政治工作,1,1/3,1,1,1\n教育教学质量,,1,3,3,3\n教师队伍建设,,,1,1,1\n安全稳定,,,,1,1\n科技教育,,,,,1\n",
    )
    .unwrap();
    let r = ahp(&m, &AhpOptions::default()).unwrap();
    let v = variant(&base, &[NodeWeights::from_ahp(Some("target"), &r)], &opts()).unwrap();
    let text = v.text().unwrap();
    // 1/7 and 3/7 (a consistent matrix): 0.1429 ×4 + 0.4286 = 1.0002 is too much; the largest
    // remainder rule gives 0.4285 + 4 × 0.1429 = 1 exactly.
    let weights: Vec<Decimal> = v
        .variant_of()
        .unwrap()
        .changes
        .iter()
        .map(|c| c.rsplit('=').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(weights.iter().sum::<Decimal>(), Decimal::ONE, "{weights:?}");
    assert!(v.variant_of().unwrap().changes.iter().all(|c| c.starts_with("weight.target.")), "{text}");
    assert_eq!(v.provenance()[0].written_as.as_deref(), Some("weights"));
    // The component is kept: the variant scores a school through it.
    assert!(v.has_total());

    // Weights on a sum node are refused before anything is written.
    let county = Rulebook::builtin("example.county-assessment").unwrap();
    let m2 = PairwiseMatrix::from_csv(",incidence,income\nincidence,1,1\nincome,,1\n").unwrap();
    let r2 = ahp(&m2, &AhpOptions::default()).unwrap();
    let o = WriteOptions { written_as: Some(WrittenAs::Weights), ..opts() };
    let e = variant(&county, &[NodeWeights::from_ahp(Some("reduction"), &r2)], &o).unwrap_err();
    assert!(matches!(&e, WriteError::Design(d) if d.message.contains("aggregate = \"sum\"")), "{e}");
    // Labels that are not the node's children.
    let m3 = PairwiseMatrix::from_csv(",incidence,funds\nincidence,1,1\nfunds,,1\n").unwrap();
    let r3 = ahp(&m3, &AhpOptions::default()).unwrap();
    let e = variant(&county, &[NodeWeights::from_ahp(Some("reduction"), &r3)], &opts()).unwrap_err();
    assert!(e.to_string().contains("`funds` is not a child of indicator `reduction`"), "{e}");
    let e = variant(&county, &[NodeWeights::from_ahp(Some("nowhere"), &r3)], &opts()).unwrap_err();
    assert!(e.to_string().contains("no indicator `nowhere`"), "{e}");
}

#[test]
fn entropy_weights_written_as_top_level_points() {
    let base = Rulebook::builtin("example.county-assessment").unwrap();
    let cohort = CohortTable::new(
        vec!["reduction".into(), "help".into(), "funds".into()],
        vec!["甲".into(), "乙".into(), "丙".into()],
        vec![vec![40.0, 20.0, 20.0], vec![30.0, 25.0, 16.0], vec![45.0, 28.0, 20.0]],
    )
    .unwrap();
    let r = entropy(&cohort, &[Direction::Benefit; 3]).unwrap();
    let v = variant(&base, &[NodeWeights::from_cohort(None, &r)], &opts());
    // The top level's shares no longer match reduction's and help's children: refused by the
    // load path, naming the changes.
    let Err(WriteError::Load(e)) = v else { panic!("{v:?}") };
    assert_eq!(e.kind(), kaoping::ErrorKind::PointsMismatch, "{e}");
    assert!(e.to_string().contains("points.reduction="), "{e}");
    // On a rulebook whose top level is leaves, it loads; the shares add up to the max exactly.
    let flat = Rulebook::from_str(
        "[rulebook]\nid = \"flat\"\nversion = \"1\"\n[inputs]\nx = { type = \"decimal\" }\n\
         [[indicator]]\nid = \"reduction\"\nlabel = \"a\"\npoints = 40\nformula = \"x\"\n\
         [[indicator]]\nid = \"help\"\nlabel = \"b\"\npoints = 40\nformula = \"x\"\n\
         [[indicator]]\nid = \"funds\"\nlabel = \"c\"\npoints = 20\nformula = \"x\"\n",
        Format::Toml,
    )
    .unwrap();
    let v = variant(&flat, &[NodeWeights::from_cohort(None, &r)], &opts()).unwrap();
    let total: Decimal = v.indicators().iter().map(|i| i.points).sum();
    assert_eq!(total, Decimal::from(100));
    assert_eq!(v.provenance()[0].method, "entropy");
    assert_eq!(v.provenance()[0].input_fingerprint.as_deref(), Some(cohort.fingerprint().as_str()));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(128))]

    /// Any matrix cells — numbers, fractions, blanks, junk — give weights or an error naming the
    /// problem, never a panic; weights, when given, are positive and sum to 1.
    #[test]
    fn any_matrix_gives_weights_or_an_error(
        n in 1usize..7,
        cells in proptest::collection::vec("(1|2|3|5|9|1/3|1/9|0\\.33|0|-1|10|x|1/0||０．５)", 49),
    ) {
        let labels: Vec<String> = (0..n).map(|i| format!("c{i}")).collect();
        let rows: Vec<Vec<Option<String>>> =
            (0..n).map(|i| (0..n).map(|j| Some(cells[i * 7 + j].clone())).collect()).collect();
        if let Ok(m) = PairwiseMatrix::from_text(labels, &rows) {
            for accept in [false, true] {
                if let Ok(r) = ahp(&m, &AhpOptions { accept_inconsistent: accept, ..AhpOptions::default() }) {
                    proptest::prop_assert!(r.weights.iter().all(|w| *w > 0.0));
                    proptest::prop_assert!((r.weights.iter().sum::<f64>() - 1.0).abs() < 1e-12);
                }
            }
        }
    }
}
