/* Tier-2 fixture for the workspace index: a growth macro over a wrapper defined in alloc.c. */
#include <stddef.h>
#define GROW_BY 256
#define vec_grow(v, n) vec_realloc((v), (n) * GROW_BY)
void *vec_realloc(void *p, size_t n);
