/* libFuzzer harness: the ELF loader (vm_elf_parse, the segment table, the
 * symbol lookup, vm_elf_load_phys into a small address space of RAM and a
 * device). A bad file is refused with a message; a good one loads only
 * inside RAM or fails cleanly, never writing outside guest memory. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vm/elf.h"
#include "vm/mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define RAM 0x80000000ULL
#define RAM_SIZE 0x10000ULL

static int dev_read(void *o, uint64_t off, unsigned size, uint64_t *v)
{
    (void)o, (void)off, (void)size;
    *v = 0;
    return 0;
}
static int dev_write(void *o, uint64_t off, unsigned size, uint64_t v)
{
    (void)o, (void)off, (void)size, (void)v;
    return -1; /* a device that refuses: the loader must report it */
}
static const struct vm_mmio_ops dev_ops = {dev_read, dev_write};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct vm_mem *mem;
    if (!mem) {
        mem = vm_mem_create();
        if (!mem || vm_mem_add_ram(mem, RAM, RAM_SIZE, "ram") < 0 ||
            vm_mem_add_mmio(mem, 0x10000000, 0x1000, &dev_ops, NULL, "dev") < 0)
            abort();
    }
    struct vm_elf *elf;
    if (vm_elf_parse(data, size, "fuzz.elf", &elf) < 0)
        return 0;
    (void)vm_elf_machine(elf);
    (void)vm_elf_entry(elf);
    (void)vm_elf_is_pic(elf);
    (void)vm_elf_check_machine(elf, VM_ELF_EM_RISCV);
    for (unsigned i = 0; i < vm_elf_load_count(elf); i++) {
        const struct vm_elf_segment *s = vm_elf_load_segment(elf, i);
        if (s->filesz > s->memsz || s->offset > size || s->filesz > size - s->offset)
            abort(); /* the parser promised a segment inside the file */
    }
    uint64_t v;
    (void)vm_elf_symbol(elf, "tohost", &v);
    (void)vm_elf_symbol(elf, "", &v);
    (void)vm_elf_load_phys(elf, mem);
    (void)vm_elf_load_phys_at(elf, mem, RAM);
    vm_elf_close(elf);
    return 0;
}
