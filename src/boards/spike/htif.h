/* Spike's host-target interface: the guest writes requests to `tohost` and
 * reads answers from `fromhost`, two 64-bit words in guest RAM found from
 * the program's symbol table. Bits 63:56 of a request are the device, 55:48
 * the command, 47:0 the payload. */
#ifndef VM_BOARDS_SPIKE_HTIF_H
#define VM_BOARDS_SPIKE_HTIF_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "vm/mem.h"

struct htif {
    struct vm_mem *mem;
    uint64_t tohost, fromhost; /* guest physical addresses */
    bool has_fromhost;
    FILE *out;                 /* console (device 1) and write(1/2) output */
    bool verbose;
};

enum htif_result { HTIF_CONTINUE = 0, HTIF_EXIT = 1 };

/* Serve a pending request, if tohost holds one:
 *   device 0, odd payload: the program exits with status payload >> 1;
 *   device 0, even payload: a syscall block at that address (write, exit);
 *   device 1, command 1: print the low byte.
 * Served requests clear tohost and answer in fromhost, as Spike does.
 * Returns HTIF_EXIT with *status set, HTIF_CONTINUE, or a negative code. */
int htif_serve(struct htif *h, int *status);

#endif
