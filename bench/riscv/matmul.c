/* matmul: dense double-precision matrix multiply (i-k-j order). */
#include "bench.h"

#define N 200
#define ROUNDS 20

static double A[N][N], B[N][N], C[N][N];

int main(void)
{
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            A[i][j] = (double)((i * 7 + j * 3) % 17) / 8.0;
            B[i][j] = (double)((i * 5 + j * 11) % 13) / 4.0;
        }
    double sum = 0;
    for (int r = 0; r < ROUNDS; r++) {
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++)
                C[i][j] = 0;
        for (int i = 0; i < N; i++)
            for (int k = 0; k < N; k++) {
                double a = A[i][k];
                for (int j = 0; j < N; j++)
                    C[i][j] += a * B[k][j];
            }
        sum += C[r][N - 1 - r];
        A[r][r] += 1.0;
    }
    union { double d; uint64_t u; } s = {sum};
    bench_report("matmul", s.u);
    return 0;
}
