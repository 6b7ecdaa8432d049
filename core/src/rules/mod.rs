//! The rule kinds of spec §6, one file each: how a rule is read from the file, compiled, checked
//! for every profile, scored for one record (the interpreter) and for a chunk of rows (the batch
//! kernel), and said in words — the [`Kind`] trait. Adding a kind is its file and one line of the
//! `kinds!` list below, which makes the enums and every dispatch over them.

pub mod bands;
pub mod check;
pub mod component;
pub mod count;
pub mod deduct;
pub mod formula;
pub mod items;
pub mod linear;
pub mod lookup;
pub mod panel;
pub mod ratio;
pub mod relative;

use serde::{Deserialize, Serialize};

use rust_decimal::Decimal;

use crate::expr::{CExpr, Fault, ItemRows, Val};
use crate::lang::Lang;
use crate::num::Num;
use crate::num::{Fraction, Rounding};
use crate::range::{NumRange, Reach, RuleNote, Truth};
use crate::read::{Reader, Table};
use crate::scope::{Operand, RuleCx};
use crate::syntax::{Node, Pos};
use crate::vector::{AnyCol, BoolCol, NumCol, not_fixed};

/// One rule kind. Each kind's file implements it for its compiled rule: how the rule is read
/// (`Doc`), compiled, checked for every profile and date, scored for one record (the interpreter)
/// and for a chunk of rows (the batch kernel), and what it reads. Its note says it in words.
/// Adding a kind is its file and one line of `kinds!` (below).
pub trait Kind: Sized {
    /// The rule as read from the file.
    type Doc;
    /// The key that introduces it inside an indicator (`bands = {…}`).
    const KEY: &'static str;

    /// Read `KEY = {…}`, recording every problem in `r`.
    fn read(node: &Node, path: &str, r: &mut Reader) -> Option<Self::Doc>;

    /// Resolve names, compile expressions and operands.
    fn compile(doc: &Self::Doc, cx: &mut RuleCx<'_>) -> Option<Self>;

    /// Score one record; `max` is the indicator's points in the record's profile. When `note`
    /// is given, say how the value was reached.
    fn eval<'r>(
        &'r self,
        run: &impl RecordEnv<'r>,
        max: &Num,
        note: Option<&mut Note>,
    ) -> Result<Leaf, Fault>;

    /// The batch kernel: published points (units) of every row of a chunk, the rows it cannot be
    /// sure of flagged slow. Kinds the batch path does not run flag every row.
    fn units<'a>(&self, env: &impl ChunkEnv<'a>, slow: &mut [bool], _max: i64) -> Vec<i64> {
        not_fixed(slow, env.rows())
    }

    /// Whether the batch path runs it (`Err`: why not, shown by the batch plan).
    fn batch_support(&self) -> Result<(), &'static str> {
        Ok(())
    }

    /// Load-time checks that depend on parameter values, run for each distinct setting of the
    /// parameters its operands read; `get` resolves an operand; problems are (kind, message).
    fn check(&self, _get: &dyn Fn(&Operand) -> Num, _problems: &mut Vec<(crate::ErrorKind, String)>) {}

    /// The expressions it evaluates (to list the values it read in explanations).
    fn exprs(&self) -> Vec<&CExpr> {
        Vec::new()
    }

    /// Every threshold, target and points operand it uses.
    fn operands(&self) -> Vec<&Operand> {
        Vec::new()
    }

    /// The slot of a list input it reads directly.
    fn list_slot(&self) -> Option<u32> {
        None
    }

    /// The text constants it compares with outside its expressions (the batch path interns them).
    fn texts(&self) -> Vec<&str> {
        Vec::new()
    }

    /// What it can give (before the leaf clamp) over every record of one lint case — a profile,
    /// a period of dated parameters — and what it finds about itself on the way (a band no value
    /// reaches). `max` is the indicator's points in the case. The default knows nothing: any
    /// value, or no data, which the leaf clamp turns into [0, max].
    fn range(&self, _env: &impl RangeEnv, _max: &Num, _notes: &mut Vec<RuleNote>) -> NumRange {
        NumRange::any()
    }
}

/// The rule kinds, each as `Variant => module`: the one list that makes the enums of rules as
/// read ([`RuleDoc`]), compiled ([`Rule`]) and explained ([`Note`]), and every dispatch over them.
macro_rules! kinds {
    ($($kind:ident => $module:ident),* $(,)?) => {
        /// The keys that introduce a rule inside an indicator, bonus or penalty item.
        pub const KINDS: &[&str] = &[$(<$module::$kind as Kind>::KEY),*];

        /// A rule as read from the file.
        #[derive(Clone, Debug)]
        pub enum RuleDoc {
            $(
                #[doc = concat!("`", stringify!($module), " = {…}`")]
                $kind($module::Doc),
            )*
        }

        /// A compiled rule.
        #[derive(Clone, Debug)]
        pub enum Rule {
            $(
                #[doc = concat!("A compiled `", stringify!($module), "` rule.")]
                $kind($module::$kind),
            )*
        }

        /// How a rule reached its value, for explanations (serialised in results).
        #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
        #[serde(tag = "kind", rename_all = "snake_case")]
        #[non_exhaustive]
        pub enum Note {
            $(
                #[doc = concat!("How a `", stringify!($module), "` rule reached its value.")]
                $kind($module::Note),
            )*
            /// The rule's input had no data.
            NoData {
                /// The input read.
                input: String,
            },
        }

        fn read_kind(kind: &str, node: &Node, path: &str, r: &mut Reader) -> Option<RuleDoc> {
            $(
                if kind == <$module::$kind as Kind>::KEY {
                    return Some(RuleDoc::$kind(<$module::$kind as Kind>::read(node, path, r)?));
                }
            )*
            None
        }

        impl RuleDoc {
            /// The rule's key.
            pub fn kind(&self) -> &'static str {
                match self {
                    $(RuleDoc::$kind(_) => <$module::$kind as Kind>::KEY,)*
                }
            }
        }

        /// Compile a rule.
        pub fn compile(doc: &RuleDoc, cx: &mut RuleCx<'_>) -> Option<Rule> {
            Some(match doc {
                $(RuleDoc::$kind(d) => Rule::$kind(<$module::$kind as Kind>::compile(d, cx)?),)*
            })
        }

        impl Rule {
            /// The rule's key.
            pub fn kind(&self) -> &'static str {
                match self {
                    $(Rule::$kind(_) => <$module::$kind as Kind>::KEY,)*
                }
            }

            /// See [`Kind::eval`].
            pub fn eval<'r>(&'r self, run: &impl RecordEnv<'r>, max: &Num, note: Option<&mut Note>) -> Result<Leaf, Fault> {
                match self {
                    $(Rule::$kind(r) => r.eval(run, max, note),)*
                }
            }

            /// See [`Kind::units`].
            pub fn units<'a>(&self, env: &impl ChunkEnv<'a>, slow: &mut [bool], max: i64) -> Vec<i64> {
                match self {
                    $(Rule::$kind(r) => r.units(env, slow, max),)*
                }
            }

            /// See [`Kind::batch_support`].
            pub fn batch_support(&self) -> Result<(), &'static str> {
                match self {
                    $(Rule::$kind(r) => r.batch_support(),)*
                }
            }

            /// See [`Kind::check`].
            pub fn check(&self, get: &dyn Fn(&Operand) -> Num, problems: &mut Vec<(crate::ErrorKind, String)>) {
                match self {
                    $(Rule::$kind(r) => r.check(get, problems),)*
                }
            }

            /// See [`Kind::exprs`].
            pub fn exprs(&self) -> Vec<&CExpr> {
                match self {
                    $(Rule::$kind(r) => r.exprs(),)*
                }
            }

            /// See [`Kind::operands`].
            pub fn operands(&self) -> Vec<&Operand> {
                match self {
                    $(Rule::$kind(r) => r.operands(),)*
                }
            }

            /// See [`Kind::list_slot`].
            pub fn list_slot(&self) -> Option<u32> {
                match self {
                    $(Rule::$kind(r) => r.list_slot(),)*
                }
            }

            /// See [`Kind::texts`].
            pub fn texts(&self) -> Vec<&str> {
                match self {
                    $(Rule::$kind(r) => r.texts(),)*
                }
            }

            /// See [`Kind::range`].
            pub fn range(&self, env: &impl RangeEnv, max: &Num, notes: &mut Vec<RuleNote>) -> NumRange {
                match self {
                    $(Rule::$kind(r) => r.range(env, max, notes),)*
                }
            }
        }

        impl Note {
            /// The note in words.
            pub fn words(&self, lang: Lang) -> String {
                match self {
                    $(Note::$kind(n) => n.words(lang),)*
                    Note::NoData { input } => match lang {
                        Lang::Zh => format!("{input} 无数据 → 0 分"),
                        Lang::En => format!("no data for {input} → 0 points"),
                    },
                }
            }
        }
    };
}

kinds! {
    Bands => bands,
    Linear => linear,
    Check => check,
    Count => count,
    Deduct => deduct,
    Ratio => ratio,
    Lookup => lookup,
    Relative => relative,
    Formula => formula,
    Component => component,
    Panel => panel,
    Items => items,
}

/// Read the one rule of an indicator or adjustment item, if it has one. Two rules are a problem.
pub fn read_rule(t: &mut Table<'_>, r: &mut Reader) -> Option<(RuleDoc, Pos)> {
    let present: Vec<&str> = KINDS.iter().copied().filter(|k| t.has(k)).collect();
    if present.len() > 1 {
        r.schema(
            Some(t.pos),
            &t.path,
            format!("a leaf has exactly one rule; found {}", present.join(" and ")),
        );
    }
    let kind = *present.first()?;
    let node = t.take(kind)?;
    let path = format!("{} {kind}", t.path);
    let doc = read_kind(kind, node, &path, r)?;
    Some((doc, node.pos))
}

/// What a rule reads while one record is scored. The per-record interpreter implements it; the
/// rules module only says what it needs, so that rules do not depend on the evaluator that runs
/// them. `'r` is the life of the record and the rulebook being scored.
pub trait RecordEnv<'r> {
    /// Evaluate an expression.
    fn eval(&self, e: &'r CExpr) -> Result<Val<'r>, Fault>;

    /// Evaluate a numeric expression (`None`: no data).
    fn num(&self, e: &'r CExpr) -> Result<Option<Num>, Fault> {
        Ok(match self.eval(e)? {
            Val::Num(n) => Some(n),
            _ => None,
        })
    }

    /// Evaluate a condition (`None`: no data).
    fn truth(&self, e: &'r CExpr) -> Result<Option<bool>, Fault> {
        Ok(match self.eval(e)? {
            Val::Bool(b) => Some(b),
            _ => None,
        })
    }

    /// An operand's value (a parameter in the record's profile, on its date).
    fn operand(&self, op: &Operand) -> Num;

    /// The parameter's name, if the operand is one.
    fn param_name(&self, op: &Operand) -> Option<String>;

    /// The marks of a `numbers` input (`None`: missing).
    fn numbers(&self, slot: u32) -> Option<&'r [Decimal]>;

    /// The items of an `items` input as rows of field values, in list order (`None`: missing).
    fn items(&self, slot: u32) -> Option<&ItemRows<'r>>;

    /// The length of a list input (`None`: missing).
    fn list_len(&self, slot: u32) -> Option<Num>;

    /// The cohort's best value for relative rule `index` (in the record's profile group when
    /// `per_profile`).
    fn cohort_best(&self, index: u32, per_profile: bool) -> Result<Num, Fault>;

    /// Component `index` scored on the same record: its published total and its max.
    fn component(&self, index: u32) -> Result<ComponentTotal<'r>, Fault>;
}

/// What a rule's batch kernel reads while a chunk of rows is scored. The columnar executor
/// implements it; `'a` is the life of the chunk's columns.
pub trait ChunkEnv<'a> {
    /// Rows in the chunk.
    fn rows(&self) -> usize;
    /// How many profiles the rulebook has (the base included): operands are tabled per profile.
    fn profile_count(&self) -> usize;
    /// Each row's profile.
    fn row_profiles(&self) -> &'a [u16];
    /// 10^scale: published points are whole numbers of 10^−scale.
    fn pow(&self) -> i64;
    /// The rulebook's rounding mode.
    fn rounding(&self) -> Rounding;
    /// A numeric expression over the rows.
    fn nums(&self, slow: &mut [bool], e: &CExpr) -> NumCol<'a>;
    /// A condition over the rows.
    fn bools(&self, slow: &mut [bool], e: &CExpr) -> BoolCol<'a>;
    /// An expression of any type over the rows.
    fn values(&self, slow: &mut [bool], e: &CExpr) -> AnyCol<'a>;
    /// An operand (a constant, or a parameter: one value per profile).
    fn operand(&self, op: &Operand) -> NumCol<'a>;
    /// The id of a text constant (texts are compared by id on this path).
    fn text_id(&self, text: &str) -> Option<u32>;
    /// The cohort's best value for relative rule `index` in the chunk's profile group (`None`:
    /// not known, or too large for this path).
    fn cohort_best(&self, index: u32, per_profile: bool) -> Option<Fraction>;
}

/// What a rule's range analysis reads: what expressions, list inputs and components can give
/// over every record of one lint case (a profile, a period of dated parameters), and the case's
/// parameter values. The lint implements it; rules only say what they need.
pub trait RangeEnv {
    /// What an expression can be.
    fn value(&self, e: &CExpr) -> Reach;

    /// What a numeric expression can be.
    fn num(&self, e: &CExpr) -> NumRange {
        self.value(e).num()
    }

    /// What a condition can be.
    fn truth(&self, e: &CExpr) -> Truth {
        self.value(e).truth()
    }

    /// An operand's value in the case.
    fn operand(&self, op: &Operand) -> Num;

    /// How many marks or items a list input can hold (no data: missing).
    fn list_len(&self, slot: u32) -> NumRange;

    /// The marks of a `numbers` input: each one's range (no data: the list is missing).
    fn marks(&self, slot: u32) -> NumRange;

    /// What component `index` can publish as its total, and its max, in the case's profile.
    fn component(&self, index: u32) -> (NumRange, Num);
}

/// A component rulebook's result as its parent's rule uses it.
#[derive(Clone, Debug)]
pub struct ComponentTotal<'r> {
    /// Its id.
    pub id: &'r str,
    /// Its title.
    pub title: &'r str,
    /// Its published total.
    pub total: Num,
    /// Its max in the profile used.
    pub max: Num,
}

/// What a rule gives before the leaf clamp: a value, or no data (0 points, status `no_data`).
#[derive(Clone, Debug, PartialEq)]
pub enum Leaf {
    /// The rule's value.
    Value(Num),
    /// An input the rule reads has no data.
    NoData,
}

/// Turn an optional value (None = no data) into a leaf result, for `?`-style early returns.
macro_rules! value_or_no_data {
    ($e:expr) => {
        match $e {
            Some(v) => v,
            None => return Ok($crate::rules::Leaf::NoData),
        }
    };
}
pub(crate) use value_or_no_data;

/// A quantity a rule multiplies: a number (an expression), or the length of a `numbers` or
/// `items` input (count of awards, of audit findings…).
#[derive(Clone, Debug)]
pub enum Quantity {
    /// A number.
    Number(crate::scope::Expression),
    /// The length of a list input.
    Length {
        /// The input's slot.
        slot: u32,
        /// The input's name.
        name: String,
    },
}

impl Quantity {
    /// Compile `src`: a list input's name means its length, anything else is a numeric expression.
    pub fn compile(src: &crate::read::Text, cx: &mut RuleCx<'_>, what: &str) -> Option<Quantity> {
        match cx.list_input_kind(&src.value) {
            Some((slot, crate::input::InputType::Numbers | crate::input::InputType::Items)) => {
                Some(Quantity::Length { slot, name: src.value.clone() })
            }
            _ => Some(Quantity::Number(cx.expression(src, crate::expr::Type::Num, what)?)),
        }
    }

    /// The value (`None`: no data).
    pub fn eval<'r>(&'r self, run: &impl RecordEnv<'r>) -> Result<Option<Num>, Fault> {
        match self {
            Quantity::Number(e) => run.num(&e.expr),
            Quantity::Length { slot, .. } => Ok(run.list_len(*slot)),
        }
    }

    /// As written.
    pub fn text(&self) -> &str {
        match self {
            Quantity::Number(e) => &e.text,
            Quantity::Length { name, .. } => name,
        }
    }

    /// The expression, for a number.
    pub fn expr(&self) -> Option<&CExpr> {
        match self {
            Quantity::Number(e) => Some(&e.expr),
            Quantity::Length { .. } => None,
        }
    }

    /// What it can be over a lint case.
    pub fn range(&self, env: &impl RangeEnv) -> NumRange {
        match self {
            Quantity::Number(e) => env.num(&e.expr),
            Quantity::Length { slot, .. } => env.list_len(*slot),
        }
    }

    /// The list slot, for a length.
    pub fn list_slot(&self) -> Option<u32> {
        match self {
            Quantity::Length { slot, .. } => Some(*slot),
            Quantity::Number(_) => None,
        }
    }
}

/// Store a note if one was asked for.
pub(crate) fn put(note: Option<&mut Note>, make: impl FnOnce() -> Note) {
    if let Some(slot) = note {
        *slot = make();
    }
}

/// A number for explanations: exact when it terminates within 6 places, else "≈" and rounded.
pub fn show(n: &Num) -> String {
    let (text, exact) = n.to_display(6);
    if exact { text } else { format!("≈{text}") }
}
