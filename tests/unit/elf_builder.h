/* Builds small ELF64 little-endian images in memory for tests: program
 * headers for the given segments and, optionally, a symbol table. Layout:
 * ELF header, program headers, segment data, strtab, symtab, 3 section
 * headers (null, .symtab, .strtab). Header-only. */
#ifndef VM_TESTS_ELF_BUILDER_H
#define VM_TESTS_ELF_BUILDER_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct eb_segment {
    uint64_t paddr;
    const void *data;
    size_t filesz, memsz;
};

struct eb_symbol {
    const char *name;
    uint64_t value;
};

struct eb_layout { /* where things ended up, for tests that corrupt them */
    size_t phoff, shoff, symoff, stroff;
};

static inline void eb_put(uint8_t *p, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* Returns the image size; buf must hold at least 4096 + the data. */
static inline size_t eb_build(uint8_t *buf, uint16_t machine, uint64_t entry,
                              const struct eb_segment *segs, unsigned nseg,
                              const struct eb_symbol *syms, unsigned nsym,
                              struct eb_layout *layout)
{
    size_t off = 64 + 56 * (size_t)nseg;
    memset(buf, 0, off);
    memcpy(buf, "\177ELF", 4);
    buf[4] = 2; /* 64-bit */
    buf[5] = 1; /* little-endian */
    buf[6] = 1; /* version */
    eb_put(buf + 16, 2, 2); /* ET_EXEC */
    eb_put(buf + 18, machine, 2);
    eb_put(buf + 20, 1, 4);
    eb_put(buf + 24, entry, 8);
    eb_put(buf + 32, 64, 8); /* phoff */
    eb_put(buf + 52, 64, 2);
    eb_put(buf + 54, 56, 2);
    eb_put(buf + 56, nseg, 2);
    for (unsigned i = 0; i < nseg; i++) {
        uint8_t *ph = buf + 64 + 56 * i;
        eb_put(ph, 1, 4);     /* PT_LOAD */
        eb_put(ph + 4, 7, 4); /* RWX */
        eb_put(ph + 8, off, 8);
        eb_put(ph + 16, segs[i].paddr, 8);
        eb_put(ph + 24, segs[i].paddr, 8);
        eb_put(ph + 32, segs[i].filesz, 8);
        eb_put(ph + 40, segs[i].memsz, 8);
        memcpy(buf + off, segs[i].data, segs[i].filesz);
        off += segs[i].filesz;
    }
    if (layout) {
        layout->phoff = 64;
        layout->shoff = layout->symoff = layout->stroff = 0;
    }
    if (!nsym)
        return off;
    off = (off + 7) & ~(size_t)7;
    size_t stroff = off, strsize = 1;
    buf[off] = 0;
    uint32_t names[16];
    for (unsigned i = 0; i < nsym && i < 16; i++) {
        names[i] = (uint32_t)strsize;
        size_t n = strlen(syms[i].name) + 1;
        memcpy(buf + stroff + strsize, syms[i].name, n);
        strsize += n;
    }
    off = (stroff + strsize + 7) & ~(size_t)7;
    size_t symoff = off;
    memset(buf + symoff, 0, 24); /* the null symbol */
    for (unsigned i = 0; i < nsym && i < 16; i++) {
        uint8_t *s = buf + symoff + 24 * (i + 1);
        memset(s, 0, 24);
        eb_put(s, names[i], 4);
        s[4] = 0x11; /* global object */
        eb_put(s + 6, 1, 2);
        eb_put(s + 8, syms[i].value, 8);
        eb_put(s + 16, 8, 8);
    }
    size_t symsize = 24 * (size_t)(nsym + 1);
    off = symoff + symsize;
    size_t shoff = off;
    memset(buf + shoff, 0, 64 * 3);
    uint8_t *sh = buf + shoff + 64; /* .symtab */
    eb_put(sh + 4, 2, 4);
    eb_put(sh + 24, symoff, 8);
    eb_put(sh + 32, symsize, 8);
    eb_put(sh + 40, 2, 4); /* link: .strtab */
    eb_put(sh + 56, 24, 8);
    sh = buf + shoff + 128; /* .strtab */
    eb_put(sh + 4, 3, 4);
    eb_put(sh + 24, stroff, 8);
    eb_put(sh + 32, strsize, 8);
    eb_put(buf + 40, shoff, 8);
    eb_put(buf + 58, 64, 2);
    eb_put(buf + 60, 3, 2);
    if (layout) {
        layout->shoff = shoff;
        layout->symoff = symoff;
        layout->stroff = stroff;
    }
    return shoff + 64 * 3;
}

/* Write an image to a fresh temporary file; the caller unlinks it. */
static inline void eb_write_temp(const uint8_t *buf, size_t size, char path[64])
{
    snprintf(path, 64, "/tmp/vm-test-XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0 || write(fd, buf, size) != (ssize_t)size) {
        perror("eb_write_temp");
        abort();
    }
    close(fd);
}

#endif
