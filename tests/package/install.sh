#!/bin/sh
# install.sh BUILD_DIR SOURCE_DIR
#
# libvm as a package: `cmake --install` into a scratch prefix, then check
# what a user gets: vm, libvm.so with its SONAME and libvm.a, the headers
# (each compiles on its own), libvm.pc, and vm.1 (no `man --warnings`).
# Then build examples/embed_hart.c against the *installed* library with
# `pkg-config --cflags --libs libvm` (shared, and static) and run it on its
# guest: it must print the guest's greeting and exit 0 (a0 = 42).
set -eu
build=$1 src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
prefix=$work/prefix
cmake --install "$build" --prefix "$prefix" >/dev/null || fail "cmake --install"

for f in bin/vm lib/libvm.a lib/libvm.so lib/pkgconfig/libvm.pc share/man/man1/vm.1 \
         include/vm/accel.h include/vm/mem.h include/vm/elf.h; do
    [ -e "$prefix/$f" ] || fail "$f not installed"
done
soname=$(readelf -d "$prefix/lib/libvm.so" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
[ -n "$soname" ] && [ -e "$prefix/lib/$soname" ] || fail "no SONAME or no $soname"
echo "$soname" | grep -Eq '^libvm\.so\.[0-9]+$' || fail "SONAME $soname is not versioned"
if nm -D --defined-only "$prefix/lib/libvm.so" | awk '$2 ~ /^[TDBR]$/ {print $3}' | grep -v '^vm_'; then
    fail "libvm.so exports symbols outside the vm_ API (above)"
fi
"$prefix/bin/vm" --version | grep -q "^vm version" || fail "installed vm --version"

# every public header compiles on its own
for h in "$prefix"/include/vm/*.h; do
    printf '#include <vm/%s>\n' "$(basename "$h")" >"$work/h.c"
    cc -std=gnu11 -Wall -Werror -fsyntax-only -I"$prefix/include" "$work/h.c" ||
        fail "$(basename "$h") does not compile alone"
done

# the manual page
man --warnings -l "$prefix/share/man/man1/vm.1" >"$work/man.txt" 2>"$work/man.err" ||
    fail "man could not format vm.1"
[ ! -s "$work/man.err" ] || { cat "$work/man.err"; fail "man --warnings complains about vm.1"; }
grep -q -- "-serial" "$work/man.txt" || fail "vm.1 does not list -serial"

# the example, against the installed library
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
riscv64-unknown-elf-gcc -march=rv64gc -mabi=lp64d -mcmodel=medany -nostdlib -nostartfiles -static \
    -Wl,--no-warn-rwx-segments -T "$src/examples/guest/link.ld" "$src/examples/guest/hello.S" \
    -o "$work/guest.elf" || fail "building the example's guest"
# shellcheck disable=SC2046 # pkg-config's words are separate arguments
cc -Wall -Wextra -Werror "$src/examples/embed_hart.c" $(pkg-config --cflags --libs libvm) \
    -Wl,-rpath,"$(pkg-config --variable=libdir libvm)" -o "$work/embed_hart" ||
    fail "building the example with pkg-config"
ldd "$work/embed_hart" | grep -q "$soname => $prefix" || fail "the example does not use the installed $soname"
libdir=$(pkg-config --variable=libdir libvm)
# shellcheck disable=SC2046
cc "$src/examples/embed_hart.c" $(pkg-config --cflags libvm) "$libdir/libvm.a" \
    $(pkg-config --static --libs libvm | sed 's/-lvm\b//') -o "$work/embed_hart_static" ||
    fail "building the example against libvm.a"
for exe in embed_hart embed_hart_static; do
    out=$("$work/$exe" "$work/guest.elf") || fail "$exe exited with status $?: $out"
    echo "$out"
    echo "$out" | grep -qx "Hello from the guest" || fail "$exe: no greeting"
    echo "$out" | grep -qx "a0 = 0x2a" || fail "$exe: a0 is not 42"
done
echo PASS
