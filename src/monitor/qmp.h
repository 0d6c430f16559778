/* QEMU's machine protocol (QMP, docs/interop/qmp-spec in QEMU): JSON
 * objects in and out over a character device, parsed and written by
 * json-c. One struct vm_qmp is one session: the greeting, capabilities
 * negotiation, commands and their replies or errors, and events.
 *
 * Commands: qmp_capabilities, query-version, query-status,
 * query-cpus-fast, query-commands, query-name, stop, cont, system_reset,
 * system_powerdown, quit, human-monitor-command, and vm's own
 * x-query-mmu (the soft MMU's figures per hart and summed). Events: STOP,
 * RESUME, RESET, POWERDOWN, SHUTDOWN (monitor.c turns the machine's run
 * control events into them).
 *
 * Input is split into JSON values as bytes arrive (vm_qmp_feed); each is
 * then handled (vm_qmp_handle), possibly on another thread. Bad JSON, a
 * value that is not an object, an unknown command and wrong arguments get
 * QMP error objects (after bad JSON the rest of that line is skipped, so
 * one bad line gets one error); nothing the client sends can crash the
 * host. Requests nest at most 32 deep and are at most 1 MiB long. */
#ifndef VM_MONITOR_QMP_H
#define VM_MONITOR_QMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vm_machine;
struct vm_hmp_session;
struct json_object;

struct vm_qmp_ops {
    /* One whole message (with its newline); called from the thread that
     * handles requests or sends events. */
    void (*write)(void *opaque, const char *text, size_t len);
    void *opaque;
};

struct vm_qmp;

struct vm_qmp *vm_qmp_create(const struct vm_qmp_ops *ops, bool pretty);
void vm_qmp_destroy(struct vm_qmp *q);

/* A new client: the greeting, and capabilities negotiation from scratch. */
void vm_qmp_greet(struct vm_qmp *q);

/* One unit of input: a JSON value (owned by the request) or a parse error. */
struct vm_qmp_request {
    struct json_object *value; /* NULL for an error */
    char error[160];
};
/* Split bytes into requests, calling take(opaque, &req) for each one in
 * order (take owns req->value). Input split anywhere is fine. */
void vm_qmp_feed(struct vm_qmp *q, const uint8_t *buf, size_t len,
                 void (*take)(void *opaque, struct vm_qmp_request *req), void *opaque);
/* Answer one request (and free its value). m may be NULL (no machine:
 * commands that need it fail). hmp: the session human-monitor-command
 * uses (cpu, name). */
void vm_qmp_handle(struct vm_qmp *q, struct vm_machine *m, struct vm_hmp_session *hmp,
                   struct vm_qmp_request *req);

/* Send an event: {"event": name, "data": data, "timestamp": ...}; takes
 * data (NULL: {}). Only after capabilities negotiation, as QEMU. */
void vm_qmp_event(struct vm_qmp *q, const char *name, struct json_object *data);
/* True once quit was handled (for SHUTDOWN's reason). */
bool vm_qmp_quit_requested(const struct vm_qmp *q);

#endif
