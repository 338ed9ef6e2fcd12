/*
 * A demo for `pagecost record`: a tiny journal that keeps its lines in one growing text buffer
 * (grown a fixed step at a time), indexes them in an array grown through xrealloc from two
 * places, and keeps a large scratch area it resizes with mremap.
 *
 *   cc -g -O2 -o journal journal.c && npx pagecost record -- ./journal
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n);
	if (!q) {
		fputs("journal: out of memory\n", stderr);
		exit(1);
	}
	return q;
}

struct journal {
	char *text;
	size_t len, cap;
	size_t *starts;
	size_t lines, slots;
};

static void append(struct journal *j, const char *line)
{
	size_t n = strlen(line) + 1;
	while (j->len + n > j->cap) {
		j->cap += 256; /* a fixed step: every growth may copy the whole text */
		j->text = xrealloc(j->text, j->cap);
	}
	if (j->lines == j->slots) {
		j->slots = j->slots ? j->slots * 2 : 16;
		j->starts = xrealloc(j->starts, j->slots * sizeof *j->starts);
	}
	j->starts[j->lines++] = j->len;
	memcpy(j->text + j->len, line, n);
	j->len += n;
}

int main(int argc, char **argv)
{
	int entries = argc > 1 ? atoi(argv[1]) : 20000;
	struct journal j = { 0 };
	char line[64];
	for (int i = 0; i < entries; i++) {
		snprintf(line, sizeof line, "entry %d: %s", i, i % 3 ? "ok" : "checked twice");
		append(&j, line);
	}
	/* Compact: shrink the index to what is used. */
	j.starts = xrealloc(j.starts, j.lines * sizeof *j.starts);

	size_t scratch = 1 << 20;
	char *area = mmap(NULL, scratch, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (int round = 0; round < 8 && area != MAP_FAILED; round++) {
		memset(area, round, scratch);
		char *bigger = mremap(area, scratch, scratch * 2, MREMAP_MAYMOVE);
		if (bigger == MAP_FAILED)
			break;
		area = bigger;
		scratch *= 2;
	}
	printf("%zu lines, %zu bytes of text, %zu MiB of scratch\n", j.lines, j.len, scratch >> 20);
	munmap(area, scratch);
	free(j.text);
	free(j.starts);
	return 0;
}
