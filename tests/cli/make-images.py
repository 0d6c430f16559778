#!/usr/bin/env python3
"""make-images.py OUTDIR [HELLO.elf]

Writes the kernel files the kernel-format tests give to `vm run -kernel`:
good ones vm must load (a uImage, gzip and raw forms of HELLO.elf, an M-mode
program linked at 0x80000000) and bad ones it must refuse with a one-line
message (another architecture's kernel, truncated or corrupt images,
non-kernels). Built here from their published layouts, so the tests need no
tools beyond Python's standard library:
  x86 boot protocol (Documentation/arch/x86/boot.rst), the RISC-V and arm64
  Image headers, PE/COFF section tables, U-Boot's legacy image header
  (include/image.h), gzip (RFC 1952), cpio newc, xz."""
import gzip
import os
import struct
import sys
import zlib

out = sys.argv[1]
os.makedirs(out, exist_ok=True)


def write(name, data):
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)


def flat_binary(elf):
    """The PT_LOAD segments of a little-endian ELF64, from its lowest address."""
    phoff, = struct.unpack_from("<Q", elf, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", elf, 0x36)
    segs = []
    for i in range(phnum):
        p_type, _, p_offset, _, p_paddr, p_filesz, _, _ = struct.unpack_from(
            "<IIQQQQQQ", elf, phoff + i * phentsize)
        if p_type == 1 and p_filesz:
            segs.append((p_paddr, elf[p_offset:p_offset + p_filesz]))
    base = min(a for a, _ in segs)
    image = bytearray(max(a + len(d) for a, d in segs) - base)
    for a, d in segs:
        image[a - base:a - base + len(d)] = d
    return base, bytes(image)


def uimage(data, load, entry, arch=26, image_type=2, comp=0, name=b"hello"):
    hdr = struct.pack(">IIIIIIIBBBB32s", 0x27051956, 0, 0, len(data), load, entry,
                      zlib.crc32(data), 5, arch, image_type, comp, name)
    hcrc = zlib.crc32(hdr)
    return hdr[:4] + struct.pack(">I", hcrc) + hdr[8:] + data


def jal_x0(offset):
    """The RISC-V `j offset` instruction."""
    o = offset
    imm = ((o >> 20) & 1) << 31 | ((o >> 1) & 0x3ff) << 21 | ((o >> 11) & 1) << 20 | ((o >> 12) & 0xff) << 12
    return struct.pack("<I", imm | 0x6f)


def riscv_image(total, payload=b""):
    """A RISC-V Linux Image with the EFI stub's PE header whose two sections
    end at byte `total` of the file; image_size adds 1 MiB of bss. code1
    jumps to `payload`, at offset 0x1000."""
    h = bytearray(4096)
    h[0:2] = b"MZ"           # c.li s4,-13: harmless, as in Linux's own header
    h[2:6] = jal_x0(0x1000 - 2)     # as Linux: the jump follows at once
    pe = True
    struct.pack_into("<QQQ", h, 8, 0x200000, total + 0x100000, 0)
    h[0x30:0x38] = b"RISCV\0\0\0"
    h[0x38:0x3c] = b"RSC\x05"
    if pe:
        struct.pack_into("<I", h, 0x3c, 0x40)
        h[0x40:0x44] = b"PE\0\0"
        struct.pack_into("<HHIIIHH", h, 0x44, 0x5064, 2, 0, 0, 0, 0xa0, 0x206)
        table = 0x40 + 24 + 0xa0
        half = total // 2
        struct.pack_into("<8sIIII", h, table, b".text", half - 0x1000, 0x1000, half - 0x1000, 0x1000)
        struct.pack_into("<8sIIII", h, table + 40, b".data", total - half, half, total - half, half)
    body = bytearray(total)
    body[:4096] = h
    for i in range(4096, total, 4):
        body[i:i + 4] = b"\x13\x00\x00\x00"  # nop, so it is no random data either
    body[0x1000:0x1000 + len(payload)] = payload
    return bytes(body)


def efi_zboot(payload_gz, machine=0x5064):
    """A Linux EFI zboot image: "MZ", "zimg", the payload's offset and size,
    its compressor, then a PE header for `machine`."""
    h = bytearray(0x200)
    h[0:2] = b"MZ"
    h[4:8] = b"zimg"
    struct.pack_into("<II", h, 8, len(h), len(payload_gz))
    h[24:28] = b"gzip"
    struct.pack_into("<I", h, 0x3c, 0x40)
    h[0x40:0x44] = b"PE\0\0"
    struct.pack_into("<H", h, 0x44, machine)
    return bytes(h) + payload_gz


# ---- another architecture's kernels
bz = bytearray(0x4000)
bz[0x1fe:0x200] = b"\x55\xaa"
bz[0x202:0x206] = b"HdrS"
struct.pack_into("<H", bz, 0x206, 0x020f)  # boot protocol 2.15
struct.pack_into("<H", bz, 0x236, 0x1)     # XLF_KERNEL_64
write("bzImage", bz)
arm64 = bytearray(4096)
struct.pack_into("<QQQ", arm64, 8, 0, 0x100000, 0xa)
arm64[0x38:0x3c] = b"ARM\x64"
write("arm64-Image", arm64)
write("arm64-uImage", uimage(b"\x13\x00\x00\x00" * 256, 0x80000000, 0x80000000, arch=22))

# ---- Linux Images: truncated, truncated gzip, corrupt gzip
whole = riscv_image(0x40000)
write("Image-truncated", whole[:0x30000])
write("Image.gz-truncated", gzip.compress(whole)[:200])
corrupt = bytearray(gzip.compress(whole))
corrupt[20:40] = b"\xff" * 20
write("Image.gz-corrupt", bytes(corrupt))
write("arm64-zboot.efi", efi_zboot(gzip.compress(arm64), machine=0xaa64))

# ---- not kernels
write("initramfs.cpio", b"070701" + b"0" * 104 + b"TRAILER!!!\0" + bytes(100))
write("kernel.xz", b"\xfd7zXZ\0" + os.urandom(4000))
write("text.txt", b"This is not a kernel.\n" * 300)
write("zeros.bin", bytes(65536))
write("random.bin", os.urandom(1 << 20))

# ---- good images of an M-mode program (if given)
if len(sys.argv) > 2:
    with open(sys.argv[2], "rb") as f:
        base, flat = flat_binary(f.read())
    write("hello.bin", flat)
    write("hello.bin.gz", gzip.compress(flat))
    with open(sys.argv[2], "rb") as f:
        write("hello.elf.gz", gzip.compress(f.read()))
    write("hello.uImage", uimage(flat, base, base))
    # A Linux Image whose code1 jumps to the program: loaded at the RAM base
    # (-bios none), so the program runs at its link address + 0x1000 (it is
    # position-independent).
    image = riscv_image(0x40000, flat)
    write("hello.Image", image)
    write("hello.Image.gz", gzip.compress(image))
    write("hello.zboot.efi", efi_zboot(gzip.compress(image)))
    write("hello.uImage.gz", uimage(gzip.compress(flat), base, base, comp=1))
    bad = bytearray(uimage(flat, base, base))
    bad[70] ^= 0xff
    write("hello.uImage-badcrc", bytes(bad))
    write("hello.uImage-truncated", uimage(flat, base, base)[:-8])
