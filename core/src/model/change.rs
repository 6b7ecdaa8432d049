//! One change of a variant, in data: which value, in which profile, from which date, becomes
//! what. The text form is what people type (`--set exit_limit=2.5`) and what a variant records:
//!
//! | text | changes |
//! | --- | --- |
//! | `NAME=VALUE` | parameter NAME's base value, on every date (a dated parameter becomes fixed) |
//! | `NAME@PROFILE=VALUE` | NAME's value in PROFILE (replacing that profile's own value, dated or not) |
//! | `NAME:DATE=VALUE`, `NAME@PROFILE:DATE=VALUE` | a dated parameter's value from DATE on (later dates dropped) |
//! | `points.ID=VALUE`, `points.ID@PROFILE=VALUE` | indicator ID's points (分值), in the base or in PROFILE |
//! | `weight.ID=VALUE`, `weight.ID@PROFILE=VALUE` | indicator ID's weight under a weighted parent |
//!
//! Parameter names cannot contain `.`, so `points.…` and `weight.…` never mean a parameter.
//! VALUE is a decimal as a spreadsheet cell holds one (`2.5`, `-3`, `３．５`), kept at its
//! written scale (`30.00` stays `30.00` in the rulebook's text).

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;

use crate::date::Date;

/// What a change sets.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    /// A parameter (`[params]`), by name.
    Param(String),
    /// An indicator's points, by dotted id.
    Points(String),
    /// An indicator's weight, by dotted id.
    Weight(String),
}

impl Target {
    /// The parameter name or indicator id.
    pub fn name(&self) -> &str {
        match self {
            Target::Param(n) | Target::Points(n) | Target::Weight(n) => n,
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Param(n) => f.write_str(n),
            Target::Points(id) => write!(f, "points.{id}"),
            Target::Weight(id) => write!(f, "weight.{id}"),
        }
    }
}

/// One change: `target[@profile][:from]=value`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// What it sets.
    pub target: Target,
    /// In this profile only (`None`: the base value).
    pub profile: Option<String>,
    /// From this date on (dated parameters only).
    pub from: Option<Date>,
    /// The new value.
    pub value: Decimal,
}

impl Change {
    /// Parameter `name`'s base value becomes `value`.
    pub fn param(name: &str, value: Decimal) -> Change {
        Change { target: Target::Param(name.to_owned()), profile: None, from: None, value }
    }

    /// Indicator `id`'s points become `value`.
    pub fn points(id: &str, value: Decimal) -> Change {
        Change { target: Target::Points(id.to_owned()), profile: None, from: None, value }
    }

    /// Indicator `id`'s weight becomes `value`.
    pub fn weight(id: &str, value: Decimal) -> Change {
        Change { target: Target::Weight(id.to_owned()), profile: None, from: None, value }
    }

    /// The same change, in `profile` only.
    pub fn in_profile(mut self, profile: &str) -> Change {
        self.profile = Some(profile.to_owned());
        self
    }

    /// The same change, from `date` on (for dated parameters).
    pub fn from_date(mut self, date: Date) -> Change {
        self.from = Some(date);
        self
    }

    /// A change from its key (`inc_good@高原藏区`, `points.funds`, `exit_limit:2020-01-01`) and its
    /// value as text (`3`, `2.5`; full-width digits read as ASCII).
    pub fn from_key_value(key: &str, value: &str) -> Result<Change, ChangeError> {
        let whole = || format!("{}={}", key.trim(), value.trim());
        let value = crate::num::parse_decimal_text(value).map_err(|e| ChangeError {
            change: whole(),
            message: format!("`{}` is not a number: {e}", value.trim()),
        })?;
        let mut key = key.trim();
        let mut from = None;
        if let Some(colon) = key.rfind(':')
            && let Ok(date) = key[colon + 1..].trim().parse::<Date>()
        {
            from = Some(date);
            key = key[..colon].trim_end();
        }
        let (name, profile) = match key.find('@') {
            Some(at) => (key[..at].trim(), Some(key[at + 1..].trim())),
            None => (key, None),
        };
        let fail = |message: String| ChangeError { change: whole(), message };
        if profile == Some("") {
            return Err(fail("the profile after `@` is empty".into()));
        }
        let target = if let Some(id) = name.strip_prefix("points.") {
            Target::Points(id.to_owned())
        } else if let Some(id) = name.strip_prefix("weight.") {
            Target::Weight(id.to_owned())
        } else if crate::read::is_name(name) {
            Target::Param(name.to_owned())
        } else if name.is_empty() {
            return Err(fail(format!("nothing to change before `=`; {FORMS}")));
        } else {
            return Err(fail(format!("`{name}` is not a parameter name; {FORMS}")));
        };
        if target.name().is_empty() {
            return Err(fail(format!("no indicator id after `{name}`; {FORMS}")));
        }
        if from.is_some() && !matches!(target, Target::Param(_)) {
            return Err(fail("points and weights are not dated: leave out the `:DATE`".into()));
        }
        Ok(Change { target, profile: profile.map(str::to_owned), from, value })
    }

    /// What the change sets, without the value: `inc_good@高原藏区`, `exit_limit:2020-01-01`.
    /// Two changes with the same key set the same value.
    pub fn key(&self) -> String {
        let mut k = self.target.to_string();
        if let Some(p) = &self.profile {
            k.push('@');
            k.push_str(p);
        }
        if let Some(d) = self.from {
            k.push(':');
            k.push_str(&d.to_string());
        }
        k
    }
}

const FORMS: &str = "a change is NAME=VALUE, NAME@PROFILE=VALUE, NAME:DATE=VALUE, points.ID=VALUE or \
                     weight.ID=VALUE (a profile after @ in each)";

impl fmt::Display for Change {
    /// The text form, which [`Change::from_str`] reads back.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.key(), self.value)
    }
}

impl FromStr for Change {
    type Err = ChangeError;

    /// `KEY=VALUE` (split at the last `=`); see the module docs for the keys.
    fn from_str(s: &str) -> Result<Change, ChangeError> {
        match s.rfind('=') {
            Some(eq) => Change::from_key_value(&s[..eq], &s[eq + 1..]),
            None => Err(ChangeError { change: s.trim().to_owned(), message: format!("no `=`; {FORMS}") }),
        }
    }
}

/// A change that cannot be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("change `{change}`: {message}")]
pub struct ChangeError {
    /// The change as given.
    pub change: String,
    /// What is wrong.
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn every_form_reads_and_prints_back() {
        let cases = [
            ("exit_limit=2.5", Change::param("exit_limit", d("2.5"))),
            ("inc_good@高原藏区=3", Change::param("inc_good", d("3")).in_profile("高原藏区")),
            (
                "exit_limit@片区外:2020-01-01=2",
                Change::param("exit_limit", d("2"))
                    .in_profile("片区外")
                    .from_date(Date::new(2020, 1, 1).unwrap()),
            ),
            ("points.reduction.income=25.00", Change::points("reduction.income", d("25.00"))),
            ("weight.a.b@X=-1", Change::weight("a.b", d("-1")).in_profile("X")),
        ];
        for (text, change) in cases {
            assert_eq!(text.parse::<Change>().unwrap(), change, "{text}");
            assert_eq!(change.to_string(), text);
        }
        // Spaces around the parts, full-width digits, a profile with spaces inside.
        let c: Change = " inc_good @ 高原 藏区 = ３．５ ".parse().unwrap();
        assert_eq!(c.to_string(), "inc_good@高原 藏区=3.5");
        // A profile whose name ends like a date-less colon stays a profile.
        let c: Change = "a@x:y=1".parse().unwrap();
        assert_eq!(c.profile.as_deref(), Some("x:y"));
        assert_eq!(c.from, None);
    }

    #[test]
    fn malformed_changes_name_themselves() {
        for (text, needle) in [
            ("exit_limit", "no `=`"),
            ("exit_limit=abc", "`abc` is not a number"),
            ("exit_limit=", "is not a number"),
            ("=3", "nothing to change"),
            ("a.b=3", "`a.b` is not a parameter name"),
            ("points.=3", "no indicator id"),
            ("a@=3", "profile after `@` is empty"),
            ("points.x:2020-01-01=3", "not dated"),
            ("exit_limit=1,5", "not a number"),
            ("exit_limit=nan", "not a number"),
        ] {
            let e = text.parse::<Change>().unwrap_err();
            assert!(e.to_string().contains(needle), "{text}: {e}");
            assert!(e.to_string().starts_with("change `"), "{e}");
        }
    }
}
