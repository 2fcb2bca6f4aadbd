"""Pure numpy/Python re-computations of what the kernels do, for the tests to compare with."""
import numpy as np

MASK = (1 << 64) - 1
SATURATED = 6.0


def mix64(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


class SplitMix:
    """The kernels' generator, seeded by (seed, epoch, chunk) as csrc/rng.h documents."""

    def __init__(self, seed, epoch, chunk):
        self.state = mix64(mix64(mix64(seed) ^ epoch) ^ chunk)

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        return mix64(self.state)

    def noise(self, vocab):
        r = self.next()
        i = ((r >> 32) * len(vocab)) >> 32
        return i if (r & 0xFFFFFFFF) < int(vocab.alias_prob[i]) else int(vocab.alias_index[i])


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-np.float64(x)))


class Reference:
    """One epoch of word2vec over one chunk, without sub-sampling or reduced windows,
    following the formula of DESIGN.md step by step in float32."""

    def __init__(self, model, w_in, w_ns, w_hs):
        self.m = model
        self.w_in, self.w_ns, self.w_hs = w_in.copy(), w_ns.copy(), w_hs.copy()
        self.loss = 0.0
        self.examples = 0

    def unit(self, h, grad_h, row, label, alpha):
        f = np.float32(np.dot(h, row))
        signed = f if label else -f
        self.loss -= np.log(sigmoid(signed))
        self.examples += 1
        if signed >= SATURATED:
            return
        g = np.float32((label - sigmoid(f)) * alpha)
        grad_h += g * row
        row += g * h

    def output(self, rng, h, target, alpha):
        grad_h = np.zeros_like(h)
        v = self.m.vocab
        if self.m.hs:
            for p in range(v.path_offsets[target], v.path_offsets[target + 1]):
                self.unit(h, grad_h, self.w_hs[v.points[p]], 1 - int(v.codes[p]), alpha)
        if self.m.negative:
            self.unit(h, grad_h, self.w_ns[target], 1, alpha)
            for _ in range(self.m.negative):
                w = rng.noise(v)
                if w != target:
                    self.unit(h, grad_h, self.w_ns[w], 0, alpha)
        return grad_h

    def train_text(self, rng, text, alpha):
        b = self.m.window
        for i in range(len(text)):
            ctx = [text[j] for j in range(max(0, i - b), min(len(text), i + b + 1)) if j != i]
            if self.m.sg:
                for c in ctx:
                    h = self.w_in[c]
                    h += self.output(rng, h, text[i], alpha)
            elif ctx:
                h = self.w_in[ctx].sum(axis=0)
                if self.m.cbow_mean:
                    h = h * np.float32(1.0 / len(ctx))
                grad_h = self.output(rng, h, text[i], alpha)
                for c in ctx:
                    self.w_in[c] += grad_h
