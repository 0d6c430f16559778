/* Spins until the host kicks the vCPU out of KVM_RUN. */
#include "guest.h"

int main(void)
{
    for (;;)
        __asm__ volatile("pause");
}
