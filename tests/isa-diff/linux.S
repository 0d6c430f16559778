/* Linux user-mode wrapper (qemu-riscv64): run the generated sequence, dump
 * the state with write(1, ...) and exit(0). No libc. */
  .text
  .globl _start
_start:
  la gp, scratch
#include SEQ_FILE
  j dump

#include "dump.S"

out_write:
  mv a2, a1
  mv a1, a0
  li a0, 1                               /* stdout */
  li a7, 64                              /* write */
  ecall
  ret

finish:
  li a0, 0
  li a7, 93                              /* exit */
  ecall
