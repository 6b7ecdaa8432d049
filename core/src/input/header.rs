//! Matching a table's header to a rulebook's inputs, by id or by label (中文列名), and the
//! columns or fields that fill no input: never silent, since a misspelt header leaves its input
//! at its default (which can turn a veto off).

use std::collections::HashMap;

use super::InputSchema;
use crate::error::{ErrorKind, Issue};
use crate::lang::Lang;

/// How a table's columns map onto a rulebook's inputs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColumnMatch {
    /// For each column: the input index it fills, or `None` (not an input).
    pub inputs: Vec<Option<usize>>,
    /// Columns that are not inputs (ignored, and reported: a misspelt header silently leaves its
    /// input at its default).
    pub unknown: Vec<NotAnInput>,
    /// Inputs that no column fills.
    pub missing: Vec<String>,
}

/// What to do with a column or field that is not an input of the rulebook.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Unknown {
    /// Ignore it and report it (the batch's `not_inputs`, a result's warnings): the default.
    #[default]
    Warn,
    /// Refuse it: a table with such a column is not scored; a record with such a field fails
    /// (`UnknownName`, naming the field and what it probably meant).
    Error,
}

impl NotAnInput {
    /// The refusal of a record's field under [`Unknown::Error`].
    pub fn field_issue(&self) -> Issue {
        Issue {
            kind: ErrorKind::UnknownName,
            field: Some(self.name.clone()),
            at: None,
            item: None,
            value: None,
            message: self.field_warning(Lang::En).replace("(ignored)", "(refused: strict mode)"),
        }
    }
}

/// A column of a table, or a field of a record, that fills no input — and the input it was
/// probably meant for. Never silent: a misspelt header leaves its input at its default, which can
/// turn a veto off.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct NotAnInput {
    /// The column's header or the field's name.
    pub name: String,
    /// The input it resembles (a misspelling of its name or label), if any: (input name, the
    /// name or label the header resembles).
    pub suggestion: Option<(String, String)>,
}

impl NotAnInput {
    /// `name` among `schema`'s inputs, with a suggestion when an input's name or label is close.
    pub(crate) fn of(schema: &InputSchema, name: &str) -> NotAnInput {
        let inputs = &schema.inputs;
        let words = inputs.iter().flat_map(|i| std::iter::once(i.name.as_str()).chain(i.label.as_deref()));
        let suggestion = crate::read::closest(name, words).and_then(|w| {
            let input = inputs.iter().find(|i| i.name == w || i.label.as_deref() == Some(w))?;
            Some((input.name.clone(), w.to_owned()))
        });
        NotAnInput { name: name.to_owned(), suggestion }
    }

    /// "did you mean …", or nothing.
    fn hint(&self, lang: Lang) -> String {
        match (&self.suggestion, lang) {
            (None, _) => String::new(),
            (Some((input, w)), Lang::Zh) if input == w => format!("；是否应为「{w}」？"),
            (Some((input, w)), Lang::Zh) => format!("；是否应为「{w}」（输入 {input}）？"),
            (Some((input, w)), Lang::En) if input == w => format!("; did you mean \"{w}\"?"),
            (Some((input, w)), Lang::En) => format!("; did you mean \"{w}\" (input {input})?"),
        }
    }

    /// The warning for a table's column: what was ignored and what was probably meant.
    pub fn column_warning(&self, lang: Lang) -> String {
        match lang {
            Lang::Zh => format!("列「{}」不是考核方案的输入，已忽略{}", self.name, self.hint(lang)),
            Lang::En => {
                format!(
                    "column \"{}\" is not an input of this rulebook (ignored){}",
                    self.name,
                    self.hint(lang)
                )
            }
        }
    }

    /// One warning for many columns (or fields, `fields = true`): each once, those with a
    /// suggestion first, at most ten named and then how many more.
    pub fn warning_for(all: &[NotAnInput], fields: bool, lang: Lang) -> String {
        const SHOWN: usize = 10;
        let mut seen = std::collections::HashSet::new();
        let mut unique: Vec<&NotAnInput> = all.iter().filter(|c| seen.insert(c.name.as_str())).collect();
        unique.sort_by_key(|c| c.suggestion.is_none()); // stable: order met within each group
        let mut parts: Vec<String> = unique
            .iter()
            .take(SHOWN)
            .map(|c| if fields { c.field_warning(lang) } else { c.column_warning(lang) })
            .collect();
        if unique.len() > SHOWN {
            let more = unique.len() - SHOWN;
            parts.push(match lang {
                Lang::Zh => format!("另有 {more} 个"),
                Lang::En => format!("and {more} more"),
            });
        }
        parts.join(if lang == Lang::Zh { "；" } else { "; " })
    }

    /// The warning for a record's field.
    pub fn field_warning(&self, lang: Lang) -> String {
        match lang {
            Lang::Zh => format!("字段「{}」不是考核方案的输入，已忽略{}", self.name, self.hint(lang)),
            Lang::En => {
                format!("field `{}` is not an input of this rulebook (ignored){}", self.name, self.hint(lang))
            }
        }
    }
}

/// Two columns that fill one input (a table is refused: which one holds the value?).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("columns \"{first}\" and \"{second}\" both fill input `{input}`")]
pub struct DuplicateColumn {
    /// The first column's header.
    pub first: String,
    /// The second column's header.
    pub second: String,
    /// The input both fill.
    pub input: String,
}

impl ColumnMatch {
    /// Match header names to `schema`'s inputs, by id or by label.
    pub(crate) fn of(schema: &InputSchema, header: &[String]) -> Result<ColumnMatch, DuplicateColumn> {
        let mut inputs = Vec::with_capacity(header.len());
        let mut unknown = Vec::new();
        let mut taken: HashMap<usize, &str> = HashMap::new();
        for h in header {
            match schema.by_name_or_label(h) {
                Some(i) => {
                    if let Some(first) = taken.insert(i, h) {
                        return Err(DuplicateColumn {
                            first: first.to_owned(),
                            second: h.clone(),
                            input: schema.inputs[i].name.clone(),
                        });
                    }
                    inputs.push(Some(i));
                }
                None => {
                    if !h.trim().is_empty() {
                        unknown.push(NotAnInput::of(schema, h));
                    }
                    inputs.push(None);
                }
            }
        }
        let missing = schema
            .inputs
            .iter()
            .enumerate()
            .filter(|(i, input)| !taken.contains_key(i) && input.ty != super::InputType::Items)
            .map(|(_, input)| input.name.clone())
            .collect();
        Ok(ColumnMatch { inputs, unknown, missing })
    }
}
