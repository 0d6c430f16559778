#!/usr/bin/env bash
# The test command: builds vm five ways, warnings as errors, and runs the
# tests in three of them.
#   release   gcc -O2      all tests, the Debian system tests and the Debian
#                          build through vm user included
#   asan      gcc -O0      all tests but the slow system ones (ASan + UBSan)
#   tsan      gcc          the concurrency tests (TSan)
#   o3        gcc -O3      build only (Release: what a user's release build sees)
#   clang     clang -O2    build only
#   fuzz      clang        libFuzzer harnesses (ASan+UBSan), each fuzzed for
#                          VM_FUZZ_SECONDS (default 30), and their corpora
# Usage: scripts/test.sh [release|asan|tsan|o3|clang]...   (default: all five)
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
    local cached=${XDG_CACHE_HOME:-$HOME/.cache}/vm/riscv64/initramfs-virtio.cpio.gz
    if [ -z "${VM_GUEST_CACHE:-}" ] && [ -x "$shared" ] && [ ! -s "$cached" ] &&
       { [ -s "$out/Image" ] || "$shared" "$out"; }; then
        VM_GUEST_CACHE=$out scripts/fetch-guest-riscv64.sh && return 0
    fi
    scripts/fetch-guest-riscv64.sh
}
fetch_riscv64 || echo "warning: no riscv64 guest assets; the boot tests will skip" >&2
# Debian's riscv64 programs for the `vm user` tests, and the same for amd64
# as the native reference (cached in ~/.cache/vm/user; they skip without).
for arch in riscv64 amd64; do
    scripts/fetch-user-sysroot.sh "$arch" ||
        echo "warning: no $arch user sysroot; the user.busybox/user.dynamic tests will skip" >&2
done
# The Debian system disk for the Debian tests (built once as root, minutes;
# then cached in ~/.cache/vm/debian; without it they skip).
if [ "$(id -u)" -eq 0 ]; then
    scripts/make-debian-rootfs.sh >/dev/null ||
        echo "warning: no Debian image; the Debian system tests will skip" >&2
fi

jobs=$(nproc)
variants=("$@")
[ ${#variants[@]} -gt 0 ] || variants=(release asan tsan o3 clang fuzz)

run_variant() {
    local name=$1 dir=build/test-$1 sanitize="" type=RelWithDebInfo label=() cc=${CC:-cc} extra=()
    case $name in
        release) extra=(-DVM_SYSTEM_TESTS=ON -DVM_DEBIAN_BUILD_TEST=ON) ;;
        asan) sanitize="address,undefined" type=Debug extra=(-DVM_SHARED=OFF) ;;
        tsan) sanitize="thread" label=(-L concurrency) extra=(-DVM_SHARED=OFF) ;;
        o3) type=Release extra=(-DVM_SHARED=OFF) ;;
        clang) cc=clang ;;
        fuzz) cc=clang sanitize="address,undefined" label=(-L fuzz)
              extra=(-DVM_FUZZ=ON -DVM_FUZZ_SECONDS="${VM_FUZZ_SECONDS:-30}" -DVM_SHARED=OFF) ;;
        *) echo "unknown variant $name" >&2; return 2 ;;
    esac
    echo "=== $name build ==="
    CC=$cc cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=$type -DVM_SANITIZE="$sanitize" -DVM_WERROR=ON "${extra[@]}" >/dev/null
    local targets=()
    [ "$name" = fuzz ] && targets=(--target fuzzers)
    cmake --build "$dir" -j "$jobs" "${targets[@]}"
    case $name in o3|clang) return 0 ;; esac
    echo "=== $name tests ==="
    # TSan needs a address-space layout it understands on newer kernels.
    local wrap=()
    [ "$name" = tsan ] && wrap=(setarch "$(uname -m)" -R)
    (cd "$dir" && "${wrap[@]}" ctest --output-on-failure -j "$jobs" "${label[@]}")
}

for v in "${variants[@]}"; do
    run_variant "$v"
done
