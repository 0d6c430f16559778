/* QEMU's -d/-D logs (vm/log.h). */
#include "vm/log.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>

#include "vm/error.h"

uint64_t vm_log_mask;

static const struct {
    enum vm_log_item item;
    const char *name, *help;
} items[] = {
    {VM_LOG_INT, "int", "show interrupts/exceptions in short format"},
    {VM_LOG_GUEST_ERRORS, "guest_errors",
     "log when the guest OS does something invalid (eg accessing a non-existent address)"},
    {VM_LOG_UNIMP, "unimp", "log unimplemented functionality (illegal instructions)"},
    {VM_LOG_MMU, "mmu", "log MMU-related activities (page faults)"},
    {VM_LOG_CPU_RESET, "cpu_reset", "show CPU state before CPU resets"},
    {VM_LOG_IN_ASM, "in_asm", "show target assembly code for each compiled TB"},
    {VM_LOG_OUT_ASM, "out_asm", "show generated host assembly code for each compiled TB"},
};
#define NR_ITEMS (sizeof(items) / sizeof(items[0]))

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static FILE *file; /* NULL: stderr */

int vm_log_set_items(const char *list)
{
    uint64_t mask = 0;
    const char *p = list;
    while (*p) {
        size_t n = strcspn(p, ",");
        bool found = false;
        if (n == 3 && !strncmp(p, "all", 3)) {
            for (unsigned i = 0; i < NR_ITEMS; i++)
                mask |= 1ULL << items[i].item;
            found = true;
        } else if (n == 4 && !strncmp(p, "none", 4)) {
            found = true;
        }
        for (unsigned i = 0; i < NR_ITEMS && !found; i++)
            if (strlen(items[i].name) == n && !strncmp(p, items[i].name, n)) {
                mask |= 1ULL << items[i].item;
                found = true;
            }
        if (!found)
            return vm_error(VM_EINVAL, "-d: unknown log item '%.*s' (-d help lists them)",
                            (int)n, p);
        p += n;
        if (*p == ',')
            p++;
    }
    __atomic_store_n(&vm_log_mask, mask, __ATOMIC_RELAXED);
    return 0;
}

int vm_log_set_file(const char *path)
{
    FILE *f = NULL;
    if (path && !(f = fopen(path, "a")))
        return vm_error(VM_EIO, "-D '%s': %s", path, strerror(errno));
    if (f)
        setvbuf(f, NULL, _IOLBF, 0);
    pthread_mutex_lock(&lock);
    if (file)
        fclose(file);
    file = f;
    pthread_mutex_unlock(&lock);
    return 0;
}

void vm_log_help(FILE *out)
{
    fprintf(out, "Log items (comma separated):\n");
    for (unsigned i = 0; i < NR_ITEMS; i++)
        fprintf(out, "%-15s %s\n", items[i].name, items[i].help);
    fprintf(out, "%-15s %s\n", "all", "every item above");
}

void vm_log_lock(void)
{
    pthread_mutex_lock(&lock);
}

void vm_log_unlock(void)
{
    pthread_mutex_unlock(&lock);
}

FILE *vm_log_stream(void)
{
    return file ? file : stderr;
}

void vm_log(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pthread_mutex_lock(&lock);
    FILE *f = vm_log_stream();
    vfprintf(f, fmt, ap);
    if (!*fmt || fmt[strlen(fmt) - 1] != '\n')
        fputc('\n', f);
    pthread_mutex_unlock(&lock);
    va_end(ap);
}
