/* Guest time: host CLOCK_MONOTONIC scaled to 10 MHz ticks. */
#include "core/timebase.h"

#include <pthread.h>

static uint64_t epoch_ns;
static pthread_once_t epoch_once = PTHREAD_ONCE_INIT;

static uint64_t host_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void set_epoch(void)
{
    epoch_ns = host_ns();
}

/* Fix the epoch when the program loads, so that the hot path (the time
 * CSR) only pays for pthread_once's already-done check. */
__attribute__((constructor)) static void timebase_init(void)
{
    pthread_once(&epoch_once, set_epoch);
}

uint64_t vm_timebase_now(void)
{
    pthread_once(&epoch_once, set_epoch);
    return (host_ns() - epoch_ns) / VM_TIMEBASE_NS_PER_TICK;
}

struct timespec vm_timebase_deadline(uint64_t ticks)
{
    pthread_once(&epoch_once, set_epoch);
    const uint64_t year_ticks = 366ULL * 24 * 3600 * VM_TIMEBASE_HZ;
    uint64_t now = vm_timebase_now();
    if (ticks > now + year_ticks)
        ticks = now + year_ticks;
    uint64_t ns = epoch_ns + ticks * VM_TIMEBASE_NS_PER_TICK;
    struct timespec ts = {.tv_sec = (time_t)(ns / 1000000000ULL),
                          .tv_nsec = (long)(ns % 1000000000ULL)};
    return ts;
}
