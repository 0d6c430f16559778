#!/bin/sh
# sandbox.sh VM BOOT-SCRIPT ARGS...: runs a boot test script (tests/boot)
# with vm under -sandbox on; passes when the script passes and vm's
# /proc/PID/status showed the filter (Seccomp: 2, filter mode) meanwhile.
set -u
VM=$1 script=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
VM_REAL=$VM SANDBOX_STATUS=$work/seccomp
export VM_REAL SANDBOX_STATUS
status=0
sh "$script" "$here/sandbox-wrap.sh" "$@" || status=$?
[ "$status" -eq 77 ] && exit 77
[ "$status" -eq 0 ] || { echo "FAIL: $script under -sandbox on: status $status"; exit 1; }
line=$(cat "$work/seccomp" 2>/dev/null)
echo "vm's /proc/PID/status: ${line:-no Seccomp: 2 line seen}"
case "$line" in *2) echo "PASS" ;; *) echo "FAIL: the seccomp filter was not seen"; exit 1 ;; esac
