/* -daemonize and -pidfile (daemon.h). */
#include "daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

static int ready_fd = -1;       /* the child's end of the pipe to its parent */
static const char *pidfile_path;
static int pidfile_fd = -1;

/* The parent: wait for the child's word, or its end. */
static int parent(pid_t child, int fd)
{
    char ok;
    ssize_t n;
    do
        n = read(fd, &ok, 1);
    while (n < 0 && errno == EINTR);
    if (n == 1)
        _exit(0);
    int status = 0;
    waitpid(child, &status, 0);
    _exit(WIFEXITED(status) && WEXITSTATUS(status) ? WEXITSTATUS(status) : 1);
}

static int write_pidfile(const char *path)
{
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return vm_cli_error(VM_EXIT_BAD, "-pidfile '%s': %s", path, strerror(errno));
    if (flock(fd, LOCK_EX | LOCK_NB) < 0) { /* as QEMU: one vm per pid file */
        close(fd);
        return vm_cli_error(VM_EXIT_BAD, "-pidfile '%s': in use by another process", path);
    }
    char pid[32];
    int len = snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
    if (ftruncate(fd, 0) < 0 || write(fd, pid, (size_t)len) != len) {
        close(fd);
        return vm_cli_error(VM_EXIT_BAD, "-pidfile '%s': cannot write it", path);
    }
    pidfile_fd = fd; /* kept open: the lock lasts as long as vm */
    pidfile_path = path;
    return 0;
}

int vm_cli_daemon_begin(const struct vm_cli *cli)
{
    if (cli->daemonize) {
        int p[2];
        if (pipe(p) < 0)
            return vm_cli_error(VM_EXIT_BAD, "-daemonize: pipe: %s", strerror(errno));
        fflush(NULL);
        pid_t pid = fork();
        if (pid < 0)
            return vm_cli_error(VM_EXIT_BAD, "-daemonize: fork: %s", strerror(errno));
        if (pid > 0) {
            close(p[1]);
            return parent(pid, p[0]);
        }
        close(p[0]);
        fcntl(p[1], F_SETFD, FD_CLOEXEC);
        ready_fd = p[1];
        setsid();
    }
    return cli->pidfile ? write_pidfile(cli->pidfile) : 0;
}

void vm_cli_daemon_ready(void)
{
    if (ready_fd < 0)
        return;
    int null = open("/dev/null", O_RDWR);
    if (null >= 0) {
        dup2(null, STDIN_FILENO);
        dup2(null, STDOUT_FILENO);
        dup2(null, STDERR_FILENO);
        if (null > STDERR_FILENO)
            close(null);
    }
    ssize_t ignored = write(ready_fd, "", 1);
    (void)ignored;
    close(ready_fd);
    ready_fd = -1;
}

void vm_cli_daemon_end(void)
{
    if (pidfile_path) {
        unlink(pidfile_path);
        close(pidfile_fd);
        pidfile_path = NULL;
    }
}
