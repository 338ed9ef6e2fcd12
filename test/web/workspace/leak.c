/* A realloc that loses the buffer when it fails: the quick fix keeps it. */
#include <stdlib.h>

int grow(char **out, char *buf, size_t n) {
  buf = realloc(buf, n);
  if (!buf) return -1;
  *out = buf;
  return 0;
}
