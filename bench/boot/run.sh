#!/bin/sh
# bench/boot/run.sh [-n RUNS] [-s "SMP..."] [-m MEM] [-b VM] [-c OTHER_VM] [-o "OTHER_ARGS"] [-a ACCEL]
#
# Boot time of Debian's riscv64 Linux on vm's virt machine against
# qemu-system-riscv64 -M virt, on the same assets and flags: OpenSBI
# fw_dynamic, the kernel Image and the initramfs that prints GUEST-BOOT-OK
# and powers off (scripts/fetch-guest-riscv64.sh). For each -smp value the
# two are run alternately RUNS times (default 5); the table gives the
# median wall time from start to the marker and to exit, the ratio
# vm/QEMU, and vm's guest instructions per second over the whole run
# (all harts, from `vm run -v`). -c adds a second vm build (e.g. main
# before a change), run in the same rotation: its marker time, the ratio
# vm/OTHER, and for both the host CPU time per guest instruction over the
# whole run (from -v; steadier than wall time on a loaded machine). -o
# gives the other vm extra flags (e.g. -c build/vm -o "-cpu rv64,pmp=off"
# compares the same build without PMP).
# -a passes `-accel ACCEL` to vm (e.g. tcg,jit=off: the interpreter; the
# default is vm's default engine, the JIT on x86-64). The cpu columns are
# the host CPU seconds (user+system, all threads) of vm and QEMU per boot,
# medians, and their ratio: on a busy machine the steadier comparison.
# Take the bench lock on a shared machine (flock /work/notes/bench.lock).
# Not a test: it only reports.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
runs=5 smps="1 2" mem=256M vm=$root/build/vm other= other_args= accel=
while [ $# -gt 0 ]; do
    case $1 in
        -n) runs=$2; shift 2 ;;
        -s) smps=$2; shift 2 ;;
        -m) mem=$2; shift 2 ;;
        -b) vm=$2; shift 2 ;;
        -c) other=$2; shift 2 ;;
        -o) other_args=$2; shift 2 ;;
        -a) accel="-accel $2"; shift 2 ;;
        *) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
    esac
done
assets=${XDG_CACHE_HOME:-$HOME/.cache}/vm/riscv64
"$root/scripts/fetch-guest-riscv64.sh" -o "$assets" >/dev/null 2>&1 ||
    { echo "run.sh: no guest assets; run scripts/fetch-guest-riscv64.sh" >&2; exit 1; }
[ -x "$vm" ] || { echo "run.sh: $vm not built" >&2; exit 1; }
[ -z "$other" ] || [ -x "$other" ] || { echo "run.sh: $other is not an executable" >&2; exit 1; }
qemu=$(command -v qemu-system-riscv64 || true)
[ -n "$qemu" ] || echo "run.sh: qemu-system-riscv64 not found (package qemu-system-misc): vm only" >&2

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# timed LOG CMD...: run CMD, print "MARKER_MS EXIT_MS" ("- EXIT_MS" if
# the marker never came). The output is read as it arrives.
timed() {
    log=$1
    shift
    rm -f "$tmp/mark"
    t0=$(now_ms)
    { /usr/bin/time -f 'CPU-SECONDS %U %S' -o "$log.cpu" "$@" </dev/null 2>&1 || true; } | while IFS= read -r line; do
        printf '%s\n' "$line"
        case $line in *GUEST-BOOT-OK*) [ -f "$tmp/mark" ] || now_ms >"$tmp/mark" ;; esac
    done >"$log"
    t1=$(now_ms)
    if [ -f "$tmp/mark" ]; then echo "$(($(cat "$tmp/mark") - t0)) $((t1 - t0))"; else echo "- $((t1 - t0))"; fi
}

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print "-" }'; }

flags() { echo "-M virt -smp $1 -m $mem -nographic -bios $assets/fw_dynamic.bin -kernel $assets/Image -initrd $assets/initramfs-poweroff.cpio.gz -append console=ttyS0"; }

# host CPU seconds of the last timed run with LOG
cpu_s() { awk '/^CPU-SECONDS/ { printf "%.2f\n", $2 + $3 }' "$1.cpu"; }

# ns of host CPU per guest instruction, from a -v log
cpu_ns() { sed -n 's/^vm: \([0-9]*\) instructions in .*host CPU \([0-9.]*\) s.*/\1 \2/p' "$1" |
    awk '{ printf "%.3f\n", $2 * 1e9 / $1 }'; }

printf '%-5s %-5s %12s %10s' smp runs "vm marker" "vm exit"
[ -z "$other" ] || printf ' %12s %10s %11s %11s' "other marker" "vm/other" "vm ns/insn" "other ns/i"
printf ' %12s %10s %10s %10s %8s %8s %9s\n' "qemu marker" "qemu exit" "ratio" "vm MIPS" "vm cpu" "qemu cpu" "cpu ratio"
for smp in $smps; do
    : >"$tmp/vm.m"; : >"$tmp/vm.e"; : >"$tmp/o.m"; : >"$tmp/q.m"; : >"$tmp/q.e"; : >"$tmp/mips"
    : >"$tmp/vm.c"; : >"$tmp/o.c"; : >"$tmp/vm.s"; : >"$tmp/q.s"
    i=1
    while [ "$i" -le "$runs" ]; do
        # shellcheck disable=SC2046 # flags() is a word list
        set -- $(timed "$tmp/vm.log" "$vm" run -v $accel $(flags "$smp"))
        [ "$1" = - ] || echo "$1" >>"$tmp/vm.m"
        echo "$2" >>"$tmp/vm.e"
        sed -n 's/^vm: \([0-9]*\) instructions in \([0-9.]*\) s.*/\1 \2/p' "$tmp/vm.log" |
            awk '{ printf "%.0f\n", $1 / $2 / 1e6 }' >>"$tmp/mips"
        cpu_ns "$tmp/vm.log" >>"$tmp/vm.c"
        cpu_s "$tmp/vm.log" >>"$tmp/vm.s"
        if [ -n "$other" ]; then
            # shellcheck disable=SC2046,SC2086 # word lists
            set -- $(timed "$tmp/o.log" "$other" run -v $accel $other_args $(flags "$smp"))
            [ "$1" = - ] || echo "$1" >>"$tmp/o.m"
            cpu_ns "$tmp/o.log" >>"$tmp/o.c"
        fi
        if [ -n "$qemu" ]; then
            # shellcheck disable=SC2046
            set -- $(timed "$tmp/q.log" "$qemu" $(flags "$smp"))
            [ "$1" = - ] || echo "$1" >>"$tmp/q.m"
            echo "$2" >>"$tmp/q.e"
            cpu_s "$tmp/q.log" >>"$tmp/q.s"
        fi
        i=$((i + 1))
    done
    vm_m=$(median <"$tmp/vm.m") vm_e=$(median <"$tmp/vm.e")
    q_m=$(median <"$tmp/q.m") q_e=$(median <"$tmp/q.e")
    ratio=$(awk -v a="$vm_m" -v b="$q_m" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else print "-" }')
    printf '%-5s %-5s %10s ms %7s ms' "$smp" "$runs" "$vm_m" "$vm_e"
    if [ -n "$other" ]; then
        o_m=$(median <"$tmp/o.m")
        printf ' %9s ms %10s %11s %11s' "$o_m" "$(awk -v a="$vm_m" -v b="$o_m" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.3f", a / b; else print "-" }')" \
            "$(median <"$tmp/vm.c")" "$(median <"$tmp/o.c")"
    fi
    vm_s=$(median <"$tmp/vm.s") q_s=$(median <"$tmp/q.s")
    printf ' %9s ms %7s ms %10s %10s %8s %8s %9s\n' "$q_m" "$q_e" "$ratio" "$(median <"$tmp/mips")" \
        "$vm_s" "$q_s" "$(awk -v a="$vm_s" -v b="$q_s" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else print "-" }')"
done
echo "(ratio: vm marker time / QEMU marker time; cpu ratio: vm CPU seconds / QEMU CPU seconds per boot; medians of $runs runs each, alternating)"
