/* What if the rules change (issue #23) through the C ABI: a variant made by
 * kp_rulebook_with_params compared with its base over the same rows (kp_compare_json,
 * kp_compare_csv), the comparison read back from its JSON — the units that move, the exact
 * attribution, the transition matrix — and a rulebook's lint (kp_rulebook_lint_json). Failures
 * leave outputs untouched.
 *
 * Usage: test_compare [ignored] */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "json.h"

/* Three villages: 2.8% remaining poor (passes under 3%, not under 2.5%), 2.0% (passes under
 * both), 3.5% (passes under neither). */
static const char *VILLAGES =
    "[{\"village\": \"甲村\", \"rural_population\": 1000, \"poor_remaining\": 28, \"collective_income\": 1, "
    "\"has_hardened_road\": true, \"has_clinic\": true, \"has_culture_room\": true, \"has_network\": true},"
    " {\"village\": \"乙村\", \"rural_population\": 1000, \"poor_remaining\": 20, \"collective_income\": 1, "
    "\"has_hardened_road\": true, \"has_clinic\": true, \"has_culture_room\": true, \"has_network\": true},"
    " {\"village\": \"丙村\", \"rural_population\": 1000, \"poor_remaining\": 35, \"collective_income\": 1, "
    "\"has_hardened_road\": true, \"has_clinic\": true, \"has_culture_room\": true, \"has_network\": true}]";

/* The same villages as a CSV table, columns by label. */
static const char *VILLAGES_CSV =
    "村名,农业户籍人口,剩余贫困人口,村集体经济收入,通硬化路,有卫生室,有文化室,有通信网络\n"
    "甲村,1000,28,1,是,是,是,是\n"
    "乙村,1000,20,1,是,是,是,是\n"
    "丙村,1000,35,1,是,是,是,是\n";

static const char *text_of(const jval *v) {
    return v && v->type == J_STRING ? v->text : "";
}

/* The new verdict of each unit, as "t"/"f", and the states that moved. */
static void check_villages(const char *json, size_t len) {
    char error[256];
    jval *c = json_parse(json, len, error);
    CHECK(c != NULL, "comparison JSON parses: %s", error);
    if (!c) return;
    CHECK(strcmp(text_of(json_get(c, "schema")), "kaoping.compare/1") == 0, "schema");
    const jval *units = json_get(c, "units");
    CHECK(units && units->type == J_ARRAY && units->count == 3, "three units");
    const bool want_old[] = {true, true, false}, want_new[] = {false, true, false};
    for (size_t i = 0; units && i < units->count && i < 3; i++) {
        const jval *u = &units->items[i];
        const jval *o = json_get(json_get(u, "old"), "passed"), *n = json_get(json_get(u, "new"), "passed");
        CHECK(o && o->type == J_BOOL && o->boolean == want_old[i], "unit %zu old passed", i);
        CHECK(n && n->type == J_BOOL && n->boolean == want_new[i], "unit %zu new passed", i);
    }
    /* 甲村 stopped passing, on the incidence criterion. */
    const jval *why = units && units->count ? json_get(&units->items[0], "criteria_changed") : NULL;
    CHECK(why && why->count == 1 && strcmp(text_of(json_get(&why->items[0], "id")), "incidence") == 0,
          "甲村 changed on incidence");
    const jval *t = json_get(json_get(c, "summary"), "transitions");
    const jval *counts = json_get(t, "counts");
    CHECK(counts && counts->count >= 2 && strcmp(counts->items[0].items[1].text, "1") == 0,
          "one unit passed → not passed");
    const jval *changed = json_get(json_get(c, "summary"), "state_changed");
    CHECK(changed && strcmp(changed->text, "1") == 0, "one state changed");
    const jval *new_rb = json_get(c, "new");
    const jval *changes = json_get(json_get(new_rb, "variant_of"), "changes");
    CHECK(changes && changes->count == 1 && strcmp(changes->items[0].text, "exit_limit=2.5") == 0, "the change");
    json_free(c);
}

static void test_compare_variant(void) {
    kp_rulebook *base = NULL, *v = NULL;
    CHECK_STATUS(kp_rulebook_builtin("sc.poverty.village-exit", &base, NULL), KP_OK);
    const char *keys[] = {"exit_limit"};
    const char *values[] = {"2.5"};
    CHECK_STATUS(kp_rulebook_with_params(base, keys, values, 1, &v, NULL), KP_OK);
    if (!base || !v) return;
    char *json = NULL;
    size_t len = 0;
    kp_error *err = NULL;
    CHECK_STATUS(kp_compare_json(base, v, VILLAGES, strlen(VILLAGES), NULL, &json, &len, &err), KP_OK);
    if (json) check_villages(json, len);
    kp_string_free(json);
    json = NULL;
    kp_options *opts = NULL;
    CHECK_STATUS(kp_options_new(&opts), KP_OK);
    CHECK_STATUS(kp_options_set_encoding(opts, KP_ENCODING_UTF8), KP_OK);
    CHECK_STATUS(kp_options_set_parallel(opts, false), KP_OK);
    CHECK_STATUS(kp_compare_csv(base, v, VILLAGES_CSV, strlen(VILLAGES_CSV), opts, &json, NULL, &err), KP_OK);
    if (json) check_villages(json, strlen(json));
    kp_string_free(json);

    /* Refused: not a JSON array (nothing compared, the output untouched), a profile neither has. */
    char *untouched = (char *)&len;
    CHECK_STATUS(kp_compare_json(base, v, "{}", 2, NULL, &untouched, NULL, &err), KP_TABLE_ERROR);
    CHECK(untouched == (char *)&len, "output written on failure");
    kp_error_free(err);
    err = NULL;
    CHECK_STATUS(kp_options_set_profile(opts, "nowhere"), KP_OK);
    CHECK_STATUS(kp_compare_json(base, v, VILLAGES, strlen(VILLAGES), opts, &untouched, NULL, &err), KP_RECORD_ERROR);
    CHECK(err && kp_error_kind(err) == KP_KIND_UNKNOWN_PROFILE, "unknown profile");
    kp_error_free(err);
    CHECK_STATUS(kp_compare_json(NULL, v, VILLAGES, strlen(VILLAGES), NULL, &untouched, NULL, NULL), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_compare_json(base, NULL, VILLAGES, strlen(VILLAGES), NULL, &untouched, NULL, NULL), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_compare_json(base, v, NULL, 0, NULL, &untouched, NULL, NULL), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_compare_json(base, v, VILLAGES, strlen(VILLAGES), NULL, NULL, NULL, NULL), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_compare_csv(base, v, NULL, 0, NULL, &untouched, NULL, NULL), KP_NULL_ARGUMENT);
    CHECK(untouched == (char *)&len, "output written on failure");
    kp_options_free(opts);
    kp_rulebook_free(v);
    kp_rulebook_free(base);
}

static void test_lint(void) {
    kp_rulebook *rb = NULL;
    CHECK_STATUS(kp_rulebook_builtin("example.county-assessment", &rb, NULL), KP_OK);
    char *json = NULL, error[256];
    size_t len = 0;
    CHECK_STATUS(kp_rulebook_lint_json(rb, &json, &len), KP_OK);
    jval *l = json ? json_parse(json, len, error) : NULL;
    CHECK(l != NULL, "lint JSON parses");
    CHECK(strcmp(text_of(json_get(l, "schema")), "kaoping.lint/1") == 0, "schema");
    const jval *findings = json_get(l, "findings");
    bool unread = false;
    for (size_t i = 0; findings && i < findings->count; i++) {
        const jval *f = &findings->items[i];
        if (strcmp(text_of(json_get(f, "code")), "param-unread") == 0) {
            unread = strstr(text_of(json_get(f, "en")), "poverty_line") != NULL &&
                     strcmp(text_of(json_get(f, "severity")), "warning") == 0 &&
                     strcmp(json_get(json_get(f, "location"), "line") ? json_get(json_get(f, "location"), "line")->text : "", "43") == 0;
        }
    }
    CHECK(unread, "poverty_line is read by nothing, at line 43");
    const jval *ranges = json_get(l, "ranges");
    const jval *total = ranges && ranges->count ? json_get(&ranges->items[0], "total") : NULL;
    CHECK(strcmp(text_of(json_get(total, "max")), "100.00") == 0, "the total reaches 100.00");
    json_free(l);
    kp_string_free(json);
    char *untouched = (char *)&len;
    CHECK_STATUS(kp_rulebook_lint_json(NULL, &untouched, NULL), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_rulebook_lint_json(rb, NULL, NULL), KP_NULL_ARGUMENT);
    CHECK(untouched == (char *)&len, "output written on failure");
    kp_rulebook_free(rb);
}

int main(int argc, char **argv) {
    (void)argc;
    (void)argv;
    test_compare_variant();
    test_lint();
    kp_shutdown(); /* nothing of kaoping is left for valgrind or LeakSanitizer to report */
    return report("test_compare");
}
