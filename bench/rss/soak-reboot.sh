#!/bin/sh
# soak-reboot.sh VM N [SMP]: one vm process boots Debian's kernel to the
# initramfs shell, reboots it (reboot -f) N times, then powers off; prints
# vm's VmRSS at each shell prompt and VmHWM at the end. The RSS must not
# grow with the reboots (every boot maps fresh RAM and frees the old).
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
    i=$((i + 1))
    [ "$i" -le "$count" ] || break
    console_type 'reboot -f\r'
done
hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$VM_PID/status")
console_type 'poweroff -f\r'
console_finish 60
echo "after $count reboots: VmHWM $((hwm / 1024)) MiB, exit status $VM_STATUS"
