/* `vm help --man`: the manual page vm.1, its OPTIONS section made from the
 * flag table (so the page lists exactly the flags `vm help` lists). The
 * build writes it (build/vm.1) and installs it. */
#include <string.h>

#include "cli.h"
#include "vm/version.h"

static const char head[] =
    ".SH NAME\n"
    "vm \\- a RISC\\-V 64 system emulator with QEMU's command\\-line flags\n"
    ".SH SYNOPSIS\n"
    ".B vm run\n"
    "[\\fIOPTIONS\\fR] [\\fIPROG.elf\\fR]\n"
    ".br\n"
    ".B vm help\n"
    "[\\fBrun\\fR]\n"
    ".br\n"
    ".B vm version\n"
    ".SH DESCRIPTION\n"
    ".B vm\n"
    "runs a RISC\\-V 64 machine in software on x86\\-64 Linux: a board with QEMU\n"
    "virt's memory map that boots Debian's OpenSBI, U\\-Boot and riscv64 Linux\n"
    "unmodified (\\fB\\-M virt\\fR, the default), a bare\\-metal board for test programs\n"
    "(\\fB\\-M spike\\fR), and x86\\-64 microVMs on KVM (\\fB\\-M microvm\\fR).\n"
    "Its flags are QEMU's wherever QEMU has one, with QEMU's meanings, so a\n"
    "qemu\\-system\\-riscv64 command line can be pasted.\n"
    "Option lists take QEMU's syntax: \\fIVALUE\\fR,\\fIKEY\\fR=\\fIVALUE\\fR,... with an\n"
    "implied first key, \\fB,,\\fR for a comma inside a value, and a bare \\fIKEY\\fR\n"
    "meaning \\fIKEY\\fR=on. A flag may be given with one dash or two.\n"
    ".SH COMMANDS\n"
    ".TP\n.B run\nBuild the machine and run it until the guest powers off, a bound stops it,\n"
    "or it is told to quit.\n"
    ".TP\n.BR help \" [\" run ]\nThe commands and every flag; \\fBhelp run\\fR, \\fBrun \\-h\\fR\n"
    "and \\fBrun \\-\\-help\\fR print the flags only.\n"
    ".TP\n.BR version \", \" \\-\\-version\nThe version and the \\fBgit describe\\fR of the build.\n";

static const char tail[] =
    ".SH CONSOLE\n"
    "Without \\fB\\-display none\\fR, vm behaves as QEMU's \\fB\\-nographic\\fR: the\n"
    "serial port and the monitor share this terminal behind QEMU's multiplexer.\n"
    ".TP\n.B Ctrl\\-A c\nswitch between the console and the monitor\n"
    ".TP\n.B Ctrl\\-A x\nquit\n"
    ".TP\n.B Ctrl\\-A h\nthe keys\n"
    ".TP\n.B Ctrl\\-A Ctrl\\-A\nsend Ctrl\\-A to the guest\n"
    ".SH MONITOR\n"
    "QEMU's human monitor, with QEMU's prompt \\fB(qemu)\\fR:\n"
    "\\fBinfo status\\fR, \\fBinfo registers\\fR [\\fB\\-a\\fR], \\fBinfo cpus\\fR,\n"
    "\\fBinfo mtree\\fR, \\fBinfo mmu\\fR (the soft MMU's figures per hart and summed),\n"
    "\\fBinfo version\\fR, \\fBinfo name\\fR, \\fBx\\fR and \\fBxp\\fR /\\fIFMT\\fR \\fIADDR\\fR,\n"
    "\\fBcpu\\fR \\fIN\\fR, \\fBstop\\fR, \\fBcont\\fR, \\fBsystem_reset\\fR,\n"
    "\\fBsystem_powerdown\\fR, \\fBquit\\fR, \\fBhelp\\fR.\n"
    ".SH QMP\n"
    "QEMU's machine protocol on \\fB\\-qmp\\fR: \\fBqmp_capabilities\\fR,\n"
    "\\fBquery\\-version\\fR, \\fBquery\\-status\\fR, \\fBquery\\-cpus\\-fast\\fR,\n"
    "\\fBquery\\-commands\\fR, \\fBquery\\-name\\fR, \\fBstop\\fR, \\fBcont\\fR,\n"
    "\\fBsystem_reset\\fR, \\fBsystem_powerdown\\fR, \\fBquit\\fR,\n"
    "\\fBhuman\\-monitor\\-command\\fR and vm's \\fBx\\-query\\-mmu\\fR; events STOP, RESUME,\n"
    "RESET, POWERDOWN and SHUTDOWN.\n"
    ".SH EXIT STATUS\n"
    "The guest's power\\-off status (0, or its failure code); 0 after a quit;\n"
    "124 when \\fB\\-\\-timeout\\fR or \\fB\\-\\-max\\-insns\\fR stopped it; 125 when a hart\n"
    "was stuck in a trap storm; 126 when the guest kept resetting; 1 for bad\n"
    "input or a failure (one line on stderr); 2 for a malformed command line.\n"
    ".SH ENVIRONMENT\n"
    ".TP\n.B XDG_CACHE_HOME\nWithout \\fB\\-bios\\fR, virt looks for OpenSBI in Debian's opensbi package,\n"
    "then in \\fI$XDG_CACHE_HOME/vm/riscv64\\fR (default \\fI~/.cache\\fR).\n"
    ".SH EXAMPLES\n"
    "Boot Debian's kernel with Debian's OpenSBI on two harts:\n"
    ".PP\n.nf\n"
    "vm run \\-M virt \\-smp 2 \\-m 512M \\-kernel Image \\-initrd initrd.gz \\-append console=ttyS0\n"
    ".fi\n.PP\n"
    "The same with QMP on a socket and the serial port on a pseudo\\-terminal:\n"
    ".PP\n.nf\n"
    "vm run \\-kernel Image \\-serial pty \\-qmp unix:/tmp/qmp.sock,server=on,wait=off\n"
    ".fi\n"
    ".SH SEE ALSO\n"
    ".BR qemu\\-system\\-riscv64 (1)\n";

/* roff's escapes: backslash and dash; a line must not start with '.' or '\''. */
static void roff(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '\\')
            fputs("\\e", f);
        else if (*s == '-')
            fputs("\\-", f);
        else
            fputc(*s, f);
    }
}

static void print_flag(FILE *f, const struct vm_cli_flag *fl, const char *machines)
{
    fputs(".TP\n\\fB-", f);
    roff(f, fl->name);
    fputs("\\fR", f);
    if (fl->alias) {
        fputs(", \\fB-", f);
        roff(f, fl->alias);
        fputs("\\fR", f);
    }
    if (fl->arg) {
        fputs(" \\fI", f);
        roff(f, fl->arg);
        fputs("\\fR", f);
    }
    fputc('\n', f);
    if (fl->help[0] == '.' || fl->help[0] == '\'')
        fputs("\\&", f);
    roff(f, fl->help);
    if (machines[0]) {
        fputs(" (", f);
        roff(f, machines);
        fputs(" only)", f);
    }
    fputs(".\n", f);
}

void vm_cli_print_man(FILE *f)
{
    fprintf(f, ".TH VM 1 \"\" \"vm %s\" \"User Commands\"\n", vm_version());
    fputs(head, f);
    fputs(".SH OPTIONS\n", f);
    vm_cli_visit_flags(f, print_flag);
    fputs(tail, f);
}
