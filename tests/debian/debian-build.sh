#!/bin/sh
# debian-build.sh VM-USER VM SECONDS
#
# vm builds Debian (issue 13): with VM-USER (the static vm-user) registered
# as the riscv64 binfmt_misc handler instead of qemu-user-static
# (scripts/vm-binfmt.sh run: qemu-riscv64 is disabled meanwhile and both
# are restored on every exit path), scripts/make-debian-rootfs.sh builds a
# fresh image: mmdebstrap runs dpkg, perl, bash and the maintainer scripts
# of about 150 riscv64 packages through vm. Then the image boots on VM
# (tests/debian/debian-system.sh: login, systemd running, DHCP, wget, ssh,
# integrity, a crash). SECONDS bounds the whole test.
#
# Skips (77) unless root with mmdebstrap and the guest assets, or when the
# Debian archive (the host's apt source) cannot be reached.
set -u
[ $# -eq 3 ] || { echo "usage: $0 VM-USER VM SECONDS" >&2; exit 2; }
vmuser=$1 vm=$2 limit=$3
T0=$(date +%s)
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
PATH=$PATH:/sbin:/usr/sbin
[ "$(id -u)" = 0 ] || { echo "SKIPPED: not root (mmdebstrap runs maintainer scripts in a chroot)"; exit 77; }
for t in mmdebstrap mke2fs wget timeout; do
    command -v $t >/dev/null 2>&1 || { echo "SKIPPED: $t missing (scripts/install-deps.sh)"; exit 77; }
done
die() { echo "FAIL: $*"; exit 1; }
. "$root/scripts/lib/debian-archive.sh"
archive=$(archive_uri)
wget -q -T 20 -t 2 -O /dev/null "$archive/dists/trixie/InRelease" ||
    { echo "SKIPPED: the Debian archive $archive cannot be reached"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 1' INT TERM HUP
left=$((T0 + limit - $(date +%s) - 300)) # 300 s kept for the boots
echo "[$(($(date +%s) - T0)) s] build: make-debian-rootfs.sh through $vmuser (bounded to $left s)"
# timeout inside run: it signals its own process group, never vm-binfmt.sh,
# which restores the registrations
sh "$root/scripts/vm-binfmt.sh" run --handler "$vmuser" -- timeout -k 30 $left \
    sh "$root/scripts/make-debian-rootfs.sh" -o "$work/debian.img" --refresh > "$work/path" 2> "$work/log"
s=$?
cat "$work/log"
# The archive failing mid-build is the network's fault, not vm's: skip.
if [ $s -ne 0 ] && grep -q "Failed to fetch\|Unable to fetch\|Temporary failure resolving\|Could not connect" "$work/log"; then
    echo "SKIPPED: a download from $archive failed during the build"; exit 77
fi
[ $s -eq 0 ] || die "the build through vm failed (status $s$([ $s = 124 ] && echo ': out of time'))"
grep -q "disabled qemu-riscv64\|^registered" "$work/log" || die "vm-user was not registered"
echo "[$(($(date +%s) - T0)) s] built $(du -h "$work/debian.img" | cut -f1) image; booting it on vm"
left=$((T0 + limit - $(date +%s)))
VM_DEBIAN_IMAGE=$work/debian.img sh "$here/debian-system.sh" "$vm" "$left"
