/*
 * A program that does real work and resizes now and then: it generates text, splits it into
 * words, counts them in a hash table whose buckets and word list grow with realloc, then sorts
 * the words by count. Most of its time is hashing, comparing and sorting; realloc is a small part
 * (the record of a run says how small).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct word {
	char *text;
	size_t len;
	unsigned long count;
	unsigned *pos; /* where it occurs: doubled when full */
};

struct table {
	size_t *slots; /* index + 1 into words, 0 = empty */
	size_t nslots;
	struct word *words;
	size_t nwords, cap;
};

static unsigned long hash(const char *s, size_t n)
{
	unsigned long h = 1469598103934665603ul;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ul;
	return h;
}

static void rehash(struct table *t)
{
	size_t n = t->nslots ? t->nslots * 2 : 1024;
	t->slots = realloc(t->slots, n * sizeof *t->slots);
	memset(t->slots, 0, n * sizeof *t->slots);
	t->nslots = n;
	for (size_t i = 0; i < t->nwords; i++) {
		size_t h = hash(t->words[i].text, t->words[i].len) & (n - 1);
		while (t->slots[h])
			h = (h + 1) & (n - 1);
		t->slots[h] = i + 1;
	}
}

static void add(struct table *t, const char *s, size_t n, unsigned at)
{
	if (t->nwords * 2 >= t->nslots)
		rehash(t);
	size_t h = hash(s, n) & (t->nslots - 1);
	while (t->slots[h]) {
		struct word *w = &t->words[t->slots[h] - 1];
		if (w->len == n && memcmp(w->text, s, n) == 0) {
			if (w->count >= 4 && (w->count & (w->count - 1)) == 0)
				w->pos = realloc(w->pos, w->count * 2 * sizeof *w->pos);
			w->pos[w->count++] = at;
			return;
		}
		h = (h + 1) & (t->nslots - 1);
	}
	if (t->nwords == t->cap) {
		t->cap = t->cap ? t->cap + t->cap / 2 : 256;
		t->words = realloc(t->words, t->cap * sizeof *t->words);
	}
	char *copy = malloc(n + 1);
	memcpy(copy, s, n);
	copy[n] = 0;
	unsigned *pos = realloc(NULL, 4 * sizeof *pos);
	*pos = at;
	t->words[t->nwords] = (struct word){ copy, n, 1, pos };
	t->slots[h] = ++t->nwords;
}

/* Finds a word again (no change to the table). */
static const struct word *find(const struct table *t, const char *s, size_t n)
{
	size_t h = hash(s, n) & (t->nslots - 1);
	while (t->slots[h]) {
		const struct word *w = &t->words[t->slots[h] - 1];
		if (w->len == n && memcmp(w->text, s, n) == 0)
			return w;
		h = (h + 1) & (t->nslots - 1);
	}
	return NULL;
}

static int by_count(const void *a, const void *b)
{
	const struct word *x = a, *y = b;
	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return strcmp(x->text, y->text);
}

int main(int argc, char **argv)
{
	long words = argc > 1 ? atol(argv[1]) : 2000000;
	unsigned long seed = 42;
	char *text = NULL;
	size_t len = 0, cap = 0;
	/* Generate the text: words of 2-5 letters from eight, appended to a growing buffer. */
	for (long i = 0; i < words; i++) {
		seed = seed * 6364136223846793005ul + 1442695040888963407ul;
		size_t n = 2 + (seed >> 60) % 4;
		if (len + n + 1 > cap) {
			cap = cap ? cap * 2 : 4096;
			text = realloc(text, cap);
		}
		for (size_t k = 0; k < n; k++) {
			seed = seed * 6364136223846793005ul + 1442695040888963407ul;
			text[len++] = (char)('a' + (seed >> 61));
		}
		text[len++] = ' ';
	}
	struct table t = { 0 };
	for (size_t i = 0; i < len;) {
		size_t j = i;
		while (j < len && text[j] != ' ')
			j++;
		add(&t, text + i, j - i, (unsigned)i);
		i = j + 1;
	}
	/* Check every occurrence against the index, twice over: the work most of the run is about. */
	unsigned long seen = 0;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < len;) {
			size_t j = i;
			while (j < len && text[j] != ' ')
				j++;
			const struct word *w = find(&t, text + i, j - i);
			seen += w ? w->count : 0;
			i = j + 1;
		}
	}
	qsort(t.words, t.nwords, sizeof *t.words, by_count);
	unsigned long check = 0;
	for (size_t i = 0; i < t.nwords; i++) {
		check += t.words[i].count * (i + 1) + t.words[i].pos[t.words[i].count - 1];
		free(t.words[i].text);
		free(t.words[i].pos);
	}
	printf("%zu words, %zu distinct, check %lu, seen %lu\n", (size_t)words, t.nwords, check, seen);
	free(t.words);
	free(t.slots);
	free(text);
	return 0;
}
