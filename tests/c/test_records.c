/* Record setters as forgiving as the CSV reader and as strict as the scorer: a field is an input's
 * name or its label; a value the input's type never takes is refused at once (KP_WRONG_TYPE) and
 * leaves the record as it was; strings may be GB18030 (GBK) after kp_record_set_encoding, tested
 * on real GB18030 bytes, characters outside GBK included (𠮷, four bytes; Tibetan, four bytes
 * each).
 *
 * Usage: test_records */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* GB18030 bytes (Python's codec; the ones marked "not GBK" are four-byte sequences GBK lacks). */
#define GB_COUNTY_LABEL "\xcf\xd8\xc3\xfb"                /* 县名 */
#define GB_REGION_LABEL "\xc6\xac\xc7\xf8"                /* 片区 */
#define GB_POPULATION_LABEL "\xbb\xa7\xbc\xae\xc8\xcb\xbf\xda" /* 户籍人口 */
#define GB_LIANGSHAN "\xc1\xb9\xc9\xbd\xd2\xcd\xc7\xf8"   /* 凉山彝区 */
#define GB_JI_COUNTY "\x95\x34\xb2\x35\xcf\xd8"           /* 𠮷县: 𠮷 (U+20BB7) is not GBK */
#define GB_TIBETAN "\x81\x32\xf1\x30\x81\x32\xf4\x38\x81\x32\xf0\x35\x81\x32\xe9\x35" /* བོད་, not GBK */
#define GB_FULLWIDTH_6 "\xa3\xb6"                         /* ６ */
#define GB_YES "\xca\xc7"                                 /* 是 */

static kp_rulebook *county(void) {
    kp_rulebook *rb = NULL;
    CHECK_STATUS(kp_rulebook_builtin("example.county-assessment", &rb, NULL), KP_OK);
    if (!rb) exit(1);
    return rb;
}

/* The spec's running example (80.13, 较好), every input set by `set`, by name or by label. */
static void fill_example(kp_record *rec, int by_label) {
    CHECK_STATUS(kp_record_set_text(rec, by_label ? "县名" : "county", "示例县"), KP_OK);
    CHECK_STATUS(kp_record_set_text(rec, by_label ? "片区" : "region", "凉山彝区"), KP_OK);
    CHECK_STATUS(kp_record_set_int(rec, by_label ? "户籍人口" : "population", 100000), KP_OK);
    CHECK_STATUS(kp_record_set_int(rec, by_label ? "建档立卡贫困人口" : "poor_population", 3000), KP_OK);
    CHECK_STATUS(kp_record_set_decimal(rec, by_label ? "农村居民人均可支配收入增幅" : "income_growth", "6"), KP_OK);
    CHECK_STATUS(kp_record_set_int(rec, by_label ? "抽样户数" : "sampled", 320), KP_OK);
    CHECK_STATUS(kp_record_set_int(rec, by_label ? "认可户数" : "satisfied", 266), KP_OK);
    const char *marks = by_label ? "专家评分" : "expert_marks";
    CHECK_STATUS(kp_record_start_list(rec, marks), KP_OK);
    const char *each[] = {"7", "8", "9", "6", "10"};
    for (int i = 0; i < 5; i++) CHECK_STATUS(kp_record_add_number(rec, marks, each[i]), KP_OK);
}

/* The result as JSON (to compare two ways of setting the same record), or NULL when it failed. */
static char *scored_json(const kp_rulebook *rb, const kp_record *rec) {
    kp_result *res = NULL;
    kp_error *err = NULL;
    char *json = NULL;
    kp_status st = kp_score(rb, rec, NULL, &res, &err);
    if (st == KP_OK) CHECK_STATUS(kp_result_to_json(res, &json, NULL), KP_OK);
    else fprintf(stderr, "scoring failed: %s\n", err ? kp_error_message(err) : kp_status_str(st));
    kp_result_free(res);
    kp_error_free(err);
    return json;
}

static void check_total(const kp_rulebook *rb, const kp_record *rec, const char *want, const char *what) {
    kp_result *res = NULL;
    kp_error *err = NULL;
    char *total = NULL;
    kp_status st = kp_score(rb, rec, NULL, &res, &err);
    CHECK(st == KP_OK, "%s: %s", what, err ? kp_error_message(err) : kp_status_str(st));
    if (st == KP_OK) CHECK_STATUS(kp_result_total(res, &total), KP_OK);
    CHECK(total && strcmp(total, want) == 0, "%s: total %s, want %s", what, total ? total : "(none)", want);
    kp_string_free(total);
    kp_result_free(res);
    kp_error_free(err);
}

static void test_labels(void) {
    kp_rulebook *rb = county();
    kp_record *by_name = NULL, *by_label = NULL;
    CHECK_STATUS(kp_record_new(rb, &by_name), KP_OK);
    CHECK_STATUS(kp_record_new(rb, &by_label), KP_OK);
    fill_example(by_name, 0);
    fill_example(by_label, 1);
    check_total(rb, by_label, "80.13", "every input set by its label");
    char *a = scored_json(rb, by_name), *b = scored_json(rb, by_label);
    CHECK(a && b && strcmp(a, b) == 0, "by label and by name differ:\n%s\n%s", a, b);
    CHECK(b && !strstr(b, "\"warnings\""), "labels are not unknown fields: %s", b);
    kp_string_free(a);
    kp_string_free(b);

    /* Labels work for every setter: cell, unset, and the introspection of types. */
    CHECK_STATUS(kp_record_set_cell(by_label, "户籍人口", "１０００００"), KP_OK);
    check_total(rb, by_label, "80.13", "a cell by label");
    CHECK_STATUS(kp_record_unset(by_label, "户籍人口"), KP_OK);
    kp_result *res = NULL;
    kp_error *err = NULL;
    CHECK_STATUS(kp_score(rb, by_label, NULL, &res, &err), KP_RECORD_ERROR);
    kp_problem p;
    CHECK_STATUS(kp_error_problem(err, 0, &p), KP_OK);
    CHECK(p.kind == KP_KIND_MISSING_INPUT && p.field && strcmp(p.field, "population") == 0,
          "unset by label leaves population missing: %s", kp_error_message(err));
    kp_error_free(err);
    kp_input_type ty = 0;
    CHECK_STATUS(kp_rulebook_input_type(rb, "户籍人口", &ty), KP_OK);
    CHECK(ty == KP_INPUT_INTEGER, "户籍人口 is an integer input: %d", ty);

    /* A name that is neither: remembered, warned about, as before. */
    CHECK_STATUS(kp_record_set_int(by_label, "户籍人数", 1), KP_UNKNOWN_FIELD);
    CHECK_STATUS(kp_record_unset(by_label, "户籍人数"), KP_UNKNOWN_FIELD);
    kp_record_free(by_name);
    kp_record_free(by_label);
    kp_rulebook_free(rb);
}

static const char *TYPES_BOOK =
    "[rulebook]\nid = \"t.types\"\nversion = \"1\"\n"
    "[inputs]\n"
    "n = { type = \"integer\", label = \"整数\", required = false }\n"
    "d = { type = \"decimal\", required = false }\n"
    "b = { type = \"boolean\", required = false }\n"
    "t = { type = \"text\", required = false }\n"
    "marks = { type = \"numbers\", required = false }\n"
    "awards = { type = \"items\", fields = { level = \"text\", year = \"integer\" }, required = false }\n"
    "[[indicator]]\nid = \"n\"\nlabel = \"n\"\npoints = 100\nformula = \"n\"\n";

/* Kinds of value each type never takes are refused when set, with nothing set. */
static void test_wrong_types(void) {
    kp_rulebook *rb = NULL;
    CHECK_STATUS(kp_rulebook_from_str(TYPES_BOOK, strlen(TYPES_BOOK), KP_FORMAT_TOML, &rb, NULL), KP_OK);
    if (!rb) exit(1);
    kp_record *rec = NULL;
    CHECK_STATUS(kp_record_new(rb, &rec), KP_OK);
    CHECK_STATUS(kp_record_set_int(rec, "n", 7), KP_OK);

    /* The case: a boolean for an integer input said KP_OK and failed when scored. */
    CHECK_STATUS(kp_record_set_bool(rec, "n", true), KP_WRONG_TYPE);
    CHECK_STATUS(kp_record_set_bool(rec, "整数", true), KP_WRONG_TYPE);
    CHECK_STATUS(kp_record_set_decimal(rec, "n", "2.5"), KP_WRONG_TYPE);  /* not whole */
    CHECK_STATUS(kp_record_set_double(rec, "n", 2.5), KP_WRONG_TYPE);
    check_total(rb, rec, "7.00", "refused values set nothing: n is still 7");
    CHECK_STATUS(kp_record_set_decimal(rec, "n", "8.0"), KP_OK);          /* whole: an integer */
    check_total(rb, rec, "8.00", "8.0 is a whole number");
    CHECK_STATUS(kp_record_set_text(rec, "n", "９"), KP_OK);               /* text: read when scored */
    check_total(rb, rec, "9.00", "full-width text read as an integer");

    CHECK_STATUS(kp_record_set_int(rec, "d", 3), KP_OK); /* whole numbers are decimals too */
    CHECK_STATUS(kp_record_set_bool(rec, "d", false), KP_WRONG_TYPE);
    CHECK_STATUS(kp_record_set_int(rec, "b", 1), KP_WRONG_TYPE);
    CHECK_STATUS(kp_record_set_decimal(rec, "b", "1"), KP_WRONG_TYPE);
    CHECK_STATUS(kp_record_set_bool(rec, "b", true), KP_OK);
    CHECK_STATUS(kp_record_set_text(rec, "b", "是"), KP_OK);
    CHECK_STATUS(kp_record_set_int(rec, "t", 5), KP_WRONG_TYPE);
    CHECK_STATUS(kp_record_set_bool(rec, "t", true), KP_WRONG_TYPE);
    CHECK_STATUS(kp_record_set_double(rec, "t", 1.5), KP_WRONG_TYPE);
    CHECK_STATUS(kp_record_set_text(rec, "t", "5"), KP_OK);
    CHECK_STATUS(kp_record_set_text(rec, "marks", "1;2"), KP_WRONG_TYPE); /* a cell splits marks */
    CHECK_STATUS(kp_record_set_int(rec, "marks", 1), KP_WRONG_TYPE);
    CHECK_STATUS(kp_record_set_cell(rec, "marks", "1;2"), KP_OK);
    CHECK_STATUS(kp_record_set_bool(rec, "awards", true), KP_WRONG_TYPE);
    CHECK_STATUS(kp_record_set_cell(rec, "awards", "省级"), KP_WRONG_TYPE);
    CHECK_STATUS(kp_record_add_number(rec, "awards", "1"), KP_WRONG_TYPE);

    /* Item fields are checked when the item is added: a whole item or nothing. */
    kp_item *item = NULL;
    CHECK_STATUS(kp_item_new(&item), KP_OK);
    CHECK_STATUS(kp_item_set_text(item, "level", "省级"), KP_OK);
    CHECK_STATUS(kp_item_set_bool(item, "year", true), KP_OK); /* the item does not know its input */
    kp_error *err = NULL;
    CHECK_STATUS(kp_record_add_item(rec, "awards", item), KP_WRONG_TYPE);
    CHECK_STATUS(kp_item_set_int(item, "year", 2019), KP_OK);
    CHECK_STATUS(kp_item_set_int(item, "note", 1), KP_OK); /* a field the input does not declare: ignored */
    CHECK_STATUS(kp_record_add_item(rec, "awards", item), KP_OK);
    CHECK_STATUS(kp_item_set_int(item, "level", 3), KP_OK);
    CHECK_STATUS(kp_record_add_item(rec, "awards", item), KP_WRONG_TYPE);
    kp_item_free(item);

    /* Everything set is valid: the record scores, with one award (the refused one is not there). */
    kp_result *res = NULL;
    CHECK_STATUS(kp_score(rb, rec, NULL, &res, &err), KP_OK);
    if (err) fprintf(stderr, "%s\n", kp_error_message(err));
    char *json = NULL;
    CHECK_STATUS(kp_result_to_json(res, &json, NULL), KP_OK);
    kp_string_free(json);
    kp_result_free(res);
    kp_error_free(err);

    /* The refusal says what and why, through kp_status_str; the set value stayed. */
    CHECK(strncmp(kp_status_str(KP_WRONG_TYPE), "KP_WRONG_TYPE:", 14) == 0, "status text");
    kp_record_free(rec);
    kp_rulebook_free(rb);
}

/* GB18030 (GBK) strings: names, labels and values, characters outside GBK included. */
static void test_gb18030(void) {
    kp_rulebook *rb = county();
    kp_record *rec = NULL;
    CHECK_STATUS(kp_record_new(rb, &rec), KP_OK);

    /* Without an encoding the setters read UTF-8 and refuse GBK bytes, as before. */
    CHECK_STATUS(kp_record_set_text(rec, GB_COUNTY_LABEL, GB_JI_COUNTY), KP_INVALID_UTF8);
    CHECK_STATUS(kp_record_set_encoding(rec, 7), KP_INVALID_ARGUMENT);
    CHECK_STATUS(kp_record_set_encoding(rec, KP_ENCODING_GB18030), KP_OK);

    /* Labels and values in GB18030. */
    CHECK_STATUS(kp_record_set_text(rec, GB_COUNTY_LABEL, GB_JI_COUNTY), KP_OK);
    CHECK_STATUS(kp_record_set_text(rec, GB_REGION_LABEL, GB_LIANGSHAN), KP_OK);
    CHECK_STATUS(kp_record_set_cell(rec, GB_POPULATION_LABEL, "100000"), KP_OK);
    CHECK_STATUS(kp_record_set_int(rec, "poor_population", 3000), KP_OK);   /* ASCII is GB18030 too */
    CHECK_STATUS(kp_record_set_decimal(rec, "income_growth", GB_FULLWIDTH_6), KP_OK);
    CHECK_STATUS(kp_record_set_int(rec, "sampled", 320), KP_OK);
    CHECK_STATUS(kp_record_set_int(rec, "satisfied", 266), KP_OK);
    CHECK_STATUS(kp_record_set_cell(rec, "expert_marks", "7;8;9;6;10"), KP_OK);
    CHECK_STATUS(kp_record_set_text(rec, "falsified", GB_YES), KP_OK);
    CHECK_STATUS(kp_record_set_bool(rec, "falsified", false), KP_OK);

    kp_result *res = NULL;
    kp_error *err = NULL;
    CHECK_STATUS(kp_score(rb, rec, NULL, &res, &err), KP_OK);
    if (err) fprintf(stderr, "%s\n", kp_error_message(err));
    char *s = NULL;
    CHECK_STATUS(kp_result_key(res, &s), KP_OK);
    CHECK(s && strcmp(s, "𠮷县") == 0, "the key decoded from GB18030 (4-byte 𠮷): %s", s);
    kp_string_free(s);
    s = NULL;
    CHECK_STATUS(kp_result_profile(res, &s), KP_OK);
    CHECK(s && strcmp(s, "凉山彝区") == 0, "the profile decoded from GB18030: %s", s);
    kp_string_free(s);
    s = NULL;
    CHECK_STATUS(kp_result_total(res, &s), KP_OK);
    CHECK(s && strcmp(s, "80.13") == 0, "the same total as in UTF-8: %s", s);
    kp_string_free(s);
    kp_result_free(res);
    res = NULL;

    /* Tibetan (four bytes a character in GB18030, none of it GBK); an unknown field is remembered
     * as UTF-8 and warned about. */
    CHECK_STATUS(kp_record_set_text(rec, "county", GB_TIBETAN), KP_OK);
    CHECK_STATUS(kp_record_set_int(rec, GB_TIBETAN, 1), KP_UNKNOWN_FIELD);
    CHECK_STATUS(kp_score(rb, rec, NULL, &res, &err), KP_OK);
    s = NULL;
    CHECK_STATUS(kp_result_key(res, &s), KP_OK);
    CHECK(s && strcmp(s, "བོད་") == 0, "Tibetan decoded from GB18030: %s", s);
    kp_string_free(s);
    CHECK(kp_result_warning_count(res) == 1, "one warning: %zu", kp_result_warning_count(res));
    const char *w = NULL;
    CHECK_STATUS(kp_result_warning_at(res, 0, &w), KP_OK);
    CHECK(w && strstr(w, "བོད་"), "the warning names the field in UTF-8: %s", w);
    kp_result_free(res);
    res = NULL;

    /* Bytes that are not GB18030: refused, nothing set. */
    CHECK_STATUS(kp_record_set_text(rec, "county", "\x81\x20"), KP_INVALID_UTF8);
    CHECK_STATUS(kp_record_set_text(rec, "county", "ok\xff"), KP_INVALID_UTF8);
    CHECK_STATUS(kp_record_set_decimal(rec, "income_growth", "\x95\x34"), KP_INVALID_UTF8);

    /* kp_record_clear keeps the encoding. */
    CHECK_STATUS(kp_record_clear(rec), KP_OK);
    CHECK_STATUS(kp_record_set_text(rec, GB_COUNTY_LABEL, GB_JI_COUNTY), KP_OK);

    /* Auto: each string UTF-8 when it is valid UTF-8, else GB18030. */
    CHECK_STATUS(kp_record_set_encoding(rec, KP_ENCODING_AUTO), KP_OK);
    CHECK_STATUS(kp_record_set_text(rec, "片区", GB_LIANGSHAN), KP_OK);
    CHECK_STATUS(kp_record_set_text(rec, GB_COUNTY_LABEL, "甲县"), KP_OK);
    CHECK_STATUS(kp_record_set_encoding(rec, KP_ENCODING_UTF8), KP_OK);
    CHECK_STATUS(kp_record_set_text(rec, "county", GB_JI_COUNTY), KP_INVALID_UTF8);
    kp_record_free(rec);
    kp_rulebook_free(rb);

    /* The same county from a GB18030 CSV and from GB18030 setters: the same total and key. */
    rb = county();
    const char csv[] = GB_COUNTY_LABEL "," GB_REGION_LABEL "," GB_POPULATION_LABEL
                       ",poor_population,income_growth,sampled,satisfied,expert_marks\n" GB_JI_COUNTY
                       "," GB_LIANGSHAN ",100000,3000,6,320,266,7;8;9;6;10\n";
    kp_batch *b = NULL;
    CHECK_STATUS(kp_score_csv(rb, csv, sizeof csv - 1, NULL, &b, NULL), KP_OK);
    s = NULL;
    CHECK_STATUS(kp_batch_row_key(b, 0, &s), KP_OK);
    CHECK(s && strcmp(s, "𠮷县") == 0, "CSV key: %s", s);
    kp_string_free(s);
    s = NULL;
    CHECK_STATUS(kp_batch_row_total(b, 0, &s), KP_OK);
    CHECK(s && strcmp(s, "80.13") == 0, "CSV total: %s", s);
    kp_string_free(s);
    kp_batch_free(b);
    kp_rulebook_free(rb);
}

static const char *ITEMS_BOOK =
    "[rulebook]\nid = \"t.items\"\nversion = \"1\"\n"
    "[inputs]\nawards = { type = \"items\", fields = { level = \"text\", year = \"integer\" }, label = \"获奖\" }\n"
    "[[indicator]]\nid = \"awards\"\nlabel = \"获奖\"\npoints = 10\n"
    "items = { input = \"awards\", keys = [\"level\"], table = { \"省级\" = 3, \"国家级\" = 5 }, else = 0 }\n";

/* Items: field names and values in GB18030 after kp_item_set_encoding; the input by its label. */
static void test_items(void) {
    kp_rulebook *rb = NULL;
    kp_error *err = NULL;
    CHECK_STATUS(kp_rulebook_from_str(ITEMS_BOOK, strlen(ITEMS_BOOK), KP_FORMAT_TOML, &rb, &err), KP_OK);
    if (err) fprintf(stderr, "%s\n", kp_error_message(err));
    if (!rb) exit(1);
    kp_record *rec = NULL;
    CHECK_STATUS(kp_record_new(rb, &rec), KP_OK);
    CHECK_STATUS(kp_record_set_encoding(rec, KP_ENCODING_GB18030), KP_OK);
    kp_item *item = NULL;
    CHECK_STATUS(kp_item_new(&item), KP_OK);
    CHECK_STATUS(kp_item_set_text(item, "level", "\xca\xa1\xbc\xb6"), KP_INVALID_UTF8); /* 省级, before */
    CHECK_STATUS(kp_item_set_encoding(item, 9), KP_INVALID_ARGUMENT);
    CHECK_STATUS(kp_item_set_encoding(item, KP_ENCODING_GB18030), KP_OK);
    CHECK_STATUS(kp_item_set_text(item, "level", "\xca\xa1\xbc\xb6"), KP_OK);             /* 省级 */
    CHECK_STATUS(kp_item_set_decimal(item, "year", "\xa3\xb2\xa3\xb0\xa3\xb1\xa3\xb9"), KP_OK); /* ２０１９ */
    CHECK_STATUS(kp_item_set_text(item, "bad", "\xff"), KP_INVALID_UTF8);
    CHECK_STATUS(kp_record_add_item(rec, "\xbb\xf1\xbd\xb1", item), KP_OK);                /* 获奖 */
    CHECK_STATUS(kp_item_set_text(item, "level", "\xb9\xfa\xbc\xd2\xbc\xb6"), KP_OK);     /* 国家级 */
    CHECK_STATUS(kp_record_add_item(rec, "awards", item), KP_OK);
    kp_item_free(item);
    check_total(rb, rec, "8.00", "a 省级 and a 国家级 award, given in GB18030");
    kp_record_free(rec);
    kp_rulebook_free(rb);
}

int main(void) {
    test_labels();
    test_wrong_types();
    test_gb18030();
    test_items();
    kp_shutdown(); /* nothing of kaoping is left for valgrind or LeakSanitizer to report */
    return report("test_records");
}
