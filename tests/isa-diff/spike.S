/* Bare-metal wrapper for `vm run -M spike` (and QEMU's spike machine): the
 * same sequence and dump, output through HTIF, exit status 0. */
  .section .text.init, "ax"
  .globl _start
_start:
  li t0, 1 << 13                         /* mstatus.FS = Initial */
  csrs mstatus, t0
  la gp, scratch
#include SEQ_FILE
  j dump

#include "dump.S"

/* HTIF console: one byte per command, wait for the host to take it. */
out_write:
  la t1, tohost
  add a2, a0, a1
1:
  beq a0, a2, 3f
  lbu t0, 0(a0)
  li t2, 0x0101000000000000
  or t0, t0, t2
  sd t0, 0(t1)
2:
  ld t0, 0(t1)
  bnez t0, 2b
  la t0, fromhost
  sd zero, 0(t0)
  addi a0, a0, 1
  j 1b
3:
  ret

finish:
  li t0, 1
  la t1, tohost
  sd t0, 0(t1)
4:
  j 4b

#include "../common/htif_tohost.S"
