#!/bin/sh
# bench/user/startup.sh [RUNS]
#
# The start-up cost of `vm user`: short-lived dynamically linked Debian
# programs, each started N times from a host shell loop (as binfmt_misc
# starts the handler for every process of a Debian build), under vm,
# Debian's qemu-riscv64 and natively (the host's own amd64 programs):
#   true     /bin/true                          (ld.so + libc start-up, 100x)
#   sh       /bin/sh -c 'exit 0'                (dash, 100x)
#   dpkg     dpkg --version                     (50x)
#   perl     perl -e 1                          (perl-base, 50x)
# and, vm only (qemu-riscv64 hands a guest's execve to the host kernel, so
# it cannot run it without a binfmt_misc registration):
#   loop     sh -c 'while ...; do /bin/true; done'   200 fork + execve inside
#            one guest shell: every /bin/true is vm started again by vm
# Each row is the median over RUNS (default 5) of the loop's host CPU time
# (user + system of every process: the machine is shared, so CPU time, not
# wall time), divided by the number of processes: milliseconds per process.
# The riscv64 programs come from Debian's trixie image that
# scripts/make-debian-rootfs.sh builds (cached in ~/.cache/vm/debian), whose
# /usr is unpacked once with debugfs into ~/.cache/vm/user/debian-root.
# Run it under `flock /work/notes/bench.lock` on a shared machine.
# Environment: VM (default build/vm-user: the binfmt_misc handler, static),
# VM_ACCEL (e.g. tcg,jit=off), SYSROOT (a riscv64 root with usr/bin/{true,
# sh,dpkg,perl} and their libraries instead of the image's).
set -eu
runs=${1:-5}
cache=${XDG_CACHE_HOME:-$HOME/.cache}/vm
vm=${VM:-build/vm-user}
root=${SYSROOT:-$cache/user/debian-root}
if [ ! -x "$root/usr/bin/perl" ]; then
    [ -z "${SYSROOT:-}" ] || { echo "$root: no usr/bin/perl" >&2; exit 1; }
    img=$(find "$cache/debian" -name 'trixie-riscv64-*.img' 2>/dev/null | head -n 1)
    [ -n "$img" ] || { echo "no Debian image: run scripts/make-debian-rootfs.sh first" >&2; exit 1; }
    command -v debugfs >/dev/null 2>&1 || { echo "need debugfs (e2fsprogs)" >&2; exit 1; }
    rm -rf "$root.tmp" && mkdir -p "$root.tmp"
    debugfs -R "rdump /usr /etc $root.tmp" "$img" >/dev/null 2>&1
    for d in bin lib sbin; do ln -s usr/$d "$root.tmp/$d"; done
    [ -x "$root.tmp/usr/bin/perl" ] || { echo "$img: could not unpack /usr" >&2; exit 1; }
    rm -rf "$root" && mv "$root.tmp" "$root"
fi
command -v qemu-riscv64 >/dev/null 2>&1 || { echo "need qemu-riscv64 (qemu-user)" >&2; exit 1; }
accel=${VM_ACCEL:+-accel $VM_ACCEL}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

# cpu N COMMAND...: median over RUNS of the CPU ms per run of N runs of COMMAND
cpu() {
    n=$1
    shift
    : > "$work/t"
    r=0
    while [ "$r" -lt "$runs" ]; do
        # shellcheck disable=SC2016
        /usr/bin/time -f "%U %S" -o "$work/one" sh -c \
            'n=$1; shift; i=0; while [ $i -lt $n ]; do "$@" || exit 1; i=$((i + 1)); done' \
            sh "$n" "$@" > /dev/null 2> "$work/err" ||
            { cat "$work/err" >&2; echo "FAILED: $*" >&2; exit 1; }
        awk -v n="$n" '{ printf "%.3f\n", ($1 + $2) * 1000 / n }' "$work/one" >> "$work/t"
        r=$((r + 1))
    done
    sort -n "$work/t" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

printf '%-6s %9s %9s %9s %10s %12s %s\n' workload native qemu vm vm/native qemu/native \
    "vm/qemu (CPU ms per process, medians of $runs)"
for wl in true sh dpkg perl loop; do
    case $wl in
        true) n=100; set -- /usr/bin/true ;;
        sh) n=100; set -- /usr/bin/sh -c 'exit 0' ;;
        dpkg) n=50; set -- /usr/bin/dpkg --version ;;
        perl) n=50; set -- /usr/bin/perl -e 1 ;;
        loop) n=1 ;;
    esac
    if [ "$wl" = loop ]; then
        # shellcheck disable=SC2086,SC2016
        v=$(cpu 1 "$vm" user $accel -L "$root" "$root/usr/bin/sh" -c \
            'i=0; while [ $i -lt 200 ]; do /usr/bin/true; i=$((i + 1)); done')
        awk -v v="$v" 'BEGIN { printf "%-6s %9s %9s %9.2f %10s %12s %s\n", "loop", "-", "-",
                               v / 200, "-", "-", "(200 fork+execve in the guest)" }'
        continue
    fi
    native=$(cpu "$n" "$@")
    first=$1
    shift
    qemu=$(cpu "$n" qemu-riscv64 -L "$root" "$root$first" "$@")
    # shellcheck disable=SC2086
    v=$(cpu "$n" "$vm" user $accel -L "$root" "$root$first" "$@")
    awk -v w=$wl -v a="$native" -v q="$qemu" -v v="$v" 'BEGIN {
        printf "%-6s %9.2f %9.2f %9.2f %9.1fx %11.1fx %6.2fx\n", w, a, q, v,
               (a > 0 ? v / a : 0), (a > 0 ? q / a : 0), (q > 0 ? v / q : 0) }'
done
