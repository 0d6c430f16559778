/* ELF64 parsing and loading. The whole file is read into memory; every
 * header field that points into it is range-checked before use. */
#include "vm/elf.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/populate.h"
#include "vm/error.h"

#define EHDR_SIZE 64
#define PHDR_SIZE 56
#define SHDR_SIZE 64
#define SYM_SIZE 24
#define PT_LOAD 1
#define PT_INTERP 3
#define PT_PHDR 6
#define SHT_SYMTAB 2
#define ET_EXEC 2
#define ET_DYN 3
#define MAX_FILE_SIZE (1ULL << 32) /* 4 GiB: far more than any guest image */
#define MAX_LOADS 64

struct vm_elf {
    char name[256];
    uint8_t *data;
    size_t size;
    uint16_t machine, type;
    uint64_t entry;
    unsigned nloads;
    struct vm_elf_segment loads[MAX_LOADS];
    /* .symtab and its string table, already checked to lie in the file */
    uint64_t symoff, symcount, stroff, strsize;
    uint64_t phoff, phnum;
    uint64_t interp_off; /* PT_INTERP's path, checked NUL-terminated; 0: none */
    uint64_t phdr_vaddr; /* PT_PHDR's address; 0: none */
};

static uint16_t rd16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static uint32_t rd32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t rd64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

/* [off, off + len) lies inside the file (without overflowing). */
static bool in_file(const struct vm_elf *e, uint64_t off, uint64_t len)
{
    return off <= e->size && len <= e->size - off;
}

static const char *machine_name(uint16_t m)
{
    switch (m) {
    case VM_ELF_EM_RISCV: return "RISC-V";
    case VM_ELF_EM_X86_64: return "x86-64";
    case 3: return "i386";
    case 40: return "ARM";
    case 183: return "AArch64";
    case 8: return "MIPS";
    case 21: return "PowerPC64";
    }
    return NULL;
}

static int find_symtab(struct vm_elf *e, uint64_t shoff, unsigned shnum, unsigned shentsize)
{
    if (shoff == 0 || shnum == 0)
        return 0; /* stripped: no symbols */
    if (shentsize != SHDR_SIZE)
        return vm_error(VM_EFORMAT, "'%s': section header size %u is not %u", e->name,
                        shentsize, SHDR_SIZE);
    if (!in_file(e, shoff, (uint64_t)shnum * SHDR_SIZE))
        return vm_error(VM_EFORMAT, "'%s': section headers extend past the end of the file",
                        e->name);
    for (unsigned i = 0; i < shnum; i++) {
        const uint8_t *sh = e->data + shoff + (uint64_t)i * SHDR_SIZE;
        if (rd32(sh + 4) != SHT_SYMTAB)
            continue;
        uint64_t off = rd64(sh + 24), size = rd64(sh + 32);
        uint32_t link = rd32(sh + 40);
        uint64_t entsize = rd64(sh + 56);
        if (entsize != SYM_SIZE || !in_file(e, off, size) || link >= shnum)
            return vm_error(VM_EFORMAT, "'%s': malformed symbol table (section %u)", e->name, i);
        const uint8_t *st = e->data + shoff + (uint64_t)link * SHDR_SIZE;
        uint64_t stroff = rd64(st + 24), strsize = rd64(st + 32);
        if (!in_file(e, stroff, strsize))
            return vm_error(VM_EFORMAT, "'%s': symbol string table extends past the end of the file",
                            e->name);
        e->symoff = off;
        e->symcount = size / SYM_SIZE;
        e->stroff = stroff;
        e->strsize = strsize;
        return 0;
    }
    return 0;
}

static int parse(struct vm_elf *e)
{
    const uint8_t *h = e->data;
    if (e->size < 4 || memcmp(h, "\177ELF", 4) != 0)
        return vm_error(VM_EFORMAT, "'%s': not an ELF file", e->name);
    if (e->size < EHDR_SIZE)
        return vm_error(VM_EFORMAT, "'%s': truncated ELF header", e->name);
    if (h[4] != 2)
        return vm_error(VM_EFORMAT, "'%s': a %s ELF, not 64-bit", e->name,
                        h[4] == 1 ? "32-bit" : "bad-class");
    if (h[5] != 1)
        return vm_error(VM_EFORMAT, "'%s': not a little-endian ELF", e->name);
    if (h[6] != 1)
        return vm_error(VM_EFORMAT, "'%s': unknown ELF version %u", e->name, h[6]);
    uint16_t type = rd16(h + 16);
    if (type != ET_EXEC && type != ET_DYN)
        return vm_error(VM_EFORMAT, "'%s': not an executable ELF (type %u)", e->name, type);
    e->type = type;
    e->machine = rd16(h + 18);
    e->entry = rd64(h + 24);
    uint64_t phoff = rd64(h + 32), shoff = rd64(h + 40);
    unsigned phentsize = rd16(h + 54), phnum = rd16(h + 56);
    unsigned shentsize = rd16(h + 58), shnum = rd16(h + 60);
    if (phnum == 0)
        return vm_error(VM_EFORMAT, "'%s': no program headers", e->name);
    if (phnum == 0xffff)
        return vm_error(VM_EFORMAT, "'%s': too many program headers", e->name);
    if (phentsize != PHDR_SIZE)
        return vm_error(VM_EFORMAT, "'%s': program header size %u is not %u", e->name,
                        phentsize, PHDR_SIZE);
    if (!in_file(e, phoff, (uint64_t)phnum * PHDR_SIZE))
        return vm_error(VM_EFORMAT, "'%s': program headers extend past the end of the file",
                        e->name);
    e->phoff = phoff;
    e->phnum = phnum;
    for (unsigned i = 0; i < phnum; i++) {
        const uint8_t *ph = h + phoff + (uint64_t)i * PHDR_SIZE;
        if (rd32(ph) == PT_PHDR)
            e->phdr_vaddr = rd64(ph + 16);
        if (rd32(ph) == PT_INTERP) {
            uint64_t off = rd64(ph + 8), len = rd64(ph + 32);
            if (len < 2 || len > 4096 || !in_file(e, off, len) || e->data[off + len - 1] != 0 ||
                memchr(e->data + off, 0, len - 1))
                return vm_error(VM_EFORMAT, "'%s': malformed interpreter path (PT_INTERP)",
                                e->name);
            e->interp_off = off;
        }
        if (rd32(ph) != PT_LOAD)
            continue;
        struct vm_elf_segment s = {
            .flags = rd32(ph + 4), .offset = rd64(ph + 8), .vaddr = rd64(ph + 16),
            .paddr = rd64(ph + 24), .filesz = rd64(ph + 32), .memsz = rd64(ph + 40),
        };
        if (!in_file(e, s.offset, s.filesz))
            return vm_error(VM_EFORMAT, "'%s': segment %u extends past the end of the file",
                            e->name, i);
        if (s.filesz > s.memsz)
            return vm_error(VM_EFORMAT, "'%s': segment %u has a file size larger than its memory size",
                            e->name, i);
        if (s.paddr + s.memsz < s.paddr || s.vaddr + s.memsz < s.vaddr)
            return vm_error(VM_EFORMAT, "'%s': segment %u wraps around the address space",
                            e->name, i);
        if (e->nloads == MAX_LOADS)
            return vm_error(VM_EFORMAT, "'%s': more than %d loadable segments", e->name,
                            MAX_LOADS);
        e->loads[e->nloads++] = s;
    }
    if (e->nloads == 0)
        return vm_error(VM_EFORMAT, "'%s': no loadable (PT_LOAD) segment", e->name);
    return find_symtab(e, shoff, shnum, shentsize);
}

static struct vm_elf *new_elf(const char *name)
{
    struct vm_elf *e = calloc(1, sizeof(*e));
    if (e)
        snprintf(e->name, sizeof(e->name), "%s", name ? name : "?");
    return e;
}

int vm_elf_parse(const void *data, size_t size, const char *name, struct vm_elf **out)
{
    *out = NULL;
    struct vm_elf *e = new_elf(name);
    if (!e || !(e->data = malloc(size ? size : 1))) {
        free(e);
        return vm_error(VM_ENOMEM, "'%s': out of memory", name);
    }
    memcpy(e->data, data, size);
    e->size = size;
    int rc = parse(e);
    if (rc < 0) {
        vm_elf_close(e);
        return rc;
    }
    *out = e;
    return 0;
}

int vm_elf_open(const char *path, struct vm_elf **out)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return vm_error(errno == ENOENT ? VM_ENOENT : VM_EIO, "'%s': %s", path, strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        return vm_error(VM_EFORMAT, "'%s': not a regular file", path);
    }
    if ((uint64_t)st.st_size > MAX_FILE_SIZE) {
        fclose(f);
        return vm_error(VM_EFORMAT, "'%s': too large for a guest image", path);
    }
    struct vm_elf *e = new_elf(path);
    size_t size = (size_t)st.st_size;
    if (!e || !(e->data = malloc(size ? size : 1))) {
        fclose(f);
        free(e);
        return vm_error(VM_ENOMEM, "'%s': out of memory", path);
    }
    vm_populate(e->data, size); /* a fresh mapping for a program of megabytes: no fault per page */
    e->size = fread(e->data, 1, size, f);
    bool failed = ferror(f);
    fclose(f);
    if (failed) {
        vm_elf_close(e);
        return vm_error(VM_EIO, "'%s': read error", path);
    }
    int rc = parse(e);
    if (rc < 0) {
        vm_elf_close(e);
        return rc;
    }
    *out = e;
    return 0;
}

void vm_elf_close(struct vm_elf *elf)
{
    if (!elf)
        return;
    free(elf->data);
    free(elf);
}

uint16_t vm_elf_machine(const struct vm_elf *elf) { return elf->machine; }
uint64_t vm_elf_entry(const struct vm_elf *elf) { return elf->entry; }
bool vm_elf_is_pic(const struct vm_elf *elf) { return elf->type == ET_DYN; }
unsigned vm_elf_load_count(const struct vm_elf *elf) { return elf->nloads; }

const struct vm_elf_segment *vm_elf_load_segment(const struct vm_elf *elf, unsigned index)
{
    return index < elf->nloads ? &elf->loads[index] : NULL;
}

const char *vm_elf_interp(const struct vm_elf *elf)
{
    return elf->interp_off ? (const char *)elf->data + elf->interp_off : NULL;
}

uint64_t vm_elf_phdr_vaddr(const struct vm_elf *elf)
{
    if (elf->phdr_vaddr)
        return elf->phdr_vaddr;
    for (unsigned i = 0; i < elf->nloads; i++) { /* the segment holding the headers */
        const struct vm_elf_segment *s = &elf->loads[i];
        if (elf->phoff >= s->offset && elf->phoff + elf->phnum * PHDR_SIZE <= s->offset + s->filesz)
            return s->vaddr + (elf->phoff - s->offset);
    }
    return 0;
}

unsigned vm_elf_phnum(const struct vm_elf *elf)
{
    return (unsigned)elf->phnum;
}

const void *vm_elf_segment_data(const struct vm_elf *elf, unsigned index)
{
    return index < elf->nloads ? elf->data + elf->loads[index].offset : NULL;
}

int vm_elf_check_machine(const struct vm_elf *elf, uint16_t machine)
{
    if (elf->machine == machine)
        return 0;
    const char *have = machine_name(elf->machine), *want = machine_name(machine);
    if (have)
        return vm_error(VM_EFORMAT, "'%s': an ELF for %s, not %s", elf->name, have,
                        want ? want : "this machine");
    return vm_error(VM_EFORMAT, "'%s': an ELF for machine %u, not %s", elf->name, elf->machine,
                    want ? want : "this machine");
}

int vm_elf_load_phys(const struct vm_elf *elf, struct vm_mem *mem)
{
    return vm_elf_load_phys_at(elf, mem, 0);
}

int vm_elf_load_phys_at(const struct vm_elf *elf, struct vm_mem *mem, uint64_t bias)
{
    for (unsigned i = 0; i < elf->nloads; i++) {
        const struct vm_elf_segment *s = &elf->loads[i];
        if (s->memsz == 0)
            continue;
        uint64_t pa = s->paddr + bias;
        uint8_t *dst = vm_mem_ram_ptr(mem, pa, s->memsz);
        if (!dst) {
            /* name the RAM that exists, so the fix (-m, link address) is clear */
            char ram[160] = "";
            for (unsigned r = 0; r < vm_mem_region_count(mem); r++) {
                const struct vm_mem_region *reg = vm_mem_region_at(mem, r);
                size_t n = strlen(ram);
                if (reg->host && n < sizeof(ram))
                    snprintf(ram + n, sizeof(ram) - n, "%s[0x%llx-0x%llx]", n ? ", " : "",
                             (unsigned long long)reg->base,
                             (unsigned long long)(reg->base + reg->size - 1));
            }
            return vm_error(VM_EFAULT,
                            "'%s': segment [0x%llx-0x%llx] is outside guest RAM %s", elf->name,
                            (unsigned long long)pa,
                            (unsigned long long)(pa + s->memsz - 1), ram);
        }
        memcpy(dst, elf->data + s->offset, s->filesz);
        memset(dst + s->filesz, 0, s->memsz - s->filesz);
    }
    return 0;
}

int vm_elf_symbol(const struct vm_elf *elf, const char *name, uint64_t *value)
{
    for (uint64_t i = 0; i < elf->symcount; i++) {
        const uint8_t *sym = elf->data + elf->symoff + i * SYM_SIZE;
        uint32_t nameoff = rd32(sym);
        if (nameoff >= elf->strsize)
            continue;
        const char *s = (const char *)elf->data + elf->stroff + nameoff;
        size_t max = elf->strsize - nameoff;
        size_t len = strnlen(s, max);
        if (len == max) /* not terminated inside the table */
            continue;
        if (!strcmp(s, name)) {
            *value = rd64(sym + 8);
            return 0;
        }
    }
    return -VM_ENOENT;
}
