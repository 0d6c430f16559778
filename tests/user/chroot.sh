#!/bin/sh
# chroot.sh VM ACCEL PROG: PROG (c/chroot.c) enters a chroot (a fresh
# directory with a copy of PROG as /prog, /marker, /script) and runs
# riscv64 programs from inside it, where vm's own path does not exist (as
# dpkg does in the root file system mmdebstrap builds through binfmt_misc).
# With /proc mounted in the chroot (in a mount namespace of the test's own)
# vm runs them through /proc/self/exe; without /proc, through the kernel's
# riscv64 binfmt_misc handler (checked only when one is enabled). Compared
# with qemu-riscv64 when a handler is enabled (qemu execs through it).
# Skips (77) unless root with unshare(1).
set -u
vm=$1 accel=$2 prog=$3
[ "$(id -u)" = 0 ] || { echo "SKIP: not root"; exit 77; }
command -v unshare >/dev/null 2>&1 || { echo "SKIP: no unshare (util-linux)"; exit 77; }
root=$(mktemp -d) out=$(mktemp -d)
trap 'rm -rf "$root" "$out"' EXIT
cp "$prog" "$root/prog"
: > "$root/marker"
mkdir "$root/proc"
printf '#!/prog child\n' > "$root/script"
chmod +x "$root/prog" "$root/script"
set -- "$vm" user
[ "$accel" = - ] || set -- "$@" -accel "$accel"
fail() { echo "FAIL: $*"; exit 1; }
# in_ns PROC CMD...: CMD in a mount namespace of its own, /proc mounted in
# the chroot when PROC is 1
in_ns() {
    unshare -m sh -c 'if [ "$1" = 1 ]; then mount -t proc proc "$2/proc" || exit 99; fi; shift 2; exec "$@"' \
        sh "$@"
}
cat > "$out/want" <<WANT
chroot: marker 1
child: argv0 renamed0 argc 2 in the chroot 1
/prog: exit 7
child: argv0 /prog argc 3 in the chroot 1
/script: exit 7
chroot missing: -1 errno 2
ok
WANT
in_ns 1 "$root" "$@" "$prog" "$root" > "$out/vm" 2> "$out/vm.err" < /dev/null; s=$?
cat "$out/vm" "$out/vm.err"
[ $s -eq 0 ] || fail "vm user exited $s"
cmp "$out/want" "$out/vm" || fail "unexpected output (with /proc)"
handler=no
for e in /proc/sys/fs/binfmt_misc/*; do
    grep -qx enabled "$e" 2>/dev/null && grep -qx 'magic 7f454c460201010000000000000000000200f300' "$e" &&
        handler=${e##*/}
done
if [ $handler = no ]; then
    echo "no riscv64 binfmt_misc handler enabled: the run without /proc and qemu-riscv64's are skipped"
    echo PASS
    exit 0
fi
# (LeakSanitizer needs /proc at exit: not in this chroot; the run above checks leaks)
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
    in_ns 0 "$root" "$@" "$prog" "$root" > "$out/vm2" 2>&1 < /dev/null; s=$?
cat "$out/vm2"
[ $s -eq 0 ] && cmp "$out/want" "$out/vm2" || fail "without /proc (through $handler): status $s"
echo "without /proc: through the binfmt_misc handler $handler"
if [ "$accel" = - ] && command -v qemu-riscv64 >/dev/null 2>&1; then
    in_ns 1 "$root" qemu-riscv64 "$prog" "$root" > "$out/qemu" 2>&1 < /dev/null; q=$?
    [ $q -eq 0 ] && cmp "$out/want" "$out/qemu" || { cat "$out/qemu"; fail "qemu-riscv64: status $q"; }
    echo "same as qemu-riscv64"
fi
echo PASS
