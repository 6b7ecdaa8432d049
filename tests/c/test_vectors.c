/* The golden vectors (the JSON files in tests/vectors, worked out by an independent exact reference, never by
 * kaoping) reproduced from C, exactly, with the same decimal strings: every case through a record
 * built natively with the typed setters (kp_record_set_int, _set_decimal, _add_item, and for items
 * holding lists kp_item_add_item, _add_number…; a value a setter refuses with KP_WRONG_TYPE must be
 * one the vector fails with InputType) and through the record's JSON text (kp_score_json); batch
 * vectors through kp_score_batch and kp_score_batch_json, in parallel and not, explained up front
 * and on demand; load-error vectors by kind and location (those with components from files side
 * by side, so that a component may name the top rulebook). Errors are compared with their item
 * paths (spec §18.2); table cases (`tables`, §18.5) through kp_score_csv_items. This mirrors
 * core/tests/vectors.rs.
 *
 * Usage: test_vectors VECTORS_DIR */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "json.h"

/* ---- a string builder, for JSON texts of what kaoping returned ---- */

typedef struct {
    char *s;
    size_t n, cap;
} sb;

static void sb_add(sb *b, const char *text) {
    size_t k = strlen(text);
    if (b->n + k + 1 > b->cap) {
        b->cap = (b->n + k + 1) * 2;
        b->s = realloc(b->s, b->cap);
        if (!b->s) abort();
    }
    memcpy(b->s + b->n, text, k + 1);
    b->n += k;
}

static void sb_str(sb *b, const char *text) { /* a JSON string literal */
    char one[8];
    sb_add(b, "\"");
    for (const char *c = text; *c; c++) {
        if (*c == '"' || *c == '\\') {
            one[0] = '\\';
            one[1] = *c;
            one[2] = '\0';
        } else if ((unsigned char)*c < 0x20) {
            snprintf(one, sizeof one, "\\u%04x", (unsigned)(unsigned char)*c);
        } else {
            one[0] = *c;
            one[1] = '\0';
        }
        sb_add(b, one);
    }
    sb_add(b, "\"");
}

static void sb_value(sb *b, const jval *v) { /* append a parsed value as written */
    char *t = json_source(v);
    sb_add(b, t);
    free(t);
}

/* ---- where we are, for messages ---- */

static const char *vec_name = "";
static const char *path_name = "";
static char case_name[256];
static int cases_run = 0;

static void mismatch(const char *what, const jval *want, const char *got) {
    char *w = json_show(want);
    failf(vec_name, 0, "[%s] (%s): %s: expected %s, got %s", path_name, case_name, what, w, got);
    free(w);
}

/* Compare a wanted JSON value with a JSON text built from what kaoping returned. */
static void compare_json(const char *what, const jval *want, const char *got_text) {
    char error[128];
    jval *got = json_parse(got_text, strlen(got_text), error);
    checks++;
    if (!got) {
        failf(vec_name, 0, "%s: cannot parse %s: %s", what, got_text, error);
        return;
    }
    if (!json_equal(want, got)) mismatch(what, want, got_text);
    json_free(got);
}

/* A string or null from an accessor that gives KP_OK or KP_NO_VALUE, as a JSON text. */
static void text_or_null(sb *b, kp_status st, char *value, const char *what) {
    if (st == KP_OK) {
        sb_str(b, value);
    } else {
        CHECK(st == KP_NO_VALUE, "%s [%s] (%s): %s gave %s", vec_name, path_name, case_name, what,
              kp_status_str(st));
        sb_add(b, "null");
    }
    kp_string_free(value);
}

static void compare_accessor(const char *what, const jval *want, kp_status st, char *value) {
    sb b = {0};
    text_or_null(&b, st, value, what);
    compare_json(what, want, b.s);
    free(b.s);
}

/* ---- comparing a result with a vector's expectation ---- */

static const jval *node_note(const jval *node) { return json_get(node, "note"); }

static void compare_outcome(const jval *e, const kp_result *res) {
    char *s = NULL;
    kp_status st;
    /* The typed accessors: what a C caller stores. */
    s = NULL;
    st = kp_result_total(res, &s);
    compare_accessor("total", json_get(e, "total"), st, s);
    s = NULL;
    st = kp_result_max(res, &s);
    compare_accessor("max", json_get(e, "max"), st, s);
    s = NULL;
    st = kp_result_grade(res, &s);
    compare_accessor("grade", json_get(e, "grade"), st, s);
    bool passed = false;
    st = kp_result_passed(res, &passed);
    compare_json("passed", json_get(e, "passed"), st == KP_OK ? (passed ? "true" : "false") : "null");
    if (json_get(e, "key")) {
        s = NULL;
        st = kp_result_key(res, &s);
        sb b = {0};
        sb_str(&b, st == KP_OK ? s : "");
        kp_string_free(s);
        compare_json("key", json_get(e, "key"), b.s);
        free(b.s);
    }
    if (json_get(e, "profile")) {
        s = NULL;
        st = kp_result_profile(res, &s);
        compare_accessor("profile", json_get(e, "profile"), st, s);
    }
    const jval *points = json_get(e, "points");
    for (size_t i = 0; points && i < points->count; i++) {
        char what[300];
        snprintf(what, sizeof what, "points.%s", points->keys[i]);
        s = NULL;
        st = kp_result_points(res, points->keys[i], &s);
        if (st == KP_NOT_FOUND) {
            compare_json(what, &points->items[i], "\"no such node\"");
            continue;
        }
        compare_accessor(what, &points->items[i], st, s);
    }

    /* The rest through the result's JSON (kaoping.result/2). */
    char *text = NULL;
    size_t len = 0;
    CHECK_STATUS(kp_result_to_json(res, &text, &len), KP_OK);
    if (!text) return;
    CHECK(len == strlen(text), "kp_result_to_json length %zu for %zu bytes", len, strlen(text));
    char error[128];
    jval *o = json_parse(text, len, error);
    CHECK(o != NULL, "result JSON does not parse: %s", error);
    if (!o) {
        kp_string_free(text);
        return;
    }
    const char *direct[] = {"as_of", "base", "bonus", "penalty"};
    for (size_t i = 0; i < sizeof direct / sizeof *direct; i++) {
        const jval *want = json_get(e, direct[i]);
        if (!want) continue;
        const jval *got = json_get(o, direct[i]);
        char *g = json_show(got);
        checks++;
        if (!got || !json_equal(want, got)) mismatch(direct[i], want, g);
        free(g);
    }
    /* The published total in the JSON is the typed total. */
    {
        s = NULL;
        st = kp_result_total(res, &s);
        const jval *jt = json_get(o, "total");
        CHECK((st == KP_OK && jt && jt->type == J_STRING && strcmp(jt->text, s) == 0) ||
                  (st == KP_NO_VALUE && jt && jt->type == J_NULL),
              "%s (%s): JSON total differs from kp_result_total", vec_name, case_name);
        kp_string_free(s);
    }
    const jval *nodes = json_get(o, "nodes");
    if (json_get(e, "status")) {
        sb b = {0};
        sb_add(&b, "{");
        int first = 1;
        for (size_t i = 0; nodes && i < nodes->count; i++) {
            const jval *status = json_get(&nodes->items[i], "status");
            if (status && strcmp(status->text, "scored") == 0) continue;
            if (!first) sb_add(&b, ",");
            first = 0;
            sb_str(&b, json_get(&nodes->items[i], "id")->text);
            sb_add(&b, ":");
            sb_value(&b, status);
        }
        sb_add(&b, "}");
        compare_json("status", json_get(e, "status"), b.s);
        free(b.s);
    }
    const char *adjust[] = {"bonus_items", "penalty_items"};
    for (size_t k = 0; k < 2; k++) {
        if (!json_get(e, adjust[k])) continue;
        const jval *items = json_get(o, adjust[k]);
        sb b = {0};
        sb_add(&b, "{");
        for (size_t i = 0; items && i < items->count; i++) {
            if (i) sb_add(&b, ",");
            sb_str(&b, json_get(&items->items[i], "id")->text);
            sb_add(&b, ":");
            sb_value(&b, json_get(&items->items[i], "points"));
        }
        sb_add(&b, "}");
        compare_json(adjust[k], json_get(e, adjust[k]), b.s);
        free(b.s);
    }
    if (json_get(e, "vetoes")) {
        const jval *vetoes = json_get(o, "vetoes");
        sb b = {0};
        sb_add(&b, "[");
        for (size_t i = 0; vetoes && i < vetoes->count; i++) {
            if (i) sb_add(&b, ",");
            sb_value(&b, json_get(&vetoes->items[i], "id"));
        }
        sb_add(&b, "]");
        compare_json("vetoes", json_get(e, "vetoes"), b.s);
        free(b.s);
    }
    if (json_get(e, "grade_rules")) {
        const jval *rules = json_get(o, "grade_rules");
        sb b = {0};
        sb_add(&b, "[");
        for (size_t i = 0; rules && i < rules->count; i++) {
            if (i) sb_add(&b, ",");
            sb_value(&b, json_get(&rules->items[i], "index"));
        }
        sb_add(&b, "]");
        compare_json("grade_rules", json_get(e, "grade_rules"), b.s);
        free(b.s);
    }
    if (json_get(e, "criteria")) {
        const jval *criteria = json_get(o, "criteria");
        sb b = {0};
        sb_add(&b, "{");
        for (size_t i = 0; criteria && i < criteria->count; i++) {
            if (i) sb_add(&b, ",");
            sb_str(&b, json_get(&criteria->items[i], "id")->text);
            sb_add(&b, ":");
            sb_value(&b, json_get(&criteria->items[i], "holds"));
        }
        sb_add(&b, "}");
        compare_json("criteria", json_get(e, "criteria"), b.s);
        free(b.s);
    }
    if (json_get(e, "flags")) {
        sb b = {0};
        sb_add(&b, "[");
        int first = 1;
        for (size_t i = 0; nodes && i < nodes->count; i++) {
            const jval *note = node_note(&nodes->items[i]);
            const jval *kind = json_get(note, "kind");
            const jval *flagged = json_get(note, "flagged");
            if (!kind || strcmp(kind->text, "panel") != 0 || !flagged || !flagged->boolean) continue;
            if (!first) sb_add(&b, ",");
            first = 0;
            sb_value(&b, json_get(&nodes->items[i], "id"));
        }
        sb_add(&b, "]");
        compare_json("flags", json_get(e, "flags"), b.s);
        free(b.s);
    }
    if (json_get(e, "lost")) {
        const jval *lost = json_get(o, "lost");
        sb b = {0};
        sb_add(&b, "[");
        for (size_t i = 0; lost && i < lost->count; i++) {
            if (i) sb_add(&b, ",");
            sb_add(&b, "[");
            sb_value(&b, json_get(&lost->items[i], "id"));
            sb_add(&b, ",");
            sb_value(&b, json_get(&lost->items[i], "lost"));
            sb_add(&b, "]");
        }
        sb_add(&b, "]");
        compare_json("lost", json_get(e, "lost"), b.s);
        free(b.s);
    }
    if (json_get(e, "next_grade")) {
        const jval *next = json_get(o, "next_grade");
        sb b = {0};
        if (!next || next->type == J_NULL) {
            sb_add(&b, "null");
        } else {
            sb_add(&b, "{\"grade\":");
            sb_value(&b, json_get(next, "grade"));
            const jval *held = json_get(next, "blocked_by");
            if (held) {
                /* Held by vetoes or grade rules: their ids, no gap. */
                sb_add(&b, ",\"blocked_by\":[");
                for (size_t i = 0; i < held->count; i++) {
                    if (i) sb_add(&b, ",");
                    sb_value(&b, json_get(&held->items[i], "id"));
                }
                sb_add(&b, "]");
            } else {
                sb_add(&b, ",\"gap\":");
                sb_value(&b, json_get(next, "gap"));
            }
            sb_add(&b, "}");
        }
        compare_json("next_grade", json_get(e, "next_grade"), b.s);
        free(b.s);
    }
    json_free(o);
    kp_string_free(text);
}

static void compare_error(const jval *e, const kp_error *err) {
    const jval *want = json_get(e, "error");
    kp_problem p;
    CHECK_STATUS(kp_error_problem(err, 0, &p), KP_OK);
    CHECK(kp_error_status(err) == KP_RECORD_ERROR, "error status %d", (int)kp_error_status(err));
    CHECK(kp_error_kind(err) == p.kind, "kp_error_kind %d is not the first problem's %d", kp_error_kind(err),
          p.kind);
    const char *kind = kp_error_kind_name(p.kind);
    sb b = {0};
    sb_str(&b, kind ? kind : "?");
    compare_json("error kind", json_get(want, "kind"), b.s);
    free(b.s);
    const char *places[] = {"field", "at", "item"};
    const char *got[] = {p.field, p.at, p.item};
    for (int i = 0; i < 3; i++) {
        const jval *w = json_get(want, places[i]);
        /* The item path is absent for a problem of the record itself: NULL then. */
        if (!w && i < 2) continue;
        sb c = {0};
        if (got[i]) sb_str(&c, got[i]);
        else sb_add(&c, "null");
        if (w) {
            compare_json(places[i], w, c.s);
        } else {
            checks++;
            if (got[i])
                failf(vec_name, 0, "[%s] (%s): item: expected none, got %s", path_name, case_name, c.s);
        }
        free(c.s);
    }
    if (json_get(want, "all")) {
        sb c = {0};
        sb_add(&c, "[");
        for (size_t i = 0; i < kp_error_count(err); i++) {
            kp_problem q;
            CHECK_STATUS(kp_error_problem(err, i, &q), KP_OK);
            if (i) sb_add(&c, ",");
            sb_add(&c, "[");
            sb_str(&c, kp_error_kind_name(q.kind));
            sb_add(&c, ",");
            if (q.field) sb_str(&c, q.field);
            else sb_add(&c, "null");
            if (q.item) {
                sb_add(&c, ",");
                sb_str(&c, q.item);
            }
            sb_add(&c, "]");
        }
        sb_add(&c, "]");
        compare_json("error all", json_get(want, "all"), c.s);
        free(c.s);
    }
    const jval *key = json_get(e, "key");
    const char *got_key = kp_error_key(err);
    if (key && key->type == J_STRING && got_key) {
        CHECK(strcmp(key->text, got_key) == 0, "%s (%s): error key %s, want %s", vec_name, case_name, got_key,
              key->text);
    }
}

/* ---- typed records: native values through the typed setters ---- */

static int is_integer_text(const char *t, long long *out) {
    if (strpbrk(t, ".eE")) return 0;
    errno = 0;
    char *end;
    long long v = strtoll(t, &end, 10);
    if (errno || *end) return 0;
    *out = v;
    return 1;
}

/* The first input a typed setter refused with KP_WRONG_TYPE while building the current record
 * (empty when none): a value its declared type never takes, which the setter reports at once,
 * where JSON reports it when scored. */
static char refused[256];

/* Every setter returns KP_OK, KP_UNKNOWN_FIELD when the vector gives a field that is not an
 * input (the core ignores it with a warning), or KP_WRONG_TYPE for a value of a kind the input's
 * type never takes (remembered in `refused`). */
static void set_ok(kp_status st, const char *field, kp_input_type ty) {
    if (st == KP_WRONG_TYPE && ty != 0) {
        if (!refused[0]) snprintf(refused, sizeof refused, "%s", field);
        return;
    }
    CHECK(st == KP_OK || (st == KP_UNKNOWN_FIELD && ty == 0), "%s (%s): setting %s gave %s", vec_name,
          case_name, field, kp_status_str(st));
}

/* Whether item path `path` lies inside list input `list` (`households[2] (h2)…`). */
static int in_list(const char *path, const char *list) {
    size_t k = strlen(list);
    return strncmp(path, list, k) == 0 && path[k] == '[';
}

/* A record the setters refused at set time must be one the vector expects to fail with InputType
 * at the refused input (its first issue, or one of `all`); an item kp_record_add_item refused
 * (`refused_item`), with InputType inside an item of that list. */
static int refused_item = 0;

static void check_refused(const jval *e) {
    const jval *want = json_get(e, "error");
    checks++;
    if (!want) {
        failf(vec_name, 0, "[%s] (%s): a setter refused %s, the vector expects a result", path_name, case_name,
              refused);
        return;
    }
    const jval *kind = json_get(want, "kind"), *field = json_get(want, "field"), *all = json_get(want, "all");
    const jval *item = json_get(want, "item");
    int found = kind && strcmp(kind->text, "InputType") == 0 && field &&
                (refused_item ? item && in_list(item->text, refused) : !item && strcmp(field->text, refused) == 0);
    for (size_t i = 0; all && i < all->count; i++) {
        const jval *issue = &all->items[i];
        if (strcmp(issue->items[0].text, "InputType") != 0) continue;
        if (refused_item)
            found |= issue->count == 3 && in_list(issue->items[2].text, refused);
        else
            found |= issue->count == 2 && issue->items[1].type == J_STRING &&
                     strcmp(issue->items[1].text, refused) == 0;
    }
    if (!found)
        failf(vec_name, 0, "[%s] (%s): a setter refused %s, the vector expects no InputType there", path_name,
              case_name, refused);
}

static void set_item_field(kp_item *item, const char *field, const jval *v, kp_input_type ty);

/* A list inside an item (a village's households, an item's marks): items for a list of objects,
 * marks for a list of numbers; anything else is a value of the wrong type, which adding the item to
 * the record refuses. The fields' types a level down are unknown here: the JSON's own decide. */
static void set_item_list(kp_item *item, const char *field, const jval *v) {
    int objects = 1, scalars = 1;
    for (size_t k = 0; k < v->count; k++) {
        objects &= v->items[k].type == J_OBJECT;
        scalars &= v->items[k].type == J_NUMBER || v->items[k].type == J_STRING;
    }
    CHECK_STATUS(kp_item_start_list(item, field), KP_OK);
    for (size_t k = 0; k < v->count; k++) {
        const jval *el = &v->items[k];
        if (objects) {
            kp_item *sub = NULL;
            CHECK_STATUS(kp_item_new(&sub), KP_OK);
            for (size_t f = 0; f < el->count; f++) set_item_field(sub, el->keys[f], &el->items[f], 0);
            CHECK_STATUS(kp_item_add_item(item, field, sub), KP_OK);
            kp_item_free(sub);
        } else if (!scalars || kp_item_add_number(item, field, el->text) != KP_OK) {
            CHECK_STATUS(kp_item_set_bool(item, field, false), KP_OK);
            return;
        }
    }
}

static void set_item_field(kp_item *item, const char *field, const jval *v, kp_input_type ty) {
    long long i;
    switch (v->type) {
    case J_BOOL: CHECK_STATUS(kp_item_set_bool(item, field, v->boolean), KP_OK); break;
    case J_NUMBER:
        if (ty != KP_INPUT_DECIMAL && is_integer_text(v->text, &i))
            CHECK_STATUS(kp_item_set_int(item, field, i), KP_OK);
        else
            CHECK_STATUS(kp_item_set_decimal(item, field, v->text), KP_OK);
        break;
    case J_STRING:
        if (ty != KP_INPUT_DECIMAL || kp_item_set_decimal(item, field, v->text) != KP_OK)
            CHECK_STATUS(kp_item_set_text(item, field, v->text), KP_OK);
        break;
    case J_ARRAY: set_item_list(item, field, v); break;
    case J_OBJECT: CHECK_STATUS(kp_item_set_bool(item, field, false), KP_OK); break;
    default: break; /* null: left out */
    }
}

static void set_native(const kp_rulebook *rb, kp_record *rec, const char *field, const jval *v) {
    kp_input_type ty = 0;
    if (kp_rulebook_input_type(rb, field, &ty) != KP_OK) ty = 0; /* not an input */
    long long i;
    switch (v->type) {
    case J_NULL: return; /* missing */
    case J_BOOL: set_ok(kp_record_set_bool(rec, field, v->boolean), field, ty); return;
    case J_NUMBER:
        if (ty != KP_INPUT_DECIMAL && is_integer_text(v->text, &i)) {
            set_ok(kp_record_set_int(rec, field, i), field, ty);
        } else if (kp_record_set_decimal(rec, field, v->text) == KP_INVALID_NUMBER) {
            /* Beyond what a decimal holds: hand the text over as a cell; the core reports it. */
            set_ok(kp_record_set_cell(rec, field, v->text), field, ty);
        }
        return;
    case J_STRING:
        if (ty == KP_INPUT_DECIMAL) {
            kp_status st = kp_record_set_decimal(rec, field, v->text);
            if (st == KP_INVALID_NUMBER) st = kp_record_set_text(rec, field, v->text);
            set_ok(st, field, ty);
        } else {
            set_ok(kp_record_set_text(rec, field, v->text), field, ty);
        }
        return;
    case J_ARRAY:
        if (ty == KP_INPUT_NUMBERS) {
            CHECK_STATUS(kp_record_start_list(rec, field), KP_OK);
            sb cell = {0};
            sb_add(&cell, "");
            int bad = 0, scalar = 1;
            for (size_t k = 0; k < v->count; k++) {
                const jval *m = &v->items[k];
                if (m->type != J_NUMBER && m->type != J_STRING) {
                    scalar = 0;
                    break;
                }
                if (k) sb_add(&cell, ";");
                sb_add(&cell, m->text);
                if (!bad && kp_record_add_number(rec, field, m->text) != KP_OK) bad = 1;
            }
            if (!scalar) {
                /* Not a list of numbers: a value of the wrong type, reported when scored. */
                set_ok(kp_record_set_bool(rec, field, false), field, ty);
            } else if (bad) {
                /* A mark that is not a decimal: give the marks as one cell, so the core reports
                 * the mark the way it reports any cell (InputType or InputOutOfRange). */
                CHECK_STATUS(kp_record_set_cell(rec, field, cell.s), KP_OK);
            }
            free(cell.s);
            return;
        }
        if (ty == KP_INPUT_ITEMS) {
            CHECK_STATUS(kp_record_start_list(rec, field), KP_OK);
            for (size_t k = 0; k < v->count; k++) {
                const jval *it = &v->items[k];
                if (it->type != J_OBJECT) {
                    set_ok(kp_record_set_bool(rec, field, false), field, ty);
                    return;
                }
                kp_item *item = NULL;
                CHECK_STATUS(kp_item_new(&item), KP_OK);
                for (size_t f = 0; f < it->count; f++) {
                    kp_input_type fty = 0;
                    if (kp_rulebook_item_field_type(rb, field, it->keys[f], &fty) != KP_OK) fty = 0;
                    set_item_field(item, it->keys[f], &it->items[f], fty);
                }
                kp_status st = kp_record_add_item(rec, field, item);
                kp_item_free(item);
                if (st == KP_WRONG_TYPE) { /* a field inside it the field's type never takes */
                    if (!refused[0]) {
                        snprintf(refused, sizeof refused, "%s", field);
                        refused_item = 1;
                    }
                    return;
                }
                CHECK(st == KP_OK, "%s (%s): adding an item to %s gave %s", vec_name, case_name, field,
                      kp_status_str(st));
            }
            return;
        }
        /* A list for an input that is not one: as an object. */
        /* fall through */
    case J_OBJECT:
        /* A value of a type no setter maps: a boolean stands in, and the core reports the wrong
         * type (or the unknown field) as it would any (as vectors.rs does). */
        set_ok(kp_record_set_bool(rec, field, false), field, ty);
        return;
    }
}

static kp_record *typed_record(const kp_rulebook *rb, const jval *record) {
    refused[0] = 0;
    refused_item = 0;
    kp_record *rec = NULL;
    CHECK_STATUS(kp_record_new(rb, &rec), KP_OK);
    for (size_t i = 0; record && i < record->count; i++) set_native(rb, rec, record->keys[i], &record->items[i]);
    return rec;
}

/* ---- running a vector ---- */

static kp_options *case_options(const jval *c, bool parallel, bool explain) {
    kp_options *o = NULL;
    CHECK_STATUS(kp_options_new(&o), KP_OK);
    const jval *profile = json_get(c, "profile");
    if (profile && profile->type == J_STRING) CHECK_STATUS(kp_options_set_profile(o, profile->text), KP_OK);
    const jval *as_of = json_get(c, "as_of");
    if (as_of && as_of->type == J_STRING) CHECK_STATUS(kp_options_set_as_of(o, as_of->text), KP_OK);
    CHECK_STATUS(kp_options_set_parallel(o, parallel), KP_OK);
    CHECK_STATUS(kp_options_set_explain(o, explain), KP_OK);
    return o;
}

/* The vector's rulebook with its components, which are listed innermost first: each is loaded
 * with the ones before it (a component of a component). */
static kp_status load(const jval *v, kp_rulebook **rb, kp_error **err) {
    const jval *text = json_get(v, "rulebook");
    const jval *components = json_get(v, "components");
    if (!components || components->count == 0)
        return kp_rulebook_from_str(text->text, strlen(text->text), KP_FORMAT_TOML, rb, err);
    kp_loader *loader = NULL;
    CHECK_STATUS(kp_loader_new(&loader), KP_OK);
    for (size_t i = 0; i < components->count; i++) {
        const char *t = components->items[i].text;
        kp_rulebook *c = NULL;
        CHECK_STATUS(kp_loader_from_str(loader, t, strlen(t), KP_FORMAT_TOML, &c, NULL), KP_OK);
        CHECK_STATUS(kp_loader_add(loader, c), KP_OK);
        kp_rulebook_free(c); /* the loader keeps its own reference */
    }
    kp_status st = kp_loader_from_str(loader, text->text, strlen(text->text), KP_FORMAT_TOML, rb, err);
    kp_loader_free(loader);
    return st;
}

/* The id of a rulebook's TOML text (its first `id = "…"` line: the [rulebook] table comes first),
 * into `out`; 0 when there is none. */
static int rulebook_id(const char *text, char *out, size_t n) {
    for (const char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        if (strncmp(line, "id = \"", 6) != 0) continue;
        const char *end = strchr(line + 6, '"');
        if (!end || (size_t)(end - line - 6) >= n) return 0;
        memcpy(out, line + 6, (size_t)(end - line - 6));
        out[end - line - 6] = '\0';
        return 1;
    }
    return 0;
}

/* A load-error vector with components, loaded from a file beside each component written as
 * `<id>.toml` in a new temporary folder: all of them are available at once, as a component that
 * names the top rulebook (a cycle through items) needs. */
static kp_status load_from_folder(const jval *v, kp_rulebook **rb, kp_error **err) {
    char dir[] = "/tmp/kp-vector-XXXXXX";
    CHECK(mkdtemp(dir) != NULL, "mkdtemp: %s", strerror(errno));
    const jval *components = json_get(v, "components");
    size_t n = components->count + 1;
    char (*paths)[512] = calloc(n, sizeof *paths);
    kp_status st = KP_INVALID_ARGUMENT;
    for (size_t i = 0; i < n; i++) {
        const char *text = i + 1 < n ? components->items[i].text : json_get(v, "rulebook")->text;
        char id[256];
        CHECK(rulebook_id(text, id, sizeof id), "%s: a rulebook without an id", vec_name);
        snprintf(paths[i], sizeof paths[i], "%s/%s.toml", dir, id);
        FILE *f = fopen(paths[i], "wb");
        CHECK(f != NULL, "cannot write %s", paths[i]);
        if (f) {
            fputs(text, f);
            fclose(f);
        }
    }
    st = kp_rulebook_from_file(paths[n - 1], rb, err);
    for (size_t i = 0; i < n; i++) remove(paths[i]);
    rmdir(dir);
    free(paths);
    return st;
}

static void check_one(const jval *e, kp_status st, kp_result *res, kp_error *err) {
    const jval *want_error = json_get(e, "error");
    checks++;
    if (st == KP_OK && !want_error) {
        compare_outcome(e, res);
    } else if (st == KP_RECORD_ERROR && want_error) {
        compare_error(e, err);
    } else if (st == KP_RECORD_ERROR) {
        failf(vec_name, 0, "[%s] (%s): unexpected error %s", path_name, case_name, kp_error_message(err));
    } else if (st == KP_OK) {
        failf(vec_name, 0, "[%s] (%s): expected an error, it scored", path_name, case_name);
    } else {
        failf(vec_name, 0, "[%s] (%s): status %s", path_name, case_name, kp_status_str(st));
    }
    kp_result_free(res);
    kp_error_free(err);
}

static void run_singles(const kp_rulebook *rb, const jval *cases) {
    for (size_t i = 0; i < cases->count; i++) {
        const jval *c = &cases->items[i];
        const jval *record = json_get(c, "record");
        const jval *e = json_get(c, "expect");
        snprintf(case_name, sizeof case_name, "%s", json_get(c, "name")->text);
        kp_options *o = case_options(c, true, false);

        path_name = "typed";
        kp_record *rec = typed_record(rb, record);
        kp_result *res = NULL;
        kp_error *err = NULL;
        kp_status st;
        if (refused[0]) {
            check_refused(e);
        } else {
            st = kp_score(rb, rec, o, &res, &err);
            check_one(e, st, res, err);
        }
        kp_record_free(rec);

        path_name = "json";
        char *json = json_source(record);
        res = NULL;
        err = NULL;
        st = kp_score_json(rb, json, strlen(json), o, &res, &err);
        check_one(e, st, res, err);
        free(json);
        kp_options_free(o);
        cases_run++;
    }
}

static void check_rank(const char *what, const jval *want, kp_status st, uint32_t rank) {
    if (!want) return;
    char got[32];
    if (st == KP_OK) snprintf(got, sizeof got, "%u", rank);
    else snprintf(got, sizeof got, "null");
    compare_json(what, want, got);
}

static void check_batch(const jval *v, const jval *cases, kp_batch *batch) {
    CHECK(kp_batch_len(batch) == cases->count, "%s: batch of %zu rows for %zu records", vec_name,
          kp_batch_len(batch), cases->count);
    for (size_t i = 0; i < cases->count && i < kp_batch_len(batch); i++) {
        const jval *c = &cases->items[i];
        const jval *e = json_get(c, "expect");
        snprintf(case_name, sizeof case_name, "row %zu: %s", i + 1, json_get(c, "name")->text);
        kp_result *res = NULL;
        kp_error *err = NULL;
        kp_status st = kp_batch_row(batch, i, &res, &err);
        if (st == KP_OK) {
            /* The compact row agrees with its explained result. */
            char *a = NULL, *b = NULL;
            kp_status sa = kp_batch_row_total(batch, i, &a), sb_ = kp_result_total(res, &b);
            CHECK(sa == sb_ && (sa != KP_OK || strcmp(a, b) == 0), "%s (%s): row total differs", vec_name,
                  case_name);
            kp_string_free(a);
            kp_string_free(b);
            a = b = NULL;
            sa = kp_batch_row_grade(batch, i, &a);
            sb_ = kp_result_grade(res, &b);
            CHECK(sa == sb_ && (sa != KP_OK || strcmp(a, b) == 0), "%s (%s): row grade differs", vec_name,
                  case_name);
            kp_string_free(a);
            kp_string_free(b);
        } else {
            char *t = NULL;
            CHECK_STATUS(kp_batch_row_total(batch, i, &t), KP_RECORD_ERROR);
        }
        check_one(e, st, res, err);
        uint32_t rank = 0;
        st = kp_batch_row_rank(batch, i, &rank);
        check_rank("rank", json_get(e, "rank"), st, rank);
        st = kp_batch_row_profile_rank(batch, i, &rank);
        check_rank("profile_rank", json_get(e, "profile_rank"), st, rank);
    }
    const jval *summary = json_get(v, "summary");
    if (summary) {
        char *text = NULL;
        CHECK_STATUS(kp_batch_summary_json(batch, &text, NULL), KP_OK);
        char error[128];
        jval *s = text ? json_parse(text, strlen(text), error) : NULL;
        CHECK(s != NULL, "summary JSON does not parse");
        if (s) {
            sb b = {0};
            sb_add(&b, "{\"ok\":");
            sb_value(&b, json_get(s, "ok"));
            sb_add(&b, ",\"failed\":");
            sb_value(&b, json_get(s, "failed"));
            sb_add(&b, ",\"grades\":{");
            const jval *grades = json_get(s, "grades");
            int first = 1;
            for (size_t g = 0; grades && g < grades->count; g++) {
                const jval *count = json_get(&grades->items[g], "count");
                if (strcmp(count->text, "0") == 0) continue;
                if (!first) sb_add(&b, ",");
                first = 0;
                sb_value(&b, json_get(&grades->items[g], "grade"));
                sb_add(&b, ":");
                sb_value(&b, count);
            }
            sb_add(&b, "}}");
            snprintf(case_name, sizeof case_name, "summary");
            compare_json("summary", summary, b.s);
            free(b.s);
            size_t ok = 0, failed = 0;
            CHECK_STATUS(kp_batch_counts(batch, &ok, &failed), KP_OK);
            char counts[64];
            snprintf(counts, sizeof counts, "%zu", ok);
            compare_json("counts ok", json_get(summary, "ok"), counts);
            snprintf(counts, sizeof counts, "%zu", failed);
            compare_json("counts failed", json_get(summary, "failed"), counts);
            json_free(s);
        }
        kp_string_free(text);
    }
}

static void run_batch(const kp_rulebook *rb, const jval *v, const jval *cases) {
    size_t n = cases->count;
    kp_record **records = calloc(n ? n : 1, sizeof *records);
    sb json = {0};
    sb_add(&json, "[");
    /* A row a setter refused cannot be put in a typed batch as the vector has it: the typed
     * batches of such a vector are left out (its JSON batches and typed singles cover it). */
    int typed = 1;
    for (size_t i = 0; i < n; i++) {
        const jval *record = json_get(&cases->items[i], "record");
        snprintf(case_name, sizeof case_name, "row %zu", i + 1);
        records[i] = typed_record(rb, record);
        if (refused[0]) {
            check_refused(json_get(&cases->items[i], "expect"));
            typed = 0;
        }
        if (i) sb_add(&json, ",");
        sb_value(&json, record);
    }
    sb_add(&json, "]");
    const bool modes[2][2] = {{false, true}, {true, false}}; /* {parallel, explain} */
    for (int m = 0; m < 2; m++) {
        kp_options *o = case_options(&cases->items[0], modes[m][0], modes[m][1]);
        CHECK_STATUS(kp_options_set_profile(o, NULL), KP_OK); /* each row's own profile */
        CHECK_STATUS(kp_options_set_as_of(o, NULL), KP_OK);
        kp_batch *batch = NULL;
        path_name = modes[m][0] ? "typed batch, parallel" : "typed batch, explained";
        if (typed) {
            CHECK_STATUS(kp_score_batch(rb, (const kp_record *const *)records, n, o, &batch, NULL), KP_OK);
            if (batch) check_batch(v, cases, batch);
            kp_batch_free(batch);
            batch = NULL;
        }
        path_name = modes[m][0] ? "json batch, parallel" : "json batch, explained";
        CHECK_STATUS(kp_score_batch_json(rb, json.s, json.n, o, &batch, NULL), KP_OK);
        if (batch) check_batch(v, cases, batch);
        kp_batch_free(batch);
        kp_options_free(o);
    }
    for (size_t i = 0; i < n; i++) kp_record_free(records[i]);
    free(records);
    free(json.s);
    cases_run += (int)n;
}

/* A table case (§18.5): the parent CSV with its child CSVs through kp_score_csv_items, alone and
 * in parallel: every row, the unmatched child rows, and the summary's counts. */
static void run_tables(const kp_rulebook *rb, const jval *tables) {
    for (size_t t = 0; t < tables->count; t++) {
        const jval *tc = &tables->items[t];
        const jval *children = json_get(tc, "children");
        const jval *expect = json_get(tc, "expect");
        const jval *rows = json_get(expect, "rows");
        size_t n = children ? children->count : 0;
        const char **lists = calloc(n ? n : 1, sizeof *lists);
        const char **csvs = calloc(n ? n : 1, sizeof *csvs);
        size_t *lens = calloc(n ? n : 1, sizeof *lens);
        for (size_t c = 0; c < n; c++) {
            lists[c] = children->keys[c];
            csvs[c] = children->items[c].text;
            lens[c] = strlen(csvs[c]);
        }
        const char *parent = json_get(tc, "parent")->text;
        for (int parallel = 0; parallel < 2; parallel++) {
            path_name = parallel ? "table, parallel" : "table";
            kp_options *o = case_options(tc, parallel, false);
            kp_batch *batch = NULL;
            kp_error *err = NULL;
            kp_status st = kp_score_csv_items(rb, parent, strlen(parent), lists, csvs, lens, n, o, &batch, &err);
            CHECK(st == KP_OK, "%s table %s: %s", vec_name, json_get(tc, "name")->text,
                  err ? kp_error_message(err) : kp_status_str(st));
            kp_error_free(err);
            kp_options_free(o);
            if (st != KP_OK) continue;
            CHECK(kp_batch_len(batch) == rows->count, "%s: table of %zu rows for %zu expected", vec_name,
                  kp_batch_len(batch), rows->count);
            for (size_t i = 0; i < rows->count && i < kp_batch_len(batch); i++) {
                const jval *e = &rows->items[i];
                snprintf(case_name, sizeof case_name, "table %s row %zu", json_get(tc, "name")->text, i + 1);
                kp_result *res = NULL;
                kp_error *rerr = NULL;
                st = kp_batch_row(batch, i, &res, &rerr);
                check_one(e, st, res, rerr);
                uint32_t rank = 0;
                st = kp_batch_row_rank(batch, i, &rank);
                check_rank("rank", json_get(e, "rank"), st, rank);
                st = kp_batch_row_profile_rank(batch, i, &rank);
                check_rank("profile_rank", json_get(e, "profile_rank"), st, rank);
            }
            /* The unmatched child rows, as {list: {count, first}}. */
            char *text = NULL;
            CHECK_STATUS(kp_batch_summary_json(batch, &text, NULL), KP_OK);
            char error[128];
            jval *s = text ? json_parse(text, strlen(text), error) : NULL;
            CHECK(s != NULL, "summary JSON does not parse");
            if (s) {
                sb b = {0};
                sb_add(&b, "{");
                const jval *un = json_get(s, "unmatched");
                for (size_t u = 0; un && u < un->count; u++) {
                    if (u) sb_add(&b, ",");
                    sb_value(&b, json_get(&un->items[u], "list"));
                    sb_add(&b, ":{\"count\":");
                    sb_value(&b, json_get(&un->items[u], "count"));
                    sb_add(&b, ",\"first\":");
                    sb_value(&b, json_get(&un->items[u], "first"));
                    sb_add(&b, "}");
                }
                sb_add(&b, "}");
                snprintf(case_name, sizeof case_name, "table %s unmatched", json_get(tc, "name")->text);
                const jval *want = json_get(expect, "unmatched");
                if (want) compare_json("unmatched", want, b.s);
                else CHECK(strcmp(b.s, "{}") == 0, "%s: unmatched rows %s, none expected", vec_name, b.s);
                free(b.s);
                json_free(s);
            }
            kp_string_free(text);
            kp_batch_free(batch);
            cases_run++;
        }
        free(lists);
        free(csvs);
        free(lens);
    }
}

static void run_vector(const char *path) {
    size_t len;
    char *text = read_file(path, &len);
    char error[128];
    jval *v = json_parse(text, len, error);
    if (!v) {
        failf(path, 0, "does not parse: %s", error);
        free(text);
        return;
    }
    vec_name = json_get(v, "name")->text;
    path_name = "load";
    snprintf(case_name, sizeof case_name, "rulebook");
    kp_rulebook *rb = NULL;
    kp_error *err = NULL;
    const jval *load_error = json_get(v, "load_error");
    const jval *components = json_get(v, "components");
    kp_status st = load_error && components && components->count > 0 ? load_from_folder(v, &rb, &err)
                                                                      : load(v, &rb, &err);
    if (load_error) {
        CHECK(st == KP_LOAD_ERROR, "%s: expected a load error, got %s", vec_name, kp_status_str(st));
        if (st == KP_LOAD_ERROR) {
            int found = 0;
            for (size_t i = 0; i < kp_error_count(err); i++) {
                kp_problem p;
                CHECK_STATUS(kp_error_problem(err, i, &p), KP_OK);
                const char *name = kp_error_kind_name(p.kind);
                if (name && strcmp(name, load_error->text) == 0) found = 1;
                CHECK(p.line > 0 || p.path != NULL, "%s: problem without a location: %s", vec_name, p.message);
            }
            CHECK(found, "%s: no %s problem in: %s", vec_name, load_error->text, kp_error_message(err));
            CHECK(kp_error_kind(err) != 0, "%s: load error without a kind", vec_name);
        }
        cases_run++;
    } else if (st != KP_OK) {
        failf(vec_name, 0, "did not load: %s", err ? kp_error_message(err) : kp_status_str(st));
    } else {
        const jval *cases = json_get(v, "cases");
        const jval *batch = json_get(v, "batch");
        if (batch && batch->type == J_BOOL && batch->boolean) run_batch(rb, v, cases);
        else if (cases) run_singles(rb, cases);
        const jval *tables = json_get(v, "tables");
        if (tables && tables->type == J_ARRAY) run_tables(rb, tables);
    }
    kp_error_free(err);
    kp_rulebook_free(rb);
    json_free(v);
    free(text);
}

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }



int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s VECTORS_DIR\n", argv[0]);
        return 2;
    }
    DIR *dir = opendir(argv[1]);
    if (!dir) {
        fprintf(stderr, "cannot open %s\n", argv[1]);
        return 2;
    }
    char *paths[512];
    size_t n = 0;
    struct dirent *ent;
    while ((ent = readdir(dir)) && n < 512) {
        size_t k = strlen(ent->d_name);
        if (k < 6 || strcmp(ent->d_name + k - 5, ".json") != 0) continue;
        paths[n] = malloc(strlen(argv[1]) + k + 2);
        sprintf(paths[n], "%s/%s", argv[1], ent->d_name);
        n++;
    }
    closedir(dir);
    qsort(paths, n, sizeof *paths, by_name);
    CHECK(n >= 40, "expected the golden vectors, found %zu files", n);
    for (size_t i = 0; i < n; i++) {
        run_vector(paths[i]);
        free(paths[i]);
    }
    printf("test_vectors: %zu vectors, %d cases, each typed and as JSON\n", n, cases_run);
    kp_shutdown(); /* nothing of kaoping is left for valgrind or LeakSanitizer to report */
    return report("test_vectors");
}
