/* The atomics the trainer needs: threads claim chunks, report progress and see the stop
 * flag with them. All relaxed: each is a counter or a flag on its own, publishing no other
 * data (the weights are shared without locks by design, the tallies read after the join). */
#ifndef FASTW2V_ATOMICS_H
#define FASTW2V_ATOMICS_H
#include <stdint.h>

static inline int64_t fw2v_fetch_add(int64_t *p, int64_t v) {
    return __atomic_fetch_add(p, v, __ATOMIC_RELAXED);
}

static inline int64_t fw2v_load(const int64_t *p) {
    return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static inline int fw2v_load_int(const int *p) {
    return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static inline void fw2v_store_int(int *p, int v) {
    __atomic_store_n(p, v, __ATOMIC_RELAXED);
}
#endif
