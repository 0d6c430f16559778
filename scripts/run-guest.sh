#!/bin/sh
# run-guest.sh [VM-RUN-OPTIONS...]
#
# Boots Debian's riscv64 Linux (OpenSBI fw_dynamic, linux-image-riscv64,
# a busybox initramfs) on vm's virt machine to an interactive shell on
# this terminal. Ctrl-A x quits vm, Ctrl-A h lists the escapes; `poweroff
# -f` (or `exit`) in the shell powers the guest off.
#
# The guest assets are fetched once by scripts/fetch-guest-riscv64.sh
# (cached in ${XDG_CACHE_HOME:-~/.cache}/vm/riscv64). vm is build/vm
# (VM=path overrides). Extra options go to `vm run` after the defaults,
# e.g. `scripts/run-guest.sh -smp 4 -m 1G`, or `-append "console=ttyS0
# vm.poweroff"` to power off right after the boot marker.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
vm=${VM:-$root/build/vm}
assets=${XDG_CACHE_HOME:-${HOME:?HOME is not set}/.cache}/vm/riscv64
[ -x "$vm" ] || { echo "run-guest: $vm not found; build first: cmake -S . -B build -G Ninja && cmake --build build" >&2; exit 1; }
"$root/scripts/fetch-guest-riscv64.sh" -o "$assets"
set -- run -M virt -smp 2 -m 512M -bios "$assets/fw_dynamic.bin" -kernel "$assets/Image" \
    -initrd "$assets/initramfs.cpio.gz" -append console=ttyS0 "$@"
echo "run-guest: $vm $*" >&2
echo "run-guest: Ctrl-A x quits, Ctrl-A h helps; 'poweroff -f' in the guest powers it off" >&2
exec "$vm" "$@"
