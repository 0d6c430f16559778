#!/bin/sh
# fetch-guest-riscv64.sh [-o DIR] [--refresh]
#
# Fetches a RISC-V 64 test guest for vm's riscv-virt board from Debian
# packages (suite trixie: bookworm has no riscv64 port) and builds small
# initramfs images. Everything goes into one cache folder, by default
# ${XDG_CACHE_HOME:-~/.cache}/vm/riscv64:
#
#   Image                      Linux kernel (raw RISC-V Image, EFI stub),
#                              /boot/vmlinux-* of linux-image-*-riscv64
#   fw_dynamic.bin fw_jump.bin OpenSBI, generic platform (package opensbi)
#   u-boot-smode.bin           U-Boot for QEMU virt, S-mode (u-boot-qemu)
#   busybox                    static riscv64 busybox (busybox-static)
#   initramfs.cpio.gz          /init prints GUEST-BOOT-OK, then opens an
#                              interactive shell on the console
#   initramfs-poweroff.cpio.gz /init prints GUEST-BOOT-OK, then powers off
#                              (for tests)
#   modules/                   the kernel's virtio and ext4 modules (plain
#                              .ko) and their load-order: virtio_mmio,
#                              virtio_blk, virtio_net, virtio_rng, ext4
#                              (with crc32c, which ext4 asks for at mount)
#                              and what they need
#   initramfs-virtio.cpio.gz   as initramfs.cpio.gz, but /init first loads
#                              modules/ (GUEST-MODULES ...), and with
#                              `guest.root=DEV` on the command line mounts
#                              DEV and switch_roots to its /sbin/init (a
#                              Debian system, scripts/make-debian-rootfs.sh)
#   VERSIONS                   the Debian packages and versions used
#   debs/                      the downloaded .deb files
#
# The kernel command line can override the /init mode of either image:
# `vm.shell` or `vm.poweroff`. Both print these lines first:
#   GUEST-BOOT-OK
#   GUEST-UNAME <uname -a>
#   GUEST-ISA <isa line of /proc/cpuinfo>
#
# Cached and idempotent: when every output is there, nothing is fetched
# (--refresh checks the archive for newer packages; downloaded .debs of the
# current version are reused). The initramfs images are reproducible.
#
# Environment:
#   VM_GUEST_CACHE   an existing folder with Image, fw_dynamic.bin,
#                    fw_jump.bin, u-boot-smode.bin and busybox (e.g. made by
#                    another copy of this script or by a shared asset
#                    script): those files are copied from it, nothing is
#                    downloaded; the modules come from the kernel package
#                    in its debs/ (else from its modules/)
#   SUITE            Debian suite (default trixie)
#   DEB_ARCHIVE_URI  archive to use (default: the first one in the host's
#                    own apt sources)
#   DEB_TRUSTED=1    do not check package signatures (default: checked
#                    with /usr/share/keyrings/debian-archive-keyring.gpg)
#
# Host tools: apt-get, dpkg-deb (apt, dpkg), cpio, gzip. The host's apt
# configuration is only read (for the archive address), never changed:
# package lists live in a private temporary folder removed on exit.

set -eu

die() { echo "fetch-guest-riscv64: error: $*" >&2; exit 1; }
log() { echo "fetch-guest-riscv64: $*" >&2; }

usage() {
    sed -n '2,3p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

out=""
refresh=0
while [ $# -gt 0 ]; do
    case $1 in
        -o|--out) [ $# -ge 2 ] || usage; out=$2; shift 2 ;;
        --refresh) refresh=1; shift ;;
        -h|--help) sed -n '2,/^$/p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) usage ;;
    esac
done
[ -n "$out" ] || out="${XDG_CACHE_HOME:-${HOME:?HOME is not set}/.cache}/vm/riscv64"
mkdir -p "$out" || die "cannot create $out"
out=$(cd "$out" && pwd)
suite=${SUITE:-trixie}

need_tool() {
    command -v "$1" >/dev/null 2>&1 || die "'$1' not found; install the Debian package '$2'"
}
need_tool cpio cpio
need_tool gzip gzip
need_tool xz xz-utils

binaries="Image fw_dynamic.bin fw_jump.bin u-boot-smode.bin busybox"
outputs="$binaries initramfs.cpio.gz initramfs-poweroff.cpio.gz initramfs-virtio.cpio.gz
    modules/load-order VERSIONS"
# The modules the virtio initramfs loads (their dependencies come along).
wanted_modules="virtio_mmio virtio_blk virtio_net virtio_rng crc32c_generic ext4"

all_present() {
    for f in "$@"; do [ -s "$out/$f" ] || return 1; done
}

# ---- private apt state ---------------------------------------------------

. "$(dirname "$0")/lib/debian-archive.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM HUP

apt_setup() {
    need_tool apt-get apt
    need_tool dpkg-deb dpkg
    st="$tmp/apt"
    mkdir -p "$st/lists/partial" "$st/cache/archives/partial"
    : > "$st/status" # empty dpkg status: the host's packages do not matter
    kr=/usr/share/keyrings/debian-archive-keyring.gpg
    if [ "${DEB_TRUSTED:-0}" = 1 ]; then
        opt="arch=riscv64 trusted=yes"
    elif [ -r "$kr" ]; then
        opt="arch=riscv64 signed-by=$kr"
    else
        die "$kr missing (package debian-archive-keyring); DEB_TRUSTED=1 skips the check"
    fi
    echo "deb [$opt] $(archive_uri) $suite main" > "$st/sources.list"
    APT_OPTS="-q -o Dir::Etc::SourceList=$st/sources.list
        -o Dir::Etc::SourceParts=/dev/null -o Dir::Etc::Preferences=/dev/null
        -o Dir::Etc::PreferencesParts=/dev/null
        -o Dir::State::Lists=$st/lists -o Dir::State::status=$st/status
        -o Dir::Cache=$st/cache
        -o APT::Architecture=riscv64 -o APT::Architectures=riscv64
        -o APT::Sandbox::User=root -o Debug::NoLocking=1"
    log "package lists of $suite/riscv64"
    # shellcheck disable=SC2086
    apt-get $APT_OPTS update >&2 || die "apt-get update failed for $suite/riscv64"
}

# shellcheck disable=SC2086
apt_cache() { apt-cache $APT_OPTS "$@"; }

candidate() {
    apt_cache policy "$1" | awk '/Candidate:/ {print $2; exit}'
}

# The versioned linux-image package that the meta package depends on.
kernel_package() {
    apt_cache show --no-all-versions linux-image-riscv64 |
        sed -n 's/^Depends:.*\(linux-image-[0-9][^ ,]*\).*/\1/p' | head -n 1
}

# Download PKG into debs/ unless that version is there already; set DEB to
# the .deb's path.
fetch_deb() {
    v=$(candidate "$1")
    { [ -n "$v" ] && [ "$v" != "(none)" ]; } || die "package $1 not found in $suite"
    vf=$(echo "$v" | sed 's/:/%3a/')
    mkdir -p "$out/debs"
    DEB=""
    for f in "$out/debs/$1_${vf}_"*.deb; do [ -f "$f" ] && DEB=$f; done
    if [ -z "$DEB" ]; then
        log "download $1 $v"
        # shellcheck disable=SC2086
        (cd "$out/debs" && apt-get $APT_OPTS download "$1=$v" >&2) ||
            die "download of $1 $v failed"
        for f in "$out/debs/$1_${vf}_"*.deb; do [ -f "$f" ] && DEB=$f; done
        [ -n "$DEB" ] || die "download of $1 $v left no .deb"
    else
        log "have $1 $v"
    fi
    echo "$1 $v" >> "$tmp/versions"
}

# ---- kernel modules --------------------------------------------------------

# A module as a plain .ko on stdout (Debian compresses them).
module_bytes() {
    case $1 in
        *.ko.xz) xz -dc "$1" ;;
        *.ko.zst) need_tool zstd zstd; zstd -qdc "$1" ;;
        *.ko.gz) gzip -dc "$1" ;;
        *) cat "$1" ;;
    esac
}

# add_module TREE NAME: NAME and, first, what its modinfo `depends=` names,
# into $tmp/modules with their order in load-order. Built-in ones (absent
# from the tree) are skipped.
add_module() {
    grep -qx "$2" "$tmp/modules/load-order" 2>/dev/null && return 0
    f=$(find "$1" \( -name "$2.ko*" -o -name "$(echo "$2" | tr _ -).ko*" \) | head -n 1)
    if [ -z "$f" ]; then
        log "module $2: built in (or absent)"
        return 0
    fi
    module_bytes "$f" > "$tmp/modules/$2.ko" || die "cannot unpack module $f"
    for dep in $(tr '\0' '\n' < "$tmp/modules/$2.ko" | sed -n 's/^depends=//p' | tr , ' '); do
        add_module "$1" "$dep"
    done
    echo "$2" >> "$tmp/modules/load-order"
}

# collect_modules ROOT: from an unpacked linux-image package.
collect_modules() {
    tree=""
    for d in "$1"/usr/lib/modules/* "$1"/lib/modules/*; do [ -d "$d/kernel" ] && tree=$d/kernel; done
    [ -n "$tree" ] || die "no kernel modules in the kernel package"
    rm -rf "$tmp/modules"
    mkdir -p "$tmp/modules"
    for m in $wanted_modules; do add_module "$tree" "$m"; done
    rm -rf "$out/modules"
    cp -r "$tmp/modules" "$out/modules"
    echo "modules $(tr '\n' ' ' < "$out/modules/load-order")" >> "$tmp/versions"
}

# ---- the binaries ----------------------------------------------------------

from_cache() {
    src=$1
    for f in $binaries; do
        [ -s "$src/$f" ] || die "VM_GUEST_CACHE=$src has no $f"
    done
    log "copying $binaries from $src"
    for f in $binaries; do cp "$src/$f" "$out/$f.tmp" && mv "$out/$f.tmp" "$out/$f"; done
    chmod 755 "$out/busybox"
    if [ -f "$src/VERSIONS" ]; then
        sed 's/^/from-cache /' "$src/VERSIONS" > "$tmp/versions"
    else
        echo "from-cache $src" > "$tmp/versions"
    fi
    kdeb=""
    for f in "$src"/debs/linux-image-*.deb; do [ -f "$f" ] && kdeb=$f; done
    if [ -n "$kdeb" ]; then
        need_tool dpkg-deb dpkg
        dpkg-deb -x "$kdeb" "$tmp/kernel" || die "cannot unpack $kdeb"
        collect_modules "$tmp/kernel"
    elif [ -s "$src/modules/load-order" ]; then
        log "no kernel package in $src/debs: taking its modules/ as they are"
        rm -rf "$out/modules"
        cp -r "$src/modules" "$out/modules"
    else
        die "VM_GUEST_CACHE=$src has neither debs/linux-image-*.deb nor modules/"
    fi
}

from_debian() {
    apt_setup
    kpkg=$(kernel_package)
    [ -n "$kpkg" ] || die "cannot resolve linux-image-riscv64 in $suite"
    x="$tmp/x"
    for p in "$kpkg" opensbi u-boot-qemu busybox-static; do
        fetch_deb "$p"
        dpkg-deb -x "$DEB" "$x" || die "cannot unpack $DEB"
    done
    kimg=""
    for f in "$x"/boot/vmlinux-*; do [ -f "$f" ] && kimg=$f; done
    [ -n "$kimg" ] || die "$kpkg has no /boot/vmlinux-*"
    sbi="$x/usr/lib/riscv64-linux-gnu/opensbi/generic"
    ub="$x/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin"
    bb="$x/usr/bin/busybox"
    [ -f "$bb" ] || bb="$x/bin/busybox"
    for f in "$sbi/fw_dynamic.bin" "$sbi/fw_jump.bin" "$ub" "$bb"; do
        [ -f "$f" ] || die "expected file missing from the packages: ${f#"$x"}"
    done
    install -m 644 "$kimg" "$out/Image"
    install -m 644 "$sbi/fw_dynamic.bin" "$out/fw_dynamic.bin"
    install -m 644 "$sbi/fw_jump.bin" "$out/fw_jump.bin"
    install -m 644 "$ub" "$out/u-boot-smode.bin"
    install -m 755 "$bb" "$out/busybox"
    echo "kernel-release ${kimg##*/vmlinux-}" >> "$tmp/versions"
    collect_modules "$x"
}

# ---- initramfs -------------------------------------------------------------

write_init() {
    cat > "$1" <<'EOF'
#!/bin/busybox sh
# /init of vm's riscv64 test initramfs (scripts/fetch-guest-riscv64.sh).
/bin/busybox mkdir -p /proc /sys /dev /tmp /sbin /usr/bin /usr/sbin
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1

echo "GUEST-BOOT-OK"
echo "GUEST-UNAME $(uname -a)"
echo "GUEST-ISA $(grep -m 1 '^isa' /proc/cpuinfo | sed 's/.*: //')"

# The virtio image: the kernel's modules (virtio-mmio, -blk, -net, -rng,
# ext4), then guest.root=DEV boots the system on DEV.
if [ -f /lib/modules/load-order ]; then
    loaded=""
    while read -r m; do
        if insmod "/lib/modules/$m.ko"; then loaded="$loaded $m"; else echo "GUEST-WARN insmod $m failed"; fi
    done < /lib/modules/load-order
    echo "GUEST-MODULES$loaded"
fi
root=$(sed -n 's/.*guest\.root=\([^ ]*\).*/\1/p' /proc/cmdline)
if [ -n "$root" ]; then
    mkdir -p /newroot
    if mount -o rw "$root" /newroot; then
        echo "GUEST-SWITCH-ROOT $root"
        mount --move /proc /newroot/proc
        mount --move /sys /newroot/sys
        mount --move /dev /newroot/dev
        exec switch_root /newroot /sbin/init
    fi
    echo "GUEST-WARN mounting $root failed"
fi

mode=$(cat /etc/vm-init-mode 2>/dev/null || echo shell)
case " $(cat /proc/cmdline) " in
    *" vm.poweroff "*) mode=poweroff ;;
    *" vm.shell "*) mode=shell ;;
esac
if [ "$mode" = shell ]; then
    echo "GUEST-SHELL (exit to power off)"
    setsid cttyhack sh
fi
echo "GUEST-POWEROFF"
sync
poweroff -f
sleep 5
echo "GUEST-POWEROFF-FAILED"
exec sh
EOF
    chmod 755 "$1"
}

# busybox udhcpc's hook: configure the lease on the interface (address,
# default route, DNS).
write_udhcpc_script() {
    mkdir -p "$(dirname "$1")"
    cat > "$1" <<'EOF'
#!/bin/sh
case $1 in
    deconfig) ip -4 addr flush dev "$interface"; ip link set "$interface" up ;;
    bound|renew)
        ip -4 addr flush dev "$interface"
        ip addr add "$ip/${mask:-24}" dev "$interface"
        for r in $router; do ip route add default via "$r" dev "$interface"; break; done
        : > /etc/resolv.conf
        for d in $dns; do echo "nameserver $d" >> /etc/resolv.conf; done ;;
esac
exit 0
EOF
    chmod 755 "$1"
}

# make_initramfs OUT MODE [MODULES]: busybox + /init (+ modules/ as
# /lib/modules), reproducible (fixed owners and times, sorted), gzip'ed
# newc cpio.
make_initramfs() {
    st="$tmp/initramfs-$2${3:+-modules}"
    rm -rf "$st"
    mkdir -p "$st/bin" "$st/dev" "$st/etc" "$st/proc" "$st/sys" "$st/tmp" "$st/root"
    if [ -n "${3:-}" ]; then
        mkdir -p "$st/lib"
        cp -r "$3" "$st/lib/modules"
    fi
    cp "$out/busybox" "$st/bin/busybox"
    chmod 755 "$st/bin/busybox"
    ln -s busybox "$st/bin/sh"
    write_init "$st/init"
    write_udhcpc_script "$st/etc/udhcpc/default.script"
    echo "$2" > "$st/etc/vm-init-mode"
    # The kernel opens /dev/console before /init runs; making the node
    # needs root (Debian's kernels also have one built in).
    [ "$(id -u)" != 0 ] || mknod -m 600 "$st/dev/console" c 5 1
    find "$st" -exec touch -h -d @0 {} +
    (cd "$st" && find . | LC_ALL=C sort |
        cpio --quiet -o -H newc -R 0:0 --reproducible) | gzip -9 -n > "$1.tmp"
    mv "$1.tmp" "$1"
}

# ---- main --------------------------------------------------------------------

# shellcheck disable=SC2086 # word lists
if [ $refresh = 0 ] && all_present $outputs; then
    log "up to date in $out (--refresh to look for newer packages)"
    exit 0
fi
: > "$tmp/versions"
if [ -n "${VM_GUEST_CACHE:-}" ]; then
    [ -d "$VM_GUEST_CACHE" ] || die "VM_GUEST_CACHE=$VM_GUEST_CACHE is not a folder"
    from_cache "$(cd "$VM_GUEST_CACHE" && pwd)"
else
    from_debian
fi
make_initramfs "$out/initramfs.cpio.gz" shell
make_initramfs "$out/initramfs-poweroff.cpio.gz" poweroff
make_initramfs "$out/initramfs-virtio.cpio.gz" shell "$out/modules"
{ echo "suite $suite arch riscv64"; cat "$tmp/versions"; } > "$out/VERSIONS.tmp"
mv "$out/VERSIONS.tmp" "$out/VERSIONS"
log "done: $out"
cat "$out/VERSIONS" >&2
