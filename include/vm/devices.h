/* Devices and their back ends as QEMU's command line gives them: the
 * option strings of -drive, -device, -netdev and -nic, in order, handed to
 * a board as they are (the board parses and checks them, and says what is
 * wrong with a one-line message).
 *
 *   -drive file=disk.img,format=raw,if=none,id=hd0 -device virtio-blk-device,drive=hd0
 *   -drive file=disk.img,format=raw,if=virtio[,readonly=on][,cache=none]
 *   -netdev user,id=n0,hostfwd=tcp::2222-:22 -device virtio-net-device,netdev=n0
 *   -nic user[,hostfwd=...][,mac=52:54:00:12:34:56]
 *   -device virtio-rng-device
 */
#ifndef VM_DEVICES_H
#define VM_DEVICES_H

struct vm_device_args {
    const char *const *drives;
    unsigned nr_drives;
    const char *const *devices;
    unsigned nr_devices;
    const char *const *netdevs;
    unsigned nr_netdevs;
    const char *const *nics;
    unsigned nr_nics;
};

#endif
