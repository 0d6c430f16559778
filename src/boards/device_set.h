/* The virtio devices of a machine, from QEMU's -drive/-device/-netdev/-nic
 * option strings (vm/devices.h), the same way on every board:
 *
 *   vm_device_set_create()   parse and check everything, open the back ends
 *                            (disk images with their locks, user
 *                            networking): once per run, before the first
 *                            boot; they outlive guest resets
 *   vm_device_set_attach()   build device i's model for one boot on the
 *                            board's memory and interrupt line; the board
 *                            puts a transport (virtio-mmio) in front of the
 *                            returned core and describes it to the guest
 *   vm_device_set_detach()   tear the models down (the board's teardown)
 *
 * Devices are numbered in QEMU's creation order: -device in command-line
 * order, then -drive if=virtio, then -nic. */
#ifndef VM_BOARDS_DEVICE_SET_H
#define VM_BOARDS_DEVICE_SET_H

#include <stdbool.h>

#include "core/event_loop.h"
#include "devices/virtio/virtio_core.h"
#include "vm/devices.h"

struct vm_device_set;

/* what: the board's name for messages. */
int vm_device_set_create(const struct vm_device_args *args, const char *what,
                         struct vm_event_loop *loop, bool verbose, struct vm_device_set **out);
void vm_device_set_destroy(struct vm_device_set *s);

unsigned vm_device_set_count(const struct vm_device_set *s);
/* "virtio-blk-device (drive hd0: disk.img)", for verbose reports. */
const char *vm_device_set_describe(const struct vm_device_set *s, unsigned i);
int vm_device_set_attach(struct vm_device_set *s, unsigned i, struct vm_mem *mem,
                         const struct vm_irq_line *irq, struct vm_virtio **core);
/* Destroy every attached model (stopping their threads). */
void vm_device_set_detach(struct vm_device_set *s);

#endif
