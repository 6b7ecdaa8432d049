//! `panel`: marks of several evaluators (专家打分) — mean, median, or the trimmed mean that drops
//! the highest and lowest (去掉最高分和最低分) — mapped from 0..scale_max onto 0..points.

use serde::{Deserialize, Serialize};

use super::{Kind, RangeEnv, RecordEnv};
use super::{Leaf, put, show};
use crate::ErrorKind;
use crate::expr::Fault;
use crate::input::InputType;
use crate::lang::Lang;
use crate::num::Num;
use crate::range::{Interval, NumRange, RuleNote};
use crate::read::{NumLit, Reader, Table, Text};
use crate::scope::RuleCx;
use crate::syntax::{Node, Pos};

/// How marks are combined.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// The mean of all marks.
    Mean,
    /// The middle mark (even count: the mean of the middle two).
    Median,
    /// The mean after dropping `trim` highest and `trim` lowest marks.
    TrimmedMean,
}

/// `panel` as read.
#[derive(Clone, Debug)]
pub struct Doc {
    input: Option<Text>,
    method: Method,
    trim: u32,
    scale_max: Option<NumLit>,
    max_spread: Option<NumLit>,
    pos: Pos,
}

/// Read `panel = { input, method, trim, scale_max, max_spread }`.
pub fn read(node: &Node, path: &str, r: &mut Reader) -> Option<Doc> {
    let mut t = Table::of(node, path, r)?;
    let input = t.req_string(r, "input", "the numbers input holding the marks");
    let method = match t.string(r, "method") {
        None => Method::Mean,
        Some(s) => match s.value.as_str() {
            "mean" => Method::Mean,
            "median" => Method::Median,
            "trimmed_mean" => Method::TrimmedMean,
            other => {
                r.schema(
                    Some(s.pos),
                    path,
                    format!("unknown panel method `{other}`; expected mean, median or trimmed_mean"),
                );
                Method::Mean
            }
        },
    };
    let trim = if t.has("trim") { t.count(r, "trim", 1000).unwrap_or(1) } else { 1 };
    let scale_max = t.number(r, "scale_max");
    if let Some(s) = &scale_max
        && !s.value.is_positive()
    {
        r.schema(Some(s.pos), path, "`scale_max` must be positive");
    }
    let max_spread = t.number(r, "max_spread");
    t.finish(r, &["input", "method", "trim", "scale_max", "max_spread"]);
    Some(Doc { input, method, trim, scale_max, max_spread, pos: node.pos })
}

/// A compiled `panel` rule.
#[derive(Clone, Debug)]
pub struct Panel {
    /// The marks input's slot.
    pub slot: u32,
    /// The marks input's name.
    pub name: String,
    /// How marks combine.
    pub method: Method,
    /// Marks dropped at each end (trimmed mean).
    pub trim: u32,
    /// The top of the marking scale; `None` = the indicator's points.
    pub scale_max: Option<Num>,
    /// A spread above this is flagged.
    pub max_spread: Option<Num>,
}

pub fn compile(d: &Doc, cx: &mut RuleCx<'_>) -> Option<Panel> {
    let input = d.input.as_ref()?;
    let slot = match cx.list_input_kind(&input.value) {
        Some((slot, InputType::Numbers)) => slot,
        Some(_) => {
            cx.problem(
                ErrorKind::TypeMismatch,
                Some(input.pos),
                format!("panel reads a `numbers` input; `{}` is not one", input.value),
            );
            return None;
        }
        None => {
            cx.problem(ErrorKind::UnknownName, Some(input.pos), format!("unknown input `{}`", input.value));
            return None;
        }
    };
    let _ = d.pos;
    Some(Panel {
        slot,
        name: input.value.clone(),
        method: d.method,
        trim: d.trim,
        scale_max: d.scale_max.as_ref().map(|n| n.value.clone()),
        max_spread: d.max_spread.as_ref().map(|n| n.value.clone()),
    })
}

impl Kind for Panel {
    type Doc = Doc;
    const KEY: &'static str = "panel";

    fn read(node: &Node, path: &str, r: &mut Reader) -> Option<Doc> {
        read(node, path, r)
    }

    fn compile(d: &Doc, cx: &mut RuleCx<'_>) -> Option<Panel> {
        compile(d, cx)
    }

    fn eval<'r>(
        &'r self,
        run: &impl RecordEnv<'r>,
        max: &Num,
        note: Option<&mut super::Note>,
    ) -> Result<Leaf, Fault> {
        let Some(marks) = run.numbers(self.slot) else {
            return Ok(Leaf::NoData);
        };
        let mut sorted: Vec<Num> = marks.iter().map(|d| Num::from_decimal(*d)).collect();
        let too_small = |need: String| {
            Fault::new(ErrorKind::PanelTooSmall, format!("{} has {} mark(s); {need}", self.name, marks.len()))
        };
        if sorted.is_empty() {
            return Err(too_small("a panel needs at least one".into()));
        }
        sorted.sort();
        let n = sorted.len();
        let spread = sorted[n - 1].sub(&sorted[0]);
        let (used, dropped): (&[Num], Vec<Num>) = match self.method {
            Method::Mean | Method::Median => (&sorted[..], Vec::new()),
            Method::TrimmedMean => {
                let k = self.trim as usize;
                if n <= 2 * k {
                    return Err(too_small(format!(
                        "dropping {k} highest and {k} lowest needs more than {}",
                        2 * k
                    )));
                }
                let dropped = sorted[..k].iter().chain(&sorted[n - k..]).cloned().collect();
                (&sorted[k..n - k], dropped)
            }
        };
        let statistic = match self.method {
            Method::Median if n.is_multiple_of(2) => mean(&used[n / 2 - 1..=n / 2]),
            Method::Median => used[n / 2].clone(),
            _ => mean(used),
        };
        let scale_max = self.scale_max.clone().unwrap_or_else(|| max.clone());
        let value = statistic.checked_div(&scale_max).ok_or_else(Fault::division_by_zero)?.mul(max);
        let flagged = self.max_spread.as_ref().is_some_and(|m| spread > *m);
        put(note, || {
            super::Note::Panel(Note {
                input: self.name.clone(),
                marks: marks.iter().map(|d| d.normalize().to_string()).collect(),
                method: self.method,
                dropped: dropped.iter().map(show).collect(),
                statistic: show(&statistic),
                scale_max: show(&scale_max),
                result: show(&value),
                spread: show(&spread),
                max_spread: self.max_spread.as_ref().map(show),
                flagged,
            })
        });
        Ok(Leaf::Value(value))
    }
    fn list_slot(&self) -> Option<u32> {
        Some(self.slot)
    }

    fn batch_support(&self) -> Result<(), &'static str> {
        Err("panel rules")
    }

    /// The mean, median or trimmed mean of marks lies between the lowest and the highest mark:
    /// within the marks' declared range, mapped from 0..scale_max onto 0..points.
    fn range(&self, env: &impl RangeEnv, max: &Num, _notes: &mut Vec<RuleNote>) -> NumRange {
        let scale = Interval::point(self.scale_max.clone().unwrap_or_else(|| max.clone()));
        env.marks(self.slot).map(|m| m.div(&scale).mul(&Interval::point(max.clone())))
    }
}

/// The exact mean of a non-empty slice.
fn mean(xs: &[Num]) -> Num {
    let sum = xs.iter().fold(Num::ZERO, |a, x| a.add(x));
    // xs is never empty here, so the division cannot fail.
    sum.checked_div(&Num::from_i64(xs.len() as i64)).unwrap_or(Num::ZERO)
}

/// How a panel's marks were combined.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Note {
    /// The marks input.
    pub input: String,
    /// Every mark, as given.
    pub marks: Vec<String>,
    /// How they combine.
    pub method: Method,
    /// Marks dropped (trimmed mean).
    pub dropped: Vec<String>,
    /// The combined mark.
    pub statistic: String,
    /// The top of the marking scale.
    pub scale_max: String,
    /// statistic / scale_max × points.
    pub result: String,
    /// Highest − lowest mark.
    pub spread: String,
    /// The spread limit, if any.
    pub max_spread: Option<String>,
    /// Whether the spread is above the limit (flagged, points unchanged).
    pub flagged: bool,
}

impl Note {
    /// In words.
    pub fn words(&self, lang: Lang) -> String {
        let marks = self.marks.join(", ");
        let dropped = self.dropped.join(", ");
        let (zh_method, en_method) = match self.method {
            Method::Mean => ("平均分".to_owned(), "mean".to_owned()),
            Method::Median => ("中位数".to_owned(), "median".to_owned()),
            Method::TrimmedMean => (format!("去掉 {dropped} 后平均"), format!("mean without {dropped}")),
        };
        let mut s = match lang {
            Lang::Zh => format!(
                "专家评分 [{marks}]，{zh_method} {}（满分 {}）→ {}",
                self.statistic, self.scale_max, self.result
            ),
            Lang::En => format!(
                "marks [{marks}], {en_method} {} (out of {}) → {}",
                self.statistic, self.scale_max, self.result
            ),
        };
        if self.flagged {
            let limit = self.max_spread.clone().unwrap_or_default();
            s.push_str(&match lang {
                Lang::Zh => format!("；注意：极差 {} 超过 {limit}", self.spread),
                Lang::En => format!("; note: spread {} exceeds {limit}", self.spread),
            });
        }
        s
    }
}
