/* MP tables (Intel MP spec 1.4, chapter 4): a floating pointer followed
 * by the configuration table: processors, the ISA bus, the IOAPIC, ISA
 * IRQs 0-15 on IOAPIC pins 0-15, and the local APICs' LINT0 (ExtINT from
 * the 8259) and LINT1 (NMI). */
#include "boards/x86-microvm/mptable.h"

#include <string.h>

#include "boards/x86-microvm/microvm_layout.h"
#include "vm/error.h"

#define MP_SPEC_REV 4
#define LAPIC_VERSION 0x14
#define IOAPIC_VERSION 0x11
#define ISA_IRQS 16
#define CPU_ENABLED 1
#define CPU_BSP 2
#define CPU_SIGNATURE 0x600  /* family 6 */
#define CPU_FEATURES 0x201   /* FPU, APIC */
enum { MP_PROCESSOR = 0, MP_BUS = 1, MP_IOAPIC = 2, MP_INTSRC = 3, MP_LINTSRC = 4 };
enum { MP_INT = 0, MP_NMI = 1, MP_EXTINT = 3 };

struct table {
    uint8_t buf[1024];
    size_t len;
    unsigned entries;
};

static void put(struct table *t, unsigned size, uint64_t v)
{
    vm_st_le(t->buf + t->len, size, v);
    t->len += size;
}

static void put_bytes(struct table *t, const char *s, size_t n)
{
    memcpy(t->buf + t->len, s, n);
    t->len += n;
}

static uint8_t checksum(const uint8_t *p, size_t n)
{
    uint8_t sum = 0;
    for (size_t i = 0; i < n; i++)
        sum = (uint8_t)(sum + p[i]);
    return (uint8_t)-sum;
}

int microvm_mptable_write(struct vm_mem *mem, unsigned nr_cpus)
{
    if (nr_cpus == 0 || nr_cpus > MPTABLE_MAX_CPUS)
        return vm_error(VM_EINVAL, "MP table: %u CPUs (1-%d)", nr_cpus, MPTABLE_MAX_CPUS);
    struct table t;
    memset(&t, 0, sizeof(t));
    uint64_t base = MICROVM_MPTABLE_ADDR;
    const unsigned ioapic_id = nr_cpus; /* after the local APIC IDs */

    /* floating pointer (16 bytes) */
    put_bytes(&t, "_MP_", 4);
    put(&t, 4, base + 16); /* configuration table right after it */
    put(&t, 1, 1);         /* length in 16-byte units */
    put(&t, 1, MP_SPEC_REV);
    put(&t, 1, 0);         /* checksum, below */
    put(&t, 1, 0);         /* feature 1: 0 = configuration table present */
    put(&t, 4, 0);         /* features 2-5 */
    t.buf[10] = checksum(t.buf, 16);

    /* configuration table header (44 bytes); length, count, checksum later */
    size_t hdr = t.len;
    put_bytes(&t, "PCMP", 4);
    put(&t, 2, 0);
    put(&t, 1, MP_SPEC_REV);
    put(&t, 1, 0);
    put_bytes(&t, "VM      ", 8);
    put_bytes(&t, "MICROVM     ", 12);
    put(&t, 4, 0); /* OEM table */
    put(&t, 2, 0);
    put(&t, 2, 0); /* entry count */
    put(&t, 4, MICROVM_LAPIC_ADDR);
    put(&t, 2, 0); /* extended table */
    put(&t, 1, 0);
    put(&t, 1, 0);

    for (unsigned cpu = 0; cpu < nr_cpus; cpu++) { /* 20 bytes each */
        put(&t, 1, MP_PROCESSOR);
        put(&t, 1, cpu);
        put(&t, 1, LAPIC_VERSION);
        put(&t, 1, CPU_ENABLED | (cpu == 0 ? CPU_BSP : 0));
        put(&t, 4, CPU_SIGNATURE);
        put(&t, 4, CPU_FEATURES);
        put(&t, 8, 0);
        t.entries++;
    }
    put(&t, 1, MP_BUS); /* bus 0: ISA */
    put(&t, 1, 0);
    put_bytes(&t, "ISA   ", 6);
    t.entries++;
    put(&t, 1, MP_IOAPIC);
    put(&t, 1, ioapic_id);
    put(&t, 1, IOAPIC_VERSION);
    put(&t, 1, 1); /* enabled */
    put(&t, 4, MICROVM_IOAPIC_ADDR);
    t.entries++;
    for (unsigned irq = 0; irq < ISA_IRQS; irq++) {
        put(&t, 1, MP_INTSRC);
        put(&t, 1, MP_INT);
        put(&t, 2, 0); /* polarity and trigger: as the bus says (ISA: high, edge) */
        put(&t, 1, 0); /* source bus */
        put(&t, 1, irq);
        put(&t, 1, ioapic_id);
        put(&t, 1, irq); /* IOAPIC pin */
        t.entries++;
    }
    static const uint8_t lint_type[2] = {MP_EXTINT, MP_NMI};
    for (unsigned lint = 0; lint < 2; lint++) {
        put(&t, 1, MP_LINTSRC);
        put(&t, 1, lint_type[lint]);
        put(&t, 2, 0);
        put(&t, 1, 0);
        put(&t, 1, 0);
        put(&t, 1, 0xff); /* every local APIC */
        put(&t, 1, lint);
        t.entries++;
    }
    vm_st_le(t.buf + hdr + 4, 2, t.len - hdr);
    vm_st_le(t.buf + hdr + 34, 2, t.entries);
    t.buf[hdr + 7] = checksum(t.buf + hdr, t.len - hdr);

    uint64_t fail;
    if (vm_mem_write(mem, base, t.buf, t.len, &fail) < 0)
        return vm_error(VM_EFAULT, "MP table at 0x%llx: not RAM", (unsigned long long)base);
    return 0;
}
