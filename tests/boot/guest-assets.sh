# Sourced by the boot tests: find the riscv64 guest assets (Debian's
# kernel, OpenSBI, U-Boot and the initramfs images that
# scripts/fetch-guest-riscv64.sh builds), or skip the test (status 77)
# with a message saying how to get them.
#
# Looked for, in order: $VM_GUEST_ASSETS, $VM_GUEST_CACHE (when it has
# the initramfs images too), build/guest-assets/riscv64 in the source
# tree, then the fetch script's default cache.
# Sets ASSETS.

find_assets() {
    need="$*"
    root=$(cd "$(dirname "$0")/../.." && pwd)
    for d in "${VM_GUEST_ASSETS:-}" "${VM_GUEST_CACHE:-}" "$root/build/guest-assets/riscv64" \
             "${XDG_CACHE_HOME:-${HOME:-/nonexistent}/.cache}/vm/riscv64"; do
        [ -n "$d" ] || continue
        ok=1
        for f in $need; do [ -s "$d/$f" ] || ok=0; done
        if [ $ok = 1 ]; then
            ASSETS=$(cd "$d" && pwd)
            return 0
        fi
    done
    echo "SKIPPED: no riscv64 guest assets ($need); run scripts/fetch-guest-riscv64.sh"
    exit 77
}
