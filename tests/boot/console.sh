# Sourced by the boot tests: run vm with its console on a FIFO, so that a
# test can wait for a line and then type, as a user at the terminal.
#   console_start LOG VM-ARGS...   start vm (stdout+stderr to LOG)
#   console_wait PATTERN SECONDS   wait for an extended regex in LOG (1 if vm
#                                  exited or time ran out)
#   console_type TEXT              type TEXT (printf format, e.g. 'ls\r');
#                                  if vm is gone, says how it ended and exits 1
#   console_finish SECONDS         wait for vm to exit; sets VM_STATUS
#   console_vm_state               prints one line: vm running, or how it
#                                  ended (sets VM_STATUS; not in a $(...))
#   console_fail MESSAGE           FAIL: MESSAGE, vm's state, the console's
#                                  last 40 lines; exit 1
#   console_poweroff [SECONDS]     types `poweroff -f`, waits SECONDS (60) for
#                                  vm to end (give the test's limit: vm's own
#                                  --timeout ends it by then, and a loaded
#                                  machine may need more than 60 s); fails
#                                  unless with status 0; sets out
#                                  (the whole console, without CRs)
# Uses WORK (a scratch folder the caller made) and VM (the binary).

console_start() {
    LOG=$1
    shift
    mkfifo "$WORK/in"
    : >"$LOG" # exists before vm opens it (console_wait may read first)
    VM_STATUS=""
    "$VM" "$@" <"$WORK/in" >"$LOG" 2>&1 &
    VM_PID=$!
    CONSOLE_T0=$(date +%s)
    exec 9>"$WORK/in" # keep the console open (no EOF) until the end
}

console_wait() {
    n=$(($2 * 10))
    while [ "$n" -gt 0 ]; do
        tr -d '\r' <"$LOG" | grep -Eq -- "$1" && return 0
        kill -0 "$VM_PID" 2>/dev/null || { tr -d '\r' <"$LOG" | grep -Eq -- "$1"; return; }
        sleep 0.1
        n=$((n - 1))
    done
    return 1
}

console_type() {
    # In a subshell that ignores SIGPIPE: with vm gone (nobody reads the
    # FIFO) printf fails with EPIPE instead of killing the test silently.
    # shellcheck disable=SC2059 # the caller's text is the format
    if ! (trap '' PIPE; printf "$1" >&9) 2>/dev/null; then
        console_fail "cannot type '$1': the console is closed"
    fi
}

console_fail() {
    echo "FAIL: $*"
    console_vm_state
    echo "---- console (last 40 lines) ----"
    tr -d '\r' <"$LOG" | tail -n 40
    exit 1
}

console_poweroff() {
    console_type 'poweroff -f\r'
    console_finish "${1:-60}"
    echo "exit after $(($(date +%s) - CONSOLE_T0)) s, status $VM_STATUS"
    out=$(tr -d '\r' <"$LOG")
    [ "$VM_STATUS" -eq 0 ] || console_fail "vm exited with status $VM_STATUS"
}

console_vm_state() {
    if [ -z "$VM_STATUS" ] && kill -0 "$VM_PID" 2>/dev/null; then
        echo "vm (pid $VM_PID) is running"
        return
    fi
    [ -n "$VM_STATUS" ] || { VM_STATUS=0; wait "$VM_PID" || VM_STATUS=$?; }
    if [ "$VM_STATUS" -gt 128 ]; then
        echo "vm exited, killed by signal SIG$(kill -l $((VM_STATUS - 128)))"
    else
        echo "vm exited with status $VM_STATUS"
    fi
}

console_finish() {
    n=$(($1 * 10))
    while kill -0 "$VM_PID" 2>/dev/null && [ "$n" -gt 0 ]; do
        sleep 0.1
        n=$((n - 1))
    done
    if kill -0 "$VM_PID" 2>/dev/null; then
        echo "FAIL: vm still running after ${1} s; killing it"
        kill "$VM_PID"
    fi
    [ -n "$VM_STATUS" ] || { VM_STATUS=0; wait "$VM_PID" || VM_STATUS=$?; }
    exec 9>&-
}
