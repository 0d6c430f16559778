#!/bin/sh
# cpu-isa.sh VM DIR
#
# -cpu: `-cpu help` lists the extensions; the device tree's riscv,isa and
# riscv,isa-extensions list exactly the extensions that are on (default:
# all; `-cpu rv64,EXT=off` takes EXT out); bad -cpu values are refused with
# a message; pmp=off, pmu-num, cbo*_blocksize and debug=off (QEMU's
# properties) change the DT too. (The decoder side is tests/isa/ext_off.S; a booted kernel's
# /proc/cpuinfo is checked by boot-linux.sh.)
set -eu
vm=$1 dir=$2
fail() { echo "FAIL: $*"; exit 1; }
help=$("$vm" run -cpu help) || fail "-cpu help exited $?"
for e in zbc zbkb zknd zkne zknh zksed zksh zfh zfhmin zfa zicond zcb zimop zcmop zihintntl \
         zicbop sstc; do
    echo "$help" | grep -Eq "^  $e +\[" || fail "-cpu help does not list $e"
done
# riscv,isa is a NUL-terminated string in the blob; isa-extensions one string per extension.
isa_of() { grep -ao 'rv64i[a-z0-9_]*' "$1" | sort | tail -1; }
exts_of() { tr '\0' '\n' <"$1" | grep -ax 'z[a-z]*' | sort -u | tr '\n' ' '; }
# A kernel for -bios none to load: one instruction, `j .` (vm refuses a text file).
printf '\157\000\000\000' >"$dir/kernel.bin"
"$vm" run -M virt -dumpdtb "$dir/all.dtb" -bios none -kernel "$dir/kernel.bin"
isa=$(isa_of "$dir/all.dtb")
for e in zicbop zicond zihintntl zimop zfa zfh zfhmin zcb zcmop zba zbb zbc zbkb zbkc zbkx zbs \
         zknd zkne zknh zksed zksh; do
    echo "$isa" | grep -q "_${e}_\|_${e}\$" || fail "default riscv,isa '$isa' lacks $e"
    exts_of "$dir/all.dtb" | grep -qw "$e" || fail "default riscv,isa-extensions lack $e"
done
"$vm" run -M virt -cpu rv64,zbc=off,Zfh=false,zfhmin=off,zkn=off,zicond=off -dumpdtb "$dir/off.dtb" \
    -bios none -kernel "$dir/kernel.bin"
isa=$(isa_of "$dir/off.dtb")
for e in zbc zfh zfhmin zkne zknd zknh zbkb zbkc zbkx zicond; do
    echo "$isa" | grep -q "_${e}_\|_${e}\$" && fail "riscv,isa '$isa' still has $e"
    exts_of "$dir/off.dtb" | grep -qw "$e" && fail "riscv,isa-extensions still have $e"
done
echo "$isa" | grep -q "_zksh_" || fail "riscv,isa '$isa' lost zksh (not turned off)"
# QEMU's properties for what riscv,isa does not name: the device tree follows them.
cpu0=/cpus/cpu@0
get() { fdtget "$@" 2>/dev/null; }
[ "$(get "$dir/all.dtb" $cpu0 riscv,pmpregions)" = 16 ] || fail "default DT: riscv,pmpregions is not 16"
[ "$(get "$dir/all.dtb" $cpu0 riscv,cboz-block-size)" = 64 ] || fail "default DT: cboz block is not 64"
"$vm" run -M virt -cpu rv64,pmp=off,pmu-num=2,cbom_blocksize=128,cboz_blocksize=256,debug=off \
    -dumpdtb "$dir/props.dtb" -bios none -kernel "$dir/kernel.bin"
get "$dir/props.dtb" $cpu0 riscv,pmpregions && fail "pmp=off: the DT still has riscv,pmpregions"
get "$dir/props.dtb" $cpu0 riscv,pmpgranularity && fail "pmp=off: the DT still has riscv,pmpgranularity"
[ "$(get "$dir/props.dtb" $cpu0 riscv,cbom-block-size)" = 128 ] || fail "cbom_blocksize=128 not in the DT"
[ "$(get "$dir/props.dtb" $cpu0 riscv,cboz-block-size)" = 256 ] || fail "cboz_blocksize=256 not in the DT"
[ "$(get "$dir/props.dtb" $cpu0 riscv,cbop-block-size)" = 64 ] || fail "cbop block changed by itself"
# pmu-num=2: the instruction event maps to minstret, mhpmcounter3 and 4 (0x1c), no more.
ev=$(get -tx "$dir/props.dtb" /pmu riscv,event-to-mhpmcounters | cut -d' ' -f4-6)
[ "$ev" = "2 2 1c" ] || fail "pmu-num=2: event 2 maps to counters '$ev', not 2 2 1c"
isa=$(isa_of "$dir/props.dtb")
echo "$isa" | grep -q "_sdtrig" && fail "debug=off: riscv,isa '$isa' still has sdtrig"
echo "$isa" | grep -q "pmp" && fail "riscv,isa '$isa' names pmp"
# refused, with a message naming the problem
for bad in "rv32:unknown CPU model" "rv64,zbq=on:unknown extension 'zbq'" \
           "rv64,zbc=maybe:must be on or off" "rv64,c=off:always has c" \
           "rv64,zfh=on,zfhmin=off:zfh needs zfhmin" "rv64,pmu-num=30:from 0 to 29" \
           "rv64,cbom_blocksize=100:a power of two from 16 to 4096" \
           "rv64,cboz_blocksize=8192:a power of two from 16 to 4096" "rv64,pmp=maybe:must be on or off"; do
    spec=${bad%%:*} msg=${bad#*:}
    if out=$("$vm" run -M virt -cpu "$spec" -dumpdtb "$dir/bad.dtb" -bios none -kernel "$dir/kernel.bin" 2>&1); then
        fail "-cpu $spec was accepted"
    fi
    echo "$out" | grep -qF "$msg" || fail "-cpu $spec: message '$out' does not say '$msg'"
done
echo "PASS"
