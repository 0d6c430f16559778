/* Resets the machine at once, every boot: vm must see a reset loop (126). */
#include "virt.h"
    .section .text.start
    .globl _start
_start:
    POWEROFF SYSCON_RESET
