//! Rulebooks that score sub-units (spec §18) as variants and in the JSON Schema: a variant
//! (`--set`, `Rulebook::with_params`) of a rulebook whose `items` input is scored by another
//! rulebook builds like any variant (the sub-rulebook is found among the rulebooks the base
//! reached, as its components are), and the schema knows the keys §18 adds to an input.

use kaoping::{Format, Loader, Rulebook};

const HOUSEHOLD: &str = r#"
[rulebook]
id = "t.household"
version = "1"
[inputs]
members = { type = "integer", min = 1 }
income  = { type = "decimal" }
[[criterion]]
id = "income"
when = "income / members > 1000"
"#;

const VILLAGE: &str = r#"
[rulebook]
id = "t.village"
version = "1"
[inputs]
population = { type = "integer", min = 1 }
households = { type = "items", rulebook = "t.household" }
[params]
limit = 3
[derived]
remaining = "sum(households, item.members, not item.passed)"
[[criterion]]
id = "incidence"
when = "remaining / population * 100 < limit"
"#;

#[test]
fn a_variant_of_a_rulebook_with_scored_items_builds() {
    let household = Rulebook::from_str(HOUSEHOLD, Format::Toml).unwrap();
    let village = Loader::new().with(household).load_str(VILLAGE, Format::Toml).unwrap();
    let v = village.with_params(&[("limit", "2.5")]);
    assert!(v.is_ok(), "{}", v.err().map(|e| e.to_string()).unwrap_or_default());
}

#[test]
fn a_variant_of_a_roll_up_builtin_builds() {
    let base = Rulebook::builtin("sc.poverty.village-exit.households").unwrap();
    let v = base.with_params(&[("exit_limit", "2.5")]);
    assert!(v.is_ok(), "{}", v.err().map(|e| e.to_string()).unwrap_or_default());
}

/// The rulebook JSON Schema (`kaoping schema`, for editors) knows the keys §18 adds to an
/// input — `rulebook`, `join`, `order_by` (a `fields` entry written `{ type, label }`, §18.3, is
/// missing too, though no built-in uses it). Without them an editor flags every roll-up built-in,
/// and `schema::tests::every_builtin_rulebook_validates` fails on them.
#[test]
fn the_json_schema_knows_the_keys_of_sub_unit_inputs() {
    let schema: serde_json::Value = serde_json::from_str(&kaoping::schema::rulebook_json_schema()).unwrap();
    let input = &schema["properties"]["inputs"]["additionalProperties"];
    for key in ["rulebook", "join", "order_by"] {
        assert!(input["properties"].get(key).is_some(), "inputs.*.{key} is not in the schema: {input}");
    }
}
