/*
 * For the tier-3 record test: a line buffer grown one fixed step at a time, and a list grown
 * through a wrapper. `buffer N` runs N rounds; `buffer forever` keeps going (slowly) until it is
 * stopped.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void *grow(void *p, size_t n)
{
	void *q = realloc(p, n);
	if (!q)
		abort();
	return q;
}

static size_t round_of(char **text, size_t cap)
{
	for (int i = 0; i < 64; i++) {
		cap += 128;
		*text = realloc(*text, cap);
		memset(*text + cap - 128, 'x', 128);
	}
	return cap;
}

int main(int argc, char **argv)
{
	int forever = argc > 1 && strcmp(argv[1], "forever") == 0;
	int rounds = argc > 1 && !forever ? atoi(argv[1]) : 1;
	char *text = NULL;
	size_t cap = 0;
	long *list = NULL;
	for (int r = 0; forever || r < rounds; r++) {
		cap = round_of(&text, cap);
		list = grow(list, (size_t)(r + 1) * 64 * sizeof *list);
		if (forever) {
			struct timespec pause = { 0, 20000000 };
			nanosleep(&pause, NULL);
		}
	}
	free(text);
	free(list);
	return 0;
}
