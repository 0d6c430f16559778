#!/bin/sh
# boot-tap.sh VM SECONDS
#
# TAP networking under Debian's kernel (virtio initramfs): a TAP interface
# made here (NET.1/24 on the host side, NET a 192.168.x chosen by this
# run's pid so that two runs on one host keep apart), the guest's eth0 on
# `-netdev tap,ifname=...,script=no,downscript=no` given NET.2:
#   - the guest pings the host;
#   - wget fetches a file from an HTTP server on the host's TAP address,
#     and its sha256 matches (frames both ways, many of them);
#   - a host connection reaches a listener in the guest.
# Needs root and /dev/net/tun (skips otherwise).
set -eu
[ $# -eq 2 ] || { echo "usage: $0 VM SECONDS" >&2; exit 2; }
VM=$1 limit=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/guest-assets.sh"
. "$here/console.sh"
find_assets Image fw_dynamic.bin initramfs-virtio.cpio.gz
PATH=$PATH:/sbin:/usr/sbin
command -v python3 >/dev/null || { echo "SKIPPED: python3 missing (host HTTP server)"; exit 77; }
command -v ip >/dev/null || { echo "SKIPPED: ip missing (iproute2)"; exit 77; }
[ "$(id -u)" -eq 0 ] && [ -c /dev/net/tun ] || { echo "SKIPPED: needs root and /dev/net/tun"; exit 77; }
tap=vmtap$$
# A /24 no interface uses yet (two runs at once, e.g. CI and a landing,
# must not share one: the routes would mix).
net=""
for i in $(seq 0 149); do
    n=192.168.$((100 + ($$ + i) % 150))
    ip -4 -o addr show | grep -q " inet $n\." || { net=$n; break; }
done
[ -n "$net" ] || { echo "SKIPPED: no free 192.168.100-249.0/24 for the TAP interface"; exit 77; }
ip tuntap add dev "$tap" mode tap 2>/dev/null || { echo "SKIPPED: cannot make a TAP interface"; exit 77; }

WORK=$(mktemp -d)
HTTP_PID=""
trap '[ -z "$HTTP_PID" ] || kill "$HTTP_PID" 2>/dev/null; ip link del "$tap" 2>/dev/null; rm -rf "$WORK"' EXIT
ip addr add $net.1/24 dev "$tap"
ip link set "$tap" up
log=$WORK/console.log
fail() { console_fail "$@"; }
mkdir "$WORK/www"
head -c 2000000 /dev/urandom > "$WORK/www/data.bin"
sha=$(sha256sum < "$WORK/www/data.bin" | cut -d' ' -f1)
(cd "$WORK/www" && exec python3 -m http.server 8231 --bind $net.1) >/dev/null 2>&1 &
HTTP_PID=$!

start=$(date +%s)
console_start "$log" run -M virt -smp 2 -m 256M -bios "$ASSETS/fw_dynamic.bin" \
    -kernel "$ASSETS/Image" -initrd "$ASSETS/initramfs-virtio.cpio.gz" -append "console=ttyS0" \
    -netdev "tap,id=n0,ifname=$tap,script=no,downscript=no" \
    -device virtio-net-device,netdev=n0,mac=52:54:00:23:10:02 --timeout "$limit"
console_wait '^GUEST-SHELL' "$limit" || fail "no shell"
echo "shell after $(($(date +%s) - start)) s"
sleep 1
console_type "ip link set eth0 up; ip addr add $net.2/24 dev eth0; ping -c 1 -W 10 $net.1 >/dev/null && echo PING-OK; echo PINGED\r"
console_wait '^PINGED' 60 || fail "no ping result"
console_type "wget -q -O /tmp/data.bin http://$net.1:8231/data.bin && echo \"WGET=\$(sha256sum /tmp/data.bin)\"; echo FETCHED\r"
console_wait '^FETCHED' 120 || fail "wget did not finish"
console_type '(echo hello-over-tap | nc -l -p 7777) & sleep 1; echo LISTENING\r'
console_wait '^LISTENING' 30 || fail "no listener"
got=$(python3 - "$net.2" <<'EOF'
import socket, sys, time
for _ in range(20):
    try:
        s = socket.create_connection((sys.argv[1], 7777), timeout=10)
        data = s.recv(100)
        if data:
            print(data.decode().strip())
            break
    except OSError:
        time.sleep(1)
EOF
)
console_poweroff "$limit"
echo "$out" | grep -qx "PING-OK" || fail "the guest could not ping the host over TAP"
echo "$out" | grep -q "^WGET=$sha " || fail "the file fetched over TAP differs"
[ "$got" = "hello-over-tap" ] || fail "the host read '$got' from the guest's listener"
echo "$out" | grep -E '^(PING-OK|WGET)'
echo "host read: $got"
echo "PASS"
