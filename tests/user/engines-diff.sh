#!/bin/sh
# engines-diff.sh VM PROG [ARGS...]
#
# Runs PROG under `vm user` on both engines (translated code, then the
# interpreter): both must exit 0 and print the same (what only vm can be
# compared with: instret, behaviour qemu-riscv64 does not have).
set -u
vm=$1
shift
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$vm" user -accel tcg,jit=on "$@" > "$out/jit" 2> "$out/jit.err" < /dev/null; j=$?
"$vm" user -accel tcg,jit=off "$@" > "$out/interp" 2> "$out/interp.err" < /dev/null; i=$?
cat "$out/jit" "$out/jit.err"
[ "$j" -eq 0 ] || { echo "FAIL: the JIT run exited $j"; exit 1; }
[ "$i" -eq 0 ] || { cat "$out/interp" "$out/interp.err"; echo "FAIL: the interpreter run exited $i"; exit 1; }
cmp "$out/jit" "$out/interp" || { diff "$out/jit" "$out/interp"; echo "FAIL: the engines differ"; exit 1; }
echo PASS
