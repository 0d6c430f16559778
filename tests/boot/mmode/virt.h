/* Addresses of the riscv-virt board for the M-mode test programs
 * (src/boards/riscv-virt/virt_layout.h has the same values). */
#define UART0 0x10000000
#define SYSCON 0x100000
#define CLINT_MSIP 0x2000000
#define CLINT_MTIMECMP 0x2004000
#define CLINT_MTIME 0x200bff8
#define SYSCON_PASS 0x5555
#define SYSCON_FAIL 0x3333
#define SYSCON_RESET 0x7777

/* PUTS label: print a NUL-terminated string on the UART (t0-t2). */
.macro PUTS label
    la t0, \label
    li t1, UART0
1:  lbu t2, 0(t0)
    beqz t2, 2f
    sb t2, 0(t1)
    addi t0, t0, 1
    j 1b
2:
.endm

/* POWEROFF value: write value to the syscon (t0, t1). */
.macro POWEROFF value
    li t0, SYSCON
    li t1, \value
    sw t1, 0(t0)
1:  j 1b
.endm
