/* QEMU's machine protocol, QMP (qmp.h). */
#include "monitor/qmp.h"

#include <inttypes.h>
#include <json-c/json.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "boards/machine.h"
#include "boards/runctl.h"
#include "core/strbuf.h"
#include "monitor/hmp.h"
#include "monitor/machine_query.h"
#include "vm/error.h"
#include "vm/version.h"

#define MAX_DEPTH 32
#define MAX_MESSAGE (1u << 20) /* bytes of one request */

struct vm_qmp {
    struct vm_qmp_ops ops;
    int flags; /* json-c output flags */
    struct json_tokener *tok;
    size_t pending; /* bytes of the request being parsed */
    bool recovering; /* after a parse error: skipping the rest of its line */
    pthread_mutex_t lock; /* negotiated and quit, read by event senders */
    bool negotiated, quit;
};

/* ---- output ------------------------------------------------------------------- */

/* Send obj and free it. QEMU ends each message with "\r\n". */
static void send_json(struct vm_qmp *q, struct json_object *obj)
{
    size_t len;
    const char *text = json_object_to_json_string_length(obj, q->flags, &len);
    char *msg = malloc(len + 3);
    if (msg) {
        memcpy(msg, text, len);
        memcpy(msg + len, "\r\n", 3);
        q->ops.write(q->ops.opaque, msg, len + 2);
        free(msg);
    }
    json_object_put(obj);
}

static void reply(struct vm_qmp *q, struct json_object *ret, struct json_object *id)
{
    struct json_object *r = json_object_new_object();
    json_object_object_add(r, "return", ret ? ret : json_object_new_object());
    if (id)
        json_object_object_add(r, "id", json_object_get(id));
    send_json(q, r);
}

static void reply_error(struct vm_qmp *q, const char *cls, const char *desc,
                        struct json_object *id)
{
    struct json_object *e = json_object_new_object(), *r = json_object_new_object();
    json_object_object_add(e, "class", json_object_new_string(cls));
    json_object_object_add(e, "desc", json_object_new_string(desc));
    json_object_object_add(r, "error", e);
    if (id)
        json_object_object_add(r, "id", json_object_get(id));
    send_json(q, r);
}

static struct json_object *version_object(void)
{
    unsigned major = 0, minor = 0, micro = 0;
    sscanf(vm_version(), "%u.%u.%u", &major, &minor, &micro);
    struct json_object *v = json_object_new_object(), *n = json_object_new_object();
    json_object_object_add(n, "major", json_object_new_int((int)major));
    json_object_object_add(n, "minor", json_object_new_int((int)minor));
    json_object_object_add(n, "micro", json_object_new_int((int)micro));
    json_object_object_add(v, "qemu", n);
    char package[160];
    snprintf(package, sizeof(package), "vm %s (git %s)", vm_version(), vm_git_describe());
    json_object_object_add(v, "package", json_object_new_string(package));
    return v;
}

void vm_qmp_greet(struct vm_qmp *q)
{
    pthread_mutex_lock(&q->lock);
    q->negotiated = false;
    pthread_mutex_unlock(&q->lock);
    json_tokener_reset(q->tok);
    q->pending = 0;
    q->recovering = false;
    struct json_object *g = json_object_new_object(), *in = json_object_new_object();
    json_object_object_add(in, "version", version_object());
    json_object_object_add(in, "capabilities", json_object_new_array());
    json_object_object_add(g, "QMP", in);
    send_json(q, g);
}

void vm_qmp_event(struct vm_qmp *q, const char *name, struct json_object *data)
{
    pthread_mutex_lock(&q->lock);
    bool ok = q->negotiated;
    pthread_mutex_unlock(&q->lock);
    if (!ok) {
        json_object_put(data);
        return;
    }
    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct json_object *e = json_object_new_object(), *ts = json_object_new_object();
    json_object_object_add(e, "event", json_object_new_string(name));
    json_object_object_add(e, "data", data ? data : json_object_new_object());
    json_object_object_add(ts, "seconds", json_object_new_int64(tv.tv_sec));
    json_object_object_add(ts, "microseconds", json_object_new_int64(tv.tv_usec));
    json_object_object_add(e, "timestamp", ts);
    send_json(q, e);
}

bool vm_qmp_quit_requested(const struct vm_qmp *q)
{
    pthread_mutex_lock((pthread_mutex_t *)&q->lock);
    bool quit = q->quit;
    pthread_mutex_unlock((pthread_mutex_t *)&q->lock);
    return quit;
}

/* ---- input --------------------------------------------------------------------- */

void vm_qmp_feed(struct vm_qmp *q, const uint8_t *buf, size_t len,
                 void (*take)(void *opaque, struct vm_qmp_request *req), void *opaque)
{
    while (len > 0) {
        if (q->recovering) {
            /* After bad input, the rest of its line goes too: one error for
             * one bad line, and the next line starts afresh. */
            q->recovering = *buf != '\n';
            buf++, len--;
            continue;
        }
        /* json-c takes an int length */
        int chunk = len > (1u << 20) ? 1 << 20 : (int)len;
        struct json_object *v = json_tokener_parse_ex(q->tok, (const char *)buf, chunk);
        enum json_tokener_error err = json_tokener_get_error(q->tok);
        size_t used = json_tokener_get_parse_end(q->tok);
        if (used == 0 || used > (size_t)chunk)
            used = (size_t)chunk; /* defensive: always make progress */
        q->pending += used;
        struct vm_qmp_request req = {.value = v};
        if (v) {
            json_tokener_reset(q->tok);
            q->pending = 0;
            take(opaque, &req);
        } else if (err != json_tokener_continue) {
            snprintf(req.error, sizeof(req.error), "JSON parse error, %s",
                     json_tokener_error_desc(err));
            json_tokener_reset(q->tok);
            q->pending = 0;
            q->recovering = buf[used - 1] != '\n';
            take(opaque, &req);
        } else if (q->pending > MAX_MESSAGE) {
            snprintf(req.error, sizeof(req.error), "JSON parse error, request longer than %u "
                     "bytes", MAX_MESSAGE);
            json_tokener_reset(q->tok);
            q->pending = 0;
            q->recovering = buf[used - 1] != '\n';
            take(opaque, &req);
        }
        buf += used;
        len -= used;
    }
}

/* ---- commands --------------------------------------------------------------------- */

struct ctx {
    struct vm_qmp *q;
    struct vm_machine *m;
    struct vm_hmp_session *hmp;
    struct json_object *args, *id;
};

/* An argument a command takes: its name, JSON type and whether it must be there. */
struct arg {
    const char *name;
    enum json_type type;
    bool required;
};

struct command {
    const char *name;
    const struct arg *args; /* NULL-name terminated; NULL: none */
    bool needs_machine;
    /* Reply (or reply_error) exactly once. */
    void (*fn)(struct ctx *c);
};

static const char *type_name(enum json_type t)
{
    switch (t) {
    case json_type_string: return "string";
    case json_type_int: return "int";
    case json_type_boolean: return "bool";
    case json_type_object: return "object";
    case json_type_array: return "array";
    default: return "value";
    }
}

/* QEMU's messages for arguments that do not fit the command. */
static bool check_args(struct ctx *c, const struct arg *args)
{
    char desc[192];
    json_object_object_foreach(c->args, key, val) {
        const struct arg *a = args;
        while (a && a->name && strcmp(a->name, key))
            a++;
        if (!a || !a->name) {
            snprintf(desc, sizeof(desc), "Parameter '%s' is unexpected", key);
            reply_error(c->q, "GenericError", desc, c->id);
            return false;
        }
        if (!json_object_is_type(val, a->type)) {
            snprintf(desc, sizeof(desc), "Invalid parameter type for '%s', expected: %s", key,
                     type_name(a->type));
            reply_error(c->q, "GenericError", desc, c->id);
            return false;
        }
    }
    for (const struct arg *a = args; a && a->name; a++)
        if (a->required && !json_object_object_get_ex(c->args, a->name, NULL)) {
            snprintf(desc, sizeof(desc), "Parameter '%s' is missing", a->name);
            reply_error(c->q, "GenericError", desc, c->id);
            return false;
        }
    return true;
}

static void cmd_capabilities(struct ctx *c)
{
    pthread_mutex_lock(&c->q->lock);
    bool already = c->q->negotiated;
    c->q->negotiated = true;
    pthread_mutex_unlock(&c->q->lock);
    if (already)
        reply_error(c->q, "CommandNotFound",
                    "Capabilities negotiation is already complete, command ignored", c->id);
    else
        reply(c->q, NULL, c->id);
}

static void cmd_query_version(struct ctx *c)
{
    reply(c->q, version_object(), c->id);
}

static void cmd_query_status(struct ctx *c)
{
    enum vm_run_state st = vm_runctl_state(c->m);
    bool halted = vm_machine_halted(c->m); /* -no-shutdown after a power-off */
    struct json_object *r = json_object_new_object();
    json_object_object_add(r, "status", json_object_new_string(halted ? "shutdown"
                                                               : vm_run_state_name(st)));
    json_object_object_add(r, "singlestep", json_object_new_boolean(0));
    json_object_object_add(r, "running",
                           json_object_new_boolean(st == VM_RUN_RUNNING && !halted));
    reply(c->q, r, c->id);
}

static void cmd_query_cpus_fast(struct ctx *c)
{
    struct json_object *list = json_object_new_array();
    unsigned n = vm_machine_vcpu_count(c->m);
    for (unsigned i = 0; i < n; i++) {
        struct json_object *cpu = json_object_new_object(), *props = json_object_new_object();
        char path[64];
        snprintf(path, sizeof(path), "/machine/soc0/harts[%u]", i);
        json_object_object_add(props, "core-id", json_object_new_int((int)i));
        json_object_object_add(cpu, "thread-id",
                               json_object_new_int(vm_machine_vcpu_thread_id(c->m, i)));
        json_object_object_add(cpu, "props", props);
        json_object_object_add(cpu, "qom-path", json_object_new_string(path));
        json_object_object_add(cpu, "cpu-index", json_object_new_int((int)i));
        json_object_object_add(cpu, "target", json_object_new_string("riscv64"));
        json_object_array_add(list, cpu);
    }
    reply(c->q, list, c->id);
}

static void cmd_query_name(struct ctx *c)
{
    struct json_object *r = json_object_new_object();
    if (c->hmp && c->hmp->name)
        json_object_object_add(r, "name", json_object_new_string(c->hmp->name));
    reply(c->q, r, c->id);
}

static void cmd_stop(struct ctx *c)
{
    if (!vm_machine_halted(c->m)) /* nothing runs after a power-off */
        vm_runctl_stop(c->m);
    reply(c->q, NULL, c->id);
}

static void cmd_cont(struct ctx *c)
{
    if (vm_runctl_state(c->m) == VM_RUN_ENDED || vm_machine_halted(c->m)) {
        reply_error(c->q, "GenericError",
                    "Resetting the Virtual Machine is required", c->id);
        return;
    }
    vm_runctl_cont(c->m);
    reply(c->q, NULL, c->id);
}

static void cmd_system_reset(struct ctx *c)
{
    vm_machine_reset(c->m);
    reply(c->q, NULL, c->id);
}

static void cmd_system_powerdown(struct ctx *c)
{
    reply(c->q, NULL, c->id);
    if (c->hmp && c->hmp->on_powerdown)
        c->hmp->on_powerdown(c->m);
}

static void cmd_quit(struct ctx *c)
{
    pthread_mutex_lock(&c->q->lock);
    c->q->quit = true;
    pthread_mutex_unlock(&c->q->lock);
    reply(c->q, NULL, c->id);
    vm_machine_stop(c->m, VM_STOP_QUIT, 0, "QMP's quit");
}

static void cmd_hmp(struct ctx *c)
{
    struct json_object *line;
    json_object_object_get_ex(c->args, "command-line", &line);
    struct vm_hmp_session fallback = {0};
    struct vm_strbuf out = {0};
    vm_hmp_run(c->m, c->hmp ? c->hmp : &fallback, json_object_get_string(line), &out);
    /* HMP's text, with QEMU's line ends */
    struct vm_strbuf crlf = {0};
    for (const char *p = vm_strbuf_str(&out); *p; p++) {
        if (*p == '\n')
            vm_strbuf_add(&crlf, "\r", 1);
        vm_strbuf_add(&crlf, p, 1);
    }
    reply(c->q, json_object_new_string(vm_strbuf_str(&crlf)), c->id);
    vm_strbuf_free(&out);
    vm_strbuf_free(&crlf);
}

static struct json_object *mmu_object(const struct vm_mmu_stats *s, const char *policy)
{
    struct json_object *o = json_object_new_object(), *l1 = json_object_new_object(),
                       *l1h = json_object_new_object();
    static const char *const kinds[] = {"fetch", "load", "store"};
    for (unsigned k = 0; k < 3; k++) {
        json_object_object_add(l1, kinds[k], json_object_new_int64((int64_t)s->l1_misses[k]));
        json_object_object_add(l1h, kinds[k], json_object_new_int64((int64_t)s->l1_hits[k]));
    }
    if (policy)
        json_object_object_add(o, "policy", json_object_new_string(policy));
    json_object_object_add(o, "l1-misses", l1);
    json_object_object_add(o, "l1-hits", l1h); /* 0 unless -accel tcg,l1-hits=on */
    const struct { const char *name; uint64_t v; } f[] = {
        {"l2-hits", s->l2_hits}, {"l2-misses", s->l2_misses},
        {"l3-hits", s->l3_hits}, {"l3-misses", s->l3_misses},
        {"walks", s->walks}, {"pte-reads", s->pte_reads},
        {"walk-cache-hits", s->ptc_hits}, {"walk-cache-misses", s->ptc_misses},
        {"prefetch-issued", s->prefetch_issued}, {"prefetch-useful", s->prefetch_useful},
        {"prefetch-wasted", s->prefetch_wasted}, {"prefetch-pte-reads", s->prefetch_walk_reads},
        {"faults", s->faults}, {"flushes", s->flushes}, {"remote-flushes", s->remote_flushes},
        {"l1-resizes", s->l1_resizes},
        {"adaptive-prefetch-off", s->adaptive_prefetch_off},
        {"adaptive-level-skips", s->adaptive_level_skips},
    };
    for (unsigned i = 0; i < sizeof(f) / sizeof(f[0]); i++)
        json_object_object_add(o, f[i].name, json_object_new_int64((int64_t)f[i].v));
    json_object_object_add(o, "pte-reads-per-walk",
                           json_object_new_double(s->walks ? (double)s->pte_reads /
                                                                 (double)s->walks : 0.0));
    return o;
}

static void cmd_x_query_mmu(struct ctx *c)
{
    struct json_object *harts = json_object_new_array();
    struct vm_mmu_stats sum = {0};
    unsigned n = vm_machine_vcpu_count(c->m);
    for (unsigned i = 0; i < n; i++) {
        struct vm_query_mmu qm;
        if (vm_query_mmu(c->m, i, &qm) < 0) {
            json_object_put(harts);
            reply_error(c->q, "GenericError", vm_error_message(), c->id);
            return;
        }
        vm_mmu_stats_add(&sum, &qm.stats);
        struct json_object *h = mmu_object(&qm.stats, qm.policy);
        json_object_object_add(h, "hart", json_object_new_int((int)i));
        json_object_array_add(harts, h);
    }
    struct json_object *r = json_object_new_object();
    json_object_object_add(r, "harts", harts);
    json_object_object_add(r, "total", mmu_object(&sum, NULL));
    reply(c->q, r, c->id);
}

static void cmd_query_commands(struct ctx *c);

static const struct arg hmp_args[] = {
    {"command-line", json_type_string, true}, {"cpu-index", json_type_int, false}, {NULL, 0, 0}};

static const struct command commands[] = {
    {"qmp_capabilities", (const struct arg[]){{"enable", json_type_array, false}, {NULL, 0, 0}},
     false, cmd_capabilities},
    {"query-version", NULL, false, cmd_query_version},
    {"query-commands", NULL, false, cmd_query_commands},
    {"query-name", NULL, false, cmd_query_name},
    {"query-status", NULL, true, cmd_query_status},
    {"query-cpus-fast", NULL, true, cmd_query_cpus_fast},
    {"stop", NULL, true, cmd_stop},
    {"cont", NULL, true, cmd_cont},
    {"system_reset", NULL, true, cmd_system_reset},
    {"system_powerdown", NULL, true, cmd_system_powerdown},
    {"quit", NULL, true, cmd_quit},
    {"human-monitor-command", hmp_args, false, cmd_hmp},
    {"x-query-mmu", NULL, true, cmd_x_query_mmu},
};
#define NR_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void cmd_query_commands(struct ctx *c)
{
    struct json_object *list = json_object_new_array();
    for (unsigned i = 0; i < NR_COMMANDS; i++) {
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "name", json_object_new_string(commands[i].name));
        json_object_array_add(list, o);
    }
    reply(c->q, list, c->id);
}

/* The request's shape, as QEMU checks it. Returns the command or NULL
 * (an error was sent). */
static const struct command *check_request(struct vm_qmp *q, struct json_object *v,
                                           struct ctx *c)
{
    char desc[192];
    if (!json_object_is_type(v, json_type_object)) {
        reply_error(q, "GenericError", "QMP input must be a JSON object", NULL);
        return NULL;
    }
    json_object_object_get_ex(v, "id", &c->id);
    struct json_object *exec = NULL, *args = NULL;
    json_object_object_foreach(v, key, val) {
        (void)val;
        if (strcmp(key, "execute") && strcmp(key, "arguments") && strcmp(key, "id")) {
            snprintf(desc, sizeof(desc), "QMP input member '%s' is unexpected", key);
            reply_error(q, "GenericError", desc, c->id);
            return NULL;
        }
    }
    if (!json_object_object_get_ex(v, "execute", &exec)) {
        reply_error(q, "GenericError", "QMP input lacks member 'execute'", c->id);
        return NULL;
    }
    if (!json_object_is_type(exec, json_type_string)) {
        reply_error(q, "GenericError", "QMP input member 'execute' must be a string", c->id);
        return NULL;
    }
    if (json_object_object_get_ex(v, "arguments", &args) &&
        !json_object_is_type(args, json_type_object)) {
        reply_error(q, "GenericError", "QMP input member 'arguments' must be an object", c->id);
        return NULL;
    }
    c->args = args;
    const char *name = json_object_get_string(exec);
    const struct command *cmd = NULL;
    for (unsigned i = 0; i < NR_COMMANDS && !cmd; i++)
        if (!strcmp(commands[i].name, name))
            cmd = &commands[i];
    pthread_mutex_lock(&q->lock);
    bool negotiated = q->negotiated;
    pthread_mutex_unlock(&q->lock);
    if (!negotiated && (!cmd || cmd->fn != cmd_capabilities)) {
        reply_error(q, "CommandNotFound",
                    "Expecting capabilities negotiation with 'qmp_capabilities'", c->id);
        return NULL;
    }
    if (!cmd) {
        snprintf(desc, sizeof(desc), "The command %.100s has not been found", name);
        reply_error(q, "CommandNotFound", desc, c->id);
        return NULL;
    }
    return cmd;
}

void vm_qmp_handle(struct vm_qmp *q, struct vm_machine *m, struct vm_hmp_session *hmp,
                   struct vm_qmp_request *req)
{
    if (!req->value) {
        reply_error(q, "GenericError", req->error, NULL);
        return;
    }
    struct ctx c = {.q = q, .m = m, .hmp = hmp};
    const struct command *cmd = check_request(q, req->value, &c);
    struct json_object *none = NULL;
    if (cmd && !c.args)
        c.args = none = json_object_new_object();
    if (cmd && check_args(&c, cmd->args)) {
        if (cmd->needs_machine && !m)
            reply_error(q, "GenericError", "The machine is not running", c.id);
        else
            cmd->fn(&c);
    }
    json_object_put(none);
    json_object_put(req->value);
    req->value = NULL;
}

/* ---- life cycle ---------------------------------------------------------------------- */

struct vm_qmp *vm_qmp_create(const struct vm_qmp_ops *ops, bool pretty)
{
    struct vm_qmp *q = calloc(1, sizeof(*q));
    if (!q) {
        vm_error(VM_ENOMEM, "qmp: out of host memory");
        return NULL;
    }
    q->ops = *ops;
    q->flags = (pretty ? JSON_C_TO_STRING_PRETTY : JSON_C_TO_STRING_SPACED) |
               JSON_C_TO_STRING_NOSLASHESCAPE;
    if (!(q->tok = json_tokener_new_ex(MAX_DEPTH))) {
        free(q);
        vm_error(VM_ENOMEM, "qmp: out of host memory");
        return NULL;
    }
    json_tokener_set_flags(q->tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
    pthread_mutex_init(&q->lock, NULL);
    return q;
}

void vm_qmp_destroy(struct vm_qmp *q)
{
    if (!q)
        return;
    json_tokener_free(q->tok);
    pthread_mutex_destroy(&q->lock);
    free(q);
}
