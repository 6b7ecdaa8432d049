#!/usr/bin/env python3
"""Generate the golden vectors tests/vectors/<name>.json from the case files in
tests/reference/cases/ with the exact reference scorer kp_ref.py.

    python3 tests/reference/make_vectors.py            # (re)write every vector
    python3 tests/reference/make_vectors.py --check    # regenerate in memory; exit 1 if
                                                       # any vector file differs or is missing
    python3 tests/reference/make_vectors.py NAME ...   # only these cases (write mode)

A case file is cases/<name>.toml (or <name>.py defining VECTOR = {...}) with:
  about, batch (default false), rulebook (TOML text), components (list of TOML
  texts), optional load_error (a §17 load kind: the rulebook must be refused),
  and [[case]] tables: name, record, optional nulls (fields sent as JSON null),
  profile, as_of, and an optional hand-worked partial `expect` which the
  reference must agree with (generation fails otherwise); and [[table_case]]
  tables (§18.5): name, parent (CSV text), children (list path -> CSV text),
  optional profile/as_of, and optional hand-worked `rows` (each row partial)
  and `unmatched` (exact).
"""
import datetime
import decimal
import importlib.util
import json
import os
import sys
import tomllib

sys.dont_write_bytecode = True  # keep the work tree clean
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import kp_ref  # noqa: E402

CASES = os.path.join(HERE, "cases")
VECTORS = os.path.normpath(os.path.join(HERE, "..", "vectors"))


def jsonify(v):
    """TOML-parsed values -> the vectors' JSON conventions (decimals as strings)."""
    if isinstance(v, bool) or v is None or isinstance(v, (int, str)):
        return v
    if isinstance(v, decimal.Decimal):
        return format(v, "f")
    if isinstance(v, (datetime.date, datetime.datetime)):
        return v.isoformat()
    if isinstance(v, list):
        return [jsonify(x) for x in v]
    if isinstance(v, dict):
        return {k: jsonify(x) for k, x in v.items()}
    raise TypeError(f"cannot put {v!r} in a vector")


def _nulls(v):
    """TOML has no null: "__null__" in a hand-worked expectation stands for null."""
    if v == "__null__":
        return None
    if isinstance(v, list):
        return [_nulls(x) for x in v]
    if isinstance(v, dict):
        return {k: _nulls(x) for k, x in v.items()}
    return v


def load_case_file(path):
    name = os.path.splitext(os.path.basename(path))[0]
    if path.endswith(".toml"):
        with open(path, "rb") as f:
            spec = tomllib.load(f, parse_float=decimal.Decimal)
    else:
        mod_spec = importlib.util.spec_from_file_location(f"case_{name.replace('-', '_')}", path)
        mod = importlib.util.module_from_spec(mod_spec)
        mod_spec.loader.exec_module(mod)
        spec = mod.VECTOR
    spec = dict(spec)
    spec["name"] = name
    cases = []
    for c in spec.get("case", spec.get("cases", [])):
        rec = jsonify(dict(c.get("record", {})))
        for f in c.get("nulls", []):
            rec[f] = None
        cases.append({
            "name": c["name"],
            "record": rec,
            "profile": c.get("profile"),
            "as_of": jsonify(c.get("as_of")),
            "hand": _nulls(jsonify(c["expect"])) if "expect" in c else None,
        })
    spec["cases"] = cases
    tables = []
    for t in spec.get("table_case", []):
        hand = {}
        if "rows" in t:
            hand["rows"] = _nulls(jsonify(t["rows"]))
        if "unmatched" in t:
            hand["unmatched"] = jsonify(t["unmatched"])
        tables.append({
            "name": t["name"],
            "parent": t["parent"],
            "children": dict(t.get("children", {})),
            "profile": t.get("profile"),
            "as_of": jsonify(t.get("as_of")),
            "hand": hand or None,
        })
    spec["tables"] = tables
    return spec


def case_files(only=None):
    out = []
    for fn in sorted(os.listdir(CASES)):
        if not (fn.endswith(".toml") or fn.endswith(".py")) or fn.startswith("_"):
            continue
        name = os.path.splitext(fn)[0]
        if only and name not in only:
            continue
        out.append(os.path.join(CASES, fn))
    return out


def partial_mismatches(hand, got, path="expect"):
    """Every key given in the hand-worked expectation must match (dicts
    recursively as subsets; lists and scalars exactly)."""
    out = []
    if isinstance(hand, dict):
        if not isinstance(got, dict):
            return [f"{path}: expected an object, got {got!r}"]
        for k, v in hand.items():
            if k not in got:
                out.append(f"{path}.{k}: missing (expected {v!r})")
            else:
                out += partial_mismatches(v, got[k], f"{path}.{k}")
        return out
    if hand != got:
        out.append(f"{path}: hand-worked {hand!r} != reference {got!r}")
    return out


def table_mismatches(hand, got, path):
    """A table case's hand-worked `rows` (a list of partial rows, one per parent row) and
    `unmatched` (exact)."""
    out = []
    if "rows" in hand:
        if len(hand["rows"]) != len(got["rows"]):
            out.append(f"{path}.rows: {len(hand['rows'])} hand-worked rows, the reference has {len(got['rows'])}")
        for i, (h, g) in enumerate(zip(hand["rows"], got["rows"])):
            out += partial_mismatches(h, g, f"{path}.rows[{i}]")
    if "unmatched" in hand and hand["unmatched"] != got["unmatched"]:
        out.append(f"{path}.unmatched: hand-worked {hand['unmatched']!r} != reference {got['unmatched']!r}")
    return out


def build_vector(spec):
    """Returns (vector dict, [problems with hand-worked expectations])."""
    problems = []
    comps = list(spec.get("components", []))
    vec = {"name": spec["name"], "about": spec["about"], "rulebook": spec["rulebook"],
           "components": comps, "batch": bool(spec.get("batch", False))}
    if "load_error" in spec:
        kinds = [k for k, _, _ in kp_ref.validate_rulebook(spec["rulebook"], comps)]
        if spec["load_error"] not in kinds:
            problems.append(f"{spec['name']}: expected load error {spec['load_error']}, "
                            f"the reference found {kinds}")
        vec["load_error"] = spec["load_error"]
        vec["cases"] = []
        return vec, problems
    found = kp_ref.validate_rulebook(spec["rulebook"], comps)
    for i, c in enumerate(comps):
        found += kp_ref.validate_rulebook(c, comps[:i])
    if found:
        problems.append(f"{spec['name']}: the rulebook does not validate: {found}")
    rb = kp_ref.Rulebook(spec["rulebook"], comps)
    cases = spec["cases"]
    if vec["batch"]:
        for c in cases:
            if c["profile"] is not None or c["as_of"] is not None:
                problems.append(f"{spec['name']}/{c['name']}: batch cases take no profile/as_of")
        results, summary = kp_ref.score_batch(rb, [c["record"] for c in cases])
    else:
        results = [kp_ref.score(rb, c["record"], c["profile"], c["as_of"]) for c in cases]
        summary = None
    out_cases = []
    for c, r in zip(cases, results):
        if c["hand"] is not None:
            problems += [f"{spec['name']}/{c['name']}: {m}" for m in partial_mismatches(c["hand"], r)]
        out_cases.append({"name": c["name"], "record": c["record"], "profile": c["profile"],
                          "as_of": c["as_of"], "expect": r})
    vec["cases"] = out_cases
    if summary is not None:
        vec["summary"] = summary
    if spec["tables"]:
        out_tables = []
        for t in spec["tables"]:
            got = kp_ref.score_tables(rb, t["parent"], t["children"], t["profile"], t["as_of"])
            if t["hand"] is not None:
                problems += table_mismatches(t["hand"], got, f"{spec['name']}/{t['name']}")
            out_tables.append({"name": t["name"], "parent": t["parent"], "children": t["children"],
                               "profile": t["profile"], "as_of": t["as_of"], "expect": got})
        vec["tables"] = out_tables
    names = [c["name"] for c in cases] + [t["name"] for t in spec["tables"]]
    if len(set(names)) != len(names):
        problems.append(f"{spec['name']}: duplicate case names")
    return vec, problems


def render(vec):
    return json.dumps(vec, ensure_ascii=False, indent=1) + "\n"


def generate(only=None):
    """Returns ({filename: text}, [problems])."""
    files, problems = {}, []
    for path in case_files(only):
        spec = load_case_file(path)
        vec, probs = build_vector(spec)
        problems += probs
        files[spec["name"] + ".json"] = render(vec)
    return files, problems


def main(argv):
    check = "--check" in argv
    only = [a for a in argv if not a.startswith("--")] or None
    files, problems = generate(only)
    for p in problems:
        print("PROBLEM:", p, file=sys.stderr)
    if check:
        bad = 0
        for fn, text in files.items():
            path = os.path.join(VECTORS, fn)
            try:
                with open(path, encoding="utf-8") as f:
                    old = f.read()
            except FileNotFoundError:
                print(f"missing: {path}", file=sys.stderr)
                bad += 1
                continue
            if old != text:
                print(f"differs: {path}", file=sys.stderr)
                bad += 1
        if not only:
            for fn in sorted(os.listdir(VECTORS)):
                if fn.endswith(".json") and fn not in files:
                    print(f"warning: {fn} has no case file", file=sys.stderr)
        if bad or problems:
            print(f"{bad} vector file(s) out of date, {len(problems)} problem(s); "
                  f"run python3 tests/reference/make_vectors.py", file=sys.stderr)
            return 1
        print(f"{len(files)} vector files up to date")
        return 0
    if problems:
        print("not writing: fix the problems above", file=sys.stderr)
        return 1
    os.makedirs(VECTORS, exist_ok=True)
    for fn, text in files.items():
        with open(os.path.join(VECTORS, fn), "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
    print(f"wrote {len(files)} vector files to {VECTORS}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
