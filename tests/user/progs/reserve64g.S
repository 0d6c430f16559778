/* A 64 GiB PROT_NONE reservation (as Go, V8 and sanitizers make), then its
 * first and last pages made read-write, written and read back, then all
 * unmapped. Exit 0 on success, else the failing step. */
#include "sys.h"
    .globl _start
_start:
    li a0, 0
    li a1, 1
    slli a1, a1, 36         /* 64 GiB */
    li a2, 0                /* PROT_NONE */
    li a3, 0x4022           /* MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE */
    li a4, -1
    li a5, 0
    SYSCALL(SYS_mmap)
    li t0, -4096
    bgeu a0, t0, fail1
    mv s0, a0
    li s1, 1
    slli s1, s1, 36
    add s2, s0, s1
    li t0, 4096
    sub s2, s2, t0          /* last page */
    mv a0, s0
    li a1, 4096
    li a2, 3                /* PROT_READ | PROT_WRITE */
    SYSCALL(SYS_mprotect)
    bnez a0, fail2
    mv a0, s2
    li a1, 4096
    li a2, 3
    SYSCALL(SYS_mprotect)
    bnez a0, fail2
    li t1, 0x1234567890
    sd t1, 8(s0)
    sd t1, 2040(s2)
    ld t2, 8(s0)
    bne t1, t2, fail3
    ld t2, 2040(s2)
    bne t1, t2, fail3
    mv a0, s0
    mv a1, s1
    SYSCALL(SYS_munmap)
    bnez a0, fail4
    li a0, 0
    SYSCALL(SYS_exit_group)
fail1: li a0, 1
    SYSCALL(SYS_exit_group)
fail2: li a0, 2
    SYSCALL(SYS_exit_group)
fail3: li a0, 3
    SYSCALL(SYS_exit_group)
fail4: li a0, 4
    SYSCALL(SYS_exit_group)
