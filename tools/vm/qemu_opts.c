/* QEMU's "value,key=value" option lists, and its value syntaxes. */
#include "qemu_opts.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void qemu_opts_free(struct qemu_opts *o)
{
    free(o->v);
    free(o->buf);
    *o = (struct qemu_opts){0};
}

static int add(struct qemu_opts *o, const char *key, const char *value)
{
    struct qemu_opt *v = realloc(o->v, (o->n + 1) * sizeof(*v));
    if (!v)
        return -1;
    o->v = v;
    o->v[o->n++] = (struct qemu_opt){key, value};
    return 0;
}

/* Cut the element starting at *p at the next single comma, turning ",,"
 * into ","; returns the element and moves *p past its comma (NULL at the
 * end). */
static char *next_element(char **p)
{
    char *start = *p, *r = start, *w = start;
    for (;;) {
        if (*r == ',' && r[1] == ',') {
            *w++ = ',';
            r += 2;
        } else if (*r == ',' || *r == '\0') {
            *p = *r ? r + 1 : NULL;
            *w = '\0';
            return start;
        } else {
            *w++ = *r++;
        }
    }
}

int qemu_opts_parse(struct qemu_opts *o, const char *s, const char *implied_key, char *err,
                    size_t errlen)
{
    *o = (struct qemu_opts){0};
    if (!(o->buf = strdup(s))) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    char *p = o->buf;
    bool first = true;
    while (p) {
        char *e = next_element(&p);
        char *eq = strchr(e, '=');
        int rc;
        if (eq) {
            *eq = '\0';
            if (!*e) {
                snprintf(err, errlen, "'=%s': a property without a name", eq + 1);
                goto fail;
            }
            rc = add(o, e, eq + 1);
        } else if (first && implied_key) {
            rc = add(o, implied_key, e);
        } else if (!*e) {
            if (!p && !first)
                break; /* a trailing comma, as QEMU allows */
            snprintf(err, errlen, "an empty property");
            goto fail;
        } else {
            rc = add(o, e, "on"); /* QEMU: a bare key is a boolean set to on */
        }
        if (rc < 0) {
            snprintf(err, errlen, "out of memory");
            goto fail;
        }
        first = false;
    }
    return 0;
fail:
    qemu_opts_free(o);
    return -1;
}

const char *qemu_opts_get(const struct qemu_opts *o, const char *key)
{
    for (unsigned i = o->n; i-- > 0;)
        if (!strcmp(o->v[i].key, key))
            return o->v[i].value;
    return NULL;
}

int qemu_opts_append(struct qemu_opts *dst, const struct qemu_opts *src)
{
    /* Rebuild dst's buffer with both sets of strings. */
    size_t len = 0;
    for (unsigned i = 0; i < dst->n; i++)
        len += strlen(dst->v[i].key) + strlen(dst->v[i].value) + 2;
    for (unsigned i = 0; i < src->n; i++)
        len += strlen(src->v[i].key) + strlen(src->v[i].value) + 2;
    char *buf = malloc(len ? len : 1);
    struct qemu_opt *v = malloc(((size_t)dst->n + src->n + 1) * sizeof(*v));
    if (!buf || !v) {
        free(buf);
        free(v);
        return -1;
    }
    char *w = buf;
    unsigned n = 0;
    const struct qemu_opts *from[2] = {dst, src};
    for (unsigned k = 0; k < 2; k++)
        for (unsigned i = 0; i < from[k]->n; i++) {
            size_t kl = strlen(from[k]->v[i].key) + 1, vl = strlen(from[k]->v[i].value) + 1;
            memcpy(w, from[k]->v[i].key, kl);
            memcpy(w + kl, from[k]->v[i].value, vl);
            v[n++] = (struct qemu_opt){w, w + kl};
            w += kl + vl;
        }
    qemu_opts_free(dst);
    *dst = (struct qemu_opts){v, n, buf};
    return 0;
}

const char *qemu_opts_unknown(const struct qemu_opts *o, const char *const *known)
{
    for (unsigned i = 0; i < o->n; i++) {
        const char *const *k = known;
        while (*k && strcmp(*k, o->v[i].key))
            k++;
        if (!*k)
            return o->v[i].key;
    }
    return NULL;
}

bool qemu_parse_bool(const char *s, bool *out)
{
    if (!strcmp(s, "on") || !strcmp(s, "yes") || !strcmp(s, "true")) {
        *out = true;
        return true;
    }
    if (!strcmp(s, "off") || !strcmp(s, "no") || !strcmp(s, "false")) {
        *out = false;
        return true;
    }
    return false;
}

bool qemu_parse_size(const char *s, unsigned default_shift, uint64_t *out)
{
    char *end;
    if (*s < '0' || *s > '9')
        return false;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s)
        return false;
    unsigned shift = default_shift;
    if (*end) {
        switch (*end) {
        case 'b': case 'B': shift = 0; break;
        case 'k': case 'K': shift = 10; break;
        case 'm': case 'M': shift = 20; break;
        case 'g': case 'G': shift = 30; break;
        case 't': case 'T': shift = 40; break;
        default: return false;
        }
        const char *rest = end + 1;
        if (shift && (!strcmp(rest, "iB") || !strcmp(rest, "B")))
            rest += strlen(rest);
        if (*rest)
            return false;
    }
    if (v > (UINT64_MAX >> shift))
        return false;
    *out = (uint64_t)v << shift;
    return true;
}

bool qemu_parse_u64(const char *s, uint64_t *out)
{
    char *end;
    if (*s < '0' || *s > '9')
        return false;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || *end)
        return false;
    *out = v;
    return true;
}
