//! Values a binding could not turn into a [`Value`](crate::Value): a Python `float('nan')`, a dict
//! where a number belongs, an integer beyond `i64`. Like a JSON value of the wrong type, such a
//! value is not an error of the whole call: it is kept on the record as that input's issue and
//! reported when the record is scored, together with the record's other problems, in input
//! declaration order, in the record's own slot of a batch.

use crate::error::{ErrorKind, Issue};
use crate::input::Record;

impl Record {
    /// Mark input `index` as holding a value that could not be read: scoring this record reports
    /// an issue of `kind` (usually [`ErrorKind::InputType`] or [`ErrorKind::InputOutOfRange`]) on
    /// the input, with the offending value as text and `message`. Setting the input again clears
    /// the mark. An index that is not an input is ignored.
    ///
    /// ```
    /// use kaoping::{ErrorKind, Rulebook};
    /// let rb = Rulebook::builtin("example.county-assessment").unwrap();
    /// let mut r = rb.record();
    /// let at = rb.input_index("income_growth").unwrap();
    /// r.set_unreadable_at(at, ErrorKind::InputType, Some("nan".into()), "income_growth = nan: not a finite number".into());
    /// let err = rb.score(&r, &Default::default()).unwrap_err();
    /// assert!(err.issues.iter().any(|i| i.kind == ErrorKind::InputType && i.field.as_deref() == Some("income_growth")));
    /// ```
    pub fn set_unreadable_at(
        &mut self,
        index: usize,
        kind: ErrorKind,
        value: Option<String>,
        message: String,
    ) {
        let Some(input) = self.schema.inputs.get(index) else { return };
        let issue = Issue::input(kind, &input.name, value, message);
        self.values[index] = None;
        self.decode.retain(|(s, _)| *s as usize != index);
        self.decode.push((index as u32, issue));
    }

    /// [`Record::set_unreadable_at`] by input name; returns whether `name` is an input (an unknown
    /// name is remembered as a warning, as [`Record::set`] does).
    pub fn set_unreadable(
        &mut self,
        name: &str,
        kind: ErrorKind,
        value: Option<String>,
        message: String,
    ) -> bool {
        match self.schema.index.get(name) {
            Some(&i) => {
                self.set_unreadable_at(i as usize, kind, value, message);
                true
            }
            None => {
                // Same bookkeeping as an unknown field set any other way.
                self.set(name, false);
                false
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{BatchOptions, ErrorKind, Rulebook, ScoreOptions};

    fn book() -> Rulebook {
        Rulebook::builtin("example.county-assessment").unwrap()
    }

    fn full(rb: &Rulebook) -> crate::Record {
        let mut r = rb.record();
        r.set("county", "示例县");
        r.set("region", "凉山彝区");
        r.set("population", 100_000);
        r.set("poor_population", 3_000);
        r.set("income_growth", 6);
        r.set("sampled", 320);
        r.set("satisfied", 266);
        r.set("expert_marks", vec![7.into(), 8.into(), 9.into()] as Vec<rust_decimal::Decimal>);
        r
    }

    #[test]
    fn reported_with_the_other_issues_in_declaration_order() {
        let rb = book();
        let mut r = full(&rb);
        r.unset("population");
        r.set_unreadable("sampled", ErrorKind::InputOutOfRange, Some("1e40".into()), "too big".into());
        r.set_unreadable("income_growth", ErrorKind::InputType, None, "nan".into());
        let err = rb.score(&r, &ScoreOptions::default()).unwrap_err();
        let got: Vec<(ErrorKind, &str)> =
            err.issues.iter().map(|i| (i.kind, i.field.as_deref().unwrap_or(""))).collect();
        assert_eq!(
            got,
            [
                (ErrorKind::MissingInput, "population"),
                (ErrorKind::InputType, "income_growth"),
                (ErrorKind::InputOutOfRange, "sampled"),
            ]
        );
        assert_eq!(err.issues[2].value.as_deref(), Some("1e40"));
        assert_eq!(err.issues[2].message, "too big");
    }

    #[test]
    fn setting_the_input_again_clears_the_mark() {
        let rb = book();
        let mut r = full(&rb);
        r.set_unreadable("sampled", ErrorKind::InputType, None, "bad".into());
        assert!(rb.score(&r, &ScoreOptions::default()).is_err());
        r.set("sampled", 320);
        assert!(rb.score(&r, &ScoreOptions::default()).is_ok());
    }

    #[test]
    fn a_batch_keeps_it_in_the_rows_slot() {
        let rb = book();
        let good = full(&rb);
        let mut bad = full(&rb);
        assert!(bad.set_unreadable("satisfied", ErrorKind::InputType, None, "bad".into()));
        assert!(!bad.set_unreadable("no_such_input", ErrorKind::InputType, None, "bad".into()));
        assert_eq!(bad.unknown_fields(), ["no_such_input"]);
        let batch = rb.score_batch(&[good, bad], &BatchOptions::default());
        assert!(batch.row(0).is_ok());
        let e = batch.row(1).error().unwrap();
        assert_eq!(
            (e.kind(), e.row, e.first().field.as_deref()),
            (ErrorKind::InputType, Some(2), Some("satisfied"))
        );
    }
}
