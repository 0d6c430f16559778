/* Zkr: the seed CSR, an entropy source. Every read returns ES16 with 16
 * bits from the host's getrandom (buffered per hart: guests read it in
 * bursts at boot); the spec's access rules are in csr.c. */
#include <sys/random.h>

#include "riscv/hart.h"

#define SEED_ES16 (2ULL << 30) /* OPST = ES16: bits 15:0 hold entropy */
#define SEED_DEAD (3ULL << 30) /* OPST = DEAD: no entropy, ever */

uint64_t rv_seed_read(struct rv_hart *h)
{
    if (h->seed_pos >= sizeof(h->seed_buf)) {
        ssize_t n = getrandom(h->seed_buf, sizeof(h->seed_buf), 0);
        if (n != (ssize_t)sizeof(h->seed_buf))
            return SEED_DEAD; /* the host has none to give: say so, never fake it */
        h->seed_pos = 0;
    }
    uint16_t bits = (uint16_t)(h->seed_buf[h->seed_pos] | h->seed_buf[h->seed_pos + 1] << 8);
    h->seed_pos += 2;
    h->used.seed++;
    return SEED_ES16 | bits;
}
