/* The accelerator core: backend registry and selection, and the generic
 * vCPU calls that dispatch through a backend's ops table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accel/backends.h"
#include "vm/error.h"

/* `auto` tries these in order: hardware first, then the interpreter. */
static const struct vm_accel_ops *const backends[] = {
    &vm_accel_kvm_ops,
    &vm_accel_soft_ops,
};
#define NBACKENDS (sizeof(backends) / sizeof(backends[0]))

struct vm_accel {
    const struct vm_accel_ops *ops;
    struct vm_accel_config cfg;
    void *priv;
};

struct vm_vcpu {
    struct vm_accel *accel;
    void *priv;
};

const char *vm_arch_name(enum vm_arch arch)
{
    switch (arch) {
    case VM_ARCH_RISCV64: return "riscv64";
    case VM_ARCH_X86_64: return "x86-64";
    }
    return "unknown";
}

enum vm_arch vm_host_arch(void)
{
#if defined(__riscv) && __riscv_xlen == 64
    return VM_ARCH_RISCV64;
#else
    return VM_ARCH_X86_64;
#endif
}

int vm_accel_arch_mismatch(enum vm_arch guest)
{
    if (guest == vm_host_arch())
        return 0;
    return vm_error(VM_ENOTSUP, "%s guest on an %s host", vm_arch_name(guest),
                    vm_arch_name(vm_host_arch()));
}

const char *vm_exit_kind_name(enum vm_exit_kind kind)
{
    static const char *const names[] = {
        [VM_EXIT_NONE] = "none",         [VM_EXIT_MMIO] = "mmio",
        [VM_EXIT_IO] = "io",             [VM_EXIT_HALT] = "halt",
        [VM_EXIT_SHUTDOWN] = "shutdown", [VM_EXIT_DEBUG] = "debug",
        [VM_EXIT_SYSCALL] = "syscall",   [VM_EXIT_WATCH] = "watch",
        [VM_EXIT_INTR] = "intr",         [VM_EXIT_ERROR] = "error",
        [VM_EXIT_EXCEPTION] = "exception",
    };
    return (unsigned)kind < sizeof(names) / sizeof(names[0]) ? names[kind] : "?";
}

unsigned vm_accel_count(void)
{
    return NBACKENDS;
}

const struct vm_accel_ops *vm_accel_at(unsigned index)
{
    return index < NBACKENDS ? backends[index] : NULL;
}

const struct vm_accel_ops *vm_accel_find(const char *name)
{
    for (unsigned i = 0; i < NBACKENDS; i++)
        if (!strcmp(backends[i]->name, name))
            return backends[i];
    return NULL;
}

static int instantiate(const struct vm_accel_ops *ops, const struct vm_accel_config *cfg,
                       struct vm_accel **out)
{
    if (cfg->props && *cfg->props && !ops->accepts_props)
        return vm_error(VM_EINVAL, "accelerator '%s' has no properties (got '%s')", ops->name,
                        cfg->props);
    struct vm_accel *a = calloc(1, sizeof(*a));
    void *priv = ops->accel_size ? calloc(1, ops->accel_size) : NULL;
    if (!a || (ops->accel_size && !priv)) {
        free(a);
        free(priv);
        return vm_error(VM_ENOMEM, "accelerator '%s': out of host memory", ops->name);
    }
    a->ops = ops;
    a->cfg = *cfg;
    a->priv = priv;
    int rc = ops->init ? ops->init(a, &a->cfg) : 0;
    if (rc < 0) {
        free(priv);
        free(a);
        return rc;
    }
    *out = a;
    return 0;
}

int vm_accel_create(const char *spec, const struct vm_accel_config *board_cfg, bool verbose,
                    struct vm_accel **out)
{
    const char *machine = board_cfg->machine ? board_cfg->machine : "?";
    *out = NULL;
    /* NAME[,PROPS]: the properties go to the backend. */
    char name[32];
    const char *comma = spec ? strchr(spec, ',') : NULL;
    size_t len = !spec ? 0 : comma ? (size_t)(comma - spec) : strlen(spec);
    if (len >= sizeof(name))
        return vm_error(VM_EINVAL, "unknown accelerator '%s'", spec);
    memcpy(name, spec ? spec : "", len);
    name[len] = '\0';
    if (!strcmp(name, "tcg")) /* QEMU's name for its software engine */
        strcpy(name, "soft");
    struct vm_accel_config cfg = *board_cfg;
    cfg.props = comma ? comma + 1 : "";
    cfg.verbose = verbose;
    if (!len || !strcmp(name, "auto")) {
        char why[512] = "";
        for (unsigned i = 0; i < NBACKENDS; i++) {
            const struct vm_accel_ops *ops = backends[i];
            if (ops->probe(cfg.arch) < 0 || (*cfg.props && !ops->accepts_props)) {
                if (*cfg.props && !ops->accepts_props)
                    vm_error(VM_EINVAL, "no properties ('%s')", cfg.props);
                if (verbose)
                    fprintf(stderr, "vm: accel auto: not '%s': %s\n", ops->name,
                            vm_error_message());
                size_t n = strlen(why);
                snprintf(why + n, sizeof(why) - n, "%s'%s': %s", n ? "; " : "", ops->name,
                         vm_error_message());
                continue;
            }
            if (verbose)
                fprintf(stderr, "vm: accel auto: using '%s' (%s)\n", ops->name,
                        ops->description);
            return instantiate(ops, &cfg, out);
        }
        return vm_error(VM_ENOTSUP, "no accelerator can run machine '%s' (%s)", machine, why);
    }
    const struct vm_accel_ops *ops = vm_accel_find(name);
    if (!ops) {
        char names[128] = "auto, tcg";
        for (unsigned i = 0; i < NBACKENDS; i++) {
            size_t n = strlen(names);
            snprintf(names + n, sizeof(names) - n, ", %s", backends[i]->name);
        }
        return vm_error(VM_EINVAL, "unknown accelerator '%s' (choose one of: %s)", name, names);
    }
    if (ops->probe(cfg.arch) < 0) {
        char reason[256];
        snprintf(reason, sizeof(reason), "%s", vm_error_message());
        return vm_error(VM_ENOTSUP, "accelerator '%s' cannot run machine '%s' (%s)", name,
                        machine, reason);
    }
    if (verbose)
        fprintf(stderr, "vm: accel: using '%s' (%s)\n", ops->name, ops->description);
    return instantiate(ops, &cfg, out);
}

void vm_accel_destroy(struct vm_accel *accel)
{
    if (!accel)
        return;
    if (accel->ops->fini)
        accel->ops->fini(accel);
    free(accel->priv);
    free(accel);
}

const struct vm_accel_ops *vm_accel_ops_of(const struct vm_accel *accel)
{
    return accel->ops;
}

const struct vm_accel_config *vm_accel_config_of(const struct vm_accel *accel)
{
    return &accel->cfg;
}

const struct vm_reg_map *vm_accel_reg_map(const struct vm_accel *accel)
{
    return vm_reg_map_for(accel->cfg.arch);
}

void *vm_accel_priv(struct vm_accel *accel)
{
    return accel->priv;
}

int vm_accel_watch_writes(struct vm_accel *accel, uint64_t pa, uint64_t len)
{
    if (!accel->ops->watch_writes)
        return vm_error(VM_ENOTSUP, "accelerator '%s' cannot watch guest RAM writes",
                        accel->ops->name);
    return accel->ops->watch_writes(accel, pa, len);
}

int vm_vcpu_create(struct vm_accel *accel, const struct vm_vcpu_options *opt,
                   struct vm_vcpu **out)
{
    const struct vm_accel_ops *ops = accel->ops;
    *out = NULL;
    struct vm_vcpu *v = calloc(1, sizeof(*v));
    /* aligned: backends keep cache-line-sensitive state there */
    void *priv = NULL;
    if (ops->vcpu_size && posix_memalign(&priv, 64, ops->vcpu_size) == 0)
        memset(priv, 0, ops->vcpu_size);
    if (!v || (ops->vcpu_size && !priv)) {
        free(v);
        free(priv);
        return vm_error(VM_ENOMEM, "vCPU %u: out of host memory", opt->id);
    }
    v->accel = accel;
    v->priv = priv;
    int rc = ops->vcpu_init(v, opt);
    if (rc < 0) {
        free(priv);
        free(v);
        return rc;
    }
    *out = v;
    return 0;
}

void vm_vcpu_destroy(struct vm_vcpu *vcpu)
{
    if (!vcpu)
        return;
    if (vcpu->accel->ops->vcpu_fini)
        vcpu->accel->ops->vcpu_fini(vcpu);
    free(vcpu->priv);
    free(vcpu);
}

int vm_vcpu_run(struct vm_vcpu *vcpu, struct vm_exit *exit)
{
    return vcpu->accel->ops->vcpu_run(vcpu, exit);
}

void vm_vcpu_kick(struct vm_vcpu *vcpu)
{
    vcpu->accel->ops->vcpu_kick(vcpu);
}

int vm_vcpu_get_regs(struct vm_vcpu *vcpu, enum vm_regset set, void *buf)
{
    return vcpu->accel->ops->get_regs(vcpu, set, buf);
}

int vm_vcpu_set_regs(struct vm_vcpu *vcpu, enum vm_regset set, const void *buf)
{
    return vcpu->accel->ops->set_regs(vcpu, set, buf);
}

void *vm_vcpu_priv(struct vm_vcpu *vcpu)
{
    return vcpu->priv;
}

struct vm_accel *vm_vcpu_accel(struct vm_vcpu *vcpu)
{
    return vcpu->accel;
}

/* One register: read (or read-modify-write) its whole set through the map. */
static int reg_access(struct vm_vcpu *vcpu, unsigned number, uint64_t *value, bool write)
{
    const struct vm_reg_map *map = vm_accel_reg_map(vcpu->accel);
    const struct vm_reg_desc *d = map ? vm_reg_map_find_number(map, number) : NULL;
    if (!d)
        return vm_error(VM_ENOENT, "%s: no register number %u",
                        vm_arch_name(vcpu->accel->cfg.arch), number);
    unsigned char buf[4096];
    if (map->set_size[d->set] > sizeof(buf) || d->offset + d->size > map->set_size[d->set])
        return vm_error(VM_EINVAL, "register '%s': bad map entry", d->name);
    int rc = vm_vcpu_get_regs(vcpu, d->set, buf);
    if (rc < 0)
        return rc;
    if (!write) {
        *value = 0;
        memcpy(value, buf + d->offset, d->size); /* little-endian host */
        return 0;
    }
    memcpy(buf + d->offset, value, d->size);
    return vm_vcpu_set_regs(vcpu, d->set, buf);
}

int vm_vcpu_get_reg(struct vm_vcpu *vcpu, unsigned number, uint64_t *value)
{
    return reg_access(vcpu, number, value, false);
}

int vm_vcpu_set_reg(struct vm_vcpu *vcpu, unsigned number, uint64_t value)
{
    return reg_access(vcpu, number, &value, true);
}

void vm_vcpu_stats(struct vm_vcpu *vcpu, char *buf, size_t size)
{
    const struct vm_accel_ops *ops = vcpu->accel->ops;
    if (size)
        buf[0] = '\0';
    if (ops->vcpu_stats && size)
        ops->vcpu_stats(vcpu, buf, size);
}

int vm_vcpu_set_debug(struct vm_vcpu *vcpu, const struct vm_vcpu_debug *dbg)
{
    const struct vm_accel_ops *ops = vcpu->accel->ops;
    if (!ops->set_debug)
        return vm_error(VM_ENOTSUP, "accelerator '%s' has no debugging support", ops->name);
    if (dbg->nr_breakpoints > VM_DEBUG_MAX_BREAKPOINTS ||
        dbg->nr_watchpoints > VM_DEBUG_MAX_WATCHPOINTS)
        return vm_error(VM_EINVAL, "too many breakpoints or watchpoints");
    return ops->set_debug(vcpu, dbg);
}

long vm_vcpu_debug_access(struct vm_vcpu *vcpu, uint64_t va, void *buf, size_t len, bool write)
{
    const struct vm_accel_ops *ops = vcpu->accel->ops;
    if (!ops->debug_access)
        return vm_error(VM_ENOTSUP, "accelerator '%s' cannot access guest memory for a debugger",
                        ops->name);
    return ops->debug_access(vcpu, va, buf, len, write);
}
