#!/bin/sh
# riscv-tests.sh RISCV_TESTS_DIR [VM]
#
# The official riscv-tests (github.com/riscv-software-src/riscv-tests, with
# its env submodule) on vm, under both engines, and on Debian's QEMU 7.2 as
# a peer: builds the physical-memory ("-p") ISA tests of every rv64
# extension the cross toolchain knows (Zicond through .insn, binutils 2.40
# lacks it), runs each with `vm run -M spike` and
# `qemu-system-riscv64 -M spike`, and prints one line per test that does
# not pass everywhere, then the totals. A riscv-test passes with exit 0 and
# fails with the number of the failing case. Not a CTest test (the suite is
# not in the project; a checkout is needed).
set -u
[ $# -ge 1 ] || { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
src=$(cd "$1" && pwd) here=$(cd "$(dirname "$0")" && pwd)
vm=${2:-$here/../../../build/vm}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
make -s -C "$src/isa" -j2 -k XLEN=64 $(cd "$src/isa" && ls -d rv64*/ | tr -d / | grep -v zicond) >/dev/null 2>&1
printf '.macro czero.eqz rd, rs1, rs2\n.insn r 0x33, 5, 7, \\rd, \\rs1, \\rs2\n.endm\n.macro czero.nez rd, rs1, rs2\n.insn r 0x33, 7, 7, \\rd, \\rs1, \\rs2\n.endm\n' >"$work/zicond.h"
for t in "$src"/isa/rv64uzicond/*.S; do
    riscv64-unknown-elf-gcc -march=rv64g -mabi=lp64 -static -mcmodel=medany -nostdlib -nostartfiles \
        -I"$src/env/p" -I"$src/isa/macros/scalar" -T"$src/env/p/link.ld" -include "$work/zicond.h" \
        "$t" -o "$src/isa/rv64uzicond-p-$(basename "$t" .S)"
done
qcpu=rv64,h=false,zba=true,zbb=true,zbc=true,zbs=true,zbkb=true,zbkc=true,zbkx=true,Zfh=true,Zfhmin=true,svnapot=true,svpbmt=true,svinval=true
n=0 pv=0 pj=0 pq=0
for f in $(cd "$src/isa" && ls | grep -- '^rv64.*-p-' | grep -v '\.dump$'); do
    e=$src/isa/$f
    "$vm" run -M spike -accel tcg,jit=off --timeout 20 "$e" >/dev/null 2>&1 </dev/null; a=$?
    "$vm" run -M spike -accel tcg,jit=on --timeout 20 "$e" >/dev/null 2>&1 </dev/null; b=$?
    timeout 20 qemu-system-riscv64 -M spike -cpu $qcpu -bios none -nographic -kernel "$e" >/dev/null 2>&1 </dev/null; c=$?
    n=$((n + 1)); [ $a = 0 ] && pv=$((pv + 1)); [ $b = 0 ] && pj=$((pj + 1)); [ $c = 0 ] && pq=$((pq + 1))
    [ "$a$b$c" = 000 ] || echo "$f: vm $a, vm-jit $b, qemu $c"
done
echo "riscv-tests rv64 -p: vm $pv/$n, vm-jit $pj/$n, QEMU 7.2 $pq/$n"
[ $pv = $n ] && [ $pj = $n ]
