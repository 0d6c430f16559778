/* QEMU's character device spellings to back ends (chardev_open.h). */
#define _GNU_SOURCE /* ptsname_r */
#include "devices/chardev_open.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "devices/chardev_fd.h"
#include "devices/chardev_socket.h"
#include "vm/error.h"

/* ---- null */

static void null_destroy(struct vm_chardev *c)
{
    free(c);
}

static const struct vm_chardev_ops null_ops = {.destroy = null_destroy};

struct vm_chardev *vm_chardev_null_create(void)
{
    struct vm_chardev *c = calloc(1, sizeof(*c));
    if (!c) {
        vm_error(VM_ENOMEM, "chardev: out of host memory");
        return NULL;
    }
    c->ops = &null_ops;
    return c;
}

/* ---- the back ends from options */

static int fd_backend(const struct vm_chardev_fd_config *cfg, struct vm_chardev **out)
{
    if (!(*out = vm_chardev_fd_create(cfg)))
        return -VM_EIO;
    return 0;
}

static int open_file(struct vm_opts *o, const struct vm_chardev_env *env, struct vm_chardev **out)
{
    const char *path = vm_opts_get(o, "path");
    bool append = false;
    int rc = vm_opts_bool(o, "append", env->label, &append);
    if (rc < 0 || (rc = vm_opts_check_used(o, env->label)) < 0)
        return rc;
    if (!path || !*path)
        return vm_error(VM_EINVAL, "%s: file needs path=FILE", env->label);
    int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC), 0666);
    if (fd < 0)
        return vm_error(VM_EIO, "%s: cannot open '%s': %s", env->label, path, strerror(errno));
    struct vm_chardev_fd_config cfg = {.in_fd = -1, .out_fd = fd, .close_fds = true};
    return fd_backend(&cfg, out);
}

/* QEMU's pipe: PATH.in and PATH.out (FIFOs) if both exist, else PATH both ways. */
static int open_pipe(struct vm_opts *o, const struct vm_chardev_env *env, struct vm_chardev **out)
{
    const char *path = vm_opts_get(o, "path");
    int rc = vm_opts_check_used(o, env->label);
    if (rc < 0)
        return rc;
    if (!path || !*path)
        return vm_error(VM_EINVAL, "%s: pipe needs path=PATH", env->label);
    char in[4096], outp[4096];
    snprintf(in, sizeof(in), "%s.in", path);
    snprintf(outp, sizeof(outp), "%s.out", path);
    int fd_in, fd_out;
    if (access(in, F_OK) == 0 && access(outp, F_OK) == 0) {
        fd_in = open(in, O_RDWR | O_CLOEXEC);   /* RDWR: opening does not wait for a writer */
        fd_out = open(outp, O_RDWR | O_CLOEXEC);
    } else {
        fd_in = fd_out = open(path, O_RDWR | O_CLOEXEC);
    }
    if (fd_in < 0 || fd_out < 0) {
        rc = vm_error(VM_EIO, "%s: cannot open pipe '%s': %s", env->label, path, strerror(errno));
        if (fd_in >= 0)
            close(fd_in);
        if (fd_out >= 0 && fd_out != fd_in)
            close(fd_out);
        return rc;
    }
    struct vm_chardev_fd_config cfg = {.in_fd = fd_in, .out_fd = fd_out, .close_fds = true};
    return fd_backend(&cfg, out);
}

static int open_pty(struct vm_opts *o, const struct vm_chardev_env *env, struct vm_chardev **out)
{
    int rc = vm_opts_check_used(o, env->label);
    if (rc < 0)
        return rc;
    int fd = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    char name[64];
    if (fd < 0 || grantpt(fd) < 0 || unlockpt(fd) < 0 || ptsname_r(fd, name, sizeof(name))) {
        rc = vm_error(VM_EIO, "%s: cannot create a pseudo-terminal: %s", env->label,
                      strerror(errno));
        if (fd >= 0)
            close(fd);
        return rc;
    }
    /* The guest's bytes unchanged: the pty raw on its side too, as QEMU. */
    struct termios t;
    if (tcgetattr(fd, &t) == 0) {
        cfmakeraw(&t);
        tcsetattr(fd, TCSANOW, &t);
    }
    fprintf(stderr, "char device redirected to %s (label %s)\n", name, env->label);
    struct vm_chardev_fd_config cfg = {.in_fd = fd, .out_fd = fd, .close_fds = true,
                                       .reopen_on_hangup = true, .drop_when_blocked = true};
    return fd_backend(&cfg, out);
}

static int open_socket(struct vm_opts *o, const struct vm_chardev_env *env,
                       struct vm_chardev **out)
{
    struct vm_chardev_socket_config cfg = {
        .path = vm_opts_get(o, "path"), .host = vm_opts_get(o, "host"),
        .port = vm_opts_get(o, "port"), .label = env->label, .loop = env->loop,
    };
    bool nowait = false;
    int rc;
    if ((rc = vm_opts_bool(o, "server", env->label, &cfg.server)) < 0)
        return rc;
    cfg.wait = cfg.server; /* QEMU: a server waits for its client unless wait=off */
    if ((rc = vm_opts_bool(o, "wait", env->label, &cfg.wait)) < 0 ||
        (rc = vm_opts_bool(o, "nowait", env->label, &nowait)) < 0 ||
        (rc = vm_opts_bool(o, "nodelay", env->label, &cfg.nodelay)) < 0)
        return rc;
    if (nowait)
        cfg.wait = false;
    if ((rc = vm_opts_check_used(o, env->label)) < 0)
        return rc;
    if (!cfg.path && !cfg.port)
        return vm_error(VM_EINVAL, "%s: socket needs path=PATH or host=HOST,port=PORT",
                        env->label);
    if (!env->loop)
        return vm_error(VM_EINVAL, "%s: no event loop for a socket", env->label);
    if (!(*out = vm_chardev_socket_create(&cfg)))
        return -VM_EIO;
    return 0;
}

int vm_chardev_open_opts(struct vm_opts *o, const struct vm_chardev_env *env,
                         struct vm_chardev **out)
{
    const char *backend = vm_opts_get(o, "backend");
    if (!backend)
        return vm_error(VM_EINVAL, "%s: which back end?", env->label);
    if (!strcmp(backend, "stdio")) {
        bool signals = true; /* QEMU's default: Ctrl-C stops vm */
        int rc = vm_opts_bool(o, "signal", env->label, &signals);
        if (rc < 0 || (rc = vm_opts_check_used(o, env->label)) < 0)
            return rc;
        if (!(*out = vm_chardev_stdio_create(signals)))
            return -VM_EIO;
        return 0;
    }
    if (!strcmp(backend, "null")) {
        int rc = vm_opts_check_used(o, env->label);
        if (rc < 0)
            return rc;
        return (*out = vm_chardev_null_create()) ? 0 : -VM_ENOMEM;
    }
    if (!strcmp(backend, "file"))
        return open_file(o, env, out);
    if (!strcmp(backend, "pipe"))
        return open_pipe(o, env, out);
    if (!strcmp(backend, "pty"))
        return open_pty(o, env, out);
    if (!strcmp(backend, "socket"))
        return open_socket(o, env, out);
    if (!strcmp(backend, "vc") || !strcmp(backend, "spice") || !strcmp(backend, "msmouse"))
        return vm_error(VM_ENOTSUP, "%s: '%s': vm has no graphical console", env->label, backend);
    return vm_error(VM_EINVAL, "%s: unknown character device '%s' (stdio, null, pty, file, "
                    "pipe, socket)", env->label, backend);
}

/* ---- QEMU's device strings */

/* "HOST:PORT" (HOST may be empty or [v6]) into host and port, in place. */
static int split_host_port(char *addr, const char *label, const char **host, const char **port)
{
    char *colon = strrchr(addr, ':');
    if (!colon)
        return vm_error(VM_EINVAL, "%s: 'tcp:%s': expected tcp:[HOST]:PORT", label, addr);
    *colon = '\0';
    *port = colon + 1;
    if (addr[0] == '[' && colon > addr + 1 && colon[-1] == ']') {
        colon[-1] = '\0';
        addr++;
    }
    *host = addr;
    return 0;
}

/* The end of the first item of a QEMU option string (its first single
 * comma, ",," being an escaped one). */
static const char *first_item_end(const char *s)
{
    for (; *s; s++) {
        if (*s == ',' && s[1] == ',')
            s++;
        else if (*s == ',')
            break;
    }
    return s;
}

int vm_chardev_open(const char *dev, const struct vm_chardev_env *env, struct vm_chardev **out)
{
    size_t n = strlen(dev) * 2 + 64;
    char *text = malloc(n);
    if (!text)
        return vm_error(VM_ENOMEM, "out of host memory");
    int rc = 0;
    if (!strcmp(dev, "stdio") || !strcmp(dev, "null") || !strcmp(dev, "pty")) {
        snprintf(text, n, "%s", dev);
    } else if (!strncmp(dev, "file:", 5) || !strncmp(dev, "pipe:", 5)) {
        /* the rest is the path, literally (QEMU's legacy syntax): commas escaped */
        char *w = text + sprintf(text, "%.4s,path=", dev);
        for (const char *r = dev + 5; *r; r++) {
            if (*r == ',')
                *w++ = ',';
            *w++ = *r;
        }
        *w = '\0';
    } else if (!strncmp(dev, "unix:", 5)) {
        snprintf(text, n, "socket,path=%s", dev + 5);
    } else if (!strncmp(dev, "tcp:", 4)) {
        const char *end = first_item_end(dev + 4);
        char addr[256];
        const char *host = NULL, *port = NULL;
        if ((size_t)(end - (dev + 4)) >= sizeof(addr)) {
            rc = vm_error(VM_EINVAL, "%s: '%s': address too long", env->label, dev);
        } else {
            memcpy(addr, dev + 4, (size_t)(end - (dev + 4)));
            addr[end - (dev + 4)] = '\0';
            if ((rc = split_host_port(addr, env->label, &host, &port)) == 0)
                snprintf(text, n, "socket,host=%s,port=%s%s", host, port, end);
        }
    } else if (!strncmp(dev, "telnet:", 7)) {
        rc = vm_error(VM_ENOTSUP, "%s: '%s': vm speaks no telnet protocol; use tcp:", env->label,
                      dev);
    } else if (!strcmp(dev, "vc") || !strncmp(dev, "vc:", 3)) {
        rc = vm_error(VM_ENOTSUP, "%s: '%s': vm has no graphical console", env->label, dev);
    } else {
        rc = vm_error(VM_EINVAL, "%s: unknown character device '%s' (stdio, null, pty, "
                      "file:PATH, pipe:PATH, unix:PATH, tcp:[HOST]:PORT)", env->label, dev);
    }
    struct vm_opts o = {0};
    if (rc == 0 && (rc = vm_opts_parse(text, "backend", env->label, &o)) == 0)
        rc = vm_chardev_open_opts(&o, env, out);
    vm_opts_free(&o);
    free(text);
    return rc;
}
