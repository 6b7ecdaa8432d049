//! Canonical text and fingerprint of a tree.
//!
//! The fingerprint identifies a rulebook's *content*: reformatting, comments, key order and the
//! choice between TOML and JSON must not change it, while any change of a value must. So the
//! canonical form is compact JSON with sorted keys and numbers reduced to one spelling per
//! value (`2`, `2.0`, `2e0` and `20e-1` are all `2`).

use std::fmt::Write as _;

use sha2::{Digest, Sha256};

use super::tree::{Entry, Node, Value};

/// Numbers are written out in full unless that needs more than this many padding zeros (the
/// zeros between the significant digits and the decimal point); `1e1000000` stays short.
const MAX_PADDING_ZEROS: u128 = 1000;

/// The canonical JSON text of `node`.
///
/// - Objects: keys sorted by code point (byte order of UTF-8), no whitespace.
/// - Arrays: in order.
/// - Numbers (`Integer` and `Float` alike): exact decimal value, no `+`, no leading zeros, no
///   trailing fractional zeros, no exponent (`1e3` → `1000`, `-0.0` → `0`) unless expansion
///   needs more than 1000 zeros; then `<digits>e<exponent>` with integer digits without
///   trailing zeros (`1e2000`, `-15e-2001`). A number whose text is not a decimal number (only
///   possible in a hand-built tree) is written as a JSON string.
/// - Dates: the string `"YYYY-MM-DD"` (JSON rulebooks write dates as strings).
/// - Strings: only `"`, `\` and U+0000–U+001F escaped (`\n`, `\t`... or `\u00xx`), all else
///   kept as UTF-8.
///
/// Iterative, so it cannot overflow the stack whatever the depth, and it never panics.
pub fn canonical(node: &Node) -> String {
    enum Item<'a> {
        Node(&'a Node),
        Key(&'a str),
        Text(&'static str),
    }
    let mut out = String::new();
    let mut work = vec![Item::Node(node)];
    while let Some(item) = work.pop() {
        let node = match item {
            Item::Text(text) => {
                out.push_str(text);
                continue;
            }
            Item::Key(key) => {
                write_string(&mut out, key);
                out.push(':');
                continue;
            }
            Item::Node(node) => node,
        };
        match &node.value {
            Value::Table(entries) => {
                let mut sorted: Vec<&Entry> = entries.iter().collect();
                // Stable, so a hand-built table with a repeated key still has one output.
                sorted.sort_by(|a, b| a.key.cmp(&b.key));
                out.push('{');
                work.push(Item::Text("}"));
                for (k, entry) in sorted.iter().enumerate().rev() {
                    work.push(Item::Node(&entry.value));
                    work.push(Item::Key(&entry.key));
                    if k > 0 {
                        work.push(Item::Text(","));
                    }
                }
            }
            Value::Array(items) => {
                out.push('[');
                work.push(Item::Text("]"));
                for (k, item) in items.iter().enumerate().rev() {
                    work.push(Item::Node(item));
                    if k > 0 {
                        work.push(Item::Text(","));
                    }
                }
            }
            Value::String(s) => write_string(&mut out, s),
            Value::Integer(n) | Value::Float(n) => write_number(&mut out, n),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Date(d) => {
                let _ = write!(out, "\"{d}\"");
            }
            Value::Null => out.push_str("null"),
        }
    }
    out
}

/// SHA-256 of [`canonical`], as 64 lowercase hex digits: a short, stable name for a rulebook's
/// content, recorded with results so they can be traced to the exact rules that produced them.
pub fn fingerprint(node: &Node) -> String {
    let digest = Sha256::digest(canonical(node).as_bytes());
    let mut hex = String::with_capacity(64);
    for byte in digest.iter() {
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

/// A JSON string with minimal escaping.
fn write_string(out: &mut String, s: &str) {
    out.push('"');
    let mut run = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        // Every escaped byte is ASCII, so `run..i` and `i + 1` are character boundaries.
        out.push_str(&s[run..i]);
        if escape.is_empty() {
            let _ = write!(out, "\\u{b:04x}");
        } else {
            out.push_str(escape);
        }
        run = i + 1;
    }
    out.push_str(&s[run..]);
    out.push('"');
}

/// A decimal number split into its parts; `int` and `frac` are digit strings.
struct Parts<'a> {
    negative: bool,
    int: &'a str,
    frac: &'a str,
    exp_negative: bool,
    /// Exponent digits without leading zeros.
    exp: &'a str,
}

/// Accepts `[+-]? digits ('.' digits?)? ([eE] [+-]? digits)?` (or `.5`), i.e. everything the
/// readers produce and a little more; `None` for anything else.
fn split_number(s: &str) -> Option<Parts<'_>> {
    let (negative, rest) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let (mantissa, exponent) = match rest.find(['e', 'E']) {
        Some(at) => (&rest[..at], Some(&rest[at + 1..])),
        None => (rest, None),
    };
    let (int, frac) = match mantissa.find('.') {
        Some(at) => (&mantissa[..at], &mantissa[at + 1..]),
        None => (mantissa, ""),
    };
    let all_digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    if int.len() + frac.len() == 0 || !all_digits(int) || !all_digits(frac) {
        return None;
    }
    let (exp_negative, exp) = match exponent {
        None => (false, ""),
        Some(e) => {
            let (neg, digits) = match e.as_bytes().first()? {
                b'-' => (true, &e[1..]),
                b'+' => (false, &e[1..]),
                _ => (false, e),
            };
            if digits.is_empty() || !all_digits(digits) {
                return None;
            }
            (neg, digits.trim_start_matches('0'))
        }
    };
    Some(Parts { negative, int, frac, exp_negative, exp })
}

/// Writes the canonical spelling of the decimal number `text` (see [`canonical`]).
fn write_number(out: &mut String, text: &str) {
    let Some(parts) = split_number(text) else {
        write_string(out, text);
        return;
    };
    // value = 0.<…> : digits × 10^(exp − len(frac)); strip zeros on both ends of the digits.
    let digits: String = [parts.int, parts.frac].concat();
    let digits = digits.trim_start_matches('0');
    let significant = digits.trim_end_matches('0');
    if significant.is_empty() {
        out.push('0');
        return;
    }
    // Both adjustments are bounded by the text length, far below 10^30.
    let adjust = (digits.len() - significant.len()) as i128 - parts.frac.len() as i128;
    if parts.negative {
        out.push('-');
    }
    if parts.exp.len() > 30 {
        // An exponent of 10^30 or more: only the scientific form makes sense. Add the small
        // adjustment to the long exponent in decimal, so the spelling is still canonical.
        out.push_str(significant);
        out.push('e');
        let (negative, magnitude) = add_to_decimal(parts.exp_negative, parts.exp, adjust);
        if negative {
            out.push('-');
        }
        out.push_str(&magnitude);
        return;
    }
    let exp: i128 = parts.exp.bytes().fold(0, |acc, d| acc * 10 + i128::from(d - b'0'));
    let exp = if parts.exp_negative { -exp } else { exp } + adjust;
    let n = significant.len() as i128;
    let padding = if exp >= 0 {
        exp
    } else if -exp < n {
        0
    } else {
        -exp - n + 1
    };
    if padding.unsigned_abs() > MAX_PADDING_ZEROS {
        let _ = write!(out, "{significant}e{exp}");
    } else if exp >= 0 {
        out.push_str(significant);
        out.extend(std::iter::repeat_n('0', exp as usize));
    } else if -exp < n {
        let point = (n + exp) as usize;
        out.push_str(&significant[..point]);
        out.push('.');
        out.push_str(&significant[point..]);
    } else {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-exp - n) as usize));
        out.push_str(significant);
    }
}

/// `(±digits) + adjust` where `digits` (no leading zeros) is longer than 30 digits, so the
/// result has the sign of the big number. Returns the sign and the magnitude's digits.
fn add_to_decimal(negative: bool, digits: &str, adjust: i128) -> (bool, String) {
    let mut d: Vec<u8> = digits.bytes().map(|b| b - b'0').collect();
    let grow = (adjust < 0) == negative; // same sign: the magnitude grows
    let mut small = adjust.unsigned_abs();
    let mut carry = 0u8;
    for digit in d.iter_mut().rev() {
        if small == 0 && carry == 0 {
            break;
        }
        let s = (small % 10) as u8 + carry;
        small /= 10;
        if grow {
            let sum = *digit + s;
            *digit = sum % 10;
            carry = sum / 10;
        } else if *digit >= s {
            *digit -= s;
            carry = 0;
        } else {
            *digit = *digit + 10 - s;
            carry = 1;
        }
    }
    let mut text = String::with_capacity(d.len() + 1);
    if carry > 0 {
        text.push('1');
    }
    text.extend(d.iter().map(|&x| char::from(b'0' + x)));
    let trimmed = text.trim_start_matches('0').to_owned();
    (negative, trimmed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::{Format, Pos, parse};

    fn number(text: &str) -> String {
        let mut out = String::new();
        write_number(&mut out, text);
        out
    }

    #[test]
    fn numbers_have_one_spelling() {
        for (input, expected) in [
            ("2", "2"),
            ("2.0", "2"),
            ("2e0", "2"),
            ("20e-1", "2"),
            ("0.2E1", "2"),
            ("-0", "0"),
            ("-0.000", "0"),
            ("0e99999999999999999999999999999999999999", "0"),
            ("+12", "12"),
            ("007", "7"),
            ("12.50", "12.5"),
            ("-0.125", "-0.125"),
            ("1e3", "1000"),
            ("1E+3", "1000"),
            ("1.5e-3", "0.0015"),
            ("123.456e1", "1234.56"),
            ("-123.456e-3", "-0.123456"),
            ("100", "100"),
            ("1e1000", &format!("1{}", "0".repeat(1000))),
            ("1e1001", "1e1001"),
            ("1e-1000", &format!("0.{}1", "0".repeat(999))),
            ("1e-1001", "1e-1001"),
            ("15e-2002", "15e-2002"),
            ("1.5e-2001", "15e-2002"),
            ("-25000e1998", "-25e2001"),
        ] {
            assert_eq!(number(input), expected, "{input}");
        }
    }

    #[test]
    fn huge_exponents_stay_exact() {
        let big = format!("1{}", "0".repeat(40));
        assert_eq!(number(&format!("1e{big}")), format!("1e{big}"));
        assert_eq!(number(&format!("1.5e{big}")), format!("15e{}", "9".repeat(40)));
        assert_eq!(number(&format!("1500e-{big}")), format!("15e-{}8", "9".repeat(39)));
        assert_eq!(number(&format!("-0.001e-0{big}")), format!("-1e-1{}3", "0".repeat(39)));
        // Different values, different spellings.
        assert_ne!(number(&format!("1e{big}")), number(&format!("10e{big}")));
        assert_eq!(number(&format!("10e{big}")), number(&format!("1e1{}1", "0".repeat(39))));
    }

    #[test]
    fn non_numbers_do_not_panic() {
        for junk in ["", "-", "+", ".", "e5", "1e", "1e+", "abc", "1..2", "1.2.3", "--1", "1e5e5", "٣"] {
            let out = number(junk);
            assert!(out.starts_with('"'), "{junk:?} -> {out}");
        }
        assert_eq!(number(".5"), "0.5");
        assert_eq!(number("5."), "5");
    }

    #[test]
    fn strings_are_minimally_escaped() {
        let mut out = String::new();
        write_string(&mut out, "a\"b\\c\nd\te\u{1}f\u{7f}高原\u{2028}/");
        assert_eq!(out, "\"a\\\"b\\\\c\\nd\\te\\u0001f\u{7f}高原\u{2028}/\"");
        // It is JSON that reads back to the same string.
        let back: String = serde_json::from_str(&out).unwrap();
        assert_eq!(back, "a\"b\\c\nd\te\u{1}f\u{7f}高原\u{2028}/");
    }

    #[test]
    fn canonical_text_of_a_document() {
        let doc = parse(
            "z = 1.50\na = [true, 2019-12-31, \"x\"]\n[m]\n\"高\" = 1\nb = { d = 0x10, c = -0.0 }\n",
            Format::Toml,
        )
        .unwrap();
        assert_eq!(
            canonical(&doc),
            r#"{"a":[true,"2019-12-31","x"],"m":{"b":{"c":0,"d":16},"高":1},"z":1.5}"#
        );
        let fp = fingerprint(&doc);
        assert_eq!(fp.len(), 64);
        assert!(fp.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
    }

    #[test]
    fn deep_hand_built_tree() {
        // Deeper than any parser allows; canonical() must still not recurse.
        let pos = Pos { line: 1, column: 1 };
        let mut node = Node { pos, value: Value::Integer("1".into()) };
        for _ in 0..100_000 {
            node = Node { pos, value: Value::Array(vec![node]) };
        }
        let text = canonical(&node);
        assert_eq!(text.len(), 200_001);
        // Dismantle iteratively: the derived Drop would recurse 100,000 levels.
        let mut current = Some(node);
        while let Some(Node { value: Value::Array(mut items), .. }) = current {
            current = items.pop();
        }
    }
}
