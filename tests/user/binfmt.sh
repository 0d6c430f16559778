#!/bin/sh
# binfmt.sh SCRIPT HANDLER PROG: registers HANDLER (vm-user) for riscv64
# programs with scripts/vm-binfmt.sh under a name of its own, runs PROG (a
# riscv64 program printing its arguments) directly, and from a host program
# with an argv[0] of its own (flag P), then unregisters. Skips (77) without
# root or binfmt_misc. vm's -d strace (VM_USER_STRACE) shows that vm, not
# another registered emulator, ran it.
set -u
script=$1 handler=$2 prog=$3
[ "$(id -u)" = 0 ] || { echo "SKIP: not root"; exit 77; }
command -v perl >/dev/null 2>&1 || { echo "SKIP: no perl"; exit 77; }
name=vm-riscv64-test-$$
out=$(sh "$script" register --handler "$handler" --name "$name" 2>&1) || { echo "SKIP: cannot register: $out"; exit 77; }
echo "$out"
trap 'sh "$script" unregister --name "$name" >/dev/null 2>&1' EXIT
tmp=$(mktemp -d)
trap 'sh "$script" unregister --name "$name" >/dev/null 2>&1; rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

st=$(sh "$script" status --name "$name") || fail "status: $st"
echo "$st" | grep -qx "interpreter $handler" || fail "status: $st"
echo "$st" | grep -q "^flags: .*P" && echo "$st" | grep -q "^flags: .*F" && echo "$st" | grep -q "^flags: .*C" \
    || fail "flags: $st"

# 3>&- below: fd 3 must be the one flag C/O would leak, not one the test runner left open
cp "$prog" "$tmp/args"
chmod +x "$tmp/args"
VM_USER_STRACE=1 "$tmp/args" one two > "$tmp/out" 2> "$tmp/err" 3>&-; s=$?
cat "$tmp/out"
[ $s -eq 0 ] || fail "status $s: $(cat "$tmp/err")"
grep -q 'exit_group(' "$tmp/err" || fail "not run by vm (no -d strace output): $(head -3 "$tmp/err")"
printf 'argc 3\nargv[0] %s\nargv[1] one\nargv[2] two\nfd 3 open: 0\n' "$tmp/args" | cmp - "$tmp/out" \
    || fail "direct run"
perl -e 'exec {$ARGV[0]} "custom0", "x" or die' "$tmp/args" > "$tmp/out2" 2>&1 3>&- || fail "perl exec: $(cat "$tmp/out2")"
cat "$tmp/out2"
printf 'argc 2\nargv[0] custom0\nargv[1] x\nfd 3 open: 0\n' | cmp - "$tmp/out2" || fail "argv[0] not kept (flag P)"

sh "$script" unregister --name "$name" || fail "unregister"
[ ! -e "/proc/sys/fs/binfmt_misc/$name" ] || fail "still registered"
echo PASS
