/* Debugging translated code: `-d in_asm,out_asm` (guest and host code of
 * each new block; the host side disassembled by Capstone) and the perf map
 * (/tmp/perf-PID.map) that lets `perf report` name translated blocks. */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

#include "riscv/decode.h"
#include "riscv/disas.h"
#include "riscv/jit/jit_internal.h"
#include "vm/log.h"

#ifdef VM_HAVE_CAPSTONE
#include <capstone.h>
#endif

static void log_guest(FILE *f, struct rv_hart *h, const struct jit_block *b, uint64_t pc)
{
    const uint8_t *code = vm_mem_ram_ptr(h->plat->mem, b->pa, b->bytes);
    fprintf(f, "IN: hart %u, pc 0x%" PRIx64 " (physical 0x%" PRIx64 "), %u instructions\n",
            h->opt.id, pc, b->pa, b->ninsns);
    for (unsigned off = 0; code && off < b->bytes;) {
        uint32_t bits = (uint32_t)code[off] | (uint32_t)code[off + 1] << 8;
        if ((bits & 3) == 3 && off + 4 <= b->bytes)
            bits |= ((uint32_t)code[off + 2] | (uint32_t)code[off + 3] << 8) << 16;
        struct rv_decoded d;
        rv_decode(bits, &h->isa, &d);
        char text[80];
        rv_disas(&d, pc + off, text, sizeof(text));
        fprintf(f, "0x%016" PRIx64 ":  %0*x  %s\n", pc + off, d.len == 2 ? 4 : 8, d.raw, text);
        off += d.len;
    }
}

static void log_host(FILE *f, const uint8_t *code, size_t size, const char *what)
{
    fprintf(f, "OUT: %s, %zu bytes at %p\n", what, size, (const void *)code);
#ifdef VM_HAVE_CAPSTONE
    csh cs;
    if (cs_open(CS_ARCH_X86, CS_MODE_64, &cs) == CS_ERR_OK) {
        cs_insn *insn;
        size_t n = cs_disasm(cs, code, size, (uint64_t)(uintptr_t)code, 0, &insn);
        for (size_t i = 0; i < n; i++)
            fprintf(f, "0x%012" PRIx64 ":  %-8s %s\n", insn[i].address, insn[i].mnemonic,
                    insn[i].op_str);
        if (n)
            cs_free(insn, n);
        cs_close(&cs);
        return;
    }
#endif
    for (size_t i = 0; i < size; i++)
        fprintf(f, "%02x%s", code[i], i % 16 == 15 || i + 1 == size ? "\n" : " ");
}

void jit_log_block(struct rv_hart *h, const struct jit_block *b, uint64_t pc)
{
    bool in = vm_log_enabled(VM_LOG_IN_ASM), out = vm_log_enabled(VM_LOG_OUT_ASM);
    if (!in && !out)
        return;
    vm_log_lock();
    FILE *f = vm_log_stream();
    if (in)
        log_guest(f, h, b, pc);
    if (out) {
        log_host(f, b->code, b->hot_size, "hot");
        if (b->cold_size)
            log_host(f, b->cold, b->cold_size, "cold (slow paths, exits)");
    }
    fputc('\n', f);
    vm_log_unlock();
}

/* One map per process, shared by the harts' threads. */
static FILE *perfmap;
static pthread_mutex_t perfmap_lock = PTHREAD_MUTEX_INITIALIZER;

FILE *jit_perfmap_open(void)
{
    pthread_mutex_lock(&perfmap_lock);
    if (!perfmap) {
        char path[64];
        snprintf(path, sizeof(path), "/tmp/perf-%d.map", (int)getpid());
        perfmap = fopen(path, "w");
    }
    pthread_mutex_unlock(&perfmap_lock);
    return perfmap;
}

void jit_perfmap_add(struct rv_jit *j, const struct jit_block *b, uint64_t pc)
{
    (void)j;
    pthread_mutex_lock(&perfmap_lock);
    fprintf(perfmap, "%" PRIxPTR " %" PRIx32 " rv:0x%" PRIx64 "\n", (uintptr_t)b->code,
            b->hot_size, pc);
    if (b->cold_size)
        fprintf(perfmap, "%" PRIxPTR " %" PRIx32 " rv:0x%" PRIx64 ":cold\n",
                (uintptr_t)b->cold, b->cold_size, pc);
    fflush(perfmap);
    pthread_mutex_unlock(&perfmap_lock);
}
