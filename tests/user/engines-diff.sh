#!/bin/sh
# engines-diff.sh VM PROG [ARGS...]
#
# Runs PROG under `vm user` on both engines (every block translated, then
# the interpreter, then the default mix: blocks interpreted until hot): all
# must exit 0 and print the same (what only vm can be
# compared with: instret, behaviour qemu-riscv64 does not have).
set -u
vm=$1
shift
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$vm" user -accel tcg,jit=on,jit-hot=0 "$@" > "$out/jit" 2> "$out/jit.err" < /dev/null; j=$?
"$vm" user -accel tcg,jit=off "$@" > "$out/interp" 2> "$out/interp.err" < /dev/null; i=$?
# the default: blocks interpreted until they are hot, then translated
"$vm" user "$@" > "$out/mixed" 2> "$out/mixed.err" < /dev/null; m=$?
cat "$out/jit" "$out/jit.err"
[ "$j" -eq 0 ] || { echo "FAIL: the JIT run exited $j"; exit 1; }
[ "$i" -eq 0 ] || { cat "$out/interp" "$out/interp.err"; echo "FAIL: the interpreter run exited $i"; exit 1; }
[ "$m" -eq 0 ] || { cat "$out/mixed" "$out/mixed.err"; echo "FAIL: the default (jit-hot) run exited $m"; exit 1; }
cmp "$out/jit" "$out/interp" || { diff "$out/jit" "$out/interp"; echo "FAIL: the engines differ"; exit 1; }
cmp "$out/mixed" "$out/interp" || { diff "$out/mixed" "$out/interp"; echo "FAIL: jit-hot differs"; exit 1; }
echo PASS
