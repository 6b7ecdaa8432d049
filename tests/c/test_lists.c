/* What a rulebook declares and what a result holds, read without JSON: the counted, indexed
 * accessors (kp_rulebook_input_count / _at … kp_result_node_count / _at …) fill structs of
 * strings borrowed from their handle. Every list is checked against what the rulebook says and
 * against the JSON the same handle gives, and the borrowed strings are read again after other
 * calls (AddressSanitizer and valgrind would report any that did not live as long as promised).
 *
 * Usage: test_lists */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static const char *BOOK =
    "[rulebook]\nid = \"t.lists\"\ntitle = \"列表\"\nversion = \"2\"\n"
    "key_field = \"county\"\nprofile_field = \"region\"\n"
    "[profiles.\"山区\"]\n"
    "[profiles.\"山区\".points]\n\"work\" = 50\n\"work.income\" = 30\n\"work.roads\" = 20\n"
    "[profiles.\"平原\"]\n"
    "[inputs]\n"
    "county = { type = \"text\", label = \"县名\" }\n"
    "region = { type = \"text\", label = \"片区\", values = [\"山区\", \"平原\"] }\n"
    "income = { type = \"decimal\", label = \"收入增幅\", unit = \"%\", min = 0, max = 100 }\n"
    "roads = { type = \"integer\", min = 0, required = false }\n"
    "falsified = { type = \"boolean\", default = false, label = \"弄虚作假\" }\n"
    "marks = { type = \"numbers\", required = false }\n"
    "awards = { type = \"items\", fields = { level = \"text\", year = \"integer\" }, required = false }\n"
    "[[indicator]]\nid = \"work\"\nlabel = \"工作成效\"\npoints = 80\n"
    "[[indicator]]\nid = \"work.income\"\nlabel = \"收入\"\npoints = 40\nsource = \"第三条\"\n"
    "linear = { input = \"income\", from = [0, 0], to = [30, 40] }\n"
    "[[indicator]]\nid = \"work.roads\"\nlabel = \"道路\"\npoints = 40\napplies = \"roads > 0\"\n"
    "formula = \"roads\"\n"
    "[[indicator]]\nid = \"marks\"\nlabel = \"评分\"\npoints = 10\ncount = { input = \"marks\", each = 1 }\n"
    "[[indicator]]\nid = \"awards\"\nlabel = \"获奖\"\npoints = 10\ncount = { input = \"awards\", each = 2 }\n"
    "[[veto]]\nid = \"falsified\"\nlabel = \"弄虚作假\"\nwhen = \"falsified\"\nscore = 0\ngrade = \"差\"\n"
    "[[criterion]]\nid = \"roads\"\nlabel = \"通路\"\nwhen = \"roads >= 1\"\n"
    "[[grade]]\nlabel = \"好\"\nat_least = 60\n"
    "[[grade]]\nlabel = \"中\"\nat_least = 30\n"
    "[[grade]]\nlabel = \"差\"\n"
    "[[grade_rule]]\nlabel = \"收入不足\"\nwhen = 'points(\"work.income\") < 10'\ngrade_at_most = \"中\"\n";

static int eq(const char *a, const char *b) {
    return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

#define CHECK_STR(got, want, what) \
    CHECK(eq((got), (want)), "%s: got %s, want %s", (what), (got) ? (got) : "NULL", (want) ? (want) : "NULL")

static kp_rulebook *load(void) {
    kp_rulebook *rb = NULL;
    kp_error *err = NULL;
    CHECK_STATUS(kp_rulebook_from_str(BOOK, strlen(BOOK), KP_FORMAT_TOML, &rb, &err), KP_OK);
    if (err) fprintf(stderr, "%s\n", kp_error_message(err));
    kp_error_free(err);
    if (!rb) exit(1);
    return rb;
}

static void test_inputs(const kp_rulebook *rb) {
    CHECK(kp_rulebook_input_count(rb) == 7, "7 inputs: %zu", kp_rulebook_input_count(rb));
    const char *names[] = {"county", "region", "income", "roads", "falsified", "marks", "awards"};
    const kp_input_type types[] = {KP_INPUT_TEXT,    KP_INPUT_TEXT,    KP_INPUT_DECIMAL, KP_INPUT_INTEGER,
                                   KP_INPUT_BOOLEAN, KP_INPUT_NUMBERS, KP_INPUT_ITEMS};
    const bool required[] = {true, true, true, false, false, false, false};
    for (size_t i = 0; i < 7; i++) {
        kp_input_info in;
        CHECK_STATUS(kp_rulebook_input_at(rb, i, &in), KP_OK);
        CHECK_STR(in.name, names[i], "input name");
        CHECK(in.ty == types[i], "%s: type %d, want %d", names[i], in.ty, types[i]);
        CHECK(in.required == required[i], "%s: required %d", names[i], in.required);
        kp_input_type by_name = 0;
        CHECK_STATUS(kp_rulebook_input_type(rb, in.name, &by_name), KP_OK);
        CHECK(by_name == in.ty, "%s: kp_rulebook_input_type agrees", names[i]);
    }
    kp_input_info in;
    CHECK_STATUS(kp_rulebook_input_at(rb, 1, &in), KP_OK);
    CHECK_STR(in.label, "片区", "region label");
    CHECK(in.value_count == 2 && in.values, "region allows 2 values: %zu", in.value_count);
    if (in.values && in.value_count == 2) {
        CHECK_STR(in.values[0], "山区", "region value 0");
        CHECK_STR(in.values[1], "平原", "region value 1");
    }
    CHECK(in.min == NULL && in.max == NULL && in.unit == NULL && in.fields == NULL && in.field_count == 0,
          "what does not apply is NULL or 0");
    CHECK_STATUS(kp_rulebook_input_at(rb, 2, &in), KP_OK);
    CHECK_STR(in.label, "收入增幅", "income label");
    CHECK_STR(in.unit, "%", "income unit");
    CHECK_STR(in.min, "0", "income min");
    CHECK_STR(in.max, "100", "income max");
    CHECK(in.values == NULL && in.value_count == 0, "any number");
    CHECK_STATUS(kp_rulebook_input_at(rb, 3, &in), KP_OK);
    CHECK(in.label == NULL, "roads has no label");
    CHECK_STATUS(kp_rulebook_input_at(rb, 6, &in), KP_OK);
    CHECK(in.field_count == 2 && in.fields, "awards has 2 fields: %zu", in.field_count);
    if (in.fields && in.field_count == 2) {
        CHECK_STR(in.fields[0].name, "level", "field 0");
        CHECK(in.fields[0].ty == KP_INPUT_TEXT, "level is text");
        CHECK_STR(in.fields[1].name, "year", "field 1");
        CHECK(in.fields[1].ty == KP_INPUT_INTEGER, "year is an integer");
    }
    /* Beyond the end: KP_NOT_FOUND, the output untouched. */
    kp_input_info untouched;
    memset(&untouched, 0x5a, sizeof untouched);
    kp_input_info copy = untouched;
    CHECK_STATUS(kp_rulebook_input_at(rb, 7, &untouched), KP_NOT_FOUND);
    CHECK(memcmp(&untouched, &copy, sizeof copy) == 0, "output written on failure");
    CHECK_STATUS(kp_rulebook_input_at(rb, (size_t)-1, &untouched), KP_NOT_FOUND);
}

static void test_indicators(const kp_rulebook *rb) {
    CHECK(kp_rulebook_indicator_count(rb) == 5, "5 indicators: %zu", kp_rulebook_indicator_count(rb));
    const char *ids[] = {"work", "work.income", "work.roads", "marks", "awards"};
    const char *parents[] = {NULL, "work", "work", NULL, NULL};
    const char *points[] = {"80.00", "40.00", "40.00", "10.00", "10.00"};
    const char *mountain[] = {"50.00", "30.00", "20.00", "10.00", "10.00"};
    const char *rules[] = {NULL, "linear", "formula", "count", "count"};
    for (size_t i = 0; i < 5; i++) {
        kp_indicator_info n;
        CHECK_STATUS(kp_rulebook_indicator_at(rb, i, &n), KP_OK);
        CHECK_STR(n.id, ids[i], "indicator id");
        CHECK_STR(n.parent, parents[i], ids[i]);
        CHECK(n.depth == (parents[i] ? 1u : 0u), "%s: depth %u", ids[i], n.depth);
        CHECK(n.is_leaf == (i != 0), "%s: is_leaf %d", ids[i], n.is_leaf);
        CHECK_STR(n.points, points[i], ids[i]);
        CHECK_STR(n.rule, rules[i], ids[i]);
        const char *p = NULL;
        CHECK_STATUS(kp_rulebook_indicator_points(rb, i, NULL, &p), KP_OK);
        CHECK(p == n.points, "%s: the base points are the same string", ids[i]);
        CHECK_STATUS(kp_rulebook_indicator_points(rb, i, "山区", &p), KP_OK);
        CHECK_STR(p, mountain[i], "points in 山区");
        CHECK_STATUS(kp_rulebook_indicator_points(rb, i, "平原", &p), KP_OK);
        CHECK_STR(p, points[i], "points in 平原 (no overrides)");
    }
    kp_indicator_info n;
    CHECK_STATUS(kp_rulebook_indicator_at(rb, 1, &n), KP_OK);
    CHECK_STR(n.label, "收入", "label");
    CHECK_STR(n.source, "第三条", "source");
    CHECK_STATUS(kp_rulebook_indicator_at(rb, 0, &n), KP_OK);
    CHECK(n.source == NULL, "no source");
    CHECK_STATUS(kp_rulebook_indicator_at(rb, 5, &n), KP_NOT_FOUND);
    const char *p = "untouched";
    CHECK_STATUS(kp_rulebook_indicator_points(rb, 0, "海岛", &p), KP_NOT_FOUND);
    CHECK_STATUS(kp_rulebook_indicator_points(rb, 5, NULL, &p), KP_NOT_FOUND);
    CHECK_STATUS(kp_rulebook_indicator_points(rb, 0, "\xff", &p), KP_INVALID_UTF8);
    CHECK_STR(p, "untouched", "output written on failure");
    CHECK_STATUS(kp_rulebook_max(rb, NULL, &p), KP_OK);
    CHECK_STR(p, "100.00", "max");
    CHECK_STATUS(kp_rulebook_max(rb, "山区", &p), KP_OK);
    CHECK_STR(p, "70.00", "max in 山区");
    CHECK_STATUS(kp_rulebook_max(rb, "海岛", &p), KP_NOT_FOUND);
}

static void test_lists(const kp_rulebook *rb) {
    const char *s = NULL;
    CHECK(kp_rulebook_profile_count(rb) == 2, "2 profiles");
    CHECK_STATUS(kp_rulebook_profile_at(rb, 0, &s), KP_OK);
    CHECK_STR(s, "山区", "profile 0");
    CHECK_STATUS(kp_rulebook_profile_at(rb, 1, &s), KP_OK);
    CHECK_STR(s, "平原", "profile 1");
    CHECK_STATUS(kp_rulebook_profile_at(rb, 2, &s), KP_NOT_FOUND);
    CHECK(kp_rulebook_grade_count(rb) == 3, "3 grades");
    const char *grades[] = {"好", "中", "差"};
    for (size_t i = 0; i < 3; i++) {
        CHECK_STATUS(kp_rulebook_grade_at(rb, i, &s), KP_OK);
        CHECK_STR(s, grades[i], "grade, best first");
    }
    CHECK_STATUS(kp_rulebook_grade_at(rb, 3, &s), KP_NOT_FOUND);
    kp_check_info c;
    CHECK(kp_rulebook_criterion_count(rb) == 1, "1 criterion");
    CHECK_STATUS(kp_rulebook_criterion_at(rb, 0, &c), KP_OK);
    CHECK_STR(c.id, "roads", "criterion id");
    CHECK_STR(c.label, "通路", "criterion label");
    CHECK_STATUS(kp_rulebook_criterion_at(rb, 1, &c), KP_NOT_FOUND);
    CHECK(kp_rulebook_veto_count(rb) == 1, "1 veto");
    CHECK_STATUS(kp_rulebook_veto_at(rb, 0, &c), KP_OK);
    CHECK_STR(c.id, "falsified", "veto id");
    CHECK_STR(c.label, "弄虚作假", "veto label");
    CHECK_STATUS(kp_rulebook_veto_at(rb, 1, &c), KP_NOT_FOUND);

    /* A criteria-only rulebook: no indicators, no grades, no maximum. */
    const char *criteria =
        "[rulebook]\nid = \"t.c\"\nversion = \"1\"\n[inputs]\nx = { type = \"decimal\" }\n"
        "[[criterion]]\nid = \"x\"\nlabel = \"x\"\nwhen = \"x > 1\"\n";
    kp_rulebook *only = NULL;
    CHECK_STATUS(kp_rulebook_from_str(criteria, strlen(criteria), KP_FORMAT_TOML, &only, NULL), KP_OK);
    CHECK(kp_rulebook_indicator_count(only) == 0 && kp_rulebook_grade_count(only) == 0 &&
              kp_rulebook_profile_count(only) == 0 && kp_rulebook_veto_count(only) == 0 &&
              kp_rulebook_criterion_count(only) == 1 && kp_rulebook_input_count(only) == 1,
          "criteria-only counts");
    s = "untouched";
    CHECK_STATUS(kp_rulebook_max(only, NULL, &s), KP_NO_VALUE);
    CHECK_STATUS(kp_rulebook_indicator_points(only, 0, NULL, &s), KP_NOT_FOUND);
    CHECK_STR(s, "untouched", "output written on failure");
    kp_rulebook_free(only);
}

/* The describe JSON and the lists say the same: same counts, same ids in the same order. */
static void test_agrees_with_json(const kp_rulebook *rb) {
    char *json = NULL;
    CHECK_STATUS(kp_rulebook_describe_json(rb, &json, NULL), KP_OK);
    for (size_t i = 0; json && i < kp_rulebook_indicator_count(rb); i++) {
        kp_indicator_info n;
        CHECK_STATUS(kp_rulebook_indicator_at(rb, i, &n), KP_OK);
        char needle[128];
        snprintf(needle, sizeof needle, "\"id\":\"%s\"", n.id);
        CHECK(strstr(json, needle) != NULL, "%s in the JSON", n.id);
    }
    kp_string_free(json);
}

static kp_result *score(const kp_rulebook *rb, const char *record) {
    kp_result *res = NULL;
    kp_error *err = NULL;
    CHECK_STATUS(kp_score_json(rb, record, strlen(record), NULL, &res, &err), KP_OK);
    if (err) fprintf(stderr, "%s\n", kp_error_message(err));
    kp_error_free(err);
    if (!res) exit(1);
    return res;
}

static void test_result_plain(const kp_rulebook *rb) {
    /* roads missing: work.roads left out (work rescaled: 8 of 40 → 16 of 80), the criterion has
     * no data; marks missing: no data; one award: 2; 8 < 10 fires the grade rule. 18.00, 差. */
    kp_result *res = score(rb, "{\"county\": \"甲县\", \"region\": \"平原\", \"income\": 6, "
                               "\"awards\": [{\"level\": \"省级\", \"year\": 2019}], \"备注\": \"x\"}");
    char *total = NULL;
    CHECK_STATUS(kp_result_total(res, &total), KP_OK);
    CHECK_STR(total, "18.00", "total");
    kp_string_free(total);

    CHECK(kp_result_node_count(res) == 5, "5 nodes: %zu", kp_result_node_count(res));
    const char *ids[] = {"work", "work.income", "work.roads", "marks", "awards"};
    const char *parents[] = {NULL, "work", "work", NULL, NULL};
    const char *points[] = {"16.00", "8.00", NULL, "0.00", "2.00"};
    const char *max[] = {"80.00", "40.00", "40.00", "10.00", "10.00"};
    const kp_node_status status[] = {KP_NODE_SCORED, KP_NODE_SCORED, KP_NODE_NOT_APPLICABLE, KP_NODE_NO_DATA,
                                     KP_NODE_SCORED};
    for (size_t i = 0; i < 5; i++) {
        kp_result_node n;
        CHECK_STATUS(kp_result_node_at(res, i, &n), KP_OK);
        CHECK_STR(n.id, ids[i], "node id");
        CHECK_STR(n.parent, parents[i], ids[i]);
        CHECK(n.depth == (parents[i] ? 1u : 0u), "%s: depth", ids[i]);
        CHECK_STR(n.points, points[i], ids[i]);
        CHECK_STR(n.max, max[i], ids[i]);
        CHECK(n.status == status[i], "%s: status %d, want %d", ids[i], n.status, status[i]);
        CHECK(n.exact == NULL, "%s: no rounding", ids[i]);
        /* The same points as kp_result_points. */
        char *p = NULL;
        kp_status st = kp_result_points(res, n.id, &p);
        CHECK(points[i] ? st == KP_OK && eq(p, n.points) : st == KP_NO_VALUE, "%s: kp_result_points agrees",
              ids[i]);
        kp_string_free(p);
    }
    kp_result_node n;
    CHECK_STATUS(kp_result_node_at(res, 1, &n), KP_OK);
    CHECK_STR(n.label, "收入", "node label");
    CHECK_STR(n.source, "第三条", "node source");
    CHECK_STATUS(kp_result_node_at(res, 5, &n), KP_NOT_FOUND);

    CHECK(kp_result_veto_count(res) == 0, "no veto fired");
    kp_result_veto v;
    CHECK_STATUS(kp_result_veto_at(res, 0, &v), KP_NOT_FOUND);
    CHECK(kp_result_criterion_count(res) == 1, "one criterion");
    kp_result_criterion c;
    CHECK_STATUS(kp_result_criterion_at(res, 0, &c), KP_OK);
    CHECK_STR(c.id, "roads", "criterion id");
    CHECK_STR(c.label, "通路", "criterion label");
    CHECK_STR(c.when, "roads >= 1", "criterion condition");
    CHECK(!c.holds && c.no_data, "roads missing: fails for lack of data");
    CHECK(c.source == NULL, "no source");
    CHECK_STATUS(kp_result_criterion_at(res, 1, &c), KP_NOT_FOUND);
    CHECK(kp_result_grade_rule_count(res) == 1, "the grade rule fired");
    kp_result_grade_rule g;
    CHECK_STATUS(kp_result_grade_rule_at(res, 0, &g), KP_OK);
    CHECK(g.index == 0, "its index");
    CHECK_STR(g.label, "收入不足", "its label");
    CHECK_STR(g.grade_at_most, "中", "its ceiling");
    CHECK(g.when && strstr(g.when, "work.income"), "its condition: %s", g.when);
    CHECK_STATUS(kp_result_grade_rule_at(res, 1, &g), KP_NOT_FOUND);
    CHECK(kp_result_warning_count(res) == 1, "one warning: %zu", kp_result_warning_count(res));
    const char *w = NULL;
    CHECK_STATUS(kp_result_warning_at(res, 0, &w), KP_OK);
    CHECK(w && strstr(w, "备注"), "the warning names the field: %s", w);
    CHECK_STATUS(kp_result_warning_at(res, 1, &w), KP_NOT_FOUND);
    kp_next_grade next;
    CHECK_STATUS(kp_result_next_grade(res, &next), KP_OK);
    CHECK_STR(next.grade, "中", "next grade");
    CHECK_STR(next.bound, "30.00", "its bound");
    CHECK_STR(next.gap, "12.00", "the gap");
    CHECK(!next.strict, "at_least is not strict");

    /* Borrowed strings are the same each time, and outlive other calls on the result. */
    kp_result_node again;
    CHECK_STATUS(kp_result_node_at(res, 1, &again), KP_OK);
    CHECK(again.id == n.id || n.id == NULL, "the same string");
    char *json = NULL;
    CHECK_STATUS(kp_result_to_json(res, &json, NULL), KP_OK);
    kp_string_free(json);
    CHECK_STR(again.label, "收入", "still readable");
    kp_result_free(res);
}

static void test_result_veto(const kp_rulebook *rb) {
    /* 山区 points; 10 → 13.333… published 13.33 (its exact value shown to 6 places, marked ≈); the
     * veto sets 0, 差. */
    kp_result *res = score(rb, "{\"county\": \"乙县\", \"region\": \"山区\", \"income\": 10, \"roads\": 5, "
                               "\"falsified\": true, \"marks\": [1, 2]}");
    kp_result_node n;
    CHECK_STATUS(kp_result_node_at(res, 1, &n), KP_OK);
    CHECK_STR(n.points, "13.33", "income points");
    CHECK_STR(n.max, "30.00", "income max in 山区");
    CHECK(n.exact && strcmp(n.exact, "≈13.333333") == 0, "the exact value before rounding: %s",
          n.exact ? n.exact : "NULL");
    CHECK_STATUS(kp_result_node_at(res, 0, &n), KP_OK);
    CHECK_STR(n.max, "50.00", "work max in 山区");
    CHECK(kp_result_veto_count(res) == 1, "the veto fired");
    kp_result_veto v;
    CHECK_STATUS(kp_result_veto_at(res, 0, &v), KP_OK);
    CHECK_STR(v.id, "falsified", "veto id");
    CHECK_STR(v.label, "弄虚作假", "veto label");
    CHECK_STR(v.when, "falsified", "veto condition");
    CHECK(v.score && strtod(v.score, NULL) == 0.0, "veto score %s", v.score ? v.score : "NULL");
    CHECK_STR(v.grade, "差", "veto grade");
    CHECK(v.source == NULL, "no source");
    kp_result_criterion c;
    CHECK_STATUS(kp_result_criterion_at(res, 0, &c), KP_OK);
    CHECK(c.holds && !c.no_data, "roads 5: holds");
    CHECK(kp_result_grade_rule_count(res) == 0, "13.33 ≥ 10: no grade rule");
    CHECK(kp_result_warning_count(res) == 0, "no warnings");
    char *total = NULL, *grade = NULL;
    CHECK_STATUS(kp_result_total(res, &total), KP_OK);
    CHECK_STATUS(kp_result_grade(res, &grade), KP_OK);
    CHECK_STR(total, "0.00", "the veto's total");
    CHECK_STR(grade, "差", "the veto's grade");
    kp_string_free(total);
    kp_string_free(grade);
    kp_result_free(res);

    /* The best grade has no next one. */
    res = score(rb, "{\"county\": \"丙县\", \"region\": \"平原\", \"income\": 30, \"roads\": 40, "
                    "\"marks\": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], \"awards\": []}");
    kp_next_grade next;
    memset(&next, 0, sizeof next);
    CHECK_STATUS(kp_result_next_grade(res, &next), KP_NO_VALUE);
    CHECK(next.grade == NULL, "output written on failure");
    kp_result_free(res);
}

/* Results from a batch row and the rulebook's lists from several calls: the same strings. */
static void test_batch_rows(const kp_rulebook *rb) {
    const char *rows = "[{\"county\": \"甲县\", \"region\": \"平原\", \"income\": 6},"
                       " {\"county\": \"乙县\", \"region\": \"山区\", \"income\": 10, \"falsified\": true}]";
    kp_batch *b = NULL;
    CHECK_STATUS(kp_score_batch_json(rb, rows, strlen(rows), NULL, &b, NULL), KP_OK);
    kp_result *res = NULL;
    CHECK_STATUS(kp_batch_row(b, 1, &res, NULL), KP_OK);
    kp_batch_free(b); /* the result is the caller's: it outlives its batch */
    CHECK(kp_result_veto_count(res) == 1, "row 2's veto");
    kp_result_node n;
    CHECK_STATUS(kp_result_node_at(res, 0, &n), KP_OK);
    CHECK_STR(n.max, "50.00", "row 2 in 山区");
    kp_result_free(res);

    kp_indicator_info a, c;
    CHECK_STATUS(kp_rulebook_indicator_at(rb, 2, &a), KP_OK);
    CHECK_STATUS(kp_rulebook_indicator_at(rb, 2, &c), KP_OK);
    CHECK(a.id == c.id && a.points == c.points, "the same borrowed strings each time");
}

int main(void) {
    kp_rulebook *rb = load();
    test_inputs(rb);
    test_indicators(rb);
    test_lists(rb);
    test_agrees_with_json(rb);
    test_result_plain(rb);
    test_result_veto(rb);
    test_batch_rows(rb);
    kp_rulebook_free(rb);
    kp_shutdown(); /* nothing of kaoping is left for valgrind or LeakSanitizer to report */
    return report("test_lists");
}
