/* libFuzzer harness: QMP's input (src/monitor/qmp.c). The input is what a
 * client sends on the socket: it is split into requests as bytes arrive
 * (cut in two at a point the first byte chooses, as a stream would be)
 * and each request is answered, with no machine (commands that need one
 * fail as such; parsing, capabilities negotiation, argument checks and
 * human-monitor-command's parser all run). Every message vm writes must
 * be one JSON object, and every reply must be {"return"} or {"error":
 * {"class", "desc"}}; nothing may crash or leak. */
#include <json-c/json.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/hmp.h"
#include "monitor/qmp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_output(void *opaque, const char *text, size_t len)
{
    (void)opaque;
    if (len < 2 || memcmp(text + len - 2, "\r\n", 2) != 0)
        abort(); /* a message is one line of JSON ending in "\r\n" */
    struct json_object *o = json_tokener_parse(text);
    if (!o || !json_object_is_type(o, json_type_object))
        abort();
    struct json_object *e, *cls, *desc;
    if (json_object_object_get_ex(o, "error", &e) &&
        (!json_object_object_get_ex(e, "class", &cls) ||
         !json_object_object_get_ex(e, "desc", &desc) ||
         !json_object_is_type(desc, json_type_string)))
        abort();
    if (!json_object_object_get_ex(o, "error", NULL) &&
        !json_object_object_get_ex(o, "return", NULL) &&
        !json_object_object_get_ex(o, "QMP", NULL) &&
        !json_object_object_get_ex(o, "event", NULL))
        abort();
    json_object_put(o);
}

struct session {
    struct vm_qmp *q;
    struct vm_hmp_session hmp;
};

static void take(void *opaque, struct vm_qmp_request *req)
{
    struct session *s = opaque;
    vm_qmp_handle(s->q, NULL, &s->hmp, req);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vm_qmp_ops ops = {check_output, NULL};
    struct session s = {.q = vm_qmp_create(&ops, size > 0 && (data[0] & 1))};
    if (!s.q)
        return 0;
    vm_qmp_greet(s.q);
    size_t cut = size > 1 ? data[0] % size : 0;
    vm_qmp_feed(s.q, data, cut, take, &s);
    vm_qmp_feed(s.q, data + cut, size - cut, take, &s);
    vm_qmp_event(s.q, "STOP", NULL); /* events too, negotiated or not */
    vm_qmp_destroy(s.q);
    return 0;
}
