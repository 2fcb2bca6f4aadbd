/* The atomics the trainer needs: threads claim chunks and report progress with them. */
#ifndef FASTW2V_ATOMICS_H
#define FASTW2V_ATOMICS_H
#include <stdint.h>

static inline int64_t fw2v_fetch_add(int64_t *p, int64_t v) {
    return __atomic_fetch_add(p, v, __ATOMIC_RELAXED);
}

static inline int64_t fw2v_load(const int64_t *p) {
    return __atomic_load_n(p, __ATOMIC_RELAXED);
}
#endif
