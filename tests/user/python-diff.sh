#!/bin/sh
# python-diff.sh VM RISCV64_SYSROOT AMD64_SYSROOT SCRIPT [ACCEL]
#
# Debian's riscv64 python3 under `vm user -L RISCV64_SYSROOT` against the
# amd64 python3 of the same version run natively through the amd64
# sysroot's loader (PYTHONHOME: it cannot find its library from the
# loader's path): the same stdout and exit status. Exit 77 when python3 is
# not in the sysroots (scripts/fetch-user-sysroot.sh with python3).
set -u
vm=$1 rv=$2 amd=$3 script=$4 accel=${5:--}
py=$(cd "$rv/usr/bin" 2>/dev/null && ls python3.* 2>/dev/null | grep -E '^python3\.[0-9]+$' | head -1)
[ -n "$py" ] && [ -x "$amd/usr/bin/$py" ] || { echo "SKIP: no python3 in the sysroots"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ "$accel" = - ]; then
    "$vm" user -L "$rv" "$rv/usr/bin/$py" -B "$script" > "$work/vm" 2> "$work/vm.err"; s1=$?
else
    "$vm" user -accel "$accel" -L "$rv" "$rv/usr/bin/$py" -B "$script" > "$work/vm" 2> "$work/vm.err"; s1=$?
fi
PYTHONHOME="$amd/usr" "$amd/usr/lib64/ld-linux-x86-64.so.2" --library-path "$amd/usr/lib/x86_64-linux-gnu" \
    "$amd/usr/bin/$py" -B "$script" > "$work/nat" 2> "$work/nat.err"; s2=$?
cat "$work/vm"
[ "$s1" -eq "$s2" ] || { echo "FAIL: status vm $s1, native $s2"; head -20 "$work/vm.err"; exit 1; }
cmp "$work/vm" "$work/nat" || { echo "FAIL: output differs from native"; cat "$work/nat"; head -20 "$work/vm.err"; exit 1; }
echo "PASS ($py, status $s1)"
