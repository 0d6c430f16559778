/* The x86-64 register map (regmap_x86.c), for vm_reg_map_for() in regmap.c. */
#ifndef VM_ACCEL_REGMAP_X86_H
#define VM_ACCEL_REGMAP_X86_H

#include "vm/accel.h"

const struct vm_reg_map *vm_reg_map_x86_64(void);

#endif
