"""Time cnnlib's hot paths against torch, and chapter 11's training, before and after they were made fast.

Run from the repository root:  .venv/bin/python benchmarks/bench_hot_paths.py  [--quick] [--only TABLE]

Three tables, each timed in this one process with the variants interleaved (one call
of each in turn, round after round), keeping each variant's fastest round: on a shared
machine, other work only ever adds time, so the minimum is the least disturbed figure.

1. The operations, on x (8, 16, 64, 64) and weight (32, 16, 3, 3), float64: cnnlib now,
   cnnlib before (``_before.py``: the old functions, copied verbatim) and torch on
   2 threads (numpy's BLAS keeps its default, one thread per core). torch's backward
   passes are its own kernels, not autograd, from what cnnlib's receive:
   ``aten.convolution_backward`` from (grad_output, x, weight); for max pooling, which
   cnnlib works out again from x, ``aten.max_pool2d_with_indices`` (the forward, which
   finds the indices) then ``aten.max_pool2d_with_indices_backward``.
2. Chapter 11's training, as the chapter runs it: the digits split, the small CNN and
   the dense network trained 12 epochs; the five-seed study; the CNN trained 4 epochs on
   the shifted digits. Before (``_before.installed()``) and after, with each model's test
   accuracies, which the chapter's prose states.
3. The pooling figures of chapter 10: CPU time to draw all frames of each, as
   ``tests/test_figure_budget.py`` measures it, before and after.
"""

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]  # run from a checkout without installing

import _before  # noqa: E402
import cnnlib  # noqa: E402
import cnnlib.figures.pooling  # noqa: E402
from cnnlib.widgets import DPI, _as_sliders, _draw_frames  # noqa: E402

TORCH_THREADS = 2
PAUSE_S = 0.3  # before each timed operation: see fastest()
X_SHAPE, W_SHAPE, PADDING = (8, 16, 64, 64), (32, 16, 3, 3), 1


def fastest(variants, rounds, clock=time.perf_counter, pause=0.0):
    """Return {name: smallest time of one call} over ``rounds`` rounds, the variants interleaved.

    ``pause`` seconds pass before each call: after a call, OpenBLAS's and torch's worker
    threads keep spinning for a while, and the next call, of the other library, would share
    the two cores with them (torch's conv2d took 25 to 40 ms right after a numpy one, 22 ms
    after a pause of 0.3 s).
    """
    best = dict.fromkeys(variants, float("inf"))
    for _ in range(rounds):
        for name, run in variants.items():
            time.sleep(pause)
            start = clock()
            run()
            best[name] = min(best[name], clock() - start)
    return best


# ---------------------------------------------------------------------------
# 1. The operations
# ---------------------------------------------------------------------------


def operations():
    """Return [(label, {"now": f, "before": f, "torch": f}, check)] on the benchmark's arrays."""
    rng = np.random.default_rng(0)
    x, weight = rng.normal(size=X_SHAPE), rng.normal(size=W_SHAPE)
    xt, wt = torch.from_numpy(x), torch.from_numpy(weight)
    grad_conv = rng.normal(size=cnnlib.conv2d(x, weight, padding=PADDING).shape)
    gt = torch.from_numpy(grad_conv)
    grad_pool = rng.normal(size=cnnlib.max_pool2d(x, 2).shape)
    gt_pool = torch.from_numpy(grad_pool)
    aten = torch.ops.aten

    def pool(label, kind, k, s):
        new, old = getattr(cnnlib, f"{kind}_pool2d"), getattr(_before, f"{kind}_pool2d")
        ref = getattr(F, f"{kind}_pool2d")
        return (label, {"now": lambda: new(x, k, s), "before": lambda: old(x, k, s), "torch": lambda: ref(xt, k, s)},
                lambda: np.allclose(new(x, k, s), ref(xt, k, s).numpy(), rtol=1e-12, atol=1e-12))

    def max_pool_backward_torch():
        """From x and the output gradient, as cnnlib: the forward's indices, then the backward kernel."""
        _, indices = aten.max_pool2d_with_indices(xt, [2, 2], [2, 2])
        return aten.max_pool2d_with_indices_backward(gt_pool, xt, [2, 2], [2, 2], [0, 0], [1, 1], False, indices)

    def conv_backward_torch():
        return aten.convolution_backward(gt, xt, wt, [W_SHAPE[0]], [1, 1], [PADDING] * 2, [1, 1],
                                         False, [0, 0], 1, [True, True, True])

    return [
        ("conv2d", {"now": lambda: cnnlib.conv2d(x, weight, padding=PADDING),
                    "before": lambda: _before.conv2d(x, weight, padding=PADDING),
                    "torch": lambda: F.conv2d(xt, wt, padding=PADDING)},
         lambda: np.allclose(cnnlib.conv2d(x, weight, padding=PADDING), F.conv2d(xt, wt, padding=PADDING).numpy())),
        ("conv2d_backward", {"now": lambda: cnnlib.conv2d_backward(grad_conv, x, weight, padding=PADDING),
                             "before": lambda: _before.conv2d_backward(grad_conv, x, weight, padding=PADDING),
                             "torch": conv_backward_torch},
         lambda: all(np.allclose(a, b.numpy()) for a, b in
                     zip(cnnlib.conv2d_backward(grad_conv, x, weight, padding=PADDING), conv_backward_torch()))),
        pool("max_pool2d 2x2", "max", 2, 2),
        pool("avg_pool2d 2x2", "avg", 2, 2),
        pool("max_pool2d 3x3, stride 2", "max", 3, 2),
        pool("avg_pool2d 3x3, stride 2", "avg", 3, 2),
        ("max_pool2d_backward 2x2",
         {"now": lambda: cnnlib.max_pool2d_backward(grad_pool, x, 2),
          "before": lambda: _before.max_pool2d_backward(grad_pool, x, 2),
          "torch": max_pool_backward_torch},
         lambda: np.array_equal(cnnlib.max_pool2d_backward(grad_pool, x, 2), max_pool_backward_torch().numpy())),
    ]


def print_operations(rounds):
    print(f"\n1. Operations: x {X_SHAPE}, weight {W_SHAPE}, padding {PADDING} (conv), float64; "
          f"torch on {torch.get_num_threads()} threads; fastest of {rounds} interleaved rounds, "
          f"{PAUSE_S} s before each call")
    print(f"{'operation':28}{'torch':>10}{'before':>10}{'now':>10}{'before/torch':>14}{'now/torch':>11}"
          f"{'speed-up':>10}")
    for label, variants, check in operations():
        assert check(), f"{label}: cnnlib and torch disagree"
        best = fastest(variants, rounds, pause=PAUSE_S)
        t, b, n = (1000 * best[k] for k in ("torch", "before", "now"))
        print(f"{label:28}{t:8.2f}ms{b:8.2f}ms{n:8.2f}ms{b / t:14.2f}{n / t:11.2f}{b / n:9.1f}x")
    print_torch_max_pool_kernel(rounds)


def print_torch_max_pool_kernel(rounds):
    """The part of torch's max-pool backward pass that does not find the maxima: a footnote to the table."""
    x = torch.from_numpy(np.random.default_rng(0).normal(size=X_SHAPE))
    _, indices = torch.ops.aten.max_pool2d_with_indices(x, [2, 2], [2, 2])
    grad = torch.ones(indices.shape, dtype=torch.float64)
    best = fastest({"kernel": lambda: torch.ops.aten.max_pool2d_with_indices_backward(
        grad, x, [2, 2], [2, 2], [0, 0], [1, 1], False, indices)}, rounds, pause=PAUSE_S)
    print(f"  (torch's max_pool2d_backward above finds the maxima with its forward pass, as cnnlib must; "
          f"given them, its backward kernel alone takes {1000 * best['kernel']:.2f} ms)")


# ---------------------------------------------------------------------------
# 2. Chapter 11's training (book/11_small_cnn.ipynb, its cells copied)
# ---------------------------------------------------------------------------


def digits():
    """Return the chapter's images, labels and its split (x_train, y_train, x_test, y_test)."""
    from sklearn.datasets import load_digits

    data = load_digits()
    images, labels = data.images[:, np.newaxis] / 16.0, data.target
    order = np.random.default_rng(0).permutation(len(images))
    test, train = order[:450], order[450:]
    return images, labels, (images[train], labels[train], images[test], labels[test])


def small_cnn(rng):
    return cnnlib.Sequential(
        cnnlib.Conv2d(1, 8, 3, padding=1, rng=rng),
        cnnlib.Activation("relu"),
        cnnlib.MaxPool2d(2),
        cnnlib.Flatten(),
        cnnlib.Dense(8 * 4 * 4, 10, rng=rng, init="glorot"),
    )


def dense_network(rng):
    return cnnlib.Sequential(
        cnnlib.Flatten(),
        cnnlib.Dense(64, 64, rng=rng),
        cnnlib.Activation("relu"),
        cnnlib.Dense(64, 10, rng=rng, init="glorot"),
    )


def fresh_models():
    weights_rng = np.random.default_rng(1)
    return small_cnn(weights_rng), dense_network(weights_rng)


def chapter11_trainings():
    """Return {name: function training as the chapter does, returning the test accuracies}."""
    images, labels, (x_train, y_train, x_test, y_test) = digits()
    recipe = dict(epochs=12, lr=0.05, momentum=0.9, batch_size=32, x_test=x_test, y_test=y_test)

    def first_models():  # cell "trained both in ... s"
        cnn, mlp = fresh_models()
        batch_rng = np.random.default_rng(2)
        cnnlib.fit(cnn, x_train, y_train, **recipe, rng=batch_rng,
                   record=lambda model: model.layers[0].params["weight"].copy())
        cnnlib.fit(mlp, x_train, y_train, **recipe, rng=batch_rng)
        return [cnnlib.accuracy(cnn, x_test, y_test), cnnlib.accuracy(mlp, x_test, y_test)]

    def five_seeds():  # cell "train_both(seed)" for seeds 1 to 5
        accuracies = []
        for seed in [1, 2, 3, 4, 5]:
            seed_rng = np.random.default_rng(seed)
            order = seed_rng.permutation(len(images))
            x_held, y_held, kept = images[order[:450]], labels[order[:450]], order[450:]
            for model in (small_cnn(seed_rng), dense_network(seed_rng)):
                cnnlib.fit(model, images[kept], labels[kept], epochs=12, lr=0.05,
                           momentum=0.9, batch_size=32, rng=seed_rng)
                accuracies.append(cnnlib.accuracy(model, x_held, y_held))
        return accuracies

    def augmented():  # cell "x_augmented": the CNN on the digits shifted -2 to 2 pixels
        shifts = [-2, -1, 0, 1, 2]
        x_augmented = np.concatenate([cnnlib.shift_images(x_train, 0, s) for s in shifts])
        cnn_augmented, _ = fresh_models()
        cnnlib.fit(cnn_augmented, x_augmented, np.tile(y_train, len(shifts)), **{**recipe, "epochs": 4},
                   rng=np.random.default_rng(3))
        return [cnnlib.accuracy(cnn_augmented, x_test, y_test)]

    return {"CNN and dense, 12 epochs": first_models, "five seeds, both models": five_seeds,
            "augmented CNN, 4 epochs": augmented}


def print_training(rounds):
    print(f"\n2. Chapter 11's training (wall time, fastest of {rounds} interleaved rounds)")
    print(f"{'training':28}{'before':>10}{'now':>10}{'speed-up':>10}   test accuracies before | now")
    total = {"before": 0.0, "now": 0.0}
    for label, train in chapter11_trainings().items():
        results = {}

        def before():
            with _before.installed():
                results["before"] = train()

        def now():
            results["now"] = train()

        best = fastest({"before": before, "now": now}, rounds)
        total = {k: total[k] + best[k] for k in total}
        same = "same" if results["before"] == results["now"] else "DIFFERENT"
        print(f"{label:28}{best['before']:9.2f}s{best['now']:9.2f}s{best['before'] / best['now']:9.1f}x   "
              + " ".join(f"{a:.1%}" for a in results["before"]) + " | "
              + " ".join(f"{a:.1%}" for a in results["now"]) + f" ({same})")
    print(f"{'all of chapter 11':28}{total['before']:9.2f}s{total['now']:9.2f}s"
          f"{total['before'] / total['now']:9.1f}x")


# ---------------------------------------------------------------------------
# 3. The pooling figures
# ---------------------------------------------------------------------------


def print_figures(rounds):
    print(f"\n3. Pooling figures: CPU time to draw every frame (fastest of {rounds} interleaved rounds)")
    print(f"{'figure':28}{'frames':>8}{'before':>10}{'now':>10}")
    for name in ("POOLING_WINDOWS", "POOL_SHIFT"):
        spec = getattr(cnnlib.figures.pooling, name)
        sliders = _as_sliders(spec.sliders)

        def draw():
            return _draw_frames(spec.draw, sliders, spec.alt, DPI)

        def before():
            with _before.installed():
                draw()

        best = fastest({"before": before, "now": draw}, rounds, clock=time.process_time)
        print(f"{'pooling.' + name:28}{len(spec.settings()):8}{best['before']:9.2f}s{best['now']:9.2f}s")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds: a rough look")
    parser.add_argument("--only", choices=["operations", "training", "figures"], help="print one table")
    args = parser.parse_args()
    torch.set_num_threads(TORCH_THREADS)
    print(f"numpy {np.__version__}, torch {torch.__version__}, {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.1f} (other work on the machine)")
    if args.only in (None, "operations"):
        print_operations(rounds=5 if args.quick else 15)
    if args.only in (None, "training"):
        print_training(rounds=1 if args.quick else 3)
    if args.only in (None, "figures"):
        print_figures(rounds=1 if args.quick else 5)


if __name__ == "__main__":
    main()
