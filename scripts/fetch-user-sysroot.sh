#!/bin/sh
# fetch-user-sysroot.sh [-o DIR] riscv64|amd64
#
# Unpacks a small Debian userland (suite trixie) for `vm user` tests and
# benchmarks, and the same packages for amd64 as the native reference.
# Output, by default ${XDG_CACHE_HOME:-~/.cache}/vm/user/ARCH:
#
#   sysroot/     merged-/usr root with the packages below unpacked (dpkg-deb
#                -x: nothing is installed on the host)
#     libc6 libgcc-s1            C library and dynamic loader
#     busybox-static             /usr/bin/busybox (static)
#     xz-utils liblzma5          /usr/bin/xz (dynamic)
#     sqlite3 libsqlite3-0 libreadline8t64 libtinfo6 zlib1g
#                                /usr/bin/sqlite3 (dynamic)
#     python3.13-minimal libpython3.13-minimal libpython3.13-stdlib
#     libexpat1 libffi8 libbz2-1.0 libssl3t64 libncursesw6 libuuid1
#     libmpdec4 libcrypt1        /usr/bin/python3.13 (dynamic)
#   VERSIONS     the packages and versions
#   debs/        the downloaded .deb files (kept: re-running is cheap)
#
# EXTRA_PKGS adds packages by name (dependencies are not resolved), e.g.
#   EXTRA_PKGS="perl-base"
# Cached: with VERSIONS present and the same package list, nothing is done.
# Usage afterwards:
#   vm user -L DIR/sysroot DIR/sysroot/usr/bin/xz --version
#   DIR/sysroot/usr/lib64/ld-linux-x86-64.so.2 --library-path \
#       DIR/sysroot/usr/lib/x86_64-linux-gnu DIR/sysroot/usr/bin/xz   (amd64)
# Environment: SUITE (default trixie), DEB_ARCHIVE_URI (default: the host's
# first apt source), DEB_TRUSTED=1 (skip signature checks).

set -eu
die() { echo "fetch-user-sysroot: error: $*" >&2; exit 1; }
log() { echo "fetch-user-sysroot: $*" >&2; }

out=""
while [ $# -gt 0 ]; do
    case $1 in
        -o) [ $# -ge 2 ] || die "-o needs a folder"; out=$2; shift 2 ;;
        -h|--help) sed -n '2,/^$/p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        riscv64|amd64) arch=$1; shift ;;
        *) die "usage: $0 [-o DIR] riscv64|amd64" ;;
    esac
done
[ -n "${arch:-}" ] || die "usage: $0 [-o DIR] riscv64|amd64"
[ -n "$out" ] || out="${XDG_CACHE_HOME:-${HOME:?HOME is not set}/.cache}/vm/user/$arch"
mkdir -p "$out"
out=$(cd "$out" && pwd)
suite=${SUITE:-trixie}
pkgs="libc6 libgcc-s1 busybox-static xz-utils liblzma5 sqlite3 libsqlite3-0
      libreadline8t64 libtinfo6 zlib1g
      python3.13-minimal libpython3.13-minimal libpython3.13-stdlib libexpat1 libffi8
      libbz2-1.0 libssl3t64 libncursesw6 libuuid1 libmpdec4 libcrypt1 ${EXTRA_PKGS:-}"
want=$(echo "suite $suite arch $arch" $pkgs)
if [ -s "$out/VERSIONS" ] && [ -x "$out/sysroot/usr/bin/busybox" ] &&
   [ "$(head -n 1 "$out/VERSIONS")" = "$want" ]; then
    log "cached: $out"
    exit 0
fi
for t in apt-get:apt dpkg-deb:dpkg; do
    command -v "${t%%:*}" >/dev/null 2>&1 || die "'${t%%:*}' not found; install '${t#*:}'"
done

. "$(dirname "$0")/lib/debian-archive.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM HUP
st="$tmp/apt"
mkdir -p "$st/lists/partial" "$st/cache/archives/partial"
: > "$st/status"
kr=/usr/share/keyrings/debian-archive-keyring.gpg
if [ "${DEB_TRUSTED:-0}" = 1 ]; then opt="arch=$arch trusted=yes"
elif [ -r "$kr" ]; then opt="arch=$arch signed-by=$kr"
else die "$kr missing (package debian-archive-keyring); DEB_TRUSTED=1 skips the check"; fi
echo "deb [$opt] $(archive_uri) $suite main" > "$st/sources.list"
APT_OPTS="-q -o Dir::Etc::SourceList=$st/sources.list
    -o Dir::Etc::SourceParts=/dev/null -o Dir::Etc::Preferences=/dev/null
    -o Dir::Etc::PreferencesParts=/dev/null
    -o Dir::State::Lists=$st/lists -o Dir::State::status=$st/status
    -o Dir::Cache=$st/cache
    -o APT::Architecture=$arch -o APT::Architectures=$arch
    -o APT::Sandbox::User=root -o Debug::NoLocking=1"
log "package lists of $suite/$arch"
# shellcheck disable=SC2086
apt-get $APT_OPTS update >&2 || die "apt-get update failed for $suite/$arch"

mkdir -p "$out/debs"
echo "$want" > "$tmp/versions"
rm -rf "$out/sysroot"
mkdir -p "$out/sysroot/usr/bin" "$out/sysroot/usr/sbin" "$out/sysroot/usr/lib" \
         "$out/sysroot/usr/lib64"
for d in bin sbin lib lib64; do ln -s "usr/$d" "$out/sysroot/$d"; done
for p in $pkgs; do
    # shellcheck disable=SC2086
    v=$(apt-cache $APT_OPTS policy "$p" | awk '/Candidate:/ {print $2; exit}')
    { [ -n "$v" ] && [ "$v" != "(none)" ]; } || die "package $p not found in $suite/$arch"
    vf=$(echo "$v" | sed 's/:/%3a/')
    deb=""
    for f in "$out/debs/${p}_${vf}_"*.deb; do [ -f "$f" ] && deb=$f; done
    if [ -z "$deb" ]; then
        log "download $p $v"
        # shellcheck disable=SC2086
        (cd "$out/debs" && apt-get $APT_OPTS download "$p=$v" >&2) || die "download of $p failed"
        for f in "$out/debs/${p}_${vf}_"*.deb; do [ -f "$f" ] && deb=$f; done
    fi
    [ -n "$deb" ] || die "no .deb for $p $v"
    dpkg-deb -x "$deb" "$out/sysroot" || die "cannot unpack $deb"
    echo "$p $v" >> "$tmp/versions"
done
mv "$tmp/versions" "$out/VERSIONS"
log "done: $out/sysroot"
