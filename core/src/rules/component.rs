//! `component`: another rulebook scores the same record; its published total over its max, times
//! this indicator's points, is the leaf's value (spec §6, §16). This is how a combined evaluation
//! (provincial acceptance + third-party assessment + department evaluation) is one rulebook.

use serde::{Deserialize, Serialize};

use super::{Leaf, put, show};
use crate::compile::RuleCx;
use crate::eval::{Fault, Run};
use crate::model::read::{Reader, Table, Text};
use crate::num::Num;
use crate::outcome::Outcome;
use crate::render::Lang;
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

/// Compile.
pub fn compile(d: &Doc, cx: &mut RuleCx<'_>) -> Option<Component> {
    Some(Component { index: cx.component(d.rulebook.as_ref()?)? })
}

impl Component {
    /// Score.
    pub fn eval<'r>(
        &'r self,
        run: &Run<'r>,
        max: &Num,
        note: Option<&mut super::Note>,
    ) -> Result<Leaf, Fault> {
        let explain = note.is_some();
        let scored = run.component(self.index, explain)?;
        let value = scored.total.checked_div(&scored.max).ok_or_else(Fault::division_by_zero)?.mul(max);
        put(note, || {
            super::Note::Component(Note {
                rulebook: scored.id.to_owned(),
                title: scored.title.to_owned(),
                total: show(&scored.total),
                max: show(&scored.max),
                result: show(&value),
                outcome: scored.outcome.map(Box::new),
            })
        });
        Ok(Leaf::Value(value))
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
    /// The component's full result (one explanation tree from top to leaves).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Box<Outcome>>,
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
