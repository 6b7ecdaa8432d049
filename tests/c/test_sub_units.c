/* Spec §18 from C: items scored by another rulebook through the item setters (a county's villages,
 * each holding its households: kp_item_add_item, kp_item_start_list, kp_item_add_number), the
 * items' own results (kp_options_set_keep_items, kp_result_item_count / _at / _result), aggregate lines
 * (kp_result_aggregate_count / _at) and the explanation, and the item an error is in
 * (kp_problem.item, kp_error_to_json).
 *
 * Usage: test_sub_units */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static const char *HOUSEHOLD =
    "[rulebook]\nid = \"t.household\"\nversion = \"1\"\nkey_field = \"hh\"\n"
    "[inputs]\nhh = { type = \"text\" }\n"
    "members = { type = \"integer\", min = 1, label = \"家庭人口\" }\n"
    "income = { type = \"decimal\", required = false }\n"
    "marks = { type = \"numbers\", default = [] }\n"
    "[params]\nline = 4000\n"
    "[derived]\nper_capita = \"income / members\"\nn_marks = \"count(marks)\"\n"
    "[[criterion]]\nid = \"income\"\nlabel = \"收入达标\"\nwhen = \"per_capita > line\"\n";

static const char *VILLAGE =
    "[rulebook]\nid = \"t.village\"\nversion = \"1\"\nkey_field = \"village\"\nscale = 4\n"
    "[inputs]\nvillage = { type = \"text\" }\npopulation = { type = \"integer\", min = 1 }\n"
    "households = { type = \"items\", rulebook = \"t.household\", label = \"建档立卡贫困户\" }\n"
    "[derived]\nremaining_poor = \"sum(households, item.members, not item.passed)\"\n"
    "incidence = \"remaining_poor / population * 100\"\n"
    "poorest = \"min(households, item.per_capita)\"\n"
    "marks = \"sum(households, item.n_marks)\"\n"
    "[[indicator]]\nid = \"incidence\"\nlabel = \"incidence\"\npoints = 1000\nformula = \"incidence\"\n"
    "[[indicator]]\nid = \"marks\"\nlabel = \"marks\"\npoints = 1000\nformula = \"marks\"\n";

static const char *COUNTY =
    "[rulebook]\nid = \"t.county\"\nversion = \"1\"\nscale = 4\n"
    "[inputs]\nvillages = { type = \"items\", rulebook = \"t.village\" }\n"
    "[derived]\nshare_low = \"share(villages, item.incidence < 3)\"\n"
    "[[indicator]]\nid = \"share_low\"\nlabel = \"share_low\"\npoints = 100\nformula = \"share_low\"\n";

static int eq(const char *a, const char *b) { return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0); }

#define CHECK_STR(got, want, what) \
    CHECK(eq((got), (want)), "%s: got %s, want %s", (what), (got) ? (got) : "NULL", (want) ? (want) : "NULL")

static kp_rulebook *village, *county;

static void load_all(void) {
    kp_loader *loader = NULL;
    kp_error *err = NULL;
    CHECK_STATUS(kp_loader_new(&loader), KP_OK);
    const char *texts[] = {HOUSEHOLD, VILLAGE, COUNTY};
    kp_rulebook *books[3] = {NULL, NULL, NULL};
    for (int i = 0; i < 3; i++) {
        CHECK_STATUS(kp_loader_from_str(loader, texts[i], strlen(texts[i]), KP_FORMAT_TOML, &books[i], &err), KP_OK);
        if (err) fprintf(stderr, "%s\n", kp_error_message(err));
        if (!books[i]) exit(1);
        CHECK_STATUS(kp_loader_add(loader, books[i]), KP_OK);
    }
    kp_loader_free(loader);
    kp_rulebook_free(books[0]);
    village = books[1];
    county = books[2];
}

/* A household item: `members` as given (-1: left out), `income` decimal text (NULL: left out). */
static kp_item *household(const char *hh, long long members, const char *income) {
    kp_item *it = NULL;
    CHECK_STATUS(kp_item_new(&it), KP_OK);
    CHECK_STATUS(kp_item_set_text(it, "hh", hh), KP_OK);
    if (members >= 0) CHECK_STATUS(kp_item_set_int(it, "家庭人口", members), KP_OK); /* by its label */
    if (income) CHECK_STATUS(kp_item_set_decimal(it, "income", income), KP_OK);
    return it;
}

/* 新村 of 200: h1 4 × 20000, h2 3 × 9000 (poor: 3000 a head), h3 5 × 30000 with marks 1 and 2. */
static kp_record *new_village(void) {
    kp_record *rec = NULL;
    CHECK_STATUS(kp_record_new(village, &rec), KP_OK);
    CHECK_STATUS(kp_record_set_text(rec, "village", "新村"), KP_OK);
    CHECK_STATUS(kp_record_set_int(rec, "population", 200), KP_OK);
    kp_item *h1 = household("h1", 4, "20000"), *h2 = household("h2", 3, "9000"), *h3 = household("h3", 5, "30000");
    CHECK_STATUS(kp_item_add_number(h3, "marks", "1"), KP_OK);
    CHECK_STATUS(kp_item_add_number(h3, "marks", "2"), KP_OK);
    CHECK_STATUS(kp_record_add_item(rec, "households", h1), KP_OK);
    CHECK_STATUS(kp_record_add_item(rec, "建档立卡贫困户", h2), KP_OK); /* the list by its label */
    CHECK_STATUS(kp_record_add_item(rec, "households", h3), KP_OK);
    kp_item_free(h1);
    kp_item_free(h2);
    kp_item_free(h3);
    return rec;
}

static void test_items_results(void) {
    kp_record *rec = new_village();
    kp_options *o = NULL;
    CHECK_STATUS(kp_options_new(&o), KP_OK);
    kp_result *res = NULL;
    char *s = NULL;

    /* Not kept unless asked for. */
    CHECK_STATUS(kp_score(village, rec, o, &res, NULL), KP_OK);
    CHECK(kp_result_item_count(res, "households") == 0, "items not kept by default");
    kp_result_item it;
    CHECK_STATUS(kp_result_item_at(res, "households", 0, &it), KP_NOT_FOUND);
    kp_result_free(res);
    res = NULL;

    CHECK_STATUS(kp_options_set_keep_items(o, true), KP_OK);
    CHECK_STATUS(kp_score(village, rec, o, &res, NULL), KP_OK);
    CHECK_STATUS(kp_result_points(res, "incidence", &s), KP_OK);
    CHECK_STR(s, "1.5000", "3 remaining poor of 200");
    kp_string_free(s);
    s = NULL;
    CHECK_STATUS(kp_result_points(res, "marks", &s), KP_OK);
    CHECK_STR(s, "2.0000", "h3's two marks, given through kp_item_add_number");
    kp_string_free(s);
    s = NULL;
    CHECK(kp_result_item_count(res, "households") == 3, "3 households kept: %zu",
          kp_result_item_count(res, "households"));
    CHECK(kp_result_item_count(res, "village") == 0 && kp_result_item_count(res, "nope") == 0,
          "no items of other names");
    const char *keys[] = {"h1", "h2", "h3"};
    const int passed[] = {1, 0, 1};
    for (size_t i = 0; i < 3; i++) {
        CHECK_STATUS(kp_result_item_at(res, "households", i, &it), KP_OK);
        CHECK(it.position == i + 1, "position %zu", it.position);
        CHECK_STR(it.key, keys[i], "item key");
        kp_result *sub = NULL;
        CHECK_STATUS(kp_result_item_result(res, "households", i, &sub), KP_OK);
        bool ok = false;
        CHECK_STATUS(kp_result_passed(sub, &ok), KP_OK);
        CHECK(ok == passed[i], "household %s passed: %d", keys[i], ok);
        CHECK_STATUS(kp_result_key(sub, &s), KP_OK);
        CHECK_STR(s, keys[i], "the item's result's key");
        kp_string_free(s);
        s = NULL;
        kp_result_criterion c;
        CHECK_STATUS(kp_result_criterion_at(sub, 0, &c), KP_OK);
        CHECK_STR(c.label, "收入达标", "its criterion");
        kp_result_free(sub);
    }
    CHECK_STATUS(kp_result_item_at(res, "households", 3, &it), KP_NOT_FOUND);
    kp_result *sub = NULL;
    CHECK_STATUS(kp_result_item_result(res, "households", 3, &sub), KP_NOT_FOUND);
    CHECK(sub == NULL, "no output on failure");

    /* The explanation lists the aggregates and the items. */
    CHECK_STATUS(kp_result_explain(res, KP_LANG_ZH, &s, NULL), KP_OK);
    CHECK(s && strstr(s, "remaining_poor = 3：建档立卡贫困户 3 项中 1 项满足 not item.passed，sum(item.members) = 3"),
          "the aggregate line in Chinese: %s", s);
    CHECK(s && strstr(s, "households[2] (h2)"), "the items in the explanation: %s", s);
    kp_string_free(s);
    s = NULL;
    CHECK_STATUS(kp_result_explain(res, KP_LANG_EN, &s, NULL), KP_OK);
    CHECK(s && strstr(s, "remaining_poor = 3: 1 of 3 建档立卡贫困户 meet not item.passed"), "in English: %s", s);
    kp_string_free(s);
    s = NULL;
    /* And the JSON holds the items' results. */
    CHECK_STATUS(kp_result_to_json(res, &s, NULL), KP_OK);
    CHECK(s && strstr(s, "\"items\":[{\"input\":\"households\""), "items in the JSON");
    kp_string_free(s);
    kp_result_free(res);
    kp_options_free(o);
    kp_record_free(rec);
}

/* A batch keeps its rows' items too, explained up front or on demand, typed and from JSON. */
static void test_batch_items(void) {
    kp_record *recs[2] = {new_village(), NULL};
    CHECK_STATUS(kp_record_new(village, &recs[1]), KP_OK);
    CHECK_STATUS(kp_record_set_text(recs[1], "village", "旧村"), KP_OK);
    CHECK_STATUS(kp_record_set_int(recs[1], "population", 10), KP_OK);
    CHECK_STATUS(kp_record_start_list(recs[1], "households"), KP_OK);
    const char *json = "[{\"village\": \"甲\", \"population\": 5, \"households\": [{\"hh\": \"j1\", \"members\": 1}]},"
                       " {\"village\": \"乙\", \"population\": 5, \"households\": []}]";
    for (int explain = 0; explain < 2; explain++) {
        kp_options *o = NULL;
        CHECK_STATUS(kp_options_new(&o), KP_OK);
        CHECK_STATUS(kp_options_set_explain(o, explain), KP_OK);
        kp_batch *b = NULL;
        kp_result *res = NULL;
        /* Without keep_items: none kept. */
        CHECK_STATUS(kp_score_batch(village, (const kp_record *const *)recs, 2, o, &b, NULL), KP_OK);
        CHECK_STATUS(kp_batch_row(b, 0, &res, NULL), KP_OK);
        CHECK(kp_result_item_count(res, "households") == 0, "not kept by default");
        kp_result_free(res);
        kp_batch_free(b);
        CHECK_STATUS(kp_options_set_keep_items(o, true), KP_OK);
        CHECK_STATUS(kp_score_batch(village, (const kp_record *const *)recs, 2, o, &b, NULL), KP_OK);
        CHECK_STATUS(kp_batch_row(b, 0, &res, NULL), KP_OK);
        CHECK(kp_result_item_count(res, "households") == 3, "3 kept (explain %d)", explain);
        kp_result_item it;
        CHECK_STATUS(kp_result_item_at(res, "households", 1, &it), KP_OK);
        CHECK(it.position == 2 && eq(it.key, "h2"), "the second household");
        kp_result_free(res);
        CHECK_STATUS(kp_batch_row(b, 1, &res, NULL), KP_OK);
        CHECK(kp_result_item_count(res, "households") == 0, "旧村 has none");
        kp_result_free(res);
        kp_batch_free(b);
        CHECK_STATUS(kp_score_batch_json(village, json, strlen(json), o, &b, NULL), KP_OK);
        CHECK_STATUS(kp_batch_row(b, 0, &res, NULL), KP_OK);
        CHECK(kp_result_item_count(res, "households") == 1, "甲's household kept");
        kp_result_free(res);
        kp_batch_free(b);
        kp_options_free(o);
    }
    kp_record_free(recs[0]);
    kp_record_free(recs[1]);
}

static void test_aggregates(void) {
    kp_record *rec = new_village();
    kp_item *h4 = household("h4", 2, NULL); /* no income: its per_capita has no data */
    CHECK_STATUS(kp_record_add_item(rec, "households", h4), KP_OK);
    kp_item_free(h4);
    kp_result *res = NULL;
    CHECK_STATUS(kp_score(village, rec, NULL, &res, NULL), KP_OK);
    CHECK(kp_result_aggregate_count(res) == 3, "3 aggregate calls: %zu", kp_result_aggregate_count(res));
    kp_result_aggregate a;
    CHECK_STATUS(kp_result_aggregate_at(res, 0, &a), KP_OK);
    CHECK_STR(a.place, "derived \"remaining_poor\"", "place");
    CHECK_STR(a.call, "sum(households, item.members, not item.passed)", "call");
    CHECK_STR(a.function, "sum", "function");
    CHECK_STR(a.list, "households", "list");
    CHECK_STR(a.list_label, "建档立卡贫困户", "list label");
    CHECK_STR(a.x, "item.members", "x");
    CHECK_STR(a.cond, "not item.passed", "cond");
    /* h2 and h4 (no data fails a criterion) remain poor: 3 + 2. */
    CHECK(a.selected == 2 && a.of == 4 && !a.list_missing, "2 of 4: %u of %u", a.selected, a.of);
    CHECK_STR(a.value, "5", "value");
    CHECK(a.no_data_item == 0, "no item without data");
    CHECK_STATUS(kp_result_aggregate_at(res, 1, &a), KP_OK);
    CHECK_STR(a.place, "derived \"poorest\"", "place");
    CHECK_STR(a.cond, NULL, "no condition");
    CHECK(a.value == NULL && a.no_data_item == 4, "no data, from the fourth household: %zu", a.no_data_item);
    CHECK_STATUS(kp_result_aggregate_at(res, 3, &a), KP_NOT_FOUND);
    kp_result_free(res);
    kp_record_free(rec);
}

/* A county's villages, each with its households: items holding items. */
static kp_item *village_item(const char *name, long long population, kp_item **hhs, size_t n) {
    kp_item *v = NULL;
    CHECK_STATUS(kp_item_new(&v), KP_OK);
    CHECK_STATUS(kp_item_set_text(v, "village", name), KP_OK);
    CHECK_STATUS(kp_item_set_int(v, "population", population), KP_OK);
    CHECK_STATUS(kp_item_start_list(v, "households"), KP_OK);
    for (size_t i = 0; i < n; i++) {
        CHECK_STATUS(kp_item_add_item(v, "households", hhs[i]), KP_OK);
        kp_item_free(hhs[i]);
    }
    return v;
}

static void test_three_levels(void) {
    kp_item *a[] = {household("a1", 2, "1000"), household("a2", 2, "100000")};
    kp_item *b[] = {household("b1", 5, "100000")};
    kp_item *v1 = village_item("甲村", 100, a, 2), *v2 = village_item("乙村", 100, b, 1);
    kp_item *v3 = village_item("丁村", 100, NULL, 0); /* an empty list, not a missing one */
    kp_record *rec = NULL;
    CHECK_STATUS(kp_record_new(county, &rec), KP_OK);
    CHECK_STATUS(kp_record_add_item(rec, "villages", v1), KP_OK);
    CHECK_STATUS(kp_record_add_item(rec, "villages", v2), KP_OK);
    CHECK_STATUS(kp_record_add_item(rec, "villages", v3), KP_OK);
    kp_options *o = NULL;
    CHECK_STATUS(kp_options_new(&o), KP_OK);
    CHECK_STATUS(kp_options_set_keep_items(o, true), KP_OK);
    kp_result *res = NULL;
    kp_error *err = NULL;
    CHECK_STATUS(kp_score(county, rec, o, &res, &err), KP_OK);
    if (err) fprintf(stderr, "%s\n", kp_error_message(err));
    kp_error_free(err);
    err = NULL;
    char *s = NULL;
    CHECK_STATUS(kp_result_points(res, "share_low", &s), KP_OK);
    CHECK_STR(s, "100.0000", "every village below 3%");
    kp_string_free(s);
    s = NULL;
    /* 甲村's own result, then its households' a level down. */
    kp_result *v = NULL, *h = NULL;
    CHECK_STATUS(kp_result_item_result(res, "villages", 0, &v), KP_OK);
    CHECK_STATUS(kp_result_points(v, "incidence", &s), KP_OK);
    CHECK_STR(s, "2.0000", "甲村: 2 poor of 100");
    kp_string_free(s);
    s = NULL;
    CHECK(kp_result_item_count(v, "households") == 2, "甲村's households kept");
    CHECK_STATUS(kp_result_item_result(v, "households", 0, &h), KP_OK);
    bool ok = true;
    CHECK_STATUS(kp_result_passed(h, &ok), KP_OK);
    CHECK(!ok, "a1 is poor");
    kp_result_free(h);
    kp_result_free(v);
    v = NULL;
    CHECK_STATUS(kp_result_item_result(res, "villages", 2, &v), KP_OK);
    CHECK(kp_result_item_count(v, "households") == 0, "丁村 has none");
    kp_result_free(v);
    kp_result_free(res);
    res = NULL;

    /* A problem two levels down names both items; every problem is reported. */
    kp_item *c[] = {household("c1", 0, "1"), household("c2", -1, "1")};
    kp_item *v4 = village_item("丙村", 10, c, 2);
    CHECK_STATUS(kp_record_add_item(rec, "villages", v4), KP_OK);
    CHECK_STATUS(kp_score(county, rec, o, &res, &err), KP_RECORD_ERROR);
    CHECK(res == NULL && err, "an error");
    kp_problem p;
    CHECK(kp_error_count(err) == 2, "two problems: %zu", kp_error_count(err));
    CHECK_STATUS(kp_error_problem(err, 0, &p), KP_OK);
    CHECK(p.kind == KP_KIND_INPUT_OUT_OF_RANGE, "out of range");
    CHECK_STR(p.field, "members", "the item's field");
    CHECK_STR(p.item, "villages[4] (丙村).households[1] (c1)", "the item");
    CHECK_STATUS(kp_error_problem(err, 1, &p), KP_OK);
    CHECK(p.kind == KP_KIND_MISSING_INPUT, "missing");
    CHECK_STR(p.item, "villages[4] (丙村).households[2] (c2)", "the second item");
    CHECK(strstr(kp_error_message(err), "villages[4] (丙村).households[1] (c1)") != NULL, "the message names it");
    CHECK_STATUS(kp_error_to_json(err, &s, NULL), KP_OK);
    CHECK(s && strstr(s, "\"item\":\"villages[4] (丙村).households[2] (c2)\""), "the JSON names it: %s", s);
    kp_string_free(s);
    kp_error_free(err);
    kp_item_free(v1);
    kp_item_free(v2);
    kp_item_free(v3);
    kp_item_free(v4);
    kp_options_free(o);
    kp_record_free(rec);
}

/* A record's own problem has no item; an item's evaluation fault names the item. */
static void test_error_items(void) {
    kp_record *rec = new_village();
    CHECK_STATUS(kp_record_set_int(rec, "population", 0), KP_OK);
    kp_result *res = NULL;
    kp_error *err = NULL;
    CHECK_STATUS(kp_score(village, rec, NULL, &res, &err), KP_RECORD_ERROR);
    kp_problem p;
    CHECK_STATUS(kp_error_problem(err, 0, &p), KP_OK);
    CHECK(p.item == NULL, "the record's own problem names no item");
    CHECK_STR(p.field, "population", "its field");
    kp_error_free(err);
    err = NULL;
    kp_record_free(rec);

    /* JSON: an item's members 0 divides by zero in a household rulebook without the minimum. */
    kp_loader *loader = NULL;
    CHECK_STATUS(kp_loader_new(&loader), KP_OK);
    char *lax = malloc(strlen(HOUSEHOLD) + 1);
    strcpy(lax, HOUSEHOLD);
    char *min = strstr(lax, "min = 1, ");
    memmove(min, min + 9, strlen(min + 9) + 1);
    kp_rulebook *hh = NULL, *v = NULL;
    CHECK_STATUS(kp_loader_from_str(loader, lax, strlen(lax), KP_FORMAT_TOML, &hh, NULL), KP_OK);
    CHECK_STATUS(kp_loader_add(loader, hh), KP_OK);
    CHECK_STATUS(kp_loader_from_str(loader, VILLAGE, strlen(VILLAGE), KP_FORMAT_TOML, &v, NULL), KP_OK);
    const char *json = "{\"village\": \"新村\", \"population\": 10, \"households\": "
                       "[{\"hh\": \"h1\", \"members\": 2, \"income\": 1}, {\"hh\": \"h2\", \"members\": 0, \"income\": 1}]}";
    CHECK_STATUS(kp_score_json(v, json, strlen(json), NULL, &res, &err), KP_RECORD_ERROR);
    CHECK_STATUS(kp_error_problem(err, 0, &p), KP_OK);
    CHECK(p.kind == KP_KIND_DIVISION_BY_ZERO, "division by zero");
    CHECK_STR(p.at, "per_capita", "the place inside the household's rulebook");
    CHECK_STR(p.item, "households[2] (h2)", "the item");
    CHECK(p.field == NULL, "no field");
    kp_error_free(err);
    free(lax);
    kp_rulebook_free(hh);
    kp_rulebook_free(v);
    kp_loader_free(loader);
}

/* Values a field's type never takes are refused when the item is added, at any level; a started
 * list takes the kind its field is declared with. */
static void test_setters(void) {
    kp_record *rec = NULL;
    CHECK_STATUS(kp_record_new(county, &rec), KP_OK);
    kp_item *bad = household("x", 1, "1");
    CHECK_STATUS(kp_item_set_bool(bad, "members", true), KP_OK); /* the item does not know its type yet */
    kp_item *v = village_item("甲村", 10, &bad, 1);
    kp_error *err = NULL;
    CHECK_STATUS(kp_record_add_item(rec, "villages", v), KP_WRONG_TYPE);
    kp_item_free(v);
    /* Two levels down: a text where marks belong. */
    kp_item *h = household("y", 1, "1");
    CHECK_STATUS(kp_item_set_text(h, "marks", "1;2"), KP_OK);
    v = village_item("乙村", 10, &h, 1);
    CHECK_STATUS(kp_record_add_item(rec, "villages", v), KP_WRONG_TYPE);
    kp_item_free(v);
    /* A started list with nothing in it is the field's kind: empty marks, an empty list of items. */
    h = household("z", 1, "5000");
    CHECK_STATUS(kp_item_add_number(h, "marks", "7"), KP_OK);
    CHECK_STATUS(kp_item_start_list(h, "marks"), KP_OK); /* back to empty */
    v = village_item("丙村", 10, &h, 1);
    CHECK_STATUS(kp_record_add_item(rec, "villages", v), KP_OK);
    kp_item_free(v);
    kp_result *res = NULL;
    CHECK_STATUS(kp_score(county, rec, NULL, &res, &err), KP_OK);
    if (err) fprintf(stderr, "%s\n", kp_error_message(err));
    kp_error_free(err);
    char *s = NULL;
    CHECK_STATUS(kp_result_points(res, "share_low", &s), KP_OK);
    CHECK_STR(s, "100.0000", "丙村 scores: nothing added after the refused ones");
    kp_string_free(s);
    kp_result_free(res);
    kp_record_free(rec);
}

/* A malloc'd copy of `s` without its NUL: reading past `len` is what the sanitizers catch. */
static char *unterminated(const char *s, size_t *len) {
    *len = strlen(s);
    char *p = malloc(*len ? *len : 1);
    if (!p) abort();
    memcpy(p, s, *len);
    return p;
}

/* Whole tables: villages with their households from CSV buffers (kp_score_csv_items). */
static void test_tables(void) {
    size_t vlen, hlen;
    char *villages = unterminated("village,population\n新村,200\n旧村,100\n", &vlen);
    char *households = unterminated("hh,village,家庭人口,income\nh1,新村,4,20000\nh2,新村,3,9000\n"
                                    "h3,旧村,2,1000\nh4,无村,1,1\n",
                                    &hlen);
    const char *lists[] = {"建档立卡贫困户"}; /* the list by its label */
    const char *tables[] = {households};
    size_t lens[] = {hlen};
    kp_batch *batch = NULL;
    kp_error *err = NULL;
    CHECK_STATUS(kp_score_csv_items(village, villages, vlen, lists, tables, lens, 1, NULL, &batch, &err), KP_OK);
    if (err) fprintf(stderr, "%s\n", kp_error_message(err));
    CHECK(kp_batch_len(batch) == 2, "one slot per village, got %zu", kp_batch_len(batch));
    char *t = NULL;
    CHECK_STATUS(kp_batch_row_total(batch, 0, &t), KP_OK);
    CHECK_STR(t, "1.5000", "新村: 3 poor members of 200"); /* h2: 9000 / 3 = 3000 a head */
    kp_string_free(t);
    t = NULL;
    CHECK_STATUS(kp_batch_row_total(batch, 1, &t), KP_OK);
    CHECK_STR(t, "2.0000", "旧村: 2 poor members of 100");
    kp_string_free(t);
    char *summary = NULL;
    CHECK_STATUS(kp_batch_summary_json(batch, &summary, NULL), KP_OK);
    CHECK(summary && strstr(summary, "\"unmatched\":[{\"count\":1,\"first\":\"无村\",\"list\":\"建档立卡贫困户\"}]"),
          "the household of no village is counted: %s", summary ? summary : "NULL");
    kp_string_free(summary);
    kp_batch_free(batch);

    /* No child tables: as kp_score_csv (the lists are missing, not empty: required, so each row fails). */
    batch = NULL;
    CHECK_STATUS(kp_score_csv_items(village, villages, vlen, NULL, NULL, NULL, 0, NULL, &batch, NULL), KP_OK);
    CHECK(kp_batch_len(batch) == 2, "two rows");
    kp_batch_free(batch);

    /* A list the rulebook does not declare, a ragged child row: the table is refused, nothing is given. */
    batch = NULL;
    const char *wrong[] = {"farms"};
    CHECK_STATUS(kp_score_csv_items(village, villages, vlen, wrong, tables, lens, 1, NULL, &batch, &err),
                 KP_TABLE_ERROR);
    CHECK(batch == NULL, "no batch for a refused table");
    CHECK(err && strstr(kp_error_message(err), "farms"), "the error names the list");
    kp_error_free(err);
    err = NULL;
    size_t rlen;
    char *ragged = unterminated("hh,village,家庭人口\nh1,新村\n", &rlen);
    const char *rt[] = {ragged};
    size_t rl[] = {rlen};
    CHECK_STATUS(kp_score_csv_items(village, villages, vlen, lists, rt, rl, 1, NULL, &batch, &err), KP_TABLE_ERROR);
    CHECK(err && strstr(kp_error_message(err), "line 2"), "the ragged line is named: %s", err ? kp_error_message(err) : "");
    kp_error_free(err);
    err = NULL;
    /* NULL where a pointer is needed. */
    CHECK_STATUS(kp_score_csv_items(village, villages, vlen, NULL, tables, lens, 1, NULL, &batch, NULL),
                 KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_score_csv_items(village, villages, vlen, lists, NULL, lens, 1, NULL, &batch, NULL),
                 KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_score_csv_items(village, villages, vlen, lists, tables, NULL, 1, NULL, &batch, NULL),
                 KP_NULL_ARGUMENT);
    const char *null_table[] = {NULL};
    CHECK_STATUS(kp_score_csv_items(village, villages, vlen, lists, null_table, lens, 1, NULL, &batch, NULL),
                 KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_score_csv_items(NULL, villages, vlen, lists, tables, lens, 1, NULL, &batch, NULL),
                 KP_NULL_ARGUMENT);
    CHECK_STATUS(kp_score_csv_items(village, villages, vlen, lists, tables, lens, 1, NULL, NULL, NULL),
                 KP_NULL_ARGUMENT);
    CHECK(batch == NULL, "no batch on failure");
    free(ragged);
    free(villages);
    free(households);
}

int main(void) {
    load_all();
    test_items_results();
    test_batch_items();
    test_aggregates();
    test_three_levels();
    test_error_items();
    test_setters();
    test_tables();
    kp_rulebook_free(village);
    kp_rulebook_free(county);
    kp_shutdown(); /* nothing of kaoping is left for valgrind or LeakSanitizer to report */
    return report("test_sub_units");
}
