/* Score a CSV file of counties with a built-in rulebook and print each county's total and grade.
 *
 *     cc -std=c11 score_csv.c $(pkg-config --cflags --libs kaoping-static) -o score_csv
 *     ./score_csv counties.csv [rulebook-id]
 *
 * The CSV's header names each column by an input's name or label (县名, 户籍人口…); the file may be
 * UTF-8 or GB18030, as Excel saves it. A row that cannot be scored is reported with its line and
 * does not stop the others. Totals are decimal text, exactly as published ("80.13"): store them
 * as text or as a DECIMAL column, never as a double. */
#include <stdio.h>
#include <stdlib.h>

#include "kaoping.h"

/* Print what went wrong (every problem), free the error, and give up. */
static int fail(const char *what, kp_status status, kp_error *err) {
    fprintf(stderr, "%s: %s\n", what, err ? kp_error_message(err) : kp_status_str(status));
    kp_error_free(err);
    return 1;
}

static char *read_all(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0, got;
    char *buf = malloc(cap);
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *bigger = realloc(buf, cap *= 2);
            if (!bigger) free(buf);
            buf = bigger;
        }
    }
    fclose(f);
    *len = n;
    return buf;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE.csv [RULEBOOK-ID]\n", argv[0]);
        return 2;
    }
    const char *id = argc > 2 ? argv[2] : "example.county-assessment";
    size_t len = 0;
    char *csv = read_all(argv[1], &len);
    if (!csv) {
        perror(argv[1]);
        return 1;
    }

    kp_rulebook *rb = NULL;
    kp_error *err = NULL;
    kp_status st = kp_rulebook_builtin(id, &rb, &err);
    if (st != KP_OK) return fail(id, st, err);
    printf("%s %s (%s)\n", kp_rulebook_title(rb), kp_rulebook_version(rb), kp_rulebook_id(rb));

    /* Score the whole table at once, on every core. Options NULL: the defaults. */
    kp_batch *batch = NULL;
    st = kp_score_csv(rb, csv, len, NULL, &batch, &err);
    free(csv);
    if (st != KP_OK) {
        kp_rulebook_free(rb);
        return fail(argv[1], st, err);
    }

    for (size_t i = 0; i < kp_batch_len(batch); i++) {
        char *key = NULL, *total = NULL, *grade = NULL;
        size_t line = 0;
        kp_batch_row_key(batch, i, &key);
        kp_batch_row_line(batch, i, &line);
        if (kp_batch_row_total(batch, i, &total) == KP_OK) {
            uint32_t rank = 0;
            kp_batch_row_rank(batch, i, &rank);
            if (kp_batch_row_grade(batch, i, &grade) != KP_OK) grade = NULL;
            printf("%-8s %7s  %-4s  #%u\n", key, total, grade ? grade : "-", (unsigned)rank);
        } else {
            /* The row failed: get its error, with every problem of the record. */
            kp_result *unused = NULL;
            kp_error *row_err = NULL;
            kp_batch_row(batch, i, &unused, &row_err);
            kp_problem first;
            if (kp_error_problem(row_err, 0, &first) == KP_OK)
                printf("%-8s line %zu: %s (%s)\n", key, line, first.message,
                       kp_error_kind_name(first.kind));
            kp_error_free(row_err);
        }
        kp_string_free(key);
        kp_string_free(total);
        kp_string_free(grade);
    }
    size_t ok = 0, failed = 0;
    kp_batch_counts(batch, &ok, &failed);
    printf("%zu scored, %zu failed\n", ok, failed);

    kp_batch_free(batch);
    kp_rulebook_free(rb);
    /* Optional: end the threads the batch ran on and drop the built-in rulebooks kaoping keeps,
     * so that valgrind --leak-check=full has nothing to report. */
    kp_shutdown();
    return 0;
}
