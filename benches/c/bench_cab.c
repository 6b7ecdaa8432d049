/* The C side of the benchmark (benches/c/run.sh): CAB rows scored one at a time through
 * libkaoping, three ways, timed the same way as cab_core.rs times the Rust core:
 *   1. typed records built beforehand: kp_score, kp_result_total;
 *   2. each typed record built from its cells (kp_record_clear, kp_record_set_* by input name)
 *      and scored;
 *   3. JSON records (made beforehand): kp_score_json, kp_result_total.
 *
 *     bench_cab CAB.toml DATA.csv [REPS]
 *
 * Prints one JSON line per way: {"impl", "n", "median_s", "records_per_s", "checksum"}, the
 * checksum being the sum of the published totals in cents. */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kaoping.h"

typedef struct {
    char *name;
    kp_input_type type;
} column;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int by_value(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void report(const char *way, size_t n, double *times, int reps, long long checksum) {
    qsort(times, (size_t)reps, sizeof *times, by_value);
    double m = times[reps / 2];
    printf("{\"impl\": \"c %s\", \"n\": %zu, \"median_s\": %.6f, \"records_per_s\": %.0f, \"checksum\": %lld}\n",
           way, n, m, (double)n / m, checksum);
    fflush(stdout);
}

static long long cents(const char *total) {
    long long v = 0;
    int negative = *total == '-';
    for (const char *c = total; *c; c++)
        if (*c >= '0' && *c <= '9') v = v * 10 + (*c - '0');
    return negative ? -v : v;
}

/* A result's total in cents for the checksum; frees the result. `resp` is read after the call
 * that fills it (C does not order the evaluation of arguments). */
static long long take_total(kp_status st, kp_result **resp) {
    long long c = 0;
    kp_result *res = *resp;
    if (st == KP_OK) {
        char *total = NULL;
        if (kp_result_total(res, &total) == KP_OK) c = cents(total);
        kp_string_free(total);
        kp_result_free(res);
    }
    return c;
}

static void fill(kp_record *rec, const column *cols, size_t ncols, char **cells) {
    for (size_t k = 0; k < ncols; k++) {
        const char *cell = cells[k];
        switch (cols[k].type) {
        case KP_INPUT_INTEGER: kp_record_set_int(rec, cols[k].name, strtoll(cell, NULL, 10)); break;
        case KP_INPUT_DECIMAL: kp_record_set_decimal(rec, cols[k].name, cell); break;
        case KP_INPUT_BOOLEAN: kp_record_set_bool(rec, cols[k].name, strcmp(cell, "true") == 0); break;
        default: kp_record_set_text(rec, cols[k].name, cell); break;
        }
    }
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s CAB.toml DATA.csv [REPS]\n", argv[0]);
        return 2;
    }
    int reps = argc > 3 ? atoi(argv[3]) : 5;
    if (reps < 1 || reps > 100) reps = 5;
    kp_rulebook *rb = NULL;
    kp_error *err = NULL;
    if (kp_rulebook_from_file(argv[1], &rb, &err) != KP_OK) {
        fprintf(stderr, "%s\n", kp_error_message(err));
        return 1;
    }

    /* Read the CSV: gen.py writes plain cells (no quotes, no commas inside). */
    FILE *f = fopen(argv[2], "rb");
    if (!f) {
        perror(argv[2]);
        return 1;
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *text = malloc((size_t)size + 1);
    if (!text || fread(text, 1, (size_t)size, f) != (size_t)size) return 1;
    text[size] = '\0';
    fclose(f);
    size_t nlines = 0;
    for (char *c = text; *c; c++) nlines += *c == '\n';
    char *line = strtok(text, "\n");
    column cols[64];
    size_t ncols = 0;
    for (char *h = line, *end; h && ncols < 64; h = end ? end + 1 : NULL) {
        end = strchr(h, ',');
        if (end) *end = '\0';
        cols[ncols].name = h;
        if (kp_rulebook_input_type(rb, h, &cols[ncols].type) != KP_OK) {
            fprintf(stderr, "column %s is not a CAB input\n", h);
            return 1;
        }
        ncols++;
    }
    char ***rows = malloc(nlines * sizeof *rows);
    size_t n = 0;
    while ((line = strtok(NULL, "\n"))) {
        rows[n] = malloc(ncols * sizeof(char *));
        char *c = line;
        for (size_t k = 0; k < ncols; k++) {
            rows[n][k] = c;
            c = strchr(c, ',');
            if (c) *c++ = '\0';
            else c = line + strlen(line);
        }
        n++;
    }
    double *times = malloc((size_t)reps * sizeof *times);
    long long checksum = 0;

    /* 1. Typed records built beforehand. */
    kp_record **records = malloc(n * sizeof *records);
    for (size_t i = 0; i < n; i++) {
        kp_record_new(rb, &records[i]);
        fill(records[i], cols, ncols, rows[i]);
    }
    for (int r = 0; r < reps; r++) {
        double t = now();
        checksum = 0;
        for (size_t i = 0; i < n; i++) {
            kp_result *res = NULL;
            checksum += take_total(kp_score(rb, records[i], NULL, &res, NULL), &res);
        }
        times[r] = now() - t;
    }
    report("typed, score", n, times, reps, checksum);
    for (size_t i = 0; i < n; i++) kp_record_free(records[i]);
    free(records);

    /* 2. Building each typed record from its cells, then scoring it (one record, reused). */
    kp_record *rec = NULL;
    kp_record_new(rb, &rec);
    for (int r = 0; r < reps; r++) {
        double t = now();
        checksum = 0;
        for (size_t i = 0; i < n; i++) {
            kp_record_clear(rec);
            fill(rec, cols, ncols, rows[i]);
            kp_result *res = NULL;
            checksum += take_total(kp_score(rb, rec, NULL, &res, NULL), &res);
        }
        times[r] = now() - t;
    }
    report("typed, build and score", n, times, reps, checksum);
    kp_record_free(rec);

    /* 3. JSON records made beforehand. */
    char **jsons = malloc(n * sizeof *jsons);
    for (size_t i = 0; i < n; i++) {
        size_t cap = 64;
        for (size_t k = 0; k < ncols; k++) cap += strlen(cols[k].name) + strlen(rows[i][k]) + 8;
        char *j = malloc(cap), *p = j;
        p += sprintf(p, "{");
        for (size_t k = 0; k < ncols; k++) {
            int quoted = cols[k].type == KP_INPUT_TEXT || cols[k].type == KP_INPUT_DECIMAL;
            p += sprintf(p, "%s\"%s\": %s%s%s", k ? ", " : "", cols[k].name, quoted ? "\"" : "", rows[i][k],
                         quoted ? "\"" : "");
        }
        sprintf(p, "}");
        jsons[i] = j;
    }
    for (int r = 0; r < reps; r++) {
        double t = now();
        checksum = 0;
        for (size_t i = 0; i < n; i++) {
            kp_result *res = NULL;
            checksum += take_total(kp_score_json(rb, jsons[i], strlen(jsons[i]), NULL, &res, NULL), &res);
        }
        times[r] = now() - t;
    }
    report("json", n, times, reps, checksum);

    for (size_t i = 0; i < n; i++) {
        free(jsons[i]);
        free(rows[i]);
    }
    free(jsons);
    free(rows);
    free(times);
    free(text);
    kp_rulebook_free(rb);
    return 0;
}
