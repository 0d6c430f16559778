/* QEMU's value syntaxes on the command line: booleans, sizes, counts.
 * (Option lists themselves are core/opts.h's.) */
#ifndef VM_TOOLS_VALUES_H
#define VM_TOOLS_VALUES_H

#include <stdbool.h>
#include <stdint.h>

/* QEMU's booleans: on/off, yes/no, true/false. */
bool vm_cli_parse_bool(const char *s, bool *out);
/* A size: digits with an optional suffix B, K, M, G, T (binary units,
 * optionally followed by "iB" or "B"); a bare number is in default_shift
 * units (20 for -m's MiB, 0 for bytes). */
bool vm_cli_parse_size(const char *s, unsigned default_shift, uint64_t *out);
/* A whole unsigned number (decimal, or 0x hex). */
bool vm_cli_parse_u64(const char *s, uint64_t *out);

#endif
