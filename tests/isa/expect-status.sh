#!/bin/sh
# expect-status.sh STATUS MSG CMD [ARGS...]
# Runs CMD and passes only if it exits with exactly STATUS. With MSG
# "stderr", CMD must also have written something to stderr (e.g. the
# timeout message); "-" skips that check.
want=$1 msg=$2
shift 2
errf=$(mktemp)
trap 'rm -f "$errf"' EXIT
"$@" 2>"$errf"
got=$?
cat "$errf" >&2
if [ "$got" -ne "$want" ]; then
    echo "expect-status: '$*' exited $got, expected $want" >&2
    exit 1
fi
if [ "$msg" = stderr ] && [ ! -s "$errf" ]; then
    echo "expect-status: '$*' exited $got but wrote no message on stderr" >&2
    exit 1
fi
echo "expect-status: exit status $got as expected"
