/* Guest physical address space: a sorted table of regions. */
#include "vm/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "vm/error.h"

#define MEM_MAX_REGIONS 64

struct vm_mem {
    struct vm_mem_region regions[MEM_MAX_REGIONS]; /* sorted by base */
    unsigned count;
    unsigned last_hit; /* a hint only: a racy read is harmless */
    vm_mem_write_fn write_fn;
    void *write_opaque;
};

void vm_mem_set_write_notifier(struct vm_mem *mem, vm_mem_write_fn fn, void *opaque)
{
    mem->write_fn = fn;
    mem->write_opaque = opaque;
}

void vm_mem_notify_write(struct vm_mem *mem, uint64_t pa, uint64_t len)
{
    if (mem->write_fn && len)
        mem->write_fn(mem->write_opaque, pa, len);
}

struct vm_mem *vm_mem_create(void)
{
    struct vm_mem *mem = calloc(1, sizeof(*mem));
    if (!mem)
        vm_error(VM_ENOMEM, "guest memory map: out of host memory");
    return mem;
}

void vm_mem_destroy(struct vm_mem *mem)
{
    if (!mem)
        return;
    for (unsigned i = 0; i < mem->count; i++) {
        struct vm_mem_region *r = &mem->regions[i];
        if (r->host)
            munmap(r->host, r->size);
        free(r->dirty);
    }
    free(mem);
}

static int add_region(struct vm_mem *mem, const struct vm_mem_region *nr)
{
    if (nr->size == 0)
        return vm_error(VM_EINVAL, "region '%s' at 0x%llx: size is zero", nr->name,
                        (unsigned long long)nr->base);
    if (nr->base + nr->size - 1 < nr->base)
        return vm_error(VM_EINVAL, "region '%s' at 0x%llx size 0x%llx wraps past the end of the address space",
                        nr->name, (unsigned long long)nr->base, (unsigned long long)nr->size);
    if (mem->count == MEM_MAX_REGIONS)
        return vm_error(VM_ENOMEM, "region '%s': more than %d regions", nr->name, MEM_MAX_REGIONS);
    unsigned pos = 0;
    while (pos < mem->count && mem->regions[pos].base < nr->base)
        pos++;
    uint64_t last = nr->base + nr->size - 1;
    for (unsigned i = 0; i < mem->count; i++) {
        const struct vm_mem_region *r = &mem->regions[i];
        if (nr->base <= r->base + r->size - 1 && r->base <= last)
            return vm_error(VM_EOVERLAP,
                            "region '%s' [0x%llx-0x%llx] overlaps '%s' [0x%llx-0x%llx]", nr->name,
                            (unsigned long long)nr->base, (unsigned long long)last, r->name,
                            (unsigned long long)r->base,
                            (unsigned long long)(r->base + r->size - 1));
    }
    memmove(&mem->regions[pos + 1], &mem->regions[pos],
            (mem->count - pos) * sizeof(mem->regions[0]));
    mem->regions[pos] = *nr;
    mem->count++;
    mem->last_hit = 0;
    return 0;
}

static void set_name(struct vm_mem_region *r, const char *name)
{
    strncpy(r->name, name ? name : "?", sizeof(r->name) - 1);
    r->name[sizeof(r->name) - 1] = '\0';
}

int vm_mem_add_ram(struct vm_mem *mem, uint64_t base, uint64_t size, const char *name)
{
    struct vm_mem_region r = {.base = base, .size = size};
    set_name(&r, name);
    if (size % VM_PAGE_SIZE || base % VM_PAGE_SIZE)
        return vm_error(VM_EINVAL, "RAM '%s' at 0x%llx size 0x%llx: not 4 KiB aligned", r.name,
                        (unsigned long long)base, (unsigned long long)size);
    if (size == 0)
        return add_region(mem, &r); /* reports the zero size */
    void *host = mmap(NULL, size, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (host == MAP_FAILED)
        return vm_error(VM_ENOMEM, "RAM '%s': cannot map %llu MiB of host memory", r.name,
                        (unsigned long long)(size >> 20));
    madvise(host, size, MADV_HUGEPAGE); /* advisory: failure is fine */
    r.host = host;
    int rc = add_region(mem, &r);
    if (rc < 0)
        munmap(host, size);
    return rc;
}

int vm_mem_add_rom(struct vm_mem *mem, uint64_t base, uint64_t size, const char *name)
{
    int rc = vm_mem_add_ram(mem, base, size, name);
    if (rc < 0)
        return rc;
    ((struct vm_mem_region *)vm_mem_find(mem, base))->readonly = true;
    return 0;
}

int vm_mem_add_mmio(struct vm_mem *mem, uint64_t base, uint64_t size,
                    const struct vm_mmio_ops *ops, void *opaque, const char *name)
{
    struct vm_mem_region r = {.base = base, .size = size, .ops = ops, .opaque = opaque};
    set_name(&r, name);
    if (!ops || !ops->read || !ops->write)
        return vm_error(VM_EINVAL, "MMIO '%s': read and write callbacks are required", r.name);
    return add_region(mem, &r);
}

int vm_mem_add_mmio_exit(struct vm_mem *mem, uint64_t base, uint64_t size, const char *name)
{
    struct vm_mem_region r = {.base = base, .size = size}; /* no host, no ops */
    set_name(&r, name);
    return add_region(mem, &r);
}

unsigned vm_mem_region_count(const struct vm_mem *mem)
{
    return mem->count;
}

const struct vm_mem_region *vm_mem_region_at(const struct vm_mem *mem, unsigned index)
{
    return index < mem->count ? &mem->regions[index] : NULL;
}

static inline bool contains(const struct vm_mem_region *r, uint64_t pa)
{
    return pa - r->base < r->size;
}

const struct vm_mem_region *vm_mem_find(struct vm_mem *mem, uint64_t pa)
{
    unsigned hint = __atomic_load_n(&mem->last_hit, __ATOMIC_RELAXED);
    if (hint < mem->count && contains(&mem->regions[hint], pa))
        return &mem->regions[hint];
    unsigned lo = 0, hi = mem->count;
    while (lo < hi) {
        unsigned mid = (lo + hi) / 2;
        const struct vm_mem_region *r = &mem->regions[mid];
        if (pa < r->base)
            hi = mid;
        else if (pa - r->base >= r->size)
            lo = mid + 1;
        else {
            __atomic_store_n(&mem->last_hit, mid, __ATOMIC_RELAXED);
            return r;
        }
    }
    return NULL;
}

void *vm_mem_ram_ptr(struct vm_mem *mem, uint64_t pa, uint64_t len)
{
    const struct vm_mem_region *r = vm_mem_find(mem, pa);
    if (!r || !r->host || len > r->size - (pa - r->base))
        return NULL;
    return r->host + (pa - r->base);
}

void *vm_mem_ram_ptr_writable(struct vm_mem *mem, uint64_t pa, uint64_t len)
{
    const struct vm_mem_region *r = vm_mem_find(mem, pa);
    return r && !r->readonly ? vm_mem_ram_ptr(mem, pa, len) : NULL;
}

static int access_one(struct vm_mem *mem, uint64_t pa, unsigned size, uint64_t *value,
                      bool write)
{
    const struct vm_mem_region *r = vm_mem_find(mem, pa);
    if (!r || size > r->size - (pa - r->base))
        return -VM_EFAULT;
    uint64_t off = pa - r->base;
    if (r->host) {
        if (write && r->readonly)
            return 0; /* ROM: the store is dropped */
        if (write) {
            vm_st_le(r->host + off, size, *value);
            vm_mem_mark_dirty(r, pa);
            vm_mem_mark_dirty(r, pa + size - 1);
        } else {
            *value = vm_ld_le(r->host + off, size);
        }
        return 0;
    }
    if (!r->ops)
        return -VM_EFAULT; /* an exit region: only a vCPU's run loop serves it */
    if (write)
        return r->ops->write(r->opaque, off, size, *value) < 0 ? -VM_EFAULT : 0;
    uint64_t v = 0;
    if (r->ops->read(r->opaque, off, size, &v) < 0)
        return -VM_EFAULT;
    *value = size == 8 ? v : v & ((1ULL << (size * 8)) - 1);
    return 0;
}

int vm_mem_load(struct vm_mem *mem, uint64_t pa, unsigned size, uint64_t *value)
{
    if (access_one(mem, pa, size, value, false) == 0)
        return 0;
    /* Straddling two regions (or partly unbacked): byte by byte. */
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        uint64_t b;
        if (access_one(mem, pa + i, 1, &b, false) < 0)
            return -VM_EFAULT;
        v |= b << (8 * i);
    }
    *value = v;
    return 0;
}

int vm_mem_store(struct vm_mem *mem, uint64_t pa, unsigned size, uint64_t value)
{
    if (access_one(mem, pa, size, &value, true) == 0) {
        vm_mem_notify_write(mem, pa, size);
        return 0;
    }
    for (unsigned i = 0; i < size; i++) { /* check first: all or nothing */
        const struct vm_mem_region *r = vm_mem_find(mem, pa + i);
        if (!r)
            return -VM_EFAULT;
    }
    for (unsigned i = 0; i < size; i++) {
        uint64_t b = (value >> (8 * i)) & 0xff;
        if (access_one(mem, pa + i, 1, &b, true) < 0)
            return -VM_EFAULT;
    }
    vm_mem_notify_write(mem, pa, size);
    return 0;
}

static int copy(struct vm_mem *mem, uint64_t pa, uint8_t *buf, size_t len, uint64_t *fail_pa,
                bool write)
{
    while (len > 0) {
        const struct vm_mem_region *r = vm_mem_find(mem, pa);
        if (!r) {
            if (fail_pa)
                *fail_pa = pa;
            return vm_error(VM_EFAULT, "guest physical address 0x%llx is not backed",
                            (unsigned long long)pa);
        }
        uint64_t off = pa - r->base;
        size_t chunk = r->size - off < len ? (size_t)(r->size - off) : len;
        if (r->host) {
            if (write) {
                vm_ram_write_bytes(r->host + off, buf, chunk);
                for (uint64_t p = pa & ~(VM_PAGE_SIZE - 1); p < pa + chunk; p += VM_PAGE_SIZE)
                    vm_mem_mark_dirty(r, p);
                vm_mem_notify_write(mem, pa, chunk);
            } else {
                memcpy(buf, r->host + off, chunk);
            }
        } else {
            for (size_t i = 0; i < chunk; i++) { /* MMIO: byte accesses */
                uint64_t v = buf[i];
                if (access_one(mem, pa + i, 1, &v, write) < 0) {
                    if (fail_pa)
                        *fail_pa = pa + i;
                    return vm_error(VM_EFAULT, "MMIO '%s' refused access at 0x%llx", r->name,
                                    (unsigned long long)(pa + i));
                }
                if (!write)
                    buf[i] = (uint8_t)v;
            }
        }
        pa += chunk;
        buf += chunk;
        len -= chunk;
    }
    return 0;
}

int vm_mem_read(struct vm_mem *mem, uint64_t pa, void *buf, size_t len, uint64_t *fail_pa)
{
    return copy(mem, pa, buf, len, fail_pa, false);
}

int vm_mem_write(struct vm_mem *mem, uint64_t pa, const void *buf, size_t len, uint64_t *fail_pa)
{
    return copy(mem, pa, (uint8_t *)buf, len, fail_pa, true);
}

static struct vm_mem_region *find_ram(struct vm_mem *mem, uint64_t pa)
{
    struct vm_mem_region *r = (struct vm_mem_region *)vm_mem_find(mem, pa);
    return r && r->host ? r : NULL;
}

int vm_mem_dirty_log(struct vm_mem *mem, uint64_t pa, bool enable)
{
    struct vm_mem_region *r = find_ram(mem, pa);
    if (!r)
        return vm_error(VM_ENOENT, "dirty log: no RAM region at 0x%llx", (unsigned long long)pa);
    if (enable && !r->dirty) {
        size_t words = (r->size / VM_PAGE_SIZE + 63) / 64;
        r->dirty = calloc(words, sizeof(uint64_t));
        if (!r->dirty)
            return vm_error(VM_ENOMEM, "dirty log for '%s': out of host memory", r->name);
    } else if (!enable) {
        free(r->dirty);
        r->dirty = NULL;
    }
    return 0;
}

int vm_mem_dirty_get_and_clear(struct vm_mem *mem, uint64_t pa, uint64_t *bitmap, size_t words)
{
    struct vm_mem_region *r = find_ram(mem, pa);
    if (!r || !r->dirty)
        return vm_error(VM_ENOENT, "dirty log: not enabled for RAM at 0x%llx",
                        (unsigned long long)pa);
    size_t need = (r->size / VM_PAGE_SIZE + 63) / 64;
    if (words < need)
        return vm_error(VM_EINVAL, "dirty log for '%s': bitmap needs %zu words, got %zu", r->name,
                        need, words);
    for (size_t i = 0; i < need; i++)
        bitmap[i] = __atomic_exchange_n(&r->dirty[i], 0, __ATOMIC_RELAXED);
    return 0;
}
