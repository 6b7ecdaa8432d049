"""CAB: /work/shared/bench/cab.toml (text copied verbatim) with hand-picked records.

Every record starts from PERFECT (秦巴山区, base thresholds; total 100.00) and changes
a few fields; the comment beside each case is the hand computation.  Scored as one
batch (ranks with ties, profile ranks, failed rows unranked, summary)."""

RULEBOOK = '''# CAB — county assessment benchmark workload, written in the syntax of ../spec/rulebook.md.
# The same rules are hand-coded in pandas_float.py, python_decimal.py, reference.py and limit/.
[rulebook]
id = "bench.cab"
title = "县级脱贫攻坚成效考核（基准测试方案）"
version = "1"
max = 100
scale = 2
rounding = "half_up"
profile_field = "region"

[profiles."秦巴山区"]
[profiles."乌蒙山区"]
[profiles."高原藏区"]
[profiles."凉山彝区"]
[profiles."片区外"]

[inputs]
region          = { type = "text", label = "片区" }
population      = { type = "integer", min = 1, label = "户籍人口" }
poor_population = { type = "integer", min = 0, label = "建档立卡贫困人口" }
sampled         = { type = "integer", min = 1, label = "抽样户数" }
misexited       = { type = "integer", min = 0, label = "错退户数" }
missed          = { type = "integer", min = 0, label = "漏评户数" }
satisfied       = { type = "integer", min = 0, label = "认可户数" }
income_growth   = { type = "decimal", unit = "%", label = "农村居民人均可支配收入增幅" }
funds_allocated = { type = "decimal", min = 0.01, unit = "元", label = "到位资金" }
funds_spent     = { type = "decimal", min = 0, unit = "元", label = "支出资金" }
audit_issues    = { type = "integer", min = 0, label = "审计发现问题数" }
awards          = { type = "integer", min = 0, label = "表彰奖励次数" }
falsified       = { type = "boolean", label = "弄虚作假" }
has_housing     = { type = "boolean", label = "住房安全有保障" }
has_education   = { type = "boolean", label = "义务教育有保障" }
has_medical     = { type = "boolean", label = "基本医疗有保障" }
has_water       = { type = "boolean", label = "有安全饮用水" }
has_power       = { type = "boolean", label = "有生活用电" }
has_broadcast   = { type = "boolean", label = "有广播电视" }

[params]
incidence_1   = { value = 2, profiles = { "高原藏区" = 3, "凉山彝区" = 3 } }
incidence_2   = { value = 3, profiles = { "高原藏区" = 4, "凉山彝区" = 4 } }
incidence_3   = { value = 5, profiles = { "高原藏区" = 6, "凉山彝区" = 6 } }
income_target = { value = 10, profiles = { "高原藏区" = 8, "凉山彝区" = 8 } }

[derived]
incidence    = "poor_population / population * 100"
misexit_rate = "misexited / sampled * 100"
missed_rate  = "missed / sampled * 100"
satisfaction = "satisfied / sampled * 100"
execution    = "funds_spent / funds_allocated * 100"

[[indicator]]
id = "reduction"
label = "减贫成效"
points = 35

[[indicator]]
id = "reduction.incidence"
label = "贫困发生率"
points = 20
bands = { input = "incidence", at_most = [["incidence_1", 20], ["incidence_2", 16], ["incidence_3", 8]], else = 0 }

[[indicator]]
id = "reduction.income"
label = "收入增幅"
points = 15
linear = { input = "income_growth", from = [0, 0], to = ["income_target", 15] }

[[indicator]]
id = "precision"
label = "精准识别与帮扶"
points = 35

[[indicator]]
id = "precision.misexit"
label = "错退率"
points = 10
bands = { input = "misexit_rate", at_most = [[2, 10], [3, 5]], else = 0 }

[[indicator]]
id = "precision.missed"
label = "漏评率"
points = 10
bands = { input = "missed_rate", at_most = [[2, 10], [3, 5]], else = 0 }

[[indicator]]
id = "precision.satisfaction"
label = "群众认可度"
points = 15
linear = { input = "satisfaction", from = [80, 0], to = [95, 15] }

[[indicator]]
id = "funds"
label = "扶贫资金"
points = 20

[[indicator]]
id = "funds.execution"
label = "资金执行率"
points = 15
linear = { input = "execution", from = [60, 0], to = [100, 15] }

[[indicator]]
id = "funds.audit"
label = "审计问题"
points = 5
deduct = { input = "audit_issues", each = 1, floor = 0 }

[[indicator]]
id = "guarantees"
label = "两不愁三保障及配套"
points = 10

[[indicator]]
id = "guarantees.housing"
label = "住房安全"
points = 2
check = { when = "has_housing" }

[[indicator]]
id = "guarantees.education"
label = "义务教育"
points = 2
check = { when = "has_education" }

[[indicator]]
id = "guarantees.medical"
label = "基本医疗"
points = 2
check = { when = "has_medical" }

[[indicator]]
id = "guarantees.water"
label = "安全饮水"
points = 1.5
check = { when = "has_water" }

[[indicator]]
id = "guarantees.power"
label = "生活用电"
points = 1.5
check = { when = "has_power" }

[[indicator]]
id = "guarantees.broadcast"
label = "广播电视"
points = 1
check = { when = "has_broadcast" }

[[bonus]]
id = "awards"
label = "表彰奖励"
points = 3
count = { input = "awards", each = 1 }

[adjust]
bonus_cap = 3
allow_above_max = false

[[veto]]
id = "falsified"
label = "弄虚作假"
when = "falsified"
score = 0
grade = "较差"

[[grade]]
label = "好"
at_least = 90

[[grade]]
label = "较好"
at_least = 80

[[grade]]
label = "一般"
at_least = 60

[[grade]]
label = "较差"
'''

PERFECT = {
    "region": "秦巴山区", "population": 100000, "poor_population": 1000, "sampled": 1000,
    "misexited": 0, "missed": 0, "satisfied": 950, "income_growth": "10.00",
    "funds_allocated": "1000000.00", "funds_spent": "1000000.00", "audit_issues": 0,
    "awards": 0, "falsified": False, "has_housing": True, "has_education": True,
    "has_medical": True, "has_water": True, "has_power": True, "has_broadcast": True,
}


def case(name, expect=None, drop=(), **over):
    r = dict(PERFECT)
    r.update(over)
    for f in drop:
        del r[f]
    c = {"name": name, "record": r}
    if expect is not None:
        c["expect"] = expect
    return c


def total(t, grade=None, **more):
    d = {"total": t}
    if grade:
        d["grade"] = grade
    d.update(more)
    return d


CASES = [
    # 20+15+10+10+15+15+5+10 = 100
    case("perfect 秦巴山区", total("100.00", "好", max="100.00", next_grade=None, lost=[])),
    # incidence 2000/100000*100 = 2 -> at_most 2 -> 20
    case("incidence exactly 2 (base top band edge)", total("100.00", points={"reduction.incidence": "20.00"}), poor_population=2000),
    case("incidence 2.001 just above 2 -> 16", total("96.00", points={"reduction.incidence": "16.00"}), poor_population=2001),
    case("incidence 1.999 just below 2 -> 20", total("100.00"), poor_population=1999),
    case("incidence exactly 3 (base) -> 16", total("96.00"), poor_population=3000),
    case("incidence 3.001 (base) -> 8", total("88.00", "较好"), poor_population=3001),
    case("incidence exactly 5 (base) -> 8", total("88.00"), poor_population=5000),
    # 5.001 -> else 0: 100 - 20 = 80.00 exactly on the 较好 bound
    case("incidence 5.001 (base) -> 0; total exactly 80.00", total("80.00", "较好", next_grade={"grade": "好", "gap": "10.00"}), poor_population=5001),
    # special regions: thresholds 3/4/6; income target 8 (10/8*15 = 18.75 -> clamp 15)
    case("凉山彝区 incidence exactly 3 -> 20", total("100.00", profile="凉山彝区"), region="凉山彝区", poor_population=3000),
    case("凉山彝区 incidence 3.001 -> 16", total("96.00"), region="凉山彝区", poor_population=3001),
    case("高原藏区 incidence 2.999 -> 20", total("100.00"), region="高原藏区", poor_population=2999),
    case("高原藏区 incidence exactly 4 -> 16", total("96.00"), region="高原藏区", poor_population=4000),
    case("高原藏区 incidence 4.001 -> 8", total("88.00"), region="高原藏区", poor_population=4001),
    case("高原藏区 incidence exactly 6 -> 8", total("88.00"), region="高原藏区", poor_population=6000),
    case("凉山彝区 incidence 6.001 -> 0", total("80.00", "较好"), region="凉山彝区", poor_population=6001),
    case("乌蒙山区 incidence exactly 3 uses base thresholds -> 16", total("96.00"), region="乌蒙山区", poor_population=3000),
    case("片区外 incidence 2.001 -> 16", total("96.00"), region="片区外", poor_population=2001),
    # misexit rate over sampled 1000: 20 -> 2.0 (10), 21 -> 2.1 (5), 30 -> 3.0 (5), 31 -> 3.1 (0)
    case("misexit exactly 2% -> 10", total("100.00"), misexited=20),
    case("misexit 2.1% -> 5", total("95.00"), misexited=21),
    case("misexit exactly 3% -> 5", total("95.00"), misexited=30),
    # 100 - 10 = 90.00 exactly on the 好 bound
    case("misexit 3.1% -> 0; total exactly 90.00", total("90.00", "好", next_grade=None), misexited=31),
    case("missed 1.9% -> 10", total("100.00"), missed=19),
    case("missed 3.1% -> 0", total("90.00"), missed=31),
    # satisfaction 266/320 = 83.125 -> (83.125-80)*15/15 = 3.125 -> 3.13; misexit/missed 0 of 320
    case("satisfaction 266/320: midpoint 3.125 -> 3.13", total("88.13", "较好", points={"precision.satisfaction": "3.13"}), sampled=320, satisfied=266),
    case("satisfaction exactly 80% -> 0", total("85.00"), sampled=500, satisfied=400),
    case("satisfaction 79% -> clamped to 0", total("85.00"), sampled=500, satisfied=395),
    case("satisfaction 100% -> clamped to 15", total("100.00"), sampled=500, satisfied=500),
    # income (target 10): v*15/10
    case("income 0.09 -> 0.135 -> 0.14 (float64 gives 0.13)", total("85.14", points={"reduction.income": "0.14"}), income_growth="0.09"),
    case("income 1.15 -> 1.725 -> 1.73", total("86.73"), income_growth="1.15"),
    case("income -2.00 -> clamped to 0", total("85.00"), income_growth="-2.00"),
    case("income 12.00 -> clamped to 15", total("100.00"), income_growth="12.00"),
    # 凉山彝区 target 8: 1.16*15/8 = 2.175 -> 2.18 (float64 gives 2.17)
    case("凉山彝区 income 1.16 -> 2.175 -> 2.18 (float64 gives 2.17)", total("87.18", points={"reduction.income": "2.18"}), region="凉山彝区", income_growth="1.16"),
    # execution = spent/allocated*100; (e-60)*15/40
    case("execution 60.12% -> 0.045 -> 0.05 (float64 gives 0.04)", total("85.05", points={"funds.execution": "0.05"}), funds_spent="601200.00"),
    case("execution 60.2% -> 0.075 -> 0.08", total("85.08"), funds_spent="602000.00"),
    case("execution 50% -> clamped to 0", total("85.00"), funds_spent="500000.00"),
    case("execution 105% -> clamped to 15", total("100.00"), funds_spent="1050000.00"),
    # execution 2/3: 66.666..% -> 6.666..*15/40 = 2.5 -> 2.50 exactly
    case("execution 2/3 (non-terminating) -> exactly 2.50", total("87.50", points={"funds.execution": "2.50"}), funds_allocated="3.00", funds_spent="2.00"),
    # audit: max(5 - n, 0)
    case("audit 4 issues -> 1", total("96.00"), audit_issues=4),
    case("audit 5 issues -> 0", total("95.00"), audit_issues=5),
    case("audit 7 issues -> floor 0", total("95.00", points={"funds.audit": "0.00"}), audit_issues=7),
    # bonus: awards count, item points 3, cap 3
    case("90 + 5 awards -> bonus capped at 3 -> 93.00", total("93.00", "好", base="90.00", bonus="3.00", bonus_items={"awards": "3.00"}), misexited=31, awards=5),
    case("100 + 2 awards -> clamped to max 100.00", total("100.00", base="100.00", bonus="2.00"), awards=2),
    # The veto holds the grade: no number of points lifts it to 一般 (not "60.00 points short").
    case("falsified: veto sets 0, grade 较差", total("0.00", "较差", vetoes=["falsified"], base="100.00",
                                                   next_grade={"grade": "一般", "blocked_by": ["falsified"]}), falsified=True),
    # grade boundaries: income 9.99 -> 14.985 -> 14.99 loses 0.01
    case("89.99 -> 较好", total("89.99", "较好", next_grade={"grade": "好", "gap": "0.01"}), misexited=31, income_growth="9.99"),
    case("79.99 -> 一般", total("79.99", "一般"), poor_population=5001, income_growth="9.99"),
    # -10 misexit, -10 missed, -15 satisfaction 80%, -5 audit: 60.00
    case("exactly 60.00 -> 一般", total("60.00", "一般"), misexited=31, missed=31, satisfied=800, audit_issues=5),
    case("59.99 -> 较差", total("59.99", "较差", next_grade={"grade": "一般", "gap": "0.01"}), misexited=31, missed=31, satisfied=800, audit_issues=5, income_growth="9.99"),
    case("water and broadcast missing -> 97.50", total("97.50", points={"guarantees": "7.50"}), has_water=False, has_broadcast=False),
    case("no guarantees at all -> 90.00", total("90.00"), has_housing=False, has_education=False, has_medical=False, has_water=False, has_power=False, has_broadcast=False),
    case("integral decimal text for an integer input is accepted", total("100.00"), population="100000.0"),
    case("population 0: InputOutOfRange (min 1) wins over the division by zero", {"error": {"kind": "InputOutOfRange", "field": "population"}}, population=0),
    case("funds_allocated 0.00 below min 0.01", {"error": {"kind": "InputOutOfRange", "field": "funds_allocated"}}, funds_allocated="0.00"),
    case("undeclared region", {"error": {"kind": "UnknownProfile", "field": "region"}}, region="未知片区"),
    case("falsified missing and awards text", {"error": {"kind": "InputType", "field": "awards", "all": [["InputType", "awards"], ["MissingInput", "falsified"]]}}, drop=["falsified"], awards="三"),
]

VECTOR = {
    "about": "CAB (bench/cab.toml verbatim): band edges on both sides with per-profile thresholds, linear "
             "midpoints where float64 rounds wrongly, clamps, deduct floor, bonus cap and max clamp, the "
             "veto, every grade boundary, input errors; one batch (ranks, summary). Spec §2, §6, §8, §9, §10, §12.",
    "batch": True,
    "rulebook": RULEBOOK,
    "cases": CASES,
}
