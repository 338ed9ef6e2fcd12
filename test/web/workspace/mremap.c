/* Fixture for the web tests: one call of each kind, sizes known and unknown. */
#include <stddef.h>
#include <stdlib.h>
#include <sys/mman.h>

#define PAGE 4096

void *move_one_page(void *old, void *dst) {
  return mremap(old, PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, dst);
}

void *grow_big(void *old) {
  return mremap(old, 64 << 20, 128 << 20, MREMAP_MAYMOVE);
}

char *grow_buf(char *buf, size_t n) {
  return realloc(buf, n);
}
