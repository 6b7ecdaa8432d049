/* The tiny JSON reader of json.h. */
#include "json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *s;
    size_t len, pos;
    char *error;
    int depth;
} parser;

static void *xmalloc(size_t n) {
    void *p = malloc(n ? n : 1);
    if (!p) {
        fprintf(stderr, "out of memory\n");
        abort();
    }
    return p;
}

static int fail(parser *p, const char *what) {
    snprintf(p->error, 128, "%s at byte %zu", what, p->pos);
    return 0;
}

static void skip_ws(parser *p) {
    while (p->pos < p->len && strchr(" \t\r\n", p->s[p->pos]) && p->s[p->pos] != '\0') p->pos++;
}

static int parse_value(parser *p, jval *out);
static void free_inner(jval *v);

static void put_utf8(char *buf, size_t *n, unsigned long c) {
    if (c < 0x80) {
        buf[(*n)++] = (char)c;
    } else if (c < 0x800) {
        buf[(*n)++] = (char)(0xC0 | (c >> 6));
        buf[(*n)++] = (char)(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        buf[(*n)++] = (char)(0xE0 | (c >> 12));
        buf[(*n)++] = (char)(0x80 | ((c >> 6) & 0x3F));
        buf[(*n)++] = (char)(0x80 | (c & 0x3F));
    } else {
        buf[(*n)++] = (char)(0xF0 | (c >> 18));
        buf[(*n)++] = (char)(0x80 | ((c >> 12) & 0x3F));
        buf[(*n)++] = (char)(0x80 | ((c >> 6) & 0x3F));
        buf[(*n)++] = (char)(0x80 | (c & 0x3F));
    }
}

static int hex4(parser *p, unsigned long *out) {
    unsigned long v = 0;
    for (int i = 0; i < 4; i++) {
        if (p->pos >= p->len) return fail(p, "short \\u escape");
        char c = p->s[p->pos++];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= (unsigned long)(c - '0');
        else if (c >= 'a' && c <= 'f') v |= (unsigned long)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= (unsigned long)(c - 'A' + 10);
        else return fail(p, "bad \\u escape");
    }
    *out = v;
    return 1;
}

/* A string starting at the opening quote; the decoded text is never longer than the source. */
static int parse_string(parser *p, char **out) {
    p->pos++; /* " */
    size_t from = p->pos;
    char *buf = xmalloc(p->len - from + 1);
    size_t n = 0;
    while (p->pos < p->len) {
        char c = p->s[p->pos++];
        if (c == '"') {
            buf[n] = '\0';
            *out = buf;
            return 1;
        }
        if (c != '\\') {
            buf[n++] = c;
            continue;
        }
        if (p->pos >= p->len) break;
        char e = p->s[p->pos++];
        switch (e) {
        case '"': buf[n++] = '"'; break;
        case '\\': buf[n++] = '\\'; break;
        case '/': buf[n++] = '/'; break;
        case 'b': buf[n++] = '\b'; break;
        case 'f': buf[n++] = '\f'; break;
        case 'n': buf[n++] = '\n'; break;
        case 'r': buf[n++] = '\r'; break;
        case 't': buf[n++] = '\t'; break;
        case 'u': {
            unsigned long c1;
            if (!hex4(p, &c1)) goto bad;
            if (c1 >= 0xD800 && c1 < 0xDC00 && p->pos + 1 < p->len && p->s[p->pos] == '\\' &&
                p->s[p->pos + 1] == 'u') {
                unsigned long c2;
                p->pos += 2;
                if (!hex4(p, &c2)) goto bad;
                c1 = 0x10000 + ((c1 - 0xD800) << 10) + (c2 - 0xDC00);
            }
            put_utf8(buf, &n, c1);
            break;
        }
        default: fail(p, "bad escape"); goto bad;
        }
    }
    fail(p, "unterminated string");
bad:
    free(buf);
    return 0;
}

static int parse_container(parser *p, jval *out, int object) {
    char close = object ? '}' : ']';
    size_t cap = 4;
    out->items = xmalloc(cap * sizeof(jval));
    out->keys = object ? xmalloc(cap * sizeof(char *)) : NULL;
    out->count = 0;
    p->pos++;
    skip_ws(p);
    if (p->pos < p->len && p->s[p->pos] == close) {
        p->pos++;
        return 1;
    }
    for (;;) {
        if (out->count == cap) {
            cap *= 2;
            out->items = realloc(out->items, cap * sizeof(jval));
            if (object) out->keys = realloc(out->keys, cap * sizeof(char *));
            if (!out->items || (object && !out->keys)) abort();
        }
        skip_ws(p);
        if (object) {
            if (p->pos >= p->len || p->s[p->pos] != '"') return fail(p, "expected a key");
            if (!parse_string(p, &out->keys[out->count])) return 0;
            skip_ws(p);
            if (p->pos >= p->len || p->s[p->pos] != ':') {
                free(out->keys[out->count]);
                return fail(p, "expected ':'");
            }
            p->pos++;
        }
        if (!parse_value(p, &out->items[out->count])) {
            if (object) free(out->keys[out->count]);
            return 0;
        }
        out->count++;
        skip_ws(p);
        if (p->pos < p->len && p->s[p->pos] == ',') {
            p->pos++;
            continue;
        }
        if (p->pos < p->len && p->s[p->pos] == close) {
            p->pos++;
            return 1;
        }
        return fail(p, "expected ',' or a closing bracket");
    }
}

static int parse_value(parser *p, jval *out) {
    memset(out, 0, sizeof *out);
    skip_ws(p);
    if (p->pos >= p->len) return fail(p, "unexpected end");
    if (++p->depth > 64) return fail(p, "nested too deep");
    out->start = p->s + p->pos;
    char c = p->s[p->pos];
    int ok;
    if (c == '{' || c == '[') {
        out->type = c == '{' ? J_OBJECT : J_ARRAY;
        ok = parse_container(p, out, c == '{');
    } else if (c == '"') {
        out->type = J_STRING;
        ok = parse_string(p, &out->text);
    } else if (p->len - p->pos >= 4 && strncmp(p->s + p->pos, "null", 4) == 0) {
        out->type = J_NULL;
        p->pos += 4;
        ok = 1;
    } else if (p->len - p->pos >= 4 && strncmp(p->s + p->pos, "true", 4) == 0) {
        out->type = J_BOOL;
        out->boolean = 1;
        p->pos += 4;
        ok = 1;
    } else if (p->len - p->pos >= 5 && strncmp(p->s + p->pos, "false", 5) == 0) {
        out->type = J_BOOL;
        p->pos += 5;
        ok = 1;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
        size_t from = p->pos;
        while (p->pos < p->len && strchr("+-0123456789.eE", p->s[p->pos]) && p->s[p->pos] != '\0') p->pos++;
        out->type = J_NUMBER;
        out->text = xmalloc(p->pos - from + 1);
        memcpy(out->text, p->s + from, p->pos - from);
        out->text[p->pos - from] = '\0';
        ok = 1;
    } else {
        ok = fail(p, "unexpected character");
    }
    out->len = (size_t)(p->s + p->pos - out->start);
    p->depth--;
    if (!ok) free_inner(out);
    return ok;
}

static void free_inner(jval *v) {
    if (!v) return;
    free(v->text);
    for (size_t i = 0; i < v->count; i++) {
        free_inner(&v->items[i]);
        if (v->keys) free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
    memset(v, 0, sizeof *v);
}

jval *json_parse(const char *src, size_t len, char *error) {
    parser p = {src, len, 0, error, 0};
    jval *v = xmalloc(sizeof *v);
    if (!parse_value(&p, v)) {
        free(v);
        return NULL;
    }
    skip_ws(&p);
    if (p.pos != len) {
        fail(&p, "trailing text");
        json_free(v);
        return NULL;
    }
    return v;
}

void json_free(jval *v) {
    if (!v) return;
    free_inner(v);
    free(v);
}

const jval *json_get(const jval *obj, const char *key) {
    if (!obj || obj->type != J_OBJECT) return NULL;
    for (size_t i = 0; i < obj->count; i++)
        if (strcmp(obj->keys[i], key) == 0) return &obj->items[i];
    return NULL;
}

int json_equal(const jval *a, const jval *b) {
    if (!a || !b) return a == b;
    if (a->type != b->type) return 0;
    switch (a->type) {
    case J_NULL: return 1;
    case J_BOOL: return a->boolean == b->boolean;
    case J_NUMBER:
    case J_STRING: return strcmp(a->text, b->text) == 0;
    case J_ARRAY:
        if (a->count != b->count) return 0;
        for (size_t i = 0; i < a->count; i++)
            if (!json_equal(&a->items[i], &b->items[i])) return 0;
        return 1;
    case J_OBJECT:
        if (a->count != b->count) return 0;
        for (size_t i = 0; i < a->count; i++)
            if (!json_equal(&a->items[i], json_get(b, a->keys[i]))) return 0;
        return 1;
    }
    return 0;
}

char *json_source(const jval *v) {
    char *s = xmalloc(v->len + 1);
    memcpy(s, v->start, v->len);
    s[v->len] = '\0';
    return s;
}

char *json_show(const jval *v) {
    if (!v) {
        char *s = xmalloc(8);
        strcpy(s, "(none)");
        return s;
    }
    return json_source(v);
}
