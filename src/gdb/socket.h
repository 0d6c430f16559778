/* The GDB stub's listening socket (socket.c). */
#ifndef VM_GDB_SOCKET_H
#define VM_GDB_SOCKET_H

#include <stdbool.h>
#include <stddef.h>

/* Listen on dev (tcp:[HOST]:PORT or unix:PATH, QEMU's options allowed);
 * the fd and a description ("tcp:127.0.0.1:1234"), or -VM_E... with a
 * message. */
int gdb_socket_listen(const char *dev, char *desc, size_t desc_size, bool *is_unix);
int gdb_socket_accept(int listen_fd, bool is_unix);

#endif
