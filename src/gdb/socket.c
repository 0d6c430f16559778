/* The GDB stub's listening socket: QEMU's -gdb device strings
 * tcp:[HOST]:PORT and unix:PATH (with QEMU's server=on / wait=off /
 * nodelay=on accepted: the stub is always a server that does not wait).
 * An empty HOST is the loopback interface: a debugger can read and write
 * all of the guest, so it is not offered to the network unless asked
 * (tcp:0.0.0.0:PORT). Until the chardev layer has sockets, this is the one
 * place that opens them for the stub. */
#define _GNU_SOURCE /* accept4 */
#include "gdb/socket.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/opts.h"
#include "vm/error.h"

static int listen_tcp(const char *hostport, char *desc, size_t desc_size)
{
    const char *colon = strrchr(hostport, ':');
    if (!colon || !colon[1])
        return vm_error(VM_EINVAL, "-gdb tcp:%s: give tcp:[HOST]:PORT", hostport);
    char host[256];
    size_t hl = (size_t)(colon - hostport);
    if (hl >= sizeof(host))
        return vm_error(VM_EINVAL, "-gdb: host name too long");
    memcpy(host, hostport, hl);
    host[hl] = '\0';
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (*end || port < 0 || port > 65535)
        return vm_error(VM_EINVAL, "-gdb tcp:%s: bad port '%s'", hostport, colon + 1);
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE | AI_NUMERICSERV}, *res;
    int rc = getaddrinfo(hl ? host : "127.0.0.1", colon + 1, &hints, &res);
    if (rc != 0)
        return vm_error(VM_EINVAL, "-gdb tcp:%s: %s", hostport, gai_strerror(rc));
    int fd = -1, err = 0;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            err = errno;
            continue;
        }
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, 1) == 0)
            break;
        err = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0)
        return vm_error(VM_EIO, "-gdb tcp:%s: cannot listen: %s", hostport, strerror(err));
    snprintf(desc, desc_size, "tcp:%s:%ld", hl ? host : "127.0.0.1", port);
    return fd;
}

static int listen_unix(const char *path, char *desc, size_t desc_size)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (!*path || strlen(path) >= sizeof(sa.sun_path))
        return vm_error(VM_EINVAL, "-gdb unix:%s: empty or too long a path", path);
    strcpy(sa.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return vm_error(VM_EIO, "-gdb unix:%s: %s", path, strerror(errno));
    unlink(path); /* a stale socket of an earlier run */
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 1) < 0) {
        int e = errno;
        close(fd);
        return vm_error(VM_EIO, "-gdb unix:%s: cannot listen: %s", path, strerror(e));
    }
    snprintf(desc, desc_size, "unix:%s", path);
    return fd;
}

int gdb_socket_listen(const char *dev, char *desc, size_t desc_size, bool *is_unix)
{
    struct vm_opts o;
    int rc = vm_opts_parse(dev, "addr", "-gdb", &o);
    if (rc < 0)
        return rc;
    const char *addr = vm_opts_get(&o, "addr");
    bool server = true, wait = false, nodelay = true;
    if ((rc = vm_opts_bool(&o, "server", "-gdb", &server)) < 0 ||
        (rc = vm_opts_bool(&o, "wait", "-gdb", &wait)) < 0 ||
        (rc = vm_opts_bool(&o, "nodelay", "-gdb", &nodelay)) < 0 ||
        (rc = vm_opts_check_used(&o, "-gdb")) < 0) {
        vm_opts_free(&o);
        return rc;
    }
    if (!server || wait) {
        vm_opts_free(&o);
        return vm_error(VM_EINVAL, "-gdb: vm's gdb stub is always a server that does not wait "
                        "(server=on,wait=off)");
    }
    *is_unix = false;
    if (addr && !strncmp(addr, "tcp:", 4))
        rc = listen_tcp(addr + 4, desc, desc_size);
    else if (addr && !strncmp(addr, "unix:", 5)) {
        rc = listen_unix(addr + 5, desc, desc_size);
        *is_unix = true;
    } else
        rc = vm_error(VM_EINVAL, "-gdb '%s': give tcp:[HOST]:PORT or unix:PATH", dev);
    vm_opts_free(&o);
    return rc;
}

int gdb_socket_accept(int listen_fd, bool is_unix)
{
    int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
    if (fd >= 0 && !is_unix) {
        int one = 1; /* replies are small: send them at once */
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    }
    return fd;
}
