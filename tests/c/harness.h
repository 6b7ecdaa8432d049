/* Shared helpers of the C tests: checks that count failures instead of stopping, and file
 * reading. Each test program includes this once (the functions are static). */
#ifndef KP_TEST_HARNESS_H
#define KP_TEST_HARNESS_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kaoping.h"

static int failures = 0;
static int checks = 0;

static void failf(const char *file, int line, const char *fmt, ...) {
    va_list ap;
    failures++;
    fprintf(stderr, "%s:%d: ", file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* CHECK(cond, fmt, ...): count a failure with a message when cond is false. */
#define CHECK(cond, ...)                                    \
    do {                                                    \
        checks++;                                           \
        if (!(cond)) failf(__FILE__, __LINE__, __VA_ARGS__); \
    } while (0)

/* CHECK_STATUS(call, want): the call returns the wanted kp_status. */
#define CHECK_STATUS(call, want)                                                             \
    do {                                                                                     \
        kp_status got_ = (call);                                                             \
        checks++;                                                                            \
        if (got_ != (want))                                                                  \
            failf(__FILE__, __LINE__, "%s: got %d (%s), want %d (%s)", #call, (int)got_,     \
                  kp_status_str(got_), (int)(want), kp_status_str(want));                    \
    } while (0)

/* The whole file, NUL-terminated (malloc'd); *len gets its size. Exits when it cannot be read. */
static inline char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
        exit(2);
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n < 2) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
    }
    fclose(f);
    if (!buf) abort();
    buf[n] = '\0';
    *len = n;
    return buf;
}

static int report(const char *program) {
    if (failures) {
        fprintf(stderr, "%s: %d of %d checks failed\n", program, failures, checks);
        return 1;
    }
    printf("%s: %d checks passed\n", program, checks);
    return 0;
}

#endif
