// Single-core throughput of Glean's C kernels (float GEMM, plain and with a bias + RELU epilogue; hybrid
// FULLY_CONNECTED: input quantization + int8 GEMM) on the FULLY_CONNECTED shapes of MobileBERT (K 128/512) and
// MiniLM (384/1536) and of attention's scores for a block of 48 queries (K 32, N 384), best of 30; the float
// GEMM skipping A's zeros against the dense one on MobileBERT's FFN shapes, 0 to 90 % zeros, best of 30;
// then, best of 2000, the float GEMM's packing of a B stored N × K (attention's
// keys of one head, 384 × 32, and weights 128 × 512) and the input quantization alone (96 rows of 128 and of 512, both stored forms);
// then, best of 60, a hybrid 384 × 384 × 384 FULLY_CONNECTED with bias storing plain rows and storing
// attention's heads split (column blocks of 32, glean_epilogue.block_columns).
// Offline tool, not part of the package:
//
//   S=Sources/CKernels; clang -O2 -I$S/include -I$S Tools/benchmark/gemm_microbench.c $S/*.c -o /tmp/gemm_microbench -lm -lpthread
//   /tmp/gemm_microbench
#include "glean_kernels.h"
#include "internal.h"   // glean_quantize_row_range, glean_simd, glean_sgemm_skipping_zeros
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <math.h>
static double now(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
int main(int argc,char**argv){
  int shapes[][3]={{384,128,512},{384,512,128},{384,128,128},{384,384,1536},{384,1536,384},{48,32,384}};
  for(int s=0;s<6;s++){int m=shapes[s][0],k=shapes[s][1],n=shapes[s][2];
    float*a=malloc(4*m*k),*w=malloc(4*n*k),*c=malloc(4*m*n),*p=malloc(4*glean_sgemm_packed_size(k,n));
    for(int i=0;i<m*k;i++)a[i]=rand()/(float)RAND_MAX; for(int i=0;i<n*k;i++)w[i]=rand()/(float)RAND_MAX;
    glean_sgemm_pack(w,1,k,k,n,p);
    double best=1e9; for(int r=0;r<30;r++){double t=now();glean_sgemm(NULL,m,n,k,a,k,1,p,NULL,c,n);t=now()-t;if(t<best)best=t;}
    float*bias=calloc(n,4); glean_epilogue relu={.bias=bias,.clamp=1,.clamp_lo=0,.clamp_hi=INFINITY};
    double be=1e9; for(int r=0;r<30;r++){double t=now();glean_sgemm(NULL,m,n,k,a,k,1,p,&relu,c,n);t=now()-t;if(t<be)be=t;}
    void*q=malloc(glean_qgemm_quantized_bytes(m,k));float*sc=malloc(4*m);int32_t*zp=malloc(4*m);int8_t*pw=malloc(glean_qgemm_packed_size(k,n));int8_t*wi=malloc(n*k);
    for(int i=0;i<n*k;i++)wi[i]=rand()%255-127; glean_qgemm_pack(wi,n,k,pw);
    float*ws=malloc(4*n);for(int i=0;i<n;i++)ws[i]=0.01f;
    double bq=1e9; for(int r=0;r<30;r++){double t=now();glean_hybrid_fully_connected(NULL,m,n,k,a,1,q,sc,zp,pw,ws,NULL,c,n);t=now()-t; if(t<bq)bq=t;}
    printf("M%d K%d N%d: sgemm %.3f ms %.1f GFLOP/s, + bias + RELU %.3f ms | hybrid (quantize + int8 GEMM) %.3f ms %.1f GOP/s\n",
           m,k,n,best*1e3,2.0*m*n*k/best/1e9,be*1e3,bq*1e3,2.0*m*n*k/bq/1e9);}
  {int shapes3[][2]={{512,128},{128,512}}; // the float GEMM skipping A's zeros against the dense one, by fraction of zeros
   for(int s=0;s<2;s++){int m=384,k=shapes3[s][0],n=shapes3[s][1];
    // 64-byte aligned, as Glean's packed weights and arena are: a 32-byte load of B then never straddles two lines.
    float*a=aligned_alloc(64,4*m*k),*w=malloc(4*n*k),*c=aligned_alloc(64,4*m*n),*p=aligned_alloc(64,4*glean_sgemm_packed_size(k,n)),*bias=calloc(n,4);
    for(int i=0;i<n*k;i++)w[i]=rand()/(float)RAND_MAX-0.5f; glean_sgemm_pack(w,1,k,k,n,p); glean_epilogue e={.bias=bias};
    printf("M%d K%d N%d, %% zeros in A: dense / skipping zeros, ms:",m,k,n);
    for(int z=0;z<=90;z+=15){for(int i=0;i<m*k;i++)a[i]=rand()%100<z?0:rand()/(float)RAND_MAX;
     double bd=1e9,bs=1e9; for(int r=0;r<30;r++){double t=now();glean_sgemm(NULL,m,n,k,a,k,1,p,&e,c,n);t=now()-t;if(t<bd)bd=t;
      t=now();glean_sgemm_skipping_zeros(NULL,m,n,k,a,k,p,&e,c,n);t=now()-t;if(t<bs)bs=t;}
     printf("  %d%% %.3f/%.3f",z,bd*1e3,bs*1e3);}
    printf("\n"); free(a); free(w); free(c); free(p); free(bias);}}
  {int shapes2[][2]={{32,384},{512,128}}; const char*what[]={"attention keys, one head (d 32, n 384)","weights (K 512, N 128)"};
   for(int s=0;s<2;s++){int k=shapes2[s][0],n=shapes2[s][1]; float*b=malloc(4*k*n),*p=malloc(4*glean_sgemm_packed_size(k,n));
    for(int i=0;i<k*n;i++)b[i]=rand()/(float)RAND_MAX;
    double best=1e9; for(int r=0;r<2000;r++){double t=now();glean_sgemm_pack(b,1,k,k,n,p);t=now()-t;if(t<best)best=t;}
    printf("pack N x K, %s: %.2f us, %.3f ns per float\n",what[s],best*1e6,best*1e9/(k*n)); free(b); free(p);}}
  for(int k=128;k<=512;k*=4){int m=96; float*x=malloc(4*m*k),*sc=malloc(4*m); int16_t*q=malloc(2*m*k); int32_t*zp=malloc(4*m);
   for(int i=0;i<m*k;i++)x[i]=rand()/(float)RAND_MAX-0.3f;
   // Both stored forms: int16 q − zp (the pairs layout: AVX2 without VNNI) and uint8 q + 128 (the quads layout: VNNI).
   for(int form=0;form<2;form++) for(int asym=0;asym<2;asym++){double best=1e9; for(int r=0;r<2000;r++){double t=now();
     glean_quantize_row_range(x,k,asym,glean_simd(),form?NULL:q,form?(uint8_t*)q:NULL,sc,zp,0,m);t=now()-t;if(t<best)best=t;}
    printf("input quantization, 96 rows of %d, %s, %s: %.3f ns per value, %.1f ns per row\n",k,asym?"asymmetric":"symmetric",form?"uint8":"int16",
           best*1e9/(m*k),best*1e9/m);}
   free(x); free(sc); free(q); free(zp);}
  {int m=384,k=384,n=384,block=32; float*x=malloc(4*m*k),*y=malloc(4*m*n),*bias=malloc(4*n),*ws=malloc(4*n),*sc=malloc(4*m);
   int8_t*w=malloc(n*k),*pw=malloc(glean_qgemm_packed_size(k,n)); int32_t*zp=malloc(4*m); void*q=malloc(glean_qgemm_quantized_bytes(m,k));
   for(int i=0;i<m*k;i++)x[i]=rand()/(float)RAND_MAX-0.5f; for(int i=0;i<n*k;i++)w[i]=rand()%255-127;
   for(int j=0;j<n;j++){bias[j]=0.1f;ws[j]=0.01f;} glean_qgemm_pack(w,n,k,pw);
   glean_epilogue plain={.bias=bias}, split={.bias=bias,.block_columns=block,.block_stride=(ptrdiff_t)m*block};
   for(int v=0;v<2;v++){double best=1e9; for(int r=0;r<60;r++){double t=now();
     glean_hybrid_fully_connected(NULL,m,n,k,x,0,q,sc,zp,pw,ws,v?&split:&plain,y,v?block:n);t=now()-t;if(t<best)best=t;}
    printf("hybrid M384 K384 N384 + bias, %s: %.3f ms\n",v?"heads split (blocks of 32)":"plain rows",best*1e3);}}
  printf("kernels: %s\n",glean_kernels_isa());
}
