"""Pure numpy/Python re-computations of what the kernels do, for the tests to compare with."""
import numpy as np

MASK = (1 << 64) - 1
SATURATED = 6.0


def mix64(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


class SplitMix:
    """The kernels' generator, seeded by (seed, epoch, chunk) as csrc/rng.h documents: that of
    a chunk's noise words (its sub-sampling and windows come from another stream, which the
    reference, without either, does not need)."""

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


def softmax_objective(w, h, target):
    """The full-softmax cross-entropy of one example and its exact gradients, in float64:
    returns (loss, d loss / d w, d loss / d h)."""
    w, h = np.float64(w), np.float64(h)
    scores = w @ h
    top = scores.max()
    lse = top + np.log(np.exp(scores - top).sum())
    g = np.exp(scores - lse)
    g[target] -= 1.0
    return lse - scores[target], np.outer(g, h), g @ w


class Reference:
    """One epoch of word2vec over one chunk, without sub-sampling or reduced windows,
    following the formula of docs/architecture.md (The kernel) step by step in float32.
    ``lockf`` (one float32 factor per word, or None: every factor 1) scales the updates of
    the input vectors, as wv.vectors_lockf does."""

    def __init__(self, model, lockf=None):
        self.m = model
        self.lockf = lockf
        self.w_in = model.wv.vectors.copy()
        self.out = {name: w.copy() for name, w in model._outputs.items()}
        self.loss = 0.0
        self.examples = 0
        self.repeated_draws = 0
        self.max_abs_score = 0.0

    def gradient(self, f, label, alpha, count=1):
        """(label - sigmoid(f)) * alpha, 0 for a saturated correct unit; tallies the loss."""
        signed = f if label else -f
        self.max_abs_score = max(self.max_abs_score, abs(float(f)))
        self.loss -= count * np.log(sigmoid(signed))
        self.examples += count
        if signed >= SATURATED:
            return np.float32(0)
        return np.float32((label - sigmoid(f)) * alpha)

    def softmax(self, h, grad_h, target, alpha):
        w = self.out["w_sm"]
        loss, grad_w, grad_in = softmax_objective(w, h, target)
        self.loss += loss
        self.examples += 1
        grad_h -= np.float32(alpha * grad_in)
        w -= np.float32(alpha * grad_w)

    def output_rows(self, rng, target):
        """The output rows of ``target`` as (matrix name, index), with their labels and
        counts: its hs path, then the target and its noise words, where a noise word drawn
        twice is one row whose gradient counts twice and a draw equal to the target is
        skipped."""
        v = self.m.vocab
        rows, labels, counts = [], [], []
        if self.m.hs:
            for p in range(v.path_offsets[target], v.path_offsets[target + 1]):
                rows.append(("w_hs", int(v.points[p])))
                labels.append(1 - int(v.codes[p]))
                counts.append(1)
        if self.m.negative:
            rows.append(("w_ns", target))
            labels.append(1)
            counts.append(1)
            for _ in range(self.m.negative):
                w = rng.noise(v)
                if w == target:
                    continue
                if ("w_ns", w) in rows:
                    counts[rows.index(("w_ns", w))] += 1
                    self.repeated_draws += 1
                else:
                    rows.append(("w_ns", w))
                    labels.append(0)
                    counts.append(1)
        return rows, labels, counts

    def block(self, c, rows, labels, counts, alpha):
        """The contexts' rows c (n_ctx, dim) against the output rows as one block, from the
        rows before the update: returns the contexts' gradient; updates the output rows."""
        o = np.array([self.out[name][i] for name, i in rows]).reshape(len(rows), c.shape[1])
        scores = c @ o.T
        g = np.array([[n * self.gradient(f, label, alpha, n)
                       for f, label, n in zip(row, labels, counts)] for row in scores],
                     dtype=np.float32).reshape(len(c), len(rows))
        for (name, i), grad in zip(rows, g.T @ c):
            self.out[name][i] += grad
        return g @ o

    def output(self, rng, h, target, alpha):
        """One hidden vector's output layers: the gradient with respect to h."""
        grad_h = self.block(h[None, :], *self.output_rows(rng, target), alpha)[0]
        if self.m.softmax:
            self.softmax(h, grad_h, target, alpha)
        return grad_h

    def batched_window(self, rng, ctx, target, alpha):
        """All contexts of one center word against the same output rows: the target's hs
        path, then the target and one shared set of noise words."""
        grad_ctx = self.block(self.w_in[ctx], *self.output_rows(rng, target), alpha)
        if self.lockf is not None:
            grad_ctx *= self.lockf[ctx][:, None]
        np.add.at(self.w_in, ctx, grad_ctx)

    def train_text(self, rng, text, alpha):
        b = self.m.window
        for i in range(len(text)):
            ctx = [text[j] for j in range(max(0, i - b), min(len(text), i + b + 1)) if j != i]
            if self.m.batched:
                if ctx:
                    self.batched_window(rng, ctx, text[i], alpha)
            elif self.m.sg:
                for c in ctx:
                    h = self.w_in[c]
                    h += self.locked(c, self.output(rng, h, text[i], alpha))
            elif ctx:
                h = self.w_in[ctx].sum(axis=0)
                if self.m.cbow_mean:
                    h = h * np.float32(1.0 / len(ctx))
                grad_h = self.output(rng, h, text[i], alpha)
                for c in ctx:
                    self.w_in[c] += self.locked(c, grad_h)

    def locked(self, word, grad):
        """The update of input vector ``word``: ``grad`` times its lock factor."""
        return grad if self.lockf is None else self.lockf[word] * grad
