/* mtvec points at nothing: the first trap faults again at the vector,
 * forever, without retiring an instruction. vm must stop with status 125. */
#include "virt.h"
    .section .text.start
    .globl _start
_start:
    csrw mtvec, zero
    unimp
