/* Tier-3 fixture for the workspace index: the growth macro lives here, the wrapper in vec.c. */
#include <stddef.h>
#define VEC_CHUNK 256
#define VEC_GROW(v, n) vec_resize((v), (n) * VEC_CHUNK)
void *vec_resize(void *p, size_t bytes);
