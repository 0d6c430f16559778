/* Entry, trap vector and privilege switches of the hostile storm guest
 * (storm.c). Each hart: a stack and a trap stack in .bss, mtvec = trap.
 * A trap from S/U mode (or any trap while storm_lower runs) ends that
 * attempt: the M-mode context saved by storm_lower is restored and it
 * returns the trap's mcause. */
#define STACK 16384
    .section .text.start
    .globl _start
_start:
    csrr t0, mhartid
    li t1, 8
    bgeu t0, t1, park
    la sp, stacks
    li t1, STACK
    addi t2, t0, 1
    mul t2, t2, t1
    add sp, sp, t2                 /* this hart's stack top */
    la t3, trap_stacks
    add t3, t3, t2
    csrw mscratch, t3              /* this hart's trap stack top */
    la t1, trap
    csrw mtvec, t1
    mv a0, t0
    /* a1: the device tree (from the boot ROM) */
    call storm_main
park:
    wfi
    j park

    .align 4
trap:
    csrrw sp, mscratch, sp
    addi sp, sp, -256
    sd ra, 0(sp)
    sd t0, 8(sp)
    sd t1, 16(sp)
    sd t2, 24(sp)
    sd a0, 32(sp)
    sd a1, 40(sp)
    sd a2, 48(sp)
    sd a3, 56(sp)
    sd a4, 64(sp)
    sd a5, 72(sp)
    sd a6, 80(sp)
    sd a7, 88(sp)
    sd t3, 96(sp)
    sd t4, 104(sp)
    sd t5, 112(sp)
    sd t6, 120(sp)
    sd gp, 128(sp)
    sd tp, 136(sp)
    mv a0, sp                      /* the frame: ra at 0 */
    call storm_trap                /* 0: resume; 1: abort the lower-mode attempt */
    bnez a0, abort_lower
    ld ra, 0(sp)
    ld t0, 8(sp)
    ld t1, 16(sp)
    ld t2, 24(sp)
    ld a0, 32(sp)
    ld a1, 40(sp)
    ld a2, 48(sp)
    ld a3, 56(sp)
    ld a4, 64(sp)
    ld a5, 72(sp)
    ld a6, 80(sp)
    ld a7, 88(sp)
    ld t3, 96(sp)
    ld t4, 104(sp)
    ld t5, 112(sp)
    ld t6, 120(sp)
    ld gp, 128(sp)
    ld tp, 136(sp)
    addi sp, sp, 256
    csrrw sp, mscratch, sp
    mret

/* Back to the M-mode context storm_lower saved (a1 = its save area),
 * with mscratch = the trap stack top again and the MMU off. */
abort_lower:
    addi sp, sp, 256
    csrw mscratch, sp
    csrr a0, mcause
    csrw satp, zero
    sfence.vma
    li t0, (3 << 11)               /* MPP = M */
    csrs mstatus, t0
    li t0, (1 << 17)               /* MPRV off */
    csrc mstatus, t0
    csrr t1, mhartid
    slli t1, t1, 7                 /* 128-byte save areas */
    la t2, lower_save
    add t2, t2, t1
    ld ra, 0(t2)
    ld sp, 8(t2)
    ld s0, 16(t2)
    ld s1, 24(t2)
    ld s2, 32(t2)
    ld s3, 40(t2)
    ld s4, 48(t2)
    ld s5, 56(t2)
    ld s6, 64(t2)
    ld s7, 72(t2)
    ld s8, 80(t2)
    ld s9, 88(t2)
    ld s10, 96(t2)
    ld s11, 104(t2)
    ld gp, 112(t2)
    ld tp, 120(t2)
    li t0, (1 << 3)                /* MIE back on */
    csrs mstatus, t0
    ret

/* unsigned long storm_lower(pc, mode, satp): run S (1) or U (0) mode code
 * at pc under satp until it traps; returns that trap's mcause. */
    .globl storm_lower
storm_lower:
    csrr t1, mhartid
    slli t1, t1, 7
    la t2, lower_save
    add t2, t2, t1
    sd ra, 0(t2)
    sd sp, 8(t2)
    sd s0, 16(t2)
    sd s1, 24(t2)
    sd s2, 32(t2)
    sd s3, 40(t2)
    sd s4, 48(t2)
    sd s5, 56(t2)
    sd s6, 64(t2)
    sd s7, 72(t2)
    sd s8, 80(t2)
    sd s9, 88(t2)
    sd s10, 96(t2)
    sd s11, 104(t2)
    sd gp, 112(t2)
    sd tp, 120(t2)
    csrw mepc, a0
    li t0, (3 << 11)
    csrc mstatus, t0
    slli a1, a1, 11
    csrs mstatus, a1               /* MPP = mode */
    li t0, (1 << 7)                /* MPIE: interrupts stay on below */
    csrs mstatus, t0
    csrw satp, a2
    sfence.vma
    li ra, 0
    li sp, 0
    li gp, 0
    li tp, 0
    li t0, 0
    li t1, 0
    li t2, 0
    li a0, 0
    li a1, 0
    li a2, 0
    mret

/* uint64_t storm_mprv(va, mode, store, value): one access with MPRV set
 * and MPP = mode (0 U, 1 S); a fault is skipped by the trap handler. */
    .globl storm_mprv
storm_mprv:
    li t0, (3 << 11)
    csrc mstatus, t0
    slli a1, a1, 11
    li t0, (1 << 17)
    or a1, a1, t0
    csrs mstatus, a1
    bnez a2, 1f
    ld a0, 0(a0)
    j 2f
1:  sd a3, 0(a0)
2:  li t0, (1 << 17)
    csrc mstatus, t0
    li t0, (3 << 11)
    csrs mstatus, t0
    ret

    .bss
    .align 12
stacks: .space STACK * 8
trap_stacks: .space STACK * 8
lower_save: .space 128 * 8
