/* A growing string, for text built piece by piece (monitor output). On
 * running out of memory it stops growing and keeps what it has. */
#ifndef VM_CORE_STRBUF_H
#define VM_CORE_STRBUF_H

#include <stddef.h>

struct vm_strbuf {
    char *s;    /* NUL-terminated; NULL while empty */
    size_t len, cap;
};

void vm_strbuf_printf(struct vm_strbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void vm_strbuf_add(struct vm_strbuf *b, const char *s, size_t len);
/* The text ("" when empty). */
const char *vm_strbuf_str(const struct vm_strbuf *b);
void vm_strbuf_clear(struct vm_strbuf *b);
void vm_strbuf_free(struct vm_strbuf *b);

#endif
