#!/usr/bin/env bash
# Fetches the x86-64 guest assets the KVM tests use (Debian's
# linux-image-amd64 bzImage, plus initramfs when ../shared has the full
# builder) into DIR (default build/guest-assets/x86_64). Idempotent.
#
# Order: DIR already has a bzImage -> done; $VM_GUEST_CACHE/x86_64 (or
# ../shared's builder output cached there) -> copied; ../shared/guest-images
# present -> its fetch-x86_64.sh builds everything; otherwise the kernel
# package alone is downloaded with the host's apt (bzImage only).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-build/guest-assets/x86_64}
mkdir -p "$out"
[ -s "$out/bzImage" ] && exit 0

cache=${VM_GUEST_CACHE:-}
if [ -n "$cache" ] && [ -s "$cache/x86_64/bzImage" ]; then
    cp -a "$cache/x86_64/." "$out/"
    exit 0
fi

shared=../shared/guest-images
if [ -x "$shared/fetch-x86_64.sh" ]; then
    echo "fetch-guest-x86_64: building assets with $shared/fetch-x86_64.sh (takes minutes)"
    "$shared/fetch-x86_64.sh" "$out"
    exit 0
fi

# No builder: just the kernel package, with the host's apt lists.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
      awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
[ -n "$pkg" ] || { echo "fetch-guest-x86_64: cannot resolve linux-image-amd64 (apt-get update?)" >&2; exit 1; }
(cd "$tmp" && apt-get download "$pkg" >/dev/null)
dpkg-deb -x "$tmp"/*.deb "$tmp/x"
cp "$tmp"/x/boot/vmlinuz-* "$out/bzImage"
echo "fetch-guest-x86_64: $pkg -> $out/bzImage"
