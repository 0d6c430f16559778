/* Code that a system call rewrites: the kernel (vm's host kernel, or vm's
 * own C code) writes new instructions over a page the program already ran,
 * and the next call must run the new ones, under the interpreter (decoded
 * code) and the JIT (translated code) alike. On a page mapped read, write
 * and execute the write is all there is (no mprotect tells anyone); also
 * the usual way (mprotect RW, write, mprotect RX). The writers: read(),
 * msgrcv (System V), getxattr and recvmsg. The program calls
 * __builtin___clear_cache after each write, as Linux requires; vm's
 * riscv_flush_icache does nothing, so the test sees what vm misses. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "check.h"

/* li a0, v; ret */
static void code_for(uint32_t out[2], int v)
{
    out[0] = 0x00000513u | ((uint32_t)v << 20);
    out[1] = 0x00008067u;
}

typedef int (*fn_t)(void);

/* Calls it enough times to be translated (or decoded) for sure. */
static int run(void *code)
{
    __builtin___clear_cache((char *)code, (char *)code + 8);
    int r = 0;
    for (int i = 0; i < 200; i++)
        r = ((fn_t)code)();
    return r;
}

static char tmpname[64];

static void by_read(char *code, int v)
{
    uint32_t insn[2];
    code_for(insn, v);
    int fd = open(tmpname, O_RDWR | O_CREAT | O_TRUNC, 0600);
    CHECK(fd >= 0 && write(fd, insn, 8) == 8 && lseek(fd, 0, SEEK_SET) == 0);
    CHECK(read(fd, code, 8) == 8);
    close(fd);
}

static void by_msgrcv(char *code, int v)
{
    struct { long type; uint32_t insn[2]; } m = {1, {0, 0}};
    code_for(m.insn, v);
    int q = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
    CHECK(q >= 0 && msgsnd(q, &m, 8, 0) == 0);
    /* {long mtype; mtext}: the instructions land at code */
    CHECK(msgrcv(q, code - 8, 8, 0, 0) == 8);
    CHECK(msgctl(q, IPC_RMID, NULL) == 0);
}

static int xattr_ok = 1;
static void by_getxattr(char *code, int v)
{
    uint32_t insn[2];
    code_for(insn, v);
    int fd = open(tmpname, O_RDWR | O_CREAT | O_TRUNC, 0600);
    close(fd);
    if (setxattr(tmpname, "user.code", insn, 8, 0) != 0) { /* the file system has none */
        fprintf(stderr, "no user xattrs here (%s): getxattr skipped\n", strerror(errno));
        xattr_ok = 0;
        return;
    }
    CHECK(getxattr(tmpname, "user.code", code, 8) == 8);
}

static void by_recvmsg(char *code, int v)
{
    uint32_t insn[2];
    code_for(insn, v);
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
    CHECK(send(sv[0], insn, 8, 0) == 8);
    struct iovec iov = {code, 8};
    struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
    CHECK(recvmsg(sv[1], &mh, 0) == 8);
    close(sv[0]);
    close(sv[1]);
}

int main(void)
{
    snprintf(tmpname, sizeof(tmpname), "codewrite-%d.tmp", (int)getpid());
    static void (*const writers[])(char *, int) = {by_read, by_msgrcv, by_getxattr, by_recvmsg};
    static const char *const names[] = {"read", "msgrcv", "getxattr", "recvmsg"};
    /* a page both writable and executable: the write is all the news */
    char *rwx = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(rwx != MAP_FAILED);
    char *code = rwx + 64; /* room for msgrcv's mtype before it */
    uint32_t insn[2];
    code_for(insn, 1);
    memcpy(code, insn, 8);
    CHECK(run(code) == 1);
    for (int w = 0; w < 4; w++) {
        int v = 10 + w;
        writers[w](code, v);
        if (w == 2 && !xattr_ok)
            continue;
        int got = run(code);
        printf("rwx page, %s: %d\n", names[w], got == v ? v : -got);
        CHECK(got == v);
    }
    /* the usual way: RW, the write, RX */
    char *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(page != MAP_FAILED);
    code = page + 64;
    code_for(insn, 2);
    memcpy(code, insn, 8);
    CHECK(mprotect(page, 4096, PROT_READ | PROT_EXEC) == 0);
    CHECK(run(code) == 2);
    for (int w = 0; w < 4; w++) {
        int v = 20 + w;
        CHECK(mprotect(page, 4096, PROT_READ | PROT_WRITE) == 0);
        writers[w](code, v);
        CHECK(mprotect(page, 4096, PROT_READ | PROT_EXEC) == 0);
        if (w == 2 && !xattr_ok)
            continue;
        int got = run(code);
        printf("rw then rx, %s: %d\n", names[w], got == v ? v : -got);
        CHECK(got == v);
    }
    unlink(tmpname);
    return check_done();
}
