/* RV64A: LR/SC (success, failure, sign extension) and every AMO in .w and .d
 * with each ordering suffix (none, .aq, .rl, .aqrl). */
#include "test.h"

/* Case n: for each ordering, mem = init; rd = amo<op>.w(src); rd must be the
 * old value (sign-extended), the word the new value, the next word intact. */
.macro AMO_W n, op, init, src, old, new
  TCASE \n
  .irp ord, , .aq, .rl, .aqrl
  la a1, amo_mem
  li t0, \init
  sw t0, 0(a1)
  li t0, 0x5a5a5a5a
  sw t0, 4(a1)
  li a2, \src
  amo\op\().w\ord a0, a2, (a1)
  CHECK a0, \old
  lw a3, 0(a1)
  CHECK a3, \new
  lw a3, 4(a1)
  CHECK a3, 0x5a5a5a5a
  .endr
.endm

.macro AMO_D n, op, init, src, old, new
  TCASE \n
  .irp ord, , .aq, .rl, .aqrl
  la a1, amo_mem
  li t0, \init
  sd t0, 0(a1)
  li a2, \src
  amo\op\().d\ord a0, a2, (a1)
  CHECK a0, \old
  ld a3, 0(a1)
  CHECK a3, \new
  .endr
.endm

TEST_BEGIN
  AMO_W 1, swap, 0x80000001, 0x12345678, 0xffffffff80000001, 0x12345678
  AMO_W 2, add,  0x7fffffff, 1, 0x7fffffff, 0xffffffff80000000
  AMO_W 3, xor,  0xff00ff00, 0x0ff00ff0, 0xffffffffff00ff00, 0xfffffffff0f0f0f0
  AMO_W 4, and,  0xff00ff00, 0x0ff00ff0, 0xffffffffff00ff00, 0x0f000f00
  AMO_W 5, or,   0xff00ff00, 0x0ff00ff0, 0xffffffffff00ff00, 0xfffffffffff0fff0
  /* rs2 = 0xffffffff is -1 as a word: compares are on 32 bits */
  AMO_W 6, min,  5, 0xffffffff, 5, -1
  AMO_W 7, max,  5, 0xffffffff, 5, 5
  AMO_W 8, minu, 5, 0xffffffff, 5, 5
  AMO_W 9, maxu, 5, 0xffffffff, 5, -1
  AMO_W 10, max, 0x80000000, 0x7fffffff, 0xffffffff80000000, 0x7fffffff

  AMO_D 11, swap, 0x1122334455667788, -1, 0x1122334455667788, -1
  AMO_D 12, add,  -1, 2, -1, 1
  AMO_D 13, xor,  0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0xff00ff00ff00ff00, 0xf0f0f0f0f0f0f0f0
  AMO_D 14, and,  0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0xff00ff00ff00ff00, 0x0f000f000f000f00
  AMO_D 15, or,   0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0xff00ff00ff00ff00, 0xfff0fff0fff0fff0
  AMO_D 16, min,  5, -1, 5, -1
  AMO_D 17, max,  5, -1, 5, 5
  AMO_D 18, minu, 5, -1, 5, 5
  AMO_D 19, maxu, 5, -1, 5, -1
  AMO_D 20, min,  0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000, 0x8000000000000000

  /* LR/SC success: rd = 0 and the store happens */
  TCASE 21
  la a1, amo_mem
  li t0, 0x1111111122222222
  sd t0, 0(a1)
  lr.d a0, (a1)
  CHECK a0, 0x1111111122222222
  li a3, 0x3333333344444444
  sc.d a2, a3, (a1)
  CHECK a2, 0
  ld a0, 0(a1)
  CHECK a0, 0x3333333344444444

  /* A second SC without a new LR fails (nonzero rd) and stores nothing */
  TCASE 22
  li a3, 0x5555
  sc.d a2, a3, (a1)
  beqz a2, fail
  ld a0, 0(a1)
  CHECK a0, 0x3333333344444444

  /* LR.W sign-extends; SC.W writes one word */
  TCASE 23
  li t0, 0x7777777780000000
  sd t0, 0(a1)
  lr.w.aq a0, (a1)
  CHECK a0, 0xffffffff80000000
  li a3, 0x99999999abcdef01
  sc.w.rl a2, a3, (a1)
  CHECK a2, 0
  ld a0, 0(a1)
  CHECK a0, 0x77777777abcdef01

  /* The .aqrl forms */
  TCASE 24
  lr.d.aqrl a0, (a1)
  CHECK a0, 0x77777777abcdef01
  li a3, 42
  sc.d.aqrl a2, a3, (a1)
  CHECK a2, 0
  ld a0, 0(a1)
  CHECK a0, 42

  /* SC to an address outside the reservation (a page away) fails */
  TCASE 25
  la a4, amo_far
  sd zero, 0(a4)
  lr.d a0, (a1)
  li a3, 7
  sc.d a2, a3, (a4)
  beqz a2, fail
  ld a0, 0(a4)
  CHECK a0, 0

  TEST_PASS

  .data
  .balign 64
amo_mem: .skip 64
  .balign 4096
amo_far: .skip 64
