#!/bin/sh
# locks-qemu.sh VM
#
# Image locks against Debian's QEMU, the real other user of an image: vm
# and qemu-system-riscv64 refuse each other's images, unless both open
# them read-only (OFD locks on QEMU's lock bytes, both ways):
#   QEMU writes  -> vm read-write refused, vm readonly=on refused
#   QEMU reads   -> vm readonly=on runs, vm read-write refused
#   vm writes    -> QEMU read-write and QEMU readonly=on refused
#   vm reads     -> QEMU readonly=on runs
# Each machine only sits in OpenSBI (no kernel) until it is stopped.
set -eu
[ $# -eq 1 ] || { echo "usage: $0 VM" >&2; exit 2; }
VM=$1
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../boot/guest-assets.sh"
find_assets fw_dynamic.bin
QEMU=$(command -v qemu-system-riscv64) ||
    { echo "SKIPPED: qemu-system-riscv64 missing (scripts/install-deps.sh)"; exit 77; }
WORK=$(mktemp -d)
HOLDER=""
trap '[ -z "$HOLDER" ] || kill -9 "$HOLDER" 2>/dev/null; rm -rf "$WORK"' EXIT
img=$WORK/disk.img
truncate -s 1M "$img"
inode=$(stat -c %i "$img")
fail() { echo "FAIL: $*"; exit 1; }

# A holder keeps the image open until killed. held: the image has locks.
held() { grep -q ":$inode " /proc/locks; }
hold() {
    "$@" >"$WORK/holder.log" 2>&1 &
    HOLDER=$!
    n=0
    while ! held; do
        kill -0 "$HOLDER" 2>/dev/null || { cat "$WORK/holder.log"; fail "the holder exited: $*"; }
        [ $n -lt 300 ] || fail "no lock on the image after 30 s: $*"
        sleep 0.1
        n=$((n + 1))
    done
}
release() {
    kill -9 "$HOLDER" 2>/dev/null || true
    wait "$HOLDER" 2>/dev/null || true
    HOLDER=""
    ! held || fail "locks remain after the holder exited"
}
vm_cmd() { echo "$VM run -M virt -m 64M -bios $ASSETS/fw_dynamic.bin -drive file=$img,format=raw,if=virtio$1"; }
qemu_cmd() { echo "$QEMU -M virt -m 64M -nographic -monitor none -serial none -bios $ASSETS/fw_dynamic.bin -drive file=$img,format=raw,if=virtio$1"; }
# refused WHAT CMD...: CMD fails at once, with a message about the lock.
refused() {
    what=$1
    shift
    st=0
    timeout 20 "$@" </dev/null >"$WORK/out" 2>&1 || st=$?
    [ $st -ne 0 ] && [ $st -ne 124 ] || { cat "$WORK/out"; fail "$what: not refused (status $st)"; }
    grep -Eqi 'in use by another process|lock' "$WORK/out" ||
        { cat "$WORK/out"; fail "$what: refused, but not for the lock"; }
    echo "$what: refused: $(head -n 1 "$WORK/out")"
}
# runs WHAT CMD...: CMD opens the image and runs until the 3 s bound.
runs() {
    what=$1
    shift
    st=0
    timeout 3 "$@" </dev/null >"$WORK/out" 2>&1 || st=$?
    [ $st -eq 124 ] || { cat "$WORK/out"; fail "$what: did not run (status $st)"; }
    echo "$what: runs"
}

# shellcheck disable=SC2046 # the commands are split into words on purpose
hold $(qemu_cmd "")
refused "QEMU writes, vm read-write" $(vm_cmd "")
refused "QEMU writes, vm readonly=on" $(vm_cmd ",readonly=on")
release
hold $(qemu_cmd ",readonly=on")
runs "QEMU reads, vm readonly=on" $(vm_cmd ",readonly=on")
refused "QEMU reads, vm read-write" $(vm_cmd "")
release
hold $(vm_cmd "")
refused "vm writes, QEMU read-write" $(qemu_cmd "")
refused "vm writes, QEMU readonly=on" $(qemu_cmd ",readonly=on")
release
hold $(vm_cmd ",readonly=on")
runs "vm reads, QEMU readonly=on" $(qemu_cmd ",readonly=on")
release
echo "PASS"
