//! Messages for staff on stderr, in the language of `--lang` (Chinese by default, or English),
//! and the exit codes they lead to: 0 every row scored, 1 some rows (or rulebook tests, or checks)
//! failed, 2 unusable arguments, files or rulebook.

use std::fmt;
use std::sync::OnceLock;

use kaoping::{Lang, LoadError};

/// The language of every message the command prints, set once from `--lang`.
static LANG: OnceLock<Lang> = OnceLock::new();

/// Set the language of the command's messages (once, from `--lang`).
pub fn set_lang(lang: Lang) {
    let _ = LANG.set(lang);
}

/// The language of the command's messages: `--lang`, Chinese by default.
pub fn lang() -> Lang {
    LANG.get().copied().unwrap_or_default()
}

/// The message in the command's language: `zh` or `en`.
pub fn say(zh: impl fmt::Display, en: impl fmt::Display) -> String {
    match lang() {
        Lang::En => en.to_string(),
        _ => zh.to_string(),
    }
}

/// Exit code: some rows were not scored (they are in the output with their error).
pub const SOME_FAILED: u8 = 1;
/// Exit code: the arguments, a file or the rulebook cannot be used.
pub const UNUSABLE: u8 = 2;

/// A failure that stops the command: what to print and the exit code.
#[derive(Debug)]
pub struct Fail {
    /// Lines for stderr, in the command's language.
    pub lines: Vec<String>,
    /// Exit code.
    pub code: u8,
}

impl Fail {
    /// Unusable input (exit 2): one message, in the command's language.
    pub fn unusable(zh: impl fmt::Display, en: impl fmt::Display) -> Fail {
        Fail { lines: vec![say(format_args!("错误：{zh}"), format_args!("error: {en}"))], code: UNUSABLE }
    }

    /// A file that cannot be read (exit 2).
    pub fn file(path: &str, what_zh: &str, what_en: &str, e: impl fmt::Display) -> Fail {
        Fail::unusable(
            format!("无法读取{what_zh} {path}：{e}"),
            format!("cannot read the {what_en} {path}: {e}"),
        )
    }

    /// A rulebook that did not load (exit 2), every problem with its place.
    pub fn rulebook(e: &LoadError) -> Fail {
        let n = e.problems.len();
        let mut lines = vec![say(
            format_args!("错误：考核方案无法加载（{n} 个问题）"),
            format_args!("error: the rulebook did not load ({n} problem{})", if n == 1 { "" } else { "s" }),
        )];
        lines.extend(e.problems.iter().map(problem_line));
        Fail { lines, code: UNUSABLE }
    }
}

impl Fail {
    /// Print the failure on stderr, each line under the first.
    pub fn eprint(&self) {
        eprintln!("kaoping: {}", self.lines.join("\n         "));
    }
}

/// `file:line:column: Kind: message [path]`, the form editors and compilers use: the kind is the
/// spec's name (a code, as a compiler's error code), the message in the command's language.
pub fn problem_line(p: &kaoping::Problem) -> String {
    let l = &p.location;
    let mut place = l.file.clone().unwrap_or_else(|| "<rulebook>".into());
    if let Some(line) = l.line {
        place.push_str(&format!(":{line}"));
        if let Some(col) = l.column {
            place.push_str(&format!(":{col}"));
        }
    }
    let at = l.path.as_ref().map(|p| format!(" [{p}]")).unwrap_or_default();
    format!("{place}: {}: {}{at}", p.kind, p.message_in(lang()))
}

impl fmt::Display for Fail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.lines.join("\n"))
    }
}
