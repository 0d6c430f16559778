/* Errors: failing functions return a negative -VM_E... code (or NULL) and
 * leave a message with the context a user needs in a per-thread buffer. */
#ifndef VM_ERROR_H
#define VM_ERROR_H

#include <stdarg.h>

enum vm_error {
    VM_OK = 0,
    VM_EINVAL = 1,   /* bad argument or configuration */
    VM_ENOMEM = 2,   /* host memory exhausted */
    VM_EOVERLAP = 3, /* region overlaps an existing one */
    VM_ENOENT = 4,   /* no such file, region or object */
    VM_EIO = 5,      /* host I/O failed */
    VM_EFORMAT = 6,  /* malformed file or image */
    VM_EFAULT = 7,   /* guest address not backed by RAM or MMIO */
    VM_ENOTSUP = 8,  /* feature not available on this host or build */
    VM_EBUSY = 9,    /* resource in use */
    VM_EACCESS = 10, /* permission denied */
};

/* Record a message for the current thread and return -code, so that a
 * failing function can `return vm_error(VM_EINVAL, "...", ...);`. */
int vm_error(enum vm_error code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int vm_verror(enum vm_error code, const char *fmt, va_list ap);

/* The last message recorded on this thread ("" if none). */
const char *vm_error_message(void);
/* A short name for a code, positive or negative ("invalid argument"). */
const char *vm_strerror(int code);
void vm_error_clear(void);

#endif
