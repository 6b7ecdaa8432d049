//! Changes applied to a rulebook's document tree, before it is read and compiled like any
//! rulebook. Only what a change names is touched; every other node keeps its value and its
//! position in the base rulebook's text, so that a problem the changes cause (points that no
//! longer add up, bands out of order) is reported at the place in the base where it shows.
//!
//! Here only the target of each change is checked (the parameter, indicator or profile exists;
//! a dated change meets a dated value); everything else is left to the normal load path.

use rust_decimal::Decimal;

use crate::date::Date;
use crate::error::ErrorKind;
use crate::model::change::{Change, Target};
use crate::syntax::{Entry, Node, Pos, Value};

/// A change that cannot be applied: its index in the list, the kind and the message.
pub(crate) struct Refusal {
    pub change: usize,
    pub kind: ErrorKind,
    pub message: String,
}

/// Apply `changes` in order to `root` (a rulebook document). Returns the refusals and the notes
/// (things a person should know, such as profiles a base-value change does not reach).
pub(crate) fn apply(root: &mut Node, changes: &[Change]) -> (Vec<Refusal>, Vec<String>) {
    let mut refusals = Vec::new();
    let mut notes = Vec::new();
    let profiles = declared_profiles(root);
    for (i, change) in changes.iter().enumerate() {
        let refuse = |kind, message: String| Refusal { change: i, kind, message };
        if let Some(p) = &change.profile
            && !profiles.contains(p)
        {
            let known = if profiles.is_empty() {
                "the rulebook declares no profiles".to_owned()
            } else {
                format!("profiles: {}", profiles.join(", "))
            };
            refusals.push(refuse(
                ErrorKind::UnknownProfile,
                format!("profile \"{p}\" is not declared ({known})"),
            ));
            continue;
        }
        let result = match &change.target {
            Target::Param(name) => set_param(root, name, change, &mut notes),
            Target::Points(id) => set_indicator(root, id, "points", "points", change),
            Target::Weight(id) => set_indicator(root, id, "weight", "weights", change),
        };
        if let Err((kind, message)) = result {
            refusals.push(refuse(kind, message));
        }
    }
    (refusals, notes)
}

type Refused = (ErrorKind, String);

fn declared_profiles(root: &Node) -> Vec<String> {
    match root.get("profiles").map(|p| &p.value) {
        Some(Value::Table(entries)) => entries.iter().map(|e| e.key.clone()).collect(),
        _ => Vec::new(),
    }
}

/// A number node for `value` at `pos`: an integer when it is one that fits `i64`, a float when
/// TOML can spell it exactly (at most 15 significant digits), else a string (which the reader
/// takes as a number, as spec §1 asks for long literals).
pub(crate) fn number(value: Decimal, pos: Pos) -> Node {
    let text = value.to_string();
    let digits = text.trim_start_matches('-').replace('.', "");
    let significant = digits.trim_start_matches('0').trim_end_matches('0').len();
    let node = if value.scale() == 0 && text.parse::<i64>().is_ok() {
        Value::Integer(text)
    } else if significant <= 15 && text.contains('.') {
        Value::Float(text)
    } else {
        Value::String(text)
    };
    Node { pos, value: node }
}

fn entries_mut(node: &mut Node) -> Option<&mut Vec<Entry>> {
    match &mut node.value {
        Value::Table(entries) => Some(entries),
        _ => None,
    }
}

fn get_mut<'a>(entries: &'a mut [Entry], key: &str) -> Option<&'a mut Node> {
    entries.iter_mut().find(|e| e.key == key).map(|e| &mut e.value)
}

/// Set `key` to `value`: in place if present (keeping the key's position), else appended.
fn set(entries: &mut Vec<Entry>, key: &str, value: Node) {
    match entries.iter_mut().find(|e| e.key == key) {
        Some(e) => e.value = value,
        None => entries.push(Entry { key: key.to_owned(), key_pos: value.pos, value }),
    }
}

/// The table under `key`, created empty (at `pos`) if missing. `None` if `key` holds something
/// else (the reader will report that shape problem; the change is refused).
fn table_mut<'a>(entries: &'a mut Vec<Entry>, key: &str, pos: Pos) -> Option<&'a mut Vec<Entry>> {
    if !entries.iter().any(|e| e.key == key) {
        entries.push(Entry {
            key: key.to_owned(),
            key_pos: pos,
            value: Node { pos, value: Value::Table(Vec::new()) },
        });
    }
    get_mut(entries, key).and_then(entries_mut)
}

/// A parameter value as written: a number (fixed) or a table with `value` or `dated`.
enum Current {
    Fixed,
    Dated(Vec<(Date, Entry)>),
}

fn current_of(node: &Node) -> Current {
    match node.get("dated").map(|d| &d.value) {
        Some(Value::Table(entries)) => Current::Dated(
            entries
                .iter()
                .filter_map(|e| e.key.trim().parse::<Date>().ok().map(|d| (d, e.clone())))
                .collect(),
        ),
        _ => Current::Fixed,
    }
}

/// The value table written for a dated change: entries before `from`, then `from = value`.
fn dated_table(before: Vec<(Date, Entry)>, from: Date, value: Decimal, pos: Pos) -> Node {
    let mut entries: Vec<Entry> = before.into_iter().filter(|(d, _)| *d < from).map(|(_, e)| e).collect();
    entries.push(Entry { key: from.to_string(), key_pos: pos, value: number(value, pos) });
    Node { pos, value: Value::Table(entries) }
}

fn set_param(root: &mut Node, name: &str, change: &Change, notes: &mut Vec<String>) -> Result<(), Refused> {
    let known: Vec<String> = match root.get("params").map(|p| &p.value) {
        Some(Value::Table(e)) => e.iter().map(|e| e.key.clone()).collect(),
        _ => Vec::new(),
    };
    let unknown = move || {
        let list = if known.is_empty() {
            "the rulebook has no [params]".to_owned()
        } else {
            format!("parameters: {}", known.join(", "))
        };
        (ErrorKind::UnknownName, format!("no parameter `{name}` in [params] ({list})"))
    };
    let params = entries_mut(root).and_then(|top| get_mut(top, "params")).and_then(entries_mut);
    let Some(param) = params.and_then(|ps| get_mut(ps, name)) else {
        return Err(unknown());
    };
    let pos = param.pos;
    // The short form `name = 2` becomes a table when it needs one.
    if !matches!(param.value, Value::Table(_)) {
        if change.profile.is_none() && change.from.is_none() {
            *param = number(change.value, pos);
            return Ok(());
        }
        let old = std::mem::replace(param, Node { pos, value: Value::Table(Vec::new()) });
        if let Some(entries) = entries_mut(param) {
            entries.push(Entry { key: "value".into(), key_pos: pos, value: old });
        }
    }
    let Some(entries) = entries_mut(param) else {
        return Err((ErrorKind::Schema, format!("`{name}` is not a parameter table")));
    };
    let base_value = Node {
        pos,
        value: Value::Table(
            entries.iter().filter(|e| e.key == "value" || e.key == "dated").cloned().collect(),
        ),
    };
    match &change.profile {
        None => {
            let value_node = match change.from {
                None => ("value", number(change.value, pos)),
                Some(from) => match current_of(&base_value) {
                    Current::Dated(list) => ("dated", dated_table(list, from, change.value, pos)),
                    Current::Fixed => return Err(not_dated(name, None)),
                },
            };
            // Replace `value`/`dated` where the first of them was, so the key order stays.
            let at =
                entries.iter().position(|e| e.key == "value" || e.key == "dated").unwrap_or(entries.len());
            entries.retain(|e| e.key != "value" && e.key != "dated");
            let at = at.min(entries.len());
            entries.insert(at, Entry { key: value_node.0.into(), key_pos: pos, value: value_node.1 });
            if let Some(Value::Table(ps)) =
                entries.iter().find(|e| e.key == "profiles").map(|e| &e.value.value)
                && !ps.is_empty()
            {
                let names: Vec<&str> = ps.iter().map(|e| e.key.as_str()).collect();
                notes.push(format!(
                    "`{change}` changes the base value of `{name}`; profiles {} keep their own value",
                    names.join(", ")
                ));
            }
            Ok(())
        }
        Some(profile) => {
            let Some(profiles) = table_mut(entries, "profiles", pos) else {
                return Err((ErrorKind::Schema, format!("`{name}`'s `profiles` is not a table")));
            };
            let node = match change.from {
                None => number(change.value, pos),
                Some(from) => {
                    // The profile's own value, else the base value it inherits.
                    let current = match profiles.iter().find(|e| e.key == *profile) {
                        Some(e) if matches!(e.value.value, Value::Table(_)) => current_of(&e.value),
                        Some(_) => Current::Fixed,
                        None => current_of(&base_value),
                    };
                    match current {
                        Current::Dated(list) => {
                            let dated = dated_table(list, from, change.value, pos);
                            Node {
                                pos,
                                value: Value::Table(vec![Entry {
                                    key: "dated".into(),
                                    key_pos: pos,
                                    value: dated,
                                }]),
                            }
                        }
                        Current::Fixed => return Err(not_dated(name, Some(profile))),
                    }
                }
            };
            set(profiles, profile, node);
            Ok(())
        }
    }
}

fn not_dated(name: &str, profile: Option<&str>) -> Refused {
    let whose = profile.map(|p| format!(" in profile \"{p}\"")).unwrap_or_default();
    (
        ErrorKind::Schema,
        format!(
            "`{name}`{whose} is not dated, so a change from a date does not apply: set it without `:DATE`"
        ),
    )
}

/// Set an indicator's `key` (`points`, `weight`) in its `[[indicator]]` table, or, for a profile,
/// `[profiles."P".<profile_key>]."ID"`.
fn set_indicator(
    root: &mut Node,
    id: &str,
    key: &str,
    profile_key: &str,
    change: &Change,
) -> Result<(), Refused> {
    let Some(top) = entries_mut(root) else {
        return Err((ErrorKind::Schema, "the rulebook is not a table".into()));
    };
    let indicator = get_mut(top, "indicator").and_then(|n| match &mut n.value {
        Value::Array(items) => items
            .iter_mut()
            .find(|t| matches!(&t.get("id").map(|i| &i.value), Some(Value::String(s)) if s == id)),
        _ => None,
    });
    let Some(indicator) = indicator else {
        return Err((
            ErrorKind::UnknownName,
            format!("no indicator `{id}` (ids are dotted, as in `[[indicator]]`)"),
        ));
    };
    let pos = indicator.pos;
    match &change.profile {
        None => {
            let at = indicator.get(key).map_or(pos, |n| n.pos);
            let Some(fields) = entries_mut(indicator) else {
                return Err((ErrorKind::Schema, "not a table".into()));
            };
            set(fields, key, number(change.value, at));
        }
        Some(profile) => {
            let profiles = get_mut(top, "profiles").and_then(entries_mut);
            let table = profiles.and_then(|ps| get_mut(ps, profile)).and_then(entries_mut);
            let Some(table) = table else {
                return Err((ErrorKind::Schema, format!("profile \"{profile}\" is not a table")));
            };
            let Some(values) = table_mut(table, profile_key, pos) else {
                return Err((
                    ErrorKind::Schema,
                    format!("profile \"{profile}\"'s `{profile_key}` is not a table"),
                ));
            };
            set(values, id, number(change.value, pos));
        }
    }
    Ok(())
}
