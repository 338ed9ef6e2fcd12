/*
 * pagecost benchmark harness.
 *
 * Times the memory operations of pagecost's cost model on this machine and prints one JSON
 * object per line on stdout, so that the caller can show progress while the sweep runs:
 *
 *   {"type":"hello", ...machine facts...}          first line
 *   {"type":"point","op":..,"bytes":..,"threads":..,"huge":..,"aligned":..,
 *    "median":..,"p10":..,"p90":..,"reps":..}      one per measured point, times in ns;
 *                                                  "new_bytes" for ops that grow N to M;
 *                                                  optional "discarded" (repetitions thrown
 *                                                  away: a spinner lost its CPU) and "note"
 *   {"type":"skipped", ...same keys..., "reason":".."}   a point that cannot run here
 *   {"type":"error", ...same keys..., "message":".."}     a point that failed (e.g. ENOMEM)
 *   {"type":"end","points":..,"interrupted":..,"elapsed_ms":..}   last line
 *
 * Only the operation itself is inside the clock_gettime pair; mapping and writing the source,
 * and cleaning up, happen outside it. threads=T runs T-1 spinning threads pinned to other CPUs
 * (main thread on the first allowed CPU), so every TLB flush must interrupt them. SIGTERM and
 * SIGINT end the sweep after the current repetition, with the "end" line (the point under way
 * is reported with the repetitions it has). Diagnostics go to stderr.
 *
 * Other C libraries (musl) build it too: the glibc-only calls are left out there, and the
 * realloc-grow points then show that library's own behaviour.
 *
 * glibc: M_MMAP_THRESHOLD is fixed at 128 KiB with mallopt, which also switches off glibc's
 * dynamic threshold, so realloc-grow and malloc-copy-free take the mmap/mremap path exactly
 * for blocks of 128 KiB and more, whatever ran before.
 *
 * Build: cc -std=c11 -O2 -Wall -Wextra -pthread -o harness harness.c   (Linux only)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <malloc.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <gnu/libc-version.h>
#endif

#define HARNESS_VERSION 2
#define PAGE 4096UL
#define PMD (2UL * 1024 * 1024)
#define MAX_SIZES 64
#define MAX_THREADS_ARGS 16
#define MAX_REPS 100000
#define SYSCALL_BATCH 200
#define MAX_AGAIN 10000 /* setups that missed their state, per point */
#define MMAP_THRESHOLD (128 * 1024) /* fixed with mallopt in main */
#define DEFAULT_TOP_PAD (128 * 1024) /* glibc's M_TOP_PAD */
#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000 /* Linux 4.17; older kernels take the address as a hint */
#endif

/* ---------------------------------------------------------------- options and state */

/*
 * What each op means in the code users write, and the state it runs in (docs/MODEL.md, "What
 * each operation means"). The unsuffixed ops are the states the editor's hints assume: a
 * long-running program whose heap and address space are warm. Suffixed ops are named variants:
 * -top (a heap top brk just extended), -fresh (pages never touched), -isolated (page tables
 * allocated at the target and freed at the source).
 */
enum op_id {
  OP_MREMAP_MOVE, OP_MREMAP_GROW, OP_MREMAP_GROW_INPLACE, OP_MREMAP_SHRINK,
  OP_MEMCPY_WARM, OP_MEMCPY_COLD, OP_MALLOC_COPY_FREE, OP_REALLOC_GROW, OP_MUNMAP,
  OP_SYSCALL, OP_FAULT_4K, OP_FAULT_2M, OP_SWAP_MREMAP, OP_SWAP_MEMCPY, OP_MMAP,
  OP_REALLOC_GROW_TOP, OP_REALLOC_GROW_FRESH, OP_MREMAP_MOVE_ISOLATED, OP_MREMAP_MOVE_UNTOUCHED, OP_COUNT
};

static const char *const op_names[OP_COUNT] = {
  "mremap-move", "mremap-grow", "mremap-grow-inplace", "mremap-shrink",
  "memcpy-warm", "memcpy-cold", "malloc-copy-free", "realloc-grow", "munmap",
  "syscall", "fault-4k", "fault-2m", "swap-pages-mremap", "swap-pages-memcpy", "mmap",
  "realloc-grow-top", "realloc-grow-fresh", "mremap-move-isolated", "mremap-move-untouched",
};

/* Ops that work on any byte count (heap blocks and copies); the others need whole pages. */
static int byte_granular(enum op_id op) {
  return op == OP_MEMCPY_WARM || op == OP_MEMCPY_COLD || op == OP_MALLOC_COPY_FREE || op == OP_REALLOC_GROW ||
         op == OP_REALLOC_GROW_TOP || op == OP_REALLOC_GROW_FRESH;
}

/* Ops that take an old and a new size (N -> M; M = 2N unless a size is given as N:M). */
static int two_sizes(enum op_id op) {
  return op == OP_MREMAP_GROW || op == OP_MREMAP_GROW_INPLACE || op == OP_MALLOC_COPY_FREE || op == OP_REALLOC_GROW ||
         op == OP_REALLOC_GROW_TOP || op == OP_REALLOC_GROW_FRESH;
}

struct options {
  int ops[OP_COUNT];
  int n_ops;
  size_t sizes[MAX_SIZES];
  size_t to[MAX_SIZES];      /* new size of a two-size op, 0 = twice the size */
  int n_sizes;
  size_t byte_sizes[MAX_SIZES]; /* measured by byte-granular ops only (sub-page heap blocks) */
  size_t byte_to[MAX_SIZES];
  int n_byte_sizes;
  int threads[MAX_THREADS_ARGS];
  int n_threads;
  int reps;          /* upper bound of timed repetitions per point */
  int min_reps;      /* lower bound, even when the time budget is spent */
  double budget_ns;  /* wall time per point, setup included */
};

/* One point of the sweep: an operation on a size, with a variant. */
struct point {
  enum op_id op;
  size_t bytes;
  size_t to;   /* two-size ops: the new size (always set, 2N by default); else 0 */
  int threads;
  int huge;    /* source (or faulted region) advised MADV_HUGEPAGE */
  int aligned; /* mremap-move: source and destination mutually 2 MiB aligned */
};

static volatile sig_atomic_t stop_requested = 0;
static int cpu_list[1024];
static int n_cpus = 0;
static int thp_available = 0;
static double *samples = NULL;

static void on_stop_signal(int sig) {
  (void)sig;
  stop_requested = 1;
}

/* ---------------------------------------------------------------- small utilities */

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* Keeps the compiler from dropping stores and copies whose results are never read. */
static void escape(void *p) { __asm__ volatile("" : : "g"(p) : "memory"); }

static void fail_usage(const char *msg, const char *arg) {
  fprintf(stderr, "harness: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
  exit(2);
}

static void json_string(FILE *f, const char *s) {
  fputc('"', f);
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
    else if (c < 0x20) fprintf(f, "\\u%04x", c);
    else fputc(c, f);
  }
  fputc('"', f);
}

/* Reads the first line of a small text file; returns 0 on failure. */
static int read_line(const char *path, char *buf, size_t len) {
  FILE *f = fopen(path, "r");
  if (!f) return 0;
  int ok = fgets(buf, (int)len, f) != NULL;
  fclose(f);
  if (!ok) return 0;
  buf[strcspn(buf, "\n")] = 0;
  return 1;
}

/*
 * The reservation that places a range of len bytes at ≡ off (mod 2 MiB): every 2 MiB slot the
 * range touches lies inside it, wherever the kernel puts it. A reservation of only len + off +
 * 2 MiB could leave the top of the last slot to the mapping above it (top-down placement puts
 * the reservation right under the lowest one), and then whether an unmap or a move frees the
 * slot's page table depended on what earlier points had mapped: our 4 KiB mremap-move with a
 * second CPU cost one shootdown (18 us) in one sweep and two (34 us) in another.
 */
static size_t slot_span(size_t len, size_t off) {
  return ((off + len + PMD - 1) & ~(PMD - 1)) + PMD;
}

/*
 * Maps exactly [a, a+len) read-write, where a ≡ off (mod 2 MiB), alone in its 2 MiB slots:
 * the surplus of the reservation is unmapped, so the mapping is its own VMA and no other
 * mapping shares a slot with it, as in the model (a moved or unmapped source's page tables
 * are then freed).
 */
static char *map_in(size_t len, size_t off, int huge, size_t span) {
  char *r = mmap(NULL, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (r == MAP_FAILED) return NULL;
  char *a = (char *)(((uintptr_t)r + PMD - 1) & ~(uintptr_t)(PMD - 1)) + off;
  if (mmap(a, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED) {
    munmap(r, span);
    return NULL;
  }
  if (a > r) munmap(r, (size_t)(a - r));
  if (r + span > a + len) munmap(a + len, (size_t)(r + span - (a + len)));
  /* Without advice the "always" THP mode would hand out huge pages to 4 KiB cases. */
  if (thp_available) madvise(a, len, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
  return a;
}

static char *map_at(size_t len, size_t off, int huge) {
  return map_in(len, off, huge, slot_span(len, off));
}

/* An unmapped range of len bytes at ≡ off (mod 2 MiB), in slots no mapping shares: a target
 * for MREMAP_FIXED. */
static char *find_hole(size_t len, size_t off) {
  size_t span = slot_span(len, off);
  char *r = mmap(NULL, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (r == MAP_FAILED) return NULL;
  char *a = (char *)(((uintptr_t)r + PMD - 1) & ~(uintptr_t)(PMD - 1)) + off;
  munmap(r, span);
  return a;
}

/* Maps [a, a+len) read-write over whatever is there (a hole or part of a reservation). */
static int map_rw_fixed(char *a, size_t len, int huge) {
  if (mmap(a, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED) return 0;
  if (thp_available) madvise(a, len, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
  return 1;
}

/*
 * Two PROT_NONE reservations that stay for the whole point (mremap-move): the source's range
 * at +src_off and the target's at +dst_off in their slots are holes inside them, so the rest of
 * each first and last 2 MiB slot stays mapped, and with it the slot's page table, whatever the
 * move does. At least one whole slot of reservation lies below and above each range.
 */
static struct { char *res[2]; size_t span; size_t n, src_off, dst_off; } moves;

static void release_move_reservations(void) {
  for (int i = 0; i < 2; i++)
    if (moves.res[i]) munmap(moves.res[i], moves.span);
  memset(&moves, 0, sizeof moves);
}

static int move_reservations(const struct point *pt, size_t src_off, size_t dst_off, char **src, char **dst) {
  size_t n = pt->bytes;
  if (!moves.res[0] || moves.n != n || moves.src_off != src_off || moves.dst_off != dst_off) {
    release_move_reservations();
    size_t span = slot_span(n, src_off > dst_off ? src_off : dst_off) + 2 * PMD;
    for (int i = 0; i < 2; i++) {
      moves.res[i] = mmap(NULL, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
      if (moves.res[i] == MAP_FAILED) { moves.res[i] = NULL; release_move_reservations(); return 0; }
    }
    moves.span = span, moves.n = n, moves.src_off = src_off, moves.dst_off = dst_off;
  }
  *src = (char *)(((uintptr_t)moves.res[0] + PMD - 1) & ~(uintptr_t)(PMD - 1)) + PMD + src_off;
  *dst = (char *)(((uintptr_t)moves.res[1] + PMD - 1) & ~(uintptr_t)(PMD - 1)) + PMD + dst_off;
  munmap(*dst, n); /* a hole, as MREMAP_FIXED onto an empty range expects */
  return 1;
}

/*
 * Where an mmapped heap block sits in its slots. It lands where the kernel's top-down search
 * puts it, so whether it (or the grown mapping, placed right below it) crosses a 2 MiB slot
 * boundary followed the layout earlier points left: a 136 KiB block was moved as one extent
 * (1.4 us; 17 us with another CPU) in one sweep and as two (6.4 us; 36 us) in another. A probe
 * mapping of the chunk's size shows where glibc's mmap will go; a PROT_NONE spacer from there
 * up to the slot boundary above makes the block end exactly on a boundary instead, so its
 * placement in the slot is the same on every run. glibc maps n + 8 bytes of header, rounded
 * up to pages (sysmalloc; 16-byte granular requests).
 */
struct spacer { char *p; size_t len; };

static struct spacer place_mmapped_block(size_t n) {
  struct spacer sp = {NULL, 0};
  size_t chunk = (((n + 8 + 15) & ~(size_t)15) + 8 + PAGE - 1) & ~(PAGE - 1);
  char *probe = mmap(NULL, chunk, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (probe == MAP_FAILED) return sp;
  munmap(probe, chunk);
  uintptr_t top = (uintptr_t)probe + chunk;
  size_t len = top % PMD;
  if (!len) return sp;
  char *p = mmap((void *)(top - len), len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
  if (p != MAP_FAILED) sp.p = p, sp.len = len;
  return sp;
}

static void unplace(struct spacer sp) {
  if (sp.p) munmap(sp.p, sp.len);
}

/*
 * realloc-grow and -fresh put another block (a fence) right after the one they grow. A fence
 * malloc'd after the block comes from whatever free chunk the heap has, rarely from right
 * behind the block; so the block is carved with room for its fence: malloc(n + 1 KiB), then a
 * shrinking realloc to n splits the tail off and frees it into the per-thread cache, whose
 * next malloc of that size class hands it back first (last in, first out). The fence's class,
 * a 1024-byte chunk, is one no other block of the sweeps uses; fences are never freed during
 * a point, so that cache class stays nearly empty and the tail is always its last in.
 */
#define FENCE_BYTES 1010
#define FENCE_CHUNK 1024
static char *warm_fence; /* realloc-grow's fence, kept for the whole point */

/* Whether the chunk after a heap block is glibc's top chunk (it ends at the program break):
 * realloc-grow-top's block must be the last one. Other C libraries: assumed. */
static int followed_by_top(char *block) {
#ifdef __GLIBC__
  /* Through integers: the headers lie outside the block the compiler knows about. */
  uintptr_t at = (uintptr_t)block;
  size_t csize = *(const size_t *)(at - sizeof(size_t)) & ~(size_t)7;
  uintptr_t next = at - 2 * sizeof(size_t) + csize;
  size_t nsize = *(const size_t *)(next + sizeof(size_t)) & ~(size_t)7;
  return next + nsize == (uintptr_t)sbrk(0);
#else
  (void)block;
  return 1;
#endif
}

/* Whether glibc mmapped this block (IS_MMAPPED in its size word). Other C libraries: assumed. */
static int is_mmapped_block(char *block) {
#ifdef __GLIBC__
  return (*(const size_t *)((uintptr_t)block - sizeof(size_t)) & 2) != 0;
#else
  (void)block;
  return 1;
#endif
}

static char *carve_with_fence(size_t n, char **fence) {
  *fence = NULL;
  if (n + 2 * FENCE_CHUNK >= MMAP_THRESHOLD) {
    /* The carved block would be mmapped: a plain fence (AGAIN catches a misplaced one). */
    char *old = malloc(n);
    if (old) *fence = malloc(FENCE_BYTES);
    return old;
  }
  char *b = malloc(n + FENCE_CHUNK);
  if (!b) return NULL;
  char *old = realloc(b, n); /* shrinks in place */
  if (!old) { free(b); return NULL; }
  *fence = malloc(FENCE_BYTES);
  return old;
}
/* run_once's answer when the setup did not reach the state to measure: repeat it. */
#define AGAIN (-2.0)

/*
 * realloc-grow-fresh keeps the blocks of its repetitions (the grave) instead of freeing them,
 * so that no later repetition gets written memory back from a free list; released when the
 * point ends, or past 64 MiB at the start of a repetition (release_full_grave, before its
 * malloc_trim, which then gives all of it back). Never in the middle of one: a release
 * between burying a moved block and its fence left the fence alone in the heap, above the
 * ~32 MiB the release had just freed, so no trim could return it; the next points' big blocks
 * came from that free memory instead of mmap and grew in place (1 and 16 MiB: 1.3 and 2.5 us)
 * or, at 32 MiB, were copied into a fresh mmap (12.8 ms): not the state the op names.
 * realloc-grow parks blocks there that grew in place instead of moving.
 */
static void **grave;
static size_t grave_n, grave_cap, grave_bytes;

static void release_grave(void) {
  for (size_t i = 0; i < grave_n; i++) free(grave[i]);
  grave_n = 0, grave_bytes = 0;
}

static void bury(void *p, size_t bytes) {
  if (grave_n == grave_cap) {
    /* The list itself lives outside the heap: a live block in the middle of the heap would
     * keep the free chunks below it from merging into the top, and a later point's big
     * malloc would come from them instead of mmap. */
    size_t cap = grave_cap ? 2 * grave_cap : 4096;
    void **g = mmap(NULL, cap * sizeof *g, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (g == MAP_FAILED) { free(p); return; }
    if (grave) {
      memcpy(g, grave, grave_n * sizeof *g);
      munmap(grave, grave_cap * sizeof *g);
    }
    grave = g, grave_cap = cap;
  }
  grave[grave_n++] = p;
  grave_bytes += bytes;
}

static void release_full_grave(void) {
  if (grave_bytes > 64UL * 1024 * 1024) release_grave();
}

/*
 * Each point starts from a heap without free memory at its top: with trimming off (main) the
 * top chunk keeps whatever earlier points freed, and a block of 128 KiB or more then came from
 * it instead of mmap (a 256 KiB realloc copied, 104 us, where an mremap takes 5 us). glibc
 * serves a request from the top chunk before it considers mmap; a long-running program's top
 * is trimmed to M_TOP_PAD by free() whenever it passes M_TRIM_THRESHOLD, so its big blocks
 * are mmapped. During the point the top grows only as its own blocks need, and the warm-up
 * repetitions write every page it hands out.
 */
static void start_point(const struct point *pt) {
#ifdef __GLIBC__
  malloc_trim(0);
  /* The warm ops run without M_TOP_PAD, so the top holds only what this point's own blocks
   * freed: with glibc's 128 KiB pad a 128 KiB block fitted in the top after a 64 KiB brk
   * (561 ns, from the heap) or not (32 us, mmap), by a few bytes of page rounding. In a
   * long-running program free() trims the top to the pad whenever it passes 128 KiB, so blocks
   * at the threshold and above are mmapped, as the model has them. -top and -fresh measure the
   * freshly extended top, pad included, as glibc sets it. */
  mallopt(M_TOP_PAD, pt->op == OP_REALLOC_GROW_TOP || pt->op == OP_REALLOC_GROW_FRESH ? DEFAULT_TOP_PAD : 0);
#else
  (void)pt;
#endif
}

/* State a point keeps across its repetitions, dropped when it ends. */
static void end_point(void) {
  if (warm_fence) bury(warm_fence, FENCE_BYTES);
  warm_fence = NULL;
  release_grave();
  release_move_reservations();
}

/* kB of anonymous huge pages in this process (smaps_rollup), or -1 when unreadable. */
static long anon_huge_kb(void) {
  FILE *f = fopen("/proc/self/smaps_rollup", "r");
  if (!f) return -1;
  char line[256];
  long kb = -1;
  while (fgets(line, sizeof line, f)) {
    if (sscanf(line, "AnonHugePages: %ld kB", &kb) == 1) break;
  }
  fclose(f);
  return kb;
}

/* ---------------------------------------------------------------- spinner threads */

static atomic_int spin_stop;
static atomic_int spin_ready;
static pthread_t spinners[1024];
static int n_spinners = 0;
/* Each spinner bumps its own counter (one cache line each) while it runs, so the measuring
 * thread can see that it is really on its CPU right now and not preempted by another task. */
static struct { _Alignas(64) atomic_ulong beats; } spin_beats[1024];
static unsigned long spin_seen[1024]; /* each spinner's count when the clock started */
static int spin_ok = 1;               /* every spinner made progress during the last timed call */

static void *spin(void *arg) {
  int idx = (int)(intptr_t)arg;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu_list[1 + idx], &set);
  pthread_setaffinity_np(pthread_self(), sizeof set, &set);
  atomic_fetch_add(&spin_ready, 1);
  /* Busy, never sleeping: the mm stays active on this CPU, so every flush must reach it. */
  while (!atomic_load_explicit(&spin_stop, memory_order_relaxed))
    atomic_fetch_add_explicit(&spin_beats[idx].beats, 1, memory_order_relaxed);
  return NULL;
}

/*
 * Called right before the clock starts: waits until every spinner has been seen running,
 * because on a busy machine a preempted spinner leaves its CPU to another task, and then no
 * shootdown is sent and the point silently measures the single-thread case.
 */
static void sync_spinners(void) {
  for (int i = 0; i < n_spinners; i++) {
    unsigned long b0 = atomic_load_explicit(&spin_beats[i].beats, memory_order_relaxed);
    double deadline = 0;
    for (int k = 0;; k++) {
      unsigned long b = atomic_load_explicit(&spin_beats[i].beats, memory_order_relaxed);
      if (b != b0) { spin_seen[i] = b; break; }
      if (k == 1000) deadline = now_ns() + 50e6;
      if (k > 1000 && now_ns() > deadline) { spin_seen[i] = b; break; }
    }
  }
}

static int start_spinners(int count) {
  atomic_store(&spin_stop, 0);
  atomic_store(&spin_ready, 0);
  n_spinners = 0;
  for (int i = 0; i < count; i++) {
    if (pthread_create(&spinners[i], NULL, spin, (void *)(intptr_t)i) != 0) return -1;
    n_spinners++;
  }
  while (atomic_load(&spin_ready) < n_spinners) sched_yield();
  return 0;
}

static void stop_spinners(void) {
  atomic_store(&spin_stop, 1);
  for (int i = 0; i < n_spinners; i++) pthread_join(spinners[i], NULL);
  n_spinners = 0;
}

/* ---------------------------------------------------------------- one repetition per op */

/* True when every spinner advanced since the clock started: it ran during the call (a
 * preempted one would have left its CPU to another task, and no shootdown would reach it). */
static int spinners_ran(void) {
  /* A running spinner may not have advanced yet after a call of a few ns (our reads of its
   * counter take the cache line away from it): up to 2 us of grace, after the clock stopped.
   * A preempted one stays off its CPU for milliseconds. Without the grace, the 256-byte copies
   * kept only the repetitions that happened to be slow (1 us instead of 20 ns). */
  double deadline = 0;
  for (int i = 0; i < n_spinners; i++) {
    while (atomic_load_explicit(&spin_beats[i].beats, memory_order_relaxed) == spin_seen[i]) {
      if (deadline == 0) deadline = now_ns() + 2000;
      else if (now_ns() > deadline) return 0;
    }
  }
  return 1;
}

/* The clock starts only once the spinners are seen running, and a repetition counts only if
 * they kept running (both no-ops without spinners). */
#define START() (sync_spinners(), t0 = now_ns())
#define STOP() (t1 = now_ns(), spin_ok = spinners_ran())

/*
 * Runs one repetition of the point: sets up fresh state, times the operation alone, cleans
 * up. Returns the time in ns, or a negative value with *err set when the setup failed.
 * *huge_missing is set when a huge-page case did not actually get a huge page.
 */
static double run_once(const struct point *pt, const char **err, int *huge_missing) {
  size_t n = pt->bytes;
  double t0, t1;
  *err = NULL;

  switch (pt->op) {
  case OP_MREMAP_MOVE:
  case OP_MREMAP_MOVE_UNTOUCHED:
  case OP_MREMAP_MOVE_ISOLATED: {
    /* Misaligned: source at +4 KiB and target at +12 KiB in their 2 MiB slots, so no extent
     * can be moved as a whole page table. Huge sources must start on a 2 MiB boundary to
     * get THPs; a misaligned target then forces a split. */
    size_t src_off = pt->aligned || pt->huge ? 0 : 0x1000;
    size_t dst_off = pt->aligned ? 0 : 0x3000;
    long huge_before = pt->huge ? anon_huge_kb() : 0;
    char *src, *dst;
    if (pt->op != OP_MREMAP_MOVE_ISOLATED) {
      /* The steady state of a program that moves pages between ranges it keeps: source and
       * target lie inside reservations that persist across repetitions, so the page tables
       * of their first and last 2 MiB slots exist before the call and stay after it (our
       * probe, docs/measurements/mremap-move-states.*: a 4 KiB move 3.6 us so, 5.1 us when
       * the target's table must be allocated and the source's freed, the -isolated state). */
      if (!move_reservations(pt, src_off, dst_off, &src, &dst)) { *err = "mmap of the reservations failed"; return -1; }
      if (!map_rw_fixed(src, n, pt->huge)) { *err = "mmap of the source failed"; return -1; }
    } else {
      /* Each repetition maps the source alone in its slots and targets a hole in slots no
       * mapping uses: the move allocates the target's page tables and frees the source's. */
      src = map_at(n, src_off, pt->huge);
      if (!src) { *err = "mmap of the source failed"; return -1; }
      dst = find_hole(n, dst_off);
      if (!dst) { munmap(src, n); *err = "no room for the target"; return -1; }
    }
    /* -untouched: a mapping never written has no pages and no page-table entries, so the move
     * is the system call and the VMA work alone (t_vma_move): what differs most between
     * machines, measured without the per-page terms. */
    if (pt->op != OP_MREMAP_MOVE_UNTOUCHED) memset(src, 0x5a, n);
    if (pt->huge && anon_huge_kb() - huge_before < (long)(n / 1024)) *huge_missing = 1;
    START();
    void *r = mremap(src, n, n, MREMAP_MAYMOVE | MREMAP_FIXED, dst);
    STOP();
    if (r == MAP_FAILED) { munmap(src, n); *err = "mremap failed"; return -1; }
    munmap(dst, n);
    break;
  }
  case OP_MREMAP_GROW: {
    /* A PROT_NONE guard page right after the source blocks in-place growth, so the kernel
     * must move the mapping to an address of its choosing: p = mremap(p, n, m, MREMAP_MAYMOVE)
     * as user code writes it (and glibc's realloc of an mmapped block). */
    /* Its guard page keeps the source's page table alive whatever shares the slot, so the
     * source needs no slot of its own; the smaller reservation keeps the layout, and with it
     * where the kernel puts the grown mapping, as in the sweeps the model was fitted to. */
    char *src = map_in(n + PAGE, 0x1000, 0, n + PAGE + 0x1000 + PMD);
    if (!src) { *err = "mmap of the source failed"; return -1; }
    mprotect(src + n, PAGE, PROT_NONE);
    memset(src, 0x5a, n);
    START();
    char *r = mremap(src, n, pt->to, MREMAP_MAYMOVE);
    STOP();
    if (r == MAP_FAILED) { munmap(src, n + PAGE); *err = "mremap failed"; return -1; }
    munmap(r, pt->to);
    munmap(src + n, PAGE);
    if (r == src) { *err = "the mapping grew in place despite the guard page"; return -1; }
    break;
  }
  case OP_MREMAP_GROW_INPLACE: {
    char *src = map_at(pt->to, 0x1000, 0);
    if (!src) { *err = "mmap of the source failed"; return -1; }
    munmap(src + n, pt->to - n); /* the next bytes are free, so the VMA can just be extended */
    memset(src, 0x5a, n);
    START();
    char *r = mremap(src, n, pt->to, 0);
    STOP();
    if (r == MAP_FAILED) { munmap(src, n); *err = "in-place mremap failed"; return -1; }
    munmap(r, pt->to);
    break;
  }
  case OP_MREMAP_SHRINK: {
    size_t half = (n / 2 + PAGE - 1) & ~(PAGE - 1);
    char *src = map_at(n, 0x1000, 0);
    if (!src) { *err = "mmap of the source failed"; return -1; }
    memset(src, 0x5a, n);
    START();
    char *r = mremap(src, n, half, 0);
    STOP();
    if (r == MAP_FAILED) { munmap(src, n); *err = "mremap failed"; return -1; }
    munmap(r, half);
    break;
  }
  case OP_MEMCPY_WARM: {
    /* Buffers persist across repetitions (static), so source and destination stay faulted
     * and as cache-resident as their size allows: the "hot copy" of the model. */
    static char *src, *dst;
    static size_t have;
    if (have != n) {
      if (have) { munmap(src, have); munmap(dst, have); }
      have = 0;
      src = map_at(n, 0x1000, 0);
      dst = map_at(n, 0x3000, 0);
      if (!src || !dst) { *err = "mmap failed"; return -1; }
      memset(src, 0x5a, n);
      memset(dst, 0x33, n);
      have = n;
    }
    START();
    memcpy(dst, src, n);
    escape(dst);
    STOP();
    break;
  }
  case OP_MEMCPY_COLD: {
    char *src = map_at(n, 0x1000, 0);
    char *dst = map_at(n, 0x3000, 0);
    if (!src || !dst) { *err = "mmap failed"; return -1; }
    memset(src, 0x5a, n);
    START();
    memcpy(dst, src, n); /* every destination page faults in during the copy */
    escape(dst);
    STOP();
    munmap(src, n);
    munmap(dst, n);
    break;
  }
  case OP_MALLOC_COPY_FREE: {
    /* p = malloc(m); memcpy(p, old, n); free(old) on a warm heap: the program has run this
     * before and the heap is never trimmed (M_TRIM_THRESHOLD is off, main), so the new block
     * is memory already touched, as in a long-running program. */
    char *old = malloc(n);
    if (!old) { *err = "malloc failed"; return -1; }
    memset(old, 0x5a, n);
    START();
    char *p = malloc(pt->to);
    if (p) { memcpy(p, old, n); escape(p); }
    free(old);
    STOP();
    if (!p) { *err = "malloc failed"; return -1; }
    free(p);
    break;
  }
  case OP_REALLOC_GROW:
  case OP_REALLOC_GROW_TOP:
  case OP_REALLOC_GROW_FRESH: {
    struct spacer sp = {NULL, 0};
    release_full_grave();
    if (pt->op == OP_REALLOC_GROW_TOP) {
      /* A freshly grown heap top: malloc_trim(0) gives the top chunk's free pages back (brk
       * shrinks to within a page of the last block in use), so malloc(n) below the mmap
       * threshold extends the heap with brk by n plus M_TOP_PAD (128 KiB) and realloc to m
       * finds the room right after the block: it grows in place, and glibc's write of the new
       * top chunk's header at old + m lands on a page nothing has touched since the brk, one
       * first-touch fault inside the timing (our check: 4 KiB ... 96 KiB all 0.63 us). Without
       * the trim the outcome followed the slack the previous trim left (64 KiB -> 128 KiB
       * grew in place in one run, 122 ns, and was copied into a fresh mmap in another, 17.7
       * us). From 128 KiB on, the top chunk is too small, so malloc(n) is an mmap and realloc
       * an mremap. This was the only realloc state before harness protocol 2. */
#ifdef __GLIBC__
      malloc_trim(0);
#endif
    } else if (pt->op == OP_REALLOC_GROW_FRESH) {
      /* The block must move into pages never touched: the trim returns every free page,
       * and the blocks of earlier repetitions are kept (grave), so neither the free lists
       * nor the per-thread cache hand back memory that was written. */
#ifdef __GLIBC__
      malloc_trim(0);
#endif
    }
    if (n >= MMAP_THRESHOLD) sp = place_mmapped_block(n);
    /* The warm and fresh states: another block right after this one, so realloc cannot grow
     * in place and must move (malloc + copy + free inside glibc), as for a block in the
     * middle of a program's heap. */
    char *old, *fence = NULL;
    if (pt->op == OP_REALLOC_GROW_TOP || n >= MMAP_THRESHOLD) {
      old = malloc(n);
    } else if (pt->op == OP_REALLOC_GROW && warm_fence) {
      /* Warm: the block realloc freed last time comes back (exact fit, or the per-thread
       * cache's last in), still followed by the fence the point keeps. */
      old = malloc(n);
      fence = warm_fence;
    } else {
      old = carve_with_fence(n, &fence);
      if (pt->op == OP_REALLOC_GROW) warm_fence = fence;
    }
    if (!old) { unplace(sp); *err = "malloc failed"; return -1; }
    if (n >= MMAP_THRESHOLD && !is_mmapped_block(old)) {
      /* Free heap memory served a block the op says is mmapped: an earlier point left it. */
      free(old);
      unplace(sp);
      errno = 0;
      *err = "a block above the mmap threshold came from free heap memory, not mmap (the heap was not trimmed)";
      return -1;
    }
    /* realloc ends old's life; whether it moved the block is read from its address, kept as a
     * number GCC's -Wuse-after-free does not follow into the comparison (volatile). */
    volatile uintptr_t was = (uintptr_t)old;
    if (pt->op == OP_REALLOC_GROW_TOP && n < MMAP_THRESHOLD && !followed_by_top(old)) {
      /* A free chunk served the block: keep it taken until the heap's top does. */
      bury(old, n);
      unplace(sp);
      return AGAIN;
    }
    memset(old, 0x5a, n);
    START();
    char *p = realloc(old, pt->to);
    STOP();
    if (!p) { free((void *)was); unplace(sp); *err = "realloc failed"; return -1; }
    escape(p);
    if (fence && (uintptr_t)p == was) {
      /* It grew in place: the space after the block was free after all (the block came from
       * elsewhere than before its fence). Both stay taken (the grave), so that space is not
       * free next time, and the repetition is done again with a block carved anew. */
      bury(p, pt->to);
      bury(fence, FENCE_BYTES);
      if (fence == warm_fence) warm_fence = NULL;
      unplace(sp);
      return AGAIN;
    }
    if (pt->op == OP_REALLOC_GROW_FRESH && fence) {
      bury(p, pt->to);
      bury(fence, FENCE_BYTES);
    } else {
      free(p);
    }
    unplace(sp);
    break;
  }
  case OP_MUNMAP: {
    char *src = map_at(n, 0x1000, 0);
    if (!src) { *err = "mmap failed"; return -1; }
    memset(src, 0x5a, n);
    START();
    munmap(src, n);
    STOP();
    break;
  }
  case OP_SYSCALL: {
    /* A batch amortises the ~20 ns of clock_gettime; the result is per call. getppid has
     * no glibc cache, unlike getpid in old glibc versions. */
    START();
    for (int i = 0; i < SYSCALL_BATCH; i++) syscall(SYS_getppid);
    STOP();
    return (t1 - t0) / SYSCALL_BATCH;
  }
  case OP_FAULT_4K:
  case OP_FAULT_2M: {
    int huge = pt->op == OP_FAULT_2M;
    long huge_before = huge ? anon_huge_kb() : 0;
    char *p = map_at(n, 0, huge);
    if (!p) { *err = "mmap failed"; return -1; }
    size_t step = huge ? PMD : PAGE;
    START();
    for (size_t i = 0; i < n; i += step) p[i] = 1; /* write faults: allocate + zero */
    escape(p);
    STOP();
    if (huge && anon_huge_kb() - huge_before < (long)(n / 1024)) *huge_missing = 1;
    munmap(p, n);
    break;
  }
  case OP_SWAP_MREMAP: {
    /* Two adjacent blocks of one mapping, exchanged through a hole with three moves. */
    char *a = map_at(2 * n, 0x1000, 0);
    if (!a) { *err = "mmap failed"; return -1; }
    char *b = a + n;
    memset(a, 'A', n);
    memset(b, 'B', n);
    char *tmp = find_hole(n, 0x5000);
    if (!tmp) { munmap(a, 2 * n); *err = "no room for the temporary"; return -1; }
    const int f = MREMAP_MAYMOVE | MREMAP_FIXED;
    START();
    void *r1 = mremap(a, n, n, f, tmp);
    void *r2 = mremap(b, n, n, f, a);
    void *r3 = mremap(tmp, n, n, f, b);
    STOP();
    int ok = r1 != MAP_FAILED && r2 != MAP_FAILED && r3 != MAP_FAILED && a[0] == 'B' && b[n - 1] == 'A';
    munmap(a, 2 * n);
    munmap(tmp, n);
    if (!ok) { *err = "the three mremaps did not swap the blocks"; return -1; }
    break;
  }
  case OP_SWAP_MEMCPY: {
    static char *buf;
    static size_t have;
    if (have != n) {
      if (have) munmap(buf, 3 * have);
      have = 0;
      buf = map_at(3 * n, 0x1000, 0);
      if (!buf) { *err = "mmap failed"; return -1; }
      memset(buf, 0x5a, 3 * n);
      have = n;
    }
    char *a = buf, *b = buf + n, *tmp = buf + 2 * n;
    START();
    memcpy(tmp, a, n);
    memcpy(a, b, n);
    memcpy(b, tmp, n);
    escape(buf);
    STOP();
    break;
  }
  case OP_MMAP: {
    /* The mmap that malloc does for a large block (t_mmap): anonymous, never touched, so no
     * page or page table exists yet; unmapped outside the clock. */
    START();
    char *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    STOP();
    if (p == MAP_FAILED) { *err = "mmap failed"; return -1; }
    munmap(p, n);
    break;
  }
  default:
    *err = "unknown op";
    return -1;
  }
  return t1 - t0;
}

/* ---------------------------------------------------------------- statistics and output */

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Linear interpolation between order statistics; q in [0,1] on sorted data. */
static double quantile(const double *v, int n, double q) {
  double pos = q * (n - 1);
  int lo = (int)pos;
  int hi = lo + 1 < n ? lo + 1 : lo;
  return v[lo] + (v[hi] - v[lo]) * (pos - lo);
}

static void print_keys(const struct point *pt, const char *type) {
  printf("{\"type\":\"%s\",\"op\":\"%s\",\"bytes\":%zu,\"threads\":%d,\"huge\":%s,\"aligned\":%s",
         type, op_names[pt->op], pt->bytes, pt->threads, pt->huge ? "true" : "false",
         pt->aligned ? "true" : "false");
  if (pt->to) printf(",\"new_bytes\":%zu", pt->to);
}

static void print_skipped(const struct point *pt, const char *reason) {
  print_keys(pt, "skipped");
  printf(",\"reason\":");
  json_string(stdout, reason);
  printf("}\n");
  fflush(stdout);
}

static void print_error(const struct point *pt, const char *message) {
  char buf[300];
  if (errno) snprintf(buf, sizeof buf, "%s (%s)", message, strerror(errno));
  else snprintf(buf, sizeof buf, "%s", message);
  print_keys(pt, "error");
  printf(",\"message\":");
  json_string(stdout, buf);
  printf("}\n");
  fflush(stdout);
}

/* Why a point cannot run on this machine, or NULL when it can. */
static const char *skip_reason(const struct point *pt) {
  if (pt->threads > n_cpus) return "needs as many CPUs as threads; this process may use fewer";
  if (pt->op != OP_SYSCALL && pt->bytes == 0) return "size is zero";
  if (pt->op != OP_SYSCALL && !byte_granular(pt->op) && (pt->bytes % PAGE != 0 || pt->to % PAGE != 0))
    return "size is not a multiple of 4 KiB (only heap blocks and copies take any byte count)";
  if (two_sizes(pt->op) && pt->to <= pt->bytes) return "the new size must be larger than the old one (a grow)";
  if (pt->op == OP_MREMAP_SHRINK && pt->bytes < 2 * PAGE) return "shrinking needs at least 2 pages";
  if ((pt->huge || pt->op == OP_FAULT_2M) && !thp_available)
    return "transparent huge pages are not available (THP mode never, or no THP support)";
  if ((pt->huge || pt->op == OP_FAULT_2M) && pt->bytes % PMD != 0) return "huge pages need a multiple of 2 MiB";
  return NULL;
}

/* Measures one point: warm-up, then timed repetitions until reps or the budget runs out. */
static int measure(const struct point *pt, const struct options *o) {
  const char *reason = skip_reason(pt);
  if (reason) { print_skipped(pt, reason); return 0; }
  double start = now_ns();
  const char *err = NULL;
  int huge_missing = 0;
  /* Warm-up: allocator, page-table pages and the host's page reporting settle during the
   * first repetitions; at least one, more while they are cheap. */
  int again = 0;
  start_point(pt);
  for (int w = 0; w < 5 && !stop_requested; w++) {
    double t = run_once(pt, &err, &huge_missing);
    if (t == AGAIN && ++again < MAX_AGAIN) { w--; continue; }
    if (t == AGAIN) { end_point(); errno = 0; print_error(pt, "the heap never reached the state to measure"); return 0; }
    if (t < 0) { end_point(); print_error(pt, err); return 0; }
    if (now_ns() - start > 0.2 * o->budget_ns) break;
  }
  huge_missing = 0;
  int done = 0, discarded = 0;
  while (done < o->reps && !stop_requested) {
    double elapsed = now_ns() - start;
    /* Past the budget: stop once there are enough repetitions, or give up on a machine so
     * busy that the extra threads keep losing their CPUs (the point then says so). */
    if (elapsed > o->budget_ns && done >= o->min_reps) break;
    if (elapsed > 10 * o->budget_ns && discarded > 0) break;
    double t = run_once(pt, &err, &huge_missing);
    if (t == AGAIN && ++again < MAX_AGAIN) continue;
    if (t == AGAIN) { end_point(); errno = 0; print_error(pt, "the heap never reached the state to measure"); return 0; }
    if (t < 0) { end_point(); print_error(pt, err); return 0; }
    if (!spin_ok) { discarded++; continue; }
    samples[done++] = t;
  }
  end_point();
  if (done == 0 && !stop_requested) {
    errno = 0;
    print_error(pt, "the extra threads were never kept running during a call: the machine is too busy");
    return 0;
  }
  if (done == 0) return 0; /* interrupted during warm-up */
  qsort(samples, (size_t)done, sizeof *samples, cmp_double);
  print_keys(pt, "point");
  printf(",\"median\":%.3f,\"p10\":%.3f,\"p90\":%.3f,\"reps\":%d", quantile(samples, done, 0.5),
         quantile(samples, done, 0.1), quantile(samples, done, 0.9), done);
  /* Repetitions thrown away because a spinner was preempted: how busy the machine was. */
  if (discarded) printf(",\"discarded\":%d", discarded);
  if (huge_missing) printf(",\"note\":\"the kernel did not provide huge pages in every repetition\"");
  printf("}\n");
  fflush(stdout);
  return 1;
}

static void print_hello(const struct options *o) {
  struct utsname u;
  uname(&u);
  char thp[128] = "", meltdown[160] = "", ceiling[32] = "", model[256] = "";
  if (!read_line("/sys/kernel/mm/transparent_hugepage/enabled", thp, sizeof thp)) strcpy(thp, "unavailable");
  if (!read_line("/sys/devices/system/cpu/vulnerabilities/meltdown", meltdown, sizeof meltdown)) strcpy(meltdown, "unknown");
  read_line("/sys/kernel/debug/x86/tlb_single_page_flush_ceiling", ceiling, sizeof ceiling);

  /* CPU flags that change the model (PCID, INVLPGB, ERMS/FSRM, running under a hypervisor). */
  static const char *const wanted[] = {"pcid", "invlpgb", "erms", "fsrm", "hypervisor", "avx512f"};
  int have[6] = {0};
  FILE *f = fopen("/proc/cpuinfo", "r");
  if (f) {
    char line[8192];
    int seen_flags = 0;
    while (fgets(line, sizeof line, f)) {
      if (!model[0] && strncmp(line, "model name", 10) == 0) {
        char *c = strchr(line, ':');
        if (c) { snprintf(model, sizeof model, "%s", c + 2); model[strcspn(model, "\n")] = 0; }
      }
      if (!seen_flags && strncmp(line, "flags", 5) == 0) {
        seen_flags = 1;
        for (char *tok = strtok(strchr(line, ':') ? strchr(line, ':') + 1 : line, " \n"); tok; tok = strtok(NULL, " \n"))
          for (int i = 0; i < 6; i++) if (strcmp(tok, wanted[i]) == 0) have[i] = 1;
      }
    }
    fclose(f);
  }
  long l1 = -1, l2 = -1, l3 = -1;
  for (int i = 0; i < 8; i++) {
    char path[128], buf[64], type[32];
    int level;
    snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/level", i);
    if (!read_line(path, buf, sizeof buf)) break;
    level = atoi(buf);
    snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/type", i);
    if (!read_line(path, type, sizeof type) || strcmp(type, "Instruction") == 0) continue;
    snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/size", i);
    if (!read_line(path, buf, sizeof buf)) continue;
    long kb = atol(buf);
    if (strchr(buf, 'M')) kb *= 1024;
    if (level == 1) l1 = kb * 1024; else if (level == 2) l2 = kb * 1024; else if (level == 3) l3 = kb * 1024;
  }
  /* Cost of the clock itself, which every timed interval contains once (the model adds it to
   * the smallest medians): the median of 31 batches of 64 reads, after a warm-up. One mean of
   * 1000 reads came out at 60.4 ns on a machine where a read takes 20.6 ns: a preemption of
   * ~40 us inside that 20 us loop, and every sub-page point was then modelled 40 ns too high. */
  for (int i = 0; i < 64; i++) now_ns();
  double batches[31];
  for (int b = 0; b < 31; b++) {
    double c0 = now_ns();
    for (int i = 0; i < 64; i++) now_ns();
    batches[b] = (now_ns() - c0) / 65;
  }
  qsort(batches, 31, sizeof *batches, cmp_double);
  double clock_ns = batches[15];

  printf("{\"type\":\"hello\",\"harness\":%d,\"kernel\":", HARNESS_VERSION);
  json_string(stdout, u.release);
  printf(",\"arch\":");
  json_string(stdout, u.machine);
  printf(",\"cpu_model\":");
  json_string(stdout, model);
  printf(",\"cpus\":%d,\"online_cpus\":%ld,\"page_size\":%ld,\"thp\":", n_cpus, sysconf(_SC_NPROCESSORS_ONLN),
         sysconf(_SC_PAGESIZE));
  json_string(stdout, thp);
  printf(",\"meltdown\":");
  json_string(stdout, meltdown);
  printf(",\"tlb_flush_ceiling\":%s", ceiling[0] ? ceiling : "null");
  printf(",\"glibc\":");
#ifdef __GLIBC__
  json_string(stdout, gnu_get_libc_version());
#else
  json_string(stdout, "none (another C library)");
#endif
  printf(",\"flags\":[");
  int first = 1;
  for (int i = 0; i < 6; i++) if (have[i]) { printf("%s\"%s\"", first ? "" : ",", wanted[i]); first = 0; }
  printf("],\"l1d\":%ld,\"l2\":%ld,\"l3\":%ld,\"clock_ns\":%.1f,\"mmap_threshold\":%d", l1, l2, l3, clock_ns, 128 * 1024);
  printf(",\"reps\":%d,\"min_reps\":%d,\"budget_ms\":%.0f}\n", o->reps, o->min_reps, o->budget_ns / 1e6);
  fflush(stdout);
}

/*
 * The main thread runs on the first CPU we may use; spinners take the next ones. The process
 * then re-executes itself once: an mm remembers every CPU it ran on (mm_cpumask), and flushes
 * that free page tables interrupt those CPUs too until the kernel trims the mask, so a
 * process that started on CPU 1 would pay shootdowns in "single-thread" points for a while.
 * The fresh mm of the re-executed image has only ever run on the pinned CPU. The allowed CPU
 * list travels in the environment, since the pinning narrows the affinity mask.
 */
static void pin_to_first_cpu(char **argv) {
  const char *inherited = getenv("PAGECOST_HARNESS_CPUS");
  if (inherited) {
    char *copy = strdup(inherited);
    for (char *tok = strtok(copy, ","); tok && n_cpus < 1024; tok = strtok(NULL, ",")) cpu_list[n_cpus++] = atoi(tok);
    free(copy);
  } else {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
      for (int c = 0; c < CPU_SETSIZE && n_cpus < 1024; c++)
        if (CPU_ISSET(c, &set)) cpu_list[n_cpus++] = c;
    }
  }
  if (n_cpus == 0) cpu_list[n_cpus++] = 0;
  cpu_set_t all, one;
  CPU_ZERO(&all);
  for (int i = 0; i < n_cpus; i++) CPU_SET(cpu_list[i], &all);
  CPU_ZERO(&one);
  CPU_SET(cpu_list[0], &one);
  sched_setaffinity(0, sizeof one, &one);
  if (!inherited) {
    static char list[1024 * 6];
    size_t len = 0;
    for (int i = 0; i < n_cpus && len + 8 < sizeof list; i++)
      len += (size_t)snprintf(list + len, sizeof list - len, "%s%d", i ? "," : "", cpu_list[i]);
    setenv("PAGECOST_HARNESS_CPUS", list, 1);
    execv("/proc/self/exe", argv);
    /* No /proc or exec refused: carry on in this image, the mask is only a nuisance. */
    unsetenv("PAGECOST_HARNESS_CPUS");
  } else {
    /* Spinner threads need the whole list; the main thread stays where it is. */
    sched_setaffinity(0, sizeof all, &all);
    pthread_setaffinity_np(pthread_self(), sizeof one, &one);
  }
}

/* ---------------------------------------------------------------- command line */

static size_t parse_size(const char *s) {
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno || end == s) fail_usage("bad size", s);
  unsigned long long mul = 1;
  if (*end == 'K' || *end == 'k') mul = 1024, end++;
  else if (*end == 'M' || *end == 'm') mul = 1024 * 1024, end++;
  else if (*end == 'G' || *end == 'g') mul = 1024ULL * 1024 * 1024, end++;
  else if (*end == 'p') mul = PAGE, end++;
  if (*end == 'i' && end[1] == 'B') end += 2;
  if (*end) fail_usage("bad size", s);
  return (size_t)(v * mul);
}

static void parse_list(const char *arg, void (*each)(const char *, struct options *), struct options *o) {
  char *copy = strdup(arg);
  for (char *tok = strtok(copy, ","); tok; tok = strtok(NULL, ",")) each(tok, o);
  free(copy);
}

static void add_op(const char *name, struct options *o) {
  if (strcmp(name, "all") == 0) {
    for (int i = 0; i < OP_COUNT; i++) o->ops[o->n_ops++] = i;
    return;
  }
  for (int i = 0; i < OP_COUNT; i++)
    if (strcmp(name, op_names[i]) == 0) {
      if (o->n_ops < OP_COUNT) o->ops[o->n_ops++] = i;
      return;
    }
  fail_usage("unknown op", name);
}

/* "N" or "N:M" (a two-size op grows N to M; the others take N). */
static void split_size(const char *s, size_t *n, size_t *to) {
  const char *colon = strchr(s, ':');
  if (!colon) { *n = parse_size(s), *to = 0; return; }
  char head[64];
  size_t len = (size_t)(colon - s);
  if (len == 0 || len >= sizeof head) fail_usage("bad size", s);
  memcpy(head, s, len);
  head[len] = 0;
  *n = parse_size(head);
  *to = parse_size(colon + 1);
}

static void add_size(const char *s, struct options *o) {
  if (o->n_sizes >= MAX_SIZES) fail_usage("too many sizes", s);
  split_size(s, &o->sizes[o->n_sizes], &o->to[o->n_sizes]);
  o->n_sizes++;
}

static void add_byte_size(const char *s, struct options *o) {
  if (o->n_byte_sizes >= MAX_SIZES) fail_usage("too many byte sizes", s);
  split_size(s, &o->byte_sizes[o->n_byte_sizes], &o->byte_to[o->n_byte_sizes]);
  o->n_byte_sizes++;
}

static void add_threads(const char *s, struct options *o) {
  int t = atoi(s);
  if (t < 1 || t > 1024) fail_usage("bad thread count", s);
  if (o->n_threads >= MAX_THREADS_ARGS) fail_usage("too many thread counts", s);
  o->threads[o->n_threads++] = t;
}

static void usage(void) {
  printf("usage: harness [--quick] [--ops LIST|all] [--sizes LIST] [--byte-sizes LIST] [--threads LIST]\n"
         "               [--reps N] [--min-reps N] [--time-budget-ms MS] [--list-ops]\n"
         "sizes: bytes, or with K/M/G (KiB...) or p (4 KiB pages): 4K,33p,2M; N:M grows N to M\n"
         "       (ops that grow take 2N otherwise); --byte-sizes are measured by the ops that take\n"
         "       any byte count (heap blocks and copies) only: 228,456:1000\n"
         "output: one JSON object per line on stdout; times in nanoseconds\n");
}

int main(int argc, char **argv) {
  struct options o = {.reps = 200, .min_reps = 5, .budget_ns = 300e6};
  int quick = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(a, "--quick") == 0) quick = 1;
    else if (strcmp(a, "--help") == 0) { usage(); return 0; }
    else if (strcmp(a, "--list-ops") == 0) {
      for (int k = 0; k < OP_COUNT; k++) printf("%s\n", op_names[k]);
      return 0;
    } else if (!v) fail_usage("missing value after", a);
    else if (strcmp(a, "--ops") == 0) parse_list(v, add_op, &o), i++;
    else if (strcmp(a, "--sizes") == 0) parse_list(v, add_size, &o), i++;
    else if (strcmp(a, "--byte-sizes") == 0) parse_list(v, add_byte_size, &o), i++;
    else if (strcmp(a, "--threads") == 0) parse_list(v, add_threads, &o), i++;
    else if (strcmp(a, "--reps") == 0) o.reps = atoi(v), i++;
    else if (strcmp(a, "--min-reps") == 0) o.min_reps = atoi(v), i++;
    else if (strcmp(a, "--time-budget-ms") == 0) o.budget_ns = atof(v) * 1e6, i++;
    else fail_usage("unknown option", a);
  }
  if (o.reps < 1 || o.reps > MAX_REPS) fail_usage("--reps must be 1..100000", NULL);
  if (o.min_reps < 1) o.min_reps = 1;
  if (o.min_reps > o.reps) o.min_reps = o.reps;
  if (!(o.budget_ns > 0)) fail_usage("--time-budget-ms must be positive", NULL);

  /* Defaults when the caller gives no lists; pagecost itself always passes explicit ones. */
  if (o.n_ops == 0) add_op("all", &o);
  if (o.n_sizes == 0 && o.n_byte_sizes == 0) {
    const char *q = "4K,64K,33p,34p,1M,2M,16M";
    const char *full = "4K,16K,8p,64K,30p,32p,33p,34p,36p,256K,1M,2M,4M,8M,16M,32M,64M,256M";
    parse_list(quick ? q : full, add_size, &o);
  }
  if (quick && o.reps > 50) o.reps = 50;
  if (quick && o.budget_ns > 150e6) o.budget_ns = 150e6;

  samples = malloc(sizeof *samples * (size_t)o.reps);
  if (!samples) return 1;

  pin_to_first_cpu(argv);

  if (o.n_threads == 0) {
    add_threads("1", &o);
    if (n_cpus >= 2) add_threads("2", &o);
  }

  char thp[128];
  thp_available = read_line("/sys/kernel/mm/transparent_hugepage/enabled", thp, sizeof thp) && !strstr(thp, "[never]");

  /* glibc raises its mmap threshold dynamically after frees of large mmapped blocks; fixing
   * it at the 128 KiB default keeps "mmapped or not" a function of the size alone. */
#ifdef __GLIBC__
  mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD);
  /* A long-running program's heap stays as big as it has been: free() never gives the top
   * back, so the heap ops run on memory that was written before (the warm heap the editor's
   * hints assume). Only the -top and -fresh variants trim, explicitly. */
  mallopt(M_TRIM_THRESHOLD, INT_MAX);
#endif

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_stop_signal;
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  /* If the caller dies without stopping us, stop too rather than spin on its CPUs. */
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (getppid() == 1) stop_requested = 1;

  print_hello(&o);
  double start = now_ns();
  int points = 0;
  /* Thread counts are the innermost loop: the 1- and 2-thread points of one op and size are
   * measured back to back, so both see the same state of the machine. On a VM guest the cost
   * of a fresh page drifts with the host's state (whether the guest's free memory is still
   * backed on the host): measured a whole thread pass apart, the 2-thread fault-2m points of
   * one of our runs cost twice the 1-thread ones (210 against 95-130 us per huge page), a
   * difference the spinner cannot cause. The spinners are started for each point. */
  /* The first pthread_create callocs the thread's TLS vector on our heap and maps its stack;
   * later ones reuse glibc's cached stack with both. Creating the spinners once before the
   * sweep puts that allocation under every point, instead of into the heap state of
   * whichever point came first (an 8 KiB malloc-copy-free took 289 ns instead of 80). */
  int max_threads = 1;
  for (int ti = 0; ti < o.n_threads; ti++)
    if (o.threads[ti] <= n_cpus && o.threads[ti] > max_threads) max_threads = o.threads[ti];
  if (max_threads > 1 && start_spinners(max_threads - 1) == 0) stop_spinners();
  else if (n_spinners) stop_spinners();
  for (int oi = 0; oi < o.n_ops && !stop_requested; oi++) {
    enum op_id op = (enum op_id)o.ops[oi];
    /* The byte sizes first (ops that take any byte count), then the sizes; the round trip
     * has no size. */
    int n_bytes = byte_granular(op) ? o.n_byte_sizes : 0;
    int n_sizes = op == OP_SYSCALL ? 1 : n_bytes + o.n_sizes;
    for (int si = 0; si < n_sizes && !stop_requested; si++) {
      size_t bytes = op == OP_SYSCALL ? 0 : si < n_bytes ? o.byte_sizes[si] : o.sizes[si - n_bytes];
      size_t to = op == OP_SYSCALL ? 0 : si < n_bytes ? o.byte_to[si] : o.to[si - n_bytes];
      if (!two_sizes(op)) to = 0;
      else if (!to) to = 2 * bytes;
      for (int ti = 0; ti < o.n_threads && !stop_requested; ti++) {
        int threads = o.threads[ti];
        struct point pt = {op, bytes, to, threads, op == OP_FAULT_2M, 0};
        int runnable = threads <= n_cpus;
        if (runnable && threads > 1 && start_spinners(threads - 1) != 0) {
          stop_spinners();
          fprintf(stderr, "harness: could not start %d spinner threads\n", threads - 1);
          runnable = 0;
        }
        if (!runnable && threads <= n_cpus) {
          print_skipped(&pt, "could not start the spinner threads");
          continue;
        }
        points += measure(&pt, &o);
        if (op == OP_MREMAP_MOVE && pt.bytes % PMD == 0) {
          /* 2 MiB multiples: the mutually aligned fast path, with 4 KiB pages and with THPs,
           * and THPs moved to a misaligned target (split). */
          struct point aligned = pt, huge = pt, split = pt;
          aligned.aligned = 1;
          huge.aligned = 1, huge.huge = 1;
          split.huge = 1;
          if (!stop_requested) points += measure(&aligned, &o);
          if (!stop_requested) points += measure(&huge, &o);
          if (!stop_requested) points += measure(&split, &o);
        }
        if (n_spinners) stop_spinners();
      }
    }
  }
  printf("{\"type\":\"end\",\"points\":%d,\"interrupted\":%s,\"elapsed_ms\":%.0f}\n", points,
         stop_requested ? "true" : "false", (now_ns() - start) / 1e6);
  fflush(stdout);
  return 0;
}
