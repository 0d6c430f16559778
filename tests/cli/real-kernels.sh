#!/bin/sh
# real-kernels.sh VM CASE
#
# Debian's riscv64 kernel (scripts/fetch-guest-riscv64.sh) given to -kernel
# in forms the issue named (skips, 77, without the assets):
#   gzip       Image.gz boots to the GUEST-BOOT-OK marker and powers off
#              (status 0); -v says "Linux Image, gzip-compressed"
#   truncated  the first 8 MiB of the Image: refused at once (status 1),
#              with the PE header's length and the file's
#   extent     -v's kernel extent is [load, load + the header's image_size)
#   bios-default  -bios default is the machine's own firmware: the one vm
#              finds without -bios (Debian's opensbi package, else the
#              cache: here a scratch XDG_CACHE_HOME holding fw_dynamic.bin)
set -eu
VM=$1 case=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../boot/guest-assets.sh"
find_assets Image fw_dynamic.bin initramfs-poweroff.cpio.gz
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; cat "$work/out" 2>/dev/null | tr -d '\r' | tail -20; exit 1; }
run() { # STATUS ARGS...: run vm, check its status
    want=$1; shift
    status=0
    "$VM" run "$@" </dev/null >"$work/out" 2>&1 || status=$?
    [ "$status" -eq "$want" ] || fail "exit status $status, expected $want"
}
case $case in
gzip)
    gzip -1 -c "$ASSETS/Image" >"$work/Image.gz"
    run 0 -v -m 256M -bios "$ASSETS/fw_dynamic.bin" -kernel "$work/Image.gz" \
        -initrd "$ASSETS/initramfs-poweroff.cpio.gz" -append console=ttyS0 --timeout 300
    grep -q "(Linux Image, gzip-compressed)" "$work/out" || fail "-v does not name the format"
    tr -d '\r' <"$work/out" | grep -q '^GUEST-BOOT-OK' || fail "no GUEST-BOOT-OK marker"
    ;;
truncated)
    head -c 8388608 "$ASSETS/Image" >"$work/Image"
    run 1 -bios "$ASSETS/fw_dynamic.bin" -kernel "$work/Image" --timeout 60
    grep -Eq "truncated Linux Image: its PE header says [0-9]+ bytes, the file has 8388608$" \
        "$work/out" || fail "no truncation message"
    [ "$(wc -l <"$work/out")" -eq 1 ] || fail "more than one line"
    ;;
extent)
    size=$(od -An -tu8 -j16 -N8 "$ASSETS/Image" | tr -d ' ')
    run 124 -v -bios "$ASSETS/fw_dynamic.bin" -kernel "$ASSETS/Image" --timeout 0.5
    start=$(sed -n "s/.*kernel '.*' (Linux Image) at \[0x\([0-9a-f]*\)-0x\([0-9a-f]*\)).*/\1/p" "$work/out")
    end=$(sed -n "s/.*kernel '.*' (Linux Image) at \[0x\([0-9a-f]*\)-0x\([0-9a-f]*\)).*/\2/p" "$work/out")
    [ -n "$start" ] || fail "no kernel line in -v's report"
    [ $((0x$end - 0x$start)) -eq "$size" ] || fail "extent $start-$end is not image_size $size"
    echo "kernel at [0x$start-0x$end): image_size $size bytes"
    ;;
bios-default)
    mkdir -p "$work/cache/vm/riscv64"
    cp "$ASSETS/fw_dynamic.bin" "$work/cache/vm/riscv64/"
    fw() { sed -n "s/^vm: firmware '\(.*\)' at \[0x80000000-.*/\1/p" "$work/out"; }
    XDG_CACHE_HOME=$work/cache run 124 -v -kernel "$ASSETS/Image" --timeout 0.5
    without=$(fw)
    XDG_CACHE_HOME=$work/cache run 124 -v -bios default -kernel "$ASSETS/Image" --timeout 0.5
    default=$(fw)
    [ -n "$default" ] || fail "-bios default: no firmware line in -v's report"
    [ "$default" = "$without" ] || fail "-bios default loads '$default', without -bios '$without'"
    case $default in
    /usr/lib/riscv64-linux-gnu/opensbi/*|"$work/cache/vm/riscv64/fw_dynamic.bin") ;;
    *) fail "-bios default loads '$default'" ;;
    esac
    echo "-bios default: $default"
    ;;
*) echo "unknown case $case" >&2; exit 2 ;;
esac
echo PASS
