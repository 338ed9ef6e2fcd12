#include <stdio.h>
#include <stdlib.h>

void *xrealloc(void *p, size_t n) {
  void *q = realloc(p, n);
  if (!q) {
    perror("xrealloc");
    abort();
  }
  return q;
}
