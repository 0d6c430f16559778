#!/bin/sh
# bench/user/debian.sh [RUNS]
#
# The issue's "vm builds Debian" row: scripts/make-debian-rootfs.sh (a
# fresh trixie image, about 150 packages: mmdebstrap runs dpkg, perl, bash
# and every maintainer script in a riscv64 chroot) timed with three
# runners, RUNS rounds each (default 3), in turn:
#   native  the same system for amd64 (--arch amd64: no emulation)
#   qemu    qemu-user-static as the riscv64 binfmt_misc handler (Debian's
#           registration, which must be enabled)
#   vm      vm-user as the handler (scripts/vm-binfmt.sh run: qemu-riscv64
#           disabled meanwhile, restored after)
# It prints the medians of the wall time and of the CPU time (user +
# system of every process of the build: emulation, and the host's own
# mmdebstrap, apt, tar and mke2fs; downloads wait on the network in wall
# time only) and the ratios. Packages are downloaded by every run (from
# the host's apt archive), as make-debian-rootfs.sh does.
# Root only. Run it under `flock /work/notes/bench.lock` on a shared machine.
# Environment: VM_USER (default build/vm-user).
set -eu
runs=${1:-3}
root=$(cd "$(dirname "$0")/../.." && pwd)
vmuser=${VM_USER:-$root/build/vm-user}
[ "$(id -u)" = 0 ] || { echo "run as root" >&2; exit 1; }
[ -x "$vmuser" ] || { echo "no $vmuser (build vm-user first)" >&2; exit 1; }
bf=/proc/sys/fs/binfmt_misc
grep -qx enabled $bf/qemu-riscv64 2>/dev/null ||
    { echo "qemu-user-static's qemu-riscv64 binfmt entry is not enabled" >&2; exit 1; }
for e in $bf/*; do
    case ${e##*/} in vm-riscv64*) echo "a vm entry is registered: ${e##*/} (unregister it)" >&2; exit 1 ;; esac
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 1' INT TERM HUP
# one RUNNER: appends "wall cpu" to $work/RUNNER
one() {
    r=$1
    case $1 in
        native) set -- sh "$root/scripts/make-debian-rootfs.sh" --arch amd64 ;;
        qemu) set -- sh "$root/scripts/vm-binfmt.sh" hold -- \
                     sh "$root/scripts/make-debian-rootfs.sh" ;; # no vm run meanwhile
        vm) set -- sh "$root/scripts/vm-binfmt.sh" run --handler "$vmuser" -- \
                   sh "$root/scripts/make-debian-rootfs.sh" ;;
    esac
    if ! /usr/bin/time -f "%e %U %S" -o "$work/one" "$@" -o "$work/img" --refresh \
        > /dev/null 2> "$work/log.$r"; then
        tail -n 20 "$work/log.$r" >&2
        echo "the $r build failed" >&2
        exit 1
    fi
    awk '{ printf "%.1f %.1f\n", $1, $2 + $3 }' "$work/one" >> "$work/$r"
    echo "  $r: $(tail -n 1 "$work/$r") (wall, CPU s)" >&2
    rm -f "$work/img"
}
n=0
while [ $n -lt $runs ]; do
    n=$((n + 1))
    echo "round $n of $runs" >&2
    for runner in native qemu vm; do one $runner; done
done
med() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
for r in native qemu vm; do
    echo "$r $(cut -d' ' -f1 "$work/$r" | med) $(cut -d' ' -f2 "$work/$r" | med)"
done > "$work/table"
awk -v runs="$runs" '{ w[$1] = $2; c[$1] = $3 }
END {
    printf "%-22s %9s %9s %9s %10s %12s %10s\n", "make-debian-rootfs.sh", "native", "qemu", "vm",
           "vm/native", "qemu/native", "vm/qemu"
    printf "%-22s %9.1f %9.1f %9.1f %9.2fx %11.2fx %9.2fx\n", "wall s (median of " runs ")",
           w["native"], w["qemu"], w["vm"], w["vm"] / w["native"], w["qemu"] / w["native"], w["vm"] / w["qemu"]
    printf "%-22s %9.1f %9.1f %9.1f %9.2fx %11.2fx %9.2fx\n", "CPU s (median of " runs ")",
           c["native"], c["qemu"], c["vm"], c["vm"] / c["native"], c["qemu"] / c["native"], c["vm"] / c["qemu"]
}' "$work/table"
