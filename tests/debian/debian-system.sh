#!/bin/sh
# debian-system.sh VM SECONDS
#
# SECONDS bounds the whole test: every wait is cut to what is left of it,
# and a step that runs out fails with its name (never a hang for ctest to
# kill). Each step prints one progress line with the seconds elapsed.
#
# A real Debian trixie riscv64 system (scripts/make-debian-rootfs.sh) on
# `vm run -M virt`: systemd on a virtio disk, user networking, virtio-rng,
# booted by the virtio initramfs with guest.root=/dev/vda. Two boots of a
# copy of the cached image:
#
# 1. To `vmguest login:` on the serial console; root logs in (password
#    root); `systemctl is-system-running --wait` says running; eth0 has
#    10.0.2.15 from DHCP; wget fetches a file from an HTTP server on the
#    host's loopback through 10.0.2.2 and its sha256 matches; Debian's
#    OpenSSH client on the host runs a command in the guest through
#    hostfwd with a key this test installs; /dev/hwrng is virtio_rng and
#    gives bytes; a second disk with readonly=on refuses writes and its
#    image's sha256 does not change. The guest writes files, syncs and
#    powers off: e2fsck -fn on the host finds the image clean and the files
#    match byte for byte.
# 2. Crash: vm is killed with SIGKILL right after the guest's `sync`
#    returned; the synced file is in the image and the file system is
#    clean after e2fsck replays the journal. This boot goes to systemd's
#    emergency target (root's shell from sulogin, the root file system
#    mounted read-write as the initramfs left it): the same kernel, disk
#    and file system in a fraction of a full boot's time.
#
# Skips (77) without the guest assets or the Debian image (build it with
# scripts/make-debian-rootfs.sh, as root). VM_DEBIAN_IMAGE=PATH boots PATH
# instead of the cached image (a copy of it: PATH does not change).
set -eu
[ $# -eq 2 ] || { echo "usage: $0 VM SECONDS" >&2; exit 2; }
VM=$1 limit=$2
T0=$(date +%s)
STEP=setup
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$root/tests/boot/guest-assets.sh"
. "$root/tests/boot/console.sh"
find_assets Image fw_dynamic.bin initramfs-virtio.cpio.gz
PATH=$PATH:/sbin:/usr/sbin
for t in python3 ssh ssh-keygen debugfs e2fsck mke2fs timeout; do
    command -v $t >/dev/null || { echo "SKIPPED: $t missing (scripts/install-deps.sh)"; exit 77; }
done
# The cached image only: building it takes minutes and root.
# VM_DEBIAN_IMAGE: boot this one instead (debian-build.sh's, built through vm).
if [ -n "${VM_DEBIAN_IMAGE:-}" ]; then
    image=$VM_DEBIAN_IMAGE
    [ -s "$image" ] || { echo "FAIL: VM_DEBIAN_IMAGE=$image is not an image"; exit 1; }
else
    image=$(sh "$root/scripts/make-debian-rootfs.sh" --cached 2>/dev/null) ||
        { echo "SKIPPED: no Debian image; run scripts/make-debian-rootfs.sh (as root)"; exit 77; }
fi

WORK=$(mktemp -d)
HTTP_PID="" LOG=/dev/null
cleanup() {
    [ -z "$HTTP_PID" ] || kill "$HTTP_PID" 2>/dev/null || true
    [ -z "${VM_PID:-}" ] || kill -9 "$VM_PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
elapsed() { echo $(($(date +%s) - T0)); }
# step NAME: the next step; one progress line.
step() {
    STEP=$*
    printf '[%4d s] %s\n' "$(elapsed)" "$STEP"
}
fail() {
    echo "FAIL in step '$STEP' after $(elapsed) s (bound $limit s): $*"
    [ -z "${VM_PID:-}" ] || console_vm_state
    echo "---- console (last 50 lines) ----"
    tr -d '\r' <"$LOG" | tail -n 50
    exit 1
}
# bound N: W = N, or the seconds left of the whole test if fewer; fails
# when none are left.
bound() {
    left=$((T0 + limit - $(date +%s)))
    [ "$left" -gt 0 ] || fail "out of time (the whole test is bounded to $limit s)"
    W=$1
    [ "$W" -le "$left" ] || W=$left
}
# expect PATTERN SECONDS WHAT: wait for PATTERN on the console.
expect() {
    bound "$2"
    console_wait "$1" "$W" || fail "no '$1' within $W s: $3"
}
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
sha() { sha256sum < "$1" | cut -d' ' -f1; }
# The bytes of a file in the image, through debugfs.
image_file() { debugfs -R "dump $2 $3" "$1" >/dev/null 2>&1; }

# A copy of the system disk with root's authorized key installed.
step "prepare: copy of the Debian image, ssh key, read-only disk, HTTP server"
cp --sparse=always "$image" "$WORK/debian.img"
ssh-keygen -q -t ed25519 -N '' -f "$WORK/key"
cat > "$WORK/keycmds" <<EOF
write $WORK/key.pub /root/.ssh/authorized_keys
sif /root/.ssh/authorized_keys mode 0100600
sif /root/.ssh/authorized_keys uid 0
sif /root/.ssh/authorized_keys gid 0
EOF
debugfs -w -f "$WORK/keycmds" "$WORK/debian.img" >/dev/null 2>&1 || fail "debugfs could not install the key"
mkdir "$WORK/ro"
echo "read-only disk" > "$WORK/ro/ro.txt"
mke2fs -q -F -t ext4 -d "$WORK/ro" "$WORK/ro.img" 8M
ro_sha=$(sha "$WORK/ro.img")
mkdir "$WORK/www"
head -c 3000000 /dev/urandom > "$WORK/www/data.bin"
data_sha=$(sha "$WORK/www/data.bin")
http_port=$(free_port)
ssh_port=$(free_port)
(cd "$WORK/www" && exec python3 -m http.server "$http_port" --bind 127.0.0.1) >/dev/null 2>&1 &
HTTP_PID=$!

# at_prompt: the console's last output is bash's prompt (it is waiting
# for a command: what is typed now is not lost while it sets the tty up).
at_prompt() { tail -c 40 "$LOG" | tr -d '\r' | grep -q 'root@vmguest:[^ ]*# $'; }
# prompt SECONDS: wait (at most) for bash's prompt.
prompt() {
    bound "$1"
    w=0
    while ! at_prompt && [ $w -lt $((W * 10)) ]; do sleep 0.1; w=$((w + 1)); done
}
# guest STEP CMD MARKER SECONDS: a step: at a prompt, type CMD and wait for
# MARKER, then for the next prompt.
guest() {
    step "$1"
    prompt 60
    sleep 0.2
    console_type "$2\r"
    expect "$3" "$4" "after: $2"
    prompt "$4"
}

# boot N [APPEND]: start vm on the disk copy (kernel command line + APPEND).
boot() {
    LOG=$WORK/console$1.log
    rm -f "$WORK/in"
    bound 3600
    step "boot $1: vm started"
    console_start "$LOG" run -M virt -smp 2 -m 1G -bios "$ASSETS/fw_dynamic.bin" \
        -kernel "$ASSETS/Image" -initrd "$ASSETS/initramfs-virtio.cpio.gz" \
        -append "console=ttyS0 guest.root=/dev/vda systemd.default_device_timeout_sec=900${2:+ $2}" \
        -netdev "user,id=n0,hostfwd=tcp:127.0.0.1:$ssh_port-:22" \
        -device virtio-net-device,netdev=n0 -device virtio-rng-device \
        -drive "file=$WORK/debian.img,format=raw,if=virtio" \
        -drive "file=$WORK/ro.img,format=raw,if=virtio,readonly=on" --timeout "$W"
}
# shell_ready: bash's prompt; bracketed paste off (its escapes would start
# the output lines).
shell_ready() {
    expect 'root@vmguest' 60 "root's shell"
    sleep 1
    guest "$1: bracketed paste off" 'bind "set enable-bracketed-paste off"; echo PASTE-""OFF' 'PASTE-OFF' 60
}

# ---- boot 1 -------------------------------------------------------------------
boot 1
step "boot 1: waiting for the login prompt"
expect 'vmguest login:' 600 "boot 1"
step "boot 1: login prompt; logging in as root"
console_type 'root\r'
expect 'Password:' 60 "password prompt"
console_type 'root\r'
shell_ready "boot 1"
guest "systemctl is-system-running --wait" 'echo "STATE=$(systemctl is-system-running --wait)"' '^STATE=' 300
guest "failed units" 'systemctl --failed --no-legend --plain | sed "s/^/FAILED-UNIT /"; echo LISTED' '^LISTED' 60
guest "eth0's address" 'echo "ADDR=$(ip -4 -o addr show eth0 | awk "{print \\$4}")"' '^ADDR=' 60
guest "wget from the host" "wget -q -O /root/data.bin http://10.0.2.2:$http_port/data.bin; echo \"WGET=\$(sha256sum /root/data.bin)\"" '^WGET=' 180
guest "hwrng" 'echo "RNG=$(cat /sys/class/misc/hw_random/rng_current) $(head -c 32 /dev/hwrng | od -An -tx1 | tr -d " \\n")"' '^RNG=' 60
guest "read-only disk" 'mount -o ro /dev/vdb /mnt && cat /mnt/ro.txt; touch /mnt/x 2>/dev/null || echo RO-WRITE-FAILED; echo "RO-FLAG=$(cat /sys/block/vdb/ro)"; umount /mnt' '^RO-FLAG=' 60
guest "write file1" 'dd if=/dev/urandom of=/root/file1 bs=1M count=8 2>/dev/null; echo "FILE1=$(sha256sum /root/file1)"' '^FILE1=' 120
step "ssh from the host through hostfwd"
bound 180
ssh_out=$(timeout "$W" ssh -n -i "$WORK/key" -p "$ssh_port" -o StrictHostKeyChecking=no \
    -o UserKnownHostsFile=/dev/null -o ConnectTimeout=60 -o BatchMode=yes root@127.0.0.1 \
    'echo "SSH-OK $(hostname) $(uname -m) $(id -un)"' 2>"$WORK/ssh.err") ||
    { cat "$WORK/ssh.err"; fail "ssh through hostfwd failed"; }
step "boot 1: sync; poweroff"
prompt 60
console_type 'sync; poweroff\r'
bound 300
console_finish "$W"
[ "$VM_STATUS" -eq 0 ] || fail "boot 1: vm exited with status $VM_STATUS"
VM_PID=""
step "boot 1: powered off; checking the answers"
out=$(tr -d '\r' <"$LOG")
echo "$out" | grep -E '^(STATE|FAILED-UNIT|ADDR|WGET|RNG|RO-|FILE1)'
echo "host ssh: $ssh_out"
echo "$out" | grep -qx "STATE=running" || fail "systemctl is-system-running is not 'running'"
echo "$out" | grep -qx "ADDR=10.0.2.15/24" || fail "eth0 does not have 10.0.2.15/24 from DHCP"
echo "$out" | grep -q "^WGET=$data_sha " || fail "wget: the file differs"
echo "$ssh_out" | grep -qx "SSH-OK vmguest riscv64 root" || fail "ssh: unexpected answer '$ssh_out'"
echo "$out" | grep -Eq "^RNG=virtio_rng.0 [0-9a-f]{64}$" || fail "/dev/hwrng: no bytes from virtio_rng"
echo "$out" | grep -qx "read-only disk" || fail "the read-only disk was not read"
echo "$out" | grep -qx "RO-WRITE-FAILED" || fail "a write to the read-only disk did not fail"
echo "$out" | grep -qx "RO-FLAG=1" || fail "the guest does not see vdb as read-only"
[ "$(sha "$WORK/ro.img")" = "$ro_sha" ] || fail "the read-only image changed"
step "integrity: e2fsck -fn and the files in the image"
file1=$(echo "$out" | sed -n 's/^FILE1=\([0-9a-f]*\) .*/\1/p')
e2fsck -fn "$WORK/debian.img" >"$WORK/fsck1.log" 2>&1 ||
    { cat "$WORK/fsck1.log"; fail "e2fsck -fn: the image is not clean after power-off"; }
image_file "$WORK/debian.img" /root/file1 "$WORK/file1"
image_file "$WORK/debian.img" /root/data.bin "$WORK/data.bin"
[ "$(sha "$WORK/file1")" = "$file1" ] || fail "file1 in the image differs from the guest's"
[ "$(sha "$WORK/data.bin")" = "$data_sha" ] || fail "data.bin in the image differs"
echo "integrity: e2fsck clean, file1 and data.bin match"

# ---- boot 2: SIGKILL after sync -------------------------------------------------
boot 2 systemd.unit=emergency.target
step "boot 2: waiting for the emergency shell's password prompt"
expect 'root password for (system )?maintenance' 600 "boot 2 (emergency target)"
# sulogin prints its prompt and only then turns echo off, flushing what was
# typed meanwhile (TCSAFLUSH): a password typed at once can be lost. Type it
# again until root's shell comes (a spare "root" at the shell is harmless).
tries=0
while :; do
    sleep 1
    console_type 'root\r'
    bound 20
    console_wait 'root@vmguest' "$W" && break
    tries=$((tries + 1))
    [ $tries -lt 5 ] || fail "no root shell after typing the password $tries times"
    step "boot 2: no shell yet; typing the password again"
done
shell_ready "boot 2"
step "boot 2: write file2, sync"
console_type 'dd if=/dev/urandom of=/root/file2 bs=1M count=6 2>/dev/null; echo "FILE2=$(sha256sum /root/file2)"; sync; echo SYNCED\r'
expect '^SYNCED' 180 "sync did not return"
# Killed as soon as the host sees the marker (sync has returned).
kill -9 "$VM_PID"
wait "$VM_PID" 2>/dev/null || true
VM_PID=""
exec 9>&-
step "crash: SIGKILL sent; e2fsck replays the journal"
out=$(tr -d '\r' <"$LOG")
file2=$(echo "$out" | sed -n 's/^FILE2=\([0-9a-f]*\) .*/\1/p')
[ -n "$file2" ] || fail "no sha256 of file2"
e2fsck -fy "$WORK/debian.img" >"$WORK/fsck2.log" 2>&1 || [ $? -le 1 ] ||
    { cat "$WORK/fsck2.log"; fail "e2fsck could not recover the image"; }
e2fsck -fn "$WORK/debian.img" >"$WORK/fsck3.log" 2>&1 ||
    { cat "$WORK/fsck2.log" "$WORK/fsck3.log"; fail "the image is not clean after the journal replay"; }
image_file "$WORK/debian.img" /root/file2 "$WORK/file2"
[ "$(sha "$WORK/file2")" = "$file2" ] || fail "file2 (synced before SIGKILL) is not in the image"
grep -E "recover|journal" "$WORK/fsck2.log" || true
echo "crash: after SIGKILL the synced file is in the image; clean after the journal replay"
step "PASS"
echo "PASS"
