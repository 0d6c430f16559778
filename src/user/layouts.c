/* Layout conversions between the host's structures and riscv64's. */
#include <errno.h>
#include <string.h>

#include "user/layouts.h"
#include "user/user_internal.h"

_Static_assert(sizeof(struct user_stat) == 128, "riscv64 struct stat is 128 bytes");

int64_t user_put_stat(struct user_proc *p, uint64_t addr, const struct stat *st)
{
    struct user_stat g;
    memset(&g, 0, sizeof(g));
    g.st_dev = st->st_dev;
    g.st_ino = st->st_ino;
    g.st_mode = st->st_mode;
    g.st_nlink = (uint32_t)st->st_nlink;
    g.st_uid = st->st_uid;
    g.st_gid = st->st_gid;
    g.st_rdev = st->st_rdev;
    g.st_size = st->st_size;
    g.st_blksize = (int32_t)st->st_blksize;
    g.st_blocks = st->st_blocks;
    g.st_atime_ = st->st_atim.tv_sec;
    g.st_atime_nsec = st->st_atim.tv_nsec;
    g.st_mtime_ = st->st_mtim.tv_sec;
    g.st_mtime_nsec = st->st_mtim.tv_nsec;
    g.st_ctime_ = st->st_ctim.tv_sec;
    g.st_ctime_nsec = st->st_ctim.tv_nsec;
    return user_put(p, addr, &g, sizeof(g));
}
