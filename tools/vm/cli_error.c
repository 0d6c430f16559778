/* vm_cli_error: every command's one-line refusal (also linked into vm-user,
 * which has no flag table). */
#include <stdarg.h>
#include <stdio.h>

#include "cli.h"

int vm_cli_error(int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("vm: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return status;
}
