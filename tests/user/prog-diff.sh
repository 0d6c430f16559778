#!/bin/sh
# prog-diff.sh STATUS VM ACCEL PROG [ARGS...]
#
# Runs PROG under `vm user` (with -accel ACCEL unless ACCEL is "-"): it must
# exit with STATUS (128 + N: killed by signal N, as the shell reports a
# native program's death). When Debian's qemu-riscv64 is installed, PROG
# runs under it too and must give the same status and stdout (once: with
# the default engine). vm runs with VM_USER_TEST=1 in the environment: a
# test tolerates qemu-riscv64's wrong answers (said in the test) only
# without it (check.h under_vm).
set -u
want=$1 vm=$2 accel=$3
shift 3
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
if [ "$accel" = - ]; then
    VM_USER_TEST=1 "$vm" user "$@" > "$out/vm" 2> "$out/vm.err" < /dev/null; s=$?
else
    VM_USER_TEST=1 "$vm" user -accel "$accel" "$@" > "$out/vm" 2> "$out/vm.err" < /dev/null; s=$?
fi
cat "$out/vm" "$out/vm.err"
[ "$s" -eq "$want" ] || { echo "FAIL: vm user exited $s, expected $want"; exit 1; }
if [ "$accel" = - ] && command -v qemu-riscv64 >/dev/null 2>&1; then
    qemu-riscv64 "$@" > "$out/qemu" 2>/dev/null < /dev/null; q=$?
    [ "$q" -eq "$s" ] || { echo "FAIL: qemu-riscv64 exited $q, vm $s"; exit 1; }
    cmp "$out/vm" "$out/qemu" || { echo "FAIL: stdout differs from qemu-riscv64's"; exit 1; }
    echo "same as qemu-riscv64 (status $q)"
fi
echo PASS
