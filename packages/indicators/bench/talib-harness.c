/*
 * Times TA-Lib's own C functions (no JS, no copies) for kernels.bench.ts.
 * usage: talib-harness <columns.bin> <n> <reps> <inner>
 * columns.bin: open, high, low, close, volume as n little-endian doubles each.
 * Prints one line per function: "<wick name> <median ms per call>" (median of `reps` samples,
 * each the mean of `inner` back-to-back calls, after one warm-up call). Params match Wick's
 * registry defaults.
 */
#include <stdio.h>
#include <stdlib.h>
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

static const struct { const char *name; TA_RetCode (*run)(void); } fns[] = {
  {"sma", run_sma}, {"ema", run_ema}, {"wma", run_wma}, {"dema", run_dema}, {"tema", run_tema},
  {"macd", run_macd}, {"rsi", run_rsi}, {"bbands", run_bbands}, {"atr", run_atr},
  {"natr", run_natr}, {"trange", run_trange}, {"stoch", run_stoch}, {"stochrsi", run_stochrsi},
  {"adx", run_adx}, {"cci", run_cci}, {"willr", run_willr}, {"mfi", run_mfi}, {"obv", run_obv},
  {"roc", run_roc}, {"mom", run_mom}, {"psar", run_psar},
};

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t); /* on-CPU time: the box is shared */
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  if (argc != 5) { fprintf(stderr, "usage: %s <columns.bin> <n> <reps> <inner>\n", argv[0]); return 2; }
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
    if (fns[i].run() != TA_SUCCESS) { fprintf(stderr, "%s failed\n", fns[i].name); return 1; }
    for (int r = 0; r < reps; r++) {
      double t0 = now_ms();
      for (int k = 0; k < inner; k++) fns[i].run();
      samples[r] = (now_ms() - t0) / inner;
    }
    qsort(samples, reps, sizeof(double), cmp);
    printf("%s %.6f\n", fns[i].name, samples[reps / 2]);
    fflush(stdout);
  }
  TA_Shutdown();
  return 0;
}
