/* sort: quicksort (insertion sort for small ranges) of random 32-bit keys. */
#include "bench.h"

#define N (1 << 18)
#define ROUNDS 48

static uint32_t a[N];

static void insertion(uint32_t *v, long n)
{
    for (long i = 1; i < n; i++) {
        uint32_t x = v[i];
        long j = i - 1;
        while (j >= 0 && v[j] > x) {
            v[j + 1] = v[j];
            j--;
        }
        v[j + 1] = x;
    }
}

static void quicksort(uint32_t *v, long n)
{
    while (n > 16) {
        uint32_t p = v[n / 2];
        long i = 0, j = n - 1;
        for (;;) {
            while (v[i] < p)
                i++;
            while (v[j] > p)
                j--;
            if (i >= j)
                break;
            uint32_t t = v[i];
            v[i++] = v[j];
            v[j--] = t;
        }
        /* recurse into the smaller half, loop on the larger */
        if (j + 1 < n - j - 1) {
            quicksort(v, j + 1);
            v += j + 1;
            n -= j + 1;
        } else {
            quicksort(v + j + 1, n - j - 1);
            n = j + 1;
        }
    }
    insertion(v, n);
}

int main(void)
{
    uint64_t seed = 88172645463325252ULL, sum = 0;
    for (int r = 0; r < ROUNDS; r++) {
        for (long i = 0; i < N; i++)
            a[i] = (uint32_t)bench_rand(&seed);
        quicksort(a, N);
        for (long i = 1; i < N; i++)
            if (a[i - 1] > a[i])
                return 2;                       /* not sorted: fail */
        sum = sum * 31 + a[N / 3];
    }
    bench_report("sort", sum);
    return 0;
}
