/* QEMU's -d/-D: optional logs of what the machine does, each an item
 * chosen by name ("int,guest_errors"), written to a file or stderr.
 *
 * Checking an item costs one load and a test (vm_log_enabled), so the
 * checks may sit on paths that run often, never on the hottest ones (an
 * L1 hit, an instruction's dispatch).
 *
 * Add an item: an enum value below and a line in src/core/log.c's table
 * (its QEMU name and one line of help for `-d help`). */
#ifndef VM_LOG_H
#define VM_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum vm_log_item {
    VM_LOG_INT,          /* "int": every trap and interrupt taken */
    VM_LOG_GUEST_ERRORS, /* "guest_errors": accesses to addresses nothing backs */
    VM_LOG_UNIMP,        /* "unimp": illegal instructions (unimplemented or invalid) */
    VM_LOG_MMU,          /* "mmu": page faults, with satp */
    VM_LOG_CPU_RESET,    /* "cpu_reset": each hart's state when a boot starts it */
    VM_LOG_IN_ASM,       /* "in_asm": the guest code of each block the JIT translates */
    VM_LOG_OUT_ASM,      /* "out_asm": the host code the JIT generates for it */
    VM_LOG_ITEMS
};

extern uint64_t vm_log_mask; /* bit i: item i on; read with vm_log_enabled */

static inline bool vm_log_enabled(enum vm_log_item item)
{
    return __atomic_load_n(&vm_log_mask, __ATOMIC_RELAXED) >> item & 1;
}

/* "int,guest_errors" (QEMU's spelling; "all" is every item, "none" none).
 * 0, or -VM_EINVAL with a message naming the unknown item. */
int vm_log_set_items(const char *items);
/* Where the log goes (QEMU's -D); NULL: stderr. 0, or -VM_EIO. */
int vm_log_set_file(const char *path);
/* `-d help`: every item with its help. */
void vm_log_help(FILE *out);

/* One line (a newline is added if missing), whole even from several threads. */
void vm_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Around several lines that must stay together. */
void vm_log_lock(void);
void vm_log_unlock(void);
FILE *vm_log_stream(void);

#endif
