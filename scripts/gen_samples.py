#!/usr/bin/env python3
"""Generate the sample tables of the built-in rulebooks in core/rulebooks/samples/.

    python3 scripts/gen_samples.py           # (re)write the tables
    python3 scripts/gen_samples.py --check   # regenerate in memory; exit 1 if a file differs

The tables are realistic but FICTIONAL (示例县001, 示例村001, 示例小学001 …): a few hundred
rows each, drawn from a seeded random.Random with integer arithmetic only, so every run on
every machine writes the same bytes. Headers are the rulebooks' Chinese labels, as in the
spreadsheets these offices keep; booleans are 是/否; a panel's marks share one cell, separated
by ";". After the random rows come hand-made rows that sit exactly on a boundary, and rows made
bad on purpose. The 备注 column (not an input of any rulebook) says which is which:
    边界：…                       a boundary row (must score without error)
    期望错误 <rulebook id>=<Kind> this rulebook must refuse the row with that error kind
    期望错误 *=<Kind>             every rulebook that reads the table must refuse it so
core/tests/builtins.rs scores every table with every rulebook that reads it and checks this.

Tables (rulebooks that read them):
    households.csv   cn.poverty.household-exit, sc.poverty.household-exit
    villages.csv     sc.poverty.village-exit
    counties.csv     sc.poverty.county-exit, sc.poverty.county-assessment,
                     sc.poverty.county-combined (+ its three components)
    schools.csv      cd.school.science-education, cd.school.target
    awards.csv       the schools' award items, joined on 学校 (fields level, prize, category, work)
    terms.csv        the schools' term records (cd.school.science-term), joined on 学校
    respondents.csv  cn.science-literacy; the items of districts.csv, joined on 区（市）县
    districts.csv    cn.science-literacy.district (its respondents: respondents.csv)

Roll-up tables (spec §18), in rollup/: one consistent chain of households → villages → counties,
small enough to read, with the third-party sample beside it:
    rollup/counties.csv    sc.poverty.county-exit.villages (lists villages and survey)
    rollup/villages.csv    sc.poverty.village-exit.households; the counties' villages, joined on 所属县
    rollup/households.csv  sc.poverty.household-exit; the villages' households, joined on 所在村
    rollup/survey.csv      cn.poverty.third-party.household; the counties' samples, joined on 所属县
A child row whose key matches no parent row is there on purpose: its 备注 says
`不匹配：…` (the join must report it, not drop it silently). A parent row's 备注 names the error
its rulebook must give when its children are joined (`期望错误 <id>=<Kind>`), e.g. because one of
its households is bad.
"""
import io
import os
import random
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "core", "rulebooks", "samples")
YES, NO = "是", "否"


# --- integer-only helpers (no floating point: identical output everywhere) ----------------

def dec(hundredths, places=2):
    """An integer number of hundredths (or 10^-places) as decimal text: 12345 → "123.45"."""
    sign = "-" if hundredths < 0 else ""
    q, r = divmod(abs(hundredths), 10 ** places)
    return f"{sign}{q}.{r:0{places}d}" if places else f"{sign}{q}"


def trim(text):
    """Drop trailing zeros of a decimal text: "9.50" → "9.5", "9.00" → "9"."""
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def chance(rng, per_mille):
    return rng.randrange(1000) < per_mille


def pick(rng, weighted):
    """Weighted choice from [(value, integer weight), …]."""
    total = sum(w for _, w in weighted)
    n = rng.randrange(total)
    for v, w in weighted:
        if n < w:
            return v
        n -= w
    raise AssertionError


def bell(rng, lo, hi, k=4):
    """An integer in [lo, hi], bell-shaped: the mean of k uniform draws."""
    return sum(rng.randint(lo, hi) for _ in range(k)) // k


def yn(b):
    return YES if b else NO


def marks(rng, n, lo_half, hi_half):
    """n panel marks in steps of 0.5 between lo_half/2 and hi_half/2."""
    return ";".join(trim(dec(rng.randint(lo_half, hi_half) * 5, 1)) for _ in range(n))


def render(header, rows):
    out = io.StringIO()
    out.write(",".join(header) + "\n")
    for r in rows:
        assert len(r) == len(header), (header, r)
        cells = []
        for c in r:
            c = str(c)
            if any(ch in c for ch in ',"\n'):
                c = '"' + c.replace('"', '""') + '"'
            cells.append(c)
        out.write(",".join(cells) + "\n")
    return out.getvalue()


# --- households (as_of 2016: the current-price line is 2952 yuan) -------------------------

HOUSEHOLD_HEADER = ["户编号", "所在村", "家庭人口", "人均纯收入", "不愁吃", "不愁穿", "义务教育有保障",
                    "基本医疗有保障", "住房安全有保障", "参加基本医疗保险人数", "人均日供水量", "取水往返时间",
                    "供水保证率", "通生活用电", "直播卫星", "有线电视", "地面数字电视", "备注"]


def households(rng):
    rows = []
    for i in range(1, 301):
        members = pick(rng, [(1, 8), (2, 18), (3, 22), (4, 24), (5, 16), (6, 8), (7, 4)])
        band = pick(rng, [("below", 10), ("exit", 80), ("high", 10)])
        if band == "below":
            income = rng.randint(2200_00, 2952_00)
        elif band == "exit":
            income = bell(rng, 2953_00, 6500_00)
        else:
            income = rng.randint(6500_00, 12000_00)
        insured = members - (1 if chance(rng, 50) else 0)
        piped = chance(rng, 600)
        litres = rng.randint(400, 1200) if not chance(rng, 60) else rng.randint(300, 399)
        minutes = 0 if piped else (rng.randint(3, 20) if not chance(rng, 60) else rng.randint(21, 35))
        assurance = rng.randint(950, 1000) if not chance(rng, 50) else rng.randint(880, 949)
        tv = pick(rng, [("sat", 50), ("cable", 30), ("ter", 17), ("none", 3)])
        rows.append([
            f"510000{i:04d}", f"示例村{rng.randint(1, 60):03d}", members, dec(income),
            yn(not chance(rng, 10)), yn(not chance(rng, 10)), yn(not chance(rng, 30)),
            yn(not chance(rng, 25)), yn(not chance(rng, 80)), insured, trim(dec(litres, 1)),
            minutes, trim(dec(assurance, 1)), yn(not chance(rng, 8)),
            yn(tv == "sat"), yn(tv == "cable"), yn(tv == "ter"), "",
        ])
    ok = dict(zip(HOUSEHOLD_HEADER, ["", "示例村001", 4, "5000.00", YES, YES, YES, YES, YES, 4, "40",
                                     0, "95", YES, YES, NO, NO, ""]))

    def row(key, note, **changes):
        r = dict(ok, 户编号=key, 备注=note)
        r.update(changes)
        return [r[h] for h in HOUSEHOLD_HEADER]

    rows += [
        row("B001", "边界：人均纯收入恰为2016年扶贫标准2952元，不算“超过”", 人均纯收入="2952.00"),
        row("B002", "边界：人均纯收入2952.01元，超过扶贫标准", 人均纯收入="2952.01"),
        row("B003", "边界：人均日供水量恰为40升、取水往返恰为20分钟、供水保证率恰为95%", 取水往返时间=20),
        row("B004", "边界：人均日供水量39.9升，低于40升", 人均日供水量="39.9"),
        row("B005", "边界：5人中4人参保，参保率80%", 家庭人口=5, 参加基本医疗保险人数=4),
        row("B006", "边界：三种广播电视都没有", 直播卫星=NO),
        row("E001", "故意错误：收入写了千分位逗号；期望错误 *=InputType", 人均纯收入="3,200.00"),
        row("E002", "故意错误：住房安全一栏空白；期望错误 *=MissingInput", 住房安全有保障=""),
        row("E003", "故意错误：供水保证率超过100%；期望错误 sc.poverty.household-exit=InputOutOfRange",
            供水保证率="101"),
        row("E004", "故意错误：家庭人口为0；期望错误 sc.poverty.household-exit=InputOutOfRange",
            家庭人口=0, 参加基本医疗保险人数=0),
        row("E005", "故意错误：“不愁吃”填了“未知”（四川方案不读此栏）；期望错误 cn.poverty.household-exit=InputType",
            不愁吃="未知"),
    ]
    return render(HOUSEHOLD_HEADER, rows)


# --- villages (as_of 2016: incidence below 3%) --------------------------------------------

VILLAGE_HEADER = ["村名", "所属县", "农业户籍人口", "剩余贫困人口", "村集体经济收入", "通硬化路", "有卫生室",
                  "有文化室", "有通信网络", "备注"]


def villages(rng):
    rows = []
    for i in range(1, 201):
        pop = bell(rng, 600, 4500)
        per_10k = pick(rng, [(rng.randint(0, 299), 70), (rng.randint(300, 800), 30)])
        poor = pop * per_10k // 10000
        income = 0 if chance(rng, 120) else bell(rng, 50, 3000)
        rows.append([f"示例村{i:03d}", f"示例县{rng.randint(1, 30):03d}", pop, poor, dec(income),
                     yn(not chance(rng, 60)), yn(not chance(rng, 60)), yn(not chance(rng, 70)),
                     yn(not chance(rng, 40)), ""])
    ok = dict(zip(VILLAGE_HEADER, ["", "示例县001", 10000, 100, "3.50", YES, YES, YES, YES, ""]))

    def row(key, note, **changes):
        r = dict(ok, 村名=key, 备注=note)
        r.update(changes)
        return [r[h] for h in VILLAGE_HEADER]

    rows += [
        row("边界村1", "边界：贫困发生率恰为3%（300/10000），不算“低于3%”", 剩余贫困人口=300),
        row("边界村2", "边界：贫困发生率2.99%（299/10000）", 剩余贫困人口=299),
        row("边界村3", "边界：村集体经济收入为0", 村集体经济收入="0"),
        row("边界村4", "边界：村集体经济收入0.01万元", 村集体经济收入="0.01"),
        row("错误村1", "故意错误：农业户籍人口为0；期望错误 *=InputOutOfRange", 农业户籍人口=0, 剩余贫困人口=0),
        row("错误村2", "故意错误：集体经济收入为负数；期望错误 *=InputOutOfRange", 村集体经济收入="-1.00"),
        row("错误村3", "故意错误：卫生室一栏空白；期望错误 *=MissingInput", 有卫生室=""),
    ]
    return render(VILLAGE_HEADER, rows)


# --- counties (county exit 2018, assessment 2019, combined evaluation 2018) ----------------

COUNTY_HEADER = [
    "县名", "片区", "农业户籍人口", "剩余贫困人口", "乡镇数", "有标准中心校的乡镇数", "有达标卫生院的乡镇数",
    "有便民服务中心的乡镇数", "漏评人口（推算）", "错退人口（推算）", "抽查已脱贫人口", "抽查错退人口",
    "抽查非建档立卡农业人口", "抽查漏评人口", "认可度调查户数", "认可户数", "年度减贫计划人数", "实际减贫人数",
    "年度贫困村退出计划数", "实际退出贫困村数", "农村居民人均可支配收入增幅", "贫困村数", "有联系领导的贫困村数",
    "有帮扶单位的贫困村数", "有驻村工作组的贫困村数", "有第一书记的贫困村数", "有农技员的贫困村数",
    "帮扶满意度调查户数", "帮扶满意户数", "到位财政专项扶贫资金", "已支出财政专项扶贫资金", "资金绩效评价等级",
    "审计发现问题数", "纪检监察通报问题数", "弄虚作假、数字脱贫", "验收抽查贫困户数", "抽查户中达到一超六有的户数",
    "验收组评分", "教育部门评价得分", "卫生健康部门评价得分", "住房城乡建设部门评价得分", "水利部门评价得分",
    "交通运输部门评价得分", "电力通信部门评价得分", "备注",
]

# Remaining-poverty incidence in basis points (1/100 %) by area: (low, high).
AREA_INCIDENCE = {"秦巴山区": (10, 340), "乌蒙山区": (20, 380), "高原藏区": (30, 480), "凉山彝区": (50, 650),
                  "片区外": (5, 260)}


def counties(rng):
    rows = []
    areas = ([("秦巴山区", 36), ("乌蒙山区", 14), ("高原藏区", 32), ("凉山彝区", 13), ("片区外", 85)])
    for i in range(1, 181):
        area = pick(rng, areas)
        pop = bell(rng, 40_000, 900_000) if area != "高原藏区" else bell(rng, 15_000, 120_000)
        lo, hi = AREA_INCIDENCE[area]
        poor = pop * bell(rng, lo, hi, 3) // 10_000
        towns = rng.randint(8, 45)

        def covered():
            return towns - (rng.randint(1, 2) if chance(rng, 60) else 0)

        missed = pop * rng.randint(0, 30) // 10_000
        wrong = pop * rng.randint(0, 20) // 10_000
        s_exited = rng.randint(300, 1500)
        s_wrong = s_exited * pick(rng, [(rng.randint(0, 190), 90), (rng.randint(200, 300), 10)]) // 10_000
        s_nonreg = rng.randint(500, 3000)
        s_missed = s_nonreg * pick(rng, [(rng.randint(0, 190), 90), (rng.randint(200, 260), 10)]) // 10_000
        surveyed = rng.randint(300, 900)
        approving = surveyed * pick(rng, [(rng.randint(9000, 9950), 93), (rng.randint(8600, 8999), 7)]) // 10_000
        plan = 0 if chance(rng, 40) else bell(rng, 500, 20_000)
        reduced = plan + rng.randint(0, plan // 20 + 1) if not chance(rng, 60) else plan * rng.randint(9000, 9990) // 10_000
        v_plan = 0 if chance(rng, 60) else rng.randint(3, 40)
        v_exited = v_plan if not chance(rng, 150) else v_plan * rng.randint(60, 99) // 100
        growth = bell(rng, 65, 125)
        poor_v = 0 if (area == "片区外" and chance(rng, 250)) else rng.randint(5, 90)

        def helped():
            return poor_v - (rng.randint(1, max(1, poor_v // 10)) if poor_v and chance(rng, 100) else 0)

        h_surveyed = rng.randint(300, 800)
        h_satisfied = h_surveyed * pick(rng, [(rng.randint(9000, 9950), 90), (rng.randint(8200, 8999), 10)]) // 10_000
        alloc = bell(rng, 2000_00, 60000_00)
        spent = alloc * bell(rng, 7000, 10000) // 10_000
        perf = pick(rng, [("优秀", 60), ("良好", 30), ("及格", 8), ("不及格", 2)])
        audit = pick(rng, [(0, 55), (1, 25), (2, 12), (3, 5), (5, 3)])
        discipline = pick(rng, [(0, 80), (1, 15), (2, 4), (4, 1)])
        falsified = chance(rng, 8)
        s_households = rng.randint(100, 300)
        meeting = s_households * pick(rng, [(10_000, 60), (rng.randint(9500, 9990), 35), (rng.randint(9000, 9499), 5)]) // 10_000
        dept = [trim(dec(bell(rng, 750, 1000), 1)) for _ in range(6)]
        rows.append([
            f"示例县{i:03d}", area, pop, poor, towns, covered(), covered(), covered(), missed, wrong,
            s_exited, s_wrong, s_nonreg, s_missed, surveyed, approving, plan, reduced, v_plan, v_exited,
            trim(dec(growth, 1)), poor_v, helped(), helped(), helped(), helped(), helped(), h_surveyed,
            h_satisfied, dec(alloc), dec(spent), perf, audit, discipline, yn(falsified), s_households, meeting,
            marks(rng, rng.randint(5, 7), 13, 20), *dept, "",
        ])
    ok = dict(zip(COUNTY_HEADER, [
        "", "秦巴山区", 200000, 3000, 20, 20, 20, 20, 1000, 1999, 500, 9, 1000, 19, 400, 360, 5000, 5000, 20, 20,
        "9", 40, 40, 40, 40, 40, 40, 400, 380, "10000.00", "9500.00", "优秀", 0, 0, NO, 200, 200,
        "9;9.5;10;9;8.5", "90", "90", "90", "90", "90", "90", ""]))

    def row(key, note, **changes):
        r = dict(ok, 县名=key, 备注=note)
        r.update(changes)
        return [r[h] for h in COUNTY_HEADER]

    rows += [
        row("边界县1", "边界：综合贫困发生率2.9995%、错退率1.8%、漏评率1.9%、认可度恰为90%，均达标"),
        row("边界县2", "边界：综合贫困发生率恰为3%（4000+1000+1000）/200000，不达标", 剩余贫困人口=4000, **{"错退人口（推算）": 1000}),
        row("边界县3", "边界：贫困发生率恰为2%（秦巴山区第二档）；资金支出进度恰为90%", 剩余贫困人口=4000,
            已支出财政专项扶贫资金="9000.00"),
        row("边界县4", "边界：高原藏区贫困发生率恰为3%；支出进度恰为90%（高原藏区第一档）", 片区="高原藏区",
            剩余贫困人口=6000, 已支出财政专项扶贫资金="9000.00", 农村居民人均可支配收入增幅="10"),
        row("边界县5", "边界：无贫困村，“五个一”不适用；无减贫计划", 贫困村数=0, 有联系领导的贫困村数=0, 有帮扶单位的贫困村数=0,
            有驻村工作组的贫困村数=0, 有第一书记的贫困村数=0, 有农技员的贫困村数=0, 年度减贫计划人数=0, 实际减贫人数=0),
        row("边界县6", "边界：实际减贫4999人，差1人未完成年度减贫计划（一票否决）", 实际减贫人数=4999),
        row("错误县1", "故意错误：片区写成“成都平原”；期望错误 sc.poverty.county-assessment=UnknownProfile", 片区="成都平原"),
        row("错误县2", "故意错误：资金绩效评价等级写成“合格”；期望错误 sc.poverty.county-assessment=InputOutOfRange",
            资金绩效评价等级="合格"),
        row("错误县3", "故意错误：抽查已脱贫人口为0；期望错误 sc.poverty.county-exit=InputOutOfRange；"
            "期望错误 sc.poverty.county-assessment=InputOutOfRange；期望错误 sc.poverty.county-combined=InputOutOfRange；"
            "期望错误 sc.poverty.county-combined.third-party=InputOutOfRange", 抽查已脱贫人口=0, 抽查错退人口=0),
        row("错误县4", "故意错误：验收组只有两人评分，无法去掉最高分和最低分；期望错误 sc.poverty.county-combined=PanelTooSmall；"
            "期望错误 sc.poverty.county-combined.acceptance=PanelTooSmall", 验收组评分="9;9"),
        row("错误县5", "故意错误：教育部门评价得分空白；期望错误 sc.poverty.county-combined=MissingInput；"
            "期望错误 sc.poverty.county-combined.departments=MissingInput", 教育部门评价得分=""),
    ]
    return render(COUNTY_HEADER, rows)


# --- schools and their awards (2017) --------------------------------------------------------

SCHOOL_HEADER = [
    "学校", "学段", "在校学生数", "教学班数", "设立科技教育专门机构", "纳入市—区—校科技教育网络", "有年度科技教育工作计划",
    "有年度科技教育工作总结", "有科技教育考核激励制度", "科技教育档案完整", "专项经费列入学校年度预算", "科技教育专项经费",
    "科技活动室和创新实验室数", "实验室和工作室每周向学生开放时长", "科技辅导员人数", "经培训的科技教育骨干教师数",
    "年度科技教师培训次数", "举办科技节（科技周）", "科技社团数", "参与科技活动学生数", "过程评价专家评分",
    "获奖或申报材料弄虚作假", "党建与思想政治工作考核得分", "教育教学质量考核得分", "教师队伍建设考核得分",
    "安全稳定工作考核得分", "发生重大安全责任事故", "备注",
]
AWARD_HEADER = ["学校", "work", "category", "level", "prize"]
LEVELS = ["国家级", "省级", "市级", "区县级", "乡镇级", "校级"]
PRIZES = ["一等奖", "二等奖", "三等奖", "优秀奖"]
CATEGORIES = ["科技创新", "科普实践", "学科竞赛"]


def schools(rng):
    """(schools.csv, awards.csv, [(school, quality 0–100)] for the term records)."""
    rows, awards, quality = [], [], []
    per_stage = {"小学": 0, "初中": 0, "高中": 0}
    for _ in range(240):
        stage = pick(rng, [("小学", 55), ("初中", 30), ("高中", 15)])
        per_stage[stage] += 1
        name = f"示例{stage}{per_stage[stage]:03d}"
        # How far the school has come in science education (0–100) drives its whole record.
        q = bell(rng, 0, 100, 3)
        quality.append((name, q))
        lo, hi = {"小学": (300, 3000), "初中": (500, 2600), "高中": (900, 4000)}[stage]
        students = bell(rng, lo, hi)
        size = {"小学": 45, "初中": 50, "高中": 50}[stage]
        classes = max(6, (students + size - 1) // size)
        needed = 3 if classes >= 36 else 2 if classes >= 18 else 1
        per_student = bell(rng, 500 + 25 * q, 1500 + 25 * q)  # hundredths of a yuan per student
        funds = students * per_student // 100 * 100
        participation = min(10_000, bell(rng, 1000 + 60 * q, 4000 + 60 * q))  # basis points

        def likely():
            return chance(rng, 650 + 4 * q)

        rows.append([
            name, stage, students, classes, yn(likely()), yn(likely()), yn(likely()), yn(likely()),
            yn(likely()), yn(likely()), yn(likely()), dec(funds), min(5, q // 25 + rng.randint(0, 1)),
            trim(dec(rng.randint(q // 10, 4 + q // 8) * 50, 2)),
            max(0, needed - 1 + (1 if chance(rng, 300 + 6 * q) else 0) - (1 if chance(rng, 50) else 0)),
            min(6, q // 30 + rng.randint(0, 2)), min(5, q // 30 + rng.randint(0, 2)), yn(likely()),
            min(9, q // 15 + rng.randint(0, 2)), students * participation // 10_000,
            marks(rng, 5, 10 + q // 10, 20), yn(False),
            *[trim(dec(bell(rng, 600 + 2 * q, 950 + q // 2), 1)) for _ in range(4)],
            yn(chance(rng, 4)), "",
        ])
        # Awards: works advance from lower to higher levels; each entry is one prize.
        for w in range(1, q // 12 + rng.randint(0, 3) + 1):
            work = f"作品{w}"
            category = rng.choice(CATEGORIES)
            top = pick(rng, [(0, q // 20), (1, 2 + q // 10), (2, 12), (3, 28), (4, 25), (5, 25)])  # LEVELS index
            for level in range(5, top - 1, -1):
                if level != top and not chance(rng, 400):
                    continue
                awards.append([name, work, category, LEVELS[level], pick(rng, [
                    (p, w8) for p, w8 in zip(PRIZES, [15, 25, 35, 25]) if not (level == 5 and p == "优秀奖")])])
    ok = dict(zip(SCHOOL_HEADER, [
        "", "小学", 1000, 24, YES, YES, YES, YES, YES, YES, YES, "20000.00", 3, "4", 2, 3, 3, YES, 4, 800,
        "9;9.5;10;8.5;9", NO, "90", "90", "90", "90", NO, ""]))

    def row(key, note, prizes=(("作品1", "科技创新", "区县级", "一等奖"),), **changes):
        r = dict(ok, 学校=key, 备注=note)
        r.update(changes)
        awards.extend([key, *p] for p in prizes)
        return [r[h] for h in SCHOOL_HEADER]

    rows += [
        row("边界学校1", "边界：36个班应配3名科技辅导员，实有2名", 教学班数=36),
        row("边界学校2", "边界：35个班应配2名，实有2名", 教学班数=35),
        row("边界学校3", "边界：18个班应配2名，实有1名", 教学班数=18, 科技辅导员人数=1),
        row("边界学校4", "边界：17个班应配1名，实有1名", 教学班数=17, 科技辅导员人数=1),
        row("边界学校5", "边界：初中生均经费恰为25元（第一档）", 学段="初中", 科技教育专项经费="25000.00"),
        row("边界学校6", "边界：高中生均经费19.99元（低于第三档20元）", 学段="高中", 科技教育专项经费="19990.00"),
        row("边界学校7", "边界：发生重大安全责任事故，综合目标考核一票否决（科技教育评价照常）", 发生重大安全责任事故=YES),
        row("边界学校8", "边界：科技创新类国家级一等奖24+省级一等奖12按每类24积分计，科普实践类国家级二等奖20，"
            "获奖积分44按40计，教育效果20分", prizes=(("作品1", "科技创新", "国家级", "一等奖"),
                                                  ("作品2", "科技创新", "省级", "一等奖"),
                                                  ("作品3", "科普实践", "国家级", "二等奖"))),
        row("错误学校1", "故意错误：学段写成“中职”；期望错误 *=UnknownProfile", 学段="中职"),
        row("错误学校2", "故意错误：只有两名专家评分；期望错误 *=PanelTooSmall", 过程评价专家评分="9;9"),
        row("错误学校3", "故意错误：在校学生数为0；期望错误 *=InputOutOfRange", 在校学生数=0, 参与科技活动学生数=0),
        row("错误学校4", "故意错误：获奖级别写成“国际级”（见 awards.csv）；期望错误 *=LookupMiss"),
        row("错误学校5", "故意错误：党建考核得分空白（科技教育方案不读此栏）；期望错误 cd.school.target=MissingInput",
            党建与思想政治工作考核得分=""),
    ]
    awards.append(["错误学校4", "作品2", "科技创新", "国际级", "一等奖"])
    return render(SCHOOL_HEADER, rows), render(AWARD_HEADER, awards), quality


# --- term records of the schools (2016秋, 2017春, 2017秋) --------------------------------------

TERM_HEADER = ["学校", "学期", "计划科技课时", "实际开设科技课时", "科技活动次数", "学生参与科技活动比例", "过程记录完整",
               "备注"]


def terms(rng, quality):
    """Term records for about two schools in three (the others keep the panel alone). A school
    of quality q plans 8–20 lessons a term and gives most of them, holds activities and keeps
    records more often as q grows, and improves a little from term to term. Rows are written
    newest term first for some schools: the rulebook orders them by 学期, not by row."""
    rows = []
    for name, q in quality:
        if not chance(rng, 650):
            continue
        labels = ["2016秋", "2017春", "2017秋"][3 - rng.randint(1, 3):]
        mine = []
        for k, term in enumerate(labels):
            lift = 6 * k + rng.randint(-8, 8)  # percentage points gained since the first term
            planned = rng.randint(8, 20)
            given = min(planned + 2, planned * min(100, 60 + q // 3 + lift // 2 + rng.randint(0, 10)) // 100)
            acts = max(0, min(5, q // 30 + rng.randint(0, 2) + (1 if lift > 8 else 0) - (1 if chance(rng, 150) else 0)))
            part = min(1000, max(0, 150 + 5 * q + 5 * lift + rng.randint(-80, 80)))  # tenths of a percent
            mine.append([name, term, planned, given, acts, trim(dec(part, 1)), yn(chance(rng, 350 + 6 * q)), ""])
        if chance(rng, 300):
            mine.reverse()
        rows += mine
    rows += [
        ["边界学校1", "2017春", 10, 10, 1, "20", YES, "边界：参与比例恰为20%，得0分；与下一行相比进步恰为5分（60→65）"],
        ["边界学校1", "2017秋", 10, 10, 1, "35", YES, "边界：最近学期65分"],
        ["边界学校2", "2017秋", 10, 10, 3, "50", YES, "边界：只有一个学期（90分），不计进步"],
        ["错误学校3", "2017秋", 10, 10, 3, "101", YES,
         "故意错误：参与比例超过100%（错误学校3本身已因在校学生数为0报错）；期望错误 *=InputOutOfRange"],
        ["错误学校9", "2017秋", 10, 10, 3, "50", YES, "不匹配：学校不在 schools.csv 中（应被报告，不能静默丢弃）"],
    ]
    return render(TERM_HEADER, rows)


# --- respondents (2024 literacy survey) -------------------------------------------------------

RESPONDENT_HEADER = ["受访者编号", "区（市）县", "性别", "年龄", "科学知识", "科学方法", "科学精神", "科学应用", "人群",
                     "抽样权重", "备注"]
DISTRICTS = [f"示例区{c}" for c in "ABCDEFGH"]


def group_and_weight(rng, age):
    """A respondent's population group (the 2021–2035 outline's key groups) and sampling weight
    (0.50–2.00, two places): drawn from their own generator, after the rest of the row."""
    if age >= 60:
        group = "老年人"
    else:
        group = pick(rng, [("青少年", 12 if age <= 24 else 0), ("农民", 30), ("产业工人", 25),
                           ("领导干部和公务员", 8), ("其他", 20), ("", 5)])
    return group, dec(rng.randint(50, 200))


def respondents(rng, extra):
    """`extra` draws the 人群 and 抽样权重 columns (added in 2024.2) without disturbing `rng`."""
    rows = []
    for i in range(1, 401):
        ability = bell(rng, 1800, 9300, 3)  # basis points of the full mark, bell-shaped
        parts = []
        for full in (40, 20, 20, 20):
            share = min(10_000, max(0, ability + rng.randint(-1500, 1500)))
            parts.append(trim(dec(full * share // 500 * 5, 2)))  # steps of 0.05 point
        district, sex, age = f"示例区{'ABCDEFGH'[rng.randrange(8)]}", rng.choice(["男", "女"]), rng.randint(18, 69)
        rows.append([f"CD2024{i:04d}", district, sex, age, *parts, *group_and_weight(extra, age), ""])
    rows += [
        ["CDB001", "示例区A", "女", 35, "35", "18", "16", "16", "产业工人", "1.00", "边界：总分恰为85，不算“高于85”"],
        ["CDB002", "示例区A", "男", 42, "35.01", "18", "16", "16", "农民", "1.00", "边界：总分85.01，高级"],
        ["CDB003", "示例区B", "女", 28, "30", "14", "14", "12", "其他", "1.00", "边界：总分恰为70，不具备科学素质"],
        ["CDB004", "示例区B", "男", 51, "30", "14.01", "14", "12", "农民", "1.00", "边界：总分70.01，具备科学素质"],
        ["CDB005", "示例区C", "女", 63, "25", "10", "10", "10", "老年人", "1.00", "边界：总分恰为55，未达基础"],
        ["CDE001", "示例区C", "男", 37, "45", "10", "10", "10", "农民", "1.00",
         "故意错误：科学知识超过40分；期望错误 *=InputOutOfRange"],
        ["CDE002", "示例区D", "女", 22, "30", "", "10", "10", "青少年", "1.00", "故意错误：科学方法空白；期望错误 *=MissingInput"],
        ["CDE003", "示例区D", "男", 45, "三十", "10", "10", "10", "产业工人", "1.00",
         "故意错误：分数写成汉字；期望错误 *=InputType"],
    ]
    return render(RESPONDENT_HEADER, rows)


# --- districts: the respondents above, rolled up per district (2024) -------------------------

DISTRICT_HEADER = ["区（市）县", "备注"]


def districts():
    """One row per district of respondents.csv. A district is refused when one of its respondents
    is (示例区C, 示例区D hold the bad rows); 示例区I has no respondent, so no share."""
    notes = {
        "示例区C": "故意错误：受访者 CDE001 科学知识超过40分；期望错误 cn.science-literacy.district=InputOutOfRange",
        "示例区D": "故意错误：受访者 CDE002 科学方法空白；期望错误 cn.science-literacy.district=MissingInput",
    }
    rows = [[d, notes.get(d, "")] for d in DISTRICTS]
    rows.append(["示例区I", "故意错误：没有受访者，无法计算比例；期望错误 cn.science-literacy.district=DivisionByZero"])
    return render(DISTRICT_HEADER, rows)


# --- the roll-up chain: households → villages → counties, and the third-party sample (2018) ----

ROLLUP_COUNTY_HEADER = ["县名", "乡镇数", "有标准中心校的乡镇数", "有达标卫生院的乡镇数", "有便民服务中心的乡镇数", "备注"]
ROLLUP_VILLAGE_HEADER = ["村名", "所属县", "农业户籍人口", "贫困村", "村集体经济收入", "通硬化路", "有卫生室", "有文化室",
                         "有通信网络", "备注"]
ROLLUP_HOUSEHOLD_HEADER = ["户编号", "所在村", "家庭人口", "人均纯收入", "义务教育有保障", "参加基本医疗保险人数",
                           "住房安全有保障", "人均日供水量", "取水往返时间", "供水保证率", "通生活用电", "直播卫星", "有线电视",
                           "地面数字电视", "备注"]
SURVEY_HEADER = ["户编号", "所属县", "户类型", "家庭人口", "人均纯收入", "不愁吃", "不愁穿", "义务教育有保障",
                 "基本医疗有保障", "住房安全有保障", "认可脱贫结果", "备注"]
LINE_2018 = 2995_00  # the 2018 line in fen (unverified, as in the rulebooks): scored at 2018-12-31


def registered_household(rng, key, village, members, meets, note=""):
    """A registered poor household meeting 一超六有 or missing one of it (income most often)."""
    income = bell(rng, LINE_2018 + 1, 9000_00)
    insured, litres, minutes, assurance = members, rng.randint(400, 1200), rng.randint(0, 20), rng.randint(950, 1000)
    education = housing = power = YES
    tv = pick(rng, [("sat", 55), ("cable", 30), ("ter", 15)])
    if not meets:
        why = pick(rng, [("income", 55), ("insurance", 15 if members > 1 else 0), ("water", 10), ("housing", 10),
                         ("tv", 5), ("education", 5)])
        if why == "income":
            income = LINE_2018 if chance(rng, 100) else rng.randint(1800_00, LINE_2018)
        elif why == "insurance":
            insured = members - 1
        elif why == "water":
            litres, minutes, assurance = pick(rng, [((rng.randint(300, 399), minutes, assurance), 1),
                                                    ((litres, rng.randint(21, 35), assurance), 1),
                                                    ((litres, minutes, rng.randint(880, 949)), 1)])
        elif why == "housing":
            housing = NO
        elif why == "tv":
            tv = "none"
        else:
            education = NO
    return [key, village, members, dec(income), education, insured, housing, trim(dec(litres, 1)), minutes,
            trim(dec(assurance, 1)), power, yn(tv == "sat"), yn(tv == "cable"), yn(tv == "ter"), note]


def surveyed_household(rng, key, county, kind):
    """A sampled household: exited ones meet the national standard unless wrongly exited,
    non-registered ones unless missed; most not-yet-exited ones are still below the line."""
    members = pick(rng, [(1, 8), (2, 18), (3, 22), (4, 24), (5, 16), (6, 8), (7, 4)])
    fails = {"已脱贫户": chance(rng, 12), "非建档立卡户": chance(rng, 12), "未脱贫户": not chance(rng, 150)}[kind]
    income = bell(rng, LINE_2018 + 1, 12000_00) if kind != "未脱贫户" else bell(rng, LINE_2018 + 1, 5000_00)
    guarantees = [YES] * 5
    if fails:
        if chance(rng, 700):
            income = rng.randint(1800_00, LINE_2018)
        else:
            guarantees[rng.randrange(5)] = NO
    answer = pick(rng, [(YES, 94), (NO, 4), ("", 2)])
    return [key, county, kind, members, dec(income), *guarantees, answer, ""]


def rollup(rng):
    """{file name: text} of the roll-up chain (scored at 2018-12-31)."""
    counties, villages, households, survey = [], [], [], []
    hh_no = 0

    def household(village, members, meets, note=""):
        nonlocal hh_no
        hh_no += 1
        households.append(registered_household(rng, f"51900{hh_no:05d}", village, members, meets, note))

    for letter in "ABCDEF":
        county = f"示例县{letter}"
        towns = rng.randint(8, 20)
        covered = [towns - (1 if chance(rng, 80) else 0) for _ in range(3)]
        counties.append([county, towns, *covered, ""])
        for j in range(1, rng.randint(4, 6) + 1):
            village = f"示例村{letter}{j:02d}"
            pop = bell(rng, 400, 1600)
            poor_village = chance(rng, 700)
            fail_per_mille = pick(rng, [(rng.randint(20, 150), 60), (rng.randint(150, 400), 30),
                                        (rng.randint(400, 700), 10)])
            target = pop * bell(rng, 50, 100) // 1000  # registered poor people
            registered = 0
            while registered < target:
                members = pick(rng, [(1, 8), (2, 18), (3, 22), (4, 24), (5, 16), (6, 8), (7, 4)])
                household(village, members, not chance(rng, fail_per_mille))
                registered += members
            income = 0 if chance(rng, 60) else bell(rng, 50, 3000)
            villages.append([village, county, pop, yn(poor_village), dec(income), yn(not chance(rng, 40)),
                             yn(not chance(rng, 40)), yn(not chance(rng, 50)), yn(not chance(rng, 30)), ""])
        kinds = ["已脱贫户"] * 25 + ["未脱贫户"] * 8 + ["非建档立卡户"] * 30
        rng.shuffle(kinds)
        survey += [surveyed_household(rng, f"S{letter}{i:03d}", county, kind) for i, kind in enumerate(kinds, 1)]

    # Boundary villages in 示例县A: 1000 people, 30 (exactly 3%) and 29 remaining poor.
    for village, remaining, note in [("边界村1", 30, "边界：剩余贫困人口30人（其中一户人均纯收入恰为2995元），贫困发生率恰为3%，不算“低于3%”"),
                                     ("边界村2", 29, "边界：剩余贫困人口29人，贫困发生率2.9%")]:
        villages.append([village, "示例县A", 1000, YES, "3.50", YES, YES, YES, YES, note])
        for members in [5] * (remaining // 5) + ([remaining % 5] if remaining % 5 else []):
            household(village, members, False)
        for members in (4, 4, 3):
            household(village, members, True)
    exact = next(r for r in households if r[1] == "边界村1" and r[2] == 5)
    exact[3], exact[4:] = dec(LINE_2018), [YES, 5, YES, "60", 0, "100", YES, YES, NO, NO,
                                           "边界：人均纯收入恰为2018年扶贫标准2995元，不算“超过”"]
    # 示例县F: approval exactly 90% — 3 of its sampled households did not answer, 54 of 60 approve.
    f_rows = [r for r in survey if r[1] == "示例县F"]
    for k, r in enumerate(f_rows):
        r[10] = "" if k < 3 else (YES if k < 57 else NO)
    f_rows[0][11] = "边界：本县前3户未回答认可度；其余60户中54户认可，群众认可度恰为90%"
    counties[-1][-1] = "边界：群众认可度恰为90%（54/60，3户未回答不计）"
    # Rows made bad on purpose.
    counties.append(["示例县G", 12, 12, 12, 12,
                     "故意错误：村表中没有本县的村，无法计算贫困发生率；期望错误 sc.poverty.county-exit.villages=DivisionByZero"])
    counties.append(["示例县H", 10, 10, 10, 10,
                     "故意错误：所辖错误村1有一户供水保证率超过100%；期望错误 sc.poverty.county-exit.villages=InputOutOfRange"])
    villages.append(["错误村1", "示例县H", 800, YES, "2.00", YES, YES, YES, YES,
                     "故意错误：贫困户 E001 供水保证率超过100%；期望错误 sc.poverty.village-exit.households=InputOutOfRange"])
    household("错误村1", 3, True)
    households.append(["E001", "错误村1", 4, "5000.00", YES, 4, YES, "60", 0, "101", YES, YES, NO, NO,
                       "故意错误：供水保证率超过100%；期望错误 *=InputOutOfRange"])
    survey += [surveyed_household(rng, f"SH{i:03d}", "示例县H", kind)
               for i, kind in enumerate(["已脱贫户", "未脱贫户", "非建档立卡户"] * 4, 1)]
    survey.append(["SH013", "示例县H", "贫困户", 2, "2500.00", YES, YES, YES, YES, YES, YES,
                   "故意错误：户类型写成“贫困户”（示例县H已因村表报错）；期望错误 *=InputOutOfRange"])
    # Child rows whose parent is not in the parent table: reported by the join, never dropped.
    villages.append(["示例村Z01", "示例县Z", 900, YES, "1.00", YES, YES, YES, YES, "不匹配：所属县“示例县Z”不在 counties.csv 中"])
    households.append(["U001", "示例村Z99", 3, "5000.00", YES, 3, YES, "60", 0, "100", YES, YES, NO, NO,
                       "不匹配：所在村“示例村Z99”不在 villages.csv 中"])
    survey.append(["SZ001", "示例县Z", "非建档立卡户", 3, "6000.00", YES, YES, YES, YES, YES, YES,
                   "不匹配：所属县“示例县Z”不在 counties.csv 中"])
    return {
        "counties.csv": render(ROLLUP_COUNTY_HEADER, counties),
        "villages.csv": render(ROLLUP_VILLAGE_HEADER, villages),
        "households.csv": render(ROLLUP_HOUSEHOLD_HEADER, households),
        "survey.csv": render(SURVEY_HEADER, survey),
    }


def generate():
    """{file name: text}; one generator per table, each with its own seed."""
    school_text, award_text, quality = schools(random.Random(2017))
    return {
        "households.csv": households(random.Random(2016)),
        "villages.csv": villages(random.Random(2015)),
        "counties.csv": counties(random.Random(2018)),
        "schools.csv": school_text,
        "awards.csv": award_text,
        "terms.csv": terms(random.Random(20172), quality),
        "respondents.csv": respondents(random.Random(2024), random.Random(20241)),
        "districts.csv": districts(),
        **{f"rollup/{name}": text for name, text in rollup(random.Random(2018_1)).items()},
    }


def main(argv):
    files = generate()
    if "--check" in argv:
        bad = 0
        for name, text in files.items():
            path = os.path.join(OUT, name)
            try:
                with open(path, encoding="utf-8", newline="") as f:
                    same = f.read() == text
            except FileNotFoundError:
                same = False
            if not same:
                print(f"differs or missing: {path}", file=sys.stderr)
                bad += 1
        if bad:
            print("run: python3 scripts/gen_samples.py", file=sys.stderr)
            return 1
        print(f"{len(files)} sample tables up to date")
        return 0
    for name, text in files.items():
        os.makedirs(os.path.dirname(os.path.join(OUT, name)), exist_ok=True)
        with open(os.path.join(OUT, name), "w", encoding="utf-8", newline="") as f:
            f.write(text)
    print(f"wrote {len(files)} sample tables to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
