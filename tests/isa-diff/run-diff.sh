#!/bin/sh
# run-diff.sh [--vm PATH] [--accel A] [--seed S] [--count N] [--runs R] [--bisect] [--keep DIR]
# Differential test: the same random instruction sequence (gen.py) runs as a
# Linux user program under qemu-riscv64 and bare metal under
# `vm run -M spike`; the dumped final states (x1-x31, f0-f31, fcsr, scratch
# memory) must be identical. R runs use seeds S, S+1, ... (default: a seed
# from the clock, printed so a failure can be replayed with --seed).
# --bisect: on a difference, find the shortest prefix of the sequence that
# still differs and print its last instructions.
# --accel: vm's -accel value (e.g. tcg,jit=on: the other engine).
# Exit: 0 same, 1 different, 2 usage/build error, 77 tools missing (skip).
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
vm=$root/build/vm seed= count=2000 runs=1 bisect=0 keep= accel=auto
while [ $# -gt 0 ]; do
    case $1 in
        --vm) vm=$2; shift 2 ;;
        --accel) accel=$2; shift 2 ;;
        --seed) seed=$2; shift 2 ;;
        --count) count=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        --bisect) bisect=1; shift ;;
        --keep) keep=$2; shift 2 ;;
        -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
        *) echo "run-diff: unknown argument '$1'" >&2; exit 2 ;;
    esac
done
for tool in riscv64-unknown-elf-gcc qemu-riscv64 python3; do
    if ! command -v $tool >/dev/null 2>&1; then
        echo "run-diff: $tool not found: skipped"; exit 77
    fi
done
[ -x "$vm" ] || { echo "run-diff: no vm binary at $vm" >&2; exit 2; }
[ -n "$seed" ] || seed=$(date +%s)

# QEMU 7.2 with the extensions the sequences use (its spelling: Zfh).
QEMU_CPU=rv64,zba=true,zbb=true,zbs=true,zbc=true,zbkb=true,zbkc=true,zbkx=true,zknd=true,zkne=true,zknh=true,zksed=true,zksh=true,Zfh=true,Zfhmin=true
work=${keep:-$(mktemp -d)}
mkdir -p "$work"
[ -n "$keep" ] || trap 'rm -rf "$work"' EXIT
CFLAGS="-march=rv64gc_zba_zbb_zbs_zbc_zbkb_zbkc_zbkx_zknd_zkne_zknh_zksed_zksh_zfh_zicsr_zifencei
 -mabi=lp64d -mcmodel=medany
 -nostdlib -nostartfiles -static -Wl,--no-warn-rwx-segments -I$here -I$work"

# compare SEED COUNT: 0 same, 1 different, 2 error. Leaves $work/{qemu,vm}.txt.
compare() {
    python3 "$here/gen.py" --seed "$1" --count "$2" -o "$work/seq.S" || return 2
    riscv64-unknown-elf-gcc $CFLAGS -DSEQ_FILE='"seq.S"' "$here/linux.S" \
        -o "$work/linux.elf" || return 2
    riscv64-unknown-elf-gcc $CFLAGS -DSEQ_FILE='"seq.S"' -T "$root/tests/isa/env/link.ld" \
        "$here/spike.S" -o "$work/spike.elf" || return 2
    qemu-riscv64 -cpu "$QEMU_CPU" "$work/linux.elf" >"$work/qemu.txt" || { echo "run-diff: qemu-riscv64 failed" >&2; return 2; }
    "$vm" run -M spike --accel "$accel" --timeout 30 "$work/spike.elf" >"$work/vm.txt"
    st=$?
    if [ $st -ne 0 ]; then echo "run-diff: vm exited $st" >&2; return 1; fi
    cmp -s "$work/qemu.txt" "$work/vm.txt" && return 0
    return 1
}

bad=0 i=0
while [ $i -lt "$runs" ]; do
    s=$((seed + i))
    i=$((i + 1))
    start=$(date +%s.%N)
    compare $s "$count"
    st=$?
    t=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
    if [ $st -eq 0 ]; then
        echo "isa-diff seed $s: $count instructions: same (${t}s)"
        continue
    fi
    [ $st -eq 2 ] && exit 2
    bad=1
    echo "isa-diff seed $s: $count instructions: DIFFERENT (qemu-riscv64 < > vm)"
    diff "$work/qemu.txt" "$work/vm.txt" | head -20
    if [ $bisect -eq 1 ]; then
        lo=0 hi=$count                    # prefix lo is same, hi differs
        while [ $((hi - lo)) -gt 1 ]; do
            mid=$(((lo + hi) / 2))
            if compare $s $mid; then lo=$mid; else hi=$mid; fi
        done
        compare $s $hi
        echo "first difference after $hi instructions; the sequence ends with:"
        grep -v '^ *\.' "$work/seq.S" | grep -v '^/\*' | tail -4
        diff "$work/qemu.txt" "$work/vm.txt" | head -10
    fi
    echo "replay: $0 --seed $s --count $count --bisect"
done
exit $bad
