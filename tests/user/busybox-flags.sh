#!/bin/sh
# busybox-flags.sh VM RISCV64_BUSYBOX
#
# `vm user`'s own flags and views, seen from inside the riscv64 busybox:
# -0 (busybox picks its applet by argv[0]), -E, -U, /proc/self/exe naming
# the guest program, /proc/self/maps showing the guest's mappings,
# /proc/cpuinfo a riscv64 one, uname saying riscv64, the exit status passed on. Exit 77 if busybox is missing.
set -u
vm=$1 bb=$2
[ -x "$bb" ] || { echo "SKIP: $bb missing (scripts/fetch-user-sysroot.sh riscv64)"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }
out=$("$vm" user -0 echo "$bb" via argv0) || fail "-0: status $?"
[ "$out" = "via argv0" ] || fail "-0 echo: '$out'"
out=$(VM_USER_TEST_A=1 "$vm" user -E VM_USER_TEST_B=two -U VM_USER_TEST_A "$bb" env) || fail "env"
echo "$out" | grep -qx VM_USER_TEST_B=two || fail "-E did not set the variable"
echo "$out" | grep -q VM_USER_TEST_A && fail "-U did not remove the variable"
real=$(readlink -f "$bb")
out=$("$vm" user "$bb" readlink /proc/self/exe) || fail "readlink: status $?"
[ "$out" = "$real" ] || fail "/proc/self/exe is '$out', not '$real'"
maps=$("$vm" user "$bb" cat /proc/self/maps) || fail "maps: status $?"
echo "$maps" | grep -q '\[stack\]$' || fail "no [stack] in /proc/self/maps: $maps"
echo "$maps" | grep -Eq '^0*10000-[0-9a-f]+ r-xp ' || fail "no r-xp text of busybox at 0x10000: $maps"
cpu=$("$vm" user "$bb" cat /proc/cpuinfo) || fail "cpuinfo: status $?"
echo "$cpu" | grep -Eq "^isa$(printf '\t\t'): rv64imafdc" || fail "no riscv64 isa line in /proc/cpuinfo: $cpu"
echo "$cpu" | grep -q "^mmu$(printf '\t\t'): sv48$" || fail "no mmu line in /proc/cpuinfo: $cpu"
[ "$(echo "$cpu" | grep -c '^processor')" -eq "$(nproc)" ] || fail "/proc/cpuinfo: not one processor per host CPU"
[ "$("$vm" user "$bb" uname -m)" = riscv64 ] || fail "uname -m"
"$vm" user "$bb" sh -c 'exit 7'; [ $? -eq 7 ] || fail "exit status 7 not passed on"
out=$("$vm" user -d strace "$bb" true 2>&1 >/dev/null) || fail "strace run"
echo "$out" | grep -Eq '^[0-9]+ exit_group\(0x0' || fail "-d strace printed no exit_group: $out"
echo PASS
