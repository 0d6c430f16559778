#!/bin/sh
# sandbox-boot.sh VM [RUNS]: the Linux boot to the initramfs shell (Debian's
# OpenSBI and kernel, -smp 2 -m 512M), with and without -sandbox on,
# interleaved, RUNS times each (default 3); prints each time and the
# medians. Not a test: the figure for docs/PERFORMANCE.md. Run it under
# flock /work/notes/bench.lock on a quiet machine.
set -eu
VM=$1 runs=${2:-3}
here=$(cd "$(dirname "$0")/../../tests/boot" && pwd)
. "$here/guest-assets.sh"
. "$here/console.sh"
find_assets Image fw_dynamic.bin initramfs.cpio.gz
boot_once() { # extra flags...
    WORK=$(mktemp -d)
    t0=$(date +%s.%N)
    console_start "$WORK/log" run "$@" -M virt -smp 2 -m 512M -bios "$ASSETS/fw_dynamic.bin" \
        -kernel "$ASSETS/Image" -initrd "$ASSETS/initramfs.cpio.gz" -append console=ttyS0 \
        --timeout 600
    console_wait '^GUEST-SHELL' 600 || { kill "$VM_PID"; echo "no shell" >&2; exit 1; }
    t1=$(date +%s.%N)
    console_type 'poweroff -f\r'
    console_finish 60
    rm -rf "$WORK"
    echo "$t0 $t1" | awk '{ printf "%.2f\n", $2 - $1 }'
}
: >/tmp/sandbox-boot.$$.off
: >/tmp/sandbox-boot.$$.on
for i in $(seq "$runs"); do
    boot_once >>/tmp/sandbox-boot.$$.off
    boot_once -sandbox on >>/tmp/sandbox-boot.$$.on
done
med() { sort -n "$1" | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
echo "without -sandbox: $(tr '\n' ' ' </tmp/sandbox-boot.$$.off) median $(med /tmp/sandbox-boot.$$.off) s"
echo "with -sandbox on: $(tr '\n' ' ' </tmp/sandbox-boot.$$.on) median $(med /tmp/sandbox-boot.$$.on) s"
rm -f /tmp/sandbox-boot.$$.off /tmp/sandbox-boot.$$.on
