/* libFuzzer harness for the GDB stub's input: the bytes a debugger sends
 * (framing, escapes, run-length encoding, acks, Ctrl-C) through the
 * decoder, every complete packet through the command parser, and replies
 * framed back. Nothing here may crash, read out of bounds or hang. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "gdb/command.h"
#include "gdb/packet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct gdb_decoder dec;
static struct gdb_cmd cmd;
static char framed[2 * GDB_PACKET_MAX + 8];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gdb_decoder_init(&dec);
    for (size_t i = 0; i < size; i++) {
        if (gdb_decoder_feed(&dec, data[i]) != GDB_IN_PACKET)
            continue;
        if (dec.len > GDB_PACKET_MAX || dec.data[dec.len] != '\0')
            __builtin_trap(); /* the decoder's own promise */
        gdb_parse_command(dec.data, dec.len, &cmd);
        if (cmd.data_len > sizeof(cmd.data) || cmd.nactions > GDB_MAX_VCONT ||
            strlen(cmd.annex) >= sizeof(cmd.annex))
            __builtin_trap();
        /* echo it framed, as a reply would be */
        gdb_frame(dec.data, dec.len, framed, sizeof(framed));
    }
    /* the parser on the raw input too (it is given lengths, not strings) */
    gdb_parse_command((const char *)data, size, &cmd);
    return 0;
}
