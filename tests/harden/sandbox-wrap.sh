#!/bin/sh
# A `vm` for the boot scripts that runs the real one ($VM_REAL) with
# -sandbox on after its command word (exec: the pid the script sees, kills
# and waits for is vm's own). A watcher in the background appends to
# $SANDBOX_STATUS, every 0.2 s from the moment vm's main thread shows
# "Seccomp: 2" until vm ends, one line per look at all of vm's threads:
#   THREADS FILTERED
# (how many threads /proc/PID/task lists, and how many of them show
# "Seccomp: 2"). The filter is installed with TSYNC, on every thread at
# once, and new threads inherit it: every line must have FILTERED = THREADS.
cmd=$1
shift
pid=$$
(
    exec </dev/null >/dev/null 2>&1
    on=""
    while [ -d "/proc/$pid" ]; do
        if [ -z "$on" ]; then
            grep -q '^Seccomp:[[:space:]]*2$' "/proc/$pid/status" 2>/dev/null && on=1
        fi
        if [ -n "$on" ]; then
            n=0 f=0
            for t in /proc/$pid/task/*/status; do
                s=$(grep '^Seccomp:' "$t" 2>/dev/null) || continue # the thread ended meanwhile
                n=$((n + 1))
                case "$s" in *2) f=$((f + 1)) ;; esac
            done
            [ ! -d "/proc/$pid" ] || echo "$n $f" >>"$SANDBOX_STATUS"
        fi
        sleep 0.2
    done
) &
exec "$VM_REAL" "$cmd" -sandbox on "$@"
