/*
 * Why did `pagecost bench` time a 4 KiB mremap move at 2.5x a plain fixed-hole ping-pong
 * (issue 12)? Both call mremap(src, 4K, 4K, MREMAP_MAYMOVE|MREMAP_FIXED, dst) on one written
 * page; they differ in what surrounds the call. This probe times the same move in states that
 * differ in one thing at a time:
 *
 *   pingpong     one page moved back and forth between two holes carved out of PROT_NONE
 *                reservations: after the first round both 2 MiB slots keep their page tables
 *                (the reservations are neighbours in the same slots), the page stays resident.
 *   pingpong-w   the same, with the page written again before every move (cache/TLB warm).
 *   kept         a fresh page per repetition (mmap into the hole, write, move, munmap), holes
 *                inside the reservations: page tables exist at both ends and stay.
 *   dst-new      as kept, but the target is in an empty, never-used 2 MiB slot: the move must
 *                allocate the target's page table (and frees it again when unmapped outside
 *                the clock).
 *   src-alone    as kept, but the source is alone in its slot: the move frees the source's
 *                page table (free_pgtables) and flushes for it.
 *   isolated     both (what harness.c v3b does: map_at + find_hole, each alone in its slots).
 *   untouched    a never-written page: nothing resident, nothing to move.
 *
 *   cc -O2 -o mremap-move-states mremap-move-states.c && taskset -c 1 ./mremap-move-states [REPS]
 *
 * Prints the median, p10 and p90 in ns of each state, and getppid for scale.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096UL
#define SLOT (2UL << 20)

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e9 + t.tv_nsec;
}
static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}
static void report(const char *name, double *s, int n) {
  qsort(s, n, sizeof *s, cmp);
  printf("%-11s median %7.0f ns  p10 %7.0f  p90 %7.0f  (%d reps)\n", name, s[n / 2], s[n / 10], s[n * 9 / 10], n);
}

/* A 2-slot PROT_NONE reservation, slot aligned; returns the start of its first whole slot. */
static char *reserve(void) {
  char *r = mmap(NULL, 3 * SLOT, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (r == MAP_FAILED) { perror("mmap"); exit(1); }
  return (char *)(((uintptr_t)r + SLOT - 1) & ~(SLOT - 1));
}
/* An address in a slot nothing has ever used: unmapped, its page table does not exist. */
static char *empty_slot(void) {
  char *r = mmap(NULL, 3 * SLOT, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  char *a = (char *)(((uintptr_t)r + SLOT - 1) & ~(SLOT - 1));
  munmap(r, 3 * SLOT);
  return a;
}
static char *map_fixed(char *at) {
  char *p = mmap(at, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  if (p == MAP_FAILED) { perror("mmap fixed"); exit(1); }
  madvise(p, PAGE, MADV_NOHUGEPAGE);
  return p;
}
static void hole(char *at) { munmap(at, PAGE); } /* turn a reserved page into a hole */

int main(int argc, char **argv) {
  int reps = argc > 1 ? atoi(argv[1]) : 2000;
  double *s = malloc(sizeof *s * reps);
  const int mm = MREMAP_MAYMOVE | MREMAP_FIXED;

  for (int i = 0; i < reps; i++) {
    double t0 = now();
    for (int k = 0; k < 100; k++) syscall(SYS_getppid);
    s[i] = (now() - t0) / 100;
  }
  report("getppid", s, reps);

  char *ra = reserve(), *rb = reserve();
  char *a = ra + 5 * PAGE, *b = rb + 9 * PAGE; /* mutually misaligned, neighbours on both sides */

  /* pingpong and pingpong-w */
  for (int w = 0; w < 2; w++) {
    hole(a);
    hole(b);
    char *cur = map_fixed(a), *other = b;
    memset(cur, 1, PAGE);
    for (int i = -10; i < reps; i++) {
      if (w) memset(cur, 2, PAGE);
      double t0 = now();
      char *r = mremap(cur, PAGE, PAGE, mm, other);
      double t1 = now();
      if (r == MAP_FAILED) { perror("mremap"); return 1; }
      other = cur;
      cur = r;
      if (i >= 0) s[i] = t1 - t0;
    }
    munmap(cur, PAGE);
    report(w ? "pingpong-w" : "pingpong", s, reps);
  }

  /* kept, dst-new, src-alone, isolated, untouched */
  const char *names[] = {"kept", "dst-new", "src-alone", "isolated", "untouched"};
  for (int v = 0; v < 5; v++) {
    for (int i = -10; i < reps; i++) {
      int alone_src = v == 2 || v == 3, new_dst = v == 1 || v == 3;
      char *src = alone_src ? map_fixed(empty_slot() + 5 * PAGE) : map_fixed(a);
      char *dst = new_dst ? empty_slot() + 9 * PAGE : b;
      if (v != 4) memset(src, 1, PAGE);
      double t0 = now();
      char *r = mremap(src, PAGE, PAGE, mm, dst);
      double t1 = now();
      if (r == MAP_FAILED) { perror("mremap"); return 1; }
      /* Unmapped outside the clock: b is a hole again, and its table stays (neighbours). */
      munmap(r, PAGE);
      if (i >= 0) s[i] = t1 - t0;
    }
    report(names[v], s, reps);
  }
  return 0;
}
