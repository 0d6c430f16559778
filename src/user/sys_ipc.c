/* System V IPC (message queues, semaphores, shared memory) and POSIX
 * message queues. Their structures are the same on both ABIs (asm-generic)
 * except struct semid64_ds, whose x86-64 form has a padding word after each
 * time: semctl converts it. A shared memory segment is attached where the
 * guest's address space wants it (addr_space.c: the host segment itself at
 * host + addr, so forked children and host processes share it). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "user/user_internal.h"

static void *gp(struct user_proc *p, uint64_t addr, uint64_t len)
{
    return user_gp(&p->as, addr, len);
}

#define G_SEMID_DS 88 /* ipc64_perm (48), otime, ctime, nsems, 2 unused */
#define H_SEMID_DS 104 /* ipc64_perm, otime, pad, ctime, pad, nsems, 2 unused */
#define IPC_64_ 0x100

static int64_t sys_semctl(struct user_proc *p, const uint64_t a[6])
{
    int cmd = (int)a[2] & ~IPC_64_;
    uint8_t h[H_SEMID_DS];
    switch (cmd) {
    case IPC_STAT: case SEM_STAT: case SEM_STAT_ANY: {
        if (!user_as_check(&p->as, a[3], G_SEMID_DS, USER_PROT_W))
            return -EFAULT;
        int64_t r = user_ret(syscall(SYS_semctl, (int)a[0], (int)a[1], (int)a[2], h));
        if (r < 0)
            return r;
        uint8_t g[G_SEMID_DS];
        memcpy(g, h, 48);
        memcpy(g + 48, h + 48, 8); /* sem_otime */
        memcpy(g + 56, h + 64, 8); /* sem_ctime */
        memcpy(g + 64, h + 80, 24); /* sem_nsems, unused */
        return user_put(p, a[3], g, G_SEMID_DS) < 0 ? -EFAULT : r;
    }
    case IPC_SET: {
        if (!user_as_check(&p->as, a[3], G_SEMID_DS, USER_PROT_R))
            return -EFAULT;
        const uint8_t *g = user_g2h(&p->as, a[3], G_SEMID_DS);
        memset(h, 0, sizeof(h));
        memcpy(h, g, 48);
        memcpy(h + 48, g + 48, 8);
        memcpy(h + 64, g + 56, 8);
        memcpy(h + 80, g + 64, 24);
        return user_ret(syscall(SYS_semctl, (int)a[0], (int)a[1], (int)a[2], h));
    }
    case GETALL: case SETALL: /* unsigned short[nsems]: the kernel checks the size */
        if (cmd == GETALL) { /* it writes nsems values */
            uint64_t nsems = 0;
            if (syscall(SYS_semctl, (int)a[0], 0, IPC_STAT, h) == 0)
                memcpy(&nsems, h + 80, 8);
            return user_ret(syscall(SYS_semctl, (int)a[0], (int)a[1], (int)a[2],
                                    user_out(p, a[3], nsems * 2)));
        }
        return user_ret(syscall(SYS_semctl, (int)a[0], (int)a[1], (int)a[2], gp(p, a[3], 2)));
    case IPC_INFO: case SEM_INFO: /* struct seminfo: ints */
        return user_ret(syscall(SYS_semctl, (int)a[0], (int)a[1], (int)a[2], user_out(p, a[3], 40)));
    default: /* SETVAL's int, or nothing */
        return user_ret(syscall(SYS_semctl, (int)a[0], (int)a[1], (int)a[2], a[3]));
    }
}

/* shmid64_ds (112 bytes), shminfo64 (72) and shm_info (48) are alike */
#define G_SHMID_DS 112
#define G_SHMLBA 4096 /* riscv64's: asm-generic, a page */

static int64_t sys_shmat(struct user_proc *p, int id, uint64_t addr, int flg)
{
    /* the checks in Linux's order (do_shmat) */
    if (id < 0)
        return -EINVAL;
    bool fixed = addr != 0; /* where the guest said, even if it rounds down to 0 */
    if (addr & (G_SHMLBA - 1)) {
        if (!(flg & SHM_RND))
            return -EINVAL;
        addr &= ~(uint64_t)(G_SHMLBA - 1);
    }
    if (!addr && (flg & SHM_REMAP))
        return -EINVAL;
    struct shmid_ds ds;
    if (shmctl(id, IPC_STAT, &ds) < 0)
        return -errno;
    uint64_t len = USER_ALIGN_UP((uint64_t)ds.shm_segsz);
    int prot = flg & SHM_RDONLY ? USER_PROT_R : USER_PROT_R | USER_PROT_W;
    if (flg & SHM_EXEC)
        prot |= USER_PROT_X;
    char name[32]; /* as Linux's /proc/self/maps names it */
    snprintf(name, sizeof(name), "/SYSV%08x (deleted)", (unsigned)ds.shm_perm.__key);
    int64_t r;
    user_as_lock(&p->as);
    if (!fixed)
        r = (addr = user_as_find_free(&p->as, 0, len)) ? 0 : -ENOMEM;
    else if (!addr || !user_g2h(&p->as, addr, len))
        r = addr ? -ENOMEM : -EINVAL; /* (page 0: Linux's mmap_min_addr) */
    else if (!(flg & SHM_REMAP) && user_as_find_free(&p->as, addr, len) != addr)
        r = -EINVAL; /* something is mapped there */
    else
        r = 0;
    if (r == 0)
        r = user_as_shmat(&p->as, addr, len, prot, id, flg, name);
    user_as_unlock(&p->as);
    return r < 0 ? r : (int64_t)addr;
}

static int64_t sys_shmctl(struct user_proc *p, const uint64_t a[6])
{
    int cmd = (int)a[1] & ~IPC_64_;
    switch (cmd) {
    case IPC_STAT: case SHM_STAT: case SHM_STAT_ANY: case IPC_INFO: case SHM_INFO:
        return user_ret(syscall(SYS_shmctl, (int)a[0], (int)a[1],
                                user_out(p, a[2], cmd == IPC_INFO ? 72 : cmd == SHM_INFO ? 48
                                                                                  : G_SHMID_DS)));
    default: /* IPC_SET reads a shmid64_ds; IPC_RMID, SHM_LOCK, SHM_UNLOCK ignore it */
        return user_ret(syscall(SYS_shmctl, (int)a[0], (int)a[1], gp(p, a[2], G_SHMID_DS)));
    }
}

int64_t user_sys_ipc(struct user_proc *p, uint64_t nr, const uint64_t a[6])
{
    switch (nr) {
    case 186: return user_ret(syscall(SYS_msgget, (key_t)a[0], (int)a[1]));
    case 187: /* msgctl: msqid64_ds and msginfo are alike */
        return user_ret(syscall(SYS_msgctl, (int)a[0], (int)a[1], user_out(p, a[2], 120)));
    case 188: /* msgrcv: {long mtype; char mtext[]} */
        return user_block(SYS_msgrcv, (int)a[0], user_out(p, a[1], a[2] + 8), (size_t)a[2],
                          (long)a[3], (int)a[4]);
    case 189: return user_block(SYS_msgsnd, (int)a[0], gp(p, a[1], a[2] + 8), (size_t)a[2], (int)a[3]);
    case 194: return user_ret(syscall(SYS_shmget, (key_t)a[0], (size_t)a[1], (int)a[2]));
    case 195: return sys_shmctl(p, a);
    case 196: return sys_shmat(p, (int)a[0], a[1], (int)a[2]);
    case 197: {
        user_as_lock(&p->as);
        int64_t r = user_as_shmdt(&p->as, a[0]);
        user_as_unlock(&p->as);
        return r;
    }
    case 190: return user_ret(syscall(SYS_semget, (key_t)a[0], (int)a[1], (int)a[2]));
    case 191: return sys_semctl(p, a);
    case 192: return user_block(SYS_semtimedop, (int)a[0], gp(p, a[1], a[2] * 6), (size_t)a[2],
                                gp(p, a[3], 16));
    case 193: return user_block(SYS_semtimedop, (int)a[0], gp(p, a[1], a[2] * 6), (size_t)a[2], NULL);
    /* POSIX message queues: mq_attr is four longs and padding on both */
    case 180: {
        const char *name = user_str(p, a[0]);
        return name ? user_ret(syscall(SYS_mq_open, name, (int)a[1], (unsigned)a[2], gp(p, a[3], 64)))
                    : -EFAULT;
    }
    case 181: {
        const char *name = user_str(p, a[0]);
        return name ? user_ret(syscall(SYS_mq_unlink, name)) : -EFAULT;
    }
    case 182: return user_block(SYS_mq_timedsend, (int)a[0], gp(p, a[1], a[2]), (size_t)a[2],
                                (unsigned)a[3], gp(p, a[4], 16));
    case 183: return user_block(SYS_mq_timedreceive, (int)a[0], user_out_count(p, a[1], a[2]),
                                (size_t)a[2], user_out(p, a[3], 4), gp(p, a[4], 16));
    case 184: return user_ret(syscall(SYS_mq_notify, (int)a[0], gp(p, a[1], 64)));
    case 185: return user_ret(syscall(SYS_mq_getsetattr, (int)a[0], gp(p, a[1], 64),
                                      user_out(p, a[2], 64)));
    }
    return USER_UNKNOWN;
}
