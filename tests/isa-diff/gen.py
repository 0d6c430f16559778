#!/usr/bin/env python3
"""Generate a random RISC-V instruction sequence for the differential test.

The output is an assembly include (see linux.S / spike.S): it sets every
register to a random value, seeds a scratch buffer, then runs COUNT random
instructions: integer ALU (I, M, Zba, Zbb, Zbs, Zbc, Zbkb, Zbkx, the
scalar crypto Zkn/Zks), F/D/Zfh arithmetic and conversions with random
rounding modes, compressed forms, loads/stores to
the scratch buffer (based on gp, which nothing else reads or writes) and
forward-only conditional skips. Nothing depends on the pc or on addresses,
so the final state is the same wherever the program is loaded.

usage: gen.py --seed S --count N [-o FILE]
"""
import argparse
import random
import sys

SCRATCH = 256                     # bytes of scratch memory at gp
CHECKPOINT = 100                  # instructions between state hashes
BASE = 3                          # gp: the scratch base, never a source/dest
XREGS = [r for r in range(1, 32) if r != BASE]
CREGS = list(range(8, 16))        # registers usable in compressed CA/CB forms
RMS = ["rne", "rtz", "rdn", "rup", "rmm", "dyn"]

INT_RR = ("add sub sll slt sltu xor srl sra or and addw subw sllw srlw sraw "
          "mul mulh mulhsu mulhu div divu rem remu mulw divw divuw remw remuw "
          "sh1add sh2add sh3add add.uw sh1add.uw sh2add.uw sh3add.uw "
          "andn orn xnor max maxu min minu rol ror rolw rorw "
          "bclr bext binv bset").split()
INT_IMM12 = "addi slti sltiu xori ori andi addiw".split()
INT_SH64 = "slli srli srai rori bclri bexti binvi bseti slli.uw".split()
INT_SH32 = "slliw srliw sraiw roriw".split()
# ctzw is left out: QEMU 7.2 counts past bit 31 when the low word is zero
# (ctzw of 0x0020000000000000 gives 53, not 32); tests/isa/zbb.S covers it.
INT_UN = "clz ctz cpop clzw cpopw sext.b sext.h zext.h orc.b rev8".split()
# Zbc, Zbkb, Zbkx and the scalar crypto extensions (QEMU 7.2 has them all).
CRYPTO_RR = ("clmul clmulh clmulr pack packh packw xperm4 xperm8 aes64es aes64esm "
             "aes64ds aes64dsm aes64ks2").split()
CRYPTO_UN = ("brev8 aes64im sha256sig0 sha256sig1 sha256sum0 sha256sum1 sha512sig0 "
             "sha512sig1 sha512sum0 sha512sum1 sm3p0 sm3p1").split()
INTERESTING_H = [0x0000, 0x8000, 0x3c00, 0xbc00, 0x7c00, 0xfc00, 0x7e00, 0x7d00, 0x0001,
                 0x03ff, 0x0400, 0x7bff, 0x3800, 0x4200, 0x6800, 0x1000]
FP_RR_RM = "fadd fsub fmul fdiv".split()
FP_RR = "fmin fmax fsgnj fsgnjn fsgnjx".split()
FP_R4 = "fmadd fmsub fnmsub fnmadd".split()
FP_CMP = "feq flt fle".split()
BRANCH = "beq bne blt bge bltu bgeu".split()
LOADS = [("lb", 1), ("lbu", 1), ("lh", 2), ("lhu", 2), ("lw", 4), ("lwu", 4), ("ld", 8)]
STORES = [("sb", 1), ("sh", 2), ("sw", 4), ("sd", 8)]

INTERESTING_X = [0, 1, 2, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff,
                 0x80000000, 0xffffffff, 0x100000000, 0x7fffffffffffffff,
                 0x8000000000000000, 0xffffffffffffffff, 0xfffffffffffffffe,
                 0xffffffff80000000]
INTERESTING_D = [0x0000000000000000, 0x8000000000000000, 0x3ff0000000000000,
                 0xbff0000000000000, 0x7ff0000000000000, 0xfff0000000000000,
                 0x7ff8000000000000, 0x7ff4000000000000, 0x0000000000000001,
                 0x000fffffffffffff, 0x0010000000000000, 0x7fefffffffffffff,
                 0x41dfffffffc00000, 0x43e0000000000000, 0xc3e0000000000000,
                 0x4330000000000000, 0x3fe0000000000000, 0x400921fb54442d18]
INTERESTING_S = [0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x7f800000,
                 0xff800000, 0x7fc00000, 0x7fa00000, 0x00000001, 0x007fffff,
                 0x00800000, 0x7f7fffff, 0x4f000000, 0xcf000000, 0x5f000000,
                 0x3f000000, 0x40490fdb, 0x4b800000]


class Gen:
    def __init__(self, rnd):
        self.r = rnd
        self.lines = []
        self.label = 0

    def emit(self, s):
        self.lines.append("  " + s)

    # ---- operands -------------------------------------------------------
    def xd(self):
        return "x%d" % self.r.choice(XREGS)

    def xs(self):
        return "x%d" % self.r.choice([0] + XREGS)

    def f(self, prec=None):
        # Halves mostly live in f0-f7, singles in f8-f15 and doubles in
        # f16-f31, so values are not all turned into NaNs by mixing
        # precisions (some still are).
        if prec is None or self.r.random() < 0.1:
            return "f%d" % self.r.randrange(32)
        if prec == ".h":
            return "f%d" % self.r.randrange(8)
        return "f%d" % (self.r.randrange(8) + 8 if prec == ".s" else self.r.randrange(16) + 16)

    def rm(self):
        return self.r.choice(RMS)

    def xval(self):
        c = self.r.random()
        if c < 0.4:
            return self.r.choice(INTERESTING_X)
        if c < 0.6:
            return self.r.randrange(-64, 64) & (2**64 - 1)
        return self.r.getrandbits(64)

    def fval(self):
        c = self.r.random()
        if c < 0.3:
            return self.r.choice(INTERESTING_D)
        if c < 0.6:
            return 0xffffffff00000000 | self.r.choice(INTERESTING_S)
        if c < 0.75:                           # random single, boxed
            return 0xffffffff00000000 | self.r.getrandbits(32)
        if c < 0.8:                            # improperly boxed single
            return self.r.getrandbits(64) & 0x7fffffffffffffff
        if c < 0.86:                           # a half, boxed
            return 0xffffffffffff0000 | self.r.choice(INTERESTING_H)
        if c < 0.9:
            return 0xffffffffffff0000 | self.r.getrandbits(16)
        return self.r.getrandbits(64)          # random double

    # ---- instruction kinds ------------------------------------------------
    def int_op(self):
        k = self.r.random()
        if k < 0.45:
            self.emit("%s %s, %s, %s" % (self.r.choice(INT_RR), self.xd(), self.xs(), self.xs()))
        elif k < 0.65:
            self.emit("%s %s, %s, %d" % (self.r.choice(INT_IMM12), self.xd(), self.xs(),
                                         self.r.randrange(-2048, 2048)))
        elif k < 0.78:
            self.emit("%s %s, %s, %d" % (self.r.choice(INT_SH64), self.xd(), self.xs(),
                                         self.r.randrange(64)))
        elif k < 0.85:
            self.emit("%s %s, %s, %d" % (self.r.choice(INT_SH32), self.xd(), self.xs(),
                                         self.r.randrange(32)))
        elif k < 0.95:
            self.emit("%s %s, %s" % (self.r.choice(INT_UN), self.xd(), self.xs()))
        else:
            self.emit("lui %s, 0x%x" % (self.xd(), self.r.randrange(1 << 20)))

    def crypto_op(self):
        k = self.r.random()
        if k < 0.5:
            self.emit("%s %s, %s, %s" % (self.r.choice(CRYPTO_RR), self.xd(), self.xs(), self.xs()))
        elif k < 0.85:
            self.emit("%s %s, %s" % (self.r.choice(CRYPTO_UN), self.xd(), self.xs()))
        elif k < 0.93:
            self.emit("aes64ks1i %s, %s, %d" % (self.xd(), self.xs(), self.r.randrange(11)))
        else:
            self.emit("%s %s, %s, %s, %d" % (self.r.choice(["sm4ed", "sm4ks"]), self.xd(),
                                             self.xs(), self.xs(), self.r.randrange(4)))

    def fp_op(self):
        k = self.r.random()
        p = self.r.choice(".s .d .h".split())
        if k < 0.25:
            self.emit("%s%s %s, %s, %s, %s" % (self.r.choice(FP_RR_RM), p, self.f(p), self.f(p),
                                               self.f(p), self.rm()))
        elif k < 0.32:
            self.emit("fsqrt%s %s, %s, %s" % (p, self.f(p), self.f(p), self.rm()))
        elif k < 0.45:
            self.emit("%s%s %s, %s, %s" % (self.r.choice(FP_RR), p, self.f(p), self.f(p), self.f(p)))
        elif k < 0.58:
            self.emit("%s%s %s, %s, %s, %s, %s" % (self.r.choice(FP_R4), p, self.f(p), self.f(p),
                                                   self.f(p), self.f(p), self.rm()))
        elif k < 0.66:
            self.emit("%s%s %s, %s, %s" % (self.r.choice(FP_CMP), p, self.xd(), self.f(p), self.f(p)))
        elif k < 0.70:
            self.emit("fclass%s %s, %s" % (p, self.xd(), self.f(p)))
        elif k < 0.78:
            t = self.r.choice("w wu l lu".split())
            self.emit("fcvt.%s%s %s, %s, %s" % (t, p, self.xd(), self.f(p), self.rm()))
        elif k < 0.86:
            t = self.r.choice("w wu l lu".split())
            if p == ".d" and t in ("w", "wu"):     # exact: no rm operand
                self.emit("fcvt.d.%s %s, %s" % (t, self.f(p), self.xs()))
            else:
                self.emit("fcvt%s.%s %s, %s, %s" % (p, t, self.f(p), self.xs(), self.rm()))
        elif k < 0.90:
            src = self.r.choice([q for q in (".s", ".d", ".h") if q != p])
            if p == ".d" or (p == ".s" and src == ".h"):   # exact: no rm operand
                self.emit("fcvt%s%s %s, %s" % (p, src, self.f(p), self.f(src)))
            else:
                self.emit("fcvt%s%s %s, %s, %s" % (p, src, self.f(p), self.f(src), self.rm()))
        elif k < 0.96:
            w = self.r.choice("w d h".split())
            if self.r.random() < 0.5:
                self.emit("fmv.x.%s %s, %s" % (w, self.xd(), self.f(p)))
            else:
                self.emit("fmv.%s.x %s, %s" % (w, self.f(p), self.xs()))
        elif k < 0.98:
            self.emit("fsrmi %s, %d" % (self.xd(), self.r.randrange(5)))
        else:
            self.emit("frcsr %s" % self.xd())

    def c_op(self):
        r = self.r
        nz = [x for x in XREGS]
        k = r.randrange(10)
        cr = lambda: "x%d" % r.choice(CREGS)
        if k == 0:
            self.emit("c.addi x%d, %d" % (r.choice(nz), r.choice([i for i in range(-32, 32) if i])))
        elif k == 1:
            self.emit("c.addiw x%d, %d" % (r.choice(nz), r.randrange(-32, 32)))
        elif k == 2:
            self.emit("c.li x%d, %d" % (r.choice(nz), r.randrange(-32, 32)))
        elif k == 3:
            rd = r.choice([x for x in nz if x != 2])
            imm = r.choice(list(range(1, 32)) + list(range(0xfffe0, 0x100000)))
            self.emit("c.lui x%d, 0x%x" % (rd, imm))
        elif k == 4:
            self.emit("c.slli x%d, %d" % (r.choice(nz), r.randrange(1, 64)))
        elif k == 5:
            self.emit("%s %s, %d" % (r.choice(["c.srli", "c.srai"]), cr(), r.randrange(1, 64)))
        elif k == 6:
            self.emit("c.andi %s, %d" % (cr(), r.randrange(-32, 32)))
        elif k == 7:
            self.emit("c.mv x%d, x%d" % (r.choice(nz), r.choice(nz)))
        elif k == 8:
            self.emit("c.add x%d, x%d" % (r.choice(nz), r.choice(nz)))
        else:
            op = r.choice("c.sub c.xor c.or c.and c.subw c.addw".split())
            self.emit("%s %s, %s" % (op, cr(), cr()))

    def mem_op(self):
        r = self.r
        k = r.random()
        if k < 0.35:
            op, n = r.choice(LOADS)
            self.emit("%s %s, %d(gp)" % (op, self.xd(), r.randrange(0, SCRATCH, n)))
        elif k < 0.7:
            op, n = r.choice(STORES)
            self.emit("%s %s, %d(gp)" % (op, self.xs(), r.randrange(0, SCRATCH, n)))
        elif k < 0.85:
            op, n = r.choice([("flw", 4), ("fld", 8)])
            self.emit("%s %s, %d(gp)" % (op, self.f(), r.randrange(0, SCRATCH, n)))
        else:
            op, n = r.choice([("fsw", 4), ("fsd", 8)])
            self.emit("%s %s, %d(gp)" % (op, self.f(), r.randrange(0, SCRATCH, n)))

    def skip(self, budget):
        """A forward conditional branch over 1-3 instructions."""
        self.label += 1
        lab = ".Lskip%d" % self.label
        self.emit("%s %s, %s, %s" % (self.r.choice(BRANCH), self.xs(), self.xs(), lab))
        n = 0
        for _ in range(self.r.randrange(1, 4)):
            if n >= budget:
                break
            self.one(allow_skip=False)
            n += 1
        self.lines.append(lab + ":")
        return n + 1

    def one(self, allow_skip=True, budget=3):
        k = self.r.random()
        if k < 0.32:
            self.int_op()
        elif k < 0.38:
            self.crypto_op()
        elif k < 0.68:
            self.fp_op()
        elif k < 0.83:
            self.c_op()
        elif k < 0.95 or not allow_skip:
            self.mem_op()
        else:
            return self.skip(budget)
        return 1

    def checkpoint(self):
        """Fold every register and fcsr into a running hash kept at gp-8
        (x5/x6 saved at gp-16/gp-24 and restored): a difference that a later
        instruction overwrites still shows in the final dump."""
        e = self.emit
        e("sd x5, -16(gp)")
        e("sd x6, -24(gp)")
        e("ld x5, -8(gp)")
        for r in XREGS:
            if r in (5, 6):
                e("ld x6, %d(gp)" % (-16 if r == 5 else -24))
                e("rori x5, x5, 59")
                e("xor x5, x5, x6")
            else:
                e("rori x5, x5, 59")
                e("xor x5, x5, x%d" % r)
        for i in range(32):
            e("fmv.x.d x6, f%d" % i)
            e("rori x5, x5, 59")
            e("xor x5, x5, x6")
        e("frcsr x6")
        e("rori x5, x5, 59")
        e("xor x5, x5, x6")
        e("sd x5, -8(gp)")
        e("ld x5, -16(gp)")
        e("ld x6, -24(gp)")

    # ---- whole program ------------------------------------------------------
    def program(self, count):
        # Everything random before the body, so that a shorter --count gives
        # a prefix of the same program (used to bisect a difference).
        self.lines.append("/* scratch memory's initial contents */")
        self.lines.append("  .pushsection .data")
        self.lines.append("  .balign 64")
        self.lines.append("  .skip 64                 /* checkpoint hash and saves */")
        self.lines.append("scratch:")
        for _ in range(SCRATCH // 8):
            self.lines.append("  .dword 0x%016x" % self.xval())
        # room for the dump's register save area and text, after scratch
        self.lines.append("  .skip 4096")
        self.lines.append("  .popsection")
        self.lines.append("/* initial FP state (x5 as a temporary) */")
        for i in range(32):
            self.emit("li x5, 0x%016x" % self.fval())
            self.emit("fmv.d.x f%d, x5" % i)
        self.emit("fscsr x0")
        self.lines.append("/* initial integer state */")
        for i in XREGS:
            self.emit("li x%d, 0x%016x" % (i, self.xval()))
        self.lines.append("/* random instructions */")
        n = 0
        next_cp = CHECKPOINT
        while n < count:
            n += self.one(budget=count - n - 1)
            if n >= next_cp:
                self.checkpoint()
                next_cp += CHECKPOINT
        return n


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--count", type=int, default=2000)
    ap.add_argument("-o", "--output")
    a = ap.parse_args()
    g = Gen(random.Random(a.seed))
    n = g.program(a.count)
    out = open(a.output, "w") if a.output else sys.stdout
    out.write("/* generated: tests/isa-diff/gen.py --seed %d --count %d (%d instructions) */\n"
              % (a.seed, a.count, n))
    out.write("#define SEQ_SEED %d\n" % a.seed)
    out.write("\n".join(g.lines) + "\n")


if __name__ == "__main__":
    main()
