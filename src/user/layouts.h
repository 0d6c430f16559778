/* Structures whose riscv64 layout differs from x86-64's, converted field
 * by field (the others go to the host kernel as they are: sys_file.c). */
#ifndef VM_USER_LAYOUTS_H
#define VM_USER_LAYOUTS_H

#include <stdint.h>
#include <sys/stat.h>

struct user_proc;

/* riscv64's struct stat (asm-generic/stat.h): 128 bytes. */
struct user_stat {
    uint64_t st_dev, st_ino;
    uint32_t st_mode, st_nlink, st_uid, st_gid;
    uint64_t st_rdev, pad1;
    int64_t st_size;
    int32_t st_blksize, pad2;
    int64_t st_blocks;
    int64_t st_atime_, st_atime_nsec, st_mtime_, st_mtime_nsec, st_ctime_, st_ctime_nsec;
    uint32_t unused4, unused5;
};

/* Store host st as the guest's struct stat at addr: 0 or -EFAULT. */
int64_t user_put_stat(struct user_proc *p, uint64_t addr, const struct stat *st);

#endif
