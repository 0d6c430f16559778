#!/bin/sh
# linux.sh VM SECONDS [ACCEL]
#
# gdb-multiarch on Debian's Linux (OpenSBI + kernel + initramfs, -smp 2):
# boots to the shell with -gdb, attaches (which stops the machine), lets it
# run, interrupts it with Ctrl-C (SIGINT to gdb, which sends 0x03), reads
# satp, priv and the code at a kernel virtual address, and continues; the
# guest is then told to `poweroff -f` on its console, and must power off
# cleanly: gdb sees the end (W00) and vm exits with status 0. Meanwhile
# the MMU's figures of a paging guest: HMP info mmu (gdb's monitor
# command) and QMP's x-query-mmu (-qmp, qmp_mmu.py), L1 hits counted
# (-accel tcg,l1-hits=on).
set -u
[ $# -eq 2 ] || [ $# -eq 3 ] || { echo "usage: $0 VM SECONDS [ACCEL]" >&2; exit 2; }
VM=$1 limit=$2 accel=${3:-tcg}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../boot/guest-assets.sh"
find_assets Image fw_dynamic.bin initramfs.cpio.gz
command -v gdb-multiarch >/dev/null ||
    { echo "SKIPPED: no gdb-multiarch (scripts/install-deps.sh installs it)"; exit 77; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
. "$here/../boot/console.sh"
log=$WORK/console.log
sock=$WORK/gdb.sock
qmp=$WORK/qmp.sock
fail() {
    echo "FAIL: $*"
    echo "---- gdb ----"; cat "$WORK/gdb.out" 2>/dev/null
    echo "---- console (last 30 lines) ----"; tr -d '\r' <"$log" | tail -n 30
    exit 1
}
console_start "$log" run -M virt -accel "$accel,l1-hits=on" -smp 2 -m 256M -bios "$ASSETS/fw_dynamic.bin" \
    -kernel "$ASSETS/Image" -initrd "$ASSETS/initramfs.cpio.gz" -append console=ttyS0 \
    -gdb "unix:$sock" -qmp "unix:$qmp,server=on,wait=off" --timeout "$limit"
console_wait '^GUEST-SHELL' "$limit" || fail "no shell"
sleep 1
sed "s|@SOCK@|$sock|g" "$here/linux.gdb" >"$WORK/script.gdb"
# --foreground: timeout passes our SIGINT to gdb once (without it, it also
# sends it to its process group, and a second Ctrl-C makes gdb give up)
timeout --foreground 120 gdb-multiarch -nx -batch -x "$WORK/script.gdb" >"$WORK/gdb.out" 2>&1 &
gdb_pid=$!
# gdb attaches and continues; then Ctrl-C it (a SIGINT before its
# continue would end the script instead)
n=1200 # 120 s: a loaded machine
until grep -q '^CONTINUING' "$WORK/gdb.out" 2>/dev/null || [ $n -eq 0 ]; do sleep 0.1; n=$((n - 1)); done
[ $n -gt 0 ] || fail "gdb did not attach"
sleep 2
kill -INT $gdb_pid
n=1200 # 120 s: a loaded machine
until grep -q '^=> 0x' "$WORK/gdb.out" 2>/dev/null || [ $n -eq 0 ]; do sleep 0.1; n=$((n - 1)); done
[ $n -gt 0 ] || fail "gdb did not stop the guest"
python3 "$here/qmp_mmu.py" "$qmp" 2 >"$WORK/qmp.out" 2>&1 || { cat "$WORK/qmp.out"; fail "x-query-mmu"; }
cat "$WORK/qmp.out"
sleep 1 # gdb is in its last continue
console_type 'echo GDB-CONTINUED\r'
console_wait '^GDB-CONTINUED' 60 || fail "the guest does not run after gdb's continue"
console_type 'poweroff -f\r'
console_finish "$limit" # vm ends itself by then (--timeout): a generous bound costs nothing
wait $gdb_pid
gdb_status=$?
[ "$VM_STATUS" -eq 0 ] || fail "vm exited with status $VM_STATUS"
[ $gdb_status -eq 0 ] || fail "gdb exited with status $gdb_status"
tr -d '\r' <"$log" | grep -q 'reboot: Power down' || fail "the kernel did not power down"
awk -v want="$here/linux.expect" -f "$here/in-order.awk" "$WORK/gdb.out" >"$WORK/check" ||
    fail "$(cat "$WORK/check")"
cat "$WORK/gdb.out"
echo "PASS"
