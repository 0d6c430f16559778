#!/bin/sh
# mutate.sh [--vm PATH] [TEST.S...]
# Mutation run: rebuilds each test once per CHECK with -DMUTATE=k (the k-th
# CHECK then expects a wrong value) and runs it; every mutant must fail.
# Prints, per test, how many checks were mutated and which ones survived
# (a survivor is a check that cannot fail). About a minute for the suite;
# not a CTest test. Exit status 1 if anything survived.
set -u
here=$(cd "$(dirname "$0")" && pwd)
vm=$(cd "$here/../.." && pwd)/build/vm
if [ "${1:-}" = --vm ]; then vm=$2; shift 2; fi
cd "$here"
[ $# -gt 0 ] || set -- *.S
F="-march=rv64gc_zba_zbb_zbs_zbc_zbkb_zbkc_zbkx_zknd_zkne_zknh_zksed_zksh_zfh_zicsr_zifencei -mabi=lp64d -mcmodel=medany -nostdlib
 -nostartfiles -static -Wl,--no-warn-rwx-segments -Ienv -T env/link.ld"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bad=0
build() { # build K OUT.bin
    riscv64-unknown-elf-gcc $F -DMUTATE=$1 env/start.S "$s" -o "$tmp/m.elf" &&
        riscv64-unknown-elf-objcopy -O binary "$tmp/m.elf" "$2"
}
for s in "$@"; do
    spec=$(sed -n 's|^/\* vm -cpu \([^ ]*\) \*/$|\1|p' "$s")
    build 999999 "$tmp/ref.bin" || exit 2
    k=1 survived=
    # past the last CHECK the mutant is the original: stop there
    while build $k "$tmp/m.bin" && ! cmp -s "$tmp/m.bin" "$tmp/ref.bin"; do
        "$vm" run -M spike ${spec:+-cpu "$spec"} --timeout 20 "$tmp/m.elf" >/dev/null 2>&1 &&
            survived="$survived $k"
        k=$((k + 1))
    done
    [ -n "$survived" ] && bad=1
    echo "$(basename "$s" .S): $((k - 1)) checks mutated, survivors:${survived:- none}"
done
exit $bad
