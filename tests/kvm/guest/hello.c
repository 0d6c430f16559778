/* Prints through COM1 and halts (HLT with no irqchip: a HLT exit). */
#include "guest.h"

int main(void)
{
    serial_puts("hello from the kvm guest\n");
    for (;;)
        __asm__ volatile("cli; hlt");
}
