#!/usr/bin/env python3
"""Fits the polynomial of the exponential that Glean's vector softmax uses (Sources/CKernels/activations.c).

    python3 Tools/kernels/fit_exp.py

The softmax exponentiates t = x − max ≤ 0. The kernel writes t = n·ln 2 + r with n = round(t·log₂e) and
|r| ≤ ln 2 / 2, so e^t = 2^n · e^r, and evaluates e^r ≈ 1 + r·(c1 + c2·r + c3·r² + c4·r³ + c5·r⁴) as
s + (r·s)·P(r) with s = 2^n (four FMAs for P, then a product and an FMA: one degree less than the general
exponential's polynomial). The coefficients minimise the largest relative error of e^r over the interval (Lawson's iteration:
weighted least squares, the weights multiplied by each point's error until the error levels out).

Prints the coefficients as float32 hexadecimal literals, the largest relative error of the polynomial in
exact arithmetic, and of the whole evaluation in float32 (n found with the magic-number rounding, r in one FMA
with ln 2 rounded to float, every operation rounded as the kernel rounds it) over t in [−10, 0] and in
[−87, 0] (the rounded ln 2 adds |n|·1.9e-9, which only shows below e^−10). Offline tool: the kernel holds the
printed constants; nothing at run time needs numpy.
"""
import numpy as np

DEGREE = 5
HALF_LN2 = np.log(2.0) / 2
LN2_F = np.float32(np.log(2.0))        # ln 2 rounded to float, as the kernel's LN2_F
LOG2E = np.float32(1.44269504088896341)
MAGIC = np.float32(12582912.0 + 127.0)  # 1.5·2^23 + 127: adding it rounds to an integer, kept in the low bits


def fit():
    r = HALF_LN2 * np.cos(np.linspace(0, np.pi, 6000))
    target = np.expm1(r) / r                    # P(r) = (e^r − 1) / r; relative error of e^r = r·ΔP / e^r
    columns = np.stack([r ** i for i in range(DEGREE)], 1)
    weights = np.ones_like(r)
    for _ in range(200):
        w = weights * np.abs(r) / np.exp(r)
        c, *_ = np.linalg.lstsq(columns * w[:, None], target * w, rcond=None)
        error = np.abs(r * (columns @ c - target)) / np.exp(r)
        weights = weights * np.maximum(error, 1e-30)
        weights /= weights.sum()
    c32 = c.astype(np.float32)
    exact = np.max(np.abs(1 + r * (columns @ c32.astype(np.float64)) - np.exp(r)) / np.exp(r))
    return c32, float(exact)


def f32(v):
    return np.asarray(v, dtype=np.float64).astype(np.float32)


def fma(a, b, c):
    """a·b + c rounded once to float32 (a·b of float32 values is exact in float64)."""
    return f32(a.astype(np.float64) * b.astype(np.float64) + c.astype(np.float64))


def exp_float32(t, c):
    t = f32(t)
    n_biased = fma(t, np.full_like(t, LOG2E), np.full_like(t, MAGIC))
    s = f32(np.ldexp(1.0, (n_biased.view(np.int32) & 0x1FF) - 127))
    n = f32(n_biased - MAGIC)
    r = fma(-n, np.full_like(t, LN2_F), t)
    p = np.full_like(t, c[4])
    for coefficient in c[3::-1]:
        p = fma(p, r, np.full_like(t, coefficient))
    return fma(f32(r * s), p, s)


def main():
    c, exact = fit()
    for i, value in enumerate(c, 1):
        mantissa, exponent = float(value).hex().split("p")
        print(f"#define EXP_C{i} {mantissa.rstrip('0')}p{exponent}f   // {float(value)!r}")
    print(f"max relative error of e^r: {exact:.2e} exact arithmetic")
    for low in (-10.0, -87.0):
        t = np.linspace(low, 0.0, 2_000_001)
        got = exp_float32(t, c).astype(np.float64)
        reference = np.exp(f32(t).astype(np.float64))
        error = np.max(np.abs(got - reference) / reference)
        print(f"max relative error of e^t, t in [{low:g}, 0], in float32: {error:.2e} ({error / 2 ** -24:.1f} units of 2^-24)")


if __name__ == "__main__":
    main()
