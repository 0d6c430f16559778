# Sourced by the boot tests: run vm with its console on a FIFO, so that a
# test can wait for a line and then type, as a user at the terminal.
#   console_start LOG VM-ARGS...   start vm (stdout+stderr to LOG)
#   console_wait PATTERN SECONDS   wait for an extended regex in LOG (1 if vm
#                                  exited or time ran out)
#   console_type TEXT              type TEXT (printf format, e.g. 'ls\r')
#   console_finish SECONDS         wait for vm to exit; sets VM_STATUS
# Uses WORK (a scratch folder the caller made) and VM (the binary).

console_start() {
    LOG=$1
    shift
    mkfifo "$WORK/in"
    "$VM" "$@" <"$WORK/in" >"$LOG" 2>&1 &
    VM_PID=$!
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
    # shellcheck disable=SC2059 # the caller's text is the format
    printf "$1" >&9
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
    VM_STATUS=0
    wait "$VM_PID" || VM_STATUS=$?
    exec 9>&-
}
