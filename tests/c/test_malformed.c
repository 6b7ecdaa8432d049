/* The malformed-input catalogue (tests/malformed/catalogue.json) through the C API: every hostile
 * rulebook, record, batch and CSV table gives the expected status, a kp_error whose kind is the
 * expected KP_KIND_* and whose problems name the expected place — never a crash or an abort.
 * Every document is handed over as an exact-size heap buffer without a NUL terminator, so that
 * AddressSanitizer and valgrind see any read beyond `len`.
 *
 * Cases marked `finding` (the engine disagrees with the spec as the catalogue reads it) must
 * still give a typed error, and must still disagree (a fix turns them red; remove the mark).
 *
 * Usage: test_malformed CATALOGUE.json */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "json.h"

static char why[1024];

/* Say why a case failed; returns 0 (not ok). */
static int fail_why(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    return 0;
}
#define FAIL fail_why

static const char *str(const jval *obj, const char *key) {
    const jval *v = json_get(obj, key);
    return v && v->type == J_STRING ? v->text : NULL;
}

static long num(const jval *obj, const char *key) {
    const jval *v = json_get(obj, key);
    return v && v->type == J_NUMBER ? strtol(v->text, NULL, 10) : -1;
}

/* The case's input as an exact-size buffer (from `hex` when present, else `text`). */
static char *input_of(const jval *c, size_t *len) {
    const char *hex = str(c, "hex");
    char *buf;
    if (hex) {
        *len = strlen(hex) / 2;
        buf = malloc(*len ? *len : 1);
        for (size_t i = 0; i < *len; i++) {
            unsigned v;
            sscanf(hex + 2 * i, "%2x", &v);
            buf[i] = (char)v;
        }
    } else {
        const char *t = str(c, "text");
        *len = strlen(t);
        buf = malloc(*len ? *len : 1);
        memcpy(buf, t, *len);
    }
    if (!buf) abort();
    return buf;
}

static int kind_is(int32_t kind, const char *want) {
    const char *name = kp_error_kind_name(kind);
    return name && want && strcmp(name, want) == 0;
}

static int place_ok(const kp_problem *p, const jval *expect) {
    long line = num(expect, "line");
    if (line >= 0 && (long)p->line != line) return FAIL("line %u, expected %ld", p->line, line);
    const jval *lines = json_get(expect, "lines");
    if (lines && lines->type == J_ARRAY) {
        long lo = strtol(lines->items[0].text, NULL, 10), hi = strtol(lines->items[1].text, NULL, 10);
        if ((long)p->line < lo || (long)p->line > hi)
            return FAIL("line %u, expected within %ld..%ld", p->line, lo, hi);
    }
    long column = num(expect, "column");
    if (column >= 0 && (long)p->column != column) return FAIL("column %u, expected %ld", p->column, column);
    const char *path = str(expect, "path");
    if (path && !(p->path && strstr(p->path, path))) return FAIL("path %s does not name %s", p->path, path);
    return 1;
}

static int check_rulebook(const jval *c) {
    const jval *expect = json_get(c, "expect");
    const char *kind = str(expect, "kind");
    const char *format = str(c, "format");
    size_t len;
    char *text = input_of(c, &len);
    kp_rulebook *rb = NULL;
    kp_error *err = NULL;
    kp_status st = kp_rulebook_from_str(text, len, strcmp(format, "json") == 0 ? KP_FORMAT_JSON : KP_FORMAT_TOML,
                                        &rb, &err);
    free(text);
    int ok = 0;
    if (st == KP_OK) {
        kp_rulebook_free(rb);
        FAIL("the rulebook loaded");
    } else if (st != KP_LOAD_ERROR || !err) {
        FAIL("status %s, expected KP_LOAD_ERROR", kp_status_str(st));
    } else {
        size_t n = kp_error_count(err);
        why[0] = 0;
        for (size_t i = 0; i < n && !ok; i++) {
            kp_problem p;
            if (kp_error_problem(err, i, &p) != KP_OK) continue;
            if (kind_is(p.kind, kind) && place_ok(&p, expect)) ok = 1;
        }
        if (!ok && !why[0]) FAIL("no %s problem in: %s", kind, kp_error_message(err));
        const jval *also = json_get(expect, "also");
        for (size_t a = 0; ok && also && a < also->count; a++) {
            int seen = 0;
            for (size_t i = 0; i < n; i++) {
                kp_problem p;
                if (kp_error_problem(err, i, &p) == KP_OK && kind_is(p.kind, also->items[a].text)) seen = 1;
            }
            if (!seen) ok = FAIL("%s not reported too", also->items[a].text);
        }
    }
    kp_error_free(err);
    return ok;
}

/* The error's first problem has the kind and place; `all` lists every (kind, field). */
static int check_issues(const kp_error *err, const jval *expect) {
    kp_problem p;
    if (kp_error_problem(err, 0, &p) != KP_OK) return FAIL("an error without problems");
    const char *kind = str(expect, "kind");
    if (!kind_is(p.kind, kind))
        return FAIL("kind %s, expected %s: %s", kp_error_kind_name(p.kind), kind, kp_error_message(err));
    if (!kind_is(kp_error_kind(err), kind)) return FAIL("kp_error_kind is not the first problem's");
    const char *field = str(expect, "field");
    if (field && !(p.field && strcmp(p.field, field) == 0)) return FAIL("field %s, expected %s", p.field, field);
    const char *at = str(expect, "at");
    if (at && !(p.at && strcmp(p.at, at) == 0)) return FAIL("at %s, expected %s", p.at, at);
    const jval *all = json_get(expect, "all");
    if (all && all->type == J_ARRAY) {
        if (kp_error_count(err) != all->count)
            return FAIL("%zu issues, expected %zu", kp_error_count(err), all->count);
        for (size_t i = 0; i < all->count; i++) {
            kp_error_problem(err, i, &p);
            const jval *pair = &all->items[i];
            if (!kind_is(p.kind, pair->items[0].text) || !p.field || strcmp(p.field, pair->items[1].text) != 0)
                return FAIL("issue %zu is %s %s, expected %s %s", i, kp_error_kind_name(p.kind), p.field,
                            pair->items[0].text, pair->items[1].text);
        }
    }
    return 1;
}

static kp_options *options_of(const jval *c) {
    kp_options *o = NULL;
    kp_options_new(&o);
    const jval *opts = json_get(c, "options");
    if (opts) {
        if (str(opts, "profile")) kp_options_set_profile(o, str(opts, "profile"));
        if (str(opts, "as_of")) kp_options_set_as_of(o, str(opts, "as_of"));
    }
    const char *enc = str(c, "encoding");
    kp_options_set_encoding(o, !enc ? KP_ENCODING_AUTO
                               : strcmp(enc, "utf-8") == 0 ? KP_ENCODING_UTF8
                                                           : KP_ENCODING_GB18030);
    return o;
}

static int check_record(const kp_rulebook *rb, const jval *c) {
    size_t len;
    char *text = input_of(c, &len);
    kp_options *o = options_of(c);
    kp_result *res = NULL;
    kp_error *err = NULL;
    kp_status st = kp_score_json(rb, text, len, o, &res, &err);
    free(text);
    kp_options_free(o);
    int ok;
    if (st == KP_OK) {
        kp_result_free(res);
        ok = FAIL("the record scored");
    } else if (st != KP_RECORD_ERROR || !err) {
        ok = FAIL("status %s, expected KP_RECORD_ERROR", kp_status_str(st));
    } else {
        ok = check_issues(err, json_get(c, "expect"));
    }
    kp_error_free(err);
    return ok;
}

static int check_rows(const kp_batch *batch, const jval *expect, int has_lines) {
    long rows = num(expect, "rows");
    if ((long)kp_batch_len(batch) != rows) return FAIL("%zu slots, expected %ld", kp_batch_len(batch), rows);
    const jval *errors = json_get(expect, "errors");
    for (long i = 0; i < rows; i++) {
        const jval *want = NULL;
        for (size_t k = 0; k < errors->count; k++)
            if (num(&errors->items[k], "row") == i + 1) want = &errors->items[k];
        kp_result *res = NULL;
        kp_error *err = NULL;
        kp_status st = kp_batch_row(batch, (size_t)i, &res, &err);
        int ok = 1;
        if (!want && st != KP_OK) ok = FAIL("row %ld failed: %s", i + 1, err ? kp_error_message(err) : "?");
        if (want && st == KP_OK) ok = FAIL("row %ld scored", i + 1);
        if (want && st == KP_RECORD_ERROR) {
            ok = check_issues(err, want);
            if (ok && kp_error_row(err) != (size_t)i + 1)
                ok = FAIL("row %ld: the error names row %zu", i + 1, kp_error_row(err));
            long line = num(want, "line");
            size_t got = 0;
            if (ok && has_lines && line >= 0 &&
                (kp_batch_row_line(batch, (size_t)i, &got) != KP_OK || (long)got != line))
                ok = FAIL("row %ld: line %zu, expected %ld", i + 1, got, line);
        } else if (want && st != KP_OK) {
            ok = FAIL("row %ld: status %s", i + 1, kp_status_str(st));
        }
        kp_result_free(res);
        kp_error_free(err);
        if (!ok) return 0;
    }
    size_t nok = 0, nfailed = 0;
    kp_batch_counts(batch, &nok, &nfailed);
    if (nfailed != errors->count) return FAIL("%zu failed rows counted, expected %zu", nfailed, errors->count);
    return 1;
}

static int check_batch(const kp_rulebook *rb, const jval *c) {
    size_t len;
    char *text = input_of(c, &len);
    const jval *expect = json_get(c, "expect");
    int ok = 1;
    for (int parallel = 0; parallel < 2 && ok; parallel++) {
        kp_options *o = options_of(c);
        kp_options_set_parallel(o, parallel);
        kp_batch *batch = NULL;
        kp_error *err = NULL;
        kp_status st = kp_score_batch_json(rb, text, len, o, &batch, &err);
        if (json_get(expect, "refused")) {
            if (st != KP_TABLE_ERROR || !err || kp_error_count(err) == 0)
                ok = FAIL("status %s, expected KP_TABLE_ERROR", kp_status_str(st));
        } else if (st != KP_OK) {
            ok = FAIL("status %s: %s", kp_status_str(st), err ? kp_error_message(err) : "");
        } else {
            ok = check_rows(batch, expect, 0);
        }
        kp_batch_free(batch);
        kp_error_free(err);
        kp_options_free(o);
    }
    free(text);
    return ok;
}

static int check_csv(const kp_rulebook *rb, const jval *c) {
    size_t len;
    char *bytes = input_of(c, &len);
    const jval *expect = json_get(c, "expect");
    const jval *table = json_get(expect, "table");
    kp_options *o = options_of(c);
    kp_batch *batch = NULL;
    kp_error *err = NULL;
    kp_status st = kp_score_csv(rb, bytes, len, o, &batch, &err);
    int ok;
    if (table) {
        kp_problem p;
        if (st != KP_TABLE_ERROR || !err) {
            ok = FAIL("status %s, expected KP_TABLE_ERROR", kp_status_str(st));
        } else if (kp_error_problem(err, 0, &p) != KP_OK || !kind_is(p.kind, str(table, "kind"))) {
            ok = FAIL("table error kind %s, expected %s", kp_error_kind_name(p.kind), str(table, "kind"));
        } else if ((long)p.line != num(table, "line")) {
            ok = FAIL("table error line %u, expected %ld", p.line, num(table, "line"));
        } else {
            ok = 1;
        }
    } else if (st != KP_OK) {
        ok = FAIL("status %s: %s", kp_status_str(st), err ? kp_error_message(err) : "");
    } else {
        ok = check_rows(batch, expect, 1);
    }
    kp_batch_free(batch);
    kp_error_free(err);
    kp_options_free(o);
    free(bytes);
    return ok;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: test_malformed CATALOGUE.json\n");
        return 2;
    }
    size_t len;
    char *text = read_file(argv[1], &len);
    char error[256];
    jval *cat = json_parse(text, len, error);
    if (!cat) {
        fprintf(stderr, "%s: %s\n", argv[1], error);
        return 2;
    }
    const jval *fixtures = json_get(cat, "fixtures");
    kp_rulebook **books = calloc(fixtures->count, sizeof *books);
    for (size_t i = 0; i < fixtures->count; i++) {
        const char *t = fixtures->items[i].text;
        kp_error *err = NULL;
        CHECK_STATUS(kp_rulebook_from_str(t, strlen(t), KP_FORMAT_TOML, &books[i], &err), KP_OK);
        if (err) fprintf(stderr, "fixture %s: %s\n", fixtures->keys[i], kp_error_message(err));
        kp_error_free(err);
    }
    const jval *cases = json_get(cat, "cases");
    CHECK(cases->count >= 300, "at least 300 cases, not %zu", cases->count);
    size_t passed = 0, findings = 0, skipped_non_utf8 = 0;
    for (size_t i = 0; i < cases->count; i++) {
        const jval *c = &cases->items[i];
        const char *id = str(c, "id"), *surface = str(c, "surface");
        int ok;
        why[0] = 0;
        if (strcmp(surface, "rulebook") == 0) {
            ok = check_rulebook(c);
        } else {
            const kp_rulebook *rb = NULL;
            for (size_t k = 0; k < fixtures->count; k++)
                if (strcmp(fixtures->keys[k], str(c, "rulebook")) == 0) rb = books[k];
            if (strcmp(surface, "record") == 0) ok = check_record(rb, c);
            else if (strcmp(surface, "batch") == 0) ok = check_batch(rb, c);
            else ok = check_csv(rb, c);
        }
        const char *finding = str(c, "finding");
        checks++;
        if (finding && !ok) {
            findings++;
        } else if (finding && ok) {
            failf(__FILE__, __LINE__, "%s: marked as a finding but now agrees: remove the mark", id);
        } else if (ok) {
            passed++;
        } else {
            failf(__FILE__, __LINE__, "%s: %s", id, why);
        }
    }
    (void)skipped_non_utf8;
    printf("malformed catalogue (C): %zu cases, %zu passed, %zu findings\n", cases->count, passed, findings);
    for (size_t i = 0; i < fixtures->count; i++) kp_rulebook_free(books[i]);
    free(books);
    json_free(cat);
    free(text);
    kp_shutdown(); /* nothing of kaoping is left for valgrind or LeakSanitizer to report */
    return report("test_malformed");
}
