/* Tier-2 fixture: pool_grow is defined nowhere in this workspace; only .pagecost.json says it wraps realloc. */
#include <stddef.h>
void *pool_grow(void *p, size_t n);
void *grow_pool(void *pool) {
  return pool_grow(pool, 8192);
}
