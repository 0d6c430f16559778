/* Negative control: never writes tohost. The run must be ended by
 * --max-insns / --timeout with status 124. */
#include "test.h"
TEST_BEGIN
  li a0, 0
1:
  addi a0, a0, 1
  j 1b
