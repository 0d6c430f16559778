#!/bin/sh
# boot-linux.sh VM SMP SECONDS [reboot]
#
# Boots Debian's riscv64 kernel with Debian's OpenSBI (fw_dynamic) and the
# interactive initramfs on `vm run -M virt -smp SMP`, like a user would:
# waits for the GUEST-BOOT-OK marker and the shell, types commands that
# show /proc/cpuinfo's harts and isa (which must list the extensions the
# hart has: the kernel read them from the device tree), count crypto
# self-test failures in dmesg (none allowed) and, with HWPROBE=ELF set (a
# static Linux program, tests/boot/linux/hwprobe.S, appended to the
# initramfs as /hwprobe), ask riscv_hwprobe for the extensions; then
# `poweroff -f`, and checks that
# vm exits with status 0 within SECONDS. With `reboot`, first types
# `reboot -f` and waits for the machine to boot again to the shell. vm runs
# with -v, whose per-hart usage counts show the kernel took its own paths
# for some extensions: cbo.zero in clear_page, Svpbmt IO pages for ioremap,
# clmul in its CRC-32 (Zbc).
# VM_ACCEL (environment): vm's -accel value, e.g. tcg,jit=on.
set -eu
[ $# -eq 3 ] || [ $# -eq 4 ] || { echo "usage: $0 VM SMP SECONDS [reboot]" >&2; exit 2; }
VM=$1 smp=$2 limit=$3 reboot=${4:-}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/guest-assets.sh"
. "$here/console.sh"
find_assets Image fw_dynamic.bin initramfs.cpio.gz

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
initrd=$ASSETS/initramfs.cpio.gz
if [ -n "${HWPROBE:-}" ]; then
    # The kernel unpacks concatenated archives, compressed or not.
    mkdir "$WORK/extra"
    cp "$HWPROBE" "$WORK/extra/hwprobe"
    chmod 755 "$WORK/extra/hwprobe"
    (cd "$WORK/extra" && echo hwprobe | cpio -o -H newc --quiet) >"$WORK/extra.cpio"
    # The next archive must start 4-byte aligned: pad with zeros (skipped).
    pad=$(( (4 - $(wc -c <"$ASSETS/initramfs.cpio.gz") % 4) % 4 ))
    { cat "$ASSETS/initramfs.cpio.gz"; head -c "$pad" /dev/zero; cat "$WORK/extra.cpio"; } \
        >"$WORK/initrd"
    initrd=$WORK/initrd
fi
log=$WORK/console.log
fail() { console_fail "$@"; }

start=$(date +%s)
console_start "$log" run ${VM_ACCEL:+--accel "$VM_ACCEL"} -v -M virt -smp "$smp" -m 256M -bios "$ASSETS/fw_dynamic.bin" \
    -kernel "$ASSETS/Image" -initrd "$initrd" -append "console=ttyS0" \
    --timeout "$limit"
console_wait '^GUEST-BOOT-OK' "$limit" || fail "no GUEST-BOOT-OK marker"
echo "marker after $(($(date +%s) - start)) s"
console_wait '^GUEST-SHELL' "$limit" || fail "no shell"
sleep 1 # let the shell reach its prompt
if [ "$reboot" = reboot ]; then
    console_type 'reboot -f\r'
    n=$((limit * 10))
    while [ "$(tr -d '\r' <"$log" | grep -c '^GUEST-SHELL')" -lt 2 ]; do
        kill -0 "$VM_PID" 2>/dev/null || fail "vm exited during the reboot"
        n=$((n - 1))
        [ "$n" -gt 0 ] || fail "no shell after the reboot"
        sleep 0.1
    done
    echo "rebooted to the shell after $(($(date +%s) - start)) s"
    sleep 1
fi
# Kernel messages off the console first (emergencies such as the power-off
# line still come): on a loaded machine the kernel warns (hrtimer, RCU
# stalls) and its lines could land inside the answers checked below.
console_type 'dmesg -n 1\r'
console_type 'echo CPUS=$(grep -c ^processor /proc/cpuinfo)\r'
console_type 'grep -m1 ^isa /proc/cpuinfo\r'
console_type 'echo SELFTEST-FAILS=$(dmesg | grep -ciE "alg: .*(fail|error)|self-?tests? .*fail")\r'
[ -z "${HWPROBE:-}" ] || console_type '/hwprobe\r'
console_poweroff "$limit"
echo "$out" | grep -qx "CPUS=$smp" || fail "/proc/cpuinfo does not show $smp harts"
echo "$out" | grep -Eq '^isa[[:space:]]*: rv64imafdc' || fail "/proc/cpuinfo has no rv64imafdc isa line"
isa=$(echo "$out" | grep -E -m1 '^isa[[:space:]]*:')
for e in zicbom zicboz zicond zihintntl zihintpause zihpm zimop zfa zfh zfhmin zcb zcmop zba zbb \
         zbc zbkb zbkc zbkx zbs zknd zkne zknh zkr zksed zksh sscofpmf sstc svinval svnapot svpbmt; do
    echo "$isa" | grep -Eq "_${e}(_|\$)" || fail "/proc/cpuinfo's isa line lacks $e"
done
echo "$out" | grep -qx "SELFTEST-FAILS=0" || fail "dmesg reports crypto self-test failures"
if [ -n "${HWPROBE:-}" ]; then
    v=$(echo "$out" | sed -n 's/^HWPROBE-IMA-EXT-0=\(0x[0-9a-f]*\)$/\1/p')
    [ -n "$v" ] || fail "no riscv_hwprobe answer"
    # Linux's uapi bits: FD 0, C 1, ZBA 3, ZBB 4, ZBS 5, ZICBOZ 6, ZBC 7, ZBKB 8, ZBKC 9, ZBKX 10,
    # ZKND 11, ZKNE 12, ZKNH 13, ZKSED 14, ZKSH 15, ZFH 27, ZFHMIN 28, ZIHINTNTL 29,
    # ZFA 32, ZICOND 35, ZIHINTPAUSE 36, ZIMOP 42, ZCA 43, ZCB 44, ZCD 45, ZCMOP 47.
    for bit in 0 1 3 4 5 6 7 8 9 10 11 12 13 14 15 27 28 29 32 35 36 42 43 44 45 47; do
        [ $(( (v >> bit) & 1 )) -eq 1 ] || fail "riscv_hwprobe IMA_EXT_0 $v lacks bit $bit"
    done
    # ...and nothing the hart lacks: V (2), ZKT (16), vector crypto/FP (17-26, 30, 31)
    for bit in 2 16 17 18 19 20 21 22 23 24 25 26 30 31; do
        [ $(( (v >> bit) & 1 )) -eq 0 ] || fail "riscv_hwprobe IMA_EXT_0 $v has bit $bit"
    done
fi
echo "$out" | grep -q 'reboot: Power down' || fail "the kernel did not power down"
# "vm: hart N used: cbo.zero Z, ..., walks to PBMT NC/IO pages A/B, ...": sum over harts
# (and "clmul C": Linux's CRC-32 takes its Zbc path; with zbc=off it is 0)
used=$(echo "$out" | sed -n 's/^vm: hart [0-9]* used: cbo.zero \([0-9]*\),.*clmul \([0-9]*\),.*PBMT NC\/IO pages [0-9]*\/\([0-9]*\),.*/\1 \3 \2/p')
[ -n "$used" ] || fail "vm -v printed no usage counts"
echo "$used" | awk '{ z += $1; io += $2; c += $3 } END { exit !(z > 0 && io > 0 && c > 0) }' ||
    fail "the kernel used no cbo.zero, no Svpbmt IO page or no clmul (vm -v: $(echo "$out" | grep 'used:'))"
echo "$out" | grep '^vm: hart [0-9]* used:'
# -v's soft-MMU figures at exit (the last block: summed over the harts): the
# kernel paged, so there were walks, at least one PTE read per walk, L2 traffic
mmu=$(echo "$out" | sed -n '/^vm: MMU\(, all harts\)\{0,1\}:$/,$p')
echo "$mmu" | grep -q '^vm:   policy: ' || fail "vm -v printed no MMU report"
walks=$(echo "$mmu" | sed -n 's/^vm:   walks: \([0-9]*\), PTE reads \([0-9]*\) .*/\1 \2/p')
echo "$walks" | awk 'NF == 2 && $1 > 0 && $2 >= $1 { ok = 1 } END { exit !ok }' ||
    fail "vm -v's MMU report has no page walks: $(echo "$mmu" | grep walks)"
echo "$mmu" | grep -Eq '^vm:   L2: hits [1-9][0-9]*, misses [1-9]' || fail "vm -v's MMU report: no L2 traffic"
echo "$mmu"
echo "$out" | grep -E '^(GUEST-|CPUS=|isa|SELFTEST|HWPROBE)'
echo "PASS"
