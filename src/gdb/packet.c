/* GDB remote protocol framing (packet.h). The checksum covers the payload
 * as sent (escapes and run-length markers included); the decoder undoes
 * '}' escapes (next byte ^ 0x20) and run-length encoding ('*' then a count
 * byte: the previous byte repeated count - 29 more times). */
#include "gdb/packet.h"

#include <string.h>

void gdb_decoder_init(struct gdb_decoder *d)
{
    memset(d, 0, sizeof(*d));
}

static void put(struct gdb_decoder *d, char c)
{
    if (d->len < GDB_PACKET_MAX)
        d->data[d->len++] = c;
    else
        d->bad = true;
}

int gdb_hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

enum gdb_input gdb_decoder_feed(struct gdb_decoder *d, uint8_t byte)
{
    switch (d->state) {
    case DEC_IDLE:
        if (byte == '$') {
            d->state = DEC_DATA;
            d->len = 0;
            d->sum = 0;
            d->bad = false;
            return GDB_IN_NONE;
        }
        if (byte == '+')
            return GDB_IN_ACK;
        if (byte == '-')
            return GDB_IN_NACK;
        if (byte == 0x03)
            return GDB_IN_INTERRUPT;
        return GDB_IN_NONE; /* noise between packets */
    case DEC_DATA:
        if (byte == '#') {
            d->state = DEC_CSUM1;
            return GDB_IN_NONE;
        }
        if (byte == '$') { /* a new packet starts: the old one was cut short */
            d->len = 0;
            d->sum = 0;
            d->bad = false;
            return GDB_IN_NONE;
        }
        d->sum += byte;
        if (byte == '}') {
            d->state = DEC_ESCAPE;
        } else if (byte == '*' && d->len > 0) {
            d->state = DEC_RUNLEN;
        } else {
            put(d, (char)byte);
        }
        return GDB_IN_NONE;
    case DEC_ESCAPE:
        d->sum += byte;
        put(d, (char)(byte ^ 0x20));
        d->state = DEC_DATA;
        return GDB_IN_NONE;
    case DEC_CSUM1:
    case DEC_CSUM2: {
        int v = gdb_hex_digit((char)byte);
        d->bad |= v < 0;
        if (v < 0)
            v = 0;
        if (d->state == DEC_CSUM1) {
            d->csum = (uint8_t)(v << 4);
            d->state = DEC_CSUM2;
            return GDB_IN_NONE;
        }
        d->csum |= (uint8_t)v;
        d->state = DEC_IDLE;
        d->data[d->len] = '\0';
        return d->bad || d->csum != d->sum ? GDB_IN_BAD : GDB_IN_PACKET;
    }
    case DEC_RUNLEN: {
        d->sum += byte;
        d->state = DEC_DATA;
        if (byte < 29 + 3 || byte > 126) { /* counts below 3 are not valid encodings */
            d->bad = true;
            return GDB_IN_NONE;
        }
        char prev = d->data[d->len - 1];
        for (int i = 0; i < byte - 29; i++)
            put(d, prev);
        return GDB_IN_NONE;
    }
    }
    return GDB_IN_NONE;
}

size_t gdb_frame(const char *payload, size_t len, char *out, size_t out_size)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    uint8_t sum = 0;
    if (out_size < 4)
        return 0;
    out[o++] = '$';
    for (size_t i = 0; i < len; i++) {
        char c = payload[i];
        bool esc = c == '$' || c == '#' || c == '}' || c == '*';
        if (o + (esc ? 2 : 1) + 3 > out_size)
            return 0;
        if (esc) {
            out[o++] = '}';
            sum += '}';
            c ^= 0x20;
        }
        out[o++] = c;
        sum += (uint8_t)c;
    }
    out[o++] = '#';
    out[o++] = hex[sum >> 4];
    out[o++] = hex[sum & 15];
    return o;
}

void gdb_hex_encode(const void *bytes, size_t n, char *out)
{
    static const char hex[] = "0123456789abcdef";
    const uint8_t *b = bytes;
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hex[b[i] >> 4];
        out[2 * i + 1] = hex[b[i] & 15];
    }
    out[2 * n] = '\0';
}

bool gdb_hex_decode(const char *hex, size_t n, void *bytes)
{
    uint8_t *b = bytes;
    for (size_t i = 0; i < n; i++) {
        int hi = gdb_hex_digit(hex[2 * i]), lo = hi < 0 ? -1 : gdb_hex_digit(hex[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        b[i] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}

bool gdb_parse_hex(const char **s, uint64_t *value)
{
    uint64_t v = 0;
    unsigned n = 0;
    int d;
    while ((d = gdb_hex_digit(**s)) >= 0) {
        if (++n > 16)
            return false;
        v = v << 4 | (uint64_t)d;
        (*s)++;
    }
    *value = v;
    return n > 0;
}
