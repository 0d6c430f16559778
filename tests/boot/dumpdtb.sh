#!/bin/sh
# dumpdtb.sh VM OUT.dtb
#
# `-M virt,dumpdtb=FILE` and `-dumpdtb FILE` write the device tree and exit
# 0 without running; the tree describes the harts, RAM and command line
# asked for (checked with dtc when it is installed, else by the DTB magic).
set -eu
vm=$1 out=$2
rm -f "$out" "$out.2"
# A kernel for -bios none to load: one instruction, `j .` (vm refuses a text file).
kernel=$out.kernel.bin
printf '\157\000\000\000' >"$kernel"
"$vm" run -M virt,dumpdtb="$out" -smp 2 -m 512M -bios none -kernel /dev/null \
    -append "console=ttyS0 test-arg" 2>&1 && echo "FAIL: -kernel /dev/null was accepted" && exit 1
# A firmware-less machine still needs something to run.
"$vm" run -M virt,dumpdtb="$out" -smp 2 -m 512M -bios none -kernel "$kernel" \
    -append "console=ttyS0 test-arg"
"$vm" run -M virt -dumpdtb "$out.2" -smp 2 -m 512M -bios none -kernel "$kernel" \
    -append "console=ttyS0 test-arg"
magic=$(od -An -tx1 -N4 "$out" | tr -d ' ')
[ "$magic" = d00dfeed ] || { echo "FAIL: $out is not a DTB (magic $magic)"; exit 1; }
if command -v dtc >/dev/null 2>&1; then
    dts=$(dtc -q -I dtb -O dts "$out")
    for want in 'cpu@0' 'cpu@1' 'reg = <0x00 0x80000000 0x00 0x20000000>' \
                'bootargs = "console=ttyS0 test-arg"' 'riscv,isa = "rv64imafdc' \
                'serial@10000000' 'plic@c000000' 'clint@2000000' 'rtc@101000' 'test@100000'; do
        echo "$dts" | grep -qF "$want" || { echo "FAIL: no '$want' in the device tree"; exit 1; }
    done
fi
echo "PASS"
