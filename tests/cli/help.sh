#!/bin/sh
# help.sh VM
#
# `vm help`, `vm help run`, `vm run --help` and `vm run -h` exit 0; the
# last three print the same text; every QEMU flag vm takes (the list
# below, the issue's) is in `vm help`, and so is every machine. `vm
# --version` and `vm version` print the version and a git description.
set -eu
vm=$1
fail() { echo "FAIL: $*"; exit 1; }
all=$("$vm" help) || fail "vm help: status $?"
run=$("$vm" help run) || fail "vm help run: status $?"
[ "$("$vm" run --help)" = "$run" ] || fail "vm run --help differs from vm help run"
[ "$("$vm" run -h)" = "$run" ] || fail "vm run -h differs from vm help run"
for flag in -M -machine -m -smp -cpu -accel -enable-kvm -bios -kernel -initrd -append -dumpdtb \
            -nographic -display -serial -chardev -monitor -mon -qmp -qmp-pretty -device -drive -netdev -d -D -no-reboot -no-shutdown -name -pidfile -daemonize -s -S -gdb -v -timeout -max-insns; do
    echo "$all" | grep -Eq -- "^  ($flag|-[A-Za-z-]+, $flag)( |,|\$)" || fail "vm help does not list $flag"
done
for m in virt spike microvm; do
    echo "$all" | grep -Eq "^  $m " || fail "vm help does not list the $m machine"
done
for cmd in --version version; do
    v=$("$vm" $cmd) || fail "vm $cmd: status $?"
    echo "$v" | head -1 | grep -Eq '^vm version [0-9]+\.[0-9]+\.[0-9]+ \(git [^)]+\)$' ||
        fail "vm $cmd printed '$v'"
done
# A git checkout: the description is the commit's (or a tag's).
if git -C "$(dirname "$0")" rev-parse --git-dir >/dev/null 2>&1; then
    commit=$(git -C "$(dirname "$0")" rev-parse --short=7 HEAD)
    "$vm" --version | grep -q "$commit" || echo "note: the build's commit is not HEAD ($commit)"
fi
"$vm" help nonsense >/dev/null 2>&1 && fail "vm help nonsense was accepted"
"$vm" nonsense >/dev/null 2>&1 && fail "vm nonsense was accepted"
echo PASS
