/* Rulebook variants through the C ABI (kp_rulebook_with_params): a changed rulebook, validated
 * like any, that says what it is a variant of (in kp_rulebook_describe_json and in results);
 * changes that cannot be applied are load errors naming the change; NULL arguments and outputs
 * untouched on failure.
 *
 * Usage: test_variants [ignored] */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "json.h"

/* A village at 2.8% remaining poor (28 of 1000) meeting every other criterion. */
static const char *VILLAGE =
    "{\"village\": \"甲村\", \"rural_population\": 1000, \"poor_remaining\": 28, \"collective_income\": 1, "
    "\"has_hardened_road\": true, \"has_clinic\": true, \"has_culture_room\": true, \"has_network\": true}";

static bool passed(const kp_rulebook *rb) {
    kp_result *res = NULL;
    bool ok = false;
    CHECK_STATUS(kp_score_json(rb, VILLAGE, strlen(VILLAGE), NULL, &res, NULL), KP_OK);
    if (res) CHECK_STATUS(kp_result_passed(res, &ok), KP_OK);
    kp_result_free(res);
    return ok;
}

static void test_exit_limit(void) {
    kp_rulebook *base = NULL, *v = NULL;
    kp_error *err = NULL;
    CHECK_STATUS(kp_rulebook_builtin("sc.poverty.village-exit", &base, NULL), KP_OK);
    const char *keys[] = {"exit_limit"};
    const char *values[] = {"2.5"};
    CHECK_STATUS(kp_rulebook_with_params(base, keys, values, 1, &v, &err), KP_OK);
    if (!v) {
        fprintf(stderr, "%s\n", err ? kp_error_message(err) : "no error");
        kp_error_free(err);
        kp_rulebook_free(base);
        return;
    }
    CHECK(passed(base), "2.8%% is under 3%%");
    CHECK(!passed(v), "2.8%% is not under 2.5%%");
    char want[64];
    snprintf(want, sizeof want, "%s+variant", kp_rulebook_version(base));
    CHECK(strcmp(kp_rulebook_version(v), want) == 0, "version %s", kp_rulebook_version(v));
    CHECK(strcmp(kp_rulebook_fingerprint(v), kp_rulebook_fingerprint(base)) != 0, "a new fingerprint");

    char *json = NULL, error[256];
    size_t len = 0;
    CHECK_STATUS(kp_rulebook_describe_json(v, &json, &len), KP_OK);
    jval *d = json ? json_parse(json, len, error) : NULL;
    const jval *of = json_get(d, "variant_of");
    CHECK(of && of->type == J_OBJECT, "describe has variant_of: %s", json ? json : "");
    const jval *fp = json_get(of, "fingerprint");
    CHECK(fp && fp->type == J_STRING && strcmp(fp->text, kp_rulebook_fingerprint(base)) == 0, "the base's fingerprint");
    const jval *changes = json_get(of, "changes");
    CHECK(changes && changes->count == 1 && strcmp(changes->items[0].text, "exit_limit=2.5") == 0, "the change");
    json_free(d);
    kp_string_free(json);
    json = NULL;
    CHECK_STATUS(kp_rulebook_describe_json(base, &json, &len), KP_OK);
    d = json ? json_parse(json, len, error) : NULL;
    CHECK(json_get(d, "variant_of") && json_get(d, "variant_of")->type == J_NULL, "a base is no variant");
    json_free(d);
    kp_string_free(json);

    /* Results name the variant. */
    kp_result *res = NULL;
    CHECK_STATUS(kp_score_json(v, VILLAGE, strlen(VILLAGE), NULL, &res, NULL), KP_OK);
    json = NULL;
    if (res) CHECK_STATUS(kp_result_to_json(res, &json, &len), KP_OK);
    CHECK(json && strstr(json, "\"variant_of\":{\"id\":\"sc.poverty.village-exit\""), "result JSON: %s", json ? json : "");
    kp_string_free(json);
    kp_result_free(res);

    /* A variant of the variant records both changes against the first base. */
    kp_rulebook *v2 = NULL;
    const char *k2[] = {"collective_income_min"};
    const char *x2[] = {"1"};
    CHECK_STATUS(kp_rulebook_with_params(v, k2, x2, 1, &v2, NULL), KP_OK);
    json = NULL;
    if (v2) CHECK_STATUS(kp_rulebook_describe_json(v2, &json, &len), KP_OK);
    CHECK(json && strstr(json, "[\"exit_limit=2.5\",\"collective_income_min=1\"]"), "%s", json ? json : "");
    kp_string_free(json);
    kp_rulebook_free(v2);
    kp_rulebook_free(v);
    kp_rulebook_free(base);
}

/* Sentinel: an out-parameter must still hold it after a failed call. */
static char sentinel_byte;

static void test_refusals(void) {
    kp_rulebook *base = NULL;
    CHECK_STATUS(kp_rulebook_builtin("example.county-assessment", &base, NULL), KP_OK);
    kp_rulebook *const sentinel = (kp_rulebook *)(void *)&sentinel_byte;
    kp_rulebook *v = sentinel;
    kp_error *err = NULL;
    const char *keys[] = {"exit_limt", "inc_good@西藏", "points.reduction.income"};
    const char *values[] = {"2", "3", "25"};
    CHECK_STATUS(kp_rulebook_with_params(base, keys, values, 2, &v, &err), KP_LOAD_ERROR);
    CHECK(v == sentinel, "no output on failure");
    CHECK(err && kp_error_count(err) == 2, "both problems reported");
    kp_problem p;
    if (err && kp_error_problem(err, 0, &p) == KP_OK) {
        CHECK(p.kind == KP_KIND_UNKNOWN_NAME && strstr(p.message, "exit_limt") && p.path &&
                  strcmp(p.path, "change `exit_limt=2`") == 0,
              "unknown parameter, naming the change: %s [%s]", p.message, p.path ? p.path : "");
    }
    if (err && kp_error_problem(err, 1, &p) == KP_OK) {
        CHECK(p.kind == KP_KIND_UNKNOWN_PROFILE, "unknown profile: %s", p.message);
    }
    kp_error_free(err);
    err = NULL;
    /* Points that no longer add up: at the parent, in the base's text, naming the change. */
    CHECK_STATUS(kp_rulebook_with_params(base, keys + 2, values + 2, 1, &v, &err), KP_LOAD_ERROR);
    if (err && kp_error_problem(err, 0, &p) == KP_OK) {
        CHECK(p.kind == KP_KIND_POINTS_MISMATCH && p.line > 0 && strstr(p.message, "points.reduction.income=25"),
              "points mismatch: %s", p.message);
    }
    kp_error_free(err);
    err = NULL;
    /* Values that are not numbers, and no changes at all (still a variant). */
    const char *bad[] = {"abc"};
    CHECK_STATUS(kp_rulebook_with_params(base, keys, bad, 1, &v, NULL), KP_LOAD_ERROR);
    kp_rulebook *same = NULL;
    CHECK_STATUS(kp_rulebook_with_params(base, NULL, NULL, 0, &same, NULL), KP_OK);
    CHECK(same && strstr(kp_rulebook_version(same), "+variant"), "no change is still a variant");
    kp_rulebook_free(same);

    /* NULL arguments, one at a time. */
    CHECK_STATUS(kp_rulebook_with_params(NULL, keys, values, 1, &v, NULL), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_rulebook_with_params(base, NULL, values, 1, &v, NULL), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_rulebook_with_params(base, keys, NULL, 1, &v, NULL), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_rulebook_with_params(base, keys, values, 1, NULL, NULL), KP_NULL_ARGUMENT);
    const char *holes[] = {NULL};
    CHECK_STATUS(kp_rulebook_with_params(base, holes, values, 1, &v, NULL), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_rulebook_with_params(base, keys, holes, 1, &v, NULL), KP_NULL_ARGUMENT);
    const char notutf8[] = {'e', (char)0xc3, 0};
    const char *badkey[] = {notutf8};
    CHECK_STATUS(kp_rulebook_with_params(base, badkey, values, 1, &v, NULL), KP_INVALID_UTF8);
    CHECK(v == sentinel, "no output after any failure");
    kp_rulebook_free(base);
}

int main(int argc, char **argv) {
    (void)argc;
    (void)argv;
    test_exit_limit();
    test_refusals();
    kp_shutdown(); /* nothing of kaoping is left for valgrind or LeakSanitizer to report */
    return report("test_variants");
}
