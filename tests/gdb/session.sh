#!/bin/sh
# session.sh VM ELF SCRIPT EXPECT [VM-RUN-ARGS...]
#
# One debugging session with Debian's gdb-multiarch as the client: starts
# `VM run VM-RUN-ARGS -S -gdb unix:SOCK`, runs gdb-multiarch in batch mode on
# SCRIPT (@SOCK@ replaced by the socket) against ELF's symbols, and passes
# if gdb's output has every line of EXPECT (extended regexes, one per line,
# matched in that order; '#' lines are comments) and vm then exits with
# status 0 by itself (the program ran to its end under the debugger).
# With SESSION_TCP=PORT the stub is the one VM-RUN-ARGS ask for on
# 127.0.0.1:PORT (`-s`: 1234) instead of a unix socket; the test skips if
# something else listens there already.
set -u
[ $# -ge 4 ] || { echo "usage: $0 VM ELF SCRIPT EXPECT [ARGS...]" >&2; exit 2; }
VM=$1 ELF=$2 SCRIPT=$3 EXPECT=$4
shift 4
command -v gdb-multiarch >/dev/null ||
    { echo "SKIPPED: no gdb-multiarch (scripts/install-deps.sh installs it)"; exit 77; }
[ -s "$ELF" ] || { echo "SKIPPED: no test program $ELF (riscv64-unknown-elf-gcc?)"; exit 77; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
sock=$WORK/gdb.sock
gdb_flag="-gdb unix:$sock"
if [ -n "${SESSION_TCP:-}" ]; then
    sock=127.0.0.1:$SESSION_TCP gdb_flag=""
    port_hex=$(printf '%04X' "$SESSION_TCP")
fi
fail() {
    echo "FAIL: $*"
    echo "---- gdb ----"; cat "$WORK/gdb.out"
    echo "---- vm ----"; cat "$WORK/vm.out"
    exit 1
}
sed "s|@SOCK@|$sock|g" "$SCRIPT" >"$WORK/script.gdb"
# listening: a unix socket in /proc/net/unix with __SO_ACCEPTCON (0x10000)
# set (the file alone exists from bind(), a moment before listen()); a TCP
# port in /proc/net/tcp in state 0A (LISTEN)
listening() {
    if [ -n "${SESSION_TCP:-}" ]; then
        grep -q "^ *[0-9]*: 0100007F:$port_hex 00000000:0000 0A " /proc/net/tcp
    else
        grep -q " 00010000 [0-9A-F]* 01 [0-9]* $sock\$" /proc/net/unix
    fi
}
if [ -n "${SESSION_TCP:-}" ] && grep -q "^ *[0-9]*: [0-9A-F]*:$port_hex [0-9A-F:]* 0A " /proc/net/tcp; then
    echo "SKIPPED: something listens on TCP port $SESSION_TCP already"
    exit 77
fi
# shellcheck disable=SC2086 # gdb_flag: two words or none
"$VM" run "$@" -S $gdb_flag </dev/null >"$WORK/vm.out" 2>&1 &
vm_pid=$!
n=600 # 60 s: a loaded machine
while ! listening && kill -0 $vm_pid 2>/dev/null && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
if [ ! -S "$sock" ] && ! kill -0 $vm_pid 2>/dev/null && grep -qi kvm "$WORK/vm.out"; then
    echo "SKIPPED: no usable KVM here: $(cat "$WORK/vm.out")"
    exit 77
fi
listening || fail "vm did not listen on $sock"
timeout 150 gdb-multiarch -nx -batch -x "$WORK/script.gdb" "$ELF" >"$WORK/gdb.out" 2>&1
gdb_status=$?
n=600
while kill -0 $vm_pid 2>/dev/null && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
if kill -0 $vm_pid 2>/dev/null; then
    kill $vm_pid
    fail "vm still running 60 s after gdb ended"
fi
wait $vm_pid
vm_status=$?
[ $gdb_status -eq 0 ] || fail "gdb-multiarch exited with status $gdb_status"
[ $vm_status -eq 0 ] || fail "vm exited with status $vm_status"
# every expected line, in order
awk -v want="$EXPECT" -f "$(dirname "$0")/in-order.awk" "$WORK/gdb.out" >"$WORK/check" ||
    fail "$(cat "$WORK/check")"
cat "$WORK/gdb.out"
echo "PASS"
