/* libFuzzer harness: the x86 Linux bzImage loader (x86-microvm's
 * bzimage_parse and bzimage_load: setup header, sizes, relocation, zero
 * page, command line and initrd placement) on untrusted files. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "boards/x86-microvm/bzimage.h"
#include "vm/mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define RAM_SIZE (64ULL << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct vm_mem *mem;
    if (!mem) {
        mem = vm_mem_create();
        if (!mem || vm_mem_add_ram(mem, 0, RAM_SIZE, "ram-low") < 0)
            abort();
    }
    struct bzimage bz;
    if (bzimage_parse(data, size, "fuzz", &bz) < 0)
        return 0;
    if (bz.kernel_offset > size || bz.kernel_size > size - bz.kernel_offset ||
        bz.header_end > size)
        abort(); /* the parser promised a kernel inside the file */
    static const uint8_t initrd[512];
    struct linux_boot_layout l;
    if (bzimage_load(&bz, mem, RAM_SIZE, "console=ttyS0", initrd, sizeof(initrd), &l) == 0 &&
        (l.kernel_end > RAM_SIZE || l.initrd + l.initrd_size > RAM_SIZE))
        abort(); /* what was placed lies in RAM */
    return 0;
}
