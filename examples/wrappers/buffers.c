/*
 * Wrappers: most code never calls realloc directly. pagecost follows the calls through
 *   - a function that passes its pointer and size on (xrealloc below, found by itself),
 *   - a macro that expands to such a call (GROW_ARRAY),
 *   - a function defined in a library it cannot see (lib_buf_grow, declared in libbuf.h and
 *     described in ../.pagecost.json),
 *   - a function-pointer allocator (struct allocator): the realloc inside heap_resize is reported
 *     like any call; whether a call through a->resize is linked to it depends on the pagecost
 *     version (the scan's JSON says what it found).
 * Each call of a wrapper gets the estimate of the realloc it makes, at the wrapper call's sizes.
 */
#include <stdio.h>
#include <stdlib.h>
#include "libbuf.h"

/* Dies instead of returning NULL, so callers need no failure check. */
static void *xrealloc(void *p, size_t n)
{
  void *q = realloc(p, n);
  if (!q) {
    fputs("out of memory\n", stderr);
    exit(1);
  }
  return q;
}

/* The array doubles: the total copying stays linear in its final size. */
#define GROW_ARRAY(p, cap) ((p) = xrealloc((p), (cap) * 2 * sizeof *(p)), (cap) *= 2)

struct allocator {
  void *(*resize)(void *ctx, void *p, size_t n);
  void *ctx;
};

static void *heap_resize(void *ctx, void *p, size_t n)
{
  (void)ctx;
  return realloc(p, n);
}

static const struct allocator heap = { .resize = heap_resize, .ctx = NULL };

struct list {
  int *items;
  size_t len, cap;
};

void list_push(struct list *l, int v)
{
  if (l->len == l->cap)
    GROW_ARRAY(l->items, l->cap);
  l->items[l->len++] = v;
}

/* A fixed 64 KiB header block, grown through the library. */
int header_reserve(struct buf *b)
{
  return lib_buf_grow(b, 64 * 1024) ? 0 : -1;
}

/* 1 MiB through the allocator interface. */
void *table_resize(const struct allocator *a, void *table)
{
  return a->resize(a->ctx, table, 1 << 20);
}

void *default_table(void *table)
{
  return table_resize(&heap, table);
}

/* 256 KiB through xrealloc: glibc moves a block this large with mremap. */
char *page_cache_resize(char *cache)
{
  return xrealloc(cache, 256 * 1024);
}
