/*
 * The question pagecost started from: to swap two 4 KiB pages, is it cheaper to remap them with
 * mremap (no bytes copied) or to copy them through a buffer with memcpy?
 *
 * The answer: memcpy, by far. A swap by mremap is three moves, and each one enters the kernel,
 * takes the address-space lock, rewrites a page-table entry and flushes the old address from the
 * TLB; with more threads that flush must reach every CPU running them (an interrupt each). The
 * three 4 KiB copies stay in the L1 cache.
 *
 *   modelled (npx pagecost explain --op mremap-move --bytes 4K, x86-64 profile, one thread):
 *     one 4 KiB move about 2.24 µs, one 4 KiB copy about 51 ns: memcpy is 44x cheaper;
 *     mremap only beats memcpy for a move above about 132 KiB (above 263 KiB with 4 threads).
 *   measured (npx pagecost bench --ops swap-pages-mremap,swap-pages-memcpy --sizes 4K --threads 1,2
 *   on a 2-vCPU AMD EPYC VM, Linux 6.18, glibc 2.36, while the machine was busy):
 *     the whole swap 15.1 µs by mremap, 130 ns by memcpy (1 thread); 68 µs and 150 ns (2 threads).
 *
 * Open this file in VS Code: the hint after each mremap shows the same figures, the warning says
 * memcpy is cheaper, and the quick fix rewrites the call. Build and run it to see it on your
 * machine:  cc -O2 -o swap swap.c && ./swap
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#define PAGE 4096
#define ROUNDS 20000

/* Swap by remapping: three moves through a spare page (which ends up unmapped again). */
int swap_by_mremap(char *a, char *b, char *spare)
{
  void *moved = mremap(a, PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, spare);
  if (moved == MAP_FAILED)
    return -1;
  moved = mremap(b, PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, a);
  if (moved == MAP_FAILED)
    return -1;
  moved = mremap(spare, PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, b);
  if (moved == MAP_FAILED)
    return -1;
  return 0;
}

/* Swap by copying through a buffer: three 4 KiB copies. */
void swap_by_memcpy(char *a, char *b)
{
  char tmp[PAGE];
  memcpy(tmp, a, PAGE);
  memcpy(a, b, PAGE);
  memcpy(b, tmp, PAGE);
}

static double now_ns(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e9 + t.tv_nsec;
}

int main(void)
{
  char *area = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (area == MAP_FAILED)
    return 1;
  char *a = area, *b = area + PAGE, *spare = area + 2 * PAGE;
  memset(a, 'a', PAGE);
  memset(b, 'b', PAGE);
  munmap(spare, PAGE);

  double t0 = now_ns();
  for (int i = 0; i < ROUNDS; i++)
    if (swap_by_mremap(a, b, spare) != 0)
      return 1;
  double t1 = now_ns();
  for (int i = 0; i < ROUNDS; i++)
    swap_by_memcpy(a, b);
  double t2 = now_ns();

  printf("swap two 4 KiB pages: mremap %.0f ns, memcpy %.0f ns (%s)\n", (t1 - t0) / ROUNDS, (t2 - t1) / ROUNDS,
         a[0] == 'a' && b[0] == 'b' ? "contents intact" : "CONTENTS WRONG");
  return 0;
}
