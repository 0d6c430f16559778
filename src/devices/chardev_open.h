/* Character back ends from QEMU's spellings:
 *   device strings (-serial, -monitor, -qmp, -gdb DEV):
 *     stdio  null  pty  file:PATH  pipe:PATH  unix:PATH[,server=on][,wait=off]
 *     tcp:[HOST]:PORT[,server=on][,wait=off][,nodelay=on]
 *   -chardev BACKEND,id=ID,... options:
 *     stdio[,signal=on|off]  null  pty  file,path=P[,append=on]  pipe,path=P
 *     socket,path=P|host=H,port=N[,server=on|off][,wait=on|off][,nodelay=on]
 * (none, mon:DEV and chardev:ID are the caller's: they name no back end.)
 * Sockets run on the given event loop; a pty's name is printed as QEMU
 * prints it ("char device redirected to /dev/pts/N (label L)"). */
#ifndef VM_DEVICES_CHARDEV_OPEN_H
#define VM_DEVICES_CHARDEV_OPEN_H

#include "core/event_loop.h"
#include "core/opts.h"
#include "devices/chardev.h"

struct vm_chardev_env {
    struct vm_event_loop *loop; /* for sockets */
    const char *label;          /* "serial0", "monitor0", "qmp", a -chardev id */
};

/* 0 and *out, or -VM_E... with a message naming the string. */
int vm_chardev_open(const char *dev, const struct vm_chardev_env *env, struct vm_chardev **out);
/* o: -chardev's options with the back end under "backend" (id and mux are
 * the caller's and must be marked used before). */
int vm_chardev_open_opts(struct vm_opts *o, const struct vm_chardev_env *env,
                         struct vm_chardev **out);

/* A back end that drops output and has no input. */
struct vm_chardev *vm_chardev_null_create(void);

#endif
