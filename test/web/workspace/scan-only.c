/* Never opened by the tests: only the workspace scan reports it. */
#include <stdlib.h>

int *grow_ints(int *v) {
  return realloc(v, 4096 * sizeof(int));
}
