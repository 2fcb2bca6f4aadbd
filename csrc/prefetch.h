/* Software prefetch of one vector row, issued before the row is needed so that cold rows
 * of the output layer load while the kernel works on others. */
#ifndef FASTW2V_PREFETCH_H
#define FASTW2V_PREFETCH_H

static inline void fw2v_prefetch_row(const float *row, int dim) {
    for (int k = 0; k < dim; k += 16)  /* one 64-byte line per 16 floats */
        __builtin_prefetch(row + k, 1, 3);
}
#endif
