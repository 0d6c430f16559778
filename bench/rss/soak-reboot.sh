#!/bin/sh
# soak-reboot.sh VM N [SMP]: one vm process boots Debian's kernel to the
# initramfs shell, reboots it (reboot -f) N times, then powers off; prints
# vm's VmRSS at each shell prompt and VmHWM at the end. The RSS must not
# grow with the reboots (every boot maps fresh RAM and frees the old): the
# mean VmRSS of the last 5 boots may exceed that of the first 5 after a
# reboot by at most 10% (boot 0, before any reboot, does not count; means,
# as one boot's translated code varies by a few MiB). vm must exit 0 with no sanitizer report (in an
# ASan build LeakSanitizer checks the exit, after all the reboots).
set -eu
VM=$1 count=$2 smp=${3:-4}
here=$(cd "$(dirname "$0")/../../tests/boot" && pwd)
. "$here/guest-assets.sh"
. "$here/console.sh"
find_assets Image fw_dynamic.bin initramfs.cpio.gz
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
console_start "$WORK/log" run -M virt -smp "$smp" -m 512M -bios "$ASSETS/fw_dynamic.bin" \
    -kernel "$ASSETS/Image" -initrd "$ASSETS/initramfs.cpio.gz" -append console=ttyS0 \
    --timeout 3000
i=0
while :; do
    while [ "$(tr -d '\r' <"$WORK/log" | grep -c '^GUEST-SHELL')" -le "$i" ]; do
        kill -0 "$VM_PID" 2>/dev/null || { echo "vm exited after $i boots"; exit 1; }
        sleep 0.2
    done
    sleep 1
    rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$VM_PID/status")
    echo "boot $i: VmRSS $((rss / 1024)) MiB"
    [ "$i" -eq 0 ] || echo "$rss" >>"$WORK/rss"
    i=$((i + 1))
    [ "$i" -le "$count" ] || break
    console_type 'reboot -f\r'
done
hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$VM_PID/status")
console_type 'poweroff -f\r'
console_finish 60
echo "after $count reboots: VmHWM $((hwm / 1024)) MiB, exit status $VM_STATUS"
[ "$VM_STATUS" -eq 0 ] || { echo "FAIL: vm exited with status $VM_STATUS"; exit 1; }
if tr -d '\r' <"$WORK/log" | grep -Eq 'ERROR: (Address|Leak)Sanitizer|runtime error:'; then
    tr -d '\r' <"$WORK/log" | grep -E -A30 'ERROR: (Address|Leak)Sanitizer|runtime error:' | head -60
    echo "FAIL: sanitizer report"
    exit 1
fi
if [ "$count" -ge 1 ] && ! awk '{ v[NR] = $1 } END {
        k = NR < 5 ? NR : 5
        for (i = 1; i <= k; i++) { a += v[i]; b += v[NR - k + i] }
        printf "mean VmRSS, boots 1-%d: %.1f MiB, last %d: %.1f MiB\n", k, a / k / 1024, k, b / k / 1024
        exit !(b <= a * 1.10) }' "$WORK/rss"; then
    echo "FAIL: VmRSS grew with the reboots"
    exit 1
fi
echo "PASS: $count reboots"
