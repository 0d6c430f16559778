#!/bin/sh
# bench/virtio/run.sh [-n RUNS] [-b VM] [-s SMP] [-c COUNT_MIB] [-t SECONDS]
#
# The Debian system (scripts/make-debian-rootfs.sh) on vm and on
# qemu-system-riscv64 -M virt, the same command line for both (QEMU gets
# -nographic), alternately RUNS times (default 1), each VMM booting its own
# copy of the image with a 1 GiB scratch disk (/dev/vdb, raw) and user
# networking. Measured in the guest, as a user would:
#   boot       seconds from start to `vmguest login:`, and the host CPU
#              seconds the VMM used until then (steadier on a loaded machine)
#   dd write   dd if=/dev/zero of=/dev/vdb bs=1M count=COUNT oflag=direct (MB/s)
#   dd read    dd if=/dev/vdb of=/dev/null bs=1M count=COUNT iflag=direct (MB/s)
#   randread   fio 4 KiB random reads, O_DIRECT, libaio, iodepth 1, SECONDS (IOPS)
#   tcp g->h   iperf3 -c 10.0.2.2 -t SECONDS (guest to a server on the host's loopback)
#   tcp h->g   iperf3 -c 10.0.2.2 -t SECONDS -R (host to guest)
# The table shows each VMM's median and the ratio vm/QEMU (higher is
# better for vm, except boot: lower). Not a test: it only reports. Wrap it
# in `flock /work/notes/bench.lock` on a shared machine.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
runs=1 vm=$root/build/vm smp=2 count=256 secs=10
while [ $# -gt 0 ]; do
    case $1 in
        -n) runs=$2; shift 2 ;;
        -b) vm=$2; shift 2 ;;
        -s) smp=$2; shift 2 ;;
        -c) count=$2; shift 2 ;;
        -t) secs=$2; shift 2 ;;
        *) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
    esac
done
assets=${XDG_CACHE_HOME:-$HOME/.cache}/vm/riscv64
for f in Image fw_dynamic.bin initramfs-virtio.cpio.gz; do
    [ -s "$assets/$f" ] || { echo "run.sh: no $assets/$f; run scripts/fetch-guest-riscv64.sh" >&2; exit 1; }
done
image=$(sh "$root/scripts/make-debian-rootfs.sh" --cached 2>/dev/null) ||
    { echo "run.sh: no Debian image; run scripts/make-debian-rootfs.sh (as root)" >&2; exit 1; }
qemu=$(command -v qemu-system-riscv64) || { echo "run.sh: qemu-system-riscv64 not found" >&2; exit 1; }
command -v iperf3 >/dev/null || { echo "run.sh: iperf3 not found (scripts/install-deps.sh)" >&2; exit 1; }

WORK=$(mktemp -d)
VM_PID="" SRV=""
cleanup() {
    [ -z "$VM_PID" ] || kill -9 "$VM_PID" 2>/dev/null || true
    [ -z "$SRV" ] || kill "$SRV" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
. "$root/tests/boot/console.sh"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

# at_prompt: the console's last output is bash's prompt (it is waiting
# for a command: what is typed now is not lost while it sets the tty up).
at_prompt() { tail -c 40 "$LOG" | tr -d '\r' | grep -q 'root@vmguest:[^ ]*# $'; }
# guest CMD MARKER SECONDS: at a prompt, type CMD and wait for MARKER, then
# for the next prompt.
guest() {
    w=0
    while ! at_prompt && [ $w -lt 600 ]; do sleep 0.1; w=$((w + 1)); done
    sleep 0.2
    console_type "$1\r"
    console_wait "$2" "$3" || { echo "run.sh: no '$2' after: $1" >&2; tail -n 20 "$LOG" >&2; exit 1; }
    w=0
    while ! at_prompt && [ $w -lt $(($3 * 10)) ]; do sleep 0.1; w=$((w + 1)); done
}
value() { tr -d '\r' <"$LOG" | sed -n "s/^$1=//p" | tail -n 1; }

# one NAME BINARY [EXTRA...]: one boot and the measurements; appends
# "NAME boot write read iops g2h h2g" to $WORK/results.
one() {
    name=$1 bin=$2
    shift 2
    cp --sparse=always "$image" "$WORK/debian.img"
    rm -f "$WORK/scratch.img"
    truncate -s 1G "$WORK/scratch.img"
    LOG=$WORK/$name.log
    rm -f "$WORK/in"
    t0=$(date +%s%N)
    VM=$bin console_start "$LOG" "$@" -M virt -smp "$smp" -m 1G \
        -bios "$assets/fw_dynamic.bin" -kernel "$assets/Image" \
        -initrd "$assets/initramfs-virtio.cpio.gz" -append "console=ttyS0 guest.root=/dev/vda systemd.default_device_timeout_sec=900" \
        -netdev user,id=n0 -device virtio-net-device,netdev=n0 \
        -drive "file=$WORK/debian.img,format=raw,if=virtio" \
        -drive "file=$WORK/scratch.img,format=raw,if=virtio"
    console_wait 'vmguest login:' 900 || { echo "run.sh: $name: no login prompt" >&2; exit 1; }
    boot=$(( ($(date +%s%N) - t0) / 1000000 ))
    # utime + stime of the VMM (all its threads), in ms
    boot_cpu=$(awk -v hz="$(getconf CLK_TCK)" '{ printf "%d", ($14 + $15) * 1000 / hz }' "/proc/$VM_PID/stat")
    console_type 'root\r'
    console_wait 'Password:' 60
    console_type 'root\r'
    console_wait 'root@vmguest' 60
    sleep 1
    # Bash's bracketed-paste escapes would start the output lines.
    guest 'bind "set enable-bracketed-paste off"; echo PASTE-""OFF' 'PASTE-OFF' 60
    guest 'systemctl is-system-running --wait >/dev/null; echo "VDB=$(cat /sys/block/vdb/size)"' '^VDB=' 600
    [ "$(value VDB)" = 2097152 ] || { echo "run.sh: $name: vdb is not the scratch disk" >&2; exit 1; }
    guest "dd if=/dev/zero of=/dev/vdb bs=1M count=$count oflag=direct 2>&1 | tail -n 1 | sed 's/^/DDW=/'" '^DDW=' 600
    guest "dd if=/dev/vdb of=/dev/null bs=1M count=$count iflag=direct 2>&1 | tail -n 1 | sed 's/^/DDR=/'" '^DDR=' 600
    guest "fio --name=rr --filename=/dev/vdb --direct=1 --rw=randread --bs=4k --ioengine=libaio --iodepth=1 --runtime=$secs --time_based --size=1G 2>&1 | awk -F 'IOPS=' '/IOPS=/ { split(\$2, a, \",\"); print \"IOPS=\" a[1] }'" '^IOPS=' 600
    iperf3 -s -1 -B 127.0.0.1 -p "$port" >/dev/null 2>&1 &
    SRV=$!
    sleep 0.5
    guest "iperf3 -c 10.0.2.2 -p $port -t $secs -f m 2>&1 | awk '/receiver/ { for (i = 1; i < NF; i++) if (\$(i+1) == \"Mbits/sec\") print \"G2H=\" \$i }'" '^G2H=' 600
    wait "$SRV" 2>/dev/null || true
    iperf3 -s -1 -B 127.0.0.1 -p "$port" >/dev/null 2>&1 &
    SRV=$!
    sleep 0.5
    guest "iperf3 -c 10.0.2.2 -p $port -t $secs -f m -R 2>&1 | awk '/receiver/ { for (i = 1; i < NF; i++) if (\$(i+1) == \"Mbits/sec\") print \"H2G=\" \$i }'" '^H2G=' 600
    wait "$SRV" 2>/dev/null || true
    SRV=""
    console_type 'poweroff\r'
    console_finish 300
    VM_PID=""
    # dd prints "... copied, 2.1 s, 128 MB/s": the MB/s figure (GB/s scaled).
    mbs() { echo "$1" | awk '{ for (i = 1; i < NF; i++) if ($(i+1) ~ /B\/s$/) { v = $i; u = $(i+1) } }
        END { if (u == "GB/s") v *= 1000; if (u == "kB/s") v /= 1000; printf "%.1f", v }'; }
    iops=$(value IOPS | awk '{ v = $1; if (v ~ /k$/) { sub(/k$/, "", v); v *= 1000 } print v }')
    echo "$name $boot $(mbs "$(value DDW)") $(mbs "$(value DDR)") $iops $(value G2H) $(value H2G) $boot_cpu" \
        >> "$WORK/results"
    echo "$name: boot $((boot / 1000)) s (CPU $((boot_cpu / 1000)) s), dd write $(mbs "$(value DDW)") MB/s, read $(mbs "$(value DDR)") MB/s, randread $iops IOPS, tcp g->h $(value G2H) h->g $(value H2G) Mbit/s" >&2
}

for i in $(seq "$runs"); do
    one vm "$vm" run
    one qemu "$qemu" -nographic
done

median() { sort -n | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
col() { awk -v n="$1" -v c="$2" '$1 == n { print $c }' "$WORK/results" | median; }
printf '%-28s %12s %12s %10s\n' "" vm qemu "vm/qemu"
row() {
    a=$(col vm "$2") b=$(col qemu "$2")
    r=$(awk -v a="$a" -v b="$b" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')
    printf '%-28s %12s %12s %10s\n' "$1" "$a" "$b" "$r"
}
row "boot to login: (ms)" 2
row "  host CPU until then (ms)" 8
row "dd write 1M direct (MB/s)" 3
row "dd read 1M direct (MB/s)" 4
row "4K randread (IOPS)" 5
row "TCP guest->host (Mbit/s)" 6
row "TCP host->guest (Mbit/s)" 7
echo "($runs run(s) each, -smp $smp, $count MiB dd, ${secs} s fio/iperf3; $(date -u +%Y-%m-%d))"
