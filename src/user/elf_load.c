/* Loading a riscv64 Linux program as the kernel's binfmt_elf does: its
 * PT_LOAD segments at their addresses (a PIE at a base of our choice), and
 * for a dynamically linked one the interpreter named by PT_INTERP (looked
 * up under -L), which then starts first. */
#include <stdio.h>
#include <string.h>

#include "core/populate.h"
#include "user/user_internal.h"
#include "vm/elf.h"
#include "vm/error.h"

static int seg_prot(uint32_t flags)
{
    return (flags & 4 ? USER_PROT_R : 0) | (flags & 2 ? USER_PROT_W : 0) |
           (flags & 1 ? USER_PROT_X : 0);
}

/* Map and fill every PT_LOAD of elf at bias (0: where linked; for a PIC
 * image, chosen here near hint or top-down). Returns 0 and *bias_out. */
static int load_image(struct user_proc *p, struct vm_elf *elf, const char *path, uint64_t hint,
                      uint64_t *bias_out, uint64_t *end_out)
{
    struct user_as *as = &p->as;
    unsigned n = vm_elf_load_count(elf);
    uint64_t lo = ~0ULL, hi = 0;
    for (unsigned i = 0; i < n; i++) {
        const struct vm_elf_segment *s = vm_elf_load_segment(elf, i);
        if (s->memsz == 0)
            continue;
        if (s->vaddr < lo)
            lo = s->vaddr;
        if (s->vaddr + s->memsz > hi)
            hi = s->vaddr + s->memsz;
        if (i && s->vaddr < vm_elf_load_segment(elf, i - 1)->vaddr)
            return vm_error(VM_EFORMAT, "'%s': PT_LOAD segments out of order", path);
    }
    if (hi == 0)
        return vm_error(VM_EFORMAT, "'%s': no PT_LOAD segment has memory", path);
    lo = USER_ALIGN_DOWN(lo);
    hi = USER_ALIGN_UP(hi);
    uint64_t bias = 0;
    if (vm_elf_is_pic(elf)) {
        uint64_t at = user_as_find_free(as, hint, hi - lo);
        if (!at)
            return vm_error(VM_ENOMEM, "'%s': no room for %llu bytes", path,
                            (unsigned long long)(hi - lo));
        bias = at - lo;
    } else if (!user_g2h(as, lo, hi - lo) || lo < 0x10000) {
        return vm_error(VM_EFORMAT, "'%s': linked at [0x%llx-0x%llx), outside the %llu GiB "
                        "user address space", path, (unsigned long long)lo,
                        (unsigned long long)hi, (unsigned long long)(as->size >> 30));
    }
    /* Fill writable, then give each page its segment's rights (a page two
     * segments share gets both). */
    uint64_t mapped = 0;
    for (unsigned i = 0; i < n; i++) {
        const struct vm_elf_segment *s = vm_elf_load_segment(elf, i);
        if (s->memsz == 0)
            continue;
        uint64_t a = USER_ALIGN_DOWN(s->vaddr + bias), b = USER_ALIGN_UP(s->vaddr + bias + s->memsz);
        if (a < mapped)
            a = mapped;
        if (a < b) {
            int rc = user_as_map(as, a, b - a, USER_PROT_R | USER_PROT_W, false, -1, 0, path);
            if (rc < 0)
                return vm_error(VM_ENOMEM, "'%s': cannot map segment %u: %s", path, i,
                                strerror(-rc));
            mapped = b;
        }
        void *dst = user_g2h(as, s->vaddr + bias, s->filesz);
        vm_populate(dst, s->filesz); /* fresh pages, all written now */
        memcpy(dst, vm_elf_segment_data(elf, i), s->filesz);
    }
    uint64_t prev_end = 0;
    int prev_prot = 0;
    for (unsigned i = 0; i < n; i++) {
        const struct vm_elf_segment *s = vm_elf_load_segment(elf, i);
        if (s->memsz == 0)
            continue;
        uint64_t a = USER_ALIGN_DOWN(s->vaddr + bias), b = USER_ALIGN_UP(s->vaddr + bias + s->memsz);
        int prot = seg_prot(s->flags);
        if (a < prev_end) { /* shared with the previous segment */
            user_as_protect(as, a, USER_PAGE, prot | prev_prot);
            a += USER_PAGE;
        }
        if (a < b)
            user_as_protect(as, a, b - a, prot);
        prev_end = b;
        prev_prot = prot;
    }
    *bias_out = bias;
    *end_out = hi + bias;
    return 0;
}

static int open_riscv(const char *path, struct vm_elf **out)
{
    int rc = vm_elf_open(path, out);
    if (rc == 0 && (rc = vm_elf_check_machine(*out, VM_ELF_EM_RISCV)) < 0)
        vm_elf_close(*out);
    return rc;
}

int user_load_elf(struct user_proc *p, const char *path, struct user_image *img)
{
    struct vm_elf *elf, *interp = NULL;
    int rc = open_riscv(path, &elf);
    if (rc < 0)
        return rc;
    memset(img, 0, sizeof(*img));
    uint64_t bias, end;
    /* A PIE goes at two thirds of the space, as Linux's ELF_ET_DYN_BASE. */
    uint64_t pie_base = (p->as.size / 3 * 2) & ~((1ULL << 21) - 1);
    rc = load_image(p, elf, path, pie_base, &bias, &end);
    if (rc == 0) {
        img->prog_entry = vm_elf_entry(elf) + bias;
        img->entry = img->prog_entry;
        img->phdr = vm_elf_phdr_vaddr(elf) ? vm_elf_phdr_vaddr(elf) + bias : 0;
        img->phent = 56;
        img->phnum = vm_elf_phnum(elf);
        img->brk = end;
    }
    const char *ipath = rc == 0 ? vm_elf_interp(elf) : NULL;
    if (ipath) {
        char buf[4096];
        const char *host = user_path(p, ipath, buf, sizeof(buf));
        rc = open_riscv(host, &interp);
        if (rc < 0)
            rc = vm_error(VM_ENOENT, "'%s': its interpreter %s: %s%s", path, host,
                          vm_error_message(), p->cfg->sysroot ? "" : " (-L SYSROOT?)");
        if (rc == 0 && !vm_elf_is_pic(interp))
            rc = vm_error(VM_EFORMAT, "interpreter '%s' is not position-independent", host);
        uint64_t ibias, iend;
        if (rc == 0 && (rc = load_image(p, interp, host, 0, &ibias, &iend)) == 0) {
            img->interp_base = ibias;
            img->entry = vm_elf_entry(interp) + ibias;
        }
        if (interp)
            vm_elf_close(interp);
    }
    vm_elf_close(elf);
    return rc;
}
