//! The patterns: each English message as the core writes it, with `{}` where a value goes (a name,
//! a number, a list: copied as it is) or `{*}` where another message goes (translated in turn, and
//! possibly empty: a hint such as " (did you mean `x`?)"); and its Chinese, with `{0}`, `{1}`… for
//! the holes in English order (Chinese may put them in another order).
//!
//! The first pattern that matches a message whole is used, so a specific pattern comes before a
//! general one.

/// The holes of `pattern` filled from `text`, if `text` is `pattern` with values in its holes.
pub(super) fn match_pattern(pattern: &str, text: &str) -> Option<Vec<String>> {
    let parts = split(pattern);
    let mut holes = Vec::new();
    if walk(&parts, text, &mut holes) { Some(holes) } else { None }
}

/// A piece of a pattern.
#[derive(Clone, Copy)]
enum Part<'p> {
    Lit(&'p str),
    Copy,
    Translate,
}

fn split(pattern: &str) -> Vec<Part<'_>> {
    let mut parts = Vec::new();
    let mut rest = pattern;
    loop {
        let copy = rest.find("{}");
        let tr = rest.find("{*}");
        let (at, len, part) = match (copy, tr) {
            (Some(c), Some(t)) if t < c => (t, 3, Part::Translate),
            (Some(c), _) => (c, 2, Part::Copy),
            (None, Some(t)) => (t, 3, Part::Translate),
            (None, None) => break,
        };
        if at > 0 {
            parts.push(Part::Lit(&rest[..at]));
        }
        parts.push(part);
        rest = &rest[at + len..];
    }
    if !rest.is_empty() {
        parts.push(Part::Lit(rest));
    }
    parts
}

/// Match `parts` against all of `text`, pushing each hole's value (backtracking over where a hole
/// ends: the shortest value first).
fn walk(parts: &[Part<'_>], text: &str, holes: &mut Vec<String>) -> bool {
    let Some((first, rest)) = parts.split_first() else {
        return text.is_empty();
    };
    match *first {
        Part::Lit(l) => text.strip_prefix(l).is_some_and(|t| walk(rest, t, holes)),
        hole => {
            let mark = holes.len();
            // Where the hole may end: before an occurrence of the next literal, or at the end.
            let ends: Vec<usize> = match rest.first() {
                Some(Part::Lit(next)) => text.match_indices(next).map(|(i, _)| i).collect(),
                None => vec![text.len()],
                // Two holes side by side: the first takes as little as it can.
                Some(_) => text.char_indices().map(|(i, _)| i).chain([text.len()]).collect(),
            };
            for end in ends {
                let value = &text[..end];
                let filled = match hole {
                    Part::Copy if value.is_empty() => continue,
                    Part::Copy => value.to_owned(),
                    _ => match super::zh(value) {
                        Some(t) => t,
                        None => continue,
                    },
                };
                holes.push(filled);
                if walk(rest, &text[end..], holes) {
                    return true;
                }
                holes.truncate(mark);
            }
            false
        }
    }
}

/// `zh` with `{0}`, `{1}`… replaced by the holes.
pub(super) fn fill(zh: &str, holes: &[String]) -> Option<String> {
    let mut out = String::with_capacity(zh.len() + 16);
    let mut rest = zh;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..].find('}')? + open;
        let index: usize = rest[open + 1..close].parse().ok()?;
        out.push_str(holes.get(index)?);
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    Some(out)
}

/// English pattern → Chinese.
pub(super) const PATTERNS: &[(&str, &str)] = &[
    // Hints and lists that end many messages.
    (" (did you mean `{}`?)", "（是否应为「{0}」？）"),
    ("; did you mean \"{}\" (input {})?", "；是否应为「{0}」（输入 {1}）？"),
    ("; did you mean \"{}\"?", "；是否应为「{0}」？"),
    ("; did you mean `{}`?", "；是否应为「{0}」？"),
    ("; expected one of: {}", "；应为以下之一：{0}"),
    // Names.
    ("unknown input `{}`{*}", "未知的输入项「{0}」{1}"),
    ("unknown key `{}`{*}{*}", "未知的键「{0}」{1}{2}"),
    // Inputs of a record.
    ("{} is required but missing", "缺少必填输入项 {0}"),
];
