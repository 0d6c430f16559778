#!/bin/sh
# arch-test.sh ARCH_TEST_DIR [VM]
#
# The RISC-V architectural tests (github.com/riscv-non-isa/riscv-arch-test,
# riscv-test-suite/rv64i_m) on vm and Debian's QEMU 7.2. There is no Sail or
# Spike reference model here, so the check is differential: model_test.h
# (this folder) makes each test print its signature on the HTIF console, and
# the signatures of vm (interpreter), vm (JIT) and QEMU are compared. Tests
# the cross toolchain cannot assemble (Zcb, Zfa, Zicond, Zimop, ...) are
# counted as not built. Prints one line per test that does not agree, then
# the totals. Not a CTest test (the suite is not in the project).
set -u
[ $# -ge 1 ] || { sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
src=$(cd "$1" && pwd)/riscv-test-suite here=$(cd "$(dirname "$0")" && pwd)
vm=${2:-$here/../../../build/vm}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
march=rv64gc_zba_zbb_zbc_zbs_zbkb_zbkc_zbkx_zknd_zkne_zknh_zksed_zksh_zfh_zicbom_zicboz_zicsr_zifencei
qcpu=rv64,h=false,zba=true,zbb=true,zbc=true,zbs=true,zbkb=true,zbkc=true,zbkx=true,zknd=true,zkne=true
qcpu=$qcpu,zknh=true,zksed=true,zksh=true,Zfh=true,Zfhmin=true,svinval=true,svnapot=true,svpbmt=true
n=0 nobuild=0 same=0 jitsame=0
for t in $(find "$src/rv64i_m" -name '*.S' | sort); do
    name=${t#"$src/rv64i_m/"} o=$work/t
    # the test's own macros, from its RVTEST_CASE lines for RV64
    defs=$(grep RVTEST_CASE "$t" | grep -v 'regex(.\*32.\*)' | grep -o 'def [A-Za-z0-9_]*=[A-Za-z0-9_]*' |
           sed 's/^def /-D/' | sort -u)
    n=$((n + 1))
    # shellcheck disable=SC2086 # defs is a word list
    if ! riscv64-unknown-elf-gcc -march=$march -mabi=lp64d -static -mcmodel=medany -nostdlib \
            -nostartfiles -T "$here/link.ld" -I "$here" -I "$src/env" -DXLEN=64 -DFLEN=64 $defs \
            "$t" -o "$o.elf" >/dev/null 2>&1; then
        nobuild=$((nobuild + 1)); echo "$name: not built (toolchain)"; continue
    fi
    "$vm" run -M spike -accel tcg,jit=off --timeout 20 "$o.elf" >"$o.vm" 2>/dev/null </dev/null; a=$?
    "$vm" run -M spike -accel tcg,jit=on --timeout 20 "$o.elf" >"$o.jit" 2>/dev/null </dev/null; b=$?
    timeout 20 qemu-system-riscv64 -M spike -cpu "$qcpu" -bios none -nographic -kernel "$o.elf" \
        >"$o.q" 2>/dev/null </dev/null; c=$?
    if [ $a = 0 ] && [ -s "$o.vm" ] && cmp -s "$o.vm" "$o.q"; then same=$((same + 1))
    else echo "$name: differs from QEMU (exit vm $a, qemu $c; $(diff "$o.vm" "$o.q" | grep -c '^<') words)"; fi
    if [ $a = 0 ] && [ $b = 0 ] && cmp -s "$o.vm" "$o.jit"; then jitsame=$((jitsame + 1))
    else echo "$name: the JIT differs from the interpreter (exit $a / $b)"; fi
done
built=$((n - nobuild))
echo "riscv-arch-test rv64i_m: $n tests, $built built; vm = QEMU 7.2 on $same, vm JIT = interpreter on $jitsame"
