/* Every vCPU reports its APIC ID (CPUID.1:EBX[31:24]) after checking the
 * hypervisor bit, the logical-processor count and the x2APIC ID of leaf
 * 0xB that the VMM normalised. */
#include "guest.h"

int main(void)
{
    uint32_t a, b, c, d;
    cpuid(1, &a, &b, &c, &d);
    uint32_t apic = b >> 24;
    if (!(c & (1u << 31)))
        return 1; /* hypervisor bit */
    if (((b >> 16) & 0xff) != 2)
        return 2; /* two logical processors per package */
    cpuid(0, &a, &b, &c, &d);
    if (a >= 0xb) {
        cpuid(0xb, &a, &b, &c, &d);
        if (d != apic)
            return 3;
    }
    outl(REPORT_PORT, apic);
    return 0;
}
