//! Reading numbers: strict literals ([`Num::parse_literal`]), floats through
//! their shortest decimal text ([`Num::from_f64`], [`decimal_from_f64`]) and
//! the lenient-but-exact readers for record cells (spec §3):
//! [`parse_decimal_text`], [`parse_integer_text`], [`parse_bool_text`].

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use num_bigint::{BigInt, Sign};
use rust_decimal::Decimal;

use super::rational::Num;
use super::wide::pow10_i128;

/// How many zeros a literal's exponent may add to its value (to the
/// numerator, or to the denominator for a negative power): more than this, or
/// than the literal's own length if that is longer, is refused with
/// [`NumError::TooLarge`], so that `1e999999999` cannot make us allocate
/// gigabytes. `1e1000` and `1e-1000` are accepted; a literal written out in
/// full is never refused, whatever its length.
pub const MAX_LITERAL_DIGITS: usize = 1000;

/// Exponents are read saturating at this magnitude; anything near it is far
/// beyond [`MAX_LITERAL_DIGITS`] anyway.
const EXP_CAP: i64 = 1_000_000_000_000_000;

/// Largest `rust_decimal` mantissa, 2^96 − 1.
const MAX_MANTISSA: i128 = (1 << 96) - 1;

/// Why a literal or a float could not become a [`Num`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NumError {
    /// Not a number literal: `[+-]?(digits(.digits*)?|.digits)([eE][+-]?digits)?`.
    Invalid,
    /// The exponent would add more than [`MAX_LITERAL_DIGITS`] digits.
    TooLarge,
    /// NaN or an infinity.
    NonFinite,
}

impl fmt::Display for NumError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NumError::Invalid => "not a number literal",
            NumError::TooLarge => "number literal out of range (its exponent adds more than 1000 digits)",
            NumError::NonFinite => "not a finite number (NaN or infinity)",
        })
    }
}

impl std::error::Error for NumError {}

/// Why a text cell (CSV, JSON string, C string) is not a valid number.
/// The caller adds the place (row, field) and the value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TextNumberError {
    /// Nothing but whitespace.
    Empty,
    /// Not a number.
    Invalid,
    /// NaN or an infinity (in any spelling and case).
    NonFinite,
    /// A `,` or `，` between digits (`1,234`): thousands separators are refused
    /// rather than guessed at (it could be a decimal comma).
    ThousandsSeparator,
    /// A decimal that `rust_decimal` cannot hold exactly (more than 28–29
    /// significant digits, |x| ≥ 2^96, more than 28 places), or an integer
    /// outside `i64`.
    OutOfRange,
    /// An integer was expected and the value has a fractional part.
    NotInteger,
}

impl fmt::Display for TextNumberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TextNumberError::Empty => "empty value",
            TextNumberError::Invalid => "not a number",
            TextNumberError::NonFinite => "not a finite number (NaN or infinity)",
            TextNumberError::ThousandsSeparator => {
                "thousands separators are not allowed (write 1234, not 1,234)"
            }
            TextNumberError::OutOfRange => {
                "number out of range (decimals: at most 28 places and 28-29 significant digits, \
                 |x| < 7.9e28; integers: 64-bit)"
            }
            TextNumberError::NotInteger => "not an integer",
        })
    }
}

impl std::error::Error for TextNumberError {}

// ---------------------------------------------------------------------------
// The literal grammar
// ---------------------------------------------------------------------------

/// A literal that passed the grammar: sign, integer digits, fraction digits
/// and the (saturated) exponent. Its digit sequence is `int ++ frac`.
struct Literal<'a> {
    negative: bool,
    int: &'a [u8],
    frac: &'a [u8],
    exp: i64,
}

/// Scans `[+-]?(digits(.digits*)?|.digits)([eE][+-]?digits)?`, ASCII only.
fn scan(s: &[u8]) -> Option<Literal<'_>> {
    let mut i = 0;
    let negative = match s.first() {
        Some(b'-') => {
            i = 1;
            true
        }
        Some(b'+') => {
            i = 1;
            false
        }
        _ => false,
    };
    let digits_from = |mut i: usize| {
        while i < s.len() && s[i].is_ascii_digit() {
            i += 1;
        }
        i
    };
    let int_end = digits_from(i);
    let int = &s[i..int_end];
    i = int_end;
    let mut frac: &[u8] = &[];
    if s.get(i) == Some(&b'.') {
        let end = digits_from(i + 1);
        frac = &s[i + 1..end];
        i = end;
    }
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    let mut exp = 0i64;
    if matches!(s.get(i), Some(b'e' | b'E')) {
        i += 1;
        let exp_negative = match s.get(i) {
            Some(b'-') => {
                i += 1;
                true
            }
            Some(b'+') => {
                i += 1;
                false
            }
            _ => false,
        };
        let end = digits_from(i);
        if end == i {
            return None;
        }
        for &c in &s[i..end] {
            exp = (exp * 10 + i64::from(c - b'0')).min(EXP_CAP);
        }
        if exp_negative {
            exp = -exp;
        }
        i = end;
    }
    (i == s.len()).then_some(Literal { negative, int, frac, exp })
}

impl Literal<'_> {
    fn len(&self) -> usize {
        self.int.len() + self.frac.len()
    }

    fn digits(&self) -> impl DoubleEndedIterator<Item = u8> + '_ {
        self.int.iter().chain(self.frac).map(|c| c - b'0')
    }

    /// Leading and trailing zeros of the digit sequence (both equal `len()`
    /// when the value is zero).
    fn zeros(&self) -> (usize, usize) {
        let lz = self.digits().take_while(|&c| c == 0).count();
        if lz == self.len() {
            return (lz, lz);
        }
        (lz, self.digits().rev().take_while(|&c| c == 0).count())
    }

    /// Digits `[from, to)` as an `i128`; the caller keeps it to ≤ 38 digits.
    fn digits_i128(&self, from: usize, to: usize) -> i128 {
        self.digits().skip(from).take(to - from).fold(0i128, |m, c| m * 10 + i128::from(c))
    }

    /// Digits `[from, to)` as a `BigInt`.
    fn digits_big(&self, from: usize, to: usize) -> BigInt {
        let v: Vec<u8> = self.digits().skip(from).take(to - from).collect();
        BigInt::from_radix_be(Sign::Plus, &v, 10).unwrap_or_default()
    }

    /// The exact value, refusing exponents that would need more than `limit`
    /// digits.
    fn to_num(&self, limit: usize) -> Result<Num, NumError> {
        let len = self.len();
        let (lz, tz) = self.zeros();
        if lz == len {
            return Ok(Num::ZERO);
        }
        let sig = len - lz - tz;
        // value = ±M × 10^k, M the significant digits.
        let k = self.exp.saturating_sub(self.frac.len() as i64).saturating_add(tz as i64);
        // |k| is the number of zeros the exponent adds to the numerator or
        // the denominator; the significant digits were written out.
        if k.unsigned_abs() > limit as u64 {
            return Err(NumError::TooLarge);
        }
        let kabs = u32::try_from(k.unsigned_abs()).map_err(|_| NumError::TooLarge)?;
        if sig <= 38 {
            // 38 digits < 10^38 < 2^127: fits, and so does its negation.
            let m = self.digits_i128(lz, len - tz);
            let m = if self.negative { -m } else { m };
            if k >= 0 {
                if let Some(v) = pow10_i128(kabs).and_then(|p| m.checked_mul(p)) {
                    return Ok(Num::from_i128(v));
                }
            } else if let Some(p) = pow10_i128(kabs) {
                return Ok(Num::small(m, p));
            }
        }
        let m = self.digits_big(lz, len - tz);
        let m = if self.negative { -m } else { m };
        let p = BigInt::from(10u32).pow(kabs);
        Ok(if k >= 0 { Num::from_big(m * p, BigInt::from(1)) } else { Num::from_big(m, p) })
    }

    /// The value as a `Decimal` keeping the written scale where possible
    /// (trailing zeros are dropped only as far as needed to fit).
    fn to_decimal(&self) -> Result<Decimal, TextNumberError> {
        let len = self.len();
        let (lz, tz) = self.zeros();
        // Written scale: fraction digits minus the exponent.
        let s = (self.frac.len() as i64).saturating_sub(self.exp);
        if lz == len {
            return Ok(Decimal::from_i128_with_scale(0, s.clamp(0, 28) as u32));
        }
        let sig = (len - lz) as i64; // significant digits with trailing zeros
        let sign = |m: i128| if self.negative { -m } else { m };
        if s <= 0 {
            // An integer: M × 10^−s, at scale 0 (no other representation).
            let p = u32::try_from(-s).map_err(|_| TextNumberError::OutOfRange)?;
            if sig + i64::from(p) > 29 {
                return Err(TextNumberError::OutOfRange);
            }
            let m = self.digits_i128(lz, len) * pow10_i128(p).unwrap_or(1);
            if m > MAX_MANTISSA {
                return Err(TextNumberError::OutOfRange);
            }
            return Ok(Decimal::from_i128_with_scale(sign(m), 0));
        }
        // Drop trailing zeros only as needed: for scale ≤ 28 and ≤ 29 digits.
        let droppable = (tz as i64).min(s);
        let mut drop = (s - 28).max(sig - 29).max(0).min(droppable);
        if s - drop > 28 || sig - drop > 29 {
            return Err(TextNumberError::OutOfRange);
        }
        let mut m = self.digits_i128(lz, len - drop as usize);
        // 29 digits may still exceed 2^96 − 1: drop one more zero if there is one.
        while m > MAX_MANTISSA && drop < droppable {
            m /= 10;
            drop += 1;
        }
        if m > MAX_MANTISSA {
            return Err(TextNumberError::OutOfRange);
        }
        Ok(Decimal::from_i128_with_scale(sign(m), (s - drop) as u32))
    }
}

// ---------------------------------------------------------------------------
// Num from literals and floats
// ---------------------------------------------------------------------------

/// Integral floats below this magnitude are exactly their own shortest text.
const F64_EXACT_INT: f64 = 9_007_199_254_740_992.0; // 2^53

impl Num {
    /// Parses a strict ASCII literal as written in rulebooks and JSON:
    /// `[+-]?(digits(.digits*)?|.digits)([eE][+-]?digits)?`, exactly, with any
    /// number of digits. No whitespace, no separators, no `nan`/`inf`.
    ///
    /// Refuses ([`NumError::TooLarge`]) an exponent that would add more than
    /// [`MAX_LITERAL_DIGITS`] digits (or more than the literal's own length,
    /// if that is longer): `1e1000000` is refused, `0e1000000` is zero.
    pub fn parse_literal(s: &str) -> Result<Num, NumError> {
        let lit = scan(s.as_bytes()).ok_or(NumError::Invalid)?;
        lit.to_num(s.len().max(MAX_LITERAL_DIGITS))
    }

    /// The value of a float's **shortest round-trip decimal text** (0.1 → 1/10
    /// exactly, not 0.1000000000000000055…), as spec §1 requires for floats
    /// arriving from callers. NaN and ±∞ → [`NumError::NonFinite`].
    pub fn from_f64(x: f64) -> Result<Num, NumError> {
        if !x.is_finite() {
            return Err(NumError::NonFinite);
        }
        if let Some((m, s)) = float_fixed(x) {
            return Ok(Num::from_decimal(Decimal::new(m, s)));
        }
        // `{:e}` prints the shortest digits that round-trip; at most 17
        // significant digits and |exponent| ≤ 324, well within the limit.
        Num::parse_literal(&format!("{x:e}"))
    }
}

impl FromStr for Num {
    type Err = NumError;

    /// Same as [`Num::parse_literal`].
    fn from_str(s: &str) -> Result<Num, NumError> {
        Num::parse_literal(s)
    }
}

// ---------------------------------------------------------------------------
// Text from records
// ---------------------------------------------------------------------------

/// Trims (Unicode whitespace, including the ideographic space U+3000) and
/// maps full-width digits, point, signs and comma to ASCII. Borrows when the
/// trimmed text is already ASCII (the common case).
fn normalize(s: &str) -> Result<Cow<'_, str>, TextNumberError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(TextNumberError::Empty);
    }
    if t.is_ascii() {
        return Ok(Cow::Borrowed(t));
    }
    Ok(Cow::Owned(
        t.chars()
            .map(|c| match c {
                '\u{FF10}'..='\u{FF19}' => char::from(b'0' + (c as u32 - 0xFF10) as u8),
                '\u{FF0E}' => '.', // ．
                '\u{FF0D}' => '-', // －
                '\u{FF0B}' => '+', // ＋
                '\u{FF0C}' => ',', // ，(only to recognise thousands separators)
                c => c,
            })
            .collect(),
    ))
}

/// The checks shared by the record readers, in order: non-finite spellings,
/// thousands separators, then the literal grammar.
fn classify(t: &str) -> Result<Literal<'_>, TextNumberError> {
    let body = t.strip_prefix(['+', '-']).unwrap_or(t);
    if ["nan", "snan", "inf", "infinity"].iter().any(|w| body.eq_ignore_ascii_case(w)) {
        return Err(TextNumberError::NonFinite);
    }
    let b = t.as_bytes();
    if b.windows(3).any(|w| w[0].is_ascii_digit() && w[1] == b',' && w[2].is_ascii_digit()) {
        return Err(TextNumberError::ThousandsSeparator);
    }
    scan(b).ok_or(TextNumberError::Invalid)
}

/// The number part of a cell written as a percentage (`8.9%`, `８．９％`): the text before a
/// trailing `%` or `％`, trimmed. `None` when the cell is not one. Whether a percentage fits
/// an input is the input's business (its `unit`).
pub fn percent_text(s: &str) -> Option<&str> {
    let t = s.trim();
    t.strip_suffix('%').or_else(|| t.strip_suffix('％')).map(str::trim_end)
}

/// Reads a decimal from a record cell (spec §3).
///
/// Trims whitespace (including U+3000), reads full-width digits, `．`, `－`
/// and `＋` as ASCII, and accepts the literal grammar of
/// `Num::parse_literal` (exponent allowed). The result keeps the written
/// scale where it can (`"12.50"` → `12.50`); surplus trailing zeros are
/// dropped only as needed to fit (`"1.000…0"` with 33 zeros is 1).
pub fn parse_decimal_text(s: &str) -> Result<Decimal, TextNumberError> {
    if let Some((m, scale)) = plain_decimal(s.as_bytes()) {
        return Ok(Decimal::new(m, scale));
    }
    decimal_text_in_full(s)
}

/// [`parse_decimal_text`] without its quick path.
fn decimal_text_in_full(s: &str) -> Result<Decimal, TextNumberError> {
    let t = normalize(s)?;
    classify(&t)?.to_decimal()
}

/// The quick path of the cell readers: a cell written plainly, `-?digits(.digits)?` with at most
/// 18 digits in all (nearly every cell of an export), as `(mantissa, places)` — the value and
/// written scale [`parse_decimal_text`] gives it. `None`: anything else (signs, spaces, full-width
/// characters, exponents, long numerals), which the full readers take.
fn plain_decimal(b: &[u8]) -> Option<(i64, u32)> {
    let (negative, digits) = match b.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, b),
    };
    if digits.is_empty() || digits.len() > 19 {
        return None;
    }
    // At most 19 bytes: below 10^19, which a u64 holds.
    let mut m = 0u64;
    let mut point = None;
    for (i, &c) in digits.iter().enumerate() {
        match c {
            b'0'..=b'9' => m = m * 10 + u64::from(c - b'0'),
            b'.' if point.is_none() && i > 0 && i + 1 < digits.len() => point = Some(i),
            _ => return None,
        }
    }
    // At most 18 digits: below 10^18, an i64 and its negation.
    if point.is_none() && digits.len() > 18 {
        return None;
    }
    let m = m as i64;
    let places = point.map_or(0, |p| (digits.len() - p - 1) as u32);
    Some((if negative { -m } else { m }, places))
}

/// Reads an integer from a record cell (spec §3): same normalisation as
/// [`parse_decimal_text`]; any integral form is accepted (`"120000"`,
/// `"120000.0"`, `"1.2e5"`); a fractional value is
/// [`TextNumberError::NotInteger`], one beyond `i64`
/// [`TextNumberError::OutOfRange`].
pub fn parse_integer_text(s: &str) -> Result<i64, TextNumberError> {
    if let Some((m, 0)) = plain_decimal(s.as_bytes()) {
        return Ok(m);
    }
    integer_text_in_full(s)
}

/// [`parse_integer_text`] without its quick path.
fn integer_text_in_full(s: &str) -> Result<i64, TextNumberError> {
    let t = normalize(s)?;
    let lit = classify(&t)?;
    let len = lit.len();
    let (lz, tz) = lit.zeros();
    if lz == len {
        return Ok(0);
    }
    let sig = (len - lz - tz) as i64;
    let k = lit.exp.saturating_sub(lit.frac.len() as i64).saturating_add(tz as i64);
    if k < 0 {
        return Err(TextNumberError::NotInteger);
    }
    if sig + k > 19 {
        return Err(TextNumberError::OutOfRange);
    }
    // ≤ 19 digits: fits i128.
    let m = lit.digits_i128(lz, len - tz) * pow10_i128(k as u32).unwrap_or(1);
    i64::try_from(if lit.negative { -m } else { m }).map_err(|_| TextNumberError::OutOfRange)
}

/// Reads a boolean from a record cell: trimmed, case-insensitive `true`/
/// `false`, `1`/`0` (also full-width `１`/`０`), `yes`/`no`, `是`/`否`.
/// Anything else (including `y`/`n` and `t`/`f`) is `None`.
pub fn parse_bool_text(s: &str) -> Option<bool> {
    // The spellings a CSV export writes, without trimming or case folding.
    match s {
        "true" | "1" => return Some(true),
        "false" | "0" => return Some(false),
        _ => {}
    }
    let t = s.trim();
    let is = |words: &[&str]| words.iter().any(|w| t.eq_ignore_ascii_case(w));
    if is(&["true", "1", "yes", "是", "\u{FF11}"]) {
        Some(true)
    } else if is(&["false", "0", "no", "否", "\u{FF10}"]) {
        Some(false)
    } else {
        None
    }
}

/// A float as a `Decimal` through its shortest round-trip text (0.1 → 0.1).
/// NaN and ±∞ → [`TextNumberError::NonFinite`]; a value `rust_decimal`
/// cannot hold exactly (1e30, 1e-30) → [`TextNumberError::OutOfRange`].
pub fn decimal_from_f64(x: f64) -> Result<Decimal, TextNumberError> {
    if !x.is_finite() {
        return Err(TextNumberError::NonFinite);
    }
    float_fixed(x).map_or_else(|| decimal_from_f64_text(x), |(m, s)| Ok(Decimal::new(m, s)))
}

/// The shortest text of a float with at most 9 places, as `(mantissa, places)`, without
/// formatting (the batch executor takes float columns with it): whole numbers below 2^53 as they
/// are, else the first `s` for which some s-place decimal reads back as `x` (fewest places is
/// fewest digits). Below 2^52
/// units, s-place decimals are further apart than the floats that read back as `x`, so at most
/// one does and it is what the shortest text says; `x·10^s` is then within one unit of it,
/// so m − 1, m, m + 1 cover it, and a division of exact integers (correctly rounded) tells
/// whether one reads back as `x`. `None`: no such decimal (the text path decides).
pub fn float_fixed(x: f64) -> Option<(i64, u32)> {
    const LIMIT: f64 = 4_503_599_627_370_496.0; // 2^52
    if x.fract() == 0.0 && x.abs() < F64_EXACT_INT {
        return Some((x as i64, 0));
    }
    let mut p = 1.0f64;
    for s in 1..=9u32 {
        p *= 10.0; // exact up to 10^22
        let m = (x * p).round();
        if m.abs() >= LIMIT - 1.0 {
            return None;
        }
        for c in [m, m - 1.0, m + 1.0] {
            if c / p == x {
                return Some((c as i64, s));
            }
        }
    }
    None
}

/// [`float_fixed`] for a column of floats, value for value (`None` where it gives `None`), in one
/// pass without branches for the values written with at most as many places as the column's first
/// values (what a float64 column read from a CSV export holds).
///
/// The pass takes one scale `S` for the whole column — the most places [`float_fixed`] finds among
/// the first values — and for each `x` rounds `x·10^S` to an integer `m` (by adding and removing
/// 1.5·2^52, which SIMD units do) and keeps it when `m / 10^S == x` and `|m| < 2^51`. Then `m` is
/// an S-place decimal that reads back as `x`; below 2^52 units there is at most one (see
/// [`float_fixed`]), so it is the value of the shortest text, and dropping its trailing zeros
/// gives the shortest text's own mantissa and places. A value that fails the test (more places,
/// too large, not finite) goes through [`float_fixed`] itself.
pub fn floats_fixed(xs: &[f64]) -> Vec<Option<(i64, u32)>> {
    const ROUND: f64 = 6_755_399_441_055_744.0; // 1.5·2^52: (y + ROUND) − ROUND rounds y, |y| < 2^51
    const BOUND: f64 = 2_251_799_813_685_248.0; // 2^51
    const SAMPLE: usize = 16;
    let scale = xs.iter().take(SAMPLE).filter_map(|&x| float_fixed(x)).map(|(_, s)| s).max().unwrap_or(0);
    let p = 10f64.powi(scale as i32); // scale ≤ 9: exact
    // Branch-free over the column (vectorised): the rounded mantissa, and whether it holds.
    let mut mantissas = vec![0f64; xs.len()];
    let mut holds = vec![false; xs.len()];
    for ((&x, m), ok) in xs.iter().zip(&mut mantissas).zip(&mut holds) {
        let r = (x * p + ROUND) - ROUND;
        *m = r;
        *ok = r.abs() < BOUND && r / p == x;
    }
    xs.iter()
        .zip(mantissas)
        .zip(holds)
        .map(|((&x, m), ok)| {
            if !ok {
                return float_fixed(x);
            }
            let (mut m, mut s) = (m as i64, scale);
            while s > 0 && m % 10 == 0 {
                m /= 10;
                s -= 1;
            }
            Some((m, s))
        })
        .collect()
}

/// [`decimal_from_f64`] through the shortest round-trip text (every finite float).
fn decimal_from_f64_text(x: f64) -> Result<Decimal, TextNumberError> {
    let s = format!("{x:e}");
    scan(s.as_bytes()).ok_or(TextNumberError::Invalid)?.to_decimal()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn q(a: i128, b: i128) -> Num {
        Num::from_ratio(a, b).unwrap()
    }

    #[test]
    fn literal_grammar() {
        let ok = [
            ("0", q(0, 1)),
            ("-0", q(0, 1)),
            ("+.5", q(1, 2)),
            (".5", q(1, 2)),
            ("5.", q(5, 1)),
            ("-5.", q(-5, 1)),
            ("1e-3", q(1, 1000)),
            ("1E+3", q(1000, 1)),
            ("12.50", q(25, 2)),
            ("0.1", q(1, 10)),
            ("-83.125", q(-665, 8)),
            ("1.5e1", q(15, 1)),
            ("150e-2", q(3, 2)),
            ("0e999999999999999999999", q(0, 1)),
            ("00012.3400", q(617, 50)),
            ("170141183460469231731687303715884105727", Num::from_i128(i128::MAX)),
            ("-170141183460469231731687303715884105728", Num::from_i128(i128::MIN)),
        ];
        for (s, want) in ok {
            let got = Num::parse_literal(s).unwrap_or_else(|e| panic!("{s}: {e}"));
            assert_eq!(got, want, "{s}");
            got.check_invariants();
            assert_eq!(s.parse::<Num>().unwrap(), want);
        }
        for s in [
            "", ".", "+", "-", "e5", ".e5", "1e", "1e+", "1e-", "1.2.3", " 1", "1 ", "1_000", "1,000",
            "0x10", "nan", "inf", "--1", "+-1", "1e5.5", "١", "１", "1d", "1e5e5",
        ] {
            assert_eq!(Num::parse_literal(s), Err(NumError::Invalid), "{s:?}");
        }
    }

    #[test]
    fn literal_limits() {
        let big = Num::parse_literal("1e1000").unwrap();
        assert!(big.is_big());
        assert_eq!(big.to_display(0).0.len(), 1001);
        assert_eq!(Num::parse_literal("1e1001"), Err(NumError::TooLarge));
        assert_eq!(Num::parse_literal("1e999999999999999999999999"), Err(NumError::TooLarge));
        assert_eq!(Num::parse_literal("1e-999999999999999999999999"), Err(NumError::TooLarge));
        assert_eq!(
            Num::parse_literal("-1e-1000").unwrap().to_display(1000).0,
            format!("-0.{}1", "0".repeat(999))
        );
        assert_eq!(Num::parse_literal("1e-1001"), Err(NumError::TooLarge));
        // Written out in full, length is never refused.
        let long = format!("0.{}1", "0".repeat(3000));
        let v = Num::parse_literal(&long).unwrap();
        assert!(v.is_positive() && v.is_big());
        let long = "9".repeat(5000);
        assert!(Num::parse_literal(&long).unwrap().is_big());
        // A 40-digit literal is exact.
        let v = Num::parse_literal("1234567890123456789012345678901234567890").unwrap();
        assert_eq!(v.to_string(), "1234567890123456789012345678901234567890");
        assert_eq!(v.sub(&Num::parse_literal("1234567890123456789012345678901234567889").unwrap()), Num::ONE);
    }

    #[test]
    fn floats() {
        assert_eq!(Num::from_f64(0.1).unwrap(), q(1, 10));
        assert_eq!(Num::from_f64(0.1 + 0.2).unwrap(), Num::parse_literal("0.30000000000000004").unwrap());
        assert_eq!(Num::from_f64(-2.5).unwrap(), q(-5, 2));
        assert_eq!(Num::from_f64(-0.0).unwrap(), Num::ZERO);
        assert_eq!(Num::from_f64(1e300).unwrap(), Num::parse_literal("1e300").unwrap());
        assert_eq!(Num::from_f64(5e-324).unwrap(), Num::parse_literal("5e-324").unwrap());
        assert_eq!(Num::from_f64(f64::MAX).unwrap(), Num::parse_literal("1.7976931348623157e308").unwrap());
        assert_eq!(Num::from_f64(9007199254740993.0).unwrap(), Num::from_i64(9007199254740992));
        assert_eq!(Num::from_f64(1e20).unwrap(), Num::from_i128(10i128.pow(20)));
        for x in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert_eq!(Num::from_f64(x), Err(NumError::NonFinite));
            assert_eq!(decimal_from_f64(x), Err(TextNumberError::NonFinite));
        }
        assert_eq!(decimal_from_f64(0.1).unwrap().to_string(), "0.1");
        assert_eq!(decimal_from_f64(123.456).unwrap().to_string(), "123.456");
        assert_eq!(decimal_from_f64(-7.0).unwrap().to_string(), "-7");
        assert_eq!(decimal_from_f64(1e28).unwrap(), dec("10000000000000000000000000000"));
        assert_eq!(decimal_from_f64(1e30), Err(TextNumberError::OutOfRange));
        assert_eq!(decimal_from_f64(1e-30), Err(TextNumberError::OutOfRange));
        assert_eq!(decimal_from_f64(1e-28).unwrap().to_string(), "0.0000000000000000000000000001");
    }

    #[test]
    fn decimal_text() {
        let ok = [
            (" 12.5 ", "12.5"),
            ("12.50", "12.50"),
            ("\u{3000}１２．５\u{3000}", "12.5"),
            ("－３", "-3"),
            ("＋０．５", "0.5"),
            ("+.5", "0.5"),
            ("5.", "5"),
            ("1e-3", "0.001"),
            ("1.2e5", "120000"),
            ("1.25e1", "12.5"),
            ("-0", "0"),
            ("0.000", "0.000"),
            ("\t83.125\n", "83.125"),
            ("1.000000000000000000000000000000000", "1"),
            ("79228162514264337593543950335", "79228162514264337593543950335"),
            ("-79228162514264337593543950335", "-79228162514264337593543950335"),
            ("0.0000000000000000000000000001", "0.0000000000000000000000000001"),
            ("8.0000000000000000000000000000", "8"),
            ("100e-1", "10.0"),
            ("123.0000000000000000000000000000", "123.00000000000000000000000000"),
        ];
        for (s, want) in ok {
            let got = parse_decimal_text(s).unwrap_or_else(|e| panic!("{s:?}: {e}"));
            assert_eq!(got, dec(want), "{s:?}");
            if !s.contains("000000000000") {
                assert_eq!(got.to_string(), want, "{s:?} keeps its scale");
            }
        }
        assert_eq!(parse_decimal_text("12.50").unwrap().scale(), 2);
        assert_eq!(parse_decimal_text("100e-1").unwrap().scale(), 1);
        // 31 digits at scale 28: two trailing zeros go, to fit 29 digits.
        assert_eq!(parse_decimal_text("123.0000000000000000000000000000").unwrap().scale(), 26);
        assert_eq!(parse_decimal_text("1.000000000000000000000000000000000").unwrap().scale(), 28);
        let err = [
            ("", TextNumberError::Empty),
            ("   ", TextNumberError::Empty),
            ("\u{3000}", TextNumberError::Empty),
            ("NaN", TextNumberError::NonFinite),
            ("nan", TextNumberError::NonFinite),
            ("-inf", TextNumberError::NonFinite),
            ("+Infinity", TextNumberError::NonFinite),
            ("-Infinity", TextNumberError::NonFinite),
            ("INF", TextNumberError::NonFinite),
            ("1,234", TextNumberError::ThousandsSeparator),
            ("1,234.5", TextNumberError::ThousandsSeparator),
            ("１，２３４", TextNumberError::ThousandsSeparator),
            ("1e30", TextNumberError::OutOfRange),
            ("79228162514264337593543950336", TextNumberError::OutOfRange),
            ("1234567890123456789012345678901234567890", TextNumberError::OutOfRange),
            ("0.1234567890123456789012345678901234567890", TextNumberError::OutOfRange),
            ("0.00000000000000000000000000001", TextNumberError::OutOfRange),
            ("1e99999999999999999999", TextNumberError::OutOfRange),
            ("1e-99999999999999999999", TextNumberError::OutOfRange),
            ("abc", TextNumberError::Invalid),
            ("12.5元", TextNumberError::Invalid),
            (",5", TextNumberError::Invalid),
            ("1 234", TextNumberError::Invalid),
            ("1.2.3", TextNumberError::Invalid),
            ("−3", TextNumberError::Invalid), // U+2212 is not listed
        ];
        for (s, want) in err {
            assert_eq!(parse_decimal_text(s), Err(want), "{s:?}");
        }
        assert_eq!(parse_decimal_text("0e99999999999999999999").unwrap(), Decimal::ZERO);
    }

    #[test]
    fn integer_text() {
        let ok = [
            ("120000", 120000),
            ("120000.0", 120000),
            ("1.2e5", 120000),
            (" －１２ ", -12),
            ("0", 0),
            ("-0.000", 0),
            ("9223372036854775807", i64::MAX),
            ("-9223372036854775808", i64::MIN),
            ("9.223372036854775807e18", i64::MAX),
            ("1200e-2", 12),
        ];
        for (s, want) in ok {
            assert_eq!(parse_integer_text(s), Ok(want), "{s:?}");
        }
        let err = [
            ("12.5", TextNumberError::NotInteger),
            ("1e-3", TextNumberError::NotInteger),
            ("9223372036854775808", TextNumberError::OutOfRange),
            ("-9223372036854775809", TextNumberError::OutOfRange),
            ("1e19", TextNumberError::OutOfRange),
            ("1e30", TextNumberError::OutOfRange),
            ("", TextNumberError::Empty),
            ("NaN", TextNumberError::NonFinite),
            ("1,200", TextNumberError::ThousandsSeparator),
            ("twelve", TextNumberError::Invalid),
        ];
        for (s, want) in err {
            assert_eq!(parse_integer_text(s), Err(want), "{s:?}");
        }
    }

    #[test]
    fn bool_text() {
        for s in ["true", "TRUE", " True ", "1", "yes", "YES", "是", "\u{3000}是", "１"] {
            assert_eq!(parse_bool_text(s), Some(true), "{s:?}");
        }
        for s in ["false", "False", "0", "no", "NO", "否", "０"] {
            assert_eq!(parse_bool_text(s), Some(false), "{s:?}");
        }
        for s in ["", "y", "n", "t", "f", "2", "on", "off", "真", "1.0", "yes!"] {
            assert_eq!(parse_bool_text(s), None, "{s:?}");
        }
    }

    /// Floats a quick conversion could get wrong: subnormals, sums that are not what they look
    /// like, powers of ten at the edge of exactness, values either side of 2^52 and 2^53, signed
    /// zeros, extremes, and values a `Decimal` cannot hold.
    const ADVERSARIAL_FLOATS: [f64; 32] = [
        0.0,
        -0.0,
        5e-324,
        -5e-324,
        2.2250738585072014e-308,
        2.225073858507201e-308,
        0.1,
        0.2,
        0.30000000000000004,
        1e22,
        1e23,
        -1e22,
        9007199254740992.0,
        9007199254740991.0,
        9007199254740993.0,
        4503599627370496.0,
        4503599627370495.5,
        2251799813685248.0,
        2251799813685247.5,
        225179981368524.75,
        1e-7,
        1.7976931348623157e308,
        -1.7976931348623157e308,
        1e30,
        1e-30,
        1e28,
        1e-28,
        123.456,
        0.000123456789,
        83.125,
        f64::NAN,
        f64::INFINITY,
    ];

    #[test]
    fn float_columns_convert_as_each_value_does() {
        let mut xs = ADVERSARIAL_FLOATS.to_vec();
        xs.extend([f64::NEG_INFINITY, 0.1 + 0.2, 1.5, 2.25, 7.0, -0.5]);
        for first in 0..xs.len() {
            // Every value first once, so each sets the column's scale.
            let col: Vec<f64> = xs[first..].iter().chain(&xs[..first]).copied().collect();
            let want: Vec<_> = col.iter().map(|&x| float_fixed(x)).collect();
            assert_eq!(floats_fixed(&col), want);
        }
        assert_eq!(
            floats_fixed(&[1.5, 2.25, 0.1 + 0.2, 1200.0]),
            [Some((15, 1)), Some((225, 2)), None, Some((1200, 0))]
        );
    }

    #[test]
    fn plain_cells_take_the_quick_path_with_the_full_readers_results() {
        for c in [
            "0",
            "-0",
            "-0.00",
            "007",
            "12.50",
            "-3.25",
            "999999999999999999",
            "1000000000000000000",
            "-999999999999999999",
            "99999999999999999.9",
            "9999999999999999999",
            "0.000000000000000001",
            "1.",
            ".5",
            "-",
            "",
            "5e3",
            "1.2.3",
            "--1",
            "+1",
            " 1",
            "1 ",
        ] {
            let (quick, full) = (parse_decimal_text(c), decimal_text_in_full(c));
            assert_eq!(quick, full, "{c:?}");
            if let (Ok(q), Ok(f)) = (quick, full) {
                assert_eq!(
                    (q.mantissa(), q.scale(), q.is_sign_negative()),
                    (f.mantissa(), f.scale(), f.is_sign_negative()),
                    "{c:?}"
                );
            }
            assert_eq!(parse_integer_text(c), integer_text_in_full(c), "{c:?}");
        }
        assert_eq!(plain_decimal(b"12.50"), Some((1250, 2)));
        assert_eq!(plain_decimal(b"9999999999999999999"), None);
    }

    #[test]
    fn error_messages() {
        assert!(TextNumberError::ThousandsSeparator.to_string().contains("1,234"));
        assert_eq!(TextNumberError::Empty.to_string(), "empty value");
        assert!(NumError::TooLarge.to_string().contains("1000"));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]

        #[test]
        fn decimal_text_round_trips(m in -((1i128 << 96) - 1)..(1i128 << 96), scale in 0u32..=28) {
            let d = Decimal::from_i128_with_scale(m, scale);
            let got = parse_decimal_text(&d.to_string()).unwrap();
            prop_assert_eq!(got, d);
            prop_assert_eq!(got.scale(), d.scale());
            prop_assert_eq!(Num::parse_literal(&d.to_string()).unwrap(), Num::from_decimal(d));
        }

        #[test]
        fn plain_cells_read_as_the_full_reader_reads_them(s in "-?[0-9]{0,20}(\\.[0-9]{0,20})?|[-+. 0-9eE]{0,22}") {
            // The quick path (plain numerals) against the full readers: value, scale and error.
            let (quick, full) = (parse_decimal_text(&s), decimal_text_in_full(&s));
            prop_assert_eq!(quick, full);
            if let (Ok(q), Ok(f)) = (quick, full) {
                prop_assert_eq!((q.mantissa(), q.scale(), q.is_sign_negative()), (f.mantissa(), f.scale(), f.is_sign_negative()));
            }
            prop_assert_eq!(parse_integer_text(&s), integer_text_in_full(&s));
        }

        #[test]
        fn integer_text_round_trips(v in any::<i64>()) {
            prop_assert_eq!(parse_integer_text(&v.to_string()), Ok(v));
            prop_assert_eq!(parse_integer_text(&format!("{v}.000")), Ok(v));
            prop_assert_eq!(parse_integer_text(&format!("{v}.5")), Err(TextNumberError::NotInteger));
        }

        #[test]
        fn floats_are_their_shortest_text(x in any::<f64>()) {
            prop_assume!(x.is_finite());
            let want = Num::parse_literal(&format!("{x:?}")).unwrap();
            prop_assert_eq!(Num::from_f64(x).unwrap(), want.clone());
            if let Ok(d) = decimal_from_f64(x) {
                prop_assert_eq!(Num::from_decimal(d), want);
            }
        }

        #[test]
        fn everyday_floats_convert_like_their_shortest_text(k in -(1i64 << 54)..(1i64 << 54), s in 0u32..13, nudge in -1i32..=1) {
            // Values with a few places (what spreadsheets and pandas hold), and the floats just
            // either side of them, where a quick conversion could pick a neighbour.
            let mut x = k as f64 / 10f64.powi(s as i32);
            x = match nudge {
                -1 => x.next_down(),
                1 => x.next_up(),
                _ => x,
            };
            prop_assume!(x.is_finite());
            let want = decimal_from_f64_text(x);
            let got = decimal_from_f64(x);
            prop_assert_eq!(got, want);
            if let Ok(w) = want {
                prop_assert_eq!(Num::from_f64(x).unwrap(), Num::from_decimal(w));
            }
            if let (Ok(g), Ok(w)) = (got, want) {
                prop_assert_eq!(g.scale(), w.scale(), "{}", x);
            }
        }

        #[test]
        fn float_columns_convert_value_for_value(
            xs in proptest::collection::vec(
                prop_oneof![
                    // Everyday values (a few places), their neighbours, and anything at all.
                    (-(1i64 << 54)..(1i64 << 54), 0u32..12, -1i32..=1).prop_map(|(k, s, nudge)| {
                        let x = k as f64 / 10f64.powi(s as i32);
                        match nudge { -1 => x.next_down(), 1 => x.next_up(), _ => x }
                    }),
                    any::<f64>(),
                    proptest::sample::select(ADVERSARIAL_FLOATS.to_vec()),
                ],
                0..40,
            )
        ) {
            let got = floats_fixed(&xs);
            let want: Vec<_> = xs.iter().map(|&x| float_fixed(x)).collect();
            prop_assert_eq!(&got, &want);
            // And through the shortest text, where float_fixed answers.
            for (&x, g) in xs.iter().zip(&got) {
                if let Some((m, s)) = *g {
                    prop_assert_eq!(Ok(Decimal::new(m, s)), decimal_from_f64_text(x), "{}", x);
                }
            }
        }

        #[test]
        fn literal_display_round_trips(n in any::<i64>(), p in 0u32..30) {
            let x = Num::from_ratio(n.into(), 10i128.pow(p.min(38))).unwrap();
            let (s, exact) = x.to_display(40);
            prop_assert!(exact);
            prop_assert_eq!(Num::parse_literal(&s).unwrap(), x);
        }
    }
}
