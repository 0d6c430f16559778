/* Scalar crypto helpers on the host: the fast carry-less multiply (PCLMUL
 * where the host has it) against the bit-by-bit one, and the AES rounds
 * against FIPS-197 Appendix B's first-round values (the ISA tests run the
 * whole ciphers in the guest). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "riscv/crypto.h"

static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static uint64_t next(void)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return rng;
}

static void test_clmul(void **state)
{
    (void)state;
    static const uint64_t edge[] = {0, 1, 2, 0x8000000000000000ULL, ~0ULL, 0x5555555555555555ULL};
    for (unsigned i = 0; i < 6; i++)
        for (unsigned j = 0; j < 6; j++)
            assert_true(rv_clmul128(edge[i], edge[j]) == rv_clmul128_soft(edge[i], edge[j]));
    for (unsigned i = 0; i < 100000; i++) {
        uint64_t a = next(), b = next();
        assert_true(rv_clmul128(a, b) == rv_clmul128_soft(a, b));
    }
    /* (x^63 + 1)^2 = x^126 + 1 */
    unsigned __int128 sq = rv_clmul128_soft(0x8000000000000001ULL, 0x8000000000000001ULL);
    assert_true(sq == (((unsigned __int128)1 << 126) | 1));
}

/* FIPS-197 Appendix B, round 1: the state after the first AddRoundKey,
 * then SubBytes+ShiftRows+MixColumns (columns as little-endian words). */
static void test_aes_round(void **state)
{
    (void)state;
    /* start of round 1: 19 3d e3 be a0 f4 e2 2b 9a c6 8d 2a e9 f8 48 08 */
    uint64_t s0 = 0x2be2f4a0bee33d19ULL, s1 = 0x0848f8e92a8dc69aULL;
    /* after MixColumns: 04 66 81 e5 e0 cb 19 9a 48 f8 d3 7a 28 06 26 4c */
    assert_true(rv_aes64esm(s0, s1) == 0x9a19cbe0e5816604ULL);
    assert_true(rv_aes64esm(s1, s0) == 0x4c2606287ad3f848ULL);
    /* and back: InvMixColumns, InvShiftRows, InvSubBytes */
    uint64_t m0 = rv_aes64im(0x9a19cbe0e5816604ULL), m1 = rv_aes64im(0x4c2606287ad3f848ULL);
    uint64_t b0 = rv_aes64es(s0, s1), b1 = rv_aes64es(s1, s0); /* after ShiftRows+SubBytes */
    assert_true(m0 == b0 && m1 == b1);
    assert_true(rv_aes64ds(b0, b1) == s0);
    assert_true(rv_aes64ds(b1, b0) == s1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clmul),
        cmocka_unit_test(test_aes_round),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
