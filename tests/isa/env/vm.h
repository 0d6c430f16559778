/* Page-table helpers for the paging tests (Sv39/Sv48, built at run time).
 *
 * Include after test.h and invoke PT_CODE once (it emits pt_map and the
 * table pool). Tables come from a zeroed pool of 4 KiB pages; the first page
 * of the pool is the root table (pt_root).
 *
 *   pt_map: a1 = va, a2 = pa, a3 = PTE flags, a4 = leaf level (0 = 4 KiB,
 *   1 = 2 MiB, 2 = 1 GiB, 3 = 512 GiB), a5 = number of levels (3 = Sv39,
 *   4 = Sv48). Missing intermediate tables are allocated. Returns a0 = the
 *   address of the leaf PTE. Clobbers t0-t3, a0, a6, a7.
 */
#ifndef VM_ISA_VM_H
#define VM_ISA_VM_H

#define PTE_V (1 << 0)
#define PTE_R (1 << 1)
#define PTE_W (1 << 2)
#define PTE_X (1 << 3)
#define PTE_U (1 << 4)
#define PTE_G (1 << 5)
#define PTE_A (1 << 6)
#define PTE_D (1 << 7)
#define PTE_RWX (PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)

#define SATP_SV39 (8 << 60)
#define SATP_SV48 (9 << 60)

#define PT_POOL_PAGES 32

.macro PT_CODE
  .text
pt_map:
  la t0, pt_root
  addi t1, a5, -1                      /* current level */
1:
  li t2, 9
  mul t2, t2, t1
  addi t2, t2, 12
  srl t3, a1, t2
  andi t3, t3, 0x1ff
  slli t3, t3, 3
  add t3, t0, t3                       /* &table[vpn[level]] */
  beq t1, a4, 3f
  ld t2, 0(t3)
  andi a6, t2, PTE_V
  bnez a6, 2f
  la a6, pt_next                       /* allocate a table */
  ld a7, 0(a6)
  li t2, 4096
  add t2, a7, t2
  sd t2, 0(a6)
  srli t2, a7, 12
  slli t2, t2, 10
  ori t2, t2, PTE_V                    /* pointer: V only */
  sd t2, 0(t3)
2:
  srli t2, t2, 10
  slli t0, t2, 12
  addi t1, t1, -1
  j 1b
3:
  srli t2, a2, 12
  slli t2, t2, 10
  or t2, t2, a3
  sd t2, 0(t3)
  mv a0, t3
  ret

  .data
  .balign 8
pt_next: .dword pt_root + 4096
  .bss
  .balign 4096
  .globl pt_root
pt_root: .skip 4096 * PT_POOL_PAGES
  .text
.endm

/* Map va -> pa (constants or registers) with flags at leaf level; a5 must
 * hold the number of levels. Leaves a0 = &PTE. */
.macro MAP va, pa, flags, level
  li a1, \va
  li a2, \pa
  li a3, \flags
  li a4, \level
  call pt_map
.endm
.macro MAP_LA va, label, flags, level
  li a1, \va
  la a2, \label
  li a3, \flags
  li a4, \level
  call pt_map
.endm

/* Turn translation on with the pool's root (mode: SATP_SV39/SATP_SV48). */
.macro SATP_ON mode
  la t0, pt_root
  srli t0, t0, 12
  li t1, \mode
  or t0, t0, t1
  csrw satp, t0
  sfence.vma
.endm

#endif
