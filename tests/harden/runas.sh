#!/bin/sh
# runas.sh VM ELF: -chroot DIR -runas nobody (and -sandbox on) take effect
# once the machine runs: vm's /proc/PID/status shows uid and gid 65534 and
# its root is DIR, and the guest goes on (stopped by the time limit).
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
    --timeout 3 </dev/null >"$dir.out" 2>&1 &
pid=$!
uid="" root=""
for _ in $(seq 50); do
    uid=$(awk '/^Uid:/ {print $2 "/" $3 "/" $4}' "/proc/$pid/status" 2>/dev/null)
    [ "$uid" = 65534/65534/65534 ] && root=$(readlink "/proc/$pid/root") && break
    sleep 0.05
done
status=0
wait "$pid" || status=$?
cat "$dir.out"
rm -f "$dir.out"
echo "uid (real/effective/saved): $uid, root: $root, status $status"
[ "$uid" = 65534/65534/65534 ] || { echo "FAIL: vm did not become nobody"; exit 1; }
[ "$root" = "$dir" ] || { echo "FAIL: vm's root is '$root', not $dir"; exit 1; }
[ "$status" -eq 124 ] || { echo "FAIL: status $status, expected 124 (time limit)"; exit 1; }
out=$("$VM" run -M virt -bios none -kernel "$ELF" -runas no-such-user-here --timeout 3 \
      </dev/null 2>&1)
status=$?
echo "$out"
[ "$status" -eq 1 ] && echo "$out" | grep -q "runas: no user 'no-such-user-here'" ||
    { echo "FAIL: an unknown user was not refused (status $status)"; exit 1; }
echo PASS
