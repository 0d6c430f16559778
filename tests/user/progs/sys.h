/* Linux riscv64 system calls for the test programs: number in a7,
 * arguments in a0-a5, result in a0. */
#define SYS_write 64
#define SYS_exit_group 94
#define SYS_mmap 222
#define SYS_munmap 215
#define SYS_mprotect 226
#define SYSCALL(nr) li a7, nr; ecall
