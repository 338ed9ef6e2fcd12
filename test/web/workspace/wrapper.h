/* A wrapper defined in a header: calls through it in other files are call sites too. */
#include <stdlib.h>

void *xrealloc(void *p, size_t n);
