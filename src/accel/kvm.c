/* The `kvm` accelerator (Linux KVM, x86-64 guests on an x86-64 host):
 * opening /dev/kvm and checking it, the VM file descriptor, the in-kernel
 * irqchip and PIT, interrupt lines, irqfd and ioeventfd, and the ops table.
 * vCPUs, registers, CPUID and memory slots are in the other kvm_*.c files. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "accel/backends.h"
#include "accel/kvm_internal.h"
#include "vm/error.h"

#define KVM_DEV "/dev/kvm"
/* Where KVM on Intel puts its TSS and identity page table: three pages
 * just below the 4 GiB BIOS area, as QEMU and kvmtool do. */
#define KVM_TSS_ADDR 0xfffbd000ULL
#define KVM_MAX_CPUID_ENTRIES 256

/* Capabilities the backend cannot work without. */
static const struct {
    int cap;
    const char *name;
} required_caps[] = {
    {KVM_CAP_IRQCHIP, "IRQCHIP"},         {KVM_CAP_PIT2, "PIT2"},
    {KVM_CAP_IOEVENTFD, "IOEVENTFD"},     {KVM_CAP_IRQFD, "IRQFD"},
    {KVM_CAP_USER_MEMORY, "USER_MEMORY"}, {KVM_CAP_EXT_CPUID, "EXT_CPUID"},
};

/* Open /dev/kvm and check the API version and capabilities; each failure
 * has its own message. Returns the fd or a negative code. */
static int kvm_open(void)
{
    int fd = open(KVM_DEV, O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        if (e == ENOENT || e == ENODEV || e == ENXIO)
            return vm_error(VM_ENOTSUP,
                            "no %s: KVM is not available on this host (no kvm module, or no "
                            "hardware virtualisation)", KVM_DEV);
        if (e == EACCES || e == EPERM)
            return vm_error(VM_EACCESS,
                            "%s: permission denied (add the user to the 'kvm' group)", KVM_DEV);
        return vm_error(VM_EIO, "%s: cannot open: %s", KVM_DEV, strerror(e));
    }
    int version = ioctl(fd, KVM_GET_API_VERSION, 0);
    if (version != KVM_API_VERSION) {
        close(fd);
        return vm_error(VM_ENOTSUP, "%s: KVM API version %d, need %d", KVM_DEV, version,
                        KVM_API_VERSION);
    }
    for (size_t i = 0; i < sizeof(required_caps) / sizeof(required_caps[0]); i++) {
        if (ioctl(fd, KVM_CHECK_EXTENSION, required_caps[i].cap) <= 0) {
            close(fd);
            return vm_error(VM_ENOTSUP, "%s: KVM lacks the capability KVM_CAP_%s", KVM_DEV,
                            required_caps[i].name);
        }
    }
    return fd;
}

static int kvm_probe(enum vm_arch arch)
{
    int rc = vm_accel_arch_mismatch(arch);
    if (rc < 0)
        return rc;
    if (arch != VM_ARCH_X86_64)
        return vm_error(VM_ENOTSUP, "the kvm backend runs x86-64 guests only");
    int fd = kvm_open();
    if (fd < 0)
        return fd;
    close(fd);
    return 0;
}

static int get_supported_cpuid(struct kvm_accel *ka)
{
    size_t bytes = sizeof(struct kvm_cpuid2) + KVM_MAX_CPUID_ENTRIES * sizeof(struct kvm_cpuid_entry2);
    ka->cpuid = calloc(1, bytes);
    if (!ka->cpuid)
        return vm_error(VM_ENOMEM, "kvm: out of host memory");
    ka->cpuid->nent = KVM_MAX_CPUID_ENTRIES;
    if (ioctl(ka->kvm_fd, KVM_GET_SUPPORTED_CPUID, ka->cpuid) < 0)
        return vm_error(VM_EIO, "kvm: KVM_GET_SUPPORTED_CPUID: %s", strerror(errno));
    return 0;
}

static void kvm_fini(struct vm_accel *accel)
{
    struct kvm_accel *ka = vm_accel_priv(accel);
    if (ka->vm_fd >= 0)
        close(ka->vm_fd);
    if (ka->kvm_fd >= 0)
        close(ka->kvm_fd);
    free(ka->cpuid);
    pthread_mutex_destroy(&ka->slot_lock);
}

static int kvm_init(struct vm_accel *accel, const struct vm_accel_config *cfg)
{
    struct kvm_accel *ka = vm_accel_priv(accel);
    ka->kvm_fd = ka->vm_fd = -1;
    ka->mem = cfg->mem;
    ka->nr_vcpus = cfg->nr_vcpus ? cfg->nr_vcpus : 1;
    pthread_mutex_init(&ka->slot_lock, NULL);
    int rc = kvm_open();
    if (rc < 0)
        goto fail;
    ka->kvm_fd = rc;
    int max = ioctl(ka->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS);
    if (max <= 0)
        max = ioctl(ka->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_NR_VCPUS);
    if (max > 0 && ka->nr_vcpus > (unsigned)max) {
        rc = vm_error(VM_EINVAL, "kvm: %u vCPUs asked for, this host allows %d", ka->nr_vcpus, max);
        goto fail;
    }
    ka->run_size = ioctl(ka->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
    if (ka->run_size < (int)sizeof(struct kvm_run)) {
        rc = vm_error(VM_EIO, "kvm: KVM_GET_VCPU_MMAP_SIZE: %s", strerror(errno));
        goto fail;
    }
    ka->has_xsave = ioctl(ka->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_XSAVE) > 0;
    ka->has_xcrs = ioctl(ka->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_XCRS) > 0;
    ka->vm_fd = ioctl(ka->kvm_fd, KVM_CREATE_VM, 0);
    if (ka->vm_fd < 0) {
        rc = vm_error(VM_EIO, "kvm: KVM_CREATE_VM: %s", strerror(errno));
        goto fail;
    }
    /* Intel needs these before the first vCPU runs; AMD ignores them. */
    if (ioctl(ka->vm_fd, KVM_SET_TSS_ADDR, (unsigned long)KVM_TSS_ADDR) < 0) {
        rc = vm_error(VM_EIO, "kvm: KVM_SET_TSS_ADDR: %s", strerror(errno));
        goto fail;
    }
    uint64_t ident = KVM_TSS_ADDR + 3 * 4096;
    if (ioctl(ka->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_SET_IDENTITY_MAP_ADDR) > 0)
        ioctl(ka->vm_fd, KVM_SET_IDENTITY_MAP_ADDR, &ident); /* advisory */
    if ((rc = get_supported_cpuid(ka)) < 0 || (rc = kvm_mem_init(ka)) < 0)
        goto fail;
    return 0;
fail:
    kvm_fini(accel);
    return rc;
}

const struct vm_accel_ops vm_accel_kvm_ops = {
    .name = "kvm",
    .description = "Linux KVM (x86-64 guests on an x86-64 host)",
    .probe = kvm_probe,
    .accel_size = sizeof(struct kvm_accel),
    .vcpu_size = sizeof(struct kvm_vcpu),
    .init = kvm_init,
    .fini = kvm_fini,
    .vcpu_init = kvm_vcpu_init,
    .vcpu_fini = kvm_vcpu_fini,
    .vcpu_run = kvm_vcpu_run,
    .vcpu_kick = kvm_vcpu_kick,
    .get_regs = kvm_get_regs,
    .set_regs = kvm_set_regs,
    .set_debug = kvm_set_debug,
    .debug_access = kvm_debug_access,
};

/* ---- the board-facing extensions (vm/kvm.h) ---------------------------- */

bool vm_accel_is_kvm(const struct vm_accel *accel)
{
    return accel && vm_accel_ops_of(accel) == &vm_accel_kvm_ops;
}

struct kvm_accel *kvm_accel_of(struct vm_accel *accel, const char *what)
{
    if (!vm_accel_is_kvm(accel)) {
        vm_error(VM_EINVAL, "%s needs the kvm accelerator, not '%s'", what,
                 accel ? vm_accel_ops_of(accel)->name : "none");
        return NULL;
    }
    return vm_accel_priv(accel);
}

int vm_kvm_set_pio(struct vm_accel *accel, struct vm_pio *pio)
{
    struct kvm_accel *ka = kvm_accel_of(accel, "port I/O");
    if (!ka)
        return -VM_EINVAL;
    ka->pio = pio;
    return 0;
}

int vm_kvm_create_irqchip(struct vm_accel *accel)
{
    struct kvm_accel *ka = kvm_accel_of(accel, "an in-kernel irqchip");
    if (!ka)
        return -VM_EINVAL;
    if (ka->irqchip)
        return 0;
    if (ka->vcpus_created)
        return vm_error(VM_EINVAL, "kvm: the irqchip must be created before the vCPUs");
    if (ioctl(ka->vm_fd, KVM_CREATE_IRQCHIP, 0) < 0)
        return vm_error(VM_EIO, "kvm: KVM_CREATE_IRQCHIP: %s", strerror(errno));
    /* The PC speaker port (0x61) is left to the VMM: dummy in-kernel. */
    struct kvm_pit_config pit = {.flags = KVM_PIT_SPEAKER_DUMMY};
    if (ioctl(ka->vm_fd, KVM_CREATE_PIT2, &pit) < 0)
        return vm_error(VM_EIO, "kvm: KVM_CREATE_PIT2: %s", strerror(errno));
    ka->irqchip = true;
    return 0;
}

#define KVM_NR_GSIS 24 /* the IOAPIC's pins; 0-15 also reach the 8259s */

int vm_kvm_irq_line(struct vm_accel *accel, unsigned gsi, bool level)
{
    struct kvm_accel *ka = kvm_accel_of(accel, "an interrupt line");
    if (!ka)
        return -VM_EINVAL;
    if (!ka->irqchip)
        return vm_error(VM_EINVAL, "kvm: GSI %u: no in-kernel irqchip", gsi);
    if (gsi >= KVM_NR_GSIS)
        return vm_error(VM_EINVAL, "kvm: GSI %u out of range (0-%d)", gsi, KVM_NR_GSIS - 1);
    struct kvm_irq_level irq = {.irq = gsi, .level = level};
    if (ioctl(ka->vm_fd, KVM_IRQ_LINE, &irq) < 0)
        return vm_error(VM_EIO, "kvm: KVM_IRQ_LINE %u: %s", gsi, strerror(errno));
    return 0;
}

void vm_kvm_irq_set(void *opaque, unsigned n, bool level)
{
    (void)vm_kvm_irq_line(opaque, n, level);
}

int vm_kvm_irqfd(struct vm_accel *accel, unsigned gsi, int *fd)
{
    struct kvm_accel *ka = kvm_accel_of(accel, "an irqfd");
    if (!ka)
        return -VM_EINVAL;
    if (!ka->irqchip)
        return vm_error(VM_EINVAL, "kvm: irqfd for GSI %u: no in-kernel irqchip", gsi);
    if (gsi >= KVM_NR_GSIS)
        return vm_error(VM_EINVAL, "kvm: irqfd GSI %u out of range (0-%d)", gsi, KVM_NR_GSIS - 1);
    int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (efd < 0)
        return vm_error(VM_EIO, "kvm: eventfd: %s", strerror(errno));
    struct kvm_irqfd req = {.fd = (uint32_t)efd, .gsi = gsi};
    if (ioctl(ka->vm_fd, KVM_IRQFD, &req) < 0) {
        int e = errno;
        close(efd);
        return vm_error(VM_EIO, "kvm: KVM_IRQFD for GSI %u: %s", gsi, strerror(e));
    }
    *fd = efd;
    return 0;
}

int vm_kvm_ioeventfd(struct vm_accel *accel, const struct vm_kvm_ioeventfd *ev, int *fd)
{
    struct kvm_accel *ka = kvm_accel_of(accel, "an ioeventfd");
    if (!ka)
        return -VM_EINVAL;
    if (ev->len != 0 && ev->len != 1 && ev->len != 2 && ev->len != 4 && ev->len != 8)
        return vm_error(VM_EINVAL, "kvm: ioeventfd at 0x%llx: length %u is not 0, 1, 2, 4 or 8",
                        (unsigned long long)ev->addr, ev->len);
    if (ev->pio && (ev->addr > 0xffff || ev->len == 8))
        return vm_error(VM_EINVAL, "kvm: ioeventfd on port 0x%llx length %u: bad port access",
                        (unsigned long long)ev->addr, ev->len);
    int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (efd < 0)
        return vm_error(VM_EIO, "kvm: eventfd: %s", strerror(errno));
    struct kvm_ioeventfd req = {
        .datamatch = ev->datamatch,
        .addr = ev->addr,
        .len = ev->len,
        .fd = efd,
        .flags = (ev->pio ? KVM_IOEVENTFD_FLAG_PIO : 0u) |
                 (ev->match ? KVM_IOEVENTFD_FLAG_DATAMATCH : 0u),
    };
    if (ioctl(ka->vm_fd, KVM_IOEVENTFD, &req) < 0) {
        int e = errno;
        close(efd);
        return vm_error(VM_EIO, "kvm: KVM_IOEVENTFD at %s 0x%llx: %s", ev->pio ? "port" : "address",
                        (unsigned long long)ev->addr, strerror(e));
    }
    *fd = efd;
    return 0;
}
