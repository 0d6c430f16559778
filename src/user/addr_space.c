/* The guest's address space: one host reservation holding guest addresses
 * [0, size) at host + addr, the list of mappings (as /proc/self/maps), and
 * the Sv48 page tables the hart translates through, filled on demand
 * (docs/USER.md says why this shape). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "core/populate.h"
#include "user/user_internal.h"
#include "vm/error.h"
#include "vm/mem.h"

#define PTE_V 1ULL
#define PTE_R 2ULL
#define PTE_W 4ULL
#define PTE_X 8ULL
#define PTE_U 16ULL
#define PTE_A 64ULL
#define PTE_D 128ULL

/* Under AddressSanitizer every host mmap of the range clears its shadow
 * (an eighth of it): a smaller space keeps tests quick there. */
#if defined(__SANITIZE_ADDRESS__)
#define USER_MAX_SPACE (1ULL << 37)
#else
#define USER_MAX_SPACE (1ULL << 42)
#endif
#define MIN_ADDR 0x10000ULL            /* Linux's mmap_min_addr */
#define PT_REGION (1ULL << 30)         /* page-table pages: enough for 512 GiB touched */
#define FILL_PAGES 16                  /* PTEs filled per fault, around the address */
#define PT_CHUNK (16 * USER_PAGE)      /* page-table pages made present at once */

/* Make the page-table pages [off, off + PT_CHUNK) present in one system
 * call: each is read (a zero-page fault) and then written (another) as it
 * joins the tables otherwise. */
static void pt_populate(struct user_as *as, uint64_t off)
{
    if (off + PT_CHUNK <= as->pt_size)
        vm_populate(as->pt_host + off, PT_CHUNK);
}

int user_as_init(struct user_as *as, struct vm_mem *mem)
{
    memset(as, 0, sizeof(*as));
    as->mem = mem;
    pthread_mutexattr_t ma;
    pthread_mutexattr_init(&ma);
    pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&as->lock, &ma);
    pthread_mutexattr_destroy(&ma);
    /* As large as the host gives (the address space of Sv48 user mode is
     * 128 TiB; a few TiB of reservation costs nothing but page tables). */
    uint64_t size;
    for (size = USER_MAX_SPACE; size >= 1ULL << 36; size >>= 1)
        if (vm_mem_add_ram(mem, 0, size, "user") == 0)
            break;
    if (size < 1ULL << 36)
        return vm_error(VM_ENOMEM, "user: cannot reserve 64 GiB of host address space");
    as->size = size;
    as->host = vm_mem_ram_ptr(mem, 0, size);
    /* Nothing is mapped yet: make the host fault on every byte too. */
    if (mmap(as->host, size, PROT_NONE, MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
             -1, 0) == MAP_FAILED)
        return vm_error(VM_ENOMEM, "user: cannot reserve the guest's address space");
    as->pt_base = size;
    as->pt_size = PT_REGION;
    int rc = vm_mem_add_ram(mem, as->pt_base, as->pt_size, "user-page-tables");
    if (rc < 0)
        return rc;
    as->pt_host = vm_mem_ram_ptr(mem, as->pt_base, as->pt_size);
    /* Small pages: a short-lived process uses a few dozen table pages, and
     * a transparent huge page would be 2 MiB zeroed at its first write. */
    madvise(as->pt_host, as->pt_size, MADV_NOHUGEPAGE);
    as->root = as->pt_base;
    as->pt_used = USER_PAGE;
    pt_populate(as, 0);
    as->mmap_top = size - (1ULL << 30); /* the stack and its gap live above */
    as->code_lo = ~0ULL;
    as->flat = (struct vm_riscv_flat){.base = as->host, .size = size, .stores = true};
    return 0;
}

void user_as_lock(struct user_as *as)
{
    pthread_mutex_lock(&as->lock);
}

void user_as_unlock(struct user_as *as)
{
    pthread_mutex_unlock(&as->lock);
}

/* A second record of a mapping (a split, a move): its own name, the same
 * file. */
static struct user_vma vma_copy(const struct user_vma *v)
{
    struct user_vma c = *v;
    c.name = v->name ? strdup(v->name) : NULL;
    if (c.file)
        c.file->refs++;
    return c;
}

static void vma_release(struct user_vma *v)
{
    free(v->name);
    if (v->file && --v->file->refs == 0) {
        close(v->file->fd);
        free(v->file);
    }
}

void user_as_fini(struct user_as *as)
{
    for (unsigned i = 0; i < as->nvma; i++)
        vma_release(&as->vma[i]);
    free(as->vma);
    as->vma = NULL;
    as->nvma = as->cap = 0;
}

uint64_t user_as_satp(const struct user_as *as)
{
    return (9ULL << 60) | (as->root >> 12); /* Sv48, ASID 0 */
}

void *user_g2h(const struct user_as *as, uint64_t addr, uint64_t len)
{
    if (addr > as->size || len > as->size - addr)
        return NULL;
    return as->host + addr;
}

void *user_gp(const struct user_as *as, uint64_t addr, uint64_t len)
{
    if (addr == 0)
        return NULL;
    void *h = user_g2h(as, addr, len);
    return h ? h : (void *)-4096L;
}

/* ---- page tables ---------------------------------------------------------------- */

static uint64_t *pt_ptr(const struct user_as *as, uint64_t pa)
{
    return (uint64_t *)(as->pt_host + (pa - as->pt_base));
}

/* The leaf PTE of va, creating the tables on the way if alloc. */
static uint64_t *pte_slot(struct user_as *as, uint64_t va, bool alloc)
{
    uint64_t table = as->root;
    for (int level = 3; level > 0; level--) {
        uint64_t *e = pt_ptr(as, table) + ((va >> (12 + 9 * level)) & 511);
        if (!(*e & PTE_V)) {
            if (!alloc || as->pt_used + USER_PAGE > as->pt_size)
                return NULL;
            uint64_t t = as->pt_base + as->pt_used; /* fresh pages are zero */
            if (as->pt_used % PT_CHUNK == 0)
                pt_populate(as, as->pt_used);
            as->pt_used += USER_PAGE;
            *e = (t >> 12) << 10 | PTE_V;
        }
        table = (*e >> 10) << 12;
    }
    return pt_ptr(as, table) + ((va >> 12) & 511);
}

/* Drop the PTEs of [a, b), skipping absent tables whole. */
static void pte_clear(struct user_as *as, uint64_t a, uint64_t b)
{
    bool any = false;
    while (a < b) {
        uint64_t table = as->root;
        for (int level = 3;; level--) {
            uint64_t *e = pt_ptr(as, table) + ((a >> (12 + 9 * level)) & 511);
            if (!(*e & PTE_V)) {
                uint64_t span = 1ULL << (12 + 9 * level);
                a = (a & ~(span - 1)) + span;
                break;
            }
            if (level == 0) {
                *e = 0;
                any = true;
                a += USER_PAGE;
                break;
            }
            table = (*e >> 10) << 12;
        }
    }
    if (any)
        as->flush = true;
}

static uint64_t pte_bits(int prot)
{
    uint64_t b = PTE_V | PTE_U | PTE_A | PTE_D;
    if (prot & (USER_PROT_R | USER_PROT_W)) /* W alone is reserved: Linux gives RW */
        b |= PTE_R;
    if (prot & USER_PROT_W)
        b |= PTE_W;
    if (prot & USER_PROT_X)
        b |= PTE_X;
    return b;
}

/* ---- the mapping list ------------------------------------------------------------- */

/* Index of the first mapping whose end is above addr. */
static unsigned vma_index(const struct user_as *as, uint64_t addr)
{
    unsigned lo = 0, hi = as->nvma;
    while (lo < hi) {
        unsigned mid = (lo + hi) / 2;
        if (as->vma[mid].end <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

bool user_as_owns_fd(struct user_as *as, int fd)
{
    bool r = false;
    if (fd < 512)
        return false;
    user_as_lock(as);
    for (unsigned i = 0; i < as->nvma && !r; i++)
        r = as->vma[i].file && as->vma[i].file->fd == fd;
    user_as_unlock(as);
    return r;
}

const struct user_vma *user_as_find(const struct user_as *as, uint64_t addr)
{
    unsigned i = vma_index(as, addr);
    return i < as->nvma && as->vma[i].start <= addr ? &as->vma[i] : NULL;
}

static int vma_insert_at(struct user_as *as, unsigned i, const struct user_vma *v)
{
    if (as->nvma == as->cap) {
        unsigned cap = as->cap ? as->cap * 2 : 64;
        struct user_vma *n = realloc(as->vma, cap * sizeof(*n));
        if (!n)
            return -ENOMEM;
        as->vma = n;
        as->cap = cap;
    }
    memmove(&as->vma[i + 1], &as->vma[i], (as->nvma - i) * sizeof(*v));
    as->vma[i] = *v;
    as->nvma++;
    return 0;
}

/* Make addr a boundary between mappings. */
static int vma_split(struct user_as *as, uint64_t addr)
{
    unsigned i = vma_index(as, addr);
    if (i == as->nvma || as->vma[i].start >= addr)
        return 0;
    struct user_vma hi = vma_copy(&as->vma[i]);
    hi.offset += addr - hi.start;
    hi.start = addr;
    as->vma[i].end = addr;
    int rc = vma_insert_at(as, i + 1, &hi);
    if (rc < 0)
        vma_release(&hi);
    return rc;
}

static int vma_remove(struct user_as *as, uint64_t a, uint64_t b)
{
    int rc = vma_split(as, a);
    if (rc == 0)
        rc = vma_split(as, b);
    if (rc < 0)
        return rc;
    unsigned i = vma_index(as, a), j = i;
    while (j < as->nvma && as->vma[j].end <= b)
        vma_release(&as->vma[j++]);
    if (j > i) {
        memmove(&as->vma[i], &as->vma[j], (as->nvma - j) * sizeof(as->vma[0]));
        as->nvma -= j - i;
    }
    return 0;
}

static bool vma_mergeable(const struct user_vma *a, const struct user_vma *b)
{
    return a->end == b->start && a->prot == b->prot && a->shared == b->shared && !a->ino &&
           !b->ino && !a->shm && !b->shm && ((!a->name && !b->name) || (a->name && b->name && !strcmp(a->name, b->name)));
}

/* Merge anonymous neighbours alike (a growing heap stays one line). */
static void vma_merge_around(struct user_as *as, unsigned i)
{
    if (i + 1 < as->nvma && vma_mergeable(&as->vma[i], &as->vma[i + 1])) {
        as->vma[i].end = as->vma[i + 1].end;
        vma_release(&as->vma[i + 1]);
        memmove(&as->vma[i + 1], &as->vma[i + 2], (as->nvma - i - 2) * sizeof(as->vma[0]));
        as->nvma--;
    }
    if (i > 0 && vma_mergeable(&as->vma[i - 1], &as->vma[i])) {
        as->vma[i - 1].end = as->vma[i].end;
        vma_release(&as->vma[i]);
        memmove(&as->vma[i], &as->vma[i + 1], (as->nvma - i - 1) * sizeof(as->vma[0]));
        as->nvma--;
    }
}

bool user_as_check(struct user_as *as, uint64_t addr, uint64_t len, int prot)
{
    if (addr > as->size || len > as->size - addr)
        return false;
    uint64_t end = addr + len;
    bool ok = true;
    user_as_lock(as);
    unsigned i = vma_index(as, addr);
    while (addr < end) {
        if (i == as->nvma || as->vma[i].start > addr || (as->vma[i].prot & prot) != prot) {
            ok = false;
            break;
        }
        addr = as->vma[i++].end;
    }
    user_as_unlock(as);
    return ok;
}

/* ---- changes ------------------------------------------------------------------------ */

static int host_prot(int prot)
{
    /* The host never runs guest bytes; it reads them to fetch. */
    int p = prot & (PROT_READ | PROT_WRITE);
    if (prot & (USER_PROT_X | USER_PROT_W))
        p |= PROT_READ;
    return p;
}

void user_as_written(struct user_as *as, uint64_t addr, uint64_t len)
{
    uint64_t end = addr + len;
    if (addr < as->code_lo)
        addr = as->code_lo;
    if (end > as->code_hi)
        end = as->code_hi;
    if (addr < end)
        vm_mem_notify_write(as->mem, addr, end - addr);
}

static void note_code(struct user_as *as, uint64_t a, uint64_t b, int prot)
{
    if (!(prot & USER_PROT_X))
        return;
    if (a < as->code_lo)
        as->code_lo = a;
    if (b > as->code_hi)
        as->code_hi = b;
}

/* What translated code may access directly (docs/JIT.md): execute-only
 * memory is readable on the host (the hart fetches from it) but not by the
 * guest, so it turns direct access off; writable and executable memory
 * would let a direct store rewrite code unseen, so it turns direct stores
 * off. For good, before the host side changes, in every hart (the
 * shootdown makes them leave translated code; they look again on the way
 * back in and translate anew). */
static void flat_check(struct user_as *as, int prot)
{
    bool x_only = (prot & (USER_PROT_R | USER_PROT_W | USER_PROT_X)) == USER_PROT_X;
    bool wx = (prot & (USER_PROT_W | USER_PROT_X)) == (USER_PROT_W | USER_PROT_X);
    if (x_only && as->flat.size)
        __atomic_store_n(&as->flat.size, 0, __ATOMIC_RELEASE);
    else if (wx && as->flat.stores)
        __atomic_store_n(&as->flat.stores, false, __ATOMIC_RELEASE);
    else
        return;
    if (as->shootdown)
        as->shootdown(as->opaque);
}

/* The host side and the PTEs of a range that stops being what it was. */
static void drop_range(struct user_as *as, uint64_t a, uint64_t b)
{
    pte_clear(as, a, b);
    if (as->flush && as->shootdown)
        as->shootdown(as->opaque); /* no hart may still reach the old pages */
    as->flush = false;
    user_as_written(as, a, b - a); /* code translated from it is stale */
}

/* What a new mapping's host pages are: a file at an offset, anonymous
 * memory (fd < 0), or a System V segment (shmid >= 0). */
struct host_src {
    int fd;
    uint64_t offset;
    int shmid, shmflg;
};

/* user_as_map and user_as_shmat: the host side of [addr, addr+len) becomes
 * src, then the books say so. */
static int map_range(struct user_as *as, uint64_t addr, uint64_t len, int prot, bool shared,
                     const struct host_src *src, const char *name)
{
    if ((addr | len) & USER_PAGE_MASK || len == 0 || addr < MIN_ADDR || !user_g2h(as, addr, len))
        return -EINVAL;
    int fd = src->fd;
    struct user_vma v = {.start = addr, .end = addr + len, .prot = prot, .shared = shared,
                         .offset = src->offset};
    flat_check(as, prot);
    drop_range(as, addr, addr + len);
    if (src->shmid >= 0) {
        /* SHM_REMAP replaces the reservation's pages; on a failure (the
         * segment's permissions) nothing changed: PTEs refill from the books */
        if (shmat(src->shmid, as->host + addr, (src->shmflg & SHM_RDONLY) | SHM_REMAP) ==
            (void *)-1)
            return -errno;
        v.shm = true;
        v.shmid = src->shmid;
        v.shm_size = len;
    } else if (mmap(as->host + addr, len, host_prot(prot),
                    MAP_FIXED | (shared ? MAP_SHARED : MAP_PRIVATE) |
                        (fd < 0 ? MAP_ANONYMOUS | MAP_NORESERVE : 0),
                    fd, fd < 0 ? 0 : (off_t)src->offset) == MAP_FAILED) {
        int e = errno;
        /* what was there is gone either way on Linux: keep the books true */
        mmap(as->host + addr, len, PROT_NONE,
             MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        vma_remove(as, addr, addr + len);
        return -e;
    }
    int rc = vma_remove(as, addr, addr + len);
    if (rc < 0)
        return rc;
    if (fd >= 0) {
        struct stat st;
        char link[64], path[4096];
        if (fstat(fd, &st) == 0) {
            v.dev = st.st_dev;
            v.ino = st.st_ino;
        }
        /* kept to tell the file's end at faults (the name may go: unlink);
         * high, out of the way of the guest's own numbers */
        int keep = fcntl(fd, F_DUPFD_CLOEXEC, 512);
        if (keep >= 0 && !(v.file = malloc(sizeof(*v.file))))
            close(keep);
        else if (keep >= 0)
            *v.file = (struct user_file){.fd = keep, .refs = 1};
        snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
        ssize_t n = readlink(link, path, sizeof(path) - 1);
        if (n > 0) {
            path[n] = '\0';
            v.name = strdup(path);
        }
    } else if (name) {
        v.name = strdup(name);
    }
    note_code(as, addr, addr + len, prot);
    unsigned i = vma_index(as, addr);
    if ((rc = vma_insert_at(as, i, &v)) < 0) {
        vma_release(&v);
        return rc;
    }
    vma_merge_around(as, i);
    return 0;
}

int user_as_map(struct user_as *as, uint64_t addr, uint64_t len, int prot, bool shared, int fd,
                uint64_t offset, const char *name)
{
    struct host_src src = {.fd = fd, .offset = offset, .shmid = -1};
    return map_range(as, addr, len, prot, shared, &src, name);
}

int user_as_shmat(struct user_as *as, uint64_t addr, uint64_t len, int prot, int shmid,
                  int shmflg, const char *name)
{
    struct host_src src = {.fd = -1, .shmid = shmid, .shmflg = shmflg};
    return map_range(as, addr, len, prot, true, &src, name);
}

int user_as_shmdt(struct user_as *as, uint64_t addr)
{
    /* Linux's shmdt: the first piece of a segment at its attach offset from
     * addr, then every piece of the same segment so placed within its size */
    if (addr & USER_PAGE_MASK)
        return -EINVAL;
    unsigned i = vma_index(as, addr);
    while (i < as->nvma && !(as->vma[i].shm && as->vma[i].start >= addr &&
                             as->vma[i].start - addr == as->vma[i].offset))
        i++;
    if (i == as->nvma)
        return -EINVAL;
    int id = as->vma[i].shmid;
    uint64_t end = addr + as->vma[i].shm_size;
    while (i < as->nvma && as->vma[i].end <= end) {
        const struct user_vma *v = &as->vma[i];
        if (v->shm && v->shmid == id && v->start - addr == v->offset) {
            uint64_t next = v->end;
            int rc = user_as_unmap(as, v->start, v->end - v->start); /* the host detaches */
            if (rc < 0)
                return rc;
            i = vma_index(as, next);
        } else {
            i++;
        }
    }
    return 0;
}

uint64_t user_as_find_free(const struct user_as *as, uint64_t hint, uint64_t len)
{
    len = USER_ALIGN_UP(len);
    if (len == 0 || len > as->size)
        return 0;
    hint = USER_ALIGN_DOWN(hint);
    if (hint >= MIN_ADDR && user_g2h(as, hint, len)) {
        unsigned i = vma_index(as, hint);
        if (i == as->nvma || as->vma[i].start >= hint + len)
            return hint;
    }
    uint64_t top = as->mmap_top;
    for (unsigned k = as->nvma + 1; k-- > 0;) {
        uint64_t lo = k ? as->vma[k - 1].end : MIN_ADDR;
        uint64_t hi = k < as->nvma ? as->vma[k].start : as->size;
        if (hi > top)
            hi = top;
        if (hi > lo && hi - lo >= len)
            return hi - len;
    }
    return 0;
}

int user_as_unmap(struct user_as *as, uint64_t addr, uint64_t len)
{
    len = USER_ALIGN_UP(len);
    if (addr & USER_PAGE_MASK || len == 0 || !user_g2h(as, addr, len))
        return -EINVAL;
    drop_range(as, addr, addr + len);
    if (mmap(as->host + addr, len, PROT_NONE,
             MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0) == MAP_FAILED)
        return -errno;
    return vma_remove(as, addr, addr + len);
}

int user_as_protect(struct user_as *as, uint64_t addr, uint64_t len, int prot)
{
    len = USER_ALIGN_UP(len);
    if (addr & USER_PAGE_MASK || !user_g2h(as, addr, len))
        return -EINVAL;
    if (len == 0)
        return 0;
    if (!user_as_check(as, addr, len, 0))
        return -ENOMEM; /* Linux: a hole in the range */
    flat_check(as, prot);
    pte_clear(as, addr, addr + len); /* refilled with the new rights on demand */
    if (as->flush && as->shootdown)
        as->shootdown(as->opaque);
    as->flush = false;
    if (prot & USER_PROT_X) /* direct stores may have changed it since it was code */
        user_as_written(as, addr, len);
    if (mprotect(as->host + addr, len, host_prot(prot)) < 0)
        return -errno;
    int rc = vma_split(as, addr);
    if (rc == 0)
        rc = vma_split(as, addr + len);
    if (rc < 0)
        return rc;
    for (unsigned i = vma_index(as, addr); i < as->nvma && as->vma[i].start < addr + len; i++)
        as->vma[i].prot = prot;
    note_code(as, addr, addr + len, prot);
    return 0;
}

int64_t user_as_remap(struct user_as *as, uint64_t old, uint64_t old_len, uint64_t new_len,
                      int flags, uint64_t new_addr)
{
    enum { MAYMOVE = 1, FIXED = 2 };
    old_len = USER_ALIGN_UP(old_len);
    new_len = USER_ALIGN_UP(new_len);
    if (old & USER_PAGE_MASK || new_len == 0 || (flags & ~(MAYMOVE | FIXED)) ||
        ((flags & FIXED) && !(flags & MAYMOVE)))
        return -EINVAL;
    if (old_len == 0 || !user_as_check(as, old, old_len, 0))
        return -EFAULT;
    const struct user_vma *v = user_as_find(as, old);
    if (v->end < old + old_len)
        return -EFAULT; /* Linux: the old range must be one mapping */
    if (v->shm && new_len > old_len)
        return -ENOMEM; /* past the segment's end: not done (Linux grows it, to SIGBUS there) */
    if (!(flags & FIXED)) {
        if (new_len <= old_len) {
            if (new_len < old_len)
                user_as_unmap(as, old + new_len, old_len - new_len);
            return (int64_t)old;
        }
        uint64_t tail = old + old_len, grow = new_len - old_len;
        unsigned i = vma_index(as, tail);
        if (user_g2h(as, tail, grow) && (i == as->nvma || as->vma[i].start >= tail + grow)) {
            struct user_vma cur = *v;
            int fd = -1;
            if (cur.ino && cur.file)
                fd = dup(cur.file->fd); /* user_as_map may drop cur's record */
            else if (cur.ino && cur.name)
                fd = open(cur.name, cur.prot & USER_PROT_W && cur.shared ? O_RDWR : O_RDONLY);
            int rc = user_as_map(as, tail, grow, cur.prot, cur.shared, cur.ino ? fd : -1,
                                 cur.offset + (tail - cur.start), NULL);
            if (fd >= 0)
                close(fd);
            if (rc == 0 || !(flags & MAYMOVE))
                return rc < 0 ? -ENOMEM : (int64_t)old;
        } else if (!(flags & MAYMOVE)) {
            return -ENOMEM;
        }
        new_addr = user_as_find_free(as, 0, new_len);
        if (!new_addr)
            return -ENOMEM;
    } else {
        if (new_addr & USER_PAGE_MASK || new_addr < MIN_ADDR || !user_g2h(as, new_addr, new_len) ||
            (new_addr < old + old_len && old < new_addr + new_len))
            return -EINVAL;
        user_as_unmap(as, new_addr, new_len);
    }
    /* Move: the host moves the pages (anonymous or file-backed alike). */
    struct user_vma moved = vma_copy(v);
    drop_range(as, old, old + old_len);
    void *r = mremap(as->host + old, old_len, new_len, MREMAP_MAYMOVE | MREMAP_FIXED,
                     as->host + new_addr);
    if (r == MAP_FAILED) {
        int e = errno;
        vma_release(&moved);
        return -e;
    }
    mmap(as->host + old, old_len, PROT_NONE,
         MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    moved.offset += old - moved.start;
    moved.start = new_addr;
    moved.end = new_addr + new_len;
    vma_remove(as, old, old + old_len);
    note_code(as, new_addr, new_addr + new_len, moved.prot);
    unsigned i = vma_index(as, new_addr);
    if (vma_insert_at(as, i, &moved) < 0) {
        vma_release(&moved);
        return -ENOMEM;
    }
    return (int64_t)new_addr;
}

/* The end of the part of file mapping v that its file backs now: a page
 * wholly past the end of the file is a SIGBUS on Linux (and on the host,
 * where it would kill vm). v->end if that cannot be told (vm's descriptor
 * of the file was closed by the guest). */
static uint64_t file_backed_end(const struct user_vma *v)
{
    struct stat st;
    if (!v->file || fstat(v->file->fd, &st) != 0 || st.st_ino != v->ino || st.st_dev != v->dev)
        return v->end;
    uint64_t size = USER_ALIGN_UP((uint64_t)st.st_size);
    if (size <= v->offset)
        return v->start;
    return size - v->offset < v->end - v->start ? v->start + (size - v->offset) : v->end;
}

/* A fault below the stack grows it down to the page, as Linux's
 * VM_GROWSDOWN: within RLIMIT_STACK (the host's, which the guest's
 * getrlimit/setrlimit reach), above the mmap area, and keeping Linux's
 * guard gap (256 pages) from the mapping below. */
#define STACK_GUARD_GAP (256 * USER_PAGE)
static const struct user_vma *grow_stack(struct user_as *as, uint64_t addr)
{
    unsigned i = vma_index(as, addr);
    if (i == as->nvma || addr < as->mmap_top || !as->vma[i].name ||
        strcmp(as->vma[i].name, "[stack]") != 0)
        return NULL;
    uint64_t lo = USER_ALIGN_DOWN(addr), end = as->vma[i].start;
    struct rlimit rl;
    if (getrlimit(RLIMIT_STACK, &rl) != 0 ||
        (rl.rlim_cur != RLIM_INFINITY && as->vma[i].end - lo > rl.rlim_cur))
        return NULL;
    if (i > 0 && as->vma[i - 1].end + STACK_GUARD_GAP > lo)
        return NULL;
    if (user_as_map(as, lo, end - lo, as->vma[i].prot, false, -1, 0, "[stack]") < 0)
        return NULL;
    return user_as_find(as, addr);
}

int user_as_fault(struct user_as *as, uint64_t addr, int kind)
{
    const struct user_vma *v = user_as_find(as, addr);
    static const int need[3] = {USER_PROT_X, USER_PROT_R, USER_PROT_W};
    if (!v)
        v = grow_stack(as, addr);
    if (!v)
        return 0;
    int have = v->prot & USER_PROT_W ? v->prot | USER_PROT_R : v->prot;
    if (!(have & need[kind]))
        return 0;
    uint64_t fend = v->ino ? file_backed_end(v) : v->end;
    if (addr >= fend)
        return -1;
    uint64_t bits = pte_bits(v->prot);
    uint64_t *e = pte_slot(as, addr, true);
    if (!e)
        return 0; /* no table space */
    if (*e == (bits | ((addr >> 12) << 10)))
        return 2; /* filled already: by another thread after this one's walk */
    /* A few pages around it at once (sequential code and data). */
    uint64_t lo = USER_ALIGN_DOWN(addr) & ~(FILL_PAGES * USER_PAGE - 1);
    uint64_t hi = lo + FILL_PAGES * USER_PAGE;
    if (lo < v->start)
        lo = v->start;
    if (hi > fend)
        hi = fend;
    for (uint64_t a = lo; a < hi; a += USER_PAGE) {
        uint64_t *s = pte_slot(as, a, true);
        if (s)
            *s = bits | ((a >> 12) << 10); /* guest physical = guest virtual */
    }
    return 1;
}

char *user_as_maps_text(const struct user_as *as)
{
    size_t cap = 256 + (size_t)as->nvma * 160, len = 0;
    char *buf = malloc(cap);
    if (!buf)
        return NULL;
    buf[0] = '\0';
    for (unsigned i = 0; i < as->nvma; i++) {
        const struct user_vma *v = &as->vma[i];
        int n = snprintf(buf + len, cap - len, "%08llx-%08llx %c%c%c%c %08llx %02x:%02x %llu",
                         (unsigned long long)v->start, (unsigned long long)v->end,
                         v->prot & USER_PROT_R ? 'r' : '-', v->prot & USER_PROT_W ? 'w' : '-',
                         v->prot & USER_PROT_X ? 'x' : '-', v->shared ? 's' : 'p',
                         (unsigned long long)v->offset, (unsigned)major(v->dev),
                         (unsigned)minor(v->dev),
                         (unsigned long long)(v->shm ? (uint64_t)v->shmid : v->ino));
        if (n < 0 || (size_t)n >= cap - len)
            break;
        len += (size_t)n;
        if (v->name) {
            n = snprintf(buf + len, cap - len, " %s", v->name);
            if (n < 0 || (size_t)n >= cap - len)
                break;
            len += (size_t)n;
        }
        if (len + 2 < cap) {
            buf[len++] = '\n';
            buf[len] = '\0';
        }
    }
    return buf;
}
