/* Stores to an unmapped address: dies of SIGSEGV. */
#include "sys.h"
    .globl _start
_start:
    li t0, 0x1000
    sd t0, 0(t0)
    li a0, 0
    SYSCALL(SYS_exit_group)
