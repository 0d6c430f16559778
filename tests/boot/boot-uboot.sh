#!/bin/sh
# boot-uboot.sh VM SECONDS
#
# OpenSBI (fw_jump) plus Debian's U-Boot for QEMU virt in S-mode on
# `vm run -M virt`: waits for U-Boot's prompt (autoboot finds nothing to
# boot), runs a command that reads U-Boot's environment, then `poweroff`
# (SBI system reset), and checks that vm exits with status 0.
# VM_ACCEL (environment): vm's -accel value, e.g. tcg,jit=on.
set -eu
[ $# -eq 2 ] || { echo "usage: $0 VM SECONDS" >&2; exit 2; }
VM=$1 limit=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/guest-assets.sh"
. "$here/console.sh"
find_assets fw_jump.bin u-boot-smode.bin

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
log=$WORK/console.log
fail() {
    echo "FAIL: $*"
    echo "---- console (last 40 lines) ----"
    tr -d '\r' <"$log" | tail -n 40
    exit 1
}

start=$(date +%s)
console_start "$log" run ${VM_ACCEL:+--accel "$VM_ACCEL"} -M virt -smp 1 -m 256M -bios "$ASSETS/fw_jump.bin" \
    -kernel "$ASSETS/u-boot-smode.bin" --timeout "$limit"
console_wait '^U-Boot 20' "$limit" || fail "no U-Boot banner"
console_wait '^=> ' "$limit" || fail "no U-Boot prompt"
echo "prompt after $(($(date +%s) - start)) s"
console_type 'echo UBOOT-${arch}-OK\r'
console_wait '^UBOOT-riscv-OK' 30 || fail "U-Boot did not run the command"
console_type 'poweroff\r'
console_finish "$limit" # vm ends itself by then (--timeout): a generous bound costs nothing
[ "$VM_STATUS" -eq 0 ] || fail "vm exited with status $VM_STATUS"
tr -d '\r' <"$log" | grep -E '^(U-Boot 20|Model|DRAM|UBOOT-)'
echo "PASS"
