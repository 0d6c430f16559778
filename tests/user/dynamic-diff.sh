#!/bin/sh
# dynamic-diff.sh VM RISCV64_SYSROOT AMD64_SYSROOT [ACCEL]
#
# Dynamically linked Debian programs under `vm user -L RISCV64_SYSROOT`
# (ld-linux-riscv64-lp64d.so.1, libc.so.6 and their libraries from the
# sysroot) against the same Debian versions built for amd64, run natively
# through the amd64 sysroot's loader: byte-identical output and status.
# xz -T2 runs two guest threads (clone with CLONE_VM, futex).
# Exit 77 when a sysroot is missing (scripts/fetch-user-sysroot.sh).
set -u
vm=$1 rv=$2 amd=$3 accel=${4:--}
for f in "$rv/usr/bin/xz" "$amd/usr/bin/xz"; do
    [ -x "$f" ] || { echo "SKIP: $f missing (scripts/fetch-user-sysroot.sh)"; exit 77; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
awk 'BEGIN { for (i = 1; i <= 30000; i++) printf "%d,%s,%d\n", i, (i % 7 ? "x" : "seven"), (i * 7919) % 10007 }' > data.csv
vmrun() { # vmrun PROG ARGS...
    p=$1; shift
    if [ "$accel" = - ]; then "$vm" user -L "$rv" "$rv/usr/bin/$p" "$@"
    else "$vm" user -accel "$accel" -L "$rv" "$rv/usr/bin/$p" "$@"; fi
}
natrun() {
    p=$1; shift
    "$amd/usr/lib64/ld-linux-x86-64.so.2" --library-path "$amd/usr/lib/x86_64-linux-gnu" \
        "$amd/usr/bin/$p" "$@"
}
fails=0 n=0
check() { # check NAME STDIN PROG ARGS...
    name=$1 in=$2; shift 2
    vmrun "$@" < "$in" > out.vm 2> err.vm; s1=$?
    natrun "$@" < "$in" > out.nat 2> err.nat; s2=$?
    n=$((n + 1))
    if [ $s1 -ne $s2 ] || ! cmp -s out.vm out.nat; then
        echo "FAIL $name: status vm $s1 native $s2"; cmp out.vm out.nat; head -n 5 err.vm
        fails=$((fails + 1))
    else
        echo "ok   $name (status $s1, $(wc -c < out.vm) bytes)"
    fi
}
check xz-version /dev/null xz --version
check xz-6 data.csv xz -6 -T1 -c
xz -6 -T1 -c < data.csv > data.xz
check unxz data.xz xz -d -c
check xz-bad data.csv xz -d -c
# threads: 3 MiB blocks compressed (and then decompressed) by two threads
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do cat data.csv; done > big.csv
check xz-threads big.csv xz -1 -T2 -c
xz -1 -T2 -c < big.csv > big.xz
check unxz-threads big.xz xz -d -T2 -c
check sqlite3 /dev/null sqlite3 :memory: \
    "create table t(a integer, b text, c integer);" \
    ".mode csv" ".import data.csv t" \
    "select b, count(*), sum(c), avg(a) from t group by b order by b;" \
    "select a, c from t where c < 20 order by c, a;"
check sqlite3-error /dev/null sqlite3 :memory: "select * from nosuch;"
echo "$((n - fails))/$n cases identical"
[ "$fails" -eq 0 ]
