//! `component`: another rulebook scores the same record; its published total over its max, times
//! this indicator's points, is the leaf's value (spec §6, §16). The component's own explanation
//! is kept by the evaluator beside the indicator's (`NodeOutcome::component`). This is how a
//! combined evaluation (provincial acceptance + third-party assessment + department evaluation) is
//! one rulebook.

use serde::{Deserialize, Serialize};

use super::{Kind, RangeEnv, RecordEnv};
use super::{Leaf, put, show};
use crate::expr::Fault;
use crate::lang::Lang;
use crate::num::Num;
use crate::range::{Interval, NumRange, RuleNote};
use crate::read::{Reader, Table, Text};
use crate::scope::RuleCx;
use crate::syntax::Node;

/// `component` as read.
#[derive(Clone, Debug)]
pub struct Doc {
    rulebook: Option<Text>,
}

/// Read `component = { rulebook = "other.id" }`.
pub fn read(node: &Node, path: &str, r: &mut Reader) -> Option<Doc> {
    let mut t = Table::of(node, path, r)?;
    let d = Doc { rulebook: t.req_string(r, "rulebook", "the id of the component rulebook") };
    t.finish(r, &["rulebook"]);
    Some(d)
}

/// A compiled `component` rule.
#[derive(Clone, Debug)]
pub struct Component {
    /// Index into the rulebook's component links.
    pub index: u32,
}

pub fn compile(d: &Doc, cx: &mut RuleCx<'_>) -> Option<Component> {
    Some(Component { index: cx.component(d.rulebook.as_ref()?)? })
}

impl Kind for Component {
    type Doc = Doc;
    const KEY: &'static str = "component";

    fn read(node: &Node, path: &str, r: &mut Reader) -> Option<Doc> {
        read(node, path, r)
    }

    fn compile(d: &Doc, cx: &mut RuleCx<'_>) -> Option<Component> {
        compile(d, cx)
    }

    fn eval<'r>(
        &'r self,
        run: &impl RecordEnv<'r>,
        max: &Num,
        note: Option<&mut super::Note>,
    ) -> Result<Leaf, Fault> {
        let scored = run.component(self.index)?;
        let value = scored.total.checked_div(&scored.max).ok_or_else(Fault::division_by_zero)?.mul(max);
        put(note, || {
            super::Note::Component(Note {
                rulebook: scored.id.to_owned(),
                title: scored.title.to_owned(),
                total: show(&scored.total),
                max: show(&scored.max),
                result: show(&value),
            })
        });
        Ok(Leaf::Value(value))
    }
    fn batch_support(&self) -> Result<(), &'static str> {
        Err("component rules")
    }

    /// The component's total range over its max, times the points (a max of 0 is a fault).
    fn range(&self, env: &impl RangeEnv, max: &Num, _notes: &mut Vec<RuleNote>) -> NumRange {
        let (total, of) = env.component(self.index);
        let share = Interval::point(of);
        total.map(|t| t.div(&share).mul(&Interval::point(max.clone())))
    }
}

/// A component's total and, in explanations, its whole result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Note {
    /// The component rulebook's id.
    pub rulebook: String,
    /// Its title.
    pub title: String,
    /// Its published total.
    pub total: String,
    /// Its max.
    pub max: String,
    /// total / max × points.
    pub result: String,
}

impl Note {
    /// In words.
    pub fn words(&self, lang: Lang) -> String {
        match lang {
            Lang::Zh => format!(
                "子方案 {}（{}）得分 {} / {} → {}",
                self.title, self.rulebook, self.total, self.max, self.result
            ),
            Lang::En => format!(
                "component {} ({}) scored {} / {} → {}",
                self.title, self.rulebook, self.total, self.max, self.result
            ),
        }
    }
}

impl Doc {
    /// The referenced rulebook id, as written.
    pub fn rulebook_id(&self) -> Option<&Text> {
        self.rulebook.as_ref()
    }
}
