#include <stddef.h>
#include <stdlib.h>

char *append_all(char *buf, size_t n) {
  for (size_t i = 0; i < n; i++) {
    buf = realloc(buf, i + 16);
  }
  return buf;
}
