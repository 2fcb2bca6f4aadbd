/* Logistic function for the training kernels, and its logarithm for the loss.
 *
 * fw2v_sigmoid interpolates linearly in a table of 2048 intervals over [-12, 12] (absolute
 * error below 7e-6, 0 or 1 outside) because expf was a fifth of the skip-gram/hs profile.
 *
 * fw2v_log_sigmoid evaluates, on 256 intervals of [-12, 12], the cubic Hermite polynomial
 * that matches log sigmoid and its slope 1 - sigmoid at both ends (double coefficients from
 * the exact function): error below h^4 / 384 * max |4th derivative| = 2.5e-8, at a fraction
 * of the cost of log1p(exp(x)), which made compute_loss 35% slower on skip-gram.  Outside
 * [-12, 12] it computes the exact formula. */
#ifndef FASTW2V_SIGMOID_H
#define FASTW2V_SIGMOID_H
#include <math.h>

#define FW2V_SIGMOID_BOUND 12.0f
#define FW2V_SIGMOID_STEPS 2048
#define FW2V_LOG_SIGMOID_STEPS 256

static float fw2v_sigmoid_table[FW2V_SIGMOID_STEPS + 2];
static double fw2v_log_sigmoid_poly[FW2V_LOG_SIGMOID_STEPS][4];  /* c0 + t (c1 + t (c2 + t c3)) */

static inline double fw2v_log_sigmoid_exact(double x) {
    return x >= 0.0 ? -log1p(exp(-x)) : x - log1p(exp(x));
}

static void fw2v_sigmoid_init(void) {
    for (int i = 0; i <= FW2V_SIGMOID_STEPS + 1; i++) {
        double x = -FW2V_SIGMOID_BOUND + 2.0 * FW2V_SIGMOID_BOUND * i / FW2V_SIGMOID_STEPS;
        fw2v_sigmoid_table[i] = (float)(1.0 / (1.0 + exp(-x)));
    }
    double h = 2.0 * FW2V_SIGMOID_BOUND / FW2V_LOG_SIGMOID_STEPS;
    for (int i = 0; i < FW2V_LOG_SIGMOID_STEPS; i++) {
        double x0 = -FW2V_SIGMOID_BOUND + i * h, x1 = x0 + h;
        double y0 = fw2v_log_sigmoid_exact(x0), y1 = fw2v_log_sigmoid_exact(x1);
        double m0 = h / (1.0 + exp(x0)), m1 = h / (1.0 + exp(x1));  /* h * (1 - sigmoid) */
        double* c = fw2v_log_sigmoid_poly[i];
        c[0] = y0;
        c[1] = m0;
        c[2] = 3.0 * (y1 - y0) - 2.0 * m0 - m1;
        c[3] = 2.0 * (y0 - y1) + m0 + m1;
    }
}

static inline float fw2v_sigmoid(float x) {
    if (x <= -FW2V_SIGMOID_BOUND) return 0.0f;
    if (x >= FW2V_SIGMOID_BOUND) return 1.0f;
    float pos = (x + FW2V_SIGMOID_BOUND) * (FW2V_SIGMOID_STEPS / (2.0f * FW2V_SIGMOID_BOUND));
    int i = (int)pos;
    float frac = pos - (float)i;
    return fw2v_sigmoid_table[i] + frac * (fw2v_sigmoid_table[i + 1] - fw2v_sigmoid_table[i]);
}

static inline double fw2v_log_sigmoid(double x) {
    if (x <= -FW2V_SIGMOID_BOUND || x >= FW2V_SIGMOID_BOUND) return fw2v_log_sigmoid_exact(x);
    double pos = (x + FW2V_SIGMOID_BOUND) * (FW2V_LOG_SIGMOID_STEPS / (2.0 * FW2V_SIGMOID_BOUND));
    int i = (int)pos;
    double t = pos - i;
    const double* c = fw2v_log_sigmoid_poly[i];
    return c[0] + t * (c[1] + t * (c[2] + t * c[3]));
}
#endif
