/* libFuzzer harness: spike's HTIF requests (htif_serve), the guest's
 * tohost word and the syscall block it points to. The input is tohost's
 * value and then RAM's first bytes (syscall blocks, write buffers). A
 * request is served, answered or refused; nothing outside guest memory is
 * touched, whatever the addresses and lengths in it. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "boards/spike/htif.h"
#include "vm/mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define RAM 0x80000000ULL
#define RAM_SIZE 0x10000ULL

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct vm_mem *mem;
    static uint8_t *ram;
    static FILE *sink;
    if (!mem) {
        mem = vm_mem_create();
        if (!mem || vm_mem_add_ram(mem, RAM, RAM_SIZE, "ram") < 0)
            abort();
        ram = vm_mem_ram_ptr(mem, RAM, RAM_SIZE);
        if (!(sink = tmpfile()))
            abort();
    }
    if (size < 9)
        return 0;
    memset(ram, 0, RAM_SIZE);
    size_t n = size - 9 < RAM_SIZE - 16 ? size - 9 : RAM_SIZE - 16;
    memcpy(ram + 16, data + 9, n);
    uint64_t tohost;
    memcpy(&tohost, data, 8);
    struct htif h = {.mem = mem, .tohost = RAM, .fromhost = RAM + 8,
                     .has_fromhost = data[8] & 1, .out = sink};
    /* Requests often point into RAM: keep the device byte, move the
     * payload into it when the input asks. */
    if (data[8] & 2)
        tohost = (tohost & 0xffff000000000000ULL) | ((RAM + (tohost & 0xfff8)) & 0xffffffffffffULL);
    vm_mem_store(mem, RAM, 8, tohost);
    int status = 0;
    (void)htif_serve(&h, &status);
    rewind(sink);
    if (ftruncate(fileno(sink), 0) < 0)
        abort();
    return 0;
}
