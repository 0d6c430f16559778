/* The one error/report module: a per-thread last message. */
#include "vm/error.h"

#include <stdio.h>
#include <stdlib.h>

static _Thread_local char last_message[512];

int vm_verror(enum vm_error code, const char *fmt, va_list ap)
{
    vsnprintf(last_message, sizeof(last_message), fmt, ap);
    return -(int)code;
}

int vm_error(enum vm_error code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = vm_verror(code, fmt, ap);
    va_end(ap);
    return rc;
}

const char *vm_error_message(void)
{
    return last_message;
}

void vm_error_clear(void)
{
    last_message[0] = '\0';
}

const char *vm_strerror(int code)
{
    static const char *const names[] = {
        [VM_OK] = "success",
        [VM_EINVAL] = "invalid argument",
        [VM_ENOMEM] = "out of memory",
        [VM_EOVERLAP] = "overlapping region",
        [VM_ENOENT] = "not found",
        [VM_EIO] = "I/O error",
        [VM_EFORMAT] = "bad format",
        [VM_EFAULT] = "bad guest address",
        [VM_ENOTSUP] = "not supported",
        [VM_EBUSY] = "busy",
        [VM_EACCESS] = "permission denied",
    };
    int c = abs(code);
    if (c < (int)(sizeof(names) / sizeof(names[0])) && names[c])
        return names[c];
    return "unknown error";
}
