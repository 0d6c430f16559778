/* A hostile guest: a bare-metal M-mode program (vm run -M virt -bios none
 * -kernel hostile.elf, with a virtio disk and a virtio NIC) that drives
 * virtio-blk and virtio-net through their virtio-mmio registers with
 * malformed set-ups and rings, one for each rule a device checks, and
 * after each one checks that the device answered as the spec says
 * (DEVICE_NEEDS_RESET with a configuration-change interrupt, or an error
 * status), then resets it and checks that it works again: a block read
 * that returns the disk's first sector, a frame sent to the user network's
 * gateway that gets an answer.
 *
 * It prints one line per case and powers off with status 0 when every
 * check held, or with the number of the first failed check. The disk's
 * first sector must start with "HOSTILE-DISK" (the CMake test makes it). */
#include <stdint.h>

#define UART0 0x10000000UL
#define SYSCON 0x100000UL
#define VIRTIO_BASE 0x10001000UL
#define VIRTIO_STEP 0x1000UL
#define VIRTIO_SLOTS 8
#define RAM_END (0x80000000UL + (128UL << 20)) /* -m 128M */

/* virtio-mmio registers */
#define R_MAGIC 0x000
#define R_VERSION 0x004
#define R_DEVICE_ID 0x008
#define R_DEV_FEATURES 0x010
#define R_DEV_FEATURES_SEL 0x014
#define R_DRV_FEATURES 0x020
#define R_DRV_FEATURES_SEL 0x024
#define R_QUEUE_SEL 0x030
#define R_QUEUE_NUM_MAX 0x034
#define R_QUEUE_NUM 0x038
#define R_QUEUE_READY 0x044
#define R_QUEUE_NOTIFY 0x050
#define R_ISR 0x060
#define R_ISR_ACK 0x064
#define R_STATUS 0x070
#define R_DESC_LO 0x080
#define R_DESC_HI 0x084
#define R_AVAIL_LO 0x090
#define R_AVAIL_HI 0x094
#define R_USED_LO 0x0a0
#define R_USED_HI 0x0a4
#define R_CONFIG 0x100

#define S_ACK 1
#define S_DRIVER 2
#define S_DRIVER_OK 4
#define S_FEATURES_OK 8
#define S_NEEDS_RESET 0x40

#define F_INDIRECT (1u << 28)
#define F_EVENT_IDX (1u << 29)
#define F_V1_HI 1u /* bit 32 */

#define D_NEXT 1
#define D_WRITE 2
#define D_INDIRECT 4

#define QSIZE 16

struct desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags, next;
};

/* ---- console and exit ---- */

static void putc_(char c)
{
    volatile uint8_t *u = (volatile uint8_t *)UART0;
    while (!(u[5] & 0x20))
        ;
    u[0] = (uint8_t)c;
}

static void puts_(const char *s)
{
    while (*s)
        putc_(*s++);
}

static void putn(unsigned long v)
{
    char b[24];
    int i = 0;
    do {
        b[i++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (i)
        putc_(b[--i]);
}

__attribute__((noreturn)) static void poweroff(unsigned code)
{
    *(volatile uint32_t *)SYSCON = code ? 0x3333 | code << 16 : 0x5555;
    for (;;)
        ;
}

static unsigned check_no;

static void check(int ok, const char *what)
{
    check_no++;
    if (!ok) {
        puts_("HOSTILE-FAIL ");
        putn(check_no);
        puts_(" ");
        puts_(what);
        puts_("\n");
        poweroff(check_no);
    }
}

/* ---- registers ---- */

static uint64_t dev; /* the device under test */

static uint32_t rd(unsigned off)
{
    return *(volatile uint32_t *)(dev + off);
}

static void wr(unsigned off, uint32_t v)
{
    *(volatile uint32_t *)(dev + off) = v;
}

static void mb(void)
{
    __asm__ volatile("fence rw, rw" ::: "memory");
}

/* Wait (bounded) for a status bit; 1 if it came. */
static int wait_status(uint32_t bit)
{
    for (unsigned long i = 0; i < 2000000; i++)
        if (rd(R_STATUS) & bit)
            return 1;
    return 0;
}

/* ---- rings in RAM ---- */

static struct desc descs[QSIZE] __attribute__((aligned(4096)));
static volatile uint16_t avail[3 + QSIZE] __attribute__((aligned(4096)));
static volatile uint8_t used[6 + 8 * QSIZE] __attribute__((aligned(4096)));
static struct desc table[8] __attribute__((aligned(16)));
static uint8_t buf[4096] __attribute__((aligned(4096)));
static uint8_t hdr[16], status_byte;
static uint16_t avail_idx, used_seen;

static void mem_zero(volatile void *p, unsigned long n)
{
    volatile uint8_t *b = p;
    while (n--)
        *b++ = 0;
}

static int mem_eq(const void *a, const char *b, unsigned n)
{
    const uint8_t *x = a;
    for (unsigned i = 0; i < n; i++)
        if (x[i] != (uint8_t)b[i])
            return 0;
    return 1;
}

static uint16_t used_idx(void)
{
    mb();
    return *(volatile uint16_t *)(used + 2);
}

/* Reset and bring the device up with one queue of `size` at the given
 * addresses (the caller may give bad ones); returns the status after
 * QueueReady and DRIVER_OK. */
static uint32_t bring_up_at(unsigned q, uint32_t size, uint64_t d, uint64_t a, uint64_t u)
{
    wr(R_STATUS, 0);
    check(rd(R_STATUS) == 0, "status reads 0 after a reset");
    wr(R_ISR_ACK, 3);
    wr(R_STATUS, S_ACK);
    wr(R_STATUS, S_ACK | S_DRIVER);
    wr(R_DEV_FEATURES_SEL, 0);
    uint32_t lo = rd(R_DEV_FEATURES) & (F_INDIRECT | F_EVENT_IDX);
    wr(R_DRV_FEATURES_SEL, 0);
    wr(R_DRV_FEATURES, lo);
    wr(R_DRV_FEATURES_SEL, 1);
    wr(R_DRV_FEATURES, F_V1_HI);
    wr(R_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK);
    check(rd(R_STATUS) & S_FEATURES_OK, "FEATURES_OK accepted");
    for (unsigned i = 0; i < 2; i++) { /* every queue the devices here have */
        wr(R_QUEUE_SEL, i);
        if (i != q)
            continue;
        mem_zero(descs, sizeof(descs));
        mem_zero(avail, sizeof(avail));
        mem_zero(used, sizeof(used));
        avail_idx = used_seen = 0;
        wr(R_QUEUE_NUM, size);
        wr(R_DESC_LO, (uint32_t)d);
        wr(R_DESC_HI, (uint32_t)(d >> 32));
        wr(R_AVAIL_LO, (uint32_t)a);
        wr(R_AVAIL_HI, (uint32_t)(a >> 32));
        wr(R_USED_LO, (uint32_t)u);
        wr(R_USED_HI, (uint32_t)(u >> 32));
        wr(R_QUEUE_READY, 1);
    }
    wr(R_STATUS, rd(R_STATUS) | S_DRIVER_OK);
    return rd(R_STATUS);
}

static uint32_t bring_up(unsigned q)
{
    return bring_up_at(q, QSIZE, (uint64_t)descs, (uint64_t)avail, (uint64_t)used);
}

static void post(unsigned q, uint16_t head)
{
    avail[2 + avail_idx % QSIZE] = head;
    mb();
    avail_idx++;
    avail[1] = avail_idx;
    mb();
    wr(R_QUEUE_NOTIFY, q);
}

/* Wait for the next used element; 1 with its length, 0 on timeout. */
static int wait_used(uint32_t *len)
{
    for (unsigned long i = 0; i < 3000000; i++) {
        if (used_idx() != used_seen) {
            volatile uint8_t *e = used + 4 + 8 * (used_seen % QSIZE);
            *len = (uint32_t)e[4] | (uint32_t)e[5] << 8 | (uint32_t)e[6] << 16 |
                   (uint32_t)e[7] << 24;
            used_seen++;
            return 1;
        }
    }
    return 0;
}

/* The device refused what we did: DEVICE_NEEDS_RESET and a config
 * interrupt; nothing used. */
static void expect_needs_reset(const char *what)
{
    puts_("case: ");
    puts_(what);
    puts_("\n");
    check(wait_status(S_NEEDS_RESET), what);
    check(rd(R_ISR) & 2, "a configuration-change interrupt came with DEVICE_NEEDS_RESET");
    check(used_idx() == 0, "nothing was used from a broken ring");
}

/* ---- virtio-blk ---- */

static void blk_desc3(uint32_t type, uint64_t sector, uint32_t len)
{
    mem_zero(hdr, sizeof(hdr));
    hdr[0] = (uint8_t)type;
    for (int i = 0; i < 8; i++)
        hdr[8 + i] = (uint8_t)(sector >> (8 * i));
    status_byte = 0xee;
    descs[0] = (struct desc){(uint64_t)hdr, 16, D_NEXT, 1};
    descs[1] = (struct desc){(uint64_t)buf, len, D_NEXT | D_WRITE, 2};
    descs[2] = (struct desc){(uint64_t)&status_byte, 1, D_WRITE, 0};
}

/* A read of sector 0 works and returns the disk's marker. */
static void blk_works(void)
{
    check(!(bring_up(0) & S_NEEDS_RESET), "the disk comes up after a reset");
    mem_zero(buf, 512);
    blk_desc3(0, 0, 512);
    post(0, 0);
    uint32_t len;
    check(wait_used(&len), "a good read completes");
    check(status_byte == 0, "a good read has status OK");
    check(len == 513, "the used length of a 512-byte read is 513");
    check(mem_eq(buf, "HOSTILE-DISK", 12), "the read returns the disk's first sector");
}

static void blk_request_status(const char *what, uint32_t type, uint64_t sector, uint32_t len,
                               uint8_t want)
{
    puts_("case: ");
    puts_(what);
    puts_("\n");
    check(!(bring_up(0) & S_NEEDS_RESET), "up");
    blk_desc3(type, sector, len);
    post(0, 0);
    uint32_t l;
    check(wait_used(&l), what);
    check(status_byte == want, what);
    check(!(rd(R_STATUS) & S_NEEDS_RESET), "a bad request is not a broken ring");
}

static void ring_cases(unsigned q, void (*works)(void))
{
    uint64_t d = (uint64_t)descs, a = (uint64_t)avail, u = (uint64_t)used;

    puts_("case: queue size not a power of two\n");
    check(bring_up_at(q, 3, d, a, u) & S_NEEDS_RESET, "queue size 3");
    wr(R_QUEUE_SEL, q);
    check(rd(R_QUEUE_READY) == 0, "a refused queue is not ready");
    works();
    puts_("case: queue size above the maximum\n");
    wr(R_QUEUE_SEL, q);
    check(bring_up_at(q, rd(R_QUEUE_NUM_MAX) * 2, d, a, u) & S_NEEDS_RESET, "queue too big");
    works();
    puts_("case: queue size 0\n");
    check(bring_up_at(q, 0, d, a, u) & S_NEEDS_RESET, "queue size 0");
    works();
    puts_("case: misaligned rings\n");
    check(bring_up_at(q, QSIZE, d + 8, a, u) & S_NEEDS_RESET, "descriptors at +8");
    check(bring_up_at(q, QSIZE, d, a + 1, u) & S_NEEDS_RESET, "avail at +1");
    check(bring_up_at(q, QSIZE, d, a, u + 2) & S_NEEDS_RESET, "used at +2");
    works();
    puts_("case: rings outside RAM\n");
    check(bring_up_at(q, QSIZE, UART0, a, u) & S_NEEDS_RESET, "descriptors on the UART");
    check(bring_up_at(q, QSIZE, d, 0x4000000000UL, u) & S_NEEDS_RESET, "avail beyond RAM");
    check(bring_up_at(q, QSIZE, d, a, RAM_END - 8) & S_NEEDS_RESET, "used off the end of RAM");
    check(bring_up_at(q, QSIZE, 0xfffffffffffffff0UL, a, u) & S_NEEDS_RESET, "wrapping ring");
    works();

    /* Chains: each breaks one rule after DRIVER_OK. */
    bring_up(q);
    post(q, QSIZE + 5);
    expect_needs_reset("descriptor index out of range (avail ring)");
    works();

    bring_up(q);
    descs[0] = (struct desc){(uint64_t)buf, 16, D_NEXT, QSIZE};
    post(q, 0);
    expect_needs_reset("next index out of range");
    works();

    bring_up(q);
    descs[0] = (struct desc){(uint64_t)buf, 16, D_NEXT, 1};
    descs[1] = (struct desc){(uint64_t)buf, 16, D_NEXT | D_WRITE, 0};
    post(q, 0);
    expect_needs_reset("a chain that loops");
    works();

    bring_up(q);
    descs[0] = (struct desc){(uint64_t)buf, 16, D_NEXT | D_WRITE, 1};
    descs[1] = (struct desc){(uint64_t)buf, 16, 0, 0};
    post(q, 0);
    expect_needs_reset("device-readable after device-writable");
    works();

    bring_up(q);
    descs[0] = (struct desc){(uint64_t)buf, 16, 0x10, 0};
    post(q, 0);
    expect_needs_reset("unknown descriptor flags");
    works();

    bring_up(q);
    table[0] = (struct desc){(uint64_t)table, 32, D_INDIRECT, 0};
    descs[0] = (struct desc){(uint64_t)table, 16, D_INDIRECT, 0};
    post(q, 0);
    expect_needs_reset("nested indirect table");
    works();

    bring_up(q);
    descs[0] = (struct desc){(uint64_t)table, 16, D_INDIRECT | D_NEXT, 1};
    post(q, 0);
    expect_needs_reset("indirect table with NEXT");
    works();

    bring_up(q);
    descs[0] = (struct desc){(uint64_t)table, 24, D_INDIRECT, 0};
    post(q, 0);
    expect_needs_reset("indirect table of 24 bytes");
    works();

    bring_up(q);
    table[0] = (struct desc){(uint64_t)buf, 16, D_NEXT, 1};
    table[1] = (struct desc){(uint64_t)buf, 16, D_NEXT | D_WRITE, 0};
    descs[0] = (struct desc){(uint64_t)table, 32, D_INDIRECT, 0};
    post(q, 0);
    expect_needs_reset("an indirect chain that loops");
    works();

    bring_up(q);
    descs[0] = (struct desc){RAM_END - 8, 64, D_WRITE, 0};
    post(q, 0);
    expect_needs_reset("a buffer off the end of RAM");
    works();

    bring_up(q);
    descs[0] = (struct desc){0x0c000000UL, 64, D_WRITE, 0}; /* the PLIC */
    post(q, 0);
    expect_needs_reset("a buffer on a device's registers");
    works();

    bring_up(q);
    descs[0] = (struct desc){(uint64_t)buf, 16, D_WRITE, 0};
    avail[2] = 0;
    avail[1] = QSIZE + 1;
    mb();
    wr(R_QUEUE_NOTIFY, q);
    expect_needs_reset("avail.idx more than the queue size ahead");
    works();

    puts_("case: register nonsense\n");
    bring_up(q);
    wr(R_QUEUE_NOTIFY, 77);          /* no such queue */
    wr(R_CONFIG + 0xf0, 0xffffffff); /* beyond the config space */
    wr(R_STATUS, S_DRIVER_OK | 0x10); /* not a transition */
    check(!(rd(R_STATUS) & S_NEEDS_RESET), "nonsense writes change nothing");
    wr(R_QUEUE_SEL, q);
    wr(R_QUEUE_NUM, 2); /* a ready queue's registers are fixed */
    check(rd(R_QUEUE_NUM) == QSIZE, "a ready queue keeps its size");
    works();
}

/* ---- virtio-net ---- */

static const uint8_t my_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
static uint8_t tx[128], rx_bufs[4][2048];

/* An ARP request for 10.0.2.2 from 10.0.2.15. */
static unsigned arp_frame(uint8_t *f)
{
    static const uint8_t head[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x52, 0x54, 0x00, 0x12,
                                   0x34, 0x56, 0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 0x06, 0x04,
                                   0x00, 0x01};
    unsigned n = 0;
    for (unsigned i = 0; i < sizeof(head); i++)
        f[n++] = head[i];
    for (unsigned i = 0; i < 6; i++)
        f[n++] = my_mac[i];
    f[n++] = 10, f[n++] = 0, f[n++] = 2, f[n++] = 15;
    for (unsigned i = 0; i < 6; i++)
        f[n++] = 0;
    f[n++] = 10, f[n++] = 0, f[n++] = 2, f[n++] = 2;
    while (n < 60)
        f[n++] = 0;
    return n;
}

static struct desc rx_descs[QSIZE] __attribute__((aligned(4096)));
static volatile uint16_t rx_avail[3 + QSIZE] __attribute__((aligned(4096)));
static volatile uint8_t rx_used[6 + 8 * QSIZE] __attribute__((aligned(4096)));

/* Both queues up: receive (0) with 4 posted buffers, transmit (1) ours. */
static void net_up(void)
{
    check(!(bring_up(1) & S_NEEDS_RESET), "transmit queue up");
    /* Also set up the receive queue: reset and do both. */
    wr(R_STATUS, 0);
    wr(R_STATUS, S_ACK);
    wr(R_STATUS, S_ACK | S_DRIVER);
    wr(R_DRV_FEATURES_SEL, 0);
    wr(R_DRV_FEATURES, 0);
    wr(R_DRV_FEATURES_SEL, 1);
    wr(R_DRV_FEATURES, F_V1_HI);
    wr(R_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK);
    mem_zero(rx_avail, sizeof(rx_avail));
    mem_zero(rx_used, sizeof(rx_used));
    for (unsigned i = 0; i < 4; i++) {
        rx_descs[i] = (struct desc){(uint64_t)rx_bufs[i], sizeof(rx_bufs[i]), D_WRITE, 0};
        rx_avail[2 + i] = (uint16_t)i;
    }
    rx_avail[1] = 4;
    wr(R_QUEUE_SEL, 0);
    wr(R_QUEUE_NUM, QSIZE);
    wr(R_DESC_LO, (uint32_t)(uint64_t)rx_descs);
    wr(R_DESC_HI, 0);
    wr(R_AVAIL_LO, (uint32_t)(uint64_t)rx_avail);
    wr(R_AVAIL_HI, 0);
    wr(R_USED_LO, (uint32_t)(uint64_t)rx_used);
    wr(R_USED_HI, 0);
    wr(R_QUEUE_READY, 1);
    mem_zero(descs, sizeof(descs));
    mem_zero(avail, sizeof(avail));
    mem_zero(used, sizeof(used));
    avail_idx = used_seen = 0;
    wr(R_QUEUE_SEL, 1);
    wr(R_QUEUE_NUM, QSIZE);
    wr(R_DESC_LO, (uint32_t)(uint64_t)descs);
    wr(R_DESC_HI, 0);
    wr(R_AVAIL_LO, (uint32_t)(uint64_t)avail);
    wr(R_AVAIL_HI, 0);
    wr(R_USED_LO, (uint32_t)(uint64_t)used);
    wr(R_USED_HI, 0);
    wr(R_QUEUE_READY, 1);
    wr(R_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
    check(rd(R_STATUS) == (S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK), "net up");
}

/* Send an ARP request; the user network's gateway answers it. */
static void net_works(void)
{
    net_up();
    mem_zero(tx, sizeof(tx));
    unsigned n = arp_frame(tx + 12);
    descs[0] = (struct desc){(uint64_t)tx, 12 + n, 0, 0};
    post(1, 0);
    uint32_t len;
    check(wait_used(&len), "the frame was sent");
    int got = 0;
    for (unsigned long i = 0; i < 5000000 && !got; i++) {
        mb();
        got = *(volatile uint16_t *)(rx_used + 2) != 0;
    }
    check(got, "an answer came from the gateway");
    /* 12-byte header, then an ARP reply (ethertype 0x0806, op 2) to us. */
    const uint8_t *f = rx_bufs[rx_used[4]] + 12;
    check(mem_eq(f, (const char *)my_mac, 6) && f[12] == 0x08 && f[13] == 0x06 && f[21] == 2,
          "the answer is an ARP reply to our MAC");
}

static void net_cases(void)
{
    puts_("case: net: a frame shorter than its header\n");
    net_up();
    descs[0] = (struct desc){(uint64_t)tx, 6, 0, 0};
    post(1, 0);
    uint32_t len;
    check(wait_used(&len), "a short frame is handed back");
    check(!(rd(R_STATUS) & S_NEEDS_RESET), "a short frame is dropped, not fatal");
    puts_("case: net: segmentation asked for but not offered\n");
    mem_zero(tx, sizeof(tx));
    tx[1] = 1; /* gso_type TCPv4 */
    descs[1] = (struct desc){(uint64_t)tx, 12 + arp_frame(tx + 12), 0, 0};
    post(1, 1);
    check(wait_used(&len), "a GSO frame is handed back");
    check(!(rd(R_STATUS) & S_NEEDS_RESET), "a GSO frame is dropped, not fatal");
    net_works();
}

int main(void)
{
    uint64_t blk = 0, net = 0;
    for (unsigned i = 0; i < VIRTIO_SLOTS; i++) {
        uint64_t base = VIRTIO_BASE + i * VIRTIO_STEP;
        dev = base;
        check(rd(R_MAGIC) == 0x74726976 && rd(R_VERSION) == 2, "virtio-mmio v2 in every slot");
        if (rd(R_DEVICE_ID) == 2)
            blk = base;
        if (rd(R_DEVICE_ID) == 1)
            net = base;
    }
    check(blk && net, "a virtio disk and a virtio NIC are attached");

    puts_("virtio-blk\n");
    dev = blk;
    blk_works();
    ring_cases(0, blk_works);
    blk_request_status("read beyond the end", 0, 1UL << 40, 512, 1);
    blk_request_status("length not a whole sector", 0, 0, 100, 1);
    blk_request_status("unknown request type", 99, 0, 512, 2);
    blk_works();

    puts_("virtio-net\n");
    dev = net;
    net_works();
    ring_cases(1, net_works);
    net_cases();

    puts_("HOSTILE-OK\n");
    poweroff(0);
}

__attribute__((section(".text.start"), naked)) void _start(void)
{
    __asm__ volatile("la sp, stack_top\n"
                     "call main\n"
                     "1: j 1b\n");
}

static uint8_t stack[16384] __attribute__((aligned(16), used));
__asm__(".globl stack_top\n.set stack_top, stack + 16384\n");
