/* vm --version: the project version and the commit it was built from. */
#include "cli.h"
#include "vm_git_describe.h"

void vm_cli_print_version(FILE *f)
{
    fprintf(f, "vm version " VM_VERSION " (git " VM_GIT_DESCRIBE ")\n"
               "A RISC-V 64 system emulator with QEMU's command-line flags.\n");
}
