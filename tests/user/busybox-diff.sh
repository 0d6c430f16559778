#!/bin/sh
# busybox-diff.sh applets|shell VM RISCV64_BUSYBOX AMD64_BUSYBOX [ACCEL]
#
# Differential test of `vm user`: Debian's static riscv64 busybox under vm
# and the amd64 busybox of the same Debian version natively, on the same
# inputs: stdout, stderr and exit status must be byte-identical for every
# case. `applets` runs single programs; `shell` runs `busybox sh -c` scripts
# (fork, execve, pipes, wait). ACCEL (e.g. tcg,jit=off) picks the engine.
# Exit 77 (skip) when a busybox is missing (scripts/fetch-user-sysroot.sh
# fetches both).
set -u
mode=$1 vm=$2 rv=$3 amd=$4 accel=${5:-}
[ "$accel" = - ] && accel=""
for f in "$rv" "$amd"; do
    [ -x "$f" ] || { echo "SKIP: $f missing (scripts/fetch-user-sysroot.sh riscv64|amd64)"; exit 77; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
mkdir -p in/sub
# Inputs: text with numbers and words, a binary file, small trees.
awk 'BEGIN { for (i = 1; i <= 10000; i++) printf "%d %s line-%05d %x\n", (i * 7919) % 10007, (i % 3 ? "alpha" : "beta"), i, i * i }' > in/text.txt
awk 'BEGIN { srand(42); for (i = 0; i < 100000; i++) printf "%c", int(rand() * 256) }' > in/bin.dat 2>/dev/null
head -c 3000 in/text.txt > in/sub/small.txt
printf 'one\ntwo\nthree\n' > in/sub/three.txt
gzip -9 -c in/text.txt > in/text.gz
cp in/text.txt in/copy.txt
printf 'x' >> in/copy.txt

run() { # run NAME ARGS... (stdin from $stdin)
    name=$1; shift
    if [ -n "$accel" ]; then
        "$vm" user -accel "$accel" "$rv" "$@" < "$stdin" > out.vm 2> err.vm; s1=$?
    else
        "$vm" user "$rv" "$@" < "$stdin" > out.vm 2> err.vm; s1=$?
    fi
    "$amd" "$@" < "$stdin" > out.nat 2> err.nat; s2=$?
    if [ $s1 -ne $s2 ] || ! cmp -s out.vm out.nat || ! cmp -s err.vm err.nat; then
        echo "FAIL $name: status vm $s1 native $s2"
        cmp out.vm out.nat; diff err.vm err.nat | head -n 5
        fails=$((fails + 1))
    else
        echo "ok   $name (status $s1, $(wc -c < out.vm) bytes)"
    fi
    n=$((n + 1))
}
fails=0 n=0 stdin=/dev/null
if [ "$mode" = applets ]; then
    run sha256sum sha256sum in/text.txt in/bin.dat
    run md5sum md5sum in/text.txt in/bin.dat
    run sha1sum sha1sum in/bin.dat
    run sha512sum sha512sum in/bin.dat
    run gzip gzip -c in/text.txt
    run gzip-9 gzip -9 -c in/bin.dat
    run gunzip gunzip -c in/text.gz
    run bzip2 bzip2 -c in/text.txt
    run sort sort in/text.txt
    run sort-nr sort -n -r -k1,1 in/text.txt
    run sort-u sort -u -k2,2 in/text.txt
    run sed sed -e 's/alpha/A/g' -e '/beta/d' in/text.txt
    run awk awk '{ s += $1; c[$2]++ } END { print s; for (k in c) print k, c[k] }' in/text.txt
    run grep grep -c line-0 in/text.txt
    run grep-n grep -n -E 'line-0(12|99)' in/text.txt
    run grep-miss grep nothing-here in/text.txt
    run find find in -name '*.txt' -type f
    run tar tar cf - in/sub
    run xxd xxd in/sub/small.txt
    run wc wc in/text.txt in/bin.dat
    run cmp-same cmp in/text.txt in/text.txt
    run cmp-diff cmp in/text.txt in/copy.txt
    run od od -A x -t x1 in/sub/three.txt
    run base64 base64 in/sub/small.txt
    run missing-file cat in/no-such-file
    stdin=in/text.txt
    run stdin-wc wc -l
else
    run cpio sh -c 'find in/sub | sort | cpio -o -H newc'
    run tr-cut sh -c 'tr a-z A-Z < in/sub/small.txt | cut -c 1-12'
    run head-tail sh -c 'head -n 30 in/text.txt | tail -n 5'
    run uniq sh -c 'cut -d " " -f 2 in/text.txt | sort | uniq -c'
    run subshell sh -c '(cd in/sub && ls; exit 3); echo "status $?"; pwd | wc -c'
    run cmdsubst sh -c 'n=$(wc -l < in/text.txt); echo "lines: $n"; echo "$(echo nested $(echo deep))"'
    run redirect sh -c 'sort -r in/sub/three.txt > out.tmp 2>&1; cat out.tmp; echo to-stderr >&2; rm out.tmp'
    run statuses sh -c 'false | true; echo $?; true | false; echo $?; (exit 5) || echo "failed $?"'
    run loop sh -c 'for i in 1 2 3; do echo $i | sed s/^/n/; done; i=0; while [ $i -lt 3 ]; do i=$((i + 1)); done; echo $i'
    run exec sh -c 'exec echo replaced; echo not-reached'
    run xargs sh -c 'ls in/sub | xargs -n 1 wc -c'
    run heredoc sh -c 'cat <<EOF
hello $((6 * 7))
EOF'
    run exit-code sh -c 'grep -q nothing in/sub/three.txt; exit $?'
    run nested-sh sh -c 'sh -c "echo inner; exit 4"; echo "inner said $?"'
fi
echo "$((n - fails))/$n cases identical"
[ "$fails" -eq 0 ]
