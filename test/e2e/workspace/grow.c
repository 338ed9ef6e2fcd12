/* A growing table: a small and a large mremap, and a realloc in a loop (the tier-3 fixture). */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define PAGE 4096
#define SLOT_BYTES (4 * PAGE)

struct table {
  char *rows;
  size_t bytes;
};

/* Moves one small slot: a kernel round trip and a TLB flush for 16 KiB. */
void *slot_move(char *slot, char *spare)
{
  void *moved = mremap(slot, SLOT_BYTES, SLOT_BYTES, MREMAP_MAYMOVE | MREMAP_FIXED, spare);
  return moved;
}

/* Doubles a large table: moving page-table entries beats copying 4 MiB. */
int table_grow(struct table *t)
{
  void *p = mremap(t->rows, 1024 * PAGE, 2048 * PAGE, MREMAP_MAYMOVE);
  if (p == MAP_FAILED)
    return -1;
  t->rows = p;
  return 0;
}

/* Grows by a fixed step: on failure the old block leaks. */
int table_append(struct table *t, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    t->rows = realloc(t->rows, t->bytes + 64);
    t->bytes += 64;
  }
  return t->rows != NULL;
}
