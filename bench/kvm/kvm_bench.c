/* kvm-bench: the cost of KVM exits through the kvm accelerator, and the
 * time from process start to the guest's first instruction.
 *
 *   kvm-bench [ITERATIONS]     the table (default 20000 accesses per loop)
 *
 * Exits: the guest (guest.S) loops OUT or MOV-to-MMIO to a device with a
 * no-op handler, in ring 0 and in ring 3. The figure is wall time / count,
 * so it holds the guest's loop instructions too: on a PVM host, where
 * ring-0 code is emulated, the ring-3 loop shows the exit alone.
 * Start-up: the benchmark re-executes itself; the child builds the machine
 * (RAM, KVM VM, vCPU, long-mode state) and runs a guest whose first
 * instruction is an OUT; the time from just before exec to that exit is
 * the figure. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "boards/x86-microvm/microvm_layout.h"
#include "boards/x86-microvm/x86_boot.h"
#include "vm/accel.h"
#include "vm/error.h"
#include "vm/kvm.h"
#include "vm/mem.h"
#include "vm/pio.h"
#include "vm/x86.h"

#define LOAD_ADDR 0x100000ULL
#define FIRST_INSN (LOAD_ADDR + 2)
#define RAM_SIZE (8ULL << 20)
#define STACK_TOP 0x80000ULL
#define BENCH_PORT 0x510
#define EXIT_PORT 0x501
#define MMIO_ADDR 0xd0000000ULL
enum { MODE_MMIO = 1, MODE_RING3 = 2, MODE_UNCLAIMED = 4 };

struct bench {
    struct vm_mem *mem;
    struct vm_pio *pio;
    struct vm_accel *accel;
    struct vm_vcpu *vcpu;
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die(const char *what)
{
    fprintf(stderr, "kvm-bench: %s: %s\n", what, vm_error_message());
    exit(1);
}

static int nop_pio_read(void *o, uint16_t off, unsigned size, uint32_t *v) { *v = 0; return 0; }
static int nop_pio_write(void *o, uint16_t off, unsigned size, uint32_t v) { return 0; }
static int nop_mmio_read(void *o, uint64_t off, unsigned size, uint64_t *v) { *v = 0; return 0; }
static int nop_mmio_write(void *o, uint64_t off, unsigned size, uint64_t v) { return 0; }
static const struct vm_pio_ops nop_pio = {nop_pio_read, nop_pio_write};
static const struct vm_mmio_ops nop_mmio = {nop_mmio_read, nop_mmio_write};

/* Every identity-map entry becomes a user page, for the ring-3 loops. */
static void allow_user(struct vm_mem *mem)
{
    uint64_t *pml4 = vm_mem_ram_ptr(mem, MICROVM_PML4_ADDR, 8);
    uint64_t *pdpt = vm_mem_ram_ptr(mem, MICROVM_PDPT_ADDR, 4 * 8);
    uint64_t *pd = vm_mem_ram_ptr(mem, MICROVM_PD_ADDR, 4 * 4096);
    pml4[0] |= 4;
    for (unsigned i = 0; i < 4; i++)
        pdpt[i] |= 4;
    for (unsigned i = 0; i < 4 * 512; i++)
        pd[i] |= 4;
}

static void build(struct bench *b)
{
    if (!(b->mem = vm_mem_create()) || !(b->pio = vm_pio_create()))
        die("setup");
    if (vm_mem_add_ram(b->mem, 0, RAM_SIZE, "ram") < 0 ||
        vm_mem_add_mmio(b->mem, MMIO_ADDR, 0x1000, &nop_mmio, NULL, "bench-mmio") < 0 ||
        vm_pio_add(b->pio, BENCH_PORT, 1, &nop_pio, NULL, "bench-pio") < 0)
        die("devices");
    FILE *f = fopen(KVM_BENCH_GUEST, "rb");
    if (!f) {
        fprintf(stderr, "kvm-bench: cannot open %s\n", KVM_BENCH_GUEST);
        exit(1);
    }
    size_t n = fread(vm_mem_ram_ptr(b->mem, LOAD_ADDR, 1), 1, 65536, f);
    fclose(f);
    if (n == 0)
        die("guest image");
    if (x86_boot_write_tables(b->mem) < 0)
        die("boot tables");
    allow_user(b->mem);
    struct vm_accel_config cfg = {
        .machine = "kvm-bench", .arch = VM_ARCH_X86_64, .mem = b->mem, .nr_vcpus = 1};
    if (vm_accel_create("kvm", &cfg, false, &b->accel) < 0)
        die("accelerator");
    if (vm_kvm_set_pio(b->accel, b->pio) < 0)
        die("port I/O");
    struct vm_vcpu_options opt = {.id = 0};
    if (vm_vcpu_create(b->accel, &opt, &b->vcpu) < 0)
        die("vCPU");
}

static void enter(struct bench *b, uint64_t rip, uint64_t rdi, uint64_t rsi, uint64_t rdx)
{
    struct vm_x86_core_regs r;
    if (x86_boot_enter_long_mode(b->vcpu, rip, STACK_TOP, rsi) < 0 ||
        vm_vcpu_get_regs(b->vcpu, VM_REGSET_CORE, &r) < 0)
        die("registers");
    r.rdi = rdi;
    r.rdx = rdx;
    if (vm_vcpu_set_regs(b->vcpu, VM_REGSET_CORE, &r) < 0)
        die("registers");
}

/* Run to the exit port; returns the exits the caller saw on the way. */
static uint64_t run_to_exit(struct bench *b)
{
    struct vm_exit ex;
    memset(&ex, 0, sizeof(ex));
    for (uint64_t seen = 0;; seen++) {
        if (vm_vcpu_run(b->vcpu, &ex) < 0)
            die("run");
        if (ex.kind == VM_EXIT_IO && ex.u.io.port == EXIT_PORT)
            return seen;
        if (ex.kind == VM_EXIT_ERROR) {
            fprintf(stderr, "kvm-bench: guest error: %s\n", ex.u.error.message);
            exit(1);
        }
    }
}

static double loop_us(struct bench *b, unsigned mode, uint64_t iters)
{
    double best = 1e9;
    for (int rep = 0; rep < 3; rep++) {
        enter(b, LOAD_ADDR, iters, mode, 0);
        double t0 = now();
        run_to_exit(b);
        double us = (now() - t0) * 1e6 / (double)iters;
        best = us < best ? us : best;
    }
    return best;
}

/* The child of the start-up measurement: t0 is the parent's clock just
 * before it exec'd us. */
static int first_insn_child(const char *t0s)
{
    double t0 = strtod(t0s, NULL), tmain = now();
    struct bench b;
    build(&b);
    enter(&b, FIRST_INSN, 0, 0, EXIT_PORT);
    run_to_exit(&b);
    double t1 = now();
    printf("%.1f %.1f\n", (t1 - t0) * 1e6, (tmain - t0) * 1e6);
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void startup(const char *self)
{
    enum { RUNS = 11 };
    double total[RUNS], exec_part[RUNS];
    for (int i = 0; i < RUNS; i++) {
        int pipefd[2];
        if (pipe(pipefd) < 0)
            exit(1);
        char t0s[64];
        snprintf(t0s, sizeof(t0s), "%.9f", now());
        pid_t pid = fork();
        if (pid == 0) {
            dup2(pipefd[1], STDOUT_FILENO);
            close(pipefd[0]);
            execl(self, self, "first-insn", t0s, (char *)NULL);
            _exit(127);
        }
        close(pipefd[1]);
        char buf[128] = "";
        ssize_t n = read(pipefd[0], buf, sizeof(buf) - 1);
        close(pipefd[0]);
        int status;
        waitpid(pid, &status, 0);
        if (n <= 0 || sscanf(buf, "%lf %lf", &total[i], &exec_part[i]) != 2) {
            fprintf(stderr, "kvm-bench: start-up child failed\n");
            exit(1);
        }
    }
    qsort(total, RUNS, sizeof(double), cmp_double);
    qsort(exec_part, RUNS, sizeof(double), cmp_double);
    printf("| process start (exec) to the guest's first instruction | %.0f µs (median of %d; "
           "exec + dynamic loading %.0f µs of it) |\n", total[RUNS / 2], RUNS,
           exec_part[RUNS / 2]);
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "first-insn"))
        return first_insn_child(argv[2]);
    uint64_t iters = argc > 1 ? strtoull(argv[1], NULL, 0) : 20000;
    if (iters == 0)
        iters = 20000;
    const struct vm_accel_ops *ops = vm_accel_find("kvm");
    if (!ops || ops->probe(VM_ARCH_X86_64) < 0) {
        printf("kvm-bench: skipped: %s\n", vm_error_message());
        return 0;
    }
    struct bench b;
    build(&b);
    printf("| KVM exit round trip (%" PRIu64 " accesses per loop, best of 3) | µs per access |\n"
           "|---|---|\n", iters);
    static const struct {
        unsigned mode;
        const char *what;
    } rows[] = {
        {MODE_RING3, "port I/O, ring 3 (native guest code), handled in the backend"},
        {MODE_RING3 | MODE_MMIO, "MMIO, ring 3 (native guest code), handled in the backend"},
        {MODE_RING3 | MODE_UNCLAIMED, "port I/O, ring 3, unclaimed: back to the caller of vm_vcpu_run"},
        {0, "port I/O, ring 0 (emulated by KVM on PVM)"},
        {MODE_MMIO, "MMIO, ring 0 (emulated by KVM on PVM)"},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        printf("| %s | %.2f |\n", rows[i].what, loop_us(&b, rows[i].mode, iters));
    startup(argv[0]);
    vm_vcpu_destroy(b.vcpu);
    vm_accel_destroy(b.accel);
    vm_pio_destroy(b.pio);
    vm_mem_destroy(b.mem);
    return 0;
}
