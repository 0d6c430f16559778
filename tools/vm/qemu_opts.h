/* QEMU's option syntax (QemuOpts): "VALUE,KEY=VALUE,KEY=VALUE..." where a
 * first element without '=' is the value of an implied key (`virt` in
 * `-M virt,dumpdtb=F` is type=virt), ",," is a comma inside a value, and
 * a later bare KEY means KEY=on. Later keys override earlier ones. */
#ifndef VM_TOOLS_QEMU_OPTS_H
#define VM_TOOLS_QEMU_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct qemu_opt {
    const char *key, *value;
};

struct qemu_opts {
    struct qemu_opt *v;
    unsigned n;
    char *buf; /* keys and values point in here */
};

/* Parse s into *o (which must be zeroed or freed). implied_key may be NULL
 * (then every element needs '='). Returns 0, or -1 with a message in err. */
int qemu_opts_parse(struct qemu_opts *o, const char *s, const char *implied_key, char *err,
                    size_t errlen);
void qemu_opts_free(struct qemu_opts *o);
/* The last value given for key, or NULL. */
const char *qemu_opts_get(const struct qemu_opts *o, const char *key);
/* Append all of src's options to dst (copies the strings). 0 or -1 (memory). */
int qemu_opts_append(struct qemu_opts *dst, const struct qemu_opts *src);
/* The first key not in the NULL-terminated list `known`, or NULL. */
const char *qemu_opts_unknown(const struct qemu_opts *o, const char *const *known);

/* QEMU's booleans: on/off, yes/no, true/false. */
bool qemu_parse_bool(const char *s, bool *out);
/* A size: digits with an optional suffix B, K, M, G, T (binary units,
 * optionally followed by "iB" or "B"); a bare number is in default_shift
 * units (20 for -m's MiB, 0 for bytes). */
bool qemu_parse_size(const char *s, unsigned default_shift, uint64_t *out);
/* A whole unsigned number (decimal, or 0x hex). */
bool qemu_parse_u64(const char *s, uint64_t *out);

#endif
