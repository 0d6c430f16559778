/* W^X code cache: shared memory mapped twice (see code_cache.h). */
#define _GNU_SOURCE
#include "riscv/jit/code_cache.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "vm/error.h"

int code_cache_init(struct code_cache *c, size_t size)
{
    memset(c, 0, sizeof(*c));
    /* Shared anonymous memory (shmem, like a memfd) mapped twice: mremap
     * with old size 0 makes a second view of the same pages. Unlike a
     * memfd, the kernel names it /dev/zero, which `perf` takes for
     * anonymous memory and so reads /tmp/perf-PID.map for its symbols.
     * Pages are committed only when written. */
    void *rw = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE,
                    -1, 0);
    if (rw == MAP_FAILED)
        return vm_error(VM_ENOMEM, "JIT code cache: cannot map %zu bytes: %s", size,
                        strerror(errno));
    void *rx = mremap(rw, 0, size, MREMAP_MAYMOVE);
    if (rx == MAP_FAILED || mprotect(rx, size, PROT_READ | PROT_EXEC) < 0) {
        int e = errno;
        if (rx != MAP_FAILED)
            munmap(rx, size);
        munmap(rw, size);
        return vm_error(VM_ENOMEM, "JIT code cache: cannot map %zu bytes twice: %s", size,
                        strerror(e));
    }
    c->rw = rw;
    c->rx = rx;
    c->size = size;
    return 0;
}

int code_cache_unshare(struct code_cache *c)
{
    void *n = mmap(NULL, c->size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE,
                   -1, 0);
    if (n == MAP_FAILED)
        return vm_error(VM_ENOMEM, "JIT code cache: cannot map %zu bytes: %s", c->size,
                        strerror(errno));
    memcpy(n, c->rw, c->reserved);
    /* a second view of the new pages replaces rx; the first one moves onto rw */
    if (mremap(n, 0, c->size, MREMAP_MAYMOVE | MREMAP_FIXED, c->rx) == MAP_FAILED ||
        mprotect(c->rx, c->size, PROT_READ | PROT_EXEC) < 0 ||
        mremap(n, c->size, c->size, MREMAP_MAYMOVE | MREMAP_FIXED, c->rw) == MAP_FAILED)
        return vm_error(VM_ENOMEM, "JIT code cache: cannot remap it: %s", strerror(errno));
    return 0;
}

void code_cache_fini(struct code_cache *c)
{
    if (c->rw)
        munmap(c->rw, c->size);
    if (c->rx)
        munmap(c->rx, c->size);
    memset(c, 0, sizeof(*c));
}
