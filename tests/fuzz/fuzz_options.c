/* libFuzzer harness: QEMU-style option strings (core/opts.c) and the
 * -drive/-netdev/-device/-nic values the device set parses and checks
 * (boards/device_set.c). The input is lines: the first byte picks the flag
 * (d -drive, n -netdev, D -device, c -nic, o a bare option string), the
 * rest is its value. Each set is accepted or refused with a message.
 * Hermetic: it runs in an empty directory holding one small image, and
 * skips values that name other paths ('/') or forward host ports (fwd). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "boards/device_set.h"
#include "core/event_loop.h"
#include "core/opts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_LINES 8

static char dir[] = "/tmp/vm-fuzz-opts-XXXXXX";

static void cleanup(void)
{
    char path[sizeof(dir) + 16];
    snprintf(path, sizeof(path), "%s/disk.img", dir);
    unlink(path);
    rmdir(dir);
}

static void setup(void)
{
    if (!mkdtemp(dir) || chdir(dir) < 0)
        abort();
    atexit(cleanup);
    FILE *f = fopen("disk.img", "wb");
    static const uint8_t sector[512];
    for (int i = 0; f && i < 128; i++)
        fwrite(sector, 1, sizeof(sector), f);
    if (!f || fclose(f) != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct vm_event_loop *loop;
    if (!loop) {
        setup();
        if (!(loop = vm_event_loop_create("fuzz")))
            abort();
    }
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    if (strlen(text) != size || strchr(text, '/') || strstr(text, "fwd")) {
        free(text);
        return 0;
    }
    const char *drives[MAX_LINES], *devices[MAX_LINES], *netdevs[MAX_LINES], *nics[MAX_LINES];
    struct vm_device_args a = {drives, 0, devices, 0, netdevs, 0, nics, 0};
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char kind = line[0];
        const char *v = line + 1;
        if (kind == 'd' && a.nr_drives < MAX_LINES)
            drives[a.nr_drives++] = v;
        else if (kind == 'n' && a.nr_netdevs < MAX_LINES)
            netdevs[a.nr_netdevs++] = v;
        else if (kind == 'D' && a.nr_devices < MAX_LINES)
            devices[a.nr_devices++] = v;
        else if (kind == 'c' && a.nr_nics < MAX_LINES)
            nics[a.nr_nics++] = v;
        else if (kind == 'o') {
            struct vm_opts o;
            if (vm_opts_parse(v, "type", "-o", &o) == 0) {
                bool b = false;
                (void)vm_opts_get(&o, "id");
                (void)vm_opts_get_nth(&o, "hostfwd", 1);
                (void)vm_opts_bool(&o, "readonly", "-o", &b);
                (void)vm_opts_check_used(&o, "-o");
                vm_opts_free(&o);
            }
        }
    }
    struct vm_device_set *s;
    if (vm_device_set_create(&a, "fuzz", loop, false, &s) == 0) {
        for (unsigned i = 0; i < vm_device_set_count(s); i++)
            (void)vm_device_set_describe(s, i);
        vm_device_set_destroy(s);
    }
    free(text);
    return 0;
}
