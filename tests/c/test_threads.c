/* One rulebook shared by 8 threads that score at the same time, without locks: every thread
 * scores every row of the CAB golden vector (54 counties) through typed records and through JSON,
 * again and again, and scores the whole vector as a parallel batch, and every total and error
 * kind must be the vector's. The threads also read the rulebook's and the results' counted lists
 * at once (their strings are made on first use).
 *
 * Usage: test_threads VECTORS_DIR */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "json.h"

#define THREADS 8
#define ROUNDS 12

typedef struct {
    char *json;           /* the record as the vector wrote it */
    const jval *record;   /* its fields */
    const char *total;    /* the expected total, or NULL when an error is expected */
    const char *error;    /* the expected error kind name */
} row;

static const kp_rulebook *shared_book;
static row *rows;
static size_t nrows;
static char *batch_json;

typedef struct {
    int id;
    int scored;
    int wrong;
} work;

static int same(const row *r, kp_status st, const kp_result *res, const kp_error *err) {
    if (r->total) {
        char *total = NULL;
        int ok = st == KP_OK && kp_result_total(res, &total) == KP_OK && strcmp(total, r->total) == 0;
        kp_string_free(total);
        return ok;
    }
    const char *kind = kp_error_kind_name(kp_error_kind(err));
    return st == KP_RECORD_ERROR && kind && strcmp(kind, r->error) == 0;
}

static kp_record *typed(const row *r) {
    kp_record *rec = NULL;
    if (kp_record_new(shared_book, &rec) != KP_OK) return NULL;
    for (size_t i = 0; i < r->record->count; i++) {
        const char *field = r->record->keys[i];
        const jval *v = &r->record->items[i];
        kp_input_type ty = 0;
        kp_rulebook_input_type(shared_book, field, &ty);
        kp_status st = KP_OK;
        if (v->type == J_BOOL) st = kp_record_set_bool(rec, field, v->boolean);
        else if (v->type == J_NUMBER && ty == KP_INPUT_INTEGER && !strpbrk(v->text, ".eE"))
            st = kp_record_set_int(rec, field, strtoll(v->text, NULL, 10));
        else if (v->type == J_NUMBER) st = kp_record_set_decimal(rec, field, v->text);
        else if (v->type == J_STRING && ty == KP_INPUT_DECIMAL) st = kp_record_set_decimal(rec, field, v->text);
        else if (v->type == J_STRING) st = kp_record_set_text(rec, field, v->text);
        if (st == KP_INVALID_NUMBER) st = kp_record_set_cell(rec, field, v->text);
        (void)st; /* unknown fields and bad values are the core's to report when scored */
    }
    return rec;
}

/* The rulebook's indicators and a result's nodes, read through the counted lists: the same
 * ids in the same order. Their strings are made on first use, here by 8 threads at once on the
 * shared rulebook (and by a batch row read from several threads), and must come out whole. */
static int walk(const kp_result *res) {
    if (!res) return 1;
    size_t n = kp_rulebook_indicator_count(shared_book);
    if (kp_result_node_count(res) != n) return 0;
    for (size_t i = 0; i < n; i++) {
        kp_indicator_info ind;
        kp_result_node node;
        if (kp_rulebook_indicator_at(shared_book, i, &ind) != KP_OK || kp_result_node_at(res, i, &node) != KP_OK ||
            strcmp(ind.id, node.id) != 0)
            return 0;
    }
    return 1;
}

static void *score_all(void *arg) {
    work *w = arg;
    kp_options *sequential = NULL;
    kp_options_new(&sequential);
    kp_options_set_parallel(sequential, false);
    for (int round = 0; round < ROUNDS; round++) {
        for (size_t k = 0; k < nrows; k++) {
            /* Each thread walks the rows from its own starting point. */
            const row *r = &rows[(k + (size_t)w->id * 7) % nrows];
            kp_result *res = NULL;
            kp_error *err = NULL;
            kp_record *rec = typed(r);
            kp_status st = kp_score(shared_book, rec, NULL, &res, &err);
            w->wrong += !same(r, st, res, err);
            kp_result_free(res);
            kp_error_free(err);
            kp_record_free(rec);
            res = NULL;
            err = NULL;
            st = kp_score_json(shared_book, r->json, strlen(r->json), NULL, &res, &err);
            w->wrong += !same(r, st, res, err);
            w->wrong += !walk(res);
            kp_result_free(res);
            kp_error_free(err);
            w->scored += 2;
        }
        /* A batch on every core from several threads at once, and one on this thread only. */
        kp_batch *b = NULL;
        if (kp_score_batch_json(shared_book, batch_json, strlen(batch_json), round % 2 ? sequential : NULL, &b,
                                NULL) != KP_OK) {
            w->wrong++;
            continue;
        }
        for (size_t i = 0; i < nrows; i++) {
            kp_result *res = NULL;
            kp_error *err = NULL;
            kp_status st = kp_batch_row(b, i, &res, &err);
            w->wrong += !same(&rows[i], st, res, err);
            kp_result_free(res);
            kp_error_free(err);
            w->scored++;
        }
        kp_batch_free(b);
    }
    kp_options_free(sequential);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s VECTORS_DIR\n", argv[0]);
        return 2;
    }
    char path[1024];
    snprintf(path, sizeof path, "%s/cab.json", argv[1]);
    size_t len;
    char *text = read_file(path, &len);
    char error[128];
    jval *v = json_parse(text, len, error);
    if (!v) {
        fprintf(stderr, "%s: %s\n", path, error);
        return 2;
    }
    const jval *book = json_get(v, "rulebook");
    kp_rulebook *rb = NULL;
    CHECK_STATUS(kp_rulebook_from_str(book->text, strlen(book->text), KP_FORMAT_TOML, &rb, NULL), KP_OK);
    if (!rb) return report("test_threads");
    shared_book = rb;

    const jval *cases = json_get(v, "cases");
    nrows = cases->count;
    rows = calloc(nrows, sizeof *rows);
    size_t cap = 2;
    for (size_t i = 0; i < nrows; i++) {
        const jval *c = &cases->items[i];
        const jval *e = json_get(c, "expect");
        rows[i].record = json_get(c, "record");
        rows[i].json = json_source(rows[i].record);
        cap += strlen(rows[i].json) + 1;
        const jval *total = json_get(e, "total");
        rows[i].total = total && total->type == J_STRING ? total->text : NULL;
        rows[i].error = rows[i].total ? NULL : json_get(json_get(e, "error"), "kind")->text;
    }
    batch_json = malloc(cap);
    strcpy(batch_json, "[");
    for (size_t i = 0; i < nrows; i++) {
        if (i) strcat(batch_json, ",");
        strcat(batch_json, rows[i].json);
    }
    strcat(batch_json, "]");

    pthread_t threads[THREADS];
    work w[THREADS];
    for (int t = 0; t < THREADS; t++) {
        w[t] = (work){t, 0, 0};
        CHECK(pthread_create(&threads[t], NULL, score_all, &w[t]) == 0, "pthread_create");
    }
    int scored = 0;
    for (int t = 0; t < THREADS; t++) {
        pthread_join(threads[t], NULL);
        CHECK(w[t].wrong == 0, "thread %d: %d of %d results differ from the vector", t, w[t].wrong, w[t].scored);
        scored += w[t].scored;
    }
    printf("test_threads: %d threads scored %d records with one rulebook\n", THREADS, scored);

    for (size_t i = 0; i < nrows; i++) free(rows[i].json);
    free(rows);
    free(batch_json);
    kp_rulebook_free(rb);
    json_free(v);
    free(text);
    kp_shutdown(); /* nothing of kaoping is left for valgrind or LeakSanitizer to report */
    return report("test_threads");
}
