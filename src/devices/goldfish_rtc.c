/* Goldfish RTC: wall-clock time in ns and one alarm. */
#include "devices/goldfish_rtc.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vm/error.h"

#define NS_PER_SEC 1000000000ULL

struct vm_goldfish_rtc {
    pthread_mutex_t lock;
    pthread_cond_t wake; /* CLOCK_MONOTONIC */
    pthread_t thread;
    bool stop;

    uint64_t offset_ns; /* guest time - host realtime, modulo 2^64 */
    uint32_t time_high_latch;
    uint64_t alarm_ns;
    bool armed, irq_pending, irq_enabled, level;
    struct vm_irq_line irq;
};

static uint64_t clock_ns(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (uint64_t)ts.tv_sec * NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

static uint64_t rtc_now(const struct vm_goldfish_rtc *r)
{
    return clock_ns(CLOCK_REALTIME) + r->offset_ns;
}

static void update_irq(struct vm_goldfish_rtc *r)
{
    bool level = r->irq_pending && r->irq_enabled;
    if (level != r->level) {
        r->level = level;
        vm_irq_set(&r->irq, level);
    }
}

/* Fire a due alarm. Lock held. */
static void check_alarm(struct vm_goldfish_rtc *r)
{
    if (r->armed && rtc_now(r) >= r->alarm_ns) {
        r->armed = false;
        r->irq_pending = true;
        update_irq(r);
    }
}

static void *alarm_main(void *arg)
{
    struct vm_goldfish_rtc *r = arg;
    pthread_mutex_lock(&r->lock);
    while (!r->stop) {
        check_alarm(r);
        if (!r->armed) {
            pthread_cond_wait(&r->wake, &r->lock);
            continue;
        }
        /* Sleep on the monotonic clock, but at most a second, so that a
         * step of the host's wall clock delays the alarm by at most that. */
        uint64_t wait = r->alarm_ns - rtc_now(r);
        if (wait > NS_PER_SEC)
            wait = NS_PER_SEC;
        uint64_t at = clock_ns(CLOCK_MONOTONIC) + wait;
        struct timespec ts = {.tv_sec = (time_t)(at / NS_PER_SEC),
                              .tv_nsec = (long)(at % NS_PER_SEC)};
        pthread_cond_timedwait(&r->wake, &r->lock, &ts);
    }
    pthread_mutex_unlock(&r->lock);
    return NULL;
}

static int rtc_read(void *opaque, uint64_t off, unsigned size, uint64_t *value)
{
    struct vm_goldfish_rtc *r = opaque;
    *value = 0;
    if (size != 4 || off % 4)
        return 0;
    pthread_mutex_lock(&r->lock);
    switch (off) {
    case GOLDFISH_RTC_TIME_LOW: {
        uint64_t now = rtc_now(r);
        r->time_high_latch = (uint32_t)(now >> 32);
        *value = (uint32_t)now;
        break;
    }
    case GOLDFISH_RTC_TIME_HIGH: *value = r->time_high_latch; break;
    case GOLDFISH_RTC_ALARM_LOW: *value = (uint32_t)r->alarm_ns; break;
    case GOLDFISH_RTC_ALARM_HIGH: *value = (uint32_t)(r->alarm_ns >> 32); break;
    case GOLDFISH_RTC_IRQ_ENABLED: *value = r->irq_enabled; break;
    case GOLDFISH_RTC_ALARM_STATUS: *value = r->armed; break;
    default: break;
    }
    pthread_mutex_unlock(&r->lock);
    return 0;
}

static uint64_t with_low(uint64_t v, uint32_t low)
{
    return (v & 0xffffffff00000000ULL) | low;
}

static uint64_t with_high(uint64_t v, uint32_t high)
{
    return ((uint64_t)high << 32) | (v & 0xffffffffULL);
}

static int rtc_write(void *opaque, uint64_t off, unsigned size, uint64_t value)
{
    struct vm_goldfish_rtc *r = opaque;
    if (size != 4 || off % 4)
        return 0;
    uint32_t v = (uint32_t)value;
    pthread_mutex_lock(&r->lock);
    switch (off) {
    case GOLDFISH_RTC_TIME_LOW:
    case GOLDFISH_RTC_TIME_HIGH: {
        uint64_t now = rtc_now(r);
        uint64_t set = off == GOLDFISH_RTC_TIME_LOW ? with_low(now, v) : with_high(now, v);
        r->offset_ns += set - now;
        pthread_cond_signal(&r->wake); /* the alarm's distance changed */
        break;
    }
    case GOLDFISH_RTC_ALARM_LOW:
        r->alarm_ns = with_low(r->alarm_ns, v);
        r->armed = true;
        check_alarm(r); /* an alarm in the past fires at once */
        pthread_cond_signal(&r->wake);
        break;
    case GOLDFISH_RTC_ALARM_HIGH: r->alarm_ns = with_high(r->alarm_ns, v); break;
    case GOLDFISH_RTC_IRQ_ENABLED:
        r->irq_enabled = v & 1;
        update_irq(r);
        break;
    case GOLDFISH_RTC_CLEAR_ALARM:
        r->armed = false;
        pthread_cond_signal(&r->wake);
        break;
    case GOLDFISH_RTC_CLEAR_INTERRUPT:
        r->irq_pending = false;
        update_irq(r);
        break;
    default: break;
    }
    pthread_mutex_unlock(&r->lock);
    return 0;
}

static const struct vm_mmio_ops rtc_ops = {rtc_read, rtc_write};

struct vm_goldfish_rtc *vm_goldfish_rtc_create(struct vm_mem *mem, uint64_t base,
                                               const struct vm_irq_line *irq)
{
    struct vm_goldfish_rtc *r = calloc(1, sizeof(*r));
    if (!r) {
        vm_error(VM_ENOMEM, "goldfish-rtc: out of host memory");
        return NULL;
    }
    pthread_mutex_init(&r->lock, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&r->wake, &attr);
    pthread_condattr_destroy(&attr);
    if (irq)
        r->irq = *irq;
    int rc = pthread_create(&r->thread, NULL, alarm_main, r);
    if (rc != 0) {
        pthread_cond_destroy(&r->wake);
        pthread_mutex_destroy(&r->lock);
        free(r);
        vm_error(VM_ENOMEM, "goldfish-rtc: cannot start the alarm thread: %s", strerror(rc));
        return NULL;
    }
    if (mem && vm_mem_add_mmio(mem, base, GOLDFISH_RTC_SIZE, &rtc_ops, r, "goldfish-rtc") < 0) {
        vm_goldfish_rtc_destroy(r);
        return NULL;
    }
    return r;
}

void vm_goldfish_rtc_destroy(struct vm_goldfish_rtc *r)
{
    if (!r)
        return;
    pthread_mutex_lock(&r->lock);
    r->stop = true;
    pthread_cond_signal(&r->wake);
    pthread_mutex_unlock(&r->lock);
    pthread_join(r->thread, NULL);
    pthread_cond_destroy(&r->wake);
    pthread_mutex_destroy(&r->lock);
    free(r);
}
