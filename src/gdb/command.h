/* GDB remote protocol commands: a packet's payload parsed into a struct
 * (no machine here, so that the parser can be fuzzed on its own). Every
 * number, length and hex string is checked; anything odd is MALFORMED. */
#ifndef VM_GDB_COMMAND_H
#define VM_GDB_COMMAND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gdb/packet.h"

enum gdb_cmd_kind {
    GDB_CMD_UNKNOWN = 0, /* not supported: the reply is empty */
    GDB_CMD_MALFORMED,   /* the reply is an error */
    GDB_CMD_STATUS,      /* ? */
    GDB_CMD_READ_REGS,   /* g */
    GDB_CMD_WRITE_REGS,  /* G data */
    GDB_CMD_READ_REG,    /* p reg */
    GDB_CMD_WRITE_REG,   /* P reg=data */
    GDB_CMD_READ_MEM,    /* m addr,len */
    GDB_CMD_WRITE_MEM,   /* M addr,len:hex and X addr,len:binary */
    GDB_CMD_CONTINUE,    /* c [addr] and C sig[;addr] */
    GDB_CMD_STEP,        /* s [addr] and S sig[;addr] */
    GDB_CMD_VCONT_QUERY, /* vCont? */
    GDB_CMD_VCONT,       /* vCont;action[:thread]... */
    GDB_CMD_SET_THREAD,  /* H{g,c}thread */
    GDB_CMD_THREAD_ALIVE, /* Tthread */
    GDB_CMD_INSERT,      /* Ztype,addr,kind */
    GDB_CMD_REMOVE,      /* ztype,addr,kind */
    GDB_CMD_KILL,        /* k */
    GDB_CMD_DETACH,      /* D */
    GDB_CMD_SUPPORTED,   /* qSupported[:features] */
    GDB_CMD_XFER_FEATURES, /* qXfer:features:read:annex:off,len */
    GDB_CMD_THREAD_FIRST, /* qfThreadInfo */
    GDB_CMD_THREAD_NEXT, /* qsThreadInfo */
    GDB_CMD_CURRENT_THREAD, /* qC */
    GDB_CMD_THREAD_EXTRA, /* qThreadExtraInfo,thread */
    GDB_CMD_ATTACHED,    /* qAttached */
    GDB_CMD_RCMD,        /* qRcmd,hex (a monitor command) */
    GDB_CMD_NO_ACK,      /* QStartNoAckMode */
};

/* Thread ids: GDB's, 1 + the vCPU index; -1 all, 0 any. */
#define GDB_THREAD_ALL (-1)
#define GDB_THREAD_ANY 0

#define GDB_MAX_VCONT 64

struct gdb_vcont_action {
    char action; /* 'c' or 's' (C and S: the signal is ignored) */
    int64_t thread; /* GDB_THREAD_ALL when no thread is named */
};

struct gdb_cmd {
    enum gdb_cmd_kind kind;
    bool has_addr;   /* c/s with an address */
    uint64_t addr;   /* m, M, X, Z, z, c, s; the offset for qXfer */
    uint64_t len;    /* m, M, X; Z/z kind; qXfer length */
    unsigned reg;    /* p, P */
    unsigned type;   /* Z/z type 0..4 */
    char which;      /* H: 'g' or 'c' */
    int64_t thread;  /* H, T, qThreadExtraInfo */
    char annex[64];  /* qXfer */
    unsigned nactions;
    struct gdb_vcont_action actions[GDB_MAX_VCONT];
    size_t data_len; /* G, P, M, X: bytes; qRcmd: the command's length */
    uint8_t data[GDB_PACKET_MAX / 2 + 1]; /* decoded bytes; qRcmd: NUL-terminated text */
};

/* Parse payload[0..len) (NUL bytes allowed in X data). */
void gdb_parse_command(const char *payload, size_t len, struct gdb_cmd *cmd);

#endif
