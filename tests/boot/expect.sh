#!/bin/sh
# expect.sh STATUS REGEX [--max-cpu S] [--one-line] -- COMMAND...
#
# Runs COMMAND (stdin from /dev/null) and passes if it exits with STATUS
# and its output (stdout and stderr) has a line matching the extended
# REGEX. With --max-cpu, the run must also have used at most S seconds of
# host CPU, as `vm run -v` reports it ("host CPU X s"). With --one-line,
# the output must be that one line and nothing else (an error message).
set -eu
want=$1 regex=$2
shift 2
max_cpu=""
if [ "${1:-}" = --max-cpu ]; then max_cpu=$2; shift 2; fi
one_line=""
if [ "${1:-}" = --one-line ]; then one_line=1; shift; fi
[ "${1:-}" = -- ] && shift
out=$(mktemp)
trap 'rm -f "$out"' EXIT
status=0
"$@" </dev/null >"$out" 2>&1 || status=$?
cat "$out"
[ "$status" -eq "$want" ] || { echo "FAIL: exit status $status, expected $want"; exit 1; }
grep -Eq -- "$regex" "$out" || { echo "FAIL: no line matching '$regex'"; exit 1; }
if [ -n "$one_line" ] && [ "$(wc -l <"$out")" -ne 1 ]; then
    echo "FAIL: $(wc -l <"$out") lines of output, expected one"; exit 1
fi
if [ -n "$max_cpu" ]; then
    cpu=$(sed -n 's/.*host CPU \([0-9.]*\) s.*/\1/p' "$out")
    [ -n "$cpu" ] || { echo "FAIL: no 'host CPU' figure (is -v given?)"; exit 1; }
    awk -v c="$cpu" -v m="$max_cpu" 'BEGIN { exit !(c <= m) }' ||
        { echo "FAIL: used $cpu s of host CPU, more than $max_cpu s"; exit 1; }
fi
echo "PASS"
