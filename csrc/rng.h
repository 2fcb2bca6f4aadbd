/* Counter-seeded random numbers for the training kernels.
 *
 * Every chunk of the corpus gets its own generator, seeded from (seed, epoch, chunk),
 * so the draws do not depend on which thread trains which chunk.  The generator is
 * SplitMix64 (Steele, Lea & Flood 2014): one 64-bit add and a mix per draw.
 */
#ifndef FASTW2V_RNG_H
#define FASTW2V_RNG_H
#include <stdint.h>

typedef struct { uint64_t state; } fw2v_rng;

static inline uint64_t fw2v_mix64(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static inline uint64_t fw2v_rng_next(fw2v_rng *r) {
    r->state += 0x9E3779B97F4A7C15ULL;
    return fw2v_mix64(r->state);
}

static inline void fw2v_rng_seed(fw2v_rng *r, uint64_t seed, uint64_t epoch, uint64_t chunk) {
    r->state = fw2v_mix64(fw2v_mix64(fw2v_mix64(seed) ^ epoch) ^ chunk);
}

/* Turns a seeded generator into that of its stream ``stream`` (> 0), independent of the
 * seeded one: a chunk's noise words come from the generator of (seed, epoch, chunk), its
 * sub-sampling and window draws from its stream 1, so that the kernels can draw the next
 * output block's noise words ahead of time without changing any draw. */
static inline void fw2v_rng_stream(fw2v_rng *r, uint64_t stream) {
    r->state = fw2v_mix64(r->state ^ fw2v_mix64(stream));
}

/* Uniform integer in [0, n) by Lemire's multiply-shift (bias below 2^-32 for n < 2^32). */
static inline uint32_t fw2v_rng_below(fw2v_rng *r, uint32_t n) {
    return (uint32_t)(((fw2v_rng_next(r) >> 32) * (uint64_t)n) >> 32);
}
#endif
