/* A buffer library whose source is not here: pagecost learns lib_buf_grow from ../.pagecost.json. */
#include <stddef.h>

struct buf {
  char *data;
  size_t len, cap;
};

/* Grows b->data to at least n bytes with realloc; returns b->data, or NULL (b unchanged) on failure. */
char *lib_buf_grow(struct buf *b, size_t n);
