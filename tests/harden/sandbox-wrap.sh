#!/bin/sh
# A `vm` for the boot scripts that runs the real one ($VM_REAL) with
# -sandbox on after its command word, and writes the Seccomp line of its
# /proc/PID/status to $SANDBOX_STATUS once the filter is on.
cmd=$1
shift
exec 3<&0
"$VM_REAL" "$cmd" -sandbox on "$@" <&3 3<&- &
pid=$!
trap 'kill "$pid" 2>/dev/null' TERM INT HUP
(
    while kill -0 "$pid" 2>/dev/null; do
        line=$(grep '^Seccomp:' "/proc/$pid/status" 2>/dev/null)
        case "$line" in *2) echo "$line" >"$SANDBOX_STATUS"; exit 0 ;; esac
        sleep 0.1
    done
) &
status=0
wait "$pid" || status=$?
exit "$status"
