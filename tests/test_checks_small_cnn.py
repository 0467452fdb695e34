"""Chapter 11 checks: each passes a right answer and explains a wrong, raising or missing one.

Correct answers here are written without cnnlib: loops, SciPy's full convolution,
torch's autograd, and hand-worked numbers from the chapter.
"""

import numpy as np
import pytest
import scipy.signal
import torch
import torch.nn.functional as F

import cnnlib
from cnnlib import checks
from cnnlib.checks.small_cnn import measured_map_shifts

# The exercises of the chapter, for tests/test_exercise_checks.py.
SHORTCUTS = {
    "ex-small-cnn-max-pool-backward": ("check_max_pool_backward", "max_pool2d_backward",
                                       "def max_pool_backward(grad_output, x):\n"
                                       "    return {f}(grad_output, x, 2)"),
    "ex-small-cnn-conv-backward": ("check_conv_backward", "conv2d_backward",
                                   "def conv_backward(grad_output, x, kernel):\n"
                                   "    gx, gk, _ = {f}(grad_output[None, None], x[None, None], kernel[None, None])\n"
                                   "    return gx[0, 0], gk[0, 0]"),
}
FORBIDDEN = {
    "ex-small-cnn-max-pool-backward": [
        "def max_pool_backward(grad_output, x):\n"
        "    return cnnlib.max_pool2d_backward_naive(grad_output, x, 2)",
        # the layer's backward pass
        "def max_pool_backward(grad_output, x):\n"
        "    layer = cnnlib.MaxPool2d(2)\n"
        "    layer.forward(x[None, None])\n"
        "    return layer.backward(grad_output[None, None])[0, 0]",
    ],
    "ex-small-cnn-conv-backward": [
        "def conv_backward(grad_output, x, kernel):\n"
        "    gx, gk, _ = cnnlib.conv2d_backward_naive(grad_output[None, None], x[None, None],\n"
        "                                             kernel[None, None])\n"
        "    return gx[0, 0], gk[0, 0]",
        # the chapter's referee, which the exercise asks to run outside the function
        "def conv_backward(grad_output, x, kernel):\n"
        "    loss = lambda v, k: np.sum(grad_output * cnnlib.correlate2d(v, k))\n"
        "    return (cnnlib.numerical_gradient(lambda v: loss(v, kernel), x),\n"
        "            cnnlib.numerical_gradient(lambda k: loss(x, k), kernel))",
    ],
}
COUNT_ANSWERS = {
    # conv 16 * (1*5*5 + 1) = 416; dense (16*4*4 + 1) * 10 = 2,570
    "ex-small-cnn-param-count": ("check_param_count_by_hand", 2986),
    # the conv moves 4 columns, each 2x2 pool halves the move
    "ex-small-cnn-shift-prediction": ("check_shift_prediction", [4, 2, 2, 1]),
    # 7x7 windows at stride 1, each with its own winner on a ramp; an average feeds all 64
    "ex-small-cnn-teaching-positions": ("check_teaching_positions", [49, 64]),
}

# Tiny tensors: one thread is many times faster than torch's pool on a shared 2-core machine.


def _not_implemented(*args):
    raise NotImplementedError("write your code here")


def _text(result):
    return str(result)


# Independent solutions, written without cnnlib.

def _max_pool_backward_by_hand(grad_output, x):
    """One 2x2 window at a time: the window's gradient goes to its first maximum."""
    grad = np.zeros_like(x, dtype=float)
    for i in range(x.shape[0] // 2):
        for j in range(x.shape[1] // 2):
            window = x[2 * i : 2 * i + 2, 2 * j : 2 * j + 2]
            a, b = divmod(int(np.argmax(window)), 2)
            grad[2 * i + a, 2 * j + b] += grad_output[i, j]
    return grad


def _max_pool_backward_torch(grad_output, x):
    t = torch.tensor(np.asarray(x, dtype=float)[None, None], requires_grad=True)
    F.max_pool2d(t, 2).backward(torch.tensor(np.asarray(grad_output, dtype=float)[None, None]))
    return t.grad.numpy()[0, 0]


# --- parameter count by hand -------------------------------------------------------------------

def test_param_count_passes_the_hand_worked_number():
    # conv: 16 filters of 1*5*5 weights + 16 biases = 416; dense: (16*4*4 + 1) * 10 = 2570.
    assert checks.check_param_count_by_hand(416 + 2570).passed


def test_param_count_without_the_dense_biases_fails_with_a_hint_not_the_answer():
    result = checks.check_param_count_by_hand(416 + 2560)
    assert not result.passed and result.attempted
    assert "your answer 2,976 is not right" in _text(result) and "16*4*4 inputs" in _text(result)
    assert "2986" not in _text(result)


def test_param_count_is_compared_exactly():
    assert not checks.check_param_count_by_hand(2986.5).passed and not checks.check_param_count_by_hand(2985).passed


def test_param_count_with_unpooled_maps_fails():
    assert not checks.check_param_count_by_hand(416 + (16 * 8 * 8 + 1) * 10).passed


def test_param_count_not_attempted():
    assert "not attempted" in _text(checks.check_param_count_by_hand(...))


# --- prediction: how far the maps of two conv -> ReLU -> pool stages move -----------------------------

def test_shift_prediction_passes_the_equivariance_answer():
    # Conv moves with the input (4 columns); each 2x2 pool halves the move: 2, then 2, then 1.
    assert checks.check_shift_prediction([4, 2, 2, 1]).passed
    assert checks.check_shift_prediction((4, 2, 2, 1)).passed and checks.check_shift_prediction(np.array([4, 2, 2, 1])).passed


def test_shift_prediction_measurement_agrees_with_the_reasoning():
    assert measured_map_shifts(4) == [4, 2, 2, 1]


def test_shift_prediction_measurement_agrees_with_torch():
    # Independent: the same two stages in torch, and the move found by comparing whole columns.
    image = torch.zeros(1, 1, 16, 16, dtype=torch.float64)
    image[0, 0, 2:14, 3] = 1.0
    kernel = torch.tensor([[[[-1.0, 2.0, -1.0]] * 3]], dtype=torch.float64)

    def maps(x):
        out = []
        for _ in range(2):
            x = torch.relu(F.conv2d(x, kernel, padding=1))
            out.append(x[0, 0].numpy())
            x = F.max_pool2d(x, 2)
            out.append(x[0, 0].numpy())
        return out

    moved = torch.roll(image, 4, dims=3)  # the stroke stays far from the border, so roll is a shift
    for before, after, expected in zip(maps(image), maps(moved), [4, 2, 2, 1]):
        assert np.allclose(after[:, expected:], before[:, :before.shape[1] - expected])


def test_shift_prediction_rejects_invariance_and_says_which_maps_are_wrong():
    result = checks.check_shift_prediction([0, 0, 0, 0])  # "CNNs are shift-invariant": the seed notes' mistake
    assert not result.passed and "are not right" in _text(result) and "equivariant" in _text(result)


def test_shift_prediction_that_forgets_the_second_pool_names_only_that_map():
    text = _text(checks.check_shift_prediction([4, 2, 2, 2]))
    assert "first feature map, first pooled map and second feature map are right; second pooled map is not" in text


def test_shift_prediction_asks_for_four_maps():
    result = checks.check_shift_prediction([2, 1])
    assert not result.passed and "expected 4 items (first feature map, first pooled map" in _text(result)


def test_shift_prediction_compares_exactly():
    assert not checks.check_shift_prediction([4, 2, 2, 1.4]).passed


def test_shift_prediction_not_attempted():
    assert not checks.check_shift_prediction(...).attempted


# --- max-pool backward ------------------------------------------------------------------------

def test_max_pool_backward_passes_an_independent_loop():
    result = checks.check_max_pool_backward(_max_pool_backward_by_hand)
    assert result.passed, result


def test_max_pool_backward_passes_torch_autograd():
    assert checks.check_max_pool_backward(_max_pool_backward_torch).passed


def test_max_pool_backward_spreading_like_average_pooling_fails_by_case():
    def spread(grad_output, x):
        return np.kron(grad_output, np.ones((2, 2))) / 4
    text = _text(checks.check_max_pool_backward(spread))
    # In the 4x4 example the first window's maximum is x[1, 1] = 4: x[0, 0] should get 0, not 10/4.
    assert 'case "the 4x4 example of the chapter"' in text and "expected 0, got 2.5" in text


def test_max_pool_backward_with_max_starting_at_zero_fails_the_negative_case():
    def starts_at_zero(grad_output, x):
        grad = np.zeros_like(x)
        for i in range(x.shape[0] // 2):
            for j in range(x.shape[1] // 2):
                best, where = 0.0, None
                for a in range(2):
                    for b in range(2):
                        if x[2 * i + a, 2 * j + b] > best:
                            best, where = x[2 * i + a, 2 * j + b], (2 * i + a, 2 * j + b)
                if where is not None:
                    grad[where] += grad_output[i, j]
        return grad
    text = _text(checks.check_max_pool_backward(starts_at_zero))
    assert 'case "all values negative (a max that starts at 0 never finds them)"' in text
    assert 'case "the 4x4 example of the chapter"' not in text


def test_max_pool_backward_that_raises_is_reported():
    def broken(grad_output, x):
        return x[100]
    text = _text(checks.check_max_pool_backward(broken))
    assert "your function raised IndexError" in text and "0 of 5 cases passed" in text


def test_max_pool_backward_not_implemented_is_not_attempted():
    assert not checks.check_max_pool_backward(_not_implemented).attempted


def test_max_pool_backward_that_calls_cnnlib_fails_and_says_so():
    import cnnlib

    result = checks.check_max_pool_backward(lambda g, x: cnnlib.max_pool2d_backward(g, x, 2))
    assert not result.passed and "your function calls cnnlib.max_pool2d_backward" in _text(result)


# --- convolution backward (one channel, stride 1, no padding) ------------------------------------

def _conv_backward_by_loops(grad_output, x, kernel):
    """One output at a time: its gradient goes back to the window it read, and to the kernel."""
    kh, kw = kernel.shape
    grad_x, grad_kernel = np.zeros_like(x, dtype=float), np.zeros_like(kernel, dtype=float)
    for i in range(grad_output.shape[0]):
        for j in range(grad_output.shape[1]):
            grad_x[i:i + kh, j:j + kw] += grad_output[i, j] * kernel
            grad_kernel += grad_output[i, j] * x[i:i + kh, j:j + kw]
    return grad_x, grad_kernel


def _conv_backward_by_scipy(grad_output, x, kernel):
    """The chapter's formulas: a full convolution for the input, a correlation for the kernel."""
    return (scipy.signal.convolve2d(grad_output, kernel, mode="full"),
            scipy.signal.correlate2d(x, grad_output, mode="valid"))


def _conv_backward_by_torch(grad_output, x, kernel):
    xt = torch.tensor(np.asarray(x, float)[None, None], requires_grad=True)
    kt = torch.tensor(np.asarray(kernel, float)[None, None], requires_grad=True)
    F.conv2d(xt, kt).backward(torch.tensor(np.asarray(grad_output, float)[None, None]))
    return xt.grad.numpy()[0, 0], kt.grad.numpy()[0, 0]


def test_conv_backward_passes_independent_solutions():
    for solution in (_conv_backward_by_loops, _conv_backward_by_scipy, _conv_backward_by_torch):
        result = checks.check_conv_backward(solution)
        assert result.passed, result
    text = _text(result)
    assert "(grad_x against cnnlib)" in text and "(grad_kernel against finite differences)" in text


def test_conv_backward_without_the_flip_fails_on_grad_x_only():
    def no_flip(grad_output, x, kernel):  # a full correlation instead of a full convolution
        kh, kw = kernel.shape
        padded = np.pad(grad_output, ((kh - 1, kh - 1), (kw - 1, kw - 1)))
        return scipy.signal.correlate2d(padded, kernel, mode="valid"), _conv_backward_by_loops(grad_output, x, kernel)[1]
    text = _text(checks.check_conv_backward(no_flip))
    assert "of 6 cases passed (grad_x against cnnlib)" in text
    assert "all 6 cases pass (grad_kernel against cnnlib)" in text
    assert 'case "a 1x1 kernel"' not in text  # a 1x1 kernel is its own flip


def test_conv_backward_that_overwrites_overlapping_windows_fails_with_the_case():
    def overwrites(grad_output, x, kernel):
        kh, kw = kernel.shape
        grad_x = np.zeros_like(x, dtype=float)
        for i in range(grad_output.shape[0]):
            for j in range(grad_output.shape[1]):
                grad_x[i:i + kh, j:j + kw] = grad_output[i, j] * kernel  # = instead of +=
        return grad_x, _conv_backward_by_loops(grad_output, x, kernel)[1]
    text = _text(checks.check_conv_backward(overwrites))
    assert "the chapter's example: 3x3 input, 2x2 kernel of ones, output gradient of ones" in text
    assert "expected 2, got 1" in text


def test_conv_backward_that_returns_one_array_is_told_to_return_a_pair():
    text = _text(checks.check_conv_backward(lambda g, x, k: _conv_backward_by_loops(g, x, k)[0]))
    assert "must return a pair (grad_x, grad_kernel), not ndarray" in text


@pytest.mark.parametrize("helper", ["conv2d_backward", "numerical_gradient"])
def test_conv_backward_that_calls_cnnlib_fails_and_says_so(helper):
    import cnnlib

    def calls(grad_output, x, kernel):
        if helper == "conv2d_backward":
            gx, gk, _ = cnnlib.conv2d_backward(grad_output[None, None], x[None, None], kernel[None, None])
            return gx[0, 0], gk[0, 0]
        loss = lambda v, k: np.sum(grad_output * cnnlib.correlate2d(v, k))  # noqa: E731
        return (cnnlib.numerical_gradient(lambda v: loss(v, kernel), x),
                cnnlib.numerical_gradient(lambda k: loss(x, k), kernel))
    result = checks.check_conv_backward(calls)
    assert not result.passed and f"your function calls cnnlib.{helper}" in _text(result)


def test_conv_backward_may_use_correlate2d_and_convolve2d():
    import cnnlib

    def by_cnnlib_ops(grad_output, x, kernel):
        kh, kw = kernel.shape
        return cnnlib.convolve2d(grad_output, kernel, padding=(kh - 1, kw - 1)), cnnlib.correlate2d(x, grad_output)
    assert checks.check_conv_backward(by_cnnlib_ops).passed


def test_conv_backward_not_implemented_is_not_attempted():
    result = checks.check_conv_backward(_not_implemented)
    assert not result.attempted and "not attempted yet" in _text(result)
    assert not checks.check_conv_backward(lambda g, x, k: None).attempted


def test_the_chapters_self_check_of_a_right_conv_backward_is_far_below_the_threshold():
    # The worked solution's self-check, as the learner runs it: relative errors below 1e-7.
    import cnnlib

    rng = np.random.default_rng(0)
    x, kernel, g = rng.normal(size=(5, 5)), rng.normal(size=(3, 3)), rng.normal(size=(3, 3))
    for index, (point, loss) in enumerate([(x, lambda v: np.sum(g * cnnlib.correlate2d(v, kernel))),
                                           (kernel, lambda k: np.sum(g * cnnlib.correlate2d(x, k)))]):
        numeric = cnnlib.numerical_gradient(loss, point)
        assert cnnlib.relative_error(_conv_backward_by_loops(g, x, kernel)[index], numeric) < 1e-7


def _learner_function(source, name):
    namespace = {"np": np, "cnnlib": cnnlib}
    exec(source, namespace)
    return namespace[name]




def test_conv_backward_imported_by_name_is_refused():
    # The bug this table guards against: after `from cnnlib import conv2d_backward`,
    # an answer calling it passed, because only cnnlib's own modules were guarded.
    source = ("from cnnlib import conv2d_backward\n"
              + SHORTCUTS["ex-small-cnn-conv-backward"][2].format(f="conv2d_backward"))
    result = checks.check_conv_backward(_learner_function(source, "conv_backward"))
    assert not result.passed and "your function calls cnnlib.conv2d_backward" in _text(result)


def test_max_pool_backward_may_use_cnnlib_max_pool2d():
    def by_the_forward_pass(grad_output, x):
        # the window's maximum is where x equals its pooled value: first such position
        pooled = cnnlib.max_pool2d(x, 2)
        grad = np.zeros_like(x, dtype=float)
        for i in range(pooled.shape[0]):
            for j in range(pooled.shape[1]):
                window = x[2 * i:2 * i + 2, 2 * j:2 * j + 2]
                a, b = np.argwhere(window == pooled[i, j])[0]
                grad[2 * i + a, 2 * j + b] = grad_output[i, j]
        return grad
    result = checks.check_max_pool_backward(by_the_forward_pass)
    assert result.passed, result


# --- reason: the most positions of an 8x8 map that get gradient through a 2x2 pooling -------------
# (a) max-pool, stride 1: 7 x 7 = 49 windows, one winner each, all different on a ramp; (b) average,
# stride 2: every input of every window gets a quarter, and the windows tile the map: 64.


def teaching_by_torch(x, pool):
    """Independent: torch's autograd through a pooling, positions with a nonzero gradient."""
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    pool(t[None, None]).sum().backward()
    return int((t.grad != 0).sum())


def test_teaching_positions_pass_the_hand_worked_counts_in_any_sequence():
    for answer in ([49, 64], (49, 64), np.array([49, 64])):
        assert checks.check_teaching_positions(answer).passed, answer


def test_teaching_positions_match_torch_and_49_is_the_most():
    ramp = np.arange(64.0).reshape(8, 8)
    assert teaching_by_torch(ramp, lambda t: F.max_pool2d(t, 2, stride=1)) == 49 == 7 * 7
    assert teaching_by_torch(ramp, lambda t: F.avg_pool2d(t, 2)) == 64
    rng = np.random.default_rng(11)
    for _ in range(20):  # no map does better than one winner per window
        assert teaching_by_torch(rng.random((8, 8)), lambda t: F.max_pool2d(t, 2, stride=1)) <= 49


def test_teaching_positions_fail_on_every_position_for_the_overlapping_max_pool():
    text = str(checks.check_teaching_positions([64, 64]))
    assert "(b) is right; (a) is not" in text and "hint" in text and "49" not in text


def test_teaching_positions_fail_on_the_chapters_16_for_the_average():
    text = str(checks.check_teaching_positions([49, 16]))
    assert "(a) is right; (b) is not" in text and "share to every input" in text


def test_teaching_positions_compare_exactly():
    assert not checks.check_teaching_positions([49.5, 64]).passed


def test_teaching_positions_ask_for_two_counts():
    assert "expected 2 items ((a), (b))" in str(checks.check_teaching_positions([49]))
    assert not checks.check_teaching_positions("49, 64").passed


def test_teaching_positions_not_attempted():
    assert checks.check_teaching_positions(...).status == "not attempted"
