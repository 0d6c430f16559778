/* System V shared memory: a segment attached in the guest's address space
 * is the host segment itself, so a parent and its forked child (two vm
 * processes) share it; IPC_STAT's fields (size, attach count, pids, times,
 * mode) as Linux keeps them; two attachments of one segment alias; shmat at
 * a chosen address (SHM_RND rounds down to SHMLBA, a page on riscv64;
 * SHM_REMAP replaces a mapping, without it an occupied range is EINVAL);
 * SHM_RDONLY (the kernel cannot write it: EFAULT); shmdt frees the range;
 * IPC_RMID while attached (SHM_DEST, the key gone, attach still allowed as
 * on Linux) and after the last detach (EINVAL). EIDRM: Linux returns it
 * only when the segment is removed during the call itself (a race), so it
 * is not tested. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

#define SEG (3 * 4096 + 100) /* not a whole number of pages */
#define PAGE 4096

static struct shmid_ds stat_of(int id)
{
    struct shmid_ds ds;
    memset(&ds, 0xa5, sizeof(ds));
    CHECK(shmctl(id, IPC_STAT, &ds) == 0);
    return ds;
}

/* A free, page-aligned range of n pages (mapped then unmapped). */
static char *free_range(size_t n)
{
    char *p = mmap(NULL, n * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED);
    CHECK(munmap(p, n * PAGE) == 0);
    return p;
}

static int is_free(char *p, size_t len)
{
    void *q = mmap(p, len, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (q == MAP_FAILED)
        return 0;
    munmap(q, len);
    return q == p;
}

static void test_fork_and_stat(void)
{
    key_t key = (key_t)(0x76000000 | (getpid() & 0xffffff));
    int id = shmget(key, SEG, IPC_CREAT | IPC_EXCL | 0600);
    for (int i = 0; id < 0 && errno == EEXIST && i < 64; i++) /* a stale one of that pid */
        id = shmget(++key, SEG, IPC_CREAT | IPC_EXCL | 0600);
    CHECK(id >= 0);
    CHECK(shmget(key, SEG, IPC_CREAT | IPC_EXCL | 0600) == -1 && errno == EEXIST);
    CHECK(shmget(key, 0, 0) == id);
    struct shmid_ds ds = stat_of(id);
    CHECK(ds.shm_segsz == SEG && ds.shm_nattch == 0 && ds.shm_cpid == getpid());
    CHECK(ds.shm_atime == 0 && ds.shm_dtime == 0 && ds.shm_ctime != 0);
    CHECK((ds.shm_perm.mode & 0777) == 0600 && ds.shm_perm.__key == key);
    CHECK(ds.shm_perm.uid == getuid() && ds.shm_perm.cuid == getuid());
    printf("shmget: segsz %zu nattch %lu mode %o\n", (size_t)ds.shm_segsz,
           (unsigned long)ds.shm_nattch, (unsigned)ds.shm_perm.mode & 0777);

    volatile char *s = shmat(id, NULL, 0);
    CHECK(s != (void *)-1 && ((uintptr_t)s & (PAGE - 1)) == 0);
    for (int i = 0; i < SEG; i++)
        CHECK(s[i] == 0);
    /* the last page is whole (the segment is page-rounded), zero past SEG */
    CHECK(s[4 * PAGE - 1] == 0);
    strcpy((char *)s, "from the parent");
    s[SEG - 1] = 'P';
    ds = stat_of(id);
    CHECK(ds.shm_nattch == 1 && ds.shm_lpid == getpid() && ds.shm_atime != 0 &&
          ds.shm_dtime == 0);
    printf("attached: nattch %lu, %s\n", (unsigned long)ds.shm_nattch, (char *)s);

    /* a second attachment of the same segment: the same bytes */
    volatile char *t = shmat(id, NULL, 0);
    CHECK(t != (void *)-1 && t != s);
    CHECK(strcmp((char *)t, "from the parent") == 0);
    t[100] = 'x';
    CHECK(s[100] == 'x');
    CHECK(stat_of(id).shm_nattch == 2);
    CHECK(shmdt((void *)t) == 0);
    CHECK(stat_of(id).shm_nattch == 1);

    /* the child (another process) reads and writes the parent's bytes */
    int pfd[2];
    CHECK(pipe(pfd) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        char c;
        close(pfd[1]);
        int ok = read(pfd[0], &c, 1) == 1 && strcmp((char *)s, "from the parent") == 0 &&
                 s[SEG - 1] == 'P' && shmctl(id, IPC_STAT, &ds) == 0 && ds.shm_nattch == 2;
        strcpy((char *)s + 1000, "from the child");
        s[SEG - 2] = 'C';
        _exit(ok ? 0 : 3);
    }
    close(pfd[0]);
    CHECK(stat_of(id).shm_nattch == 2); /* the child inherited the attachment */
    CHECK(write(pfd[1], "g", 1) == 1);
    int st;
    CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
    close(pfd[1]);
    CHECK(strcmp((char *)s + 1000, "from the child") == 0 && s[SEG - 2] == 'C');
    ds = stat_of(id);
    /* the child's exit detached it: the last operation was the child's */
    CHECK(ds.shm_nattch == 1 && ds.shm_lpid == pid && ds.shm_dtime != 0);
    printf("child wrote: %s %c, nattch %lu\n", (char *)s + 1000, s[SEG - 2],
           (unsigned long)ds.shm_nattch);

    /* /proc/self/maps names it as Linux does */
    char maps[16384];
    int fd = open("/proc/self/maps", O_RDONLY);
    ssize_t n = fd >= 0 ? read(fd, maps, sizeof(maps) - 1) : -1;
    if (fd >= 0)
        close(fd);
    maps[n > 0 ? n : 0] = '\0';
    char name[32];
    snprintf(name, sizeof(name), "/SYSV%08x (deleted)", (unsigned)key);
    CHECK(strstr(maps, name) != NULL);

    /* IPC_RMID while attached: marked, the key forgotten, still attachable */
    CHECK(shmctl(id, IPC_RMID, NULL) == 0);
    ds = stat_of(id);
    CHECK((ds.shm_perm.mode & SHM_DEST) && ds.shm_perm.__key == IPC_PRIVATE && ds.shm_nattch == 1);
    CHECK(shmget(key, 0, 0) == -1 && errno == ENOENT);
    t = shmat(id, NULL, SHM_RDONLY);
    CHECK(t != (void *)-1 && t[100] == 'x');
    /* read-only: the kernel cannot write there either */
    int zero = open("/dev/zero", O_RDONLY);
    CHECK(read(zero, (void *)t, 16) == -1 && errno == EFAULT);
    CHECK(read(zero, (void *)s, 16) == 16 && s[0] == 0);
    close(zero);
    CHECK(shmdt((void *)t) == 0);
    CHECK(shmdt((void *)s) == 0);
    CHECK(shmdt((void *)s) == -1 && errno == EINVAL);
    CHECK(is_free((char *)s, 4 * PAGE));
    /* the last detach destroyed it */
    CHECK(shmctl(id, IPC_STAT, &ds) == -1 && errno == EINVAL);
    CHECK(shmat(id, NULL, 0) == (void *)-1 && errno == EINVAL);
    printf("removed: %s\n", check_failures ? "no" : "yes");
}

static void test_addresses(void)
{
    int id = shmget(IPC_PRIVATE, 2 * PAGE, IPC_CREAT | 0600);
    CHECK(id >= 0);
    char *r = free_range(8);
    /* unaligned: EINVAL, unless SHM_RND rounds it down to SHMLBA */
    CHECK(shmat(id, r + 0x123, 0) == (void *)-1 && errno == EINVAL);
    char *a = shmat(id, r + PAGE + 0x123, SHM_RND);
    CHECK(a == r + PAGE);
    strcpy(a, "rounded");
    /* an occupied range: EINVAL; SHM_REMAP replaces what was there */
    char *m = mmap(r + 4 * PAGE, 2 * PAGE, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    CHECK(m == r + 4 * PAGE);
    strcpy(m, "anonymous");
    CHECK(shmat(id, m, 0) == (void *)-1 && errno == EINVAL);
    CHECK(strcmp(m, "anonymous") == 0);
    CHECK(shmat(id, m + PAGE, 0) == (void *)-1 && errno == EINVAL); /* overlaps its end */
    char *b = shmat(id, m, SHM_REMAP);
    CHECK(b == m && strcmp(b, "rounded") == 0);
    /* Linux (do_shmat): SHM_REMAP needs an address. qemu-riscv64 7.2 attaches
     * anywhere instead: tolerated outside vm only */
    void *any = shmat(id, NULL, SHM_REMAP);
    if (under_vm() || any == (void *)-1)
        CHECK(any == (void *)-1 && errno == EINVAL);
    else
        fprintf(stderr, "qemu-riscv64: shmat(NULL, SHM_REMAP) attached (Linux: EINVAL)\n"),
            shmdt(any);
    CHECK(shmat(-1, NULL, 0) == (void *)-1 && errno == EINVAL);
    /* a detach of part of an attachment: munmap, then shmdt takes the rest */
    CHECK(munmap(a, PAGE) == 0);
    CHECK(shmdt(a) == 0);
    CHECK(is_free(a, 2 * PAGE));
    CHECK(shmdt(b + 1) == -1 && errno == EINVAL);
    CHECK(shmdt(b + PAGE) == -1 && errno == EINVAL); /* not where it was attached */
    CHECK(shmdt(b) == 0);
    CHECK(is_free(b, 2 * PAGE));
    printf("addresses: %s\n", check_failures ? "wrong" : "as Linux");

    struct shminfo info;
    CHECK(shmctl(0, IPC_INFO, (struct shmid_ds *)&info) >= 0 && info.shmmax >= 2 * PAGE &&
          info.shmmni > 0);
    struct shm_info si;
    CHECK(shmctl(0, SHM_INFO, (struct shmid_ds *)&si) >= 0 && si.used_ids >= 1);
    CHECK(shmctl(id, 12345, NULL) == -1 && errno == EINVAL);
    CHECK(shmctl(id, IPC_RMID, NULL) == 0);
    CHECK(shmget(IPC_PRIVATE, 0, IPC_CREAT | 0600) == -1 && errno == EINVAL);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    test_fork_and_stat();
    test_addresses();
    return check_done();
}
