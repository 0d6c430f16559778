#!/bin/sh
# vm-binfmt.sh: make vm the kernel's handler for riscv64 Linux programs
# (binfmt_misc), as Debian's qemu-user-static does for qemu-riscv64.
#
#   scripts/vm-binfmt.sh register [--handler PATH] [--name NAME] [--flags FLAGS]
#   scripts/vm-binfmt.sh unregister [--name NAME]
#   scripts/vm-binfmt.sh status [--name NAME]
#   scripts/vm-binfmt.sh run [--handler PATH] [--flags FLAGS] -- CMD [ARGS...]
#   scripts/vm-binfmt.sh hold -- CMD [ARGS...]
#
# run: registers the handler under a name of its own, disables every other
# enabled riscv64 entry (qemu-user-static's qemu-riscv64), runs CMD, and
# then restores both, whichever way CMD or this script ends (SIGKILL
# aside); its status is CMD's. While it runs, every riscv64 program the
# host starts goes through vm (other callers' newer registrations aside).
# Runs wait for each other (flock on /run/lock/vm-binfmt.lock, or
# $VM_BINFMT_LOCK). hold: runs CMD in that lock, registrations untouched
# (e.g. to time qemu-user-static while no run can disable it).
#
# The handler is vm-user (built next to vm; statically linked when the
# host's libraries allow, which a foreign chroot needs: check with `file`).
# FLAGS default to FPC, as Debian's qemu-user-static:
#   F  the kernel opens the handler now, so it is found inside chroots;
#   P  the program's own argv[0] is kept (vm-user reads AT_FLAGS);
#   C  setuid/setgid programs get their credentials (implies O: the kernel
#      passes the program as an open descriptor, which vm-user closes and
#      reads the program by path).
# Entries are checked newest first, so a registration here takes over from
# an older qemu-riscv64 one until it is removed. Needs root and a mounted
# binfmt_misc (mounted here if it is not).
set -eu
dir=/proc/sys/fs/binfmt_misc
cmd=${1:-}
[ $# -gt 0 ] && shift
name=vm-riscv64 handler= flags=FPC
while [ $# -gt 0 ]; do
    case $1 in
        --handler) handler=$2; shift 2 ;;
        --name) name=$2; shift 2 ;;
        --flags) flags=$2; shift 2 ;;
        --) shift; break ;;
        *) echo "vm-binfmt.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
done
case $name in *[!A-Za-z0-9_.-]* | "") echo "vm-binfmt.sh: bad name '$name'" >&2; exit 2 ;; esac

mounted() {
    [ -e "$dir/register" ] && return 0
    mount -t binfmt_misc binfmt_misc "$dir" 2>/dev/null && [ -e "$dir/register" ]
}

# The riscv64 ELF header: class 64, little-endian, version 1, e_type
# EXEC or DYN (the mask's \xfe), e_machine 243 (EM_RISCV).
magic='\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xf3\x00'
mask='\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff'

# riscv64_entries: the enabled binfmt_misc entries (names) other than
# $name that match riscv64 programs (qemu-riscv64's magic).
riscv64_entries() {
    m=$(printf '%s' "$magic" | sed 's/ELF/454c46/; s/\\x//g')
    for e in "$dir"/*; do
        case ${e##*/} in register | status | "$name") continue ;; esac
        [ -f "$e" ] && grep -qx enabled "$e" 2>/dev/null && grep -qx "magic $m" "$e" 2>/dev/null &&
            echo "${e##*/}"
    done
    return 0
}

register() {
    if [ -z "$handler" ]; then
        here=$(cd "$(dirname "$0")/.." && pwd)
        for h in "$here/build/vm-user" "$(command -v vm-user 2>/dev/null || true)"; do
            [ -n "$h" ] && [ -x "$h" ] && { handler=$h; break; }
        done
    fi
    [ -n "$handler" ] && [ -x "$handler" ] || { echo "vm-binfmt.sh: no vm-user found (--handler PATH)" >&2; exit 1; }
    case $handler in /*) ;; *) handler=$(cd "$(dirname "$handler")" && pwd)/$(basename "$handler") ;; esac
    case $flags in *[!FPCO]*) echo "vm-binfmt.sh: flags are F, P, C, O" >&2; exit 2 ;; esac
    mounted || { echo "vm-binfmt.sh: binfmt_misc is not mounted and cannot be (root?)" >&2; exit 1; }
    [ ! -e "$dir/$name" ] || { echo "vm-binfmt.sh: '$name' is registered already (unregister first)" >&2; exit 1; }
    if ! file -L "$handler" 2>/dev/null | grep -q 'statically linked'; then
        echo "vm-binfmt.sh: note: $handler is dynamically linked: it will not run inside a foreign chroot" >&2
    fi
    printf '%s' ":$name:M::$magic:$mask:$handler:$flags" > "$dir/register"
    echo "registered $name: $handler (flags $flags)"
}

# take_lock: the lock of `run` and `hold` on descriptor 8
take_lock() {
    lock=${VM_BINFMT_LOCK:-/run/lock/vm-binfmt.lock}
    [ -d "${lock%/*}" ] || lock=${TMPDIR:-/tmp}/vm-binfmt.lock
    exec 8>>"$lock"
    if ! flock -n 8; then
        echo "vm-binfmt.sh: waiting for another run to end ($lock)" >&2
        flock 8
    fi
}

case $cmd in
hold)
    [ $# -gt 0 ] || { echo "vm-binfmt.sh: hold needs a command" >&2; exit 2; }
    take_lock
    exec "$@" 8>&-
    ;;
register)
    register
    ;;
run)
    [ $# -gt 0 ] || { echo "vm-binfmt.sh: run needs a command" >&2; exit 2; }
    [ "$name" != vm-riscv64 ] || name=vm-riscv64-run-$$
    # One run at a time on the host: each disables the others' entries and
    # puts back what it found, so two at once would hand each other's
    # programs to the wrong handler (a benchmark would time qemu).
    take_lock
    disabled="" child=""
    restore() {
        # a signal ends the command too (it runs in the background so that
        # the wait below is interruptible)
        [ -z "$child" ] || { kill -TERM "$child" 2>/dev/null && wait "$child"; } || true
        child=""
        [ ! -e "$dir/$name" ] || echo -1 > "$dir/$name" || true
        for e in $disabled; do [ ! -e "$dir/$e" ] || echo 1 > "$dir/$e" || true; done
        [ -z "$disabled" ] || echo "vm-binfmt.sh: re-enabled$(printf ' %s' $disabled)" >&2
        disabled=""
    }
    trap restore EXIT
    trap 'exit 129' HUP
    trap 'exit 130' INT
    trap 'exit 143' TERM
    register >&2
    for e in $(riscv64_entries); do
        echo 0 > "$dir/$e"
        disabled="$disabled $e"
    done
    [ -z "$disabled" ] || echo "vm-binfmt.sh: disabled$(printf ' %s' $disabled) while the command runs" >&2
    exec 3<&0
    "$@" <&3 3<&- 8>&- &
    child=$!
    set +e
    wait "$child"
    st=$?
    set -e
    child=""
    exit $st
    ;;
unregister)
    [ -e "$dir/$name" ] || { echo "vm-binfmt.sh: '$name' is not registered" >&2; exit 1; }
    echo -1 > "$dir/$name"
    echo "unregistered $name"
    ;;
status)
    [ -e "$dir/$name" ] || { echo "$name: not registered"; exit 1; }
    cat "$dir/$name"
    ;;
*)
    awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0" >&2
    exit 2
    ;;
esac
