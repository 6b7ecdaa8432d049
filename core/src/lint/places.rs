//! Where each part of a rulebook was written, for findings' `line:column`: the compiled rulebook
//! keeps no positions (scoring does not need them), so its text is read again.

use rustc_hash::FxHashMap as HashMap;

use crate::compile::Compiled;
use crate::read::Reader;
use crate::syntax::{self, Pos};

/// Positions by name, from the rulebook's text.
#[derive(Default)]
pub(super) struct Places {
    indicators: HashMap<String, Pos>,
    rules: HashMap<String, Pos>,
    inputs: HashMap<String, Pos>,
    params: HashMap<String, Pos>,
    derived: HashMap<String, Pos>,
    bonus: HashMap<String, Pos>,
    penalty: HashMap<String, Pos>,
    vetoes: HashMap<String, Pos>,
    criteria: HashMap<String, Pos>,
    grades: HashMap<String, Pos>,
    grade_rules: Vec<Option<Pos>>,
}

/// A part of a rulebook a finding is about.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(super) enum Part {
    /// An indicator, by id.
    Indicator(String),
    /// An indicator's rule, by the indicator's id.
    Rule(String),
    /// A bonus item's rule, by id.
    Bonus(String),
    /// A penalty item's rule, by id.
    Penalty(String),
    /// An input.
    Input(String),
    /// A parameter.
    Param(String),
    /// A derived value.
    Derived(String),
    /// A veto.
    Veto(String),
    /// A criterion.
    Criterion(String),
    /// A grade, by label.
    Grade(String),
    /// A grade rule (0-based).
    GradeRule(usize),
}

impl Part {
    /// The path as load problems name it.
    pub(super) fn path(&self) -> String {
        match self {
            Part::Indicator(id) => format!("indicator \"{id}\""),
            Part::Rule(id) => format!("indicator \"{id}\" rule"),
            Part::Bonus(id) => format!("bonus \"{id}\""),
            Part::Penalty(id) => format!("penalty \"{id}\""),
            Part::Input(n) => format!("input \"{n}\""),
            Part::Param(n) => format!("param \"{n}\""),
            Part::Derived(n) => format!("derived \"{n}\""),
            Part::Veto(id) => format!("veto \"{id}\""),
            Part::Criterion(id) => format!("criterion \"{id}\""),
            Part::Grade(label) => format!("grade \"{label}\""),
            Part::GradeRule(i) => format!("grade_rule #{}", i + 1),
        }
    }
}

impl Places {
    /// The positions in `book`'s text (none when it has no text).
    pub(super) fn of(book: &Compiled) -> Places {
        let Some((text, format)) = &book.text else { return Places::default() };
        let Ok(root) = syntax::parse(text, *format) else { return Places::default() };
        let doc = crate::model::read_document(&root, &mut Reader::new(None));
        let named = |pairs: Vec<(String, Pos)>| -> HashMap<String, Pos> {
            // The first declaration of a name is the one compiled.
            let mut m = HashMap::default();
            for (k, p) in pairs {
                m.entry(k).or_insert(p);
            }
            m
        };
        Places {
            indicators: named(doc.indicators.iter().map(|i| (i.id.value.clone(), i.pos)).collect()),
            rules: named(
                doc.indicators
                    .iter()
                    .filter_map(|i| Some((i.id.value.clone(), i.rule.as_ref()?.1)))
                    .collect(),
            ),
            inputs: named(doc.inputs.iter().map(|i| (i.name.value.clone(), i.name.pos)).collect()),
            params: named(doc.params.iter().map(|p| (p.name.value.clone(), p.name.pos)).collect()),
            derived: named(doc.derived.iter().map(|d| (d.name.value.clone(), d.name.pos)).collect()),
            bonus: named(
                doc.bonus
                    .iter()
                    .map(|b| (b.id.value.clone(), b.rule.as_ref().map_or(b.pos, |r| r.1)))
                    .collect(),
            ),
            penalty: named(
                doc.penalty
                    .iter()
                    .map(|b| (b.id.value.clone(), b.rule.as_ref().map_or(b.pos, |r| r.1)))
                    .collect(),
            ),
            vetoes: named(
                doc.vetoes
                    .iter()
                    .map(|v| (v.id.value.clone(), v.when.as_ref().map_or(v.id.pos, |w| w.pos)))
                    .collect(),
            ),
            criteria: named(
                doc.criteria
                    .iter()
                    .map(|c| (c.id.value.clone(), c.when.as_ref().map_or(c.id.pos, |w| w.pos)))
                    .collect(),
            ),
            grades: named(doc.grades.iter().map(|g| (g.label.value.clone(), g.pos)).collect()),
            grade_rules: doc.grade_rules.iter().map(|g| g.when.as_ref().map(|w| w.pos)).collect(),
        }
    }

    /// Where `part` was written.
    pub(super) fn pos(&self, part: &Part) -> Option<Pos> {
        match part {
            Part::Indicator(id) => self.indicators.get(id).copied(),
            Part::Rule(id) => self.rules.get(id).or_else(|| self.indicators.get(id)).copied(),
            Part::Bonus(id) => self.bonus.get(id).copied(),
            Part::Penalty(id) => self.penalty.get(id).copied(),
            Part::Input(n) => self.inputs.get(n).copied(),
            Part::Param(n) => self.params.get(n).copied(),
            Part::Derived(n) => self.derived.get(n).copied(),
            Part::Veto(id) => self.vetoes.get(id).copied(),
            Part::Criterion(id) => self.criteria.get(id).copied(),
            Part::Grade(label) => self.grades.get(label).copied(),
            Part::GradeRule(i) => self.grade_rules.get(*i).copied().flatten(),
        }
    }
}
