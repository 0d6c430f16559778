/* `vm user [OPTIONS] PROG [ARGS...]`: Linux user-mode emulation with
 * qemu-riscv64's flags (include/vm/user.h, docs/USER.md). Options stop at
 * the program's name; everything after it is the program's. Environment
 * defaults (QEMU_LD_PREFIX and friends, under vm's own names):
 * VM_USER_LD_PREFIX (-L), VM_USER_STRACE (-d strace). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "vm/error.h"
#include "vm/log.h"
#include "vm/user.h"

extern char **environ;

struct user_cli {
    struct vm_user_config cfg;
    const char *argv0;
    char **env; /* the guest's environment, built from ours */
    size_t nenv, cap;
    char accel_props[128];
};

static int env_unset(struct user_cli *u, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < u->nenv; i++)
        if (!strncmp(u->env[i], name, n) && u->env[i][n] == '=') {
            memmove(&u->env[i], &u->env[i + 1], (u->nenv - i) * sizeof(char *));
            u->nenv--;
            return 0;
        }
    return 0;
}

static int env_set(struct user_cli *u, const char *assignment)
{
    const char *eq = strchr(assignment, '=');
    if (!eq || eq == assignment)
        return vm_cli_error(VM_EXIT_USAGE, "user: -E '%s': VAR=VALUE", assignment);
    char name[256];
    snprintf(name, sizeof(name), "%.*s", (int)(eq - assignment), assignment);
    env_unset(u, name);
    if (u->nenv + 2 > u->cap) {
        size_t cap = u->cap * 2 + 16;
        char **n = realloc(u->env, cap * sizeof(char *));
        if (!n)
            return vm_cli_error(VM_EXIT_BAD, "user: out of memory");
        u->env = n;
        u->cap = cap;
    }
    u->env[u->nenv++] = (char *)assignment;
    u->env[u->nenv] = NULL;
    return 0;
}

static int set_debug(struct user_cli *u, const char *items)
{
    char buf[256], log[256] = "";
    snprintf(buf, sizeof(buf), "%s", items);
    for (char *save, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (!strcmp(t, "strace"))
            u->cfg.strace = true;
        else if (!strcmp(t, "unimp"))
            u->cfg.unimp = true;
        else if (!strcmp(t, "in_asm") || !strcmp(t, "out_asm")) /* the JIT's, as vm run's */
            snprintf(log + strlen(log), sizeof(log) - strlen(log), "%s%s", *log ? "," : "", t);
        else
            return vm_cli_error(VM_EXIT_USAGE,
                                "user: -d '%s': items are strace, unimp, in_asm, out_asm", t);
    }
    if (*log && vm_log_set_items(log) < 0)
        return vm_cli_error(VM_EXIT_USAGE, "user: %s", vm_error_message());
    return 0;
}

static int f_L(struct user_cli *u, const char *a) { u->cfg.sysroot = a; return 0; }
static int f_E(struct user_cli *u, const char *a) { return env_set(u, a); }
static int f_U(struct user_cli *u, const char *a) { return env_unset(u, a); }
static int f_0(struct user_cli *u, const char *a) { u->argv0 = a; return 0; }
static int f_d(struct user_cli *u, const char *a) { return set_debug(u, a); }
static int f_strace(struct user_cli *u, const char *a) { (void)a; u->cfg.strace = true; return 0; }
static int f_v(struct user_cli *u, const char *a) { (void)a; u->cfg.verbose = true; return 0; }
static int f_D(struct user_cli *u, const char *a)
{
    (void)u;
    if (vm_log_set_file(a) < 0)
        return vm_cli_error(VM_EXIT_BAD, "user: %s", vm_error_message());
    return 0;
}

/* -accel tcg|soft[,jit=on|off,...]: the soft engine's properties. */
static int f_accel(struct user_cli *u, const char *a)
{
    const char *comma = strchr(a, ',');
    size_t n = comma ? (size_t)(comma - a) : strlen(a);
    if (!((n == 3 && !strncmp(a, "tcg", 3)) || (n == 4 && !strncmp(a, "soft", 4))))
        return vm_cli_error(VM_EXIT_USAGE, "user: -accel '%s': only tcg (soft) runs user mode",
                            a);
    snprintf(u->accel_props, sizeof(u->accel_props), "%s", comma ? comma + 1 : "");
    u->cfg.accel_props = u->accel_props;
    return 0;
}

static const struct user_flag {
    const char *name, *arg, *help;
    int (*parse)(struct user_cli *u, const char *arg);
} user_flags[] = {
    {"L", "PATH", "look for the ELF interpreter and absolute paths under PATH first "
                  "(env VM_USER_LD_PREFIX)", f_L},
    {"E", "VAR=VALUE", "set VAR in the program's environment", f_E},
    {"U", "VAR", "remove VAR from the program's environment", f_U},
    {"0", "ARGV0", "the program's argv[0] (default: PROG as given)", f_0},
    {"d", "ITEMS", "strace: every system call on stderr; unimp: unsupported ones, once "
                   "(env VM_USER_LOG=ITEMS; VM_USER_STRACE=1 for strace); in_asm, out_asm: "
                   "guest and host code of each translated block", f_d},
    {"D", "LOGFILE", "write the in_asm/out_asm log to LOGFILE instead of stderr", f_D},
    {"v", NULL, "the engine at start and its statistics at exit (translated code) on stderr",
     f_v},
    {"strace", NULL, "the same as -d strace", f_strace},
    {"accel", "tcg[,jit=on|off][,jit-hot=N]", "the engine: translated code (default on x86-64) "
                                  "or the interpreter; jit-hot: runs of a block in the "
                                  "interpreter before it is translated (default 16)", f_accel},
};
#define NFLAGS (sizeof(user_flags) / sizeof(user_flags[0]))

void vm_cli_print_user_help(FILE *f)
{
    fprintf(f, "usage: vm user [OPTIONS] PROG [ARGS...]\n"
               "run a riscv64 Linux program on this host (as qemu-riscv64)\n"
               "options:\n");
    for (size_t i = 0; i < NFLAGS; i++) {
        char shape[48];
        snprintf(shape, sizeof(shape), "-%s%s%s", user_flags[i].name, user_flags[i].arg ? " " : "",
                 user_flags[i].arg ? user_flags[i].arg : "");
        fprintf(f, "  %-24s %s\n", shape, user_flags[i].help);
    }
    fprintf(f, "exit status: the program's; death by a signal is passed on as such\n");
}

int vm_cli_cmd_user(int argc, char **argv)
{
    struct user_cli u;
    memset(&u, 0, sizeof(u));
    int rc = 0;
    for (char **e = environ; *e && rc == 0; e++)
        rc = env_set(&u, *e);
    if (rc == 0 && !u.env && !(u.env = calloc(1, sizeof(char *))))
        rc = vm_cli_error(VM_EXIT_BAD, "user: out of memory");
    const char *ld = getenv("VM_USER_LD_PREFIX"), *st = getenv("VM_USER_STRACE");
    const char *log = getenv("VM_USER_LOG"); /* QEMU_LOG: -d's default */
    if (ld && *ld)
        u.cfg.sysroot = ld;
    if (st && *st && strcmp(st, "0"))
        u.cfg.strace = true;
    if (rc == 0 && log && *log)
        rc = set_debug(&u, log);
    int i = 0;
    while (rc == 0 && i < argc && argv[i][0] == '-') {
        const char *name = argv[i] + 1 + (argv[i][1] == '-');
        if (!strcmp(argv[i], "--")) {
            i++;
            break;
        }
        if (!strcmp(name, "h") || !strcmp(name, "help")) {
            vm_cli_print_user_help(stdout);
            free(u.env);
            return 0;
        }
        const struct user_flag *f = NULL;
        for (size_t k = 0; k < NFLAGS; k++)
            if (!strcmp(user_flags[k].name, name))
                f = &user_flags[k];
        if (!f) {
            rc = vm_cli_error(VM_EXIT_USAGE, "user: unknown option '%s' (vm user -h lists them)",
                              argv[i]);
            break;
        }
        if (f->arg && i + 1 >= argc) {
            rc = vm_cli_error(VM_EXIT_USAGE, "user: %s needs an argument (%s)", argv[i], f->arg);
            break;
        }
        rc = f->parse(&u, f->arg ? argv[i + 1] : NULL);
        i += f->arg ? 2 : 1;
    }
    if (rc == 0 && i >= argc)
        rc = vm_cli_error(VM_EXIT_USAGE, "user: no program given (vm user [OPTIONS] PROG [ARGS...])");
    if (rc) {
        free(u.env);
        return rc;
    }
    u.cfg.prog = argv[i];
    char self[4096];
    ssize_t sn = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (sn > 0) {
        self[sn] = '\0';
        u.cfg.self = self;
    }
    if (u.argv0)
        argv[i] = (char *)u.argv0;
    u.cfg.argv = argv + i;
    u.cfg.envp = u.env;
    struct vm_user_result res = {0, 0};
    rc = vm_user_run(&u.cfg, &res);
    free(u.env);
    if (rc < 0)
        return vm_cli_error(VM_EXIT_BAD, "%s", vm_error_message());
    fflush(stdout);
    fflush(stderr);
    if (res.signal) {
        vm_user_die_of(res.signal);
        return 128 + res.signal; /* if it did not end us */
    }
    return res.status;
}
