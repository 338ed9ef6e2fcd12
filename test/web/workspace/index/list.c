/* Opened alone: its resize goes through a macro in alloc.h and a function in alloc.c. */
#include "alloc.h"

struct list { void **items; size_t cap; };

void list_reserve(struct list *l) {
  l->items = vec_grow(l->items, 16);
  l->cap = 16 * GROW_BY;
}
