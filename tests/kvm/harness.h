/* Host side of the tiny KVM guests: a machine with RAM, a port-I/O table,
 * the kvm accelerator and N vCPUs entered in long mode at the guest's
 * load address. Tests exit 77 (CTest SKIP_RETURN_CODE) with a message
 * when KVM is not usable here. */
#ifndef KVM_TEST_HARNESS_H
#define KVM_TEST_HARNESS_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "guest/protocol.h"
#include "vm/accel.h"
#include "vm/kvm.h"
#include "vm/mem.h"
#include "vm/pio.h"

#define SKIP_CODE 77
#define MAX_TEST_VCPUS 4

struct tguest {
    struct vm_mem *mem;
    struct vm_pio *pio;
    struct vm_accel *accel;
    struct vm_vcpu *vcpu[MAX_TEST_VCPUS];
    unsigned nr_vcpus;
    size_t image_size;
};

#define CHECK(cond, ...)                                                                     \
    do {                                                                                     \
        if (!(cond)) {                                                                       \
            fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);                  \
            fprintf(stderr, __VA_ARGS__);                                                    \
            fprintf(stderr, "\n");                                                           \
            exit(1);                                                                         \
        }                                                                                    \
    } while (0)

#define CHECK_OK(expr)                                                                       \
    do {                                                                                     \
        int rc_ = (expr);                                                                    \
        CHECK(rc_ >= 0, "%s", vm_error_message());                                           \
    } while (0)

/* Exit 77 with the reason if the kvm accelerator cannot run here. */
void tguest_skip_without_kvm(void);

/* Build the machine: RAM, the flat image at GUEST_LOAD_ADDR, boot tables.
 * Devices are added by the test between create() and start(). */
void tguest_create(struct tguest *g, const char *image);
/* Create the accelerator (irqchip if asked) and the vCPUs in long mode. */
void tguest_start(struct tguest *g, unsigned nr_vcpus, bool irqchip);
void tguest_destroy(struct tguest *g);

/* Run vCPU i until an exit its caller must see (claimed I/O is served in
 * the backend); fails the test on a backend error or an error exit. */
void tguest_run(struct tguest *g, unsigned i, struct vm_exit *ex);
/* Run until the guest writes EXIT_PORT; returns the status. Unclaimed
 * I/O other than that fails the test. */
uint32_t tguest_run_to_exit(struct tguest *g, unsigned i);

#endif
