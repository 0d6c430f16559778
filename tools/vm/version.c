/* vm --version: the project version and the commit it was built from. */
#include "cli.h"
#include "vm/version.h"

void vm_cli_print_version(FILE *f)
{
    fprintf(f, "vm version %s (git %s)\n"
               "A RISC-V 64 system emulator with QEMU's command-line flags.\n",
            vm_version(), vm_git_describe());
}
