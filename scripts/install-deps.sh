#!/usr/bin/env bash
# Installs the Debian packages vm needs to build, test and benchmark.
# Idempotent: does nothing when everything is already there.
set -euo pipefail

packages=(
    build-essential clang cmake pkg-config ninja-build
    libcmocka-dev libfdt-dev libslirp-dev libglib2.0-dev zlib1g-dev libjson-c-dev libcapstone-dev
    gcc-riscv64-unknown-elf binutils-riscv64-unknown-elf
    gcc-riscv64-linux-gnu libc6-dev-riscv64-cross
    qemu-system-misc qemu-user
    valgrind device-tree-compiler gdb-multiarch python3 man-db groff-base
    cpio gzip xz-utils zstd e2fsprogs ca-certificates mmdebstrap wget
    python3 openssh-client iperf3
    libseccomp-dev
)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
