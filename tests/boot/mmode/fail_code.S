/* A failed power-off with code 7: vm exits with status 7. */
#include "virt.h"
    .section .text.start
    .globl _start
_start:
    POWEROFF (SYSCON_FAIL | (7 << 16))
