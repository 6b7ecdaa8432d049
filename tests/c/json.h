/* A tiny JSON reader for the C tests: enough to read the golden vectors and kaoping's own JSON
 * output. Numbers keep their written text (so "0.135" stays "0.135"); every value remembers its
 * span in the source, so a record can be handed to kaoping exactly as the vector wrote it. Not a
 * general-purpose parser: inputs are trusted test data, nesting is limited to 64 levels. */
#ifndef KP_TEST_JSON_H
#define KP_TEST_JSON_H

#include <stddef.h>

typedef enum { J_NULL, J_BOOL, J_NUMBER, J_STRING, J_ARRAY, J_OBJECT } jtype;

typedef struct jval {
    jtype type;
    const char *start; /* the value's text in the source (valid while the source is) */
    size_t len;
    int boolean;       /* J_BOOL */
    char *text;        /* J_STRING: decoded, NUL-terminated; J_NUMBER: as written */
    size_t count;      /* J_ARRAY, J_OBJECT: number of items / members */
    struct jval *items; /* J_ARRAY: items; J_OBJECT: member values */
    char **keys;       /* J_OBJECT: member names, decoded */
} jval;

/* Parse `len` bytes; NULL on error, with a message in `error` (at least 128 bytes). */
jval *json_parse(const char *src, size_t len, char *error);
void json_free(jval *v);

/* The member `key` of an object, or NULL (also when `obj` is NULL or not an object). */
const jval *json_get(const jval *obj, const char *key);
/* Deep equality: objects by members regardless of order, numbers by their written text. */
int json_equal(const jval *a, const jval *b);
/* A NUL-terminated copy of a value's source text (malloc'd). */
char *json_source(const jval *v);
/* A JSON text for a value (malloc'd), for messages. */
char *json_show(const jval *v);

#endif
