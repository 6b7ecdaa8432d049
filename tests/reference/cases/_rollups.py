"""Random roll-up families (§18), for golden vectors (a helper, not a case file itself):
`rollup-random-<n>.py` calls `vector(n)`, which draws everything from `random.Random(1000 + n)`,
so a vector is the same on every machine and every run.

A family has three levels: a top rulebook whose `mids` list is scored by a middle rulebook, whose
`leaves` list is scored by a leaf rulebook (§18.2). Beside the scored lists the top has a `numbers`
input (`marks`) and a `fields` list (`reports`), the middle a `fields` list (`notes`). Each list is
drawn required, optional (missing: no data) or `default = []`, and may carry `order_by` over a
field whose values tie and go missing (§18.4). Derived values aggregate the lists with every
function of §18.1 — over `fields` lists, marks and scored items (their inputs, derived values,
total, max, grade, passed, vetoed) — with conditions that read the parent's own names (an input,
a parameter, a derived value) and `known()`. Leaves read optional inputs (no-data items), divide
(evaluation errors two levels down), and have their own profile, criteria, grades and vetoes, all
drawn. Records leave lists and fields out and give lists empty; every fourth record (and now and
then another) carries an input error somewhere (an item's, a nested item's, or the record's own),
so the vectors pin item paths and the order in which problems are reported. One family in three
is a batch, and a batch's top may rank by a relative rule over an aggregate (§18.7).

Component texts are listed innermost first: the leaf, then the middle.
"""
import random
from decimal import Decimal

KINDS = ["甲", "乙"]
PERIODS = ["2024Q1", "2024Q2", "2024Q3", "2024Q10"]
TAGS = ["a", "b", "c"]


def _dec(rng, lo=-5, hi=120):
    if rng.random() < 0.5:
        return rng.randrange(lo, hi)
    return str(Decimal(rng.randrange(lo * 100, hi * 100)).scaleb(-2))


def _list_decl(rng, decls, name):
    """How a list input is declared: required, optional (missing is no data) or default = [];
    recorded in `decls` so that records leave out only lists that may be left out."""
    d = rng.choice(["", ", required = false", ", default = []", ", default = []"])
    decls[name] = d == ""
    return d


def _num(rng, names, depth=2):
    """A numeric expression over `names` (may divide by zero: evaluation errors)."""
    if depth == 0 or rng.random() < 0.4:
        if names and rng.random() < 0.7:
            return rng.choice(names)
        return rng.choice(["0", "1", "2", "3", "10", "0.5", "100"])
    a, b = _num(rng, names, depth - 1), _num(rng, names, depth - 1)
    form = rng.randrange(5)
    if form < 3:
        return f"({a} {rng.choice(['+', '-', '*', '/'])} {b})"
    if form == 3:
        return f"{rng.choice(['max', 'min'])}({a}, {b})"
    return f"(if {a} > {b} then {a} else {_num(rng, names, depth - 1)})"


def _aggregate(rng, lst, nums, bools, texts, parent, numbers=False):
    """One aggregate over list `lst`: nums/bools/texts are its item fields by type (`item` for a
    mark), parent the parent's numeric names visible in the arguments."""
    if numbers:
        x = rng.choice(["item", "item", f"item * {rng.choice(parent + ['2'])}"])
        cond = rng.choice([None, f"item > {rng.choice(parent + ['5'])}", "item >= 3"])
    else:
        f = rng.choice(nums)
        x = rng.choice([f"item.{f}", f"item.{f}", f"(item.{f} - {rng.choice(parent + ['1'])})",
                        f"item.{f} / {rng.choice(parent + ['2'])}"])
        conds = [None, f"item.{rng.choice(nums)} > {rng.choice(parent + ['3'])}",
                 f"known(item.{f}) and item.{f} >= {rng.choice(parent + ['0'])}"]
        if bools:
            b = rng.choice(bools)
            conds += [f"item.{b}", f"not item.{b}", f"known(item.{b}) and item.{b}"]
        if texts:
            t = rng.choice(texts)
            conds.append(f'item.{t} == "{rng.choice(KINDS + TAGS + PERIODS[:2])}"')
        cond = rng.choice(conds)
    fn = rng.choice(["count", "sum", "sum", "mean", "min", "max", "first", "last", "share"])
    if numbers and rng.random() < 0.3 and fn in ("sum", "mean", "min", "max", "first", "last"):
        return f"{fn}({lst})"  # x left out: the mark itself
    if fn == "count":
        return f"count({lst})" if cond is None else f"count({lst}, {cond})"
    if fn == "share":
        return f"share({lst}, {cond or ('item > 4' if numbers else 'item.' + rng.choice(nums) + ' > 1')})"
    return f"{fn}({lst}, {x})" if cond is None else f"{fn}({lst}, {x}, {cond})"


def _leaf(rng, rid):
    key = rng.random() < 0.7
    prof = rng.random() < 0.6
    required = {}

    def opt(name, p):
        required[name] = rng.random() >= p
        return "" if required[name] else ", required = false"
    lines = [f'[rulebook]\nid = "{rid}"\nversion = "1"',
             f'scale = {rng.randrange(4)}\nrounding = "{rng.choice(["half_up", "half_even", "down", "up"])}"']
    if key:
        lines.append('key_field = "lid"')
    if prof:
        lines.append('profile_field = "kind"')
        lines.append("\n".join(f'[profiles."{k}"]' for k in KINDS))
    lines.append("[inputs]")
    lines.append('lid  = { type = "text", required = false }')
    lines.append('kind = { type = "text", required = false }')
    lines.append(f'a    = {{ type = "decimal"{opt("a", 0.6)} }}')
    lines.append(f'b    = {{ type = "integer", min = 0{opt("b", 0.6)} }}')
    lines.append(f'ok   = {{ type = "boolean"{rng.choice([", default = true", ", required = false"])} }}')
    lines.append('[params]\nt = { value = 2, profiles = { "乙" = 5 } }' if prof else '[params]\nt = { value = 2 }')
    div = "a / b" if rng.random() < 0.35 else "if b == 0 then a else a / b"
    lines.append(f'[derived]\nda = "{div}"\ndb = "{_num(rng, ["a", "b", "t"], 1)}"')
    leaves = []
    for k in range(rng.randrange(1, 4)):
        pts = rng.randrange(2, 30)
        kind = rng.choice(["linear", "bands", "check", "formula"])
        if kind == "linear":
            x = rng.choice(["a", "da", "db"])
            rule = f'linear = {{ input = "{x}", from = [0, 0], to = [{rng.randrange(5, 100)}, {pts}] }}'
        elif kind == "bands":
            rule = f'bands = {{ input = "{rng.choice(["a", "b", "da"])}", at_least = [[50, {pts}], ["t", {pts // 2}]], else = 0 }}'
        elif kind == "check":
            rule = f'check = {{ when = "{rng.choice(["ok", "a > t", "b >= 1"])}" }}'
        else:
            rule = f'formula = "{_num(rng, ["a", "b", "da", "db", "t"])}"'
        leaves.append((pts, rule))
    for k, (pts, rule) in enumerate(leaves):
        lines.append(f'[[indicator]]\nid = "l{k}"\nlabel = "项{k}"\npoints = {pts}\n{rule}')
    if rng.random() < 0.4:
        lines.append(f'[[veto]]\nid = "v"\nlabel = "否决"\nwhen = "{rng.choice(["not ok", "b > 50", "a < 0"])}"\nscore = 0')
    if rng.random() < 0.7:
        lines.append(f'[[criterion]]\nid = "c"\nlabel = "达标"\nwhen = "{rng.choice(["a > t", "ok", "da >= 1", "b < 20"])}"')
    if rng.random() < 0.6:
        mx = sum(p for p, _ in leaves)
        lines.append(f'[[grade]]\nlabel = "好"\nat_least = {max(mx * 6 // 10, 1)}\n[[grade]]\nlabel = "差"')
    return "\n".join(lines) + "\n", {"key": key, "prof": prof, "required": required}


LEAF_FIELDS_NUM = ["a", "b", "da", "db", "total", "max"]
LEAF_FIELDS_BOOL = ["ok", "passed", "vetoed"]
LEAF_FIELDS_TEXT = ["kind", "grade", "lid"]


def _mid(rng, rid, leaf_id, decls):
    lines = [f'[rulebook]\nid = "{rid}"\nversion = "1"',
             f'scale = {rng.randrange(1, 5)}\nrounding = "{rng.choice(["half_up", "half_even", "floor", "ceiling"])}"',
             'key_field = "mid"']
    order = rng.choice([None, None, "a", "b", "lid"])
    ob = f', order_by = "{order}"' if order else ""
    lines.append("[inputs]")
    lines.append('mid    = { type = "text", required = false }')
    lines.append('pop    = { type = "integer", min = 1 }')
    lines.append(f'leaves = {{ type = "items", rulebook = "{leaf_id}"{ob}{_list_decl(rng, decls, "leaves")} }}')
    lines.append(f'notes  = {{ type = "items", fields = {{ n = "integer", tag = "text" }}{_list_decl(rng, decls, "notes")} }}')
    lines.append('[params]\nthr = { value = 3 }')
    derived = {}
    parent = ["pop", "thr"]
    for k in range(rng.randrange(2, 5)):
        derived[f"m{k}"] = _aggregate(rng, "leaves", LEAF_FIELDS_NUM, LEAF_FIELDS_BOOL, LEAF_FIELDS_TEXT,
                                      parent + list(derived))
        if rng.random() < 0.3:
            derived[f"m{k}"] = f"{derived[f'm{k}']} {rng.choice(['+', '*', '-'])} {rng.choice(parent)}"
    derived["mn"] = _aggregate(rng, "notes", ["n"], [], ["tag"], parent)
    lines.append("[derived]\n" + "\n".join(f"{k} = '{v}'" for k, v in derived.items()))
    inds = []
    for k in derived:
        kind = rng.choice(["formula", "formula", "linear"])
        if kind == "formula":
            inds.append((1000, f'formula = "{k} + 500"'))
        else:
            inds.append((20, f'linear = {{ input = "{k}", from = [0, 0], to = [{rng.randrange(1, 50)}, 20] }}'))
    if rng.random() < 0.5:
        inds.append((6, 'count = { input = "leaves", each = 2 }'))
    if rng.random() < 0.5:
        inds.append((8, 'items = { input = "notes", keys = ["tag"], table = { "a" = 3, "b" = 1 }, else = 0, cap_per = { field = "tag", cap = 4 } }'))
    for k, (pts, rule) in enumerate(inds):
        lines.append(f'[[indicator]]\nid = "i{k}"\nlabel = "指标{k}"\npoints = {pts}\n{rule}')
    if rng.random() < 0.7:
        lines.append(f'[[criterion]]\nid = "c"\nlabel = "达标"\nwhen = "{rng.choice(list(derived))} > {rng.choice(["0", "thr", "pop / 100"])}"')
    return "\n".join(lines) + "\n", {"order": order, "derived": list(derived)}


def _top(rng, rid, mid_id, mid_derived, batch, decls):
    lines = [f'[rulebook]\nid = "{rid}"\nversion = "1"',
             f'scale = {rng.randrange(2, 5)}\nrounding = "{rng.choice(["half_up", "half_even", "down", "up"])}"',
             'key_field = "name"']
    mid_order = rng.choice([None, "pop", "mid"])
    rep_order = rng.choice([None, "period", "period"])
    lines.append("[inputs]")
    lines.append('name    = { type = "text" }')
    lines.append('limit   = { type = "decimal", required = false }')
    lines.append(f'mids    = {{ type = "items", rulebook = "{mid_id}"{", order_by = " + chr(34) + mid_order + chr(34) if mid_order else ""}{_list_decl(rng, decls, "mids")} }}')
    lines.append(f'marks   = {{ type = "numbers", min = 0, max = 10{_list_decl(rng, decls, "marks")} }}')
    lines.append(f'reports = {{ type = "items", fields = {{ period = "text", score = "decimal", late = "boolean" }}'
                 f'{", order_by = " + chr(34) + rep_order + chr(34) if rep_order else ""}{_list_decl(rng, decls, "reports")} }}')
    lines.append('[params]\nk = { value = 4 }')
    derived = {}
    parent = ["k", "limit"]
    mid_nums = ["pop", "total", "max"] + mid_derived
    for k in range(rng.randrange(2, 4)):
        derived[f"t{k}"] = _aggregate(rng, "mids", mid_nums, ["passed", "vetoed"], ["mid", "grade"],
                                      parent + list(derived))
    derived["tm"] = _aggregate(rng, "marks", [], [], [], parent + list(derived), numbers=True)
    derived["tr"] = _aggregate(rng, "reports", ["score"], ["late"], ["period"], parent + list(derived))
    derived["tl"] = rng.choice(['last(reports, item.score)', 'first(reports, item.period) == "2024Q1"',
                                "last(reports, item.score) - first(reports, item.score)"])
    lines.append("[derived]\n" + "\n".join(f"{k} = '{v}'" for k, v in derived.items()))
    inds = []
    for k, v in derived.items():
        if k == "tl" and "==" in v:
            inds.append((5, f'check = {{ when = "{k}" }}'))
        else:
            inds.append((1000, f'formula = "{k} + 500"'))
    if batch and rng.random() < 0.6:
        inds.append((50, f'relative = {{ input = "{rng.choice([k for k in derived if k != "tl"])}", best = "max" }}'))
    for k, (pts, rule) in enumerate(inds):
        lines.append(f'[[indicator]]\nid = "j{k}"\nlabel = "指标{k}"\npoints = {pts}\n{rule}')
    if rng.random() < 0.5:
        lines.append(f'[[criterion]]\nid = "c"\nlabel = "达标"\nwhen = "{rng.choice(list(derived)[:-1])} > 1"')
    if rng.random() < 0.5:
        lines.append('[[grade]]\nlabel = "好"\nat_least = 2500\n[[grade]]\nlabel = "差"')
    return "\n".join(lines) + "\n"


def _leaf_record(rng, meta, n):
    r = {}
    if rng.random() < 0.85:
        r["lid"] = f"L{n}"
    if meta["prof"] and rng.random() < 0.7:
        r["kind"] = rng.choice(KINDS)
    if meta["required"]["a"] or rng.random() < 0.75:
        r["a"] = _dec(rng, -2, 80)
    if meta["required"]["b"] or rng.random() < 0.7:
        r["b"] = rng.choice([0, 1, 2, 2, 5, rng.randrange(0, 60)])
    if rng.random() < 0.6:
        r["ok"] = rng.random() < 0.7
    return r


def _list(rng, make, lo, hi, required):
    roll = rng.random()
    if roll < 0.15 and not required:
        return None  # left out: no data, or the default []
    if roll < 0.25:
        return []
    return [make(i) for i in range(rng.randrange(lo, hi))]


def _record(rng, leaf_meta, decls, k):
    counter = iter(range(1, 1000))

    def leaf(_):
        return _leaf_record(rng, leaf_meta, next(counter))

    def mid(i):
        m = {"mid": f"M{k}-{i + 1}", "pop": rng.choice([1, 10, 100, rng.randrange(1, 500)])}
        if rng.random() < 0.3:
            m["pop"] = rng.choice([10, 100])  # ties for order_by = "pop"
        leaves = _list(rng, leaf, 1, 5, decls["leaves"])
        if leaves is not None:
            m["leaves"] = leaves
        notes = _list(rng, lambda _: {"n": rng.randrange(0, 6), "tag": rng.choice(TAGS)}, 1, 4, decls["notes"])
        if notes is not None:
            m["notes"] = notes
        if rng.random() < 0.15:
            del m["mid"]  # no key: no key in its path, and last under order_by = "mid"
        return m

    r = {"name": f"单位{k}"}
    if rng.random() < 0.4:
        r["limit"] = _dec(rng, 0, 50)
    mids = _list(rng, mid, 1, 4, decls["mids"])
    if mids is not None:
        r["mids"] = mids
    marks = _list(rng, lambda _: str(Decimal(rng.randrange(0, 101)).scaleb(-1)), 1, 6, decls["marks"])
    if marks is not None:
        r["marks"] = marks
    reports = _list(rng, lambda _: {"period": rng.choice(PERIODS), "score": _dec(rng, 0, 100),
                                    "late": rng.random() < 0.3}, 1, 5, decls["reports"])
    if reports is not None:
        r["reports"] = reports
    if k % 4 == 0 or rng.random() < 0.1:
        _break(rng, r)
    return r


def _break(rng, r):
    """One input error somewhere: a leaf's, a middle item's, a report's, a mark, or the record's own."""
    leaves = [lf for m in r.get("mids", []) for lf in m.get("leaves", [])]
    spots = ["own"]
    if leaves:
        spots += ["leaf", "leaf", "leaf"]
    if r.get("mids"):
        spots += ["mid", "mid"]
    if r.get("reports"):
        spots.append("report")
    if r.get("marks"):
        spots.append("mark")
    spot = rng.choice(spots)
    if spot == "leaf":
        lf = rng.choice(leaves)
        choice = rng.randrange(4)
        if choice == 0:
            lf["b"] = -1
        elif choice == 1:
            lf["a"] = "x"
        elif choice == 2:
            lf["kind"] = "丙"  # undeclared (or, without profiles, just a text)
        else:
            lf["ok"] = "maybe"
    elif spot == "mid":
        m = rng.choice(r["mids"])
        if rng.random() < 0.5:
            m["pop"] = 0
        else:
            del m["pop"]
    elif spot == "report":
        rep = rng.choice(r["reports"])
        del rep[rng.choice(["score", "late"])]
    elif spot == "mark":
        r["marks"][0] = "11"
    else:
        del r["name"]


def vector(n, count=14):
    rng = random.Random(1000 + n)
    batch = n % 3 == 0
    base = f"vec.rollup-random-{n}"
    decls = {}
    leaf, leaf_meta = _leaf(rng, base + ".leaf")
    mid, mid_meta = _mid(rng, base + ".mid", base + ".leaf", decls)
    top = _top(rng, base, base + ".mid", mid_meta["derived"], batch, decls)
    return {
        "about": (f"random roll-up family {n} (tests/reference/cases/_rollups.py, seed {1000 + n}): a top rulebook "
                  f"whose items are scored by a middle rulebook whose items are scored by a leaf rulebook (3 "
                  f"levels), with numbers and fields lists beside them; aggregates of every kind with conditions "
                  f"reading parent names, order_by, empty, missing and defaulted lists, no-data items and "
                  f"item input errors; {count} records{' in one batch' if batch else ''}."),
        "batch": batch,
        "rulebook": top,
        "components": [leaf, mid],
        "case": [{"name": f"record {k + 1}", "record": _record(rng, leaf_meta, decls, k + 1)} for k in range(count)],
    }
