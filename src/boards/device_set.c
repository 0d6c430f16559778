/* Virtio devices and back ends from QEMU's option strings (device_set.h). */
#include "boards/device_set.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/opts.h"
#include "devices/disk_image.h"
#include "devices/net_slirp.h"
#include "devices/net_tap.h"
#include "devices/virtio/virtio_blk.h"
#include "devices/virtio/virtio_net.h"
#include "devices/virtio/virtio_rng.h"
#include "vm/error.h"

#define MAX_DEVICES 32

enum dev_kind { DEV_BLK, DEV_RNG, DEV_NET };

/* QEMU's first NIC address; later NICs count up from it. */
static const uint8_t default_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};

struct drive {
    char *id;
    struct vm_disk *disk;
    bool is_virtio; /* if=virtio: its own device */
    bool used;      /* taken by a -device */
};

struct netdev {
    struct vm_netdev *nd;
    const char *kind; /* "user networking", "TAP" */
    unsigned mtu;     /* the NIC's default MTU */
    bool used;        /* taken by a NIC */
};

struct device {
    enum dev_kind kind;
    struct drive *drive; /* DEV_BLK */
    char *serial;        /* DEV_BLK */
    struct netdev *net;  /* DEV_NET */
    uint8_t mac[6];      /* DEV_NET */
    unsigned mtu;        /* DEV_NET */
    char desc[160];
    /* the model of the current boot */
    struct vm_virtio_blk *blk;
    struct vm_virtio_rng *rng;
    struct vm_virtio_net *nic;
};

struct vm_device_set {
    const char *what;
    struct vm_event_loop *loop;
    struct drive drives[MAX_DEVICES];
    unsigned nr_drives;
    struct device devices[MAX_DEVICES];
    unsigned nr_devices;
    struct netdev netdevs[MAX_DEVICES];
    unsigned nr_netdevs, nr_nics;
};

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

/* ---- -drive ---------------------------------------------------------------- */

static int parse_drive(struct vm_device_set *s, const char *text)
{
    struct vm_opts o;
    int rc = vm_opts_parse(text, NULL, "-drive", &o);
    if (rc < 0)
        return rc;
    if (s->nr_drives == MAX_DEVICES) {
        rc = vm_error(VM_EINVAL, "-drive: more than %d drives", MAX_DEVICES);
        goto out;
    }
    struct vm_disk_config dc = {.cache = VM_DISK_CACHE_WRITEBACK};
    const char *iface = vm_opts_get(&o, "if"), *id = vm_opts_get(&o, "id"),
               *cache = vm_opts_get(&o, "cache"), *media = vm_opts_get(&o, "media"),
               *aio = vm_opts_get(&o, "aio"), *discard = vm_opts_get(&o, "discard");
    dc.path = vm_opts_get(&o, "file");
    dc.format = vm_opts_get(&o, "format");
    if ((rc = vm_opts_bool(&o, "readonly", "-drive", &dc.readonly)) < 0 ||
        (rc = vm_opts_check_used(&o, "-drive")) < 0)
        goto out;
    if (!dc.path) {
        rc = vm_error(VM_EINVAL, "-drive '%s': no file= given", text);
        goto out;
    }
    /* The virt machine's default interface is virtio, as in QEMU. */
    bool is_virtio = !iface || !strcmp(iface, "virtio");
    if (iface && !is_virtio && strcmp(iface, "none") != 0) {
        rc = vm_error(VM_EINVAL, "-drive if=%s: %s has if=virtio and if=none (with -device "
                      "virtio-blk-device,drive=ID) only", iface, s->what);
        goto out;
    }
    if (!is_virtio && !id) {
        rc = vm_error(VM_EINVAL, "-drive '%s': if=none needs an id= for -device ...,drive=ID",
                      dc.path);
        goto out;
    }
    if (media && strcmp(media, "disk") != 0) {
        rc = vm_error(VM_EINVAL, "-drive media=%s: only disks (media=disk)", media);
        goto out;
    }
    if (aio && strcmp(aio, "threads") != 0 && strcmp(aio, "native") != 0 &&
        strcmp(aio, "io_uring") != 0) {
        rc = vm_error(VM_EINVAL, "-drive aio=%s: expected threads, native or io_uring", aio);
        goto out;
    }
    if (discard && strcmp(discard, "ignore") != 0 && strcmp(discard, "off") != 0 &&
        strcmp(discard, "unmap") != 0 && strcmp(discard, "on") != 0) {
        rc = vm_error(VM_EINVAL, "-drive discard=%s: expected ignore or unmap", discard);
        goto out;
    }
    dc.unmap = discard && (!strcmp(discard, "unmap") || !strcmp(discard, "on"));
    if (cache && (rc = vm_disk_cache_parse(cache, &dc.cache)) < 0)
        goto out;
    for (unsigned i = 0; id && i < s->nr_drives; i++)
        if (s->drives[i].id && !strcmp(s->drives[i].id, id)) {
            rc = vm_error(VM_EINVAL, "-drive id=%s: given twice", id);
            goto out;
        }
    struct drive *d = &s->drives[s->nr_drives];
    if ((rc = vm_disk_open(&dc, &d->disk)) < 0)
        goto out;
    d->id = dup_or_null(id);
    d->is_virtio = is_virtio;
    s->nr_drives++;
out:
    vm_opts_free(&o);
    return rc;
}

/* ---- -device --------------------------------------------------------------- */

static struct device *new_device(struct vm_device_set *s, enum dev_kind kind)
{
    if (s->nr_devices == MAX_DEVICES) {
        vm_error(VM_EINVAL, "more than %d virtio devices", MAX_DEVICES);
        return NULL;
    }
    struct device *d = &s->devices[s->nr_devices++];
    memset(d, 0, sizeof(*d));
    d->kind = kind;
    return d;
}

static int add_blk(struct vm_device_set *s, struct drive *drv, const char *serial)
{
    struct device *d = new_device(s, DEV_BLK);
    if (!d)
        return -VM_EINVAL;
    drv->used = true;
    d->drive = drv;
    d->serial = dup_or_null(serial);
    snprintf(d->desc, sizeof(d->desc), "virtio-blk-device (%s%s%s, %s%s, cache=%s)",
             drv->id ? "drive " : "", drv->id ? drv->id : "", drv->id ? ": " : "",
             vm_disk_path(drv->disk), vm_disk_readonly(drv->disk) ? ", read-only" : "",
             vm_disk_cache_name(vm_disk_cache_mode(drv->disk)));
    return 0;
}

/* ---- -netdev, -nic ------------------------------------------------------------ */

/* The user-networking keys of -netdev user and -nic user. */
static int open_user_net(struct vm_device_set *s, struct vm_opts *o, const char *what,
                         const char *id)
{
    struct vm_net_slirp_config c = {.id = id, .ipv4 = true, .ipv6 = true};
    const char *fwd[32];
    c.net = vm_opts_get(o, "net");
    c.host = vm_opts_get(o, "host");
    c.dns = vm_opts_get(o, "dns");
    c.dhcpstart = vm_opts_get(o, "dhcpstart");
    c.hostname = vm_opts_get(o, "hostname");
    while (c.nr_hostfwd < 32 && (fwd[c.nr_hostfwd] = vm_opts_get_nth(o, "hostfwd", c.nr_hostfwd)))
        c.nr_hostfwd++;
    c.hostfwd = fwd;
    int rc;
    if ((rc = vm_opts_bool(o, "restrict", what, &c.restrict_)) < 0 ||
        (rc = vm_opts_bool(o, "ipv4", what, &c.ipv4)) < 0 ||
        (rc = vm_opts_bool(o, "ipv6", what, &c.ipv6)) < 0 ||
        (rc = vm_opts_check_used(o, what)) < 0)
        return rc;
    if (s->nr_netdevs == MAX_DEVICES)
        return vm_error(VM_EINVAL, "%s: more than %d network back ends", what, MAX_DEVICES);
    struct netdev *n = &s->netdevs[s->nr_netdevs];
    if (!(n->nd = vm_net_slirp_create(&c, s->loop)))
        return -VM_EINVAL;
    n->kind = "user networking";
    n->mtu = VIRTIO_NET_DEFAULT_MTU; /* libslirp takes 64 KiB frames */
    s->nr_netdevs++;
    return 0;
}

/* The TAP keys of -netdev tap and -nic tap. vm runs no scripts: only
 * script=no and downscript=no (or none) are accepted. */
static int open_tap(struct vm_device_set *s, struct vm_opts *o, const char *what,
                    const char *id)
{
    struct vm_net_tap_config c = {.id = id, .ifname = vm_opts_get(o, "ifname")};
    const char *script[2] = {vm_opts_get(o, "script"), vm_opts_get(o, "downscript")};
    for (int i = 0; i < 2; i++)
        if (script[i] && strcmp(script[i], "no") != 0)
            return vm_error(VM_EINVAL, "%s: %s=%s: vm runs no scripts; configure the "
                            "interface beforehand and give %s=no", what,
                            i ? "downscript" : "script", script[i], i ? "downscript" : "script");
    int rc = vm_opts_check_used(o, what);
    if (rc < 0)
        return rc;
    if (s->nr_netdevs == MAX_DEVICES)
        return vm_error(VM_EINVAL, "%s: more than %d network back ends", what, MAX_DEVICES);
    struct netdev *n = &s->netdevs[s->nr_netdevs];
    if (!(n->nd = vm_net_tap_create(&c, s->loop)))
        return -VM_EINVAL;
    n->kind = "TAP";
    n->mtu = 1500; /* an Ethernet's, as the host side's interface */
    s->nr_netdevs++;
    return 0;
}

/* -netdev/-nic TYPE: user or tap. */
static int open_netdev(struct vm_device_set *s, struct vm_opts *o, const char *type,
                       const char *opt, const char *id)
{
    char what[32];
    snprintf(what, sizeof(what), "%s %s", opt, type ? type : "");
    if (type && !strcmp(type, "user"))
        return open_user_net(s, o, what, id);
    if (type && !strcmp(type, "tap"))
        return open_tap(s, o, what, id);
    return vm_error(VM_EINVAL, "%s %s: the network back ends are user and tap", opt,
                    type ? type : "");
}

static struct netdev *find_netdev(struct vm_device_set *s, const char *id)
{
    for (unsigned i = 0; id && i < s->nr_netdevs; i++)
        if (!strcmp(s->netdevs[i].nd->id, id))
            return &s->netdevs[i];
    return NULL;
}

static int parse_netdev(struct vm_device_set *s, const char *text)
{
    struct vm_opts o;
    int rc = vm_opts_parse(text, "type", "-netdev", &o);
    if (rc < 0)
        return rc;
    const char *type = vm_opts_get(&o, "type"), *id = vm_opts_get(&o, "id");
    if (!id)
        rc = vm_error(VM_EINVAL, "-netdev '%s': no id= given", text);
    else if (find_netdev(s, id))
        rc = vm_error(VM_EINVAL, "-netdev id=%s: given twice", id);
    else
        rc = open_netdev(s, &o, type, "-netdev", id);
    vm_opts_free(&o);
    return rc;
}

static int add_nic(struct vm_device_set *s, struct netdev *net, const char *mac,
                   const char *mtu, const char *what)
{
    struct device *d = new_device(s, DEV_NET);
    if (!d)
        return -VM_EINVAL;
    d->mtu = net->mtu;
    if (mtu) {
        char *end;
        unsigned long v = strtoul(mtu, &end, 10);
        if (*end || end == mtu || v < VIRTIO_NET_MIN_MTU || v > VIRTIO_NET_MAX_MTU)
            return vm_error(VM_EINVAL, "%s: host_mtu=%s: from %d to %d", what, mtu,
                            VIRTIO_NET_MIN_MTU, VIRTIO_NET_MAX_MTU);
        d->mtu = (unsigned)v;
    }
    if (mac) {
        if (vm_virtio_net_parse_mac(mac, d->mac) < 0)
            return vm_error(VM_EINVAL, "%s: mac=%s: expected six hex bytes like "
                            "52:54:00:12:34:56 (unicast)", what, mac);
    } else {
        memcpy(d->mac, default_mac, 6);
        d->mac[5] = (uint8_t)(d->mac[5] + s->nr_nics);
    }
    s->nr_nics++;
    net->used = true;
    d->net = net;
    snprintf(d->desc, sizeof(d->desc), "virtio-net-device (netdev %s, %s, "
             "mac %02x:%02x:%02x:%02x:%02x:%02x, mtu %u)", net->nd->id, net->kind, d->mac[0],
             d->mac[1], d->mac[2], d->mac[3], d->mac[4], d->mac[5], d->mtu);
    return 0;
}

/* -nic user[,hostfwd=...]|tap[,ifname=...][,mac=][,model=virtio-net-device]: a back end
 * and its NIC. */
static int parse_nic(struct vm_device_set *s, const char *text)
{
    struct vm_opts o;
    int rc = vm_opts_parse(text, "type", "-nic", &o);
    if (rc < 0)
        return rc;
    const char *type = vm_opts_get(&o, "type"), *mac = vm_opts_get(&o, "mac"),
               *model = vm_opts_get(&o, "model"), *mtu = vm_opts_get(&o, "host_mtu");
    char id[32];
    snprintf(id, sizeof(id), "__nic%u", s->nr_netdevs);
    vm_opts_get(&o, "id");
    if (model && strcmp(model, "virtio-net-device") != 0 && strcmp(model, "virtio") != 0)
        rc = vm_error(VM_EINVAL, "-nic model=%s: %s has virtio-net-device only", model, s->what);
    else if ((rc = open_netdev(s, &o, type, "-nic", id)) == 0)
        rc = add_nic(s, &s->netdevs[s->nr_netdevs - 1], mac, mtu, "-nic");
    vm_opts_free(&o);
    return rc;
}

static int parse_device(struct vm_device_set *s, const char *text)
{
    struct vm_opts o;
    int rc = vm_opts_parse(text, "driver", "-device", &o);
    if (rc < 0)
        return rc;
    const char *driver = vm_opts_get(&o, "driver");
    vm_opts_get(&o, "id"); /* accepted, not used */
    if (!driver) {
        rc = vm_error(VM_EINVAL, "-device '%s': no device type", text);
    } else if (!strcmp(driver, "virtio-blk-device")) {
        const char *drive = vm_opts_get(&o, "drive"), *serial = vm_opts_get(&o, "serial");
        struct drive *drv = NULL;
        for (unsigned i = 0; drive && i < s->nr_drives; i++)
            if (s->drives[i].id && !strcmp(s->drives[i].id, drive))
                drv = &s->drives[i];
        if ((rc = vm_opts_check_used(&o, "-device virtio-blk-device")) < 0)
            ;
        else if (!drive)
            rc = vm_error(VM_EINVAL, "-device virtio-blk-device: no drive= given");
        else if (!drv)
            rc = vm_error(VM_EINVAL, "-device virtio-blk-device: no -drive with id=%s", drive);
        else if (drv->is_virtio || drv->used)
            rc = vm_error(VM_EINVAL, "-device virtio-blk-device: drive %s is already in use "
                          "(give it if=none, and to one device)", drive);
        else if (serial && strlen(serial) > VIRTIO_BLK_ID_BYTES)
            rc = vm_error(VM_EINVAL, "-device virtio-blk-device: serial=%s is longer than %d "
                          "bytes", serial, VIRTIO_BLK_ID_BYTES);
        else
            rc = add_blk(s, drv, serial);
    } else if (!strcmp(driver, "virtio-net-device")) {
        const char *netdev = vm_opts_get(&o, "netdev"), *mac = vm_opts_get(&o, "mac"),
                   *mtu = vm_opts_get(&o, "host_mtu");
        struct netdev *net = find_netdev(s, netdev);
        if ((rc = vm_opts_check_used(&o, "-device virtio-net-device")) < 0)
            ;
        else if (!netdev)
            rc = vm_error(VM_EINVAL, "-device virtio-net-device: no netdev= given");
        else if (!net)
            rc = vm_error(VM_EINVAL, "-device virtio-net-device: no -netdev with id=%s", netdev);
        else if (net->used)
            rc = vm_error(VM_EINVAL, "-device virtio-net-device: netdev %s is already in use",
                          netdev);
        else
            rc = add_nic(s, net, mac, mtu, "-device virtio-net-device");
    } else if (!strcmp(driver, "virtio-rng-device")) {
        struct device *d;
        if ((rc = vm_opts_check_used(&o, "-device virtio-rng-device")) == 0) {
            if (!(d = new_device(s, DEV_RNG)))
                rc = -VM_EINVAL;
            else
                snprintf(d->desc, sizeof(d->desc), "virtio-rng-device (getrandom)");
        }
    } else if (!strcmp(driver, "virtio-blk") || !strcmp(driver, "virtio-blk-pci") ||
               !strcmp(driver, "virtio-rng") || !strcmp(driver, "virtio-rng-pci") ||
               !strcmp(driver, "virtio-net") || !strcmp(driver, "virtio-net-pci")) {
        rc = vm_error(VM_EINVAL, "-device %s: %s has no PCI bus; use the virtio-mmio devices "
                      "(virtio-blk-device, virtio-net-device, virtio-rng-device)", driver, s->what);
    } else {
        rc = vm_error(VM_EINVAL, "-device %s: unknown device (%s has virtio-blk-device, "
                      "virtio-net-device and virtio-rng-device)", driver, s->what);
    }
    vm_opts_free(&o);
    return rc;
}

/* ---- the set ---------------------------------------------------------------- */

int vm_device_set_create(const struct vm_device_args *args, const char *what,
                         struct vm_event_loop *loop, bool verbose, struct vm_device_set **out)
{
    struct vm_device_set *s = calloc(1, sizeof(*s));
    if (!s)
        return vm_error(VM_ENOMEM, "out of host memory");
    s->what = what;
    s->loop = loop;
    int rc = 0;
    for (unsigned i = 0; rc == 0 && args && i < args->nr_drives; i++)
        rc = parse_drive(s, args->drives[i]);
    for (unsigned i = 0; rc == 0 && args && i < args->nr_netdevs; i++)
        rc = parse_netdev(s, args->netdevs[i]);
    for (unsigned i = 0; rc == 0 && args && i < args->nr_devices; i++)
        rc = parse_device(s, args->devices[i]);
    for (unsigned i = 0; rc == 0 && i < s->nr_drives; i++)
        if (s->drives[i].is_virtio)
            rc = add_blk(s, &s->drives[i], NULL);
    for (unsigned i = 0; rc == 0 && args && i < args->nr_nics; i++)
        rc = parse_nic(s, args->nics[i]);
    for (unsigned i = 0; rc == 0 && i < s->nr_netdevs; i++)
        if (!s->netdevs[i].used && verbose)
            fprintf(stderr, "vm: warning: -netdev %s has no NIC (add -device "
                    "virtio-net-device,netdev=%s)\n", s->netdevs[i].nd->id, s->netdevs[i].nd->id);
    if (rc < 0) {
        vm_device_set_destroy(s);
        return rc;
    }
    if (verbose)
        for (unsigned i = 0; i < s->nr_devices; i++)
            fprintf(stderr, "vm: device %u: %s\n", i, s->devices[i].desc);
    *out = s;
    return 0;
}

void vm_device_set_destroy(struct vm_device_set *s)
{
    if (!s)
        return;
    vm_device_set_detach(s);
    for (unsigned i = 0; i < s->nr_devices; i++)
        free(s->devices[i].serial);
    for (unsigned i = 0; i < s->nr_drives; i++) {
        vm_disk_close(s->drives[i].disk);
        free(s->drives[i].id);
    }
    for (unsigned i = 0; i < s->nr_netdevs; i++)
        vm_netdev_destroy(s->netdevs[i].nd);
    free(s);
}

unsigned vm_device_set_count(const struct vm_device_set *s)
{
    return s ? s->nr_devices : 0;
}

const char *vm_device_set_describe(const struct vm_device_set *s, unsigned i)
{
    return i < s->nr_devices ? s->devices[i].desc : "";
}

int vm_device_set_attach(struct vm_device_set *s, unsigned i, struct vm_mem *mem,
                         const struct vm_irq_line *irq, struct vm_virtio **core)
{
    if (i >= s->nr_devices)
        return vm_error(VM_EINVAL, "no device %u", i);
    struct device *d = &s->devices[i];
    switch (d->kind) {
    case DEV_BLK:
        if (!(d->blk = vm_virtio_blk_create(mem, irq, d->drive->disk, d->serial)))
            return -VM_ENOMEM;
        *core = vm_virtio_blk_core(d->blk);
        return 0;
    case DEV_RNG:
        if (!(d->rng = vm_virtio_rng_create(mem, irq, s->loop)))
            return -VM_ENOMEM;
        *core = vm_virtio_rng_core(d->rng);
        return 0;
    case DEV_NET:
        if (!(d->nic = vm_virtio_net_create(mem, irq, s->loop, d->net->nd, d->mac, d->mtu)))
            return -VM_ENOMEM;
        *core = vm_virtio_net_core(d->nic);
        return 0;
    }
    return vm_error(VM_EINVAL, "device %u: unknown kind", i);
}

void vm_device_set_detach(struct vm_device_set *s)
{
    for (unsigned i = 0; s && i < s->nr_devices; i++) {
        struct device *d = &s->devices[i];
        vm_virtio_blk_destroy(d->blk);
        vm_virtio_rng_destroy(d->rng);
        vm_virtio_net_destroy(d->nic);
        d->blk = NULL;
        d->rng = NULL;
        d->nic = NULL;
    }
}
