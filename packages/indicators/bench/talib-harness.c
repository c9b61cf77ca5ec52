/*
 * Times TA-Lib's own C functions (no JS, no copies) for kernels.bench.ts.
 * usage: talib-harness <columns.bin> <n> <reps> <inner> <cpu|wall> <pre|alloc> [function]
 * columns.bin: open, high, low, close, volume as n little-endian doubles each.
 * Prints one line per function: "<wick name> <median ms per call>" (median of `reps` samples,
 * each the mean of `inner` back-to-back calls, after one warm-up call). Params match Wick's
 * registry defaults. `pre`: outputs allocated once (the C function alone); `alloc`: each call
 * calloc()s and frees its output arrays, as a JS kernel returning fresh Float64Arrays must.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "ta_libc.h"

static int n;
static double *O, *H, *L, *C, *V, *o1, *o2, *o3;
static int beg, nb;

#define DEF(wick, call) static TA_RetCode run_##wick(void) { return call; }
DEF(sma, TA_SMA(0, n - 1, C, 20, &beg, &nb, o1))
DEF(ema, TA_EMA(0, n - 1, C, 20, &beg, &nb, o1))
DEF(wma, TA_WMA(0, n - 1, C, 20, &beg, &nb, o1))
DEF(dema, TA_DEMA(0, n - 1, C, 20, &beg, &nb, o1))
DEF(tema, TA_TEMA(0, n - 1, C, 20, &beg, &nb, o1))
DEF(macd, TA_MACD(0, n - 1, C, 12, 26, 9, &beg, &nb, o1, o2, o3))
DEF(rsi, TA_RSI(0, n - 1, C, 14, &beg, &nb, o1))
DEF(bbands, TA_BBANDS(0, n - 1, C, 20, 2.0, 2.0, TA_MAType_SMA, &beg, &nb, o1, o2, o3))
DEF(atr, TA_ATR(0, n - 1, H, L, C, 14, &beg, &nb, o1))
DEF(natr, TA_NATR(0, n - 1, H, L, C, 14, &beg, &nb, o1))
DEF(trange, TA_TRANGE(0, n - 1, H, L, C, &beg, &nb, o1))
DEF(stoch, TA_STOCH(0, n - 1, H, L, C, 14, 3, TA_MAType_SMA, 3, TA_MAType_SMA, &beg, &nb, o1, o2))
DEF(stochrsi, TA_STOCHRSI(0, n - 1, C, 14, 14, 3, TA_MAType_SMA, &beg, &nb, o1, o2))
DEF(adx, TA_ADX(0, n - 1, H, L, C, 14, &beg, &nb, o1))
DEF(cci, TA_CCI(0, n - 1, H, L, C, 20, &beg, &nb, o1))
DEF(willr, TA_WILLR(0, n - 1, H, L, C, 14, &beg, &nb, o1))
DEF(mfi, TA_MFI(0, n - 1, H, L, C, V, 14, &beg, &nb, o1))
DEF(obv, TA_OBV(0, n - 1, C, V, &beg, &nb, o1))
DEF(roc, TA_ROC(0, n - 1, C, 10, &beg, &nb, o1))
DEF(mom, TA_MOM(0, n - 1, C, 10, &beg, &nb, o1))
DEF(psar, TA_SAR(0, n - 1, H, L, 0.02, 0.2, &beg, &nb, o1))

static const struct { const char *name; TA_RetCode (*run)(void); int outputs; } fns[] = {
  {"sma", run_sma, 1}, {"ema", run_ema, 1}, {"wma", run_wma, 1}, {"dema", run_dema, 1},
  {"tema", run_tema, 1}, {"macd", run_macd, 3}, {"rsi", run_rsi, 1}, {"bbands", run_bbands, 3},
  {"atr", run_atr, 1}, {"natr", run_natr, 1}, {"trange", run_trange, 1}, {"stoch", run_stoch, 2},
  {"stochrsi", run_stochrsi, 2}, {"adx", run_adx, 1}, {"cci", run_cci, 1}, {"willr", run_willr, 1},
  {"mfi", run_mfi, 1}, {"obv", run_obv, 1}, {"roc", run_roc, 1}, {"mom", run_mom, 1},
  {"psar", run_psar, 1},
};

static int alloc_mode;

/* One call; in alloc mode with fresh zeroed outputs, freed afterwards. */
static TA_RetCode call(size_t i) {
  if (!alloc_mode) return fns[i].run();
  double *keep1 = o1, *keep2 = o2, *keep3 = o3;
  o1 = calloc(n, sizeof(double));
  if (fns[i].outputs > 1) o2 = calloc(n, sizeof(double));
  if (fns[i].outputs > 2) o3 = calloc(n, sizeof(double));
  TA_RetCode rc = fns[i].run();
  free(o1);
  if (fns[i].outputs > 1) free(o2);
  if (fns[i].outputs > 2) free(o3);
  o1 = keep1; o2 = keep2; o3 = keep3;
  return rc;
}

static clockid_t clock_id = CLOCK_PROCESS_CPUTIME_ID; /* CPU time: the box is shared */

static double now_ms(void) {
  struct timespec t;
  clock_gettime(clock_id, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  if (argc != 7 && argc != 8) {
    fprintf(stderr, "usage: %s <columns.bin> <n> <reps> <inner> <cpu|wall> <pre|alloc> [function]\n", argv[0]);
    return 2;
  }
  if (argv[5][0] == 'w') clock_id = CLOCK_MONOTONIC;
  alloc_mode = argv[6][0] == 'a';
  const char *only = argc == 8 ? argv[7] : NULL;
  n = atoi(argv[2]);
  int reps = atoi(argv[3]), inner = atoi(argv[4]);
  double *all = malloc(sizeof(double) * 5 * (size_t)n);
  FILE *f = fopen(argv[1], "rb");
  if (!f || fread(all, sizeof(double), 5 * (size_t)n, f) != 5 * (size_t)n) { fprintf(stderr, "cannot read %s\n", argv[1]); return 2; }
  fclose(f);
  O = all; H = all + n; L = all + 2 * (size_t)n; C = all + 3 * (size_t)n; V = all + 4 * (size_t)n;
  (void)O;
  o1 = malloc(sizeof(double) * n); o2 = malloc(sizeof(double) * n); o3 = malloc(sizeof(double) * n);
  if (TA_Initialize() != TA_SUCCESS) { fprintf(stderr, "TA_Initialize failed\n"); return 2; }
  double *samples = malloc(sizeof(double) * reps);
  for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
    if (only && strcmp(only, fns[i].name) != 0) continue;
    if (call(i) != TA_SUCCESS) { fprintf(stderr, "%s failed\n", fns[i].name); return 1; }
    for (int r = 0; r < reps; r++) {
      double t0 = now_ms();
      for (int k = 0; k < inner; k++) call(i);
      samples[r] = (now_ms() - t0) / inner;
    }
    qsort(samples, reps, sizeof(double), cmp);
    printf("%s %.6f\n", fns[i].name, samples[reps / 2]);
    fflush(stdout);
  }
  TA_Shutdown();
  return 0;
}
