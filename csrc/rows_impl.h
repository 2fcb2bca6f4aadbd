/* The row products of rows.h for one vector width: FW2V_W floats per vector (16: AVX-512,
 * 8: AVX2, 4: SSE2 / NEON / the compiler's baseline), each name suffixed _w<FW2V_W>
 * (FW2V_NAME). rows.h includes this file once per width, each time under the matching
 * target, and picks one set when the module loads. No include guard: that is the point. */

/* FW2V_W floats: the width of one register of the target */
typedef float FW2V_NAME(vw) __attribute__((vector_size(4 * FW2V_W)));

/* y += c * x (dim floats) */
FW2V_INLINE void FW2V_NAME(add_scaled)(float c, const float *x, float *y, int dim) {
    FW2V_SPANS(FW2V_ADD_SPAN, dim, c, x, y);
}

/* the sum of the 4-float groups of v (a tree of halves) */
FW2V_INLINE fw2v_v4 FW2V_NAME(quarters)(FW2V_NAME(vw) v) {
#if FW2V_W == 16
    /* (in-register shuffles: copying v's halves out with memcpy kept the sums of dots on the
     * stack across the spans) */
    typedef int32_t i16 __attribute__((vector_size(64)));
    v += __builtin_shuffle(v, (i16){8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7});
    v += __builtin_shuffle(v, (i16){4, 5, 6, 7, 0, 1, 2, 3, 12, 13, 14, 15, 8, 9, 10, 11});
    fw2v_v4 a;
    memcpy(&a, &v, sizeof(a));
    return a;
#elif FW2V_W == 8
    fw2v_v4 a, b;
    memcpy(&a, &v, sizeof(a));
    memcpy(&b, (const char *)&v + sizeof(a), sizeof(b));
    return a + b;
#else
    return v;
#endif
}

/* out[k] = x . y[k] for k < K, K = 1 or 4 (dim floats each): K independent sums per span
 * type, each reduced to 4 lanes, then one 4 x 4 tree of shuffles for all four; inlined with
 * K a constant */
FW2V_INLINE void FW2V_NAME(dots)(int K, const float *x, const float *const *y, int dim,
                                 float *out) {
    FW2V_NAME(vw) accw[4] = {{0}, {0}, {0}, {0}};
    fw2v_v4 acc4[4] = {{0}, {0}, {0}, {0}};
    fw2v_v1 acc1[4] = {0, 0, 0, 0};
    FW2V_SPANS(FW2V_DOTS_SPAN, dim, K, x, y, accw, acc4, acc1);
    fw2v_v4 q[4];
    for (int k = 0; k < 4; k++)
        q[k] = FW2V_NAME(quarters)(accw[k]) + acc4[k];
    fw2v_v4 ab = FW2V_SHUFFLE4(q[0], q[1], 0, 1, 4, 5) + FW2V_SHUFFLE4(q[0], q[1], 2, 3, 6, 7);
    fw2v_v4 ce = FW2V_SHUFFLE4(q[2], q[3], 0, 1, 4, 5) + FW2V_SHUFFLE4(q[2], q[3], 2, 3, 6, 7);
    fw2v_v4 s = FW2V_SHUFFLE4(ab, ce, 0, 2, 4, 6) + FW2V_SHUFFLE4(ab, ce, 1, 3, 5, 7);
    for (int k = 0; k < K; k++)
        out[k] = s[k] + acc1[k];
}

FW2V_STATIC void FW2V_NAME(axpy)(int dim, float a, const float *x, float *y) {
    FW2V_NAME(add_scaled)(a, x, y, dim);
}

FW2V_STATIC void FW2V_NAME(row_dots)(int n_a, const float *const *a, int n_b,
                                     const float *const *b, int dim, float *out) {
    for (int i = 0; i < n_a; i++) {
        float *o = out + (int64_t)i * n_b;
        int j = 0;
        for (; j + 4 <= n_b; j += 4)
            FW2V_NAME(dots)(4, a[i], b + j, dim, o + j);
        for (; j < n_b; j++)
            FW2V_NAME(dots)(1, a[i], b + j, dim, o + j);
    }
}

FW2V_STATIC void FW2V_NAME(row_combine)(int n_out, int n_rows, const float *coef, int ci,
                                        int cj, const float *const *rows, int dim,
                                        float *out) {
    for (int i = 0; i < n_out; i++)
        FW2V_SPANS(FW2V_COMBINE_SPAN, dim, n_rows, coef + (int64_t)i * ci, cj, rows,
                   out + (int64_t)i * dim);
}

FW2V_STATIC void FW2V_NAME(rows_update)(int n_rows, const float *coef, const float *x,
                                        float *const *rows, int dim, float *grad) {
    FW2V_SPANS(FW2V_UPDATE_SPAN, dim, n_rows, coef, x, rows, grad);
}
