/* The C API's contract: every status code reached; NULL for every pointer argument; invalid UTF-8;
 * wrong formats; outputs written only on success; freeing NULL; errors with every problem and its
 * location; the typed, JSON, batch and CSV paths agreeing with each other; the version macro.
 * Built with -DKP_TEST_PANIC against a library built with the `test-panic` feature.
 *
 * Usage: test_api TMPDIR   (a directory where it may write a few small files) */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "json.h"

static const char *API_BOOK =
    "[rulebook]\n"
    "id = \"t.api\"\n"
    "title = \"接口测试\"\n"
    "version = \"3\"\n"
    "key_field = \"name\"\n"
    "\n"
    "[inputs]\n"
    "name   = { type = \"text\" }\n"
    "rate   = { type = \"decimal\", min = 0, max = 100 }\n"
    "count  = { type = \"integer\", min = 0 }\n"
    "ok     = { type = \"boolean\", default = true }\n"
    "opt    = { type = \"decimal\", required = false }\n"
    "marks  = { type = \"numbers\", required = false }\n"
    "papers = { type = \"items\", fields = { title = \"text\", year = \"integer\" }, required = false }\n"
    "\n"
    "[[indicator]]\n"
    "id = \"rate\"\n"
    "label = \"比率\"\n"
    "points = 60\n"
    "linear = { input = \"rate\", from = [0, 0], to = [100, 60] }\n"
    "\n"
    "[[indicator]]\n"
    "id = \"count\"\n"
    "label = \"count\"\n"
    "points = 20\n"
    "formula = \"count\"\n"
    "\n"
    "[[indicator]]\n"
    "id = \"extra\"\n"
    "label = \"only when ok\"\n"
    "points = 10\n"
    "formula = \"opt\"\n"
    "applies = \"ok\"\n"
    "\n"
    "[[indicator]]\n"
    "id = \"marks\"\n"
    "label = \"1 per mark\"\n"
    "points = 5\n"
    "count = { input = \"marks\", each = 1 }\n"
    "\n"
    "[[indicator]]\n"
    "id = \"papers\"\n"
    "label = \"1 per paper\"\n"
    "points = 5\n"
    "count = { input = \"papers\", each = 1 }\n"
    "\n"
    "[[grade]]\n"
    "label = \"好\"\n"
    "at_least = 60\n"
    "[[grade]]\n"
    "label = \"差\"\n";

/* The same rulebook's essentials in JSON, to load with KP_FORMAT_JSON. */
static const char *JSON_BOOK =
    "{\"rulebook\": {\"id\": \"t.json\", \"title\": \"JSON\", \"version\": \"1\"},"
    " \"inputs\": {\"rate\": {\"type\": \"decimal\"}},"
    " \"indicator\": [{\"id\": \"rate\", \"label\": \"rate\", \"points\": 60,"
    "   \"linear\": {\"input\": \"rate\", \"from\": [0, 0], \"to\": [100, 60]}}]}";

static const char *CRITERIA_ONLY =
    "[rulebook]\nid = \"t.criteria\"\nversion = \"1\"\n"
    "[inputs]\nincome = { type = \"decimal\" }\n"
    "[[criterion]]\nid = \"income\"\nlabel = \"收入达标\"\nwhen = \"income > 3747\"\n";

/* Two problems on two lines: a band order and an unknown name. */
static const char *BAD_BOOK =
    "[rulebook]\nid = \"t.bad\"\nversion = \"1\"\n"
    "[inputs]\nx = { type = \"decimal\" }\n"
    "[[indicator]]\nid = \"a\"\nlabel = \"a\"\npoints = 10\n"
    "bands = { input = \"x\", at_least = [[5, 5], [8, 10]], else = 0 }\n"
    "[[indicator]]\nid = \"b\"\nlabel = \"b\"\npoints = 10\nformula = \"nosuch + 1\"\n";

static const char *RELATIVE_BOOK =
    "[rulebook]\nid = \"t.relative\"\nversion = \"1\"\n"
    "[inputs]\noutput = { type = \"decimal\" }\n"
    "[[indicator]]\nid = \"up\"\nlabel = \"output (max)\"\npoints = 10\nrelative = { input = \"output\" }\n";

static kp_rulebook *load_api(void) {
    kp_rulebook *rb = NULL;
    kp_error *err = NULL;
    CHECK_STATUS(kp_rulebook_from_str(API_BOOK, strlen(API_BOOK), KP_FORMAT_TOML, &rb, &err), KP_OK);
    if (err) fprintf(stderr, "%s\n", kp_error_message(err));
    kp_error_free(err);
    if (!rb) exit(1);
    return rb;
}

static kp_rulebook *load_county(void) {
    kp_rulebook *rb = NULL;
    CHECK_STATUS(kp_rulebook_builtin("example.county-assessment", &rb, NULL), KP_OK);
    if (!rb) exit(1);
    return rb;
}

/* A string from an accessor, compared, then freed. */
/* `got` is read after the call that fills it (an argument `s` would be read before: C does not
 * order the evaluation of arguments). */
static void check_string(kp_status st, char **gotp, kp_status want_status, const char *want, const char *what) {
    char *got = *gotp;
    *gotp = NULL;
    CHECK(st == want_status, "%s: status %s, want %s", what, kp_status_str(st), kp_status_str(want_status));
    if (st == KP_OK && want) CHECK(got && strcmp(got, want) == 0, "%s: got %s, want %s", what, got, want);
    if (st != KP_OK) CHECK(got == NULL, "%s: output written on failure", what);
    kp_string_free(got);
}

static kp_record *api_record(const kp_rulebook *rb, const char *name, const char *rate, int64_t count) {
    kp_record *rec = NULL;
    CHECK_STATUS(kp_record_new(rb, &rec), KP_OK);
    CHECK_STATUS(kp_record_set_text(rec, "name", name), KP_OK);
    CHECK_STATUS(kp_record_set_decimal(rec, "rate", rate), KP_OK);
    CHECK_STATUS(kp_record_set_int(rec, "count", count), KP_OK);
    return rec;
}

static void test_version(void) {
    CHECK(strcmp(kp_version(), KAOPING_VERSION) == 0, "kp_version %s, header %s", kp_version(), KAOPING_VERSION);
    char parts[64];
    snprintf(parts, sizeof parts, "%d.%d.%d", KAOPING_VERSION_MAJOR, KAOPING_VERSION_MINOR, KAOPING_VERSION_PATCH);
    CHECK(strcmp(parts, KAOPING_VERSION) == 0, "version macros %s vs %s", parts, KAOPING_VERSION);
}

static void test_status_strings(void) {
    const char *names[] = {"KP_OK",           "KP_NULL_ARGUMENT", "KP_INVALID_UTF8", "KP_INVALID_ARGUMENT",
                           "KP_INVALID_NUMBER", "KP_UNKNOWN_FIELD", "KP_WRONG_TYPE", "KP_NOT_FOUND",
                           "KP_NO_VALUE",     "KP_LOAD_ERROR",    "KP_RECORD_ERROR", "KP_TABLE_ERROR",
                           "KP_PANIC"};
    const int codes[] = {KP_OK,           KP_NULL_ARGUMENT, KP_INVALID_UTF8, KP_INVALID_ARGUMENT,
                         KP_INVALID_NUMBER, KP_UNKNOWN_FIELD, KP_WRONG_TYPE, KP_NOT_FOUND,
                         KP_NO_VALUE,     KP_LOAD_ERROR,    KP_RECORD_ERROR, KP_TABLE_ERROR,
                         KP_PANIC};
    for (int i = 0; i < 13; i++) {
        CHECK(codes[i] == i, "%s is %d, want %d (the numbers are stable)", names[i], codes[i], i);
        const char *s = kp_status_str(codes[i]);
        CHECK(strncmp(s, names[i], strlen(names[i])) == 0 && s[strlen(names[i])] == ':', "kp_status_str(%d) = %s",
              i, s);
    }
    CHECK(strcmp(kp_status_str(-1), "unknown kp_status") == 0, "unknown status text");
    CHECK(strcmp(kp_status_str(13), "unknown kp_status") == 0, "unknown status text");
    CHECK(strcmp(kp_error_kind_name(KP_KIND_MISSING_INPUT), "MissingInput") == 0, "kind name");
    CHECK(strcmp(kp_error_kind_name(KP_KIND_IO), "Io") == 0, "kind name");
    CHECK(strcmp(kp_error_kind_name(KP_KIND_DUPLICATE_KEY), "DuplicateKey") == 0, "kind name");
    CHECK(kp_error_kind_name(0) == NULL && kp_error_kind_name(KP_KIND_DUPLICATE_KEY + 1) == NULL,
          "unknown kind names are NULL");
}

static void test_loading(const char *tmp) {
    kp_rulebook *rb = NULL;
    kp_error *err = NULL;
    /* Built-ins. */
    const char *const *ids = NULL;
    size_t n = 0;
    CHECK_STATUS(kp_builtin_ids(&ids, &n), KP_OK);
    int found = 0;
    for (size_t i = 0; i < n; i++) found |= strcmp(ids[i], "example.county-assessment") == 0;
    CHECK(n >= 1 && found, "kp_builtin_ids lists the county example (%zu ids)", n);
    CHECK_STATUS(kp_rulebook_builtin("no.such.book", &rb, &err), KP_LOAD_ERROR);
    CHECK(rb == NULL, "no rulebook on failure");
    CHECK(kp_error_kind(err) == KP_KIND_UNKNOWN_NAME, "unknown built-in kind %d", kp_error_kind(err));
    CHECK(strstr(kp_error_message(err), "example.county-assessment") != NULL, "lists the ids: %s",
          kp_error_message(err));
    kp_error_free(err);
    err = NULL;

    /* Formats: JSON text with the JSON format loads; the wrong format is a syntax error; an
     * unknown format code is an argument error. */
    CHECK_STATUS(kp_rulebook_from_str(JSON_BOOK, strlen(JSON_BOOK), KP_FORMAT_JSON, &rb, &err), KP_OK);
    if (rb) CHECK(strcmp(kp_rulebook_id(rb), "t.json") == 0, "id %s", kp_rulebook_id(rb));
    kp_rulebook_free(rb);
    rb = NULL;
    CHECK_STATUS(kp_rulebook_from_str(JSON_BOOK, strlen(JSON_BOOK), KP_FORMAT_TOML, &rb, &err), KP_LOAD_ERROR);
    CHECK(kp_error_kind(err) == KP_KIND_SYNTAX, "JSON read as TOML: kind %d", kp_error_kind(err));
    kp_error_free(err);
    err = NULL;
    CHECK_STATUS(kp_rulebook_from_str(API_BOOK, strlen(API_BOOK), KP_FORMAT_JSON, &rb, &err), KP_LOAD_ERROR);
    CHECK(kp_error_kind(err) == KP_KIND_SYNTAX, "TOML read as JSON: kind %d", kp_error_kind(err));
    kp_error_free(err);
    err = NULL;
    CHECK_STATUS(kp_rulebook_from_str(API_BOOK, strlen(API_BOOK), 0, &rb, &err), KP_INVALID_ARGUMENT);
    CHECK(err && kp_error_status(err) == KP_INVALID_ARGUMENT && kp_error_kind(err) == 0, "argument error");
    kp_error_free(err);
    err = NULL;
    CHECK_STATUS(kp_rulebook_from_str(API_BOOK, strlen(API_BOOK), 3, &rb, NULL), KP_INVALID_ARGUMENT);
    CHECK(rb == NULL, "no rulebook on failure");

    /* The length is the length: text after it is not read (no NUL needed). */
    size_t cut = (size_t)(strstr(API_BOOK, "[inputs]") - API_BOOK);
    CHECK_STATUS(kp_rulebook_from_str(API_BOOK, cut, KP_FORMAT_TOML, &rb, &err), KP_LOAD_ERROR);
    kp_error_free(err);
    err = NULL;

    /* Every problem, each with its place. */
    CHECK_STATUS(kp_rulebook_from_str(BAD_BOOK, strlen(BAD_BOOK), KP_FORMAT_TOML, &rb, &err), KP_LOAD_ERROR);
    CHECK(kp_error_count(err) >= 2, "both problems: %zu: %s", kp_error_count(err), kp_error_message(err));
    int band = 0, unknown = 0;
    for (size_t i = 0; i < kp_error_count(err); i++) {
        kp_problem p;
        CHECK_STATUS(kp_error_problem(err, i, &p), KP_OK);
        band |= p.kind == KP_KIND_BAND_ORDER;
        unknown |= p.kind == KP_KIND_UNKNOWN_NAME;
        CHECK(p.message && *p.message, "problem %zu has a message", i);
        CHECK(p.line > 0 || p.path, "problem %zu has a place", i);
        CHECK(p.field == NULL && p.at == NULL, "load problems have no record places");
    }
    CHECK(band && unknown, "BandOrder and UnknownName in: %s", kp_error_message(err));
    kp_problem p = {0};
    p.kind = -7;
    CHECK_STATUS(kp_error_problem(err, kp_error_count(err), &p), KP_NOT_FOUND);
    CHECK(p.kind == -7, "problem written on failure");
    CHECK(kp_error_rulebook(err) && strcmp(kp_error_rulebook(err), "t.bad") == 0, "rulebook id in the error");
    char *json = NULL;
    size_t len = 0;
    CHECK_STATUS(kp_error_to_json(err, &json, &len), KP_OK);
    char error[128];
    jval *j = json ? json_parse(json, len, error) : NULL;
    CHECK(j && json_get(j, "problems") && json_get(j, "problems")->count == kp_error_count(err),
          "error JSON lists every problem: %s", json);
    CHECK(j && strcmp(json_get(j, "status_name")->text, "KP_LOAD_ERROR") == 0, "error JSON status");
    json_free(j);
    kp_string_free(json);
    kp_error_free(err);
    err = NULL;

    /* Files: found, missing (kind Io), and components next to the file. */
    char path[512];
    snprintf(path, sizeof path, "%s/api.toml", tmp);
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL, "cannot write %s", path);
    if (f) {
        fputs(API_BOOK, f);
        fclose(f);
    }
    CHECK_STATUS(kp_rulebook_from_file(path, &rb, &err), KP_OK);
    kp_rulebook_free(rb);
    rb = NULL;
    snprintf(path, sizeof path, "%s/missing.toml", tmp);
    CHECK_STATUS(kp_rulebook_from_file(path, &rb, &err), KP_LOAD_ERROR);
    CHECK(kp_error_kind(err) == KP_KIND_IO, "missing file: kind %d", kp_error_kind(err));
    if (kp_error_count(err) > 0) {
        CHECK_STATUS(kp_error_problem(err, 0, &p), KP_OK);
        CHECK(p.file && strstr(p.file, "missing.toml"), "problem names the file");
    }
    kp_error_free(err);
    err = NULL;

    /* A loader: components by reference and by search directory. */
    const char *parent = "[rulebook]\nid = \"t.parent\"\nversion = \"1\"\n"
                         "[[indicator]]\nid = \"all\"\nlabel = \"api\"\npoints = 100\n"
                         "component = { rulebook = \"t.api\" }\n";
    kp_loader *loader = NULL;
    CHECK_STATUS(kp_loader_new(&loader), KP_OK);
    CHECK_STATUS(kp_loader_from_str(loader, parent, strlen(parent), KP_FORMAT_TOML, &rb, &err), KP_LOAD_ERROR);
    kp_error_free(err);
    err = NULL;
    CHECK_STATUS(kp_loader_search(loader, tmp), KP_OK);
    snprintf(path, sizeof path, "%s/t.api.toml", tmp);
    f = fopen(path, "wb");
    if (f) {
        fputs(API_BOOK, f);
        fclose(f);
    }
    CHECK_STATUS(kp_loader_from_str(loader, parent, strlen(parent), KP_FORMAT_TOML, &rb, &err), KP_OK);
    if (err) fprintf(stderr, "%s\n", kp_error_message(err));
    kp_rulebook_free(rb);
    rb = NULL;
    kp_loader_free(loader);
    loader = NULL;
    CHECK_STATUS(kp_loader_new(&loader), KP_OK);
    kp_rulebook *api = load_api();
    CHECK_STATUS(kp_loader_add(loader, api), KP_OK);
    kp_rulebook_free(api);
    snprintf(path, sizeof path, "%s/parent.toml", tmp);
    f = fopen(path, "wb");
    if (f) {
        fputs(parent, f);
        fclose(f);
    }
    CHECK_STATUS(kp_loader_from_file(loader, path, &rb, &err), KP_OK);
    kp_rulebook_free(rb);
    kp_loader_free(loader);

    /* Introspection. */
    rb = load_api();
    CHECK(strcmp(kp_rulebook_title(rb), "接口测试") == 0 && strcmp(kp_rulebook_version(rb), "3") == 0,
          "title and version");
    CHECK(strlen(kp_rulebook_fingerprint(rb)) == 64, "fingerprint %s", kp_rulebook_fingerprint(rb));
    kp_input_type ty = 0;
    CHECK_STATUS(kp_rulebook_input_type(rb, "count", &ty), KP_OK);
    CHECK(ty == KP_INPUT_INTEGER, "count is an integer input: %d", ty);
    CHECK_STATUS(kp_rulebook_input_type(rb, "marks", &ty), KP_OK);
    CHECK(ty == KP_INPUT_NUMBERS, "marks is numbers: %d", ty);
    ty = -1;
    CHECK_STATUS(kp_rulebook_input_type(rb, "nosuch", &ty), KP_NOT_FOUND);
    CHECK(ty == -1, "output written on failure");
    CHECK_STATUS(kp_rulebook_item_field_type(rb, "papers", "year", &ty), KP_OK);
    CHECK(ty == KP_INPUT_INTEGER, "papers.year is an integer: %d", ty);
    CHECK_STATUS(kp_rulebook_item_field_type(rb, "papers", "nosuch", &ty), KP_NOT_FOUND);
    json = NULL;
    CHECK_STATUS(kp_rulebook_describe_json(rb, &json, &len), KP_OK);
    j = json ? json_parse(json, len, error) : NULL;
    CHECK(j && json_get(j, "inputs")->count == 7 && json_get(j, "indicators")->count == 5,
          "describe lists inputs and indicators: %s", json);
    json_free(j);
    kp_string_free(json);
    kp_rulebook_free(rb);
}

static void test_scoring(void) {
    kp_rulebook *rb = load_api();
    kp_record *rec = api_record(rb, "甲", "50", 7);
    kp_result *res = NULL;
    kp_error *err = NULL;
    CHECK_STATUS(kp_score(rb, rec, NULL, &res, &err), KP_OK);
    CHECK(err == NULL, "err written on success");
    char *s = NULL;
    check_string(kp_result_total(res, &s), &s, KP_OK, "37.00", "total"); /* 30 + 7 */
    s = NULL;
    check_string(kp_result_max(res, &s), &s, KP_OK, "100.00", "max");
    s = NULL;
    check_string(kp_result_grade(res, &s), &s, KP_OK, "差", "grade");
    s = NULL;
    check_string(kp_result_key(res, &s), &s, KP_OK, "甲", "key");
    s = NULL;
    check_string(kp_result_profile(res, &s), &s, KP_NO_VALUE, NULL, "profile");
    s = NULL;
    check_string(kp_result_points(res, "rate", &s), &s, KP_OK, "30.00", "points.rate");
    s = NULL;
    check_string(kp_result_points(res, "extra", &s), &s, KP_OK, "0.00", "points.extra (no data)");
    s = NULL;
    check_string(kp_result_points(res, "nosuch", &s), &s, KP_NOT_FOUND, NULL, "points.nosuch");
    {
        /* Left out (applies = "ok" is false): no points at all. */
        kp_result *left = NULL;
        CHECK_STATUS(kp_record_set_bool(rec, "ok", false), KP_OK);
        CHECK_STATUS(kp_score(rb, rec, NULL, &left, NULL), KP_OK);
        s = NULL;
        check_string(kp_result_points(left, "extra", &s), &s, KP_NO_VALUE, NULL, "points.extra (left out)");
        kp_result_free(left);
        CHECK_STATUS(kp_record_unset(rec, "ok"), KP_OK);
    }
    bool passed = true;
    CHECK_STATUS(kp_result_passed(res, &passed), KP_NO_VALUE);
    CHECK(passed == true, "output written on failure");
    char *text = NULL;
    size_t len = 0;
    CHECK_STATUS(kp_result_explain(res, KP_LANG_ZH, &text, &len), KP_OK);
    CHECK(text && strstr(text, "总分 37.00") && len == strlen(text), "zh explanation: %s", text);
    kp_string_free(text);
    text = NULL;
    CHECK_STATUS(kp_result_explain(res, KP_LANG_EN, &text, NULL), KP_OK);
    CHECK(text && strstr(text, "total 37.00"), "en explanation: %s", text);
    kp_string_free(text);
    text = NULL;
    CHECK_STATUS(kp_result_explain(res, 0, &text, NULL), KP_INVALID_ARGUMENT);
    CHECK(text == NULL, "output written on failure");
    CHECK_STATUS(kp_result_to_json(res, &text, &len), KP_OK);
    CHECK(text && strstr(text, "\"schema\":\"kaoping.result/2\"") && len == strlen(text), "result JSON");
    char *typed_json = text;

    /* The same record as JSON, and as cells, gives the same result. */
    const char *rec_json = "{\"name\": \"甲\", \"rate\": 50, \"count\": 7}";
    kp_result *res2 = NULL;
    CHECK_STATUS(kp_score_json(rb, rec_json, strlen(rec_json), NULL, &res2, &err), KP_OK);
    text = NULL;
    CHECK_STATUS(kp_result_to_json(res2, &text, NULL), KP_OK);
    CHECK(text && strcmp(text, typed_json) == 0, "typed and JSON results differ:\n%s\n%s", typed_json, text);
    kp_string_free(text);
    kp_result_free(res2);
    kp_record *cells = NULL;
    CHECK_STATUS(kp_record_new(rb, &cells), KP_OK);
    CHECK_STATUS(kp_record_set_cell(cells, "name", "甲"), KP_OK);
    CHECK_STATUS(kp_record_set_cell(cells, "rate", "５０"), KP_OK); /* full-width, as spreadsheets have */
    CHECK_STATUS(kp_record_set_cell(cells, "count", "7.0"), KP_OK);
    CHECK_STATUS(kp_record_set_cell(cells, "ok", " "), KP_OK); /* blank: missing */
    res2 = NULL;
    CHECK_STATUS(kp_score(rb, cells, NULL, &res2, &err), KP_OK);
    text = NULL;
    CHECK_STATUS(kp_result_to_json(res2, &text, NULL), KP_OK);
    CHECK(text && strcmp(text, typed_json) == 0, "typed and cell results differ:\n%s\n%s", typed_json, text);
    kp_string_free(text);
    kp_result_free(res2);
    kp_record_free(cells);
    kp_string_free(typed_json);
    kp_result_free(res);
    res = NULL;

    /* Doubles by shortest text: 0.1 + 0.2 style values stay exact. */
    kp_record *d = api_record(rb, "乙", "0", 0);
    CHECK_STATUS(kp_record_set_double(d, "rate", 33.3), KP_OK);
    CHECK_STATUS(kp_score(rb, d, NULL, &res, &err), KP_OK);
    s = NULL;
    check_string(kp_result_points(res, "rate", &s), &s, KP_OK, "19.98", "points from a double 33.3");
    kp_result_free(res);
    res = NULL;
    CHECK_STATUS(kp_record_set_double(d, "rate", NAN), KP_INVALID_NUMBER);
    CHECK_STATUS(kp_record_set_double(d, "rate", INFINITY), KP_INVALID_NUMBER);
    CHECK_STATUS(kp_record_set_double(d, "rate", -INFINITY), KP_INVALID_NUMBER);
    CHECK_STATUS(kp_record_set_double(d, "rate", 1e30), KP_INVALID_NUMBER);
    CHECK_STATUS(kp_record_set_decimal(d, "rate", "12,5"), KP_INVALID_NUMBER);
    CHECK_STATUS(kp_record_set_decimal(d, "rate", "abc"), KP_INVALID_NUMBER);
    CHECK_STATUS(kp_record_set_decimal(d, "rate", "1e40"), KP_INVALID_NUMBER);
    /* The refused values left the last good one in place. */
    CHECK_STATUS(kp_score(rb, d, NULL, &res, &err), KP_OK);
    s = NULL;
    check_string(kp_result_points(res, "rate", &s), &s, KP_OK, "19.98", "refused values set nothing");
    kp_result_free(res);
    res = NULL;

    /* Lists and items; wrong types. */
    CHECK_STATUS(kp_record_start_list(d, "marks"), KP_OK);
    CHECK_STATUS(kp_record_add_number(d, "marks", "8.5"), KP_OK);
    CHECK_STATUS(kp_record_add_number(d, "marks", "9"), KP_OK);
    CHECK_STATUS(kp_record_add_number(d, "marks", "x"), KP_INVALID_NUMBER);
    CHECK_STATUS(kp_record_add_number(d, "rate", "1"), KP_WRONG_TYPE);
    CHECK_STATUS(kp_record_start_list(d, "rate"), KP_WRONG_TYPE);
    kp_item *paper = NULL;
    CHECK_STATUS(kp_item_new(&paper), KP_OK);
    CHECK_STATUS(kp_item_set_text(paper, "title", "论文"), KP_OK);
    CHECK_STATUS(kp_item_set_int(paper, "year", 2019), KP_OK);
    CHECK_STATUS(kp_item_set_decimal(paper, "weight", "1.5"), KP_OK);
    CHECK_STATUS(kp_item_set_bool(paper, "refereed", true), KP_OK);
    CHECK_STATUS(kp_item_set_decimal(paper, "weight", "x"), KP_INVALID_NUMBER);
    CHECK_STATUS(kp_record_add_item(d, "papers", paper), KP_OK);
    CHECK_STATUS(kp_record_add_item(d, "papers", paper), KP_OK); /* a copy each time */
    CHECK_STATUS(kp_record_add_item(d, "marks", paper), KP_WRONG_TYPE);
    kp_item_free(paper);
    CHECK_STATUS(kp_score(rb, d, NULL, &res, &err), KP_OK);
    s = NULL;
    check_string(kp_result_points(res, "marks", &s), &s, KP_OK, "2.00", "two marks");
    s = NULL;
    check_string(kp_result_points(res, "papers", &s), &s, KP_OK, "2.00", "two papers");
    kp_result_free(res);
    res = NULL;

    /* Unknown fields: reported, ignored, and warned about in the result. */
    CHECK_STATUS(kp_record_set_int(d, "cuont", 3), KP_UNKNOWN_FIELD);
    CHECK_STATUS(kp_record_unset(d, "cuont"), KP_UNKNOWN_FIELD);
    CHECK_STATUS(kp_record_add_number(d, "mraks", "1"), KP_UNKNOWN_FIELD);
    CHECK_STATUS(kp_score(rb, d, NULL, &res, &err), KP_OK);
    text = NULL;
    CHECK_STATUS(kp_result_to_json(res, &text, NULL), KP_OK);
    CHECK(text && strstr(text, "cuont") && strstr(text, "\"warnings\""), "unknown field warned: %s", text);
    kp_string_free(text);
    kp_result_free(res);
    res = NULL;

    /* Record errors: every issue, with its field. */
    CHECK_STATUS(kp_record_unset(d, "count"), KP_OK);
    CHECK_STATUS(kp_record_set_decimal(d, "rate", "101"), KP_OK);
    CHECK_STATUS(kp_score(rb, d, NULL, &res, &err), KP_RECORD_ERROR);
    CHECK(res == NULL, "result written on failure");
    CHECK(kp_error_status(err) == KP_RECORD_ERROR && kp_error_count(err) == 2, "two issues: %s",
          kp_error_message(err));
    kp_problem p;
    CHECK_STATUS(kp_error_problem(err, 0, &p), KP_OK);
    CHECK(p.kind == KP_KIND_INPUT_OUT_OF_RANGE && p.field && strcmp(p.field, "rate") == 0 && p.value &&
              strcmp(p.value, "101") == 0,
          "first issue: kind %d field %s value %s", p.kind, p.field, p.value);
    CHECK_STATUS(kp_error_problem(err, 1, &p), KP_OK);
    CHECK(p.kind == KP_KIND_MISSING_INPUT && p.field && strcmp(p.field, "count") == 0, "second issue");
    CHECK(kp_error_key(err) && strcmp(kp_error_key(err), "乙") == 0, "the record's key");
    kp_error_free(err);
    err = NULL;
    /* Clearing makes the record new again. */
    CHECK_STATUS(kp_record_clear(d), KP_OK);
    CHECK_STATUS(kp_score(rb, d, NULL, &res, &err), KP_RECORD_ERROR);
    CHECK(kp_error_count(err) == 3, "cleared record misses name, rate, count: %s", kp_error_message(err));
    kp_error_free(err);
    err = NULL;
    kp_record_free(d);

    /* JSON records that are not JSON, or not objects. */
    CHECK_STATUS(kp_score_json(rb, "{\"rate\": ", 9, NULL, &res, &err), KP_RECORD_ERROR);
    CHECK(kp_error_kind(err) == KP_KIND_SYNTAX, "bad JSON kind %d", kp_error_kind(err));
    kp_error_free(err);
    err = NULL;
    CHECK_STATUS(kp_score_json(rb, "[1]", 3, NULL, &res, &err), KP_RECORD_ERROR);
    CHECK(kp_error_kind(err) == KP_KIND_INPUT_TYPE, "array kind %d", kp_error_kind(err));
    kp_error_free(err);
    err = NULL;

    /* Records and results outlive their rulebook. */
    CHECK_STATUS(kp_score(rb, rec, NULL, &res, NULL), KP_OK);
    kp_rulebook_free(rb);
    s = NULL;
    check_string(kp_result_total(res, &s), &s, KP_OK, "37.00", "result after its rulebook is freed");
    kp_result_free(res);
    kp_record_free(rec);

    /* A criteria-only rulebook: no total, no grade; passed. */
    CHECK_STATUS(kp_rulebook_from_str(CRITERIA_ONLY, strlen(CRITERIA_ONLY), KP_FORMAT_TOML, &rb, NULL), KP_OK);
    CHECK_STATUS(kp_score_json(rb, "{\"income\": \"3747.01\"}", 21, NULL, &res, NULL), KP_OK);
    s = NULL;
    check_string(kp_result_total(res, &s), &s, KP_NO_VALUE, NULL, "criteria-only total");
    s = NULL;
    check_string(kp_result_grade(res, &s), &s, KP_NO_VALUE, NULL, "criteria-only grade");
    s = NULL;
    check_string(kp_result_key(res, &s), &s, KP_OK, "1", "no key_field: the row number, 1 when alone");
    passed = false;
    CHECK_STATUS(kp_result_passed(res, &passed), KP_OK);
    CHECK(passed, "income above the line passes");
    kp_result_free(res);
    kp_rulebook_free(rb);
}

static void test_options(void) {
    kp_rulebook *county = load_county();
    const char *rec = "{\"county\": \"示例县\", \"region\": \"凉山彝区\", \"population\": 100000, "
                      "\"poor_population\": 3000, \"income_growth\": \"6\", \"sampled\": 320, "
                      "\"satisfied\": 266, \"expert_marks\": [\"7\", \"8\", \"9\", \"6\", \"10\"]}";
    kp_options *o = NULL;
    CHECK_STATUS(kp_options_new(&o), KP_OK);
    kp_result *res = NULL;
    char *s = NULL;
    CHECK_STATUS(kp_score_json(county, rec, strlen(rec), o, &res, NULL), KP_OK);
    check_string(kp_result_profile(res, &s), &s, KP_OK, "凉山彝区", "the record's own profile");
    kp_result_free(res);
    res = NULL;
    CHECK_STATUS(kp_options_set_profile(o, "片区外"), KP_OK);
    CHECK_STATUS(kp_score_json(county, rec, strlen(rec), o, &res, NULL), KP_OK);
    s = NULL;
    check_string(kp_result_profile(res, &s), &s, KP_OK, "片区外", "the call's profile");
    kp_result_free(res);
    res = NULL;
    CHECK_STATUS(kp_options_set_profile(o, "火星"), KP_OK);
    kp_error *err = NULL;
    CHECK_STATUS(kp_score_json(county, rec, strlen(rec), o, &res, &err), KP_RECORD_ERROR);
    CHECK(kp_error_kind(err) == KP_KIND_UNKNOWN_PROFILE, "unknown profile: %d", kp_error_kind(err));
    kp_error_free(err);
    err = NULL;
    CHECK_STATUS(kp_options_set_profile(o, NULL), KP_OK);
    CHECK_STATUS(kp_options_set_as_of(o, "2019-02-30"), KP_INVALID_ARGUMENT);
    CHECK_STATUS(kp_options_set_as_of(o, "yesterday"), KP_INVALID_ARGUMENT);
    CHECK_STATUS(kp_options_set_as_of(o, "2020-06-30"), KP_OK);
    CHECK_STATUS(kp_score_json(county, rec, strlen(rec), o, &res, NULL), KP_OK);
    char *json = NULL;
    CHECK_STATUS(kp_result_to_json(res, &json, NULL), KP_OK);
    CHECK(json && strstr(json, "\"as_of\":\"2020-06-30\""), "as_of from options");
    kp_string_free(json);
    kp_result_free(res);
    res = NULL;
    CHECK_STATUS(kp_options_set_as_of(o, NULL), KP_OK);
    CHECK_STATUS(kp_options_set_encoding(o, 7), KP_INVALID_ARGUMENT);
    CHECK_STATUS(kp_options_set_encoding(o, KP_ENCODING_UTF8), KP_OK);
    CHECK_STATUS(kp_options_set_encoding(o, KP_ENCODING_AUTO), KP_OK);
    kp_rulebook_free(county);

    /* Cohort figures for a relative rule scored alone. */
    kp_rulebook *rel = NULL;
    CHECK_STATUS(kp_rulebook_from_str(RELATIVE_BOOK, strlen(RELATIVE_BOOK), KP_FORMAT_TOML, &rel, NULL), KP_OK);
    CHECK_STATUS(kp_score_json(rel, "{\"output\": 5}", 13, o, &res, &err), KP_RECORD_ERROR);
    CHECK(kp_error_kind(err) == KP_KIND_COHORT_REQUIRED, "no cohort: %d", kp_error_kind(err));
    kp_error_free(err);
    err = NULL;
    CHECK_STATUS(kp_options_set_cohort_best(o, "up", NULL, "8"), KP_OK);
    CHECK_STATUS(kp_options_set_cohort_best(o, "up", NULL, "eight"), KP_INVALID_NUMBER);
    CHECK_STATUS(kp_score_json(rel, "{\"output\": 5}", 13, o, &res, &err), KP_OK);
    s = NULL;
    check_string(kp_result_total(res, &s), &s, KP_OK, "6.25", "5 / 8 of 10 points");
    kp_result_free(res);
    kp_rulebook_free(rel);
    kp_options_free(o);
}

static void test_batches(void) {
    kp_rulebook *rb = load_api();
    /* JSON: a bad element fails its own row only. */
    const char *rows = "[{\"name\": \"a\", \"rate\": 90, \"count\": 20},"
                       " 7,"
                       " {\"name\": \"c\", \"rate\": 50, \"count\": 7},"
                       " {\"name\": \"d\", \"rate\": \"x\", \"count\": 1},"
                       " {\"name\": \"e\", \"rate\": 50, \"count\": 7},"
                       " {\"name\": \"f\", \"rate\": 0, \"count\": 0, \"ok\": false}]";
    kp_batch *b = NULL;
    kp_error *err = NULL;
    CHECK_STATUS(kp_score_batch_json(rb, rows, strlen(rows), NULL, &b, &err), KP_OK);
    CHECK(kp_batch_len(b) == 6, "6 rows: %zu", kp_batch_len(b));
    size_t ok = 0, failed = 0;
    CHECK_STATUS(kp_batch_counts(b, &ok, &failed), KP_OK);
    CHECK(ok == 4 && failed == 2, "4 ok, 2 failed: %zu, %zu", ok, failed);
    char *s = NULL;
    check_string(kp_batch_row_total(b, 0, &s), &s, KP_OK, "74.00", "row 1 total");
    s = NULL;
    check_string(kp_batch_row_grade(b, 0, &s), &s, KP_OK, "好", "row 1 grade");
    s = NULL;
    check_string(kp_batch_row_points(b, 2, "rate", &s), &s, KP_OK, "30.00", "row 3 rate");
    s = NULL;
    check_string(kp_batch_row_points(b, 2, "extra", &s), &s, KP_OK, "0.00", "row 3 extra (no data)");
    s = NULL;
    check_string(kp_batch_row_points(b, 5, "extra", &s), &s, KP_NO_VALUE, NULL, "row 6 extra (left out)");
    s = NULL;
    check_string(kp_batch_row_points(b, 2, "nosuch", &s), &s, KP_NOT_FOUND, NULL, "row 3 nosuch");
    s = NULL;
    check_string(kp_batch_row_total(b, 1, &s), &s, KP_RECORD_ERROR, NULL, "row 2 failed");
    s = NULL;
    check_string(kp_batch_row_total(b, 6, &s), &s, KP_NOT_FOUND, NULL, "row 7 does not exist");
    s = NULL;
    check_string(kp_batch_row_key(b, 1, &s), &s, KP_OK, "2", "a failed row's key is its row number");
    s = NULL;
    check_string(kp_batch_row_key(b, 3, &s), &s, KP_OK, "d", "key");
    uint32_t rank = 0;
    CHECK_STATUS(kp_batch_row_rank(b, 0, &rank), KP_OK);
    CHECK(rank == 1, "rank %u", rank);
    CHECK_STATUS(kp_batch_row_rank(b, 2, &rank), KP_OK);
    CHECK(rank == 2, "rank %u", rank);
    CHECK_STATUS(kp_batch_row_rank(b, 4, &rank), KP_OK);
    CHECK(rank == 2, "tied rank %u", rank);
    CHECK_STATUS(kp_batch_row_rank(b, 3, &rank), KP_RECORD_ERROR);
    CHECK_STATUS(kp_batch_row_profile_rank(b, 0, &rank), KP_NO_VALUE);
    size_t line = 0;
    CHECK_STATUS(kp_batch_row_line(b, 0, &line), KP_NO_VALUE);
    bool passed;
    CHECK_STATUS(kp_batch_row_passed(b, 0, &passed), KP_NO_VALUE);
    kp_result *res = NULL;
    CHECK_STATUS(kp_batch_row(b, 1, &res, &err), KP_RECORD_ERROR);
    CHECK(res == NULL && kp_error_row(err) == 2 && kp_error_kind(err) == KP_KIND_INPUT_TYPE,
          "row 2: not an object: row %zu kind %d", kp_error_row(err), kp_error_kind(err));
    kp_error_free(err);
    err = NULL;
    CHECK_STATUS(kp_batch_row(b, 3, &res, &err), KP_RECORD_ERROR);
    CHECK(kp_error_row(err) == 4 && kp_error_key(err) && strcmp(kp_error_key(err), "d") == 0, "row 4's error");
    kp_error_free(err);
    err = NULL;
    CHECK_STATUS(kp_batch_row(b, 9, &res, &err), KP_NOT_FOUND);
    kp_error_free(err);
    err = NULL;
    CHECK_STATUS(kp_batch_row(b, 2, &res, &err), KP_OK);
    s = NULL;
    check_string(kp_result_key(res, &s), &s, KP_OK, "c", "row 3 result key");
    kp_result_free(res);
    char *json = NULL;
    size_t len = 0;
    CHECK_STATUS(kp_batch_summary_json(b, &json, &len), KP_OK);
    char error[128];
    jval *j = json ? json_parse(json, len, error) : NULL;
    CHECK(j && strcmp(json_get(j, "failed")->text, "2") == 0, "summary: %s", json);
    const jval *errors = json_get(j, "errors");
    CHECK(errors && errors->count == 1 && strcmp(errors->items[0].items[0].text, "InputType") == 0 &&
              strcmp(errors->items[0].items[1].text, "2") == 0,
          "both failures counted by their own kind: %s", json);
    json_free(j);
    kp_string_free(json);
    json = NULL;
    CHECK_STATUS(kp_batch_to_json(b, &json, &len), KP_OK);
    j = json ? json_parse(json, len, error) : NULL;
    CHECK(j && j->type == J_ARRAY && j->count == 6, "an array of 6 rows");
    if (j && j->count == 6) {
        CHECK(json_get(&j->items[0], "ok")->boolean && json_get(&j->items[0], "result"), "row 1 result");
        CHECK(!json_get(&j->items[1], "ok")->boolean && json_get(&j->items[1], "error"), "row 2 error");
        CHECK(strcmp(json_get(&j->items[4], "rank")->text, "2") == 0, "row 5 rank");
    }
    json_free(j);
    kp_string_free(json);
    kp_batch_free(b);
    b = NULL;

    /* A text that is not an array of records fails as a whole. */
    CHECK_STATUS(kp_score_batch_json(rb, "{}", 2, NULL, &b, &err), KP_TABLE_ERROR);
    CHECK(b == NULL && kp_error_status(err) == KP_TABLE_ERROR, "not an array");
    kp_error_free(err);
    err = NULL;
    CHECK_STATUS(kp_score_batch_json(rb, "[", 1, NULL, &b, &err), KP_TABLE_ERROR);
    CHECK(kp_error_kind(err) == KP_KIND_SYNTAX, "not JSON: %d", kp_error_kind(err));
    kp_error_free(err);
    err = NULL;

    /* Typed batches agree with single scoring, sequential or parallel. */
    kp_record *recs[3] = {api_record(rb, "x", "10", 1), api_record(rb, "y", "100", 20), api_record(rb, "z", "55.5", 3)};
    kp_options *o = NULL;
    CHECK_STATUS(kp_options_new(&o), KP_OK);
    for (int parallel = 0; parallel < 2; parallel++) {
        CHECK_STATUS(kp_options_set_parallel(o, parallel), KP_OK);
        CHECK_STATUS(kp_score_batch(rb, (const kp_record *const *)recs, 3, o, &b, NULL), KP_OK);
        for (size_t i = 0; i < 3; i++) {
            kp_result *one = NULL;
            char *a = NULL, *c = NULL;
            CHECK_STATUS(kp_score(rb, recs[i], NULL, &one, NULL), KP_OK);
            CHECK_STATUS(kp_result_total(one, &a), KP_OK);
            CHECK_STATUS(kp_batch_row_total(b, i, &c), KP_OK);
            CHECK(a && c && strcmp(a, c) == 0, "row %zu: batch %s, alone %s", i, c, a);
            kp_string_free(a);
            kp_string_free(c);
            kp_result_free(one);
        }
        kp_batch_free(b);
        b = NULL;
    }
    const kp_record *with_null[2] = {recs[0], NULL};
    CHECK_STATUS(kp_score_batch(rb, with_null, 2, NULL, &b, &err), KP_NULL_ARGUMENT);
    CHECK(b == NULL && strstr(kp_error_message(err), "records[1]"), "names the NULL record: %s",
          kp_error_message(err));
    kp_error_free(err);
    err = NULL;
    CHECK_STATUS(kp_score_batch(rb, (const kp_record *const *)recs, 0, NULL, &b, NULL), KP_OK);
    CHECK(kp_batch_len(b) == 0, "an empty batch");
    kp_batch_free(b);
    for (int i = 0; i < 3; i++) kp_record_free(recs[i]);
    kp_options_free(o);
    kp_rulebook_free(rb);
}

static void test_csv(void) {
    kp_rulebook *county = load_county();
    /* Labels or names in the header, a ragged line, a bad cell, an unknown column. */
    const char *csv = "县名,片区,户籍人口,建档立卡贫困人口,income_growth,抽样户数,认可户数,专家评分,备注\n"
                      "甲县,凉山彝区,100000,3000,6,320,266,7;8;9;6;10,\n"
                      "乙县,片区外,250000\n"
                      "丙县,片区外,80000,900,九,200,190,8,\n"
                      "丁县,秦巴山区,８００００,900,9,200,190,8;9;9,无\n";
    kp_batch *b = NULL;
    kp_error *err = NULL;
    CHECK_STATUS(kp_score_csv(county, csv, strlen(csv), NULL, &b, &err), KP_OK);
    CHECK(kp_batch_len(b) == 4, "4 rows: %zu", kp_batch_len(b));
    char *s = NULL;
    /* The first county scores as the same county does through JSON. */
    const char *rec = "{\"county\": \"甲县\", \"region\": \"凉山彝区\", \"population\": 100000, "
                      "\"poor_population\": 3000, \"income_growth\": \"6\", \"sampled\": 320, "
                      "\"satisfied\": 266, \"expert_marks\": [\"7\", \"8\", \"9\", \"6\", \"10\"]}";
    kp_result *res = NULL;
    CHECK_STATUS(kp_score_json(county, rec, strlen(rec), NULL, &res, NULL), KP_OK);
    char *want = NULL;
    CHECK_STATUS(kp_result_total(res, &want), KP_OK);
    kp_result_free(res);
    check_string(kp_batch_row_total(b, 0, &s), &s, KP_OK, want, "CSV row 1 total equals its JSON total");
    kp_string_free(want);
    size_t line = 0;
    CHECK_STATUS(kp_batch_row_line(b, 1, &line), KP_OK);
    CHECK(line == 3, "row 2 is on line 3: %zu", line);
    res = NULL;
    CHECK_STATUS(kp_batch_row(b, 1, &res, &err), KP_RECORD_ERROR);
    CHECK(kp_error_row(err) == 2 && strstr(kp_error_message(err), "line 3"), "ragged line: %s",
          kp_error_message(err));
    kp_error_free(err);
    err = NULL;
    CHECK_STATUS(kp_batch_row(b, 2, &res, &err), KP_RECORD_ERROR);
    kp_problem p;
    CHECK_STATUS(kp_error_problem(err, 0, &p), KP_OK);
    CHECK(p.kind == KP_KIND_INPUT_TYPE && strcmp(p.field, "income_growth") == 0, "bad cell: %s",
          kp_error_message(err));
    kp_error_free(err);
    err = NULL;
    s = NULL;
    check_string(kp_batch_row_total(b, 3, &s), &s, KP_OK, NULL, "full-width digits read");
    char *json = NULL;
    CHECK_STATUS(kp_batch_summary_json(b, &json, NULL), KP_OK);
    CHECK(json && strstr(json, "\"ignored_columns\":[\"备注\"]") && strstr(json, "\"encoding\":\"utf-8\""),
          "table information in the summary: %s", json);
    kp_string_free(json);
    json = NULL;
    CHECK_STATUS(kp_batch_to_json(b, &json, NULL), KP_OK);
    CHECK(json && strstr(json, "\"line\":5"), "CSV rows carry their lines");
    kp_string_free(json);
    kp_batch_free(b);
    b = NULL;

    /* GB18030 bytes (as Chinese spreadsheets save CSV) are detected, or named. */
    const char gb[] = "county,region,population,poor_population,income_growth,sampled,satisfied\n"
                      "\xbc\xd7\xcf\xd8,\xc6\xac\xc7\xf8\xcd\xe2,250000,4100,11.5,400,371\n";
    CHECK_STATUS(kp_score_csv(county, gb, sizeof gb - 1, NULL, &b, NULL), KP_OK);
    s = NULL;
    check_string(kp_batch_row_key(b, 0, &s), &s, KP_OK, "甲县", "GB18030 key decoded");
    json = NULL;
    CHECK_STATUS(kp_batch_summary_json(b, &json, NULL), KP_OK);
    CHECK(json && strstr(json, "\"encoding\":\"gb18030\""), "encoding detected: %s", json);
    kp_string_free(json);
    kp_batch_free(b);
    b = NULL;
    kp_options *o = NULL;
    CHECK_STATUS(kp_options_new(&o), KP_OK);
    CHECK_STATUS(kp_options_set_encoding(o, KP_ENCODING_UTF8), KP_OK);
    CHECK_STATUS(kp_score_csv(county, gb, sizeof gb - 1, o, &b, &err), KP_TABLE_ERROR);
    CHECK(b == NULL && kp_error_kind(err) == KP_KIND_SYNTAX, "GB18030 bytes read as UTF-8: %s",
          kp_error_message(err));
    kp_error_free(err);
    err = NULL;
    kp_options_free(o);

    /* Tables that cannot be read at all. */
    const char *unterminated = "county,region\n\"甲县,片区外\n";
    CHECK_STATUS(kp_score_csv(county, unterminated, strlen(unterminated), NULL, &b, &err), KP_TABLE_ERROR);
    kp_problem q;
    CHECK_STATUS(kp_error_problem(err, 0, &q), KP_OK);
    CHECK(q.line > 0, "the table error has its line");
    kp_error_free(err);
    err = NULL;
    const char *twice = "county,县名\n甲县,甲县\n";
    CHECK_STATUS(kp_score_csv(county, twice, strlen(twice), NULL, &b, &err), KP_TABLE_ERROR);
    CHECK(kp_error_kind(err) == KP_KIND_SCHEMA, "two columns for one input: %d", kp_error_kind(err));
    kp_error_free(err);
    kp_rulebook_free(county);
}

/* NULL for every pointer argument: KP_NULL_ARGUMENT, outputs untouched; value-returning functions
 * give their documented default. Optional arguments (options, err, out_len, profile and date
 * resets, the cohort profile) take NULL. */
/* A profile given for a whole call (kp_options_set_profile) that the rulebook does not declare
 * refuses the call before any row is read or scored, in every scoring function alike:
 * KP_RECORD_ERROR, kind KP_KIND_UNKNOWN_PROFILE, naming the profile and the declared ones, no
 * result or batch made (as Python raises and the command exits 2). A declared profile with
 * spaces around it is read as scoring reads it. */
static void test_call_profile(void) {
    kp_rulebook *county = load_county();
    kp_record *rec = NULL;
    CHECK_STATUS(kp_record_new(county, &rec), KP_OK);
    CHECK_STATUS(kp_record_set_text(rec, "county", "甲县"), KP_OK);
    CHECK_STATUS(kp_record_set_text(rec, "region", "凉山彝区"), KP_OK);
    CHECK_STATUS(kp_record_set_int(rec, "population", 100000), KP_OK);
    CHECK_STATUS(kp_record_set_int(rec, "poor_population", 2000), KP_OK);
    CHECK_STATUS(kp_record_set_decimal(rec, "income_growth", "9.5"), KP_OK);
    CHECK_STATUS(kp_record_set_int(rec, "sampled", 300), KP_OK);
    CHECK_STATUS(kp_record_set_int(rec, "satisfied", 285), KP_OK);
    const kp_record *records[] = {rec};
    const char *one = "{\"county\": \"甲县\", \"region\": \"凉山彝区\", \"population\": 100000, \"poor_population\": 2000, "
                      "\"income_growth\": \"9.5\", \"sampled\": 300, \"satisfied\": 285}";
    /* Not even JSON: the profile is refused before the text is read. */
    const char *broken = "[{\"county\": ";
    const char *csv = "县名,片区,户籍人口,建档立卡贫困人口,income_growth,抽样户数,认可户数\n"
                      "甲县,凉山彝区,100000,2000,9.5,300,285\n";
    kp_options *o = NULL;
    CHECK_STATUS(kp_options_new(&o), KP_OK);
    CHECK_STATUS(kp_options_set_profile(o, "火星"), KP_OK);
    const char *calls[] = {"kp_score", "kp_score_json", "kp_score_batch", "kp_score_batch_json", "kp_score_csv"};
    for (int call = 0; call < 5; call++) {
        kp_result *res = NULL;
        kp_batch *b = NULL;
        kp_error *err = NULL;
        kp_status st = KP_OK;
        switch (call) {
        case 0: st = kp_score(county, rec, o, &res, &err); break;
        case 1: st = kp_score_json(county, one, strlen(one), o, &res, &err); break;
        case 2: st = kp_score_batch(county, records, 1, o, &b, &err); break;
        case 3: st = kp_score_batch_json(county, broken, strlen(broken), o, &b, &err); break;
        default: st = kp_score_csv(county, csv, strlen(csv), o, &b, &err); break;
        }
        CHECK(st == KP_RECORD_ERROR, "%s: %s", calls[call], kp_status_str(st));
        CHECK(res == NULL && b == NULL, "%s: nothing is made", calls[call]);
        CHECK(kp_error_kind(err) == KP_KIND_UNKNOWN_PROFILE, "%s: kind %d", calls[call], kp_error_kind(err));
        const char *msg = kp_error_message(err);
        CHECK(msg && strstr(msg, "\"火星\"") &&
                  strstr(msg, "declared: 乌蒙山区, 凉山彝区, 片区外, 秦巴山区, 高原藏区"),
              "%s: the message names the profile and the declared ones: %s", calls[call], msg);
        CHECK(kp_error_row(err) == 0, "%s: the call's error, not a row's", calls[call]);
        kp_problem p;
        CHECK_STATUS(kp_error_problem(err, 0, &p), KP_OK);
        CHECK(p.value && strcmp(p.value, "火星") == 0 && p.field == NULL, "%s: value and no field", calls[call]);
        kp_error_free(err);
        kp_batch_free(b);
        kp_result_free(res);
    }
    /* A declared profile, spaces around it: every row in it (not the table's 凉山彝区), the
     * summary's totals the row's. */
    CHECK_STATUS(kp_options_set_profile(o, " 片区外 "), KP_OK);
    kp_batch *b = NULL;
    CHECK_STATUS(kp_score_csv(county, csv, strlen(csv), o, &b, NULL), KP_OK);
    kp_result *res = NULL;
    CHECK_STATUS(kp_batch_row(b, 0, &res, NULL), KP_OK);
    char *s = NULL;
    check_string(kp_result_profile(res, &s), &s, KP_OK, "片区外", "the call's profile, trimmed");
    char *total = NULL;
    CHECK_STATUS(kp_result_total(res, &total), KP_OK);
    kp_result_free(res);
    char *json = NULL;
    size_t len = 0;
    CHECK_STATUS(kp_batch_summary_json(b, &json, &len), KP_OK);
    char error[128];
    jval *j = json ? json_parse(json, len, error) : NULL;
    const jval *mean = json_get(j, "mean_total");
    const jval *high = json_get(j, "highest_total");
    CHECK(total && mean && mean->type == J_STRING && strcmp(mean->text, total) == 0 && high &&
              high->type == J_STRING && strcmp(high->text, total) == 0,
          "one row: its total is the mean and the highest (%s): %s", total, json);
    json_free(j);
    kp_string_free(json);
    kp_string_free(total);
    kp_batch_free(b);
    kp_options_free(o);
    kp_record_free(rec);
    kp_rulebook_free(county);
}

static void test_null_arguments(void) {
    kp_rulebook *rb = load_api();
    kp_record *rec = api_record(rb, "n", "50", 1);
    kp_result *res = NULL;
    CHECK_STATUS(kp_score(rb, rec, NULL, &res, NULL), KP_OK);
    kp_options *o = NULL;
    CHECK_STATUS(kp_options_new(&o), KP_OK);
    kp_item *item = NULL;
    CHECK_STATUS(kp_item_new(&item), KP_OK);
    kp_loader *loader = NULL;
    CHECK_STATUS(kp_loader_new(&loader), KP_OK);
    kp_batch *batch = NULL;
    CHECK_STATUS(kp_score_batch_json(rb, "[]", 2, NULL, &batch, NULL), KP_OK);
    kp_error *e = NULL;
    CHECK_STATUS(kp_rulebook_builtin("nope", &rb, &e), KP_LOAD_ERROR);

    kp_rulebook *out_rb = NULL;
    kp_record *out_rec = NULL;
    kp_result *out_res = NULL;
    kp_batch *out_batch = NULL;
    kp_options *out_o = NULL;
    kp_item *out_item = NULL;
    kp_loader *out_loader = NULL;
    char *str = NULL;
    size_t n = 0;
    bool flag = false;
    uint32_t u = 0;
    kp_input_type ty = 0;
    kp_problem prob;
    const char *const *ids = NULL;
    const char *json = "{}";
    const kp_record *one[1] = {rec};

    /* Loading. */
    kp_error *err = NULL;
    CHECK_STATUS(kp_rulebook_from_str(NULL, 3, KP_FORMAT_TOML, &out_rb, &err), KP_NULL_ARGUMENT);
    CHECK(err && kp_error_status(err) == KP_NULL_ARGUMENT && strstr(kp_error_message(err), "text"),
          "the error names the argument");
    kp_error_free(err);
    CHECK_STATUS(kp_rulebook_from_str(API_BOOK, 3, KP_FORMAT_TOML, NULL, NULL), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_rulebook_from_file(NULL, &out_rb, NULL), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_rulebook_from_file("x.toml", NULL, NULL), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_rulebook_builtin(NULL, &out_rb, NULL), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_rulebook_builtin("example.county-assessment", NULL, NULL), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_builtin_ids(NULL, &n), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_builtin_ids(&ids, NULL), KP_NULL_ARGUMENT);
    CHECK(ids == NULL, "output written on failure");
    CHECK(kp_rulebook_id(NULL) == NULL && kp_rulebook_title(NULL) == NULL && kp_rulebook_version(NULL) == NULL &&
              kp_rulebook_fingerprint(NULL) == NULL,
          "rulebook strings of NULL are NULL");
    CHECK_STATUS(kp_rulebook_input_type(NULL, "rate", &ty), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_rulebook_input_type(rb, NULL, &ty), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_rulebook_input_type(rb, "rate", NULL), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_rulebook_item_field_type(NULL, "papers", "year", &ty), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_rulebook_item_field_type(rb, NULL, "year", &ty), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_rulebook_item_field_type(rb, "papers", NULL, &ty), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_rulebook_item_field_type(rb, "papers", "year", NULL), KP_NULL_ARGUMENT);
    CHECK(ty == 0, "output written on failure");
    CHECK_STATUS(kp_rulebook_describe_json(NULL, &str, &n), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_rulebook_describe_json(rb, NULL, &n), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_rulebook_describe_json(rb, &str, NULL), KP_OK); /* out_len is optional */
    kp_string_free(str);
    str = NULL;
    CHECK_STATUS(kp_loader_new(NULL), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_loader_add(NULL, rb), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_loader_add(loader, NULL), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_loader_search(NULL, "."), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_loader_search(loader, NULL), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_loader_from_str(NULL, API_BOOK, strlen(API_BOOK), KP_FORMAT_TOML, &out_rb, NULL),
                 KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_loader_from_str(loader, NULL, 1, KP_FORMAT_TOML, &out_rb, NULL), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_loader_from_str(loader, API_BOOK, strlen(API_BOOK), KP_FORMAT_TOML, NULL, NULL),
                 KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_loader_from_file(NULL, "x.toml", &out_rb, NULL), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_loader_from_file(loader, NULL, &out_rb, NULL), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_loader_from_file(loader, "x.toml", NULL, NULL), KP_NULL_ARGUMENT);
    CHECK(out_rb == NULL, "output written on failure");

    /* Options. */
    CHECK_STATUS(kp_options_new(NULL), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_options_set_profile(NULL, "p"), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_options_set_profile(o, NULL), KP_OK);
    CHECK_STATUS(kp_options_set_as_of(NULL, "2020-01-01"), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_options_set_as_of(o, NULL), KP_OK);
    CHECK_STATUS(kp_options_set_cohort_best(NULL, "up", NULL, "1"), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_options_set_cohort_best(o, NULL, NULL, "1"), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_options_set_cohort_best(o, "up", NULL, NULL), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_options_set_cohort_best(o, "up", NULL, "1"), KP_OK);
    CHECK_STATUS(kp_options_set_parallel(NULL, true), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_options_set_explain(NULL, true), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_options_set_encoding(NULL, KP_ENCODING_AUTO), KP_NULL_ARGUMENT);

    /* Records and items. */
    CHECK_STATUS(kp_record_new(NULL, &out_rec), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_record_new(rb, NULL), KP_NULL_ARGUMENT);
    CHECK(out_rec == NULL, "output written on failure");
    CHECK_STATUS(kp_record_set_decimal(NULL, "rate", "1"), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_record_set_decimal(rec, NULL, "1"), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_record_set_decimal(rec, "rate", NULL), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_record_set_double(NULL, "rate", 1.0), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_record_set_double(rec, NULL, 1.0), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_record_set_int(NULL, "count", 1), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_record_set_int(rec, NULL, 1), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_record_set_bool(NULL, "ok", true), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_record_set_bool(rec, NULL, true), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_record_set_text(NULL, "name", "x"), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_record_set_text(rec, NULL, "x"), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_record_set_text(rec, "name", NULL), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_record_set_cell(NULL, "name", "x"), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_record_set_cell(rec, NULL, "x"), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_record_set_cell(rec, "name", NULL), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_record_start_list(NULL, "marks"), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_record_start_list(rec, NULL), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_record_add_number(NULL, "marks", "1"), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_record_add_number(rec, NULL, "1"), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_record_add_number(rec, "marks", NULL), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_record_add_item(NULL, "papers", item), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_record_add_item(rec, NULL, item), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_record_add_item(rec, "papers", NULL), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_record_unset(NULL, "ok"), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_record_unset(rec, NULL), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_record_clear(NULL), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_item_new(NULL), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_item_set_decimal(NULL, "f", "1"), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_item_set_decimal(item, NULL, "1"), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_item_set_decimal(item, "f", NULL), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_item_set_int(NULL, "f", 1), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_item_set_int(item, NULL, 1), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_item_set_bool(NULL, "f", true), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_item_set_bool(item, NULL, true), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_item_set_text(NULL, "f", "x"), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_item_set_text(item, NULL, "x"), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_item_set_text(item, "f", NULL), KP_NULL_ARGUMENT);
    CHECK(out_item == NULL && out_o == NULL && out_loader == NULL, "outputs untouched");

    /* Scoring and results. */
    CHECK_STATUS(kp_score(NULL, rec, NULL, &out_res, NULL), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_score(rb, NULL, NULL, &out_res, NULL), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_score(rb, rec, NULL, NULL, NULL), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_score_json(NULL, json, 2, NULL, &out_res, NULL), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_score_json(rb, NULL, 2, NULL, &out_res, NULL), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_score_json(rb, json, 2, NULL, NULL, NULL), KP_NULL_ARGUMENT);
    CHECK(out_res == NULL, "output written on failure");
    CHECK_STATUS(kp_result_total(NULL, &str), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_result_total(res, NULL), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_result_max(NULL, &str), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_result_max(res, NULL), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_result_grade(NULL, &str), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_result_grade(res, NULL), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_result_passed(NULL, &flag), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_result_passed(res, NULL), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_result_key(NULL, &str), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_result_key(res, NULL), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_result_profile(NULL, &str), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_result_profile(res, NULL), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_result_points(NULL, "rate", &str), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_result_points(res, NULL, &str), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_result_points(res, "rate", NULL), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_result_to_json(NULL, &str, &n), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_result_to_json(res, NULL, &n), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_result_explain(NULL, KP_LANG_ZH, &str, &n), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_result_explain(res, KP_LANG_ZH, NULL, &n), KP_NULL_ARGUMENT);
    CHECK(str == NULL && n == 0, "outputs written on failure");

    /* Batches. */
    CHECK_STATUS(kp_score_batch(NULL, one, 1, NULL, &out_batch, NULL), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_score_batch(rb, NULL, 1, NULL, &out_batch, NULL), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_score_batch(rb, one, 1, NULL, NULL, NULL), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_score_batch_json(NULL, "[]", 2, NULL, &out_batch, NULL), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_score_batch_json(rb, NULL, 2, NULL, &out_batch, NULL), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_score_batch_json(rb, "[]", 2, NULL, NULL, NULL), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_score_csv(NULL, "a\n", 2, NULL, &out_batch, NULL), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_score_csv(rb, NULL, 2, NULL, &out_batch, NULL), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_score_csv(rb, "a\n", 2, NULL, NULL, NULL), KP_NULL_ARGUMENT);
    CHECK(out_batch == NULL, "output written on failure");
    CHECK(kp_batch_len(NULL) == 0, "kp_batch_len(NULL) is 0");
    CHECK_STATUS(kp_batch_counts(NULL, &n, &n), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_batch_counts(batch, NULL, &n), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_batch_counts(batch, &n, NULL), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_batch_row(NULL, 0, &out_res, NULL), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_batch_row(batch, 0, NULL, NULL), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_batch_row_total(NULL, 0, &str), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_batch_row_total(batch, 0, NULL), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_batch_row_grade(NULL, 0, &str), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_batch_row_grade(batch, 0, NULL), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_batch_row_points(NULL, 0, "rate", &str), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_batch_row_points(batch, 0, NULL, &str), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_batch_row_points(batch, 0, "rate", NULL), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_batch_row_key(NULL, 0, &str), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_batch_row_key(batch, 0, NULL), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_batch_row_passed(NULL, 0, &flag), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_batch_row_passed(batch, 0, NULL), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_batch_row_rank(NULL, 0, &u), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_batch_row_rank(batch, 0, NULL), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_batch_row_profile_rank(NULL, 0, &u), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_batch_row_profile_rank(batch, 0, NULL), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_batch_row_line(NULL, 0, &n), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_batch_row_line(batch, 0, NULL), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_batch_summary_json(NULL, &str, &n), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_batch_summary_json(batch, NULL, &n), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_batch_to_json(NULL, &str, &n), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_batch_to_json(batch, NULL, &n), KP_NULL_ARGUMENT);
    CHECK(str == NULL && u == 0 && !flag, "outputs written on failure");

    /* Errors. */
    CHECK(kp_error_status(NULL) == KP_NULL_ARGUMENT, "kp_error_status(NULL)");
    CHECK(kp_error_kind(NULL) == 0 && kp_error_message(NULL) == NULL && kp_error_count(NULL) == 0 &&
              kp_error_row(NULL) == 0 && kp_error_key(NULL) == NULL && kp_error_rulebook(NULL) == NULL,
          "error accessors of NULL give their defaults");
    CHECK_STATUS(kp_error_problem(NULL, 0, &prob), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_error_problem(e, 0, NULL), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_error_to_json(NULL, &str, &n), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_error_to_json(e, NULL, &n), KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_error_to_json(e, &str, NULL), KP_OK);
    kp_string_free(str);

    /* Optional arguments take NULL: options (the defaults), err (no details), out_len. */
    CHECK_STATUS(kp_score(rb, rec, NULL, &out_res, NULL), KP_OK);
    kp_result_free(out_res);
    CHECK_STATUS(kp_result_to_json(res, &str, NULL), KP_OK);
    kp_string_free(str);
    CHECK_STATUS(kp_result_explain(res, KP_LANG_EN, &str, NULL), KP_OK);
    kp_string_free(str);
    CHECK_STATUS(kp_batch_summary_json(batch, &str, NULL), KP_OK);
    kp_string_free(str);
    CHECK_STATUS(kp_batch_to_json(batch, &str, NULL), KP_OK);
    kp_string_free(str);
    out_res = NULL;
    CHECK_STATUS(kp_batch_row(batch, 0, &out_res, NULL), KP_NOT_FOUND); /* an empty batch */
    CHECK(out_res == NULL, "output written on failure");

    kp_error_free(e);
    kp_batch_free(batch);
    kp_loader_free(loader);
    kp_item_free(item);
    kp_options_free(o);
    kp_result_free(res);
    kp_record_free(rec);
    kp_rulebook_free(rb);
}

static void test_invalid_utf8(void) {
    const char bad[] = "id = \"\xff\"";
    kp_rulebook *rb = NULL;
    kp_error *err = NULL;
    CHECK_STATUS(kp_rulebook_from_str(bad, sizeof bad - 1, KP_FORMAT_TOML, &rb, &err), KP_INVALID_UTF8);
    CHECK(err && strstr(kp_error_message(err), "byte 6"), "names the byte: %s", kp_error_message(err));
    kp_error_free(err);
    err = NULL;
    CHECK_STATUS(kp_rulebook_builtin("\xc3\x28", &rb, NULL), KP_INVALID_UTF8);
    rb = load_api();
    kp_record *rec = NULL;
    CHECK_STATUS(kp_record_new(rb, &rec), KP_OK);
    CHECK_STATUS(kp_record_set_text(rec, "name", "\xe4\xb8"), KP_INVALID_UTF8);
    CHECK_STATUS(kp_record_set_text(rec, "na\x80me", "x"), KP_INVALID_UTF8);
    CHECK_STATUS(kp_record_set_decimal(rec, "rate", "1\xff"), KP_INVALID_UTF8);
    CHECK_STATUS(kp_record_set_cell(rec, "rate", "\xfe"), KP_INVALID_UTF8);
    kp_result *res = NULL;
    CHECK_STATUS(kp_score_json(rb, "{\"name\": \"\xff\"}", 13, NULL, &res, &err), KP_INVALID_UTF8);
    CHECK(res == NULL && kp_error_status(err) == KP_INVALID_UTF8, "JSON record not UTF-8");
    kp_error_free(err);
    kp_batch *b = NULL;
    CHECK_STATUS(kp_score_batch_json(rb, "[\xff]", 3, NULL, &b, NULL), KP_INVALID_UTF8);
    kp_options *o = NULL;
    CHECK_STATUS(kp_options_new(&o), KP_OK);
    CHECK_STATUS(kp_options_set_profile(o, "\xff"), KP_INVALID_UTF8);
    kp_options_free(o);
    CHECK_STATUS(kp_score(rb, rec, NULL, &res, NULL), KP_RECORD_ERROR); /* nothing was set */
    kp_record_free(rec);
    kp_rulebook_free(rb);
}

static void test_free_null(void) {
    /* Freeing NULL is a no-op for every handle. */
    kp_rulebook_free(NULL);
    kp_loader_free(NULL);
    kp_options_free(NULL);
    kp_record_free(NULL);
    kp_item_free(NULL);
    kp_result_free(NULL);
    kp_batch_free(NULL);
    kp_error_free(NULL);
    kp_string_free(NULL);
    checks++;
}

static void test_panic(void) {
    kp_error *err = NULL;
    CHECK_STATUS(kp_test_panic(&err), KP_PANIC);
    CHECK(err && kp_error_status(err) == KP_PANIC && strstr(kp_error_message(err), "kp_test_panic"),
          "the panic's message: %s", err ? kp_error_message(err) : "(none)");
    kp_error_free(err);
    CHECK_STATUS(kp_test_panic(NULL), KP_PANIC);
    /* The library still works after a panic. */
    kp_rulebook *rb = load_api();
    kp_rulebook_free(rb);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s TMPDIR\n", argv[0]);
        return 2;
    }
    test_version();
    test_status_strings();
    test_loading(argv[1]);
    test_scoring();
    test_options();
    test_batches();
    test_csv();
    test_call_profile();
    test_null_arguments();
    test_invalid_utf8();
    test_free_null();
    test_panic();
    kp_shutdown(); /* nothing of kaoping is left for valgrind or LeakSanitizer to report */
    return report("test_api");
}
