#!/usr/bin/env python3
"""The malformed-input catalogue: hostile rulebooks, records and CSV tables, each with the error
kind and the place the specification says it must produce.

    python3 tests/malformed/make_catalogue.py           # write tests/malformed/catalogue.json
    python3 tests/malformed/make_catalogue.py --check   # exit 1 if catalogue.json is out of date

The expectations below are written from the spec (shared/spec/rulebook.md §1, §3, §5, §12, §14,
§16, §17) and the readings in tests/reference/README.md — never from the engine's output. Where
the spec leaves a choice open, the case says which reading it takes (`reading`). Where the engine
disagrees with the spec, the case stays as the spec says and carries `finding` (the runners then
expect the disagreement, so that fixing the engine turns the case red and the mark is removed).

Runners: core/tests/malformed.rs (Rust), tests/c/test_malformed.c (C, through the C API),
python/tests/test_malformed.py (Python). Each asserts a typed error, no panic, no abort.

Case shape (catalogue.json "cases"):
  id, surface ("rulebook" | "record" | "batch" | "csv"), about,
  rulebook cases: format ("toml" | "json"), text (or hex for bytes that are not UTF-8),
      expect {kind, line?, lines? [lo, hi], column?, path? (a word the problem's path names)}
  record cases: rulebook (a fixture name), text (a JSON object), options {profile?, as_of?},
      expect {kind, field?, at?, all? [[kind, field], ...]}
  batch cases: rulebook, text (a JSON array), expect {rows, errors: [{row, kind, field?, at?}]}
      or expect {kind} when the whole text is refused
  csv cases: rulebook, text or hex, encoding (null = detect, "utf-8", "gb18030"),
      expect {table: {kind, line}} or {rows, errors: [{row, line, kind, field?}]}
  python: how the case reaches Python ("skip: why", or an expect that replaces the one above,
      because Python reads the JSON with its own json module before kaoping sees the values)
"""

from __future__ import annotations

import json
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "catalogue.json"

HEAD = '[rulebook]\nid = "m"\ntitle = "malformed"\nversion = "1"\n'
MARK = "#<-"  # marks the line a problem must name; removed from the text

cases: list[dict] = []
ids: set[str] = set()


def add(case: dict) -> None:
    assert case["id"] not in ids, case["id"]
    ids.add(case["id"])
    cases.append(case)


def marked(text: str) -> tuple[str, int | None]:
    """Remove the marker and return the text and the 1-based line it was on."""
    line = None
    out = []
    for n, l in enumerate(text.split("\n"), 1):
        if MARK in l:
            line = n
            l = l.replace(" " + MARK, "").replace(MARK, "")
        out.append(l)
    return "\n".join(out), line


def block_of(text: str, line: int) -> tuple[int, int]:
    """The TOML table block around `line`: from its header (or the line itself, before any
    header) to the line before the next header."""
    lines = text.split("\n")
    lo = line
    while lo > 1 and not lines[lo - 1].lstrip().startswith("["):
        lo -= 1
    hi = line
    while hi < len(lines) and not lines[hi].lstrip().startswith("["):
        hi += 1
    return lo, hi


def json_block(text: str, needle: str, nth: int = 1) -> tuple[int, int] | None:
    """Lines of the innermost JSON object holding the `nth` `needle` in indented JSON."""
    lines = text.split("\n")
    hits = [i for i, l in enumerate(lines) if needle in l]
    if len(hits) < nth:
        return None
    at = hits[nth - 1]
    indent = len(lines[at]) - len(lines[at].lstrip())
    lo = at
    while lo > 0 and not (lines[lo].rstrip().endswith("{") and len(lines[lo]) - len(lines[lo].lstrip()) < indent):
        lo -= 1
    open_indent = len(lines[lo]) - len(lines[lo].lstrip())
    hi = at
    while hi < len(lines) - 1 and not (
        lines[hi].lstrip().startswith("}") and len(lines[hi]) - len(lines[hi].lstrip()) == open_indent
    ):
        hi += 1
    return lo + 1, hi + 1


def jsonable(v):
    if isinstance(v, dict):
        return {k: jsonable(x) for k, x in v.items()}
    if isinstance(v, list):
        return [jsonable(x) for x in v]
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return v


def rulebook(cid: str, kind: str, body: str, about: str, *, path: str | None = None, exact: bool = False,
             column: int | None = None, head: str = HEAD, json_twin: str | None = "", finding=None,
             **extra) -> None:
    """A TOML rulebook case (HEAD + body), with its JSON twin unless json_twin is None.

    The marked line is the place: exactly (`exact`, for syntax errors) or its table block (for
    problems of an indicator, input, parameter…: the spec names the item, the engine may point at
    its header or at the offending key). `json_twin` is the needle that finds the item's object in
    the JSON twin (default: the path's id)."""
    text, line = marked(head + body)
    expect: dict = {"kind": kind}
    if line is not None:
        if exact:
            expect["line"] = line
        else:
            expect["lines"] = list(block_of(text, line))
    if column is not None:
        expect["column"] = column
    if path is not None:
        expect["path"] = path
    if finding:
        extra = {**extra, "finding": finding}
    add({"id": f"rb-toml-{cid}", "surface": "rulebook", "format": "toml", "about": about, "text": text,
         "expect": expect, **extra})
    if json_twin is None:
        return
    data = tomllib.loads(text)
    jtext = json.dumps(jsonable(data), ensure_ascii=False, indent=2)
    jexpect: dict = {"kind": kind}
    if path is not None:
        jexpect["path"] = path
    needle = json_twin or (f'"id": "{path}"' if path else None)
    if needle and line is not None:
        # The item is the n-th with that id: count them in the TOML text up to the marked block.
        upto = "\n".join(text.split("\n")[: block_of(text, line)[1]])
        nth = max(1, upto.count(f'id = "{path}"')) if not json_twin and path else 1
        b = json_block(jtext, needle, nth)
        if b:
            jexpect["lines"] = list(b)
    add({"id": f"rb-json-{cid}", "surface": "rulebook", "format": "json", "about": about + " (JSON)",
         "text": jtext, "expect": jexpect, **extra})


def raw_rulebook(cid: str, fmt: str, kind: str, text: str, about: str, *, exact_line: bool = True, finding=None,
                 **expect_extra):
    t, line = marked(text)
    expect: dict = {"kind": kind, **expect_extra}
    if line is not None and exact_line:
        expect["line"] = line
    c = {"id": f"rb-{fmt}-{cid}", "surface": "rulebook", "format": fmt, "about": about, "text": t, "expect": expect}
    if finding:
        c["finding"] = finding
    add(c)


# ------------------------------------------------------------------------------------------------
# Fixtures: the rulebooks records and tables are scored against.

FIXTURES = {
    # Every input type, a profile field with allowed values, a key field, a dated parameter.
    "typed": HEAD.replace('"m"', '"hostile.typed"') + '''key_field = "unit"
profile_field = "region"
as_of = 2020-06-30

[profiles."甲区"]
[profiles."乙区"]

[inputs]
unit   = { type = "text", label = "单位" }
region = { type = "text", values = ["甲区", "乙区"], required = false, label = "片区" }
n      = { type = "integer", min = 0, max = 100, label = "户数" }
d      = { type = "decimal", min = -5, max = 5, label = "增幅" }
flag   = { type = "boolean", label = "达标" }
note   = { type = "text", required = false, label = "备注" }
tier   = { type = "text", values = ["一档", "二档"], required = false, label = "档次" }
marks  = { type = "numbers", min = 0, max = 10, label = "专家评分" }
awards = { type = "items", fields = { level = "text", prize = "integer" }, label = "奖项" }

[[indicator]]
id = "a"
label = "户数"
points = 40
linear = { input = "n", from = [0, 0], to = [100, 40] }

[[indicator]]
id = "b"
label = "增幅"
points = 20
bands = { input = "d", at_least = [[3, 20], [0, 10]], else = 0 }

[[indicator]]
id = "c"
label = "达标"
points = 10
check = { when = "flag" }

[[indicator]]
id = "e"
label = "专家评议"
points = 20
panel = { input = "marks", method = "mean", scale_max = 10 }

[[indicator]]
id = "f"
label = "奖项"
points = 10
items = { input = "awards", keys = ["level"], table = { "国家级" = 10, "省级" = 6 }, else = 0 }

[[grade]]
label = "好"
at_least = 80
[[grade]]
label = "差"
''',
    # Evaluation faults (§16, §17): each indicator can be made to fail by its inputs.
    "eval": HEAD.replace('"m"', '"hostile.eval"') + '''key_field = "unit"
profile_field = "region"
as_of = 2020-06-30

[profiles."甲区"]

[inputs]
unit  = { type = "text" }
region = { type = "text", required = false }
x     = { type = "decimal", default = 1 }
y     = { type = "decimal", default = 1 }
level = { type = "text", default = "省级" }
marks = { type = "numbers", required = false }
big   = { type = "decimal", default = 0 }

[params]
rate = { dated = { 2018-01-01 = 2, 2020-01-01 = 3 } }

[derived]
quotient = "x / y"
scaled = "x * rate"

[[indicator]]
id = "ratio"
label = "完成率"
points = 20
ratio = { input = "x", target = "y" }

[[indicator]]
id = "level"
label = "等级"
points = 20
lookup = { input = "level", table = { "国家级" = 20, "省级" = 12 } }

[[indicator]]
id = "panel"
label = "专家评议"
points = 20
panel = { input = "marks", method = "trimmed_mean", trim = 1, scale_max = 10 }

[[indicator]]
id = "huge"
label = "超大"
points = 40
formula = "big * big * big"

[[grade]]
label = "好"
at_least = 60
[[grade]]
label = "差"
''',
    # A relative rule: scoring one record alone needs cohort figures (§12).
    "relative": HEAD.replace('"m"', '"hostile.relative"') + '''
[inputs]
v = { type = "decimal" }

[[indicator]]
id = "r"
label = "相对"
points = 10
relative = { input = "v", best = "max" }
''',
    # Overflow (§1): a final value that a decimal cannot hold at 2 places. Every declared figure
    # can be published (points that cannot are refused at load, §14), but with the total allowed
    # above the max, 5e26 points plus a 5e26 bonus make a total of 1e27: 29 digits at 2 places.
    "overflow": HEAD.replace('"m"', '"hostile.overflow"') + '''
[inputs]
v = { type = "decimal" }

[adjust]
allow_above_max = true

[[indicator]]
id = "wide"
label = "宽"
points = "500000000000000000000000000"
formula = "v"

[[bonus]]
id = "extra"
label = "加分"
points = "500000000000000000000000000"
formula = "v"
''',
}


# ------------------------------------------------------------------------------------------------
# Rulebooks: syntax (TOML). Lines are exact: a syntax error is where the text breaks.

LEAF = '[inputs]\nx = { type = "decimal" }\n\n[[indicator]]\nid = "a"\nlabel = "A"\npoints = 10\nformula = "x"\n'

toml_syntax = [
    ("unterminated-string", 'x = "abc #<-\n', "a basic string never closed"),
    ("unterminated-header", '[inputs #<-\n', "a table header without ]"),
    ("missing-equals", 'title2 "t" #<-\n', "a key without ="),
    ("duplicate-key", 'title = "again" #<-\n', "a key defined twice in one table (§17 Syntax: not valid TOML)"),
    ("bad-escape", 'source = "a\\qb" #<-\n', "an unknown escape \\q"),
    ("bad-unicode-escape", 'source = "\\uD800" #<-\n', "a surrogate code point escape"),
    ("bad-date", 'as_of = 2019-13-45 #<-\n', "a date with month 13"),
    ("leading-zero", 'scale = 02 #<-\n', "an integer with a leading zero"),
    ("bare-value", 'source = abc #<-\n', "an unquoted string value"),
    ("redefined-table", '[inputs]\nx = { type = "decimal" }\n[inputs] #<-\n', "a table header repeated"),
    ("table-and-array", '[indicator]\nid = "a"\n[[indicator]] #<-\n', "a table then an array of tables of the same name"),
    ("open-array", 'x = [1, 2 #<-\n', "an array never closed"),
    ("open-inline-table", 'x = { a = 1 #<-\n', "an inline table never closed"),
    ("double-dot-key", 'a..b = 1 #<-\n', "an empty dotted key part"),
    ("control-char", 'source = "a\x01b" #<-\n', "a control character inside a string"),
    ("newline-in-basic-string", 'source = "a #<-\nb"\n', "a newline inside a basic string"),
    ("fullwidth-equals", 'source ＝ "a" #<-\n', "a full-width ＝ instead of ="),
    ("unquoted-chinese-key", '[params]\n高原藏区 = 8 #<-\n', "a Chinese key not quoted (TOML bare keys are ASCII, spec preamble)"),
    ("space-in-bare-key", 'my key = 1 #<-\n', "a bare key with a space"),
    ("nul-byte", 'source = "a\x00b" #<-\n', "a NUL byte inside a string"),
    ("bad-float", 'scale = 1.e5 #<-\n', "a float without digits after the point"),
    ("bad-boolean", 'illustrative = True #<-\n', "a capitalised boolean"),
    ("trailing-garbage", 'scale = 2 3 #<-\n', "two values after one key"),
    ("header-with-equals", '[inputs = 1] #<-\n', "= inside a table header"),
    ("array-header-open", '[[indicator] #<-\n', "an array-of-tables header closed with one bracket"),
    ("bad-time", 'as_of = 2019-01-01T25:00:00 #<-\n', "a time with hour 25"),
]
for cid, body, about in toml_syntax:
    raw_rulebook(cid, "toml", "Syntax", HEAD + body, about + " (§17 Syntax, at its line)")
raw_rulebook("integer-too-big", "toml", "Syntax", HEAD + 'scale = 99999999999999999999 #<-\n',
             "an integer beyond 64 bits: TOML 1.0 says a parser must refuse it (§17 Syntax)",
             finding="reported as Schema (`scale` must be a whole number from 0 to 10) at the right line:column, "
                     "not Syntax; harmless")
raw_rulebook("open-multiline", "toml", "Syntax", HEAD + 'source = """abc #<-\n',
             "a multi-line string never closed: named where it opens (as CSV names an unclosed quote)",
             finding="reported at the end of the file (line 6), not where the string opens (line 5)")

# TOML documents nested too deep (§14: refused with an error, not a stack overflow).
raw_rulebook("deep-arrays", "toml", "TooDeep", HEAD + "x = " + "[" * 10000 + "]" * 10000 + "\n",
             "inline arrays nested 10,000 deep (§14 TooDeep)", exact_line=False)
raw_rulebook("deep-tables", "toml", "TooDeep", HEAD + "x = " + "{ a = " * 2000 + "1" + " }" * 2000 + "\n",
             "inline tables nested 2,000 deep (§14 TooDeep)", exact_line=False)
raw_rulebook("deep-dotted", "toml", "TooDeep", HEAD + "[" + ".".join(["a"] * 3000) + "]\n",
             "a table header 3,000 dotted keys deep (§14 TooDeep)", exact_line=False)

# ------------------------------------------------------------------------------------------------
# Rulebooks: syntax (JSON).

json_syntax = [
    ("empty", "", "an empty text"),
    ("truncated", '{"rulebook": {"id": "t"', "a text cut short"),
    ("trailing-comma", '{"rulebook": {"id": "t",}}', "a trailing comma"),
    ("single-quotes", "{'rulebook': {}}", "single-quoted keys"),
    ("comment", '{"rulebook": {} // note\n}', "a // comment"),
    ("unquoted-key", '{rulebook: {}}', "an unquoted key"),
    ("nan-literal", '{"rulebook": {"id": "t", "title": "t", "version": "1", "scale": NaN}}', "the literal NaN"),
    ("infinity-literal", '{"rulebook": {"id": "t", "title": "t", "version": "1", "scale": Infinity}}', "the literal Infinity"),
    ("leading-zero", '{"rulebook": {"scale": 02}}', "a number with a leading zero"),
    ("hex-number", '{"rulebook": {"scale": 0x2}}', "a hexadecimal number"),
    ("duplicate-key", '{"rulebook": {"id": "a",\n "id": "b"}}', "a key twice in one object (not accepted silently)"),
    ("lone-surrogate", '{"rulebook": {"id": "\\ud800"}}', "an escaped lone surrogate"),
    ("control-char", '{"rulebook": {"id": "a\x01b"}}', "a raw control character in a string"),
    ("two-documents", '{"rulebook": {}} {"rulebook": {}}', "two documents in one text"),
    ("bare-word", "rulebook", "a bare word"),
    ("unclosed-array", '{"indicator": [', "an array never closed"),
    ("plus-number", '{"rulebook": {"scale": +2}}', "a number with a + sign"),
    ("dot-number", '{"rulebook": {"scale": .5}}', "a number without a leading digit"),
]
for cid, text, about in json_syntax:
    add({"id": f"rb-json-syntax-{cid}", "surface": "rulebook", "format": "json",
         "about": about + " (§17 Syntax)", "text": text, "expect": {"kind": "Syntax"}})
add({"id": "rb-json-syntax-line", "surface": "rulebook", "format": "json",
     "about": "a syntax error on line 3 names line 3 (§14: line where the format gives it)",
     "text": '{\n "rulebook": {"id": "t",\n  "title": ]\n}}', "expect": {"kind": "Syntax", "line": 3}})
raw_rulebook("deep-arrays", "json", "TooDeep", '{"x": ' + "[" * 10000 + "]" * 10000 + "}",
             "arrays nested 10,000 deep (§14 TooDeep)", exact_line=False)
raw_rulebook("deep-objects", "json", "TooDeep", '{"x": ' + '{"a": ' * 5000 + "1" + "}" * 5001,
             "objects nested 5,000 deep (§14 TooDeep)", exact_line=False)

# ------------------------------------------------------------------------------------------------
# Rulebooks: schema (unknown keys, wrong types, missing sections), with JSON twins.

schema_cases = [
    ("no-rulebook-section", "", '[inputs]\nx = { type = "decimal" }\n', "no [rulebook] section"),
    ("no-id", '[rulebook]\ntitle = "t"\nversion = "1" #<-\n', LEAF, "[rulebook] without id"),
    ("id-number", '[rulebook]\nid = 5 #<-\ntitle = "t"\nversion = "1"\n', LEAF, "an id that is a number"),
    ("unknown-top-key", HEAD, 'colour = "red" #<-\n' + LEAF, "an unknown key in [rulebook]"),
    ("unknown-section", HEAD, LEAF + '[extras] #<-\nx = 1\n', "an unknown top-level section"),
    ("scale-negative", HEAD + "scale = -1 #<-\n", LEAF, "a negative scale"),
    ("scale-huge", HEAD + "scale = 4000000000 #<-\n", LEAF, "a scale beyond anything a decimal holds"),
    ("scale-text", HEAD + 'scale = "two" #<-\n', LEAF, "a scale given as text"),
    ("rounding-unknown", HEAD + 'rounding = "bankers" #<-\n', LEAF, "an unknown rounding mode (§2 lists six)"),
    ("round-unknown", HEAD + 'round = "sometimes" #<-\n', LEAF, "an unknown round setting"),
    ("input-unknown-type", HEAD, '[inputs]\nx = { type = "float" } #<-\n', "an input type not in §1"),
    ("input-no-type", HEAD, '[inputs]\nx = { label = "X" } #<-\n', "an input without a type"),
    ("input-not-table", HEAD, '[inputs]\nx = "decimal" #<-\n', "an input given as a bare string"),
    ("input-values-not-list", HEAD, '[inputs]\nx = { type = "text", values = "a" } #<-\n', "values that are not a list"),
    ("input-required-text", HEAD, '[inputs]\nx = { type = "decimal", required = "no" } #<-\n', "required given as text"),
    ("input-unknown-key", HEAD, '[inputs]\nx = { type = "decimal", minimum = 0 } #<-\n', "an unknown key in an input"),
    ("items-no-fields", HEAD, '[inputs]\nx = { type = "items", fields = 3 } #<-\n', "items fields that are not a table"),
    ("indicator-no-points", HEAD, '[inputs]\nx = { type = "decimal" }\n[[indicator]] #<-\nid = "a"\nlabel = "A"\nformula = "x"\n', "an indicator without points"),
    ("indicator-no-label", HEAD, '[inputs]\nx = { type = "decimal" }\n[[indicator]] #<-\nid = "a"\npoints = 10\nformula = "x"\n', "an indicator without label"),
    ("indicator-no-id", HEAD, '[inputs]\nx = { type = "decimal" }\n[[indicator]] #<-\nlabel = "A"\npoints = 10\nformula = "x"\n', "an indicator without id"),
    ("points-text", HEAD, '[inputs]\nx = { type = "decimal" }\n[[indicator]]\nid = "a"\nlabel = "A"\npoints = "ten" #<-\nformula = "x"\n', "points that are not a number"),
    ("points-bool", HEAD, '[inputs]\nx = { type = "decimal" }\n[[indicator]]\nid = "a"\nlabel = "A"\npoints = true #<-\nformula = "x"\n', "points given as a boolean"),
    ("leaf-no-rule", HEAD, '[inputs]\nx = { type = "decimal" }\n[[indicator]] #<-\nid = "a"\nlabel = "A"\npoints = 10\n', "a leaf with no rule (§6: exactly one rule)"),
    ("leaf-two-rules", HEAD, '[inputs]\nx = { type = "decimal" }\n[[indicator]] #<-\nid = "a"\nlabel = "A"\npoints = 10\nformula = "x"\ncheck = { when = "x > 1" }\n', "a leaf with two rules (§6: exactly one rule)"),
    ("unknown-rule", HEAD, '[inputs]\nx = { type = "decimal" }\n[[indicator]]\nid = "a"\nlabel = "A"\npoints = 10\nband = { input = "x", at_most = [[1, 10]], else = 0 } #<-\n', "a misspelt rule kind"),
    ("bands-not-pairs", HEAD, '[inputs]\nx = { type = "decimal" }\n[[indicator]]\nid = "a"\nlabel = "A"\npoints = 10\nbands = { input = "x", at_most = [1, 2, 3], else = 0 } #<-\n', "bands that are not [threshold, points] pairs"),
    ("bands-no-comparator", HEAD, '[inputs]\nx = { type = "decimal" }\n[[indicator]]\nid = "a"\nlabel = "A"\npoints = 10\nbands = { input = "x", else = 0 } #<-\n', "bands with no comparator list"),
    ("linear-three", HEAD, '[inputs]\nx = { type = "decimal" }\n[[indicator]]\nid = "a"\nlabel = "A"\npoints = 10\nlinear = { input = "x", from = [0, 0, 0], to = [1, 10] } #<-\n', "a linear endpoint of three numbers"),
    ("panel-method", HEAD, '[inputs]\nm = { type = "numbers" }\n[[indicator]]\nid = "a"\nlabel = "A"\npoints = 10\npanel = { input = "m", method = "mode" } #<-\n', "an unknown panel method (§6 lists three)"),
    ("panel-trim-negative", HEAD, '[inputs]\nm = { type = "numbers" }\n[[indicator]]\nid = "a"\nlabel = "A"\npoints = 10\npanel = { input = "m", method = "trimmed_mean", trim = -1 } #<-\n', "a negative trim"),
    ("relative-best", HEAD, '[inputs]\nx = { type = "decimal" }\n[[indicator]]\nid = "a"\nlabel = "A"\npoints = 10\nrelative = { input = "x", best = "biggest" } #<-\n', "a relative best that is neither max nor min"),
    ("aggregate-unknown", HEAD, LEAF.replace('points = 10\nformula = "x"\n', 'points = 10\naggregate = "product" #<-\n') + '[[indicator]]\nid = "a.b"\nlabel = "B"\npoints = 10\nformula = "x"\n', "an unknown aggregate"),
    ("grade-no-label", HEAD, LEAF + '[[grade]] #<-\nat_least = 5\n[[grade]]\nlabel = "差"\n', "a grade without label"),
    ("grade-bound-text", HEAD, LEAF + '[[grade]]\nlabel = "好"\nat_least = true #<-\n[[grade]]\nlabel = "差"\n', "a grade bound given as a boolean"),
    ("dated-key-not-date", HEAD, '[params]\np = { dated = { "soon" = 3 } } #<-\n' + LEAF, "a dated parameter keyed by a word, not a date"),
    ("param-no-value", HEAD, '[params]\np = { profiles = { } } #<-\n' + LEAF, "a parameter with neither value nor dated"),
    ("profiles-not-table", HEAD, 'profiles = 3 #<-\n' + LEAF, "profiles given as a number"),
    ("adjust-unknown", HEAD, LEAF + '[adjust]\nbonus_limit = 3 #<-\n', "an unknown key in [adjust]"),
    ("veto-no-when", HEAD, LEAF + '[[veto]] #<-\nid = "v"\nlabel = "V"\nscore = 0\n', "a veto without a condition"),
    ("derived-not-string", HEAD, '[inputs]\nx = { type = "decimal" }\n[derived]\nd = 5 #<-\n[[indicator]]\nid = "a"\nlabel = "A"\npoints = 10\nformula = "d"\n', "a derived value given as a number, not an expression"),
    ("test-unknown-key", HEAD, LEAF + '[[test]] #<-\nname = "t"\nrecord = { x = 1 }\nexpected = { total = "1.00" }\n', "an embedded test with `expected` for `expect`"),
    ("indicator-is-table", HEAD, '[inputs]\nx = { type = "decimal" }\n[indicator] #<-\nid = "a"\nlabel = "A"\npoints = 10\nformula = "x"\n', "[indicator] instead of [[indicator]]"),
    ("number-16-digits-toml-only", HEAD, '[inputs]\nx = { type = "decimal" }\n[[indicator]]\nid = "a"\nlabel = "A"\npoints = 10\nlinear = { input = "x", from = [0.1234567890123456, 0], to = [1, 10] } #<-\n', "a TOML float literal with 16 significant digits (§1: write it as a string)"),
    ("points-nan-toml-only", HEAD, '[inputs]\nx = { type = "decimal" }\n[[indicator]]\nid = "a"\nlabel = "A"\npoints = nan #<-\nformula = "x"\n', "points = nan (TOML allows nan; a rulebook cannot)"),
    ("points-inf-toml-only", HEAD, '[inputs]\nx = { type = "decimal" }\n[[indicator]]\nid = "a"\nlabel = "A"\npoints = inf #<-\nformula = "x"\n', "points = inf"),
    ("date-as-points", HEAD, '[inputs]\nx = { type = "decimal" }\n[[indicator]]\nid = "a"\nlabel = "A"\npoints = 2020-01-01 #<-\nformula = "x"\n', "points given as a date"),
]
for cid, head, body, about in schema_cases:
    # TOML-only cases: JSON reads numbers from their text exactly and has no nan/inf literal.
    twin = None if cid.endswith("-toml-only") else ""
    rulebook(f"schema-{cid.removesuffix('-toml-only')}", "Schema", body, about + " (§17 Schema)", head=head,
             json_twin=twin)

rulebook("profile-field-not-text", "TypeMismatch",
         '[profiles."p"]\n[inputs]\nx = { type = "decimal" }\n[[indicator]]\nid = "a"\nlabel = "A"\npoints = 10\nformula = "x"\n',
         "a profile_field that is not a text input (§16 refuses it; §17 TypeMismatch: a value of the wrong type)",
         head=HEAD + 'profile_field = "x" #<-\n',
         reading="§16 refuses it without naming a kind; the input has the wrong type, so TypeMismatch")
rulebook("key-field-unknown", "UnknownName", LEAF, "a key_field naming no input (§17 UnknownName: a name that is not declared)",
         head=HEAD + 'key_field = "nobody" #<-\n')
rulebook("points-huge", "Schema",
         '[inputs]\nx = { type = "decimal" }\n[[indicator]]\nid = "a"\nlabel = "A"\npoints = "1234567890123456789012345678901234567890" #<-\nformula = "x"\n',
         "points of 40 digits: the max cannot be published, so every record would fail (§1 range, §14: a rulebook "
         "that loads cannot fail for reasons of its own)", path="a")

# Wrong types in records of a case: as_of must be a date.
rulebook("schema-as-of-text", "Schema", LEAF, "as_of given as a word (§17 Schema)",
         head=HEAD + 'as_of = "yesterday" #<-\n', json_twin=None)

# ------------------------------------------------------------------------------------------------
# Rulebooks: the load kinds of §14/§17, each in TOML and JSON.

IX = '[inputs]\nx = { type = "decimal" }\nt = { type = "text" }\nb = { type = "boolean" }\n'


def ind(i: str, points: str = "10", rule: str | None = 'formula = "x"', extra: str = "", mark: bool = False) -> str:
    s = f'[[indicator]]{" #<-" if mark else ""}\nid = "{i}"\nlabel = "{i}"\npoints = {points}\n{extra}'
    if rule:
        s += rule + "\n"
    return s


GRADES = '[[grade]]\nlabel = "好"\nat_least = 8\n[[grade]]\nlabel = "中"\nat_least = 5\n[[grade]]\nlabel = "差"\n'

semantic = [
    # DuplicateId
    ("dup-indicator", "DuplicateId", IX + ind("a") + ind("a", mark=True), "a", "two indicators with one id"),
    ("dup-child", "DuplicateId", IX + ind("p", "20", None) + ind("p.a") + ind("p.a", mark=True), "p.a", "two children with one id"),
    ("dup-input-param", "DuplicateId", IX + '[params]\nx = 1 #<-\n' + ind("a"), "x", "a parameter named like an input"),
    ("dup-input-derived", "DuplicateId", IX + '[derived]\nx = "1 + 1" #<-\n' + ind("a"), "x", "a derived value named like an input"),
    ("dup-param-derived", "DuplicateId", IX + '[params]\np = 1\n[derived]\np = "x + 1" #<-\n' + ind("a"), "p", "a derived value named like a parameter"),
    ("dup-veto", "DuplicateId", IX + ind("a") + '[[veto]]\nid = "v"\nlabel = "v"\nwhen = "b"\nscore = 0\n[[veto]] #<-\nid = "v"\nlabel = "v2"\nwhen = "b"\nscore = 1\n', "v", "two vetoes with one id"),
    ("dup-criterion", "DuplicateId", IX + ind("a") + '[[criterion]]\nid = "k"\nlabel = "k"\nwhen = "b"\n[[criterion]] #<-\nid = "k"\nlabel = "k"\nwhen = "x > 1"\n', "k", "two criteria with one id"),
    ("dup-bonus", "DuplicateId", IX + ind("a") + '[[bonus]]\nid = "w"\nlabel = "w"\npoints = 1\ncheck = { when = "b" }\n[[bonus]] #<-\nid = "w"\nlabel = "w"\npoints = 1\ncheck = { when = "b" }\n', "w", "two bonus items with one id"),
    ("dup-grade-label", "DuplicateId", IX + ind("a") + '[[grade]]\nlabel = "好"\nat_least = 8\n[[grade]] #<-\nlabel = "好"\nat_least = 5\n[[grade]]\nlabel = "差"\n', "好", "two grades with one label"),
    ("dup-zero-width", "DuplicateId", IX + ind("a\u200b") + ind("a\u200b", mark=True), "a\u200b", "two ids with the same zero-width space"),
    # OrphanIndicator
    ("orphan", "OrphanIndicator", IX + ind("a.b", mark=True), "a.b", "a child whose parent is never declared"),
    ("orphan-before-parent", "OrphanIndicator", IX + ind("a.b", mark=True) + ind("a", "10", None), "a.b", "a child declared before its parent (§6: a parent comes first)"),
    ("orphan-grandchild", "OrphanIndicator", IX + ind("a", "10", None) + ind("a.b.c", mark=True), "a.b.c", "a grandchild whose parent a.b is missing"),
    ("fullwidth-dot", "Schema", IX + ind("a", "10", None, mark=True) + ind("a．b"), "a", "a child joined with a full-width dot is not a child (§6: dotted ids), so `a` is a leaf without a rule"),
    # PointsMismatch
    ("points-sum", "PointsMismatch", IX + ind("p", "10", None, mark=True) + ind("p.a", "6") + ind("p.b", "5"), "p", "children adding to 11 under a parent of 10"),
    ("points-declared-max", "PointsMismatch", IX + ind("a", "10"), None, "a declared max that is not the indicators' sum"),
    ("points-profile", "PointsMismatch", '[profiles."高原"]\n[profiles."高原".points]\n"p.a" = 7\n' + IX + ind("p", "10", None, mark=True) + ind("p.a", "6") + ind("p.b", "4"), "p", "a profile's override breaking the sum in that profile only (§7)"),
    ("points-decimal", "PointsMismatch", IX + ind("p", "1", None, mark=True) + ind("p.a", "0.3") + ind("p.b", "0.3") + ind("p.c", "0.3"), "p", "0.3 + 0.3 + 0.3 is 0.9, not 1: exact, not float"),
    # BandOrder
    ("bands-at-most-down", "BandOrder", IX + ind("a", "10", 'bands = { input = "x", at_most = [[3, 10], [2, 5]], else = 0 }', mark=True), "a", "at_most thresholds decreasing"),
    ("bands-equal", "BandOrder", IX + ind("a", "10", 'bands = { input = "x", at_most = [[2, 10], [2, 5]], else = 0 }', mark=True), "a", "two equal thresholds (strictly increasing)"),
    ("bands-at-least-up", "BandOrder", IX + ind("a", "10", 'bands = { input = "x", at_least = [[2, 10], [3, 5]], else = 0 }', mark=True), "a", "at_least thresholds increasing"),
    ("bands-below-down", "BandOrder", IX + ind("a", "10", 'bands = { input = "x", below = [[5, 10], [1, 5]], else = 0 }', mark=True), "a", "below thresholds decreasing"),
    ("bands-above-up", "BandOrder", IX + ind("a", "10", 'bands = { input = "x", above = [[1, 10], [5, 5]], else = 0 }', mark=True), "a", "above thresholds increasing"),
    ("bands-param-profile", "BandOrder", '[profiles."乙"]\n' + IX + '[params]\nt1 = { value = 1, profiles = { "乙" = 9 } }\n' + ind("a", "10", 'bands = { input = "x", at_most = [["t1", 10], [5, 5]], else = 0 }', mark=True), "a", "thresholds in order in the base but not in profile 乙 (§7: each profile validated)"),
    # MissingElse
    ("bands-no-else", "MissingElse", IX + ind("a", "10", 'bands = { input = "x", at_most = [[3, 10]] }', mark=True), "a", "bands without else"),
    ("bands-no-else-child", "MissingElse", IX + ind("p", "10", None) + ind("p.a", "10", 'bands = { input = "x", at_least = [[3, 10], [1, 5]] }', mark=True), "p.a", "a child's bands without else"),
    # DegenerateLinear
    ("linear-equal", "DegenerateLinear", IX + ind("a", "10", 'linear = { input = "x", from = [5, 0], to = [5, 10] }', mark=True), "a", "x0 = x1"),
    ("linear-equal-decimal", "DegenerateLinear", IX + ind("a", "10", 'linear = { input = "x", from = ["0.50", 0], to = ["0.5", 10] }', mark=True), "a", "x0 = x1 written differently (0.50 and 0.5)"),
    ("linear-equal-param", "DegenerateLinear", IX + '[params]\nlo = 3\n' + ind("a", "10", 'linear = { input = "x", from = ["lo", 0], to = [3, 10] }', mark=True), "a", "x0 = x1 through a parameter"),
    # UnknownName
    ("unknown-in-derived", "UnknownName", IX + '[derived]\nd = "x + nobody" #<-\n' + ind("a", "10", 'formula = "d"'), "d", "a derived value reading an undeclared name"),
    ("unknown-rule-input", "UnknownName", IX + ind("a", "10", 'linear = { input = "nobody", from = [0, 0], to = [1, 10] }', mark=True), "a", "a rule whose input is not declared"),
    ("unknown-when", "UnknownName", IX + ind("a", "10", 'check = { when = "missing_flag" }', mark=True), "a", "a condition on an undeclared name"),
    ("unknown-threshold", "UnknownName", IX + ind("a", "10", 'bands = { input = "x", at_most = [["nolimit", 10]], else = 0 }', mark=True), "a", "a threshold naming no parameter (R29)"),
    ("unknown-function", "UnknownName", IX + ind("a", "10", 'formula = "sqrt(x)"', mark=True), "a", "a function not in §5"),
    ("unknown-points-id", "UnknownName", IX + ind("a") + GRADES + '[[grade_rule]]\nwhen = \'points("nowhere") < 1\' #<-\ngrade_at_most = "中"\n', None, "points() of an indicator that does not exist"),
    ("unknown-component", "UnknownName", IX + ind("a", "10", 'component = { rulebook = "no.such.rulebook" }', mark=True), "a", "a component rulebook that is nowhere"),
    ("unknown-override-indicator", "UnknownName", '[profiles."乙"]\n[profiles."乙".points]\n"nowhere" = 3 #<-\n' + IX + ind("a"), None, "a points override of an indicator that does not exist"),
    ("unknown-veto-when", "UnknownName", IX + ind("a") + '[[veto]] #<-\nid = "v"\nlabel = "v"\nwhen = "fraud"\nscore = 0\n', "v", "a veto condition on an undeclared name"),
    ("unknown-applies", "UnknownName", IX + ind("a", "10", 'formula = "x"', extra='applies = "ghost > 1"\n', mark=True), "a", "an applies on an undeclared name"),
    ("unknown-homoglyph", "UnknownName", IX + ind("a", "10", 'formula = "\u0445 + 1"', mark=True), "a", "a Cyrillic х where the input is a Latin x"),
    # TypeMismatch
    ("type-text-arith", "TypeMismatch", IX + ind("a", "10", 'formula = "t + 1"', mark=True), "a", "text in arithmetic"),
    ("type-number-when", "TypeMismatch", IX + ind("a", "10", 'check = { when = "x + 1" }', mark=True), "a", "a number where a condition belongs"),
    ("type-and-numbers", "TypeMismatch", IX + '[derived]\nd = "x and 1" #<-\n' + ind("a", "10", 'formula = "x"'), "d", "and of numbers"),
    ("type-compare-text-number", "TypeMismatch", IX + ind("a", "10", 'check = { when = "t < 3" }', mark=True), "a", "text compared with a number"),
    ("type-in-number", "TypeMismatch", IX + ind("a", "10", 'check = { when = \'x in ["a", "b"]\' }', mark=True), "a", "a number tested against a list of strings"),
    ("type-if-branches", "TypeMismatch", IX + '[derived]\nd = "if b then 1 else t" #<-\n' + ind("a", "10", 'formula = "d"'), "d", "if branches of different types"),
    ("type-formula-bool", "TypeMismatch", IX + ind("a", "10", 'formula = "b"', mark=True), "a", "a formula that is a boolean"),
    ("type-linear-text", "TypeMismatch", IX + ind("a", "10", 'linear = { input = "t", from = [0, 0], to = [1, 10] }', mark=True), "a", "a linear rule reading text"),
    ("type-not-number", "TypeMismatch", IX + ind("a", "10", 'check = { when = "not x" }', mark=True), "a", "not of a number"),
    ("type-round-places", "TypeMismatch", IX + ind("a", "10", 'formula = "round(x, x)"', mark=True), "a", "round() with a non-literal place count (reading 5)"),
    ("type-min-one-arg", "TypeMismatch", IX + ind("a", "10", 'formula = "min(x)"', mark=True), "a", "min() with one argument (reading 5)"),
    ("type-numbers-in-expr", "TypeMismatch", '[inputs]\nm = { type = "numbers" }\n' + ind("a", "10", 'formula = "m + 1"', mark=True), "a", "a numbers input read in an expression (§16)"),
    # Cycle
    ("cycle-self", "Cycle", IX + '[derived]\nd = "d + 1" #<-\n' + ind("a", "10", 'formula = "d"'), "d", "a derived value reading itself"),
    ("cycle-two", "Cycle", IX + '[derived]\np = "q + x" #<-\nq = "p * 2"\n' + ind("a", "10", 'formula = "p"'), "p", "two derived values reading each other"),
    ("cycle-three", "Cycle", IX + '[derived]\np = "q + 1" #<-\nq = "r + 1"\nr = "p + 1"\n' + ind("a", "10", 'formula = "x"'), "p", "three derived values in a ring, none read by an indicator"),
    # UnknownProfile
    ("profile-param", "UnknownProfile", IX + '[params]\np = { value = 1, profiles = { "nowhere" = 2 } } #<-\n' + ind("a"), "p", "a parameter overriding an undeclared profile"),
    ("profile-dated", "UnknownProfile", IX + '[params]\np = { dated = { 2019-01-01 = 1 }, profiles = { "nowhere" = { dated = { 2019-01-01 = 2 } } } } #<-\n' + ind("a"), "p", "a dated parameter overriding an undeclared profile"),
    # GradeOrder
    ("grades-up", "GradeOrder", IX + ind("a") + '[[grade]]\nlabel = "中"\nat_least = 5\n[[grade]] #<-\nlabel = "好"\nat_least = 8\n[[grade]]\nlabel = "差"\n', None, "grade bounds increasing"),
    ("grades-equal", "GradeOrder", IX + ind("a") + '[[grade]]\nlabel = "好"\nat_least = 5\n[[grade]] #<-\nlabel = "中"\nat_least = 5\n[[grade]]\nlabel = "差"\n', None, "two grades with the same bound"),
    ("grades-both-bounds", "GradeOrder", IX + ind("a") + '[[grade]] #<-\nlabel = "好"\nat_least = 8\nabove = 7\n[[grade]]\nlabel = "差"\n', None, "a grade with at_least and above together (§16)"),
    # UnknownGrade
    ("grade-veto", "UnknownGrade", IX + ind("a") + GRADES + '[[veto]] #<-\nid = "v"\nlabel = "v"\nwhen = "b"\ngrade = "优秀"\n', "v", "a veto ceiling naming no grade"),
    ("grade-rule", "UnknownGrade", IX + ind("a") + GRADES + '[[grade_rule]] #<-\nwhen = "b"\ngrade_at_most = "较差"\n', None, "a grade rule naming no grade"),
    ("grade-veto-no-grades", "UnknownGrade", IX + ind("a") + '[[veto]] #<-\nid = "v"\nlabel = "v"\nwhen = "b"\ngrade = "差"\n', "v", "a veto grade in a rulebook without grades"),
    # TooDeep (§14: an expression nested 10,000 deep is refused with an error)
    ("expr-10000", "TooDeep", IX + '[derived]\nd = "' + "(" * 10000 + "x" + ")" * 10000 + '" #<-\n' + ind("a", "10", 'formula = "d"'), "d", "an expression nested 10,000 deep"),
    ("expr-65", "TooDeep", IX + '[derived]\nd = "' + "(" * 65 + "x" + ")" * 65 + '" #<-\n' + ind("a", "10", 'formula = "d"'), "d", "65 parentheses, one beyond the 64 the parser takes"),
    ("expr-neg-chain", "TooDeep", IX + '[derived]\nd = "' + "-" * 5000 + 'x" #<-\n' + ind("a", "10", 'formula = "d"'), "d", "5,000 unary minus signs"),
    ("expr-not-chain", "TooDeep", IX + ind("a", "10", 'check = { when = "' + "not " * 3000 + 'b" }', mark=True), "a", "3,000 nots"),
    ("expr-if-chain", "TooDeep", IX + '[derived]\nd = "' + "if b then (" * 200 + "1" + ")" * 200 + ' else 0" #<-\n' + ind("a", "10", 'formula = "x"'), "d", "if nested 200 deep"),
    # Expression syntax inside a rulebook (§5: load errors with the expression's location)
    ("expr-syntax-open", "Syntax", IX + '[derived]\nd = "(x + 1" #<-\n' + ind("a", "10", 'formula = "d"'), "d", "an unclosed parenthesis in an expression"),
    ("expr-syntax-op", "Syntax", IX + '[derived]\nd = "x + * 2" #<-\n' + ind("a", "10", 'formula = "d"'), "d", "two operators in a row"),
    ("expr-syntax-chain-cmp", "Syntax", IX + ind("a", "10", 'check = { when = "1 < x < 3" }', mark=True), "a", "chained comparisons (§5: non-associative)"),
    ("expr-syntax-empty", "Syntax", IX + '[derived]\nd = "" #<-\n' + ind("a", "10", 'formula = "d"'), "d", "an empty expression"),
    ("expr-syntax-string", "Syntax", IX + ind("a", "10", 'check = { when = \'t == "abc\' }', mark=True), "a", "an unterminated string literal in an expression"),
    ("expr-syntax-if", "Syntax", IX + '[derived]\nd = "if b then 1" #<-\n' + ind("a", "10", 'formula = "d"'), "d", "if without else"),
    ("expr-syntax-fullwidth", "Syntax", IX + '[derived]\nd = "x ＋ 1" #<-\n' + ind("a", "10", 'formula = "d"'), "d", "a full-width plus sign"),
    ("expr-syntax-number", "Syntax", IX + '[derived]\nd = "1.2.3 + x" #<-\n' + ind("a", "10", 'formula = "d"'), "d", "a number with two points"),
    ("expr-syntax-trailing", "Syntax", IX + '[derived]\nd = "x 1" #<-\n' + ind("a", "10", 'formula = "d"'), "d", "two atoms side by side"),
    ("expr-syntax-bang", "Syntax", IX + ind("a", "10", 'check = { when = "!b" }', mark=True), "a", "! for not"),
    ("expr-syntax-ampersand", "Syntax", IX + ind("a", "10", 'check = { when = "b && b" }', mark=True), "a", "&& for and"),
    ("expr-syntax-in-minus", "Syntax", IX + '[derived]\nd = \'t in ["a"] - x\' #<-\n' + ind("a", "10", 'formula = "d"'), "d", "arithmetic after an `in` list (§5: `+ -` bind tighter than `in`; found by fuzzing)"),
    ("expr-syntax-in-times", "Syntax", IX + ind("a", "10", 'check = { when = \'not t in ["a"] * 2 == 0\' }', mark=True), "a", "`*` after an `in` list inside `not` (§5)"),
    ("expr-syntax-nul", "Syntax", IX + '[derived]\nd = "x \\u0000 1" #<-\n' + ind("a", "10", 'formula = "d"'), "d", "a NUL character inside an expression"),
]
for cid, kind, body, path, about in semantic:
    if cid in ("dup-input-param", "dup-input-derived", "dup-param-derived"):
        rulebook(cid, kind, body, about + f" (§14/§17 {kind}; §14: the parameter path)", path=path)
        continue
    if cid == "points-declared-max":
        rulebook(cid, kind, body, about + f" (§14/§17 {kind})", head=HEAD + "max = 11 #<-\n", path=path)
        continue
    rulebook(cid, kind, body, about + f" (§14/§17 {kind})", path=path)

# Every problem, not just the first (§14): three kinds in one rulebook, all reported.
multi = IX + ind("a") + ind("a") + ind("q.r") + '[derived]\nd = "d"\n'
text = HEAD + multi
add({"id": "rb-toml-all-problems", "surface": "rulebook", "format": "toml",
     "about": "a duplicate id, an orphan and a cycle together: all three reported (§14)",
     "text": text, "expect": {"kind": "DuplicateId", "also": ["OrphanIndicator", "Cycle"]}})

# Unicode oddities in a rulebook that otherwise loads (must load, not panic): kept separately.
# A BOM at the start of a TOML file: TOML 1.0 does not allow one; the spec says nothing. The
# catalogue takes "refused with Syntax on line 1" (reading: a BOM is not TOML).
raw_rulebook("bom-mid-file", "toml", "Syntax", HEAD + "\ufeff[inputs] #<-\nx = { type = \"decimal\" }\n",
             "a BOM in the middle of the file, before a table header: not a TOML character there")
raw_rulebook("rtl-override", "toml", "Syntax",
             HEAD + IX + ind("a", "10", 'formula = "\u202ex" #<-'), "a right-to-left override before a name: not a character of any token (§5)")

# ------------------------------------------------------------------------------------------------
# Records (JSON objects) against the fixtures. Places: field for input errors, at for evaluation.

GOOD = {"unit": "甲单位", "region": "甲区", "n": 50, "d": "1.5", "flag": True,
        "marks": ["7", "8", 9], "awards": [{"level": "国家级", "prize": 1}]}


def changed(base: dict, changes: dict) -> str:
    """`base` with `changes` applied (a value of DROP removes the field), as JSON text."""
    r = dict(base)
    for k, v in changes.items():
        if v is DROP:
            r.pop(k, None)
        else:
            r[k] = v
    return json.dumps(r, ensure_ascii=False)


def rec(**changes) -> str:
    return changed(GOOD, changes)


DROP = object()


def record_case(cid: str, text: str, kind: str, about: str, *, fixture: str = "typed", field: str | None = None,
                at: str | None = None, options: dict | None = None, python=None, all_=None, item: str | None = None,
                **extra) -> None:
    expect: dict = {"kind": kind}
    if field is not None:
        expect["field"] = field
    if item is not None:
        expect["item"] = item
    if at is not None:
        expect["at"] = at
    if all_ is not None:
        expect["all"] = all_
    c = {"id": f"rec-{cid}", "surface": "record", "rulebook": fixture, "about": about, "text": text,
         "expect": expect, **extra}
    if options:
        c["options"] = options
    if python is not None:
        c["python"] = python
    add(c)


# MissingInput: every required input, absent, null, empty or blank.
for f in ["unit", "n", "d", "flag", "marks", "awards"]:
    record_case(f"missing-{f}", rec(**{f: DROP}), "MissingInput", f"required `{f}` absent (§3)", field=f)
    record_case(f"null-{f}", rec(**{f: None}), "MissingInput", f"`{f}` null: JSON null is missing (§16)", field=f)
for f in ["n", "d", "flag"]:
    record_case(f"empty-{f}", rec(**{f: ""}), "MissingInput", f"`{f}` an empty string: an empty cell is missing (§3)",
                field=f)
    record_case(f"blank-{f}", rec(**{f: "  \u3000 "}), "MissingInput",
                f"`{f}` only spaces and an ideographic space: trimmed, then missing (§3)", field=f)

# InputType: each input given the wrong kind of value.
wrong_types = [
    ("n-object", "n", {"v": 1}, "an object for an integer"),
    ("n-array", "n", [1], "a list for an integer"),
    ("n-word", "n", "fifty", "a word for an integer"),
    ("n-fraction", "n", "1.5", "a non-integral decimal for an integer (reading 4)"),
    ("n-fraction-number", "n", 1.5, "a non-integral JSON number for an integer (reading 4)"),
    ("n-bool", "n", True, "a boolean for an integer"),
    ("n-thousands", "n", "1,000", "a thousands separator (§3: an error)"),
    ("n-exponent-word", "n", "1e", "a cut exponent"),
    ("n-hex", "n", "0x10", "a hexadecimal cell"),
    ("d-word", "d", "abc", "a word for a decimal"),
    ("d-object", "d", {}, "an object for a decimal"),
    ("d-bool", "d", False, "a boolean for a decimal"),
    ("d-two-points", "d", "1.2.3", "a number with two points"),
    ("d-comma-decimal", "d", "1,5", "a decimal comma"),
    ("d-percent", "d", "1.5%", "a percent sign"),
    ("d-currency", "d", "¥1.5", "a currency sign"),
    ("d-mojibake", "d", "ï¼‘", "full-width 1 mis-decoded (UTF-8 bytes read as Latin-1): mixed encodings"),
    ("d-nul", "d", "1\u0000", "a NUL after the digits"),
    ("d-zero-width", "d", "1\u200b2", "a zero-width space between digits"),
    ("flag-number-1", "flag", 1, "the number 1 for a boolean (R17)"),
    ("flag-number-0", "flag", 0, "the number 0 for a boolean (R17)"),
    ("flag-word", "flag", "maybe", "a word that is not a boolean spelling (§3)"),
    ("flag-list", "flag", [True], "a list for a boolean"),
    ("unit-number", "unit", 5, "a number for a text input (R17)"),
    ("unit-object", "unit", {"a": 1}, "an object for a text input"),
    ("unit-bool", "unit", True, "a boolean for a text input"),
    ("marks-scalar", "marks", 7, "a number for a list of marks"),
    ("marks-string-list", "marks", ["7", "x"], "a mark that is not a number (R18)"),
    ("marks-object", "marks", {"a": 7}, "an object for marks"),
    ("marks-nested", "marks", [[7]], "a list inside the marks"),
    ("marks-bool", "marks", [True], "a boolean mark"),
    ("awards-scalar", "awards", 3, "a number for items"),
    ("awards-not-object", "awards", [1, 2], "items that are not objects (the list's item 1, §18.2)"),
    ("awards-field-type", "awards", [{"level": "省级", "prize": "first"}], "an item field of the wrong type (R18)"),
    ("awards-field-fraction", "awards", [{"level": "省级", "prize": 1.5}], "a non-integral integer item field"),
    ("awards-string", "awards", "国家级", "a string for items"),
]
# A problem inside an item names the item's field and the item (§18.2: `awards[1]`).
in_item = {"awards-not-object": ("awards", "awards[1]"), "awards-field-type": ("prize", "awards[1]"),
           "awards-field-fraction": ("prize", "awards[1]")}
for cid, f, v, about in wrong_types:
    py = None
    field, item = in_item.get(cid, (f, None))
    record_case(f"type-{cid}", rec(**{f: v}), "InputType", about + " (§17 InputType)", field=field, item=item,
                python=py)

# NaN and infinity spellings: never numbers (§1).
for spelling in ["NaN", "nan", "-nan", "inf", "-inf", "Infinity", "-Infinity", "+Infinity", "∞", "1e999999999"]:
    kind = "InputType"
    about = f"d = \"{spelling}\": not a number (§1 rejects NaN and ±inf)"
    if spelling == "1e999999999":
        kind = "InputOutOfRange"
        about = "d = \"1e999999999\": a number beyond the decimal range (§1: an input error)"
    record_case(f"nan-{spelling.replace('∞', 'inf-sign')}", rec(d=spelling), kind, about, field="d")
    record_case(f"nan-mark-{spelling.replace('∞', 'inf-sign')}", rec(marks=["7", spelling]), kind,
                about.replace("d = ", "a mark ") + " (R18: names the list)", field="marks")

# Numbers beyond rust_decimal's range (§1: 28 significant digits, |x| < 7.9e28): an input error.
big40 = "1234567890123456789012345678901234567890"
for cid, f, v, about in [
    ("d-40-digits-number", "d", None, "a 40-digit JSON number for a decimal"),
    ("d-40-digits-string", "d", big40, "a 40-digit string for a decimal"),
    ("d-1e29", "d", "1e29", "1e29, beyond 7.9e28"),
    ("d-tiny", "d", "1e-40", "1e-40: more places than a decimal holds"),
    ("n-i64-overflow", "n", "9223372036854775808", "an integer one beyond i64 (R16)"),
    ("n-i64-underflow", "n", "-9223372036854775809", "an integer one below i64"),
]:
    text = rec(**{f: v}) if v is not None else rec(d=DROP)[:-1] + f', "d": {big40}' + "}"
    record_case(f"range-{cid}", text, "InputOutOfRange", about + " (§1: an input error; InputOutOfRange)", field=f)
record_case("range-n-40-number", rec(n=DROP)[:-1] + f', "n": {big40}' + "}", "InputOutOfRange",
            "a 40-digit JSON number for an integer (§1)", field="n")

# InputOutOfRange: declared bounds and values (§3).
for cid, f, v, about in [
    ("n-below", "n", -1, "n = -1 below min 0"),
    ("n-above", "n", 101, "n = 101 above max 100"),
    ("n-far-above", "n", 10 ** 18, "n = 10^18 above max 100"),
    ("d-below", "d", "-5.0000000001", "d just below min -5"),
    ("d-above", "d", "5.01", "d above max 5"),
    ("tier-value", "tier", "三档", "a text value not in values (§3 values)"),
    ("tier-variant", "tier", "一檔", "a traditional-character spelling not in values"),
    ("tier-fullwidth-space", "tier", "一\u3000档", "an ideographic space inside a value"),
]:
    record_case(f"range-{cid}", rec(**{f: v}), "InputOutOfRange", about + " (§17 InputOutOfRange)", field=f)
record_case("range-mark", rec(marks=["7", "11"]), "InputOutOfRange", "a mark above max 10: min/max apply to each mark (§16, R18)", field="marks")
record_case("range-mark-negative", rec(marks=["-0.1"]), "InputOutOfRange", "a negative mark", field="marks")

# Several input errors together: all, in declaration order (§3).
record_case("all-in-order", rec(unit=DROP, n=-1, d="abc", flag=2), "MissingInput",
            "four bad inputs: every one reported, in declaration order (§3)", field="unit",
            all_=[["MissingInput", "unit"], ["InputOutOfRange", "n"], ["InputType", "d"], ["InputType", "flag"]])
record_case("all-lists", rec(marks=["x"], awards=[{"prize": 1}]), "InputType",
            "a bad mark and an item missing its level: both, marks first (declaration order)", field="marks",
            all_=[["InputType", "marks"], ["MissingInput", "level"]])
record_case("item-missing-field", rec(awards=[{"level": "省级"}]), "MissingInput",
            "an item without its prize field: every declared item field is required (§16, R18), named in its item "
            "(§18.2)", field="prize", item="awards[1]")

# UnknownProfile: checked before inputs (§16).
record_case("profile-undeclared", rec(region="丙区", n=-1), "UnknownProfile",
            "an undeclared profile is checked before inputs (§16) — 丙区 is not a profile",
            field="region",
            reading="The profile comes from the record (profile_field) but is undeclared: UnknownProfile "
                    "before the values check (§16 order of checks).")
record_case("profile-call", rec(), "UnknownProfile", "a call profile that is not declared", options={"profile": "火星"})

# Records that are not objects, and JSON that is not JSON.
for cid, text, about in [
    ("array", "[1, 2]", "an array, not an object"),
    ("string", '"甲单位"', "a string"),
    ("number", "42", "a number"),
    ("null", "null", "null"),
    ("true", "true", "a boolean"),
]:
    record_case(f"not-object-{cid}", text, "InputType", f"a record that is {about} (a record is an object of field values)",
                python="skip: Python takes records as mappings; a non-mapping is the caller's TypeError")
for cid, text, about in [
    ("empty", "", "an empty text"),
    ("truncated", '{"unit": "甲', "a text cut short"),
    ("trailing-comma", '{"unit": "a",}', "a trailing comma"),
    ("single-quotes", "{'unit': 'a'}", "single quotes"),
    ("nan-literal", '{"unit": "a", "d": NaN}', "the literal NaN (not JSON)"),
    ("inf-literal", '{"unit": "a", "d": -Infinity}', "the literal -Infinity (not JSON)"),
    ("duplicate-key", '{"unit": "a", "unit": "b"}', "the same field twice"),
    ("comment", '{"unit": "a" /* c */}', "a comment"),
    ("bom-inside", '{"unit": "a",\ufeff "n": 1}', "a BOM between members"),
    ("deep", '{"n": ' + "[" * 5000 + "]" * 5000 + "}", "a value nested 5,000 deep"),
    ("lone-surrogate", '{"unit": "\\udc00"}', "an escaped lone surrogate"),
    ("bad-escape", '{"unit": "\\x41"}', "an unknown escape"),
]:
    py = "skip: not JSON that Python's json module reads the same way; Python never sees it as a record"
    if cid in ("nan-literal", "inf-literal"):
        # The record has only unit and d: every missing required input is reported too, all
        # in declaration order (§3), so the first issue is n's MissingInput.
        py = {"kind": "MissingInput", "field": "n",
              "all": [["MissingInput", "n"], ["InputType", "d"], ["MissingInput", "flag"],
                      ["MissingInput", "marks"], ["MissingInput", "awards"]],
              "reading": "Python's json reads NaN/-Infinity as floats; kaoping refuses them as the field's InputType (§1), "
                         "among the record's other issues in declaration order (§3)"}
    record_case(f"json-{cid}", text, "Syntax", f"{about}: not valid JSON (Syntax)", python=py)

# Evaluation faults, each at the place that failed (§17 scoring kinds, R1/R2 places).
EV = {"unit": "u", "x": "1", "y": "1", "level": "省级", "marks": ["6", "7", "8"], "big": "0"}


def ev(**changes) -> str:
    return changed(EV, changes)


record_case("div-derived", ev(y="0"), "DivisionByZero", "x / y with y = 0 in a derived value (eager, §16): names the derived value", fixture="eval", at="quotient")
record_case("div-derived-neg-zero", ev(y="-0.00"), "DivisionByZero", "y = -0.00 is zero too", fixture="eval", at="quotient")
record_case("no-dated-value", ev(), "NoDatedValue", "as_of before the first date of a dated parameter (§4)", fixture="eval", at="rate", options={"as_of": "2017-12-31"})
record_case("lookup-miss", ev(level="乡级"), "LookupMiss", "a lookup key not in the table, no else (§6)", fixture="eval", at="level")
record_case("lookup-miss-inner-space", ev(level="省 级"), "LookupMiss", "a key with an inner space", fixture="eval", at="level")
record_case("panel-too-small", ev(marks=["7", "8"]), "PanelTooSmall", "trimmed_mean trim 1 on two marks (§6: needs more than 2 × trim)", fixture="eval", at="panel")
record_case("panel-empty", ev(marks=[]), "PanelTooSmall", "an empty list of marks (§16: no marks at all)", fixture="eval", at="panel")
record_case("overflow", json.dumps({"v": "500000000000000000000000000"}), "Overflow",
            "a total of 1e27 (5e26 points + a 5e26 bonus, above the max as allowed) cannot be a decimal at 2 places "
            "(§1: a final value that cannot be represented is an Overflow naming the place)",
            fixture="overflow", at="total")
record_case("cohort-required", json.dumps({"v": "3"}), "CohortRequired", "a relative rule scored alone (§12)", fixture="relative", at="r")
record_case("eval-profile-call", ev(), "UnknownProfile", "a call profile not declared", fixture="eval", options={"profile": "乙区"})
record_case("eval-input-first", ev(y="abc", x=DROP), "InputType",
            "an input error wins over the division it would cause (§16 order of checks)", fixture="eval", field="y")

# ------------------------------------------------------------------------------------------------
# Batches (JSON arrays): a bad row never hides the others (§12); places are rows.

def batch_case(cid: str, rows: list, errors: list, about: str, *, fixture: str = "typed", raw: str | None = None,
               python=None, finding=None) -> None:
    text = raw if raw is not None else json.dumps(rows, ensure_ascii=False)
    c = {"id": f"batch-{cid}", "surface": "batch", "rulebook": fixture, "about": about, "text": text,
         "expect": {"rows": len(rows), "errors": errors}}
    if python is not None:
        c["python"] = python
    if finding:
        c["finding"] = finding
    add(c)


good = json.loads(rec())
batch_case("one-bad-middle", [good, json.loads(rec(n=-1)), good], [{"row": 2, "kind": "InputOutOfRange", "field": "n"}],
           "a bad row in the middle: three slots, row 2 fails")
batch_case("first-and-last", [json.loads(rec(d="NaN")), good, good, json.loads(rec(flag="maybe"))],
           [{"row": 1, "kind": "InputType", "field": "d"}, {"row": 4, "kind": "InputType", "field": "flag"}],
           "bad first and last rows")
batch_case("all-bad", [json.loads(rec(unit=DROP)), json.loads(rec(n="x"))],
           [{"row": 1, "kind": "MissingInput", "field": "unit"}, {"row": 2, "kind": "InputType", "field": "n"}],
           "every row bad: still one slot each")
batch_case("non-object-row", [good, 5, good], [{"row": 2, "kind": "InputType"}],
           "an element that is not an object fails its own row",
           python="skip: Python's score_many takes mappings; a non-mapping element is the caller's TypeError")
batch_case("profile-row", [good, json.loads(rec(region="丙区"))], [{"row": 2, "kind": "UnknownProfile", "field": "region"}],
           "an undeclared profile in row 2")
batch_case("eval-rows", [EV, json.loads(ev(y="0")), json.loads(ev(level="乡级"))],
           [{"row": 2, "kind": "DivisionByZero", "at": "quotient"}, {"row": 3, "kind": "LookupMiss", "at": "level"}],
           "evaluation faults in a batch", fixture="eval")
batch_case("eval-panel", [EV, json.loads(ev(marks=["7", "8"])), EV], [{"row": 2, "kind": "PanelTooSmall", "at": "panel"}],
           "a panel too small for its trim in row 2 only (§6)", fixture="eval")
batch_case("overflow-rows", [{"v": "3"}, {"v": "500000000000000000000000000"}, {"v": "-2"}],
           [{"row": 2, "kind": "Overflow", "at": "total"}],
           "row 2's total cannot be a decimal (§1), in a batch as alone, and rows 1 and 3 score (the record case "
           "`overflow`; §12: a batch row gives what the row gives alone)",
           fixture="overflow")
# (Until 2026-11-28 score_batch without explain could leave a row whose result cannot be published
# with neither a total nor an error.)
batch_case("empty-array", [], [], "an empty array: zero rows, no error")
for cid, raw, about in [
    ("object", '{"unit": "a"}', "an object, not an array"),
    ("truncated", '[{"unit": "a"}', "an array cut short"),
    ("empty-text", "", "an empty text"),
]:
    add({"id": f"batch-refused-{cid}", "surface": "batch", "rulebook": "typed", "about": about + ": the text is refused, nothing scored",
         "text": raw, "expect": {"refused": True},
         "python": "skip: Python takes sequences of mappings, not JSON text"})

# ------------------------------------------------------------------------------------------------
# CSV tables (through kaoping::table / kp_score_csv / the CLI). Places: the line of the table,
# or the row and line of a bad row.

HEADER = "unit,region,n,d,flag,marks"
ROW = "甲单位,甲区,50,1.5,是,7;8;9"


def csv_case(cid: str, text: str | bytes, expect: dict, about: str, *, encoding: str | None = None,
             fixture: str = "csvbook") -> None:
    c = {"id": f"csv-{cid}", "surface": "csv", "rulebook": fixture, "about": about, "encoding": encoding,
         "expect": expect, "python": "skip: the Python module takes tables as DataFrames/Arrow, not CSV bytes"}
    if isinstance(text, bytes):
        c["hex"] = text.hex()
    else:
        c["text"] = text
    add(c)


FIXTURES["csvbook"] = FIXTURES["typed"].replace('id = "hostile.typed"', 'id = "hostile.csv"').replace(
    'awards = { type = "items", fields = { level = "text", prize = "integer" }, label = "奖项" }\n', "").replace(
    '''[[indicator]]
id = "f"
label = "奖项"
points = 10
items = { input = "awards", keys = ["level"], table = { "国家级" = 10, "省级" = 6 }, else = 0 }
''', '''[[indicator]]
id = "f"
label = "其他"
points = 10
check = { when = "flag" }
''')


def table(*rows: str, header: str = HEADER) -> str:
    return "\n".join((header,) + rows) + "\n"


csv_case("ragged-long", table(ROW, ROW + ",extra", ROW), {"rows": 3, "errors": [{"row": 2, "line": 3, "kind": "Syntax"}]},
         "a row with one cell too many fails its own row (ragged rows)")
csv_case("ragged-short", table(ROW, "乙单位,甲区,50"), {"rows": 2, "errors": [{"row": 2, "line": 3, "kind": "Syntax"}]},
         "a row with too few cells")
csv_case("ragged-one-cell", table("甲单位", ROW), {"rows": 2, "errors": [{"row": 1, "line": 2, "kind": "Syntax"}]},
         "a row of one cell")
csv_case("unterminated-quote", table(ROW, '乙单位,"甲区,50,1.5,是,7'), {"table": {"kind": "Syntax", "line": 3}},
         "a quote never closed: the table is refused at the line the quote opens")
csv_case("quote-newline-line", table('"甲\n单位",甲区,50,1.5,是,7', "乙单位,甲区,-1,1.5,是,7"),
         {"rows": 2, "errors": [{"row": 2, "line": 4, "kind": "InputOutOfRange", "field": "n"}]},
         "a quoted newline: the next row starts on line 4 and is named so")
csv_case("empty", "", {"table": {"kind": "Syntax", "line": 1}}, "an empty file: no header")
csv_case("only-bom", b"\xef\xbb\xbf", {"table": {"kind": "Syntax", "line": 1}}, "a file holding only a BOM")
csv_case("blank-lines", "\n\n\n", {"table": {"kind": "Syntax", "line": 1}}, "a file of blank lines: no header")
csv_case("duplicate-column", table(ROW + ",50", header=HEADER + ",户数"), {"table": {"kind": "Schema", "line": 1}},
         "two columns for one input (n and its label 户数)")
csv_case("gb18030-as-utf8", table(ROW).encode("gb18030"), {"table": {"kind": "Syntax", "line": 2}},
         "a GB18030 file read with --encoding utf-8: refused at the first line that is not UTF-8 (line 2; the header is ASCII)",
         encoding="utf-8")
csv_case("gb18030-header-as-utf8", table(ROW, header="单位,片区,户数,增幅,达标,专家评分").encode("gb18030"),
         {"table": {"kind": "Syntax", "line": 1}}, "a GB18030 file with a Chinese header, read as UTF-8: line 1", encoding="utf-8")
csv_case("utf8-bad-byte-line-3", table(ROW).encode() + b"\xff\xfe,x\n", {"table": {"kind": "Syntax", "line": 3}},
         "an invalid byte on line 3 of a UTF-8 file", encoding="utf-8")
csv_case("gb18030-invalid", table(ROW).encode("gb18030") + b"\x81\x20,x\n", {"table": {"kind": "Syntax", "line": 3}},
         "bytes that are not GB18030 on line 3 (a lead byte followed by a space)", encoding="gb18030")
csv_case("mixed-encodings", (HEADER + "\n" + ROW + "\n").encode() + "乙单位,甲区,50,1.5,是,7\n".encode("gb18030"),
         {"table": {"kind": "Syntax", "line": 3}},
         "UTF-8 lines then a GB18030 line, read as UTF-8: refused at line 3", encoding="utf-8")
csv_case("bom-header", b"\xef\xbb\xbf" + table(ROW, "乙单位,甲区,x,1.5,是,7").encode(),
         {"rows": 2, "errors": [{"row": 2, "line": 3, "kind": "InputType", "field": "n"}]},
         "a BOM before the header is skipped; row 2's bad n is named")
for cid, cell, kind, field, about in [
    ("nan", "NaN", "InputType", "d", "d = NaN"),
    ("inf", "-inf", "InputType", "d", "d = -inf"),
    ("infinity-word", "Infinity", "InputType", "d", "d = Infinity"),
    ("40-digits", big40, "InputOutOfRange", "d", "a 40-digit d"),
    ("thousands", '"1,000"', "InputType", "n", "n = 1,000 with a thousands separator (§3)"),
    ("fraction-int", "1.5", "InputType", "n", "n = 1.5 for an integer"),
    ("blank-required", "", "MissingInput", "n", "a blank required cell (§3: an empty cell is missing)"),
    ("bool-word", "maybe", "InputType", "flag", "flag = maybe"),
    ("bool-number", "2", "InputType", "flag", "flag = 2"),
    ("out-of-range", "101", "InputOutOfRange", "n", "n = 101"),
    ("mark-word", "7;x;9", "InputType", "marks", "a mark that is not a number"),
    ("mark-range", "7;11", "InputOutOfRange", "marks", "a mark above 10"),
    ("region-value", "丙区", "UnknownProfile", "region", "an undeclared profile"),
    ("percent", "50%", "InputType", "n", "n = 50%"),
    ("nul", "5\x000", "InputType", "n", "a NUL inside a number cell"),
]:
    cols = HEADER.split(",")
    cells = ROW.split(",")
    cells[cols.index(field)] = cell
    csv_case(f"cell-{cid}", table(ROW, ",".join(cells)),
             {"rows": 2, "errors": [{"row": 2, "line": 3, "kind": kind, "field": field}]}, about + " in row 2 of a CSV table")
csv_case("cr-only", (HEADER + "\r" + ROW + "\r" + ROW.replace("50", "-1") + "\r").encode(),
         {"rows": 2, "errors": [{"row": 2, "line": 3, "kind": "InputOutOfRange", "field": "n"}]},
         "old Mac line endings (CR only): lines still counted")
csv_case("crlf", (HEADER + "\r\n" + ROW + "\r\n" + ROW.replace("50", "x") + "\r\n").encode(),
         {"rows": 2, "errors": [{"row": 2, "line": 3, "kind": "InputType", "field": "n"}]}, "CRLF line endings")
csv_case("quote-in-cell", table(ROW, '乙单位,甲区,5"0,1.5,是,7'),
         {"rows": 2, "errors": [{"row": 2, "line": 3, "kind": "InputType", "field": "n"}]},
         "a quote inside an unquoted cell is literal text: 5\"0 is not a number")
csv_case("header-only-missing-column", table("甲单位,甲区,1.5,是,7", header="unit,region,d,flag,marks"),
         {"rows": 1, "errors": [{"row": 1, "line": 2, "kind": "MissingInput", "field": "n"}]},
         "a required input with no column: every row misses it")


# ------------------------------------------------------------------------------------------------

def with_bytes(c: dict) -> dict:
    """Cases whose text holds control characters also carry its bytes (`hex`): the C runner
    reads those, since its JSON reader gives NUL-terminated strings."""
    t = c.get("text")
    if t is not None and "hex" not in c and any(ord(ch) < 0x20 and ch not in "\n\r\t" for ch in t):
        c = {**c, "hex": t.encode("utf-8").hex()}
    return c


def build() -> str:
    data = {
        "about": "Malformed inputs with the error kind and place the spec requires; see make_catalogue.py.",
        "fixtures": FIXTURES,
        "cases": [with_bytes(c) for c in cases if c is not None],
    }
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def main() -> int:
    text = build()
    if "--check" in sys.argv[1:]:
        if not OUT.exists() or OUT.read_text(encoding="utf-8") != text:
            print(f"{OUT} is out of date: run python3 {Path(__file__).relative_to(HERE.parents[1])}", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    n = len(cases)
    by = {}
    for c in cases:
        by[c["surface"]] = by.get(c["surface"], 0) + 1
    print(f"{n} cases: " + ", ".join(f"{k} {v}" for k, v in sorted(by.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
