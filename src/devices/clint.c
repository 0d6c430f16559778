/* SiFive CLINT: software interrupts and the machine timer. */
#include "devices/clint.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/timebase.h"
#include "vm/error.h"

struct vm_clint {
    pthread_mutex_t lock;
    pthread_cond_t wake; /* CLOCK_MONOTONIC: re-arm or stop the timer thread */
    pthread_t thread;
    bool stop;

    unsigned nr_harts;
    uint64_t *mtime_offset; /* mtime - timebase; atomic: read without the lock */
    uint64_t own_offset;    /* *mtime_offset when the board has none */
    uint64_t *mtimecmp;
    uint32_t *msip;
    bool *mtip_level;
    struct vm_irq_line *msip_lines, *mtip_lines;
};

static uint64_t mtime_at(const struct vm_clint *c, uint64_t timebase)
{
    return timebase + __atomic_load_n(c->mtime_offset, __ATOMIC_RELAXED);
}

uint64_t vm_clint_mtime(struct vm_clint *c)
{
    return mtime_at(c, vm_timebase_now());
}

static void set_mtip(struct vm_clint *c, unsigned hart, bool level)
{
    if (c->mtip_level[hart] != level) {
        c->mtip_level[hart] = level;
        vm_irq_set(&c->mtip_lines[hart], level);
    }
}

/* Bring every MTIP line up to date; return the earliest future mtimecmp as
 * a timebase value (UINT64_MAX: nothing to wait for). Lock held. */
static uint64_t update_timers(struct vm_clint *c)
{
    uint64_t tb = vm_timebase_now(), now = mtime_at(c, tb);
    uint64_t next = UINT64_MAX;
    for (unsigned h = 0; h < c->nr_harts; h++) {
        bool due = now >= c->mtimecmp[h];
        set_mtip(c, h, due);
        if (!due) {
            uint64_t delta = c->mtimecmp[h] - now;
            uint64_t at = tb + delta < tb ? UINT64_MAX : tb + delta;
            if (at < next)
                next = at;
        }
    }
    return next;
}

static void *timer_main(void *arg)
{
    struct vm_clint *c = arg;
    pthread_mutex_lock(&c->lock);
    while (!c->stop) {
        uint64_t next = update_timers(c);
        if (next == UINT64_MAX) {
            pthread_cond_wait(&c->wake, &c->lock);
        } else {
            struct timespec ts = vm_timebase_deadline(next);
            pthread_cond_timedwait(&c->wake, &c->lock, &ts);
        }
    }
    pthread_mutex_unlock(&c->lock);
    return NULL;
}

/* Timer state changed: evaluate now (so a past mtimecmp raises MTIP and a
 * future one lowers it before the write returns) and re-arm the thread. */
static void timers_changed(struct vm_clint *c)
{
    update_timers(c);
    pthread_cond_signal(&c->wake);
}

/* Replace the bytes [shift/8, shift/8 + size) of a 64-bit register. */
static uint64_t merge(uint64_t old, unsigned shift, unsigned size, uint64_t val)
{
    if (size == 8)
        return val;
    uint64_t mask = 0xffffffffULL << shift;
    return (old & ~mask) | ((val << shift) & mask);
}

/* Which 64-bit register an access hits: *hart = the mtimecmp index, or
 * nr_harts for mtime. False for accesses that are not 4 or 8 bytes wide
 * and naturally aligned within a register. */
static bool timer_reg(const struct vm_clint *c, uint64_t off, unsigned size, unsigned *hart,
                      unsigned *shift)
{
    if (!(size == 8 && off % 8 == 0) && !(size == 4 && off % 4 == 0))
        return false;
    *shift = (unsigned)(off % 8) * 8;
    if (off >= CLINT_MTIME_OFFSET && off < CLINT_MTIME_OFFSET + 8) {
        *hart = c->nr_harts;
        return true;
    }
    if (off < CLINT_MTIMECMP_OFFSET || off >= CLINT_MTIME_OFFSET)
        return false;
    uint64_t h = (off - CLINT_MTIMECMP_OFFSET) / 8;
    if (h >= c->nr_harts)
        return false;
    *hart = (unsigned)h;
    return true;
}

static int clint_read(void *opaque, uint64_t off, unsigned size, uint64_t *value)
{
    struct vm_clint *c = opaque;
    unsigned hart, shift;
    *value = 0;
    if (off < CLINT_MTIMECMP_OFFSET) {
        if (size == 4 && off % 4 == 0 && off / 4 < c->nr_harts) {
            pthread_mutex_lock(&c->lock);
            *value = c->msip[off / 4];
            pthread_mutex_unlock(&c->lock);
        }
    } else if (timer_reg(c, off, size, &hart, &shift)) {
        pthread_mutex_lock(&c->lock);
        uint64_t v = hart == c->nr_harts ? vm_clint_mtime(c) : c->mtimecmp[hart];
        pthread_mutex_unlock(&c->lock);
        *value = size == 8 ? v : (uint32_t)(v >> shift);
    }
    return 0;
}

static int clint_write(void *opaque, uint64_t off, unsigned size, uint64_t value)
{
    struct vm_clint *c = opaque;
    unsigned hart, shift;
    if (off < CLINT_MTIMECMP_OFFSET) {
        if (size == 4 && off % 4 == 0 && off / 4 < c->nr_harts) {
            unsigned h = (unsigned)(off / 4);
            pthread_mutex_lock(&c->lock);
            c->msip[h] = value & 1;
            vm_irq_set(&c->msip_lines[h], value & 1);
            pthread_mutex_unlock(&c->lock);
        }
    } else if (timer_reg(c, off, size, &hart, &shift)) {
        pthread_mutex_lock(&c->lock);
        if (hart == c->nr_harts) {
            uint64_t tb = vm_timebase_now();
            uint64_t mtime = merge(mtime_at(c, tb), shift, size, value);
            __atomic_store_n(c->mtime_offset, mtime - tb, __ATOMIC_RELAXED);
        } else {
            c->mtimecmp[hart] = merge(c->mtimecmp[hart], shift, size, value);
        }
        timers_changed(c);
        pthread_mutex_unlock(&c->lock);
    }
    return 0;
}

static const struct vm_mmio_ops clint_ops = {clint_read, clint_write};

static void clint_free(struct vm_clint *c)
{
    free(c->mtimecmp);
    free(c->msip);
    free(c->mtip_level);
    free(c->msip_lines);
    free(c->mtip_lines);
    pthread_cond_destroy(&c->wake);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

struct vm_clint *vm_clint_create(struct vm_mem *mem, uint64_t base, unsigned nr_harts,
                                 const struct vm_irq_line *msip,
                                 const struct vm_irq_line *mtip, uint64_t *mtime_offset)
{
    if (nr_harts == 0 || nr_harts > CLINT_MAX_HARTS) {
        vm_error(VM_EINVAL, "clint: %u harts (1 to %u supported)", nr_harts, CLINT_MAX_HARTS);
        return NULL;
    }
    struct vm_clint *c = calloc(1, sizeof(*c));
    if (!c) {
        vm_error(VM_ENOMEM, "clint: out of host memory");
        return NULL;
    }
    pthread_mutex_init(&c->lock, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&c->wake, &attr);
    pthread_condattr_destroy(&attr);
    c->nr_harts = nr_harts;
    c->mtime_offset = mtime_offset ? mtime_offset : &c->own_offset;
    c->mtimecmp = malloc(nr_harts * sizeof(*c->mtimecmp));
    c->msip = calloc(nr_harts, sizeof(*c->msip));
    c->mtip_level = calloc(nr_harts, sizeof(*c->mtip_level));
    c->msip_lines = calloc(nr_harts, sizeof(*c->msip_lines));
    c->mtip_lines = calloc(nr_harts, sizeof(*c->mtip_lines));
    if (!c->mtimecmp || !c->msip || !c->mtip_level || !c->msip_lines || !c->mtip_lines) {
        clint_free(c);
        vm_error(VM_ENOMEM, "clint: out of host memory");
        return NULL;
    }
    for (unsigned h = 0; h < nr_harts; h++)
        c->mtimecmp[h] = UINT64_MAX;
    if (msip)
        memcpy(c->msip_lines, msip, nr_harts * sizeof(*msip));
    if (mtip)
        memcpy(c->mtip_lines, mtip, nr_harts * sizeof(*mtip));
    int rc = pthread_create(&c->thread, NULL, timer_main, c);
    if (rc != 0) {
        clint_free(c);
        vm_error(VM_ENOMEM, "clint: cannot start the timer thread: %s", strerror(rc));
        return NULL;
    }
    if (mem && vm_mem_add_mmio(mem, base, CLINT_SIZE, &clint_ops, c, "clint") < 0) {
        vm_clint_destroy(c);
        return NULL;
    }
    return c;
}

void vm_clint_destroy(struct vm_clint *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&c->lock);
    c->stop = true;
    pthread_cond_signal(&c->wake);
    pthread_mutex_unlock(&c->lock);
    pthread_join(c->thread, NULL);
    clint_free(c);
}
