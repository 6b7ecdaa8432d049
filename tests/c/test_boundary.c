/* The C boundary, systematically: every exported function called with NULL for each of its
 * pointer arguments (one at a time, the others valid), zero lengths, documents passed as exact-size
 * buffers without a NUL terminator (so AddressSanitizer and valgrind catch any read past `len`),
 * invalid UTF-8, and freeing NULL. Outputs must stay untouched after a failure.
 *
 * Not tested, by design: using a handle after freeing it, or freeing it twice. Both are undefined
 * behaviour (the header says so: "Never free a pointer twice, use it after freeing it"), exactly
 * as with free(3); a test could only crash or corrupt the heap.
 *
 * Usage: test_boundary */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define NULLARG(call) CHECK_STATUS(call, KP_NULL_ARGUMENT)

static const char *BOOK =
    "[rulebook]\nid = \"t.boundary\"\ntitle = \"边界\"\nversion = \"1\"\nkey_field = \"name\"\n"
    "[inputs]\nname = { type = \"text\" }\nrate = { type = \"decimal\", min = 0, max = 100 }\n"
    "marks = { type = \"numbers\", required = false }\n"
    "papers = { type = \"items\", fields = { title = \"text\", year = \"integer\" }, required = false }\n"
    "[[indicator]]\nid = \"rate\"\nlabel = \"比率\"\npoints = 100\n"
    "linear = { input = \"rate\", from = [0, 0], to = [100, 100] }\n"
    "[[grade]]\nlabel = \"好\"\nat_least = 60\n[[grade]]\nlabel = \"差\"\n";

/* A malloc'd copy of `s` of exactly strlen(s) bytes, without a NUL: reading past it is a bug
 * the sanitizers report. */
static char *exact(const char *s, size_t *len) {
    *len = strlen(s);
    char *p = malloc(*len ? *len : 1);
    if (!p) abort();
    memcpy(p, s, *len);
    return p;
}

/* Sentinels: an out-parameter must hold these after a failed call. */
static char sentinel_byte;
#define SENT ((void *)&sentinel_byte)

static void test_statics(void) {
    CHECK(kp_version() != NULL && strlen(kp_version()) > 0, "kp_version");
    CHECK(strcmp(kp_status_str(99999), "unknown kp_status") == 0, "kp_status_str(unknown)");
    CHECK(strcmp(kp_status_str(-1), "unknown kp_status") == 0, "kp_status_str(-1)");
    CHECK(kp_error_kind_name(0) == NULL && kp_error_kind_name(-5) == NULL && kp_error_kind_name(1000) == NULL,
          "kp_error_kind_name of a code that is not a kind");
    for (int k = 1; k <= 25; k++) CHECK(kp_error_kind_name(k) != NULL, "kind %d has a name", k);
    const char *const *ids = SENT;
    size_t count = 12345;
    NULLARG(kp_builtin_ids(NULL, &count));
    NULLARG(kp_builtin_ids(&ids, NULL));
    CHECK(ids == SENT && count == 12345, "kp_builtin_ids wrote outputs on failure");
}

static void test_error_functions(void) {
    CHECK_STATUS(kp_error_status(NULL), KP_NULL_ARGUMENT);
    CHECK(kp_error_kind(NULL) == 0, "kp_error_kind(NULL)");
    CHECK(kp_error_message(NULL) == NULL, "kp_error_message(NULL)");
    CHECK(kp_error_count(NULL) == 0, "kp_error_count(NULL)");
    CHECK(kp_error_row(NULL) == 0, "kp_error_row(NULL)");
    CHECK(kp_error_key(NULL) == NULL, "kp_error_key(NULL)");
    CHECK(kp_error_rulebook(NULL) == NULL, "kp_error_rulebook(NULL)");
    kp_problem prob;
    memset(&prob, 0x5a, sizeof prob);
    NULLARG(kp_error_problem(NULL, 0, &prob));
    char *s = SENT;
    size_t n = 7;
    NULLARG(kp_error_to_json(NULL, &s, &n));
    CHECK(s == SENT && n == 7, "kp_error_to_json wrote outputs on failure");
    kp_error_free(NULL);

    /* A real error: its own NULL outputs, and an index beyond its problems. */
    kp_rulebook *rb = NULL;
    kp_error *err = NULL;
    CHECK_STATUS(kp_rulebook_builtin("no.such.rulebook", &rb, &err), KP_LOAD_ERROR);
    CHECK(rb == NULL && err != NULL, "an error for an unknown built-in");
    NULLARG(kp_error_problem(err, 0, NULL));
    CHECK_STATUS(kp_error_problem(err, kp_error_count(err), &prob), KP_NOT_FOUND);
    CHECK_STATUS(kp_error_problem(err, SIZE_MAX, &prob), KP_NOT_FOUND);
    NULLARG(kp_error_to_json(err, NULL, &n));
    CHECK_STATUS(kp_error_to_json(err, &s, NULL), KP_OK);
    kp_string_free(s);
    kp_error_free(err);
}

static kp_rulebook *load(void) {
    kp_rulebook *rb = NULL;
    size_t len;
    char *text = exact(BOOK, &len);
    CHECK_STATUS(kp_rulebook_from_str(text, len, KP_FORMAT_TOML, &rb, NULL), KP_OK);
    free(text);
    return rb;
}

static void test_loading(void) {
    kp_rulebook *rb = SENT;
    kp_error *err = NULL;
    size_t len;
    char *text = exact(BOOK, &len);
    NULLARG(kp_rulebook_from_str(NULL, len, KP_FORMAT_TOML, &rb, &err));
    CHECK(rb == SENT, "output written on failure");
    CHECK(err != NULL && kp_error_status(err) == KP_NULL_ARGUMENT, "the error says NULL argument");
    kp_error_free(err);
    err = NULL;
    NULLARG(kp_rulebook_from_str(NULL, 0, KP_FORMAT_TOML, &rb, NULL));
    NULLARG(kp_rulebook_from_str(text, len, KP_FORMAT_TOML, NULL, NULL));
    /* Zero length: an empty document (TOML: an empty table without [rulebook]; JSON: no value). */
    CHECK_STATUS(kp_rulebook_from_str(text, 0, KP_FORMAT_TOML, &rb, &err), KP_LOAD_ERROR);
    CHECK(rb == SENT && err && kp_error_kind(err) == KP_KIND_SCHEMA, "empty TOML is a Schema load error");
    kp_error_free(err);
    err = NULL;
    CHECK_STATUS(kp_rulebook_from_str(text, 0, KP_FORMAT_JSON, &rb, &err), KP_LOAD_ERROR);
    CHECK(err && kp_error_kind(err) == KP_KIND_SYNTAX, "empty JSON is a Syntax load error");
    kp_error_free(err);
    err = NULL;
    /* A prefix of the text (len shorter than the buffer): only `len` bytes are read. */
    CHECK_STATUS(kp_rulebook_from_str(text, 12, KP_FORMAT_TOML, &rb, NULL), KP_LOAD_ERROR);
    CHECK_STATUS(kp_rulebook_from_str(text, len, 0, &rb, NULL), KP_INVALID_ARGUMENT);
    CHECK_STATUS(kp_rulebook_from_str(text, len, 99, &rb, NULL), KP_INVALID_ARGUMENT);
    CHECK_STATUS(kp_rulebook_from_str(text, len, -1, &rb, NULL), KP_INVALID_ARGUMENT);
    /* A length beyond the address space, from a caller's arithmetic bug: refused, never read. */
    CHECK_STATUS(kp_rulebook_from_str(text, SIZE_MAX, KP_FORMAT_TOML, &rb, NULL), KP_INVALID_ARGUMENT);
    free(text);
    /* Invalid UTF-8, in an exact-size buffer. */
    const char bad[] = {'[', 'r', 'u', 'l', 'e', (char)0xff, (char)0xfe, ']'};
    char *badbuf = malloc(sizeof bad);
    memcpy(badbuf, bad, sizeof bad);
    CHECK_STATUS(kp_rulebook_from_str(badbuf, sizeof bad, KP_FORMAT_TOML, &rb, NULL), KP_INVALID_UTF8);
    /* A NUL inside the text is a character of the text, not its end. */
    char nul[] = "[rulebook]\nid = \"a\0b\"\n";
    CHECK_STATUS(kp_rulebook_from_str(nul, sizeof nul - 1, KP_FORMAT_TOML, &rb, NULL), KP_LOAD_ERROR);
    free(badbuf);
    CHECK(rb == SENT, "no output after any failure");

    NULLARG(kp_rulebook_from_file(NULL, &rb, NULL));
    NULLARG(kp_rulebook_from_file("x.toml", NULL, NULL));
    CHECK_STATUS(kp_rulebook_from_file("", &rb, &err), KP_LOAD_ERROR);
    CHECK(err && kp_error_kind(err) == KP_KIND_IO, "an empty path is an Io problem");
    kp_error_free(err);
    err = NULL;
    NULLARG(kp_rulebook_builtin(NULL, &rb, NULL));
    NULLARG(kp_rulebook_builtin("example.county-assessment", NULL, NULL));
    CHECK_STATUS(kp_rulebook_builtin("", &rb, NULL), KP_LOAD_ERROR);
    const char notutf8[] = {'e', (char)0xc3, 0};
    CHECK_STATUS(kp_rulebook_builtin(notutf8, &rb, NULL), KP_INVALID_UTF8);
    CHECK(rb == SENT, "no output after any failure");
    kp_rulebook_free(NULL);

    /* Borrowed strings and describe of NULL. */
    CHECK(kp_rulebook_id(NULL) == NULL && kp_rulebook_title(NULL) == NULL && kp_rulebook_version(NULL) == NULL &&
              kp_rulebook_fingerprint(NULL) == NULL,
          "rulebook getters of NULL are NULL");
    kp_rulebook *real = load();
    kp_input_type ty = 77;
    NULLARG(kp_rulebook_input_type(NULL, "rate", &ty));
    NULLARG(kp_rulebook_input_type(real, NULL, &ty));
    NULLARG(kp_rulebook_input_type(real, "rate", NULL));
    CHECK_STATUS(kp_rulebook_input_type(real, "", &ty), KP_NOT_FOUND);
    NULLARG(kp_rulebook_item_field_type(NULL, "papers", "year", &ty));
    NULLARG(kp_rulebook_item_field_type(real, NULL, "year", &ty));
    NULLARG(kp_rulebook_item_field_type(real, "papers", NULL, &ty));
    NULLARG(kp_rulebook_item_field_type(real, "papers", "year", NULL));
    CHECK_STATUS(kp_rulebook_item_field_type(real, "rate", "year", &ty), KP_NOT_FOUND);
    CHECK(ty == 77, "input type written on failure");
    char *s = SENT;
    NULLARG(kp_rulebook_describe_json(NULL, &s, NULL));
    NULLARG(kp_rulebook_describe_json(real, NULL, NULL));
    CHECK(s == SENT, "describe wrote on failure");
    kp_rulebook_free(real);
}

static void test_loader(void) {
    kp_loader *loader = SENT;
    NULLARG(kp_loader_new(NULL));
    CHECK_STATUS(kp_loader_new(&loader), KP_OK);
    kp_rulebook *rb = load();
    NULLARG(kp_loader_add(NULL, rb));
    NULLARG(kp_loader_add(loader, NULL));
    NULLARG(kp_loader_search(NULL, "."));
    NULLARG(kp_loader_search(loader, NULL));
    size_t len;
    char *text = exact(BOOK, &len);
    kp_rulebook *out = SENT;
    NULLARG(kp_loader_from_str(NULL, text, len, KP_FORMAT_TOML, &out, NULL));
    NULLARG(kp_loader_from_str(loader, NULL, len, KP_FORMAT_TOML, &out, NULL));
    NULLARG(kp_loader_from_str(loader, text, len, KP_FORMAT_TOML, NULL, NULL));
    CHECK_STATUS(kp_loader_from_str(loader, text, 0, KP_FORMAT_TOML, &out, NULL), KP_LOAD_ERROR);
    NULLARG(kp_loader_from_file(NULL, "x.toml", &out, NULL));
    NULLARG(kp_loader_from_file(loader, NULL, &out, NULL));
    NULLARG(kp_loader_from_file(loader, "x.toml", NULL, NULL));
    CHECK(out == SENT, "loader output written on failure");
    CHECK_STATUS(kp_loader_from_str(loader, text, len, KP_FORMAT_TOML, &out, NULL), KP_OK);
    kp_rulebook_free(out);
    free(text);
    kp_loader_free(loader);
    kp_loader_free(NULL);
    kp_rulebook_free(rb);
}

static void test_options(void) {
    kp_options *o = SENT;
    NULLARG(kp_options_new(NULL));
    CHECK_STATUS(kp_options_new(&o), KP_OK);
    NULLARG(kp_options_set_profile(NULL, "p"));
    CHECK_STATUS(kp_options_set_profile(o, NULL), KP_OK); /* NULL: back to the default */
    NULLARG(kp_options_set_as_of(NULL, "2020-01-01"));
    CHECK_STATUS(kp_options_set_as_of(o, NULL), KP_OK);
    CHECK_STATUS(kp_options_set_as_of(o, ""), KP_INVALID_ARGUMENT);
    CHECK_STATUS(kp_options_set_as_of(o, "2020-02-30"), KP_INVALID_ARGUMENT);
    CHECK_STATUS(kp_options_set_as_of(o, "99999-01-01"), KP_INVALID_ARGUMENT);
    NULLARG(kp_options_set_cohort_best(NULL, "rate", NULL, "1"));
    NULLARG(kp_options_set_cohort_best(o, NULL, NULL, "1"));
    NULLARG(kp_options_set_cohort_best(o, "rate", NULL, NULL));
    CHECK_STATUS(kp_options_set_cohort_best(o, "rate", NULL, "NaN"), KP_INVALID_NUMBER);
    CHECK_STATUS(kp_options_set_cohort_best(o, "rate", NULL, "1234567890123456789012345678901234567890"),
                 KP_INVALID_NUMBER);
    NULLARG(kp_options_set_parallel(NULL, true));
    NULLARG(kp_options_set_explain(NULL, true));
    NULLARG(kp_options_set_keep_items(NULL, true));
    NULLARG(kp_options_set_encoding(NULL, KP_ENCODING_UTF8));
    CHECK_STATUS(kp_options_set_encoding(o, 3), KP_INVALID_ARGUMENT);
    CHECK_STATUS(kp_options_set_encoding(o, -1), KP_INVALID_ARGUMENT);
    kp_options_free(o);
    kp_options_free(NULL);
}

static void test_records_and_items(void) {
    kp_rulebook *rb = load();
    kp_record *rec = SENT;
    NULLARG(kp_record_new(NULL, &rec));
    NULLARG(kp_record_new(rb, NULL));
    CHECK(rec == SENT, "record output written on failure");
    CHECK_STATUS(kp_record_new(rb, &rec), KP_OK);
    NULLARG(kp_record_set_decimal(NULL, "rate", "1"));
    NULLARG(kp_record_set_decimal(rec, NULL, "1"));
    NULLARG(kp_record_set_decimal(rec, "rate", NULL));
    CHECK_STATUS(kp_record_set_decimal(rec, "rate", ""), KP_INVALID_NUMBER);
    CHECK_STATUS(kp_record_set_decimal(rec, "rate", "nan"), KP_INVALID_NUMBER);
    CHECK_STATUS(kp_record_set_decimal(rec, "rate", "1e999"), KP_INVALID_NUMBER);
    NULLARG(kp_record_set_double(NULL, "rate", 1.0));
    NULLARG(kp_record_set_double(rec, NULL, 1.0));
    CHECK_STATUS(kp_record_set_double(rec, "rate", __builtin_nan("")), KP_INVALID_NUMBER);
    CHECK_STATUS(kp_record_set_double(rec, "rate", __builtin_inf()), KP_INVALID_NUMBER);
    CHECK_STATUS(kp_record_set_double(rec, "rate", -__builtin_inf()), KP_INVALID_NUMBER);
    CHECK_STATUS(kp_record_set_double(rec, "rate", 1e300), KP_INVALID_NUMBER);
    NULLARG(kp_record_set_int(NULL, "rate", 1));
    NULLARG(kp_record_set_int(rec, NULL, 1));
    NULLARG(kp_record_set_bool(NULL, "rate", true));
    NULLARG(kp_record_set_bool(rec, NULL, true));
    NULLARG(kp_record_set_text(NULL, "name", "a"));
    NULLARG(kp_record_set_text(rec, NULL, "a"));
    NULLARG(kp_record_set_text(rec, "name", NULL));
    NULLARG(kp_record_set_cell(NULL, "name", "a"));
    NULLARG(kp_record_set_cell(rec, NULL, "a"));
    NULLARG(kp_record_set_cell(rec, "name", NULL));
    CHECK_STATUS(kp_record_set_cell(rec, "", "a"), KP_UNKNOWN_FIELD);
    NULLARG(kp_record_start_list(NULL, "marks"));
    NULLARG(kp_record_start_list(rec, NULL));
    CHECK_STATUS(kp_record_start_list(rec, "rate"), KP_WRONG_TYPE);
    NULLARG(kp_record_add_number(NULL, "marks", "1"));
    NULLARG(kp_record_add_number(rec, NULL, "1"));
    NULLARG(kp_record_add_number(rec, "marks", NULL));
    CHECK_STATUS(kp_record_add_number(rec, "marks", "inf"), KP_INVALID_NUMBER);
    kp_item *item = SENT;
    NULLARG(kp_item_new(NULL));
    CHECK_STATUS(kp_item_new(&item), KP_OK);
    NULLARG(kp_item_set_decimal(NULL, "year", "1"));
    NULLARG(kp_item_set_decimal(item, NULL, "1"));
    NULLARG(kp_item_set_decimal(item, "year", NULL));
    CHECK_STATUS(kp_item_set_decimal(item, "year", "-Infinity"), KP_INVALID_NUMBER);
    NULLARG(kp_item_set_int(NULL, "year", 1));
    NULLARG(kp_item_set_int(item, NULL, 1));
    NULLARG(kp_item_set_bool(NULL, "year", true));
    NULLARG(kp_item_set_bool(item, NULL, true));
    NULLARG(kp_item_set_text(NULL, "title", "a"));
    NULLARG(kp_item_set_text(item, NULL, "a"));
    NULLARG(kp_item_set_text(item, "title", NULL));
    NULLARG(kp_item_start_list(NULL, "papers"));
    NULLARG(kp_item_start_list(item, NULL));
    NULLARG(kp_item_add_number(NULL, "marks", "1"));
    NULLARG(kp_item_add_number(item, NULL, "1"));
    NULLARG(kp_item_add_number(item, "marks", NULL));
    CHECK_STATUS(kp_item_add_number(item, "marks", "nan"), KP_INVALID_NUMBER);
    NULLARG(kp_item_add_item(NULL, "papers", item));
    NULLARG(kp_item_add_item(item, NULL, item));
    NULLARG(kp_item_add_item(item, "papers", NULL));
    /* Items nested in a chain, each holding the one before: deeper than 32 levels is refused, so
     * that building, copying and freeing never recurse without bound. */
    kp_item *deep = NULL;
    CHECK_STATUS(kp_item_new(&deep), KP_OK);
    int levels = 0;
    for (int k = 0; k < 40; k++) {
        kp_item *outer = NULL;
        CHECK_STATUS(kp_item_new(&outer), KP_OK);
        kp_status st = kp_item_add_item(outer, "in", deep);
        kp_item_free(deep);
        deep = outer;
        if (st != KP_OK) {
            CHECK_STATUS(st, KP_INVALID_ARGUMENT);
            break;
        }
        levels++;
    }
    CHECK(levels == 32, "items nest 32 levels deep, not %d", levels);
    /* An item added to itself holds a copy of what it held. */
    CHECK_STATUS(kp_item_add_item(item, "in", item), KP_OK);
    CHECK_STATUS(kp_item_add_item(item, "in", item), KP_OK);
    kp_item_free(deep);
    NULLARG(kp_record_add_item(NULL, "papers", item));
    NULLARG(kp_record_add_item(rec, NULL, item));
    NULLARG(kp_record_add_item(rec, "papers", NULL));
    CHECK_STATUS(kp_record_add_item(rec, "rate", item), KP_WRONG_TYPE);
    NULLARG(kp_record_unset(NULL, "rate"));
    NULLARG(kp_record_unset(rec, NULL));
    NULLARG(kp_record_clear(NULL));
    /* Invalid UTF-8 in a field name and in a value. */
    const char badname[] = {'r', (char)0xe4, 0};
    CHECK_STATUS(kp_record_set_int(rec, badname, 1), KP_INVALID_UTF8);
    CHECK_STATUS(kp_record_set_text(rec, "name", badname), KP_INVALID_UTF8);
    kp_item_free(item);
    kp_item_free(NULL);
    kp_record_free(rec);
    kp_record_free(NULL);
    kp_rulebook_free(rb);
}

static void test_scoring(void) {
    kp_rulebook *rb = load();
    kp_record *rec = NULL;
    CHECK_STATUS(kp_record_new(rb, &rec), KP_OK);
    kp_record_set_text(rec, "name", "甲");
    kp_record_set_decimal(rec, "rate", "75");
    kp_result *res = SENT;
    NULLARG(kp_score(NULL, rec, NULL, &res, NULL));
    NULLARG(kp_score(rb, NULL, NULL, &res, NULL));
    NULLARG(kp_score(rb, rec, NULL, NULL, NULL));
    CHECK(res == SENT, "result written on failure");
    size_t len;
    char *json = exact("{\"name\": \"乙\", \"rate\": \"80\"}", &len);
    NULLARG(kp_score_json(NULL, json, len, NULL, &res, NULL));
    NULLARG(kp_score_json(rb, NULL, len, NULL, &res, NULL));
    NULLARG(kp_score_json(rb, json, len, NULL, NULL, NULL));
    kp_error *err = NULL;
    CHECK_STATUS(kp_score_json(rb, json, 0, NULL, &res, &err), KP_RECORD_ERROR);
    CHECK(err && kp_error_kind(err) == KP_KIND_SYNTAX, "an empty record text is a Syntax record error");
    kp_error_free(err);
    err = NULL;
    CHECK_STATUS(kp_score_json(rb, json, len - 1, NULL, &res, NULL), KP_RECORD_ERROR); /* cut before } */
    CHECK(res == SENT, "result written on failure");
    CHECK_STATUS(kp_score_json(rb, json, len, NULL, &res, NULL), KP_OK);
    free(json);

    char *s = SENT;
    bool b = true;
    NULLARG(kp_result_total(NULL, &s));
    NULLARG(kp_result_total(res, NULL));
    NULLARG(kp_result_max(NULL, &s));
    NULLARG(kp_result_max(res, NULL));
    NULLARG(kp_result_grade(NULL, &s));
    NULLARG(kp_result_grade(res, NULL));
    NULLARG(kp_result_passed(NULL, &b));
    NULLARG(kp_result_passed(res, NULL));
    NULLARG(kp_result_key(NULL, &s));
    NULLARG(kp_result_key(res, NULL));
    NULLARG(kp_result_profile(NULL, &s));
    NULLARG(kp_result_profile(res, NULL));
    NULLARG(kp_result_points(NULL, "rate", &s));
    NULLARG(kp_result_points(res, NULL, &s));
    NULLARG(kp_result_points(res, "rate", NULL));
    CHECK_STATUS(kp_result_points(res, "", &s), KP_NOT_FOUND);
    NULLARG(kp_result_to_json(NULL, &s, NULL));
    NULLARG(kp_result_to_json(res, NULL, NULL));
    NULLARG(kp_result_explain(NULL, KP_LANG_ZH, &s, NULL));
    NULLARG(kp_result_explain(res, KP_LANG_ZH, NULL, NULL));
    CHECK_STATUS(kp_result_explain(res, 0, &s, NULL), KP_INVALID_ARGUMENT);
    CHECK_STATUS(kp_result_explain(res, 3, &s, NULL), KP_INVALID_ARGUMENT);
    CHECK(s == SENT && b == true, "result outputs written on failure");
    CHECK_STATUS(kp_result_total(res, &s), KP_OK);
    CHECK(s && strcmp(s, "80.00") == 0, "total 80.00, got %s", s ? s : "(null)");
    kp_string_free(s);
    kp_string_free(NULL);
    kp_result_free(res);
    kp_result_free(NULL);

    /* Batches. */
    kp_batch *batch = SENT;
    const kp_record *recs[2] = {rec, NULL};
    NULLARG(kp_score_batch(NULL, recs, 1, NULL, &batch, NULL));
    NULLARG(kp_score_batch(rb, NULL, 1, NULL, &batch, NULL));
    NULLARG(kp_score_batch(rb, recs, 1, NULL, NULL, NULL));
    NULLARG(kp_score_batch(rb, recs, 2, NULL, &batch, NULL)); /* a NULL record inside the array */
    CHECK(batch == SENT, "batch written on failure");
    CHECK_STATUS(kp_score_batch(rb, recs, 0, NULL, &batch, NULL), KP_OK); /* zero records: an empty batch */
    CHECK(kp_batch_len(batch) == 0, "an empty batch");
    kp_batch_free(batch);
    batch = SENT;
    char *arr = exact("[{\"name\": \"a\", \"rate\": \"1\"}, {\"name\": \"b\"}]", &len);
    NULLARG(kp_score_batch_json(NULL, arr, len, NULL, &batch, NULL));
    NULLARG(kp_score_batch_json(rb, NULL, len, NULL, &batch, NULL));
    NULLARG(kp_score_batch_json(rb, arr, len, NULL, NULL, NULL));
    CHECK_STATUS(kp_score_batch_json(rb, arr, 0, NULL, &batch, NULL), KP_TABLE_ERROR);
    char *csv = exact("name,rate\n甲,50\n乙,x\n", &len);
    size_t csvlen = len;
    NULLARG(kp_score_csv(NULL, csv, csvlen, NULL, &batch, NULL));
    NULLARG(kp_score_csv(rb, NULL, csvlen, NULL, &batch, NULL));
    NULLARG(kp_score_csv(rb, csv, csvlen, NULL, NULL, NULL));
    CHECK_STATUS(kp_score_csv(rb, csv, 0, NULL, &batch, NULL), KP_TABLE_ERROR);
    CHECK(batch == SENT, "batch written on failure");
    CHECK_STATUS(kp_score_csv(rb, csv, csvlen, NULL, &batch, NULL), KP_OK);
    free(csv);
    free(arr);

    s = SENT;
    size_t ok = 99, failed = 99, line = 99;
    uint32_t rank = 99;
    NULLARG(kp_batch_counts(NULL, &ok, &failed));
    NULLARG(kp_batch_counts(batch, NULL, &failed));
    NULLARG(kp_batch_counts(batch, &ok, NULL));
    CHECK(ok == 99 && failed == 99, "counts written on failure");
    CHECK(kp_batch_len(NULL) == 0, "kp_batch_len(NULL)");
    kp_result *row = SENT;
    NULLARG(kp_batch_row(NULL, 0, &row, NULL));
    NULLARG(kp_batch_row(batch, 0, NULL, NULL));
    CHECK_STATUS(kp_batch_row(batch, 2, &row, NULL), KP_NOT_FOUND);
    CHECK_STATUS(kp_batch_row(batch, SIZE_MAX, &row, NULL), KP_NOT_FOUND);
    CHECK(row == SENT, "row written on failure");
    NULLARG(kp_batch_row_total(NULL, 0, &s));
    NULLARG(kp_batch_row_total(batch, 0, NULL));
    NULLARG(kp_batch_row_grade(NULL, 0, &s));
    NULLARG(kp_batch_row_grade(batch, 0, NULL));
    NULLARG(kp_batch_row_points(NULL, 0, "rate", &s));
    NULLARG(kp_batch_row_points(batch, 0, NULL, &s));
    NULLARG(kp_batch_row_points(batch, 0, "rate", NULL));
    NULLARG(kp_batch_row_key(NULL, 0, &s));
    NULLARG(kp_batch_row_key(batch, 0, NULL));
    NULLARG(kp_batch_row_passed(NULL, 0, &b));
    NULLARG(kp_batch_row_passed(batch, 0, NULL));
    NULLARG(kp_batch_row_rank(NULL, 0, &rank));
    NULLARG(kp_batch_row_rank(batch, 0, NULL));
    NULLARG(kp_batch_row_profile_rank(NULL, 0, &rank));
    NULLARG(kp_batch_row_profile_rank(batch, 0, NULL));
    NULLARG(kp_batch_row_line(NULL, 0, &line));
    NULLARG(kp_batch_row_line(batch, 0, NULL));
    CHECK_STATUS(kp_batch_row_total(batch, SIZE_MAX, &s), KP_NOT_FOUND);
    CHECK_STATUS(kp_batch_row_rank(batch, 5, &rank), KP_NOT_FOUND);
    CHECK_STATUS(kp_batch_row_line(batch, 5, &line), KP_NOT_FOUND);
    CHECK(s == SENT, "row string written on failure");
    CHECK(rank == 99, "rank written on failure: %u", rank);
    CHECK(line == 99, "line written on failure: %zu", line);
    NULLARG(kp_batch_summary_json(NULL, &s, NULL));
    NULLARG(kp_batch_summary_json(batch, NULL, NULL));
    NULLARG(kp_batch_to_json(NULL, &s, NULL));
    NULLARG(kp_batch_to_json(batch, NULL, NULL));
    /* The bad row's error, then the good row's result. */
    kp_error *rowerr = NULL;
    CHECK_STATUS(kp_batch_row(batch, 1, &row, &rowerr), KP_RECORD_ERROR);
    CHECK(rowerr && kp_error_kind(rowerr) == KP_KIND_INPUT_TYPE && kp_error_row(rowerr) == 2,
          "row 2's InputType error");
    kp_error_free(rowerr);
    CHECK_STATUS(kp_batch_row(batch, 0, &row, NULL), KP_OK);
    kp_result_free(row);
    kp_batch_free(batch);
    kp_batch_free(NULL);
    kp_record_free(rec);
    kp_rulebook_free(rb);
}

/* The functions added for C integrators: encodings, the counted lists of a rulebook and of a
 * result, and kp_shutdown. NULL handles give 0 counts; NULL arguments KP_NULL_ARGUMENT with the
 * output untouched; an index at or beyond the count KP_NOT_FOUND. */
static const char badname_of_result[] = {'p', (char)0xe4, 0};

static void test_lists_and_encodings(void) {
    kp_rulebook *rb = load();
    kp_record *rec = NULL;
    kp_item *item = NULL;
    CHECK_STATUS(kp_record_new(rb, &rec), KP_OK);
    CHECK_STATUS(kp_item_new(&item), KP_OK);
    NULLARG(kp_record_set_encoding(NULL, KP_ENCODING_GB18030));
    NULLARG(kp_item_set_encoding(NULL, KP_ENCODING_GB18030));
    CHECK_STATUS(kp_record_set_encoding(rec, -1), KP_INVALID_ARGUMENT);
    CHECK_STATUS(kp_item_set_encoding(item, 3), KP_INVALID_ARGUMENT);
    CHECK_STATUS(kp_record_set_encoding(rec, KP_ENCODING_GB18030), KP_OK);
    CHECK_STATUS(kp_item_set_encoding(item, KP_ENCODING_AUTO), KP_OK);
    /* An empty string and a lone lead byte, in GB18030. */
    CHECK_STATUS(kp_record_set_text(rec, "", "x"), KP_UNKNOWN_FIELD);
    const char lead[] = {(char)0x81, 0};
    CHECK_STATUS(kp_record_set_text(rec, "name", lead), KP_INVALID_UTF8);
    CHECK_STATUS(kp_record_set_text(rec, lead, "x"), KP_INVALID_UTF8);
    CHECK_STATUS(kp_item_set_text(item, "title", lead), KP_INVALID_UTF8);
    NULLARG(kp_record_set_text(rec, NULL, "x"));
    NULLARG(kp_record_set_text(rec, "name", NULL));
    NULLARG(kp_item_set_text(item, NULL, "x"));

    /* Counts of NULL are 0. */
    CHECK(kp_rulebook_input_count(NULL) == 0 && kp_rulebook_indicator_count(NULL) == 0 &&
              kp_rulebook_profile_count(NULL) == 0 && kp_rulebook_grade_count(NULL) == 0 &&
              kp_rulebook_criterion_count(NULL) == 0 && kp_rulebook_veto_count(NULL) == 0,
          "rulebook counts of NULL are 0");
    CHECK(kp_result_node_count(NULL) == 0 && kp_result_veto_count(NULL) == 0 &&
              kp_result_criterion_count(NULL) == 0 && kp_result_grade_rule_count(NULL) == 0 &&
              kp_result_warning_count(NULL) == 0 && kp_result_aggregate_count(NULL) == 0 &&
              kp_result_item_count(NULL, "papers") == 0,
          "result counts of NULL are 0");

    /* The rulebook's lists. */
    kp_input_info in;
    kp_indicator_info ind;
    kp_check_info chk;
    memset(&in, 0x5a, sizeof in);
    kp_input_info in0 = in;
    memset(&ind, 0x5a, sizeof ind);
    kp_indicator_info ind0 = ind;
    memset(&chk, 0x5a, sizeof chk);
    kp_check_info chk0 = chk;
    const char *str = SENT;
    NULLARG(kp_rulebook_input_at(NULL, 0, &in));
    NULLARG(kp_rulebook_input_at(rb, 0, NULL));
    CHECK_STATUS(kp_rulebook_input_at(rb, kp_rulebook_input_count(rb), &in), KP_NOT_FOUND);
    CHECK_STATUS(kp_rulebook_input_at(rb, SIZE_MAX, &in), KP_NOT_FOUND);
    NULLARG(kp_rulebook_indicator_at(NULL, 0, &ind));
    NULLARG(kp_rulebook_indicator_at(rb, 0, NULL));
    CHECK_STATUS(kp_rulebook_indicator_at(rb, kp_rulebook_indicator_count(rb), &ind), KP_NOT_FOUND);
    NULLARG(kp_rulebook_indicator_points(NULL, 0, NULL, &str));
    NULLARG(kp_rulebook_indicator_points(rb, 0, NULL, NULL));
    CHECK_STATUS(kp_rulebook_indicator_points(rb, SIZE_MAX, NULL, &str), KP_NOT_FOUND);
    CHECK_STATUS(kp_rulebook_indicator_points(rb, 0, "", &str), KP_NOT_FOUND);
    NULLARG(kp_rulebook_max(NULL, NULL, &str));
    NULLARG(kp_rulebook_max(rb, NULL, NULL));
    CHECK_STATUS(kp_rulebook_max(rb, "", &str), KP_NOT_FOUND);
    NULLARG(kp_rulebook_profile_at(NULL, 0, &str));
    NULLARG(kp_rulebook_profile_at(rb, 0, NULL));
    CHECK_STATUS(kp_rulebook_profile_at(rb, 0, &str), KP_NOT_FOUND); /* no profiles */
    NULLARG(kp_rulebook_grade_at(NULL, 0, &str));
    NULLARG(kp_rulebook_grade_at(rb, 0, NULL));
    CHECK_STATUS(kp_rulebook_grade_at(rb, 2, &str), KP_NOT_FOUND);
    NULLARG(kp_rulebook_criterion_at(NULL, 0, &chk));
    NULLARG(kp_rulebook_criterion_at(rb, 0, NULL));
    CHECK_STATUS(kp_rulebook_criterion_at(rb, 0, &chk), KP_NOT_FOUND);
    NULLARG(kp_rulebook_veto_at(NULL, 0, &chk));
    NULLARG(kp_rulebook_veto_at(rb, 0, NULL));
    CHECK_STATUS(kp_rulebook_veto_at(rb, 0, &chk), KP_NOT_FOUND);
    CHECK(memcmp(&in, &in0, sizeof in) == 0 && memcmp(&ind, &ind0, sizeof ind) == 0 &&
              memcmp(&chk, &chk0, sizeof chk) == 0 && str == SENT,
          "rulebook list outputs written on failure");
    CHECK_STATUS(kp_rulebook_grade_at(rb, 1, &str), KP_OK);
    CHECK(str && strcmp(str, "差") == 0, "grade 1");

    /* The result's lists. */
    CHECK_STATUS(kp_record_set_encoding(rec, KP_ENCODING_UTF8), KP_OK);
    CHECK_STATUS(kp_record_clear(rec), KP_OK); /* forgets the unknown field "" (no warning) */
    CHECK_STATUS(kp_record_set_text(rec, "name", "甲"), KP_OK);
    CHECK_STATUS(kp_record_set_decimal(rec, "rate", "50"), KP_OK);
    kp_result *res = NULL;
    CHECK_STATUS(kp_score(rb, rec, NULL, &res, NULL), KP_OK);
    kp_result_node node;
    kp_result_veto veto;
    kp_result_criterion crit;
    kp_result_grade_rule rule;
    kp_next_grade next;
    memset(&node, 0x5a, sizeof node);
    kp_result_node node0 = node;
    memset(&next, 0x5a, sizeof next);
    kp_next_grade next0 = next;
    str = SENT;
    NULLARG(kp_result_node_at(NULL, 0, &node));
    NULLARG(kp_result_node_at(res, 0, NULL));
    CHECK_STATUS(kp_result_node_at(res, kp_result_node_count(res), &node), KP_NOT_FOUND);
    CHECK_STATUS(kp_result_node_at(res, SIZE_MAX, &node), KP_NOT_FOUND);
    NULLARG(kp_result_veto_at(NULL, 0, &veto));
    NULLARG(kp_result_veto_at(res, 0, NULL));
    CHECK_STATUS(kp_result_veto_at(res, 0, &veto), KP_NOT_FOUND);
    NULLARG(kp_result_criterion_at(NULL, 0, &crit));
    NULLARG(kp_result_criterion_at(res, 0, NULL));
    CHECK_STATUS(kp_result_criterion_at(res, 0, &crit), KP_NOT_FOUND);
    NULLARG(kp_result_grade_rule_at(NULL, 0, &rule));
    NULLARG(kp_result_grade_rule_at(res, 0, NULL));
    CHECK_STATUS(kp_result_grade_rule_at(res, 0, &rule), KP_NOT_FOUND);
    NULLARG(kp_result_warning_at(NULL, 0, &str));
    NULLARG(kp_result_warning_at(res, 0, NULL));
    CHECK_STATUS(kp_result_warning_at(res, 0, &str), KP_NOT_FOUND);
    NULLARG(kp_result_next_grade(NULL, &next));
    NULLARG(kp_result_next_grade(res, NULL));
    kp_result_aggregate agg;
    kp_result_item it;
    memset(&agg, 0x5a, sizeof agg);
    kp_result_aggregate agg0 = agg;
    memset(&it, 0x5a, sizeof it);
    kp_result_item it0 = it;
    kp_result *sub = SENT;
    NULLARG(kp_result_aggregate_at(NULL, 0, &agg));
    NULLARG(kp_result_aggregate_at(res, 0, NULL));
    CHECK_STATUS(kp_result_aggregate_at(res, 0, &agg), KP_NOT_FOUND);
    CHECK(kp_result_item_count(res, NULL) == 0 && kp_result_item_count(res, "papers") == 0 &&
              kp_result_item_count(res, badname_of_result) == 0,
          "item counts of NULL, of a list not kept and of invalid UTF-8 are 0");
    NULLARG(kp_result_item_at(NULL, "papers", 0, &it));
    NULLARG(kp_result_item_at(res, NULL, 0, &it));
    NULLARG(kp_result_item_at(res, "papers", 0, NULL));
    CHECK_STATUS(kp_result_item_at(res, "papers", 0, &it), KP_NOT_FOUND);
    CHECK_STATUS(kp_result_item_at(res, badname_of_result, 0, &it), KP_INVALID_UTF8);
    NULLARG(kp_result_item_result(NULL, "papers", 0, &sub));
    NULLARG(kp_result_item_result(res, NULL, 0, &sub));
    NULLARG(kp_result_item_result(res, "papers", 0, NULL));
    CHECK_STATUS(kp_result_item_result(res, "papers", 0, &sub), KP_NOT_FOUND);
    CHECK(memcmp(&agg, &agg0, sizeof agg) == 0 && memcmp(&it, &it0, sizeof it) == 0 && sub == SENT,
          "aggregate and item outputs written on failure");
    CHECK(memcmp(&node, &node0, sizeof node) == 0 && memcmp(&next, &next0, sizeof next) == 0 && str == SENT,
          "result list outputs written on failure");
    CHECK(kp_result_node_count(res) == 1, "one node");
    CHECK_STATUS(kp_result_node_at(res, 0, &node), KP_OK);
    CHECK(node.points && strcmp(node.points, "50.00") == 0, "its points");
    CHECK_STATUS(kp_result_next_grade(res, &next), KP_OK);
    CHECK(next.gap && strcmp(next.gap, "10.00") == 0, "10 points to 好");
    kp_result_free(res);
    kp_item_free(item);
    kp_record_free(rec);
    kp_rulebook_free(rb);

    /* kp_shutdown before anything else, twice, then kaoping used again. */
    kp_shutdown();
    kp_shutdown();
    rb = load();
    kp_batch *batch = NULL;
    const char *csv = "name,rate\n甲,50\n乙,70\n";
    CHECK_STATUS(kp_score_csv(rb, csv, strlen(csv), NULL, &batch, NULL), KP_OK);
    CHECK(kp_batch_len(batch) == 2, "a batch after kp_shutdown");
    kp_batch_free(batch);
    kp_rulebook_free(rb);
}

int main(void) {
    test_statics();
    test_error_functions();
    test_loading();
    test_loader();
    test_options();
    test_records_and_items();
    test_scoring();
    test_lists_and_encodings();
    kp_shutdown(); /* nothing of kaoping is left for valgrind or LeakSanitizer to report */
    return report("test_boundary");
}
