#!/bin/sh
# bench/user/run.sh [RUNS]
#
# `vm user` against Debian's qemu-riscv64 and native amd64, side by side,
# on the workloads of the issue (and of ../shared/guest-images/bench-user.sh):
#   sha256   busybox sha256sum of a 64 MiB text file
#   gzip9    busybox gzip -9 -c of it
#   xz6      xz -6 -T1 -c of its first 16 MiB
#   sqlite   sqlite3 :memory: with 500000 rows, an index, a range count,
#            a sort and a group-by
# Each runs RUNS times (default 3) per runner; the table gives the median
# host CPU seconds (user + system: the machine is shared, so CPU time, not
# wall time) and the ratios. The riscv64 programs and the amd64 ones of
# the same Debian versions come from scripts/fetch-user-sysroot.sh. Run it
# under `flock /work/notes/bench.lock` on a shared machine.
# Environment: VM (default build/vm), VM_ACCEL (e.g. tcg,jit=off).
set -eu
runs=${1:-3}
cache=${XDG_CACHE_HOME:-$HOME/.cache}/vm/user
rv=$cache/riscv64/sysroot am=$cache/amd64/sysroot
vm=${VM:-build/vm}
[ -x "$rv/usr/bin/busybox" ] && [ -x "$am/usr/bin/busybox" ] ||
    { echo "run scripts/fetch-user-sysroot.sh riscv64 and amd64 first" >&2; exit 1; }
command -v qemu-riscv64 >/dev/null 2>&1 || { echo "need qemu-riscv64 (qemu-user)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
data=$work/data64M.txt
openssl enc -aes-128-ctr -nosalt -pass pass:guest-bench -pbkdf2 -in /dev/zero 2>/dev/null |
    head -c 50331648 | base64 -w 76 | head -c 67108864 > "$data"
head -c 16777216 "$data" > "$work/data16M.txt"
cat > "$work/bench.sql" <<'SQL'
CREATE TABLE t(a INTEGER PRIMARY KEY, b INTEGER, c TEXT);
WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 500000)
  INSERT INTO t SELECT i, (i * 7919) % 100003,
    printf('%08x-%d', (i * 2654435761) % 4294967296, i) FROM s;
CREATE INDEX tb ON t(b);
SELECT count(*), sum(b) FROM t WHERE b < 50000;
SELECT c FROM t ORDER BY c LIMIT 1;
SELECT count(*) FROM (SELECT b % 1000 AS k, count(*) FROM t GROUP BY k);
SQL
# prefix RUNNER PROG: the command words that run PROG under RUNNER
prefix() {
    case $1 in
        vm) if [ -n "${VM_ACCEL:-}" ]; then echo "$vm user -accel $VM_ACCEL -L $rv"
            else echo "$vm user -L $rv"; fi ;;
        qemu) echo "qemu-riscv64 -L $rv" ;;
        native) case $2 in */busybox) echo "" ;;
                *) echo "$am/usr/lib64/ld-linux-x86-64.so.2 --library-path $am/usr/lib/x86_64-linux-gnu" ;;
                esac ;;
    esac
}
# cpu RUNNER ROOT WORKLOAD: median CPU seconds of RUNS runs (output checked
# against the first runner's)
cpu() {
    runner=$1 root=$2 wl=$3 n=0
    : > "$work/t"
    while [ "$n" -lt "$runs" ]; do
        case $wl in
            sha256) set -- "$root/usr/bin/busybox" sha256sum "$data" ;;
            gzip9) set -- "$root/usr/bin/busybox" gzip -9 -c "$data" ;;
            xz6) set -- "$root/usr/bin/xz" -6 -T1 -c "$work/data16M.txt" ;;
            sqlite) set -- "$root/usr/bin/sqlite3" :memory: ;;
        esac
        # shellcheck disable=SC2046
        /usr/bin/time -f "%U %S" -o "$work/one" $(prefix "$runner" "$1") "$@" \
            < "$work/bench.sql" > "$work/out.$runner"
        awk '{ printf "%.2f\n", $1 + $2 }' "$work/one" >> "$work/t"
        n=$((n + 1))
    done
    sum=$(md5sum < "$work/out.$runner" | cut -c1-8)
    echo "$sum $(sort -n "$work/t" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')"
}
printf '%-7s %9s %9s %9s %11s %11s %s\n' workload native qemu vm vm/native qemu/native "vm/qemu (CPU s, medians of $runs)"
for wl in sha256 gzip9 xz6 sqlite; do
    # shellcheck disable=SC2046
    set -- $(cpu native "$am" $wl) $(cpu qemu "$rv" $wl) $(cpu vm "$rv" $wl)
    same=$([ "$1" = "$3" ] && [ "$3" = "$5" ] && echo "" || echo " OUTPUTS DIFFER")
    awk -v w=$wl -v n="$2" -v q="$4" -v v="$6" -v s="$same" 'BEGIN {
        printf "%-7s %9.2f %9.2f %9.2f %10.1fx %10.1fx %6.2fx%s\n", w, n, q, v,
               (n > 0 ? v / n : 0), (n > 0 ? q / n : 0), (q > 0 ? v / q : 0), s }'
done
