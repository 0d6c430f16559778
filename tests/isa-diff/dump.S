/* Shared tail of both wrappers: dump the final state as text, one line per
 * item ("x1 0123456789abcdef"), x1-x31 (x3 = gp holds an address: skipped),
 * f0-f31, fcsr, the 256-byte scratch buffer as m00..m31, and h00, the
 * hash of the checkpoints taken along the way (gen.py).
 * Needs gp = scratch; calls out_write(a0 = text, a1 = length) from the
 * wrapper. The save area and text live after the scratch buffer. */

#define SAVE (256)                       /* 32 x regs, then 32 f regs, fcsr */
#define TEXT (256 + 65 * 8)

dump:
  .irp r, 1,2,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
  sd x\r, SAVE + 8 * \r(gp)
  .endr
  .irp r, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
  fsd f\r, SAVE + 256 + 8 * \r(gp)
  .endr
  frcsr t0
  sd t0, SAVE + 512(gp)

  addi s0, gp, TEXT                      /* text cursor */
  /* x registers */
  li s1, 1
1:
  li t0, 3
  beq s1, t0, 2f
  li a0, 'x'
  mv a1, s1
  slli t1, s1, 3
  add t1, t1, gp
  ld a2, SAVE(t1)
  call dump_line
2:
  addi s1, s1, 1
  li t0, 32
  bltu s1, t0, 1b
  /* f registers */
  li s1, 0
3:
  li a0, 'f'
  mv a1, s1
  slli t1, s1, 3
  add t1, t1, gp
  ld a2, SAVE + 256(t1)
  call dump_line
  addi s1, s1, 1
  li t0, 32
  bltu s1, t0, 3b
  /* fcsr */
  li a0, 'c'
  li a1, 0
  ld a2, SAVE + 512(gp)
  call dump_line
  /* scratch memory */
  li s1, 0
4:
  li a0, 'm'
  mv a1, s1
  slli t1, s1, 3
  add t1, t1, gp
  ld a2, 0(t1)
  call dump_line
  addi s1, s1, 1
  li t0, 32
  bltu s1, t0, 4b

  /* checkpoint hash */
  li a0, 'h'
  li a1, 0
  ld a2, -8(gp)
  call dump_line

  addi a0, gp, TEXT
  sub a1, s0, a0
  call out_write
  j finish

/* Append "<a0><two decimal digits of a1> <a2 as 16 hex digits>\n" at s0. */
dump_line:
  sb a0, 0(s0)
  li t0, 10
  divu t1, a1, t0
  remu t2, a1, t0
  addi t1, t1, '0'
  addi t2, t2, '0'
  sb t1, 1(s0)
  sb t2, 2(s0)
  li t0, ' '
  sb t0, 3(s0)
  addi s0, s0, 4
  li t1, 60
5:
  srl t0, a2, t1
  andi t0, t0, 15
  addi t0, t0, '0'
  li t2, '9'
  ble t0, t2, 6f
  addi t0, t0, 'a' - '9' - 1
6:
  sb t0, 0(s0)
  addi s0, s0, 1
  addi t1, t1, -4
  bgez t1, 5b
  li t0, '\n'
  sb t0, 0(s0)
  addi s0, s0, 1
  ret
