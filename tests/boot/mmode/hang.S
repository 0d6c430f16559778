/* Spins forever: only --timeout ends it (status 124). */
    .section .text.start
    .globl _start
_start:
    j _start
