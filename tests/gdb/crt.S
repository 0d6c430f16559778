/* Start-up of the debugger test program: hart 0 runs main() with a stack
 * and then exits, the other harts count in secondary_loop(). The exit is
 * Spike's HTIF (tohost) or, built with -DVIRT, the virt board's sifive
 * test finisher. */
  .section .text.init, "ax"
  .globl _start
_start:
  csrr t0, mhartid
  bnez t0, 2f
  la sp, stack_top
  call main
#ifdef VIRT
  li t0, 0x100000          /* sifive,test: 0x5555 = pass, code << 16 | 0x3333 = fail */
  beqz a0, 1f
  slli a0, a0, 16
  li t1, 0x3333
  or a0, a0, t1
  sw a0, 0(t0)
1:
  li t1, 0x5555
  sw t1, 0(t0)
#else
  slli a0, a0, 1
  ori a0, a0, 1
  la t0, tohost
  sd a0, 0(t0)
#endif
3:
  j 3b
2:
  la sp, stack2_top
  call secondary_loop
  j 3b

#include "../common/htif_tohost.S"

  .bss
  .balign 16
  .skip 16384
stack_top:
  .skip 16384
stack2_top:
