/* A riscv64 program that enters a chroot and runs riscv64 programs from
 * there, as dpkg does in the root file system mmdebstrap builds: vm's own
 * path is not in the chroot (chroot.sh). Run as `chroot.elf DIR`; DIR holds
 * a copy of this program as /prog, /marker and /script ("#!/prog child"). */
#define _GNU_SOURCE
#include <errno.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

static void run(const char *path, char *const argv[])
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        execv(path, argv);
        printf("exec %s: errno %d\n", path, errno);
        _exit(127);
    }
    int st;
    CHECK(waitpid(pid, &st, 0) == pid);
    printf("%s: exit %d\n", path, WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st));
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 7);
}

int main(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "child")) {
        printf("child: argv0 %s argc %d in the chroot %d\n", argv[0], argc, access("/marker", F_OK) == 0);
        return 7;
    }
    if (argc != 2) {
        printf("usage: chroot.elf DIR\n");
        return 2;
    }
    CHECK(chroot(argv[1]) == 0 && chdir("/") == 0);
    printf("chroot: marker %d\n", access("/marker", F_OK) == 0);
    run("/prog", (char *[]){"renamed0", "child", NULL});
    run("/script", (char *[]){"script", NULL});
    errno = 0;
    printf("chroot missing: %d errno %d\n", chroot("/nonexistent"), errno);
    return check_done();
}
