/* ELF64 little-endian images: validated parsing, loading PT_LOAD segments
 * into guest physical memory, symbol look-up. Every offset and size in the
 * file is checked before use, so a malformed file gets a message, never a
 * crash. */
#ifndef VM_ELF_H
#define VM_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vm/mem.h"

#define VM_ELF_EM_RISCV 243
#define VM_ELF_EM_X86_64 62

struct vm_elf;

struct vm_elf_segment {
    uint64_t paddr, vaddr, offset, filesz, memsz;
    uint32_t flags; /* PF_X 1, PF_W 2, PF_R 4 */
};

/* Read and validate a file. Errors name the file: "'x.elf': not an ELF
 * file", "'x.elf': segment 1 extends past the end of the file", ... */
int vm_elf_open(const char *path, struct vm_elf **out);
/* The same from a buffer (copied); name is used in messages. */
int vm_elf_parse(const void *data, size_t size, const char *name, struct vm_elf **out);
void vm_elf_close(struct vm_elf *elf);

uint16_t vm_elf_machine(const struct vm_elf *elf);
uint64_t vm_elf_entry(const struct vm_elf *elf);
/* Position-independent (ET_DYN): may be loaded at any address. */
bool vm_elf_is_pic(const struct vm_elf *elf);
/* Refuse an image for another machine: "'x.elf': an x86-64 ELF, not RISC-V". */
int vm_elf_check_machine(const struct vm_elf *elf, uint16_t machine);

/* PT_LOAD segments only, in file order. */
unsigned vm_elf_load_count(const struct vm_elf *elf);
const struct vm_elf_segment *vm_elf_load_segment(const struct vm_elf *elf, unsigned index);

/* A segment's filesz bytes as in the file. */
const void *vm_elf_segment_data(const struct vm_elf *elf, unsigned index);
/* PT_INTERP's path (NUL-terminated, checked), or NULL for a static program. */
const char *vm_elf_interp(const struct vm_elf *elf);
/* Where the program headers are in memory (PT_PHDR, else found in a
 * PT_LOAD segment; before any bias), 0 if they are not loaded; how many. */
uint64_t vm_elf_phdr_vaddr(const struct vm_elf *elf);
unsigned vm_elf_phnum(const struct vm_elf *elf);

/* Copy every PT_LOAD segment to its physical address (p_paddr), zero
 * filling up to p_memsz. Each must lie inside one RAM region. */
int vm_elf_load_phys(const struct vm_elf *elf, struct vm_mem *mem);
/* The same, every segment moved by bias bytes (a position-independent
 * image loaded away from its link address). */
int vm_elf_load_phys_at(const struct vm_elf *elf, struct vm_mem *mem, uint64_t bias);

/* Value of a symbol from .symtab; 0 or -VM_ENOENT (no message recorded). */
int vm_elf_symbol(const struct vm_elf *elf, const char *name, uint64_t *value);

#endif
