/*
 * pagecost record: the LD_PRELOAD library.
 *
 * Compiled on the user's machine on first use (src/core/record/build.ts) and loaded into the
 * program `pagecost record` runs. It interposes realloc, reallocarray, reallocf and mremap and,
 * for every call, counts it under its immediate caller with the old and new sizes, whether the
 * block moved, whether glibc had it mmapped and the threads alive; the deeper backtrace and the
 * time of the real call are taken where they are affordable and sampled where they are not.
 *
 * Why it is built the way it is:
 * - The tables live in a file mapped MAP_SHARED (one per process, named by pid): whatever was
 *   counted is already in the file when the program is killed, crashes or execs. Nothing has to
 *   be flushed, so no signal handler of ours is needed.
 * - Counting never takes a lock: slots are claimed with one compare-and-swap and counters are
 *   single read-modify-write instructions (lock-prefixed once the process has a second thread),
 *   so a signal handler that calls realloc while we are inside realloc counts correctly too.
 * - Two tables. "Caller" slots are keyed by the immediate caller (the return address) and see
 *   every call: counts per immediate caller are exact. "Stack" slots are keyed by up to 16 return
 *   addresses. A caller's first 16 calls take their stacks. If they were all one stack, the caller
 *   is monomorphic: later calls only check that their stack is still that one (a load and a
 *   compare per frame, at the offsets learned for it) and count in the caller slot alone; the
 *   first call from another stack makes the caller polymorphic (a wrapper such as xrealloc), and
 *   from then on every call takes its stack. The first stack's counts are the caller's minus the
 *   other stacks' (src/core/record/rawFormat.ts), so the split between a wrapper's callers is exact.
 * - Backtraces come from return addresses read at stack offsets learned from the real unwinder:
 *   for a given return address the distance from the stack pointer to the frame's CFA is a
 *   constant of the code (x86-64), so once a full unwind (~100 ns a frame) has measured it, later
 *   calls read each frame with one load. 1 in 4096 backtraces is re-checked by a full unwind; a
 *   mismatch marks the address variable (alloca, stack realignment, signal trampolines) and
 *   backtraces through it unwind fully.
 * - Timing: two clock reads cost more than glibc's in-place growth (~5–10 ns), so each caller
 *   (each stack, for a wrapper's callers) times its first 64 calls, then 1 call in 32 while its
 *   calls average under ~150 ticks, 1 in 8 under ~1500 ticks, and every call above; a timed call
 *   counts 2^k times (an unbiased estimate of the total). The
 *   clock is wall time: a call during which the thread was preempted would count a scheduler
 *   time slice 2^k times, so a timed call longer than any call of its size can take (50 µs plus
 *   2 ns a byte, at up to 6 ticks a ns) is not used, and counted as discarded.
 * - The program's errno and results are never changed: the fast path makes no system call, and
 *   the slow paths (first calls, new slots, full unwinds) save and restore errno.
 * - A call that arrives while this thread is inside our own slow path (a signal handler that
 *   interrupted a full unwind, or libc working for us) is counted under its immediate caller
 *   without a stack, and counted as `internal` too: nothing recurses and nothing is lost.
 *
 * The layout of the file is read by src/core/record/rawFormat.ts: change both together and bump
 * PCREC_VERSION.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <unwind.h>
#if defined(__x86_64__)
#include <cpuid.h>
#include <x86intrin.h>
#endif

#define EXPORT __attribute__((visibility("default")))
#define INLINE static inline __attribute__((always_inline))
#define SLOW static __attribute__((noinline, cold))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/* ---- file layout (rawFormat.ts mirrors these) ---- */
#define PCREC_VERSION 1u
#define HEADER_SIZE 8192u
#define MAX_FRAMES 16u
#define SLOT_SIZE 2048u
#define CALLER_SLOTS 4096u
#define STACK_SLOTS 8192u
#define SLOT_COUNT (CALLER_SLOTS + STACK_SLOTS)
#define MODULE_SIZE 1024u
#define MODULE_MAX 1024u
#define MODULE_PATH (MODULE_SIZE - 32u)
#define PROBES 64u
#define LEARN_SAMPLES 16u
#define VERIFY_MASK 4095u

enum callee { CALLEE_REALLOC = 0, CALLEE_REALLOCARRAY = 1, CALLEE_REALLOCF = 2, CALLEE_MREMAP = 3 };
enum mode { MODE_LEARN = 0, MODE_MONO = 1, MODE_POLY = 2 };

enum hflag {
  HF_FINISHED = 1u,       /* the process ran its exit handlers */
  HF_FORKED = 2u,         /* the process is a fork child */
  HF_GLIBC_MALLOC = 4u,   /* realloc is glibc's: the chunk header's mmapped bit is meaningful */
  HF_TSC = 8u,            /* times are TSC ticks; otherwise CLOCK_MONOTONIC ns */
  HF_FAST_UNWIND = 16u,   /* learned-offset backtraces (x86-64) */
  HF_EXEC = 32u,          /* the process called exec */
};

struct header {
  char magic[8];             /* "PCREC\0\0\1" */
  uint32_t version, header_size;
  uint32_t slot_size, caller_slots;
  uint32_t stack_slots, max_frames;
  uint32_t frames, module_size;
  uint32_t module_max, pid;
  uint32_t ppid, flags;
  uint32_t module_count, verify_one_in;
  uint32_t mono_one_in, learn_samples;
  uint32_t used_slots, pad0;  /* entries of the slot index in use */
  uint64_t index_off, slots_off, modules_off;
  uint64_t start_realtime_ns, start_mono_ns, start_ticks;
  uint64_t last_mono_ns, last_ticks;
  uint64_t end_mono_ns, end_ticks;
  uint64_t overflow;          /* calls that found no caller slot: not counted anywhere else */
  uint64_t stack_overflow;    /* stack samples that found no stack slot (weighted) */
  uint64_t bootstrap_calls;   /* calls before the recorder was set up (passed through) */
  uint64_t internal_calls;    /* calls that arrived inside our own slow path (counted, no stack) */
  uint64_t unwind_full;       /* full unwinds made */
  uint64_t unwind_verified;   /* fast backtraces checked against a full unwind */
  uint64_t unwind_mismatch;   /* ... that disagreed (the address is then treated as variable) */
  uint64_t pc_table_full;     /* learned-offset table full: unwound fully instead */
  uint64_t threads_max;
  uint64_t stacks_taken;      /* backtraces taken */
  uint64_t timing_discarded;  /* timed calls longer than any call of their size can take: preempted */
  char exe[4096];            /* /proc/self/exe at start */
};

struct slot {
  uint64_t pcs[MAX_FRAMES];  /* return addresses, innermost first; `depth` of them valid */
  uint32_t state;            /* 0 empty, 1 being written, 2 ready */
  uint32_t callee;
  uint32_t depth;
  uint32_t mode;             /* caller slots: enum mode */
  uint32_t tshift;           /* caller slots: time 1 call in 2^tshift */
  uint32_t samples;          /* caller slots: stacks taken while learning */
  uint64_t first_stack;      /* caller slots: hash of the first stack seen */
  uint32_t first_b;          /* caller slots: number of the first stack's slot (UINT32_MAX: none) */
  uint32_t mono_depth;       /* caller slots, mono: frames of the first stack (its pcs follow pcs[0]) */
  uint32_t mono_cum[MAX_FRAMES - 1]; /* caller slots, mono: where frame k+1's return address is, from the stack pointer (+ 8) */
  uint32_t pad1;
  uint64_t calls, moved, mmapped, from_null, to_zero, failed;
  uint64_t shrink, fits, constant_step, geometric, other_growth;
  uint64_t timed, ticks_weighted, last_delta;
  uint64_t threads_max;
  uint64_t old_min, old_max, new_min, new_max;
  uint64_t old_hist[65], new_hist[65];
  uint64_t ticks_hist[64];
};

struct module {
  uint64_t base, lo, hi;
  uint32_t path_len, truncated;
  char path[MODULE_PATH];
};

_Static_assert(sizeof(struct header) <= HEADER_SIZE, "header too large");
_Static_assert(sizeof(struct slot) <= SLOT_SIZE, "slot too large");
_Static_assert(sizeof(struct module) == MODULE_SIZE, "module entry size");
_Static_assert((STACK_SLOTS & (STACK_SLOTS - 1)) == 0 && (CALLER_SLOTS & (CALLER_SLOTS - 1)) == 0, "tables are powers of two");

/* ---- process state ---- */
static void *(*real_realloc)(void *, size_t);
static void *(*real_mremap)(void *, size_t, size_t, int, ...);
static int (*real_pthread_create)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);
static size_t (*usable_size)(void *);

static struct header *H;
static uint32_t *slot_index; /* the numbers of the slots in use, in the order they were claimed */
static unsigned char *slots_base;
static struct module *modules;
static int frames_wanted = 5;
static int use_tsc;
static int fast_unwind_ok;
static int glibc_malloc;
static volatile int init_state; /* 0 not yet, 1 in progress, 2 recording, 3 disabled */
static volatile int resolving;
static uint64_t early_bootstrap; /* calls passed through before the file existed */
static volatile uint64_t live_threads = 1;
static char record_dir[1024];
static pthread_key_t thread_key;

/* glibc: true while the process never had a second thread. Weak: musl has none (then: atomics). */
extern char __libc_single_threaded __attribute__((weak));

/* Per thread, in one block: the fast path finds it with one load of its offset. */
struct thread_state {
  int inside;               /* inside our own slow path: calls made now are libc's, for us */
  uint64_t rng;
  uintptr_t stack_hi;       /* highest CFA a full unwind saw: fast backtraces never read above */
  struct slot *cache_slot;  /* the last immediate caller's slot (one word: a signal handler may replace it) */
};
static __thread struct thread_state T __attribute__((tls_model("initial-exec")));
#define t_inside T.inside
#define t_rng T.rng
#define t_stack_hi T.stack_hi
#define t_cache_slot T.cache_slot

/* ---- small helpers (no stdio: it may allocate) ---- */
INLINE int single_threaded(void) {
  return &__libc_single_threaded != NULL && __libc_single_threaded;
}

/* Adds v to *p as one instruction: safe against our own signal handlers re-entering; atomic
 * (lock-prefixed) once the process has other threads. */
INLINE void add_st(uint64_t *p, uint64_t v, int st) {
#if defined(__x86_64__)
  if (likely(st)) {
    __asm__ volatile("addq %1, %0" : "+m"(*p) : "er"(v));
    return;
  }
#endif
  (void)st;
  __atomic_fetch_add(p, v, __ATOMIC_RELAXED);
}

INLINE void add(uint64_t *p, uint64_t v) {
  add_st(p, v, single_threaded());
}

static void store_max(uint64_t *p, uint64_t v) {
  uint64_t cur = __atomic_load_n(p, __ATOMIC_RELAXED);
  while (v > cur && !__atomic_compare_exchange_n(p, &cur, v, 1, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
  }
}

static void store_min(uint64_t *p, uint64_t v) {
  uint64_t cur = __atomic_load_n(p, __ATOMIC_RELAXED);
  while (v < cur && !__atomic_compare_exchange_n(p, &cur, v, 1, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
  }
}

/* Raises a caller's mode; returns the mode it had, when this call changed it (else v). */
static uint32_t raise_mode(uint32_t *p, uint32_t v) {
  uint32_t cur = __atomic_load_n(p, __ATOMIC_RELAXED);
  while (v > cur) {
    if (__atomic_compare_exchange_n(p, &cur, v, 1, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) return cur;
  }
  return v;
}

static uint64_t mono_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

INLINE uint64_t ticks(void) {
#if defined(__x86_64__)
  if (likely(use_tsc)) return __rdtsc();
#endif
  return mono_ns();
}

INLINE uint64_t rng(void) {
  uint64_t x = t_rng;
  if (unlikely(x == 0)) x = ((uint64_t)(uintptr_t)&t_rng * 0x9E3779B97F4A7C15ull) ^ ticks() ^ 0x2545F4914F6CDD1Dull;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  t_rng = x;
  return x;
}

INLINE unsigned log2_bucket(uint64_t v) { /* 0 → 0; [2^(k-1), 2^k) → k */
  return v == 0 ? 0u : 64u - (unsigned)__builtin_clzll(v);
}

static size_t str_len(const char *s) {
  size_t n = 0;
  while (s[n]) n++;
  return n;
}

static char *put_str(char *p, char *end, const char *s) {
  while (*s && p < end) *p++ = *s++;
  return p;
}

static char *put_uint(char *p, char *end, uint64_t v) {
  char buf[24];
  int n = 0;
  do {
    buf[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  while (n && p < end) *p++ = buf[--n];
  return p;
}

/* ---- resolving the real functions ---- */
static void resolve(void) {
  if (real_realloc) return;
  resolving = 1;
  real_mremap = (void *(*)(void *, size_t, size_t, int, ...))dlsym(RTLD_NEXT, "mremap");
  real_pthread_create = (int (*)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *))dlsym(RTLD_NEXT, "pthread_create");
  usable_size = (size_t(*)(void *))dlsym(RTLD_DEFAULT, "malloc_usable_size");
  void *r = dlsym(RTLD_NEXT, "realloc");
  resolving = 0;
  __atomic_store_n(&real_realloc, (void *(*)(void *, size_t))r, __ATOMIC_RELEASE);
}

/* glibc exports its realloc under this name too: what we use while dlsym itself is running. */
extern void *__libc_realloc(void *, size_t) __attribute__((weak));

static void *bootstrap_realloc(void *p, size_t n) {
  __atomic_fetch_add(&early_bootstrap, 1, __ATOMIC_RELAXED);
  if (&__libc_realloc != NULL) return __libc_realloc(p, n);
  errno = ENOMEM;
  return NULL;
}

/* ---- modules: where each return address lives, for symbolisation after the run ---- */
static volatile int modules_busy;

static int add_module(struct dl_phdr_info *info, size_t size, void *arg) {
  (void)size;
  (void)arg;
  uint64_t lo = UINT64_MAX, hi = 0;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X)) continue;
    uint64_t a = (uint64_t)info->dlpi_addr + ph->p_vaddr;
    if (a < lo) lo = a;
    if (a + ph->p_memsz > hi) hi = a + ph->p_memsz;
  }
  if (hi == 0) return 0;
  /* The main program is the object without a name. */
  const char *name = info->dlpi_name && info->dlpi_name[0] ? info->dlpi_name : H->exe;
  uint32_t n = __atomic_load_n(&H->module_count, __ATOMIC_ACQUIRE);
  for (uint32_t i = 0; i < n; i++) {
    if (modules[i].base == (uint64_t)info->dlpi_addr && modules[i].lo == lo && modules[i].hi == hi) return 0;
  }
  if (n >= MODULE_MAX) return 0;
  struct module *m = &modules[n];
  m->base = (uint64_t)info->dlpi_addr;
  m->lo = lo;
  m->hi = hi;
  size_t len = str_len(name);
  m->truncated = len >= MODULE_PATH;
  if (len >= MODULE_PATH) len = MODULE_PATH - 1;
  memcpy(m->path, name, len);
  m->path[len] = 0;
  m->path_len = (uint32_t)len;
  __atomic_store_n(&H->module_count, n + 1, __ATOMIC_RELEASE);
  return 0;
}

static void refresh_modules(void) {
  int expected = 0;
  if (!__atomic_compare_exchange_n(&modules_busy, &expected, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) return;
  t_inside++;
  dl_iterate_phdr(add_module, NULL);
  t_inside--;
  __atomic_store_n(&modules_busy, 0, __ATOMIC_RELEASE);
}

static int known_module(uint64_t pc) {
  uint32_t n = __atomic_load_n(&H->module_count, __ATOMIC_ACQUIRE);
  for (uint32_t i = 0; i < n; i++)
    if (pc >= modules[i].lo && pc < modules[i].hi) return 1;
  return 0;
}

/* ---- learned frame offsets (return address → CFA − SP of its frame) ---- */
#define PC_TABLE 16384u
#define PC_LEARNED 1u
#define PC_END 2u      /* the outermost frame: nothing above it */
#define PC_VARIABLE 3u /* offset not constant here: unwind fully */
struct pc_entry {
  uint64_t pc;
  uint64_t value; /* state << 32 | (uint32_t)offset */
};
static struct pc_entry *pc_table;

INLINE uint64_t pc_hash(uint64_t pc) {
  return (pc * 0x9E3779B97F4A7C15ull) >> 50; /* 14 bits */
}

INLINE uint64_t pc_get(uint64_t pc) {
  uint64_t h = pc_hash(pc);
  for (unsigned i = 0; i < 32; i++) {
    struct pc_entry *e = &pc_table[(h + i) & (PC_TABLE - 1)];
    uint64_t k = __atomic_load_n(&e->pc, __ATOMIC_ACQUIRE);
    if (k == pc) return __atomic_load_n(&e->value, __ATOMIC_ACQUIRE);
    if (k == 0) return 0;
  }
  return 0;
}

static void pc_set(uint64_t pc, uint32_t state, int32_t off) {
  if (!pc_table || pc == 0) return;
  uint64_t h = pc_hash(pc);
  uint64_t v = ((uint64_t)state << 32) | (uint32_t)off;
  for (unsigned i = 0; i < 32; i++) {
    struct pc_entry *e = &pc_table[(h + i) & (PC_TABLE - 1)];
    uint64_t k = __atomic_load_n(&e->pc, __ATOMIC_ACQUIRE);
    if (k == 0) {
      uint64_t zero = 0;
      if (__atomic_compare_exchange_n(&e->pc, &zero, pc, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) k = pc;
      else k = zero;
    }
    if (k == pc) {
      uint64_t old = __atomic_load_n(&e->value, __ATOMIC_ACQUIRE);
      /* Variable is final: once seen to change, an address is never trusted again. */
      if ((old >> 32) == PC_VARIABLE) return;
      if ((old >> 32) == PC_LEARNED && state == PC_LEARNED && (uint32_t)old != (uint32_t)off) v = (uint64_t)PC_VARIABLE << 32;
      __atomic_store_n(&e->value, v, __ATOMIC_RELEASE);
      return;
    }
  }
  add(&H->pc_table_full, 1);
}

/* ---- the full unwinder: the truth the fast path learns from ---- */
#if !defined(__GLIBC__)
/* GCC's unwinder (linked in statically by musl-gcc) looks up unwind tables with glibc's
 * _dl_find_object, which musl does not have: the same answer from dl_iterate_phdr. */
struct dl_find_object {
  unsigned long long dlfo_flags;
  void *dlfo_map_start;
  void *dlfo_map_end;
  void *dlfo_link_map;
  void *dlfo_eh_frame;
  unsigned long long reserved[7];
};

struct find_ctx {
  uintptr_t pc;
  struct dl_find_object *out;
  int found;
};

static int find_object_cb(struct dl_phdr_info *info, size_t size, void *arg) {
  (void)size;
  struct find_ctx *c = arg;
  const ElfW(Phdr) *eh = NULL;
  int inside = 0;
  uintptr_t lo = UINTPTR_MAX, hi = 0;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    if (ph->p_type == PT_GNU_EH_FRAME) eh = ph;
    if (ph->p_type != PT_LOAD) continue;
    uintptr_t a = info->dlpi_addr + ph->p_vaddr;
    if (a < lo) lo = a;
    if (a + ph->p_memsz > hi) hi = a + ph->p_memsz;
    if (c->pc >= a && c->pc < a + ph->p_memsz) inside = 1;
  }
  if (!inside || !eh) return 0;
  memset(c->out, 0, sizeof *c->out);
  c->out->dlfo_map_start = (void *)lo;
  c->out->dlfo_map_end = (void *)hi;
  c->out->dlfo_eh_frame = (void *)(info->dlpi_addr + eh->p_vaddr);
  c->found = 1;
  return 1;
}

__attribute__((visibility("hidden"))) int _dl_find_object(void *pc, struct dl_find_object *out) {
  struct find_ctx c = { (uintptr_t)pc, out, 0 };
  dl_iterate_phdr(find_object_cb, &c);
  return c.found ? 0 : -1;
}
#endif

struct full_ctx {
  uint64_t ra0;       /* the immediate caller's return address: frames start there */
  uint64_t sp0;       /* the stack pointer in the immediate caller after the call */
  int started, n, want, learn, stopped_learning;
  uint64_t pcs[MAX_FRAMES];
  uint64_t prev_ip, prev_cfa;
};

/* The unwinder's context for a frame gives the return address into the caller (IP) and the CFA
 * of the frame that returns there, which is the caller's stack pointer after the return. So the
 * offset of an address is learned one step later: CFA of the next context − CFA of this one. */
static _Unwind_Reason_Code full_cb(struct _Unwind_Context *ctx, void *arg) {
  struct full_ctx *c = arg;
  int before_insn = 0;
  uint64_t ip = (uint64_t)_Unwind_GetIPInfo(ctx, &before_insn);
  uint64_t cfa = (uint64_t)_Unwind_GetCFA(ctx);
  if (!c->started) {
    if (ip != c->ra0) return _URC_NO_REASON; /* our own frames */
    c->started = 1;
    /* The fast path computes this stack pointer itself: if the two disagree, learn nothing. */
    if (cfa != c->sp0) c->stopped_learning = 1;
  } else if (c->learn && !c->stopped_learning) {
    if (before_insn) {
      /* A frame interrupted by a signal: the trampoline before it computes its CFA from the
       * signal context, so its offset is not a constant. Never learn through it. */
      pc_set(c->prev_ip, PC_VARIABLE, 0);
      c->stopped_learning = 1;
    } else if (cfa > c->prev_cfa && cfa - c->prev_cfa < (1u << 30)) {
      pc_set(c->prev_ip, PC_LEARNED, (int32_t)(cfa - c->prev_cfa));
    } else {
      c->stopped_learning = 1;
    }
  }
  if (ip == 0) return _URC_END_OF_STACK; /* past the outermost frame (_start has no caller) */
  if (c->n < c->want) c->pcs[c->n++] = ip;
  if (cfa > t_stack_hi) t_stack_hi = cfa;
  c->prev_ip = ip;
  c->prev_cfa = cfa;
  /* Learning wants the whole stack (the outermost frame marks the end); copying stops at want. */
  if (!c->learn && c->n >= c->want) return _URC_END_OF_STACK;
  return _URC_NO_REASON;
}

/* Unwinds fully from the caller of the interposed function; learns offsets on the way. */
static int full_unwind(uint64_t ra0, uint64_t sp0, uint64_t *pcs, int want, int learn) {
  struct full_ctx c;
  memset(&c, 0, sizeof c);
  c.ra0 = ra0;
  c.sp0 = sp0;
  c.want = want;
  c.learn = learn && pc_table;
  t_inside++;
  _Unwind_Backtrace(full_cb, &c);
  t_inside--;
  add(&H->unwind_full, 1);
  if (!c.started) {
    pcs[0] = ra0;
    return 1;
  }
  if (c.learn && !c.stopped_learning && c.n > 0) pc_set(c.prev_ip, PC_END, 0);
  for (int i = 0; i < c.n; i++) pcs[i] = c.pcs[i];
  return c.n;
}

/* Reads frames with learned offsets. Returns the depth, or -1 when an address is not learned
 * (or is variable) and a full unwind is needed. */
static int fast_unwind(uint64_t ra0, uint64_t sp0, uint64_t *pcs, int want) {
  pcs[0] = ra0;
  int n = 1;
  uint64_t pc = ra0, sp = sp0;
  while (n < want) {
    uint64_t v = pc_get(pc);
    uint32_t st = (uint32_t)(v >> 32);
    if (st == PC_END) break;
    if (st != PC_LEARNED) return -1;
    uint64_t cfa = sp + (uint32_t)v;
    if (unlikely(cfa > t_stack_hi || cfa < sp + 8)) return -1;
    uint64_t ra = *(const uint64_t *)(uintptr_t)(cfa - 8);
    pcs[n++] = ra;
    pc = ra;
    sp = cfa;
  }
  return n;
}

/* ---- slots ---- */
INLINE struct slot *slot_at(unsigned i) {
  return (struct slot *)(void *)(slots_base + (size_t)i * SLOT_SIZE);
}

INLINE uint64_t key_hash(const uint64_t *pcs, int depth, unsigned callee) {
  uint64_t h = 0xcbf29ce484222325ull ^ callee;
  for (int i = 0; i < depth; i++) h = (h ^ pcs[i]) * 0x100000001b3ull;
  return h ^ (h >> 29);
}

static int same_key(const struct slot *s, const uint64_t *pcs, int depth, unsigned callee) {
  if (s->depth != (uint32_t)depth || s->callee != callee) return 0;
  for (int i = 0; i < depth; i++)
    if (s->pcs[i] != pcs[i]) return 0;
  return 1;
}

SLOW void new_slot_seen(const uint64_t *pcs, int depth) {
  int e = errno;
  for (int i = 0; i < depth; i++) {
    if (!known_module(pcs[i])) {
      refresh_modules();
      break;
    }
  }
  H->last_mono_ns = mono_ns();
  H->last_ticks = ticks();
  errno = e;
}

/* Finds or claims the slot of a key in the table [first, first + count). NULL when it is full. */
static struct slot *find_slot(const uint64_t *pcs, int depth, unsigned callee, unsigned first, unsigned count) {
  uint64_t h = key_hash(pcs, depth, callee);
  for (unsigned i = 0; i < PROBES; i++) {
    struct slot *s = slot_at(first + (unsigned)((h + i) & (count - 1)));
    uint32_t st = __atomic_load_n(&s->state, __ATOMIC_ACQUIRE);
    if (st == 2) {
      if (same_key(s, pcs, depth, callee)) return s;
      continue;
    }
    if (st == 1) continue; /* being written (maybe by the code we interrupted): a twin is merged later */
    uint32_t zero = 0;
    if (!__atomic_compare_exchange_n(&s->state, &zero, 1, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
      if (zero == 2 && same_key(s, pcs, depth, callee)) return s;
      continue;
    }
    for (int k = 0; k < depth; k++) s->pcs[k] = pcs[k];
    s->depth = (uint32_t)depth;
    s->callee = callee;
    s->old_min = UINT64_MAX;
    s->new_min = UINT64_MAX;
    s->last_delta = UINT64_MAX;
    s->first_b = UINT32_MAX;
    __atomic_store_n(&s->state, 2, __ATOMIC_RELEASE);
    /* The index lets the reader skip the untouched part of the table. */
    uint32_t at = __atomic_fetch_add(&H->used_slots, 1, __ATOMIC_RELAXED);
    if (at < SLOT_COUNT) __atomic_store_n(&slot_index[at], (uint32_t)(((unsigned char *)s - slots_base) / SLOT_SIZE), __ATOMIC_RELEASE);
    if (!t_inside) {
      t_inside++;
      new_slot_seen(pcs, depth);
      t_inside--;
    }
    return s;
  }
  return NULL;
}

/* The caller slot of a return address: a one-entry cache per thread, then the table. */
INLINE struct slot *caller_slot(uint64_t ra0, unsigned callee) {
  struct slot *s = t_cache_slot;
  if (likely(s && s->pcs[0] == ra0 && s->callee == callee)) return s;
  uint64_t pcs[1] = {ra0};
  s = find_slot(pcs, 1, callee, 0, CALLER_SLOTS);
  if (s) t_cache_slot = s;
  return s;
}

/* The caller's calls so far all came from one stack: keep it with its frames' offsets, so that
 * later calls can check theirs with a load per frame. Stays in learning (and goes polymorphic on
 * the next new stack) when an offset on the way is not a learned constant. */
static void go_mono(struct slot *a, const uint64_t *pcs, int depth) {
  if (!fast_unwind_ok) return;
  for (int k = 0; k + 1 < depth; k++) {
    uint64_t v = pc_get(pcs[k]);
    if ((uint32_t)(v >> 32) != PC_LEARNED) {
      raise_mode(&a->mode, MODE_POLY);
      return;
    }
    a->mono_cum[k] = (k ? a->mono_cum[k - 1] : 0) + (uint32_t)v;
    a->pcs[k + 1] = pcs[k + 1];
  }
  a->mono_depth = (uint32_t)depth;
  __atomic_thread_fence(__ATOMIC_RELEASE);
  raise_mode(&a->mode, MODE_MONO);
}

/* A monomorphic caller met a second stack. Until now every call was the first stack's, so the
 * caller's extremes are the first stack's: the first stack's slot takes them (its counts are
 * completed from the caller's when the file is read). */
static void left_mono(struct slot *a) {
  uint32_t b = __atomic_load_n(&a->first_b, __ATOMIC_RELAXED);
  if (b == UINT32_MAX) return;
  struct slot *f = slot_at(b);
  store_min(&f->old_min, a->old_min);
  store_max(&f->old_max, a->old_max);
  store_min(&f->new_min, a->new_min);
  store_max(&f->new_max, a->new_max);
  store_max(&f->threads_max, a->threads_max);
}

/* Is this call's stack the caller's one stack? 1 yes, 0 no, -1 cannot tell from here. The one
 * stack's return addresses sit at fixed distances above the stack pointer (the sums of the learned
 * offsets), so they are read without a dependent chain, all within this thread's stack. */
INLINE int mono_same(const struct slot *a, uint64_t sp) {
  uint32_t depth = a->mono_depth;
  if (depth < 2) return 1;
  if (unlikely(sp + a->mono_cum[depth - 2] > t_stack_hi)) return -1;
  int same = 1;
  for (uint32_t k = 0; k + 1 < depth; k++) same &= *(const uint64_t *)(uintptr_t)(sp + a->mono_cum[k] - 8) == a->pcs[k + 1];
  return same;
}

/* Takes this call's backtrace and returns its stack slot (and the weight it stands for), updating
 * whether the caller is monomorphic. NULL when there is no room, or when the call turned out to
 * be the monomorphic caller's one stack (then the caller slot says it all). */
SLOW struct slot *stack_slot(struct slot *a, unsigned callee, uint64_t ra0, uint64_t sp0, uint64_t r, uint32_t mode) {
  int e = errno;
  uint64_t pcs[MAX_FRAMES];
  int want = frames_wanted;
  int depth = -1;
  if (fast_unwind_ok) depth = fast_unwind(ra0, sp0, pcs, want);
  if (depth > 0 && unlikely((r & VERIFY_MASK) == 0) && !t_inside) {
    uint64_t truth[MAX_FRAMES];
    int n = full_unwind(ra0, sp0, truth, want, 1);
    add(&H->unwind_verified, 1);
    int same = n == depth;
    for (int i = 0; same && i < n; i++) same = truth[i] == pcs[i];
    if (!same) {
      add(&H->unwind_mismatch, 1);
      depth = n;
      for (int i = 0; i < n; i++) pcs[i] = truth[i];
    }
  }
  if (depth < 0) {
    if (!t_inside) depth = full_unwind(ra0, sp0, pcs, want, fast_unwind_ok);
    else {
      pcs[0] = ra0; /* a signal handler inside our own slow path: the immediate caller only */
      depth = 1;
    }
  }
  add(&H->stacks_taken, 1);
  uint64_t h = key_hash(pcs, depth, callee);
  int first = 0;
  if (mode == MODE_MONO && h == __atomic_load_n(&a->first_stack, __ATOMIC_RELAXED)) {
    /* The check against the first stack could not be made (a new thread, say): it is made now. */
    errno = e;
    return NULL;
  }
  if (mode != MODE_LEARN) {
    if (raise_mode(&a->mode, MODE_POLY) == MODE_MONO) left_mono(a);
  } else {
    uint64_t none = 0;
    first = __atomic_compare_exchange_n(&a->first_stack, &none, h, 0, __ATOMIC_RELAXED, __ATOMIC_RELAXED);
    if (first || none == h) {
      uint32_t seen = __atomic_add_fetch(&a->samples, 1, __ATOMIC_RELAXED);
      if (seen == LEARN_SAMPLES) go_mono(a, pcs, depth);
    } else {
      raise_mode(&a->mode, MODE_POLY);
    }
  }
  struct slot *s = find_slot(pcs, depth, callee, CALLER_SLOTS, STACK_SLOTS);
  if (!s) add(&H->stack_overflow, 1);
  else if (first) __atomic_store_n(&a->first_b, (uint32_t)(((unsigned char *)s - slots_base) / SLOT_SIZE), __ATOMIC_RELAXED);
  errno = e;
  return s;
}

/* ---- per call ---- */
struct call {
  struct slot *a;       /* caller slot: every call */
  struct slot *b;       /* stack slot: when this call's stack was taken */
  uint64_t old_size, t0;
  int st;               /* the process has a single thread: plain adds */
  uint32_t tweight;     /* 0: not timed; else the calls a timed one stands for */
  int mmapped;
};

SLOW void update_timing_policy(struct slot *s) {
  uint64_t calls = __atomic_load_n(&s->calls, __ATOMIC_RELAXED) + 1;
  uint64_t mean = __atomic_load_n(&s->ticks_weighted, __ATOMIC_RELAXED) / calls;
  uint32_t shift = mean < 150 ? 5u : mean < 1500 ? 3u : 0u;
  __atomic_store_n(&s->tshift, shift, __ATOMIC_RELAXED);
}

INLINE uint64_t old_block_size(void *old, int *mmapped) {
  if (likely(glibc_malloc)) {
    /* glibc's chunk header, as malloc_usable_size reads it: the size word before the block, with
     * bit 1 set for mmapped chunks (whose header is two words). */
    size_t head = ((const size_t *)old)[-1];
    *mmapped = (int)((head >> 1) & 1u);
    return (head & ~(size_t)7) - (*mmapped ? 2 * sizeof(size_t) : sizeof(size_t));
  }
  *mmapped = 0;
  return usable_size ? usable_size(old) : 0;
}

/* Everything before the real call. Returns 0 when the call is not counted (table full). */
INLINE int enter(struct call *c, unsigned callee, uint64_t ra0, uint64_t sp0, void *old, uint64_t old_size_arg) {
  struct slot *a = caller_slot(ra0, callee);
  if (unlikely(!a)) {
    add(&H->overflow, 1);
    return 0;
  }
  c->a = a;
  c->st = single_threaded();
  uint64_t r = rng();
  uint32_t mode = a->mode;
  c->b = NULL;
  if (unlikely(t_inside)) {
    add(&H->internal_calls, 1);
  } else if (likely(mode == MODE_MONO)) {
    int same = mono_same(a, sp0);
    if (unlikely(same <= 0) || unlikely((r & VERIFY_MASK) == 0)) c->b = stack_slot(a, callee, ra0, sp0, r, same == 0 ? MODE_POLY : MODE_MONO);
  } else {
    c->b = stack_slot(a, callee, ra0, sp0, r, mode);
  }
  if (callee == CALLEE_MREMAP) {
    c->old_size = old_size_arg;
    c->mmapped = 1;
  } else if (old) {
    c->old_size = old_block_size(old, &c->mmapped);
  } else {
    c->old_size = 0;
    c->mmapped = 0;
  }
  /* A call whose stack was taken follows its stack's timing policy: each of a wrapper's callers
   * gets its own first timed calls, however rare it is among the wrapper's calls. */
  uint32_t shift = c->b ? c->b->tshift : a->tshift;
  c->tweight = 0;
  if (((r >> 20) & ((1u << shift) - 1u)) == 0) {
    c->tweight = 1u << shift;
    c->t0 = ticks();
  }
  return 1;
}

/* Counts one call (weight w) into a slot. */
INLINE void account(struct slot *s, uint64_t w, unsigned callee, void *old, void *result, uint64_t o, uint64_t n, int mmapped, int failed, uint64_t dt, uint64_t tw, int st) {
  add_st(&s->calls, w, st);
  if (tw) {
    add_st(&s->timed, 1, st);
    add_st(&s->ticks_weighted, dt * tw, st);
    add_st(&s->ticks_hist[log2_bucket(dt) & 63u], tw, st);
  }
  if (mmapped) add_st(&s->mmapped, w, st);
  if (failed) add_st(&s->failed, w, st);
  else if (result && old && result != old) add_st(&s->moved, w, st);
  if (callee != CALLEE_MREMAP && !old) {
    add_st(&s->from_null, w, st);
  } else if (n == 0 && callee != CALLEE_MREMAP) {
    add_st(&s->to_zero, w, st);
  } else if (n + (mmapped && callee != CALLEE_MREMAP ? 4096 + 32 : 32) < o) {
    /* Smaller by more than the allocator rounds up (a page for glibc's mmapped chunks). */
    add_st(&s->shrink, w, st);
  } else if (n <= o) {
    add_st(&s->fits, w, st);
  } else {
    /* Growth: a constant step repeats the last delta (give or take the allocator's rounding);
     * geometric growth multiplies by 1.25 or more. */
    uint64_t d = n - o;
    uint64_t last = s->last_delta;
    uint64_t tol = 64 + (o >= 131072 ? 4096 : 0);
    if (last != UINT64_MAX && (d > last ? d - last : last - d) <= tol) add_st(&s->constant_step, w, st);
    else if (n >= o + o / 4) add_st(&s->geometric, w, st);
    else add_st(&s->other_growth, w, st);
    if (last != d) s->last_delta = d;
  }
  add_st(&s->old_hist[log2_bucket(o)], w, st);
  add_st(&s->new_hist[log2_bucket(n)], w, st);
  if (unlikely(o < s->old_min)) store_min(&s->old_min, o);
  if (unlikely(o > s->old_max)) store_max(&s->old_max, o);
  if (unlikely(n < s->new_min)) store_min(&s->new_min, n);
  if (unlikely(n > s->new_max)) store_max(&s->new_max, n);
  uint64_t th = live_threads;
  if (unlikely(th > s->threads_max)) store_max(&s->threads_max, th);
}

/* The longest a call moving these sizes can take, in ticks (generous: see the top). */
INLINE uint64_t plausible_ticks(uint64_t o, uint64_t n) {
  uint64_t bytes = (o > (1ull << 40) ? 1ull << 40 : o) + (n > (1ull << 40) ? 1ull << 40 : n);
  return 6 * (50000 + 2 * bytes);
}

/* Everything after the real call. */
INLINE void leave(struct call *c, unsigned callee, void *old, void *result, uint64_t new_size, int failed) {
  uint64_t dt = 0;
  if (c->tweight) {
    dt = ticks() - c->t0;
    if (unlikely(dt > plausible_ticks(c->old_size, new_size))) {
      add(&H->timing_discarded, 1);
      c->tweight = 0;
      dt = 0;
    }
  }
  struct slot *a = c->a;
  /* Two copies of the counting, each with its kind of add decided once. */
  if (likely(c->st)) {
    account(a, 1, callee, old, result, c->old_size, new_size, c->mmapped, failed, dt, c->tweight, 1);
    if (unlikely(c->b != NULL)) account(c->b, 1, callee, old, result, c->old_size, new_size, c->mmapped, failed, dt, c->tweight, 1);
  } else {
    account(a, 1, callee, old, result, c->old_size, new_size, c->mmapped, failed, dt, c->tweight, 0);
    if (unlikely(c->b != NULL)) account(c->b, 1, callee, old, result, c->old_size, new_size, c->mmapped, failed, dt, c->tweight, 0);
  }
  if (c->tweight) {
    struct slot *policy = c->b ? c->b : a;
    uint64_t timed = policy->timed;
    if ((timed & 63u) == 0 && (timed <= 64 || (timed & 255u) == 0)) update_timing_policy(policy);
  }
}

/* ---- start-up, fork, exit ---- */
static int parse_frames(const char *v) {
  int n = 0;
  if (!v) return 5;
  for (; *v >= '0' && *v <= '9'; v++) n = n * 10 + (*v - '0');
  if (n < 1) n = 1;
  if (n > (int)MAX_FRAMES) n = (int)MAX_FRAMES;
  return n;
}

static int tsc_invariant(void) {
#if defined(__x86_64__)
  unsigned a, b, c, d;
  if (!__get_cpuid(0x80000000u, &a, &b, &c, &d) || a < 0x80000007u) return 0;
  __get_cpuid(0x80000007u, &a, &b, &c, &d);
  return (d >> 8) & 1u;
#else
  return 0;
#endif
}

#define INDEX_SIZE (SLOT_COUNT * 4u)

static size_t file_size(void) {
  return HEADER_SIZE + INDEX_SIZE + (size_t)SLOT_COUNT * SLOT_SIZE + (size_t)MODULE_MAX * MODULE_SIZE;
}

/* Creates this process's file in the record folder and maps it. 0 on success. */
static int open_record_file(int forked) {
  char path[1200];
  pid_t pid = getpid();
  int fd = -1;
  for (unsigned seq = 0; seq < 1000 && fd < 0; seq++) {
    char *p = path, *end = path + sizeof path - 1;
    p = put_str(p, end, record_dir);
    p = put_str(p, end, "/");
    p = put_uint(p, end, (uint64_t)pid);
    p = put_str(p, end, ".");
    p = put_uint(p, end, seq);
    p = put_str(p, end, ".pcrec");
    *p = 0;
    fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0 && errno != EEXIST) return -1;
  }
  if (fd < 0) return -1;
  size_t total = file_size();
  if (ftruncate(fd, (off_t)total) != 0) {
    close(fd);
    return -1;
  }
  void *m = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  close(fd);
  if (m == MAP_FAILED) return -1;
  struct header *old = H;
  H = (struct header *)m;
  slot_index = (uint32_t *)(void *)((unsigned char *)m + HEADER_SIZE);
  slots_base = (unsigned char *)m + HEADER_SIZE + INDEX_SIZE;
  modules = (struct module *)(void *)(slots_base + (size_t)SLOT_COUNT * SLOT_SIZE);
  H->version = PCREC_VERSION;
  H->header_size = HEADER_SIZE;
  H->slot_size = SLOT_SIZE;
  H->caller_slots = CALLER_SLOTS;
  H->stack_slots = STACK_SLOTS;
  H->max_frames = MAX_FRAMES;
  H->frames = (uint32_t)frames_wanted;
  H->module_size = MODULE_SIZE;
  H->module_max = MODULE_MAX;
  H->pid = (uint32_t)pid;
  H->ppid = (uint32_t)getppid();
  H->verify_one_in = VERIFY_MASK + 1;
  H->mono_one_in = 0;
  H->learn_samples = LEARN_SAMPLES;
  H->index_off = HEADER_SIZE;
  H->slots_off = HEADER_SIZE + INDEX_SIZE;
  H->modules_off = H->slots_off + (uint64_t)SLOT_COUNT * SLOT_SIZE;
  uint32_t flags = 0;
  if (forked) flags |= HF_FORKED;
  if (glibc_malloc) flags |= HF_GLIBC_MALLOC;
  if (use_tsc) flags |= HF_TSC;
  if (fast_unwind_ok) flags |= HF_FAST_UNWIND;
  H->flags = flags;
  struct timespec rt;
  clock_gettime(CLOCK_REALTIME, &rt);
  H->start_realtime_ns = (uint64_t)rt.tv_sec * 1000000000u + (uint64_t)rt.tv_nsec;
  H->start_mono_ns = mono_ns();
  H->start_ticks = ticks();
  H->last_mono_ns = H->start_mono_ns;
  H->last_ticks = H->start_ticks;
  H->threads_max = live_threads;
  if (old && forked) {
    /* The parent's file stays the parent's: the child starts from zero in its own. */
    memcpy(H->exe, old->exe, sizeof H->exe);
    munmap(old, total);
  } else {
    ssize_t n = readlink("/proc/self/exe", H->exe, sizeof H->exe - 1);
    H->exe[n > 0 ? n : 0] = 0;
  }
  t_cache_slot = NULL;
  refresh_modules();
  /* Written last: a reader that sees the magic sees a complete header. */
  __atomic_thread_fence(__ATOMIC_RELEASE);
  memcpy(H->magic, "PCREC\0\0\1", 8);
  return 0;
}

static void atfork_child(void) {
  if (init_state != 2) return;
  int e = errno;
  live_threads = 1;
  if (open_record_file(1) != 0) init_state = 3;
  errno = e;
}

static void thread_gone(void *v) {
  (void)v;
  __atomic_fetch_sub(&live_threads, 1, __ATOMIC_RELAXED);
}

static void init(void) {
  int expected = 0;
  if (!__atomic_compare_exchange_n(&init_state, &expected, 1, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) return;
  int e = errno;
  t_inside++;
  resolve();
  const char *dir = getenv("PAGECOST_RECORD_DIR");
  int ok = dir && dir[0] && str_len(dir) < sizeof record_dir;
  if (ok) {
    memcpy(record_dir, dir, str_len(dir) + 1);
    frames_wanted = parse_frames(getenv("PAGECOST_RECORD_FRAMES"));
    use_tsc = tsc_invariant() && !getenv("PAGECOST_RECORD_NO_TSC");
#if defined(__x86_64__)
    fast_unwind_ok = !getenv("PAGECOST_RECORD_FULL_UNWIND");
#endif
    Dl_info info;
    if (real_realloc && dladdr((void *)real_realloc, &info) && info.dli_fname) {
      const char *f = info.dli_fname;
      size_t n = str_len(f);
      glibc_malloc = n >= 9 && memcmp(f + n - 9, "libc.so.6", 9) == 0 && !getenv("PAGECOST_RECORD_NO_CHUNK_HEADER");
    }
    pc_table = mmap(NULL, PC_TABLE * sizeof(struct pc_entry), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (pc_table == MAP_FAILED) {
      pc_table = NULL;
      fast_unwind_ok = 0;
    }
    pthread_key_create(&thread_key, thread_gone);
    ok = open_record_file(0) == 0;
    if (ok) pthread_atfork(NULL, NULL, atfork_child);
  }
  t_inside--;
  errno = e;
  __atomic_store_n(&init_state, ok ? 2 : 3, __ATOMIC_RELEASE);
}

__attribute__((constructor)) static void on_load(void) {
  init();
}

__attribute__((destructor)) static void on_exit_handlers(void) {
  if (init_state != 2) return;
  int e = errno;
  refresh_modules();
  H->bootstrap_calls += __atomic_exchange_n(&early_bootstrap, 0, __ATOMIC_RELAXED);
  H->end_mono_ns = mono_ns();
  H->end_ticks = ticks();
  H->last_mono_ns = H->end_mono_ns;
  H->last_ticks = H->end_ticks;
  __atomic_fetch_or(&H->flags, HF_FINISHED, __ATOMIC_RELEASE);
  errno = e;
}

/* A call passed through uncounted while the recorder was being set up: the record says how many. */
SLOW void note_passthrough(void) {
  if (init_state != 3) __atomic_fetch_add(&early_bootstrap, 1, __ATOMIC_RELAXED);
}

/* Is this call ours to count? Sets the recorder up on first use. */
INLINE int recording(void) {
  if (likely(init_state == 2)) return 1;
  if (init_state == 0 && !resolving) init();
  if (init_state == 2) return 1;
  note_passthrough();
  return 0;
}

/* ---- the interposed functions ---- */
/* The stack pointer in our caller after the call returns (our frame pointer + 2 words). */
#define FRAME_SP() ((uint64_t)(uintptr_t)__builtin_frame_address(0) + 2 * sizeof(void *))
#define CALLER() ((uint64_t)(uintptr_t)__builtin_return_address(0))

EXPORT void *realloc(void *p, size_t n) {
  if (unlikely(!real_realloc)) {
    if (resolving) return bootstrap_realloc(p, n);
    resolve();
    if (!real_realloc) return bootstrap_realloc(p, n);
  }
  struct call c;
  if (unlikely(!recording()) || unlikely(!enter(&c, CALLEE_REALLOC, CALLER(), FRAME_SP(), p, 0))) return real_realloc(p, n);
  void *r = real_realloc(p, n);
  leave(&c, CALLEE_REALLOC, p, r, n, r == NULL && n != 0);
  return r;
}

/* reallocarray and reallocf are made here from the real realloc, as the C libraries make them:
 * glibc's reallocarray calls realloc through the PLT, which would count every call twice. */
EXPORT void *reallocarray(void *p, size_t nmemb, size_t size) {
  size_t total;
  if (__builtin_mul_overflow(nmemb, size, &total)) {
    if (real_realloc && recording()) {
      struct call c;
      if (enter(&c, CALLEE_REALLOCARRAY, CALLER(), FRAME_SP(), p, 0)) leave(&c, CALLEE_REALLOCARRAY, p, NULL, SIZE_MAX, 1);
    }
    errno = ENOMEM;
    return NULL;
  }
  if (unlikely(!real_realloc)) {
    if (resolving) return bootstrap_realloc(p, total);
    resolve();
    if (!real_realloc) return bootstrap_realloc(p, total);
  }
  struct call c;
  if (unlikely(!recording()) || unlikely(!enter(&c, CALLEE_REALLOCARRAY, CALLER(), FRAME_SP(), p, 0))) return real_realloc(p, total);
  void *r = real_realloc(p, total);
  leave(&c, CALLEE_REALLOCARRAY, p, r, total, r == NULL && total != 0);
  return r;
}

/* BSD reallocf: like realloc, but the old block is freed when the call fails. */
static void *reallocf_real(void *p, size_t n) {
  void *r = real_realloc(p, n);
  if (!r && n) {
    int keep = errno;
    free(p);
    errno = keep;
  }
  return r;
}

EXPORT void *reallocf(void *p, size_t n) {
  if (unlikely(!real_realloc)) {
    resolve();
    if (!real_realloc) return bootstrap_realloc(p, n);
  }
  struct call c;
  if (unlikely(!recording()) || unlikely(!enter(&c, CALLEE_REALLOCF, CALLER(), FRAME_SP(), p, 0))) return reallocf_real(p, n);
  void *r = reallocf_real(p, n);
  leave(&c, CALLEE_REALLOCF, p, r, n, r == NULL && n != 0);
  return r;
}

EXPORT void *mremap(void *old, size_t old_size, size_t new_size, int flags, ...) {
  void *new_address = NULL;
  if (flags & MREMAP_FIXED) {
    va_list ap;
    va_start(ap, flags);
    new_address = va_arg(ap, void *);
    va_end(ap);
  }
  if (unlikely(!real_mremap)) {
    if (!resolving) resolve();
    if (!real_mremap) return (void *)syscall(SYS_mremap, old, old_size, new_size, flags, new_address);
  }
  struct call c;
  if (unlikely(!recording()) || unlikely(!enter(&c, CALLEE_MREMAP, CALLER(), FRAME_SP(), old, old_size)))
    return real_mremap(old, old_size, new_size, flags, new_address);
  void *r = real_mremap(old, old_size, new_size, flags, new_address);
  leave(&c, CALLEE_MREMAP, old, r == MAP_FAILED ? NULL : r, new_size, r == MAP_FAILED);
  return r;
}

/* Threads alive: counted from their start to their end (any end, through a key destructor). */
struct thread_start {
  void *(*fn)(void *);
  void *arg;
};

static void *thread_trampoline(void *p) {
  struct thread_start s = *(struct thread_start *)p;
  free(p);
  pthread_setspecific(thread_key, (void *)1);
  return s.fn(s.arg);
}

EXPORT int pthread_create(pthread_t *t, const pthread_attr_t *attr, void *(*fn)(void *), void *arg) {
  if (unlikely(!real_pthread_create)) resolve();
  if (!real_pthread_create) return EAGAIN;
  if (init_state != 2) return real_pthread_create(t, attr, fn, arg);
  int e = errno;
  struct thread_start *s = malloc(sizeof *s);
  errno = e;
  if (!s) return real_pthread_create(t, attr, fn, arg);
  s->fn = fn;
  s->arg = arg;
  uint64_t now = __atomic_add_fetch(&live_threads, 1, __ATOMIC_RELAXED);
  int r = real_pthread_create(t, attr, thread_trampoline, s);
  if (r != 0) {
    __atomic_fetch_sub(&live_threads, 1, __ATOMIC_RELAXED);
    free(s);
    errno = e;
    return r;
  }
  store_max(&H->threads_max, now);
  return r;
}

/* exec replaces the image without running exit handlers: say so in the file first. A vfork
 * child shares our memory, so its exec is not ours to mark. */
static void mark_exec(void) {
  if (init_state == 2 && (uint32_t)getpid() == H->pid) __atomic_fetch_or(&H->flags, HF_EXEC, __ATOMIC_RELEASE);
}

EXPORT int execve(const char *path, char *const argv[], char *const envp[]) {
  static int (*real)(const char *, char *const[], char *const[]);
  if (!real) real = (int (*)(const char *, char *const[], char *const[]))dlsym(RTLD_NEXT, "execve");
  mark_exec();
  return real(path, argv, envp);
}

EXPORT int execv(const char *path, char *const argv[]) {
  static int (*real)(const char *, char *const[]);
  if (!real) real = (int (*)(const char *, char *const[]))dlsym(RTLD_NEXT, "execv");
  mark_exec();
  return real(path, argv);
}

EXPORT int execvp(const char *file, char *const argv[]) {
  static int (*real)(const char *, char *const[]);
  if (!real) real = (int (*)(const char *, char *const[]))dlsym(RTLD_NEXT, "execvp");
  mark_exec();
  return real(file, argv);
}
