/* System V IPC (message queues, semaphores) and POSIX message queues. Their
 * structures are the same on both ABIs (asm-generic) except struct
 * semid64_ds, whose x86-64 form has a padding word after each time:
 * semctl converts it. Shared memory segments (shmat) are not done: they
 * would have to become mappings of the guest's address space. */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/sem.h>
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
        uint8_t *g = user_g2h(&p->as, a[3], G_SEMID_DS);
        memcpy(g, h, 48);
        memcpy(g + 48, h + 48, 8); /* sem_otime */
        memcpy(g + 56, h + 64, 8); /* sem_ctime */
        memcpy(g + 64, h + 80, 24); /* sem_nsems, unused */
        return r;
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
        return user_ret(syscall(SYS_semctl, (int)a[0], (int)a[1], (int)a[2], gp(p, a[3], 2)));
    case IPC_INFO: case SEM_INFO: /* struct seminfo: ints */
        return user_ret(syscall(SYS_semctl, (int)a[0], (int)a[1], (int)a[2], gp(p, a[3], 40)));
    default: /* SETVAL's int, or nothing */
        return user_ret(syscall(SYS_semctl, (int)a[0], (int)a[1], (int)a[2], a[3]));
    }
}

int64_t user_sys_ipc(struct user_proc *p, uint64_t nr, const uint64_t a[6])
{
    switch (nr) {
    case 186: return user_ret(syscall(SYS_msgget, (key_t)a[0], (int)a[1]));
    case 187: /* msgctl: msqid64_ds and msginfo are alike */
        return user_ret(syscall(SYS_msgctl, (int)a[0], (int)a[1], gp(p, a[2], 120)));
    case 188: { /* msgrcv: {long mtype; char mtext[]} */
        return user_block(SYS_msgrcv, (int)a[0], gp(p, a[1], a[2] + 8), (size_t)a[2],
                          (long)a[3], (int)a[4]);
    }
    case 189: return user_block(SYS_msgsnd, (int)a[0], gp(p, a[1], a[2] + 8), (size_t)a[2], (int)a[3]);
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
    case 183: return user_block(SYS_mq_timedreceive, (int)a[0], gp(p, a[1], a[2]), (size_t)a[2],
                                gp(p, a[3], 4), gp(p, a[4], 16));
    case 184: return user_ret(syscall(SYS_mq_notify, (int)a[0], gp(p, a[1], 64)));
    case 185: return user_ret(syscall(SYS_mq_getsetattr, (int)a[0], gp(p, a[1], 64), gp(p, a[2], 64)));
    }
    return USER_UNKNOWN;
}
