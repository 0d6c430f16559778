/* The HTIF mailbox of Spike-style bare-metal programs: vm, Spike and QEMU
 * find `tohost`/`fromhost` by symbol (each on its own 64-byte line, as
 * riscv-tests lays them out). Included by every start file that uses HTIF. */
  .section .tohost, "aw", @progbits
  .balign 64
  .globl tohost
tohost: .dword 0
  .size tohost, 8
  .balign 64
  .globl fromhost
fromhost: .dword 0
  .size fromhost, 8
