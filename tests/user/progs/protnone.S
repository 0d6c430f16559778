/* A load from inside a PROT_NONE reservation: dies of SIGSEGV. */
#include "sys.h"
    .globl _start
_start:
    li a0, 0
    li a1, 1
    slli a1, a1, 30         /* 1 GiB */
    li a2, 0
    li a3, 0x4022
    li a4, -1
    li a5, 0
    SYSCALL(SYS_mmap)
    li t0, 0x12345000
    add a0, a0, t0
    ld t1, 0(a0)
    li a0, 0
    SYSCALL(SYS_exit_group)
