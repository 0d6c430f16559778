/* Guest physical address space: RAM regions backed by anonymous host memory
 * and MMIO regions served by callbacks. Regions are added while the machine
 * is being built; lookups afterwards are lock-free. */
#ifndef VM_MEM_H
#define VM_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define VM_PAGE_SHIFT 12
#define VM_PAGE_SIZE (1ULL << VM_PAGE_SHIFT)

/* MMIO callbacks get an offset into the region and a size of 1, 2, 4 or 8.
 * They return 0, or a negative -VM_E... code that the CPU turns into an
 * access fault. */
struct vm_mmio_ops {
    int (*read)(void *opaque, uint64_t offset, unsigned size, uint64_t *value);
    int (*write)(void *opaque, uint64_t offset, unsigned size, uint64_t value);
};

struct vm_mem_region {
    uint64_t base;
    uint64_t size;
    uint8_t *host;                  /* RAM: host mapping; MMIO: NULL */
    const struct vm_mmio_ops *ops;  /* MMIO only */
    void *opaque;                   /* MMIO only */
    uint64_t *dirty;                /* RAM: one bit per 4 KiB page, or NULL */
    bool readonly;                  /* ROM: CPU and device stores are ignored */
    char name[32];
};

struct vm_mem;

struct vm_mem *vm_mem_create(void);
void vm_mem_destroy(struct vm_mem *mem);

/* Both refuse a zero size, an overlap with an existing region, and a range
 * that wraps past 2^64, with a message naming both regions. */
int vm_mem_add_ram(struct vm_mem *mem, uint64_t base, uint64_t size, const char *name);
int vm_mem_add_mmio(struct vm_mem *mem, uint64_t base, uint64_t size,
                    const struct vm_mmio_ops *ops, void *opaque, const char *name);
/* A ROM: RAM that guest stores leave unchanged (ignored, as QEMU's ROMs:
 * no fault; an AMO reads the old value and its write is dropped). The board
 * fills it through vm_mem_ram_ptr() or vm_mem_write() (loaders write ROM). */
int vm_mem_add_rom(struct vm_mem *mem, uint64_t base, uint64_t size, const char *name);

/* An MMIO region the embedder serves from its run loop (as KVM's MMIO
 * exits): a vCPU's load or store there ends vm_vcpu_run() with
 * VM_EXIT_MMIO (vm/accel.h says how to complete it). Other accesses
 * (vm_mem_load/store, device DMA, debuggers) fail there with -VM_EFAULT. */
int vm_mem_add_mmio_exit(struct vm_mem *mem, uint64_t base, uint64_t size, const char *name);

/* The region containing pa, or NULL. Binary search with a last-hit shortcut. */
const struct vm_mem_region *vm_mem_find(struct vm_mem *mem, uint64_t pa);
/* Host pointer for [pa, pa+len) if it lies inside one RAM region, else NULL. */
void *vm_mem_ram_ptr(struct vm_mem *mem, uint64_t pa, uint64_t len);
/* The same for a device that will write there (DMA): NULL for a ROM too. */
void *vm_mem_ram_ptr_writable(struct vm_mem *mem, uint64_t pa, uint64_t len);
unsigned vm_mem_region_count(const struct vm_mem *mem);
const struct vm_mem_region *vm_mem_region_at(const struct vm_mem *mem, unsigned index);

/* One little-endian access of 1/2/4/8 bytes, to RAM or MMIO. An access that
 * straddles two regions is split into bytes. Returns 0 or -VM_EFAULT. A
 * store to ROM is ignored (returns 0). */
int vm_mem_load(struct vm_mem *mem, uint64_t pa, unsigned size, uint64_t *value);
int vm_mem_store(struct vm_mem *mem, uint64_t pa, unsigned size, uint64_t value);

/* Bulk copies that cross region boundaries. On failure they return
 * -VM_EFAULT and store the first address that could not be accessed in
 * *fail_pa (if not NULL); bytes before it have been copied. */
int vm_mem_read(struct vm_mem *mem, uint64_t pa, void *buf, size_t len, uint64_t *fail_pa);
int vm_mem_write(struct vm_mem *mem, uint64_t pa, const void *buf, size_t len,
                 uint64_t *fail_pa);

/* Writes to RAM that do not come from a CPU (DMA, loaders): the CPU that
 * runs from RAM registers a notifier and drops decoded or translated code
 * that such a write overwrites. vm_mem_write() and vm_mem_store() call it
 * themselves; code that writes RAM through vm_mem_ram_ptr() must call
 * vm_mem_notify_write() afterwards. Cheap when no code is there. */
typedef void (*vm_mem_write_fn)(void *opaque, uint64_t pa, uint64_t len);
void vm_mem_set_write_notifier(struct vm_mem *mem, vm_mem_write_fn fn, void *opaque);
void vm_mem_notify_write(struct vm_mem *mem, uint64_t pa, uint64_t len);

/* Dirty-page logging, per RAM region (by any address inside it). While on,
 * vm_mem_write/store and the MMU's store path mark 4 KiB pages dirty.
 * get_and_clear copies the bitmap (one bit per page, ceil(pages/64) words)
 * and clears it; callers that cache host pointers for stores (the MMU's
 * TLBs) must be flushed after a clear so that new stores are seen. */
int vm_mem_dirty_log(struct vm_mem *mem, uint64_t pa, bool enable);
int vm_mem_dirty_get_and_clear(struct vm_mem *mem, uint64_t pa, uint64_t *bitmap,
                               size_t words);
static inline void vm_mem_mark_dirty(const struct vm_mem_region *r, uint64_t pa)
{
    if (r->dirty) {
        uint64_t page = (pa - r->base) >> VM_PAGE_SHIFT;
        __atomic_fetch_or(&r->dirty[page / 64], 1ULL << (page % 64),
                          __ATOMIC_RELAXED);
    }
}

/* Copy into guest RAM that other threads may read at the same time (harts
 * fetching the code it rewrites, a device's DMA): the guest's own races.
 * Under ThreadSanitizer, byte by byte with relaxed atomics, so that they
 * are not reported as the emulator's (whose code reads use atomics); a
 * plain memcpy otherwise, which is the same on x86. */
#if defined(__SANITIZE_THREAD__)
#define VM_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define VM_TSAN 1
#endif
#endif
static inline void vm_ram_write_bytes(uint8_t *dst, const void *src, size_t n)
{
#ifdef VM_TSAN
    for (size_t i = 0; i < n; i++)
        __atomic_store_n(&dst[i], ((const uint8_t *)src)[i], __ATOMIC_RELAXED);
#else
    memcpy(dst, src, n);
#endif
}

/* Little-endian helpers (the host is x86-64, little-endian; memcpy keeps
 * unaligned accesses defined). */
static inline uint64_t vm_ld_le(const void *p, unsigned size)
{
    switch (size) {
    case 1: return *(const uint8_t *)p;
    case 2: { uint16_t v; memcpy(&v, p, 2); return v; }
    case 4: { uint32_t v; memcpy(&v, p, 4); return v; }
    default: { uint64_t v; memcpy(&v, p, 8); return v; }
    }
}

static inline void vm_st_le(void *p, unsigned size, uint64_t v)
{
    switch (size) {
    case 1: *(uint8_t *)p = (uint8_t)v; break;
    case 2: { uint16_t x = (uint16_t)v; memcpy(p, &x, 2); break; }
    case 4: { uint32_t x = (uint32_t)v; memcpy(p, &x, 4); break; }
    default: memcpy(p, &v, 8); break;
    }
}

#endif
