#!/usr/bin/env bash
# The test command: builds vm three ways and runs every test in each.
#   optimised            all tests
#   address+undefined    all tests (ASan + UBSan)
#   thread               the concurrency tests (TSan)
# Usage: scripts/test.sh [release|asan|tsan]...   (default: all three)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
# x86-64 guest assets for the bzImage loader test (it skips without them).
scripts/fetch-guest-x86_64.sh || echo "warning: no x86-64 guest assets; test_bzimage will skip" >&2
# riscv64 guest assets for the boot tests (they skip without them), into
# the project's cache; ../shared's builder, when present, is the download
# cache (its output kept in build/guest-assets/shared-riscv64).
fetch_riscv64() {
    local shared=../shared/guest-images/fetch-riscv64.sh out=build/guest-assets/shared-riscv64
    local cached=${XDG_CACHE_HOME:-$HOME/.cache}/vm/riscv64/initramfs-poweroff.cpio.gz
    if [ -z "${VM_GUEST_CACHE:-}" ] && [ -x "$shared" ] && [ ! -s "$cached" ] &&
       { [ -s "$out/Image" ] || "$shared" "$out"; }; then
        VM_GUEST_CACHE=$out scripts/fetch-guest-riscv64.sh && return 0
    fi
    scripts/fetch-guest-riscv64.sh
}
fetch_riscv64 || echo "warning: no riscv64 guest assets; the boot tests will skip" >&2

jobs=$(nproc)
variants=("$@")
[ ${#variants[@]} -gt 0 ] || variants=(release asan tsan)

run_variant() {
    local name=$1 dir=build/test-$1 sanitize="" type=RelWithDebInfo label=()
    case $name in
        release) ;;
        asan) sanitize="address,undefined" type=Debug ;;
        tsan) sanitize="thread" label=(-L concurrency) ;;
        *) echo "unknown variant $name" >&2; return 2 ;;
    esac
    echo "=== $name build ==="
    cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=$type -DVM_SANITIZE="$sanitize" -DVM_WERROR=ON >/dev/null
    cmake --build "$dir" -j "$jobs"
    echo "=== $name tests ==="
    # TSan needs a address-space layout it understands on newer kernels.
    local wrap=()
    [ "$name" = tsan ] && wrap=(setarch "$(uname -m)" -R)
    (cd "$dir" && "${wrap[@]}" ctest --output-on-failure -j "$jobs" "${label[@]}")
}

for v in "${variants[@]}"; do
    run_variant "$v"
done
