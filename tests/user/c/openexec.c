/* openat2 (struct open_how: its size checked as Linux does, E2BIG and
 * EINVAL; RESOLVE_* flags reach the host kernel with the path) and
 * execveat (AT_EMPTY_PATH on a descriptor, glibc's fexecve; a path
 * relative to a directory descriptor; AT_SYMLINK_NOFOLLOW; bad flags): the
 * program runs itself again, which must go through vm again (under vm the
 * new image's /proc/self/maps has vm's [sigpage]). qemu-riscv64 7.2 has
 * neither call (ENOSYS): outside vm the parts that need them are skipped
 * (said on stderr, which is not compared); under vm every check runs
 * against what Linux does. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

extern char **environ;

static long openat2_(int dirfd, const char *path, void *how, size_t size)
{
    return syscall(SYS_openat2, dirfd, path, how, size);
}

/* Whether the emulator has the call (a probe that fails either way). */
static int missing(const char *name, long r)
{
    if (r == -1 && errno == ENOSYS && !under_vm()) {
        fprintf(stderr, "no %s here (qemu-riscv64 7.2 lacks it): skipped\n", name);
        return 1;
    }
    return 0;
}

static void test_openat2(const char *dir)
{
    if (missing("openat2", openat2_(AT_FDCWD, "/", NULL, 0)))
        return;
    int d = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    CHECK(d >= 0);
    char name[64];
    snprintf(name, sizeof(name), "openat2-%d", (int)getpid());
    struct open_how how = {.flags = O_CREAT | O_RDWR | O_CLOEXEC, .mode = 0640};
    int fd = (int)openat2_(d, name, &how, sizeof(how));
    CHECK(fd >= 0);
    struct stat st;
    CHECK(fstat(fd, &st) == 0 && (st.st_mode & 0777) == 0640 && st.st_size == 0);
    CHECK(fcntl(fd, F_GETFD) == FD_CLOEXEC);
    CHECK(write(fd, "x", 1) == 1);
    close(fd);
    /* a bigger struct: zeroes past the known fields are fine, anything else E2BIG */
    struct { struct open_how h; uint64_t more[3]; } big = {{.flags = O_RDONLY}, {0, 0, 0}};
    fd = (int)openat2_(d, name, &big, sizeof(big));
    CHECK(fd >= 0);
    close(fd);
    big.more[2] = 1;
    CHECK(openat2_(d, name, &big, sizeof(big)) == -1 && errno == E2BIG);
    CHECK(openat2_(d, name, &how, 16) == -1 && errno == EINVAL);      /* smaller than VER0 */
    CHECK(openat2_(d, name, &how, 8192) == -1 && errno == E2BIG);     /* more than a page */
    CHECK(openat2_(d, name, NULL, sizeof(how)) == -1 && errno == EFAULT);
    /* the host kernel checks flags and mode */
    how = (struct open_how){.flags = O_RDONLY, .mode = 0600};         /* mode without O_CREAT */
    CHECK(openat2_(d, name, &how, sizeof(how)) == -1 && errno == EINVAL);
    how = (struct open_how){.flags = O_RDONLY, .resolve = 1ULL << 40};
    CHECK(openat2_(d, name, &how, sizeof(how)) == -1 && errno == EINVAL);
    /* RESOLVE_BENEATH: no way out of the directory; RESOLVE_NO_SYMLINKS */
    how = (struct open_how){.flags = O_RDONLY, .resolve = RESOLVE_BENEATH};
    fd = (int)openat2_(d, name, &how, sizeof(how));
    CHECK(fd >= 0);
    close(fd);
    CHECK(openat2_(d, "../", &how, sizeof(how)) == -1 && errno == EXDEV);
    CHECK(openat2_(d, "/", &how, sizeof(how)) == -1 && errno == EXDEV);
    char link[80];
    snprintf(link, sizeof(link), "%s.lnk", name);
    CHECK(symlinkat(name, d, link) == 0);
    how = (struct open_how){.flags = O_RDONLY, .resolve = RESOLVE_NO_SYMLINKS};
    CHECK(openat2_(d, link, &how, sizeof(how)) == -1 && errno == ELOOP);
    how.resolve = 0;
    fd = (int)openat2_(d, link, &how, sizeof(how));
    CHECK(fd >= 0);
    close(fd);
    CHECK(unlinkat(d, link, 0) == 0 && unlinkat(d, name, 0) == 0);
    close(d);
    fprintf(stderr, "openat2: %s\n", check_failures ? "wrong" : "as Linux");
}

/* Runs execveat in a child: its exit status (the new image's), or 200 + errno. */
static int run(int dirfd, const char *path, int flags, const char *what)
{
    int pfd[2];
    CHECK(pipe2(pfd, O_CLOEXEC) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        char *argv[] = {"self", "child", (char *)what, NULL};
        dup2(pfd[1], 1);
        syscall(SYS_execveat, dirfd, path, argv, environ, flags);
        _exit(200 + errno);
    }
    close(pfd[1]);
    char out[256] = "";
    ssize_t n = read(pfd[0], out, sizeof(out) - 1);
    out[n > 0 ? n : 0] = '\0';
    close(pfd[0]);
    int st = 0;
    CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st));
    if (WEXITSTATUS(st) == 7)
        fprintf(stderr, "execveat %s: %s", what, out);
    return WEXITSTATUS(st);
}

static void test_execveat(const char *self, const char *dir, const char *base)
{
    int d = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int f = open(self, O_RDONLY | O_CLOEXEC);
    CHECK(d >= 0 && f >= 0);
    if (missing("execveat", syscall(SYS_execveat, -1, "", NULL, NULL, 0x8000)))
        return; /* (and qemu's exec of a riscv64 program would need a binfmt handler) */
    /* glibc's fexecve is execveat(fd, "", AT_EMPTY_PATH) */
    pid_t pid = fork();
    if (pid == 0) {
        char *argv[] = {"self", "child", "fexecve", NULL};
        dup2(2, 1); /* what the new image prints: not compared */
        fexecve(f, argv, environ);
        _exit(200 + errno);
    }
    int st = 0;
    CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 7);
    CHECK(run(d, base, 0, "relative") == 7);
    /* a memfd (close-on-exec, no path leads to it): the new vm must still open it */
    int m = memfd_create("openexec", MFD_CLOEXEC);
    struct stat fst;
    CHECK(m >= 0 && fstat(f, &fst) == 0);
    off_t off = 0;
    CHECK(sendfile(m, f, &off, (size_t)fst.st_size) == fst.st_size);
    CHECK(run(m, "", AT_EMPTY_PATH, "memfd") == 7);
    close(m);
    CHECK(run(f, "", AT_EMPTY_PATH, "empty-path") == 7);
    CHECK(run(AT_FDCWD, self, 0, "absolute") == 7);
    int pd = open(dir, O_PATH | O_DIRECTORY);
    CHECK(pd >= 0 && run(pd, base, 0, "o-path") == 7);
    close(pd);
    /* errors */
    CHECK(run(f, "", 0, "no-flag") == 200 + ENOENT);
    CHECK(run(d, base, 0x8000, "bad-flags") == 200 + EINVAL);
    CHECK(run(f, base, 0, "not-a-dir") == 200 + ENOTDIR);
    CHECK(run(-1, base, 0, "bad-fd") == 200 + EBADF);
    CHECK(run(d, "no-such-program", 0, "missing") == 200 + ENOENT);
    char link[128];
    snprintf(link, sizeof(link), "/tmp/vm-openexec-%d.lnk", (int)getpid());
    CHECK(symlink(self, link) == 0);
    CHECK(run(AT_FDCWD, link, AT_SYMLINK_NOFOLLOW, "nofollow") == 200 + ELOOP);
    CHECK(run(AT_FDCWD, link, 0, "symlink") == 7);
    unlink(link);
    close(d);
    close(f);
    fprintf(stderr, "execveat: %s\n", check_failures ? "wrong" : "as Linux");
}

/* The new image: it ran as a riscv64 program (through vm, under vm). */
static int child(const char *what)
{
    char maps[16384] = "";
    int fd = open("/proc/self/maps", O_RDONLY);
    ssize_t n = fd >= 0 ? read(fd, maps, sizeof(maps) - 1) : -1;
    maps[n > 0 ? n : 0] = '\0';
    if (under_vm() && !strstr(maps, "[sigpage]"))
        return 3;
    printf("%s ran\n", what);
    return 7;
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "child"))
        return child(argv[2]);
    setvbuf(stdout, NULL, _IONBF, 0);
    char self[4096], dir[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    CHECK(n > 0);
    self[n > 0 ? n : 0] = '\0';
    strcpy(dir, self);
    char *slash = strrchr(dir, '/');
    *slash = '\0';
    test_openat2("/tmp");
    test_execveat(self, dir, slash + 1);
    return check_done();
}
