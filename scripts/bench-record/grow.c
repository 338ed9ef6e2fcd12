/*
 * The worst case for a recorder: nothing but realloc growing blocks in place, 16 bytes at a time
 * up to 64 KiB, round after round (glibc does each in well under 10 ns here).
 */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	long rounds = argc > 1 ? atol(argv[1]) : 2000;
	unsigned long sum = 0;
	for (long r = 0; r < rounds; r++) {
		char *p = NULL;
		for (size_t n = 16; n <= 64 * 1024; n += 16) {
			p = realloc(p, n);
			p[n - 1] = (char)n;
			sum += (unsigned char)p[n / 2];
		}
		free(p);
	}
	printf("%lu\n", sum);
	return 0;
}
