/* The program the gdb-multiarch sessions debug (tests/gdb/*.gdb): a few
 * calls to step through and a global to watch. Built -O0 -g so that every
 * line and variable is where the debugger looks for it. */
#include <stdint.h>

volatile uint64_t counter;       /* watched */
volatile uint64_t secondary_ticks; /* the other harts' progress (virt -smp 2) */

uint64_t add(uint64_t a, uint64_t b)
{
    uint64_t sum = a + b;
    return sum;
}

static uint64_t work(unsigned rounds)
{
    uint64_t total = 0;
    for (unsigned i = 0; i < rounds; i++) {
        total = add(total, i);
        counter = counter + 1;
    }
    return total;
}

void secondary_loop(void)
{
    for (;;)
        secondary_ticks = secondary_ticks + 1;
}

int main(void)
{
    uint64_t t = work(5);
    return t == 10 ? 0 : 1;
}
