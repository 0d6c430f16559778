/* vm: the command-line front end. Thin on purpose: parse flags (the flag
 * table, cli.h), build a machine through the library, run it, turn the
 * result into an exit code. Flags are QEMU's wherever QEMU has one.
 * Exit codes: the guest's status; 1 bad input or failure; 2 usage;
 * 124 a time or instruction bound stopped the guest. */
#include <signal.h>
#include <string.h>

#include "cli.h"
#include "vm/accel.h"
#include "vm/error.h"

static const char commands_text[] =
    "usage: vm COMMAND [ARGS]\n"
    "commands:\n"
    "  run [OPTIONS] [PROG.elf]   run a guest (`vm help run`: its options)\n"
    "  user [OPTIONS] PROG [ARGS] run a riscv64 Linux program (`vm help user`)\n"
    "  help [run|user]            this text, or one command's options only\n"
    "  version                    the version and git commit (also --version)\n";

static const char run_notes_text[] =
    "\n"
    "virt: QEMU virt's memory map; the console is the terminal in raw mode:\n"
    "Ctrl-A x quits, Ctrl-A h helps. Exit status: the guest's power-off status\n"
    "(0, or its failure code), 0 after Ctrl-A x, 124 a bound stopped it, 125 a\n"
    "hart was stuck in a trap storm, 126 the guest kept resetting, 1 errors,\n"
    "2 a malformed command line.\n"
    "\n"
    "spike: RAM at 0x80000000; the ELF's PT_LOAD segments are loaded at their\n"
    "physical addresses and the hart starts at its entry in M-mode. The program\n"
    "talks through HTIF (the `tohost`/`fromhost` symbols): writing (code << 1) | 1\n"
    "to tohost exits with status code; device 1 command 1 prints a character.\n";

void vm_cli_print_run_help(FILE *f)
{
    fprintf(f, "usage: vm run [OPTIONS] [PROG.elf]\n"
               "options (one dash or two; QEMU's spellings and KEY=VALUE lists):\n");
    vm_cli_print_flags(f);
    fprintf(f, "\nmachines (-M):\n");
    vm_cli_print_machines(f);
    fprintf(f, "\naccelerators (-accel):\n");
    for (unsigned i = 0; i < vm_accel_count(); i++)
        fprintf(f, "  %-6s %s\n", vm_accel_at(i)->name, vm_accel_at(i)->description);
    fputs(run_notes_text, f);
}

static int help(int argc, char **argv)
{
    if (argc >= 1 && !strcmp(argv[0], "--man")) {
        vm_cli_print_man(stdout);
        return 0;
    }
    if (argc >= 1 && !strcmp(argv[0], "run")) {
        vm_cli_print_run_help(stdout);
        return 0;
    }
    if (argc >= 1 && !strcmp(argv[0], "user")) {
        vm_cli_print_user_help(stdout);
        return 0;
    }
    if (argc >= 1 && strcmp(argv[0], "help") && strcmp(argv[0], "version"))
        return vm_cli_error(VM_EXIT_USAGE, "help: unknown command '%s' (run, user, help, version)",
                            argv[0]);
    fputs(commands_text, stdout);
    fputc('\n', stdout);
    vm_cli_print_run_help(stdout);
    return 0;
}

int vm_cli_exit_status(int rc)
{
    if (rc < 0)
        return vm_cli_error(VM_EXIT_BAD, "%s", vm_error_message());
    if (rc > 255) {
        vm_cli_error(VM_EXIT_BAD, "guest exit code %d does not fit an exit status; exiting "
                     "with 255", rc);
        rc = 255;
    }
    return rc;
}

static int run_machine(struct vm_cli *cli)
{
    if (!(cli->machine = vm_cli_find_machine(cli->machine_name)))
        return vm_cli_error(VM_EXIT_USAGE, "run: unknown machine '%s' (-M help lists them)",
                            cli->machine_name);
    int rc = vm_cli_apply_machine_props(cli);
    if (!rc)
        rc = vm_cli_check_machine(cli);
    /* QEMU's rule and words: a command line or an initrd is for a kernel. */
    if (!rc && !cli->kernel && !cli->positional && cli->append)
        rc = vm_cli_error(VM_EXIT_BAD, "-append only allowed with -kernel option");
    if (!rc && !cli->kernel && !cli->positional && cli->initrd)
        rc = vm_cli_error(VM_EXIT_BAD, "-initrd only allowed with -kernel option");
    if (!rc)
        rc = cli->machine->run(cli);
    return rc;
}

static int cmd_run(int argc, char **argv)
{
    struct vm_cli cli = {.machine_name = "virt", .accel = "auto"};
    /* As QEMU: a closed output (the console piped into `head`, a monitor
     * client gone, a host client leaving a forwarded port while libslirp,
     * which send()s without MSG_NOSIGNAL, writes to it) is an EPIPE that the
     * writer handles (the console drops the bytes), not a signal that kills
     * vm. */
    signal(SIGPIPE, SIG_IGN);
    int rc = vm_cli_parse(&cli, argc, argv);
    if (!rc)
        rc = run_machine(&cli);
    vm_cli_free(&cli);
    return rc == VM_CLI_DONE ? 0 : rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(commands_text, stderr);
        return VM_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h"))
        return help(argc - 2, argv + 2);
    if (!strcmp(cmd, "version") || !strcmp(cmd, "--version") || !strcmp(cmd, "-version")) {
        vm_cli_print_version(stdout);
        return 0;
    }
    if (!strcmp(cmd, "run"))
        return cmd_run(argc - 2, argv + 2);
    if (!strcmp(cmd, "user"))
        return vm_cli_cmd_user(argc - 2, argv + 2);
    return vm_cli_error(VM_EXIT_USAGE, "unknown command '%s' (`vm help` lists them)", cmd);
}
