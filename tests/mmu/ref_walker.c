/* Reference walker: see ref_walker.h. Step numbers refer to the
 * "Virtual Address Translation Process" of the privileged spec. */
#include "ref_walker.h"

#include <inttypes.h>

unsigned ref_mode_levels(unsigned satp_mode)
{
    switch (satp_mode) {
    case VM_SATP_SV39: return 3;
    case VM_SATP_SV48: return 4;
    case VM_SATP_SV57: return 5;
    default: return 0;
    }
}

uint64_t ref_make_satp(unsigned mode, uint16_t asid, uint64_t root_pa)
{
    if (mode == VM_SATP_BARE)
        return 0; /* Bare requires all other fields zero */
    return ((uint64_t)mode << SATP_MODE_SHIFT) | ((uint64_t)asid << SATP_ASID_SHIFT) |
           ((root_pa >> 12) & SATP_PPN_MASK);
}

enum vm_fault ref_page_fault(enum vm_access acc)
{
    return acc == VM_ACCESS_FETCH  ? VM_FAULT_FETCH_PAGE
           : acc == VM_ACCESS_LOAD ? VM_FAULT_LOAD_PAGE
                                   : VM_FAULT_STORE_PAGE;
}

enum vm_fault ref_access_fault(enum vm_access acc)
{
    return acc == VM_ACCESS_FETCH  ? VM_FAULT_FETCH_ACCESS
           : acc == VM_ACCESS_LOAD ? VM_FAULT_LOAD_ACCESS
                                   : VM_FAULT_STORE_ACCESS;
}

static struct ref_result fail(struct ref_result r, enum vm_fault f, uint64_t va, const char *why)
{
    r.fault = f;
    r.tval = va;
    r.pa = 0;
    r.ad_set = 0;
    r.why = why;
    return r;
}

struct ref_result ref_translate(struct vm_mem *mem, const struct ref_ctx *c, uint64_t va,
                                enum vm_access acc)
{
    struct ref_result r = {.fault = VM_FAULT_NONE, .leaf_level = -1, .why = "ok"};

    /* Loads and stores use MPP when MPRV is set; fetches never do. */
    enum vm_priv eff = c->priv;
    if (acc != VM_ACCESS_FETCH && (c->mstatus & VM_MSTATUS_MPRV))
        eff = (enum vm_priv)((c->mstatus >> VM_MSTATUS_MPP_SHIFT) & 3);
    r.eff_priv = eff;

    unsigned mode = (unsigned)(c->satp >> SATP_MODE_SHIFT);
    unsigned levels = ref_mode_levels(mode);
    if (eff == VM_PRIV_M || levels == 0) {
        r.pa = va;
        r.page_shift = 12;
        r.why = eff == VM_PRIV_M ? "M-mode: no translation" : "Bare: no translation";
        return r;
    }
    r.translated = true;
    r.levels = levels;

    /* Bits above the VA width must all equal the top bit. */
    unsigned vabits = 12 + 9 * levels;
    int64_t sext = (int64_t)(va << (64 - vabits)) >> (64 - vabits);
    if ((uint64_t)sext != va)
        return fail(r, ref_page_fault(acc), va, "non-canonical virtual address");

    /* Step 1. */
    uint64_t a = (c->satp & SATP_PPN_MASK) << 12;
    int i = (int)levels - 1;
    uint64_t pte;
    bool global = false;
    for (;;) {
        /* Step 2: the PTE must be in RAM (not a hole, not MMIO). */
        uint64_t pte_addr = a + ((va >> (12 + 9 * i)) & 0x1ff) * 8;
        r.chain_addr[r.nread] = pte_addr;
        r.chain_pte[r.nread] = 0;
        if (!vm_mem_ram_ptr(mem, pte_addr, 8)) {
            r.nread++;
            return fail(r, ref_access_fault(acc), va, "PTE address not backed by RAM");
        }
        if (vm_mem_load(mem, pte_addr, 8, &pte) != 0) {
            r.nread++;
            return fail(r, ref_access_fault(acc), va, "PTE read failed");
        }
        r.chain_pte[r.nread++] = pte;

        /* Step 3. */
        if (!(pte & PTE_V))
            return fail(r, ref_page_fault(acc), va, "V=0");
        if (!(pte & PTE_R) && (pte & PTE_W))
            return fail(r, ref_page_fault(acc), va, "reserved encoding R=0 W=1");
        if (pte & PTE_N)
            return fail(r, ref_page_fault(acc), va, "N set (Svnapot not implemented)");
        if (pte & PTE_PBMT_MASK)
            return fail(r, ref_page_fault(acc), va, "PBMT set (Svpbmt not implemented)");
        if (pte & PTE_RESERVED_MASK)
            return fail(r, ref_page_fault(acc), va, "reserved bits 60:54 set");

        /* Step 4. */
        if (pte & (PTE_R | PTE_X))
            break;
        if (pte & (PTE_A | PTE_D | PTE_U))
            return fail(r, ref_page_fault(acc), va, "non-leaf PTE with A/D/U set");
        global |= (pte & PTE_G) != 0;
        if (--i < 0)
            return fail(r, ref_page_fault(acc), va, "non-leaf PTE at level 0");
        a = ((pte >> PTE_PPN_SHIFT) & PTE_PPN_MASK) << 12;
    }

    r.leaf_level = i;
    r.leaf_addr = r.chain_addr[r.nread - 1];
    r.leaf_pte = pte;
    r.global = global || (pte & PTE_G);
    r.page_shift = 12 + 9 * (unsigned)i;

    /* Step 5: permissions. */
    bool ok;
    switch (acc) {
    case VM_ACCESS_FETCH: ok = (pte & PTE_X) != 0; break;
    case VM_ACCESS_LOAD:
        ok = (pte & PTE_R) || ((c->mstatus & VM_MSTATUS_MXR) && (pte & PTE_X));
        break;
    default: ok = (pte & PTE_W) != 0; break;
    }
    if (!ok)
        return fail(r, ref_page_fault(acc), va, "R/W/X does not allow the access");
    if (eff == VM_PRIV_U && !(pte & PTE_U))
        return fail(r, ref_page_fault(acc), va, "U-mode access to a U=0 page");
    if (eff == VM_PRIV_S && (pte & PTE_U)) {
        if (acc == VM_ACCESS_FETCH)
            return fail(r, ref_page_fault(acc), va, "S-mode fetch from a U=1 page");
        if (!(c->mstatus & VM_MSTATUS_SUM))
            return fail(r, ref_page_fault(acc), va, "S-mode access to a U=1 page with SUM=0");
    }

    /* Step 6: misaligned superpage. */
    uint64_t ppn = (pte >> PTE_PPN_SHIFT) & PTE_PPN_MASK;
    uint64_t low_mask = (1ULL << (9 * i)) - 1;
    if (i > 0 && (ppn & low_mask))
        return fail(r, ref_page_fault(acc), va, "misaligned superpage");

    /* Step 7: A/D. */
    uint64_t need = 0;
    if (!(pte & PTE_A))
        need |= PTE_A;
    if (acc == VM_ACCESS_STORE && !(pte & PTE_D))
        need |= PTE_D;
    if (need) {
        if (!c->svadu)
            return fail(r, ref_page_fault(acc), va,
                        need & PTE_D ? "Svade: store with D=0" : "Svade: A=0");
        /* Svadu sets A, and D too on a store. */
        r.ad_set = PTE_A | (acc == VM_ACCESS_STORE ? PTE_D : 0);
        r.ad_set &= ~pte;
    }

    /* Step 8. */
    uint64_t page_mask = (1ULL << r.page_shift) - 1;
    r.pa = ((ppn << 12) & ~page_mask) | (va & page_mask);
    return r;
}

const char *ref_access_name(enum vm_access acc)
{
    return acc == VM_ACCESS_FETCH ? "fetch" : acc == VM_ACCESS_LOAD ? "load" : "store";
}

const char *ref_priv_name(enum vm_priv p)
{
    return p == VM_PRIV_U ? "U" : p == VM_PRIV_S ? "S" : p == VM_PRIV_M ? "M" : "?";
}

const char *ref_mode_name(unsigned satp_mode)
{
    switch (satp_mode) {
    case VM_SATP_BARE: return "Bare";
    case VM_SATP_SV39: return "Sv39";
    case VM_SATP_SV48: return "Sv48";
    case VM_SATP_SV57: return "Sv57";
    default: return "?";
    }
}

void ref_format_pte(uint64_t pte, char *buf, size_t len)
{
    snprintf(buf, len, "0x%016" PRIx64 " [ppn=0x%" PRIx64 " %c%c%c%c%c%c%c%c%s%s%s rsw=%u]", pte,
             (pte >> PTE_PPN_SHIFT) & PTE_PPN_MASK, pte & PTE_D ? 'D' : '-',
             pte & PTE_A ? 'A' : '-', pte & PTE_G ? 'G' : '-', pte & PTE_U ? 'U' : '-',
             pte & PTE_X ? 'X' : '-', pte & PTE_W ? 'W' : '-', pte & PTE_R ? 'R' : '-',
             pte & PTE_V ? 'V' : '-', pte & PTE_N ? " N" : "", pte & PTE_PBMT_MASK ? " PBMT" : "",
             pte & PTE_RESERVED_MASK ? " RSVD" : "", (unsigned)((pte >> PTE_RSW_SHIFT) & 3));
}

void ref_print_result(FILE *f, const char *label, const struct ref_result *r)
{
    fprintf(f, "  %s: fault=%d tval=0x%" PRIx64 " pa=0x%" PRIx64 " page_shift=%u global=%d (%s)\n",
            label, (int)r->fault, r->tval, r->pa, r->page_shift, (int)r->global, r->why);
    for (unsigned k = 0; k < r->nread; k++) {
        char buf[128];
        /* The walker stops before reading a PTE that is not in RAM. */
        bool unbacked = k + 1 == r->nread && (r->fault == VM_FAULT_FETCH_ACCESS ||
                                              r->fault == VM_FAULT_LOAD_ACCESS ||
                                              r->fault == VM_FAULT_STORE_ACCESS);
        if (unbacked)
            snprintf(buf, sizeof(buf), "(not in RAM: not read)");
        else
            ref_format_pte(r->chain_pte[k], buf, sizeof(buf));
        fprintf(f, "    level %u PTE @0x%" PRIx64 " = %s\n", r->levels - 1 - k, r->chain_addr[k],
                buf);
    }
    if (r->ad_set)
        fprintf(f, "    access sets%s%s\n", r->ad_set & PTE_A ? " A" : "",
                r->ad_set & PTE_D ? " D" : "");
}
