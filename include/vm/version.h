/* libvm's version: the project's release number and the commit it was
 * built from (`git describe`, refreshed at every build). */
#ifndef VM_VERSION_H
#define VM_VERSION_H

const char *vm_version(void);      /* "0.1.0" */
const char *vm_git_describe(void); /* "14d2afa-dirty"; "unknown (...)" outside a git checkout */

#endif
