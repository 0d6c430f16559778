#!/bin/sh
# run.sh [-n N] [--cpu] [--vm PATH] [--dir ELF_DIR] [--engines LIST] [PROGRAM...]
# Runs each RISC-V benchmark N times (default 3) under `vm run -M spike`
# with each of vm's engines (LIST, default "jit interp": -accel tcg,jit=on
# and tcg,jit=off) and under `qemu-system-riscv64 -M spike -bios none
# -nographic -kernel` (QEMU's TCG), and prints the medians side by side:
#   program, guest instructions, seconds per engine and for QEMU, the JIT's
#   MIPS, jit/qemu (time ratio, < 1: vm faster) and interp/jit.
# Seconds are wall time, or with --cpu user+system CPU time (steadier on a
# busy host: a run waiting for a core costs no CPU time).
# Guest instructions come from the program's own instret, printed at its
# end; under vm that count is exact. Each program's result checksum must
# agree between all runs. ELF_DIR defaults to build/bench/riscv (cmake
# --build build --target riscv-bench builds them). Take the bench lock on
# a shared machine: flock /work/notes/bench.lock bench/riscv/run.sh ...
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
n=3 vm=$root/build/vm dir=$root/build/bench/riscv cpu=0 engines="jit interp"
while [ $# -gt 0 ]; do
    case $1 in
        -n) n=$2; shift 2 ;;
        --cpu) cpu=1; shift ;;
        --vm) vm=$2; shift 2 ;;
        --dir) dir=$2; shift 2 ;;
        --engines) engines=$2; shift 2 ;;
        -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
        -*) echo "run.sh: unknown option '$1'" >&2; exit 2 ;;
        *) break ;;
    esac
done
[ $# -gt 0 ] || set -- loop sort hash sha256 interp nbody matmul memrand
qemu="qemu-system-riscv64 -M spike -bios none -nographic"
command -v qemu-system-riscv64 >/dev/null || qemu=
[ -x "$vm" ] || { echo "run.sh: no vm at $vm" >&2; exit 2; }
for p in "$@"; do
    [ -f "$dir/$p.elf" ] || { echo "run.sh: $dir/$p.elf missing (build first)" >&2; exit 2; }
done

out=$(mktemp) tf=$(mktemp)
trap 'rm -f "$out" "$tf"' EXIT

# timed CMD...: run it with stdout in $out; prints the seconds; returns status.
timed() {
    /usr/bin/time -f '%e %U %S' -o "$tf" "$@" >"$out" 2>/dev/null </dev/null
    st=$?
    awk -v cpu=$cpu '{ printf "%.3f\n", cpu ? $2 + $3 : $1 }' "$tf"
    return $st
}
median() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
field() { sed -n "s/.*$1=\([^ ]*\).*/\1/p" "$out" | head -1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else printf "n/a" }'; }

# median_of LABEL CMD...: N runs; sets t (median) and res (result checksum)
median_of() {
    label=$1; shift
    ts= i=0
    while [ $i -lt "$n" ]; do
        s=$(timed "$@") || { echo "run.sh: $label failed on $p" >&2; status=1; }
        ts="$ts $s"
        i=$((i + 1))
    done
    t=$(echo "$ts" | median) res=$(field result)
}

printf '%-8s %12s' program insns
for e in $engines; do printf ' %8s' "${e}_s"; done
printf ' %8s %9s %8s %8s\n' qemu_s jit_MIPS jit/qemu int/jit
status=0
for p in "$@"; do
    elf=$dir/$p.elf
    insns=n/a ref= line= jit_t= int_t= q_t=
    for e in $engines; do
        case $e in
            jit) acc=tcg,jit=on ;; interp) acc=tcg,jit=off ;; *) acc=$e ;;
        esac
        median_of "vm ($e)" "$vm" run -M spike -accel "$acc" "$elf"
        [ "$insns" != n/a ] || insns=$(field insns)
        [ -n "$ref" ] || ref=$res
        [ "$res" = "$ref" ] || { echo "run.sh: $p: result differs ($e: $res, first: $ref)" >&2; status=1; }
        line="$line $(printf ' %8s' "$t")"
        case $e in jit) jit_t=$t ;; interp) int_t=$t ;; esac
    done
    if [ -n "$qemu" ]; then
        median_of qemu $qemu -kernel "$elf"
        q_t=$t
        [ "$res" = "$ref" ] || { echo "run.sh: $p: result differs (qemu $res, vm $ref)" >&2; status=1; }
    fi
    mips=n/a
    [ -z "$jit_t" ] || mips=$(awk -v i="$insns" -v t="$jit_t" 'BEGIN { printf "%.0f", i / t / 1e6 }')
    printf '%-8s %12s%s %8s %9s %8s %8s\n' "$p" "$insns" "$line" "${q_t:-n/a}" "$mips" \
        "$(ratio "$jit_t" "$q_t")" "$(ratio "$int_t" "$jit_t")"
done
exit $status
