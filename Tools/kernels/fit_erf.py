#!/usr/bin/env python3
"""Fits the rational erf that Glean's GELU kernels use (Sources/CKernels/activations.c).

    python3 Tools/kernels/fit_erf.py

erf(z) ≈ z·P(z²)/Q(z²) on [0, 3.925] (odd, so on [−3.925, 3.925]), P of degree 6 and Q of degree 5
in z², Q(0) = 1. The kernels clamp z to ±3.92 (KERNEL_CLAMP), where erf is ±1 in float (1 − erf(3.92) =
2.96e-8, under half the spacing of floats below 1) and where this rational, evaluated in float with FMAs,
is exactly ±1 (checked below), so clamping is all the vector kernels do beyond it. Iterated
weighted least squares on 4,000 Chebyshev nodes (the linearised problem P − erf·Q = 0, reweighted by
1/|Q| until it settles). Prints the coefficients rounded to float32 and the largest error of erf and of
GELU = ½·x·(1 + erf(x/√2)), both in exact arithmetic and evaluated in float32 by Horner's rule as the
kernel does. Offline tool: the kernel holds the printed constants; nothing at run time needs numpy.
"""
from math import erf, sqrt

import numpy as np

CLAMP = 3.925          # the fitting interval
KERNEL_CLAMP = np.float32(3.92)
DEGREE_P, DEGREE_Q = 6, 5


def fit():
    xs = CLAMP * (1 - np.cos(np.linspace(0, np.pi, 4000))) / 2
    ys = np.array([erf(x) for x in xs])
    t = xs ** 2
    weights = np.ones_like(xs)
    for _ in range(30):
        columns = [xs * t ** i for i in range(DEGREE_P + 1)] + [-ys * t ** j for j in range(1, DEGREE_Q + 1)]
        a = np.stack(columns, 1)
        solution, *_ = np.linalg.lstsq(a * weights[:, None], ys * weights, rcond=None)
        p, q = solution[:DEGREE_P + 1], np.concatenate([[1.0], solution[DEGREE_P + 1:]])
        weights = 1 / np.abs(np.polyval(q[::-1], t))
    approx = xs * np.polyval(p[::-1], t) / np.polyval(q[::-1], t)
    return p.astype(np.float32), q.astype(np.float32), float(np.max(np.abs(approx - ys)))


def fma(a, b, c):
    """a·b + c rounded once to float32 (a·b of float32 values is exact in float64)."""
    return (np.asarray(a, np.float64) * np.asarray(b, np.float64) + np.asarray(c, np.float64)).astype(np.float32)


def erf_float32(z, p, q):
    """The vector kernels' evaluation: clamp to ±KERNEL_CLAMP, Horner with FMAs in float32, one division."""
    zc = np.clip(np.asarray(z, np.float32), -KERNEL_CLAMP, KERNEL_CLAMP).astype(np.float32)
    t = (zc * zc).astype(np.float32)
    num, den = np.full_like(t, p[-1]), np.full_like(t, q[-1])
    for c in p[-2::-1]:
        num = fma(num, t, np.full_like(t, c))
    for c in q[-2::-1]:
        den = fma(den, t, np.full_like(t, c))
    return ((zc * num).astype(np.float32) / den).astype(np.float32)


def main():
    p, q, exact_error = fit()
    ends = erf_float32(np.array([-KERNEL_CLAMP, KERNEL_CLAMP], np.float32), p, q)
    assert list(ends) == [-1.0, 1.0], f"the rational at the clamp is {ends}, not exactly -1 and 1"
    z = np.linspace(-6, 6, 400001).astype(np.float32)
    reference = np.array([erf(float(v)) for v in z])
    erf_error = np.max(np.abs(erf_float32(z, p, q) - reference))
    x = np.linspace(-10, 10, 400001).astype(np.float32)
    gelu = (0.5 * x * (1 + erf_float32(x * np.float32(1 / sqrt(2)), p, q))).astype(np.float32)
    gelu_reference = np.array([0.5 * v * (1 + erf(v / sqrt(2))) for v in x.astype(np.float64)])
    gelu_error = np.max(np.abs(gelu - gelu_reference) / np.maximum(1, np.abs(x)))
    print(f"P (z^1, z^3, ...): {[float(c) for c in p]}")
    print(f"Q (1, z^2, ...):   {[float(c) for c in q]}")
    print(f"max |error| of erf: {exact_error:.2e} exact arithmetic, {erf_error:.2e} in float32")
    print(f"max |error| / max(1, |x|) of GELU in float32: {gelu_error:.2e} (kernel tests allow 1e-6)")


if __name__ == "__main__":
    main()
