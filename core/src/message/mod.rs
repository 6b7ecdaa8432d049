//! The message catalogue: every error reason, load problem and warning the core produces, in
//! Chinese and English, in one place that the command, Python and C all read.
//!
//! The core builds its messages in English where it finds the problem (they are the `message` of a
//! [`Problem`] or an [`Issue`], and the strings of [`crate::Outcome::warnings`]), and keeps them so:
//! English is the stable text that JSON, logs and tests compare. This module gives them in either
//! language: [`translate`] matches an English message against the catalogue's patterns
//! (`unknown input `{}``) and fills the Chinese one (`未知的输入项「{0}」`) with the same values, and
//! the `*_in(Lang)` methods below render whole errors (kind, place, message) in one language.
//!
//! A message the catalogue does not know keeps its English words under a Chinese frame (the kind's
//! Chinese name, the place): never lost, never garbled. `core/tests/messages.rs` runs the hostile
//! catalogue (tests/malformed) and the load-error tests through [`translate`] and fails on any
//! message that has no Chinese, so a new English message must bring its Chinese with it.

mod catalogue;
mod kinds;

use std::borrow::Cow;
use std::fmt::Write as _;

use crate::error::{Issue, LoadError, Location, Problem, RecordError};
use crate::{ErrorKind, Lang};

/// `text` in `lang`: English as the core wrote it, or its Chinese from the catalogue (the English
/// when the catalogue has no pattern for it).
///
/// ```
/// use kaoping::{Lang, message::translate};
/// assert_eq!(translate("unknown input `income`", Lang::Zh), "未知的输入项「income」");
/// assert_eq!(translate("unknown input `income`", Lang::En), "unknown input `income`");
/// ```
pub fn translate(text: &str, lang: Lang) -> Cow<'_, str> {
    match lang {
        Lang::En => Cow::Borrowed(text),
        _ => match zh(text) {
            Some(t) => Cow::Owned(t),
            None => Cow::Borrowed(text),
        },
    }
}

/// Whether the catalogue has a Chinese text for `text` (every part of it, recursively).
pub fn has_chinese(text: &str) -> bool {
    zh(text).is_some()
}

/// The Chinese of `text`, if a pattern matches it whole.
fn zh(text: &str) -> Option<String> {
    if text.is_empty() {
        return Some(String::new());
    }
    catalogue::PATTERNS.iter().find_map(|(en, zh)| {
        let holes = catalogue::match_pattern(en, text)?;
        catalogue::fill(zh, &holes)
    })
}

impl ErrorKind {
    /// The kind's short name in `lang`: `缺少输入` / `MissingInput` (English gives the spec name).
    pub fn title(self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.name(),
            _ => kinds::zh_title(self),
        }
    }

    /// What the kind means, in one sentence in `lang` ([`ErrorKind::doc`] in English).
    pub fn doc_in(self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.doc(),
            _ => kinds::zh_doc(self),
        }
    }
}

impl Location {
    /// The place in `lang`: `file:line:column (path)`.
    ///
    /// The path names the place in the rulebook's own words (`indicator "a" bands`, the keys and
    /// tables a writer types), so it is the same in both languages.
    pub fn to_string_in(&self, _lang: Lang) -> String {
        self.to_string()
    }
}

impl Problem {
    /// What is wrong, in `lang`.
    pub fn message_in(&self, lang: Lang) -> Cow<'_, str> {
        translate(&self.message, lang)
    }

    /// The problem in `lang`: `place: kind: message` (the Display form is English).
    pub fn to_string_in(&self, lang: Lang) -> String {
        let loc = self.location.to_string_in(lang);
        let sep = colon(lang);
        let kind = self.kind.title(lang);
        let msg = self.message_in(lang);
        if loc.is_empty() { format!("{kind}{sep}{msg}") } else { format!("{loc}: {kind}{sep}{msg}") }
    }
}

impl LoadError {
    /// The first line of the error in `lang`: `rulebook X did not load (N problems):`.
    pub fn headline_in(&self, lang: Lang) -> String {
        let n = self.problems.len();
        match (lang, &self.rulebook) {
            (Lang::En, _) => {
                let id = self.rulebook.as_deref().map(|id| format!(" {id}")).unwrap_or_default();
                format!("rulebook{id} did not load ({n} problem{}):", if n == 1 { "" } else { "s" })
            }
            (_, Some(id)) => format!("考核方案 {id} 无法加载（{n} 个问题）："),
            (_, None) => format!("考核方案无法加载（{n} 个问题）："),
        }
    }

    /// The whole error in `lang`, one problem a line (the Display form is English).
    pub fn to_string_in(&self, lang: Lang) -> String {
        let mut s = self.headline_in(lang);
        for p in &self.problems {
            let _ = write!(s, "\n  {}", p.to_string_in(lang));
        }
        s
    }
}

impl Issue {
    /// What is wrong, in `lang`.
    pub fn message_in(&self, lang: Lang) -> Cow<'_, str> {
        translate(&self.message, lang)
    }

    /// The issue in `lang`: `item: kind [field f]: message` (the Display form is English).
    pub fn to_string_in(&self, lang: Lang) -> String {
        if lang == Lang::En {
            return self.to_string();
        }
        let mut s = String::new();
        if let Some(item) = &self.item {
            let _ = write!(s, "{item}：");
        }
        s.push_str(self.kind.title(lang));
        if let Some(field) = &self.field {
            let _ = write!(s, "［字段 {field}］");
        }
        if let Some(at) = &self.at {
            let _ = write!(s, "［位于 {at}］");
        }
        let _ = write!(s, "：{}", self.message_in(lang));
        s
    }
}

impl RecordError {
    /// The error in `lang`: `record row 3 (key): …` / `记录 第 3 行（key）：…`.
    pub fn to_string_in(&self, lang: Lang) -> String {
        if lang == Lang::En {
            return self.to_string();
        }
        let mut s = String::from("记录");
        if let Some(row) = self.row {
            let _ = write!(s, " 第 {row} 行");
        }
        if let Some(key) = &self.key {
            let _ = write!(s, "（{key}）");
        }
        s.push('：');
        if self.issues.len() == 1 {
            s.push_str(&self.issues[0].to_string_in(lang));
        } else {
            for i in &self.issues {
                let _ = write!(s, "\n  {}", i.to_string_in(lang));
            }
        }
        s
    }
}

/// The separator between a kind and its message.
fn colon(lang: Lang) -> &'static str {
    if lang == Lang::En { ": " } else { "：" }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every kind has a Chinese name and sentence, and neither is the English one.
    #[test]
    fn every_kind_speaks_both_languages() {
        for k in ErrorKind::ALL {
            for (zh, en) in [(k.title(Lang::Zh), k.title(Lang::En)), (k.doc_in(Lang::Zh), k.doc_in(Lang::En))]
            {
                assert!(!zh.trim().is_empty() && !en.trim().is_empty(), "{k}");
                assert_ne!(zh, en, "{k} has no Chinese");
                assert!(zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{k}: {zh}");
            }
        }
    }

    #[test]
    fn a_problem_and_a_record_error_in_both_languages() {
        let p = Problem {
            kind: ErrorKind::UnknownName,
            location: Location { file: Some("a.toml".into()), line: Some(3), column: Some(9), path: None },
            message: "unknown input `incme` (did you mean `income`?)".into(),
        };
        assert_eq!(p.to_string_in(Lang::En), p.to_string());
        assert_eq!(
            p.to_string_in(Lang::Zh),
            "a.toml:3:9: 未知名称：未知的输入项「incme」（是否应为「income」？）"
        );
        let e = RecordError {
            row: Some(3),
            key: Some("甲县".into()),
            issues: vec![Issue::input(
                ErrorKind::MissingInput,
                "income",
                None,
                "income is required but missing".into(),
            )],
        };
        assert_eq!(e.to_string_in(Lang::En), e.to_string());
        assert_eq!(
            e.to_string_in(Lang::Zh),
            "记录 第 3 行（甲县）：缺少输入［字段 income］：缺少必填输入项 income"
        );
    }

    /// A message the catalogue does not know stays English, whole.
    #[test]
    fn an_unknown_message_stays_english() {
        assert_eq!(translate("something new happened", Lang::Zh), "something new happened");
        assert!(!has_chinese("something new happened"));
    }
}
