//! Every type an application meets in a result can be named from the crate's root (or from
//! `kaoping::notes` and `kaoping::table`), so that it can be stored, passed and matched. Each
//! function below names a field's type as written in a signature: a type that is not re-exported
//! does not compile here.

use kaoping::table::{ChildTable, Unmatched};
use kaoping::{
    AdjustOutcome, AggregateLine, Batch, ComponentVeto, CriterionOutcome, Decimal, GradeRuleOutcome,
    ItemResult, ItemResults, Lost, NextGrade, NodeOutcome, Outcome, RecordError, Rulebook, Summary,
    ValueRead, VetoOutcome,
};

fn vetoes(o: &Outcome) -> &[VetoOutcome] {
    &o.vetoes
}
fn criteria(o: &Outcome) -> &[CriterionOutcome] {
    &o.criteria
}
fn grade_rules(o: &Outcome) -> &[GradeRuleOutcome] {
    &o.grade_rules
}
fn adjust(o: &Outcome) -> &[AdjustOutcome] {
    &o.bonus_items
}
fn aggregates(o: &Outcome) -> &[AggregateLine] {
    &o.aggregates
}
fn items(o: &Outcome) -> &[ItemResults] {
    &o.items
}
fn item(list: &ItemResults) -> &[ItemResult] {
    &list.items
}
fn nodes(o: &Outcome) -> &[NodeOutcome] {
    &o.nodes
}
fn lost(o: &Outcome) -> &[Lost] {
    &o.lost
}
fn next(o: &Outcome) -> Option<&NextGrade> {
    o.next_grade.as_ref()
}
fn derived(o: &Outcome) -> &[ValueRead] {
    &o.derived
}
fn component_vetoes(o: &Outcome) -> &[ComponentVeto] {
    &o.component_vetoes
}
fn total(o: &Outcome) -> Option<Decimal> {
    o.total
}
fn unmatched(s: &Summary) -> &[Unmatched] {
    &s.unmatched
}

#[test]
fn result_types_are_nameable() {
    let rb = Rulebook::builtin("example.county-assessment").unwrap();
    let csv = "县名,片区,户籍人口,建档立卡贫困人口,income_growth,抽样户数,认可户数,专家评分\n\
               甲县,凉山彝区,100000,3000,6,320,266,7;8;9;6;10\n";
    let t = kaoping::table::read_csv(&rb, csv.as_bytes(), None).unwrap();
    let o: Outcome = rb.score(t.records[0].as_ref().unwrap(), &Default::default()).unwrap();
    assert_eq!(total(&o), Some("80.13".parse().unwrap()));
    assert!(
        vetoes(&o).is_empty() && aggregates(&o).is_empty() && items(&o).iter().all(|l| item(l).is_empty())
    );
    assert!(!criteria(&o).is_empty() || grade_rules(&o).is_empty() || adjust(&o).is_empty());
    assert!(!nodes(&o).is_empty());
    let _ = (lost(&o), next(&o), derived(&o), component_vetoes(&o));
    let batch: Batch = rb.score_rows(&t.records, &Default::default());
    assert!(unmatched(batch.summary()).is_empty());
    let _: Option<&RecordError> = batch.row(0).error();
    let _ = ChildTable::new("none", Vec::new(), Vec::new());
}
