"""TF1's histogram summary buckets (tensorflow/core/lib/histogram/histogram.cc), in NumPy.

Bucket limits grow by 10% from 1e-12 to 1e20 on both sides of 0, with +-DBL_MAX at the ends;
a value goes into the first bucket whose limit exceeds it; runs of empty buckets collapse into
one (the limit of the last of them), as TF's `EncodeToProto(preserve_zero_buckets=False)`.
"""
import sys

import numpy as np

_DBL_MAX = sys.float_info.max


def _default_limits():
    pos = []
    v = 1.0e-12
    while v < 1.0e20:
        pos.append(v)
        v *= 1.1
    pos.append(_DBL_MAX)
    return np.array([-p for p in reversed(pos)] + [0.0] + pos, np.float64)


LIMITS = _default_limits()


def histogram_fields(values):
    """{min, max, num, sum, sum_squares, bucket_limit, bucket} of finite `values` as TF1's
    HistogramSummary kernel fills a HistogramProto (sums accumulated in order, in float64)."""
    x = np.asarray(values, np.float64).ravel()
    counts = np.bincount(np.searchsorted(LIMITS, x, side="right"),
                         minlength=len(LIMITS)).astype(np.float64)
    limits, buckets = [], []
    i, n = 0, len(LIMITS)
    while i < n:
        end, count, j = LIMITS[i], counts[i], i + 1
        while count <= 0 and j < n and counts[j] <= 0:
            end, count, j = LIMITS[j], counts[j], j + 1
        limits.append(float(end))
        buckets.append(float(count))
        i = j
    if not buckets:
        limits, buckets = [_DBL_MAX], [0.0]
    return {
        "min": float(x.min()) if x.size else _DBL_MAX,
        "max": float(x.max()) if x.size else -_DBL_MAX,
        "num": float(x.size),
        "sum": float(np.cumsum(x)[-1]) if x.size else 0.0,
        "sum_squares": float(np.cumsum(x * x)[-1]) if x.size else 0.0,
        "bucket_limit": limits, "bucket": buckets,
    }
