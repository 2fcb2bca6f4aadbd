/* Small dense products over rows given by pointers, for the kernels (the batched skip-gram
 * window, a target's hs path, _blas.pxd's dot and axpy): a few rows of a few hundred floats
 * each, where a BLAS call's fixed cost (its buffer lock, the packing of its operands, its
 * dispatch) outweighs the arithmetic, and where the rows need not be gathered first. Each
 * function is compiled for AVX-512, AVX2 + FMA and the baseline, and the best the CPU runs
 * is chosen when the module loads (gcc's target_clones); the results do not depend on the
 * thread, so one worker stays bit-for-bit reproducible on a given machine.
 *
 * A row of dim floats is taken in spans: blocks of 64 floats (four 16-float vectors, held in
 * registers while the other operand's rows stream past), then one span each of 1-3
 * 16-float vectors, 1-3 4-float vectors and 1-3 single floats for the rest (dim = 100: a
 * block of 64, a span of two 16-float vectors, one of one 4-float vector). */
#ifndef FASTW2V_ROWS_H
#define FASTW2V_ROWS_H
#include <stdint.h>
#include <string.h>

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
/* (unused: not every module that includes this file calls every function) */
#define FW2V_CLONES \
    __attribute__((unused, target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define FW2V_CLONES __attribute__((unused))
#endif
#define FW2V_INLINE static inline __attribute__((always_inline))

/* 16 floats (one AVX-512 register, two AVX2 ones, four SSE ones), 4 floats, 1 float */
typedef float fw2v_v16 __attribute__((vector_size(64)));
typedef float fw2v_v4 __attribute__((vector_size(16)));
typedef float fw2v_v1 __attribute__((vector_size(4)));
typedef int32_t fw2v_i16 __attribute__((vector_size(64)));
#define FW2V_LANES(VT) ((int)(sizeof(VT) / sizeof(float)))
#define FW2V_LOAD(v, p) memcpy(&(v), (p), sizeof(v))
#define FW2V_STORE(p, v) memcpy((p), &(v), sizeof(v))
#if defined(__clang__)
#define FW2V_SHUFFLE(a, b, ...) __builtin_shufflevector(a, b, __VA_ARGS__)
#else
#define FW2V_SHUFFLE(a, b, ...) __builtin_shuffle(a, b, (fw2v_i16){__VA_ARGS__})
#endif

/* The spans of a row of dim floats, each handed to NAME(VT, NV, d, ...): NV (a constant)
 * vectors of type VT from offset d; all but the 64-float blocks once per row, so that every
 * pass over the other operand's rows has as many independent sums as it can */
#define FW2V_SPAN_UPTO3(NAME, VT, count, d, ...)                                           \
    do {                                                                                   \
        if ((count) == 3) { NAME(VT, 3, d, __VA_ARGS__); }                                 \
        else if ((count) == 2) { NAME(VT, 2, d, __VA_ARGS__); }                            \
        else if ((count) == 1) { NAME(VT, 1, d, __VA_ARGS__); }                            \
        (d) += (count) * FW2V_LANES(VT);                                                   \
    } while (0)
#define FW2V_SPANS(NAME, dim, ...)                                                        \
    do {                                                                                   \
        int d_ = 0;                                                                        \
        for (; d_ + 64 <= (dim); d_ += 64) NAME(fw2v_v16, 4, d_, __VA_ARGS__);             \
        FW2V_SPAN_UPTO3(NAME, fw2v_v16, ((dim) - d_) / 16, d_, __VA_ARGS__);              \
        FW2V_SPAN_UPTO3(NAME, fw2v_v4, ((dim) - d_) / 4, d_, __VA_ARGS__);                \
        FW2V_SPAN_UPTO3(NAME, fw2v_v1, (dim) - d_, d_, __VA_ARGS__);                      \
    } while (0)

/* y[d:] += c * x[d:] over one span */
#define FW2V_ADD_SPAN(VT, NV, d, c, x, y)                                                  \
    for (int k_ = 0; k_ < (NV); k_++) {                                                    \
        VT vx_, vy_;                                                                       \
        FW2V_LOAD(vx_, (x) + (d) + k_ * FW2V_LANES(VT));                                   \
        FW2V_LOAD(vy_, (y) + (d) + k_ * FW2V_LANES(VT));                                   \
        vy_ += (c) * vx_;                                                                  \
        FW2V_STORE((y) + (d) + k_ * FW2V_LANES(VT), vy_);                                  \
    }

/* y += c * x (dim floats), inlined into each clone of its callers */
FW2V_INLINE void fw2v_add_scaled(float c, const float *x, float *y, int dim) {
    FW2V_SPANS(FW2V_ADD_SPAN, dim, c, x, y);
}

/* out[k] = the sum of the 16 lanes of acc[k], for k < K <= 4 (a tree of 5 shuffles and adds
 * for all four sums, rather than 15 dependent adds for each) */
FW2V_INLINE void fw2v_sum4(const fw2v_v16 *acc, int K, float *out) {
    fw2v_v16 a = acc[0], b = acc[1], c = acc[2], e = acc[3];
    fw2v_v16 ab = FW2V_SHUFFLE(a, b, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23) +
                  FW2V_SHUFFLE(a, b, 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31);
    fw2v_v16 ce = FW2V_SHUFFLE(c, e, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23) +
                  FW2V_SHUFFLE(c, e, 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31);
    fw2v_v16 s = FW2V_SHUFFLE(ab, ce, 0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27) +
                 FW2V_SHUFFLE(ab, ce, 4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31);
    s += FW2V_SHUFFLE(s, s, 2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13);
    s += FW2V_SHUFFLE(s, s, 1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14);
    for (int k = 0; k < K; k++)
        out[k] = s[4 * k];
}

/* acc[k] += x[d:] . y[k][d:] over one span, for k < K (each span type has its own sums) */
#define FW2V_DOTS_SPAN(VT, NV, d, K, x, y, acc16, acc4, acc1)                              \
    for (int v_ = 0; v_ < (NV); v_++) {                                                    \
        int o_ = (d) + v_ * FW2V_LANES(VT);                                                \
        VT vx_, vy_;                                                                       \
        FW2V_LOAD(vx_, (x) + o_);                                                          \
        for (int k_ = 0; k_ < (K); k_++) {                                                 \
            FW2V_LOAD(vy_, (y)[k_] + o_);                                                  \
            __builtin_choose_expr(sizeof(VT) == 64, acc16, __builtin_choose_expr(          \
                sizeof(VT) == 16, acc4, acc1))[k_] += vx_ * vy_;                           \
        }                                                                                  \
    }

/* out[k] = x . y[k] for k < K, K = 1 or 4 (dim floats each): K independent sums, then one
 * tree; inlined with K a constant */
FW2V_INLINE void fw2v_dots(int K, const float *x, const float *const *y, int dim,
                           float *out) {
    fw2v_v16 acc16[4] = {{0}, {0}, {0}, {0}};
    fw2v_v4 acc4[4] = {{0}, {0}, {0}, {0}};
    fw2v_v1 acc1[4] = {{0}, {0}, {0}, {0}};
    FW2V_SPANS(FW2V_DOTS_SPAN, dim, K, x, y, acc16, acc4, acc1);
    fw2v_sum4(acc16, K, out);
    for (int k = 0; k < K; k++)
        out[k] += ((acc4[k][0] + acc4[k][2]) + (acc4[k][1] + acc4[k][3])) + acc1[k][0];
}

/* x . y and y += a * x over dim floats: _blas.pxd's dot and axpy, for the vectors of one word
 * (a few hundred floats), where BLAS's call overhead (argument checks, dispatch to the
 * kernel) costs as much as the arithmetic */
FW2V_CLONES static float fw2v_dot(int dim, const float *x, const float *y) {
    float out;
    fw2v_dots(1, x, &y, dim, &out);
    return out;
}

FW2V_CLONES static void fw2v_axpy(int dim, float a, const float *x, float *y) {
    fw2v_add_scaled(a, x, y, dim);
}

/* out[i * n_b + j] = a[i] . b[j] for i < n_a, j < n_b (rows of dim floats), four b rows at
 * a time */
FW2V_CLONES static void fw2v_row_dots(int n_a, const float *const *a, int n_b,
                                      const float *const *b, int dim, float *out) {
    for (int i = 0; i < n_a; i++) {
        float *o = out + (int64_t)i * n_b;
        int j = 0;
        for (; j + 4 <= n_b; j += 4)
            fw2v_dots(4, a[i], b + j, dim, o + j);
        for (; j < n_b; j++)
            fw2v_dots(1, a[i], b + j, dim, o + j);
    }
}

/* out[d:] = sum over j < n_rows of coef[j * cj] * rows[j][d:] over one span, its sums held
 * in registers while the rows stream past (a zero coefficient, a saturated unit's, is
 * skipped) */
#define FW2V_COMBINE_SPAN(VT, NV, d, n_rows, coef, cj, rows, out)                          \
    do {                                                                                   \
        VT s_[NV];                                                                         \
        memset(s_, 0, sizeof(s_));                                                         \
        for (int j_ = 0; j_ < (n_rows); j_++) {                                            \
            float c_ = (coef)[(int64_t)j_ * (cj)];                                         \
            if (c_ == 0.0f)                                                                \
                continue;                                                                  \
            for (int k_ = 0; k_ < (NV); k_++) {                                            \
                VT r_;                                                                     \
                FW2V_LOAD(r_, (rows)[j_] + (d) + k_ * FW2V_LANES(VT));                     \
                s_[k_] += c_ * r_;                                                         \
            }                                                                              \
        }                                                                                  \
        memcpy((out) + (d), s_, sizeof(s_));                                               \
    } while (0)

/* out[i] = sum over j < n_rows of coef[i * ci + j * cj] * rows[j], for i < n_out (rows of dim
 * floats; a zero coefficient, a saturated unit's, is skipped) */
FW2V_CLONES static void fw2v_row_combine(int n_out, int n_rows, const float *coef, int ci,
                                         int cj, const float *const *rows, int dim,
                                         float *out) {
    for (int i = 0; i < n_out; i++)
        FW2V_SPANS(FW2V_COMBINE_SPAN, dim, n_rows, coef + (int64_t)i * ci, cj, rows,
                   out + (int64_t)i * dim);
}

/* rows[j] += coef[j] * x for j < n_rows (rows of dim floats; a zero coefficient, a saturated
 * unit's, is skipped): one vector added to scattered rows, each with its own factor */
FW2V_CLONES static void fw2v_rows_add(int n_rows, const float *coef, const float *x,
                                      float *const *rows, int dim) {
    for (int j = 0; j < n_rows; j++)
        if (coef[j] != 0.0f)
            fw2v_add_scaled(coef[j], x, rows[j], dim);
}
#endif
