/* The wrapper: the tests change its size parameter and expect the caller's hint to follow. */
#include <stdlib.h>
#include "vec.h"

void *vec_resize(void *p, size_t bytes) {
  void *q = realloc(p, bytes);
  if (!q) abort();
  return q;
}
