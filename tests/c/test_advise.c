/* Advice (整改建议, issue #24) through the C ABI: the least changes of a record's actionable
 * inputs that reach a goal, as JSON (kp_advise_json for a typed record, kp_advise_record_json for
 * a JSON record) — the exact threshold, the veto named first, a goal beyond the profile said
 * unreachable — and the failures: a goal that is no grade, NULL arguments, outputs untouched.
 *
 * Usage: test_advise [ignored] */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "json.h"

/* The specification's example county: 80.13, 较好 (266 of 320 households satisfied). */
static const char *COUNTY =
    "{\"county\": \"示例县\", \"region\": \"凉山彝区\", \"population\": 100000, \"poor_population\": 3000, "
    "\"income_growth\": 6, \"sampled\": 320, \"satisfied\": 266, \"expert_marks\": [7, 8, 9, 6, 10]}";

static const char *text_of(const jval *v) {
    return v && v->type == J_STRING ? v->text : "";
}

/* 好 is reached by 298 satisfied households (93.125%), not 297: the exact threshold. */
static void check_hao(const char *json, size_t len) {
    char error[256];
    jval *a = json_parse(json, len, error);
    CHECK(a != NULL, "advice JSON parses: %s", error);
    if (!a) return;
    CHECK(strcmp(text_of(json_get(a, "schema")), "kaoping.advice/1") == 0, "schema");
    CHECK(strcmp(text_of(json_get(a, "total")), "80.13") == 0, "total now");
    const jval *alts = json_get(a, "alternatives");
    CHECK(alts && alts->type == J_ARRAY && alts->count >= 1, "alternatives");
    bool satisfied = false;
    for (size_t i = 0; alts && i < alts->count; i++) {
        const jval *alt = &alts->items[i];
        CHECK(strcmp(text_of(json_get(alt, "grade")), "好") == 0, "alternative %zu reaches 好", i);
        const jval *changes = json_get(alt, "changes");
        if (changes && changes->count == 1 && strcmp(text_of(json_get(&changes->items[0], "input")), "satisfied") == 0) {
            satisfied = strcmp(text_of(json_get(&changes->items[0], "to")), "298") == 0 &&
                        strcmp(text_of(json_get(&changes->items[0], "from")), "266") == 0;
        }
    }
    CHECK(satisfied, "satisfied 266 → 298");
    json_free(a);
}

static void test_advise(void) {
    kp_rulebook *rb = NULL;
    CHECK_STATUS(kp_rulebook_builtin("example.county-assessment", &rb, NULL), KP_OK);
    if (!rb) return;
    char *json = NULL;
    size_t len = 0;
    kp_error *err = NULL;
    CHECK_STATUS(kp_advise_record_json(rb, COUNTY, strlen(COUNTY), "好", NULL, &json, &len, &err), KP_OK);
    if (json) check_hao(json, len);
    kp_string_free(json);
    json = NULL;

    /* A typed record. */
    kp_record *rec = NULL;
    CHECK_STATUS(kp_record_new(rb, &rec), KP_OK);
    CHECK_STATUS(kp_record_set_text(rec, "county", "示例县"), KP_OK);
    CHECK_STATUS(kp_record_set_text(rec, "region", "凉山彝区"), KP_OK);
    CHECK_STATUS(kp_record_set_int(rec, "population", 100000), KP_OK);
    CHECK_STATUS(kp_record_set_int(rec, "poor_population", 3000), KP_OK);
    CHECK_STATUS(kp_record_set_decimal(rec, "income_growth", "6"), KP_OK);
    CHECK_STATUS(kp_record_set_int(rec, "sampled", 320), KP_OK);
    CHECK_STATUS(kp_record_set_int(rec, "satisfied", 266), KP_OK);
    CHECK_STATUS(kp_record_set_bool(rec, "falsified", true), KP_OK);
    CHECK_STATUS(kp_advise_json(rb, rec, "较好", NULL, &json, NULL, &err), KP_OK);
    if (json) {
        char error[256];
        jval *a = json_parse(json, strlen(json), error);
        CHECK(a != NULL, "advice JSON parses: %s", error);
        const jval *blockers = json_get(a, "blockers");
        CHECK(blockers && blockers->count == 1 && strcmp(text_of(json_get(&blockers->items[0], "id")), "falsified") == 0,
              "the veto is named first");
        /* No expert marks: clearing the veto (68.13) is not enough alone; every alternative
         * clears it and changes something more. */
        const jval *alts = json_get(a, "alternatives");
        CHECK(alts && alts->count >= 1, "alternatives");
        for (size_t i = 0; alts && i < alts->count; i++) {
            const jval *changes = json_get(&alts->items[i], "changes");
            bool cleared = false;
            for (size_t k = 0; changes && k < changes->count; k++) {
                const jval *c = &changes->items[k];
                const jval *to = json_get(c, "to");
                cleared |= strcmp(text_of(json_get(c, "input")), "falsified") == 0 && to && to->type == J_BOOL &&
                           !to->boolean;
            }
            CHECK(cleared && changes->count >= 2, "alternative %zu clears the veto and more", i);
            CHECK(strcmp(text_of(json_get(&alts->items[i], "grade")), "较好") == 0 ||
                      strcmp(text_of(json_get(&alts->items[i], "grade")), "好") == 0,
                  "alternative %zu reaches 较好", i);
        }
        json_free(a);
    }
    kp_string_free(json);
    json = NULL;

    /* Beyond the profile's reachable maximum: unreachable, with the reason. */
    CHECK_STATUS(kp_advise_record_json(rb, COUNTY, strlen(COUNTY), "101", NULL, &json, NULL, &err), KP_OK);
    CHECK(json && strstr(json, "\"reason\":\"beyond_profile\"") != NULL, "unreachable beyond the profile");
    kp_string_free(json);

    /* Refused: a goal that is no grade; NULLs; the output untouched. */
    char *untouched = (char *)&len;
    CHECK_STATUS(kp_advise_record_json(rb, COUNTY, strlen(COUNTY), "优秀", NULL, &untouched, NULL, &err),
                 KP_INVALID_ARGUMENT);
    CHECK(err && strstr(kp_error_message(err), "优秀") != NULL, "the message names the goal");
    kp_error_free(err);
    err = NULL;
    CHECK_STATUS(kp_advise_record_json(rb, "{", 1, "好", NULL, &untouched, NULL, &err), KP_RECORD_ERROR);
    kp_error_free(err);
    err = NULL;
    CHECK_STATUS(kp_advise_json(NULL, rec, "好", NULL, &untouched, NULL, NULL), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_advise_json(rb, NULL, "好", NULL, &untouched, NULL, NULL), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_advise_json(rb, rec, NULL, NULL, &untouched, NULL, NULL), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_advise_json(rb, rec, "好", NULL, NULL, NULL, NULL), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_advise_record_json(rb, NULL, 0, "好", NULL, &untouched, NULL, NULL), KP_NULL_ARGUMENT);
    CHECK(untouched == (char *)&len, "output written on failure");
    kp_record_free(rec);
    kp_rulebook_free(rb);
}

int main(int argc, char **argv) {
    (void)argc;
    (void)argv;
    test_advise();
    kp_shutdown(); /* nothing of kaoping is left for valgrind or LeakSanitizer to report */
    return report("test_advise");
}
