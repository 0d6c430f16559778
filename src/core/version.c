/* libvm's version (vm/version.h). */
#include "vm/version.h"

#include "vm_git_describe.h"

const char *vm_version(void)
{
    return VM_VERSION;
}

const char *vm_git_describe(void)
{
    return VM_GIT_DESCRIBE;
}
