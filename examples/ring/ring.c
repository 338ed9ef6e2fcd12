/* A small growable ring buffer backed by an anonymous mapping: a demo for pagecost. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define PAGE 4096
#define SLOT_BYTES (16 * PAGE)

struct ring {
  char *base;
  size_t bytes;
};

/* Doubles a large ring: moving pages beats copying a megabyte. */
int ring_grow_big(struct ring *r)
{
  void *p = mremap(r->base, 256 * PAGE, 512 * PAGE, MREMAP_MAYMOVE);
  if (p == MAP_FAILED)
    return -1;
  r->base = p;
  return 0;
}

/* Moves one small slot into a spare mapping: a kernel round trip for 64 KiB. */
void *slot_move(char *slot, char *spare)
{
  return mremap(slot, SLOT_BYTES, SLOT_BYTES, MREMAP_MAYMOVE | MREMAP_FIXED, spare);
}

/* The classic: on failure the old block leaks and r->base becomes NULL. */
int ring_grow_heap(struct ring *r, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    r->base = realloc(r->base, r->bytes + 64);
    r->bytes += 64;
  }
  return r->base != NULL;
}
