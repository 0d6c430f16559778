/* The devices -device can add (registered by their files), and
 * -device help. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define MAX_DEVICES 32

static const struct vm_cli_device *devices[MAX_DEVICES];
static unsigned nr_devices;

void vm_cli_register_device(const struct vm_cli_device *d)
{
    if (nr_devices == MAX_DEVICES) {
        fprintf(stderr, "vm: too many devices registered (raise MAX_DEVICES)\n");
        abort();
    }
    devices[nr_devices++] = d;
}

const struct vm_cli_device *vm_cli_find_device(const char *name)
{
    for (unsigned i = 0; i < nr_devices; i++)
        if (!strcmp(devices[i]->name, name))
            return devices[i];
    return NULL;
}

void vm_cli_print_devices(FILE *f)
{
    if (nr_devices == 0) {
        fprintf(f, "vm cannot add devices with -device yet.\n");
    } else {
        fprintf(f, "Devices -device can add:\n");
        for (unsigned i = 0; i < nr_devices; i++) {
            char names[64] = "";
            if (devices[i]->machines)
                vm_cli_machine_names(devices[i]->machines, names, sizeof(names));
            fprintf(f, "name \"%s\", bus %s, desc \"%s\"%s%s\n", devices[i]->name,
                    devices[i]->bus, devices[i]->help, names[0] ? ", machines " : "", names);
        }
    }
    fprintf(f, "\nBuilt into the machines:\n");
    vm_cli_print_machine_devices(f);
}
