//! Messages for staff on stderr, in Chinese and English, and the exit codes they lead to:
//! 0 every row scored, 1 some rows (or rulebook tests, or checks) failed, 2 unusable arguments,
//! files or rulebook.

use std::fmt;

use kaoping::LoadError;

/// Exit code: some rows were not scored (they are in the output with their error).
pub const SOME_FAILED: u8 = 1;
/// Exit code: the arguments, a file or the rulebook cannot be used.
pub const UNUSABLE: u8 = 2;

/// A failure that stops the command: what to print and the exit code.
#[derive(Debug)]
pub struct Fail {
    /// Lines for stderr, already bilingual.
    pub lines: Vec<String>,
    /// Exit code.
    pub code: u8,
}

impl Fail {
    /// Unusable input (exit 2): one message, Chinese then English.
    pub fn unusable(zh: impl fmt::Display, en: impl fmt::Display) -> Fail {
        Fail { lines: vec![format!("错误：{zh}"), format!("error: {en}")], code: UNUSABLE }
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
        let mut lines = vec![format!(
            "错误：考核方案无法加载（{n} 个问题） / error: the rulebook did not load ({n} problem{})",
            if n == 1 { "" } else { "s" }
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

/// `file:line:column: Kind: message [path]`, the form editors and compilers use.
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
    format!("{place}: {}: {}{at}", p.kind, p.message)
}

impl fmt::Display for Fail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.lines.join("\n"))
    }
}
