/* Small dense products over rows given by pointers, for the kernels (the batched skip-gram
 * window, a target's output rows, _blas.pxd's axpy): a few rows of a few hundred
 * floats each, where a BLAS call's fixed cost (its buffer lock, the packing of its operands,
 * its dispatch) outweighs the arithmetic, and where the rows need not be gathered first.
 *
 * Each function is compiled for three vector widths (rows_impl.h): 16 floats under AVX-512,
 * 8 under AVX2 + FMA, 4 for the baseline; the widest the CPU runs is chosen when the module
 * loads (an ifunc resolver, on x86-64 with GCC; elsewhere the baseline, which the compiler
 * maps to its own vectors). A width per target rather than one vector type for all: GCC 12
 * splits a 64-byte vector into two AVX2 registers but, inside loops, stores it through the
 * stack, which made every product several times slower on an AVX2-only CPU
 * (docs/performance.md). The results do not depend on the thread, so one worker stays
 * bit-for-bit reproducible on a given machine.
 *
 * A row of dim floats is taken in spans: blocks of four vectors (held in registers while
 * the other operand's rows stream past), then one span each of 1-3 vectors, 1-3 4-float
 * vectors and 1-3 single floats for the rest (dim = 100 under AVX-512: a block of 64, a
 * span of two 16-float vectors, one of one 4-float vector; under AVX2: three blocks of 32,
 * then one 4-float vector). */
#ifndef FASTW2V_ROWS_H
#define FASTW2V_ROWS_H
#include <stdint.h>
#include <string.h>

#define FW2V_INLINE static inline __attribute__((always_inline))
/* (unused: not every module that includes this file calls every function) */
#define FW2V_STATIC static __attribute__((unused))

/* 8, 4 and 1 floats; a target's own width is FW2V_NAME(vw) (rows_impl.h) */
typedef float fw2v_v8 __attribute__((vector_size(32)));
typedef float fw2v_v4 __attribute__((vector_size(16)));
typedef float fw2v_v1; /* (a plain float: GCC moves a 1-float vector through the stack) */
typedef int32_t fw2v_i4 __attribute__((vector_size(16)));
#define FW2V_LANES(VT) ((int)(sizeof(VT) / sizeof(float)))
/* for (int k = 0; k < n; k++) over the (at most 4) vectors of a span, unrolled before GCC's
 * loop distribution can turn a loop of stores into a memcpy from the stack (which kept a
 * span's sums in memory, not registers: docs/performance.md) */
#define FW2V_EACH(k, n) _Pragma("GCC unroll 4") for (int k = 0; k < (n); k++)
#define FW2V_LOAD(v, p) memcpy(&(v), (p), sizeof(v))
#define FW2V_STORE(p, v) memcpy((p), &(v), sizeof(v))
#if defined(__clang__)
#define FW2V_SHUFFLE4(a, b, ...) __builtin_shufflevector(a, b, __VA_ARGS__)
#else
#define FW2V_SHUFFLE4(a, b, ...) __builtin_shuffle(a, b, (fw2v_i4){__VA_ARGS__})
#endif
/* fw2v_<x>_w<FW2V_W>: x in the instance of rows_impl.h for the width FW2V_W */
#define FW2V_CAT_(a, b) a##b
#define FW2V_CAT(a, b) FW2V_CAT_(a, b)
#define FW2V_NAME(x) FW2V_CAT(FW2V_CAT(fw2v_, x), FW2V_CAT(_w, FW2V_W))

/* The spans of a row of dim floats, each handed to NAME(VT, NV, d, ...): NV (a constant)
 * vectors of type VT from offset d; all but the blocks once per row, so that every pass
 * over the other operand's rows has as many independent sums as it can */
#define FW2V_SPAN_UPTO3(NAME, VT, count, d, ...)                                           \
    do {                                                                                   \
        if ((count) == 3) { NAME(VT, 3, d, __VA_ARGS__); }                                 \
        else if ((count) == 2) { NAME(VT, 2, d, __VA_ARGS__); }                            \
        else if ((count) == 1) { NAME(VT, 1, d, __VA_ARGS__); }                            \
        (d) += (count) * FW2V_LANES(VT);                                                   \
    } while (0)
#define FW2V_SPANS(NAME, dim, ...)                                                         \
    do {                                                                                   \
        int d_ = 0;                                                                        \
        for (; d_ + 4 * FW2V_W <= (dim); d_ += 4 * FW2V_W)                                 \
            NAME(FW2V_NAME(vw), 4, d_, __VA_ARGS__);                                       \
        FW2V_SPAN_UPTO3(NAME, FW2V_NAME(vw), ((dim) - d_) / FW2V_W, d_, __VA_ARGS__);      \
        FW2V_SPAN_UPTO3(NAME, fw2v_v4, ((dim) - d_) / 4, d_, __VA_ARGS__);                 \
        FW2V_SPAN_UPTO3(NAME, fw2v_v1, (dim) - d_, d_, __VA_ARGS__);                       \
    } while (0)

/* y[d:] += c * x[d:] over one span */
#define FW2V_ADD_SPAN(VT, NV, d, c, x, y)                                                  \
    FW2V_EACH(k_, NV) {                                                                    \
        VT vx_, vy_;                                                                       \
        FW2V_LOAD(vx_, (x) + (d) + k_ * FW2V_LANES(VT));                                   \
        FW2V_LOAD(vy_, (y) + (d) + k_ * FW2V_LANES(VT));                                   \
        vy_ += (c) * vx_;                                                                  \
        FW2V_STORE((y) + (d) + k_ * FW2V_LANES(VT), vy_);                                  \
    }

/* acc[k] += x[d:] . y[k][d:] over one span, for k < K (each span type has its own sums:
 * accw for the target's vectors, acc4 for 4 floats, acc1 for 1) */
#define FW2V_DOTS_SPAN(VT, NV, d, K, x, y, accw, acc4, acc1)                               \
    FW2V_EACH(v_, NV) {                                                                    \
        int o_ = (d) + v_ * FW2V_LANES(VT);                                                \
        VT vx_, vy_;                                                                       \
        FW2V_LOAD(vx_, (x) + o_);                                                          \
        for (int k_ = 0; k_ < (K); k_++) {                                                 \
            FW2V_LOAD(vy_, (y)[k_] + o_);                                                  \
            __builtin_choose_expr(sizeof(VT) == 4 * FW2V_W, accw, __builtin_choose_expr(   \
                sizeof(VT) == 16, acc4, acc1))[k_] += vx_ * vy_;                           \
        }                                                                                  \
    }

/* out[d:] = sum over j < n_rows of coef[j * cj] * rows[j][d:] over one span, its sums held
 * in registers while the rows stream past (a zero coefficient, a saturated unit's, is
 * skipped) */
#define FW2V_COMBINE_SPAN(VT, NV, d, n_rows, coef, cj, rows, out)                          \
    do {                                                                                   \
        VT s_[NV];                                                                         \
        FW2V_EACH(k_, NV)                                                                  \
            s_[k_] = (VT){0};                                                              \
        for (int j_ = 0; j_ < (n_rows); j_++) {                                            \
            float c_ = (coef)[(int64_t)j_ * (cj)];                                         \
            if (c_ == 0.0f)                                                                \
                continue;                                                                  \
            FW2V_EACH(k_, NV) {                                                            \
                VT r_;                                                                     \
                FW2V_LOAD(r_, (rows)[j_] + (d) + k_ * FW2V_LANES(VT));                     \
                s_[k_] += c_ * r_;                                                         \
            }                                                                              \
        }                                                                                  \
        FW2V_EACH(k_, NV)                                                                  \
            FW2V_STORE((out) + (d) + k_ * FW2V_LANES(VT), s_[k_]);                         \
    } while (0)

/* grad[d:] += sum over j < n_rows of coef[j] * rows[j][d:], then rows[j][d:] += coef[j] *
 * x[d:], over one span: each row loaded once, the sums and x's span held in registers */
#define FW2V_UPDATE_SPAN(VT, NV, d, n_rows, coef, x, rows, grad)                           \
    do {                                                                                   \
        VT s_[NV], x_[NV];                                                                 \
        FW2V_EACH(k_, NV) {                                                                \
            FW2V_LOAD(s_[k_], (grad) + (d) + k_ * FW2V_LANES(VT));                         \
            FW2V_LOAD(x_[k_], (x) + (d) + k_ * FW2V_LANES(VT));                            \
        }                                                                                  \
        for (int j_ = 0; j_ < (n_rows); j_++) {                                            \
            float c_ = (coef)[j_];                                                         \
            if (c_ == 0.0f)                                                                \
                continue;                                                                  \
            FW2V_EACH(k_, NV) {                                                            \
                VT r_;                                                                     \
                float *p_ = (rows)[j_] + (d) + k_ * FW2V_LANES(VT);                        \
                FW2V_LOAD(r_, p_);                                                         \
                s_[k_] += c_ * r_;                                                         \
                r_ += c_ * x_[k_];                                                         \
                FW2V_STORE(p_, r_);                                                        \
            }                                                                              \
        }                                                                                  \
        FW2V_EACH(k_, NV)                                                                  \
            FW2V_STORE((grad) + (d) + k_ * FW2V_LANES(VT), s_[k_]);                        \
    } while (0)

/* The instances: AVX-512 and AVX2 + FMA on x86-64 with GCC, the baseline everywhere */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define FW2V_DISPATCH 1
#define FW2V_W 16
#pragma GCC push_options
#pragma GCC target("avx512f,avx512vl,avx512dq,avx512bw,avx2,fma")
#include "rows_impl.h"
#pragma GCC pop_options
#undef FW2V_W
#define FW2V_W 8
#pragma GCC push_options
#pragma GCC target("avx2,fma")
#include "rows_impl.h"
#pragma GCC pop_options
#undef FW2V_W
#endif
#define FW2V_W 4
#include "rows_impl.h"
#undef FW2V_W

/* The widest vectors this CPU runs, in floats: 16, 8 or 4 (with the OS's support: libgcc's
 * __builtin_cpu_supports checks both); 4 without the x86-64 instances */
FW2V_STATIC int fw2v_rows_width(void) {
#ifdef FW2V_DISPATCH
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
        __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512bw"))
        return 16;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        return 8;
#endif
    return 4;
}

#ifdef FW2V_DISPATCH
/* each function an ifunc: the resolver, run once when the module loads, returns the
 * instance of fw2v_rows_width() */
#define FW2V_PUBLIC(x, ret, ...)                                                           \
    FW2V_STATIC __typeof__(fw2v_##x##_w4) *fw2v_##x##_resolve(void) {                      \
        int w = fw2v_rows_width();                                                         \
        return w == 16 ? fw2v_##x##_w16 : w == 8 ? fw2v_##x##_w8 : fw2v_##x##_w4;          \
    }                                                                                      \
    FW2V_STATIC ret fw2v_##x(__VA_ARGS__) __attribute__((ifunc("fw2v_" #x "_resolve")));
#else
#define FW2V_PUBLIC(x, ret, ...) FW2V_STATIC ret (*const fw2v_##x)(__VA_ARGS__) = fw2v_##x##_w4;
#endif

/* y += a * x over dim floats: _blas.pxd's axpy, for the vectors of one word (a few hundred
 * floats), where BLAS's call overhead (argument checks, dispatch to the kernel) costs as much
 * as the arithmetic */
FW2V_PUBLIC(axpy, void, int dim, float a, const float *x, float *y)
/* out[i * n_b + j] = a[i] . b[j] for i < n_a, j < n_b (rows of dim floats), four b rows at
 * a time */
FW2V_PUBLIC(row_dots, void, int n_a, const float *const *a, int n_b, const float *const *b,
            int dim, float *out)
/* out[i] = sum over j < n_rows of coef[i * ci + j * cj] * rows[j], for i < n_out (rows of dim
 * floats; a zero coefficient, a saturated unit's, is skipped) */
FW2V_PUBLIC(row_combine, void, int n_out, int n_rows, const float *coef, int ci, int cj,
            const float *const *rows, int dim, float *out)
/* One hidden vector x's step on its output rows (distinct, dim floats each), with the
 * units' gradients coef: grad += sum over j of coef[j] * rows[j], from the rows before the
 * update, and rows[j] += coef[j] * x, in one pass over the rows (a zero coefficient, a
 * saturated unit's, is skipped) */
FW2V_PUBLIC(rows_update, void, int n_rows, const float *coef, const float *x,
            float *const *rows, int dim, float *grad)

/* The functions of one instance, for tests: fw2v_rows_instance(width) is the instance of
 * that width (4, 8 or 16) if this build has it and this CPU runs it, else all NULL */
typedef struct {
    __typeof__(fw2v_axpy_w4) *axpy;
    __typeof__(fw2v_row_dots_w4) *row_dots;
    __typeof__(fw2v_row_combine_w4) *row_combine;
    __typeof__(fw2v_rows_update_w4) *rows_update;
} fw2v_rows_functions;
#define FW2V_INSTANCE(W)                                                                   \
    (fw2v_rows_functions){fw2v_axpy_w##W, fw2v_row_dots_w##W, fw2v_row_combine_w##W,       \
                          fw2v_rows_update_w##W}
FW2V_STATIC fw2v_rows_functions fw2v_rows_instance(int width) {
    fw2v_rows_functions none = {0};
    if (width > fw2v_rows_width())
        return none;
#ifdef FW2V_DISPATCH
    if (width == 16)
        return FW2V_INSTANCE(16);
    if (width == 8)
        return FW2V_INSTANCE(8);
#endif
    return width == 4 ? FW2V_INSTANCE(4) : none;
}
#endif
