/* A monitor (HMP or QMP) on a character device (monitor.h). */
#include "monitor/monitor.h"

#include <json-c/json.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "boards/machine.h"
#include "boards/runctl.h"
#include "core/strbuf.h"
#include "devices/chardev.h"
#include "monitor/hmp.h"
#include "monitor/qmp.h"
#include "vm/error.h"
#include "vm/version.h"

#define MAX_QUEUED 64   /* items waiting: beyond, input waits in the back end */
#define LINE_MAX_LEN 512
#define HISTORY 16
#define PROMPT "(qemu) " /* QEMU's: scripts written for QEMU wait for it */
#define DRAIN_SECONDS 2

enum item_kind { ITEM_LINE, ITEM_QMP, ITEM_EVENT, ITEM_GREET };

struct item {
    enum item_kind kind;
    char *line;                 /* ITEM_LINE */
    struct vm_qmp_request req;  /* ITEM_QMP */
    const char *event;          /* ITEM_EVENT: a static name */
    struct json_object *data;   /* ITEM_EVENT */
    struct item *next;
};

struct vm_monitor {
    struct vm_monitor_config cfg;
    struct vm_qmp *qmp;
    struct vm_hmp_session hmp;

    pthread_t worker;
    pthread_mutex_t lock; /* the queue, the machine, stop, busy */
    pthread_cond_t cond;
    struct item *head, *tail;
    unsigned queued;
    bool stop, busy, started;
    struct vm_machine *m;
    bool listening;

    /* the line editor: the back end's input thread only */
    char line[LINE_MAX_LEN];
    size_t len;
    int esc; /* 0, 1 after ESC, 2 inside "ESC [" */
    bool last_cr, greeted;
    char history[HISTORY][LINE_MAX_LEN];
    unsigned nhist, hpos;

    struct vm_monitor *next_live; /* all monitors, for POWERDOWN */
};

static pthread_mutex_t live_lock = PTHREAD_MUTEX_INITIALIZER;
static struct vm_monitor *live;

/* ---- the queue ------------------------------------------------------------------- */

static bool enqueue(struct vm_monitor *mon, struct item *it, bool force)
{
    pthread_mutex_lock(&mon->lock);
    if ((!force && mon->queued >= MAX_QUEUED) || mon->stop) {
        pthread_mutex_unlock(&mon->lock);
        return false;
    }
    it->next = NULL;
    if (mon->tail)
        mon->tail->next = it;
    else
        mon->head = it;
    mon->tail = it;
    mon->queued++;
    pthread_cond_broadcast(&mon->cond);
    pthread_mutex_unlock(&mon->lock);
    return true;
}

static void free_item(struct item *it)
{
    free(it->line);
    json_object_put(it->req.value);
    json_object_put(it->data);
    free(it);
}

static void push(struct vm_monitor *mon, enum item_kind kind, char *line,
                 const char *event, struct json_object *data)
{
    struct item *it = calloc(1, sizeof(*it));
    if (!it) {
        free(line);
        json_object_put(data);
        return;
    }
    *it = (struct item){.kind = kind, .line = line, .event = event, .data = data};
    if (!enqueue(mon, it, true))
        free_item(it);
}

/* ---- output ------------------------------------------------------------------------- */

static void put(struct vm_monitor *mon, const char *s)
{
    vm_chardev_write(mon->cfg.chr, (const uint8_t *)s, strlen(s));
}

/* Text with QEMU's line ends ("\r\n"). */
static void put_lines(struct vm_monitor *mon, const char *s)
{
    struct vm_strbuf b = {0};
    for (; *s; s++) {
        if (*s == '\n')
            vm_strbuf_add(&b, "\r", 1);
        vm_strbuf_add(&b, s, 1);
    }
    put(mon, vm_strbuf_str(&b));
    vm_strbuf_free(&b);
}

static void qmp_write(void *opaque, const char *text, size_t len)
{
    struct vm_monitor *mon = opaque;
    vm_chardev_write(mon->cfg.chr, (const uint8_t *)text, len);
}

static void greet(struct vm_monitor *mon)
{
    if (mon->qmp) {
        vm_qmp_greet(mon->qmp);
        return;
    }
    char banner[160];
    snprintf(banner, sizeof(banner), "vm %s monitor - type 'help' for more information\n",
             vm_version());
    put_lines(mon, banner);
    put(mon, PROMPT);
}

/* ---- the worker: commands in order ---------------------------------------------------- */

static struct vm_machine *machine_of(struct vm_monitor *mon)
{
    pthread_mutex_lock(&mon->lock);
    struct vm_machine *m = mon->m;
    pthread_mutex_unlock(&mon->lock);
    return m;
}

static void run_item(struct vm_monitor *mon, struct item *it)
{
    /* The machine cannot go while an item runs: detaching waits for it. */
    struct vm_machine *m = machine_of(mon);
    if (m && it->kind != ITEM_GREET && it->kind != ITEM_EVENT)
        vm_machine_wait_built(m, 30); /* a client quicker than the first boot */
    switch (it->kind) {
    case ITEM_LINE: {
        struct vm_strbuf out = {0};
        vm_hmp_run(m, &mon->hmp, it->line, &out);
        put_lines(mon, vm_strbuf_str(&out));
        vm_strbuf_free(&out);
        put(mon, PROMPT);
        break;
    }
    case ITEM_QMP:
        vm_qmp_handle(mon->qmp, m, &mon->hmp, &it->req);
        break;
    case ITEM_EVENT:
        if (mon->qmp) {
            vm_qmp_event(mon->qmp, it->event, it->data);
            it->data = NULL;
        }
        break;
    case ITEM_GREET:
        greet(mon);
        break;
    }
}

static void *worker_main(void *arg)
{
    struct vm_monitor *mon = arg;
    pthread_mutex_lock(&mon->lock);
    for (;;) {
        while (!mon->head && !mon->stop)
            pthread_cond_wait(&mon->cond, &mon->lock);
        if (!mon->head)
            break;
        struct item *it = mon->head;
        mon->head = it->next;
        if (!mon->head)
            mon->tail = NULL;
        bool was_full = mon->queued-- >= MAX_QUEUED;
        mon->busy = true;
        pthread_mutex_unlock(&mon->lock);
        run_item(mon, it);
        free_item(it);
        if (was_full)
            vm_chardev_accept_input(mon->cfg.chr);
        pthread_mutex_lock(&mon->lock);
        mon->busy = false;
        pthread_cond_broadcast(&mon->cond);
    }
    pthread_mutex_unlock(&mon->lock);
    return NULL;
}

/* ---- input: HMP's line editor --------------------------------------------------------- */

static void echo(struct vm_monitor *mon, const char *s, size_t n)
{
    vm_chardev_write(mon->cfg.chr, (const uint8_t *)s, n);
}

static void erase_line(struct vm_monitor *mon)
{
    while (mon->len > 0) {
        echo(mon, "\b \b", 3);
        mon->len--;
    }
}

static void recall(struct vm_monitor *mon, int dir)
{
    if (!mon->nhist)
        return;
    if (dir < 0 && mon->hpos > 0)
        mon->hpos--;
    else if (dir > 0 && mon->hpos < mon->nhist)
        mon->hpos++;
    erase_line(mon);
    if (mon->hpos < mon->nhist) {
        snprintf(mon->line, sizeof(mon->line), "%s", mon->history[mon->hpos]);
        mon->len = strlen(mon->line);
        echo(mon, mon->line, mon->len);
    }
}

static void enter(struct vm_monitor *mon)
{
    echo(mon, "\r\n", 2);
    mon->line[mon->len] = '\0';
    if (mon->len) {
        if (mon->nhist == HISTORY) {
            memmove(mon->history[0], mon->history[1], sizeof(mon->history[0]) * (HISTORY - 1));
            mon->nhist--;
        }
        snprintf(mon->history[mon->nhist++], LINE_MAX_LEN, "%s", mon->line);
    }
    mon->hpos = mon->nhist;
    push(mon, ITEM_LINE, strdup(mon->line), NULL, NULL);
    mon->len = 0;
}

static void edit(struct vm_monitor *mon, uint8_t c)
{
    if (mon->esc == 1) {
        mon->esc = c == '[' || c == 'O' ? 2 : 0;
        return;
    }
    if (mon->esc == 2) {
        if (c >= 0x40 && c <= 0x7e) { /* the final byte */
            mon->esc = 0;
            if (c == 'A')
                recall(mon, -1);
            else if (c == 'B')
                recall(mon, +1);
        }
        return;
    }
    bool cr = c == '\r';
    if (c == '\n' && mon->last_cr) { /* "\r\n": one Enter */
        mon->last_cr = false;
        return;
    }
    mon->last_cr = cr;
    switch (c) {
    case '\r': case '\n':
        enter(mon);
        return;
    case 0x7f: case '\b':
        if (mon->len) {
            mon->len--;
            echo(mon, "\b \b", 3);
        }
        return;
    case 0x15: /* Ctrl-U */
        erase_line(mon);
        return;
    case 0x1b:
        mon->esc = 1;
        return;
    default:
        if ((c >= 0x20 && c != 0x7f) && mon->len < LINE_MAX_LEN - 1) {
            mon->line[mon->len++] = (char)c;
            echo(mon, (const char *)&c, 1);
        }
        return;
    }
}

/* ---- the character device's front end ----------------------------------------------- */

static void take_request(void *opaque, struct vm_qmp_request *req)
{
    struct vm_monitor *mon = opaque;
    struct item *it = calloc(1, sizeof(*it));
    if (!it) {
        json_object_put(req->value);
        return;
    }
    it->kind = ITEM_QMP;
    it->req = *req;
    if (!enqueue(mon, it, true))
        free_item(it);
}

static size_t receive(void *opaque, const uint8_t *buf, size_t len)
{
    struct vm_monitor *mon = opaque;
    pthread_mutex_lock(&mon->lock);
    bool full = mon->queued >= MAX_QUEUED;
    pthread_mutex_unlock(&mon->lock);
    if (full)
        return 0; /* the worker calls accept_input when it has room */
    if (mon->qmp) {
        vm_qmp_feed(mon->qmp, buf, len, take_request, mon);
    } else {
        for (size_t i = 0; i < len; i++)
            edit(mon, buf[i]);
    }
    return len;
}

static void on_event(void *opaque, enum vm_chardev_event ev)
{
    struct vm_monitor *mon = opaque;
    if (ev == VM_CHARDEV_OPENED && !mon->cfg.muxed) {
        push(mon, ITEM_GREET, NULL, NULL, NULL);
    } else if (ev == VM_CHARDEV_FOCUS && !mon->qmp) {
        if (!mon->greeted) {
            mon->greeted = true;
            push(mon, ITEM_GREET, NULL, NULL, NULL);
        } else {
            put(mon, "\r\n" PROMPT);
        }
    }
}

/* ---- the machine's events as QMP's ---------------------------------------------------- */

static const char *shutdown_reason(struct vm_monitor *mon, int why, bool *guest)
{
    *guest = false;
    switch (why) {
    case VM_STOP_POWEROFF: *guest = true; return "guest-shutdown";
    case VM_STOP_RESET: *guest = true; return "guest-reset";
    case VM_STOP_TRAP_STORM: *guest = true; return "guest-panic";
    case VM_STOP_QUIT: return mon->qmp && vm_qmp_quit_requested(mon->qmp) ? "host-qmp-quit"
                                                                         : "host-ui";
    case VM_STOP_TIMEOUT: case VM_STOP_INSN_LIMIT: return "host-signal";
    default: return "host-error";
    }
}

static void on_run_event(void *opaque, const struct vm_run_event *ev)
{
    struct vm_monitor *mon = opaque;
    struct json_object *data = json_object_new_object();
    bool guest;
    switch (ev->state) {
    case VM_RUN_RUNNING:
        push(mon, ITEM_EVENT, NULL, "RESUME", data);
        break;
    case VM_RUN_PAUSED: case VM_RUN_DEBUG: case VM_RUN_PRELAUNCH:
        push(mon, ITEM_EVENT, NULL, "STOP", data);
        break;
    case VM_RUN_ENDED: {
        const char *reason = shutdown_reason(mon, ev->end_reason, &guest);
        json_object_object_add(data, "guest", json_object_new_boolean(guest));
        json_object_object_add(data, "reason", json_object_new_string(reason));
        push(mon, ITEM_EVENT, NULL, "SHUTDOWN", data);
        break;
    }
    }
}

void vm_monitor_reset_event(struct vm_monitor *mon, bool by_host)
{
    if (!mon->qmp)
        return;
    struct json_object *data = json_object_new_object();
    json_object_object_add(data, "guest", json_object_new_boolean(!by_host));
    json_object_object_add(data, "reason", json_object_new_string(
                               by_host ? "host-qmp-system-reset" : "guest-reset"));
    push(mon, ITEM_EVENT, NULL, "RESET", data);
}

void vm_monitor_halt_event(struct vm_monitor *mon)
{
    if (!mon->qmp)
        return;
    struct json_object *data = json_object_new_object();
    json_object_object_add(data, "guest", json_object_new_boolean(1));
    json_object_object_add(data, "reason", json_object_new_string("guest-shutdown"));
    push(mon, ITEM_EVENT, NULL, "SHUTDOWN", data);
    push(mon, ITEM_EVENT, NULL, "STOP", NULL);
}

/* system_powerdown: QMP monitors of that machine hear POWERDOWN. */
static void on_powerdown(struct vm_machine *m)
{
    pthread_mutex_lock(&live_lock);
    for (struct vm_monitor *mon = live; mon; mon = mon->next_live)
        if (mon->qmp && machine_of(mon) == m)
            push(mon, ITEM_EVENT, NULL, "POWERDOWN", NULL);
    pthread_mutex_unlock(&live_lock);
}

void vm_monitor_set_machine(struct vm_monitor *mon, struct vm_machine *m)
{
    struct vm_machine *old = machine_of(mon);
    if (!m && old) {
        /* Let what is queued (the SHUTDOWN event) go out first. */
        struct timespec end;
        clock_gettime(CLOCK_REALTIME, &end);
        end.tv_sec += DRAIN_SECONDS;
        pthread_mutex_lock(&mon->lock);
        while ((mon->head || mon->busy) && !mon->stop &&
               pthread_cond_timedwait(&mon->cond, &mon->lock, &end) == 0)
            ;
        pthread_mutex_unlock(&mon->lock);
        if (mon->listening)
            vm_runctl_unlisten(old, on_run_event, mon);
        mon->listening = false;
    }
    /* Wait for a command in progress, which uses the machine. */
    pthread_mutex_lock(&mon->lock);
    while (mon->busy && !m)
        pthread_cond_wait(&mon->cond, &mon->lock);
    mon->m = m;
    pthread_mutex_unlock(&mon->lock);
    if (m && mon->qmp && vm_runctl_listen(m, on_run_event, mon) == 0)
        mon->listening = true;
}

/* ---- life cycle ----------------------------------------------------------------------- */

struct vm_monitor *vm_monitor_create(const struct vm_monitor_config *cfg)
{
    struct vm_monitor *mon = calloc(1, sizeof(*mon));
    if (!mon) {
        vm_error(VM_ENOMEM, "monitor: out of host memory");
        return NULL;
    }
    mon->cfg = *cfg;
    mon->hmp.name = cfg->name;
    mon->hmp.on_powerdown = on_powerdown;
    pthread_mutex_init(&mon->lock, NULL);
    pthread_cond_init(&mon->cond, NULL);
    if (cfg->qmp) {
        struct vm_qmp_ops ops = {qmp_write, mon};
        if (!(mon->qmp = vm_qmp_create(&ops, cfg->pretty))) {
            vm_monitor_destroy(mon);
            return NULL;
        }
    }
    int rc = pthread_create(&mon->worker, NULL, worker_main, mon);
    if (rc != 0) {
        vm_error(VM_ENOMEM, "monitor: cannot start its thread: %s", strerror(rc));
        vm_monitor_destroy(mon);
        return NULL;
    }
    mon->started = true;
    pthread_mutex_lock(&live_lock);
    mon->next_live = live;
    live = mon;
    pthread_mutex_unlock(&live_lock);
    /* The greeting: when the back end says OPENED (at once for a terminal),
     * or at the first FOCUS behind a mux. */
    struct vm_chardev_frontend fe = {.receive = receive, .opaque = mon, .event = on_event};
    vm_chardev_attach(cfg->chr, &fe);
    return mon;
}

void vm_monitor_destroy(struct vm_monitor *mon)
{
    if (!mon)
        return;
    pthread_mutex_lock(&live_lock);
    for (struct vm_monitor **p = &live; *p; p = &(*p)->next_live)
        if (*p == mon) {
            *p = mon->next_live;
            break;
        }
    pthread_mutex_unlock(&live_lock);
    vm_chardev_attach(mon->cfg.chr, NULL); /* no more input */
    vm_monitor_set_machine(mon, NULL);
    pthread_mutex_lock(&mon->lock);
    mon->stop = true;
    pthread_cond_broadcast(&mon->cond);
    pthread_mutex_unlock(&mon->lock);
    if (mon->started)
        pthread_join(mon->worker, NULL);
    while (mon->head) {
        struct item *it = mon->head;
        mon->head = it->next;
        free_item(it);
    }
    vm_qmp_destroy(mon->qmp);
    pthread_cond_destroy(&mon->cond);
    pthread_mutex_destroy(&mon->lock);
    free(mon);
}
