//! The JSON Schema (draft 2020-12) of the rulebook format (spec §0–§13), for editors: VS Code and
//! Taplo (Even Better TOML) use it to complete keys and flag mistakes while a rulebook is written.
//!
//! The loader reads rulebooks by hand from the document tree (`model`), not through serde, so this
//! schema is written from the same key lists the loader accepts: the rule kinds come from the
//! engine's own list (`rules::KINDS`), and tests check that the top-level sections and indicator
//! keys are the loader's, validate every built-in rulebook against it, and check that documents the
//! loader refuses for their shape are refused here too; `core/tests/docs_blocks.rs` checks that
//! `docs/format.md` names every key it knows. The schema describes shape only: names that resolve, points that add up, band order
//! and the like are checked by loading (`kaoping check`), which reports them with line and column.

use serde_json::{Value, json};

/// The `$id` of the schema.
pub const SCHEMA_ID: &str = "urn:kaoping:rulebook-schema:1";

/// The JSON Schema of the rulebook format, as pretty-printed JSON.
///
/// ```
/// let schema: serde_json::Value = serde_json::from_str(&kaoping::schema::rulebook_json_schema()).unwrap();
/// assert_eq!(schema["required"][0], "rulebook");
/// ```
pub fn rulebook_json_schema() -> String {
    serde_json::to_string_pretty(&schema()).unwrap_or_default()
}

fn string(description: &str) -> Value {
    json!({ "type": "string", "description": description })
}

fn number(description: &str) -> Value {
    json!({ "$ref": "#/$defs/number", "description": description })
}

fn operand(description: &str) -> Value {
    json!({ "$ref": "#/$defs/operand", "description": description })
}

fn text_list(description: &str) -> Value {
    json!({ "type": "array", "items": { "type": "string" }, "description": description })
}

/// Every rule kind of spec §6, keyed as it is written inside an indicator, bonus or penalty item.
fn rules() -> serde_json::Map<String, Value> {
    let input = || string("The value the rule reads: an input, parameter or derived name, or an expression.");
    let mut m = serde_json::Map::new();
    let bands_list = |cmp: &str| {
        json!({
            "type": "array",
            "minItems": 1,
            "items": { "$ref": "#/$defs/pair" },
            "description": format!("[threshold, points] pairs; the first band whose test (value {cmp} threshold) holds gives its points.")
        })
    };
    m.insert(
        "bands".into(),
        json!({
            "type": "object",
            "description": "Points by bands of a value: exactly one of at_most (≤, thresholds increasing), below (<), at_least (≥, decreasing), above (>); `else` when no band holds.",
            "properties": {
                "input": input(),
                "at_most": bands_list("≤"),
                "below": bands_list("<"),
                "at_least": bands_list("≥"),
                "above": bands_list(">"),
                "else": operand("Points when no band holds (required).")
            },
            "required": ["input", "else"],
            "oneOf": [
                { "required": ["at_most"] },
                { "required": ["below"] },
                { "required": ["at_least"] },
                { "required": ["above"] }
            ],
            "additionalProperties": false
        }),
    );
    m.insert(
        "linear".into(),
        json!({
            "type": "object",
            "description": "p0 + (v − x0)(p1 − p0)/(x1 − x0), clamped between p0 and p1.",
            "properties": {
                "input": input(),
                "from": { "$ref": "#/$defs/pair", "description": "[x0, p0]" },
                "to": { "$ref": "#/$defs/pair", "description": "[x1, p1]" }
            },
            "required": ["input", "from", "to"],
            "additionalProperties": false
        }),
    );
    m.insert(
        "check".into(),
        json!({
            "type": "object",
            "description": "`points` (default: the indicator's) if the condition holds, else `else` (default 0).",
            "properties": {
                "when": string("The condition (an expression)."),
                "points": operand("Points when it holds."),
                "else": operand("Points otherwise.")
            },
            "required": ["when"],
            "additionalProperties": false
        }),
    );
    m.insert(
        "count".into(),
        json!({
            "type": "object",
            "description": "n × each; n is a number, or the length of an items list.",
            "properties": { "input": input(), "each": operand("Points per unit counted.") },
            "required": ["input"],
            "additionalProperties": false
        }),
    );
    m.insert(
        "deduct".into(),
        json!({
            "type": "object",
            "description": "max(points − n × each, floor).",
            "properties": {
                "input": input(),
                "each": operand("Points deducted per fault."),
                "floor": operand("The lowest the points go (default 0).")
            },
            "required": ["input"],
            "additionalProperties": false
        }),
    );
    m.insert(
        "ratio".into(),
        json!({
            "type": "object",
            "description": "min(max(v / target, 0), 1) × points.",
            "properties": {
                "input": input(),
                "target": { "type": ["string", "number"], "description": "A number, a name or an expression." }
            },
            "required": ["input", "target"],
            "additionalProperties": false
        }),
    );
    m.insert(
        "lookup".into(),
        json!({
            "type": "object",
            "description": "Points from a table by key; unknown key → `else`, or LookupMiss without it.",
            "properties": {
                "input": input(),
                "table": { "type": "object", "additionalProperties": { "$ref": "#/$defs/operand" }, "description": "key = points" },
                "else": operand("Points for a key not in the table.")
            },
            "required": ["input", "table"],
            "additionalProperties": false
        }),
    );
    m.insert(
        "relative".into(),
        json!({
            "type": "object",
            "description": "Against the cohort's best: max → v / best × points; min (cost type) → best / v × points.",
            "properties": {
                "input": input(),
                "best": { "enum": ["max", "min"], "description": "Default max." },
                "within": { "enum": ["all", "profile"], "description": "Cohort: all rows (default) or the row's profile." }
            },
            "required": ["input"],
            "additionalProperties": false
        }),
    );
    m.insert("formula".into(), string("An expression whose value is the points."));
    m.insert(
        "component".into(),
        json!({
            "type": "object",
            "description": "Another rulebook's published total / its max × points.",
            "properties": { "rulebook": string("The component rulebook's id.") },
            "required": ["rulebook"],
            "additionalProperties": false
        }),
    );
    m.insert(
        "panel".into(),
        json!({
            "type": "object",
            "description": "Marks of several evaluators (专家打分) mapped 0..scale_max onto 0..points.",
            "properties": {
                "input": string("A numbers input holding the marks."),
                "method": { "enum": ["mean", "median", "trimmed_mean"], "description": "Default mean." },
                "trim": { "type": "integer", "minimum": 0, "maximum": 1000, "description": "Marks dropped at each end by trimmed_mean (default 1)." },
                "scale_max": number("The top of the marking scale (default: the indicator's points)."),
                "max_spread": number("A spread (max − min) above this is flagged.")
            },
            "required": ["input"],
            "additionalProperties": false
        }),
    );
    m.insert(
        "items".into(),
        json!({
            "type": "object",
            "description": "Each item looked up in a nested table by its key fields; best per group, caps per group; the sum.",
            "properties": {
                "input": string("An items input."),
                "keys": text_list("The item fields that index the table, outermost first."),
                "table": { "$ref": "#/$defs/items_table" },
                "else": operand("Points for an item not in the table."),
                "best_per": string("Keep only the highest-valued item per value of this field."),
                "cap_per": {
                    "type": "object",
                    "properties": { "field": string("The field that groups items."), "cap": operand("The cap of each group's sum.") },
                    "required": ["field", "cap"],
                    "additionalProperties": false
                }
            },
            "required": ["input", "keys", "table"],
            "additionalProperties": false
        }),
    );
    // The engine's list of rule kinds decides which rules the schema has, in its order: a kind
    // described nowhere above still appears (as an open table, so the schema never refuses a
    // rulebook the loader accepts), and `rule_kinds_and_keys_are_the_loaders` fails until it is.
    crate::rules::KINDS
        .iter()
        .map(|k| (k.to_string(), m.remove(*k).unwrap_or_else(|| json!({ "type": "object" }))))
        .collect()
}

fn with_rules(mut props: serde_json::Map<String, Value>) -> Value {
    props.extend(rules());
    Value::Object(props)
}

fn schema() -> Value {
    let indicator_props = with_rules(
        json!({
            "id": string("Dotted id: `reduction.incidence` is a child of `reduction`."),
            "label": string("The indicator's name."),
            "points": number("Its maximum (分值)."),
            "weight": number("Its weight under a weighted parent."),
            "aggregate": { "enum": ["sum", "weighted"], "description": "How children combine (default sum)." },
            "applies": string("Condition; when false the indicator is left out and its parent rescaled (缺项折算)."),
            "source": string("The clause it implements, shown in every explanation."),
            "description": string("Description.")
        })
        .as_object()
        .cloned()
        .unwrap_or_default(),
    );
    let adjust_props = with_rules(
        json!({
            "id": string("Id."),
            "label": string("Label."),
            "points": number("The item's maximum."),
            "source": string("The clause it implements."),
            "description": string("Description.")
        })
        .as_object()
        .cloned()
        .unwrap_or_default(),
    );
    let adjust_item = json!({
        "type": "object",
        "properties": adjust_props,
        "required": ["id", "points"],
        "additionalProperties": false
    });
    let rulebook_section = json!({
        "type": "object",
        "description": "Identity and global settings.",
        "properties": {
            "id": { "type": "string", "pattern": "^\\S+$", "description": "Stable id, used by builtin:<id> and in results." },
            "title": string("Title shown in results."),
            "version": { "type": ["string", "number"], "description": "Version of the scheme." },
            "source": string("The document it implements."),
            "description": string("What the scheme is for."),
            "notes": string("Free notes (e.g. which parts are official)."),
            "illustrative": { "type": "boolean", "description": "An illustrative example (示例方案), not an official table." },
            "as_of": { "$ref": "#/$defs/date", "description": "Default scoring date for dated parameters." },
            "scale": { "type": "integer", "minimum": 0, "maximum": 10, "description": "Decimal places of published points (default 2)." },
            "rounding": { "enum": ["half_up", "half_even", "down", "up", "floor", "ceiling"], "description": "Rounding mode (default half_up, 四舍五入)." },
            "round": { "enum": ["each", "total_only"], "description": "Round every step (default) or only the total." },
            "profile_field": string("The text input that names a record's profile."),
            "key_field": string("The input that names a record in results and errors."),
            "max": number("The declared maximum; must equal the sum of the top-level indicators."),
            "variant_of": {
                "type": "object",
                "description": "This rulebook is a variant of another, made by changes (kaoping --set, Rulebook::with_params).",
                "properties": {
                    "id": string("The base rulebook's id."),
                    "version": string("The base rulebook's version."),
                    "fingerprint": { "type": "string", "pattern": "^[0-9a-f]{64}$", "description": "The base rulebook's fingerprint (SHA-256)." },
                    "changes": text_list("The changes in order: NAME=VALUE, NAME@PROFILE=VALUE, NAME:DATE=VALUE, points.ID=VALUE, weight.ID=VALUE.")
                },
                "required": ["id", "version", "fingerprint", "changes"],
                "additionalProperties": false
            },
            "provenance": {
                "type": "array",
                "description": "How values written into the rulebook were obtained (AHP, entropy… weights).",
                "items": {
                    "type": "object",
                    "properties": {
                        "method": string("How the values were obtained: ahp, entropy, cv…"),
                        "node": string("The indicator whose children received the values (absent: the top level)."),
                        "written_as": { "enum": ["points", "weights"], "description": "What the values were written as." },
                        "date": { "$ref": "#/$defs/date", "description": "When they were derived." },
                        "input_fingerprint": { "type": "string", "pattern": "^[0-9a-f]{64}$", "description": "SHA-256 of the pairwise matrix or cohort." },
                        "settings": { "type": "object", "additionalProperties": { "type": ["string", "number", "boolean"] }, "description": "The method's settings and figures." }
                    },
                    "required": ["method"],
                    "additionalProperties": false
                }
            }
        },
        "required": ["id"],
        "additionalProperties": false
    });
    let profiles_section = json!({
        "type": "object",
        "description": "Declared profiles (片区/类别), each may override indicator points or weights.",
        "additionalProperties": {
            "type": "object",
            "properties": {
                "label": string("Label."),
                "description": string("Description."),
                "points": { "type": "object", "additionalProperties": { "$ref": "#/$defs/number" }, "description": "indicator id = points" },
                "weights": { "type": "object", "additionalProperties": { "$ref": "#/$defs/number" }, "description": "indicator id = weight" }
            },
            "additionalProperties": false
        }
    });
    let inputs_section = json!({
        "type": "object",
        "description": "What each unit reports.",
        "propertyNames": { "$ref": "#/$defs/name" },
        "additionalProperties": {
            "type": "object",
            "properties": {
                "type": { "enum": ["decimal", "integer", "boolean", "text", "numbers", "items"] },
                "label": string("Label, also matched against column headers (中文列名)."),
                "unit": string("Unit."),
                "description": string("Description."),
                "min": number("Inclusive lower bound (per mark for numbers)."),
                "max": number("Inclusive upper bound."),
                "values": text_list("Allowed values (text inputs)."),
                "default": { "type": ["number", "string", "boolean", "array"], "items": { "type": ["number", "string"] }, "description": "Value when missing: a number, text or boolean; for a numbers input a list of marks; for an items input only [] (no items)." },
                "required": { "type": "boolean", "description": "Whether a missing value is an error (default true); else no data." },
                "fields": {
                    "type": "object",
                    "description": "Fields of an items input: name = type, or name = { type, label } (the label matches a child table's column).",
                    "additionalProperties": {
                        "anyOf": [
                            { "enum": ["decimal", "integer", "boolean", "text"] },
                            {
                                "type": "object",
                                "properties": {
                                    "type": { "enum": ["decimal", "integer", "boolean", "text"] },
                                    "label": string("Label, matched against a child table's column headers.")
                                },
                                "required": ["type"],
                                "additionalProperties": false
                            }
                        ]
                    }
                },
                "rulebook": string("Items scored by this rulebook (its id): each item is a record of it, with its inputs, derived values and result as fields (spec §18.2). Not with `fields`."),
                "join": string("The child table's column (header) holding the parent's key, when items come as a table (spec §18.5). Default: the column named like the parent's key_field or its label."),
                "order_by": string("The field the items are sorted by, ascending and stable, before any rule or aggregate reads them (spec §18.4)."),
                "actionable": { "type": "boolean", "description": "Whether the unit can change it (default true). Advice (整改建议, kaoping advise) never suggests changing an input with actionable = false (population, region…)." }
            },
            "required": ["type"],
            "additionalProperties": false
        }
    });
    let params_section = json!({
        "type": "object",
        "description": "Parameters: fixed, dated, per profile.",
        "propertyNames": { "$ref": "#/$defs/name" },
        "additionalProperties": {
            "anyOf": [
                { "$ref": "#/$defs/number" },
                {
                    "type": "object",
                    "properties": {
                        "value": { "$ref": "#/$defs/number" },
                        "dated": { "$ref": "#/$defs/dated" },
                        "profiles": { "type": "object", "additionalProperties": { "$ref": "#/$defs/param_value" } },
                        "label": string("Label."),
                        "unit": string("Unit."),
                        "description": string("Description.")
                    },
                    "oneOf": [ { "required": ["value"] }, { "required": ["dated"] } ],
                    "additionalProperties": false
                }
            ]
        }
    });
    let derived_section = json!({
        "type": "object",
        "description": "Values computed from inputs and parameters (expressions).",
        "propertyNames": { "$ref": "#/$defs/name" },
        "additionalProperties": {
            "anyOf": [
                string("The expression."),
                {
                    "type": "object",
                    "properties": {
                        "expr": string("The expression."),
                        "label": string("Label."),
                        "unit": string("Unit."),
                        "description": string("Description.")
                    },
                    "required": ["expr"],
                    "additionalProperties": false
                }
            ]
        }
    });
    let indicator_section = json!({
        "type": "array",
        "description": "The indicator tree in presentation order; a leaf has exactly one rule.",
        "items": {
            "type": "object",
            "properties": indicator_props,
            "required": ["id", "label", "points"],
            "additionalProperties": false
        }
    });
    let bonus_section =
        json!({ "type": "array", "items": adjust_item.clone(), "description": "Bonus items (加分)." });
    let penalty_section =
        json!({ "type": "array", "items": adjust_item, "description": "Penalty items (扣分)." });
    let adjust_section = json!({
        "type": "object",
        "properties": {
            "bonus_cap": number("Cap on the bonus sum."),
            "penalty_cap": number("Cap on the penalty sum."),
            "allow_above_max": { "type": "boolean", "description": "Lift the upper clamp of the total." }
        },
        "additionalProperties": false
    });
    let veto_section = json!({
        "type": "array",
        "description": "Vetoes (一票否决).",
        "items": {
            "type": "object",
            "properties": {
                "id": string("Id."),
                "label": string("Label."),
                "when": string("The condition under which it fires."),
                "score": operand("The total it sets."),
                "grade": string("The grade ceiling it sets."),
                "source": string("The clause it implements."),
                "description": string("Description.")
            },
            "required": ["id", "when"],
            "additionalProperties": false
        }
    });
    let criterion_section = json!({
        "type": "array",
        "description": "Criteria (达标条件): every one must hold to pass.",
        "items": {
            "type": "object",
            "properties": {
                "id": string("Id."),
                "label": string("Label."),
                "when": string("The condition that must hold."),
                "source": string("The clause it implements."),
                "description": string("Description.")
            },
            "required": ["id", "when"],
            "additionalProperties": false
        }
    });
    let grade_section = json!({
        "type": "array",
        "description": "Grades (等次), best first; bounds strictly decrease; the last has no bound.",
        "items": {
            "type": "object",
            "properties": {
                "label": string("The grade."),
                "at_least": operand("total ≥ bound"),
                "above": operand("total > bound"),
                "description": string("Description.")
            },
            "required": ["label"],
            "not": { "required": ["at_least", "above"] },
            "additionalProperties": false
        }
    });
    let grade_rule_section = json!({
        "type": "array",
        "description": "Grade ceilings by condition.",
        "items": {
            "type": "object",
            "properties": {
                "label": string("Label."),
                "when": string("The condition."),
                "grade_at_most": string("The ceiling."),
                "source": string("The clause it implements.")
            },
            "required": ["when", "grade_at_most"],
            "additionalProperties": false
        }
    });
    let test_section = json!({
        "type": "array",
        "description": "Embedded test cases, run by `kaoping test`.",
        "items": {
            "type": "object",
            "properties": {
                "name": string("Name."),
                "record": { "type": "object", "description": "The record: field = value." },
                "profile": string("Profile argument."),
                "as_of": { "$ref": "#/$defs/date" },
                "cohort": { "type": "object", "additionalProperties": { "$ref": "#/$defs/number" }, "description": "indicator id = cohort best" },
                "expect": {
                    "type": "object",
                    "properties": {
                        "total": { "$ref": "#/$defs/number" },
                        "max": { "$ref": "#/$defs/number" },
                        "base": { "$ref": "#/$defs/number" },
                        "bonus": { "$ref": "#/$defs/number" },
                        "penalty": { "$ref": "#/$defs/number" },
                        "grade": { "type": "string" },
                        "passed": { "type": "boolean" },
                        "points": { "type": "object", "additionalProperties": { "$ref": "#/$defs/number" } },
                        "status": { "type": "object", "additionalProperties": { "enum": ["scored", "no_data", "not_applicable"] } },
                        "vetoes": text_list("Ids of the vetoes that fire, in order."),
                        "criteria": { "type": "object", "additionalProperties": { "type": "boolean" } },
                        "error": { "enum": crate::ErrorKind::ALL.iter().map(|k| k.name()).collect::<Vec<_>>() }
                    },
                    "additionalProperties": false
                }
            },
            "required": ["record", "expect"],
            "additionalProperties": false
        }
    });
    let defs = json!({
        "number": {
            "description": "A number, or a string holding one (for more than 15 significant digits).",
            "anyOf": [
                { "type": "number" },
                { "type": "string", "pattern": "^\\s*[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?\\s*$" }
            ]
        },
        "name": {
            "type": "string",
            "description": "A name usable in expressions: letters (any script), digits and _, not starting with a digit.",
            "pattern": "^[^\\s0-9!-/:-@\\[-^`{-~][^\\s!-/:-@\\[-^`{-~]*$"
        },
        "operand": {
            "description": "A number or a parameter name.",
            "anyOf": [ { "$ref": "#/$defs/number" }, { "$ref": "#/$defs/name" } ]
        },
        "pair": {
            "type": "array",
            "minItems": 2,
            "maxItems": 2,
            "items": { "$ref": "#/$defs/operand" }
        },
        "date": { "type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" },
        "dated": {
            "type": "object",
            "description": "date = value: the value from that date on.",
            "propertyNames": { "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" },
            "additionalProperties": { "$ref": "#/$defs/number" }
        },
        "param_value": {
            "anyOf": [
                { "$ref": "#/$defs/number" },
                {
                    "type": "object",
                    "properties": { "value": { "$ref": "#/$defs/number" }, "dated": { "$ref": "#/$defs/dated" } },
                    "oneOf": [ { "required": ["value"] }, { "required": ["dated"] } ],
                    "additionalProperties": false
                }
            ]
        },
        "items_table": {
            "type": "object",
            "description": "Nested by the item keys, outermost first; leaves are points.",
            "additionalProperties": { "anyOf": [ { "$ref": "#/$defs/operand" }, { "$ref": "#/$defs/items_table" } ] }
        }
    });
    let mut properties = serde_json::Map::new();
    properties.insert("rulebook".into(), rulebook_section);
    properties.insert("profiles".into(), profiles_section);
    properties.insert("inputs".into(), inputs_section);
    properties.insert("params".into(), params_section);
    properties.insert("derived".into(), derived_section);
    properties.insert("indicator".into(), indicator_section);
    properties.insert("bonus".into(), bonus_section);
    properties.insert("penalty".into(), penalty_section);
    properties.insert("adjust".into(), adjust_section);
    properties.insert("veto".into(), veto_section);
    properties.insert("criterion".into(), criterion_section);
    properties.insert("grade".into(), grade_section);
    properties.insert("grade_rule".into(), grade_rule_section);
    properties.insert("test".into(), test_section);
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "kaoping rulebook",
        "description": "A kaoping rulebook (考核方案): inputs, parameters, derived values, indicators and their rules, bonus and penalty, vetoes, criteria, grades and embedded tests. Shape only: load it (`kaoping check`) for the full validation.",
        "type": "object",
        "properties": properties,
        "required": ["rulebook"],
        "additionalProperties": false,
        "$defs": defs
    })
}

#[cfg(test)]
mod tests {
    //! A small validator for the keywords the schema uses (and a check that it uses no others),
    //! then every built-in rulebook and the benchmark rulebook validated, and documents the
    //! loader refuses for their shape refused here too.

    use super::*;
    use crate::syntax::{self, Format, Node, Value as NodeValue};

    const KEYWORDS: &[&str] = &[
        "type",
        "properties",
        "required",
        "additionalProperties",
        "propertyNames",
        "items",
        "minItems",
        "maxItems",
        "enum",
        "oneOf",
        "anyOf",
        "not",
        "$ref",
        "pattern",
        "minimum",
        "maximum",
        // Annotations (no effect on validity).
        "$schema",
        "$id",
        "$defs",
        "title",
        "description",
        "format",
    ];

    /// Every keyword in the schema is one the validator applies (or an annotation).
    fn keywords_known(s: &Value, at: &str) {
        let Value::Object(m) = s else { return };
        for (k, v) in m {
            assert!(KEYWORDS.contains(&k.as_str()), "unsupported keyword `{k}` at {at}");
            let here = format!("{at}/{k}");
            match k.as_str() {
                "properties" | "$defs" => {
                    for (name, sub) in v.as_object().unwrap() {
                        keywords_known(sub, &format!("{here}/{name}"));
                    }
                }
                "oneOf" | "anyOf" => {
                    for sub in v.as_array().unwrap() {
                        keywords_known(sub, &here);
                    }
                }
                "items" | "not" | "additionalProperties" | "propertyNames" => keywords_known(v, &here),
                _ => {}
            }
        }
    }

    struct Validator<'s> {
        root: &'s Value,
    }

    impl Validator<'_> {
        fn resolve<'a>(&'a self, r: &str) -> &'a Value {
            let name = r.strip_prefix("#/$defs/").expect("local $ref");
            &self.root["$defs"][name]
        }

        /// Errors of `v` against schema `s`, with their JSON paths.
        fn errors(&self, s: &Value, v: &Value, at: &str, out: &mut Vec<String>) {
            let Value::Object(m) = s else { return };
            if let Some(Value::String(r)) = m.get("$ref") {
                self.errors(self.resolve(r), v, at, out);
            }
            if let Some(t) = m.get("type") {
                let types: Vec<&str> = match t {
                    Value::String(x) => vec![x.as_str()],
                    Value::Array(xs) => xs.iter().filter_map(Value::as_str).collect(),
                    _ => vec![],
                };
                let ok = types.iter().any(|t| match *t {
                    "object" => v.is_object(),
                    "array" => v.is_array(),
                    "string" => v.is_string(),
                    "number" => v.is_number(),
                    "integer" => v.as_f64().is_some_and(|f| f.fract() == 0.0),
                    "boolean" => v.is_boolean(),
                    "null" => v.is_null(),
                    other => panic!("unknown type {other}"),
                });
                if !ok {
                    out.push(format!("{at}: expected {types:?}, found {v}"));
                    return;
                }
            }
            if let Some(Value::Array(allowed)) = m.get("enum")
                && !allowed.contains(v)
            {
                out.push(format!("{at}: {v} is not one of {allowed:?}"));
            }
            if let (Some(Value::String(p)), Value::String(text)) = (m.get("pattern"), v)
                && !regex::Regex::new(p).unwrap().is_match(text)
            {
                out.push(format!("{at}: {text:?} does not match {p}"));
            }
            if let Some(n) = v.as_f64() {
                if m.get("minimum").and_then(Value::as_f64).is_some_and(|lo| n < lo) {
                    out.push(format!("{at}: {n} is below the minimum"));
                }
                if m.get("maximum").and_then(Value::as_f64).is_some_and(|hi| n > hi) {
                    out.push(format!("{at}: {n} is above the maximum"));
                }
            }
            if let Value::Array(items) = v {
                if m.get("minItems").and_then(Value::as_u64).is_some_and(|k| (items.len() as u64) < k) {
                    out.push(format!("{at}: too few items"));
                }
                if m.get("maxItems").and_then(Value::as_u64).is_some_and(|k| (items.len() as u64) > k) {
                    out.push(format!("{at}: too many items"));
                }
                if let Some(item) = m.get("items") {
                    for (i, x) in items.iter().enumerate() {
                        self.errors(item, x, &format!("{at}[{i}]"), out);
                    }
                }
            }
            if let Value::Object(obj) = v {
                if let Some(Value::Array(req)) = m.get("required") {
                    for r in req.iter().filter_map(Value::as_str) {
                        if !obj.contains_key(r) {
                            out.push(format!("{at}: missing `{r}`"));
                        }
                    }
                }
                let props = m.get("properties").and_then(Value::as_object);
                for (k, x) in obj {
                    let here = format!("{at}.{k}");
                    if let Some(names) = m.get("propertyNames") {
                        self.errors(names, &Value::String(k.clone()), &format!("{here} (name)"), out);
                    }
                    match (props.and_then(|p| p.get(k)), m.get("additionalProperties")) {
                        (Some(sub), _) => self.errors(sub, x, &here, out),
                        (None, Some(Value::Bool(false))) => out.push(format!("{here}: unknown key")),
                        (None, Some(extra)) => self.errors(extra, x, &here, out),
                        (None, None) => {}
                    }
                }
            }
            let passes = |sub: &Value| {
                let mut e = Vec::new();
                self.errors(sub, v, at, &mut e);
                e.is_empty()
            };
            if let Some(Value::Array(subs)) = m.get("anyOf")
                && !subs.iter().any(passes)
            {
                out.push(format!("{at}: matches none of anyOf"));
            }
            if let Some(Value::Array(subs)) = m.get("oneOf") {
                let n = subs.iter().filter(|s| passes(s)).count();
                if n != 1 {
                    out.push(format!("{at}: matches {n} of oneOf (needs exactly 1)"));
                }
            }
            if let Some(sub) = m.get("not")
                && passes(sub)
            {
                out.push(format!("{at}: matches `not`"));
            }
        }
    }

    /// A rulebook document as the JSON it stands for (dates become "YYYY-MM-DD" strings).
    fn to_json(n: &Node) -> Value {
        match &n.value {
            NodeValue::Table(entries) => {
                Value::Object(entries.iter().map(|e| (e.key.clone(), to_json(&e.value))).collect())
            }
            NodeValue::Array(items) => Value::Array(items.iter().map(to_json).collect()),
            NodeValue::String(s) => Value::String(s.clone()),
            NodeValue::Integer(s) | NodeValue::Float(s) => serde_json::from_str(s).expect("a JSON number"),
            NodeValue::Bool(b) => Value::Bool(*b),
            NodeValue::Date(d) => Value::String(d.to_string()),
            NodeValue::Null => Value::Null,
        }
    }

    fn validate(text: &str, format: Format) -> Vec<String> {
        let schema: Value = serde_json::from_str(&rulebook_json_schema()).unwrap();
        let doc = to_json(&syntax::parse(text, format).expect("parses"));
        let mut out = Vec::new();
        Validator { root: &schema }.errors(&schema, &doc, "$", &mut out);
        out
    }

    #[test]
    fn schema_uses_only_keywords_the_validator_applies() {
        let schema: Value = serde_json::from_str(&rulebook_json_schema()).unwrap();
        keywords_known(&schema, "#");
        assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
    }

    /// The schema's rule kinds, top-level sections and indicator keys are the loader's
    /// (`rules::KINDS`, `model::TOP_KEYS`, `model::INDICATOR_KEYS`), each rule kind described.
    #[test]
    fn rule_kinds_and_keys_are_the_loaders() {
        let schema: Value = serde_json::from_str(&rulebook_json_schema()).unwrap();
        let keys = |v: &Value| -> std::collections::BTreeSet<String> {
            v.as_object().unwrap().keys().cloned().collect()
        };
        let set =
            |l: &[&str]| -> std::collections::BTreeSet<String> { l.iter().map(|k| k.to_string()).collect() };
        assert_eq!(keys(&schema["properties"]), set(crate::model::TOP_KEYS));
        let indicator = &schema["properties"]["indicator"]["items"]["properties"];
        let expected: Vec<&str> =
            crate::model::INDICATOR_KEYS.iter().chain(crate::rules::KINDS).copied().collect();
        assert_eq!(keys(indicator), set(&expected));
        for k in crate::rules::KINDS {
            assert!(
                indicator[*k]["description"].is_string(),
                "the rule kind `{k}` is not described in the schema"
            );
        }
    }

    #[test]
    fn every_builtin_rulebook_validates() {
        assert!(!crate::builtin::BUILTINS.is_empty());
        for (id, text) in crate::builtin::BUILTINS {
            assert_eq!(validate(text, Format::Toml), Vec::<String>::new(), "builtin:{id}");
        }
    }

    /// Every rulebook of the golden vectors that loads also validates (the §18 keys among them:
    /// `rulebook`, `join`, `order_by`, `fields` as `{ type, label }`).
    #[test]
    fn every_vector_rulebook_that_loads_validates() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors");
        let mut checked = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let v: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            if v.get("load_error").is_some() {
                continue;
            }
            let texts = v["components"].as_array().into_iter().flatten().chain([&v["rulebook"]]);
            for text in texts.filter_map(Value::as_str) {
                assert_eq!(validate(text, Format::Toml), Vec::<String>::new(), "{}", path.display());
                checked += 1;
            }
        }
        assert!(checked > 100, "{checked}");
    }

    /// A variant's text, with its `variant_of` and `provenance` records, validates; a malformed
    /// record does not.
    #[test]
    fn a_variant_with_provenance_validates() {
        let base = crate::Rulebook::builtin("example.county-assessment").unwrap();
        let record = crate::Provenance {
            method: "ahp".into(),
            node: Some("reduction".into()),
            written_as: Some("points".into()),
            date: crate::Date::new(2026, 12, 1),
            input_fingerprint: Some("0f".repeat(32)),
            settings: [("cr".to_owned(), "0.0158".to_owned())].into_iter().collect(),
        };
        let v = base.variant().set("inc_good", "1.5").provenance(record).build().unwrap();
        let text = v.text().unwrap();
        assert_eq!(validate(text, Format::Toml), Vec::<String>::new());
        let bad = text.replace("written_as = \"points\"", "written_as = \"score\"");
        assert!(!validate(&bad, Format::Toml).is_empty());
        let bad = text.replace("changes = [", "change = [");
        assert!(!validate(&bad, Format::Toml).is_empty());
    }

    #[test]
    fn the_benchmark_rulebook_validates() {
        let cab = include_str!("syntax/testdata/cab.toml");
        assert_eq!(validate(cab, Format::Toml), Vec::<String>::new());
    }

    /// Shapes the loader refuses are refused by the schema too.
    #[test]
    fn malformed_rulebooks_fail_in_both() {
        let base = crate::builtin::BUILTINS[0].1;
        let cases: &[(&str, &str)] = &[
            ("label = \"减贫成效\"\npoints = 50", "label = \"减贫成效\"\npoints = 50\npoint = 1"),
            (
                "id = \"funds\"\nlabel = \"扶贫资金\"\npoints = 20",
                "id = \"funds\"\nlabel = \"扶贫资金\"\npoints = \"twenty\"",
            ),
            ("type = \"decimal\", unit", "type = \"float\", unit"),
            ("label = \"好\"\nat_least = 90", "label = \"好\"\nat_least = 90\nabove = 91"),
            ("scale = 2", "scale = 2\ncolour = \"red\""),
            (
                "deduct = { input = \"audit_issues\", each = 4, floor = 0 }",
                "deduct = { input = \"audit_issues\", per = 4 }",
            ),
            ("bands = { input = \"incidence\", at_most", "bands = { input = \"incidence\", at_mots"),
        ];
        for (from, to) in cases {
            assert!(base.contains(from), "{from}");
            let text = base.replacen(from, to, 1);
            assert!(crate::Rulebook::from_str(&text, Format::Toml).is_err(), "the loader accepts: {to}");
            assert!(!validate(&text, Format::Toml).is_empty(), "the schema accepts: {to}");
        }
    }

    #[test]
    fn names_and_numbers() {
        let schema: Value = serde_json::from_str(&rulebook_json_schema()).unwrap();
        let v = Validator { root: &schema };
        let check = |def: &str, x: Value| {
            let mut e = Vec::new();
            v.errors(&json!({ "$ref": format!("#/$defs/{def}") }), &x, "$", &mut e);
            e.is_empty()
        };
        for good in ["poor_population", "收入增幅", "_x1"] {
            assert!(check("name", json!(good)), "{good}");
        }
        for bad in ["1x", "a-b", "a b", ""] {
            assert!(!check("name", json!(bad)), "{bad}");
        }
        for good in [json!(1), json!(0.5), json!("12345678901234567.5"), json!("-1e3")] {
            assert!(check("number", good.clone()), "{good}");
        }
        for bad in [json!("abc"), json!(true), json!("1,000")] {
            assert!(!check("number", bad.clone()), "{bad}");
        }
    }
}
