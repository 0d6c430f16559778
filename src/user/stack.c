/* The initial stack of a Linux process, as the kernel's create_elf_tables
 * lays it out and the RISC-V psABI reads it: sp -> argc, argv[], NULL,
 * envp[], NULL, auxv pairs, AT_NULL; the strings and AT_RANDOM's 16 bytes
 * above; sp 16-byte aligned. */
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "user/user_internal.h"
#include "vm/error.h"

#define STACK_SIZE (8ULL << 20) /* RLIMIT_STACK's usual 8 MiB, mapped at once */

enum {
    AT_NULL = 0, AT_PHDR = 3, AT_PHENT = 4, AT_PHNUM = 5, AT_PAGESZ = 6, AT_BASE = 7,
    AT_FLAGS = 8, AT_ENTRY = 9, AT_UID = 11, AT_EUID = 12, AT_GID = 13, AT_EGID = 14,
    AT_HWCAP = 16, AT_CLKTCK = 17, AT_SECURE = 23, AT_RANDOM = 25, AT_HWCAP2 = 26,
    AT_EXECFN = 31,
};

/* misa's letters the hart always has (RV64GC): I M A F D C, as Linux's
 * AT_HWCAP (one bit per letter, 'a' = bit 0). */
#define HWCAP_RV64GC ((1u << ('i' - 'a')) | (1u << ('m' - 'a')) | (1u << ('a' - 'a')) | \
                      (1u << ('f' - 'a')) | (1u << ('d' - 'a')) | (1u << ('c' - 'a')))

static uint64_t push_str(struct user_as *as, uint64_t *sp, const char *s)
{
    size_t n = strlen(s) + 1;
    *sp -= n;
    memcpy(user_g2h(as, *sp, n), s, n);
    return *sp;
}

uint64_t user_setup_stack(struct user_proc *p, const struct user_image *img,
                          char *const *argv, char *const *envp, const char *execfn)
{
    struct user_as *as = &p->as;
    uint64_t top = as->size - 16 * USER_PAGE, base = top - STACK_SIZE;
    int rc = user_as_map(as, base, STACK_SIZE, USER_PROT_R | USER_PROT_W, false, -1, 0,
                         "[stack]");
    if (rc < 0) {
        vm_error(VM_ENOMEM, "user: cannot map the stack");
        return 0;
    }
    size_t argc = 0, envc = 0, strings = strlen(execfn) + 1 + 16;
    while (argv[argc])
        strings += strlen(argv[argc++]) + 1;
    while (envp[envc])
        strings += strlen(envp[envc++]) + 1;
    if (strings + (argc + envc + 64) * 8 > STACK_SIZE / 4) {
        vm_error(VM_EINVAL, "user: arguments and environment are too large");
        return 0;
    }
    uint64_t sp = top;
    uint64_t fn = push_str(as, &sp, execfn);
    uint64_t *env_at = calloc(envc + argc + 2, 8), *arg_at = env_at + envc + 1;
    if (!env_at) {
        vm_error(VM_ENOMEM, "user: out of memory");
        return 0;
    }
    for (size_t i = envc; i-- > 0;)
        env_at[i] = push_str(as, &sp, envp[i]);
    for (size_t i = argc; i-- > 0;)
        arg_at[i] = push_str(as, &sp, argv[i]);
    sp &= ~15ULL;
    sp -= 16;
    uint64_t random_at = sp;
    uint8_t rnd[16];
    if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd))
        memset(rnd, 0x5a, sizeof(rnd));
    memcpy(user_g2h(as, sp, 16), rnd, 16);

    uint64_t aux[][2] = {
        {AT_PHDR, img->phdr},     {AT_PHENT, img->phent},   {AT_PHNUM, img->phnum},
        {AT_PAGESZ, USER_PAGE},   {AT_BASE, img->interp_base}, {AT_FLAGS, 0},
        {AT_ENTRY, img->prog_entry}, {AT_UID, getuid()},    {AT_EUID, geteuid()},
        {AT_GID, getgid()},       {AT_EGID, getegid()},     {AT_HWCAP, HWCAP_RV64GC},
        {AT_HWCAP2, 0},           {AT_CLKTCK, (uint64_t)sysconf(_SC_CLK_TCK)},
        {AT_SECURE, 0},           {AT_RANDOM, random_at},   {AT_EXECFN, fn},
        {AT_NULL, 0},
    };
    size_t naux = sizeof(aux) / sizeof(aux[0]);
    size_t words = 1 + argc + 1 + envc + 1 + 2 * naux;
    sp = (sp - words * 8) & ~15ULL;
    uint64_t *w = user_g2h(as, sp, words * 8), k = 0;
    w[k++] = argc;
    for (size_t i = 0; i < argc; i++)
        w[k++] = arg_at[i];
    w[k++] = 0;
    for (size_t i = 0; i < envc; i++)
        w[k++] = env_at[i];
    w[k++] = 0;
    p->auxv_addr = sp + k * 8;
    p->auxv_len = naux * 16;
    for (size_t i = 0; i < naux; i++) {
        w[k++] = aux[i][0];
        w[k++] = aux[i][1];
    }
    free(env_at);
    return sp;
}
