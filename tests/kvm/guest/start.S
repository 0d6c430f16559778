/* Entry of every tiny guest: rsp was set by the host. main's result goes
 * to the exit port, then the vCPU halts for good. */
#include "protocol.h"
    .section .text.start, "ax"
    .globl _start
_start:
    call main
    mov $EXIT_PORT, %dx
    outl %eax, %dx
1:  cli
    hlt
    jmp 1b
