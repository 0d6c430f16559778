/* lockstep-elf PROG.elf [MAX_INSNS]: run a bare-metal RISC-V program (RAM
 * at 0x80000000, M-mode from its entry, as `vm run -M spike`) on the JIT
 * and on the interpreter in lock-step, block by block, and report the
 * first difference. It stops when the program writes tohost (its exit)
 * or after MAX_INSNS (default 10^8). A debugging tool for the JIT. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "lockstep.h"
#include "vm/elf.h"
#include "vm/error.h"
#include "vm/log.h"

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: lockstep-elf PROG.elf [MAX_INSNS]\n");
        return 2;
    }
    if (getenv("LOCKSTEP_LOG"))
        vm_log_set_items(getenv("LOCKSTEP_LOG"));
    uint64_t max = argc > 2 ? strtoull(argv[2], NULL, 0) : 100000000ULL;
    const uint64_t base = 0x80000000ULL, size = 4ULL << 20;
    struct vm_elf *elf;
    if (vm_elf_open(argv[1], &elf) < 0) {
        fprintf(stderr, "lockstep-elf: %s\n", vm_error_message());
        return 2;
    }
    struct ls_pair p;
    if (ls_init(&p, base, size, "") < 0)
        return 2;
    if (vm_elf_load_phys(elf, p.jit.mem) < 0 || vm_elf_load_phys(elf, p.ref.mem) < 0) {
        fprintf(stderr, "lockstep-elf: %s\n", vm_error_message());
        return 2;
    }
    uint64_t tohost = 0;
    vm_elf_symbol(elf, "tohost", &tohost);
    ls_set_pc(&p, vm_elf_entry(elf));
    p.jit.h->x[10] = p.ref.h->x[10] = 0;
    srand(1);
    int status = 0;
    while (p.insns < max) {
        enum ls_result r = ls_step(&p);
        if (r == LS_DIFF) {
            printf("DIFF in the step from pc 0x%" PRIx64 " after %" PRIu64 " steps, %" PRIu64
                   " instructions: %s\n", p.step_pc, p.steps, p.insns, p.diff);
            status = 1;
            break;
        }
        uint64_t th = 0;
        if (tohost && (memcpy(&th, p.jit.ram + (tohost - base), 8), th)) {
            if (th & 1) {
                printf("program exit %" PRIu64 " after %" PRIu64 " instructions, no difference\n",
                       th >> 1, p.insns);
                break;
            }
            /* a console request: acknowledge it on both sides */
            memset(p.jit.ram + (tohost - base), 0, 8);
            memset(p.ref.ram + (tohost - base), 0, 8);
        }
        if (r == LS_STOP) {
            p.jit.h->events = p.ref.h->events = 0;
        }
    }
    if (!status && p.insns >= max)
        printf("no difference in %" PRIu64 " instructions\n", p.insns);
    ls_fini(&p);
    vm_elf_close(elf);
    return status;
}
