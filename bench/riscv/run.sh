#!/bin/sh
# run.sh [-n N] [--vm PATH] [--dir ELF_DIR] [PROGRAM...]
# Runs each RISC-V benchmark N times (default 3) under `vm run -M spike` and
# under `qemu-system-riscv64 -M spike -bios none -nographic -kernel`, and
# prints the medians side by side:
#   program, guest instructions, vm wall time, vm MIPS, qemu wall time,
#   vm/qemu time ratio (> 1: vm slower).
# Guest instructions come from the program's own instret, printed at its
# end; under vm that count is exact. Without a working vm the count is taken
# from one QEMU run with -icount shift=0 (marked ~) and the vm columns read
# n/a. Each program's result checksum must agree between the two.
# ELF_DIR defaults to build/bench/riscv (cmake --build build builds them).
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
n=3 vm=$root/build/vm dir=$root/build/bench/riscv
while [ $# -gt 0 ]; do
    case $1 in
        -n) n=$2; shift 2 ;;
        --vm) vm=$2; shift 2 ;;
        --dir) dir=$2; shift 2 ;;
        -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
        -*) echo "run.sh: unknown option '$1'" >&2; exit 2 ;;
        *) break ;;
    esac
done
[ $# -gt 0 ] || set -- loop sort hash sha256 interp nbody matmul memrand
qemu="qemu-system-riscv64 -M spike -bios none -nographic"
command -v qemu-system-riscv64 >/dev/null || qemu=
for p in "$@"; do
    [ -f "$dir/$p.elf" ] || { echo "run.sh: $dir/$p.elf missing (build first)" >&2; exit 2; }
done

out=$(mktemp)
trap 'rm -f "$out"' EXIT

# Does our vm run spike programs yet? (a short bounded run: 0 or 124)
vm_ok=0
if [ -x "$vm" ]; then
    "$vm" run -M spike --max-insns 100000 "$dir/$1.elf" >/dev/null 2>&1
    case $? in 0|124) vm_ok=1 ;; esac
fi

# timed CMD...: run it with stdout in $out; prints wall seconds; returns status.
timed() {
    s=$(date +%s.%N)
    "$@" >"$out" 2>/dev/null </dev/null
    st=$?
    awk -v a="$s" -v b="$(date +%s.%N)" 'BEGIN { printf "%.3f\n", b - a }'
    return $st
}
median() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
field() { sed -n "s/.*$1=\([^ ]*\).*/\1/p" "$out" | head -1; }

printf '%-8s %14s %9s %8s %9s %8s\n' program insns vm_s vm_MIPS qemu_s vm/qemu
status=0
for p in "$@"; do
    elf=$dir/$p.elf
    insns=n/a vm_t=n/a mips=n/a q_t=n/a ratio=n/a vres= qres=
    if [ $vm_ok = 1 ]; then
        ts=
        i=0
        while [ $i -lt "$n" ]; do
            t=$(timed "$vm" run -M spike "$elf") || { echo "run.sh: vm failed on $p" >&2; status=1; }
            ts="$ts $t"
            i=$((i + 1))
        done
        vm_t=$(echo "$ts" | median)
        insns=$(field insns) vres=$(field result)
        mips=$(awk -v i="$insns" -v t="$vm_t" 'BEGIN { printf "%.0f", i / t / 1e6 }')
    fi
    if [ -n "$qemu" ]; then
        ts=
        i=0
        while [ $i -lt "$n" ]; do
            t=$(timed $qemu -kernel "$elf") || { echo "run.sh: qemu failed on $p" >&2; status=1; }
            ts="$ts $t"
            i=$((i + 1))
        done
        q_t=$(echo "$ts" | median)
        qres=$(field result)
        if [ $vm_ok = 0 ]; then     # count instructions with QEMU's icount
            timed $qemu -icount shift=0 -kernel "$elf" >/dev/null
            insns="~$(field insns)"
        fi
    fi
    if [ $vm_ok = 1 ] && [ -n "$qemu" ]; then
        ratio=$(awk -v a="$vm_t" -v b="$q_t" 'BEGIN { printf "%.2f", a / b }')
        if [ "$vres" != "$qres" ]; then
            echo "run.sh: $p: result differs (vm $vres, qemu $qres)" >&2
            status=1
        fi
    fi
    printf '%-8s %14s %9s %8s %9s %8s\n' "$p" "$insns" "$vm_t" "$mips" "$q_t" "$ratio"
done
exit $status
