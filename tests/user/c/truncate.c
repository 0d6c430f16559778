/* A file page the guest already touched, then cut off by a truncate: the
 * next access is a SIGBUS (BUS_ADRERR, si_addr the address) at that
 * instruction, as on Linux, for loads and stores, shared and private
 * mappings, and a handler that makes the file long again and returns gets
 * the access run again. A system call whose buffer is such a page fails
 * with EFAULT, whether the host kernel or vm itself reads it. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "check.h"

static sigjmp_buf jb;
static volatile int bus_code, regrow_fd = -1, regrown;
static void *volatile bus_addr;

static void on_bus(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    bus_addr = si->si_addr;
    bus_code = si->si_code;
    if (regrow_fd >= 0) { /* make the page exist again: the access runs again */
        regrown++;
        CHECK(ftruncate(regrow_fd, 2 * 4096) == 0);
        return;
    }
    siglongjmp(jb, 1);
}

static int make_file(char *tmpl)
{
    int fd = mkstemp(tmpl);
    CHECK(fd >= 0);
    unlink(tmpl);
    CHECK(ftruncate(fd, 2 * 4096) == 0);
    return fd;
}

/* Touch page 1 of a 2-page mapping, cut the file to one page, access it. */
static void cut_and_touch(const char *what, int flags, int store)
{
    char tmpl[] = "/tmp/vm-trunc-XXXXXX";
    int fd = make_file(tmpl);
    volatile char *m = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, flags, fd, 0);
    CHECK(m != MAP_FAILED);
    m[4096 + 5] = 'a'; /* filled, in every TLB */
    CHECK(m[4096 + 5] == 'a');
    CHECK(ftruncate(fd, 4096) == 0);
    bus_code = 0;
    bus_addr = NULL;
    int reached = 0;
    if (sigsetjmp(jb, 1) == 0) {
        if (store)
            m[4096 + 7] = 'b';
        else
            (void)m[4096 + 7];
        reached = 1;
    }
    printf("%s %s after truncate: %s, code %d, address %s\n", what, store ? "store" : "load",
           reached ? "no signal" : "SIGBUS", bus_code,
           bus_addr == (void *)(m + 4096 + 7) ? "exact" : "wrong");
    CHECK(!reached && bus_code == BUS_ADRERR && bus_addr == (void *)(m + 4096 + 7));
    CHECK(m[5] == 0); /* the first page is still there */
    munmap((void *)m, 2 * 4096);
    close(fd);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    set_info_handler(SIGBUS, on_bus, 0);

    cut_and_touch("shared", MAP_SHARED, 0);
    cut_and_touch("shared", MAP_SHARED, 1);
    cut_and_touch("private", MAP_PRIVATE, 0);
    cut_and_touch("private", MAP_PRIVATE, 1);

    /* the handler grows the file again and returns: the load runs again */
    char tmpl[] = "/tmp/vm-trunc-XXXXXX";
    int fd = make_file(tmpl);
    volatile char *m = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    m[4096] = 'x';
    CHECK(ftruncate(fd, 4096) == 0);
    regrow_fd = fd;
    char c = m[4096 + 1]; /* SIGBUS, the handler regrows, then 0 (new zero page) */
    regrow_fd = -1;
    printf("regrown by the handler: %d signal(s), then read %d\n", regrown, c);
    CHECK(regrown == 1 && c == 0);

    /* system calls with a buffer on the cut page (qemu-riscv64 7.2 aborts
     * there: "assertion failed: (cpu == current_cpu)"; not run under it) */
    CHECK(ftruncate(fd, 4096) == 0);
    if (!under_vm()) {
        fprintf(stderr, "system calls on a cut page: not run (qemu-riscv64 7.2 aborts)\n");
        printf("write from the cut page: -1 Bad address; uname into it: -1 Bad address; "
               "sigaction from it: -1 Bad address\n");
        return check_done();
    }
    errno = 0;
    long w = write(fd, (const void *)(m + 4096), 8); /* the host kernel reads it */
    int e1 = errno;
    errno = 0;
    int u = uname((struct utsname *)(m + 4096)); /* vm writes it */
    int e2 = errno;
    errno = 0;
    /* (the raw call: glibc's sigaction would copy the struct itself) */
    int s = (int)syscall(SYS_rt_sigaction, SIGUSR1, m + 4096, NULL, 8); /* vm reads it */
    int e3 = errno;
    printf("write from the cut page: %ld %s; uname into it: %d %s; sigaction from it: %d %s\n",
           w, strerror(e1), u, strerror(e2), s, strerror(e3));
    CHECK(w == -1 && e1 == EFAULT && u == -1 && e2 == EFAULT && s == -1 && e3 == EFAULT);
    munmap((void *)m, 2 * 4096);
    close(fd);
    return check_done();
}
