#!/bin/sh
# dt-qemu.sh VM
#
# riscv-virt's virtio-mmio slots against Debian's QEMU: the device trees
# of `-M virt,dumpdtb=` from vm and from qemu-system-riscv64 have the same
# virtio_mmio nodes (names, reg, interrupts, compatible, order), and each
# names the PLIC as its interrupt parent (phandles resolved to node names,
# so only the wiring is compared, not the numbering).
set -eu
[ $# -eq 1 ] || { echo "usage: $0 VM" >&2; exit 2; }
VM=$1
QEMU=$(command -v qemu-system-riscv64) ||
    { echo "SKIPPED: qemu-system-riscv64 missing (scripts/install-deps.sh)"; exit 77; }
command -v dtc >/dev/null || { echo "SKIPPED: dtc missing (device-tree-compiler)"; exit 77; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
printf '\157\000\000\000' >"$WORK/k.bin" # j . : something for -kernel
"$VM" run -M virt,dumpdtb="$WORK/vm.dtb" -smp 2 -m 512M -bios none -kernel "$WORK/k.bin"
"$QEMU" -M virt,dumpdtb="$WORK/qemu.dtb" -smp 2 -m 512M >/dev/null 2>&1
for w in vm qemu; do
    dtc -q -I dtb -O dts "$WORK/$w.dtb" >"$WORK/$w.dts"
    python3 - "$WORK/$w.dts" >"$WORK/$w.nodes" <<'EOF'
import re, sys
dts = open(sys.argv[1]).read()
# phandle -> node name
names = {}
for m in re.finditer(r'([\w,@.-]+) \{([^{}]*)', dts):
    p = re.search(r'phandle = <(0x[0-9a-f]+)>', m.group(2))
    if p:
        names[int(p.group(1), 16)] = m.group(1)
for m in re.finditer(r'(virtio_mmio@[0-9a-f]+) \{([^{}]*)\}', dts):
    print(m.group(1))
    for line in sorted(l.strip() for l in m.group(2).strip().splitlines()):
        p = re.match(r'interrupt-parent = <(0x[0-9a-f]+)>;', line)
        if p:
            line = 'interrupt-parent = ' + names.get(int(p.group(1), 16), '?')
        print('    ' + line)
EOF
done
n=$(grep -c '^virtio_mmio@' "$WORK/qemu.nodes")
[ "$n" -eq 8 ] || { cat "$WORK/qemu.nodes"; echo "FAIL: QEMU's tree has $n virtio_mmio nodes, not 8"; exit 1; }
grep -q 'interrupt-parent = plic@c000000' "$WORK/vm.nodes" ||
    { cat "$WORK/vm.nodes"; echo "FAIL: vm's virtio_mmio nodes do not name the PLIC"; exit 1; }
diff -u "$WORK/qemu.nodes" "$WORK/vm.nodes" || { echo "FAIL: vm's virtio_mmio nodes differ from QEMU's"; exit 1; }
echo "8 virtio_mmio nodes as QEMU writes them:"
grep '^virtio_mmio@' "$WORK/vm.nodes" | tr '\n' ' '
echo
echo "PASS"
