#!/bin/sh
# sandbox.sh VM BOOT-SCRIPT ARGS...: runs a boot test script (tests/boot)
# with vm under -sandbox on (sandbox-wrap.sh); passes when the script
# passes and, every time the watcher looked while the filter was on, every
# thread of vm showed it in /proc/PID/task/TID/status (Seccomp: 2, filter
# mode): one filter for all threads, the vCPUs, the event loop, the timer
# and those started later (reboots, I/O) included.
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
sleep 0.5 # the watcher's last look (vm has ended: it stops within 0.2 s)
[ -s "$work/seccomp" ] || { echo "FAIL: vm's main thread never showed Seccomp: 2"; exit 1; }
looks=$(wc -l <"$work/seccomp")
most=$(awk '$1 > m { m = $1 } END { print m + 0 }' "$work/seccomp")
bad=$(awk '$2 != $1' "$work/seccomp" | head -n 1)
echo "the watcher looked $looks times with the filter on; up to $most threads"
[ -z "$bad" ] || { echo "FAIL: a look saw threads without the filter (threads, filtered): $bad"; exit 1; }
# vm's own threads at least: main, the event loop, a vCPU
[ "$most" -ge 3 ] || { echo "FAIL: only $most threads seen"; exit 1; }
echo "every thread showed Seccomp: 2 every time"
echo "PASS"
