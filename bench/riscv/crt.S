/* Start-up for the benchmarks: stack, FP on, main(), exit through HTIF
 * with main's return value. */
  .section .text.init, "ax"
  .globl _start
_start:
  la sp, stack_top
  li t0, 1 << 13                  /* mstatus.FS = Initial */
  csrs mstatus, t0
  fscsr zero
  call main
  slli a0, a0, 1
  ori a0, a0, 1
  la t0, tohost
  sd a0, 0(t0)
1:
  j 1b

#include "../../tests/common/htif_tohost.S"

  .bss
  .balign 16
  .skip 65536
stack_top:
