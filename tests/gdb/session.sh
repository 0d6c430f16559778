#!/bin/sh
# session.sh VM ELF SCRIPT EXPECT [VM-RUN-ARGS...]
#
# One debugging session with Debian's gdb-multiarch as the client: starts
# `VM run VM-RUN-ARGS -S -gdb unix:SOCK`, runs gdb-multiarch in batch mode on
# SCRIPT (@SOCK@ replaced by the socket) against ELF's symbols, and passes
# if gdb's output has every line of EXPECT (extended regexes, one per line,
# matched in that order; '#' lines are comments) and vm then exits with
# status 0 by itself (the program ran to its end under the debugger).
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
fail() {
    echo "FAIL: $*"
    echo "---- gdb ----"; cat "$WORK/gdb.out"
    echo "---- vm ----"; cat "$WORK/vm.out"
    exit 1
}
sed "s|@SOCK@|$sock|g" "$SCRIPT" >"$WORK/script.gdb"
"$VM" run "$@" -S -gdb "unix:$sock" </dev/null >"$WORK/vm.out" 2>&1 &
vm_pid=$!
# listening: the socket is in /proc/net/unix with __SO_ACCEPTCON (0x10000)
# set; the file alone exists from bind(), a moment before listen()
listening() { grep -q " 00010000 [0-9A-F]* 01 [0-9]* $sock\$" /proc/net/unix; }
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
awk -v want="$EXPECT" '
    BEGIN { while ((getline l < want) > 0) if (l !~ /^#/ && l != "") pat[n++] = l; i = 0 }
    i < n && $0 ~ pat[i] { i++ }
    END { if (i < n) { print "missing (in order): " pat[i]; exit 1 } }
' "$WORK/gdb.out" >"$WORK/check" || fail "$(cat "$WORK/check")"
cat "$WORK/gdb.out"
echo "PASS"
