/* The caller, opened alone: its resize goes through vec.h's macro to vec.c's wrapper. */
#include "vec.h"

struct queue { void **slots; size_t cap; };

void queue_reserve(struct queue *q) {
  q->slots = VEC_GROW(q->slots, 16);
  q->cap = 16 * VEC_CHUNK;
}
