/* The one guest time source: a 10 MHz counter (100 ns ticks) derived from
 * the host's CLOCK_MONOTONIC, counting from process start. The CLINT's
 * mtime, the hart's time CSR and Sstc all read it, so every part of the
 * machine agrees on "now". */
#ifndef VM_CORE_TIMEBASE_H
#define VM_CORE_TIMEBASE_H

#include <stdint.h>
#include <time.h>

#define VM_TIMEBASE_HZ 10000000ULL
#define VM_TIMEBASE_NS_PER_TICK (1000000000ULL / VM_TIMEBASE_HZ)

/* Ticks since the epoch (process start). Monotonic, thread-safe, lock-free. */
uint64_t vm_timebase_now(void);

/* The absolute CLOCK_MONOTONIC time at which the counter reaches `ticks`,
 * for pthread_cond_timedwait on a CLOCK_MONOTONIC condition variable.
 * Deadlines too far away to represent are clamped to about a year ahead. */
struct timespec vm_timebase_deadline(uint64_t ticks);

#endif
