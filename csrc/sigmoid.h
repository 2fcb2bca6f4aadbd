/* Logistic function for the training kernels (the loss is in softplus.h).
 *
 * fw2v_sigmoid interpolates linearly in a table of 2048 intervals over [-12, 12] (absolute
 * error below 7e-6, 0 or 1 outside) because expf was a fifth of the skip-gram/hs profile.
 * The bound checks are written so that NaN fails the first one and gets 0: it must never
 * reach the table index ((int)NaN is INT_MIN on x86).  Training detects the NaN itself after
 * the epoch (the weights' sums, in word2vec.py). */
#ifndef FASTW2V_SIGMOID_H
#define FASTW2V_SIGMOID_H
#include <math.h>

#define FW2V_SIGMOID_BOUND 12.0f
#define FW2V_SIGMOID_STEPS 2048

static float fw2v_sigmoid_table[FW2V_SIGMOID_STEPS + 2];

static void fw2v_sigmoid_init(void) {
    for (int i = 0; i <= FW2V_SIGMOID_STEPS + 1; i++) {
        double x = -FW2V_SIGMOID_BOUND + 2.0 * FW2V_SIGMOID_BOUND * i / FW2V_SIGMOID_STEPS;
        fw2v_sigmoid_table[i] = (float)(1.0 / (1.0 + exp(-x)));
    }
}

static inline float fw2v_sigmoid(float x) {
    if (!(x > -FW2V_SIGMOID_BOUND)) return 0.0f;  /* also NaN */
    if (x >= FW2V_SIGMOID_BOUND) return 1.0f;
    float pos = (x + FW2V_SIGMOID_BOUND) * (FW2V_SIGMOID_STEPS / (2.0f * FW2V_SIGMOID_BOUND));
    int i = (int)pos;
    float frac = pos - (float)i;
    return fw2v_sigmoid_table[i] + frac * (fw2v_sigmoid_table[i + 1] - fw2v_sigmoid_table[i]);
}

#endif
