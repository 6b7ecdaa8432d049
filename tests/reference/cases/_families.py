"""Random families of rulebooks, for golden vectors (a helper, not a case file itself):
`random-<n>.py` calls `vector(n)`, which draws everything from `random.Random(n)`, so a vector
is the same on every machine and every run.

A family is a top rulebook that uses a component rulebook ("middle", spec §6, §16), which may
itself use another ("inner": a component of a component). Every rulebook of a family declares
every input of the pool with the family's declaration — optional or not, drawn per family — so
the records are checked alike at every level (how a component's own stricter declaration is
reported is not pinned here). Each rulebook has its own derived values reading those inputs,
its own parameter `t` (by profile), and leaves over expressions, over the lists (`panel` over
`marks`; `items`, `count` and `deduct` over `awards`) and over its component. Records leave
optional inputs out, give lists empty or leave them out, and now and then break an input's
bounds, so that no data (§16) reaches derived values, rules, vetoes and criteria inside
components and a parent scores it as a component's 0, never as a crash.

Component texts are listed innermost first: each may use the ones before it.
"""
import random
from decimal import Decimal

PROFILES = ["东", "西"]
NAMES = ["x", "o1", "o2", "t", "d0", "d1"]
LEVELS = ["国家级", "省级", "市级"]
WORKS = ["w1", "w2", "w3"]


def _expr(rng, names, depth=2):
    """A numeric expression over `names` (no lists: rules read those)."""
    if depth == 0 or rng.random() < 0.35:
        if rng.random() < 0.65:
            return rng.choice(names)
        return rng.choice(["0", "1", "2", "3", "5", "0.5", "10", "100", "2.25"])
    a, b = _expr(rng, names, depth - 1), _expr(rng, names, depth - 1)
    form = rng.randrange(6)
    if form < 3:
        return f"({a} {rng.choice(['+', '-', '*', '/'])} {b})"
    if form == 3:
        return f"{rng.choice(['max', 'min'])}({a}, {b})"
    if form == 4:
        return f"round({a}, {rng.randrange(3)})"
    return f"(if {a} > 2 then {b} else {_expr(rng, names, depth - 1)})"


def _rule(rng, component):
    """A leaf's rule (TOML inline); `component`: the id a component rule may name."""
    names = NAMES
    kinds = ["linear", "linear", "bands", "check", "formula", "ratio", "panel", "panel", "items", "items",
             "count", "count", "deduct"]
    if component:
        kinds += ["component"] * 4
    kind = rng.choice(kinds)
    if kind == "linear":
        x0 = rng.randrange(-2, 3)
        return (f'linear = {{ input = "{_expr(rng, names)}", from = [{x0}, 0], '
                f'to = [{x0 + rng.randrange(1, 12)}, 10] }}')
    if kind == "bands":
        return f'bands = {{ input = "{_expr(rng, names)}", at_least = [[5, 10], ["t", 4]], else = 0 }}'
    if kind == "check":
        return f'check = {{ when = "{_expr(rng, names)} > 1", else = 1 }}'
    if kind == "formula":
        return f'formula = "{_expr(rng, names)}"'
    if kind == "ratio":
        return f'ratio = {{ input = "{_expr(rng, names)}", target = "{_expr(rng, names, 1)}" }}'
    if kind == "panel":
        method = rng.choice(["mean", "median", "trimmed_mean"])
        spread = ", max_spread = 3" if rng.random() < 0.5 else ""
        return f'panel = {{ input = "marks", method = "{method}", scale_max = 10{spread} }}'
    if kind == "items":
        s = 'items = { input = "awards", keys = ["level"], table = { "国家级" = 6, "省级" = "t" }'
        if rng.random() < 0.85:
            s += ", else = 1"
        if rng.random() < 0.5:
            s += ', best_per = "work"'
        if rng.random() < 0.5:
            s += ', cap_per = { field = "level", cap = 7 }'
        return s + " }"
    if kind == "count":
        return f'count = {{ input = "{rng.choice(["awards", "marks"])}", each = 2 }}'
    if kind == "deduct":
        return 'deduct = { input = "awards", each = 1.5 }'
    return f'component = {{ rulebook = "{component}" }}'


def _inputs(rng):
    """The family's declarations: x mostly required, the others mostly optional."""
    opt = lambda p: ", required = false" if rng.random() < p else ""  # noqa: E731
    return (f'x = {{ type = "decimal"{opt(0.3)} }}\n'
            f'o1 = {{ type = "decimal"{opt(0.85)} }}\n'
            f'o2 = {{ type = "integer", min = 0{opt(0.85)} }}\n'
            f'marks = {{ type = "numbers", min = 0, max = 10{opt(0.85)} }}\n'
            f'awards = {{ type = "items", fields = {{ level = "text", work = "text" }}{opt(0.85)} }}\n'
            'flag = { type = "boolean", default = false }\n')


def _rulebook(rng, rid, inputs, component, top):
    """One rulebook of the family; a rulebook with a component uses it at least once."""
    lines = [f'[rulebook]\nid = "{rid}"\nversion = "1"',
             f'scale = {rng.randrange(4)}\nrounding = "{rng.choice(["half_up", "half_even", "down", "up", "floor", "ceiling"])}"']
    if top:
        lines.append('profile_field = "area"')
    leaves = [(rng.randrange(1, 16), _rule(rng, component)) for _ in range(rng.randrange(1, 5))]
    if component and not any(r.startswith("component") for _, r in leaves):
        leaves.append((10, f'component = {{ rulebook = "{component}" }}'))
    for p in PROFILES:
        lines.append(f'[profiles."{p}"]')
    if not top and rng.random() < 0.5:
        # A points override: the component's max differs by profile.
        lines.append(f'[profiles."西".points]\nl0 = {leaves[0][0] + rng.randrange(1, 6)}')
    lines.append("[inputs]")
    if top:
        lines.append('area = { type = "text", required = false }')
    lines.append(inputs.rstrip("\n"))
    lines.append('[params]\nt = { value = 3, profiles = { "西" = 4 } }')
    d0 = _expr(rng, ["x", "o1", "o2", "t"])
    d1 = _expr(rng, ["x", "o1", "o2", "t", "d0"])
    lines.append(f'[derived]\nd0 = "{d0}"\nd1 = "{d1}"')
    for k, (points, rule) in enumerate(leaves):
        lines.append(f'[[indicator]]\nid = "l{k}"\nlabel = "项{k}"\npoints = {points}\n{rule}')
    if rng.random() < 0.4:
        lines.append('[[bonus]]\nid = "b"\nlabel = "加分"\npoints = 2\ncount = { input = "awards", each = 1 }')
    if rng.random() < 0.5:
        cond = rng.choice(["flag", "d0 > 50", "flag or d1 > 80", "x < 0"])
        lines.append(f'[[veto]]\nid = "v"\nlabel = "否决"\nwhen = "{cond}"\nscore = {rng.choice(["0", "1", "2.5"])}')
    if top:
        mx = sum(p for p, _ in leaves)
        lines.append(f'[[criterion]]\nid = "c"\nlabel = "达标"\nwhen = "{_expr(rng, NAMES, 1)} > 1"')
        lines.append(f'[[grade]]\nlabel = "好"\nat_least = {max(mx * 6 // 10, 2)}\n'
                     f'[[grade]]\nlabel = "中"\nabove = {mx * 3 // 10}\n[[grade]]\nlabel = "差"')
    return "\n".join(lines) + "\n"


def _dec(rng):
    if rng.random() < 0.5:
        return str(rng.randrange(-5, 120))
    return str(Decimal(rng.randrange(-500, 12000)).scaleb(-2))


def _record(rng):
    r = {}
    if rng.random() < 0.8:
        r["area"] = rng.choice(PROFILES)
    if rng.random() < 0.93:
        r["x"] = _dec(rng)
    if rng.random() < 0.6:
        r["o1"] = _dec(rng)
    if rng.random() < 0.6:
        # Now and then below the bound: an input error, reported before any evaluation.
        r["o2"] = rng.choice([0, 1, 2, 5, rng.randrange(0, 300), -1 if rng.random() < 0.2 else 3])
    roll = rng.random()
    if roll < 0.6:
        r["marks"] = [str(Decimal(rng.randrange(0, 101)).scaleb(-1)) for _ in range(rng.randrange(2, 7))]
    elif roll < 0.7:
        r["marks"] = []
    roll = rng.random()
    if roll < 0.6:
        r["awards"] = [{"level": rng.choice(LEVELS), "work": rng.choice(WORKS)} for _ in range(rng.randrange(1, 6))]
    elif roll < 0.7:
        r["awards"] = []
    if rng.random() < 0.1:
        r["flag"] = True
    return r


def vector(n, count=16):
    """The case file of random family `n`: one in three is a batch (ranks, summary, cohorts of
    none: the rulebooks have no relative rules)."""
    rng = random.Random(n)
    inputs = _inputs(rng)
    nested = rng.random() < 0.7
    comps = []
    if nested:
        comps.append(_rulebook(rng, f"vec.random-{n}.inner", inputs, None, False))
    comps.append(_rulebook(rng, f"vec.random-{n}.middle", inputs, f"vec.random-{n}.inner" if nested else None, False))
    top = _rulebook(rng, f"vec.random-{n}", inputs, f"vec.random-{n}.middle", True)
    batch = n % 3 == 0
    return {
        "about": (f"random family {n} (tests/reference/cases/_families.py, seed {n}): a top rulebook over a "
                  f"component{' that uses a component of its own' if nested else ''}, each with optional "
                  f"inputs, derived values reading them and rules over lists; {count} records leaving "
                  f"inputs and lists out (no data inside components, §16)."),
        "batch": batch,
        "rulebook": top,
        "components": comps,
        "case": [{"name": f"record {k + 1}", "record": _record(rng)} for k in range(count)],
    }
