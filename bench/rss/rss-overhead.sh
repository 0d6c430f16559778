#!/bin/sh
# rss-overhead.sh VM MEM SMP [ACCEL]: boot Debian's kernel and initramfs
# to the shell (vm run -M virt -m MEM -smp SMP), then report vm's resident
# memory: the whole process (VmRSS; and PSS, which counts the JIT's code
# cache once: it is mapped twice, writable and executable, and VmRSS counts
# both), the guest RAM mapping's resident part (the RAM the guest touched),
# and the overhead beyond it, PSS - RAM (everything else: decoded-code caches, translated code, TLBs, thread
# stacks, libc, devices), in MiB. Not a test: figures for
# docs/PERFORMANCE.md. ACCEL: an -accel value (default: vm's default).
set -eu
VM=$1 mem=$2 smp=$3 accel=${4:-}
here=$(cd "$(dirname "$0")/../../tests/boot" && pwd)
. "$here/guest-assets.sh"
. "$here/console.sh"
find_assets Image fw_dynamic.bin initramfs.cpio.gz
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
console_start "$WORK/log" run ${accel:+-accel "$accel"} -M virt -smp "$smp" -m "$mem" \
    -bios "$ASSETS/fw_dynamic.bin" -kernel "$ASSETS/Image" \
    -initrd "$ASSETS/initramfs.cpio.gz" -append console=ttyS0 --timeout 600
console_wait '^GUEST-SHELL' 600 || { echo "no shell"; kill "$VM_PID"; exit 1; }
sleep 2
pid=$VM_PID
# The guest RAM: the anonymous mapping whose size is exactly MEM.
read -r rss_kb pss_kb ram_kb <<EOF2
$(python3 - "$pid" "$mem" <<'PY'
import re, sys
pid, mem = sys.argv[1], sys.argv[2]
want = int(mem[:-1]) * (1 << (30 if mem[-1] in "Gg" else 20))
ram, cur = 0, False
for line in open(f"/proc/{pid}/smaps"):
    m = re.match(r"([0-9a-f]+)-([0-9a-f]+) ", line)
    if m:
        cur = int(m.group(2), 16) - int(m.group(1), 16) == want
    elif cur and line.startswith("Rss:"):
        ram += int(line.split()[1])
st = dict(l.split(":", 1) for l in open(f"/proc/{pid}/status"))
import os
if os.environ.get("RSS_MAPS"):  # the largest resident mappings, to stderr
    maps, head = [], None
    for line in open(f"/proc/{pid}/smaps"):
        m = re.match(r"([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+ *(.*)", line)
        if m:
            head = (int(m.group(2), 16) - int(m.group(1), 16), m.group(3))
        elif line.startswith("Rss:"):
            maps.append((int(line.split()[1]), head))
    for rss, (size, name) in sorted(maps, reverse=True)[:10]:
        print(f"  {rss / 1024:8.1f} MiB resident of {size / 1048576:9.1f} MiB {name}", file=sys.stderr)
pss = sum(int(l.split()[1]) for l in open(f"/proc/{pid}/smaps_rollup") if l.startswith("Pss:"))
print(int(st["VmRSS"].split()[0]), pss, ram)
PY
)
EOF2
console_type 'poweroff -f\r'
console_finish 60
awk -v m="$mem" -v s="$smp" -v a="${accel:-default}" -v r="$rss_kb" -v p="$pss_kb" -v g="$ram_kb" 'BEGIN {
    printf "-m %-5s -smp %s accel %-24s VmRSS %6.1f MiB  PSS %6.1f MiB  guest RAM touched %6.1f MiB  overhead (PSS - RAM) %6.1f MiB\n",
           m, s, a, r / 1024, p / 1024, g / 1024, (p - g) / 1024 }'
