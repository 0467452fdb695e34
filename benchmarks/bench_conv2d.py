"""Time cnnlib.conv2d against its naive loops and against a scipy.signal.correlate2d loop.

Run from the repository root:  python benchmarks/bench_conv2d.py
"""

import sys
import time
from pathlib import Path

import numpy as np
import scipy.signal

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from cnnlib.ops import conv2d, conv2d_naive  # noqa: E402

BATCH, CHANNELS, SIZE, FILTERS, KERNEL, PADDING = 8, 16, 64, 32, 3, 1
NAIVE_BATCH = 1  # the naive loops take seconds per image: time one image and scale up


def best_time(function, repeats):
    """Smallest wall time over a few runs: the least disturbed by other work on the machine."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def conv2d_with_scipy(x, weight, padding):
    """One scipy.signal.correlate2d call per (image, filter, channel) triple."""
    padded = np.pad(x, [(0, 0), (0, 0), (padding, padding), (padding, padding)])
    out = np.zeros((x.shape[0], weight.shape[0], x.shape[2], x.shape[3]))
    for n in range(x.shape[0]):
        for f in range(weight.shape[0]):
            for c in range(x.shape[1]):
                out[n, f] += scipy.signal.correlate2d(padded[n, c], weight[f, c], mode="valid")
    return out


def main():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(BATCH, CHANNELS, SIZE, SIZE))
    weight = rng.normal(size=(FILTERS, CHANNELS, KERNEL, KERNEL))
    print(f"x {x.shape}, weight {weight.shape}, padding {PADDING}")

    fast = best_time(lambda: conv2d(x, weight, padding=PADDING), repeats=5)
    with_scipy = best_time(lambda: conv2d_with_scipy(x, weight, PADDING), repeats=1)
    naive_part = best_time(lambda: conv2d_naive(x[:NAIVE_BATCH], weight, padding=PADDING), repeats=1)
    naive = naive_part * BATCH / NAIVE_BATCH

    assert np.allclose(conv2d(x, weight, padding=PADDING), conv2d_with_scipy(x, weight, PADDING))
    print(f"conv2d (vectorised)          {fast:9.4f} s")
    print(f"scipy correlate2d loop       {with_scipy:9.4f} s   ({with_scipy / fast:7.1f}x conv2d)")
    print(
        f"conv2d_naive                 {naive:9.4f} s   ({naive / fast:7.1f}x conv2d)  "
        f"[timed on batch {NAIVE_BATCH} ({naive_part:.3f} s) and scaled by {BATCH // NAIVE_BATCH}]"
    )


if __name__ == "__main__":
    main()
