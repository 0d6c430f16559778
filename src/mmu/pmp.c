/* Physical memory protection (privileged spec 1.12, 3.7): the hart's PMP
 * registers with their WARL and lock rules, and the checks the miss path,
 * the L1 fill and the page-table walker make. Nothing here runs on the L1
 * hit path: an L1 entry exists only for a page the PMP allows throughout.
 * Granularity 4 bytes (G = 0), as QEMU, so NA4 is selectable. */
#include "mmu/mmu_internal.h"

#define PMP_A_SHIFT 3
#define PMP_A_OFF 0
#define PMP_A_TOR 1
#define PMP_A_NA4 2
#define PMP_A_NAPOT 3
#define PMP_CFG_WRITABLE (PMP_R | PMP_W | PMP_X | (3u << PMP_A_SHIFT) | PMP_L)
#define PMP_ADDR_MASK ((1ULL << 54) - 1) /* pmpaddr holds bits 55:2 */

static unsigned a_field(uint8_t cfg)
{
    return (cfg >> PMP_A_SHIFT) & 3;
}

/* Rebuild the list of active regions (priority order) after a write. */
static void pmp_rebuild(struct pmp *p)
{
    p->nact = 0;
    p->m_checked = false;
    for (unsigned i = 0; i < p->count; i++) {
        uint8_t cfg = p->cfg[i];
        uint64_t a = p->addr[i], lo, hi;
        switch (a_field(cfg)) {
        case PMP_A_TOR:
            lo = i ? p->addr[i - 1] << 2 : 0;
            hi = a << 2;
            break;
        case PMP_A_NA4:
            lo = a << 2;
            hi = lo + 4;
            break;
        case PMP_A_NAPOT: {
            unsigned t = (unsigned)__builtin_ctzll(~a); /* trailing ones: size 2^(t+3) */
            lo = (a & ~((2ULL << t) - 1)) << 2;
            hi = lo + (1ULL << (t + 3));
            break;
        }
        default:
            continue; /* OFF */
        }
        if (lo >= hi)
            continue; /* an empty TOR range matches nothing */
        p->act[p->nact++] = (struct pmp_region){
            .lo = lo, .hi = hi, .perm = (uint8_t)(cfg & (PMP_RWX | PMP_L))};
        if (cfg & PMP_L)
            p->m_checked = true;
    }
}

unsigned pmp_perms(const struct pmp *p, uint64_t lo, uint64_t len, enum vm_priv priv)
{
    uint64_t end = lo + len;
    for (unsigned i = 0; i < p->nact; i++) {
        const struct pmp_region *r = &p->act[i];
        if (r->hi <= lo || r->lo >= end)
            continue;
        if (r->lo <= lo && end <= r->hi) /* matches every byte */
            return priv == VM_PRIV_M && !(r->perm & PMP_L) ? PMP_RWX : r->perm & PMP_RWX;
        return PMP_MIXED; /* the highest-priority match covers only part */
    }
    return priv == VM_PRIV_M ? PMP_RWX : 0; /* no match: only M-mode succeeds */
}

/* Locked entries and the address below a locked TOR entry ignore writes. */
static bool addr_locked(const struct pmp *p, unsigned i)
{
    if (p->cfg[i] & PMP_L)
        return true;
    return i + 1 < p->count && (p->cfg[i + 1] & PMP_L) && a_field(p->cfg[i + 1]) == PMP_A_TOR;
}

/* A change of permissions: this hart's cached PMP decisions (L1) and the
 * page-table reads it checked (walk cache) go; L2/L3 hold translations
 * only and are checked again when used. */
static void pmp_changed(struct vm_mmu_hart *h)
{
    pmp_rebuild(&h->pmp);
    l1_flush(h, false, 0, false, 0);
    ptc_flush(&h->ptc);
}

int vm_mmu_pmp_set_count(struct vm_mmu_hart *h, unsigned entries)
{
    if (entries != 0 && entries != 16 && entries != 64)
        return -1;
    h->pmp.count = entries;
    vm_mmu_pmp_reset(h);
    return 0;
}

unsigned vm_mmu_pmp_count(const struct vm_mmu_hart *h)
{
    return h->pmp.count;
}

void vm_mmu_pmp_reset(struct vm_mmu_hart *h)
{
    memset(h->pmp.cfg, 0, sizeof(h->pmp.cfg));
    memset(h->pmp.addr, 0, sizeof(h->pmp.addr));
    pmp_changed(h);
}

uint64_t vm_mmu_pmp_read_cfg(const struct vm_mmu_hart *h, unsigned first, unsigned n)
{
    uint64_t v = 0;
    for (unsigned k = 0; k < n && k < 8; k++)
        if (first + k < h->pmp.count)
            v |= (uint64_t)h->pmp.cfg[first + k] << (8 * k);
    return v;
}

void vm_mmu_pmp_write_cfg(struct vm_mmu_hart *h, unsigned first, unsigned n, uint64_t packed)
{
    struct pmp *p = &h->pmp;
    bool changed = false;
    for (unsigned k = 0; k < n && k < 8; k++) {
        unsigned i = first + k;
        if (i >= p->count || (p->cfg[i] & PMP_L))
            continue;
        uint8_t v = (uint8_t)(packed >> (8 * k)) & PMP_CFG_WRITABLE;
        if ((v & PMP_W) && !(v & PMP_R))
            continue; /* R=0 W=1 is reserved: the write is ignored (WARL) */
        changed |= p->cfg[i] != v;
        p->cfg[i] = v;
    }
    if (changed)
        pmp_changed(h);
}

uint64_t vm_mmu_pmp_read_addr(const struct vm_mmu_hart *h, unsigned i)
{
    return i < h->pmp.count ? h->pmp.addr[i] : 0;
}

void vm_mmu_pmp_write_addr(struct vm_mmu_hart *h, unsigned i, uint64_t value)
{
    struct pmp *p = &h->pmp;
    if (i >= p->count || addr_locked(p, i))
        return;
    value &= PMP_ADDR_MASK;
    if (p->addr[i] == value)
        return;
    p->addr[i] = value;
    pmp_changed(h);
}
