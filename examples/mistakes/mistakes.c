/*
 * Mistakes pagecost points out whatever the sizes: one function per correctness rule of
 * docs/RULES.md, named after it. Each has a quick fix or says in its message what to write.
 * (The leak on failure is in ../ring/ring.c and ../wrappers too.)
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <sys/mman.h>

#define PAGE 4096

/* mremap-null-check: mremap reports failure with MAP_FAILED, never NULL. */
void *remap_checked_wrongly(void *p)
{
  void *q = mremap(p, 16 * PAGE, 32 * PAGE, MREMAP_MAYMOVE);
  if (q == NULL)
    return p;
  return q;
}

/* mremap-grow-without-maymove: without MREMAP_MAYMOVE a grow fails (ENOMEM) whenever the next pages are taken. */
void *grow_in_place_only(void *p)
{
  return mremap(p, 16 * PAGE, 64 * PAGE, 0);
}

/* mremap-fixed-without-maymove: MREMAP_FIXED alone is EINVAL. */
void *move_fixed(void *p, void *to)
{
  return mremap(p, 4 * PAGE, 4 * PAGE, MREMAP_FIXED, to);
}

/* mremap-dontunmap-without-maymove: MREMAP_DONTUNMAP needs MREMAP_MAYMOVE too. */
void *move_keep_source(void *p)
{
  return mremap(p, 4 * PAGE, 4 * PAGE, MREMAP_DONTUNMAP);
}

/* mremap-dontunmap-size-change: with MREMAP_DONTUNMAP the old and new sizes must be equal. */
void *move_keep_source_and_grow(void *p)
{
  return mremap(p, 4 * PAGE, 8 * PAGE, MREMAP_MAYMOVE | MREMAP_DONTUNMAP);
}

/* realloc-unchecked-multiply: count * size can overflow and allocate a tiny block; reallocarray checks. */
double *resize_samples(double *samples, size_t count)
{
  double *grown = realloc(samples, count * sizeof *samples);
  return grown ? grown : samples;
}

/* realloc-zero-size: realloc(p, 0) frees p or not, depending on the C library (undefined since C23). */
void release(char *p)
{
  p = realloc(p, 0);
  (void)p;
}

/* reference: realloc used as a value; the calls made through the pointer cannot be seen. */
void *(*const resize_hook)(void *, size_t) = realloc;
