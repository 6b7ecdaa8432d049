//! Calendar dates (`YYYY-MM-DD`) as they appear in rulebooks: `as_of`, dated parameters, and
//! scoring dates passed by callers.
//!
//! Only a plain proleptic Gregorian date is needed: the spec never scores by time of day and a
//! time zone would make "the latest date ≤ the scoring date" ambiguous. Years are limited to
//! `1..=9999` so that every date has exactly one four-digit text form, which keeps the textual
//! form (used in JSON, in the canonical form and in messages) round-trippable.

use std::fmt;
use std::str::FromStr;

/// A valid calendar date between 0001-01-01 and 9999-12-31.
///
/// The fields are private so that an invalid date (2019-02-30) cannot be built; the derived
/// ordering is chronological because the fields are compared year, month, day in that order.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

impl Date {
    /// Builds a date, or `None` if it does not exist in the calendar (month 13, 2019-02-29,
    /// day 0) or the year is outside `1..=9999`.
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        if !(1..=9999).contains(&year) || !(1..=12).contains(&month) {
            return None;
        }
        if day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date { year, month, day })
    }

    /// The year, `1..=9999`.
    pub fn year(self) -> i32 {
        self.year
    }

    /// The month, `1..=12`.
    pub fn month(self) -> u8 {
        self.month
    }

    /// The day of the month, `1..=31` (never beyond the month's length).
    pub fn day(self) -> u8 {
        self.day
    }
}

/// Gregorian leap years: every 4th year, except centuries not divisible by 400.
fn is_leap_year(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Why a text is not a date; the message says which rule was broken so that a rulebook author
/// can fix it without reading the spec.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DateParseError {
    message: &'static str,
}

impl fmt::Display for DateParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message)
    }
}

impl std::error::Error for DateParseError {}

impl FromStr for Date {
    type Err = DateParseError;

    /// Strict `YYYY-MM-DD`: exactly four, two and two ASCII digits. No surrounding whitespace,
    /// no time part and no short forms (`2019-1-5`), because a lenient reader would accept
    /// typos that silently pick a different dated parameter.
    fn from_str(s: &str) -> Result<Date, DateParseError> {
        let b = s.as_bytes();
        let shape_ok = b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
        if !shape_ok {
            return Err(DateParseError { message: "a date must be written YYYY-MM-DD (e.g. 2019-12-31)" });
        }
        let num = |range: std::ops::Range<usize>| {
            b[range].iter().fold(0i32, |acc, c| acc * 10 + i32::from(c - b'0'))
        };
        let (year, month, day) = (num(0..4), num(5..7), num(8..10));
        // month and day are at most 99, so the casts cannot truncate.
        Date::new(year, month as u8, day as u8)
            .ok_or(DateParseError { message: "no such calendar date (years run from 0001 to 9999)" })
    }
}

impl fmt::Display for Date {
    /// Always `YYYY-MM-DD`, zero-padded, so the text form sorts like the date and parses back.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Date, D::Error> {
        struct DateVisitor;

        impl serde::de::Visitor<'_> for DateVisitor {
            type Value = Date;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a date written YYYY-MM-DD")
            }

            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Date, E> {
                v.parse().map_err(E::custom)
            }
        }

        deserializer.deserialize_str(DateVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_rules() {
        assert!(Date::new(2019, 12, 31).is_some());
        assert!(Date::new(2020, 2, 29).is_some());
        assert!(Date::new(2000, 2, 29).is_some());
        assert!(Date::new(1900, 2, 29).is_none());
        assert!(Date::new(2019, 2, 29).is_none());
        assert!(Date::new(2019, 4, 31).is_none());
        assert!(Date::new(2019, 13, 1).is_none());
        assert!(Date::new(2019, 0, 1).is_none());
        assert!(Date::new(2019, 1, 0).is_none());
        assert!(Date::new(0, 1, 1).is_none());
        assert!(Date::new(10000, 1, 1).is_none());
        assert!(Date::new(9999, 12, 31).is_some());
        assert!(Date::new(1, 1, 1).is_some());
    }

    #[test]
    fn accessors_and_order() {
        let d = Date::new(2016, 8, 1).unwrap();
        assert_eq!((d.year(), d.month(), d.day()), (2016, 8, 1));
        assert!(Date::new(2015, 12, 31).unwrap() < d);
        assert!(Date::new(2016, 7, 31).unwrap() < d);
        assert!(Date::new(2016, 8, 2).unwrap() > d);
    }

    #[test]
    fn strict_text_form() {
        let d: Date = "2019-12-31".parse().unwrap();
        assert_eq!(d, Date::new(2019, 12, 31).unwrap());
        assert_eq!(d.to_string(), "2019-12-31");
        assert_eq!(Date::new(7, 3, 9).unwrap().to_string(), "0007-03-09");
        for bad in [
            "2019-1-31",
            "19-12-31",
            "2019-12-31 ",
            " 2019-12-31",
            "2019/12/31",
            "2019-12-31T00:00:00",
            "+019-12-31",
            "2019-12-3a",
            "2019-02-30",
            "0000-01-01",
            "２０１９-12-31",
            "",
        ] {
            assert!(bad.parse::<Date>().is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn serde_as_string() {
        let d = Date::new(2014, 1, 1).unwrap();
        assert_eq!(serde_json::to_string(&d).unwrap(), "\"2014-01-01\"");
        let back: Date = serde_json::from_str("\"2014-01-01\"").unwrap();
        assert_eq!(back, d);
        assert!(serde_json::from_str::<Date>("\"2014-02-30\"").is_err());
        assert!(serde_json::from_str::<Date>("20140101").is_err());
    }
}
