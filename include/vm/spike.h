/* The spike machine: RAM at 0x80000000, one hart starting in M-mode at an
 * ELF's entry, and Spike's HTIF (tohost/fromhost) for console output and
 * the program's exit status. Used by bare-metal tests and benchmarks. */
#ifndef VM_SPIKE_H
#define VM_SPIKE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define VM_SPIKE_TIMEOUT_STATUS 124 /* as timeout(1) */

struct vm_spike_config {
    const char *kernel; /* ELF path */
    uint64_t ram_size;  /* bytes; 0: the default (128 MiB) */
    const char *accel;  /* "auto", "soft", "kvm"; NULL: auto */
    const char *cpu;    /* -cpu rv64[,EXT=on|off...] (vm/riscv_isa.h); NULL: every extension */
    bool verbose;       /* explain choices and the exit on stderr */
    uint64_t max_insns; /* 0: unbounded */
    double timeout;     /* seconds; 0: unbounded */
    FILE *console;      /* HTIF console; NULL: stdout */
    const char *gdb;    /* GDB stub device (tcp:[HOST]:PORT, unix:PATH); NULL: none */
    bool start_paused;  /* -S: wait for a debugger's (or monitor's) continue */
};

/* Build the machine, run the program to its end and return its exit status
 * (tohost >> 1), VM_SPIKE_TIMEOUT_STATUS when a bound stopped it (with a
 * message on stderr), or a negative -VM_E... code with the message in
 * vm_error_message() for bad input or a failure to build the machine. */
int vm_spike_run(const struct vm_spike_config *cfg);

#endif
