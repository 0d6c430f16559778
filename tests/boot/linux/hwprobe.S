/* A static Linux riscv64 program (no libc) for the boot test: asks the
 * kernel's riscv_hwprobe (syscall 258) for RISCV_HWPROBE_KEY_IMA_EXT_0 (4)
 * over all CPUs and prints "HWPROBE-IMA-EXT-0=0x<16 hex digits>"; exits 1
 * if the call fails or the kernel does not know the key. */
  .option norelax          /* no gp-relative addressing: nothing sets gp */
  .text
  .globl _start
_start:
  la a0, pairs
  li a1, 1                /* one pair */
  li a2, 0                /* cpusetsize 0, cpus NULL: all online CPUs */
  li a3, 0
  li a4, 0                /* flags */
  li a7, 258
  ecall
  bnez a0, fail
  la t0, pairs
  ld t1, 0(t0)
  li t2, 4
  bne t1, t2, fail        /* key set to -1: unknown */
  ld t1, 8(t0)            /* the value */
  la t3, hex + 15
  li t4, 16
1:
  andi t5, t1, 15
  la t6, digits
  add t6, t6, t5
  lbu t6, 0(t6)
  sb t6, 0(t3)
  srli t1, t1, 4
  addi t3, t3, -1
  addi t4, t4, -1
  bnez t4, 1b
  li a0, 1
  la a1, msg
  la a2, msg_end
  sub a2, a2, a1
  li a7, 64               /* write */
  ecall
  li a0, 0
  j exit
fail:
  li a0, 1
exit:
  li a7, 93
  ecall

  .data
  .balign 8
pairs: .dword 4, 0
digits: .ascii "0123456789abcdef"
msg: .ascii "HWPROBE-IMA-EXT-0=0x"
hex: .ascii "0000000000000000\n"
msg_end:
