/* QEMU's option-string syntax (QemuOpts), as in `-drive file=a.img,if=virtio`
 * or `-netdev user,id=n0,hostfwd=tcp::2222-:22`: comma-separated items,
 * `key=value` or a bare first item that stands for an implied key (the
 * device or back-end type); `,,` is a literal comma inside a value; a bare
 * `key` later on means `key=on` and `nokey` is not accepted (QEMU
 * deprecated it). Keys may repeat (hostfwd); the lookups return the last. */
#ifndef VM_CORE_OPTS_H
#define VM_CORE_OPTS_H

#include <stdbool.h>
#include <stdint.h>

struct vm_opt {
    char *key, *value;
    bool used; /* set by the lookups: what is left unused is unknown */
};

struct vm_opts {
    struct vm_opt *items;
    unsigned count;
};

/* implied: the key of a bare first item ("driver", "type"), or NULL when
 * every item must be key=value. what: the flag, for messages ("-drive").
 * Returns 0, or -VM_EINVAL with a message. */
int vm_opts_parse(const char *text, const char *implied, const char *what, struct vm_opts *out);
void vm_opts_free(struct vm_opts *o);

/* The value of key (last occurrence), or NULL; marks it used. */
const char *vm_opts_get(struct vm_opts *o, const char *key);
/* on/off, yes/no, true/false (QEMU's spellings). *out keeps its default
 * when the key is absent; -VM_EINVAL with a message for another value. */
int vm_opts_bool(struct vm_opts *o, const char *key, const char *what, bool *out);
/* The n-th occurrence of key (for repeated keys), or NULL; marks it used. */
const char *vm_opts_get_nth(struct vm_opts *o, const char *key, unsigned n);
/* -VM_EINVAL naming the first key no lookup asked for. */
int vm_opts_check_used(const struct vm_opts *o, const char *what);

#endif
