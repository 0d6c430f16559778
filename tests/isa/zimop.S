/* Zimop, Zcmop and the hints: mop.r.N and mop.rr.N write 0 to rd and
 * nothing else; c.mop.N writes nothing. Zihintntl (ntl.*, c.ntl.*),
 * Zihintpause (pause) and Zicbop (prefetch.i/r/w, even of addresses
 * where nothing is mapped) execute as the base instructions they are
 * encoded in: no effect, no trap. Hand-encoded where binutils 2.40 lacks
 * them; QEMU 7.2 lacks Zimop/Zcmop: checked against the spec. */
#include "test.h"
#include "ext_insn.h"

TEST_BEGIN
  TEST_CASE(1, a0, 0, li a0, -1; li a1, 5; MOP_R 0, 10, 11)
  TEST_CASE(2, a0, 0, li a0, -1; li a1, 5; MOP_R 31, 10, 11)
  TEST_CASE(3, a0, 0, li a0, -1; li a1, 5; MOP_R 13, 10, 11)
  TEST_CASE(4, a1, 5, li a0, -1; li a1, 5; MOP_R 13, 10, 11)   /* rs1 untouched */
  TEST_CASE(5, a0, 0, li a0, -1; li a1, 5; li a2, 6; MOP_RR 0, 10, 11, 12)
  TEST_CASE(6, a0, 0, li a0, -1; li a1, 5; li a2, 6; MOP_RR 7, 10, 11, 12)
  TEST_CASE(7, a0, 0, li a0, 7; MOP_R 5, 10, 10)                /* rd = rs1 */
  /* c.mop.N: x1..x15 odd, nothing written */
  TCASE 8
  li ra, 0x11
  li gp, 8
  li t0, 0x55
  C_MOP 1
  C_MOP 3
  C_MOP 5
  C_MOP 7
  C_MOP 9
  C_MOP 11
  C_MOP 13
  C_MOP 15
  CHECK ra, 0x11
  CHECK gp, 8
  CHECK t0, 0x55
  /* hints: no effect, no trap (tp = 0: any trap fails) */
  TCASE 9
  li a0, 42
  .4byte 0x00200033               /* ntl.p1   = add x0, x0, x2 */
  .4byte 0x00300033               /* ntl.pall */
  .4byte 0x00400033               /* ntl.s1 */
  .4byte 0x00500033               /* ntl.all */
  .2byte 0x900a                   /* c.ntl.p1 = c.add x0, x2 */
  .2byte 0x9016                   /* c.ntl.all = c.add x0, x5 */
  .4byte 0x0100000f               /* pause = fence w, 0 */
  li a1, 0xdead0000               /* not RAM, not a device */
  .4byte 0x0005e013               /* prefetch.i 0(a1) = ori x0, a1, 0 */
  .4byte 0x0015e013               /* prefetch.r 0(a1) */
  .4byte 0x0235e013               /* prefetch.w 32(a1) */
  CHECK a0, 42
  CHECK a1, 0xdead0000
  TEST_PASS
