#!/bin/sh
# run-isa.sh [--vm PATH | --qemu | --qemu-virt] [ELF_DIR | ELF...]
# Runs the ISA test ELFs and prints a pass/fail table. Exit status 0 when
# every test behaved as expected.
#   --vm PATH    our vm (default: build/vm run -M spike); all must pass.
#   --qemu       qemu-system-riscv64 -M spike; the known QEMU 7.2 deviations
#                below must fail at exactly the listed case ("xfail").
#   --qemu-virt  qemu-system-riscv64 -M virt, for ELFs built with
#                -DVM_ISA_QEMU_VIRT=ON (build/tests/isa/qemu-virt/): exits
#                through the virt test finisher and has a time CSR.
# ELF_DIR defaults to build/tests/isa. neg-fail must exit 7, neg-hang 124.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
mode=vm vm=$root/build/vm
while [ $# -gt 0 ]; do
    case $1 in
        --qemu) mode=qemu; shift ;;
        --qemu-virt) mode=qemu-virt; shift ;;
        --vm) mode=vm; vm=$2; shift 2 ;;
        -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
        *) break ;;
    esac
done
if [ $# -eq 0 ]; then
    if [ $mode = qemu-virt ]; then set -- "$root/build/tests/isa/qemu-virt"
    else set -- "$root/build/tests/isa"; fi
fi
if [ -d "$1" ]; then set -- "$1"/*.elf; fi

# Where QEMU 7.2 departs from the spec (test:case it fails at, and why).
# Our vm must pass all of these.
qemu_xfail() {
    case $mode:$1 in
        qemu*:amo_faults)     echo "2 AMO/SC faults reported as load faults" ;;
        qemu*:clint)          echo "7 takes the lowest-numbered interrupt first" ;;
        qemu*:irq_prio)       echo "1 takes the lowest-numbered interrupt first" ;;
        qemu:counteren)       echo "15 spike machine: no time CSR" ;;
        qemu:irq_timer)       echo "5 spike machine: no time CSR, so no Sstc" ;;
        qemu:zicntr_time)     echo "1 spike machine: no time CSR" ;;
        qemu*:csr_warl_strict) echo "1 medeleg[11] writable (also MPP=2, mepc[0])" ;;
        qemu:vm_sv39)         echo "39 stale TLB entry after MRET changes MPP under MPRV" ;;
        qemu-virt:vm_sv39)    echo "37 virt board: PCI MMIO at physical 0x40000000" ;;
        qemu-virt:trap_access) echo "1 virt board: PCI MMIO at physical 0x70000000" ;;
        qemu*:xret_mprv)      echo "2 xRET does not clear MPRV" ;;
        qemu*:pmp)            echo "1 pmpaddr keeps bits 63:54 (and more: tests/isa/README.md)" ;;
        qemu*:zbb)            echo "35 ctzw counts past bit 31 when the low word is zero" ;;
        qemu*:zicsr)          echo "14 csrrs rs1!=x0 holding 0 does not trap on a read-only CSR" ;;
        qemu*:zicond)         echo "1 no Zicond in QEMU 7.2" ;;
        qemu*:zcb)            echo "1 no Zcb in QEMU 7.2" ;;
        qemu*:zimop)          echo "1 no Zimop in QEMU 7.2" ;;
        qemu*:zfa)            echo "1 no Zfa in QEMU 7.2" ;;
        qemu*:zicbo)          echo "1 no Zicbom/Zicboz in QEMU 7.2" ;;
        qemu*:svadu)          echo "1 no Svadu (menvcfg.ADUE) in QEMU 7.2" ;;
        qemu*:svpbmt)         echo "1 no Svadu; also PBMT=3 and PBMTE=0 do not fault (README)" ;;
        qemu*:svinval)        echo "5 illegal SINVAL.VMA gives mtval 0" ;;
        qemu*:zkr)            echo "1 seed sign-extended from 32 bits; no mseccfg without x-epmp" ;;
        qemu*:sdtrig)         echo "1 two type-2 triggers only (no mcontrol6, icount)" ;;
        qemu*:zihpm)          echo "1 mhpmcounter19-31 illegal (pmu-num 16)" ;;
        qemu*:sscofpmf)       echo "2 no overflow interrupt from an instruction counter (needs -icount)" ;;
        qemu*:cpu_props)      echo "1 QEMU gets no pmp=off etc.; its pmp=off makes the CSRs illegal, no Zicboz" ;;
        qemu*:priv_ext_off)   echo "8 menvcfg keeps CBIE/CBCFE/CBZE/PBMTE without the extensions" ;;
    esac
}

# The extension set a test asks for: its "/* vm -cpu SPEC */" line (none:
# vm's default, every extension). QEMU 7.2 gets the extensions it has
# turned on, and those the test turns off that it knows of, in its spelling.
QEMU_EXTS="zba zbb zbs zbc zbkb zbkc zbkx zknd zkne zknh zksed zksh Zfh Zfhmin svinval svnapot svpbmt zkr sscofpmf"
cpu_spec() { # cpu_spec NAME
    [ -f "$here/$1.S" ] && sed -n 's|^/\* vm -cpu \([^ ]*\) \*/$|\1|p' "$here/$1.S"
}
qemu_cpu() { # qemu_cpu NAME
    spec=$(cpu_spec "$1") out=rv64
    for e in $QEMU_EXTS; do
        v=true
        case ",$spec," in *",$(echo $e | tr 'A-Z' 'a-z')=off,"*) v=false ;; esac
        out="$out,$e=$v"
    done
    echo "$out"
}

run_one() { # run_one ELF TIMEOUT_S
    n=$(basename "$1" .elf) spec=$(cpu_spec "$(basename "$1" .elf)")
    case $mode in
        # QEMU has no instruction bound: timeout(1) gives 124 like vm does.
        qemu) timeout "$2" qemu-system-riscv64 -M spike -cpu "$(qemu_cpu "$n")" -bios none \
                  -nographic -kernel "$1" ;;
        qemu-virt) timeout "$2" qemu-system-riscv64 -M virt -cpu "$(qemu_cpu "$n")" -bios none \
                  -nographic -kernel "$1" ;;
        vm) "$vm" run -M spike ${spec:+-cpu "$spec"} --timeout "$2" "$1" ;;
    esac
}

printf '%-18s %6s %8s  %s\n' TEST STATUS TIME RESULT
bad=0 total=0
for elf in "$@"; do
    name=$(basename "$elf" .elf)
    want=0 limit=60 why=
    case $name in
        neg-fail) want=7 ;;
        neg-hang) want=124 limit=2 ;;
    esac
    xf=$(qemu_xfail "$name")
    if [ -n "$xf" ]; then want=${xf%% *} why=${xf#* }; fi
    start=$(date +%s.%N)
    run_one "$elf" $limit >/dev/null 2>&1 </dev/null
    st=$?
    t=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
    total=$((total + 1))
    if [ $st -eq $want ] && [ -n "$why" ]; then res="xfail (QEMU: $why)"
    elif [ $st -eq $want ]; then res=ok
    elif [ $want -eq 0 ]; then res="FAIL (case $st)"; bad=$((bad + 1))
    else res="FAIL (expected $want)"; bad=$((bad + 1)); fi
    printf '%-18s %6d %7.2fs  %s\n' "$name" $st "$t" "$res"
done
echo "$((total - bad))/$total as expected ($mode)"
[ $bad -eq 0 ]
