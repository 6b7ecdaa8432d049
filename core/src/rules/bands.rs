//! `bands`: the first band whose test holds gives its points (档次计分).
//!
//! `at_most` v ≤ t and `below` v < t need strictly increasing thresholds; `at_least` v ≥ t and
//! `above` v > t need strictly decreasing ones; no band → `else` (required).

use crate::num::Fraction;
use crate::vector::{NumCol, each_row, not_fixed, publish_one, uniform};
use serde::{Deserialize, Serialize};

use super::{ChunkEnv, Kind, RangeEnv, RecordEnv};
use super::{Leaf, put, show, value_or_no_data};
use crate::ErrorKind;
use crate::expr::Type;
use crate::expr::{CExpr, CmpOp, Fault};
use crate::lang::Lang;
use crate::num::Num;
use crate::range::{Interval, NumRange, RuleNote, Severity};
use crate::read::operand_pair;
use crate::read::{OperandDoc, Reader, Table, Text};
use crate::scope::{Expression, Operand, RuleCx};
use crate::syntax::{Node, Pos};

/// Which test the thresholds use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cmp {
    /// v ≤ t
    AtMost,
    /// v < t
    Below,
    /// v ≥ t
    AtLeast,
    /// v > t
    Above,
}

impl Cmp {
    const KEYS: [(&'static str, Cmp); 4] =
        [("at_most", Cmp::AtMost), ("below", Cmp::Below), ("at_least", Cmp::AtLeast), ("above", Cmp::Above)];

    /// Whether `v` passes threshold `t`.
    pub(crate) fn holds(self, v: &Num, t: &Num) -> bool {
        match self {
            Cmp::AtMost => v <= t,
            Cmp::Below => v < t,
            Cmp::AtLeast => v >= t,
            Cmp::Above => v > t,
        }
    }

    /// Whether thresholds must increase (else decrease).
    pub fn increasing(self) -> bool {
        matches!(self, Cmp::AtMost | Cmp::Below)
    }

    /// The comparison sign.
    pub fn sign(self) -> &'static str {
        match self {
            Cmp::AtMost => "≤",
            Cmp::Below => "<",
            Cmp::AtLeast => "≥",
            Cmp::Above => ">",
        }
    }

    /// The key used in rulebooks.
    pub fn key(self) -> &'static str {
        Cmp::KEYS.iter().find(|(_, c)| *c == self).map_or("at_most", |(k, _)| k)
    }

    /// The test as a comparison of the value with the threshold, and the test failing.
    fn ops(self) -> (CmpOp, CmpOp) {
        match self {
            Cmp::AtMost => (CmpOp::Le, CmpOp::Gt),
            Cmp::Below => (CmpOp::Lt, CmpOp::Ge),
            Cmp::AtLeast => (CmpOp::Ge, CmpOp::Lt),
            Cmp::Above => (CmpOp::Gt, CmpOp::Le),
        }
    }
}

/// `bands` as read.
#[derive(Clone, Debug)]
pub struct Doc {
    input: Option<Text>,
    cmp: Cmp,
    bands: Vec<(OperandDoc, OperandDoc)>,
    otherwise: Option<OperandDoc>,
    pos: Pos,
}

impl Doc {
    /// Where the band order first fails among thresholds written as numbers: the threshold that
    /// does not come after the one before it (parameters are checked per profile and date, and
    /// placed at the rule).
    pub fn order_slip(&self) -> Option<Pos> {
        fn literal(o: &OperandDoc) -> Option<&crate::read::NumLit> {
            match o {
                OperandDoc::Num(n) => Some(n),
                OperandDoc::Param(_) => None,
            }
        }
        self.bands.windows(2).find_map(|w| {
            let (a, b) = (literal(&w[0].0)?, literal(&w[1].0)?);
            let ok = if self.cmp.increasing() { a.value < b.value } else { a.value > b.value };
            (!ok).then_some(b.pos)
        })
    }
}

/// Read `bands = { input, at_most|below|at_least|above = [[t, p], …], else }`.
pub fn read(node: &Node, path: &str, r: &mut Reader) -> Option<Doc> {
    let mut t = Table::of(node, path, r)?;
    let input = t.req_string(r, "input", "the value the bands test");
    let present: Vec<(&str, Cmp)> = Cmp::KEYS.iter().copied().filter(|(k, _)| t.has(k)).collect();
    let (key, cmp) = match present.as_slice() {
        [one] => *one,
        [] => {
            r.schema(Some(node.pos), path, "bands need one of at_most, below, at_least, above");
            t.finish(r, &["input", "at_most", "below", "at_least", "above", "else"]);
            return None;
        }
        _ => {
            r.schema(Some(node.pos), path, "bands use exactly one of at_most, below, at_least, above");
            ("", present[0].1)
        }
    };
    let mut bands = Vec::new();
    if let Some((items, pos)) = t.array(r, key) {
        if items.is_empty() {
            r.schema(Some(pos), path, "bands need at least one [threshold, points] pair");
        }
        for it in items {
            if let Some(pair) = operand_pair(it, path, r) {
                bands.push(pair);
            }
        }
    }
    if !t.has("else") {
        r.problem(
            ErrorKind::MissingElse,
            Some(node.pos),
            path,
            "bands need `else`: the points when no band holds",
        );
    }
    let otherwise = t.operand(r, "else");
    t.finish(r, &["input", "at_most", "below", "at_least", "above", "else"]);
    Some(Doc { input, cmp, bands, otherwise, pos: node.pos })
}

/// A compiled `bands` rule.
#[derive(Clone, Debug)]
pub struct Bands {
    /// The value tested.
    pub input: Expression,
    /// The test.
    pub cmp: Cmp,
    /// (threshold, points) in order.
    pub bands: Vec<(Operand, Operand)>,
    /// Points when no band holds.
    pub otherwise: Operand,
}

pub fn compile(d: &Doc, cx: &mut RuleCx<'_>) -> Option<Bands> {
    let input = cx.expression(d.input.as_ref()?, Type::Num, "the input of bands");
    let mut bands = Vec::with_capacity(d.bands.len());
    for (t, p) in &d.bands {
        let (t, p) = (cx.operand(t), cx.operand(p));
        bands.push((t?, p?));
    }
    let otherwise = cx.operand(d.otherwise.as_ref()?);
    let _ = d.pos;
    Some(Bands { input: input?, cmp: d.cmp, bands, otherwise: otherwise? })
}

impl Kind for Bands {
    type Doc = Doc;
    const KEY: &'static str = "bands";

    fn read(node: &Node, path: &str, r: &mut Reader) -> Option<Doc> {
        read(node, path, r)
    }

    fn compile(d: &Doc, cx: &mut RuleCx<'_>) -> Option<Bands> {
        compile(d, cx)
    }

    fn eval<'r>(
        &'r self,
        run: &impl RecordEnv<'r>,
        _max: &Num,
        note: Option<&mut super::Note>,
    ) -> Result<Leaf, Fault> {
        let v = value_or_no_data!(run.num(&self.input.expr)?);
        for (i, (t, p)) in self.bands.iter().enumerate() {
            let t = run.operand(t);
            if self.cmp.holds(&v, &t) {
                let p = run.operand(p);
                put(note, || {
                    super::Note::Bands(Note {
                        input: self.input.text.clone(),
                        value: show(&v),
                        cmp: self.cmp,
                        band: Some(i + 1),
                        threshold: Some(show(&t)),
                        threshold_param: run.param_name(&self.bands[i].0),
                        points: show(&p),
                    })
                });
                return Ok(Leaf::Value(p));
            }
        }
        let p = run.operand(&self.otherwise);
        put(note, || {
            super::Note::Bands(Note {
                input: self.input.text.clone(),
                value: show(&v),
                cmp: self.cmp,
                band: None,
                threshold: None,
                threshold_param: None,
                points: show(&p),
            })
        });
        Ok(Leaf::Value(p))
    }

    /// Thresholds strictly monotonic in the comparator's direction.
    fn check(&self, get: &dyn Fn(&Operand) -> Num, problems: &mut Vec<(ErrorKind, String)>) {
        let ts: Vec<Num> = self.bands.iter().map(|(t, _)| get(t)).collect();
        for w in ts.windows(2) {
            let ok = if self.cmp.increasing() { w[0] < w[1] } else { w[0] > w[1] };
            if !ok {
                let dir = if self.cmp.increasing() { "increase" } else { "decrease" };
                problems.push((
                    ErrorKind::BandOrder,
                    format!(
                        "{} thresholds must strictly {dir}: {} then {}",
                        self.cmp.key(),
                        show(&w[0]),
                        show(&w[1])
                    ),
                ));
                return;
            }
        }
    }

    /// The batch kernel: this rule's published points (units of 10^−scale, clamped to
    /// [0, `max`]) for every row of a chunk; a row it cannot be sure of is flagged slow.
    fn units<'a>(&self, env: &impl ChunkEnv<'a>, slow: &mut [bool], max: i64) -> Vec<i64> {
        let r = self;
        let n = env.rows();
        let (pow, mode) = (env.pow(), env.rounding());
        let profiles = 0..env.profile_count();
        let units = |q: Fraction| publish_one(&q, max, pow, mode);
        let v = env.nums(slow, &r.input.expr);
        let bands: Vec<(NumCol<'_>, NumCol<'_>)> =
            r.bands.iter().map(|(t, p)| (env.operand(t), env.operand(p))).collect();
        let otherwise = env.operand(&r.otherwise);
        // Per profile: each band's threshold and published points, then the points otherwise.
        let table: Option<Vec<BandsTable>> = profiles
            .map(|k| {
                let bands = bands
                    .iter()
                    .map(|(t, p)| Some((t.fixed(k)?, units(p.fixed(k)?))))
                    .collect::<Option<_>>()?;
                Some((bands, units(otherwise.fixed(k)?)))
            })
            .collect();
        let Some(table) = table else {
            return not_fixed(slow, n);
        };
        // The first band that passes, found without an early exit: which band a row falls
        // in is data (a jump on it would be mispredicted about as often as not). Each test
        // x ? t (x = n/d, t = tn/td, both denominators positive) is decided on the cross
        // products n·td ? tn·d, which cannot overflow i128; the operator is a constant of
        // each loop.
        // Whole thresholds (the usual case) save a multiply per test: td = 1.
        let whole = table.iter().all(|(bands, _)| bands.iter().all(|(t, _)| t.d == 1));
        macro_rules! bands_by {
            ($op:tt, $whole:literal) => {{
                let first = |x: Fraction, (bands, otherwise): &BandsTable| {
                    let (xn, xd) = (i128::from(x.n), i128::from(x.d));
                    bands.iter().rev().fold(*otherwise, |pts, &(t, p)| {
                        let lhs = if $whole { xn } else { xn * i128::from(t.d) };
                        if lhs $op i128::from(t.n) * xd { p } else { pts }
                    })
                };
                match uniform(&table) {
                    Some(one) => each_row(&v, n, slow, |_, x, _| first(x, one)),
                    None => each_row(&v, n, slow, |i, x, _| first(x, &table[env.row_profiles()[i] as usize])),
                }
            }};
            ($op:tt) => {
                if whole { bands_by!($op, true) } else { bands_by!($op, false) }
            };
        }
        match r.cmp {
            Cmp::AtMost => bands_by!(<=),
            Cmp::Below => bands_by!(<),
            Cmp::AtLeast => bands_by!(>=),
            Cmp::Above => bands_by!(>),
        }
    }
    fn exprs(&self) -> Vec<&CExpr> {
        vec![&self.input.expr]
    }

    fn operands(&self) -> Vec<&Operand> {
        self.bands.iter().flat_map(|(t, p)| [t, p]).chain([&self.otherwise]).collect()
    }

    /// The points of every band some value of the input takes, and `else` when some value passes
    /// no band. A band no value takes is a finding: either no value of the input passes its test
    /// at all (its threshold lies outside the input's range), or every value that passes it
    /// passed an earlier band first (shadowed).
    fn range(&self, env: &impl RangeEnv, _max: &Num, notes: &mut Vec<RuleNote>) -> NumRange {
        let v = env.num(&self.input.expr);
        let (pass, fail) = self.cmp.ops();
        // The values no band before this one took.
        let mut left = v.values.clone();
        let mut out = Interval::EMPTY;
        for (i, (t, p)) in self.bands.iter().enumerate() {
            let t = env.operand(t);
            let here = left.cut(pass, &t);
            if !here.is_empty() {
                out = out.hull(&Interval::point(env.operand(p)));
            } else if !v.values.is_empty() {
                let band = i + 1;
                let passing = v.values.cut(pass, &t);
                let (sign, input, range) = (self.cmp.sign(), &self.input.text, v.values.text());
                let t = show(&t);
                notes.push(if passing.is_empty() {
                    RuleNote {
                        code: "band-never-taken",
                        severity: Severity::Warning,
                        zh: format!(
                            "第 {band} 档（{sign} {t}）永远取不到：{input} 的取值范围 {range} 内没有 {sign} {t} 的值"
                        ),
                        en: format!(
                            "band {band} ({sign} {t}) is never taken: no value of {input} in its range {range} is {sign} {t}"
                        ),
                    }
                } else {
                    RuleNote {
                        code: "band-shadowed",
                        severity: Severity::Warning,
                        zh: format!(
                            "第 {band} 档（{sign} {t}）永远取不到：{input}（取值范围 {range}）满足它的值都先落入了前面的档"
                        ),
                        en: format!(
                            "band {band} ({sign} {t}) is never taken: every value of {input} (range {range}) that meets it meets an earlier band first"
                        ),
                    }
                });
            }
            left = left.cut(fail, &t);
        }
        if !left.is_empty() {
            out = out.hull(&Interval::point(env.operand(&self.otherwise)));
        }
        NumRange { values: out, no_data: v.no_data }
    }
}

/// A bands rule in one profile: each band's threshold and published points, and the points
/// otherwise.
type BandsTable = (Vec<(Fraction, i64)>, i64);

/// How a band was chosen.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Note {
    /// The input expression.
    pub input: String,
    /// Its value.
    pub value: String,
    /// The test.
    pub cmp: Cmp,
    /// The 1-based band that held, or none (`else`).
    pub band: Option<usize>,
    /// The band's threshold.
    pub threshold: Option<String>,
    /// The parameter the threshold came from.
    pub threshold_param: Option<String>,
    /// The points given.
    pub points: String,
}

impl Note {
    /// In words.
    pub fn words(&self, lang: Lang) -> String {
        let param = self.threshold_param.as_ref().map(|p| format!(" ({p})")).unwrap_or_default();
        match (lang, &self.threshold) {
            (Lang::Zh, Some(t)) => format!(
                "{} = {}，{} {t}{param}（第 {} 档）→ {} 分",
                self.input,
                self.value,
                self.cmp.sign(),
                self.band.unwrap_or(0),
                self.points
            ),
            (Lang::Zh, None) => format!("{} = {}，不在任何档内 → {} 分", self.input, self.value, self.points),
            (Lang::En, Some(t)) => format!(
                "{} = {} {} {t}{param} (band {}) → {} points",
                self.input,
                self.value,
                self.cmp.sign(),
                self.band.unwrap_or(0),
                self.points
            ),
            (Lang::En, None) => {
                format!("{} = {} is in no band → {} points (else)", self.input, self.value, self.points)
            }
        }
    }
}
