#!/usr/bin/env python3
"""numpy float32 baseline for the benchmarks in perf_bench.cpp.

The same work as the C++ kernels, written the way a numpy user would (whole-array operations,
BLAS for the products), timed as the minimum of N runs:

  gemm/M:<M>                   784x784 @ 784xM
  stage1_step/M:<M>            Adam update + separation loss (avg, t = 2) + gradient + min/mean
                               pairwise distance + gradient norm (what one Stage I step records)
  stage2_step/<model>/M:<M>    one retrieval step for all M memories as queries:
                               dot+softmax, dot+sparsemax (sort-based), kernel+softmax (A = Xi^T W^T W cached)

Prints one JSON object {"kernels": {name: ms}, "blas": threadpoolctl info} on stdout.
Benchmark baseline only: not a dependency of the app or of CI. Run it with OPENBLAS_CORETYPE and
OPENBLAS_L2_SIZE unset (compare.sh does) so OpenBLAS picks the kernel for this processor.
"""
import argparse
import json
import sys
import time

import numpy as np

D = 784
F32 = np.float32


def min_time_ms(fn, repeats, min_total=0.5):
    fn()  # warm-up (allocations, BLAS threads)
    best, total, runs = float("inf"), 0.0, 0
    while runs < repeats or (total < min_total and runs < 1000):
        t0 = time.perf_counter()
        fn()
        dt = time.perf_counter() - t0
        best = min(best, dt)
        total += dt
        runs += 1
    return best * 1e3


def memories(M, rng):
    return rng.random((D, M), dtype=F32)


def masked(xi, rng):
    return np.where(rng.random(xi.shape) < 0.5, F32(0), xi).astype(F32)


class Stage1:
    """Adam on the average separation loss (docs/method.md §4), the straightforward way."""

    def __init__(self, xi, t=2.0, lr=0.05):
        self.xi = xi
        self.t = F32(t)
        self.W = np.eye(D, dtype=F32)
        self.m = np.zeros_like(self.W)
        self.v = np.zeros_like(self.W)
        self.scale = float(np.sqrt(np.mean(self.W.astype(np.float64) ** 2)))
        self.lr = lr
        self.i = 0
        self.grad = self.loss_and_grad()[1]

    def loss_and_grad(self):
        xi, t = self.xi, self.t
        M = xi.shape[1]
        F = self.W @ xi
        n = np.linalg.norm(F, axis=0)
        Fh = F / n
        G = Fh.T @ Fh
        off = ~np.eye(M, dtype=bool)
        gmax = G[off].max()
        dist = np.sqrt(np.maximum(F32(0), F32(2) - F32(2) * G))
        pairs = 0.5 * M * (M - 1)
        min_d = float(np.sqrt(max(0.0, 2 - 2 * float(gmax))))
        mean_d = float(dist[off].sum(dtype=np.float64)) / 2 / pairs
        E = np.exp(F32(2) * t * (G - gmax))
        np.fill_diagonal(E, 0)
        s = float(E.sum(dtype=np.float64)) / 2
        loss = -2 * float(t) + 2 * float(t) * float(gmax) + np.log(s / pairs)
        omega = E / F32(s)
        gFh = (F32(2) * t) * (Fh @ omega)
        radial = (Fh * gFh).sum(axis=0)
        gF = (gFh - Fh * radial) / n
        grad = gF @ xi.T
        gnorm = float(np.linalg.norm(grad))
        return loss, grad, min_d, mean_d, gnorm

    def step(self):
        b1, b2, eps = 0.9, 0.999, 1e-8
        i = self.i
        self.m = F32(b1) * self.m + F32(1 - b1) * self.grad
        self.v = F32(b2) * self.v + F32(1 - b2) * self.grad * self.grad
        c1, c2 = 1 - b1 ** (i + 1), 1 - b2 ** (i + 1)
        step = F32(self.lr * self.scale / c1)
        self.W = self.W - step * self.m / (np.sqrt(self.v * F32(1 / c2)) + F32(eps * self.scale))
        self.i += 1
        self.grad = self.loss_and_grad()[1]


def softmax_cols(Z):
    Z = Z - Z.max(axis=0, keepdims=True)
    P = np.exp(Z)
    P /= P.sum(axis=0, keepdims=True)
    return P


def sparsemax_cols(Z):
    """Sort-based projection onto the simplex, per column (Martins & Astudillo 2016)."""
    M = Z.shape[0]
    Zs = -np.sort(-Z, axis=0)
    cs = np.cumsum(Zs, axis=0)
    k = np.arange(1, M + 1, dtype=F32)[:, None]
    support = Zs * k > cs - 1
    kz = support.sum(axis=0)
    tau = (cs[kz - 1, np.arange(Z.shape[1])] - 1) / kz
    return np.maximum(Z - tau, 0)


def stage2_step(A, xi, X, beta, sep):
    Z = A @ X
    Z *= F32(beta)
    P = softmax_cols(Z) if sep == "softmax" else sparsemax_cols(Z)
    return xi @ P


def kernel_matrix(xi, seed=7):
    rng = np.random.default_rng(seed)
    W = (rng.standard_normal((D, D)) / np.sqrt(D)).astype(F32)
    W /= np.linalg.norm(W, axis=1, keepdims=True)
    return np.ascontiguousarray(((W @ xi).T @ W).astype(F32))  # Xi^T W^T W, M x d


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="100,500,2000")
    ap.add_argument("--repeats", type=int, default=10, help="min over at least this many runs")
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    out = {}
    for M in [int(s) for s in args.sizes.split(",")]:
        xi = memories(M, rng)
        reps = args.repeats if M <= 500 else max(3, args.repeats // 2)
        A = rng.random((D, D), dtype=F32)
        out[f"gemm/M:{M}"] = min_time_ms(lambda: A @ xi, reps)
        s1 = Stage1(xi)
        out[f"stage1_step/M:{M}"] = min_time_ms(s1.step, reps)
        X = masked(xi, rng)
        dotA = np.ascontiguousarray(xi.T)
        kerA = kernel_matrix(xi)
        out[f"stage2_step/dot+softmax/M:{M}"] = min_time_ms(lambda: stage2_step(dotA, xi, X, 1.0, "softmax"), reps)
        out[f"stage2_step/dot+sparsemax/M:{M}"] = min_time_ms(lambda: stage2_step(dotA, xi, X, 1.0, "sparsemax"), reps)
        out[f"stage2_step/kernel+softmax/M:{M}"] = min_time_ms(lambda: stage2_step(kerA, xi, X, 1.0, "softmax"), reps)
        print(f"numpy M={M} done", file=sys.stderr)
    try:
        from threadpoolctl import threadpool_info
        blas = threadpool_info()
    except ImportError:
        blas = [{"note": "threadpoolctl not installed"}]
    json.dump({"numpy": np.__version__, "blas": blas, "kernels": out}, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
