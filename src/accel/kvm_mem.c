/* KVM memory slots: each RAM region of vm_mem becomes one slot (same host
 * mapping, so device models and the guest see the same bytes), with a
 * small allocator for slot numbers and dirty-page logging per slot. */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "accel/kvm_internal.h"
#include "vm/error.h"

static int set_slot(struct kvm_accel *ka, unsigned index, const struct kvm_slot *s)
{
    struct kvm_userspace_memory_region r = {
        .slot = index,
        .flags = s->flags,
        .guest_phys_addr = s->pa,
        .memory_size = s->used ? s->size : 0, /* size 0 deletes the slot */
        .userspace_addr = (uint64_t)(uintptr_t)s->host,
    };
    if (ioctl(ka->vm_fd, KVM_SET_USER_MEMORY_REGION, &r) < 0)
        return vm_error(VM_EIO, "kvm: memory slot %u at 0x%llx (%llu KiB): %s", index,
                        (unsigned long long)s->pa, (unsigned long long)(s->size >> 10),
                        strerror(errno));
    return 0;
}

/* Slot holding pa, or -1. Called with slot_lock held. */
static int find_slot(const struct kvm_accel *ka, uint64_t pa)
{
    for (int i = 0; i < KVM_MAX_SLOTS; i++)
        if (ka->slots[i].used && pa - ka->slots[i].pa < ka->slots[i].size)
            return i;
    return -1;
}

static int map_region(struct kvm_accel *ka, const struct vm_mem_region *r)
{
    if (find_slot(ka, r->base) >= 0)
        return 0; /* already mapped */
    int free_index = -1;
    for (int i = 0; i < KVM_MAX_SLOTS && free_index < 0; i++)
        if (!ka->slots[i].used)
            free_index = i;
    if (free_index < 0)
        return vm_error(VM_ENOMEM, "kvm: RAM '%s': all %d memory slots in use", r->name,
                        KVM_MAX_SLOTS);
    struct kvm_slot s = {.used = true, .pa = r->base, .size = r->size, .host = r->host};
    int rc = set_slot(ka, (unsigned)free_index, &s);
    if (rc == 0)
        ka->slots[free_index] = s;
    return rc;
}

int kvm_mem_init(struct kvm_accel *ka)
{
    if (!ka->mem)
        return vm_error(VM_EINVAL, "kvm: the machine has no guest memory");
    int rc = 0;
    pthread_mutex_lock(&ka->slot_lock);
    for (unsigned i = 0; i < vm_mem_region_count(ka->mem) && rc == 0; i++) {
        const struct vm_mem_region *r = vm_mem_region_at(ka->mem, i);
        if (r->host)
            rc = map_region(ka, r);
    }
    pthread_mutex_unlock(&ka->slot_lock);
    return rc;
}

int vm_kvm_map_ram(struct vm_accel *accel, uint64_t pa)
{
    struct kvm_accel *ka = kvm_accel_of(accel, "a memory slot");
    if (!ka)
        return -VM_EINVAL;
    const struct vm_mem_region *r = vm_mem_find(ka->mem, pa);
    if (!r || !r->host)
        return vm_error(VM_ENOENT, "kvm: no RAM region at 0x%llx to map", (unsigned long long)pa);
    pthread_mutex_lock(&ka->slot_lock);
    int rc = map_region(ka, r);
    pthread_mutex_unlock(&ka->slot_lock);
    return rc;
}

int vm_kvm_unmap_ram(struct vm_accel *accel, uint64_t pa)
{
    struct kvm_accel *ka = kvm_accel_of(accel, "a memory slot");
    if (!ka)
        return -VM_EINVAL;
    pthread_mutex_lock(&ka->slot_lock);
    int i = find_slot(ka, pa), rc;
    if (i < 0) {
        rc = vm_error(VM_ENOENT, "kvm: no memory slot at 0x%llx", (unsigned long long)pa);
    } else {
        struct kvm_slot s = ka->slots[i];
        s.used = false;
        rc = set_slot(ka, (unsigned)i, &s);
        if (rc == 0)
            memset(&ka->slots[i], 0, sizeof(ka->slots[i]));
    }
    pthread_mutex_unlock(&ka->slot_lock);
    return rc;
}

int vm_kvm_dirty_log(struct vm_accel *accel, uint64_t pa, bool enable)
{
    struct kvm_accel *ka = kvm_accel_of(accel, "dirty logging");
    if (!ka)
        return -VM_EINVAL;
    pthread_mutex_lock(&ka->slot_lock);
    int i = find_slot(ka, pa), rc;
    if (i < 0) {
        rc = vm_error(VM_ENOENT, "kvm: dirty log: no memory slot at 0x%llx",
                      (unsigned long long)pa);
    } else {
        struct kvm_slot s = ka->slots[i];
        s.flags = enable ? (s.flags | KVM_MEM_LOG_DIRTY_PAGES) : (s.flags & ~KVM_MEM_LOG_DIRTY_PAGES);
        rc = s.flags == ka->slots[i].flags ? 0 : set_slot(ka, (unsigned)i, &s);
        if (rc == 0)
            ka->slots[i] = s;
    }
    pthread_mutex_unlock(&ka->slot_lock);
    return rc;
}

int vm_kvm_dirty_get_and_clear(struct vm_accel *accel, uint64_t pa, uint64_t *bitmap,
                               unsigned long words)
{
    struct kvm_accel *ka = kvm_accel_of(accel, "dirty logging");
    if (!ka)
        return -VM_EINVAL;
    pthread_mutex_lock(&ka->slot_lock);
    int i = find_slot(ka, pa), rc = 0;
    if (i < 0 || !(ka->slots[i].flags & KVM_MEM_LOG_DIRTY_PAGES)) {
        rc = vm_error(VM_ENOENT, "kvm: dirty log: not enabled for RAM at 0x%llx",
                      (unsigned long long)pa);
    } else {
        uint64_t pages = ka->slots[i].size >> VM_PAGE_SHIFT;
        unsigned long need = (unsigned long)((pages + 63) / 64);
        if (words < need) {
            rc = vm_error(VM_EINVAL, "kvm: dirty log: bitmap needs %lu words, got %lu", need,
                          words);
        } else {
            memset(bitmap, 0, words * sizeof(uint64_t));
            /* KVM_GET_DIRTY_LOG returns the bits and re-protects the pages */
            struct kvm_dirty_log log = {.slot = (uint32_t)i, .dirty_bitmap = bitmap};
            if (ioctl(ka->vm_fd, KVM_GET_DIRTY_LOG, &log) < 0)
                rc = vm_error(VM_EIO, "kvm: KVM_GET_DIRTY_LOG: %s", strerror(errno));
        }
    }
    pthread_mutex_unlock(&ka->slot_lock);
    return rc;
}
