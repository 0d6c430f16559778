/* An illegal instruction (all zeros): dies of SIGILL. */
#include "sys.h"
    .globl _start
_start:
    .word 0
    li a0, 0
    SYSCALL(SYS_exit_group)
