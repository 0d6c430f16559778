#!/bin/sh
# soak-poweroff.sh VM N [SMP]: N boot/poweroff cycles, each a new vm
# process booting Debian's OpenSBI and kernel with the power-off initramfs
# (-M virt -smp SMP -m 512M; SMP defaults to 4). Every run must exit 0
# after the guest's power-off with no sanitizer report (in an ASan build
# LeakSanitizer checks each exit), and the peak RSS of the runs must not
# grow: the mean of the last 10 may exceed the mean of the first 10 by at
# most 10%. Prints one line per cycle (peak RSS, wall time) and a summary.
# ctest runs it as harden.soak.poweroff (100 cycles optimised, 10 under
# ASan); docs/PERFORMANCE.md has the figures.
set -eu
[ $# -ge 2 ] || { echo "usage: $0 VM N [SMP]" >&2; exit 2; }
VM=$1 count=$2 smp=${3:-4}
here=$(cd "$(dirname "$0")/../../tests/boot" && pwd)
. "$here/guest-assets.sh"
find_assets Image fw_dynamic.bin initramfs-poweroff.cpio.gz
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
fail() {
    echo "FAIL: cycle $i: $*"
    echo "---- output (last 30 lines) ----"
    tr -d '\r' <"$WORK/log" | tail -n 30
    exit 1
}
i=1
while [ "$i" -le "$count" ]; do
    status=0
    /usr/bin/time -f '%M %e' -o "$WORK/time" \
        "$VM" run -M virt -smp "$smp" -m 512M -bios "$ASSETS/fw_dynamic.bin" \
        -kernel "$ASSETS/Image" -initrd "$ASSETS/initramfs-poweroff.cpio.gz" \
        -append console=ttyS0 --timeout 600 </dev/null >"$WORK/log" 2>&1 || status=$?
    [ "$status" -eq 0 ] || fail "vm exited with status $status"
    grep -q '^GUEST-POWEROFF' "$WORK/log" || fail "the guest did not power off"
    ! grep -Eq 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$WORK/log" ||
        fail "sanitizer report"
    read -r kib secs <"$WORK/time"
    echo "$kib" >>"$WORK/rss"
    echo "cycle $i: peak RSS $((kib / 1024)) MiB, $secs s"
    i=$((i + 1))
done
sort -n "$WORK/rss" | awk -v n="$count" '
    { v[NR] = $1 } END { printf "peak RSS over %d cycles: min %.1f, median %.1f, max %.1f MiB\n",
                         n, v[1] / 1024, v[int((NR + 1) / 2)] / 1024, v[NR] / 1024 }'
awk '{ v[NR] = $1 } END {
        k = NR < 10 ? NR : 10
        for (i = 1; i <= k; i++) { a += v[i]; b += v[NR - k + i] }
        printf "mean peak RSS, first %d: %.1f MiB, last %d: %.1f MiB\n", k, a / k / 1024, k, b / k / 1024
        exit !(b <= a * 1.10) }' "$WORK/rss" || { echo "FAIL: the peak RSS grew"; exit 1; }
echo "PASS: $count cycles"
