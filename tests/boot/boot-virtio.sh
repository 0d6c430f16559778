#!/bin/sh
# boot-virtio.sh VM SECONDS
#
# Debian's kernel with the virtio initramfs (scripts/fetch-guest-riscv64.sh)
# on `vm run -M virt` with two virtio disks and virtio-rng, as a user types:
#   - disk 1 (an ext4 image made here, read-write, -drive if=none +
#     -device virtio-blk-device,serial=...): the guest reads a file and its
#     sha256, writes a new file, syncs, unmounts; afterwards e2fsck -fn on
#     the host finds the image clean and the file matches byte for byte;
#   - disk 2 (-drive if=virtio,readonly=on): writes fail in the guest and
#     the image's sha256 does not change;
#   - the serial number reaches /sys/block/vda/serial (GET_ID);
#   - /dev/hwrng is virtio_rng and gives bytes.
set -eu
[ $# -eq 2 ] || { echo "usage: $0 VM SECONDS" >&2; exit 2; }
VM=$1 limit=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/guest-assets.sh"
. "$here/console.sh"
find_assets Image fw_dynamic.bin initramfs-virtio.cpio.gz
PATH=$PATH:/sbin:/usr/sbin
command -v mke2fs >/dev/null && command -v debugfs >/dev/null ||
    { echo "SKIPPED: mke2fs/debugfs missing (e2fsprogs)"; exit 77; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
log=$WORK/console.log
fail() { console_fail "$@"; }

mkdir "$WORK/root" "$WORK/ro"
echo "hello from vm's virtio-blk" > "$WORK/root/hello.txt"
head -c 300000 /dev/urandom > "$WORK/root/data.bin"
echo "read-only disk" > "$WORK/ro/ro.txt"
mke2fs -q -F -t ext4 -d "$WORK/root" "$WORK/disk.img" 16M
mke2fs -q -F -t ext4 -d "$WORK/ro" "$WORK/ro.img" 8M
data_sha=$(sha256sum < "$WORK/root/data.bin" | cut -d' ' -f1)
ro_sha=$(sha256sum < "$WORK/ro.img" | cut -d' ' -f1)

start=$(date +%s)
console_start "$log" run -M virt -smp 2 -m 256M -bios "$ASSETS/fw_dynamic.bin" \
    -kernel "$ASSETS/Image" -initrd "$ASSETS/initramfs-virtio.cpio.gz" -append "console=ttyS0" \
    -drive "file=$WORK/disk.img,format=raw,if=none,id=hd0" \
    -device virtio-blk-device,drive=hd0,serial=vm-test-disk \
    -drive "file=$WORK/ro.img,format=raw,if=virtio,readonly=on" \
    -device virtio-rng-device --timeout "$limit"
console_wait '^GUEST-SHELL' "$limit" || fail "no shell"
echo "shell after $(($(date +%s) - start)) s"
tr -d '\r' <"$log" | grep -q '^GUEST-MODULES.* virtio_blk' || fail "virtio_blk not loaded"
sleep 1
console_type 'mkdir -p /mnt /ro; mount /dev/vda /mnt && echo MOUNTED-RW\r'
console_wait '^MOUNTED-RW' 60 || fail "could not mount /dev/vda"
console_type 'cat /mnt/hello.txt; echo "SHA=$(sha256sum /mnt/data.bin)"\r'
console_type 'echo "SERIAL=$(cat /sys/block/vda/serial)"\r'
console_type 'dd if=/dev/urandom of=/mnt/new.bin bs=4096 count=100 2>/dev/null; echo "NEW=$(sha256sum /mnt/new.bin)"\r'
console_type 'sync; umount /mnt && echo UNMOUNTED\r'
console_wait '^UNMOUNTED' 60 || fail "no unmount"
console_type 'mount -o ro /dev/vdb /ro && cat /ro/ro.txt; echo x > /ro/y || echo RO-WRITE-FAILED\r'
console_type 'echo "RO-FLAG=$(cat /sys/block/vdb/ro)"; umount /ro\r'
console_type 'echo "RNG=$(cat /sys/class/misc/hw_random/rng_current) $(dd if=/dev/hwrng bs=32 count=1 2>/dev/null | od -An -tx1 | tr -d " \\n")"\r'
console_poweroff "$limit"
echo "$out" | grep -qx "hello from vm's virtio-blk" || fail "hello.txt not read"
echo "$out" | grep -q "^SHA=$data_sha " || fail "data.bin's sha256 differs in the guest"
echo "$out" | grep -qx "SERIAL=vm-test-disk" || fail "no serial number"
new=$(echo "$out" | sed -n 's/^NEW=\([0-9a-f]*\) .*/\1/p')
[ -n "$new" ] || fail "the guest did not write new.bin"
echo "$out" | grep -qx "read-only disk" || fail "ro.txt not read"
echo "$out" | grep -qx "RO-WRITE-FAILED" || fail "a write to the read-only disk did not fail"
echo "$out" | grep -qx "RO-FLAG=1" || fail "the guest does not see vdb as read-only"
echo "$out" | grep -Eq "^RNG=virtio_rng.0 [0-9a-f]{64}$" || fail "no bytes from virtio_rng"
e2fsck -fn "$WORK/disk.img" >"$WORK/fsck.log" 2>&1 || { cat "$WORK/fsck.log"; fail "e2fsck: the image is not clean"; }
debugfs -R "dump /new.bin $WORK/new.bin" "$WORK/disk.img" >/dev/null 2>&1
[ "$(sha256sum < "$WORK/new.bin" | cut -d' ' -f1)" = "$new" ] || fail "new.bin on the host differs"
[ "$(sha256sum < "$WORK/ro.img" | cut -d' ' -f1)" = "$ro_sha" ] || fail "the read-only image changed"
echo "$out" | grep -E '^(GUEST-MODULES|SHA=|SERIAL=|NEW=|RNG=|RO-)'
echo "PASS"
