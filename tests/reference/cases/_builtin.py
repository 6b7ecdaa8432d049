"""Golden vectors of the built-in rulebooks (core/rulebooks/<id>.toml).

A case file `cases/<id>.py` calls `vector(id)`: the vector carries the built-in's text verbatim
(and its component rulebooks' texts), and its cases are the rulebook's embedded `[[test]]`
tables — records and expectations worked out by hand (spec §13). The reference scorer then
computes every case independently of the engine; make_vectors.py refuses to write a vector if
the reference disagrees with any hand-worked expectation, and core/tests/builtins.rs checks
that each vector's rulebook is exactly the text that ships.
"""
import decimal
import os
import tomllib

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
RULEBOOKS = os.path.join(ROOT, "core", "rulebooks")
SAMPLES = os.path.join(RULEBOOKS, "samples")


def text_of(rulebook_id):
    with open(os.path.join(RULEBOOKS, f"{rulebook_id}.toml"), encoding="utf-8", newline="") as f:
        return f.read()


def components_of(text, seen=None):
    """The ids of the rulebooks `text` uses as components or to score the items of a list input
    (§18.2), transitively, each once, innermost first (each after the ones it uses), the order a
    vector lists them in."""
    seen = [] if seen is None else seen
    doc = tomllib.loads(text)
    used = [ind.get("component", {}).get("rulebook") for ind in doc.get("indicator", [])]
    used += [spec.get("rulebook") for spec in doc.get("inputs", {}).values()
             if isinstance(spec, dict) and spec.get("type") == "items"]
    for comp in used:
        if comp and comp not in seen:
            components_of(text_of(comp), seen)
            seen.append(comp)
    return seen


def _case(test):
    """An embedded [[test]] as a vector case with a hand-worked partial expectation."""
    expect = dict(test["expect"])
    if "error" in expect:
        expect = {"error": {"kind": expect["error"]}}
    case = {"name": test["name"], "record": test["record"], "expect": expect}
    if "profile" in test:
        case["profile"] = test["profile"]
    if "as_of" in test:
        case["as_of"] = test["as_of"]
    return case


def vector(rulebook_id, about=None):
    text = text_of(rulebook_id)
    doc = tomllib.loads(text, parse_float=decimal.Decimal)
    meta = doc["rulebook"]
    return {
        "about": about or (f"built-in rulebook {rulebook_id} ({meta['title']}), verbatim: its embedded "
                           f"tests, worked out by hand, as golden cases."),
        "rulebook": text,
        "components": [text_of(c) for c in components_of(text)],
        "case": [_case(t) for t in doc.get("test", [])],
    }


def sample_text(name):
    with open(os.path.join(SAMPLES, name), encoding="utf-8", newline="") as f:
        return f.read()


def sample_table(name, parent, children, rows=None, unmatched=None, as_of=None):
    """A table case (§18.5) of a roll-up built-in on its sample tables (core/rulebooks/samples/,
    made by scripts/gen_samples.py): the parent table with its child tables by list path, the
    reference's results per row becoming the golden ones. `rows` (one partial expectation per parent
    row, {} where nothing is worked out by hand) and `unmatched` are hand-worked, checked against
    the reference like an embedded test's expectations."""
    case = {"name": name, "parent": sample_text(parent),
            "children": {path: sample_text(f) for path, f in children.items()}}
    if rows is not None:
        case["rows"] = rows
    if unmatched is not None:
        case["unmatched"] = unmatched
    if as_of is not None:
        case["as_of"] = as_of
    return case


def rows_by_key(parent, by_key):
    """One partial expectation per row of the sample table `parent`, from {key: expectation} (the
    key is the table's first column); {} for the other rows."""
    import csv
    import io
    keys = [r[0].strip() for r in list(csv.reader(io.StringIO(sample_text(parent))))[1:] if any(r)]
    missing = set(by_key) - set(keys)
    assert not missing, f"{parent} has no rows {missing}"
    return [by_key.get(k, {}) for k in keys]
