/* Small dense products over rows given by pointers, for the kernels (the batched skip-gram
 * window, a target's hs path, _blas.pxd's dot and axpy): a few rows of a few hundred floats
 * each, where a BLAS call's fixed cost (its buffer lock, the packing of its operands, its
 * dispatch) outweighs the arithmetic, and where the rows need not be gathered first. Each function is compiled for AVX-512, AVX2 + FMA and the baseline, and the best the
 * CPU runs is chosen when the module loads (gcc's target_clones); the results do not depend
 * on the thread, so one worker stays bit-for-bit reproducible on a given machine. */
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

/* 16 floats, one AVX-512 register (two AVX2 ones, four SSE ones in the baseline clone) */
typedef float fw2v_v16 __attribute__((vector_size(64)));
#define FW2V_V16 16
#define FW2V_LOAD(v, p) memcpy(&(v), (p), sizeof(fw2v_v16))
#define FW2V_STORE(p, v) memcpy((p), &(v), sizeof(fw2v_v16))

/* y += c * x (dim floats), inlined into each clone of its callers */
static inline __attribute__((always_inline)) void fw2v_add_scaled(float c, const float *x,
                                                                  float *y, int dim) {
    fw2v_v16 vx, vy;
    int d = 0;
    for (; d + FW2V_V16 <= dim; d += FW2V_V16) {
        FW2V_LOAD(vy, y + d);
        FW2V_LOAD(vx, x + d);
        vy += c * vx;
        FW2V_STORE(y + d, vy);
    }
    for (; d < dim; d++)
        y[d] += c * x[d];
}

/* x . y (dim floats), inlined into each clone of its callers */
static inline __attribute__((always_inline)) float fw2v_dot_inline(const float *x,
                                                                   const float *y, int dim) {
    fw2v_v16 lanes = {0}, vx, vy;
    float sum = 0.0f;
    int d = 0;
    for (; d + FW2V_V16 <= dim; d += FW2V_V16) {
        FW2V_LOAD(vx, x + d);
        FW2V_LOAD(vy, y + d);
        lanes += vx * vy;
    }
    for (; d < dim; d++)
        sum += x[d] * y[d];
    for (int l = 0; l < FW2V_V16; l++)
        sum += lanes[l];
    return sum;
}

/* x . y and y += a * x over dim floats: _blas.pxd's dot and axpy, for the vectors of one word
 * (a few hundred floats), where BLAS's call overhead (argument checks, dispatch to the
 * kernel) costs as much as the arithmetic */
FW2V_CLONES static float fw2v_dot(int dim, const float *x, const float *y) {
    return fw2v_dot_inline(x, y, dim);
}

FW2V_CLONES static void fw2v_axpy(int dim, float a, const float *x, float *y) {
    fw2v_add_scaled(a, x, y, dim);
}

/* out[i * n_b + j] = a[i] . b[j] for i < n_a, j < n_b (rows of dim floats) */
FW2V_CLONES static void fw2v_row_dots(int n_a, const float *const *a, int n_b,
                                      const float *const *b, int dim, float *out) {
    for (int i = 0; i < n_a; i++)
        for (int j = 0; j < n_b; j++)
            out[(int64_t)i * n_b + j] = fw2v_dot_inline(a[i], b[j], dim);
}

/* out[i] = sum over j < n_rows of coef[i * ci + j * cj] * rows[j], for i < n_out (rows of dim
 * floats; a zero coefficient, a saturated unit's, is skipped) */
FW2V_CLONES static void fw2v_row_combine(int n_out, int n_rows, const float *coef, int ci,
                                         int cj, const float *const *rows, int dim,
                                         float *out) {
    for (int i = 0; i < n_out; i++) {
        float *o = out + (int64_t)i * dim;
        memset(o, 0, dim * sizeof(float));
        for (int j = 0; j < n_rows; j++) {
            float c = coef[(int64_t)i * ci + (int64_t)j * cj];
            if (c != 0.0f)
                fw2v_add_scaled(c, rows[j], o, dim);
        }
    }
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
