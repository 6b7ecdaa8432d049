#!/usr/bin/env python3
"""Self-tests of the exact reference scorer (plain unittest, standard library only):

    python3 tests/reference/test_reference.py

- hand-worked expectations, computed on paper in the comments;
- every case file's hand-worked `expect` agrees with the reference;
- the vectors in tests/vectors are what make_vectors.py generates (no drift);
- §18 by hand: tokens and parsing of aggregates, the aggregate rules of §18.1 on small lists,
  item paths, order_by, table keys and a table scoring as its records; every §18 load check
  refusing its rulebook with its kind only, and passing without the fault;
- the random roll-up families (cases/_rollups.py): the same for the same seed, and between them
  they reach three scored levels, aggregates over fields lists, marks and scored items, conditions
  reading parent names, empty, missing and defaulted lists, no-data items, order_by ties and
  missing values, item input errors (nested too) and item evaluation errors;
- the CAB rules agree with bench/reference.py (a separately hand-coded Fraction
  scorer) on generated rows, when ../shared/bench is present.
"""
import importlib.util
import os
import random
import sys
import unittest
from fractions import Fraction as F

sys.dont_write_bytecode = True  # keep the work tree clean
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import kp_ref  # noqa: E402
import make_vectors  # noqa: E402
from kp_ref import KpError, NODATA, Rulebook, round_frac, score  # noqa: E402


def _find_bench():
    """bench/ of the shared folder: beside the repository (CI) or at /work/shared."""
    root = os.path.normpath(os.path.join(HERE, "..", ".."))
    for cand in (os.path.join(root, "..", "shared", "bench"), "/work/shared/bench"):
        if os.path.exists(os.path.join(cand, "reference.py")) and os.path.exists(os.path.join(cand, "cab.toml")):
            return os.path.normpath(cand)
    return None


BENCH = _find_bench()


class Rounding(unittest.TestCase):
    # (value, scale) -> expected per mode: half_up, half_even, down, up, floor, ceiling
    TABLE = [
        ("0.125", 2, ["0.13", "0.12", "0.12", "0.13", "0.12", "0.13"]),
        ("-0.125", 2, ["-0.13", "-0.12", "-0.12", "-0.13", "-0.13", "-0.12"]),
        ("0.135", 2, ["0.14", "0.14", "0.13", "0.14", "0.13", "0.14"]),
        ("2.5", 0, ["3", "2", "2", "3", "2", "3"]),
        ("-2.5", 0, ["-3", "-2", "-2", "-3", "-3", "-2"]),
        ("3.5", 0, ["4", "4", "3", "4", "3", "4"]),
        ("-0.0001", 2, ["0.00", "0.00", "0.00", "-0.01", "-0.01", "0.00"]),
        ("0.1251", 2, ["0.13", "0.13", "0.12", "0.13", "0.12", "0.13"]),
        ("7", 2, ["7.00"] * 6),
    ]

    def test_table(self):
        for v, scale, want in self.TABLE:
            for mode, w in zip(kp_ref.ROUNDING_MODES, want):
                got = round_frac(F(v), scale, mode)
                self.assertEqual(kp_ref.fmt(got, scale), w, (v, scale, mode))

    def test_repeating(self):
        self.assertEqual(round_frac(F(1, 3) * 3, 2, "down"), 1)  # exact: 1, not 0.99
        self.assertEqual(round_frac(F(2, 3), 2, "down"), F(66, 100))
        self.assertEqual(round_frac(F(2, 3), 2, "half_up"), F(67, 100))
        self.assertEqual(round_frac(F(-2, 3), 2, "up"), F(-67, 100))

    def test_fmt(self):
        self.assertEqual(kp_ref.fmt(F(3), 2), "3.00")
        self.assertEqual(kp_ref.fmt(F(-1, 20), 2), "-0.05")
        self.assertEqual(kp_ref.fmt(F(80), 0), "80")
        self.assertEqual(kp_ref.fmt(F(1, 10000), 4), "0.0001")


class _Ctx:
    """A minimal evaluation context for expression tests."""

    def __init__(self, **names):
        self.names = names
        self.rb = type("RB", (), {"rounding": "half_up"})()

    def lookup(self, n):
        return self.names[n]


def ev(src, **names):
    """Evaluate an expression; int arguments become exact numbers, NODATA stays."""
    ctx = _Ctx(**{k: (F(v) if isinstance(v, int) else v) for k, v in names.items()})
    return kp_ref.evaluate(kp_ref.parse_expr(src), ctx)


class Expressions(unittest.TestCase):
    def test_precedence(self):
        self.assertEqual(ev("2 + 3 * 4"), 14)
        self.assertEqual(ev("10 - 4 - 3"), 3)          # left associative
        self.assertEqual(ev("8 / 4 / 2"), 1)
        self.assertEqual(ev("-2 * -3"), 6)
        self.assertEqual(ev("-(2 - 5)"), 3)
        self.assertIs(ev("1 < 2 and 3 < 2 or 1 == 1"), True)   # (and) or
        self.assertIs(ev("not 1 == 2"), True)                   # not (1 == 2)
        self.assertIs(ev('not "a" in ["b"]'), True)             # not ("a" in [...])

    def test_if_else_extends_right(self):
        # if c then 1 else (2 + 3), not (if ... else 2) + 3
        self.assertEqual(ev("if 1 > 2 then 1 else 2 + 3"), 5)
        self.assertEqual(ev("if 1 < 2 then 1 else 2 + 3"), 1)
        self.assertEqual(ev("if 1 > 2 then 1 else if 2 > 3 then 2 else 3"), 3)
        self.assertEqual(ev("1 + (if 1 < 2 then 1 else 0)"), 2)

    def test_comparisons_non_associative(self):
        with self.assertRaises(kp_ref.ExprSyntaxError):
            kp_ref.parse_expr("1 < 2 < 3")
        with self.assertRaises(kp_ref.ExprSyntaxError):
            kp_ref.parse_expr("round(x, y)")
        # min(1) parses (min of a numbers list takes one argument); a scalar min of one is refused
        # at load, where the rulebook's inputs decide (§18.1)
        self.assertEqual(kp_ref.parse_expr("min(1)")[:2], ("call", "min"))

    def test_exact(self):
        self.assertIs(ev("0.1 + 0.2 == 0.3"), True)
        self.assertEqual(ev("1 / 3 * 3"), 1)
        big = 9223372036854775807
        self.assertEqual(ev("a * a * a / (a * a)", a=big), big)
        self.assertEqual(ev("floor(0 - 7 / 2)"), -4)
        self.assertEqual(ev("ceil(0 - 7 / 2)"), -3)
        self.assertEqual(ev("round(0 - 0.125, 2)"), F(-13, 100))  # half_up away from zero

    def test_short_circuit_and_no_data(self):
        # the right-hand side would divide by zero: it must not be evaluated
        self.assertIs(ev("z != 0 and 1 / z > 1", z=0), False)
        self.assertIs(ev("z == 0 or 1 / z > 1", z=0), True)
        self.assertEqual(ev("if z == 0 then 0 else 1 / z", z=0), 0)
        # no data on the left: no data, the right (an error) never read
        self.assertIs(ev("n > 1 and 1 / z > 1", n=NODATA, z=0), NODATA)
        self.assertIs(ev("n > 1 or 1 / z > 1", n=NODATA, z=0), NODATA)
        # an erroring operand wins over no data; no data / 0 is no data
        with self.assertRaises(KpError):
            ev("n + 1 / z", n=NODATA, z=0)
        self.assertIs(ev("n / z", n=NODATA, z=0), NODATA)
        self.assertIs(ev("max(n, 3)", n=NODATA), NODATA)
        self.assertIs(ev("not n", n=NODATA), NODATA)
        self.assertIs(ev("n in [1, 2]", n=NODATA), NODATA)


def _rb(inputs, derived):
    """A rulebook reading `derived` values through formula indicators (points 10^6, scale 4)."""
    text = "[rulebook]\nid = \"t.s18\"\nversion = \"1\"\nscale = 4\n[inputs]\n" + inputs + "\n[derived]\n"
    text += "\n".join(f"{k} = '{v}'" for k, v in derived.items()) + "\n"
    for k in derived:
        text += f'[[indicator]]\nid = "{k}"\nlabel = "{k}"\npoints = 1000000\nformula = "{k}"\n'
    return text


def _derived(text, record, components=()):
    rb = Rulebook(text, list(components))
    return kp_ref.make_ctx(rb, record).derived


class Section18(unittest.TestCase):
    """§18 worked by hand on small lists."""

    REPORTS = 'r = { type = "items", fields = { p = "text", ok = "boolean", n = "integer" }, required = false }'

    def test_item_field_is_one_token(self):
        self.assertEqual(kp_ref.tokenize("item.n + 1")[0], ("itemf", "item.n"))
        self.assertEqual(kp_ref.parse_expr("sum(r, item.期次)")[2][1], ("itemf", "期次"))
        with self.assertRaises(kp_ref.ExprSyntaxError):
            kp_ref.parse_expr("sum(r, item . n)")
        with self.assertRaises(kp_ref.ExprSyntaxError):
            kp_ref.parse_expr("sum(r, item.n.m)")
        # the first argument is bare only when it is one name token
        self.assertEqual(kp_ref.parse_expr("count(r)")[3], "r")
        self.assertIsNone(kp_ref.parse_expr("count((r))")[3])
        self.assertIsNone(kp_ref.parse_expr("count(r + 1)")[3])

    def test_min_max_by_type(self):
        text = _rb('m = { type = "numbers" }\nx = { type = "decimal" }',
                   {"a": "min(m)", "b": "max(m, item * 2, item < 5)", "c": "min(x, 3)", "d": "max(x, min(m))"})
        self.assertEqual(kp_ref.validate_rulebook(text), [])
        d = _derived(text, {"m": [4, "2.5", 7], "x": 1})
        # min 2.5; max of 2·item over marks below 5: 8; scalar min(1, 3) = 1; max(1, 2.5) = 2.5
        self.assertEqual((d["a"], d["b"], d["c"], d["d"]), (F(5, 2), 8, 1, F(5, 2)))

    def test_the_table_of_18_1(self):
        text = _rb(self.REPORTS, {
            "c": "count(r)", "cc": "count(r, item.ok)", "s": "sum(r, item.n)", "sc": "sum(r, item.n, item.ok)",
            "m": "mean(r, item.n)", "mc": "mean(r, item.n, not item.ok)", "lo": "min(r, item.n)",
            "hi": "max(r, item.n, item.ok)", "f": "first(r, item.p)", "l": "last(r, item.p, item.ok)",
            "sh": "share(r, item.ok)"})
        recs = [{"p": "a", "ok": True, "n": 1}, {"p": "b", "ok": False, "n": 5}, {"p": "c", "ok": True, "n": 3}]
        d = _derived(text, {"r": recs})
        self.assertEqual([d[k] for k in ("c", "cc", "s", "sc", "m", "mc", "lo", "hi", "f", "l")],
                         [3, 2, 9, 4, 3, 5, 1, 3, "a", "c"])
        self.assertEqual(d["sh"], F(200, 3))  # 2/3 × 100, exact, not rounded
        none = _derived(text, {"r": []})  # an empty list: 0 for count and sum, no data for the rest
        self.assertEqual([none[k] for k in ("c", "cc", "s", "sc")], [0, 0, 0, 0])
        self.assertTrue(all(none[k] is NODATA for k in ("m", "mc", "lo", "hi", "f", "l", "sh")))
        missing = _derived(text, {})  # a missing optional list: every aggregate no data, count too
        self.assertTrue(all(v is NODATA for v in missing.values()))

    def test_errors_win_over_no_data_and_x_only_for_selected_items(self):
        text = _rb(self.REPORTS + '\nk = { type = "decimal", required = false }\nz = { type = "decimal", default = 1 }',
                   {"nd": "sum(r, item.n, item.n > k)", "sel": "sum(r, 1 / z, item.n > 4)",
                    "fl": "first(r, 1 / (item.n - 2))"})
        rec = {"r": [{"p": "a", "ok": True, "n": 1}, {"p": "b", "ok": True, "n": 3}]}
        d = _derived(text, dict(rec, k=0, z=0))  # nothing over 4: 1/0 never read; k given
        self.assertEqual((d["nd"], d["sel"], d["fl"]), (4, 0, -1))
        self.assertIs(_derived(text, dict(rec, z=0))["nd"], NODATA)  # k missing: cond no data
        # first() reads x for every selected item: 1 / (2 − 2) fails although the first is 1/(1-2)
        rec["r"].append({"p": "c", "ok": True, "n": 2})
        with self.assertRaises(KpError) as e:
            _derived(text, rec)
        self.assertEqual((e.exception.kind, e.exception.at, e.exception.item), ("DivisionByZero", "fl", None))

    def test_known(self):
        self.assertIs(ev("known(n)", n=NODATA), False)
        self.assertIs(ev("known(n) and n > 1", n=NODATA), False)
        self.assertIs(ev("known(n + 1)", n=2), True)
        with self.assertRaises(KpError):
            ev("known(1 / z)", z=0)

    def test_item_paths(self):
        sub = ('[rulebook]\nid = "t.sub"\nversion = "1"\nkey_field = "id"\n[inputs]\n'
               'id = { type = "integer", required = false }\nm = { type = "integer", min = 1 }\n'
               '[[indicator]]\nid = "a"\nlabel = "a"\npoints = 1\nformula = "1 / m"\n')
        text = _rb('hh = { type = "items", rulebook = "t.sub" }\n' + self.REPORTS, {"t": "sum(hh, item.total)"})
        r = score(Rulebook(text, [sub]), {"hh": [{"id": 5100000017, "m": 1}, {"m": 0}, {"id": "5100000019.0"}],
                                          "r": [{"p": "x", "ok": 2, "n": 1}]})
        self.assertEqual(r["error"], {"kind": "InputOutOfRange", "field": "m", "item": "hh[2]", "all": [
            ["InputOutOfRange", "m", "hh[2]"], ["MissingInput", "m", "hh[3] (5100000019)"],
            ["InputType", "ok", "r[1]"]]})

    def test_order_by(self):
        text = _rb('r = { type = "items", fields = { p = "text", n = "integer" }, order_by = "p" }',
                   {"f": "first(r, item.n)", "l": "last(r, item.n)"})
        d = _derived(text, {"r": [{"p": "b", "n": 1}, {"p": "B", "n": 2}, {"p": "a", "n": 3}, {"p": "B", "n": 4}]})
        self.assertEqual((d["f"], d["l"]), (2, 1))  # B (2), B (4), a, b: code points, stable

    def test_table_keys(self):
        self.assertEqual(kp_ref.table_key(" ５１００００００１７ "), "5100000017")
        self.assertEqual(kp_ref.table_key("5100000017.0"), "5100000017")
        self.assertEqual(kp_ref.table_key("5100000017.5"), "5100000017.5")
        self.assertEqual(kp_ref.table_key("新村"), "新村")
        self.assertIsNone(kp_ref.table_key("  "))
        self.assertEqual(kp_ref.parse_decimal_text("１２．５"), F(25, 2))

    def test_a_table_scores_as_its_records(self):
        sub = ('[rulebook]\nid = "t.sub"\nversion = "1"\n[inputs]\nv = { type = "decimal", label = "值" }\n'
               '[[indicator]]\nid = "a"\nlabel = "a"\npoints = 10\nformula = "v"\n')
        text = _rb('k = { type = "text", label = "键" }\nhh = { type = "items", rulebook = "t.sub" }',
                   {"t": "sum(hh, item.total)"}).replace("scale = 4", 'scale = 4\nkey_field = "k"')
        rb = Rulebook(text, [sub])
        got = kp_ref.score_tables(rb, "键\nA\nB\nC\n", {"hh": "值,k\n1,A\n2.5,C\n4,A\n9,D\n"})
        want, _ = kp_ref.score_batch(rb, [{"k": "A", "hh": [{"v": "1"}, {"v": "4"}]}, {"k": "B", "hh": []},
                                          {"k": "C", "hh": [{"v": "2.5"}]}])
        self.assertEqual(got["rows"], want)
        self.assertEqual(got["unmatched"], {"hh": {"count": 1, "first": "D"}})
        self.assertEqual([r["points"]["t"] for r in got["rows"]], ["5.0000", "0.0000", "2.5000"])


class LoadChecks18(unittest.TestCase):
    """Every §18 load-error case file names its kind, and the reference refuses the rulebook with
    exactly that kind; the same checks pass a rulebook without the fault."""

    def test_each_load_vector_fails_with_its_kind_only(self):
        n = 0
        for fn in sorted(os.listdir(os.path.join(HERE, "cases"))):
            if not fn.startswith(("load-aggregate-", "load-items-", "load-name-")):
                continue
            spec = make_vectors.load_case_file(os.path.join(HERE, "cases", fn))
            kinds = {k for k, _, _ in kp_ref.validate_rulebook(spec["rulebook"], spec.get("components", []))}
            self.assertEqual(kinds, {spec["load_error"]}, fn)
            n += 1
        self.assertGreaterEqual(n, 25)

    def test_the_checks_can_pass(self):
        inputs = ('x = { type = "decimal" }\nm = { type = "numbers", default = [] }\n'
                  'r = { type = "items", fields = { p = "text", ok = "boolean", n = "integer" }, order_by = "p", default = [] }')
        good = {"a": "count(r, item.ok)", "b": "sum(m)", "c": "first(r, item.p)", "d": "mean(r, item.n, item.n > x)",
                "e": "known(x) and max(m, item, item > 1) > 0"}
        self.assertEqual(kp_ref.validate_rulebook(_rb(inputs, good)), [])
        for bad, kind in [("count(x)", "TypeMismatch"), ("sum(r)", "TypeMismatch"), ("count(r, item.n)", "TypeMismatch"),
                          ("sum(r, item.p)", "TypeMismatch"), ("item.n", "UnknownName"), ("sum(r, item.q)", "UnknownName"),
                          ("sum(m, item.n)", "UnknownName"), ("sum(r, count(m))", "Schema"), ("m * 2", "TypeMismatch"),
                          ("share(r)", "TypeMismatch"), ("count((r))", "TypeMismatch")]:
            kinds = {k for k, _, _ in kp_ref.validate_rulebook(_rb(inputs, dict(good, z=bad)))}
            self.assertEqual(kinds, {kind}, bad)


SPEC_EXAMPLE = os.path.join(HERE, "cases", "spec-example.toml")


class SpecExample(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        spec = make_vectors.load_case_file(SPEC_EXAMPLE)
        cls.rb = Rulebook(spec["rulebook"])
        cls.rec = {"county": "示例县", "region": "凉山彝区", "population": 100000,
                   "poor_population": 3000, "income_growth": 6, "sampled": 320,
                   "satisfied": 266, "expert_marks": [7, 8, 9, 6, 10]}

    def test_section_13(self):
        # 凉山彝区: inc_good 3 -> incidence 3000/100000*100 = 3 <= 3 -> 30
        # income 6 on 0..8 -> 0..20: 6*20/8 = 15
        # satisfaction 266/320*100 = 83.125 -> (83.125 - 80) * 15/15 = 3.125 -> half_up 3.13
        # experts [7,8,9,6,10]: drop 10 and 6, mean 8 -> 8/10*15 = 12
        # funds: no audit issues -> 20;  total 30 + 15 + 3.13 + 12 + 20 = 80.13 -> 较好
        r = score(self.rb, self.rec)
        self.assertEqual(r["total"], "80.13")
        self.assertEqual(r["grade"], "较好")
        self.assertEqual(r["points"]["help.satisfaction"], "3.13")
        self.assertEqual(r["points"]["reduction.incidence"], "30.00")
        self.assertEqual(r["points"]["reduction.income"], "15.00")
        self.assertEqual(r["points"]["help.experts"], "12.00")
        self.assertEqual(r["points"]["funds"], "20.00")
        self.assertEqual(r["next_grade"], {"grade": "好", "gap": "9.87"})
        # criterion: 3 < exit_limit (3 since 2016-08-01) fails
        self.assertIs(r["passed"], False)

    def test_embedded_tests(self):
        import tomllib
        import decimal
        d = tomllib.loads(self.rb.text, parse_float=decimal.Decimal)
        for t in d.get("test", []):
            rec = make_vectors.jsonify(t["record"])
            r = score(self.rb, rec)
            self.assertEqual(make_vectors.partial_mismatches(make_vectors.jsonify(t["expect"]), r), [], t["name"])

    def test_veto_keeps_points(self):
        r = score(self.rb, dict(self.rec, falsified=True))
        self.assertEqual((r["total"], r["grade"], r["base"]), ("0.00", "较差", "80.13"))
        self.assertEqual(r["vetoes"], ["falsified"])

    def test_unknown_profile_first(self):
        rec = dict(self.rec, region="火星")
        del rec["population"]
        self.assertEqual(score(self.rb, rec)["error"]["kind"], "UnknownProfile")


class CaseFiles(unittest.TestCase):
    def test_hand_expectations_and_vectors(self):
        files, problems = make_vectors.generate()
        self.assertEqual(problems, [])
        stale = []
        for fn, text in files.items():
            path = os.path.join(make_vectors.VECTORS, fn)
            try:
                with open(path, encoding="utf-8") as f:
                    if f.read() != text:
                        stale.append(fn)
            except FileNotFoundError:
                stale.append(fn)
        self.assertEqual(stale, [], "vectors out of date: run python3 tests/reference/make_vectors.py")

    def test_regeneration_is_deterministic(self):
        a, _ = make_vectors.generate(["cab", "relative", "spec-example"])
        b, _ = make_vectors.generate(["cab", "relative", "spec-example"])
        self.assertEqual(a, b)


def _families():
    """cases/_families.py, the random families' generator (a helper beside the case files)."""
    spec = importlib.util.spec_from_file_location("families", os.path.join(HERE, "cases", "_families.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


class RandomFamilies(unittest.TestCase):
    """The random families (cases/random-<n>.py) are what the property tests and the fuzzer missed
    before issue 30: a component reading no data. They must keep reaching it."""

    @classmethod
    def setUpClass(cls):
        cls.vectors = []
        for fn in sorted(os.listdir(os.path.join(HERE, "cases"))):
            if fn.startswith("random-") and fn.endswith(".py"):
                spec = make_vectors.load_case_file(os.path.join(HERE, "cases", fn))
                cls.vectors.append(spec)
        cls.families = _families()

    def test_the_same_seed_gives_the_same_family(self):
        self.assertGreaterEqual(len(self.vectors), 6)
        for n in (1, 2, 3):
            self.assertEqual(self.families.vector(n), self.families.vector(n))
        self.assertNotEqual(self.families.vector(1)["rulebook"], self.families.vector(2)["rulebook"])

    def test_they_reach_no_data_inside_components_nested_components_and_lists(self):
        seen = set()
        for spec in self.vectors:
            comps = spec["components"]
            books = []
            for c in comps:
                books.append(Rulebook(c, list(books)))
            if len(comps) > 1 and any(i.rule_kind == "component" for i in books[1].indicators):
                seen.add("a component of a component")
            for c in spec["cases"]:
                r = score(Rulebook(spec["rulebook"], comps), c["record"])
                if "error" in r:
                    continue
                rec = c["record"]
                for name in ("marks", "awards"):
                    seen.add(f"{name} {'missing' if name not in rec else 'empty' if rec[name] == [] else 'given'}")
                for crb in books:
                    ctx = kp_ref.make_ctx(crb, rec, force_profile=True, forced=r["profile"])
                    optional_missing = [n for n, d in crb.inputs.items()
                                        if d.get("required") is False and rec.get(n) is None]
                    derived_no_data = [n for n, v in ctx.derived.items() if v is NODATA]
                    inner = score(crb, rec, r["profile"])
                    if optional_missing and derived_no_data and "no_data" in inner.get("status", {}).values():
                        seen.add("a component's derived value reading a missing optional input, and a leaf "
                                 "with no data")
                    for kind in ("panel", "items", "count"):
                        if any(i.rule_kind == kind for i in crb.indicators):
                            seen.add(f"{kind} in a component")
        want = {"a component of a component", "a component's derived value reading a missing optional input, "
                "and a leaf with no data", "panel in a component", "items in a component", "count in a component",
                "marks missing", "marks empty", "marks given", "awards missing", "awards empty", "awards given"}
        self.assertEqual(want - seen, set())


def _walk(node, out, pick):
    """Collect pick(node) over an expression tree (None is skipped)."""
    if isinstance(node, tuple):
        got = pick(node)
        if got is not None:
            out.append(got)
        for x in node[1:]:
            for y in (x if isinstance(x, list) else [x]):
                if isinstance(y, tuple):
                    _walk(y, out, pick)
    return out


def _aggregates(node):
    return _walk(node, [], lambda n: n if n[0] == "call" and n[1] in kp_ref.AGGREGATES and n[3] is not None else None)


def _names(node):
    return set(_walk(node, [], lambda n: n[1] if n[0] == "name" else None))


class RollupFamilies(unittest.TestCase):
    """The random roll-up families (cases/rollup-random-<n>.py) must keep reaching the shapes of §18."""

    @classmethod
    def setUpClass(cls):
        spec = importlib.util.spec_from_file_location("rollups", os.path.join(HERE, "cases", "_rollups.py"))
        cls.mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(cls.mod)
        cls.vectors = [make_vectors.load_case_file(os.path.join(HERE, "cases", fn))
                       for fn in sorted(os.listdir(os.path.join(HERE, "cases")))
                       if fn.startswith("rollup-random-") and fn.endswith(".py")]

    def test_the_same_seed_gives_the_same_family(self):
        self.assertGreaterEqual(len(self.vectors), 6)
        self.assertEqual(self.mod.vector(4), self.mod.vector(4))
        self.assertNotEqual(self.mod.vector(1)["rulebook"], self.mod.vector(2)["rulebook"])

    def test_they_reach_the_shapes_of_section_18(self):
        seen = set()
        for spec in self.vectors:
            rb = Rulebook(spec["rulebook"], spec["components"])
            mid = rb.sub_rulebook("mids")
            for book in (rb, mid):
                own = set(book.inputs) | set(book.params) | set(book.derived)
                for node in book.derived.values():
                    for agg in _aggregates(node):
                        lst = book.inputs[agg[3]]
                        seen.add("an aggregate over " + ("marks" if lst["type"] == "numbers" else
                                                          "scored items" if "rulebook" in lst else "a fields list"))
                        if any(_names(a) & own for a in agg[2][1:]):
                            seen.add("an aggregate's argument reading a parent name")
            if spec.get("batch") and any(i.rule_kind == "relative" for i in rb.indicators):
                seen.add("a batch ranking by a relative rule over an aggregate")
            for c in spec["cases"]:
                rec = c["record"]
                try:
                    ctx = kp_ref.make_ctx(rb, rec)
                except KpError as e:
                    if e.item is not None:
                        what = "an item input error" if e.all is not None else "an item evaluation error"
                        seen.add(what + (" two levels down" if "." in e.item else ""))
                    continue
                for lname in ("mids", "marks", "reports"):
                    if rec.get(lname) is None:
                        seen.add("a list left out: " + ("its default []" if "default" in rb.inputs[lname] else "no data"))
                    elif rec[lname] == []:
                        seen.add("an empty list")
                mids = rec.get("mids") or []
                if any(m.get("leaves") for m in mids):
                    seen.add("three scored levels")
                for name, v in ctx.derived.items():
                    if v is NODATA and any(rec.get(a[3]) for a in _aggregates(rb.derived[name])):
                        seen.add("an aggregate with no data over a list that has items")
                ordered = [(rb.inputs[n].get("order_by"), rec.get(n) or []) for n in ("mids", "reports")]
                ordered += [(mid.inputs["leaves"].get("order_by"), m.get("leaves") or []) for m in mids]
                for f, items in ordered:
                    vals = [it.get(f) for it in items] if f else []
                    given = [str(x) for x in vals if x is not None]
                    if len(set(given)) < len(given):
                        seen.add("order_by with a tie")
                    if given and len(given) < len(vals):
                        seen.add("order_by with a missing value")
        want = {"an aggregate over marks", "an aggregate over scored items", "an aggregate over a fields list",
                "an aggregate's argument reading a parent name", "a batch ranking by a relative rule over an aggregate",
                "an item input error", "an item input error two levels down", "an item evaluation error two levels down",
                "a list left out: its default []", "a list left out: no data", "an empty list", "three scored levels",
                "an aggregate with no data over a list that has items", "order_by with a tie",
                "order_by with a missing value"}
        self.assertEqual(want - seen, set())


@unittest.skipUnless(BENCH, "shared/bench not found")
class AgainstBenchReference(unittest.TestCase):
    """kp_ref reading cab.toml must agree with bench/reference.py, which hand-codes
    the same rules with Fractions, on random rows shaped like bench/gen.py's."""

    def test_random_rows(self):
        sys.path.insert(0, BENCH)
        try:
            spec = importlib.util.spec_from_file_location("bench_reference", os.path.join(BENCH, "reference.py"))
            bench = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(bench)
        finally:
            sys.path.remove(BENCH)
        with open(os.path.join(BENCH, "cab.toml"), encoding="utf-8") as f:
            rb = Rulebook(f.read())
        rng = random.Random(20261128)
        regions = ["秦巴山区", "乌蒙山区", "高原藏区", "凉山彝区", "片区外"]
        grades = ["好", "较好", "一般", "较差"]

        def cents(c):
            s = "-" if c < 0 else ""
            return f"{s}{abs(c) // 100}.{abs(c) % 100:02d}"
        for _ in range(400):
            pop = rng.randint(20000, 900000)
            s = rng.randint(200, 1000)
            alloc = rng.randint(100_000_000, 50_000_000_000)
            row = {
                "region": rng.choice(regions), "population": str(pop),
                "poor_population": str(rng.randint(0, pop * 12 // 100)), "sampled": str(s),
                "misexited": str(rng.randint(0, s * 4 // 100)), "missed": str(rng.randint(0, s * 4 // 100)),
                "satisfied": str(rng.randint((s * 75 + 99) // 100, s)),
                "income_growth": cents(rng.randint(-200, 1800)), "funds_allocated": cents(alloc),
                "funds_spent": cents(alloc * rng.randint(500_000, 1_050_000) // 1_000_000),
                "audit_issues": str(rng.randint(0, 8)), "awards": str(rng.randint(0, 5)),
                "falsified": "true" if rng.random() < 0.05 else "false",
            }
            for b in ["has_housing", "has_education", "has_medical", "has_water", "has_power", "has_broadcast"]:
                row[b] = "true" if rng.random() < 0.9 else "false"
            want_cents, want_grade = bench.score(row)
            rec = {k: (int(v) if v.lstrip("-").isdigit() and "." not in v and k not in ("region",) else v)
                   for k, v in row.items()}
            for b in ["falsified", "has_housing", "has_education", "has_medical", "has_water", "has_power",
                      "has_broadcast"]:
                rec[b] = row[b] == "true"
            r = score(rb, rec)
            self.assertNotIn("error", r, row)
            self.assertEqual(F(r["total"]) * 100, want_cents, row)
            self.assertEqual(r["grade"], grades[want_grade], row)


if __name__ == "__main__":
    unittest.main(verbosity=2)
