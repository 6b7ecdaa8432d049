#!/usr/bin/env python3
"""kp_ref -- an independent, exact reference scorer for kaoping rulebooks.

Standard library only.  Every number is a fractions.Fraction; TOML is parsed
with parse_float=decimal.Decimal and converted exactly; no float is ever used
in scoring.  The readings of the spec this implements are listed in README.md
next to this file.

Library use:

    rb = Rulebook(toml_text, components=[toml_text, ...])     # components innermost first
    res = score(rb, record, profile=None, as_of=None)        # one record, alone
    results, summary = score_batch(rb, [record, ...])        # one batch

`score` returns a dict in the golden-vector "expect" format (see README.md);
a record that fails returns {"error": {...}}.

CLI:

    kp_ref.py RULEBOOK.toml RECORDS.json [--component C.toml ...]
              [--profile P] [--as-of YYYY-MM-DD] [--batch]
    kp_ref.py RULEBOOK.toml PARENT.csv [--items LIST=CHILD.csv ...] [--component C.toml ...]

RECORDS.json is one JSON object (one record) or a list of records; a .csv is a parent table
scored as one batch with its child tables (§18.5: --items villages.households=households.csv).
Components and the rulebooks that score items are given innermost first.
"""
import collections
import csv
import datetime
import decimal
import io
import json
import re
import sys
import tomllib
from fractions import Fraction

__all__ = ["Rulebook", "score", "score_batch", "score_tables", "KpError",
           "round_frac", "fmt", "parse_expr", "validate_rulebook"]

ZERO = Fraction(0)
ONE = Fraction(1)
I64_MIN, I64_MAX = -(2 ** 63), 2 ** 63 - 1
ROUNDING_MODES = ("half_up", "half_even", "down", "up", "floor", "ceiling")
RULE_KINDS = ("bands", "linear", "check", "count", "deduct", "ratio", "lookup",
              "relative", "formula", "component", "panel", "items")
INPUT_ERROR_KINDS = ("MissingInput", "InputType", "InputOutOfRange")


# ---------------------------------------------------------------------------
# errors and the "no data" marker

class KpError(Exception):
    """A scoring error: kind (spec §17) plus its place."""

    def __init__(self, kind, message="", field=None, at=None, all_errors=None, item=None):
        super().__init__(f"{kind}: {message}" if message else kind)
        self.kind = kind
        self.message = message
        self.field = field
        self.at = at
        self.item = item  # the item path (§18.2), e.g. "villages[3] (新村).households[17] (5100000017)"
        self.all = all_errors  # for input errors: [(kind, field, item path or None), ...]

    def inside(self, segment):
        """The same error, seen from the parent of the item `segment` it happened in."""
        self.item = segment if self.item is None else f"{segment}.{self.item}"
        if self.all is not None:
            self.all = [(k, f, segment if p is None else f"{segment}.{p}") for k, f, p in self.all]
        return self

    def expect(self):
        d = {"kind": self.kind}
        if self.field is not None:
            d["field"] = self.field
        if self.at is not None:
            d["at"] = self.at
        if self.item is not None:
            d["item"] = self.item
        if self.all is not None:
            d["all"] = [[k, f] if p is None else [k, f, p] for k, f, p in self.all]
        return d


class _NoData:
    _inst = None

    def __new__(cls):
        if cls._inst is None:
            cls._inst = super().__new__(cls)
        return cls._inst

    def __repr__(self):
        return "NODATA"

    def __bool__(self):
        raise TypeError("no data has no truth value")


NODATA = _NoData()


# ---------------------------------------------------------------------------
# numbers: conversion, rounding, formatting

def to_frac(v):
    """An exact Fraction from a TOML/JSON number (int, Decimal, decimal text)."""
    if isinstance(v, bool):
        raise TypeError("boolean is not a number")
    if isinstance(v, Fraction):
        return v
    if isinstance(v, int):
        return Fraction(v)
    if isinstance(v, decimal.Decimal):
        if not v.is_finite():
            raise ValueError("not a finite number")
        return Fraction(v)
    if isinstance(v, float):  # never produced by our TOML parsing; callers' floats
        if v != v or v in (float("inf"), float("-inf")):
            raise ValueError("NaN or infinity")
        return Fraction(decimal.Decimal(repr(v)))  # shortest round-trip text
    if isinstance(v, str):
        return parse_decimal_text(v)
    raise TypeError(f"not a number: {v!r}")


_DEC_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")


_FULL_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_FULL_WIDTH[0x3000] = 0x20


def ascii_forms(s):
    """Full-width forms (１２．５, ＡＢ, the ideographic space) as their ASCII forms (§3, §18.5)."""
    return s.translate(_FULL_WIDTH)


def parse_decimal_text(s):
    t = ascii_forms(s).strip()
    if not _DEC_RE.fullmatch(t):
        raise ValueError(f"not a decimal: {s!r}")
    return Fraction(decimal.Decimal(t))


def round_frac(x, scale, mode):
    """Round the exact value x to `scale` decimal places with one of the six
    modes of spec §2.  Returns a Fraction whose denominator divides 10**scale."""
    q = 10 ** scale
    n = x * q
    fl = n.numerator // n.denominator  # floor
    rem = n - fl  # in [0, 1)
    if rem == 0:
        r = fl
    elif mode == "floor":
        r = fl
    elif mode == "ceiling":
        r = fl + 1
    elif mode == "down":  # toward zero
        r = fl if x > 0 else fl + 1
    elif mode == "up":  # away from zero
        r = fl + 1 if x > 0 else fl
    elif mode in ("half_up", "half_even"):
        half = Fraction(1, 2)
        if rem > half:
            r = fl + 1
        elif rem < half:
            r = fl
        elif mode == "half_up":  # midpoint away from zero
            r = fl + 1 if x > 0 else fl
        else:  # half_even
            r = fl if fl % 2 == 0 else fl + 1
    else:
        raise ValueError(f"unknown rounding mode {mode!r}")
    return Fraction(r, q)


def fmt(x, scale):
    """Decimal text of x with exactly `scale` places; x must be exact at scale."""
    q = 10 ** scale
    n = x * q
    if n.denominator != 1:
        raise ValueError(f"{x} is not exact at scale {scale}")
    n = n.numerator
    sign = "-" if n < 0 else ""
    n = abs(n)
    if scale == 0:
        return f"{sign}{n}"
    return f"{sign}{n // q}.{n % q:0{scale}d}"


def fmt_display(x, places=28):
    """Decimal text of an exact value for messages (not used in vectors)."""
    if x.denominator == 1:
        return str(x.numerator)
    r = round_frac(x, places, "half_even")
    return fmt(r, places).rstrip("0")


def clamp(x, lo, hi):
    return lo if x < lo else hi if x > hi else x


# ---------------------------------------------------------------------------
# the expression language (spec §5)

KEYWORDS = {"if", "then", "else", "and", "or", "not", "in", "true", "false"}
FUNCS1 = {"abs", "floor", "ceil"}
FUNCS_N = {"min", "max"}
# §18.1: aggregates over a list input.  min and max are aggregates only when their first argument
# is a bare list input (decided against the rulebook's inputs, at load and when evaluated).
AGGREGATES = ("count", "sum", "mean", "min", "max", "first", "last", "share")
_TOKEN_RE = re.compile(r"""
    (?P<ws>\s+)
  | (?P<num>\d+(?:\.\d+)?)
  | (?P<str>"[^"]*")
  | (?P<itemf>item\.[^\W\d]\w*)
  | (?P<name>[^\W\d]\w*)
  | (?P<op>==|!=|<=|>=|<|>|\+|-|\*|/|\(|\)|,|\[|\])
""", re.VERBOSE)


class ExprSyntaxError(Exception):
    pass


def tokenize(src):
    toks = []
    pos = 0
    while pos < len(src):
        m = _TOKEN_RE.match(src, pos)
        if not m:
            raise ExprSyntaxError(f"unexpected character {src[pos]!r} at {pos} in {src!r}")
        kind = m.lastgroup
        text = m.group()
        pos = m.end()
        if kind == "ws":
            continue
        if kind == "name" and text in KEYWORDS:
            kind = "kw"
        toks.append((kind, text))
    toks.append(("end", ""))
    return toks


class _Parser:
    def __init__(self, src):
        self.src = src
        self.toks = tokenize(src)
        self.i = 0

    def peek(self):
        return self.toks[self.i]

    def take(self):
        t = self.toks[self.i]
        self.i += 1
        return t

    def accept(self, kind, text=None):
        t = self.peek()
        if t[0] == kind and (text is None or t[1] == text):
            self.i += 1
            return True
        return False

    def expect(self, kind, text=None):
        t = self.take()
        if t[0] != kind or (text is not None and t[1] != text):
            raise ExprSyntaxError(f"expected {text or kind}, found {t[1]!r} in {self.src!r}")
        return t

    def parse(self):
        e = self.expr()
        if self.peek()[0] != "end":
            raise ExprSyntaxError(f"unexpected {self.peek()[1]!r} in {self.src!r}")
        return e

    # if ... then ... else ...  (lowest; else extends as far right as possible)
    def expr(self):
        if self.accept("kw", "if"):
            c = self.expr()
            self.expect("kw", "then")
            t = self.expr()
            self.expect("kw", "else")
            e = self.expr()
            return ("if", c, t, e)
        return self.or_expr()

    def or_expr(self):
        a = self.and_expr()
        while self.accept("kw", "or"):
            a = ("or", a, self.and_expr())
        return a

    def and_expr(self):
        a = self.not_expr()
        while self.accept("kw", "and"):
            a = ("and", a, self.not_expr())
        return a

    def not_expr(self):
        if self.accept("kw", "not"):
            return ("not", self.not_expr())
        return self.cmp_expr()

    def cmp_expr(self):
        a = self.add_expr()
        t = self.peek()
        if t[0] == "op" and t[1] in ("==", "!=", "<", "<=", ">", ">="):
            self.take()
            b = self.add_expr()
            node = ("cmp", t[1], a, b)
        elif t == ("kw", "in"):
            self.take()
            self.expect("op", "[")
            elems = []
            if not self.accept("op", "]"):
                elems.append(self.expr())
                while self.accept("op", ","):
                    elems.append(self.expr())
                self.expect("op", "]")
            node = ("in", a, elems)
        else:
            return a
        t = self.peek()
        if (t[0] == "op" and t[1] in ("==", "!=", "<", "<=", ">", ">=")) or t == ("kw", "in"):
            raise ExprSyntaxError(f"comparisons are non-associative in {self.src!r}")
        return node

    def add_expr(self):
        a = self.mul_expr()
        while True:
            t = self.peek()
            if t[0] == "op" and t[1] in ("+", "-"):
                self.take()
                a = ("bin", t[1], a, self.mul_expr())
            else:
                return a

    def mul_expr(self):
        a = self.unary()
        while True:
            t = self.peek()
            if t[0] == "op" and t[1] in ("*", "/"):
                self.take()
                a = ("bin", t[1], a, self.unary())
            else:
                return a

    def unary(self):
        if self.accept("op", "-"):
            return ("neg", self.unary())
        return self.atom()

    def atom(self):
        t = self.take()
        if t[0] == "num":
            return ("num", Fraction(decimal.Decimal(t[1])))
        if t[0] == "str":
            return ("str", t[1][1:-1])
        if t == ("kw", "true"):
            return ("bool", True)
        if t == ("kw", "false"):
            return ("bool", False)
        if t[0] == "op" and t[1] == "(":
            e = self.expr()
            self.expect("op", ")")
            return e
        if t[0] == "itemf":
            return ("itemf", t[1][len("item."):])
        if t[0] == "name":
            if self.accept("op", "("):
                args = []
                bare = None  # the first argument's name when it is one bare name token (§18.1)
                if not self.accept("op", ")"):
                    start = self.i
                    args.append(self.expr())
                    if self.i == start + 1 and self.toks[start][0] == "name":
                        bare = self.toks[start][1]
                    while self.accept("op", ","):
                        args.append(self.expr())
                    self.expect("op", ")")
                return self.call(t[1], args, bare)
            if t[1] == "item":
                return ("item",)
            return ("name", t[1])
        raise ExprSyntaxError(f"unexpected {t[1]!r} in {self.src!r}")

    def call(self, f, args, bare=None):
        """A call node ("call", f, args, bare).  Arity of aggregates, of min/max and of known
        is checked at load against the rulebook (TypeMismatch, §18.1), not here."""
        if f in FUNCS1:
            if len(args) != 1:
                raise ExprSyntaxError(f"{f} takes one argument")
        elif f in AGGREGATES or f == "known":
            pass
        elif f == "round":
            if len(args) != 2 or args[1][0] != "num" or args[1][1].denominator != 1 or args[1][1] < 0:
                raise ExprSyntaxError("round(x, n) needs an integer literal n >= 0")
        elif f in ("points", "max_points"):
            if len(args) != 1 or args[0][0] != "str":
                raise ExprSyntaxError(f"{f} takes one string literal")
        else:
            raise ExprSyntaxError(f"unknown function {f!r}")
        return ("call", f, args, bare)


_EXPR_CACHE = {}


def parse_expr(src):
    if src not in _EXPR_CACHE:
        _EXPR_CACHE[src] = _Parser(src).parse()
    return _EXPR_CACHE[src]


def expr_names(node, out=None):
    """Names (inputs, params, derived) an expression reads."""
    if out is None:
        out = []
    t = node[0]
    if t == "name":
        out.append(node[1])
    elif t in ("neg", "not"):
        expr_names(node[1], out)
    elif t in ("bin", "cmp"):
        expr_names(node[2], out)
        expr_names(node[3], out)
    elif t in ("and", "or"):
        expr_names(node[1], out)
        expr_names(node[2], out)
    elif t == "if":
        for x in node[1:]:
            expr_names(x, out)
    elif t == "in":
        expr_names(node[1], out)
        for x in node[2]:
            expr_names(x, out)
    elif t == "call" and node[1] not in ("points", "max_points"):
        for x in node[2]:
            expr_names(x, out)
    return out


def evaluate(node, ctx):
    """Evaluate an AST.  Returns a Fraction, bool, str, NODATA, or (for names of
    list inputs) a list.  Raises KpError (kind only, place filled in by the
    caller) on division by zero."""
    t = node[0]
    if t == "num":
        return node[1]
    if t == "str":
        return node[1]
    if t == "bool":
        return node[1]
    if t == "name":
        return ctx.lookup(node[1])
    if t == "item":
        return ctx.current_item()
    if t == "itemf":
        return ctx.current_item()[node[1]]
    if t == "neg":
        v = evaluate(node[1], ctx)
        if v is NODATA:
            return NODATA
        return -v
    if t == "bin":
        a = evaluate(node[2], ctx)
        b = evaluate(node[3], ctx)
        if a is NODATA or b is NODATA:
            return NODATA
        op = node[1]
        if op == "+":
            return a + b
        if op == "-":
            return a - b
        if op == "*":
            return a * b
        if b == 0:
            raise KpError("DivisionByZero", "division by zero")
        return a / b
    if t == "cmp":
        a = evaluate(node[2], ctx)
        b = evaluate(node[3], ctx)
        if a is NODATA or b is NODATA:
            return NODATA
        op = node[1]
        if op == "==":
            return a == b
        if op == "!=":
            return a != b
        if op == "<":
            return a < b
        if op == "<=":
            return a <= b
        if op == ">":
            return a > b
        return a >= b
    if t == "in":
        x = evaluate(node[1], ctx)
        elems = [evaluate(e, ctx) for e in node[2]]
        if x is NODATA:
            return NODATA
        return any(e is not NODATA and e == x and type(e) is type(x) for e in elems)
    if t == "not":
        v = evaluate(node[1], ctx)
        if v is NODATA:
            return NODATA
        return not v
    if t == "and":
        a = evaluate(node[1], ctx)
        if a is NODATA:
            return NODATA
        if a is False:
            return False
        return evaluate(node[2], ctx)
    if t == "or":
        a = evaluate(node[1], ctx)
        if a is NODATA:
            return NODATA
        if a is True:
            return True
        return evaluate(node[2], ctx)
    if t == "if":
        c = evaluate(node[1], ctx)
        if c is NODATA:
            return NODATA
        return evaluate(node[2] if c else node[3], ctx)
    if t == "call":
        f, args = node[1], node[2]
        if f == "points":
            return ctx.points_of(args[0][1])
        if f == "max_points":
            return ctx.max_points_of(args[0][1])
        if f == "known":
            return evaluate(args[0], ctx) is not NODATA
        if is_aggregate(node, getattr(ctx, "rb", None)):
            return evaluate_aggregate(node, ctx)
        vals = [evaluate(a, ctx) for a in args]
        if any(v is NODATA for v in vals):
            return NODATA
        if f == "min":
            return min(vals)
        if f == "max":
            return max(vals)
        if f == "abs":
            return abs(vals[0])
        if f == "floor":
            n = vals[0]
            return Fraction(n.numerator // n.denominator)
        if f == "ceil":
            n = vals[0]
            return Fraction(-((-n.numerator) // n.denominator))
        if f == "round":
            return round_frac(vals[0], int(vals[1]), ctx.rb.rounding)
    raise AssertionError(f"bad node {node!r}")


def is_list_input(rb_inputs, name):
    spec = rb_inputs.get(name) if name is not None else None
    return isinstance(spec, dict) and spec.get("type") in ("numbers", "items")


def is_aggregate(node, rb):
    """Is this call node an aggregate (§18.1)?  count, sum, mean, first, last and share always
    are; min and max only when their first argument is a bare list input of the rulebook."""
    f = node[1]
    if f not in AGGREGATES:
        return False
    if f in FUNCS_N:
        return is_list_input(getattr(rb, "inputs", {}) or {}, node[3])
    return True


def aggregate_parts(f, args, numbers):
    """(x, cond) of an aggregate call whose arity was checked at load: count(L[, cond]),
    share(L, cond), the others (L, x[, cond]), and for a numbers list (L) meaning (L, item)."""
    rest = args[1:]
    if f == "count":
        return None, (rest[0] if rest else None)
    if f == "share":
        return None, rest[0]
    if not rest and numbers:
        return ("item",), None
    return rest[0], (rest[1] if len(rest) > 1 else None)


def evaluate_aggregate(node, ctx):
    """§18.1: cond for every item, x for every selected item; the first error (in list order)
    wins; else any no-data cond or x makes the aggregate no data.  An item whose cond is no
    data is not selected, so its x is not evaluated.  A missing list is no data."""
    f, args, name = node[1], node[2], node[3]
    items = ctx.values[name]
    if items is NODATA:
        return NODATA
    numbers = ctx.rb.inputs[name]["type"] == "numbers"
    x, cond = aggregate_parts(f, args, numbers)
    no_data = False
    selected = []
    for it in items:
        ctx.items.append(it)
        try:
            if cond is not None:
                c = evaluate(cond, ctx)
                if c is NODATA:
                    no_data = True
                    continue
                if c is not True:
                    continue
            if x is None:
                selected.append(None)
                continue
            v = evaluate(x, ctx)
            if v is NODATA:
                no_data = True
                continue
            selected.append(v)
        finally:
            ctx.items.pop()
    if no_data:
        return NODATA
    n = len(selected)
    if f == "count":
        return Fraction(n)
    if f == "share":
        return NODATA if not items else Fraction(n, len(items)) * 100
    if f == "sum":
        return sum(selected, ZERO)
    if n == 0:
        return NODATA
    if f == "mean":
        return sum(selected, ZERO) / n
    if f == "min":
        return min(selected)
    if f == "max":
        return max(selected)
    if f == "first":
        return selected[0]
    return selected[-1]  # last


# ---------------------------------------------------------------------------
# the rulebook

def _date(v):
    if isinstance(v, datetime.date):
        return v
    return datetime.date.fromisoformat(str(v))


class Indicator:
    def __init__(self, d, kind="indicator"):
        self.d = d
        self.id = d["id"]
        self.kind = kind  # "indicator", "bonus", "penalty"
        self.label = d.get("label")
        self.points = to_frac(d["points"])
        self.weight = to_frac(d["weight"]) if "weight" in d else None
        self.aggregate = d.get("aggregate", "sum")
        self.applies = parse_expr(d["applies"]) if "applies" in d else None
        rules = [k for k in RULE_KINDS if k in d]
        self.rule_kind = rules[0] if rules else None
        self.rule = d[self.rule_kind] if rules else None
        self.parent = self.id.rsplit(".", 1)[0] if "." in self.id and kind == "indicator" else None
        self.children = []


def derived_expr(entry):
    """A derived value is an expression string, or a table { expr, label, unit, description }
    whose `expr` is the expression (the rest only describes it)."""
    return entry["expr"] if isinstance(entry, dict) else entry


class Rulebook:
    def __init__(self, text, components=()):
        self.text = text
        d = tomllib.loads(text, parse_float=decimal.Decimal)
        self.data = d
        head = d.get("rulebook", {})
        self.id = head.get("id")
        self.version = head.get("version")
        self.scale = head.get("scale", 2)
        self.rounding = head.get("rounding", "half_up")
        self.total_only = head.get("round") == "total_only"
        self.as_of = _date(head["as_of"]) if "as_of" in head else None
        self.profile_field = head.get("profile_field")
        self.key_field = head.get("key_field")
        self.declared_max = to_frac(head["max"]) if "max" in head else None
        self.profiles = d.get("profiles", {})
        self.inputs = d.get("inputs", {})
        self.params = d.get("params", {})
        self.derived_src = {k: derived_expr(v) for k, v in d.get("derived", {}).items()}
        self.derived = {k: parse_expr(v) for k, v in self.derived_src.items()}
        self.indicators = [Indicator(x) for x in d.get("indicator", [])]
        self.by_id = {i.id: i for i in self.indicators}
        self.top = []
        for ind in self.indicators:
            if ind.parent is None:
                self.top.append(ind)
            else:
                self.by_id[ind.parent].children.append(ind)
        self.bonus = [Indicator(x, "bonus") for x in d.get("bonus", [])]
        self.penalty = [Indicator(x, "penalty") for x in d.get("penalty", [])]
        self.adjust = d.get("adjust", {})
        self.vetoes = d.get("veto", [])
        self.criteria = d.get("criterion", [])
        self.grades = d.get("grade", [])
        self.grade_rules = d.get("grade_rule", [])
        for v in self.vetoes:
            v["_when"] = parse_expr(v["when"])
        for c in self.criteria:
            c["_when"] = parse_expr(c["when"])
        for g in self.grade_rules:
            g["_when"] = parse_expr(g["when"])
        self.grade_labels = [g["label"] for g in self.grades]
        # Components are given innermost first: each may use the ones before it (a component of
        # a component), as a loader given them in that order would find them.
        self.components = {}
        built = []
        for c in components:
            crb = c if isinstance(c, Rulebook) else Rulebook(c, built)
            built.append(crb)
            self.components[crb.id] = crb
            self.components.update(crb.components)
        self.has_relative = any(i.rule_kind == "relative" for i in self.indicators)

    def sub_rulebook(self, name):
        """The rulebook that scores the items of list input `name` (§18.2)."""
        return self.components[self.inputs[name]["rulebook"]]

    # points and weights under a profile (§7)
    def points(self, ind, profile):
        if ind.kind == "indicator" and profile is not None:
            ov = self.profiles.get(profile, {}).get("points", {})
            if ind.id in ov:
                return to_frac(ov[ind.id])
        return ind.points

    def weight(self, ind, profile):
        if profile is not None:
            ov = self.profiles.get(profile, {}).get("weights", {})
            if ind.id in ov:
                return to_frac(ov[ind.id])
        return ind.weight

    def max_for(self, profile):
        return sum((self.points(i, profile) for i in self.top), ZERO)

    @property
    def has_indicators(self):
        return bool(self.indicators)


# ---------------------------------------------------------------------------
# inputs (§3, §16)

_BOOL_TEXT = {"true": True, "false": False, "1": True, "0": False,
              "yes": True, "no": False, "是": True, "否": False}


def _convert(typ, raw):
    """Convert one raw (JSON-ish) value to the declared type.  Returns the value
    or raises ValueError (-> InputType)."""
    if typ == "decimal":
        if isinstance(raw, bool) or not isinstance(raw, (int, str, decimal.Decimal, float, Fraction)):
            raise ValueError("not a decimal")
        return to_frac(raw)
    if typ == "integer":
        if isinstance(raw, bool) or not isinstance(raw, (int, str, decimal.Decimal, float, Fraction)):
            raise ValueError("not an integer")
        v = to_frac(raw)
        if v.denominator != 1:
            raise ValueError("not integral")
        return v
    if typ == "boolean":
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().lower() in _BOOL_TEXT:
            return _BOOL_TEXT[raw.strip().lower()]
        raise ValueError("not a boolean")
    if typ == "text":
        if isinstance(raw, str):
            return raw.strip()
        raise ValueError("not text")
    raise ValueError(f"unknown type {typ}")


def _field_type(spec):
    return spec if isinstance(spec, str) else spec.get("type")


class ItemRecord:
    """A scored item (§18.2) once its profile and inputs were checked: the raw record, its
    profile, its validated values, and its path segment ("households[17] (5100000017)")."""

    def __init__(self, raw, profile, values, segment):
        self.raw = raw
        self.profile = profile
        self.values = values
        self.segment = segment


class DuplicateRow(dict):
    """A table row whose key another row of its table shares (§18.5): it fails with DuplicateKey
    and its own child rows are given to no one."""


def _scalar_input(spec):
    return spec.get("type") in ("decimal", "integer", "boolean", "text")


def _item_key(sub, raw):
    """The key an item shows in its path: its sub-rulebook's key_field value, when it has one."""
    if not sub.key_field:
        return None
    v = raw.get(sub.key_field)
    if v is None or (isinstance(v, str) and v.strip() == ""):
        return None
    return _key(sub, raw, None)


def _missing(raw, typ):
    """JSON null, an absent field, or an empty string for a non-text input (an empty cell)."""
    return raw is None or (isinstance(raw, str) and raw.strip() == "" and typ != "text")


def validate_inputs(rb, record):
    """Returns (values, issues).  values maps every declared input to its value
    (Fraction/bool/str/list) or NODATA; a scored list holds ItemRecords, a fields list dicts.
    issues is [(kind, field, message, item path or None)] in the order the brief pins: the
    record's own inputs in declaration order, then every item of every valid list (lists in
    declaration order, items in input order; a fields item every problem of its fields, a scored
    item its profile problem or else its own inputs and then its own lists, depth-first)."""
    values = {}
    issues = []
    pending = []  # list inputs given as lists of objects: their items are checked after
    for name, spec in rb.inputs.items():
        typ = spec.get("type")
        raw = record.get(name)
        if _missing(raw, typ):
            if "default" in spec:
                dv = spec["default"]
                if typ in ("decimal", "integer"):
                    values[name] = to_frac(dv)
                elif typ == "numbers":
                    values[name] = [to_frac(x) for x in dv]
                elif typ == "items":
                    values[name] = list(dv)
                    pending.append(name)
                else:
                    values[name] = dv
            elif spec.get("required", True):
                issues.append(("MissingInput", name, "missing", None))
                values[name] = NODATA
            else:
                values[name] = NODATA
            continue
        lo = to_frac(spec["min"]) if "min" in spec else None
        hi = to_frac(spec["max"]) if "max" in spec else None
        try:
            if typ == "numbers":
                if not isinstance(raw, list):
                    raise ValueError("not a list")
                v = [_convert("decimal", x) for x in raw]
                if any((lo is not None and x < lo) or (hi is not None and x > hi) for x in v):
                    issues.append(("InputOutOfRange", name, "a mark out of range", None))
                values[name] = v
                continue
            if typ == "items":
                if not isinstance(raw, list) or not all(isinstance(x, dict) for x in raw):
                    raise ValueError("not a list of items")
                values[name] = raw
                pending.append(name)
                continue
            v = _convert(typ, raw)
        except (ValueError, TypeError) as e:
            issues.append(("InputType", name, str(e), None))
            values[name] = NODATA
            continue
        if typ == "integer" and not (I64_MIN <= v <= I64_MAX):
            issues.append(("InputOutOfRange", name, "outside i64", None))
        elif lo is not None and v < lo:
            issues.append(("InputOutOfRange", name, "below min", None))
        elif hi is not None and v > hi:
            issues.append(("InputOutOfRange", name, "above max", None))
        elif "values" in spec:
            allowed = [x if isinstance(x, str) else to_frac(x) for x in spec["values"]]
            if v not in allowed:
                issues.append(("InputOutOfRange", name, "not one of the values", None))
        values[name] = v
    for name in pending:
        spec = rb.inputs[name]
        raw_items = values[name]
        out = []
        if "rulebook" in spec:
            sub = rb.sub_rulebook(name)
            for pos, it in enumerate(raw_items, 1):
                key = _item_key(sub, it)
                seg = f"{name}[{pos}]" + (f" ({key})" if key is not None else "")
                if isinstance(it, DuplicateRow):
                    issues.append(("DuplicateKey", sub.key_field, "a key shared in its table", seg))
                    out.append(None)
                    continue
                try:
                    prof = resolve_profile(sub, it, None)
                except KpError as e:
                    issues.append((e.kind, e.field, e.message, seg))
                    out.append(None)
                    continue
                sub_values, sub_issues = validate_inputs(sub, it)
                issues += [(k, f, m, seg if p is None else f"{seg}.{p}") for k, f, m, p in sub_issues]
                out.append(ItemRecord(it, prof, sub_values, seg))
        else:
            for pos, it in enumerate(raw_items, 1):
                seg = f"{name}[{pos}]"
                o = {}
                for fname, fspec in spec.get("fields", {}).items():
                    ftyp = _field_type(fspec)
                    fv = it.get(fname)
                    if _missing(fv, ftyp):
                        issues.append(("MissingInput", fname, "missing item field", seg))
                        continue
                    try:
                        o[fname] = _convert(ftyp, fv)
                    except (ValueError, TypeError) as e:
                        issues.append(("InputType", fname, str(e), seg))
                out.append(o)
        values[name] = out
    return values, issues


def resolve_profile(rb, record, profile_arg):
    """(profile or None, field it came from or None).  Raises UnknownProfile."""
    if profile_arg is not None:
        if profile_arg not in rb.profiles:
            raise KpError("UnknownProfile", f"profile {profile_arg!r} not declared")
        return profile_arg
    if rb.profile_field:
        raw = record.get(rb.profile_field)
        if isinstance(raw, str) and raw.strip() != "":
            p = raw.strip()
            if p not in rb.profiles:
                raise KpError("UnknownProfile", f"profile {p!r} not declared", field=rb.profile_field)
            return p
    return None


# ---------------------------------------------------------------------------
# per-record evaluation context

class Ctx:
    def __init__(self, rb, values, profile, as_of):
        self.rb = rb
        self.values = values
        self.profile = profile
        self.as_of = as_of
        self.params = {}
        self.derived = {}
        self.points_map = None  # id -> value readable by points(), after scoring
        self.items = []  # the item an aggregate's arguments are evaluated for (§18.1)

    def current_item(self):
        return self.items[-1]

    def lookup(self, name):
        if name in self.values:
            return self.values[name]
        if name in self.params:
            return self.params[name]
        if name in self.rb.derived:
            return self.derived_value(name)
        raise KeyError(f"unknown name {name!r}")

    def derived_value(self, name):
        if name in self.derived:
            return self.derived[name]
        try:
            v = evaluate(self.rb.derived[name], self)
        except KpError as e:
            if e.at is None:
                e.at = name
            raise
        self.derived[name] = v
        return v

    def points_of(self, ind_id):
        if self.points_map is None:
            raise AssertionError("points() outside grade rules and vetoes")
        v = self.points_map.get(ind_id)
        return NODATA if v is None else v

    def max_points_of(self, ind_id):
        return self.rb.points(self.rb.by_id[ind_id], self.profile)

    def slot(self, v):
        """A numeric slot of a rule: a number, or a name/expression string."""
        if isinstance(v, str):
            return evaluate(parse_expr(v), self)
        return to_frac(v)


def resolve_params(ctx):
    rb = ctx.rb
    for name, spec in rb.params.items():
        entry = spec
        if isinstance(spec, dict) and ctx.profile is not None and ctx.profile in spec.get("profiles", {}):
            entry = spec["profiles"][ctx.profile]
        ctx.params[name] = _param_value(entry, ctx.as_of, name)


def _param_value(entry, as_of, name):
    if not isinstance(entry, dict):
        return entry if isinstance(entry, (str, bool)) else to_frac(entry)
    if "dated" in entry:
        best = None
        for k, v in entry["dated"].items():
            dt = _date(k)
            if as_of is not None and dt <= as_of and (best is None or dt > best[0]):
                best = (dt, v)
        if best is None:
            raise KpError("NoDatedValue", f"no value of {name} dated on or before {as_of}", at=name)
        v = best[1]
    else:
        v = entry["value"]
    return v if isinstance(v, (str, bool)) else to_frac(v)


def make_ctx(rb, record, profile_arg=None, as_of=None, force_profile=False, forced=None):
    """Profile, inputs, params, derived.  Raises KpError."""
    if force_profile:
        profile = forced
        if profile is not None and profile not in rb.profiles:
            raise KpError("UnknownProfile", f"component lacks profile {profile!r}")
    else:
        profile = resolve_profile(rb, record, profile_arg)
    values, issues = validate_inputs(rb, record)
    if issues:
        k, f, m, p = issues[0]
        raise KpError(k, m, field=f, item=p, all_errors=[(k2, f2, p2) for k2, f2, _, p2 in issues])
    as_of = as_of if as_of is not None else rb.as_of
    return build_ctx(rb, values, profile, as_of)


def build_ctx(rb, values, profile, as_of):
    """After the inputs were checked: score the items of every scored list (§18.2: lists in
    declaration order, items in input order; an item's evaluation error fails the record with
    its item path), order the lists (§18.4), then parameters and derived values."""
    ctx = Ctx(rb, values, profile, as_of)
    score_lists(rb, values, as_of)
    resolve_params(ctx)
    for name in rb.derived:
        ctx.derived_value(name)
    return ctx


def score_lists(rb, values, as_of):
    for name, spec in rb.inputs.items():
        if spec.get("type") != "items" or values[name] is NODATA:
            continue
        if "rulebook" in spec:
            sub = rb.sub_rulebook(name)
            values[name] = [score_item(sub, rec, as_of) for rec in values[name]]
        if "order_by" in spec:
            f = spec["order_by"]
            # stable; items without a value for the field (missing, no data) last
            values[name] = sorted(values[name], key=lambda it: (1, 0) if it.get(f, NODATA) is NODATA
                                  else (0, it[f]))


def score_item(sub, rec, as_of):
    """Score one item of a scored list in its own profile, at the parent's effective as_of (else
    the sub-rulebook's own); returns its fields (§18.2) as a dict."""
    item_as_of = as_of if as_of is not None else sub.as_of
    try:
        ctx = build_ctx(sub, rec.values, rec.profile, item_as_of)
        res = _score_one(sub, rec.raw, None, item_as_of, None, ctx=ctx)
    except KpError as e:
        raise e.inside(rec.segment)
    view = {n: rec.values[n] for n, d in sub.inputs.items() if _scalar_input(d)}
    view.update(ctx.derived)
    view["total"] = NODATA if res["_total_exact"] is None else res["_total_exact"]
    view["max"] = NODATA if res["max"] is None else to_frac(res["max"])
    view["grade"] = NODATA if res["grade"] is None else res["grade"]
    view["passed"] = NODATA if res["passed"] is None else res["passed"]
    view["vetoed"] = bool(res["vetoes"])
    return view


# ---------------------------------------------------------------------------
# rules (§6)

def _list_input(ctx, src):
    """For rules that read list inputs: the list, NODATA, or a plain value."""
    if isinstance(src, str) and src in ctx.rb.inputs and ctx.rb.inputs[src].get("type") in ("numbers", "items"):
        return ctx.values[src]
    return ctx.slot(src)


def _lookup_key(v):
    if isinstance(v, str):
        return v
    if isinstance(v, Fraction):
        if v.denominator == 1:
            return str(v.numerator)
        return fmt_display(v)
    if isinstance(v, bool):
        return "true" if v else "false"
    raise TypeError(f"bad lookup key {v!r}")


def _mean(xs):
    return sum(xs, ZERO) / len(xs)


def rule_value(ctx, ind, pts, cohorts, flags, comp_depth):
    """The raw (unclamped) value of a leaf or bonus/penalty item, or NODATA."""
    k, r = ind.rule_kind, ind.rule
    if k == "bands":
        v = ctx.slot(r["input"])
        if v is NODATA:
            return NODATA
        for cmp_ in ("at_most", "below", "at_least", "above"):
            if cmp_ in r:
                for t_src, p_src in r[cmp_]:
                    t = ctx.slot(t_src)
                    if t is NODATA:
                        return NODATA
                    hit = (v <= t if cmp_ == "at_most" else v < t if cmp_ == "below"
                           else v >= t if cmp_ == "at_least" else v > t)
                    if hit:
                        return ctx.slot(p_src)
        return ctx.slot(r["else"])
    if k == "linear":
        v = ctx.slot(r["input"])
        x0, p0 = (ctx.slot(x) for x in r["from"])
        x1, p1 = (ctx.slot(x) for x in r["to"])
        if NODATA in (v, x0, p0, x1, p1):
            return NODATA
        y = p0 + (v - x0) * (p1 - p0) / (x1 - x0)
        return clamp(y, min(p0, p1), max(p0, p1))
    if k == "check":
        c = ctx.slot(r["when"])
        if c is NODATA:
            return NODATA
        if c:
            return ctx.slot(r["points"]) if "points" in r else pts
        return ctx.slot(r["else"]) if "else" in r else ZERO
    if k in ("count", "deduct"):
        v = _list_input(ctx, r["input"])
        each = ctx.slot(r.get("each", 1))
        if v is NODATA or each is NODATA:
            return NODATA
        n = Fraction(len(v)) if isinstance(v, list) else v
        if k == "count":
            return n * each
        fl = ctx.slot(r.get("floor", 0))
        if fl is NODATA:
            return NODATA
        return max(pts - n * each, fl)
    if k == "ratio":
        v = ctx.slot(r["input"])
        t = ctx.slot(r["target"])
        if v is NODATA or t is NODATA:
            return NODATA
        if t == 0:
            raise KpError("DivisionByZero", "ratio target is 0")
        return min(max(v / t, ZERO), ONE) * pts
    if k == "lookup":
        v = ctx.slot(r["input"])
        if v is NODATA:
            return NODATA
        key = _lookup_key(v)
        if key in r["table"]:
            return ctx.slot(r["table"][key])
        if "else" in r:
            return ctx.slot(r["else"])
        raise KpError("LookupMiss", f"no entry for {key!r}")
    if k == "relative":
        if cohorts is None:
            raise KpError("CohortRequired", "relative rule scored without a cohort")
        v = ctx.slot(r["input"])
        if v is NODATA:
            return NODATA
        group = ctx.profile if r.get("within") == "profile" else "*"
        cohort = cohorts.get(ind.id, {}).get(group, [])
        best_kind = r.get("best", "max")
        if best_kind == "max":
            best = max(cohort)
            if best == 0:
                return ZERO
            return v / best * pts
        best = min(cohort)
        if v == best:
            return pts
        if v == 0:
            raise KpError("DivisionByZero", "relative min rule with a value of 0")
        return best / v * pts
    if k == "formula":
        return ctx.slot(r)
    if k == "component":
        crb = ctx.rb.components[r["rulebook"]]
        try:
            res = _score_one(crb, ctx.record, None, ctx.as_of, None, force_profile=True,
                             forced=ctx.profile, depth=comp_depth + 1)
        except KpError as e:
            if e.kind in INPUT_ERROR_KINDS:
                raise
            raise KpError(e.kind, f"in component {crb.id}: {e.message}", at=ind.id)
        tot = to_frac(res["total"])
        cmax = to_frac(res["max"])
        return tot / cmax * pts
    if k == "panel":
        marks = _list_input(ctx, r["input"])
        if marks is NODATA:
            return NODATA
        if len(marks) == 0:
            raise KpError("PanelTooSmall", "no marks")
        method = r.get("method", "mean")
        s = sorted(marks)
        if method == "mean":
            stat = _mean(s)
        elif method == "median":
            n = len(s)
            stat = s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2
        elif method == "trimmed_mean":
            trim = int(r.get("trim", 1))
            if len(s) <= 2 * trim:
                raise KpError("PanelTooSmall", f"{len(s)} marks, trim {trim}")
            stat = _mean(s[trim:len(s) - trim])
        else:
            raise AssertionError(method)
        scale_max = ctx.slot(r["scale_max"]) if "scale_max" in r else pts
        if "max_spread" in r and s[-1] - s[0] > ctx.slot(r["max_spread"]):
            flags.append(ind.id)
        return stat / scale_max * pts
    if k == "items":
        items = _list_input(ctx, r["input"])
        if items is NODATA:
            return NODATA
        # A scored item's field may be no data (§18.2): the rule then reads no data (not pinned).
        named = list(r["keys"]) + ([r["best_per"]] if "best_per" in r else []) + \
            ([r["cap_per"]["field"]] if "cap_per" in r else [])
        if any(it.get(f, NODATA) is NODATA for it in items for f in named):
            return NODATA
        vals = []
        for it in items:
            node = r["table"]
            miss = False
            for key in r["keys"]:
                kv = _lookup_key(it[key])
                if isinstance(node, dict) and kv in node:
                    node = node[kv]
                else:
                    miss = True
                    break
            if miss or isinstance(node, dict):
                if "else" not in r:
                    raise KpError("LookupMiss", "no table entry for an item")
                vals.append((it, ctx.slot(r["else"])))
            else:
                vals.append((it, ctx.slot(node)))
        if "best_per" in r:
            f = r["best_per"]
            best = {}
            order = []
            for it, v in vals:
                g = _lookup_key(it[f])
                if g not in best:
                    best[g] = (it, v)
                    order.append(g)
                elif v > best[g][1]:
                    best[g] = (it, v)
            vals = [best[g] for g in order]
        if "cap_per" in r:
            f = r["cap_per"]["field"]
            cap = ctx.slot(r["cap_per"]["cap"])
            groups = {}
            for it, v in vals:
                g = _lookup_key(it[f])
                groups[g] = groups.get(g, ZERO) + v
            return sum((min(s, cap) for s in groups.values()), ZERO)
        return sum((v for _, v in vals), ZERO)
    raise AssertionError(f"no rule on {ind.id}")


# ---------------------------------------------------------------------------
# scoring one record

def _score_one(rb, record, profile_arg, as_of, cohorts, force_profile=False, forced=None,
               depth=0, key=None, ctx=None):
    if depth > 32:
        raise KpError("TooDeep", "components nested too deep")
    if ctx is None:
        ctx = make_ctx(rb, record, profile_arg, as_of, force_profile, forced)
    ctx.record = record
    profile = ctx.profile
    rnd = (lambda x: x) if rb.total_only else (lambda x: round_frac(x, rb.scale, rb.rounding))
    pub = lambda x: fmt(round_frac(x, rb.scale, rb.rounding), rb.scale)

    node_val = {}  # id -> value (exact under total_only, else rounded); None = left out
    status = {}
    flags = []
    leaves_order = []

    def left_out(ind):
        node_val[ind.id] = None
        status[ind.id] = "not_applicable"
        for c in ind.children:
            left_out(c)

    def eval_item(ind, pts):
        """Leaf or bonus/penalty item: value after clamp (and rounding)."""
        try:
            raw = rule_value(ctx, ind, pts, cohorts, flags, depth)
        except KpError as e:
            if e.at is None and e.field is None:
                e.at = ind.id
            raise
        if raw is NODATA:
            if ind.kind == "indicator":
                status[ind.id] = "no_data"
            return ZERO
        return rnd(clamp(raw, ZERO, pts))

    def applies(ind):
        if ind.applies is None:
            return True
        try:
            c = evaluate(ind.applies, ctx)
        except KpError as e:
            if e.at is None:
                e.at = ind.id
            raise
        return c is True

    def eval_node(ind):
        if not applies(ind):
            left_out(ind)
            return
        pts = rb.points(ind, profile)
        if not ind.children:
            leaves_order.append(ind)
            node_val[ind.id] = eval_item(ind, pts)
            return
        for c in ind.children:
            eval_node(c)
        app = [c for c in ind.children if node_val[c.id] is not None]
        if not app:
            left_out(ind)
            return
        if ind.aggregate == "weighted":
            ws = sum((rb.weight(c, profile) for c in app), ZERO)
            acc = sum((node_val[c.id] / rb.points(c, profile) * rb.weight(c, profile) for c in app), ZERO)
            node_val[ind.id] = rnd(acc / ws * pts)
        else:
            got = sum((node_val[c.id] for c in app), ZERO)
            if len(app) == len(ind.children):
                node_val[ind.id] = got
            else:
                amax = sum((rb.points(c, profile) for c in app), ZERO)
                node_val[ind.id] = rnd(got / amax * pts)

    res = {}
    if key is not None:
        res["key"] = key
    res["profile"] = profile
    if ctx.as_of is not None:
        res["as_of"] = ctx.as_of.isoformat()

    total = mx = base = bonus = penalty = None
    bonus_items = {}
    penalty_items = {}
    if rb.has_indicators:
        for ind in rb.top:
            eval_node(ind)
        mx = rb.max_for(profile)
        app = [i for i in rb.top if node_val[i.id] is not None]
        if not app:
            base = ZERO  # the whole rulebook left out (not pinned by vectors)
        elif len(app) == len(rb.top):
            base = sum((node_val[i.id] for i in app), ZERO)
        else:
            amax = sum((rb.points(i, profile) for i in app), ZERO)
            base = rnd(sum((node_val[i.id] for i in app), ZERO) / amax * mx)
        sums = {}
        for kind, items, store in (("bonus", rb.bonus, bonus_items), ("penalty", rb.penalty, penalty_items)):
            s = ZERO
            for it in items:
                if not applies(it):
                    store[it.id] = None
                    continue
                v = eval_item(it, it.points)
                store[it.id] = v
                s += v
            cap_key = kind + "_cap"
            cap = to_frac(rb.adjust[cap_key]) if cap_key in rb.adjust else sum((i.points for i in items), ZERO)
            sums[kind] = min(s, cap)
        bonus, penalty = sums["bonus"], sums["penalty"]
        t = max(base + bonus - penalty, ZERO)
        if not rb.adjust.get("allow_above_max", False):
            t = min(t, mx)
        total = round_frac(t, rb.scale, rb.rounding)

    # after scoring: points() reads published points (exact under total_only)
    ctx.points_map = dict(node_val)

    def cond(item, place):
        try:
            v = evaluate(item["_when"], ctx)
        except KpError as e:
            if e.at is None:
                e.at = place
            raise
        return v

    fired = []
    ceilings = []
    scores = []
    for v in rb.vetoes:
        if cond(v, v["id"]) is True:
            fired.append(v["id"])
            if "score" in v:
                scores.append(to_frac(v["score"]))
            if "grade" in v:
                ceilings.append(rb.grade_labels.index(v["grade"]))
    if scores and total is not None:
        total = round_frac(min(scores), rb.scale, rb.rounding)

    criteria = {}
    for c in rb.criteria:
        criteria[c["id"]] = cond(c, c["id"]) is True

    gr_fired = []
    for i, g in enumerate(rb.grade_rules):
        if cond(g, f"grade_rule[{i}]") is True:
            gr_fired.append(i)
            ceilings.append(rb.grade_labels.index(g["grade_at_most"]))

    grade = None
    next_grade = None
    if rb.grades and total is not None:
        gi = len(rb.grades) - 1
        for i, g in enumerate(rb.grades):
            if _meets(total, g, ctx):
                gi = i
                break
        final = max([gi] + ceilings)
        grade = rb.grade_labels[final]
        if final > 0:
            g = rb.grades[final - 1]
            # What holds the grade whatever the points: a firing veto that sets the total or caps
            # at this grade or worse, a firing grade rule capping at this grade or worse.
            held = [v["id"] for v in rb.vetoes if v["id"] in fired
                    and ("score" in v or ("grade" in v and rb.grade_labels.index(v["grade"]) >= final))]
            held += [f"#{i + 1}" for i in gr_fired
                     if rb.grade_labels.index(rb.grade_rules[i]["grade_at_most"]) >= final]
            if held:
                next_grade = {"grade": g["label"], "blocked_by": held}
            else:
                unit = Fraction(1, 10 ** rb.scale)
                if "at_least" in g:
                    b = ctx.slot(g["at_least"])
                    need = b - total
                    steps = -((-need * 10 ** rb.scale).__floor__())  # ceil
                else:
                    b = ctx.slot(g["above"])
                    need = b - total
                    steps = (need * 10 ** rb.scale).__floor__() + 1
                next_grade = {"grade": g["label"], "gap": fmt(steps * unit, rb.scale)}

    lost = []
    for ind in leaves_order:
        pts = rb.points(ind, profile)
        got = round_frac(node_val[ind.id], rb.scale, rb.rounding)
        if pts - got != 0:
            lost.append((ind.id, pts - got))
    lost.sort(key=lambda x: -x[1])  # stable: ties keep file order

    res["total"] = None if total is None else fmt(total, rb.scale)
    res["max"] = None if mx is None else pub(mx)
    res["grade"] = grade
    res["passed"] = None if not rb.criteria else all(criteria.values())
    if rb.has_indicators:
        res["base"] = pub(base)
        res["bonus"] = pub(bonus)
        res["penalty"] = pub(penalty)
    res["points"] = {i.id: (None if node_val[i.id] is None else pub(node_val[i.id]))
                     for i in rb.indicators}
    res["status"] = {i.id: status[i.id] for i in rb.indicators if i.id in status}
    if rb.bonus:
        res["bonus_items"] = {k: (None if v is None else pub(v)) for k, v in bonus_items.items()}
    if rb.penalty:
        res["penalty_items"] = {k: (None if v is None else pub(v)) for k, v in penalty_items.items()}
    res["vetoes"] = fired
    res["grade_rules"] = gr_fired
    res["criteria"] = criteria
    res["flags"] = flags
    res["lost"] = [[i, fmt(v, rb.scale)] for i, v in lost]
    res["next_grade"] = next_grade
    res["_total_exact"] = total
    return res


def _meets(total, g, ctx):
    if "at_least" in g:
        return total >= ctx.slot(g["at_least"])
    if "above" in g:
        return total > ctx.slot(g["above"])
    return True


def _key(rb, record, row):
    if rb.key_field:
        raw = record.get(rb.key_field)
        if raw is None:
            return None
        if isinstance(raw, str):
            if rb.inputs.get(rb.key_field, {}).get("type") == "integer":
                try:  # an integer key written "1002.0" (a table cell) is the key 1002
                    v = to_frac(raw)
                    if v.denominator == 1:
                        return str(v.numerator)
                except (ValueError, TypeError):
                    pass
            return raw.strip()
        if isinstance(raw, bool):
            return str(raw).lower()
        return fmt_display(to_frac(raw))
    return None if row is None else str(row)


def _failed(e, key, batch=False):
    """The expectation of a failed record: its key (when known) and the error;
    in a batch also null ranks."""
    d = {}
    if key is not None:
        d["key"] = key
    d["error"] = e.expect()
    if batch:
        d["rank"] = None
        d["profile_rank"] = None
    return d


def score(rb, record, profile=None, as_of=None):
    """Score one record alone (relative rules -> CohortRequired)."""
    if isinstance(as_of, str):
        as_of = _date(as_of)
    key = _key(rb, record, None)
    try:
        res = _score_one(rb, record, profile, as_of, None, key=key)
    except KpError as e:
        return _failed(e, key)
    res.pop("_total_exact", None)
    return res


def score_batch(rb, records, profile=None, as_of=None, failed=None):
    """Score a batch: cohorts (§12), ranks and summary.  Returns (results, summary).
    failed: {row index: KpError} for rows that fail before scoring (DuplicateKey, §18.5)."""
    if isinstance(as_of, str):
        as_of = _date(as_of)
    n = len(records)
    ctxs = [None] * n
    errs = [None] * n
    for i, rec in enumerate(records):
        if failed and i in failed:
            errs[i] = failed[i]
            continue
        try:
            ctxs[i] = make_ctx(rb, rec, profile, as_of)
        except KpError as e:
            errs[i] = e
    # cohorts: rows without input/profile errors whose relative input is a number
    cohorts = {}
    for ind in rb.indicators:
        if ind.rule_kind != "relative":
            continue
        groups = cohorts.setdefault(ind.id, {})
        for i, rec in enumerate(records):
            e = errs[i]
            if e is not None and (e.kind in INPUT_ERROR_KINDS or e.all is not None
                                  or e.kind in ("UnknownProfile", "DuplicateKey")):
                continue
            try:
                c = ctxs[i] if ctxs[i] is not None else _partial_ctx(rb, rec, profile, as_of)
                v = c.slot(ind.rule["input"])
            except KpError:
                continue
            if not isinstance(v, Fraction):
                continue
            g = c.profile if ind.rule.get("within") == "profile" else "*"
            groups.setdefault(g, []).append(v)
    results = []
    for i, rec in enumerate(records):
        key = _key(rb, rec, i + 1)
        if errs[i] is not None:
            results.append(_failed(errs[i], key, batch=True))
            continue
        try:
            r = _score_one(rb, rec, profile, as_of, cohorts, key=key, ctx=ctxs[i])
        except KpError as e:
            results.append(_failed(e, key, batch=True))
            continue
        results.append(r)
    # ranks by published total, competition ranking
    scored = [r for r in results if "error" not in r and r.get("_total_exact") is not None]
    for r in results:
        if "error" in r:
            continue
        t = r.get("_total_exact")
        if t is None:
            r["rank"] = None
            r["profile_rank"] = None
            continue
        r["rank"] = 1 + sum(1 for o in scored if o["_total_exact"] > t)
        if r["profile"] is None:
            r["profile_rank"] = None
        else:
            r["profile_rank"] = 1 + sum(1 for o in scored
                                        if o["profile"] == r["profile"] and o["_total_exact"] > t)
    for r in results:
        r.pop("_total_exact", None)
    ok = sum(1 for r in results if "error" not in r)
    grades = {}
    for label in rb.grade_labels:
        c = sum(1 for r in results if "error" not in r and r.get("grade") == label)
        if c:
            grades[label] = c
    return results, {"ok": ok, "failed": n - ok, "grades": grades}


def _partial_ctx(rb, record, profile_arg, as_of):
    """For the cohort of a row that failed in evaluation: params and the derived
    values are evaluated lazily, so an unrelated failure does not hide its value."""
    prof = resolve_profile(rb, record, profile_arg)
    values, errors = validate_inputs(rb, record)
    if errors:
        raise KpError(errors[0][0])
    as_of = as_of if as_of is not None else rb.as_of
    ctx = Ctx(rb, values, prof, as_of)
    score_lists(rb, values, as_of)
    resolve_params(ctx)
    return ctx


# ---------------------------------------------------------------------------
# tables: a parent table and child tables joined on the key (§18.5)

def read_csv(text):
    """(header, rows) of CSV text; cells trimmed; lines whose every cell is empty skipped."""
    rows = [[c.strip() for c in r] for r in csv.reader(io.StringIO(text))]
    rows = [r for r in rows if any(r)]
    return rows[0], rows[1:]


def table_key(cell):
    """A join key (§18.5): trimmed, full-width forms as ASCII, a cell holding an integral number
    in integer form (5100000017.0 -> 5100000017); None for an empty cell."""
    if cell is None:
        return None
    t = ascii_forms(cell).strip()
    if t == "":
        return None
    if _DEC_RE.fullmatch(t):
        v = Fraction(decimal.Decimal(t))
        if v.denominator == 1:
            return str(v.numerator)
    return t


def _columns(header, named, skip=None):
    """Column index -> input (or field) name: a header is a name, else a label; `named` is
    [(name, label)]; column `skip` (the join column) is not a field."""
    names = {n for n, _ in named}
    by_label = {}
    for n, label in named:
        if label is not None:
            by_label.setdefault(label, n)
    out = {}
    for i, h in enumerate(header):
        if i == skip:
            continue
        n = h if h in names else by_label.get(h)
        if n is not None and n not in out.values():
            out[i] = n
    return out


def _row_record(row, cols):
    """A record from a table row: every non-empty cell of a known column (an empty cell is missing)."""
    return {n: row[i] for i, n in cols.items() if i < len(row) and row[i] != ""}


def _label(spec):
    return spec.get("label") if isinstance(spec, dict) else None


def _join_column(header, spec, level_rb):
    """The child column holding the parent's key: `join` (a header, or an input's label), else the
    column named like the parent's key_field or its label."""
    if "join" in spec:
        want = [spec["join"]]
    else:
        want = [level_rb.key_field, _label(level_rb.inputs.get(level_rb.key_field, {}))]
    for w in want:
        if w is not None and w in header:
            return header.index(w)
    raise KpError("Schema", f"no join column {want[0]!r} in the child table")


def _join_level(level_rb, records, children, prefix, unmatched):
    """Give each record of a table the child rows of its lists (children[prefix + list]).
    Returns the indices of records whose key another record of the table shares."""
    lists = [n for n, sp in level_rb.inputs.items() if sp.get("type") == "items" and prefix + n in children]
    if not lists:
        return set()
    if not level_rb.key_field:
        raise KpError("Schema", "joining child tables needs the parent's key_field")
    keys = [table_key(r.get(level_rb.key_field)) for r in records]
    counts = collections.Counter(k for k in keys if k is not None)
    dup = {k for k, c in counts.items() if c > 1}
    index = {k: i for i, k in enumerate(keys) if k is not None and k not in dup}
    for name in lists:
        spec = level_rb.inputs[name]
        path = prefix + name
        header, rows = read_csv(children[path])
        j = _join_column(header, spec, level_rb)
        if "rulebook" in spec:
            sub = level_rb.sub_rulebook(name)
            cols = _columns(header, [(n, _label(d)) for n, d in sub.inputs.items()], skip=j)
        else:
            sub = None
            cols = _columns(header, [(n, _label(d)) for n, d in spec.get("fields", {}).items()], skip=j)
        child = [_row_record(r, cols) for r in rows]
        if sub is not None:
            for i in _join_level(sub, child, children, path + ".", unmatched):
                child[i] = DuplicateRow(child[i])
        groups = [[] for _ in records]
        lost = []
        for r, rec in zip(rows, child):
            k = table_key(r[j] if j < len(r) else None)
            if k in index:
                groups[index[k]].append(rec)
            elif k not in dup:  # rows of a duplicated key are given to no one
                lost.append("" if k is None else k)
        for rec, g in zip(records, groups):
            rec[name] = g
        if lost:
            unmatched[path] = {"count": len(lost), "first": lost[0]}
    return {i for i, k in enumerate(keys) if k in dup}


def score_tables(rb, parent, children, profile=None, as_of=None):
    """Score a parent table (CSV text) with child tables ({list path: CSV text}, nested levels by
    dotted path) as one batch: {"rows": [...], "unmatched": {path: {count, first}}, "summary"}."""
    header, rows = read_csv(parent)
    cols = _columns(header, [(n, _label(d)) for n, d in rb.inputs.items()])
    records = [_row_record(r, cols) for r in rows]
    unmatched = {}
    dups = _join_level(rb, records, children, "", unmatched)
    failed = {i: KpError("DuplicateKey", "a key shared by several rows", field=rb.key_field) for i in dups}
    results, summary = score_batch(rb, records, profile, as_of, failed=failed)
    return {"rows": results, "unmatched": unmatched, "summary": summary}


# ---------------------------------------------------------------------------
# a small load-time validator (only the checks the invalid-rulebook vectors pin)

def validate_rulebook(text, components=()):
    """Returns a list of (kind, place, message); empty if no problem was found.
    Not a complete implementation of §14."""
    problems = []
    try:
        d = tomllib.loads(text, parse_float=decimal.Decimal)
    except tomllib.TOMLDecodeError as e:
        return [("Syntax", "", str(e))]
    inds = d.get("indicator", [])
    ids = set()
    for x in inds:
        if x["id"] in ids:
            problems.append(("DuplicateId", x["id"], "duplicate id"))
        ids.add(x["id"])
    for x in inds:
        if "." in x["id"] and x["id"].rsplit(".", 1)[0] not in ids:
            problems.append(("OrphanIndicator", x["id"], "no parent"))
    profiles = d.get("profiles", {})
    for prof in [None] + list(profiles):
        ov = profiles.get(prof, {}).get("points", {}) if prof else {}

        def p(x):
            return to_frac(ov.get(x["id"], x["points"]))
        for x in inds:
            kids = [c for c in inds if "." in c["id"] and c["id"].rsplit(".", 1)[0] == x["id"]]
            if kids and x.get("aggregate", "sum") == "sum" and sum(p(c) for c in kids) != p(x):
                problems.append(("PointsMismatch", x["id"] + (f" [{prof}]" if prof else ""),
                                 "children do not add up"))
    params = d.get("params", {})

    def plain_param(name, prof):
        """A threshold parameter's value under a profile, when it is not dated."""
        spec = params.get(name)
        if spec is None:
            return None
        entry = spec
        if isinstance(spec, dict) and prof in spec.get("profiles", {}):
            entry = spec["profiles"][prof]
        if isinstance(entry, dict):
            entry = entry.get("value")
        return None if entry is None or isinstance(entry, (str, bool)) else to_frac(entry)

    for x in inds + d.get("bonus", []) + d.get("penalty", []):
        b = x.get("bands")
        if b is not None:
            if "else" not in b:
                problems.append(("MissingElse", x["id"], "bands without else"))
            for cmp_ in ("at_most", "below", "at_least", "above"):
                if cmp_ not in b:
                    continue
                for prof in [None] + list(profiles):
                    ts = [plain_param(t, prof) if isinstance(t, str) else to_frac(t) for t, _ in b[cmp_]]
                    ts = [t for t in ts if t is not None]
                    inc = cmp_ in ("at_most", "below")
                    if any((a >= c) if inc else (a <= c) for a, c in zip(ts, ts[1:])):
                        problems.append(("BandOrder", x["id"] + (f" [{prof}]" if prof else ""),
                                         f"{cmp_} thresholds out of order"))
        lin = x.get("linear")
        if lin is not None and lin["from"][0] == lin["to"][0]:
            problems.append(("DegenerateLinear", x["id"], "x0 == x1"))
    labels = [g["label"] for g in d.get("grade", [])]
    bounds = [g.get("at_least", g.get("above")) for g in d.get("grade", [])]
    nb = [b for b in bounds if b is not None]
    if any(a <= c for a, c in zip(nb, nb[1:])):
        problems.append(("GradeOrder", "grade", "bounds do not strictly decrease"))
    for v in d.get("veto", []):
        if "grade" in v and v["grade"] not in labels:
            problems.append(("UnknownGrade", v["id"], v["grade"]))
    for i, g in enumerate(d.get("grade_rule", [])):
        if g["grade_at_most"] not in labels:
            problems.append(("UnknownGrade", f"grade_rule[{i}]", g["grade_at_most"]))
    for prof in profiles:
        for k in profiles[prof].get("points", {}):
            if k not in ids:
                problems.append(("UnknownName", f"profiles.{prof}.points", k))
    # names in expressions; cycles among derived values
    known = set(d.get("inputs", {})) | set(d.get("params", {})) | set(d.get("derived", {}))
    deps = {}
    for name, src in d.get("derived", {}).items():
        try:
            names = expr_names(parse_expr(derived_expr(src)))
        except ExprSyntaxError as e:
            problems.append(("Syntax", name, str(e)))
            continue
        deps[name] = [n for n in names if n in d.get("derived", {})]
        for n in names:
            if n not in known:
                problems.append(("UnknownName", name, n))
    exprs = []
    for x in inds:
        if "formula" in x:
            exprs.append((x["id"], x["formula"]))
        if "applies" in x:
            exprs.append((x["id"], x["applies"]))
        for k in ("bands", "linear", "ratio", "lookup", "relative"):
            if k in x and isinstance(x[k].get("input"), str):
                exprs.append((x["id"], x[k]["input"]))
        if "check" in x:
            exprs.append((x["id"], x["check"]["when"]))
    for sec in ("veto", "criterion"):
        for v in d.get(sec, []):
            exprs.append((v["id"], v["when"]))
    for place, src in exprs:
        try:
            for n in expr_names(parse_expr(src)):
                if n not in known:
                    problems.append(("UnknownName", place, n))
        except ExprSyntaxError as e:
            problems.append(("Syntax", place, str(e)))
    state = {}

    def visit(n, stack):
        if state.get(n) == 2:
            return
        if state.get(n) == 1:
            problems.append(("Cycle", n, " -> ".join(stack + [n])))
            return
        state[n] = 1
        for m in deps.get(n, []):
            visit(m, stack + [n])
        state[n] = 2
    for n in deps:
        visit(n, [])
    registry = {}
    for c in components:
        try:
            cd = tomllib.loads(c, parse_float=decimal.Decimal)
        except tomllib.TOMLDecodeError:
            continue
        registry[cd.get("rulebook", {}).get("id")] = cd
    registry.setdefault(d.get("rulebook", {}).get("id"), d)
    problems += validate_lists(d, registry)
    return problems


# ---------------------------------------------------------------------------
# load checks of §18 (lists, aggregates, items scored by another rulebook)

RESERVED_FIELDS = ("total", "max", "grade", "passed", "vetoed")
_SCALAR_TYPES = {"decimal": "num", "integer": "num", "boolean": "bool", "text": "text"}


def _uses(doc):
    """The rulebook ids a rulebook document names: its components and its scored lists."""
    out = []
    for x in doc.get("indicator", []) + doc.get("bonus", []) + doc.get("penalty", []):
        if isinstance(x.get("component"), dict) and "rulebook" in x["component"]:
            out.append(x["component"]["rulebook"])
    for spec in doc.get("inputs", {}).values():
        if isinstance(spec, dict) and spec.get("type") == "items" and "rulebook" in spec:
            out.append(spec["rulebook"])
    return out


def _has_relative(doc):
    return any("relative" in x for x in doc.get("indicator", []) + doc.get("bonus", []) + doc.get("penalty", []))


class _Types:
    """The types of a rulebook's names and expressions, for the load checks of §18:
    "num", "bool", "text", or None when the checker does not know (it then stays silent)."""

    def __init__(self, doc, registry):
        self.doc = doc
        self.registry = registry
        self.inputs = doc.get("inputs", {})
        self.params = doc.get("params", {})
        self.derived = {k: derived_expr(v) for k, v in doc.get("derived", {}).items()}
        self._derived_types = {}

    def is_list(self, name):
        return is_list_input(self.inputs, name)

    def known(self, name):
        return name in self.inputs or name in self.params or name in self.derived

    def name_type(self, name):
        if name in self.inputs:
            return _SCALAR_TYPES.get(self.inputs[name].get("type"))
        if name in self.params:
            spec = self.params[name]
            v = spec
            if isinstance(spec, dict):
                v = spec.get("value", next(iter(spec.get("dated", {}).values()), None))
            return "bool" if isinstance(v, bool) else "text" if isinstance(v, str) else "num"
        if name in self.derived:
            if name not in self._derived_types:
                self._derived_types[name] = None  # a cycle is reported elsewhere
                try:
                    self._derived_types[name] = self.expr_type(parse_expr(self.derived[name]), None, [])
                except ExprSyntaxError:
                    pass
            return self._derived_types[name]
        return None

    def item_env(self, name):
        """What `item` is inside an aggregate over list `name`: ("mark", None) for numbers,
        ("fields", {field: type}) for an items list, ("unknown", None) when not known."""
        spec = self.inputs[name]
        if spec.get("type") == "numbers":
            return ("mark", None)
        if "rulebook" in spec:
            sub = self.registry.get(spec["rulebook"])
            if sub is None:
                return ("unknown", None)
            return ("fields", sub_field_types(sub, self.registry))
        return ("fields", {f: _SCALAR_TYPES.get(_field_type(fs)) for f, fs in spec.get("fields", {}).items()})

    def expr_type(self, node, item, probs, in_agg=False):
        """Type of `node`; appends (kind, message) to probs.  item: the item environment inside
        an aggregate's arguments, else None."""
        t = node[0]
        if t == "num":
            return "num"
        if t == "str":
            return "text"
        if t == "bool":
            return "bool"
        if t == "name":
            n = node[1]
            if not self.known(n):
                probs.append(("UnknownName", f"unknown name {n}"))
                return None
            if self.is_list(n):
                probs.append(("TypeMismatch", f"the list {n} is read by aggregates and rules, not as a value"))
                return None
            return self.name_type(n)
        if t == "item":
            if item is None:
                probs.append(("UnknownName", "item outside an aggregate's arguments"))
                return None
            if item[0] == "mark":
                return "num"
            if item[0] == "fields":
                probs.append(("TypeMismatch", "item of an items list is a record; read item.field"))
            return None
        if t == "itemf":
            if item is None:
                probs.append(("UnknownName", f"item.{node[1]} outside an aggregate's arguments"))
                return None
            if item[0] == "unknown":
                return None
            if item[0] == "mark" or node[1] not in item[1]:
                probs.append(("UnknownName", f"item.{node[1]} names no field"))
                return None
            return item[1][node[1]]
        if t in ("neg", "not"):
            self.expr_type(node[1], item, probs, in_agg)
            return "num" if t == "neg" else "bool"
        if t in ("bin", "cmp"):
            self.expr_type(node[2], item, probs, in_agg)
            self.expr_type(node[3], item, probs, in_agg)
            return "num" if t == "bin" else "bool"
        if t in ("and", "or"):
            self.expr_type(node[1], item, probs, in_agg)
            self.expr_type(node[2], item, probs, in_agg)
            return "bool"
        if t == "in":
            self.expr_type(node[1], item, probs, in_agg)
            for e in node[2]:
                self.expr_type(e, item, probs, in_agg)
            return "bool"
        if t == "if":
            self.expr_type(node[1], item, probs, in_agg)
            a = self.expr_type(node[2], item, probs, in_agg)
            b = self.expr_type(node[3], item, probs, in_agg)
            return a if a is not None else b
        if t == "call":
            return self.call_type(node, item, probs, in_agg)
        return None

    def call_type(self, node, item, probs, in_agg):
        f, args, bare = node[1], node[2], node[3]
        if f in ("points", "max_points"):
            return "num"
        if f == "known":
            if len(args) != 1:
                probs.append(("TypeMismatch", "known takes one argument"))
            for a in args:
                self.expr_type(a, item, probs, in_agg)
            return "bool"
        aggregate = f in AGGREGATES and (f not in FUNCS_N or self.is_list(bare))
        if not aggregate:
            if f in FUNCS_N and len(args) < 2:
                probs.append(("TypeMismatch", f"{f} of numbers takes two or more arguments"))
            for a in args:
                self.expr_type(a, item, probs, in_agg)
            return "num"
        if in_agg:
            probs.append(("Schema", f"{f}(…) inside another aggregate's arguments"))
            return "num"
        if not self.is_list(bare):
            probs.append(("TypeMismatch", f"{f}: the first argument must be a list input, written as a bare name"))
            for a in args[1:]:
                self.expr_type(a, ("unknown", None), probs, True)
            return None if f in ("first", "last") else "num"
        numbers = self.inputs[bare]["type"] == "numbers"
        n = len(args)
        ok = (1 <= n <= 2 if f == "count" else n == 2 if f == "share"
              else (1 if numbers else 2) <= n <= 3)
        if not ok:
            probs.append(("TypeMismatch", f"{f}({bare}, …) with {n} argument(s)"))
            return None if f in ("first", "last") else "num"
        env = self.item_env(bare)
        x, cond = aggregate_parts(f, args, numbers)
        if cond is not None:
            ct = self.expr_type(cond, env, probs, True)
            if ct not in (None, "bool"):
                probs.append(("TypeMismatch", f"{f}: the condition is {ct}, not boolean"))
        xt = None
        if x is not None:
            xt = self.expr_type(x, env, probs, True)
            if f in ("sum", "mean", "min", "max") and xt not in (None, "num"):
                probs.append(("TypeMismatch", f"{f}: x is {xt}, not a number"))
        return xt if f in ("first", "last") else "num"


def sub_field_types(sub, registry):
    """The fields of an item scored by `sub` (§18.2): its scalar inputs, derived values, and
    total, max, grade, passed, vetoed."""
    types = _Types(sub, registry)
    out = {n: _SCALAR_TYPES[d.get("type")] for n, d in types.inputs.items()
           if isinstance(d, dict) and d.get("type") in _SCALAR_TYPES}
    for n in types.derived:
        out[n] = types.name_type(n)
    out.update({"total": "num", "max": "num", "grade": "text", "passed": "bool", "vetoed": "bool"})
    return out


def _expressions(doc):
    """(place, expression text) of every expression of a rulebook document (rule slots that
    name a list input for a list rule are not expressions)."""
    out = [(name, derived_expr(src)) for name, src in doc.get("derived", {}).items()]
    list_rules = ("count", "deduct", "panel", "items")
    for x in doc.get("indicator", []) + doc.get("bonus", []) + doc.get("penalty", []):
        if isinstance(x.get("formula"), str):
            out.append((x["id"], x["formula"]))
        if "applies" in x:
            out.append((x["id"], x["applies"]))
        for k in ("bands", "linear", "ratio", "lookup", "relative") + list_rules:
            if isinstance(x.get(k), dict) and isinstance(x[k].get("input"), str):
                src = x[k]["input"]
                if k in list_rules and is_list_input(doc.get("inputs", {}), src):
                    continue
                out.append((x["id"], src))
        if isinstance(x.get("check"), dict):
            out.append((x["id"], x["check"]["when"]))
    for sec in ("veto", "criterion"):
        for v in doc.get(sec, []):
            out.append((v["id"], v["when"]))
    for i, g in enumerate(doc.get("grade_rule", [])):
        out.append((f"grade_rule[{i}]", g["when"]))
    return out


def validate_lists(doc, registry):
    """The load checks of §18 on one rulebook document; registry: id -> document of every
    rulebook the loader was given (the rulebook itself included).  [(kind, place, message)]."""
    problems = []
    inputs = doc.get("inputs", {})
    for sec in ("inputs", "params", "derived"):
        for name in doc.get(sec, {}):
            if name == "item" or "." in name:
                problems.append(("Schema", name, "`item` and names containing `.` are reserved (§18.1)"))
    types = _Types(doc, registry)
    for name, spec in inputs.items():
        if not isinstance(spec, dict):
            continue
        typ = spec.get("type")
        if typ != "items":
            for k in ("join", "order_by", "fields", "rulebook"):
                if k in spec:
                    problems.append(("Schema", name, f"`{k}` is only for items inputs"))
            if typ != "numbers" and "default" in spec and isinstance(spec["default"], list):
                problems.append(("Schema", name, "a list default on a scalar input"))
            continue
        for k in ("min", "max", "values"):
            if k in spec:
                problems.append(("Schema", name, f"`{k}` is not allowed on an items input"))
        if "default" in spec and spec["default"] != []:
            problems.append(("Schema", name, "an items input's default can only be []"))
        if "fields" in spec and "rulebook" in spec:
            problems.append(("Schema", name, "an items input has `fields` or `rulebook`, not both"))
        elif "rulebook" not in spec and "fields" not in spec:
            problems.append(("Schema", name, "an items input needs `fields` or `rulebook`"))
        for f in spec.get("fields", {}):
            if f == "item" or "." in f:
                problems.append(("Schema", f"{name}.{f}", "a field name is `item` or contains `.`"))
        if "rulebook" in spec:
            rid = spec["rulebook"]
            sub = registry.get(rid)
            if sub is None:
                problems.append(("UnknownName", name, f"no rulebook {rid!r}"))
                continue
            for sec in ("inputs", "derived"):
                for n in sub.get(sec, {}):
                    if n in RESERVED_FIELDS:
                        what = "input" if sec == "inputs" else "derived value"
                        problems.append(("Schema", name, f"{rid} has {what} {n}, a name items use for "
                                         "the result (§18.2)"))
            seen, stack = set(), [rid]
            while stack:
                r = stack.pop()
                if r in seen or r not in registry:
                    continue
                seen.add(r)
                if _has_relative(registry[r]):
                    problems.append(("Schema", name, f"{rid} reaches a relative rule through {r}: "
                                     "items have no cohort"))
                    break
                stack += _uses(registry[r])
        if "order_by" in spec:
            env = types.item_env(name)
            f = spec["order_by"]
            if env[0] == "fields":
                if f not in env[1]:
                    problems.append(("UnknownName", name, f"order_by {f!r} names no field"))
                elif env[1][f] == "bool":
                    problems.append(("TypeMismatch", name, f"order_by {f!r} is a boolean field"))
    # the items rule names fields of its list (§18.2: a scored item's fields)
    for x in doc.get("indicator", []) + doc.get("bonus", []) + doc.get("penalty", []):
        r = x.get("items")
        if not isinstance(r, dict) or not is_list_input(inputs, r.get("input")) \
                or inputs[r["input"]].get("type") != "items":
            continue
        env = types.item_env(r["input"])
        named = list(r.get("keys", [])) + ([r["best_per"]] if "best_per" in r else []) + \
            ([r["cap_per"]["field"]] if isinstance(r.get("cap_per"), dict) else [])
        for f in named:
            if env[0] == "fields" and f not in env[1]:
                problems.append(("UnknownName", x["id"], f"the items rule names {f!r}, no field of {r['input']}"))
    # cycles through components and items
    state = {}

    def visit(r, path):
        if state.get(r) == 2 or r not in registry:
            return
        if state.get(r) == 1:
            problems.append(("Cycle", r, " -> ".join(path + [r])))
            return
        state[r] = 1
        for u in _uses(registry[r]):
            visit(u, path + [r])
        state[r] = 2
    visit(doc.get("rulebook", {}).get("id"), [])
    for place, src in _expressions(doc):
        try:
            node = parse_expr(src)
        except ExprSyntaxError:
            continue  # reported as Syntax above
        probs = []
        types.expr_type(node, None, probs)
        problems += [(k, place, m) for k, m in probs]
    return problems


# ---------------------------------------------------------------------------
# CLI

def main(argv):
    import argparse
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("rulebook")
    ap.add_argument("records")
    ap.add_argument("--component", action="append", default=[])
    ap.add_argument("--profile")
    ap.add_argument("--as-of")
    ap.add_argument("--batch", action="store_true")
    ap.add_argument("--items", action="append", default=[], metavar="LIST=CHILD.csv")
    a = ap.parse_args(argv)
    with open(a.rulebook, encoding="utf-8") as f:
        text = f.read()
    comps = []
    for c in a.component:
        with open(c, encoding="utf-8") as f:
            comps.append(f.read())
    rb = Rulebook(text, comps)
    if a.records.endswith(".csv"):
        children = {}
        for spec in a.items:
            path, _, fn = spec.partition("=")
            with open(fn, encoding="utf-8-sig") as f:
                children[path] = f.read()
        with open(a.records, encoding="utf-8-sig") as f:
            out = score_tables(rb, f.read(), children, a.profile, a.as_of)
        print(json.dumps(out, ensure_ascii=False, indent=1))
        return 0
    with open(a.records, encoding="utf-8") as f:
        recs = json.load(f)
    if isinstance(recs, dict):
        recs = [recs]
    if a.batch:
        results, summary = score_batch(rb, recs, a.profile, a.as_of)
        out = {"results": results, "summary": summary}
    else:
        out = [score(rb, r, a.profile, a.as_of) for r in recs]
    print(json.dumps(out, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
