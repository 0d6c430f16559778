#!/bin/sh
# runas.sh VM ELF: -chroot DIR -runas nobody (and -sandbox on) take effect
# once the machine runs: vm's /proc/PID/status shows uid and gid 65534 and
# its root is DIR, and the guest goes on (vm still runs; then a TERM ends
# it). The look is bounded only by vm's own time limit (60 s): no fixed
# number of tries that a loaded machine could outlast.
# A user that does not exist is refused. Needs root (else skipped).
set -u
VM=$1 ELF=$2
[ "$(id -u)" -eq 0 ] || { echo "SKIPPED: needs root"; exit 77; }
id nobody >/dev/null 2>&1 || { echo "SKIPPED: no user 'nobody'"; exit 77; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
# (LeakSanitizer reads /proc at exit, which the empty chroot has not: off
# for this run in sanitizer builds.)
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
"$VM" run -M virt -bios none -kernel "$ELF" -chroot "$dir" -runas nobody -sandbox on \
    --timeout 60 </dev/null >"$dir.out" 2>&1 &
pid=$!
uid="" root="" running=""
while kill -0 "$pid" 2>/dev/null; do
    uid=$(awk '/^Uid:/ {print $2 "/" $3 "/" $4}' "/proc/$pid/status" 2>/dev/null)
    if [ "$uid" = 65534/65534/65534 ]; then
        root=$(readlink "/proc/$pid/root")
        kill -0 "$pid" 2>/dev/null && running=1
        break
    fi
    sleep 0.05
done
kill -TERM "$pid" 2>/dev/null
status=0
wait "$pid" || status=$?
cat "$dir.out"
rm -f "$dir.out"
echo "uid (real/effective/saved): $uid, root: $root, status $status"
[ "$uid" = 65534/65534/65534 ] || { echo "FAIL: vm did not become nobody"; exit 1; }
[ "$root" = "$dir" ] || { echo "FAIL: vm's root is '$root', not $dir"; exit 1; }
[ -n "$running" ] || { echo "FAIL: vm did not run on as nobody"; exit 1; }
[ "$status" -eq 143 ] || { echo "FAIL: status $status, expected 143 (ended by the TERM)"; exit 1; }
out=$("$VM" run -M virt -bios none -kernel "$ELF" -runas no-such-user-here --timeout 3 \
      </dev/null 2>&1)
status=$?
echo "$out"
[ "$status" -eq 1 ] && echo "$out" | grep -q "runas: no user 'no-such-user-here'" ||
    { echo "FAIL: an unknown user was not refused (status $status)"; exit 1; }
echo PASS
