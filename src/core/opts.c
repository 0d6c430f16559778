/* QEMU option strings (opts.h). */
#include "core/opts.h"

#include <stdlib.h>
#include <string.h>

#include "vm/error.h"

/* One item up to an unescaped comma: value text with ",," collapsed. */
static char *take_item(const char **p)
{
    const char *s = *p;
    size_t n = 0;
    char *out = malloc(strlen(s) + 1);
    if (!out)
        return NULL;
    while (*s) {
        if (*s == ',') {
            if (s[1] != ',')
                break;
            s++; /* ",," is one comma */
        }
        out[n++] = *s++;
    }
    out[n] = '\0';
    *p = *s == ',' ? s + 1 : s;
    return out;
}

static int add(struct vm_opts *o, char *key, char *value)
{
    struct vm_opt *n = realloc(o->items, (o->count + 1) * sizeof(*n));
    if (!n) {
        free(key);
        free(value);
        return vm_error(VM_ENOMEM, "out of host memory");
    }
    o->items = n;
    o->items[o->count++] = (struct vm_opt){.key = key, .value = value};
    return 0;
}

int vm_opts_parse(const char *text, const char *implied, const char *what, struct vm_opts *out)
{
    memset(out, 0, sizeof(*out));
    if (!text || !*text)
        return vm_error(VM_EINVAL, "%s: empty option string", what);
    const char *p = text;
    bool first = true;
    while (*p || first) {
        char *item = take_item(&p);
        if (!item) {
            vm_opts_free(out);
            return vm_error(VM_ENOMEM, "out of host memory");
        }
        /* The key ends at the first '=' (keys never hold one). */
        char *eq = strchr(item, '=');
        char *key, *value;
        if (eq) {
            *eq = '\0';
            key = strdup(item);
            value = strdup(eq + 1);
            free(item);
        } else if (first && implied) {
            key = strdup(implied);
            value = item;
        } else {
            key = item;
            value = strdup("on");
        }
        if (!key || !value || !*key) {
            bool empty = key && !*key;
            free(key);
            free(value);
            vm_opts_free(out);
            return empty ? vm_error(VM_EINVAL, "%s '%s': an item has no name", what, text)
                         : vm_error(VM_ENOMEM, "out of host memory");
        }
        int rc = add(out, key, value);
        if (rc < 0) {
            vm_opts_free(out);
            return rc;
        }
        first = false;
    }
    return 0;
}

void vm_opts_free(struct vm_opts *o)
{
    for (unsigned i = 0; i < o->count; i++) {
        free(o->items[i].key);
        free(o->items[i].value);
    }
    free(o->items);
    memset(o, 0, sizeof(*o));
}

const char *vm_opts_get_nth(struct vm_opts *o, const char *key, unsigned n)
{
    for (unsigned i = 0; i < o->count; i++)
        if (!strcmp(o->items[i].key, key)) {
            o->items[i].used = true;
            if (n-- == 0)
                return o->items[i].value;
        }
    return NULL;
}

const char *vm_opts_get(struct vm_opts *o, const char *key)
{
    const char *v = NULL;
    for (unsigned i = 0; i < o->count; i++)
        if (!strcmp(o->items[i].key, key)) {
            o->items[i].used = true;
            v = o->items[i].value;
        }
    return v;
}

int vm_opts_bool(struct vm_opts *o, const char *key, const char *what, bool *out)
{
    const char *v = vm_opts_get(o, key);
    if (!v)
        return 0;
    if (!strcmp(v, "on") || !strcmp(v, "yes") || !strcmp(v, "true"))
        *out = true;
    else if (!strcmp(v, "off") || !strcmp(v, "no") || !strcmp(v, "false"))
        *out = false;
    else
        return vm_error(VM_EINVAL, "%s: %s=%s: expected on or off", what, key, v);
    return 0;
}

int vm_opts_check_used(const struct vm_opts *o, const char *what)
{
    for (unsigned i = 0; i < o->count; i++)
        if (!o->items[i].used)
            return vm_error(VM_EINVAL, "%s: unknown or unsupported option '%s'", what,
                            o->items[i].key);
    return 0;
}
