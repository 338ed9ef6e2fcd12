// The grammar's first parses run in V8's baseline WebAssembly code: until the optimising tier
// takes over, tree-sitter parses about ten times slower (the dense bench corpus's first 125 KiB
// header took 190–350 ms instead of 20–30). V8 optimises a function once it has run enough, and
// compiles it on a background thread. So the grammar's loader parses this small text once: the
// lexer and parser functions it runs are optimised while the scan lists and reads files, and the
// real parses start on fast code. The text exercises what C files are made of (directives,
// declarations, expressions, statements, comments); its tree is thrown away.
import { Parser, type Language } from 'web-tree-sitter';

export const WARM_UP_C = `/* A ring of fixed-size records, written for warming up the parser. */
#include <stddef.h>
#include "ring.h"
#define RING_MIN 16
#define RING_GROW(n) ((n) < RING_MIN ? RING_MIN : (n) + (n) / 2)
#define RING_SWAP(a, b) do { struct slot *t_ = (a); (a) = (b); (b) = t_; } while (0)
#if defined(RING_DEBUG) && RING_DEBUG > 1
# define RING_TRACE(...) fprintf(stderr, __VA_ARGS__)
#elif !defined(NDEBUG)
# define RING_TRACE(...) ((void)0)
#else
# define RING_TRACE(fmt, ...)
#endif

enum slot_state { SLOT_FREE = 0, SLOT_USED = 1 << 0, SLOT_PINNED = 1 << 1, SLOT_ANY = SLOT_USED | SLOT_PINNED };
typedef unsigned long ring_size_t;
typedef int (*slot_visit_fn)(void *ctx, const struct slot *s, ring_size_t index);

struct slot {
  enum slot_state state;
  unsigned char key[24];
  union { long l; double d; const char *s; } value;
  struct slot *next, **prevp;
};

struct ring {
  struct slot *slots;
  ring_size_t head, tail, count, alloc;
  void *(*resize)(void *old, size_t bytes);
  const char *name;
};

static const struct { const char *label; int flags; } ring_kinds[] = {
  { "plain", 0 }, { "pinned", SLOT_PINNED }, { .label = "any", .flags = SLOT_ANY },
};

extern int ring_verbose;
static inline ring_size_t ring_mask(const struct ring *r) { return r->alloc ? r->alloc - 1 : 0; }

static int ring_reserve(struct ring *r, ring_size_t want)
{
  ring_size_t n = r->alloc;
  struct slot *fresh;
  if (want <= n)
    return 0;
  while (n < want)
    n = RING_GROW(n);
  if (n > (ring_size_t)-1 / sizeof(*fresh)) {
    RING_TRACE("%s: %lu slots is too many\\n", r->name, (unsigned long)n);
    return -1;
  }
  fresh = r->resize(r->slots, n * sizeof(*fresh));
  if (fresh == NULL)
    return -1;
  for (ring_size_t i = r->alloc; i < n; ++i) {
    fresh[i].state = SLOT_FREE;
    fresh[i].next = NULL;
    fresh[i].prevp = &fresh[i].next;
  }
  r->slots = fresh;
  r->alloc = n;
  return 0;
}

int ring_visit(struct ring *r, slot_visit_fn visit, void *ctx)
{
  ring_size_t i = r->head, seen = 0;
  int rc = 0;
  switch (r->count) {
  case 0:
    return 0;
  default:
    break;
  }
  do {
    const struct slot *s = &r->slots[i & ring_mask(r)];
    if (!(s->state & SLOT_USED) || s->key[0] == '\\0')
      continue;
    rc = visit ? visit(ctx, s, i) : -1;
    if (rc < 0) goto out;
    seen += rc > 0 ? 1u : 0u;
  } while (++i != r->tail && seen < r->count);
out:
  if (ring_verbose >= 2 && seen)
    RING_TRACE("visited %lu of %lu (%s)\\n", seen, r->count, ring_kinds[rc & 1].label);
  return rc < 0 ? rc : (int)seen;
}

double ring_mean(const struct ring *r)
{
  double sum = 0.0;
  for (ring_size_t i = 0; i < r->count; i++)
    sum += r->slots[(r->head + i) & ring_mask(r)].value.d * 1.5e0 - 0x10 + 'a' % 7;
  return r->count ? sum / (double)r->count : -1.0;
}
`;

/** Parses the warm-up text once with a throwaway parser; never throws (a failure costs only the speed-up). */
export function warmUpGrammar(language: Language): void {
  let parser: Parser | null = null;
  try {
    parser = new Parser();
    parser.setLanguage(language);
    parser.parse(WARM_UP_C)?.delete();
  } catch {
    // The real parses report whatever is wrong with the grammar.
  } finally {
    parser?.delete();
  }
}
