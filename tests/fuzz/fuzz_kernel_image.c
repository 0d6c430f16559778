/* libFuzzer harness: the riscv-virt boot image loaders on untrusted files
 * (virt_load.c through core/image_probe.c and gunzip.c): recognition, the
 * Linux Image header, gzip (Image.gz), EFI zboot, U-Boot uImage (header and
 * data CRCs), ELF and raw binaries, as -kernel and as -bios. The input is
 * the file (a memfd, read through its /proc path as vm reads a path). Each
 * load succeeds inside RAM or fails with a message, nothing else. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "boards/riscv-virt/virt_load.h"
#include "core/gunzip.h"
#include "core/image_probe.h"
#include "vm/error.h"
#include "vm/mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define RAM 0x80000000ULL
#define RAM_SIZE (32ULL << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct vm_mem *mem;
    static int fd = -1;
    static char path[64];
    if (!mem) {
        mem = vm_mem_create();
        if (!mem || vm_mem_add_ram(mem, RAM, RAM_SIZE, "ram") < 0)
            abort();
        if ((fd = memfd_create("fuzz-kernel", 0)) < 0)
            abort();
        snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    }
    if (ftruncate(fd, 0) < 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
        abort();
    struct vm_image_probe p;
    vm_image_probe(data, size < VM_IMAGE_PROBE_BYTES ? size : VM_IMAGE_PROBE_BYTES, size, &p);
    struct vm_uimage u;
    (void)vm_uimage_parse(data, size, "kernel", "fuzz", &u);
    uint64_t off, len;
    char comp[16];
    (void)vm_efi_zboot_payload(data, size, "kernel", "fuzz", &off, &len, comp);
    uint8_t *out;
    size_t out_len;
    if (vm_gunzip(data, size, 1 << 20, "kernel", "fuzz", &out, &out_len) == 0)
        free(out);
    struct virt_image img;
    if (virt_load_kernel(mem, path, RAM + (2ULL << 20), &img) == 0 &&
        (img.start < RAM || img.end > RAM + RAM_SIZE || img.start > img.end))
        abort(); /* a loaded kernel lies in RAM */
    (void)virt_load_firmware(mem, path, &img);
    return 0;
}
