#!/bin/sh
# boot-net.sh VM SECONDS
#
# User networking under Debian's kernel (virtio initramfs), as a user
# types at the console of `vm run -nic user,hostfwd=...`:
#   - DHCP gives eth0 10.0.2.15/24 and a route through 10.0.2.2;
#   - the guest pings the gateway;
#   - wget fetches a file from an HTTP server on the host's loopback
#     through 10.0.2.2, and its sha256 matches;
#   - a host connection to the forwarded port reaches a listener in the
#     guest (hostfwd), both ways;
#   - the NIC has the MAC asked for;
#   - vm survives a host client that closes a forwarded connection while
#     the guest is still sending (libslirp's send() to a dead socket raised
#     SIGPIPE, which killed vm until vm ignored it, as QEMU does).
set -eu
[ $# -eq 2 ] || { echo "usage: $0 VM SECONDS" >&2; exit 2; }
VM=$1 limit=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/guest-assets.sh"
. "$here/console.sh"
find_assets Image fw_dynamic.bin initramfs-virtio.cpio.gz
command -v python3 >/dev/null || { echo "SKIPPED: python3 missing (host HTTP server)"; exit 77; }

WORK=$(mktemp -d)
HTTP_PID=""
trap '[ -z "$HTTP_PID" ] || kill "$HTTP_PID" 2>/dev/null; rm -rf "$WORK"' EXIT
log=$WORK/console.log
fail() { console_fail "$@"; }
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

mkdir "$WORK/www"
head -c 2000000 /dev/urandom > "$WORK/www/data.bin"
sha=$(sha256sum < "$WORK/www/data.bin" | cut -d' ' -f1)
http_port=$(free_port)
fwd_port=$(free_port)
(cd "$WORK/www" && exec python3 -m http.server "$http_port" --bind 127.0.0.1) >/dev/null 2>&1 &
HTTP_PID=$!

start=$(date +%s)
console_start "$log" run -M virt -smp 2 -m 256M -bios "$ASSETS/fw_dynamic.bin" \
    -kernel "$ASSETS/Image" -initrd "$ASSETS/initramfs-virtio.cpio.gz" -append "console=ttyS0" \
    -nic "user,hostfwd=tcp:127.0.0.1:$fwd_port-:7777,mac=52:54:00:ab:cd:ef" --timeout "$limit"
console_wait '^GUEST-SHELL' "$limit" || fail "no shell"
echo "shell after $(($(date +%s) - start)) s"
sleep 1
console_type 'ip link set lo up; ip link set eth0 up; udhcpc -i eth0 -n -q -t 5 -T 2 >/dev/null 2>&1; echo "ADDR=$(ip -4 -o addr show eth0 | awk "{print \\$4}")"\r'
console_wait '^ADDR=' 60 || fail "no DHCP answer"
console_type 'echo "ROUTE=$(ip route | awk "/^default/ {print \\$3}")"; ping -c 1 -W 5 10.0.2.2 >/dev/null && echo PING-OK\r'
console_type 'echo "MAC=$(cat /sys/class/net/eth0/address)"\r'
console_type "wget -q -O /tmp/data.bin http://10.0.2.2:$http_port/data.bin && echo \"WGET=\$(sha256sum /tmp/data.bin)\"\r"
console_wait '^WGET=' 120 || fail "wget did not finish"
# The listener's input stays open until the host's line has arrived (at
# most 60 s), not a fixed 5 s: under load the host may connect later.
console_type '(echo hello-from-guest; i=0; while [ ! -s /tmp/from-host ] && [ $i -lt 300 ]; do sleep 0.2; i=$((i+1)); done; sleep 1) | nc -l -p 7777 > /tmp/from-host & sleep 1; echo LISTENING\r'
console_wait '^LISTENING' 30 || fail "no listener"
got=$(python3 - "$fwd_port" <<'EOF'
import socket, sys, time
port = int(sys.argv[1])
for _ in range(30):
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        s.sendall(b"hello-from-host\n")
        data = s.recv(100)
        if data:
            print(data.decode().strip())
            break
        s.close()
    except OSError:
        pass
    time.sleep(1)
EOF
)
console_type 'i=0; while [ ! -s /tmp/from-host ] && [ $i -lt 300 ]; do sleep 0.2; i=$((i+1)); done; echo "FROM-HOST=$(cat /tmp/from-host)"\r'
console_wait '^FROM-HOST=' 90 || fail "no report of what the host sent"
# The host connects to a forwarded port and closes at once; then the guest
# sends, so libslirp sends to a socket the host has closed (EPIPE).
console_type '(nc -l -p 7777 -e yes >/dev/null 2>&1; echo STREAM-ENDED) & sleep 1; echo STREAMING\r'
console_wait '^STREAMING' 30 || fail "no streaming listener"
python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=30).close()' "$fwd_port"
console_type 'sleep 5; echo STILL-UP\r'
console_wait '^STILL-UP' 60 || fail "vm did not survive a host client closing a forwarded connection"
console_poweroff "$limit"
echo "$out" | grep -qx "ADDR=10.0.2.15/24" || fail "eth0 did not get 10.0.2.15/24"
echo "$out" | grep -qx "ROUTE=10.0.2.2" || fail "no default route through 10.0.2.2"
echo "$out" | grep -qx "PING-OK" || fail "no ping answer from 10.0.2.2"
echo "$out" | grep -qx "MAC=52:54:00:ab:cd:ef" || fail "the MAC is not the one asked for"
echo "$out" | grep -q "^WGET=$sha " || fail "the file fetched differs"
[ "$got" = "hello-from-guest" ] || fail "hostfwd: the host read '$got'"
echo "$out" | grep -qx "FROM-HOST=hello-from-host" || fail "hostfwd: the guest did not get the host's line"
echo "$out" | grep -E '^(ADDR|ROUTE|PING|MAC|WGET|FROM-HOST|STREAM-ENDED|STILL-UP)'
echo "host read: $got"
echo "PASS"
