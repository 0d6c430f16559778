/* Host side of the tiny KVM guests (see harness.h). */
#include "harness.h"

#include <string.h>

#include "boards/x86-microvm/x86_boot.h"
#include "vm/error.h"

void tguest_skip_without_kvm(void)
{
    const struct vm_accel_ops *ops = vm_accel_find("kvm");
    if (!ops || ops->probe(VM_ARCH_X86_64) < 0) {
        printf("SKIP: the kvm accelerator cannot run here: %s\n", vm_error_message());
        exit(SKIP_CODE);
    }
}

void tguest_create(struct tguest *g, const char *image)
{
    memset(g, 0, sizeof(*g));
    g->mem = vm_mem_create();
    g->pio = vm_pio_create();
    CHECK(g->mem && g->pio, "out of memory");
    CHECK_OK(vm_mem_add_ram(g->mem, 0, GUEST_RAM_SIZE, "ram"));
    FILE *f = fopen(image, "rb");
    CHECK(f, "cannot open guest image '%s'", image);
    void *dst = vm_mem_ram_ptr(g->mem, GUEST_LOAD_ADDR, 1);
    size_t room = GUEST_RAM_SIZE - GUEST_LOAD_ADDR;
    g->image_size = fread(dst, 1, room, f);
    CHECK(g->image_size > 0 && g->image_size < room && !ferror(f), "bad guest image '%s'", image);
    fclose(f);
    CHECK_OK(x86_boot_write_tables(g->mem));
}

void tguest_start(struct tguest *g, unsigned nr_vcpus, bool irqchip)
{
    struct vm_accel_config cfg = {
        .machine = "kvm-test", .arch = VM_ARCH_X86_64, .mem = g->mem, .nr_vcpus = nr_vcpus,
    };
    CHECK_OK(vm_accel_create("kvm", &cfg, false, &g->accel));
    CHECK_OK(vm_kvm_set_pio(g->accel, g->pio));
    if (irqchip)
        CHECK_OK(vm_kvm_create_irqchip(g->accel));
    for (unsigned i = 0; i < nr_vcpus; i++) {
        struct vm_vcpu_options opt = {.id = i};
        CHECK_OK(vm_vcpu_create(g->accel, &opt, &g->vcpu[i]));
        CHECK_OK(x86_boot_enter_long_mode(g->vcpu[i], GUEST_LOAD_ADDR,
                                          GUEST_STACK_TOP - i * 0x1000ULL, 0));
    }
    g->nr_vcpus = nr_vcpus;
}

void tguest_destroy(struct tguest *g)
{
    for (unsigned i = 0; i < g->nr_vcpus; i++)
        vm_vcpu_destroy(g->vcpu[i]);
    vm_accel_destroy(g->accel);
    vm_pio_destroy(g->pio);
    vm_mem_destroy(g->mem);
}

void tguest_run(struct tguest *g, unsigned i, struct vm_exit *ex)
{
    CHECK_OK(vm_vcpu_run(g->vcpu[i], ex));
    CHECK(ex->kind != VM_EXIT_ERROR, "vCPU %u: %s", i, ex->u.error.message);
}

uint32_t tguest_run_to_exit(struct tguest *g, unsigned i)
{
    struct vm_exit ex;
    memset(&ex, 0, sizeof(ex));
    for (;;) {
        tguest_run(g, i, &ex);
        if (ex.kind == VM_EXIT_IO && ex.u.io.port == EXIT_PORT && ex.u.io.is_write)
            return ex.u.io.data;
        CHECK(false, "vCPU %u: unexpected exit '%s' (port 0x%x, address 0x%llx)", i,
              vm_exit_kind_name(ex.kind), ex.u.io.port, (unsigned long long)ex.u.mmio.addr);
    }
}
