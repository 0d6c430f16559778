/* Negative control: cases 1-6 pass, case 7 checks a wrong value on purpose.
 * The run must exit with status 7. */
#include "test.h"
TEST_BEGIN
  TEST_RR(1, add, 3, 1, 2)
  TEST_RR(2, sub, 1, 3, 2)
  TEST_RR(3, and, 2, 3, 2)
  TEST_RR(4, or,  3, 1, 2)
  TEST_RR(5, xor, 1, 3, 2)
  TEST_RR(6, sll, 4, 1, 2)
  TEST_RR(7, add, 5, 2, 2)      /* 2 + 2 is not 5 */
  TEST_PASS
