#!/usr/bin/env python3
"""The HTML report, rendered in headless Chromium and read back from the DOM.

    report_check.py --kaoping target/debug/kaoping --out DIR [--chromium chromium]

For each case — the spec example's table, the benchmark rulebook, and every built-in rulebook on
its sample table (schools with their awards table) — it runs `kaoping score RULEBOOK DATA
[--items NAME=FILE] --report R.html --out R.csv`, then loads the report in headless Chromium (`--dump-dom`, the page opened as
`R.html#sort=total` so the sort script runs) and checks, against the results file and the
rulebook:
  - one table row per unit, ordered by total (best first) after the sort;
  - one lost-points bar per leaf indicator;
  - the grade counts equal those of the results file;
  - the Chinese labels (rulebook title, indicator labels, grades) are in the rendered text;
  - nothing is fetched from outside the page, and no script error or console message;
  - a screenshot R.png is saved for a person to look at;
  - the profiles compared (各片区比较): per profile the units, the mean total and each grade's count;
  - a unit whose grade is below its total's (by the rulebook's numeric bounds) says why in 说明,
    and a failed unit shows its error there;
  - every unit explained in full up to --report-units (2000).
The compact report (`--report-compact`, COMPACT_CASES) is checked for every unit in rank order and no
unit explained in full, then printed by Chromium (`--print-to-pdf`): a non-empty PDF of a few pages.
`--report-units 3` explains three units and still lists every unit; 示例县049's 说明 names the grade
rule that capped it and the condition that held.
It also fails when a built-in rulebook (`kaoping builtins`) has no case.

The report of `kaoping diff` (issue #23) is checked the same way for DIFF_CASES — two rulebooks
over a sample table, `--report R.html --out R.json` — against the comparison's JSON: the
transition matrix's cells, one histogram bar per bucket of the change with its count, each
profile's up and down bars, one card per mover with both explanations, no script error, nothing
fetched, a screenshot.
Exits 1 with every failure listed.
"""
import argparse
import csv
import os
import pathlib
import re
import subprocess
import sys
import tomllib
from html.parser import HTMLParser

ROOT = pathlib.Path(__file__).resolve().parents[2]


# Each sample table of the built-ins (core/rulebooks/samples/) and the built-in rulebooks that
# read it, as core/tests/builtins.rs pairs them; schools join their awards table.
SAMPLE_TABLES = {
    "households.csv": ["cn.poverty.household-exit", "sc.poverty.household-exit"],
    "villages.csv": ["sc.poverty.village-exit"],
    "counties.csv": [
        "sc.poverty.county-exit",
        "sc.poverty.county-assessment",
        "sc.poverty.county-combined",
        "sc.poverty.county-combined.acceptance",
        "sc.poverty.county-combined.third-party",
        "sc.poverty.county-combined.departments",
    ],
    "schools.csv": ["cd.school.science-education", "cd.school.target"],
    "respondents.csv": ["cn.science-literacy"],
}
ITEMS = {"schools.csv": ["awards=" + str(ROOT / "core/rulebooks/samples/awards.csv")]}


def cases():
    """(name, rulebook, data, items): the spec example's table, the benchmark rulebook, and every
    built-in rulebook on its sample table (core/rulebooks/samples/*.csv)."""
    out = [
        ("example", "builtin:example.county-assessment", ROOT / "cli/tests/data/example.county-assessment.csv", []),
        ("cab", str(ROOT / "core/src/syntax/testdata/cab.toml"), ROOT / "cli/tests/data/cab-50.csv", []),
    ]
    samples = ROOT / "core/rulebooks/samples"
    for f in sorted(samples.glob("*.csv")):
        for rid in SAMPLE_TABLES.get(f.name, []):
            out.append((rid, f"builtin:{rid}", f, ITEMS.get(f.name, [])))
    # The built-ins that read sub-units (spec §18), each on its sample with its child tables.
    rollup = samples / "rollup"
    for rid, data, items in [
        ("cd.school.science-term", samples / "terms.csv", []),
        ("cn.poverty.third-party.household", rollup / "survey.csv", []),
        ("sc.poverty.village-exit.households", rollup / "villages.csv", [f"households={rollup / 'households.csv'}"]),
        (
            "sc.poverty.county-exit.villages",
            rollup / "counties.csv",
            [
                f"villages={rollup / 'villages.csv'}",
                f"villages.households={rollup / 'households.csv'}",
                f"survey={rollup / 'survey.csv'}",
            ],
        ),
        ("cn.science-literacy.district", samples / "districts.csv", [f"respondents={samples / 'respondents.csv'}"]),
    ]:
        out.append((rid, f"builtin:{rid}", data, items))
    return out


def uncovered_builtins(kaoping):
    """Built-in rulebooks that no case scores (the spec's example is a case of its own)."""
    listed = subprocess.run([kaoping, "builtins"], check=True, capture_output=True, text=True).stdout
    ids = {line.split("\t")[0].removeprefix("builtin:") for line in listed.splitlines() if line}
    covered = {rulebook.removeprefix("builtin:") for _, rulebook, _, _ in cases()}
    return sorted(ids - covered)


# `kaoping diff` cases: (name, arguments after `diff`).
DIFF_CASES = [
    ("diff-village-exit", ["builtin:sc.poverty.village-exit", str(ROOT / "core/rulebooks/samples/villages.csv"),
                           "--set", "exit_limit=2.5"]),
    ("diff-county-assessment", ["builtin:sc.poverty.county-assessment",
                                str(ROOT / "core/rulebooks/samples/counties.csv"),
                                "--set", "income_target@高原藏区=8", "--set", "inc_1=2.5", "--movers", "6"]),
]


class DiffDom(HTMLParser):
    """What the diff checks need from the rendered DOM."""

    def __init__(self):
        super().__init__()
        self.html_attrs = {}
        self.cells = {}              # (from, to) -> count
        self.delta_bars = []         # data-count of each histogram bar
        self.profile_bars = []       # (class, data-count)
        self.movers = 0
        self.explains = 0
        self.urls = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag == "html":
            self.html_attrs = a
        if tag == "td" and "cell" in classes:
            self.cells[(int(a["data-from"]), int(a["data-to"]))] = int(a["data-count"])
        if tag == "rect" and "delta-bar" in classes:
            self.delta_bars.append(int(a["data-count"]))
        if tag == "rect" and any(c.startswith("profile-") for c in classes):
            self.profile_bars.append((classes[0], int(a["data-count"])))
        if tag == "div" and "mover" in classes:
            self.movers += 1
        if tag == "pre" and "explain" in classes:
            self.explains += 1
        for k in ("src", "href"):
            if a.get(k) and not a[k].startswith("#"):
                self.urls.append(a[k])


def check_diff_case(name, args, kaoping, chromium, out, failures):
    def fail(msg):
        failures.append(f"{name}: {msg}")

    report, result, shot = out / f"{name}.html", out / f"{name}.json", out / f"{name}.png"
    run = subprocess.run([kaoping, "diff", *args, "--report", str(report), "--out", str(result), "--exit-zero"],
                         capture_output=True, text=True)
    if run.returncode != 0 or not report.is_file():
        fail(f"kaoping diff exited {run.returncode}: {run.stderr}")
        return
    import json
    c = json.loads(result.read_text(encoding="utf-8"))
    base = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--disable-extensions",
            "--no-first-run", "--disable-background-networking", "--enable-logging=stderr", "--v=0"]
    url = report.resolve().as_uri()
    dump = subprocess.run([chromium, *base, "--dump-dom", url], capture_output=True, text=True, timeout=120)
    if dump.returncode != 0 or "<html" not in dump.stdout:
        fail(f"chromium --dump-dom failed ({dump.returncode}): {dump.stderr[-2000:]}")
        return
    console = [l for l in dump.stderr.splitlines() if ":CONSOLE" in l]
    if console:
        fail("console messages: " + " | ".join(console))
    dom = DiffDom()
    dom.feed(dump.stdout)
    if "data-errors" in dom.html_attrs:
        fail(f"script errors: {dom.html_attrs['data-errors']}")
    counts = c["summary"]["transitions"]["counts"]
    want = {(i, j): n for i, row in enumerate(counts) for j, n in enumerate(row)}
    if dom.cells != want:
        fail(f"transition cells {dom.cells} differ from the comparison's {want}")
    if sum(dom.cells.values()) != len(c["units"]):
        fail(f"the transition matrix counts {sum(dom.cells.values())} units of {len(c['units'])}")
    buckets = [b["count"] for b in c["summary"]["buckets"]] if c["summary"]["compared"] else []
    if dom.delta_bars != buckets:
        fail(f"histogram bars {dom.delta_bars}, buckets {buckets}")
    profiles = [p for p in c["summary"]["profiles"]]
    if any(p["profile"] for p in profiles):
        ups = [n for cls, n in dom.profile_bars if cls == "profile-up"]
        downs = [n for cls, n in dom.profile_bars if cls == "profile-down"]
        if ups != [p["up"] for p in profiles] or downs != [p["down"] for p in profiles]:
            fail(f"profile bars up {ups} down {downs}, comparison {[(p['up'], p['down']) for p in profiles]}")
    if dom.movers != len(c["movers"]) or dom.explains != 2 * len(c["movers"]):
        fail(f"{dom.movers} mover cards, {dom.explains} explanations for {len(c['movers'])} movers")
    if dom.urls:
        fail(f"the report refers outside itself: {dom.urls[:5]}")
    if shot.exists():
        shot.unlink()
    subprocess.run([chromium, *base, f"--screenshot={shot}", "--window-size=1280,2400", url],
                   capture_output=True, text=True, timeout=120)
    if not shot.is_file() or shot.stat().st_size < 20_000:
        fail(f"no screenshot at {shot}")
    print(f"{name}: {len(c['units'])} units, {len(dom.cells)} matrix cells, {len(dom.delta_bars)} bars, "
          f"{dom.movers} movers; screenshot {shot}")


class Dom(HTMLParser):
    """What the checks need from the rendered DOM."""

    def __init__(self):
        super().__init__()
        self.html_attrs = {}
        self.unit_rows = []          # (data-row, data-grade) in DOM order
        self.totals = []             # the total cell's data-v of each unit row, in order
        self.lost_bars = []          # data-id
        self.criteria = []           # (data-id, data-met, data-unmet) of each criterion row
        self.unmet_cells = []        # text of each unit's 未达条件 cell, DOM order
        self.unmet_order = []        # the same, in row-number order (filled after parsing)
        self._unmet = None           # the 未达条件 cell being read
        self._row = None
        self.grade_counts = {}       # grade -> count
        self.notes = {}              # data-row -> text of its 说明 cell (an error, a capped grade's reason)
        self._note = None
        self.unit_cards = 0          # units explained in full
        self.profile_stats = {}      # profile -> (count, mean)
        self.profile_grades = {}     # (profile, grade) -> count
        self.text = []
        self.urls = []
        self._in_units = False
        self._in_script_or_style = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.html_attrs = a
        if tag == "table" and a.get("id") == "units":
            self._in_units = True
        classes = (a.get("class") or "").split()
        if self._in_units and tag == "tr" and "unit" in classes:
            self.unit_rows.append((a.get("data-row"), a.get("data-grade")))
            self._row = int(a.get("data-row"))
        if self._in_units and tag == "td" and "unmet" in classes:
            self._unmet = []
        if self._in_units and tag == "td" and ("note" in classes or "error" in classes):
            self._note = []
        if tag == "article" and "unit-card" in classes:
            self.unit_cards += 1
        if tag == "tr" and "profile-stats" in classes:
            self.profile_stats[a["data-profile"]] = (int(a["data-count"]), a["data-mean"])
        if tag == "td" and "profile-grade" in classes:
            self.profile_grades[(a["data-profile"], a["data-grade"])] = int(a["data-count"])
        if tag == "tr" and "criterion-count" in classes:
            self.criteria.append((a.get("data-id"), int(a.get("data-met")), int(a.get("data-unmet"))))
        if self._in_units and tag == "td" and "total" in classes:
            self.totals.append(float(a.get("data-v")))
        if tag == "rect" and "lost-bar" in classes:
            self.lost_bars.append(a.get("data-id"))
        if "grade-count" in classes:
            self.grade_counts[a.get("data-grade")] = int(a.get("data-count"))
        for k in ("src", "href"):
            if a.get(k) and not a[k].startswith("#"):
                self.urls.append(a[k])
        if tag in ("script", "style"):
            self._in_script_or_style = True

    def handle_endtag(self, tag):
        if tag == "td" and self._unmet is not None:
            self.unmet_cells.append((self._row, "".join(self._unmet).strip()))
            self._unmet = None
        if tag == "td" and self._note is not None:
            self.notes[self._row] = "".join(self._note).strip()
            self._note = None
        if tag == "table":
            self._in_units = False
        if tag in ("script", "style"):
            self._in_script_or_style = False

    def handle_data(self, data):
        if self._unmet is not None:
            self._unmet.append(data)
        if self._note is not None:
            self._note.append(data)
        if not self._in_script_or_style:
            self.text.append(data)


def rulebook_toml(kaoping, rulebook):
    if rulebook.startswith("builtin:"):
        return subprocess.run([kaoping, "show", rulebook], check=True, capture_output=True, text=True).stdout
    return pathlib.Path(rulebook).read_text(encoding="utf-8")


def check_case(name, rulebook, data, items, kaoping, chromium, out, failures):
    def fail(msg):
        failures.append(f"{name}: {msg}")

    report, results, shot = out / f"{name}.html", out / f"{name}.csv", out / f"{name}.png"
    run = subprocess.run(
        [kaoping, "score", rulebook, str(data), *(a for spec in items for a in ("--items", spec)),
         "--report", str(report), "--out", str(results)],
        capture_output=True, text=True,
    )
    if run.returncode not in (0, 1) or not report.is_file():
        fail(f"kaoping score exited {run.returncode}: {run.stderr}")
        return
    book = tomllib.loads(rulebook_toml(kaoping, rulebook))
    ids = [i["id"] for i in book.get("indicator", [])]
    leaves = [i for i in book.get("indicator", []) if not any(o.startswith(i["id"] + ".") for o in ids)]
    grades = [g["label"] for g in book.get("grade", [])]
    with open(results, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    scored = [r for r in rows if not r["error_kind"]]

    base = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--disable-extensions",
            "--no-first-run", "--disable-background-networking", "--enable-logging=stderr", "--v=0"]
    url = report.resolve().as_uri() + "#sort=total"
    dump = subprocess.run([chromium, *base, "--dump-dom", url], capture_output=True, text=True, timeout=120)
    if dump.returncode != 0 or "<html" not in dump.stdout:
        fail(f"chromium --dump-dom failed ({dump.returncode}): {dump.stderr[-2000:]}")
        return
    console = [l for l in dump.stderr.splitlines() if ":CONSOLE" in l]
    if console:
        fail("console messages: " + " | ".join(console))
    dom = Dom()
    dom.feed(dump.stdout)
    dom.unmet_order = [text for _, text in sorted(dom.unmet_cells)]
    if "data-errors" in dom.html_attrs:
        fail(f"script errors: {dom.html_attrs['data-errors']}")
    if len(dom.unit_rows) != len(rows):
        fail(f"{len(dom.unit_rows)} table rows, but the results have {len(rows)} units")
    if sorted(int(r) for r, _ in dom.unit_rows) != sorted(int(r["row"]) for r in rows):
        fail("the table's rows are not the results' rows")
    if dom.totals != sorted(dom.totals, reverse=True):
        fail(f"after #sort=total the table is not sorted by total: {dom.totals}")
    if any(r["total"] for r in rows):
        want_totals = sorted((float(r["total"]) if r["total"] else -1.0 for r in rows), reverse=True)
    else:
        want_totals = []  # criteria only: no total column
    if dom.totals != want_totals:
        fail(f"table totals {dom.totals} differ from the results' {want_totals}")
    criteria = [c for c in book.get("criterion", [])]
    if criteria:
        # Each criterion counted over the scored units (all explained here): met by at least every
        # unit that passed, and every unit that did not pass misses at least one.
        n_passed = sum(1 for r in scored if r.get("passed") == "true")
        got = {cid: (met, unmet) for cid, met, unmet in dom.criteria}
        if sorted(got) != sorted(c["id"] for c in criteria):
            fail(f"criteria shown {sorted(got)}, the rulebook has {[c['id'] for c in criteria]}")
        for cid, (met, unmet) in got.items():
            if met + unmet != len(scored) or met < n_passed:
                fail(f"criterion {cid}: met {met}, not met {unmet}, but {len(scored)} scored, {n_passed} passed")
        if len(scored) - n_passed > sum(unmet for _, unmet in got.values()):
            fail("units that did not pass outnumber the criteria not met")
        if len(dom.unmet_cells) != len(rows):
            fail(f"{len(dom.unmet_cells)} 未达条件 cells for {len(rows)} units")
        wrong = [r for r, cell in zip(rows, dom.unmet_order) if (r.get("passed") == "false") != bool(cell)]
        if dom.unmet_order and wrong:
            fail(f"units whose 未达条件 disagrees with passed: {[r['row'] for r in wrong[:5]]}")
    if dom.lost_bars != [l["id"] for l in leaves]:
        fail(f"lost-points bars {dom.lost_bars}, expected one per leaf indicator {[l['id'] for l in leaves]}")
    want_counts = {g: sum(1 for r in scored if r["grade"] == g) for g in grades}
    if dom.grade_counts != want_counts:
        fail(f"grade counts {dom.grade_counts}, results say {want_counts}")
    by_row = {r["row"]: r["grade"] for r in rows}
    wrong = [(r, g) for r, g in dom.unit_rows if by_row.get(r) != g]
    if wrong:
        fail(f"table rows whose grade differs from the results: {wrong[:5]}")
    check_profiles(dom, rows, scored, grades, fail)
    check_capped(dom, book, rows, scored, grades, fail)
    if dom.unit_cards != min(len(rows), 2000):
        fail(f"{dom.unit_cards} units explained in full, expected {min(len(rows), 2000)}")
    text = "".join(dom.text)
    chinese = [book["rulebook"].get("title", "")] + [l["label"] for l in leaves] + grades
    missing = [c for c in chinese if c and c not in text]
    if missing:
        fail(f"Chinese labels missing from the rendered text: {missing}")
    if not re.search(r"[\u4e00-\u9fff]", text):
        fail("no Chinese text at all in the rendered page")
    if dom.urls:
        fail(f"the report refers outside itself: {dom.urls[:5]}")
    raw = report.read_text(encoding="utf-8")
    if re.search(r"""(src|href)\s*=\s*["']?(https?:|//)|@import|url\(""", raw):
        fail("the report loads something from outside")
    if shot.exists():
        shot.unlink()
    subprocess.run([chromium, *base, f"--screenshot={shot}", "--window-size=1280,2400", url],
                   capture_output=True, text=True, timeout=120)
    if not shot.is_file() or shot.stat().st_size < 20_000:
        fail(f"no screenshot at {shot}")
    print(f"{name}: {len(rows)} units, {len(leaves)} lost-points bars, grades {want_counts}; screenshot {shot}")


def check_profiles(dom, rows, scored, grades, fail):
    """The profiles compared (各片区比较): per profile the scored units, their mean total (exact,
    rounded half up at the totals' scale) and each grade's count, as the results file has them."""
    from decimal import Decimal, ROUND_HALF_UP
    profiles = {}
    for r in scored:
        if r.get("profile"):
            profiles.setdefault(r["profile"], []).append(r)
    if not profiles:
        if dom.profile_stats:
            fail(f"profiles compared without profiles: {dom.profile_stats}")
        return
    if set(dom.profile_stats) != set(profiles):
        fail(f"profiles compared {sorted(dom.profile_stats)}, results have {sorted(profiles)}")
        return
    for p, rs in profiles.items():
        count, mean = dom.profile_stats[p]
        if count != len(rs):
            fail(f"profile {p}: {count} units shown, {len(rs)} in the results")
        totals = [Decimal(r["total"]) for r in rs if r["total"]]
        if totals:
            exp = totals[0].as_tuple().exponent
            want = (sum(totals) / len(totals)).quantize(Decimal(1).scaleb(exp), rounding=ROUND_HALF_UP)
            if mean != str(want):
                fail(f"profile {p}: mean {mean}, the results give {want}")
        for g in grades:
            n = sum(1 for r in rs if r["grade"] == g)
            if dom.profile_grades.get((p, g)) != n:
                fail(f"profile {p}: {dom.profile_grades.get((p, g))} units of grade {g}, results {n}")


def grade_of_total(book, total):
    """The grade a total gives by the rulebook's numeric bounds alone (None when a bound is a
    parameter or differs by profile: then the check is skipped)."""
    for g in book.get("grade", []):
        if "at_least" in g:
            bound, strict = g["at_least"], False
        elif "above" in g:
            bound, strict = g["above"], True
        else:
            return g["label"]
        if not isinstance(bound, (int, float)):
            return None
        if total > bound or (not strict and total == bound):
            return g["label"]
    return None


def check_capped(dom, book, rows, scored, grades, fail):
    """A unit whose grade is below the one its total gives (a grade rule or a veto capped it) says
    why in its 说明 cell; a failed unit shows its error there."""
    for r in rows:
        note = dom.notes.get(int(r["row"]), "")
        if r["error_kind"]:
            if not note:
                fail(f"row {r['row']} failed but its 说明 is empty")
            continue
        if not r["total"] or not r["grade"] or r["vetoes"]:
            continue
        by_total = grade_of_total(book, float(r["total"]))
        if by_total and by_total in grades and grades.index(by_total) < grades.index(r["grade"]):
            if f"按总分应为「{by_total}」" not in note:
                fail(f"row {r['row']} ({r['key']}): total {r['total']} gives {by_total} but the grade is "
                     f"{r['grade']}, and its 说明 does not say why: {note!r}")


def pdf_pages(pdf):
    """Pages of a PDF: its page objects (`/Type /Page`, not `/Pages`)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


# Compact reports printed to PDF: (name, rulebook, data, most pages allowed).
COMPACT_CASES = [
    ("compact-county-assessment", "builtin:sc.poverty.county-assessment",
     ROOT / "core/rulebooks/samples/counties.csv", 8),
    ("compact-example", "builtin:example.county-assessment", ROOT / "cli/tests/data/example.county-assessment.csv", 3),
]


def check_compact_case(name, rulebook, data, most_pages, kaoping, chromium, out, failures):
    """`--report-compact`: the summary, the profiles and the ranking table — every unit, in rank
    order without any script, no unit explained in full — printed by Chromium to a PDF of a few
    pages (`--print-to-pdf`, the print stylesheet applied)."""
    def fail(msg):
        failures.append(f"{name}: {msg}")

    report, results, pdf = out / f"{name}.html", out / f"{name}.csv", out / f"{name}.pdf"
    run = subprocess.run([kaoping, "score", rulebook, str(data), "--report", str(report), "--report-compact",
                          "--ranks", "--out", str(results), "--exit-zero"], capture_output=True, text=True)
    if run.returncode != 0 or not report.is_file():
        fail(f"kaoping score --report-compact exited {run.returncode}: {run.stderr}")
        return
    with open(results, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    base = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--disable-extensions",
            "--no-first-run", "--disable-background-networking", "--enable-logging=stderr", "--v=0"]
    url = report.resolve().as_uri()
    dump = subprocess.run([chromium, *base, "--dump-dom", url], capture_output=True, text=True, timeout=120)
    dom = Dom()
    dom.feed(dump.stdout)
    if "data-errors" in dom.html_attrs:
        fail(f"script errors: {dom.html_attrs['data-errors']}")
    if len(dom.unit_rows) != len(rows):
        fail(f"{len(dom.unit_rows)} table rows for {len(rows)} units")
    if dom.unit_cards:
        fail(f"{dom.unit_cards} units explained in full in the compact report")
    ranked = sorted((r for r in rows if r["rank"]), key=lambda r: (int(r["rank"]), int(r["row"])))
    want = [r["row"] for r in ranked] + [r["row"] for r in rows if not r["rank"]]
    if [r for r, _ in dom.unit_rows] != want:
        fail("the compact table is not in rank order (unscored units last)")
    if any(r.get("profile") for r in rows) and not dom.profile_stats:
        fail("no profile comparison")
    if pdf.exists():
        pdf.unlink()
    subprocess.run([chromium, *base, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", url],
                   capture_output=True, text=True, timeout=180)
    if not pdf.is_file() or pdf.stat().st_size < 10_000:
        fail(f"no PDF printed at {pdf}")
        return
    body = pdf.read_bytes()
    pages = pdf_pages(body)
    if not body.startswith(b"%PDF") or not 1 <= pages <= most_pages:
        fail(f"the compact report prints on {pages} pages (at most {most_pages})")
    print(f"{name}: {len(rows)} units in rank order, printed on {pages} page(s) ({pdf.stat().st_size} bytes): {pdf}")


def check_report_units(kaoping, out, failures):
    """`--report-units N` limits the units explained in full, not the table."""
    report, results = out / "report-units.html", out / "report-units.csv"
    data = ROOT / "core/rulebooks/samples/counties.csv"
    subprocess.run([kaoping, "score", "builtin:sc.poverty.county-assessment", str(data), "--report", str(report),
                    "--report-units", "3", "--out", str(results), "--exit-zero"], capture_output=True, text=True,
                   check=True)
    dom = Dom()
    dom.feed(report.read_text(encoding="utf-8"))
    with open(results, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    if dom.unit_cards != 3 or len(dom.unit_rows) != len(rows):
        failures.append(f"report-units: {dom.unit_cards} units explained (want 3), {len(dom.unit_rows)} table rows "
                        f"(want {len(rows)})")
    # 示例县049's grade was capped by a grade rule: its 说明 says which, and what held.
    row049 = next(int(r["row"]) for r in rows if r["key"] == "示例县049")
    note = dom.notes.get(row049, "")
    if "识别退出准确率或帮扶满意度较低" not in note or "帮扶工作群众满意度 < 90" not in note:
        failures.append(f"report-units: 示例县049's 说明 does not say which grade rule capped it: {note!r}")
    print(f"report-units: {dom.unit_cards} units explained, {len(dom.unit_rows)} in the table; 示例县049: {note}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kaoping", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--chromium", default="chromium")
    ap.add_argument("--case", action="append", help="only these cases (by name; repeatable)")
    args = ap.parse_args()
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("LANG", "C.UTF-8")
    failures = []
    missing = uncovered_builtins(args.kaoping)
    if missing:
        failures.append(f"builtins: no sample case for {missing} (add its table to SAMPLE_TABLES)")
    names = [c[0] for c in cases() if not args.case or c[0] in args.case]
    for name, rulebook, data, items in cases():
        if name in names:
            check_case(name, rulebook, data, items, args.kaoping, args.chromium, out, failures)
    diff_names = [n for n, _ in DIFF_CASES if not args.case or n in args.case]
    for name, diff_args in DIFF_CASES:
        if name in diff_names:
            check_diff_case(name, diff_args, args.kaoping, args.chromium, out, failures)
    names += diff_names
    compact_names = [c[0] for c in COMPACT_CASES if not args.case or c[0] in args.case]
    for name, rulebook, data, most in COMPACT_CASES:
        if name in compact_names:
            check_compact_case(name, rulebook, data, most, args.kaoping, args.chromium, out, failures)
    names += compact_names
    if not args.case or "report-units" in args.case:
        check_report_units(args.kaoping, out, failures)
        names.append("report-units")
    for f in failures:
        print("FAIL", f, file=sys.stderr)
    failed = {f.split(":")[0] for f in failures}
    print(f"report-check: {len(names) - len(failed & set(names))} passed, {len(failed)} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
