//! Running a rulebook's embedded tests (spec §13): each `[[test]]` record is scored and every
//! expectation compared exactly; failures say which field, what was expected and what came out.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::num::Num;
use crate::outcome::Outcome;
use crate::outcome::Status;
use crate::syntax::{Node, Value};
use crate::{Cohort, Rulebook, ScoreOptions};

/// One expectation that did not hold.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TestFailure {
    /// The test's name.
    pub test: String,
    /// The line of its `[[test]]` in the rulebook's file.
    pub line: u32,
    /// What was compared (`total`, `grade`, `points.reduction.income`, `error`…).
    pub field: String,
    /// What the test expects.
    pub expected: String,
    /// What scoring gave.
    pub got: String,
}

impl std::fmt::Display for TestFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}: expected {}, got {}", self.test, self.field, self.expected, self.got)
    }
}

/// The result of running a rulebook's embedded tests.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TestReport {
    /// The rulebook's id.
    pub rulebook: String,
    /// Test cases run.
    pub run: usize,
    /// Test cases with no failure.
    pub passed: usize,
    /// Every failed expectation.
    pub failures: Vec<TestFailure>,
}

impl TestReport {
    /// Whether every test passed.
    pub fn ok(&self) -> bool {
        self.failures.is_empty()
    }
}

fn text(n: &Node) -> Option<String> {
    match &n.value {
        Value::String(s) => Some(s.clone()),
        Value::Integer(s) | Value::Float(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null => None,
        _ => Some(format!("<{}>", n.type_name())),
    }
}

/// Whether `expected` (a decimal text) equals `got` exactly (30 and 30.00 are equal).
fn same_number(expected: &str, got: Option<Decimal>) -> bool {
    match (Num::parse_literal(expected.trim()), got) {
        (Ok(e), Some(g)) => e == Num::from_decimal(g),
        _ => false,
    }
}

fn show_dec(d: Option<Decimal>) -> String {
    d.map_or_else(|| "null".into(), |d| d.to_string())
}

struct Checker<'a> {
    test: &'a str,
    line: u32,
    failures: Vec<TestFailure>,
}

impl Checker<'_> {
    fn fail(&mut self, field: &str, expected: impl Into<String>, got: impl Into<String>) {
        self.failures.push(TestFailure {
            test: self.test.to_owned(),
            line: self.line,
            field: field.to_owned(),
            expected: expected.into(),
            got: got.into(),
        });
    }

    fn number(&mut self, field: &str, expected: &Node, got: Option<Decimal>) {
        match text(expected) {
            None if got.is_none() => {}
            None => self.fail(field, "null", show_dec(got)),
            Some(e) => {
                if !same_number(&e, got) {
                    self.fail(field, e, show_dec(got));
                }
            }
        }
    }
}

impl Rulebook {
    /// Run the rulebook's embedded `[[test]]` cases.
    ///
    /// ```
    /// let rb = kaoping::Rulebook::builtin("example.county-assessment").unwrap();
    /// let report = rb.run_tests();
    /// assert!(report.ok(), "{:?}", report.failures);
    /// assert_eq!(report.run, 4);
    /// ```
    pub fn run_tests(&self) -> TestReport {
        let c = self.compiled();
        let mut report = TestReport { rulebook: c.meta.id.clone(), ..TestReport::default() };
        for t in &c.tests {
            report.run += 1;
            let mut ck = Checker { test: &t.name, line: t.pos.line, failures: Vec::new() };
            let mut cohort = Cohort::new();
            for (id, v) in &t.cohort {
                match v.value.to_decimal() {
                    Some(d) => {
                        cohort.set(&id.value, None, d);
                    }
                    None => {
                        ck.fail(&format!("cohort.{}", id.value), "a decimal", crate::rules::show(&v.value))
                    }
                }
            }
            let opts = ScoreOptions {
                profile: t.profile.clone(),
                as_of: t.as_of,
                cohort: (!t.cohort.is_empty()).then_some(cohort),
                // A misspelt field in a test's record would test the default instead: refused.
                unknown: crate::input::Unknown::Error,
                ..ScoreOptions::default()
            };
            let result = self.record_from_node(&t.record).and_then(|r| self.score(&r, &opts));
            let Value::Table(expect) = &t.expect.value else { continue };
            let wants_error = expect.iter().find(|e| e.key == "error");
            match (result, wants_error) {
                (Err(e), Some(want)) => {
                    let want = text(&want.value).unwrap_or_default();
                    if e.kind().name() != want {
                        ck.fail("error", want, e.kind().name());
                    }
                }
                (Err(e), None) => ck.fail("error", "no error", e.to_string()),
                (Ok(o), Some(want)) => ck.fail(
                    "error",
                    text(&want.value).unwrap_or_default(),
                    format!("scored {}", show_dec(o.total)),
                ),
                (Ok(o), None) => check(&mut ck, &o, expect),
            }
            if ck.failures.is_empty() {
                report.passed += 1;
            }
            report.failures.extend(ck.failures);
        }
        report
    }
}

fn check(ck: &mut Checker<'_>, o: &Outcome, expect: &[crate::syntax::Entry]) {
    for e in expect {
        let v = &e.value;
        match e.key.as_str() {
            "total" => ck.number("total", v, o.total),
            "max" => ck.number("max", v, o.max),
            "base" => ck.number("base", v, o.base),
            "bonus" => ck.number("bonus", v, o.bonus),
            "penalty" => ck.number("penalty", v, o.penalty),
            "grade" => {
                let want = text(v);
                if want != o.grade {
                    ck.fail("grade", want.unwrap_or_else(|| "null".into()), o.grade.clone().unwrap_or_else(|| "null".into()));
                }
            }
            "passed" => {
                let want = match v.value {
                    Value::Bool(b) => Some(b),
                    _ => None,
                };
                if want != o.passed {
                    ck.fail("passed", format!("{want:?}"), format!("{:?}", o.passed));
                }
            }
            "points" => {
                let Value::Table(points) = &v.value else { continue };
                for p in points {
                    match o.node(&p.key) {
                        None => ck.fail(&format!("points.{}", p.key), "an indicator", "no such indicator"),
                        Some(n) => ck.number(&format!("points.{}", p.key), &p.value, n.points),
                    }
                }
            }
            "status" => {
                let Value::Table(st) = &v.value else { continue };
                for s in st {
                    let got = o.node(&s.key).map(|n| match n.status {
                        Status::Scored => "scored",
                        Status::NoData => "no_data",
                        Status::NotApplicable => "not_applicable",
                    });
                    let want = text(&s.value).unwrap_or_default();
                    if got != Some(want.as_str()) {
                        ck.fail(&format!("status.{}", s.key), want, got.unwrap_or("no such indicator"));
                    }
                }
            }
            "vetoes" => {
                let want: Vec<String> = match &v.value {
                    Value::Array(a) => a.iter().filter_map(text).collect(),
                    _ => Vec::new(),
                };
                let got: Vec<String> = o.vetoes.iter().map(|v| v.id.clone()).collect();
                if want != got {
                    ck.fail("vetoes", format!("{want:?}"), format!("{got:?}"));
                }
            }
            "criteria" => {
                let Value::Table(cs) = &v.value else { continue };
                for c in cs {
                    let want = matches!(c.value.value, Value::Bool(true));
                    match o.criteria.iter().find(|x| x.id == c.key) {
                        None => ck.fail(&format!("criteria.{}", c.key), want.to_string(), "no such criterion"),
                        Some(x) if x.holds != want => ck.fail(&format!("criteria.{}", c.key), want.to_string(), x.holds.to_string()),
                        _ => {}
                    }
                }
            }
            other => ck.fail(other, "a known expectation (total, max, base, bonus, penalty, grade, passed, points, status, vetoes, criteria, error)", "unknown key"),
        }
    }
}
