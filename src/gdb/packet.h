/* The GDB remote protocol's framing (no I/O here): a decoder fed the
 * bytes a client sends ($data#cs packets with '}' escapes and run-length
 * encoding, acks, Ctrl-C), an encoder for replies, and the hex helpers
 * the commands use. Everything is bounded; bad input is reported, never
 * trusted. */
#ifndef VM_GDB_PACKET_H
#define VM_GDB_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Largest packet payload accepted or sent (advertised as PacketSize). */
#define GDB_PACKET_MAX 16384

enum gdb_input {
    GDB_IN_NONE = 0,   /* nothing complete yet */
    GDB_IN_PACKET,     /* a packet with a good checksum: ack it, then handle it */
    GDB_IN_BAD,        /* a packet with a bad checksum or too long: nack it */
    GDB_IN_ACK,        /* '+' */
    GDB_IN_NACK,       /* '-': send the last reply again */
    GDB_IN_INTERRUPT,  /* Ctrl-C (0x03) outside a packet */
};

struct gdb_decoder {
    enum { DEC_IDLE, DEC_DATA, DEC_ESCAPE, DEC_RUNLEN, DEC_CSUM1, DEC_CSUM2 } state;
    uint8_t sum, csum;
    bool bad; /* too long, a bad run length or checksum digit */
    size_t len;
    char data[GDB_PACKET_MAX + 1]; /* the decoded payload, NUL-terminated */
};

void gdb_decoder_init(struct gdb_decoder *d);
/* Feed one byte; returns what it completed. For GDB_IN_PACKET the payload
 * is d->data / d->len (it may contain NUL bytes: binary 'X' data). */
enum gdb_input gdb_decoder_feed(struct gdb_decoder *d, uint8_t byte);

/* Frame payload[0..len) as $...#cs into out (escaping '$', '#', '}', '*');
 * returns the framed length, or 0 when it does not fit in out_size. */
size_t gdb_frame(const char *payload, size_t len, char *out, size_t out_size);

/* Hex helpers. gdb_hex_decode: 2*n hex digits to n bytes; false on a bad
 * digit. gdb_parse_hex: a hex number at *s (at least one digit, at most 16),
 * advancing *s; false if none or too long. */
int gdb_hex_digit(char c);
void gdb_hex_encode(const void *bytes, size_t n, char *out); /* writes 2n chars + NUL */
bool gdb_hex_decode(const char *hex, size_t n, void *bytes);
bool gdb_parse_hex(const char **s, uint64_t *value);

#endif
