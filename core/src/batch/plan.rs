//! What a batch of a rulebook will take, said before scoring: the columnar fast path, or the
//! per-record interpreter for every row, and why (issue: the fast path must never turn off
//! silently).

use crate::Rulebook;

/// How the rows of a batch will be scored ([`Rulebook::batch_plan`]).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct BatchPlan {
    /// Whether rows take the columnar fast path (rows it hands back — a missing optional input,
    /// an error, a left-out indicator — still go through the interpreter, one by one).
    pub fast: bool,
    /// When not: the first thing in the rulebook the fast path does not run, in words
    /// (`"aggregates over lists"`, `"the panel rule"`).
    pub reason: Option<String>,
}

impl std::fmt::Display for BatchPlan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.reason {
            None => f.write_str("columnar fast path"),
            Some(r) => write!(f, "interpreter for every row ({r})"),
        }
    }
}

impl Rulebook {
    /// How a batch of this rulebook will be scored, before scoring it: on the columnar fast path
    /// or through the interpreter for every row, with the reason. Explanations
    /// ([`BatchOptions::explain`](crate::BatchOptions::explain)) always take the interpreter.
    ///
    /// ```
    /// let rb = kaoping::Rulebook::builtin("sc.poverty.household-exit").unwrap();
    /// assert!(rb.batch_plan().fast);
    /// let rb = kaoping::Rulebook::builtin("sc.poverty.village-exit.households").unwrap();
    /// let plan = rb.batch_plan();
    /// assert!(!plan.fast);
    /// assert_eq!(plan.reason.as_deref(), Some("aggregates over lists"));
    /// ```
    pub fn batch_plan(&self) -> BatchPlan {
        let reason = self.plan().unsupported.clone();
        BatchPlan { fast: reason.is_none(), reason }
    }
}
