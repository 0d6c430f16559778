/* vm-user: `vm user` as a program of its own, for binfmt_misc
 * (scripts/vm-binfmt.sh). The kernel runs it as
 *     vm-user PATH [ARGS...]            (PATH replaced the program's argv[0])
 *     vm-user PATH ARGV0 [ARGS...]      (flag P: AT_FLAGS bit 0 says so)
 * It is linked statically when the host's libraries allow (VM_USER_STATIC),
 * so that it runs inside a foreign chroot with no x86-64 loader. execve of a
 * riscv64 program re-runs it as `vm-user user [OPTIONS] PROG ...`. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

#include "cli.h"

#define AT_FLAGS_PRESERVE_ARGV0 1

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "user")) /* vm's own re-execution */
        return vm_cli_cmd_user(argc - 2, argv + 2);
    unsigned long execfd = getauxval(AT_EXECFD); /* flag O or C: the program, open */
    if (execfd > 2)
        close((int)execfd); /* read by path instead; not the guest's descriptor */
    bool p_flag = argc > 2 && (getauxval(AT_FLAGS) & AT_FLAGS_PRESERVE_ARGV0);
    char **nv = malloc(sizeof(char *) * (size_t)(argc + 4));
    if (!nv)
        return 1;
    int k = 0, i = 1;
    if (p_flag) { /* PATH ARGV0 ARGS... -> -0 ARGV0 -- PATH ARGS... */
        nv[k++] = "-0";
        nv[k++] = argv[2];
    }
    nv[k++] = "--"; /* the program's own options are never vm's */
    if (i < argc)
        nv[k++] = argv[i++];
    if (p_flag)
        i++;
    while (i < argc)
        nv[k++] = argv[i++];
    nv[k] = NULL;
    int rc = vm_cli_cmd_user(k, nv);
    free(nv);
    return rc;
}
