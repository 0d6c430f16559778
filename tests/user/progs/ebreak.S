/* ebreak without a debugger: dies of SIGTRAP. */
#include "sys.h"
    .globl _start
_start:
    ebreak
    li a0, 0
    SYSCALL(SYS_exit_group)
