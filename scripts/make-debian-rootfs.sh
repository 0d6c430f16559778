#!/bin/sh
# make-debian-rootfs.sh [-o IMAGE] [--size MiB] [--suite SUITE] [--refresh|--cached]
#                       [--arch ARCH]
#
# Builds a real Debian riscv64 system disk for vm: a raw ext4 image with a
# minbase Debian (default trixie) running systemd and udev, DHCP on eth0
# (ifupdown), wget, openssh-server, fio and iperf3 (for the benchmarks);
# root's password is "root", the host name "vmguest". It has no kernel:
# boot it with Debian's kernel and the virtio initramfs that
# scripts/fetch-guest-riscv64.sh makes, and `guest.root=/dev/vda`:
#
#   G=~/.cache/vm/riscv64
#   vm run -M virt -smp 2 -m 1G -bios $G/fw_dynamic.bin -kernel $G/Image \
#     -initrd $G/initramfs-virtio.cpio.gz \
#     -append "console=ttyS0 guest.root=/dev/vda systemd.default_device_timeout_sec=900" \
#     -drive file=debian.img,format=raw,if=virtio -netdev user,id=n0 \
#     -device virtio-net-device,netdev=n0
#
# systemd then reaches "vmguest login:" on the console. (The same command
# line runs on qemu-system-riscv64.) The device timeout: on a slow or busy
# host, udev may tag /dev/ttyS0 after systemd's 90 s default, and then the
# serial console's getty never starts.
#
# The image is cached: by default
#   ${XDG_CACHE_HOME:-~/.cache}/vm/debian/SUITE-riscv64-KEY.img
# where KEY names this script's package list and settings, and nothing is
# done when it exists (--refresh builds it again). Boot a copy of it
# (cp --sparse=always) when the guest should not change the cached one.
# It prints the image's path on stdout. --cached only prints it, or fails
# (status 1) when it is not there yet.
#
# Needs root (mmdebstrap runs the packages' riscv64 maintainer scripts in a
# chroot), mmdebstrap, e2fsprogs, and a riscv64 binfmt_misc handler: one
# already registered is used, otherwise qemu-user-static is installed and
# registered (binfmt_misc is mounted when it is not). vm itself can be the
# handler (statically linked vm-user; the newest registration wins, and
# qemu-riscv64 is disabled meanwhile):
#
#   scripts/vm-binfmt.sh run -- scripts/make-debian-rootfs.sh
#
# --arch amd64 builds the same system for the host (no emulation): the
# benchmark's native row (bench/user/debian.sh). Packages come from the
# host's own apt archive (DEB_ARCHIVE_URI overrides it). About 3 minutes on
# an idle 2-core machine; the image is about 600 MB on disk (2 GiB sparse).
#
# Environment: VM_DEBIAN_ROOTFS_CACHE  a folder that may already hold the
# image (e.g. a CI cache): it is copied from there when present.

set -eu

die() { echo "make-debian-rootfs: error: $*" >&2; exit 1; }
log() { echo "make-debian-rootfs: $*" >&2; }

out="" size=2048 suite=trixie refresh=0 cached=0 arch=riscv64
while [ $# -gt 0 ]; do
    case $1 in
        -o) [ $# -ge 2 ] || die "-o needs a path"; out=$2; shift 2 ;;
        --size) [ $# -ge 2 ] || die "--size needs MiB"; size=$2; shift 2 ;;
        --suite) [ $# -ge 2 ] || die "--suite needs a name"; suite=$2; shift 2 ;;
        --arch) [ $# -ge 2 ] || die "--arch needs a Debian architecture"; arch=$2; shift 2 ;;
        --refresh) refresh=1; shift ;;
        --cached) cached=1; shift ;;
        -h|--help) sed -n '2,/^$/p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown argument '$1' (see --help)" ;;
    esac
done

packages="systemd-sysv,udev,iproute2,netbase,ifupdown,isc-dhcp-client,wget,kmod,openssh-server,fio,iperf3,e2fsprogs"
# The cache key: what the image holds (change either and it is rebuilt).
key=$(printf '%s|%s|%s|v1' "$packages" "$suite" "$size" | sha256sum | cut -c1-10)
name="$suite-$arch-$key.img"
if [ -z "$out" ]; then
    out="${XDG_CACHE_HOME:-${HOME:?HOME is not set}/.cache}/vm/debian/$name"
fi
if [ $refresh = 0 ] && [ -s "$out" ]; then
    log "up to date: $out"
    echo "$out"
    exit 0
fi
[ $cached = 0 ] || { log "not built yet: $out"; exit 1; }
mkdir -p "$(dirname "$out")"
if [ $refresh = 0 ] && [ -n "${VM_DEBIAN_ROOTFS_CACHE:-}" ] && [ -s "$VM_DEBIAN_ROOTFS_CACHE/$name" ]; then
    log "copying $name from $VM_DEBIAN_ROOTFS_CACHE"
    cp --sparse=always "$VM_DEBIAN_ROOTFS_CACHE/$name" "$out.tmp" && mv "$out.tmp" "$out"
    echo "$out"
    exit 0
fi

PATH=$PATH:/sbin:/usr/sbin
[ "$(id -u)" -eq 0 ] || die "run as root: mmdebstrap runs riscv64 maintainer scripts in a chroot"
install_pkgs() {
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null ||
        die "cannot install $*"
}
command -v mmdebstrap >/dev/null 2>&1 || install_pkgs mmdebstrap
command -v arch-test >/dev/null 2>&1 || install_pkgs arch-test # foreign architectures
command -v mke2fs >/dev/null 2>&1 || install_pkgs e2fsprogs
[ -r /usr/share/keyrings/debian-archive-keyring.gpg ] || install_pkgs debian-archive-keyring
[ -f /proc/sys/fs/binfmt_misc/register ] ||
    mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc ||
    die "binfmt_misc is not available (riscv64 programs cannot run in the chroot)"
if [ "$arch" = riscv64 ] && ! ls /proc/sys/fs/binfmt_misc | grep -q riscv64; then
    log "registering qemu-user-static as the riscv64 binfmt handler"
    install_pkgs qemu-user-static binfmt-support
    update-binfmts --enable qemu-riscv64 >/dev/null 2>&1 || true
    ls /proc/sys/fs/binfmt_misc | grep -q riscv64 || die "no riscv64 binfmt handler registered"
fi

. "$(dirname "$0")/lib/debian-archive.sh"
archive=$(archive_uri)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 1' INT TERM HUP
log "mmdebstrap $suite $arch from $archive (a few minutes)"
mmdebstrap --arch="$arch" --variant=minbase --include="$packages" \
    --customize-hook='echo root:root | chroot "$1" chpasswd' \
    --customize-hook='echo vmguest > "$1/etc/hostname"' \
    --customize-hook='printf "127.0.0.1 localhost\n127.0.1.1 vmguest\n" > "$1/etc/hosts"' \
    --customize-hook='printf "auto lo\niface lo inet loopback\nauto eth0\niface eth0 inet dhcp\n" > "$1/etc/network/interfaces"' \
    --customize-hook='printf "/dev/vda / ext4 defaults 0 1\n" > "$1/etc/fstab"' \
    --customize-hook='mkdir -p "$1/root/.ssh" && chmod 700 "$1/root/.ssh"' \
    "$suite" "$work/rootfs.tar" "$archive" >"$work/log" 2>&1 ||
    { tail -n 30 "$work/log" >&2; die "mmdebstrap failed (log above)"; }
mkdir "$work/root"
tar -C "$work/root" -xf "$work/rootfs.tar"
rm -f "$out.tmp"
mke2fs -q -F -t ext4 -L debian-root -d "$work/root" "$out.tmp" "${size}M" ||
    die "mke2fs failed"
mv "$out.tmp" "$out"
log "wrote $out (ext4, $size MiB, Debian $suite $arch, root password 'root')"
echo "$out"
