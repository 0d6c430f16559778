/* The scalar bit-manipulation and cryptography instructions that are more
 * than an expression: carry-less multiplication (Zbc, Zbkc), crossbar
 * permutations and byte-wise bit reversal (Zbkx, Zbkb), the RV64 AES
 * rounds and key schedule (Zkne, Zknd), SHA-2 sigma/sum (Zknh), SM4 and
 * SM3 (Zksed, Zksh). Pure functions of the source registers, as the
 * scalar cryptography spec's Sail code defines them. */
#ifndef VM_RISCV_CRYPTO_H
#define VM_RISCV_CRYPTO_H

#include <stdint.h>

/* The 128-bit carry-less product of a and b: clmul is its low half,
 * clmulh its high half, clmulr bits 126..63. */
unsigned __int128 rv_clmul128(uint64_t a, uint64_t b);
/* The same, bit by bit (the reference the tests hold the fast one to). */
unsigned __int128 rv_clmul128_soft(uint64_t a, uint64_t b);

uint64_t rv_xperm4(uint64_t lut, uint64_t idx);
uint64_t rv_xperm8(uint64_t lut, uint64_t idx);
uint64_t rv_brev8(uint64_t x);

uint64_t rv_aes64es(uint64_t rs1, uint64_t rs2);
uint64_t rv_aes64esm(uint64_t rs1, uint64_t rs2);
uint64_t rv_aes64ds(uint64_t rs1, uint64_t rs2);
uint64_t rv_aes64dsm(uint64_t rs1, uint64_t rs2);
uint64_t rv_aes64im(uint64_t rs1);
uint64_t rv_aes64ks1i(uint64_t rs1, unsigned rnum); /* rnum 0..10 */
uint64_t rv_aes64ks2(uint64_t rs1, uint64_t rs2);

/* SM4ED / SM4KS with byte select bs (0..3); results sign-extended. */
uint64_t rv_sm4ed(uint64_t rs1, uint64_t rs2, unsigned bs);
uint64_t rv_sm4ks(uint64_t rs1, uint64_t rs2, unsigned bs);

static inline uint32_t rv_ror32(uint32_t x, unsigned s) { return x >> (s & 31) | x << (-s & 31); }
static inline uint64_t rv_ror64(uint64_t x, unsigned s) { return x >> (s & 63) | x << (-s & 63); }
static inline uint64_t rv_sext32(uint32_t x) { return (uint64_t)(int64_t)(int32_t)x; }

static inline uint64_t rv_sha256sig0(uint64_t x)
{
    uint32_t w = (uint32_t)x;
    return rv_sext32(rv_ror32(w, 7) ^ rv_ror32(w, 18) ^ (w >> 3));
}
static inline uint64_t rv_sha256sig1(uint64_t x)
{
    uint32_t w = (uint32_t)x;
    return rv_sext32(rv_ror32(w, 17) ^ rv_ror32(w, 19) ^ (w >> 10));
}
static inline uint64_t rv_sha256sum0(uint64_t x)
{
    uint32_t w = (uint32_t)x;
    return rv_sext32(rv_ror32(w, 2) ^ rv_ror32(w, 13) ^ rv_ror32(w, 22));
}
static inline uint64_t rv_sha256sum1(uint64_t x)
{
    uint32_t w = (uint32_t)x;
    return rv_sext32(rv_ror32(w, 6) ^ rv_ror32(w, 11) ^ rv_ror32(w, 25));
}
static inline uint64_t rv_sha512sig0(uint64_t x) { return rv_ror64(x, 1) ^ rv_ror64(x, 8) ^ (x >> 7); }
static inline uint64_t rv_sha512sig1(uint64_t x) { return rv_ror64(x, 19) ^ rv_ror64(x, 61) ^ (x >> 6); }
static inline uint64_t rv_sha512sum0(uint64_t x) { return rv_ror64(x, 28) ^ rv_ror64(x, 34) ^ rv_ror64(x, 39); }
static inline uint64_t rv_sha512sum1(uint64_t x) { return rv_ror64(x, 14) ^ rv_ror64(x, 18) ^ rv_ror64(x, 41); }

static inline uint64_t rv_sm3p0(uint64_t x)
{
    uint32_t w = (uint32_t)x;
    return rv_sext32(w ^ rv_ror32(w, 32 - 9) ^ rv_ror32(w, 32 - 17));
}
static inline uint64_t rv_sm3p1(uint64_t x)
{
    uint32_t w = (uint32_t)x;
    return rv_sext32(w ^ rv_ror32(w, 32 - 15) ^ rv_ror32(w, 32 - 23));
}

#endif
