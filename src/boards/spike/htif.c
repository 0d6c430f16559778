/* HTIF requests, served when the guest writes tohost (the board learns of
 * it through the accelerator's RAM write watch). */
#include "boards/spike/htif.h"

#include <inttypes.h>

#include "vm/error.h"

#define HTIF_DEV_SYSCALL 0
#define HTIF_DEV_CONSOLE 1
#define HTIF_CONSOLE_PUTC 1
#define SYS_WRITE 64
#define SYS_EXIT 93
#define ENOSYS_RESULT ((uint64_t)-38)
#define EFAULT_RESULT ((uint64_t)-14)

static void respond(struct htif *h, uint64_t value)
{
    vm_mem_store(h->mem, h->tohost, 8, 0);
    if (h->has_fromhost)
        vm_mem_store(h->mem, h->fromhost, 8, value);
}

/* write(fd, buf, len) from guest memory: fd 1 and 2 go to the console. */
static uint64_t sys_write(struct htif *h, uint64_t fd, uint64_t buf, uint64_t len)
{
    FILE *f = fd == 2 ? stderr : h->out;
    if (fd != 1 && fd != 2)
        return (uint64_t)-9; /* EBADF */
    uint8_t chunk[4096];
    for (uint64_t done = 0; done < len;) {
        size_t n = len - done < sizeof(chunk) ? (size_t)(len - done) : sizeof(chunk);
        if (vm_mem_read(h->mem, buf + done, chunk, n, NULL) < 0)
            return done ? done : EFAULT_RESULT;
        fwrite(chunk, 1, n, f);
        done += n;
    }
    fflush(f);
    return len;
}

/* The riscv-tests syscall block: 8 words, [0] = number, [1..] = arguments,
 * the result replaces [0]. */
static int serve_syscall(struct htif *h, uint64_t addr, int *status)
{
    uint64_t mm[8];
    if (addr & 7 || vm_mem_read(h->mem, addr, mm, sizeof(mm), NULL) < 0) {
        fprintf(stderr, "vm: htif: syscall block at 0x%" PRIx64 " is not in guest RAM\n", addr);
        respond(h, 1);
        return HTIF_CONTINUE;
    }
    uint64_t result;
    switch (mm[0]) {
    case SYS_EXIT:
        *status = (int)mm[1];
        return HTIF_EXIT;
    case SYS_WRITE:
        result = sys_write(h, mm[1], mm[2], mm[3]);
        break;
    default:
        fprintf(stderr, "vm: htif: unsupported syscall %" PRIu64 "\n", mm[0]);
        result = ENOSYS_RESULT;
        break;
    }
    vm_mem_store(h->mem, addr, 8, result);
    respond(h, 1);
    return HTIF_CONTINUE;
}

int htif_serve(struct htif *h, int *status)
{
    uint64_t req;
    if (vm_mem_load(h->mem, h->tohost, 8, &req) < 0)
        return vm_error(VM_EFAULT, "htif: tohost at 0x%" PRIx64 " is not readable", h->tohost);
    if (req == 0)
        return HTIF_CONTINUE;
    unsigned dev = (unsigned)(req >> 56), cmd = (unsigned)(req >> 48) & 0xff;
    uint64_t payload = req & 0xffffffffffffULL;
    if (dev == HTIF_DEV_SYSCALL && cmd == 0) {
        if (payload & 1) {
            /* statuses that do not fit an int are failures all the same */
            uint64_t code = payload >> 1;
            *status = code > 0x7fffffff ? 0x7fffffff : (int)code;
            if (h->verbose)
                fprintf(stderr, "vm: htif: exit with code %" PRIu64 "\n", code);
            return HTIF_EXIT;
        }
        return serve_syscall(h, payload, status);
    }
    if (dev == HTIF_DEV_CONSOLE && cmd == HTIF_CONSOLE_PUTC) {
        fputc((int)(payload & 0xff), h->out);
        fflush(h->out);
        respond(h, (req & ~0xffffffffffffULL) | 0x100 | (payload & 0xff));
        return HTIF_CONTINUE;
    }
    if (dev == HTIF_DEV_CONSOLE && cmd == 0) {
        /* getchar: there is no input; the request stays unanswered */
        vm_mem_store(h->mem, h->tohost, 8, 0);
        return HTIF_CONTINUE;
    }
    fprintf(stderr, "vm: htif: unknown request 0x%016" PRIx64 " (device %u, command %u) ignored\n",
            req, dev, cmd);
    vm_mem_store(h->mem, h->tohost, 8, 0);
    return HTIF_CONTINUE;
}
