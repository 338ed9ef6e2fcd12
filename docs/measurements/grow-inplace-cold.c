/*
 * In-place mremap grow: does its rise with size come from the grow itself or from the state the
 * written buffer leaves behind? (issue 4, MODEL.md c_grow)
 *
 *   cc -O2 -o grow-inplace-cold grow-inplace-cold.c && ./grow-inplace-cold MIB MODE
 *
 * MODE 0: the n MiB are written before the timed mremap(src, n, 2n, 0), as in harness.c;
 *      1: never written (no pages); 2: written, then 64 MiB of other memory written too.
 * Prints the median, p10 and p90 of 41 repetitions in ns.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <stdint.h>
static double now(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec*1e9+t.tv_nsec;}
static int cmp(const void*a,const void*b){double x=*(double*)a,y=*(double*)b;return (x>y)-(x<y);}
int main(int argc,char**argv){
  size_t n=strtoull(argv[1],0,10)<<20; int mode=atoi(argv[2]); /* 0 memset, 1 no touch, 2 memset then touch 64MiB other buffer */
  double s[41]; char *other = mmap(0, 64<<20, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1,0); memset(other,1,64<<20);
  for(int r=0;r<41;r++){
    char *a=mmap(0,2*n+(2<<20),PROT_READ|PROT_WRITE,MAP_PRIVATE|MAP_ANONYMOUS,-1,0);
    char *src=(char*)(((uintptr_t)a+(2<<20)-1)&~((uintptr_t)(2<<20)-1))+4096;
    madvise(a,2*n+(2<<20),MADV_NOHUGEPAGE);
    munmap(src+n,n);
    if(mode==0||mode==2) memset(src,0x5a,n);
    if(mode==2) memset(other,2,64<<20);
        double t0=now(); char*q=mremap(src,n,2*n,0); double t1=now();
    if(q==MAP_FAILED){perror("mremap");return 1;}
    s[r]=t1-t0; munmap(a,2*n+(2<<20));
  }
  qsort(s,41,sizeof(double),cmp); printf("n=%zuMiB mode=%d median %.0f ns p10 %.0f p90 %.0f\n",n>>20,mode,s[20],s[4],s[36]);
}
