/* The kvm backend on tiny guests: test_kvm CASE IMAGE, one CTest test per
 * case. Each guest is a flat binary from tests/kvm/guest/. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "boards/x86-microvm/uart_pio.h"
#include "devices/uart16550.h"
#include "harness.h"
#include "vm/error.h"
#include "vm/microvm.h"
#include "vm/x86.h"

/* ---- hello: serial output through the 16550 model, then HLT ------------ */

/* A character back end that keeps what the UART transmits. */
struct capture {
    struct vm_chardev chr; /* first: the UART holds a pointer to it */
    pthread_mutex_t lock;
    char out[512];
    size_t len;
};

static void capture_write(struct vm_chardev *c, const uint8_t *buf, size_t len)
{
    struct capture *cap = (struct capture *)c;
    pthread_mutex_lock(&cap->lock);
    for (size_t i = 0; i < len && cap->len + 1 < sizeof(cap->out); i++)
        cap->out[cap->len++] = (char)buf[i];
    pthread_mutex_unlock(&cap->lock);
}

static const struct vm_chardev_ops capture_ops = {.write = capture_write};

static void capture_init(struct capture *cap)
{
    memset(cap, 0, sizeof(*cap));
    cap->chr.ops = &capture_ops;
    pthread_mutex_init(&cap->lock, NULL);
}

static void test_hello(const char *image)
{
    struct tguest g;
    struct capture cap;
    capture_init(&cap);
    tguest_create(&g, image);
    struct vm_uart16550 *uart = vm_uart16550_create(NULL, 0, &cap.chr, NULL);
    CHECK(uart, "%s", vm_error_message());
    CHECK_OK(microvm_uart_pio_bind(g.pio, SERIAL_PORT, uart, "com1"));
    tguest_start(&g, 1, false);
    struct vm_exit ex;
    tguest_run(&g, 0, &ex);
    CHECK(ex.kind == VM_EXIT_HALT, "exit '%s', not halt", vm_exit_kind_name(ex.kind));
    CHECK(!strcmp(cap.out, "hello from the kvm guest\n"), "serial output '%s'", cap.out);
    fputs(cap.out, stdout);
    tguest_destroy(&g);
    vm_uart16550_destroy(uart);
}

/* ---- board: the microvm machine boots an ELF, which prints and resets -- */

static void test_board(const char *image)
{
    struct capture cap;
    capture_init(&cap);
    struct vm_microvm_config cfg = {
        .kernel = image, .append = "console=ttyS0 board-test", .ram_size = 64ULL << 20,
        .smp = 2, .accel = "kvm", .timeout = 30, .console = &cap.chr,
    };
    int rc = vm_board_microvm_run(&cfg);
    CHECK(rc == 0, "microvm returned %d: %s (console: '%s')", rc, vm_error_message(), cap.out);
    CHECK(!strcmp(cap.out, "microvm guest: boot structures ok\n"), "console '%s'", cap.out);
    fputs(cap.out, stdout);
    /* bad input gets messages, not crashes */
    struct vm_microvm_config bad = cfg;
    bad.kernel = "/nonexistent/bzImage";
    CHECK(vm_board_microvm_run(&bad) == -VM_ENOENT && strstr(vm_error_message(), "nonexistent"),
          "missing kernel: %s", vm_error_message());
    bad = cfg;
    bad.nr_drives = 1;
    CHECK(vm_board_microvm_run(&bad) == -VM_ENOTSUP, "-drive: %s", vm_error_message());
    bad = cfg;
    bad.smp = 33;
    CHECK(vm_board_microvm_run(&bad) == -VM_EINVAL, "-smp 33: %s", vm_error_message());
    bad = cfg;
    bad.accel = "soft";
    CHECK(vm_board_microvm_run(&bad) < 0 && strstr(vm_error_message(), "soft"),
          "--accel soft: %s", vm_error_message());
    printf("board: refused a missing kernel, -drive, -smp 33 and --accel soft with messages\n");
}

/* ---- io: port I/O and MMIO both ways ---------------------------------- */

struct access {
    uint64_t off;
    unsigned size;
    uint64_t value;
};

struct test_dev {
    uint64_t regs[0x200]; /* by offset */
    struct access writes[32];
    unsigned nwrites;
};

static uint64_t mask_of(unsigned size)
{
    return size >= 8 ? ~0ULL : (1ULL << (size * 8)) - 1;
}

static void dev_log(struct test_dev *d, uint64_t off, unsigned size, uint64_t v)
{
    if (d->nwrites < 32)
        d->writes[d->nwrites++] = (struct access){off, size, v};
    d->regs[off % 0x200] = v;
}

static int pio_read(void *opaque, uint16_t off, unsigned size, uint32_t *value)
{
    struct test_dev *d = opaque;
    *value = (uint32_t)((d->regs[off] ^ 0xa5a5a5a5a5a5a5a5ULL) & mask_of(size));
    return 0;
}

static int pio_write(void *opaque, uint16_t off, unsigned size, uint32_t value)
{
    dev_log(opaque, off, size, value);
    return 0;
}

static int mmio_read(void *opaque, uint64_t off, unsigned size, uint64_t *value)
{
    struct test_dev *d = opaque;
    *value = (d->regs[off % 0x200] ^ 0xa5a5a5a5a5a5a5a5ULL) & mask_of(size);
    return 0;
}

static int mmio_write(void *opaque, uint64_t off, unsigned size, uint64_t value)
{
    dev_log(opaque, off, size, value);
    return 0;
}

static const struct vm_pio_ops test_pio_ops = {pio_read, pio_write};
static const struct vm_mmio_ops test_mmio_ops = {mmio_read, mmio_write};

static void expect_writes(const struct test_dev *d, const struct access *want, unsigned n,
                          const char *what)
{
    CHECK(d->nwrites == n, "%s: %u writes, expected %u", what, d->nwrites, n);
    for (unsigned i = 0; i < n; i++)
        CHECK(d->writes[i].off == want[i].off && d->writes[i].size == want[i].size &&
                  d->writes[i].value == want[i].value,
              "%s write %u: offset 0x%llx size %u value 0x%llx", what, i,
              (unsigned long long)d->writes[i].off, d->writes[i].size,
              (unsigned long long)d->writes[i].value);
}

static void expect_exit(struct tguest *g, struct vm_exit *ex, enum vm_exit_kind kind, uint64_t addr,
                        unsigned size, bool is_write)
{
    tguest_run(g, 0, ex);
    CHECK(ex->kind == kind, "exit '%s', expected '%s'", vm_exit_kind_name(ex->kind),
          vm_exit_kind_name(kind));
    if (kind == VM_EXIT_IO)
        CHECK(ex->u.io.port == addr && ex->u.io.size == size && ex->u.io.is_write == is_write,
              "io exit: port 0x%x size %u write %d", ex->u.io.port, ex->u.io.size,
              ex->u.io.is_write);
    else
        CHECK(ex->u.mmio.addr == addr && ex->u.mmio.size == size && ex->u.mmio.is_write == is_write,
              "mmio exit: address 0x%llx size %u write %d", (unsigned long long)ex->u.mmio.addr,
              ex->u.mmio.size, ex->u.mmio.is_write);
}

static void test_io(const char *image)
{
    struct tguest g;
    static struct test_dev pdev, mdev;
    tguest_create(&g, image);
    CHECK_OK(vm_pio_add(g.pio, TEST_PIO_PORT, 4, &test_pio_ops, &pdev, "test-pio"));
    CHECK_OK(vm_mem_add_mmio(g.mem, TEST_MMIO_ADDR, 0x1000, &test_mmio_ops, &mdev, "test-mmio"));
    tguest_start(&g, 1, false);

    struct vm_exit ex;
    memset(&ex, 0, sizeof(ex));
    expect_exit(&g, &ex, VM_EXIT_IO, UNCLAIMED_PORT, 4, false);
    CHECK(ex.u.io.data == 0xffffffffu, "unclaimed port reads 0x%x before the answer", ex.u.io.data);
    ex.u.io.data = 0x600dcafe; /* the answer, delivered by the next run */
    expect_exit(&g, &ex, VM_EXIT_IO, UNCLAIMED_PORT, 1, true);
    CHECK(ex.u.io.data == 0x77, "unclaimed port write 0x%x", ex.u.io.data);
    expect_exit(&g, &ex, VM_EXIT_MMIO, UNCLAIMED_MMIO + 4, 4, false);
    ex.u.mmio.data = 0x87654321;
    expect_exit(&g, &ex, VM_EXIT_MMIO, UNCLAIMED_MMIO + 8, 8, true);
    CHECK(ex.u.mmio.data == 0x1122334455667788ULL, "unclaimed MMIO write 0x%llx",
          (unsigned long long)ex.u.mmio.data);
    uint32_t status = tguest_run_to_exit(&g, 0);
    CHECK(status == 0, "guest check %u failed", status);

    static const struct access pio_want[] = {
        {0, 1, 0x12}, {2, 2, 0x3456}, {0, 4, 0xdeadbeef},
        {3, 1, 'a'},  {3, 1, 'b'},    {3, 1, 'c'}, {3, 1, 'd'},
    };
    static const struct access mmio_want[] = {
        {0x10, 1, 0x9a}, {0x20, 2, 0xbcde}, {0x40, 4, 0x01234567},
        {0x80, 8, 0x0123456789abcdefULL},
    };
    expect_writes(&pdev, pio_want, 7, "port I/O");
    expect_writes(&mdev, mmio_want, 4, "MMIO");
    struct vm_kvm_vcpu_stats st;
    CHECK_OK(vm_kvm_vcpu_stats(g.vcpu[0], &st));
    printf("io: %llu port-I/O exits, %llu MMIO exits, all data checked both ways\n",
           (unsigned long long)st.io, (unsigned long long)st.mmio);
    tguest_destroy(&g);
}

/* ---- irq: ioeventfd doorbell, irqfd and KVM_IRQ_LINE interrupts -------- */

struct irq_test {
    struct tguest *g;
    int doorbell_fd, irq_fd;
    int doorbells; /* written by the handler thread, read after join */
    int handler_error;
};

/* The host handler of the doorbell: fill the mailbox, then interrupt. */
static void *doorbell_thread(void *arg)
{
    struct irq_test *t = arg;
    struct pollfd pfd = {.fd = t->doorbell_fd, .events = POLLIN};
    int n = poll(&pfd, 1, 20000);
    if (n != 1) {
        t->handler_error = 1;
        return NULL;
    }
    uint64_t count;
    if (read(t->doorbell_fd, &count, 8) != 8) {
        t->handler_error = 2;
        return NULL;
    }
    t->doorbells = (int)count;
    uint32_t *mailbox = vm_mem_ram_ptr(t->g->mem, MAILBOX_ADDR, 4);
    __atomic_store_n(mailbox, MAILBOX_VALUE, __ATOMIC_RELEASE);
    uint64_t one = 1;
    if (write(t->irq_fd, &one, 8) != 8)
        t->handler_error = 3;
    return NULL;
}

static int report_read(void *opaque, uint16_t off, unsigned size, uint32_t *value)
{
    *value = 0;
    return 0;
}

/* The guest asks for a KVM_IRQ_LINE interrupt on the line it names. */
static int irq_request_write(void *opaque, uint16_t off, unsigned size, uint32_t value)
{
    struct irq_test *t = opaque;
    if (vm_kvm_irq_line(t->g->accel, value, true) < 0 ||
        vm_kvm_irq_line(t->g->accel, value, false) < 0)
        t->handler_error = 4;
    return 0;
}

static const struct vm_pio_ops irq_request_ops = {report_read, irq_request_write};

static void test_irq(const char *image)
{
    struct tguest g;
    struct irq_test t = {.g = &g};
    tguest_create(&g, image);
    CHECK_OK(vm_pio_add(g.pio, REPORT_PORT, 1, &irq_request_ops, &t, "irq-request"));
    tguest_start(&g, 1, true);
    struct vm_kvm_ioeventfd ev = {
        .addr = DOORBELL_ADDR, .len = 4, .match = true, .datamatch = DOORBELL_VALUE};
    CHECK_OK(vm_kvm_ioeventfd(g.accel, &ev, &t.doorbell_fd));
    CHECK_OK(vm_kvm_irqfd(g.accel, TEST_GSI, &t.irq_fd));
    pthread_t th;
    CHECK(pthread_create(&th, NULL, doorbell_thread, &t) == 0, "pthread_create");
    uint32_t status = tguest_run_to_exit(&g, 0);
    pthread_join(th, NULL);
    CHECK(t.handler_error == 0, "host handler error %d", t.handler_error);
    CHECK(t.doorbells == 1, "doorbell rang %d times", t.doorbells);
    CHECK(status == 0, "guest check %u failed", status);
    printf("irq: doorbell reached the host through ioeventfd; irqfd and KVM_IRQ_LINE "
           "interrupts taken by the guest\n");
    close(t.doorbell_fd);
    close(t.irq_fd);
    tguest_destroy(&g);
}

/* ---- regs: get/set round trips, and through a guest run --------------- */

static void fill(uint8_t *p, size_t n, uint8_t seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(seed + i * 7);
}

/* The guest drops to ring 3 (see regs.S): its code and stack pages must
 * be user pages. The boot tables map them through PML4[0], PDPT[0], PD[0]. */
static void allow_user_pages(struct tguest *g)
{
    static const uint64_t entries[] = {0x9000, 0xa000, 0xb000}; /* microvm_layout.h */
    for (unsigned i = 0; i < 3; i++) {
        uint64_t *e = vm_mem_ram_ptr(g->mem, entries[i], 8);
        CHECK(e && (*e & 1), "boot page table entry at 0x%llx", (unsigned long long)entries[i]);
        *e |= 4; /* U/S */
    }
}

static void test_regs(const char *image)
{
    struct tguest g;
    tguest_create(&g, image);
    allow_user_pages(&g);
    tguest_start(&g, 1, false);
    struct vm_vcpu *v = g.vcpu[0];
    const struct vm_reg_map *map = vm_accel_reg_map(g.accel);
    CHECK(map && map->arch == VM_ARCH_X86_64, "no x86-64 register map");

    struct vm_x86_core_regs c, c2;
    CHECK_OK(vm_vcpu_get_regs(v, VM_REGSET_CORE, &c));
    uint64_t *gpr = &c.rax;
    for (unsigned i = 0; i < 16; i++)
        gpr[i] = 0x1111111111111111ULL * (i + 1);
    c.rsp = GUEST_STACK_TOP;
    CHECK_OK(vm_vcpu_set_regs(v, VM_REGSET_CORE, &c));
    CHECK_OK(vm_vcpu_get_regs(v, VM_REGSET_CORE, &c2));
    CHECK(!memcmp(&c, &c2, sizeof(c)), "core registers changed in a set/get round trip");

    struct vm_x86_fpu_regs f, f2;
    CHECK_OK(vm_vcpu_get_regs(v, VM_REGSET_FPU, &f));
    fill(&f.xmm[0][0], sizeof(f.xmm), 3);
    fill(&f.ymmh[0][0], sizeof(f.ymmh), 101);
    for (unsigned i = 0; i < 8; i++) {
        long double x = 1.5L + i * 0.75L; /* x87 80-bit values */
        memset(f.st[i], 0, 16);
        memcpy(f.st[i], &x, 10);
    }
    f.fsw = 0;     /* TOP = 0: st(i) is physical register i */
    f.ftw = 0xff;  /* all eight valid */
    f.fcw = 0x037f;
    f.mxcsr = 0x1f80 | 0x6000; /* round toward zero */
    CHECK_OK(vm_vcpu_set_regs(v, VM_REGSET_FPU, &f));
    CHECK_OK(vm_vcpu_get_regs(v, VM_REGSET_FPU, &f2));
    bool avx = f2.ymmh[0][0] != 0 || f2.ymmh[0][1] != 0;
    if (!avx)
        memset(f.ymmh, 0, sizeof(f.ymmh)); /* no AVX state on this host */
    CHECK(!memcmp(f.st, f2.st, sizeof(f.st)), "x87 registers changed in a round trip");
    CHECK(!memcmp(f.xmm, f2.xmm, sizeof(f.xmm)), "xmm registers changed in a round trip");
    CHECK(!memcmp(f.ymmh, f2.ymmh, sizeof(f.ymmh)), "ymm upper halves changed in a round trip");
    CHECK(f2.fcw == f.fcw && f2.mxcsr == f.mxcsr && f2.ftw == f.ftw, "fcw 0x%x mxcsr 0x%x ftw 0x%x",
          f2.fcw, f2.mxcsr, f2.ftw);

    /* one register through the map, by name and number */
    const struct vm_reg_desc *d = vm_reg_map_find(map, "rbx");
    CHECK(d && d->number == 1, "map: rbx");
    CHECK_OK(vm_vcpu_set_reg(v, d->number, 0x9999999999999999ULL));
    c.rbx = 0x9999999999999999ULL;
    d = vm_reg_map_find(map, "xmm3.hi");
    uint64_t x3hi;
    CHECK(d, "map: xmm3.hi");
    CHECK_OK(vm_vcpu_get_reg(v, d->number, &x3hi));
    CHECK(!memcmp(&x3hi, &f.xmm[3][8], 8), "xmm3.hi through the map");

    /* run: the guest computes with them in ring 3 and exits through a port */
    uint32_t status = tguest_run_to_exit(&g, 0);
    (void)status;
    struct vm_x86_core_regs a;
    struct vm_x86_fpu_regs af;
    CHECK_OK(vm_vcpu_get_regs(v, VM_REGSET_CORE, &a));
    CHECK_OK(vm_vcpu_get_regs(v, VM_REGSET_FPU, &af));
    CHECK((a.cs.selector & 3) == 3, "not in ring 3: cs 0x%x", a.cs.selector);
    CHECK(a.r8 == c.r8 + c.r9, "r8 0x%llx", (unsigned long long)a.r8);
    CHECK(a.r10 == (c.r10 ^ c.r11), "r10 0x%llx", (unsigned long long)a.r10);
    CHECK(a.r15 == c.r14 + 1, "r15 0x%llx", (unsigned long long)a.r15);
    CHECK(a.r12 == f.fcw, "guest read fcw 0x%llx", (unsigned long long)a.r12);
    CHECK(a.r13 == f.mxcsr, "guest read mxcsr 0x%llx", (unsigned long long)a.r13);
    CHECK(a.rbx == c.rbx && a.rcx == c.rcx && a.rsi == c.rsi && a.rdi == c.rdi &&
              a.rbp == c.rbp && a.r9 == c.r9 && a.r11 == c.r11 && a.r14 == c.r14,
          "untouched GPRs changed");
    for (unsigned lane = 0; lane < 2; lane++) {
        uint64_t x0, x1, r;
        memcpy(&x0, &f.xmm[0][lane * 8], 8);
        memcpy(&x1, &f.xmm[1][lane * 8], 8);
        memcpy(&r, &af.xmm[0][lane * 8], 8);
        CHECK(r == x0 + x1, "xmm0 lane %u", lane);
    }
    for (unsigned i = 0; i < 16; i++)
        CHECK(af.xmm[2][i] == (f.xmm[2][i] ^ f.xmm[3][i]), "xmm2 byte %u", i);
    CHECK(!memcmp(af.xmm[4], f.xmm[4], 12 * 16), "xmm4-xmm15 changed");
    long double st0 = 0;
    memcpy(&st0, af.st[0], 10);
    CHECK(st0 == 1.5L + 2.25L, "st0 = %Lg, expected 3.75", st0);
    CHECK(!memcmp(af.st[1], f.st[1], 7 * 16), "st1-st7 changed");
    CHECK(!memcmp(af.ymmh, f.ymmh, sizeof(f.ymmh)), "ymm upper halves changed by the run");
    printf("regs: GPRs, segments, control registers, x87, SSE%s round-tripped; the guest "
           "computed with them\n", avx ? ", AVX upper halves" : "");
    tguest_destroy(&g);
}

/* ---- smp: two vCPUs report in ----------------------------------------- */

static unsigned reported; /* bit per APIC ID, atomic */

static int report_write(void *opaque, uint16_t off, unsigned size, uint32_t value)
{
    if (value < 32)
        __atomic_fetch_or(&reported, 1u << value, __ATOMIC_SEQ_CST);
    return 0;
}

static const struct vm_pio_ops report_ops = {report_read, report_write};

struct smp_vcpu {
    struct tguest *g;
    unsigned index;
    uint32_t status;
};

static void *smp_thread(void *arg)
{
    struct smp_vcpu *s = arg;
    s->status = tguest_run_to_exit(s->g, s->index);
    return NULL;
}

static void test_smp(const char *image)
{
    struct tguest g;
    tguest_create(&g, image);
    CHECK_OK(vm_pio_add(g.pio, REPORT_PORT, 1, &report_ops, NULL, "report"));
    tguest_start(&g, 2, false);
    struct smp_vcpu s[2] = {{&g, 0, ~0u}, {&g, 1, ~0u}};
    pthread_t th[2];
    for (unsigned i = 0; i < 2; i++)
        CHECK(pthread_create(&th[i], NULL, smp_thread, &s[i]) == 0, "pthread_create");
    for (unsigned i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    for (unsigned i = 0; i < 2; i++)
        CHECK(s[i].status == 0, "vCPU %u: guest check %u failed", i, s[i].status);
    unsigned bits = __atomic_load_n(&reported, __ATOMIC_SEQ_CST);
    CHECK(bits == 3, "APIC IDs reported: mask 0x%x, expected 0x3", bits);
    printf("smp: vCPUs with APIC IDs 0 and 1 reported in, each on its own thread\n");
    tguest_destroy(&g);
}

/* ---- kick: out of KVM_RUN from another thread ------------------------- */

struct kicker {
    struct vm_vcpu *vcpu;
    unsigned delay_ms;
};

static void *kick_thread(void *arg)
{
    struct kicker *k = arg;
    struct timespec ts = {0, (long)k->delay_ms * 1000000L};
    nanosleep(&ts, NULL);
    vm_vcpu_kick(k->vcpu);
    return NULL;
}

static void test_kick(const char *image)
{
    struct tguest g;
    tguest_create(&g, image);
    tguest_start(&g, 1, false);
    struct vm_exit ex;
    /* a kick before the run: the next run returns at once */
    vm_vcpu_kick(g.vcpu[0]);
    tguest_run(&g, 0, &ex);
    CHECK(ex.kind == VM_EXIT_INTR && ex.u.intr.reason == VM_INTR_KICK, "exit '%s'",
          vm_exit_kind_name(ex.kind));
    /* kicks while the guest spins in KVM_RUN */
    for (unsigned round = 0; round < 5; round++) {
        struct kicker k = {g.vcpu[0], 20 + round * 10};
        pthread_t th;
        CHECK(pthread_create(&th, NULL, kick_thread, &k) == 0, "pthread_create");
        tguest_run(&g, 0, &ex);
        pthread_join(th, NULL);
        CHECK(ex.kind == VM_EXIT_INTR && ex.u.intr.reason == VM_INTR_KICK, "round %u: exit '%s'",
              round, vm_exit_kind_name(ex.kind));
    }
    printf("kick: a spinning vCPU left KVM_RUN on each of 5 kicks, and on a kick sent before it ran\n");
    tguest_destroy(&g);
}

/* ---- api: misuse gets clear errors; memory slots and dirty log -------- */

static void test_api(const char *image)
{
    struct tguest g;
    tguest_create(&g, image);
    tguest_start(&g, 1, false);
    /* interrupts need the irqchip, which must precede the vCPUs */
    CHECK(vm_kvm_irq_line(g.accel, 4, true) == -VM_EINVAL, "irq line without irqchip");
    CHECK(strstr(vm_error_message(), "irqchip"), "message: %s", vm_error_message());
    CHECK(vm_kvm_create_irqchip(g.accel) == -VM_EINVAL, "irqchip after vCPUs");
    struct vm_kvm_ioeventfd bad = {.addr = DOORBELL_ADDR, .len = 3};
    int fd;
    CHECK(vm_kvm_ioeventfd(g.accel, &bad, &fd) == -VM_EINVAL, "ioeventfd of 3 bytes");
    /* vCPU options the backend cannot honour */
    struct vm_vcpu *extra;
    struct vm_vcpu_options opt = {.id = 1, .max_insns = 100};
    CHECK(vm_vcpu_create(g.accel, &opt, &extra) == -VM_ENOTSUP, "instruction limit");
    /* a machine built for one vCPU refuses a second */
    opt.max_insns = 0;
    CHECK(vm_vcpu_create(g.accel, &opt, &extra) == -VM_EINVAL, "too many vCPUs");

    /* dirty logging sees the guest's stack writes */
    CHECK_OK(vm_kvm_dirty_log(g.accel, 0, true));
    struct vm_exit ex;
    tguest_run(&g, 0, &ex); /* hello: prints (no device: unclaimed writes) */
    while (ex.kind == VM_EXIT_IO)
        tguest_run(&g, 0, &ex);
    CHECK(ex.kind == VM_EXIT_HALT, "exit '%s'", vm_exit_kind_name(ex.kind));
    uint64_t bitmap[GUEST_RAM_SIZE / 4096 / 64];
    CHECK_OK(vm_kvm_dirty_get_and_clear(g.accel, 0, bitmap, sizeof(bitmap) / 8));
    unsigned stack_page = (GUEST_STACK_TOP - 8) / 4096;
    CHECK(bitmap[stack_page / 64] & (1ULL << (stack_page % 64)), "stack page not dirty");
    unsigned code_page = GUEST_LOAD_ADDR / 4096 + 1;
    CHECK(!(bitmap[code_page / 64] & (1ULL << (code_page % 64))), "unwritten page dirty");
    CHECK_OK(vm_kvm_dirty_get_and_clear(g.accel, 0, bitmap, sizeof(bitmap) / 8));
    CHECK(!(bitmap[stack_page / 64] & (1ULL << (stack_page % 64))), "dirty bit not cleared");
    CHECK_OK(vm_kvm_dirty_log(g.accel, 0, false));
    /* a slot can be unmapped and mapped again */
    CHECK_OK(vm_kvm_unmap_ram(g.accel, 0));
    CHECK(vm_kvm_unmap_ram(g.accel, 0) == -VM_ENOENT, "double unmap");
    CHECK_OK(vm_kvm_map_ram(g.accel, 0));
    printf("api: misuse refused with messages; dirty log and slot unmap/map work\n");
    tguest_destroy(&g);
}

/* ---- probe: which ring-0 instructions this host's KVM runs ------------- */

/* Each case is a minimal reproducer (guest/probe.S) run on a fresh vCPU;
 * the table says which ones KVM refused here (on KVM with hardware
 * virtualisation all of them run). Checked: each one either runs to its
 * report or ends in an error exit carrying KVM's reason. */
static void test_probe(const char *image)
{
    static const char *const names[] = {
        "paddq xmm (SSE2 arithmetic)", "movdqu (SSE load)", "fld1/faddp (x87)",
        "lock cmpxchg16b", "xsetbv", "xsave/xrstor", "int3 through the IDT", "rdtsc",
    };
    unsigned refused = 0;
    for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        struct tguest g;
        tguest_create(&g, image);
        tguest_start(&g, 1, false);
        struct vm_x86_core_regs r;
        CHECK_OK(vm_vcpu_get_regs(g.vcpu[0], VM_REGSET_CORE, &r));
        r.rdi = i;
        CHECK_OK(vm_vcpu_set_regs(g.vcpu[0], VM_REGSET_CORE, &r));
        struct vm_exit ex;
        CHECK_OK(vm_vcpu_run(g.vcpu[0], &ex));
        if (ex.kind == VM_EXIT_IO && ex.u.io.port == EXIT_PORT) {
            printf("ring 0: %-28s runs\n", names[i]);
        } else {
            /* What the host refuses must come back as an error exit that
             * says why: the backend's mapping of KVM's failure is checked. */
            CHECK(ex.kind == VM_EXIT_ERROR && ex.u.error.message[0],
                  "%s: neither ran nor failed with a message (exit '%s')", names[i],
                  vm_exit_kind_name(ex.kind));
            refused++;
            printf("ring 0: %-28s REFUSED: %s\n", names[i],
                   ex.kind == VM_EXIT_ERROR ? ex.u.error.message : vm_exit_kind_name(ex.kind));
        }
        tguest_destroy(&g);
    }
    printf("probe: %u of %zu ring-0 reproducers refused by this host's KVM\n", refused,
           sizeof(names) / sizeof(names[0]));
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s hello|board|io|irq|regs|smp|kick|api|probe IMAGE\n", argv[0]);
        return 2;
    }
    tguest_skip_without_kvm();
    const char *c = argv[1], *image = argv[2];
    if (!strcmp(c, "hello"))
        test_hello(image);
    else if (!strcmp(c, "board"))
        test_board(image);
    else if (!strcmp(c, "io"))
        test_io(image);
    else if (!strcmp(c, "irq"))
        test_irq(image);
    else if (!strcmp(c, "regs"))
        test_regs(image);
    else if (!strcmp(c, "smp"))
        test_smp(image);
    else if (!strcmp(c, "kick"))
        test_kick(image);
    else if (!strcmp(c, "api"))
        test_api(image);
    else if (!strcmp(c, "probe"))
        test_probe(image);
    else {
        fprintf(stderr, "unknown case '%s'\n", c);
        return 2;
    }
    return 0;
}
